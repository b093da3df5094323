/*
 * test_kernels.c - the kernel table: which model a release runs, at the
 * edges of every row (the sources in kernels.c's rows: the 2026 series is not in
 * 7.0-stable nor 5.10-stable, and is in Linus's tree after 7.0), the release
 * syntax, and the errors for releases outside the table or not releases.
 */
#include <string.h>

#include "svmcheck/check.h"
#include "tcheck.h"

/* The model of release, or "error:CODE". */
static const char *model_of(const char *release)
{
	const struct svmc_kernel_row *k;
	struct svmc_diag d;

	svmc_diag_init(&d, NULL);
	k = svmc_kernel_lookup(release, &d);
	if (k)
		return k->model;
	return d.code == SVMC_ERR_NOTFOUND ? "error:notfound" :
	       d.code == SVMC_ERR_USAGE    ? "error:usage" :
					     "error:other";
}

static void test_models(void)
{
	static const struct {
		const char *release, *model;
	} want[] = {
		/* 5.10-stable: the EVENTINJ and CS fixes failed to apply */
		{ "5.10", "kvm-legacy" },
		{ "5.10.250", "kvm-legacy" },
		/* released before the series reached mainline */
		{ "5.11", "kvm-legacy" },
		{ "6.1.100", "kvm-legacy" },
		{ "6.12.20-1-amd64", "kvm-legacy" },
		{ "6.15", "kvm-legacy" },
		{ "6.15.3", "kvm-legacy" },
		{ "6.18", "kvm-legacy" },
		/* 7.0-stable: failed to apply */
		{ "7.0", "kvm-legacy" },
		{ "7.0.2", "kvm-legacy" },
		/* first release after 7.0: the series */
		{ "7.1", "kvm" },
		{ "7.1-rc1", "kvm" },
		{ "7.2.5", "kvm" },
		/* outside: before the oldest series a source names, after the newest tree */
		{ "5.9", "error:notfound" },
		{ "4.19.300", "error:notfound" },
		{ "8.0", "error:notfound" },
		/* not releases */
		{ "", "error:usage" },
		{ "6", "error:usage" },
		{ "6.", "error:usage" },
		{ ".6", "error:usage" },
		{ "6.15.", "error:usage" },
		{ "6.15x", "error:usage" },
		{ "v6.15", "error:usage" },
		{ " 6.15", "error:usage" },
		{ "6.+15", "error:usage" },
		{ "6.-1", "error:usage" },
		{ "6.65536", "error:usage" },
		{ "6.15.3.1", "error:usage" },
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const char *got = model_of(want[i].release);

		if (strcmp(got, want[i].model) != 0)
			fprintf(stderr, "release '%s'\n", want[i].release);
		CHECK_STREQ(got, want[i].model);
	}
}

/* An error names the nearest rows, so that the user can pick one. */
static void test_nearest(void)
{
	struct svmc_diag d;

	svmc_diag_init(&d, NULL);
	CHECK(!svmc_kernel_lookup("4.19", &d));
	CHECK(strstr(d.msg, "nearest known: 5.10 ") != NULL);
	svmc_diag_init(&d, NULL);
	CHECK(!svmc_kernel_lookup("8.1.2", &d));
	CHECK(strstr(d.msg, "nearest known: 7.1-7.x ") != NULL);
}

/* Rows in release order, without gaps or overlaps, each sourced. */
static void test_rows(void)
{
	char buf[24];

	CHECK(svmc_kernel_count() > 0);
	CHECK(svmc_kernel_at(svmc_kernel_count()) == NULL);
	for (size_t i = 0; i < svmc_kernel_count(); i++) {
		const struct svmc_kernel_row *k = svmc_kernel_at(i);

		CHECK(svmc_model_lookup(k->model) != NULL);
		CHECK(k->source && k->source[0]);
		CHECK(k->note && k->note[0]);
		if (i > 0) {
			const struct svmc_kernel_row *p = svmc_kernel_at(i - 1);

			/* the next row starts one minor after p, or at .0 when p takes every minor */
			CHECK((k->first_major == p->last_major &&
			       k->first_minor == p->last_minor + 1) ||
			      (k->first_major == p->last_major + 1 && k->first_minor == 0 &&
			       p->last_minor == SVMC_KERNEL_ANY_MINOR));
		}
	}
	CHECK_STREQ(svmc_kernel_series(svmc_kernel_at(0), buf, sizeof(buf)), "5.10");
	CHECK_STREQ(svmc_kernel_series(svmc_kernel_at(1), buf, sizeof(buf)), "5.11-6.x");
}

int main(void)
{
	test_models();
	test_nearest();
	test_rows();
	return tcheck_done("test_kernels");
}
