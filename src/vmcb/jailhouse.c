/*
 * jailhouse.c - Jailhouse's panic dump of a cell's vCPU on AMD
 * (siemens/jailhouse, hypervisor/arch/x86/svm.c).
 *
 * When vcpu_handle_exit() (svm.c) cannot handle a cell's #VMEXIT it prints
 * one FATAL line and dump_guest_regs() (svm.c) the cell's state from the
 * VMCB the CPU just ran, on the hypervisor console, then panic_park()
 * (hypervisor/control.c) parks the CPU:
 *
 *   FATAL: Unexpected #VMEXIT, exitcode %llx, exitinfo1 0x%016llx exitinfo2 0x%016llx
 *   RIP: 0x%016llx RSP: 0x%016llx FLAGS: %llx
 *   RAX: 0x%016lx RBX: 0x%016lx RCX: 0x%016lx
 *   RDX: 0x%016lx RSI: 0x%016lx RDI: 0x%016lx
 *   CS: %x BASE: 0x%016llx AR-BYTES: %x EFER.LMA %d
 *   CR0: 0x%016llx CR3: 0x%016llx CR4: 0x%016llx
 *   EFER: 0x%016llx
 *   Parking CPU %d (Cell: "%s")
 *
 * The FATAL line is "VM-Entry failure, error %lld" when VMRUN failed
 * (exitcode VMEXIT_INVALID, printed -1), or a handler's own message (the
 * vcpu.c and svm.c handlers: "Unhandled MSR read", "Invalid PIO", ...),
 * which names no exit code.  Each dump is one record of origin hardware
 * (the CPU ran this VMCB) whose line is its FATAL line, or its RIP line
 * without one: save.rip, rsp, rflags, rax (svm-vmexit.S pushes the VMCB's
 * RAX as guest_regs->rax), cs (selector, base, attributes), cr0, cr3, cr4,
 * efer and, from "Unexpected #VMEXIT" or "VM-Entry failure", exit_code
 * (exit_info_1 and exit_info_2 from the first).  RBX, RCX, RDX, RSI and
 * RDI are not VMCB fields, and EFER.LMA is EFER's bit 10 again (checked to
 * agree).  The dump has no CS limit: cs is known (its attributes decide
 * CS.L and CS.D) with the limit said unknown (record.cs_limit_unknown: "?"
 * in text, null in JSON), which no check reads.  Every other field stays
 * unknown.
 *
 * Jailhouse prints the same lines from the VMCS on Intel (vmx.c,
 * dump_guest_regs), and the same RIP line for an exception in the
 * hypervisor itself (x86_exception_handler, arch/x86/control.c, after
 * "FATAL: Jailhouse triggered exception"): that frame is not a cell's and
 * is skipped; an Intel dump is an error, told by its FATAL lines
 * ("Unhandled VM-Exit, reason", "VM-Entry failure, reason"), by AR-BYTES
 * wider than the VMCB's 12-bit attributes, or by CR4.VMXE, which VMX
 * forces in the VMCS's guest CR4 (and the VMCB's rejects).
 *
 * Console text as people keep it: lines may be mail-quoted ("> "), end in
 * CR LF and have other console output between them.  A malformed line, a
 * value too wide for its field or a dump cut short is an error naming the
 * line; the next dump is read normally.  Streaming: one line at a time.
 */
#include <string.h>

#include "vmcb/reader.h"

/* The lines of dump_guest_regs(), in the order it prints them. */
enum jh_step { JH_RIP, JH_RAX, JH_RDX, JH_CS, JH_CR0, JH_EFER, JH_DONE };

/* What the FATAL line before a dump says about it. */
struct jh_fatal {
	uint64_t line; /* 0: none */
	bool exit;     /* it gave exit_code */
	bool info;     /* ... and exit_info_1/2 */
	bool intel;    /* a VMX FATAL line */
	bool hv;       /* the hypervisor's own exception: not a cell's dump */
	uint64_t code, info1, info2;
};

struct jh_state {
	enum jh_step next;   /* the dump line expected next; JH_RIP: no dump open */
	uint64_t start_line; /* the dump's FATAL or RIP line */
	struct jh_fatal fatal;
	unsigned lma; /* the CS line's EFER.LMA */
	uint64_t ar;  /* and its AR-BYTES, as printed */
	/* a RIP line that cut the dump before it short: the next dump's first */
	bool have_rip;
	uint64_t rip[3];
};

/* A line without mail quoting, leading blanks and trailing blanks. */
struct jh_line {
	const char *p, *end;
};

static struct jh_line jh_trim(const char *s, size_t n)
{
	struct jh_line l = { s, s + n };

	for (;;) {
		while (l.p < l.end && (*l.p == ' ' || *l.p == '\t'))
			l.p++;
		if (l.p < l.end && *l.p == '>')
			l.p++;
		else
			break;
	}
	while (l.end > l.p && (l.end[-1] == ' ' || l.end[-1] == '\t' || l.end[-1] == '\r'))
		l.end--;
	return l;
}

static bool jh_starts(const struct jh_line *l, const char *w)
{
	size_t n = strlen(w);

	return (size_t)(l->end - l->p) >= n && !memcmp(l->p, w, n);
}

/* Take the literal w (after blanks) from l. */
static bool jh_take(struct jh_line *l, const char *w)
{
	while (l->p < l->end && *l->p == ' ')
		l->p++;
	if (!jh_starts(l, w))
		return false;
	l->p += strlen(w);
	return true;
}

/* Take a hex number (0x optional) up to the next blank or ',' from l. */
static bool jh_hex(struct jh_line *l, uint64_t *v)
{
	const char *s;

	while (l->p < l->end && *l->p == ' ')
		l->p++;
	s = l->p;
	while (l->p < l->end && *l->p != ' ' && *l->p != ',')
		l->p++;
	return l->p > s && svmc_parse_hex(s, (size_t)(l->p - s), v);
}

/*
 * One line of the dump: labels[0..n), each followed by a hex value, into
 * v[0..n).  Anything else on the line is an error.
 */
static enum svmc_err jh_fields(struct jh_line l, const char *const *labels, unsigned n, uint64_t *v,
			       struct svmc_diag *d)
{
	for (unsigned i = 0; i < n; i++) {
		if (!jh_take(&l, labels[i]))
			return svmc_diag_set(
				d, SVMC_ERR_FORMAT,
				"the Jailhouse dump line lacks '%s' where it prints it", labels[i]);
		if (!jh_hex(&l, &v[i]))
			return svmc_diag_set(d, SVMC_ERR_FORMAT,
					     "'%s' is not followed by a hexadecimal value",
					     labels[i]);
	}
	if (l.p != l.end)
		return svmc_diag_set(d, SVMC_ERR_FORMAT, "trailing text '%.*s'",
				     (int)(l.end - l.p > 40 ? 40 : l.end - l.p), l.p);
	return SVMC_OK;
}

/*
 * Each line of dump_guest_regs(): its labels, in order, each followed by a
 * hex value, and the VMCB field each value is (SVMC_F_COUNT: none; the CS
 * line's values are the segment's and EFER.LMA, stored by jh_cs()).
 */
static const struct {
	const char *label[4];
	enum svmc_field_id field[4];
	unsigned n;
} jh_lines[JH_DONE] = {
	[JH_RIP] = { { "RIP:", "RSP:", "FLAGS:" }, { SVMC_F_RIP, SVMC_F_RSP, SVMC_F_RFLAGS }, 3 },
	[JH_RAX] = { { "RAX:", "RBX:", "RCX:" }, { SVMC_F_RAX, SVMC_F_COUNT, SVMC_F_COUNT }, 3 },
	[JH_RDX] = { { "RDX:", "RSI:", "RDI:" }, { SVMC_F_COUNT, SVMC_F_COUNT, SVMC_F_COUNT }, 3 },
	[JH_CS] = { { "CS:", "BASE:", "AR-BYTES:", "EFER.LMA" }, { SVMC_F_CS }, 4 },
	[JH_CR0] = { { "CR0:", "CR3:", "CR4:" }, { SVMC_F_CR0, SVMC_F_CR3, SVMC_F_CR4 }, 3 },
	[JH_EFER] = { { "EFER:" }, { SVMC_F_EFER }, 1 },
};

/* The line's name in messages: its first label without the colon. */
#define JH_NAME(step) (int)strlen(jh_lines[step].label[0]) - 1, jh_lines[step].label[0]

/* The CS line's values v[]: "CS: %x BASE: 0x%016llx AR-BYTES: %x EFER.LMA %d". */
static enum svmc_err jh_cs(struct jh_state *st, struct svmc_record *rec, const uint64_t *v,
			   struct svmc_diag *d)
{
	struct svmc_vmcb_seg *cs = svmc_field_seg(rec, SVMC_F_CS);

	if (v[0] > 0xffff)
		return svmc_diag_set(d, SVMC_ERR_RANGE, "CS selector 0x%llx is wider than 16 bits",
				     (unsigned long long)v[0]);
	if (v[3] > 1)
		return svmc_diag_set(d, SVMC_ERR_FORMAT, "EFER.LMA is %llu, not 0 or 1",
				     (unsigned long long)v[3]);
	cs->selector = (uint16_t)v[0];
	cs->base = v[1];
	cs->attrib = (uint16_t)v[2]; /* wider than 12 bits: jh_finish() refuses the dump */
	cs->limit = 0;               /* not in the dump: said unknown (see the top of this file) */
	rec->cs_limit_unknown = true;
	svmc_mark_known(rec, SVMC_F_CS);
	st->lma = (unsigned)v[3];
	st->ar = v[2];
	return SVMC_OK;
}

/* One dump line, expected as st->next: stored into rec. */
static enum svmc_err jh_dump_line(struct jh_state *st, struct svmc_record *rec, struct jh_line l,
				  struct svmc_diag *d)
{
	uint64_t v[4] = { 0 };
	enum svmc_err e = jh_fields(l, jh_lines[st->next].label, jh_lines[st->next].n, v, d);

	if (e)
		return e;
	if (st->next == JH_CS)
		return jh_cs(st, rec, v, d);
	for (unsigned i = 0; i < jh_lines[st->next].n; i++) {
		enum svmc_field_id f = jh_lines[st->next].field[i];

		if (f != SVMC_F_COUNT && svmc_field_set(rec, f, v[i]) != SVMC_OK)
			return svmc_diag_set(d, SVMC_ERR_RANGE,
					     "%s 0x%llx is too wide for its field",
					     jh_lines[st->next].label[i], (unsigned long long)v[i]);
	}
	return SVMC_OK;
}

/* Which dump line l is (its first label and a blank open it), JH_DONE if none. */
static enum jh_step jh_which(const struct jh_line *l)
{
	for (unsigned i = 0; i < JH_DONE; i++) {
		size_t n = strlen(jh_lines[i].label[0]);

		if (jh_starts(l, jh_lines[i].label[0]) && l->end - l->p > (ptrdiff_t)n &&
		    l->p[n] == ' ')
			return (enum jh_step)i;
	}
	return JH_DONE;
}

/* A FATAL line: what it says about the dump that follows. */
static void jh_fatal(struct jh_fatal *f, struct jh_line l, uint64_t lineno)
{
	*f = (struct jh_fatal){ .line = lineno };
	l.p += strlen("FATAL:");
	if (jh_take(&l, "Unexpected #VMEXIT, exitcode")) {
		/* svm.c vcpu_handle_exit(), its default case */
		f->info = jh_hex(&l, &f->code) && jh_take(&l, ",") && jh_take(&l, "exitinfo1") &&
			  jh_hex(&l, &f->info1) && jh_take(&l, "exitinfo2") &&
			  jh_hex(&l, &f->info2) && l.p == l.end;
		f->exit = f->info;
	} else if (jh_take(&l, "VM-Entry failure, error")) {
		/* svm.c vcpu_handle_exit(), case VMEXIT_INVALID: "%lld" of the exit code, -1 */
		while (l.p < l.end && *l.p == ' ')
			l.p++;
		f->exit = svmc_parse_dec(l.p, (size_t)(l.end - l.p), &f->code);
	} else if (jh_take(&l, "Unhandled VM-Exit, reason") ||
		   jh_take(&l, "VM-Entry failure, reason")) {
		f->intel = true; /* vmx.c vcpu_handle_exit() */
	} else if (jh_take(&l, "Jailhouse triggered exception")) {
		f->hv = true; /* arch/x86/control.c x86_exception_handler() */
	}
}

/* The dump is whole: an AMD record, or the error of an Intel one. */
static enum svmc_err jh_finish(struct jh_state *st, struct svmc_record *rec, struct svmc_diag *d)
{
	const bool lma = (rec->vmcb.save.efer >> 10) & 1;
	const struct jh_fatal *f = &st->fatal;

	d->line = st->start_line;
	/* an AMD FATAL line settles it; else VMX's marks: its exits, access rights, CR4.VMXE */
	if (!f->exit && f->intel)
		return svmc_diag_set(d, SVMC_ERR_FORMAT,
				     "a Jailhouse dump of an Intel VMX guest (vmx.c's FATAL line), "
				     "not of a VMCB");
	if (!f->exit && st->ar > 0xfff)
		return svmc_diag_set(
			d, SVMC_ERR_FORMAT,
			"a Jailhouse dump of an Intel VMX guest (AR-BYTES %llx is wider "
			"than the VMCB's 12-bit attributes), not of a VMCB",
			(unsigned long long)st->ar);
	if (!f->exit && ((rec->vmcb.save.cr4 >> 13) & 1))
		return svmc_diag_set(d, SVMC_ERR_FORMAT,
				     "a Jailhouse dump of an Intel VMX guest (CR4.VMXE, which VMX "
				     "forces in the guest CR4), not of a VMCB");
	if (st->ar > 0xffff)
		return svmc_diag_set(d, SVMC_ERR_RANGE,
				     "CS AR-BYTES %llx is wider than the VMCB's 16-bit attributes",
				     (unsigned long long)st->ar);
	if (st->lma != lma)
		return svmc_diag_set(
			d, SVMC_ERR_FORMAT,
			"EFER.LMA %u, but EFER 0x%llx has LMA (bit 10) %s: not one dump", st->lma,
			(unsigned long long)rec->vmcb.save.efer, lma ? "set" : "clear");
	if (f->exit) {
		svmc_field_set(rec, SVMC_F_EXIT_CODE, f->code);
		if (f->info) {
			svmc_field_set(rec, SVMC_F_EXIT_INFO_1, f->info1);
			svmc_field_set(rec, SVMC_F_EXIT_INFO_2, f->info2);
		}
	}
	rec->line = st->start_line;
	return SVMC_OK;
}

/* Forget the dump in progress and the FATAL line before it. */
static void jh_reset(struct jh_state *st)
{
	st->next = JH_RIP;
	st->fatal = (struct jh_fatal){ 0 };
}

/* A dump cut short by line l (a FATAL or RIP line, kept for what follows): its error. */
static enum svmc_err jh_cut(struct jh_state *st, struct svmc_record *rec, struct jh_line l,
			    uint64_t lineno, struct svmc_diag *d)
{
	enum jh_step missing = st->next;

	d->line = st->start_line;
	jh_reset(st);
	if (jh_starts(&l, "FATAL:")) {
		jh_fatal(&st->fatal, l, lineno);
	} else if (jh_fields(l, jh_lines[JH_RIP].label, 3, st->rip, d) == SVMC_OK) {
		st->have_rip = true;
		st->start_line = lineno;
	}
	svmc_record_clear(rec);
	return svmc_diag_set(d, SVMC_ERR_TRUNCATED,
			     "the Jailhouse dump starting here ends before its %.*s line",
			     JH_NAME(missing));
}

static enum svmc_err jh_next(struct svmc_reader *r, struct svmc_record *rec, struct svmc_diag *d)
{
	struct jh_state *st = r->state;
	const char *line;
	size_t len;
	uint64_t lineno, off;
	bool too_long;

	if (st->have_rip) {
		/* the RIP line that cut the last dump short opens this one */
		st->have_rip = false;
		svmc_field_set(rec, SVMC_F_RIP, st->rip[0]);
		svmc_field_set(rec, SVMC_F_RSP, st->rip[1]);
		svmc_field_set(rec, SVMC_F_RFLAGS, st->rip[2]);
		st->next = JH_RAX;
	}
	while (svmc_src_getline(&r->src, &line, &len, &lineno, &off, &too_long)) {
		struct jh_line l = jh_trim(line, len);
		bool fatal = jh_starts(&l, "FATAL:");
		enum jh_step which = too_long ? JH_DONE : jh_which(&l);
		enum svmc_err e;

		d->line = lineno;
		d->index = r->index;
		if (st->next != JH_RIP && (which != JH_DONE || fatal) && which != st->next) {
			/* a dump line out of turn, or the next FATAL: this dump was cut */
			return jh_cut(st, rec, l, lineno, d);
		}
		if (fatal) {
			jh_fatal(&st->fatal, l, lineno);
			continue;
		}
		if (st->next == JH_RIP &&
		    (jh_starts(&l, "Parking CPU ") || jh_starts(&l, "Stopping CPU "))) {
			/* panic_park()/panic_stop() end a panic: its FATAL line says no more */
			st->fatal = (struct jh_fatal){ 0 };
			continue;
		}
		if (jh_starts(&l, "Physical CPU ID:")) {
			/* x86_exception_handler() alone prints it: its RIP line is the hypervisor's */
			st->fatal.hv = true;
			continue;
		}
		if (which == JH_DONE || (st->next == JH_RIP && which != JH_RIP))
			continue; /* other console output */
		if (st->next == JH_RIP) {
			if (st->fatal.hv) {
				jh_reset(st); /* the hypervisor's own frame */
				continue;
			}
			st->start_line = st->fatal.line ? st->fatal.line : lineno;
		}
		e = jh_dump_line(st, rec, l, d);
		if (e) {
			jh_reset(st);
			return e;
		}
		st->next = (enum jh_step)(st->next + 1);
		if (st->next == JH_DONE) {
			e = jh_finish(st, rec, d);
			jh_reset(st);
			return e;
		}
	}
	if (st->next != JH_RIP) {
		enum jh_step missing = st->next;

		d->line = st->start_line;
		d->index = r->index;
		jh_reset(st);
		return svmc_diag_set(d, SVMC_ERR_TRUNCATED,
				     "the Jailhouse dump starting here ends before its %.*s line",
				     JH_NAME(missing));
	}
	return SVMC_ERR_EMPTY;
}

/* dump_guest_regs()'s CS line: its AR-BYTES and EFER.LMA labels are Jailhouse's alone. */
static enum svmc_probe_score jh_probe(const unsigned char *b, size_t n)
{
	if (svmc_probe_has(b, n, "RIP: 0x") && svmc_probe_has(b, n, " AR-BYTES: ") &&
	    svmc_probe_has(b, n, " EFER.LMA "))
		return SVMC_PROBE_LABELS;
	return SVMC_PROBE_NONE;
}

static const struct svmc_format_ops jailhouse_ops = {
	.format = SVMC_FMT_JAILHOUSE,
	.origin = SVMC_ORIGIN_HARDWARE,
	.state_size = sizeof(struct jh_state),
	.next = jh_next,
};

const struct svmc_format_row svmc_jailhouse_format = {
	.name = "jailhouse",
	.probe = jh_probe,
	.best = SVMC_PROBE_LABELS,
	.ops = &jailhouse_ops,
	.summary = "Jailhouse panic dump of an AMD cell's vCPU (dump_guest_regs, svm.c)",
};
