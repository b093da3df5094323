/*
 * cmd_replay.c - `svmcheck replay`: run the compiled model on every VMCB
 * record of the inputs and print one verdict per record (text for people,
 * NDJSON with -j, nothing with -q) and a summary; exit 0/1/2 (svmcheck-replay(1)).
 *
 * The model is compiled once for the CPU (-c, default host; --guest
 * composes); the library's ordered replay pipeline (svmcheck/replay.h,
 * src/replay/pipeline.c) reads and judges every record, on -t N threads,
 * and hands back batches in input order; this file formats them with the
 * record writer (emit/replay_fmt.c) into each batch's reused buffer and
 * writes them.  -t N writes exactly what -t 1 writes.
 *
 * Signals: SIGPIPE ends the run as its default action does (a `| head`
 * ends the run quietly, the reader has every line it asked for), even when
 * inherited as ignored, after removing an -o temporary file (the handler of
 * emit/atomic.c, which main installs for SIGTERM and SIGHUP too).  SIGINT
 * stops reading; the records already judged are written as complete lines,
 * no summary follows, -o leaves its target untouched, and the exit status is
 * 130 (128 + SIGINT, the shell's convention).  A second SIGINT ends the
 * process at once through that same handler (the readers retry reads cut by
 * a signal, so a read blocked on a quiet pipe sees the first one only when
 * data or the end arrives).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/run_emu.h"
#include "emit/atomic.h"
#include "emit/replay_fmt.h"
#include "svmcheck/check.h"
#include "svmcheck/cpu.h"
#include "svmcheck/record.h"
#include "svmcheck/replay.h"

#define EXIT_INTERRUPTED 130
#define MAX_THREADS SVMC_REPLAY_MAX_THREADS
#define FLUSH_AT (64u << 10)
#define LARGE_INPUT (64ull << 20) /* --progress default: an input this large */

enum { OPT_GUEST = 0x300, OPT_PROGRESS, OPT_NO_PROGRESS, OPT_RUN, OPT_KERNEL, OPT_VIEW };

struct replay_args {
	enum svmc_format format;
	const char *output;
	const char *cpu;
	const char *guest;
	const char *models; /* -m as given; NULL: the model follows each record's origin */
	const char *kernel; /* --kernel RELEASE: its KVM model becomes -m */
	const char *run;    /* --run EMULATOR, or NULL */
	bool cpu_given;     /* -c (else host, or with --run the emulator's CPU) */
	unsigned threads;
	int progress; /* -1 auto, 0 off, 1 on */
	struct cli_view view;
	bool bad_view;
	/* reported after parsing, in the output mode: */
	const char *bad_format, *bad_threads;
	char **inputs;
	int ninputs;
};

static const struct argp_option replay_options[] = {
	{ "cpu", 'c', "CPU", 0,
	  "The CPU that executes VMRUN: a profile file, a bundled name (epyc-milan, ...) or host "
	  "(default; with --run, the emulator's), with optional ,+FEATURE ,-FEATURE ,maxphyaddr=N",
	  0 },
	{ "guest", OPT_GUEST, "CPU", 0,
	  "Intersect the CPU with a guest CPU model (e.g. qemu-EPYC-v4): the L1 vCPU's view", 0 },
	{ "model", 'm', "MODEL[,MODEL...]", 0,
	  "Implementation models, side by side, or all: {models}; default: by each record's "
	  "origin (apm for hardware-run VMCBs, kvm for pages and nested states)",
	  0 },
	{ "kernel", OPT_KERNEL, "RELEASE", 0,
	  "Judge by the KVM model of Linux RELEASE (6.12, 7.0.2, 6.12.20-1-amd64) and the L1 view "
	  "it offers: the kernel table of svmcheck checks --kernels",
	  0 },
	CLI_VIEW_OPTION(OPT_VIEW),
	{ "format", 'f', "FMT", 0,
	  "Input format: auto (default, per input from its content), {formats}", 0 },
	{ "output", 'o', "FILE", 0,
	  "Write to FILE (through a temporary file and rename) instead of standard output", 0 },
	{ "threads", 't', "N", 0,
	  "Judge records on N threads (1-256, default 1); output order unchanged", 0 },
	{ "progress", OPT_PROGRESS, NULL, 0,
	  "Show records/s and bytes on stderr (default: on when stderr is a terminal and there is "
	  "more than one input or a large one, unless -q)",
	  0 },
	{ "no-progress", OPT_NO_PROGRESS, NULL, 0, "Never show progress", 0 },
	{ "run", OPT_RUN, "EMULATOR", 0,
	  "Also run each record under the real emulator (qemu or bochs) with the conformance "
	  "guest, and print its verdict beside its own model's",
	  0 },
	{ 0 }
};

static error_t replay_parse(int key, char *arg, struct argp_state *state)
{
	struct replay_args *a = state->input;
	char *end;
	unsigned long n;

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = NULL;
		return 0;
	case 'c':
		a->cpu = arg;
		a->cpu_given = true;
		return 0;
	case OPT_GUEST:
		a->guest = arg;
		return 0;
	case 'm':
		a->models = arg;
		return 0;
	case 'f':
		a->bad_format = svmc_format_parse(arg, &a->format) != 0 ? arg : NULL;
		return 0;
	case 'o':
		a->output = arg;
		return 0;
	case 't':
		errno = 0;
		n = strtoul(arg, &end, 10);
		if (errno || end == arg || *end || n < 1 || n > MAX_THREADS || arg[0] == '-')
			a->bad_threads = arg;
		else
			a->bad_threads = NULL;
		a->threads = (unsigned)n;
		return 0;
	case OPT_PROGRESS:
		a->progress = 1;
		return 0;
	case OPT_NO_PROGRESS:
		a->progress = 0;
		return 0;
	case OPT_RUN:
		a->run = arg;
		return 0;
	case OPT_KERNEL:
		a->kernel = arg;
		return 0;
	case OPT_VIEW:
		a->bad_view = cli_view_parse(arg, &a->view) != 0;
		return 0;
	case ARGP_KEY_ARGS:
		a->inputs = state->argv + state->next;
		a->ninputs = state->argc - state->next;
		return 0;
	case ARGP_KEY_NO_ARGS:
		argp_error(state, "no INPUT given (use - for standard input)");
		return 0;
	case ARGP_KEY_END:
		if (cli_g.quiet && a->output)
			argp_error(state, "-q prints nothing, so -o FILE has nothing to write");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp replay_argp = {
	replay_options,
	replay_parse,
	"INPUT...",
	"Run the VMRUN consistency checks of a model on every VMCB record of the inputs and print "
	"one verdict per record (VMRUN, VMEXIT_INVALID with every failing check, or INCOMPLETE; "
	"RESTORED or EINVAL for a KVM nested state, whose restore KVM_SET_NESTED_STATE judges) "
	"and a summary.  Each record is judged for what it is: a hardware-run VMCB (a KVM or Xen "
	"dump) by the architecture (apm), a page or a nested state by kvm, unless -m names the "
	"models.  With -j, one JSON object per record and a summary object (NDJSON).\v"
	"Exit status: 0 every record passes under every model, 1 some record VMEXIT_INVALID, "
	"EINVAL or INCOMPLETE (or, with --run, a real verdict the emulator's model does not "
	"give), 2 trouble (a usage error, an unreadable or malformed input, a CPU "
	"without SVM), 130 interrupted.  See svmcheck-replay(1).",
	cli_output_children,
	cli_help_filter,
	NULL
};

/* ---- signals -------------------------------------------------------------- */

static volatile sig_atomic_t interrupted;
static struct run_emu *emu;            /* --run: the records' real verdicts */
static struct sigaction sigint_before; /* main's: remove the -o temporary file and die */

static void on_sigint(int sig)
{
	interrupted = 1;
	sigaction(sig, &sigint_before, NULL); /* a second ^C ends the process */
}

/* ---- progress on stderr --------------------------------------------------- */

struct progress {
	bool on, tty, shown;
	double start, last;
	uint64_t total; /* bytes of all inputs when every one is a regular file, else 0 */
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void human_bytes(char *buf, size_t n, double b)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	unsigned u = 0;

	while (b >= 1024 && u < 4) {
		b /= 1024;
		u++;
	}
	snprintf(buf, n, u ? "%.1f %s" : "%.0f %s", b, unit[u]);
}

static void progress_show(struct progress *p, uint64_t records, uint64_t bytes, bool final)
{
	double t = now(), el = t - p->start;
	char b[32], r[32];

	if (!p->on || (!final && t - p->last < (p->tty ? 0.25 : 1.0)))
		return;
	p->last = t;
	if (el <= 0)
		el = 1e-9;
	human_bytes(b, sizeof(b), (double)bytes);
	human_bytes(r, sizeof(r), (double)bytes / el);
	if (p->total && bytes <= p->total) {
		/* the size is known: how far, and when it ends at this rate */
		char tot[32], eta[32] = "";
		double rate = (double)bytes / el, left = (double)(p->total - bytes);

		human_bytes(tot, sizeof(tot), (double)p->total);
		if (!final && bytes && rate > 0) {
			unsigned long s = (unsigned long)(left / rate + 0.5);

			snprintf(eta, sizeof(eta), ", ETA %lu:%02lu:%02lu", s / 3600, s / 60 % 60,
				 s % 60);
		}
		fprintf(stderr,
			"%ssvmcheck: replay: %" PRIu64
			" record%s, %s of %s (%.0f%%), %.0f records/s, "
			"%s/s%s%s",
			p->tty ? "\r\033[K" : "", records, records == 1 ? "" : "s", b, tot,
			100.0 * (double)bytes / (double)p->total, (double)records / el, r, eta,
			p->tty ? "" : "\n");
	} else {
		fprintf(stderr,
			"%ssvmcheck: replay: %" PRIu64 " record%s, %s, %.0f records/s, %s/s%s",
			p->tty ? "\r\033[K" : "", records, records == 1 ? "" : "s", b,
			(double)records / el, r, p->tty ? "" : "\n");
	}
	if (final && p->tty)
		fputc('\n', stderr);
	p->shown = true;
}

/* ---- the run: the library's pipeline, this file's output ----------------- */

struct run {
	const struct replay_args *a;
	struct svmc_judge judge[SVMC_PANEL_MAX];
	struct cli_view view[SVMC_PANEL_MAX]; /* how each judge's model sees the CPU */
	char views[1024];                     /* their JSON for the summary (fmt.views) */
	struct svmc_panel panel;
	bool quiet;
	struct out o;
	bool tty_out;          /* stdout is a terminal: write per input, promptly */
	struct replay_fmt fmt; /* the main thread's */
	struct replay_counts k;
	struct progress prog;
	bool stop; /* the output failed */
};

/* What one batch of the pipeline becomes: formatted bytes and verdict counts. */
struct batch_out {
	struct rbuf b;
	struct replay_counts k;
};

/* The stderr half of cli_report(): the JSON object goes into the ordered stream. */
static void report_stderr(const struct svmc_diag *d)
{
	cli_report_text(d);
}

/* Move b into the output stream; stop the run if writing failed. */
static void drain(struct run *run, struct rbuf *b)
{
	if (b->len) {
		if (run->o.mode == OUT_JSON_PRETTY)
			svmc_emit_pretty_raw(&run->o, b->p,
					     b->len); /* -p: indent like every other command */
		else
			svmc_emit_raw(&run->o, b->p, b->len);
		b->len = 0;
	}
	if (b->oom) {
		cli_errorf(&run->o, SVMC_ERR_NOMEM, "out of memory");
		run->o.error = true;
	}
	if (run->o.error)
		run->stop = true;
}

/* Each worker formats with its own copy: the input-name cache is per thread. */
static void worker_init(void *arg, void *w)
{
	struct replay_fmt *f = w;

	*f = ((struct run *)arg)->fmt;
	f->prefix = (struct rbuf){ 0 };
	f->last_input = NULL;
	f->last_format = SVMC_FMT_COUNT;
}

static void worker_fini(void *arg, void *w)
{
	(void)arg;
	svmc_replay_fmt_fini(w);
}

static void out_fini(void *arg, void *out)
{
	(void)arg;
	svmc_rbuf_free(&((struct batch_out *)out)->b);
}

static void print_record(void *w, void *out, const struct svmc_record *r,
			 const struct svmc_result *res, unsigned nres)
{
	struct batch_out *bo = out;
	size_t start = bo->b.len;

	svmc_replay_fmt_record(w, &bo->b, r, res, nres, &bo->k);
	if (emu)
		run_emu_format(emu, w, &bo->b, start, r);
}

static void print_error(void *w, void *out, const struct svmc_diag *d)
{
	struct batch_out *bo = out;

	svmc_replay_fmt_error(w, &bo->b, d, &bo->k);
}

static void quiet_record(void *w, void *out, const struct svmc_record *r,
			 const struct svmc_result *res, unsigned nres)
{
	(void)w;
	svmc_replay_count(&((struct batch_out *)out)->k, r, res, nres);
}

static void quiet_error(void *w, void *out, const struct svmc_diag *d)
{
	(void)w;
	(void)d;
	((struct batch_out *)out)->k.errors++;
}

/* A batch, in input order: add its counts, write its bytes (all of them, or once there are many). */
static int write_batch(void *arg, void *out, bool all)
{
	struct run *run = arg;
	struct batch_out *bo = out;

	svmc_replay_counts_add(&run->k, &bo->k);
	memset(&bo->k, 0, sizeof(bo->k));
	if (run->quiet || run->o.error)
		bo->b.len = 0;
	else if (all || bo->b.len >= FLUSH_AT)
		drain(run, &bo->b);
	return run->stop ? -1 : 0;
}

static void on_diag(void *arg, const struct svmc_diag *d)
{
	(void)arg;
	report_stderr(d); /* stderr is unbuffered: one line per call */
}

/* A terminal wants each input's lines now. */
static void on_input_done(void *arg)
{
	struct run *run = arg;

	if (svmc_emit_flush(&run->o) != 0)
		run->stop = true;
}

static bool on_stop(void *arg)
{
	struct run *run = arg;

	if (interrupted)
		run->stop = true;
	return run->stop;
}

static void on_progress(void *arg, uint64_t records, uint64_t bytes)
{
	progress_show(&((struct run *)arg)->prog, records, bytes, false);
}

/* Judge every input through the library's pipeline (svmcheck/replay.h). */
static void run_pipeline(struct run *run, struct svmc_input_stats *st)
{
	const struct svmc_replay_opts opts = { &run->panel, run->a->format, run->a->threads,
					       run->tty_out };
	struct svmc_replay_ops ops = { sizeof(struct replay_fmt),
				       worker_init,
				       worker_fini,
				       sizeof(struct batch_out),
				       out_fini,
				       run->quiet ? quiet_record : print_record,
				       run->quiet ? quiet_error : print_error,
				       write_batch,
				       on_diag,
				       on_input_done,
				       on_stop,
				       run->prog.on ? on_progress : NULL };
	struct svmc_diag d;

	svmc_diag_init(&d, NULL);
	if (svmc_replay_run(&opts, (const char *const *)run->a->inputs, (size_t)run->a->ninputs,
			    &ops, run, st, &d) != SVMC_OK) {
		cli_report(&run->o, &d);
		run->o.error = true;
	}
}

/* ---- set-up --------------------------------------------------------------- */

/*
 * Bytes of all inputs when every one is a regular file (the progress's
 * 100%; standard input counts from its offset when it is a file), else 0.
 */
static uint64_t inputs_size(const struct replay_args *a)
{
	uint64_t total = 0;

	for (int i = 0; i < a->ninputs; i++) {
		bool in = strcmp(a->inputs[i], "-") == 0;
		struct stat st;
		off_t at = 0;

		if ((in ? fstat(STDIN_FILENO, &st) : stat(a->inputs[i], &st)) != 0 ||
		    !S_ISREG(st.st_mode))
			return 0;
		if (in && (at = lseek(STDIN_FILENO, 0, SEEK_CUR)) < 0)
			return 0;
		if (at < st.st_size)
			total += (uint64_t)(st.st_size - at);
	}
	return total;
}

static bool auto_progress(const struct replay_args *a)
{
	struct stat st;

	if (cli_g.quiet || !isatty(STDERR_FILENO))
		return false;
	if (a->ninputs > 1)
		return true;
	return strcmp(a->inputs[0], "-") != 0 && stat(a->inputs[0], &st) == 0 &&
	       (uint64_t)st.st_size >= LARGE_INPUT;
}

/*
 * Resolve -c and --guest into cpu (caller-owned, large).  0 or -1 after
 * reporting.  An error in a profile file keeps its position ("-c FILE:LINE: ...").
 */
static int resolve_cpu(struct run *run, struct svmc_cpu *cpu, struct out *eo)
{
	struct svmc_diag d;
	struct svmc_cpu *guest;
	char where[512];

	svmc_diag_init(&d, run->a->cpu);
	if (emu && !run->a->cpu_given)
		*cpu = *run_emu_cpu(emu);
	else if (svmc_cpu_resolve(run->a->cpu, cpu, &d) != SVMC_OK) {
		svmc_diag_format(&d, where, sizeof(where));
		cli_errorf(eo, d.code, "-c %s", where);
		return -1;
	}
	if (!run->a->guest)
		return 0;
	guest = malloc(sizeof(*guest));
	if (!guest) {
		cli_errorf(eo, SVMC_ERR_NOMEM, "out of memory");
		return -1;
	}
	svmc_diag_init(&d, run->a->guest);
	if (svmc_cpu_resolve(run->a->guest, guest, &d) != SVMC_OK) {
		svmc_diag_format(&d, where, sizeof(where));
		cli_errorf(eo, d.code, "--guest %s", where);
		free(guest);
		return -1;
	}
	svmc_cpu_compose(cpu, guest);
	free(guest);
	return 0;
}

/*
 * The panel: the models of -m side by side, or without -m one model per
 * origin (svmc_model_for_origin()).  Only the models are set here; they are
 * compiled once the CPU is known.  0, or -1 after reporting.
 */
static int set_models(struct run *run, const struct replay_args *a)
{
	struct svmc_panel *p = &run->panel;
	const struct svmc_model *m[SVMC_PANEL_MAX];
	struct svmc_judge *js[SVMC_PANEL_MAX];
	unsigned n;

	if (a->models) {
		if (cli_parse_models(a->models, m, SVMC_PANEL_MAX, &n) != 0)
			return -1;
		for (unsigned i = 0; i < n; i++) {
			run->judge[i].model = m[i];
			p->j[i] = &run->judge[i];
		}
		p->n = n;
		return 0;
	}
	for (unsigned i = 0; i < SVMC_PANEL_MAX; i++)
		js[i] = &run->judge[i];
	return svmc_panel_by_origin(p, js, SVMC_PANEL_MAX) ? 0 : -1;
}

/*
 * JSON, in the summary: how each judge's model saw the CPU, so that a
 * script (and `svmcheck summary`, across shards) knows the view and kernel
 * behind the verdicts: ,"views":[{"model","view","kernel","l1_removed"}].
 */
static void views_json(struct run *run)
{
	char *b = run->views, series[24];
	size_t n = sizeof(run->views), len = 0;

/* past the end, snprintf only counts: never a pointer beyond the buffer */
#define VPUT(...) \
	(len += (size_t)snprintf(len < n ? b + len : NULL, len < n ? n - len : 0, __VA_ARGS__))
	VPUT(",\"views\":[");
	for (unsigned i = 0; i < run->panel.n && len < n; i++) {
		const struct cli_view *v = &run->view[i];
		bool first = true;

		VPUT("%s{\"model\":\"%s\",\"view\":\"%s\",\"kernel\":", i ? "," : "",
		     run->judge[i].model->name, v->turned ? "l1" : "silicon");
		if (v->turned)
			VPUT("\"%s\"", svmc_kernel_series(v->row, series, sizeof(series)));
		else
			VPUT("null");
		VPUT(",\"l1_removed\":[");
		for (size_t r = 0; r < svmc_l1_rule_count(); r++) {
			const struct svmc_l1_rule *rule = svmc_l1_rule_at(r);

			if (svmc_featset_has(&v->removed, rule->feature)) {
				VPUT("%s\"%s\"", first ? "" : ",",
				     svmc_feature_table[rule->feature].name);
				first = false;
			}
		}
		VPUT("]}");
	}
	VPUT("]");
#undef VPUT
	if (len >= n) /* cannot happen with 8 judges of a dozen names: say nothing wrong */
		b[0] = '\0';
}

/*
 * Text, after the summary: what the L1 view of each judge that judged a
 * record removed, once per distinct view (several -m KVM models may differ).
 */
static void view_notes(struct run *run, const char *cpu_name)
{
	for (unsigned i = 0; i < run->panel.n; i++) {
		bool said = false;
		uint64_t judged = 0;

		if (run->panel.by_origin) /* one verdict per record, by the judge of its origin */
			for (unsigned o = 0; o < SVMC_ORIGIN_COUNT; o++)
				judged += run->panel.origin[o] == i ? run->k.origins[o] : 0;
		else
			judged = run->k.records;
		if (!judged)
			continue;

		for (unsigned j = 0; j < i; j++)
			said |= run->view[j].turned && run->view[j].row == run->view[i].row &&
				memcmp(&run->view[j].removed, &run->view[i].removed,
				       sizeof(run->view[i].removed)) == 0;
		if (!said)
			cli_view_note(&run->o, cpu_name, &run->view[i]);
	}
}

int cmd_replay(int argc, char **argv)
{
	struct replay_args a = {
		.format = SVMC_FMT_AUTO, .cpu = "host", .threads = 1, .progress = -1
	};
	struct svmc_atomic_file of = { 0 };
	struct run *run;
	struct svmc_cpu *cpu, *seen;
	struct svmc_diag d;
	struct svmc_input_stats st;
	struct rbuf sb = { 0 };
	bool to_file, failed_write;
	enum svmc_err e;
	int status;

	if (argp_parse(&replay_argp, argc, argv, 0, NULL, &a) != 0)
		return EXIT_TROUBLE;
	if (a.bad_format) {
		cli_unknown_format(NULL, a.bad_format);
		return EXIT_TROUBLE;
	}
	if (a.bad_threads) {
		cli_errorf(NULL, SVMC_ERR_USAGE,
			   "-t takes a number of threads from 1 to %d, not '%s'", MAX_THREADS,
			   a.bad_threads);
		return EXIT_TROUBLE;
	}
	if (a.bad_view || (a.kernel && cli_kernel_model("--kernel", a.kernel, a.models, &a.models,
							&a.view.kernel) != 0))
		return EXIT_TROUBLE;
	run = calloc(1, sizeof(*run));
	cpu = malloc(sizeof(*cpu));
	seen = malloc(sizeof(*seen));
	if (!run || !cpu || !seen) {
		cli_errorf(NULL, SVMC_ERR_NOMEM, "out of memory");
		free(run);
		free(cpu);
		free(seen);
		return EXIT_TROUBLE;
	}
	run->a = &a;
	run->quiet = cli_g.quiet;
	to_file = a.output && strcmp(a.output, "-") != 0;
	/* a usage error, reported as the other usage errors are (before the output opens) */
	if (set_models(run, &a) != 0) {
		free(run);
		free(cpu);
		free(seen);
		return EXIT_TROUBLE;
	}

	/* Errors before any record: stdout carries a JSON error object with -j. */
	cli_out_open(&run->o);
	/* the -o rule (cli_outfile_open applies it too) before any work */
	if (cli_outfile_refuse(&run->o, a.output, a.inputs, a.ninputs) != 0)
		goto trouble;
	/* --run without -c: the emulator's CPU, known once the guest has printed it */
	if ((!a.run || a.cpu_given) && resolve_cpu(run, cpu, &run->o) != 0)
		goto trouble;
	{
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_sigint;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, &sigint_before);
	}
	if (a.run) {
		int rc = run_emu_start(a.run, a.inputs, a.ninputs, a.format, &interrupted, &run->o,
				       &emu);

		if (rc > 0) {
			svmc_emit_fini(&run->o);
			free(cpu);
			free(seen);
			free(run);
			return EXIT_INTERRUPTED;
		}
		if (rc < 0 || (!a.cpu_given && resolve_cpu(run, cpu, &run->o) != 0))
			goto trouble;
	}
	for (unsigned i = 0; i < run->panel.n; i++) {
		svmc_diag_init(&d, NULL);
		run->view[i] = a.view;
		cli_view_cpu(&run->view[i], run->judge[i].model, cpu, seen);
		e = svmc_judge_compile(&run->judge[i], run->judge[i].model, seen, &d);
		if (e == SVMC_ERR_NOSVM) {
			cli_errorf(&run->o, e, "%s; give a profile with -c, e.g. -c epyc-milan",
				   d.msg);
			goto trouble;
		}
		if (e != SVMC_OK) {
			cli_errorf(&run->o, e, "-c %s: %s", a.cpu, d.msg);
			goto trouble;
		}
	}

	if (to_file) {
		svmc_emit_fini(&run->o);
		if (cli_outfile_open(NULL, &of, a.output, a.inputs, a.ninputs) != 0 ||
		    svmc_emit_init(&run->o, of.f, cli_out_mode(), false) != 0) {
			if (of.f) {
				cli_errorf(NULL, SVMC_ERR_NOMEM, "out of memory");
				cli_outfile_close(&of, false);
			}
			free(cpu);
			free(seen);
			free(run);
			run_emu_free(emu);
			return EXIT_TROUBLE;
		}
	}
	run->tty_out = !to_file && isatty(STDOUT_FILENO);
	if (svmc_replay_fmt_init(
		    &run->fmt, &run->panel, cli_g.json ? REPLAY_JSON : REPLAY_TEXT, cpu->name,
		    cpu->guest[0] ? cpu->guest : NULL, svmc_emit_color(&run->o, OUT_C_PASS),
		    svmc_emit_color(&run->o, OUT_C_FAIL), svmc_emit_color(&run->o, OUT_C_WARN),
		    svmc_emit_color(&run->o, OUT_C_RESET)) != 0) {
		cli_errorf(&run->o, SVMC_ERR_LIMIT, "CPU name too long");
		if (to_file)
			cli_outfile_close(&of, false);
		goto trouble;
	}
	run->fmt.width = run->o.width; /* the terminal's, or 80 (emit.h) */
	views_json(run);
	run->fmt.views = run->views[0] ? run->views : NULL;
	run->prog.on = a.progress == 1 || (a.progress < 0 && auto_progress(&a));
	run->prog.tty = isatty(STDERR_FILENO);
	run->prog.total = run->prog.on ? inputs_size(&a) : 0;
	run->prog.start = run->prog.last = now();

	svmc_atomic_catch_signal(SIGPIPE, true);

	run_pipeline(run, &st);
	cli_note_logs_without_dump(&st);

	if (run->prog.on)
		progress_show(&run->prog, st.records, st.bytes, true);
	if (!run->quiet && !interrupted) {
		svmc_replay_fmt_summary(&run->fmt, &sb, &run->k);
		drain(run, &sb);
		if (!cli_g.json)
			view_notes(run, cpu->name);
	}
	svmc_rbuf_free(&sb);
	svmc_replay_fmt_fini(&run->fmt);
	failed_write = run->o.error;
	if (svmc_emit_fini(&run->o) != 0)
		failed_write = true;
	/* a failed write to stdout is said at exit, by main's check of stdout */
	if (failed_write && to_file)
		cli_errorf(NULL, SVMC_ERR_IO, "cannot write %s: %s", a.output, strerror(errno));
	/* a failure to finish the file is reported by cli_outfile_close */
	if (to_file && cli_outfile_close(&of, !failed_write && !interrupted) != 0 && !interrupted)
		failed_write = true;

	if (interrupted)
		status = EXIT_INTERRUPTED;
	else if (run->k.errors || failed_write)
		status = EXIT_TROUBLE;
	else if (run->k.vmexit_invalid || run->k.einval || run->k.incomplete ||
		 (emu && run_emu_disagreements(emu)))
		status = EXIT_FAIL;
	else
		status = EXIT_PASS;
	free(cpu);
	free(seen);
	free(run);
	run_emu_free(emu);
	return status;

trouble:
	svmc_emit_fini(&run->o);
	free(cpu);
	free(seen);
	free(run);
	run_emu_free(emu);
	return EXIT_TROUBLE;
}
