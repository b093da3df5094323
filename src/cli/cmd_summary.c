/*
 * cmd_summary.c - `svmcheck summary [FILE...|-]`: merge the NDJSON that
 * shards of `svmcheck replay -j` printed (GNU parallel, ssh, a cluster
 * scheduler: each shard a plain process over plain files) into the one
 * summary a single `replay -j` over all their inputs prints; exit status as
 * replay's (svmcheck-summary(1)).
 *
 * The counts are the sum of the shards' summary objects: replay's summary
 * already holds every count it prints, and shards' counts add (a record
 * counts once, in its own shard), which is svmc_replay_counts_add().  The
 * records are read only for what the summary line names and the JSON
 * summary leaves out: the CPU (and --guest), the model each origin was
 * judged by, and the records per origin (text names the models by origin).
 * The summary is then written by replay's own writer
 * (svmc_replay_fmt_summary), so it cannot differ from replay's.
 *
 * A shard whose output ends in records with no summary after them was cut
 * short (killed, out of disk): its records are in no count, which is said as
 * an error rather than merged silently.  Every other line that is not one of
 * replay's (svmcheck-json(5)) is an error at FILE:LINE; the rest still merges.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli/cli.h"
#include "emit/replay_fmt.h"
#include "svmcheck/check.h"
#include "svmcheck/record.h"

struct summary_args {
	char **inputs;
	int ninputs;
};

/* What the shards said, merged. */
struct merge {
	struct out *o;
	struct replay_counts k;
	int side_by_side; /* -1 no summary yet, 0 one model per record, 1 "models":[...] */
	const struct svmc_model *models[SVMC_PANEL_MAX]; /* side by side, in order */
	unsigned nmodels;
	const struct svmc_model *by_origin[SVMC_ORIGIN_COUNT]; /* each origin's "model" */
	char *cpu, *guest;
	char *views;  /* the first summary's ,"views":[...] (each must be the same), or NULL */
	bool trouble; /* some line or file could not be merged: exit 2 */
};

/* Where we are in one input, for the messages. */
struct cursor {
	const char *input;
	uint64_t line;
	uint64_t pending;      /* records and errors since the last summary */
	uint64_t pending_line; /* the first of them */
	uint64_t summaries;    /* summary lines read */
};

static void bad(struct merge *m, const struct cursor *c, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void bad(struct merge *m, const struct cursor *c, const char *fmt, ...)
{
	struct svmc_diag d;
	va_list ap;

	svmc_diag_init(&d, c->input);
	d.code = SVMC_ERR_FORMAT;
	d.line = c->line;
	va_start(ap, fmt);
	vsnprintf(d.msg, sizeof(d.msg), fmt, ap);
	va_end(ap);
	cli_report(m->o, &d);
	m->trouble = true;
}

static const char *get_str(json_object *obj, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* A non-negative integer member; false when missing or not one. */
static bool get_count(json_object *obj, const char *key, uint64_t *out)
{
	json_object *v;

	if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 0)
		return false;
	*out = json_object_get_uint64(v);
	return true;
}

/* The verdict counts' keys in enum svmc_verdict order (replay's JSON summary). */
static const char *const verdict_key[6] = { "vmrun",    "vmexit_invalid", "incomplete",
					    "restored", "einval",         "na" };

/* The six verdict counts of obj into v; the first key missing, or NULL. */
static const char *get_verdicts(json_object *obj, uint64_t v[6])
{
	for (unsigned i = 0; i < 6; i++)
		if (!get_count(obj, verdict_key[i], &v[i]))
			return verdict_key[i];
	return NULL;
}

/* Keep the first shard's name in *have; a different one is an error (once per line). */
static void same_name(struct merge *m, const struct cursor *c, char **have, const char *name,
		      const char *what)
{
	if (!*have) {
		*have = strdup(name);
		if (!*have)
			bad(m, c, "out of memory");
	} else if (strcmp(*have, name) != 0) {
		bad(m, c, "%s '%s', but an earlier shard's is '%s': one run has one %s", what, name,
		    *have, what);
	}
}

static void merge_record(struct merge *m, const struct cursor *c, json_object *obj)
{
	const char *cpu = get_str(obj, "cpu"), *guest = get_str(obj, "guest");
	const char *origin = get_str(obj, "origin"), *model = get_str(obj, "model");
	const struct svmc_model *mod = NULL;
	enum svmc_origin o;

	if (!cpu || !origin || svmc_origin_parse(origin, strlen(origin), &o) != 0) {
		bad(m, c, "a vmcb record without its \"cpu\" or \"origin\"");
		return;
	}
	if (model && !(mod = svmc_model_lookup(model))) {
		bad(m, c, "unknown model '%s'", model);
		return;
	}
	same_name(m, c, &m->cpu, cpu, "cpu");
	same_name(m, c, &m->guest, guest ? guest : "", "guest");
	m->k.origins[o]++;
	if (!mod)
		return; /* side by side: the summaries name the models */
	if (!m->by_origin[o])
		m->by_origin[o] = mod;
	else if (m->by_origin[o] != mod)
		bad(m, c,
		    "%s records judged by %s, but an earlier shard's by %s: one run judges an origin by one model",
		    origin, model, m->by_origin[o]->name);
}

/* The "models" array of a side-by-side summary into names[0..*n); an error message or NULL. */
static const char *summary_models(json_object *arr, const struct svmc_model **names,
				  uint64_t per_model[][6], unsigned *n)
{
	size_t len = json_object_array_length(arr);

	if (len < 2 || len > SVMC_PANEL_MAX)
		return "a \"models\" array of 2 or more models";
	for (size_t i = 0; i < len; i++) {
		json_object *e = json_object_array_get_idx(arr, i);
		const char *name = get_str(e, "model");

		if (!name || !(names[i] = svmc_model_lookup(name)))
			return "a known \"model\" in every \"models\" entry";
		if (get_verdicts(e, per_model[i]))
			return "the six verdict counts in every \"models\" entry";
	}
	*n = (unsigned)len;
	return NULL;
}

static void merge_summary(struct merge *m, const struct cursor *c, json_object *obj)
{
	struct replay_counts k = { 0 };
	const struct svmc_model *names[SVMC_PANEL_MAX];
	uint64_t v[6], sum = 0;
	unsigned n = 0;
	bool same;
	json_object *arr;
	const char *missing = get_verdicts(obj, v);

	if (!missing && !get_count(obj, "records", &k.records))
		missing = "records";
	if (!missing && !get_count(obj, "unexplained", &k.unexplained))
		missing = "unexplained";
	if (!missing && !get_count(obj, "errors", &k.errors))
		missing = "errors";
	if (missing) {
		bad(m, c, "a summary without its count \"%s\"", missing);
		return;
	}
	for (unsigned i = 0; i < 6; i++)
		sum += v[i];
	/* each record counts once, by its worst verdict */
	if (sum != k.records) {
		bad(m, c, "a summary whose verdict counts add to %llu, not its %llu records",
		    (unsigned long long)sum, (unsigned long long)k.records);
		return;
	}
	if (json_object_object_get_ex(obj, "models", &arr)) {
		const char *err = json_object_is_type(arr, json_type_array) ?
					  summary_models(arr, names, k.per_model, &n) :
					  "an array";
		if (err) {
			bad(m, c, "a summary whose \"models\" is not %s", err);
			return;
		}
	}
	if (m->side_by_side < 0) {
		m->side_by_side = n > 0;
		m->nmodels = n;
		for (unsigned i = 0; i < n; i++)
			m->models[i] = names[i];
	}
	same = (unsigned)m->side_by_side == (n > 0) && n == m->nmodels;
	for (unsigned i = 0; same && i < n; i++)
		same = m->models[i] == names[i];
	if (!same) {
		bad(m, c,
		    "a summary of other models than an earlier shard's: shards of one run are run with the same -m");
		return;
	}
	if (json_object_object_get_ex(obj, "views", &arr)) {
		/* json-c writes it back as replay wrote it: compact, keys in order */
		const char *s = json_object_to_json_string_ext(
			arr, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
		size_t len = strlen(s) + sizeof(",\"views\":");
		char *views = malloc(len);

		if (!views) {
			bad(m, c, "out of memory");
			return;
		}
		snprintf(views, len, ",\"views\":%s", s);
		if (m->views && strcmp(m->views, views) != 0) {
			free(views);
			bad(m, c,
			    "a summary whose \"views\" (view, kernel, L1 features) differ from an "
			    "earlier shard's: shards of one run are run with the same --kernel and "
			    "--view");
			return;
		}
		if (m->views)
			free(views);
		else
			m->views = views;
	}
	k.vmrun = v[SVMC_VMRUN];
	k.vmexit_invalid = v[SVMC_VMEXIT_INVALID];
	k.incomplete = v[SVMC_INCOMPLETE];
	k.restored = v[SVMC_RESTORED];
	k.einval = v[SVMC_EINVAL];
	k.na = v[SVMC_NA];
	/* the origins come from the records (merge_record): a summary has none */
	svmc_replay_counts_add(&m->k, &k);
}

/* One line of replay -j output. */
static void merge_line(struct merge *m, struct cursor *c, json_tokener *tok, const char *s,
		       size_t n)
{
	json_object *obj;
	const char *type;

	json_tokener_reset(tok);
	obj = json_tokener_parse_ex(tok, s, (int)n);
	if (!obj) {
		enum json_tokener_error e = json_tokener_get_error(tok);

		bad(m, c, "not a JSON line: %s",
		    e == json_tokener_continue ? "it ends inside a value" :
						 json_tokener_error_desc(e));
		return;
	}
	if (strspn(s + json_tokener_get_parse_end(tok), " \t\r") !=
	    n - json_tokener_get_parse_end(tok))
		bad(m, c, "more than one JSON value on a line (replay -j writes one per line)");
	else if (!(type = get_str(obj, "type")))
		bad(m, c, "not a line of svmcheck replay -j: no \"type\"");
	else if (!strcmp(type, "summary")) {
		merge_summary(m, c, obj);
		c->pending = 0;
		c->summaries++;
	} else if (!strcmp(type, "vmcb") || !strcmp(type, "error")) {
		if (!c->pending++)
			c->pending_line = c->line;
		if (type[0] == 'v')
			merge_record(m, c, obj);
	} else
		bad(m, c, "a line of type \"%s\", not of svmcheck replay -j", type);
	json_object_put(obj);
}

static void merge_file(struct merge *m, const char *name, json_tokener *tok)
{
	bool is_stdin = !strcmp(name, "-");
	struct cursor c = { .input = is_stdin ? "<stdin>" : name };
	FILE *f = is_stdin ? stdin : fopen(name, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f) {
		cli_errorf(m->o, SVMC_ERR_IO, "cannot open %s: %s", name, strerror(errno));
		m->trouble = true;
		return;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		c.line++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		if (n && n <= INT32_MAX)
			merge_line(m, &c, tok, line, (size_t)n);
		else if (n)
			bad(m, &c, "a line of more than 2 GiB");
	}
	if (ferror(f)) {
		cli_errorf(m->o, SVMC_ERR_IO, "cannot read %s: %s", c.input, strerror(errno));
		m->trouble = true;
	} else if (c.pending) {
		c.line = c.pending_line;
		bad(m, &c,
		    "%llu records or errors from here on have no summary after them (a shard cut short?): they are in no count",
		    (unsigned long long)c.pending);
	} else if (!c.summaries) {
		/* a shard that never ran (parallel --sshlogin to a host without svmcheck), ran
		 * with -q, or was killed before writing: its inputs are in no count */
		c.line = 0;
		bad(m, &c,
		    "no summary line: not the output of a whole svmcheck replay -j run (a shard "
		    "that did not run, ran with -q, or was killed?)");
	}
	free(line);
	if (!is_stdin)
		fclose(f);
}

/*
 * The panel replay would have had, for the writer: its side-by-side models
 * from the summaries, else the models the records name per origin (one
 * model, or by origin), else (no record) replay's default, by origin.
 */
static void rebuild_panel(const struct merge *m, struct svmc_panel *p, struct svmc_judge *js)
{
	struct svmc_judge *jp[SVMC_PANEL_MAX];

	memset(p, 0, sizeof(*p));
	for (unsigned i = 0; i < SVMC_PANEL_MAX; i++)
		jp[i] = &js[i];
	if (m->side_by_side > 0) {
		for (unsigned i = 0; i < m->nmodels; i++) {
			js[i].model = m->models[i];
			p->j[i] = &js[i];
		}
		p->n = m->nmodels;
		return;
	}
	for (unsigned o = 0; o < SVMC_ORIGIN_COUNT; o++) {
		unsigned i = 0;

		if (!m->by_origin[o])
			continue;
		while (i < p->n && p->j[i]->model != m->by_origin[o])
			i++;
		if (i == p->n) {
			js[i].model = m->by_origin[o];
			p->j[p->n++] = &js[i];
		}
		p->origin[o] = (uint8_t)i;
	}
	p->by_origin = p->n > 1;
	if (!p->n)
		svmc_panel_by_origin(p, jp, SVMC_PANEL_MAX);
}

static error_t summary_parse(int key, char *arg, struct argp_state *state)
{
	struct summary_args *a = state->input;

	(void)arg;
	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = NULL;
		return 0;
	case ARGP_KEY_ARGS:
		a->inputs = state->argv + state->next;
		a->ninputs = state->argc - state->next;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp summary_argp = {
	NULL,
	summary_parse,
	"[FILE...|-]",
	"Merge the NDJSON of shards of `svmcheck replay -j` (GNU parallel, several machines, a "
	"cluster scheduler) into the summary one `svmcheck replay -j` over all their inputs "
	"prints: text like replay's summary line, or with -j its summary object.  Reads "
	"standard input without FILE or for -.\v"
	"Exit status: 0 every record VMRUN, 1 some record rejected (VMEXIT_INVALID, EINVAL) "
	"or INCOMPLETE, 2 trouble (a shard's error, a line that is not replay's, a shard "
	"cut short before its summary: said with FILE:LINE; the rest is still merged).  "
	"See svmcheck-summary(1).",
	cli_output_children,
	NULL,
	NULL
};

int cmd_summary(int argc, char **argv)
{
	static char *const use_stdin[] = { "-" };
	struct summary_args a = { 0 };
	struct merge m = { .side_by_side = -1 };
	struct svmc_judge *js;
	struct svmc_panel p;
	struct replay_fmt f;
	struct rbuf b = { 0 };
	json_tokener *tok;
	struct out o;
	int rc;

	argp_parse(&summary_argp, argc, argv, 0, NULL, &a);
	cli_out_open(&o);
	m.o = &o;
	if (!a.ninputs) {
		a.inputs = (char **)use_stdin;
		a.ninputs = 1;
	}
	js = calloc(SVMC_PANEL_MAX, sizeof(*js));
	tok = json_tokener_new();
	if (!js || !tok) {
		cli_errorf(&o, SVMC_ERR_NOMEM, "out of memory");
		rc = EXIT_TROUBLE;
		goto done;
	}
	for (int i = 0; i < a.ninputs; i++)
		merge_file(&m, a.inputs[i], tok);

	rebuild_panel(&m, &p, js);
	/* no record names a CPU: an empty run's summary line names none */
	if (svmc_replay_fmt_init(&f, &p, svmc_emit_json(&o) ? REPLAY_JSON : REPLAY_TEXT,
				 m.cpu ? m.cpu : "unknown", m.guest && *m.guest ? m.guest : NULL,
				 NULL, NULL, NULL, NULL) != 0) {
		cli_errorf(&o, SVMC_ERR_RANGE, "the CPU's name is too long");
		rc = EXIT_TROUBLE;
		goto done;
	}
	f.width = o.width;
	f.views = m.views;
	if (!cli_g.quiet) {
		svmc_replay_fmt_summary(&f, &b, &m.k);
		if (o.mode == OUT_JSON_PRETTY)
			svmc_emit_pretty_raw(&o, b.p, b.len);
		else
			svmc_emit_raw(&o, b.p, b.len);
	}
	svmc_replay_fmt_fini(&f);
	if (b.oom)
		cli_errorf(&o, SVMC_ERR_NOMEM, "out of memory");
	/* replay's rule (cmd_replay.c): trouble first, then any rejection or INCOMPLETE */
	if (m.trouble || m.k.errors || b.oom)
		rc = EXIT_TROUBLE;
	else if (m.k.vmexit_invalid || m.k.einval || m.k.incomplete)
		rc = EXIT_FAIL;
	else
		rc = EXIT_PASS;
done:
	svmc_rbuf_free(&b);
	if (tok)
		json_tokener_free(tok);
	free(js);
	free(m.cpu);
	free(m.views);
	free(m.guest);
	if (svmc_emit_fini(&o) != 0)
		rc = EXIT_TROUBLE;
	return rc;
}
