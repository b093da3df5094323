/*
 * test_decode.c - the human decodings of src/vmcb/decode.c.  Every expected
 * string is worked out by hand from the APM and Linux asm/svm.h (the source
 * is named beside each group), with values taken from real KVM dumps where
 * it gives one, and at least one value per decoder that shows an unnamed or
 * reserved bit, so a decoder that drops or invents a name fails.
 */
#include <stdlib.h>

#include "vmcb/decode.h"
#include "tcheck.h"

static char b[SVMC_DECODE_MAX];

int main(void)
{
	/* EFER (APM vol. 2 §3.1.7): 0x1d01 = bits 0, 8, 10, 11, 12 */
	CHECK_STREQ(svmc_decode_efer(0x1d01, b, sizeof(b)), "SCE LME LMA NXE SVME");
	CHECK_STREQ(svmc_decode_efer(0, b, sizeof(b)), "none");
	CHECK_STREQ(svmc_decode_efer(UINT64_C(1) << 21 | 1u << 16 | 2, b, sizeof(b)),
		    "bit1 bit16 AUTOIBRS");
	CHECK_STREQ(svmc_decode_efer(0xb6e000, b, sizeof(b)),
		    "LMSLE FFXSR TCE MCOMMIT INTWB UAIE AUTOIBRS bit23");
	CHECK_STREQ(svmc_decode_efer(UINT64_C(1) << 63, b, sizeof(b)), "bit63");

	/* CR0: 0x80050033 = PE MP ET NE | WP AM | PG */
	CHECK_STREQ(svmc_decode_cr0(0x80050033, b, sizeof(b)), "PE MP ET NE WP AM PG");
	CHECK_STREQ(svmc_decode_cr0(0x60000008, b, sizeof(b)), "TS NW CD");
	CHECK_STREQ(svmc_decode_cr0(UINT64_C(1) << 32 | 1u << 6, b, sizeof(b)), "bit6 bit32");

	/* CR4: PAE is bit 5, LA57 12, bit 15 has no name, FRED 32 */
	CHECK_STREQ(svmc_decode_cr4(0x20, b, sizeof(b)), "PAE");
	CHECK_STREQ(svmc_decode_cr4(UINT64_C(1) << 32 | 0x9000, b, sizeof(b)), "LA57 bit15 FRED");
	CHECK_STREQ(svmc_decode_cr4(0x3000000 | 0x800000, b, sizeof(b)), "CET PKS UINTR");

	/* RFLAGS: bit 1 is fixed, IOPL a number */
	CHECK_STREQ(svmc_decode_rflags(0x202, b, sizeof(b)), "IF");
	CHECK_STREQ(svmc_decode_rflags(0x3002, b, sizeof(b)), "IOPL=3");
	CHECK_STREQ(svmc_decode_rflags(0x2, b, sizeof(b)), "none");

	/* Intercepts, Linux INTERCEPT_*: two words of a real SEV-SNP guest's dump */
	CHECK_STREQ(svmc_decode_intercept(2, 0x00060042, b, sizeof(b)), "#DB #UD #AC #MC");
	CHECK_STREQ(svmc_decode_intercept(4, 0x0111ce43, b, sizeof(b)),
		    "VMRUN VMMCALL SKINIT WBINVD MONITOR MWAIT RDPRU TRAP_EFER_WRITE "
		    "TRAP_CR0_WRITE TRAP_CR4_WRITE TRAP_CR8_WRITE");
	/* word 3 of the same dump, bccc8007: bits 0-2, 15, 18, 19, 22, 23, 26-29, 31 */
	CHECK_STREQ(svmc_decode_intercept(3, 0xbccc8007, b, sizeof(b)),
		    "INTR NMI SMI RDPMC CPUID RSM INVD PAUSE INVLPGA IOIO_PROT MSR_PROT "
		    "TASK_SWITCH SHUTDOWN");
	CHECK_STREQ(svmc_decode_intercept(0, 0x00110011, b, sizeof(b)),
		    "CR0_READ CR4_READ CR0_WRITE CR4_WRITE");
	CHECK_STREQ(svmc_decode_intercept(1, 0x00800080, b, sizeof(b)), "DR7_READ DR7_WRITE");
	CHECK_STREQ(svmc_decode_intercept(5, 0x7f, b, sizeof(b)),
		    "INVLPGB INVLPGB_ILLEGAL INVPCID MCOMMIT TLBSYNC BUSLOCK IDLE_HLT");
	CHECK_STREQ(svmc_decode_intercept(5, 0x80, b, sizeof(b)), "bit7");
	CHECK_STREQ(svmc_decode_intercept(4, 0x02000000, b, sizeof(b)), "bit25");
	CHECK_STREQ(svmc_decode_intercept(2, 0x8000, b, sizeof(b)), "vec15");
	CHECK_STREQ(svmc_decode_intercept(2, 0x4000, b, sizeof(b)), "#PF");
	CHECK_STREQ(svmc_decode_intercept(3, 0, b, sizeof(b)), "none");

	/* EVENTINJ, APM 15.20: V bit 31, EV bit 11, TYPE 10:8, vector 7:0 */
	CHECK_STREQ(svmc_decode_eventinj(0x80000b0d, 0, b, sizeof(b)),
		    "valid EXCEPTION #GP(13) error code 0x0");
	CHECK_STREQ(svmc_decode_eventinj(0x80000306, 0, b, sizeof(b)), "valid EXCEPTION #UD(6)");
	CHECK_STREQ(svmc_decode_eventinj(0x80000020, 0, b, sizeof(b)),
		    "valid INTR vector 32 (0x20)");
	CHECK_STREQ(svmc_decode_eventinj(0x80000202, 0, b, sizeof(b)), "valid NMI vector 2 (0x2)");
	CHECK_STREQ(svmc_decode_eventinj(0x80000480, 0, b, sizeof(b)),
		    "valid SOFT_INT vector 128 (0x80)");
	CHECK_STREQ(svmc_decode_eventinj(0x80000100, 0, b, sizeof(b)),
		    "valid reserved(1) vector 0 (0x0)");
	CHECK_STREQ(svmc_decode_eventinj(0x8000030f, 0, b, sizeof(b)),
		    "valid EXCEPTION vector 15 (reserved)");
	CHECK_STREQ(svmc_decode_eventinj(0x80001306, 0, b, sizeof(b)),
		    "valid EXCEPTION #UD(6), reserved bits 30:12 set (0x00001000)");
	CHECK_STREQ(svmc_decode_eventinj(0x00000b0e, 2, b, sizeof(b)),
		    "not valid: EXCEPTION #PF(14) error code 0x2");
	CHECK_STREQ(svmc_decode_eventinj(0, 5, b, sizeof(b)), "none");

	/* Exit codes, APM appendix C */
	CHECK_STREQ(svmc_decode_exit_code(0x400, b, sizeof(b)), "NPF");
	CHECK_STREQ(svmc_decode_exit_code(0x4e, b, sizeof(b)), "EXCEPTION #PF(14)");
	CHECK_STREQ(svmc_decode_exit_code(0x40, b, sizeof(b)), "EXCEPTION #DE(0)");
	CHECK_STREQ(svmc_decode_exit_code(0x5f, b, sizeof(b)), "EXCEPTION vector 31");
	CHECK_STREQ(svmc_decode_exit_code(0x03, b, sizeof(b)), "READ_CR3");
	CHECK_STREQ(svmc_decode_exit_code(0x13, b, sizeof(b)), "WRITE_CR3");
	CHECK_STREQ(svmc_decode_exit_code(0x27, b, sizeof(b)), "READ_DR7");
	CHECK_STREQ(svmc_decode_exit_code(0x37, b, sizeof(b)), "WRITE_DR7");
	CHECK_STREQ(svmc_decode_exit_code(0x60, b, sizeof(b)), "INTR");
	CHECK_STREQ(svmc_decode_exit_code(0x69, b, sizeof(b)), "TR_READ");
	CHECK_STREQ(svmc_decode_exit_code(0x7b, b, sizeof(b)), "IOIO");
	CHECK_STREQ(svmc_decode_exit_code(0x7f, b, sizeof(b)), "SHUTDOWN");
	CHECK_STREQ(svmc_decode_exit_code(0x80, b, sizeof(b)), "VMRUN");
	CHECK_STREQ(svmc_decode_exit_code(0x81, b, sizeof(b)), "VMMCALL");
	CHECK_STREQ(svmc_decode_exit_code(0x8f, b, sizeof(b)), "EFER_WRITE_TRAP");
	CHECK_STREQ(svmc_decode_exit_code(0x94, b, sizeof(b)), "CR4_WRITE_TRAP");
	CHECK_STREQ(svmc_decode_exit_code(0xa2, b, sizeof(b)), "INVPCID");
	CHECK_STREQ(svmc_decode_exit_code(0xa6, b, sizeof(b)), "IDLE_HLT");
	CHECK_STREQ(svmc_decode_exit_code(0xa7, b, sizeof(b)), "unknown");
	CHECK_STREQ(svmc_decode_exit_code(0x403, b, sizeof(b)), "VMGEXIT");
	CHECK_STREQ(svmc_decode_exit_code(0x404, b, sizeof(b)), "unknown");
	CHECK_STREQ(svmc_decode_exit_code(UINT64_MAX, b, sizeof(b)), "VMEXIT_INVALID");
	CHECK_STREQ(svmc_decode_exit_code(0xffffffff, b, sizeof(b)),
		    "VMEXIT_INVALID truncated to 32 bits (pre-f402ecd7a8b6 KVM)");
	CHECK_STREQ(svmc_decode_exit_code(0x80000010, b, sizeof(b)), "SEV-ES software exit PSC");
	CHECK_STREQ(svmc_decode_exit_code(0xf0000000, b, sizeof(b)), "SW (reserved for software)");

	/* Segment attributes, SVM_SELECTOR_*: a 64-bit code segment and QEMU's 0c93 */
	CHECK_STREQ(svmc_decode_seg_attrib(0x029b, b, sizeof(b)), "type=0xb(code,R,A) S DPL=0 P L");
	CHECK_STREQ(svmc_decode_seg_attrib(0x0a9b, b, sizeof(b)),
		    "type=0xb(code,R,A) S DPL=0 P L G");
	CHECK_STREQ(svmc_decode_seg_attrib(0x0c93, b, sizeof(b)),
		    "type=0x3(data,W,A) S DPL=0 P DB G");
	CHECK_STREQ(svmc_decode_seg_attrib(0x008b, b, sizeof(b)), "type=0xb(TSS-busy) DPL=0 P");
	CHECK_STREQ(svmc_decode_seg_attrib(0x0082, b, sizeof(b)), "type=0x2(LDT) DPL=0 P");
	CHECK_STREQ(svmc_decode_seg_attrib(0xf1fd, b, sizeof(b)),
		    "type=0xd(code,C,A) S DPL=3 P AVL bits15:12=0xf");
	CHECK_STREQ(svmc_decode_seg_attrib(0x0014, b, sizeof(b)), "type=0x4(data,E) S DPL=0");
	CHECK_STREQ(svmc_decode_seg_attrib(0, b, sizeof(b)), "none");

	/* TLB control, APM 15.16 (Linux TLB_CONTROL_*) */
	CHECK_STREQ(svmc_decode_tlb_ctl(0, b, sizeof(b)), "DO_NOTHING");
	CHECK_STREQ(svmc_decode_tlb_ctl(1, b, sizeof(b)), "FLUSH_ALL_ASID");
	CHECK_STREQ(svmc_decode_tlb_ctl(3, b, sizeof(b)), "FLUSH_ASID");
	CHECK_STREQ(svmc_decode_tlb_ctl(7, b, sizeof(b)), "FLUSH_ASID_LOCAL");
	CHECK_STREQ(svmc_decode_tlb_ctl(2, b, sizeof(b)), "reserved (2)");

	/* int_ctl, Linux V_*: a real dump's 07000200, then TPR and priority fields */
	CHECK_STREQ(svmc_decode_int_ctl(0x07000200, b, sizeof(b)),
		    "V_GIF V_INTR_MASKING V_GIF_ENABLE V_NMI_ENABLE");
	CHECK_STREQ(svmc_decode_int_ctl(0x0012010f, b, sizeof(b)),
		    "V_TPR=0xf V_IRQ V_INTR_PRIO=2 V_IGN_TPR");
	CHECK_STREQ(svmc_decode_int_ctl(0xc0001c00, b, sizeof(b)),
		    "bit10 V_NMI_PENDING V_NMI_BLOCKING X2APIC_MODE AVIC_ENABLE");
	CHECK_STREQ(svmc_decode_int_ctl(0, b, sizeof(b)), "none");

	/* nested_ctl, virt_ext (0x090, 0x0B8; Xen vmcb_struct names bits 3-5) */
	CHECK_STREQ(svmc_decode_nested_ctl(7, b, sizeof(b)), "NP_ENABLE SEV_ENABLE SEV_ES_ENABLE");
	CHECK_STREQ(svmc_decode_nested_ctl(0x48, b, sizeof(b)), "GMET bit6");
	CHECK_STREQ(svmc_decode_virt_ext(3, b, sizeof(b)), "LBR_VIRT VMLOAD_VMSAVE");
	CHECK_STREQ(svmc_decode_virt_ext(4, b, sizeof(b)), "bit2");

	/* clean bits, Linux VMCB_* clean fields (bit 12 CET: Xen) */
	CHECK_STREQ(svmc_decode_clean(0x80001fff, b, sizeof(b)),
		    "INTERCEPTS PERM_MAP ASID INTR NPT CR DR DT SEG CR2 LBR AVIC CET SW");
	CHECK_STREQ(svmc_decode_clean(0x2000, b, sizeof(b)), "bit13");

	CHECK_STREQ(svmc_decode_int_state(3, b, sizeof(b)),
		    "INTERRUPT_SHADOW GUEST_INTERRUPT_MASK");
	CHECK_STREQ(svmc_decode_erap_ctl(2, b, sizeof(b)), "CLEAR_RAP");

	/* G_PAT reset value (APM 7.8): PA0 = 06 WB, PA1 = 04 WT, PA2 = 07 UC-, PA3 = 00 UC */
	CHECK_STREQ(svmc_decode_pat(UINT64_C(0x0007040600070406), b, sizeof(b)),
		    "WB WT UC- UC WB WT UC- UC");
	CHECK_STREQ(svmc_decode_pat(UINT64_C(0x0000000000000802), b, sizeof(b)),
		    "rsvd2 0x08? UC UC UC UC UC UC");

	/* Truncation stays NUL-terminated inside the buffer. */
	{
		char small[8];
		svmc_decode_efer(0x1d01, small, sizeof(small));
		CHECK_STREQ(small, "SCE LME");
		svmc_decode_tlb_ctl(7, small, sizeof(small));
		CHECK(strlen(small) == 7);
	}

	/* Field dispatch: unknown fields say nothing, EVENTINJ takes its error code. */
	{
		struct svmc_record *r = malloc(sizeof(*r));
		svmc_record_clear(r);
		CHECK_STREQ(svmc_decode_field(r, SVMC_F_EFER, b, sizeof(b)), "");
		svmc_field_set(r, SVMC_F_EVENT_INJ, 0x80000b0e);
		svmc_field_set(r, SVMC_F_EVENT_INJ_ERR, 0x13);
		CHECK_STREQ(svmc_decode_field(r, SVMC_F_EVENT_INJ, b, sizeof(b)),
			    "valid EXCEPTION #PF(14) error code 0x13");
		svmc_field_set(r, SVMC_F_EXIT_INT_INFO, 0x80000b0d);
		CHECK_STREQ(svmc_decode_field(r, SVMC_F_EXIT_INT_INFO, b, sizeof(b)),
			    "valid EXCEPTION #GP(13) error code 0x0");
		svmc_field_set(r, SVMC_F_ALLOWED_SEV_FEATURES, UINT64_C(1) << 63);
		CHECK_STREQ(svmc_decode_field(r, SVMC_F_ALLOWED_SEV_FEATURES, b, sizeof(b)),
			    "VALID");
		svmc_mark_known(r, SVMC_F_CS);
		r->vmcb.save.cs.attrib = 0x029b;
		CHECK_STREQ(svmc_decode_field(r, SVMC_F_CS, b, sizeof(b)),
			    "type=0xb(code,R,A) S DPL=0 P L");
		svmc_field_set(r, SVMC_F_RIP, 0x1000);
		CHECK_STREQ(svmc_decode_field(r, SVMC_F_RIP, b, sizeof(b)), "");
		free(r);
	}
	return tcheck_done("test_decode");
}
