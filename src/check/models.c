/*
 * models.c - the models of spec/README.md section 2 as data: each one a row
 * set over the check table (in its implementation's order, which `first`
 * follows) plus parameters.  Adding a model is adding a row here, never a
 * branch in a predicate.  The models of other implementations (qemu,
 * qemu-7.2, bochs, xen) follow their sources as read in December 2026
 * (each model's comment below names them; svmcheck-checks(1) lists them).
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
#define GB(f, g)                                             \
	{                                                    \
		SVMC_GATE_BOTH, SVMC_FEAT_##f, SVMC_FEAT_##g \
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

/*
 * CR4 under QEMU TCG (target/i386/cpu.h cr4_reserved_bits() @ 0048035a8703):
 * bits 0-10 and PCIDE are never gated; VMXE, SMXE, KL, CET (the stored
 * cpu.h; a 2025 series gating it on shstk or ibt is not known merged, and
 * TCG exposes neither), UINTR and LASS are reserved.  OSXSAVE is gated on
 * CPUID 0xD.1:EAX being nonzero (XSAVEOPT, XSAVEC, XGETBV1, XSAVES), which
 * profiles do not record: xsave (CPUID 1:ECX[26]) stands in, and differs
 * only on a CPU with XSAVE but none of those (TCG's qemu64 has neither,
 * EPYC both).  QEMU 7.2 also reserves LAM_SUP and FRED.
 */
/* clang-format off */
#define CR4_QEMU_COMMON                                                                                   \
	[0] = A, [1] = A, [2] = A, [3] = A, [4] = A, [5] = A, [6] = A, [7] = A, [8] = A, [9] = A, [10] = A, \
	[11] = G(UMIP), [12] = G(LA57), [16] = G(FSGSBASE), [17] = A, [18] = G(XSAVE), [20] = G(SMEP),   \
	[21] = G(SMAP), [22] = G(PKU), [24] = G(PKS)
static const struct svmc_gate cr4_qemu[64] = { CR4_QEMU_COMMON, [28] = G(LAM), [32] = G(FRED) };
static const struct svmc_gate cr4_qemu_7_2[64] = { CR4_QEMU_COMMON };
#undef CR4_QEMU_COMMON

/* EFER under QEMU (MSR_EFER_RESERVED and is_efer_invalid_state(), both versions):
 * SCE, NXE, SVME, FFXSR never gated; LME and LMA need lm; the rest reserved. */
static const struct svmc_gate efer_qemu[64] = {
	[0] = A, [8] = G(LM), [10] = G(LM), [11] = A, [12] = A, [14] = A,
};

/*
 * CR4 under Xen (xen/arch/x86/hvm/hvm.c hvm_cr4_guest_valid_bits() @ c447b7308b13):
 * every bit gated on the guest's CPUID; LA57, SMXE, KL, UINTR, LAM_SUP and
 * FRED reserved.  VMXE needs vmx and nested HVM: an AMD guest has no vmx.
 */
static const struct svmc_gate cr4_xen[64] = {
	[0] = G(VME), [1] = G(VME), [2] = G(TSC), [3] = G(DE), [4] = G(PSE), [5] = G(PAE), [6] = G2(MCE, MCA),
	[7] = G(PGE), [8] = A, [9] = G(FXSR), [10] = G(SSE), [11] = G(UMIP), [13] = G(VMX), [16] = G(FSGSBASE),
	[17] = G(PCID), [18] = G(XSAVE), [20] = G(SMEP), [21] = G(SMAP), [22] = G(PKU), [23] = G2(SHSTK, IBT),
	[24] = G(PKS), [27] = G(LASS),
};

/* EFER under Xen (EFER_KNOWN_MASK and hvm_efer_valid()): SCE needs syscall, SVME
 * svm (with nested HVM on, which running a nested guest implies); LMSLE and TCE
 * reserved.  LMA without LME is SAVE.EFER.LMA_NO_LME, not a bit. */
static const struct svmc_gate efer_xen[64] = {
	[0] = G(SYSCALL), [8] = G(LM), [10] = G(LM), [11] = G(NX), [12] = G(SVM), [14] = G(FXSR_OPT),
	[21] = G(AUTOIBRS),
};

/*
 * CR4 under Bochs (cpu/crregs.cc get_cr4_allow_mask() plus svm.cc's test of
 * CR4[63:32], which rejects FRED even where Bochs master implements it):
 * MCE and PCE always allowed, TSD with the Pentium ISA (tsc stands in),
 * OSFXSR with SSE, CET with Bochs's one CET extension (shstk or ibt stands
 * in), LAM_SUP reserved.  Features Bochs 2.7 does not implement are absent
 * from the CPUID it shows, so the gates also hold for 2.7.
 */
static const struct svmc_gate cr4_bochs[64] = {
	[0] = G(VME), [1] = G(VME), [2] = G(TSC), [3] = G(DE), [4] = G(PSE), [5] = G(PAE), [6] = A,
	[7] = G(PGE), [8] = A, [9] = G(SSE), [10] = G(SSE), [11] = G(UMIP), [12] = G(LA57), [13] = G(VMX),
	[14] = G(SMX), [16] = G(FSGSBASE), [17] = G(PCID), [18] = G(XSAVE), [20] = G(SMEP), [21] = G(SMAP),
	[22] = G(PKU), [23] = G2(SHSTK, IBT), [24] = G(PKS), [25] = G(UINTR), [27] = G(LASS),
};

/* EFER under Bochs (efer_suppmask, cpu/init.cc): SCE with syscall or lm; SVME
 * and FFXSR only with lm as well; AUTOIBRS, LMSLE reserved; EFER[63:32] is
 * tested first, as part of the same row.  TCE: master gates it on lm and the
 * TCE extension, but Bochs 2.7 as Debian 12 ships it rejects EFER.TCE even on
 * `ryzen`, whose CPUID reports TCE (the conformance suite, tests/conformance:
 * every image with bit 15 set got VMEXIT_INVALID): reserved here. */
static const struct svmc_gate efer_bochs[64] = {
	[0] = G2(SYSCALL, LM), [8] = G(LM), [10] = G(LM), [11] = G(NX), [12] = GB(LM, SVM),
	[14] = GB(LM, FXSR_OPT), [15] = R,
};
/* clang-format on */

#undef R
#undef A
#undef G
#undef G2
#undef GN
#undef GB

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

/*
 * QEMU TCG (helper_vmrun's switch on the TYPE, both versions): TYPE 3 fails
 * for NMI (2) and vectors 31-255, with no feature gate: 9, 15, 20-27 and
 * 28-30 are accepted.
 */
static const struct svmc_eventinj_rule qemu_eventinj = {
	.type_reason = TYPES,
	.vec_reason = {
		A, A, NX, A, A, A, A, A, A, A, A, A, A, A, A, A,	/* 0-15 */
		A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, RSV,	/* 16-31 */
	},
};

/*
 * Bochs (svm.cc SvmInjectEvents, 2.7 and master): TYPE 3 fails for NMI (2)
 * and vectors above 31; every other vector 0-31 is accepted.  Master also
 * fails #OF (4) and #BR (5) into a 64-bit L2; 2.7 does not.
 */
static const struct svmc_eventinj_rule bochs_eventinj = {
	.type_reason = TYPES,
	.vec_reason = {
		A, A, NX, A, A, A, A, A, A, A, A, A, A, A, A, A,	/* 0-15 */
		A, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A,		/* 16-31 */
	},
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

/*
 * qemu: QEMU TCG target/i386/tcg/system/svm_helper.c helper_vmrun() @
 * 3b50303f9563: the map bases, the VMRUN intercept,
 * ASID, CR0 high bits and CD/NW, CR3 (gated on L1's long mode), CR4, DR7,
 * DR6, then is_efer_invalid_state() (SVME, reserved and LM bits, PAE, PE,
 * CS.L/D) and EVENTINJ.  No NP, vNMI, SEV, TLB_CONTROL or late checks:
 * NP_ENABLE is honoured without npt and nCR3 and G_PAT are never checked.
 */
#define QEMU_HEAD_ROWS(X)                                                                          \
	X(CTRL_MSRPM_RANGE) X(CTRL_IOPM_RANGE) X(CTRL_INTERCEPT_VMRUN) X(CTRL_ASID_ZERO)            \
	X(SAVE_CR0_HIGH) X(SAVE_CR0_CD_NW) X(SAVE_CR3_ANY_MODE) X(SAVE_CR4_RSVD)
#define QEMU_TAIL_ROWS(X)                                                                          \
	X(SAVE_EFER_SVME) X(SAVE_EFER_RSVD) X(SAVE_LM_PAE) X(SAVE_LM_PE) X(SAVE_LM_CS_LD)           \
	X(CTRL_EVENTINJ_TYPE) X(CTRL_EVENTINJ_VECTOR)
#define QEMU_ROWS(X) QEMU_HEAD_ROWS(X) X(SAVE_DR7_HIGH) X(SAVE_DR6_HIGH) QEMU_TAIL_ROWS(X)
/* qemu-7.2: QEMU 7.2.22 as Debian 12 ships it (svm_helper.c in tcg/sysemu): DR6 before DR7 */
#define QEMU_7_2_ROWS(X) QEMU_HEAD_ROWS(X) X(SAVE_DR6_HIGH) X(SAVE_DR7_HIGH) QEMU_TAIL_ROWS(X)

/*
 * bochs: Bochs cpu/svm.cc (2.7 as Debian 12 ships it,
 * which differs from master @ 783b58fd6d9b only where noted):
 * SvmEnterLoadCheckControls (VMRUN intercept, IOPM and MSRPM base pages,
 * ASID, under NP G_PAT and nCR3), SvmEnterLoadCheckGuestState (EFER high and
 * reserved bits, SVME, CR0 high, CR4 high and reserved bits, DR6, DR7, CS.L
 * and D in any mode, CD/NW, long mode without PAE, PCIDE outside long mode),
 * then SvmInjectEvents (TYPE, vector).  L1 is taken to run in long mode with
 * paging on, as a 64-bit hypervisor does: Bochs's NP check of L1's CR0.PG
 * then never fails and nCR3 is always checked.  Not modelled: the PDPTE
 * read of legacy PAE paging without NP (needs guest memory).  Master only:
 * #OF and #BR injected into a 64-bit L2 fail.  No LM.PE (LME, PG without
 * PE runs in paged real mode; 2.7 panics there), no CR3, vNMI or SEV check.
 */
#define BOCHS_ROWS(X)                                                                              \
	X(CTRL_INTERCEPT_VMRUN) X(CTRL_IOPM_RANGE) X(CTRL_MSRPM_RANGE) X(CTRL_ASID_ZERO)            \
	X(CTRL_NP_GPAT) X(CTRL_NP_NCR3) X(SAVE_EFER_RSVD) X(SAVE_EFER_SVME) X(SAVE_CR0_HIGH)        \
	X(SAVE_CR4_RSVD) X(SAVE_DR6_HIGH) X(SAVE_DR7_HIGH) X(SAVE_CS_LD_ANY) X(SAVE_CR0_CD_NW)      \
	X(SAVE_LM_PAE) X(SAVE_CR4_PCIDE_NOLM) X(CTRL_EVENTINJ_TYPE) X(CTRL_EVENTINJ_VECTOR)

/*
 * xen: Xen xen/arch/x86/hvm/svm/nestedsvm.c nsvm_vmcb_prepare4vmrun() @
 * c447b7308b13: the IOPM range, the MSRPM copy from the
 * unmasked base, then every row of svm_vmcb_isvalid() (SVME, CD/NW, CR0 high,
 * Xen's CR3 rule, CR4, DR6, DR7, EFER reserved and gated bits, LMA without
 * LME, PAE, PE, CS.L/D, the VMRUN intercept, EVENTINJ reserved bits).  No
 * ASID, NP, vNMI, TLB_CONTROL, or EVENTINJ TYPE and vector checks (the v1
 * patch of 2026-07-15 that adds them is not merged).  Not modelled: before
 * the rows, Xen's CR/EFER setters queue a #GP for some values and carry on;
 * where a row fails the VMRUN still ends in VMEXIT_INVALID, and where none
 * does (CR4.CET with CR0.WP clear; CR3 high bits outside LMA under HAP)
 * which level receives the #GP is unverified; and the #UD to L1 when the
 * VMCB Xen builds for L2 fails the same validity check.
 */
#define XEN_ROWS(X)                                                                                 \
	X(CTRL_IOPM_RANGE) X(CTRL_MSRPM_RAW_RANGE) X(SAVE_EFER_SVME) X(SAVE_CR0_CD_NW)                \
	X(SAVE_CR0_HIGH) X(SAVE_CR3_XEN) X(SAVE_CR4_RSVD) X(SAVE_DR6_HIGH) X(SAVE_DR7_HIGH)          \
	X(SAVE_EFER_RSVD) X(SAVE_EFER_LMA_NO_LME) X(SAVE_LM_PAE) X(SAVE_LM_PE) X(SAVE_LM_CS_LD)     \
	X(CTRL_INTERCEPT_VMRUN) X(CTRL_EVENTINJ_RSVD)
/* clang-format on */

static const uint8_t kvm_order[] = { KVM_ROWS(ORD) };
static const uint8_t kvm_legacy_order[] = { KVM_LEGACY_ROWS(ORD) };
static const uint8_t kvm_restore_order[] = { KVM_RESTORE_ROWS(ORD) };
static const uint8_t kvm_legacy_restore_order[] = { KVM_LEGACY_RESTORE_ROWS(ORD) };
static const uint8_t apm_order[] = { APM_ROWS(ORD) };
static const uint8_t qemu_order[] = { QEMU_ROWS(ORD) };
static const uint8_t qemu_7_2_order[] = { QEMU_7_2_ROWS(ORD) };
static const uint8_t bochs_order[] = { BOCHS_ROWS(ORD) };
static const uint8_t xen_order[] = { XEN_ROWS(ORD) };

#define NORDER(a) (unsigned)(sizeof(a) / sizeof((a)[0]))
#define MSRPM_SIZE 0x2000u /* 8 KiB */
#define IOPM_SIZE 0x3000u  /* 12 KiB */
/*
 * QEMU fails a map whose page base is at or above 2^N - 8192 (MSRPM) or
 * 2^N - 8193 (IOPM): the MSRPM test is one byte past the 8 KiB map; for
 * the IOPM, 12 KiB gives the same verdict on every page base.
 */
#define QEMU_MSRPM_SIZE 0x2001u
/* Bochs tests only the page of each base (IsValidPhyAddr(PPFOf(base))) */
#define BOCHS_MAP_SIZE 1u
/* BX_PHY_ADDRESS_WIDTH of an x86-64 build (config.h.in) */
#define BOCHS_MAXPHYADDR 40u
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

/* what both QEMU models share (.cr4_gates differ) */
#define QEMU_BASE                                                                         \
	.actor = "QEMU", .efer_gates = efer_qemu, .eventinj = &qemu_eventinj, .flags = 0, \
	.msrpm_size = QEMU_MSRPM_SIZE, .iopm_size = IOPM_SIZE

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
	{
		.name = "qemu",
		.summary = "QEMU TCG helper_vmrun, newest (2026)",
		QEMU_BASE,
		CHECKS(QEMU_ROWS, qemu_order),
		.cr4_gates = cr4_qemu,
	},
	{
		.name = "qemu-7.2",
		.summary =
			"QEMU 7.2.22 TCG as Debian 12 ships it: DR6 before DR7, no LAM_SUP or FRED",
		QEMU_BASE,
		CHECKS(QEMU_7_2_ROWS, qemu_7_2_order),
		.cr4_gates = cr4_qemu_7_2,
	},
	{
		.name = "bochs",
		.summary = "Bochs 2.7 as Debian 12 ships it (svm.cc), MAXPHYADDR 40",
		.actor = "Bochs",
		CHECKS(BOCHS_ROWS, bochs_order),
		.cr4_gates = cr4_bochs,
		.efer_gates = efer_bochs,
		.eventinj = &bochs_eventinj,
		.flags = SVMC_MF_NP_NEEDS_NPT | SVMC_MF_NP_ANY_BYTE,
		.msrpm_size = BOCHS_MAP_SIZE,
		.iopm_size = BOCHS_MAP_SIZE,
		.maxphyaddr = BOCHS_MAXPHYADDR,
	},
	{
		.name = "xen",
		.summary = "Xen nested SVM, master (2026-08): svm_vmcb_isvalid",
		.actor = "Xen",
		CHECKS(XEN_ROWS, xen_order),
		.cr4_gates = cr4_xen,
		.efer_gates = efer_xen,
		.eventinj = NULL, /* no TYPE or vector rule; bits 30:12 are CTRL.EVENTINJ.RSVD */
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

bool svmc_model_is_kvm(const struct svmc_model *m)
{
	return m->restore || (m->flags & SVMC_MF_RESTORE);
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
