/*
 * vmcb/svm_bits.h - the bits of the VMCB's hardware words, named as the Linux
 * kernel names them (arch/x86/include/asm/svm.h, msr-index.h,
 * processor-flags.h): EFER_*, CR0_*, CR4_*, SVM_EVTINJ_*, V_*_MASK, ...
 *
 * Private to the implementation: these names collide with the kernel's and
 * KVM selftests' own headers, so the installed svmcheck/vmcb.h defines only
 * SVMC_ names and programs that link libsvmcheck never see these.
 */
#ifndef SVMCHECK_SVM_BITS_H
#define SVMCHECK_SVM_BITS_H

#include <stdint.h>

#include "svmcheck/vmcb.h"

/* clang-format off */
/* ---- bits of hardware words --------------------------------------------- */
#define BIT64(n) (UINT64_C(1) << (n))

/* EFER (APM 3.1.7) */
#define EFER_SCE BIT64(0)
#define EFER_LME BIT64(8)
#define EFER_LMA BIT64(10)
#define EFER_NXE BIT64(11)
#define EFER_SVME BIT64(12)
#define EFER_LMSLE BIT64(13)
#define EFER_FFXSR BIT64(14)
#define EFER_TCE BIT64(15)
#define EFER_MCOMMIT BIT64(17)
#define EFER_INTWB BIT64(18)
#define EFER_UAIE BIT64(20)
#define EFER_AUTOIBRS BIT64(21)

/* CR0 */
#define CR0_PE BIT64(0)
#define CR0_MP BIT64(1)
#define CR0_EM BIT64(2)
#define CR0_TS BIT64(3)
#define CR0_ET BIT64(4)
#define CR0_NE BIT64(5)
#define CR0_WP BIT64(16)
#define CR0_AM BIT64(18)
#define CR0_NW BIT64(29)
#define CR0_CD BIT64(30)
#define CR0_PG BIT64(31)

/* RFLAGS */
#define RFLAGS_VM BIT64(17) /* virtual-8086 mode */

/* CR4 */
#define CR4_VME BIT64(0)
#define CR4_PVI BIT64(1)
#define CR4_TSD BIT64(2)
#define CR4_DE BIT64(3)
#define CR4_PSE BIT64(4)
#define CR4_PAE BIT64(5)
#define CR4_MCE BIT64(6)
#define CR4_PGE BIT64(7)
#define CR4_PCE BIT64(8)
#define CR4_OSFXSR BIT64(9)
#define CR4_OSXMMEXCPT BIT64(10)
#define CR4_UMIP BIT64(11)
#define CR4_LA57 BIT64(12)
#define CR4_VMXE BIT64(13)
#define CR4_SMXE BIT64(14)
#define CR4_FSGSBASE BIT64(16)
#define CR4_PCIDE BIT64(17)
#define CR4_OSXSAVE BIT64(18)
#define CR4_KL BIT64(19)
#define CR4_SMEP BIT64(20)
#define CR4_SMAP BIT64(21)
#define CR4_PKE BIT64(22)
#define CR4_CET BIT64(23)
#define CR4_PKS BIT64(24)
#define CR4_UINTR BIT64(25)
#define CR4_LASS BIT64(27)
#define CR4_LAM_SUP BIT64(28)
#define CR4_FRED BIT64(32)

/* intercept_misc1 (0x00C) */
#define INTERCEPT1_INTR (1u << 0)
#define INTERCEPT1_NMI (1u << 1)
#define INTERCEPT1_IOIO_PROT (1u << 27)
#define INTERCEPT1_MSR_PROT (1u << 28)
/* intercept_misc2 (0x010) */
#define INTERCEPT2_VMRUN (1u << 0)
#define INTERCEPT2_VMMCALL (1u << 1)

/* int_ctl (0x060) */
#define V_TPR_MASK 0xffu
#define V_IRQ_MASK (1u << 8)
#define V_GIF_MASK (1u << 9)
#define V_NMI_PENDING_MASK (1u << 11)
#define V_NMI_BLOCKING_MASK (1u << 12)
#define V_INTR_PRIO_SHIFT 16
#define V_INTR_PRIO_MASK (0xfu << V_INTR_PRIO_SHIFT)
#define V_IGN_TPR_MASK (1u << 20)
#define V_INTR_MASKING_MASK (1u << 24)
#define V_GIF_ENABLE_MASK (1u << 25)
#define V_NMI_ENABLE_MASK (1u << 26)
#define X2APIC_MODE_MASK (1u << 30)
#define AVIC_ENABLE_MASK (1u << 31)

/* nested_ctl / misc_ctl (0x090) */
#define SVM_NESTED_CTL_NP_ENABLE BIT64(0)
#define SVM_NESTED_CTL_SEV_ENABLE BIT64(1)
#define SVM_NESTED_CTL_SEV_ES_ENABLE BIT64(2)
#define SVM_NESTED_CTL_GMET BIT64(3)

/* virt_ext / misc_ctl2 (0x0B8) */
#define SVM_VIRT_EXT_LBR BIT64(0)
#define SVM_VIRT_EXT_VMLOAD_VMSAVE BIT64(1)

/* EVENTINJ and EXITINTINFO (APM 15.20) */
#define SVM_EVTINJ_VEC_MASK 0xffu
#define SVM_EVTINJ_TYPE_SHIFT 8
#define SVM_EVTINJ_TYPE_MASK (7u << SVM_EVTINJ_TYPE_SHIFT)
#define SVM_EVTINJ_TYPE_INTR 0u
#define SVM_EVTINJ_TYPE_NMI 2u
#define SVM_EVTINJ_TYPE_EXEPT 3u
#define SVM_EVTINJ_TYPE_SOFT 4u
#define SVM_EVTINJ_VALID_ERR (1u << 11)
#define SVM_EVTINJ_RESERVED_BITS 0x7ffff000u
#define SVM_EVTINJ_VALID (1u << 31)
#define SVM_EVTINJ_VECTOR(v) ((v) & SVM_EVTINJ_VEC_MASK)
#define SVM_EVTINJ_TYPE(v) (((v) & SVM_EVTINJ_TYPE_MASK) >> SVM_EVTINJ_TYPE_SHIFT)

/* TLB_CONTROL (0x05C) */
#define TLB_CONTROL_DO_NOTHING 0u
#define TLB_CONTROL_FLUSH_ALL_ASID 1u
#define TLB_CONTROL_FLUSH_ASID 3u
#define TLB_CONTROL_FLUSH_ASID_LOCAL 7u
#define TLB_CONTROL_MASK 7u

/* Segment attributes (vmcb_seg.attrib) */
#define SVM_SELECTOR_TYPE_MASK 0xfu
#define SVM_SELECTOR_S_MASK (1u << 4)
#define SVM_SELECTOR_DPL_SHIFT 5
#define SVM_SELECTOR_DPL_MASK (3u << SVM_SELECTOR_DPL_SHIFT)
#define SVM_SELECTOR_P_MASK (1u << 7)
#define SVM_SELECTOR_AVL_MASK (1u << 8)
#define SVM_SELECTOR_L_MASK (1u << 9)
#define SVM_SELECTOR_DB_MASK (1u << 10)
#define SVM_SELECTOR_G_MASK (1u << 11)

/* allowed_sev_features (0x138) */
#define VMCB_ALLOWED_SEV_FEATURES_VALID BIT64(63)

/* exit codes */
#define SVM_EXIT_ERR UINT64_MAX
/* clang-format on */

#endif /* SVMCHECK_SVM_BITS_H */
