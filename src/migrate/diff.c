/*
 * diff.c - migration as a diff of two compiled models: XOR of
 * the TYPE-3 vector bitmaps and the TYPE table, XOR of the CR4 and EFER
 * allowed masks (each side's gate says why), the address limits of CR3,
 * nCR3, MSRPM and IOPM, NP_ENABLE honoured or ignored (nCR3 and G_PAT
 * checked or not), and the checks one model applies and the other does not.
 *
 * Each side is first reduced to what it *rejects*: a check the model does
 * not apply rejects nothing, so a bit or vector is "accepted" there.  Then a
 * state accepted on the source and rejected on the destination narrows
 * (subset), the reverse widens (superset).  The result depends only on the
 * class key fields (svmc_class_key), so classes of a fleet compare exactly
 * as their members would.
 *
 * The same walk serves svmc_migrate_diff (every difference in words) and
 * svmc_migrate_result (only the direction, no text formatted), so that the
 * matrix can never disagree with migrate.
 */
#include <stdio.h>
#include <string.h>

#include "check/internal.h"
#include "svmcheck/migrate.h"
#include "svmcheck/vectors.h"

const char *svmc_mresult_name(enum svmc_mresult r)
{
	switch (r) {
	case SVMC_MIG_IDENTICAL:
		return "identical";
	case SVMC_MIG_SUPERSET:
		return "superset";
	case SVMC_MIG_SUBSET:
		return "subset";
	case SVMC_MIG_INCOMPATIBLE:
		return "incompatible";
	}
	return "?";
}

/* The walk's state: out is NULL when only the direction is wanted. */
struct walk {
	const struct svmc_compiled *f, *t;
	struct svmc_diff *out;
	unsigned narrowing, widening;
};

static bool applies(const struct svmc_compiled *c, enum svmc_check_id id)
{
	return (c->checks >> id) & 1;
}

static void count(struct walk *w, bool from, bool to)
{
	if (from && !to)
		w->narrowing++;
	else if (!from && to)
		w->widening++;
}

static bool has(const struct svmc_compiled *c, unsigned f)
{
	return svmc_featset_has(&c->features, (enum svmc_feature)f);
}

/*
 * "shstk: CPUID 7.0:ECX[7] present on the source, absent on the destination"
 * for a feature that differs; "" otherwise.
 */
static int feature_words(const struct svmc_compiled *f, const struct svmc_compiled *t,
			 unsigned feat, char *buf, size_t n)
{
	char loc[48];
	bool a = has(f, feat), b = has(t, feat);

	if (a == b)
		return snprintf(buf, n, "%s: %s %s on both", svmc_feature_table[feat].name,
				svmc_feature_cpuid(feat, loc, sizeof(loc)),
				a ? "present" : "absent");
	return snprintf(buf, n, "%s: %s present on the %s, absent on the %s",
			svmc_feature_table[feat].name, svmc_feature_cpuid(feat, loc, sizeof(loc)),
			a ? "source" : "destination", a ? "destination" : "source");
}

/* Mark the features behind a narrowing difference (present on f, absent on t). */
static void narrow_feature(struct walk *w, unsigned feat)
{
	if (w->out && has(w->f, feat) && !has(w->t, feat))
		svmc_featset_set(&w->out->narrow_features, (enum svmc_feature)feat, true);
}

/* ---- EVENTINJ ------------------------------------------------------------ */

/* The reason on a side, counting a model that does not apply the check. */
static enum svmc_vreason side_reason(const struct svmc_compiled *c, enum svmc_check_id id,
				     uint8_t r)
{
	return applies(c, id) ? (enum svmc_vreason)r : SVMC_VR_UNCHECKED;
}

/* because for a vector or TYPE; returns the feature responsible or -1. */
static int reason_because(struct walk *w, enum svmc_vreason rf, enum svmc_vreason rt, char *buf,
			  size_t n)
{
	int feat = svmc_vreason_info(rf)->feature;

	if (rf == rt && feat >= 0) {
		if (buf)
			feature_words(w->f, w->t, (unsigned)feat, buf, n);
		return feat;
	}
	if (buf)
		snprintf(buf, n, "model %s on the source: %s; model %s on the destination: %s",
			 w->f->model->name, svmc_vreason_info(rf)->words, w->t->model->name,
			 svmc_vreason_info(rt)->words);
	return -1;
}

static bool vec_ok(const struct svmc_compiled *c, enum svmc_check_id id, unsigned v)
{
	return !applies(c, id) || svmc_vector_valid(c, v);
}

static bool type_ok(const struct svmc_compiled *c, enum svmc_check_id id, unsigned t)
{
	return !applies(c, id) || svmc_type_valid(c, t);
}

static void note_model_or_feature(struct walk *w, bool from, bool to, int feat)
{
	if (!w->out || !(from && !to))
		return;
	if (feat >= 0)
		narrow_feature(w, (unsigned)feat);
	else
		w->out->narrow_model = true;
}

static void walk_vectors(struct walk *w, enum svmc_check_id id)
{
	for (unsigned v = 0; v < 256; v++) {
		bool a = vec_ok(w->f, id, v), b = vec_ok(w->t, id, v);
		struct svmc_vec_delta *d;
		enum svmc_vreason rf, rt;
		int feat;

		if (a == b)
			continue;
		count(w, a, b);
		if (!w->out)
			continue;
		rf = side_reason(w->f, id, w->f->vec_reason[v]);
		rt = side_reason(w->t, id, w->t->vec_reason[v]);
		d = &w->out->vec[w->out->nvec++];
		d->vector = (uint8_t)v;
		d->from = a;
		d->to = b;
		d->from_reason = (uint8_t)rf;
		d->to_reason = (uint8_t)rt;
		feat = reason_because(w, rf, rt, d->because, sizeof(d->because));
		note_model_or_feature(w, a, b, feat);
	}
}

static struct svmc_state_delta *new_state(struct walk *w, enum svmc_delta_kind kind,
					  enum svmc_check_id id, bool from, bool to)
{
	struct svmc_state_delta *s;

	count(w, from, to);
	if (!w->out || w->out->nstate >= SVMC_DIFF_MAX_STATE)
		return NULL;
	s = &w->out->state[w->out->nstate++];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->check = id;
	s->from = from;
	s->to = to;
	s->feature = -1;
	s->from_maxphyaddr = w->f->maxphyaddr;
	s->to_maxphyaddr = w->t->maxphyaddr;
	return s;
}

static void walk_types(struct walk *w, enum svmc_check_id id)
{
	for (unsigned t = 0; t < 8; t++) {
		bool a = type_ok(w->f, id, t), b = type_ok(w->t, id, t);
		struct svmc_state_delta *s;

		if (a == b)
			continue;
		s = new_state(w, SVMC_D_TYPE, id, a, b);
		if (!s)
			continue;
		s->bit = t;
		snprintf(s->what, sizeof(s->what), "EVENTINJ TYPE %u (%s)", t,
			 svmc_evtinj_type_name(t));
		s->feature = reason_because(w, side_reason(w->f, id, w->f->type_reason[t]),
					    side_reason(w->t, id, w->t->type_reason[t]), s->because,
					    sizeof(s->because));
		note_model_or_feature(w, a, b, s->feature);
	}
}

/* ---- CR4 and EFER -------------------------------------------------------- */

/* "needs la57, CPUID 7.0:ECX[16] (present)" for one side of a model difference. */
static void gate_side(const struct svmc_compiled *c, const struct svmc_gate *g, char *buf, size_t n)
{
	char d[120];

	svmc_gate_describe(g, d, sizeof(d));
	if (g->kind == SVMC_GATE_ALWAYS || g->kind == SVMC_GATE_RESERVED)
		snprintf(buf, n, "%s", d);
	else
		snprintf(buf, n, "%s (%s)", d,
			 svmc_gate_allows(g, &c->features) ? "met" : "not met");
}

static void walk_bits(struct walk *w, enum svmc_check_id id, enum svmc_delta_kind kind)
{
	bool cr4 = kind == SVMC_D_CR4;
	bool fa = applies(w->f, id), ta = applies(w->t, id);
	uint64_t af = fa ? (cr4 ? w->f->cr4_allowed : w->f->efer_allowed) : ~UINT64_C(0);
	uint64_t at = ta ? (cr4 ? w->t->cr4_allowed : w->t->efer_allowed) : ~UINT64_C(0);
	uint64_t x = af ^ at;

	for (unsigned bit = 0; bit < 64; bit++) {
		const struct svmc_gate *gf = cr4 ? &w->f->cr4_gate[bit] : &w->f->efer_gate[bit];
		const struct svmc_gate *gt = cr4 ? &w->t->cr4_gate[bit] : &w->t->efer_gate[bit];
		bool a = (af >> bit) & 1, b = (at >> bit) & 1;
		struct svmc_state_delta *s;
		const char *name;

		if (!((x >> bit) & 1))
			continue;
		s = new_state(w, kind, id, a, b);
		if (!s)
			continue;
		s->bit = bit;
		name = cr4 ? svmc_cr4_bit_name(bit) : svmc_efer_bit_name(bit);
		if (name)
			snprintf(s->what, sizeof(s->what), "%s.%s (bit %u)", cr4 ? "CR4" : "EFER",
				 name, bit);
		else
			snprintf(s->what, sizeof(s->what), "%s bit %u", cr4 ? "CR4" : "EFER", bit);

		if (fa && ta && memcmp(gf, gt, sizeof(*gf)) == 0 &&
		    (gf->kind == SVMC_GATE_FEATURE || gf->kind == SVMC_GATE_EITHER ||
		     gf->kind == SVMC_GATE_BOTH)) {
			/* same rule, different CPU: the feature(s) that differ */
			unsigned f1 = gf->feat, f2 = gf->feat2;
			bool d1 = has(w->f, f1) != has(w->t, f1);
			bool d2 = gf->kind != SVMC_GATE_FEATURE && has(w->f, f2) != has(w->t, f2);
			char one[128], two[128];

			if (d1 && d2) {
				feature_words(w->f, w->t, f1, one, sizeof(one));
				feature_words(w->f, w->t, f2, two, sizeof(two));
				snprintf(s->because, sizeof(s->because), "%s; %s", one, two);
			} else {
				feature_words(w->f, w->t, d1 ? f1 : f2, s->because,
					      sizeof(s->because));
			}
			s->feature = (int)(d1 ? f1 : f2);
			if (a && !b) {
				if (d1)
					narrow_feature(w, f1);
				if (d2)
					narrow_feature(w, f2);
			}
		} else if (fa && ta && memcmp(gf, gt, sizeof(*gf)) == 0 &&
			   gf->kind == SVMC_GATE_AND_NOT) {
			unsigned f1 = gf->feat, f2 = gf->feat2;
			bool d1 = has(w->f, f1) != has(w->t, f1);

			feature_words(w->f, w->t, d1 ? f1 : f2, s->because, sizeof(s->because));
			s->feature = (int)(d1 ? f1 : f2);
			if (a && !b && d1)
				narrow_feature(w, f1);
			else if (a && !b)
				w->out->narrow_host = true;
		} else if (!fa || !ta) {
			snprintf(s->because, sizeof(s->because), "model %s does not check %s",
				 (!fa ? w->f : w->t)->model->name, svmc_check_info(id)->name);
			if (a && !b)
				w->out->narrow_model = true;
		} else {
			char l[136], r[136];

			gate_side(w->f, gf, l, sizeof(l));
			gate_side(w->t, gt, r, sizeof(r));
			snprintf(s->because, sizeof(s->because),
				 "model %s on the source: %s; model %s on the destination: %s",
				 w->f->model->name, l, w->t->model->name, r);
			if (a && !b)
				w->out->narrow_model = true;
		}
	}
}

/* ---- addresses ----------------------------------------------------------- */

static unsigned lowbit(uint64_t x)
{
	return (unsigned)__builtin_ctzll(x);
}

static unsigned highbit(uint64_t x)
{
	return 63u - (unsigned)__builtin_clzll(x);
}

/* "bits 51:48" or "a bit of 0x6000000000000000". */
static void bits_words(uint64_t bits, char *buf, size_t n)
{
	unsigned lo = lowbit(bits), hi = highbit(bits);
	uint64_t span = (hi == 63 ? ~UINT64_C(0) : ((UINT64_C(1) << (hi + 1)) - 1)) &
			~((UINT64_C(1) << lo) - 1);

	if (span == bits && hi == lo)
		snprintf(buf, n, "bit %u", lo);
	else if (span == bits)
		snprintf(buf, n, "a bit of %u:%u", hi, lo);
	else
		snprintf(buf, n, "a bit of 0x%016llx", (unsigned long long)bits);
}

/* The CPUs' MAXPHYADDR narrows (not a model's own width, which no CPU setting moves). */
static bool cpu_narrows_maxphyaddr(const struct walk *w)
{
	return w->f->maxphyaddr > w->t->maxphyaddr && !w->f->model->maxphyaddr &&
	       !w->t->model->maxphyaddr;
}

/* Why an address limit moved, in words. */
static void addr_because(struct walk *w, enum svmc_check_id id, bool fa, bool ta, bool fnp,
			 bool tnp, char *buf, size_t n)
{
	const struct svmc_compiled *f = w->f, *t = w->t;
	size_t len = 0;

#define ADD(...)                                                                  \
	do {                                                                      \
		if (len < n)                                                      \
			len += (size_t)snprintf(buf + len, n - len, __VA_ARGS__); \
	} while (0)
	buf[0] = '\0';
	if (fa != ta) {
		ADD("model %s checks %s, model %s does not", (fa ? f : t)->model->name,
		    svmc_check_info(id)->name, (fa ? t : f)->model->name);
		return;
	}
	if (fnp != tnp) {
		ADD("NP_ENABLE honoured on the %s (npt present), ignored on the %s (npt absent)",
		    fnp ? "source" : "destination", fnp ? "destination" : "source");
		return;
	}
	if (f->maxphyaddr != t->maxphyaddr && !f->model->maxphyaddr && !t->model->maxphyaddr)
		ADD("MAXPHYADDR (CPUID 0x80000008:EAX[7:0]) %u on the source, %u on the destination",
		    f->maxphyaddr, t->maxphyaddr);
	else if (f->maxphyaddr != t->maxphyaddr)
		ADD("MAXPHYADDR %u on the source (%s), %u on the destination (%s)", f->maxphyaddr,
		    f->model->maxphyaddr ? "the model's own" : "CPUID 0x80000008:EAX[7:0]",
		    t->maxphyaddr,
		    t->model->maxphyaddr ? "the model's own" : "CPUID 0x80000008:EAX[7:0]");
	if ((svmc_check_rows[id].deps & SVMC_DEP_CR3) &&
	    ((f->cr3_rsvd ^ f->pa_rsvd) != (t->cr3_rsvd ^ t->pa_rsvd))) {
		char fw[128];
		feature_words(f, t, SVMC_FEAT_LAM, fw, sizeof(fw));
		ADD("%sCR3 bits 62:61 exempt with %s", len ? "; " : "", fw);
	}
	if (!len && f->model != t->model)
		ADD("model %s on the source, model %s on the destination", f->model->name,
		    t->model->name);
#undef ADD
}

/* A reserved-bit address check (CR3, nCR3): rf / rt are the rejecting masks. */
static void walk_mask(struct walk *w, enum svmc_check_id id, const char *what, uint64_t rf,
		      uint64_t rt, bool fa, bool ta, bool fnp, bool tnp)
{
	uint64_t sets[2] = { rt & ~rf, rf & ~rt }; /* narrowing, widening */

	for (int i = 0; i < 2; i++) {
		struct svmc_state_delta *s;
		char bw[48];

		if (!sets[i])
			continue;
		s = new_state(w, SVMC_D_ADDR, id, i == 0, i != 0);
		if (!s)
			continue;
		s->bits = sets[i];
		s->first = UINT64_C(1) << lowbit(sets[i]);
		bits_words(sets[i], bw, sizeof(bw));
		snprintf(s->what, sizeof(s->what), "%s with %s set", what, bw);
		addr_because(w, id, fa, ta, fnp, tnp, s->because, sizeof(s->because));
		if (i == 0 && fa == ta && fnp == tnp && cpu_narrows_maxphyaddr(w))
			w->out->narrow_maxphyaddr = true;
		else if (i == 0)
			w->out->narrow_model = true;
	}
}

/*
 * The lowest base that fails the range check of row id, from the first
 * address past MAXPHYADDR (2^N, computed modulo 2^64 so that MAXPHYADDR 64
 * gives 0): the map at base b covers [b, b + last] with b the base as given
 * (CTRL.MSRPM.RAW_RANGE) or its page (the others), so the first failing
 * base is 2^N - last, for a page base rounded up to its page.  Every base
 * above it fails too.  ~0 when none fails (a one-byte map at MAXPHYADDR 64).
 */
static uint64_t first_bad_base(const struct svmc_compiled *c, enum svmc_check_id id, uint64_t last)
{
	uint64_t limit = c->pa_rsvd ? UINT64_C(1) << lowbit(c->pa_rsvd) : 0; /* 0 stands for 2^64 */

	if (!limit && !last)
		return ~UINT64_C(0);
	if (id == SVMC_CHECK_CTRL_MSRPM_RAW_RANGE)
		return limit - last;
	return (limit - last + 0xfff) & ~UINT64_C(0xfff);
}

static void walk_range(struct walk *w, enum svmc_check_id id, uint64_t lf, uint64_t lt)
{
	const char *what = svmc_check_rows[id].state;
	bool fa = applies(w->f, id), ta = applies(w->t, id);
	/* "no limit" as the base one past the last page: nothing rejected */
	uint64_t bf = fa ? first_bad_base(w->f, id, lf) : ~UINT64_C(0);
	uint64_t bt = ta ? first_bad_base(w->t, id, lt) : ~UINT64_C(0);
	struct svmc_state_delta *s;
	bool narrows = bt < bf;
	char fsize[24], tsize[24];

	if (bf == bt)
		return;
	s = new_state(w, SVMC_D_ADDR, id, narrows, !narrows);
	if (!s)
		return;
	s->first = narrows ? bt : bf;
	svmc_map_size_words(lf, fsize, sizeof(fsize));
	svmc_map_size_words(lt, tsize, sizeof(tsize));
	if (!fa || !ta || lf == lt)
		snprintf(s->what, sizeof(s->what), "%s (%s) base at or above 0x%016llx", what,
			 fa ? fsize : tsize, (unsigned long long)s->first);
	else
		snprintf(s->what, sizeof(s->what), "%s (%s -> %s) base at or above 0x%016llx", what,
			 fsize, tsize, (unsigned long long)s->first);
	addr_because(w, id, fa, ta, true, true, s->because, sizeof(s->because));
	if (narrows && fa == ta && cpu_narrows_maxphyaddr(w))
		w->out->narrow_maxphyaddr = true;
	else if (narrows)
		w->out->narrow_model = true;
}

/* ---- one walker per dependency ------------------------------------------ */

/* A reserved-bit address check: CR3 (cr3_rsvd) or nCR3 (pa_rsvd, under NP). */
static void walk_cr3(struct walk *w, enum svmc_check_id id)
{
	bool fa = applies(w->f, id), ta = applies(w->t, id);

	walk_mask(w, id, svmc_check_rows[id].state, fa ? w->f->cr3_rsvd : 0,
		  ta ? w->t->cr3_rsvd : 0, fa, ta, true, true);
}

/*
 * Both sides honour NP and apply check id, but different nested_ctl bits
 * enable it (Bochs: any bit of the byte): a VMCB with only the bits of one
 * side has the check there alone.
 */
static void walk_np_bits(struct walk *w, enum svmc_check_id id)
{
	uint64_t fm = w->f->np_mask, tm = w->t->np_mask;
	uint64_t sets[2] = { tm & ~fm, fm & ~tm }; /* narrowing, widening */

	if (!applies(w->f, id) || !applies(w->t, id) || !fm || !tm)
		return;
	for (int i = 0; i < 2; i++) {
		struct svmc_state_delta *s;

		if (!sets[i])
			continue;
		s = new_state(w, SVMC_D_CHECK, id, i == 0, i != 0);
		if (!s)
			continue;
		snprintf(s->what, sizeof(s->what), "%s, with nested_ctl bits 0x%02llx",
			 svmc_check_rows[id].state, (unsigned long long)sets[i]);
		snprintf(
			s->because, sizeof(s->because),
			"NP is enabled by nested_ctl bits 0x%02llx under model %s, 0x%02llx under model %s",
			(unsigned long long)fm, w->f->model->name, (unsigned long long)tm,
			w->t->model->name);
		if (i == 0)
			w->out->narrow_model = true;
	}
}

static void walk_ncr3(struct walk *w, enum svmc_check_id id)
{
	bool fa = applies(w->f, id), ta = applies(w->t, id);
	bool fnp = w->f->np_mask != 0, tnp = w->t->np_mask != 0;

	walk_mask(w, id, svmc_check_rows[id].state, fa && fnp ? w->f->pa_rsvd : 0,
		  ta && tnp ? w->t->pa_rsvd : 0, fa, ta, fnp, tnp);
	walk_np_bits(w, id);
}

/* A physical address that must be legal whatever the mode (the nested-state vmcb_pa). */
static void walk_pa(struct walk *w, enum svmc_check_id id)
{
	bool fa = applies(w->f, id), ta = applies(w->t, id);

	walk_mask(w, id, svmc_check_rows[id].state, fa ? w->f->pa_rsvd : 0, ta ? w->t->pa_rsvd : 0,
		  fa, ta, true, true);
}

static void walk_msrpm(struct walk *w, enum svmc_check_id id)
{
	walk_range(w, id, w->f->msrpm_last, w->t->msrpm_last);
}

static void walk_iopm(struct walk *w, enum svmc_check_id id)
{
	walk_range(w, id, w->f->iopm_last, w->t->iopm_last);
}

/* A check that applies only under NP (G_PAT): checked, or not, on each side. */
static void walk_np(struct walk *w, enum svmc_check_id id)
{
	bool fnp = w->f->np_mask != 0, tnp = w->t->np_mask != 0;
	bool mf = applies(w->f, id), mt = applies(w->t, id);
	bool fa = mf && fnp, ta = mt && tnp;
	struct svmc_state_delta *s;

	walk_np_bits(w, id);
	if (fa == ta)
		return;
	s = new_state(w, SVMC_D_CHECK, id, !fa, !ta);
	if (!s)
		return;
	snprintf(s->what, sizeof(s->what), "%s", svmc_check_rows[id].state);
	addr_because(w, id, mf, mt, fnp, tnp, s->because, sizeof(s->because));
	if (!fa && ta)
		w->out->narrow_model = true;
}

static void walk_cr4(struct walk *w, enum svmc_check_id id)
{
	walk_bits(w, id, SVMC_D_CR4);
}

static void walk_efer(struct walk *w, enum svmc_check_id id)
{
	walk_bits(w, id, SVMC_D_EFER);
}

/* A check that depends on no compiled parameter: it differs only when one model applies it. */
static void walk_check(struct walk *w, enum svmc_check_id id)
{
	const struct svmc_check_info *info = svmc_check_info(id);
	bool fa = applies(w->f, id), ta = applies(w->t, id);
	struct svmc_state_delta *s;

	if (fa == ta)
		return;
	s = new_state(w, SVMC_D_CHECK, id, !fa, !ta);
	if (!s)
		return;
	snprintf(s->what, sizeof(s->what), "%s", info->rule);
	snprintf(s->because, sizeof(s->because), "model %s checks %s (APM %s), model %s does not",
		 (fa ? w->f : w->t)->model->name, info->name, info->apm,
		 (fa ? w->t : w->f)->model->name);
	if (ta)
		w->out->narrow_model = true;
}

/*
 * The walkers, in report order, each for the checks whose row depends on
 * exactly its parameters (struct svmc_check_row .deps).  A check whose
 * dependencies no walker knows is caught by walk_unknown() and by a unit
 * test; the soundness test (tests/unit/test_migrate_sound.c) replays random
 * VMCBs to prove the whole diff never misses a verdict that changes.
 */
static const struct walker {
	unsigned deps;
	void (*walk)(struct walk *w, enum svmc_check_id id);
} walkers[] = {
	{ SVMC_DEP_VECTORS, walk_vectors },
	{ SVMC_DEP_TYPES, walk_types },
	{ SVMC_DEP_CR4, walk_cr4 },
	{ SVMC_DEP_EFER, walk_efer },
	{ SVMC_DEP_CR3, walk_cr3 },
	{ SVMC_DEP_PA | SVMC_DEP_NP, walk_ncr3 },
	{ SVMC_DEP_PA, walk_pa },
	{ SVMC_DEP_PA | SVMC_DEP_MSRPM, walk_msrpm },
	{ SVMC_DEP_PA | SVMC_DEP_IOPM, walk_iopm },
	{ SVMC_DEP_NP, walk_np },
	{ 0, walk_check },
};
#define NWALKERS (sizeof(walkers) / sizeof(walkers[0]))

bool svmc_migrate_walks(unsigned deps)
{
	for (size_t i = 0; i < NWALKERS; i++)
		if (walkers[i].deps == deps)
			return true;
	return false;
}

/*
 * A check that depends on parameters no walker compares (a new row whose
 * walker was not written): whenever it is applied on one side only or the
 * class keys of the sides differ, its verdicts may move either way, so it
 * counts as both narrowing and widening: never a silent "identical".
 */
static void walk_unknown(struct walk *w, enum svmc_check_id id)
{
	const struct svmc_compiled *f = w->f, *t = w->t;
	struct svmc_state_delta *s;

	if (applies(f, id) == applies(t, id) && f->model == t->model &&
	    f->maxphyaddr == t->maxphyaddr &&
	    memcmp(&f->features, &t->features, sizeof(f->features)) == 0)
		return;
	count(w, true, false);
	s = new_state(w, SVMC_D_CHECK, id, false, true);
	if (!s)
		return;
	snprintf(s->what, sizeof(s->what), "%s", svmc_check_info(id)->rule);
	snprintf(s->because, sizeof(s->because),
		 "the models or CPUs differ in what %s depends on (not analysed in detail)",
		 svmc_check_info(id)->name);
	w->out->narrow_model = true;
}

static enum svmc_mresult walk(struct walk *w)
{
	svmc_checkset both = w->f->checks | w->t->checks;

	for (size_t i = 0; i < NWALKERS; i++)
		for (unsigned id = 0; id < SVMC_CHECK_COUNT; id++)
			if (((both >> id) & 1) && svmc_check_rows[id].deps == walkers[i].deps)
				walkers[i].walk(w, (enum svmc_check_id)id);
	for (unsigned id = 0; id < SVMC_CHECK_COUNT; id++)
		if (((both >> id) & 1) && !svmc_migrate_walks(svmc_check_rows[id].deps))
			walk_unknown(w, (enum svmc_check_id)id);
	if (w->narrowing && w->widening)
		return SVMC_MIG_INCOMPATIBLE;
	if (w->narrowing)
		return SVMC_MIG_SUBSET;
	if (w->widening)
		return SVMC_MIG_SUPERSET;
	return SVMC_MIG_IDENTICAL;
}

enum svmc_mresult svmc_migrate_diff(const struct svmc_compiled *from,
				    const struct svmc_compiled *to, struct svmc_diff *out)
{
	struct walk w = { from, to, out, 0, 0 };

	out->from = from;
	out->to = to;
	out->nvec = 0;
	out->nstate = 0;
	memset(&out->narrow_features, 0, sizeof(out->narrow_features));
	out->narrow_maxphyaddr = false;
	out->narrow_model = false;
	out->narrow_host = false;
	out->result = walk(&w);
	out->narrowing = w.narrowing;
	out->widening = w.widening;
	return out->result;
}

enum svmc_mresult svmc_migrate_result(const struct svmc_compiled *from,
				      const struct svmc_compiled *to)
{
	struct walk w = { from, to, NULL, 0, 0 };
	return walk(&w);
}

/* ---- classes -------------------------------------------------------------- */

void svmc_class_key(const struct svmc_compiled *c, struct svmc_class_key *k)
{
	unsigned deps = 0;

	/* exactly the parameters the model's checks depend on (their rows say which) */
	for (unsigned id = 0; id < SVMC_CHECK_COUNT; id++)
		if ((c->checks >> id) & 1)
			deps |= svmc_check_rows[id].deps;
	memset(k, 0, sizeof(*k));
	k->checks = c->checks;
	if (deps & SVMC_DEP_CR4)
		k->cr4_allowed = c->cr4_allowed;
	if (deps & SVMC_DEP_EFER)
		k->efer_allowed = c->efer_allowed;
	if (deps & SVMC_DEP_PA)
		k->pa_rsvd = c->pa_rsvd;
	if (deps & SVMC_DEP_CR3)
		k->cr3_rsvd = c->cr3_rsvd;
	if (deps & SVMC_DEP_MSRPM)
		k->msrpm_last = c->msrpm_last;
	if (deps & SVMC_DEP_IOPM)
		k->iopm_last = c->iopm_last;
	if (deps & SVMC_DEP_NP)
		k->np_mask = c->np_mask;
	if (deps & SVMC_DEP_VECTORS)
		memcpy(k->vec_valid, c->vec_valid, sizeof(k->vec_valid));
	if (deps & SVMC_DEP_TYPES)
		k->type_valid = c->type_valid;
}

uint64_t svmc_class_hash(const struct svmc_class_key *k)
{
	const unsigned char *p = (const unsigned char *)k;
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (size_t i = 0; i < sizeof(*k); i++) {
		h ^= p[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

bool svmc_class_equal(const struct svmc_class_key *a, const struct svmc_class_key *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}
