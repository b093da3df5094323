/*
 * gen.c - VMCB images for the conformance suite, and the files the guest
 * boots with.
 *
 *   conform_gen images DIR MAXPHYADDR COUNT SEED
 *       DIR/images.bin   the images, raw 4096-byte VMCB pages (what
 *                        `svmcheck replay -f raw` reads)
 *       DIR/images.txt   one line per image: index and what it tests
 *       DIR/blob         the header page (guest/blob.h) and the same pages
 *     The boundary cases of every check (the failing and the passing value
 *     of each, in every paging mode the check depends on) come first, then
 *     COUNT seeded random mutations of a valid guest of a random paging
 *     mode over every field a model reads.  MAXPHYADDR places the address
 *     boundaries (nCR3, CR3, the permission maps).
 *   conform_gen disk BOOTSECT PROGRAM BLOB OUT
 *       the Bochs boot disk: boot sector, program (at most
 *       BLOB_PROGRAM_SECTORS sectors), blob at sector BLOB_DISK_LBA, padded
 *       to whole cylinders of 16 heads x 63 sectors
 *   conform_gen start FILE OFFSET INDEX
 *       set the first image to run in the blob header at byte OFFSET of
 *       FILE (0 for the blob, BLOB_DISK_LBA * 512 for the disk)
 *
 * Exit status 0, or 2 with a message on bad arguments or I/O errors.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/conform_blob.h"
#include "tvmcb.h"
#include "guest/blob.h"

#define PAGE 4096u

#define INTERCEPT1_HLT (1u << 24)
#define CS_L 0x200u /* attrib bit 9 = descriptor bit 21 */
#define CS_D 0x400u /* attrib bit 10 = descriptor bit 22 */
#define EVTINJ_V (1u << 31)
#define EVTINJ_EV (1u << 11)
#define SEV_FEATURES_VALID BIT64(63)

static __attribute__((noreturn, format(printf, 1, 2))) void die(const char *fmt, ...)
{
	va_list ap;

	fputs("conform_gen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static uint64_t parse_u64(const char *s, const char *what)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-')
		die("%s: '%s' is not a number", what, s);
	return v;
}

static unsigned below(unsigned n)
{
	return rnd_below(n);
}

/*
 * The paging modes of the guest, each a valid VMCB on any SVM CPU with
 * long mode: the unit tests' guest (tests/unit/tvmcb.h) for long mode, and
 * its legacy-mode neighbours.  Every random image starts from one, and the
 * boundary cases of a check that depends on the mode are repeated in each.
 */
enum mode { M_LONG, M_LONG57, M_COMPAT, M_PAE, M_PAGING32, M_PROT, M_REAL, M_COUNT };

static const char *const mode_names[M_COUNT] = { "long",     "long-la57", "compat", "pae",
						 "paging32", "prot",      "real" };

static void base(struct svmc_vmcb *v, enum mode m)
{
	static struct svmc_record r;
	struct svmc_vmcb_save *s = &v->save;

	tvmcb_long_mode(&r);
	*v = r.vmcb;
	s->rflags = 0x2;
	s->cs.limit = 0xffffffff;
	s->ds.attrib = s->es.attrib = s->ss.attrib = 0x0c93;
	switch (m) {
	case M_LONG:
		break;
	case M_LONG57:
		s->cr4 |= CR4_LA57;
		break;
	case M_COMPAT:
		s->cs.attrib = 0x0c9b; /* G, D */
		break;
	case M_PAE:
		s->efer = EFER_SCE | EFER_NXE | EFER_SVME;
		s->cs.attrib = 0x0c9b;
		break;
	case M_PAGING32:
		s->efer = EFER_SCE | EFER_SVME;
		s->cr4 &= ~CR4_PAE;
		s->cs.attrib = 0x0c9b;
		break;
	case M_PROT:
		s->efer = EFER_SCE | EFER_SVME;
		s->cr0 &= ~CR0_PG;
		s->cr4 &= ~CR4_PAE;
		s->cs.attrib = 0x0c9b;
		break;
	case M_REAL:
		s->efer = EFER_SVME;
		s->cr0 = CR0_ET;
		s->cr4 = 0;
		s->cs.attrib = 0x009b;
		s->cs.limit = 0xffff;
		s->ds.attrib = s->es.attrib = s->ss.attrib = 0x0093;
		break;
	case M_COUNT:
		break;
	}
}

struct out {
	FILE *raw, *blob, *txt;
	uint32_t count;
};

/* The image into both files; its description is on its line already. */
static void put_page(struct out *o, const struct svmc_vmcb *v)
{
	if (fwrite(v, sizeof(*v), 1, o->raw) != 1 || fwrite(v, sizeof(*v), 1, o->blob) != 1)
		die("write: %s", strerror(errno));
	o->count++;
}

static __attribute__((format(printf, 3, 4))) void emit(struct out *o, const struct svmc_vmcb *v,
						       const char *fmt, ...)
{
	va_list ap;

	fprintf(o->txt, "%" PRIu32 " ", o->count);
	put_page(o, v);
	va_start(ap, fmt);
	vfprintf(o->txt, fmt, ap);
	va_end(ap);
	fputc('\n', o->txt);
}

/* A page base at 2^maxphy - d, possibly with low bits set. */
static uint64_t top(unsigned maxphy, uint64_t d)
{
	return (UINT64_C(1) << maxphy) - d;
}

static const uint64_t map_deltas[] = { 0x1000, 0x1fff, 0x2000, 0x2001, 0x2fff, 0x3000, 0x4000 };

static void boundary_maps(struct out *o, unsigned maxphy)
{
	struct svmc_vmcb v;

	for (size_t i = 0; i < sizeof(map_deltas) / sizeof(map_deltas[0]); i++) {
		uint64_t b = top(maxphy, map_deltas[i]);

		base(&v, M_LONG);
		v.control.msrpm_base_pa = b;
		emit(o, &v, "CTRL.MSRPM.RANGE base 2^%u-0x%" PRIx64, maxphy, map_deltas[i]);
		base(&v, M_LONG);
		v.control.iopm_base_pa = b;
		emit(o, &v, "CTRL.IOPM.RANGE base 2^%u-0x%" PRIx64, maxphy, map_deltas[i]);
	}
	{
		const unsigned bits[] = { maxphy - 1, maxphy, maxphy + 1, 63 };

		for (size_t i = 0; i < 4; i++) {
			base(&v, M_LONG);
			v.control.msrpm_base_pa = BIT64(bits[i]);
			emit(o, &v, "CTRL.MSRPM.RANGE base bit %u", bits[i]);
			base(&v, M_LONG);
			v.control.iopm_base_pa = BIT64(bits[i]);
			emit(o, &v, "CTRL.IOPM.RANGE base bit %u", bits[i]);
		}
	}
}

/* nested_ctl values that enable NP somewhere: bit 0 (all), any bit (Bochs) */
static const uint64_t np_values[] = { SVM_NESTED_CTL_NP_ENABLE, SVM_NESTED_CTL_SEV_ENABLE,
				      SVM_NESTED_CTL_GMET, 0x80 };

static void boundary_np(struct out *o, unsigned maxphy)
{
	static const unsigned pat_values[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 0x10, 0x40, 0x80 };
	struct svmc_vmcb v;

	for (size_t n = 0; n < sizeof(np_values) / sizeof(np_values[0]); n++) {
		const unsigned bits[] = { maxphy - 1, maxphy, 51, 63 };

		for (size_t b = 0; b < 4; b++) {
			base(&v, M_LONG);
			v.control.nested_ctl = np_values[n];
			v.control.nested_cr3 = 0x1000 | BIT64(bits[b]);
			emit(o, &v, "CTRL.NP.NCR3 nested_ctl 0x%" PRIx64 " nCR3 bit %u",
			     np_values[n], bits[b]);
		}
		base(&v, M_LONG);
		v.control.nested_ctl = np_values[n];
		v.save.g_pat = UINT64_C(0x0202020202020202);
		emit(o, &v, "CTRL.NP.GPAT nested_ctl 0x%" PRIx64 " G_PAT all type 2", np_values[n]);
	}
	base(&v, M_LONG);
	v.control.nested_cr3 = BIT64(63);
	v.save.g_pat = UINT64_C(0x0202020202020202);
	emit(o, &v, "CTRL.NP.NCR3 CTRL.NP.GPAT NP off, bad nCR3 and G_PAT");
	for (unsigned e = 0; e < 8; e++)
		for (size_t p = 0; p < sizeof(pat_values) / sizeof(pat_values[0]); p++) {
			base(&v, M_LONG);
			v.control.nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
			v.save.g_pat &= ~(UINT64_C(0xff) << (8 * e));
			v.save.g_pat |= (uint64_t)pat_values[p] << (8 * e);
			emit(o, &v, "CTRL.NP.GPAT entry %u = 0x%x", e, pat_values[p]);
		}
	for (enum mode m = 0; m < M_COUNT; m++) {
		base(&v, m);
		v.control.nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
		emit(o, &v, "NP on, valid, %s mode", mode_names[m]);
	}
}

static void boundary_cr3(struct out *o, unsigned maxphy)
{
	const unsigned bits[] = { 2, 3, 5, 11, 31, 32, maxphy - 1, maxphy, 45, 51, 52, 61, 62, 63 };
	struct svmc_vmcb v;

	for (enum mode m = 0; m < M_COUNT; m++)
		for (size_t b = 0; b < sizeof(bits) / sizeof(bits[0]); b++) {
			base(&v, m);
			v.save.cr3 |= BIT64(bits[b]);
			emit(o, &v, "SAVE.CR3.MBZ KVM.LATE.CR3 %s mode, CR3 bit %u", mode_names[m],
			     bits[b]);
		}
	for (enum mode m = 0; m <= M_COMPAT; m++) {
		base(&v, m);
		v.save.cr4 |= CR4_PCIDE;
		v.save.cr3 |= 0x5;
		emit(o, &v, "SAVE.CR3.MBZ %s mode, PCIDE and PCID 5", mode_names[m]);
	}
}

static void boundary_regs(struct out *o)
{
	struct svmc_vmcb v;

	for (enum mode m = 0; m < M_COUNT; m++) {
		for (unsigned bit = 0; bit < 64; bit++) {
			base(&v, m);
			v.save.cr4 ^= BIT64(bit);
			emit(o, &v, "SAVE.CR4.RSVD %s mode, CR4 bit %u flipped", mode_names[m],
			     bit);
		}
		for (unsigned bit = 0; bit < 64; bit++) {
			base(&v, m);
			v.save.efer ^= BIT64(bit);
			emit(o, &v, "SAVE.EFER.RSVD %s mode, EFER bit %u flipped", mode_names[m],
			     bit);
		}
		for (unsigned bit = 0; bit < 64; bit++) {
			base(&v, m);
			v.save.cr0 ^= BIT64(bit);
			emit(o, &v, "SAVE.CR0 %s mode, CR0 bit %u flipped", mode_names[m], bit);
		}
		base(&v, m);
		v.save.cr0 |= CR0_CD | CR0_NW;
		emit(o, &v, "SAVE.CR0.CD_NW %s mode, CD and NW", mode_names[m]);
		for (unsigned a = 0; a < 4; a++) {
			base(&v, m);
			v.save.cs.attrib = (uint16_t)((v.save.cs.attrib & ~(CS_L | CS_D)) |
						      (a & 1 ? CS_L : 0) | (a & 2 ? CS_D : 0));
			emit(o, &v, "SAVE.LM.CS_LD %s mode, CS.L %u CS.D %u", mode_names[m], a & 1,
			     a >> 1);
		}
	}
	for (unsigned r = 0; r < 2; r++) {
		const uint64_t vals[] = { 0xffffffff, BIT64(32), BIT64(63), 0 };

		for (size_t i = 0; i < 4; i++) {
			base(&v, M_LONG);
			*(r ? &v.save.dr7 : &v.save.dr6) = vals[i];
			emit(o, &v, "SAVE.%s.HIGH 0x%" PRIx64, r ? "DR7" : "DR6", vals[i]);
		}
	}
	base(&v, M_LONG);
	v.save.dr6 = BIT64(40);
	v.save.dr7 = BIT64(40);
	emit(o, &v, "SAVE.DR6.HIGH SAVE.DR7.HIGH both (the order)");
	/* the long-mode transitions: LME, LMA, PG, PAE, PE combinations */
	for (unsigned c = 0; c < 32; c++) {
		base(&v, M_LONG);
		v.save.efer &= ~(EFER_LME | EFER_LMA);
		v.save.efer |= (c & 1 ? EFER_LME : 0) | (c & 2 ? EFER_LMA : 0);
		v.save.cr0 &= ~(CR0_PG | CR0_PE);
		v.save.cr0 |= (c & 4 ? CR0_PG : 0) | (c & 8 ? CR0_PE : 0);
		if (!(c & 16))
			v.save.cr4 &= ~CR4_PAE;
		emit(o, &v, "SAVE.LM.PAE SAVE.LM.PE LME %u LMA %u PG %u PE %u PAE %u", c & 1,
		     (c >> 1) & 1, (c >> 2) & 1, (c >> 3) & 1, (c >> 4) & 1);
	}
}

static void boundary_control(struct out *o)
{
	struct svmc_vmcb v;

	base(&v, M_LONG);
	v.control.intercept_misc2 = 0;
	emit(o, &v, "CTRL.INTERCEPT.VMRUN clear");
	base(&v, M_LONG);
	v.control.intercept_misc2 = 0xffffffff;
	emit(o, &v, "CTRL.INTERCEPT.VMRUN every misc2 intercept");
	{
		const uint32_t vals[] = { 0, 1, 2, 0xffff, 0xffffffff };

		for (size_t i = 0; i < 5; i++) {
			base(&v, M_LONG);
			v.control.asid = vals[i];
			emit(o, &v, "CTRL.ASID.ZERO ASID 0x%" PRIx32, vals[i]);
		}
	}
	for (unsigned c = 0; c < 4; c++) {
		base(&v, M_LONG);
		v.control.int_ctl = c & 1 ? V_NMI_ENABLE_MASK : 0;
		if (!(c & 2))
			v.control.intercept_misc1 &= ~INTERCEPT1_NMI;
		emit(o, &v, "CTRL.VNMI.NMI_INTERCEPT V_NMI_ENABLE %u NMI intercept %u", c & 1,
		     c >> 1);
	}
	for (unsigned c = 0; c < 8; c++) {
		base(&v, M_LONG);
		v.control.nested_ctl = SVM_NESTED_CTL_SEV_ENABLE |
				       (c & 1 ? SVM_NESTED_CTL_SEV_ES_ENABLE : 0);
		v.control.allowed_sev_features = (c & 2 ? SEV_FEATURES_VALID : 0) | 0x1;
		v.control.guest_sev_features = c & 4 ? 0x2 : 0x1;
		emit(o, &v, "CTRL.SEV.ALLOWED_FEATURES SEV-ES %u valid %u guest feature %s", c & 1,
		     (c >> 1) & 1, c & 4 ? "not allowed" : "allowed");
	}
	/* EVENTINJ: every TYPE with V set and clear, every TYPE 3 vector */
	for (unsigned t = 0; t < 8; t++)
		for (unsigned valid = 0; valid < 2; valid++) {
			base(&v, M_LONG);
			v.control.event_inj = (valid ? EVTINJ_V : 0) | t << 8 | 14;
			emit(o, &v, "CTRL.EVENTINJ.TYPE V %u TYPE %u vector 14", valid, t);
		}
	for (unsigned vec = 0; vec < 256; vec++) {
		base(&v, M_LONG);
		v.control.event_inj = EVTINJ_V | 3u << 8 | vec;
		emit(o, &v, "CTRL.EVENTINJ.VECTOR TYPE 3 vector %u", vec);
	}
	for (enum mode m = 0; m < M_COUNT; m++)
		for (unsigned vec = 3; vec <= 5; vec++) {
			base(&v, m);
			v.control.event_inj = EVTINJ_V | 3u << 8 | vec;
			emit(o, &v, "CTRL.EVENTINJ.VECTOR %s mode, TYPE 3 vector %u", mode_names[m],
			     vec);
		}
	for (unsigned t = 0; t < 8; t += 2) {
		base(&v, M_LONG);
		v.control.event_inj = EVTINJ_V | 0x7ffff000u | t << 8 | 14;
		emit(o, &v, "CTRL.EVENTINJ bits 30:12 set, V 1 TYPE %u", t);
		base(&v, M_LONG);
		v.control.event_inj = 0x7ffff000u | t << 8 | 2;
		emit(o, &v, "CTRL.EVENTINJ bits 30:12 set, V 0 TYPE %u", t);
	}
	base(&v, M_LONG);
	v.control.event_inj = EVTINJ_V | EVTINJ_EV | 3u << 8 | 6;
	emit(o, &v, "CTRL.EVENTINJ.VECTOR EV with vector 6 (no error code)");
	base(&v, M_LONG);
	v.control.event_inj = EVTINJ_V | 2u << 8 | 0x55;
	emit(o, &v, "CTRL.EVENTINJ TYPE 2 (NMI) vector 0x55");
	base(&v, M_LONG);
	v.control.tlb_ctl = 7;
	emit(o, &v, "TLB_CONTROL 7");
}

/*
 * One random mutation of a field some model reads.  Values lean on the
 * boundaries (single bits, MAXPHYADDR, the top of memory) where a uniform
 * draw would almost never land.
 */
static void mutate(struct svmc_vmcb *v, unsigned maxphy, FILE *txt)
{
	struct svmc_vmcb_save *s = &v->save;
	struct svmc_vmcb_control *k = &v->control;
	static const uint64_t efer_bits[] = { EFER_SCE,     EFER_LME,   EFER_LMA,   EFER_NXE,
					      EFER_SVME,    EFER_LMSLE, EFER_FFXSR, EFER_TCE,
					      EFER_MCOMMIT, EFER_INTWB, EFER_UAIE,  EFER_AUTOIBRS };
	static const uint64_t cr0_bits[] = { CR0_PE, CR0_PG, CR0_CD, CR0_NW, CR0_WP, CR0_ET };
	unsigned bit = below(64);

	switch (below(16)) {
	case 0:
		if (below(2))
			bit = (unsigned)__builtin_ctzll(efer_bits[below(12)]);
		s->efer ^= BIT64(bit);
		fprintf(txt, " efer^bit%u", bit);
		break;
	case 1:
		if (below(3))
			bit = (unsigned)__builtin_ctzll(cr0_bits[below(6)]);
		s->cr0 ^= BIT64(bit);
		fprintf(txt, " cr0^bit%u", bit);
		break;
	case 2:
		bit = below(3) ? below(33) : bit;
		s->cr4 ^= BIT64(bit);
		fprintf(txt, " cr4^bit%u", bit);
		break;
	case 3:
		bit = below(2) ? maxphy - 1 + below(3) : bit;
		s->cr3 ^= BIT64(bit);
		fprintf(txt, " cr3^bit%u", bit);
		break;
	case 4:
		if (below(2))
			s->dr6 ^= BIT64(32 + below(32));
		else
			s->dr7 ^= BIT64(32 + below(32));
		fprintf(txt, " dr");
		break;
	case 5:
		s->cs.attrib ^= (uint16_t)(below(2) ? CS_L : CS_D);
		fprintf(txt, " cs.attrib=0x%x", s->cs.attrib);
		break;
	case 6:
		if (below(2))
			k->intercept_misc1 ^= INTERCEPT1_NMI;
		else
			k->intercept_misc2 ^= below(2) ? INTERCEPT2_VMRUN : (uint32_t)rnd();
		fprintf(txt, " intercepts");
		break;
	case 7:
		k->asid = below(2) ? 0 : (uint32_t)rnd();
		fprintf(txt, " asid=0x%x", k->asid);
		break;
	case 8:
		k->nested_ctl = below(2) ? SVM_NESTED_CTL_NP_ENABLE : rnd() & 0xff;
		fprintf(txt, " nested_ctl=0x%" PRIx64, k->nested_ctl);
		break;
	case 9:
		k->nested_ctl |= SVM_NESTED_CTL_NP_ENABLE;
		k->nested_cr3 ^= BIT64(below(2) ? maxphy - 1 + below(3) : bit);
		fprintf(txt, " np,ncr3=0x%" PRIx64, k->nested_cr3);
		break;
	case 10:
		s->g_pat ^= (uint64_t)(1u << below(8)) << (8 * below(8));
		fprintf(txt, " g_pat=0x%" PRIx64, s->g_pat);
		break;
	case 11: {
		uint64_t b = below(2) ? top(maxphy, map_deltas[below(7)]) : BIT64(bit);
		uint64_t *f = below(2) ? &k->msrpm_base_pa : &k->iopm_base_pa;

		*f = b | (below(4) ? 0 : rnd() & 0xfff);
		fprintf(txt, " %s=0x%" PRIx64, f == &k->msrpm_base_pa ? "msrpm" : "iopm", *f);
		break;
	}
	case 12:
		k->int_ctl ^= below(2) ? V_NMI_ENABLE_MASK : 1u << below(32);
		fprintf(txt, " int_ctl=0x%x", k->int_ctl);
		break;
	case 13:
	case 14:
		k->event_inj = (below(4) ? EVTINJ_V : 0) | below(8) << 8 | below(256) |
			       (below(4) ? 0 : (uint32_t)rnd() & 0x7ffff800u);
		fprintf(txt, " event_inj=0x%08x", k->event_inj);
		break;
	default:
		k->nested_ctl |= SVM_NESTED_CTL_SEV_ENABLE | SVM_NESTED_CTL_SEV_ES_ENABLE;
		k->allowed_sev_features = rnd() & (SEV_FEATURES_VALID | 0xff);
		k->guest_sev_features = rnd() & 0xff;
		fprintf(txt, " sev");
		break;
	}
}

static FILE *open_out(const char *dir, const char *name, const char *mode)
{
	char path[4096];
	FILE *f;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		die("%s: path too long", dir);
	f = fopen(path, mode);
	if (!f)
		die("%s: %s", path, strerror(errno));
	return f;
}

static void close_out(FILE *f)
{
	if (fclose(f))
		die("close: %s", strerror(errno));
}

static void cmd_images(const char *dir, unsigned maxphy, uint64_t count, uint64_t seed)
{
	struct out o = { open_out(dir, "images.bin", "wb"), open_out(dir, "blob", "wb+"),
			 open_out(dir, "images.txt", "w"), 0 };
	struct blob_header h = { BLOB_MAGIC, 0, 0 };
	static uint8_t head[PAGE];
	struct svmc_vmcb v;

	if (fwrite(head, PAGE, 1, o.blob) != 1)
		die("write: %s", strerror(errno));
	for (enum mode m = 0; m < M_COUNT; m++) {
		base(&v, m);
		emit(&o, &v, "valid %s mode", mode_names[m]);
		base(&v, m);
		v.save.efer &= ~EFER_SVME;
		emit(&o, &v, "SAVE.EFER.SVME clear, %s mode", mode_names[m]);
	}
	boundary_regs(&o);
	boundary_cr3(&o, maxphy);
	boundary_maps(&o, maxphy);
	boundary_np(&o, maxphy);
	boundary_control(&o);
	if (seed)
		trng_state = seed;
	for (uint64_t i = 0; i < count; i++) {
		enum mode m = (enum mode)below(M_COUNT);
		unsigned n = 1 + below(3);

		base(&v, m);
		fprintf(o.txt, "%" PRIu32 " random %s", o.count, mode_names[m]);
		while (n--)
			mutate(&v, maxphy, o.txt);
		fputc('\n', o.txt);
		put_page(&o, &v);
	}
	h.count = o.count;
	memcpy(head, &h, sizeof(h));
	if (fseek(o.blob, 0, SEEK_SET) || fwrite(head, PAGE, 1, o.blob) != 1)
		die("write: %s", strerror(errno));
	close_out(o.raw);
	close_out(o.blob);
	close_out(o.txt);
	printf("%" PRIu32 "\n", o.count);
}

static void cmd_disk(const char *bootsect, const char *program, const char *blob, const char *out)
{
	char msg[512];

	if (conform_disk_write(bootsect, program, blob, out, msg, sizeof(msg)))
		die("%s", msg);
}

static void cmd_start(const char *path, long offset, uint32_t start)
{
	char msg[512];

	if (conform_blob_set_start(path, offset, start, msg, sizeof(msg)))
		die("%s", msg);
}

int main(int argc, char **argv)
{
	if (argc == 6 && !strcmp(argv[1], "images")) {
		uint64_t maxphy = parse_u64(argv[3], "MAXPHYADDR");

		if (maxphy < 32 || maxphy > 52)
			die("MAXPHYADDR %" PRIu64 " is outside 32..52", maxphy);
		cmd_images(argv[2], (unsigned)maxphy, parse_u64(argv[4], "COUNT"),
			   parse_u64(argv[5], "SEED"));
	} else if (argc == 6 && !strcmp(argv[1], "disk")) {
		cmd_disk(argv[2], argv[3], argv[4], argv[5]);
	} else if (argc == 5 && !strcmp(argv[1], "start")) {
		cmd_start(argv[2], (long)parse_u64(argv[3], "OFFSET"),
			  (uint32_t)parse_u64(argv[4], "INDEX"));
	} else {
		fputs("usage: conform_gen images DIR MAXPHYADDR COUNT SEED\n"
		      "       conform_gen disk BOOTSECT PROGRAM BLOB OUT\n"
		      "       conform_gen start FILE OFFSET INDEX\n",
		      stderr);
		return 2;
	}
	return 0;
}
