/*
 * checks.c - the check table: one row per VMRUN consistency check
 * (AMD APM vol. 2 section 15.5.1 and KVM's nested.c), with the fields it reads, a small pure predicate,
 * a guard that lets a check pass on a record with unknown fields when what
 * is known already decides it, and the sentence for a person.
 *
 * Predicates read only the VMCB and the compiled model: every model- or
 * CPU-dependent quantity (allowed masks, vector bitmap, address limits,
 * whether NP is honoured) was computed by svmc_compile().  No predicate
 * knows which model it runs under.
 */
#include <assert.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check/internal.h"
#include "svmcheck/vectors.h"
#include "vmcb/svm_bits.h"

#define KNOWN(r, f) svmc_known(r, SVMC_F_##f)

/* ---- shared predicates ---------------------------------------------------- */

/* long mode, CS.L/D, G_PAT, ranges, vNMI and SEV: see internal.h */

/* Known not to be in long mode (LME or PG known clear). */
static bool lm_known_off(const struct svmc_record *r)
{
	return (KNOWN(r, EFER) && !(r->vmcb.save.efer & EFER_LME)) ||
	       (KNOWN(r, CR0) && !(r->vmcb.save.cr0 & CR0_PG));
}

static inline bool np_on(const struct svmc_compiled *c, const struct svmc_vmcb *v)
{
	return (v->control.nested_ctl & c->np_mask) != 0;
}

static bool np_known_off(const struct svmc_compiled *c, const struct svmc_record *r)
{
	return c->np_mask == 0 || (KNOWN(r, NESTED_CTL) && !np_on(c, &r->vmcb));
}

/* ---- predicates ----------------------------------------------------------- */

static bool f_efer_svme(const struct svmc_compiled *c, const struct svmc_vmcb *v)
{
	(void)c;
	return !(v->save.efer & EFER_SVME);
}

static bool f_cr0_cd_nw(const struct svmc_compiled *c, const struct svmc_vmcb *v)
{
	(void)c;
	return !(v->save.cr0 & CR0_CD) && (v->save.cr0 & CR0_NW);
}

static bool f_cr0_high(const struct svmc_compiled *c, const struct svmc_vmcb *v)
{
	(void)c;
	return (v->save.cr0 >> 32) != 0;
}

static bool f_dr6_high(const struct svmc_compiled *c, const struct svmc_vmcb *v)
{
	(void)c;
	return (v->save.dr6 >> 32) != 0;
}

static bool f_dr7_high(const struct svmc_compiled *c, const struct svmc_vmcb *v)
{
	(void)c;
	return (v->save.dr7 >> 32) != 0;
}

static bool f_lm_pae(const struct svmc_compiled *c, const struct svmc_vmcb *v)
{
	(void)c;
	return svmc_long_mode(v) && !(v->save.cr4 & CR4_PAE);
}

static bool g_lm_pae(const struct svmc_compiled *c, const struct svmc_record *r)
{
	(void)c;
	return lm_known_off(r) || (KNOWN(r, CR4) && (r->vmcb.save.cr4 & CR4_PAE));
}

static bool f_lm_pe(const struct svmc_compiled *c, const struct svmc_vmcb *v)
{
	(void)c;
	return svmc_long_mode(v) && !(v->save.cr0 & CR0_PE);
}

static bool g_lm_pe(const struct svmc_compiled *c, const struct svmc_record *r)
{
	(void)c;
	return lm_known_off(r) || (KNOWN(r, CR0) && (r->vmcb.save.cr0 & CR0_PE));
}

static bool f_cr3_mbz(const struct svmc_compiled *c, const struct svmc_vmcb *v)
{
	return svmc_long_mode(v) && (v->save.cr3 & c->cr3_rsvd);
}

static bool g_cr3_mbz(const struct svmc_compiled *c, const struct svmc_record *r)
{
	return lm_known_off(r) || (KNOWN(r, CR3) && !(r->vmcb.save.cr3 & c->cr3_rsvd));
}

static bool f_lm_cs_ld(const struct svmc_compiled *c, const struct svmc_vmcb *v)
{
	(void)c;
	return svmc_long_mode(v) && (v->save.cr4 & CR4_PAE) && svmc_cs_l_and_d(v);
}

static bool g_lm_cs_ld(const struct svmc_compiled *c, const struct svmc_record *r)
{
	(void)c;
	return lm_known_off(r) || (KNOWN(r, CR4) && !(r->vmcb.save.cr4 & CR4_PAE)) ||
	       (KNOWN(r, CS) && !svmc_cs_l_and_d(&r->vmcb));
}

static bool f_cr4_rsvd(const struct svmc_compiled *c, const struct svmc_vmcb *v)
{
	return (v->save.cr4 & ~c->cr4_allowed) != 0;
}

static bool f_efer_rsvd(const struct svmc_compiled *c, const struct svmc_vmcb *v)
{
	return (v->save.efer & ~c->efer_allowed) != 0;
}

static bool f_np_gpat(const struct svmc_compiled *c, const struct svmc_vmcb *v)
{
	return np_on(c, v) && svmc_gpat_bad(v->save.g_pat);
}

static bool g_np_gpat(const struct svmc_compiled *c, const struct svmc_record *r)
{
	return np_known_off(c, r) || (KNOWN(r, G_PAT) && !svmc_gpat_bad(r->vmcb.save.g_pat));
}

static bool f_intercept_vmrun(const struct svmc_compiled *c, const struct svmc_vmcb *v)
{
	(void)c;
	return !(v->control.intercept_misc2 & INTERCEPT2_VMRUN);
}

static bool f_asid_zero(const struct svmc_compiled *c, const struct svmc_vmcb *v)
{
	(void)c;
	return v->control.asid == 0;
}

static bool f_np_ncr3(const struct svmc_compiled *c, const struct svmc_vmcb *v)
{
	return np_on(c, v) && (v->control.nested_cr3 & c->pa_rsvd);
}

static bool g_np_ncr3(const struct svmc_compiled *c, const struct svmc_record *r)
{
	return np_known_off(c, r) ||
	       (KNOWN(r, NESTED_CR3) && !(r->vmcb.control.nested_cr3 & c->pa_rsvd));
}

static bool f_msrpm_range(const struct svmc_compiled *c, const struct svmc_vmcb *v)
{
	return svmc_range_bad(v->control.msrpm_base_pa, c->msrpm_last, c->pa_rsvd);
}

static bool f_iopm_range(const struct svmc_compiled *c, const struct svmc_vmcb *v)
{
	return svmc_range_bad(v->control.iopm_base_pa, c->iopm_last, c->pa_rsvd);
}

/*
 * APM section 15.21.10 (NMI Virtualization) is the one AMD's vNMI series
 * cites (Santosh Shukla, KVM vNMI v4 cover letter, 2023; the same series
 * states that VMRUN fails with V_NMI_ENABLE set and NMIs not intercepted);
 * the APM's own wording was not located, hence the rule's
 * "unverified".
 */
static bool f_vnmi(const struct svmc_compiled *c, const struct svmc_vmcb *v)
{
	(void)c;
	return svmc_vnmi_bad(v);
}

static bool g_vnmi(const struct svmc_compiled *c, const struct svmc_record *r)
{
	(void)c;
	return (KNOWN(r, INT_CTL) && !(r->vmcb.control.int_ctl & V_NMI_ENABLE_MASK)) ||
	       (KNOWN(r, INTERCEPT_MISC1) && (r->vmcb.control.intercept_misc1 & INTERCEPT1_NMI));
}

static bool f_sev_allowed(const struct svmc_compiled *c, const struct svmc_vmcb *v)
{
	(void)c;
	return svmc_sev_bad(v);
}

static bool g_sev_allowed(const struct svmc_compiled *c, const struct svmc_record *r)
{
	const struct svmc_vmcb *v = &r->vmcb;
	(void)c;
	return (KNOWN(r, NESTED_CTL) && !(v->control.nested_ctl & SVM_NESTED_CTL_SEV_ES_ENABLE)) ||
	       (KNOWN(r, ALLOWED_SEV_FEATURES) &&
		!(v->control.allowed_sev_features & VMCB_ALLOWED_SEV_FEATURES_VALID)) ||
	       (KNOWN(r, GUEST_SEV_FEATURES) &&
		!(v->control.guest_sev_features & ~VMCB_ALLOWED_SEV_FEATURES_VALID)) ||
	       /* both feature words known and nothing disallowed: passes whatever
		* nested_ctl says */
	       (KNOWN(r, ALLOWED_SEV_FEATURES) && KNOWN(r, GUEST_SEV_FEATURES) &&
		!svmc_sev_disallowed(v));
}

static bool f_evtinj_type(const struct svmc_compiled *c, const struct svmc_vmcb *v)
{
	uint32_t e = v->control.event_inj;
	return (e & SVM_EVTINJ_VALID) && !svmc_type_valid(c, SVM_EVTINJ_TYPE(e));
}

static bool f_evtinj_vector(const struct svmc_compiled *c, const struct svmc_vmcb *v)
{
	uint32_t e = v->control.event_inj;
	return (e & SVM_EVTINJ_VALID) && SVM_EVTINJ_TYPE(e) == SVM_EVTINJ_TYPE_EXEPT &&
	       !svmc_vector_valid(c, SVM_EVTINJ_VECTOR(e));
}

static bool f_late_cr3(const struct svmc_compiled *c, const struct svmc_vmcb *v)
{
	return !svmc_long_mode(v) && (v->save.cr3 & c->cr3_rsvd);
}

static bool g_late_cr3(const struct svmc_compiled *c, const struct svmc_record *r)
{
	const struct svmc_vmcb *v = &r->vmcb;
	return (KNOWN(r, CR3) && !(v->save.cr3 & c->cr3_rsvd)) ||
	       (KNOWN(r, EFER) && KNOWN(r, CR0) && svmc_long_mode(v));
}

/* QEMU: CR3 against MAXPHYADDR whatever L2's paging mode (see the row). */
static bool f_cr3_any_mode(const struct svmc_compiled *c, const struct svmc_vmcb *v)
{
	return (v->save.cr3 & c->cr3_rsvd) != 0;
}

/* CR3 bits Xen always reserves with paging on, and those it adds without PAE or with LMA */
#define XEN_CR3_LOW_RSVD UINT64_C(0x7)
#define XEN_CR3_MID_RSVD UINT64_C(0xfe0)

/* The reserved CR3 bits Xen tests in the mode v is in, 0 with paging off. */
static uint64_t xen_cr3_bad(const struct svmc_compiled *c, const struct svmc_vmcb *v)
{
	const struct svmc_vmcb_save *s = &v->save;
	bool lma = s->efer & EFER_LMA;
	uint64_t bad = XEN_CR3_LOW_RSVD;

	if (!(s->cr0 & CR0_PG))
		return 0;
	if (!(s->cr4 & CR4_PAE) || lma)
		bad |= XEN_CR3_MID_RSVD;
	if (lma)
		bad |= c->pa_rsvd;
	return s->cr3 & bad;
}

static bool f_cr3_xen(const struct svmc_compiled *c, const struct svmc_vmcb *v)
{
	return xen_cr3_bad(c, v) != 0;
}

/* Paging known off, or a CR3 with none of the bits Xen may test. */
static bool g_cr3_xen(const struct svmc_compiled *c, const struct svmc_record *r)
{
	return (KNOWN(r, CR0) && !(r->vmcb.save.cr0 & CR0_PG)) ||
	       (KNOWN(r, CR3) &&
		!(r->vmcb.save.cr3 & (XEN_CR3_LOW_RSVD | XEN_CR3_MID_RSVD | c->pa_rsvd)));
}

static bool f_efer_lma_no_lme(const struct svmc_compiled *c, const struct svmc_vmcb *v)
{
	(void)c;
	return (v->save.efer & EFER_LMA) && !(v->save.efer & EFER_LME);
}

/* Xen copies the map from the base as given: bits 11:0 are not masked. */
static bool f_msrpm_raw_range(const struct svmc_compiled *c, const struct svmc_vmcb *v)
{
	return svmc_range_bad_raw(v->control.msrpm_base_pa, c->msrpm_last, c->pa_rsvd);
}

static bool f_evtinj_rsvd(const struct svmc_compiled *c, const struct svmc_vmcb *v)
{
	(void)c;
	return (v->control.event_inj & SVM_EVTINJ_RESERVED_BITS) != 0;
}

static bool f_cs_ld_any(const struct svmc_compiled *c, const struct svmc_vmcb *v)
{
	(void)c;
	return svmc_cs_l_and_d(v);
}

/* Bochs recomputes LMA as LME and PG, so "outside long mode" is svmc_long_mode()'s. */
static bool f_cr4_pcide_nolm(const struct svmc_compiled *c, const struct svmc_vmcb *v)
{
	(void)c;
	return !svmc_long_mode(v) && (v->save.cr4 & CR4_PCIDE);
}

static bool g_cr4_pcide_nolm(const struct svmc_compiled *c, const struct svmc_record *r)
{
	(void)c;
	return (KNOWN(r, CR4) && !(r->vmcb.save.cr4 & CR4_PCIDE)) ||
	       (KNOWN(r, EFER) && KNOWN(r, CR0) && svmc_long_mode(&r->vmcb));
}

/*
 * KVM_SET_NESTED_STATE (arch/x86/kvm/x86.c kvm_arch_vcpu_ioctl() and
 * arch/x86/kvm/svm/nested.c svm_set_nested_state(), newest): the header
 * first, then the cached vmcb12 controls, then L1's save area.
 */
static bool h_format(const struct svmc_compiled *c, const struct svmc_nstate *h)
{
	(void)c;
	return h->format != SVMC_NSTATE_FORMAT_SVM;
}

/* A flag SVM does not know, or RUN_PENDING without GUEST_MODE (x86.c). */
static bool h_flags(const struct svmc_compiled *c, const struct svmc_nstate *h)
{
	(void)c;
	return (h->flags & ~SVMC_NSTATE_FLAGS_SVM) ||
	       ((h->flags & SVMC_NSTATE_RUN_PENDING) && !(h->flags & SVMC_NSTATE_GUEST_MODE));
}

/* page_address_valid(): page-aligned and a legal GPA. */
static bool h_vmcb_pa(const struct svmc_compiled *c, const struct svmc_nstate *h)
{
	return (h->vmcb_pa & 0xfff) || (h->vmcb_pa & c->pa_rsvd);
}

/* Below the header (x86.c) or, in guest mode, below header and vmcb12. */
static bool h_size(const struct svmc_compiled *c, const struct svmc_nstate *h)
{
	(void)c;
	return h->size < SVMC_NSTATE_HDR_SIZE ||
	       ((h->flags & SVMC_NSTATE_GUEST_MODE) && h->size < SVMC_NSTATE_FULL_SIZE);
}

static bool f_l1_cr0_pg(const struct svmc_compiled *c, const struct svmc_vmcb *v)
{
	(void)c;
	return !(v->save.cr0 & CR0_PG);
}

static bool f_l1_cr0_pe(const struct svmc_compiled *c, const struct svmc_vmcb *v)
{
	(void)c;
	return !(v->save.cr0 & CR0_PE);
}

static bool f_l1_rflags_vm(const struct svmc_compiled *c, const struct svmc_vmcb *v)
{
	(void)c;
	return (v->save.rflags & RFLAGS_VM) != 0;
}

/* ---- messages ------------------------------------------------------------- */

/* snprintf that returns a length >= 0 and tolerates n == 0. */
static int put(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int put(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(n ? buf : NULL, n, fmt, ap);
	va_end(ap);
	return k < 0 ? 0 : k;
}

/* Append to buf at *len (which may exceed n: snprintf semantics). */
struct sb {
	char *buf;
	size_t n, len;
};

static void sb_add(struct sb *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_add(struct sb *s, const char *fmt, ...)
{
	va_list ap;
	int k;
	char *p = s->len < s->n ? s->buf + s->len : NULL;
	size_t room = s->len < s->n ? s->n - s->len : 0;

	va_start(ap, fmt);
	k = vsnprintf(p, room, fmt, ap);
	va_end(ap);
	if (k > 0)
		s->len += (size_t)k;
}

#define HX "0x%016llx"
#define U(x) ((unsigned long long)(x))

static int m_efer_svme(const struct svmc_compiled *c, const struct svmc_vmcb *v, char *b, size_t n)
{
	(void)c;
	return put(b, n,
		   "EFER is " HX
		   ": EFER.SVME (bit 12) is clear, but a guest must be run with SVM enabled",
		   U(v->save.efer));
}

static int m_cr0_cd_nw(const struct svmc_compiled *c, const struct svmc_vmcb *v, char *b, size_t n)
{
	(void)c;
	return put(
		b, n,
		"CR0 is " HX
		": NW (not write-through, bit 29) is set while CD (cache disable, bit 30) is clear, "
		"an illegal combination",
		U(v->save.cr0));
}

static int m_high(const char *reg, uint64_t val, char *b, size_t n)
{
	return put(b, n, "%s is " HX ": bits 63:32 must be zero but 0x%08llx is set there", reg,
		   U(val), U(val >> 32));
}

static int m_cr0_high(const struct svmc_compiled *c, const struct svmc_vmcb *v, char *b, size_t n)
{
	(void)c;
	return m_high("CR0", v->save.cr0, b, n);
}

static int m_dr6_high(const struct svmc_compiled *c, const struct svmc_vmcb *v, char *b, size_t n)
{
	(void)c;
	return m_high("DR6", v->save.dr6, b, n);
}

static int m_dr7_high(const struct svmc_compiled *c, const struct svmc_vmcb *v, char *b, size_t n)
{
	(void)c;
	return m_high("DR7", v->save.dr7, b, n);
}

static int m_lm_pae(const struct svmc_compiled *c, const struct svmc_vmcb *v, char *b, size_t n)
{
	(void)c;
	return put(b, n,
		   "EFER.LME and CR0.PG are set (long mode), but CR4 (" HX
		   ") has PAE (bit 5) clear; long mode "
		   "needs PAE paging",
		   U(v->save.cr4));
}

static int m_lm_pe(const struct svmc_compiled *c, const struct svmc_vmcb *v, char *b, size_t n)
{
	(void)c;
	return put(b, n,
		   "EFER.LME and CR0.PG are set (long mode), but CR0 (" HX
		   ") has PE (bit 0) clear; long mode "
		   "needs protected mode",
		   U(v->save.cr0));
}

static int m_cr3_mbz(const struct svmc_compiled *c, const struct svmc_vmcb *v, char *b, size_t n)
{
	return put(b, n,
		   "in long mode CR3 " HX " must be a legal physical address, but it sets bits " HX
		   " at or above MAXPHYADDR %u",
		   U(v->save.cr3), U(v->save.cr3 & c->cr3_rsvd), c->maxphyaddr);
}

static int m_lm_cs_ld(const struct svmc_compiled *c, const struct svmc_vmcb *v, char *b, size_t n)
{
	(void)c;
	return put(
		b, n,
		"in long mode with PAE, CS (attrib 0x%04x) has both L (64-bit, attrib bit 9) and D "
		"(32-bit default size, attrib bit 10) set, which is reserved",
		v->save.cs.attrib);
}

/*
 * Why gate g disallows its bit on c's CPU, naming the condition that is not
 * met: "la57 is absent", "shstk and ibt are both absent", "svm is absent",
 * "efer_lmsle_unsupported is present", or both halves of an AND_NOT.
 */
static void gate_cause(struct sb *s, const struct svmc_compiled *c, const struct svmc_gate *g)
{
	const char *f1 = svmc_feature_table[g->feat].name, *f2 = svmc_feature_table[g->feat2].name;
	bool has1 = svmc_featset_has(&c->features, g->feat),
	     has2 = svmc_featset_has(&c->features, g->feat2);

	switch (g->kind) {
	case SVMC_GATE_FEATURE:
		sb_add(s, "%s is absent", f1);
		break;
	case SVMC_GATE_EITHER:
		sb_add(s, "%s and %s are both absent", f1, f2);
		break;
	case SVMC_GATE_BOTH:
		if (!has1 && !has2)
			sb_add(s, "%s and %s are both absent", f1, f2);
		else
			sb_add(s, "%s is absent", has1 ? f2 : f1);
		break;
	case SVMC_GATE_AND_NOT:
		if (!has1 && has2)
			sb_add(s, "%s is absent and %s is present", f1, f2);
		else if (!has1)
			sb_add(s, "%s is absent", f1);
		else
			sb_add(s, "%s is present", f2);
		break;
	default:
		sb_add(s, "not allowed");
		break;
	}
	sb_add(s, " on this CPU");
}

/*
 * List the set bits of bad with their gates: "LA57 (bit 12, needs la57
 * (CPUID 7.0:ECX[16]); la57 is absent on this CPU)", "PKS (bit 24, reserved
 * under kvm)", "bit 40 (reserved under kvm)".
 */
static void list_bits(struct sb *s, const struct svmc_compiled *c, uint64_t bad,
		      const struct svmc_gate *gates, const char *(*bitname)(unsigned))
{
	char why[160];
	bool firstbit = true;

	for (unsigned bit = 0; bit < 64; bit++) {
		if (!((bad >> bit) & 1))
			continue;
		const char *name = bitname(bit);
		const struct svmc_gate *g = &gates[bit];
		sb_add(s, "%s", firstbit ? "" : ", ");
		firstbit = false;
		if (name)
			sb_add(s, "%s (bit %u, ", name, bit);
		else
			sb_add(s, "bit %u (", bit);
		if (g->kind == SVMC_GATE_RESERVED) {
			sb_add(s, "reserved under %s)", c->model->name);
		} else {
			sb_add(s, "%s; ", svmc_gate_describe(g, why, sizeof(why)));
			gate_cause(s, c, g);
			sb_add(s, ")");
		}
	}
}

static int m_cr4_rsvd(const struct svmc_compiled *c, const struct svmc_vmcb *v, char *b, size_t n)
{
	struct sb s = { b, n, 0 };
	sb_add(&s, "CR4 is " HX " and sets reserved bits: ", U(v->save.cr4));
	list_bits(&s, c, v->save.cr4 & ~c->cr4_allowed, c->cr4_gate, svmc_cr4_bit_name);
	if (n)
		b[s.len < n ? s.len : n - 1] = '\0';
	return (int)s.len;
}

static int m_efer_rsvd(const struct svmc_compiled *c, const struct svmc_vmcb *v, char *b, size_t n)
{
	struct sb s = { b, n, 0 };
	sb_add(&s, "EFER is " HX " and sets reserved bits: ", U(v->save.efer));
	list_bits(&s, c, v->save.efer & ~c->efer_allowed, c->efer_gate, svmc_efer_bit_name);
	if (n)
		b[s.len < n ? s.len : n - 1] = '\0';
	return (int)s.len;
}

static int m_np_gpat(const struct svmc_compiled *c, const struct svmc_vmcb *v, char *b, size_t n)
{
	unsigned i;
	uint8_t e = 0;
	(void)c;
	for (i = 0; i < 8; i++) {
		e = (uint8_t)(v->save.g_pat >> (8 * i));
		if ((e & 0xf8) || (e & 7) == 2 || (e & 7) == 3)
			break;
	}
	return put(b, n, "nested paging is on and G_PAT " HX " has entry PA%u = 0x%02x, %s",
		   U(v->save.g_pat), i, e,
		   (e & 0xf8) ? "which sets reserved bits 7:3" :
				"a reserved memory type (2 and 3 are reserved)");
}

static int m_intercept_vmrun(const struct svmc_compiled *c, const struct svmc_vmcb *v, char *b,
			     size_t n)
{
	(void)c;
	return put(
		b, n,
		"intercept_misc2 is 0x%08x: the VMRUN intercept (bit 0) is clear, but a guest must intercept VMRUN",
		v->control.intercept_misc2);
}

static int m_asid_zero(const struct svmc_compiled *c, const struct svmc_vmcb *v, char *b, size_t n)
{
	(void)c;
	(void)v;
	return put(b, n, "the guest ASID is 0, which belongs to the host");
}

static int m_np_ncr3(const struct svmc_compiled *c, const struct svmc_vmcb *v, char *b, size_t n)
{
	return put(b, n,
		   "nested paging is on and nCR3 " HX " is not a legal physical address: bits " HX
		   " are at or above MAXPHYADDR %u",
		   U(v->control.nested_cr3), U(v->control.nested_cr3 & c->pa_rsvd), c->maxphyaddr);
}

/*
 * The map [b, b + last] with b = base & ~0xfff, as svmc_range_bad() judges it:
 * a base that is itself not a legal address "starts beyond" the limit; a
 * legal base whose map ends past it "reaches beyond" it; b + last past
 * 2^64 wraps (never printed as a small "last byte").
 */
static int m_range(const struct svmc_compiled *c, const char *what, uint64_t base, uint64_t last,
		   char *b, size_t n)
{
	uint64_t pb = base & ~UINT64_C(0xfff);
	bool wraps = pb + last < pb;
	char size[40];

	svmc_map_size_words(last, size, sizeof(size));

	if (c->maxphyaddr >= 64)
		return put(b, n,
			   "the %s at " HX " (%s) wraps past the end of the 64-bit address space",
			   what, U(pb), size);
	if (pb & c->pa_rsvd)
		return put(b, n,
			   "the %s at " HX
			   " (%s) starts beyond MAXPHYADDR %u (physical addresses end at " HX ")%s",
			   what, U(pb), size, c->maxphyaddr, U(c->pa_rsvd ^ ~UINT64_C(0)),
			   wraps ? " and wraps past the end of the 64-bit address space" : "");
	return put(b, n,
		   "the %s at " HX " (%s, last byte " HX
		   ") reaches beyond MAXPHYADDR %u (physical addresses "
		   "end at " HX ")",
		   what, U(pb), size, U(pb + last), c->maxphyaddr, U(c->pa_rsvd ^ ~UINT64_C(0)));
}

static int m_msrpm_range(const struct svmc_compiled *c, const struct svmc_vmcb *v, char *b,
			 size_t n)
{
	return m_range(c, "MSR permission map", v->control.msrpm_base_pa, c->msrpm_last, b, n);
}

static int m_iopm_range(const struct svmc_compiled *c, const struct svmc_vmcb *v, char *b, size_t n)
{
	return m_range(c, "I/O permission map", v->control.iopm_base_pa, c->iopm_last, b, n);
}

static int m_vnmi(const struct svmc_compiled *c, const struct svmc_vmcb *v, char *b, size_t n)
{
	(void)c;
	return put(
		b, n,
		"int_ctl is 0x%08x: virtual NMI is enabled (V_NMI_ENABLE, bit 26), but intercept_misc1 (0x%08x) "
		"does not intercept NMIs (bit 1)",
		v->control.int_ctl, v->control.intercept_misc1);
}

static int m_sev_allowed(const struct svmc_compiled *c, const struct svmc_vmcb *v, char *b,
			 size_t n)
{
	(void)c;
	return put(b, n,
		   "SEV-ES is on and allowed_sev_features " HX
		   " is valid (bit 63), but guest_sev_features " HX
		   " uses features it does not allow (" HX ")",
		   U(v->control.allowed_sev_features), U(v->control.guest_sev_features),
		   U(svmc_sev_disallowed(v)));
}

static int m_evtinj_type(const struct svmc_compiled *c, const struct svmc_vmcb *v, char *b,
			 size_t n)
{
	(void)c;
	return put(
		b, n,
		"EVENTINJ is 0x%08x: it injects an event of TYPE %u, a reserved type (only 0, 2, 3, 4 exist)",
		v->control.event_inj, SVM_EVTINJ_TYPE(v->control.event_inj));
}

static int m_evtinj_vector(const struct svmc_compiled *c, const struct svmc_vmcb *v, char *b,
			   size_t n)
{
	unsigned vec = SVM_EVTINJ_VECTOR(v->control.event_inj);
	char label[48], cpuid[48], mn[16];

	if (vec >= 32)
		snprintf(label, sizeof(label), "vector %u", vec);
	else if (!svmc_vector_mnemonic(vec, mn, sizeof(mn))[0])
		snprintf(label, sizeof(label), "vector %u (reserved)", vec);
	else
		snprintf(label, sizeof(label), "vector %u (%s)", vec, mn);

	const struct svmc_vreason_info *ri =
		svmc_vreason_info((enum svmc_vreason)c->vec_reason[vec]);

	if (ri->feature >= 0)
		return put(b, n, "EVENTINJ injects %s as an exception, but this CPU has no %s (%s)",
			   label, ri->needs,
			   svmc_feature_cpuid((unsigned)ri->feature, cpuid, sizeof(cpuid)));
	switch ((enum svmc_vreason)c->vec_reason[vec]) {
	case SVMC_VR_NOT_EXCEPTION:
		if (vec == 2)
			return put(
				b, n,
				"EVENTINJ injects %s as an exception, but NMI is an interrupt, not an exception "
				"(inject it with TYPE 2)",
				label);
		return put(
			b, n,
			"EVENTINJ injects %s as an exception, but vectors 32-255 are interrupts, not exceptions",
			label);
	case SVMC_VR_NEVER:
		return put(b, n,
			   "EVENTINJ injects %s as an exception, but #VE exists only on Intel CPUs",
			   label);
	case SVMC_VR_KVM_V1_MASK:
		return put(
			b, n,
			"EVENTINJ injects %s as an exception, which the first posted KVM patch rejects: its mask "
			"ORs in NMI_VECTOR, the number 2, which sets bit 1 (#DB) instead of bit 2 (NMI)",
			label);
	case SVMC_VR_RESERVED:
	default:
		return put(
			b, n,
			"EVENTINJ injects %s as an exception, but vector %u is a reserved exception vector",
			label, vec);
	}
}

static int m_late_cr3(const struct svmc_compiled *c, const struct svmc_vmcb *v, char *b, size_t n)
{
	return put(b, n,
		   "CR3 " HX " is not a legal physical address: bits " HX
		   " are at or above MAXPHYADDR %u (KVM loads "
		   "CR3 after the consistency checks, in any paging mode)",
		   U(v->save.cr3), U(v->save.cr3 & c->cr3_rsvd), c->maxphyaddr);
}

static int m_cr3_any_mode(const struct svmc_compiled *c, const struct svmc_vmcb *v, char *b,
			  size_t n)
{
	return put(b, n,
		   "CR3 " HX
		   " must be a legal physical address in every paging mode, but it sets bits " HX
		   " at or above MAXPHYADDR %u",
		   U(v->save.cr3), U(v->save.cr3 & c->cr3_rsvd), c->maxphyaddr);
}

static int m_cr3_xen(const struct svmc_compiled *c, const struct svmc_vmcb *v, char *b, size_t n)
{
	uint64_t bad = xen_cr3_bad(c, v);

	return put(b, n,
		   "with paging on, CR3 " HX " sets bits " HX
		   " that are reserved in this mode (bits 2:0; bits 11:5 without PAE or with "
		   "EFER.LMA; with EFER.LMA, bits at or above MAXPHYADDR %u)",
		   U(v->save.cr3), U(bad), c->maxphyaddr);
}

static int m_efer_lma_no_lme(const struct svmc_compiled *c, const struct svmc_vmcb *v, char *b,
			     size_t n)
{
	(void)c;
	return put(b, n, "EFER is " HX ": LMA (bit 10) is set while LME (bit 8) is clear",
		   U(v->save.efer));
}

static int m_msrpm_raw_range(const struct svmc_compiled *c, const struct svmc_vmcb *v, char *b,
			     size_t n)
{
	uint64_t base = v->control.msrpm_base_pa, end = base + c->msrpm_last;
	char size[40];

	if (end < base)
		return put(
			b, n,
			"the MSR permission map read from " HX
			" (the base as given, bits 11:0 kept; %s) wraps past the end of the 64-bit "
			"address space",
			U(base), svmc_map_size_words(c->msrpm_last, size, sizeof(size)));
	return put(b, n,
		   "the MSR permission map read from " HX
		   " (the base as given, bits 11:0 kept; %s) ends at " HX
		   ", beyond MAXPHYADDR %u (physical addresses end at " HX ")",
		   U(base), svmc_map_size_words(c->msrpm_last, size, sizeof(size)), U(end),
		   c->maxphyaddr, U(c->pa_rsvd ^ ~UINT64_C(0)));
}

static int m_evtinj_rsvd(const struct svmc_compiled *c, const struct svmc_vmcb *v, char *b,
			 size_t n)
{
	(void)c;
	return put(b, n,
		   "EVENTINJ is 0x%08x: reserved bits 30:12 hold 0x%05x (checked even when the "
		   "valid bit 31 is clear)",
		   v->control.event_inj, (v->control.event_inj & SVM_EVTINJ_RESERVED_BITS) >> 12);
}

static int m_cs_ld_any(const struct svmc_compiled *c, const struct svmc_vmcb *v, char *b, size_t n)
{
	(void)c;
	return put(b, n,
		   "CS (attrib 0x%04x) has both L (64-bit, attrib bit 9) and D (32-bit default "
		   "size, attrib bit 10) set, which is rejected in any mode",
		   v->save.cs.attrib);
}

static int m_cr4_pcide_nolm(const struct svmc_compiled *c, const struct svmc_vmcb *v, char *b,
			    size_t n)
{
	(void)c;
	return put(b, n,
		   "CR4 is " HX ": PCIDE (bit 17) is set outside long mode (EFER.LME and CR0.PG "
		   "are not both set)",
		   U(v->save.cr4));
}

static int hm_format(const struct svmc_compiled *c, const struct svmc_nstate *h, char *b, size_t n)
{
	(void)c;
	return put(b, n, "the nested-state format is %u (%s), not 1 (KVM_STATE_NESTED_FORMAT_SVM)",
		   h->format, h->format == 0 ? "VMX" : "unknown");
}

static int hm_flags(const struct svmc_compiled *c, const struct svmc_nstate *h, char *b, size_t n)
{
	(void)c;
	if (h->flags & ~SVMC_NSTATE_FLAGS_SVM)
		return put(
			b, n,
			"the nested-state flags are 0x%04x: bits 0x%04x are not GUEST_MODE (0x1), "
			"RUN_PENDING (0x2) or GIF_SET (0x100)",
			h->flags, h->flags & ~SVMC_NSTATE_FLAGS_SVM);
	return put(
		b, n,
		"the nested-state flags are 0x%04x: RUN_PENDING (0x2) is set without GUEST_MODE (0x1)",
		h->flags);
}

static int hm_vmcb_pa(const struct svmc_compiled *c, const struct svmc_nstate *h, char *b, size_t n)
{
	if (h->vmcb_pa & 0xfff)
		return put(b, n, "the vmcb12 address vmcb_pa " HX " is not page-aligned",
			   U(h->vmcb_pa));
	return put(b, n,
		   "the vmcb12 address vmcb_pa " HX " is not a legal physical address: bits " HX
		   " are at or above MAXPHYADDR %u",
		   U(h->vmcb_pa), U(h->vmcb_pa & c->pa_rsvd), c->maxphyaddr);
}

static int hm_size(const struct svmc_compiled *c, const struct svmc_nstate *h, char *b, size_t n)
{
	(void)c;
	if (h->size < SVMC_NSTATE_HDR_SIZE)
		return put(b, n, "the nested-state size %u is below the 128-byte header", h->size);
	return put(
		b, n,
		"the nested-state size %u is below 4224 (header and vmcb12), yet GUEST_MODE is set",
		h->size);
}

static int m_l1_cr0_pg(const struct svmc_compiled *c, const struct svmc_vmcb *v, char *b, size_t n)
{
	(void)c;
	return put(b, n,
		   "L1's CR0 is " HX
		   ": PG (bit 31) is clear, but L1 must have paging on to have run VMRUN",
		   U(v->save.cr0));
}

static int m_l1_cr0_pe(const struct svmc_compiled *c, const struct svmc_vmcb *v, char *b, size_t n)
{
	(void)c;
	return put(b, n,
		   "L1's CR0 is " HX
		   ": PE (bit 0) is clear, but L1 must be in protected mode to have run VMRUN",
		   U(v->save.cr0));
}

static int m_l1_rflags_vm(const struct svmc_compiled *c, const struct svmc_vmcb *v, char *b,
			  size_t n)
{
	(void)c;
	return put(b, n,
		   "L1's RFLAGS is " HX
		   ": VM (bit 17) is set, but VMRUN cannot run in virtual-8086 mode",
		   U(v->save.rflags));
}

/* ---- the table ----------------------------------------------------------- */

/* row helpers: the fields a check reads (nfields counted), the field it reports */
#define F(x) SVMC_F_##x
#define FIELDS(...)                \
	.fields = { __VA_ARGS__ }, \
	.nfields = sizeof((enum svmc_field_id[]){ __VA_ARGS__ }) / sizeof(enum svmc_field_id)
#define TERM(t, m) .term = SVMC_FT_##t, .fmask = SVMC_FM_##m
#define TERM_CONST(t, k) .term = SVMC_FT_##t, .fmask = SVMC_FM_CONST, .fconst = (k)
#define CODE(name) .fails = f_##name, .msg = m_##name
#define GUARD(name) .passes_partial = g_##name
/* The conditions KVM's CC() prints for this check (kvm_nested_vmenter_failed), every era. */
#define KVM_CC(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define HEADER(name, path, need, digits)                                                     \
	.hdr_fails = h_##name, .hdr_msg = hm_##name, .hdr_path = (path), .hdr_need = (need), \
	.hdr_digits = (digits)

/*
 * One row per check (APM vol. 2 section 15.5.1 "VMRUN", 15.20 "Event
 * Injection", 15.25.4 "Nested Paging and VMRUN/#VMEXIT"; KVM's own rules in
 * arch/x86/kvm/svm/nested.c nested_vmcb_check_save()/_controls()).
 */
const struct svmc_check_row svmc_check_rows[SVMC_CHECK_COUNT] = {
	[SVMC_CHECK_SAVE_EFER_SVME] = { .apm = "15.5.1",
					.kvm_cc = KVM_CC("!(save->efer & EFER_SVME)"),
					.rule = "EFER.SVME (bit 12) is 0",
					FIELDS(F(EFER)),
					.report = F(EFER),
					TERM_CONST(EFER_ONE, EFER_SVME),
					CODE(efer_svme) },
	[SVMC_CHECK_SAVE_CR0_CD_NW] = { .apm = "15.5.1",
					.kvm_cc = KVM_CC(
						"(save->cr0 & X86_CR0_CD) == 0 && (save->cr0 & X86_CR0_NW)"),
					.rule = "CR0.NW (bit 29) is 1 while CR0.CD (bit 30) is 0",
					FIELDS(F(CR0)),
					.report = F(CR0),
					TERM_CONST(CR0_NW, CR0_NW),
					CODE(cr0_cd_nw) },
	[SVMC_CHECK_SAVE_CR0_HIGH] = { .apm = "15.5.1",
				       .kvm_cc = KVM_CC("save->cr0 & ~0xffffffffULL"),
				       .rule = "a bit of CR0[63:32] is 1",
				       FIELDS(F(CR0)),
				       .report = F(CR0),
				       TERM_CONST(CR0_BAD, ~UINT64_C(0xffffffff)),
				       CODE(cr0_high) },
	[SVMC_CHECK_SAVE_DR6_HIGH] = { .apm = "15.5.1",
				       .kvm_cc = KVM_CC("!kvm_dr6_valid(save->dr6)"),
				       .rule = "a bit of DR6[63:32] is 1",
				       FIELDS(F(DR6)),
				       .report = F(DR6),
				       TERM_CONST(DR6_BAD, ~UINT64_C(0xffffffff)),
				       CODE(dr6_high) },
	[SVMC_CHECK_SAVE_DR7_HIGH] = { .apm = "15.5.1",
				       .kvm_cc = KVM_CC("!kvm_dr7_valid(save->dr7)"),
				       .rule = "a bit of DR7[63:32] is 1",
				       FIELDS(F(DR7)),
				       .report = F(DR7),
				       TERM_CONST(DR7_BAD, ~UINT64_C(0xffffffff)),
				       CODE(dr7_high) },
	[SVMC_CHECK_SAVE_LM_PAE] = { .apm = "15.5.1",
				     .kvm_cc = KVM_CC("!(save->cr4 & X86_CR4_PAE)"),
				     .rule = "EFER.LME and CR0.PG are 1 and CR4.PAE is 0",
				     FIELDS(F(EFER), F(CR0), F(CR4)),
				     .report = F(CR4),
				     TERM_CONST(LM_CR4_ONE, CR4_PAE),
				     CODE(lm_pae),
				     GUARD(lm_pae) },
	[SVMC_CHECK_SAVE_LM_PE] = { .apm = "15.5.1",
				    .kvm_cc = KVM_CC("!(save->cr0 & X86_CR0_PE)"),
				    .rule = "EFER.LME and CR0.PG are 1 and CR0.PE is 0",
				    FIELDS(F(EFER), F(CR0)),
				    .report = F(CR0),
				    TERM_CONST(LM_CR0_ONE, CR0_PE),
				    CODE(lm_pe),
				    GUARD(lm_pe) },
	[SVMC_CHECK_SAVE_CR3_MBZ] = { .apm = "15.5.1",
				      .kvm_cc = KVM_CC("kvm_vcpu_is_illegal_gpa(vcpu, save->cr3)",
						       "!kvm_vcpu_is_legal_cr3(vcpu, save->cr3)"),
				      .rule = "long mode (EFER.LME and CR0.PG) and a CR3 bit at or above MAXPHYADDR is 1 "
					      "(kvm models: bits 62:61 exempt when the CPU has lam)",
				      .state = "long-mode CR3",
				      FIELDS(F(EFER), F(CR0), F(CR3)),
				      .report = F(CR3),
				      .deps = SVMC_DEP_CR3,
				      TERM(LM_CR3_BAD, CR3_RSVD),
				      CODE(cr3_mbz),
				      GUARD(cr3_mbz) },
	[SVMC_CHECK_SAVE_LM_CS_LD] = { .apm = "15.5.1",
				       .kvm_cc = KVM_CC(
					       "(save->cs.attrib & SVM_SELECTOR_L_MASK) && (save->cs.attrib & SVM_SELECTOR_DB_MASK)",
					       "(save->cr4 & X86_CR4_PAE) && (save->cs.attrib & SVM_SELECTOR_L_MASK) && (save->cs.attrib & SVM_SELECTOR_DB_MASK)"),
				       .rule = "EFER.LME, CR0.PG, CR4.PAE, CS.L and CS.D are all 1",
				       FIELDS(F(EFER), F(CR0), F(CR4), F(CS)),
				       .report = F(CS),
				       TERM(LM_CS_LD, ALL),
				       CODE(lm_cs_ld),
				       GUARD(lm_cs_ld) },
	[SVMC_CHECK_SAVE_CR4_RSVD] = { .apm = "15.5.1",
				       .kvm_cc = KVM_CC("!kvm_is_valid_cr4(vcpu, save->cr4)",
							"!__kvm_is_valid_cr4(vcpu, save->cr4)"),
				       .rule = "a CR4 bit reserved for this model and CPU is 1 (bits 63:32 included)",
				       FIELDS(F(CR4)),
				       .report = F(CR4),
				       .deps = SVMC_DEP_CR4,
				       TERM(CR4_BAD, NOT_CR4_ALLOWED),
				       CODE(cr4_rsvd) },
	[SVMC_CHECK_SAVE_EFER_RSVD] = { .apm = "15.5.1",
					.kvm_cc = KVM_CC("!kvm_valid_efer(&svm->vcpu, save->efer)",
							 "!kvm_valid_efer(vcpu, save->efer)"),
					.rule = "an EFER bit reserved for this model and CPU is 1 (MBZ, high and feature-gated bits)",
					FIELDS(F(EFER)),
					.report = F(EFER),
					.deps = SVMC_DEP_EFER,
					TERM(EFER_BAD, NOT_EFER_ALLOWED),
					CODE(efer_rsvd) },
	[SVMC_CHECK_CTRL_NP_GPAT] = { .apm = "15.25.4",
				      .kvm_cc = KVM_CC("!kvm_pat_valid(save->g_pat)"),
				      .rule = "NP enabled and a G_PAT entry has a reserved bit or type 2 or 3",
				      .state = "NP_ENABLE and a G_PAT with a reserved encoding",
				      FIELDS(F(NESTED_CTL), F(G_PAT)),
				      .report = F(G_PAT),
				      .deps = SVMC_DEP_NP,
				      TERM(NP_GPAT, ALL),
				      CODE(np_gpat),
				      GUARD(np_gpat) },
	[SVMC_CHECK_CTRL_INTERCEPT_VMRUN] = { .apm = "15.5.1",
					      .kvm_cc = KVM_CC(
						      "!vmcb_is_intercept(control, INTERCEPT_VMRUN)",
						      "!vmcb12_is_intercept(control, INTERCEPT_VMRUN)"),
					      .rule = "the VMRUN intercept (intercept_misc2 bit 0) is 0",
					      FIELDS(F(INTERCEPT_MISC2)),
					      .report = F(INTERCEPT_MISC2),
					      TERM_CONST(MISC2_ONE, INTERCEPT2_VMRUN),
					      CODE(intercept_vmrun) },
	[SVMC_CHECK_CTRL_ASID_ZERO] = { .apm = "15.5.1",
					.kvm_cc = KVM_CC("control->asid == 0"),
					.rule = "the guest ASID is 0",
					FIELDS(F(ASID)),
					.report = F(ASID),
					TERM(ASID_ZERO, ALL),
					CODE(asid_zero) },
	[SVMC_CHECK_CTRL_NP_NCR3] = { .apm = "15.25.4",
				      .kvm_cc = KVM_CC(
					      "!kvm_vcpu_is_legal_gpa(vcpu, control->nested_cr3)"),
				      .rule = "NP enabled and nCR3 is not a legal physical address",
				      .state = "NP_ENABLE and an nCR3",
				      FIELDS(F(NESTED_CTL), F(NESTED_CR3)),
				      .report = F(NESTED_CR3),
				      .deps = SVMC_DEP_PA | SVMC_DEP_NP,
				      TERM(NP_NCR3_BAD, PA_RSVD),
				      CODE(np_ncr3),
				      GUARD(np_ncr3) },
	[SVMC_CHECK_CTRL_MSRPM_RANGE] = { .apm = "15.5.1",
					  .kvm_cc = KVM_CC(
						  "!nested_svm_check_bitmap_pa(vcpu, control->msrpm_base_pa, MSRPM_SIZE)"),
					  .rule = "the MSR permission map (8 KiB; QEMU tests one byte more, Bochs the "
						  "base page only) reaches past MAXPHYADDR",
					  .state = "MSR permission map",
					  FIELDS(F(MSRPM_BASE_PA)),
					  .report = F(MSRPM_BASE_PA),
					  .deps = SVMC_DEP_PA | SVMC_DEP_MSRPM,
					  TERM(MSRPM, ALL),
					  CODE(msrpm_range) },
	[SVMC_CHECK_CTRL_IOPM_RANGE] = { .apm = "15.5.1",
					 .kvm_cc = KVM_CC(
						 "!nested_svm_check_bitmap_pa(vcpu, control->iopm_base_pa, IOPM_SIZE)"),
					 .rule = "the I/O permission map (12 KiB; Bochs tests the base page only) reaches "
						 "past MAXPHYADDR",
					 .state = "I/O permission map",
					 FIELDS(F(IOPM_BASE_PA)),
					 .report = F(IOPM_BASE_PA),
					 .deps = SVMC_DEP_PA | SVMC_DEP_IOPM,
					 TERM(IOPM, ALL),
					 CODE(iopm_range) },
	/*
	 * APM section 15.21.10 (NMI Virtualization) is the one AMD's vNMI series
	 * cites (Santosh Shukla, KVM vNMI v4 cover letter, 2023; the same series
	 * states that VMRUN fails with V_NMI_ENABLE set and NMIs not
	 * intercepted); the APM's own wording was not located, hence the rule's
	 * "unverified".
	 */
	[SVMC_CHECK_CTRL_VNMI_NMI_INTERCEPT] = { .apm = "15.21.10",
						 .kvm_cc = KVM_CC(
							 "(control->int_ctl & V_NMI_ENABLE_MASK) && !vmcb12_is_intercept(control, INTERCEPT_NMI)"),
						 .rule = "V_NMI_ENABLE (int_ctl bit 26) is 1 and the NMI intercept is 0 (APM wording unverified)",
						 FIELDS(F(INT_CTL), F(INTERCEPT_MISC1)),
						 .report = F(INT_CTL),
						 TERM(VNMI, ALL),
						 CODE(vnmi),
						 GUARD(vnmi) },
	[SVMC_CHECK_CTRL_SEV_ALLOWED_FEATURES] = { .apm = "15.36.20",
						   .rule = "SEV-ES on, allowed_sev_features valid, and a guest SEV feature is not allowed",
						   FIELDS(F(NESTED_CTL), F(ALLOWED_SEV_FEATURES),
							  F(GUEST_SEV_FEATURES)),
						   .report = F(GUEST_SEV_FEATURES),
						   TERM(SEV, ALL),
						   CODE(sev_allowed),
						   GUARD(sev_allowed) },
	[SVMC_CHECK_CTRL_EVENTINJ_TYPE] = { .apm = "15.20",
					    .kvm_cc = KVM_CC(
						    "!nested_svm_check_event_inj(vcpu, control->event_inj)"),
					    .rule = "EVENTINJ valid with a reserved TYPE (1, 5, 6, 7)",
					    FIELDS(F(EVENT_INJ)),
					    .report = F(EVENT_INJ),
					    .deps = SVMC_DEP_TYPES,
					    TERM(EVENTINJ, ALL),
					    CODE(evtinj_type) },
	[SVMC_CHECK_CTRL_EVENTINJ_VECTOR] = { .apm = "15.20",
					      .kvm_cc = KVM_CC(
						      "!nested_svm_check_event_inj(vcpu, control->event_inj)"),
					      .rule = "EVENTINJ valid, TYPE 3, and the vector is not an exception on this model and CPU",
					      FIELDS(F(EVENT_INJ)),
					      .report = F(EVENT_INJ),
					      .deps = SVMC_DEP_VECTORS,
					      TERM(EVENTINJ, ALL),
					      CODE(evtinj_vector) },
	[SVMC_CHECK_KVM_LATE_CR3] = { .apm = "-",
				      .kvm_cc = KVM_CC("kvm_vcpu_is_illegal_gpa(vcpu, cr3)",
						       "!kvm_vcpu_is_legal_cr3(vcpu, cr3)"),
				      .rule = "outside long mode, CR3 is not a legal physical address (KVM loads it after the checks)",
				      .state = "CR3 outside long mode",
				      FIELDS(F(EFER), F(CR0), F(CR3)),
				      .report = F(CR3),
				      .deps = SVMC_DEP_CR3,
				      .after_checks = true,
				      TERM(NLM_CR3_BAD, CR3_RSVD),
				      CODE(late_cr3),
				      GUARD(late_cr3) },
	[SVMC_CHECK_NSTATE_FORMAT] = { .apm = "-",
				       .rule = "KVM_SET_NESTED_STATE: the header's format is not 1 (SVM)",
				       HEADER(format, "nested_state.format", SVMC_NSK_FORMAT, 4) },
	[SVMC_CHECK_NSTATE_FLAGS] = { .apm = "-",
				      .rule = "KVM_SET_NESTED_STATE: a flag other than GUEST_MODE, RUN_PENDING, GIF_SET, "
					      "or RUN_PENDING without GUEST_MODE",
				      HEADER(flags, "nested_state.flags", SVMC_NSK_FLAGS, 4) },
	[SVMC_CHECK_NSTATE_VMCB_PA] = { .apm = "-",
					.rule = "KVM_SET_NESTED_STATE in guest mode: vmcb_pa is not page-aligned or not a legal GPA",
					.state = "vmcb12 address (vmcb_pa)",
					.deps = SVMC_DEP_PA,
					.guest_mode_only = true,
					HEADER(vmcb_pa, "nested_state.vmcb_pa",
					       SVMC_NSK_FLAGS | SVMC_NSK_VMCB_PA, 16) },
	[SVMC_CHECK_NSTATE_SIZE] = { .apm = "-",
				     .rule = "KVM_SET_NESTED_STATE: size below the 128-byte header, or in guest mode below "
					     "128 + 4096",
				     HEADER(size, "nested_state.size",
					    SVMC_NSK_FLAGS | SVMC_NSK_SIZE, 8) },
	[SVMC_CHECK_NSTATE_L1_CR0_PG] = { .apm = "-",
					  .rule = "KVM_SET_NESTED_STATE in guest mode: L1's saved CR0.PG is 0",
					  FIELDS(F(CR0)),
					  .report = F(CR0),
					  .guest_mode_only = true,
					  CODE(l1_cr0_pg) },
	[SVMC_CHECK_NSTATE_L1_CR0_PE] = { .apm = "-",
					  .rule = "KVM_SET_NESTED_STATE in guest mode: L1's saved CR0.PE is 0",
					  FIELDS(F(CR0)),
					  .report = F(CR0),
					  .guest_mode_only = true,
					  CODE(l1_cr0_pe) },
	[SVMC_CHECK_NSTATE_L1_RFLAGS_VM] = { .apm = "-",
					     .rule = "KVM_SET_NESTED_STATE in guest mode: L1's saved RFLAGS.VM is 1",
					     FIELDS(F(RFLAGS)),
					     .report = F(RFLAGS),
					     .guest_mode_only = true,
					     CODE(l1_rflags_vm) },
	/*
	 * Checks of other implementations, as read in their sources in December
	 * 2026 (each model's comment in models.c names them): each rule is that
	 * implementation's own condition.
	 */
	[SVMC_CHECK_SAVE_CR3_ANY_MODE] = { .apm = "-",
					   .rule = "a CR3 bit at or above MAXPHYADDR is 1, in any paging mode of L2, no LAM "
						   "exemption (QEMU helper_vmrun: checked while L1's EFER.LMA is set, "
						   "which svmcheck assumes; a 32-bit L1 gets no check)",
					   .state = "CR3 in any paging mode",
					   FIELDS(F(CR3)),
					   .report = F(CR3),
					   .deps = SVMC_DEP_CR3,
					   CODE(cr3_any_mode) },
	[SVMC_CHECK_SAVE_CR3_XEN] = { .apm = "-",
				      .rule = "CR0.PG is 1 and CR3 sets bits 2:0, or bits 11:5 when CR4.PAE is 0 or "
					      "EFER.LMA is 1 (CR4.PCIDE ignored), or bits at or above MAXPHYADDR when "
					      "EFER.LMA (the VMCB's bit) is 1 (Xen svm_vmcb_isvalid; Xen's CR3 setter may "
					      "also queue a #GP for high bits outside LMA under HAP: not modelled, the "
					      "level that receives it is unverified)",
				      .state = "CR3 with paging on and EFER.LMA",
				      FIELDS(F(EFER), F(CR0), F(CR4), F(CR3)),
				      .report = F(CR3),
				      .deps = SVMC_DEP_CR3,
				      CODE(cr3_xen),
				      GUARD(cr3_xen) },
	[SVMC_CHECK_SAVE_EFER_LMA_NO_LME] = { .apm = "-",
					      .rule = "EFER.LMA (bit 10) is 1 and EFER.LME (bit 8) is 0 (Xen hvm_efer_valid)",
					      FIELDS(F(EFER)),
					      .report = F(EFER),
					      CODE(efer_lma_no_lme) },
	[SVMC_CHECK_CTRL_MSRPM_RAW_RANGE] = { .apm = "-",
					      .rule = "the 8 KiB MSR permission map, read from the base with bits 11:0 kept, "
						      "reaches past MAXPHYADDR (Xen also fails a map not backed by guest RAM: "
						      "not modelled)",
					      .state = "unmasked MSR permission map",
					      FIELDS(F(MSRPM_BASE_PA)),
					      .report = F(MSRPM_BASE_PA),
					      .deps = SVMC_DEP_PA | SVMC_DEP_MSRPM,
					      CODE(msrpm_raw_range) },
	[SVMC_CHECK_CTRL_EVENTINJ_RSVD] = { .apm = "-",
					    .rule = "a reserved EVENTINJ bit 30:12 is 1, even with the valid bit 31 clear "
						    "(Xen svm_vmcb_isvalid)",
					    FIELDS(F(EVENT_INJ)),
					    .report = F(EVENT_INJ),
					    CODE(evtinj_rsvd) },
	[SVMC_CHECK_SAVE_CS_LD_ANY] = { .apm = "-",
					.rule = "CS.L and CS.D are both 1, in any mode (Bochs SvmEnterLoadCheckGuestState)",
					FIELDS(F(CS)),
					.report = F(CS),
					CODE(cs_ld_any) },
	[SVMC_CHECK_SAVE_CR4_PCIDE_NOLM] = { .apm = "-",
					     .rule = "CR4.PCIDE is 1 outside long mode (LME and CR0.PG not both 1; Bochs "
						     "check_CR4)",
					     FIELDS(F(EFER), F(CR0), F(CR4)),
					     .report = F(CR4),
					     CODE(cr4_pcide_nolm),
					     GUARD(cr4_pcide_nolm) },
};

/* ---- the public view of a row --------------------------------------------- */

static const char *const check_names[SVMC_CHECK_COUNT] = {
#define X_NAME(e, id_) [SVMC_CHECK_##e] = (id_),
	SVMC_CHECKS(X_NAME)
#undef X_NAME
};

/* "save.cr0", "control.asid": the field table's member paths, stringized */
static const char *const member_path[SVMC_F_COUNT] = {
#define X_PATH(id, member, json, aliases, kind, meaning) [SVMC_F_##id] = #member,
	SVMC_FIELDS(X_PATH)
#undef X_PATH
};
/* a segment reports its attributes */
static const char *const member_attrib_path[SVMC_F_COUNT] = {
#define X_APATH(id, member, json, aliases, kind, meaning) [SVMC_F_##id] = #member ".attrib",
	SVMC_FIELDS(X_APATH)
#undef X_APATH
};

static struct svmc_check_info info[SVMC_CHECK_COUNT];
static pthread_once_t info_once = PTHREAD_ONCE_INIT;

static void info_build(void)
{
	for (unsigned i = 0; i < SVMC_CHECK_COUNT; i++) {
		const struct svmc_check_row *row = &svmc_check_rows[i];
		const struct svmc_field *rf = &svmc_fields[row->report];
		struct svmc_check_info *ci = &info[i];

		ci->name = check_names[i];
		ci->apm = row->apm;
		ci->rule = row->rule;
		ci->id = (enum svmc_check_id)i;
		ci->nfields = row->nfields;
		memcpy(ci->fields, row->fields, sizeof(ci->fields));
		ci->report = row->report;
		ci->header_fields = row->hdr_need;
		if (row->hdr_fails) {
			ci->field_path = row->hdr_path;
			ci->field_digits = row->hdr_digits;
		} else if (rf->kind == SVMC_FK_SEG) {
			ci->field_path = member_attrib_path[row->report];
			ci->field_digits = 2 * sizeof(((struct svmc_vmcb_seg *)0)->attrib);
		} else {
			ci->field_path = member_path[row->report];
			ci->field_digits = 2u * rf->size;
		}
	}
}

const struct svmc_check_info *svmc_check_info(enum svmc_check_id id)
{
	/* a caller bug: loud in debug builds, a valid row (the last) otherwise */
	assert((unsigned)id < SVMC_CHECK_COUNT);
	pthread_once(&info_once, info_build);
	return &info[(unsigned)id < SVMC_CHECK_COUNT ? id : SVMC_CHECK_COUNT - 1];
}

int svmc_check_lookup(const char *name, enum svmc_check_id *out)
{
	for (unsigned i = 0; i < SVMC_CHECK_COUNT; i++) {
		if (strcmp(name, check_names[i]) == 0) {
			*out = (enum svmc_check_id)i;
			return 0;
		}
	}
	return -1;
}

/* Do [a, a+n) and the C string b hold the same text but for blanks? */
static bool same_but_blanks(const char *a, size_t n, const char *b)
{
	const char *e = a + n;

	for (;;) {
		while (a < e && (*a == ' ' || *a == '\t'))
			a++;
		while (*b == ' ')
			b++;
		if (a == e || !*b)
			return a == e && !*b;
		if (*a++ != *b++)
			return false;
	}
}

svmc_checkset svmc_checks_for_kvm_cc(const char *s, size_t n)
{
	svmc_checkset set = 0;

	for (unsigned i = 0; i < SVMC_CHECK_COUNT; i++)
		for (const char *const *t = svmc_check_rows[i].kvm_cc; t && *t; t++)
			if (same_but_blanks(s, n, *t))
				set |= SVMC_CHECK_BIT(i);
	return set;
}

int svmc_captured_check(const struct svmc_record *r, svmc_checkset failed)
{
	svmc_checkset set = r->captured_checks;

	if (set & failed)
		set &= failed;
	if (!set || (set & (set - 1)))
		return -1;
	return __builtin_ctzll(set);
}

uint64_t svmc_check_value(const struct svmc_vmcb *v, enum svmc_check_id id)
{
	const struct svmc_field *f;
	const unsigned char *p;
	uint64_t x = 0;

	if ((unsigned)id >= SVMC_CHECK_COUNT || svmc_check_rows[id].hdr_fails)
		return 0;
	f = &svmc_fields[svmc_check_rows[id].report];
	p = (const unsigned char *)v + f->offset;
	if (f->kind == SVMC_FK_SEG) {
		const struct svmc_vmcb_seg *seg = (const struct svmc_vmcb_seg *)(const void *)p;
		return seg->attrib;
	}
	if (f->size <= sizeof(x))
		memcpy(&x, p, f->size); /* little-endian host (vmcb.h) */
	return x;
}

uint64_t svmc_check_header_value(const struct svmc_nstate *h, enum svmc_check_id id)
{
	switch (id) {
	case SVMC_CHECK_NSTATE_FORMAT:
		return h->format;
	case SVMC_CHECK_NSTATE_FLAGS:
		return h->flags;
	case SVMC_CHECK_NSTATE_VMCB_PA:
		return h->vmcb_pa;
	case SVMC_CHECK_NSTATE_SIZE:
		return h->size;
	default:
		return 0;
	}
}

uint64_t svmc_record_check_value(const struct svmc_record *r, enum svmc_check_id id)
{
	if ((unsigned)id < SVMC_CHECK_COUNT && svmc_check_rows[id].hdr_fails)
		return svmc_check_header_value(&r->nstate, id);
	return svmc_check_value(&r->vmcb, id);
}

/*
 * The message of check id: on the header h when it is a header check and h
 * is given; with tail, "; WHO fails ..." after the reason.
 */
static size_t message(const struct svmc_compiled *c, const struct svmc_vmcb *v,
		      const struct svmc_nstate *h, enum svmc_check_id id, bool tail, char *buf,
		      size_t n)
{
	const struct svmc_check_row *row;
	struct sb s = { buf, n, 0 };
	int k;

	if ((unsigned)id >= SVMC_CHECK_COUNT) {
		if (n)
			buf[0] = '\0';
		return 0;
	}
	row = &svmc_check_rows[id];
	if (row->hdr_fails)
		k = h ? row->hdr_msg(c, h, buf, n) : put(buf, n, "%s", row->rule);
	else
		k = row->msg(c, v, buf, n);
	s.len = k > 0 ? (size_t)k : 0;
	if (!tail)
		return s.len;
	if (c->model->flags & SVMC_MF_RESTORE)
		sb_add(&s, "; %s fails with EINVAL", c->model->actor);
	else
		sb_add(&s, "; %s fails %sVMRUN with VMEXIT_INVALID", c->model->actor,
		       row->after_checks ? "the nested " : "");
	return s.len;
}

size_t svmc_check_message(const struct svmc_compiled *c, const struct svmc_vmcb *v,
			  enum svmc_check_id id, char *buf, size_t n)
{
	return message(c, v, NULL, id, true, buf, n);
}

size_t svmc_record_message(const struct svmc_compiled *c, const struct svmc_record *r,
			   enum svmc_check_id id, char *buf, size_t n)
{
	return message(c, &r->vmcb, &r->nstate, id, true, buf, n);
}

size_t svmc_record_reason(const struct svmc_compiled *c, const struct svmc_record *r,
			  enum svmc_check_id id, char *buf, size_t n)
{
	return message(c, &r->vmcb, &r->nstate, id, false, buf, n);
}
