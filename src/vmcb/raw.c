/*
 * raw.c - concatenated 4096-byte little-endian VMCB pages.
 *
 * The fast path (raw_batch) reads pages straight into the records with one
 * readv(2), so each page is copied once, by the kernel; raw_next copies a
 * page out of the read window where the window already holds it (after
 * format detection, or a partial page given back).  A size that is not a
 * multiple of 4096 is an error for the trailing part only.  Detection
 * (raw_probe) claims an input only when its pages look like VMCBs.
 */
#include <stddef.h>
#include <stdio.h>
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
 * What a VMCB page looks like, so that -f auto never reads other bytes (a
 * text log with a run of NULs, UTF-16 text, an unrelated binary file) as
 * pages and judges them.  The rules are conservative: every page a
 * processor or a hypervisor wrote meets them, and a page that does not is
 * not judged by detection (-f raw still reads it).  A page must have
 *   - the reserved ranges of the control area (APM vol. 2 table B-1:
 *     0x018-0x03B, 0x05E, 0x06C, 0x0C4, 0x0E8, 0x100, 0x110, 0x122-0x137,
 *     0x148-0x3DF; 764 bytes) at most 1/8 non-zero: the processor reads them
 *     as must-be-zero and hypervisors clear them (Linux allocates VMCBs
 *     zeroed); text has no zero bytes;
 *   - every segment attribute word (ES ... TR) with bits 15:12 clear: the
 *     attribute format has 12 bits (APM table B-2; Linux SVM_SELECTOR_*);
 *   - a sign that it is in use: EFER.SVME (bit 12 at 0x4D0, which VMRUN
 *     requires), the VMRUN intercept (0x010 bit 0, likewise) or a non-zero
 *     ASID (0x058): a page of zeros is not a capture.
 * Every whole page the probe sees (up to 16) must meet them, and there must
 * be at least one.  A trailing partial page does not stop detection: the
 * whole pages before it are VMCBs, and the reader reports the partial one
 * as an error of its own (a capture cut short keeps its verdicts).
 */
#define RSVD_(m)                                                                                  \
	{                                                                                         \
		offsetof(struct svmc_vmcb, control.m), sizeof(((struct svmc_vmcb *)0)->control.m) \
	}
static const struct {
	unsigned short off, len;
} ctl_reserved[] = {
	RSVD_(reserved_0x018), RSVD_(reserved_0x05e), RSVD_(reserved_0x06c),
	RSVD_(reserved_0x0c4), RSVD_(reserved_0x0e8), RSVD_(reserved_0x100),
	RSVD_(reserved_0x110), RSVD_(reserved_0x122), RSVD_(reserved_0x148),
};
#undef RSVD_

/* Why page p is not a VMCB, into why (cap bytes); false if it is one. */
static bool page_doubt(const unsigned char *p, char *why, size_t cap)
{
	static const unsigned short segs = offsetof(struct svmc_vmcb, save.es);
	unsigned total = 0, nonzero = 0;
	uint64_t efer;
	uint32_t misc2, asid;

	for (size_t k = 0; k < sizeof(ctl_reserved) / sizeof(ctl_reserved[0]); k++)
		for (unsigned i = 0; i < ctl_reserved[k].len; i++, total++)
			nonzero += p[ctl_reserved[k].off + i] != 0;
	if (nonzero * 8 > total) {
		snprintf(why, cap, "%u of the %u reserved bytes of the control area are not zero",
			 nonzero, total);
		return true;
	}
	for (unsigned i = 0; i < 10; i++) {
		uint16_t attrib;

		memcpy(&attrib, p + segs + (size_t)16 * i + offsetof(struct svmc_vmcb_seg, attrib),
		       2);
		if (attrib & 0xf000) {
			snprintf(why, cap, "segment attribute 0x%04x at 0x%03x has bits 15:12 set",
				 attrib, segs + 16 * i + 2);
			return true;
		}
	}
	memcpy(&efer, p + offsetof(struct svmc_vmcb, save.efer), 8);
	memcpy(&misc2, p + offsetof(struct svmc_vmcb, control.intercept_misc2), 4);
	memcpy(&asid, p + offsetof(struct svmc_vmcb, control.asid), 4);
	if (!(efer & (UINT64_C(1) << 12)) && !(misc2 & 1) && asid == 0) {
		snprintf(why, cap, "no EFER.SVME, no VMRUN intercept and ASID 0: not in use");
		return true;
	}
	return false;
}

const char *svmc_raw_doubt(const unsigned char *b, size_t n, char *buf, size_t cap)
{
	char why[96];

	if (cap)
		buf[0] = '\0';
	if (n < SVMC_VMCB_PAGE_SIZE) {
		snprintf(buf, cap, "%zu bytes, less than one 4096-byte page", n);
		return buf;
	}
	for (size_t at = 0; at + SVMC_VMCB_PAGE_SIZE <= n; at += SVMC_VMCB_PAGE_SIZE)
		if (page_doubt(b + at, why, sizeof(why))) {
			snprintf(buf, cap, "page %zu (offset 0x%zx): %s", at / SVMC_VMCB_PAGE_SIZE,
				 at, why);
			return buf;
		}
	return buf;
}

/* Whole pages that all look like VMCBs (see above). */
static enum svmc_probe_score raw_probe(const unsigned char *b, size_t n)
{
	char why[160];

	return *svmc_raw_doubt(b, n, why, sizeof(why)) ? SVMC_PROBE_NONE : SVMC_PROBE_BINARY;
}

static const struct svmc_format_ops raw_ops = {
	.format = SVMC_FMT_RAW,
	.origin = SVMC_ORIGIN_PAGE,
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
