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
 * The compiled-model parameters a check's verdict depends on.  The migrate
 * diff compares exactly these between two compiled models, and the class
 * key holds exactly these, for the checks a model applies: a check that
 * names a parameter here can never be forgotten by either.
 */
enum svmc_dep {
	SVMC_DEP_CR4 = 1u << 0,     /* cr4_allowed (the CR4 gates give the reasons) */
	SVMC_DEP_EFER = 1u << 1,    /* efer_allowed (the EFER gates) */
	SVMC_DEP_TYPES = 1u << 2,   /* type_valid */
	SVMC_DEP_VECTORS = 1u << 3, /* vec_valid */
	SVMC_DEP_CR3 = 1u << 4,     /* cr3_rsvd */
	SVMC_DEP_PA = 1u << 5,      /* pa_rsvd */
	SVMC_DEP_NP = 1u << 6,      /* np_mask: NP_ENABLE honoured or ignored */
	SVMC_DEP_MSRPM = 1u << 7,   /* msrpm_last */
	SVMC_DEP_IOPM = 1u << 8,    /* iopm_last */
};

/* Every dependency above (a row naming another bit is a bug: test_migrate_sound). */
#define SVMC_DEP_ALL 0x1ffu

/* True if the migrate diff (src/migrate/diff.c) has a walker for exactly these deps. */
bool svmc_migrate_walks(unsigned deps);

/* The mask a row contributes to its fused term (enum svmc_fused_term). */
enum svmc_fmask {
	SVMC_FM_ALL,              /* all ones: the term's condition is tested */
	SVMC_FM_CONST,            /* the row's fconst */
	SVMC_FM_NOT_CR4_ALLOWED,  /* ~cr4_allowed */
	SVMC_FM_NOT_EFER_ALLOWED, /* ~efer_allowed */
	SVMC_FM_CR3_RSVD,         /* cr3_rsvd */
	SVMC_FM_PA_RSVD,          /* pa_rsvd */
};

/*
 * One check, whole: the public facts (APM section, rule, fields read, field
 * reported), what it depends on, how the fast path tests it, and its code.
 *   fails           the predicate, on a VMCB whose `fields` are all known
 *   passes_partial  optional: true if, from the fields that are known, the
 *                   check is already known to pass (its guard is off);
 *                   called only when some field is unknown
 *   msg             the sentence (without the "; WHO fails VMRUN ..." tail)
 *   state           for migrate: the VMCB state whose validity an address
 *                   limit moves ("long-mode CR3"); NULL where the rule says it
 *   after_checks    the implementation acts after its consistency checks
 *                   (KVM's late CR3 load): "fails the nested VMRUN"
 */
struct svmc_check_row {
	const char *apm;  /* "15.20"; "-" for implementation-only checks */
	const char *rule; /* one line */
	const char *state;
	bool (*fails)(const struct svmc_compiled *c, const struct svmc_vmcb *v);
	bool (*passes_partial)(const struct svmc_compiled *c, const struct svmc_record *r);
	int (*msg)(const struct svmc_compiled *c, const struct svmc_vmcb *v, char *buf, size_t n);
	/*
	 * A check of the nested-state header instead of the VMCB (fails and msg
	 * NULL): its predicate and sentence on the header, the members it reads
	 * (SVMC_NSK_*), the member it reports and its hex digits.  Only restore
	 * models (SVMC_MF_RESTORE) hold such rows.
	 */
	bool (*hdr_fails)(const struct svmc_compiled *c, const struct svmc_nstate *h);
	int (*hdr_msg)(const struct svmc_compiled *c, const struct svmc_nstate *h, char *buf,
		       size_t n);
	const char *hdr_path;
	/*
	 * The condition texts KVM's CC() macro prints when this check fails
	 * (kvm_nested_vmenter_failed, arch/x86/kvm/svm/nested.c of every era
	 * since 5.12), NULL-terminated; NULL for checks KVM does not trace.
	 */
	const char *const *kvm_cc;
	uint64_t fconst;
	enum svmc_field_id fields[SVMC_CHECK_MAX_FIELDS];
	unsigned nfields;
	enum svmc_field_id report;
	unsigned deps;      /* enum svmc_dep */
	uint8_t term;       /* enum svmc_fused_term */
	uint8_t fmask;      /* enum svmc_fmask */
	uint8_t hdr_need;   /* header checks: SVMC_NSK_* read */
	uint8_t hdr_digits; /* header checks: hex digits of the reported member */
	bool after_checks;
	/*
	 * Restore models: the check applies only when the header says guest
	 * mode (KVM_SET_NESTED_STATE returns 0 before it otherwise).  Every
	 * VMCB check of a restore model is so gated too.
	 */
	bool guest_mode_only;
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

/* The map [base, base + last] (base as given) has an address with a bit of rsvd set, or wraps. */
static inline bool svmc_range_bad_raw(uint64_t base, uint64_t last, uint64_t rsvd)
{
	uint64_t end = base + last;
	/* wrapping past 2^64 is past any MAXPHYADDR too */
	return ((base | end) & rsvd) != 0 || end < base;
}

/* The same for the map at base & ~0xfff (the page-masked base). */
static inline bool svmc_range_bad(uint64_t base, uint64_t last, uint64_t rsvd)
{
	return svmc_range_bad_raw(base & ~UINT64_C(0xfff), last, rsvd);
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

/* The size of a map whose last byte is at offset last: "12 KiB", "8 KiB and 1 byte", "1 byte". */
const char *svmc_map_size_words(uint64_t last, char *buf, size_t n);

/* The value a header check reports, from h (0 for other checks). */
uint64_t svmc_check_header_value(const struct svmc_nstate *h, enum svmc_check_id id);

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
