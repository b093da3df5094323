/*
 * test_fields.c - the field table: every byte of the 4096-byte page is
 * covered by exactly one row, rows are in page order, names are unique per
 * area, every name in svmcheck-json(5) is present, and get/set respect widths.
 */
#include <stdlib.h>

#include "svmcheck/record.h"
#include "tcheck.h"

static const char *const spec_control[] = {
	"intercept_cr",
	"intercept_dr",
	"intercept_exceptions",
	"intercept_misc1",
	"intercept_misc2",
	"intercept_misc3",
	"pause_filter_thresh",
	"pause_filter_count",
	"iopm_base_pa",
	"msrpm_base_pa",
	"tsc_offset",
	"asid",
	"tlb_ctl",
	"erap_ctl",
	"int_ctl",
	"int_vector",
	"int_state",
	"exit_code",
	"exit_info_1",
	"exit_info_2",
	"exit_int_info",
	"exit_int_info_err",
	"nested_ctl",
	"avic_vapic_bar",
	"ghcb_gpa",
	"event_inj",
	"event_inj_err",
	"nested_cr3",
	"virt_ext",
	"clean",
	"next_rip",
	"insn_len",
	"insn_bytes",
	"avic_backing_page",
	"avic_logical_id",
	"avic_physical_id",
	"vmsa_pa",
	"bus_lock_counter",
	"allowed_sev_features",
	"guest_sev_features",
};
static const char *const spec_save[] = {
	"es",           "cs",           "ss",
	"ds",           "fs",           "gs",
	"gdtr",         "ldtr",         "idtr",
	"tr",           "vmpl",         "cpl",
	"efer",         "cr4",          "cr3",
	"cr0",          "dr7",          "dr6",
	"rflags",       "rip",          "rsp",
	"s_cet",        "ssp",          "isst_addr",
	"rax",          "star",         "lstar",
	"cstar",        "sfmask",       "kernel_gs_base",
	"sysenter_cs",  "sysenter_esp", "sysenter_eip",
	"cr2",          "g_pat",        "dbgctl",
	"br_from",      "br_to",        "last_excp_from",
	"last_excp_to", "spec_ctrl",
};

int main(void)
{
	unsigned char cover[SVMC_VMCB_PAGE_SIZE] = { 0 };
	unsigned prev_end = 0;
	struct svmc_record *r = malloc(sizeof(*r));

	/* exact coverage, in order */
	for (unsigned i = 0; i < SVMC_F_COUNT; i++) {
		const struct svmc_field *f = &svmc_fields[i];
		CHECK(f->id == (enum svmc_field_id)i);
		CHECK(f->offset == prev_end);
		prev_end = f->offset + f->size;
		for (unsigned b = f->offset; b < f->offset + f->size && b < SVMC_VMCB_PAGE_SIZE;
		     b++)
			cover[b]++;
	}
	CHECK(prev_end == SVMC_VMCB_PAGE_SIZE);
	unsigned once = 0;
	for (unsigned b = 0; b < SVMC_VMCB_PAGE_SIZE; b++)
		once += cover[b] == 1;
	CHECK(once == SVMC_VMCB_PAGE_SIZE);

	/* unique names per area */
	for (unsigned i = 0; i < SVMC_F_COUNT; i++)
		for (unsigned j = i + 1; j < SVMC_F_COUNT; j++)
			if (svmc_fields[i].area == svmc_fields[j].area)
				CHECK(strcmp(svmc_fields[i].json, svmc_fields[j].json) != 0);

	/* every svmcheck-json(5) name, in its area */
	for (size_t i = 0; i < sizeof(spec_control) / sizeof(*spec_control); i++) {
		const struct svmc_field *f = svmc_field_lookup(
			spec_control[i], strlen(spec_control[i]), SVMC_AREA_CONTROL);
		CHECK(f != NULL);
		if (f)
			CHECK_STREQ(f->json, spec_control[i]);
	}
	for (size_t i = 0; i < sizeof(spec_save) / sizeof(*spec_save); i++) {
		const struct svmc_field *f =
			svmc_field_lookup(spec_save[i], strlen(spec_save[i]), SVMC_AREA_SAVE);
		CHECK(f != NULL);
		if (f)
			CHECK_STREQ(f->json, spec_save[i]);
	}

	/* kernel names of other eras */
	CHECK(svmc_field_lookup("misc_ctl", 8, SVMC_AREA_PAGE)->id == SVMC_F_NESTED_CTL);
	CHECK(svmc_field_lookup("misc_ctl2", 9, SVMC_AREA_PAGE)->id == SVMC_F_VIRT_EXT);
	CHECK(svmc_field_lookup("lbr_ctl", 7, SVMC_AREA_PAGE)->id == SVMC_F_VIRT_EXT);
	CHECK(svmc_field_lookup("ghcb", 4, SVMC_AREA_PAGE)->id == SVMC_F_GHCB_GPA);
	CHECK(svmc_field_lookup("excp_from", 9, SVMC_AREA_PAGE)->id == SVMC_F_LAST_EXCP_FROM);
	CHECK(svmc_field_lookup("gpat", 4, SVMC_AREA_PAGE)->id == SVMC_F_G_PAT);
	CHECK(svmc_field_lookup("pause filter count", 18, SVMC_AREA_PAGE)->id ==
	      SVMC_F_PAUSE_FILTER_COUNT);
	CHECK(svmc_field_lookup("EVENT_INJ", 9, SVMC_AREA_PAGE)->id == SVMC_F_EVENT_INJ);
	CHECK(svmc_field_lookup("no_such_field", 13, SVMC_AREA_PAGE) == NULL);
	/* a save name is not found in the control area */
	CHECK(svmc_field_lookup("cr0", 3, SVMC_AREA_CONTROL) == NULL);

	/* get/set: width limits, little-endian placement, known bits */
	svmc_record_clear(r);
	CHECK(!svmc_known(r, SVMC_F_ASID));
	CHECK(svmc_field_set(r, SVMC_F_ASID, 0x100000000ull) == SVMC_ERR_RANGE);
	CHECK(!svmc_known(r, SVMC_F_ASID));
	CHECK(svmc_field_set(r, SVMC_F_ASID, 0xffffffffull) == SVMC_OK);
	CHECK(svmc_known(r, SVMC_F_ASID));
	CHECK_EQ_U64(r->vmcb.control.asid, 0xffffffffu);
	CHECK(svmc_field_set(r, SVMC_F_TLB_CTL, 0x100) == SVMC_ERR_RANGE);
	CHECK(svmc_field_set(r, SVMC_F_TLB_CTL, 0xff) == SVMC_OK);
	CHECK_EQ_U64(r->vmcb.control.erap_ctl, 0); /* the neighbour is untouched */
	CHECK(svmc_field_set(r, SVMC_F_EFER, 0x1d01) == SVMC_OK);
	CHECK_EQ_U64(((unsigned char *)&r->vmcb)[0x4d0], 0x01);
	CHECK_EQ_U64(((unsigned char *)&r->vmcb)[0x4d1], 0x1d);
	CHECK_EQ_U64(svmc_field_get(r, SVMC_F_EFER), 0x1d01);
	CHECK(svmc_field_set(r, SVMC_F_CS, 1) == SVMC_ERR_USAGE);
	svmc_mark_all_known(r);
	for (unsigned i = 0; i < SVMC_F_COUNT; i++)
		CHECK(svmc_known(r, (enum svmc_field_id)i));
	CHECK(r->known[1] >> (SVMC_F_COUNT - 64) == 0);

	/* format names */
	enum svmc_format fm;
	CHECK(svmc_format_parse("kvm-dump", &fm) == 0 && fm == SVMC_FMT_KVM_DUMP);
	CHECK(svmc_format_parse("kvm_dump", &fm) == -1);
	CHECK_STREQ(svmc_format_name(SVMC_FMT_NESTED_STATE), "nested-state");
	free(r);
	return tcheck_done("test_fields");
}
