/*
 * common.c - shared output options and error reporting for the commands.
 *
 * Every diagnostic of the CLI goes through cli_report(): one line
 * "svmcheck: INPUT:LINE: message" on stderr and, with -j or -p, one JSON
 * error object whose members come from svmc_diag_members() (the same shape
 * the replay record writer uses), with a stable snake_case "code".
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "emit/atomic.h"
#include "svmcheck/check.h"
#include "svmcheck/cpu.h"
#include "svmcheck/record.h"
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
	/* -h as --help (argp has only -?), hidden: the help lists --help */
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Give this help list", -1 },
	{ 0 }
};

static bool color_word(const char *s)
{
	return strcmp(s, "auto") == 0 || strcmp(s, "always") == 0 || strcmp(s, "never") == 0;
}

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
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		return 0;
	case OPT_COLOR:
		/*
		 * The argument is optional, so argp takes only --color=WHEN; take
		 * "--color WHEN" too when the next word is one of the three.
		 */
		if (!arg && state->next < state->argc && color_word(state->argv[state->next]))
			arg = state->argv[state->next++];
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
	if (m == OUT_TEXT)
		o->width = svmc_emit_text_width(STDOUT_FILENO);
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

	/* input names and messages quote untrusted bytes: never raw to a terminal */
	svmc_diag_format(d, buf, sizeof(buf));
	svmc_emit_text_safe(buf, strlen(buf), 0);
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

/* ---- "did you mean" ------------------------------------------------------- */

/*
 * Edit distance of a and b (insertions, deletions, substitutions and swaps
 * of two neighbours: the optimal string alignment distance), letters
 * compared without case; words of 64 letters or more are never close.
 */
static unsigned edit_distance(const char *a, const char *b)
{
	unsigned d[64][64], la = (unsigned)strlen(a), lb = (unsigned)strlen(b);

	if (la >= 64 || lb >= 64)
		return 64;
	for (unsigned i = 0; i <= la; i++)
		d[i][0] = i;
	for (unsigned j = 0; j <= lb; j++)
		d[0][j] = j;
	for (unsigned i = 1; i <= la; i++) {
		for (unsigned j = 1; j <= lb; j++) {
			int ca = tolower((unsigned char)a[i - 1]),
			    cb = tolower((unsigned char)b[j - 1]);
			unsigned best = d[i - 1][j - 1] + (ca != cb);

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == cb && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

const char *cli_suggest(const char *word, const char *(*name)(size_t i), size_t n)
{
	const char *best = NULL;
	unsigned best_d = 0, len = (unsigned)strlen(word);
	/* a third of the word may be wrong, at least one letter */
	unsigned limit = len / 3 > 1 ? len / 3 : 1;

	for (size_t i = 0; i < n; i++) {
		const char *c = name(i);
		unsigned dist;

		if (!c)
			continue;
		dist = edit_distance(word, c);
		if (dist <= limit && (!best || dist < best_d)) {
			best = c;
			best_d = dist;
		}
	}
	return best;
}

static const char *model_name_at(size_t i)
{
	return svmc_model_at(i)->name;
}

static const char *format_name_at(size_t i)
{
	return svmc_format_name((enum svmc_format)i);
}

/* "unknown KIND 'word'; did you mean 'x'? (KINDs: list)" into buf. */
static const char *unknown_msg(char *buf, size_t n, const char *kind, const char *word,
			       const char *hint, const char *list)
{
	if (hint)
		snprintf(buf, n, "unknown %s '%s'; did you mean '%s'? (%ss: %s)", kind, word, hint,
			 kind, list);
	else
		snprintf(buf, n, "unknown %s '%s' (%ss: %s)", kind, word, kind, list);
	return buf;
}

const char *cli_unknown_model_msg(char *buf, size_t n, const char *word)
{
	char names[256];

	return unknown_msg(buf, n, "model", word,
			   cli_suggest(word, model_name_at, svmc_model_count()),
			   svmc_model_names(names, sizeof(names)));
}

const char *cli_unknown_format_msg(char *buf, size_t n, const char *word)
{
	char names[256], list[300];

	snprintf(list, sizeof(list), "auto, %s", svmc_format_names(names, sizeof(names)));
	return unknown_msg(buf, n, "format", word,
			   cli_suggest(word, format_name_at, SVMC_FMT_COUNT), list);
}

void cli_unknown_model(struct out *o, const char *word)
{
	char msg[512];

	cli_errorf(o, SVMC_ERR_USAGE, "%s", cli_unknown_model_msg(msg, sizeof(msg), word));
}

void cli_unknown_format(struct out *o, const char *word)
{
	char msg[512];

	cli_errorf(o, SVMC_ERR_USAGE, "%s", cli_unknown_format_msg(msg, sizeof(msg), word));
}

/* Append m to out[0..*n) unless it is there already; -1 when max are there. */
static int add_model(const struct svmc_model *m, const struct svmc_model **out, unsigned max,
		     unsigned *n)
{
	for (unsigned i = 0; i < *n; i++)
		if (out[i] == m)
			return 0;
	if (*n >= max)
		return -1;
	out[(*n)++] = m;
	return 0;
}

int cli_parse_models(const char *arg, const struct svmc_model **out, unsigned max, unsigned *n)
{
	const char *p = arg;

	*n = 0;
	for (;;) {
		size_t len = strcspn(p, ",");
		char word[64];
		int r = 0;

		if (len == 0) {
			cli_errorf(NULL, SVMC_ERR_USAGE, "-m '%s': a model name is empty", arg);
			break;
		}
		/* a name too long for word is no model's: report it cut short */
		snprintf(word, sizeof(word), "%.*s", (int)len, p);
		if (strcmp(word, "all") == 0) {
			for (size_t i = 0; i < svmc_model_count() && r == 0; i++)
				r = add_model(svmc_model_at(i), out, max, n);
		} else if (svmc_model_lookup(word)) {
			r = add_model(svmc_model_lookup(word), out, max, n);
		} else {
			cli_unknown_model(NULL, word);
			break;
		}
		if (r != 0) {
			cli_errorf(NULL, SVMC_ERR_USAGE, "-m '%s': at most %u models", arg, max);
			break;
		}
		if (p[len] == '\0')
			return 0;
		p += len + 1;
	}
	*n = 0;
	return -1;
}

int cli_kernel_model(const char *opt, const char *release, const char *given, const char **model,
		     const struct svmc_kernel_row **row)
{
	const struct svmc_kernel_row *k;
	struct svmc_diag d;

	if (given) {
		cli_errorf(NULL, SVMC_ERR_USAGE,
			   "%s %s and model %s both pick the model of the same host; give one", opt,
			   release, given);
		return -1;
	}
	svmc_diag_init(&d, NULL);
	k = svmc_kernel_lookup(release, &d);
	if (!k) {
		cli_errorf(NULL, d.code, "%s: %s", opt, d.msg);
		return -1;
	}
	*model = k->model;
	if (row)
		*row = k;
	/* an inferred row is used, and said to be inferred: never silently confident */
	if (!k->verified) {
		char who[256];

		snprintf(who, sizeof(who), "%s %s", opt, release);
		cli_kernel_note(who, k);
	}
	return 0;
}

void cli_kernel_note(const char *who, const struct svmc_kernel_row *k)
{
	fprintf(stderr, "svmcheck: note: %s: model %s is inferred: %s\n", who, k->model, k->note);
}

size_t cli_shell_arg(char *buf, size_t n, size_t len, const char *opt, const char *word,
		     const char *suffix)
{
	/* an empty word is quoted, or the command would lose it */
	bool plain = *word &&
		     word[strspn(word, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				       "0123456789_-+,.=/:@")] == '\0' &&
		     suffix[strspn(suffix, "abcdefghijklmnopqrstuvwxyz0123456789_-+,=")] == '\0';

	if (len >= n)
		return len;
	len += (size_t)snprintf(buf + len, n - len, " %s %s", opt, plain ? "" : "'");
	for (const char *p = word; *p && len < n; p++)
		len += (size_t)snprintf(buf + len, n - len, *p == '\'' ? "'\\''" : "%c", *p);
	if (len < n)
		len += (size_t)snprintf(buf + len, n - len, "%s%s", suffix, plain ? "" : "'");
	return len;
}

int cli_view_parse(const char *arg, struct cli_view *v)
{
	if (strcmp(arg, "silicon") == 0 || strcmp(arg, "l1") == 0) {
		v->silicon = arg[0] == 's';
		return 0;
	}
	cli_errorf(NULL, SVMC_ERR_USAGE,
		   "--view %s: a view is silicon (the profile as it is) or l1 (what KVM offers "
		   "an L1 guest, the default under the kvm models)",
		   arg);
	return -1;
}

/*
 * Say on stderr, once per process, where a release rule (shadow stacks from
 * 6.18, AutoIBRS from 6.3) decides cpu's L1 view without certainty: a
 * release given whose rule's boundary is not read in a source, or no
 * release given for a model whose releases differ in the rule (kvm-legacy:
 * 5.10 to 7.0), when the view is then the newest release's.
 */
static void release_notes(const struct cli_view *v, const struct svmc_model *m,
			  const struct svmc_cpu *cpu)
{
	static bool said_rule[32], said_model;
	char differ[128] = "", series[24];

	for (size_t i = 0; i < svmc_l1_rule_count() && i < 32; i++) {
		const struct svmc_l1_rule *r = svmc_l1_rule_at(i);
		bool offered = false, withheld = false;

		if (!r->from_major || !svmc_cpu_has(cpu, r->feature))
			continue;
		if (v->kernel && !r->verified && !said_rule[i]) {
			said_rule[i] = true;
			fprintf(stderr,
				"svmcheck: note: Linux %s %s %s %s an L1 guest by a rule whose "
				"release (%u.%u) is inferred: %s\n",
				svmc_kernel_series(v->kernel, series, sizeof(series)),
				svmc_l1_rule_withholds(r, v->kernel) ? "withholds" : "offers",
				svmc_feature_table[r->feature].name,
				svmc_l1_rule_withholds(r, v->kernel) ? "from" : "to", r->from_major,
				r->from_minor, r->note);
		}
		for (size_t k = 0; !v->kernel && k < svmc_kernel_count(); k++)
			if (strcmp(svmc_kernel_at(k)->model, m->name) == 0) {
				bool w = svmc_l1_rule_withholds(r, svmc_kernel_at(k));

				withheld |= w;
				offered |= !w;
			}
		if (withheld && offered)
			snprintf(differ + strlen(differ), sizeof(differ) - strlen(differ), "%s%s",
				 differ[0] ? ", " : "", svmc_feature_table[r->feature].name);
	}
	if (differ[0] && !said_model) {
		said_model = true;
		fprintf(stderr,
			"svmcheck: note: model %s runs on Linux releases whose KVMs differ in "
			"offering %s to an L1 guest; judged as Linux %s's: give --kernel RELEASE "
			"(@RELEASE in a fleet) to judge another\n",
			m->name, differ, svmc_kernel_series(v->row, series, sizeof(series)));
	}
}

void cli_view_cpu(struct cli_view *v, const struct svmc_model *m, const struct svmc_cpu *cpu,
		  struct svmc_cpu *out)
{
	*out = *cpu;
	v->turned = false;
	v->removed = (struct svmc_featset){ { 0, 0 } };
	v->row = NULL;
	if (v->silicon || !svmc_model_is_kvm(m))
		return;
	v->row = v->kernel ? v->kernel : svmc_kernel_newest_for(m);
	if (!v->row) /* kvm-v1: a posted revision no release ran */
		v->row = svmc_kernel_newest();
	if (strcmp(cpu->view, "l1") != 0) /* a capture's own kernel decided the release rules */
		release_notes(v, m, cpu);
	svmc_cpu_l1_view(out, v->row, &v->removed);
	v->turned = true;
}

static bool featset_empty(const struct svmc_featset *s)
{
	return !s->w[0] && !s->w[1];
}

void cli_view_note(struct out *o, const char *who, const struct cli_view *v)
{
	char series[24], list[512];
	size_t used = 0;

	list[0] = 0;
	for (size_t i = 0; i < svmc_l1_rule_count(); i++) {
		const struct svmc_l1_rule *r = svmc_l1_rule_at(i);

		if (!svmc_featset_has(&v->removed, r->feature))
			continue;
		if (used < sizeof(list))
			used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
						 used ? ", " : "",
						 svmc_feature_table[r->feature].name);
	}
	if (svmc_emit_json(o)) {
		svmc_emit_str(o, "view", v->turned ? "l1" : "silicon");
		svmc_emit_arr_begin(o, "l1_removed");
		for (size_t i = 0; i < svmc_l1_rule_count(); i++) {
			const struct svmc_l1_rule *r = svmc_l1_rule_at(i);

			if (svmc_featset_has(&v->removed, r->feature))
				svmc_emit_str(o, NULL, svmc_feature_table[r->feature].name);
		}
		svmc_emit_arr_end(o);
		return;
	}
	if (!v->turned || featset_empty(&v->removed))
		return;
	svmc_emit_printf(o,
			 "L1 view of %s (KVM of Linux %s): removed %s, which KVM does not offer an "
			 "L1 guest (svmcheck-profile(1); --view silicon keeps them)\n",
			 who, svmc_kernel_series(v->row, series, sizeof(series)), list);
}

void cli_guest_blocked(const struct svmc_cpu *host, const struct svmc_cpu *guest,
		       struct svmc_featset *out)
{
	for (unsigned i = 0; i < sizeof(out->w) / sizeof(out->w[0]); i++)
		out->w[i] = guest->features.w[i] & ~host->features.w[i];
	svmc_featset_set(out, SVMC_FEAT_HYPERVISOR, false);
	svmc_featset_set(out, SVMC_FEAT_EFER_LMSLE_UNSUPPORTED, false);
}

void cli_feature_list(const struct svmc_featset *fs, char *buf, size_t n, const char *sep,
		      const char *prefix)
{
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned f = 0; f < SVMC_FEAT_COUNT && len < n; f++)
		if (svmc_featset_has(fs, (enum svmc_feature)f))
			len += (size_t)snprintf(buf + len, n - len, "%s%s%s", len ? sep : "",
						prefix, svmc_feature_table[f].name);
}
