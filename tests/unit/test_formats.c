/*
 * test_formats.c - the input-format registry: every row of SVMC_FORMATS is
 * complete and consistent (name, probe, reader, summary; the reader says the
 * same format; names unique and parsed back), the lists built from it, and
 * the detection policy of enum svmc_probe_score where the evidence of two
 * formats meets in one input (the strongest answer wins, whatever the
 * order the probes are asked in).
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
		CHECK(row->probe != NULL);
		if (row->probe)
			CHECK(row->probe((const unsigned char *)"", 0) == SVMC_PROBE_NONE);
		if (list[0])
			strcat(list, ", ");
		strcat(list, row->name);
	}
	CHECK_STREQ(svmc_format_names(names, sizeof(names)), list);
	CHECK_STREQ(list, "raw, nested-state, kvm-dump, xen-dump, json, hex");
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
	format = 0; /* VMX: not ours, so just binary */
	memcpy(ns + 2, &format, 2);
	CHECK(svmc_detect_format(ns, sizeof(ns)) == SVMC_FMT_RAW);
	/* binary beats JSON's opening brace */
	CHECK(svmc_detect_format(bin, sizeof(bin)) == SVMC_FMT_RAW);
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
}

int main(void)
{
	test_rows();
	test_policy();
	return tcheck_done("test_formats");
}
