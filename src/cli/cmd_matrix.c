/*
 * cmd_matrix.c - `svmcheck matrix`: migrate results across a fleet.
 *
 * CPU arguments come from the command line and from --from-file (one per
 * line), so an orchestration tool can pass thousands of hosts; each may be
 * NAME=CPU, and the name stands for the host in the output.  Each
 * distinct argument string is resolved and compiled once (a string cache);
 * the compiled models are grouped into classes whose verdicts are identical
 * (src/migrate/classes.c); then every ordered pair of distinct classes is
 * compared with the same walk as `migrate` (svmc_migrate_result).  The cost
 * grows with the number of distinct arguments and classes, not of hosts.
 *
 * A host whose CPU cannot be read or has no SVM (BIOS off, a capture inside
 * a VM) is rejected and the others still get their matrix: one bad line must
 * not hide a fleet's answer.
 *
 * Text: the classes, then a grid of results, then the rejected hosts.  -j:
 * one document with "classes", "pairs" (class ids, and "because": the
 * features or bits behind the result, from the migrate diff of the pair and
 * of its reverse), "cpus" (each argument's class) and "rejected".  --from
 * NAME adds the hosts a VM on NAME can safely move to.  Exit status: 0 when
 * every ordered pair is identical or superset (one class, in practice: if A
 * to B is a superset, B to A is a subset; with --from, every pair from
 * NAME's class), 1 otherwise, 2 for trouble (a rejected host, an unreadable
 * --from-file, one with a NUL byte or a line over 4096 bytes).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/fleet.h"
#include "emit/table.h"
#include "svmcheck/check.h"
#include "svmcheck/cpu.h"
#include "svmcheck/migrate.h"

enum { OPT_GUEST = 0x100, OPT_FROM_FILE, OPT_FROM, OPT_VIEW };

struct matrix_args {
	const char *model, *guest, *from;
	struct cli_view view;
	bool bad_view;
	struct cli_fleet_args fleet;
};

static const struct argp_option matrix_options[] = {
	{ "model", 'm', "MODEL", 0, "Implementation model: {models,default}", 0 },
	{ "guest", OPT_GUEST, "CPU", 0,
	  "Intersect every CPU with this guest CPU model (e.g. qemu-EPYC-Milan-v2): the L1 vCPU on each host",
	  0 },
	{ "from-file", OPT_FROM_FILE, "FILE", 0,
	  "Read hosts from FILE, one per line, each [NAME=]CPU[@RELEASE] (- for standard input; "
	  "empty lines and lines starting with # are skipped); may be repeated",
	  0 },
	{ "from", OPT_FROM, "NAME", 0,
	  "List the hosts a VM on NAME (a host's name or CPU argument) can safely move to", 0 },
	CLI_VIEW_OPTION(OPT_VIEW),
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
	case OPT_FROM:
		a->from = arg;
		return 0;
	case OPT_VIEW:
		a->bad_view = cli_view_parse(arg, &a->view) != 0;
		return 0;
	default:
		return cli_fleet_parse(key, OPT_FROM_FILE, arg, state, &a->fleet);
	}
}

static const struct argp matrix_argp = {
	matrix_options,
	matrix_parse,
	"CPU...",
	"The migrate result between every ordered pair of a fleet's CPUs: CPUs whose compiled models "
	"are identical are grouped into classes first, then classes are compared, so a fleet of "
	"thousands of hosts costs what its distinct classes cost.\v"
	"Results as in migrate: identical, superset (safe), subset, incompatible.  A host is "
	"[NAME=]CPU[@RELEASE]: RELEASE, the Linux release it runs, picks its KVM model and L1 "
	"view.  A host whose CPU cannot be read or has no SVM, or whose release is unknown or "
	"contradicts -m, is rejected, and the others still get their matrix.  Exit "
	"status: 0 every ordered pair (with --from, every pair from NAME) identical or superset, 1 "
	"some pair subset or incompatible, 2 trouble (a rejected host among them).  See "
	"svmcheck-matrix(1).",
	cli_output_children,
	cli_help_filter,
	NULL
};

/* ---- the fleet ------------------------------------------------------------ */

/*
 * A distinct CPU argument string (h: split, and where it first appeared),
 * its class (-1 when it failed) and how many CPUs name it.  A rejected
 * argument keeps its error's code and message (why, owned).
 */
struct distinct {
	struct cli_host h;
	uint64_t hash;
	long cls;
	size_t hosts;
	enum svmc_err code;
	char *why;
	bool blocked; /* rejected because it cannot run the --guest model: an answer, not trouble */
};

/*
 * A class: the CPUs of one library class (identical verdicts) judged under
 * one kernel row (their @RELEASE's, else the one whose L1 view the model
 * gives; NULL: none, a model that is not KVM's under --view silicon), so
 * that a class has one model and one kernel, and its first argument
 * reproduces any pair it is in.
 */
struct fclass {
	size_t lib;
	const struct svmc_kernel_row *row;
	size_t next; /* the next class of the same library class, + 1 (0: none) */
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
	size_t *cix; /* the same over the CPUs of d (NAME=CPU stripped), when judging */
	size_t capcix;
	struct svmc_classes classes;
	struct fclass *fc; /* the classes of the output */
	size_t nfc, capfc;
	size_t *lib_first; /* per library class: its first class + 1 */
	size_t caplib;
	bool releases; /* some host named its kernel (@RELEASE) */
	/* per class: its distinct arguments, in order */
	size_t **cls_args;
	size_t *cls_nargs, *cls_hosts;
	bool l1_removed; /* a CPU's L1 view lost features (said in text) */
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

	if (f->capix) {
		for (slot = (size_t)h & (f->capix - 1); f->ix[slot];
		     slot = (slot + 1) & (f->capix - 1)) {
			struct distinct *d = &f->d[f->ix[slot] - 1];
			if (d->hash == h && strcmp(d->h.arg, arg) == 0)
				return f->ix[slot] - 1;
		}
	}
	if (grow((void **)&f->d, &f->capd, f->nd + 1, sizeof(*f->d)) != 0)
		return (size_t)-1;
	f->d[f->nd] = (struct distinct){ .hash = h, .cls = -1 };
	if (cli_host_init(&f->d[f->nd].h, arg, file, line) != 0)
		return (size_t)-1;
	f->releases |= f->d[f->nd].h.release != NULL;
	f->nd++;
	if (2 * f->nd >= f->capix) {
		size_t cap = f->capix ? 2 * f->capix : 256;
		size_t *ix = calloc(cap, sizeof(*ix));
		if (!ix) {
			f->nd--;
			cli_host_free(&f->d[f->nd].h);
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

/*
 * One more CPU, named arg, from file:line (file NULL: the command line), into
 * the fleet ctx.  0 or -1 (no memory).
 */
static int add_cpu(void *ctx, const char *arg, const char *file, uint64_t line)
{
	struct fleet *f = ctx;
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
 * Reject d: its error goes to stderr now and, kept in d, to the "rejected"
 * list of the output.  0, or -1 (no memory).
 */
static int reject(struct distinct *d, struct svmc_diag *dg)
{
	if (!d->blocked)
		cli_report_text(dg);
	d->code = dg->code;
	d->why = strdup(dg->msg);
	return d->why ? 0 : -1;
}

/*
 * The class of library class lib under kernel row row, added when new: its
 * index, or (size_t)-1 (no memory).
 */
static size_t class_of(struct fleet *f, size_t lib, const struct svmc_kernel_row *row)
{
	size_t c;

	if (grow((void **)&f->lib_first, &f->caplib, lib + 1, sizeof(*f->lib_first)) != 0)
		return (size_t)-1;
	if (f->classes.v[lib].members == 1) /* just added: none of its classes yet */
		f->lib_first[lib] = 0;
	for (c = f->lib_first[lib]; c; c = f->fc[c - 1].next)
		if (f->fc[c - 1].row == row)
			return c - 1;
	if (grow((void **)&f->fc, &f->capfc, f->nfc + 1, sizeof(*f->fc)) != 0)
		return (size_t)-1;
	f->fc[f->nfc] = (struct fclass){ .lib = lib, .row = row, .next = f->lib_first[lib] };
	f->lib_first[lib] = f->nfc + 1;
	return f->nfc++;
}

/*
 * Resolve, compose and compile one distinct argument into its class, or
 * reject it (a CPU that cannot be read or has no SVM, an unknown @RELEASE,
 * one whose model -m contradicts).  0, or -1 after reporting (no memory).
 */
static int classify(struct out *o, struct fleet *f, struct distinct *d, const struct svmc_model *m,
		    const char *mopt, const struct svmc_cpu *guest, const struct cli_view *view,
		    struct svmc_cpu *cpu, struct svmc_cpu *seen, struct svmc_compiled *comp)
{
	struct svmc_diag dg;
	struct cli_view v;
	enum svmc_err e;
	size_t lib, cls;

	e = cli_host_resolve(&d->h, m, mopt, view, &v, cpu, seen, &dg);
	if (e == SVMC_OK && guest) {
		struct svmc_featset blocked;
		char names[256];

		/* a host that cannot run the guest CPU model has no class for this VM */
		cli_guest_blocked(seen, guest, &blocked);
		cli_feature_list(&blocked, names, sizeof(names), ", ", "");
		if (names[0]) {
			d->blocked = true;
			svmc_diag_init(&dg, d->h.cpu);
			e = svmc_diag_set(
				&dg, SVMC_ERR_CONFLICT,
				"cannot run guest CPU model %s: missing %s (QEMU with "
				"enforce, or libvirt, refuses to start or migrate it there)",
				guest->name, names);
		}
	}
	if (e == SVMC_OK) {
		/* the host's L1 view under KVM, then what the guest model leaves of it */
		f->l1_removed |= v.removed.w[0] || v.removed.w[1];
		if (guest)
			svmc_cpu_compose(seen, guest);
		svmc_diag_init(&dg, d->h.cpu);
		e = svmc_compile(comp, d->h.model, seen, &dg);
	}
	if (e != SVMC_OK) {
		cli_host_fail(&d->h, &dg, e);
		if (reject(d, &dg) == 0)
			return 0;
	} else if (svmc_classes_add(&f->classes, comp, &lib) == SVMC_OK &&
		   (cls = class_of(f, lib, d->h.row ? d->h.row : v.row)) != (size_t)-1) {
		d->cls = (long)cls;
		return 0;
	}
	cli_errorf(o, SVMC_ERR_NOMEM, "out of memory");
	return -1;
}

/*
 * The first distinct argument with the same CPU as d[k]: NAME=CPU lines give
 * one CPU many names, and each CPU is still judged once.  Its index, or k
 * after recording d[k] as the first.
 */
static size_t first_same_cpu(struct fleet *f, size_t k)
{
	size_t slot;

	for (slot = (size_t)str_hash(f->d[k].h.spec) & (f->capcix - 1); f->cix[slot];
	     slot = (slot + 1) & (f->capcix - 1))
		if (strcmp(f->d[f->cix[slot] - 1].h.spec, f->d[k].h.spec) == 0)
			return f->cix[slot] - 1;
	f->cix[slot] = k + 1;
	return k;
}

static void fleet_free(struct fleet *f)
{
	for (size_t i = 0; i < f->nd; i++) {
		cli_host_free(&f->d[i].h);
		free(f->d[i].why);
	}
	free(f->seq);
	free(f->d);
	free(f->ix);
	free(f->cix);
	free(f->fc);
	free(f->lib_first);
	if (f->cls_args)
		for (size_t i = 0; i < f->nfc; i++)
			free(f->cls_args[i]);
	free(f->cls_args);
	free(f->cls_nargs);
	free(f->cls_hosts);
	svmc_classes_free(&f->classes);
}

/* What the output calls a distinct argument: its host's name, or the argument. */
static const char *shown(const struct distinct *d)
{
	return cli_host_shown(&d->h);
}

/* The compiled model of class c (its library class's). */
static const struct svmc_compiled *comp_of(const struct fleet *f, size_t c)
{
	return &f->classes.v[f->fc[c].lib].comp;
}

/* Per class: its distinct arguments and host count.  0 or -1 (no memory). */
static int class_members(struct fleet *f)
{
	size_t nc = f->nfc;

	f->cls_args = calloc(nc ? nc : 1, sizeof(*f->cls_args));
	f->cls_nargs = calloc(nc ? nc : 1, sizeof(*f->cls_nargs));
	f->cls_hosts = calloc(nc ? nc : 1, sizeof(*f->cls_hosts));
	if (!f->cls_args || !f->cls_nargs || !f->cls_hosts)
		return -1;
	for (size_t i = 0; i < f->nd; i++) {
		size_t c = (size_t)f->d[i].cls;
		size_t *na;

		if (f->d[i].cls < 0)
			continue;
		na = realloc(f->cls_args[c], (f->cls_nargs[c] + 1) * sizeof(*na));
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

/*
 * A class: JSON keys; text prints "class N (H CPUs, MAXPHYADDR M): a, b,
 * ...", with the model and the kernel after MAXPHYADDR when hosts named
 * their kernels (else the first line's model is every class's).
 */
enum { K_ID, K_WHAT, K_CPUS, K_HOSTS, K_MAXPHYADDR, K_MODEL, K_KERNEL, K_NCOLS };
static const struct svmc_col class_cols[K_NCOLS] = {
	[K_ID] = { .key = "id", .head = "", .type = SVMC_COL_U64 },
	[K_WHAT] = { .head = "" },
	[K_CPUS] = { .key = "cpus", .head = "", .type = SVMC_COL_LIST },
	[K_HOSTS] = { .key = "hosts", .type = SVMC_COL_U64 },
	[K_MAXPHYADDR] = { .key = "maxphyaddr", .type = SVMC_COL_U64 },
	[K_MODEL] = { .key = "model" },
	[K_KERNEL] = { .key = "kernel" },
};

struct class_ctx {
	const struct fleet *f;
	size_t c;
};

/* The i-th distinct CPU argument of a class. */
static const char *class_cpu(const void *ctx, size_t i)
{
	const struct class_ctx *cc = ctx;

	return shown(&cc->f->d[cc->f->cls_args[cc->c][i]]);
}

static void print_classes(struct out *o, const struct fleet *f)
{
	struct svmc_table t = { .o = o,
				.cols = class_cols,
				.ncols = K_NCOLS,
				.indent = "  ",
				.flags = SVMC_TABLE_NO_HEAD };

	svmc_table_begin(&t, "classes");
	for (size_t c = 0; c < f->nfc; c++) {
		size_t shown = f->cls_nargs[c] < TEXT_NAMES ? f->cls_nargs[c] : TEXT_NAMES;
		struct class_ctx cc = { f, c };
		const struct svmc_kernel_row *row = f->fc[c].row;
		char label[32], what[128], series[24], kernel[40], names[TEXT_NAMES * 100 + 32];
		size_t len = 0;
		struct svmc_cell cells[K_NCOLS] = {
			[K_ID] = { .u = c + 1, .text = label },
			[K_WHAT] = { .s = what },
			[K_CPUS] = { .n = f->cls_nargs[c],
				     .item = class_cpu,
				     .ctx = &cc,
				     .text = names },
			[K_HOSTS] = { .u = f->cls_hosts[c] },
			[K_MAXPHYADDR] = { .u = comp_of(f, c)->maxphyaddr },
			[K_MODEL] = { .s = comp_of(f, c)->model->name },
			[K_KERNEL] = { .s = row ? svmc_kernel_series(row, series, sizeof(series)) :
						  NULL },
		};

		snprintf(label, sizeof(label), "class %zu", c + 1);
		kernel[0] = '\0';
		if (f->releases)
			snprintf(kernel, sizeof(kernel), ", %s%s%s", comp_of(f, c)->model->name,
				 row ? " of Linux " : "", row ? series : "");
		snprintf(what, sizeof(what), "(%zu CPU%s, MAXPHYADDR %u%s):", f->cls_hosts[c],
			 f->cls_hosts[c] == 1 ? "" : "s", comp_of(f, c)->maxphyaddr, kernel);
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

/*
 * Why a pair of classes gets its result: what narrows each ordered pair
 * (from svmc_migrate_diff), computed when first asked for.  What widens i to
 * j is what narrows j to i, so "because" needs both directions.
 */
struct narrowing {
	struct svmc_featset features;
	bool maxphyaddr, model, host, done;
};

#define BECAUSE_MAX (SVMC_FEAT_COUNT * 40)

struct reasons {
	const struct fleet *f;
	struct svmc_diff *df;  /* scratch, about 100 KiB */
	struct narrowing *n;   /* nc * nc */
	char why[BECAUSE_MAX]; /* because()'s text */
	/* what a migrate command needs to reproduce a pair: the model of the hosts without a release, --guest, --view */
	const char *mopt, *guest;
	bool silicon;
};

/*
 * The migrate command that reproduces the move from distinct argument i to
 * distinct argument j, into buf: their CPUs, the guest model, each side's
 * model by its @RELEASE (--from-kernel) or -m, and --view silicon, quoted
 * for a shell, so that it runs as printed and gives the pair's result.
 */
static const char *pair_cmd(const struct reasons *r, size_t i, size_t j, char *buf, size_t n)
{
	const struct cli_host *h[2] = { &r->f->d[i].h, &r->f->d[j].h };
	static const char *const opt[2][3] = { { "--from", "--from-kernel", "--from-model" },
					       { "--to", "--to-kernel", "--to-model" } };
	size_t len = (size_t)snprintf(buf, n, "svmcheck migrate");

	for (int k = 0; k < 2; k++)
		len = cli_shell_arg(buf, n, len, opt[k][0], h[k]->cpu, "");
	if (r->guest)
		len = cli_shell_arg(buf, n, len, "--guest", r->guest, "");
	if (r->mopt && !h[0]->release && !h[1]->release)
		len = cli_shell_arg(buf, n, len, "-m", r->mopt, "");
	else
		for (int k = 0; k < 2; k++)
			if (h[k]->release)
				len = cli_shell_arg(buf, n, len, opt[k][1], h[k]->release, "");
			else if (r->mopt)
				len = cli_shell_arg(buf, n, len, opt[k][2], r->mopt, "");
	if (r->silicon && len < n)
		snprintf(buf + len, n - len, " --view silicon");
	return buf;
}

static const struct narrowing *narrowing_of(struct reasons *r, size_t i, size_t j)
{
	struct narrowing *n = &r->n[i * r->f->nfc + j];

	if (!n->done) {
		svmc_migrate_diff(comp_of(r->f, i), comp_of(r->f, j), r->df);
		*n = (struct narrowing){ r->df->narrow_features, r->df->narrow_maxphyaddr,
					 r->df->narrow_model, r->df->narrow_host, true };
	}
	return n;
}

/*
 * "because" of the move from class i to class j, into buf as tokens joined by
 * ',': "-X" when X is on the source only and states that need it become
 * invalid, "+X" when X is on the destination only and states become valid.
 * X is a feature, maxphyaddr (the physical address width), rule (a model
 * rule, not a feature) or efer.lmsle (the host's EferLmsleUnsupported).
 */
static const char *because(struct reasons *r, size_t i, size_t j, char *buf, size_t size)
{
	const struct narrowing *side[2] = { narrowing_of(r, i, j), narrowing_of(r, j, i) };
	static const char sign[2] = { '-', '+' };
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned f = 0; f < SVMC_FEAT_COUNT; f++)
		for (int k = 0; k < 2; k++)
			if (svmc_featset_has(&side[k]->features, (enum svmc_feature)f) &&
			    len < size)
				len += (size_t)snprintf(buf + len, size - len, "%s%c%s",
							len ? "," : "", sign[k],
							svmc_feature_table[f].name);
	/* in one order whichever the direction, as the features: a pair and its reverse match */
	for (int t = 0; t < 3; t++)
		for (int k = 0; k < 2; k++) {
			bool on[3] = { side[k]->maxphyaddr, side[k]->model, side[k]->host };
			static const char *const word[3] = { "maxphyaddr", "rule", "efer.lmsle" };

			if (on[t] && len < size)
				len += (size_t)snprintf(buf + len, size - len, "%s%c%s",
							len ? "," : "", sign[k], word[t]);
		}
	return buf;
}

static void print_pairs(struct out *o, struct reasons *r, const enum svmc_mresult *res,
			uint64_t *counts)
{
	size_t nc = r->f->nfc;
	struct svmc_grid g = { .o = o,
			       .n = nc,
			       .row_key = "from",
			       .col_key = "to",
			       .val_key = "result",
			       .corner = "from\\to",
			       .width = 7 };

	/* the grid writes the text; JSON pairs carry "because" as well */
	svmc_grid_begin(&g, "pairs");
	for (size_t i = 0; i < nc; i++) {
		for (size_t j = 0; j < nc; j++) {
			enum svmc_mresult v = i == j ? SVMC_MIG_IDENTICAL : res[i * nc + j];
			size_t n;

			if (i != j)
				counts[v]++;
			if (!svmc_emit_json(o)) {
				svmc_grid_cell(&g, i, j, svmc_mresult_name(v), cell(v),
					       v == SVMC_MIG_SUBSET || v == SVMC_MIG_INCOMPATIBLE ?
						       OUT_C_FAIL :
						       OUT_C_RESET);
				continue;
			}
			if (i == j)
				continue;
			svmc_emit_obj_begin(o, NULL);
			svmc_emit_u64(o, "from", i + 1);
			svmc_emit_u64(o, "to", j + 1);
			svmc_emit_str(o, "result", svmc_mresult_name(v));
			svmc_emit_arr_begin(o, "because");
			if (v != SVMC_MIG_IDENTICAL)
				for (const char *t = because(r, i, j, r->why, sizeof(r->why)); *t;
				     t += n + (t[n] == ',')) {
					n = strcspn(t, ",");
					svmc_emit_strn(o, NULL, t, n);
				}
			svmc_emit_arr_end(o);
			svmc_emit_obj_end(o);
		}
	}
	svmc_grid_end(&g);
}

/* The hosts a VM on distinct argument `from` can move to: text, and "from" in JSON. */
static void print_from(struct out *o, struct reasons *r, size_t from, const enum svmc_mresult *res)
{
	const struct fleet *f = r->f;
	size_t nc = f->nfc, c = (size_t)f->d[from].cls, nsafe = 0;
	char cmd[4 * CLI_FLEET_MAX_LINE];

	for (size_t k = 0; k < f->nd; k++)
		if (k != from && f->d[k].cls >= 0 &&
		    ((size_t)f->d[k].cls == c ||
		     svmc_mresult_status(res[c * nc + (size_t)f->d[k].cls], false) == 0))
			nsafe++;
	svmc_emit_obj_begin(o, "from");
	svmc_emit_str(o, "cpu", shown(&f->d[from]));
	svmc_emit_u64(o, "class", c + 1);
	svmc_emit_printf(o, "\na VM on %s (class %zu) can safely move to %zu host%s%s",
			 shown(&f->d[from]), c + 1, nsafe, nsafe == 1 ? "" : "s", nsafe ? ":" : "");
	for (int safe = 1; safe >= 0; safe--) {
		bool first = true;

		svmc_emit_arr_begin(o, safe ? "safe" : "unsafe");
		for (size_t k = 0; k < f->nd; k++) {
			size_t kc = (size_t)f->d[k].cls;
			enum svmc_mresult v;

			if (k == from || f->d[k].cls < 0)
				continue;
			v = kc == c ? SVMC_MIG_IDENTICAL : res[c * nc + kc];
			if ((svmc_mresult_status(v, false) == 0) != safe)
				continue;
			svmc_emit_str(o, NULL, shown(&f->d[k]));
			if (safe)
				svmc_emit_printf(o, "%s %s", first ? "" : ",", shown(&f->d[k]));
			else
				svmc_emit_printf(
					o,
					"\n  not to %s (class %zu): %s, because %s\n    check: %s",
					shown(&f->d[k]), kc + 1, svmc_mresult_name(v),
					because(r, c, kc, r->why, sizeof(r->why)),
					pair_cmd(r, from, k, cmd, sizeof(cmd)));
			first = false;
		}
		svmc_emit_arr_end(o);
	}
	svmc_emit_printf(o, "\n");
	svmc_emit_obj_end(o);
}

/* The CPUs that are not in the matrix, and why. */
static void print_rejected(struct out *o, const struct fleet *f, size_t nrej)
{
	if (nrej)
		svmc_emit_printf(o, "\nrejected (not in the matrix): %zu CPU%s\n", nrej,
				 nrej == 1 ? "" : "s");
	svmc_emit_arr_begin(o, "rejected");
	for (size_t k = 0; k < f->nd; k++) {
		const struct distinct *d = &f->d[k];

		if (d->cls >= 0)
			continue;
		if (d->hosts > 1)
			svmc_emit_printf(o, "  %s (%zu CPUs): %s\n", d->h.arg, d->hosts, d->why);
		else
			svmc_emit_printf(o, "  %s: %s\n", d->h.arg, d->why);
		svmc_emit_obj_begin(o, NULL);
		svmc_emit_str(o, "cpu", shown(d));
		if (d->h.file) {
			svmc_emit_str(o, "file", d->h.file);
			svmc_emit_u64(o, "line", d->h.line);
		} else {
			svmc_emit_null(o, "file");
			svmc_emit_null(o, "line");
		}
		svmc_emit_str(o, "code", svmc_err_code(d->code));
		svmc_emit_str(o, "message", d->why);
		svmc_emit_obj_end(o);
	}
	svmc_emit_arr_end(o);
}

/*
 * The pair whose command the text offers: the first that is not safe (the
 * one to look into), else the first; its classes into *pi, *pj.
 */
static void pair_to_show(size_t nc, const enum svmc_mresult *res, size_t *pi, size_t *pj)
{
	*pi = 0;
	*pj = 1;
	for (size_t i = 0; i < nc; i++)
		for (size_t j = 0; j < nc; j++)
			if (i != j && svmc_mresult_status(res[i * nc + j], false) != 0) {
				*pi = i;
				*pj = j;
				return;
			}
}

static void print_matrix(struct out *o, struct reasons *r, const struct svmc_model *m,
			 const enum svmc_mresult *res, long from)
{
	const struct fleet *f = r->f;
	const char *guest = r->guest;
	size_t nc = f->nfc, nrej = 0;
	uint64_t counts[4] = { 0 };

	for (size_t k = 0; k < f->nd; k++)
		if (f->d[k].cls < 0)
			nrej += f->d[k].hosts;
	svmc_emit_obj_begin(o, NULL);
	svmc_emit_str(o, "schema", "svmcheck/matrix");
	svmc_emit_u64(o, "schema_version", 1);
	svmc_emit_str(o, "model", m->name);
	if (guest)
		svmc_emit_str(o, "guest", guest);
	else
		svmc_emit_null(o, "guest");
	svmc_emit_printf(o, "%zu class%s among %zu CPU%s (%zu distinct", nc, nc == 1 ? "" : "es",
			 f->ncpu, f->ncpu == 1 ? "" : "s", f->nd);
	if (nrej)
		svmc_emit_printf(o, ", %zu rejected", nrej);
	svmc_emit_printf(o, "), model %s%s%s%s\n", m->name,
			 f->releases ? " where no @RELEASE picks one" : "", guest ? ", guest " : "",
			 guest ? guest : "");
	svmc_emit_str(o, "view", svmc_model_is_kvm(m) && !r->silicon ? "l1" : "silicon");
	if (f->l1_removed)
		svmc_emit_printf(o,
				 "each CPU is its L1 view: what KVM does not offer an L1 guest is "
				 "removed (svmcheck-profile(1); --view silicon keeps it)\n");
	print_classes(o, f);
	if (!nc)
		svmc_emit_printf(o, "\nno CPU could be judged\n");
	else if (nc < 2)
		svmc_emit_printf(o, "\nevery CPU%s is in one class: every migration is identical\n",
				 nrej ? " not rejected" : "");
	else
		svmc_emit_printf(o, "\nrow = source, column = destination; = identical, super = "
				    "superset (safe), SUB = subset, INCOMP = incompatible\n");
	print_pairs(o, r, res, counts);
	if (nc >= 2) {
		size_t i, j;
		char cmd[4 * CLI_FLEET_MAX_LINE];

		pair_to_show(nc, res, &i, &j);
		svmc_emit_printf(
			o, "\ndetails of a pair (class %zu to class %zu): %s\n", i + 1, j + 1,
			pair_cmd(r, f->cls_args[i][0], f->cls_args[j][0], cmd, sizeof(cmd)));
	}
	if (from >= 0)
		print_from(o, r, (size_t)from, res);
	print_rejected(o, f, nrej);
	svmc_emit_arr_begin(o, "cpus");
	for (size_t at = 0; at < f->nseq;) {
		size_t k = get_varint(f->seq, &at), n = get_varint(f->seq, &at);
		for (size_t i = 0; i < n; i++) {
			svmc_emit_obj_begin(o, NULL);
			svmc_emit_str(o, "cpu", shown(&f->d[k]));
			if (f->d[k].cls >= 0)
				svmc_emit_u64(o, "class", (uint64_t)f->d[k].cls + 1);
			else
				svmc_emit_null(o, "class");
			svmc_emit_obj_end(o);
		}
	}
	svmc_emit_arr_end(o);
	svmc_emit_obj_begin(o, "summary");
	svmc_emit_u64(o, "cpus", f->ncpu);
	svmc_emit_u64(o, "distinct", f->nd);
	svmc_emit_u64(o, "classes", nc);
	svmc_emit_u64(o, "pairs", nc * (nc - (nc ? 1 : 0)));
	for (int v = 0; v < 4; v++)
		svmc_emit_u64(o, svmc_mresult_name((enum svmc_mresult)v), counts[v]);
	svmc_emit_u64(o, "rejected", nrej);
	svmc_emit_obj_end(o);
	svmc_emit_obj_end(o);
}

/*
 * The distinct argument --from NAME names (a host's name, or a CPU argument
 * given bare): its index, or -1 after reporting (none, only rejected ones,
 * or names in different classes).
 */
static long find_from(struct out *o, const struct fleet *f, const char *name)
{
	long found = -1;
	bool rejected = false;

	for (size_t k = 0; k < f->nd; k++) {
		if (strcmp(shown(&f->d[k]), name) != 0)
			continue;
		if (f->d[k].cls < 0) {
			rejected = true;
		} else if (found < 0) {
			found = (long)k;
		} else if (f->d[found].cls != f->d[k].cls) {
			cli_errorf(
				o, SVMC_ERR_USAGE,
				"--from %s: the name is given to CPUs of different classes (%s, %s)",
				name, f->d[found].h.spec, f->d[k].h.spec);
			return -1;
		}
	}
	if (found < 0)
		cli_errorf(o, SVMC_ERR_USAGE, "--from %s: %s", name,
			   rejected ? "that host is rejected (see above)" :
				      "no host of that name in the fleet");
	return found;
}

int cmd_matrix(int argc, char **argv)
{
	struct matrix_args a = { 0 };
	struct fleet f = { 0 };
	struct svmc_cpu *cpu = NULL, *seen = NULL, *guest = NULL;
	struct svmc_compiled *comp = NULL;
	const struct svmc_model *m;
	enum svmc_mresult *res = NULL;
	struct reasons r = { .f = &f };
	struct out o;
	int rc = EXIT_PASS;
	bool bad = false, blocked = false;
	long from = -1;
	size_t nc;

	if (argp_parse(&matrix_argp, argc, argv, 0, NULL, &a) != 0 || a.bad_view)
		return EXIT_TROUBLE;
	cli_out_open(&o);
	svmc_classes_init(&f.classes);
	m = svmc_model_lookup(a.model ? a.model : "kvm");
	if (!m) {
		cli_unknown_model(&o, a.model);
		rc = EXIT_TROUBLE;
		goto done;
	}
	for (int i = 0; i < a.fleet.ncpus; i++)
		if (add_cpu(&f, a.fleet.cpus[i], NULL, 0) != 0) {
			cli_errorf(&o, SVMC_ERR_NOMEM, "out of memory");
			rc = EXIT_TROUBLE;
			goto done;
		}
	bad = cli_fleet_read_all(&o, &a.fleet.files, add_cpu, &f) != 0;
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
	seen = malloc(sizeof(*seen));
	comp = malloc(sizeof(*comp));
	if (!cpu || !seen || !comp) {
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

	/*
	 * each distinct CPU once, in order of first appearance; bad ones are set
	 * aside, each with its own line
	 */
	f.capcix = f.capix;
	f.cix = calloc(f.capcix, sizeof(*f.cix));
	if (!f.cix) {
		cli_errorf(&o, SVMC_ERR_NOMEM, "out of memory");
		rc = EXIT_TROUBLE;
		goto done;
	}
	for (size_t k = 0; k < f.nd; k++) {
		size_t same = first_same_cpu(&f, k);

		if (same != k && f.d[same].cls >= 0) {
			f.d[k].cls = f.d[same].cls;
			continue;
		}
		if (classify(&o, &f, &f.d[k], m, a.model, guest, &a.view, cpu, seen, comp) != 0) {
			rc = EXIT_TROUBLE;
			goto done;
		}
		if (f.d[k].cls < 0 && f.d[k].blocked)
			blocked = true;
		else if (f.d[k].cls < 0)
			bad = true;
	}
	if (a.from && (from = find_from(&o, &f, a.from)) < 0) {
		rc = EXIT_TROUBLE;
		goto done;
	}
	if (class_members(&f) != 0) {
		cli_errorf(&o, SVMC_ERR_NOMEM, "out of memory");
		rc = EXIT_TROUBLE;
		goto done;
	}

	nc = f.nfc;
	res = calloc(nc ? nc * nc : 1, sizeof(*res));
	r.n = calloc(nc ? nc * nc : 1, sizeof(*r.n));
	r.df = malloc(sizeof(*r.df));
	if (!res || !r.n || !r.df) {
		cli_errorf(&o, SVMC_ERR_NOMEM, "out of memory");
		rc = EXIT_TROUBLE;
		goto done;
	}
	for (size_t i = 0; i < nc; i++)
		for (size_t j = 0; j < nc; j++) {
			if (i == j)
				continue;
			res[i * nc + j] = svmc_migrate_result(comp_of(&f, i), comp_of(&f, j));
			if ((from < 0 || (size_t)f.d[from].cls == i) &&
			    svmc_mresult_status(res[i * nc + j], false) != 0)
				rc = EXIT_FAIL;
		}
	r.mopt = m->name;
	r.guest = a.guest;
	r.silicon = a.view.silicon;
	print_matrix(&o, &r, m, res, from);
	if (blocked && rc == EXIT_PASS) /* a host the VM cannot run on: no safe move there */
		rc = EXIT_FAIL;
	if (bad)
		rc = EXIT_TROUBLE;
done:
	if (svmc_emit_fini(&o) != 0)
		rc = EXIT_TROUBLE;
	free(res);
	free(r.n);
	free(r.df);
	free(cpu);
	free(seen);
	free(guest);
	free(comp);
	fleet_free(&f);
	return rc;
}
