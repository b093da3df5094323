/*
 * test_chunks.c - where text inputs are cut for parallel parsing
 * (svmc_reader_next_chunk and the kvm-dump, xen-dump and trace boundary
 * finders): before a dump that opens whatever came before, never after a
 * line that leaves the dump before it in a state a fresh reader would not
 * share (a stray-text line, a soft line break, quoted-printable escapes, a
 * Xen dump not closed by its TR line, a trace's vCPU with a record open),
 * and never for a pipe or a small file.
 * Byte-identical output of -t 2 is tests/chunks.sh; this names the places.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "svmcheck/record.h"
#include "tcheck.h"

#define FIX SVMCHECK_TEST_DIR "/fixtures/"

static char dir[] = "/tmp/svmcheck-chunks-XXXXXX";
static char text[1 << 20];
static char buf[SVMC_CHUNK_MAX];

/* The file's text into text[]; its length. */
static size_t slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(text, 1, sizeof(text) - 1, f) : 0;

	if (f)
		fclose(f);
	text[n] = 0;
	return n;
}

/* Offset of the start of 1-based line `line` of text[]. */
static size_t line_off(unsigned line)
{
	const char *p = text;

	while (--line && (p = strchr(p, '\n')) != NULL)
		p++;
	return p ? (size_t)(p - text) : (size_t)-1;
}

static const char *put(const char *name, const char *s, size_t n)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (f) {
		fwrite(s, 1, n, f);
		fclose(f);
	}
	return path;
}

/* The lengths of the chunks of path in format fmt (min 1) into len[]; the last result. */
static enum svmc_chunk_res chunks(const char *path, enum svmc_format fmt, size_t *len, unsigned *n)
{
	struct svmc_reader *r;
	struct svmc_diag d;
	enum svmc_chunk_res res = SVMC_CHUNK_END;
	uint64_t pos, at = 0;

	*n = 0;
	svmc_diag_init(&d, path);
	if (svmc_reader_open(&r, path, fmt, &d) != SVMC_OK)
		return SVMC_CHUNK_END;
	CHECK(svmc_reader_chunkable(r, 1));
	while (*n < 8 && (res = svmc_reader_next_chunk(r, 1, buf, sizeof(buf), &len[*n], &pos)) ==
				 SVMC_CHUNK_TEXT) {
		CHECK_EQ_U64(pos, at); /* chunks follow each other */
		at += len[(*n)++];
	}
	svmc_reader_close(r);
	return res;
}

int main(void)
{
	size_t len[8], n, a, b;
	unsigned k;
	char *t;

	if (!mkdtemp(dir))
		return 1;

	/* two dumps: one cut, before the second dump's header (line 60) */
	n = slurp(FIX "kvm/two_dumps.log");
	CHECK(chunks(FIX "kvm/two_dumps.log", SVMC_FMT_KVM_DUMP, len, &k) == SVMC_CHUNK_END);
	CHECK_EQ_U64(k, 2);
	CHECK_EQ_U64(len[0], line_off(60));
	CHECK_EQ_U64(len[0] + len[1], n);

	/* the line before the header has stray text (not a clean dump line): no cut there */
	a = line_off(59);
	b = line_off(60);
	t = malloc(2 * n + 64);
	if (!t)
		return 1;
	memcpy(t, text, b - 1);
	memcpy(t + b - 1, " stray\n", 7);
	memcpy(t + b + 6, text + b, n - b);
	memcpy(t + n + 6, text, n); /* a third dump after it */
	CHECK(chunks(put("stray.log", t, 2 * n + 6), SVMC_FMT_KVM_DUMP, len, &k) == SVMC_CHUNK_END);
	CHECK_EQ_U64(k, 3);
	CHECK_EQ_U64(len[0], n + 6); /* the first cut is before the third dump */
	CHECK_EQ_U64(len[1], line_off(60));

	/* the line before the header ends in a soft break '=': no cut there */
	memcpy(t, text, b - 1);
	memcpy(t + b - 1, "=\n", 2);
	memcpy(t + b + 1, text + b, n - b);
	CHECK(chunks(put("soft.log", t, n + 1), SVMC_FMT_KVM_DUMP, len, &k) == SVMC_CHUNK_END);
	CHECK_EQ_U64(k, 1);

	/* a quoted-printable escape before the boundary: read serially from the start */
	memcpy(t, "dmesg after the failure:=20\n", 28);
	memcpy(t + 28, text, n);
	CHECK(chunks(put("qp.log", t, n + 28), SVMC_FMT_KVM_DUMP, len, &k) == SVMC_CHUNK_SERIAL);
	CHECK_EQ_U64(k, 0);
	/* ... and after it: the first chunk is taken, the rest is read serially */
	memcpy(t, text, n);
	memcpy(t + n, "dmesg after the failure:=20\n", 28);
	memcpy(t + n + 28, text, n);
	CHECK(chunks(put("qp2.log", t, 2 * n + 28), SVMC_FMT_KVM_DUMP, len, &k) ==
	      SVMC_CHUNK_SERIAL);
	CHECK_EQ_U64(k, 1);
	CHECK_EQ_U64(len[0], line_off(60));

	/* Xen, the 'v' key's dumps: cut before each "Dumping ..." after a TR line and framing */
	n = slurp(FIX "xen/keyhandler.txt");
	CHECK(chunks(FIX "xen/keyhandler.txt", SVMC_FMT_XEN_DUMP, len, &k) == SVMC_CHUNK_END);
	CHECK(k >= 2);
	CHECK_EQ_U64(len[0], line_off(37)); /* the framing lines stay with the dump before */
	/* without the TR line the dump before is open: no cut */
	a = line_off(35);
	b = line_off(36);
	memcpy(t, text, a);
	memcpy(t + a, text + b, n - b);
	CHECK(chunks(put("xen-open.txt", t, n - (b - a)), SVMC_FMT_XEN_DUMP, len, &k) ==
	      SVMC_CHUNK_END);
	CHECK(k >= 1 && len[0] > line_off(37));
	free(t);

	/*
	 * Traces: a cut only before an event line before which no vCPU has a
	 * record open.  A (pid 11) and B (pid 12) interleaved: lines 2-5 have
	 * A or B open; line 6 opens a record of B with nothing open (cut);
	 * B's exit on line 7 lacks its values, so B stays open (tr_next
	 * reports the line and keeps the record) and line 9 is no boundary;
	 * B's exit on line 11 closes it: cut before line 12.
	 */
	{
#define TR_PFX(pid) "  CPU 0/KVM-" #pid "  [00" #pid "] d..2. 100.000001: kvm_nested_"
#define TR_ENTER(pid)                                                                \
	TR_PFX(pid)                                                                  \
	"vmenter: rip: 0xffffffffc0a1be83 vmcb: 0x0000003847367000 nested_rip: "     \
	"0xffffffff81087c87 int_ctl: 0x03000200 event_inj: 0x00000000 nested_npt=y " \
	"nested_cr3: 0x0000005047b1e000\n"
#define TR_ICPT(pid)                                               \
	TR_PFX(pid)                                                \
	"intercepts: cr_read: 0010 cr_write: 0110 excp: 00060042 " \
	"intercepts: bc4c8027 0000624f 00000000\n"
#define TR_EXIT(pid)                                                                 \
	TR_PFX(pid)                                                                  \
	"vmexit: vcpu 0 reason hlt rip 0xffffffff81b381a9 info1 0x0000000000000000 " \
	"info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000\n"
		static const char tr[] = TR_ENTER(11) TR_ENTER(12) TR_ICPT(11) TR_EXIT(12)
			TR_EXIT(11) TR_ENTER(12)
				TR_PFX(12) "vmexit: vcpu 0 reason hlt\n" TR_ICPT(12) TR_ENTER(11)
					TR_EXIT(11) TR_EXIT(12) TR_ENTER(11) TR_EXIT(11);
		static const char qp[] = "pasted:=20\n";
		char two[2 * sizeof(tr) + sizeof(qp)];

		memcpy(text, tr, sizeof(tr));
		CHECK(chunks(put("trace.txt", tr, sizeof(tr) - 1), SVMC_FMT_TRACE, len, &k) ==
		      SVMC_CHUNK_END);
		CHECK_EQ_U64(k, 3);
		CHECK_EQ_U64(len[0], line_off(6));
		CHECK_EQ_U64(len[1], line_off(12) - line_off(6));
		CHECK_EQ_U64(len[0] + len[1] + len[2], sizeof(tr) - 1);
		/* a quoted-printable escape before the boundary: serial from there */
		memcpy(two, tr, sizeof(tr) - 1);
		memcpy(two + sizeof(tr) - 1, qp, sizeof(qp) - 1);
		memcpy(two + sizeof(tr) + sizeof(qp) - 2, tr, sizeof(tr) - 1);
		CHECK(chunks(put("trace-qp.txt", two, 2 * sizeof(tr) + sizeof(qp) - 3),
			     SVMC_FMT_TRACE, len, &k) == SVMC_CHUNK_SERIAL);
		CHECK_EQ_U64(k, 2);
		CHECK_EQ_U64(len[0] + len[1], line_off(12));
#undef TR_PFX
#undef TR_ENTER
#undef TR_ICPT
#undef TR_EXIT
	}

	/* a file smaller than two chunks is not worth cutting */
	{
		struct svmc_reader *r;
		struct svmc_diag d;

		svmc_diag_init(&d, NULL);
		if (svmc_reader_open(&r, FIX "kvm/two_dumps.log", SVMC_FMT_KVM_DUMP, &d) ==
		    SVMC_OK) {
			CHECK(!svmc_reader_chunkable(r, 1u << 20));
			svmc_reader_close(r);
		}
		/* nor a format without a boundary finder */
		if (svmc_reader_open(&r, FIX "raw/longmode.bin", SVMC_FMT_RAW, &d) == SVMC_OK) {
			CHECK(!svmc_reader_chunkable(r, 1));
			svmc_reader_close(r);
		}
	}
	{
		char cmd[512];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		CHECK(system(cmd) == 0);
	}
	return tcheck_done("test_chunks");
}
