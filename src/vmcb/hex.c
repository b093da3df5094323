/*
 * hex.c - hex dumps of VMCB pages: `xxd` (also -e, -p, -i), `hexdump` and
 * `hexdump -C`, `od -tx1/2/4/8` (octal, decimal or hex offsets) and gdb
 * `x/512gx ADDR` (or x/wx, x/hx, x/bx; of a page saved from /dev/mem, a
 * vmcore or QEMU pmemsave).
 *
 * Every dialect is a sequence of (offset, bytes) lines; this reader turns
 * them back into the byte stream and cuts it into 4096-byte pages, one
 * record each, whose line is the line that holds the page's first byte.
 *   xxd        `00000000: 1300 1100 ...  ascii`: groups are bytes in memory order;
 *              with -a a `*` line stands for skipped all-zero lines.  With -e
 *              each group is a little-endian word, but the ASCII column stays
 *              in memory order, so the first line whose column has a printable
 *              byte that moves decides the order of the dump's groups
 *   xxd -p     hex digits alone, 30 bytes a line: no offsets
 *   xxd -i     `unsigned char page_bin[] = {`, `  0x13, 0x00, ...`, `};`
 *   hexdump -C `00000000  13 00 11 00 ...  |....|`, `*` lines and a final offset line
 *   od         `0000000 0000000000110013 ...`: each token is a host-endian (little-endian)
 *              word of len/2 bytes, so the low-offset byte is in the low-order digits;
 *              `*` lines and a final offset line; 7-digit octal (the default) or
 *              decimal (-Ad) offsets, or 6 hex digits (-Ax).  Plain `hexdump` is
 *              `od -tx2` with 7-digit hex offsets: a 7-digit dump's radix is the
 *              one in which its offsets advance by the bytes read
 *   gdb        `0xffff888100a00000 <sym+16>:\t0x0000000000110013\t0x...`: words as od,
 *              absolute addresses, so offsets are relative to the dump's first address
 * A `*` line means "the previous line repeats until the next offset".  A
 * dump's offsets are relative to its first line, so `xxd -s` and gdb
 * addresses work alike.  A dump ends at the final offset line, at a `(gdb)`
 * prompt, at xxd -i's `};`, at a line that restarts at offset 0 (another
 * file's dump), at a change of dialect, or at the end of the input; a page left incomplete then
 * is an error that says how many bytes were present.  A gap, an offset that
 * goes backwards or a line that is no hex dump line is an error naming the
 * line; the page it falls in is dropped and reading resumes at the next
 * page boundary, so the other pages still come through (xxd -p and -i have
 * no offsets to resume at: the rest of that dump is dropped).
 *
 * Bytes are written straight into the record (no page buffer); a line's
 * bytes that belong to the next page wait in a small per-reader buffer.
 */
#include <inttypes.h>
#include <stddef.h>
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

enum hex_dialect { HD_NONE, HD_XXD, HD_HEXDUMP, HD_OD, HD_GDB, HD_PLAIN, HD_CARRAY };

/* dialect names for messages, one a line */
/* clang-format off */
static const char *const dialect_name[] = {
	[HD_NONE] = "unknown",
	[HD_XXD] = "xxd",
	[HD_HEXDUMP] = "hexdump -C",
	[HD_OD] = "od or hexdump",
	[HD_GDB] = "gdb x",
	[HD_PLAIN] = "xxd -p",
	[HD_CARRAY] = "xxd -i",
};

/*
 * The radixes a 7-digit offset may be in: od's default octal, od -A d, and
 * plain hexdump's hex.  The lines alike (hexdump is od -t x2), so the dump's
 * offsets tell: the one radix in which they advance by the bytes read.
 */
enum { RX_8, RX_10, RX_16, RX_N };
static const unsigned radix_of[RX_N] = { 8, 10, 16 };
/* clang-format on */

enum hex_kind {
	HL_BLANK,  /* empty line: ignored */
	HL_DATA,   /* offset and bytes */
	HL_STAR,   /* "*": the previous line repeats */
	HL_END,    /* offset alone: the end of a hexdump/od dump */
	HL_PROMPT, /* "(gdb) ..." or xxd -i's "unsigned char x[] = {": the dump ends */
	HL_CLOSE,  /* xxd -i's "};": the end of its dump */
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
	/*
	 * xxd: bytes per group, and what the ASCII column (always in memory
	 * order) says of the groups: 1 little-endian (xxd -e), -1 in byte
	 * order, 0 it cannot tell (no printable byte that moves)
	 */
	size_t grp;
	int order;
};

struct hex_state {
	/* the dump being read */
	enum hex_dialect dia; /* HD_NONE between dumps */
	unsigned radix;       /* of its offsets, the first candidate left (for messages) */
	unsigned radixes;     /* od/hexdump: the radixes still possible, bits 1 << RX_* */
	int order;            /* xxd: 1 little-endian groups (-e), -1 byte order, 0 not known yet */
	uint64_t bases[RX_N]; /* the first offset in each of them */
	size_t grp;           /* xxd: bytes per group */
	size_t offw;          /* digits of its first offset: later ones are as wide */
	uint64_t base;        /* offset/address of its first byte */
	uint64_t pos;         /* dump-relative offset of the next byte to place */
	/* the last data line, which a '*' repeats */
	unsigned char prev[HEX_LINE_BYTES];
	size_t prev_n;
	uint64_t star_line;
	uint64_t run_total; /* bytes the '*' runs of this input stood for so far */
	/* bytes waiting to be placed: first a '*' run over [pos, rep_end), then cur */
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
	bool resync;    /* after an error: drop lines until a page boundary */
	bool star;      /* a '*' line waits for the offset it repeats to */
	bool rep;       /* a '*' run is being placed */
	bool end_after; /* the dump ends once the pending bytes are placed */
	bool held;      /* hl is a line to process again on the next call */
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

/* The character xxd prints in its ASCII column for byte v. */
static char xxd_char(unsigned char v)
{
	return v >= 0x20 && v < 0x7f ? (char)v : '.';
}

/*
 * xxd -e prints each group as a little-endian word but the ASCII column in
 * memory order, so the column tells the two apart where a printable byte
 * changes place: l->order is 1 when only the little-endian reading matches
 * it, -1 when only byte order does, 0 when both or neither do.  The column
 * is the last l->n characters of the line as printed.
 */
static void xxd_order(struct hex_line *l, const char *hex_end, const char *line_end)
{
	const char *a;
	bool be = true, le = true;

	l->order = 0;
	if (l->grp < 2 || l->n % l->grp || line_end - hex_end < (ptrdiff_t)l->n + 2)
		return;
	a = line_end - l->n;
	if (a[-1] != ' ' || a[-2] != ' ')
		return;
	for (size_t i = 0; i < l->n; i++) {
		size_t j = i - i % l->grp + (l->grp - 1 - i % l->grp);
		be &= xxd_char(l->b[i]) == a[i];
		le &= xxd_char(l->b[j]) == a[i];
	}
	if (be != le)
		l->order = le ? 1 : -1;
}

/* xxd -i: "  0x13, 0x00, ..." (two-digit C constants); false if the line is not one. */
static bool parse_carray(struct hex_line *l, const char *p, const char *end)
{
	while (p < end) {
		if (end - p < 4 || p[0] != '0' || p[1] != 'x' || hex_run(p + 2, end) != 2 ||
		    !add_token(l, p + 2, 2, false))
			return false;
		p += 4;
		if (p < end && *p == ',')
			p++;
		else if (p < end)
			return false;
		if (p < end && *p == ' ')
			p++;
	}
	l->kind = HL_DATA;
	l->dia = HD_CARRAY;
	return true;
}

/* Classify one line (without its newline) into l. */
static void classify(struct hex_line *l, const char *p, size_t len, uint64_t lineno)
{
	const char *end = p + len, *q, *raw_end;
	size_t w;

	l->kind = HL_BAD;
	l->dia = HD_NONE;
	l->offn = 0;
	l->n = 0;
	l->grp = 0;
	l->order = 0;
	l->lineno = lineno;
	while (end > p && end[-1] == '\r')
		end--;
	raw_end = end; /* xxd's ASCII column may end in blanks */
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
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
	/* xxd -i: "unsigned char NAME[] = {", the bytes, "};", "unsigned int NAME_len = N;" */
	if (end - p >= 14 && memcmp(p, "unsigned ", 9) == 0) {
		if (end - p >= 4 && memcmp(end - 3, "= {", 3) == 0)
			l->kind = HL_PROMPT;
		else if (end[-1] == ';' && memmem(p, (size_t)(end - p), "_len = ", 7))
			l->kind = HL_BLANK;
		return;
	}
	if (end - p == 2 && p[0] == '}' && p[1] == ';') {
		l->kind = HL_CLOSE;
		return;
	}
	q = p;
	while (q < end && *q == ' ')
		q++;
	if (end - q >= 4 && q[0] == '0' && q[1] == 'x' && hex_run(q + 2, end) == 2 &&
	    (q + 4 == end || q[4] == ',')) {
		parse_carray(l, q, end);
		return;
	}
	if (end - p > 2 && p[0] == '0' && p[1] == 'x') {
		parse_gdb(l, p, end);
		return;
	}
	w = hex_run(p, end);
	if (w == 0)
		return;
	q = p + w;
	if (q == end) {
		/*
		 * hex digits alone: an offset ending a hexdump or od dump, or a
		 * line of xxd -p (30 bytes by default, fewer on the last line)
		 */
		if (w % 2 == 0 && w / 2 <= HEX_LINE_BYTES)
			add_token(l, p, w, false);
		if (w <= 22) {
			memcpy(l->offs, p, w);
			l->offn = w;
			l->kind = HL_END;
		} else if (l->n) {
			l->kind = HL_DATA;
			l->dia = HD_PLAIN;
		}
		return;
	}
	if (w > 22)
		return;
	memcpy(l->offs, p, w);
	l->offn = w;
	if (*q == ':' && q + 1 < end && q[1] == ' ') {
		/* xxd: groups of an even number of digits, one blank apart; two blanks end them */
		q += 2;
		while (q < end && svmc_is_hex((unsigned char)*q)) {
			w = hex_run(q, end);
			if (w % 2 || !add_token(l, q, w, false))
				return;
			if (!l->grp)
				l->grp = w / 2;
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
			xxd_order(l, q, raw_end);
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
	/* od and plain hexdump: words of 2, 4, 8 or 16 digits, all the same width, one blank apart */
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
static bool offset_in(const struct hex_state *st, const struct hex_line *l, unsigned radix,
		      uint64_t *off)
{
	uint64_t v = 0;

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

/* The offset of l in the dump's radix (its first candidate while several are left). */
static bool line_offset(const struct hex_state *st, const struct hex_line *l, uint64_t *off)
{
	return offset_in(st, l, st->radix, off);
}

/* Make the first radix left in st->radixes the current one. */
static void pick_radix(struct hex_state *st)
{
	static const int pref[RX_N] = { RX_8, RX_16, RX_10 }; /* od's default first */

	for (int i = 0; i < RX_N; i++)
		if (st->radixes & (1u << pref[i])) {
			st->radix = radix_of[pref[i]];
			st->base = st->bases[pref[i]];
			return;
		}
}

static bool take_run_ok(const struct hex_state *st, uint64_t rel);

/*
 * While an od or hexdump dump's radix is open, keep the radixes in which
 * l's offset is where the dump has got to: rel == pos, or after a '*' the
 * end of a run of whole lines.  If none fits, nothing changes (the caller
 * reports the line in the current radix).  The final offset line ends the
 * dump, which must then hold whole pages: the radixes in which it does are
 * preferred.  False when, after a '*', two radixes still fit with different
 * run lengths: the dump cannot tell.
 */
static bool narrow_radix(struct hex_state *st, const struct hex_line *l)
{
	unsigned fit = 0, whole = 0;
	uint64_t first = 0, first_whole = 0;
	bool differ = false, differ_whole = false;

	if (st->dia != HD_OD || !(st->radixes & (st->radixes - 1)) || st->resync)
		return true;
	for (int i = 0; i < RX_N; i++) {
		uint64_t off, rel;
		if (!(st->radixes & (1u << i)) || !offset_in(st, l, radix_of[i], &off) ||
		    off < st->bases[i])
			continue;
		rel = off - st->bases[i];
		if (st->star ? !take_run_ok(st, rel) : rel != st->pos)
			continue;
		if (fit && rel != first)
			differ = true;
		if (!fit)
			first = rel;
		fit |= 1u << i;
		if (l->kind == HL_END && rel % SVMC_VMCB_PAGE_SIZE == 0) {
			if (whole && rel != first_whole)
				differ_whole = true;
			if (!whole)
				first_whole = rel;
			whole |= 1u << i;
		}
	}
	if (!fit)
		return true;
	if (whole) {
		fit = whole;
		differ = differ_whole;
	}
	if (differ && st->star)
		return false;
	st->radixes = fit;
	pick_radix(st);
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

/* A dump begins with l; false if its offset is a number in no radix the dialect uses. */
static bool start_dump(struct hex_state *st, const struct hex_line *l)
{
	reset_dump(st);
	st->dia = l->dia;
	st->offw = l->offn;
	st->grp = l->grp;
	st->order = 0;
	st->base = 0;
	st->pos = 0;
	/*
	 * od -A x prints 6 hex digits; od (octal, the default), od -A d and
	 * plain hexdump (hex) print 7: the next offsets decide (narrow_radix)
	 */
	st->radixes = 1u << RX_16;
	if (l->dia == HD_OD && l->offn != 6)
		st->radixes = 1u << RX_8 | 1u << RX_10 | 1u << RX_16;
	if (l->dia == HD_PLAIN || l->dia == HD_CARRAY) /* no offsets */
		return true;
	for (int i = 0; i < RX_N; i++)
		if ((st->radixes & (1u << i)) && !offset_in(st, l, radix_of[i], &st->bases[i]))
			st->radixes &= ~(1u << i);
	pick_radix(st);
	return st->radixes != 0;
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
static bool take_run_ok(const struct hex_state *st, uint64_t rel)
{
	return rel >= st->pos && (rel - st->pos) % st->prev_n == 0 &&
	       rel - st->pos <= HEX_MAX_RUN - st->run_total;
}

static bool take_run(struct hex_state *st, uint64_t rel)
{
	if (!take_run_ok(st, rel))
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

/*
 * A page of an xxd dump is complete: turn xxd -e's little-endian groups
 * into memory order.  With groups of 4 or 8 bytes a page whose order no
 * line's ASCII column has told yet, and that reads differently in the two
 * orders, is refused rather than guessed; 2-byte groups are xxd's default
 * layout and read in byte order (xxd -e makes 4-byte groups unless told).
 */
static enum svmc_err settle_order(struct hex_state *st, unsigned char *page, uint64_t page_line,
				  struct svmc_diag *d)
{
	size_t g = st->grp;
	bool same = true;

	if (st->dia != HD_XXD || g < 2 || SVMC_VMCB_PAGE_SIZE % g || st->order < 0)
		return SVMC_OK;
	for (size_t i = 0; i < SVMC_VMCB_PAGE_SIZE && same; i += g)
		for (size_t k = 0; k < g / 2; k++)
			same &= page[i + k] == page[i + g - 1 - k];
	if (same)
		return SVMC_OK;
	if (st->order > 0) {
		for (size_t i = 0; i < SVMC_VMCB_PAGE_SIZE; i += g)
			for (size_t k = 0; k < g / 2; k++) {
				unsigned char t = page[i + k];
				page[i + k] = page[i + g - 1 - k];
				page[i + g - 1 - k] = t;
			}
		return SVMC_OK;
	}
	if (g == 2)
		return SVMC_OK;
	d->line = page_line;
	return svmc_diag_set(d, SVMC_ERR_FORMAT,
			     "cannot tell whether this xxd dump of %zu-byte groups was made with "
			     "-e (little-endian groups) or without: no line's ASCII column so far "
			     "has a printable byte that tells; the VMCB page that starts here is "
			     "dropped (dump it with xxd -g1 to be read either way)",
			     g);
}

/* After a '*', a 7-digit offset read in two radixes gives two different runs. */
static enum svmc_err ambiguous(struct hex_state *st, size_t fill, uint64_t page_line,
			       struct svmc_diag *d)
{
	char msg[200];

	st->resync = true;
	st->star = false;
	snprintf(msg, sizeof(msg),
		 "the '*' at line %" PRIu64 " ends at an offset that reads as hex (hexdump) and "
		 "as octal or decimal (od) with different lengths: cannot tell which (use "
		 "hexdump -C or od -A x)",
		 st->star_line);
	return lost(d, SVMC_ERR_FORMAT, fill, page_line, msg);
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
			e = settle_order(st, page, page_line, d);
			if (e)
				return e;
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
			/* a short last line of xxd -p looks like an offset alone */
			if (l->kind == HL_END && st->dia == HD_PLAIN && l->n) {
				l->kind = HL_DATA;
				l->dia = HD_PLAIN;
			}
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
			/* without offsets (xxd -p, -i) the place of the next bytes is lost */
			if (st->dia != HD_NONE &&
			    (fill || st->star || st->pos % SVMC_VMCB_PAGE_SIZE ||
			     st->dia == HD_PLAIN || st->dia == HD_CARRAY))
				st->resync = true;
			st->star = false;
			return lost(d, SVMC_ERR_FORMAT, fill, page_line,
				    "not a line of an xxd, hexdump, od or gdb x dump");
		case HL_CLOSE:
			if (st->dia != HD_CARRAY) {
				if (st->dia != HD_NONE && !st->resync)
					st->resync = true;
				return lost(d, SVMC_ERR_FORMAT, fill, page_line,
					    "'};' outside an xxd -i dump");
			}
			if (st->resync) {
				reset_dump(st);
				fill = 0;
				continue;
			}
			st->end_after = true;
			continue;
		case HL_STAR:
			if (st->resync)
				continue;
			if (st->dia == HD_NONE || st->dia == HD_GDB || st->dia == HD_PLAIN ||
			    st->dia == HD_CARRAY || st->prev_n == 0 || st->star) {
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
				snprintf(msg, sizeof(msg), "an offset alone inside an %s dump",
					 dialect_name[st->dia]);
				return lost(d, SVMC_ERR_FORMAT, fill, page_line, msg);
			}
			if (st->resync) {
				reset_dump(st);
				fill = 0;
				continue;
			}
			if (!narrow_radix(st, l))
				return ambiguous(st, fill, page_line, d);
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
		if (st->dia == HD_NONE && !start_dump(st, l)) {
			reset_dump(st);
			return svmc_diag_set(d, SVMC_ERR_FORMAT, "offset '%.*s' is not a number",
					     (int)l->offn, l->offs);
		}
		if (st->dia == HD_PLAIN || st->dia == HD_CARRAY) {
			/* no offsets: the bytes follow on, and after an error the dump is lost */
			if (st->resync)
				continue;
			goto take;
		}
		if (!narrow_radix(st, l))
			return ambiguous(st, fill, page_line, d);
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
				(void)start_dump(st, l);
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
take:
		if (st->dia == HD_XXD && !st->order)
			st->order = l->order;
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
	size_t i = 0, j;

	/* xxd -i: "unsigned char page_bin[] = {" or "  0x13, 0x00, ..." */
	if (n >= 14 && memcmp(p, "unsigned char ", 14) == 0)
		return n >= 4 && memcmp(p + n - 3, "= {", 3) == 0;
	while (i < n && p[i] == ' ')
		i++;
	if (n - i >= 10 && memcmp(p + i, "0x", 2) == 0 && hex_run(p + i + 2, p + n) == 2 &&
	    memcmp(p + i + 4, ", 0x", 4) == 0)
		return true;
	if (n >= 2 && p[0] == '0' && p[1] == 'x') { /* gdb: 0xADDR <sym+off>:\t0x... */
		const char *colon = memchr(p, ':', n);
		return colon && memmem(colon, n - (size_t)(colon - p), "0x", 2);
	}
	i = hex_run(p, p + n);
	if (i == n) /* xxd -p: 30 bytes a line by default */
		return n >= 24 && n % 2 == 0;
	if (i < 6 || i > 16)
		return false;
	if (p[i] == ':' || p[i] == ' ') { /* xxd "00000000: ", hexdump/od "0000000 " */
		j = i + 1;
		while (j < n && p[j] == ' ')
			j++;
		return j < n && svmc_is_hex((unsigned char)(p[j]));
	}
	return false;
}

/*
 * One of the first four lines (prompt lines such as "$ xxd page.bin" or
 * "(gdb) x/512gx $rdi" aside) has the shape of an xxd (-p, -i), hexdump,
 * od or gdb line: an address, then hex digits; hex digits alone; C bytes.
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
	.origin = SVMC_ORIGIN_PAGE,
	.state_size = sizeof(struct hex_state),
	.fills_page = true,
	.next = hex_next,
};

const struct svmc_format_row svmc_hex_format = {
	.name = "hex",
	.probe = hex_probe,
	.best = SVMC_PROBE_SHAPE,
	.ops = &hex_ops,
	.summary = "hex dumps of a page: xxd (-e, -p, -i), hexdump (-C), od -t x1z, gdb x/FMT",
};
