/*
 * test_hex_tools.c - random pages round-trip through every hex dump tool as
 * installed (Debian: xxd, bsdextrautils for hexdump, coreutils for od;
 * .ci/setup installs them) and back through the hex reader, byte for byte.
 *
 * Eight pages: seven from a fixed xorshift64 seed and, second, a page of
 * zeros so that every tool that skips repeated lines ('*': xxd -a, hexdump,
 * od) does so across a whole page.  Each tool and option set dumps them;
 * the dump must be detected as hex (svmc_detect_format) and read back
 * (svmc_reader_*) into exactly the eight pages, in order, without an error.
 * A missing tool fails the test: the round trip is the point.  gdb output
 * needs gdb and a running program; its dialects are fixtures (test_hex.c).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "svmcheck/record.h"
#include "vmcb/reader.h"
#include "tcheck.h"

#define NPAGES 8

/* clang-format off */
static const char *const tools[] = {
	"xxd", "xxd -g1", "xxd -g2", "xxd -g4", "xxd -g8",
	"xxd -e", "xxd -e -g1", "xxd -e -g2", "xxd -e -g4", "xxd -e -g8",
	"xxd -p", "xxd -i", "xxd -a", "xxd -c 32", "xxd -e -c 32 -g8",
	"hexdump", "hexdump -C",
	"od -tx8", "od -tx1", "od -tx1z",
	"od -Ax -tx1", "od -Ax -tx2", "od -Ax -tx4", "od -Ax -tx8", "od -Ax -tx1z",
	"od -Ad -tx1", "od -Ad -tx2", "od -Ad -tx4", "od -Ad -tx8",
	"od -Ao -tx1", "od -Ao -tx2", "od -Ao -tx4", "od -Ao -tx8",
};
/* clang-format on */

static unsigned char pages[NPAGES][SVMC_VMCB_PAGE_SIZE];
static char dir[] = "/tmp/svmc-hex-tools-XXXXXX";

static void make_pages(void)
{
	uint64_t x = UINT64_C(0x9e3779b97f4a7c15);

	for (int p = 0; p < NPAGES; p++)
		for (size_t i = 0; i < SVMC_VMCB_PAGE_SIZE; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			pages[p][i] = p == 1 ? 0 : (unsigned char)(x >> 24);
		}
}

/* Dump pages.bin with tool (a shell command) into dump.txt and read it back. */
static void round_trip(const char *tool)
{
	static struct svmc_record rec;
	static unsigned char head[65536];
	char cmd[512], path[128];
	struct svmc_reader *r;
	struct svmc_diag d;
	size_t n;
	int got = 0, errors = 0, wrong = 0;
	enum svmc_err e;
	FILE *f;

	/* a tool given its standard input ("xxd -i < pages.bin") names no file */
	snprintf(cmd, sizeof(cmd), "cd '%s' && %s%s > dump.txt", dir, tool,
		 strchr(tool, '<') ? "" : " pages.bin");
	if (system(cmd) != 0) {
		fprintf(stderr, "'%s' failed: is it installed (.ci/setup)?\n", tool);
		CHECK(0);
		return;
	}
	snprintf(path, sizeof(path), "%s/dump.txt", dir);
	f = fopen(path, "rb");
	CHECK(f != NULL);
	if (!f)
		return;
	n = fread(head, 1, sizeof(head), f);
	fclose(f);
	if (svmc_detect_format(head, n) != SVMC_FMT_HEX) {
		fprintf(stderr, "'%s': not detected as hex\n", tool);
		CHECK(0);
	}
	svmc_diag_init(&d, path);
	if (svmc_reader_open(&r, path, SVMC_FMT_HEX, &d) != SVMC_OK) {
		CHECK(0);
		return;
	}
	while ((e = svmc_reader_next(r, &rec, &d)) != SVMC_ERR_EMPTY && got + errors < 100) {
		if (e != SVMC_OK) {
			fprintf(stderr, "'%s': line %llu: %s\n", tool, (unsigned long long)d.line,
				d.msg);
			errors++;
			continue;
		}
		if (got >= NPAGES || memcmp(&rec.vmcb, pages[got], SVMC_VMCB_PAGE_SIZE) != 0)
			wrong++;
		got++;
	}
	svmc_reader_close(r);
	if (got != NPAGES || errors || wrong)
		fprintf(stderr, "'%s': %d pages (%d differ), %d errors; want %d pages\n", tool, got,
			wrong, errors, NPAGES);
	CHECK(got == NPAGES && errors == 0 && wrong == 0);
}

int main(void)
{
	char path[128];
	FILE *f;

	make_pages();
	if (!mkdtemp(dir))
		return 2;
	snprintf(path, sizeof(path), "%s/pages.bin", dir);
	f = fopen(path, "wb");
	if (!f || fwrite(pages, 1, sizeof(pages), f) != sizeof(pages) || fclose(f) != 0)
		return 2;
	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		round_trip(tools[i]);
	/* xxd -i from standard input: the bytes alone, no declaration */
	round_trip("xxd -i < pages.bin");
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path) != 0)
		return 2;
	return tcheck_done("test_hex_tools");
}
