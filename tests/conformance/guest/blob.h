/*
 * blob.h - the image blob the conformance guest reads, shared by the guest
 * (guest/main.c) and the generator that writes it (gen.c).
 *
 * A blob is a 4096-byte header page followed by the images, one raw
 * 4096-byte VMCB page each (the same pages as images.bin, which
 * `svmcheck replay -f raw` reads).  QEMU loads it as the multiboot module;
 * on the Bochs disk it starts at sector BLOB_DISK_LBA, after the boot
 * sector and the program (at most BLOB_PROGRAM_SECTORS sectors).
 */
#ifndef CONFORM_BLOB_H
#define CONFORM_BLOB_H

#define BLOB_MAGIC 0x424f4c4243564d53ull /* "SVMCBLOB" */
#define BLOB_PROGRAM_SECTORS 127
#define BLOB_DISK_LBA 128

#ifndef __ASSEMBLER__
#include <stdint.h>

struct blob_header {
	uint64_t magic;
	uint32_t count; /* images after the header */
	uint32_t start; /* the first image to run (the runner resumes after a hang) */
};
#endif

#endif
