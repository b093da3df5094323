/*
 * test_origins.c - every captured dump in tests/fixtures is judged for what
 * it is: its origin (hardware for KVM dump_vmcb and Xen svm_vmcb_dump, page
 * for raw pages and hex dumps, nested_state for KVM_GET_NESTED_STATE
 * blobs), the model its origin implies (apm, kvm), the exit code the capture
 * records (captured_exit) and whether the verdict explains it (explained).
 *
 * The table is written from the fixtures themselves, not from svmcheck's
 * output: CR0 0xa0000011 sets NW without CD (SAVE.CR0.CD_NW); EFER 0xd01,
 * 0x500 or 0 lacks SVME (SAVE.EFER.SVME); the SEV-SNP dumps run with SEV-ES
 * on (nested_ctl 7) and guest_sev_features 0x81 where allowed_sev_features
 * (valid, bit 63) allows bit 0 only (CTRL.SEV.ALLOWED_FEATURES); the Xen
 * keyhandler dumps set CR4 UMIP, PCIDE and PKE, which Naples lacks and Milan
 * has; two_dumps.log record 1 and xen41.txt break no rule svmcheck knows
 * although the CPU refused them (explained false: svmcheck says so instead
 * of inventing a cause).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit/replay_fmt.h"
#include "svmcheck/check.h"
#include "svmcheck/cpu.h"
#include "svmcheck/record.h"
#include "tcheck.h"
#include "vmcb/decode.h"

#define FIX SVMCHECK_TEST_DIR "/fixtures/"

struct row {
	const char *file; /* under tests/fixtures */
	unsigned index;
	const char *cpu;
	const char *verdict;
	const char *first;    /* "" when nothing fails */
	const char *captured; /* NULL: the dump has no exit code */
	int explained;        /* 1, 0, -1 (null) */
};

#define NW "SAVE.CR0.CD_NW"
#define SVME "SAVE.EFER.SVME"
#define SEV "CTRL.SEV.ALLOWED_FEATURES"
#define INV "VMEXIT_INVALID"

/* clang-format off */
static const struct row rows[] = {
	{ "kvm/bad_conflict.log", 0, "epyc-milan", INV, SEV, INV, 1 }, /* record 0 is the error */
	{ "kvm/bad_cut.log", 0, "epyc-milan", INV, SVME, INV, 1 },
	{ "kvm/bad_garbage.log", 0, "epyc-milan", INV, NW, INV, 1 },
	{ "kvm/bad_wide.log", 0, "epyc-milan", INV, SVME, INV, 1 },
	/* the save area was cut off (SEV-ES without debug): nothing decides */
	{ "kvm/cut_control.log", 0, "epyc-milan", "INCOMPLETE", "", INV, -1 },
	{ "kvm/cut_control.log", 1, "epyc-milan", INV, NW, INV, 1 },
	{ "kvm/headerless.log", 0, "epyc-milan", "INCOMPLETE", "", INV, -1 },
	{ "kvm/headerless.log", 1, "epyc-milan", INV, NW, INV, 1 },
	{ "kvm/noise.log", 0, "epyc-milan", INV, NW, INV, 1 },
	{ "kvm/nul_kern.log", 0, "epyc-milan", INV, NW, INV, 1 },
	{ "kvm/prefix_dmesg_T.log", 0, "epyc-milan", INV, NW, INV, 1 },
	{ "kvm/prefix_dmesg_r.log", 0, "epyc-milan", INV, NW, INV, 1 },
	{ "kvm/prefix_dmesg_svm.log", 0, "epyc-milan", INV, NW, INV, 1 },
	{ "kvm/prefix_dmesg_x.log", 0, "epyc-milan", INV, NW, INV, 1 },
	{ "kvm/prefix_journal_iso.log", 0, "epyc-milan", INV, NW, INV, 1 },
	{ "kvm/prefix_journal_mono.log", 0, "epyc-milan", INV, NW, INV, 1 },
	{ "kvm/prefix_kernlog.log", 0, "epyc-milan", INV, NW, INV, 1 },
	{ "kvm/prefix_kmsg.log", 0, "epyc-milan", INV, NW, INV, 1 },
	{ "kvm/prefix_kvm_amd.log", 0, "epyc-milan", INV, NW, INV, 1 },
	{ "kvm/prefix_layers_nomod.log", 0, "epyc-milan", INV, NW, INV, 1 },
	{ "kvm/prefix_none.log", 0, "epyc-milan", INV, NW, INV, 1 },
	{ "kvm/prefix_svm.log", 0, "epyc-milan", INV, NW, INV, 1 },
	{ "kvm/sample_dmesg.log", 0, "epyc-milan", INV, NW, INV, 1 },
	{ "kvm/sample_journal.log", 0, "epyc-milan", INV, NW, INV, 1 },
	{ "kvm/sev_snp_2026.log", 0, "epyc-genoa", INV, SEV, INV, 1 },
	{ "kvm/sev_snp_6.15.log", 0, "epyc-genoa", INV, SEV, INV, 1 },
	{ "kvm/two_dumps.log", 0, "epyc-milan", INV, NW, INV, 1 },
	/* exit_code 0xffffffff (32-bit, older KVM) on a state no rule rejects */
	{ "kvm/two_dumps.log", 1, "epyc-milan", "VMRUN", "", INV, 0 },
	{ "kvm/utf16be.log", 0, "epyc-milan", INV, NW, INV, 1 },
	{ "kvm/utf16le_bom.log", 0, "epyc-milan", INV, NW, INV, 1 },
	{ "kvm/v26_failed.log", 0, "epyc-naples", INV, SVME, INV, 1 },
	{ "kvm/v4x_svm.log", 0, "epyc-naples", INV, SVME, INV, 1 },
	/* an NPF exit of a legal real-mode-like guest: the CPU ran it */
	{ "kvm/v514_svm.log", 0, "epyc-milan", "VMRUN", "", "npf", 1 },
	{ "xen/keyhandler.txt", 0, "epyc-milan", "VMRUN", "", "hlt", 1 },
	{ "xen/keyhandler.txt", 1, "epyc-milan", "VMRUN", "", "hlt", 1 },
	{ "xen/keyhandler.txt", 2, "epyc-milan", "VMRUN", "", "ioio", 1 },
	{ "xen/keyhandler.txt", 3, "epyc-milan", "VMRUN", "", "ioio", 1 },
	/* the same dumps on a CPU without UMIP, PCID and PKU: the profile is wrong */
	{ "xen/keyhandler.txt", 0, "epyc-naples", INV, "SAVE.CR4.RSVD", "hlt", 0 },
	{ "xen/old3x.txt", 0, "epyc-naples", "INCOMPLETE", "", "npf", -1 },
	{ "xen/sample.txt", 0, "epyc-naples", INV, NW, INV, 1 },
	{ "xen/timestamps.txt", 0, "epyc-naples", INV, SVME, INV, 1 },
	/* Xen printed no exitcode for this one: captured_exit is null */
	{ "xen/timestamps.txt", 1, "epyc-naples", INV, "CTRL.INTERCEPT.VMRUN", NULL, -1 },
	{ "xen/xen41.txt", 0, "epyc-naples", "VMRUN", "", INV, 0 },
};
/* clang-format on */
#define NROWS (sizeof(rows) / sizeof(rows[0]))

/* Record index (counting records, not errors) of file into *rec; false if absent. */
static bool read_record(const char *file, unsigned index, struct svmc_record *rec)
{
	char path[512];
	struct svmc_reader *rd;
	struct svmc_diag d;
	unsigned n = 0;
	enum svmc_err e;

	snprintf(path, sizeof(path), FIX "%s", file);
	svmc_diag_init(&d, path);
	if (svmc_reader_open(&rd, path, SVMC_FMT_AUTO, &d) != SVMC_OK)
		return false;
	for (;;) {
		e = svmc_reader_next(rd, rec, &d);
		if (e == SVMC_ERR_EMPTY)
			break;
		if (e != SVMC_OK) {
			if (svmc_reader_failed(rd))
				break;
			continue;
		}
		if (n++ == index) {
			svmc_reader_close(rd);
			return true;
		}
	}
	svmc_reader_close(rd);
	return false;
}

static void judge_by_origin(const char *cpu_name, const struct svmc_record *r,
			    struct svmc_result *res, const struct svmc_model **model)
{
	static struct svmc_cpu cpu;
	static struct svmc_judge j;
	struct svmc_diag d;

	*model = svmc_model_for_origin(r->origin);
	svmc_diag_init(&d, cpu_name);
	CHECK(svmc_cpu_resolve(cpu_name, &cpu, &d) == SVMC_OK);
	CHECK(svmc_judge_compile(&j, *model, &cpu, &d) == SVMC_OK);
	svmc_judge_evaluate(&j, r, res);
}

static void test_fixture_table(void)
{
	static struct svmc_record r;

	for (size_t i = 0; i < NROWS; i++) {
		const struct row *w = &rows[i];
		const struct svmc_model *m;
		struct svmc_result res;
		char name[40];

		if (!read_record(w->file, w->index, &r)) {
			fprintf(stderr, "%s#%u: no such record\n", w->file, w->index);
			CHECK(0);
			continue;
		}
		judge_by_origin(w->cpu, &r, &res, &m);
		if (strcmp(svmc_verdict_name(res.verdict), w->verdict) != 0 ||
		    strcmp(res.first >= 0 ? svmc_check_info((enum svmc_check_id)res.first)->name :
					    "",
			   w->first) != 0)
			fprintf(stderr, "%s#%u on %s:\n", w->file, w->index, w->cpu);
		CHECK_STREQ(svmc_origin_name(r.origin), "hardware");
		CHECK_STREQ(m->name, "apm");
		CHECK_STREQ(svmc_verdict_name(res.verdict), w->verdict);
		CHECK_STREQ(res.first >= 0 ? svmc_check_info((enum svmc_check_id)res.first)->name :
					     "",
			    w->first);
		if (w->captured) {
			CHECK(svmc_known(&r, SVMC_F_EXIT_CODE));
			CHECK_STREQ(svmc_exit_name(r.vmcb.control.exit_code, name, sizeof(name)),
				    w->captured);
		} else {
			CHECK(!svmc_known(&r, SVMC_F_EXIT_CODE));
		}
		CHECK(svmc_replay_explained(&r, &res) == w->explained);
	}
}

/* Every record of the dump fixtures is in the table (a new fixture needs a row). */
static void test_table_complete(void)
{
	static const char *const files[] = {
		"kvm/bad_conflict.log",
		"kvm/bad_cut.log",
		"kvm/bad_garbage.log",
		"kvm/bad_wide.log",
		"kvm/cut_control.log",
		"kvm/headerless.log",
		"kvm/noise.log",
		"kvm/nul_kern.log",
		"kvm/prefix_dmesg_T.log",
		"kvm/prefix_dmesg_r.log",
		"kvm/prefix_dmesg_svm.log",
		"kvm/prefix_dmesg_x.log",
		"kvm/prefix_journal_iso.log",
		"kvm/prefix_journal_mono.log",
		"kvm/prefix_kernlog.log",
		"kvm/prefix_kmsg.log",
		"kvm/prefix_kvm_amd.log",
		"kvm/prefix_layers_nomod.log",
		"kvm/prefix_none.log",
		"kvm/prefix_svm.log",
		"kvm/sample_dmesg.log",
		"kvm/sample_journal.log",
		"kvm/sev_snp_2026.log",
		"kvm/sev_snp_6.15.log",
		"kvm/two_dumps.log",
		"kvm/utf16be.log",
		"kvm/utf16le_bom.log",
		"kvm/v26_failed.log",
		"kvm/v4x_svm.log",
		"kvm/v514_svm.log",
		"xen/keyhandler.txt",
		"xen/old3x.txt",
		"xen/sample.txt",
		"xen/timestamps.txt",
		"xen/xen41.txt",
	};
	static struct svmc_record r;

	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		for (unsigned idx = 0; read_record(files[f], idx, &r); idx++) {
			bool found = false;

			for (size_t i = 0; i < NROWS; i++)
				found |= strcmp(rows[i].file, files[f]) == 0 &&
					 rows[i].index == idx;
			if (!found)
				fprintf(stderr, "%s#%u has no row\n", files[f], idx);
			CHECK(found);
		}
	}
}

/* Pages and hex dumps are vmcb12s (kvm); a nested-state blob keeps its header. */
static void test_other_origins(void)
{
	static struct svmc_record r;

	CHECK(read_record("raw/longmode.bin", 0, &r));
	CHECK_STREQ(svmc_origin_name(r.origin), "page");
	CHECK_STREQ(svmc_model_for_origin(r.origin)->name, "kvm");
	CHECK(read_record("hex/page.xxd", 0, &r));
	CHECK_STREQ(svmc_origin_name(r.origin), "page");
	CHECK(read_record("raw/nested.bin", 0, &r));
	CHECK_STREQ(svmc_origin_name(r.origin), "nested_state");
	CHECK_STREQ(svmc_model_for_origin(r.origin)->name, "kvm");
	CHECK(r.nstate.known == SVMC_NSK_ALL);
	CHECK(r.nstate.format == 1 && r.nstate.size == 4224);
	/* explained applies to hardware records only */
	{
		struct svmc_result res = { .verdict = SVMC_VMRUN };
		CHECK(svmc_replay_explained(&r, &res) == -1);
	}
}

/* captured_exit names: -1 at both widths, APM names in lower case, else hex. */
static void test_exit_names(void)
{
	static const struct {
		uint64_t code;
		const char *name;
	} cases[] = {
		{ UINT64_MAX, "VMEXIT_INVALID" },
		{ 0xffffffffu, "VMEXIT_INVALID" },
		{ 0xfffffffeu, "0xfffffffe" },
		{ 0x400, "npf" },
		{ 0x78, "hlt" },
		{ 0x7b, "ioio" },
		{ 0x03, "read_cr3" },
		{ 0x13, "write_cr3" },
		{ 0x27, "read_dr7" },
		{ 0x4e, "excp_pf" },
		{ 0x49, "excp_cso" }, /* vector 9: coprocessor segment overrun */
		{ 0x4f, "excp_15" },  /* vector 15 is reserved: no mnemonic */
		{ 0x94, "cr4_write_trap" },
		{ 0x403, "vmgexit" },
		{ 0x80, "vmrun" },
		{ 0x1000, "0x1000" },
	};
	char buf[40];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_STREQ(svmc_exit_name(cases[i].code, buf, sizeof(buf)), cases[i].name);
}

/* A panel by origin: kvm judges pages and nested states, apm hardware-run VMCBs. */
static void test_panel_by_origin(void)
{
	static struct svmc_judge a, b;
	struct svmc_judge *const js[] = { &a, &b };
	struct svmc_panel p;

	CHECK(svmc_panel_by_origin(&p, js, 2) == 2);
	CHECK(p.by_origin && p.j[0] == &a && p.j[1] == &b);
	CHECK_STREQ(a.model->name, "kvm");
	CHECK_STREQ(b.model->name, "apm");
	CHECK(p.origin[SVMC_ORIGIN_PAGE] == 0 && p.origin[SVMC_ORIGIN_NESTED_STATE] == 0);
	CHECK(p.origin[SVMC_ORIGIN_HARDWARE] == 1);
	/* one judge is not enough for two models */
	CHECK(svmc_panel_by_origin(&p, js, 1) == 0);
}

int main(void)
{
	tcheck_profiles();
	test_exit_names();
	test_panel_by_origin();
	test_other_origins();
	test_fixture_table();
	test_table_complete();
	return tcheck_done("test_origins");
}
