/*
 * test_engine.c - the check table, the four models and the engine, check by
 * check: for every check in every model that applies it, a VMCB that fails
 * only that check and one that passes it at the boundary; models that do
 * not apply a check must not report it.  Also: unknown fields (INCOMPLETE
 * and guards), `first` in each model's order, the model tables themselves,
 * and messages.  Expected values are worked out from spec/README.md 2 and
 * checks.md 3-7 by hand, not taken from the program.
 */
#include <stdlib.h>
#include <string.h>

#include "svmcheck/check.h"
#include "tcheck.h"

#define B(n) (UINT64_C(1) << (n))

static const char *const model_names[] = { "kvm", "kvm-legacy", "kvm-v1", "apm" };
#define NMODELS 4

/* ---- fixtures ------------------------------------------------------------ */

static struct svmc_cpu cpu_buf;

/* An SVM CPU with the leaf-1 basics, long mode, NX, SYSCALL, NPT; MAXPHYADDR 48. */
static struct svmc_cpu *base_cpu(void)
{
	static const enum svmc_feature f[] = {
		SVMC_FEAT_VME, SVMC_FEAT_DE, SVMC_FEAT_PSE, SVMC_FEAT_TSC, SVMC_FEAT_PAE, SVMC_FEAT_MCE,
		SVMC_FEAT_PGE, SVMC_FEAT_MCA, SVMC_FEAT_FXSR, SVMC_FEAT_SSE, SVMC_FEAT_SYSCALL, SVMC_FEAT_NX,
		SVMC_FEAT_LM, SVMC_FEAT_SVM, SVMC_FEAT_NPT,
	};
	memset(&cpu_buf, 0, sizeof(cpu_buf));
	snprintf(cpu_buf.name, sizeof(cpu_buf.name), "test");
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		svmc_featset_set(&cpu_buf.features, f[i], true);
	cpu_buf.maxphyaddr = 48;
	return &cpu_buf;
}

static void compile(struct svmc_compiled *c, const char *model, const struct svmc_cpu *cpu)
{
	const struct svmc_model *m = svmc_model_lookup(model);
	CHECK(m != NULL);
	enum svmc_err e = svmc_compile(c, m, cpu, NULL);
	CHECK(e == SVMC_OK || (e == SVMC_ERR_NOSVM && !svmc_cpu_has(cpu, SVMC_FEAT_SVM)));
}

/*
 * A valid 64-bit guest: EFER SCE|LME|LMA|NXE|SVME, CR0 PE|MP|ET|NE|WP|AM|PG,
 * CR4 PAE|PGE|OSFXSR|OSXMMEXCPT, CS L=1 D=0, VMRUN intercepted, ASID 1,
 * page-aligned MSRPM/IOPM low in memory, no NP, no event, PAT default.
 */
static void baseline(struct svmc_record *r)
{
	svmc_record_clear(r);
	struct vmcb *v = &r->vmcb;
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
}

/* Legacy PAE paging (not long mode): LME/LMA clear, CS 32-bit. */
static void legacy_pae(struct svmc_record *r)
{
	baseline(r);
	r->vmcb.save.efer = EFER_SCE | EFER_NXE | EFER_SVME;
	r->vmcb.save.cs.attrib = 0x0c9b;
}

static struct svmc_result run(const char *model, const struct svmc_cpu *cpu, const struct svmc_record *r)
{
	struct svmc_compiled c;
	struct svmc_result res;
	compile(&c, model, cpu);
	svmc_evaluate(&c, r, &res);
	return res;
}

static bool applies(const char *model, enum svmc_check_id id)
{
	return svmc_model_applies(svmc_model_lookup(model), id);
}

/* ---- one failing and one passing VMCB per check ---------------------------- */

/* Each mutator makes r fail `id` (fail=true) or pass it at the boundary. */
typedef void (*mutator)(struct svmc_record *r, struct svmc_cpu *cpu, bool fail);

static void mu_efer_svme(struct svmc_record *r, struct svmc_cpu *cpu, bool fail)
{
	(void)cpu;
	if (fail)
		r->vmcb.save.efer &= ~EFER_SVME;
}
static void mu_cr0_cd_nw(struct svmc_record *r, struct svmc_cpu *cpu, bool fail)
{
	(void)cpu;
	r->vmcb.save.cr0 |= fail ? CR0_NW : (CR0_NW | CR0_CD);
}
static void mu_cr0_high(struct svmc_record *r, struct svmc_cpu *cpu, bool fail)
{
	(void)cpu;
	r->vmcb.save.cr0 |= fail ? B(32) : B(31);
}
static void mu_dr6_high(struct svmc_record *r, struct svmc_cpu *cpu, bool fail)
{
	(void)cpu;
	r->vmcb.save.dr6 = fail ? B(32) | 0xffff0ff0 : 0xffffffff;
}
static void mu_dr7_high(struct svmc_record *r, struct svmc_cpu *cpu, bool fail)
{
	(void)cpu;
	r->vmcb.save.dr7 = fail ? B(63) | 0x400 : 0xffffffff;
}
static void mu_lm_pae(struct svmc_record *r, struct svmc_cpu *cpu, bool fail)
{
	(void)cpu;
	if (fail)
		r->vmcb.save.cr4 &= ~CR4_PAE;
	else { /* PAE clear is fine outside long mode (LME clear) */
		legacy_pae(r);
		r->vmcb.save.cr4 &= ~CR4_PAE;
	}
}
static void mu_lm_pe(struct svmc_record *r, struct svmc_cpu *cpu, bool fail)
{
	(void)cpu;
	if (fail)
		r->vmcb.save.cr0 &= ~CR0_PE;
	else { /* paged real mode is legal outside long mode */
		legacy_pae(r);
		r->vmcb.save.cr0 &= ~CR0_PE;
	}
}
static void mu_cr3_mbz(struct svmc_record *r, struct svmc_cpu *cpu, bool fail)
{
	(void)cpu;
	r->vmcb.save.cr3 = fail ? B(48) : B(48) - 0x1000;
}
static void mu_lm_cs_ld(struct svmc_record *r, struct svmc_cpu *cpu, bool fail)
{
	(void)cpu;
	if (fail)
		r->vmcb.save.cs.attrib |= SVM_SELECTOR_DB_MASK;
	else /* L and D both set is only illegal in long mode */
		legacy_pae(r), r->vmcb.save.cs.attrib |= SVM_SELECTOR_L_MASK | SVM_SELECTOR_DB_MASK;
}
static void mu_cr4_rsvd(struct svmc_record *r, struct svmc_cpu *cpu, bool fail)
{
	(void)cpu;
	r->vmcb.save.cr4 |= fail ? B(15) : CR4_PCE;
}
static void mu_efer_rsvd(struct svmc_record *r, struct svmc_cpu *cpu, bool fail)
{
	(void)cpu;
	r->vmcb.save.efer |= fail ? B(1) : 0;
}
static void mu_np_gpat(struct svmc_record *r, struct svmc_cpu *cpu, bool fail)
{
	(void)cpu;
	r->vmcb.control.nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	r->vmcb.control.nested_cr3 = 0x3000;
	/* PA3 = 2 is reserved; 7 (UC-) is the largest legal type */
	r->vmcb.save.g_pat = fail ? UINT64_C(0x0007040602070406) : UINT64_C(0x0707070707070707);
}
static void mu_vmrun(struct svmc_record *r, struct svmc_cpu *cpu, bool fail)
{
	(void)cpu;
	r->vmcb.control.intercept_misc2 = fail ? INTERCEPT2_VMMCALL : 0xffffffff;
}
static void mu_asid(struct svmc_record *r, struct svmc_cpu *cpu, bool fail)
{
	(void)cpu;
	r->vmcb.control.asid = fail ? 0 : 0xffffffff;
}
static void mu_ncr3(struct svmc_record *r, struct svmc_cpu *cpu, bool fail)
{
	(void)cpu;
	r->vmcb.control.nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	r->vmcb.control.nested_cr3 = fail ? B(48) : B(48) - 0x1000;
}
static void mu_msrpm(struct svmc_record *r, struct svmc_cpu *cpu, bool fail)
{
	(void)cpu;
	/* last legal base at 48: 2^48 - 8 KiB; bits 11:0 ignored */
	r->vmcb.control.msrpm_base_pa = fail ? B(48) - 0x1000 : B(48) - 0x2000 + 0xfff;
}
static void mu_iopm(struct svmc_record *r, struct svmc_cpu *cpu, bool fail)
{
	(void)cpu;
	r->vmcb.control.iopm_base_pa = fail ? B(48) - 0x2000 : B(48) - 0x3000;
}
static void mu_vnmi(struct svmc_record *r, struct svmc_cpu *cpu, bool fail)
{
	(void)cpu;
	r->vmcb.control.int_ctl = V_NMI_ENABLE_MASK;
	if (!fail)
		r->vmcb.control.intercept_misc1 = INTERCEPT1_NMI;
}
static void mu_sev(struct svmc_record *r, struct svmc_cpu *cpu, bool fail)
{
	(void)cpu;
	r->vmcb.control.nested_ctl = SVM_NESTED_CTL_SEV_ENABLE | SVM_NESTED_CTL_SEV_ES_ENABLE;
	r->vmcb.control.allowed_sev_features = VMCB_ALLOWED_SEV_FEATURES_VALID | 0x5;
	/* bit 63 of guest_sev_features is exempt */
	r->vmcb.control.guest_sev_features = fail ? 0x6 : (B(63) | 0x5);
}
static void mu_evtinj_type(struct svmc_record *r, struct svmc_cpu *cpu, bool fail)
{
	(void)cpu;
	r->vmcb.control.event_inj = SVM_EVTINJ_VALID | ((fail ? 5u : 4u) << 8) | 0x80;
}
static void mu_evtinj_vector(struct svmc_record *r, struct svmc_cpu *cpu, bool fail)
{
	(void)cpu;
	/* 15 is reserved under every rule; 13 (#GP) with an error code is fine */
	r->vmcb.control.event_inj = SVM_EVTINJ_VALID | (3u << 8) | (fail ? 15u : 13u) |
				    (fail ? 0 : SVM_EVTINJ_VALID_ERR);
}
static void mu_late_cr3(struct svmc_record *r, struct svmc_cpu *cpu, bool fail)
{
	(void)cpu;
	legacy_pae(r);
	r->vmcb.save.cr3 = fail ? B(48) | 0x1000 : B(48) - 0x1000;
}

static const struct {
	enum svmc_check_id id;
	mutator mu;
	const char *models; /* the models that apply it, hand-listed from spec 2 */
} cases[] = {
	{ SVMC_CHECK_SAVE_EFER_SVME, mu_efer_svme, "kvm kvm-legacy kvm-v1 apm" },
	{ SVMC_CHECK_SAVE_CR0_CD_NW, mu_cr0_cd_nw, "kvm kvm-legacy kvm-v1 apm" },
	{ SVMC_CHECK_SAVE_CR0_HIGH, mu_cr0_high, "kvm kvm-legacy kvm-v1 apm" },
	{ SVMC_CHECK_SAVE_DR6_HIGH, mu_dr6_high, "kvm kvm-legacy kvm-v1 apm" },
	{ SVMC_CHECK_SAVE_DR7_HIGH, mu_dr7_high, "kvm kvm-legacy kvm-v1 apm" },
	{ SVMC_CHECK_SAVE_LM_PAE, mu_lm_pae, "kvm kvm-legacy kvm-v1 apm" },
	{ SVMC_CHECK_SAVE_LM_PE, mu_lm_pe, "kvm kvm-legacy kvm-v1 apm" },
	{ SVMC_CHECK_SAVE_CR3_MBZ, mu_cr3_mbz, "kvm kvm-legacy kvm-v1 apm" },
	{ SVMC_CHECK_SAVE_LM_CS_LD, mu_lm_cs_ld, "kvm kvm-v1 apm" },
	{ SVMC_CHECK_SAVE_CR4_RSVD, mu_cr4_rsvd, "kvm kvm-legacy kvm-v1 apm" },
	{ SVMC_CHECK_SAVE_EFER_RSVD, mu_efer_rsvd, "kvm kvm-legacy kvm-v1 apm" },
	{ SVMC_CHECK_CTRL_NP_GPAT, mu_np_gpat, "apm" },
	{ SVMC_CHECK_CTRL_INTERCEPT_VMRUN, mu_vmrun, "kvm kvm-legacy kvm-v1 apm" },
	{ SVMC_CHECK_CTRL_ASID_ZERO, mu_asid, "kvm kvm-legacy kvm-v1 apm" },
	{ SVMC_CHECK_CTRL_NP_NCR3, mu_ncr3, "kvm kvm-v1 apm" },
	{ SVMC_CHECK_CTRL_MSRPM_RANGE, mu_msrpm, "kvm kvm-legacy kvm-v1 apm" },
	{ SVMC_CHECK_CTRL_IOPM_RANGE, mu_iopm, "kvm kvm-legacy kvm-v1 apm" },
	{ SVMC_CHECK_CTRL_VNMI_NMI_INTERCEPT, mu_vnmi, "kvm kvm-legacy kvm-v1" },
	{ SVMC_CHECK_CTRL_SEV_ALLOWED_FEATURES, mu_sev, "apm" },
	{ SVMC_CHECK_CTRL_EVENTINJ_TYPE, mu_evtinj_type, "kvm kvm-v1 apm" },
	{ SVMC_CHECK_CTRL_EVENTINJ_VECTOR, mu_evtinj_vector, "kvm kvm-v1 apm" },
	{ SVMC_CHECK_KVM_LATE_CR3, mu_late_cr3, "kvm kvm-legacy kvm-v1" },
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

static bool in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; (p = strstr(p, name)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

static void test_every_check(void)
{
	struct svmc_record r;
	char msg[512];

	CHECK(NCASES == SVMC_CHECK_COUNT);
	for (size_t i = 0; i < NCASES; i++) {
		const char *idname = svmc_check_info(cases[i].id)->name;
		for (unsigned mi = 0; mi < NMODELS; mi++) {
			const char *model = model_names[mi];
			bool want = in_list(cases[i].models, model);
			struct svmc_result res;

			if (applies(model, cases[i].id) != want) {
				fprintf(stderr, "%s: %s applies=%d, expected %d\n", idname, model,
					applies(model, cases[i].id), want);
				CHECK(0);
			}

			/* failing VMCB: exactly this check fails under models that apply it */
			baseline(&r);
			cases[i].mu(&r, base_cpu(), true);
			res = run(model, base_cpu(), &r);
			if (want) {
				if (res.failed != SVMC_CHECK_BIT(cases[i].id))
					fprintf(stderr, "%s under %s: failed=0x%llx\n", idname, model,
						(unsigned long long)res.failed);
				CHECK_EQ_U64(res.failed, SVMC_CHECK_BIT(cases[i].id));
				CHECK(res.first == (int)cases[i].id);
				CHECK(res.verdict == SVMC_VMEXIT_INVALID);
				struct svmc_compiled c;
				compile(&c, model, base_cpu());
				size_t len = svmc_check_message(&c, &r.vmcb, cases[i].id, msg, sizeof(msg));
				CHECK(len > 40 && len < sizeof(msg));
				CHECK(strstr(msg, "fails") != NULL && strstr(msg, "(null)") == NULL);
			} else {
				if (res.failed)
					fprintf(stderr, "%s under %s (not applied): failed=0x%llx\n", idname, model,
						(unsigned long long)res.failed);
				CHECK_EQ_U64(res.failed, 0);
				CHECK(res.verdict == SVMC_VMRUN);
			}

			/* passing VMCB at the boundary */
			baseline(&r);
			cases[i].mu(&r, base_cpu(), false);
			res = run(model, base_cpu(), &r);
			if (res.failed)
				fprintf(stderr, "%s pass case under %s: failed=0x%llx\n", idname, model,
					(unsigned long long)res.failed);
			CHECK_EQ_U64(res.failed, 0);
			CHECK(res.verdict == SVMC_VMRUN);
			CHECK(res.first == -1);
		}
	}
}

static void test_baseline_valid(void)
{
	struct svmc_record r;
	for (unsigned mi = 0; mi < NMODELS; mi++) {
		baseline(&r);
		struct svmc_result res = run(model_names[mi], base_cpu(), &r);
		CHECK_EQ_U64(res.failed, 0);
		CHECK_EQ_U64(res.unevaluated, 0);
		CHECK(res.verdict == SVMC_VMRUN);
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
		for (unsigned mi = 0; mi < NMODELS; mi++) {
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
			CHECK_EQ_U64(run(m, cpu, &r).failed, SVMC_CHECK_BIT(SVMC_CHECK_SAVE_CR3_MBZ));

			/* nCR3 with NP on */
			baseline(&r);
			r.vmcb.control.nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
			r.vmcb.control.nested_cr3 = B(w) - 0x1000;
			CHECK_EQ_U64(run(m, cpu, &r).failed, 0);
			r.vmcb.control.nested_cr3 = B(w);
			CHECK_EQ_U64(run(m, cpu, &r).failed,
				     applies(m, SVMC_CHECK_CTRL_NP_NCR3) ? SVMC_CHECK_BIT(SVMC_CHECK_CTRL_NP_NCR3) : 0);
		}
	}
}

/* ---- CR3 subtleties --------------------------------------------------------- */

static void test_cr3_rules(void)
{
	struct svmc_record r;
	struct svmc_cpu *cpu = base_cpu();

	/* Outside long mode: KVM's late load fails, apm has no rule (spec 2). */
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
	for (unsigned mi = 0; mi < NMODELS; mi++)
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
	CHECK_EQ_U64(run("apm", cpu, &r).failed,
		     SVMC_CHECK_BIT(SVMC_CHECK_CTRL_NP_NCR3) | SVMC_CHECK_BIT(SVMC_CHECK_CTRL_NP_GPAT));
	CHECK(run("apm", cpu, &r).first == SVMC_CHECK_CTRL_NP_NCR3);
	CHECK_EQ_U64(run("kvm-legacy", cpu, &r).failed, 0);

	/* Without npt, NP_ENABLE is ignored by kvm and not applicable under apm. */
	svmc_featset_set(&cpu->features, SVMC_FEAT_NPT, false);
	for (unsigned mi = 0; mi < NMODELS; mi++)
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
	CHECK_EQ_U64(run("apm", cpu, &r).failed, SVMC_CHECK_BIT(SVMC_CHECK_CTRL_SEV_ALLOWED_FEATURES));
	CHECK_EQ_U64(run("kvm", cpu, &r).failed, 0);
	r.vmcb.control.nested_ctl = SVM_NESTED_CTL_SEV_ENABLE; /* SEV without ES: off */
	CHECK_EQ_U64(run("apm", cpu, &r).failed, 0);
}

/* ---- CR4 and EFER bits, each with and without its feature -------------------- */

/* Hand-written from checks.md 6 and spec 2; F_NONE = always allowed, F_RSVD = reserved. */
#define F_NONE (-1)
#define F_RSVD (-2)
struct bitrule {
	unsigned bit;
	int kvm, kvm2;   /* kvm2: a second feature that also allows it (CET) */
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

/* checks.md 7 and spec 2. LMSLE (13) is tested on its own below. */
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
static void one_bit(bool is_cr4, const char *model, bool arch, unsigned bit, const struct bitrule *rule)
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
			svmc_featset_set(&cpu->features, (enum svmc_feature)f1, variant == 1 || variant == 3);
			if (f2)
				svmc_featset_set(&cpu->features, (enum svmc_feature)f2, variant >= 2);
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
		uint64_t base_bits = is_cr4 ? (CR4_PAE | CR4_PGE | CR4_OSFXSR | CR4_OSXMMEXCPT)
					    : (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_SVME);
		if (!allowed || !(base_bits & B(bit)))
			CHECK(failed == !allowed);
		if (failed != !allowed)
			fprintf(stderr, "%s bit %u under %s, variant %d: failed=%d\n", is_cr4 ? "CR4" : "EFER", bit,
				model, variant, failed);
		/* nothing else fails, and setting the bit fails nothing else */
		CHECK_EQ_U64(res.failed & ~SVMC_CHECK_BIT(id), 0);
	}
}

static void test_cr4_efer_bits(void)
{
	for (unsigned mi = 0; mi < NMODELS; mi++) {
		const char *m = model_names[mi];
		bool arch = strcmp(m, "apm") == 0;
		for (unsigned bit = 0; bit < 64; bit++) {
			one_bit(true, m, arch, bit, find_rule(cr4_rules, sizeof(cr4_rules) / sizeof(cr4_rules[0]), bit));
			if (bit != 13)
				one_bit(false, m, arch, bit,
					find_rule(efer_rules, sizeof(efer_rules) / sizeof(efer_rules[0]), bit));
		}
	}
}

static void test_efer_lmsle(void)
{
	struct svmc_record r;
	for (unsigned mi = 0; mi < NMODELS; mi++) {
		struct svmc_cpu *cpu = base_cpu();
		baseline(&r);
		r.vmcb.save.efer |= EFER_LMSLE;
		CHECK_EQ_U64(run(model_names[mi], cpu, &r).failed, 0);
		svmc_featset_set(&cpu->features, SVMC_FEAT_EFER_LMSLE_UNSUPPORTED, true);
		CHECK_EQ_U64(run(model_names[mi], cpu, &r).failed, SVMC_CHECK_BIT(SVMC_CHECK_SAVE_EFER_RSVD));
	}
	/* the gate table names the feature for migrate */
	struct svmc_compiled c;
	char buf[160];
	compile(&c, "kvm", base_cpu());
	CHECK_STREQ(svmc_gate_describe(&c.cr4_gate[12], buf, sizeof(buf)), "needs la57, CPUID 7.0:ECX[16]");
	CHECK_STREQ(svmc_gate_describe(&c.cr4_gate[24], buf, sizeof(buf)), "always reserved");
	CHECK_STREQ(svmc_gate_describe(&c.efer_gate[13], buf, sizeof(buf)),
		    "needs svm (CPUID 0x80000001:ECX[2]) and no efer_lmsle_unsupported (CPUID 0x80000008:EBX[20])");
	CHECK_EQ_U64(c.efer_allowed, EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_SVME | EFER_LMSLE);
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

	/* nothing known: every applied check is unevaluated */
	for (unsigned mi = 0; mi < NMODELS; mi++) {
		const struct svmc_model *m = svmc_model_lookup(model_names[mi]);
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
	CHECK_EQ_U64(res.unevaluated,
		     SVMC_CHECK_BIT(SVMC_CHECK_CTRL_EVENTINJ_TYPE) | SVMC_CHECK_BIT(SVMC_CHECK_CTRL_EVENTINJ_VECTOR));
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
	CHECK_EQ_U64(res.unevaluated, SVMC_CHECK_BIT(SVMC_CHECK_CTRL_NP_NCR3) | SVMC_CHECK_BIT(SVMC_CHECK_CTRL_NP_GPAT));
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
	CHECK_EQ_U64(run("apm", cpu, &r).unevaluated, SVMC_CHECK_BIT(SVMC_CHECK_CTRL_SEV_ALLOWED_FEATURES));

	/* EFER known without LME, CR4/CR3/CS unknown: the long-mode checks pass,
	 * KVM's late CR3 check (any paging mode) and CR4.RSVD do not */
	legacy_pae(&r);
	unknown(&r, SVMC_F_CR4);
	unknown(&r, SVMC_F_CR3);
	unknown(&r, SVMC_F_CS);
	res = run("kvm", cpu, &r);
	CHECK_EQ_U64(res.unevaluated, SVMC_CHECK_BIT(SVMC_CHECK_SAVE_CR4_RSVD) | SVMC_CHECK_BIT(SVMC_CHECK_KVM_LATE_CR3));
	res = run("apm", cpu, &r);
	CHECK_EQ_U64(res.unevaluated, SVMC_CHECK_BIT(SVMC_CHECK_SAVE_CR4_RSVD));

	/* vNMI: V_NMI_ENABLE known clear, intercepts unknown: pass */
	baseline(&r);
	unknown(&r, SVMC_F_INTERCEPT_MISC1);
	CHECK(run("kvm", cpu, &r).verdict == SVMC_VMRUN);

	/* every field a check lists, made unknown alone, never makes it fail,
	 * and the engine's need-mask matches the listed fields */
	for (unsigned id = 0; id < SVMC_CHECK_COUNT; id++) {
		const struct svmc_check_info *ci = svmc_check_info((enum svmc_check_id)id);
		CHECK(ci->id == id && ci->name && ci->apm && ci->rule && ci->nfields >= 1);
		CHECK(strncmp(ci->field_path, "save.", 5) == 0 || strncmp(ci->field_path, "control.", 8) == 0);
		for (unsigned k = 0; k < ci->nfields; k++) {
			svmc_record_clear(&r);
			baseline(&r);
			svmc_record_clear(&r); /* all unknown but one */
			baseline(&r);
			for (unsigned f = 0; f < SVMC_F_COUNT; f++)
				unknown(&r, (enum svmc_field_id)f);
			for (unsigned j = 0; j < ci->nfields; j++)
				if (j != k)
					svmc_mark_known(&r, ci->fields[j]);
			/* with one listed field unknown, the check cannot fail */
			for (unsigned mi = 0; mi < NMODELS; mi++)
				CHECK(!svmc_result_failed((struct svmc_result[]){ run(model_names[mi], cpu, &r) },
							  (enum svmc_check_id)id));
		}
		/* with exactly the listed fields known the check is evaluated */
		baseline(&r);
		for (unsigned f = 0; f < SVMC_F_COUNT; f++)
			unknown(&r, (enum svmc_field_id)f);
		for (unsigned j = 0; j < ci->nfields; j++)
			svmc_mark_known(&r, ci->fields[j]);
		for (unsigned mi = 0; mi < NMODELS; mi++) {
			res = run(model_names[mi], cpu, &r);
			CHECK(!((res.unevaluated >> id) & 1));
		}
	}
}

/* ---- first, in each model's order -------------------------------------------- */

static void test_first(void)
{
	struct svmc_record r;
	struct svmc_cpu *cpu = base_cpu();
	struct svmc_result res;

	/* ASID 0 and SVME clear: the save checks come first in every model */
	baseline(&r);
	r.vmcb.control.asid = 0;
	r.vmcb.save.efer &= ~EFER_SVME;
	for (unsigned mi = 0; mi < NMODELS; mi++) {
		res = run(model_names[mi], cpu, &r);
		CHECK(res.first == SVMC_CHECK_SAVE_EFER_SVME);
		CHECK_EQ_U64(res.failed, SVMC_CHECK_BIT(SVMC_CHECK_SAVE_EFER_SVME) | SVMC_CHECK_BIT(SVMC_CHECK_CTRL_ASID_ZERO));
	}

	/* kvm: CR3 (inside the LME&&PG block) before CR4 before EFER */
	baseline(&r);
	r.vmcb.save.efer |= B(40);
	r.vmcb.save.cr4 |= B(40);
	r.vmcb.save.cr3 |= B(60);
	res = run("kvm", cpu, &r);
	CHECK(res.first == SVMC_CHECK_SAVE_CR3_MBZ);
	r.vmcb.save.cr3 = 0x1000;
	CHECK(run("kvm", cpu, &r).first == SVMC_CHECK_SAVE_CR4_RSVD);

	/* apm: nCR3, then G_PAT, then MSRPM; kvm: vNMI before EVENTINJ */
	baseline(&r);
	r.vmcb.control.nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	r.vmcb.save.g_pat = 2;
	r.vmcb.control.msrpm_base_pa = B(60);
	CHECK(run("apm", cpu, &r).first == SVMC_CHECK_CTRL_NP_GPAT);
	r.vmcb.control.nested_cr3 = B(60);
	CHECK(run("apm", cpu, &r).first == SVMC_CHECK_CTRL_NP_NCR3);
	CHECK(run("kvm", cpu, &r).first == SVMC_CHECK_CTRL_NP_NCR3);

	baseline(&r);
	r.vmcb.control.int_ctl = V_NMI_ENABLE_MASK;
	r.vmcb.control.event_inj = SVM_EVTINJ_VALID | (7u << 8);
	r.vmcb.control.iopm_base_pa = B(60);
	res = run("kvm", cpu, &r);
	CHECK(res.first == SVMC_CHECK_CTRL_IOPM_RANGE);
	CHECK_EQ_U64(res.failed, SVMC_CHECK_BIT(SVMC_CHECK_CTRL_IOPM_RANGE) |
					 SVMC_CHECK_BIT(SVMC_CHECK_CTRL_VNMI_NMI_INTERCEPT) |
					 SVMC_CHECK_BIT(SVMC_CHECK_CTRL_EVENTINJ_TYPE));
	r.vmcb.control.iopm_base_pa = 0;
	CHECK(run("kvm", cpu, &r).first == SVMC_CHECK_CTRL_VNMI_NMI_INTERCEPT);

	/* apm: SEV before EVENTINJ, MSRPM before IOPM */
	baseline(&r);
	r.vmcb.control.event_inj = SVM_EVTINJ_VALID | (3u << 8) | 2;
	mu_sev(&r, cpu, true);
	CHECK(run("apm", cpu, &r).first == SVMC_CHECK_CTRL_SEV_ALLOWED_FEATURES);

	/* the late CR3 load comes after every consistency check */
	legacy_pae(&r);
	r.vmcb.save.cr3 = B(63);
	r.vmcb.control.event_inj = SVM_EVTINJ_VALID | (3u << 8) | 2;
	res = run("kvm", cpu, &r);
	CHECK(res.first == SVMC_CHECK_CTRL_EVENTINJ_VECTOR);
	CHECK_EQ_U64(res.failed,
		     SVMC_CHECK_BIT(SVMC_CHECK_CTRL_EVENTINJ_VECTOR) | SVMC_CHECK_BIT(SVMC_CHECK_KVM_LATE_CR3));
}

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
	/* kvm: 20 (all but CTRL.NP.GPAT and CTRL.SEV.ALLOWED_FEATURES); kvm-legacy:
	 * kvm minus 4; kvm-v1: as kvm; apm: 20 (no vNMI, no late CR3) */
	static const unsigned want[NMODELS] = { 20, 16, 20, 20 };
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
	CHECK(svmc_model_lookup("qemu") == NULL);
	CHECK(svmc_model_lookup("KVM") == NULL);
	CHECK(svmc_model_default() == svmc_model_lookup("kvm"));
	CHECK_STREQ(svmc_model_names(buf, sizeof(buf)), "kvm, kvm-legacy, kvm-v1, apm");

	enum svmc_check_id id;
	CHECK(svmc_check_lookup("CTRL.EVENTINJ.VECTOR", &id) == 0 && id == SVMC_CHECK_CTRL_EVENTINJ_VECTOR);
	CHECK(svmc_check_lookup("KVM.LATE.CR3", &id) == 0 && id == SVMC_CHECK_KVM_LATE_CR3);
	CHECK(svmc_check_lookup("ctrl.eventinj.vector", &id) == -1);
	CHECK_STREQ(svmc_check_info(SVMC_CHECK_SAVE_EFER_SVME)->name, "SAVE.EFER.SVME");
	CHECK_STREQ(svmc_check_info(SVMC_CHECK_CTRL_EVENTINJ_TYPE)->apm, "15.20");
	CHECK_STREQ(svmc_check_info(SVMC_CHECK_CTRL_EVENTINJ_TYPE)->field_path, "control.event_inj");
	CHECK_STREQ(svmc_verdict_name(SVMC_VMRUN), "VMRUN");
	CHECK_STREQ(svmc_verdict_name(SVMC_VMEXIT_INVALID), "VMEXIT_INVALID");
	CHECK_STREQ(svmc_verdict_name(SVMC_INCOMPLETE), "INCOMPLETE");

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
	CHECK_STREQ(msg, "EVENTINJ injects vector 21 (#CP) as an exception, but this CPU has no shadow stacks "
			 "(CPUID 7.0:ECX[7]); KVM fails VMRUN with VMEXIT_INVALID");
	CHECK(len == strlen(msg));
	/* truncation: snprintf semantics */
	char small[10];
	CHECK(svmc_check_message(&c, &r.vmcb, SVMC_CHECK_CTRL_EVENTINJ_VECTOR, small, sizeof(small)) == len);
	CHECK(strlen(small) == 9);
	CHECK(svmc_check_message(&c, &r.vmcb, SVMC_CHECK_CTRL_EVENTINJ_VECTOR, NULL, 0) == len);
	CHECK_EQ_U64(svmc_check_value(&r.vmcb, SVMC_CHECK_CTRL_EVENTINJ_VECTOR), 0x80000b15);

	r.vmcb.control.event_inj = SVM_EVTINJ_VALID | (3u << 8) | 29;
	svmc_check_message(&c, &r.vmcb, SVMC_CHECK_CTRL_EVENTINJ_VECTOR, msg, sizeof(msg));
	CHECK_STREQ(msg, "EVENTINJ injects vector 29 (#VC) as an exception, but this CPU has no SEV-ES "
			 "(CPUID 0x8000001F:EAX[3]); KVM fails VMRUN with VMEXIT_INVALID");

	compile(&c, "kvm-v1", base_cpu());
	r.vmcb.control.event_inj = SVM_EVTINJ_VALID | (3u << 8) | 1;
	svmc_check_message(&c, &r.vmcb, SVMC_CHECK_CTRL_EVENTINJ_VECTOR, msg, sizeof(msg));
	CHECK(strstr(msg, "vector 1 (#DB)") != NULL && strstr(msg, "NMI_VECTOR") != NULL);

	compile(&c, "kvm", base_cpu());
	baseline(&r);
	r.vmcb.save.cr4 |= CR4_LA57 | CR4_PKS;
	svmc_check_message(&c, &r.vmcb, SVMC_CHECK_SAVE_CR4_RSVD, msg, sizeof(msg));
	CHECK_STREQ(msg, "CR4 is 0x00000000010016a0 and sets reserved bits: LA57 (bit 12, needs la57, CPUID "
			 "7.0:ECX[16], absent on this CPU), PKS (bit 24, reserved under kvm); KVM fails VMRUN "
			 "with VMEXIT_INVALID");

	compile(&c, "apm", base_cpu());
	baseline(&r);
	r.vmcb.control.asid = 0;
	svmc_check_message(&c, &r.vmcb, SVMC_CHECK_CTRL_ASID_ZERO, msg, sizeof(msg));
	CHECK_STREQ(msg, "the guest ASID is 0, which belongs to the host; the CPU fails VMRUN with VMEXIT_INVALID");
}

int main(void)
{
	test_models();
	test_baseline_valid();
	test_every_check();
	test_address_limits();
	test_cr3_rules();
	test_np_rules();
	test_sev_rule();
	test_cr4_efer_bits();
	test_efer_lmsle();
	test_unknown();
	test_first();
	test_messages();
	return tcheck_done("test_engine");
}
