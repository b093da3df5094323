/*
 * test_peers.c - the models of other implementations (qemu, qemu-7.2,
 * bochs, xen) at the boundaries of each rule as models.c states it from the
 * implementation's source:
 * for every check a value that fails and the nearest value that passes,
 * each reasoned from the implementation's own condition (the comments of
 * models.c), and where the model departs from kvm the same record under kvm, so
 * that a test fails if a model silently became kvm again.  Also the order
 * each implementation applies its checks in (`first`), the messages'
 * actor, and that none of them judges a nested_state record.
 *
 * Records start from tvmcb.h's valid 64-bit guest (or its legacy forms
 * below) on a CPU built here with MAXPHYADDR 40, TCG's default phys_bits.
 */
#include <string.h>

#include "check/internal.h"
#include "svmcheck/check.h"
#include "svmcheck/migrate.h"
#include "tcheck.h"
#include "tvmcb.h"
#include "vmcb/svm_bits.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- CPUs and records ------------------------------------------------------- */

static const enum svmc_feature base_features[] = {
	SVMC_FEAT_VME,  SVMC_FEAT_DE,  SVMC_FEAT_PSE,   SVMC_FEAT_TSC,
	SVMC_FEAT_PAE,  SVMC_FEAT_MCE, SVMC_FEAT_PGE,   SVMC_FEAT_MCA,
	SVMC_FEAT_FXSR, SVMC_FEAT_SSE, SVMC_FEAT_XSAVE, SVMC_FEAT_SYSCALL,
	SVMC_FEAT_NX,   SVMC_FEAT_LM,  SVMC_FEAT_SVM,   SVMC_FEAT_NPT,
};

/* The test CPU: the basics, SVM with NPT, MAXPHYADDR 40; nothing else. */
static struct svmc_cpu *cpu_base(void)
{
	static struct svmc_cpu cpu; /* large: not on the stack */

	memset(&cpu, 0, sizeof(cpu));
	snprintf(cpu.name, sizeof(cpu.name), "peers-test");
	for (size_t k = 0; k < NELEM(base_features); k++)
		svmc_featset_set(&cpu.features, base_features[k], true);
	cpu.maxphyaddr = 40;
	return &cpu;
}

static struct svmc_cpu *cpu_with(enum svmc_feature f, bool on)
{
	struct svmc_cpu *cpu = cpu_base();

	svmc_featset_set(&cpu->features, f, on);
	return cpu;
}

/* A CPU whose MAXPHYADDR (48) is not Bochs's own (40). */
static struct svmc_cpu *cpu_wide(void)
{
	struct svmc_cpu *cpu = cpu_base();

	cpu->maxphyaddr = 48;
	return cpu;
}

/* The valid 64-bit guest. */
static struct svmc_record *lm(void)
{
	static struct svmc_record r;

	tvmcb_long_mode(&r);
	return &r;
}

/* Legacy PAE paging (32-bit protected mode, CR0.PG and CR4.PAE, no EFER.LME). */
static struct svmc_record *legacy_pae(void)
{
	struct svmc_record *r = lm();

	r->vmcb.save.efer &= ~(EFER_LME | EFER_LMA);
	r->vmcb.save.cs.attrib = 0x0c9b; /* 32-bit code: D, no L */
	return r;
}

/* Legacy 2-level paging: legacy_pae() without CR4.PAE. */
static struct svmc_record *legacy_nopae(void)
{
	struct svmc_record *r = legacy_pae();

	r->vmcb.save.cr4 &= ~CR4_PAE;
	return r;
}

static uint64_t exception(unsigned vector)
{
	return SVM_EVTINJ_VALID | (SVM_EVTINJ_TYPE_EXEPT << SVM_EVTINJ_TYPE_SHIFT) | vector;
}

/* ---- judging ------------------------------------------------------------------ */

static struct svmc_result judge(const char *model, const struct svmc_cpu *cpu,
				const struct svmc_record *r)
{
	static struct svmc_compiled c;
	const struct svmc_model *m = svmc_model_lookup(model);
	struct svmc_result res;

	memset(&res, 0, sizeof(res));
	res.first = -1;
	CHECK(m != NULL);
	if (!m)
		return res;
	CHECK(svmc_compile(&c, m, cpu, NULL) == SVMC_OK);
	svmc_evaluate(&c, r, &res);
	return res;
}

static const char *id_name(int id)
{
	return id >= 0 ? svmc_check_info((enum svmc_check_id)id)->name : "-";
}

/* r is rejected under model, by check `id` alone. */
#define FAILS(model, cpu, r, id) fails_(model, cpu, r, id, __LINE__)
static void fails_(const char *model, const struct svmc_cpu *cpu, const struct svmc_record *r,
		   const char *id, int line)
{
	struct svmc_result res = judge(model, cpu, r);
	enum svmc_check_id want;

	CHECK(svmc_check_lookup(id, &want) == 0);
	tcheck_run++;
	if (res.verdict != SVMC_VMEXIT_INVALID || res.failed != SVMC_CHECK_BIT(want)) {
		tcheck_failed++;
		fprintf(stderr, "line %d: %s: want %s alone, got %s (first %s, failed %#llx)\n",
			line, model, id, svmc_verdict_name(res.verdict), id_name(res.first),
			(unsigned long long)res.failed);
	}
}

/* r is accepted under model. */
#define PASSES(model, cpu, r) passes_(model, cpu, r, __LINE__)
static void passes_(const char *model, const struct svmc_cpu *cpu, const struct svmc_record *r,
		    int line)
{
	struct svmc_result res = judge(model, cpu, r);

	tcheck_run++;
	if (res.verdict != SVMC_VMRUN) {
		tcheck_failed++;
		fprintf(stderr, "line %d: %s: want VMRUN, got %s (first %s, failed %#llx)\n", line,
			model, svmc_verdict_name(res.verdict), id_name(res.first),
			(unsigned long long)res.failed);
	}
}

/* r fails under model, and `id` is the failure the implementation meets first. */
#define FIRST(model, cpu, r, id) first_(model, cpu, r, id, __LINE__)
static void first_(const char *model, const struct svmc_cpu *cpu, const struct svmc_record *r,
		   const char *id, int line)
{
	struct svmc_result res = judge(model, cpu, r);

	tcheck_run++;
	if (res.verdict != SVMC_VMEXIT_INVALID || strcmp(id_name(res.first), id) != 0) {
		tcheck_failed++;
		fprintf(stderr, "line %d: %s: want first %s, got %s (first %s)\n", line, model, id,
			svmc_verdict_name(res.verdict), id_name(res.first));
	}
}

/* TYPE 3 with each vector of valid[] accepted and each of invalid[] rejected by VECTOR. */
static void exception_vectors(const char *model, const unsigned *valid, size_t nvalid,
			      const unsigned *invalid, size_t ninvalid)
{
	struct svmc_record *r = lm();

	for (size_t i = 0; i < nvalid; i++) {
		r->vmcb.control.event_inj = (uint32_t)exception(valid[i]);
		PASSES(model, cpu_base(), r); /* no shstk, no sev_es */
	}
	for (size_t i = 0; i < ninvalid; i++) {
		r->vmcb.control.event_inj = (uint32_t)exception(invalid[i]);
		FAILS(model, cpu_base(), r, "CTRL.EVENTINJ.VECTOR");
	}
}

/* ---- QEMU ---------------------------------------------------------------------- */

static const char *const qemus[] = { "qemu", "qemu-7.2" };

static void test_qemu_controls(const char *q)
{
	const uint64_t top = UINT64_C(1) << 40;
	struct svmc_record *r;

	/* Q1: page base >= 2^N - 8192 fails, one page below passes; kvm accepts 2^N - 8 KiB */
	r = lm();
	r->vmcb.control.msrpm_base_pa = top - 0x2000;
	FAILS(q, cpu_base(), r, "CTRL.MSRPM.RANGE");
	PASSES("kvm", cpu_base(), r);
	r->vmcb.control.msrpm_base_pa = top - 0x3000;
	PASSES(q, cpu_base(), r);
	r->vmcb.control.msrpm_base_pa = top - 0x2000 - 1; /* page base 2^N - 12 KiB */
	PASSES(q, cpu_base(), r);

	/* Q2: the same limit for the IOPM, which is KVM's 12 KiB verdict */
	r = lm();
	r->vmcb.control.iopm_base_pa = top - 0x2000;
	FAILS(q, cpu_base(), r, "CTRL.IOPM.RANGE");
	r->vmcb.control.iopm_base_pa = top - 0x3000;
	PASSES(q, cpu_base(), r);

	/* Q3, Q4 */
	r = lm();
	r->vmcb.control.intercept_misc2 = 0;
	FAILS(q, cpu_base(), r, "CTRL.INTERCEPT.VMRUN");
	r = lm();
	r->vmcb.control.asid = 0;
	FAILS(q, cpu_base(), r, "CTRL.ASID.ZERO");

	/* no NP checks, and NP_ENABLE honoured (harmlessly) without npt */
	r = lm();
	r->vmcb.control.nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	r->vmcb.control.nested_cr3 = UINT64_C(1) << 60;
	r->vmcb.save.g_pat = UINT64_C(0x0202020202020202);
	PASSES(q, cpu_base(), r);
	PASSES(q, cpu_with(SVMC_FEAT_NPT, false), r);
	FAILS("kvm", cpu_base(), r, "CTRL.NP.NCR3");

	/* no vNMI rule */
	r = lm();
	r->vmcb.control.int_ctl = V_NMI_ENABLE_MASK;
	r->vmcb.control.intercept_misc1 = 0;
	PASSES(q, cpu_base(), r);
	FAILS("kvm", cpu_base(), r, "CTRL.VNMI.NMI_INTERCEPT");
}

static void test_qemu_save(const char *q)
{
	struct svmc_record *r;

	/* Q7: CR3 against phys_bits in every mode of L2, no LAM exemption */
	r = legacy_pae();
	r->vmcb.save.cr3 = UINT64_C(1) << 40;
	FAILS(q, cpu_base(), r, "SAVE.CR3.ANY_MODE");
	FAILS("kvm", cpu_base(), r, "KVM.LATE.CR3");
	r->vmcb.save.cr3 = UINT64_C(1) << 39;
	PASSES(q, cpu_base(), r);
	r = lm();
	r->vmcb.save.cr3 |= UINT64_C(1) << 62;
	FAILS(q, cpu_with(SVMC_FEAT_LAM, true), r, "SAVE.CR3.ANY_MODE");
	PASSES("kvm", cpu_with(SVMC_FEAT_LAM, true), r);

	/* Q8: CR4 bits 0-10 and PCIDE never gated; VMXE, SMXE, CET reserved */
	r = legacy_pae();
	r->vmcb.save.cr4 |= CR4_PCIDE;
	PASSES(q, cpu_base(), r); /* no pcid, outside long mode */
	FAILS("kvm", cpu_base(), r, "SAVE.CR4.RSVD");
	r = lm();
	r->vmcb.save.cr4 |= CR4_VME;
	PASSES(q, cpu_with(SVMC_FEAT_VME, false), r);
	r = lm();
	r->vmcb.save.cr4 |= BIT64(13); /* VMXE */
	FAILS(q, cpu_with(SVMC_FEAT_VMX, true), r, "SAVE.CR4.RSVD");
	r = lm();
	r->vmcb.save.cr4 |= BIT64(23); /* CET */
	FAILS(q, cpu_with(SVMC_FEAT_SHSTK, true), r, "SAVE.CR4.RSVD");
	r = lm();
	r->vmcb.save.cr4 |= BIT64(12); /* LA57 */
	FAILS(q, cpu_base(), r, "SAVE.CR4.RSVD");
	PASSES(q, cpu_with(SVMC_FEAT_LA57, true), r);
	r = lm();
	r->vmcb.save.cr4 |= BIT64(18); /* OSXSAVE: xsave stands in for CPUID 0xD.1:EAX */
	PASSES(q, cpu_base(), r);
	FAILS(q, cpu_with(SVMC_FEAT_XSAVE, false), r, "SAVE.CR4.RSVD");
	r = lm();
	r->vmcb.save.cr4 |= BIT64(24); /* PKS: gated in QEMU, reserved in KVM */
	PASSES(q, cpu_with(SVMC_FEAT_PKS, true), r);
	FAILS("kvm", cpu_with(SVMC_FEAT_PKS, true), r, "SAVE.CR4.RSVD");

	/* Q11: SVME after CR0-DR; SCE, NXE, SVME, FFXSR never gated; LMSLE, TCE, AUTOIBRS reserved */
	r = lm();
	r->vmcb.save.efer &= ~EFER_SVME;
	FAILS(q, cpu_base(), r, "SAVE.EFER.SVME");
	r = lm();
	r->vmcb.save.efer |= EFER_FFXSR;
	PASSES(q, cpu_base(), r); /* no fxsr_opt */
	FAILS("kvm", cpu_base(), r, "SAVE.EFER.RSVD");
	r = lm();
	r->vmcb.save.efer |= EFER_NXE;
	PASSES(q, cpu_with(SVMC_FEAT_NX, false), r);
	r = lm();
	r->vmcb.save.efer |= EFER_LMSLE;
	FAILS(q, cpu_base(), r, "SAVE.EFER.RSVD");
	r = lm();
	r->vmcb.save.efer |= EFER_TCE;
	FAILS(q, cpu_with(SVMC_FEAT_TCE, true), r, "SAVE.EFER.RSVD");
	r = lm();
	r->vmcb.save.efer |= EFER_AUTOIBRS;
	FAILS(q, cpu_with(SVMC_FEAT_AUTOIBRS, true), r, "SAVE.EFER.RSVD");
	r = legacy_pae();
	r->vmcb.save.efer |= EFER_LMA; /* LMA without LME: QEMU does not care */
	PASSES(q, cpu_base(), r);
	FAILS("xen", cpu_base(), r, "SAVE.EFER.LMA_NO_LME");

	/* Q11 d-f: the long-mode checks as kvm's; CS.L and D outside long mode pass */
	r = lm();
	r->vmcb.save.cr0 &= ~CR0_PE;
	FAILS(q, cpu_base(), r, "SAVE.LM.PE");
	r = lm();
	r->vmcb.save.cs.attrib |= SVM_SELECTOR_DB_MASK;
	FAILS(q, cpu_base(), r, "SAVE.LM.CS_LD");
	r = legacy_pae();
	r->vmcb.save.cs.attrib |= SVM_SELECTOR_L_MASK;
	PASSES(q, cpu_base(), r);
	FAILS("bochs", cpu_base(), r, "SAVE.CS.LD_ANY");
}

static void test_qemu_cr4_versions(void)
{
	struct svmc_record *r;

	/* newest gates LAM_SUP and FRED on CPUID 7.1:EAX; 7.2 reserves both */
	r = lm();
	r->vmcb.save.cr4 |= BIT64(28);
	PASSES("qemu", cpu_with(SVMC_FEAT_LAM, true), r);
	FAILS("qemu", cpu_base(), r, "SAVE.CR4.RSVD");
	FAILS("qemu-7.2", cpu_with(SVMC_FEAT_LAM, true), r, "SAVE.CR4.RSVD");
	r = lm();
	r->vmcb.save.cr4 |= BIT64(32);
	PASSES("qemu", cpu_with(SVMC_FEAT_FRED, true), r);
	FAILS("qemu-7.2", cpu_with(SVMC_FEAT_FRED, true), r, "SAVE.CR4.RSVD");
}

static void test_qemu_eventinj(const char *q)
{
	struct svmc_record *r = lm();
	static const unsigned valid[] = { 0, 1, 3, 9, 15, 20, 21, 22, 27, 28, 29, 30 };
	static const unsigned invalid[] = { 2, 31, 32, 255 };

	/* TYPE 3: invalid exactly for 2 and 31-255, with no feature gate */
	exception_vectors(q, valid, NELEM(valid), invalid, NELEM(invalid));
	/* TYPE 1, 5, 6, 7 with V; nothing without V; bits 30:12 ignored; TYPE 2 any vector */
	r->vmcb.control.event_inj = SVM_EVTINJ_VALID | (5u << SVM_EVTINJ_TYPE_SHIFT) | 14;
	FAILS(q, cpu_base(), r, "CTRL.EVENTINJ.TYPE");
	r->vmcb.control.event_inj = SVM_EVTINJ_VALID | (1u << SVM_EVTINJ_TYPE_SHIFT) | 14;
	FAILS(q, cpu_base(), r, "CTRL.EVENTINJ.TYPE");
	r->vmcb.control.event_inj = (7u << SVM_EVTINJ_TYPE_SHIFT) | 2;
	PASSES(q, cpu_base(), r);
	r->vmcb.control.event_inj = (uint32_t)exception(14) | SVM_EVTINJ_RESERVED_BITS;
	PASSES(q, cpu_base(), r);
	FAILS("xen", cpu_base(), r, "CTRL.EVENTINJ.RSVD");
	r->vmcb.control.event_inj = SVM_EVTINJ_VALID | (2u << SVM_EVTINJ_TYPE_SHIFT) | 0x55;
	PASSES(q, cpu_base(), r);
}

static void test_qemu_order(void)
{
	struct svmc_record *r;

	/* DR7 before DR6 in newest QEMU, DR6 first in 7.2 */
	r = lm();
	r->vmcb.save.dr6 |= UINT64_C(1) << 40;
	r->vmcb.save.dr7 |= UINT64_C(1) << 40;
	FIRST("qemu", cpu_base(), r, "SAVE.DR7.HIGH");
	FIRST("qemu-7.2", cpu_base(), r, "SAVE.DR6.HIGH");
	FIRST("kvm", cpu_base(), r, "SAVE.DR6.HIGH");

	/* the controls before the save area: ASID before SVME, where kvm has SVME first */
	r = lm();
	r->vmcb.control.asid = 0;
	r->vmcb.save.efer &= ~EFER_SVME;
	for (size_t i = 0; i < 2; i++)
		FIRST(qemus[i], cpu_base(), r, "CTRL.ASID.ZERO");
	FIRST("kvm", cpu_base(), r, "SAVE.EFER.SVME");

	/* SVME after CR4 (is_efer_invalid_state() runs late) */
	r = lm();
	r->vmcb.save.efer &= ~EFER_SVME;
	r->vmcb.save.cr4 |= BIT64(13);
	FIRST("qemu", cpu_base(), r, "SAVE.CR4.RSVD");
}

/* ---- Xen ----------------------------------------------------------------------- */

static void test_xen_controls(void)
{
	const uint64_t top = UINT64_C(1) << 40;
	struct svmc_record *r;

	/* X1: IOPM page base + 2 pages below 2^N */
	r = lm();
	r->vmcb.control.iopm_base_pa = top - 0x2000;
	FAILS("xen", cpu_base(), r, "CTRL.IOPM.RANGE");
	r->vmcb.control.iopm_base_pa = top - 0x3000;
	PASSES("xen", cpu_base(), r);

	/* X2: 8 KiB copied from the unmasked base: 2^N - 0x2000 + 1 fails, kvm masks it */
	r = lm();
	r->vmcb.control.msrpm_base_pa = top - 0x2000 + 1;
	FAILS("xen", cpu_base(), r, "CTRL.MSRPM.RAW_RANGE");
	PASSES("kvm", cpu_base(), r);
	r->vmcb.control.msrpm_base_pa = top - 0x2000;
	PASSES("xen", cpu_base(), r);
	r->vmcb.control.msrpm_base_pa = ~UINT64_C(0) - 0x1000; /* wraps */
	FAILS("xen", cpu_base(), r, "CTRL.MSRPM.RAW_RANGE");

	/* no ASID, NP, vNMI checks */
	r = lm();
	r->vmcb.control.asid = 0;
	r->vmcb.control.nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	r->vmcb.control.nested_cr3 = UINT64_C(1) << 60;
	r->vmcb.save.g_pat = UINT64_C(0x0202020202020202);
	r->vmcb.control.int_ctl = V_NMI_ENABLE_MASK;
	r->vmcb.control.intercept_misc1 = 0;
	PASSES("xen", cpu_base(), r);

	/* X3.13 */
	r = lm();
	r->vmcb.control.intercept_misc2 = 0;
	FAILS("xen", cpu_base(), r, "CTRL.INTERCEPT.VMRUN");
}

static void test_xen_cr3(void)
{
	struct svmc_record *r;

	/* bits 2:0 with paging on, in every mode */
	r = legacy_pae();
	r->vmcb.save.cr3 = 0x1004;
	FAILS("xen", cpu_base(), r, "SAVE.CR3.XEN");
	r->vmcb.save.cr3 = 0x1020; /* bit 5: a PAE PDPT address bit */
	PASSES("xen", cpu_base(), r);
	r->vmcb.save.cr3 = UINT64_C(1) << 45; /* high bits: only with EFER.LMA */
	PASSES("xen", cpu_base(), r);
	FAILS("kvm", cpu_base(), r, "KVM.LATE.CR3");

	/* bits 11:5 without PAE; bits 4:3 (PWT, PCD) are fine */
	r = legacy_nopae();
	r->vmcb.save.cr3 = 0x1020;
	FAILS("xen", cpu_base(), r, "SAVE.CR3.XEN");
	r->vmcb.save.cr3 = 0x1018;
	PASSES("xen", cpu_base(), r);

	/* long mode: bits 11:5 too, whatever CR4.PCIDE (a PCID is a false positive) */
	r = lm();
	r->vmcb.save.cr4 |= CR4_PCIDE;
	r->vmcb.save.cr3 = 0x1001;
	FAILS("xen", cpu_with(SVMC_FEAT_PCID, true), r, "SAVE.CR3.XEN");
	PASSES("kvm", cpu_with(SVMC_FEAT_PCID, true), r);
	r = lm();
	r->vmcb.save.cr3 = UINT64_C(1) << 40;
	FAILS("xen", cpu_base(), r, "SAVE.CR3.XEN");
	r->vmcb.save.cr3 = UINT64_C(1) << 39;
	PASSES("xen", cpu_base(), r);

	/* the VMCB's LMA bit gates the high bits, not LME and PG */
	r = lm();
	r->vmcb.save.efer &= ~EFER_LMA;
	r->vmcb.save.cr3 = UINT64_C(1) << 40;
	PASSES("xen", cpu_base(), r);

	/* nothing with paging off */
	r = legacy_nopae();
	r->vmcb.save.cr0 &= ~CR0_PG;
	r->vmcb.save.cr3 = 0xfff;
	PASSES("xen", cpu_base(), r);
	r->vmcb.save.cr0 |= CR0_PG;
	FAILS("xen", cpu_base(), r, "SAVE.CR3.XEN");
}

static void test_xen_save(void)
{
	struct svmc_record *r;

	/* X3.9: LMA without LME fails (not a bit mask); with LME it passes */
	r = lm();
	r->vmcb.save.efer &= ~EFER_LME;
	FAILS("xen", cpu_base(), r, "SAVE.EFER.LMA_NO_LME");
	PASSES("kvm", cpu_base(), r);
	PASSES("xen", cpu_base(), lm());

	/* X3.8/X3.9: SCE needs syscall, LMSLE reserved, AUTOIBRS with auto_ibrs */
	r = lm();
	FAILS("xen", cpu_with(SVMC_FEAT_SYSCALL, false), r, "SAVE.EFER.RSVD");
	PASSES("kvm", cpu_with(SVMC_FEAT_SYSCALL, false), r);
	r->vmcb.save.efer |= EFER_LMSLE;
	FAILS("xen", cpu_base(), r, "SAVE.EFER.RSVD");
	r = lm();
	r->vmcb.save.efer |= EFER_AUTOIBRS;
	PASSES("xen", cpu_with(SVMC_FEAT_AUTOIBRS, true), r);
	FAILS("xen", cpu_base(), r, "SAVE.EFER.RSVD");

	/* X3.5: LA57 never, PKS and LASS gated, VME gated */
	r = lm();
	r->vmcb.save.cr4 |= BIT64(12);
	FAILS("xen", cpu_with(SVMC_FEAT_LA57, true), r, "SAVE.CR4.RSVD");
	PASSES("kvm", cpu_with(SVMC_FEAT_LA57, true), r);
	r = lm();
	r->vmcb.save.cr4 |= BIT64(27);
	PASSES("xen", cpu_with(SVMC_FEAT_LASS, true), r);
	FAILS("xen", cpu_base(), r, "SAVE.CR4.RSVD");
	r = lm();
	r->vmcb.save.cr4 |= CR4_VME;
	PASSES("xen", cpu_base(), r);
	FAILS("xen", cpu_with(SVMC_FEAT_VME, false), r, "SAVE.CR4.RSVD");
}

static void test_xen_eventinj(void)
{
	struct svmc_record *r = lm();

	/* X3.14: bits 30:12 fail even with V clear; no TYPE or vector rule on master */
	r->vmcb.control.event_inj = 1u << 12;
	FAILS("xen", cpu_base(), r, "CTRL.EVENTINJ.RSVD");
	PASSES("kvm", cpu_base(), r);
	r->vmcb.control.event_inj = 1u << 30;
	FAILS("xen", cpu_base(), r, "CTRL.EVENTINJ.RSVD");
	r->vmcb.control.event_inj = SVM_EVTINJ_VALID_ERR | (7u << SVM_EVTINJ_TYPE_SHIFT) | 0xff;
	PASSES("xen", cpu_base(), r); /* bits 11:0 are not reserved */
	r->vmcb.control.event_inj = (uint32_t)exception(2);
	PASSES("xen", cpu_base(), r);
	r->vmcb.control.event_inj = (uint32_t)exception(255);
	PASSES("xen", cpu_base(), r);
	r->vmcb.control.event_inj = SVM_EVTINJ_VALID | (6u << SVM_EVTINJ_TYPE_SHIFT);
	PASSES("xen", cpu_base(), r);
}

static void test_xen_order(void)
{
	struct svmc_record *r;

	/* the maps first, IOPM before MSRPM; the VMRUN intercept after the save area */
	r = lm();
	r->vmcb.control.msrpm_base_pa = ~UINT64_C(0);
	r->vmcb.control.iopm_base_pa = ~UINT64_C(0);
	r->vmcb.save.efer &= ~EFER_SVME;
	FIRST("xen", cpu_base(), r, "CTRL.IOPM.RANGE");
	r = lm();
	r->vmcb.control.intercept_misc2 = 0;
	r->vmcb.save.dr7 |= UINT64_C(1) << 40;
	FIRST("xen", cpu_base(), r, "SAVE.DR7.HIGH");
	FIRST("qemu", cpu_base(), r, "CTRL.INTERCEPT.VMRUN");
	/* DR6 after CR4 */
	r = lm();
	r->vmcb.save.dr6 |= UINT64_C(1) << 40;
	r->vmcb.save.cr4 |= BIT64(12);
	FIRST("xen", cpu_base(), r, "SAVE.CR4.RSVD");
	FIRST("kvm", cpu_base(), r, "SAVE.DR6.HIGH");
}

/* ---- Bochs --------------------------------------------------------------------- */

static void test_bochs_controls(void)
{
	const uint64_t top = UINT64_C(1) << 40;
	struct svmc_record *r;

	/* Bochs's own 40 bits decide, not the CPU's (cpu_wide: 48) */

	/* B2, B3: only the page of the base */
	r = lm();
	r->vmcb.control.iopm_base_pa = top - 0x1000;
	r->vmcb.control.msrpm_base_pa = top - 0x1000;
	PASSES("bochs", cpu_wide(), r);
	FIRST("kvm", cpu_base(), r, "CTRL.MSRPM.RANGE"); /* and the IOPM */
	r->vmcb.control.iopm_base_pa = top;
	FAILS("bochs", cpu_wide(), r, "CTRL.IOPM.RANGE");
	r->vmcb.control.iopm_base_pa = 0x20000;
	r->vmcb.control.msrpm_base_pa = top + 0xfff;
	FAILS("bochs", cpu_wide(), r, "CTRL.MSRPM.RANGE");
	PASSES("kvm", cpu_wide(), r);

	/* B4 */
	r = lm();
	r->vmcb.control.asid = 0;
	FAILS("bochs", cpu_base(), r, "CTRL.ASID.ZERO");

	/* B6: under NP, a G_PAT entry must be 0, 1, 4, 5, 6 or 7 */
	r = lm();
	r->vmcb.control.nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	PASSES("bochs", cpu_base(), r);
	r->vmcb.save.g_pat = UINT64_C(0x0007040600070402);
	FAILS("bochs", cpu_base(), r, "CTRL.NP.GPAT");
	PASSES("kvm", cpu_base(), r);
	r->vmcb.save.g_pat = UINT64_C(0x0007040600070408);
	FAILS("bochs", cpu_base(), r, "CTRL.NP.GPAT");

	/* any bit of byte 0x90 enables NP, if the CPU has npt */
	r->vmcb.control.nested_ctl = SVM_NESTED_CTL_SEV_ES_ENABLE;
	FAILS("bochs", cpu_base(), r, "CTRL.NP.GPAT");
	r->vmcb.control.nested_ctl = UINT64_C(1) << 8; /* outside the byte */
	PASSES("bochs", cpu_base(), r);
	r->vmcb.control.nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	PASSES("bochs", cpu_with(SVMC_FEAT_NPT, false), r);

	/* B7: nCR3 against 40 bits (L1 taken to be in long mode) */
	r = lm();
	r->vmcb.control.nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	r->vmcb.control.nested_cr3 = top;
	FAILS("bochs", cpu_wide(), r, "CTRL.NP.NCR3");
	PASSES("kvm", cpu_wide(), r);
	r->vmcb.control.nested_cr3 = top - 0x1000;
	PASSES("bochs", cpu_wide(), r);

	/* no vNMI rule */
	r = lm();
	r->vmcb.control.int_ctl = V_NMI_ENABLE_MASK;
	r->vmcb.control.intercept_misc1 = 0;
	PASSES("bochs", cpu_base(), r);
}

static void test_bochs_save(void)
{
	struct svmc_cpu *cpu;
	struct svmc_record *r;

	/* B16: CS.L and D in any mode; L alone passes */
	r = legacy_pae();
	r->vmcb.save.cs.attrib |= SVM_SELECTOR_L_MASK;
	FAILS("bochs", cpu_base(), r, "SAVE.CS.LD_ANY");
	r->vmcb.save.cs.attrib &= ~SVM_SELECTOR_DB_MASK;
	PASSES("bochs", cpu_base(), r);

	/* B19: PCIDE outside long mode (a CPU with pcid); in long mode it passes */
	r = legacy_pae();
	r->vmcb.save.cr4 |= CR4_PCIDE;
	FAILS("bochs", cpu_with(SVMC_FEAT_PCID, true), r, "SAVE.CR4.PCIDE_NOLM");
	PASSES("kvm", cpu_with(SVMC_FEAT_PCID, true), r);
	r = lm();
	r->vmcb.save.cr4 |= CR4_PCIDE;
	PASSES("bochs", cpu_with(SVMC_FEAT_PCID, true), r);

	/* no SAVE.LM.PE (paged real mode), no CR3 check */
	r = lm();
	r->vmcb.save.cr0 &= ~CR0_PE;
	PASSES("bochs", cpu_base(), r);
	FAILS("kvm", cpu_base(), r, "SAVE.LM.PE");
	r = lm();
	r->vmcb.save.cr3 |= UINT64_C(1) << 50;
	PASSES("bochs", cpu_base(), r);
	/* B18: long mode without PAE */
	r = lm();
	r->vmcb.save.cr4 &= ~CR4_PAE;
	FAILS("bochs", cpu_base(), r, "SAVE.LM.PAE");

	/* B12/B13: CR4[63:32] always reserved (FRED too); MCE always allowed; LAM_SUP reserved */
	r = lm();
	r->vmcb.save.cr4 |= BIT64(32);
	FAILS("bochs", cpu_with(SVMC_FEAT_FRED, true), r, "SAVE.CR4.RSVD");
	r = lm();
	r->vmcb.save.cr4 |= BIT64(28);
	FAILS("bochs", cpu_with(SVMC_FEAT_LAM, true), r, "SAVE.CR4.RSVD");
	r = lm();
	r->vmcb.save.cr4 |= BIT64(6);
	cpu = cpu_with(SVMC_FEAT_MCE, false);
	PASSES("xen", cpu, r); /* mca still there */
	svmc_featset_set(&cpu->features, SVMC_FEAT_MCA, false);
	PASSES("bochs", cpu, r);
	FAILS("xen", cpu, r, "SAVE.CR4.RSVD");
	r = lm();
	r->vmcb.save.cr4 |= BIT64(14); /* SMXE, gated on smx */
	PASSES("bochs", cpu_with(SVMC_FEAT_SMX, true), r);
	FAILS("bochs", cpu_base(), r, "SAVE.CR4.RSVD");

	/* B9: SVME and FFXSR need lm as well as their feature; SCE syscall or lm */
	r = legacy_pae();
	FAILS("bochs", cpu_with(SVMC_FEAT_LM, false), r, "SAVE.EFER.RSVD");
	r = lm();
	r->vmcb.save.efer |= EFER_FFXSR;
	PASSES("bochs", cpu_with(SVMC_FEAT_FXSR_OPT, true), r);
	FAILS("bochs", cpu_base(), r, "SAVE.EFER.RSVD");
	/* TCE: Bochs 2.7 rejects it even with the feature (the conformance suite saw it) */
	r = lm();
	r->vmcb.save.efer |= EFER_TCE;
	FAILS("bochs", cpu_with(SVMC_FEAT_TCE, true), r, "SAVE.EFER.RSVD");
	r = lm();
	PASSES("bochs", cpu_with(SVMC_FEAT_SYSCALL, false), r);
}

static void test_bochs_eventinj(void)
{
	struct svmc_record *r;
	static const unsigned valid[] = { 0, 1, 3, 4, 5, 9, 15, 20, 21, 27, 29, 31 };
	static const unsigned invalid[] = { 2, 32, 255 };

	/* B22: TYPE 3 fails for 2 and above 31; 2.7 injects #OF and #BR into a 64-bit L2 */
	exception_vectors("bochs", valid, NELEM(valid), invalid, NELEM(invalid));
	r = lm();
	r->vmcb.control.event_inj = (uint32_t)exception(31);
	FAILS("qemu", cpu_base(), r, "CTRL.EVENTINJ.VECTOR");
	/* B21 */
	r->vmcb.control.event_inj = SVM_EVTINJ_VALID | (7u << SVM_EVTINJ_TYPE_SHIFT);
	FAILS("bochs", cpu_base(), r, "CTRL.EVENTINJ.TYPE");
	r->vmcb.control.event_inj = (7u << SVM_EVTINJ_TYPE_SHIFT) | SVM_EVTINJ_RESERVED_BITS;
	PASSES("bochs", cpu_base(), r);
}

static void test_bochs_order(void)
{
	struct svmc_record *r;

	/* VMRUN intercept first, before the maps */
	r = lm();
	r->vmcb.control.intercept_misc2 = 0;
	r->vmcb.control.iopm_base_pa = ~UINT64_C(0);
	FIRST("bochs", cpu_base(), r, "CTRL.INTERCEPT.VMRUN");
	FIRST("qemu", cpu_base(), r, "CTRL.IOPM.RANGE");
	/* EFER's reserved bits (its high half first) before SVME */
	r = lm();
	r->vmcb.save.efer = (r->vmcb.save.efer & ~EFER_SVME) | (UINT64_C(1) << 32);
	FIRST("bochs", cpu_base(), r, "SAVE.EFER.RSVD");
	FIRST("kvm", cpu_base(), r, "SAVE.EFER.SVME");
	/* CD/NW late: after CS */
	r = legacy_pae();
	r->vmcb.save.cr0 = (r->vmcb.save.cr0 & ~CR0_CD) | CR0_NW;
	r->vmcb.save.cs.attrib |= SVM_SELECTOR_L_MASK;
	FIRST("bochs", cpu_base(), r, "SAVE.CS.LD_ANY");
}

/* ---- the new rows with fields unknown ---------------------------------------------- */

static void mk_any_mode(struct svmc_record *r)
{
	tvmcb_long_mode(r);
	r->vmcb.save.cr3 |= UINT64_C(1) << 40;
}

static void mk_cr3_xen(struct svmc_record *r)
{
	tvmcb_long_mode(r);
	r->vmcb.save.cr3 = 0x1004;
}

static void mk_lma_no_lme(struct svmc_record *r)
{
	tvmcb_long_mode(r);
	r->vmcb.save.efer &= ~EFER_LME;
}

static void mk_raw_range(struct svmc_record *r)
{
	tvmcb_long_mode(r);
	r->vmcb.control.msrpm_base_pa = (UINT64_C(1) << 40) - 0x1fff;
}

static void mk_evtinj_rsvd(struct svmc_record *r)
{
	tvmcb_long_mode(r);
	r->vmcb.control.event_inj = 1u << 12;
}

static void mk_cs_ld_any(struct svmc_record *r)
{
	*r = *legacy_pae();
	r->vmcb.save.cs.attrib |= SVM_SELECTOR_L_MASK;
}

static void mk_pcide_nolm(struct svmc_record *r)
{
	*r = *legacy_pae();
	r->vmcb.save.cr4 |= CR4_PCIDE;
}

static void forget(struct svmc_record *r, enum svmc_field_id f)
{
	r->known[f >> 6] &= ~(UINT64_C(1) << (f & 63));
}

/*
 * Each new row, from a record it fails: with any field it reads unknown it
 * is unevaluated, never failed or passed (what is still known agrees with
 * the failure); and where its guard is known off it passes with the other
 * fields unknown.
 */
static void test_unknown_fields(void)
{
	static const struct {
		const char *id, *model;
		void (*make)(struct svmc_record *r);
	} rows[] = {
		{ "SAVE.CR3.ANY_MODE", "qemu", mk_any_mode },
		{ "SAVE.CR3.XEN", "xen", mk_cr3_xen },
		{ "SAVE.EFER.LMA_NO_LME", "xen", mk_lma_no_lme },
		{ "CTRL.MSRPM.RAW_RANGE", "xen", mk_raw_range },
		{ "CTRL.EVENTINJ.RSVD", "xen", mk_evtinj_rsvd },
		{ "SAVE.CS.LD_ANY", "bochs", mk_cs_ld_any },
		{ "SAVE.CR4.PCIDE_NOLM", "bochs", mk_pcide_nolm },
	};
	static struct svmc_record r;
	struct svmc_result res;

	CHECK_EQ_U64(NELEM(rows),
		     SVMC_CHECK_COUNT - SVMC_CHECK_SAVE_CR3_ANY_MODE); /* every new row */
	for (size_t i = 0; i < NELEM(rows); i++) {
		enum svmc_check_id id;
		const struct svmc_check_info *ci;

		CHECK(svmc_check_lookup(rows[i].id, &id) == 0);
		ci = svmc_check_info(id);
		rows[i].make(&r);
		res = judge(rows[i].model, cpu_with(SVMC_FEAT_PCID, true), &r);
		CHECK(svmc_result_failed(&res, id));
		for (unsigned k = 0; k < ci->nfields; k++) {
			rows[i].make(&r);
			forget(&r, ci->fields[k]);
			res = judge(rows[i].model, cpu_with(SVMC_FEAT_PCID, true), &r);
			CHECK(!svmc_result_failed(&res, id));
			CHECK((res.unevaluated >> id) & 1);
		}
	}

	/* guards: Xen's CR3 rule with paging known off, or a CR3 with no bit it tests */
	r = *legacy_nopae();
	r.vmcb.save.cr0 &= ~CR0_PG;
	r.vmcb.save.cr3 = 0xfff;
	forget(&r, SVMC_F_CR3);
	forget(&r, SVMC_F_EFER);
	res = judge("xen", cpu_base(), &r);
	CHECK(!((res.unevaluated >> SVMC_CHECK_SAVE_CR3_XEN) & 1));
	mk_cr3_xen(&r);
	r.vmcb.save.cr3 = 0x1000;
	forget(&r, SVMC_F_EFER);
	forget(&r, SVMC_F_CR4);
	res = judge("xen", cpu_base(), &r);
	CHECK(!((res.unevaluated >> SVMC_CHECK_SAVE_CR3_XEN) & 1));
	CHECK(!svmc_result_failed(&res, SVMC_CHECK_SAVE_CR3_XEN));
	/* PCIDE outside long mode: long mode known, or PCIDE known clear */
	r = *lm();
	forget(&r, SVMC_F_CR4);
	res = judge("bochs", cpu_base(), &r);
	CHECK(!((res.unevaluated >> SVMC_CHECK_SAVE_CR4_PCIDE_NOLM) & 1));
	r = *legacy_pae();
	forget(&r, SVMC_F_EFER);
	res = judge("bochs", cpu_base(), &r);
	CHECK(!((res.unevaluated >> SVMC_CHECK_SAVE_CR4_PCIDE_NOLM) & 1));
}

/* ---- migrate: the thresholds and NP bits the diff names ------------------------------ */

/* The map base field a range check reads. */
static uint64_t *map_base(struct svmc_record *r, enum svmc_check_id id)
{
	return id == SVMC_CHECK_CTRL_IOPM_RANGE ? &r->vmcb.control.iopm_base_pa :
						  &r->vmcb.control.msrpm_base_pa;
}

/*
 * Every map threshold the diff of (mf on cf) -> (mt on ct) names is exact:
 * a base at `first` is accepted or rejected by that check on each side as
 * the delta says, and the base just below it is accepted by both.
 */
static unsigned check_map_thresholds(const char *mf, unsigned cf, const char *mt, unsigned ct)
{
	static struct svmc_compiled f, t;
	static struct svmc_diff df;
	static struct svmc_record r;
	struct svmc_cpu *cpu = cpu_base();
	struct svmc_result a, b;
	unsigned seen = 0;

	cpu->maxphyaddr = cf;
	CHECK(svmc_compile(&f, svmc_model_lookup(mf), cpu, NULL) == SVMC_OK);
	cpu->maxphyaddr = ct;
	CHECK(svmc_compile(&t, svmc_model_lookup(mt), cpu, NULL) == SVMC_OK);
	svmc_migrate_diff(&f, &t, &df);
	for (unsigned i = 0; i < df.nstate; i++) {
		const struct svmc_state_delta *d = &df.state[i];
		enum svmc_check_id id = d->check;

		if (d->kind != SVMC_D_ADDR ||
		    !(svmc_check_rows[id].deps & (SVMC_DEP_MSRPM | SVMC_DEP_IOPM)))
			continue;
		seen++;
		tvmcb_long_mode(&r);
		*map_base(&r, id) = d->first;
		svmc_evaluate(&f, &r, &a);
		svmc_evaluate(&t, &r, &b);
		CHECK_EQ_U64(svmc_result_failed(&a, id), !d->from);
		CHECK_EQ_U64(svmc_result_failed(&b, id), !d->to);
		*map_base(&r, id) = d->first - 1;
		svmc_evaluate(&f, &r, &a);
		svmc_evaluate(&t, &r, &b);
		CHECK(!svmc_result_failed(&a, id) && !svmc_result_failed(&b, id));
	}
	return seen;
}

static void test_migrate(void)
{
	static struct svmc_compiled f, t;
	static struct svmc_diff df;
	static struct svmc_record r;
	struct svmc_result a, b;
	bool listed = false;

	/* QEMU's one byte more: 2^N - 8 KiB newly rejected (and nothing else of the maps) */
	CHECK_EQ_U64(check_map_thresholds("kvm", 40, "qemu", 40), 1);
	/* Bochs's base pages against its own 40 bits, from a 48-bit and a 36-bit CPU */
	CHECK_EQ_U64(check_map_thresholds("kvm", 48, "bochs", 48), 2);
	CHECK_EQ_U64(check_map_thresholds("kvm", 36, "bochs", 36), 2);
	CHECK_EQ_U64(check_map_thresholds("bochs", 36, "qemu-7.2", 40), 2);
	/* Xen's unmasked base: its own check on one side, and MAXPHYADDR moving it */
	CHECK_EQ_U64(check_map_thresholds("kvm", 40, "xen", 40), 2);
	CHECK_EQ_U64(check_map_thresholds("xen", 40, "xen", 36), 2); /* and the IOPM */
	CHECK_EQ_U64(check_map_thresholds("xen", 36, "xen", 40), 2);

	/* NP on through another bit of byte 0x90: listed, and a record does flip */
	CHECK(svmc_compile(&f, svmc_model_lookup("kvm"), cpu_base(), NULL) == SVMC_OK);
	CHECK(svmc_compile(&t, svmc_model_lookup("bochs"), cpu_base(), NULL) == SVMC_OK);
	CHECK(svmc_migrate_diff(&f, &t, &df) == SVMC_MIG_INCOMPATIBLE);
	for (unsigned i = 0; i < df.nstate; i++)
		if (df.state[i].check == SVMC_CHECK_CTRL_NP_NCR3 &&
		    df.state[i].kind == SVMC_D_CHECK && df.state[i].from && !df.state[i].to &&
		    strstr(df.state[i].what, "0xfe"))
			listed = true;
	CHECK(listed);
	tvmcb_long_mode(&r);
	r.vmcb.control.nested_ctl = SVM_NESTED_CTL_SEV_ES_ENABLE;
	r.vmcb.control.nested_cr3 = UINT64_C(1) << 45;
	svmc_evaluate(&f, &r, &a);
	svmc_evaluate(&t, &r, &b);
	CHECK(a.verdict == SVMC_VMRUN && svmc_result_failed(&b, SVMC_CHECK_CTRL_NP_NCR3));

	/* a BOTH gate (Bochs's EFER.FFXSR: lm and fxsr_opt) names the feature that differs */
	CHECK(svmc_compile(&f, svmc_model_lookup("bochs"), cpu_with(SVMC_FEAT_FXSR_OPT, true),
			   NULL) == SVMC_OK);
	CHECK(svmc_compile(&t, svmc_model_lookup("bochs"), cpu_base(), NULL) == SVMC_OK);
	CHECK(svmc_migrate_diff(&f, &t, &df) == SVMC_MIG_SUBSET);
	CHECK_EQ_U64(df.nstate, 1);
	CHECK_EQ_U64(df.state[0].bit, 14);
	CHECK_EQ_U64(df.state[0].feature, SVMC_FEAT_FXSR_OPT);
	CHECK(svmc_featset_has(&df.narrow_features, SVMC_FEAT_FXSR_OPT) && !df.narrow_model);
	/* Bochs 2.7 rejects EFER.TCE whatever CPUID says (the conformance suite saw it) */
	CHECK(svmc_compile(&t, svmc_model_lookup("bochs"), cpu_with(SVMC_FEAT_TCE, true), NULL) ==
	      SVMC_OK);
	CHECK(!(t.efer_allowed & (UINT64_C(1) << 15)));
}

/* ---- what every one of them shares ----------------------------------------------- */

static void test_common(void)
{
	static const char *const names[] = { "qemu", "qemu-7.2", "bochs", "xen" };
	static const char *const actors[] = { "QEMU", "QEMU", "Bochs", "Xen" };
	static struct svmc_judge j;
	static struct svmc_record r;
	struct svmc_result res;
	char msg[512];

	for (size_t i = 0; i < 4; i++) {
		const struct svmc_model *m = svmc_model_lookup(names[i]);
		char tail[64];

		CHECK(m != NULL);
		if (!m)
			continue;
		CHECK_STREQ(m->actor, actors[i]);
		CHECK(m->restore == NULL);
		CHECK(!(m->flags & SVMC_MF_RESTORE));

		/* a nested_state record is N/A: these are not KVM */
		CHECK(svmc_judge_compile(&j, m, cpu_base(), NULL) == SVMC_OK);
		tvmcb_long_mode(&r);
		r.origin = SVMC_ORIGIN_NESTED_STATE;
		CHECK(svmc_judge_pick(&j, &r) == NULL);
		svmc_judge_evaluate(&j, &r, &res);
		CHECK_EQ_U64(res.verdict, SVMC_NA);

		/* the message names who fails VMRUN */
		tvmcb_long_mode(&r);
		r.vmcb.save.cr0 |= UINT64_C(1) << 40;
		svmc_check_message(&j.vmrun, &r.vmcb, SVMC_CHECK_SAVE_CR0_HIGH, msg, sizeof(msg));
		snprintf(tail, sizeof(tail), "; %s fails VMRUN with VMEXIT_INVALID", actors[i]);
		CHECK(strstr(msg, tail) != NULL);
	}

	/* the new rows' sentences, on a failing record */
	CHECK(svmc_judge_compile(&j, svmc_model_lookup("xen"), cpu_base(), NULL) == SVMC_OK);
	tvmcb_long_mode(&r);
	r.vmcb.control.event_inj = 0x00003000;
	svmc_check_message(&j.vmrun, &r.vmcb, SVMC_CHECK_CTRL_EVENTINJ_RSVD, msg, sizeof(msg));
	CHECK_STREQ(msg, "EVENTINJ is 0x00003000: reserved bits 30:12 hold 0x00003 (checked even "
			 "when the valid bit 31 is clear); Xen fails VMRUN with VMEXIT_INVALID");
	r.vmcb.control.msrpm_base_pa = (UINT64_C(1) << 40) - 0x1800;
	svmc_check_message(&j.vmrun, &r.vmcb, SVMC_CHECK_CTRL_MSRPM_RAW_RANGE, msg, sizeof(msg));
	CHECK_STREQ(msg, "the MSR permission map read from 0x000000ffffffe800 (the base as given, "
			 "bits 11:0 kept; 8 KiB) ends at 0x00000100000007ff, beyond MAXPHYADDR 40 "
			 "(physical addresses end at 0x000000ffffffffff); Xen fails VMRUN with "
			 "VMEXIT_INVALID");
	CHECK(svmc_judge_compile(&j, svmc_model_lookup("bochs"), cpu_base(), NULL) == SVMC_OK);
	CHECK_EQ_U64(j.vmrun.maxphyaddr, 40);
	r.vmcb.control.iopm_base_pa = UINT64_C(1) << 40;
	svmc_check_message(&j.vmrun, &r.vmcb, SVMC_CHECK_CTRL_IOPM_RANGE, msg, sizeof(msg));
	CHECK_STREQ(msg,
		    "the I/O permission map at 0x0000010000000000 (1 byte) starts beyond "
		    "MAXPHYADDR 40 (physical addresses end at 0x000000ffffffffff); Bochs fails "
		    "VMRUN with VMEXIT_INVALID");
}

int main(void)
{
	for (size_t i = 0; i < 2; i++) {
		test_qemu_controls(qemus[i]);
		test_qemu_save(qemus[i]);
		test_qemu_eventinj(qemus[i]);
	}
	test_qemu_cr4_versions();
	test_qemu_order();
	test_xen_controls();
	test_xen_cr3();
	test_xen_save();
	test_xen_eventinj();
	test_xen_order();
	test_bochs_controls();
	test_bochs_save();
	test_bochs_eventinj();
	test_bochs_order();
	test_unknown_fields();
	test_migrate();
	test_common();
	return tcheck_done("test_peers");
}
