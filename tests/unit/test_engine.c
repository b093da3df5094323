/*
 * test_engine.c - the check table, the models and the engine, check by
 * check: for every check in every model that applies it, a VMCB that fails
 * only that check and one that passes it at the boundary; models that do
 * not apply a check must not report it.  Also: unknown fields (INCOMPLETE
 * and guards: from a record failing only one check, each field it reads
 * made unknown must leave it unevaluated; a check passed by its guard must
 * pass for every value of the unknown field), `first` in each model's order
 * (peeling records that fail nearly every check, against orders written
 * out here), the model tables themselves, and messages.  The same for the
 * restore forms of KVM's models (KVM_SET_NESTED_STATE: header checks,
 * NSTATE.L1.*, verdicts RESTORED/EINVAL).  Expected values are worked out
 * from APM 15.5.1 and KVM's nested_vmcb_check_save()/_controls() and
 * svm_set_nested_state() by hand, not taken from the program.
 */
#include <stdlib.h>
#include <string.h>

#include "svmcheck/check.h"
#include "tcheck.h"
#include "vmcb/svm_bits.h"

#define B(n) (UINT64_C(1) << (n))

/*
 * The VMRUN models first (NMODELS): KVM's and the APM's (NHOT, whose CR4,
 * EFER, address and CR3 rules the tests below spell out bit by bit), then
 * the peers' (QEMU, Bochs, Xen: their own rules are in test_peers.c, here
 * every check in every model); then the restore forms of KVM's
 * (KVM_SET_NESTED_STATE, reached through model->restore): NFORMS in all.
 */
static const char *const model_names[] = {
	"kvm",         "kvm-legacy",         "kvm-v1",        "apm",
	"qemu",        "qemu-7.2",           "bochs",         "xen",
	"kvm/restore", "kvm-legacy/restore", "kvm-v1/restore"
};
#define NHOT 4
#define NMODELS 8
#define NFORMS 11
#define RESTORE_SUFFIX "/restore"

/* ---- fixtures ------------------------------------------------------------ */

static struct svmc_cpu cpu_buf;

/* An SVM CPU with the leaf-1 basics, long mode, NX, SYSCALL, NPT; MAXPHYADDR 48. */
static struct svmc_cpu *base_cpu(void)
{
	static const enum svmc_feature f[] = {
		SVMC_FEAT_VME,     SVMC_FEAT_DE,  SVMC_FEAT_PSE, SVMC_FEAT_TSC,  SVMC_FEAT_PAE,
		SVMC_FEAT_MCE,     SVMC_FEAT_PGE, SVMC_FEAT_MCA, SVMC_FEAT_FXSR, SVMC_FEAT_SSE,
		SVMC_FEAT_SYSCALL, SVMC_FEAT_NX,  SVMC_FEAT_LM,  SVMC_FEAT_SVM,  SVMC_FEAT_NPT,
	};
	memset(&cpu_buf, 0, sizeof(cpu_buf));
	snprintf(cpu_buf.name, sizeof(cpu_buf.name), "test");
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		svmc_featset_set(&cpu_buf.features, f[i], true);
	cpu_buf.maxphyaddr = 48;
	return &cpu_buf;
}

/* "kvm" is kvm's VMRUN model, "kvm/restore" its restore form. */
static const struct svmc_model *model_get(const char *name)
{
	const char *sl = strchr(name, '/');
	char base[32];
	const struct svmc_model *m;

	if (!sl)
		return svmc_model_lookup(name);
	CHECK(strcmp(sl, RESTORE_SUFFIX) == 0 && (size_t)(sl - name) < sizeof(base));
	snprintf(base, sizeof(base), "%.*s", (int)(sl - name), name);
	m = svmc_model_lookup(base);
	return m ? m->restore : NULL;
}

static bool is_restore(const char *name)
{
	return strchr(name, '/') != NULL;
}

static void compile(struct svmc_compiled *c, const char *model, const struct svmc_cpu *cpu)
{
	const struct svmc_model *m = model_get(model);
	CHECK(m != NULL);
	enum svmc_err e = svmc_compile(c, m, cpu, NULL);
	CHECK(e == SVMC_OK || (e == SVMC_ERR_NOSVM && !svmc_cpu_has(cpu, SVMC_FEAT_SVM)));
}

/*
 * A valid 64-bit guest: EFER SCE|LME|LMA|NXE|SVME, CR0 PE|MP|ET|NE|WP|AM|PG,
 * CR4 PAE|PGE|OSFXSR|OSXMMEXCPT, CS L=1 D=0, VMRUN intercepted, ASID 1,
 * page-aligned MSRPM/IOPM low in memory, no NP, no event, PAT default.
 * The nested-state header of a blob taken in guest mode goes with it (read
 * only by the restore forms): GUEST_MODE, format 1, size 4224, vmcb_pa 0x1000.
 */
static void baseline(struct svmc_record *r)
{
	svmc_record_clear(r);
	struct svmc_vmcb *v = &r->vmcb;
	v->save.efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_SVME; /* 0x1d01 */
	v->save.cr0 = 0x80050033;
	v->save.cr4 = CR4_PAE | CR4_PGE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	v->save.cr3 = 0x1000;
	v->save.dr6 = 0xffff0ff0;
	v->save.dr7 = 0x400;
	v->save.cs.attrib = 0x029b; /* P, S, code, L */
	v->save.g_pat = UINT64_C(0x0007040600070406);
	v->control.intercept_misc2 = INTERCEPT2_VMRUN;
	v->control.asid = 1;
	v->control.msrpm_base_pa = 0x10000;
	v->control.iopm_base_pa = 0x20000;
	svmc_mark_all_known(r);
	r->nstate.flags = SVMC_NSTATE_GUEST_MODE;
	r->nstate.format = SVMC_NSTATE_FORMAT_SVM;
	r->nstate.size = SVMC_NSTATE_FULL_SIZE;
	r->nstate.vmcb_pa = 0x1000;
	r->nstate.known = SVMC_NSK_ALL;
}

/* Legacy PAE paging (not long mode): LME/LMA clear, CS 32-bit. */
static void legacy_pae(struct svmc_record *r)
{
	baseline(r);
	r->vmcb.save.efer = EFER_SCE | EFER_NXE | EFER_SVME;
	r->vmcb.save.cs.attrib = 0x0c9b;
}

static struct svmc_result run(const char *model, const struct svmc_cpu *cpu,
			      const struct svmc_record *r)
{
	struct svmc_compiled c;
	struct svmc_result res;
	compile(&c, model, cpu);
	svmc_evaluate(&c, r, &res);
	return res;
}

static bool applies(const char *model, enum svmc_check_id id)
{
	return svmc_model_applies(model_get(model), id);
}

/* ---- one failing and one passing VMCB per check ---------------------------- */

static bool in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; (p = strstr(p, name)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

/*
 * Each mutator makes r fail `id` (fail=true) or pass it at the boundary of
 * model m, on cpu (which it may give a feature the record needs).
 */
typedef void (*mutator)(struct svmc_record *r, struct svmc_cpu *cpu, const struct svmc_model *m,
			bool fail);

/* The physical-address width m's checks use: its own (Bochs) or the CPU's. */
static unsigned width(const struct svmc_model *m, const struct svmc_cpu *cpu)
{
	return m->maxphyaddr ? m->maxphyaddr : cpu->maxphyaddr;
}

/*
 * The first page base at which a map of `size` bytes reaches past 2^w: the
 * last legal one is the page of 2^w - size (8 KiB: 2^w - 8 KiB; QEMU's
 * 8 KiB + 1: 2^w - 12 KiB; Bochs's base page only: 2^w - 4 KiB).
 */
static uint64_t map_first_bad(unsigned w, uint64_t size)
{
	return ((B(w) - size) & ~UINT64_C(0xfff)) + 0x1000;
}

static void mu_efer_svme(struct svmc_record *r, struct svmc_cpu *cpu, const struct svmc_model *m,
			 bool fail)
{
	(void)cpu;
	(void)m;
	if (fail)
		r->vmcb.save.efer &= ~EFER_SVME;
}
static void mu_cr0_cd_nw(struct svmc_record *r, struct svmc_cpu *cpu, const struct svmc_model *m,
			 bool fail)
{
	(void)cpu;
	(void)m;
	r->vmcb.save.cr0 |= fail ? CR0_NW : (CR0_NW | CR0_CD);
}
static void mu_cr0_high(struct svmc_record *r, struct svmc_cpu *cpu, const struct svmc_model *m,
			bool fail)
{
	(void)cpu;
	(void)m;
	r->vmcb.save.cr0 |= fail ? B(32) : B(31);
}
static void mu_dr6_high(struct svmc_record *r, struct svmc_cpu *cpu, const struct svmc_model *m,
			bool fail)
{
	(void)cpu;
	(void)m;
	r->vmcb.save.dr6 = fail ? B(32) | 0xffff0ff0 : 0xffffffff;
}
static void mu_dr7_high(struct svmc_record *r, struct svmc_cpu *cpu, const struct svmc_model *m,
			bool fail)
{
	(void)cpu;
	(void)m;
	r->vmcb.save.dr7 = fail ? B(63) | 0x400 : 0xffffffff;
}
static void mu_lm_pae(struct svmc_record *r, struct svmc_cpu *cpu, const struct svmc_model *m,
		      bool fail)
{
	(void)cpu;
	(void)m;
	if (fail)
		r->vmcb.save.cr4 &= ~CR4_PAE;
	else { /* PAE clear is fine outside long mode (LME clear) */
		legacy_pae(r);
		r->vmcb.save.cr4 &= ~CR4_PAE;
	}
}
static void mu_lm_pe(struct svmc_record *r, struct svmc_cpu *cpu, const struct svmc_model *m,
		     bool fail)
{
	(void)cpu;
	(void)m;
	if (fail)
		r->vmcb.save.cr0 &= ~CR0_PE;
	else { /* paged real mode is legal outside long mode */
		legacy_pae(r);
		r->vmcb.save.cr0 &= ~CR0_PE;
	}
}
static void mu_cr3_mbz(struct svmc_record *r, struct svmc_cpu *cpu, const struct svmc_model *m,
		       bool fail)
{
	unsigned w = width(m, cpu);
	r->vmcb.save.cr3 = fail ? B(w) : B(w) - 0x1000;
}
static void mu_lm_cs_ld(struct svmc_record *r, struct svmc_cpu *cpu, const struct svmc_model *m,
			bool fail)
{
	(void)cpu;
	(void)m;
	if (fail)
		r->vmcb.save.cs.attrib |= SVM_SELECTOR_DB_MASK;
	else /* L and D both set is only illegal in long mode */
		legacy_pae(r), r->vmcb.save.cs.attrib |= SVM_SELECTOR_L_MASK | SVM_SELECTOR_DB_MASK;
}
static void mu_cr4_rsvd(struct svmc_record *r, struct svmc_cpu *cpu, const struct svmc_model *m,
			bool fail)
{
	(void)cpu;
	(void)m;
	r->vmcb.save.cr4 |= fail ? B(15) : CR4_PCE;
}
static void mu_efer_rsvd(struct svmc_record *r, struct svmc_cpu *cpu, const struct svmc_model *m,
			 bool fail)
{
	(void)cpu;
	(void)m;
	r->vmcb.save.efer |= fail ? B(1) : 0;
}
static void mu_np_gpat(struct svmc_record *r, struct svmc_cpu *cpu, const struct svmc_model *m,
		       bool fail)
{
	(void)cpu;
	(void)m;
	r->vmcb.control.nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	r->vmcb.control.nested_cr3 = 0x3000;
	/* PA3 = 2 is reserved; 7 (UC-) is the largest legal type */
	r->vmcb.save.g_pat = fail ? UINT64_C(0x0007040602070406) : UINT64_C(0x0707070707070707);
}
static void mu_vmrun(struct svmc_record *r, struct svmc_cpu *cpu, const struct svmc_model *m,
		     bool fail)
{
	(void)cpu;
	(void)m;
	r->vmcb.control.intercept_misc2 = fail ? INTERCEPT2_VMMCALL : 0xffffffff;
}
static void mu_asid(struct svmc_record *r, struct svmc_cpu *cpu, const struct svmc_model *m,
		    bool fail)
{
	(void)cpu;
	(void)m;
	r->vmcb.control.asid = fail ? 0 : 0xffffffff;
}
static void mu_ncr3(struct svmc_record *r, struct svmc_cpu *cpu, const struct svmc_model *m,
		    bool fail)
{
	unsigned w = width(m, cpu);
	r->vmcb.control.nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	r->vmcb.control.nested_cr3 = fail ? B(w) : B(w) - 0x1000;
}
static void mu_msrpm(struct svmc_record *r, struct svmc_cpu *cpu, const struct svmc_model *m,
		     bool fail)
{
	uint64_t bad = map_first_bad(width(m, cpu), m->msrpm_size);
	/* the last legal page base, with bits 11:0 (ignored) all set */
	r->vmcb.control.msrpm_base_pa = fail ? bad : bad - 0x1000 + 0xfff;
}
static void mu_iopm(struct svmc_record *r, struct svmc_cpu *cpu, const struct svmc_model *m,
		    bool fail)
{
	uint64_t bad = map_first_bad(width(m, cpu), m->iopm_size);
	r->vmcb.control.iopm_base_pa = fail ? bad : bad - 0x1000;
}
static void mu_vnmi(struct svmc_record *r, struct svmc_cpu *cpu, const struct svmc_model *m,
		    bool fail)
{
	(void)cpu;
	(void)m;
	r->vmcb.control.int_ctl = V_NMI_ENABLE_MASK;
	if (!fail)
		r->vmcb.control.intercept_misc1 = INTERCEPT1_NMI;
}
static void mu_sev(struct svmc_record *r, struct svmc_cpu *cpu, const struct svmc_model *m,
		   bool fail)
{
	(void)cpu;
	(void)m;
	r->vmcb.control.nested_ctl = SVM_NESTED_CTL_SEV_ENABLE | SVM_NESTED_CTL_SEV_ES_ENABLE;
	r->vmcb.control.allowed_sev_features = VMCB_ALLOWED_SEV_FEATURES_VALID | 0x5;
	/* bit 63 of guest_sev_features is exempt */
	r->vmcb.control.guest_sev_features = fail ? 0x6 : (B(63) | 0x5);
}
static void mu_evtinj_type(struct svmc_record *r, struct svmc_cpu *cpu, const struct svmc_model *m,
			   bool fail)
{
	(void)cpu;
	(void)m;
	r->vmcb.control.event_inj = SVM_EVTINJ_VALID | ((fail ? 5u : 4u) << 8) | 0x80;
}
static void mu_evtinj_vector(struct svmc_record *r, struct svmc_cpu *cpu,
			     const struct svmc_model *m, bool fail)
{
	(void)cpu;
	(void)m;
	/*
	 * 32, the first vector past the exceptions, fails under every rule (15,
	 * reserved for KVM and the APM, is fine for QEMU and Bochs); 13 (#GP)
	 * with an error code is fine
	 */
	r->vmcb.control.event_inj = SVM_EVTINJ_VALID | (3u << 8) | (fail ? 32u : 13u) |
				    (fail ? 0 : SVM_EVTINJ_VALID_ERR);
}
static void mu_late_cr3(struct svmc_record *r, struct svmc_cpu *cpu, const struct svmc_model *m,
			bool fail)
{
	unsigned w = width(m, cpu);
	legacy_pae(r);
	r->vmcb.save.cr3 = fail ? B(w) | 0x1000 : B(w) - 0x1000;
}
/* the header checks: only the restore forms read r->nstate */
static void mu_ns_format(struct svmc_record *r, struct svmc_cpu *cpu, const struct svmc_model *m,
			 bool fail)
{
	(void)cpu;
	(void)m;
	r->nstate.format = fail ? 0 : 1; /* 0 is VMX's */
}
static void mu_ns_flags(struct svmc_record *r, struct svmc_cpu *cpu, const struct svmc_model *m,
			bool fail)
{
	(void)cpu;
	(void)m;
	/* 0x4 (VMX's EVMCS) is not SVM's; GUEST_MODE stays, so the rest is checked */
	r->nstate.flags = fail ? 0x105 : 0x103;
}
static void mu_ns_vmcb_pa(struct svmc_record *r, struct svmc_cpu *cpu, const struct svmc_model *m,
			  bool fail)
{
	unsigned w = width(m, cpu);
	/* page-aligned both: the last page below MAXPHYADDR, and the bit at it */
	r->nstate.vmcb_pa = fail ? B(w) : B(w) - 0x1000;
}
static void mu_ns_size(struct svmc_record *r, struct svmc_cpu *cpu, const struct svmc_model *m,
		       bool fail)
{
	(void)cpu;
	(void)m;
	r->nstate.size = fail ? 128 + 4096 - 1 : 128 + 4096;
}
static void mu_l1_cr0_pg(struct svmc_record *r, struct svmc_cpu *cpu, const struct svmc_model *m,
			 bool fail)
{
	(void)cpu;
	(void)m;
	/* with PG clear, long mode is off: no long-mode check fires */
	if (fail)
		r->vmcb.save.cr0 &= ~CR0_PG;
}
static void mu_l1_cr0_pe(struct svmc_record *r, struct svmc_cpu *cpu, const struct svmc_model *m,
			 bool fail)
{
	(void)cpu;
	(void)m;
	/* outside long mode, or SAVE.LM.PE fails too */
	legacy_pae(r);
	if (fail)
		r->vmcb.save.cr0 &= ~CR0_PE;
}
static void mu_l1_rflags_vm(struct svmc_record *r, struct svmc_cpu *cpu, const struct svmc_model *m,
			    bool fail)
{
	(void)cpu;
	(void)m;
	/* VM is bit 17; RF (16) and AC (18) around it are fine; bit 1 is always 1 */
	r->vmcb.save.rflags = fail ? B(17) | 0x2 : B(16) | B(18) | 0x2;
}
/* the peers' checks (src/check/models.c: QEMU, Bochs, Xen) */
static void mu_cr3_any_mode(struct svmc_record *r, struct svmc_cpu *cpu, const struct svmc_model *m,
			    bool fail)
{
	unsigned w = width(m, cpu);
	/* outside long mode, where no kvm or apm CR3 rule but KVM's late load looks */
	legacy_pae(r);
	r->vmcb.save.cr3 = fail ? B(w) | 0x1000 : B(w) - 0x1000;
}
static void mu_cr3_xen(struct svmc_record *r, struct svmc_cpu *cpu, const struct svmc_model *m,
		       bool fail)
{
	(void)cpu;
	(void)m;
	/* with paging on, bit 2 is reserved in every mode; PWT and PCD (4:3) never */
	r->vmcb.save.cr3 |= fail ? B(2) : B(4) | B(3);
}
static void mu_efer_lma_no_lme(struct svmc_record *r, struct svmc_cpu *cpu,
			       const struct svmc_model *m, bool fail)
{
	(void)cpu;
	(void)m;
	/* PAE paging, CS 32-bit: with LME as well it is compatibility mode */
	legacy_pae(r);
	r->vmcb.save.efer |= fail ? EFER_LMA : EFER_LMA | EFER_LME;
}
static void mu_msrpm_raw(struct svmc_record *r, struct svmc_cpu *cpu, const struct svmc_model *m,
			 bool fail)
{
	/* the 8 KiB from the base as given end at 2^w - 1, or one byte past it */
	r->vmcb.control.msrpm_base_pa = B(width(m, cpu)) - 0x2000 + (fail ? 1 : 0);
}
static void mu_evtinj_rsvd(struct svmc_record *r, struct svmc_cpu *cpu, const struct svmc_model *m,
			   bool fail)
{
	(void)cpu;
	(void)m;
	/* bit 12 alone, V clear; or #GP with an error code: bits 31 and 11 around 30:12 */
	r->vmcb.control.event_inj =
		fail ? (uint32_t)B(12) : SVM_EVTINJ_VALID | SVM_EVTINJ_VALID_ERR | (3u << 8) | 13u;
}
static void mu_cs_ld_any(struct svmc_record *r, struct svmc_cpu *cpu, const struct svmc_model *m,
			 bool fail)
{
	(void)cpu;
	(void)m;
	/* outside long mode, where SAVE.LM.CS_LD has nothing to say; D is set there */
	legacy_pae(r);
	r->vmcb.save.cs.attrib |= SVM_SELECTOR_L_MASK;
	if (!fail)
		r->vmcb.save.cs.attrib &= ~SVM_SELECTOR_DB_MASK;
}
static void mu_cr4_pcide_nolm(struct svmc_record *r, struct svmc_cpu *cpu,
			      const struct svmc_model *m, bool fail)
{
	(void)m;
	/* a CPU with pcid, so that CR4.PCIDE is not reserved; long mode passes */
	svmc_featset_set(&cpu->features, SVMC_FEAT_PCID, true);
	if (fail)
		legacy_pae(r);
	r->vmcb.save.cr4 |= CR4_PCIDE;
}

/* the restore forms (svm_set_nested_state(): every check of the VMRUN model but
 * KVM.LATE.CR3, plus the header and L1 checks); RS_NEW: without kvm-legacy's */
#define RS_ALL " kvm/restore kvm-legacy/restore kvm-v1/restore"
#define RS_NEW " kvm/restore kvm-v1/restore"
static const struct {
	enum svmc_check_id id;
	mutator mu;
	const char *models; /* the models that apply it, hand-listed from svmcheck-checks(1) */
	/*
	 * Restore forms only: checks that also fail with the failing record
	 * (rfail_also) or fail with the passing one (rpass_fails), because L1's
	 * own checks (NSTATE.L1.*) read the same bits.
	 */
	svmc_checkset rfail_also, rpass_fails;
} cases[] = {
	{ SVMC_CHECK_SAVE_EFER_SVME, mu_efer_svme,
	  "kvm kvm-legacy kvm-v1 apm qemu qemu-7.2 bochs xen" RS_ALL, 0, 0 },
	{ SVMC_CHECK_SAVE_CR0_CD_NW, mu_cr0_cd_nw,
	  "kvm kvm-legacy kvm-v1 apm qemu qemu-7.2 bochs xen" RS_ALL, 0, 0 },
	{ SVMC_CHECK_SAVE_CR0_HIGH, mu_cr0_high,
	  "kvm kvm-legacy kvm-v1 apm qemu qemu-7.2 bochs xen" RS_ALL, 0, 0 },
	{ SVMC_CHECK_SAVE_DR6_HIGH, mu_dr6_high,
	  "kvm kvm-legacy kvm-v1 apm qemu qemu-7.2 bochs xen" RS_ALL, 0, 0 },
	{ SVMC_CHECK_SAVE_DR7_HIGH, mu_dr7_high,
	  "kvm kvm-legacy kvm-v1 apm qemu qemu-7.2 bochs xen" RS_ALL, 0, 0 },
	{ SVMC_CHECK_SAVE_LM_PAE, mu_lm_pae,
	  "kvm kvm-legacy kvm-v1 apm qemu qemu-7.2 bochs xen" RS_ALL, 0, 0 },
	/* PE clear: L1's CR0.PE check fails first, in long mode or not */
	{ SVMC_CHECK_SAVE_LM_PE, mu_lm_pe, "kvm kvm-legacy kvm-v1 apm qemu qemu-7.2 xen" RS_ALL,
	  SVMC_CHECK_BIT(SVMC_CHECK_NSTATE_L1_CR0_PE),
	  SVMC_CHECK_BIT(SVMC_CHECK_NSTATE_L1_CR0_PE) },
	{ SVMC_CHECK_SAVE_CR3_MBZ, mu_cr3_mbz, "kvm kvm-legacy kvm-v1 apm" RS_ALL, 0, 0 },
	{ SVMC_CHECK_SAVE_LM_CS_LD, mu_lm_cs_ld, "kvm kvm-v1 apm qemu qemu-7.2 xen" RS_NEW, 0, 0 },
	{ SVMC_CHECK_SAVE_CR4_RSVD, mu_cr4_rsvd,
	  "kvm kvm-legacy kvm-v1 apm qemu qemu-7.2 bochs xen" RS_ALL, 0, 0 },
	{ SVMC_CHECK_SAVE_EFER_RSVD, mu_efer_rsvd,
	  "kvm kvm-legacy kvm-v1 apm qemu qemu-7.2 bochs xen" RS_ALL, 0, 0 },
	{ SVMC_CHECK_CTRL_NP_GPAT, mu_np_gpat, "apm bochs", 0, 0 },
	{ SVMC_CHECK_CTRL_INTERCEPT_VMRUN, mu_vmrun,
	  "kvm kvm-legacy kvm-v1 apm qemu qemu-7.2 bochs xen" RS_ALL, 0, 0 },
	{ SVMC_CHECK_CTRL_ASID_ZERO, mu_asid,
	  "kvm kvm-legacy kvm-v1 apm qemu qemu-7.2 bochs" RS_ALL, 0, 0 },
	{ SVMC_CHECK_CTRL_NP_NCR3, mu_ncr3, "kvm kvm-v1 apm bochs" RS_NEW, 0, 0 },
	{ SVMC_CHECK_CTRL_MSRPM_RANGE, mu_msrpm,
	  "kvm kvm-legacy kvm-v1 apm qemu qemu-7.2 bochs" RS_ALL, 0, 0 },
	{ SVMC_CHECK_CTRL_IOPM_RANGE, mu_iopm,
	  "kvm kvm-legacy kvm-v1 apm qemu qemu-7.2 bochs xen" RS_ALL, 0, 0 },
	{ SVMC_CHECK_CTRL_VNMI_NMI_INTERCEPT, mu_vnmi, "kvm kvm-legacy kvm-v1" RS_ALL, 0, 0 },
	{ SVMC_CHECK_CTRL_SEV_ALLOWED_FEATURES, mu_sev, "apm", 0, 0 },
	{ SVMC_CHECK_CTRL_EVENTINJ_TYPE, mu_evtinj_type,
	  "kvm kvm-v1 apm qemu qemu-7.2 bochs" RS_NEW, 0, 0 },
	{ SVMC_CHECK_CTRL_EVENTINJ_VECTOR, mu_evtinj_vector,
	  "kvm kvm-v1 apm qemu qemu-7.2 bochs" RS_NEW, 0, 0 },
	{ SVMC_CHECK_KVM_LATE_CR3, mu_late_cr3, "kvm kvm-legacy kvm-v1", 0, 0 },
	{ SVMC_CHECK_NSTATE_FORMAT, mu_ns_format, RS_ALL + 1, 0, 0 },
	{ SVMC_CHECK_NSTATE_FLAGS, mu_ns_flags, RS_ALL + 1, 0, 0 },
	{ SVMC_CHECK_NSTATE_VMCB_PA, mu_ns_vmcb_pa, RS_ALL + 1, 0, 0 },
	{ SVMC_CHECK_NSTATE_SIZE, mu_ns_size, RS_ALL + 1, 0, 0 },
	{ SVMC_CHECK_NSTATE_L1_CR0_PG, mu_l1_cr0_pg, RS_ALL + 1, 0, 0 },
	{ SVMC_CHECK_NSTATE_L1_CR0_PE, mu_l1_cr0_pe, RS_ALL + 1, 0, 0 },
	{ SVMC_CHECK_NSTATE_L1_RFLAGS_VM, mu_l1_rflags_vm, RS_ALL + 1, 0, 0 },
	{ SVMC_CHECK_SAVE_CR3_ANY_MODE, mu_cr3_any_mode, "qemu qemu-7.2", 0, 0 },
	{ SVMC_CHECK_SAVE_CR3_XEN, mu_cr3_xen, "xen", 0, 0 },
	{ SVMC_CHECK_SAVE_EFER_LMA_NO_LME, mu_efer_lma_no_lme, "xen", 0, 0 },
	{ SVMC_CHECK_CTRL_MSRPM_RAW_RANGE, mu_msrpm_raw, "xen", 0, 0 },
	{ SVMC_CHECK_CTRL_EVENTINJ_RSVD, mu_evtinj_rsvd, "xen", 0, 0 },
	{ SVMC_CHECK_SAVE_CS_LD_ANY, mu_cs_ld_any, "bochs", 0, 0 },
	{ SVMC_CHECK_SAVE_CR4_PCIDE_NOLM, mu_cr4_pcide_nolm, "bochs", 0, 0 },
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

#define BIT(x) SVMC_CHECK_BIT(SVMC_CHECK_##x)
/*
 * The same for the peers' models: checks of theirs that also fail with a
 * case's failing record (fail_also) or fail with its passing one
 * (pass_fails), because their own rows read the same bits.
 */
static const struct {
	enum svmc_check_id id;
	const char *models;
	svmc_checkset fail_also, pass_fails;
} peer_also[] = {
	/* CS.L and D both set fail Bochs in any mode */
	{ SVMC_CHECK_SAVE_LM_CS_LD, "bochs", BIT(SAVE_CS_LD_ANY), BIT(SAVE_CS_LD_ANY) },
	/* a CR3 bit at MAXPHYADDR: QEMU in any mode, Xen with EFER.LMA */
	{ SVMC_CHECK_SAVE_CR3_MBZ, "qemu qemu-7.2", BIT(SAVE_CR3_ANY_MODE), 0 },
	{ SVMC_CHECK_SAVE_CR3_MBZ, "xen", BIT(SAVE_CR3_XEN), 0 },
	/* outside long mode: QEMU's CR3 check has no mode */
	{ SVMC_CHECK_KVM_LATE_CR3, "qemu qemu-7.2", BIT(SAVE_CR3_ANY_MODE), 0 },
	{ SVMC_CHECK_SAVE_CR3_ANY_MODE, "kvm kvm-legacy kvm-v1", BIT(KVM_LATE_CR3), 0 },
	/* Xen keeps bits 11:0 of the MSRPM base: the page-masked cases' maps reach further */
	{ SVMC_CHECK_CTRL_MSRPM_RANGE, "xen", BIT(CTRL_MSRPM_RAW_RANGE),
	  BIT(CTRL_MSRPM_RAW_RANGE) },
	/* QEMU's map is one byte longer than the 8 KiB the raw case ends on */
	{ SVMC_CHECK_CTRL_MSRPM_RAW_RANGE, "qemu qemu-7.2", BIT(CTRL_MSRPM_RANGE),
	  BIT(CTRL_MSRPM_RANGE) },
};
#undef BIT
#define NPEER_ALSO (sizeof(peer_also) / sizeof(peer_also[0]))

/* What else case i's failing record fails under model, and what its passing one does. */
static void case_extra(size_t i, const char *model, svmc_checkset *fail_also,
		       svmc_checkset *pass_fails)
{
	bool rs = is_restore(model);

	*fail_also = rs ? cases[i].rfail_also : 0;
	*pass_fails = rs ? cases[i].rpass_fails : 0;
	for (size_t k = 0; k < NPEER_ALSO; k++)
		if (peer_also[k].id == cases[i].id && in_list(peer_also[k].models, model)) {
			*fail_also |= peer_also[k].fail_also;
			*pass_fails |= peer_also[k].pass_fails;
		}
}

/* The check of set that model m reports first: the earliest in its order; -1 if none. */
static int first_of(const char *model, svmc_checkset set)
{
	const struct svmc_model *m = model_get(model);

	for (unsigned k = 0; k < m->norder; k++)
		if ((set >> m->order[k]) & 1)
			return m->order[k];
	return -1;
}

/*
 * Under a VMRUN model a failing record is VMEXIT_INVALID, a passing one
 * VMRUN; under a restore form EINVAL and RESTORED.
 */
static enum svmc_verdict want_verdict(const char *model, bool fails)
{
	if (is_restore(model))
		return fails ? SVMC_EINVAL : SVMC_RESTORED;
	return fails ? SVMC_VMEXIT_INVALID : SVMC_VMRUN;
}

static void test_every_check(void)
{
	struct svmc_record r;
	char msg[512];

	CHECK(NCASES == SVMC_CHECK_COUNT);
	for (size_t i = 0; i < NCASES; i++) {
		const char *idname = svmc_check_info(cases[i].id)->name;
		for (unsigned mi = 0; mi < NFORMS; mi++) {
			const char *model = model_names[mi];
			const struct svmc_model *m = model_get(model);
			bool want = in_list(cases[i].models, model);
			bool rs = is_restore(model);
			svmc_checkset also, pass_fails;
			struct svmc_result res;
			struct svmc_cpu *cpu;

			case_extra(i, model, &also, &pass_fails);
			if (applies(model, cases[i].id) != want) {
				fprintf(stderr, "%s: %s applies=%d, expected %d\n", idname, model,
					applies(model, cases[i].id), want);
				CHECK(0);
			}

			/* failing record: exactly this check fails under models that apply it */
			baseline(&r);
			cpu = base_cpu();
			cases[i].mu(&r, cpu, m, true);
			res = run(model, cpu, &r);
			if (want) {
				if (res.failed != (SVMC_CHECK_BIT(cases[i].id) | also))
					fprintf(stderr, "%s under %s: failed=0x%llx\n", idname,
						model, (unsigned long long)res.failed);
				CHECK_EQ_U64(res.failed, SVMC_CHECK_BIT(cases[i].id) | also);
				/* e.g. NSTATE.L1.* come before the save checks */
				CHECK(res.first ==
				      first_of(model, SVMC_CHECK_BIT(cases[i].id) | also));
				CHECK(res.verdict == want_verdict(model, true));
				struct svmc_compiled c;
				compile(&c, model, cpu);
				size_t len =
					svmc_record_message(&c, &r, cases[i].id, msg, sizeof(msg));
				CHECK(len > 40 && len < sizeof(msg));
				CHECK(strstr(msg, "fails") != NULL &&
				      strstr(msg, "(null)") == NULL);
				CHECK(strstr(msg, rs ? "; KVM_SET_NESTED_STATE fails with EINVAL" :
						       "VMRUN with VMEXIT_INVALID") != NULL);
			} else {
				if (res.failed & ~also)
					fprintf(stderr,
						"%s under %s (not applied): failed=0x%llx\n",
						idname, model, (unsigned long long)res.failed);
				CHECK_EQ_U64(res.failed, also);
				CHECK(res.verdict == want_verdict(model, also != 0));
			}

			/* passing record at the boundary */
			baseline(&r);
			cpu = base_cpu();
			cases[i].mu(&r, cpu, m, false);
			res = run(model, cpu, &r);
			if (res.failed != pass_fails)
				fprintf(stderr, "%s pass case under %s: failed=0x%llx\n", idname,
					model, (unsigned long long)res.failed);
			CHECK_EQ_U64(res.failed, pass_fails);
			CHECK(res.verdict == want_verdict(model, pass_fails != 0));
			CHECK(res.first == first_of(model, pass_fails));
		}
	}
}

static void test_baseline_valid(void)
{
	struct svmc_record r;
	for (unsigned mi = 0; mi < NFORMS; mi++) {
		baseline(&r);
		struct svmc_result res = run(model_names[mi], base_cpu(), &r);
		CHECK_EQ_U64(res.failed, 0);
		CHECK_EQ_U64(res.unevaluated, 0);
		CHECK(res.verdict == want_verdict(model_names[mi], false));
		legacy_pae(&r);
		res = run(model_names[mi], base_cpu(), &r);
		CHECK_EQ_U64(res.failed, 0);
	}
}

/* ---- address limits at MAXPHYADDR 48 and 52 -------------------------------- */

static void test_address_limits(void)
{
	static const unsigned widths[] = { 36, 48, 52, 64 };
	struct svmc_record r;

	for (unsigned wi = 0; wi < 4; wi++) {
		unsigned w = widths[wi];
		struct svmc_cpu *cpu = base_cpu();
		cpu->maxphyaddr = w;
		for (unsigned mi = 0; mi < NHOT; mi++) {
			const char *m = model_names[mi];
			struct svmc_result res;
			uint64_t top = w == 64 ? 0 : B(w); /* 2^w, 0 = wraps */

			/* MSRPM: last legal 2^w - 8 KiB, first illegal 2^w - 4 KiB */
			baseline(&r);
			r.vmcb.control.msrpm_base_pa = top - 0x2000;
			res = run(m, cpu, &r);
			CHECK_EQ_U64(res.failed, 0);
			r.vmcb.control.msrpm_base_pa = top - 0x1000;
			res = run(m, cpu, &r);
			CHECK_EQ_U64(res.failed, SVMC_CHECK_BIT(SVMC_CHECK_CTRL_MSRPM_RANGE));

			/* IOPM: last legal 2^w - 12 KiB, first illegal 2^w - 8 KiB */
			baseline(&r);
			r.vmcb.control.iopm_base_pa = top - 0x3000;
			res = run(m, cpu, &r);
			CHECK_EQ_U64(res.failed, 0);
			r.vmcb.control.iopm_base_pa = top - 0x2000;
			res = run(m, cpu, &r);
			CHECK_EQ_U64(res.failed, SVMC_CHECK_BIT(SVMC_CHECK_CTRL_IOPM_RANGE));

			if (w == 64)
				continue; /* no address bit above MAXPHYADDR 64 */
			/* long-mode CR3: bit w - 1 fine, bit w fails */
			baseline(&r);
			r.vmcb.save.cr3 = B(w - 1);
			CHECK_EQ_U64(run(m, cpu, &r).failed, 0);
			r.vmcb.save.cr3 = B(w);
			CHECK_EQ_U64(run(m, cpu, &r).failed,
				     SVMC_CHECK_BIT(SVMC_CHECK_SAVE_CR3_MBZ));

			/* nCR3 with NP on */
			baseline(&r);
			r.vmcb.control.nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
			r.vmcb.control.nested_cr3 = B(w) - 0x1000;
			CHECK_EQ_U64(run(m, cpu, &r).failed, 0);
			r.vmcb.control.nested_cr3 = B(w);
			CHECK_EQ_U64(run(m, cpu, &r).failed,
				     applies(m, SVMC_CHECK_CTRL_NP_NCR3) ?
					     SVMC_CHECK_BIT(SVMC_CHECK_CTRL_NP_NCR3) :
					     0);
		}
	}
}

/* ---- CR3 subtleties --------------------------------------------------------- */

static void test_cr3_rules(void)
{
	struct svmc_record r;
	struct svmc_cpu *cpu = base_cpu();

	/* Outside long mode: KVM's late load fails, apm has no rule (svmcheck-checks(1)). */
	legacy_pae(&r);
	r.vmcb.save.cr3 = B(63);
	CHECK_EQ_U64(run("kvm", cpu, &r).failed, SVMC_CHECK_BIT(SVMC_CHECK_KVM_LATE_CR3));
	CHECK_EQ_U64(run("kvm-legacy", cpu, &r).failed, SVMC_CHECK_BIT(SVMC_CHECK_KVM_LATE_CR3));
	CHECK_EQ_U64(run("apm", cpu, &r).failed, 0);
	/* Paging off entirely: KVM still loads CR3 (any paging mode). */
	r.vmcb.save.cr0 = CR0_PE | CR0_ET;
	CHECK_EQ_U64(run("kvm", cpu, &r).failed, SVMC_CHECK_BIT(SVMC_CHECK_KVM_LATE_CR3));

	/* In long mode the late check is not reported (SAVE.CR3.MBZ covers it). */
	baseline(&r);
	r.vmcb.save.cr3 = B(63);
	CHECK_EQ_U64(run("kvm", cpu, &r).failed, SVMC_CHECK_BIT(SVMC_CHECK_SAVE_CR3_MBZ));

	/* Low reserved bits are never checked. */
	baseline(&r);
	r.vmcb.save.cr3 = 0x1fff;
	for (unsigned mi = 0; mi < NHOT; mi++)
		CHECK_EQ_U64(run(model_names[mi], cpu, &r).failed, 0);

	/* LAM: KVM excludes bits 62:61 if the guest has lam; apm does not. */
	baseline(&r);
	r.vmcb.save.cr3 = B(62) | 0x1000;
	CHECK_EQ_U64(run("kvm", cpu, &r).failed, SVMC_CHECK_BIT(SVMC_CHECK_SAVE_CR3_MBZ));
	svmc_featset_set(&cpu->features, SVMC_FEAT_LAM, true);
	CHECK_EQ_U64(run("kvm", cpu, &r).failed, 0);
	CHECK_EQ_U64(run("apm", cpu, &r).failed, SVMC_CHECK_BIT(SVMC_CHECK_SAVE_CR3_MBZ));
	r.vmcb.save.cr3 = B(60) | 0x1000;
	CHECK_EQ_U64(run("kvm", cpu, &r).failed, SVMC_CHECK_BIT(SVMC_CHECK_SAVE_CR3_MBZ));
	/* only 62:61 are exempt: bit 63 still fails with lam, and in legacy
	 * mode the late load exempts the same two bits */
	r.vmcb.save.cr3 = B(63) | B(62) | B(61) | 0x1000;
	CHECK_EQ_U64(run("kvm", cpu, &r).failed, SVMC_CHECK_BIT(SVMC_CHECK_SAVE_CR3_MBZ));
	r.vmcb.save.cr3 = B(63) | 0x1000;
	CHECK_EQ_U64(run("kvm", cpu, &r).failed, SVMC_CHECK_BIT(SVMC_CHECK_SAVE_CR3_MBZ));
	legacy_pae(&r);
	r.vmcb.save.cr3 = B(62) | B(61) | 0x1000;
	CHECK_EQ_U64(run("kvm", cpu, &r).failed, 0);
	r.vmcb.save.cr3 = B(63) | 0x1000;
	CHECK_EQ_U64(run("kvm", cpu, &r).failed, SVMC_CHECK_BIT(SVMC_CHECK_KVM_LATE_CR3));
}

/* SAVE.LM.CS_LD holds only with PAE: LME, PG, PAE clear, CS.L = D = 1 fails
 * SAVE.LM.PAE alone (KVM nested.c and APM 15.5.1: the CS check is inside the PAE-paging
 * long-mode branch). */
static void test_cs_ld_needs_pae(void)
{
	struct svmc_record r;

	baseline(&r);
	r.vmcb.save.cr4 &= ~CR4_PAE;
	r.vmcb.save.cs.attrib |= SVM_SELECTOR_L_MASK | SVM_SELECTOR_DB_MASK;
	for (unsigned mi = 0; mi < NHOT; mi++)
		CHECK_EQ_U64(run(model_names[mi], base_cpu(), &r).failed,
			     SVMC_CHECK_BIT(SVMC_CHECK_SAVE_LM_PAE));
	r.vmcb.save.cr4 |= CR4_PAE;
	CHECK_EQ_U64(run("kvm", base_cpu(), &r).failed, SVMC_CHECK_BIT(SVMC_CHECK_SAVE_LM_CS_LD));
	CHECK_EQ_U64(run("kvm-legacy", base_cpu(), &r).failed, 0);
}

/* ---- NP sanitizing and G_PAT ------------------------------------------------ */

static void test_np_rules(void)
{
	struct svmc_record r;
	struct svmc_cpu *cpu = base_cpu();

	baseline(&r);
	r.vmcb.control.nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	r.vmcb.control.nested_cr3 = B(50);
	r.vmcb.save.g_pat = UINT64_C(0x0000000000000003); /* PA0 type 3: reserved */
	CHECK_EQ_U64(run("kvm", cpu, &r).failed, SVMC_CHECK_BIT(SVMC_CHECK_CTRL_NP_NCR3));
	CHECK_EQ_U64(run("apm", cpu, &r).failed, SVMC_CHECK_BIT(SVMC_CHECK_CTRL_NP_NCR3) |
							 SVMC_CHECK_BIT(SVMC_CHECK_CTRL_NP_GPAT));
	CHECK(run("apm", cpu, &r).first == SVMC_CHECK_CTRL_NP_NCR3);
	CHECK_EQ_U64(run("kvm-legacy", cpu, &r).failed, 0);

	/* Without npt, NP_ENABLE is ignored by kvm and not applicable under apm. */
	svmc_featset_set(&cpu->features, SVMC_FEAT_NPT, false);
	for (unsigned mi = 0; mi < NHOT; mi++)
		CHECK_EQ_U64(run(model_names[mi], cpu, &r).failed, 0);

	/* G_PAT with NP off: not checked. Reserved bits 7:3 of an entry fail. */
	cpu = base_cpu();
	baseline(&r);
	r.vmcb.save.g_pat = UINT64_C(0x0800000000000000);
	CHECK_EQ_U64(run("apm", cpu, &r).failed, 0);
	r.vmcb.control.nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	CHECK_EQ_U64(run("apm", cpu, &r).failed, SVMC_CHECK_BIT(SVMC_CHECK_CTRL_NP_GPAT));
	/* every legal type 0 1 4 5 6 7 in some entry, none reserved */
	r.vmcb.save.g_pat = UINT64_C(0x0007060504010000);
	CHECK_EQ_U64(run("apm", cpu, &r).failed, 0);
	r.vmcb.save.g_pat = UINT64_C(0x0007060504010200);
	CHECK_EQ_U64(run("apm", cpu, &r).failed, SVMC_CHECK_BIT(SVMC_CHECK_CTRL_NP_GPAT));
}

/* ---- SEV allowed features ----------------------------------------------------- */

static void test_sev_rule(void)
{
	struct svmc_record r;
	struct svmc_cpu *cpu = base_cpu();

	baseline(&r);
	r.vmcb.control.allowed_sev_features = 0x1; /* bit 63 clear: not in force */
	r.vmcb.control.guest_sev_features = 0x6;
	r.vmcb.control.nested_ctl = SVM_NESTED_CTL_SEV_ES_ENABLE;
	CHECK_EQ_U64(run("apm", cpu, &r).failed, 0);
	r.vmcb.control.allowed_sev_features |= VMCB_ALLOWED_SEV_FEATURES_VALID;
	CHECK_EQ_U64(run("apm", cpu, &r).failed,
		     SVMC_CHECK_BIT(SVMC_CHECK_CTRL_SEV_ALLOWED_FEATURES));
	CHECK_EQ_U64(run("kvm", cpu, &r).failed, 0);
	r.vmcb.control.nested_ctl = SVM_NESTED_CTL_SEV_ENABLE; /* SEV without ES: off */
	CHECK_EQ_U64(run("apm", cpu, &r).failed, 0);

	/* each low feature bit on its own: allowed = valid | bit b fails only
	 * a guest word with another bit */
	r.vmcb.control.nested_ctl = SVM_NESTED_CTL_SEV_ENABLE | SVM_NESTED_CTL_SEV_ES_ENABLE;
	for (unsigned b = 0; b < 3; b++) {
		r.vmcb.control.allowed_sev_features = B(63) | B(b);
		r.vmcb.control.guest_sev_features = B(b) | B(63);
		CHECK_EQ_U64(run("apm", cpu, &r).failed, 0);
		r.vmcb.control.guest_sev_features = B((b + 1) % 3) | B(b);
		CHECK_EQ_U64(run("apm", cpu, &r).failed,
			     SVMC_CHECK_BIT(SVMC_CHECK_CTRL_SEV_ALLOWED_FEATURES));
	}
	/* bit 0 disallowed, bits 1 and 2 allowed */
	r.vmcb.control.allowed_sev_features = B(63) | 0x6;
	r.vmcb.control.guest_sev_features = 0x1;
	CHECK_EQ_U64(run("apm", cpu, &r).failed,
		     SVMC_CHECK_BIT(SVMC_CHECK_CTRL_SEV_ALLOWED_FEATURES));
}

/* ---- CR4 and EFER bits, each with and without its feature -------------------- */

/* Hand-written from KVM's and the APM's CR4 gates; F_NONE = always allowed, F_RSVD = reserved. */
#define F_NONE (-1)
#define F_RSVD (-2)
struct bitrule {
	unsigned bit;
	int kvm, kvm2; /* kvm2: a second feature that also allows it (CET) */
	int arch, arch2;
};

static const struct bitrule cr4_rules[] = {
	{ 0, F_NONE, 0, SVMC_FEAT_VME, 0 },
	{ 1, F_NONE, 0, SVMC_FEAT_VME, 0 },
	{ 2, F_NONE, 0, SVMC_FEAT_TSC, 0 },
	{ 3, F_NONE, 0, SVMC_FEAT_DE, 0 },
	{ 4, F_NONE, 0, SVMC_FEAT_PSE, 0 },
	{ 5, F_NONE, 0, SVMC_FEAT_PAE, 0 },
	{ 6, F_NONE, 0, SVMC_FEAT_MCE, 0 },
	{ 7, F_NONE, 0, SVMC_FEAT_PGE, 0 },
	{ 8, F_NONE, 0, F_NONE, 0 },
	{ 9, F_NONE, 0, SVMC_FEAT_FXSR, 0 },
	{ 10, F_NONE, 0, SVMC_FEAT_SSE, 0 },
	{ 11, SVMC_FEAT_UMIP, 0, SVMC_FEAT_UMIP, 0 },
	{ 12, SVMC_FEAT_LA57, 0, SVMC_FEAT_LA57, 0 },
	{ 13, F_RSVD, 0, SVMC_FEAT_VMX, 0 },
	{ 14, F_RSVD, 0, SVMC_FEAT_SMX, 0 },
	{ 16, SVMC_FEAT_FSGSBASE, 0, SVMC_FEAT_FSGSBASE, 0 },
	{ 17, SVMC_FEAT_PCID, 0, SVMC_FEAT_PCID, 0 },
	{ 18, SVMC_FEAT_XSAVE, 0, SVMC_FEAT_XSAVE, 0 },
	{ 19, F_RSVD, 0, SVMC_FEAT_KL, 0 },
	{ 20, SVMC_FEAT_SMEP, 0, SVMC_FEAT_SMEP, 0 },
	{ 21, SVMC_FEAT_SMAP, 0, SVMC_FEAT_SMAP, 0 },
	{ 22, SVMC_FEAT_PKU, 0, SVMC_FEAT_PKU, 0 },
	{ 23, SVMC_FEAT_SHSTK, SVMC_FEAT_IBT, SVMC_FEAT_SHSTK, SVMC_FEAT_IBT },
	{ 24, F_RSVD, 0, SVMC_FEAT_PKS, 0 },
	{ 25, F_RSVD, 0, SVMC_FEAT_UINTR, 0 },
	{ 27, F_RSVD, 0, SVMC_FEAT_LASS, 0 },
	{ 28, SVMC_FEAT_LAM, 0, SVMC_FEAT_LAM, 0 },
	{ 32, F_RSVD, 0, SVMC_FEAT_FRED, 0 },
};

/* KVM kvm_valid_efer() and APM CPUID gates. LMSLE (13) is tested on its own below. */
static const struct bitrule efer_rules[] = {
	{ 0, F_NONE, 0, SVMC_FEAT_SYSCALL, 0 },
	{ 8, SVMC_FEAT_LM, 0, SVMC_FEAT_LM, 0 },
	{ 10, SVMC_FEAT_LM, 0, SVMC_FEAT_LM, 0 },
	{ 11, SVMC_FEAT_NX, 0, SVMC_FEAT_NX, 0 },
	{ 12, SVMC_FEAT_SVM, 0, SVMC_FEAT_SVM, 0 },
	{ 14, SVMC_FEAT_FXSR_OPT, 0, SVMC_FEAT_FXSR_OPT, 0 },
	{ 15, F_RSVD, 0, SVMC_FEAT_TCE, 0 },
	{ 17, F_RSVD, 0, SVMC_FEAT_MCOMMIT, 0 },
	{ 18, F_RSVD, 0, F_RSVD, 0 },
	{ 20, F_RSVD, 0, SVMC_FEAT_UAIE, 0 },
	{ 21, SVMC_FEAT_AUTOIBRS, 0, SVMC_FEAT_AUTOIBRS, 0 },
};

static const struct bitrule *find_rule(const struct bitrule *t, size_t n, unsigned bit)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].bit == bit)
			return &t[i];
	return NULL;
}

/*
 * Set `bit` of CR4 (is_cr4) or EFER on the baseline and run model on a CPU
 * that has (with=true) or lacks the gating feature(s); expect the RSVD
 * check iff the bit is not allowed.
 */
static void one_bit(bool is_cr4, const char *model, bool arch, unsigned bit,
		    const struct bitrule *rule)
{
	enum svmc_check_id id = is_cr4 ? SVMC_CHECK_SAVE_CR4_RSVD : SVMC_CHECK_SAVE_EFER_RSVD;
	int f1 = !rule ? F_RSVD : arch ? rule->arch : rule->kvm;
	int f2 = !rule ? 0 : arch ? rule->arch2 : rule->kvm2;
	struct svmc_record r;

	for (int variant = 0; variant < 4; variant++) {
		struct svmc_cpu *cpu = base_cpu();
		bool allowed;
		if (f1 >= 0) {
			/* 0: neither; 1: f1; 2: f2 only (if any); 3: both */
			if (variant == 2 && !f2)
				continue;
			svmc_featset_set(&cpu->features, (enum svmc_feature)f1,
					 variant == 1 || variant == 3);
			if (f2)
				svmc_featset_set(&cpu->features, (enum svmc_feature)f2,
						 variant >= 2);
			allowed = variant != 0;
		} else {
			if (variant)
				break;
			allowed = f1 == F_NONE;
		}
		baseline(&r);
		if (is_cr4)
			r.vmcb.save.cr4 |= B(bit);
		else
			r.vmcb.save.efer |= B(bit);
		struct svmc_result res = run(model, cpu, &r);
		bool failed = svmc_result_failed(&res, id);
		/* baseline bits whose feature we removed fail too: that is the rule */
		uint64_t base_bits =
			is_cr4 ? (CR4_PAE | CR4_PGE | CR4_OSFXSR | CR4_OSXMMEXCPT) :
				 (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_SVME);
		if (!allowed || !(base_bits & B(bit)))
			CHECK(failed == !allowed);
		if (failed != !allowed)
			fprintf(stderr, "%s bit %u under %s, variant %d: failed=%d\n",
				is_cr4 ? "CR4" : "EFER", bit, model, variant, failed);
		/* nothing else fails, and setting the bit fails nothing else */
		CHECK_EQ_U64(res.failed & ~SVMC_CHECK_BIT(id), 0);
	}
}

static void test_cr4_efer_bits(void)
{
	for (unsigned mi = 0; mi < NHOT; mi++) {
		const char *m = model_names[mi];
		bool arch = strcmp(m, "apm") == 0;
		for (unsigned bit = 0; bit < 64; bit++) {
			one_bit(true, m, arch, bit,
				find_rule(cr4_rules, sizeof(cr4_rules) / sizeof(cr4_rules[0]),
					  bit));
			if (bit != 13)
				one_bit(false, m, arch, bit,
					find_rule(efer_rules,
						  sizeof(efer_rules) / sizeof(efer_rules[0]), bit));
		}
	}
}

static void test_efer_lmsle(void)
{
	struct svmc_record r;
	for (unsigned mi = 0; mi < NHOT; mi++) {
		struct svmc_cpu *cpu = base_cpu();
		baseline(&r);
		r.vmcb.save.efer |= EFER_LMSLE;
		CHECK_EQ_U64(run(model_names[mi], cpu, &r).failed, 0);
		svmc_featset_set(&cpu->features, SVMC_FEAT_EFER_LMSLE_UNSUPPORTED, true);
		CHECK_EQ_U64(run(model_names[mi], cpu, &r).failed,
			     SVMC_CHECK_BIT(SVMC_CHECK_SAVE_EFER_RSVD));
	}
	/* the gate table names the feature for migrate */
	struct svmc_compiled c;
	char buf[160];
	compile(&c, "kvm", base_cpu());
	CHECK_STREQ(svmc_gate_describe(&c.cr4_gate[12], buf, sizeof(buf)),
		    "needs la57 (CPUID 7.0:ECX[16])");
	CHECK_STREQ(svmc_gate_describe(&c.cr4_gate[23], buf, sizeof(buf)),
		    "needs shstk (CPUID 7.0:ECX[7]) or ibt (CPUID 7.0:EDX[20])");
	CHECK_STREQ(svmc_gate_describe(&c.cr4_gate[0], buf, sizeof(buf)), "always allowed");
	/* leaf-1 bits under apm: "CPUID 1:", like "CPUID 7.0:" */
	compile(&c, "apm", base_cpu());
	CHECK_STREQ(svmc_gate_describe(&c.cr4_gate[17], buf, sizeof(buf)),
		    "needs pcid (CPUID 1:ECX[17])");
	CHECK_STREQ(svmc_feature_cpuid(SVMC_FEAT_VMX, buf, sizeof(buf)), "CPUID 1:ECX[5]");
	CHECK_STREQ(svmc_feature_cpuid(SVMC_FEAT_SVM, buf, sizeof(buf)), "CPUID 0x80000001:ECX[2]");
	CHECK_STREQ(svmc_feature_cpuid(SVMC_FEAT_LAM, buf, sizeof(buf)), "CPUID 7.1:EAX[26]");
	compile(&c, "kvm", base_cpu());
	CHECK_STREQ(svmc_gate_describe(&c.cr4_gate[24], buf, sizeof(buf)), "always reserved");
	CHECK_STREQ(
		svmc_gate_describe(&c.efer_gate[13], buf, sizeof(buf)),
		"needs svm (CPUID 0x80000001:ECX[2]) and no efer_lmsle_unsupported (CPUID 0x80000008:EBX[20])");
	CHECK_EQ_U64(c.efer_allowed,
		     EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_SVME | EFER_LMSLE);
}

/* ---- unknown fields ------------------------------------------------------------ */

static void unknown(struct svmc_record *r, enum svmc_field_id f)
{
	r->known[f >> 6] &= ~(UINT64_C(1) << (f & 63));
}

static void test_unknown(void)
{
	struct svmc_record r;
	struct svmc_result res;
	struct svmc_cpu *cpu = base_cpu();

	/* nothing known (header included): every applied check is unevaluated */
	for (unsigned mi = 0; mi < NFORMS; mi++) {
		const struct svmc_model *m = model_get(model_names[mi]);
		svmc_record_clear(&r);
		res = run(model_names[mi], cpu, &r);
		CHECK_EQ_U64(res.unevaluated, m->checks);
		CHECK_EQ_U64(res.failed, 0);
		CHECK(res.verdict == SVMC_INCOMPLETE);
		CHECK(res.first == -1);
	}

	/* EVENTINJ unknown: only the two EVENTINJ checks */
	baseline(&r);
	unknown(&r, SVMC_F_EVENT_INJ);
	res = run("kvm", cpu, &r);
	CHECK_EQ_U64(res.unevaluated, SVMC_CHECK_BIT(SVMC_CHECK_CTRL_EVENTINJ_TYPE) |
					      SVMC_CHECK_BIT(SVMC_CHECK_CTRL_EVENTINJ_VECTOR));
	CHECK(res.verdict == SVMC_INCOMPLETE);
	CHECK(run("kvm-legacy", cpu, &r).verdict == SVMC_VMRUN);

	/* a failure wins over unknowns */
	r.vmcb.control.asid = 0;
	res = run("kvm", cpu, &r);
	CHECK(res.verdict == SVMC_VMEXIT_INVALID);
	CHECK(res.first == SVMC_CHECK_CTRL_ASID_ZERO);

	/* guards: NP known clear, nCR3 and G_PAT unknown: pass */
	baseline(&r);
	unknown(&r, SVMC_F_NESTED_CR3);
	unknown(&r, SVMC_F_G_PAT);
	CHECK(run("apm", cpu, &r).verdict == SVMC_VMRUN);
	r.vmcb.control.nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	res = run("apm", cpu, &r);
	CHECK_EQ_U64(res.unevaluated, SVMC_CHECK_BIT(SVMC_CHECK_CTRL_NP_NCR3) |
					      SVMC_CHECK_BIT(SVMC_CHECK_CTRL_NP_GPAT));
	/* NP on but the CPU lacks npt: kvm ignores NP, so nCR3 is decided */
	svmc_featset_set(&cpu->features, SVMC_FEAT_NPT, false);
	CHECK(run("kvm", cpu, &r).verdict == SVMC_VMRUN);
	cpu = base_cpu();

	/* SEV rule with SEV-ES known clear and the SEV words unknown: pass */
	baseline(&r);
	unknown(&r, SVMC_F_ALLOWED_SEV_FEATURES);
	unknown(&r, SVMC_F_GUEST_SEV_FEATURES);
	CHECK(run("apm", cpu, &r).verdict == SVMC_VMRUN);
	r.vmcb.control.nested_ctl = SVM_NESTED_CTL_SEV_ES_ENABLE;
	CHECK_EQ_U64(run("apm", cpu, &r).unevaluated,
		     SVMC_CHECK_BIT(SVMC_CHECK_CTRL_SEV_ALLOWED_FEATURES));

	/* EFER known without LME, CR4/CR3/CS unknown: the long-mode checks pass,
	 * KVM's late CR3 check (any paging mode) and CR4.RSVD do not */
	legacy_pae(&r);
	unknown(&r, SVMC_F_CR4);
	unknown(&r, SVMC_F_CR3);
	unknown(&r, SVMC_F_CS);
	res = run("kvm", cpu, &r);
	CHECK_EQ_U64(res.unevaluated, SVMC_CHECK_BIT(SVMC_CHECK_SAVE_CR4_RSVD) |
					      SVMC_CHECK_BIT(SVMC_CHECK_KVM_LATE_CR3));
	res = run("apm", cpu, &r);
	CHECK_EQ_U64(res.unevaluated, SVMC_CHECK_BIT(SVMC_CHECK_SAVE_CR4_RSVD));

	/* vNMI: V_NMI_ENABLE known clear, intercepts unknown: pass */
	baseline(&r);
	unknown(&r, SVMC_F_INTERCEPT_MISC1);
	CHECK(run("kvm", cpu, &r).verdict == SVMC_VMRUN);

	/* NP known on, nCR3 known legal, NP-ctl fields fine: evaluated, passes;
	 * nested_ctl unknown with nCR3 known legal: passes by the nCR3 half of
	 * the guard; with nCR3 known illegal it cannot be decided */
	baseline(&r);
	unknown(&r, SVMC_F_NESTED_CTL);
	r.vmcb.control.nested_cr3 = B(48) - 0x1000;
	res = run("kvm", cpu, &r);
	CHECK_EQ_U64(res.unevaluated, 0);
	CHECK(res.verdict == SVMC_VMRUN);
	/* apm: G_PAT known good passes the same way, SEV words known (0) too */
	res = run("apm", cpu, &r);
	CHECK_EQ_U64(res.unevaluated, 0);
	CHECK(res.verdict == SVMC_VMRUN);
	r.vmcb.control.nested_cr3 = B(48);
	res = run("kvm", cpu, &r);
	CHECK_EQ_U64(res.unevaluated, SVMC_CHECK_BIT(SVMC_CHECK_CTRL_NP_NCR3));
	CHECK_EQ_U64(res.failed, 0);
	CHECK(res.verdict == SVMC_INCOMPLETE);
	r.vmcb.save.g_pat = 2; /* PA0 type 2 */
	res = run("apm", cpu, &r);
	CHECK_EQ_U64(res.unevaluated, SVMC_CHECK_BIT(SVMC_CHECK_CTRL_NP_NCR3) |
					      SVMC_CHECK_BIT(SVMC_CHECK_CTRL_NP_GPAT));
	CHECK_EQ_U64(res.failed, 0);

	/* SEV rule (review finding): nested_ctl unknown, but allowed = valid|bit0
	 * and guest = bit0 are known, so nothing is disallowed: the rule passes
	 * whatever SEV-ES is; guest bit 1 would be disallowed: undecided */
	baseline(&r);
	unknown(&r, SVMC_F_NESTED_CTL);
	r.vmcb.control.allowed_sev_features = B(63) | 1;
	r.vmcb.control.guest_sev_features = 1;
	res = run("apm", cpu, &r);
	CHECK_EQ_U64(res.unevaluated, 0);
	CHECK(res.verdict == SVMC_VMRUN);
	r.vmcb.control.guest_sev_features = 3;
	res = run("apm", cpu, &r);
	CHECK_EQ_U64(res.unevaluated, SVMC_CHECK_BIT(SVMC_CHECK_CTRL_SEV_ALLOWED_FEATURES));
	CHECK(res.verdict == SVMC_INCOMPLETE);
	/* guest unknown: allowed alone (valid, bit 0) cannot decide it */
	r.vmcb.control.guest_sev_features = 1;
	unknown(&r, SVMC_F_GUEST_SEV_FEATURES);
	CHECK_EQ_U64(run("apm", cpu, &r).unevaluated,
		     SVMC_CHECK_BIT(SVMC_CHECK_CTRL_SEV_ALLOWED_FEATURES));
}

/*
 * The fields each check reads, written out from APM 15.5.1 and KVM nested.c
 * (not from the check table): a check may be evaluated only when all of
 * them are known.  The header checks read no VMCB field but members of the
 * nested-state header (hdr, SVMC_NSK_*): in guest mode only, so those read
 * the flags too.
 */
static const struct {
	enum svmc_check_id id;
	enum svmc_field_id f[4];
	unsigned n;
	unsigned hdr;
} reads[] = {
	{ SVMC_CHECK_SAVE_EFER_SVME, { SVMC_F_EFER }, 1, 0 },
	{ SVMC_CHECK_SAVE_CR0_CD_NW, { SVMC_F_CR0 }, 1, 0 },
	{ SVMC_CHECK_SAVE_CR0_HIGH, { SVMC_F_CR0 }, 1, 0 },
	{ SVMC_CHECK_SAVE_DR6_HIGH, { SVMC_F_DR6 }, 1, 0 },
	{ SVMC_CHECK_SAVE_DR7_HIGH, { SVMC_F_DR7 }, 1, 0 },
	{ SVMC_CHECK_SAVE_LM_PAE, { SVMC_F_EFER, SVMC_F_CR0, SVMC_F_CR4 }, 3, 0 },
	{ SVMC_CHECK_SAVE_LM_PE, { SVMC_F_EFER, SVMC_F_CR0 }, 2, 0 },
	{ SVMC_CHECK_SAVE_CR3_MBZ, { SVMC_F_EFER, SVMC_F_CR0, SVMC_F_CR3 }, 3, 0 },
	{ SVMC_CHECK_SAVE_LM_CS_LD, { SVMC_F_EFER, SVMC_F_CR0, SVMC_F_CR4, SVMC_F_CS }, 4, 0 },
	{ SVMC_CHECK_SAVE_CR4_RSVD, { SVMC_F_CR4 }, 1, 0 },
	{ SVMC_CHECK_SAVE_EFER_RSVD, { SVMC_F_EFER }, 1, 0 },
	{ SVMC_CHECK_CTRL_NP_GPAT, { SVMC_F_NESTED_CTL, SVMC_F_G_PAT }, 2, 0 },
	{ SVMC_CHECK_CTRL_INTERCEPT_VMRUN, { SVMC_F_INTERCEPT_MISC2 }, 1, 0 },
	{ SVMC_CHECK_CTRL_ASID_ZERO, { SVMC_F_ASID }, 1, 0 },
	{ SVMC_CHECK_CTRL_NP_NCR3, { SVMC_F_NESTED_CTL, SVMC_F_NESTED_CR3 }, 2, 0 },
	{ SVMC_CHECK_CTRL_MSRPM_RANGE, { SVMC_F_MSRPM_BASE_PA }, 1, 0 },
	{ SVMC_CHECK_CTRL_IOPM_RANGE, { SVMC_F_IOPM_BASE_PA }, 1, 0 },
	{ SVMC_CHECK_CTRL_VNMI_NMI_INTERCEPT, { SVMC_F_INT_CTL, SVMC_F_INTERCEPT_MISC1 }, 2, 0 },
	{ SVMC_CHECK_CTRL_SEV_ALLOWED_FEATURES,
	  { SVMC_F_NESTED_CTL, SVMC_F_ALLOWED_SEV_FEATURES, SVMC_F_GUEST_SEV_FEATURES },
	  3,
	  0 },
	{ SVMC_CHECK_CTRL_EVENTINJ_TYPE, { SVMC_F_EVENT_INJ }, 1, 0 },
	{ SVMC_CHECK_CTRL_EVENTINJ_VECTOR, { SVMC_F_EVENT_INJ }, 1, 0 },
	{ SVMC_CHECK_KVM_LATE_CR3, { SVMC_F_EFER, SVMC_F_CR0, SVMC_F_CR3 }, 3, 0 },
	{ SVMC_CHECK_NSTATE_FORMAT, { 0 }, 0, SVMC_NSK_FORMAT },
	{ SVMC_CHECK_NSTATE_FLAGS, { 0 }, 0, SVMC_NSK_FLAGS },
	{ SVMC_CHECK_NSTATE_VMCB_PA, { 0 }, 0, SVMC_NSK_FLAGS | SVMC_NSK_VMCB_PA },
	{ SVMC_CHECK_NSTATE_SIZE, { 0 }, 0, SVMC_NSK_FLAGS | SVMC_NSK_SIZE },
	{ SVMC_CHECK_NSTATE_L1_CR0_PG, { SVMC_F_CR0 }, 1, 0 },
	{ SVMC_CHECK_NSTATE_L1_CR0_PE, { SVMC_F_CR0 }, 1, 0 },
	{ SVMC_CHECK_NSTATE_L1_RFLAGS_VM, { SVMC_F_RFLAGS }, 1, 0 },
	/* the peers' (src/check/models.c) */
	{ SVMC_CHECK_SAVE_CR3_ANY_MODE, { SVMC_F_CR3 }, 1, 0 },
	{ SVMC_CHECK_SAVE_CR3_XEN, { SVMC_F_EFER, SVMC_F_CR0, SVMC_F_CR4, SVMC_F_CR3 }, 4, 0 },
	{ SVMC_CHECK_SAVE_EFER_LMA_NO_LME, { SVMC_F_EFER }, 1, 0 },
	{ SVMC_CHECK_CTRL_MSRPM_RAW_RANGE, { SVMC_F_MSRPM_BASE_PA }, 1, 0 },
	{ SVMC_CHECK_CTRL_EVENTINJ_RSVD, { SVMC_F_EVENT_INJ }, 1, 0 },
	{ SVMC_CHECK_SAVE_CS_LD_ANY, { SVMC_F_CS }, 1, 0 },
	{ SVMC_CHECK_SAVE_CR4_PCIDE_NOLM, { SVMC_F_EFER, SVMC_F_CR0, SVMC_F_CR4 }, 3, 0 },
};
#define NREADS (sizeof(reads) / sizeof(reads[0]))

static bool reads_field(size_t i, unsigned f)
{
	for (unsigned k = 0; k < reads[i].n; k++)
		if (reads[i].f[k] == f)
			return true;
	return false;
}

/* Zero field f of r's VMCB (what a reader leaves in a field it never saw). */
static void zero_field(struct svmc_record *r, unsigned f)
{
	struct svmc_vmcb *v = &r->vmcb;

	switch (f) {
	case SVMC_F_EFER:
		v->save.efer = 0;
		break;
	case SVMC_F_CR0:
		v->save.cr0 = 0;
		break;
	case SVMC_F_CR3:
		v->save.cr3 = 0;
		break;
	case SVMC_F_CR4:
		v->save.cr4 = 0;
		break;
	case SVMC_F_DR6:
		v->save.dr6 = 0;
		break;
	case SVMC_F_DR7:
		v->save.dr7 = 0;
		break;
	case SVMC_F_RFLAGS:
		v->save.rflags = 0;
		break;
	case SVMC_F_CS:
		memset(&v->save.cs, 0, sizeof(v->save.cs));
		break;
	case SVMC_F_G_PAT:
		v->save.g_pat = 0;
		break;
	case SVMC_F_NESTED_CTL:
		v->control.nested_ctl = 0;
		break;
	case SVMC_F_NESTED_CR3:
		v->control.nested_cr3 = 0;
		break;
	case SVMC_F_INTERCEPT_MISC1:
		v->control.intercept_misc1 = 0;
		break;
	case SVMC_F_INTERCEPT_MISC2:
		v->control.intercept_misc2 = 0;
		break;
	case SVMC_F_ASID:
		v->control.asid = 0;
		break;
	case SVMC_F_MSRPM_BASE_PA:
		v->control.msrpm_base_pa = 0;
		break;
	case SVMC_F_IOPM_BASE_PA:
		v->control.iopm_base_pa = 0;
		break;
	case SVMC_F_INT_CTL:
		v->control.int_ctl = 0;
		break;
	case SVMC_F_ALLOWED_SEV_FEATURES:
		v->control.allowed_sev_features = 0;
		break;
	case SVMC_F_GUEST_SEV_FEATURES:
		v->control.guest_sev_features = 0;
		break;
	case SVMC_F_EVENT_INJ:
		v->control.event_inj = 0;
		break;
	default:
		break; /* no check reads it: its value is irrelevant */
	}
}

/*
 * For every check, from a record that fails only that check (the mutators
 * above): each field it reads, made unknown (value kept, or zeroed as a
 * reader leaves it), leaves the check unevaluated -- never failed, and not
 * passed either, since what is still known agrees with a failure; each
 * field it does not read, made unknown, leaves it failing; and with only
 * its own fields known it still fails.  The same for the members of the
 * nested-state header under the restore forms.
 */
static void test_unknown_each_field(void)
{
	struct svmc_record r;
	struct svmc_result res;

	CHECK(NREADS == SVMC_CHECK_COUNT);
	for (size_t i = 0; i < NREADS; i++) {
		enum svmc_check_id id = reads[i].id;
		const struct svmc_check_info *ci = svmc_check_info(id);
		uint64_t bit = SVMC_CHECK_BIT(id);
		size_t ci_case = NCASES;

		CHECK(ci->id == id);
		/* the public field list is the same set */
		CHECK_EQ_U64(ci->nfields, reads[i].n);
		for (unsigned k = 0; k < ci->nfields; k++)
			CHECK(reads_field(i, ci->fields[k]));
		CHECK_EQ_U64(ci->header_fields, reads[i].hdr);
		for (size_t j = 0; j < NCASES; j++)
			if (cases[j].id == id)
				ci_case = j;
		CHECK(ci_case < NCASES);
		if (ci_case == NCASES)
			continue;
		mutator mu = cases[ci_case].mu;

		for (unsigned mi = 0; mi < NFORMS; mi++) {
			const char *m = model_names[mi];
			const struct svmc_model *mm = model_get(m);
			svmc_checkset also, pass_fails;
			struct svmc_cpu *cpu;

			if (!applies(m, id))
				continue;
			case_extra(ci_case, m, &also, &pass_fails);
			/* all known: fails, alone */
			baseline(&r);
			cpu = base_cpu();
			mu(&r, cpu, mm, true);
			res = run(m, cpu, &r);
			CHECK_EQ_U64(res.failed, bit | also);

			/*
			 * each header member unknown: unevaluated if read, else still
			 * failing; every check but the format's depends on the flags
			 * too (on GUEST_MODE: KVM may return before it)
			 */
			for (unsigned k = 1; is_restore(m) && k <= SVMC_NSK_ALL; k <<= 1) {
				unsigned hread =
					reads[i].hdr |
					(id != SVMC_CHECK_NSTATE_FORMAT ? SVMC_NSK_FLAGS : 0);
				bool rd = (hread & k) != 0;

				baseline(&r);
				cpu = base_cpu();
				mu(&r, cpu, mm, true);
				r.nstate.known &= (uint8_t)~k;
				res = run(m, cpu, &r);
				if (rd != !!(res.unevaluated & bit) || rd == !!(res.failed & bit))
					fprintf(stderr,
						"%s under %s, header member 0x%x unknown: failed=%d "
						"unevaluated=%d\n",
						ci->name, m, k, !!(res.failed & bit),
						!!(res.unevaluated & bit));
				CHECK(rd == !!(res.unevaluated & bit));
				CHECK(rd != !!(res.failed & bit));
			}

			for (unsigned f = 0; f < SVMC_F_COUNT; f++) {
				for (int zero = 0; zero < 2; zero++) {
					bool rd = reads_field(i, f), bad;

					baseline(&r);
					cpu = base_cpu();
					mu(&r, cpu, mm, true);
					unknown(&r, (enum svmc_field_id)f);
					if (zero)
						zero_field(&r, f);
					res = run(m, cpu, &r);
					if (rd)
						bad = (res.failed & bit) ||
						      !(res.unevaluated & bit);
					else
						bad = !(res.failed & bit) ||
						      (res.unevaluated & bit);
					if (bad)
						fprintf(stderr,
							"%s under %s, field %u unknown%s: failed=%d unevaluated=%d\n",
							ci->name, m, f, zero ? " and zero" : "",
							!!(res.failed & bit),
							!!(res.unevaluated & bit));
					CHECK(!bad);
				}
			}

			/* only its own fields known: still evaluated, still fails */
			baseline(&r);
			cpu = base_cpu();
			mu(&r, cpu, mm, true);
			for (unsigned f = 0; f < SVMC_F_COUNT; f++)
				if (!reads_field(i, f))
					unknown(&r, (enum svmc_field_id)f);
			res = run(m, cpu, &r);
			CHECK(res.failed & bit);
			CHECK(!(res.unevaluated & bit));
		}
	}
}

/* Set field f of r's VMCB to x, cut to the field's width (CS: its attrib). */
static void set_field(struct svmc_record *r, unsigned f, uint64_t x)
{
	struct svmc_vmcb *v = &r->vmcb;

	switch (f) {
	case SVMC_F_EFER:
		v->save.efer = x;
		break;
	case SVMC_F_CR0:
		v->save.cr0 = x;
		break;
	case SVMC_F_CR3:
		v->save.cr3 = x;
		break;
	case SVMC_F_CR4:
		v->save.cr4 = x;
		break;
	case SVMC_F_DR6:
		v->save.dr6 = x;
		break;
	case SVMC_F_DR7:
		v->save.dr7 = x;
		break;
	case SVMC_F_RFLAGS:
		v->save.rflags = x;
		break;
	case SVMC_F_CS:
		v->save.cs.attrib = (uint16_t)x;
		break;
	case SVMC_F_G_PAT:
		v->save.g_pat = x;
		break;
	case SVMC_F_NESTED_CTL:
		v->control.nested_ctl = x;
		break;
	case SVMC_F_NESTED_CR3:
		v->control.nested_cr3 = x;
		break;
	case SVMC_F_INTERCEPT_MISC1:
		v->control.intercept_misc1 = (uint32_t)x;
		break;
	case SVMC_F_INTERCEPT_MISC2:
		v->control.intercept_misc2 = (uint32_t)x;
		break;
	case SVMC_F_ASID:
		v->control.asid = (uint32_t)x;
		break;
	case SVMC_F_MSRPM_BASE_PA:
		v->control.msrpm_base_pa = x;
		break;
	case SVMC_F_IOPM_BASE_PA:
		v->control.iopm_base_pa = x;
		break;
	case SVMC_F_INT_CTL:
		v->control.int_ctl = (uint32_t)x;
		break;
	case SVMC_F_ALLOWED_SEV_FEATURES:
		v->control.allowed_sev_features = x;
		break;
	case SVMC_F_GUEST_SEV_FEATURES:
		v->control.guest_sev_features = x;
		break;
	case SVMC_F_EVENT_INJ:
		v->control.event_inj = (uint32_t)x;
		break;
	default:
		break;
	}
}

static uint64_t get_field(const struct svmc_record *r, unsigned f)
{
	const struct svmc_vmcb *v = &r->vmcb;

	switch (f) {
	case SVMC_F_EFER:
		return v->save.efer;
	case SVMC_F_CR0:
		return v->save.cr0;
	case SVMC_F_CR3:
		return v->save.cr3;
	case SVMC_F_CR4:
		return v->save.cr4;
	case SVMC_F_DR6:
		return v->save.dr6;
	case SVMC_F_DR7:
		return v->save.dr7;
	case SVMC_F_RFLAGS:
		return v->save.rflags;
	case SVMC_F_CS:
		return v->save.cs.attrib;
	case SVMC_F_G_PAT:
		return v->save.g_pat;
	case SVMC_F_NESTED_CTL:
		return v->control.nested_ctl;
	case SVMC_F_NESTED_CR3:
		return v->control.nested_cr3;
	case SVMC_F_INTERCEPT_MISC1:
		return v->control.intercept_misc1;
	case SVMC_F_INTERCEPT_MISC2:
		return v->control.intercept_misc2;
	case SVMC_F_ASID:
		return v->control.asid;
	case SVMC_F_MSRPM_BASE_PA:
		return v->control.msrpm_base_pa;
	case SVMC_F_IOPM_BASE_PA:
		return v->control.iopm_base_pa;
	case SVMC_F_INT_CTL:
		return v->control.int_ctl;
	case SVMC_F_ALLOWED_SEV_FEATURES:
		return v->control.allowed_sev_features;
	case SVMC_F_GUEST_SEV_FEATURES:
		return v->control.guest_sev_features;
	case SVMC_F_EVENT_INJ:
		return v->control.event_inj;
	default:
		return 0;
	}
}

/*
 * The other direction of the guards: a check that passes with one of its
 * fields unknown (its guard is known to be off) must pass for every value
 * of that field.  From baseline, legacy_pae and every mutator's failing
 * and passing record, each read field is made unknown; where the check
 * still passes, the field is set to 0, all ones, and its own value with
 * each single bit flipped, all known, and the check must not fail.
 */
static void test_guard_sound(void)
{
	struct svmc_record rec, r;
	struct svmc_compiled c;
	struct svmc_result res;
	unsigned passed_by_guard = 0;

	for (unsigned mi = 0; mi < NFORMS; mi++) {
		compile(&c, model_names[mi], base_cpu());
		for (size_t src = 0; src < 2 + 2 * NCASES; src++) {
			if (src == 0)
				baseline(&rec);
			else if (src == 1)
				legacy_pae(&rec);
			else {
				baseline(&rec);
				cases[(src - 2) / 2].mu(&rec, base_cpu(), c.model,
							(src - 2) % 2 == 0);
			}
			for (size_t i = 0; i < NREADS; i++) {
				uint64_t bit = SVMC_CHECK_BIT(reads[i].id);
				if (!svmc_model_applies(c.model, reads[i].id))
					continue;
				for (unsigned k = 0; k < reads[i].n; k++) {
					unsigned f = reads[i].f[k];
					r = rec;
					unknown(&r, (enum svmc_field_id)f);
					svmc_evaluate(&c, &r, &res);
					CHECK(!(res.failed & bit));
					if (res.unevaluated & bit)
						continue;
					passed_by_guard++;
					uint64_t own = get_field(&rec, f);
					for (unsigned t = 0; t < 66; t++) {
						uint64_t x = t == 64 ? 0 :
							     t == 65 ? ~UINT64_C(0) :
								       own ^ B(t);
						r = rec;
						set_field(&r, f, x);
						svmc_evaluate(&c, &r, &res);
						if (res.failed & bit)
							fprintf(stderr,
								"%s under %s: passed with field %u unknown, fails "
								"with it = 0x%llx\n",
								svmc_check_info(reads[i].id)->name,
								model_names[mi], f,
								(unsigned long long)x);
						CHECK(!(res.failed & bit));
					}
				}
			}
		}
	}
	CHECK(passed_by_guard > 100); /* the guards were exercised */
}

/* ---- first, in each model's order -------------------------------------------- */

/*
 * Each model's order, written out from KVM nested.c (the order of its CC() checks;
 * apm as svmcheck-checks(1) lists it), not read from models.c.
 */
#define C(x) SVMC_CHECK_##x
/* nested_vmcb_check_save(), then nested_vmcb_check_controls() */
#define KVM_SAVE_ORDER                                                            \
	C(SAVE_EFER_SVME), C(SAVE_CR0_CD_NW), C(SAVE_CR0_HIGH), C(SAVE_DR6_HIGH), \
		C(SAVE_DR7_HIGH), C(SAVE_LM_PAE), C(SAVE_LM_PE), C(SAVE_CR3_MBZ), \
		C(SAVE_LM_CS_LD), C(SAVE_CR4_RSVD), C(SAVE_EFER_RSVD)
#define KVM_CTRL_ORDER                                                                    \
	C(CTRL_INTERCEPT_VMRUN), C(CTRL_ASID_ZERO), C(CTRL_NP_NCR3), C(CTRL_MSRPM_RANGE), \
		C(CTRL_IOPM_RANGE), C(CTRL_VNMI_NMI_INTERCEPT), C(CTRL_EVENTINJ_TYPE),    \
		C(CTRL_EVENTINJ_VECTOR)
static const enum svmc_check_id order_kvm[] = { KVM_SAVE_ORDER, KVM_CTRL_ORDER, C(KVM_LATE_CR3) };
/* kvm without the 2026 additions (CS.L/D, nCR3, EVENTINJ) */
#define KVM_LEGACY_SAVE_ORDER                                                     \
	C(SAVE_EFER_SVME), C(SAVE_CR0_CD_NW), C(SAVE_CR0_HIGH), C(SAVE_DR6_HIGH), \
		C(SAVE_DR7_HIGH), C(SAVE_LM_PAE), C(SAVE_LM_PE), C(SAVE_CR3_MBZ), \
		C(SAVE_CR4_RSVD), C(SAVE_EFER_RSVD)
#define KVM_LEGACY_CTRL_ORDER                                                                \
	C(CTRL_INTERCEPT_VMRUN), C(CTRL_ASID_ZERO), C(CTRL_MSRPM_RANGE), C(CTRL_IOPM_RANGE), \
		C(CTRL_VNMI_NMI_INTERCEPT)
static const enum svmc_check_id order_kvm_legacy[] = { KVM_LEGACY_SAVE_ORDER, KVM_LEGACY_CTRL_ORDER,
						       C(KVM_LATE_CR3) };
/* save area as kvm, then VMRUN intercept, ASID, nCR3, G_PAT, MSRPM, IOPM,
 * SEV features, EVENTINJ */
static const enum svmc_check_id order_apm[] = {
	C(SAVE_EFER_SVME),     C(SAVE_CR0_CD_NW),       C(SAVE_CR0_HIGH),
	C(SAVE_DR6_HIGH),      C(SAVE_DR7_HIGH),        C(SAVE_LM_PAE),
	C(SAVE_LM_PE),         C(SAVE_CR3_MBZ),         C(SAVE_LM_CS_LD),
	C(SAVE_CR4_RSVD),      C(SAVE_EFER_RSVD),       C(CTRL_INTERCEPT_VMRUN),
	C(CTRL_ASID_ZERO),     C(CTRL_NP_NCR3),         C(CTRL_NP_GPAT),
	C(CTRL_MSRPM_RANGE),   C(CTRL_IOPM_RANGE),      C(CTRL_SEV_ALLOWED_FEATURES),
	C(CTRL_EVENTINJ_TYPE), C(CTRL_EVENTINJ_VECTOR),
};

/*
 * svm_set_nested_state(): the header (format, flags, then in guest mode
 * vmcb_pa and size), nested_vmcb_check_controls() on the cached controls,
 * L1's CR0.PG, CR0.PE, RFLAGS.VM, then nested_vmcb_check_save() on L1's
 * save area; never the late CR3 load.
 */
#define RS_HDR C(NSTATE_FORMAT), C(NSTATE_FLAGS), C(NSTATE_VMCB_PA), C(NSTATE_SIZE)
#define RS_L1 C(NSTATE_L1_CR0_PG), C(NSTATE_L1_CR0_PE), C(NSTATE_L1_RFLAGS_VM)
static const enum svmc_check_id order_kvm_restore[] = { RS_HDR, KVM_CTRL_ORDER, RS_L1,
							KVM_SAVE_ORDER };
static const enum svmc_check_id order_kvm_legacy_restore[] = { RS_HDR, KVM_LEGACY_CTRL_ORDER, RS_L1,
							       KVM_LEGACY_SAVE_ORDER };

/* Make r fail check id (brk) or undo exactly that, from baseline() or
 * legacy_pae(); no two of them set the same bits (but SAVE.LM.PE and
 * NSTATE.L1.CR0_PE: never in one record). */
static void order_break(struct svmc_record *r, enum svmc_check_id id, bool brk)
{
	struct svmc_vmcb *v = &r->vmcb;

	switch (id) {
	case C(SAVE_EFER_SVME):
		v->save.efer = brk ? v->save.efer & ~EFER_SVME : v->save.efer | EFER_SVME;
		break;
	case C(SAVE_CR0_CD_NW):
		v->save.cr0 = brk ? v->save.cr0 | CR0_NW : v->save.cr0 & ~CR0_NW;
		break;
	case C(SAVE_CR0_HIGH):
		v->save.cr0 = brk ? v->save.cr0 | B(32) : v->save.cr0 & ~B(32);
		break;
	case C(SAVE_DR6_HIGH):
		v->save.dr6 = brk ? v->save.dr6 | B(40) : v->save.dr6 & ~B(40);
		break;
	case C(SAVE_DR7_HIGH):
		v->save.dr7 = brk ? v->save.dr7 | B(63) : v->save.dr7 & ~B(63);
		break;
	case C(SAVE_LM_PAE):
		v->save.cr4 = brk ? v->save.cr4 & ~CR4_PAE : v->save.cr4 | CR4_PAE;
		break;
	case C(SAVE_LM_PE):
		v->save.cr0 = brk ? v->save.cr0 & ~CR0_PE : v->save.cr0 | CR0_PE;
		break;
	case C(SAVE_CR3_MBZ): /* in long mode */
	case C(KVM_LATE_CR3): /* outside it */
		v->save.cr3 = brk ? v->save.cr3 | B(50) : v->save.cr3 & ~B(50);
		break;
	case C(SAVE_LM_CS_LD):
		v->save.cs.attrib = brk ? v->save.cs.attrib | SVM_SELECTOR_DB_MASK :
					  v->save.cs.attrib & ~SVM_SELECTOR_DB_MASK;
		break;
	case C(SAVE_CR4_RSVD):
		v->save.cr4 = brk ? v->save.cr4 | B(15) : v->save.cr4 & ~B(15);
		break;
	case C(SAVE_EFER_RSVD):
		v->save.efer = brk ? v->save.efer | B(1) : v->save.efer & ~B(1);
		break;
	case C(CTRL_NP_GPAT): /* PA0 type 2 */
		v->control.nested_ctl |= SVM_NESTED_CTL_NP_ENABLE;
		v->save.g_pat = brk ? UINT64_C(0x0007040600070402) : UINT64_C(0x0007040600070406);
		break;
	case C(CTRL_INTERCEPT_VMRUN):
		v->control.intercept_misc2 = brk ? 0 : INTERCEPT2_VMRUN;
		break;
	case C(CTRL_ASID_ZERO):
		v->control.asid = brk ? 0 : 1;
		break;
	case C(CTRL_NP_NCR3):
		v->control.nested_ctl |= SVM_NESTED_CTL_NP_ENABLE;
		v->control.nested_cr3 = brk ? B(50) | 0x3000 : 0x3000;
		break;
	case C(CTRL_MSRPM_RANGE):
		v->control.msrpm_base_pa = brk ? B(50) : 0x10000;
		break;
	case C(CTRL_IOPM_RANGE):
		v->control.iopm_base_pa = brk ? B(50) : 0x20000;
		break;
	case C(CTRL_VNMI_NMI_INTERCEPT):
		v->control.int_ctl |= V_NMI_ENABLE_MASK;
		v->control.intercept_misc1 = brk ? 0 : INTERCEPT1_NMI;
		break;
	case C(CTRL_SEV_ALLOWED_FEATURES): /* guest bit 0, not allowed */
		v->control.nested_ctl |= SVM_NESTED_CTL_SEV_ENABLE | SVM_NESTED_CTL_SEV_ES_ENABLE;
		v->control.allowed_sev_features = B(63) | 0x6;
		v->control.guest_sev_features = brk ? 0x1 : 0x6;
		break;
	case C(CTRL_EVENTINJ_TYPE): /* TYPE 5 */
		v->control.event_inj = brk ? SVM_EVTINJ_VALID | (5u << 8) : 0;
		break;
	case C(CTRL_EVENTINJ_VECTOR): /* TYPE 3, vector 15 (reserved) */
		v->control.event_inj = brk ? SVM_EVTINJ_VALID | (3u << 8) | 15 : 0;
		break;
	case C(NSTATE_FORMAT):
		r->nstate.format = brk ? 2 : 1;
		break;
	case C(NSTATE_FLAGS): /* GUEST_MODE stays */
		r->nstate.flags = brk ? r->nstate.flags | 0x8 : r->nstate.flags & ~0x8;
		break;
	case C(NSTATE_VMCB_PA):
		r->nstate.vmcb_pa = brk ? r->nstate.vmcb_pa | 0x800 : r->nstate.vmcb_pa & ~0x800;
		break;
	case C(NSTATE_SIZE):
		r->nstate.size = brk ? 128 : 128 + 4096;
		break;
	case C(NSTATE_L1_CR0_PG): /* outside long mode only */
		v->save.cr0 = brk ? v->save.cr0 & ~CR0_PG : v->save.cr0 | CR0_PG;
		break;
	case C(NSTATE_L1_CR0_PE): /* outside long mode only */
		v->save.cr0 = brk ? v->save.cr0 & ~CR0_PE : v->save.cr0 | CR0_PE;
		break;
	case C(NSTATE_L1_RFLAGS_VM):
		v->save.rflags = brk ? v->save.rflags | B(17) : v->save.rflags & ~B(17);
		break;
	default:
		CHECK(0);
	}
}

/*
 * The records: as many checks failing at once as can.  Exclusive pairs:
 * SAVE.LM.PAE needs PAE clear, SAVE.LM.CS_LD needs it set; SAVE.CR3.MBZ
 * needs long mode, KVM.LATE.CR3 needs it off; one EVENTINJ holds either a
 * bad TYPE or a bad TYPE-3 vector.  Every neighbouring pair of each model's
 * order fails together in at least one record, except EVENTINJ TYPE and
 * VECTOR, which never can.
 */
#define SAVE_COMMON \
	C(SAVE_EFER_SVME), C(SAVE_CR0_CD_NW), C(SAVE_CR0_HIGH), C(SAVE_DR6_HIGH), C(SAVE_DR7_HIGH)
#define CTRL_COMMON                                                                   \
	C(CTRL_INTERCEPT_VMRUN), C(CTRL_ASID_ZERO), C(CTRL_NP_NCR3), C(CTRL_NP_GPAT), \
		C(CTRL_MSRPM_RANGE), C(CTRL_IOPM_RANGE), C(CTRL_VNMI_NMI_INTERCEPT),  \
		C(CTRL_SEV_ALLOWED_FEATURES)
static const enum svmc_check_id rec_lm_nopae[] = {
	SAVE_COMMON,      C(SAVE_LM_PAE),    C(SAVE_LM_PE), C(SAVE_CR3_MBZ),
	C(SAVE_CR4_RSVD), C(SAVE_EFER_RSVD), CTRL_COMMON,   C(CTRL_EVENTINJ_TYPE),
};
static const enum svmc_check_id rec_lm_pae[] = {
	SAVE_COMMON,      C(SAVE_LM_PE),     C(SAVE_CR3_MBZ), C(SAVE_LM_CS_LD),
	C(SAVE_CR4_RSVD), C(SAVE_EFER_RSVD), CTRL_COMMON,     C(CTRL_EVENTINJ_VECTOR),
};
static const enum svmc_check_id rec_legacy[] = {
	SAVE_COMMON, C(SAVE_CR4_RSVD),        C(SAVE_EFER_RSVD),
	CTRL_COMMON, C(CTRL_EVENTINJ_VECTOR), C(KVM_LATE_CR3),
};
/*
 * For the restore forms: the header and RFLAGS.VM break with anything; L1's
 * CR0.PG and CR0.PE only outside long mode (clearing PG leaves it, clearing
 * PE in it fails SAVE.LM.PE too), so SAVE.LM.PE is never broken alone and
 * can never be first: NSTATE.L1.CR0_PE comes before it and always fails
 * with it.
 */
static const enum svmc_check_id rec_rs_lm_nopae[] = {
	RS_HDR,          SAVE_COMMON,           C(SAVE_LM_PAE),
	C(SAVE_CR3_MBZ), C(SAVE_CR4_RSVD),      C(SAVE_EFER_RSVD),
	CTRL_COMMON,     C(CTRL_EVENTINJ_TYPE), C(NSTATE_L1_RFLAGS_VM),
};
static const enum svmc_check_id rec_rs_lm_pae[] = {
	RS_HDR,
	SAVE_COMMON,
	C(SAVE_CR3_MBZ),
	C(SAVE_LM_CS_LD),
	C(SAVE_CR4_RSVD),
	C(SAVE_EFER_RSVD),
	CTRL_COMMON,
	C(CTRL_EVENTINJ_VECTOR),
	C(NSTATE_L1_RFLAGS_VM),
};
static const enum svmc_check_id rec_rs_legacy[] = {
	RS_HDR,
	SAVE_COMMON,
	C(SAVE_CR4_RSVD),
	C(SAVE_EFER_RSVD),
	CTRL_COMMON,
	C(CTRL_EVENTINJ_VECTOR),
	RS_L1,
};
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static bool in_ids(const enum svmc_check_id *ids, size_t n, enum svmc_check_id id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/*
 * Break every check of rec, then repeatedly: the failing set must be the
 * broken checks the model applies and `first` the earliest of them in want;
 * fix that one and evaluate again, until nothing fails.  Adds every check
 * seen first to *seen.
 */
static void peel(const char *model, const enum svmc_check_id *want, size_t nwant,
		 const enum svmc_check_id *rec, size_t nrec, bool legacy, svmc_checkset *seen)
{
	struct svmc_record r;
	svmc_checkset left = 0;

	if (legacy)
		legacy_pae(&r);
	else
		baseline(&r);
	for (size_t i = 0; i < nrec; i++) {
		order_break(&r, rec[i], true);
		if (in_ids(want, nwant, rec[i]))
			left |= SVMC_CHECK_BIT(rec[i]);
	}
	for (size_t k = 0; k <= nwant; k++) {
		struct svmc_result res = run(model, base_cpu(), &r);
		int next = -1;

		for (size_t i = 0; i < nwant && next < 0; i++)
			if ((left >> want[i]) & 1)
				next = (int)want[i];
		if (res.failed != left || res.first != next)
			fprintf(stderr,
				"order under %s: failed=0x%llx want 0x%llx, first=%d want %d\n",
				model, (unsigned long long)res.failed, (unsigned long long)left,
				res.first, next);
		CHECK_EQ_U64(res.failed, left);
		CHECK(res.first == next);
		if (next < 0)
			break;
		*seen |= SVMC_CHECK_BIT(next);
		order_break(&r, (enum svmc_check_id)next, false);
		left &= ~SVMC_CHECK_BIT(next);
	}
	CHECK_EQ_U64(left, 0);
}

static void test_order(void)
{
	static const struct {
		const char *model;
		const enum svmc_check_id *want;
		size_t n;
	} orders[] = {
		{ "kvm", order_kvm, NELEM(order_kvm) },
		{ "kvm-legacy", order_kvm_legacy, NELEM(order_kvm_legacy) },
		{ "kvm-v1", order_kvm, NELEM(order_kvm) },
		{ "apm", order_apm, NELEM(order_apm) },
		{ "kvm/restore", order_kvm_restore, NELEM(order_kvm_restore) },
		{ "kvm-legacy/restore", order_kvm_legacy_restore, NELEM(order_kvm_legacy_restore) },
		{ "kvm-v1/restore", order_kvm_restore, NELEM(order_kvm_restore) },
	};

	/* every form but the peers' models, whose orders test_peers.c writes out */
	CHECK(NELEM(orders) == NFORMS - (NMODELS - NHOT));
	for (size_t o = 0; o < NELEM(orders); o++) {
		const struct svmc_model *m = model_get(orders[o].model);
		svmc_checkset set = 0, seen = 0;

		/* the hand-written list is the model's check set, in its order */
		for (size_t i = 0; i < orders[o].n; i++)
			set |= SVMC_CHECK_BIT(orders[o].want[i]);
		CHECK_EQ_U64(set, m->checks);
		CHECK_EQ_U64(m->norder, orders[o].n);
		for (size_t i = 0; i < orders[o].n && i < m->norder; i++)
			CHECK(m->order[i] == orders[o].want[i]);

		/* and the engine reports `first` in that order */
		if (is_restore(orders[o].model)) {
			peel(orders[o].model, orders[o].want, orders[o].n, rec_rs_lm_nopae,
			     NELEM(rec_rs_lm_nopae), false, &seen);
			peel(orders[o].model, orders[o].want, orders[o].n, rec_rs_lm_pae,
			     NELEM(rec_rs_lm_pae), false, &seen);
			peel(orders[o].model, orders[o].want, orders[o].n, rec_rs_legacy,
			     NELEM(rec_rs_legacy), true, &seen);
			/* every check but SAVE.LM.PE (see rec_rs_legacy) was first */
			CHECK_EQ_U64(seen, m->checks & ~SVMC_CHECK_BIT(SVMC_CHECK_SAVE_LM_PE));
			continue;
		}
		peel(orders[o].model, orders[o].want, orders[o].n, rec_lm_nopae,
		     NELEM(rec_lm_nopae), false, &seen);
		peel(orders[o].model, orders[o].want, orders[o].n, rec_lm_pae, NELEM(rec_lm_pae),
		     false, &seen);
		peel(orders[o].model, orders[o].want, orders[o].n, rec_legacy, NELEM(rec_legacy),
		     true, &seen);
		/* every check of the model was first at some point */
		CHECK_EQ_U64(seen, m->checks);
	}
}
#undef C

/* ---- the model tables ---------------------------------------------------------- */

static unsigned popcount64(uint64_t x)
{
	unsigned n = 0;
	for (; x; x &= x - 1)
		n++;
	return n;
}

static void test_models(void)
{
	/*
	 * kvm: 20 (the first 22 checks but CTRL.NP.GPAT and
	 * CTRL.SEV.ALLOWED_FEATURES); kvm-legacy: kvm minus 4; kvm-v1: as kvm;
	 * apm: 20 (no vNMI, no late CR3); from the rows in models.c: qemu and
	 * qemu-7.2 17, bochs 18 (NP.HOST_PG, V64 and the PDPTE read not
	 * modelled), xen 16
	 */
	static const unsigned want[NMODELS] = { 20, 16, 20, 20, 17, 17, 18, 16 };
	char buf[128];

	CHECK(svmc_model_count() == NMODELS);
	for (unsigned mi = 0; mi < NMODELS; mi++) {
		const struct svmc_model *m = svmc_model_lookup(model_names[mi]);
		CHECK(m != NULL && m == svmc_model_at(mi));
		CHECK_EQ_U64(m->norder, want[mi]);
		CHECK_EQ_U64(popcount64(m->checks), m->norder);
		svmc_checkset seen = 0;
		for (unsigned i = 0; i < m->norder; i++)
			seen |= SVMC_CHECK_BIT(m->order[i]);
		CHECK_EQ_U64(seen, m->checks);
	}
	CHECK(svmc_model_lookup("hyperv") == NULL);
	CHECK(svmc_model_lookup("KVM") == NULL);
	CHECK(svmc_model_default() == svmc_model_lookup("kvm"));
	CHECK_STREQ(svmc_model_names(buf, sizeof(buf)),
		    "kvm, kvm-legacy, kvm-v1, apm, qemu, qemu-7.2, bochs, xen");

	enum svmc_check_id id;
	CHECK(svmc_check_lookup("CTRL.EVENTINJ.VECTOR", &id) == 0 &&
	      id == SVMC_CHECK_CTRL_EVENTINJ_VECTOR);
	CHECK(svmc_check_lookup("KVM.LATE.CR3", &id) == 0 && id == SVMC_CHECK_KVM_LATE_CR3);
	CHECK(svmc_check_lookup("ctrl.eventinj.vector", &id) == -1);
	CHECK_STREQ(svmc_check_info(SVMC_CHECK_SAVE_EFER_SVME)->name, "SAVE.EFER.SVME");
	CHECK_STREQ(svmc_check_info(SVMC_CHECK_CTRL_EVENTINJ_TYPE)->apm, "15.20");
	CHECK_STREQ(svmc_check_info(SVMC_CHECK_CTRL_EVENTINJ_TYPE)->field_path,
		    "control.event_inj");
	CHECK_STREQ(svmc_verdict_name(SVMC_VMRUN), "VMRUN");
	CHECK_STREQ(svmc_verdict_name(SVMC_VMEXIT_INVALID), "VMEXIT_INVALID");
	CHECK_STREQ(svmc_verdict_name(SVMC_INCOMPLETE), "INCOMPLETE");
	CHECK_STREQ(svmc_verdict_name(SVMC_RESTORED), "RESTORED");
	CHECK_STREQ(svmc_verdict_name(SVMC_EINVAL), "EINVAL");
	CHECK_STREQ(svmc_verdict_name(SVMC_NA), "N/A");
	CHECK(svmc_verdict_rejects(SVMC_EINVAL) && svmc_verdict_rejects(SVMC_VMEXIT_INVALID));
	CHECK(!svmc_verdict_rejects(SVMC_RESTORED) && !svmc_verdict_rejects(SVMC_NA) &&
	      !svmc_verdict_rejects(SVMC_INCOMPLETE));
	/* KVM's models have a restore form of the same name; apm has none */
	for (unsigned mi = NMODELS; mi < NFORMS; mi++) {
		const struct svmc_model *rm = model_get(model_names[mi]);
		CHECK(rm != NULL && (rm->flags & SVMC_MF_RESTORE) && rm->restore == NULL);
		CHECK(rm && strncmp(model_names[mi], rm->name, strlen(rm->name)) == 0);
	}
	CHECK(svmc_model_lookup("apm")->restore == NULL);

	/* a CPU without SVM compiles, with NOSVM */
	struct svmc_cpu *cpu = base_cpu();
	struct svmc_compiled c;
	struct svmc_diag d;
	svmc_diag_init(&d, NULL);
	svmc_featset_set(&cpu->features, SVMC_FEAT_SVM, false);
	CHECK(svmc_compile(&c, svmc_model_default(), cpu, &d) == SVMC_ERR_NOSVM);
	CHECK(strstr(d.msg, "SVM") != NULL);
	CHECK(c.model == svmc_model_default());
	cpu = base_cpu();
	cpu->maxphyaddr = 65;
	CHECK(svmc_compile(&c, svmc_model_default(), cpu, &d) == SVMC_ERR_RANGE);
	CHECK(c.maxphyaddr == 64);
}

/* ---- messages ------------------------------------------------------------------ */

static void test_messages(void)
{
	struct svmc_record r;
	struct svmc_compiled c;
	char msg[512];
	size_t len;

	baseline(&r);
	r.vmcb.control.event_inj = SVM_EVTINJ_VALID | SVM_EVTINJ_VALID_ERR | (3u << 8) | 21;
	compile(&c, "kvm", base_cpu());
	len = svmc_check_message(&c, &r.vmcb, SVMC_CHECK_CTRL_EVENTINJ_VECTOR, msg, sizeof(msg));
	CHECK_STREQ(
		msg,
		"EVENTINJ injects vector 21 (#CP) as an exception, but this CPU has no shadow stacks "
		"(CPUID 7.0:ECX[7]); KVM fails VMRUN with VMEXIT_INVALID");
	CHECK(len == strlen(msg));
	/* truncation: snprintf semantics */
	char small[10];
	CHECK(svmc_check_message(&c, &r.vmcb, SVMC_CHECK_CTRL_EVENTINJ_VECTOR, small,
				 sizeof(small)) == len);
	CHECK(strlen(small) == 9);
	CHECK(svmc_check_message(&c, &r.vmcb, SVMC_CHECK_CTRL_EVENTINJ_VECTOR, NULL, 0) == len);
	CHECK_EQ_U64(svmc_check_value(&r.vmcb, SVMC_CHECK_CTRL_EVENTINJ_VECTOR), 0x80000b15);

	r.vmcb.control.event_inj = SVM_EVTINJ_VALID | (3u << 8) | 29;
	svmc_check_message(&c, &r.vmcb, SVMC_CHECK_CTRL_EVENTINJ_VECTOR, msg, sizeof(msg));
	CHECK_STREQ(msg,
		    "EVENTINJ injects vector 29 (#VC) as an exception, but this CPU has no SEV-ES "
		    "(CPUID 0x8000001F:EAX[3]); KVM fails VMRUN with VMEXIT_INVALID");

	compile(&c, "kvm-v1", base_cpu());
	r.vmcb.control.event_inj = SVM_EVTINJ_VALID | (3u << 8) | 1;
	svmc_check_message(&c, &r.vmcb, SVMC_CHECK_CTRL_EVENTINJ_VECTOR, msg, sizeof(msg));
	CHECK(strstr(msg, "vector 1 (#DB)") != NULL && strstr(msg, "NMI_VECTOR") != NULL);

	compile(&c, "kvm", base_cpu());
	baseline(&r);
	r.vmcb.save.cr4 |= CR4_LA57 | CR4_PKS;
	svmc_check_message(&c, &r.vmcb, SVMC_CHECK_SAVE_CR4_RSVD, msg, sizeof(msg));
	CHECK_STREQ(
		msg,
		"CR4 is 0x00000000010016a0 and sets reserved bits: LA57 (bit 12, needs la57 (CPUID "
		"7.0:ECX[16]); la57 is absent on this CPU), PKS (bit 24, reserved under kvm); KVM fails "
		"VMRUN with VMEXIT_INVALID");

	/* an EITHER gate: CET without shstk and ibt; an unnamed bit */
	baseline(&r);
	r.vmcb.save.cr4 |= CR4_CET | B(40);
	svmc_check_message(&c, &r.vmcb, SVMC_CHECK_SAVE_CR4_RSVD, msg, sizeof(msg));
	CHECK_STREQ(
		msg,
		"CR4 is 0x00000100008006a0 and sets reserved bits: CET (bit 23, needs shstk (CPUID "
		"7.0:ECX[7]) or ibt (CPUID 7.0:EDX[20]); shstk and ibt are both absent on this CPU), "
		"bit 40 (reserved under kvm); KVM fails VMRUN with VMEXIT_INVALID");

	/*
	 * AND_NOT (EFER.LMSLE): the cause is the condition that fails.  With
	 * efer_lmsle_unsupported present (as on epyc-genoa) the CPU has svm;
	 * EFER 0x1d01 | bit 13 = 0x3d01.
	 */
	struct svmc_cpu *cpu = base_cpu();
	svmc_featset_set(&cpu->features, SVMC_FEAT_EFER_LMSLE_UNSUPPORTED, true);
	compile(&c, "kvm", cpu);
	baseline(&r);
	r.vmcb.save.efer |= EFER_LMSLE;
	svmc_check_message(&c, &r.vmcb, SVMC_CHECK_SAVE_EFER_RSVD, msg, sizeof(msg));
	CHECK_STREQ(
		msg,
		"EFER is 0x0000000000003d01 and sets reserved bits: LMSLE (bit 13, needs svm (CPUID "
		"0x80000001:ECX[2]) and no efer_lmsle_unsupported (CPUID 0x80000008:EBX[20]); "
		"efer_lmsle_unsupported is present on this CPU); KVM fails VMRUN with VMEXIT_INVALID");
	/* without svm: both SVME and LMSLE, each with its own cause */
	svmc_featset_set(&cpu->features, SVMC_FEAT_SVM, false);
	compile(&c, "kvm", cpu);
	svmc_check_message(&c, &r.vmcb, SVMC_CHECK_SAVE_EFER_RSVD, msg, sizeof(msg));
	CHECK_STREQ(
		msg,
		"EFER is 0x0000000000003d01 and sets reserved bits: SVME (bit 12, needs svm (CPUID "
		"0x80000001:ECX[2]); svm is absent on this CPU), LMSLE (bit 13, needs svm (CPUID "
		"0x80000001:ECX[2]) and no efer_lmsle_unsupported (CPUID 0x80000008:EBX[20]); svm is "
		"absent and efer_lmsle_unsupported is present on this CPU); KVM fails VMRUN with "
		"VMEXIT_INVALID");
	svmc_featset_set(&cpu->features, SVMC_FEAT_EFER_LMSLE_UNSUPPORTED, false);
	compile(&c, "kvm", cpu);
	svmc_check_message(&c, &r.vmcb, SVMC_CHECK_SAVE_EFER_RSVD, msg, sizeof(msg));
	CHECK(strstr(msg,
		     "LMSLE (bit 13, needs svm (CPUID 0x80000001:ECX[2]) and no efer_lmsle_unsupported "
		     "(CPUID 0x80000008:EBX[20]); svm is absent on this CPU)") != NULL);

	/*
	 * MSRPM/IOPM ranges at MAXPHYADDR 52 (physical addresses end at
	 * 0x000fffffffffffff): a legal base whose map runs past the end, a base
	 * beyond the end, and one whose 8 KiB wrap past 2^64 (review finding:
	 * this printed "last byte 0x0000000000000fff").
	 */
	cpu = base_cpu();
	cpu->maxphyaddr = 52;
	compile(&c, "kvm", cpu);
	baseline(&r);
	r.vmcb.control.msrpm_base_pa = B(52) - 0x1000;
	CHECK(run("kvm", cpu, &r).failed == SVMC_CHECK_BIT(SVMC_CHECK_CTRL_MSRPM_RANGE));
	svmc_check_message(&c, &r.vmcb, SVMC_CHECK_CTRL_MSRPM_RANGE, msg, sizeof(msg));
	CHECK_STREQ(
		msg,
		"the MSR permission map at 0x000ffffffffff000 (8 KiB, last byte 0x0010000000000fff) "
		"reaches beyond MAXPHYADDR 52 (physical addresses end at 0x000fffffffffffff); KVM fails "
		"VMRUN with VMEXIT_INVALID");
	r.vmcb.control.msrpm_base_pa = B(52) | 0xabc; /* bits 11:0 ignored */
	svmc_check_message(&c, &r.vmcb, SVMC_CHECK_CTRL_MSRPM_RANGE, msg, sizeof(msg));
	CHECK_STREQ(
		msg,
		"the MSR permission map at 0x0010000000000000 (8 KiB) starts beyond MAXPHYADDR 52 "
		"(physical addresses end at 0x000fffffffffffff); KVM fails VMRUN with VMEXIT_INVALID");
	r.vmcb.control.msrpm_base_pa = UINT64_C(0xfffffffffffff000);
	CHECK(run("kvm", cpu, &r).failed == SVMC_CHECK_BIT(SVMC_CHECK_CTRL_MSRPM_RANGE));
	svmc_check_message(&c, &r.vmcb, SVMC_CHECK_CTRL_MSRPM_RANGE, msg, sizeof(msg));
	CHECK_STREQ(
		msg,
		"the MSR permission map at 0xfffffffffffff000 (8 KiB) starts beyond MAXPHYADDR 52 "
		"(physical addresses end at 0x000fffffffffffff) and wraps past the end of the 64-bit "
		"address space; KVM fails VMRUN with VMEXIT_INVALID");
	/* at MAXPHYADDR 64 only the wrap can fail: 0xffffffffffffe000 + 12 KiB */
	cpu->maxphyaddr = 64;
	compile(&c, "apm", cpu);
	baseline(&r);
	r.vmcb.control.iopm_base_pa = UINT64_C(0xffffffffffffe000);
	CHECK(run("apm", cpu, &r).failed == SVMC_CHECK_BIT(SVMC_CHECK_CTRL_IOPM_RANGE));
	svmc_check_message(&c, &r.vmcb, SVMC_CHECK_CTRL_IOPM_RANGE, msg, sizeof(msg));
	CHECK_STREQ(
		msg,
		"the I/O permission map at 0xffffffffffffe000 (12 KiB) wraps past the end of the 64-bit "
		"address space; the CPU fails VMRUN with VMEXIT_INVALID");

	/* SEV: bit 0 disallowed */
	compile(&c, "apm", base_cpu());
	baseline(&r);
	r.vmcb.control.nested_ctl = SVM_NESTED_CTL_SEV_ENABLE | SVM_NESTED_CTL_SEV_ES_ENABLE;
	r.vmcb.control.allowed_sev_features = B(63) | 0x6;
	r.vmcb.control.guest_sev_features = 0x7;
	svmc_check_message(&c, &r.vmcb, SVMC_CHECK_CTRL_SEV_ALLOWED_FEATURES, msg, sizeof(msg));
	CHECK_STREQ(
		msg,
		"SEV-ES is on and allowed_sev_features 0x8000000000000006 is valid (bit 63), but "
		"guest_sev_features 0x0000000000000007 uses features it does not allow (0x0000000000000001); "
		"the CPU fails VMRUN with VMEXIT_INVALID");

	compile(&c, "apm", base_cpu());
	baseline(&r);
	r.vmcb.control.asid = 0;
	svmc_check_message(&c, &r.vmcb, SVMC_CHECK_CTRL_ASID_ZERO, msg, sizeof(msg));
	CHECK_STREQ(
		msg,
		"the guest ASID is 0, which belongs to the host; the CPU fails VMRUN with VMEXIT_INVALID");
}

int main(void)
{
	test_models();
	test_baseline_valid();
	test_every_check();
	test_address_limits();
	test_cr3_rules();
	test_cs_ld_needs_pae();
	test_np_rules();
	test_sev_rule();
	test_cr4_efer_bits();
	test_efer_lmsle();
	test_unknown();
	test_unknown_each_field();
	test_guard_sound();
	test_order();
	test_messages();
	return tcheck_done("test_engine");
}
