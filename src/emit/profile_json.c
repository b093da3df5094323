/*
 * profile_json.c - the one writer of svmcheck/profile documents, and the
 * `profile show` listing from the same description (see profile_json.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit/profile_json.h"
#include "emit/table.h"

static const char *const reg_names[4] = { "eax", "ebx", "ecx", "edx" };

/* "0x" and the sub-leaf in as few hex digits as it needs ("0x0", "0xb"). */
static void subleaf(struct out *o, uint32_t v)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "0x%x", (unsigned)v);
	svmc_emit_str(o, "subleaf", buf);
}

enum {
	F_NAME,
	F_PRESENT,
	F_LEAF,
	F_SUBLEAF,
	F_LEAFSUB,
	F_REG,
	F_BIT,
	F_REGBIT,
	F_MEANING,
	F_NCOLS
};
static const struct svmc_col feature_cols[F_NCOLS] = {
	[F_NAME] = { .key = "name", .head = "feature", .width = 24 },
	[F_PRESENT] = { .key = "present", .head = "present", .width = 7, .type = SVMC_COL_BOOL },
	[F_LEAF] = { .key = "leaf", .type = SVMC_COL_HEX, .digits = 8 },
	[F_SUBLEAF] = { .key = "subleaf" },
	[F_LEAFSUB] = { .head = "leaf.sub", .width = 12 },
	[F_REG] = { .key = "register" },
	[F_BIT] = { .key = "bit", .type = SVMC_COL_U64 },
	[F_REGBIT] = { .head = "reg[bit]", .width = 9 },
	[F_MEANING] = { .head = "meaning" },
};

void svmc_profile_features(struct out *o, const struct svmc_cpu *c)
{
	struct svmc_table t = { .o = o,
				.cols = feature_cols,
				.ncols = F_NCOLS,
				.indent = "  ",
				.flags = SVMC_TABLE_ROW_LINE };

	svmc_table_begin(&t, "features");
	for (unsigned i = 0; i < SVMC_FEAT_COUNT; i++) {
		const struct svmc_feature_info *fi = &svmc_feature_table[i];
		bool has = svmc_cpu_has(c, fi->id);
		char sub[16], loc[24], rb[16];
		struct svmc_cell cells[F_NCOLS] = {
			[F_NAME] = { .s = fi->name },
			[F_PRESENT] = { .u = has,
					.text = has ? "yes" : "no",
					.color = has ? OUT_C_PASS : OUT_C_DIM },
			[F_LEAF] = { .u = fi->leaf },
			[F_SUBLEAF] = { .s = sub },
			[F_LEAFSUB] = { .s = loc },
			[F_REG] = { .s = reg_names[fi->reg] },
			[F_BIT] = { .u = fi->bit },
			[F_REGBIT] = { .s = rb },
			[F_MEANING] = { .s = svmc_feature_desc(fi->id) },
		};

		/* A raw profile that lacks the leaf cannot say: mark it. */
		if (!has && c->has_leaves && !svmc_cpu_leaf(c, fi->leaf, fi->subleaf))
			cells[F_PRESENT].text = "no*";
		/* nor can /proc/cpuinfo for what Linux never prints */
		if (svmc_cpu_feature_unknown(c, fi->id))
			cells[F_PRESENT].text = "unknown";
		snprintf(sub, sizeof(sub), "0x%x", (unsigned)fi->subleaf);
		snprintf(loc, sizeof(loc), "0x%08x.%u", (unsigned)fi->leaf, (unsigned)fi->subleaf);
		snprintf(rb, sizeof(rb), "%s[%u]", reg_names[fi->reg], fi->bit);
		svmc_table_row(&t, cells, false);
	}
	svmc_table_end(&t);
}

/* A guest CPU model's file: the names of its present features. */
static void features_names(struct out *o, const struct svmc_cpu *c)
{
	svmc_emit_arr_begin(o, "features");
	for (unsigned i = 0; i < SVMC_FEAT_COUNT; i++)
		if (svmc_featset_has(&c->features, (enum svmc_feature)i))
			svmc_emit_str(o, NULL, svmc_feature_table[i].name);
	svmc_emit_arr_end(o);
}

/* A file with leaves: MAXPHYADDR and the features that differ from dec. */
static void overrides(struct out *o, const struct svmc_cpu *c, const struct svmc_cpu *dec)
{
	bool any = false;

	if (dec->maxphyaddr != c->maxphyaddr)
		svmc_emit_u64(o, "maxphyaddr", c->maxphyaddr);
	for (unsigned i = 0; i < SVMC_FEAT_COUNT; i++) {
		bool want = svmc_featset_has(&c->features, (enum svmc_feature)i);

		if (want == svmc_featset_has(&dec->features, (enum svmc_feature)i))
			continue;
		if (!any)
			svmc_emit_arr_begin(o, "features");
		any = true;
		svmc_emit_obj_begin_line(o, NULL);
		svmc_emit_str(o, "name", svmc_feature_table[i].name);
		svmc_emit_bool(o, "present", want);
		svmc_emit_obj_end(o);
	}
	if (any)
		svmc_emit_arr_end(o);
}

static void leaves(struct out *o, const struct svmc_cpu *c)
{
	svmc_emit_arr_begin(o, "leaves");
	for (size_t i = 0; i < c->nleaves; i++) {
		const struct svmc_leaf *l = &c->leaves[i];

		svmc_emit_obj_begin_line(o, NULL);
		svmc_emit_hex(o, "leaf", l->leaf, 8);
		subleaf(o, l->subleaf);
		for (int r = 0; r < 4; r++)
			svmc_emit_hex(o, reg_names[r], l->reg[r], 8);
		svmc_emit_obj_end(o);
	}
	svmc_emit_arr_end(o);
}

/* The hypervisor signature of leaf 0x40000000, if the profile holds it. */
static bool hv_signature(const struct svmc_cpu *c, char sig[13])
{
	const struct svmc_leaf *l = svmc_cpu_leaf(c, 0x40000000u, 0);

	if (!l)
		return false;
	memcpy(sig, &l->reg[1], 4);
	memcpy(sig + 4, &l->reg[2], 4);
	memcpy(sig + 8, &l->reg[3], 4);
	sig[12] = '\0';
	for (int i = 0; i < 12; i++)
		if ((unsigned char)sig[i] < 0x20 || (unsigned char)sig[i] > 0x7e)
			sig[i] = sig[i] ? '?' : ' ';
	return sig[0] != ' ';
}

/* Text only: the hypervisor signature and whether the view has SVM. */
static void svm_lines(struct out *o, const struct svmc_cpu *c)
{
	char sig[13];

	if (o->mode != OUT_TEXT)
		return;
	if (hv_signature(c, sig))
		svmc_emit_printf(o, "  hypervisor   \"%s\"\n", sig);
	if (svmc_cpu_has(c, SVMC_FEAT_SVM)) {
		svmc_emit_printf(o, "  svm          %spresent%s\n", svmc_emit_color(o, OUT_C_PASS),
				 svmc_emit_color(o, OUT_C_RESET));
		return;
	}
	svmc_emit_printf(
		o, "  svm          %sABSENT%s: this CPU view has no SVM%s\n",
		svmc_emit_color(o, OUT_C_FAIL), svmc_emit_color(o, OUT_C_RESET),
		/* KVM sets the hypervisor bit in every view it offers */
		c->source == SVMC_SRC_KVM ?
			" (KVM offers no nested SVM: kvm_amd not loaded or nested=0, "
			"or not an AMD host); replay and vectors need a profile with SVM (-c)" :
		svmc_cpu_has(c, SVMC_FEAT_HYPERVISOR) ?
			" (a virtual CPU: the hypervisor hides SVM); replay and "
			"vectors need a profile with SVM (-c)" :
			"; replay and vectors need a profile with SVM (-c)");
}

int svmc_profile_emit(struct out *o, const struct svmc_cpu *c, enum svmc_profile_view view)
{
	struct svmc_cpu *dec = NULL;

	if (o->mode == OUT_TEXT)
		view = SVMC_PROFILE_DECODED; /* text is always the decoded listing */
	else if (!svmc_emit_json(o))
		return 0;
	if (view == SVMC_PROFILE_FILE && c->has_leaves) {
		/* large (the leaves): not on the stack */
		dec = malloc(sizeof(*dec));
		if (!dec)
			return -1;
		*dec = *c;
		svmc_cpu_decode(dec);
	}
	/* each member beside its text line: each backend ignores the other's calls */
	svmc_emit_obj_begin(o, NULL);
	svmc_emit_str(o, "schema", "svmcheck/profile");
	svmc_emit_u64(o, "schema_version", 1);
	svmc_emit_str(o, "name", c->name);
	svmc_emit_printf(o, "%s%s%s\n", svmc_emit_color(o, OUT_C_BOLD), c->name,
			 svmc_emit_color(o, OUT_C_RESET));
	svmc_emit_str(o, "description", c->description);
	if (c->description[0])
		svmc_emit_printf(o, "  description  %s\n", c->description);
	svmc_emit_str(o, "source", svmc_cpu_source_name(c->source));
	if (c->view[0])
		svmc_emit_str(o, "view", c->view);
	svmc_emit_printf(o, "  source       %s%s%s%s\n", svmc_cpu_source_name(c->source),
			 c->view[0] ? " (view " : "", c->view, c->view[0] ? ")" : "");
	if (c->guest[0]) {
		svmc_emit_str(o, "guest", c->guest);
		svmc_emit_printf(o,
				 "  guest model  %s (features intersected, smaller MAXPHYADDR)\n",
				 c->guest);
	}
	if (view == SVMC_PROFILE_DECODED && c->modifiers[0]) {
		svmc_emit_str(o, "modifiers", c->modifiers);
		svmc_emit_printf(o, "  modifiers    %s\n", c->modifiers);
	}
	svmc_emit_str(o, "vendor", c->vendor);
	svmc_emit_printf(o, "  vendor       %s\n", c->vendor[0] ? c->vendor : "(not stated)");
	if (c->brand[0]) {
		svmc_emit_str(o, "brand", c->brand);
		svmc_emit_printf(o, "  brand        %s\n", c->brand);
	}
	svmc_emit_u64(o, "family", c->family);
	svmc_emit_u64(o, "model", c->model);
	svmc_emit_u64(o, "stepping", c->stepping);
	svmc_emit_printf(o, "  family       0x%x (%u)  model 0x%x (%u)  stepping %u\n", c->family,
			 c->family, c->model, c->model, c->stepping);
	if (view == SVMC_PROFILE_DECODED) {
		svmc_emit_u64(o, "maxphyaddr", c->maxphyaddr);
		svmc_emit_printf(o, "  maxphyaddr   %u\n", c->maxphyaddr);
		svm_lines(o, c);
		svmc_emit_printf(o, "\n");
		svmc_profile_features(o, c);
		svmc_emit_printf(
			o, "%s",
			c->has_leaves ?
				"\n  no* = the leaf is above the CPU's maximum leaf or not "
				"in this profile (read as absent)\n" :
			c->source == SVMC_SRC_CPUINFO ?
				"\n  from /proc/cpuinfo: features from its flags, no raw leaves; "
				"unknown = never\n  in flags (read as absent)\n" :
				"\n  a guest CPU model: features from its list, no raw leaves\n");
	} else if (!c->has_leaves) {
		svmc_emit_u64(o, "maxphyaddr", c->maxphyaddr);
		features_names(o, c);
	} else if (dec) { /* a file with leaves: what differs from their decode */
		overrides(o, c, dec);
	}
	if (c->has_leaves)
		leaves(o, c);
	svmc_emit_obj_end(o);
	free(dec);
	return 0;
}
