/*
 * inputs.c - the one input loop of every command that reads records
 * (inspect, replay, migrate): open each input in turn, detect or force its
 * format, read its records in batches into memory the caller hands out,
 * pass every error at its place, say when an input gave nothing at all,
 * and go on with the next input.  See svmcheck/replay.h.
 *
 * An input that gave nothing is an error ("no VMCB record"), except a
 * kernel log: when detection read the input as kvm-dump (its first lines
 * are kernel-log lines: "[   12.345678] ...", "<4>...", "kernel:") and that
 * reader found neither a dump nor a bad line, it is the log of a host whose
 * VMRUNs never failed.  A format given with -f is taken as a promise that a
 * dump is there: finding none stays an error.
 * That is counted in the stats (the caller notes it), not reported as an
 * error.  An empty input and an input no reader recognises stay errors
 * (svmc_reader_open reports them).
 */
#include <stdlib.h>
#include <string.h>

#include "svmcheck/replay.h"

#define PROGRESS_EVERY 1024

static bool stopping(const struct svmc_input_ops *ops, void *arg, struct svmc_input_stats *st)
{
	if (!st->stopped && ops->stop && ops->stop(arg))
		st->stopped = true;
	return st->stopped;
}

static void input_done(const struct svmc_input_ops *ops, void *arg)
{
	if (ops->input_done)
		ops->input_done(arg);
}

/*
 * The records of one open input rd; returns whether it gave an error.  *sp
 * belongs to the caller: a span handed out must stay valid until input_done.
 */
static bool read_input(struct svmc_reader *rd, const char *in, const struct svmc_input_ops *ops,
		       void *arg, struct svmc_input_stats *st, uint64_t *got, struct svmc_span *sp)
{
	struct svmc_diag d;
	uint64_t tick = 0;
	bool bad = false;
	enum svmc_err e;

	if (ops->span && svmc_reader_take_span(rd, sp)) {
		/* the span's own read errors come back through ops->error */
		if (ops->span(arg, sp)) {
			*got += sp->count;
			st->records += sp->count;
		}
	}
	if (ops->text) {
		uint64_t recs = 0, errs = 0;

		if (ops->text(arg, rd, st, &recs, &errs)) {
			*got += recs;
			st->records += recs;
			st->errors += errs;
			bad = errs > 0;
		}
	}
	for (;;) {
		struct svmc_record *recs;
		size_t room, k;

		if (stopping(ops, arg, st))
			break;
		recs = ops->slots(arg, &room);
		if (!recs || st->stopped)
			break;
		svmc_diag_init(&d, in);
		e = svmc_reader_next_batch(rd, recs, room, &k, &d);
		if (k) {
			*got += k;
			st->records += k;
			ops->records(arg, recs, k);
			tick += k;
			if (ops->progress && tick >= PROGRESS_EVERY) {
				tick = 0;
				ops->progress(arg, st->records, st->bytes + svmc_reader_bytes(rd));
			}
		}
		if (e == SVMC_OK)
			continue;
		if (e == SVMC_ERR_EMPTY)
			break;
		st->errors++;
		ops->error(arg, &d);
		bad = true;
		if (svmc_reader_failed(rd))
			break;
	}
	return bad;
}

void svmc_inputs_run(const char *const *inputs, size_t n, enum svmc_format fmt,
		     const struct svmc_input_ops *ops, void *arg, struct svmc_input_stats *st)
{
	memset(st, 0, sizeof(*st));
	for (size_t i = 0; i < n && !stopping(ops, arg, st); i++) {
		const char *in = inputs[i];
		struct svmc_reader *rd;
		struct svmc_diag d;
		struct svmc_span sp; /* read by the span's users until input_done */
		uint64_t got = 0;
		bool bad, log;

		svmc_diag_init(&d, in);
		if (svmc_reader_open(&rd, in, fmt, &d) != SVMC_OK) {
			st->errors++;
			ops->error(arg, &d);
			input_done(ops, arg);
			continue;
		}
		bad = read_input(rd, in, ops, arg, st, &got, &sp);
		st->bytes += svmc_reader_bytes(rd);
		log = fmt == SVMC_FMT_AUTO && svmc_reader_format(rd) == SVMC_FMT_KVM_DUMP;
		input_done(ops, arg); /* after this no span read uses rd's file */
		svmc_reader_close(rd);
		if (!got && !bad && !st->stopped && log) {
			if (!st->logs_without_dump++)
				st->first_log_without_dump = in;
		} else if (!got && !bad && !st->stopped) {
			svmc_diag_init(&d, in);
			svmc_diag_set(&d, SVMC_ERR_EMPTY, "no VMCB record");
			st->errors++;
			ops->error(arg, &d);
			input_done(ops, arg);
		}
	}
}

/* ---- one record at a time ----------------------------------------------- */

struct each {
	struct svmc_record *rec;
	void (*record)(void *arg, const struct svmc_record *r);
	void (*error)(void *arg, const struct svmc_diag *d);
	void *arg;
};

static struct svmc_record *each_slots(void *arg, size_t *n)
{
	*n = 1;
	return ((struct each *)arg)->rec;
}

static void each_records(void *arg, struct svmc_record *recs, size_t n)
{
	struct each *x = arg;

	for (size_t i = 0; i < n; i++)
		x->record(x->arg, &recs[i]);
}

static void each_error(void *arg, const struct svmc_diag *d)
{
	struct each *x = arg;

	x->error(x->arg, d);
}

enum svmc_err svmc_inputs_each(const char *const *inputs, size_t n, enum svmc_format fmt,
			       void (*record)(void *arg, const struct svmc_record *r),
			       void (*error)(void *arg, const struct svmc_diag *d), void *arg,
			       struct svmc_input_stats *st)
{
	static const struct svmc_input_ops ops = { each_slots, each_records, each_error, NULL,
						   NULL,       NULL,         NULL,       NULL };
	struct each x = { NULL, record, error, arg };

	memset(st, 0, sizeof(*st));
	x.rec = malloc(sizeof(*x.rec));
	if (!x.rec)
		return SVMC_ERR_NOMEM;
	svmc_inputs_run(inputs, n, fmt, &ops, &x, st);
	free(x.rec);
	return SVMC_OK;
}
