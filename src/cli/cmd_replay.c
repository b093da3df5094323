/*
 * cmd_replay.c - `svmcheck replay`: run the compiled model on every VMCB
 * record of the inputs and print one verdict per record (text for people,
 * NDJSON with -j, nothing with -q) and a summary; exit 0/1/2 (spec 5, 7).
 *
 * The model is compiled once for the CPU (-c, default host; --guest
 * composes); per record there is only svmc_evaluate() and, unless -q, the
 * record writer (out/replay_fmt.c) formatting into a reused buffer.
 *
 * -t N: the main thread reads records in input order into a fixed ring of
 * batches; N workers evaluate and format whole batches, each into the
 * batch's own buffer; the main thread writes finished batches strictly in
 * sequence.  Memory is bounded by the ring (2N+2 batches of BATCH_RECORDS
 * records), output order equals input order, and errors stay in place
 * because they travel in the batches as items.  -t 1 runs the same steps
 * inline, without threads, locks or copies.
 *
 * Signals: SIGPIPE keeps its default (a `| head` ends the run quietly, the
 * reader has every line it asked for).  SIGINT stops reading; the records
 * already judged are written as complete lines, no summary follows, -o
 * leaves its target untouched, and the exit status is 130 (128 + SIGINT,
 * the shell's convention).  A second SIGINT ends the process at once (the
 * readers retry reads cut by a signal, so a read blocked on a quiet pipe
 * sees the first one only when data or the end arrives).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "emit/atomic.h"
#include "emit/replay_fmt.h"
#include "svmcheck/check.h"
#include "svmcheck/cpu.h"
#include "svmcheck/record.h"

#define EXIT_INTERRUPTED 130
#define BATCH_RECORDS 256
#define MAX_THREADS 256
#define FLUSH_AT (64u << 10)
#define LARGE_INPUT (64ull << 20) /* --progress default: an input this large */

enum { OPT_GUEST = 0x300, OPT_PROGRESS, OPT_NO_PROGRESS };

struct replay_args {
	enum svmc_format format;
	const char *output;
	const char *cpu;
	const char *guest;
	const struct svmc_model *model;
	unsigned threads;
	int progress; /* -1 auto, 0 off, 1 on */
	char **inputs;
	int ninputs;
};

static const struct argp_option replay_options[] = {
	{ "cpu", 'c', "CPU", 0,
	  "The CPU that executes VMRUN: a profile file, a bundled name (epyc-milan, ...) or host "
	  "(default), with optional ,+FEATURE ,-FEATURE ,maxphyaddr=N",
	  0 },
	{ "guest", OPT_GUEST, "CPU", 0,
	  "Intersect the CPU with a guest CPU model (e.g. qemu-EPYC-v4): the L1 vCPU's view", 0 },
	{ "model", 'm', "MODEL", 0, "Implementation model: {models,default}", 0 },
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
	{ 0 }
};

static error_t replay_parse(int key, char *arg, struct argp_state *state)
{
	struct replay_args *a = state->input;
	char names[128], *end;
	unsigned long n;

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
	case 'm':
		a->model = svmc_model_lookup(arg);
		if (!a->model)
			argp_error(state, "unknown model '%s' (models: %s)", arg,
				   svmc_model_names(names, sizeof(names)));
		return 0;
	case 'f':
		if (svmc_format_parse(arg, &a->format) != 0)
			argp_error(state, "unknown format '%s' (auto, %s)", arg,
				   svmc_format_names(names, sizeof(names)));
		return 0;
	case 'o':
		a->output = arg;
		return 0;
	case 't':
		errno = 0;
		n = strtoul(arg, &end, 10);
		if (errno || end == arg || *end || n < 1 || n > MAX_THREADS || arg[0] == '-')
			argp_error(state, "-t takes a number of threads from 1 to %d, not '%s'",
				   MAX_THREADS, arg);
		a->threads = (unsigned)n;
		return 0;
	case OPT_PROGRESS:
		a->progress = 1;
		return 0;
	case OPT_NO_PROGRESS:
		a->progress = 0;
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
	"one verdict per record (VMRUN, VMEXIT_INVALID with every failing check, or INCOMPLETE) "
	"and a summary.  With -j, one JSON object per record and a summary object (NDJSON).\v"
	"Exit status: 0 every record VMRUN, 1 some record VMEXIT_INVALID or INCOMPLETE, 2 trouble "
	"(a usage error, an unreadable or malformed input, a CPU without SVM), 130 interrupted.  "
	"See svmcheck-replay(1).",
	cli_output_children,
	cli_help_filter,
	NULL
};

/* ---- signals -------------------------------------------------------------- */

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	interrupted = 1;
	signal(sig, SIG_DFL); /* a second ^C ends the process */
}

/* ---- progress on stderr --------------------------------------------------- */

struct progress {
	bool on, tty, shown;
	double start, last;
	uint64_t bytes_done; /* of finished inputs */
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
	fprintf(stderr, "%ssvmcheck: replay: %" PRIu64 " records, %s, %.0f records/s, %s/s%s",
		p->tty ? "\r\033[K" : "", records, b, (double)records / el, r, p->tty ? "" : "\n");
	if (final && p->tty)
		fputc('\n', stderr);
	p->shown = true;
}

/* ---- the run -------------------------------------------------------------- */

struct run {
	const struct replay_args *a;
	struct svmc_compiled comp;
	bool quiet;
	struct out o;
	bool tty_out;          /* stdout is a terminal: write per input, promptly */
	struct replay_fmt fmt; /* the main thread's */
	struct replay_counts k;
	struct progress prog;
	uint64_t nread; /* records read so far (for progress) */
	bool stop;      /* interrupted or the output failed */
};

static void report_stderr(const struct svmc_diag *d)
{
	char buf[512];

	svmc_diag_format(d, buf, sizeof(buf));
	fprintf(stderr, "svmcheck: %s\n", buf);
}

static inline void count_only(struct replay_counts *k, const struct svmc_result *res)
{
	k->records++;
	k->vmrun += res->verdict == SVMC_VMRUN;
	k->vmexit_invalid += res->verdict == SVMC_VMEXIT_INVALID;
	k->incomplete += res->verdict == SVMC_INCOMPLETE;
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
		fprintf(stderr, "svmcheck: out of memory\n");
		run->o.error = true;
	}
	if (run->o.error)
		run->stop = true;
}

/*
 * Feed every record and error of every input, in order, to a sink.  The
 * records are read in batches straight into the sink's memory (slots);
 * errors are passed where they occur.  Used by both the inline and the
 * threaded paths, so they read identically.
 */
struct sink {
	/* Room for the next records: a pointer and *n >= 1 of them, NULL to stop. */
	struct svmc_record *(*slots)(struct run *run, void *ctx, size_t *n);
	/* n records were read into the slots last handed out. */
	void (*records)(struct run *run, void *ctx, struct svmc_record *recs, size_t n);
	void (*error)(struct run *run, void *ctx, const struct svmc_diag *d);
	/* Optional: judge span sp (read by positional reads); false = not taken. */
	bool (*span)(struct run *run, void *ctx, const struct svmc_span *sp);
	void (*input_done)(struct run *run, void *ctx);
};

static void read_all(struct run *run, const struct sink *s, void *ctx)
{
	const struct replay_args *a = run->a;

	for (int i = 0; i < a->ninputs && !run->stop; i++) {
		const char *in = a->inputs[i];
		struct svmc_reader *rd;
		struct svmc_diag d;
		struct svmc_span sp;
		uint64_t got = 0, bad = 0, tick = 0;
		enum svmc_err e;

		svmc_diag_init(&d, in);
		e = svmc_reader_open(&rd, in, a->format, &d);
		if (e) {
			report_stderr(&d);
			s->error(run, ctx, &d);
			s->input_done(run, ctx);
			continue;
		}
		if (s->span && svmc_reader_take_span(rd, &sp)) {
			/* the span's own read errors come back through s->error */
			if (s->span(run, ctx, &sp)) {
				got += sp.count;
				run->nread += sp.count;
			}
		}
		for (;;) {
			struct svmc_record *recs;
			size_t room, k;

			if (interrupted) {
				run->stop = true;
				break;
			}
			recs = s->slots(run, ctx, &room);
			if (!recs || run->stop)
				break;
			svmc_diag_init(&d, in);
			e = svmc_reader_next_batch(rd, recs, room, &k, &d);
			if (k) {
				got += k;
				run->nread += k;
				s->records(run, ctx, recs, k);
				tick += k;
				if (run->prog.on && tick >= 1024) {
					tick = 0;
					progress_show(&run->prog, run->nread,
						      run->prog.bytes_done + svmc_reader_bytes(rd),
						      false);
				}
			}
			if (e == SVMC_OK)
				continue;
			if (e == SVMC_ERR_EMPTY)
				break;
			report_stderr(&d);
			s->error(run, ctx, &d);
			bad++;
			if (svmc_reader_failed(rd))
				break;
		}
		run->prog.bytes_done += svmc_reader_bytes(rd);
		s->input_done(run, ctx); /* after this no span read uses rd's file */
		svmc_reader_close(rd);
		if (!got && !bad && !run->stop) {
			svmc_diag_init(&d, in);
			svmc_diag_set(&d, SVMC_ERR_EMPTY, "no VMCB record");
			report_stderr(&d);
			s->error(run, ctx, &d);
			s->input_done(run, ctx);
		}
	}
}

/* ---- -t 1: inline --------------------------------------------------------- */

/*
 * Records per read: 32 pages (128 KiB) stay in the cache between the read
 * that writes them and the checks that read them.
 */
#define INLINE_BATCH 32

struct inline_ctx {
	struct svmc_record *recs;
	struct rbuf b;
};

static void inline_records(struct run *run, void *vctx, struct svmc_record *recs, size_t n)
{
	struct inline_ctx *x = vctx;
	struct svmc_result res;

	for (size_t i = 0; i < n; i++) {
		svmc_evaluate(&run->comp, &recs[i], &res);
		if (run->quiet) {
			count_only(&run->k, &res);
			continue;
		}
		svmc_replay_fmt_record(&run->fmt, &x->b, &recs[i], &res, &run->k);
	}
	if (x->b.len >= FLUSH_AT)
		drain(run, &x->b);
}

static void inline_error(struct run *run, void *vctx, const struct svmc_diag *d)
{
	struct inline_ctx *x = vctx;

	if (run->quiet) {
		run->k.errors++;
		return;
	}
	svmc_replay_fmt_error(&run->fmt, &x->b, d, &run->k);
}

static struct svmc_record *inline_slots(struct run *run, void *vctx, size_t *n)
{
	(void)run;
	*n = INLINE_BATCH;
	return ((struct inline_ctx *)vctx)->recs;
}

static void inline_input_done(struct run *run, void *vctx)
{
	struct inline_ctx *x = vctx;

	if (run->quiet)
		return;
	drain(run, &x->b);
	if (run->tty_out && svmc_emit_flush(&run->o) != 0)
		run->stop = true;
}

static const struct sink inline_sink = { inline_slots, inline_records, inline_error, NULL,
					 inline_input_done };

static void run_inline(struct run *run)
{
	struct inline_ctx x = { 0 };

	x.recs = malloc(INLINE_BATCH * sizeof(*x.recs));
	if (!x.recs) {
		fprintf(stderr, "svmcheck: out of memory\n");
		run->stop = true;
		run->o.error = true;
		return;
	}
	read_all(run, &inline_sink, &x);
	drain(run, &x.b);
	svmc_rbuf_free(&x.b);
	free(x.recs);
}

/* ---- -t N: a ring of batches ---------------------------------------------- */

/*
 * A batch is either filled by the main thread (records read in order, with
 * the errors met on the way kept at their places) or names a part of a span
 * that the worker reads itself with pread(2): then the reading runs on all
 * workers at once and the main thread only hands out parts and writes.
 */
#define BATCH_ERRORS 16

enum { B_FREE, B_FILLING, B_READY, B_WORKING, B_DONE };

struct batch {
	int state;
	uint64_t seq;
	unsigned n;               /* records in recs */
	struct svmc_record *recs; /* BATCH_RECORDS */
	unsigned nerr;
	unsigned err_at[BATCH_ERRORS]; /* errs[i] comes before recs[err_at[i]] */
	struct svmc_diag errs[BATCH_ERRORS];
	const struct svmc_span *span; /* non-NULL: read records span_first.. first */
	uint64_t span_first;
	unsigned span_n;
	struct rbuf out;
	struct replay_counts k;
};

struct pool {
	struct run *run;
	pthread_mutex_t mu;
	pthread_cond_t work; /* a batch became READY, or the end */
	pthread_cond_t done; /* a batch became DONE */
	struct batch *ring;
	unsigned nring;
	uint64_t fill_seq;  /* next batch the reader fills */
	uint64_t claim_seq; /* next READY batch a worker takes */
	uint64_t write_seq; /* next batch the main thread writes */
	bool end;
	bool spans;        /* span batches of the current input were handed out */
	struct batch *cur; /* the batch being filled */
};

static void batch_error(struct run *run, struct replay_fmt *fmt, struct batch *bt,
			const struct svmc_diag *d)
{
	if (run->quiet)
		bt->k.errors++;
	else
		svmc_replay_fmt_error(fmt, &bt->out, d, &bt->k);
}

static void process_batch(struct run *run, struct replay_fmt *fmt, struct batch *bt)
{
	struct svmc_result res;
	unsigned e = 0;

	bt->out.len = 0;
	memset(&bt->k, 0, sizeof(bt->k));
	if (bt->span) {
		size_t got;
		struct svmc_diag d;

		svmc_diag_init(&d, bt->span->input);
		bt->n = 0;
		bt->nerr = 0;
		if (svmc_span_read(bt->span, bt->span_first, bt->recs, bt->span_n, &got, &d)) {
			report_stderr(&d); /* stderr is unbuffered: one line per call */
			bt->err_at[0] = (unsigned)got;
			bt->errs[0] = d;
			bt->nerr = 1;
		}
		bt->n = (unsigned)got;
	}
	for (unsigned i = 0; i <= bt->n; i++) {
		for (; e < bt->nerr && bt->err_at[e] == i; e++)
			batch_error(run, fmt, bt, &bt->errs[e]);
		if (i == bt->n)
			break;
		svmc_evaluate(&run->comp, &bt->recs[i], &res);
		if (run->quiet)
			count_only(&bt->k, &res);
		else
			svmc_replay_fmt_record(fmt, &bt->out, &bt->recs[i], &res, &bt->k);
	}
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	struct run *run = p->run;
	struct replay_fmt fmt = run->fmt; /* own copy: the input-name cache is per thread */

	fmt.prefix = (struct rbuf){ 0 };
	fmt.last_input = NULL;
	fmt.last_format = SVMC_FMT_COUNT;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		struct batch *bt;

		while (p->claim_seq >= p->fill_seq && !p->end)
			pthread_cond_wait(&p->work, &p->mu);
		if (p->claim_seq >= p->fill_seq)
			break;
		bt = &p->ring[p->claim_seq % p->nring];
		p->claim_seq++;
		bt->state = B_WORKING;
		pthread_mutex_unlock(&p->mu);
		process_batch(run, &fmt, bt);
		pthread_mutex_lock(&p->mu);
		bt->state = B_DONE;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	svmc_replay_fmt_fini(&fmt);
	return NULL;
}

/* Write every DONE batch that is next in sequence; with wait, block for one. Lock held. */
static void write_done(struct pool *p, bool wait)
{
	struct run *run = p->run;

	for (;;) {
		struct batch *bt;

		if (p->write_seq >= p->fill_seq)
			return;
		bt = &p->ring[p->write_seq % p->nring];
		if (bt->state != B_DONE) {
			if (!wait)
				return;
			pthread_cond_wait(&p->done, &p->mu);
			continue;
		}
		pthread_mutex_unlock(&p->mu);
		run->k.records += bt->k.records;
		run->k.vmrun += bt->k.vmrun;
		run->k.vmexit_invalid += bt->k.vmexit_invalid;
		run->k.incomplete += bt->k.incomplete;
		run->k.errors += bt->k.errors;
		if (!run->quiet && !run->o.error)
			drain(run, &bt->out);
		else
			bt->out.len = 0;
		pthread_mutex_lock(&p->mu);
		bt->state = B_FREE;
		p->write_seq++;
		wait = false; /* one written: go on only with what is ready */
	}
}

/* Hand the current batch to the workers. */
static void submit(struct pool *p)
{
	if (!p->cur || (!p->cur->n && !p->cur->nerr && !p->cur->span))
		return;
	pthread_mutex_lock(&p->mu);
	p->cur->state = B_READY;
	p->fill_seq++;
	p->cur = NULL;
	pthread_cond_signal(&p->work);
	write_done(p, false);
	pthread_mutex_unlock(&p->mu);
}

/* The batch to fill next, taking a free one (writing finished ones) as needed. */
static struct batch *cur_batch(struct pool *p)
{
	if (p->cur && (p->cur->n == BATCH_RECORDS || p->cur->nerr == BATCH_ERRORS))
		submit(p);
	if (!p->cur) {
		struct batch *bt = &p->ring[p->fill_seq % p->nring];

		pthread_mutex_lock(&p->mu);
		while (bt->state != B_FREE)
			write_done(p, true);
		bt->state = B_FILLING;
		bt->n = 0;
		bt->nerr = 0;
		bt->span = NULL;
		bt->seq = p->fill_seq;
		p->cur = bt;
		pthread_mutex_unlock(&p->mu);
	}
	return p->cur;
}

static struct svmc_record *pool_slots(struct run *run, void *ctx, size_t *n)
{
	struct batch *bt = cur_batch(ctx);

	(void)run;
	*n = BATCH_RECORDS - bt->n;
	return &bt->recs[bt->n];
}

static void pool_records(struct run *run, void *ctx, struct svmc_record *recs, size_t n)
{
	struct pool *p = ctx;

	(void)run;
	(void)recs; /* already in place: pool_slots handed out the room */
	p->cur->n += (unsigned)n;
}

static void pool_error(struct run *run, void *ctx, const struct svmc_diag *d)
{
	struct batch *bt = cur_batch(ctx);

	(void)run;
	bt->err_at[bt->nerr] = bt->n;
	bt->errs[bt->nerr++] = *d;
}

/* Wait until every batch handed out is written. */
static void pool_wait_all(struct pool *p)
{
	submit(p);
	pthread_mutex_lock(&p->mu);
	while (p->write_seq < p->fill_seq)
		write_done(p, true);
	pthread_mutex_unlock(&p->mu);
}

static bool pool_span(struct run *run, void *ctx, const struct svmc_span *sp)
{
	struct pool *p = ctx;

	submit(p); /* what came before the span goes first */
	p->spans = true;
	for (uint64_t first = 0; first < sp->count; first += BATCH_RECORDS) {
		struct batch *bt;

		if (interrupted || run->stop)
			break;
		bt = cur_batch(p);
		bt->span = sp;
		bt->span_first = first;
		bt->span_n = sp->count - first < BATCH_RECORDS ? (unsigned)(sp->count - first) :
								 BATCH_RECORDS;
		submit(p);
	}
	return true;
}

static void pool_input_done(struct run *run, void *ctx)
{
	struct pool *p = ctx;

	/*
	 * Span batches read the input's file: they must be finished before the
	 * reader closes it (and a terminal wants each input's lines now).
	 */
	if (!p->spans && !run->tty_out)
		return;
	pool_wait_all(p);
	p->spans = false;
	if (run->tty_out && svmc_emit_flush(&run->o) != 0)
		run->stop = true;
}

static const struct sink pool_sink = { pool_slots, pool_records, pool_error, pool_span,
				       pool_input_done };

static void run_pool(struct run *run)
{
	struct pool p = { 0 };
	pthread_t tid[MAX_THREADS];
	unsigned nt = run->a->threads, started = 0;
	bool ok = true;

	p.run = run;
	p.nring = 2 * nt + 2;
	p.ring = calloc(p.nring, sizeof(*p.ring));
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.work, NULL);
	pthread_cond_init(&p.done, NULL);
	for (unsigned i = 0; p.ring && i < p.nring; i++) {
		p.ring[i].recs = malloc(BATCH_RECORDS * sizeof(struct svmc_record));
		if (!p.ring[i].recs)
			ok = false;
	}
	if (!p.ring || !ok) {
		fprintf(stderr, "svmcheck: out of memory\n");
		run->o.error = true;
		goto out;
	}
	for (; started < nt; started++)
		if (pthread_create(&tid[started], NULL, worker, &p) != 0)
			break;
	if (!started) {
		fprintf(stderr, "svmcheck: cannot start threads: %s\n", strerror(errno));
		run->o.error = true;
		goto out;
	}
	read_all(run, &pool_sink, &p);
	submit(&p);
	pthread_mutex_lock(&p.mu);
	p.end = true;
	pthread_cond_broadcast(&p.work);
	while (p.write_seq < p.fill_seq)
		write_done(&p, true);
	pthread_mutex_unlock(&p.mu);
	for (unsigned i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
out:
	for (unsigned i = 0; p.ring && i < p.nring; i++) {
		free(p.ring[i].recs);
		svmc_rbuf_free(&p.ring[i].out);
	}
	free(p.ring);
	pthread_cond_destroy(&p.work);
	pthread_cond_destroy(&p.done);
	pthread_mutex_destroy(&p.mu);
}

/* ---- set-up --------------------------------------------------------------- */

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
	if (svmc_cpu_resolve(run->a->cpu, cpu, &d) != SVMC_OK) {
		svmc_diag_format(&d, where, sizeof(where));
		cli_errorf(eo, "-c %s", where);
		return -1;
	}
	if (!run->a->guest)
		return 0;
	guest = malloc(sizeof(*guest));
	if (!guest) {
		cli_errorf(eo, "out of memory");
		return -1;
	}
	svmc_diag_init(&d, run->a->guest);
	if (svmc_cpu_resolve(run->a->guest, guest, &d) != SVMC_OK) {
		svmc_diag_format(&d, where, sizeof(where));
		cli_errorf(eo, "--guest %s", where);
		free(guest);
		return -1;
	}
	svmc_cpu_compose(cpu, guest);
	free(guest);
	return 0;
}

int cmd_replay(int argc, char **argv)
{
	struct replay_args a = {
		.format = SVMC_FMT_AUTO, .cpu = "host", .threads = 1, .progress = -1
	};
	struct svmc_atomic_file of = { 0 };
	struct run *run;
	struct svmc_cpu *cpu;
	struct svmc_diag d;
	struct rbuf sb = { 0 };
	bool to_file, failed_write;
	enum svmc_err e;
	int status;

	if (argp_parse(&replay_argp, argc, argv, 0, NULL, &a) != 0)
		return EXIT_TROUBLE;
	if (!a.model)
		a.model = svmc_model_default();
	run = calloc(1, sizeof(*run));
	cpu = malloc(sizeof(*cpu));
	if (!run || !cpu) {
		fprintf(stderr, "svmcheck: out of memory\n");
		free(run);
		free(cpu);
		return EXIT_TROUBLE;
	}
	run->a = &a;
	run->quiet = cli_g.quiet;
	to_file = a.output && strcmp(a.output, "-") != 0;

	/* Errors before any record: stdout carries a JSON error object with -j. */
	cli_out_open(&run->o);
	if (to_file && svmc_atomic_names_input(a.output, a.inputs, a.ninputs)) {
		cli_errorf(&run->o, "refusing to write %s: it is one of the inputs", a.output);
		goto trouble;
	}
	if (resolve_cpu(run, cpu, &run->o) != 0)
		goto trouble;
	svmc_diag_init(&d, NULL);
	e = svmc_compile(&run->comp, a.model, cpu, &d);
	if (e == SVMC_ERR_NOSVM) {
		cli_errorf(&run->o, "%s; give a profile with -c, e.g. -c epyc-milan", d.msg);
		goto trouble;
	}
	if (e != SVMC_OK) {
		cli_errorf(&run->o, "-c %s: %s", a.cpu, d.msg);
		goto trouble;
	}

	if (to_file) {
		svmc_emit_fini(&run->o);
		if (cli_outfile_open(&of, a.output) != 0 ||
		    svmc_emit_init(&run->o, of.f, cli_out_mode(), false) != 0) {
			if (of.f)
				cli_outfile_close(&of, false);
			free(cpu);
			free(run);
			return EXIT_TROUBLE;
		}
	}
	run->tty_out = !to_file && isatty(STDOUT_FILENO);
	if (svmc_replay_fmt_init(
		    &run->fmt, &run->comp, cli_g.json ? REPLAY_JSON : REPLAY_TEXT, cpu->name,
		    cpu->guest[0] ? cpu->guest : NULL, svmc_emit_color(&run->o, OUT_C_PASS),
		    svmc_emit_color(&run->o, OUT_C_FAIL), svmc_emit_color(&run->o, OUT_C_WARN),
		    svmc_emit_color(&run->o, OUT_C_RESET)) != 0) {
		cli_errorf(&run->o, "CPU name too long");
		if (to_file)
			cli_outfile_close(&of, false);
		goto trouble;
	}
	run->prog.on = a.progress == 1 || (a.progress < 0 && auto_progress(&a));
	run->prog.tty = isatty(STDERR_FILENO);
	run->prog.start = run->prog.last = now();

	signal(SIGPIPE, SIG_DFL);
	{
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_sigint;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
	}

	if (a.threads > 1)
		run_pool(run);
	else
		run_inline(run);

	if (run->prog.on)
		progress_show(&run->prog, run->nread, run->prog.bytes_done, true);
	if (!run->quiet && !interrupted) {
		svmc_replay_fmt_summary(&run->fmt, &sb, &run->k);
		drain(run, &sb);
	}
	svmc_rbuf_free(&sb);
	svmc_replay_fmt_fini(&run->fmt);
	failed_write = run->o.error;
	if (svmc_emit_fini(&run->o) != 0)
		failed_write = true;
	if (to_file && cli_outfile_close(&of, !failed_write && !interrupted) != 0 && !interrupted)
		failed_write = true;
	if (failed_write && errno != EPIPE)
		fprintf(stderr, "svmcheck: cannot write %s: %s\n",
			to_file ? a.output : "standard output", strerror(errno));

	if (interrupted)
		status = EXIT_INTERRUPTED;
	else if (run->k.errors || failed_write)
		status = EXIT_TROUBLE;
	else if (run->k.vmexit_invalid || run->k.incomplete)
		status = EXIT_FAIL;
	else
		status = EXIT_PASS;
	free(cpu);
	free(run);
	return status;

trouble:
	svmc_emit_fini(&run->o);
	free(cpu);
	free(run);
	return EXIT_TROUBLE;
}
