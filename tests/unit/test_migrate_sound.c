/*
 * test_migrate_sound.c - the migrate diff is sound: it never answers
 * "identical" (or the wrong direction) where some VMCB really changes
 * verdict between the two sides.
 *
 * The property, over every ordered pair of bundled CPU profiles under every
 * ordered pair of models (the same model on both sides, and every cross-
 * model pair): for each of a fixed set of random VMCBs, evaluated on both
 * compiled models,
 *   accepted on the source and rejected on the destination  =>  the diff's
 *       result is subset or incompatible;
 *   rejected on the source and accepted on the destination  =>  superset
 *       or incompatible;
 * so a result of identical means no record flipped.  svmc_migrate_result()
 * (what the matrix uses) must equal svmc_migrate_diff()'s result.  And per
 * check, which is what catches a check the diff forgot even where another
 * check happens to move the same way: where a check rejects a record on one
 * side only, the diff lists a difference of that check in that direction.
 *
 * The records start from a valid 64-bit guest with nested paging and get
 * one mutation each of the state migrations move: a CR4 or EFER bit, a CR3
 * or nCR3 bit at or above a MAXPHYADDR (in and out of long mode, LAM's bits
 * 62:61), a permission map near 2^n, an injected exception vector, an
 * EVENTINJ TYPE, a bad G_PAT, and the CPU-independent checks (which differ
 * only between models).  The test counts the flips it saw in each direction
 * and fails if it saw none: a property that was never exercised proves
 * nothing.  (Set any check row's .deps to 0 in src/check/checks.c, e.g.
 * CTRL.EVENTINJ.VECTOR's or KVM.LATE.CR3's, and this test fails: that is
 * how it was checked.)
 *
 * It also checks the rows themselves: every dependency is a known one, the
 * diff has a walker for it, and the class key separates what the diff does;
 * every check of KVM's and the APM's models has a fast-path term, and a
 * model with a check without one compiles to the slow path.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "check/internal.h"
#include "svmcheck/migrate.h"
#include "tcheck.h"
#include "tvmcb.h"
#include "vmcb/svm_bits.h"

#define NRECORDS 1500
#define MAXCPUS 64

/* ---- the bundled CPUs ---------------------------------------------------- */

static struct svmc_cpu cpus[MAXCPUS];
static unsigned ncpus;

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct svmc_cpu *)a)->name, ((const struct svmc_cpu *)b)->name);
}

static void load_profiles(void)
{
	char dir[4096], path[8192];
	DIR *dp;
	struct dirent *e;

	snprintf(dir, sizeof(dir), "%s/../profiles", SVMCHECK_TEST_DIR);
	dp = opendir(dir);
	CHECK(dp != NULL);
	if (!dp)
		return;
	while ((e = readdir(dp)) && ncpus < MAXCPUS) {
		size_t len = strlen(e->d_name);
		struct svmc_diag d;

		if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		svmc_diag_init(&d, path);
		if (svmc_cpu_load_file(path, &cpus[ncpus], &d) != SVMC_OK) {
			fprintf(stderr, "%s: %s\n", path, d.msg);
			CHECK(0);
			continue;
		}
		if (!svmc_featset_has(&cpus[ncpus].features, SVMC_FEAT_SVM))
			continue; /* a CPU without SVM runs no nested guest */
		ncpus++;
	}
	closedir(dp);
	qsort(cpus, ncpus, sizeof(cpus[0]), by_name);
	CHECK(ncpus >= 10);
	/* and what no bundled host has: no nested paging (KVM ignores NP_ENABLE),
	 * LAM (CR3 bits 62:61 exempt under KVM) */
	if (ncpus + 2 <= MAXCPUS && ncpus > 0) {
		cpus[ncpus] = cpus[0];
		strcpy(cpus[ncpus].name, "variant-without-npt");
		svmc_featset_set(&cpus[ncpus].features, SVMC_FEAT_NPT, false);
		ncpus++;
		cpus[ncpus] = cpus[ncpus - 2];
		strcpy(cpus[ncpus].name, "variant-with-lam");
		svmc_featset_set(&cpus[ncpus].features, SVMC_FEAT_LAM, true);
		ncpus++;
	}
}

/* ---- the records ---------------------------------------------------------- */

static struct svmc_record records[NRECORDS];

static uint64_t map_near_limit(void)
{
	unsigned n = 30 + rnd_below(35);
	uint64_t limit = n >= 64 ? 0 : UINT64_C(1) << n;

	return limit - UINT64_C(0x1000) * (1 + rnd_below(4));
}

static void make_record(struct svmc_record *r)
{
	struct svmc_vmcb_save *s = &r->vmcb.save;
	struct svmc_vmcb_control *k = &r->vmcb.control;

	tvmcb_long_mode(r); /* mutated below, known marked again at the end */
	k->nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	k->nested_cr3 = 0x2000;

	switch (rnd_below(13)) {
	case 0:
		s->cr4 |= UINT64_C(1) << rnd_below(64);
		break;
	case 1:
		s->efer |= UINT64_C(1) << rnd_below(64);
		break;
	case 2: /* long-mode CR3 */
		s->cr3 |= UINT64_C(1) << (32 + rnd_below(32));
		break;
	case 3: /* CR3 outside long mode (legacy PAE) */
		s->efer &= ~(EFER_LME | EFER_LMA);
		s->cs.attrib = 0x0c9b;
		s->cr3 |= UINT64_C(1) << (32 + rnd_below(32));
		break;
	case 4:
		k->nested_cr3 |= UINT64_C(1) << (32 + rnd_below(32));
		break;
	case 5:
		k->msrpm_base_pa = map_near_limit();
		break;
	case 6:
		k->iopm_base_pa = map_near_limit();
		break;
	case 7: /* an exception: TYPE 3, vector 0-31 */
		k->event_inj = SVM_EVTINJ_VALID | (SVM_EVTINJ_TYPE_EXEPT << SVM_EVTINJ_TYPE_SHIFT) |
			       rnd_below(32);
		break;
	case 8:
		k->event_inj = SVM_EVTINJ_VALID | (rnd_below(8) << SVM_EVTINJ_TYPE_SHIFT) |
			       rnd_below(256);
		break;
	case 9: /* a reserved memory type in one G_PAT entry */
		s->g_pat = (s->g_pat & ~(UINT64_C(0xff) << (8 * rnd_below(8)))) |
			   ((uint64_t)(2 + rnd_below(2)) << (8 * rnd_below(8)));
		break;
	case 10: /* LAM's CR3 bits in long mode */
		s->cr3 |= UINT64_C(1) << (61 + rnd_below(2));
		break;
	case 11: /* vNMI without the NMI intercept, or SEV features not allowed */
		if (rnd() & 1) {
			k->int_ctl = V_NMI_ENABLE_MASK;
			k->intercept_misc1 = 0;
		} else {
			k->nested_ctl |= SVM_NESTED_CTL_SEV_ES_ENABLE;
			k->allowed_sev_features = VMCB_ALLOWED_SEV_FEATURES_VALID | 1;
			k->guest_sev_features = 2;
		}
		break;
	default: /* the checks no CPU changes: one of them fails */
		switch (rnd_below(5)) {
		case 0:
			s->cr0 = (s->cr0 & ~CR0_CD) | CR0_NW;
			break;
		case 1:
			s->dr6 |= UINT64_C(1) << 40;
			break;
		case 2:
			k->asid = 0;
			break;
		case 3:
			k->intercept_misc2 = 0;
			break;
		default:
			s->cs.attrib |= SVM_SELECTOR_DB_MASK;
			break;
		}
		break;
	}
	svmc_mark_all_known(r);
}

/* ---- the property ----------------------------------------------------------- */

/* [model][cpu][record], one row a model: svmc_model_count() of them */
static struct svmc_compiled (*comp)[MAXCPUS];
static uint8_t (*verdict)[MAXCPUS][NRECORDS]; /* enum svmc_verdict */
static svmc_checkset (*failed)[MAXCPUS][NRECORDS];
static struct svmc_diff df;

static unsigned long long pairs, pairs_flipping, narrowing_flips, widening_flips, check_flips;

/* Does the diff list a difference of check id with from -> to?  (Vector deltas
 * belong to the check that depends on the vector table.) */
static bool diff_has(const struct svmc_diff *x, enum svmc_check_id id, bool from, bool to)
{
	for (unsigned i = 0; i < x->nstate; i++)
		if (x->state[i].check == id && x->state[i].from == from && x->state[i].to == to)
			return true;
	if (svmc_check_rows[id].deps & SVMC_DEP_VECTORS)
		for (unsigned i = 0; i < x->nvec; i++)
			if (x->vec[i].from == from && x->vec[i].to == to)
				return true;
	return false;
}

/* Per check: a record one side's check rejects and the other's accepts. */
static void check_per_check(unsigned mf, unsigned cf, unsigned mt, unsigned ct)
{
	svmc_checkset narrow = 0, widen = 0;

	for (unsigned i = 0; i < NRECORDS; i++) {
		svmc_checkset a = failed[mf][cf][i], b = failed[mt][ct][i];

		narrow |= b & ~a;
		widen |= a & ~b;
	}
	for (unsigned id = 0; id < SVMC_CHECK_COUNT; id++) {
		bool n = (narrow >> id) & 1, w = (widen >> id) & 1;

		check_flips += n + w;
		if ((n && !diff_has(&df, (enum svmc_check_id)id, true, false)) ||
		    (w && !diff_has(&df, (enum svmc_check_id)id, false, true))) {
			fprintf(stderr,
				"unsound: %s on %s -> %s on %s: %s %s some record, "
				"but the diff lists no such difference of it\n",
				comp[mf][cf].model->name, comp[mf][cf].cpu_name,
				comp[mt][ct].model->name, comp[mt][ct].cpu_name,
				svmc_check_info((enum svmc_check_id)id)->name,
				n ? "newly rejects" : "newly accepts");
			CHECK(0);
		}
	}
}

static void check_pair(unsigned mf, unsigned cf, unsigned mt, unsigned ct)
{
	const struct svmc_compiled *f = &comp[mf][cf], *t = &comp[mt][ct];
	enum svmc_mresult r = svmc_migrate_diff(f, t, &df);
	bool narrows = false, widens = false;
	unsigned example = 0;

	pairs++;
	CHECK_EQ_U64(svmc_migrate_result(f, t), r);
	for (unsigned i = 0; i < NRECORDS; i++) {
		enum svmc_verdict a = verdict[mf][cf][i], b = verdict[mt][ct][i];

		if (a == SVMC_VMRUN && b == SVMC_VMEXIT_INVALID) {
			narrows = true;
			example = i;
		} else if (a == SVMC_VMEXIT_INVALID && b == SVMC_VMRUN) {
			widens = true;
			example = i;
		}
	}
	if (narrows || widens)
		pairs_flipping++;
	check_per_check(mf, cf, mt, ct);
	narrowing_flips += narrows;
	widening_flips += widens;
	if ((narrows && r != SVMC_MIG_SUBSET && r != SVMC_MIG_INCOMPATIBLE) ||
	    (widens && r != SVMC_MIG_SUPERSET && r != SVMC_MIG_INCOMPATIBLE)) {
		struct svmc_result ra, rb;

		svmc_evaluate(f, &records[example], &ra);
		svmc_evaluate(t, &records[example], &rb);
		fprintf(stderr,
			"unsound: %s on %s -> %s on %s is %s, but record %u is %s -> %s "
			"(first failure: %s -> %s)\n",
			f->model->name, f->cpu_name, t->model->name, t->cpu_name,
			svmc_mresult_name(r), example, svmc_verdict_name(ra.verdict),
			svmc_verdict_name(rb.verdict),
			ra.first >= 0 ? svmc_check_info((enum svmc_check_id)ra.first)->name : "-",
			rb.first >= 0 ? svmc_check_info((enum svmc_check_id)rb.first)->name : "-");
		CHECK(0);
	}
}

/* ---- the rows ----------------------------------------------------------------- */

/*
 * The rows a VMRUN model applies (the listed models) and those of the
 * restore forms (model->restore: KVM_SET_NESTED_STATE).
 */
static void model_rows(svmc_checkset *vmrun, svmc_checkset *restore)
{
	*vmrun = *restore = 0;
	for (size_t i = 0; i < svmc_model_count(); i++) {
		const struct svmc_model *m = svmc_model_at(i);

		CHECK(!(m->flags & SVMC_MF_RESTORE));
		*vmrun |= m->checks;
		if (m->restore)
			*restore |= m->restore->checks;
	}
}

/*
 * KVM's and the APM's models: what the hot path runs (svmcheck's default, a
 * hardware-run VMCB's, migrate's), so every check of theirs has a term and
 * their fused test is really fused.
 */
static const char *const hot_models[] = { "kvm", "kvm-legacy", "kvm-v1", "apm" };
#define NHOT (sizeof(hot_models) / sizeof(hot_models[0]))

/* m applies a check without a fast-path term */
static bool has_termless(const struct svmc_model *m)
{
	for (unsigned id = 0; id < SVMC_CHECK_COUNT; id++)
		if (svmc_model_applies(m, (enum svmc_check_id)id) &&
		    svmc_check_rows[id].term == SVMC_FT_NONE)
			return true;
	return false;
}

static void check_rows(void)
{
	svmc_checkset vmrun, restore, hot = 0;

	model_rows(&vmrun, &restore);
	for (size_t i = 0; i < NHOT; i++) {
		const struct svmc_model *m = svmc_model_lookup(hot_models[i]);

		CHECK(m != NULL);
		if (m)
			hot |= m->checks;
	}
	for (unsigned id = 0; id < SVMC_CHECK_COUNT; id++) {
		const struct svmc_check_row *row = &svmc_check_rows[id];

		CHECK((row->deps & ~SVMC_DEP_ALL) == 0);
		CHECK(svmc_migrate_walks(row->deps));
		/* every row is applied by some model */
		CHECK(((vmrun | restore) >> id) & 1);
		/*
		 * every check of a hot model has a fast-path term; the peers'
		 * own rows may have none (their models then take the slow path,
		 * check_slow()); a row only restore forms apply (the header and
		 * NSTATE.L1.* checks) has none: restore forms always take the
		 * reference path
		 */
		CHECK(row->term < SVMC_FT_COUNT);
		if ((hot >> id) & 1)
			CHECK(row->term != SVMC_FT_NONE);
		if (!((vmrun >> id) & 1))
			CHECK(row->term == SVMC_FT_NONE);
		/* a VMCB check has its predicate; a header check its own */
		CHECK((row->fails != NULL) != (row->hdr_fails != NULL));
		/* an address limit names the state it moves */
		if (row->deps & (SVMC_DEP_CR3 | SVMC_DEP_PA | SVMC_DEP_NP))
			CHECK(row->state != NULL);
	}
}

/*
 * On every bundled CPU: a VMRUN model with a check without a term takes the
 * slow path (the predicates), one without (the hot models among them) the
 * fused test; a restore form never takes the fused path.
 */
static void check_slow(void)
{
	size_t hot_fused = 0;

	for (size_t i = 0; i < svmc_model_count(); i++) {
		const struct svmc_model *m = svmc_model_at(i);
		bool termless = has_termless(m);

		for (unsigned c = 0; c < ncpus; c++) {
			struct svmc_compiled k;

			CHECK(svmc_compile(&k, m, &cpus[c], NULL) == SVMC_OK);
			CHECK(k.fused.slow == termless);
			CHECK(!k.fused.slow_restore);
			if (!m->restore)
				continue;
			CHECK(svmc_compile(&k, m->restore, &cpus[c], NULL) == SVMC_OK);
			CHECK(k.fused.slow_restore);
		}
		for (size_t h = 0; h < NHOT; h++)
			if (strcmp(m->name, hot_models[h]) == 0 && !termless)
				hot_fused++;
	}
	CHECK(hot_fused == NHOT);
}

int main(void)
{
	trng_state = UINT64_C(0x2545f4914f6cdd1d); /* this test's records */
	size_t nmodels = svmc_model_count();

	check_rows();
	load_profiles();
	check_slow();
	comp = calloc(nmodels, sizeof(*comp));
	verdict = calloc(nmodels, sizeof(*verdict));
	failed = calloc(nmodels, sizeof(*failed));
	CHECK(comp && verdict && failed);
	if (!comp || !verdict || !failed) {
		free(comp);
		free(verdict);
		free(failed);
		return tcheck_done("test_migrate_sound");
	}
	for (unsigned i = 0; i < NRECORDS; i++)
		make_record(&records[i]);
	for (unsigned m = 0; m < nmodels; m++) {
		for (unsigned c = 0; c < ncpus; c++) {
			struct svmc_diag d;

			svmc_diag_init(&d, NULL);
			CHECK(svmc_compile(&comp[m][c], svmc_model_at(m), &cpus[c], &d) == SVMC_OK);
			for (unsigned i = 0; i < NRECORDS; i++) {
				struct svmc_result res;

				svmc_evaluate(&comp[m][c], &records[i], &res);
				verdict[m][c][i] = (uint8_t)res.verdict;
				failed[m][c][i] = res.failed;
			}
		}
	}
	for (unsigned mf = 0; mf < nmodels; mf++)
		for (unsigned mt = 0; mt < nmodels; mt++)
			for (unsigned cf = 0; cf < ncpus; cf++)
				for (unsigned ct = 0; ct < ncpus; ct++)
					check_pair(mf, cf, mt, ct);

	printf("migrate soundness: %llu pairs (%u CPUs, %zu models), %llu with flipping records "
	       "(%llu narrowing, %llu widening), %llu per-check flips, %d records each\n",
	       pairs, ncpus, nmodels, pairs_flipping, narrowing_flips, widening_flips, check_flips,
	       NRECORDS);
	/* the property was exercised, in both directions */
	CHECK(narrowing_flips > 100);
	CHECK(widening_flips > 100);
	free(comp);
	free(verdict);
	free(failed);
	return tcheck_done("test_migrate_sound");
}
