/*
 * test_formats.c - the input-format registry: every row of SVMC_FORMATS is
 * complete and consistent (name, probe, reader, summary; the reader says the
 * same format; names unique and parsed back), the lists built from it, and
 * the detection policy of enum svmc_probe_score where the evidence of two
 * formats meets in one input, and that detection, which skips the rows that
 * cannot win, answers as asking every probe would (no probe answers above
 * its row's best) over inputs built from every probe's evidence.
 */
#include <stdlib.h>
#include <string.h>

#include "svmcheck/record.h"
#include "vmcb/reader.h"
#include "tcheck.h"

static enum svmc_format detect(const char *s)
{
	return svmc_detect_format((const unsigned char *)s, strlen(s));
}

static void test_rows(void)
{
	char list[512] = "", names[512];
	enum svmc_format f;

	CHECK(svmc_format_row(SVMC_FMT_AUTO) == NULL);
	CHECK(svmc_format_row(SVMC_FMT_COUNT) == NULL);
	CHECK_STREQ(svmc_format_name(SVMC_FMT_AUTO), "auto");
	CHECK_STREQ(svmc_format_name(SVMC_FMT_COUNT), "?");
	CHECK(svmc_format_parse("auto", &f) == 0 && f == SVMC_FMT_AUTO);
	CHECK(svmc_format_parse("", &f) == -1);
	CHECK(svmc_format_parse("kvm_dump", &f) == -1);
	for (unsigned i = SVMC_FMT_AUTO + 1; i < SVMC_FMT_COUNT; i++) {
		const struct svmc_format_row *row = svmc_format_row((enum svmc_format)i);

		CHECK(row != NULL && row->name != NULL);
		if (!row || !row->name)
			continue;
		CHECK(row->name[0] != '\0');
		CHECK(row->summary && row->summary[0]);
		CHECK(row->ops && row->ops->next);
		CHECK(row->ops && row->ops->format == (enum svmc_format)i);
		CHECK_STREQ(svmc_format_name((enum svmc_format)i), row->name);
		CHECK_STREQ(svmc_format_summary((enum svmc_format)i), row->summary);
		CHECK(svmc_format_parse(row->name, &f) == 0 && f == (enum svmc_format)i);
		for (unsigned j = SVMC_FMT_AUTO; j < i; j++)
			CHECK(strcmp(svmc_format_name((enum svmc_format)j), row->name) != 0);
		/* every format is detected by its probe, and none claims an empty input */
		CHECK(row->probe != NULL && row->best > SVMC_PROBE_NONE);
		if (row->probe)
			CHECK(row->probe((const unsigned char *)"", 0) == SVMC_PROBE_NONE);
		if (list[0])
			strcat(list, ", ");
		strcat(list, row->name);
	}
	CHECK_STREQ(svmc_format_names(names, sizeof(names)), list);
	CHECK_STREQ(list, "raw, nested-state, kvm-dump, xen-dump, json, hex, jailhouse, trace");
	/* a short buffer is cut, never overrun */
	memset(names, 'x', sizeof(names));
	svmc_format_names(names, 8);
	CHECK(strlen(names) == 7 && names[8] == 'x');
	CHECK(svmc_format_names(names, 0) == names);
}

/* Inputs that carry the evidence of two formats: the stronger kind wins. */
static void test_policy(void)
{
	unsigned char ns[4224] = { 0 }, bin[64] = { '{', 0 };
	uint16_t flags = 0, format = 1;
	uint32_t size = 4224;

	/* a nested-state header (binary, NUL bytes) beats raw pages */
	memcpy(ns, &flags, 2);
	memcpy(ns + 2, &format, 2);
	memcpy(ns + 4, &size, 4);
	CHECK(svmc_detect_format(ns, sizeof(ns)) == SVMC_FMT_NESTED_STATE);
	format = 0; /* VMX: not ours; and a page of zeros behind it is not a VMCB */
	memcpy(ns + 2, &format, 2);
	CHECK(svmc_detect_format(ns, sizeof(ns)) == SVMC_FMT_AUTO);
	/* a page that looks like a VMCB (EFER.SVME, zero reserved bytes) is raw... */
	ns[128 + 0x4d1] = 0x10;
	CHECK(svmc_detect_format(ns + 128, 4096) == SVMC_FMT_RAW);
	/* ...and beats JSON's opening brace */
	ns[128] = '{';
	CHECK(svmc_detect_format(ns + 128, 4096) == SVMC_FMT_RAW);
	/* NUL bytes are noise to the text readers: '{' and NULs is JSON text */
	CHECK(svmc_detect_format(bin, sizeof(bin)) == SVMC_FMT_JSON);
	/* JSON's syntax beats the labels inside its strings */
	CHECK(detect("{\"note\":\"(XEN) cr_intercepts VMCB Control Area\"}\n") == SVMC_FMT_JSON);
	/* Xen's tag and labels beat dump_vmcb's labels */
	CHECK(detect("(XEN) VMCB Control Area\n(XEN) cr_intercepts = 0x0\n") == SVMC_FMT_XEN_DUMP);
	/* dump_vmcb's labels beat hex-dump-shaped first lines */
	CHECK(detect("00000000: 1300 1100 0000 0000\nkvm_amd: cr_read: 0013\n") ==
	      SVMC_FMT_KVM_DUMP);
	/* hex-dump-shaped first lines beat a kernel-log hint */
	CHECK(detect("[  1.000000] kvm: page follows\n00000000: 1300 1100 0000 0000\n") ==
	      SVMC_FMT_HEX);
	/* ...but only among the first four lines */
	CHECK(detect("[  1.000000] kvm: a\nb\nc\nd\n00000000: 1300 1100 0000 0000\n") ==
	      SVMC_FMT_KVM_DUMP);
	/* a kernel-log hint alone is enough; plain text is nothing */
	CHECK(detect("<3>something\n") == SVMC_FMT_KVM_DUMP);
	CHECK(detect("hello world\n") == SVMC_FMT_AUTO);
	/* Xen's labels without its tag are not a Xen dump */
	CHECK(detect("cr_intercepts = 0x0\n") == SVMC_FMT_AUTO);
	/* Jailhouse's dump lines beat a kernel-log hint around them... */
	CHECK(detect("[  1.000000] kvm: x\nRIP: 0x1 RSP: 0x2 FLAGS: 2\n"
		     "CS: 10 BASE: 0x0 AR-BYTES: a9b EFER.LMA 1\n") == SVMC_FMT_JAILHOUSE);
	/* ...but its RIP line alone (the hypervisor's exception frame) is nothing */
	CHECK(detect("RIP: 0x1 RSP: 0x2 FLAGS: 2\nCR2: 0x0\n") == SVMC_FMT_AUTO);
}

/*
 * Every probe asked, the strongest answer, the first row among equals;
 * binary probes on the bytes, text probes on the text view when it is text.
 */
static enum svmc_format detect_all(const unsigned char *b, size_t n, int *over)
{
	enum svmc_format found = SVMC_FMT_AUTO;
	enum svmc_probe_score top = SVMC_PROBE_NONE;
	unsigned char *view;
	bool text;
	size_t vn = svmc_probe_text_view(b, n, &view, &text);

	for (unsigned f = SVMC_FMT_AUTO + 1; f < SVMC_FMT_COUNT; f++) {
		const struct svmc_format_row *row = svmc_format_row((enum svmc_format)f);
		bool binary = row && row->best >= SVMC_PROBE_BINARY;
		enum svmc_probe_score s = SVMC_PROBE_NONE;

		if (row && row->probe && (binary || text))
			s = binary ? row->probe(b, n) : row->probe(view, vn);

		if (row && s > row->best)
			(*over)++;
		if (s > top) {
			top = s;
			found = (enum svmc_format)f;
		}
	}
	if (view != b)
		free(view);
	return found;
}

/* Inputs glued from pieces of every format's evidence, compared both ways. */
static void test_skipping(void)
{
	static const char *const piece[] = {
		"(XEN) ",
		"cr_intercepts = 0x0",
		"VMCB Control Area:",
		"cr_read: 0",
		"{",
		"[",
		"]",
		"[  12.345678] ",
		"<3>",
		"kernel: ",
		"kvm: ",
		"kvm_amd: ",
		"00000000: 1300 1100 0000",
		"0x1000 <x>:\t0x00",
		"$ ",
		"(gdb) x/4gx",
		"\n",
		"\r\n",
		" ",
		"\t",
		"\xef\xbb\xbf",
		"\x01",
		"hello",
		"0000010 00 11 22",
		"VMCB Areas",
		"1.5]",
		"true",
		"-3",
		"\"a\"",
		"# ",
		"abcdef01 x",
		"RIP: 0x1",
		" AR-BYTES: ",
		" EFER.LMA ",
		" kvm_nested_vmenter: ",
		"kvm_nested_intercepts: cr_read: 0010",
	};
	unsigned char buf[4096 + 512];
	uint32_t x = 12345;
	int over = 0, differ = 0, seen[SVMC_FMT_COUNT] = { 0 };

	for (int it = 0; it < 200000; it++) {
		size_t n = 0;

		x = x * 1103515245u + 12345u;
		for (unsigned k = (x >> 16) % 8; k; k--) {
			const char *p;

			x = x * 1103515245u + 12345u;
			p = piece[(x >> 16) % (sizeof(piece) / sizeof(piece[0]))];
			while (*p)
				buf[n++] = (unsigned char)*p++;
		}
		if ((x >> 8) % 64 == 0) { /* a nested-state header or a NUL */
			static const uint32_t sizes[] = { 128, 4224, 4096 };
			uint16_t flags = (uint16_t)((x >> 4) % 0x1100), format = (x >> 20) % 3;

			memcpy(buf, &flags, 2);
			memcpy(buf + 2, &format, 2);
			memcpy(buf + 4, &sizes[(x >> 24) % 3], 4);
			memset(buf + 8, 'a', 128);
			n = n > 136 ? n : 136;
		}
		if ((x >> 8) % 64 == 1) { /* a page that looks like a VMCB, text glued to it */
			memset(buf + n, 0, 4096);
			buf[n + 0x4d1] = 0x10; /* EFER.SVME */
			n += 4096;
		}
		enum svmc_format want = detect_all(buf, n, &over);
		if (svmc_detect_format(buf, n) != want)
			differ++;
		seen[want]++;
	}
	CHECK(over == 0);
	CHECK(differ == 0);
	for (unsigned f = SVMC_FMT_AUTO; f < SVMC_FMT_COUNT; f++)
		CHECK(seen[f] > 0); /* the inputs reach every format */
}

/* s as UTF-16 (little- or big-endian, with or without a byte-order mark) into out. */
static size_t utf16(const char *s, bool be, bool bom, unsigned char *out)
{
	size_t n = 0;

	if (bom) {
		out[n++] = be ? 0xfe : 0xff;
		out[n++] = be ? 0xff : 0xfe;
	}
	for (; *s; s++) {
		out[n++] = be ? 0 : (unsigned char)*s;
		out[n++] = be ? (unsigned char)*s : 0;
	}
	return n;
}

/*
 * What a text reader reads is what the text probes judge: a kernel log with
 * a run of NULs (a power loss) and one saved as UTF-16 are kernel logs, not
 * raw pages; text behind a UTF-8 byte-order mark is text.
 */
static void test_text_views(void)
{
	static const char log[] = "[  10.000000] kvm_amd: VMCB Control Area:\n"
				  "[  10.000001] kvm_amd: cr_read:            0013\n";
	unsigned char buf[8192], *view;
	size_t n, vn;
	bool text;

	/* 4096 bytes: a log line, a run of NULs, the dump (as after a power loss) */
	memset(buf, 0, sizeof(buf));
	memcpy(buf, "[   1.000000] Linux version 6.8\n", 32);
	memcpy(buf + 4096 - sizeof(log) + 1, log, sizeof(log) - 1);
	CHECK(svmc_detect_format(buf, 4096) == SVMC_FMT_KVM_DUMP);
	CHECK(svmc_detect_format(buf, 8192) == SVMC_FMT_KVM_DUMP);
	vn = svmc_probe_text_view(buf, 4096, &view, &text);
	CHECK(text && vn == 32 + sizeof(log) - 1 && memchr(view, 0, vn) == NULL);
	if (view != buf)
		free(view);
	/* nothing but NULs: neither text nor a VMCB */
	memset(buf, 0, sizeof(buf));
	CHECK(svmc_detect_format(buf, 8192) == SVMC_FMT_AUTO);
	/* UTF-16, both byte orders, with and without a mark */
	for (int be = 0; be < 2; be++)
		for (int bom = 0; bom < 2; bom++) {
			n = utf16(log, be, bom, buf);
			CHECK(svmc_detect_format(buf, n) == SVMC_FMT_KVM_DUMP);
			vn = svmc_probe_text_view(buf, n, &view, &text);
			CHECK(text && vn == sizeof(log) - 1 && memcmp(view, log, vn) == 0);
			if (view != buf)
				free(view);
		}
	/* UTF-16 beyond ASCII and a surrogate pair, decoded to UTF-8 */
	{
		static const unsigned char in[] = { 0xff, 0xfe, 'a',  0,    0xe9, 0,
						    0x3d, 0xd8, 0x00, 0xde, '\n', 0 };
		size_t used, bom;

		CHECK(svmc_text_encoding(in, sizeof(in), &bom) == SVMC_ENC_UTF16LE && bom == 2);
		n = svmc_text_decode(SVMC_ENC_UTF16LE, in + 2, sizeof(in) - 2, &used, buf, 64,
				     true);
		CHECK(n == 8 && used == sizeof(in) - 2 &&
		      memcmp(buf, "a\xc3\xa9\xf0\x9f\x98\x80\n", 8) == 0);
		/* a pair cut by the end of the bytes so far waits for the rest */
		n = svmc_text_decode(SVMC_ENC_UTF16LE, in + 2, 6, &used, buf, 64, false);
		CHECK(n == 3 && used == 4);
	}
	/* a UTF-8 byte-order mark before a hex dump and before a kernel log */
	CHECK(detect("\xef\xbb\xbf"
		     "00000000: 1300 1100 0000 0000\n") == SVMC_FMT_HEX);
	CHECK(detect("\xef\xbb\xbfkvm_amd: cr_read: 0013\n") == SVMC_FMT_KVM_DUMP);
	/* ASCII text is not UTF-16, whatever its length */
	CHECK(svmc_text_encoding((const unsigned char *)"abcdefgh", 8, &n) == SVMC_ENC_BYTES);
}

int main(void)
{
	test_text_views();
	test_rows();
	test_policy();
	test_skipping();
	return tcheck_done("test_formats");
}
