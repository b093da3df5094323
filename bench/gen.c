/*
 * gen.c - seeded corpus generator for the svmcheck benchmarks (bench/run).
 *
 * Writes N realistic VMCB records in one of svmcheck's input formats (-f),
 * streamed through a fixed buffer, so memory does not depend on N.
 * Every record starts from a valid long-mode baseline (the sample of
 * a KVM dump_vmcb() of a plain SVM guest, with a legal CR0: EFER 0x1d01, CR0 0x80050033,
 * CR4 0x3506f0, VMRUN intercepted, ASID >= 1, page-aligned MSRPM/IOPM bases
 * below 2^48, G_PAT 0x0007040600070406), varies the fields no check reads
 * (RIP, RSP, CR3 page, TSC offset, exit code, ...), and with probability ~30%
 * mutates one or two of the fields the consistency checks read (EVENTINJ,
 * CR0 CD/NW and high bits, CR3/CR4/EFER/DR6/DR7 reserved bits, ASID 0, the
 * VMRUN intercept, MSRPM/IOPM at the MAXPHYADDR limit, NP with a bad nCR3,
 * CS.L+D, vNMI without the NMI intercept), so that roughly 70% stay valid.
 *
 * It uses svmcheck's headers only (vmcb.h for the layout, record.h for the
 * JSON field names); it links nothing of svmcheck, so a benchmark of
 * svmcheck never depends on svmcheck to build its input.
 *
 *   gen --format raw|nested-state|kvm-dump|xen-dump|trace|json --count N --seed S
 *       [--era newest|6.15|5.14|4.x|2.6|mixed] [--maxphyaddr N] -o FILE|-
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svmcheck/record.h"
#include "svmcheck/vmcb.h"
#include "vmcb/svm_bits.h"

/* ---- PRNG: xoshiro256** seeded by splitmix64 ---------------------------- */

/*
 * Two independent streams: one for the records, one for the text around them
 * (log prefixes, unrelated lines, nested-state headers), so that the same seed
 * yields the same VMCBs in every format and the formats can be compared.
 */
struct rng {
	uint64_t s[4];
};
static struct rng rec_rng, txt_rng;

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static void rng_seed(struct rng *g, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		g->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t next(struct rng *g)
{
	uint64_t *s = g->s, r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return r;
}

/* Record stream: a 64-bit value, uniform in [0, n), true with pct/100. */
static uint64_t rnd(void)
{
	return next(&rec_rng);
}

static uint64_t below(uint64_t n)
{
	return n ? next(&rec_rng) % n : 0;
}

static bool chance(unsigned pct)
{
	return below(100) < pct;
}

/* Text stream: the same for decoration. */
static uint64_t tbelow(uint64_t n)
{
	return n ? next(&txt_rng) % n : 0;
}

static bool tchance(unsigned pct)
{
	return tbelow(100) < pct;
}

/* ---- output: one fixed buffer, flushed with fwrite ---------------------- */

#define OBUF_SIZE (1u << 20)

static FILE *ofp;
static char obuf[OBUF_SIZE];
static size_t olen;

static void oflush(void)
{
	if (olen && fwrite(obuf, 1, olen, ofp) != olen) {
		fprintf(stderr, "gen: write error: %s\n", strerror(errno));
		exit(2);
	}
	olen = 0;
}

static void owrite(const void *p, size_t n)
{
	if (olen + n > OBUF_SIZE)
		oflush();
	if (n > OBUF_SIZE) {
		if (fwrite(p, 1, n, ofp) != n) {
			fprintf(stderr, "gen: write error: %s\n", strerror(errno));
			exit(2);
		}
		return;
	}
	memcpy(obuf + olen, p, n);
	olen += n;
}

static void ostr(const char *s)
{
	owrite(s, strlen(s));
}

static void oprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void oprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	if (olen + 4096 > OBUF_SIZE)
		oflush();
	va_start(ap, fmt);
	n = vsnprintf(obuf + olen, OBUF_SIZE - olen, fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < OBUF_SIZE - olen)
		olen += (size_t)n;
}

/* ---- the records --------------------------------------------------------- */

static unsigned maxphyaddr = 48;

static void seg(struct svmc_vmcb_seg *s, uint16_t sel, uint16_t attrib, uint32_t limit,
		uint64_t base)
{
	s->selector = sel;
	s->attrib = attrib;
	s->limit = limit;
	s->base = base;
}

/* A page-aligned address in [lo, hi). */
static uint64_t page_in(uint64_t lo, uint64_t hi)
{
	return (lo + below(hi - lo)) & ~UINT64_C(0xfff);
}

static uint64_t tpage_in(uint64_t lo, uint64_t hi)
{
	return (lo + tbelow(hi - lo)) & ~UINT64_C(0xfff);
}

static const uint64_t exit_codes[] = { 0x060, 0x061, 0x072, 0x07b, 0x07c, 0x078,
				       0x081, 0x400, 0x402, 0x064, 0x041, 0x04e };

/* A valid long-mode 64-bit kernel VMCB, with the unchecked fields varied. */
static void baseline(struct svmc_vmcb *v)
{
	struct svmc_vmcb_control *c = &v->control;
	struct svmc_vmcb_save *s = &v->save;

	memset(v, 0, sizeof(*v));
	c->intercept_cr = 0x01100010; /* cr_read 0010, cr_write 0110 */
	c->intercept_dr = 0x00ff00ff;
	c->intercept_exceptions = 0x00060042;
	c->intercept_misc1 = 0xbc4c8027; /* INTR, NMI, ... IOIO_PROT, MSR_PROT */
	c->intercept_misc2 = 0x0000624f; /* VMRUN, VMMCALL, ... */
	c->pause_filter_count = 3000;
	c->pause_filter_thresh = 128;
	c->iopm_base_pa = page_in(0x100000000ull, 0x4000000000ull);
	c->msrpm_base_pa = page_in(0x100000000ull, 0x4000000000ull);
	c->tsc_offset = 0xffff900000000000ull | (rnd() & 0xffffffffffull);
	c->asid = 1 + (uint32_t)below(15);
	c->int_ctl = 0x03000200;
	c->exit_code = exit_codes[below(sizeof(exit_codes) / sizeof(exit_codes[0]))];
	c->exit_info_1 = chance(50) ? rnd() & 0xffffffffull : 0;
	c->exit_info_2 = chance(30) ? rnd() & 0x7fffffffffffull : 0;
	c->nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	c->nested_cr3 = page_in(0x100000000ull, 0x8000000000ull);
	c->virt_ext = SVM_VIRT_EXT_VMLOAD_VMSAVE;
	c->next_rip = 0xffffffff81000000ull + below(0x1000000);
	if (chance(10)) { /* a #PF being re-injected: valid */
		c->event_inj = SVM_EVTINJ_VALID | SVM_EVTINJ_VALID_ERR | (3u << 8) | 14;
		c->event_inj_err = 2;
	}

	seg(&s->cs, 0x0010, 0x029b, 0xffffffff, 0);
	seg(&s->ss, 0x0018, 0x0c93, 0xffffffff, 0);
	seg(&s->fs, 0, 0, 0, 0x00007f0000000000ull | (rnd() & 0xffffffff000ull));
	seg(&s->gs, 0, 0, 0, 0xffff88807fc00000ull + (below(64) << 21));
	seg(&s->gdtr, 0, 0, 0x7f, 0xfffffe0000001000ull);
	seg(&s->ldtr, 0, 0x0082, 0xffff, 0);
	seg(&s->idtr, 0, 0, 0xfff, 0xfffffe0000000000ull);
	seg(&s->tr, 0x0040, 0x008b, 0x4087, 0xfffffe0000003000ull);
	s->efer = 0x1d01;
	s->cr0 = 0x80050033;
	s->cr2 = chance(30) ? 0x00007f0000000000ull | (rnd() & 0xffffffffffull) : 0;
	s->cr3 = page_in(0x1000000, 0x10000000000ull);
	s->cr4 = 0x3506f0;
	s->dr6 = 0xffff0ff0;
	s->dr7 = 0x400;
	s->rflags = chance(50) ? 0x246 : 0x46;
	s->rip = 0xffffffff81000000ull + below(0x1000000);
	s->rsp = 0xffffc90000000000ull + (below(1u << 24) & ~7ull);
	s->rax = chance(50) ? rnd() : 0;
	s->star = 0x0023001000000000ull;
	s->lstar = 0xffffffff82000080ull;
	s->cstar = 0xffffffff820015f0ull;
	s->sfmask = 0x257fd5;
	s->sysenter_cs = 0x10;
	s->sysenter_esp = 0xfffffe0000003000ull;
	s->sysenter_eip = 0xffffffff820016a0ull;
	s->g_pat = 0x0007040600070406ull;
}

enum mutation {
	M_EVENTINJ,
	M_CR0_CDNW,
	M_CR0_HIGH,
	M_CR3_HIGH,
	M_CR4_RSVD,
	M_EFER,
	M_DR6_HIGH,
	M_DR7_HIGH,
	M_ASID0,
	M_NO_VMRUN,
	M_MSRPM_LIMIT,
	M_IOPM_LIMIT,
	M_NCR3,
	M_CS_LD,
	M_VNMI,
	M_COUNT
};

static const unsigned cr4_bad_bits[] = { 13, 15, 26, 29, 31, 33, 40, 63 };
static const unsigned efer_bad_bits[] = { 1, 9, 16, 19, 22, 40, 63 };

static void mutate(struct svmc_vmcb *v, enum mutation m)
{
	struct svmc_vmcb_control *c = &v->control;
	struct svmc_vmcb_save *s = &v->save;
	uint64_t lim = UINT64_C(1) << maxphyaddr;

	switch (m) {
	case M_EVENTINJ: {
		static const uint32_t picks[][2] = {
			{ 3, 2 },    { 3, 9 },  { 3, 15 },   { 3, 21 },   { 3, 29 },   { 3, 31 },
			{ 3, 40 },   { 3, 13 }, { 1, 0x20 }, { 5, 0x30 }, { 6, 0x40 }, { 7, 1 },
			{ 0, 0x31 }, { 2, 2 },  { 4, 3 },    { 3, 1 },
		};
		unsigned i = (unsigned)below(sizeof(picks) / sizeof(picks[0]));
		c->event_inj = SVM_EVTINJ_VALID | (picks[i][0] << 8) | picks[i][1];
		if (picks[i][0] == 3 && (picks[i][1] == 13 || picks[i][1] == 21))
			c->event_inj |= SVM_EVTINJ_VALID_ERR;
		break;
	}
	case M_CR0_CDNW:
		s->cr0 = (s->cr0 & ~CR0_CD) | CR0_NW;
		break;
	case M_CR0_HIGH:
		s->cr0 |= UINT64_C(1) << (32 + below(32));
		break;
	case M_CR3_HIGH:
		s->cr3 |= UINT64_C(1) << (maxphyaddr + below(64 - maxphyaddr));
		break;
	case M_CR4_RSVD:
		s->cr4 |= UINT64_C(1)
			  << cr4_bad_bits[below(sizeof(cr4_bad_bits) / sizeof(unsigned))];
		break;
	case M_EFER:
		if (chance(30))
			s->efer &= ~EFER_SVME;
		else
			s->efer |=
				UINT64_C(1)
				<< efer_bad_bits[below(sizeof(efer_bad_bits) / sizeof(unsigned))];
		break;
	case M_DR6_HIGH:
		s->dr6 |= UINT64_C(1) << (32 + below(32));
		break;
	case M_DR7_HIGH:
		s->dr7 |= UINT64_C(1) << (32 + below(32));
		break;
	case M_ASID0:
		c->asid = 0;
		break;
	case M_NO_VMRUN:
		c->intercept_misc2 &= ~INTERCEPT2_VMRUN;
		break;
	case M_MSRPM_LIMIT: /* 8 KiB map: the last two pages fit, one more does not */
		c->msrpm_base_pa = lim - 0x1000 * (1 + below(4));
		break;
	case M_IOPM_LIMIT: /* 12 KiB map */
		c->iopm_base_pa = lim - 0x1000 * (1 + below(5));
		break;
	case M_NCR3:
		c->nested_ctl |= SVM_NESTED_CTL_NP_ENABLE;
		c->nested_cr3 |= chance(50) ? BIT64(63) :
					      UINT64_C(1) << (maxphyaddr + below(64 - maxphyaddr));
		break;
	case M_CS_LD:
		s->cs.attrib |= SVM_SELECTOR_L_MASK | SVM_SELECTOR_DB_MASK;
		break;
	case M_VNMI:
		c->int_ctl |= V_NMI_ENABLE_MASK;
		c->intercept_misc1 &= ~INTERCEPT1_NMI;
		break;
	case M_COUNT:
		break;
	}
}

static void make_record(struct svmc_vmcb *v)
{
	baseline(v);
	if (chance(30)) {
		mutate(v, (enum mutation)below(M_COUNT));
		if (chance(15))
			mutate(v, (enum mutation)below(M_COUNT));
	}
}

/* ---- raw and nested-state ------------------------------------------------ */

static void write_raw(const struct svmc_vmcb *v)
{
	owrite(v, sizeof(*v));
}

static void write_nested(const struct svmc_vmcb *v)
{
	unsigned char hdr[128];
	uint16_t flags = 0x3, format = 1; /* GUEST_MODE | RUN_PENDING, SVM */
	uint32_t size = 128 + SVMC_VMCB_PAGE_SIZE;
	uint64_t vmcb_pa = tpage_in(0x1000000, 0x100000000ull);

	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr, &flags, 2);
	memcpy(hdr + 2, &format, 2);
	memcpy(hdr + 4, &size, 4);
	memcpy(hdr + 8, &vmcb_pa, 8);
	owrite(hdr, sizeof(hdr));
	owrite(v, sizeof(*v));
}

/* ---- inspect-style NDJSON ------------------------------------------------ */

static const char hexd[] = "0123456789abcdef";

/* ,"key":"0x<digits>" */
static void jhex(const char *key, uint64_t v, unsigned digits, bool first)
{
	char tmp[24];

	if (!first)
		owrite(",", 1);
	owrite("\"", 1);
	ostr(key);
	tmp[0] = '"';
	tmp[1] = ':';
	tmp[2] = '"';
	tmp[3] = '0';
	tmp[4] = 'x';
	for (unsigned i = 0; i < digits; i++)
		tmp[5 + i] = hexd[(v >> (4 * (digits - 1 - i))) & 15];
	tmp[5 + digits] = '"';
	owrite(tmp, digits + 6);
}

static void jfield(const struct svmc_vmcb *v, const char *json, enum svmc_field_kind kind,
		   size_t off, size_t size, bool *first)
{
	const unsigned char *p = (const unsigned char *)v + off;
	uint64_t x = 0;

	if (kind == SVMC_FK_RESERVED)
		return;
	if (kind == SVMC_FK_SEG) {
		struct svmc_vmcb_seg sg;
		memcpy(&sg, p, sizeof(sg));
		oprintf("%s\"%s\":{", *first ? "" : ",", json);
		jhex("selector", sg.selector, 4, true);
		jhex("attrib", sg.attrib, 4, false);
		jhex("limit", sg.limit, 8, false);
		jhex("base", sg.base, 16, false);
		owrite("}", 1);
	} else if (kind == SVMC_FK_BYTES) {
		oprintf("%s\"%s\":\"", *first ? "" : ",", json);
		for (size_t i = 0; i < size; i++) {
			char b[2] = { hexd[p[i] >> 4], hexd[p[i] & 15] };
			owrite(b, 2);
		}
		owrite("\"", 1);
	} else {
		memcpy(&x, p, size);
		jhex(json, x, (unsigned)(2 * size), *first);
	}
	*first = false;
}

#define MEMBER_SIZE(member) sizeof(((struct svmc_vmcb *)0)->member)
#define GEN_X(id, member, json, aliases, kind, meaning) \
	jfield(v, json, kind, offsetof(struct svmc_vmcb, member), MEMBER_SIZE(member), &first);

static void write_json(const struct svmc_vmcb *v, uint64_t index)
{
	bool first = true;

	oprintf("{\"type\":\"vmcb\",\"input\":\"gen\",\"index\":%" PRIu64 ",\"offset\":%" PRIu64
		",\"format\":\"raw\",\"control\":{",
		index, index * SVMC_VMCB_PAGE_SIZE);
	SVMC_CONTROL_FIELDS(GEN_X)
	ostr("},\"save\":{");
	first = true;
	SVMC_SAVE_FIELDS(GEN_X)
	ostr("}}\n");
}

/* ---- KVM dump_vmcb() text ------------------------------------------------ */

enum era { ERA_NEWEST, ERA_615, ERA_514, ERA_4X, ERA_26, ERA_COUNT, ERA_MIXED = ERA_COUNT };
static const char *const era_names[] = { "newest", "6.15", "5.14", "4.x", "2.6" };

/* Log prefix styles (dmesg, journalctl, syslog, ... as they wrap kernel lines). */
enum pstyle {
	P_DMESG,
	P_DMESG_T,
	P_DMESG_R,
	P_DMESG_X,
	P_KMSG,
	P_JOURNAL,
	P_JOURNAL_ISO,
	P_KERNLOG,
	P_COUNT
};

static struct {
	enum era era;
	enum pstyle style;
	const char *module; /* "kvm_amd: ", "SVM: ", "" */
	uint64_t usec;      /* time since boot */
	uint64_t seq;       /* /dev/kmsg sequence */
	char pfx[160];
} kd;

static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
static const char *const wdays[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };

/* Build the prefix for the next line (timestamp advances a few microseconds). */
static const char *prefix(int level)
{
	uint64_t sec, us, wall;
	unsigned mon, day, hh, mm, ss;

	kd.usec += 3 + tbelow(5);
	kd.seq++;
	sec = kd.usec / 1000000;
	us = kd.usec % 1000000;
	wall = 1700000000ull + sec; /* a fake wall clock: good enough for log text */
	mon = (unsigned)((wall / (86400 * 28)) % 12);
	day = 1 + (unsigned)((wall / 86400) % 28);
	hh = (unsigned)((wall / 3600) % 24);
	mm = (unsigned)((wall / 60) % 60);
	ss = (unsigned)(wall % 60);
	switch (kd.style) {
	case P_DMESG:
		snprintf(kd.pfx, sizeof(kd.pfx), "[%5" PRIu64 ".%06" PRIu64 "] %s", sec, us,
			 kd.module);
		break;
	case P_DMESG_T:
		snprintf(kd.pfx, sizeof(kd.pfx), "[%s %s %2u %02u:%02u:%02u 2025] %s",
			 wdays[(wall / 86400) % 7], months[mon], day, hh, mm, ss, kd.module);
		break;
	case P_DMESG_R:
		snprintf(kd.pfx, sizeof(kd.pfx), "<%d>[%5" PRIu64 ".%06" PRIu64 "] %s", level, sec,
			 us, kd.module);
		break;
	case P_DMESG_X:
		snprintf(kd.pfx, sizeof(kd.pfx), "kern  :%-6s: [%5" PRIu64 ".%06" PRIu64 "] %s",
			 level == 3 ? "err" : "info", sec, us, kd.module);
		break;
	case P_KMSG:
		snprintf(kd.pfx, sizeof(kd.pfx), "%d,%" PRIu64 ",%" PRIu64 ",-;%s", level, kd.seq,
			 kd.usec, kd.module);
		break;
	case P_JOURNAL:
		snprintf(kd.pfx, sizeof(kd.pfx), "%s %2u %02u:%02u:%02u epyc-host%02u kernel: %s",
			 months[mon], day, hh, mm, ss, 1 + (unsigned)(wall / 100000 % 40),
			 kd.module);
		break;
	case P_JOURNAL_ISO:
		snprintf(kd.pfx, sizeof(kd.pfx),
			 "2025-%02u-%02uT%02u:%02u:%02u+0200 epyc-host01 kernel: %s", mon + 1, day,
			 hh, mm, ss, kd.module);
		break;
	case P_KERNLOG:
		snprintf(kd.pfx, sizeof(kd.pfx),
			 "%s %2u %02u:%02u:%02u epyc-host01 kernel: [%5" PRIu64 ".%06" PRIu64
			 "] %s",
			 months[mon], day, hh, mm, ss, sec, us, kd.module);
		break;
	case P_COUNT:
		kd.pfx[0] = 0;
		break;
	}
	return kd.pfx;
}

#define KL(...)                       \
	do {                          \
		ostr(prefix(3));      \
		oprintf(__VA_ARGS__); \
		owrite("\n", 1);      \
	} while (0)

/* Unrelated kernel lines that fill real logs between (and inside) dumps. */
static void unrelated(void)
{
	static const char *const lines[] = {
		"EXT4-fs (nvme0n1p2): re-mounted. Opts: errors=remount-ro",
		"virbr0: port 2(vnet%u) entered forwarding state",
		"kvm: zapping shadow pages for mmio generation wraparound",
		"perf: interrupt took too long (2513 > 2500), lowering kernel.perf_event_max_sample_rate to 79500",
		"kvm [%u]: vcpu0, guest rIP: 0xffffffff81070f12 disabled perfctr wrmsr: 0xc0010007 data 0xffff",
		"kvm_amd: set kvm_amd.dump_invalid_vmcb=1 to dump internal KVM state.",
		"SVM: kvm [%u]: vcpu1, guest rIP: 0xffffffff8106bd34 unimplemented wrmsr: 0xc0011020 data 0x0",
		"nvme nvme0: I/O 412 QID 7 timeout, completion polled",
		"device vnet%u entered promiscuous mode",
		"audit: type=1400 audit(1700000000.123:45): apparmor=\"STATUS\" operation=\"profile_load\"",
	};
	unsigned i = (unsigned)tbelow(sizeof(lines) / sizeof(lines[0]));
	const char *save = kd.module;

	kd.module = "";
	ostr(prefix(6));
	kd.module = save;
	oprintf(lines[i], (unsigned)(1000 + tbelow(60000)));
	owrite("\n", 1);
}

#define PAIR(a, va, b, vb) \
	KL("%-15s %016" PRIx64 " %-13s %016" PRIx64, a, (uint64_t)(va), b, (uint64_t)(vb))

static void seg_line(const char *name, const struct svmc_vmcb_seg *sg)
{
	KL("%-5s s: %04x a: %04x l: %08x b: %016" PRIx64, name, sg->selector, sg->attrib, sg->limit,
	   sg->base);
}

/* One dump_vmcb() in the current era and prefix style. */
static void write_kvm(const struct svmc_vmcb *v, uint64_t index)
{
	const struct svmc_vmcb_control *c = &v->control;
	const struct svmc_vmcb_save *s = &v->save;
	enum era e = kd.era;
	bool newest = e == ERA_NEWEST, ge615 = e <= ERA_615, ge514 = e <= ERA_514;
	bool cut = ge514 && tchance(2); /* SEV-ES without a decryptable VMSA */
	bool inner = tchance(3);        /* an unrelated line in the middle of the dump */
	uint64_t exit_code = 0xffffffffffffffffull; /* the dump follows a failed VMRUN */
	uint64_t intercepts = c->intercept_misc1 | ((uint64_t)c->intercept_misc2 << 32);
	unsigned cpu = (unsigned)tbelow(128), vcpu = (unsigned)tbelow(16);
	uint64_t ptr = 0x00000000b5e3c4a1ull ^ (next(&txt_rng) & 0xffffffffull);

	if (e == ERA_4X || e == ERA_26)
		KL("KVM: FAILED VMRUN WITH VMCB:");
	if (newest || e == ERA_615)
		KL("%s vCPU%u VMCB %016" PRIx64 ", last attempted VMRUN on CPU %u",
		   cut ? "SEV-ES" : "SVM", vcpu, ptr, cpu);
	else if (e == ERA_514)
		KL("VMCB %016" PRIx64 ", last attempted VMRUN on CPU %u", ptr, cpu);
	KL("VMCB Control Area:");
	KL("%-20s%04x", "cr_read:", c->intercept_cr & 0xffff);
	KL("%-20s%04x", "cr_write:", c->intercept_cr >> 16);
	KL("%-20s%04x", "dr_read:", c->intercept_dr & 0xffff);
	KL("%-20s%04x", "dr_write:", c->intercept_dr >> 16);
	KL("%-20s%08x", "exceptions:", c->intercept_exceptions);
	if (ge514)
		KL("%-20s%08x %08x", "intercepts:", c->intercept_misc1, c->intercept_misc2);
	else
		KL("%-20s%016" PRIx64, "intercepts:", intercepts);
	KL("%-20s%d", "pause filter count:", c->pause_filter_count);
	if (e != ERA_26)
		KL("%-20s%d", "pause filter threshold:", c->pause_filter_thresh);
	KL("%-20s%016" PRIx64, "iopm_base_pa:", c->iopm_base_pa);
	KL("%-20s%016" PRIx64, "msrpm_base_pa:", c->msrpm_base_pa);
	KL("%-20s%016" PRIx64, "tsc_offset:", c->tsc_offset);
	KL("%-20s%d", "asid:", (int)c->asid);
	KL("%-20s%d", "tlb_ctl:", c->tlb_ctl);
	if (newest)
		KL("%-20s%d", "erap_ctl:", c->erap_ctl);
	KL("%-20s%08x", "int_ctl:", c->int_ctl);
	KL("%-20s%08x", "int_vector:", c->int_vector);
	KL("%-20s%08x", "int_state:", c->int_state);
	if (newest)
		KL("%-20s%016" PRIx64, "exit_code:", exit_code);
	else
		KL("%-20s%08x", "exit_code:", (uint32_t)exit_code);
	KL("%-20s%016" PRIx64, "exit_info1:", c->exit_info_1);
	KL("%-20s%016" PRIx64, "exit_info2:", c->exit_info_2);
	KL("%-20s%08x", "exit_int_info:", c->exit_int_info);
	KL("%-20s%08x", "exit_int_info_err:", c->exit_int_info_err);
	KL("%-20s%lld", newest ? "misc_ctl:" : "nested_ctl:", (long long)c->nested_ctl);
	KL("%-20s%016" PRIx64, "nested_cr3:", c->nested_cr3);
	if (e != ERA_26)
		KL("%-20s%016" PRIx64, "avic_vapic_bar:", c->avic_vapic_bar);
	if (ge514)
		KL("%-20s%016" PRIx64, "ghcb:", c->ghcb_gpa);
	if (inner)
		unrelated();
	KL("%-20s%08x", "event_inj:", c->event_inj);
	KL("%-20s%08x", "event_inj_err:", c->event_inj_err);
	KL("%-20s%lld",
	   newest      ? "misc_ctl2:" :
	   e == ERA_26 ? "lbr_ctl:" :
			 "virt_ext:",
	   (long long)c->virt_ext);
	KL("%-20s%016" PRIx64, "next_rip:", c->next_rip);
	if (e != ERA_26) {
		KL("%-20s%016" PRIx64, "avic_backing_page:", c->avic_backing_page);
		KL("%-20s%016" PRIx64, "avic_logical_id:", c->avic_logical_id);
		KL("%-20s%016" PRIx64, "avic_physical_id:", c->avic_physical_id);
	}
	if (ge514)
		KL("%-20s%016" PRIx64, "vmsa_pa:", c->vmsa_pa);
	if (ge615) {
		KL("%-20s%016" PRIx64, "allowed_sev_features:", c->allowed_sev_features);
		KL("%-20s%016" PRIx64, "guest_sev_features:", c->guest_sev_features);
	}
	if (cut)
		return;
	KL("VMCB State Save Area:");
	seg_line("es:", &s->es);
	seg_line("cs:", &s->cs);
	seg_line("ss:", &s->ss);
	seg_line("ds:", &s->ds);
	seg_line("fs:", &s->fs);
	seg_line("gs:", &s->gs);
	seg_line("gdtr:", &s->gdtr);
	seg_line("ldtr:", &s->ldtr);
	seg_line("idtr:", &s->idtr);
	seg_line("tr:", &s->tr);
	if (ge615)
		KL("vmpl: %d   cpl:  %d               efer:          %016" PRIx64, s->vmpl, s->cpl,
		   s->efer);
	else
		KL("cpl:            %d                efer:         %016" PRIx64, s->cpl, s->efer);
	PAIR("cr0:", s->cr0, "cr2:", s->cr2);
	PAIR("cr3:", s->cr3, "cr4:", s->cr4);
	PAIR("dr6:", s->dr6, "dr7:", s->dr7);
	PAIR("rip:", s->rip, "rflags:", s->rflags);
	PAIR("rsp:", s->rsp, "rax:", s->rax);
	if (newest) {
		PAIR("s_cet:", s->s_cet, "ssp:", s->ssp);
		KL("%-15s %016" PRIx64, "isst_addr:", s->isst_addr);
	}
	PAIR("star:", s->star, "lstar:", s->lstar);
	PAIR("cstar:", s->cstar, "sfmask:", s->sfmask);
	PAIR("kernel_gs_base:", s->kernel_gs_base, "sysenter_cs:", s->sysenter_cs);
	PAIR("sysenter_esp:", s->sysenter_esp, "sysenter_eip:", s->sysenter_eip);
	PAIR("gpat:", s->g_pat, "dbgctl:", s->dbgctl);
	PAIR("br_from:", s->br_from, "br_to:", s->br_to);
	PAIR("excp_from:", s->last_excp_from, "excp_to:", s->last_excp_to);
	if (ge615) { /* GPR tail from KVM's register cache */
		PAIR("rax:", s->rax, "rbx:", index);
		PAIR("rcx:", 1, "rdx:", 0);
		PAIR("rsi:", 0x83, "rdi:", 0);
		PAIR("rbp:", 0, "rsp:", s->rsp);
		PAIR("r8:", 0, "r9:", 0);
		PAIR("r10:", 0, "r11:", 0);
		PAIR("r12:", 0, "r13:", 0);
		PAIR("r14:", 0, "r15:", 0);
	}
}

/* Choose the era's module prefix and a log style for the next dump. */
static void kvm_begin(enum era era_opt)
{
	kd.era = era_opt == ERA_MIXED ? (enum era)tbelow(ERA_COUNT) : era_opt;
	kd.style = (enum pstyle)tbelow(P_COUNT);
	if (kd.era <= ERA_615)
		kd.module = "kvm_amd: ";
	else if (kd.era == ERA_26)
		kd.module = "";
	else
		kd.module = "SVM: ";
	/* 2.6 logs had no dmesg -x, /dev/kmsg or journald */
	if (kd.era == ERA_26 && kd.style != P_DMESG && kd.style != P_KERNLOG)
		kd.style = P_DMESG;
}

/* ---- Xen svm_vmcb_dump() console text ------------------------------------ */

/* Xen prints %#x / %#Lx: a bare 0 for zero, else 0x and the digits. */
static const char *hx(uint64_t v)
{
	static char b[4][24];
	static unsigned k;
	char *p = b[k++ % 4];

	if (v)
		snprintf(p, 24, "%#" PRIx64, v);
	else
		strcpy(p, "0");
	return p;
}

static const char *xen_ts; /* "" or this dump's "[  123.456789] " */
static char xen_tsbuf[32];

#define XL(...)                       \
	do {                          \
		ostr("(XEN) ");       \
		ostr(xen_ts);         \
		oprintf(__VA_ARGS__); \
		owrite("\n", 1);      \
	} while (0)

static void xen_seg(const char *name, const struct svmc_vmcb_seg *sg)
{
	XL("%4s: %04x %04x %08x %016" PRIx64, name, sg->selector, sg->attrib, sg->limit, sg->base);
}

/*
 * One svm_vmcb_dump() of current Xen (xen/arch/x86/hvm/svm/svmdebug.c):
 * 64-bit words for vintr, int_stat, exit_int_info and event_inj, after the
 * line that says why (a failed VMRUN, or the 'v' debug key's framing).
 */
static void write_xen(const struct svmc_vmcb *v, uint64_t index)
{
	const struct svmc_vmcb_control *c = &v->control;
	const struct svmc_vmcb_save *s = &v->save;
	uint64_t ev = c->event_inj | (uint64_t)c->event_inj_err << 32;
	uint64_t pa = 0x83a5f2000ull + (index << 12);

	xen_ts = "";
	if (tchance(50)) {
		snprintf(xen_tsbuf, sizeof(xen_tsbuf), "[%5" PRIu64 ".%06" PRIu64 "] ",
			 kd.usec / 1000000, kd.usec % 1000000);
		xen_ts = xen_tsbuf;
	}
	kd.usec += 17 + tbelow(400);
	if (tchance(50)) {
		XL("arch/x86/hvm/svm/svm.c:2688:d%uv%u invalid VMCB state:",
		   1 + (unsigned)tbelow(9), (unsigned)tbelow(8));
		XL("Dumping guest's current state at svm_vmexit_handler...");
	} else {
		XL(">>> Domain %u <<<", 1 + (unsigned)tbelow(9));
		XL("\tVCPU %u", (unsigned)tbelow(8));
		XL("Dumping guest's current state at key_handler...");
	}
	XL("Size of VMCB = 4096, paddr = %016" PRIx64 ", vaddr = ffff83%010" PRIx64, pa, pa);
	XL("cr_intercepts = %s dr_intercepts = %s exception_intercepts = %s", hx(c->intercept_cr),
	   hx(c->intercept_dr), hx(c->intercept_exceptions));
	XL("general1_intercepts = %s general2_intercepts = %s", hx(c->intercept_misc1),
	   hx(c->intercept_misc2));
	XL("iopm_base_pa = %s msrpm_base_pa = %s tsc_offset = %s", hx(c->iopm_base_pa),
	   hx(c->msrpm_base_pa), hx(c->tsc_offset));
	XL("tlb_control = %s vintr = %s int_stat = %s", hx(c->tlb_ctl),
	   hx(c->int_ctl | (uint64_t)c->int_vector << 32), hx(c->int_state));
	XL("event_inj %016" PRIx64 ", valid? %d, ec? %d, type %u, vector %s", ev,
	   (int)(ev >> 31 & 1), (int)(ev >> 11 & 1), (unsigned)(ev >> 8 & 7), hx(ev & 0xff));
	XL("exitcode = %s exit_int_info = %s", hx(0xffffffffffffffffull),
	   hx(c->exit_int_info | (uint64_t)c->exit_int_info_err << 32));
	XL("exitinfo1 = %s exitinfo2 = %s", hx(c->exit_info_1), hx(c->exit_info_2));
	XL("np_ctrl = %s guest_asid = %s", hx(c->nested_ctl), hx(c->asid));
	XL("virtual vmload/vmsave = %d, virt_ext = %s", (int)(c->virt_ext >> 1 & 1),
	   hx(c->virt_ext));
	XL("cpl = %d efer = %s star = %s lstar = %s", s->cpl, hx(s->efer), hx(s->star),
	   hx(s->lstar));
	XL("CR0 = 0x%016" PRIx64 " CR2 = 0x%016" PRIx64, s->cr0, s->cr2);
	XL("CR3 = 0x%016" PRIx64 " CR4 = 0x%016" PRIx64, s->cr3, s->cr4);
	XL("RSP = 0x%016" PRIx64 "  RIP = 0x%016" PRIx64, s->rsp, s->rip);
	XL("RAX = 0x%016" PRIx64 "  RFLAGS=0x%016" PRIx64, s->rax, s->rflags);
	XL("DR6 = 0x%016" PRIx64 ", DR7 = 0x%016" PRIx64, s->dr6, s->dr7);
	XL("CSTAR = 0x%016" PRIx64 " SFMask = 0x%016" PRIx64, s->cstar, s->sfmask);
	XL("KernGSBase = 0x%016" PRIx64 " PAT = 0x%016" PRIx64, s->kernel_gs_base, s->g_pat);
	XL("H_CR3 = 0x%016" PRIx64 " CleanBits = %s", c->nested_cr3, hx(c->clean));
	XL("       sel attr  limit   base");
	xen_seg("CS", &s->cs);
	xen_seg("DS", &s->ds);
	xen_seg("SS", &s->ss);
	xen_seg("ES", &s->es);
	xen_seg("FS", &s->fs);
	xen_seg("GS", &s->gs);
	xen_seg("GDTR", &s->gdtr);
	xen_seg("LDTR", &s->ldtr);
	xen_seg("IDTR", &s->idtr);
	xen_seg("TR", &s->tr);
}

/* Console lines of a Xen host between dumps. */
static void xen_unrelated(void)
{
	static const char *const lines[] = {
		"d%u: Forcing read-only access to MFN fed00",
		"grant_table.c:1810:d%uv0 Expanding d1 grant table from 5 to 6 frames",
		"HVM d%uv0 save: CPU",
		"physdev.c:181: dom%u: wrong map_pirq type 3",
	};

	xen_ts = "";
	XL(lines[tbelow(sizeof(lines) / sizeof(lines[0]))], 1 + (unsigned)tbelow(40));
}

/* ---- KVM tracepoints (trace-cmd report / tracing/trace text) ------------- */

/*
 * One nested VMRUN as the newest kernels trace it (arch/x86/kvm/trace.h,
 * 5.17+ kvm_nested_vmenter; vmcb-formats.md section 4.1): the vmenter line,
 * its intercepts line and the nested exit with the exit reflected to L1,
 * from one of four vCPU threads, now and then with another vCPU's
 * kvm_exit line between a vmenter and its intercepts (vCPUs interleave).
 * 5-character flags ("d..2.").
 */
static void write_trace(const struct svmc_vmcb *v)
{
	static const char *const reasons[] = { "io", "msr", "npf", "hlt", "cpuid", "vmmcall" };
	const struct svmc_vmcb_control *c = &v->control;
	const struct svmc_vmcb_save *s = &v->save;
	unsigned vcpu = (unsigned)tbelow(4), pid = 4130 + vcpu, cpu = 5 + vcpu * 16;
	const char *why = reasons[tbelow(sizeof(reasons) / sizeof(reasons[0]))];
	uint64_t l1rip = 0xffffffffc0a1b2c3ull + (tbelow(4096) << 4);
	uint64_t info1 = next(&txt_rng) & 0xffffffffull, info2 = s->rip + 2;
	bool npt = c->nested_ctl != 0;
	char head[96];

#define TL(...)                                                                                 \
	do {                                                                                    \
		kd.usec += 1 + tbelow(40);                                                      \
		ostr(head);                                                                     \
		oprintf(" %5" PRIu64 ".%06" PRIu64 ": ", kd.usec / 1000000, kd.usec % 1000000); \
		oprintf(__VA_ARGS__);                                                           \
		owrite("\n", 1);                                                                \
	} while (0)

	snprintf(head, sizeof(head), " CPU %u/KVM-%u  [%03u] d..2.", vcpu, pid, cpu);
	TL("kvm_nested_vmenter: rip: 0x%016" PRIx64 " vmcb: 0x%016" PRIx64
	   " nested_rip: 0x%016" PRIx64
	   " int_ctl: 0x%08x event_inj: 0x%08x nested_npt=%s %s: 0x%016" PRIx64,
	   l1rip, c->msrpm_base_pa + 0x3000, s->rip, c->int_ctl, c->event_inj, npt ? "y" : "n",
	   npt ? "nested_cr3" : "guest_cr3", npt ? c->nested_cr3 : s->cr3);
	if (tchance(10)) /* another vCPU's line in between */
		TL("kvm_exit: vcpu %u reason hlt rip 0x%" PRIx64 " info1 0x0000000000000000 info2 "
		   "0x0000000000000000 intr_info 0x00000000 error_code 0x00000000",
		   (vcpu + 1) % 4, l1rip);
	TL("kvm_nested_intercepts: cr_read: %04x cr_write: %04x excp: %08x intercepts: %08x %08x "
	   "%08x",
	   c->intercept_cr & 0xffff, c->intercept_cr >> 16, c->intercept_exceptions,
	   c->intercept_misc1, c->intercept_misc2, c->intercept_misc3);
	snprintf(head, sizeof(head), " CPU %u/KVM-%u  [%03u] ....1", vcpu, pid, cpu);
	TL("kvm_nested_vmexit: vcpu %u reason %s rip 0x%" PRIx64 " info1 0x%016" PRIx64
	   " info2 0x%016" PRIx64 " intr_info 0x00000000 error_code 0x00000000",
	   vcpu, why, s->rip, info1, info2);
	TL("kvm_nested_vmexit_inject: reason: %s ext_inf1: 0x%016" PRIx64 " ext_inf2: 0x%016" PRIx64
	   " ext_int: 0x00000000 ext_int_err: 0x00000000",
	   why, info1, info2);
#undef TL
}

/* ---- main ---------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f, "usage: gen --format raw|nested-state|kvm-dump|xen-dump|trace|json --count N "
		   "[--seed S]\n"
		   "           [--era newest|6.15|5.14|4.x|2.6|mixed] [--maxphyaddr N] "
		   "-o FILE|-\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "count", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "era", required_argument, NULL, 'e' },
		{ "maxphyaddr", required_argument, NULL, 'm' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *format = NULL, *out = NULL;
	uint64_t count = 0, seed = 1;
	enum era era = ERA_NEWEST;
	struct svmc_vmcb *v;
	int opt;

	while ((opt = getopt_long(argc, argv, "f:n:s:e:m:o:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			format = optarg;
			break;
		case 'n':
			count = strtoull(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'e': {
			unsigned i;
			for (i = 0; i < ERA_COUNT; i++)
				if (strcmp(optarg, era_names[i]) == 0)
					break;
			if (i == ERA_COUNT && strcmp(optarg, "mixed") != 0) {
				fprintf(stderr, "gen: unknown era '%s'\n", optarg);
				return 2;
			}
			era = (enum era)i;
			break;
		}
		case 'm':
			maxphyaddr = (unsigned)strtoul(optarg, NULL, 0);
			if (maxphyaddr < 32 || maxphyaddr > 63) {
				fprintf(stderr, "gen: --maxphyaddr must be 32..63\n");
				return 2;
			}
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!format || !out || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (strcmp(format, "raw") && strcmp(format, "nested-state") && strcmp(format, "kvm-dump") &&
	    strcmp(format, "xen-dump") && strcmp(format, "trace") && strcmp(format, "json")) {
		fprintf(stderr, "gen: unknown format '%s'\n", format);
		return 2;
	}
	ofp = strcmp(out, "-") == 0 ? stdout : fopen(out, "wb");
	if (!ofp) {
		fprintf(stderr, "gen: %s: %s\n", out, strerror(errno));
		return 2;
	}
	v = malloc(sizeof(*v));
	if (!v)
		return 2;
	rng_seed(&rec_rng, seed);
	rng_seed(&txt_rng, seed ^ UINT64_C(0x5851f42d4c957f2d));
	kd.usec = 88213402117ull;
	for (uint64_t i = 0; i < count; i++) {
		make_record(v);
		switch (format[0]) {
		case 'r':
			write_raw(v);
			break;
		case 'n':
			write_nested(v);
			break;
		case 'j':
			write_json(v, i);
			break;
		case 'k':
			kvm_begin(era);
			for (uint64_t u = tbelow(4); u > 0; u--)
				unrelated();
			write_kvm(v, i);
			break;
		case 't':
			write_trace(v);
			break;
		case 'x':
			for (uint64_t u = tbelow(3); u > 0; u--)
				xen_unrelated();
			write_xen(v, i);
			break;
		}
	}
	oflush();
	free(v);
	if (fflush(ofp) != 0 || (ofp != stdout && fclose(ofp) != 0)) {
		fprintf(stderr, "gen: %s: %s\n", out, strerror(errno));
		return 2;
	}
	return 0;
}
