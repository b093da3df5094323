/*
 * kvm_dump.c - reader for the text that KVM's dump_vmcb() leaves in kernel
 * logs, in every era from 2.6 to 2026 (arch/x86/kvm/svm/svm.c dump_vmcb()).
 *
 * The dump is one pr_err() per line, so every line carries whatever prefix
 * the log tool added (dmesg timestamps, <3>, dmesg -x, /dev/kmsg, journalctl,
 * syslog, "kvm_amd: ", "SVM: ", nothing).  Lines are read one at a time with
 * svmc_src_getline(); only the record being built lives in memory.
 *
 * How a line is read:
 *  1. Quoted-printable mail copies: once a line shows "=20", "=3D" or "=09",
 *     =XX escapes are decoded; a line ending in '=' (a soft break) is joined
 *     with the next one (also before QP is seen, if the line is a dump line).
 *  2. The prefix is stripped generically: the body starts after the last
 *     "kvm_amd: ", "SVM: " or "kernel: " token on the line, then leading
 *     layers are peeled ("<N>", "[...]", "a,b,c,-;", "kern  :err   : ",
 *     mail quotes "> ") until none is left.
 *  3. The body is a header ("KVM: FAILED VMRUN WITH VMCB:", "[TYPE vCPUn ]
 *     VMCB <ptr>, last attempted VMRUN on CPU n", "VMCB Control Area:",
 *     "VMCB State Save Area:") or a sequence of "label: value" items whose
 *     labels are lower-case dump labels (labels[] below; field names come
 *     from svmc_field_lookup()).  Anything else is an unrelated line.
 *     A line that ends after a label but before its value (mail wrapping)
 *     is joined with the next line when that line is the bare value.
 *
 * Where a record starts and ends.  Every label has an ordinal: its position
 * in the dump, the same in every era.  A dump line belongs to the record
 * being built unless its ordinal does not come after the last one seen and
 * (it is a header, or it is "cr_read:", the first line of every era's dump,
 * or unrelated lines came between it and the record's last dump line): then
 * the record ends and the line starts the next one.  So unrelated lines
 * interleaved anywhere are skipped, several dumps follow each other with or
 * without headers, and a dump cut after its control area ends at the next
 * dump.  Without unrelated lines between them, a repeated label with a
 * different value is a contradiction and an error for that record.
 *
 * The GPR tail (rax/rbx ... r15, sev_features, xcr0/xss, pl*_ssp, u_cet) is
 * read and checked but not stored: it comes from KVM's register cache or the
 * VMSA, not from the VMCB, so its rax/rsp never contradict the save area's.
 *
 * Errors (a value that is not a number, too wide for its field, cut short, a
 * contradiction, a line over 64 KiB inside a dump) are returned at once with
 * the line and the record index; the index is used up, the rest of that dump
 * is skipped, and the next call goes on with the next dump.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "emit/emit.h"
#include "hexdigit.h"
#include "vmcb/reader.h"

/* Longest logical line built by joining (QP soft breaks, wrapped values). */
#define JOIN_MAX 8192u
#define MAX_ITEMS 4

enum dk {
	DK_HDR,  /* a header line (ordinal only, never a label) */
	DK_HEX,  /* hex value into the field */
	DK_DEC,  /* decimal value into the field */
	DK_HALF, /* cr_read & co: one 16-bit half of intercept_cr / intercept_dr */
	DK_ICPT, /* intercepts: one 64-bit word or two 32-bit words (3 then 4) */
	DK_SEG,  /* es: s: SEL a: ATTR l: LIMIT b: BASE */
	DK_TAIL, /* GPR/VMSA tail: checked, not stored */
};

struct dlabel {
	const char *name;
	uint8_t len; /* strlen(name) */
	uint8_t kind;
	uint8_t ord;       /* position in the dump */
	uint8_t width;     /* hex digits the kernel prints; fewer means a cut line */
	uint8_t negbits;   /* DEC: printed by %d (32) or %lld (64) of a field that wide, else 0 */
	uint8_t tail_ord;  /* rax, rsp: ordinal when the line belongs to the GPR tail */
	uint8_t hi;        /* DK_HALF: the high (write) half */
	const char *field; /* svmc_field_lookup() name when it differs from name */
};

/* A label and its length, for the table below. */
#define NAME(s) s, sizeof(s) - 1

#define ORD_FAILED 0
#define ORD_VMCBHDR 1
#define ORD_CTRL 2
#define ORD_CR_READ 3
#define ORD_SAVE 39
#define ORD_RAX 62

static const struct dlabel labels[] = {
	{ NAME("cr_read"), DK_HALF, 3, 4, 0, 0, 0, "intercept_cr" },
	{ NAME("cr_write"), DK_HALF, 4, 4, 0, 0, 1, "intercept_cr" },
	{ NAME("dr_read"), DK_HALF, 5, 4, 0, 0, 0, "intercept_dr" },
	{ NAME("dr_write"), DK_HALF, 6, 4, 0, 0, 1, "intercept_dr" },
	{ NAME("exceptions"), DK_HEX, 7, 8, 0, 0, 0, NULL },
	{ NAME("intercepts"), DK_ICPT, 8, 8, 0, 0, 0, NULL },
	/* %d of a u16: never negative */
	{ NAME("pause filter count"), DK_DEC, 9, 0, 0, 0, 0, NULL },
	{ NAME("pause filter threshold"), DK_DEC, 10, 0, 0, 0, 0, NULL },
	{ NAME("iopm_base_pa"), DK_HEX, 11, 16, 0, 0, 0, NULL },
	{ NAME("msrpm_base_pa"), DK_HEX, 12, 16, 0, 0, 0, NULL },
	{ NAME("tsc_offset"), DK_HEX, 13, 16, 0, 0, 0, NULL },
	{ NAME("asid"), DK_DEC, 14, 0, 32, 0, 0, NULL }, /* %d of a u32 */
	{ NAME("tlb_ctl"), DK_DEC, 15, 0, 0, 0, 0, NULL },
	{ NAME("erap_ctl"), DK_DEC, 16, 0, 0, 0, 0, NULL },
	{ NAME("int_ctl"), DK_HEX, 17, 8, 0, 0, 0, NULL },
	{ NAME("int_vector"), DK_HEX, 18, 8, 0, 0, 0, NULL },
	{ NAME("int_state"), DK_HEX, 19, 8, 0, 0, 0, NULL },
	{ NAME("exit_code"), DK_HEX, 20, 8, 0, 0, 0, NULL }, /* 8 (old) or 16 (2026) digits */
	{ NAME("exit_info1"), DK_HEX, 21, 16, 0, 0, 0, NULL },
	{ NAME("exit_info2"), DK_HEX, 22, 16, 0, 0, 0, NULL },
	{ NAME("exit_int_info"), DK_HEX, 23, 8, 0, 0, 0, NULL },
	{ NAME("exit_int_info_err"), DK_HEX, 24, 8, 0, 0, 0, NULL },
	{ NAME("nested_ctl"), DK_DEC, 25, 0, 64, 0, 0, NULL }, /* %lld */
	{ NAME("misc_ctl"), DK_DEC, 25, 0, 64, 0, 0, NULL },
	{ NAME("nested_cr3"), DK_HEX, 26, 16, 0, 0, 0, NULL },
	{ NAME("avic_vapic_bar"), DK_HEX, 27, 16, 0, 0, 0, NULL },
	{ NAME("ghcb"), DK_HEX, 28, 16, 0, 0, 0, NULL },
	{ NAME("event_inj"), DK_HEX, 29, 8, 0, 0, 0, NULL },
	{ NAME("event_inj_err"), DK_HEX, 30, 8, 0, 0, 0, NULL },
	{ NAME("virt_ext"), DK_DEC, 31, 0, 64, 0, 0, NULL }, /* %lld */
	{ NAME("misc_ctl2"), DK_DEC, 31, 0, 64, 0, 0, NULL },
	{ NAME("lbr_ctl"), DK_DEC, 31, 0, 64, 0, 0, NULL },
	{ NAME("next_rip"), DK_HEX, 32, 16, 0, 0, 0, NULL },
	{ NAME("avic_backing_page"), DK_HEX, 33, 16, 0, 0, 0, NULL },
	{ NAME("avic_logical_id"), DK_HEX, 34, 16, 0, 0, 0, NULL },
	{ NAME("avic_physical_id"), DK_HEX, 35, 16, 0, 0, 0, NULL },
	{ NAME("vmsa_pa"), DK_HEX, 36, 16, 0, 0, 0, NULL },
	{ NAME("allowed_sev_features"), DK_HEX, 37, 16, 0, 0, 0, NULL },
	{ NAME("guest_sev_features"), DK_HEX, 38, 16, 0, 0, 0, NULL },
	/* ORD_SAVE 39: "VMCB State Save Area:" */
	{ NAME("es"), DK_SEG, 40, 0, 0, 0, 0, NULL },
	{ NAME("cs"), DK_SEG, 41, 0, 0, 0, 0, NULL },
	{ NAME("ss"), DK_SEG, 42, 0, 0, 0, 0, NULL },
	{ NAME("ds"), DK_SEG, 43, 0, 0, 0, 0, NULL },
	{ NAME("fs"), DK_SEG, 44, 0, 0, 0, 0, NULL },
	{ NAME("gs"), DK_SEG, 45, 0, 0, 0, 0, NULL },
	{ NAME("gdtr"), DK_SEG, 46, 0, 0, 0, 0, NULL },
	{ NAME("ldtr"), DK_SEG, 47, 0, 0, 0, 0, NULL },
	{ NAME("idtr"), DK_SEG, 48, 0, 0, 0, 0, NULL },
	{ NAME("tr"), DK_SEG, 49, 0, 0, 0, 0, NULL },
	{ NAME("vmpl"), DK_DEC, 50, 0, 0, 0, 0, NULL }, /* %d of a u8 */
	{ NAME("cpl"), DK_DEC, 51, 0, 0, 0, 0, NULL },
	{ NAME("efer"), DK_HEX, 52, 16, 0, 0, 0, NULL },
	{ NAME("cr0"), DK_HEX, 53, 16, 0, 0, 0, NULL },
	{ NAME("cr2"), DK_HEX, 54, 16, 0, 0, 0, NULL },
	{ NAME("cr3"), DK_HEX, 55, 16, 0, 0, 0, NULL },
	{ NAME("cr4"), DK_HEX, 56, 16, 0, 0, 0, NULL },
	{ NAME("dr6"), DK_HEX, 57, 16, 0, 0, 0, NULL },
	{ NAME("dr7"), DK_HEX, 58, 16, 0, 0, 0, NULL },
	{ NAME("rip"), DK_HEX, 59, 16, 0, 0, 0, NULL },
	{ NAME("rflags"), DK_HEX, 60, 16, 0, 0, 0, NULL },
	{ NAME("rsp"), DK_HEX, 61, 16, 0, 93, 0, NULL },
	{ NAME("rax"), DK_HEX, ORD_RAX, 16, 0, 86, 0, NULL },
	{ NAME("s_cet"), DK_HEX, 63, 16, 0, 0, 0, NULL },
	{ NAME("ssp"), DK_HEX, 64, 16, 0, 0, 0, NULL },
	{ NAME("isst_addr"), DK_HEX, 65, 16, 0, 0, 0, NULL },
	{ NAME("star"), DK_HEX, 66, 16, 0, 0, 0, NULL },
	{ NAME("lstar"), DK_HEX, 67, 16, 0, 0, 0, NULL },
	{ NAME("cstar"), DK_HEX, 68, 16, 0, 0, 0, NULL },
	{ NAME("sfmask"), DK_HEX, 69, 16, 0, 0, 0, NULL },
	{ NAME("kernel_gs_base"), DK_HEX, 70, 16, 0, 0, 0, NULL },
	{ NAME("sysenter_cs"), DK_HEX, 71, 16, 0, 0, 0, NULL },
	{ NAME("sysenter_esp"), DK_HEX, 72, 16, 0, 0, 0, NULL },
	{ NAME("sysenter_eip"), DK_HEX, 73, 16, 0, 0, 0, NULL },
	{ NAME("gpat"), DK_HEX, 74, 16, 0, 0, 0, NULL },
	{ NAME("dbgctl"), DK_HEX, 75, 16, 0, 0, 0, NULL },
	{ NAME("br_from"), DK_HEX, 76, 16, 0, 0, 0, NULL },
	{ NAME("br_to"), DK_HEX, 77, 16, 0, 0, 0, NULL },
	{ NAME("excp_from"), DK_HEX, 78, 16, 0, 0, 0, NULL },
	{ NAME("excp_to"), DK_HEX, 79, 16, 0, 0, 0, NULL },
	/* the tail (rax 86 and rsp 93 are the rows above) */
	{ NAME("sev_features"), DK_TAIL, 80, 16, 0, 0, 0, NULL },
	{ NAME("pl0_ssp"), DK_TAIL, 81, 16, 0, 0, 0, NULL },
	{ NAME("pl1_ssp"), DK_TAIL, 82, 16, 0, 0, 0, NULL },
	{ NAME("pl2_ssp"), DK_TAIL, 83, 16, 0, 0, 0, NULL },
	{ NAME("pl3_ssp"), DK_TAIL, 84, 16, 0, 0, 0, NULL },
	{ NAME("u_cet"), DK_TAIL, 85, 16, 0, 0, 0, NULL },
	{ NAME("rbx"), DK_TAIL, 87, 16, 0, 0, 0, NULL },
	{ NAME("rcx"), DK_TAIL, 88, 16, 0, 0, 0, NULL },
	{ NAME("rdx"), DK_TAIL, 89, 16, 0, 0, 0, NULL },
	{ NAME("rsi"), DK_TAIL, 90, 16, 0, 0, 0, NULL },
	{ NAME("rdi"), DK_TAIL, 91, 16, 0, 0, 0, NULL },
	{ NAME("rbp"), DK_TAIL, 92, 16, 0, 0, 0, NULL },
	{ NAME("r8"), DK_TAIL, 94, 16, 0, 0, 0, NULL },
	{ NAME("r9"), DK_TAIL, 95, 16, 0, 0, 0, NULL },
	{ NAME("r10"), DK_TAIL, 96, 16, 0, 0, 0, NULL },
	{ NAME("r11"), DK_TAIL, 97, 16, 0, 0, 0, NULL },
	{ NAME("r12"), DK_TAIL, 98, 16, 0, 0, 0, NULL },
	{ NAME("r13"), DK_TAIL, 99, 16, 0, 0, 0, NULL },
	{ NAME("r14"), DK_TAIL, 100, 16, 0, 0, 0, NULL },
	{ NAME("r15"), DK_TAIL, 101, 16, 0, 0, 0, NULL },
	{ NAME("xcr0"), DK_TAIL, 102, 16, 0, 0, 0, NULL },
	{ NAME("xss"), DK_TAIL, 103, 16, 0, 0, 0, NULL },
};

#define NLABELS (sizeof(labels) / sizeof(labels[0]))

#define HASH_SIZE 512u /* power of two, over 4x the labels: short probes */
_Static_assert(NLABELS < 255 && NLABELS * 4 <= HASH_SIZE, "label hash too small");

struct kd_state {
	int16_t fid[NLABELS];      /* field id per label (-1: special) */
	uint8_t hash[HASH_SIZE];   /* label index + 1 by label_hash(), 0 = empty */
	bool skipping;             /* after an error: dropping the rest of that dump */
	int last_ord;              /* highest ordinal of the current dump */
	unsigned gap;              /* unrelated lines since the current dump's last line */
	size_t tok;                /* where the last line's prefix token ended (strip_prefix) */
	struct svmc_mail_lines ml; /* QP, soft breaks, a line given back (mail.c) */
	char cbuf[JOIN_MAX];       /* body joined with a wrapped value */
};

struct item {
	int lab;   /* index into labels[] */
	int ord;   /* effective ordinal (tail rax/rsp differ) */
	bool tail; /* not a VMCB field */
	unsigned nv;
	const char *v[4];
	size_t vl[4];
};

enum pstat { P_OK, P_NOISE, P_BAD, P_MORE };

struct parsed {
	enum pstat st;
	int hdr;    /* header ordinal, or -1 */
	unsigned n; /* items (the first one is valid unless P_NOISE) */
	struct item it[MAX_ITEMS];
	const char *why; /* P_BAD: what is wrong */
	bool line_tail;
};

/* Per-record scratch while a record is built (within one next() call). */
struct build {
	bool active;      /* a record is being built */
	bool content;     /* at least one item applied */
	uint64_t start;   /* line of its first line */
	uint16_t half[4]; /* cr_read, cr_write, dr_read, dr_write */
	uint8_t half_seen;
};

/* ---- small text helpers ------------------------------------------------- */

static bool starts(const char *p, const char *e, const char *s)
{
	size_t n = strlen(s);
	return (size_t)(e - p) >= n && memcmp(p, s, n) == 0;
}

static const char *find(const char *p, const char *e, const char *s)
{
	return memmem(p, (size_t)(e - p), s, strlen(s));
}

/* Printable excerpt of a value for messages: at most 24 bytes, made safe for a terminal. */
static const char *excerpt(const char *s, size_t n, char *buf, size_t cap)
{
	size_t m = n < 24 ? n : 24;

	if (m > cap - 4)
		m = cap - 4;
	memcpy(buf, s, m);
	svmc_emit_text_safe(buf, m, 0);
	if (n > m) {
		memcpy(buf + m, "...", 3);
		m += 3;
	}
	buf[m] = 0;
	return buf;
}

/* ---- prefix stripping ---------------------------------------------------- */

/* A word and its length, for the lists below. */
struct word {
	const char *w;
	size_t n;
};

static const struct word facilities[] = { { NAME("kern") },   { NAME("user") }, { NAME("mail") },
					  { NAME("daemon") }, { NAME("auth") }, { NAME("syslog") },
					  { NAME("lpr") },    { NAME("news") }, { NULL, 0 } };
static const struct word levels[] = { { NAME("emerg") }, { NAME("alert") }, { NAME("crit") },
				      { NAME("err") },   { NAME("warn") },  { NAME("notice") },
				      { NAME("info") },  { NAME("debug") }, { NULL, 0 } };

/*
 * "WORD<spaces>:" where WORD, the lower-case word at p, is in list; returns
 * the end or NULL.  Most lines get here with a dump label ("cpl:"), which
 * the word's length alone mostly rules out.
 */
static const char *word_colon(const char *p, const char *e, const struct word *list)
{
	const char *w = p, *q;

	while (w < e && *w >= 'a' && *w <= 'z')
		w++;
	for (unsigned i = 0; list[i].w; i++) {
		if ((size_t)(w - p) != list[i].n || *p != *list[i].w ||
		    memcmp(p, list[i].w, list[i].n) != 0)
			continue;
		q = w;
		while (q < e && *q == ' ')
			q++;
		if (q < e && *q == ':')
			return q + 1;
	}
	return NULL;
}

/*
 * Peel one leading layer of log decoration off [p, e): blanks and mail
 * quotes, "<N>", "[...]", "/dev/kmsg" "a,b,c,flags;", dmesg -x
 * "fac  :level : ".  Returns the new start (p if nothing matched).
 */
static const char *peel(const char *p, const char *e)
{
	const char *q;

	if (p < e && (*p == ' ' || *p == '\t' || *p == '>'))
		return svmc_mail_unquote(p, e);
	if (p < e && *p == '<') {
		for (q = p + 1; q < e && *q >= '0' && *q <= '9'; q++)
			;
		if (q > p + 1 && q < e && *q == '>')
			return q + 1;
		return p;
	}
	if (p < e && *p == '[') {
		q = memchr(p, ']', (size_t)(e - p) < 64 ? (size_t)(e - p) : 64);
		return q ? q + 1 : p;
	}
	if (p < e && *p >= '0' && *p <= '9') {
		/* /dev/kmsg: level,seq,usec,flags; */
		unsigned commas = 0;
		for (q = p; q < e && q < p + 64; q++) {
			if (*q == ',')
				commas++;
			else if (*q == ';')
				return commas >= 3 ? q + 1 : p;
			else if (commas < 3 && !(*q >= '0' && *q <= '9'))
				return p;
		}
		return p;
	}
	/* dmesg -x "fac  :level : ": a short word, blanks, a colon */
	for (q = p; q < e && q < p + 7 && *q >= 'a' && *q <= 'z'; q++)
		;
	if (q == p || q == e || (*q != ' ' && *q != ':'))
		return p;
	/*
	 * A level word follows the facility's colon: dump labels ("asid:",
	 * "cpl:") have a number there, so most lines stop before the lists.
	 */
	while (q < e && *q == ' ')
		q++;
	if (q == e || *q != ':')
		return p;
	for (q++; q < e && *q == ' '; q++)
		;
	if (q == e || *q < 'a' || *q > 'z')
		return p;
	q = word_colon(p, e, facilities);
	if (q) {
		while (q < e && *q == ' ')
			q++;
		q = word_colon(q, e, levels);
		if (q)
			return q;
	}
	return p;
}

/* Is the colon at c, in line [line, e), the end of a prefix token ("kvm_amd: " & co)? */
static inline __attribute__((always_inline)) bool prefix_colon(const char *line, const char *c,
							       const char *e)
{
	size_t before = (size_t)(c - line);
	/* the byte before the colon rules out most colons without a memcmp */
	char last = before ? c[-1] : 0;

	return c + 1 < e && c[1] == ' ' &&
	       ((last == 'd' && before >= 7 && memcmp(c - 7, "kvm_amd", 7) == 0) ||
		(last == 'l' && before >= 6 && memcmp(c - 6, "kernel", 6) == 0) ||
		(last == 'M' && before >= 3 && memcmp(c - 3, "SVM", 3) == 0));
}

/* Past the last prefix token whose colon lies in [c, e), or NULL.  One memchr pass. */
static const char *last_token(const char *line, const char *c, const char *e)
{
	const char *best = NULL;

	while ((c = memchr(c, ':', (size_t)(e - c))) != NULL) {
		if (prefix_colon(line, c, e))
			best = c + 2;
		c++;
	}
	return best;
}

/*
 * Body of a log line: after the last prefix token ("kvm_amd: ", "SVM: ",
 * "kernel: "), then decorations peeled.  *tok is where the last line's
 * token ended (0: none): the lines of one log share their prefix's shape,
 * so when a token ends there too and none follows it, the colons before it
 * are never searched (the prefix was a fifth of the time of a dump line).
 * The body is the same either way.  *tok is updated.
 */
static void strip_prefix(const char *line, size_t len, size_t *tok, const char **bp, size_t *bl)
{
	const char *p, *e = line + len, *best = NULL;

	if (*tok >= 2 && *tok <= len && prefix_colon(line, line + *tok - 2, e)) {
		best = last_token(line, line + *tok, e);
		if (!best)
			best = line + *tok;
	} else {
		best = last_token(line, line, e);
	}
	*tok = best ? (size_t)(best - line) : 0;
	if (!best)
		best = line;
	p = best;
	for (;;) {
		const char *n = peel(p, e);
		if (n == p)
			break;
		p = n;
	}
	while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	*bp = p;
	*bl = (size_t)(e - p);
}

/* ---- parsing a body ------------------------------------------------------ */

static int header_ord(const char *p, size_t n)
{
	const char *e = p + n;

	if (n == 0 || (*p >= 'a' && *p <= 'z'))
		return -1; /* every dump label is lower-case, every header is not */
	if (find(p, e, "FAILED VMRUN WITH VMCB"))
		return ORD_FAILED;
	if (n == 18 && memcmp(p, "VMCB Control Area:", 18) == 0)
		return ORD_CTRL;
	if (n == 21 && memcmp(p, "VMCB State Save Area:", 21) == 0)
		return ORD_SAVE;
	if (find(p, e, "last attempted VMRUN on CPU")) {
		if (starts(p, e, "VMCB "))
			return ORD_VMCBHDR;
		static const char *const types[] = { "SVM vCPU", "SEV vCPU", "SEV-ES vCPU",
						     "SEV-SNP vCPU", NULL };
		for (unsigned i = 0; types[i]; i++)
			if (starts(p, e, types[i]) && find(p, e, " VMCB "))
				return ORD_VMCBHDR;
	}
	return -1;
}

/*
 * Hash of a label from its ends, its middle and its length: no loop over
 * its bytes (the lookup's memcmp checks them all).
 */
static unsigned label_hash(const char *p, size_t n)
{
	unsigned h = (unsigned char)p[0];

	h = h * 31u + (unsigned char)p[n / 2];
	h = h * 31u + (unsigned char)p[n - 1];
	return (h + (unsigned)n * 131u) & (HASH_SIZE - 1);
}

/* Index of a dump label in labels[] given its label_hash(), or -1. */
static int label_index_h(const struct kd_state *st, const char *p, size_t n, unsigned h)
{
	for (;; h = (h + 1) & (HASH_SIZE - 1)) {
		unsigned i = st->hash[h];
		if (i == 0)
			return -1;
		i--;
		if (labels[i].len == n && labels[i].name[0] == p[0] &&
		    memcmp(labels[i].name, p, n) == 0)
			return (int)i;
	}
}

/* Index of a dump label in labels[], or -1. */
static int label_index(const struct kd_state *st, const char *p, size_t n)
{
	return label_index_h(st, p, n, label_hash(p, n));
}

/* Bytes a dump label may hold: 1 for a-z 0-9 _, 2 for a blank, 0 otherwise. */
static const uint8_t labelc[256] = {
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
	['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
	['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1, ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
	['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1, ['_'] = 1, [' '] = 2,
};

/* The high bit of each blank (space, tab) byte of the 8 at p. */
static uint64_t blanks8(const char *p)
{
	uint64_t x;

	memcpy(&x, p, 8);
	return svmc_swar_eq(x, ' ') | svmc_swar_eq(x, '\t');
}

/* Past the blanks at p: the padding between a label and its value is up to 20. */
static const char *skip_blank(const char *p, const char *e)
{
	for (; e - p >= 8; p += 8) {
		uint64_t m = ~blanks8(p) & SVMC_SWAR_HIGH;

		if (m)
			return p + (__builtin_ctzll(m) >> 3);
	}
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* The end of the token at p: values are 4 to 16 digits. */
static const char *token_end(const char *p, const char *e)
{
	for (; e - p >= 8; p += 8) {
		uint64_t m = blanks8(p);

		if (m)
			return p + (__builtin_ctzll(m) >> 3);
	}
	while (p < e && *p != ' ' && *p != '\t')
		p++;
	return p;
}

/*
 * Split a body into items.  P_NOISE: not a dump line (its first label is not
 * a dump label); P_MORE: the line ends before an item's value (wrapped);
 * P_BAD: a dump line with stray text.  last_ord decides whether rax/rsp are
 * the save area's or the GPR tail's.
 */
static void parse_body(const struct kd_state *st, const char *b, size_t n, int last_ord,
		       struct parsed *ps)
{
	const char *p = b, *e = b + n;
	static const char segtags[4] = { 's', 'a', 'l', 'b' }; /* "s:" "a:" "l:" "b:" */

	ps->st = P_OK;
	ps->n = 0;
	ps->why = NULL;
	ps->line_tail = false;
	ps->hdr = header_ord(b, n);
	if (ps->hdr >= 0)
		return;
	for (;;) {
		const char *q;
		int li;

		p = skip_blank(p, e);
		if (p == e) {
			/* a blank body (strip_prefix never passes one) is no dump line */
			if (ps->n == 0)
				ps->st = P_NOISE;
			break;
		}
		if (ps->n == 0 && *p == 's' && starts(p, e, "sev_features") &&
		    (p + 12 == e || p[12] == ' ' || p[12] == ':')) {
			/* printed without a colon (a dump_vmcb() label quirk) */
			li = label_index(st, "sev_features", 12);
			q = p + 12;
			if (q < e && *q == ':')
				q++;
		} else {
			/*
			 * The label ends at the first colon, less its blanks: when
			 * the table has it, it is a label of dump bytes whatever the
			 * rest of the line; else the bytes say why the line is not.
			 */
			const char *le = memchr(p, ':', (size_t)(e - p));

			li = -1;
			if (le) {
				q = le + 1;
				while (le > p && le[-1] == ' ')
					le--;
				if (le > p)
					li = label_index(st, p, (size_t)(le - p));
			}
			if (li < 0) {
				for (q = p; q < e && labelc[(unsigned char)*q]; q++)
					;
				if (q == e || *q != ':') {
					if (ps->n == 0) {
						ps->st = P_NOISE;
					} else {
						ps->st = P_BAD;
						ps->why = "stray text after a value";
					}
					return;
				}
			}
		}
		if (li < 0) {
			if (ps->n == 0) {
				ps->st = P_NOISE;
			} else {
				ps->st = P_BAD;
				ps->why = "an unknown label after a value";
			}
			return;
		}
		if (ps->n == MAX_ITEMS) {
			ps->st = P_BAD;
			ps->why = "more fields on one line than any dump prints";
			return;
		}
		struct item *it = &ps->it[ps->n++];
		it->lab = li;
		it->nv = 0;
		it->tail = labels[li].kind == DK_TAIL;
		if (it->tail)
			ps->line_tail = true;
		p = q;
		if (labels[li].kind == DK_SEG) {
			for (unsigned k = 0; k < 4; k++) {
				p = skip_blank(p, e);
				if (p == e) {
					ps->st = P_MORE;
					goto ords;
				}
				if (e - p < 2 || p[0] != segtags[k] || p[1] != ':') {
					ps->st = P_BAD;
					ps->why = "a segment line not in the form s: a: l: b:";
					goto ords;
				}
				p = skip_blank(p + 2, e);
				if (p == e) {
					ps->st = P_MORE;
					goto ords;
				}
				it->v[k] = p;
				p = token_end(p, e);
				it->vl[k] = (size_t)(p - it->v[k]);
				it->nv++;
			}
			continue;
		}
		p = skip_blank(p, e);
		if (p == e) {
			ps->st = P_MORE;
			goto ords;
		}
		it->v[0] = p;
		p = token_end(p, e);
		it->vl[0] = (size_t)(p - it->v[0]);
		it->nv = 1;
		if (labels[li].kind == DK_ICPT && it->vl[0] == 8) {
			/* two 32-bit words: word 3, then word 4 */
			p = skip_blank(p, e);
			if (p == e) {
				ps->st = P_MORE;
				goto ords;
			}
			it->v[1] = p;
			p = token_end(p, e);
			it->vl[1] = (size_t)(p - it->v[1]);
			it->nv = 2;
		}
	}
ords:
	for (unsigned i = 0; i < ps->n; i++) {
		struct item *it = &ps->it[i];
		const struct dlabel *l = &labels[it->lab];
		it->ord = l->ord;
		if (l->tail_ord && (ps->line_tail || last_ord > ORD_RAX)) {
			it->ord = l->tail_ord;
			it->tail = true;
		}
	}
}

/* ---- values -------------------------------------------------------------- */

/*
 * Hex value of a token: 0 ok, 1 not hex, 2 more than 16 digits.  *v is
 * the value when ok and 0 otherwise (never left unset).
 */
static int hex_tok(const char *s, size_t n, uint64_t *v)
{
	uint64_t x = 0;
	size_t i = 0;
	uint32_t w;

	*v = 0;
	if (n == 16 || n == 8) {
		/* what the kernel prints (%016llx, %08x): no loop */
		uint32_t hi = 0;

		if ((n == 8 || svmc_hex8(s, &hi)) && svmc_hex8(s + n - 8, &w)) {
			*v = (uint64_t)hi << 32 | w;
			return 0;
		}
		return 1;
	}
	if (n == 0)
		return 1;
	/* one pass: any non-digit is "not hex" whatever the length */
	for (; n - i >= 8; i += 8) {
		if (!svmc_hex8(s + i, &w))
			return 1;
		x = x << 32 | w;
	}
	for (; i < n; i++) {
		unsigned d = svmc_hexval1[(unsigned char)s[i]];
		if (!d)
			return 1;
		x = (x << 4) | (d - 1u);
	}
	if (n > 16)
		return 2;
	*v = x;
	return 0;
}

/*
 * Decimal value of a token for a field `bits` wide: 0 ok, 1 not decimal,
 * 2 out of range.  A '-' is accepted only when negbits says the kernel
 * prints this field with a signed conversion (%d of a u32, %lld of a u64);
 * the value is then stored as its two's complement, after checking it lies
 * in the signed range of that width.
 */
static int dec_tok(const char *s, size_t n, unsigned bits, unsigned negbits, uint64_t *v)
{
	uint64_t x = 0;
	size_t i = 0;
	bool neg = false;

	if (n && s[0] == '-') {
		neg = true;
		i = 1;
	}
	if (i == n)
		return 1;
	for (size_t k = i; k < n; k++)
		if (s[k] < '0' || s[k] > '9')
			return 1;
	for (; i < n; i++) {
		unsigned d = (unsigned)(s[i] - '0');
		if (x > (UINT64_MAX - d) / 10)
			return 2;
		x = x * 10 + d;
	}
	if (neg) {
		if (!negbits)
			return 2;
		if (x > (UINT64_C(1) << (negbits - 1)))
			return 2;
		x = (uint64_t)0 - x;
		if (negbits < 64)
			x &= (UINT64_C(1) << negbits) - 1;
	} else if (bits < 64 && (x >> bits)) {
		return 2;
	}
	*v = x;
	return 0;
}

/* hex_for()'s error for a token hex_tok() returned rc for (cold: kept out of the hot path). */
static __attribute__((noinline, cold)) enum svmc_err hex_error(const char *lab, const char *s,
							       size_t n, int rc,
							       unsigned min_digits, unsigned bits,
							       struct svmc_diag *d)
{
	char ex[40];

	if (rc == 1)
		return svmc_diag_set(d, SVMC_ERR_FORMAT, "%s: '%s' is not a hexadecimal value", lab,
				     excerpt(s, n, ex, sizeof(ex)));
	if (rc == 2)
		return svmc_diag_set(
			d, SVMC_ERR_RANGE,
			"%s: value '%s' (%zu hex digits) is too wide for its %u-bit field", lab,
			excerpt(s, n, ex, sizeof(ex)), n, bits);
	return svmc_diag_set(d, SVMC_ERR_TRUNCATED,
			     "%s: value '%s' has %zu hex digits where the kernel prints %u: "
			     "the line looks cut",
			     lab, excerpt(s, n, ex, sizeof(ex)), n, min_digits);
}

/* Hex token for a label: parse, check digits and width; error with d filled. */
static inline enum svmc_err hex_for(const char *lab, const char *s, size_t n, unsigned min_digits,
				    unsigned bits, uint64_t *v, struct svmc_diag *d)
{
	int rc = hex_tok(s, n, v);

	if (rc == 0 && bits < 64 && (*v >> bits))
		rc = 2;
	if (rc || n < min_digits)
		return hex_error(lab, s, n, rc, min_digits, bits, d);
	return SVMC_OK;
}

/* ---- applying items to a record ----------------------------------------- */

static enum svmc_err conflict(struct svmc_diag *d, const char *lab, uint64_t old, uint64_t now)
{
	return svmc_diag_set(d, SVMC_ERR_CONFLICT,
			     "%s given twice in one dump with different values (0x%" PRIx64
			     " and 0x%" PRIx64 ")",
			     lab, old, now);
}

static enum svmc_err set_field(struct svmc_record *rec, enum svmc_field_id f, uint64_t v,
			       const char *lab, struct svmc_diag *d)
{
	if (svmc_known(rec, f)) {
		uint64_t old = svmc_field_get(rec, f);
		return old == v ? SVMC_OK : conflict(d, lab, old, v);
	}
	if (svmc_field_set(rec, f, v) != SVMC_OK)
		return svmc_diag_set(d, SVMC_ERR_RANGE,
				     "%s: value 0x%" PRIx64 " is too wide for its field", lab, v);
	return SVMC_OK;
}

static enum svmc_err apply_item(const struct kd_state *st, const struct item *it,
				struct svmc_record *rec, struct build *b, struct svmc_diag *d)
{
	const struct dlabel *l = &labels[it->lab];
	int16_t fid = st->fid[it->lab];
	unsigned bits = fid >= 0 ? svmc_fields[fid].size * 8u : 64u;
	uint64_t v, w;
	enum svmc_err e;
	char ex[40];

	if (it->tail) {
		/* Not a VMCB field (register cache / VMSA): checked, not stored. */
		return hex_for(l->name, it->v[0], it->vl[0], l->width, 64, &v, d);
	}
	switch (l->kind) {
	case DK_HEX:
		/*
		 * exit_code: kernels before 2026 print %08x of the low 32 bits
		 * (exit_code_hi was never printed); 8 digits are stored as that
		 * 32-bit value zero-extended, so "ffffffff" reads 0x00000000ffffffff.
		 */
		e = hex_for(l->name, it->v[0], it->vl[0], l->width, bits, &v, d);
		return e ? e : set_field(rec, (enum svmc_field_id)fid, v, l->name, d);
	case DK_DEC: {
		int rc = dec_tok(it->v[0], it->vl[0], bits, l->negbits, &v);
		if (rc == 1)
			return svmc_diag_set(d, SVMC_ERR_FORMAT, "%s: '%s' is not a decimal value",
					     l->name, excerpt(it->v[0], it->vl[0], ex, sizeof(ex)));
		if (rc == 2)
			return svmc_diag_set(d, SVMC_ERR_RANGE,
					     "%s: value '%s' does not fit its %u-bit field%s",
					     l->name, excerpt(it->v[0], it->vl[0], ex, sizeof(ex)),
					     bits,
					     it->v[0][0] == '-' && !l->negbits ?
						     " (the kernel prints it unsigned)" :
						     "");
		return set_field(rec, (enum svmc_field_id)fid, v, l->name, d);
	}
	case DK_HALF: {
		unsigned k = (fid == SVMC_F_INTERCEPT_DR ? 2u : 0u) + l->hi;
		e = hex_for(l->name, it->v[0], it->vl[0], l->width, 16, &v, d);
		if (e)
			return e;
		if (b->half_seen & (1u << k)) {
			if (b->half[k] != v)
				return conflict(d, l->name, b->half[k], v);
			return SVMC_OK;
		}
		b->half[k] = (uint16_t)v;
		b->half_seen |= (uint8_t)(1u << k);
		return SVMC_OK;
	}
	case DK_ICPT:
		if (it->nv == 1) {
			/* one %016llx: word 3 in the low half, word 4 in the high half */
			e = hex_for(l->name, it->v[0], it->vl[0], 16, 64, &v, d);
			if (e)
				return e;
			w = v >> 32;
			v &= 0xffffffffu;
		} else {
			e = hex_for(l->name, it->v[0], it->vl[0], 8, 32, &v, d);
			if (!e)
				e = hex_for(l->name, it->v[1], it->vl[1], 8, 32, &w, d);
			if (e)
				return e;
		}
		e = set_field(rec, SVMC_F_INTERCEPT_MISC1, v, "intercepts (word 3)", d);
		return e ? e : set_field(rec, SVMC_F_INTERCEPT_MISC2, w, "intercepts (word 4)", d);
	case DK_SEG: {
		struct svmc_vmcb_seg s;
		uint64_t sel, attr, lim, base;
		if ((e = hex_for(l->name, it->v[0], it->vl[0], 4, 16, &sel, d)) ||
		    (e = hex_for(l->name, it->v[1], it->vl[1], 4, 16, &attr, d)) ||
		    (e = hex_for(l->name, it->v[2], it->vl[2], 8, 32, &lim, d)) ||
		    (e = hex_for(l->name, it->v[3], it->vl[3], 16, 64, &base, d)))
			return e;
		s.selector = (uint16_t)sel;
		s.attrib = (uint16_t)attr;
		s.limit = (uint32_t)lim;
		s.base = base;
		struct svmc_vmcb_seg *dst = svmc_field_seg(rec, (enum svmc_field_id)fid);
		if (svmc_known(rec, (enum svmc_field_id)fid)) {
			if (dst->selector != s.selector || dst->attrib != s.attrib ||
			    dst->limit != s.limit || dst->base != s.base)
				return svmc_diag_set(
					d, SVMC_ERR_CONFLICT,
					"%s given twice in one dump with different values",
					l->name);
			return SVMC_OK;
		}
		memcpy(dst, &s, sizeof(s));
		svmc_mark_known(rec, (enum svmc_field_id)fid);
		return SVMC_OK;
	}
	default:
		return SVMC_OK;
	}
}

/* ---- lines --------------------------------------------------------------- */

/* Is this (undecoded) line, once stripped, a dump line or header? */
static bool looks_dump(const struct kd_state *st, const char *p, size_t n)
{
	const char *b;
	size_t bl;
	struct parsed ps;

	size_t tok = 0;

	strip_prefix(p, n, &tok, &b, &bl);
	parse_body(st, b, bl, -1, &ps);
	return ps.hdr >= 0 || ps.st != P_NOISE;
}

/* svmc_mail_getline()'s test for a soft break before QP is seen: a dump line. */
static bool soft_dump(const void *ctx, const char *p, size_t n)
{
	return looks_dump(ctx, p, n);
}

/* Next logical line (svmc_mail_getline).  False at end of input. */
static bool next_line(struct svmc_reader *r, struct kd_state *st, struct svmc_mail_line *ln)
{
	return svmc_mail_getline(&r->src, &st->ml, ln, soft_dump, st);
}

/* ---- records ------------------------------------------------------------- */

/* An error for the current dump: position, index used up, rest skipped. */
static enum svmc_err fail_record(struct svmc_reader *r, struct kd_state *st, struct build *b,
				 uint64_t line, enum svmc_err e, struct svmc_diag *d)
{
	d->line = line;
	d->index = r->index++;
	st->skipping = true;
	b->active = false;
	return e;
}

/* The current dump is complete: combine the halves and hand it out. */
static enum svmc_err finish(struct svmc_reader *r, struct build *b, struct svmc_record *rec,
			    struct svmc_diag *d)
{
	b->active = false;
	if (!b->content) {
		d->line = b->start;
		d->index = r->index++;
		return svmc_diag_set(d, SVMC_ERR_TRUNCATED,
				     "a dump_vmcb header with no VMCB field after it");
	}
	/* A 32-bit intercept word is known only when both of its halves were. */
	if ((b->half_seen & 3) == 3)
		svmc_field_set(rec, SVMC_F_INTERCEPT_CR,
			       (uint32_t)b->half[0] | (uint32_t)b->half[1] << 16);
	if ((b->half_seen & 12) == 12)
		svmc_field_set(rec, SVMC_F_INTERCEPT_DR,
			       (uint32_t)b->half[2] | (uint32_t)b->half[3] << 16);
	rec->line = b->start;
	return SVMC_OK;
}

static int line_max_ord(const struct parsed *ps)
{
	int m = ps->hdr;
	for (unsigned i = 0; i < ps->n; i++)
		if (ps->it[i].ord > m)
			m = ps->it[i].ord;
	return m;
}

/*
 * A line ended before a value: join it with the next line if that is the
 * bare value.  Returns true with *ps re-parsed from st->cbuf on success;
 * false when the next line is something else (it is pushed back) or the
 * input ends.
 */
static bool join_wrapped(struct svmc_reader *r, struct kd_state *st, const char *body, size_t bl,
			 int last_ord, struct parsed *ps)
{
	struct svmc_mail_line nx;
	size_t cl;

	if (bl + 1 >= JOIN_MAX)
		return false;
	memmove(st->cbuf, body, bl);
	cl = bl;
	if (!next_line(r, st, &nx))
		return false;
	const char *e = nx.p + nx.len, *p = svmc_mail_unquote(nx.p, e);
	while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	if (nx.too_long || p == e || cl + 1 + (size_t)(e - p) > JOIN_MAX) {
		svmc_mail_unget(&st->ml, &nx);
		return false;
	}
	st->cbuf[cl++] = ' ';
	memcpy(st->cbuf + cl, p, (size_t)(e - p));
	cl += (size_t)(e - p);
	struct parsed j;
	parse_body(st, st->cbuf, cl, last_ord, &j);
	if (j.st != P_OK || j.n <= ps->n - 1) {
		svmc_mail_unget(&st->ml, &nx);
		return false;
	}
	*ps = j;
	return true;
}

static enum svmc_err kd_next(struct svmc_reader *r, struct svmc_record *rec, struct svmc_diag *d)
{
	struct kd_state *st = r->state;
	struct build b = { 0 };
	struct svmc_mail_line ln;
	struct parsed ps;

	for (;;) {
		if (!next_line(r, st, &ln)) {
			st->skipping = false;
			if (b.active)
				return finish(r, &b, rec, d);
			return SVMC_ERR_EMPTY;
		}
		bool inside = b.active || st->skipping;
		if (ln.too_long) {
			if (b.active && st->gap == 0) {
				svmc_diag_set(d, SVMC_ERR_LIMIT,
					      "a line longer than %u bytes inside a dump",
					      SRC_LINE_MAX);
				return fail_record(r, st, &b, ln.lineno, SVMC_ERR_LIMIT, d);
			}
			st->gap++;
			continue;
		}
		const char *body;
		size_t bl;
		strip_prefix(ln.p, ln.len, &st->tok, &body, &bl);
		if (bl == 0)
			continue;
		parse_body(st, body, bl, inside ? st->last_ord : -1, &ps);
		if (ps.hdr < 0 && ps.st == P_NOISE) {
			st->gap++;
			continue;
		}
		int o = ps.hdr >= 0 ? ps.hdr : ps.it[0].ord;
		bool starts_rec;
		if (!inside) {
			/* Outside a dump only a clean dump line opens one. */
			if (ps.hdr < 0 && (ps.st == P_BAD || ps.line_tail))
				continue;
			starts_rec = true;
		} else {
			starts_rec = o <= st->last_ord &&
				     (ps.hdr >= 0 || o == ORD_CR_READ || st->gap > 0);
		}
		if (starts_rec) {
			if (b.active) {
				svmc_mail_unget(&st->ml, &ln);
				return finish(r, &b, rec, d);
			}
			st->skipping = false;
			memset(&b, 0, sizeof(b));
			b.active = true;
			b.start = ln.lineno;
			st->last_ord = -1;
			st->gap = 0;
			if (ps.hdr < 0)
				parse_body(st, body, bl, -1, &ps);
		}
		if (st->skipping) {
			int m = line_max_ord(&ps);
			if (m > st->last_ord)
				st->last_ord = m;
			st->gap = 0;
			continue;
		}
		if (ps.st == P_MORE) {
			/* body may live in the window or jbuf: join_wrapped copies it first */
			const char *lname = labels[ps.it[ps.n - 1].lab].name;
			if (!join_wrapped(r, st, body, bl, st->last_ord, &ps)) {
				if (!inside) {
					/* it opened nothing yet: an unrelated line after all */
					b.active = false;
					st->gap++;
					continue;
				}
				svmc_diag_set(
					d, SVMC_ERR_TRUNCATED,
					"the line ends after '%s' before its value is complete "
					"(a cut line?)",
					lname);
				return fail_record(r, st, &b, ln.lineno, SVMC_ERR_TRUNCATED, d);
			}
		}
		if (ps.st == P_BAD) {
			svmc_diag_set(d, SVMC_ERR_FORMAT, "dump line with %s", ps.why);
			return fail_record(r, st, &b, ln.lineno, SVMC_ERR_FORMAT, d);
		}
		for (unsigned i = 0; i < ps.n; i++) {
			enum svmc_err e = apply_item(st, &ps.it[i], rec, &b, d);
			if (e) {
				int m = line_max_ord(&ps);
				if (m > st->last_ord)
					st->last_ord = m;
				return fail_record(r, st, &b, ln.lineno, e, d);
			}
			b.content = true;
		}
		int m = line_max_ord(&ps);
		if (m > st->last_ord)
			st->last_ord = m;
		st->gap = 0;
	}
}

static enum svmc_err kd_init(struct svmc_reader *r, struct svmc_diag *d)
{
	struct kd_state *st = r->state;

	/* journalctl -o json/json-pretty/export: the MESSAGE fields are the log */
	svmc_src_journal(&r->src);

	for (unsigned i = 0; i < NLABELS; i++) {
		const struct dlabel *l = &labels[i];
		const char *name = l->field ? l->field : l->name;
		const struct svmc_field *f;

		st->fid[i] = -1;
		if (l->kind != DK_HEX && l->kind != DK_DEC && l->kind != DK_HALF &&
		    l->kind != DK_SEG)
			continue;
		f = svmc_field_lookup(name, strlen(name), SVMC_AREA_PAGE);
		if (!f)
			return svmc_diag_set(
				d, SVMC_ERR_USAGE,
				"internal: the field table has no name for dump label '%s'",
				l->name);
		st->fid[i] = (int16_t)f->id;
	}
	for (unsigned i = 0; i < NLABELS; i++) {
		unsigned h = label_hash(labels[i].name, labels[i].len);
		while (st->hash[h])
			h = (h + 1) & (HASH_SIZE - 1);
		st->hash[h] = (uint8_t)(i + 1);
	}
	st->last_ord = -1;
	return SVMC_OK;
}

static void kd_restart(struct svmc_reader *r)
{
	struct kd_state *st = r->state;

	st->ml.qp = false;
	st->skipping = false;
	st->last_ord = -1;
	st->gap = 0;
	st->ml.has_pend = false;
}

/* [p, p+n) without its '\r', ends in '=': a soft line break joins the next line to it. */
static bool soft_break(const char *p, size_t n)
{
	if (n && p[n - 1] == '\r')
		n--;
	return n && p[n - 1] == '=';
}

/* The line of [b, e) that starts at *ls; its length (without '\n') into *len. */
static const char *line_at(const char *b, const char *e, size_t ls, size_t *len)
{
	const char *nl = memchr(b + ls, '\n', (size_t)(e - (b + ls)));

	*len = (size_t)((nl ? nl : e) - (b + ls));
	return b + ls;
}

/* Where the line that holds b[k] starts. */
static size_t line_start(const char *b, size_t k)
{
	const char *nl = k ? memrchr(b, '\n', k) : NULL;

	return nl ? (size_t)(nl - b) + 1 : 0;
}

/*
 * Is the line at ls a boundary?  It must open a dump whatever came before:
 * a header before the save area, or cr_read, each with lower ordinals than
 * the line before it, a clean dump line of its own (so the dump before is
 * open with that line's ordinal, or failed at or after it, and the line
 * must start the next one: see kd_next).  Neither that line nor the one
 * before it ends in a soft break, so no join reaches across.
 */
static bool kd_boundary(const struct kd_state *st, const char *b, const char *e, size_t ls)
{
	const char *p, *body;
	size_t n, bl, ps_at, tok = 0;
	struct parsed ps;

	if (ls == 0)
		return false;
	p = line_at(b, e, ls, &n);
	strip_prefix(p, n, &tok, &body, &bl);
	parse_body(st, body, bl, -1, &ps);
	if (n >= SRC_LINE_MAX || !((ps.hdr >= 0 && ps.hdr < ORD_SAVE) ||
				   (ps.hdr < 0 && ps.st == P_OK && ps.it[0].ord == ORD_CR_READ)))
		return false;
	ps_at = line_start(b, ls - 1);
	p = line_at(b, e, ps_at, &n);
	if (n >= SRC_LINE_MAX || soft_break(p, n))
		return false;
	if (ps_at > 0) {
		size_t pp_at = line_start(b, ps_at - 1), pn;
		const char *pp = line_at(b, e, pp_at, &pn);

		if (soft_break(pp, pn))
			return false;
	}
	strip_prefix(p, n, &tok, &body, &bl);
	parse_body(st, body, bl, -1, &ps);
	return ps.hdr < 0 && ps.st == P_OK && line_max_ord(&ps) > ORD_CR_READ;
}

/*
 * The boundary finder (svmc_format_ops.cut): the first line at or after
 * `from` that opens a dump whatever came before (kd_boundary), found from
 * the "VMCB" of the headers or from "cr_read:".  Quoted-printable text
 * switches escape decoding on for the rest of the input, which a reader
 * started later would not know: after the first escape there is none.
 */
static size_t kd_cut(const struct svmc_reader *r, const char *b, size_t n, size_t from)
{
	const struct kd_state *st = r->state;
	const char *e = b + n, *hv = b, *cr = b, *k;
	size_t at = from;

	/* hv, cr: the next "VMCB" and "cr_read:" at or after at (e: none left) */
	while (at < n) {
		size_t ls;

		if (hv < b + at)
			hv = memmem(b + at, n - at, "VMCB", 4);
		if (cr < b + at)
			cr = memmem(b + at, n - at, "cr_read:", 8);
		hv = hv ? hv : e;
		cr = cr ? cr : e;
		k = hv < cr ? hv : cr;
		if (k == e)
			break;
		ls = line_start(b, (size_t)(k - b));
		if (ls >= from && kd_boundary(st, b, e, ls))
			return svmc_mail_qp_escape(b, ls) ? SVMC_CUT_NEVER : ls;
		at = (size_t)(k - b) + 1;
	}
	/* the text after the last boundary is read as one piece: escapes in it are its own */
	return SVMC_CUT_NONE;
}

/*
 * A "cr_read:" of dump_vmcb() in [b, b+n): not the one a kvm_nested_intercepts
 * tracepoint line prints (trace.c reads those).
 */
static bool dump_cr_read(const unsigned char *b, size_t n)
{
	const unsigned char *p = b, *e = b + n, *hit;

	while ((hit = memmem(p, (size_t)(e - p), "cr_read:", 8)) != NULL) {
		const unsigned char *s = hit;

		while (s > b && s[-1] != '\n')
			s--;
		if (!memmem(s, (size_t)(hit - s), "kvm_nested_intercepts:", 22))
			return true;
		p = hit + 8;
	}
	return false;
}

/*
 * dump_vmcb()'s headers or first label anywhere in the first bytes; else a
 * weaker hint that the text is a kernel log (a dump may come later): a
 * "kernel:", "kvm_amd" or "kvm:" token, a journald export (journal.c), or
 * a first line that opens with a dmesg timestamp '[' or a printk level '<'.
 */
static enum svmc_probe_score kd_probe(const unsigned char *b, size_t n)
{
	const char *p = (const char *)b + svmc_probe_text_start(b, n), *first;
	size_t len;

	if (svmc_probe_has(b, n, "VMCB Control Area") || dump_cr_read(b, n) ||
	    svmc_probe_has(b, n, "FAILED VMRUN WITH VMCB") ||
	    svmc_probe_has(b, n, "VMCB State Save Area"))
		return SVMC_PROBE_LABELS;
	if (svmc_probe_has(b, n, "kernel:") || svmc_probe_has(b, n, "kvm_amd") ||
	    svmc_probe_has(b, n, "kvm:") || svmc_journal_kind(b, n))
		return SVMC_PROBE_HINT;
	if (svmc_probe_next_line(&p, (const char *)b + n, &first, &len) &&
	    ((len > 2 && first[0] == '[') || (len > 3 && first[0] == '<')))
		return SVMC_PROBE_HINT;
	return SVMC_PROBE_NONE;
}

static const struct svmc_format_ops kvm_dump_ops = {
	.format = SVMC_FMT_KVM_DUMP,
	.origin = SVMC_ORIGIN_HARDWARE,
	.state_size = sizeof(struct kd_state),
	.init = kd_init,
	.next = kd_next,
	.cut = kd_cut,
	.restart = kd_restart,
};

const struct svmc_format_row svmc_kvm_dump_format = {
	.name = "kvm-dump",
	.probe = kd_probe,
	.best = SVMC_PROBE_LABELS,
	.ops = &kvm_dump_ops,
	.summary = "KVM dump_vmcb() text in kernel logs (dmesg, journalctl, syslog, mail)",
};
