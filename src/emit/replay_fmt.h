/*
 * replay_fmt.h - the record writer of `svmcheck replay`: one verdict per
 * record as a text line (plus detail lines) or as one NDJSON object
 * (svmcheck-json(5)), error objects, and the summary.
 *
 * It formats into a plain growable byte buffer (struct rbuf) rather than
 * straight into a FILE, so that `replay -t N` workers can each format a
 * batch of records into their own buffer and the main thread can write the
 * batches in input order.  The buffer grows to the largest batch seen and
 * is then reused: nothing is allocated per record.  Everything that is the
 * same for every record (CPU, the escaped input name, the format name,
 * the check fragments) is formatted once and copied.
 */
#ifndef SVMCHECK_OUT_REPLAY_FMT_H
#define SVMCHECK_OUT_REPLAY_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svmcheck/check.h"
#include "svmcheck/error.h"
#include "svmcheck/record.h"

/* A growable output buffer.  oom is set (and output dropped) if it cannot grow. */
struct rbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

/* Release b's memory (b may be reused afterwards, empty). */
void svmc_rbuf_free(struct rbuf *b);
/* Append n bytes of s to b (replay --run adds its lines to a record's). */
void svmc_rbuf_put(struct rbuf *b, const char *s, size_t n);

enum replay_style { REPLAY_TEXT, REPLAY_JSON };

/*
 * Verdict counts; summed per batch and per run (svmc_replay_counts_add()).
 * With several models a record counts once in the top-level counts, by its
 * worst verdict (a rejection before INCOMPLETE before a pass before N/A),
 * and once per model in per_model.
 */
struct replay_counts {
	uint64_t records, vmrun, vmexit_invalid, incomplete, errors;
	uint64_t restored, einval, na;
	uint64_t unexplained;                  /* hardware records no model explains */
	uint64_t origins[SVMC_ORIGIN_COUNT];   /* records per origin */
	uint64_t per_model[SVMC_PANEL_MAX][6]; /* [model][enum svmc_verdict] */
};

/* dst += src. */
void svmc_replay_counts_add(struct replay_counts *dst, const struct replay_counts *src);

/* Count record r judged res[0..nres) in k (what svmc_replay_fmt_record() counts). */
void svmc_replay_count(struct replay_counts *k, const struct svmc_record *r,
		       const struct svmc_result *res, unsigned nres);

/*
 * Does the verdict explain a hardware record's captured exit?  1 yes (the
 * CPU said VMEXIT_INVALID and the model rejects, or the CPU ran it and the
 * model passes it), 0 no, -1 does not apply (not hardware, exit code
 * unknown, or a verdict that decides nothing: INCOMPLETE, N/A).
 */
int svmc_replay_explained(const struct svmc_record *r, const struct svmc_result *res);

/*
 * Formatter state.  One per thread (the input-name cache is mutable); the
 * panel it points to is shared and read-only.
 */
struct replay_fmt {
	const struct svmc_panel *panel;
	enum replay_style style;
	const char *col_pass, *col_fail, *col_warn, *col_reset; /* "" without colour */
	char cpu_part[320];                                     /* JSON: ,"cpu":..[,"guest":..] */
	size_t cpu_part_len;
	const char *cpu, *guest; /* for the summary (guest may be NULL) */
	/* cache: the last input name, JSON-escaped into a record prefix */
	const char *last_input;
	struct rbuf prefix; /* {"type":"vmcb","input":"...","index": */
	enum svmc_format last_format;
	char fmt_part[48]; /* ,"format":"raw" */
	size_t fmt_part_len;
	/* caches: the last model named (,"model":"kvm") and exit codes' names */
	const struct svmc_model *last_model;
	char model_part[48];
	size_t model_part_len;
	struct {
		uint64_t code;
		char name[31];
		uint8_t len; /* 0: empty slot */
	} exits[16];         /* direct-mapped by the code's low bits */
	/* per check: {"check":"..","apm":"..","field":"..","value":" (0: too long) */
	char frag[SVMC_CHECK_COUNT][128];
	uint8_t frag_len[SVMC_CHECK_COUNT];
	/*
	 * Text: the width lines are wrapped to (svmc_text_wrap; init sets
	 * SVMC_TEXT_WIDTH, 0 never wraps), and the copy of a line being wrapped:
	 * only the lines of failing records and the summary are looked at.
	 */
	unsigned width;
	char wrap[2048];
	/*
	 * JSON: `,"views":[...]` (how each model saw the CPU: its view, kernel
	 * row and the features its L1 view removed), appended to the summary
	 * as it is; NULL: none.  Borrowed.
	 */
	const char *views;
};

/*
 * Set up f for panel p (borrowed for f's lifetime): one model for every
 * record, a model per origin (p->by_origin), or several side by side
 * (records get "verdicts": [...]).  cpu is the CPU's display name and guest
 * the --guest model's name or NULL (both copied into f as needed; borrowed
 * for the summary).  Colour strings may be NULL (no colour).  Returns 0, or
 * -1 if a name is too long to fit.
 */
int svmc_replay_fmt_init(struct replay_fmt *f, const struct svmc_panel *p, enum replay_style style,
			 const char *cpu, const char *guest, const char *col_pass,
			 const char *col_fail, const char *col_warn, const char *col_reset);
void svmc_replay_fmt_fini(struct replay_fmt *f);

/*
 * Append record r with its results res[0..nres) to b: a text line (and
 * detail lines for failures, unevaluated checks and unexplained captures)
 * or one NDJSON line.  Counts it in k.
 */
void svmc_replay_fmt_record(struct replay_fmt *f, struct rbuf *b, const struct svmc_record *r,
			    const struct svmc_result *res, unsigned nres, struct replay_counts *k);

/*
 * Append error d to b: in JSON the object of svmc_diag_members(), the one
 * shape of every error object (the same that cli_report() writes);
 * in text nothing (errors go to stderr).  Counts it in k.
 */
void svmc_replay_fmt_error(struct replay_fmt *f, struct rbuf *b, const struct svmc_diag *d,
			   struct replay_counts *k);

/* Append the summary line for k. */
void svmc_replay_fmt_summary(struct replay_fmt *f, struct rbuf *b, const struct replay_counts *k);

/* Append s to b as a JSON string, through svmc_emit_json_escape() (the one escaper). */
void svmc_rbuf_json_str(struct rbuf *b, const char *s);

#endif /* SVMCHECK_OUT_REPLAY_FMT_H */
