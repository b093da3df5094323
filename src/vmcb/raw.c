/*
 * raw.c - concatenated 4096-byte little-endian VMCB pages.
 *
 * Each page is copied once from the read window into the record.  A size
 * that is not a multiple of 4096 is an error for the trailing part only.
 */
#include <string.h>

#include "vmcb/reader.h"

static enum svmc_err raw_next(struct svmc_reader *r, struct svmc_record *rec, struct svmc_diag *d)
{
	struct svmc_src *s = &r->src;
	size_t n = src_avail(s);

	if (n < VMCB_PAGE_SIZE)
		n = src_fill(s, VMCB_PAGE_SIZE);
	if (n == 0)
		return SVMC_ERR_EMPTY;
	if (n < VMCB_PAGE_SIZE) {
		d->offset = s->pos;
		d->index = r->index;
		src_consume(s, n);
		if (s->err)
			return svmc_diag_set(d, SVMC_ERR_IO, "read error after %zu bytes of a page", n);
		return svmc_diag_set(d, SVMC_ERR_TRUNCATED,
				     "trailing %zu bytes are not a whole 4096-byte VMCB page", n);
	}
	memcpy(&rec->vmcb, src_ptr(s), VMCB_PAGE_SIZE);
	svmc_mark_all_known(rec);
	rec->offset = s->pos;
	src_consume(s, VMCB_PAGE_SIZE);
	return SVMC_OK;
}

const struct svmc_format_ops svmc_raw_ops = {
	.format = SVMC_FMT_RAW,
	.fills_page = true,
	.next = raw_next,
};
