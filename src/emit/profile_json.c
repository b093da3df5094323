/*
 * profile_json.c - the one writer of svmcheck/profile documents (see
 * profile_json.h).
 */
#include <stdio.h>
#include <stdlib.h>

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

int svmc_profile_json_write(struct out *o, const struct svmc_cpu *c, enum svmc_profile_view view)
{
	struct svmc_cpu *dec = NULL;

	if (!svmc_emit_json(o))
		return 0;
	if (view == SVMC_PROFILE_FILE && c->has_leaves) {
		/* large (the leaves): not on the stack */
		dec = malloc(sizeof(*dec));
		if (!dec)
			return -1;
		*dec = *c;
		svmc_cpu_decode(dec);
	}
	svmc_emit_obj_begin(o, NULL);
	svmc_emit_str(o, "schema", "svmcheck/profile");
	svmc_emit_u64(o, "schema_version", 1);
	svmc_emit_str(o, "name", c->name);
	svmc_emit_str(o, "description", c->description);
	svmc_emit_str(o, "source", svmc_cpu_source_name(c->source));
	if (c->view[0])
		svmc_emit_str(o, "view", c->view);
	if (c->guest[0])
		svmc_emit_str(o, "guest", c->guest);
	if (view == SVMC_PROFILE_DECODED && c->modifiers[0])
		svmc_emit_str(o, "modifiers", c->modifiers);
	svmc_emit_str(o, "vendor", c->vendor);
	if (c->brand[0])
		svmc_emit_str(o, "brand", c->brand);
	svmc_emit_u64(o, "family", c->family);
	svmc_emit_u64(o, "model", c->model);
	svmc_emit_u64(o, "stepping", c->stepping);
	if (view == SVMC_PROFILE_DECODED) {
		svmc_emit_u64(o, "maxphyaddr", c->maxphyaddr);
		svmc_profile_features(o, c);
	} else if (!c->has_leaves) {
		svmc_emit_u64(o, "maxphyaddr", c->maxphyaddr);
		features_names(o, c);
	} else {
		overrides(o, c, dec);
	}
	if (c->has_leaves)
		leaves(o, c);
	svmc_emit_obj_end(o);
	free(dec);
	return 0;
}
