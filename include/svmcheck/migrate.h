/*
 * svmcheck/migrate.h - what changes VMRUN validity between two compiled
 * models, and the fleet
 * matrix that groups CPUs whose compiled models are identical into classes.
 *
 * A diff compares two struct svmc_compiled, never sample VMCBs: the TYPE-3
 * vector bitmaps and the TYPE table (XOR), the CR4 and EFER allowed masks
 * (XOR, each side's gate for the reason), the address limits of CR3, nCR3,
 * MSRPM and IOPM (the first address whose verdict changes), NP_ENABLE
 * honoured or ignored, and the checks one model applies and the other does
 * not.  Every difference has a direction: accepted on the source and
 * rejected on the destination narrows (a nested guest can break), the
 * reverse widens.  The result takes the four values of QEMU's QMP query-cpu-model-comparison.
 */
#ifndef SVMCHECK_MIGRATE_H
#define SVMCHECK_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svmcheck/check.h"

enum svmc_mresult {
	SVMC_MIG_IDENTICAL,    /* no VMCB state changes verdict */
	SVMC_MIG_SUPERSET,     /* the destination accepts all the source accepts, and more */
	SVMC_MIG_SUBSET,       /* the destination rejects something the source accepts */
	SVMC_MIG_INCOMPATIBLE, /* both */
};

/* "identical", "superset", "subset", "incompatible" (stable JSON values). */
const char *svmc_mresult_name(enum svmc_mresult r);

/* One TYPE-3 vector whose validity differs. */
struct svmc_vec_delta {
	uint8_t vector;
	bool from, to;       /* valid on that side */
	uint8_t from_reason; /* enum svmc_vreason on the source */
	uint8_t to_reason;   /* enum svmc_vreason on the destination */
	char because[160];   /* "shstk: CPUID 7.0:ECX[7] present on the source, absent on ..." */
};

enum svmc_delta_kind {
	SVMC_D_CR4,   /* a CR4 bit allowed on one side, reserved on the other */
	SVMC_D_EFER,  /* an EFER bit */
	SVMC_D_TYPE,  /* an EVENTINJ TYPE */
	SVMC_D_ADDR,  /* an address limit (CR3, nCR3, MSRPM, IOPM) */
	SVMC_D_CHECK, /* a check one model applies and the other does not */
};

/* One other VMCB state whose validity differs. */
struct svmc_state_delta {
	enum svmc_delta_kind kind;
	enum svmc_check_id check; /* the check whose verdict moves */
	unsigned bit;             /* CR4/EFER bit or EVENTINJ TYPE */
	bool from, to;            /* the state is accepted on that side */
	uint64_t first;           /* SVMC_D_ADDR: the lowest address whose verdict changes */
	uint64_t bits;            /* SVMC_D_ADDR (CR3, nCR3): the address bits that changed */
	unsigned from_maxphyaddr, to_maxphyaddr;
	int feature;   /* enum svmc_feature behind it, -1 if a model rule or MAXPHYADDR */
	char what[96]; /* "CR4.LA57 (bit 12)" */
	char because[384];
};

#define SVMC_DIFF_MAX_STATE 224

struct svmc_diff {
	const struct svmc_compiled *from, *to;
	enum svmc_mresult result;
	unsigned narrowing, widening; /* differences in each direction */
	unsigned nvec;
	struct svmc_vec_delta vec[256];
	unsigned nstate;
	struct svmc_state_delta state[SVMC_DIFF_MAX_STATE];
	/* features present on the source and absent on the destination behind a
	 * narrowing difference (the "pin it off" advice) */
	struct svmc_featset narrow_features;
	bool narrow_maxphyaddr; /* a smaller MAXPHYADDR narrows */
	bool narrow_model;      /* a model rule narrows */
	bool narrow_host;       /* a host property narrows (EFER.LMSLE and EferLmsleUnsupported) */
};

/*
 * Compare two compiled models into *out (caller-owned, about 100 KiB: keep it
 * off small stacks).  from and to are borrowed and must outlive *out.
 * Pure: no allocation, no global state.  Returns out->result.
 */
enum svmc_mresult svmc_migrate_diff(const struct svmc_compiled *from,
				    const struct svmc_compiled *to, struct svmc_diff *out);

/*
 * The result of svmc_migrate_diff(from, to) without the details (no text is
 * formatted): what the matrix computes per pair of classes.  Always equal to
 * svmc_migrate_diff()'s result for the same pair.
 */
enum svmc_mresult svmc_migrate_result(const struct svmc_compiled *from,
				      const struct svmc_compiled *to);

/*
 * Exit status for a result (svmcheck-migrate(1) EXIT STATUS): 0 for identical or superset
 * (only identical when strict), else 1.
 */
static inline int svmc_mresult_status(enum svmc_mresult r, bool strict)
{
	if (r == SVMC_MIG_IDENTICAL)
		return 0;
	return (r == SVMC_MIG_SUPERSET && !strict) ? 0 : 1;
}

/* ---- classes -------------------------------------------------------------- */

/*
 * The bytes of a compiled model that decide verdicts: the check set, the
 * CR4/EFER allowed masks, the address limits, NP_ENABLE after sanitizing,
 * the TYPE table and the vector bitmap.  Two CPUs whose keys are equal get
 * the same verdict on every VMCB under the model, so they form one class.
 */
struct svmc_class_key {
	uint64_t checks;
	uint64_t cr4_allowed, efer_allowed;
	uint64_t pa_rsvd, cr3_rsvd;
	uint64_t msrpm_last, iopm_last;
	uint64_t np_mask;
	uint64_t vec_valid[4];
	uint64_t type_valid;
};

/* Fill *k from c (every byte written, padding-free). */
void svmc_class_key(const struct svmc_compiled *c, struct svmc_class_key *k);
/* 64-bit FNV-1a of the key's bytes. */
uint64_t svmc_class_hash(const struct svmc_class_key *k);
/* True if a and b are the same key (exact comparison, after a hash match). */
bool svmc_class_equal(const struct svmc_class_key *a, const struct svmc_class_key *b);

/*
 * A growing set of classes of one model: each class is one compiled model
 * (the first CPU met in it) and its key; a hash index finds a key's class in
 * constant time, so a fleet costs its distinct classes, not its hosts.
 */
struct svmc_class {
	struct svmc_class_key key;
	uint64_t hash;
	struct svmc_compiled comp; /* the first member's */
	size_t members;            /* CPUs added to it */
};

struct svmc_classes {
	struct svmc_class *v;
	size_t n, cap;
	size_t *index;    /* open addressing: class index + 1, 0 = empty */
	size_t index_cap; /* a power of two, > 2 n */
};

/* An empty set (nothing allocated until the first add). */
void svmc_classes_init(struct svmc_classes *t);
void svmc_classes_free(struct svmc_classes *t);
/*
 * Put compiled model c into its class (a new one if no class has its key);
 * *idx receives the class index (0-based, in order of first appearance).
 * Returns SVMC_OK or SVMC_ERR_NOMEM.
 */
enum svmc_err svmc_classes_add(struct svmc_classes *t, const struct svmc_compiled *c, size_t *idx);

#endif /* SVMCHECK_MIGRATE_H */
