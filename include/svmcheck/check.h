/*
 * svmcheck/check.h - the VMRUN consistency-check engine: the check table,
 * the models (rows sets over it plus parameters), compiling a model for one
 * CPU, and evaluating records against the compiled form.
 *
 * Shape (a model is data; compile once, check many):
 *
 *   svmc_model_lookup("kvm")            a const table row, no code path
 *   svmc_compile(&c, model, cpu, &d)    once per (model, CPU): CR4/EFER
 *                                       allowed masks with a per-bit gate
 *                                       table, EVENTINJ TYPE and TYPE-3 vector
 *                                       tables, MAXPHYADDR address limits
 *   svmc_evaluate(&c, record, &res)     per record: no allocation, no global
 *                                       state, a few loads/ANDs per check
 *   svmc_check_message(&c, vmcb, id,..) the sentence for a failing check
 *
 * Check IDs (SAVE.EFER.SVME, CTRL.EVENTINJ.VECTOR, ..., KVM.LATE.CR3) are
 * public and stable: they appear in JSON output and scripts depend on them.  The enum order below is the
 * table order, not a model's order; each model carries its own order.
 * The enum numbering is internal: store and compare the ID strings.
 */
#ifndef SVMCHECK_CHECK_H
#define SVMCHECK_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svmcheck/cpu.h"
#include "svmcheck/error.h"
#include "svmcheck/record.h"
#include "svmcheck/vmcb.h"

/* ---- the check table ----------------------------------------------------- */

/*
 * X(ENUM, "ID"): every check, by its public ID.  Everything else about a
 * check (APM section, rule, the fields it reads, the field it reports, the
 * compiled-model parameters it depends on, its predicate, guard, message
 * and fast-path term) is ONE row of src/check/checks.c, indexed by the
 * enum; the fast path, the messages, the migrate diff and the class key are
 * derived from that row.
 */
/* the check list, one a line */
/* clang-format off */
#define SVMC_CHECKS(X) \
	X(SAVE_EFER_SVME, "SAVE.EFER.SVME") \
	X(SAVE_CR0_CD_NW, "SAVE.CR0.CD_NW") \
	X(SAVE_CR0_HIGH, "SAVE.CR0.HIGH") \
	X(SAVE_DR6_HIGH, "SAVE.DR6.HIGH") \
	X(SAVE_DR7_HIGH, "SAVE.DR7.HIGH") \
	X(SAVE_LM_PAE, "SAVE.LM.PAE") \
	X(SAVE_LM_PE, "SAVE.LM.PE") \
	X(SAVE_CR3_MBZ, "SAVE.CR3.MBZ") \
	X(SAVE_LM_CS_LD, "SAVE.LM.CS_LD") \
	X(SAVE_CR4_RSVD, "SAVE.CR4.RSVD") \
	X(SAVE_EFER_RSVD, "SAVE.EFER.RSVD") \
	X(CTRL_NP_GPAT, "CTRL.NP.GPAT") \
	X(CTRL_INTERCEPT_VMRUN, "CTRL.INTERCEPT.VMRUN") \
	X(CTRL_ASID_ZERO, "CTRL.ASID.ZERO") \
	X(CTRL_NP_NCR3, "CTRL.NP.NCR3") \
	X(CTRL_MSRPM_RANGE, "CTRL.MSRPM.RANGE") \
	X(CTRL_IOPM_RANGE, "CTRL.IOPM.RANGE") \
	X(CTRL_VNMI_NMI_INTERCEPT, "CTRL.VNMI.NMI_INTERCEPT") \
	X(CTRL_SEV_ALLOWED_FEATURES, "CTRL.SEV.ALLOWED_FEATURES") \
	X(CTRL_EVENTINJ_TYPE, "CTRL.EVENTINJ.TYPE") \
	X(CTRL_EVENTINJ_VECTOR, "CTRL.EVENTINJ.VECTOR") \
	X(KVM_LATE_CR3, "KVM.LATE.CR3") \
	X(NSTATE_FORMAT, "NSTATE.FORMAT") \
	X(NSTATE_FLAGS, "NSTATE.FLAGS") \
	X(NSTATE_VMCB_PA, "NSTATE.VMCB_PA") \
	X(NSTATE_SIZE, "NSTATE.SIZE") \
	X(NSTATE_L1_CR0_PG, "NSTATE.L1.CR0_PG") \
	X(NSTATE_L1_CR0_PE, "NSTATE.L1.CR0_PE") \
	X(NSTATE_L1_RFLAGS_VM, "NSTATE.L1.RFLAGS_VM") \
	X(SAVE_CR3_ANY_MODE, "SAVE.CR3.ANY_MODE") \
	X(SAVE_CR3_XEN, "SAVE.CR3.XEN") \
	X(SAVE_EFER_LMA_NO_LME, "SAVE.EFER.LMA_NO_LME") \
	X(CTRL_MSRPM_RAW_RANGE, "CTRL.MSRPM.RAW_RANGE") \
	X(CTRL_EVENTINJ_RSVD, "CTRL.EVENTINJ.RSVD") \
	X(SAVE_CS_LD_ANY, "SAVE.CS.LD_ANY") \
	X(SAVE_CR4_PCIDE_NOLM, "SAVE.CR4.PCIDE_NOLM")
/* clang-format on */

/* X-macro expansion: clang-format misreads it */
/* clang-format off */
enum svmc_check_id {
#define SVMC_X_CHECK_ENUM(e, id) SVMC_CHECK_##e,
	SVMC_CHECKS(SVMC_X_CHECK_ENUM)
#undef SVMC_X_CHECK_ENUM
	SVMC_CHECK_COUNT
};
/* clang-format on */
_Static_assert(SVMC_CHECK_COUNT <= 64, "check sets are one 64-bit word");

/* A set of checks: bit i = enum svmc_check_id i. */
typedef uint64_t svmc_checkset;
#define SVMC_CHECK_BIT(id) (UINT64_C(1) << (id))

#define SVMC_CHECK_MAX_FIELDS 4

/*
 * What the check table says about one check (static storage; never NULL).
 * The pointers come first so that the 4-byte members pack without holes.
 */
struct svmc_check_info {
	const char *name; /* "CTRL.EVENTINJ.VECTOR" */
	const char *apm;  /* "15.20"; "-" for implementation-only checks */
	const char *rule; /* one line */
	/* the field a failure is reported on (JSON "field"/"value"); path and
	 * digits are derived from the field table (a segment reports .attrib) */
	const char *field_path; /* "control.event_inj", "save.cs.attrib" */
	enum svmc_check_id id;
	unsigned nfields;
	enum svmc_field_id fields[SVMC_CHECK_MAX_FIELDS]; /* every field it may read */
	enum svmc_field_id report;
	unsigned field_digits; /* hex digits of the value: 2 x its width in bytes */
	/*
	 * Checks of a nested-state header (NSTATE.FORMAT, .FLAGS, .VMCB_PA,
	 * .SIZE) read no VMCB field (nfields 0): field_path names the header
	 * member ("nested_state.flags") and header_fields is the SVMC_NSK_*
	 * mask of the members they read; 0 for every other check.
	 */
	unsigned header_fields;
};

/*
 * Row of the check table; never NULL.  id must be < SVMC_CHECK_COUNT: an
 * out-of-range id is a caller bug, caught by assert() in debug builds; with
 * NDEBUG it is clamped to the last row (KVM.LATE.CR3) so that a release
 * build still returns valid static storage.
 */
const struct svmc_check_info *svmc_check_info(enum svmc_check_id id);

/* Check by its public ID string (exact); returns 0 and sets *out, or -1. */
int svmc_check_lookup(const char *name, enum svmc_check_id *out);

/*
 * The checks whose rows list [s, s+n) among the conditions KVM prints in
 * kvm_nested_vmenter_failed (its CC() texts, every era), compared without
 * blanks (a mail client may have wrapped the line): usually one check, two
 * for KVM's one EVENTINJ condition, 0 for a condition svmcheck does not
 * model (the PDPTE load, TLB_CONTROL, host NPT off, ...).
 */
svmc_checkset svmc_checks_for_kvm_cc(const char *s, size_t n);

/*
 * The check a trace record's kvm_nested_vmenter_failed line names
 * (svmcheck-json(5) "captured_check"): the one check its condition maps to
 * or, when KVM's condition covers several (EVENTINJ TYPE and VECTOR), the
 * one of them in `failed` (a verdict's failing checks, 0 if none); -1 when
 * there is none or several remain.
 */
int svmc_captured_check(const struct svmc_record *r, svmc_checkset failed);

/* ---- feature gates of CR4 and EFER bits (model data; messages, migrate) --- */

enum svmc_gate_kind {
	SVMC_GATE_RESERVED = 0, /* never allowed */
	SVMC_GATE_ALWAYS,       /* always allowed */
	SVMC_GATE_FEATURE,      /* allowed iff feat */
	SVMC_GATE_EITHER,       /* allowed iff feat or feat2 */
	SVMC_GATE_AND_NOT,      /* allowed iff feat and not feat2 (EFER.LMSLE) */
	SVMC_GATE_BOTH,         /* allowed iff feat and feat2 (Bochs: EFER.SVME needs lm) */
};

struct svmc_gate {
	uint8_t kind;  /* enum svmc_gate_kind */
	uint8_t feat;  /* enum svmc_feature */
	uint8_t feat2; /* enum svmc_feature */
};

/* True if g allows its bit on a CPU with features fs. */
bool svmc_gate_allows(const struct svmc_gate *g, const struct svmc_featset *fs);

/*
 * Describe g in words into buf: "always allowed", "always reserved",
 * "needs la57 (CPUID 7.0:ECX[16])", "needs shstk (CPUID 7.0:ECX[7]) or ibt
 * (CPUID 7.0:EDX[20])", "needs svm (CPUID 0x80000001:ECX[2]) and no
 * efer_lmsle_unsupported (CPUID 0x80000008:EBX[20])".  Returns buf.
 */
const char *svmc_gate_describe(const struct svmc_gate *g, char *buf, size_t n);

/* Where CPUID holds feature f (enum svmc_feature): "CPUID 1:ECX[5]",
 * "CPUID 7.0:ECX[7]", "CPUID 0x8000001F:EAX[3]" (a leaf with subleaves as
 * leaf.subleaf), into buf; returns buf. */
const char *svmc_feature_cpuid(unsigned f, char *buf, size_t n);

/* Names of CR4 / EFER bits ("LA57", "LMSLE"); NULL for unnamed bits. */
const char *svmc_cr4_bit_name(unsigned bit);
const char *svmc_efer_bit_name(unsigned bit);

/* ---- EVENTINJ validity reasons -------------------------------------------- */

enum svmc_vreason {
	SVMC_VR_ALWAYS,        /* valid on every CPU under this model */
	SVMC_VR_NEVER,         /* invalid on every CPU (Intel-only #VE) */
	SVMC_VR_SHSTK,         /* valid iff the CPU has shstk (#CP) */
	SVMC_VR_SEV_ES,        /* valid iff the CPU has sev_es (#VC) */
	SVMC_VR_SEV_SNP,       /* valid iff the CPU has sev_snp (#HV under apm) */
	SVMC_VR_RESERVED,      /* a reserved vector (9, 15, 22-27, 31) or TYPE (1, 5-7) */
	SVMC_VR_NOT_EXCEPTION, /* NMI (2) or >= 32: not an exception */
	SVMC_VR_KVM_V1_MASK,   /* decided by the kvm-v1 mask as written, unlike kvm */
	SVMC_VR_UNCHECKED,     /* the model does not check EVENTINJ (kvm-legacy) */
	SVMC_VR_COUNT
};

/*
 * What a reason means: the one table that maps a reason to its feature, its
 * validity and its words (compile, messages, migrate and `vectors` read it).
 */
struct svmc_vreason_info {
	const char *name;  /* JSON "because" value (stable): "shstk" */
	const char *words; /* for people: "valid iff shstk" */
	const char *needs; /* the feature in a message: "shadow stacks"; NULL if none */
	int feature;       /* enum svmc_feature that decides it, or -1 */
	bool valid;        /* the verdict when feature is -1 (KVM_V1_MASK: see the rule) */
};

/* Row of the reason table; never NULL (an out-of-range r gives a "?" row). */
const struct svmc_vreason_info *svmc_vreason_info(enum svmc_vreason r);

/* svmc_vreason_info(r)->name: "always", "never", "shstk", "sev_es", "sev_snp",
 * "reserved", "not_exception", "kvm_v1_mask", "unchecked". */
const char *svmc_vreason_name(enum svmc_vreason r);

/*
 * A model's EVENTINJ rule as data: a reason per TYPE and per exception
 * vector 0-31 (vectors 32-255 are never exceptions: SVMC_VR_NOT_EXCEPTION),
 * and where an implementation decides a vector by a literal mask rather
 * than by its reason (the first posted KVM patch), the verdict itself.
 */
#define SVMC_VEC_BY_REASON 0 /* vec_fixed: the reason decides */
#define SVMC_VEC_VALID 1     /* vec_fixed: valid whatever the CPU */
#define SVMC_VEC_INVALID 2   /* vec_fixed: invalid whatever the CPU */

struct svmc_eventinj_rule {
	uint8_t type_reason[8]; /* enum svmc_vreason per TYPE 0-7 */
	uint8_t vec_reason[32]; /* enum svmc_vreason per vector 0-31 */
	uint8_t vec_fixed[32];  /* SVMC_VEC_* per vector 0-31 */
};

/* ---- models -------------------------------------------------------------- */

/*
 * Model flags (sanitizing and variants); each one is read by svmc_compile().
 * What needs no flag: EVENTINJ bits 30:12 are ignored by every model
 * without CTRL.EVENTINJ.RSVD (Xen's) because no other check reads them,
 * and G_PAT is checked iff the model's check set holds CTRL.NP.GPAT.
 */
#define SVMC_MF_NP_NEEDS_NPT (1u << 0)   /* NP_ENABLE ignored unless the CPU has npt */
#define SVMC_MF_CR3_LAM_EXEMPT (1u << 2) /* CR3 bits 62:61 not checked if the CPU has lam */
/*
 * A restore model: KVM_SET_NESTED_STATE on a nested_state record rather than
 * VMRUN on a page.  Its header checks come first, every other check applies
 * only in guest mode (GUEST_MODE set), and its verdicts are RESTORED and
 * EINVAL.  Reached through the KVM model's `restore` member, never listed.
 */
#define SVMC_MF_RESTORE (1u << 3)
/* Any bit of nested_ctl's byte 0x90 enables NP (Bochs reads the byte into a bool) */
#define SVMC_MF_NP_ANY_BYTE (1u << 4)

/*
 * A model is data: a row set over the check table in its implementation's
 * order, the gate tables of its CR4 and EFER bits (64 entries each), its
 * EVENTINJ rule (NULL: EVENTINJ not checked, every TYPE and vector
 * accepted), flags and map sizes.  Adding a model is adding a row (and, if
 * it needs them, new gate or EVENTINJ tables) in src/check/models.c.
 */
struct svmc_model {
	const char *name;     /* "kvm" */
	const char *summary;  /* one line for listings */
	const char *actor;    /* who fails VMRUN, for messages: "KVM", "the CPU" */
	svmc_checkset checks; /* the rows it applies */
	const uint8_t *order; /* its checks in its implementation's order (for `first`) */
	const struct svmc_gate *cr4_gates, *efer_gates; /* 64 each */
	const struct svmc_eventinj_rule *eventinj;      /* NULL: unchecked */
	uint64_t msrpm_size, iopm_size;                 /* bytes covered by the range checks */
	/*
	 * KVM's models: what the same kernel does with a nested_state record
	 * (KVM_SET_NESTED_STATE), a model of the same name with SVMC_MF_RESTORE.
	 * NULL for the others: a nested_state record is N/A under them.
	 */
	const struct svmc_model *restore;
	unsigned norder; /* == popcount(checks) */
	unsigned flags;  /* SVMC_MF_* */
	/*
	 * 0: the CPU's MAXPHYADDR.  Else the implementation's own width, which
	 * its checks use whatever the CPU profile says (Bochs: the compile-time
	 * BX_PHY_ADDRESS_WIDTH, 40 in x86-64 builds).
	 */
	unsigned maxphyaddr;
};

/* Model by exact name ("kvm", "kvm-legacy", "kvm-v1", "apm", "qemu", "qemu-7.2", "bochs",
 * "xen"); NULL if unknown. */
const struct svmc_model *svmc_model_lookup(const char *name);
/* The default model (kvm). */
const struct svmc_model *svmc_model_default(void);
/* All models, in listing order: svmc_model_at(0..svmc_model_count()-1). */
size_t svmc_model_count(void);
const struct svmc_model *svmc_model_at(size_t i);
/* "kvm, kvm-legacy, kvm-v1, apm, ..." into buf (for usage errors); returns buf. */
const char *svmc_model_names(char *buf, size_t n);
/*
 * The model that judges a record of origin o when none is chosen: apm for a
 * hardware-run VMCB (the CPU judged it), kvm otherwise (a page is taken to
 * be a vmcb12, a trace shows a vmcb12 that KVM ran; a nested_state record
 * gets kvm's restore semantics).
 */
const struct svmc_model *svmc_model_for_origin(enum svmc_origin o);

static inline bool svmc_model_applies(const struct svmc_model *m, enum svmc_check_id id)
{
	return (m->checks >> id) & 1;
}

/* ---- compiling a model for a CPU ----------------------------------------- */

/*
 * The terms of the fast path's fused test (src/check/engine.c): each check
 * row names the term it feeds and the mask it contributes; svmc_compile()
 * ORs the masks of the model's checks into slot[], so a term is 0 when no
 * check of the model uses it.  A "_ONE" term names bits that must be 1, a
 * "_BAD" term bits that must be 0, the others are all ones (the condition
 * is tested) or 0.  A check with no term (SVMC_FT_NONE) sets `slow`, and
 * the fast path then runs the predicates: correct, only slower.
 */
/* clang-format off */
enum svmc_fused_term {
	SVMC_FT_NONE,
	SVMC_FT_EFER_ONE, SVMC_FT_EFER_BAD,  /* EFER & ~one / & bad */
	SVMC_FT_CR0_NW, SVMC_FT_CR0_BAD,     /* CR0.NW without CR0.CD; CR0 & bad */
	SVMC_FT_DR6_BAD, SVMC_FT_DR7_BAD,    /* DR6 / DR7 & bad */
	SVMC_FT_CR4_BAD,                     /* CR4 & bad */
	SVMC_FT_LM_CR4_ONE, SVMC_FT_LM_CR0_ONE, /* in long mode: bits that must be 1 */
	SVMC_FT_LM_CR3_BAD, SVMC_FT_LM_CS_LD,   /* in long mode: CR3 & bad; CS.L and CS.D */
	SVMC_FT_NLM_CR3_BAD,                 /* outside long mode: CR3 & bad */
	SVMC_FT_NP_NCR3_BAD, SVMC_FT_NP_GPAT, /* NP on: nCR3 & bad; a bad G_PAT entry */
	SVMC_FT_MISC2_ONE, SVMC_FT_ASID_ZERO, /* intercept_misc2 bits that must be 1; ASID 0 */
	SVMC_FT_MSRPM, SVMC_FT_IOPM,         /* a map past MAXPHYADDR */
	SVMC_FT_VNMI, SVMC_FT_SEV,           /* vNMI without the NMI intercept; SEV features */
	SVMC_FT_EVENTINJ,                    /* a (TYPE, vector) in evtinj_bad */
	SVMC_FT_COUNT
};
/* clang-format on */

struct svmc_fused {
	uint64_t need_known[SVMC_KNOWN_WORDS]; /* every field the model's checks read */
	uint64_t slot[SVMC_FT_COUNT];          /* enum svmc_fused_term */
	/* SVMC_FT_EVENTINJ: bit v%64 of [type][v/64] set = (type, v) fails */
	uint64_t evtinj_bad[8][4];
	bool slow; /* a check of the model has no term: always run the predicates */
	/* a restore model (SVMC_MF_RESTORE): always the reference path */
	bool slow_restore;
};

struct svmc_compiled {
	const struct svmc_model *model;
	svmc_checkset checks;         /* model->checks */
	struct svmc_featset features; /* the CPU's, copied */
	unsigned maxphyaddr;          /* 32..64 */
	char cpu_name[96];            /* the CPU's name, copied */

	/* CR4 and EFER: a set bit outside the allowed mask fails *.RSVD */
	uint64_t cr4_allowed, efer_allowed;
	struct svmc_gate cr4_gate[64], efer_gate[64]; /* the rule behind each bit */

	/* address limits: a physical address pa is legal iff (pa & pa_rsvd) == 0 */
	uint64_t pa_rsvd;               /* bits [63:MAXPHYADDR]; 0 when MAXPHYADDR is 64 */
	uint64_t cr3_rsvd;              /* pa_rsvd minus LAM bits 62:61 where exempt */
	uint64_t msrpm_last, iopm_last; /* size - 1 of each map */

	/* the nested_ctl bits that enable NP after sanitizing: SVM_NESTED_CTL_NP_ENABLE,
	 * 0xff (SVMC_MF_NP_ANY_BYTE) or 0 (ignored) */
	uint64_t np_mask;

	/* EVENTINJ: TYPE bit t set = valid; TYPE-3 vector bitmap; reasons */
	uint8_t type_valid;
	uint8_t type_reason[8];  /* enum svmc_vreason */
	uint64_t vec_valid[4];   /* bit v%64 of word v/64 set = vector v valid */
	uint8_t vec_reason[256]; /* enum svmc_vreason */

	/* per check: the fields it reads, as a known-mask (from its row) */
	uint64_t need[SVMC_CHECK_COUNT][SVMC_KNOWN_WORDS];

	struct svmc_fused fused; /* the fast path's masks (engine.c), from the above */
};

/*
 * Compile model m for cpu into *out (caller-owned; nothing is allocated and
 * nothing borrowed from cpu after return).  out is always filled completely.
 * Returns SVMC_OK, or SVMC_ERR_NOSVM (with d set, if not NULL) when the CPU
 * lacks svm: the compiled form is still usable, the caller decides whether
 * that is fatal.  SVMC_ERR_RANGE if cpu->maxphyaddr is outside 32..64
 * (clamped then).
 */
enum svmc_err svmc_compile(struct svmc_compiled *out, const struct svmc_model *m,
			   const struct svmc_cpu *cpu, struct svmc_diag *d);

static inline bool svmc_type_valid(const struct svmc_compiled *c, unsigned type)
{
	return (c->type_valid >> (type & 7)) & 1;
}
static inline bool svmc_vector_valid(const struct svmc_compiled *c, unsigned vector)
{
	return (c->vec_valid[(vector >> 6) & 3] >> (vector & 63)) & 1;
}

/* ---- evaluating a record ------------------------------------------------- */

/*
 * VMRUN models: VMRUN, VMEXIT_INVALID or INCOMPLETE.  Restore models
 * (nested_state records under KVM's models): RESTORED, EINVAL or INCOMPLETE.
 * N/A: a nested_state record under a model that is not KVM's.
 */
enum svmc_verdict {
	SVMC_VMRUN,
	SVMC_VMEXIT_INVALID,
	SVMC_INCOMPLETE,
	SVMC_RESTORED,
	SVMC_EINVAL,
	SVMC_NA,
};

/* "VMRUN", "VMEXIT_INVALID", "INCOMPLETE", "RESTORED", "EINVAL", "N/A". */
const char *svmc_verdict_name(enum svmc_verdict v);

/* A verdict that rejects the record (VMEXIT_INVALID, EINVAL): exit status 1. */
static inline bool svmc_verdict_rejects(enum svmc_verdict v)
{
	return v == SVMC_VMEXIT_INVALID || v == SVMC_EINVAL;
}

struct svmc_result {
	svmc_checkset failed;      /* every failing check */
	svmc_checkset unevaluated; /* checks that needed an unknown field */
	/* the compiled model that judged (messages are built against it); NULL for N/A */
	const struct svmc_compiled *comp;
	int first;                 /* failing check hit first in the model's order, -1 if none */
	enum svmc_verdict verdict; /* VMEXIT_INVALID (EINVAL) if any failed, else INCOMPLETE
				    * if any unevaluated, else VMRUN (RESTORED) */
};

/*
 * Run every check of c's model on r into *res.  A check runs only if every
 * field it reads is known in r->known; a check whose guard is known to be
 * off passes even if its other fields are unknown (CTRL.NP.NCR3 with NP
 * clear or ignored, the long-mode checks with EFER.LME or CR0.PG clear, the
 * SEV rule with SEV-ES clear, ...).  Pure: no allocation, no global state,
 * safe from many threads on one shared c.
 */
void svmc_evaluate(const struct svmc_compiled *c, const struct svmc_record *r,
		   struct svmc_result *res);

/* Iterate a result's failures in model order: for (i = 0; i < c->model->norder; i++). */
static inline bool svmc_result_failed(const struct svmc_result *res, enum svmc_check_id id)
{
	return (res->failed >> id) & 1;
}

/*
 * The sentence for check id on v, for a person: what the field holds, why it
 * is wrong on this model and CPU, and who fails VMRUN, e.g. "EVENTINJ
 * injects vector 21 (#CP) as an exception, but this CPU has no shadow stacks
 * (CPUID 7.0:ECX[7]); KVM fails VMRUN with VMEXIT_INVALID".  Meant for a
 * failing check (for a passing one it still describes the rule).  Writes at
 * most n bytes including the NUL (n may be 0); returns the length it wanted,
 * as snprintf.
 */
size_t svmc_check_message(const struct svmc_compiled *c, const struct svmc_vmcb *v,
			  enum svmc_check_id id, char *buf, size_t n);

/* The reported field's value in v (JSON "value"; format with info->field_digits). */
uint64_t svmc_check_value(const struct svmc_vmcb *v, enum svmc_check_id id);

/*
 * The same for a whole record: the header checks (NSTATE.FORMAT, .FLAGS,
 * .VMCB_PA, .SIZE) speak of r->nstate, the others of r->vmcb.  Prefer these
 * where a record is at hand.
 */
size_t svmc_record_message(const struct svmc_compiled *c, const struct svmc_record *r,
			   enum svmc_check_id id, char *buf, size_t n);
uint64_t svmc_record_check_value(const struct svmc_record *r, enum svmc_check_id id);

/*
 * svmc_record_message() without the "; WHO fails ..." tail: the reason
 * alone, for a failure that several models report (replay -m LIST names
 * them instead).
 */
size_t svmc_record_reason(const struct svmc_compiled *c, const struct svmc_record *r,
			  enum svmc_check_id id, char *buf, size_t n);

/* ---- judging a record for what it is ------------------------------------- */

/*
 * One model compiled for one CPU for every kind of record: VMRUN (pages and
 * hardware-run VMCBs) and, for KVM's models, KVM_SET_NESTED_STATE
 * (nested_state records).
 */
struct svmc_judge {
	const struct svmc_model *model;
	struct svmc_compiled vmrun;
	struct svmc_compiled restore; /* compiled iff model->restore */
};

/* svmc_compile() for both; same returns (the restore form's are the same). */
enum svmc_err svmc_judge_compile(struct svmc_judge *j, const struct svmc_model *m,
				 const struct svmc_cpu *cpu, struct svmc_diag *d);

/* The compiled form that judges r, or NULL when none applies (N/A). */
const struct svmc_compiled *svmc_judge_pick(const struct svmc_judge *j,
					    const struct svmc_record *r);

/* Judge r; a record no form applies to gets verdict N/A (comp NULL). */
void svmc_judge_evaluate(const struct svmc_judge *j, const struct svmc_record *r,
			 struct svmc_result *res);

/*
 * Several models at once.  With by_origin, one result per record, from the
 * judge its origin names (origin[o] indexes j[]); otherwise n results, one
 * per judge in order.
 */
#define SVMC_PANEL_MAX 16
struct svmc_panel {
	const struct svmc_judge *j[SVMC_PANEL_MAX];
	unsigned n;
	bool by_origin;
	uint8_t origin[SVMC_ORIGIN_COUNT];
};

/*
 * Set p to judge each record by the model its origin implies
 * (svmc_model_for_origin()), with judges[0..n): sets the .model of the
 * judges it uses, in the order the origins first need them (judges[0] is
 * the page model's), and leaves compiling them to the caller, for p->n
 * judges.  Returns p->n, or 0 when n is too small (p unusable).
 */
unsigned svmc_panel_by_origin(struct svmc_panel *p, struct svmc_judge *const *judges, unsigned n);

/* Judge r into res[0..k); returns k (1 with by_origin, else p->n). */
unsigned svmc_panel_evaluate(const struct svmc_panel *p, const struct svmc_record *r,
			     struct svmc_result *res);

/* The number of results per record: 1 with by_origin, else p->n. */
static inline unsigned svmc_panel_width(const struct svmc_panel *p)
{
	return p->by_origin ? 1 : p->n;
}

/* ---- Linux releases and the KVM model each runs (src/check/kernels.c) ---- */

/*
 * A row of the kernel table: the release series first..last (major.minor;
 * last_minor SVMC_KERNEL_ANY_MINOR = every minor of last_major) and the KVM
 * model a host running one of them is judged by, with the commits that
 * decide it and where that is written.  verified is false where a release
 * number is inferred rather than read from a source; note says what is not.
 */
#define SVMC_KERNEL_ANY_MINOR 0xffffu
struct svmc_kernel_row {
	unsigned first_major, first_minor, last_major, last_minor;
	const char *model;
	/* the series' commits (mainline = kvm-x86 ids) the row turns on; NULL-terminated */
	const char *commits[4];
	const char *source;
	bool verified;
	const char *note;
};

size_t svmc_kernel_count(void);
const struct svmc_kernel_row *svmc_kernel_at(size_t i);
/* "7.1-7.x", "7.0" or "5.11-6.x": the series a row covers. */
const char *svmc_kernel_series(const struct svmc_kernel_row *k, char *buf, size_t n);
/*
 * The row of a release ("6.15", "6.15.3", "6.12.20-1-amd64": anything after
 * a '-' is a distro's or an -rc suffix and ignored).  NULL with d set: not a
 * release (SVMC_ERR_USAGE), or one outside the table (SVMC_ERR_NOTFOUND,
 * naming the nearest rows).
 */
const struct svmc_kernel_row *svmc_kernel_lookup(const char *release, struct svmc_diag *d);
/* The newest row (what a KVM model means when no release is given). */
const struct svmc_kernel_row *svmc_kernel_newest(void);
/* The newest row that runs model m (NULL: none does, m is not KVM's). */
const struct svmc_kernel_row *svmc_kernel_newest_for(const struct svmc_model *m);

/* ---- the L1 view: what KVM offers an L1 guest that runs nested guests ---- */

/*
 * A feature KVM withholds from an L1 guest on an AMD host although the
 * silicon has it.  from_major.from_minor is the first release that offers
 * it (0.0: none does).  The rules are data (src/check/kernels.c), each with
 * the source it was read in; a rule whose release is not read in a source
 * says so (verified false) and the tools print its note when they use it.
 */
struct svmc_l1_rule {
	enum svmc_feature feature;
	unsigned from_major, from_minor; /* 0.0: never offered */
	bool verified;                   /* the release (for from rules) was read in a source */
	const char *why;                 /* "KVM never offers AVIC to a guest" */
	const char *source;              /* the function and file it was read in */
	const char *note;                /* what is not verified, or "" */
};

size_t svmc_l1_rule_count(void);
const struct svmc_l1_rule *svmc_l1_rule_at(size_t i);
/* True when kernel row k (NULL: the newest) withholds r's feature from an L1 guest. */
bool svmc_l1_rule_withholds(const struct svmc_l1_rule *r, const struct svmc_kernel_row *k);

/*
 * Is model m one of KVM's (kvm, kvm-legacy, kvm-v1, and their restore
 * forms)?  Their checks read the L1 guest's CPUID, so they take L1 views.
 */
bool svmc_model_is_kvm(const struct svmc_model *m);

/*
 * Turn c into the view an L1 guest has under the KVM of kernel row k (NULL:
 * the newest row): remove every feature a rule withholds on k.  A profile
 * that is already an L1 view (c->view "l1", e.g. captured from /dev/kvm by
 * KVM_GET_SUPPORTED_CPUID) keeps what its own kernel decided: only the
 * never-offered rules apply to it (a KVM that supports SEV reports the SEV
 * bits, but an SEV guest cannot run nested guests).  *removed (may be NULL)
 * gets the features taken away; c->view becomes "l1" unless c is a guest
 * model ("guest"), which keeps its view.
 */
void svmc_cpu_l1_view(struct svmc_cpu *c, const struct svmc_kernel_row *k,
		      struct svmc_featset *removed);

#endif /* SVMCHECK_CHECK_H */
