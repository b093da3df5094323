/*
 * common.c - shared output options and error reporting for the commands.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "emit/atomic.h"
#include "svmcheck/cpu.h"

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
		fprintf(stderr, "svmcheck: out of memory\n");
		exit(EXIT_TROUBLE);
	}
}

void cli_report(struct out *o, const struct svmc_diag *d)
{
	char buf[512];

	svmc_diag_format(d, buf, sizeof(buf));
	fprintf(stderr, "svmcheck: %s\n", buf);
	if (o && svmc_emit_json(o)) {
		svmc_emit_obj_begin(o, NULL);
		svmc_emit_str(o, "type", "error");
		svmc_emit_str(o, "input", d->input ? d->input : "-");
		if (d->index != SVMC_NO_INDEX)
			svmc_emit_u64(o, "index", d->index);
		if (d->line != SVMC_NO_LINE)
			svmc_emit_u64(o, "line", d->line);
		else if (d->offset != SVMC_NO_OFFSET)
			svmc_emit_u64(o, "offset", d->offset);
		svmc_emit_str(o, "code", svmc_strerror(d->code));
		svmc_emit_str(o, "message", d->msg);
		svmc_emit_obj_end(o);
	}
}

void cli_errorf(struct out *o, const char *fmt, ...)
{
	struct svmc_diag d;
	va_list ap;

	svmc_diag_init(&d, NULL);
	va_start(ap, fmt);
	svmc_diag_vset(&d, SVMC_ERR_USAGE, fmt, ap);
	va_end(ap);
	fprintf(stderr, "svmcheck: %s\n", d.msg);
	if (o && svmc_emit_json(o)) {
		svmc_emit_obj_begin(o, NULL);
		svmc_emit_str(o, "type", "error");
		svmc_emit_str(o, "message", d.msg);
		svmc_emit_obj_end(o);
	}
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
		cli_errorf(o, "out of memory");
		return -1;
	}
	r = resolve_one(o, gopt, guest, g);
	if (r == 0)
		svmc_cpu_compose(cpu, g);
	free(g);
	return r;
}

int cli_outfile_open(struct svmc_atomic_file *af, const char *path)
{
	struct svmc_diag d;

	svmc_diag_init(&d, path);
	if (svmc_atomic_open(af, path, &d) != SVMC_OK) {
		fprintf(stderr, "svmcheck: %s: %s\n", path, d.msg);
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
			fprintf(stderr, "svmcheck: %s: %s\n", af->path ? af->path : "-", d.msg);
		return -1;
	}
	return 0;
}
