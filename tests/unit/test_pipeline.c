/*
 * test_pipeline.c - the library's record pipelines used directly, through
 * svmcheck/replay.h and not through the command: the ordered replay on 1,
 * 2 and 7 threads must hand back the same records, verdicts and errors in
 * the same order (input order), equal to what the one-record input loop
 * and svmc_evaluate() give; the stop callback ends the reading; the record
 * diff reports exactly the records whose verdict changes.
 *
 * Inputs (judged with -c epyc-rome, no shstk, under kvm):
 *   big.bin      NPAGES raw pages cycling through the four pages of
 *                tests/cases/replay/_data/corpus.bin: i % 4 == 0 VMRUN,
 *                1 VMEXIT_INVALID first CTRL.EVENTINJ.VECTOR (#CP without
 *                shstk), 2 VMRUN, 3 VMEXIT_INVALID first SAVE.CR4.RSVD;
 *                a regular raw file: read by the workers with pread(2)
 *   missing      cannot be opened: one error, in place
 *   tail.bin     the first three pages and 100 stray bytes: three records,
 *                then one error at index 3, offset 12288
 *   mixed.ndjson tests/fixtures/json: records and errors (lines 2-5)
 *                interleaved, read by the caller's thread
 *   empty.bin    no bytes: the error "no VMCB record"
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "svmcheck/check.h"
#include "svmcheck/cpu.h"
#include "svmcheck/replay.h"
#include "tcheck.h"

#define NPAGES 1000
#define NINPUTS 5
#define DATA SVMCHECK_TEST_DIR "/cases/replay/_data/"
#define MIXED SVMCHECK_TEST_DIR "/fixtures/json/mixed.ndjson"
#define PAGE ((size_t)SVMC_VMCB_PAGE_SIZE)

/*
 * Under AddressSanitizer, also catch memory used after its function returned
 * (a span handed to the workers must outlive the function that read it).
 */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "detect_stack_use_after_return=1";
}

/* One thing the pipeline handed back: a record's verdict or an error. */
struct ev {
	bool error;
	const char *input; /* pointer identity: one of inputs[] */
	uint64_t index;    /* record index, or the error's index */
	uint64_t line;     /* the error's line */
	int verdict, first, code;
};

struct evlist {
	struct ev *v;
	size_t n, cap;
};

static void push(struct evlist *l, const struct ev *e)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 256;
		struct ev *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			abort();
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *e;
}

static struct ev rec_ev(const struct svmc_record *r, const struct svmc_result *res)
{
	struct ev e = { false, r->input, r->index, 0, (int)res->verdict, res->first, 0 };

	return e;
}

static struct ev err_ev(const struct svmc_diag *d)
{
	struct ev e = { true, d->input, d->index, d->line, -1, -1, (int)d->code };

	return e;
}

/* ---- the replay pipeline's callbacks ------------------------------------- */

struct sink {
	struct evlist all; /* in the order write() saw them */
	unsigned workers;  /* worker_init calls */
	unsigned stop_at;  /* stop() true after this many polls (0: never) */
	unsigned polls;
	uint64_t diags;     /* diag() calls */
	pthread_mutex_t mu; /* diag() may come from workers */
};

static void w_init(void *arg, void *w)
{
	((struct sink *)arg)->workers++;
	*(unsigned *)w = 0x5a5a;
}

static void w_fini(void *arg, void *w)
{
	(void)arg;
	CHECK(*(unsigned *)w == 0x5a5a); /* each worker got its own state, intact */
}

static void out_fini(void *arg, void *out)
{
	(void)arg;
	free(((struct evlist *)out)->v);
}

static void on_record(void *w, void *out, const struct svmc_record *r,
		      const struct svmc_result *res, unsigned nres)
{
	struct ev e = rec_ev(r, res);

	(void)w;
	CHECK(nres == 1);
	push(out, &e);
}

static void on_error(void *w, void *out, const struct svmc_diag *d)
{
	struct ev e = err_ev(d);

	(void)w;
	push(out, &e);
}

static int on_write(void *arg, void *out, bool all)
{
	struct sink *s = arg;
	struct evlist *l = out;

	(void)all;
	for (size_t i = 0; i < l->n; i++)
		push(&s->all, &l->v[i]);
	l->n = 0;
	return 0;
}

static void on_diag(void *arg, const struct svmc_diag *d)
{
	struct sink *s = arg;

	(void)d;
	pthread_mutex_lock(&s->mu);
	s->diags++;
	pthread_mutex_unlock(&s->mu);
}

static bool on_stop(void *arg)
{
	struct sink *s = arg;

	return s->stop_at && ++s->polls > s->stop_at;
}

static const struct svmc_replay_ops ops = {
	sizeof(unsigned), w_init,    w_fini,   sizeof(struct evlist),
	out_fini,         on_record, on_error, on_write,
	on_diag,          NULL,      on_stop,  NULL
};

static enum svmc_err replay(const struct svmc_judge *j, const char *const *in, size_t n,
			    unsigned threads, unsigned stop_at, struct sink *s,
			    struct svmc_input_stats *st)
{
	struct svmc_panel p = { .j = { j }, .n = 1 };
	struct svmc_replay_opts o = { &p, SVMC_FMT_AUTO, threads, false };
	struct svmc_diag d;
	enum svmc_err e;

	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->mu, NULL);
	s->stop_at = stop_at;
	svmc_diag_init(&d, NULL);
	e = svmc_replay_run(&o, in, n, &ops, s, st, &d);
	pthread_mutex_destroy(&s->mu);
	return e;
}

/* ---- the same through the one-record input loop --------------------------- */

struct direct {
	const struct svmc_compiled *c;
	struct evlist all;
};

static void d_record(void *arg, const struct svmc_record *r)
{
	struct direct *x = arg;
	struct svmc_result res;
	struct ev e;

	svmc_evaluate(x->c, r, &res);
	e = rec_ev(r, &res);
	push(&x->all, &e);
}

static void d_error(void *arg, const struct svmc_diag *d)
{
	struct ev e = err_ev(d);

	push(&((struct direct *)arg)->all, &e);
}

static bool same_events(const struct evlist *a, const struct evlist *b)
{
	if (a->n != b->n) {
		fprintf(stderr, "%zu events, not %zu\n", b->n, a->n);
		return false;
	}
	for (size_t i = 0; i < a->n; i++) {
		const struct ev *x = &a->v[i], *y = &b->v[i];

		if (x->error != y->error || x->input != y->input || x->index != y->index ||
		    x->line != y->line || x->verdict != y->verdict || x->first != y->first ||
		    x->code != y->code) {
			fprintf(stderr, "event %zu differs: %s #%" PRIu64 " not %s #%" PRIu64 "\n",
				i, y->input, y->index, x->input, x->index);
			return false;
		}
	}
	return true;
}

/* ---- the record diff ------------------------------------------------------ */

struct changes {
	uint64_t n, index, errors;
	int from, to;
};

static void ch_changed(void *arg, const struct svmc_record *r, const struct svmc_result *rf,
		       const struct svmc_result *rt)
{
	struct changes *x = arg;

	x->n++;
	x->index = r->index;
	x->from = (int)rf->verdict;
	x->to = (int)rt->verdict;
}

static void ch_error(void *arg, const struct svmc_diag *d)
{
	(void)d;
	((struct changes *)arg)->errors++;
}

/* ---- set-up ---------------------------------------------------------------- */

static bool write_file(const char *path, const unsigned char *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	bool ok = f && fwrite(p, 1, n, f) == n;

	if (f && fclose(f) != 0)
		ok = false;
	return ok;
}

static int first_id(const char *name)
{
	for (unsigned i = 0; i < SVMC_CHECK_COUNT; i++)
		if (strcmp(svmc_check_info((enum svmc_check_id)i)->name, name) == 0)
			return (int)i;
	return -2;
}

int main(void)
{
	static struct svmc_cpu rome, milan;
	static struct svmc_judge jc, jcm;
	const struct svmc_panel pc = { .j = { &jc }, .n = 1 }, pcm = { .j = { &jcm }, .n = 1 };
	const struct svmc_compiled *const c_ = &jc.vmrun;
	static unsigned char corpus[4 * SVMC_VMCB_PAGE_SIZE + 100];
	static unsigned char big[NPAGES * SVMC_VMCB_PAGE_SIZE];
	static char dir[] = "/tmp/svmcheck-pipeline-XXXXXX";
	char p_big[64], p_missing[64], p_tail[64], p_empty[64];
	static const char mixed[] = MIXED;
	const char *in[NINPUTS] = { p_big, p_missing, p_tail, mixed, p_empty };
	const int want_first[4] = { -1, first_id("CTRL.EVENTINJ.VECTOR"), -1,
				    first_id("SAVE.CR4.RSVD") };
	const int want_verdict[4] = { SVMC_VMRUN, SVMC_VMEXIT_INVALID, SVMC_VMRUN,
				      SVMC_VMEXIT_INVALID };
	struct svmc_input_stats st, st1;
	struct sink s1, s;
	struct direct dx = { c_, { 0 } };
	struct changes ch = { 0 };
	struct svmc_diag d;
	FILE *f;
	size_t i;

	tcheck_profiles();
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(p_big, sizeof(p_big), "%s/big.bin", dir);
	snprintf(p_missing, sizeof(p_missing), "%s/missing.bin", dir);
	snprintf(p_tail, sizeof(p_tail), "%s/tail.bin", dir);
	snprintf(p_empty, sizeof(p_empty), "%s/empty.bin", dir);
	f = fopen(DATA "corpus.bin", "rb");
	CHECK(f && fread(corpus, 1, 4 * PAGE, f) == 4 * PAGE);
	if (f)
		fclose(f);
	for (i = 0; i < NPAGES; i++)
		memcpy(big + i * PAGE, corpus + (i % 4) * PAGE, PAGE);
	memset(corpus + 3 * PAGE, 0xee, 100);
	CHECK(write_file(p_big, big, sizeof(big)));
	CHECK(write_file(p_tail, corpus, 3 * PAGE + 100));
	CHECK(write_file(p_empty, corpus, 0));

	svmc_diag_init(&d, NULL);
	CHECK(svmc_cpu_resolve("epyc-rome", &rome, &d) == SVMC_OK);
	CHECK(svmc_cpu_resolve("epyc-milan", &milan, &d) == SVMC_OK);
	CHECK(svmc_judge_compile(&jc, svmc_model_lookup("kvm"), &rome, &d) == SVMC_OK);
	CHECK(svmc_judge_compile(&jcm, svmc_model_lookup("kvm"), &milan, &d) == SVMC_OK);

	/* one thread: the hand-worked verdicts, errors in place */
	CHECK(replay(&jc, in, NINPUTS, 1, 0, &s1, &st1) == SVMC_OK);
	CHECK(s1.workers == 1);
	CHECK(!st1.stopped);
	for (i = 0; i < NPAGES && i < s1.all.n; i++) {
		const struct ev *e = &s1.all.v[i];

		CHECK(!e->error && e->input == in[0] && e->index == i);
		CHECK(e->verdict == want_verdict[i % 4] && e->first == want_first[i % 4]);
	}
	CHECK(s1.all.n > NPAGES + 5);
	if (s1.all.n > NPAGES + 5) {
		const struct ev *e = &s1.all.v[NPAGES];

		CHECK(e[0].error && e[0].input == in[1] && e[0].code == SVMC_ERR_IO);
		for (i = 0; i < 3; i++)
			CHECK(!e[1 + i].error && e[1 + i].input == in[2] && e[1 + i].index == i &&
			      e[1 + i].verdict == want_verdict[i]);
		CHECK(e[4].error && e[4].input == in[2] && e[4].index == 3 &&
		      e[4].code == SVMC_ERR_TRUNCATED);
		CHECK(e[5].input == in[3]);
	}
	CHECK(s1.all.n && s1.all.v[s1.all.n - 1].error && s1.all.v[s1.all.n - 1].input == in[4] &&
	      s1.all.v[s1.all.n - 1].code == SVMC_ERR_EMPTY);
	{
		uint64_t recs = 0, errs = 0, lines[4] = { 0 }, nl = 0;

		for (i = 0; i < s1.all.n; i++) {
			recs += !s1.all.v[i].error;
			errs += s1.all.v[i].error;
			if (s1.all.v[i].error && s1.all.v[i].input == in[3] && nl < 4)
				lines[nl++] = s1.all.v[i].line;
		}
		CHECK_EQ_U64(recs, st1.records);
		CHECK_EQ_U64(errs, st1.errors);
		CHECK_EQ_U64(errs, s1.diags);
		CHECK_EQ_U64(errs, 1 + 1 + 4 + 1);
		CHECK(nl == 4 && lines[0] == 2 && lines[1] == 3 && lines[2] == 4 && lines[3] == 5);
	}

	/* the one-record input loop and svmc_evaluate() give the same */
	CHECK(svmc_inputs_each(in, NINPUTS, SVMC_FMT_AUTO, d_record, d_error, &dx, &st) == SVMC_OK);
	CHECK(same_events(&s1.all, &dx.all));
	CHECK_EQ_U64(st.records, st1.records);
	CHECK_EQ_U64(st.errors, st1.errors);

	/* N threads: exactly the same, in the same order */
	for (unsigned t = 2; t <= 7; t += 5) {
		CHECK(replay(&jc, in, NINPUTS, t, 0, &s, &st) == SVMC_OK);
		CHECK(s.workers == t);
		CHECK(same_events(&s1.all, &s.all));
		CHECK_EQ_U64(st.records, st1.records);
		CHECK_EQ_U64(st.errors, st1.errors);
		CHECK_EQ_U64(st.bytes, st1.bytes);
		CHECK_EQ_U64(s.diags, s1.diags);
		free(s.all.v);
	}

	/* stop: the reading ends early, what was read is still handed back in order */
	for (unsigned t = 1; t <= 2; t++) {
		CHECK(replay(&jc, in, NINPUTS, t, 1, &s, &st) == SVMC_OK);
		CHECK(st.stopped);
		CHECK(st.records < st1.records);
		CHECK(s.all.n <= s1.all.n);
		for (i = 0; i < s.all.n && i < s1.all.n; i++)
			CHECK(s.all.v[i].index == s1.all.v[i].index &&
			      s.all.v[i].input == s1.all.v[i].input);
		free(s.all.v);
	}

	/* out of range thread counts are refused */
	CHECK(replay(&jc, in, NINPUTS, 0, 0, &s, &st) == SVMC_ERR_USAGE);
	CHECK(replay(&jc, in, NINPUTS, SVMC_REPLAY_MAX_THREADS + 1, 0, &s, &st) == SVMC_ERR_USAGE);

	/* record diff: Milan has shstk, so only the #CP page changes, to VMRUN */
	in[0] = DATA "corpus.bin";
	CHECK(svmc_migrate_records(&pc, &pcm, in, 1, SVMC_FMT_AUTO, ch_changed, ch_error, &ch,
				   &st) == SVMC_OK);
	CHECK_EQ_U64(st.records, 4);
	CHECK_EQ_U64(ch.n, 1);
	CHECK_EQ_U64(ch.index, 1);
	CHECK(ch.from == SVMC_VMEXIT_INVALID && ch.to == SVMC_VMRUN);
	CHECK_EQ_U64(ch.errors, 0);
	CHECK(svmc_migrate_records(&pc, &pcm, in + 1, 2, SVMC_FMT_AUTO, ch_changed, ch_error, &ch,
				   &st) == SVMC_OK);
	CHECK_EQ_U64(ch.errors, 2); /* missing, and tail.bin's stray bytes */
	CHECK_EQ_U64(st.records, 3);
	/* one result per record on each side: models side by side are refused */
	{
		struct svmc_panel two = { .j = { &jc, &jcm }, .n = 2 };
		CHECK(svmc_migrate_records(&two, &pcm, in, 1, SVMC_FMT_AUTO, ch_changed, ch_error,
					   &ch, &st) == SVMC_ERR_USAGE);
	}

	free(s1.all.v);
	free(dx.all.v);
	unlink(p_big);
	unlink(p_tail);
	unlink(p_empty);
	rmdir(dir);
	return tcheck_done("test_pipeline");
}
