/*
 * svmcheck/record.h - one VMCB read from an input, its field table, and the
 * streaming readers that produce records from every capture format.
 *
 * The field table is derived from struct svmc_vmcb (offsetof/sizeof) through the
 * SVMC_FIELDS X-macro below: one row per field with its JSON name, the names
 * other kernels and tools gave it, its kind and a one-line meaning.  inspect,
 * the JSON reader and writer, the dump readers and messages all walk it.
 * The reserved ranges are rows too (kind RESERVED), so that table rows cover
 * the 4096 bytes of a page exactly once (tests/unit/test_fields.c proves it).
 *
 * A record carries a mask of the fields its input stated: readers never
 * invent values.  A field whose bit is clear is unknown (JSON null, text ?).
 */
#ifndef SVMCHECK_RECORD_H
#define SVMCHECK_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "svmcheck/error.h"
#include "svmcheck/vmcb.h"

enum svmc_field_kind {
	SVMC_FK_U8,
	SVMC_FK_U16,
	SVMC_FK_U32,
	SVMC_FK_U64,
	SVMC_FK_SEG,      /* struct svmc_vmcb_seg */
	SVMC_FK_BYTES,    /* a byte array (insn_bytes), hex string in JSON */
	SVMC_FK_RESERVED, /* a reserved range, kept for byte-exact round trips */
};

/*
 * X(ID, member, json, aliases, kind, meaning)
 *   member  path inside struct svmc_vmcb
 *   json    the public name (svmcheck-json(5)), unique within its area
 *   aliases "|"-separated names of other eras and tools ("" if none); the
 *           readers match labels against json and aliases, case-insensitively
 */
/* the field table, one row a line */
/* clang-format off */
#define SVMC_CONTROL_FIELDS(X) \
	X(INTERCEPT_CR, control.intercept_cr, "intercept_cr", "intercepts[0]|cr_intercepts", SVMC_FK_U32, "CR read [15:0] / write [31:16] intercepts") \
	X(INTERCEPT_DR, control.intercept_dr, "intercept_dr", "intercepts[1]|dr_intercepts", SVMC_FK_U32, "DR read [15:0] / write [31:16] intercepts") \
	X(INTERCEPT_EXCEPTIONS, control.intercept_exceptions, "intercept_exceptions", "exceptions|intercepts[2]|exception_intercepts|excp", SVMC_FK_U32, "exception intercepts, bit n = vector n") \
	X(INTERCEPT_MISC1, control.intercept_misc1, "intercept_misc1", "intercepts[3]|general1_intercepts", SVMC_FK_U32, "instruction intercepts word 3 (INTR, NMI, IOIO_PROT, MSR_PROT, ...)") \
	X(INTERCEPT_MISC2, control.intercept_misc2, "intercept_misc2", "intercepts[4]|general2_intercepts", SVMC_FK_U32, "instruction intercepts word 4 (VMRUN, VMMCALL, ...)") \
	X(INTERCEPT_MISC3, control.intercept_misc3, "intercept_misc3", "intercepts[5]|general3_intercepts", SVMC_FK_U32, "instruction intercepts word 5 (INVLPGB, INVPCID, ...)") \
	X(RSVD_0x018, control.reserved_0x018, "reserved_0x018", "", SVMC_FK_RESERVED, "reserved") \
	X(PAUSE_FILTER_THRESH, control.pause_filter_thresh, "pause_filter_thresh", "pause filter threshold|pause_filter_threshold", SVMC_FK_U16, "PAUSE filter threshold") \
	X(PAUSE_FILTER_COUNT, control.pause_filter_count, "pause_filter_count", "pause filter count", SVMC_FK_U16, "PAUSE filter count") \
	X(IOPM_BASE_PA, control.iopm_base_pa, "iopm_base_pa", "iopm_base|iopm", SVMC_FK_U64, "I/O permission map base (12 KiB)") \
	X(MSRPM_BASE_PA, control.msrpm_base_pa, "msrpm_base_pa", "msrpm_base|msrpm", SVMC_FK_U64, "MSR permission map base (8 KiB)") \
	X(TSC_OFFSET, control.tsc_offset, "tsc_offset", "", SVMC_FK_U64, "guest TSC offset") \
	X(ASID, control.asid, "asid", "guest_asid", SVMC_FK_U32, "guest ASID (0 is illegal)") \
	X(TLB_CTL, control.tlb_ctl, "tlb_ctl", "tlb_control|tlb ctrl", SVMC_FK_U8, "TLB control") \
	X(ERAP_CTL, control.erap_ctl, "erap_ctl", "", SVMC_FK_U8, "ERAPS control") \
	X(RSVD_0x05E, control.reserved_0x05e, "reserved_0x05e", "", SVMC_FK_RESERVED, "reserved") \
	X(INT_CTL, control.int_ctl, "int_ctl", "v_intr|vintr", SVMC_FK_U32, "virtual interrupt control") \
	X(INT_VECTOR, control.int_vector, "int_vector", "v_intr_vector", SVMC_FK_U32, "virtual interrupt vector") \
	X(INT_STATE, control.int_state, "int_state", "int_stat|interrupt_shadow", SVMC_FK_U32, "interrupt shadow") \
	X(RSVD_0x06C, control.reserved_0x06c, "reserved_0x06c", "", SVMC_FK_RESERVED, "reserved") \
	X(EXIT_CODE, control.exit_code, "exit_code", "exitcode", SVMC_FK_U64, "#VMEXIT code") \
	X(EXIT_INFO_1, control.exit_info_1, "exit_info_1", "exit_info1|exitinfo1", SVMC_FK_U64, "EXITINFO1") \
	X(EXIT_INFO_2, control.exit_info_2, "exit_info_2", "exit_info2|exitinfo2", SVMC_FK_U64, "EXITINFO2") \
	X(EXIT_INT_INFO, control.exit_int_info, "exit_int_info", "exitintinfo", SVMC_FK_U32, "event being delivered at #VMEXIT") \
	X(EXIT_INT_INFO_ERR, control.exit_int_info_err, "exit_int_info_err", "exitintinfo_err", SVMC_FK_U32, "its error code") \
	X(NESTED_CTL, control.nested_ctl, "nested_ctl", "misc_ctl|np_ctrl|np_enable", SVMC_FK_U64, "NP_ENABLE, SEV, SEV-ES, GMET") \
	X(AVIC_VAPIC_BAR, control.avic_vapic_bar, "avic_vapic_bar", "avic_apic_bar", SVMC_FK_U64, "AVIC APIC BAR") \
	X(GHCB_GPA, control.ghcb_gpa, "ghcb_gpa", "ghcb", SVMC_FK_U64, "SEV-ES GHCB address") \
	X(EVENT_INJ, control.event_inj, "event_inj", "eventinj", SVMC_FK_U32, "EVENTINJ: event to inject") \
	X(EVENT_INJ_ERR, control.event_inj_err, "event_inj_err", "eventinj_err", SVMC_FK_U32, "EVENTINJ error code") \
	X(NESTED_CR3, control.nested_cr3, "nested_cr3", "n_cr3|ncr3|h_cr3", SVMC_FK_U64, "nested page table root") \
	X(VIRT_EXT, control.virt_ext, "virt_ext", "misc_ctl2|lbr_ctl|lbr_virt_en", SVMC_FK_U64, "LBR virtualization, virtual VMLOAD/VMSAVE") \
	X(CLEAN, control.clean, "clean", "cleanbits|clean_bits", SVMC_FK_U32, "VMCB clean bits") \
	X(RSVD_0x0C4, control.reserved_0x0c4, "reserved_0x0c4", "", SVMC_FK_RESERVED, "reserved") \
	X(NEXT_RIP, control.next_rip, "next_rip", "nrip|nextrip", SVMC_FK_U64, "next sequential RIP") \
	X(INSN_LEN, control.insn_len, "insn_len", "", SVMC_FK_U8, "fetched instruction bytes") \
	X(INSN_BYTES, control.insn_bytes, "insn_bytes", "", SVMC_FK_BYTES, "the fetched instruction bytes") \
	X(AVIC_BACKING_PAGE, control.avic_backing_page, "avic_backing_page", "", SVMC_FK_U64, "AVIC backing page") \
	X(RSVD_0x0E8, control.reserved_0x0e8, "reserved_0x0e8", "", SVMC_FK_RESERVED, "reserved") \
	X(AVIC_LOGICAL_ID, control.avic_logical_id, "avic_logical_id", "", SVMC_FK_U64, "AVIC logical APIC ID table") \
	X(AVIC_PHYSICAL_ID, control.avic_physical_id, "avic_physical_id", "", SVMC_FK_U64, "AVIC physical APIC ID table") \
	X(RSVD_0x100, control.reserved_0x100, "reserved_0x100", "", SVMC_FK_RESERVED, "reserved") \
	X(VMSA_PA, control.vmsa_pa, "vmsa_pa", "", SVMC_FK_U64, "SEV-ES VMSA page") \
	X(RSVD_0x110, control.reserved_0x110, "reserved_0x110", "", SVMC_FK_RESERVED, "reserved") \
	X(BUS_LOCK_COUNTER, control.bus_lock_counter, "bus_lock_counter", "bus_lock_count", SVMC_FK_U16, "bus lock threshold counter") \
	X(RSVD_0x122, control.reserved_0x122, "reserved_0x122", "", SVMC_FK_RESERVED, "reserved") \
	X(ALLOWED_SEV_FEATURES, control.allowed_sev_features, "allowed_sev_features", "", SVMC_FK_U64, "SEV features the guest may use (bit 63 valid)") \
	X(GUEST_SEV_FEATURES, control.guest_sev_features, "guest_sev_features", "", SVMC_FK_U64, "SEV features in effect") \
	X(RSVD_0x148, control.reserved_0x148, "reserved_0x148", "", SVMC_FK_RESERVED, "reserved") \
	X(RESERVED_SW, control.reserved_sw, "reserved_sw", "hv_enlightenments", SVMC_FK_RESERVED, "software use (Hyper-V enlightenments)")

#define SVMC_SAVE_FIELDS(X) \
	X(ES, save.es, "es", "", SVMC_FK_SEG, "ES segment") \
	X(CS, save.cs, "cs", "", SVMC_FK_SEG, "CS segment") \
	X(SS, save.ss, "ss", "", SVMC_FK_SEG, "SS segment") \
	X(DS, save.ds, "ds", "", SVMC_FK_SEG, "DS segment") \
	X(FS, save.fs, "fs", "", SVMC_FK_SEG, "FS segment") \
	X(GS, save.gs, "gs", "", SVMC_FK_SEG, "GS segment") \
	X(GDTR, save.gdtr, "gdtr", "", SVMC_FK_SEG, "GDTR") \
	X(LDTR, save.ldtr, "ldtr", "", SVMC_FK_SEG, "LDTR") \
	X(IDTR, save.idtr, "idtr", "", SVMC_FK_SEG, "IDTR") \
	X(TR, save.tr, "tr", "", SVMC_FK_SEG, "TR") \
	X(RSVD_0x4A0, save.reserved_0x4a0, "reserved_0x4a0", "", SVMC_FK_RESERVED, "reserved") \
	X(VMPL, save.vmpl, "vmpl", "", SVMC_FK_U8, "SEV-SNP VMPL") \
	X(CPL, save.cpl, "cpl", "", SVMC_FK_U8, "current privilege level") \
	X(RSVD_0x4CC, save.reserved_0x4cc, "reserved_0x4cc", "", SVMC_FK_RESERVED, "reserved") \
	X(EFER, save.efer, "efer", "", SVMC_FK_U64, "EFER") \
	X(RSVD_0x4D8, save.reserved_0x4d8, "reserved_0x4d8", "", SVMC_FK_RESERVED, "reserved") \
	X(CR4, save.cr4, "cr4", "", SVMC_FK_U64, "CR4") \
	X(CR3, save.cr3, "cr3", "", SVMC_FK_U64, "CR3") \
	X(CR0, save.cr0, "cr0", "", SVMC_FK_U64, "CR0") \
	X(DR7, save.dr7, "dr7", "", SVMC_FK_U64, "DR7") \
	X(DR6, save.dr6, "dr6", "", SVMC_FK_U64, "DR6") \
	X(RFLAGS, save.rflags, "rflags", "", SVMC_FK_U64, "RFLAGS") \
	X(RIP, save.rip, "rip", "", SVMC_FK_U64, "RIP") \
	X(RSVD_0x580, save.reserved_0x580, "reserved_0x580", "", SVMC_FK_RESERVED, "reserved") \
	X(RSP, save.rsp, "rsp", "", SVMC_FK_U64, "RSP") \
	X(S_CET, save.s_cet, "s_cet", "", SVMC_FK_U64, "supervisor CET MSR") \
	X(SSP, save.ssp, "ssp", "", SVMC_FK_U64, "shadow stack pointer") \
	X(ISST_ADDR, save.isst_addr, "isst_addr", "", SVMC_FK_U64, "interrupt SSP table address") \
	X(RAX, save.rax, "rax", "", SVMC_FK_U64, "RAX") \
	X(STAR, save.star, "star", "", SVMC_FK_U64, "STAR") \
	X(LSTAR, save.lstar, "lstar", "", SVMC_FK_U64, "LSTAR") \
	X(CSTAR, save.cstar, "cstar", "", SVMC_FK_U64, "CSTAR") \
	X(SFMASK, save.sfmask, "sfmask", "", SVMC_FK_U64, "SFMASK") \
	X(KERNEL_GS_BASE, save.kernel_gs_base, "kernel_gs_base", "kerngsbase", SVMC_FK_U64, "KernelGsBase") \
	X(SYSENTER_CS, save.sysenter_cs, "sysenter_cs", "", SVMC_FK_U64, "SYSENTER_CS") \
	X(SYSENTER_ESP, save.sysenter_esp, "sysenter_esp", "", SVMC_FK_U64, "SYSENTER_ESP") \
	X(SYSENTER_EIP, save.sysenter_eip, "sysenter_eip", "", SVMC_FK_U64, "SYSENTER_EIP") \
	X(CR2, save.cr2, "cr2", "", SVMC_FK_U64, "CR2") \
	X(RSVD_0x648, save.reserved_0x648, "reserved_0x648", "", SVMC_FK_RESERVED, "reserved") \
	X(G_PAT, save.g_pat, "g_pat", "gpat|pat|guest_pat", SVMC_FK_U64, "guest PAT (nested paging)") \
	X(DBGCTL, save.dbgctl, "dbgctl", "", SVMC_FK_U64, "DebugCtl MSR") \
	X(BR_FROM, save.br_from, "br_from", "", SVMC_FK_U64, "last branch from") \
	X(BR_TO, save.br_to, "br_to", "", SVMC_FK_U64, "last branch to") \
	X(LAST_EXCP_FROM, save.last_excp_from, "last_excp_from", "excp_from|lastintfromip|int_from", SVMC_FK_U64, "last exception from") \
	X(LAST_EXCP_TO, save.last_excp_to, "last_excp_to", "excp_to|lastinttoip|int_to", SVMC_FK_U64, "last exception to") \
	X(RSVD_0x698, save.reserved_0x698, "reserved_0x698", "", SVMC_FK_RESERVED, "reserved") \
	X(SPEC_CTRL, save.spec_ctrl, "spec_ctrl", "", SVMC_FK_U64, "guest SPEC_CTRL") \
	X(RSVD_0x6E8, reserved_0x6e8, "reserved_0x6e8", "", SVMC_FK_RESERVED, "rest of the page")

#define SVMC_FIELDS(X) SVMC_CONTROL_FIELDS(X) SVMC_SAVE_FIELDS(X)
/* clang-format on */

/* X-macro expansion: clang-format misreads it */
/* clang-format off */
enum svmc_field_id {
#define SVMC_X_ENUM(id, member, json, aliases, kind, meaning) SVMC_F_##id,
	SVMC_FIELDS(SVMC_X_ENUM)
#undef SVMC_X_ENUM
	SVMC_F_COUNT
};
/* clang-format on */

#define SVMC_KNOWN_WORDS 2
_Static_assert(SVMC_F_COUNT <= 64 * SVMC_KNOWN_WORDS, "known mask too small");

enum svmc_area { SVMC_AREA_CONTROL, SVMC_AREA_SAVE, SVMC_AREA_PAGE };

struct svmc_field {
	enum svmc_field_id id;
	enum svmc_area area; /* PAGE only for the tail after the save area */
	const char *json;    /* e.g. "event_inj" */
	const char *aliases; /* "|"-separated */
	enum svmc_field_kind kind;
	uint16_t offset; /* byte offset in the page */
	uint16_t size;   /* bytes */
	const char *meaning;
};

/* The table, SVMC_F_COUNT rows in page order. */
extern const struct svmc_field svmc_fields[SVMC_F_COUNT];

/*
 * Look a field up by its JSON name or an alias (case-insensitive; spaces and
 * '_' are equal).  With area SVMC_AREA_PAGE both areas are searched.
 * Returns NULL if unknown.  name need not be NUL-terminated.
 */
const struct svmc_field *svmc_field_lookup(const char *name, size_t len, enum svmc_area area);

/* Public dotted name "control.event_inj" / "save.cr0" into buf. */
const char *svmc_field_path(enum svmc_field_id id, char *buf, size_t n);

/*
 * Input formats: the registry, one row X(ENUM, ident) per format.  The
 * format is SVMC_FMT_<ENUM>; its reader in the library (src/vmcb/<ident>.c)
 * defines svmc_<ident>_format, which holds everything else about it: the -f
 * name, the detection probe, the reader and a summary.  The order is the
 * listing order (help texts, completion, usage errors) and breaks ties in
 * detection; new formats go at the end, so the others keep their values.
 */
/* clang-format off */
#define SVMC_FORMATS(X) \
	X(RAW, raw) \
	X(NESTED_STATE, nested_state) \
	X(KVM_DUMP, kvm_dump) \
	X(XEN_DUMP, xen_dump) \
	X(JSON, json) \
	X(HEX, hex) \
	X(JAILHOUSE, jailhouse) \
	X(TRACE, trace)

#define SVMC_FMT_ENUM_(id, ident) SVMC_FMT_##id,
enum svmc_format {
	SVMC_FMT_AUTO = 0, /* "auto": decide per input from its content */
	SVMC_FORMATS(SVMC_FMT_ENUM_)
	SVMC_FMT_COUNT
};
#undef SVMC_FMT_ENUM_
/* clang-format on */

/* "kvm-dump" ("auto" for SVMC_FMT_AUTO, "?" out of range). */
const char *svmc_format_name(enum svmc_format f);
/* Exact name (as listed by svmc_format_names, or "auto") into *out: 0, or -1 if unknown. */
int svmc_format_parse(const char *name, enum svmc_format *out);
/* One line on what the format is, for listings; "" for SVMC_FMT_AUTO. */
const char *svmc_format_summary(enum svmc_format f);
/*
 * "raw, nested-state, kvm-dump, xen-dump, json, hex" (the registry's names
 * in order, without "auto") into buf of n bytes, for help texts and usage
 * errors; cut short if buf is too small.  Returns buf.
 */
const char *svmc_format_names(char *buf, size_t n);

/*
 * Where a record comes from, which decides the question it answers
 * (svmcheck-replay(1), ORIGINS):
 *   page          raw pages and hex dumps: origin unknown, taken to be a
 *                 vmcb12 as L1 wrote it (the default model is kvm)
 *   hardware      a VMCB the CPU itself ran or rejected (KVM dump_vmcb, Xen
 *                 svm_vmcb_dump): judged by the architecture (apm)
 *   nested_state  a KVM_GET_NESTED_STATE blob: what KVM_SET_NESTED_STATE
 *                 does with it on the destination of a migration
 *   trace         a nested VMRUN as KVM's tracepoints show it (kvm_nested_vmenter,
 *                 kvm_nested_intercepts, ...): the vmcb12 L1 wrote, of which
 *                 the trace shows a few fields (the default model is kvm)
 * New origins go at the end.
 */
/* clang-format off */
#define SVMC_ORIGINS(X) \
	X(PAGE, "page") \
	X(HARDWARE, "hardware") \
	X(NESTED_STATE, "nested_state") \
	X(TRACE, "trace")

#define SVMC_ORIGIN_ENUM_(id, name) SVMC_ORIGIN_##id,
enum svmc_origin {
	SVMC_ORIGINS(SVMC_ORIGIN_ENUM_)
	SVMC_ORIGIN_COUNT
};
#undef SVMC_ORIGIN_ENUM_
/* clang-format on */

/* "page", "hardware", "nested_state", "trace" ("?" out of range). */
const char *svmc_origin_name(enum svmc_origin o);
/* Exact name of len bytes into *out: 0, or -1 if unknown. */
int svmc_origin_parse(const char *name, size_t len, enum svmc_origin *out);

/*
 * The KVM_GET_NESTED_STATE header of a nested_state record (Linux
 * arch/x86/include/uapi/asm/kvm.h, struct kvm_nested_state with the SVM
 * header): u16 flags, u16 format, u32 size, u64 hdr.svm.vmcb_pa.  The
 * vmcb12 that follows is the record's vmcb: KVM's cached vmcb12 control area
 * and the vmcb01 save area, i.e. L1's own state.
 */
#define SVMC_NSTATE_GUEST_MODE 0x0001u
#define SVMC_NSTATE_RUN_PENDING 0x0002u
#define SVMC_NSTATE_GIF_SET 0x0100u
#define SVMC_NSTATE_FLAGS_SVM \
	(SVMC_NSTATE_GUEST_MODE | SVMC_NSTATE_RUN_PENDING | SVMC_NSTATE_GIF_SET)
#define SVMC_NSTATE_FORMAT_SVM 1u
#define SVMC_NSTATE_HDR_SIZE 128u
#define SVMC_NSTATE_FULL_SIZE (SVMC_NSTATE_HDR_SIZE + SVMC_VMCB_PAGE_SIZE)

/* Which members of struct svmc_nstate the input stated (its known mask). */
#define SVMC_NSK_FLAGS 0x1u
#define SVMC_NSK_FORMAT 0x2u
#define SVMC_NSK_SIZE 0x4u
#define SVMC_NSK_VMCB_PA 0x8u
#define SVMC_NSK_ALL 0xfu

struct svmc_nstate {
	uint64_t vmcb_pa; /* hdr.svm.vmcb_pa: the vmcb12 GPA */
	uint32_t size;    /* header plus data */
	uint16_t flags;   /* SVMC_NSTATE_* */
	uint16_t format;  /* 1 = SVM */
	uint8_t known;    /* SVMC_NSK_* */
};

/* One VMCB read from an input. */
struct svmc_record {
	struct svmc_vmcb vmcb;
	uint64_t known[SVMC_KNOWN_WORDS]; /* bit = enum svmc_field_id */
	const char *input;                /* as given; borrowed */
	uint64_t index;                   /* 0-based position in its input */
	uint64_t line;                    /* text formats: first line, else 0 */
	uint64_t offset;                  /* binary formats: byte offset, else SVMC_NO_OFFSET */
	enum svmc_format format;          /* the reader that produced it */
	enum svmc_origin origin;          /* what ran or wrote it */
	struct svmc_nstate nstate;        /* origin nested_state: the header, else all 0 */
	/*
	 * Origin trace: a kvm_nested_vmenter_failed line named the KVM
	 * condition that failed this VMRUN (captured_cc), and captured_checks
	 * is the set of checks (bit = enum svmc_check_id) whose rows list that
	 * condition's text: one check, two for KVM's one EVENTINJ condition,
	 * none for a condition svmcheck does not model.  Else both 0.
	 */
	uint64_t captured_checks;
	bool captured_cc;
	/*
	 * CS is known but its limit is not (a Jailhouse dump shows CS's selector,
	 * base and attributes only; no check reads the limit): shown as unknown.
	 */
	bool cs_limit_unknown;
};

/* Clear everything: all fields zero and unknown. */
void svmc_record_clear(struct svmc_record *r);

static inline bool svmc_known(const struct svmc_record *r, enum svmc_field_id f)
{
	return (r->known[f >> 6] >> (f & 63)) & 1;
}
static inline void svmc_mark_known(struct svmc_record *r, enum svmc_field_id f)
{
	r->known[f >> 6] |= UINT64_C(1) << (f & 63);
}
/* Mark every field of the page known (binary formats). */
void svmc_mark_all_known(struct svmc_record *r);

/*
 * Integer value of a U8/U16/U32/U64 field (little-endian from the page).
 * Segments, bytes and reserved ranges return 0.
 */
uint64_t svmc_field_get(const struct svmc_record *r, enum svmc_field_id f);

/*
 * Store v into an integer field and mark it known.  Returns SVMC_ERR_RANGE
 * (and stores nothing) if v does not fit the field's width.
 */
enum svmc_err svmc_field_set(struct svmc_record *r, enum svmc_field_id f, uint64_t v);

/* Pointer to a segment field (kind SEG) inside r->vmcb. */
struct svmc_vmcb_seg *svmc_field_seg(struct svmc_record *r, enum svmc_field_id f);
const struct svmc_vmcb_seg *svmc_field_seg_const(const struct svmc_record *r, enum svmc_field_id f);

/* ---- streaming readers -------------------------------------------------- */

/*
 * A reader produces the records of one input, one at a time, in bounded
 * memory whatever the input size.  It never writes to its input.
 */
struct svmc_reader;

/*
 * Open path ("-" = standard input) for reading in format fmt (AUTO detects
 * from the content).  On error returns a code with d filled (input, what);
 * *out is NULL then.
 */
enum svmc_err svmc_reader_open(struct svmc_reader **out, const char *path, enum svmc_format fmt,
			       struct svmc_diag *d);

/*
 * Next record into rec.  Returns:
 *   SVMC_OK       a record (rec->input/index/line/offset/format filled)
 *   SVMC_ERR_EMPTY end of input (not an error; the caller reports an input
 *                  that produced neither records nor errors as empty)
 *   other         an error for one part of the input, with d filled
 *                  (line or offset, index, message); call again to go on
 *                  with the rest unless svmc_reader_failed() says the input
 *                  cannot be read any further.
 */
enum svmc_err svmc_reader_next(struct svmc_reader *r, struct svmc_record *rec, struct svmc_diag *d);

/*
 * Up to n records into recs[0..n), in input order: what n calls of
 * svmc_reader_next() would give, with fewer copies where the format allows
 * (raw and nested-state pages are read straight into the records).
 * *got is the number of records filled.  Returns:
 *   SVMC_OK        *got records (1..n; fewer than n when a pipe had no more yet)
 *   SVMC_ERR_EMPTY end of input, after *got records (maybe 0)
 *   other          an error after *got records, exactly the one the next
 *                  svmc_reader_next() would have returned, d filled; call
 *                  again to go on unless svmc_reader_failed().
 */
enum svmc_err svmc_reader_next_batch(struct svmc_reader *r, struct svmc_record *recs, size_t n,
				     size_t *got, struct svmc_diag *d);

/*
 * Positional (parallel) reading.  For raw pages in a regular file, record j
 * after the reader's position sits at a known byte offset, so several
 * threads can read disjoint parts at once with pread(2).  A span is that
 * run of whole pages; the reader itself moves past it and then yields what
 * follows (the trailing partial page's error, or the end).
 */
#define SVMC_SPAN_MAX 256 /* records per svmc_span_read() call */
struct svmc_span {
	int fd;            /* borrowed from the reader: close the reader last */
	uint64_t file_off; /* file offset of record 0 of the span */
	uint64_t pos;      /* its input offset (as in rec->offset) */
	uint64_t index;    /* its record index */
	uint64_t count;    /* whole records in the span */
	const char *input;
	enum svmc_format format;
};

/*
 * Take the whole records from the reader's position to the end of the file
 * as span sp and move the reader past them.  Returns false (reader
 * unchanged) unless the input is a regular file in raw format with at least
 * one whole page left.  The reader must outlive every svmc_span_read() on sp.
 */
bool svmc_reader_take_span(struct svmc_reader *r, struct svmc_span *sp);

/*
 * Records [first, first+n) of sp into recs[0..n) (n <= SVMC_SPAN_MAX, clamped
 * to the span): all members set as svmc_reader_next() sets them.  Safe to
 * call from several threads at once.  *got = records filled; returns SVMC_OK,
 * or SVMC_ERR_IO / SVMC_ERR_TRUNCATED (the file failed or shrank) with d
 * filled (input, index, offset) for the record that could not be read.
 */
enum svmc_err svmc_span_read(const struct svmc_span *sp, uint64_t first, struct svmc_record *recs,
			     size_t n, size_t *got, struct svmc_diag *d);

/*
 * Chunked (parallel) parsing of text.  A text format whose reader can tell
 * where a record boundary lies from the text alone (kvm-dump, xen-dump)
 * lets its input be cut into chunks there: a fresh reader of each chunk,
 * started at the chunk's offset, gives what the one reader of the whole
 * input gives for those lines, up to the record index and line number it
 * starts counting from (the caller adds the counts of the chunks before).
 *
 * svmc_reader_next_chunk() moves r past the next chunk of at least min
 * bytes (fewer at the end; min is taken as at most a quarter of
 * SVMC_CHUNK_MAX), copying its text into buf (cap bytes, SVMC_CHUNK_MAX
 * are always enough).  Returns SVMC_CHUNK_TEXT with *len and *pos
 * (the chunk's input offset) set; SVMC_CHUNK_END at the end of input (or a
 * read error, which svmc_reader_next() then reports); SVMC_CHUNK_SERIAL
 * when no boundary can be found any more (a line longer than the window,
 * a window without a boundary, quoted-printable text in a kvm-dump): the
 * rest must be read with svmc_reader_next() once svmc_reader_set_counts()
 * has told r how many records and lines came before.
 */
#define SVMC_CHUNK_MAX (1u << 20) /* the most a chunk holds: the window */
enum svmc_chunk_res { SVMC_CHUNK_TEXT, SVMC_CHUNK_END, SVMC_CHUNK_SERIAL };
/*
 * Is r's input worth reading in chunks of min bytes: a regular file (a
 * pipe stays serial) of at least two of them, in a text format with a
 * boundary finder, nothing read yet?
 */
bool svmc_reader_chunkable(const struct svmc_reader *r, size_t min);
/* The chunk size r's format asks for (formats of small records ask less), else dflt. */
size_t svmc_reader_chunk_bytes(const struct svmc_reader *r, size_t dflt);
enum svmc_chunk_res svmc_reader_next_chunk(struct svmc_reader *r, size_t min, char *buf, size_t cap,
					   size_t *len, uint64_t *pos);
/* The index the next record of r gets (records and errors that used one up so far). */
uint64_t svmc_reader_index(const struct svmc_reader *r);
/* The lines r has read so far. */
uint64_t svmc_reader_lines(const struct svmc_reader *r);
/* The records and lines read before r's position (after chunks were taken). */
void svmc_reader_set_counts(struct svmc_reader *r, uint64_t index, uint64_t lines);
/*
 * A reader of chunks of like's input (same format and input name), for one
 * thread; svmc_reader_close() frees it.  NULL when out of memory.  like must
 * be chunkable; it is only read (here, not later).
 */
struct svmc_reader *svmc_chunk_reader(const struct svmc_reader *like);
/*
 * Point chunk reader cr at text[0..len) at input offset pos, in a fresh
 * state: svmc_reader_next() then gives its records with indices from 0 and
 * line numbers from 1.  text must stay valid while cr reads it; it is
 * only read.
 */
void svmc_chunk_reader_load(struct svmc_reader *cr, char *text, size_t len, uint64_t pos);

/* The format in use (after auto-detection). */
enum svmc_format svmc_reader_format(const struct svmc_reader *r);
/* True once the reader cannot continue (I/O error, unrecoverable format). */
bool svmc_reader_failed(const struct svmc_reader *r);
/* Bytes consumed so far (for --progress). */
uint64_t svmc_reader_bytes(const struct svmc_reader *r);
void svmc_reader_close(struct svmc_reader *r);

#endif /* SVMCHECK_RECORD_H */
