/*
 * cmd_vectors.c - `svmcheck vectors [-c CPU] [-m MODEL]`: the EVENTINJ
 * validity table of one model on one CPU: TYPE 0-7, and for TYPE 3
 * (exception) every vector 0-255 with its mnemonic, name, whether VMRUN
 * accepts it and why (the rule or the CPU feature).
 *
 * Everything printed comes from the compiled model (svmc_compile): the same
 * tables the engine uses per record, so `vectors` cannot disagree with
 * `replay`.  Text is compact (vectors 32-255 fold into runs); -j prints all
 * 256 vectors (schema svmcheck/vectors in svmcheck-json(5)).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "emit/table.h"
#include "svmcheck/check.h"
#include "svmcheck/cpu.h"
#include "svmcheck/vectors.h"

struct vectors_args {
	const char *cpu;    /* -c, default host */
	const char *model;  /* -m, default kvm */
	const char *kernel; /* --kernel RELEASE, picks the model instead of -m */
	struct cli_view view;
	bool bad_view;
};

enum { OPT_KERNEL = 0x100, OPT_VIEW };

static const struct argp_option vectors_options[] = {
	{ "cpu", 'c', "CPU", 0,
	  "The CPU whose table to print: a profile file, a bundled name or host (the default), "
	  "with optional ,+FEATURE ,-FEATURE ,maxphyaddr=N",
	  0 },
	{ "model", 'm', "MODEL", 0, "The model: {models,default}", 0 },
	{ "kernel", OPT_KERNEL, "RELEASE", 0,
	  "Judge by the KVM model of Linux RELEASE (6.12, 7.0.2, 6.12.20-1-amd64) and the L1 view "
	  "it offers: the kernel table of svmcheck checks --kernels",
	  0 },
	CLI_VIEW_OPTION(OPT_VIEW),
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
	case OPT_KERNEL:
		a->kernel = arg;
		return 0;
	case OPT_VIEW:
		a->bad_view = cli_view_parse(arg, &a->view) != 0;
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
	int f = svmc_vreason_info(r)->feature;
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

/* "#GP", "NMI", or what stands for a vector without a name. */
static void mnemonic(unsigned v, char *buf, size_t n)
{
	if (!svmc_vector_mnemonic(v, buf, n)[0])
		snprintf(buf, n, "%s", "-");
}

/* EVENTINJ types: JSON keys, text headers. */
enum { T_TYPE, T_NAME, T_VALID, T_BECAUSE, T_NCOLS };
static const struct svmc_col type_cols[T_NCOLS] = {
	[T_TYPE] = { .key = "type", .head = "TYPE", .width = 5, .type = SVMC_COL_U64 },
	[T_NAME] = { .key = "name", .head = "name", .width = 12 },
	[T_VALID] = { .key = "valid", .head = "valid", .width = 6, .type = SVMC_COL_BOOL },
	[T_BECAUSE] = { .key = "because", .head = "because" },
};

/* TYPE 3 vectors. */
enum { V_VECTOR, V_MNEMONIC, V_NAME, V_VALID, V_BECAUSE, V_NCOLS };
static const struct svmc_col vector_cols[V_NCOLS] = {
	[V_VECTOR] = { .key = "vector", .head = "vector", .width = 7, .type = SVMC_COL_U64 },
	[V_MNEMONIC] = { .key = "mnemonic", .head = "mn", .width = 5 },
	[V_NAME] = { .key = "name", .head = "name", .width = 40 },
	[V_VALID] = { .key = "valid", .head = "valid", .width = 6, .type = SVMC_COL_BOOL },
	[V_BECAUSE] = { .key = "because", .head = "because" },
};

static struct svmc_cell valid_cell(bool ok)
{
	return (struct svmc_cell){ .u = ok,
				   .text = ok ? "yes" : "NO",
				   .color = ok ? OUT_C_PASS : OUT_C_FAIL };
}

static void print_table(struct out *o, const struct svmc_compiled *c, const struct cli_view *view)
{
	struct svmc_table t = { .o = o, .cols = type_cols, .ncols = T_NCOLS };
	char why[96], mn[8], note[128];

	svmc_emit_obj_begin(o, NULL);
	svmc_emit_str(o, "schema", "svmcheck/vectors");
	svmc_emit_u64(o, "schema_version", 1);
	svmc_emit_str(o, "cpu", c->cpu_name);
	svmc_emit_str(o, "model", c->model->name);
	svmc_emit_u64(o, "maxphyaddr", c->maxphyaddr);
	svmc_emit_printf(o, "EVENTINJ validity: model %s, CPU %s\n", c->model->name, c->cpu_name);
	cli_view_note(o, c->cpu_name, view);
	svmc_emit_printf(o, "\n");
	svmc_table_begin(&t, "types");
	for (unsigned ty = 0; ty < 8; ty++) {
		bool ok = svmc_type_valid(c, ty);
		const char *reason = svmc_vreason_name((enum svmc_vreason)c->type_reason[ty]);
		const char *more = ty == 3         ? "; vector rule below" :
				   (ok && ty != 2) ? "; any vector" :
						     "";
		struct svmc_cell cells[T_NCOLS] = {
			[T_TYPE] = { .u = ty },
			[T_NAME] = { .s = svmc_evtinj_type_name(ty) },
			[T_VALID] = valid_cell(ok),
			[T_BECAUSE] = { .s = reason, .text = note },
		};

		snprintf(note, sizeof(note), "%s%s", reason, more);
		svmc_table_row(&t, cells, false);
	}
	svmc_table_end(&t);

	svmc_emit_printf(o, "\nTYPE 3 (EXCEPTION) vectors\n");
	t = (struct svmc_table){
		.o = o, .cols = vector_cols, .ncols = V_NCOLS, .flags = SVMC_TABLE_FOLD
	};
	svmc_table_begin(&t, "exceptions");
	for (unsigned v = 0; v < 256; v++) {
		const struct svmc_vector_name *vn = svmc_vector_name(v);
		enum svmc_vreason r = (enum svmc_vreason)c->vec_reason[v];
		struct svmc_cell cells[V_NCOLS] = {
			[V_VECTOR] = { .u = v },
			[V_MNEMONIC] = { .s = vn->mnemonic, .text = mn },
			[V_NAME] = { .s = vn->name },
			[V_VALID] = valid_cell(svmc_vector_valid(c, v)),
			[V_BECAUSE] = { .s = svmc_vreason_name(r),
					.text = because_text(c, r, why, sizeof(why)) },
		};

		mnemonic(v, mn, sizeof(mn));
		/* vectors 32-255 fold into runs of the same verdict and reason */
		svmc_table_row(&t, cells, v >= 32);
	}
	svmc_table_end(&t);
	svmc_emit_obj_end(o);
}

int cmd_vectors(int argc, char **argv)
{
	struct vectors_args a = { .cpu = "host" };
	static struct svmc_cpu cpu, seen; /* large: not on the stack */
	struct svmc_compiled c;
	struct svmc_diag d;
	const struct svmc_model *m;
	struct out o;
	enum svmc_err err;
	int rc = EXIT_PASS;

	argp_parse(&vectors_argp, argc, argv, 0, NULL, &a);
	if (a.bad_view || (a.kernel && cli_kernel_model("--kernel", a.kernel, a.model, &a.model,
							&a.view.kernel) != 0))
		return EXIT_TROUBLE;
	cli_out_open(&o);

	if (!a.model)
		a.model = "kvm";
	m = svmc_model_lookup(a.model);
	if (!m) {
		cli_unknown_model(&o, a.model);
		rc = EXIT_TROUBLE;
		goto done;
	}
	if (cli_resolve_cpu(&o, "-c", a.cpu, NULL, NULL, &cpu) != 0) {
		rc = EXIT_TROUBLE;
		goto done;
	}
	svmc_diag_init(&d, a.cpu);
	cli_view_cpu(&a.view, m, &cpu, &seen);
	err = svmc_compile(&c, m, &seen, &d);
	if (err == SVMC_ERR_NOSVM) {
		if (strcmp(a.cpu, "host") == 0)
			cli_errorf(
				&o, SVMC_ERR_NOSVM,
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
	print_table(&o, &c, &a.view);
done:
	if (svmc_emit_fini(&o) != 0 && rc == EXIT_PASS)
		rc = EXIT_TROUBLE;
	return rc;
}
