/*
 * test_kernels.c - the kernel table: which model a release runs, at the
 * edges of every row (the sources in kernels.c's rows: the 2026 series is not in
 * 7.0-stable nor 5.10-stable, and is in Linus's tree after 7.0), the release
 * syntax, and the errors for releases outside the table or not releases.
 */
#include <stdio.h>
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
	CHECK_STREQ(svmc_kernel_series(svmc_kernel_at(1), buf, sizeof(buf)), "5.11-6.2");
}

/* Does release withhold feature f from an L1 guest (the rule of f)? */
static bool withholds(const char *release, enum svmc_feature f)
{
	const struct svmc_kernel_row *k = svmc_kernel_lookup(release, NULL);

	for (size_t i = 0; i < svmc_l1_rule_count(); i++)
		if (svmc_l1_rule_at(i)->feature == f)
			return svmc_l1_rule_withholds(svmc_l1_rule_at(i), k);
	return false;
}

static void test_l1_rules(void)
{
	struct svmc_cpu c;
	struct svmc_featset removed;
	struct svmc_diag d;

	/* every rule: a source; a release rule: no row straddles its release */
	for (size_t i = 0; i < svmc_l1_rule_count(); i++) {
		const struct svmc_l1_rule *r = svmc_l1_rule_at(i);

		CHECK(r->why && r->why[0] && r->source && r->source[0]);
		CHECK(r->verified || (r->note && r->note[0]));
		for (size_t j = 0; r->from_major && j < svmc_kernel_count(); j++) {
			const struct svmc_kernel_row *k = svmc_kernel_at(j);
			uint32_t from = r->from_major << 16 | r->from_minor;
			uint32_t first = k->first_major << 16 | k->first_minor;
			uint32_t last =
				k->last_major << 16 |
				(k->last_minor == SVMC_KERNEL_ANY_MINOR ? 0xffff : k->last_minor);

			CHECK(!(first < from && last >= from));
		}
	}
	/* shadow stacks reach L1 from 6.18; AutoIBRS from 6.3; AVIC and SEV-ES never */
	CHECK(withholds("6.17.9", SVMC_FEAT_SHSTK));
	CHECK(!withholds("6.18", SVMC_FEAT_SHSTK));
	CHECK(!withholds("7.1", SVMC_FEAT_SHSTK));
	CHECK(withholds("6.2", SVMC_FEAT_AUTOIBRS));
	CHECK(!withholds("6.3", SVMC_FEAT_AUTOIBRS));
	CHECK(withholds("7.1", SVMC_FEAT_AVIC));
	CHECK(withholds("5.10", SVMC_FEAT_SEV_ES));
	CHECK(!withholds("7.1", SVMC_FEAT_NPT)); /* no rule: never withheld */

	/* a silicon profile: SEV-ES and SHSTK go on 6.12; only SEV-ES on the newest */
	svmc_cpu_init(&c);
	snprintf(c.view, sizeof(c.view), "silicon");
	svmc_featset_set(&c.features, SVMC_FEAT_SVM, true);
	svmc_featset_set(&c.features, SVMC_FEAT_SEV_ES, true);
	svmc_featset_set(&c.features, SVMC_FEAT_SHSTK, true);
	svmc_cpu_l1_view(&c, svmc_kernel_lookup("6.12", &d), &removed);
	CHECK(!svmc_cpu_has(&c, SVMC_FEAT_SEV_ES) && !svmc_cpu_has(&c, SVMC_FEAT_SHSTK));
	CHECK(svmc_cpu_has(&c, SVMC_FEAT_SVM));
	CHECK(svmc_featset_has(&removed, SVMC_FEAT_SHSTK) &&
	      svmc_featset_has(&removed, SVMC_FEAT_SEV_ES) &&
	      !svmc_featset_has(&removed, SVMC_FEAT_SVM));
	CHECK_STREQ(c.view, "l1");
	/* an L1 capture (its own kernel decided shstk): only the never rules apply */
	svmc_featset_set(&c.features, SVMC_FEAT_SEV_ES, true);
	svmc_featset_set(&c.features, SVMC_FEAT_SHSTK, true);
	svmc_cpu_l1_view(&c, svmc_kernel_lookup("6.12", &d), &removed);
	CHECK(!svmc_cpu_has(&c, SVMC_FEAT_SEV_ES) && svmc_cpu_has(&c, SVMC_FEAT_SHSTK));
	/* a guest model keeps its view; NULL = the newest row (shadow stacks offered) */
	snprintf(c.view, sizeof(c.view), "guest");
	svmc_cpu_l1_view(&c, NULL, NULL);
	CHECK(svmc_cpu_has(&c, SVMC_FEAT_SHSTK));
	CHECK_STREQ(c.view, "guest");
	CHECK(svmc_model_is_kvm(svmc_model_lookup("kvm-legacy")) &&
	      !svmc_model_is_kvm(svmc_model_lookup("apm")) &&
	      !svmc_model_is_kvm(svmc_model_lookup("qemu")));
	CHECK_STREQ(svmc_kernel_newest_for(svmc_model_lookup("kvm-legacy"))->model, "kvm-legacy");
	CHECK(svmc_kernel_newest_for(svmc_model_lookup("apm")) == NULL);
}

int main(void)
{
	test_l1_rules();
	test_models();
	test_nearest();
	test_rows();
	return tcheck_done("test_kernels");
}
