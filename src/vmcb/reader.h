/*
 * reader.h - private plumbing shared by the VMCB readers: a buffered byte
 * source over a file descriptor (large sequential reads, bounded window), a
 * line scanner that never buffers more than SRC_LINE_MAX bytes of a line,
 * the per-format operations table that svmc_reader_next() dispatches to, and
 * the format registry's row.
 *
 * Each format lives in its own file (raw.c, nested_state.c, kvm_dump.c,
 * xen_dump.c, json.c, hex.c) and exports one row, `const struct
 * svmc_format_row svmc_IDENT_format`: its -f name, its detection probe, its
 * reader operations and a one-line summary.  SVMC_FORMATS in
 * svmcheck/record.h lists the rows; reader.c dispatches through them and
 * detect.c asks their probes.  Nothing else names a format.
 */
#ifndef SVMCHECK_VMCB_READER_H
#define SVMCHECK_VMCB_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svmcheck/record.h"

#define SRC_BUF_SIZE SVMC_CHUNK_MAX /* read window: a text chunk is cut from one */
#define SRC_LINE_MAX (64u << 10)    /* longest line a text reader sees whole */

/*
 * How the bytes of a text input encode its characters (svmc_text_encoding):
 * bytes as they are (ASCII or UTF-8, the default), UTF-8 behind a
 * byte-order mark, or UTF-16 with or without one (PowerShell's `>` and
 * Windows editors write UTF-16LE with a mark).
 */
enum svmc_text_enc {
	SVMC_ENC_BYTES = 0,
	SVMC_ENC_UTF8_BOM,
	SVMC_ENC_UTF16LE,
	SVMC_ENC_UTF16BE,
};

struct svmc_src {
	int fd;
	bool own_fd;
	unsigned char *buf;
	size_t cap;
	size_t start, end; /* valid bytes are buf[start, end) */
	uint64_t pos;      /* input offset of buf[start] */
	bool eof;
	int err;         /* errno of a failed read, 0 if none */
	uint64_t lineno; /* lines returned so far by svmc_src_getline */
	bool regular;    /* a regular file: positional reads are possible */
	uint64_t base;   /* file offset of input offset 0 (stdin need not start at 0) */
	/*
	 * Text inputs only (svmc_src_text): the window holds the text a text
	 * reader reads, decoded from the input bytes, which wait in raw[]: NUL
	 * bytes dropped, a byte-order mark removed, UTF-16 turned into UTF-8,
	 * or journald's framing peeled off (decode is then journal_decode).
	 * pos and lineno count that text.
	 */
	size_t (*decode)(struct svmc_src *s, unsigned char *dst, size_t cap);
	unsigned char *raw; /* undecoded input bytes [raw_start, raw_end) */
	size_t raw_start, raw_end;
	bool raw_eof;
	enum svmc_text_enc enc;
	void *dec_state; /* the decoder's own state, freed by svmc_src_close */
	bool borrowed;   /* buf is a chunk's text (svmc_chunk_reader_load): not ours */
};

/* Open path ("-" = stdin); directories and unreadable files fail with d set. */
enum svmc_err svmc_src_open(struct svmc_src *s, const char *path, struct svmc_diag *d);
void svmc_src_close(struct svmc_src *s);

/*
 * Read the input as text from here on: what the window holds (nothing must
 * have been consumed yet) and every later read is decoded as
 * svmc_text_decode() says, for the encoding svmc_text_encoding() finds in
 * the first bytes, and the byte-order mark is dropped.  Text readers call
 * this through svmc_reader_open; binary readers never do.
 */
enum svmc_err svmc_src_text(struct svmc_src *s, struct svmc_diag *d);

/* Read more input bytes into raw[] after the undecoded ones (decoders). */
void svmc_src_raw_refill(struct svmc_src *s);

/*
 * journald's exports (journal.c): 1 when [b, b+n) opens like journalctl -o
 * json / json-pretty / json-seq / json-sse (an object whose first key is
 * "__CURSOR", "__REALTIME_TIMESTAMP" or "__MONOTONIC_TIMESTAMP"), 2 like
 * -o export (a first line "__CURSOR=..."), else 0.  Pure.
 */
int svmc_journal_kind(const unsigned char *b, size_t n);

/*
 * After svmc_src_text(), before anything is read: when the input is a
 * journald export, read it as the text of its MESSAGE fields, one line per
 * input line (journal.c).  Returns whether it did.
 */
bool svmc_src_journal(struct svmc_src *s);

/*
 * The encoding of a text input from its first n bytes, and in *bom the
 * length of its byte-order mark (0 if none).  UTF-16 without a mark is
 * recognised only when every one of the first (up to 256) code units is an
 * ASCII text character with a zero high byte: a binary page, full of zero
 * bytes, never looks like that, nor does ASCII or UTF-8 text.  With a mark,
 * the units after it must hold no U+0000 and no control character other
 * than tab, CR and LF.  Pure.
 */
enum svmc_text_enc svmc_text_encoding(const unsigned char *b, size_t n, size_t *bom);

/*
 * Decode [in, in+n) (after any byte-order mark) into at most cap bytes of
 * UTF-8 at out, dropping every NUL (U+0000): a run of NUL bytes in a log is
 * what a power loss leaves behind, never text.  Unpaired surrogates and,
 * when `end` says no more input follows, a trailing odd byte or lone high
 * surrogate become U+FFFD.  Stops before a character that does not fit, or
 * (without `end`) before an incomplete UTF-16 unit or pair.  *used is the
 * input bytes consumed; returns the bytes written.
 */
size_t svmc_text_decode(enum svmc_text_enc e, const unsigned char *in, size_t n, size_t *used,
			unsigned char *out, size_t cap, bool end);

/*
 * Make at least `want` bytes available from the current position (fewer at
 * EOF or on a read error).  want must be <= SRC_BUF_SIZE.  Returns the
 * number of bytes available at src_ptr().
 */
size_t svmc_src_fill(struct svmc_src *s, size_t want);
static inline const unsigned char *src_ptr(const struct svmc_src *s)
{
	return s->buf + s->start;
}
static inline size_t src_avail(const struct svmc_src *s)
{
	return s->end - s->start;
}
static inline void src_consume(struct svmc_src *s, size_t n)
{
	s->start += n;
	s->pos += n;
}

/*
 * Like svmc_src_fill(), but read no byte past `want`: the window ends exactly
 * there unless the input ends first.  Used before the direct reads below so
 * that the window drains to empty at a record boundary.
 */
size_t svmc_src_top_up(struct svmc_src *s, size_t want);

struct iovec;

/*
 * Read straight into the caller's buffers, bypassing the window (which must
 * be empty): readv(2) until at least `min` bytes arrived or every buffer is
 * full, or the input ends (s->eof) or fails (s->err).  A pipe returns after
 * the first read that brings `min` bytes, so records are not held back
 * waiting for a whole batch.  iov is consumed (modified).  Returns the bytes
 * read; s->pos is not moved (the caller accounts for what it keeps).
 */
size_t svmc_src_readv(struct svmc_src *s, struct iovec *iov, int cnt, size_t min);

/*
 * Give back n bytes that svmc_src_readv() read but the caller does not keep: they
 * are appended to the window and will be read again by the src_* calls, at
 * s->pos onwards.  The caller has moved s->pos to the first of them.  The
 * window must have room (n <= SRC_BUF_SIZE in all).
 */
void svmc_src_unread(struct svmc_src *s, const void *p, size_t n);

/*
 * Next line (without its "\n" or "\r\n").  Returns false at end of input.
 * *line points into the window and stays valid until the next src_* call.
 * A line longer than SRC_LINE_MAX is returned cut to SRC_LINE_MAX bytes with
 * *too_long set; the rest of it is skipped without being buffered.
 * *lineno is the 1-based number of the returned line; *off its byte offset.
 */
bool svmc_src_getline(struct svmc_src *s, const char **line, size_t *len, uint64_t *lineno,
		      uint64_t *off, bool *too_long);

struct svmc_reader;

struct svmc_format_ops {
	enum svmc_format format;
	enum svmc_origin origin; /* what its records are (a reader may set each its own) */
	size_t state_size;       /* zeroed bytes allocated for ->state */
	bool fills_page;         /* next() overwrites all 4096 bytes: skip clearing them */
	/* Called once after open; may read from the source. */
	enum svmc_err (*init)(struct svmc_reader *r, struct svmc_diag *d);
	/* Same contract as svmc_reader_next(); rec is cleared by the caller. */
	enum svmc_err (*next)(struct svmc_reader *r, struct svmc_record *rec, struct svmc_diag *d);
	/*
	 * Optional fast path for fixed-size binary records, called only when
	 * the window is empty: read up to n whole, valid records straight into
	 * recs[i].vmcb (one copy, svmc_src_readv), set their ->offset, move s->pos
	 * past them and return how many.  Anything read beyond them (a partial
	 * page, a header next() must judge) goes back with svmc_src_unread(), so
	 * next() reports it exactly as without the fast path.  Every other
	 * member of the records is set by the caller.
	 */
	size_t (*batch)(struct svmc_reader *r, struct svmc_record *recs, size_t n);
	size_t rec_size; /* with batch: the size of one whole record */
	/*
	 * Optional, text formats: the boundary finder of chunked parsing
	 * (svmc_reader_next_chunk).  [b, b+n) is decoded text that starts at a
	 * boundary (the input's start, or an offset cut returned before) and
	 * ends at a line end or the input's end.  Return the offset of the
	 * first line start at or after `from` (from > 0) where a reader in the
	 * state restart() leaves, given the text from there on, reads what the
	 * reader of the whole input reads there: the previous record is over
	 * and nothing carried over from before changes how a line is read.
	 * SVMC_CUT_NONE: no boundary in [from, n); SVMC_CUT_NEVER: none can be
	 * told from here on (the rest is read serially).  The text before
	 * `from` is there for a finder that must know what is open at a
	 * boundary (a trace's records span lines of one vCPU: a boundary is a
	 * line before which no vCPU has a record open).  r is read only
	 * (the state init left); called on the reading thread.
	 */
	size_t (*cut)(const struct svmc_reader *r, const char *b, size_t n, size_t from);
	/* With cut: put r->state back to what init left, reading nothing. */
	void (*restart)(struct svmc_reader *r);
	/*
	 * With cut: the smallest chunk worth a worker, in bytes (0: the
	 * pipeline's default).  Formats of small records want smaller chunks:
	 * a chunk's records are judged once the chunk before it is parsed, so a
	 * chunk of many more records than a batch keeps the next worker waiting.
	 */
	size_t chunk_bytes;
	void (*fini)(struct svmc_reader *r);
};

#define SVMC_CUT_NONE ((size_t)-1)
#define SVMC_CUT_NEVER ((size_t)-2)

struct svmc_reader {
	struct svmc_src src;
	const struct svmc_format_ops *ops;
	void *state;
	const char *input;
	uint64_t index; /* index the next record gets */
	bool failed;    /* cannot continue */
};

/*
 * How strongly a probe's evidence says "this input is my format", weakest
 * first.  Detection takes the strongest answer of all probes; equal answers
 * go to the format listed first in SVMC_FORMATS.  This scale, with each
 * row's strongest possible answer, is the whole priority policy of -f auto:
 *   a binary header that checks out beats any binary input, which beats any
 *   text; among text, a format's own syntax at the start (JSON's '{') beats
 *   a dump's labels behind its producer's log tag ("(XEN)" and Xen's
 *   labels), which beat bare labels (dump_vmcb's), which beat the shape of
 *   the first lines (hex dumps), which beats a hint (a kernel log line).
 */
enum svmc_probe_score {
	SVMC_PROBE_NONE = 0, /* not this format, or nothing tells */
	SVMC_PROBE_HINT,     /* looks like the surroundings it comes in */
	SVMC_PROBE_SHAPE,    /* the first lines have the format's shape */
	SVMC_PROBE_LABELS,   /* the producer's own labels */
	SVMC_PROBE_TAGGED,   /* the producer's labels behind its log tag */
	SVMC_PROBE_SYNTAX,   /* opens with the format's own syntax */
	SVMC_PROBE_BINARY,   /* binary bytes: not text */
	SVMC_PROBE_HEADER,   /* a binary header whose fields check out */
};

/*
 * A probe: how strongly do the first n bytes of an input (n may be 0; at
 * most 64 KiB) look like this format?  Pure, bounded by n, any bytes.
 */
typedef enum svmc_probe_score (*svmc_probe_fn)(const unsigned char *buf, size_t n);

/* One row of the input-format registry (see SVMC_FORMATS). */
struct svmc_format_row {
	const char *name;                  /* the -f word: "kvm-dump" */
	svmc_probe_fn probe;               /* for -f auto; NULL: never detected */
	enum svmc_probe_score best;        /* the strongest answer probe gives */
	const struct svmc_format_ops *ops; /* the reader */
	const char *summary;               /* one line for listings */
};

/* The rows, one per format, defined in each reader's file. */
#define SVMC_FMT_ROW_(id, ident) extern const struct svmc_format_row svmc_##ident##_format;
SVMC_FORMATS(SVMC_FMT_ROW_)
#undef SVMC_FMT_ROW_

/* The registry: the row of format f (SVMC_FMT_AUTO < f < SVMC_FMT_COUNT), else NULL. */
const struct svmc_format_row *svmc_format_row(enum svmc_format f);

/*
 * Guess the format of an input from its first n bytes (n may be 0): the
 * format whose probe gives the strongest answer, the first in SVMC_FORMATS
 * among equals.  Returns SVMC_FMT_AUTO when every probe says
 * SVMC_PROBE_NONE.  Pure; used by svmc_reader_open and by the detection
 * fuzz target.
 */
enum svmc_format svmc_detect_format(const unsigned char *buf, size_t n);

/* ---- helpers for the text formats' probes ---------------------------------- */

/*
 * The text the text probes judge: [b, b+n) decoded as a text reader would
 * read it (svmc_text_encoding, svmc_text_decode: UTF-16 decoded, NULs
 * dropped, byte-order mark removed), into *view (b itself when nothing
 * changes, else a buffer to free with free(*view != b ? ...)); returns its
 * length.  *is_text is false when nothing is left or more than one byte
 * in 16 is a control character other than tab, LF, VT, FF, CR and ESC:
 * binary data, which no text probe is asked about.  On allocation failure *view is b.
 */
size_t svmc_probe_text_view(const unsigned char *b, size_t n, unsigned char **view, bool *is_text);

/*
 * Why the first n bytes of an input are not VMCB pages, for the message of
 * a detection that cannot tell (raw.c): "100 bytes, less than one 4096-byte
 * page", "page 2 (offset 0x2000): ...".  Writes
 * buf and returns it; "" when they look like VMCB pages.
 */
const char *svmc_raw_doubt(const unsigned char *b, size_t n, char *buf, size_t cap);

/* Does needle occur in [b, b+n)? */
bool svmc_probe_has(const unsigned char *b, size_t n, const char *needle);
/* Index of the first byte after a UTF-8 byte-order mark and blank space. */
size_t svmc_probe_text_start(const unsigned char *b, size_t n);
/*
 * The next line of [*p, end) that is neither empty nor a shell or gdb
 * prompt ("$ xxd page.bin", "# dmesg", "(gdb) x/512gx $rdi"), without its
 * "\n" or "\r\n", into *line and *len; *p moves past it.  False when none
 * is left.
 */
bool svmc_probe_next_line(const char **p, const char *end, const char **line, size_t *len);

/* ---- text pasted into mails (mail.c; kvm_dump.c and trace.c) -------------- */

/* The first quoted-printable escape ("=20", "=3D" or "=09") in [p, p+n), or NULL. */
const char *svmc_mail_qp_escape(const char *p, size_t n);
/*
 * Append [p, p+n) to buf (cap bytes) at *len, decoding quoted-printable
 * =XX escapes when qp; false when it does not fit.
 */
bool svmc_mail_qp_append(char *buf, size_t cap, size_t *len, const char *p, size_t n, bool qp);
/* The first byte of [p, e) after blanks and mail quotes ("> ", "> > ", ">>"). */
const char *svmc_mail_unquote(const char *p, const char *e);

#define SVMC_MAIL_JOIN_MAX 8192u /* longest line joined across soft breaks */

/* One logical line of svmc_mail_getline(). */
struct svmc_mail_line {
	const char *p;
	size_t len;
	uint64_t lineno; /* its (first) physical line */
	bool too_long;
};

/* What a text reader keeps for svmc_mail_getline() (zeroed to start). */
struct svmc_mail_lines {
	bool qp;       /* quoted-printable escapes seen: decode them */
	bool has_pend; /* pbuf holds a line to read again first */
	bool pend_too_long;
	size_t pend_len;
	uint64_t pend_lineno;
	char pbuf[SRC_LINE_MAX];
	char jbuf[SVMC_MAIL_JOIN_MAX]; /* QP-decoded / soft-break-joined line */
};

/*
 * Next logical line of s into *ln: the line given back by
 * svmc_mail_unget() if any, else one physical line, its quoted-printable
 * escapes decoded once one was seen (from then on every line), and a line
 * ending in '=' (a soft break) joined with the next ones; before any escape
 * was seen, only when soft(ctx, line without the '=') says the line is the
 * reader's own (soft may be NULL: never).  *ln stays valid until the next
 * call.  False at the end of the input.
 */
bool svmc_mail_getline(struct svmc_src *s, struct svmc_mail_lines *ml, struct svmc_mail_line *ln,
		       bool (*soft)(const void *ctx, const char *p, size_t n), const void *ctx);
/* Give ln back: the next svmc_mail_getline() returns it again. */
void svmc_mail_unget(struct svmc_mail_lines *ml, const struct svmc_mail_line *ln);

/* Parse hex digits [s, s+len) (optional 0x prefix) into *v; false if not all hex or > 64 bits. */
bool svmc_parse_hex(const char *s, size_t len, uint64_t *v);
/* Parse decimal digits (optional leading '-' for two's complement into 64 bits). */
bool svmc_parse_dec(const char *s, size_t len, uint64_t *v);

#endif /* SVMCHECK_VMCB_READER_H */
