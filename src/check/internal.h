/*
 * internal.h - what the engine's own files share and nobody else needs: the
 * executable half of each check-table row (predicate, guard, message) and
 * small helpers for messages.  The public half is in svmcheck/check.h.
 */
#ifndef SVMCHECK_CHECK_INTERNAL_H
#define SVMCHECK_CHECK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svmcheck/check.h"
#include "vmcb/svm_bits.h"

/*
 * The executable half of a row.
 *   need   the fields the predicate reads, as a known-mask (record.h words)
 *   fails  the predicate, on a VMCB whose `need` fields are all known
 *   passes_partial  optional: true if, from the fields that are known, the
 *          check is already known to pass (its guard is off); called only
 *          when some `need` field is unknown
 *   msg    the sentence (without the "; WHO fails VMRUN ..." tail)
 */
struct svmc_check_row {
	uint64_t need[SVMC_KNOWN_WORDS];
	bool (*fails)(const struct svmc_compiled *c, const struct svmc_vmcb *v);
	bool (*passes_partial)(const struct svmc_compiled *c, const struct svmc_record *r);
	int (*msg)(const struct svmc_compiled *c, const struct svmc_vmcb *v, char *buf, size_t n);
};

extern const struct svmc_check_row svmc_check_rows[SVMC_CHECK_COUNT];

/*
 * Predicates that both the check table (checks.c) and the fused test of the
 * fast path (engine.c) use, so that the two cannot drift apart.
 */

/* EFER.LME and CR0.PG both set. */
static inline bool svmc_long_mode(const struct svmc_vmcb *v)
{
	return (v->save.efer & EFER_LME) && (v->save.cr0 & CR0_PG);
}

/* CS.L and CS.D both set. */
static inline bool svmc_cs_l_and_d(const struct svmc_vmcb *v)
{
	const uint16_t ld = SVM_SELECTOR_L_MASK | SVM_SELECTOR_DB_MASK;
	return (v->save.cs.attrib & ld) == ld;
}

/* A G_PAT entry (byte) is bad if bits 7:3 are set or its type is 2 or 3. */
static inline bool svmc_gpat_bad(uint64_t pat)
{
	const uint64_t ones = UINT64_C(0x0101010101010101);
	return (pat & (ones * 0xf8)) != 0 || (((pat >> 1) & ~(pat >> 2)) & ones) != 0;
}

/* The map [base & ~0xfff, that + last] has an address with a bit of rsvd set, or wraps. */
static inline bool svmc_range_bad(uint64_t base, uint64_t last, uint64_t rsvd)
{
	uint64_t b = base & ~UINT64_C(0xfff);
	uint64_t end = b + last;
	/* wrapping past 2^64 is past any MAXPHYADDR too */
	return ((b | end) & rsvd) != 0 || end < b;
}

/* V_NMI_ENABLE set and NMIs not intercepted. */
static inline bool svmc_vnmi_bad(const struct svmc_vmcb *v)
{
	return (v->control.int_ctl & V_NMI_ENABLE_MASK) &&
	       !(v->control.intercept_misc1 & INTERCEPT1_NMI);
}

/* Guest SEV features that allowed_sev_features does not allow (bit 63 aside). */
static inline uint64_t svmc_sev_disallowed(const struct svmc_vmcb *v)
{
	return v->control.guest_sev_features & ~v->control.allowed_sev_features &
	       ~VMCB_ALLOWED_SEV_FEATURES_VALID;
}

/* SEV-ES on, allowed_sev_features valid, and a guest feature disallowed. */
static inline bool svmc_sev_bad(const struct svmc_vmcb *v)
{
	return (v->control.nested_ctl & SVM_NESTED_CTL_SEV_ES_ENABLE) &&
	       (v->control.allowed_sev_features & VMCB_ALLOWED_SEV_FEATURES_VALID) &&
	       svmc_sev_disallowed(v);
}

/* ---- the engine (engine.c) ------------------------------------------------ */

/* Fill c->fused from the rest of *c (called last by svmc_compile()). */
void svmc_fused_compile(struct svmc_compiled *c);

/*
 * The fused test: 0 if every check of c's model passes on v, nonzero if one
 * fails.  Meaningful only when every field in c->fused.need_known is known.
 */
uint64_t svmc_fused_fails(const struct svmc_compiled *c, const struct svmc_vmcb *v);

/*
 * The reference evaluation: per check of the model, in order, a known-mask
 * test and the row's predicate or guard.  svmc_evaluate() gives the same
 * result faster; tests compare the two.
 */
void svmc_evaluate_reference(const struct svmc_compiled *c, const struct svmc_record *r,
			     struct svmc_result *res);

#endif
