/*
 * conform_blob.h - the host side of the conformance guest's image blob
 * (tests/conformance/guest/blob.h): the Bochs boot disk and the blob
 * header's start index.  Shared by conform_gen (tests/conformance/gen.c)
 * and `svmcheck replay --run` (run_emu.c), so that both boot the guest on
 * exactly the same files.
 */
#ifndef SVMCHECK_CLI_CONFORM_BLOB_H
#define SVMCHECK_CLI_CONFORM_BLOB_H

#include <stddef.h>
#include <stdint.h>

/* Where the blob starts in a file: 0 in a blob, this in a Bochs disk. */
#define CONFORM_DISK_BLOB_OFFSET (128L * 512)

/*
 * Write the Bochs boot disk out: the 512-byte boot sector, the program (at
 * most BLOB_PROGRAM_SECTORS sectors) from sector 1, the blob at sector
 * BLOB_DISK_LBA, padded to whole cylinders of 16 heads x 63 sectors.
 * 0, or -1 with the reason in msg (n bytes).
 */
int conform_disk_write(const char *bootsect, const char *program, const char *blob, const char *out,
		       char *msg, size_t n);

/*
 * Set the first image to run in the blob header at byte offset of path
 * (0 for a blob, CONFORM_DISK_BLOB_OFFSET for a disk).  0, or -1 with the
 * reason in msg.
 */
int conform_blob_set_start(const char *path, long offset, uint32_t start, char *msg, size_t n);

#endif
