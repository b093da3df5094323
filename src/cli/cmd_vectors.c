/*
 * cmd_vectors.c - `svmcheck vectors [-c CPU] [-m MODEL]`: the EVENTINJ
 * validity table of one model on one CPU: TYPE 0-7, and for TYPE 3
 * (exception) every vector 0-255 with its mnemonic, name, whether VMRUN
 * accepts it and why (the rule or the CPU feature).
 *
 * Everything printed comes from the compiled model (svmc_compile): the same
 * tables the engine uses per record, so `vectors` cannot disagree with
 * `replay`.  Text is compact (vectors 32-255 fold into runs); -j prints all
 * 256 vectors (spec 6, schema svmcheck/vectors).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "svmcheck/check.h"
#include "svmcheck/cpu.h"
#include "svmcheck/vectors.h"

struct vectors_args {
	const char *cpu;   /* -c, default host */
	const char *model; /* -m, default kvm */
};

static const struct argp_option vectors_options[] = {
	{ "cpu", 'c', "CPU", 0,
	  "The CPU whose table to print: a profile file, a bundled name or host (the default), "
	  "with optional ,+FEATURE ,-FEATURE ,maxphyaddr=N",
	  0 },
	{ "model", 'm', "MODEL", 0, "The model: {models,default}", 0 },
	{ 0 }
};

static error_t vectors_parse(int key, char *arg, struct argp_state *state)
{
	struct vectors_args *a = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = NULL;
		return 0;
	case 'c':
		a->cpu = arg;
		return 0;
	case 'm':
		a->model = arg;
		return 0;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s' (the CPU goes with -c)", arg);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp vectors_argp = {
	vectors_options,
	vectors_parse,
	"[-c CPU] [-m MODEL]",
	"The EVENTINJ validity table of a model on a CPU: TYPE 0-7, and for TYPE 3 (exception) "
	"every vector 0-255 with its mnemonic, name, whether VMRUN accepts it and why.\v"
	"Reasons: always, never (Intel-only #VE), shstk / sev_es / sev_snp (valid iff the CPU "
	"has the feature), reserved, not_exception (NMI, vectors 32-255), kvm_v1_mask (decided "
	"by the first posted KVM patch's mask), unchecked (kvm-legacy checks no EVENTINJ).\n"
	"Exit status: 0 success, 2 trouble (unknown model or CPU, a CPU without SVM). "
	"See svmcheck-vectors(1).",
	cli_output_children,
	cli_help_filter,
	NULL
};

/* Text for a reason: the name, and for a feature gate whether the CPU has it. */
static const char *because_text(const struct svmc_compiled *c, enum svmc_vreason r, char *buf,
				size_t n)
{
	int f = r == SVMC_VR_SHSTK   ? SVMC_FEAT_SHSTK :
		r == SVMC_VR_SEV_ES  ? SVMC_FEAT_SEV_ES :
		r == SVMC_VR_SEV_SNP ? SVMC_FEAT_SEV_SNP :
				       -1;
	char loc[48];

	if (f < 0) {
		snprintf(buf, n, "%s", svmc_vreason_name(r));
		return buf;
	}
	snprintf(buf, n, "%s (%s: %s)", svmc_vreason_name(r),
		 svmc_feature_cpuid((unsigned)f, loc, sizeof(loc)),
		 svmc_featset_has(&c->features, (enum svmc_feature)f) ? "present" : "absent");
	return buf;
}

static void mnemonic(unsigned v, char *buf, size_t n)
{
	const struct svmc_vector_name *vn = svmc_vector_name(v);
	if (!vn->mnemonic[0])
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, "%s%s", v == 2 ? "" : "#", vn->mnemonic);
}

static void print_text(struct out *o, const struct svmc_compiled *c)
{
	char why[96], mn[8];
	const char *yes = svmc_emit_color(o, OUT_C_PASS), *no = svmc_emit_color(o, OUT_C_FAIL),
		   *rst = svmc_emit_color(o, OUT_C_RESET);

	svmc_emit_printf(o, "EVENTINJ validity: model %s, CPU %s\n\n", c->model->name, c->cpu_name);
	svmc_emit_printf(o, "TYPE  %-12s %-6s %s\n", "name", "valid", "because");
	for (unsigned t = 0; t < 8; t++) {
		bool ok = svmc_type_valid(c, t);
		const char *note = t == 3         ? "vector rule below" :
				   (ok && t != 2) ? "any vector" :
						    "";
		svmc_emit_printf(o, "%-5u %-12s %s%-6s%s %s%s%s\n", t, svmc_evtinj_type_name(t),
				 ok ? yes : no, ok ? "yes" : "NO", rst,
				 svmc_vreason_name((enum svmc_vreason)c->type_reason[t]),
				 note[0] ? "; " : "", note);
	}

	svmc_emit_printf(o, "\nTYPE 3 (EXCEPTION) vectors\n");
	svmc_emit_printf(o, "%-7s %-5s %-40s %-6s %s\n", "vector", "mn", "name", "valid",
			 "because");
	for (unsigned v = 0; v < 256;) {
		bool ok = svmc_vector_valid(c, v);
		enum svmc_vreason r = (enum svmc_vreason)c->vec_reason[v];
		char label[16];
		unsigned end = v;

		/* vectors 32-255 fold into runs of the same verdict and reason */
		if (v >= 32)
			while (end + 1 < 256 && svmc_vector_valid(c, end + 1) == ok &&
			       c->vec_reason[end + 1] == r)
				end++;
		if (end > v)
			snprintf(label, sizeof(label), "%u-%u", v, end);
		else
			snprintf(label, sizeof(label), "%u", v);
		mnemonic(v, mn, sizeof(mn));
		svmc_emit_printf(o, "%-7s %-5s %-40s %s%-6s%s %s\n", label, mn,
				 svmc_vector_name(v)->name, ok ? yes : no, ok ? "yes" : "NO", rst,
				 because_text(c, r, why, sizeof(why)));
		v = end + 1;
	}
}

static void print_json(struct out *o, const struct svmc_compiled *c)
{
	svmc_emit_obj_begin(o, NULL);
	svmc_emit_str(o, "schema", "svmcheck/vectors");
	svmc_emit_u64(o, "schema_version", 1);
	svmc_emit_str(o, "cpu", c->cpu_name);
	svmc_emit_str(o, "model", c->model->name);
	svmc_emit_u64(o, "maxphyaddr", c->maxphyaddr);
	svmc_emit_arr_begin(o, "types");
	for (unsigned t = 0; t < 8; t++) {
		svmc_emit_obj_begin(o, NULL);
		svmc_emit_u64(o, "type", t);
		svmc_emit_str(o, "name", svmc_evtinj_type_name(t));
		svmc_emit_bool(o, "valid", svmc_type_valid(c, t));
		svmc_emit_str(o, "because",
			      svmc_vreason_name((enum svmc_vreason)c->type_reason[t]));
		svmc_emit_obj_end(o);
	}
	svmc_emit_arr_end(o);
	svmc_emit_arr_begin(o, "exceptions");
	for (unsigned v = 0; v < 256; v++) {
		const struct svmc_vector_name *vn = svmc_vector_name(v);
		svmc_emit_obj_begin(o, NULL);
		svmc_emit_u64(o, "vector", v);
		svmc_emit_str(o, "mnemonic", vn->mnemonic);
		svmc_emit_str(o, "name", vn->name);
		svmc_emit_bool(o, "valid", svmc_vector_valid(c, v));
		svmc_emit_str(o, "because", svmc_vreason_name((enum svmc_vreason)c->vec_reason[v]));
		svmc_emit_obj_end(o);
	}
	svmc_emit_arr_end(o);
	svmc_emit_obj_end(o);
}

int cmd_vectors(int argc, char **argv)
{
	struct vectors_args a = { .cpu = "host", .model = "kvm" };
	static struct svmc_cpu cpu; /* large: not on the stack */
	struct svmc_compiled c;
	struct svmc_diag d;
	const struct svmc_model *m;
	struct out o;
	enum svmc_err err;
	char names[128];
	int rc = EXIT_PASS;

	argp_parse(&vectors_argp, argc, argv, 0, NULL, &a);
	cli_out_open(&o);

	m = svmc_model_lookup(a.model);
	if (!m) {
		cli_errorf(&o, "unknown model '%s' (models: %s)", a.model,
			   svmc_model_names(names, sizeof(names)));
		rc = EXIT_TROUBLE;
		goto done;
	}
	if (cli_resolve_cpu(&o, "-c", a.cpu, NULL, NULL, &cpu) != 0) {
		rc = EXIT_TROUBLE;
		goto done;
	}
	svmc_diag_init(&d, a.cpu);
	err = svmc_compile(&c, m, &cpu, &d);
	if (err == SVMC_ERR_NOSVM) {
		if (strcmp(a.cpu, "host") == 0)
			cli_errorf(
				&o,
				"this host's CPU view has no SVM (CPUID 0x80000001:ECX[2]); name a CPU with -c "
				"(a profile file or a bundled name such as epyc-genoa)");
		else {
			/* A diag, so that the JSON error object names the CPU as its input. */
			svmc_diag_set(&d, SVMC_ERR_NOSVM,
				      "CPU '%s' has no SVM (CPUID 0x80000001:ECX[2]); "
				      "EVENTINJ validity needs an SVM CPU",
				      a.cpu);
			cli_report(&o, &d);
		}
		rc = EXIT_TROUBLE;
		goto done;
	}
	if (err != SVMC_OK) {
		cli_report(&o, &d);
		rc = EXIT_TROUBLE;
		goto done;
	}
	if (svmc_emit_json(&o))
		print_json(&o, &c);
	else
		print_text(&o, &c);
done:
	if (svmc_emit_fini(&o) != 0 && rc == EXIT_PASS)
		rc = EXIT_TROUBLE;
	return rc;
}
