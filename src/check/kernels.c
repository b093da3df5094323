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
	{
		.first_major = 5,
		.first_minor = 11,
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
