/*
 * kernels.c - which KVM model a Linux release runs: the kernel table.
 *
 * The 2026 nested series (Yosry Ahmed, v7) added the EVENTINJ, nCR3 and
 * CS.L/D checks that separate `kvm` from `kvm-legacy`.  Linus's tree keeps
 * the kvm-x86 ids (gregkh's FAILED mails name them as "original commit in
 * Linus's tree"; the linux-next ids in older notes are an earlier rebase).
 * Those mails (2026-05-03) say the EVENTINJ and CS patches did not apply to
 * 7.0-stable and 5.10-stable, so those series stay kvm-legacy.  No source
 * read names the mainline release that merged the series: 7.1 is inferred
 * from the 7.0-stable backport attempt (a fix is offered to stable only once
 * it is in Linus's tree, and 7.0 did not have it) and marked unverified.
 * Rows are data, in release order; releases before 5.10 (the oldest series
 * a source names) and after 7.x (the newest tree read) are outside.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svmcheck/check.h"

static const struct svmc_kernel_row kernels[] = {
	{
		.first_major = 5,
		.first_minor = 10,
		.last_major = 5,
		.last_minor = 10,
		.model = "kvm-legacy",
		.commits = { "7e79f71bca5c", "96bd3e76a171" },
		.source = "gregkh's FAILED mails (2026-05-03): did not apply to 5.10-stable",
		.verified = true,
		.note = "the EVENTINJ and CS.L/D fixes did not apply to 5.10.y",
	},
	/*
	 * 5.11-6.x is cut where the L1 view changes (the L1 rules below: AutoIBRS
	 * from 6.3, shadow stacks from 6.18), so that every row has one L1 mask.
	 */
	{
		.first_major = 5,
		.first_minor = 11,
		.last_major = 6,
		.last_minor = 2,
		.model = "kvm-legacy",
		.source = "released before the series reached Linus's tree (after 7.0)",
		.verified = true,
		.note = "whether a 6.x stable series took a backport is unverified",
	},
	{
		.first_major = 6,
		.first_minor = 3,
		.last_major = 6,
		.last_minor = 17,
		.model = "kvm-legacy",
		.source = "released before the series reached Linus's tree (after 7.0)",
		.verified = true,
		.note = "whether a 6.x stable series took a backport is unverified",
	},
	{
		.first_major = 6,
		.first_minor = 18,
		.last_major = 6,
		.last_minor = SVMC_KERNEL_ANY_MINOR,
		.model = "kvm-legacy",
		.source = "released before the series reached Linus's tree (after 7.0)",
		.verified = true,
		.note = "whether a 6.x stable series took a backport is unverified",
	},
	{
		.first_major = 7,
		.first_minor = 0,
		.last_major = 7,
		.last_minor = 0,
		.model = "kvm-legacy",
		.commits = { "7e79f71bca5c", "96bd3e76a171" },
		.source = "gregkh's FAILED mails (2026-05-03): did not apply to 7.0-stable",
		.verified = true,
		.note = "a 7.0.y backport of the nCR3 check (b71138fcc362) is unverified",
	},
	{
		.first_major = 7,
		.first_minor = 1,
		.last_major = 7,
		.last_minor = SVMC_KERNEL_ANY_MINOR,
		.model = "kvm",
		.commits = { "7e79f71bca5c", "b71138fcc362", "96bd3e76a171" },
		.source = "in Linus's tree under their kvm-x86 ids (gregkh's FAILED mails); "
			  "mainline nested.c @ 7bb6284aa7b3",
		.verified = false,
		.note = "7.1 as the first release with the series is inferred, not read in a source",
	},
};

/*
 * What KVM withholds from an L1 guest on an AMD host.  Read in Linux
 * arch/x86/kvm/svm/svm.c svm_set_cpu_caps(), which builds CPUID 0x8000000A
 * EDX for a nested-capable L1 from nothing (NPT, NRIPS, TSC scaling,
 * VMCB clean, flush-by-ASID, virtual VMLOAD/VMSAVE, LBRV, pause filter and
 * threshold, VGIF, vNMI, the SVME address check: nothing else) and clears
 * IBT, arch/x86/kvm/cpuid.c kvm_set_cpu_caps() (CPUID 0x8000001F: SME never;
 * SEV, SEV-ES, SEV-SNP only with kvm_amd's sev parameters, and then only
 * for SEV guests; QEMU fills 0x8000001F only for SEV guests, and KVM does
 * not run nested guests inside SEV-ES or SEV-SNP guests), and x86.c
 * __kvm_valid_efer() for AutoIBRS.
 */
static const struct svmc_l1_rule l1_rules[] = {
	{ .feature = SVMC_FEAT_SME,
	  .from_major = 0,
	  .from_minor = 0,
	  .verified = true,
	  .why = "KVM never offers SME to a guest",
	  .source = "cpuid.c kvm_set_cpu_caps(): CPUID 0x8000001F EAX bit 0 is never set",
	  .note = "" },
	{ .feature = SVMC_FEAT_SEV,
	  .from_major = 0,
	  .from_minor = 0,
	  .verified = true,
	  .why = "only SEV guests get SEV, and they cannot run nested guests",
	  .source = "cpuid.c kvm_set_cpu_caps(), svm/sev.c sev_set_cpu_caps()",
	  .note = "" },
	{ .feature = SVMC_FEAT_SEV_ES,
	  .from_major = 0,
	  .from_minor = 0,
	  .verified = true,
	  .why = "only SEV-ES guests get SEV-ES, and they cannot run nested guests",
	  .source = "cpuid.c kvm_set_cpu_caps(), svm/sev.c sev_set_cpu_caps()",
	  .note = "" },
	{ .feature = SVMC_FEAT_SEV_SNP,
	  .from_major = 0,
	  .from_minor = 0,
	  .verified = true,
	  .why = "only SEV-SNP guests get SEV-SNP, and they cannot run nested guests",
	  .source = "cpuid.c kvm_set_cpu_caps(), svm/sev.c sev_set_cpu_caps()",
	  .note = "" },
	{ .feature = SVMC_FEAT_AVIC,
	  .from_major = 0,
	  .from_minor = 0,
	  .verified = true,
	  .why = "KVM never offers AVIC to an L1 guest",
	  .source = "svm/svm.c svm_set_cpu_caps(): 0x8000000A EDX built from a fixed list",
	  .note = "" },
	{ .feature = SVMC_FEAT_X2AVIC,
	  .from_major = 0,
	  .from_minor = 0,
	  .verified = true,
	  .why = "KVM never offers x2AVIC to an L1 guest",
	  .source = "svm/svm.c svm_set_cpu_caps(): 0x8000000A EDX built from a fixed list",
	  .note = "" },
	{ .feature = SVMC_FEAT_DECODEASSISTS,
	  .from_major = 0,
	  .from_minor = 0,
	  .verified = true,
	  .why = "KVM never offers decode assists to an L1 guest",
	  .source = "svm/svm.c svm_set_cpu_caps(): 0x8000000A EDX built from a fixed list",
	  .note = "" },
	{ .feature = SVMC_FEAT_SVM_LOCK,
	  .from_major = 0,
	  .from_minor = 0,
	  .verified = true,
	  .why = "KVM never offers the SVM lock to an L1 guest",
	  .source = "svm/svm.c svm_set_cpu_caps(): 0x8000000A EDX built from a fixed list",
	  .note = "" },
	{ .feature = SVMC_FEAT_V_SPEC_CTRL,
	  .from_major = 0,
	  .from_minor = 0,
	  .verified = true,
	  .why = "KVM never offers SPEC_CTRL virtualization to an L1 guest",
	  .source = "svm/svm.c svm_set_cpu_caps(): 0x8000000A EDX built from a fixed list",
	  .note = "" },
	{ .feature = SVMC_FEAT_IBT,
	  .from_major = 0,
	  .from_minor = 0,
	  .verified = true,
	  .why = "KVM clears IBT on AMD hosts",
	  .source = "svm/svm.c svm_set_cpu_caps(): kvm_cpu_cap_clear(X86_FEATURE_IBT)",
	  .note = "" },
	{ .feature = SVMC_FEAT_AUTOIBRS,
	  .from_major = 6,
	  .from_minor = 3,
	  .verified = false,
	  .why = "KVM offers AutoIBRS (EFER bit 21) to guests from Linux 6.3",
	  .source = "KVM: x86: Propagate the AMD Automatic IBRS feature to the guest (Kim "
		    "Phillips); x86.c __kvm_valid_efer()",
	  .note = "6.3 as its first release is not read in a source (the tip x86/cpu merge for "
		  "6.3)" },
	{ .feature = SVMC_FEAT_SHSTK,
	  .from_major = 6,
	  .from_minor = 18,
	  .verified = false,
	  .why = "KVM offers shadow stacks to an L1 guest on AMD from Linux 6.18",
	  .source = "KVM: SVM: Enable shadow stack virtualization for SVM (John Allen), with the "
		    "KVM CET series; svm_set_cpu_caps() cleared SHSTK before",
	  .note = "6.18 is the release of the KVM CET series; the commit id is not read" },
};

size_t svmc_l1_rule_count(void)
{
	return sizeof(l1_rules) / sizeof(l1_rules[0]);
}

const struct svmc_l1_rule *svmc_l1_rule_at(size_t i)
{
	return i < svmc_l1_rule_count() ? &l1_rules[i] : NULL;
}

size_t svmc_kernel_count(void)
{
	return sizeof(kernels) / sizeof(kernels[0]);
}

const struct svmc_kernel_row *svmc_kernel_at(size_t i)
{
	return i < svmc_kernel_count() ? &kernels[i] : NULL;
}

const char *svmc_kernel_series(const struct svmc_kernel_row *k, char *buf, size_t n)
{
	if (k->first_major == k->last_major && k->first_minor == k->last_minor)
		snprintf(buf, n, "%u.%u", k->first_major, k->first_minor);
	else if (k->last_minor == SVMC_KERNEL_ANY_MINOR)
		snprintf(buf, n, "%u.%u-%u.x", k->first_major, k->first_minor, k->last_major);
	else
		snprintf(buf, n, "%u.%u-%u.%u", k->first_major, k->first_minor, k->last_major,
			 k->last_minor);
	return buf;
}

/* One dotted number: digits, no sign, no leading '+' or blank (strtoul takes those). */
static bool release_part(const char **p, unsigned long *v)
{
	char *end;

	if (**p < '0' || **p > '9')
		return false;
	*v = strtoul(*p, &end, 10);
	*p = end;
	return *v <= 0xffff;
}

static uint32_t key(unsigned major, unsigned minor)
{
	return (uint32_t)major << 16 | minor;
}

const struct svmc_kernel_row *svmc_kernel_lookup(const char *release, struct svmc_diag *d)
{
	const char *p = release;
	unsigned long major, minor, patch;
	const struct svmc_kernel_row *below = NULL, *above = NULL;
	char b1[24], b2[24];
	uint32_t k;

	if (!release_part(&p, &major) || *p++ != '.' || !release_part(&p, &minor) ||
	    (*p == '.' && (++p, !release_part(&p, &patch))) || (*p && *p != '-')) {
		svmc_diag_set(d, SVMC_ERR_USAGE,
			      "'%s' is not a kernel release (MAJOR.MINOR[.PATCH][-SUFFIX], e.g. "
			      "6.12.20-1-amd64)",
			      release);
		return NULL;
	}
	k = key((unsigned)major, (unsigned)minor);
	for (size_t i = 0; i < svmc_kernel_count(); i++) {
		const struct svmc_kernel_row *r = &kernels[i];

		if (k < key(r->first_major, r->first_minor)) {
			above = r;
			break;
		}
		if (k <= key(r->last_major, r->last_minor))
			return r;
		below = r;
	}
	if (below && above)
		svmc_diag_set(d, SVMC_ERR_NOTFOUND,
			      "kernel %s is not in the kernel table; nearest known: %s and %s "
			      "(svmcheck checks --kernels)",
			      release, svmc_kernel_series(below, b1, sizeof(b1)),
			      svmc_kernel_series(above, b2, sizeof(b2)));
	else
		svmc_diag_set(d, SVMC_ERR_NOTFOUND,
			      "kernel %s is not in the kernel table; nearest known: %s "
			      "(svmcheck checks --kernels)",
			      release, svmc_kernel_series(below ? below : above, b1, sizeof(b1)));
	return NULL;
}

const struct svmc_kernel_row *svmc_kernel_newest(void)
{
	return &kernels[svmc_kernel_count() - 1];
}

const struct svmc_kernel_row *svmc_kernel_newest_for(const struct svmc_model *m)
{
	const char *name = m->name;

	for (size_t i = svmc_kernel_count(); i-- > 0;)
		if (strcmp(kernels[i].model, name) == 0)
			return &kernels[i];
	return NULL;
}

bool svmc_l1_rule_withholds(const struct svmc_l1_rule *r, const struct svmc_kernel_row *k)
{
	if (!k)
		k = svmc_kernel_newest();
	if (!r->from_major && !r->from_minor)
		return true;
	/* rows never straddle a rule's release (tests/unit checks it): the first release decides */
	return key(k->first_major, k->first_minor) < key(r->from_major, r->from_minor);
}

void svmc_cpu_l1_view(struct svmc_cpu *c, const struct svmc_kernel_row *k,
		      struct svmc_featset *removed)
{
	bool captured = strcmp(c->view, "l1") == 0;

	if (removed)
		*removed = (struct svmc_featset){ { 0, 0 } };
	for (size_t i = 0; i < svmc_l1_rule_count(); i++) {
		const struct svmc_l1_rule *r = &l1_rules[i];
		bool never = !r->from_major && !r->from_minor;

		if ((captured && !never) || !svmc_l1_rule_withholds(r, k) ||
		    !svmc_featset_has(&c->features, r->feature))
			continue;
		svmc_featset_set(&c->features, r->feature, false);
		if (removed)
			svmc_featset_set(removed, r->feature, true);
	}
	if (strcmp(c->view, "guest") != 0)
		snprintf(c->view, sizeof(c->view), "l1");
}
