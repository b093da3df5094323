/*
 * cmd_inspect.c - `svmcheck inspect`: decode every VMCB record of the
 * inputs, for people (every field by name, value and meaning) or as NDJSON
 * (one record object per line, the input of `-f json`), or convert records
 * to raw pages with `--to raw -o FILE`.
 *
 * Every input is read through the streaming readers (record.h); a bad input
 * or record is reported and the rest are still processed.  Output files are
 * written to a temporary file in the target's directory and renamed into
 * place, so a failed run never leaves a truncated file; an output path that
 * names an input is refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "emit/atomic.h"
#include "vmcb/decode.h"
#include "emit/vmcb_json.h"
#include "svmcheck/record.h"

enum { OPT_TO = 0x200 };

struct inspect_args {
	enum svmc_format format;
	const char *output; /* -o FILE or NULL */
	bool to_raw;
	char **inputs;
	int ninputs;
};

static const struct argp_option inspect_options[] = {
	{ "format", 'f', "FMT", 0,
	  "Input format: auto (default, per input from its content), {formats}", 0 },
	{ "to", OPT_TO, "raw", 0, "Convert the records to 4096-byte raw pages (needs -o FILE)", 0 },
	{ "output", 'o', "FILE", 0,
	  "Write to FILE (through a temporary file and rename) instead of standard output", 0 },
	{ 0 }
};

static error_t inspect_parse(int key, char *arg, struct argp_state *state)
{
	struct inspect_args *a = state->input;
	char names[128];

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = NULL;
		return 0;
	case 'f':
		if (svmc_format_parse(arg, &a->format) != 0)
			argp_error(state, "unknown format '%s' (auto, %s)", arg,
				   svmc_format_names(names, sizeof(names)));
		return 0;
	case OPT_TO:
		if (strcmp(arg, "raw") != 0)
			argp_error(state, "--to takes raw, not '%s'", arg);
		a->to_raw = true;
		return 0;
	case 'o':
		a->output = arg;
		return 0;
	case ARGP_KEY_ARGS:
		a->inputs = state->argv + state->next;
		a->ninputs = state->argc - state->next;
		return 0;
	case ARGP_KEY_NO_ARGS:
		argp_error(state, "no INPUT given (use - for standard input)");
		return 0;
	case ARGP_KEY_END:
		if (a->to_raw && !a->output)
			argp_error(state, "--to raw needs -o FILE");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp inspect_argp = {
	inspect_options,
	inspect_parse,
	"INPUT...",
	"Decode every VMCB record of the inputs: every field by name, with flags and encodings "
	"spelled out.  With -j, one JSON object per record and a summary line (valid -f json "
	"input).  With --to raw -o FILE, write the records as raw 4096-byte pages.\v"
	"Exit status: 0 every input gave records and no error, 2 trouble (an unreadable input, a "
	"bad record, an input without records, a usage error).  See svmcheck-inspect(1).",
	cli_output_children,
	cli_help_filter,
	NULL
};

/* ---- text ----------------------------------------------------------------- */

#define NAME_W 22
#define VALUE_W 18

static void text_field(struct out *o, const struct svmc_record *r, const struct svmc_field *f)
{
	char dec[SVMC_DECODE_MAX], val[40];

	if (!svmc_known(r, f->id)) {
		svmc_emit_printf(o, "  %-*s ?\n", NAME_W, f->json);
		return;
	}
	if (f->kind == SVMC_FK_SEG) {
		const struct svmc_vmcb_seg *s = svmc_field_seg_const(r, f->id);
		svmc_emit_printf(o,
				 "  %-*s selector 0x%04x attrib 0x%04x limit 0x%08" PRIx32
				 " base 0x%016" PRIx64 "  %s\n",
				 NAME_W, f->json, s->selector, s->attrib, s->limit, s->base,
				 svmc_decode_field(r, f->id, dec, sizeof(dec)));
		return;
	}
	if (f->kind == SVMC_FK_BYTES) {
		const unsigned char *p = (const unsigned char *)&r->vmcb + f->offset;
		svmc_emit_printf(o, "  %-*s ", NAME_W, f->json);
		for (unsigned i = 0; i < f->size; i++)
			svmc_emit_printf(o, "%02x", p[i]);
		svmc_emit_printf(o, "\n");
		return;
	}
	snprintf(val, sizeof(val), "0x%0*" PRIx64, (int)(2 * f->size), svmc_field_get(r, f->id));
	svmc_decode_field(r, f->id, dec, sizeof(dec));
	if (dec[0])
		svmc_emit_printf(o, "  %-*s %-*s %s\n", NAME_W, f->json, VALUE_W, val, dec);
	else
		svmc_emit_printf(o, "  %s%*s %s\n", f->json, (int)(NAME_W - strlen(f->json)), "",
				 val);
}

static bool all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void text_record(struct out *o, const struct svmc_record *r, bool first)
{
	bool note = false;

	if (!first)
		svmc_emit_puts(o, "\n");
	svmc_emit_printf(o, "%s: record %" PRIu64, r->input ? r->input : "-", r->index);
	if (r->line != SVMC_NO_LINE)
		svmc_emit_printf(o, ", line %" PRIu64, r->line);
	else if (r->offset != SVMC_NO_OFFSET)
		svmc_emit_printf(o, ", offset %" PRIu64 " (0x%" PRIx64 ")", r->offset, r->offset);
	svmc_emit_printf(o, ", format %s\n", svmc_format_name(r->format));
	for (int area = SVMC_AREA_CONTROL; area <= SVMC_AREA_SAVE; area++) {
		svmc_emit_puts(o,
			       area == SVMC_AREA_CONTROL ? "Control area\n" : "State save area\n");
		for (unsigned i = 0; i < SVMC_F_COUNT; i++) {
			const struct svmc_field *f = &svmc_fields[i];
			if ((int)f->area == area && f->kind != SVMC_FK_RESERVED)
				text_field(o, r, f);
		}
	}
	for (unsigned i = 0; i < SVMC_F_COUNT; i++) {
		const struct svmc_field *f = &svmc_fields[i];
		if (f->kind != SVMC_FK_RESERVED || !svmc_known(r, f->id) ||
		    all_zero((const unsigned char *)&r->vmcb + f->offset, f->size))
			continue;
		if (!note)
			svmc_emit_puts(o, "Notes\n");
		note = true;
		svmc_emit_printf(o, "  reserved bytes 0x%03x-0x%03x (%s, %u bytes) are not zero\n",
				 f->offset, f->offset + f->size - 1u, f->json, f->size);
	}
}

/* Any unknown field other than a reserved range? */
static bool has_unknown(const struct svmc_record *r)
{
	for (unsigned i = 0; i < SVMC_F_COUNT; i++)
		if (svmc_fields[i].kind != SVMC_FK_RESERVED &&
		    !svmc_known(r, (enum svmc_field_id)i))
			return true;
	return false;
}

int cmd_inspect(int argc, char **argv)
{
	struct inspect_args a = { .format = SVMC_FMT_AUTO };
	struct svmc_record *rec;
	struct svmc_atomic_file of = { 0 };
	struct out o;
	uint64_t records = 0, errors = 0, partial = 0;
	bool to_file, write_failed = false;
	int status;

	if (argp_parse(&inspect_argp, argc, argv, 0, NULL, &a) != 0)
		return EXIT_TROUBLE;
	if (a.output && svmc_atomic_names_input(a.output, a.inputs, a.ninputs)) {
		fprintf(stderr, "svmcheck: refusing to write %s: it is one of the inputs\n",
			a.output);
		return EXIT_TROUBLE;
	}
	to_file = a.output && strcmp(a.output, "-") != 0;
	if (to_file && cli_outfile_open(&of, a.output) != 0)
		return EXIT_TROUBLE;
	if (a.to_raw && !to_file && isatty(STDOUT_FILENO)) {
		fprintf(stderr, "svmcheck: refusing to write raw pages to a terminal\n");
		return EXIT_TROUBLE;
	}
	if (to_file && !a.to_raw) {
		enum svmc_emit_mode m = cli_out_mode();
		if (svmc_emit_init(&o, of.f, m, false) != 0) {
			cli_outfile_close(&of, false);
			fprintf(stderr, "svmcheck: out of memory\n");
			return EXIT_TROUBLE;
		}
	} else if (a.to_raw && !to_file) {
		/* raw pages on stdout: nothing else may go there */
		if (svmc_emit_init(&o, stdout, OUT_QUIET, false) != 0) {
			fprintf(stderr, "svmcheck: out of memory\n");
			return EXIT_TROUBLE;
		}
	} else {
		cli_out_open(&o);
	}
	rec = malloc(sizeof(*rec));
	if (!rec) {
		fprintf(stderr, "svmcheck: out of memory\n");
		return EXIT_TROUBLE;
	}
	for (int i = 0; i < a.ninputs; i++) {
		const char *in = a.inputs[i];
		struct svmc_reader *rd;
		struct svmc_diag d;
		uint64_t got = 0, bad = 0;
		enum svmc_err e;

		svmc_diag_init(&d, in);
		e = svmc_reader_open(&rd, in, a.format, &d);
		if (e) {
			cli_report(&o, &d);
			errors++;
			continue;
		}
		for (;;) {
			svmc_diag_init(&d, in);
			e = svmc_reader_next(rd, rec, &d);
			if (e == SVMC_ERR_EMPTY)
				break;
			if (e) {
				cli_report(&o, &d);
				errors++;
				bad++;
				if (svmc_reader_failed(rd))
					break;
				continue;
			}
			got++;
			records++;
			if (a.to_raw) {
				FILE *f = to_file ? of.f : stdout;
				if (has_unknown(rec))
					partial++;
				if (fwrite(&rec->vmcb, SVMC_VMCB_PAGE_SIZE, 1, f) != 1)
					write_failed = true;
			} else if (svmc_emit_json(&o)) {
				svmc_vmcb_json_write(&o, rec);
			} else if (o.mode == OUT_TEXT) {
				text_record(&o, rec, records == 1);
			}
		}
		svmc_reader_close(rd);
		if (!got && !bad) {
			svmc_diag_init(&d, in);
			svmc_diag_set(&d, SVMC_ERR_EMPTY, "no VMCB record");
			cli_report(&o, &d);
			errors++;
		}
	}
	free(rec);

	if (svmc_emit_json(&o)) {
		svmc_emit_obj_begin(&o, NULL);
		svmc_emit_str(&o, "type", "summary");
		svmc_emit_u64(&o, "records", records);
		svmc_emit_u64(&o, "errors", errors);
		svmc_emit_u64(&o, "inputs", (uint64_t)a.ninputs);
		svmc_emit_obj_end(&o);
	} else if (a.to_raw) {
		svmc_emit_printf(&o, "%" PRIu64 " record%s written to %s\n", records,
				 records == 1 ? "" : "s", a.output);
	}
	if (partial)
		fprintf(stderr,
			"svmcheck: warning: %" PRIu64
			" record%s had unknown fields, written as zero\n",
			partial, partial == 1 ? "" : "s");
	if (svmc_emit_fini(&o) != 0)
		write_failed = true;
	if (to_file && cli_outfile_close(&of, !write_failed) != 0)
		write_failed = true;
	if (!to_file && a.to_raw && fflush(stdout) != 0)
		write_failed = true;
	if (write_failed)
		fprintf(stderr, "svmcheck: cannot write %s: %s\n",
			a.output ? a.output : "standard output", strerror(errno));
	status = errors || write_failed ? EXIT_TROUBLE : EXIT_PASS;
	return status;
}
