/*
 * decode.c - VMCB values in words (see decode.h).
 *
 * Bit names come from APM vol. 2 appendix B and the Linux arch/x86 svm.h
 * constants in vmcb/svm_bits.h; exception mnemonics and EVENTINJ types from
 * svmcheck/vectors.h, so that every command spells them the same way.
 * Everything is written through a tiny bounded appender: no allocation.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "svmcheck/check.h"
#include "vmcb/decode.h"
#include "svmcheck/vectors.h"
#include "vmcb/svm_bits.h"

struct app {
	char *buf;
	size_t n, len;
};

static void app_init(struct app *a, char *buf, size_t n)
{
	a->buf = buf;
	a->n = n;
	a->len = 0;
	if (n)
		buf[0] = '\0';
}

static void __attribute__((format(printf, 2, 3))) app_printf(struct app *a, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (a->len + 1 >= a->n)
		return;
	va_start(ap, fmt);
	r = vsnprintf(a->buf + a->len, a->n - a->len, fmt, ap);
	va_end(ap);
	if (r < 0)
		return;
	a->len += (size_t)r;
	if (a->len >= a->n)
		a->len = a->n - 1;
}

/* A word separated from the previous one by a space. */
static void app_word(struct app *a, const char *w)
{
	app_printf(a, "%s%s", a->len ? " " : "", w);
}

/* Names of the set bits of v (names[i] NULL or "" for unnamed bits). */
static void app_bits(struct app *a, uint64_t v, const char *const *names, unsigned nnames)
{
	for (unsigned i = 0; i < 64; i++) {
		if (!((v >> i) & 1))
			continue;
		if (i < nnames && names[i] && names[i][0])
			app_word(a, names[i]);
		else
			app_printf(a, "%sbit%u", a->len ? " " : "", i);
	}
}

static const char *bits(uint64_t v, const char *const *names, unsigned nnames, char *buf, size_t n)
{
	struct app a;

	app_init(&a, buf, n);
	if (!v)
		app_word(&a, "none");
	else
		app_bits(&a, v, names, nnames);
	return buf;
}

#define NAMES(arr) arr, (unsigned)(sizeof(arr) / sizeof((arr)[0]))

/* clang-format off */
static const char *const efer_names[] = {
	[0] = "SCE",     [8] = "LME",     [10] = "LMA",  [11] = "NXE",  [12] = "SVME",
	[13] = "LMSLE",  [14] = "FFXSR",  [15] = "TCE",  [17] = "MCOMMIT",
	[18] = "INTWB",  [20] = "UAIE",   [21] = "AUTOIBRS",
};
/* clang-format on */

static const char *const cr0_names[] = {
	[0] = "PE",  [1] = "MP",  [2] = "EM",  [3] = "TS",  [4] = "ET",  [5] = "NE",
	[16] = "WP", [18] = "AM", [29] = "NW", [30] = "CD", [31] = "PG",
};

/* clang-format off */
static const char *const cr4_names[] = {
	[0] = "VME",      [1] = "PVI",     [2] = "TSD",      [3] = "DE",      [4] = "PSE",
	[5] = "PAE",      [6] = "MCE",     [7] = "PGE",      [8] = "PCE",     [9] = "OSFXSR",
	[10] = "OSXMMEXCPT", [11] = "UMIP", [12] = "LA57",   [13] = "VMXE",   [14] = "SMXE",
	[16] = "FSGSBASE", [17] = "PCIDE", [18] = "OSXSAVE", [19] = "KL",     [20] = "SMEP",
	[21] = "SMAP",    [22] = "PKE",    [23] = "CET",     [24] = "PKS",    [25] = "UINTR",
	[27] = "LASS",    [28] = "LAM_SUP", [32] = "FRED",
};
/* clang-format on */

/* The one table of CR4 and EFER bit names (also for check messages and migrate). */
const char *svmc_cr4_bit_name(unsigned bit)
{
	return bit < sizeof(cr4_names) / sizeof(cr4_names[0]) ? cr4_names[bit] : NULL;
}

const char *svmc_efer_bit_name(unsigned bit)
{
	return bit < sizeof(efer_names) / sizeof(efer_names[0]) ? efer_names[bit] : NULL;
}

/* clang-format off */
static const char *const rflags_names[] = {
	[0] = "CF",  [1] = "",    [2] = "PF",  [4] = "AF",  [6] = "ZF",  [7] = "SF",
	[8] = "TF",  [9] = "IF",  [10] = "DF", [11] = "OF", [14] = "NT", [16] = "RF",
	[17] = "VM", [18] = "AC", [19] = "VIF", [20] = "VIP", [21] = "ID",
};
/* clang-format on */

const char *svmc_decode_efer(uint64_t v, char *buf, size_t n)
{
	return bits(v, NAMES(efer_names), buf, n);
}

const char *svmc_decode_cr0(uint64_t v, char *buf, size_t n)
{
	return bits(v, NAMES(cr0_names), buf, n);
}

const char *svmc_decode_cr4(uint64_t v, char *buf, size_t n)
{
	return bits(v, NAMES(cr4_names), buf, n);
}

const char *svmc_decode_rflags(uint64_t v, char *buf, size_t n)
{
	struct app a;

	/* Bit 1 is always 1 (not a flag); IOPL is a two-bit number. */
	app_init(&a, buf, n);
	app_bits(&a, v & ~(UINT64_C(2) | UINT64_C(0x3000)), NAMES(rflags_names));
	if (v & 0x3000)
		app_printf(&a, "%sIOPL=%u", a.len ? " " : "", (unsigned)((v >> 12) & 3));
	if (!a.len)
		app_word(&a, "none");
	return buf;
}

/* ---- intercepts (APM table B-1) ------------------------------------------ */

/* clang-format off */
static const char *const misc1_names[32] = {
	"INTR", "NMI", "SMI", "INIT", "VINTR", "SELECTIVE_CR0", "STORE_IDTR", "STORE_GDTR",
	"STORE_LDTR", "STORE_TR", "LOAD_IDTR", "LOAD_GDTR", "LOAD_LDTR", "LOAD_TR", "RDTSC",
	"RDPMC", "PUSHF", "POPF", "CPUID", "RSM", "IRET", "INTn", "INVD", "PAUSE", "HLT",
	"INVLPG", "INVLPGA", "IOIO_PROT", "MSR_PROT", "TASK_SWITCH", "FERR_FREEZE", "SHUTDOWN",
};
/* clang-format on */

/* clang-format off */
static const char *const misc2_names[32] = {
	"VMRUN", "VMMCALL", "VMLOAD", "VMSAVE", "STGI", "CLGI", "SKINIT", "RDTSCP", "ICEBP",
	"WBINVD", "MONITOR", "MWAIT", "MWAIT_COND", "XSETBV", "RDPRU", "TRAP_EFER_WRITE",
	"TRAP_CR0_WRITE", "TRAP_CR1_WRITE", "TRAP_CR2_WRITE", "TRAP_CR3_WRITE", "TRAP_CR4_WRITE",
	"TRAP_CR5_WRITE", "TRAP_CR6_WRITE", "TRAP_CR7_WRITE", "TRAP_CR8_WRITE",
};
/* clang-format on */

static const char *const misc3_names[] = {
	"INVLPGB", "INVLPGB_ILLEGAL", "INVPCID", "MCOMMIT", "TLBSYNC", "BUSLOCK", "IDLE_HLT",
};

/* CRn/DRn read bits 15:0, write bits 31:16. */
static void app_rw(struct app *a, uint32_t v, const char *reg)
{
	for (unsigned i = 0; i < 32; i++)
		if ((v >> i) & 1)
			app_printf(a, "%s%s%u_%s", a->len ? " " : "", reg, i & 15,
				   i < 16 ? "READ" : "WRITE");
}

const char *svmc_decode_intercept(unsigned word, uint32_t v, char *buf, size_t n)
{
	struct app a;

	app_init(&a, buf, n);
	if (!v) {
		app_word(&a, "none");
		return buf;
	}
	switch (word) {
	case 0:
		app_rw(&a, v, "CR");
		break;
	case 1:
		app_rw(&a, v, "DR");
		break;
	case 2:
		for (unsigned i = 0; i < 32; i++) {
			if (!((v >> i) & 1))
				continue;
			const char *m = svmc_vector_name(i)->mnemonic;
			if (m[0])
				app_printf(&a, "%s#%s", a.len ? " " : "", m);
			else
				app_printf(&a, "%svec%u", a.len ? " " : "", i);
		}
		break;
	case 3:
		app_bits(&a, v, NAMES(misc1_names));
		break;
	case 4:
		app_bits(&a, v, NAMES(misc2_names));
		break;
	case 5:
		app_bits(&a, v, NAMES(misc3_names));
		break;
	default:
		app_bits(&a, v, NULL, 0);
	}
	return buf;
}

/* ---- events (APM 15.20) and exit codes (APM appendix C) ------------------ */

/* "EXCEPTION #GP(13)", "INTR vector 32 (0x20)", "EXCEPTION vector 15 (reserved)". */
static void app_event(struct app *a, uint32_t v)
{
	unsigned type = SVM_EVTINJ_TYPE(v), vec = SVM_EVTINJ_VECTOR(v);
	const struct svmc_vector_name *vn = svmc_vector_name(vec);

	app_word(a, svmc_evtinj_type_name(type));
	if (type == SVM_EVTINJ_TYPE_EXEPT && vec < 32 && vn->mnemonic[0])
		app_printf(a, " #%s(%u)", vn->mnemonic, vec);
	else if (type == SVM_EVTINJ_TYPE_EXEPT && vec < 32)
		app_printf(a, " vector %u (reserved)", vec);
	else
		app_printf(a, " vector %u (0x%x)", vec, vec);
}

const char *svmc_decode_eventinj(uint32_t v, uint32_t err, char *buf, size_t n)
{
	struct app a;

	app_init(&a, buf, n);
	if (v == 0) {
		app_word(&a, "none");
		return buf;
	}
	app_word(&a, (v & SVM_EVTINJ_VALID) ? "valid" : "not valid:");
	app_event(&a, v);
	if (v & SVM_EVTINJ_VALID_ERR)
		app_printf(&a, " error code 0x%" PRIx32, err);
	if (v & SVM_EVTINJ_RESERVED_BITS)
		app_printf(&a, ", reserved bits 30:12 set (0x%08" PRIx32 ")",
			   v & SVM_EVTINJ_RESERVED_BITS);
	return buf;
}

/* clang-format off */
static const char *const exit_names_0x60[] = {
	"INTR", "NMI", "SMI", "INIT", "VINTR", "CR0_SEL_WRITE", "IDTR_READ", "GDTR_READ",
	"LDTR_READ", "TR_READ", "IDTR_WRITE", "GDTR_WRITE", "LDTR_WRITE", "TR_WRITE", "RDTSC",
	"RDPMC", "PUSHF", "POPF", "CPUID", "RSM", "IRET", "SWINT", "INVD", "PAUSE", "HLT",
	"INVLPG", "INVLPGA", "IOIO", "MSR", "TASK_SWITCH", "FERR_FREEZE", "SHUTDOWN", "VMRUN",
	"VMMCALL", "VMLOAD", "VMSAVE", "STGI", "CLGI", "SKINIT", "RDTSCP", "ICEBP", "WBINVD",
	"MONITOR", "MWAIT", "MWAIT_COND", "XSETBV", "RDPRU", "EFER_WRITE_TRAP",
};
/* clang-format on */

static const char *const exit_names_0xa0[] = {
	"INVLPGB", "INVLPGB_ILLEGAL", "INVPCID", "MCOMMIT", "TLBSYNC", "BUS_LOCK", "IDLE_HLT",
};

/* clang-format off */
static const char *const exit_names_0x400[] = {
	"NPF", "AVIC_INCOMPLETE_IPI", "AVIC_UNACCELERATED_ACCESS", "VMGEXIT",
};
/* clang-format on */

/* clang-format off */
static const struct {
	uint32_t code;
	const char *name;
} sev_sw_exits[] = {
	{ 0x80000001, "MMIO_READ" },      { 0x80000002, "MMIO_WRITE" },
	{ 0x80000003, "NMI_COMPLETE" },   { 0x80000004, "AP_HLT_LOOP" },
	{ 0x80000005, "AP_JUMP_TABLE" },  { 0x80000010, "PSC" },
	{ 0x80000011, "GUEST_REQUEST" },  { 0x80000012, "EXT_GUEST_REQUEST" },
	{ 0x80000013, "AP_CREATION" },    { 0x80000018, "SNP_RUN_VMPL" },
	{ 0x8000001A, "SAVIC" },          { 0x8000FFFD, "HV_FEATURES" },
	{ 0x8000FFFE, "TERM_REQUEST" },   { 0x8000FFFF, "UNSUPPORTED_EVENT" },
};
/* clang-format on */

const char *svmc_decode_exit_code(uint64_t c, char *buf, size_t n)
{
	struct app a;

	app_init(&a, buf, n);
	if (c == SVM_EXIT_ERR) {
		app_word(&a, "VMEXIT_INVALID");
	} else if (c == 0xffffffffu) {
		app_word(&a, "VMEXIT_INVALID truncated to 32 bits (pre-f402ecd7a8b6 KVM)");
	} else if (c < 0x40) {
		app_printf(&a, "%s_%s%u", c & 0x10 ? "WRITE" : "READ", c < 0x20 ? "CR" : "DR",
			   (unsigned)(c & 15));
	} else if (c < 0x60) {
		unsigned vec = (unsigned)(c - 0x40);
		const char *m = svmc_vector_name(vec)->mnemonic;
		if (m[0])
			app_printf(&a, "EXCEPTION #%s(%u)", m, vec);
		else
			app_printf(&a, "EXCEPTION vector %u", vec);
	} else if (c < 0x60 + sizeof(exit_names_0x60) / sizeof(exit_names_0x60[0])) {
		app_word(&a, exit_names_0x60[c - 0x60]);
	} else if (c >= 0x90 && c < 0xa0) {
		app_printf(&a, "CR%u_WRITE_TRAP", (unsigned)(c - 0x90));
	} else if (c >= 0xa0 && c < 0xa0 + sizeof(exit_names_0xa0) / sizeof(exit_names_0xa0[0])) {
		app_word(&a, exit_names_0xa0[c - 0xa0]);
	} else if (c >= 0x400 && c < 0x404) {
		app_word(&a, exit_names_0x400[c - 0x400]);
	} else if (c == 0xf0000000u) {
		app_word(&a, "SW (reserved for software)");
	} else {
		for (size_t i = 0; i < sizeof(sev_sw_exits) / sizeof(sev_sw_exits[0]); i++)
			if (c == sev_sw_exits[i].code)
				app_printf(&a, "SEV-ES software exit %s", sev_sw_exits[i].name);
		if (!a.len)
			app_word(&a, "unknown");
	}
	return buf;
}

/* An upper-case table name in lower case into a. */
static void app_lower(struct app *a, const char *name)
{
	char low[40];
	size_t i;

	for (i = 0; name[i] && i + 1 < sizeof(low); i++)
		low[i] = (char)((name[i] >= 'A' && name[i] <= 'Z') ? name[i] - 'A' + 'a' : name[i]);
	low[i] = '\0';
	app_printf(a, "%s", low); /* no space: "excp_" + "pf" */
}

const char *svmc_exit_name(uint64_t c, char *buf, size_t n)
{
	struct app a;

	app_init(&a, buf, n);
	if (c == SVM_EXIT_ERR || c == 0xffffffffu) {
		app_word(&a, "VMEXIT_INVALID");
	} else if (c < 0x40) {
		app_printf(&a, "%s_%s%u", c & 0x10 ? "write" : "read", c < 0x20 ? "cr" : "dr",
			   (unsigned)(c & 15));
	} else if (c < 0x60) {
		unsigned vec = (unsigned)(c - 0x40);
		const char *m = svmc_vector_name(vec)->mnemonic;

		app_word(&a, "excp_");
		if (m[0])
			app_lower(&a, m);
		else
			app_printf(&a, "%u", vec);
	} else if (c < 0x60 + sizeof(exit_names_0x60) / sizeof(exit_names_0x60[0])) {
		app_lower(&a, exit_names_0x60[c - 0x60]);
	} else if (c >= 0x90 && c < 0xa0) {
		app_printf(&a, "cr%u_write_trap", (unsigned)(c - 0x90));
	} else if (c >= 0xa0 && c < 0xa0 + sizeof(exit_names_0xa0) / sizeof(exit_names_0xa0[0])) {
		app_lower(&a, exit_names_0xa0[c - 0xa0]);
	} else if (c >= 0x400 && c < 0x404) {
		app_lower(&a, exit_names_0x400[c - 0x400]);
	} else {
		app_printf(&a, "0x%" PRIx64, c);
	}
	return buf;
}

/* ---- segments (Linux SVM_SELECTOR_*) and the small control fields -------- */

const char *svmc_decode_seg_attrib(uint16_t at, char *buf, size_t n)
{
	static const char *const sys[16] = {
		[1] = "TSS16-avail", [2] = "LDT",   [3] = "TSS16-busy", [4] = "call16",
		[5] = "task-gate",   [6] = "int16", [7] = "trap16",     [9] = "TSS-avail",
		[11] = "TSS-busy",   [12] = "call", [14] = "int",       [15] = "trap",
	};
	unsigned type = at & SVM_SELECTOR_TYPE_MASK;
	struct app a;

	app_init(&a, buf, n);
	if (!at) {
		app_word(&a, "none");
		return buf;
	}
	if (!(at & SVM_SELECTOR_S_MASK))
		app_printf(&a, "type=0x%x(%s)", type, sys[type] ? sys[type] : "reserved");
	else if (type & 8)
		app_printf(&a, "type=0x%x(code%s%s%s)", type, type & 4 ? ",C" : "",
			   type & 2 ? ",R" : "", type & 1 ? ",A" : "");
	else
		app_printf(&a, "type=0x%x(data%s%s%s)", type, type & 4 ? ",E" : "",
			   type & 2 ? ",W" : "", type & 1 ? ",A" : "");
	if (at & SVM_SELECTOR_S_MASK)
		app_word(&a, "S");
	app_printf(&a, " DPL=%u", (at & SVM_SELECTOR_DPL_MASK) >> SVM_SELECTOR_DPL_SHIFT);
	if (at & SVM_SELECTOR_P_MASK)
		app_word(&a, "P");
	if (at & SVM_SELECTOR_AVL_MASK)
		app_word(&a, "AVL");
	if (at & SVM_SELECTOR_L_MASK)
		app_word(&a, "L");
	if (at & SVM_SELECTOR_DB_MASK)
		app_word(&a, "DB");
	if (at & SVM_SELECTOR_G_MASK)
		app_word(&a, "G");
	if (at & 0xf000)
		app_printf(&a, " bits15:12=0x%x", (unsigned)(at >> 12));
	return buf;
}

const char *svmc_decode_tlb_ctl(uint8_t v, char *buf, size_t n)
{
	switch (v) {
	case TLB_CONTROL_DO_NOTHING:
		snprintf(buf, n, "DO_NOTHING");
		break;
	case TLB_CONTROL_FLUSH_ALL_ASID:
		snprintf(buf, n, "FLUSH_ALL_ASID");
		break;
	case TLB_CONTROL_FLUSH_ASID:
		snprintf(buf, n, "FLUSH_ASID");
		break;
	case TLB_CONTROL_FLUSH_ASID_LOCAL:
		snprintf(buf, n, "FLUSH_ASID_LOCAL");
		break;
	default:
		snprintf(buf, n, "reserved (%u)", v);
		break;
	}
	return buf;
}

const char *svmc_decode_int_ctl(uint32_t v, char *buf, size_t n)
{
	static const char *const names[32] = {
		[8] = "V_IRQ",           [9] = "V_GIF",         [11] = "V_NMI_PENDING",
		[12] = "V_NMI_BLOCKING", [20] = "V_IGN_TPR",    [24] = "V_INTR_MASKING",
		[25] = "V_GIF_ENABLE",   [26] = "V_NMI_ENABLE", [30] = "X2APIC_MODE",
		[31] = "AVIC_ENABLE",
	};
	struct app a;

	app_init(&a, buf, n);
	if (v & V_TPR_MASK)
		app_printf(&a, "V_TPR=0x%x", v & V_TPR_MASK);
	/* in bit order: bits 15:8, the priority (19:16), then bits 31:20 */
	app_bits(&a, v & 0xff00u, names, 32);
	if (v & V_INTR_PRIO_MASK)
		app_printf(&a, "%sV_INTR_PRIO=%u", a.len ? " " : "",
			   (v & V_INTR_PRIO_MASK) >> V_INTR_PRIO_SHIFT);
	app_bits(&a, v & 0xfff00000u, names, 32);
	if (!a.len)
		app_word(&a, "none");
	return buf;
}

const char *svmc_decode_nested_ctl(uint64_t v, char *buf, size_t n)
{
	static const char *const names[] = { "NP_ENABLE", "SEV_ENABLE", "SEV_ES_ENABLE",
					     "GMET",      "NP_SSS",     "VTE" };
	return bits(v, NAMES(names), buf, n);
}

const char *svmc_decode_virt_ext(uint64_t v, char *buf, size_t n)
{
	static const char *const names[] = { "LBR_VIRT", "VMLOAD_VMSAVE" };
	return bits(v, NAMES(names), buf, n);
}

const char *svmc_decode_clean(uint32_t v, char *buf, size_t n)
{
	static const char *const names[32] = {
		"INTERCEPTS", "PERM_MAP", "ASID", "INTR", "NPT",  "CR",  "DR",
		"DT",         "SEG",      "CR2",  "LBR",  "AVIC", "CET", [31] = "SW",
	};
	return bits(v, names, 32, buf, n);
}

const char *svmc_decode_int_state(uint32_t v, char *buf, size_t n)
{
	static const char *const names[] = { "INTERRUPT_SHADOW", "GUEST_INTERRUPT_MASK" };
	return bits(v, NAMES(names), buf, n);
}

const char *svmc_decode_erap_ctl(uint8_t v, char *buf, size_t n)
{
	static const char *const names[] = { "ALLOW_LARGER_RAP", "CLEAR_RAP" };
	return bits(v, NAMES(names), buf, n);
}

const char *svmc_decode_pat(uint64_t v, char *buf, size_t n)
{
	static const char *const types[8] = {
		"UC", "WC", "rsvd2", "rsvd3", "WT", "WP", "WB", "UC-"
	};
	struct app a;

	app_init(&a, buf, n);
	for (unsigned i = 0; i < 8; i++) {
		unsigned t = (unsigned)(v >> (8 * i)) & 0xff;
		if (t < 8)
			app_word(&a, types[t]);
		else
			app_printf(&a, "%s0x%02x?", a.len ? " " : "", t);
	}
	return buf;
}

const char *svmc_decode_field(const struct svmc_record *r, enum svmc_field_id f, char *buf,
			      size_t n)
{
	const struct svmc_field *fd = &svmc_fields[f];
	uint64_t v = svmc_field_get(r, f);

	if (n)
		buf[0] = '\0';
	if (!svmc_known(r, f))
		return buf;
	if (fd->kind == SVMC_FK_SEG)
		return svmc_decode_seg_attrib(svmc_field_seg_const(r, f)->attrib, buf, n);
	switch (f) {
	case SVMC_F_INTERCEPT_CR:
		return svmc_decode_intercept(0, (uint32_t)v, buf, n);
	case SVMC_F_INTERCEPT_DR:
		return svmc_decode_intercept(1, (uint32_t)v, buf, n);
	case SVMC_F_INTERCEPT_EXCEPTIONS:
		return svmc_decode_intercept(2, (uint32_t)v, buf, n);
	case SVMC_F_INTERCEPT_MISC1:
		return svmc_decode_intercept(3, (uint32_t)v, buf, n);
	case SVMC_F_INTERCEPT_MISC2:
		return svmc_decode_intercept(4, (uint32_t)v, buf, n);
	case SVMC_F_INTERCEPT_MISC3:
		return svmc_decode_intercept(5, (uint32_t)v, buf, n);
	case SVMC_F_TLB_CTL:
		return svmc_decode_tlb_ctl((uint8_t)v, buf, n);
	case SVMC_F_ERAP_CTL:
		return svmc_decode_erap_ctl((uint8_t)v, buf, n);
	case SVMC_F_INT_CTL:
		return svmc_decode_int_ctl((uint32_t)v, buf, n);
	case SVMC_F_INT_VECTOR:
		snprintf(buf, n, "vector %u%s", (unsigned)(v & 0xff),
			 v >> 8 ? ", bits 31:8 set" : "");
		return buf;
	case SVMC_F_INT_STATE:
		return svmc_decode_int_state((uint32_t)v, buf, n);
	case SVMC_F_EXIT_CODE:
		return svmc_decode_exit_code(v, buf, n);
	case SVMC_F_EXIT_INT_INFO:
		return svmc_decode_eventinj(
			(uint32_t)v, (uint32_t)svmc_field_get(r, SVMC_F_EXIT_INT_INFO_ERR), buf, n);
	case SVMC_F_EVENT_INJ:
		return svmc_decode_eventinj(
			(uint32_t)v, (uint32_t)svmc_field_get(r, SVMC_F_EVENT_INJ_ERR), buf, n);
	case SVMC_F_NESTED_CTL:
		return svmc_decode_nested_ctl(v, buf, n);
	case SVMC_F_VIRT_EXT:
		return svmc_decode_virt_ext(v, buf, n);
	case SVMC_F_CLEAN:
		return svmc_decode_clean((uint32_t)v, buf, n);
	case SVMC_F_ALLOWED_SEV_FEATURES:
		if (v & VMCB_ALLOWED_SEV_FEATURES_VALID)
			snprintf(buf, n, "VALID");
		return buf;
	case SVMC_F_EFER:
		return svmc_decode_efer(v, buf, n);
	case SVMC_F_CR0:
		return svmc_decode_cr0(v, buf, n);
	case SVMC_F_CR4:
		return svmc_decode_cr4(v, buf, n);
	case SVMC_F_RFLAGS:
		return svmc_decode_rflags(v, buf, n);
	case SVMC_F_G_PAT:
		return svmc_decode_pat(v, buf, n);
	default:
		return buf;
	}
}
