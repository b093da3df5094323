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
	free(s->buf);
	s->buf = NULL;
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
		ssize_t n = read(s->fd, s->buf + s->end, (exact ? want : s->cap) - s->end);
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
			char names[256];

			e = svmc_diag_set(
				d, SVMC_ERR_FORMAT,
				"cannot tell the format from the content; give one with -f "
				"(%s)",
				svmc_format_names(names, sizeof(names)));
			goto fail;
		}
	}
	r->ops = svmc_format_row(fmt) ? svmc_format_row(fmt)->ops : NULL;
	if (!r->ops) {
		e = svmc_diag_set(d, SVMC_ERR_USAGE, "unknown format");
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
		rec->line = 0;
		rec->offset = SVMC_NO_OFFSET;
	} else {
		svmc_record_clear(rec);
	}
	rec->input = r->input;
	rec->format = r->ops->format;
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
