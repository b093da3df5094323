/*
 * models.c - the models of spec/README.md section 2 as data: each one a row
 * set over the check table (in its implementation's order, which `first`
 * follows) plus parameters.  Adding a model (qemu, xen, bochs) is adding a
 * row here, never a branch in a predicate.
 */
#include <stdio.h>
#include <string.h>

#include "check/internal.h"

#define ORD(e) SVMC_CHECK_##e,
#define BIT(e) | SVMC_CHECK_BIT(SVMC_CHECK_##e)

/*
 * kvm: checks.md 4 (KVM newest): save checks (SVME, CR0 CD/NW, CR0 high,
 * DR6, DR7, then under LME and PG: PAE, PE, CR3, CS.L/D; CR4; EFER; G_PAT
 * is off by default), control checks (VMRUN intercept, ASID, nCR3, MSRPM,
 * IOPM, vNMI, EVENTINJ TYPE then VECTOR), then the late CR3 load.
 */
/* model row sets in columns */
/* clang-format off */
#define KVM_ROWS(X)                                                                                      \
	X(SAVE_EFER_SVME) X(SAVE_CR0_CD_NW) X(SAVE_CR0_HIGH) X(SAVE_DR6_HIGH) X(SAVE_DR7_HIGH)              \
	X(SAVE_LM_PAE) X(SAVE_LM_PE) X(SAVE_CR3_MBZ) X(SAVE_LM_CS_LD) X(SAVE_CR4_RSVD) X(SAVE_EFER_RSVD)   \
	X(CTRL_INTERCEPT_VMRUN) X(CTRL_ASID_ZERO) X(CTRL_NP_NCR3) X(CTRL_MSRPM_RANGE) X(CTRL_IOPM_RANGE) \
	X(CTRL_VNMI_NMI_INTERCEPT) X(CTRL_EVENTINJ_TYPE) X(CTRL_EVENTINJ_VECTOR) X(KVM_LATE_CR3)

/* kvm-legacy: kvm without what the 2026 series added (EVENTINJ, nCR3, CS.L/D). */
#define KVM_LEGACY_ROWS(X)                                                                         \
	X(SAVE_EFER_SVME) X(SAVE_CR0_CD_NW) X(SAVE_CR0_HIGH) X(SAVE_DR6_HIGH) X(SAVE_DR7_HIGH)        \
	X(SAVE_LM_PAE) X(SAVE_LM_PE) X(SAVE_CR3_MBZ) X(SAVE_CR4_RSVD) X(SAVE_EFER_RSVD)              \
	X(CTRL_INTERCEPT_VMRUN) X(CTRL_ASID_ZERO) X(CTRL_MSRPM_RANGE) X(CTRL_IOPM_RANGE)             \
	X(CTRL_VNMI_NMI_INTERCEPT) X(KVM_LATE_CR3)

/*
 * apm: save area as kvm, then VMRUN intercept, ASID, nCR3, G_PAT, MSRPM,
 * IOPM, SEV features, EVENTINJ (spec 2).  No vNMI rule, no late CR3.
 */
#define APM_ROWS(X)                                                                                      \
	X(SAVE_EFER_SVME) X(SAVE_CR0_CD_NW) X(SAVE_CR0_HIGH) X(SAVE_DR6_HIGH) X(SAVE_DR7_HIGH)              \
	X(SAVE_LM_PAE) X(SAVE_LM_PE) X(SAVE_CR3_MBZ) X(SAVE_LM_CS_LD) X(SAVE_CR4_RSVD) X(SAVE_EFER_RSVD)   \
	X(CTRL_INTERCEPT_VMRUN) X(CTRL_ASID_ZERO) X(CTRL_NP_NCR3) X(CTRL_NP_GPAT) X(CTRL_MSRPM_RANGE)     \
	X(CTRL_IOPM_RANGE) X(CTRL_SEV_ALLOWED_FEATURES) X(CTRL_EVENTINJ_TYPE) X(CTRL_EVENTINJ_VECTOR)
/* clang-format on */

static const uint8_t kvm_order[] = { KVM_ROWS(ORD) };
static const uint8_t kvm_legacy_order[] = { KVM_LEGACY_ROWS(ORD) };
static const uint8_t apm_order[] = { APM_ROWS(ORD) };

#define NORDER(a) (unsigned)(sizeof(a) / sizeof((a)[0]))
#define MSRPM_SIZE 0x2000u /* 8 KiB */
#define IOPM_SIZE 0x3000u  /* 12 KiB */
/*
 * Flags are only what svmc_compile() reads.  KVM's masking of EVENTINJ bits
 * 30:12 (spec 2) needs none: no check of these models reads those bits.
 * G_PAT is checked by apm alone because only APM_ROWS holds CTRL.NP.GPAT.
 */
#define KVM_FLAGS (SVMC_MF_NP_NEEDS_NPT | SVMC_MF_CR3_LAM_EXEMPT)

static const struct svmc_model models[] = {
	{
		.name = "kvm",
		.summary = "upstream KVM nested SVM (2026), with the merged EVENTINJ check",
		.actor = "KVM",
		.checks = 0 KVM_ROWS(BIT),
		.order = kvm_order,
		.norder = NORDER(kvm_order),
		.vector_rule = SVMC_VRULE_KVM,
		.cr4_column = SVMC_COL_KVM,
		.efer_column = SVMC_COL_KVM,
		.flags = KVM_FLAGS,
		.msrpm_size = MSRPM_SIZE,
		.iopm_size = IOPM_SIZE,
	},
	{
		.name = "kvm-legacy",
		.summary = "KVM before the 2026 series: no EVENTINJ, nCR3 or CS.L/D checks",
		.actor = "KVM",
		.checks = 0 KVM_LEGACY_ROWS(BIT),
		.order = kvm_legacy_order,
		.norder = NORDER(kvm_legacy_order),
		.vector_rule = SVMC_VRULE_NONE,
		.cr4_column = SVMC_COL_KVM,
		.efer_column = SVMC_COL_KVM,
		.flags = KVM_FLAGS,
		.msrpm_size = MSRPM_SIZE,
		.iopm_size = IOPM_SIZE,
	},
	{
		.name = "kvm-v1",
		.summary =
			"kvm with the first posted EVENTINJ patch as written (rejects #DB, accepts NMI)",
		.actor = "KVM",
		.checks = 0 KVM_ROWS(BIT),
		.order = kvm_order,
		.norder = NORDER(kvm_order),
		.vector_rule = SVMC_VRULE_KVM_V1,
		.cr4_column = SVMC_COL_KVM,
		.efer_column = SVMC_COL_KVM,
		.flags = KVM_FLAGS,
		.msrpm_size = MSRPM_SIZE,
		.iopm_size = IOPM_SIZE,
	},
	{
		.name = "apm",
		.summary = "the architecture per the AMD APM, against the physical CPU",
		.actor = "the CPU",
		.checks = 0 APM_ROWS(BIT),
		.order = apm_order,
		.norder = NORDER(apm_order),
		.vector_rule = SVMC_VRULE_APM,
		.cr4_column = SVMC_COL_ARCH,
		.efer_column = SVMC_COL_ARCH,
		.flags = SVMC_MF_NP_NEEDS_NPT,
		.msrpm_size = MSRPM_SIZE,
		.iopm_size = IOPM_SIZE,
	},
};
#define NMODELS (sizeof(models) / sizeof(models[0]))

const struct svmc_model *svmc_model_lookup(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < NMODELS; i++)
		if (strcmp(name, models[i].name) == 0)
			return &models[i];
	return NULL;
}

const struct svmc_model *svmc_model_default(void)
{
	return &models[0];
}

size_t svmc_model_count(void)
{
	return NMODELS;
}

const struct svmc_model *svmc_model_at(size_t i)
{
	return i < NMODELS ? &models[i] : NULL;
}

const char *svmc_model_names(char *buf, size_t n)
{
	size_t len = 0;

	if (!n)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < NMODELS && len < n; i++) {
		int k = snprintf(buf + len, n - len, "%s%s", i ? ", " : "", models[i].name);
		if (k < 0)
			break;
		len += (size_t)k;
	}
	return buf;
}
