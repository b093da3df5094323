/*
 * models.c - the models of spec/README.md section 2 as data: each one a row
 * set over the check table (in its implementation's order, which `first`
 * follows) plus parameters.  Adding a model (qemu, xen, bochs) is adding a
 * row here, never a branch in a predicate.
 */
#include <stdio.h>
#include <string.h>

#include "check/internal.h"

/* ---- gate tables ---------------------------------------------------------- */

#define R                                \
	{                                \
		SVMC_GATE_RESERVED, 0, 0 \
	}
#define A                              \
	{                              \
		SVMC_GATE_ALWAYS, 0, 0 \
	}
#define G(f)                                        \
	{                                           \
		SVMC_GATE_FEATURE, SVMC_FEAT_##f, 0 \
	}
#define G2(f, g)                                               \
	{                                                      \
		SVMC_GATE_EITHER, SVMC_FEAT_##f, SVMC_FEAT_##g \
	}
#define GN(f, g)                                                \
	{                                                       \
		SVMC_GATE_AND_NOT, SVMC_FEAT_##f, SVMC_FEAT_##g \
	}

/*
 * CR4 under KVM (arch/x86/kvm/x86.h __cr4_reserved_bits(), read against the
 * L1 guest's CPUID): VMXE is always reserved on AMD and FRED is reserved
 * (KVM's nested SVM offers neither); KL, PKS, UINTR, LASS are reserved.
 */
/* clang-format off */
static const struct svmc_gate cr4_kvm[64] = {
	[0] = A, [1] = A, [2] = A, [3] = A, [4] = A, [5] = A, [6] = A, [7] = A, [8] = A, [9] = A, [10] = A,
	[11] = G(UMIP), [12] = G(LA57), [13] = R, [14] = R, [16] = G(FSGSBASE), [17] = G(PCID),
	[18] = G(XSAVE), [19] = R, [20] = G(SMEP), [21] = G(SMAP), [22] = G(PKU), [23] = G2(SHSTK, IBT),
	[24] = R, [25] = R, [27] = R, [28] = G(LAM), [32] = R,
};
/* clang-format on */

/* CR4 by the architecture: each bit exists iff its CPUID feature does (AMD APM
 * vol. 2 section 3.1.3 and the feature's CPUID bit). */
/* clang-format off */
static const struct svmc_gate cr4_arch[64] = {
	[0] = G(VME), [1] = G(VME), [2] = G(TSC), [3] = G(DE), [4] = G(PSE), [5] = G(PAE), [6] = G(MCE),
	[7] = G(PGE), [8] = A, [9] = G(FXSR), [10] = G(SSE), [11] = G(UMIP), [12] = G(LA57), [13] = G(VMX),
	[14] = G(SMX), [16] = G(FSGSBASE), [17] = G(PCID), [18] = G(XSAVE), [19] = G(KL), [20] = G(SMEP),
	[21] = G(SMAP), [22] = G(PKU), [23] = G2(SHSTK, IBT), [24] = G(PKS), [25] = G(UINTR), [27] = G(LASS),
	[28] = G(LAM), [32] = G(FRED),
};
/* clang-format on */

/*
 * EFER under KVM (arch/x86/kvm/x86.c kvm_valid_efer() and the efer_reserved
 * bits KVM clears per feature): SCE always; LME/LMA lm; NXE nx; SVME svm;
 * LMSLE iff svm and not efer_lmsle_unsupported; FFXSR fxsr_opt; TCE
 * reserved; AUTOIBRS autoibrs; everything else reserved.
 */
/* clang-format off */
static const struct svmc_gate efer_kvm[64] = {
	[0] = A, [8] = G(LM), [10] = G(LM), [11] = G(NX), [12] = G(SVM),
	[13] = GN(SVM, EFER_LMSLE_UNSUPPORTED), [14] = G(FXSR_OPT), [21] = G(AUTOIBRS),
};
/* clang-format on */

/*
 * EFER by the architecture (AMD APM vol. 2 section 3.1.7): each bit exists
 * iff its CPUID feature does: MCOMMIT 0x80000008 EBX[8], UAIE 0x80000021
 * EAX[7], AUTOIBRS EAX[8]; INTWB reserved.  LMSLE exists unless
 * EferLmsleUnsupported (on an SVM CPU, which apm requires anyway).
 */
/* clang-format off */
static const struct svmc_gate efer_arch[64] = {
	[0] = G(SYSCALL), [8] = G(LM), [10] = G(LM), [11] = G(NX), [12] = G(SVM),
	[13] = GN(SVM, EFER_LMSLE_UNSUPPORTED), [14] = G(FXSR_OPT), [15] = G(TCE), [17] = G(MCOMMIT),
	[20] = G(UAIE), [21] = G(AUTOIBRS),
};
/* clang-format on */

#undef R
#undef A
#undef G
#undef G2
#undef GN

/* ---- EVENTINJ rules ------------------------------------------------------- */

/* reason shorthands for the tables, one vector a cell */
#define A SVMC_VR_ALWAYS
#define N SVMC_VR_NEVER
#define RSV SVMC_VR_RESERVED
#define NX SVMC_VR_NOT_EXCEPTION
#define CP SVMC_VR_SHSTK
#define VC SVMC_VR_SEV_ES
#define HV SVMC_VR_SEV_SNP
#define V1 SVMC_VR_KVM_V1_MASK
/* TYPE 0 INTR, 2 NMI, 3 exception, 4 software interrupt exist; 1, 5-7 are reserved */
#define TYPES                                  \
	{                                      \
		A, RSV, A, A, A, RSV, RSV, RSV \
	}

/*
 * The merged KVM rule (nested_vmcb_check_controls(), 2026): TYPE 3 needs an
 * exception vector: NMI (2), 32-255 and the reserved vectors 9, 15, 22-27, 31
 * fail, #VE (20) never exists on AMD, #CP (21) needs shadow stacks and #VC
 * (29) SEV-ES in the guest's CPUID.
 */
/* clang-format off */
static const struct svmc_eventinj_rule kvm_eventinj = {
	.type_reason = TYPES,
	.vec_reason = {
		A, A, NX, A, A, A, A, A, A, RSV, A, A, A, A, A, RSV,	/* 0-15 */
		A, A, A, A, N, CP, RSV, RSV, RSV, RSV, RSV, RSV, A, VC, A, RSV, /* 16-31 */
	},
};

/* The architecture (AMD APM vol. 2 section 15.20, table 8-1): as KVM, and #HV (28) needs SEV-SNP. */
static const struct svmc_eventinj_rule apm_eventinj = {
	.type_reason = TYPES,
	.vec_reason = {
		A, A, NX, A, A, A, A, A, A, RSV, A, A, A, A, A, RSV,	/* 0-15 */
		A, A, A, A, N, CP, RSV, RSV, RSV, RSV, RSV, RSV, HV, VC, A, RSV, /* 16-31 */
	},
};

/*
 * The first posted KVM patch (2025), as written: its invalid-vector mask ORs
 * in NMI_VECTOR, the number 2, so bit 1 (#DB) is rejected and NMI (2) is
 * accepted; #CP and #VC are accepted whatever the CPU.
 */
static const struct svmc_eventinj_rule kvm_v1_eventinj = {
	.type_reason = TYPES,
	.vec_reason = {
		A, V1, V1, A, A, A, A, A, A, RSV, A, A, A, A, A, RSV,	/* 0-15 */
		A, A, A, A, N, V1, RSV, RSV, RSV, RSV, RSV, RSV, A, V1, A, RSV, /* 16-31 */
	},
	.vec_fixed = { [1] = SVMC_VEC_INVALID, [2] = SVMC_VEC_VALID, [21] = SVMC_VEC_VALID,
		       [29] = SVMC_VEC_VALID },
};
/* clang-format on */
#undef A
#undef N
#undef RSV
#undef NX
#undef CP
#undef VC
#undef HV
#undef V1
#undef TYPES

#define ORD(e) SVMC_CHECK_##e,
#define BIT(e) | SVMC_CHECK_BIT(SVMC_CHECK_##e)

/*
 * kvm: arch/x86/kvm/svm/nested.c, newest: save checks (SVME, CR0 CD/NW, CR0 high,
 * DR6, DR7, then under LME and PG: PAE, PE, CR3, CS.L/D; CR4; EFER; G_PAT
 * is off by default), control checks (VMRUN intercept, ASID, nCR3, MSRPM,
 * IOPM, vNMI, EVENTINJ TYPE then VECTOR), then the late CR3 load.
 */
/* model row sets in columns */
/* clang-format off */
#define KVM_SAVE_ROWS(X)                                                                         \
	X(SAVE_EFER_SVME) X(SAVE_CR0_CD_NW) X(SAVE_CR0_HIGH) X(SAVE_DR6_HIGH) X(SAVE_DR7_HIGH)      \
	X(SAVE_LM_PAE) X(SAVE_LM_PE) X(SAVE_CR3_MBZ) X(SAVE_LM_CS_LD) X(SAVE_CR4_RSVD) X(SAVE_EFER_RSVD)
#define KVM_CTRL_ROWS(X)                                                                                 \
	X(CTRL_INTERCEPT_VMRUN) X(CTRL_ASID_ZERO) X(CTRL_NP_NCR3) X(CTRL_MSRPM_RANGE) X(CTRL_IOPM_RANGE) \
	X(CTRL_VNMI_NMI_INTERCEPT) X(CTRL_EVENTINJ_TYPE) X(CTRL_EVENTINJ_VECTOR)
#define KVM_ROWS(X) KVM_SAVE_ROWS(X) KVM_CTRL_ROWS(X) X(KVM_LATE_CR3)

/* kvm-legacy: kvm without what the 2026 series added (EVENTINJ, nCR3, CS.L/D). */
#define KVM_LEGACY_SAVE_ROWS(X)                                                                    \
	X(SAVE_EFER_SVME) X(SAVE_CR0_CD_NW) X(SAVE_CR0_HIGH) X(SAVE_DR6_HIGH) X(SAVE_DR7_HIGH)        \
	X(SAVE_LM_PAE) X(SAVE_LM_PE) X(SAVE_CR3_MBZ) X(SAVE_CR4_RSVD) X(SAVE_EFER_RSVD)
#define KVM_LEGACY_CTRL_ROWS(X)                                                                    \
	X(CTRL_INTERCEPT_VMRUN) X(CTRL_ASID_ZERO) X(CTRL_MSRPM_RANGE) X(CTRL_IOPM_RANGE)             \
	X(CTRL_VNMI_NMI_INTERCEPT)
#define KVM_LEGACY_ROWS(X) KVM_LEGACY_SAVE_ROWS(X) KVM_LEGACY_CTRL_ROWS(X) X(KVM_LATE_CR3)

/*
 * KVM_SET_NESTED_STATE (arch/x86/kvm/svm/nested.c svm_set_nested_state(),
 * newest; the generic flag and size checks in x86.c come first): the header
 * (format, flags; in guest mode vmcb_pa, size), the controls after KVM's
 * sanitising copy (the same rows as VMRUN's: the copy drops NP_ENABLE
 * without npt and page-masks the bitmap bases, as those rows already
 * model), L1's CR0.PG, CR0.PE and RFLAGS.VM, then the save checks on L1's
 * save area (nested_vmcb_check_save() with check_gpat false: never G_PAT).
 * Not modelled, because the blob does not hold them: the vCPU's EFER.SVME
 * and SMM state (KVM_SET_SREGS, KVM_SET_VCPU_EVENTS), its current CR0 (the
 * CD/NW test), the header gPAT (shared-PAT quirk off only) and the L2 CR3
 * load at the end.
 */
#define NSTATE_HDR_ROWS(X) X(NSTATE_FORMAT) X(NSTATE_FLAGS) X(NSTATE_VMCB_PA) X(NSTATE_SIZE)
#define NSTATE_L1_ROWS(X) X(NSTATE_L1_CR0_PG) X(NSTATE_L1_CR0_PE) X(NSTATE_L1_RFLAGS_VM)
#define KVM_RESTORE_ROWS(X) NSTATE_HDR_ROWS(X) KVM_CTRL_ROWS(X) NSTATE_L1_ROWS(X) KVM_SAVE_ROWS(X)
#define KVM_LEGACY_RESTORE_ROWS(X) \
	NSTATE_HDR_ROWS(X) KVM_LEGACY_CTRL_ROWS(X) NSTATE_L1_ROWS(X) KVM_LEGACY_SAVE_ROWS(X)

/*
 * apm: save area as kvm, then VMRUN intercept, ASID, nCR3, G_PAT, MSRPM,
 * IOPM, SEV features, EVENTINJ (AMD APM vol. 2 section 15.5.1, 15.20).  No vNMI rule, no late CR3.
 */
#define APM_ROWS(X)                                                                                      \
	X(SAVE_EFER_SVME) X(SAVE_CR0_CD_NW) X(SAVE_CR0_HIGH) X(SAVE_DR6_HIGH) X(SAVE_DR7_HIGH)              \
	X(SAVE_LM_PAE) X(SAVE_LM_PE) X(SAVE_CR3_MBZ) X(SAVE_LM_CS_LD) X(SAVE_CR4_RSVD) X(SAVE_EFER_RSVD)   \
	X(CTRL_INTERCEPT_VMRUN) X(CTRL_ASID_ZERO) X(CTRL_NP_NCR3) X(CTRL_NP_GPAT) X(CTRL_MSRPM_RANGE)     \
	X(CTRL_IOPM_RANGE) X(CTRL_SEV_ALLOWED_FEATURES) X(CTRL_EVENTINJ_TYPE) X(CTRL_EVENTINJ_VECTOR)
/* clang-format on */

static const uint8_t kvm_order[] = { KVM_ROWS(ORD) };
static const uint8_t kvm_legacy_order[] = { KVM_LEGACY_ROWS(ORD) };
static const uint8_t kvm_restore_order[] = { KVM_RESTORE_ROWS(ORD) };
static const uint8_t kvm_legacy_restore_order[] = { KVM_LEGACY_RESTORE_ROWS(ORD) };
static const uint8_t apm_order[] = { APM_ROWS(ORD) };

#define NORDER(a) (unsigned)(sizeof(a) / sizeof((a)[0]))
#define MSRPM_SIZE 0x2000u /* 8 KiB */
#define IOPM_SIZE 0x3000u  /* 12 KiB */
/*
 * Flags are only what svmc_compile() reads.  KVM's masking of EVENTINJ bits
 * 30:12 needs none: no check of these models reads those bits.
 * G_PAT is checked by apm alone because only APM_ROWS holds CTRL.NP.GPAT.
 */
#define KVM_FLAGS (SVMC_MF_NP_NEEDS_NPT | SVMC_MF_CR3_LAM_EXEMPT)

/* a model's check set and order, from one row list */
#define CHECKS(rows, ord) .checks = 0 rows(BIT), .order = (ord), .norder = NORDER(ord)
/* what every KVM model shares: KVM's gates, sanitising and map sizes */
#define KVM_BASE                                                                          \
	.actor = "KVM", .cr4_gates = cr4_kvm, .efer_gates = efer_kvm, .flags = KVM_FLAGS, \
	.msrpm_size = MSRPM_SIZE, .iopm_size = IOPM_SIZE

/* what KVM_SET_NESTED_STATE does in the same kernel: a restore model of the same name */
#define KVM_RESTORE_BASE                                                               \
	.actor = "KVM_SET_NESTED_STATE", .cr4_gates = cr4_kvm, .efer_gates = efer_kvm, \
	.flags = KVM_FLAGS | SVMC_MF_RESTORE, .msrpm_size = MSRPM_SIZE, .iopm_size = IOPM_SIZE

static const struct svmc_model kvm_restore = {
	.name = "kvm",
	.summary = "KVM_SET_NESTED_STATE of upstream KVM (2026)",
	KVM_RESTORE_BASE,
	CHECKS(KVM_RESTORE_ROWS, kvm_restore_order),
	.eventinj = &kvm_eventinj,
};

static const struct svmc_model kvm_legacy_restore = {
	.name = "kvm-legacy",
	.summary = "KVM_SET_NESTED_STATE before the 2026 series",
	KVM_RESTORE_BASE,
	CHECKS(KVM_LEGACY_RESTORE_ROWS, kvm_legacy_restore_order),
	.eventinj = NULL,
};

static const struct svmc_model kvm_v1_restore = {
	.name = "kvm-v1",
	.summary = "KVM_SET_NESTED_STATE with the first posted EVENTINJ patch",
	KVM_RESTORE_BASE,
	CHECKS(KVM_RESTORE_ROWS, kvm_restore_order),
	.eventinj = &kvm_v1_eventinj,
};

static const struct svmc_model models[] = {
	{
		.name = "kvm",
		.summary = "upstream KVM nested SVM (2026), with the merged EVENTINJ check",
		KVM_BASE,
		CHECKS(KVM_ROWS, kvm_order),
		.eventinj = &kvm_eventinj,
		.restore = &kvm_restore,
	},
	{
		.name = "kvm-legacy",
		.summary = "KVM before the 2026 series: no EVENTINJ, nCR3 or CS.L/D checks",
		KVM_BASE,
		CHECKS(KVM_LEGACY_ROWS, kvm_legacy_order),
		.eventinj = NULL, /* EVENTINJ not checked */
		.restore = &kvm_legacy_restore,
	},
	{
		.name = "kvm-v1",
		.summary =
			"kvm with the first posted EVENTINJ patch as written (rejects #DB, accepts NMI)",
		KVM_BASE,
		CHECKS(KVM_ROWS, kvm_order),
		.eventinj = &kvm_v1_eventinj,
		.restore = &kvm_v1_restore,
	},
	{
		.name = "apm",
		.summary = "the architecture per the AMD APM, against the physical CPU",
		.actor = "the CPU",
		CHECKS(APM_ROWS, apm_order),
		.cr4_gates = cr4_arch,
		.efer_gates = efer_arch,
		.eventinj = &apm_eventinj,
		.flags = SVMC_MF_NP_NEEDS_NPT,
		.msrpm_size = MSRPM_SIZE,
		.iopm_size = IOPM_SIZE,
	},
};
#define NMODELS (sizeof(models) / sizeof(models[0]))

const struct svmc_model *svmc_model_lookup(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < NMODELS; i++)
		if (strcmp(name, models[i].name) == 0)
			return &models[i];
	return NULL;
}

const struct svmc_model *svmc_model_default(void)
{
	return &models[0];
}

const struct svmc_model *svmc_model_for_origin(enum svmc_origin o)
{
	return o == SVMC_ORIGIN_HARDWARE ? svmc_model_lookup("apm") : &models[0];
}

size_t svmc_model_count(void)
{
	return NMODELS;
}

const struct svmc_model *svmc_model_at(size_t i)
{
	return i < NMODELS ? &models[i] : NULL;
}

const char *svmc_model_names(char *buf, size_t n)
{
	size_t len = 0;

	if (!n)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < NMODELS && len < n; i++) {
		int k = snprintf(buf + len, n - len, "%s%s", i ? ", " : "", models[i].name);
		if (k < 0)
			break;
		len += (size_t)k;
	}
	return buf;
}
