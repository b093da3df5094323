/*
 * cmd_inspect.c - `svmcheck inspect`: decode every VMCB record of the
 * inputs, for people (every field by name, value and meaning) or as NDJSON
 * (one record object per line, the input of `-f json`), or convert records
 * to raw pages with `--to raw -o FILE` or back to KVM_GET_NESTED_STATE blobs
 * with `--to nested-state -o FILE`.
 *
 * Every input is read through the library's input loop (replay.h); a bad
 * input or record is reported and the rest are still processed.  Output files are
 * written to a temporary file in the target's directory and renamed into
 * place, so a failed run never leaves a truncated file; an output path that
 * names an input is refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "emit/atomic.h"
#include "emit/vmcb_json.h"
#include "svmcheck/record.h"
#include "svmcheck/replay.h"

enum { OPT_TO = 0x200, OPT_FILL_UNKNOWN };

/* What --to writes: nothing (a listing), raw pages, or nested-state blobs. */
enum inspect_to { TO_NONE, TO_RAW, TO_NSTATE };
static const char *const to_names[] = { [TO_RAW] = "raw", [TO_NSTATE] = "nested-state" };

struct inspect_args {
	enum svmc_format format;
	const char *output; /* -o FILE or NULL */
	enum inspect_to to;
	bool fill_zero; /* --fill-unknown=zero: write unknown fields as zero */
	const char *bad_format, *bad_to, *bad_fill; /* reported after parsing, in the output mode */
	char **inputs;
	int ninputs;
};

static const struct argp_option inspect_options[] = {
	{ "format", 'f', "FMT", 0,
	  "Input format: auto (default, per input from its content), {formats}", 0 },
	{ "to", OPT_TO, "raw|nested-state", 0,
	  "Convert the records to 4096-byte raw pages, or to KVM_GET_NESTED_STATE blobs (records "
	  "of origin nested_state); needs -o FILE",
	  0 },
	{ "fill-unknown", OPT_FILL_UNKNOWN, "zero", 0,
	  "With --to, write a record's unknown fields as zero instead of refusing the record", 0 },
	{ "output", 'o', "FILE", 0,
	  "Write to FILE (through a temporary file and rename) instead of standard output", 0 },
	{ 0 }
};

static error_t inspect_parse(int key, char *arg, struct argp_state *state)
{
	struct inspect_args *a = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = NULL;
		return 0;
	case 'f':
		if (svmc_format_parse(arg, &a->format) != 0)
			a->bad_format = arg;
		return 0;
	case OPT_TO:
		if (strcmp(arg, to_names[TO_RAW]) == 0)
			a->to = TO_RAW;
		else if (strcmp(arg, to_names[TO_NSTATE]) == 0)
			a->to = TO_NSTATE;
		else
			a->bad_to = arg;
		return 0;
	case OPT_FILL_UNKNOWN:
		if (strcmp(arg, "zero") != 0)
			a->bad_fill = arg;
		else
			a->fill_zero = true;
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
		if (a->to && !a->output)
			argp_error(state, "--to %s needs -o FILE", to_names[a->to]);
		if (a->fill_zero && !a->to)
			argp_error(state, "--fill-unknown only applies to --to");
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
	"input).  With --to raw -o FILE, write the records as raw 4096-byte pages; with --to "
	"nested-state -o FILE, the records of nested-state blobs as blobs again.\v"
	"Exit status: 0 every input gave records (or is a kernel log without a VMCB dump) and no "
	"error, 1 --fill-unknown=zero wrote a record with unknown fields as zero, 2 trouble (an "
	"unreadable input, a bad record, a record refused by --to, an input without records, "
	"a usage error).  See svmcheck-inspect(1).",
	cli_output_children,
	cli_help_filter,
	NULL
};

/*
 * The unknown fields of r other than reserved ranges, by their JSON names,
 * into buf ("cr0, efer, and 3 more" when they do not fit).  Returns how
 * many there are.
 */
static unsigned unknown_fields(const struct svmc_record *r, char *buf, size_t cap)
{
	unsigned count = 0, listed = 0;
	size_t used = 0;

	if (cap)
		buf[0] = '\0';
	for (unsigned i = 0; i < SVMC_F_COUNT; i++) {
		size_t len;

		if (svmc_fields[i].kind == SVMC_FK_RESERVED || svmc_known(r, (enum svmc_field_id)i))
			continue;
		count++;
		len = strlen(svmc_fields[i].json);
		/* keep room for ", and NNNN more" */
		if (used + len + 2 + 24 < cap) {
			used += (size_t)snprintf(buf + used, cap - used, "%s%s", listed ? ", " : "",
						 svmc_fields[i].json);
			listed++;
		}
	}
	if (listed < count && used < cap)
		snprintf(buf + used, cap - used, ", and %u more", count - listed);
	return count;
}

/* What the input loop feeds (svmc_inputs_each). */
struct inspect_run {
	const struct inspect_args *a;
	struct out *o;
	FILE *raw; /* --to: where the pages or blobs go */
	uint64_t records, errors, partial;
	uint64_t headers_dropped; /* --to raw: nested-state records written as bare pages */
	bool write_failed;
};

/* Refuse rec through the error path (it is not written): the reason in words. */
__attribute__((format(printf, 3, 4))) static void
refuse(struct inspect_run *x, const struct svmc_record *rec, const char *fmt, ...)
{
	struct svmc_diag d;
	char why[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	svmc_diag_init(&d, rec->input);
	d.index = rec->index;
	d.line = rec->line;
	d.offset = rec->offset;
	svmc_diag_set(&d, SVMC_ERR_FORMAT, "record %" PRIu64 " not written: %s", rec->index, why);
	cli_report(x->o, &d);
	x->errors++;
}

/*
 * A raw page has no "unknown": writing one for a record that lacks fields
 * would invent their values (zero), and the page would replay as if they
 * had been captured.  Such a record is refused, through the error path,
 * unless --fill-unknown=zero asks for exactly that.
 */
static bool refuse_partial(struct inspect_run *x, const struct svmc_record *rec)
{
	char names[200];
	unsigned n = unknown_fields(rec, names, sizeof(names));

	if (n == 0)
		return false;
	if (x->a->fill_zero) {
		x->partial++;
		return false;
	}
	refuse(x, rec, "%u field%s unknown (%s); --fill-unknown=zero writes them as zero", n,
	       n == 1 ? "" : "s", names);
	return true;
}

/*
 * --to raw: the page.  A nested-state header without a vmcb12 has no page
 * at all (all zero would be invented, whatever --fill-unknown says).
 */
static bool write_raw(struct inspect_run *x, const struct svmc_record *rec)
{
	if (svmc_vmcb_header_only(rec)) {
		refuse(x, rec,
		       "a nested-state header without a vmcb12 has no page; --to nested-state "
		       "writes the header");
		return false;
	}
	if (refuse_partial(x, rec))
		return false;
	if (rec->origin == SVMC_ORIGIN_NESTED_STATE)
		x->headers_dropped++;
	if (fwrite(&rec->vmcb, SVMC_VMCB_PAGE_SIZE, 1, x->raw) != 1)
		x->write_failed = true;
	return true;
}

/*
 * --to nested-state: the blob KVM_GET_NESTED_STATE gave, from a record that
 * knows its whole header: the 128-byte header (flags, format, size,
 * vmcb_pa, the rest zero: the reader keeps nothing else of it) and, when
 * size says so, the page.
 */
static bool write_nstate(struct inspect_run *x, const struct svmc_record *rec)
{
	const struct svmc_nstate *h = &rec->nstate;
	unsigned char hdr[SVMC_NSTATE_HDR_SIZE] = { 0 };
	bool page = h->size == SVMC_NSTATE_FULL_SIZE;

	if (rec->origin != SVMC_ORIGIN_NESTED_STATE) {
		refuse(x, rec,
		       "its origin is %s, not nested_state: it has no KVM_GET_NESTED_STATE header "
		       "(--to raw writes its page)",
		       svmc_origin_name(rec->origin));
		return false;
	}
	if (h->known != SVMC_NSK_ALL) {
		refuse(x, rec,
		       "its nested-state header is not all known (flags, format, size and vmcb_pa "
		       "are needed)");
		return false;
	}
	if (h->size != SVMC_NSTATE_HDR_SIZE && !page) {
		refuse(x, rec,
		       "its nested-state size %" PRIu32
		       " is neither 128 (header only) nor 4224 (header and vmcb12)",
		       h->size);
		return false;
	}
	if (!page && !svmc_vmcb_header_only(rec)) {
		refuse(x, rec,
		       "its nested-state size 128 says there is no vmcb12, yet the record "
		       "has fields of one");
		return false;
	}
	if (page && refuse_partial(x, rec))
		return false;
	memcpy(hdr, &h->flags, 2);
	memcpy(hdr + 2, &h->format, 2);
	memcpy(hdr + 4, &h->size, 4);
	memcpy(hdr + 8, &h->vmcb_pa, 8);
	if (fwrite(hdr, sizeof(hdr), 1, x->raw) != 1 ||
	    (page && fwrite(&rec->vmcb, SVMC_VMCB_PAGE_SIZE, 1, x->raw) != 1))
		x->write_failed = true;
	return true;
}

static void inspect_record(void *arg, const struct svmc_record *rec)
{
	struct inspect_run *x = arg;

	if (x->a->to == TO_RAW) {
		x->records += write_raw(x, rec);
	} else if (x->a->to == TO_NSTATE) {
		x->records += write_nstate(x, rec);
	} else {
		x->records++;
		svmc_vmcb_emit(x->o, rec, x->records == 1);
	}
}

static void inspect_error(void *arg, const struct svmc_diag *d)
{
	struct inspect_run *x = arg;

	cli_report(x->o, d);
	x->errors++;
}

int cmd_inspect(int argc, char **argv)
{
	struct inspect_args a = { .format = SVMC_FMT_AUTO };
	struct inspect_run x = { 0 };
	struct svmc_input_stats stats;
	enum svmc_err st;
	struct svmc_atomic_file of = { 0 };
	struct out o;
	uint64_t records = 0, errors = 0, partial = 0;
	bool to_file, write_failed = false, stdout_failed = false;
	int status;

	if (argp_parse(&inspect_argp, argc, argv, 0, NULL, &a) != 0)
		return EXIT_TROUBLE;
	if (a.bad_format) {
		cli_unknown_format(NULL, a.bad_format);
		return EXIT_TROUBLE;
	}
	if (a.bad_to) {
		cli_errorf(NULL, SVMC_ERR_USAGE, "--to takes raw or nested-state, not '%s'",
			   a.bad_to);
		return EXIT_TROUBLE;
	}
	if (a.bad_fill) {
		cli_errorf(NULL, SVMC_ERR_USAGE, "--fill-unknown takes zero, not '%s'", a.bad_fill);
		return EXIT_TROUBLE;
	}
	to_file = a.output && strcmp(a.output, "-") != 0;
	if (a.to && !to_file && isatty(STDOUT_FILENO)) {
		cli_errorf(NULL, SVMC_ERR_USAGE, "refusing to write binary records to a terminal");
		return EXIT_TROUBLE;
	}
	if (to_file && cli_outfile_open(NULL, &of, a.output, a.inputs, a.ninputs) != 0)
		return EXIT_TROUBLE;
	if (to_file && !a.to) {
		enum svmc_emit_mode m = cli_out_mode();
		if (svmc_emit_init(&o, of.f, m, false) != 0) {
			cli_outfile_close(&of, false);
			cli_errorf(NULL, SVMC_ERR_NOMEM, "out of memory");
			return EXIT_TROUBLE;
		}
	} else if (a.to && !to_file) {
		/* raw pages on stdout: nothing else may go there */
		if (svmc_emit_init(&o, stdout, OUT_QUIET, false) != 0) {
			cli_errorf(NULL, SVMC_ERR_NOMEM, "out of memory");
			return EXIT_TROUBLE;
		}
	} else {
		cli_out_open(&o);
	}
	x.a = &a;
	x.o = &o;
	x.raw = to_file ? of.f : stdout;
	st = svmc_inputs_each((const char *const *)a.inputs, (size_t)a.ninputs, a.format,
			      inspect_record, inspect_error, &x, &stats);
	if (st != SVMC_OK) {
		fprintf(stderr, "svmcheck: out of memory\n");
		return EXIT_TROUBLE;
	}
	cli_note_logs_without_dump(&stats);
	records = x.records;
	errors = x.errors;
	partial = x.partial;
	write_failed = x.write_failed;

	if (svmc_emit_json(&o)) {
		svmc_emit_obj_begin(&o, NULL);
		svmc_emit_str(&o, "type", "summary");
		svmc_emit_u64(&o, "records", records);
		svmc_emit_u64(&o, "errors", errors);
		svmc_emit_u64(&o, "inputs", (uint64_t)a.ninputs);
		svmc_emit_obj_end(&o);
	} else if (a.to) {
		svmc_emit_printf(&o, "%" PRIu64 " record%s written to %s\n", records,
				 records == 1 ? "" : "s", a.output);
	}
	if (x.headers_dropped)
		fprintf(stderr,
			"svmcheck: warning: %" PRIu64 " nested-state record%s written as %s: the "
			"header (and with it the KVM_SET_NESTED_STATE restore) is dropped, and the "
			"save area is L1's (vmcb01), not L2's; --to nested-state keeps the blob\n",
			x.headers_dropped, x.headers_dropped == 1 ? "" : "s",
			x.headers_dropped == 1 ? "a bare page" : "bare pages");
	if (partial)
		fprintf(stderr,
			"svmcheck: warning: %" PRIu64
			" record%s had unknown fields, written as zero\n",
			partial, partial == 1 ? "" : "s");
	/*
	 * A failed write to the -o file is said here; one to stdout (where o or
	 * the raw pages go without -o) at exit, by main's check of stdout.
	 */
	if (svmc_emit_fini(&o) != 0) {
		if (to_file && !a.to)
			write_failed = true;
		else
			stdout_failed = true;
	}
	if (!to_file && write_failed) {
		write_failed = false;
		stdout_failed = true;
	}
	if (write_failed)
		cli_errorf(NULL, SVMC_ERR_IO, "cannot write %s: %s", a.output, strerror(errno));
	/* a failure to finish the file is reported by cli_outfile_close */
	if (to_file && cli_outfile_close(&of, !write_failed) != 0)
		write_failed = true;
	/* a page with invented (zero) values is not a clean conversion: exit 1 */
	status = errors || write_failed || stdout_failed ? EXIT_TROUBLE :
		 partial                                 ? EXIT_FAIL :
							   EXIT_PASS;
	return status;
}
