/*
 * test_engine_fast.c - the proof that svmc_evaluate()'s fast path (a
 * known-mask test per record and a fused "does anything fail" test, see
 * src/check/engine.c) gives exactly what the per-check reference path
 * svmc_evaluate_reference() gives: the same verdict, failure set, `first`
 * and unevaluated set, on 200,000 random records (fixed seed) under every
 * model and several CPUs built here (fixed features, and random feature
 * sets and MAXPHYADDRs).  Records start from a valid 64-bit guest; each
 * field a check reads is kept or sometimes mutated (a bit flipped, low
 * bits randomized, a high bit set, all bits random); a third of the records have
 * random fields unknown.  For every record with every needed field known,
 * the fused test alone must also be exact: nonzero iff some check fails
 * (a model with a check that has no fused term is `slow`: its fused test is
 * always nonzero, so that the predicates decide).
 * The test also proves that the random set reaches every check: each check
 * of each model must fail, and pass, on some record.
 */
#include <stdlib.h>
#include <string.h>

#include "check/internal.h"
#include "svmcheck/check.h"
#include "tcheck.h"
#include "tvmcb.h"
#include "vmcb/svm_bits.h"

#define NRECORDS 200000
#define NCPUS 7

static const char *const model_names[] = { "kvm",  "kvm-legacy", "kvm-v1", "apm",
					   "qemu", "qemu-7.2",   "bochs",  "xen" };
#define NMODELS 8

/* ---- CPUs ------------------------------------------------------------------ */

static const enum svmc_feature base_features[] = {
	SVMC_FEAT_VME,     SVMC_FEAT_DE,  SVMC_FEAT_PSE, SVMC_FEAT_TSC,  SVMC_FEAT_PAE,
	SVMC_FEAT_MCE,     SVMC_FEAT_PGE, SVMC_FEAT_MCA, SVMC_FEAT_FXSR, SVMC_FEAT_SSE,
	SVMC_FEAT_SYSCALL, SVMC_FEAT_NX,  SVMC_FEAT_LM,  SVMC_FEAT_SVM,  SVMC_FEAT_NPT,
};

static void make_cpu(struct svmc_cpu *cpu, unsigned i)
{
	static const unsigned mpas[] = { 32, 36, 40, 43, 48, 52, 57, 63, 64 };

	memset(cpu, 0, sizeof(*cpu));
	snprintf(cpu->name, sizeof(cpu->name), "random-%u", i);
	for (size_t k = 0; k < sizeof(base_features) / sizeof(base_features[0]); k++)
		svmc_featset_set(&cpu->features, base_features[k], true);
	cpu->maxphyaddr = 48;
	switch (i) {
	case 0: /* the test_engine CPU: basics, NPT, MAXPHYADDR 48 */
		break;
	case 1: /* no NPT (kvm ignores NP_ENABLE), MAXPHYADDR 40 */
		svmc_featset_set(&cpu->features, SVMC_FEAT_NPT, false);
		cpu->maxphyaddr = 40;
		break;
	case 2: /* everything the gates and vector rules ask about */
		for (unsigned f = 0; f < SVMC_FEAT_COUNT; f++)
			svmc_featset_set(&cpu->features, (enum svmc_feature)f, true);
		cpu->maxphyaddr = 52;
		break;
	default: /* random features (SVM kept), random MAXPHYADDR */
		for (unsigned f = 0; f < SVMC_FEAT_COUNT; f++)
			svmc_featset_set(&cpu->features, (enum svmc_feature)f, rnd() & 1);
		svmc_featset_set(&cpu->features, SVMC_FEAT_SVM, true);
		cpu->maxphyaddr = mpas[rnd_below(sizeof(mpas) / sizeof(mpas[0]))];
		break;
	}
}

/* ---- records ---------------------------------------------------------------- */

/* Every field a check reads (check.h, struct svmc_check_info.fields). */
static const enum svmc_field_id read_fields[] = {
	SVMC_F_EFER,
	SVMC_F_CR0,
	SVMC_F_CR4,
	SVMC_F_CR3,
	SVMC_F_DR6,
	SVMC_F_DR7,
	SVMC_F_CS,
	SVMC_F_G_PAT,
	SVMC_F_NESTED_CTL,
	SVMC_F_NESTED_CR3,
	SVMC_F_INTERCEPT_MISC1,
	SVMC_F_INTERCEPT_MISC2,
	SVMC_F_ASID,
	SVMC_F_MSRPM_BASE_PA,
	SVMC_F_IOPM_BASE_PA,
	SVMC_F_INT_CTL,
	SVMC_F_ALLOWED_SEV_FEATURES,
	SVMC_F_GUEST_SEV_FEATURES,
	SVMC_F_EVENT_INJ,
};
#define NREAD (sizeof(read_fields) / sizeof(read_fields[0]))

/*
 * v mutated with probability 5/32 (so that records failing one check, or
 * none, stay common): one bit flipped, the low 12 or 32 bits randomized, a
 * high bit set, or all bits random; then cut to the field's width.
 */
static uint64_t mutate(uint64_t v, unsigned width)
{
	uint64_t wmask = width >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << width) - 1;

	switch (rnd_below(32)) {
	case 0:
		v ^= UINT64_C(1) << rnd_below(width);
		break;
	case 1:
		v ^= rnd() & 0xfff;
		break;
	case 2:
		v = rnd();
		break;
	case 3: /* a high bit, where MAXPHYADDR and reserved bits live */
		v |= UINT64_C(1) << (width - 1 - rnd_below(width > 32 ? 32 : width));
		break;
	case 4: /* the low half: control bits such as CR0.CD and CR0.NW together */
		v = (v & ~UINT64_C(0xffffffff)) | (rnd() & 0xffffffff);
		break;
	default:
		break;
	}
	return v & wmask;
}

/* 2^n - k pages, n 30..64, k 1..4: 8 and 12 KiB maps straddle 2^n or not */
static uint64_t map_near_limit(void)
{
	unsigned n = 30 + rnd_below(35);
	uint64_t limit = n >= 64 ? 0 : UINT64_C(1) << n; /* 2^64 wraps to 0 */

	return limit - UINT64_C(0x1000) * (1 + rnd_below(4)) + (rnd() & 0xfff);
}

/*
 * A valid 64-bit guest (test_engine.c's baseline; half the time legacy PAE
 * mode instead), half of them with the read fields mutated, and a third
 * of the records with each read field unknown with probability 1/4.
 */
static void random_record(struct svmc_record *r)
{
	struct svmc_vmcb_save *s = &r->vmcb.save;
	struct svmc_vmcb_control *k = &r->vmcb.control;

	tvmcb_long_mode(r); /* mutated below, known marked again at the end */
	if (rnd() & 1) {
		s->efer &= ~(EFER_LME | EFER_LMA);
		s->cs.attrib = 0x0c9b;
	}
	if (rnd() & 1) /* NP on, sometimes SEV-ES */
		k->nested_ctl = SVM_NESTED_CTL_NP_ENABLE | (rnd() & SVM_NESTED_CTL_SEV_ES_ENABLE);
	if (rnd() & 1) /* a valid event of a random TYPE and vector */
		k->event_inj = SVM_EVTINJ_VALID | (uint32_t)(rnd() & 0x7ff);
	if (rnd() & 1) { /* SEV features: valid bit, a few low bits each */
		k->allowed_sev_features = (rnd() & VMCB_ALLOWED_SEV_FEATURES_VALID) | (rnd() & 0xf);
		k->guest_sev_features = rnd() & 0xf;
	}
	if (rnd() & 1)
		k->int_ctl = (uint32_t)(rnd() & V_NMI_ENABLE_MASK);

	if (rnd() & 1) {
		s->efer = mutate(s->efer, 64);
		s->cr0 = mutate(s->cr0, 64);
		s->cr4 = mutate(s->cr4, 64);
		s->cr3 = mutate(s->cr3, 64);
		s->dr6 = mutate(s->dr6, 64);
		s->dr7 = mutate(s->dr7, 64);
		s->cs.attrib = (uint16_t)mutate(s->cs.attrib, 16);
		s->g_pat = mutate(s->g_pat, 64);
		k->nested_ctl = mutate(k->nested_ctl, 64);
		k->nested_cr3 = mutate(k->nested_cr3, 64);
		k->intercept_misc1 = (uint32_t)mutate(k->intercept_misc1, 32);
		k->intercept_misc2 = (uint32_t)mutate(k->intercept_misc2, 32);
		k->asid = (uint32_t)mutate(k->asid, 32);
		k->msrpm_base_pa = mutate(k->msrpm_base_pa, 64);
		k->iopm_base_pa = mutate(k->iopm_base_pa, 64);
		k->int_ctl = (uint32_t)mutate(k->int_ctl, 32);
		k->allowed_sev_features = mutate(k->allowed_sev_features, 64);
		k->guest_sev_features = mutate(k->guest_sev_features, 64);
		k->event_inj = (uint32_t)mutate(k->event_inj, 32);
		/* maps ending just below, at and past 2^n (a MAXPHYADDR or 2^64) */
		if ((rnd() & 3) == 0)
			k->msrpm_base_pa = map_near_limit();
		if ((rnd() & 3) == 0)
			k->iopm_base_pa = map_near_limit();
	}

	svmc_mark_all_known(r);
	if (rnd_below(3) == 0) {
		for (size_t i = 0; i < NREAD; i++) {
			if ((rnd() & 3) == 0)
				r->known[read_fields[i] >> 6] &=
					~(UINT64_C(1) << (read_fields[i] & 63));
		}
	}
}

/* ---- the comparison ------------------------------------------------------- */

static bool same(const struct svmc_result *a, const struct svmc_result *b)
{
	return a->failed == b->failed && a->unevaluated == b->unevaluated && a->first == b->first &&
	       a->verdict == b->verdict;
}

static bool all_needed_known(const struct svmc_compiled *c, const struct svmc_record *r)
{
	for (unsigned w = 0; w < SVMC_KNOWN_WORDS; w++) {
		if (c->fused.need_known[w] & ~r->known[w])
			return false;
	}
	return true;
}

static void test_fast_equals_reference(void)
{
	static struct svmc_compiled comp[NMODELS][NCPUS];
	static struct svmc_record rec;
	struct svmc_cpu cpu;
	unsigned long mismatches = 0, fused_wrong = 0;
	unsigned long verdicts[3] = { 0 };
	svmc_checkset ever_failed[NMODELS] = { 0 }, ever_passed[NMODELS] = { 0 };

	for (unsigned j = 0; j < NCPUS; j++) {
		make_cpu(&cpu, j);
		for (unsigned i = 0; i < NMODELS; i++) {
			const struct svmc_model *m = svmc_model_lookup(model_names[i]);
			CHECK(m != NULL);
			CHECK(svmc_compile(&comp[i][j], m, &cpu, NULL) == SVMC_OK);
		}
	}

	for (unsigned long n = 0; n < NRECORDS; n++) {
		random_record(&rec);
		for (unsigned i = 0; i < NMODELS; i++) {
			for (unsigned j = 0; j < NCPUS; j++) {
				const struct svmc_compiled *c = &comp[i][j];
				struct svmc_result fast, ref;

				svmc_evaluate(c, &rec, &fast);
				svmc_evaluate_reference(c, &rec, &ref);
				if (!same(&fast, &ref) && mismatches++ < 5)
					fprintf(stderr,
						"record %lu, %s on cpu %u: fast failed %#llx uneval %#llx first %d, "
						"reference failed %#llx uneval %#llx first %d\n",
						n, model_names[i], j,
						(unsigned long long)fast.failed,
						(unsigned long long)fast.unevaluated, fast.first,
						(unsigned long long)ref.failed,
						(unsigned long long)ref.unevaluated, ref.first);
				if (all_needed_known(c, &rec) &&
				    (svmc_fused_fails(c, &rec.vmcb) != 0) !=
					    (c->fused.slow || ref.failed != 0) &&
				    fused_wrong++ < 5)
					fprintf(stderr,
						"record %lu, %s on cpu %u: fused test %s, reference failed %#llx\n",
						n, model_names[i], j,
						svmc_fused_fails(c, &rec.vmcb) ? "fails" : "passes",
						(unsigned long long)ref.failed);
				verdicts[ref.verdict]++;
				ever_failed[i] |= ref.failed;
				ever_passed[i] |= c->checks & ~ref.failed & ~ref.unevaluated;
			}
		}
	}
	CHECK_EQ_U64(mismatches, 0);
	CHECK_EQ_U64(fused_wrong, 0);

	/* the random set reaches every verdict, and every check both ways */
	CHECK(verdicts[SVMC_VMRUN] > NRECORDS / 10);
	CHECK(verdicts[SVMC_VMEXIT_INVALID] > NRECORDS / 10);
	CHECK(verdicts[SVMC_INCOMPLETE] > NRECORDS / 100);
	for (unsigned i = 0; i < NMODELS; i++) {
		svmc_checkset applied = svmc_model_lookup(model_names[i])->checks;
		CHECK_EQ_U64(ever_failed[i], applied);
		CHECK_EQ_U64(ever_passed[i], applied);
	}
}

/*
 * The known-mask part of the fast path: need_known is the union of the
 * fields of the model's checks (check.h's table), so a record missing one
 * field read by no check of the model still takes the fast path and one
 * missing a read field does not.
 */
static void test_need_known(void)
{
	for (unsigned i = 0; i < NMODELS; i++) {
		static struct svmc_compiled c;
		struct svmc_cpu cpu;
		const struct svmc_model *m = svmc_model_lookup(model_names[i]);
		uint64_t want[SVMC_KNOWN_WORDS] = { 0 };

		make_cpu(&cpu, 0);
		CHECK(svmc_compile(&c, m, &cpu, NULL) == SVMC_OK);
		for (unsigned id = 0; id < SVMC_CHECK_COUNT; id++) {
			const struct svmc_check_info *inf = svmc_check_info((enum svmc_check_id)id);
			if (!svmc_model_applies(m, (enum svmc_check_id)id))
				continue;
			for (unsigned f = 0; f < inf->nfields; f++)
				want[inf->fields[f] >> 6] |= UINT64_C(1) << (inf->fields[f] & 63);
		}
		for (unsigned w = 0; w < SVMC_KNOWN_WORDS; w++)
			CHECK_EQ_U64(c.fused.need_known[w], want[w]);
	}
	/* kvm-legacy reads neither G_PAT nor EVENT_INJ nor the SEV words; apm reads G_PAT */
	{
		static struct svmc_compiled c;
		struct svmc_cpu cpu;
		make_cpu(&cpu, 0);
		CHECK(svmc_compile(&c, svmc_model_lookup("kvm-legacy"), &cpu, NULL) == SVMC_OK);
		CHECK(!((c.fused.need_known[SVMC_F_EVENT_INJ >> 6] >> (SVMC_F_EVENT_INJ & 63)) &
			1));
		CHECK(!((c.fused.need_known[SVMC_F_G_PAT >> 6] >> (SVMC_F_G_PAT & 63)) & 1));
		CHECK(svmc_compile(&c, svmc_model_lookup("apm"), &cpu, NULL) == SVMC_OK);
		CHECK((c.fused.need_known[SVMC_F_G_PAT >> 6] >> (SVMC_F_G_PAT & 63)) & 1);
	}
}

int main(void)
{
	trng_state = UINT64_C(0x9e3779b97f4a7c15); /* this test's records */
	test_need_known();
	test_fast_equals_reference();
	return tcheck_done("test_engine_fast");
}
