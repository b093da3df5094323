/*
 * test_binary_readers.c - the raw and nested-state readers and format
 * detection of binary inputs: whole pages, trailing partial pages, blobs
 * with and without vmcb12, absurd header sizes, VMX blobs, empty input,
 * directories and missing files.
 */
#include <stdlib.h>
#include <unistd.h>

#include "svmcheck/record.h"
#include "tcheck.h"
#include "vmcb/reader.h"

static char tmpdir[] = "/tmp/svmcheck-test-XXXXXX";

static const char *write_file(const char *name, const void *data, size_t n)
{
	static char path[4][256];
	static int k;
	char *p = path[k++ & 3];
	snprintf(p, 256, "%s/%s", tmpdir, name);
	FILE *f = fopen(p, "wb");
	if (f) {
		fwrite(data, 1, n, f);
		fclose(f);
	}
	return p;
}

static void fill_page(unsigned char *p, unsigned seed)
{
	for (unsigned i = 0; i < SVMC_VMCB_PAGE_SIZE; i++)
		p[i] = (unsigned char)(i * 7 + seed * 13 + (i >> 8));
}

/* Read every outcome of a file: counts of records and errors, last diag. */
struct outcome {
	int records, errors;
	enum svmc_err first_err;
	uint64_t first_err_off;
	struct svmc_record last;
};

static enum svmc_err read_all(const char *path, enum svmc_format fmt, struct outcome *o,
			      unsigned char *pages)
{
	struct svmc_reader *r;
	struct svmc_diag d;
	struct svmc_record rec;
	enum svmc_err e;

	memset(o, 0, sizeof(*o));
	svmc_diag_init(&d, path);
	e = svmc_reader_open(&r, path, fmt, &d);
	if (e)
		return e;
	while ((e = svmc_reader_next(r, &rec, &d)) != SVMC_ERR_EMPTY) {
		if (e == SVMC_OK) {
			o->last = rec;
			if (pages)
				memcpy(pages + (size_t)o->records * SVMC_VMCB_PAGE_SIZE,
				       &o->last.vmcb, SVMC_VMCB_PAGE_SIZE);
			CHECK_EQ_U64(o->last.index, (uint64_t)o->records);
			o->records++;
		} else {
			if (!o->errors) {
				o->first_err = e;
				o->first_err_off = d.offset;
			}
			o->errors++;
		}
	}
	svmc_reader_close(r);
	return SVMC_OK;
}

int main(void)
{
	unsigned char *pages = malloc(8 * SVMC_VMCB_PAGE_SIZE),
		      *back = malloc(8 * SVMC_VMCB_PAGE_SIZE);
	unsigned char blob[128 + SVMC_VMCB_PAGE_SIZE];
	struct outcome o;
	const char *p;

	if (!mkdtemp(tmpdir))
		return 1;
	for (unsigned i = 0; i < 8; i++)
		fill_page(pages + i * SVMC_VMCB_PAGE_SIZE, i + 1);

	/* raw: three pages, byte for byte, offsets, all fields known */
	p = write_file("three.bin", pages, 3 * SVMC_VMCB_PAGE_SIZE);
	CHECK(read_all(p, SVMC_FMT_RAW, &o, back) == SVMC_OK);
	CHECK(o.records == 3 && o.errors == 0);
	CHECK(memcmp(pages, back, 3 * SVMC_VMCB_PAGE_SIZE) == 0);
	CHECK_EQ_U64(o.last.offset, 2 * SVMC_VMCB_PAGE_SIZE);
	CHECK(o.last.format == SVMC_FMT_RAW);
	CHECK(svmc_known(&o.last, SVMC_F_EVENT_INJ) && svmc_known(&o.last, SVMC_F_RSVD_0x6E8));

	/* raw: a trailing partial page is an error for that part only */
	p = write_file("partial.bin", pages, 2 * SVMC_VMCB_PAGE_SIZE + 100);
	CHECK(read_all(p, SVMC_FMT_RAW, &o, back) == SVMC_OK);
	CHECK(o.records == 2 && o.errors == 1);
	CHECK(o.first_err == SVMC_ERR_TRUNCATED);
	CHECK_EQ_U64(o.first_err_off, 2 * SVMC_VMCB_PAGE_SIZE);

	/*
	 * auto-detection picks raw for pages that look like VMCBs (zero
	 * reserved bytes, EFER.SVME), and for no other binary bytes: the
	 * patterned pages above are refused with a reason, -f raw reads them
	 */
	{
		unsigned char vmcb[2 * SVMC_VMCB_PAGE_SIZE] = { 0 };
		struct svmc_reader *rd;
		struct svmc_diag dg;

		vmcb[0x4d1] = 0x10;
		vmcb[SVMC_VMCB_PAGE_SIZE + 0x058] = 1; /* ASID 1 */
		p = write_file("auto.bin", vmcb, sizeof(vmcb));
		CHECK(read_all(p, SVMC_FMT_AUTO, &o, NULL) == SVMC_OK);
		CHECK(o.records == 2 && o.errors == 0 && o.last.format == SVMC_FMT_RAW);
		p = write_file("auto.bin", pages, SVMC_VMCB_PAGE_SIZE);
		svmc_diag_init(&dg, p);
		CHECK(svmc_reader_open(&rd, p, SVMC_FMT_AUTO, &dg) == SVMC_ERR_FORMAT);
		CHECK(strstr(dg.msg, "binary data that does not look like VMCB pages (page 0 "
				     "(offset 0x0): ") != NULL);
		CHECK(strstr(dg.msg, "-f raw reads it as pages anyway") != NULL);
		CHECK(read_all(p, SVMC_FMT_RAW, &o, NULL) == SVMC_OK && o.records == 1);
	}

	/* nested state with its vmcb12, twice, then one without */
	memset(blob, 0, sizeof(blob));
	blob[0] = 0x03; /* GUEST_MODE | RUN_PENDING */
	blob[2] = 1;    /* format SVM */
	uint32_t size = 128 + SVMC_VMCB_PAGE_SIZE;
	memcpy(blob + 4, &size, 4);
	memcpy(blob + 128, pages, SVMC_VMCB_PAGE_SIZE);
	{
		unsigned char two[2 * sizeof(blob) + 128];
		memcpy(two, blob, sizeof(blob));
		memcpy(two + sizeof(blob), blob, sizeof(blob));
		memcpy(two + sizeof(blob) + 128, pages + SVMC_VMCB_PAGE_SIZE, SVMC_VMCB_PAGE_SIZE);
		unsigned char *hdr_only = two + 2 * sizeof(blob);
		memset(hdr_only, 0, 128);
		hdr_only[2] = 1;
		hdr_only[4] = 128;
		p = write_file("ns.bin", two, sizeof(two));
		CHECK(read_all(p, SVMC_FMT_AUTO, &o, back) == SVMC_OK);
		/* the header-only blob is a record too: its header is what KVM restores */
		CHECK(o.records == 3 && o.errors == 0);
		CHECK(o.last.format == SVMC_FMT_NESTED_STATE);
		CHECK(o.last.origin == SVMC_ORIGIN_NESTED_STATE);
		CHECK(memcmp(back, pages, 2 * SVMC_VMCB_PAGE_SIZE) == 0);
		CHECK_EQ_U64(o.last.offset, 2 * sizeof(blob));
		CHECK_EQ_U64(o.last.nstate.size, 128);
		CHECK_EQ_U64(o.last.nstate.flags, 0);
		CHECK_EQ_U64(o.last.nstate.known, SVMC_NSK_ALL);
		CHECK(!svmc_known(&o.last, SVMC_F_CR0) && !svmc_known(&o.last, SVMC_F_EVENT_INJ));
	}

	/* the header is kept: flags, format, size, vmcb_pa as the blob says */
	blob[8] = 0x01;
	blob[9] = 0x30; /* vmcb_pa 0x3001: NSTATE.VMCB_PA judges it, the reader does not */
	p = write_file("ns-one.bin", blob, sizeof(blob));
	CHECK(read_all(p, SVMC_FMT_NESTED_STATE, &o, back) == SVMC_OK);
	CHECK(o.records == 1 && o.errors == 0);
	CHECK_EQ_U64(o.last.nstate.flags, 0x03);
	CHECK_EQ_U64(o.last.nstate.format, 1);
	CHECK_EQ_U64(o.last.nstate.size, 128 + SVMC_VMCB_PAGE_SIZE);
	CHECK_EQ_U64(o.last.nstate.vmcb_pa, 0x3001);
	CHECK(svmc_known(&o.last, SVMC_F_EVENT_INJ));
	CHECK(memcmp(back, pages, SVMC_VMCB_PAGE_SIZE) == 0);
	blob[8] = blob[9] = 0;

	/* nested state: absurd size stops the input with an error at offset 0 */
	size = 0x7fffffff;
	memcpy(blob + 4, &size, 4);
	p = write_file("ns-absurd.bin", blob, sizeof(blob));
	CHECK(read_all(p, SVMC_FMT_NESTED_STATE, &o, NULL) == SVMC_OK);
	CHECK(o.records == 0 && o.errors == 1 && o.first_err == SVMC_ERR_FORMAT);
	CHECK_EQ_U64(o.first_err_off, 0);

	/*
	 * nested state: a VMX blob (format 0) of a size the reader can step
	 * over is a record (NSTATE.FORMAT rejects it); with another size it
	 * cannot be stepped over, so it stays an error that names the format
	 */
	size = 128 + SVMC_VMCB_PAGE_SIZE;
	memcpy(blob + 4, &size, 4);
	blob[2] = 0;
	p = write_file("ns-vmx.bin", blob, sizeof(blob));
	CHECK(read_all(p, SVMC_FMT_NESTED_STATE, &o, NULL) == SVMC_OK);
	CHECK(o.records == 1 && o.errors == 0);
	CHECK_EQ_U64(o.last.nstate.format, 0);
	{
		struct svmc_reader *r;
		struct svmc_record rec;
		struct svmc_diag d;

		size = 0x1000;
		memcpy(blob + 4, &size, 4);
		p = write_file("ns-vmx-odd.bin", blob, sizeof(blob));
		svmc_diag_init(&d, p);
		CHECK(svmc_reader_open(&r, p, SVMC_FMT_NESTED_STATE, &d) == SVMC_OK);
		CHECK(svmc_reader_next(r, &rec, &d) == SVMC_ERR_FORMAT);
		CHECK(strstr(d.msg, "format is 0 (VMX), not 1 (SVM)") != NULL);
		CHECK(svmc_reader_next(r, &rec, &d) == SVMC_ERR_EMPTY);
		svmc_reader_close(r);
		size = 128 + SVMC_VMCB_PAGE_SIZE;
		memcpy(blob + 4, &size, 4);
	}

	/* nested state: truncated vmcb12 */
	blob[2] = 1;
	p = write_file("ns-trunc.bin", blob, 128 + 1000);
	CHECK(read_all(p, SVMC_FMT_NESTED_STATE, &o, NULL) == SVMC_OK);
	CHECK(o.records == 0 && o.errors == 1 && o.first_err == SVMC_ERR_TRUNCATED);

	/* empty input, missing file, directory */
	{
		struct svmc_reader *r;
		struct svmc_diag d;
		p = write_file("empty.bin", "", 0);
		svmc_diag_init(&d, p);
		CHECK(svmc_reader_open(&r, p, SVMC_FMT_AUTO, &d) == SVMC_ERR_EMPTY);
		CHECK(strstr(d.msg, "empty") != NULL);
		CHECK(svmc_reader_open(&r, "/nonexistent/x.bin", SVMC_FMT_RAW, &d) == SVMC_ERR_IO);
		CHECK(strstr(d.msg, "No such file") != NULL);
		CHECK(svmc_reader_open(&r, tmpdir, SVMC_FMT_RAW, &d) == SVMC_ERR_IO);
		CHECK(strstr(d.msg, "directory") != NULL);
		/* empty file forced as raw: no records, no error */
		CHECK(read_all(p, SVMC_FMT_RAW, &o, NULL) == SVMC_OK);
		CHECK(o.records == 0 && o.errors == 0);
	}

	/* detection of text forms */
	CHECK(svmc_detect_format((const unsigned char *)"  {\"type\":\"vmcb\"}", 17) ==
	      SVMC_FMT_JSON);
	CHECK(svmc_detect_format(
		      (const unsigned char *)"[88213.402125] kvm_amd: VMCB Control Area:\n", 43) ==
	      SVMC_FMT_KVM_DUMP);
	CHECK(svmc_detect_format((const unsigned char *)"(XEN) cr_intercepts = 0x0\n", 26) ==
	      SVMC_FMT_XEN_DUMP);
	CHECK(svmc_detect_format((const unsigned char *)"00000000: 1300 1100 0000 0000\n", 30) ==
	      SVMC_FMT_HEX);
	CHECK(svmc_detect_format((const unsigned char *)"hello world\n", 12) == SVMC_FMT_AUTO);
	/* a shell or gdb prompt line above a hex dump */
	{
		const char *g =
			"(gdb) x/512gx 0xffff888100a00000\n0xffff888100a00000:\t0x0000000000110013\t0x00060082000000ff\n";
		const char *x =
			"$ xxd page.bin\n00000000: 1300 1100 ff00 ff00 8200 0600 0700 0cbc  ................\n";
		CHECK(svmc_detect_format((const unsigned char *)g, strlen(g)) == SVMC_FMT_HEX);
		CHECK(svmc_detect_format((const unsigned char *)x, strlen(x)) == SVMC_FMT_HEX);
	}
	/* JSON arrays of any content, kernel timestamps are not JSON */
	CHECK(svmc_detect_format((const unsigned char *)"[1, 2]\n", 7) == SVMC_FMT_JSON);
	CHECK(svmc_detect_format((const unsigned char *)"[[[[", 4) == SVMC_FMT_JSON);
	CHECK(svmc_detect_format((const unsigned char *)"[ \"a\" ]", 7) == SVMC_FMT_JSON);
	CHECK(svmc_detect_format((const unsigned char *)"[1.5]", 5) == SVMC_FMT_JSON);
	CHECK(svmc_detect_format((const unsigned char *)"[    0.008931] kvm_amd: x\n", 26) ==
	      SVMC_FMT_KVM_DUMP);
	CHECK(svmc_detect_format((const unsigned char *)"[Mon Jul 19 12:10:05 2021] x\n", 29) ==
	      SVMC_FMT_KVM_DUMP);
	/* fuzz regression: blank-only text must not read past the end */
	CHECK(svmc_detect_format((const unsigned char *)" \n\n", 3) == SVMC_FMT_AUTO);

	/* hex and decimal parsing helpers */
	uint64_t v;
	CHECK(svmc_parse_hex("ffffffffffffffff", 16, &v) && v == UINT64_MAX);
	CHECK(svmc_parse_hex("0x00000000000000001", 19, &v) && v == 1);
	CHECK(!svmc_parse_hex("1ffffffffffffffff", 17, &v));
	CHECK(!svmc_parse_hex("12g4", 4, &v));
	CHECK(!svmc_parse_hex("0x", 2, &v));
	CHECK(svmc_parse_dec("3000", 4, &v) && v == 3000);
	CHECK(svmc_parse_dec("-1", 2, &v) && v == UINT64_MAX);
	CHECK(!svmc_parse_dec("18446744073709551616", 20, &v));
	CHECK(!svmc_parse_dec("12a", 3, &v));

	free(pages);
	free(back);
	return tcheck_done("test_binary_readers");
}
