/*
 * common.c - shared output options and error reporting for the commands.
 *
 * Every diagnostic of the CLI goes through cli_report(): one line
 * "svmcheck: INPUT:LINE: message" on stderr and, with -j or -p, one JSON
 * error object whose members come from svmc_diag_members() (the same shape
 * the replay record writer uses), with a stable snake_case "code".
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "emit/atomic.h"
#include "svmcheck/cpu.h"
#include "svmcheck/replay.h"

struct cli_global cli_g = { .color = OUT_COLOR_AUTO };

enum { OPT_COLOR = 0x100 };

static const struct argp_option output_options[] = {
	{ "json", 'j', NULL, 0, "Machine-readable JSON on stdout (NDJSON for record streams)", -1 },
	{ "pretty", 'p', NULL, 0, "Pretty-printed JSON (implies --json)", -1 },
	{ "quiet", 'q', NULL, 0, "Print nothing on stdout; the exit status tells", -1 },
	{ "color", OPT_COLOR, "WHEN", OPTION_ARG_OPTIONAL,
	  "Colour text output: auto (default: on a terminal, unless NO_COLOR or TERM=dumb), always, never",
	  -1 },
	{ 0 }
};

static error_t output_parse(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'j':
		cli_g.json = true;
		return 0;
	case 'p':
		cli_g.json = cli_g.pretty = true;
		return 0;
	case 'q':
		cli_g.quiet = true;
		return 0;
	case OPT_COLOR:
		if (!arg || strcmp(arg, "always") == 0)
			cli_g.color = OUT_COLOR_ALWAYS;
		else if (strcmp(arg, "auto") == 0)
			cli_g.color = OUT_COLOR_AUTO;
		else if (strcmp(arg, "never") == 0)
			cli_g.color = OUT_COLOR_NEVER;
		else
			argp_error(state, "--color takes auto, always or never, not '%s'", arg);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

const struct argp cli_output_argp = { output_options, output_parse, NULL, NULL, NULL, NULL, NULL };

const struct argp_child cli_output_children[] = { { &cli_output_argp, 0, "Output options:", 0 },
						  { 0 } };

enum svmc_emit_mode cli_out_mode(void)
{
	if (cli_g.quiet)
		return OUT_QUIET;
	if (cli_g.json)
		return cli_g.pretty ? OUT_JSON_PRETTY : OUT_JSON;
	return OUT_TEXT;
}

void cli_out_open(struct out *o)
{
	enum svmc_emit_mode m = cli_out_mode();
	if (svmc_emit_init(o, stdout, m,
			   m == OUT_TEXT && svmc_emit_want_color(cli_g.color, STDOUT_FILENO)) !=
	    0) {
		cli_errorf(NULL, SVMC_ERR_NOMEM, "out of memory");
		exit(EXIT_TROUBLE);
	}
}

void cli_emit_diag(struct out *o, const struct svmc_diag *d)
{
	struct svmc_diag_member m[SVMC_DIAG_MEMBERS];
	unsigned n = svmc_diag_members(d, m);

	svmc_emit_obj_begin(o, NULL);
	for (unsigned i = 0; i < n; i++) {
		if (m[i].str)
			svmc_emit_str(o, m[i].key, m[i].str);
		else
			svmc_emit_u64(o, m[i].key, m[i].num);
	}
	svmc_emit_obj_end(o);
}

void cli_report_text(const struct svmc_diag *d)
{
	char buf[1024];

	svmc_diag_format(d, buf, sizeof(buf));
	fprintf(stderr, "svmcheck: %s\n", buf);
}

void cli_report(struct out *o, const struct svmc_diag *d)
{
	enum svmc_emit_mode m = cli_out_mode();
	struct out t;

	cli_report_text(d);
	if (o && svmc_emit_json(o)) {
		cli_emit_diag(o, d);
		return;
	}
	if (o || (m != OUT_JSON && m != OUT_JSON_PRETTY))
		return;
	/* no output stream yet: the object is all that stdout gets */
	fflush(stdout);
	if (svmc_emit_init(&t, stdout, m, false) != 0)
		return;
	cli_emit_diag(&t, d);
	svmc_emit_fini(&t);
}

void cli_errorf(struct out *o, enum svmc_err code, const char *fmt, ...)
{
	struct svmc_diag d;
	va_list ap;

	svmc_diag_init(&d, NULL);
	va_start(ap, fmt);
	svmc_diag_vset(&d, code, fmt, ap);
	va_end(ap);
	cli_report(o, &d);
}

/* Resolve one argument; on failure report it with the option named. */
static int resolve_one(struct out *o, const char *opt, const char *arg, struct svmc_cpu *cpu)
{
	struct svmc_diag d;
	char msg[sizeof(d.msg)];

	svmc_diag_init(&d, arg);
	if (svmc_cpu_resolve(arg, cpu, &d) == SVMC_OK)
		return 0;
	if (opt) {
		snprintf(msg, sizeof(msg), "%s", d.msg);
		svmc_diag_set(&d, d.code, "%s: %s", opt, msg);
	}
	cli_report(o, &d);
	return -1;
}

int cli_resolve_cpu(struct out *o, const char *opt, const char *arg, const char *gopt,
		    const char *guest, struct svmc_cpu *cpu)
{
	struct svmc_cpu *g;
	int r;

	if (resolve_one(o, opt, arg, cpu) != 0)
		return -1;
	if (!guest)
		return 0;
	g = malloc(sizeof(*g));
	if (!g) {
		cli_errorf(o, SVMC_ERR_NOMEM, "out of memory");
		return -1;
	}
	r = resolve_one(o, gopt, guest, g);
	if (r == 0)
		svmc_cpu_compose(cpu, g);
	free(g);
	return r;
}

int cli_outfile_refuse(struct out *eo, const char *path, char *const *inputs, int ninputs)
{
	if (!path || strcmp(path, "-") == 0 || !svmc_atomic_names_input(path, inputs, ninputs))
		return 0;
	cli_errorf(eo, SVMC_ERR_USAGE, "refusing to write %s: it is one of the inputs", path);
	return -1;
}

int cli_outfile_open(struct out *eo, struct svmc_atomic_file *af, const char *path,
		     char *const *inputs, int ninputs)
{
	struct svmc_diag d;

	af->f = NULL;
	af->tmp = NULL;
	if (cli_outfile_refuse(eo, path, inputs, ninputs) != 0)
		return -1;
	svmc_diag_init(&d, path);
	if (svmc_atomic_open(af, path, &d) != SVMC_OK) {
		cli_report(eo, &d);
		return -1;
	}
	return 0;
}

int cli_outfile_close(struct svmc_atomic_file *af, bool ok)
{
	struct svmc_diag d;

	svmc_diag_init(&d, af->path);
	if (svmc_atomic_close(af, ok, &d) != SVMC_OK) {
		if (ok)
			cli_report(NULL, &d);
		return -1;
	}
	return 0;
}

void cli_note_logs_without_dump(const struct svmc_input_stats *st)
{
	if (st->logs_without_dump == 1)
		fprintf(stderr, "svmcheck: %s: no VMCB dump in this kernel log\n",
			svmc_input_display(st->first_log_without_dump));
	else if (st->logs_without_dump)
		fprintf(stderr, "svmcheck: no VMCB dump in %llu kernel logs (the first: %s)\n",
			(unsigned long long)st->logs_without_dump,
			svmc_input_display(st->first_log_without_dump));
}
