/*
 * svmcheck/cpu.h - CPU profiles: raw CPUID leaves, the features decoded from
 * them, MAXPHYADDR, and the CPU arguments that name them.
 *
 * A profile's raw leaves are the source of truth.  Features are decoded once
 * from them through the single table SVMC_FEATURES below (leaf, subleaf,
 * register, bit, Linux name, QEMU alias), each leaf gated on its range's
 * maximum leaf (out-of-range leaves return junk on Intel).  A guest CPU model (a QEMU named model)
 * may instead carry a feature list and a MAXPHYADDR without leaves.
 */
#ifndef SVMCHECK_CPU_H
#define SVMCHECK_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svmcheck/error.h"

enum svmc_reg { SVMC_EAX, SVMC_EBX, SVMC_ECX, SVMC_EDX };

/*
 * X(ID, name, qemu_alias, leaf, subleaf, reg, bit)
 * name is the lower-case Linux /proc/cpuinfo spelling where Linux has one;
 * qemu_alias is QEMU's spelling ("" when the same or none).
 */
/* the feature table, one row a line */
/* clang-format off */
#define SVMC_FEATURES(X) \
	/* leaf 1 EDX / ECX */ \
	X(VME, "vme", "", 0x00000001, 0, SVMC_EDX, 1) \
	X(DE, "de", "", 0x00000001, 0, SVMC_EDX, 2) \
	X(PSE, "pse", "", 0x00000001, 0, SVMC_EDX, 3) \
	X(TSC, "tsc", "", 0x00000001, 0, SVMC_EDX, 4) \
	X(PAE, "pae", "", 0x00000001, 0, SVMC_EDX, 6) \
	X(MCE, "mce", "", 0x00000001, 0, SVMC_EDX, 7) \
	X(PGE, "pge", "", 0x00000001, 0, SVMC_EDX, 13) \
	X(MCA, "mca", "", 0x00000001, 0, SVMC_EDX, 14) \
	X(FXSR, "fxsr", "", 0x00000001, 0, SVMC_EDX, 24) \
	X(SSE, "sse", "", 0x00000001, 0, SVMC_EDX, 25) \
	X(VMX, "vmx", "", 0x00000001, 0, SVMC_ECX, 5) \
	X(SMX, "smx", "", 0x00000001, 0, SVMC_ECX, 6) \
	X(PCID, "pcid", "", 0x00000001, 0, SVMC_ECX, 17) \
	X(XSAVE, "xsave", "", 0x00000001, 0, SVMC_ECX, 26) \
	X(HYPERVISOR, "hypervisor", "", 0x00000001, 0, SVMC_ECX, 31) \
	/* leaf 7.0 */ \
	X(FSGSBASE, "fsgsbase", "", 0x00000007, 0, SVMC_EBX, 0) \
	X(SMEP, "smep", "", 0x00000007, 0, SVMC_EBX, 7) \
	X(SMAP, "smap", "", 0x00000007, 0, SVMC_EBX, 20) \
	X(UMIP, "umip", "", 0x00000007, 0, SVMC_ECX, 2) \
	X(PKU, "pku", "", 0x00000007, 0, SVMC_ECX, 3) \
	X(SHSTK, "shstk", "cet-ss", 0x00000007, 0, SVMC_ECX, 7) \
	X(LA57, "la57", "", 0x00000007, 0, SVMC_ECX, 16) \
	X(KL, "kl", "", 0x00000007, 0, SVMC_ECX, 23) \
	X(PKS, "pks", "", 0x00000007, 0, SVMC_ECX, 31) \
	X(UINTR, "uintr", "", 0x00000007, 0, SVMC_EDX, 5) \
	X(IBT, "ibt", "cet-ibt", 0x00000007, 0, SVMC_EDX, 20) \
	/* leaf 7.1 */ \
	X(LASS, "lass", "", 0x00000007, 1, SVMC_EAX, 6) \
	X(FRED, "fred", "", 0x00000007, 1, SVMC_EAX, 17) \
	X(LAM, "lam", "", 0x00000007, 1, SVMC_EAX, 26) \
	/* 0x80000001 */ \
	X(SVM, "svm", "", 0x80000001, 0, SVMC_ECX, 2) \
	X(TCE, "tce", "", 0x80000001, 0, SVMC_ECX, 17) \
	X(SYSCALL, "syscall", "", 0x80000001, 0, SVMC_EDX, 11) \
	X(NX, "nx", "", 0x80000001, 0, SVMC_EDX, 20) \
	X(FXSR_OPT, "fxsr_opt", "ffxsr", 0x80000001, 0, SVMC_EDX, 25) \
	X(LM, "lm", "", 0x80000001, 0, SVMC_EDX, 29) \
	/* 0x80000008 EBX */ \
	X(MCOMMIT, "mcommit", "", 0x80000008, 0, SVMC_EBX, 8) \
	X(EFER_LMSLE_UNSUPPORTED, "efer_lmsle_unsupported", "", 0x80000008, 0, SVMC_EBX, 20) \
	/* 0x8000000A EDX: SVM sub-features */ \
	X(NPT, "npt", "", 0x8000000a, 0, SVMC_EDX, 0) \
	X(LBRV, "lbrv", "", 0x8000000a, 0, SVMC_EDX, 1) \
	X(SVM_LOCK, "svm_lock", "svm-lock", 0x8000000a, 0, SVMC_EDX, 2) \
	X(NRIP_SAVE, "nrip_save", "nrip-save", 0x8000000a, 0, SVMC_EDX, 3) \
	X(TSC_SCALE, "tsc_scale", "tsc-scale", 0x8000000a, 0, SVMC_EDX, 4) \
	X(VMCB_CLEAN, "vmcb_clean", "vmcb-clean", 0x8000000a, 0, SVMC_EDX, 5) \
	X(FLUSHBYASID, "flushbyasid", "", 0x8000000a, 0, SVMC_EDX, 6) \
	X(DECODEASSISTS, "decodeassists", "", 0x8000000a, 0, SVMC_EDX, 7) \
	X(PAUSEFILTER, "pausefilter", "pause-filter", 0x8000000a, 0, SVMC_EDX, 10) \
	X(PFTHRESHOLD, "pfthreshold", "", 0x8000000a, 0, SVMC_EDX, 12) \
	X(AVIC, "avic", "", 0x8000000a, 0, SVMC_EDX, 13) \
	X(V_VMSAVE_VMLOAD, "v_vmsave_vmload", "v-vmsave-vmload", 0x8000000a, 0, SVMC_EDX, 15) \
	X(VGIF, "vgif", "", 0x8000000a, 0, SVMC_EDX, 16) \
	X(X2AVIC, "x2avic", "", 0x8000000a, 0, SVMC_EDX, 18) \
	X(V_SPEC_CTRL, "v_spec_ctrl", "", 0x8000000a, 0, SVMC_EDX, 20) \
	X(VNMI, "vnmi", "", 0x8000000a, 0, SVMC_EDX, 25) \
	X(SVME_ADDR_CHK, "svme_addr_chk", "svme-addr-chk", 0x8000000a, 0, SVMC_EDX, 28) \
	/* 0x8000001F EAX: memory encryption */ \
	X(SME, "sme", "", 0x8000001f, 0, SVMC_EAX, 0) \
	X(SEV, "sev", "", 0x8000001f, 0, SVMC_EAX, 1) \
	X(SEV_ES, "sev_es", "sev-es", 0x8000001f, 0, SVMC_EAX, 3) \
	X(SEV_SNP, "sev_snp", "sev-snp", 0x8000001f, 0, SVMC_EAX, 4) \
	/* 0x80000021 EAX */ \
	X(UAIE, "uaie", "", 0x80000021, 0, SVMC_EAX, 7) \
	X(AUTOIBRS, "autoibrs", "auto-ibrs", 0x80000021, 0, SVMC_EAX, 8)
/* clang-format on */

/* X-macro expansion: clang-format misreads it */
/* clang-format off */
enum svmc_feature {
#define SVMC_X_FEAT_ENUM(id, name, qemu, leaf, sub, reg, bit) SVMC_FEAT_##id,
	SVMC_FEATURES(SVMC_X_FEAT_ENUM)
#undef SVMC_X_FEAT_ENUM
	SVMC_FEAT_COUNT
};
/* clang-format on */
_Static_assert(SVMC_FEAT_COUNT <= 128, "feature set is two 64-bit words");

struct svmc_feature_info {
	enum svmc_feature id;
	const char *name;
	const char *qemu; /* alias, "" if none */
	uint32_t leaf, subleaf;
	enum svmc_reg reg;
	unsigned bit;
};
extern const struct svmc_feature_info svmc_feature_table[SVMC_FEAT_COUNT];

/* Feature by Linux name or QEMU alias ('-' and '_' equal); NULL if unknown. */
const struct svmc_feature_info *svmc_feature_lookup(const char *name);

struct svmc_featset {
	uint64_t w[2];
};
static inline bool svmc_featset_has(const struct svmc_featset *s, enum svmc_feature f)
{
	return (s->w[f >> 6] >> (f & 63)) & 1;
}
static inline void svmc_featset_set(struct svmc_featset *s, enum svmc_feature f, bool on)
{
	if (on)
		s->w[f >> 6] |= UINT64_C(1) << (f & 63);
	else
		s->w[f >> 6] &= ~(UINT64_C(1) << (f & 63));
}

struct svmc_leaf {
	uint32_t leaf, subleaf;
	uint32_t reg[4]; /* EAX, EBX, ECX, EDX */
};

#define SVMC_MAXPHYADDR_DEFAULT 36
#define SVMC_MAXPHYADDR_MIN 32
#define SVMC_MAXPHYADDR_MAX 64
#define SVMC_CPU_MAX_LEAVES 512

enum svmc_cpu_source {
	SVMC_SRC_JSON,
	SVMC_SRC_LIBCPUID,
	SVMC_SRC_CPUID_R,
	SVMC_SRC_HOST,
	SVMC_SRC_MODEL,
	SVMC_SRC_CPUINFO, /* a feature list read from /proc/cpuinfo */
	SVMC_SRC_KVM      /* KVM_GET_SUPPORTED_CPUID of /dev/kvm: what KVM offers an L1 guest */
};

/* One CPU view.  Plain data: copy it with =. */
struct svmc_cpu {
	char name[96]; /* what the user called it (argument, bundled name) */
	char description[160];
	char vendor[16]; /* "AuthenticAMD" */
	char brand[64];
	unsigned family, model, stepping; /* display values */
	enum svmc_cpu_source source;
	bool has_leaves; /* false for a feature-list guest model */
	size_t nleaves;
	struct svmc_leaf leaves[SVMC_CPU_MAX_LEAVES];
	struct svmc_featset features; /* derived (plus modifiers) */
	unsigned maxphyaddr;          /* derived (plus modifiers) */
	char guest[96];               /* name of the composed guest model, "" if none */
	/*
	 * Whose view this is: "silicon" (what the CPU reports: the apm and emulator
	 * models judge against it), "l1" (what KVM offers an L1 guest on that host:
	 * captured from /dev/kvm, or made by svmc_cpu_l1_view()), "guest" (a guest
	 * CPU model, or a host composed with one), or "" when a file does not say.
	 */
	char view[16];
	/* ",+x,-y,maxphyaddr=N" modifiers applied by svmc_cpu_resolve(), "" if none */
	char modifiers[96];
};

static inline bool svmc_cpu_has(const struct svmc_cpu *c, enum svmc_feature f)
{
	return svmc_featset_has(&c->features, f);
}

/*
 * Decode features and MAXPHYADDR from c->leaves (gated on max leaves).
 * Fills vendor/family/model/stepping/brand from leaves 0, 1, 0x80000002-4
 * where present.
 */
void svmc_cpu_decode(struct svmc_cpu *c);

/* Raw leaf lookup (NULL if absent or above the range's maximum leaf). */
const struct svmc_leaf *svmc_cpu_leaf(const struct svmc_cpu *c, uint32_t leaf, uint32_t subleaf);

/*
 * Resolve a CPU argument: a path (JSON profile, libcpuid raw dump, cpuid -r
 * output), a bundled profile name, or "host", followed by modifiers
 * ",+FEATURE", ",-FEATURE", ",maxphyaddr=N".  Usage errors (unknown name or
 * feature, bad modifier, unreadable file) return a code with d->msg saying
 * what was wrong and listing close matches.
 */
enum svmc_err svmc_cpu_resolve(const char *arg, struct svmc_cpu *out, struct svmc_diag *d);

/*
 * Guest composition: host &= guest (a feature is present only where both
 * have it; MAXPHYADDR is the smaller).  Records guest->name in host->guest.
 */
void svmc_cpu_compose(struct svmc_cpu *host, const struct svmc_cpu *guest);

/* Read a profile file in any accepted format (format detected). */
enum svmc_err svmc_cpu_load_file(const char *path, struct svmc_cpu *out, struct svmc_diag *d);

/* Capture this host through libcpuid. */
enum svmc_err svmc_cpu_capture_host(struct svmc_cpu *out, struct svmc_diag *d);

/*
 * Capture what this host's KVM can offer an L1 guest: the leaves of
 * KVM_GET_SUPPORTED_CPUID on /dev/kvm (Linux on x86 only), source
 * SVMC_SRC_KVM, view "l1".  Works wherever /dev/kvm opens, also when that
 * view has no SVM (an Intel host, kvm_amd nested=0): the caller checks
 * SVMC_FEAT_SVM.  Errors (SVMC_ERR_IO: /dev/kvm missing or not openable,
 * the ioctl failing) say why in d, input "/dev/kvm".
 */
enum svmc_err svmc_cpu_capture_kvm(struct svmc_cpu *out, struct svmc_diag *d);

/* Most directories svmc_profile_path_set() keeps. */
#define SVMC_PROFILE_PATH_MAX 32

/*
 * Set the directories searched for bundled profiles (NAME.json), in search
 * order; replaces any earlier list, n = 0 clears it.  The library never
 * guesses a directory of its own: until this is called only profile files
 * given by path resolve.  The strings are copied (the caller keeps
 * ownership of dirs); empty entries are skipped.  Returns 0, or -1 when an
 * entry was dropped because more than SVMC_PROFILE_PATH_MAX directories or
 * more than SVMC_PROFILE_PATH_MAX * 512 bytes were given (the others are
 * kept).  Not thread-safe: call it before any thread resolves a profile.
 * A program installed with its profiles finds them with
 * `pkg-config --variable=profilesdir svmcheck`.
 */
int svmc_profile_path_set(const char *const *dirs, size_t n);

/*
 * The directories of svmc_profile_path_set() that exist now, in order:
 * calls fn for each until it returns non-zero, and returns that value (0
 * when every call returned 0).
 */
int svmc_profile_dirs(int (*fn)(const char *dir, void *arg), void *arg);

/* One-line meaning of a feature ("shadow stacks (CET_SS): #CP, CR4.CET"). Never NULL. */
const char *svmc_feature_desc(enum svmc_feature f);

/*
 * "json", "libcpuid", "cpuid-r", "host", "model", "cpuinfo", "kvm" (the profile "source"
 * values).
 */
const char *svmc_cpu_source_name(enum svmc_cpu_source s);

/*
 * True when c's source cannot show f and c does not have it: a CPU read
 * from /proc/cpuinfo, whose "flags" never list some features (shstk,
 * svme_addr_chk, ...).  Such a feature is absent from c's feature set, but
 * unknown: what depends on it must say so rather than judge it absent.
 */
bool svmc_cpu_feature_unknown(const struct svmc_cpu *c, enum svmc_feature f);

/*
 * The i-th versioned QEMU model name svmcheck knows ("EPYC-Rome-v4"), NULL
 * past the last; each resolves as a CPU argument.
 */
const char *svmc_qemu_model_name(size_t i);

/* Zero c: no leaves, no features, MAXPHYADDR 36. */
void svmc_cpu_init(struct svmc_cpu *c);

/*
 * Append one leaf to c (a reader's helper).  An identical duplicate is
 * accepted; a differing one is SVMC_ERR_CONFLICT, a full table SVMC_ERR_LIMIT.
 */
enum svmc_err svmc_cpu_add_leaf(struct svmc_cpu *c, uint32_t leaf, uint32_t subleaf,
				const uint32_t reg[4], struct svmc_diag *d);

/*
 * Apply modifiers "+FEATURE", "-FEATURE", "maxphyaddr=N" separated by commas
 * (no leading comma) to c.  Usage errors name the modifier and list close
 * feature names.
 */
enum svmc_err svmc_cpu_apply_modifiers(struct svmc_cpu *c, const char *mods, struct svmc_diag *d);

/*
 * Find bundled profile NAME (NAME.json in svmc_profile_dirs()); writes the
 * path into buf.  Returns false when no directory has it.
 */
bool svmc_profile_find(const char *name, char *buf, size_t n);

/*
 * Write into buf (size n) up to `max` known names close to `word`
 * (bundled profile names when profiles is true, else feature names),
 * comma-separated; "" when none is close.
 */
void svmc_close_matches(const char *word, bool profiles, char *buf, size_t n, unsigned max);

/* Write c as an svmcheck JSON profile (schema svmcheck/profile v1) to path, atomically. */
enum svmc_err svmc_cpu_save_json(const struct svmc_cpu *c, const char *path, struct svmc_diag *d);

#endif /* SVMCHECK_CPU_H */
