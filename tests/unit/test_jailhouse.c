/*
 * test_jailhouse.c - the Jailhouse AMD panic-dump reader (src/vmcb/jailhouse.c).
 *
 * Expected values are read off the fixture text by hand (the fixtures
 * follow hypervisor/arch/x86/svm.c: vcpu_handle_exit()'s FATAL line and
 * dump_guest_regs()): the VMCB fields the dump prints, exactly those known,
 * the exit code from the FATAL lines that print one, the hypervisor's own
 * exception frame skipped, an Intel dump refused, errors with their lines;
 * and detection: every fixture of tests/fixtures/jailhouse is detected as
 * jailhouse (but the frame that is no cell's dump), and no fixture of any
 * other format is.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "svmcheck/record.h"
#include "vmcb/reader.h"
#include "tcheck.h"
#include "treader.h"

#define FIX SVMCHECK_TEST_DIR "/fixtures/jailhouse/"

#define readall(name) treader_readall(FIX, (name), SVMC_FMT_JAILHOUSE)

/* Exactly these fields are known (and the exit fields as given). */
static void check_known(const struct svmc_record *r, bool exit, bool info)
{
	static const enum svmc_field_id dumped[] = { SVMC_F_RIP, SVMC_F_RSP, SVMC_F_RFLAGS,
						     SVMC_F_RAX, SVMC_F_CS,  SVMC_F_CR0,
						     SVMC_F_CR3, SVMC_F_CR4, SVMC_F_EFER };
	struct svmc_record want;

	svmc_record_clear(&want);
	for (size_t i = 0; i < sizeof(dumped) / sizeof(dumped[0]); i++)
		svmc_mark_known(&want, dumped[i]);
	if (exit)
		svmc_mark_known(&want, SVMC_F_EXIT_CODE);
	if (info) {
		svmc_mark_known(&want, SVMC_F_EXIT_INFO_1);
		svmc_mark_known(&want, SVMC_F_EXIT_INFO_2);
	}
	for (unsigned w = 0; w < SVMC_KNOWN_WORDS; w++)
		CHECK_EQ_U64(r->known[w], want.known[w]);
	CHECK(r->origin == SVMC_ORIGIN_HARDWARE);
	CHECK(r->format == SVMC_FMT_JAILHOUSE);
}

/* shutdown.txt's first dump (a triple fault), also quoted.txt's. */
static void check_shutdown(const struct svmc_record *r, uint64_t line)
{
	const struct svmc_vmcb_seg *cs = svmc_field_seg_const(r, SVMC_F_CS);

	CHECK_EQ_U64(r->line, line);
	check_known(r, true, true);
	CHECK_EQ_U64(treader_get(r, SVMC_F_EXIT_CODE), 0x7f); /* VMEXIT_SHUTDOWN */
	CHECK_EQ_U64(treader_get(r, SVMC_F_EXIT_INFO_1), 0);
	CHECK_EQ_U64(treader_get(r, SVMC_F_EXIT_INFO_2), 0);
	CHECK_EQ_U64(treader_get(r, SVMC_F_RIP), 0xffffffff81a0f2e2);
	CHECK_EQ_U64(treader_get(r, SVMC_F_RSP), 0xffffc90000013e48);
	CHECK_EQ_U64(treader_get(r, SVMC_F_RFLAGS), 0x10046);
	CHECK_EQ_U64(treader_get(r, SVMC_F_RAX), 0);
	CHECK_EQ_U64(cs->selector, 0x10);
	CHECK_EQ_U64(cs->attrib, 0xa9b);
	CHECK_EQ_U64(cs->base, 0);
	CHECK_EQ_U64(cs->limit, 0); /* not in the dump: said unknown */
	CHECK(r->cs_limit_unknown);
	CHECK_EQ_U64(treader_get(r, SVMC_F_CR0), 0x80050033);
	CHECK_EQ_U64(treader_get(r, SVMC_F_CR3), 0x3a80a000);
	CHECK_EQ_U64(treader_get(r, SVMC_F_CR4), 0x3506f0);
	CHECK_EQ_U64(treader_get(r, SVMC_F_EFER), 0x1d01);
}

static void test_dumps(void)
{
	const struct result *rs = readall("shutdown.txt");

	CHECK_EQ_U64(rs->nrec, 2);
	CHECK_EQ_U64(rs->nerr, 0);
	check_shutdown(&rs->rec[0], 20);
	/* a handler's FATAL line names no exit code: the dump alone */
	CHECK_EQ_U64(rs->rec[1].line, 30);
	check_known(&rs->rec[1], false, false);
	CHECK_EQ_U64(treader_get(&rs->rec[1], SVMC_F_RAX), 0xff);
	CHECK_EQ_U64(treader_get(&rs->rec[1], SVMC_F_EFER), 0x1500);
	CHECK_EQ_U64(treader_get(&rs->rec[1], SVMC_F_CR4), 0x20);

	rs = readall("quoted.txt"); /* "> " and CR LF */
	CHECK_EQ_U64(rs->nrec, 1);
	CHECK_EQ_U64(rs->nerr, 0);
	check_shutdown(&rs->rec[0], 3);

	rs = readall("entry-failure.txt"); /* "error -1": VMEXIT_INVALID */
	CHECK_EQ_U64(rs->nrec, 1);
	CHECK_EQ_U64(rs->nerr, 0);
	CHECK_EQ_U64(rs->rec[0].line, 2);
	check_known(&rs->rec[0], true, false);
	CHECK_EQ_U64(treader_get(&rs->rec[0], SVMC_F_EXIT_CODE), UINT64_MAX);
	CHECK_EQ_U64(treader_get(&rs->rec[0], SVMC_F_CR0), 0xa0050033);
}

static void test_not_dumps(void)
{
	const struct result *rs = readall("hv-exception.txt");

	/* the hypervisor's own frame is no cell's dump */
	CHECK_EQ_U64(rs->nrec, 0);
	CHECK_EQ_U64(rs->nerr, 0);

	rs = readall("intel.txt");
	CHECK_EQ_U64(rs->nrec, 0);
	CHECK_EQ_U64(rs->nerr, 1);
	CHECK_EQ_U64(rs->err[0].line, 1);
	CHECK(strstr(rs->err[0].msg, "Intel") != NULL);
}

static void test_malformed(void)
{
	const struct result *rs = readall("malformed.txt");

	CHECK_EQ_U64(rs->nerr, 4);
	CHECK_EQ_U64(rs->nrec, 1);
	/* cut short by the next FATAL line, which opens the next dump */
	CHECK(rs->err[0].code == SVMC_ERR_TRUNCATED);
	CHECK_EQ_U64(rs->err[0].line, 1);
	CHECK(strstr(rs->err[0].msg, "CS line") != NULL);
	CHECK(rs->err[1].code == SVMC_ERR_FORMAT);
	CHECK_EQ_U64(rs->err[1].line, 7);
	CHECK(rs->err[2].code == SVMC_ERR_RANGE);
	CHECK_EQ_U64(rs->err[2].line, 15);
	CHECK(rs->err[3].code == SVMC_ERR_FORMAT);
	CHECK_EQ_U64(rs->err[3].line, 18);
	CHECK(strstr(rs->err[3].msg, "EFER.LMA") != NULL);
	/* the dump after them is read whole */
	CHECK_EQ_U64(rs->rec[0].line, 24);
	check_known(&rs->rec[0], false, false);
	CHECK_EQ_U64(treader_get(&rs->rec[0], SVMC_F_RIP), 0xf3a4c);
}

/* Read text (through a temporary file) as jailhouse into the static result. */
static const struct result *read_text(const char *text)
{
	char path[] = "/tmp/test_jailhouse.XXXXXX";
	int fd = mkstemp(path);
	size_t n = strlen(text);
	const struct result *rs;

	CHECK(fd >= 0);
	if (fd < 0)
		return treader_readall("", "/nonexistent", SVMC_FMT_JAILHOUSE);
	CHECK(write(fd, text, n) == (ssize_t)n);
	close(fd);
	rs = treader_readall("", path, SVMC_FMT_JAILHOUSE);
	unlink(path);
	return rs;
}

#define DUMP_TAIL                                   \
	"RAX: 0x30 RBX: 0x0 RCX: 0x0\n"             \
	"RDX: 0x0 RSI: 0x0 RDI: 0x0\n"              \
	"CS: 8 BASE: 0x0 AR-BYTES: %s EFER.LMA 1\n" \
	"CR0: 0x80000011 CR3: 0x1000 CR4: %s\n"     \
	"EFER: 0x1500\n"

/* A dump cut short by the RIP line of the next: that line opens the next record. */
static void test_cut_by_rip(void)
{
	char text[1024];
	const struct result *rs;

	snprintf(text, sizeof(text),
		 "RIP: 0x1 RSP: 0x2 FLAGS: 2\nRAX: 0x3 RBX: 0x0 RCX: 0x0\n"
		 "RIP: 0x10 RSP: 0x20 FLAGS: 2\n" DUMP_TAIL,
		 "29b", "0x20");
	rs = read_text(text);
	CHECK_EQ_U64(rs->nerr, 1);
	CHECK_EQ_U64(rs->err[0].line, 1);
	CHECK(strstr(rs->err[0].msg, "RDX line") != NULL);
	CHECK_EQ_U64(rs->nrec, 1);
	CHECK_EQ_U64(rs->rec[0].line, 3);
	CHECK_EQ_U64(treader_get(&rs->rec[0], SVMC_F_RIP), 0x10);
	CHECK_EQ_U64(treader_get(&rs->rec[0], SVMC_F_RAX), 0x30);
	CHECK_EQ_U64(treader_get(&rs->rec[0], SVMC_F_EFER), 0x1500);
}

/* A FATAL line speaks for the dump right after it, not past its panic's "Parking CPU" line. */
static void test_fatal_scope(void)
{
	char text[1024];
	const struct result *rs;

	snprintf(text, sizeof(text),
		 "FATAL: Unexpected #VMEXIT, exitcode 7f, exitinfo1 0x0 exitinfo2 0x0\n"
		 "some other console line\n"
		 "RIP: 0x10 RSP: 0x20 FLAGS: 2\n" DUMP_TAIL "Parking CPU 1 (Cell: \"a\")\n"
		 "FATAL: VM-Entry failure, error -1\n"
		 "Parking CPU 2 (Cell: \"b\")\n"
		 "RIP: 0x10 RSP: 0x20 FLAGS: 2\n" DUMP_TAIL,
		 "29b", "0x20", "29b", "0x20");
	rs = read_text(text);
	CHECK_EQ_U64(rs->nerr, 0);
	CHECK_EQ_U64(rs->nrec, 2);
	CHECK_EQ_U64(rs->rec[0].line, 1);
	CHECK_EQ_U64(treader_get(&rs->rec[0], SVMC_F_EXIT_CODE), 0x7f);
	CHECK_EQ_U64(rs->rec[1].line, 12);
	CHECK(!svmc_known(&rs->rec[1], SVMC_F_EXIT_CODE));
}

/* VMX's marks without a FATAL line: AR-BYTES past 12 bits, CR4.VMXE; an AMD FATAL line wins. */
static void test_intel_marks(void)
{
	static const struct {
		const char *fatal, *ar, *cr4, *why; /* why NULL: an AMD record */
	} c[] = {
		{ "", "a09b", "0x20", "AR-BYTES a09b" },
		{ "", "29b", "0x2020", "CR4.VMXE" },
		{ "FATAL: Unhandled VM-Exit, reason 2\n", "29b", "0x20", "FATAL line" },
		{ "FATAL: VM-Entry failure, error -1\n", "29b", "0x2020", NULL },
		{ "", "29b", "0x20", NULL },
		{ "FATAL: VM-Entry failure, error -1\n", "1029b", "0x20", "16-bit" },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		char text[1024];
		const struct result *rs;

		snprintf(text, sizeof(text), "%sRIP: 0x10 RSP: 0x20 FLAGS: 2\n" DUMP_TAIL,
			 c[i].fatal, c[i].ar, c[i].cr4);
		rs = read_text(text);
		CHECK_EQ_U64(rs->nrec, c[i].why ? 0 : 1);
		CHECK_EQ_U64(rs->nerr, c[i].why ? 1 : 0);
		if (c[i].why)
			CHECK(strstr(rs->err[0].msg, c[i].why) != NULL);
	}
}

/* Jailhouse's fixtures are detected as jailhouse, and no fixture of another format is. */
static void test_detection(void)
{
	static const char *const mine[] = { "shutdown.txt", "entry-failure.txt", "quoted.txt",
					    "intel.txt", "malformed.txt" };
	DIR *top = opendir(SVMCHECK_TEST_DIR "/fixtures");
	struct dirent *e;
	unsigned char *buf = malloc(65536);
	int others = 0;

	for (size_t i = 0; i < sizeof(mine) / sizeof(mine[0]); i++)
		treader_detect(FIX, mine[i], SVMC_FMT_JAILHOUSE);
	/* the hypervisor's frame alone has no dump line to go by */
	treader_detect(FIX, "hv-exception.txt", SVMC_FMT_AUTO);
	CHECK(top != NULL && buf != NULL);
	while (top && buf && (e = readdir(top))) {
		char dir[512];
		DIR *sub;
		struct dirent *f;

		if (e->d_name[0] == '.' || !strcmp(e->d_name, "jailhouse"))
			continue;
		snprintf(dir, sizeof(dir), SVMCHECK_TEST_DIR "/fixtures/%s/", e->d_name);
		sub = opendir(dir);
		while (sub && (f = readdir(sub))) {
			char path[1024];
			FILE *fp;

			snprintf(path, sizeof(path), "%s%s", dir, f->d_name);
			fp = f->d_name[0] != '.' ? fopen(path, "rb") : NULL;
			if (!fp)
				continue;
			size_t n = fread(buf, 1, 65536, fp);

			fclose(fp);
			if (svmc_detect_format(buf, n) == SVMC_FMT_JAILHOUSE)
				fprintf(stderr, "detect: %s taken for jailhouse\n", path);
			CHECK(svmc_detect_format(buf, n) != SVMC_FMT_JAILHOUSE);
			others++;
		}
		if (sub)
			closedir(sub);
	}
	if (top)
		closedir(top);
	free(buf);
	CHECK(others >= 100);
}

int main(void)
{
	test_dumps();
	test_not_dumps();
	test_malformed();
	test_cut_by_rip();
	test_intel_marks();
	test_fatal_scope();
	test_detection();
	return tcheck_done("test_jailhouse");
}
