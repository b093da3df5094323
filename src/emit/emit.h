/*
 * emit.h - the one output interface of svmcheck.
 *
 * A `struct out` writes to one FILE through a large private buffer.  In JSON
 * modes it is a streaming JSON writer (objects, arrays, keys; commas and
 * indentation handled here, strings escaped here, 64-bit values as
 * zero-padded hex strings); in text mode the same calls are ignored and
 * svmc_emit_printf() lines (ignored in JSON) are printed instead, with
 * svmc_emit_color() for verdicts.  Commands describe rows and records once
 * through table.h, whose backends sit on these calls; the profile and VMCB
 * writers (profile_json.h, vmcb_json.h) are built the same way.  The replay
 * record writer (replay_fmt.h) formats into its own buffers for speed, with
 * this file's string escaper, the only one.  Text output never carries a
 * terminal control byte of its input (svmc_emit_text_safe).  No allocation per record, one
 * fwrite per 64 KiB.
 */
#ifndef SVMCHECK_OUT_H
#define SVMCHECK_OUT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum svmc_emit_mode { OUT_TEXT, OUT_JSON, OUT_JSON_PRETTY, OUT_QUIET };
/* OUT_C_NONE (zero, so that a zeroed cell is plain) has no sequence. */
enum svmc_emit_color {
	OUT_C_NONE,
	OUT_C_RESET,
	OUT_C_PASS,
	OUT_C_FAIL,
	OUT_C_WARN,
	OUT_C_BOLD,
	OUT_C_DIM
};

#define OUT_MAX_DEPTH 32

struct out {
	FILE *f;
	enum svmc_emit_mode mode;
	bool color;
	char *buf;
	size_t len, cap;
	int depth;
	bool first[OUT_MAX_DEPTH]; /* no element written yet at this depth */
	bool is_arr[OUT_MAX_DEPTH];
	bool on_line[OUT_MAX_DEPTH]; /* pretty mode: this container stays on one line */
	bool error;                  /* a write failed (EPIPE, ENOSPC) */
	/* text: lines wider than width columns are wrapped (0: never) */
	unsigned width;
	unsigned hang; /* continuation indent (0: the line's own indent + 4) */
	char *line;    /* text: the line being printed, until its '\n' */
	size_t line_len, line_cap;
};

/* Set up o over f (not owned).  Returns 0 or -1 (no memory). */
int svmc_emit_init(struct out *o, FILE *f, enum svmc_emit_mode mode, bool color);
/* Flush and free the buffer; returns -1 if any write failed. */
int svmc_emit_fini(struct out *o);
int svmc_emit_flush(struct out *o);

static inline bool svmc_emit_json(const struct out *o)
{
	return o->mode == OUT_JSON || o->mode == OUT_JSON_PRETTY;
}

/* Text output (ignored unless mode is OUT_TEXT). */
void svmc_emit_printf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void svmc_emit_vprintf(struct out *o, const char *fmt, va_list ap);
void svmc_emit_puts(struct out *o, const char *s);
/* ANSI sequence for c when colour is on, "" otherwise. */
const char *svmc_emit_color(const struct out *o, enum svmc_emit_color c);

/*
 * JSON (ignored unless a JSON mode).  key is NULL inside arrays and for the
 * top-level value.  svmc_emit_obj_end/svmc_emit_arr_end close the innermost container;
 * closing a top-level value ends the line (NDJSON framing).
 */
void svmc_emit_obj_begin(struct out *o, const char *key);
void svmc_emit_obj_end(struct out *o);
void svmc_emit_arr_begin(struct out *o, const char *key);
void svmc_emit_arr_end(struct out *o);
/*
 * An object that pretty mode keeps on one line, as {"a": 1, "b": "x"}
 * (a row of a list: a CPUID leaf, a feature); containers inside it stay on
 * the line too.  Compact mode writes it as any object.  Close it with
 * svmc_emit_obj_end().
 */
void svmc_emit_obj_begin_line(struct out *o, const char *key);
void svmc_emit_str(struct out *o, const char *key, const char *s);
void svmc_emit_strn(struct out *o, const char *key, const char *s, size_t n);
void svmc_emit_u64(struct out *o, const char *key, uint64_t v);
void svmc_emit_bool(struct out *o, const char *key, bool v);
void svmc_emit_null(struct out *o, const char *key);
/* "0x" followed by v in exactly `digits` lower-case hex digits. */
void svmc_emit_hex(struct out *o, const char *key, uint64_t v, unsigned digits);
/* A JSON string of hex bytes "0011aa..." (insn_bytes, reserved ranges). */
void svmc_emit_hexbytes(struct out *o, const char *key, const unsigned char *p, size_t n);

/*
 * Compact JSON text (one or more values, each on its own line) re-indented
 * the way OUT_JSON_PRETTY writes: two spaces, "key": value, empty
 * containers as {} and [].  For writers that format compact JSON themselves
 * (the replay record writer) when -p asks for pretty output.
 */
void svmc_emit_pretty_raw(struct out *o, const char *s, size_t n);

/*
 * s[0..n) as a quoted JSON string at p, which must have room for 6n + 2
 * bytes: '"' and '\\' escaped, control bytes and DEL as \\uXXXX (\\n \\t \\r
 * short), well-formed UTF-8 passed through, any other byte >= 0x80 (overlong
 * forms, surrogates, above U+10FFFF, cut sequences) as \\ufffd.  Runs that
 * need nothing (nearly everything) are found 8 bytes at a time and copied
 * whole.  Returns the end.  The one escaper of every JSON writer here.
 */
char *svmc_emit_json_escape(char *p, const char *s, size_t n);
/* Length of the prefix of s[0..n) that goes into a JSON string unescaped. */
size_t svmc_emit_json_clean_prefix(const char *s, size_t n);

/*
 * s[0..n) made safe for a terminal, in place, byte for byte: C0 control
 * bytes (ESC, BEL, CR, backspace...), DEL, C1 controls (U+0080..U+009F)
 * and bytes that are not well-formed UTF-8 each become '?'; with
 * SVMC_TEXT_LINES, '\n' and '\t' stay.  The one sanitiser of text for a
 * terminal: the error path (cli_report_text) applies it to every message,
 * text-mode output (svmc_emit_printf, svmc_emit_puts, svmc_emit_raw, so
 * tables and records) to everything but this emitter's own colours, and
 * readers to the excerpts of input they quote.  JSON output needs none:
 * svmc_emit_json_escape() escapes every control byte.
 */
#define SVMC_TEXT_LINES 1u
void svmc_emit_text_safe(char *s, size_t n, unsigned flags);

/* Raw bytes into the buffer (for callers that format themselves): never wrapped. */
void svmc_emit_raw(struct out *o, const char *s, size_t n);
/* Text (ignored unless OUT_TEXT): s[0..n) as svmc_emit_puts prints it, wrapped. */
void svmc_emit_text(struct out *o, const char *s, size_t n);

/*
 * Text fits the terminal.  In OUT_TEXT, every line that svmc_emit_printf,
 * svmc_emit_puts and svmc_emit_text complete is wrapped to o->width display
 * columns (ANSI colour sequences take none, a UTF-8 character one): broken
 * at spaces, continuation lines indented by o->hang columns, or by the
 * line's own indent + 4 when hang is 0.  A word longer than the room is
 * never split.  svmc_emit_init sets width SVMC_TEXT_WIDTH; JSON is never
 * wrapped.
 */
#define SVMC_TEXT_WIDTH 80
/*
 * The width for text on fd: $COLUMNS when fd is a terminal and COLUMNS is a
 * number from 40 to 1000, else SVMC_TEXT_WIDTH (files and pipes get 80, so
 * that their text does not depend on the terminal it was made on).
 */
unsigned svmc_emit_text_width(int fd);
/* Continuation indent for the lines completed from now on (0: the default). */
static inline void svmc_emit_hang(struct out *o, unsigned hang)
{
	o->hang = hang;
}
/*
 * The one wrapper: s[0..n), one line without its '\n', to put(ctx, ...) in
 * pieces, wrapped as described above at width with continuation indent hang
 * (0: the line's indent + 4; never more than half the width).  Allocates
 * nothing (the replay record writer calls it for failing records).
 */
void svmc_text_wrap(const char *s, size_t n, unsigned width, unsigned hang,
		    void (*put)(void *ctx, const char *s, size_t n), void *ctx);
/* Display columns of s[0..n): ANSI CSI sequences 0, UTF-8 continuation bytes 0. */
size_t svmc_text_columns(const char *s, size_t n);

/* --color=auto|always|never, NO_COLOR, TERM=dumb and isatty(fd). */
enum svmc_emit_color_when { OUT_COLOR_AUTO, OUT_COLOR_ALWAYS, OUT_COLOR_NEVER };
bool svmc_emit_want_color(enum svmc_emit_color_when w, int fd);

#endif /* SVMCHECK_OUT_H */
