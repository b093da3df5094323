/*
 * journal.c - the MESSAGE fields of a journald export, as the kernel log
 * text they hold: what `journalctl -k -o json | svmcheck replay -` needs.
 *
 * journalctl(1) writes entries as JSON (-o json: one object per line;
 * -o json-pretty: one member per line, "\t\"KEY\" : value"; -o json-seq
 * and -o json-sse put RS or "data: " before each object) or in the Journal
 * Export Format (-o export: KEY=value lines, a blank line after each entry;
 * a value with control characters is the bare KEY on its line, a 64-bit
 * little-endian length, the bytes and a newline).  In JSON every value is a
 * string, an array of byte numbers (a value that is not valid UTF-8), an
 * array of such values (a field given more than once) or null (a value
 * larger than journalctl's 4096-byte default limit).  Field meanings:
 * systemd.journal-fields(7).
 *
 * This is a decoder of the byte source (reader.h): the kvm-dump reader
 * reads the text it produces.  Every input line becomes one text line, the
 * MESSAGE value for the line that carries it and an empty line for every
 * other, so the line numbers of messages are the input's line numbers (for
 * -o json and -o json-pretty; a binary export field, or a message with
 * newlines, shifts the count).  Memory: one line of at most SRC_LINE_MAX
 * bytes; a longer line is dropped whole (it is reported by nothing: no
 * dump line is that long).
 */
#include <stdlib.h>
#include <string.h>

#include "vmcb/reader.h"

enum jmode { J_JSON = 1, J_EXPORT };
enum jstate { JS_LINE, JS_BIN_LEN, JS_BIN_DATA, JS_BIN_NL };

struct journal {
	enum jmode mode;
	enum jstate state;
	unsigned char line[SRC_LINE_MAX];
	size_t len;
	bool overlong;         /* the line being gathered passed SRC_LINE_MAX: dropped */
	unsigned char lenb[8]; /* export: the binary field's length, gathered */
	unsigned nlen;
	uint64_t left;                       /* export: binary bytes still to come */
	bool message;                        /* export: the binary field is MESSAGE */
	unsigned char out[SRC_LINE_MAX + 8]; /* text not yet handed out */
	size_t out_start, out_end;
};

static bool starts(const unsigned char *p, size_t n, const char *s)
{
	size_t k = strlen(s);

	return n >= k && memcmp(p, s, k) == 0;
}

int svmc_journal_kind(const unsigned char *b, size_t n)
{
	size_t i = svmc_probe_text_start(b, n);

	if (i < n && b[i] == 0x1e) /* -o json-seq: RS before each object */
		i++;
	if (starts(b + i, n - i, "data: ")) /* -o json-sse */
		i += 6;
	if (i < n && b[i] == '{') {
		i++;
		while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n'))
			i++;
		/* journalctl writes the entry's address fields first */
		if (starts(b + i, n - i, "\"__CURSOR\"") ||
		    starts(b + i, n - i, "\"__REALTIME_TIMESTAMP\"") ||
		    starts(b + i, n - i, "\"__MONOTONIC_TIMESTAMP\""))
			return J_JSON;
		return 0;
	}
	if (starts(b + i, n - i, "__CURSOR=") || starts(b + i, n - i, "__REALTIME_TIMESTAMP=") ||
	    starts(b + i, n - i, "__MONOTONIC_TIMESTAMP="))
		return J_EXPORT;
	return 0;
}

/* Append [p, p+n) to the pending text, NUL bytes dropped. */
static void emit(struct journal *j, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n && j->out_end < sizeof(j->out) - 1; i++)
		if (p[i])
			j->out[j->out_end++] = p[i];
}

static void emit_byte(struct journal *j, unsigned char c)
{
	emit(j, &c, 1);
}

static size_t skip_ws(const unsigned char *p, size_t i, size_t n)
{
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r'))
		i++;
	return i;
}

static int hexval(unsigned c)
{
	if (c >= '0' && c <= '9')
		return (int)(c - '0');
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? (int)(c - 'a' + 10) : -1;
}

/* Four hex digits at p[i..i+3]: the value, or -1. */
static long hex4(const unsigned char *p, size_t i, size_t n)
{
	long v = 0;

	if (n - i < 4)
		return -1;
	for (size_t k = 0; k < 4; k++) {
		int d = hexval(p[i + k]);

		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/*
 * The JSON string at p[i] == '"': its end (after the closing quote, or n),
 * its decoded bytes emitted when `out`.
 */
static size_t json_string(struct journal *j, const unsigned char *p, size_t i, size_t n, bool out)
{
	for (i++; i < n && p[i] != '"'; i++) {
		unsigned char c = p[i];
		long u, lo;
		unsigned char buf[4];

		if (c != '\\') {
			if (out)
				emit_byte(j, c);
			continue;
		}
		if (++i >= n)
			break;
		switch (p[i]) {
		case 'n':
			c = '\n';
			break;
		case 't':
			c = '\t';
			break;
		case 'r':
			c = '\r';
			break;
		case 'b':
			c = '\b';
			break;
		case 'f':
			c = '\f';
			break;
		case 'u':
			u = hex4(p, i + 1, n);
			if (u < 0) {
				c = '?';
				break;
			}
			i += 4;
			if (u >= 0xd800 && u < 0xdc00 && i + 6 < n && p[i + 1] == '\\' &&
			    p[i + 2] == 'u' && (lo = hex4(p, i + 3, n)) >= 0xdc00 && lo < 0xe000) {
				u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
				i += 6;
			} else if (u >= 0xd800 && u < 0xe000) {
				u = 0xfffd;
			}
			if (out) {
				/* UTF-8 of u (U+0000 is dropped by emit) */
				size_t k;

				if (u < 0x80) {
					buf[0] = (unsigned char)u;
					k = 1;
				} else if (u < 0x800) {
					buf[0] = (unsigned char)(0xc0 | u >> 6);
					buf[1] = (unsigned char)(0x80 | (u & 0x3f));
					k = 2;
				} else if (u < 0x10000) {
					buf[0] = (unsigned char)(0xe0 | u >> 12);
					buf[1] = (unsigned char)(0x80 | ((u >> 6) & 0x3f));
					buf[2] = (unsigned char)(0x80 | (u & 0x3f));
					k = 3;
				} else {
					buf[0] = (unsigned char)(0xf0 | u >> 18);
					buf[1] = (unsigned char)(0x80 | ((u >> 12) & 0x3f));
					buf[2] = (unsigned char)(0x80 | ((u >> 6) & 0x3f));
					buf[3] = (unsigned char)(0x80 | (u & 0x3f));
					k = 4;
				}
				emit(j, buf, k);
			}
			continue;
		default: /* \" \\ \/ and anything else: the character itself */
			c = p[i];
			break;
		}
		if (out)
			emit_byte(j, c);
	}
	return i < n ? i + 1 : n;
}

/*
 * A JSON value at p[i]: a string, an array (of byte numbers, or of values,
 * each emitted as a line of its own), a number, true/false/null.  Emitted
 * when `out`.  Returns the index after it.
 */
static size_t json_value(struct journal *j, const unsigned char *p, size_t i, size_t n, bool out,
			 unsigned depth)
{
	bool bytes_seen = false, first = true;
	size_t k;

	i = skip_ws(p, i, n);
	if (i >= n)
		return n;
	if (p[i] == '"')
		return json_string(j, p, i, n, out);
	if (p[i] != '[' || depth > 2) {
		while (i < n && p[i] != ',' && p[i] != '}' && p[i] != ']' && p[i] != '\n')
			i++;
		return i;
	}
	for (i++; i < n;) {
		i = skip_ws(p, i, n);
		if (i >= n || p[i] == ']')
			return i < n ? i + 1 : n;
		if (p[i] == ',') {
			i++;
			continue;
		}
		if (p[i] >= '0' && p[i] <= '9') {
			unsigned v = 0;

			while (i < n && p[i] >= '0' && p[i] <= '9') {
				v = v * 10 + (unsigned)(p[i] - '0');
				if (v > 255)
					v = 256;
				i++;
			}
			if (out && v < 256)
				emit_byte(j, (unsigned char)v);
			bytes_seen = true;
			continue;
		}
		/* a field given more than once: one line per value */
		if (out && !first && !bytes_seen)
			emit_byte(j, '\n');
		first = false;
		k = json_value(j, p, i, n, out, depth + 1);
		i = k > i ? k : i + 1; /* a stray '}' or the like: step over it */
	}
	return n;
}

/* One line of journald JSON: the MESSAGE value(s) it holds, if any. */
static void json_line(struct journal *j, const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t k;
		bool message;

		i = skip_ws(p, i, n);
		if (i >= n)
			break;
		if (p[i] != '"') {
			i++; /* '{' '}' ',' RS, "data:" */
			continue;
		}
		k = json_string(j, p, i, n, false);
		message = k - i == 9 && memcmp(p + i, "\"MESSAGE\"", 9) == 0;
		i = skip_ws(p, k, n);
		if (i >= n || p[i] != ':')
			continue;
		i = json_value(j, p, i + 1, n, message, 0);
	}
}

/* A whole input line: its text line into out. */
static void take_line(struct journal *j)
{
	const unsigned char *p = j->line;
	size_t n = j->len;

	if (n && p[n - 1] == '\r')
		n--;
	if (j->overlong) {
		/* nothing of it: only an empty line keeps the count */
	} else if (j->mode == J_JSON) {
		json_line(j, p, n);
	} else if (n > 8 && memcmp(p, "MESSAGE=", 8) == 0) {
		emit(j, p + 8, n - 8);
	} else if (n && !memchr(p, '=', n)) {
		/* export: a binary field follows its bare name */
		j->message = n == 7 && memcmp(p, "MESSAGE", 7) == 0;
		j->state = JS_BIN_LEN;
		j->nlen = 0;
	}
	emit_byte(j, '\n');
	j->len = 0;
	j->overlong = false;
}

/* Feed input bytes [p, p+n) until some text is pending; returns the bytes used. */
static size_t feed(struct journal *j, const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n && j->out_start == j->out_end) {
		switch (j->state) {
		case JS_LINE: {
			const unsigned char *nl = memchr(p + i, '\n', n - i);
			size_t k = nl ? (size_t)(nl - (p + i)) : n - i;

			if (j->len + k > sizeof(j->line))
				j->overlong = true;
			else
				memcpy(j->line + j->len, p + i, k);
			if (!j->overlong)
				j->len += k;
			i += k;
			if (nl) {
				i++;
				take_line(j);
			}
			break;
		}
		case JS_BIN_LEN:
			j->lenb[j->nlen++] = p[i++];
			if (j->nlen == 8) {
				j->left = 0;
				for (int b = 7; b >= 0; b--)
					j->left = j->left << 8 | j->lenb[b];
				j->state = j->left ? JS_BIN_DATA : JS_BIN_NL;
			}
			break;
		case JS_BIN_DATA: {
			size_t k = n - i < j->left ? n - i : (size_t)j->left;

			if (j->message) {
				size_t room = sizeof(j->out) - 1 - j->out_end;

				k = k < room ? k : room;
				emit(j, p + i, k);
			}
			i += k;
			j->left -= k;
			if (j->left == 0)
				j->state = JS_BIN_NL;
			break;
		}
		case JS_BIN_NL:
			if (p[i] == '\n')
				i++;
			if (j->message)
				emit_byte(j, '\n');
			j->state = JS_LINE;
			break;
		}
	}
	return i;
}

/* The decoder (svmc_src.decode): journald in raw[], message text out. */
static size_t journal_decode(struct svmc_src *s, unsigned char *dst, size_t cap)
{
	struct journal *j = s->dec_state;

	for (;;) {
		size_t k = j->out_end - j->out_start;

		if (k) {
			if (k > cap)
				k = cap;
			memcpy(dst, j->out + j->out_start, k);
			j->out_start += k;
			if (j->out_start == j->out_end)
				j->out_start = j->out_end = 0;
			return k;
		}
		if (s->raw_start == s->raw_end) {
			if (s->raw_eof) {
				if (j->state != JS_LINE || (j->len == 0 && !j->overlong))
					return 0;
				take_line(j); /* the last line, without its newline */
				continue;
			}
			svmc_src_raw_refill(s);
			continue;
		}
		s->raw_start += feed(j, s->raw + s->raw_start, s->raw_end - s->raw_start);
	}
}

bool svmc_src_journal(struct svmc_src *s)
{
	struct journal *j;
	int kind;

	if (!s->raw || s->enc == SVMC_ENC_UTF16LE || s->enc == SVMC_ENC_UTF16BE)
		return false;
	kind = svmc_journal_kind(s->raw + s->raw_start, s->raw_end - s->raw_start);
	if (!kind)
		return false;
	j = calloc(1, sizeof(*j));
	if (!j)
		return false;
	j->mode = (enum jmode)kind;
	free(s->dec_state);
	s->dec_state = j;
	s->decode = journal_decode;
	return true;
}
