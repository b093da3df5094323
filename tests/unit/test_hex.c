/*
 * test_hex.c - the hex-dump reader (src/vmcb/hex.c) against dumps that the
 * real tools made of tests/fixtures/hex/page.bin and page2.bin (xxd, xxd -a,
 * hexdump -C, od -tx8, od -Ax -tx8, gdb x/512gx; see fixtures/hex/README):
 * every dialect must give back exactly the raw pages, byte for byte, and
 * truncated, corrupt, gapped and reordered dumps must give errors at the
 * right lines without losing the other pages.  Also checks that format
 * detection (detect.c) recognises each fixture as hex.
 */
#include <stdlib.h>
#include <time.h>
#include <inttypes.h>
#include <unistd.h>

#include "svmcheck/record.h"
#include "vmcb/reader.h"
#include "tcheck.h"
#include "treader.h"

#define FIX SVMCHECK_TEST_DIR "/fixtures/hex/"
static unsigned char page1[SVMC_VMCB_PAGE_SIZE], page2[SVMC_VMCB_PAGE_SIZE];

static void load(const char *path, unsigned char *buf)
{
	FILE *f = fopen(path, "rb");
	CHECK(f != NULL);
	if (!f)
		return;
	CHECK(fread(buf, 1, SVMC_VMCB_PAGE_SIZE, f) == SVMC_VMCB_PAGE_SIZE);
	fclose(f);
}

#define readall(name) treader_readall(FIX, (name), SVMC_FMT_HEX)

static bool same(const struct svmc_record *r, const unsigned char *page)
{
	return memcmp(&r->vmcb, page, SVMC_VMCB_PAGE_SIZE) == 0;
}

static bool has(const char *msg, const char *needle)
{
	return strstr(msg, needle) != NULL;
}

/* One page in the given dialect: exactly page.bin, every field known, line 1. */
static void one_page(const char *name, uint64_t line)
{
	const struct result *x = readall(name);

	CHECK_EQ_U64(x->nrec, 1);
	CHECK_EQ_U64(x->nerr, 0);
	if (x->nrec >= 1) {
		CHECK(same(&x->rec[0], page1));
		CHECK_EQ_U64(x->rec[0].line, line);
		CHECK(x->rec[0].format == SVMC_FMT_HEX);
		CHECK(svmc_known(&x->rec[0], SVMC_F_INTERCEPT_CR));
		CHECK(svmc_known(&x->rec[0], SVMC_F_SPEC_CTRL));
		/* spot values worked out from gen.py: bytes 13 00 11 00 at 0x000 */
		CHECK_EQ_U64(svmc_field_get(&x->rec[0], SVMC_F_INTERCEPT_CR), 0x00110013);
		CHECK_EQ_U64(svmc_field_get(&x->rec[0], SVMC_F_EFER), 0x1d01);
		CHECK_EQ_U64(svmc_field_get(&x->rec[0], SVMC_F_G_PAT), 0x0007040600070406);
		CHECK_EQ_U64(x->rec[0].vmcb.save.ss.attrib, 0x0c93);
	}
}

/* Two consecutive pages: page.bin then page2.bin, page 2 starting at line2. */
static void two_pages(const char *name, uint64_t line2)
{
	const struct result *x = readall(name);

	CHECK_EQ_U64(x->nrec, 2);
	CHECK_EQ_U64(x->nerr, 0);
	if (x->nrec >= 2) {
		CHECK(same(&x->rec[0], page1));
		CHECK(same(&x->rec[1], page2));
		CHECK_EQ_U64(x->rec[0].line, 1);
		CHECK_EQ_U64(x->rec[1].line, line2);
		CHECK_EQ_U64(x->rec[0].index, 0);
		CHECK_EQ_U64(x->rec[1].index, 1);
	}
}

#define detect(name) treader_detect(FIX, (name), SVMC_FMT_HEX)

/*
 * Fuzz finding: '*' runs were capped one by one, so a 5-line file of two
 * half-GiB runs gave 262,144 pages and a file of many stars billions.  All
 * the runs of an input now stand for at most 1 GiB together: the first run
 * (0x10..0x20000000) is placed, 131,072 whole pages; the second, alone no
 * longer than the first, would bring the total to 0x40000010 bytes and is
 * refused at line 5, dropping the page line 3 began (16 bytes).
 */
static void star_budget(void)
{
	static struct svmc_record rec;
	const char *path = SVMCHECK_TEST_DIR
		"/fuzz/regressions/fuzz_reader_hex/star-runs-past-1gib.hexdump";
	struct svmc_reader *r;
	struct svmc_diag d, first;
	uint64_t nrec = 0, nerr = 0;
	enum svmc_err e;

	svmc_diag_init(&d, path);
	if (svmc_reader_open(&r, path, SVMC_FMT_HEX, &d) != SVMC_OK) {
		CHECK(0);
		return;
	}
	while ((e = svmc_reader_next(r, &rec, &d)) != SVMC_ERR_EMPTY && nrec + nerr < 300000) {
		if (e == SVMC_OK)
			nrec++;
		else if (nerr++ == 0)
			first = d;
	}
	svmc_reader_close(r);
	CHECK_EQ_U64(nrec, 131072);
	CHECK_EQ_U64(nerr, 1);
	if (nerr) {
		CHECK_EQ_U64(first.line, 5);
		CHECK(has(first.msg, "all runs together"));
		CHECK(has(first.msg, "(16 of 4096"));
	}
}

/*
 * A '*' after a one-byte line repeats that byte up to 1 GiB: 262,144 pages
 * of 'A'.  The run is placed a page at a time (one memcpy from a page of
 * the repeated line), not a line at a time: byte by byte it took 6.5 s of
 * CPU (29 s under ASan); a page at a time well under a second.  3 s of CPU
 * is the bound.
 */
static void star_one_byte(void)
{
	static struct svmc_record rec;
	char path[] = "/tmp/svmc-hex-star1-XXXXXX";
	const char text[] = "00000000  41                                                |A|\n"
			    "*\n"
			    "40000000\n";
	struct svmc_reader *r;
	struct svmc_diag d;
	uint64_t nrec = 0, nerr = 0, bad = 0;
	clock_t t0;
	double cpu;
	int fd = mkstemp(path);
	enum svmc_err e;

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK(write(fd, text, sizeof(text) - 1) == (ssize_t)(sizeof(text) - 1));
	close(fd);
	svmc_diag_init(&d, path);
	t0 = clock();
	if (svmc_reader_open(&r, path, SVMC_FMT_HEX, &d) != SVMC_OK) {
		CHECK(0);
		unlink(path);
		return;
	}
	while ((e = svmc_reader_next(r, &rec, &d)) != SVMC_ERR_EMPTY && nrec + nerr < 300000) {
		const unsigned char *b = (const unsigned char *)&rec.vmcb;
		if (e != SVMC_OK) {
			nerr++;
			continue;
		}
		nrec++;
		if (b[0] != 'A' || memcmp(b, b + 1, SVMC_VMCB_PAGE_SIZE - 1) != 0)
			bad++;
	}
	svmc_reader_close(r);
	cpu = (double)(clock() - t0) / CLOCKS_PER_SEC;
	unlink(path);
	printf("star_one_byte: %" PRIu64 " pages in %.2f s of CPU\n", nrec, cpu);
	CHECK_EQ_U64(nrec, 262144);
	CHECK_EQ_U64(nerr, 0);
	CHECK_EQ_U64(bad, 0);
	CHECK(cpu < 3.0);
}

int main(void)
{
	const struct result *x;

	load(FIX "page.bin", page1);
	load(FIX "page2.bin", page2);
	/* the fixtures really differ, so a reader that returned one page twice would fail */
	CHECK(memcmp(page1, page2, SVMC_VMCB_PAGE_SIZE) != 0);

	/* every dialect, one page */
	one_page("page.xxd", 1);
	one_page("page.xxda", 1);    /* xxd -a: '*' for runs of zero lines */
	one_page("page.hexdump", 1); /* '*' lines and the final 00001000 */
	one_page("page.od", 1);      /* octal offsets, little-endian words */
	one_page("page.odx", 1);     /* od -Ax */
	one_page("page.gdb", 1);     /* 0x405000 <vmcb_page+16>: words */
	one_page("page-kernel.gdb", 1);
	/*
	 * xxd -e prints groups as little-endian words, its ASCII column in
	 * memory order: the column tells the order ("svmcheck hexdump" at
	 * 0x7f0 reads "vsmchce khxedpmu" the other way)
	 */
	one_page("page.xxde", 1);  /* xxd -e: 4-byte groups */
	one_page("page.xxde8", 1); /* xxd -e -g8 */
	one_page("page.xxde2", 1); /* xxd -e -g2 */
	one_page("page.xxdg4", 1); /* xxd -g4: groups in byte order */
	one_page("page.xxdp", 1);  /* xxd -p: no offsets, 30 bytes a line */
	one_page("page.xxdi", 2);  /* xxd -i: a C array; line 1 is its declaration */
	one_page("page.hd", 1);    /* plain hexdump: 7 hex digits, 16-bit words */
	one_page("page.odd", 1);   /* od -A d -t x4: decimal offsets */
	one_page("page.odx1", 1);  /* od -A x -t x1z */
	one_page("page-w.gdb", 1); /* gdb 13.1 x/1024wx &vmcb_page */
	one_page("page-b.gdb", 1); /* gdb 13.1 x/4096bx &vmcb_page */

	/* two pages; in hexdump and od a '*' run (line 45) crosses into page 2 */
	two_pages("two.xxd", 257);
	two_pages("two.hexdump", 45);
	two_pages("two.od", 45);
	two_pages("two.odx", 45);
	two_pages("two.gdb", 257);
	two_pages("two.hd", 45); /* the '*' run, with 7-digit hex offsets */

	/*
	 * A page without a printable byte: xxd -e and xxd -g4 print the same
	 * columns for different bytes, so 4-byte groups are refused rather than
	 * guessed; xxd's default 2-byte groups are read in byte order.
	 */
	x = readall("noprint.xxde");
	CHECK_EQ_U64(x->nrec, 0);
	CHECK_EQ_U64(x->nerr, 1);
	CHECK(has(x->err[0].msg, "cannot tell whether this xxd dump of 4-byte groups"));
	CHECK_EQ_U64(x->err[0].line, 1);
	x = readall("noprint.xxd");
	CHECK_EQ_U64(x->nrec, 1);
	if (x->nrec == 1)
		CHECK(((const unsigned char *)&x->rec[0].vmcb)[0] == 1 &&
		      ((const unsigned char *)&x->rec[0].vmcb)[4095] == (4095 * 7) % 31 + 1);

	/*
	 * A zero page: "0001000" after the '*' is 4096 in hex (hexdump) and 512
	 * in octal (od): only hex makes whole pages.  "0010000" is a page in
	 * octal and 16 in hex: od's dump cannot tell, and says so.
	 */
	x = readall("zero.hd");
	CHECK_EQ_U64(x->nrec, 1);
	CHECK_EQ_U64(x->nerr, 0);
	x = readall("zero.od");
	CHECK_EQ_U64(x->nrec, 0);
	CHECK_EQ_U64(x->nerr, 1);
	CHECK(has(x->err[0].msg, "cannot tell which"));

	/* two dumps of page.bin one after the other: offset 0 again starts a new dump */
	x = readall("concat.xxd");
	CHECK_EQ_U64(x->nrec, 2);
	CHECK_EQ_U64(x->nerr, 0);
	if (x->nrec == 2) {
		CHECK(same(&x->rec[0], page1) && same(&x->rec[1], page1));
		CHECK_EQ_U64(x->rec[1].line, 257);
	}

	/* a gdb session: (gdb) prompts separate two x commands at unrelated addresses */
	x = readall("session.gdb");
	CHECK_EQ_U64(x->nrec, 2);
	CHECK_EQ_U64(x->nerr, 0);
	if (x->nrec == 2) {
		CHECK(same(&x->rec[0], page1) && same(&x->rec[1], page1));
		CHECK_EQ_U64(x->rec[0].line, 2);
		CHECK_EQ_U64(x->rec[1].line, 259);
	}

	/* truncated: 100 xxd lines are 1600 bytes */
	x = readall("truncated.xxd");
	CHECK_EQ_U64(x->nrec, 0);
	CHECK_EQ_U64(x->nerr, 1);
	CHECK(x->err[0].code == SVMC_ERR_TRUNCATED);
	CHECK_EQ_U64(x->err[0].line, 1);
	CHECK(has(x->err[0].msg, "1600 of the 4096 bytes"));

	/* two pages of od cut after 0014740 (octal) = 0x19e0: page 2 has 0x19f0 - 0x1000 = 2544 bytes */
	x = readall("two-truncated.od");
	CHECK_EQ_U64(x->nrec, 1);
	CHECK_EQ_U64(x->nerr, 1);
	if (x->nrec == 1)
		CHECK(same(&x->rec[0], page1));
	CHECK(x->err[0].code == SVMC_ERR_TRUNCATED);
	CHECK_EQ_U64(x->err[0].line, 45);
	CHECK(has(x->err[0].msg, "2544 of the 4096 bytes"));

	/* a corrupt line (f4zz) at line 14: page 1 dropped (13 lines = 208 bytes read), page 2 read */
	x = readall("corrupt.xxd");
	CHECK_EQ_U64(x->nerr, 1);
	CHECK_EQ_U64(x->nrec, 1);
	CHECK(x->err[0].code == SVMC_ERR_FORMAT);
	CHECK_EQ_U64(x->err[0].line, 14);
	CHECK(has(x->err[0].msg, "not a line of"));
	CHECK(has(x->err[0].msg, "begun at line 1 (208 of 4096"));
	if (x->nrec == 1) {
		CHECK(same(&x->rec[0], page2));
		CHECK_EQ_U64(x->rec[0].line, 257);
		CHECK_EQ_U64(x->rec[0].index, 0);
	}

	/* the 0x130 line removed: line 20 (0x140) is a 16-byte gap; page 2 is still read */
	x = readall("gap.xxd");
	CHECK_EQ_U64(x->nerr, 1);
	CHECK_EQ_U64(x->nrec, 1);
	CHECK_EQ_U64(x->err[0].line, 20);
	CHECK(has(x->err[0].msg, "gap"));
	CHECK(has(x->err[0].msg, "16 bytes missing"));
	if (x->nrec == 1) {
		CHECK(same(&x->rec[0], page2));
		CHECK_EQ_U64(x->rec[0].line, 256);
	}

	/* the 0x12a0 line repeated: line 300 goes backwards; page 1 stays good */
	x = readall("order.xxd");
	CHECK_EQ_U64(x->nrec, 1);
	CHECK_EQ_U64(x->nerr, 1);
	if (x->nrec == 1)
		CHECK(same(&x->rec[0], page1));
	CHECK_EQ_U64(x->err[0].line, 300);
	CHECK(has(x->err[0].msg, "out of order"));
	CHECK(has(x->err[0].msg, "begun at line 257 (688 of 4096"));

	/* a shell line before the dump: an error for line 1 only, the page is read */
	x = readall("header.xxd");
	CHECK_EQ_U64(x->nerr, 1);
	CHECK_EQ_U64(x->nrec, 1);
	CHECK_EQ_U64(x->err[0].line, 1);
	if (x->nrec == 1) {
		CHECK(same(&x->rec[0], page1));
		CHECK_EQ_U64(x->rec[0].line, 2);
	}

	/* an offset not as wide as the dump's first (6 digits in od -Ax) is damage */
	x = readall("width.odx");
	CHECK_EQ_U64(x->nrec, 0);
	CHECK_EQ_U64(x->nerr, 1);
	CHECK_EQ_U64(x->err[0].line, 5);
	CHECK(has(x->err[0].msg, "not a 6-digit hex offset"));
	CHECK(has(x->err[0].msg, "(48 of 4096")); /* lines 1-3; the * of line 4 is pending */

	/* a '*' (line 45) that would repeat up to 0x40001000 (past 1 GiB) is refused */
	x = readall("farstar.hexdump");
	CHECK_EQ_U64(x->nrec, 0);
	CHECK_EQ_U64(x->nerr, 1);
	CHECK_EQ_U64(x->err[0].line, 46);
	CHECK(has(x->err[0].msg, "at most 1 GiB"));
	CHECK(has(x->err[0].msg, "(2064 of 4096"));

	star_budget();
	star_one_byte();

	/* detection of every dialect (detect.c is not ours: this reviews it) */
	detect("page.xxd");
	detect("page.xxda");
	detect("page.hexdump");
	detect("page.od");
	detect("page.odx");
	detect("page.gdb");
	detect("page-kernel.gdb");
	detect("two.hexdump");
	detect("page.xxde");
	detect("page.xxde8");
	detect("page.xxdp");
	detect("page.xxdi");
	detect("page.hd");
	detect("page.odd");
	detect("page-w.gdb");
	detect("page-b.gdb");

	return tcheck_done("test_hex");
}
