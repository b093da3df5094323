/*
 * test_batch.c - svmc_reader_next_batch() and svmc_span_read() give exactly what
 * svmc_reader_next() gives: the same records (bytes, index, offset) and the
 * same errors at the same places (a trailing partial raw page, a
 * nested-state header without vmcb12 in the middle), and positional span
 * reads of raw pages leave the trailing error to the reader.  Every
 * expected offset below is counted by hand from the layouts written here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "svmcheck/record.h"
#include "tcheck.h"

static char path[] = "/tmp/svmc-batch-XXXXXX";

/* A file of npages raw pages (page i filled with byte i+1) and tail extra bytes. */
static void write_raw(unsigned npages, unsigned tail)
{
	unsigned char page[4096];
	FILE *f = fopen(path, "wb");

	for (unsigned i = 0; i < npages; i++) {
		memset(page, (int)(i + 1), sizeof(page));
		fwrite(page, 1, sizeof(page), f);
	}
	memset(page, 0xee, tail);
	fwrite(page, 1, tail, f);
	fclose(f);
}

static bool page_is(const struct svmc_record *r, unsigned char c)
{
	const unsigned char *p = (const unsigned char *)&r->vmcb;

	for (size_t i = 0; i < 4096; i++)
		if (p[i] != c)
			return false;
	return true;
}

static struct svmc_record recs[8];

static void test_raw_trailing(void)
{
	struct svmc_reader *r;
	struct svmc_diag d;
	size_t got = 99;
	enum svmc_err e;

	write_raw(3, 100);
	svmc_diag_init(&d, path);
	CHECK(svmc_reader_open(&r, path, SVMC_FMT_RAW, &d) == SVMC_OK);
	e = svmc_reader_next_batch(r, recs, 8, &got, &d);
	/* 3 whole pages at 0, 4096, 8192 */
	if (e == SVMC_OK && got == 3) /* the fast path may deliver the pages first */
		e = svmc_reader_next_batch(r, recs + 3, 5, &got, &d), got += 3;
	CHECK(e == SVMC_ERR_TRUNCATED);
	CHECK_EQ_U64(got, 3);
	for (unsigned i = 0; i < 3; i++) {
		CHECK_EQ_U64(recs[i].index, i);
		CHECK_EQ_U64(recs[i].offset, 4096 * i);
		CHECK(recs[i].format == SVMC_FMT_RAW);
		CHECK(page_is(&recs[i], (unsigned char)(i + 1)));
		CHECK(svmc_known(&recs[i], SVMC_F_EFER));
	}
	CHECK_EQ_U64(d.offset, 12288);
	CHECK_EQ_U64(d.index, 3);
	CHECK(strstr(d.msg, "trailing 100 bytes") != NULL);
	CHECK(svmc_reader_next_batch(r, recs, 8, &got, &d) == SVMC_ERR_EMPTY);
	CHECK_EQ_U64(got, 0);
	svmc_reader_close(r);

	/* a whole file: every page, then the end (patterned pages: -f raw) */
	write_raw(2, 0);
	CHECK(svmc_reader_open(&r, path, SVMC_FMT_RAW, &d) == SVMC_OK);
	e = svmc_reader_next_batch(r, recs, 8, &got, &d);
	CHECK(e == SVMC_OK || e == SVMC_ERR_EMPTY);
	CHECK_EQ_U64(got, 2);
	CHECK(page_is(&recs[1], 2));
	CHECK_EQ_U64(recs[1].offset, 4096);
	CHECK(svmc_reader_next_batch(r, recs, 8, &got, &d) == SVMC_ERR_EMPTY);
	svmc_reader_close(r);
}

/* nested-state: header (flags, format 1, size) then the page when size is 4224 */
static void ns_blob(FILE *f, uint32_t size, unsigned char fill)
{
	unsigned char h[128] = { 0 }, page[4096];
	uint16_t format = 1;

	memcpy(h + 2, &format, 2);
	memcpy(h + 4, &size, 4);
	fwrite(h, 1, sizeof(h), f);
	if (size == 4224) {
		memset(page, fill, sizeof(page));
		fwrite(page, 1, sizeof(page), f);
	}
}

static void test_nested_middle(void)
{
	struct svmc_reader *r;
	struct svmc_diag d;
	size_t got, total = 0;
	enum svmc_err e;
	FILE *f = fopen(path, "wb");

	ns_blob(f, 4224, 0x11); /* offset 0 */
	ns_blob(f, 128, 0);     /* offset 4224: no vmcb12 */
	ns_blob(f, 4224, 0x22); /* offset 4352 */
	fclose(f);
	svmc_diag_init(&d, path);
	CHECK(svmc_reader_open(&r, path, SVMC_FMT_NESTED_STATE, &d) == SVMC_OK);
	do {
		e = svmc_reader_next_batch(r, recs + total, 8 - total, &got, &d);
		total += got;
	} while (e == SVMC_OK);
	/* the header-only blob is a record (not in guest mode: nothing to restore), not an error */
	CHECK(e == SVMC_ERR_EMPTY);
	CHECK_EQ_U64(total, 3);
	for (unsigned i = 0; i < 3; i++) {
		CHECK_EQ_U64(recs[i].index, i);
		CHECK(recs[i].origin == SVMC_ORIGIN_NESTED_STATE);
		CHECK_EQ_U64(recs[i].nstate.known, SVMC_NSK_ALL);
		CHECK_EQ_U64(recs[i].nstate.format, 1);
	}
	CHECK(page_is(&recs[0], 0x11));
	CHECK_EQ_U64(recs[0].nstate.size, 4224);
	CHECK(svmc_known(&recs[0], SVMC_F_EFER));
	/* its header, and no VMCB field known */
	CHECK_EQ_U64(recs[1].offset, 4224);
	CHECK_EQ_U64(recs[1].nstate.size, 128);
	CHECK_EQ_U64(recs[1].nstate.flags, 0);
	CHECK(!svmc_known(&recs[1], SVMC_F_EFER));
	CHECK(!svmc_known(&recs[1], SVMC_F_EVENT_INJ));
	CHECK(page_is(&recs[2], 0x22));
	CHECK_EQ_U64(recs[2].offset, 4352);
	CHECK_EQ_U64(recs[2].nstate.size, 4224);
	svmc_reader_close(r);
}

static void test_span(void)
{
	struct svmc_reader *r;
	struct svmc_span sp;
	struct svmc_diag d;
	size_t got;

	write_raw(5, 10); /* patterned pages, not VMCB-like: -f raw */
	svmc_diag_init(&d, path);
	CHECK(svmc_reader_open(&r, path, SVMC_FMT_RAW, &d) == SVMC_OK);
	CHECK(svmc_reader_take_span(r, &sp));
	CHECK_EQ_U64(sp.count, 5);
	CHECK(svmc_span_read(&sp, 2, recs, 8, &got, &d) == SVMC_OK);
	CHECK_EQ_U64(got, 3); /* records 2, 3, 4 */
	CHECK_EQ_U64(recs[0].index, 2);
	CHECK_EQ_U64(recs[2].offset, 16384);
	CHECK(page_is(&recs[2], 5));
	/* the reader goes on after the span: the 10 trailing bytes at 20480, index 5 */
	CHECK(svmc_reader_next_batch(r, recs, 8, &got, &d) == SVMC_ERR_TRUNCATED);
	CHECK_EQ_U64(got, 0);
	CHECK_EQ_U64(d.offset, 20480);
	CHECK_EQ_U64(d.index, 5);
	svmc_reader_close(r);

	/* no span: another format, or no whole page */
	write_raw(0, 10);
	CHECK(svmc_reader_open(&r, path, SVMC_FMT_RAW, &d) == SVMC_OK);
	CHECK(!svmc_reader_take_span(r, &sp));
	svmc_reader_close(r);
}

int main(void)
{
	int fd = mkstemp(path);

	if (fd < 0)
		return 2;
	close(fd);
	test_raw_trailing();
	test_nested_middle();
	test_span();
	unlink(path);
	return tcheck_done("test_batch");
}
