/*
 * svmcheck/replay.h - record pipelines over whole inputs: the input loop
 * (open each input, detect or force its format, read its records, report
 * its errors, go on with the next), the ordered parallel replay (judge
 * every record with a compiled model on N threads, hand the results back
 * in input order) and the record diff (judge every record under two
 * compiled models and report the ones whose verdict changes).
 *
 * The library does the reading, the judging, the threads and the order;
 * the caller decides what a record, an error and a finished batch become
 * (text, JSON, counts) through callbacks.  Nothing here prints, and nothing
 * is allocated per record: records are read straight into memory the
 * pipeline or the caller allocated once (raw pages with read(2)/pread(2)
 * straight into the records), results live on the stack.
 *
 * Threads: svmc_inputs_run(), svmc_inputs_each() and svmc_migrate_records()
 * call back on the caller's thread only.  svmc_replay_run() with threads > 1
 * calls the worker callbacks (record, error, worker_init, worker_fini) on
 * its worker threads, each with its own worker state and batch output, and
 * every other callback on the caller's thread, except diag (see there).
 */
#ifndef SVMCHECK_REPLAY_H
#define SVMCHECK_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svmcheck/check.h"
#include "svmcheck/error.h"
#include "svmcheck/record.h"

/* ---- the input loop ------------------------------------------------------ */

/*
 * What the input loop did.  Filled by every loop below (zeroed first).
 */
struct svmc_input_stats {
	uint64_t records; /* records read (including the records of spans taken) */
	uint64_t errors;  /* errors passed to the error callback */
	uint64_t bytes;   /* bytes consumed of the inputs finished */
	bool stopped;     /* the stop callback (or the pipeline) ended the loop early */
	/*
	 * Inputs that detection read as kernel logs (format kvm-dump, detected
	 * from kernel-log lines; not given with -f) with no VMCB dump and no
	 * error: the log
	 * of a host that never failed a VMRUN.  Not an error (errors does not
	 * count them); first_log_without_dump names the first of them.
	 */
	uint64_t logs_without_dump;
	const char *first_log_without_dump;
};

/*
 * The callbacks of svmc_inputs_run(); arg is the caller's pointer, passed
 * back unchanged.  Optional members may be NULL.
 */
struct svmc_input_ops {
	/*
	 * Room for the next records: return a pointer to *n >= 1 records the
	 * reader may fill, or NULL to end the loop.  Required.
	 */
	struct svmc_record *(*slots)(void *arg, size_t *n);
	/* n records were read into the room handed out last (recs points to it). Required. */
	void (*records)(void *arg, struct svmc_record *recs, size_t n);
	/*
	 * An error, in input order with the records: an input that cannot be
	 * opened, a bad record (the loop goes on with the rest), an input that
	 * holds no record ("no VMCB record", code SVMC_ERR_EMPTY).  Required.
	 */
	void (*error)(void *arg, const struct svmc_diag *d);
	/*
	 * Optional: the rest of the current input is span sp (raw pages of a
	 * regular file, see svmc_reader_take_span()); return true when the
	 * caller judged it (or will have before input_done returns), false to
	 * leave it unread.  sp and its file stay valid until input_done.
	 */
	bool (*span)(void *arg, const struct svmc_span *sp);
	/* Optional: the current input is finished (its reader closes after this). */
	void (*input_done)(void *arg);
	/* Optional: polled before each input and each read; true ends the loop. */
	bool (*stop)(void *arg);
	/* Optional: every 1024 records or so, the records read and bytes consumed so far. */
	void (*progress)(void *arg, uint64_t records, uint64_t bytes);
	/*
	 * Optional: the current input is open and nothing of it is read yet.
	 * Return false to leave it to the loop (svmc_reader_chunkable() says
	 * whether chunks are possible and worth it).  Else read rd's chunks
	 * (svmc_reader_next_chunk()) and judge them, passing their records and
	 * errors on in order by the caller's own means, until the end or
	 * SVMC_CHUNK_SERIAL; then, with every chunk parsed, tell rd the counts
	 * (svmc_reader_set_counts()) and return true with *records and *errors
	 * the chunks held.  The loop reads what is left of rd as usual.
	 * st is the loop's count so far (for progress).
	 */
	bool (*text)(void *arg, struct svmc_reader *rd, const struct svmc_input_stats *st,
		     uint64_t *records, uint64_t *errors);
};

/*
 * Read inputs[0..n) ("-" is standard input) in order in format fmt
 * (SVMC_FMT_AUTO detects each input from its content) and feed every record
 * and error to ops.  The input names are borrowed: records and diagnostics
 * point to them.  st (required) says what happened.
 */
void svmc_inputs_run(const char *const *inputs, size_t n, enum svmc_format fmt,
		     const struct svmc_input_ops *ops, void *arg, struct svmc_input_stats *st);

/*
 * The input loop one record at a time: record(arg, r) for each record (r is
 * the loop's own buffer, valid during the call), error(arg, d) for each
 * error, as svmc_inputs_run() defines them.  Returns SVMC_OK, or
 * SVMC_ERR_NOMEM when its one record buffer cannot be allocated (then
 * nothing was read).
 */
enum svmc_err svmc_inputs_each(const char *const *inputs, size_t n, enum svmc_format fmt,
			       void (*record)(void *arg, const struct svmc_record *r),
			       void (*error)(void *arg, const struct svmc_diag *d), void *arg,
			       struct svmc_input_stats *st);

/* ---- ordered parallel replay --------------------------------------------- */

#define SVMC_REPLAY_MAX_THREADS 256

/*
 * What the caller does with the records the pipeline judged.  Records are
 * judged in batches; each batch has an output of out_size bytes (zeroed
 * once, reused for the whole run) that the worker callbacks fill and write
 * empties, in input order.  Each thread has a worker state of worker_size
 * bytes.  Members marked optional may be NULL.
 */
struct svmc_replay_ops {
	size_t worker_size; /* bytes of per-thread state (may be 0) */
	/* Optional: set up / tear down one worker state w (zeroed before init). */
	void (*worker_init)(void *arg, void *w);
	void (*worker_fini)(void *arg, void *w);
	size_t out_size; /* bytes of per-batch output (may be 0) */
	/* Optional: release what a batch output holds, at the end of the run. */
	void (*out_fini)(void *arg, void *out);
	/*
	 * Required, on a worker: record r judged res[0..nres), one result per
	 * model of the panel (svmc_panel_evaluate()), into batch output out.
	 */
	void (*record)(void *w, void *out, const struct svmc_record *r,
		       const struct svmc_result *res, unsigned nres);
	/* Required, on a worker: error d at its place among the records, into out. */
	void (*error)(void *w, void *out, const struct svmc_diag *d);
	/*
	 * Required, on the caller's thread, in input order: take what out holds
	 * and leave it empty.  With all false the caller may keep bytes for a
	 * later call on the same out (only the one-thread path does that);
	 * with all true everything must go.  Non-zero ends the reading (the
	 * output failed); batches already judged are still passed to write.
	 */
	int (*write)(void *arg, void *out, bool all);
	/*
	 * Optional: error d was met, as soon as it is met, before it reaches
	 * error() at its place.  Read errors come on the caller's thread;
	 * errors of the parallel positional reads come on a worker, possibly
	 * at the same time as others.
	 */
	void (*diag)(void *arg, const struct svmc_diag *d);
	/* Optional: an input is finished and all of its output written (with sync_inputs). */
	void (*input_done)(void *arg);
	/* Optional: as in struct svmc_input_ops (e.g. an interrupt). */
	bool (*stop)(void *arg);
	/* Optional: as in struct svmc_input_ops. */
	void (*progress)(void *arg, uint64_t records, uint64_t bytes);
};

struct svmc_replay_opts {
	const struct svmc_panel *panel; /* borrowed, read-only, shared by the threads */
	enum svmc_format format;        /* SVMC_FMT_AUTO: per input from its content */
	unsigned threads;               /* 1..SVMC_REPLAY_MAX_THREADS; 1 runs inline */
	bool sync_inputs; /* write each input's output before the next is read, then input_done */
};

/*
 * Judge every record of inputs[0..n) with o->panel and pass the results to
 * ops in input order, whatever the number of threads: the output of
 * threads = N is the output of threads = 1.  With threads = 1 everything
 * runs on the caller's thread, without locks or copies.  With more, the
 * caller's thread reads records into a ring of 2N+2 batches (raw files are
 * read by the workers themselves with pread(2)), N workers judge whole
 * batches, and the caller's thread writes finished batches in sequence:
 * memory is bounded by the ring.  st (required) says what was read.
 * Returns SVMC_OK, SVMC_ERR_NOMEM or SVMC_ERR_LIMIT (no thread could be
 * started), with d's message set for the last two and nothing read.
 */
enum svmc_err svmc_replay_run(const struct svmc_replay_opts *o, const char *const *inputs, size_t n,
			      const struct svmc_replay_ops *ops, void *arg,
			      struct svmc_input_stats *st, struct svmc_diag *d);

/* ---- record diff --------------------------------------------------------- */

/*
 * Judge every record of inputs[0..n) under from and under to (both
 * borrowed, each giving one result per record: one model, or a model per
 * origin; each record by the form that applies to it, so a nested_state
 * record replays KVM_SET_NESTED_STATE on both sides); call changed(arg, r,
 * rf, rt) for each record whose verdict differs (rf under from, rt under
 * to) and error(arg, d) for each error of the input loop.  st->records
 * counts the records compared.  Returns SVMC_OK, SVMC_ERR_USAGE (a panel
 * of several models side by side: nothing read) or SVMC_ERR_NOMEM
 * (nothing read).
 */
enum svmc_err svmc_migrate_records(const struct svmc_panel *from, const struct svmc_panel *to,
				   const char *const *inputs, size_t n, enum svmc_format fmt,
				   void (*changed)(void *arg, const struct svmc_record *r,
						   const struct svmc_result *rf,
						   const struct svmc_result *rt),
				   void (*error)(void *arg, const struct svmc_diag *d), void *arg,
				   struct svmc_input_stats *st);

#endif /* SVMCHECK_REPLAY_H */
