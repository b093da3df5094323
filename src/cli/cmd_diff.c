/*
 * cmd_diff.c - `svmcheck diff A B`: two VMCB records compared field by
 * field (only what differs, decoded as inspect decodes it), then their
 * verdicts under the chosen models side by side, with the checks that fail
 * on one side only: vmcb12 against vmcb02, the good capture against the bad
 * one (svmcheck-diff(1)).
 *
 * Each side is FILE (its one record) or FILE#INDEX (record INDEX of FILE,
 * as replay names records), read through the library's input loop in any
 * format.  Exit status: 0 identical, 1 they differ, 2 trouble; the verdicts
 * are information, not status.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "emit/table.h"
#include "emit/vmcb_json.h"
#include "svmcheck/check.h"
#include "svmcheck/cpu.h"
#include "svmcheck/record.h"
#include "svmcheck/replay.h"

enum { OPT_GUEST = 0x300, OPT_VIEW };

#define NAME_W 22                  /* text: the field name column, as inspect's */
#define VALUE_W 18                 /* text: the value column (16 hex digits and "0x") */
#define VALUE_COL (2 + NAME_W + 3) /* text: where values start, after "a " */
#define MAX_RUNS 4                 /* text: differing byte runs of a reserved range named */

struct diff_args {
	enum svmc_format format;
	const char *cpu, *guest, *models;
	struct cli_view view;
	bool bad_view;
	const char *bad_format; /* reported after parsing, in the output mode */
	const char *arg[2];     /* A and B as given */
	int nargs;
};

static const struct argp_option diff_options[] = {
	{ "cpu", 'c', "CPU", 0,
	  "The CPU that executes VMRUN: a profile file, a bundled name (epyc-milan, ...) or host "
	  "(default), with optional ,+FEATURE ,-FEATURE ,maxphyaddr=N",
	  0 },
	{ "guest", OPT_GUEST, "CPU", 0,
	  "Intersect the CPU with a guest CPU model (e.g. qemu-EPYC-v4): the L1 vCPU's view", 0 },
	{ "model", 'm', "MODEL", 0,
	  "Judge both records under MODEL, a comma-separated list of models, or all: {models} "
	  "(default: the model each record's origin implies)",
	  0 },
	{ "format", 'f', "FMT", 0,
	  "Input format of both: auto (default, per input from its content), {formats}", 0 },
	CLI_VIEW_OPTION(OPT_VIEW),
	{ 0 }
};

static error_t diff_parse(int key, char *arg, struct argp_state *state)
{
	struct diff_args *a = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = NULL;
		return 0;
	case 'c':
		a->cpu = arg;
		return 0;
	case OPT_GUEST:
		a->guest = arg;
		return 0;
	case OPT_VIEW:
		a->bad_view = cli_view_parse(arg, &a->view) != 0;
		return 0;
	case 'm':
		a->models = arg;
		return 0;
	case 'f':
		a->bad_format = svmc_format_parse(arg, &a->format) != 0 ? arg : NULL;
		return 0;
	case ARGP_KEY_ARG:
		if (a->nargs == 2)
			argp_error(state, "diff compares two records, A and B; '%s' is a third",
				   arg);
		else
			a->arg[a->nargs++] = arg;
		return 0;
	case ARGP_KEY_END:
		if (a->nargs < 2)
			argp_error(state, "diff needs two records, A and B (FILE or FILE#INDEX)");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp diff_argp = {
	diff_options,
	diff_parse,
	"A B",
	"Compare two VMCB records field by field: the fields that differ, with both values "
	"decoded, then the verdicts of both under the chosen models and the checks that fail on "
	"one side only.  A and B are each FILE (a file that holds one record) or FILE#INDEX (its "
	"record INDEX, 0-based, as replay names records); - is standard input.\v"
	"Exit status: 0 the records are identical, 1 they differ, 2 trouble (a usage error, an "
	"unreadable input, no such record, a CPU without SVM).  See svmcheck-diff(1).",
	cli_output_children,
	cli_help_filter,
	NULL
};

/* ---- reading one side ----------------------------------------------------- */

struct side {
	const char *arg;      /* as given */
	const char *path;     /* the input: arg, or owned */
	char *owned;          /* a copy of arg up to its '#', or NULL */
	const char *pick;     /* the digits after '#', NULL when the whole input is meant */
	uint64_t want;        /* their value (UINT64_MAX when too large to be a record) */
	uint64_t count;       /* records read */
	uint64_t first, last; /* the indexes of the first and last of them */
	bool found, bad;
	struct svmc_record rec, next; /* the record; the loop's room for the others */
};

/*
 * FILE#INDEX names record INDEX of FILE, unless a file of that whole name
 * exists (a name that really holds '#'); "-#INDEX" is standard input's.
 */
static int side_parse(struct side *s, const char *arg)
{
	const char *hash = strrchr(arg, '#');
	struct stat st;

	s->arg = arg;
	s->path = arg;
	if (!hash || hash == arg || !hash[1] || hash[1 + strspn(hash + 1, "0123456789")] ||
	    stat(arg, &st) == 0)
		return 0;
	s->owned = strndup(arg, (size_t)(hash - arg));
	if (!s->owned)
		return -1;
	s->path = s->owned;
	s->pick = hash + 1;
	errno = 0;
	s->want = strtoull(s->pick, NULL, 10);
	if (errno == ERANGE)
		s->want = UINT64_MAX;
	return 0;
}

static struct svmc_record *side_slots(void *arg, size_t *n)
{
	*n = 1;
	return &((struct side *)arg)->next;
}

static void side_records(void *arg, struct svmc_record *recs, size_t n)
{
	struct side *s = arg;

	for (size_t i = 0; i < n; i++, s->count++) {
		if (!s->count)
			s->first = recs[i].index;
		s->last = recs[i].index;
		if (!s->found && (!s->pick || recs[i].index == s->want)) {
			s->rec = recs[i];
			s->found = true;
		}
	}
}

/*
 * An error of another record than the one #INDEX picks is said on stderr
 * only: it does not concern what is compared (a kernel log with one bad dump
 * and the good one asked for).  Any other error fails the side.
 */
static void side_error(void *arg, const struct svmc_diag *d)
{
	struct side *s = arg;

	if (s->pick && d->index != SVMC_NO_INDEX && d->index != s->want) {
		cli_report_text(d);
		return;
	}
	cli_report(NULL, d);
	s->bad = true;
}

/* Once the record asked for is read, the rest of its input does not matter. */
static bool side_stop(void *arg)
{
	const struct side *s = arg;

	return s->pick && s->found;
}

/* An error about side s's input as a whole, through cli_report. */
static void side_trouble(const struct side *s, enum svmc_err code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void side_trouble(const struct side *s, enum svmc_err code, const char *fmt, ...)
{
	struct svmc_diag d;
	va_list ap;

	svmc_diag_init(&d, s->path);
	va_start(ap, fmt);
	svmc_diag_vset(&d, code, fmt, ap);
	va_end(ap);
	cli_report(NULL, &d);
}

/*
 * Read side s: its one record (the whole input is read, to count them), or
 * the record its #INDEX names (reading stops there).  Every error met is
 * reported; one that concerns the input, or its record, fails the side.
 * Returns 0 when s->rec holds the record.
 */
static int side_read(struct side *s, enum svmc_format fmt)
{
	static const struct svmc_input_ops ops = { side_slots, side_records, side_error, NULL,
						   NULL,       side_stop,    NULL,       NULL };
	const char *in = s->path;
	struct svmc_input_stats st;

	svmc_inputs_run(&in, 1, fmt, &ops, s, &st);
	if (s->bad)
		return -1;
	if (st.logs_without_dump) {
		side_trouble(s, SVMC_ERR_EMPTY, "no VMCB dump in this kernel log");
		return -1;
	}
	if (s->pick && !s->found) {
		if (s->count == 1)
			side_trouble(s, SVMC_ERR_RANGE,
				     "no record %s: the input holds 1 record (#%" PRIu64 ")",
				     s->pick, s->first);
		else
			side_trouble(s, SVMC_ERR_RANGE,
				     "no record %s: the input holds %" PRIu64 " records (#%" PRIu64
				     " to #%" PRIu64 ")",
				     s->pick, s->count, s->first, s->last);
		return -1;
	}
	if (!s->pick && s->count > 1) {
		side_trouble(s, SVMC_ERR_USAGE,
			     "the input holds %" PRIu64
			     " records; pick one with %s#INDEX (#%" PRIu64 " to #%" PRIu64 ")",
			     s->count, svmc_input_display(s->path), s->first, s->last);
		return -1;
	}
	return 0;
}

/* ---- what differs --------------------------------------------------------- */

/* The text label of side c of a difference: the name on a's line only. */
static const char *side_label(const struct out *o, char *buf, size_t n, const char *name, char c)
{
	if (o->mode != OUT_TEXT)
		return c == 'a' ? "a" : "b";
	snprintf(buf, n, "%-*s %c", NAME_W, c == 'a' ? name : "", c);
	return buf;
}

/*
 * A difference starts: its object in "fields"; in text, its area's heading
 * first unless the area's is the last one printed (NULL: no text line).
 */
static void entry_begin(struct out *o, const char *path, const char *heading,
			const char **last_heading)
{
	if (heading && heading != *last_heading) {
		svmc_emit_printf(o, "%s\n", heading);
		*last_heading = heading;
	}
	svmc_emit_obj_begin(o, NULL);
	svmc_emit_str(o, "field", path);
}

struct differ {
	struct out *o;
	struct svmc_kv k;
	const struct svmc_record *r[2];
	const char *heading; /* text: the heading printed last */
	unsigned count;
	/* reserved ranges known on side 0 / 1 only (bit = enum svmc_field_id) */
	uint64_t known_one[2][SVMC_KNOWN_WORDS];
};

/* The side that does not know a value: JSON null, text "unknown". */
static void put_unknown(struct differ *x, const char *label)
{
	svmc_emit_null(x->o, label);
	svmc_emit_printf(x->o, "  %s unknown\n", label);
}

/* A header fact that is a word on both sides (the origin). */
static void differ_str(struct differ *x, const char *name, const char *va, const char *vb)
{
	const char *v[2] = { va, vb };
	char label[64];

	entry_begin(x->o, name, "Record header", &x->heading);
	for (int i = 0; i < 2; i++) {
		svmc_emit_str(x->o, i ? "b" : "a", v[i]);
		svmc_emit_printf(x->o, "  %s %s\n",
				 side_label(x->o, label, sizeof(label), name, (char)('a' + i)),
				 v[i]);
	}
	svmc_emit_obj_end(x->o);
	x->count++;
}

/* A member of the nested-state header, where it is known on either side and differs. */
static void differ_nstate(struct differ *x, unsigned bit, const char *name, uint64_t va,
			  uint64_t vb, unsigned digits)
{
	const uint64_t v[2] = { va, vb };
	bool ka = x->r[0]->nstate.known & bit, kb = x->r[1]->nstate.known & bit;
	char path[48], label[64];

	if (ka == kb && (!ka || va == vb))
		return;
	snprintf(path, sizeof(path), "nested_state.%s", name);
	entry_begin(x->o, path, "Record header", &x->heading);
	for (int i = 0; i < 2; i++) {
		const char *l = side_label(x->o, label, sizeof(label), path, (char)('a' + i));

		if (x->r[i]->nstate.known & bit)
			svmc_kv_hex(&x->k, l, v[i], digits, NULL);
		else
			put_unknown(x, l);
	}
	svmc_emit_obj_end(x->o);
	x->count++;
}

/* The record header facts: origin, then the nested-state header members. */
static void differ_header(struct differ *x)
{
	const struct svmc_nstate *na = &x->r[0]->nstate, *nb = &x->r[1]->nstate;

	if (x->r[0]->origin != x->r[1]->origin)
		differ_str(x, "origin", svmc_origin_name(x->r[0]->origin),
			   svmc_origin_name(x->r[1]->origin));
	differ_nstate(x, SVMC_NSK_FLAGS, "flags", na->flags, nb->flags, 4);
	differ_nstate(x, SVMC_NSK_FORMAT, "format", na->format, nb->format, 4);
	differ_nstate(x, SVMC_NSK_SIZE, "size", na->size, nb->size, 8);
	differ_nstate(x, SVMC_NSK_VMCB_PA, "vmcb_pa", na->vmcb_pa, nb->vmcb_pa, 16);
}

static const char *area_heading(enum svmc_area a)
{
	return a == SVMC_AREA_CONTROL ? "Control area" :
	       a == SVMC_AREA_SAVE    ? "State save area" :
					"Rest of the page";
}

/*
 * A reserved range known on both sides: the runs of bytes that differ, as
 * page offsets; JSON lists every run, text names the first few.
 */
static void reserved_runs(struct differ *x, const struct svmc_field *f)
{
	const unsigned char *pa = (const unsigned char *)&x->r[0]->vmcb + f->offset;
	const unsigned char *pb = (const unsigned char *)&x->r[1]->vmcb + f->offset;
	unsigned runs = 0;

	svmc_emit_arr_begin(x->o, "bytes");
	svmc_emit_printf(x->o, "  %-*s bytes ", NAME_W + 2, f->json);
	for (unsigned i = 0; i < f->size;) {
		unsigned j = i;

		if (pa[i] == pb[i]) {
			i++;
			continue;
		}
		while (j + 1 < f->size && pa[j + 1] != pb[j + 1])
			j++;
		svmc_emit_obj_begin_line(x->o, NULL);
		svmc_emit_u64(x->o, "offset", f->offset + i);
		svmc_emit_u64(x->o, "size", j - i + 1);
		svmc_emit_obj_end(x->o);
		if (runs < MAX_RUNS) {
			svmc_emit_printf(x->o, "%s0x%03x", runs ? ", " : "", f->offset + i);
			if (j > i)
				svmc_emit_printf(x->o, "-0x%03x", f->offset + j);
		}
		runs++;
		i = j + 1;
	}
	svmc_emit_arr_end(x->o);
	if (runs > MAX_RUNS)
		svmc_emit_printf(x->o, " and %u more run%s", runs - MAX_RUNS,
				 runs - MAX_RUNS == 1 ? "" : "s");
	svmc_emit_printf(x->o, " differ\n");
}

/*
 * Field f known on both sides: equal and known alike?  A CS whose limit one
 * input does not show (Jailhouse) is equal only to a CS whose limit is not
 * shown either, in its other parts.
 */
static bool same_value(const struct differ *x, const struct svmc_field *f)
{
	const struct svmc_record *a = x->r[0], *b = x->r[1];

	if (f->id == SVMC_F_CS && (a->cs_limit_unknown || b->cs_limit_unknown)) {
		const struct svmc_vmcb_seg *sa = svmc_field_seg_const(a, f->id),
					   *sb = svmc_field_seg_const(b, f->id);

		return a->cs_limit_unknown == b->cs_limit_unknown && sa->selector == sb->selector &&
		       sa->attrib == sb->attrib && sa->base == sb->base;
	}
	return memcmp((const char *)&a->vmcb + f->offset, (const char *)&b->vmcb + f->offset,
		      f->size) == 0;
}

/* Field f, where it differs: its two values (a reserved range: which bytes). */
static void differ_field(struct differ *x, const struct svmc_field *f)
{
	bool k[2] = { svmc_known(x->r[0], f->id), svmc_known(x->r[1], f->id) };
	char path[64], label[64];

	if (k[0] == k[1] && (!k[0] || same_value(x, f)))
		return;
	/* a reserved range known on one side only is named with the others, later */
	entry_begin(x->o, svmc_field_path(f->id, path, sizeof(path)),
		    f->kind != SVMC_FK_RESERVED || (k[0] && k[1]) ? area_heading(f->area) : NULL,
		    &x->heading);
	x->count++;
	if (f->kind != SVMC_FK_RESERVED) {
		for (int i = 0; i < 2; i++) {
			const char *l =
				side_label(x->o, label, sizeof(label), f->json, (char)('a' + i));

			/* a segment's line continues under the values */
			svmc_emit_hang(x->o, VALUE_COL);
			if (k[i])
				svmc_vmcb_field_kv(&x->k, l, x->r[i], f);
			else
				put_unknown(x, l);
		}
		svmc_emit_hang(x->o, 0);
		svmc_emit_obj_end(x->o);
		return;
	}
	for (int i = 0; i < 2; i++) {
		if (k[i])
			svmc_emit_hexbytes(x->o, i ? "b" : "a",
					   (const unsigned char *)&x->r[i]->vmcb + f->offset,
					   f->size);
		else
			svmc_emit_null(x->o, i ? "b" : "a");
	}
	if (k[0] && k[1])
		reserved_runs(x, f);
	else /* text: named together at the end (a text dump states none) */
		x->known_one[k[0] ? 0 : 1][f->id >> 6] |= UINT64_C(1) << (f->id & 63);
	svmc_emit_obj_end(x->o);
}

/* Text: the reserved ranges that one side's input states and the other's does not. */
static void say_known_one(struct differ *x)
{
	for (int i = 0; i < 2; i++) {
		bool any = false;

		for (unsigned f = 0; f < SVMC_F_COUNT; f++) {
			if (!((x->known_one[i][f >> 6] >> (f & 63)) & 1))
				continue;
			if (!any)
				svmc_emit_printf(x->o,
						 "Reserved ranges known in %c only:", 'a' + i);
			svmc_emit_printf(x->o, " %s", svmc_fields[f].json);
			any = true;
		}
		if (any)
			svmc_emit_printf(x->o, "\n");
	}
}

/* Every difference of a and b into "fields"; returns how many. */
static unsigned write_fields(struct out *o, const struct svmc_record *a,
			     const struct svmc_record *b)
{
	struct differ x = { .o = o,
			    .k = { .o = o, .name_w = NAME_W + 2, .value_w = VALUE_W },
			    .r = { a, b } };

	svmc_emit_arr_begin(o, "fields");
	differ_header(&x);
	for (unsigned i = 0; i < SVMC_F_COUNT; i++)
		differ_field(&x, &svmc_fields[i]);
	svmc_emit_arr_end(o);
	say_known_one(&x);
	return x.count;
}

/* ---- verdicts ------------------------------------------------------------- */

/* The models that judge when -m is not given: each record's origin's, a's first. */
static unsigned default_models(const struct svmc_record *a, const struct svmc_record *b,
			       const struct svmc_model **m)
{
	m[0] = svmc_model_for_origin(a->origin);
	m[1] = svmc_model_for_origin(b->origin);
	return m[1] == m[0] ? 1 : 2;
}

/* Text: why model m judges when no -m chose it ("the default for a (origin hardware)"). */
static void say_default(struct out *o, const struct svmc_model *m, const struct svmc_record *a,
			const struct svmc_record *b)
{
	bool da = svmc_model_for_origin(a->origin) == m, db = svmc_model_for_origin(b->origin) == m;

	if (da && db && a->origin == b->origin)
		svmc_emit_printf(o, ": the default for a and b (origin %s)",
				 svmc_origin_name(a->origin));
	else if (da && db)
		svmc_emit_printf(o, ": the default for a (origin %s) and b (origin %s)",
				 svmc_origin_name(a->origin), svmc_origin_name(b->origin));
	else
		svmc_emit_printf(o, ": the default for %c (origin %s)", da ? 'a' : 'b',
				 svmc_origin_name(da ? a->origin : b->origin));
}

static enum svmc_emit_color verdict_color(enum svmc_verdict v)
{
	if (svmc_verdict_rejects(v))
		return OUT_C_FAIL;
	return v == SVMC_VMRUN || v == SVMC_RESTORED ? OUT_C_PASS : OUT_C_WARN;
}

/*
 * The IDs of set in m's order: a JSON array under key (none when key is
 * NULL) and, with text, each after a space in text output.
 */
static void write_ids(struct out *o, const char *key, const struct svmc_model *m, svmc_checkset set,
		      bool text)
{
	if (key)
		svmc_emit_arr_begin(o, key);
	for (unsigned i = 0; m && i < m->norder; i++) {
		const char *id = svmc_check_info((enum svmc_check_id)m->order[i])->name;

		if (!((set >> m->order[i]) & 1))
			continue;
		if (key)
			svmc_emit_str(o, NULL, id);
		if (text)
			svmc_emit_printf(o, " %s", id);
	}
	if (key)
		svmc_emit_arr_end(o);
}

/* The model that judged res (a restore model for a nested_state record); NULL for N/A. */
static const struct svmc_model *judged_by(const struct svmc_result *res)
{
	return res->comp ? res->comp->model : NULL;
}

/*
 * One side's verdict: JSON {"verdict","first","failures","unevaluated"?},
 * text one line (the verdict, the first failing check, what was not
 * evaluated, or why N/A).
 */
static void write_verdict(struct out *o, char c, const struct svmc_model *m,
			  const struct svmc_result *res)
{
	const char *v = svmc_verdict_name(res->verdict);

	svmc_emit_obj_begin(o, c == 'a' ? "a" : "b");
	svmc_emit_str(o, "verdict", v);
	svmc_emit_printf(o, "  %c  %s%s%s", c, svmc_emit_color(o, verdict_color(res->verdict)), v,
			 svmc_emit_color(o, OUT_C_RESET));
	if (res->first >= 0) {
		const char *first = svmc_check_info((enum svmc_check_id)res->first)->name;

		svmc_emit_str(o, "first", first);
		svmc_emit_printf(o, ", first %s", first);
	} else {
		svmc_emit_null(o, "first");
	}
	write_ids(o, "failures", judged_by(res), res->failed, false);
	if (res->verdict == SVMC_INCOMPLETE) {
		svmc_emit_printf(o, ": not evaluated for lack of fields:");
		write_ids(o, "unevaluated", judged_by(res), res->unevaluated, true);
	} else if (res->verdict == SVMC_NA) {
		svmc_emit_printf(o,
				 ": a nested-state blob is restored by KVM_SET_NESTED_STATE, "
				 "which model %s does not describe",
				 m->name);
	}
	svmc_emit_printf(o, "\n");
	svmc_emit_obj_end(o);
}

/* Text: the checks in set, failing for record r judged res, one line each with its sentence. */
static void say_failures(struct out *o, const char *title, svmc_checkset set,
			 const struct svmc_record *r, const struct svmc_result *res)
{
	const struct svmc_model *m = judged_by(res);
	char msg[512];

	if (!set || !m)
		return;
	svmc_emit_printf(o, "  %s\n", title);
	for (unsigned i = 0; i < m->norder; i++) {
		enum svmc_check_id id = (enum svmc_check_id)m->order[i];
		const struct svmc_check_info *ci = svmc_check_info(id);

		if (!((set >> id) & 1))
			continue;
		svmc_record_message(res->comp, r, id, msg, sizeof(msg));
		if (strcmp(ci->apm, "-") == 0)
			svmc_emit_printf(o, "    %s (not in the APM) %s: %s\n", ci->name,
					 ci->field_path, msg);
		else
			svmc_emit_printf(o, "    %s (APM %s) %s: %s\n", ci->name, ci->apm,
					 ci->field_path, msg);
	}
}

/* Model m's verdicts on both records, and the checks that fail on one side only. */
static void write_model(struct out *o, const struct svmc_model *m, bool by_default,
			const struct svmc_record *r[2], const struct svmc_result res[2])
{
	svmc_checkset fa = res[0].failed, fb = res[1].failed;

	svmc_emit_obj_begin(o, NULL);
	svmc_emit_str(o, "model", m->name);
	svmc_emit_printf(o, "model %s", m->name);
	if (by_default)
		say_default(o, m, r[0], r[1]);
	svmc_emit_printf(o, "\n");
	write_verdict(o, 'a', m, &res[0]);
	write_verdict(o, 'b', m, &res[1]);
	say_failures(o, "only a fails:", fa & ~fb, r[0], &res[0]);
	say_failures(o, "only b fails:", fb & ~fa, r[1], &res[1]);
	if (fa & fb) {
		svmc_emit_printf(o, "  both fail:");
		write_ids(o, NULL, judged_by(&res[0]), fa & fb, true);
		svmc_emit_printf(o, "\n");
	}
	svmc_emit_obj_end(o);
}

/* ---- the command ---------------------------------------------------------- */

struct diff_run {
	struct side side[2];
	const struct svmc_model *model[SVMC_PANEL_MAX];
	struct svmc_judge judge[SVMC_PANEL_MAX];
	struct cli_view view[SVMC_PANEL_MAX]; /* how each model sees the CPU */
	struct svmc_cpu cpu, seen;
};

/* JSON: where a record comes from; text: its line "a  FILE#INDEX (line N): format, origin". */
static void write_record(struct out *o, char c, const struct svmc_record *r)
{
	svmc_emit_obj_begin(o, c == 'a' ? "a" : "b");
	svmc_emit_str(o, "input", r->input ? r->input : "-");
	svmc_emit_u64(o, "index", r->index);
	svmc_emit_printf(o, "%c  %s#%" PRIu64, c, svmc_input_display(r->input), r->index);
	if (r->line != SVMC_NO_LINE) {
		svmc_emit_u64(o, "line", r->line);
		svmc_emit_printf(o, " (line %" PRIu64 ")", r->line);
	} else if (r->offset != SVMC_NO_OFFSET) {
		svmc_emit_u64(o, "offset", r->offset);
		svmc_emit_printf(o, " (offset %" PRIu64 ")", r->offset);
	}
	svmc_emit_str(o, "format", svmc_format_name(r->format));
	svmc_emit_str(o, "origin", svmc_origin_name(r->origin));
	svmc_emit_printf(o, ": %s, origin %s\n", svmc_format_name(r->format),
			 svmc_origin_name(r->origin));
	svmc_emit_obj_end(o);
}

/* Compile every model for the CPU; 0, or -1 after reporting (a CPU without SVM). */
static int compile_judges(struct diff_run *run, unsigned n, const struct diff_args *a)
{
	const char *cpu_arg = a->cpu;

	for (unsigned i = 0; i < n; i++) {
		struct svmc_diag d;
		enum svmc_err e;

		svmc_diag_init(&d, NULL);
		run->view[i] = a->view;
		cli_view_cpu(&run->view[i], run->model[i], &run->cpu, &run->seen);
		e = svmc_judge_compile(&run->judge[i], run->model[i], &run->seen, &d);
		if (e == SVMC_ERR_NOSVM) {
			cli_errorf(NULL, e, "%s; give a profile with -c, e.g. -c epyc-milan",
				   d.msg);
			return -1;
		}
		if (e != SVMC_OK) {
			cli_errorf(NULL, e, "-c %s: %s", cpu_arg, d.msg);
			return -1;
		}
	}
	return 0;
}

/* Everything after the reading: the document, or the text. Returns the exit status. */
static int write_diff(struct diff_run *run, unsigned nmodels, bool by_default)
{
	const struct svmc_record *r[2] = { &run->side[0].rec, &run->side[1].rec };
	struct out o;
	unsigned ndiff;
	int status;

	cli_out_open(&o);
	svmc_emit_obj_begin(&o, NULL);
	svmc_emit_str(&o, "schema", "svmcheck/diff");
	svmc_emit_u64(&o, "schema_version", 1);
	write_record(&o, 'a', r[0]);
	write_record(&o, 'b', r[1]);
	svmc_emit_printf(&o, "\n");
	ndiff = write_fields(&o, r[0], r[1]);
	if (ndiff)
		svmc_emit_printf(&o, "\n%u difference%s\n", ndiff, ndiff == 1 ? "" : "s");
	else
		svmc_emit_printf(&o, "identical: every field equal and known alike\n");
	svmc_emit_str(&o, "cpu", run->cpu.name);
	if (run->cpu.guest[0])
		svmc_emit_str(&o, "guest", run->cpu.guest);
	svmc_emit_printf(&o, "\nVerdicts on %s%s%s\n", run->cpu.name,
			 run->cpu.guest[0] ? ", guest " : "", run->cpu.guest);
	for (unsigned i = 0; i < nmodels; i++)
		if (run->view[i].turned) { /* the L1 view is the same for every KVM model named */
			if (!svmc_emit_json(&o))
				cli_view_note(&o, run->cpu.name, &run->view[i]);
			break;
		}
	svmc_emit_arr_begin(&o, "verdicts");
	for (unsigned i = 0; i < nmodels; i++) {
		struct svmc_result res[2];

		svmc_judge_evaluate(&run->judge[i], r[0], &res[0]);
		svmc_judge_evaluate(&run->judge[i], r[1], &res[1]);
		write_model(&o, run->model[i], by_default, r, res);
	}
	svmc_emit_arr_end(&o);
	svmc_emit_bool(&o, "identical", ndiff == 0);
	svmc_emit_obj_end(&o);
	status = ndiff ? EXIT_FAIL : EXIT_PASS;
	/* a failed write to stdout is said at exit, by main's check of stdout */
	if (svmc_emit_fini(&o) != 0)
		status = EXIT_TROUBLE;
	return status;
}

int cmd_diff(int argc, char **argv)
{
	struct diff_args a = { .format = SVMC_FMT_AUTO, .cpu = "host" };
	struct diff_run *run;
	unsigned nmodels = 0;
	int status = EXIT_TROUBLE;

	if (argp_parse(&diff_argp, argc, argv, 0, NULL, &a) != 0 || a.bad_view)
		return EXIT_TROUBLE;
	if (a.bad_format) {
		cli_unknown_format(NULL, a.bad_format);
		return EXIT_TROUBLE;
	}
	run = calloc(1, sizeof(*run));
	if (!run) {
		cli_errorf(NULL, SVMC_ERR_NOMEM, "out of memory");
		return EXIT_TROUBLE;
	}
	if (a.models && cli_parse_models(a.models, run->model, SVMC_PANEL_MAX, &nmodels) != 0)
		goto out;
	for (int i = 0; i < 2; i++)
		if (side_parse(&run->side[i], a.arg[i]) != 0) {
			cli_errorf(NULL, SVMC_ERR_NOMEM, "out of memory");
			goto out;
		}
	if (strcmp(run->side[0].path, "-") == 0 && strcmp(run->side[1].path, "-") == 0) {
		cli_errorf(NULL, SVMC_ERR_USAGE,
			   "standard input (-) can be one of A and B, not both");
		goto out;
	}
	if (cli_resolve_cpu(NULL, "-c", a.cpu, "--guest", a.guest, &run->cpu) != 0)
		goto out;
	/* both sides are read, so that the errors of both are reported */
	if ((side_read(&run->side[0], a.format) | side_read(&run->side[1], a.format)) != 0)
		goto out;
	if (!a.models)
		nmodels = default_models(&run->side[0].rec, &run->side[1].rec, run->model);
	if (compile_judges(run, nmodels, &a) != 0)
		goto out;
	status = write_diff(run, nmodels, !a.models);
out:
	for (int i = 0; i < 2; i++)
		free(run->side[i].owned);
	free(run);
	return status;
}
