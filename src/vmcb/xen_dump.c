/*
 * xen_dump.c - Xen `svm_vmcb_dump` console text (xen/arch/x86/hvm/svm/svmdebug.c).
 *
 * Xen prints a VMCB as about thirty `(XEN) ` lines: `label = value` pairs
 * (`%#x`, so zero is a bare `0`), an event_inj line with its decoded parts,
 * and a segment table.  A console log holds any number of dumps (one per
 * vCPU with the `v` debug key, framed by `>>> Domain <n> <<<` and `VCPU <n>`
 * lines), with optional bracketed timestamps and unrelated lines in between.
 * Every dump is one record whose line is the dump's first line.
 *
 * Three eras are read: current Xen (paddr/vaddr, `np_ctrl`, right-aligned
 * segment names with a column header, later `asid = ... np_ctrl = ...: NP`,
 * SSP/S_CET/ISST, lbrv and SPEC_CTRL lines), Xen 4.1-era (`np_enable`,
 * `interrupt_shadow`, `eventinj`, `CS: sel=0x..., attr=0x...`) and Xen 3.x
 * (`address = %p`, no event_inj, no H_CR3/CleanBits line).
 *
 * Xen reads 0x060, 0x068, 0x088 and 0x0A8 as 64-bit words, so vintr is
 * int_ctl plus int_vector, and exit_int_info and event_inj carry their
 * error code in bits 63:32.  Fields Xen never prints (intercept_misc3,
 * next_rip, the AVIC and SEV pointers, sysenter_*, ...) stay unknown, and so
 * do the save fields of an SEV-ES guest, whose decrypted VMSA Xen prints in
 * place of the VMCB save area (which holds host state then).
 *
 * A malformed value, a value too wide for its field or a label repeated with
 * another value is an error naming the line; the rest of that dump is
 * skipped and the next dump is read normally.  Streaming: one line at a time.
 */
#include <inttypes.h>
#include <string.h>

#include "hexdigit.h"
#include "vmcb/reader.h"

struct xen_state {
	bool in_dump;          /* a dump has begun and has not been returned yet */
	bool skip;             /* an error was reported for this dump: skip its rest */
	bool vmsa;             /* after "Decrypted SEV-ES state": save lines are the VMSA */
	uint64_t start_line;   /* the dump's first line */
	uint8_t label_at[128]; /* xen_labels index + 1 by label_hash(), 0 = empty (xen_init) */
};

/* How a label's value is read and stored. */
enum xen_how {
	XH_HEX,       /* hex (optional 0x; %#x prints a bare 0), into field */
	XH_DEC,       /* decimal, into field */
	XH_VINTR,     /* 64-bit: int_ctl (31:0) and int_vector (63:32) */
	XH_INTSTAT,   /* 64-bit: int_state (31:0) and reserved 0x06C (63:32) */
	XH_INTINFO,   /* 64-bit: exit_int_info (31:0) and its error code (63:32) */
	XH_NPCTRL,    /* hex into nested_ctl, optionally followed by ": NP SEV ..." */
	XH_VLOADSAVE, /* decimal 0/1: must agree with virt_ext bit 1 */
	XH_IGNORE,    /* a dump label that is not a VMCB field */
};

struct xen_label {
	const char *name;
	enum svmc_field_id field;
	enum xen_how how;
	bool save; /* a save-area value (not stored from an SEV-ES VMSA dump) */
};

/* Labels of `label = value` lines (all eras), case-sensitive as Xen prints them. */
static const struct xen_label xen_labels[] = {
	{ "cr_intercepts", SVMC_F_INTERCEPT_CR, XH_HEX, false },
	{ "dr_intercepts", SVMC_F_INTERCEPT_DR, XH_HEX, false },
	{ "exception_intercepts", SVMC_F_INTERCEPT_EXCEPTIONS, XH_HEX, false },
	{ "general1_intercepts", SVMC_F_INTERCEPT_MISC1, XH_HEX, false },
	{ "general2_intercepts", SVMC_F_INTERCEPT_MISC2, XH_HEX, false },
	{ "pause_filter_threshold", SVMC_F_PAUSE_FILTER_THRESH, XH_DEC, false },
	{ "pause_filter_count", SVMC_F_PAUSE_FILTER_COUNT, XH_DEC, false },
	{ "iopm_base_pa", SVMC_F_IOPM_BASE_PA, XH_HEX, false },
	{ "msrpm_base_pa", SVMC_F_MSRPM_BASE_PA, XH_HEX, false },
	{ "tsc_offset", SVMC_F_TSC_OFFSET, XH_HEX, false },
	{ "tlb_control", SVMC_F_TLB_CTL, XH_HEX, false },
	{ "vintr", SVMC_F_INT_CTL, XH_VINTR, false },
	{ "int_stat", SVMC_F_INT_STATE, XH_INTSTAT, false },
	{ "interrupt_shadow", SVMC_F_INT_STATE, XH_INTSTAT, false },
	{ "exitcode", SVMC_F_EXIT_CODE, XH_HEX, false },
	{ "exit_int_info", SVMC_F_EXIT_INT_INFO, XH_INTINFO, false },
	{ "exitintinfo", SVMC_F_EXIT_INT_INFO, XH_INTINFO, false },
	{ "exitinfo1", SVMC_F_EXIT_INFO_1, XH_HEX, false },
	{ "exitinfo2", SVMC_F_EXIT_INFO_2, XH_HEX, false },
	{ "np_ctrl", SVMC_F_NESTED_CTL, XH_NPCTRL, false },
	{ "np_enable", SVMC_F_NESTED_CTL, XH_NPCTRL, false },
	{ "guest_asid", SVMC_F_ASID, XH_HEX, false },
	{ "asid", SVMC_F_ASID, XH_HEX, false },
	{ "vmsa_pa", SVMC_F_VMSA_PA, XH_HEX, false },
	{ "virtual vmload/vmsave", SVMC_F_VIRT_EXT, XH_VLOADSAVE, false },
	{ "virt_ext", SVMC_F_VIRT_EXT, XH_HEX, false },
	{ "cpl", SVMC_F_CPL, XH_DEC, true },
	{ "efer", SVMC_F_EFER, XH_HEX, true },
	{ "star", SVMC_F_STAR, XH_HEX, true },
	{ "lstar", SVMC_F_LSTAR, XH_HEX, true },
	{ "CR0", SVMC_F_CR0, XH_HEX, true },
	{ "CR2", SVMC_F_CR2, XH_HEX, true },
	{ "CR3", SVMC_F_CR3, XH_HEX, true },
	{ "CR4", SVMC_F_CR4, XH_HEX, true },
	{ "RSP", SVMC_F_RSP, XH_HEX, true },
	{ "RIP", SVMC_F_RIP, XH_HEX, true },
	{ "RAX", SVMC_F_RAX, XH_HEX, true },
	{ "RFLAGS", SVMC_F_RFLAGS, XH_HEX, true },
	{ "DR6", SVMC_F_DR6, XH_HEX, true },
	{ "DR7", SVMC_F_DR7, XH_HEX, true },
	{ "CSTAR", SVMC_F_CSTAR, XH_HEX, true },
	{ "SFMask", SVMC_F_SFMASK, XH_HEX, true },
	{ "KernGSBase", SVMC_F_KERNEL_GS_BASE, XH_HEX, true },
	{ "PAT", SVMC_F_G_PAT, XH_HEX, true },
	{ "SSP", SVMC_F_SSP, XH_HEX, true },
	{ "S_CET", SVMC_F_S_CET, XH_HEX, true },
	{ "ISST", SVMC_F_ISST_ADDR, XH_HEX, true },
	{ "H_CR3", SVMC_F_NESTED_CR3, XH_HEX, false },
	{ "CleanBits", SVMC_F_CLEAN, XH_HEX, false },
	{ "SPEC_CTRL", SVMC_F_SPEC_CTRL, XH_HEX, true },
	/* Dump lines that carry no VMCB field we can place. */
	{ "Size of VMCB", SVMC_F_COUNT, XH_IGNORE, false },
	{ "paddr", SVMC_F_COUNT, XH_IGNORE, false },
	{ "vaddr", SVMC_F_COUNT, XH_IGNORE, false },
	{ "address", SVMC_F_COUNT, XH_IGNORE, false },
	{ "ghcb_msr", SVMC_F_COUNT, XH_IGNORE, false },    /* offset unverified */
	{ "vmgexit_rax", SVMC_F_COUNT, XH_IGNORE, false }, /* 0x110, reserved in our table */
	{ "vmgexit_cpl", SVMC_F_COUNT, XH_IGNORE, false }, /* 0x118, reserved in our table */
};

/* `lbrv: DebugCtl: %lx LBFI: %lx LBTI: %lx` and `LIFI: %lx LITI: %lx` (hex, no 0x). */
static const struct xen_label xen_colon_labels[] = {
	{ "DebugCtl", SVMC_F_DBGCTL, XH_HEX, true },
	{ "LBFI", SVMC_F_BR_FROM, XH_HEX, true },
	{ "LBTI", SVMC_F_BR_TO, XH_HEX, true },
	{ "LIFI", SVMC_F_LAST_EXCP_FROM, XH_HEX, true },
	{ "LITI", SVMC_F_LAST_EXCP_TO, XH_HEX, true },
};

/* The segment table, by the names Xen prints (its order is CS DS SS ES ...). */
static const struct {
	const char *name;
	enum svmc_field_id field;
} xen_segs[] = {
	{ "CS", SVMC_F_CS },     { "DS", SVMC_F_DS },     { "SS", SVMC_F_SS },
	{ "ES", SVMC_F_ES },     { "FS", SVMC_F_FS },     { "GS", SVMC_F_GS },
	{ "GDTR", SVMC_F_GDTR }, { "LDTR", SVMC_F_LDTR }, { "IDTR", SVMC_F_IDTR },
	{ "TR", SVMC_F_TR },
};

/* np_ctrl decoded flag words and their bits (Xen `vmcb_get_np` and friends). */
static const struct {
	const char *name;
	uint64_t bit;
} xen_np_flags[] = {
	{ "NP", 1u << 0 },   { "SEV", 1u << 1 },    { "SEV_ES", 1u << 2 },
	{ "GMET", 1u << 3 }, { "NP_SSS", 1u << 4 }, { "VTE", 1u << 5 },
};

/* A cursor over one line. */
struct cur {
	const char *p, *end;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static void skip_ws(struct cur *c)
{
	while (c->p < c->end && is_space(*c->p))
		c->p++;
}

/*
 * starts() and str_eq() look at the first byte before strlen: a line is
 * tried against a dozen line kinds and a label against every name of a table.
 */
static bool starts(const struct cur *c, const char *s)
{
	size_t n;

	if (c->p == c->end || *c->p != *s)
		return !*s;
	n = strlen(s);
	return (size_t)(c->end - c->p) >= n && memcmp(c->p, s, n) == 0;
}

static bool str_eq(const char *p, size_t n, const char *s)
{
	return (n ? *s == *p : !*s) && strlen(s) == n && memcmp(p, s, n) == 0;
}

/* Strip "(XEN)", one space, an optional "[timestamp] " and leading blanks. */
static struct cur strip_prefix(const char *line, size_t len)
{
	struct cur c = { line, line + len };
	const char *x = len < 5                       ? NULL :
			memcmp(line, "(XEN)", 5) == 0 ? line :
							memmem(line, len, "(XEN)", 5);

	if (x) {
		c.p = x + 5;
		if (c.p < c.end && *c.p == ' ')
			c.p++;
		if (c.p < c.end && *c.p == '[') {
			const char *rb = memchr(c.p, ']', (size_t)(c.end - c.p));
			if (rb)
				c.p = rb + 1;
		}
	}
	while (c.end > c.p && (is_space(c.end[-1]) || c.end[-1] == '\r'))
		c.end--;
	skip_ws(&c);
	return c;
}

/* A value token: up to blank, ',' or ':'.  Returns false if empty. */
static bool take_token(struct cur *c, const char **s, size_t *n)
{
	skip_ws(c);
	*s = c->p;
	/* eight bytes at a time: the values are up to 18 bytes ("0x" and 16 digits) */
	while (c->end - c->p >= 8) {
		uint64_t x, m;

		memcpy(&x, c->p, 8);
		m = svmc_swar_eq(x, ' ') | svmc_swar_eq(x, '\t') | svmc_swar_eq(x, ',') |
		    svmc_swar_eq(x, ':');
		if (m) {
			c->p += __builtin_ctzll(m) >> 3;
			*n = (size_t)(c->p - *s);
			return *n > 0;
		}
		c->p += 8;
	}
	while (c->p < c->end && !is_space(*c->p) && *c->p != ',' && *c->p != ':')
		c->p++;
	*n = (size_t)(c->p - *s);
	return *n > 0;
}

static bool all_hex(const char *s, size_t n)
{
	size_t i = (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? 2 : 0;
	if (i == n)
		return false;
	for (; i < n; i++) {
		if (!svmc_is_hex((unsigned char)s[i]))
			return false;
	}
	return true;
}

/* Parse a value token as hex or decimal, with a message for garbage or overflow. */
static enum svmc_err parse_value(const char *label, const char *s, size_t n, bool dec, uint64_t *v,
				 struct svmc_diag *d)
{
	if (dec ? svmc_parse_dec(s, n, v) : svmc_parse_hex(s, n, v))
		return SVMC_OK;
	if (!dec && all_hex(s, n))
		return svmc_diag_set(d, SVMC_ERR_RANGE, "%s value '%.*s' is wider than 64 bits",
				     label, (int)(n > 40 ? 40 : n), s);
	return svmc_diag_set(d, SVMC_ERR_FORMAT, "%s value '%.*s' is not a %s number", label,
			     (int)(n > 40 ? 40 : n), s, dec ? "decimal" : "hex");
}

/* Store v into an integer field, refusing a contradicting earlier value or a too-wide one. */
static enum svmc_err put(struct svmc_record *rec, enum svmc_field_id f, uint64_t v,
			 const char *label, struct svmc_diag *d)
{
	const struct svmc_field *row = &svmc_fields[f];

	if (svmc_known(rec, f)) {
		uint64_t old = svmc_field_get(rec, f);
		if (old != v)
			return svmc_diag_set(d, SVMC_ERR_CONFLICT,
					     "%s says 0x%" PRIx64 " but this dump already gave %s "
					     "0x%" PRIx64,
					     label, v, row->json, old);
		return SVMC_OK;
	}
	if (svmc_field_set(rec, f, v) != SVMC_OK)
		return svmc_diag_set(d, SVMC_ERR_RANGE,
				     "%s value 0x%" PRIx64 " is too wide for %s (%u bits)", label,
				     v, row->json, row->size * 8u);
	return SVMC_OK;
}

/* A 64-bit Xen word split over two 32-bit fields (low, high). */
static enum svmc_err put_pair(struct svmc_record *rec, enum svmc_field_id lo, enum svmc_field_id hi,
			      uint64_t v, const char *label, struct svmc_diag *d)
{
	enum svmc_err e = put(rec, lo, v & 0xffffffffu, label, d);
	return e ? e : put(rec, hi, v >> 32, label, d);
}

/* np_ctrl's decoded suffix ": NP SEV ..." must name exactly the bits that are set. */
static enum svmc_err check_np_flags(struct cur *c, uint64_t v, struct svmc_diag *d)
{
	uint64_t named = 0, known = 0;
	const char *s;
	size_t n;

	for (size_t i = 0; i < sizeof(xen_np_flags) / sizeof(*xen_np_flags); i++)
		known |= xen_np_flags[i].bit;
	while (take_token(c, &s, &n)) {
		size_t i;
		for (i = 0; i < sizeof(xen_np_flags) / sizeof(*xen_np_flags); i++)
			if (str_eq(s, n, xen_np_flags[i].name))
				break;
		if (i == sizeof(xen_np_flags) / sizeof(*xen_np_flags))
			return svmc_diag_set(d, SVMC_ERR_FORMAT, "np_ctrl flag '%.*s' is unknown",
					     (int)(n > 40 ? 40 : n), s);
		named |= xen_np_flags[i].bit;
	}
	if (named != (v & known))
		return svmc_diag_set(d, SVMC_ERR_CONFLICT,
				     "np_ctrl 0x%" PRIx64 " disagrees with its decoded flags", v);
	return SVMC_OK;
}

/* Hash of a label name of len > 0 bytes into label_at[]: its ends and length tell them apart. */
static unsigned label_hash(const char *s, size_t len)
{
	return ((unsigned char)s[0] * 7u + (unsigned char)s[len - 1] * 13u + (unsigned)len) & 127u;
}

/* The xen_labels row named [s, s+len), or NULL (a line names three or four of them). */
static const struct xen_label *pair_label(const struct xen_state *st, const char *s, size_t len)
{
	for (unsigned h = len ? label_hash(s, len) : 0; len && st->label_at[h]; h = (h + 1) & 127u)
		if (str_eq(s, len, xen_labels[st->label_at[h] - 1].name))
			return &xen_labels[st->label_at[h] - 1];
	return NULL;
}

static const struct xen_label *find_label(const struct xen_label *t, size_t n, const char *s,
					  size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (str_eq(s, len, t[i].name))
			return &t[i];
	return NULL;
}

/* Store one labelled value.  c is positioned after the value token. */
static enum svmc_err apply(struct xen_state *st, struct svmc_record *rec, const struct xen_label *l,
			   const char *s, size_t n, struct cur *c, struct svmc_diag *d)
{
	uint64_t v;
	enum svmc_err e;

	if (l->how == XH_IGNORE || (l->save && st->vmsa))
		return SVMC_OK;
	e = parse_value(l->name, s, n, l->how == XH_DEC || l->how == XH_VLOADSAVE, &v, d);
	if (e)
		return e;
	switch (l->how) {
	case XH_HEX:
	case XH_DEC:
		return put(rec, l->field, v, l->name, d);
	case XH_VINTR:
		return put_pair(rec, SVMC_F_INT_CTL, SVMC_F_INT_VECTOR, v, l->name, d);
	case XH_INTINFO:
		return put_pair(rec, SVMC_F_EXIT_INT_INFO, SVMC_F_EXIT_INT_INFO_ERR, v, l->name, d);
	case XH_INTSTAT: {
		/* bits 63:32 are the reserved word at 0x06C: kept as bytes, no field */
		uint32_t hi = (uint32_t)(v >> 32);
		e = put(rec, SVMC_F_INT_STATE, v & 0xffffffffu, l->name, d);
		if (!e)
			memcpy(rec->vmcb.control.reserved_0x06c, &hi, sizeof(hi));
		return e;
	}
	case XH_NPCTRL:
		e = put(rec, SVMC_F_NESTED_CTL, v, l->name, d);
		if (!e && c->p < c->end && *c->p == ':') {
			c->p++;
			e = check_np_flags(c, v, d);
		}
		return e;
	case XH_VLOADSAVE:
		/* Printed before virt_ext on the same line; pairs_line checks it after. */
		if (v > 1)
			return svmc_diag_set(d, SVMC_ERR_RANGE,
					     "virtual vmload/vmsave is %" PRIu64 ", not 0 or 1", v);
		if (svmc_known(rec, SVMC_F_VIRT_EXT) &&
		    ((svmc_field_get(rec, SVMC_F_VIRT_EXT) >> 1) & 1) != v)
			return svmc_diag_set(d, SVMC_ERR_CONFLICT,
					     "virtual vmload/vmsave = %" PRIu64 " disagrees with "
					     "virt_ext bit 1",
					     v);
		return SVMC_OK; /* nothing stored: virt_ext carries the bit */
	case XH_IGNORE:
		break;
	}
	return SVMC_OK;
}

/*
 * `label = value` pairs separated by blanks or commas (`RFLAGS=0x...` has no
 * blanks).  Returns SVMC_ERR_NOTFOUND when the first label is not Xen's (the
 * line is not part of a dump), SVMC_OK when stored.
 */
static enum svmc_err pairs_line(struct xen_state *st, struct svmc_record *rec, struct cur c,
				struct svmc_diag *d)
{
	bool first = true;
	uint64_t vls = UINT64_MAX; /* "virtual vmload/vmsave" value, checked after virt_ext */

	while (c.p < c.end) {
		const char *eq = memchr(c.p, '=', (size_t)(c.end - c.p)), *ls = c.p, *le, *s;
		const struct xen_label *l;
		size_t n;
		enum svmc_err e;

		if (!eq)
			return first ? SVMC_ERR_NOTFOUND : SVMC_OK;
		le = eq;
		while (le > ls && is_space(le[-1]))
			le--;
		l = pair_label(st, ls, (size_t)(le - ls));
		if (!l && first)
			return SVMC_ERR_NOTFOUND;
		first = false;
		c.p = eq + 1;
		if (!take_token(&c, &s, &n))
			return svmc_diag_set(d, SVMC_ERR_FORMAT, "%.*s has no value",
					     (int)(le - ls > 40 ? 40 : le - ls), ls);
		if (l) {
			e = apply(st, rec, l, s, n, &c, d);
			if (e)
				return e;
			if (l->how == XH_VLOADSAVE)
				svmc_parse_dec(s, n, &vls);
		}
		/* to the next label: past blanks, commas and a stray ':' */
		while (c.p < c.end && (is_space(*c.p) || *c.p == ','))
			c.p++;
	}
	if (vls != UINT64_MAX && svmc_known(rec, SVMC_F_VIRT_EXT) &&
	    ((svmc_field_get(rec, SVMC_F_VIRT_EXT) >> 1) & 1) != vls)
		return svmc_diag_set(d, SVMC_ERR_CONFLICT,
				     "virtual vmload/vmsave = %" PRIu64 " disagrees with virt_ext "
				     "0x%" PRIx64 " bit 1",
				     vls, svmc_field_get(rec, SVMC_F_VIRT_EXT));
	return SVMC_OK;
}

/* `event_inj %016llx, valid? %d, ec? %d, type %u, vector %#x` (or `eventinj`). */
static enum svmc_err event_line(struct svmc_record *rec, struct cur c, struct svmc_diag *d)
{
	static const char *const part[] = { "valid?", "ec?", "type", "vector" };
	uint64_t raw, got[4], want[4];
	const char *s;
	size_t n;
	enum svmc_err e;

	c.p += starts(&c, "event_inj") ? 9 : 8;
	if (!take_token(&c, &s, &n))
		return svmc_diag_set(d, SVMC_ERR_FORMAT, "event_inj has no value");
	e = parse_value("event_inj", s, n, false, &raw, d);
	if (e)
		return e;
	for (int i = 0; i < 4; i++) {
		size_t pl = strlen(part[i]);
		while (c.p < c.end && (is_space(*c.p) || *c.p == ','))
			c.p++;
		if ((size_t)(c.end - c.p) < pl || memcmp(c.p, part[i], pl) != 0)
			return svmc_diag_set(d, SVMC_ERR_FORMAT, "event_inj line lacks '%s'",
					     part[i]);
		c.p += pl;
		if (!take_token(&c, &s, &n))
			return svmc_diag_set(d, SVMC_ERR_FORMAT, "event_inj '%s' has no value",
					     part[i]);
		e = parse_value(part[i], s, n, i < 3, &got[i], d);
		if (e)
			return e;
	}
	want[0] = (raw >> 31) & 1;
	want[1] = (raw >> 11) & 1;
	want[2] = (raw >> 8) & 7;
	want[3] = raw & 0xff;
	for (int i = 0; i < 4; i++)
		if (got[i] != want[i])
			return svmc_diag_set(d, SVMC_ERR_CONFLICT,
					     "event_inj %016" PRIx64 " has %s %" PRIu64
					     ", but the line says %" PRIu64,
					     raw, part[i], want[i], got[i]);
	return put_pair(rec, SVMC_F_EVENT_INJ, SVMC_F_EVENT_INJ_ERR, raw, "event_inj", d);
}

/*
 * A segment line, `  CS: 0010 029b ffffffff 0000000000000000` or (older)
 * `CS: sel=0x0010, attr=0x029b, limit=0xffffffff, base=0x0000000000000000`.
 * Returns SVMC_ERR_NOTFOUND if the line does not start with a segment name;
 * *seg is the field id when it does.
 */
static enum svmc_err seg_line(struct svmc_record *rec, struct cur c, bool vmsa,
			      enum svmc_field_id *seg, struct svmc_diag *d)
{
	static const char *const key[] = { "sel=", "attr=", "limit=", "base=" };
	static const uint64_t max[] = { 0xffff, 0xffff, 0xffffffff, UINT64_MAX };
	const char *colon = memchr(c.p, ':', (size_t)(c.end - c.p)), *s;
	uint64_t v[4];
	size_t n, i;
	bool old;

	if (!colon)
		return SVMC_ERR_NOTFOUND;
	for (i = 0; i < sizeof(xen_segs) / sizeof(*xen_segs); i++)
		if (str_eq(c.p, (size_t)(colon - c.p), xen_segs[i].name))
			break;
	if (i == sizeof(xen_segs) / sizeof(*xen_segs))
		return SVMC_ERR_NOTFOUND;
	*seg = xen_segs[i].field;
	c.p = colon + 1;
	skip_ws(&c);
	old = starts(&c, "sel=");
	for (int k = 0; k < 4; k++) {
		while (c.p < c.end && (is_space(*c.p) || *c.p == ','))
			c.p++;
		if (old) {
			if (!starts(&c, key[k]))
				return svmc_diag_set(d, SVMC_ERR_FORMAT, "%s line lacks '%s'",
						     xen_segs[i].name, key[k]);
			c.p += strlen(key[k]);
		}
		if (!take_token(&c, &s, &n))
			return svmc_diag_set(
				d, SVMC_ERR_FORMAT,
				"%s line has %d of its 4 columns (sel attr limit base)",
				xen_segs[i].name, k);
		enum svmc_err e = parse_value(xen_segs[i].name, s, n, false, &v[k], d);
		if (e)
			return e;
		if (v[k] > max[k])
			return svmc_diag_set(d, SVMC_ERR_RANGE,
					     "%s %.*s value 0x%" PRIx64 " is too wide",
					     xen_segs[i].name, (int)strlen(key[k]) - 1, key[k],
					     v[k]);
	}
	while (c.p < c.end && (is_space(*c.p) || *c.p == ','))
		c.p++;
	if (c.p != c.end)
		return svmc_diag_set(d, SVMC_ERR_FORMAT, "%s line has trailing text '%.*s'",
				     xen_segs[i].name, (int)(c.end - c.p > 40 ? 40 : c.end - c.p),
				     c.p);
	if (vmsa)
		return SVMC_OK;

	struct svmc_vmcb_seg nv = { (uint16_t)v[0], (uint16_t)v[1], (uint32_t)v[2], v[3] };
	struct svmc_vmcb_seg *sp = svmc_field_seg(rec, *seg);
	if (svmc_known(rec, *seg)) {
		if (memcmp(sp, &nv, sizeof(nv)) != 0)
			return svmc_diag_set(d, SVMC_ERR_CONFLICT,
					     "%s is given twice with different values",
					     xen_segs[i].name);
		return SVMC_OK;
	}
	memcpy(sp, &nv, sizeof(nv));
	svmc_mark_known(rec, *seg);
	return SVMC_OK;
}

/* `lbrv: DebugCtl: 0 LBFI: ... LBTI: ...` / `LIFI: ... LITI: ...`. */
static enum svmc_err colon_line(struct xen_state *st, struct svmc_record *rec, struct cur c,
				struct svmc_diag *d)
{
	if (starts(&c, "lbrv:"))
		c.p += 5;
	for (;;) {
		const char *s, *colon;
		const struct xen_label *l;
		size_t n;
		enum svmc_err e;

		skip_ws(&c);
		if (c.p == c.end)
			return SVMC_OK;
		colon = memchr(c.p, ':', (size_t)(c.end - c.p));
		if (!colon)
			return svmc_diag_set(d, SVMC_ERR_FORMAT,
					     "lbrv line: no label before '%.*s'",
					     (int)(c.end - c.p > 40 ? 40 : c.end - c.p), c.p);
		l = find_label(xen_colon_labels,
			       sizeof(xen_colon_labels) / sizeof(*xen_colon_labels), c.p,
			       (size_t)(colon - c.p));
		if (!l)
			return svmc_diag_set(d, SVMC_ERR_FORMAT, "lbrv line: unknown label '%.*s'",
					     (int)(colon - c.p > 40 ? 40 : colon - c.p), c.p);
		c.p = colon + 1;
		if (!take_token(&c, &s, &n))
			return svmc_diag_set(d, SVMC_ERR_FORMAT, "%s has no value", l->name);
		e = apply(st, rec, l, s, n, &c, d);
		if (e)
			return e;
	}
}

/* Lines that belong to Xen's output but hold no field: the `v` key framing, isvalid complaints. */
static bool framing_line(const struct cur *c)
{
	size_t n = (size_t)(c->end - c->p);

	if (starts(c, "***") || starts(c, ">>> Domain"))
		return true;
	if (starts(c, "VCPU ") && n > 5)
		return true;
	return false;
}

/* `d1v0[svm_vmexit_handler]: ...` (svm_vmcb_isvalid) or `<file>:<line>:d1v0 invalid VMCB state:`. */
static bool complaint_line(const struct cur *c)
{
	const char *p = c->p;

	/* "invalid VMCB state" found from its 'V' (memmem costs more on every line) */
	for (const char *v = p + 8;
	     c->end - v >= 11 && (v = memchr(v, 'V', (size_t)(c->end - v - 10))); v++)
		if (memcmp(v - 8, "invalid VMCB state", 18) == 0)
			return true;
	if (p < c->end && *p == 'd') {
		p++;
		while (p < c->end && *p >= '0' && *p <= '9')
			p++;
		if (p < c->end && *p == 'v') {
			p++;
			while (p < c->end && *p >= '0' && *p <= '9')
				p++;
			return p < c->end && *p == '[';
		}
	}
	return false;
}

static enum svmc_err xen_next(struct svmc_reader *r, struct svmc_record *rec, struct svmc_diag *d)
{
	struct xen_state *st = r->state;
	const char *line;
	size_t len;
	uint64_t lineno, off;
	bool too_long;

	while (svmc_src_getline(&r->src, &line, &len, &lineno, &off, &too_long)) {
		struct cur c = strip_prefix(line, len);
		enum svmc_field_id seg = SVMC_F_COUNT;
		enum svmc_err e;

		d->line = lineno;
		d->index = r->index;
		if (c.p == c.end || complaint_line(&c))
			continue;
		if (starts(&c, "Dumping guest's current state")) {
			bool had = st->in_dump && !st->skip;
			uint64_t prev = st->start_line;
			st->in_dump = true;
			st->skip = false;
			st->vmsa = false;
			st->start_line = lineno;
			if (had && (rec->known[0] || rec->known[1])) {
				rec->line = prev;
				return SVMC_OK;
			}
			if (had) {
				d->line = prev;
				return svmc_diag_set(d, SVMC_ERR_TRUNCATED,
						     "the Xen VMCB dump starting here has no field "
						     "before the next dump");
			}
			continue;
		}
		if (framing_line(&c)) {
			/* the key handler's framing ends any dump in progress */
			if (st->in_dump && !st->skip) {
				st->in_dump = false;
				if (rec->known[0] || rec->known[1]) {
					rec->line = st->start_line;
					return SVMC_OK;
				}
				d->line = st->start_line;
				return svmc_diag_set(
					d, SVMC_ERR_TRUNCATED,
					"the Xen VMCB dump starting here has no field");
			}
			st->in_dump = false;
			continue;
		}
		if (st->in_dump && st->skip) {
			/* the rest of a dump already reported as an error */
			if (seg_line(rec, c, true, &seg, NULL) != SVMC_ERR_NOTFOUND &&
			    seg == SVMC_F_TR)
				st->in_dump = false;
			continue;
		}
		if (too_long) {
			if (!st->in_dump)
				continue;
			st->skip = true;
			return svmc_diag_set(d, SVMC_ERR_LIMIT,
					     "line longer than %u bytes inside a "
					     "Xen VMCB dump",
					     SRC_LINE_MAX);
		}
		if (starts(&c, "Decrypted SEV-ES state")) {
			st->vmsa = true;
			continue;
		}
		if (starts(&c, "sel attr"))
			continue;
		if (starts(&c, "event_inj ") || starts(&c, "eventinj ")) {
			e = event_line(rec, c, d);
		} else if (starts(&c, "lbrv:") || starts(&c, "LIFI:")) {
			e = colon_line(st, rec, c, d);
		} else {
			e = seg_line(rec, c, st->vmsa, &seg, d);
			if (e == SVMC_ERR_NOTFOUND)
				e = pairs_line(st, rec, c, d);
			if (e == SVMC_ERR_NOTFOUND)
				continue; /* not a dump line: interleaved console output */
		}
		if (!st->in_dump && !e && !rec->known[0] && !rec->known[1])
			continue; /* only labels that are not fields (paddr, ...) */
		if (!st->in_dump) {
			/* a dump whose first line was cut off: it starts here */
			st->in_dump = true;
			st->vmsa = false;
			st->start_line = lineno;
		}
		if (e) {
			st->skip = true;
			if (seg == SVMC_F_TR)
				st->in_dump = false;
			return e;
		}
		if (seg == SVMC_F_TR) {
			/* TR is the last line of every era's dump */
			st->in_dump = false;
			rec->line = st->start_line;
			return SVMC_OK;
		}
	}
	if (st->in_dump && !st->skip) {
		st->in_dump = false;
		if (rec->known[0] || rec->known[1]) {
			rec->line = st->start_line;
			return SVMC_OK;
		}
		d->line = st->start_line;
		d->index = r->index;
		return svmc_diag_set(d, SVMC_ERR_TRUNCATED,
				     "the Xen VMCB dump starting here ends before its first field");
	}
	return SVMC_ERR_EMPTY;
}

static void xen_restart(struct svmc_reader *r)
{
	struct xen_state *st = r->state;

	st->in_dump = false;
	st->skip = false;
	st->vmsa = false;
	st->start_line = 0;
}

static enum svmc_err xen_init(struct svmc_reader *r, struct svmc_diag *d)
{
	struct xen_state *st = r->state;

	(void)d;
	_Static_assert(sizeof(xen_labels) / sizeof(*xen_labels) < 128, "label_at too small");
	for (unsigned i = 0; i < sizeof(xen_labels) / sizeof(*xen_labels); i++) {
		const char *name = xen_labels[i].name;
		unsigned h = label_hash(name, strlen(name));

		while (st->label_at[h])
			h = (h + 1) & 127u;
		st->label_at[h] = (uint8_t)(i + 1);
	}
	return SVMC_OK;
}

/* The body of the line of [b, e) that starts at ls; false when it is too long to be read whole. */
static bool xen_line_at(const char *b, const char *e, size_t ls, struct cur *c)
{
	const char *nl = memchr(b + ls, '\n', (size_t)(e - (b + ls)));
	size_t n = (size_t)((nl ? nl : e) - (b + ls));

	*c = strip_prefix(b + ls, n);
	return n < SRC_LINE_MAX;
}

/* Where the line before the one at ls (> 0) starts. */
static size_t xen_prev_line(const char *b, size_t ls)
{
	const char *nl = ls > 1 ? memrchr(b, '\n', ls - 1) : NULL;

	return nl ? (size_t)(nl - b) + 1 : 0;
}

/*
 * The boundary finder (svmc_format_ops.cut): a "Dumping guest's current
 * state" line whose dump before it is closed: the last line before it that
 * xen_next reads as more than a blank, a complaint or the key handler's
 * framing is a TR segment line, after which no dump is open, whatever
 * happened to that dump.  Nothing else carries over a dump's first line.
 */
static size_t xen_cut(const struct svmc_reader *r, const char *b, size_t n, size_t from)
{
	static const char dumping[] = "Dumping guest's current state";
	const char *e = b + n, *k = b + from;

	(void)r;
	while ((k = memmem(k, (size_t)(e - k), dumping, sizeof(dumping) - 1)) != NULL) {
		size_t ls = (size_t)(k - b), at;
		struct cur c;

		while (ls > 0 && b[ls - 1] != '\n')
			ls--;
		k++;
		if (ls < from || !xen_line_at(b, e, ls, &c) || !starts(&c, dumping))
			continue;
		for (at = ls; at > 0;) {
			struct svmc_record rec;
			struct svmc_diag d;
			enum svmc_field_id seg = SVMC_F_COUNT;

			at = xen_prev_line(b, at);
			if (!xen_line_at(b, e, at, &c))
				break;
			if (c.p == c.end || complaint_line(&c) || framing_line(&c))
				continue;
			svmc_record_clear(&rec);
			svmc_diag_init(&d, NULL);
			if (seg_line(&rec, c, false, &seg, &d) != SVMC_ERR_NOTFOUND &&
			    seg == SVMC_F_TR)
				return ls;
			break;
		}
	}
	return SVMC_CUT_NONE;
}

/* Xen's console tag "(XEN)" and one of svm_vmcb_dump's labels or headers. */
static enum svmc_probe_score xen_probe(const unsigned char *b, size_t n)
{
	if (svmc_probe_has(b, n, "(XEN)") &&
	    (svmc_probe_has(b, n, "cr_intercepts") ||
	     svmc_probe_has(b, n, "Dumping guest's current state") ||
	     svmc_probe_has(b, n, "VMCB Areas") || svmc_probe_has(b, n, "general1_intercepts")))
		return SVMC_PROBE_TAGGED;
	return SVMC_PROBE_NONE;
}

static const struct svmc_format_ops xen_dump_ops = {
	.format = SVMC_FMT_XEN_DUMP,
	.origin = SVMC_ORIGIN_HARDWARE,
	.state_size = sizeof(struct xen_state),
	.init = xen_init,
	.next = xen_next,
	.cut = xen_cut,
	.restart = xen_restart,
};

const struct svmc_format_row svmc_xen_dump_format = {
	.name = "xen-dump",
	.probe = xen_probe,
	.best = SVMC_PROBE_TAGGED,
	.ops = &xen_dump_ops,
	.summary = "Xen svm_vmcb_dump console text ((XEN) lines)",
};
