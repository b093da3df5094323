/*
 * trace.c - reader for KVM's nested-SVM tracepoints as text: what
 * /sys/kernel/tracing/trace and trace_pipe, `trace-cmd report` and `perf
 * script` print for the events of arch/x86/kvm/trace.h, in every kernel era.
 *
 * A line is `<comm>-<pid> [<cpu>] <flags> <secs.usecs>: <event>: <payload>`
 * (ftrace and trace-cmd; flags of 4 or 5 characters, or none), or
 * `<comm> <pid> [<cpu>] <secs.usecs>: kvm:<event>: <payload>` (perf script);
 * the comm may hold blanks ("CPU 0/KVM-1234").  The event name is found
 * first; what comes before it gives the vCPU's stream: the pid when the
 * prefix shows one, else the CPU column, else one stream for the whole
 * input (the columns cut away when a trace is pasted).
 *
 * The events and what they carry (payloads as each era's TP_printk prints
 * them):
 *   kvm_nested_vmrun (before 5.12)
 *       rip: vmcb: nrip: int_ctl: event_inj: npt: on|off
 *   kvm_nested_vmenter (5.12 to 5.16)
 *       rip: vmcb: nested_rip: int_ctl: event_inj: nested_npt: on|off
 *   kvm_nested_vmenter (5.17 on)
 *       ... nested_npt=y|n nested_cr3: | guest_cr3:
 *     start a record of the vCPU: save.rip (the nested rip), int_ctl,
 *     event_inj, and nCR3 (nested_cr3:) or save.cr3 (guest_cr3:).  KVM
 *     passes the whole nested_ctl as the "npt" boolean, so on/y says only
 *     that some bit of nested_ctl is set (NP_ENABLE stays unknown) and
 *     off/n that nested_ctl is 0.  The L1 rip and the vmcb12 GPA are not
 *     VMCB fields.  A vmenter of VMX (vmcs:, nested_ept) is skipped.
 *   kvm_nested_intercepts
 *       cr_read: cr_write: excp: intercepts: W3 W4 W5 (5.10 on)
 *       cr_read: cr_write: excp: intercept: W4W3 (before 5.10: the u64 at
 *       0x00C, word 3 in its low half, so VMRUN is its bit 32)
 *     fills the intercept words of the vCPU's open record.
 *   kvm_nested_vmexit: vcpu N reason R rip info1 info2 intr_info error_code
 *   kvm_nested_vmexit: rip: reason: ext_inf1: ext_inf2: ext_int: ext_int_err:
 *   kvm_nested_vmexit_inject: reason: ext_inf1: ext_inf2: ext_int: ext_int_err:
 *     the first of them after the vmenter gives exit_code (KVM's SVM exit
 *     reason names; unknown codes print as hex), exit_info_1/2,
 *     exit_int_info and its error code, and closes the record.
 *   kvm_nested_vmenter_failed: <the failing CC() condition as C text>
 *     closes the vCPU's open record (a check KVM runs after the vmenter
 *     tracepoint: the CR3 load, and every check since KVM moved them into
 *     enter_svm_guest_mode()) or makes a record of its own (the checks
 *     before it), with exit_code VMEXIT_INVALID and the checks whose rows
 *     list that text (svmc_checks_for_kvm_cc).
 *
 * Memory stays bounded: one open record per vCPU in a table of TR_SLOTS;
 * when it is full the oldest open record is handed out as it is.  Records
 * come out when they close (so vCPUs interleaved line by line come out in
 * the order their VMRUNs end), the ones still open at the end of the input
 * in the order they started.  Workers (-t 2) parse chunks of a trace cut
 * where no vCPU has a record open (tr_cut), so the order is the same.
 *
 * Traces pasted into mails: "> " quoting at any depth, quoted-printable
 * escapes and soft breaks (svmc_mail_getline, as kvm_dump.c reads them;
 * a soft break only once an escape was seen), and a line
 * wrapped by the mail client (a value alone on the next line) joined back.
 * A line of one of the events above that still lacks a value, or holds one
 * that is not a number, is an error with its line number; the other lines
 * are read on.
 */
#include <string.h>
#include <strings.h>

#include "svmcheck/check.h"
#include "svmcheck/vectors.h"
#include "vmcb/reader.h"

#define TR_SLOTS 64       /* vCPUs with an open record at once */
#define JOIN_MAX 8192u    /* longest line built by joining */
#define NO_KEY UINT64_MAX /* the stream of lines without pid or CPU */
#define CPU_KEY (UINT64_C(1) << 40)

enum tev { EV_NONE, EV_VMENTER, EV_ICPT, EV_EXIT, EV_FAILED };

struct slot {
	bool used;
	bool icpt; /* intercepts filled */
	uint64_t key;
	uint64_t seq; /* start order */
	struct svmc_record rec;
};

struct tr_state {
	struct slot slot[TR_SLOTS];
	struct slot *last; /* slot_of's last answer */
	uint64_t seq;
	struct svmc_mail_lines ml; /* QP, soft breaks, a line given back (mail.c) */
	char cbuf[JOIN_MAX];       /* a line and its wrapped value */
};

#define MAX_WORDS 32 /* words of a payload indexed (a vmenter line has 16) */

/* One event line, split. */
struct ev {
	enum tev kind;
	const char *name; /* for messages */
	uint64_t key;
	const char *pay, *end; /* the payload */
	/*
	 * Where the payload's words start (index_words), so that each label is
	 * looked up among them instead of by a scan of the whole payload (one
	 * line asks for up to eight labels); more than MAX_WORDS: `more`.
	 */
	unsigned nw;
	bool more;
	const char *w[MAX_WORDS];
	uint16_t sig[MAX_WORDS]; /* a word's first two bytes: most words differ there */
};

/* The first two bytes of [w, e) as one number (the second 0 when there is none). */
static uint16_t sig2(const char *w, const char *e)
{
	return (uint16_t)((unsigned char)w[0] | (w + 1 < e ? (unsigned char)w[1] << 8 : 0));
}

/* ---- the event and its prefix ------------------------------------------------ */

#define EVENT(s, k)                 \
	{                           \
		s, sizeof(s) - 1, k \
	}
static const struct {
	const char *name;
	size_t len;
	enum tev kind;
} events[] = {
	/* longest first where one name starts another */
	EVENT("kvm_nested_vmenter_failed", EV_FAILED), EVENT("kvm_nested_vmenter", EV_VMENTER),
	EVENT("kvm_nested_vmrun", EV_VMENTER),         EVENT("kvm_nested_intercepts", EV_ICPT),
	EVENT("kvm_nested_vmexit_inject", EV_EXIT),    EVENT("kvm_nested_vmexit", EV_EXIT),
};
#undef EVENT

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static const char *skip_blank(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* Decimal number [p, e) (1 to 10 digits) into *v. */
static bool small_dec(const char *p, const char *e, uint64_t *v)
{
	if (p == e || e - p > 10)
		return false;
	*v = 0;
	for (; p < e; p++) {
		if (!is_digit(*p))
			return false;
		*v = *v * 10 + (uint64_t)(*p - '0');
	}
	return true;
}

/*
 * The vCPU stream of a prefix [p, e) (what precedes the event name): the
 * pid of "comm-pid [cpu]" or "comm pid [cpu]", else the CPU, else NO_KEY.
 */
static uint64_t stream_key(const char *p, const char *e)
{
	const char *lb = NULL, *rb, *q, *t;
	uint64_t v = 0;

	for (q = p; q < e; q++) {
		if (*q != '[')
			continue;
		for (rb = q + 1; rb < e && is_digit(*rb); rb++)
			;
		if (rb > q + 1 && rb < e && *rb == ']') {
			lb = q;
			break;
		}
	}
	if (!lb)
		return NO_KEY;
	for (t = lb; t > p && (t[-1] == ' ' || t[-1] == '\t'); t--)
		;
	for (q = t; q > p && is_digit(q[-1]); q--)
		;
	/* ftrace "comm-pid", perf "comm pid" */
	if (q < t && q > p && (q[-1] == '-' || q[-1] == ' ' || q[-1] == '\t') &&
	    small_dec(q, t, &v))
		return v;
	small_dec(lb + 1, rb, &v);
	return CPU_KEY + v;
}

/*
 * The next "kvm_nested_" in [p, e), found from its first '_' (memchr): a
 * trace line's prefix has none but in a thread name, while memmem() sets
 * up a search for every line.
 */
static const char *next_nested(const char *p, const char *e)
{
	const char *u;

	for (p += 3; p < e && (u = memchr(p, '_', (size_t)(e - p))) != NULL; p = u + 1)
		if (e - u >= 8 && memcmp(u - 3, "kvm_nested_", 11) == 0)
			return u - 3;
	return NULL;
}

/*
 * Split a line into its event: kind EV_NONE when it is not one of ours.
 * The name must stand alone (line start, a blank or perf's "kvm:" before it)
 * and be followed by ':'.
 */
static void split_event(const char *line, size_t len, struct ev *ev)
{
	const char *e = line + len, *p = line, *hit;

	ev->kind = EV_NONE;
	while ((hit = next_nested(p, e)) != NULL) {
		p = hit + 11;
		if (hit > line && hit[-1] != ' ' && hit[-1] != '\t' && hit[-1] != ':' &&
		    hit[-1] != '>')
			continue;
		for (unsigned i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
			size_t n = events[i].len;

			if ((size_t)(e - hit) <= n || hit[n] != ':' ||
			    memcmp(hit + 11, events[i].name + 11, n - 11) != 0)
				continue;
			const char *pre = hit;
			if (pre - line >= 4 && memcmp(pre - 4, "kvm:", 4) == 0)
				pre -= 4;
			ev->kind = events[i].kind;
			ev->name = events[i].name;
			ev->key = stream_key(line, pre);
			ev->pay = skip_blank(hit + n + 1, e);
			ev->end = e;
			while (ev->end > ev->pay && (ev->end[-1] == ' ' || ev->end[-1] == '\t'))
				ev->end--;
			return;
		}
	}
}

/* ---- payload values ------------------------------------------------------------ */

/* Value state of a label: found with a value, found at the end (a wrapped line), absent. */
enum vstat { V_OK, V_MORE, V_ABSENT };

/* The next word of the payload after the one at w: after its next ' ' and the blanks there. */
static const char *next_word(const char *w, const char *e)
{
	const char *sp = memchr(w, ' ', (size_t)(e - w));

	return sp ? skip_blank(sp, e) : e;
}

/* Index the payload's words (up to MAX_WORDS) for find_val. */
static void index_words(struct ev *ev)
{
	const char *w = skip_blank(ev->pay, ev->end);

	for (ev->nw = 0; w < ev->end && ev->nw < MAX_WORDS; w = next_word(w, ev->end)) {
		ev->sig[ev->nw] = sig2(w, ev->end);
		ev->w[ev->nw++] = w;
	}
	ev->more = w < ev->end;
}

/* Is the word at w label `lab` (n bytes), followed by ':' or '=' (or a blank when bare)? */
static bool is_label(const char *w, const char *e, const char *lab, size_t n, bool bare)
{
	const char *a = w + n;

	return *w == lab[0] && (size_t)(e - w) > n && memcmp(w, lab, n) == 0 &&
	       (*a == ':' || *a == '=' || (bare && *a == ' '));
}

/*
 * The token after label `lab` in the payload: the label must start a word
 * and be followed by ':' or '=' (or a blank when bare), then blanks.
 */
static enum vstat find_val(const struct ev *ev, const char *lab, bool bare, const char **v,
			   size_t *vl)
{
	const char *e = ev->end, *a = NULL;
	size_t n = strlen(lab);
	uint16_t sig = sig2(lab, lab + n);

	/* the indexed words, then (a payload of more) word by word after them */
	for (unsigned i = 0; i < ev->nw && !a; i++)
		if (ev->sig[i] == sig && is_label(ev->w[i], e, lab, n, bare))
			a = ev->w[i];
	if (!a && ev->more)
		for (const char *w = next_word(ev->w[MAX_WORDS - 1], e); w < e && !a;
		     w = next_word(w, e))
			if (is_label(w, e, lab, n, bare))
				a = w;
	if (!a)
		return V_ABSENT;
	a = skip_blank(a + n + (a[n] != ' '), e);
	if (a == e)
		return V_MORE;
	for (*v = a; a < e && *a != ' ' && *a != '\t'; a++)
		;
	*vl = (size_t)(a - *v);
	return V_OK;
}

/*
 * The first [s, s+n) (n >= 2) in [p, e), found from its second byte (its
 * first may be a blank, of which a line has dozens): memmem() sets up a
 * search each call, more than the search itself costs on a line.
 */
static const char *find_str(const char *p, const char *e, const char *s, size_t n)
{
	for (const char *q = p + 1; q < e && (q = memchr(q, s[1], (size_t)(e - q))) != NULL; q++)
		if ((size_t)(e - q) >= n - 1 && memcmp(q - 1, s, n) == 0)
			return q - 1;
	return NULL;
}

/* Hex token (0x optional, 1 to 16 digits) into *x. */
static bool hex_val(const char *s, size_t n, uint64_t *x)
{
	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		n -= 2;
	}
	return svmc_parse_hex(s, n, x);
}

/* ---- exit reasons (KVM's SVM_EXIT_REASONS, arch/x86/include/uapi/asm/svm.h) -- */

static const char *const names_0x60[] = {
	"interrupt",   "nmi",       "smi",        "init",      "vintr",      "cr0_sel_write",
	"read_idtr",   "read_gdtr", "read_ldtr",  "read_rt",   "write_idtr", "write_gdtr",
	"write_ldtr",  "write_rt",  "rdtsc",      "rdpmc",     "pushf",      "popf",
	"cpuid",       "rsm",       "iret",       "swint",     "invd",       "pause",
	"hlt",         "invlpg",    "invlpga",    "io",        "msr",        "task_switch",
	"ferr_freeze", "shutdown",  "vmrun",      "hypercall", "vmload",     "vmsave",
	"stgi",        "clgi",      "skinit",     "rdtscp",    "icebp",      "wbinvd",
	"monitor",     "mwait",     "mwait_cond", "xsetbv",    "rdpru",      "write_efer_trap",
};

static const struct {
	const char *name;
	uint64_t code;
} names_other[] = {
	{ "invpcid", 0xa2 },
	{ "buslock", 0xa5 },
	{ "idle-halt", 0xa6 },
	{ "npf", 0x400 },
	{ "avic_incomplete_ipi", 0x401 },
	{ "avic_unaccelerated_access", 0x402 },
	{ "vmgexit", 0x403 },
	{ "invalid_guest_state", UINT64_MAX },
};

/* "read_cr3" and the like: 0x00 + 16 * (write, dr) + n. */
static bool crdr_code(const char *s, size_t n, uint64_t *code)
{
	uint64_t k;
	size_t at;
	unsigned base;

	if (n > 5 && memcmp(s, "read_", 5) == 0) {
		base = 0;
		at = 5;
	} else if (n > 6 && memcmp(s, "write_", 6) == 0) {
		base = 0x10;
		at = 6;
	} else {
		return false;
	}
	if (n - at < 3 || s[at + 1] != 'r' || (s[at] != 'c' && s[at] != 'd'))
		return false;
	base += s[at] == 'd' ? 0x20 : 0;
	at += 2;
	/* "write_cr0_trap": CR writes trapped after the fact (0x90 + n) */
	if (n > at + 5 && memcmp(s + n - 5, "_trap", 5) == 0 && base == 0x10 &&
	    small_dec(s + at, s + n - 5, &k) && k < 16) {
		*code = 0x90 + k;
		return true;
	}
	if (!small_dec(s + at, s + n, &k) || k > 15)
		return false;
	*code = base + k;
	return true;
}

/* The exit code of a reason as KVM prints it ("npf", "PF excp", "0x4e"); false if unknown. */
static bool reason_code(const char *s, size_t n, uint64_t *code)
{
	if (crdr_code(s, n, code))
		return true;
	for (unsigned i = 0; i < sizeof(names_0x60) / sizeof(names_0x60[0]); i++)
		if (strlen(names_0x60[i]) == n && memcmp(names_0x60[i], s, n) == 0) {
			*code = 0x60 + i;
			return true;
		}
	for (unsigned i = 0; i < sizeof(names_other) / sizeof(names_other[0]); i++)
		if (strlen(names_other[i].name) == n && memcmp(names_other[i].name, s, n) == 0) {
			*code = names_other[i].code;
			return true;
		}
	if (n > 5 && memcmp(s + n - 5, " excp", 5) == 0) {
		for (unsigned v = 0; v < 32; v++) {
			const char *m = svmc_vector_name(v)->mnemonic;

			if (m[0] && strlen(m) == n - 5 && strncasecmp(m, s, n - 5) == 0) {
				*code = 0x40 + v;
				return true;
			}
		}
		return false;
	}
	return n > 2 && s[0] == '0' && s[1] == 'x' && hex_val(s, n, code);
}

/* ---- records ----------------------------------------------------------------- */

static struct slot *slot_of(struct tr_state *st, uint64_t key)
{
	/* a vCPU's lines come in runs: its slot is most often the last one found */
	if (st->last && st->last->used && st->last->key == key)
		return st->last;
	for (unsigned i = 0; i < TR_SLOTS; i++)
		if (st->slot[i].used && st->slot[i].key == key)
			return st->last = &st->slot[i];
	return NULL;
}

/* The open record that started first, or NULL. */
static struct slot *oldest(struct tr_state *st)
{
	struct slot *o = NULL;

	for (unsigned i = 0; i < TR_SLOTS; i++)
		if (st->slot[i].used && (!o || st->slot[i].seq < o->seq))
			o = &st->slot[i];
	return o;
}

/* Hand out the record of s into rec (the members the reader core set stay) and free s. */
static void emit(struct slot *s, struct svmc_record *rec)
{
	memcpy(&rec->vmcb, &s->rec.vmcb, sizeof(rec->vmcb));
	memcpy(rec->known, s->rec.known, sizeof(rec->known));
	rec->line = s->rec.line;
	rec->captured_checks = s->rec.captured_checks;
	rec->captured_cc = s->rec.captured_cc;
	s->used = false;
}

static void open_slot(struct tr_state *st, struct slot *s, uint64_t key, uint64_t line)
{
	svmc_record_clear(&s->rec);
	s->rec.line = line;
	s->used = true;
	s->icpt = false;
	s->key = key;
	s->seq = st->seq++;
}

/* Parse outcome of a payload. */
enum pres { PR_OK, PR_SKIP, PR_MORE, PR_BAD };

#define MAX_VALS 8 /* fields one line gives at most */

struct parsed {
	enum pres st;
	const char *why; /* PR_MORE / PR_BAD: the label */
	bool bare;       /* labels without ':' (the kvm_exit template) */
	unsigned n;      /* the fields the line gives, stored once it all parsed */
	enum svmc_field_id f[MAX_VALS];
	uint64_t v[MAX_VALS];
};

static void put(struct parsed *ps, enum svmc_field_id f, uint64_t v)
{
	if (ps->n < MAX_VALS) {
		ps->f[ps->n] = f;
		ps->v[ps->n++] = v;
	}
}

/* label -> hex value -> field; PR_MORE/PR_BAD with why set. */
static enum pres get_hex(const struct ev *ev, struct parsed *ps, const char *lab, unsigned bits,
			 uint64_t *x)
{
	const char *v;
	size_t vl;
	enum vstat s = find_val(ev, lab, ps->bare, &v, &vl);

	ps->why = lab;
	if (s != V_OK)
		return PR_MORE;
	if (!hex_val(v, vl, x) || (bits < 64 && (*x >> bits)))
		return PR_BAD;
	return PR_OK;
}

#define HEX_INTO(lab, bits, field)                              \
	do {                                                    \
		uint64_t x_;                                    \
		enum pres r_ = get_hex(ev, ps, lab, bits, &x_); \
		if (r_ != PR_OK) {                              \
			ps->st = r_;                            \
			return;                                 \
		}                                               \
		put(ps, SVMC_F_##field, x_);                    \
	} while (0)

static void parse_vmenter(const struct ev *ev, struct parsed *ps)
{
	const char *v, *w;
	size_t vl, wl;
	enum vstat s;
	bool v2;

	/* VMX (vmcs:, nested_ept): not a VMCB */
	if (find_val(ev, "vmcs", false, &v, &vl) != V_ABSENT) {
		ps->st = PR_SKIP;
		return;
	}
	/* before 5.12 "nrip:" */
	s = find_val(ev, "nrip", false, &v, &vl);
	HEX_INTO(s == V_ABSENT ? "nested_rip" : "nrip", 64, RIP);
	HEX_INTO("int_ctl", 32, INT_CTL);
	HEX_INTO("event_inj", 32, EVENT_INJ);
	s = find_val(ev, "nested_npt", false, &v, &vl);
	if (s == V_ABSENT)
		s = find_val(ev, "npt", false, &v, &vl);
	ps->why = "nested_npt";
	if (s != V_OK) {
		ps->st = PR_MORE;
		return;
	}
	/* on/y: some bit of nested_ctl is set, which one the trace does not say */
	if ((vl == 2 && memcmp(v, "on", 2) == 0) || (vl == 1 && v[0] == 'y')) {
	} else if ((vl == 3 && memcmp(v, "off", 3) == 0) || (vl == 1 && v[0] == 'n')) {
		put(ps, SVMC_F_NESTED_CTL, 0);
	} else {
		ps->st = PR_BAD;
		return;
	}
	/* 5.17 on: nested_npt=y|n, then nCR3 or the guest's CR3 */
	v2 = v[-1] == '=';
	if (!v2)
		return;
	s = find_val(ev, "nested_cr3", false, &w, &wl);
	if (s == V_ABSENT) {
		HEX_INTO("guest_cr3", 64, CR3);
		return;
	}
	HEX_INTO("nested_cr3", 64, NESTED_CR3);
}

static void parse_icpt(const struct ev *ev, struct parsed *ps)
{
	const char *v, *p, *e = ev->end;
	size_t vl;
	uint64_t x[3];
	unsigned nw = 0;

	if ((ps->st = get_hex(ev, ps, "cr_read", 16, &x[0])) != PR_OK ||
	    (ps->st = get_hex(ev, ps, "cr_write", 16, &x[1])) != PR_OK)
		return;
	put(ps, SVMC_F_INTERCEPT_CR, x[0] | x[1] << 16);
	HEX_INTO("excp", 32, INTERCEPT_EXCEPTIONS);
	if (find_val(ev, "intercept", false, &v, &vl) == V_OK) {
		/* before 5.10: the u64 at 0x00C, word 3 low, word 4 high */
		if ((ps->st = get_hex(ev, ps, "intercept", 64, &x[0])) != PR_OK)
			return;
		put(ps, SVMC_F_INTERCEPT_MISC1, x[0] & 0xffffffffu);
		put(ps, SVMC_F_INTERCEPT_MISC2, x[0] >> 32);
		return;
	}
	ps->why = "intercepts";
	if (find_val(ev, "intercepts", false, &v, &vl) != V_OK) {
		ps->st = PR_MORE;
		return;
	}
	/* words 3, 4 and 5, each %08x */
	for (p = v; p < e && nw < 3;) {
		const char *t = p;

		while (p < e && *p != ' ' && *p != '\t')
			p++;
		if (!hex_val(t, (size_t)(p - t), &x[nw]) || (x[nw] >> 32)) {
			ps->st = PR_BAD;
			return;
		}
		nw++;
		p = skip_blank(p, e);
	}
	if (nw < 3 || p != e) {
		ps->st = nw < 3 ? PR_MORE : PR_BAD;
		return;
	}
	put(ps, SVMC_F_INTERCEPT_MISC1, x[0]);
	put(ps, SVMC_F_INTERCEPT_MISC2, x[1]);
	put(ps, SVMC_F_INTERCEPT_MISC3, x[2]);
}

static void parse_exit(const struct ev *ev, struct parsed *ps)
{
	const char *p = ev->pay, *e = ev->end, *r, *re;
	bool bare = (size_t)(e - p) > 5 && memcmp(p, "vcpu ", 5) == 0;
	uint64_t code;

	ps->bare = bare;
	/* the reason runs to the next label: it may hold a blank ("PF excp") */
	r = bare ? find_str(p, e, " reason ", 8) : find_str(p, e, "reason:", 7);
	re = r ? find_str(r, e, bare ? " rip " : " ext_inf1:", bare ? 5 : 10) : NULL;
	ps->why = "reason";
	if (!r || !re) {
		ps->st = PR_MORE;
		return;
	}
	r = skip_blank(r + (bare ? 8 : 7), re);
	HEX_INTO(bare ? "info1" : "ext_inf1", 64, EXIT_INFO_1);
	HEX_INTO(bare ? "info2" : "ext_inf2", 64, EXIT_INFO_2);
	HEX_INTO(bare ? "intr_info" : "ext_int", 32, EXIT_INT_INFO);
	HEX_INTO(bare ? "error_code" : "ext_int_err", 32, EXIT_INT_INFO_ERR);
	/* a reason without a name svmcheck knows stays unknown */
	if (reason_code(r, (size_t)(re - r), &code))
		put(ps, SVMC_F_EXIT_CODE, code);
}

static void parse_payload(struct ev *ev, struct parsed *ps)
{
	index_words(ev);
	ps->n = 0;
	ps->st = PR_OK;
	ps->why = NULL;
	ps->bare = false;
	switch (ev->kind) {
	case EV_VMENTER:
		parse_vmenter(ev, ps);
		break;
	case EV_ICPT:
		parse_icpt(ev, ps);
		break;
	case EV_EXIT:
		parse_exit(ev, ps);
		break;
	case EV_FAILED:
		if (ev->pay == ev->end)
			ps->st = PR_MORE;
		/* VMX's conditions (vmcs12, ...) are not a VMCB's */
		else if (memmem(ev->pay, (size_t)(ev->end - ev->pay), "vmcs", 4))
			ps->st = PR_SKIP;
		ps->why = "condition text";
		break;
	default:
		ps->st = PR_SKIP;
		break;
	}
}

/* Store the fields a line gave into the record being built. */
static void merge(struct svmc_record *dst, const struct parsed *ps)
{
	for (unsigned i = 0; i < ps->n; i++)
		svmc_field_set(dst, ps->f[i], ps->v[i]);
}

/*
 * A line of ours lacks a value: join the next line when it is the rest (no
 * event of its own), else push it back.  True with *ev re-split from cbuf.
 * The line is copied first: reading the next one may move the window (or
 * jbuf) it lives in.
 */
static bool join_wrapped(struct svmc_reader *r, struct tr_state *st,
			 const struct svmc_mail_line *ln, struct ev *ev)
{
	struct svmc_mail_line nx;
	struct ev nev;
	size_t cl = ln->len;

	if (cl + 1 >= JOIN_MAX)
		return false;
	memmove(st->cbuf, ln->p, cl);
	if (!svmc_mail_getline(&r->src, &st->ml, &nx, NULL, NULL))
		return false;
	const char *e = nx.p + nx.len, *p = svmc_mail_unquote(nx.p, e);
	split_event(nx.p, nx.len, &nev);
	if (nx.too_long || nev.kind != EV_NONE || p == e || cl + 1 + (size_t)(e - p) > JOIN_MAX) {
		svmc_mail_unget(&st->ml, &nx);
		return false;
	}
	st->cbuf[cl++] = ' ';
	memcpy(st->cbuf + cl, p, (size_t)(e - p));
	cl += (size_t)(e - p);
	split_event(st->cbuf, cl, ev);
	return ev->kind != EV_NONE;
}

static enum svmc_err tr_next(struct svmc_reader *r, struct svmc_record *rec, struct svmc_diag *d)
{
	struct tr_state *st = r->state;
	struct svmc_mail_line ln;
	struct ev ev;
	struct parsed ps;
	struct slot *s;

	for (;;) {
		if (!svmc_mail_getline(&r->src, &st->ml, &ln, NULL, NULL)) {
			s = oldest(st);
			if (!s)
				return SVMC_ERR_EMPTY;
			emit(s, rec);
			return SVMC_OK;
		}
		if (ln.too_long)
			continue;
		split_event(ln.p, ln.len, &ev);
		if (ev.kind == EV_NONE)
			continue;
		parse_payload(&ev, &ps);
		if (ps.st == PR_MORE) {
			const char *name = ev.name; /* static: the join may re-split ev */
			bool failed = ev.kind == EV_FAILED;

			if (join_wrapped(r, st, &ln, &ev))
				parse_payload(&ev, &ps);
			if (ps.st == PR_MORE) {
				d->line = ln.lineno;
				return svmc_diag_set(d, SVMC_ERR_TRUNCATED,
						     "%s line without its %s%s (a cut line?)", name,
						     ps.why, failed ? "" : " value");
			}
		}
		if (ps.st == PR_BAD) {
			d->line = ln.lineno;
			return svmc_diag_set(d, SVMC_ERR_FORMAT, "%s line: %s is not a number",
					     ev.name, ps.why);
		}
		if (ps.st == PR_SKIP)
			continue;
		s = slot_of(st, ev.key);
		switch (ev.kind) {
		case EV_VMENTER: {
			bool out = false;

			if (s) {
				/* the previous VMRUN of this vCPU never showed its exit */
				emit(s, rec);
				out = true;
			} else {
				for (unsigned i = 0; i < TR_SLOTS && !s; i++)
					if (!st->slot[i].used)
						s = &st->slot[i];
				if (!s) {
					s = oldest(st);
					emit(s, rec);
					out = true;
				}
			}
			open_slot(st, s, ev.key, ln.lineno);
			st->last = s;
			merge(&s->rec, &ps);
			if (out)
				return SVMC_OK;
			break;
		}
		case EV_ICPT:
			if (s && !s->icpt) {
				merge(&s->rec, &ps);
				s->icpt = true;
			}
			break;
		case EV_EXIT:
			if (s) {
				merge(&s->rec, &ps);
				emit(s, rec);
				return SVMC_OK;
			}
			break;
		case EV_FAILED:
		default: {
			struct slot one = { 0 };

			if (!s) {
				s = &one;
				open_slot(st, s, ev.key, ln.lineno);
			}
			s->rec.captured_cc = true;
			s->rec.captured_checks =
				svmc_checks_for_kvm_cc(ev.pay, (size_t)(ev.end - ev.pay));
			svmc_field_set(&s->rec, SVMC_F_EXIT_CODE, UINT64_MAX);
			emit(s, rec);
			return SVMC_OK;
		}
		}
	}
}

static void tr_restart(struct svmc_reader *r)
{
	struct tr_state *st = r->state;

	for (unsigned i = 0; i < TR_SLOTS; i++)
		st->slot[i].used = false;
	st->last = NULL; /* the state was copied: it points into the original */
	st->seq = 0;
	st->ml.qp = false;
	st->ml.has_pend = false;
}

/* A vCPU the boundary finder follows: open, or closed by a line not parsed yet. */
struct cut_vcpu {
	uint64_t key;
	const char *close; /* its exit or vmenter_failed line; NULL: open */
	size_t len;
};

/*
 * Parse the closing lines of v[0, *n): drop the vCPUs a line that parses
 * closes, reopen the others (tr_next reports such a line and keeps the
 * record open).  Returns how many are open.
 */
static unsigned settle(struct cut_vcpu *v, unsigned *n)
{
	unsigned i = 0, open = 0;

	while (i < *n) {
		struct parsed ps;
		struct ev ev;

		if (v[i].close) {
			split_event(v[i].close, v[i].len, &ev);
			parse_payload(&ev, &ps);
			if (ps.st == PR_OK) {
				v[i] = v[--*n];
				continue;
			}
			v[i].close = NULL;
		}
		open++;
		i++;
	}
	return open;
}

/*
 * The boundary finder (svmc_format_ops.cut): the first event line at or
 * after `from` before which no vCPU has a record open, told from the text
 * since the last boundary (where none was open).  It follows tr_next with
 * the vCPUs that may have a record open, never fewer than tr_next has: a
 * vmenter line opens its vCPU's (even one tr_next rejects or skips), and
 * only an exit or vmenter_failed line that parses whole closes it (one
 * that needs its wrapped value joined keeps it open); those lines are
 * parsed only when a boundary is near, once per vCPU.  A vCPU tr_next
 * pushed out of a full table stays open here until its exit.  An event
 * line is never joined to the line before it, so the boundary's line is
 * read alone.  Cannot be told: a quoted-printable escape before the
 * boundary (decoding, once on, stays on), a line too long to be read whole
 * that holds an event, or more vCPUs open at once than the reader keeps:
 * the rest is read on one thread.
 */
static size_t tr_cut(const struct svmc_reader *r, const char *b, size_t n, size_t from)
{
	const char *e = b + n, *p = b, *hit;
	struct cut_vcpu v[TR_SLOTS];
	unsigned nv = 0, nopen = 0;

	(void)r;
	while ((hit = next_nested(p, e)) != NULL) {
		const char *ls = memrchr(p, '\n', (size_t)(hit - p));
		const char *le = memchr(hit, '\n', (size_t)(e - hit));
		struct ev ev;
		unsigned i;

		ls = ls ? ls + 1 : p;
		le = le ? le : e;
		p = le < e ? le + 1 : e;
		if (le - ls + 2 >= SRC_LINE_MAX)
			return SVMC_CUT_NEVER;
		/* the line as tr_next gets it: without its "\r\n" */
		split_event(ls, (size_t)(le - ls) - (le > ls && le[-1] == '\r'), &ev);
		if (ev.kind == EV_NONE)
			continue;
		if (nopen == 0 && (size_t)(ls - b) >= from && (nopen = settle(v, &nv)) == 0)
			return svmc_mail_qp_escape(b, (size_t)(ls - b)) ? SVMC_CUT_NEVER :
									  (size_t)(ls - b);
		for (i = 0; i < nv && v[i].key != ev.key; i++)
			;
		if (ev.kind == EV_VMENTER) {
			if (i == nv && nv == TR_SLOTS) {
				nopen = settle(v, &nv);
				if (nv == TR_SLOTS)
					return SVMC_CUT_NEVER;
				i = nv;
			}
			if (i == nv) {
				v[nv++] = (struct cut_vcpu){ .key = ev.key };
				nopen++;
			} else if (v[i].close) {
				v[i].close = NULL;
				nopen++;
			}
		} else if ((ev.kind == EV_EXIT || ev.kind == EV_FAILED) && i < nv && !v[i].close) {
			v[i].close = ls;
			v[i].len = (size_t)(ev.end - ls);
			nopen--;
		}
	}
	return SVMC_CUT_NONE;
}

/*
 * Does the line holding b[at] sit in a kernel log: a dmesg timestamp
 * ("[ 3302.000005]", a dot inside the brackets, unlike the CPU column
 * "[005]") or a printk level "<4>" at its start?  ftrace_dump_on_oops
 * prints trace lines into the kernel log, beside what else it holds.
 */
static bool in_kernel_log(const unsigned char *b, size_t at)
{
	const char *s = (const char *)b + at, *e = s, *p, *q;

	while (s > (const char *)b && s[-1] != '\n')
		s--;
	p = svmc_mail_unquote(s, e);
	if (p < e && *p == '<')
		return p + 2 < e && is_digit(p[1]) && (p[2] == '>' || is_digit(p[2]));
	if (p == e || *p != '[' || !(q = memchr(p, ']', (size_t)(e - p))))
		return false;
	return memchr(p, '.', (size_t)(q - p)) != NULL;
}

/*
 * A nested event of the trace's own lines in the first bytes; the same in
 * a kernel log's line (trace lines dumped on an oops) only hints, as the
 * log's own hints do (kvm_dump.c): the log reader, listed first, keeps it.
 * Else a KVM event line of a trace that has not reached a nested VMRUN yet.
 */
static enum svmc_probe_score tr_probe(const unsigned char *b, size_t n)
{
	static const char *const tags[] = {
		"kvm_nested_vmenter:", "kvm_nested_vmrun:",         "kvm_nested_intercepts:",
		"kvm_nested_vmexit:",  "kvm_nested_vmexit_inject:", "kvm_nested_vmenter_failed:"
	};
	enum svmc_probe_score best = SVMC_PROBE_NONE;

	for (unsigned i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		const unsigned char *hit = memmem(b, n, tags[i], strlen(tags[i]));

		if (!hit)
			continue;
		if (!in_kernel_log(b, (size_t)(hit - b)))
			return SVMC_PROBE_TAGGED;
		best = SVMC_PROBE_HINT;
	}
	if (best == SVMC_PROBE_NONE &&
	    (svmc_probe_has(b, n, " kvm_exit: ") || svmc_probe_has(b, n, " kvm_entry: ") ||
	     svmc_probe_has(b, n, " kvm:kvm_")))
		best = SVMC_PROBE_SHAPE;
	return best;
}

static const struct svmc_format_ops trace_ops = {
	.format = SVMC_FMT_TRACE,
	.origin = SVMC_ORIGIN_TRACE,
	.state_size = sizeof(struct tr_state),
	.next = tr_next,
	.cut = tr_cut,
	.restart = tr_restart,
	/* about 85 VMRUNs of 4 lines: 256 KiB chunks gave -t 2 0.9x of -t 1 on
	 * bench's 25,000-VMRUN trace, 64 KiB 1.3-1.5x (hyperfine, quiet machine) */
	.chunk_bytes = 64u << 10,
};

const struct svmc_format_row svmc_trace_format = {
	.name = "trace",
	.probe = tr_probe,
	.best = SVMC_PROBE_TAGGED,
	.ops = &trace_ops,
	.summary = "KVM nested-SVM tracepoints (ftrace, trace_pipe, trace-cmd report, perf script)",
};
