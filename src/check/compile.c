/*
 * compile.c - compile a model for one CPU (design.md "Compile once, check
 * many"): the CR4 and EFER allowed masks from the per-bit gate tables of
 * checks.md 6 and 7 (one KVM column, one architectural column), the
 * EVENTINJ TYPE table and the 256-bit TYPE-3 vector table with a reason per
 * vector (checks.md 8, 9; spec 2), and the MAXPHYADDR address limits.
 *
 * The gate tables stay in the compiled form so that a diff of two compiled
 * models (migrate) can say which feature makes a bit differ.
 */
#include <stdio.h>
#include <string.h>

#include "check/internal.h"
#include "vmcb/svm_bits.h"

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

/* checks.md 6, KVM column; VMXE always reserved and FRED reserved (spec 2). */
/* clang-format off */
static const struct svmc_gate cr4_kvm[64] = {
	[0] = A, [1] = A, [2] = A, [3] = A, [4] = A, [5] = A, [6] = A, [7] = A, [8] = A, [9] = A, [10] = A,
	[11] = G(UMIP), [12] = G(LA57), [13] = R, [14] = R, [16] = G(FSGSBASE), [17] = G(PCID),
	[18] = G(XSAVE), [19] = R, [20] = G(SMEP), [21] = G(SMAP), [22] = G(PKU), [23] = G2(SHSTK, IBT),
	[24] = R, [25] = R, [27] = R, [28] = G(LAM), [32] = R,
};
/* clang-format on */

/* checks.md 6, architectural CPUID column. */
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
 * checks.md 7, KVM column, with spec 2: SCE always; LME/LMA lm; NXE nx; SVME
 * svm; LMSLE iff svm and not efer_lmsle_unsupported; FFXSR fxsr_opt; TCE
 * reserved; AUTOIBRS autoibrs; everything else reserved.
 */
/* clang-format off */
static const struct svmc_gate efer_kvm[64] = {
	[0] = A, [8] = G(LM), [10] = G(LM), [11] = G(NX), [12] = G(SVM),
	[13] = GN(SVM, EFER_LMSLE_UNSUPPORTED), [14] = G(FXSR_OPT), [21] = G(AUTOIBRS),
};
/* clang-format on */

/*
 * checks.md 7, CPUID gate column, with spec 2: MCOMMIT 0x80000008 EBX[8],
 * UAIE 0x80000021 EAX[7], AUTOIBRS EAX[8], INTWB reserved.  LMSLE exists
 * unless EferLmsleUnsupported (on an SVM CPU, which apm requires anyway).
 */
/* clang-format off */
static const struct svmc_gate efer_arch[64] = {
	[0] = G(SYSCALL), [8] = G(LM), [10] = G(LM), [11] = G(NX), [12] = G(SVM),
	[13] = GN(SVM, EFER_LMSLE_UNSUPPORTED), [14] = G(FXSR_OPT), [15] = G(TCE), [17] = G(MCOMMIT),
	[20] = G(UAIE), [21] = G(AUTOIBRS),
};
/* clang-format on */

bool svmc_gate_allows(const struct svmc_gate *g, const struct svmc_featset *fs)
{
	switch (g->kind) {
	case SVMC_GATE_ALWAYS:
		return true;
	case SVMC_GATE_FEATURE:
		return svmc_featset_has(fs, g->feat);
	case SVMC_GATE_EITHER:
		return svmc_featset_has(fs, g->feat) || svmc_featset_has(fs, g->feat2);
	case SVMC_GATE_AND_NOT:
		return svmc_featset_has(fs, g->feat) && !svmc_featset_has(fs, g->feat2);
	default:
		return false;
	}
}

const char *svmc_feature_cpuid(unsigned f, char *buf, size_t n)
{
	static const char regs[4][4] = { "EAX", "EBX", "ECX", "EDX" };
	const struct svmc_feature_info *fi;

	if (f >= SVMC_FEAT_COUNT) {
		snprintf(buf, n, "CPUID ?");
		return buf;
	}
	fi = &svmc_feature_table[f];
	/* extended leaves in full hex; basic leaves as a plain number, with
	 * ".subleaf" for the leaves that have subleaves (7) */
	if (fi->leaf >= 0x80000000u)
		snprintf(buf, n, "CPUID 0x%08X:%s[%u]", fi->leaf, regs[fi->reg & 3], fi->bit);
	else if (fi->leaf == 7)
		snprintf(buf, n, "CPUID 7.%u:%s[%u]", fi->subleaf, regs[fi->reg & 3], fi->bit);
	else if (fi->leaf < 10)
		snprintf(buf, n, "CPUID %u:%s[%u]", fi->leaf, regs[fi->reg & 3], fi->bit);
	else
		snprintf(buf, n, "CPUID 0x%X:%s[%u]", fi->leaf, regs[fi->reg & 3], fi->bit);
	return buf;
}

const char *svmc_gate_describe(const struct svmc_gate *g, char *buf, size_t n)
{
	char a[48], b[48];

	switch (g->kind) {
	case SVMC_GATE_ALWAYS:
		snprintf(buf, n, "always allowed");
		break;
	case SVMC_GATE_FEATURE:
		snprintf(buf, n, "needs %s (%s)", svmc_feature_table[g->feat].name,
			 svmc_feature_cpuid(g->feat, a, sizeof(a)));
		break;
	case SVMC_GATE_EITHER:
		snprintf(buf, n, "needs %s (%s) or %s (%s)", svmc_feature_table[g->feat].name,
			 svmc_feature_cpuid(g->feat, a, sizeof(a)),
			 svmc_feature_table[g->feat2].name,
			 svmc_feature_cpuid(g->feat2, b, sizeof(b)));
		break;
	case SVMC_GATE_AND_NOT:
		snprintf(buf, n, "needs %s (%s) and no %s (%s)", svmc_feature_table[g->feat].name,
			 svmc_feature_cpuid(g->feat, a, sizeof(a)),
			 svmc_feature_table[g->feat2].name,
			 svmc_feature_cpuid(g->feat2, b, sizeof(b)));
		break;
	default:
		snprintf(buf, n, "always reserved");
		break;
	}
	return buf;
}

const char *svmc_cr4_bit_name(unsigned bit)
{
	static const char *const names[64] = {
		"VME",     "PVI",        "TSD",  "DE",   "PSE",  "PAE",  "MCE", "PGE",      "PCE",
		"OSFXSR",  "OSXMMEXCPT", "UMIP", "LA57", "VMXE", "SMXE", NULL,  "FSGSBASE", "PCIDE",
		"OSXSAVE", "KL",         "SMEP", "SMAP", "PKE",  "CET",  "PKS", "UINTR",    NULL,
		"LASS",    "LAM_SUP",    NULL,   NULL,   NULL,   "FRED",
	};
	return bit < 64 ? names[bit] : NULL;
}

const char *svmc_efer_bit_name(unsigned bit)
{
	static const char *const names[64] = {
		[0] = "SCE",      [8] = "LME",    [10] = "LMA",   [11] = "NXE",
		[12] = "SVME",    [13] = "LMSLE", [14] = "FFXSR", [15] = "TCE",
		[17] = "MCOMMIT", [18] = "INTWB", [20] = "UAIE",  [21] = "AUTOIBRS",
	};
	return bit < 64 ? names[bit] : NULL;
}

const char *svmc_vreason_name(enum svmc_vreason r)
{
	static const char *const names[SVMC_VR_COUNT] = {
		[SVMC_VR_ALWAYS] = "always",
		[SVMC_VR_NEVER] = "never",
		[SVMC_VR_SHSTK] = "shstk",
		[SVMC_VR_SEV_ES] = "sev_es",
		[SVMC_VR_SEV_SNP] = "sev_snp",
		[SVMC_VR_RESERVED] = "reserved",
		[SVMC_VR_NOT_EXCEPTION] = "not_exception",
		[SVMC_VR_KVM_V1_MASK] = "kvm_v1_mask",
		[SVMC_VR_UNCHECKED] = "unchecked",
	};
	return (unsigned)r < SVMC_VR_COUNT ? names[r] : "?";
}

/* ---- EVENTINJ tables ------------------------------------------------------ */

/* The v1 patch's invalid mask, as written: NMI_VECTOR is the number 2. */
#define V1_NMI_VECTOR 2u
#define GENMASK32(h, l) (((~0u) >> (31 - (h))) & ~((1u << (l)) - 1))
static const uint32_t kvm_v1_invalid = V1_NMI_VECTOR | (1u << 9) | (1u << 15) | (1u << 20) |
				       GENMASK32(27, 22) | (1u << 31);

/* The vector's reason under the merged KVM rule (shared by apm except 28). */
static enum svmc_vreason natural_reason(unsigned v)
{
	if (v >= 32 || v == 2)
		return SVMC_VR_NOT_EXCEPTION;
	switch (v) {
	case 9:
	case 15:
	case 31:
	case 22:
	case 23:
	case 24:
	case 25:
	case 26:
	case 27:
		return SVMC_VR_RESERVED;
	case 20:
		return SVMC_VR_NEVER;
	case 21:
		return SVMC_VR_SHSTK;
	case 29:
		return SVMC_VR_SEV_ES;
	default:
		return SVMC_VR_ALWAYS; /* 0 1 3-8 10-14 16-19 28 30 */
	}
}

static bool reason_valid(enum svmc_vreason r, const struct svmc_featset *fs)
{
	switch (r) {
	case SVMC_VR_ALWAYS:
	case SVMC_VR_UNCHECKED:
		return true;
	case SVMC_VR_SHSTK:
		return svmc_featset_has(fs, SVMC_FEAT_SHSTK);
	case SVMC_VR_SEV_ES:
		return svmc_featset_has(fs, SVMC_FEAT_SEV_ES);
	case SVMC_VR_SEV_SNP:
		return svmc_featset_has(fs, SVMC_FEAT_SEV_SNP);
	default:
		return false;
	}
}

static void compile_eventinj(struct svmc_compiled *c, enum svmc_vector_rule rule)
{
	c->type_valid = 0;
	for (unsigned t = 0; t < 8; t++) {
		enum svmc_vreason r;
		if (rule == SVMC_VRULE_NONE)
			r = SVMC_VR_UNCHECKED;
		else
			r = (t == 0 || t == 2 || t == 3 || t == 4) ? SVMC_VR_ALWAYS :
								     SVMC_VR_RESERVED;
		c->type_reason[t] = (uint8_t)r;
		if (reason_valid(r, &c->features))
			c->type_valid |= (uint8_t)(1u << t);
	}

	memset(c->vec_valid, 0, sizeof(c->vec_valid));
	for (unsigned v = 0; v < 256; v++) {
		enum svmc_vreason r = natural_reason(v);
		bool valid;

		switch (rule) {
		case SVMC_VRULE_NONE:
			r = SVMC_VR_UNCHECKED;
			valid = true;
			break;
		case SVMC_VRULE_KVM_V1:
			valid = v < 32 && !((kvm_v1_invalid >> v) & 1);
			/*
			 * The mask is the reason where, as written, it departs from
			 * the merged rule, and for SHSTK and SEV-ES vectors, which v1
			 * rejects unconditionally.
			 */
			if (v < 32 && (valid != reason_valid(r, &c->features) ||
				       r == SVMC_VR_SHSTK || r == SVMC_VR_SEV_ES))
				r = SVMC_VR_KVM_V1_MASK;
			break;
		case SVMC_VRULE_APM:
			if (v == 28)
				r = SVMC_VR_SEV_SNP;
			valid = reason_valid(r, &c->features);
			break;
		case SVMC_VRULE_KVM:
		default:
			valid = reason_valid(r, &c->features);
			break;
		}
		c->vec_reason[v] = (uint8_t)r;
		if (valid)
			c->vec_valid[v >> 6] |= UINT64_C(1) << (v & 63);
	}
}

/* ---- compile -------------------------------------------------------------- */

enum svmc_err svmc_compile(struct svmc_compiled *out, const struct svmc_model *m,
			   const struct svmc_cpu *cpu, struct svmc_diag *d)
{
	enum svmc_err err = SVMC_OK;
	unsigned mpa = cpu->maxphyaddr;

	memset(out, 0, sizeof(*out));
	out->model = m;
	out->checks = m->checks;
	out->features = cpu->features;
	snprintf(out->cpu_name, sizeof(out->cpu_name), "%s", cpu->name);

	if (mpa < SVMC_MAXPHYADDR_MIN || mpa > SVMC_MAXPHYADDR_MAX) {
		err = svmc_diag_set(d, SVMC_ERR_RANGE, "CPU '%s': MAXPHYADDR %u is outside %u..%u",
				    cpu->name, mpa, SVMC_MAXPHYADDR_MIN, SVMC_MAXPHYADDR_MAX);
		mpa = mpa < SVMC_MAXPHYADDR_MIN ? SVMC_MAXPHYADDR_MIN : SVMC_MAXPHYADDR_MAX;
	}
	out->maxphyaddr = mpa;
	out->pa_rsvd = mpa >= 64 ? 0 : ~UINT64_C(0) << mpa;
	out->cr3_rsvd = out->pa_rsvd;
	if ((m->flags & SVMC_MF_CR3_LAM_EXEMPT) && svmc_featset_has(&cpu->features, SVMC_FEAT_LAM))
		out->cr3_rsvd &= ~(BIT64(61) | BIT64(62));
	out->msrpm_last = m->msrpm_size - 1;
	out->iopm_last = m->iopm_size - 1;

	out->np_mask = SVM_NESTED_CTL_NP_ENABLE;
	if ((m->flags & SVMC_MF_NP_NEEDS_NPT) && !svmc_featset_has(&cpu->features, SVMC_FEAT_NPT))
		out->np_mask = 0;

	memcpy(out->cr4_gate, m->cr4_column == SVMC_COL_ARCH ? cr4_arch : cr4_kvm,
	       sizeof(out->cr4_gate));
	memcpy(out->efer_gate, m->efer_column == SVMC_COL_ARCH ? efer_arch : efer_kvm,
	       sizeof(out->efer_gate));
	for (unsigned bit = 0; bit < 64; bit++) {
		if (svmc_gate_allows(&out->cr4_gate[bit], &out->features))
			out->cr4_allowed |= BIT64(bit);
		if (svmc_gate_allows(&out->efer_gate[bit], &out->features))
			out->efer_allowed |= BIT64(bit);
	}

	compile_eventinj(out, m->vector_rule);
	svmc_fused_compile(out); /* last: it reads everything above */

	if (err == SVMC_OK && !svmc_featset_has(&cpu->features, SVMC_FEAT_SVM))
		err = svmc_diag_set(d, SVMC_ERR_NOSVM,
				    "CPU '%s' has no SVM (CPUID 0x80000001:ECX[2])", cpu->name);
	return err;
}
