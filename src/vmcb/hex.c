/*
 * hex.c - hex dumps of VMCB pages: `xxd`, `hexdump -C`, `od -tx8` (octal
 * offsets, or hex ones with -Ax) and gdb `x/512gx ADDR` (of a page saved
 * from /dev/mem, a vmcore or QEMU pmemsave).
 *
 * Every dialect is a sequence of (offset, bytes) lines; this reader turns
 * them back into the byte stream and cuts it into 4096-byte pages, one
 * record each, whose line is the line that holds the page's first byte.
 *   xxd        `00000000: 1300 1100 ...  ascii`: groups are bytes in memory order;
 *              with -a a `*` line stands for skipped all-zero lines
 *   hexdump -C `00000000  13 00 11 00 ...  |....|`, `*` lines and a final offset line
 *   od         `0000000 0000000000110013 ...`: each token is a host-endian (little-endian)
 *              word of len/2 bytes, so the low-offset byte is in the low-order digits;
 *              `*` lines and a final offset line; octal offsets (7 digits) or -Ax (6)
 *   gdb        `0xffff888100a00000 <sym+16>:\t0x0000000000110013\t0x...`: words as od,
 *              absolute addresses, so offsets are relative to the dump's first address
 * A `*` line means "the previous line repeats until the next offset".  A
 * dump's offsets are relative to its first line, so `xxd -s` and gdb
 * addresses work alike.  A dump ends at the final offset line, at a `(gdb)`
 * prompt, at a line that restarts at offset 0 (another file's dump), at a
 * change of dialect, or at the end of the input; a page left incomplete then
 * is an error that says how many bytes were present.  A gap, an offset that
 * goes backwards or a line that is no hex dump line is an error naming the
 * line; the page it falls in is dropped and reading resumes at the next
 * page boundary, so the other pages still come through.
 *
 * Bytes are written straight into the record (no page buffer); a line's
 * bytes that belong to the next page wait in a small per-reader buffer.
 */
#include <inttypes.h>
#include <string.h>

#include "hexdigit.h"
#include "vmcb/reader.h"

#define HEX_LINE_BYTES 256u /* xxd -c 256 is the widest line any of the tools prints */
/*
 * Longest run a '*' may stand for, and the most all the '*' runs of one input
 * may stand for together.  A real dump may skip long runs of zero pages, but
 * an offset damaged after a '*' must not turn into 2^50 records, nor may a
 * small file of many '*' lines turn into billions of pages; beyond this the
 * offset is taken for damage.
 */
#define HEX_MAX_RUN (UINT64_C(1) << 30)

enum hex_dialect { HD_NONE, HD_XXD, HD_HEXDUMP, HD_OD, HD_GDB };

/* dialect names for messages, one a line */
/* clang-format off */
static const char *const dialect_name[] = {
	[HD_NONE] = "unknown",
	[HD_XXD] = "xxd",
	[HD_HEXDUMP] = "hexdump -C",
	[HD_OD] = "od",
	[HD_GDB] = "gdb x/gx",
};
/* clang-format on */

enum hex_kind {
	HL_BLANK,  /* empty line: ignored */
	HL_DATA,   /* offset and bytes */
	HL_STAR,   /* "*": the previous line repeats */
	HL_END,    /* offset alone: the end of a hexdump/od dump */
	HL_PROMPT, /* "(gdb) ...": a gdb command ends the dump */
	HL_BAD,    /* anything else */
};

/* One classified line, copied out of the read window so that it can be held. */
struct hex_line {
	enum hex_kind kind;
	enum hex_dialect dia;
	char offs[24]; /* the offset digits as printed (radix decided per dump for od) */
	size_t offn;
	unsigned char b[HEX_LINE_BYTES];
	size_t n;
	uint64_t lineno;
};

struct hex_state {
	/* the dump being read */
	enum hex_dialect dia; /* HD_NONE between dumps */
	unsigned radix;       /* of its offsets: 16, or 8 for od without -Ax */
	size_t offw;          /* digits of its first offset: later ones are as wide */
	uint64_t base;        /* offset/address of its first byte */
	uint64_t pos;         /* dump-relative offset of the next byte to place */
	bool resync;          /* after an error: drop lines until a page boundary */
	/* the last data line, which a '*' repeats */
	unsigned char prev[HEX_LINE_BYTES];
	size_t prev_n;
	bool star;
	uint64_t star_line;
	uint64_t run_total; /* bytes the '*' runs of this input stood for so far */
	/* bytes waiting to be placed: first a '*' run over [pos, rep_end), then cur */
	bool rep;
	uint64_t rep_start, rep_end, rep_line;
	/*
	 * the repeated line (prev may move on meanwhile), written out again and
	 * again for a page and one line more, so that a page of the run, at any
	 * phase of the line, is one memcpy whatever the line's length
	 */
	unsigned char pat[SVMC_VMCB_PAGE_SIZE + HEX_LINE_BYTES];
	size_t pat_n;
	unsigned char cur[HEX_LINE_BYTES];
	size_t cur_n, cur_i;
	uint64_t cur_line;
	bool end_after; /* the dump ends once the pending bytes are placed */
	/* a line to process again on the next call */
	bool held;
	struct hex_line hl;
};

static size_t hex_run(const char *p, const char *end)
{
	const char *q = p;
	while (q < end && svmc_is_hex((unsigned char)*q))
		q++;
	return (size_t)(q - p);
}

/* Append the bytes of a token of w hex digits: a little-endian word (od, gdb) or bytes in order. */
static bool add_token(struct hex_line *l, const char *p, size_t w, bool word)
{
	size_t nb = w / 2;

	if (l->n + nb > HEX_LINE_BYTES)
		return false;
	for (size_t i = 0; i < nb; i++) {
		/* byte i of the token as printed, left to right */
		unsigned char v = (unsigned char)(svmc_hex_value((unsigned char)(p[2 * i])) << 4 |
						  svmc_hex_value((unsigned char)(p[2 * i + 1])));
		if (word)
			/* the last printed byte is the lowest address */
			l->b[l->n + nb - 1 - i] = v;
		else
			l->b[l->n + i] = v;
	}
	l->n += nb;
	return true;
}

static bool word_width(size_t w)
{
	return w == 2 || w == 4 || w == 8 || w == 16;
}

/* gdb: 0xADDR[ <sym+off>]:\t0xWORD\t0xWORD */
static void parse_gdb(struct hex_line *l, const char *p, const char *end)
{
	size_t w, width = 0;
	const char *q;

	p += 2;
	w = hex_run(p, end);
	if (w == 0 || w > 16)
		return;
	memcpy(l->offs, p, w);
	l->offn = w;
	p += w;
	while (p < end && *p == ' ')
		p++;
	if (p < end && *p == '<') {
		q = memchr(p, '>', (size_t)(end - p));
		if (!q)
			return;
		p = q + 1;
	}
	if (p == end || *p != ':')
		return;
	p++;
	for (;;) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p == end)
			break;
		if (end - p < 3 || p[0] != '0' || p[1] != 'x')
			return;
		p += 2;
		w = hex_run(p, end);
		if (!word_width(w) || (width && w != width) ||
		    (p + w < end && p[w] != ' ' && p[w] != '\t'))
			return;
		width = w;
		if (!add_token(l, p, w, true))
			return;
		p += w;
	}
	if (l->n) {
		l->kind = HL_DATA;
		l->dia = HD_GDB;
	}
}

/* Classify one line (without its newline) into l. */
static void classify(struct hex_line *l, const char *p, size_t len, uint64_t lineno)
{
	const char *end = p + len, *q;
	size_t w;

	l->kind = HL_BAD;
	l->dia = HD_NONE;
	l->offn = 0;
	l->n = 0;
	l->lineno = lineno;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	if (p == end) {
		l->kind = HL_BLANK;
		return;
	}
	if (end - p >= 5 && memcmp(p, "(gdb)", 5) == 0) {
		l->kind = HL_PROMPT;
		return;
	}
	if (end - p == 1 && *p == '*') {
		l->kind = HL_STAR;
		return;
	}
	if (end - p > 2 && p[0] == '0' && p[1] == 'x') {
		parse_gdb(l, p, end);
		return;
	}
	w = hex_run(p, end);
	if (w == 0 || w > 22)
		return;
	memcpy(l->offs, p, w);
	l->offn = w;
	q = p + w;
	if (q == end) {
		l->kind = HL_END;
		return;
	}
	if (*q == ':' && q + 1 < end && q[1] == ' ') {
		/* xxd: groups of an even number of digits, one blank apart; two blanks end them */
		q += 2;
		while (q < end && svmc_is_hex((unsigned char)*q)) {
			w = hex_run(q, end);
			if (w % 2 || !add_token(l, q, w, false))
				return;
			q += w;
			if (q < end && *q != ' ')
				return;
			if (q + 1 < end && q[0] == ' ' && q[1] == ' ')
				break;
			if (q < end)
				q++;
		}
		if (l->n) {
			l->kind = HL_DATA;
			l->dia = HD_XXD;
		}
		return;
	}
	if (*q != ' ')
		return;
	if (q + 1 < end && q[1] == ' ') {
		/* hexdump -C: two-digit bytes, one or two blanks apart, then |ascii| */
		for (;;) {
			while (q < end && *q == ' ')
				q++;
			if (q == end || *q == '|')
				break;
			w = hex_run(q, end);
			if (w != 2 || (q + 2 < end && q[2] != ' ') || !add_token(l, q, 2, false))
				return;
			q += 2;
		}
		if (l->n) {
			l->kind = HL_DATA;
			l->dia = HD_HEXDUMP;
		}
		return;
	}
	/* od: words of 2, 4, 8 or 16 digits, all the same width, one blank apart */
	{
		size_t width = 0;
		for (;;) {
			while (q < end && *q == ' ')
				q++;
			if (q == end || *q == '>')
				break;
			w = hex_run(q, end);
			if (!word_width(w) || (width && w != width) ||
			    (q + w < end && q[w] != ' ') || !add_token(l, q, w, true))
				return;
			width = w;
			q += w;
		}
		if (l->n) {
			l->kind = HL_DATA;
			l->dia = HD_OD;
		}
	}
}

/*
 * The offset of l in the current dump's radix; false if a digit does not fit
 * it, or if the offset is not printed as wide as the dump's first one (the
 * tools pad to a fixed width and only grow it when a value needs more digits,
 * so "003a5e0000" in a 6-digit od dump is damage, not a far offset; refusing
 * it keeps a corrupted offset after a '*' from repeating a line for gigabytes).
 */
static bool line_offset(const struct hex_state *st, const struct hex_line *l, uint64_t *off)
{
	uint64_t v = 0;
	bool od = l->dia == HD_OD || (l->kind == HL_END && st->dia == HD_OD);
	unsigned radix = od ? st->radix : 16;

	if (st->dia != HD_GDB && (l->offn < st->offw || (l->offn > st->offw && l->offs[0] == '0')))
		return false;
	for (size_t i = 0; i < l->offn; i++) {
		unsigned dv = svmc_hex_value((unsigned char)(l->offs[i]));
		if (dv >= radix)
			return false;
		if (v > (UINT64_MAX - dv) / radix)
			return false;
		v = v * radix + dv;
	}
	*off = v;
	return true;
}

static void reset_dump(struct hex_state *st)
{
	st->dia = HD_NONE;
	st->resync = false;
	st->star = false;
	st->prev_n = 0;
	st->rep = false;
	st->cur_n = st->cur_i = 0;
	st->end_after = false;
}

static void start_dump(struct hex_state *st, const struct hex_line *l)
{
	reset_dump(st);
	st->dia = l->dia;
	/* od prints 7 octal digits by default and 6 hex digits with -Ax */
	st->radix = (l->dia == HD_OD && l->offn != 6) ? 8 : 16;
	st->offw = l->offn;
	st->base = 0;
	st->pos = 0;
}

/* Copy as many pending bytes as fit into the page; returns the new fill. */
static size_t place(struct hex_state *st, unsigned char *page, size_t fill, uint64_t *page_line)
{
	if (st->rep) {
		if (st->pos < st->rep_end && fill < SVMC_VMCB_PAGE_SIZE) {
			size_t at = (size_t)((st->pos - st->rep_start) % st->pat_n);
			size_t n = SVMC_VMCB_PAGE_SIZE - fill;
			/* at < pat_n <= HEX_LINE_BYTES and n <= a page: inside pat */
			if (n > st->rep_end - st->pos)
				n = (size_t)(st->rep_end - st->pos);
			if (fill == 0)
				*page_line = st->rep_line;
			memcpy(page + fill, st->pat + at, n);
			fill += n;
			st->pos += n;
		}
		if (st->pos == st->rep_end)
			st->rep = false;
		else
			return fill;
	}
	if (st->cur_i < st->cur_n && fill < SVMC_VMCB_PAGE_SIZE) {
		size_t n = st->cur_n - st->cur_i;
		if (n > SVMC_VMCB_PAGE_SIZE - fill)
			n = SVMC_VMCB_PAGE_SIZE - fill;
		if (fill == 0)
			*page_line = st->cur_line;
		memcpy(page + fill, st->cur + st->cur_i, n);
		fill += n;
		st->cur_i += n;
		st->pos += n;
	}
	return fill;
}

/* The message tail for a page lost to an error. */
static enum svmc_err lost(struct svmc_diag *d, enum svmc_err code, size_t fill, uint64_t page_line,
			  const char *what)
{
	if (fill)
		return svmc_diag_set(d, code,
				     "%s; the VMCB page begun at line %" PRIu64
				     " (%zu of 4096 bytes read) is dropped",
				     what, page_line, fill);
	return svmc_diag_set(d, code, "%s", what);
}

/* The dump ends here: an incomplete page is an error, reported at the line where it began. */
static enum svmc_err end_dump(struct hex_state *st, size_t fill, uint64_t page_line,
			      uint64_t at_line, const char *why, struct svmc_diag *d)
{
	bool star = st->star;

	reset_dump(st);
	if (star) {
		d->line = at_line;
		return svmc_diag_set(
			d, SVMC_ERR_TRUNCATED,
			"the %s dump ends after a '*' line without the offset it repeats to", why);
	}
	if (fill == 0)
		return SVMC_OK;
	d->line = page_line;
	return svmc_diag_set(d, SVMC_ERR_TRUNCATED,
			     "the %s dump ends after %zu of the 4096 bytes of the VMCB page that "
			     "starts here",
			     why, fill);
}

/*
 * A '*' line said that lines repeat the last one up to offset rel: take the
 * run (whole lines of the last line's length, forwards, and with every run
 * of the input together at most HEX_MAX_RUN bytes).  False if it cannot be.
 */
static bool take_run(struct hex_state *st, uint64_t rel)
{
	if (rel < st->pos || (rel - st->pos) % st->prev_n ||
	    rel - st->pos > HEX_MAX_RUN - st->run_total)
		return false;
	st->star = false;
	st->rep = true;
	st->rep_start = st->pos;
	st->rep_end = rel;
	st->rep_line = st->star_line;
	st->run_total += rel - st->pos;
	st->pat_n = st->prev_n;
	for (size_t i = 0; i < sizeof(st->pat); i += st->pat_n)
		memcpy(st->pat + i, st->prev,
		       st->pat_n < sizeof(st->pat) - i ? st->pat_n : sizeof(st->pat) - i);
	return true;
}

static enum svmc_err hex_next(struct svmc_reader *r, struct svmc_record *rec, struct svmc_diag *d)
{
	struct hex_state *st = r->state;
	unsigned char *page = (unsigned char *)&rec->vmcb;
	uint64_t page_line = 0;
	size_t fill = 0;
	char msg[200];

	d->index = r->index;
	for (;;) {
		struct hex_line *l = &st->hl;
		const char *text;
		size_t len;
		uint64_t lineno = 0, off, rel;
		bool too_long;
		enum svmc_err e;

		fill = place(st, page, fill, &page_line);
		if (fill == SVMC_VMCB_PAGE_SIZE) {
			svmc_mark_all_known(rec);
			rec->line = page_line;
			return SVMC_OK;
		}
		if (st->end_after) {
			e = end_dump(st, fill, page_line, 0, dialect_name[st->dia], d);
			fill = 0;
			if (e)
				return e;
			continue;
		}

		if (st->held) {
			st->held = false;
		} else {
			uint64_t at;
			if (!svmc_src_getline(&r->src, &text, &len, &lineno, &at, &too_long)) {
				if (st->dia == HD_NONE)
					return SVMC_ERR_EMPTY;
				e = end_dump(st, fill, page_line, lineno, dialect_name[st->dia], d);
				return e ? e : SVMC_ERR_EMPTY;
			}
			classify(l, text, len, lineno);
			if (too_long)
				l->kind = HL_BAD;
		}
		d->line = l->lineno;

		switch (l->kind) {
		case HL_BLANK:
			continue;
		case HL_PROMPT:
			if (st->dia == HD_NONE)
				continue;
			e = end_dump(st, fill, page_line, l->lineno, dialect_name[st->dia], d);
			fill = 0;
			if (e)
				return e;
			continue;
		case HL_BAD:
			if (st->resync)
				continue;
			if (st->dia != HD_NONE &&
			    (fill || st->star || st->pos % SVMC_VMCB_PAGE_SIZE))
				st->resync = true;
			st->star = false;
			return lost(d, SVMC_ERR_FORMAT, fill, page_line,
				    "not a line of an xxd, hexdump -C, od or gdb x/gx dump");
		case HL_STAR:
			if (st->resync)
				continue;
			if (st->dia == HD_NONE || st->dia == HD_GDB || st->prev_n == 0 ||
			    st->star) {
				if (st->dia != HD_NONE)
					st->resync = true;
				return lost(
					d, SVMC_ERR_FORMAT, fill, page_line,
					"'*' (repeat the previous line) does not follow a data line "
					"of an xxd -a, hexdump -C or od dump");
			}
			st->star = true;
			st->star_line = l->lineno;
			continue;
		case HL_END:
			if (st->dia != HD_HEXDUMP && st->dia != HD_OD) {
				if (st->dia == HD_NONE)
					return svmc_diag_set(
						d, SVMC_ERR_FORMAT,
						"an offset alone, outside any hexdump -C or "
						"od dump");
				st->resync = true;
				return lost(d, SVMC_ERR_FORMAT, fill, page_line,
					    "an offset alone inside an xxd or gdb dump");
			}
			if (st->resync) {
				reset_dump(st);
				fill = 0;
				continue;
			}
			if (!line_offset(st, l, &off) || off < st->base) {
				st->resync = true;
				st->held = true;
				return lost(d, SVMC_ERR_FORMAT, fill, page_line,
					    "the final offset does not fit this dump");
			}
			rel = off - st->base;
			if (st->star) {
				if (!take_run(st, rel)) {
					st->resync = true;
					st->held = true;
					st->star = false;
					snprintf(msg, sizeof(msg),
						 "the '*' at line %" PRIu64 " cannot repeat "
						 "%zu-byte lines from offset 0x%" PRIx64
						 " to 0x%" PRIx64
						 " (at most 1 GiB, all runs together)",
						 st->star_line, st->prev_n, st->pos, rel);
					return lost(d, SVMC_ERR_FORMAT, fill, page_line, msg);
				}
			} else if (rel != st->pos) {
				st->resync = true;
				st->held = true;
				snprintf(msg, sizeof(msg),
					 "the dump says it ends at offset 0x%" PRIx64
					 " but its bytes end at 0x%" PRIx64,
					 rel, st->pos);
				return lost(d, SVMC_ERR_FORMAT, fill, page_line, msg);
			}
			st->end_after = true;
			continue;
		case HL_DATA:
			break;
		}

		/* a data line */
		if (st->dia != HD_NONE && l->dia != st->dia) {
			/* another tool's dump begins: this one ends here */
			st->held = true;
			e = end_dump(st, fill, page_line, l->lineno, dialect_name[st->dia], d);
			if (e)
				return e;
			continue;
		}
		if (st->dia == HD_NONE) {
			start_dump(st, l);
			if (!line_offset(st, l, &off)) {
				reset_dump(st);
				return svmc_diag_set(d, SVMC_ERR_FORMAT,
						     "offset '%.*s' is not a number", (int)l->offn,
						     l->offs);
			}
			st->base = off;
		}
		if (!line_offset(st, l, &off)) {
			if (st->resync)
				continue;
			if (fill || st->pos % SVMC_VMCB_PAGE_SIZE)
				st->resync = true;
			snprintf(msg, sizeof(msg),
				 "offset '%.*s' is not a %zu-digit %s offset like the dump's first",
				 (int)l->offn, l->offs, st->offw,
				 st->radix == 8 ? "octal (od's default)" : "hex");
			return lost(d, SVMC_ERR_FORMAT, fill, page_line, msg);
		}
		rel = off - st->base;
		if (st->resync) {
			if (off >= st->base && rel % SVMC_VMCB_PAGE_SIZE == 0 && rel >= st->pos) {
				st->resync = false;
				st->pos = rel;
				st->prev_n = 0;
				st->star = false;
			} else if (off == 0 && st->dia != HD_GDB) {
				start_dump(st, l);
			} else {
				continue;
			}
		} else if (st->star) {
			if (off < st->base || !take_run(st, rel)) {
				st->resync = true;
				st->star = false;
				snprintf(msg, sizeof(msg),
					 "the '*' at line %" PRIu64 " cannot repeat %zu-byte lines "
					 "up to this line's offset (whole lines, at most 1 GiB, "
					 "all runs together)",
					 st->star_line, st->prev_n);
				st->held = true;
				return lost(d, SVMC_ERR_FORMAT, fill, page_line, msg);
			}
		} else if (off < st->base || rel != st->pos) {
			bool boundary = fill == 0 && st->pos % SVMC_VMCB_PAGE_SIZE == 0;
			if ((off == 0 && st->dia != HD_GDB) || (boundary && st->dia == HD_GDB)) {
				/* a new dump (another file, another x command) */
				st->held = true;
				e = end_dump(st, fill, page_line, l->lineno, dialect_name[st->dia],
					     d);
				if (e)
					return e;
				continue;
			}
			st->resync = true;
			st->held = true;
			if (off >= st->base && rel > st->pos)
				snprintf(msg, sizeof(msg),
					 "gap: this line starts at offset 0x%" PRIx64
					 " but the dump so far ends at 0x%" PRIx64 " (%" PRIu64
					 " bytes missing)",
					 rel, st->pos, rel - st->pos);
			else
				snprintf(msg, sizeof(msg),
					 "out of order: this line's offset is before the end "
					 "of the dump so far (0x%" PRIx64 ")",
					 st->pos);
			return lost(d, SVMC_ERR_FORMAT, fill, page_line, msg);
		}
		memcpy(st->cur, l->b, l->n);
		st->cur_n = l->n;
		st->cur_i = 0;
		st->cur_line = l->lineno;
		memcpy(st->prev, l->b, l->n);
		st->prev_n = l->n;
	}
}

/* Does the line [p, p+n) look like one line of a hex dump? */
static bool hex_probe_line(const char *p, size_t n)
{
	size_t i = 0;

	if (n >= 2 && p[0] == '0' && p[1] == 'x') { /* gdb: 0xADDR <sym+off>:\t0x... */
		const char *colon = memchr(p, ':', n);
		return colon && memmem(colon, n - (size_t)(colon - p), "0x", 2);
	}
	while (i < n && svmc_is_hex((unsigned char)(p[i])))
		i++;
	if (i < 6 || i > 16 || i == n)
		return false;
	if (p[i] == ':' || p[i] == ' ') { /* xxd "00000000: ", hexdump/od "0000000 " */
		size_t j = i + 1;
		while (j < n && p[j] == ' ')
			j++;
		return j < n && svmc_is_hex((unsigned char)(p[j]));
	}
	return false;
}

/*
 * One of the first four lines (prompt lines such as "$ xxd page.bin" or
 * "(gdb) x/512gx $rdi" aside) has the shape of an xxd, hexdump -C, od or
 * gdb line: an address, then hex digits.
 */
static enum svmc_probe_score hex_probe(const unsigned char *b, size_t n)
{
	const char *p = (const char *)b + svmc_probe_text_start(b, n), *end = (const char *)b + n;
	const char *line;
	size_t len;

	for (int seen = 0; seen < 4 && svmc_probe_next_line(&p, end, &line, &len); seen++)
		if (hex_probe_line(line, len))
			return SVMC_PROBE_SHAPE;
	return SVMC_PROBE_NONE;
}

static const struct svmc_format_ops hex_ops = {
	.format = SVMC_FMT_HEX,
	.state_size = sizeof(struct hex_state),
	.fills_page = true,
	.next = hex_next,
};

const struct svmc_format_row svmc_hex_format = {
	.name = "hex",
	.probe = hex_probe,
	.best = SVMC_PROBE_SHAPE,
	.ops = &hex_ops,
	.summary = "hex dumps of a page: xxd, hexdump -C, od -A x -t x1z, gdb x/FMT",
};
