/*
 * compile.c - compile a model for one CPU ("compile once, check
 * many"): the CR4 and EFER allowed masks from the per-bit gate tables of
 * model's CR4 and EFER gate tables (src/check/models.c), the
 * EVENTINJ TYPE table and the 256-bit TYPE-3 vector table with a reason per
 * vector (the model's EVENTINJ rule), and the MAXPHYADDR address limits.
 *
 * The gate tables stay in the compiled form so that a diff of two compiled
 * models (migrate) can say which feature makes a bit differ.
 */
#include <stdio.h>
#include <string.h>

#include "check/internal.h"
#include "vmcb/svm_bits.h"

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
	case SVMC_GATE_BOTH:
		return svmc_featset_has(fs, g->feat) && svmc_featset_has(fs, g->feat2);
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
	case SVMC_GATE_BOTH:
		snprintf(buf, n, "needs %s (%s) and %s%s (%s)", svmc_feature_table[g->feat].name,
			 svmc_feature_cpuid(g->feat, a, sizeof(a)),
			 g->kind == SVMC_GATE_AND_NOT ? "no " : "",
			 svmc_feature_table[g->feat2].name,
			 svmc_feature_cpuid(g->feat2, b, sizeof(b)));
		break;
	default:
		snprintf(buf, n, "always reserved");
		break;
	}
	return buf;
}

const char *svmc_map_size_words(uint64_t last, char *buf, size_t n)
{
	uint64_t size = last + 1, kib = size / 1024, rest = size % 1024;

	if (!kib)
		snprintf(buf, n, "%llu byte%s", (unsigned long long)size, size == 1 ? "" : "s");
	else if (!rest)
		snprintf(buf, n, "%llu KiB", (unsigned long long)kib);
	else
		snprintf(buf, n, "%llu KiB and %llu byte%s", (unsigned long long)kib,
			 (unsigned long long)rest, rest == 1 ? "" : "s");
	return buf;
}

/*
 * The reasons, once: what feature decides each, its verdict otherwise, and
 * its words.  Compile, the messages, migrate and `vectors` all read this.
 */
static const struct svmc_vreason_info vreasons[SVMC_VR_COUNT] = {
	[SVMC_VR_ALWAYS] = { "always", "always valid", NULL, -1, true },
	[SVMC_VR_NEVER] = { "never", "never valid on AMD", NULL, -1, false },
	[SVMC_VR_SHSTK] = { "shstk", "valid iff shstk", "shadow stacks", SVMC_FEAT_SHSTK, false },
	[SVMC_VR_SEV_ES] = { "sev_es", "valid iff sev_es", "SEV-ES", SVMC_FEAT_SEV_ES, false },
	[SVMC_VR_SEV_SNP] = { "sev_snp", "valid iff sev_snp", "SEV-SNP", SVMC_FEAT_SEV_SNP, false },
	[SVMC_VR_RESERVED] = { "reserved", "reserved", NULL, -1, false },
	[SVMC_VR_NOT_EXCEPTION] = { "not_exception", "not an exception", NULL, -1, false },
	/* its verdict is the rule's vec_fixed, never this row's */
	[SVMC_VR_KVM_V1_MASK] = { "kvm_v1_mask", "decided by the kvm-v1 mask as written", NULL, -1,
				  false },
	[SVMC_VR_UNCHECKED] = { "unchecked", "EVENTINJ not checked", NULL, -1, true },
};

const struct svmc_vreason_info *svmc_vreason_info(enum svmc_vreason r)
{
	static const struct svmc_vreason_info unknown = { "?", "?", NULL, -1, false };
	return (unsigned)r < SVMC_VR_COUNT ? &vreasons[r] : &unknown;
}

const char *svmc_vreason_name(enum svmc_vreason r)
{
	return svmc_vreason_info(r)->name;
}

/* ---- EVENTINJ tables ------------------------------------------------------ */

static bool reason_valid(enum svmc_vreason r, const struct svmc_featset *fs)
{
	const struct svmc_vreason_info *ri = svmc_vreason_info(r);

	return ri->feature >= 0 ? svmc_featset_has(fs, (enum svmc_feature)ri->feature) : ri->valid;
}

/* The model's rule (NULL: unchecked) into the TYPE table and the vector bitmap. */
static void compile_eventinj(struct svmc_compiled *c, const struct svmc_eventinj_rule *rule)
{
	c->type_valid = 0;
	for (unsigned t = 0; t < 8; t++) {
		enum svmc_vreason r = rule ? (enum svmc_vreason)rule->type_reason[t] :
					     SVMC_VR_UNCHECKED;

		c->type_reason[t] = (uint8_t)r;
		if (reason_valid(r, &c->features))
			c->type_valid |= (uint8_t)(1u << t);
	}

	memset(c->vec_valid, 0, sizeof(c->vec_valid));
	for (unsigned v = 0; v < 256; v++) {
		enum svmc_vreason r = SVMC_VR_NOT_EXCEPTION;
		unsigned fixed = SVMC_VEC_BY_REASON;
		bool valid;

		if (!rule)
			r = SVMC_VR_UNCHECKED;
		else if (v < 32)
			r = (enum svmc_vreason)rule->vec_reason[v], fixed = rule->vec_fixed[v];
		valid = fixed == SVMC_VEC_BY_REASON ? reason_valid(r, &c->features) :
						      fixed == SVMC_VEC_VALID;
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
	/* an implementation with its own address width ignores the CPU's */
	unsigned mpa = m->maxphyaddr ? m->maxphyaddr : cpu->maxphyaddr;

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

	out->np_mask = (m->flags & SVMC_MF_NP_ANY_BYTE) ? 0xff : SVM_NESTED_CTL_NP_ENABLE;
	if ((m->flags & SVMC_MF_NP_NEEDS_NPT) && !svmc_featset_has(&cpu->features, SVMC_FEAT_NPT))
		out->np_mask = 0;

	memcpy(out->cr4_gate, m->cr4_gates, sizeof(out->cr4_gate));
	memcpy(out->efer_gate, m->efer_gates, sizeof(out->efer_gate));
	for (unsigned bit = 0; bit < 64; bit++) {
		if (svmc_gate_allows(&out->cr4_gate[bit], &out->features))
			out->cr4_allowed |= BIT64(bit);
		if (svmc_gate_allows(&out->efer_gate[bit], &out->features))
			out->efer_allowed |= BIT64(bit);
	}

	compile_eventinj(out, m->eventinj);
	for (unsigned id = 0; id < SVMC_CHECK_COUNT; id++) {
		const struct svmc_check_row *row = &svmc_check_rows[id];
		for (unsigned k = 0; k < row->nfields; k++)
			out->need[id][row->fields[k] >> 6] |= UINT64_C(1) << (row->fields[k] & 63);
	}
	svmc_fused_compile(out); /* last: it reads everything above */

	if (err == SVMC_OK && !svmc_featset_has(&cpu->features, SVMC_FEAT_SVM))
		err = svmc_diag_set(d, SVMC_ERR_NOSVM,
				    "CPU '%s' has no SVM (CPUID 0x80000001:ECX[2])", cpu->name);
	return err;
}
