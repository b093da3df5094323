/*
 * reader.c - the byte source, the line scanner and svmc_reader_* dispatch.
 *
 * Binary readers pull fixed-size records out of a 1 MiB window filled by
 * large read(2) calls; text readers get lines from svmc_src_getline(), which
 * finds newlines with memchr and hands out pointers into the window, so a
 * line is never copied.  Memory stays at one window whatever the input size.
 *
 * The format registry is here too: the rows SVMC_FORMATS names, indexed by
 * enum svmc_format, with the names, summaries and readers they hold.
 */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "hexdigit.h"
#include "vmcb/reader.h"

enum svmc_err svmc_src_open(struct svmc_src *s, const char *path, struct svmc_diag *d)
{
	struct stat st;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	if (strcmp(path, "-") == 0) {
		s->fd = STDIN_FILENO;
	} else {
		s->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (s->fd < 0)
			return svmc_diag_set(d, SVMC_ERR_IO, "cannot open: %s", strerror(errno));
		s->own_fd = true;
	}
	if (fstat(s->fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			svmc_src_close(s);
			/* the code itself: callers (and the analyzer) see it fail */
			svmc_diag_set(d, SVMC_ERR_IO, "is a directory, not a capture file");
			return SVMC_ERR_IO;
		}
		if (S_ISREG(st.st_mode)) {
			off_t at = lseek(s->fd, 0, SEEK_CUR);

			(void)posix_fadvise(s->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
			if (at >= 0) {
				s->regular = true;
				s->base = (uint64_t)at;
			}
		}
	}
	s->buf = malloc(SRC_BUF_SIZE);
	if (!s->buf) {
		svmc_src_close(s);
		svmc_diag_set(d, SVMC_ERR_NOMEM, "out of memory");
		return SVMC_ERR_NOMEM;
	}
	s->cap = SRC_BUF_SIZE;
	return SVMC_OK;
}

void svmc_src_close(struct svmc_src *s)
{
	if (s->own_fd && s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	if (!s->borrowed)
		free(s->buf);
	s->buf = NULL;
	free(s->raw);
	s->raw = NULL;
	free(s->dec_state);
	s->dec_state = NULL;
}

/* ---- text: encodings, NUL noise, the decoding source ----------------------- */

static bool ascii_text(unsigned c)
{
	return c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c < 0x7f);
}

enum svmc_text_enc svmc_text_encoding(const unsigned char *b, size_t n, size_t *bom)
{
	size_t units = 0;
	bool le = true, be = true;

	*bom = 0;
	if (n >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf) {
		*bom = 3;
		return SVMC_ENC_UTF8_BOM;
	}
	if (n >= 2 && ((b[0] == 0xff && b[1] == 0xfe) || (b[0] == 0xfe && b[1] == 0xff))) {
		bool little = b[0] == 0xff;
		size_t i;

		for (i = 2; i + 1 < n && i < 2 + 512; i += 2) {
			unsigned u = little ? b[i] | (unsigned)b[i + 1] << 8 :
					      (unsigned)b[i] << 8 | b[i + 1];

			if (u == 0 || (u < 0x20 && !ascii_text(u)) || u == 0x7f)
				return SVMC_ENC_BYTES;
		}
		*bom = 2;
		return little ? SVMC_ENC_UTF16LE : SVMC_ENC_UTF16BE;
	}
	for (size_t i = 0; i + 1 < n && units < 256; i += 2, units++) {
		le = le && b[i + 1] == 0 && ascii_text(b[i]);
		be = be && b[i] == 0 && ascii_text(b[i + 1]);
		if (!le && !be)
			return SVMC_ENC_BYTES;
	}
	if (units < 4)
		return SVMC_ENC_BYTES;
	return le ? SVMC_ENC_UTF16LE : SVMC_ENC_UTF16BE;
}

/* c as UTF-8 into out (room for 4). Returns the length. */
static size_t utf8_put(uint32_t c, unsigned char *out)
{
	if (c < 0x80) {
		out[0] = (unsigned char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (unsigned char)(0xc0 | c >> 6);
		out[1] = (unsigned char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (unsigned char)(0xe0 | c >> 12);
		out[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (unsigned char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (unsigned char)(0xf0 | c >> 18);
	out[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (unsigned char)(0x80 | (c & 0x3f));
	return 4;
}

size_t svmc_text_decode(enum svmc_text_enc e, const unsigned char *in, size_t n, size_t *used,
			unsigned char *out, size_t cap, bool end)
{
	size_t i = 0, o = 0;

	if (e != SVMC_ENC_UTF16LE && e != SVMC_ENC_UTF16BE) {
		/* bytes: copy, NULs dropped (memchr finds the runs) */
		while (i < n && o < cap) {
			size_t k = n - i < cap - o ? n - i : cap - o;
			const unsigned char *z = memchr(in + i, 0, k);

			if (z)
				k = (size_t)(z - (in + i));
			memcpy(out + o, in + i, k);
			o += k;
			i += k;
			while (i < n && in[i] == 0)
				i++;
		}
		*used = i;
		return o;
	}
	while (i < n) {
		bool le = e == SVMC_ENC_UTF16LE;
		uint32_t c;
		size_t take = 2;
		unsigned char tmp[4];
		size_t k;

		if (n - i < 2) {
			if (!end)
				break;
			c = 0xfffd; /* an odd trailing byte */
			take = 1;
		} else {
			c = le ? in[i] | (uint32_t)in[i + 1] << 8 :
				 (uint32_t)in[i] << 8 | in[i + 1];
			if (c >= 0xd800 && c < 0xdc00) {
				if (n - i < 4 && !end)
					break;
				if (n - i >= 4) {
					uint32_t lo = le ? in[i + 2] | (uint32_t)in[i + 3] << 8 :
							   (uint32_t)in[i + 2] << 8 | in[i + 3];

					if (lo >= 0xdc00 && lo < 0xe000) {
						c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
						take = 4;
					} else {
						c = 0xfffd;
					}
				} else {
					c = 0xfffd;
				}
			} else if (c >= 0xdc00 && c < 0xe000) {
				c = 0xfffd;
			}
		}
		if (c == 0) {
			i += take;
			continue;
		}
		k = utf8_put(c, tmp);
		if (k > cap - o)
			break;
		memcpy(out + o, tmp, k);
		o += k;
		i += take;
	}
	*used = i;
	return o;
}

/* Read more input bytes into raw[], keeping the undecoded rest. */
void svmc_src_raw_refill(struct svmc_src *s)
{
	if (s->raw_start > 0) {
		memmove(s->raw, s->raw + s->raw_start, s->raw_end - s->raw_start);
		s->raw_end -= s->raw_start;
		s->raw_start = 0;
	}
	while (!s->raw_eof && s->raw_end < SRC_BUF_SIZE) {
		ssize_t n = read(s->fd, s->raw + s->raw_end, SRC_BUF_SIZE - s->raw_end);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			s->err = errno;
		if (n <= 0)
			s->raw_eof = true;
		else
			s->raw_end += (size_t)n;
		break;
	}
}

/* Drop the NUL bytes of [p, p+n) in place; the bytes left. */
static size_t drop_nuls(unsigned char *p, size_t n)
{
	unsigned char *z = memchr(p, 0, n), *o;

	if (!z)
		return n;
	o = z;
	for (const unsigned char *i = z, *e = p + n; i < e;) {
		const unsigned char *nz, *next;

		while (i < e && *i == 0)
			i++;
		next = i < e ? memchr(i, 0, (size_t)(e - i)) : NULL;
		nz = next ? next : e;
		memmove(o, i, (size_t)(nz - i));
		o += nz - i;
		i = nz;
	}
	return (size_t)(o - p);
}

/* The decoder of plain text and UTF-16 (svmc_src.decode). */
static size_t text_decode(struct svmc_src *s, unsigned char *dst, size_t cap)
{
	/*
	 * Bytes, once the ones read before (detection's) are used up: read
	 * straight into the window and drop NULs there, without a copy.
	 */
	while (s->enc != SVMC_ENC_UTF16LE && s->enc != SVMC_ENC_UTF16BE &&
	       s->raw_start == s->raw_end && !s->raw_eof) {
		ssize_t n = read(s->fd, dst, cap);
		size_t k;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n < 0)
				s->err = errno;
			s->raw_eof = true;
			return 0;
		}
		k = drop_nuls(dst, (size_t)n);
		if (k)
			return k;
	}
	for (;;) {
		size_t used = 0, got;

		if (s->raw_start == s->raw_end && !s->raw_eof)
			svmc_src_raw_refill(s);
		got = svmc_text_decode(s->enc, s->raw + s->raw_start, s->raw_end - s->raw_start,
				       &used, dst, cap, s->raw_eof);
		s->raw_start += used;
		if (got)
			return got;
		if (s->raw_eof && (used == 0 || s->raw_start == s->raw_end))
			return 0;
		if (used == 0)
			svmc_src_raw_refill(s); /* an incomplete unit: more bytes first */
	}
}

enum svmc_err svmc_src_text(struct svmc_src *s, struct svmc_diag *d)
{
	unsigned char *win = malloc(SRC_BUF_SIZE);
	size_t bom;

	if (!win)
		return svmc_diag_set(d, SVMC_ERR_NOMEM, "out of memory");
	/* the bytes read so far become the undecoded input */
	s->raw = s->buf;
	s->raw_start = s->start;
	s->raw_end = s->end;
	s->raw_eof = s->eof;
	s->buf = win;
	s->start = s->end = 0;
	s->eof = false;
	s->enc = svmc_text_encoding(s->raw + s->raw_start, s->raw_end - s->raw_start, &bom);
	s->raw_start += bom;
	if (!s->decode)
		s->decode = text_decode;
	return SVMC_OK;
}

/*
 * Make at least `want` bytes available (fewer at end of input or on a read
 * error), moving the window to the front first.  Each read asks for up to
 * `limit` bytes past the window's start: the whole buffer (fill), or no
 * byte past `want` (top up).
 */
static size_t src_read_to(struct svmc_src *s, size_t want, bool exact)
{
	if (want > s->cap)
		want = s->cap;
	if (src_avail(s) >= want || s->eof || s->err)
		return src_avail(s);
	if (s->start > 0) {
		memmove(s->buf, s->buf + s->start, s->end - s->start);
		s->end -= s->start;
		s->start = 0;
	}
	while (s->end < want && !s->eof) {
		ssize_t n;

		if (s->decode) {
			/* text: exactness only matters to binary readers */
			if (s->cap - s->end < 4)
				break; /* room for any UTF-8 character, or none */
			n = (ssize_t)s->decode(s, s->buf + s->end, s->cap - s->end);
			if (n == 0)
				s->eof = true;
			s->end += (size_t)n;
			continue;
		}
		n = read(s->fd, s->buf + s->end, (exact ? want : s->cap) - s->end);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			s->err = errno;
			break;
		}
		if (n == 0)
			s->eof = true;
		s->end += (size_t)n;
	}
	return src_avail(s);
}

size_t svmc_src_fill(struct svmc_src *s, size_t want)
{
	return src_read_to(s, want, false);
}

size_t svmc_src_top_up(struct svmc_src *s, size_t want)
{
	return src_read_to(s, want, true);
}

size_t svmc_src_readv(struct svmc_src *s, struct iovec *iov, int cnt, size_t min)
{
	size_t total = 0;

	while (cnt > 0 && !s->eof && !s->err) {
		ssize_t n = readv(s->fd, iov, cnt > IOV_MAX ? IOV_MAX : cnt);
		size_t left;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			s->err = errno;
			break;
		}
		if (n == 0) {
			s->eof = true;
			break;
		}
		total += (size_t)n;
		/* drop the buffers filled, shorten the one filled in part */
		for (left = (size_t)n; cnt > 0 && left >= iov->iov_len; cnt--, iov++)
			left -= iov->iov_len;
		if (cnt > 0 && left) {
			iov->iov_base = (char *)iov->iov_base + left;
			iov->iov_len -= left;
		}
		if (total >= min && cnt > 0 && !s->regular)
			break; /* a pipe: hand out what is there */
	}
	return total;
}

void svmc_src_unread(struct svmc_src *s, const void *p, size_t n)
{
	if (s->start == s->end)
		s->start = s->end = 0;
	if (n > s->cap - s->end)
		n = s->cap - s->end; /* cannot happen: callers read at most one window */
	memcpy(s->buf + s->end, p, n);
	s->end += n;
}

bool svmc_src_getline(struct svmc_src *s, const char **line, size_t *len, uint64_t *lineno,
		      uint64_t *off, bool *too_long)
{
	const unsigned char *p, *nl;
	size_t avail;

	*too_long = false;
	avail = src_avail(s);
	nl = avail ? memchr(src_ptr(s), '\n', avail) : NULL;
	if (!nl) {
		avail = svmc_src_fill(s, s->cap);
		nl = avail ? memchr(src_ptr(s), '\n', avail) : NULL;
	}
	if (avail == 0)
		return false;
	p = src_ptr(s);
	*off = s->pos;
	*lineno = ++s->lineno;
	*line = (const char *)p;
	if (nl) {
		size_t l = (size_t)(nl - p);
		if (l > SRC_LINE_MAX) {
			*too_long = true;
			*len = SRC_LINE_MAX;
		} else {
			*len = l;
		}
		src_consume(s, l + 1);
	} else if (avail < s->cap) {
		/* last line without a newline */
		*len = avail > SRC_LINE_MAX ? SRC_LINE_MAX : avail;
		*too_long = avail > SRC_LINE_MAX;
		src_consume(s, avail);
	} else {
		/*
		 * The window is full and holds no newline: the line is longer than
		 * the window.  Hand out its first SRC_LINE_MAX bytes, then skip to
		 * the next newline, one window at a time, without keeping any of it.
		 * The returned pointer stays valid: skipping happens on the next call.
		 */
		*len = SRC_LINE_MAX;
		*too_long = true;
		src_consume(s, avail);
		for (;;) {
			avail = svmc_src_fill(s, s->cap);
			if (avail == 0)
				break;
			nl = memchr(src_ptr(s), '\n', avail);
			if (nl) {
				src_consume(s, (size_t)(nl - src_ptr(s)) + 1);
				break;
			}
			src_consume(s, avail);
		}
		/* The window was reused: point at a stable copy of the head. */
		*line = NULL;
	}
	if (*line && *len && (*line)[*len - 1] == '\r')
		--*len;
	if (!*line) {
		/* Only the fact that the line was too long survives; its text is gone. */
		*line = "";
		*len = 0;
	}
	return true;
}

/* ---- the format registry -------------------------------------------------- */

#define SVMC_FMT_REGISTRY_(id, ident) [SVMC_FMT_##id] = &svmc_##ident##_format,
static const struct svmc_format_row *const registry[SVMC_FMT_COUNT] = { SVMC_FORMATS(
	SVMC_FMT_REGISTRY_) };
#undef SVMC_FMT_REGISTRY_

const struct svmc_format_row *svmc_format_row(enum svmc_format f)
{
	return f > SVMC_FMT_AUTO && f < SVMC_FMT_COUNT ? registry[f] : NULL;
}

const char *svmc_format_name(enum svmc_format f)
{
	if (f == SVMC_FMT_AUTO)
		return "auto";
	return svmc_format_row(f) ? registry[f]->name : "?";
}

const char *svmc_format_summary(enum svmc_format f)
{
	return svmc_format_row(f) ? registry[f]->summary : "";
}

int svmc_format_parse(const char *name, enum svmc_format *out)
{
	for (unsigned i = SVMC_FMT_AUTO; i < SVMC_FMT_COUNT; i++)
		if (strcmp(name, svmc_format_name((enum svmc_format)i)) == 0) {
			*out = (enum svmc_format)i;
			return 0;
		}
	return -1;
}

const char *svmc_format_names(char *buf, size_t n)
{
	size_t used = 0;

	if (n)
		buf[0] = '\0';
	for (unsigned i = SVMC_FMT_AUTO + 1; i < SVMC_FMT_COUNT && used < n; i++) {
		int k = snprintf(buf + used, n - used, "%s%s", used ? ", " : "", registry[i]->name);

		if (k < 0)
			break;
		used += (size_t)k;
	}
	return buf;
}

/*
 * Detection found nothing: say why, for binary data in terms of what a
 * VMCB page must look like (the reader of -f raw does not judge that).
 */
static enum svmc_err cannot_tell(const unsigned char *b, size_t n, struct svmc_diag *d)
{
	char names[256], why[160];
	unsigned char *view;
	bool text;

	svmc_probe_text_view(b, n, &view, &text);
	if (view != b)
		free(view);
	svmc_format_names(names, sizeof(names));
	if (!text && *svmc_raw_doubt(b, n, why, sizeof(why)))
		return svmc_diag_set(d, SVMC_ERR_FORMAT,
				     "binary data that does not look like VMCB pages (%s); "
				     "-f raw reads it as pages anyway, or give another -f (%s)",
				     why, names);
	return svmc_diag_set(d, SVMC_ERR_FORMAT,
			     "cannot tell the format from the content; give one with -f (%s)",
			     names);
}

enum svmc_err svmc_reader_open(struct svmc_reader **out, const char *path, enum svmc_format fmt,
			       struct svmc_diag *d)
{
	struct svmc_reader *r;
	enum svmc_err e;

	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return svmc_diag_set(d, SVMC_ERR_NOMEM, "out of memory");
	r->input = path;
	e = svmc_src_open(&r->src, path, d);
	if (e) {
		free(r);
		return e;
	}
	if (fmt == SVMC_FMT_AUTO) {
		size_t n = svmc_src_fill(&r->src, 64u << 10);
		if (r->src.err) {
			e = svmc_diag_set(d, SVMC_ERR_IO, "read error: %s", strerror(r->src.err));
			goto fail;
		}
		if (n == 0) {
			e = svmc_diag_set(d, SVMC_ERR_EMPTY, "empty input: no VMCB record");
			goto fail;
		}
		fmt = svmc_detect_format(src_ptr(&r->src), n);
		if (fmt == SVMC_FMT_AUTO) {
			e = cannot_tell(src_ptr(&r->src), n, d);
			goto fail;
		}
	}
	r->ops = svmc_format_row(fmt) ? svmc_format_row(fmt)->ops : NULL;
	if (!r->ops) {
		e = svmc_diag_set(d, SVMC_ERR_USAGE, "unknown format");
		goto fail;
	}
	if (svmc_format_row(fmt)->best < SVMC_PROBE_BINARY) {
		/* a text format (its probe cannot claim binary bytes): decode */
		svmc_src_fill(&r->src, 64u << 10);
		e = svmc_src_text(&r->src, d);
		if (e)
			goto fail;
	}
	if (r->ops->state_size) {
		r->state = calloc(1, r->ops->state_size);
		if (!r->state) {
			e = svmc_diag_set(d, SVMC_ERR_NOMEM, "out of memory");
			goto fail;
		}
	}
	if (r->ops->init) {
		e = r->ops->init(r, d);
		if (e)
			goto fail;
	}
	*out = r;
	return SVMC_OK;
fail:
	if (r->ops && r->ops->fini && r->state)
		r->ops->fini(r);
	free(r->state);
	svmc_src_close(&r->src);
	free(r);
	return e;
}

enum svmc_err svmc_reader_next(struct svmc_reader *r, struct svmc_record *rec, struct svmc_diag *d)
{
	enum svmc_err e;

	if (r->failed)
		return SVMC_ERR_EMPTY;
	if (r->ops->fills_page) {
		memset(rec->known, 0, sizeof(rec->known));
		memset(&rec->nstate, 0, sizeof(rec->nstate));
		rec->line = 0;
		rec->offset = SVMC_NO_OFFSET;
	} else {
		svmc_record_clear(rec);
	}
	rec->input = r->input;
	rec->format = r->ops->format;
	rec->origin = r->ops->origin;
	rec->index = r->index;
	d->input = r->input;
	d->line = SVMC_NO_LINE;
	d->offset = SVMC_NO_OFFSET;
	d->index = SVMC_NO_INDEX;
	e = r->ops->next(r, rec, d);
	if (e == SVMC_OK)
		r->index++;
	else if (e != SVMC_ERR_EMPTY && r->src.err) {
		r->failed = true;
	}
	if (e == SVMC_ERR_EMPTY && r->src.err) {
		r->failed = true;
		return svmc_diag_set(d, SVMC_ERR_IO, "read error: %s", strerror(r->src.err));
	}
	return e;
}

/* The members of a record that the batch hook leaves to its caller. */
static void fixed_finish(struct svmc_reader *r, struct svmc_record *rec)
{
	svmc_mark_all_known(rec);
	rec->line = SVMC_NO_LINE;
	rec->input = r->input;
	rec->format = r->ops->format;
	rec->origin = r->ops->origin;
	if (r->ops->origin != SVMC_ORIGIN_NESTED_STATE) /* the hook sets the header */
		memset(&rec->nstate, 0, sizeof(rec->nstate));
	rec->index = r->index++;
}

enum svmc_err svmc_reader_next_batch(struct svmc_reader *r, struct svmc_record *recs, size_t n,
				     size_t *got, struct svmc_diag *d)
{
	struct svmc_src *s = &r->src;
	enum svmc_err e;

	*got = 0;
	while (*got < n) {
		if (r->ops->batch && !r->failed && !s->eof && !s->err) {
			size_t avail = src_avail(s);

			if (avail == 0) {
				size_t want = n - *got;
				size_t k = r->ops->batch(r, recs + *got, want);

				for (size_t i = 0; i < k; i++)
					fixed_finish(r, &recs[*got + i]);
				*got += k;
				if (k && k < want)
					return SVMC_OK; /* short (a pipe, or the end): deliver now */
				continue;
			}
			/* Let next() take the window's last record without refilling it. */
			if (avail < r->ops->rec_size)
				svmc_src_top_up(s, r->ops->rec_size);
		}
		e = svmc_reader_next(r, &recs[*got], d);
		if (e)
			return e;
		(*got)++;
	}
	return SVMC_OK;
}

bool svmc_reader_take_span(struct svmc_reader *r, struct svmc_span *sp)
{
	struct svmc_src *s = &r->src;
	struct stat st;
	uint64_t count;

	memset(sp, 0, sizeof(*sp));
	if (r->ops->format != SVMC_FMT_RAW || !s->regular || r->failed || s->err)
		return false;
	if (fstat(s->fd, &st) != 0 || (uint64_t)st.st_size < s->base + s->pos)
		return false;
	count = ((uint64_t)st.st_size - s->base - s->pos) / SVMC_VMCB_PAGE_SIZE;
	if (count == 0)
		return false;
	if (lseek(s->fd, (off_t)(s->base + s->pos + count * SVMC_VMCB_PAGE_SIZE), SEEK_SET) < 0)
		return false;
	sp->fd = s->fd;
	sp->file_off = s->base + s->pos;
	sp->pos = s->pos;
	sp->index = r->index;
	sp->count = count;
	sp->input = r->input;
	sp->format = r->ops->format;
	s->start = s->end = 0;
	s->eof = false;
	s->pos += count * SVMC_VMCB_PAGE_SIZE;
	r->index += count;
	return true;
}

static void span_finish(const struct svmc_span *sp, uint64_t j, struct svmc_record *rec)
{
	svmc_mark_all_known(rec);
	rec->line = SVMC_NO_LINE;
	rec->input = sp->input;
	rec->format = sp->format;
	rec->origin = SVMC_ORIGIN_PAGE; /* spans are raw pages */
	memset(&rec->nstate, 0, sizeof(rec->nstate));
	rec->index = sp->index + j;
	rec->offset = sp->pos + j * SVMC_VMCB_PAGE_SIZE;
}

enum svmc_err svmc_span_read(const struct svmc_span *sp, uint64_t first, struct svmc_record *recs,
			     size_t n, size_t *got, struct svmc_diag *d)
{
	struct iovec iov[SVMC_SPAN_MAX];
	uint64_t at = sp->file_off + first * SVMC_VMCB_PAGE_SIZE;
	size_t total = 0, whole;
	int cnt;

	*got = 0;
	if (first > sp->count)
		first = sp->count;
	if (n > sp->count - first)
		n = (size_t)(sp->count - first);
	if (n > SVMC_SPAN_MAX)
		n = SVMC_SPAN_MAX;
	for (size_t i = 0; i < n; i++) {
		iov[i].iov_base = &recs[i].vmcb;
		iov[i].iov_len = SVMC_VMCB_PAGE_SIZE;
	}
	cnt = (int)n;
	while (total < n * SVMC_VMCB_PAGE_SIZE) {
		struct iovec *v = iov + (total / SVMC_VMCB_PAGE_SIZE);
		size_t part = total % SVMC_VMCB_PAGE_SIZE;
		ssize_t k;

		v->iov_base = (char *)&recs[total / SVMC_VMCB_PAGE_SIZE].vmcb + part;
		v->iov_len = SVMC_VMCB_PAGE_SIZE - part;
		k = preadv(sp->fd, v, cnt - (int)(total / SVMC_VMCB_PAGE_SIZE),
			   (off_t)(at + total));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			int err = k < 0 ? errno : 0;

			whole = total / SVMC_VMCB_PAGE_SIZE;
			d->input = sp->input;
			d->index = sp->index + first + whole;
			d->offset = sp->pos + (first + whole) * SVMC_VMCB_PAGE_SIZE;
			for (size_t i = 0; i < whole; i++)
				span_finish(sp, first + i, &recs[i]);
			*got = whole;
			if (err)
				return svmc_diag_set(d, SVMC_ERR_IO, "read error: %s",
						     strerror(err));
			return svmc_diag_set(d, SVMC_ERR_TRUNCATED,
					     "the input shrank while being read: the page ends "
					     "after %zu bytes",
					     total % SVMC_VMCB_PAGE_SIZE);
		}
		total += (size_t)k;
	}
	for (size_t i = 0; i < n; i++)
		span_finish(sp, first + i, &recs[i]);
	*got = n;
	return SVMC_OK;
}

/* ---- chunked text ---------------------------------------------------------- */

/* The largest least size of a chunk: a quarter window, so the boundary after it is in the window. */
#define CHUNK_MIN_MAX (SRC_BUF_SIZE / 4)

bool svmc_reader_chunkable(const struct svmc_reader *r, size_t min)
{
	struct stat st;

	/*
	 * A pipe stays serial: filling a whole window before the first record
	 * would hold records back from a live log (dmesg -w | svmcheck ...).
	 */
	if (!r->ops->cut || !r->src.decode || !r->src.regular || r->failed || r->src.err ||
	    r->index || r->src.lineno || fstat(r->src.fd, &st) != 0)
		return false;
	return (uint64_t)st.st_size >= r->src.base + 2 * (uint64_t)min;
}

size_t svmc_reader_chunk_bytes(const struct svmc_reader *r, size_t dflt)
{
	return r->ops->chunk_bytes ? r->ops->chunk_bytes : dflt;
}

enum svmc_chunk_res svmc_reader_next_chunk(struct svmc_reader *r, size_t min, char *buf, size_t cap,
					   size_t *len, uint64_t *pos)
{
	struct svmc_src *s = &r->src;
	size_t avail = src_avail(s), c;

	if (min < 1)
		min = 1;
	if (min > CHUNK_MIN_MAX)
		min = CHUNK_MIN_MAX;
	/*
	 * Look for a boundary in what the window holds first, and fill it
	 * (moving the rest to its front) only when there is none: refilling
	 * before every chunk would move each byte several times.
	 */
	for (;;) {
		const char *b = (const char *)src_ptr(s), *nl;
		size_t n = avail;

		c = SVMC_CUT_NONE;
		if (!s->eof) {
			/* a cut is judged on whole lines: the last one may go on in the next read */
			nl = avail ? memrchr(b, '\n', avail) : NULL;
			n = nl ? (size_t)(nl - b) + 1 : 0;
		}
		if (n > min)
			c = r->ops->cut(r, b, n, min);
		if (c == SVMC_CUT_NEVER)
			return SVMC_CHUNK_SERIAL;
		if (c != SVMC_CUT_NONE)
			break;
		if (s->eof) {
			if (avail == 0)
				return SVMC_CHUNK_END;
			c = avail; /* the rest of the input */
			break;
		}
		if (avail + 4 > s->cap)
			return SVMC_CHUNK_SERIAL; /* a full window without a boundary */
		avail = svmc_src_fill(s, s->cap);
	}
	if (c > cap)
		return SVMC_CHUNK_SERIAL;
	memcpy(buf, src_ptr(s), c);
	*len = c;
	*pos = s->pos;
	src_consume(s, c);
	return SVMC_CHUNK_TEXT;
}

uint64_t svmc_reader_index(const struct svmc_reader *r)
{
	return r->index;
}

uint64_t svmc_reader_lines(const struct svmc_reader *r)
{
	return r->src.lineno;
}

void svmc_reader_set_counts(struct svmc_reader *r, uint64_t index, uint64_t lines)
{
	r->index = index;
	r->src.lineno = lines;
}

struct svmc_reader *svmc_chunk_reader(const struct svmc_reader *like)
{
	struct svmc_reader *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->ops = like->ops;
	r->input = like->input;
	r->src.fd = -1;
	r->src.borrowed = true;
	/* a format with a boundary finder keeps plain data in its state: copy it */
	r->state = malloc(like->ops->state_size);
	if (!r->state) {
		free(r);
		return NULL;
	}
	memcpy(r->state, like->state, like->ops->state_size);
	return r;
}

void svmc_chunk_reader_load(struct svmc_reader *cr, char *text, size_t len, uint64_t pos)
{
	struct svmc_src *s = &cr->src;

	/* the window is the text: read only (src_read_to never reads at eof) */
	s->buf = (unsigned char *)text;
	s->cap = len + 1; /* more than it holds: the last line needs no newline */
	s->start = 0;
	s->end = len;
	s->pos = pos;
	s->eof = true;
	s->err = 0;
	s->lineno = 0;
	cr->index = 0;
	cr->failed = false;
	cr->ops->restart(cr);
}

enum svmc_format svmc_reader_format(const struct svmc_reader *r)
{
	return r->ops->format;
}

bool svmc_reader_failed(const struct svmc_reader *r)
{
	return r->failed;
}

uint64_t svmc_reader_bytes(const struct svmc_reader *r)
{
	return r->src.pos;
}

void svmc_reader_close(struct svmc_reader *r)
{
	if (!r)
		return;
	if (r->ops && r->ops->fini)
		r->ops->fini(r);
	free(r->state);
	svmc_src_close(&r->src);
	free(r);
}

bool svmc_parse_hex(const char *s, size_t len, uint64_t *v)
{
	uint64_t x = 0;
	size_t i = 0;

	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		i = 2;
	if (i == len)
		return false;
	while (i < len && s[i] == '0')
		i++;
	if (len - i > 16)
		return false;
	for (uint32_t w; len - i >= 8; i += 8) {
		if (!svmc_hex8(s + i, &w))
			return false;
		x = x << 32 | w;
	}
	for (; i < len; i++) {
		unsigned c = (unsigned char)s[i], dv;
		if (c >= '0' && c <= '9')
			dv = c - '0';
		else if (c >= 'a' && c <= 'f')
			dv = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			dv = c - 'A' + 10;
		else
			return false;
		x = (x << 4) | dv;
	}
	*v = x;
	return true;
}

bool svmc_parse_dec(const char *s, size_t len, uint64_t *v)
{
	uint64_t x = 0;
	bool neg = false;
	size_t i = 0;

	if (len && s[0] == '-') {
		neg = true;
		i = 1;
	}
	if (i == len)
		return false;
	for (; i < len; i++) {
		unsigned c = (unsigned char)s[i];
		if (c < '0' || c > '9')
			return false;
		if (x > (UINT64_MAX - (c - '0')) / 10)
			return false;
		x = x * 10 + (c - '0');
	}
	if (neg) {
		if (x > (UINT64_C(1) << 63))
			return false;
		x = (uint64_t)0 - x;
	}
	*v = x;
	return true;
}
