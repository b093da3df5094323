/*
 * pipeline.c - the ordered parallel replay: every record of the inputs is
 * judged with one compiled model and handed to the caller in input order,
 * on one thread or on N.  See svmcheck/replay.h for the contract.
 *
 * threads = 1: the input loop reads INLINE_BATCH records at a time into one
 * array, each is judged and passed to the caller's record callback at once;
 * no threads, locks or copies.
 *
 * threads = N: the caller's thread reads records in input order into a
 * fixed ring of 2N+2 batches; N workers judge whole batches, each into the
 * batch's own output; the caller's thread writes finished batches strictly
 * in sequence.  Memory is bounded by the ring, output order equals input
 * order, and errors stay in place because they travel in the batches as
 * items.  A raw regular file is not read by the caller's thread at all: its
 * whole pages are a span, cut into batches that name a part of it, and each
 * worker reads its part itself with pread(2), so the reading runs on all
 * workers at once.  A text file whose format can tell record boundaries
 * (kvm-dump, xen-dump) is cut into chunks of text there by the caller's
 * thread; each worker parses a chunk with a reader of its own and judges
 * its records.  A chunk's records and lines are numbered from 0 while it is
 * parsed; once the chunk before it has been parsed, its worker knows where
 * the numbering of its input stands and shifts its records and errors by
 * that before it formats them, so the output is that of one thread.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "svmcheck/replay.h"

#define BATCH_RECORDS 256
#define BATCH_ERRORS 16
/*
 * Text per chunk, at least (a chunk ends at the first record boundary
 * after it): big enough that the hand-over is noise, small enough that a
 * ring of them stays a few MiB; a format of small records asks for less
 * (svmc_reader_chunk_bytes: traces).  SVMCHECK_CHUNK_BYTES overrides it, for
 * the tests only (tiny chunks put a boundary next to every record).
 */
#define CHUNK_BYTES (256u << 10)
/*
 * Records per read on one thread: 32 pages (128 KiB) stay in the cache
 * between the read that writes them and the checks that read them.
 */
#define INLINE_BATCH 32

_Static_assert(BATCH_RECORDS <= SVMC_SPAN_MAX, "a span part is read with one svmc_span_read()");

/* What both paths share: the caller's options and callbacks, the stop flag. */
struct run {
	const struct svmc_replay_opts *o;
	const struct svmc_replay_ops *ops;
	void *arg;
	bool failed; /* write() asked to stop */
};

static bool run_stop(void *vrun)
{
	const struct run *run = vrun;

	return run->failed || (run->ops->stop && run->ops->stop(run->arg));
}

static void run_progress(struct run *run, uint64_t records, uint64_t bytes)
{
	run->ops->progress(run->arg, records, bytes);
}

static void run_write(struct run *run, void *out, bool all)
{
	if (run->ops->write(run->arg, out, all) != 0)
		run->failed = true;
}

static void run_diag(struct run *run, const struct svmc_diag *d)
{
	if (run->ops->diag)
		run->ops->diag(run->arg, d);
}

/* ---- one thread ------------------------------------------------------------ */

struct inline_ctx {
	struct run run; /* first: the input loop's stop callback takes it */
	struct svmc_record *recs;
	void *w, *out;
};

static struct svmc_record *inline_slots(void *arg, size_t *n)
{
	*n = INLINE_BATCH;
	return ((struct inline_ctx *)arg)->recs;
}

static void inline_records(void *arg, struct svmc_record *recs, size_t n)
{
	struct inline_ctx *x = arg;
	const struct svmc_replay_ops *ops = x->run.ops;
	const struct svmc_panel *pn = x->run.o->panel;
	struct svmc_result res[SVMC_PANEL_MAX];

	for (size_t i = 0; i < n; i++) {
		unsigned k = svmc_panel_evaluate(pn, &recs[i], res);
		ops->record(x->w, x->out, &recs[i], res, k);
	}
	run_write(&x->run, x->out, false);
}

static void inline_error(void *arg, const struct svmc_diag *d)
{
	struct inline_ctx *x = arg;

	run_diag(&x->run, d);
	x->run.ops->error(x->w, x->out, d);
}

static void inline_input_done(void *arg)
{
	struct inline_ctx *x = arg;

	run_write(&x->run, x->out, true);
	if (x->run.o->sync_inputs && x->run.ops->input_done)
		x->run.ops->input_done(x->run.arg);
}

static void inline_progress(void *arg, uint64_t records, uint64_t bytes)
{
	run_progress(arg, records, bytes);
}

static enum svmc_err run_inline(struct inline_ctx *x, const char *const *inputs, size_t n,
				struct svmc_input_stats *st)
{
	const struct svmc_replay_ops *ops = x->run.ops;
	const struct svmc_input_ops iops = { inline_slots,
					     inline_records,
					     inline_error,
					     NULL,
					     inline_input_done,
					     run_stop,
					     ops->progress ? inline_progress : NULL,
					     NULL };

	x->recs = malloc(INLINE_BATCH * sizeof(*x->recs));
	x->w = calloc(1, ops->worker_size ? ops->worker_size : 1);
	x->out = calloc(1, ops->out_size ? ops->out_size : 1);
	if (!x->recs || !x->w || !x->out) {
		free(x->recs);
		free(x->w);
		free(x->out);
		return SVMC_ERR_NOMEM;
	}
	if (ops->worker_init)
		ops->worker_init(x->run.arg, x->w);
	svmc_inputs_run(inputs, n, x->run.o->format, &iops, x, st);
	run_write(&x->run, x->out, true);
	if (ops->worker_fini)
		ops->worker_fini(x->run.arg, x->w);
	if (ops->out_fini)
		ops->out_fini(x->run.arg, x->out);
	free(x->recs);
	free(x->w);
	free(x->out);
	return SVMC_OK;
}

/* ---- N threads: a ring of batches ------------------------------------------ */

/*
 * A batch is either filled by the caller's thread (records read in order,
 * with the errors met on the way kept at their places) or names a part of a
 * span that the worker reads itself.
 */
enum { B_FREE, B_FILLING, B_READY, B_WORKING, B_DONE };

struct batch {
	int state;
	unsigned n;               /* records in recs */
	struct svmc_record *recs; /* BATCH_RECORDS */
	unsigned nerr;
	unsigned err_at[BATCH_ERRORS]; /* errs[i] comes before recs[err_at[i]] */
	struct svmc_diag errs[BATCH_ERRORS];
	const struct svmc_span *span; /* non-NULL: read records span_first.. first */
	uint64_t span_first;
	unsigned span_n;
	void *out; /* the caller's batch output */
	/* a chunk of text, parsed by the worker (chunk set) */
	bool chunk;
	char *text; /* SVMC_CHUNK_MAX bytes, allocated on first use */
	size_t tlen;
	uint64_t tpos;                  /* input offset of text[0] */
	uint64_t chain;                 /* its place among its input's chunks */
	const struct svmc_reader *like; /* its input's reader */
	uint64_t input_seq;             /* which input (a reader's address may come back) */
	struct cerr *ce;                /* its errors, reported (diag) when it is written */
	size_t nce, cap_ce;
	bool lost; /* an error found no room (no memory): said as `lost_d` */
	struct svmc_diag lost_d;
};

/* An error of a chunk: before recs[at] of the round of records it was met in. */
struct cerr {
	struct svmc_diag d;
	unsigned at;
};

struct pool {
	struct run run; /* first: the input loop's stop callback takes it */
	pthread_mutex_t mu;
	pthread_cond_t work; /* a batch became READY, or the end */
	pthread_cond_t done; /* a batch became DONE */
	struct batch *ring;
	unsigned nring;
	uint64_t fill_seq;  /* next batch the reader fills */
	uint64_t claim_seq; /* next READY batch a worker takes */
	uint64_t write_seq; /* next batch the caller's thread writes */
	bool end;
	bool spans;        /* span batches of the current input were handed out */
	struct batch *cur; /* the batch being filled */
	size_t chunk_min;  /* SVMCHECK_CHUNK_BYTES (tests), else 0: the format's or CHUNK_BYTES */
	/* the chunks of the current input, parsed so far in order */
	pthread_cond_t chained; /* chain_next moved */
	uint64_t input_seq;
	uint64_t chain_next;             /* the chunk whose base is known */
	uint64_t chain_index;            /* its first record index */
	uint64_t chain_line;             /* lines before it */
	uint64_t chain_recs, chain_errs; /* what the chunks before it held */
};

struct worker {
	struct pool *p;
	void *w;
	pthread_t tid;
	struct svmc_reader *cr; /* chunk reader of input cr_seq */
	uint64_t cr_seq;
};

/* Lines of text[0..n): its newlines, and a last line without one. */
static uint64_t count_lines(const char *t, size_t n)
{
	const char *e = t + n, *q = t;
	uint64_t k = 0;

	while ((q = memchr(q, '\n', (size_t)(e - q))) != NULL) {
		k++;
		q++;
	}
	return k + (n && t[n - 1] != '\n');
}

static void chunk_error(struct batch *bt, const struct svmc_diag *d, unsigned at)
{
	if (bt->nce == bt->cap_ce) {
		size_t cap = bt->cap_ce ? 2 * bt->cap_ce : 16;
		struct cerr *ce = realloc(bt->ce, cap * sizeof(*ce));

		if (!ce) { /* out of memory: said (and counted) when the chunk is written */
			if (!bt->lost) {
				bt->lost = true;
				bt->lost_d = *d;
				bt->lost_d.code = SVMC_ERR_NOMEM;
				/* its line would be the chunk's own, not the input's */
				bt->lost_d.line = SVMC_NO_LINE;
				bt->lost_d.index = SVMC_NO_INDEX;
				snprintf(bt->lost_d.msg, sizeof(bt->lost_d.msg),
					 "out of memory: errors found in this part of the input "
					 "were not kept");
			}
			return;
		}
		bt->ce = ce;
		bt->cap_ce = cap;
	}
	bt->ce[bt->nce++] = (struct cerr){ *d, at };
}

/* Wait until the chunks before bt are parsed; their totals into *index and *line. */
static void chunk_base(struct pool *p, const struct batch *bt, uint64_t *index, uint64_t *line)
{
	pthread_mutex_lock(&p->mu);
	while (p->chain_next != bt->chain)
		pthread_cond_wait(&p->chained, &p->mu);
	*index = p->chain_index;
	*line = p->chain_line;
	pthread_mutex_unlock(&p->mu);
}

/* bt is parsed: the next chunk may go on from its totals. */
static void chunk_publish(struct pool *p, uint64_t index, uint64_t line, uint64_t recs,
			  uint64_t errs)
{
	pthread_mutex_lock(&p->mu);
	p->chain_index = index;
	p->chain_line = line;
	p->chain_recs += recs;
	p->chain_errs += errs;
	p->chain_next++;
	pthread_cond_broadcast(&p->chained);
	pthread_mutex_unlock(&p->mu);
}

/*
 * Parse chunk bt with the worker's chunk reader, BATCH_RECORDS records a
 * round, then number and judge each round as the one reader of the input
 * would have numbered it.
 */
static void process_chunk(struct pool *p, struct worker *wk, struct batch *bt)
{
	const struct svmc_replay_ops *ops = p->run.ops;
	const struct svmc_panel *pn = p->run.o->panel;
	struct svmc_result res[SVMC_PANEL_MAX];
	uint64_t lines = 0, bi = 0, bl = 0, recs = 0;
	bool based = false, end = false;
	struct svmc_diag d;
	size_t e = 0;

	bt->nce = 0;
	bt->lost = false;
	if (!wk->cr || wk->cr_seq != bt->input_seq) {
		svmc_reader_close(wk->cr);
		wk->cr = svmc_chunk_reader(bt->like);
		wk->cr_seq = bt->input_seq;
	}
	if (!wk->cr) {
		svmc_diag_init(&d, NULL);
		svmc_diag_set(&d, SVMC_ERR_NOMEM, "out of memory");
		chunk_error(bt, &d, 0);
		lines = count_lines(bt->text, bt->tlen);
		end = true;
	} else {
		svmc_chunk_reader_load(wk->cr, bt->text, bt->tlen, bt->tpos);
	}
	while (!based || !end) {
		unsigned n = 0;
		size_t first = bt->nce;

		while (!end && n < BATCH_RECORDS) {
			enum svmc_err er;

			svmc_diag_init(&d, NULL);
			er = svmc_reader_next(wk->cr, &bt->recs[n], &d);
			if (er == SVMC_OK) {
				n++;
				continue;
			}
			if (er != SVMC_ERR_EMPTY)
				chunk_error(bt, &d, n);
			end = er == SVMC_ERR_EMPTY || svmc_reader_failed(wk->cr);
		}
		recs += n;
		if (!based) {
			chunk_base(p, bt, &bi, &bl);
			based = true;
		}
		if (end && wk->cr) /* a chunk reader reads every line of its chunk */
			lines = svmc_reader_lines(wk->cr);
		if (end)
			chunk_publish(p, bi + (wk->cr ? svmc_reader_index(wk->cr) : 0), bl + lines,
				      recs, bt->nce);
		for (size_t k = first; k < bt->nce; k++) {
			struct svmc_diag *x = &bt->ce[k].d;

			if (x->line != SVMC_NO_LINE)
				x->line += bl;
			if (x->index != SVMC_NO_INDEX)
				x->index += bi;
		}
		for (unsigned i = 0; i <= n; i++) {
			for (e = first; e < bt->nce && bt->ce[e].at <= i; e++)
				if (bt->ce[e].at == i)
					ops->error(wk->w, bt->out, &bt->ce[e].d);
			first = e;
			if (i == n)
				break;
			bt->recs[i].index += bi;
			if (bt->recs[i].line != SVMC_NO_LINE)
				bt->recs[i].line += bl;
			unsigned k = svmc_panel_evaluate(pn, &bt->recs[i], res);
			ops->record(wk->w, bt->out, &bt->recs[i], res, k);
		}
	}
	if (bt->lost) /* counted as an error, in the output, as the errors it stands for */
		ops->error(wk->w, bt->out, &bt->lost_d);
}

static void process_batch(struct pool *p, void *w, struct batch *bt)
{
	const struct svmc_replay_ops *ops = p->run.ops;
	const struct svmc_panel *pn = p->run.o->panel;
	struct svmc_result res[SVMC_PANEL_MAX];
	unsigned e = 0;

	if (bt->span) {
		size_t got;
		struct svmc_diag d;

		svmc_diag_init(&d, bt->span->input);
		bt->n = 0;
		bt->nerr = 0;
		if (svmc_span_read(bt->span, bt->span_first, bt->recs, bt->span_n, &got, &d)) {
			run_diag(&p->run, &d);
			bt->err_at[0] = (unsigned)got;
			bt->errs[0] = d;
			bt->nerr = 1;
		}
		bt->n = (unsigned)got;
	}
	for (unsigned i = 0; i <= bt->n; i++) {
		for (; e < bt->nerr && bt->err_at[e] == i; e++)
			ops->error(w, bt->out, &bt->errs[e]);
		if (i == bt->n)
			break;
		unsigned k = svmc_panel_evaluate(pn, &bt->recs[i], res);
		ops->record(w, bt->out, &bt->recs[i], res, k);
	}
}

static void *worker(void *arg)
{
	struct worker *wk = arg;
	struct pool *p = wk->p;

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
		if (bt->chunk)
			process_chunk(p, wk, bt);
		else
			process_batch(p, wk->w, bt);
		pthread_mutex_lock(&p->mu);
		bt->state = B_DONE;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Write every DONE batch that is next in sequence; with wait, block for one. Lock held. */
static void write_done(struct pool *p, bool wait)
{
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
		/* a chunk's errors reach diag here, in input order, as with one thread */
		for (size_t i = 0; bt->chunk && i < bt->nce; i++)
			run_diag(&p->run, &bt->ce[i].d);
		if (bt->chunk && bt->lost)
			run_diag(&p->run, &bt->lost_d);
		run_write(&p->run, bt->out, true);
		pthread_mutex_lock(&p->mu);
		bt->state = B_FREE;
		p->write_seq++;
		wait = false; /* one written: go on only with what is ready */
	}
}

/* Hand the current batch to the workers. */
static void submit(struct pool *p)
{
	if (!p->cur || (!p->cur->n && !p->cur->nerr && !p->cur->span && !p->cur->chunk))
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
		bt->chunk = false;
		p->cur = bt;
		pthread_mutex_unlock(&p->mu);
	}
	return p->cur;
}

static struct svmc_record *pool_slots(void *arg, size_t *n)
{
	struct batch *bt = cur_batch(arg);

	*n = BATCH_RECORDS - bt->n;
	return &bt->recs[bt->n];
}

static void pool_records(void *arg, struct svmc_record *recs, size_t n)
{
	struct pool *p = arg;

	(void)recs; /* already in place: pool_slots handed out the room */
	p->cur->n += (unsigned)n;
}

static void pool_error(void *arg, const struct svmc_diag *d)
{
	struct pool *p = arg;
	struct batch *bt;

	run_diag(&p->run, d);
	bt = cur_batch(p);
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

static bool pool_span(void *arg, const struct svmc_span *sp)
{
	struct pool *p = arg;

	submit(p); /* what came before the span goes first */
	p->spans = true;
	for (uint64_t first = 0; first < sp->count; first += BATCH_RECORDS) {
		struct batch *bt;

		if (run_stop(&p->run))
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

/*
 * A text input in chunks: cut them on this thread, let the workers parse
 * and judge them, and wait for the last before the input loop goes on (it
 * needs their counts, and what could not be cut is read serially after).
 */
static bool pool_text(void *arg, struct svmc_reader *rd, const struct svmc_input_stats *st,
		      uint64_t *records, uint64_t *errors)
{
	struct pool *p = arg;
	size_t min = p->chunk_min ? p->chunk_min : svmc_reader_chunk_bytes(rd, CHUNK_BYTES);

	if (!svmc_reader_chunkable(rd, min))
		return false;
	submit(p); /* what came before goes first */
	pthread_mutex_lock(&p->mu);
	p->input_seq++;
	p->chain_next = 0;
	p->chain_index = 0;
	p->chain_line = 0;
	p->chain_recs = 0;
	p->chain_errs = 0;
	pthread_mutex_unlock(&p->mu);
	for (uint64_t seq = 0; !run_stop(&p->run); seq++) {
		struct batch *bt = cur_batch(p);

		if (!bt->text && !(bt->text = malloc(SVMC_CHUNK_MAX)))
			break; /* the rest is read serially */
		if (svmc_reader_next_chunk(rd, min, bt->text, SVMC_CHUNK_MAX, &bt->tlen,
					   &bt->tpos) != SVMC_CHUNK_TEXT)
			break;
		bt->chunk = true;
		bt->chain = seq;
		bt->like = rd;
		bt->input_seq = p->input_seq;
		submit(p);
		if (p->run.ops->progress) {
			uint64_t recs;

			pthread_mutex_lock(&p->mu);
			recs = p->chain_recs;
			pthread_mutex_unlock(&p->mu);
			run_progress(&p->run, st->records + recs,
				     st->bytes + svmc_reader_bytes(rd));
		}
	}
	pool_wait_all(p);
	*records = p->chain_recs;
	*errors = p->chain_errs;
	svmc_reader_set_counts(rd, p->chain_index, p->chain_line);
	return true;
}

static void pool_input_done(void *arg)
{
	struct pool *p = arg;
	bool sync = p->run.o->sync_inputs;

	/*
	 * Span batches read the input's file: they must be finished before the
	 * reader closes it (and sync_inputs wants each input's output now).
	 */
	if (!p->spans && !sync)
		return;
	pool_wait_all(p);
	p->spans = false;
	if (sync && p->run.ops->input_done)
		p->run.ops->input_done(p->run.arg);
}

static void pool_progress(void *arg, uint64_t records, uint64_t bytes)
{
	run_progress(arg, records, bytes);
}

static void pool_free(struct pool *p, struct worker *wk, unsigned nt)
{
	const struct svmc_replay_ops *ops = p->run.ops;

	for (unsigned i = 0; wk && i < nt; i++) {
		if (wk[i].w && ops->worker_fini)
			ops->worker_fini(p->run.arg, wk[i].w);
		free(wk[i].w);
		svmc_reader_close(wk[i].cr);
	}
	free(wk);
	for (unsigned i = 0; p->ring && i < p->nring; i++) {
		if (p->ring[i].out && ops->out_fini)
			ops->out_fini(p->run.arg, p->ring[i].out);
		free(p->ring[i].out);
		free(p->ring[i].recs);
		free(p->ring[i].text);
		free(p->ring[i].ce);
	}
	free(p->ring);
	pthread_cond_destroy(&p->chained);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->done);
	pthread_mutex_destroy(&p->mu);
}

static enum svmc_err run_pool(struct pool *p, const char *const *inputs, size_t n,
			      struct svmc_input_stats *st, struct svmc_diag *d)
{
	const struct svmc_replay_ops *ops = p->run.ops;
	const struct svmc_input_ops iops = { pool_slots,
					     pool_records,
					     pool_error,
					     pool_span,
					     pool_input_done,
					     run_stop,
					     ops->progress ? pool_progress : NULL,
					     pool_text };
	const char *cb = getenv("SVMCHECK_CHUNK_BYTES");
	unsigned nt = p->run.o->threads, started = 0;
	struct worker *wk;
	bool ok = true;
	int err = 0;

	p->nring = 2 * nt + 2;
	p->ring = calloc(p->nring, sizeof(*p->ring));
	wk = calloc(nt, sizeof(*wk));
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	pthread_cond_init(&p->chained, NULL);
	p->chunk_min = cb && *cb ? strtoul(cb, NULL, 10) : 0;
	for (unsigned i = 0; p->ring && i < p->nring; i++) {
		p->ring[i].recs = malloc(BATCH_RECORDS * sizeof(struct svmc_record));
		p->ring[i].out = calloc(1, ops->out_size ? ops->out_size : 1);
		ok = ok && p->ring[i].recs && p->ring[i].out;
	}
	for (unsigned i = 0; wk && i < nt; i++) {
		wk[i].p = p;
		wk[i].w = calloc(1, ops->worker_size ? ops->worker_size : 1);
		if (!wk[i].w)
			ok = false;
		else if (ops->worker_init)
			ops->worker_init(p->run.arg, wk[i].w);
	}
	if (!p->ring || !wk || !ok) {
		pool_free(p, wk, nt);
		return svmc_diag_set(d, SVMC_ERR_NOMEM, "out of memory");
	}
	for (; started < nt; started++)
		if ((err = pthread_create(&wk[started].tid, NULL, worker, &wk[started])) != 0)
			break;
	if (!started) {
		pool_free(p, wk, nt);
		return svmc_diag_set(d, SVMC_ERR_LIMIT, "cannot start threads: %s", strerror(err));
	}
	svmc_inputs_run(inputs, n, p->run.o->format, &iops, p, st);
	submit(p);
	pthread_mutex_lock(&p->mu);
	p->end = true;
	pthread_cond_broadcast(&p->work);
	while (p->write_seq < p->fill_seq)
		write_done(p, true);
	pthread_mutex_unlock(&p->mu);
	for (unsigned i = 0; i < started; i++)
		pthread_join(wk[i].tid, NULL);
	pool_free(p, wk, nt);
	return SVMC_OK;
}

enum svmc_err svmc_replay_run(const struct svmc_replay_opts *o, const char *const *inputs, size_t n,
			      const struct svmc_replay_ops *ops, void *arg,
			      struct svmc_input_stats *st, struct svmc_diag *d)
{
	struct run run = { o, ops, arg, false };
	enum svmc_err e;

	memset(st, 0, sizeof(*st));
	if (o->threads < 1 || o->threads > SVMC_REPLAY_MAX_THREADS)
		return svmc_diag_set(d, SVMC_ERR_USAGE, "%u threads: 1 to %d", o->threads,
				     SVMC_REPLAY_MAX_THREADS);
	if (o->threads == 1) {
		struct inline_ctx x = { .run = run };

		e = run_inline(&x, inputs, n, st);
		if (e)
			return svmc_diag_set(d, e, "out of memory");
		st->stopped = st->stopped || x.run.failed;
		return SVMC_OK;
	}
	{
		struct pool *p = calloc(1, sizeof(*p));

		if (!p)
			return svmc_diag_set(d, SVMC_ERR_NOMEM, "out of memory");
		p->run = run;
		e = run_pool(p, inputs, n, st, d);
		st->stopped = st->stopped || p->run.failed;
		free(p);
		return e;
	}
}
