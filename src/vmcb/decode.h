/*
 * decode.h - VMCB values in words: EFER/CR0/CR4 bits by name, intercept
 * words, EVENTINJ and EXITINTINFO, exit codes, segment attributes, TLB
 * control, int_ctl, nested_ctl, virt_ext, clean bits, RFLAGS and G_PAT.
 *
 * inspect prints these beside every value; other commands use them in their
 * messages.  Every function writes a NUL-terminated string into a buffer the
 * caller owns (nothing is allocated), truncating safely when n is too small,
 * and returns buf so that it can be used inside a printf argument list.
 * Bit sets print the names of the set bits separated by spaces, bits
 * without a name as "bitN", and "none" when no bit is set.
 */
#ifndef SVMCHECK_OUT_DECODE_H
#define SVMCHECK_OUT_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "svmcheck/record.h"

/* A buffer large enough for any single decoding below. */
#define SVMC_DECODE_MAX 640

const char *svmc_decode_efer(uint64_t v, char *buf, size_t n);
const char *svmc_decode_cr0(uint64_t v, char *buf, size_t n);
const char *svmc_decode_cr4(uint64_t v, char *buf, size_t n);
const char *svmc_decode_rflags(uint64_t v, char *buf, size_t n);

/*
 * Intercept word `word` (0 = CR at 0x000, 1 = DR, 2 = exceptions, 3, 4, 5 =
 * the miscellaneous words at 0x00C, 0x010, 0x014; APM vol. 2 table B-1).
 * CR/DR words: "CR0_READ CR3_WRITE"; exceptions: "#DB #UD"; others by the
 * Linux INTERCEPT_* name without the prefix ("VMRUN", "TRAP_CR0_WRITE").
 */
const char *svmc_decode_intercept(unsigned word, uint32_t v, char *buf, size_t n);

/*
 * EVENTINJ / EXITINTINFO (APM vol. 2 §15.20) with its error code:
 * "none", "valid EXCEPTION #GP(13) error code 0x0", "valid INTR vector 32
 * (0x20)", "not valid: ..." when V is clear but other bits are set, and
 * "reserved bits 30:12 0x..." appended when those bits are set.
 */
const char *svmc_decode_eventinj(uint32_t v, uint32_t err, char *buf, size_t n);

/*
 * Exit code (APM vol. 2 appendix C) as a name: "NPF", "EXCEPTION #PF(14)",
 * "READ_CR3", "VMEXIT_INVALID", "VMEXIT_INVALID truncated to 32 bits
 * (pre-f402ecd7a8b6 KVM)" for 0xffffffff, "unknown" otherwise.
 */
const char *svmc_decode_exit_code(uint64_t code, char *buf, size_t n);

/*
 * The exit code as svmcheck-json(5) "captured_exit" names it: "VMEXIT_INVALID"
 * for -1 at either width (0xffffffffffffffff, or 0xffffffff as older KVM and
 * QEMU 7.2 write it), else the APM name in lower case ("npf", "hlt",
 * "ioio", "read_cr3", "excp_pf", "cr4_write_trap"), and "0x..." for a code
 * without a name.
 */
const char *svmc_exit_name(uint64_t code, char *buf, size_t n);

/*
 * Segment attributes (Linux SVM_SELECTOR_*): "type=0xb(code,R,A) S DPL=0 P L"
 * with AVL L DB G when set, "bits15:12=0x?" when those are set, "none" for 0.
 */
const char *svmc_decode_seg_attrib(uint16_t attrib, char *buf, size_t n);

/* TLB_CONTROL (APM 15.16): "DO_NOTHING", "FLUSH_ALL_ASID", ..., "reserved (N)". */
const char *svmc_decode_tlb_ctl(uint8_t v, char *buf, size_t n);
/* int_ctl (Linux V_*_MASK): "V_TPR=0x3 V_IRQ V_INTR_PRIO=2 V_INTR_MASKING ...". */
const char *svmc_decode_int_ctl(uint32_t v, char *buf, size_t n);
/* nested_ctl / misc_ctl (0x090): "NP_ENABLE SEV_ENABLE SEV_ES_ENABLE GMET ...". */
const char *svmc_decode_nested_ctl(uint64_t v, char *buf, size_t n);
/* virt_ext / misc_ctl2 (0x0B8): "LBR_VIRT VMLOAD_VMSAVE". */
const char *svmc_decode_virt_ext(uint64_t v, char *buf, size_t n);
/* clean bits (Linux VMCB_* clean fields): "INTERCEPTS PERM_MAP ASID ... SW". */
const char *svmc_decode_clean(uint32_t v, char *buf, size_t n);
/* int_state: "INTERRUPT_SHADOW GUEST_INTERRUPT_MASK". */
const char *svmc_decode_int_state(uint32_t v, char *buf, size_t n);
/* erap_ctl: "ALLOW_LARGER_RAP CLEAR_RAP". */
const char *svmc_decode_erap_ctl(uint8_t v, char *buf, size_t n);
/* G_PAT: the eight entries PA0..PA7 by memory type, "WB WT UC- UC ...". */
const char *svmc_decode_pat(uint64_t v, char *buf, size_t n);

/*
 * The decoding inspect shows for field f of r (whatever the field's kind),
 * or "" when the field has nothing to say beyond its value.  Unknown fields
 * give "".  EVENTINJ and EXITINTINFO take their error codes from r.
 */
const char *svmc_decode_field(const struct svmc_record *r, enum svmc_field_id f, char *buf,
			      size_t n);

#endif /* SVMCHECK_OUT_DECODE_H */
