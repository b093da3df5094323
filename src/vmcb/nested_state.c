/*
 * nested_state.c - KVM_GET_NESTED_STATE blobs (Linux Documentation/virt/kvm/api.rst).
 *
 * struct kvm_nested_state: u16 flags, u16 format (1 = SVM), u32 size, then a
 * 120-byte header union whose SVM member starts with u64 vmcb_pa: 128 bytes.
 * When the vCPU was in guest mode, size is 128 + 4096 and the vmcb12 page
 * follows.  Blobs are concatenated; a size that is neither 128 nor 4224
 * cannot be resynchronised, so the rest of the input is given up.  The
 * header is kept with the record (rec->nstate, origin nested_state).
 *
 * Fast path (ns_batch): one readv(2) puts the headers into a scratch array
 * and the pages straight into the records; the first header that is not
 * "SVM, 4224 bytes" and everything after it go back to the window, where
 * ns_next judges them exactly as it would have.
 */
#include <inttypes.h>
#include <string.h>
#include <sys/uio.h>

#include "vmcb/reader.h"

#define NS_HDR 128u
#define NS_FULL (NS_HDR + SVMC_VMCB_PAGE_SIZE)
#define NS_FORMAT_VMX 0u
#define NS_FORMAT_SVM 1u
/*
 * The flags an SVM blob may carry (Linux arch/x86/include/uapi/asm/kvm.h:
 * KVM_STATE_NESTED_GUEST_MODE, _RUN_PENDING, _GIF_SET; EVMCS 0x4 and
 * MTF_PENDING 0x8 are VMX-only).  A blob with another bit is read by ns_next
 * (NSTATE.FLAGS judges it), never by the fast path.
 */
#define NS_FLAGS_KNOWN SVMC_NSTATE_FLAGS_SVM

/* The header at h into rec->nstate, all of it known. */
static void ns_header(struct svmc_record *rec, const unsigned char *h)
{
	struct svmc_nstate *ns = &rec->nstate;

	memcpy(&ns->flags, h, 2);
	memcpy(&ns->format, h + 2, 2);
	memcpy(&ns->size, h + 4, 4);
	memcpy(&ns->vmcb_pa, h + 8, 8);
	ns->known = SVMC_NSK_ALL;
}

/*
 * One blob.  What KVM_SET_NESTED_STATE would refuse (a format that is not
 * SVM, a flag it does not know, guest mode without a vmcb12) is still a
 * record: the NSTATE.* checks judge it.  Only what cannot be read is an
 * error: a short header, a size other than 128 or 4224 (the next blob
 * cannot be found then) or a blob cut short.
 */
static enum svmc_err ns_next(struct svmc_reader *r, struct svmc_record *rec, struct svmc_diag *d)
{
	struct svmc_src *s = &r->src;
	uint16_t format;
	uint32_t size;
	size_t n = svmc_src_fill(s, NS_FULL);

	if (n == 0)
		return SVMC_ERR_EMPTY;
	d->offset = s->pos;
	d->index = r->index;
	if (n < NS_HDR) {
		src_consume(s, n);
		return svmc_diag_set(
			d, SVMC_ERR_TRUNCATED,
			"%zu trailing bytes are shorter than a 128-byte nested-state header", n);
	}
	memcpy(&format, src_ptr(s) + 2, 2);
	memcpy(&size, src_ptr(s) + 4, 4);
	if (size != NS_HDR && size != NS_FULL) {
		r->failed = true;
		if (format != NS_FORMAT_SVM)
			return svmc_diag_set(d, SVMC_ERR_FORMAT,
					     "nested-state format is %u (%s), not 1 (SVM)", format,
					     format == NS_FORMAT_VMX ? "VMX" : "unknown");
		return svmc_diag_set(d, SVMC_ERR_FORMAT,
				     "nested-state size %" PRIu32
				     " is neither 128 (no vmcb12) nor 4224 "
				     "(header and vmcb12)",
				     size);
	}
	if (n < size) {
		src_consume(s, n);
		return svmc_diag_set(d, SVMC_ERR_TRUNCATED,
				     "nested state says 4224 bytes but only %zu remain", n);
	}
	ns_header(rec, src_ptr(s));
	rec->offset = s->pos;
	if (size == NS_FULL) {
		memcpy(&rec->vmcb, src_ptr(s) + NS_HDR, SVMC_VMCB_PAGE_SIZE);
		svmc_mark_all_known(rec);
	} else {
		/* no vmcb12: the vCPU was not in guest mode (or the blob says so wrongly) */
		memset(&rec->vmcb, 0, sizeof(rec->vmcb));
	}
	src_consume(s, size);
	return SVMC_OK;
}

/* Blobs per direct read: what is given back must fit the window. */
#define NS_BATCH_MAX (SRC_BUF_SIZE / NS_FULL)

struct ns_state {
	unsigned char hdr[NS_BATCH_MAX][NS_HDR];
};

static bool ns_whole_svm(const unsigned char *h)
{
	uint16_t flags, format;
	uint32_t size;

	memcpy(&flags, h, 2);
	memcpy(&format, h + 2, 2);
	memcpy(&size, h + 4, 4);
	return format == NS_FORMAT_SVM && size == NS_FULL && !(flags & ~NS_FLAGS_KNOWN);
}

static size_t ns_batch(struct svmc_reader *r, struct svmc_record *recs, size_t n)
{
	struct svmc_src *s = &r->src;
	struct ns_state *st = r->state;
	struct iovec iov[2 * NS_BATCH_MAX];
	size_t got, k = 0, rest;

	if (n > NS_BATCH_MAX)
		n = NS_BATCH_MAX;
	for (size_t i = 0; i < n; i++) {
		iov[2 * i].iov_base = st->hdr[i];
		iov[2 * i].iov_len = NS_HDR;
		iov[2 * i + 1].iov_base = &recs[i].vmcb;
		iov[2 * i + 1].iov_len = SVMC_VMCB_PAGE_SIZE;
	}
	got = svmc_src_readv(s, iov, (int)(2 * n), NS_FULL);
	while (k < n && got >= (k + 1) * NS_FULL && ns_whole_svm(st->hdr[k])) {
		recs[k].offset = s->pos + k * NS_FULL;
		ns_header(&recs[k], st->hdr[k]);
		k++;
	}
	s->pos += k * NS_FULL;
	/* Give back the rest, header and page in turn, for ns_next. */
	rest = got - k * NS_FULL;
	for (size_t i = k; rest; i++) {
		size_t h = rest < NS_HDR ? rest : NS_HDR, p;

		svmc_src_unread(s, st->hdr[i], h);
		rest -= h;
		p = rest < SVMC_VMCB_PAGE_SIZE ? rest : SVMC_VMCB_PAGE_SIZE;
		svmc_src_unread(s, &recs[i].vmcb, p);
		rest -= p;
	}
	return k;
}

/*
 * The first header checks out: format SVM, size 128 or 4224, and no flag
 * above bit 11 (the KVM_STATE_NESTED_* flags are bits 0-8).  Any binary
 * input is raw pages otherwise, so this answer must beat raw's.
 */
static enum svmc_probe_score ns_probe(const unsigned char *b, size_t n)
{
	uint16_t flags, format;
	uint32_t size;

	if (n < NS_HDR)
		return SVMC_PROBE_NONE;
	memcpy(&flags, b, 2);
	memcpy(&format, b + 2, 2);
	memcpy(&size, b + 4, 4);
	if (format == NS_FORMAT_SVM && (size == NS_HDR || size == NS_FULL) && flags < 0x1000)
		return SVMC_PROBE_HEADER;
	return SVMC_PROBE_NONE;
}

static const struct svmc_format_ops nested_state_ops = {
	.format = SVMC_FMT_NESTED_STATE,
	.origin = SVMC_ORIGIN_NESTED_STATE,
	.state_size = sizeof(struct ns_state),
	.fills_page = true,
	.next = ns_next,
	.batch = ns_batch,
	.rec_size = NS_FULL,
};

const struct svmc_format_row svmc_nested_state_format = {
	.name = "nested-state",
	.probe = ns_probe,
	.best = SVMC_PROBE_HEADER,
	.ops = &nested_state_ops,
	.summary = "KVM_GET_NESTED_STATE blobs (a 128-byte header, then vmcb12)",
};
