/*
 * engine.c - evaluate one record against a compiled model: every check of
 * the model in the model's order, so that the first failure met is the one
 * the implementation hits first.  The hot path of replay: no allocation, no
 * global state.
 *
 * Two ways to the same result:
 *
 *   the reference path   per check of the model, in order: is every field it
 *                        reads known?  Then its predicate, else its guard.
 *                        One mask test and one indirect call per check.
 *
 *   the fast path        taken when every field any check of the model reads
 *                        is known (binary formats: always), which one test of
 *                        the record's known mask against c->fused.need_known
 *                        decides.  Then no check can be unevaluated and no
 *                        guard is ever called, so the per-check mask tests
 *                        are dropped.  Further, the fused test
 *                        svmc_fused_fails() computes "does any check fail"
 *                        in one branch-free expression (a few loads, ANDs
 *                        and ORs); when it is 0, the record passes every
 *                        check and the result is known without calling a
 *                        predicate.  Only when it is nonzero are the
 *                        predicates run in model order, to build the failure
 *                        set and `first` exactly as the reference path does.
 *
 * Why the fast path is equivalent: (1) with every needed field known, the
 * reference path's mask test is false for every check, so it runs exactly
 * the predicates in order, as the fast path's fallback does; (2) the fused
 * test is the OR of one term per check, each term equal to that check's
 * predicate (sharing its helpers from internal.h) ANDed with a mask that is
 * 0 when the model lacks the check (svmc_fused_compile()); so it is 0 iff no
 * check of the model fails.  tests/unit/test_engine_fast.c compares both
 * paths, and the fused test with the predicates, on random records for every
 * model and several CPUs.
 */
#include <string.h>

#include "check/internal.h"
#include "vmcb/svm_bits.h"

_Static_assert(CR0_CD == CR0_NW << 1, "the fused CD/NW test shifts CD onto NW");

/* All ones if b, else 0: turns a condition into a mask without a branch. */
static inline uint64_t mask_if(bool b)
{
	return (uint64_t)0 - (uint64_t)b;
}

/* The mask a row contributes to its term, on c. */
static uint64_t term_mask(const struct svmc_compiled *c, const struct svmc_check_row *row)
{
	switch ((enum svmc_fmask)row->fmask) {
	case SVMC_FM_CONST:
		return row->fconst;
	case SVMC_FM_NOT_CR4_ALLOWED:
		return ~c->cr4_allowed;
	case SVMC_FM_NOT_EFER_ALLOWED:
		return ~c->efer_allowed;
	case SVMC_FM_CR3_RSVD:
		return c->cr3_rsvd;
	case SVMC_FM_PA_RSVD:
		return c->pa_rsvd;
	case SVMC_FM_ALL:
	default:
		return ~UINT64_C(0);
	}
}

/*
 * Every term from the rows of the model's checks.  The EVENTINJ term is
 * derived from the predicates themselves: a (TYPE, vector) pair is bad iff
 * a check of the model with that term fails on an EVENTINJ that injects it.
 */
void svmc_fused_compile(struct svmc_compiled *c)
{
	const struct svmc_model *m = c->model;
	struct svmc_fused *f = &c->fused;
	svmc_checkset evtinj = 0;
	struct svmc_vmcb probe;

	memset(f, 0, sizeof(*f));
	if (m->flags & SVMC_MF_RESTORE) {
		/* restore models always take the reference path: no terms to build */
		f->slow_restore = true;
		return;
	}
	for (unsigned id = 0; id < SVMC_CHECK_COUNT; id++) {
		const struct svmc_check_row *row = &svmc_check_rows[id];

		if (!svmc_model_applies(m, (enum svmc_check_id)id))
			continue;
		for (unsigned w = 0; w < SVMC_KNOWN_WORDS; w++)
			f->need_known[w] |= c->need[id][w];
		if (row->term == SVMC_FT_NONE || row->term >= SVMC_FT_COUNT)
			f->slow = true;
		else if (row->term == SVMC_FT_EVENTINJ)
			evtinj |= SVMC_CHECK_BIT(id);
		else
			f->slot[row->term] |= term_mask(c, row);
	}
	if (!evtinj)
		return;
	f->slot[SVMC_FT_EVENTINJ] = ~UINT64_C(0);
	memset(&probe, 0, sizeof(probe)); /* zero but EVENTINJ */
	for (unsigned t = 0; t < 8; t++) {
		for (unsigned v = 0; v < 256; v++) {
			probe.control.event_inj = SVM_EVTINJ_VALID | (t << SVM_EVTINJ_TYPE_SHIFT) |
						  v;
			for (unsigned id = 0; id < SVMC_CHECK_COUNT; id++) {
				if (((evtinj >> id) & 1) && svmc_check_rows[id].fails(c, &probe)) {
					f->evtinj_bad[t][v >> 6] |= UINT64_C(1) << (v & 63);
					break;
				}
			}
		}
	}
}

/* svmc_fused_fails(), inlined into svmc_evaluate(). */
static inline uint64_t fused_fails(const struct svmc_compiled *c, const struct svmc_vmcb *v)
{
	const struct svmc_fused *f = &c->fused;
	const struct svmc_vmcb_save *s = &v->save;
	const struct svmc_vmcb_control *k = &v->control;
	uint64_t lm = mask_if(svmc_long_mode(v));
	uint64_t np = mask_if((k->nested_ctl & c->np_mask) != 0);
	uint32_t e = k->event_inj;
	unsigned vec = SVM_EVTINJ_VECTOR(e);
	uint64_t bad;

	/* save area, in any mode: SVME must be 1; CR0.NW needs CR0.CD; reserved bits */
	bad = (~s->efer & f->slot[SVMC_FT_EFER_ONE]) |
	      (s->cr0 & ~(s->cr0 >> 1) & f->slot[SVMC_FT_CR0_NW]) |
	      (s->cr0 & f->slot[SVMC_FT_CR0_BAD]) | (s->dr6 & f->slot[SVMC_FT_DR6_BAD]) |
	      (s->dr7 & f->slot[SVMC_FT_DR7_BAD]) | (s->cr4 & f->slot[SVMC_FT_CR4_BAD]) |
	      (s->efer & f->slot[SVMC_FT_EFER_BAD]);
	/* long mode: PAE and PE must be 1, CR3 a legal address, CS not both L and D */
	bad |= lm &
	       ((~s->cr4 & f->slot[SVMC_FT_LM_CR4_ONE]) | (~s->cr0 & f->slot[SVMC_FT_LM_CR0_ONE]) |
		(s->cr3 & f->slot[SVMC_FT_LM_CR3_BAD]) |
		(mask_if((s->cr4 & CR4_PAE) && svmc_cs_l_and_d(v)) & f->slot[SVMC_FT_LM_CS_LD]));
	/* outside long mode: KVM's late CR3 load */
	bad |= ~lm & s->cr3 & f->slot[SVMC_FT_NLM_CR3_BAD];
	/* nested paging on (and honoured): nCR3 a legal address, G_PAT entries valid */
	bad |= np & ((k->nested_cr3 & f->slot[SVMC_FT_NP_NCR3_BAD]) |
		     (mask_if(svmc_gpat_bad(s->g_pat)) & f->slot[SVMC_FT_NP_GPAT]));
	/* control area */
	bad |= (~(uint64_t)k->intercept_misc2 & f->slot[SVMC_FT_MISC2_ONE]) |
	       (mask_if(k->asid == 0) & f->slot[SVMC_FT_ASID_ZERO]) |
	       (mask_if(svmc_range_bad(k->msrpm_base_pa, c->msrpm_last, c->pa_rsvd)) &
		f->slot[SVMC_FT_MSRPM]) |
	       (mask_if(svmc_range_bad(k->iopm_base_pa, c->iopm_last, c->pa_rsvd)) &
		f->slot[SVMC_FT_IOPM]) |
	       (mask_if(svmc_vnmi_bad(v)) & f->slot[SVMC_FT_VNMI]) |
	       (mask_if(svmc_sev_bad(v)) & f->slot[SVMC_FT_SEV]);
	/* EVENTINJ valid with a (TYPE, vector) pair the model rejects */
	bad |= mask_if((e & SVM_EVTINJ_VALID) &&
		       ((f->evtinj_bad[SVM_EVTINJ_TYPE(e)][vec >> 6] >> (vec & 63)) & 1));
	/* a check without a term: the predicates decide */
	bad |= mask_if(f->slow);
	return bad;
}

uint64_t svmc_fused_fails(const struct svmc_compiled *c, const struct svmc_vmcb *v)
{
	return fused_fails(c, v);
}

static void finish(const struct svmc_compiled *c, struct svmc_result *res, svmc_checkset failed,
		   svmc_checkset unevaluated, int first)
{
	res->failed = failed;
	res->unevaluated = unevaluated;
	res->first = first;
	res->comp = c;
	res->verdict = failed ? SVMC_VMEXIT_INVALID : unevaluated ? SVMC_INCOMPLETE : SVMC_VMRUN;
}

/*
 * KVM_SET_NESTED_STATE (svm_set_nested_state()): the model's checks in its
 * order, header checks on the header, the others on the VMCB; with the
 * header's GUEST_MODE known clear, KVM returns 0 before any check but the
 * format and flags.  With the flags unknown, whether it returns early is
 * unknown: a check of guest mode that fails then decides nothing (it may
 * never run), so it is unevaluated; one that passes passes either way.
 * Nested-state blobs are few: no fast path.
 */
static void evaluate_restore(const struct svmc_compiled *c, const struct svmc_record *r,
			     struct svmc_result *res)
{
	const struct svmc_model *m = c->model;
	const struct svmc_nstate *h = &r->nstate;
	bool flags_known = (h->known & SVMC_NSK_FLAGS) != 0;
	bool not_guest = flags_known && !(h->flags & SVMC_NSTATE_GUEST_MODE);
	svmc_checkset failed = 0, unevaluated = 0;
	int first = -1;

	for (unsigned i = 0; i < m->norder; i++) {
		unsigned id = m->order[i];
		const struct svmc_check_row *row = &svmc_check_rows[id];
		const uint64_t *need = c->need[id];
		bool fails;

		if (row->hdr_fails) {
			if (row->guest_mode_only && not_guest)
				continue;
			if ((h->known & row->hdr_need) != row->hdr_need) {
				unevaluated |= SVMC_CHECK_BIT(id);
				continue;
			}
			fails = row->hdr_fails(c, h);
		} else {
			if (not_guest)
				continue;
			if ((need[0] & ~r->known[0]) | (need[1] & ~r->known[1])) {
				if (!row->passes_partial || !row->passes_partial(c, r))
					unevaluated |= SVMC_CHECK_BIT(id);
				continue;
			}
			fails = row->fails(c, &r->vmcb);
		}
		if (fails && !flags_known && (!row->hdr_fails || row->guest_mode_only)) {
			unevaluated |= SVMC_CHECK_BIT(id);
			continue;
		}
		if (fails) {
			failed |= SVMC_CHECK_BIT(id);
			if (first < 0)
				first = (int)id;
		}
	}
	finish(c, res, failed, unevaluated, first);
	res->verdict = failed ? SVMC_EINVAL : unevaluated ? SVMC_INCOMPLETE : SVMC_RESTORED;
}

void svmc_evaluate_reference(const struct svmc_compiled *c, const struct svmc_record *r,
			     struct svmc_result *res)
{
	const struct svmc_model *m = c->model;
	svmc_checkset failed = 0, unevaluated = 0;
	int first = -1;

	if (m->flags & SVMC_MF_RESTORE) {
		evaluate_restore(c, r, res);
		return;
	}
	for (unsigned i = 0; i < m->norder; i++) {
		unsigned id = m->order[i];
		const struct svmc_check_row *row = &svmc_check_rows[id];
		const uint64_t *need = c->need[id];

		if ((need[0] & ~r->known[0]) | (need[1] & ~r->known[1])) {
			/* some field unknown: pass only if the known ones decide it */
			if (!row->passes_partial || !row->passes_partial(c, r))
				unevaluated |= SVMC_CHECK_BIT(id);
			continue;
		}
		if (row->fails(c, &r->vmcb)) {
			failed |= SVMC_CHECK_BIT(id);
			if (first < 0)
				first = (int)id;
		}
	}
	finish(c, res, failed, unevaluated, first);
}

/* svmc_evaluate(), inlined into the panel's loop too (the replay hot path). */
static inline void evaluate(const struct svmc_compiled *c, const struct svmc_record *r,
			    struct svmc_result *res)
{
	const uint64_t *need = c->fused.need_known;
	const struct svmc_model *m;
	svmc_checkset failed = 0;
	int first = -1;

	_Static_assert(SVMC_KNOWN_WORDS == 2, "the known test below reads two words");
	if ((need[0] & ~r->known[0]) | (need[1] & ~r->known[1]) | c->fused.slow_restore) {
		/* a text dump that lacks some field: guards decide, per check */
		svmc_evaluate_reference(c, r, res);
		return;
	}
	if (!fused_fails(c, &r->vmcb)) {
		/* the common case: every check passes */
		finish(c, res, 0, 0, -1);
		return;
	}
	/* something fails: which, and which first, in the model's order */
	m = c->model;
	for (unsigned i = 0; i < m->norder; i++) {
		unsigned id = m->order[i];

		if (svmc_check_rows[id].fails(c, &r->vmcb)) {
			failed |= SVMC_CHECK_BIT(id);
			if (first < 0)
				first = (int)id;
		}
	}
	finish(c, res, failed, 0, first);
}

void svmc_evaluate(const struct svmc_compiled *c, const struct svmc_record *r,
		   struct svmc_result *res)
{
	evaluate(c, r, res);
}

const char *svmc_verdict_name(enum svmc_verdict v)
{
	switch (v) {
	case SVMC_VMRUN:
		return "VMRUN";
	case SVMC_VMEXIT_INVALID:
		return "VMEXIT_INVALID";
	case SVMC_INCOMPLETE:
		return "INCOMPLETE";
	case SVMC_RESTORED:
		return "RESTORED";
	case SVMC_EINVAL:
		return "EINVAL";
	case SVMC_NA:
		return "N/A";
	}
	return "?";
}

/* ---- judges and panels ------------------------------------------------------ */

enum svmc_err svmc_judge_compile(struct svmc_judge *j, const struct svmc_model *m,
				 const struct svmc_cpu *cpu, struct svmc_diag *d)
{
	enum svmc_err e;

	j->model = m;
	e = svmc_compile(&j->vmrun, m, cpu, d);
	if (m->restore)
		(void)svmc_compile(&j->restore, m->restore, cpu, NULL); /* same CPU, same returns */
	else
		memset(&j->restore, 0, sizeof(j->restore));
	return e;
}

static inline const struct svmc_compiled *pick(const struct svmc_judge *j,
					       const struct svmc_record *r)
{
	if (r->origin != SVMC_ORIGIN_NESTED_STATE)
		return &j->vmrun;
	return j->model->restore ? &j->restore : NULL;
}

const struct svmc_compiled *svmc_judge_pick(const struct svmc_judge *j, const struct svmc_record *r)
{
	return pick(j, r);
}

static inline void judge(const struct svmc_judge *j, const struct svmc_record *r,
			 struct svmc_result *res)
{
	const struct svmc_compiled *c = pick(j, r);

	if (c) {
		evaluate(c, r, res);
		return;
	}
	memset(res, 0, sizeof(*res));
	res->first = -1;
	res->verdict = SVMC_NA;
}

void svmc_judge_evaluate(const struct svmc_judge *j, const struct svmc_record *r,
			 struct svmc_result *res)
{
	judge(j, r, res);
}

unsigned svmc_panel_by_origin(struct svmc_panel *p, struct svmc_judge *const *judges, unsigned n)
{
	memset(p, 0, sizeof(*p));
	p->by_origin = true;
	for (unsigned o = 0; o < SVMC_ORIGIN_COUNT; o++) {
		const struct svmc_model *m = svmc_model_for_origin((enum svmc_origin)o);
		unsigned i = 0;

		while (i < p->n && p->j[i]->model != m)
			i++;
		if (i == p->n) {
			if (i >= n || i >= SVMC_PANEL_MAX)
				return 0;
			judges[i]->model = m;
			p->j[p->n++] = judges[i];
		}
		p->origin[o] = (uint8_t)i;
	}
	return p->n;
}

unsigned svmc_panel_evaluate(const struct svmc_panel *p, const struct svmc_record *r,
			     struct svmc_result *res)
{
	if (p->by_origin) {
		unsigned o = (unsigned)r->origin < SVMC_ORIGIN_COUNT ? r->origin : 0;
		judge(p->j[p->origin[o]], r, res);
		return 1;
	}
	for (unsigned i = 0; i < p->n; i++)
		judge(p->j[i], r, &res[i]);
	return p->n;
}
