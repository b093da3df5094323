/*
 * cpu_int.h - what the profile readers in src/cpu/ share and nobody else
 * needs: the per-format loaders behind svmc_cpu_load_file() and the check
 * that a dump holds every leaf the feature table reads.
 */
#ifndef SVMCHECK_CPU_INT_H
#define SVMCHECK_CPU_INT_H

#include <stdio.h>

#include "svmcheck/cpu.h"

/* Longest line a text profile may have (cpuid -r lines are 77 bytes). */
#define CPU_LINE_MAX 1024
/* Largest profile file accepted: bounded memory whatever the input. */
#define CPU_FILE_MAX (4u << 20)

/*
 * Every loader takes the path (for messages, already opened where a FILE is
 * passed), fills out (leaves, identity, source) and calls svmc_cpu_decode().
 * Errors carry the path in d->input and the line where there is one.
 */
enum svmc_err svmc_cpu_load_cpuid_r(FILE *f, const char *path, struct svmc_cpu *out,
				    struct svmc_diag *d);
/*
 * The libcpuid reader takes the bytes already read, as the JSON one does
 * (not const only because fmemopen(3) wants a writable buffer: it reads).
 */
enum svmc_err svmc_cpu_load_libcpuid(char *text, size_t len, const char *path, struct svmc_cpu *out,
				     struct svmc_diag *d);
enum svmc_err svmc_cpu_load_json(const char *text, size_t len, const char *path,
				 struct svmc_cpu *out, struct svmc_diag *d);
/*
 * libvirt XML (libvirt.c): a domain or its <cpu> element, `virsh
 * domcapabilities` (the host-model CPU) or `virsh capabilities` (the host
 * CPU), as a feature list over a bundled QEMU model profile.
 */
enum svmc_err svmc_cpu_load_libvirt(const char *text, size_t len, const char *path,
				    struct svmc_cpu *out, struct svmc_diag *d);

/* Text that starts as /proc/cpuinfo does ("processor<blanks>:"). */
bool svmc_cpuinfo_detect(const char *buf, size_t len);
/* /proc/cpuinfo as a feature-list profile (text is modified: split into lines). */
enum svmc_err svmc_cpu_load_cpuinfo(char *text, size_t len, const char *path, struct svmc_cpu *out,
				    struct svmc_diag *d);

/*
 * The bundled profile (a name for svmc_profile_find()) of QEMU named model
 * `name` ("EPYC-Milan", "EPYC-Rome-v4"), writing QEMU's versioned name into
 * qname; NULL when QEMU has no such AMD model.
 */
const char *svmc_qemu_model_profile(const char *name, char *qname, size_t n);

/*
 * A QEMU or libvirt x86 feature name no VMRUN check reads ("avx2",
 * "tsc_adjust"; '_' and '-' alike), a Hyper-V enlightenment, or a QEMU
 * option that is not a CPUID bit ("enforce"): accepted, changes nothing.
 */
bool svmc_qemu_name_ignored(const char *w, size_t len);

/*
 * Rewrite one modifier word (size n) given in QEMU's spelling into
 * svmcheck's: "pku=off" -> "-pku", "+xd" -> "+nx", "phys-bits=40" ->
 * "maxphyaddr=40", "host-phys-bits=on" -> this host's MAXPHYADDR.  *ignore
 * is set for QEMU features and options no VMRUN check reads ("+avx2",
 * "enforce").  Words in svmcheck's own spelling are left as they are.
 */
enum svmc_err svmc_qemu_option(char *word, size_t n, bool *ignore, struct svmc_diag *d);

/*
 * A dump must hold leaf 0 and, below each range's maximum leaf, sub-leaf 0
 * of every leaf the feature table reads ("a missing line is not a zero
 * value": a dump without them is cut short), and whose leaf 0x80000008, if
 * read, gives a MAXPHYADDR of 32..64 (or 0: not stated).  SVMC_OK or an
 * error in d.
 */
enum svmc_err svmc_cpu_check_complete(const struct svmc_cpu *c, struct svmc_diag *d);

/* Copy src into dst (size n), always NUL-terminated. */
void svmc_strlcpy(char *dst, const char *src, size_t n);

#endif
