/*
 * profile_json.c - the one writer of svmcheck/profile documents (see
 * profile_json.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "emit/profile_json.h"

static const char *const reg_names[4] = { "eax", "ebx", "ecx", "edx" };

/* "0x" and the sub-leaf in as few hex digits as it needs ("0x0", "0xb"). */
static void subleaf(struct out *o, uint32_t v)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "0x%x", (unsigned)v);
	svmc_emit_str(o, "subleaf", buf);
}

/* Every feature with its CPUID location (the decoded view). */
static void features_decoded(struct out *o, const struct svmc_cpu *c)
{
	svmc_emit_arr_begin(o, "features");
	for (unsigned i = 0; i < SVMC_FEAT_COUNT; i++) {
		const struct svmc_feature_info *fi = &svmc_feature_table[i];

		svmc_emit_obj_begin_line(o, NULL);
		svmc_emit_str(o, "name", fi->name);
		svmc_emit_bool(o, "present", svmc_cpu_has(c, fi->id));
		svmc_emit_hex(o, "leaf", fi->leaf, 8);
		subleaf(o, fi->subleaf);
		svmc_emit_str(o, "register", reg_names[fi->reg]);
		svmc_emit_u64(o, "bit", fi->bit);
		svmc_emit_obj_end(o);
	}
	svmc_emit_arr_end(o);
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
		features_decoded(o, c);
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
