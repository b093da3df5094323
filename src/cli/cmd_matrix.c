/*
 * cmd_matrix.c - `svmcheck matrix`: migrate results across a fleet.
 *
 * CPU arguments come from the command line and from --from-file (one per
 * line), so an orchestration tool can pass thousands of hosts.  Each
 * distinct argument string is resolved and compiled once (a string cache);
 * the compiled models are grouped into classes whose verdicts are identical
 * (src/migrate/classes.c); then every ordered pair of distinct classes is
 * compared with the same walk as `migrate` (svmc_migrate_result).  The cost
 * grows with the number of distinct arguments and classes, not of hosts.
 *
 * Text: the classes, then a grid of results.  -j: one document with
 * "classes", "pairs" (class ids) and "cpus" (each argument's class).  Exit
 * status: 0 when every ordered pair is identical or superset (one class, in
 * practice: if A to B is a superset, B to A is a subset), 1 otherwise, 2 for
 * trouble (a CPU argument that cannot be read, has no SVM, an unreadable
 * --from-file, one with a NUL byte or a line over 4096 bytes).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "emit/table.h"
#include "svmcheck/check.h"
#include "svmcheck/cpu.h"
#include "svmcheck/migrate.h"

enum { OPT_GUEST = 0x100, OPT_FROM_FILE };

#define MAX_FILES 16
#define MAX_LINE 4096

struct matrix_args {
	const char *model, *guest;
	const char *files[MAX_FILES];
	int nfiles;
	char **cpus;
	int ncpus;
};

static const struct argp_option matrix_options[] = {
	{ "model", 'm', "MODEL", 0, "Implementation model: {models,default}", 0 },
	{ "guest", OPT_GUEST, "CPU", 0,
	  "Intersect every CPU with this guest CPU model (e.g. qemu-EPYC-Milan-v2): the L1 vCPU on each host",
	  0 },
	{ "from-file", OPT_FROM_FILE, "FILE", 0,
	  "Read CPU arguments from FILE, one per line (- for standard input; empty lines and lines "
	  "starting with # are skipped); may be repeated",
	  0 },
	{ 0 }
};

static error_t matrix_parse(int key, char *arg, struct argp_state *state)
{
	struct matrix_args *a = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = NULL;
		return 0;
	case 'm':
		a->model = arg;
		return 0;
	case OPT_GUEST:
		a->guest = arg;
		return 0;
	case OPT_FROM_FILE:
		if (a->nfiles == MAX_FILES)
			argp_error(state, "at most %d --from-file options", MAX_FILES);
		a->files[a->nfiles++] = arg;
		return 0;
	case ARGP_KEY_ARGS:
		a->cpus = state->argv + state->next;
		a->ncpus = state->argc - state->next;
		return 0;
	case ARGP_KEY_END:
		if (!a->ncpus && !a->nfiles)
			argp_error(state, "no CPU given (arguments or --from-file FILE)");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp matrix_argp = {
	matrix_options,
	matrix_parse,
	"CPU...",
	"The migrate result between every ordered pair of a fleet's CPUs: CPUs whose compiled models "
	"are identical are grouped into classes first, then classes are compared, so a fleet of "
	"thousands of hosts costs what its distinct classes cost.\v"
	"Results as in migrate: identical, superset (safe), subset, incompatible.  Exit status: 0 "
	"every ordered pair identical or superset, 1 some pair subset or incompatible, 2 trouble.  "
	"See svmcheck-matrix(1).",
	cli_output_children,
	cli_help_filter,
	NULL
};

/* ---- the fleet ------------------------------------------------------------ */

/*
 * A distinct CPU argument string (owned), its class (-1 when it failed), how
 * many CPUs name it, and where it first appeared (a --from-file FILE and
 * LINE, or the command line: file NULL).
 */
struct distinct {
	char *arg;
	uint64_t hash;
	long cls;
	size_t hosts;
	const char *file;
	uint64_t line;
};

/*
 * The fleet.  Memory grows with the distinct arguments, not with the hosts:
 * the CPUs in order (for the "cpus" list of -j) are kept as runs of one
 * distinct argument, each run two LEB128 varints (index, length) in `seq`,
 * so a million lines naming a few profiles cost a few bytes each at most,
 * and a file of one name repeated costs a few bytes in all.
 */
struct fleet {
	size_t ncpu;        /* CPUs, every line and argument counted */
	unsigned char *seq; /* finished runs */
	size_t nseq, capseq;
	size_t run_k, run_n; /* the open run (run_n 0: none) */
	struct distinct *d;
	size_t nd, capd;
	size_t *ix; /* open addressing over d: index + 1 */
	size_t capix;
	struct svmc_classes classes;
	/* per class: its distinct arguments, in order */
	size_t **cls_args;
	size_t *cls_nargs, *cls_hosts;
};

static uint64_t str_hash(const char *s)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	void *np;
	size_t nc;

	if (need <= *cap)
		return 0;
	nc = *cap ? *cap : 64;
	while (nc < need)
		nc *= 2;
	np = realloc(*p, nc * size);
	if (!np)
		return -1;
	*p = np;
	*cap = nc;
	return 0;
}

/* Index of arg among the distinct arguments, adding a copy of it.  (size_t)-1 on no memory. */
static size_t distinct_of(struct fleet *f, const char *arg, const char *file, uint64_t line)
{
	uint64_t h = str_hash(arg);
	size_t slot;
	char *copy;

	if (f->capix) {
		for (slot = (size_t)h & (f->capix - 1); f->ix[slot];
		     slot = (slot + 1) & (f->capix - 1)) {
			struct distinct *d = &f->d[f->ix[slot] - 1];
			if (d->hash == h && strcmp(d->arg, arg) == 0)
				return f->ix[slot] - 1;
		}
	}
	if (grow((void **)&f->d, &f->capd, f->nd + 1, sizeof(*f->d)) != 0)
		return (size_t)-1;
	copy = strdup(arg);
	if (!copy)
		return (size_t)-1;
	f->d[f->nd] = (struct distinct){ copy, h, -1, 0, file, line };
	f->nd++;
	if (2 * f->nd >= f->capix) {
		size_t cap = f->capix ? 2 * f->capix : 256;
		size_t *ix = calloc(cap, sizeof(*ix));
		if (!ix) {
			free(f->d[--f->nd].arg);
			return (size_t)-1;
		}
		for (size_t i = 0; i < f->nd; i++) {
			slot = (size_t)f->d[i].hash & (cap - 1);
			while (ix[slot])
				slot = (slot + 1) & (cap - 1);
			ix[slot] = i + 1;
		}
		free(f->ix);
		f->ix = ix;
		f->capix = cap;
	} else {
		for (slot = (size_t)h & (f->capix - 1); f->ix[slot];
		     slot = (slot + 1) & (f->capix - 1))
			;
		f->ix[slot] = f->nd;
	}
	return f->nd - 1;
}

static int put_varint(struct fleet *f, size_t v)
{
	do {
		if (grow((void **)&f->seq, &f->capseq, f->nseq + 1, 1) != 0)
			return -1;
		f->seq[f->nseq++] = (unsigned char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	return 0;
}

static size_t get_varint(const unsigned char *p, size_t *at)
{
	size_t v = 0;
	unsigned shift = 0;

	do
		v |= (size_t)(p[*at] & 0x7f) << shift, shift += 7;
	while (p[(*at)++] & 0x80);
	return v;
}

/* Close the open run into seq.  0 or -1 (no memory). */
static int close_run(struct fleet *f)
{
	if (f->run_n && (put_varint(f, f->run_k) != 0 || put_varint(f, f->run_n) != 0))
		return -1;
	f->run_n = 0;
	return 0;
}

/* One more CPU, named arg, from file:line (file NULL: the command line).  0 or -1 (no memory). */
static int add_cpu(struct fleet *f, const char *arg, const char *file, uint64_t line)
{
	size_t k = distinct_of(f, arg, file, line);

	if (k == (size_t)-1)
		return -1;
	if (f->run_n && f->run_k != k && close_run(f) != 0)
		return -1;
	f->run_k = k;
	f->run_n++;
	f->d[k].hosts++;
	f->ncpu++;
	return 0;
}

/*
 * One line of a --from-file: trimmed, blank and '#' lines skipped.  0, or -1
 * after reporting.
 */
static int file_line(struct out *o, struct fleet *f, const char *name, uint64_t lineno, char *s,
		     size_t len)
{
	while (len && (s[len - 1] == '\r' || s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	s[len] = '\0';
	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s || *s == '#')
		return 0;
	if (add_cpu(f, s, name, lineno) != 0) {
		cli_errorf(o, SVMC_ERR_NOMEM, "out of memory");
		return -1;
	}
	return 0;
}

/*
 * Read FILE's lines as CPU arguments, streamed: only the distinct arguments
 * are kept.  A NUL byte or a line longer than MAX_LINE bytes is an error
 * naming FILE:LINE, and the rest of that file is not read (so /dev/zero or a
 * binary file ends at once).  0, or -1 after reporting.
 */
static int read_file(struct out *o, struct fleet *f, const char *path)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
	static char buf[1 << 16];
	char line[MAX_LINE + 1];
	size_t len = 0, n;
	uint64_t lineno = 1;
	int rc = 0;

	if (!fp) {
		cli_errorf(o, SVMC_ERR_IO, "--from-file %s: cannot open: %s", path,
			   strerror(errno));
		return -1;
	}
	while (rc == 0 && (n = fread(buf, 1, sizeof(buf), fp)) > 0) {
		for (size_t i = 0; i < n; i++) {
			char c = buf[i];
			if (c == '\n') {
				rc = file_line(o, f, name, lineno, line, len);
				if (rc)
					break;
				lineno++;
				len = 0;
			} else if (c == '\0') {
				cli_errorf(o, SVMC_ERR_FORMAT,
					   "--from-file %s:%" PRIu64 ": a NUL byte in the line "
					   "(not a text file of CPU arguments, one a line)",
					   name, lineno);
				rc = -1;
				break;
			} else if (len == MAX_LINE) {
				cli_errorf(o, SVMC_ERR_LIMIT,
					   "--from-file %s:%" PRIu64 ": line longer than %d bytes",
					   name, lineno, MAX_LINE);
				rc = -1;
				break;
			} else {
				line[len++] = c;
			}
		}
	}
	if (rc == 0 && ferror(fp)) {
		cli_errorf(o, SVMC_ERR_IO, "--from-file %s: read error: %s", name, strerror(errno));
		rc = -1;
	}
	if (rc == 0 && len)
		rc = file_line(o, f, name, lineno, line, len);
	if (fp != stdin)
		fclose(fp);
	return rc;
}

/* Resolve, compose and compile one distinct argument into its class.  0, or -1 after reporting. */
static int classify(struct out *o, struct fleet *f, struct distinct *d, const struct svmc_model *m,
		    const struct svmc_cpu *guest, struct svmc_cpu *cpu, struct svmc_compiled *comp)
{
	struct svmc_diag dg;
	enum svmc_err e;
	size_t cls;

	char where[64 + MAX_LINE / 16];

	where[0] = '\0';
	if (d->file)
		snprintf(where, sizeof(where), "--from-file %s:%" PRIu64, d->file, d->line);
	if (cli_resolve_cpu(o, d->file ? where : NULL, d->arg, NULL, NULL, cpu) != 0)
		return -1;
	if (guest)
		svmc_cpu_compose(cpu, guest);
	svmc_diag_init(&dg, NULL);
	e = svmc_compile(comp, m, cpu, &dg);
	if (e == SVMC_ERR_NOSVM) {
		cli_errorf(o, e, "CPU %s%s%s%s: %s; a host for nested guests needs SVM", d->arg,
			   *where ? " (" : "", where, *where ? ")" : "", dg.msg);
		return -1;
	}
	if (e != SVMC_OK) {
		cli_errorf(o, e, "CPU %s%s%s%s: %s", d->arg, *where ? " (" : "", where,
			   *where ? ")" : "", dg.msg);
		return -1;
	}
	if (svmc_classes_add(&f->classes, comp, &cls) != SVMC_OK) {
		cli_errorf(o, SVMC_ERR_NOMEM, "out of memory");
		return -1;
	}
	d->cls = (long)cls;
	return 0;
}

static void fleet_free(struct fleet *f)
{
	for (size_t i = 0; i < f->nd; i++)
		free(f->d[i].arg);
	free(f->seq);
	free(f->d);
	free(f->ix);
	if (f->cls_args)
		for (size_t i = 0; i < f->classes.n; i++)
			free(f->cls_args[i]);
	free(f->cls_args);
	free(f->cls_nargs);
	free(f->cls_hosts);
	svmc_classes_free(&f->classes);
}

/* Per class: its distinct arguments and host count.  0 or -1 (no memory). */
static int class_members(struct fleet *f)
{
	size_t nc = f->classes.n;

	f->cls_args = calloc(nc ? nc : 1, sizeof(*f->cls_args));
	f->cls_nargs = calloc(nc ? nc : 1, sizeof(*f->cls_nargs));
	f->cls_hosts = calloc(nc ? nc : 1, sizeof(*f->cls_hosts));
	if (!f->cls_args || !f->cls_nargs || !f->cls_hosts)
		return -1;
	for (size_t i = 0; i < f->nd; i++) {
		size_t c = (size_t)f->d[i].cls;
		size_t *na = realloc(f->cls_args[c], (f->cls_nargs[c] + 1) * sizeof(*na));
		if (!na)
			return -1;
		f->cls_args[c] = na;
		na[f->cls_nargs[c]++] = i;
		f->cls_hosts[c] += f->d[i].hosts;
	}
	return 0;
}

/* ---- output ---------------------------------------------------------------- */

static const char *cell(enum svmc_mresult r)
{
	switch (r) {
	case SVMC_MIG_IDENTICAL:
		return "=";
	case SVMC_MIG_SUPERSET:
		return "super";
	case SVMC_MIG_SUBSET:
		return "SUB";
	default:
		return "INCOMP";
	}
}

#define TEXT_NAMES 6

/* A class: JSON keys; text prints "class N (H CPUs, MAXPHYADDR M): a, b, ...". */
enum { K_ID, K_WHAT, K_CPUS, K_HOSTS, K_MAXPHYADDR, K_NCOLS };
static const struct svmc_col class_cols[K_NCOLS] = {
	[K_ID] = { .key = "id", .head = "", .type = SVMC_COL_U64 },
	[K_WHAT] = { .head = "" },
	[K_CPUS] = { .key = "cpus", .head = "", .type = SVMC_COL_LIST },
	[K_HOSTS] = { .key = "hosts", .type = SVMC_COL_U64 },
	[K_MAXPHYADDR] = { .key = "maxphyaddr", .type = SVMC_COL_U64 },
};

struct class_ctx {
	const struct fleet *f;
	size_t c;
};

/* The i-th distinct CPU argument of a class. */
static const char *class_cpu(const void *ctx, size_t i)
{
	const struct class_ctx *cc = ctx;

	return cc->f->d[cc->f->cls_args[cc->c][i]].arg;
}

static void print_classes(struct out *o, struct fleet *f)
{
	struct svmc_table t = { .o = o,
				.cols = class_cols,
				.ncols = K_NCOLS,
				.indent = "  ",
				.flags = SVMC_TABLE_NO_HEAD };

	svmc_table_begin(&t, "classes");
	for (size_t c = 0; c < f->classes.n; c++) {
		size_t shown = f->cls_nargs[c] < TEXT_NAMES ? f->cls_nargs[c] : TEXT_NAMES;
		struct class_ctx cc = { f, c };
		char label[32], what[64], names[TEXT_NAMES * 100 + 32];
		size_t len = 0;
		struct svmc_cell cells[K_NCOLS] = {
			[K_ID] = { .u = c + 1, .text = label },
			[K_WHAT] = { .s = what },
			[K_CPUS] = { .n = f->cls_nargs[c],
				     .item = class_cpu,
				     .ctx = &cc,
				     .text = names },
			[K_HOSTS] = { .u = f->cls_hosts[c] },
			[K_MAXPHYADDR] = { .u = f->classes.v[c].comp.maxphyaddr },
		};

		snprintf(label, sizeof(label), "class %zu", c + 1);
		snprintf(what, sizeof(what), "(%zu CPU%s, MAXPHYADDR %u):", f->cls_hosts[c],
			 f->cls_hosts[c] == 1 ? "" : "s", f->classes.v[c].comp.maxphyaddr);
		names[0] = '\0';
		for (size_t i = 0; i < shown && len < sizeof(names); i++) {
			int k = snprintf(names + len, sizeof(names) - len, "%s%s", i ? ", " : "",
					 class_cpu(&cc, i));
			if (k > 0)
				len += (size_t)k;
		}
		if (f->cls_nargs[c] > shown && len < sizeof(names))
			snprintf(names + len, sizeof(names) - len, ", and %zu more",
				 f->cls_nargs[c] - shown);
		svmc_table_row(&t, cells, false);
	}
	svmc_table_end(&t);
}

static void print_matrix(struct out *o, struct fleet *f, const struct svmc_model *m,
			 const char *guest, const enum svmc_mresult *res)
{
	size_t nc = f->classes.n;
	uint64_t counts[4] = { 0 };
	struct svmc_grid g = { .o = o,
			       .n = nc,
			       .row_key = "from",
			       .col_key = "to",
			       .val_key = "result",
			       .corner = "from\\to",
			       .width = 7 };

	svmc_emit_obj_begin(o, NULL);
	svmc_emit_str(o, "schema", "svmcheck/matrix");
	svmc_emit_u64(o, "schema_version", 1);
	svmc_emit_str(o, "model", m->name);
	if (guest)
		svmc_emit_str(o, "guest", guest);
	else
		svmc_emit_null(o, "guest");
	svmc_emit_printf(o, "%zu class%s among %zu CPU%s (%zu distinct), model %s%s%s\n", nc,
			 nc == 1 ? "" : "es", f->ncpu, f->ncpu == 1 ? "" : "s", f->nd, m->name,
			 guest ? ", guest " : "", guest ? guest : "");
	print_classes(o, f);
	if (nc < 2)
		svmc_emit_printf(o, "\nevery CPU is in one class: every migration is identical\n");
	else
		svmc_emit_printf(o, "\nrow = source, column = destination; = identical, super = "
				    "superset (safe), SUB = subset, INCOMP = incompatible\n");
	svmc_grid_begin(&g, "pairs");
	for (size_t i = 0; i < nc; i++) {
		for (size_t j = 0; j < nc; j++) {
			enum svmc_mresult r = i == j ? SVMC_MIG_IDENTICAL : res[i * nc + j];

			if (i != j)
				counts[r]++;
			svmc_grid_cell(&g, i, j, svmc_mresult_name(r), cell(r),
				       r == SVMC_MIG_SUBSET || r == SVMC_MIG_INCOMPATIBLE ?
					       OUT_C_FAIL :
					       OUT_C_RESET);
		}
	}
	svmc_grid_end(&g);
	if (nc >= 2)
		svmc_emit_printf(
			o, "\ndetails of a pair: svmcheck migrate -m %s --from CPU --to CPU\n",
			m->name);
	svmc_emit_arr_begin(o, "cpus");
	for (size_t at = 0; at < f->nseq;) {
		size_t k = get_varint(f->seq, &at), n = get_varint(f->seq, &at);
		for (size_t i = 0; i < n; i++) {
			svmc_emit_obj_begin(o, NULL);
			svmc_emit_str(o, "cpu", f->d[k].arg);
			svmc_emit_u64(o, "class", (uint64_t)f->d[k].cls + 1);
			svmc_emit_obj_end(o);
		}
	}
	svmc_emit_arr_end(o);
	svmc_emit_obj_begin(o, "summary");
	svmc_emit_u64(o, "cpus", f->ncpu);
	svmc_emit_u64(o, "distinct", f->nd);
	svmc_emit_u64(o, "classes", nc);
	svmc_emit_u64(o, "pairs", nc * (nc - (nc ? 1 : 0)));
	for (int r = 0; r < 4; r++)
		svmc_emit_u64(o, svmc_mresult_name((enum svmc_mresult)r), counts[r]);
	svmc_emit_obj_end(o);
	svmc_emit_obj_end(o);
}

int cmd_matrix(int argc, char **argv)
{
	struct matrix_args a = { 0 };
	struct fleet f = { 0 };
	struct svmc_cpu *cpu = NULL, *guest = NULL;
	struct svmc_compiled *comp = NULL;
	const struct svmc_model *m;
	enum svmc_mresult *res = NULL;
	struct out o;
	int rc = EXIT_PASS;
	bool bad = false;
	size_t nc;

	if (argp_parse(&matrix_argp, argc, argv, 0, NULL, &a) != 0)
		return EXIT_TROUBLE;
	cli_out_open(&o);
	svmc_classes_init(&f.classes);
	m = svmc_model_lookup(a.model ? a.model : "kvm");
	if (!m) {
		cli_unknown_model(&o, a.model);
		rc = EXIT_TROUBLE;
		goto done;
	}
	for (int i = 0; i < a.ncpus; i++)
		if (add_cpu(&f, a.cpus[i], NULL, 0) != 0) {
			cli_errorf(&o, SVMC_ERR_NOMEM, "out of memory");
			rc = EXIT_TROUBLE;
			goto done;
		}
	/* every file is read, each up to its first error, so that all are reported */
	for (int i = 0; i < a.nfiles; i++)
		if (read_file(&o, &f, a.files[i]) != 0)
			bad = true;
	if (!bad && close_run(&f) != 0) {
		cli_errorf(&o, SVMC_ERR_NOMEM, "out of memory");
		bad = true;
	}
	if (bad) {
		rc = EXIT_TROUBLE;
		goto done;
	}
	if (!f.ncpu) {
		cli_errorf(&o, SVMC_ERR_USAGE, "no CPU given: the files hold no CPU argument");
		rc = EXIT_TROUBLE;
		goto done;
	}
	cpu = malloc(sizeof(*cpu));
	comp = malloc(sizeof(*comp));
	if (!cpu || !comp) {
		cli_errorf(&o, SVMC_ERR_NOMEM, "out of memory");
		rc = EXIT_TROUBLE;
		goto done;
	}
	if (a.guest) {
		guest = malloc(sizeof(*guest));
		if (!guest || cli_resolve_cpu(&o, "--guest", a.guest, NULL, NULL, guest) != 0) {
			if (!guest)
				cli_errorf(&o, SVMC_ERR_NOMEM, "out of memory");
			rc = EXIT_TROUBLE;
			goto done;
		}
	}

	/* each distinct argument once, in order of first appearance */
	for (size_t k = 0; k < f.nd; k++)
		if (classify(&o, &f, &f.d[k], m, guest, cpu, comp) != 0)
			bad = true;
	if (bad) {
		rc = EXIT_TROUBLE;
		goto done;
	}
	if (class_members(&f) != 0) {
		cli_errorf(&o, SVMC_ERR_NOMEM, "out of memory");
		rc = EXIT_TROUBLE;
		goto done;
	}

	nc = f.classes.n;
	res = calloc(nc ? nc * nc : 1, sizeof(*res));
	if (!res) {
		cli_errorf(&o, SVMC_ERR_NOMEM, "out of memory");
		rc = EXIT_TROUBLE;
		goto done;
	}
	for (size_t i = 0; i < nc; i++)
		for (size_t j = 0; j < nc; j++) {
			if (i == j)
				continue;
			res[i * nc + j] =
				svmc_migrate_result(&f.classes.v[i].comp, &f.classes.v[j].comp);
			if (svmc_mresult_status(res[i * nc + j], false) != 0)
				rc = EXIT_FAIL;
		}
	print_matrix(&o, &f, m, a.guest, res);
done:
	if (svmc_emit_fini(&o) != 0)
		rc = EXIT_TROUBLE;
	free(res);
	free(cpu);
	free(guest);
	free(comp);
	fleet_free(&f);
	return rc;
}
