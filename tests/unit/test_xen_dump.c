/*
 * test_xen_dump.c - the Xen svm_vmcb_dump reader (src/vmcb/xen_dump.c).
 *
 * Expected values are read off the fixture text by hand (sample.txt follows
 * Xen's svmdebug.c svm_vmcb_dump()): hex fields, the 64-bit vintr,
 * event_inj and exit_int_info split into their 32-bit halves, segments by
 * name, fields Xen never prints left unknown, several vCPUs per file in
 * three Xen eras, timestamps, and errors with their line numbers.
 */
#include <stdlib.h>

#include "svmcheck/record.h"
#include "vmcb/reader.h"
#include "tcheck.h"
#include "treader.h"

#define FIX SVMCHECK_TEST_DIR "/fixtures/xen/"

#define readall(name) treader_readall(FIX, (name), SVMC_FMT_XEN_DUMP)

static void check_seg(const struct svmc_record *r, enum svmc_field_id f, uint16_t sel,
		      uint16_t attr, uint32_t limit, uint64_t base)
{
	const struct svmc_vmcb_seg *s =
		(const struct svmc_vmcb_seg *)((const unsigned char *)&r->vmcb +
					       svmc_fields[f].offset);
	CHECK(svmc_known(r, f));
	CHECK_EQ_U64(s->selector, sel);
	CHECK_EQ_U64(s->attrib, attr);
	CHECK_EQ_U64(s->limit, limit);
	CHECK_EQ_U64(s->base, base);
}

/* The fields the sample.txt dump states, as printed there. */
static void check_sample(const struct svmc_record *r, uint64_t line, uint64_t efer, uint64_t cr0)
{
	CHECK_EQ_U64(r->line, line);
	CHECK(r->format == SVMC_FMT_XEN_DUMP);
	CHECK_EQ_U64(treader_get(r, SVMC_F_INTERCEPT_CR), 0x1110111);
	CHECK_EQ_U64(treader_get(r, SVMC_F_INTERCEPT_DR), 0xff00ff);
	CHECK_EQ_U64(treader_get(r, SVMC_F_INTERCEPT_EXCEPTIONS), 0x60082);
	CHECK_EQ_U64(treader_get(r, SVMC_F_INTERCEPT_MISC1), 0xbc0c0007);
	CHECK_EQ_U64(treader_get(r, SVMC_F_INTERCEPT_MISC2), 0x7f);
	CHECK_EQ_U64(treader_get(r, SVMC_F_IOPM_BASE_PA), 0x83a5e0000);
	CHECK_EQ_U64(treader_get(r, SVMC_F_MSRPM_BASE_PA), 0x83a5ec000);
	CHECK_EQ_U64(treader_get(r, SVMC_F_TSC_OFFSET), 0xfffffd2e6a3b8c10);
	CHECK_EQ_U64(treader_get(r, SVMC_F_TLB_CTL), 0);
	CHECK_EQ_U64(treader_get(r, SVMC_F_INT_CTL), 0x1000000);
	CHECK_EQ_U64(treader_get(r, SVMC_F_INT_VECTOR), 0);
	CHECK_EQ_U64(treader_get(r, SVMC_F_INT_STATE), 0);
	CHECK_EQ_U64(treader_get(r, SVMC_F_EVENT_INJ), 0);
	CHECK_EQ_U64(treader_get(r, SVMC_F_EVENT_INJ_ERR), 0);
	CHECK_EQ_U64(treader_get(r, SVMC_F_EXIT_CODE), 0xffffffffffffffff);
	CHECK_EQ_U64(treader_get(r, SVMC_F_EXIT_INT_INFO), 0);
	CHECK_EQ_U64(treader_get(r, SVMC_F_EXIT_INT_INFO_ERR), 0);
	CHECK_EQ_U64(treader_get(r, SVMC_F_EXIT_INFO_1), 0);
	CHECK_EQ_U64(treader_get(r, SVMC_F_EXIT_INFO_2), 0);
	CHECK_EQ_U64(treader_get(r, SVMC_F_NESTED_CTL), 1);
	CHECK_EQ_U64(treader_get(r, SVMC_F_ASID), 2);
	CHECK_EQ_U64(treader_get(r, SVMC_F_VIRT_EXT), 2);
	CHECK_EQ_U64(treader_get(r, SVMC_F_CPL), 0);
	CHECK_EQ_U64(treader_get(r, SVMC_F_EFER), efer);
	CHECK_EQ_U64(treader_get(r, SVMC_F_STAR), 0x23001000000000);
	CHECK_EQ_U64(treader_get(r, SVMC_F_LSTAR), 0xffffffff82000080);
	CHECK_EQ_U64(treader_get(r, SVMC_F_CR0), cr0);
	CHECK_EQ_U64(treader_get(r, SVMC_F_CR2), 0);
	CHECK_EQ_U64(treader_get(r, SVMC_F_CR3), 0x102a0a000);
	CHECK_EQ_U64(treader_get(r, SVMC_F_CR4), 0x3506f0);
	CHECK_EQ_U64(treader_get(r, SVMC_F_RSP), 0xffffffff82803e78);
	CHECK_EQ_U64(treader_get(r, SVMC_F_RIP), 0xffffffff81e0b6ea);
	CHECK_EQ_U64(treader_get(r, SVMC_F_RAX), 0);
	CHECK_EQ_U64(treader_get(r, SVMC_F_RFLAGS), 0x46);
	CHECK_EQ_U64(treader_get(r, SVMC_F_DR6), 0xffff0ff0);
	CHECK_EQ_U64(treader_get(r, SVMC_F_DR7), 0x400);
	CHECK_EQ_U64(treader_get(r, SVMC_F_CSTAR), 0xffffffff820015f0);
	CHECK_EQ_U64(treader_get(r, SVMC_F_SFMASK), 0x257fd5);
	CHECK_EQ_U64(treader_get(r, SVMC_F_KERNEL_GS_BASE), 0);
	CHECK_EQ_U64(treader_get(r, SVMC_F_G_PAT), 0x0007040600070406);
	CHECK_EQ_U64(treader_get(r, SVMC_F_NESTED_CR3), 0x834c11000);
	CHECK_EQ_U64(treader_get(r, SVMC_F_CLEAN), 0);
	check_seg(r, SVMC_F_CS, 0x0010, 0x029b, 0xffffffff, 0);
	check_seg(r, SVMC_F_DS, 0, 0, 0, 0);
	check_seg(r, SVMC_F_SS, 0x0018, 0x0c93, 0xffffffff, 0);
	check_seg(r, SVMC_F_ES, 0, 0, 0, 0);
	check_seg(r, SVMC_F_FS, 0, 0, 0, 0x00007f3c2a6b9740);
	check_seg(r, SVMC_F_GS, 0, 0, 0, 0xffff88807fc00000);
	check_seg(r, SVMC_F_GDTR, 0, 0, 0x7f, 0xfffffe0000001000);
	check_seg(r, SVMC_F_LDTR, 0, 0, 0, 0);
	check_seg(r, SVMC_F_IDTR, 0, 0, 0xfff, 0xfffffe0000000000);
	check_seg(r, SVMC_F_TR, 0x0040, 0x008b, 0x4087, 0xfffffe0000003000);
	/* memory order is ES CS SS DS: SS attrib sits at page offset 0x422 */
	CHECK_EQ_U64(((const unsigned char *)&r->vmcb)[0x422], 0x93);
	CHECK_EQ_U64(((const unsigned char *)&r->vmcb)[0x423], 0x0c);

	/* fields this Xen does not print stay unknown */
	static const enum svmc_field_id unknown[] = {
		SVMC_F_INTERCEPT_MISC3,
		SVMC_F_PAUSE_FILTER_THRESH,
		SVMC_F_PAUSE_FILTER_COUNT,
		SVMC_F_ERAP_CTL,
		SVMC_F_AVIC_VAPIC_BAR,
		SVMC_F_GHCB_GPA,
		SVMC_F_NEXT_RIP,
		SVMC_F_INSN_LEN,
		SVMC_F_INSN_BYTES,
		SVMC_F_AVIC_BACKING_PAGE,
		SVMC_F_VMSA_PA,
		SVMC_F_BUS_LOCK_COUNTER,
		SVMC_F_ALLOWED_SEV_FEATURES,
		SVMC_F_GUEST_SEV_FEATURES,
		SVMC_F_VMPL,
		SVMC_F_S_CET,
		SVMC_F_SSP,
		SVMC_F_ISST_ADDR,
		SVMC_F_SYSENTER_CS,
		SVMC_F_SYSENTER_ESP,
		SVMC_F_SYSENTER_EIP,
		SVMC_F_DBGCTL,
		SVMC_F_BR_FROM,
		SVMC_F_LAST_EXCP_TO,
		SVMC_F_SPEC_CTRL,
	};
	for (size_t i = 0; i < sizeof(unknown) / sizeof(*unknown); i++)
		CHECK(!svmc_known(r, unknown[i]));
}

static bool has(const char *msg, const char *needle)
{
	if (!strstr(msg, needle))
		fprintf(stderr, "'%s' lacks '%s'\n", msg, needle);
	return strstr(msg, needle) != NULL;
}

#define detect(name) treader_detect(FIX, (name), SVMC_FMT_XEN_DUMP)

int main(void)
{
	const struct result *x;

	/* sample.txt: one record, its first line is "Dumping ..." (line 2) */
	x = readall("sample.txt");
	CHECK_EQ_U64(x->nrec, 1);
	CHECK_EQ_U64(x->nerr, 0);
	if (x->nrec == 1)
		check_sample(&x->rec[0], 2, 0x1d01, 0xa0000011);

	/* the same dump with date stamps and an isvalid complaint inside; then a
	 * boot-stamped dump cut after its control lines */
	x = readall("timestamps.txt");
	CHECK_EQ_U64(x->nrec, 2);
	CHECK_EQ_U64(x->nerr, 0);
	if (x->nrec == 2) {
		check_sample(&x->rec[0], 2, 0x500, 0x60000011);
		CHECK_EQ_U64(x->rec[1].line, 35);
		CHECK_EQ_U64(treader_get(&x->rec[1], SVMC_F_INTERCEPT_CR),
			     0); /* %#x prints 0 bare */
		CHECK_EQ_U64(treader_get(&x->rec[1], SVMC_F_INTERCEPT_MISC2), 0);
		CHECK_EQ_U64(treader_get(&x->rec[1], SVMC_F_ASID), 0);
		CHECK(!svmc_known(&x->rec[1], SVMC_F_EFER));
		CHECK(!svmc_known(&x->rec[1], SVMC_F_CS));
		CHECK(!svmc_known(&x->rec[1], SVMC_F_TSC_OFFSET));
		CHECK_EQ_U64(x->rec[1].index, 1);
	}

	/* the 'v' key: 2 domains x 2 vCPUs, framing lines, an interleaved grant-table
	 * line and a dom0 kernel line; domain 2 in the newest layout */
	x = readall("keyhandler.txt");
	CHECK_EQ_U64(x->nrec, 4);
	CHECK_EQ_U64(x->nerr, 0);
	if (x->nrec == 4) {
		const struct svmc_record *a = &x->rec[0], *b = &x->rec[1];
		const struct svmc_record *c = &x->rec[2], *e = &x->rec[3];

		CHECK_EQ_U64(a->line, 5);
		CHECK_EQ_U64(b->line, 37);
		CHECK_EQ_U64(c->line, 72);
		CHECK_EQ_U64(e->line, 111);
		/* d1v0: vintr 0x2001000100 = int_ctl 0x01000100 + vector 0x20 */
		CHECK_EQ_U64(treader_get(a, SVMC_F_INT_CTL), 0x01000100);
		CHECK_EQ_U64(treader_get(a, SVMC_F_INT_VECTOR), 0x20);
		CHECK_EQ_U64(treader_get(a, SVMC_F_INT_STATE), 1);
		/* event_inj 0000001880000b0d: valid #GP (type 3, vector 13), error code 0x18 */
		CHECK_EQ_U64(treader_get(a, SVMC_F_EVENT_INJ), 0x80000b0d);
		CHECK_EQ_U64(treader_get(a, SVMC_F_EVENT_INJ_ERR), 0x18);
		/* exit_int_info 0x480000b0e: #PF with error code 4 */
		CHECK_EQ_U64(treader_get(a, SVMC_F_EXIT_INT_INFO), 0x80000b0e);
		CHECK_EQ_U64(treader_get(a, SVMC_F_EXIT_INT_INFO_ERR), 4);
		CHECK_EQ_U64(treader_get(a, SVMC_F_EXIT_CODE), 0x78);
		CHECK_EQ_U64(treader_get(a, SVMC_F_ASID), 5);
		CHECK_EQ_U64(treader_get(a, SVMC_F_CPL), 3);
		CHECK_EQ_U64(treader_get(a, SVMC_F_VIRT_EXT), 1);
		CHECK_EQ_U64(treader_get(a, SVMC_F_CLEAN), 0xfffffff7);
		CHECK_EQ_U64(treader_get(a, SVMC_F_G_PAT), 0x0407050600070106);
		CHECK_EQ_U64(treader_get(a, SVMC_F_RIP), 0xffffffff820e26ca);
		check_seg(a, SVMC_F_GS, 0, 0, 0, 0xffff888103c00000);
		check_seg(a, SVMC_F_TR, 0x40, 0x89, 0x4087, 0xfffffe0000003000);
		CHECK(!svmc_known(a, SVMC_F_PAUSE_FILTER_COUNT));
		CHECK(!svmc_known(a, SVMC_F_SSP));
		/* d1v1 */
		CHECK_EQ_U64(treader_get(b, SVMC_F_ASID), 6);
		CHECK_EQ_U64(treader_get(b, SVMC_F_RIP), 0xffffffff81000000);
		CHECK_EQ_U64(treader_get(b, SVMC_F_EVENT_INJ), 0);
		CHECK_EQ_U64(treader_get(b, SVMC_F_INT_CTL), 0x1000000);
		CHECK_EQ_U64(treader_get(b, SVMC_F_INT_VECTOR), 0);
		check_seg(b, SVMC_F_GS, 0, 0, 0, 0xffff888103c80000);
		/* d2v0, newest layout */
		CHECK_EQ_U64(treader_get(c, SVMC_F_ASID), 0x1ad);
		CHECK_EQ_U64(treader_get(c, SVMC_F_NESTED_CTL), 1);
		CHECK_EQ_U64(treader_get(c, SVMC_F_PAUSE_FILTER_THRESH), 0);
		CHECK_EQ_U64(treader_get(c, SVMC_F_PAUSE_FILTER_COUNT), 3000);
		CHECK_EQ_U64(treader_get(c, SVMC_F_TLB_CTL), 3);
		CHECK_EQ_U64(treader_get(c, SVMC_F_INT_CTL), 0x7000200);
		CHECK_EQ_U64(treader_get(c, SVMC_F_VMSA_PA), 0);
		CHECK_EQ_U64(treader_get(c, SVMC_F_VIRT_EXT), 3);
		CHECK_EQ_U64(treader_get(c, SVMC_F_SSP), 0);
		CHECK_EQ_U64(treader_get(c, SVMC_F_S_CET), 0);
		CHECK_EQ_U64(treader_get(c, SVMC_F_ISST_ADDR), 0);
		CHECK_EQ_U64(treader_get(c, SVMC_F_DBGCTL), 1);
		CHECK_EQ_U64(treader_get(c, SVMC_F_BR_FROM), 0xffffffff81000010);
		CHECK_EQ_U64(treader_get(c, SVMC_F_BR_TO), 0xffffffff81000020);
		CHECK_EQ_U64(treader_get(c, SVMC_F_LAST_EXCP_FROM), 0);
		CHECK_EQ_U64(treader_get(c, SVMC_F_LAST_EXCP_TO), 0);
		CHECK_EQ_U64(treader_get(c, SVMC_F_SPEC_CTRL), 4);
		CHECK_EQ_U64(treader_get(c, SVMC_F_EXIT_INFO_1), 0x1f80210);
		CHECK(!svmc_known(c, SVMC_F_GHCB_GPA)); /* ghcb_msr: offset not verified */
		check_seg(c, SVMC_F_TR, 0x40, 0x89, 0x4087, 0xfffffe0000080000);
		/* d2v1: np_ctrl 0x3 with flags "NP SEV" */
		CHECK_EQ_U64(treader_get(e, SVMC_F_ASID), 0x1ae);
		CHECK_EQ_U64(treader_get(e, SVMC_F_NESTED_CTL), 3);
		CHECK_EQ_U64(treader_get(e, SVMC_F_RIP), 0xffffffff810010b0);
		CHECK_EQ_U64(e->index, 3);
	}

	/* Xen 3.x: address = %p, no event_inj, no H_CR3/CleanBits, sel=/attr= segments */
	x = readall("old3x.txt");
	CHECK_EQ_U64(x->nrec, 1);
	CHECK_EQ_U64(x->nerr, 0);
	if (x->nrec == 1) {
		const struct svmc_record *o = &x->rec[0];
		CHECK_EQ_U64(o->line, 2);
		CHECK_EQ_U64(treader_get(o, SVMC_F_INTERCEPT_CR), 0x00110013);
		CHECK_EQ_U64(treader_get(o, SVMC_F_INTERCEPT_EXCEPTIONS), 0x4000);
		CHECK_EQ_U64(treader_get(o, SVMC_F_IOPM_BASE_PA), 0x123450000); /* %016llx, no 0x */
		CHECK_EQ_U64(treader_get(o, SVMC_F_TLB_CTL), 1);
		CHECK_EQ_U64(treader_get(o, SVMC_F_INT_CTL), 0x1000000);
		CHECK_EQ_U64(treader_get(o, SVMC_F_INT_STATE), 0);
		CHECK_EQ_U64(treader_get(o, SVMC_F_EXIT_CODE), 0x400);
		CHECK_EQ_U64(treader_get(o, SVMC_F_NESTED_CTL), 0);
		CHECK_EQ_U64(treader_get(o, SVMC_F_ASID), 1);
		CHECK_EQ_U64(treader_get(o, SVMC_F_EFER), 0x1000);
		CHECK_EQ_U64(treader_get(o, SVMC_F_RIP), 0xfff0);
		CHECK_EQ_U64(treader_get(o, SVMC_F_G_PAT), 0x0007040600070406);
		check_seg(o, SVMC_F_CS, 0xf000, 0x009b, 0xffff, 0xf0000);
		check_seg(o, SVMC_F_LDTR, 0, 0x0082, 0xffff, 0);
		check_seg(o, SVMC_F_TR, 0, 0x008b, 0xffff, 0);
		CHECK(!svmc_known(o, SVMC_F_EVENT_INJ));
		CHECK(!svmc_known(o, SVMC_F_EVENT_INJ_ERR));
		CHECK(!svmc_known(o, SVMC_F_NESTED_CR3));
		CHECK(!svmc_known(o, SVMC_F_CLEAN));
		CHECK(!svmc_known(o, SVMC_F_VIRT_EXT));
	}

	/* Xen 4.1 era: np_enable = %Lx (no 0x), eventinj, interrupt_shadow, exitintinfo */
	x = readall("xen41.txt");
	CHECK_EQ_U64(x->nrec, 1);
	CHECK_EQ_U64(x->nerr, 0);
	if (x->nrec == 1) {
		const struct svmc_record *o = &x->rec[0];
		CHECK_EQ_U64(o->line, 2);
		CHECK_EQ_U64(treader_get(o, SVMC_F_NESTED_CTL), 1);
		CHECK_EQ_U64(treader_get(o, SVMC_F_ASID), 3);
		CHECK_EQ_U64(treader_get(o, SVMC_F_EVENT_INJ), 0x80000300);
		CHECK_EQ_U64(treader_get(o, SVMC_F_EVENT_INJ_ERR), 0);
		CHECK_EQ_U64(treader_get(o, SVMC_F_NESTED_CR3), 0x21f310000);
		CHECK_EQ_U64(treader_get(o, SVMC_F_EFER), 0x1500);
		check_seg(o, SVMC_F_CS, 0x0008, 0x0c9b, 0xffffffff, 0);
		check_seg(o, SVMC_F_IDTR, 0, 0, 0x7ff, 0x91000);
	}

	/* errors name their line; the good dump at the end still comes through */
	x = readall("malformed.txt");
	CHECK_EQ_U64(x->nerr, 9);
	CHECK_EQ_U64(x->nrec, 1);
	if (x->nerr == 9) {
		static const uint64_t line[] = { 2, 8, 11, 14, 17, 20, 23, 25, 31 };
		static const enum svmc_err code[] = {
			SVMC_ERR_RANGE,    SVMC_ERR_CONFLICT,  SVMC_ERR_FORMAT,
			SVMC_ERR_CONFLICT, SVMC_ERR_RANGE,     SVMC_ERR_CONFLICT,
			SVMC_ERR_RANGE,    SVMC_ERR_TRUNCATED, SVMC_ERR_FORMAT,
		};
		for (int i = 0; i < 9; i++) {
			CHECK_EQ_U64(x->err[i].line, line[i]);
			CHECK_EQ_U64(x->err[i].code, code[i]);
			CHECK_EQ_U64(x->err[i].index, 0);
		}
		CHECK(has(x->err[0].msg, "too wide for intercept_cr"));
		CHECK(has(x->err[1].msg, "0x80050031"));
		CHECK(has(x->err[2].msg, "0x1d0g"));
		CHECK(has(x->err[3].msg, "ec? 1"));
		CHECK(has(x->err[4].msg, "SS attr"));
		CHECK(has(x->err[5].msg, "virt_ext"));
		CHECK(has(x->err[6].msg, "tlb_ctl"));
		CHECK(has(x->err[8].msg, "3 of its 4 columns"));
	}
	if (x->nrec == 1) {
		const struct svmc_record *o = &x->rec[0];
		CHECK_EQ_U64(o->line, 33);
		CHECK_EQ_U64(treader_get(o, SVMC_F_ASID), 9);
		check_seg(o, SVMC_F_CS, 0x10, 0x29b, 0xffffffff, 0);
		CHECK(!svmc_known(o, SVMC_F_INTERCEPT_CR));
		CHECK(!svmc_known(o, SVMC_F_EFER));
	}

	/* detection (detect.c is not ours: this reviews it) */
	detect("sample.txt");
	detect("timestamps.txt");
	detect("keyhandler.txt");
	detect("old3x.txt");
	detect("xen41.txt");
	detect("malformed.txt");

	return tcheck_done("test_xen_dump");
}
