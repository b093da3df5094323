/*
 * cmd_checks.c - `svmcheck checks [-m MODEL]`: every consistency check of
 * the check table with its public ID, APM section, the VMCB fields it reads,
 * its rule in one line and the models that apply it.  With -m, only that
 * model's checks, in the order its implementation applies them (the order
 * `replay` uses for "first").  -j prints schema svmcheck/checks (svmcheck-json(5)).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "emit/table.h"
#include "svmcheck/check.h"
#include "svmcheck/record.h"

struct checks_args {
	const char *model; /* -m, NULL = every check */
	bool kernels;      /* --kernels: the kernel table instead */
};

enum { OPT_KERNELS = 0x100 };

static const struct argp_option checks_options[] = {
	{ "model", 'm', "MODEL", 0, "Only the checks MODEL applies, in its order: {models}", 0 },
	{ "kernels", OPT_KERNELS, NULL, 0,
	  "The Linux releases and the KVM model each runs (what --kernel RELEASE picks), with "
	  "commits and sources",
	  0 },
	{ 0 }
};

static error_t checks_parse(int key, char *arg, struct argp_state *state)
{
	struct checks_args *a = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = NULL;
		return 0;
	case 'm':
		a->model = arg;
		return 0;
	case OPT_KERNELS:
		a->kernels = true;
		return 0;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		return 0;
	case ARGP_KEY_END:
		if (a->model && a->kernels)
			argp_error(state,
				   "--kernels lists releases, not a model's checks: drop -m");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp checks_argp = {
	checks_options,
	checks_parse,
	"[-m MODEL | --kernels]",
	"Every VMRUN consistency check: its ID (stable, used in replay output), APM section, the "
	"VMCB fields it reads, its rule in one line, and the models that apply it.\v"
	"With -m, the model's checks in the order its implementation applies them (the order that "
	"decides which failure replay names first).  With --kernels, the table of Linux releases and "
	"the KVM model each runs.\n"
	"Exit status: 0 success, 2 trouble (unknown model). See svmcheck-checks(1).",
	cli_output_children,
	cli_help_filter,
	NULL
};

/* The columns of a check: JSON keys in schema order, text in its own. */
enum { COL_ID, COL_APM, COL_FIELDS, COL_RULE, COL_MODELS, NCOLS };
static const struct svmc_col check_cols[NCOLS] = {
	[COL_ID] = { .key = "id", .head = "CHECK", .width = 26 },
	[COL_APM] = { .key = "apm", .head = "APM", .width = 9 },
	/* text: below the row, after the rule ("reads save.efer save.cr0"), so that rows fit 80 columns */
	[COL_FIELDS] = { .key = "fields",
			 .head = "",
			 .type = SVMC_COL_LIST,
			 .flags = SVMC_COL_BELOW },
	[COL_RULE] = { .key = "rule", .head = "", .flags = SVMC_COL_BELOW },
	[COL_MODELS] = { .key = "models", .head = "MODELS", .type = SVMC_COL_LIST },
};
static const unsigned char check_text_order[] = { COL_ID, COL_APM, COL_MODELS, COL_RULE,
						  COL_FIELDS };

#define MAX_NAMES 16

static void one_row(struct svmc_table *t, const struct svmc_check_info *ci)
{
	struct svmc_cell cells[NCOLS] = { { 0 } };
	const char *models[MAX_NAMES], *fields[MAX_NAMES];
	char paths[MAX_NAMES][64], reads[512];
	size_t nm = 0, nf = 0, used;

	static const char *const header_members[] = { "nested_state.flags", "nested_state.format",
						      "nested_state.size", "nested_state.vmcb_pa" };

	for (size_t i = 0; i < svmc_model_count() && nm < MAX_NAMES; i++) {
		const struct svmc_model *m = svmc_model_at(i);

		/* a model applies a check on VMRUN, or on a nested state it restores */
		if (svmc_model_applies(m, ci->id) ||
		    (m->restore && svmc_model_applies(m->restore, ci->id)))
			models[nm++] = m->name;
	}
	for (unsigned k = 0; k < ci->nfields && nf < MAX_NAMES; k++, nf++)
		fields[nf] = svmc_field_path(ci->fields[k], paths[nf], sizeof(paths[nf]));
	for (unsigned k = 0; k < 4 && nf < MAX_NAMES; k++) /* SVMC_NSK_* bit k */
		if ((ci->header_fields >> k) & 1)
			fields[nf++] = header_members[k];
	cells[COL_ID] = (struct svmc_cell){ .s = ci->name, .color = OUT_C_BOLD };
	cells[COL_APM].s = ci->apm;
	used = (size_t)snprintf(reads, sizeof(reads), "reads");
	for (size_t k = 0; k < nf && used < sizeof(reads); k++)
		used += (size_t)snprintf(reads + used, sizeof(reads) - used, " %s", fields[k]);
	cells[COL_FIELDS] = (struct svmc_cell){ .list = fields, .n = nf, .text = reads };
	cells[COL_RULE].s = ci->rule;
	cells[COL_MODELS] = (struct svmc_cell){ .list = models, .n = nm };
	svmc_table_row(t, cells, false);
}

/* The kernel table: JSON keys in schema order; text puts the sources below. */
enum { K_SERIES, K_MODEL, K_VERIFIED, K_L1, K_COMMITS, K_SOURCE, K_NOTE, K_NCOLS };
static const struct svmc_col kernel_cols[K_NCOLS] = {
	[K_SERIES] = { .key = "series", .head = "SERIES", .width = 10 },
	[K_MODEL] = { .key = "model", .head = "MODEL", .width = 12 },
	[K_VERIFIED] = { .key = "verified",
			 .head = "RELEASE NUMBER",
			 .type = SVMC_COL_BOOL,
			 .width = 17 },
	[K_L1] = { .key = "l1_withheld", .head = "L1 ALSO WITHHOLDS", .type = SVMC_COL_LIST },
	[K_COMMITS] = { .key = "commits",
			.head = "",
			.type = SVMC_COL_LIST,
			.flags = SVMC_COL_BELOW },
	[K_SOURCE] = { .key = "source", .head = "", .flags = SVMC_COL_BELOW },
	[K_NOTE] = { .key = "note", .head = "", .flags = SVMC_COL_BELOW },
};

/* What KVM withholds from an L1 guest: the rules behind the L1 column, with their sources. */
enum { L_FEATURE, L_FROM, L_VERIFIED, L_WHY, L_SOURCE, L_NOTE, L_NCOLS };
static const struct svmc_col l1_cols[L_NCOLS] = {
	[L_FEATURE] = { .key = "feature", .head = "FEATURE", .width = 16 },
	[L_FROM] = { .key = "offered_from", .head = "OFFERED FROM", .width = 13 },
	[L_VERIFIED] = { .key = "verified", .head = "RELEASE NUMBER", .type = SVMC_COL_BOOL },
	[L_WHY] = { .key = "why", .head = "", .flags = SVMC_COL_BELOW },
	[L_SOURCE] = { .key = "source", .head = "", .flags = SVMC_COL_BELOW },
	[L_NOTE] = { .key = "note", .head = "", .flags = SVMC_COL_BELOW },
};

static void list_l1_rules(struct out *o)
{
	struct svmc_table t = { .o = o, .cols = l1_cols, .ncols = L_NCOLS };

	svmc_emit_printf(o, "\nWhat KVM does not offer an L1 guest on an AMD host (the L1 view; "
			    "--view silicon keeps it)\n\n");
	svmc_table_begin(&t, "l1_rules");
	for (size_t i = 0; i < svmc_l1_rule_count(); i++) {
		const struct svmc_l1_rule *r = svmc_l1_rule_at(i);
		struct svmc_cell cells[L_NCOLS] = { { 0 } };
		char from[16], source[320], note[200];

		if (r->from_major)
			snprintf(from, sizeof(from), "%u.%u", r->from_major, r->from_minor);
		snprintf(source, sizeof(source), "source: %s", r->source);
		snprintf(note, sizeof(note), "note: %s", r->note);
		cells[L_FEATURE] = (struct svmc_cell){ .s = svmc_feature_table[r->feature].name,
						       .color = OUT_C_BOLD };
		cells[L_FROM].s = r->from_major ? from : "never";
		cells[L_VERIFIED] = (struct svmc_cell){ .u = r->verified,
							.text = !r->from_major ? "-" :
								r->verified ? "read in a source" :
									      "inferred" };
		cells[L_WHY].s = r->why;
		cells[L_SOURCE] = (struct svmc_cell){ .s = r->source, .text = source };
		cells[L_NOTE] =
			(struct svmc_cell){ .s = r->note, .text = r->note[0] ? note : NULL };
		svmc_table_row(&t, cells, false);
	}
	svmc_table_end(&t);
}

static int list_kernels(struct out *o)
{
	struct svmc_table t = { .o = o, .cols = kernel_cols, .ncols = K_NCOLS };

	svmc_emit_obj_begin(o, NULL);
	svmc_emit_str(o, "schema", "svmcheck/kernels");
	svmc_emit_u64(o, "schema_version", 1);
	svmc_emit_printf(o, "Linux releases and the KVM model each runs (--kernel RELEASE)\n\n");
	svmc_table_begin(&t, "kernels");
	for (size_t i = 0; i < svmc_kernel_count(); i++) {
		const struct svmc_kernel_row *k = svmc_kernel_at(i);
		struct svmc_cell cells[K_NCOLS] = { { 0 } };
		char series[24], commits[80], source[320], note[200], l1[96];
		const char *withheld[8];
		size_t n = 0, used, nw = 0;

		/* the release rules this row applies (the never rules apply to every row) */
		l1[0] = '\0';
		for (size_t r = 0; r < svmc_l1_rule_count() && nw < 8; r++) {
			const struct svmc_l1_rule *rule = svmc_l1_rule_at(r);

			if (rule->from_major && svmc_l1_rule_withholds(rule, k)) {
				withheld[nw] = svmc_feature_table[rule->feature].name;
				snprintf(l1 + strlen(l1), sizeof(l1) - strlen(l1), "%s%s",
					 nw ? " " : "", withheld[nw]);
				nw++;
			}
		}

		used = (size_t)snprintf(commits, sizeof(commits), "commits:");
		for (; n < sizeof(k->commits) / sizeof(k->commits[0]) && k->commits[n]; n++)
			used += (size_t)snprintf(commits + used, sizeof(commits) - used, " %s",
						 k->commits[n]);
		if (!n)
			snprintf(commits, sizeof(commits), "commits: none");
		snprintf(source, sizeof(source), "source: %s", k->source);
		snprintf(note, sizeof(note), "note: %s", k->note);
		cells[K_SERIES] =
			(struct svmc_cell){ .s = svmc_kernel_series(k, series, sizeof(series)),
					    .color = OUT_C_BOLD };
		cells[K_MODEL].s = k->model;
		cells[K_VERIFIED] =
			(struct svmc_cell){ .u = k->verified,
					    .text = k->verified ? "read in a source" : "inferred" };
		cells[K_L1] =
			(struct svmc_cell){ .list = withheld, .n = nw, .text = nw ? l1 : "-" };
		cells[K_COMMITS] =
			(struct svmc_cell){ .list = k->commits, .n = n, .text = commits };
		cells[K_SOURCE] = (struct svmc_cell){ .s = k->source, .text = source };
		cells[K_NOTE] = (struct svmc_cell){ .s = k->note, .text = note };
		svmc_table_row(&t, cells, false);
	}
	svmc_table_end(&t);
	list_l1_rules(o);
	svmc_emit_obj_end(o);
	return svmc_emit_fini(o) == 0 ? EXIT_PASS : EXIT_TROUBLE;
}

int cmd_checks(int argc, char **argv)
{
	struct checks_args a = { .model = NULL };
	const struct svmc_model *m = NULL;
	struct out o;
	struct svmc_table t;
	char names[128];
	unsigned n;

	argp_parse(&checks_argp, argc, argv, 0, NULL, &a);
	cli_out_open(&o);
	if (a.model) {
		m = svmc_model_lookup(a.model);
		if (!m) {
			cli_unknown_model(&o, a.model);
			svmc_emit_fini(&o);
			return EXIT_TROUBLE;
		}
	}
	if (a.kernels)
		return list_kernels(&o);
	n = m ? m->norder : SVMC_CHECK_COUNT;

	svmc_emit_obj_begin(&o, NULL);
	svmc_emit_str(&o, "schema", "svmcheck/checks");
	svmc_emit_u64(&o, "schema_version", 1);
	if (m) {
		svmc_emit_str(&o, "model", m->name);
		svmc_emit_printf(&o, "model %s: %u checks, in the order %s applies them\n\n",
				 m->name, n, m->actor);
	} else {
		svmc_emit_printf(&o, "%u checks; models: %s\n\n", n,
				 svmc_model_names(names, sizeof(names)));
		/* JSON: the models, in the order -m all takes them */
		if (svmc_emit_json(&o)) {
			svmc_emit_arr_begin(&o, "models");
			for (size_t i = 0; i < svmc_model_count(); i++) {
				const struct svmc_model *mi = svmc_model_at(i);

				svmc_emit_obj_begin(&o, NULL);
				svmc_emit_str(&o, "name", mi->name);
				svmc_emit_str(&o, "summary", mi->summary);
				svmc_emit_str(&o, "actor", mi->actor);
				svmc_emit_bool(&o, "restores", mi->restore != NULL);
				svmc_emit_obj_end(&o);
			}
			svmc_emit_arr_end(&o);
		}
	}
	t = (struct svmc_table){ .o = &o,
				 .cols = check_cols,
				 .ncols = NCOLS,
				 .text_order = check_text_order,
				 .ntext = NCOLS };
	svmc_table_begin(&t, "checks");
	for (unsigned i = 0; i < n; i++)
		one_row(&t, svmc_check_info(m ? (enum svmc_check_id)m->order[i] :
						(enum svmc_check_id)i));
	svmc_table_end(&t);
	if (m && m->restore) {
		/* what the same kernel checks when it restores a nested state */
		const struct svmc_model *r = m->restore;

		svmc_emit_printf(&o, "\n%s on a nested_state record, in order:\n ", r->actor);
		svmc_emit_arr_begin(&o, "restore");
		for (unsigned i = 0; i < r->norder; i++) {
			const char *id = svmc_check_info((enum svmc_check_id)r->order[i])->name;

			svmc_emit_str(&o, NULL, id);
			svmc_emit_printf(&o, " %s", id);
		}
		svmc_emit_arr_end(&o);
		svmc_emit_printf(&o, "\n");
	}
	svmc_emit_obj_end(&o);
	return svmc_emit_fini(&o) == 0 ? EXIT_PASS : EXIT_TROUBLE;
}
