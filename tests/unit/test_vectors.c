/*
 * test_vectors.c - the EVENTINJ rules, table-driven: written out by hand
 * as a table (every cell of the per-vector table for the models we
 * implement), every TYPE 0-7 and every vector 0-255 under each model on CPUs
 * with and without shstk, sev_es, sev_snp, checked through the engine (a
 * VMCB with that EVENTINJ) and through the compiled tables `vectors` prints.
 * Then the cases of the 2025 KVM EVENTINJ patch review, by name.
 */
#include <string.h>

#include "svmcheck/check.h"
#include "tcheck.h"
#include "vmcb/svm_bits.h"

/*
 * TYPE 3, vectors 0-31 (V = accepted, X = VMEXIT_INVALID).  Columns: the
 * first posted KVM patch (v1) as written; the merged v2 (mainline 90b435b5c013,
 * arch/x86/kvm/svm/nested.c) without SHSTK and SEV-ES; v2 + SHSTK;
 * v2 + SEV-ES; APM-strict (APM vol. 2 §15.20): 21 "V iff CET SS",
 * 28 "V iff SEV-SNP", 29 "V iff SEV-ES": written here as 'c', 'n', 'e'.
 *                          0         1         2         3
 *                          01234567890123456789012345678901            */
static const char v1_written[] = "VXVVVVVVVXVVVVVXVVVVXVXXXXXXVVVX";
static const char v2_plain[] = "VVXVVVVVVXVVVVVXVVVVXXXXXXXXVXVX";
static const char v2_shstk[] = "VVXVVVVVVXVVVVVXVVVVXVXXXXXXVXVX";
static const char v2_sev_es[] = "VVXVVVVVVXVVVVVXVVVVXXXXXXXXVVVX";
static const char apm_strict[] = "VVXVVVVVVXVVVVVXVVVVXcXXXXXXneVX";

struct cpu_variant {
	const char *name;
	bool shstk, sev_es, sev_snp;
};
static const struct cpu_variant variants[] = {
	{ "none", false, false, false },       { "shstk", true, false, false },
	{ "sev_es", false, true, false },      { "sev_snp", false, false, true },
	{ "shstk+sev_es", true, true, false }, { "all", true, true, true },
};
#define NVARIANTS (sizeof(variants) / sizeof(variants[0]))

static struct svmc_cpu cpu_buf;

static const struct svmc_cpu *make_cpu(const struct cpu_variant *cv)
{
	memset(&cpu_buf, 0, sizeof(cpu_buf));
	snprintf(cpu_buf.name, sizeof(cpu_buf.name), "%s", cv->name);
	static const enum svmc_feature base[] = { SVMC_FEAT_PAE, SVMC_FEAT_PGE,     SVMC_FEAT_FXSR,
						  SVMC_FEAT_SSE, SVMC_FEAT_SYSCALL, SVMC_FEAT_NX,
						  SVMC_FEAT_LM,  SVMC_FEAT_SVM };
	for (size_t i = 0; i < sizeof(base) / sizeof(base[0]); i++)
		svmc_featset_set(&cpu_buf.features, base[i], true);
	svmc_featset_set(&cpu_buf.features, SVMC_FEAT_SHSTK, cv->shstk);
	svmc_featset_set(&cpu_buf.features, SVMC_FEAT_SEV_ES, cv->sev_es);
	svmc_featset_set(&cpu_buf.features, SVMC_FEAT_SEV_SNP, cv->sev_snp);
	cpu_buf.maxphyaddr = 48;
	return &cpu_buf;
}

/* Expected validity of TYPE 3 vector v, from the columns above. */
static bool expect_vector(const char *model, const struct cpu_variant *cv, unsigned v)
{
	if (strcmp(model, "kvm-legacy") == 0)
		return true; /* kvm-legacy has no CTRL.EVENTINJ.* */
	if (v >= 32)
		return false;
	if (strcmp(model, "kvm-v1") == 0)
		return v1_written[v] == 'V';
	if (strcmp(model, "apm") == 0) {
		char cell = apm_strict[v];
		if (cell == 'c')
			return cv->shstk;
		if (cell == 'n')
			return cv->sev_snp;
		if (cell == 'e')
			return cv->sev_es;
		return cell == 'V';
	}
	/* kvm: pick the column; with both features, both 21 and 29 valid (9, note) */
	if (v == 21)
		return v2_shstk[v] == 'V' ? cv->shstk : false;
	if (v == 29)
		return v2_sev_es[v] == 'V' ? cv->sev_es : false;
	return v2_plain[v] == 'V';
}

static bool expect_type(const char *model, unsigned t)
{
	if (strcmp(model, "kvm-legacy") == 0)
		return true;
	return t == 0 || t == 2 || t == 3 || t == 4;
}

static struct svmc_result eval(const struct svmc_compiled *c, uint32_t event_inj)
{
	struct svmc_record r;
	struct svmc_result res;

	svmc_record_clear(&r);
	r.vmcb.save.efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_SVME;
	r.vmcb.save.cr0 = 0x80050033;
	r.vmcb.save.cr4 = CR4_PAE | CR4_PGE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	r.vmcb.save.cr3 = 0x1000;
	r.vmcb.save.cs.attrib = 0x029b;
	r.vmcb.control.intercept_misc2 = INTERCEPT2_VMRUN;
	r.vmcb.control.asid = 1;
	r.vmcb.control.event_inj = event_inj;
	svmc_mark_all_known(&r);
	svmc_evaluate(c, &r, &res);
	return res;
}

static const char *const models[] = { "kvm", "kvm-legacy", "kvm-v1", "apm" };

static void test_table(void)
{
	const svmc_checkset tbit = SVMC_CHECK_BIT(SVMC_CHECK_CTRL_EVENTINJ_TYPE);
	const svmc_checkset vbit = SVMC_CHECK_BIT(SVMC_CHECK_CTRL_EVENTINJ_VECTOR);

	CHECK(strlen(v1_written) == 32 && strlen(v2_plain) == 32 && strlen(apm_strict) == 32);
	for (unsigned mi = 0; mi < 4; mi++) {
		for (unsigned vi = 0; vi < NVARIANTS; vi++) {
			struct svmc_compiled c;
			const struct cpu_variant *cv = &variants[vi];
			CHECK(svmc_compile(&c, svmc_model_lookup(models[mi]), make_cpu(cv), NULL) ==
			      SVMC_OK);
			for (unsigned t = 0; t < 8; t++) {
				bool tv = expect_type(models[mi], t);
				CHECK(svmc_type_valid(&c, t) == tv);
				for (unsigned v = 0; v < 256; v++) {
					bool vv = t != 3 || expect_vector(models[mi], cv, v);
					uint32_t e = SVM_EVTINJ_VALID | (t << 8) | v;
					struct svmc_result res = eval(&c, e);
					svmc_checkset want = (tv ? 0 : tbit) | (vv ? 0 : vbit);
					if (res.failed != want)
						fprintf(stderr,
							"%s on %s: TYPE %u vector %u: failed 0x%llx, want 0x%llx\n",
							models[mi], cv->name, t, v,
							(unsigned long long)res.failed,
							(unsigned long long)want);
					CHECK_EQ_U64(res.failed, want);
					if (t == 3)
						CHECK(svmc_vector_valid(&c, v) == vv);
					/* V = 0: nothing is injected, nothing is checked */
					CHECK_EQ_U64(eval(&c, e & ~SVM_EVTINJ_VALID).failed, 0);
				}
			}
		}
	}
}

/* The reasons `vectors` prints, for the kvm model. */
static void test_reasons(void)
{
	struct svmc_compiled c;
	struct cpu_variant none = { "none", false, false, false };

	CHECK(svmc_compile(&c, svmc_model_lookup("kvm"), make_cpu(&none), NULL) == SVMC_OK);
	CHECK_STREQ(svmc_vreason_name(c.vec_reason[13]), "always");
	CHECK_STREQ(svmc_vreason_name(c.vec_reason[2]), "not_exception");
	CHECK_STREQ(svmc_vreason_name(c.vec_reason[32]), "not_exception");
	CHECK_STREQ(svmc_vreason_name(c.vec_reason[255]), "not_exception");
	CHECK_STREQ(svmc_vreason_name(c.vec_reason[9]), "reserved");
	CHECK_STREQ(svmc_vreason_name(c.vec_reason[31]), "reserved");
	CHECK_STREQ(svmc_vreason_name(c.vec_reason[20]), "never");
	CHECK_STREQ(svmc_vreason_name(c.vec_reason[21]), "shstk");
	CHECK_STREQ(svmc_vreason_name(c.vec_reason[29]), "sev_es");
	CHECK_STREQ(svmc_vreason_name(c.vec_reason[28]), "always");
	CHECK_STREQ(svmc_vreason_name(c.type_reason[1]), "reserved");
	CHECK_STREQ(svmc_vreason_name(c.type_reason[3]), "always");

	CHECK(svmc_compile(&c, svmc_model_lookup("apm"), make_cpu(&none), NULL) == SVMC_OK);
	CHECK_STREQ(svmc_vreason_name(c.vec_reason[28]), "sev_snp");

	CHECK(svmc_compile(&c, svmc_model_lookup("kvm-v1"), make_cpu(&none), NULL) == SVMC_OK);
	CHECK_STREQ(svmc_vreason_name(c.vec_reason[1]), "kvm_v1_mask");
	CHECK_STREQ(svmc_vreason_name(c.vec_reason[2]), "kvm_v1_mask");
	CHECK_STREQ(svmc_vreason_name(c.vec_reason[21]), "kvm_v1_mask");
	CHECK_STREQ(svmc_vreason_name(c.vec_reason[9]), "reserved");

	CHECK(svmc_compile(&c, svmc_model_lookup("kvm-legacy"), make_cpu(&none), NULL) == SVMC_OK);
	CHECK_STREQ(svmc_vreason_name(c.vec_reason[2]), "unchecked");
	CHECK_STREQ(svmc_vreason_name(c.type_reason[5]), "unchecked");
}

/* ---- the 2025 KVM EVENTINJ patch review, case by case --------------------- */

static bool valid(const char *model, bool shstk, bool sev_es, unsigned type, unsigned vector)
{
	struct cpu_variant cv = { "review", shstk, sev_es, false };
	struct svmc_compiled c;
	svmc_compile(&c, svmc_model_lookup(model), make_cpu(&cv), NULL);
	return eval(&c, SVM_EVTINJ_VALID | (type << 8) | vector).failed == 0;
}

static void test_review_nmi_as_exception(void)
{
	/* NMI (vector 2) as an exception: invalid under kvm and apm, valid under kvm-v1 */
	CHECK(!valid("kvm", true, true, 3, 2));
	CHECK(!valid("apm", true, true, 3, 2));
	CHECK(valid("kvm-v1", true, true, 3, 2));
	/* NMI injected as TYPE 2 is fine everywhere */
	CHECK(valid("kvm", false, false, 2, 2));
}

static void test_review_db_only_v1(void)
{
	CHECK(!valid("kvm-v1", false, false, 3, 1));
	CHECK(valid("kvm", false, false, 3, 1));
	CHECK(valid("apm", false, false, 3, 1));
	CHECK(valid("kvm-legacy", false, false, 3, 1));
}

static void test_review_cp_vc(void)
{
	CHECK(!valid("kvm", false, false, 3, 21));
	CHECK(valid("kvm", true, false, 3, 21));
	CHECK(!valid("kvm", true, false, 3, 29));
	CHECK(valid("kvm", false, true, 3, 29));
	CHECK(!valid("kvm", false, true, 3, 21));
}

static void test_review_reserved_vectors(void)
{
	static const unsigned bad[] = { 9, 15, 20, 22, 23, 24, 25, 26, 27, 31, 32, 33, 128, 255 };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(!valid("kvm", true, true, 3, bad[i]));
		CHECK(!valid("kvm-v1", true, true, 3, bad[i]));
		CHECK(!valid("apm", true, true, 3, bad[i]));
		CHECK(valid("kvm-legacy", true, true, 3, bad[i]));
	}
}

static void test_review_reserved_types(void)
{
	static const unsigned bad[] = { 1, 5, 6, 7 };
	for (size_t i = 0; i < 4; i++) {
		CHECK(!valid("kvm", true, true, bad[i], 0));
		CHECK(!valid("kvm-v1", true, true, bad[i], 0));
		CHECK(!valid("apm", true, true, bad[i], 0));
		CHECK(valid("kvm-legacy", true, true, bad[i], 0));
	}
	/* TYPE 0 and 4 accept any vector */
	for (unsigned v = 0; v < 256; v++) {
		CHECK(valid("kvm", false, false, 0, v));
		CHECK(valid("kvm", false, false, 4, v));
	}
}

static void test_review_reserved_bits_ignored(void)
{
	/* kvm masks EVENTINJ bits 30:12; apm has no reserved-bit rule */
	struct cpu_variant cv = { "none", false, false, false };
	struct svmc_compiled c;
	for (unsigned mi = 0; mi < 4; mi++) {
		svmc_compile(&c, svmc_model_lookup(models[mi]), make_cpu(&cv), NULL);
		CHECK_EQ_U64(eval(&c, SVM_EVTINJ_VALID | SVM_EVTINJ_RESERVED_BITS | (3u << 8) | 13)
				     .failed,
			     0);
	}
}

int main(void)
{
	test_table();
	test_reasons();
	test_review_nmi_as_exception();
	test_review_db_only_v1();
	test_review_cp_vc();
	test_review_reserved_vectors();
	test_review_reserved_types();
	test_review_reserved_bits_ignored();
	return tcheck_done("test_vectors");
}
