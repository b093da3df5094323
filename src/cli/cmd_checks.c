/*
 * cmd_checks.c - `svmcheck checks [-m MODEL]`: every consistency check of
 * the check table with its public ID, APM section, the VMCB fields it reads,
 * its rule in one line and the models that apply it.  With -m, only that
 * model's checks, in the order its implementation applies them (the order
 * `replay` uses for "first").  -j prints schema svmcheck/checks (spec 6).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "svmcheck/check.h"
#include "svmcheck/record.h"

struct checks_args {
	const char *model; /* -m, NULL = every check */
};

static const struct argp_option checks_options[] = {
	{ "model", 'm', "MODEL", 0, "Only the checks MODEL applies, in its order: {models}", 0 },
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
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp checks_argp = {
	checks_options,
	checks_parse,
	"[-m MODEL]",
	"Every VMRUN consistency check: its ID (stable, used in replay output), APM section, the "
	"VMCB fields it reads, its rule in one line, and the models that apply it.\v"
	"With -m, the model's checks in the order its implementation applies them (the order that "
	"decides which failure replay names first).\n"
	"Exit status: 0 success, 2 trouble (unknown model). See svmcheck-checks(1).",
	cli_output_children,
	cli_help_filter,
	NULL
};

/* "a b c" of the models applying id into buf. */
static const char *models_of(enum svmc_check_id id, char *buf, size_t n)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < svmc_model_count(); i++) {
		const struct svmc_model *m = svmc_model_at(i);
		if (!svmc_model_applies(m, id) || len >= n)
			continue;
		int k = snprintf(buf + len, n - len, "%s%s", len ? " " : "", m->name);
		if (k > 0)
			len += (size_t)k;
	}
	return buf;
}

static const char *fields_of(const struct svmc_check_info *ci, char *buf, size_t n)
{
	size_t len = 0;
	char path[64];

	buf[0] = '\0';
	for (unsigned k = 0; k < ci->nfields && len < n; k++) {
		int w = snprintf(buf + len, n - len, "%s%s", k ? " " : "",
				 svmc_field_path(ci->fields[k], path, sizeof(path)));
		if (w > 0)
			len += (size_t)w;
	}
	return buf;
}

static void one_text(struct out *o, const struct svmc_check_info *ci)
{
	char models[96], fields[160];

	svmc_emit_printf(o, "%s%-26s%s %-9s %-27s %s\n", svmc_emit_color(o, OUT_C_BOLD), ci->name,
			 svmc_emit_color(o, OUT_C_RESET), ci->apm,
			 models_of(ci->id, models, sizeof(models)),
			 fields_of(ci, fields, sizeof(fields)));
	svmc_emit_printf(o, "    %s\n", ci->rule);
}

static void one_json(struct out *o, const struct svmc_check_info *ci)
{
	char path[64];

	svmc_emit_obj_begin(o, NULL);
	svmc_emit_str(o, "id", ci->name);
	svmc_emit_str(o, "apm", ci->apm);
	svmc_emit_arr_begin(o, "fields");
	for (unsigned k = 0; k < ci->nfields; k++)
		svmc_emit_str(o, NULL, svmc_field_path(ci->fields[k], path, sizeof(path)));
	svmc_emit_arr_end(o);
	svmc_emit_str(o, "rule", ci->rule);
	svmc_emit_arr_begin(o, "models");
	for (size_t i = 0; i < svmc_model_count(); i++)
		if (svmc_model_applies(svmc_model_at(i), ci->id))
			svmc_emit_str(o, NULL, svmc_model_at(i)->name);
	svmc_emit_arr_end(o);
	svmc_emit_obj_end(o);
}

int cmd_checks(int argc, char **argv)
{
	struct checks_args a = { NULL };
	const struct svmc_model *m = NULL;
	struct out o;
	char names[128];
	unsigned n;

	argp_parse(&checks_argp, argc, argv, 0, NULL, &a);
	cli_out_open(&o);
	if (a.model) {
		m = svmc_model_lookup(a.model);
		if (!m) {
			cli_errorf(&o, "unknown model '%s' (models: %s)", a.model,
				   svmc_model_names(names, sizeof(names)));
			svmc_emit_fini(&o);
			return EXIT_TROUBLE;
		}
	}
	n = m ? m->norder : SVMC_CHECK_COUNT;

	if (svmc_emit_json(&o)) {
		svmc_emit_obj_begin(&o, NULL);
		svmc_emit_str(&o, "schema", "svmcheck/checks");
		svmc_emit_u64(&o, "schema_version", 1);
		if (m)
			svmc_emit_str(&o, "model", m->name);
		svmc_emit_arr_begin(&o, "checks");
	} else {
		if (m)
			svmc_emit_printf(&o,
					 "model %s: %u checks, in the order %s applies them\n\n",
					 m->name, n, m->actor);
		else
			svmc_emit_printf(&o, "%u checks; models: %s\n\n", n,
					 svmc_model_names(names, sizeof(names)));
		svmc_emit_printf(&o, "%-26s %-9s %-27s %s\n", "CHECK", "APM", "MODELS", "FIELDS");
	}
	for (unsigned i = 0; i < n; i++) {
		const struct svmc_check_info *ci = svmc_check_info(
			m ? (enum svmc_check_id)m->order[i] : (enum svmc_check_id)i);
		if (svmc_emit_json(&o))
			one_json(&o, ci);
		else
			one_text(&o, ci);
	}
	if (svmc_emit_json(&o)) {
		svmc_emit_arr_end(&o);
		svmc_emit_obj_end(&o);
	}
	return svmc_emit_fini(&o) == 0 ? EXIT_PASS : EXIT_TROUBLE;
}
