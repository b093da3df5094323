/*
 * emit.c - buffered text and JSON output (see emit.h).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emit/emit.h"

#define OUT_BUF (64u << 10)

/* The only escape sequences text output may carry: these colours, when on. */
static const char *const color_seq[] = {
	[OUT_C_NONE] = "",           [OUT_C_RESET] = "\033[0m", [OUT_C_PASS] = "\033[32m",
	[OUT_C_FAIL] = "\033[1;31m", [OUT_C_WARN] = "\033[33m", [OUT_C_BOLD] = "\033[1m",
	[OUT_C_DIM] = "\033[2m",
};

/*
 * Length of the well-formed UTF-8 sequence of 2 to 4 bytes at s[0..n), 0
 * if there is none.  The second byte's range depends on the lead (Unicode
 * 15, table 3-7): that rules out overlong forms, UTF-16 surrogates and code
 * points above U+10FFFF.
 */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t need = c >= 0xf0 && c < 0xf5 ? 3 :
		      c >= 0xe0 && c < 0xf0 ? 2 :
		      c >= 0xc2 && c < 0xe0 ? 1 :
					      0;
	unsigned char lo = c == 0xe0 ? 0xa0 : c == 0xf0 ? 0x90 : 0x80;
	unsigned char hi = c == 0xed ? 0x9f : c == 0xf4 ? 0x8f : 0xbf;

	if (!need || need >= n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t k = 2; k <= need; k++)
		if ((s[k] & 0xc0) != 0x80)
			return 0;
	return need + 1;
}

/* Does a byte need a look before it goes to a terminal? */
static inline bool text_byte_suspect(unsigned char c)
{
	return c < 0x20 || c >= 0x7f;
}

/* The colour sequence at s[0..n), if one is there: its length, else 0. */
static size_t color_at(const char *s, size_t n)
{
	for (size_t k = OUT_C_RESET; k < sizeof(color_seq) / sizeof(color_seq[0]); k++) {
		size_t l = strlen(color_seq[k]);

		if (l <= n && memcmp(s, color_seq[k], l) == 0)
			return l;
	}
	return 0;
}

/* svmc_emit_text_safe(), keeping this emitter's own colours when colors is set. */
static void text_safe(char *s, size_t n, unsigned flags, bool colors)
{
	unsigned char *u = (unsigned char *)s;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = u[i];
		size_t l;

		if (!text_byte_suspect(c))
			continue;
		if ((c == '\n' || c == '\t') && (flags & SVMC_TEXT_LINES))
			continue;
		if (c == 0x1b && colors && (l = color_at(s + i, n - i)) != 0) {
			i += l - 1;
			continue;
		}
		if (c >= 0xc2 && (l = utf8_len(u + i, n - i)) != 0 &&
		    !(c == 0xc2 && u[i + 1] < 0xa0)) { /* U+0080..U+009F: C1 controls */
			i += l - 1;
			continue;
		}
		u[i] = '?';
	}
}

void svmc_emit_text_safe(char *s, size_t n, unsigned flags)
{
	text_safe(s, n, flags, false);
}

int svmc_emit_init(struct out *o, FILE *f, enum svmc_emit_mode mode, bool color)
{
	memset(o, 0, sizeof(*o));
	o->f = f;
	o->mode = mode;
	o->color = color && mode == OUT_TEXT;
	o->cap = (size_t)OUT_BUF * 2;
	o->buf = malloc(o->cap);
	o->first[0] = true;
	o->width = mode == OUT_TEXT ? SVMC_TEXT_WIDTH : 0;
	return o->buf ? 0 : -1;
}

static void line_flush(struct out *o);

int svmc_emit_flush(struct out *o)
{
	line_flush(o);
	if (o->len && !o->error) {
		if (fwrite(o->buf, 1, o->len, o->f) != o->len)
			o->error = true;
	}
	o->len = 0;
	if (!o->error && fflush(o->f) != 0)
		o->error = true;
	return o->error ? -1 : 0;
}

int svmc_emit_fini(struct out *o)
{
	int r = svmc_emit_flush(o);
	free(o->buf);
	o->buf = NULL;
	free(o->line);
	o->line = NULL;
	o->line_len = o->line_cap = 0;
	return r;
}

static void reserve(struct out *o, size_t n)
{
	if (o->len + n <= o->cap)
		return;
	if (o->len && !o->error) {
		if (fwrite(o->buf, 1, o->len, o->f) != o->len)
			o->error = true;
	}
	o->len = 0;
	if (n > o->cap) {
		char *nb = realloc(o->buf, n);
		if (!nb) {
			o->error = true;
			return;
		}
		o->buf = nb;
		o->cap = n;
	}
}

/* s[0..n) has nothing text_safe() would look at twice. */
static bool text_clean(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	bool bad = false;

	for (size_t i = 0; i < n; i++)
		bad |= text_byte_suspect(u[i]) && u[i] != '\n' && u[i] != '\t';
	return !bad;
}

static void buf_put(struct out *o, const char *s, size_t n)
{
	if (o->mode == OUT_TEXT && !text_clean(s, n)) {
		/* through the buffer, made safe for a terminal, in pieces */
		while (n) {
			size_t k = n < OUT_BUF / 2 ? n : OUT_BUF / 2;

			reserve(o, k);
			if (o->len + k > o->cap)
				return;
			memcpy(o->buf + o->len, s, k);
			text_safe(o->buf + o->len, k, SVMC_TEXT_LINES, o->color);
			o->len += k;
			s += k;
			n -= k;
			if (o->len >= OUT_BUF) {
				if (!o->error && fwrite(o->buf, 1, o->len, o->f) != o->len)
					o->error = true;
				o->len = 0;
			}
		}
		return;
	}
	if (n >= OUT_BUF) {
		/* a whole block (replay's batches): write it from where it is */
		if (o->len && !o->error && fwrite(o->buf, 1, o->len, o->f) != o->len)
			o->error = true;
		o->len = 0;
		if (!o->error && fwrite(s, 1, n, o->f) != n)
			o->error = true;
		return;
	}
	reserve(o, n);
	if (o->len + n > o->cap)
		return;
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	if (o->len >= OUT_BUF) {
		if (fwrite(o->buf, 1, o->len, o->f) != o->len)
			o->error = true;
		o->len = 0;
	}
}

static void buf_put_cb(void *ctx, const char *s, size_t n)
{
	buf_put(ctx, s, n);
}

/* Print the pending part of a line as it is (before raw bytes, at a flush). */
static void line_flush(struct out *o)
{
	if (o->line_len) {
		buf_put(o, o->line, o->line_len);
		o->line_len = 0;
	}
}

void svmc_emit_raw(struct out *o, const char *s, size_t n)
{
	line_flush(o);
	buf_put(o, s, n);
}

/* Room for n more bytes in o->line; false (and o->error) without memory. */
static bool line_room(struct out *o, size_t n)
{
	size_t cap = o->line_cap ? o->line_cap : 256;
	char *p;

	if (o->line_len + n <= o->line_cap)
		return true;
	while (cap < o->line_len + n)
		cap *= 2;
	p = realloc(o->line, cap);
	if (!p) {
		o->error = true;
		return false;
	}
	o->line = p;
	o->line_cap = cap;
	return true;
}

/* Wrap and print every complete line in o->line; keep the rest. */
static void line_drain(struct out *o)
{
	size_t start = 0;
	char *nl;

	while ((nl = memchr(o->line + start, '\n', o->line_len - start))) {
		size_t n = (size_t)(nl - (o->line + start));

		svmc_text_wrap(o->line + start, n, o->width, o->hang, buf_put_cb, o);
		buf_put(o, "\n", 1);
		start += n + 1;
	}
	memmove(o->line, o->line + start, o->line_len - start);
	o->line_len -= start;
}

void svmc_emit_text(struct out *o, const char *s, size_t n)
{
	if (o->mode != OUT_TEXT)
		return;
	if (!o->width) {
		buf_put(o, s, n);
		return;
	}
	if (!line_room(o, n))
		return;
	memcpy(o->line + o->line_len, s, n);
	o->line_len += n;
	line_drain(o);
}

size_t svmc_text_columns(const char *s, size_t n)
{
	size_t cols = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == 0x1b && i + 1 < n && s[i + 1] == '[') {
			/* CSI: parameters up to a final byte 0x40..0x7e */
			i += 2;
			while (i < n && ((unsigned char)s[i] < 0x40 || (unsigned char)s[i] > 0x7e))
				i++;
			continue;
		}
		if ((c & 0xc0) != 0x80)
			cols++;
	}
	return cols;
}

void svmc_text_wrap(const char *s, size_t n, unsigned width, unsigned hang,
		    void (*put)(void *ctx, const char *s, size_t n), void *ctx)
{
	static const char spaces[] = "                                                            ";
	size_t pos = 0, col = 0, lead = 0;

	if (!width || svmc_text_columns(s, n) <= width) {
		put(ctx, s, n);
		return;
	}
	while (lead < n && s[lead] == ' ')
		lead++;
	if (!hang)
		hang = (unsigned)lead + 4;
	if (hang + 16 > width)
		hang = width > 32 ? width / 2 : 0;
	if (hang > sizeof(spaces) - 1)
		hang = sizeof(spaces) - 1;
	for (;;) {
		/* the first segment's indent is skipped with its first word */
		size_t i = pos, fit = 0, w = col;

		/* the longest run of whole words from pos that fits (w: columns to i) */
		while (i < n) {
			size_t j = i;

			while (j < n && s[j] == ' ')
				j++;
			if (j == n)
				break;
			while (j < n && s[j] != ' ')
				j++;
			w += svmc_text_columns(s + i, j - i);
			if (w > width && fit)
				break;
			fit = j;
			i = j;
			if (w > width)
				break; /* one word wider than the room: alone on its line */
		}
		if (!fit || i >= n) {
			put(ctx, s + pos, n - pos);
			return;
		}
		put(ctx, s + pos, fit - pos);
		pos = fit;
		while (pos < n && s[pos] == ' ')
			pos++;
		if (pos >= n)
			return;
		put(ctx, "\n", 1);
		put(ctx, spaces, hang);
		col = hang;
	}
}

unsigned svmc_emit_text_width(int fd)
{
	const char *c = getenv("COLUMNS");
	char *end;
	long v;

	if (!c || !isatty(fd))
		return SVMC_TEXT_WIDTH;
	v = strtol(c, &end, 10);
	return *end == '\0' && end != c && v >= 40 && v <= 1000 ? (unsigned)v : SVMC_TEXT_WIDTH;
}

void svmc_emit_vprintf(struct out *o, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	if (o->mode != OUT_TEXT)
		return;
	if (o->width) {
		char small[512];

		va_copy(ap2, ap);
		n = vsnprintf(small, sizeof(small), fmt, ap);
		if (n < 0) {
			va_end(ap2);
			return;
		}
		if ((size_t)n < sizeof(small)) {
			svmc_emit_text(o, small, (size_t)n);
		} else if (line_room(o, (size_t)n + 1)) {
			vsnprintf(o->line + o->line_len, (size_t)n + 1, fmt, ap2);
			o->line_len += (size_t)n;
			line_drain(o);
		}
		va_end(ap2);
		return;
	}
	va_copy(ap2, ap);
	reserve(o, 512);
	n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	if (n >= 0 && (size_t)n >= o->cap - o->len) {
		reserve(o, (size_t)n + 1);
		n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap2);
	}
	va_end(ap2);
	if (n > 0 && (size_t)n < o->cap - o->len) {
		text_safe(o->buf + o->len, (size_t)n, SVMC_TEXT_LINES, o->color);
		o->len += (size_t)n;
	}
	if (o->len >= OUT_BUF)
		reserve(o, o->cap);
}

void svmc_emit_printf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	svmc_emit_vprintf(o, fmt, ap);
	va_end(ap);
}

void svmc_emit_puts(struct out *o, const char *s)
{
	svmc_emit_text(o, s, strlen(s));
}

const char *svmc_emit_color(const struct out *o, enum svmc_emit_color c)
{
	return o->color ? color_seq[c] : "";
}

bool svmc_emit_want_color(enum svmc_emit_color_when w, int fd)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	if (w == OUT_COLOR_ALWAYS)
		return true;
	if (w == OUT_COLOR_NEVER)
		return false;
	if (nc && *nc)
		return false;
	if (term && strcmp(term, "dumb") == 0)
		return false;
	return isatty(fd);
}

/* ---- JSON ---------------------------------------------------------------- */

static void newline_indent(struct out *o)
{
	reserve(o, 1 + 2 * (size_t)o->depth);
	o->buf[o->len++] = '\n';
	for (int i = 0; i < o->depth; i++) {
		o->buf[o->len++] = ' ';
		o->buf[o->len++] = ' ';
	}
}

/*
 * n bytes of s at p; returns the end.  o->buf is counted, never a
 * NUL-terminated string, so a literal goes in without its NUL.
 */
static inline char *put_bytes(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

/*
 * Does a byte of x need escaping in a JSON string (a control byte, '"',
 * backslash, DEL, or a byte >= 0x80 that must be checked as UTF-8)?  Each term
 * is the classic exact "some byte is zero / less than n" test on 8 bytes.
 */
static inline bool json_word_needs(uint64_t x)
{
	const uint64_t ones = UINT64_C(0x0101010101010101), high = UINT64_C(0x8080808080808080);
	uint64_t q = x ^ (ones * '"'), bs = x ^ (ones * '\\'), del = x ^ (ones * 0x7f);

	return (((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((bs - ones) & ~bs) |
		((del - ones) & ~del) | x) &
	       high;
}

static inline bool json_byte_needs(unsigned char c)
{
	return c < 0x20 || c == '"' || c == '\\' || c >= 0x7f;
}

size_t svmc_emit_json_clean_prefix(const char *s, size_t n)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t x;

		memcpy(&x, s + i, 8);
		if (json_word_needs(x))
			break;
	}
	while (i < n && !json_byte_needs((unsigned char)s[i]))
		i++;
	return i;
}

char *svmc_emit_json_escape(char *p, const char *s, size_t n)
{
	static const char hexd[] = "0123456789abcdef";

	*p++ = '"';
	for (size_t i = 0; i < n; i++) {
		size_t run = svmc_emit_json_clean_prefix(s + i, n - i);
		unsigned char c;

		memcpy(p, s + i, run);
		p += run;
		i += run;
		if (i == n)
			break;
		c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			*p++ = '\\';
			*p++ = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			*p++ = '\\';
			switch (c) {
			case '\n':
				*p++ = 'n';
				break;
			case '\t':
				*p++ = 't';
				break;
			case '\r':
				*p++ = 'r';
				break;
			default:
				*p++ = 'u';
				*p++ = '0';
				*p++ = '0';
				*p++ = hexd[c >> 4];
				*p++ = hexd[c & 15];
			}
		} else {
			/*
			 * c >= 0x80: well-formed UTF-8 (utf8_len) passes,
			 * anything else becomes U+FFFD byte by byte.
			 */
			size_t l = utf8_len((const unsigned char *)s + i, n - i);

			if (l) {
				memcpy(p, s + i, l);
				p += l;
				i += l - 1;
			} else {
				p = put_bytes(p, "\\ufffd", 6);
			}
		}
	}
	*p++ = '"';
	return p;
}

static void escape(struct out *o, const char *s, size_t n)
{
	reserve(o, n * 6 + 2);
	if (o->len + n * 6 + 2 > o->cap)
		return;
	o->len = (size_t)(svmc_emit_json_escape(o->buf + o->len, s, n) - o->buf);
}

/* Separator and key before a value. */
static void pre(struct out *o, const char *key)
{
	bool line = o->on_line[o->depth];

	if (!o->first[o->depth])
		svmc_emit_raw(o, line && o->mode == OUT_JSON_PRETTY ? ", " : ",",
			      line && o->mode == OUT_JSON_PRETTY ? 2 : 1);
	o->first[o->depth] = false;
	if (o->mode == OUT_JSON_PRETTY && o->depth > 0 && !line)
		newline_indent(o);
	if (key && o->depth > 0 && !o->is_arr[o->depth]) {
		escape(o, key, strlen(key));
		svmc_emit_raw(o, o->mode == OUT_JSON_PRETTY ? ": " : ":",
			      o->mode == OUT_JSON_PRETTY ? 2 : 1);
	}
}

static void begin(struct out *o, const char *key, char c, bool arr, bool line)
{
	if (!svmc_emit_json(o))
		return;
	if (o->depth == 0)
		o->first[0] = true; /* every top-level value is its own line */
	pre(o, key);
	svmc_emit_raw(o, &c, 1);
	if (o->depth + 1 < OUT_MAX_DEPTH) {
		o->depth++;
		o->first[o->depth] = true;
		o->is_arr[o->depth] = arr;
		o->on_line[o->depth] = line || o->on_line[o->depth - 1];
	}
}

static void end(struct out *o, char c)
{
	if (!svmc_emit_json(o) || o->depth == 0)
		return;
	bool empty = o->first[o->depth], line = o->on_line[o->depth];
	o->depth--;
	if (o->mode == OUT_JSON_PRETTY && !empty && !line)
		newline_indent(o);
	svmc_emit_raw(o, &c, 1);
	if (o->depth == 0)
		svmc_emit_raw(o, "\n", 1);
}

void svmc_emit_obj_begin(struct out *o, const char *key)
{
	begin(o, key, '{', false, false);
}
void svmc_emit_obj_begin_line(struct out *o, const char *key)
{
	begin(o, key, '{', false, true);
}
void svmc_emit_obj_end(struct out *o)
{
	end(o, '}');
}
void svmc_emit_arr_begin(struct out *o, const char *key)
{
	begin(o, key, '[', true, false);
}
void svmc_emit_arr_end(struct out *o)
{
	end(o, ']');
}

void svmc_emit_strn(struct out *o, const char *key, const char *s, size_t n)
{
	if (!svmc_emit_json(o))
		return;
	pre(o, key);
	escape(o, s, n);
}

void svmc_emit_str(struct out *o, const char *key, const char *s)
{
	if (!s) {
		svmc_emit_null(o, key);
		return;
	}
	svmc_emit_strn(o, key, s, strlen(s));
}

void svmc_emit_u64(struct out *o, const char *key, uint64_t v)
{
	char tmp[24];
	int n;
	if (!svmc_emit_json(o))
		return;
	pre(o, key);
	n = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)v);
	svmc_emit_raw(o, tmp, (size_t)n);
}

void svmc_emit_bool(struct out *o, const char *key, bool v)
{
	if (!svmc_emit_json(o))
		return;
	pre(o, key);
	svmc_emit_raw(o, v ? "true" : "false", v ? 4 : 5);
}

void svmc_emit_null(struct out *o, const char *key)
{
	if (!svmc_emit_json(o))
		return;
	pre(o, key);
	svmc_emit_raw(o, "null", 4);
}

void svmc_emit_hex(struct out *o, const char *key, uint64_t v, unsigned digits)
{
	static const char hexd[] = "0123456789abcdef";
	char tmp[20];
	if (!svmc_emit_json(o))
		return;
	if (digits > 16)
		digits = 16;
	pre(o, key);
	tmp[0] = '"';
	tmp[1] = '0';
	tmp[2] = 'x';
	for (unsigned i = 0; i < digits; i++)
		tmp[3 + i] = hexd[(v >> (4 * (digits - 1 - i))) & 15];
	tmp[3 + digits] = '"';
	svmc_emit_raw(o, tmp, digits + 4);
}

void svmc_emit_hexbytes(struct out *o, const char *key, const unsigned char *p, size_t n)
{
	static const char hexd[] = "0123456789abcdef";
	if (!svmc_emit_json(o))
		return;
	pre(o, key);
	reserve(o, 2 * n + 2);
	if (o->len + 2 * n + 2 > o->cap)
		return;
	o->buf[o->len++] = '"';
	for (size_t i = 0; i < n; i++) {
		o->buf[o->len++] = hexd[p[i] >> 4];
		o->buf[o->len++] = hexd[p[i] & 15];
	}
	o->buf[o->len++] = '"';
}

void svmc_emit_pretty_raw(struct out *o, const char *s, size_t n)
{
	int depth = 0;
	bool in_str = false, esc = false;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (in_str) {
			svmc_emit_raw(o, &c, 1);
			if (esc)
				esc = false;
			else if (c == '\\')
				esc = true;
			else if (c == '"')
				in_str = false;
			continue;
		}
		switch (c) {
		case '"':
			in_str = true;
			svmc_emit_raw(o, &c, 1);
			break;
		case '{':
		case '[':
			if (i + 1 < n && (s[i + 1] == '}' || s[i + 1] == ']')) {
				svmc_emit_raw(o, s + i, 2); /* empty container */
				i++;
				break;
			}
			svmc_emit_raw(o, &c, 1);
			depth++;
			o->depth = depth;
			newline_indent(o);
			break;
		case '}':
		case ']':
			depth = depth > 0 ? depth - 1 : 0;
			o->depth = depth;
			newline_indent(o);
			svmc_emit_raw(o, &c, 1);
			break;
		case ',':
			svmc_emit_raw(o, ",", 1);
			o->depth = depth;
			newline_indent(o);
			break;
		case ':':
			svmc_emit_raw(o, ": ", 2);
			break;
		case '\n':
			depth = 0;
			svmc_emit_raw(o, "\n", 1);
			break;
		default:
			svmc_emit_raw(o, &c, 1);
		}
	}
	o->depth = 0;
}
