/*
 * kvm.c - the CPU view this host's KVM can offer an L1 guest: the CPUID
 * entries of KVM_GET_SUPPORTED_CPUID on /dev/kvm (the "KVM_GET_SUPPORTED_CPUID"
 * section of Linux's Documentation/virt/kvm/api.rst), as a profile's leaves.
 *
 * This is not the silicon: KVM masks the host's CPUID with what it
 * virtualizes and adds what it emulates whatever the host has (x2APIC, the
 * TSC deadline timer, and since Linux 6.14 the hypervisor bit, commit
 * 9aa470f5ddb2), reports its own signature leaves 0x40000000 and up, and
 * shows SVM and its sub-features only when kvm_amd offers nested SVM, SEV
 * bits only when kvm_amd's sev parameters are on (arch/x86/kvm/cpuid.c,
 * kvm_set_cpu_caps() and __do_cpuid_func()).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu_int.h"

#if defined(__linux__) && (defined(__x86_64__) || defined(__i386__))

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <linux/kvm.h>

#define KVM_DEV "/dev/kvm"

/*
 * KVM answers E2BIG, without saying how many entries it needs, while nent
 * is too small, and clamps a larger nent to its KVM_MAX_CPUID_ENTRIES
 * (arch/x86/include/asm/kvm_host.h; kvm_dev_ioctl_get_cpuid()): start
 * small and double.  Every host reports more than 16 entries (leaves 0 to
 * 0xd and the extended ones), so the growth runs, and is tested, on every
 * host.  A profile holds SVMC_CPU_MAX_LEAVES leaves: asking for more is
 * pointless.
 */
#define KVM_NENT_FIRST 16u

static enum svmc_err open_failed(int err, struct svmc_diag *d)
{
	if (err == ENOENT || err == ENXIO || err == ENODEV)
		return svmc_diag_set(d, SVMC_ERR_IO,
				     "cannot open: %s: KVM is not available on this host"
				     " (no kvm_amd or kvm_intel module loaded, or inside a "
				     "container or VM without it)",
				     strerror(err));
	if (err == EACCES || err == EPERM)
		return svmc_diag_set(d, SVMC_ERR_IO,
				     "cannot open: %s: the user needs to be in the kvm group "
				     "(or run as root)",
				     strerror(err));
	return svmc_diag_set(d, SVMC_ERR_IO, "cannot open: %s", strerror(err));
}

/* The entries of KVM_GET_SUPPORTED_CPUID (malloc'd, *n of them), or NULL with d set. */
static struct kvm_cpuid2 *supported_cpuid(int fd, struct svmc_diag *d)
{
	for (unsigned n = KVM_NENT_FIRST;; n *= 2) {
		struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));
		int err;

		if (!c) {
			svmc_diag_set(d, SVMC_ERR_NOMEM, "out of memory");
			return NULL;
		}
		c->nent = n;
		if (ioctl(fd, KVM_GET_SUPPORTED_CPUID, c) == 0)
			return c;
		err = errno;
		free(c);
		if (err == E2BIG && n < SVMC_CPU_MAX_LEAVES)
			continue;
		if (err == E2BIG)
			svmc_diag_set(d, SVMC_ERR_LIMIT,
				      "KVM_GET_SUPPORTED_CPUID reports more than %u CPUID entries",
				      n);
		else
			svmc_diag_set(d, SVMC_ERR_IO, "KVM_GET_SUPPORTED_CPUID failed: %s%s",
				      strerror(err),
				      err == ENOTTY || err == EINVAL ? " (not KVM's device?)" : "");
		return NULL;
	}
}

enum svmc_err svmc_cpu_capture_kvm(struct svmc_cpu *out, struct svmc_diag *d)
{
	struct kvm_cpuid2 *cpuid;
	struct utsname u;
	enum svmc_err e = SVMC_OK;
	int fd;

	svmc_cpu_init(out);
	out->source = SVMC_SRC_KVM;
	svmc_strlcpy(out->view, "l1", sizeof(out->view));
	svmc_strlcpy(out->name, "kvm", sizeof(out->name));
	svmc_diag_init(d, KVM_DEV);
	fd = open(KVM_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return open_failed(errno, d);
	cpuid = supported_cpuid(fd, d);
	close(fd);
	if (!cpuid)
		return d->code;
	for (unsigned i = 0; i < cpuid->nent && !e; i++) {
		const struct kvm_cpuid_entry2 *k = &cpuid->entries[i];
		const uint32_t reg[4] = { k->eax, k->ebx, k->ecx, k->edx };

		/*
		 * Leaf 2 on CPUs whose CPUID 2 is stateful comes as several
		 * readings of one leaf: keep the first (old kernels only).
		 */
		if ((k->flags & KVM_CPUID_FLAG_STATEFUL_FUNC) &&
		    !(k->flags & KVM_CPUID_FLAG_STATE_READ_NEXT))
			continue;
		/* without SIGNIFCANT_INDEX (KVM's spelling) the leaf has no sub-leaves */
		e = svmc_cpu_add_leaf(out, k->function,
				      (k->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) ? k->index : 0,
				      reg, d);
	}
	free(cpuid);
	if (!e)
		e = svmc_cpu_check_complete(out, d);
	if (e)
		return e;
	svmc_cpu_decode(out);
	if (uname(&u) != 0)
		svmc_strlcpy(u.release, "?", sizeof(u.release));
	snprintf(out->description, sizeof(out->description),
		 "what this host's KVM offers an L1 guest (KVM_GET_SUPPORTED_CPUID, Linux %.40s)",
		 u.release);
	return SVMC_OK;
}

#else /* not Linux on x86 */

enum svmc_err svmc_cpu_capture_kvm(struct svmc_cpu *out, struct svmc_diag *d)
{
	svmc_cpu_init(out);
	svmc_diag_init(d, "/dev/kvm");
	return svmc_diag_set(d, SVMC_ERR_IO, "capturing through /dev/kvm needs Linux on x86");
}

#endif
