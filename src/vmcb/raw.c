/*
 * raw.c - concatenated 4096-byte little-endian VMCB pages.
 *
 * The fast path (raw_batch) reads pages straight into the records with one
 * readv(2), so each page is copied once, by the kernel; raw_next copies a
 * page out of the read window where the window already holds it (after
 * format detection, or a partial page given back).  A size that is not a
 * multiple of 4096 is an error for the trailing part only.
 */
#include <string.h>
#include <sys/uio.h>

#include "vmcb/reader.h"

static enum svmc_err raw_next(struct svmc_reader *r, struct svmc_record *rec, struct svmc_diag *d)
{
	struct svmc_src *s = &r->src;
	size_t n = src_avail(s);

	if (n < SVMC_VMCB_PAGE_SIZE)
		n = svmc_src_fill(s, SVMC_VMCB_PAGE_SIZE);
	if (n == 0)
		return SVMC_ERR_EMPTY;
	if (n < SVMC_VMCB_PAGE_SIZE) {
		d->offset = s->pos;
		d->index = r->index;
		src_consume(s, n);
		if (s->err)
			return svmc_diag_set(d, SVMC_ERR_IO, "read error after %zu bytes of a page",
					     n);
		return svmc_diag_set(d, SVMC_ERR_TRUNCATED,
				     "trailing %zu bytes are not a whole 4096-byte VMCB page", n);
	}
	memcpy(&rec->vmcb, src_ptr(s), SVMC_VMCB_PAGE_SIZE);
	svmc_mark_all_known(rec);
	rec->offset = s->pos;
	src_consume(s, SVMC_VMCB_PAGE_SIZE);
	return SVMC_OK;
}

#define RAW_BATCH_MAX 256

static size_t raw_batch(struct svmc_reader *r, struct svmc_record *recs, size_t n)
{
	struct svmc_src *s = &r->src;
	struct iovec iov[RAW_BATCH_MAX];
	size_t got, whole;

	if (n > RAW_BATCH_MAX)
		n = RAW_BATCH_MAX;
	for (size_t i = 0; i < n; i++) {
		iov[i].iov_base = &recs[i].vmcb;
		iov[i].iov_len = SVMC_VMCB_PAGE_SIZE;
	}
	got = svmc_src_readv(s, iov, (int)n, SVMC_VMCB_PAGE_SIZE);
	whole = got / SVMC_VMCB_PAGE_SIZE;
	for (size_t i = 0; i < whole; i++)
		recs[i].offset = s->pos + i * SVMC_VMCB_PAGE_SIZE;
	s->pos += whole * SVMC_VMCB_PAGE_SIZE;
	if (got % SVMC_VMCB_PAGE_SIZE) /* a partial page: raw_next judges it */
		svmc_src_unread(s, &recs[whole].vmcb, got % SVMC_VMCB_PAGE_SIZE);
	return whole;
}

/*
 * Binary input: a NUL byte, or more than one control byte in 16, among the
 * first 4 KiB.  Text never has NULs; a VMCB page is mostly zeros.
 */
static enum svmc_probe_score raw_probe(const unsigned char *b, size_t n)
{
	size_t look = n < 4096 ? n : 4096, bad = 0;

	for (size_t i = 0; i < look; i++) {
		unsigned c = b[i];

		if (c == 0)
			return SVMC_PROBE_BINARY;
		if (c < 0x20 && c != '\n' && c != '\r' && c != '\t')
			bad++;
	}
	return bad * 16 > look ? SVMC_PROBE_BINARY : SVMC_PROBE_NONE;
}

static const struct svmc_format_ops raw_ops = {
	.format = SVMC_FMT_RAW,
	.fills_page = true,
	.next = raw_next,
	.batch = raw_batch,
	.rec_size = SVMC_VMCB_PAGE_SIZE,
};

const struct svmc_format_row svmc_raw_format = {
	.name = "raw",
	.probe = raw_probe,
	.best = SVMC_PROBE_BINARY,
	.ops = &raw_ops,
	.summary = "4096-byte VMCB pages, back to back (a memory or file dump)",
};
