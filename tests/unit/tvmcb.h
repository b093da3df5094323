/*
 * tvmcb.h - the VMCB the engine tests start from: a valid 64-bit guest that
 * every model accepts on any SVM CPU with MAXPHYADDR >= 32 (EFER with SVME
 * and long mode, CR0 0x80050033 = PG|AM|WP|NE|ET|MP|PE, CR4 with PAE, a
 * 64-bit code segment, the power-on G_PAT, VMRUN and NMI intercepted, ASID
 * 1, permission maps low in memory), every field known; and the seeded
 * random generator the randomized engine tests draw from.  Header-only.
 */
#ifndef SVMCHECK_TVMCB_H
#define SVMCHECK_TVMCB_H

#include "svmcheck/record.h"
#include "vmcb/svm_bits.h"

/*
 * xorshift64*: a fixed seed gives the same records on every run and host.
 * Each test sets trng_state to its own seed before drawing.
 */
static uint64_t trng_state = UINT64_C(0x9e3779b97f4a7c15);

static inline uint64_t rnd(void)
{
	trng_state ^= trng_state >> 12;
	trng_state ^= trng_state << 25;
	trng_state ^= trng_state >> 27;
	return trng_state * UINT64_C(0x2545f4914f6cdd1d);
}

static inline unsigned rnd_below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

static inline void tvmcb_long_mode(struct svmc_record *r)
{
	struct svmc_vmcb_save *s = &r->vmcb.save;
	struct svmc_vmcb_control *k = &r->vmcb.control;

	svmc_record_clear(r);
	s->efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_SVME;
	s->cr0 = 0x80050033;
	s->cr4 = CR4_PAE | CR4_PGE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	s->cr3 = 0x1000;
	s->dr6 = 0xffff0ff0;
	s->dr7 = 0x400;
	s->cs.attrib = 0x029b;
	s->g_pat = UINT64_C(0x0007040600070406);
	k->intercept_misc1 = INTERCEPT1_NMI;
	k->intercept_misc2 = INTERCEPT2_VMRUN;
	k->asid = 1;
	k->msrpm_base_pa = 0x10000;
	k->iopm_base_pa = 0x20000;
	svmc_mark_all_known(r);
}

#endif
