/*
 * nested_state.c - KVM_GET_NESTED_STATE blobs (vmcb-formats.md section 4.2).
 *
 * struct kvm_nested_state: u16 flags, u16 format (1 = SVM), u32 size, then a
 * 120-byte header union whose SVM member starts with u64 vmcb_pa: 128 bytes.
 * When the vCPU was in guest mode, size is 128 + 4096 and the vmcb12 page
 * follows.  Blobs are concatenated; a size that is neither 128 nor 4224
 * cannot be resynchronised, so the rest of the input is given up.
 */
#include <inttypes.h>
#include <string.h>

#include "vmcb/reader.h"

#define NS_HDR 128u
#define NS_FULL (NS_HDR + VMCB_PAGE_SIZE)
#define NS_FORMAT_VMX 0u
#define NS_FORMAT_SVM 1u

static enum svmc_err ns_next(struct svmc_reader *r, struct svmc_record *rec, struct svmc_diag *d)
{
	struct svmc_src *s = &r->src;
	uint16_t flags, format;
	uint32_t size;
	uint64_t vmcb_pa;
	size_t n = src_fill(s, NS_FULL);

	if (n == 0)
		return SVMC_ERR_EMPTY;
	d->offset = s->pos;
	d->index = r->index;
	if (n < NS_HDR) {
		src_consume(s, n);
		return svmc_diag_set(d, SVMC_ERR_TRUNCATED,
				     "%zu trailing bytes are shorter than a 128-byte nested-state header", n);
	}
	memcpy(&flags, src_ptr(s), 2);
	memcpy(&format, src_ptr(s) + 2, 2);
	memcpy(&size, src_ptr(s) + 4, 4);
	memcpy(&vmcb_pa, src_ptr(s) + 8, 8);
	if (format != NS_FORMAT_SVM) {
		r->failed = true;
		return svmc_diag_set(d, SVMC_ERR_FORMAT,
				     "nested-state format is %u (%s), not 1 (SVM)", format,
				     format == NS_FORMAT_VMX ? "VMX" : "unknown");
	}
	if (size != NS_HDR && size != NS_FULL) {
		r->failed = true;
		return svmc_diag_set(d, SVMC_ERR_FORMAT,
				     "nested-state size %" PRIu32 " is neither 128 (no vmcb12) nor 4224 "
				     "(header and vmcb12)", size);
	}
	if (size == NS_HDR) {
		src_consume(s, NS_HDR);
		return svmc_diag_set(d, SVMC_ERR_NOTFOUND,
				     "nested state (flags 0x%x) carries no vmcb12: the vCPU was not "
				     "in guest mode", flags);
	}
	if (n < NS_FULL) {
		src_consume(s, n);
		return svmc_diag_set(d, SVMC_ERR_TRUNCATED,
				     "nested state says 4224 bytes but only %zu remain", n);
	}
	memcpy(&rec->vmcb, src_ptr(s) + NS_HDR, VMCB_PAGE_SIZE);
	svmc_mark_all_known(rec);
	rec->offset = s->pos;
	src_consume(s, NS_FULL);
	return SVMC_OK;
}

const struct svmc_format_ops svmc_nested_state_ops = {
	.format = SVMC_FMT_NESTED_STATE,
	.fills_page = true,
	.next = ns_next,
};
