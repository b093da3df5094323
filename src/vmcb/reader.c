/*
 * reader.c - the byte source, the line scanner and svmc_reader_* dispatch.
 *
 * Binary readers pull fixed-size records out of a 1 MiB window filled by
 * large read(2) calls; text readers get lines from src_getline(), which
 * finds newlines with memchr and hands out pointers into the window, so a
 * line is never copied.  Memory stays at one window whatever the input size.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmcb/reader.h"

enum svmc_err src_open(struct svmc_src *s, const char *path, struct svmc_diag *d)
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
			src_close(s);
			return svmc_diag_set(d, SVMC_ERR_IO, "is a directory, not a capture file");
		}
		if (S_ISREG(st.st_mode))
			(void)posix_fadvise(s->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	}
	s->buf = malloc(SRC_BUF_SIZE);
	if (!s->buf) {
		src_close(s);
		return svmc_diag_set(d, SVMC_ERR_NOMEM, "out of memory");
	}
	s->cap = SRC_BUF_SIZE;
	return SVMC_OK;
}

void src_close(struct svmc_src *s)
{
	if (s->own_fd && s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	free(s->buf);
	s->buf = NULL;
}

size_t src_fill(struct svmc_src *s, size_t want)
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
		ssize_t n = read(s->fd, s->buf + s->end, s->cap - s->end);
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

bool src_getline(struct svmc_src *s, const char **line, size_t *len, uint64_t *lineno,
		 uint64_t *off, bool *too_long)
{
	const unsigned char *p, *nl;
	size_t avail;

	*too_long = false;
	avail = src_avail(s);
	nl = avail ? memchr(src_ptr(s), '\n', avail) : NULL;
	if (!nl) {
		avail = src_fill(s, s->cap);
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
			avail = src_fill(s, s->cap);
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

static const struct svmc_format_ops *format_ops(enum svmc_format f)
{
	switch (f) {
	case SVMC_FMT_RAW: return &svmc_raw_ops;
	case SVMC_FMT_NESTED_STATE: return &svmc_nested_state_ops;
	case SVMC_FMT_KVM_DUMP: return &svmc_kvm_dump_ops;
	case SVMC_FMT_XEN_DUMP: return &svmc_xen_dump_ops;
	case SVMC_FMT_JSON: return &svmc_json_ops;
	case SVMC_FMT_HEX: return &svmc_hex_ops;
	default: return NULL;
	}
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
	e = src_open(&r->src, path, d);
	if (e) {
		free(r);
		return e;
	}
	if (fmt == SVMC_FMT_AUTO) {
		size_t n = src_fill(&r->src, 64u << 10);
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
			e = svmc_diag_set(d, SVMC_ERR_FORMAT,
					  "cannot tell the format from the content; give one with -f "
					  "(raw, nested-state, kvm-dump, xen-dump, json, hex)");
			goto fail;
		}
	}
	r->ops = format_ops(fmt);
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
	src_close(&r->src);
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
	src_close(&r->src);
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
