/*
 * decode.c - from raw CPUID leaves to identity, features and MAXPHYADDR.
 *
 * The leaves are the source of truth; this is the only place that turns
 * them into meaning, walking the SVMC_FEATURES table once.  Every lookup is
 * gated on its range's maximum leaf (leaf 0, 0x80000000, ... EAX) and, for
 * leaf 7, on the maximum sub-leaf in 7.0 EAX: a libcpuid capture on Intel
 * holds the highest basic leaf's data in out-of-range slots (libcpuid's test
 * data intel-celeron-cpu-1.80ghz.test shows it),
 * which a naive decoder would read as AVIC on a Celeron.
 */
#include <string.h>

#include "cpu/cpu_int.h"

void svmc_strlcpy(char *dst, const char *src, size_t n)
{
	size_t len;

	if (!n)
		return;
	len = src ? strnlen(src, n - 1) : 0;
	if (len)
		memcpy(dst, src, len);
	dst[len] = '\0';
}

const char *svmc_cpu_source_name(enum svmc_cpu_source s)
{
	switch (s) {
	case SVMC_SRC_JSON:
		return "json";
	case SVMC_SRC_LIBCPUID:
		return "libcpuid";
	case SVMC_SRC_CPUID_R:
		return "cpuid-r";
	case SVMC_SRC_HOST:
		return "host";
	case SVMC_SRC_MODEL:
		return "model";
	case SVMC_SRC_CPUINFO:
		return "cpuinfo";
	case SVMC_SRC_KVM:
		return "kvm";
	}
	return "json";
}

void svmc_cpu_init(struct svmc_cpu *c)
{
	memset(c, 0, sizeof(*c));
	c->has_leaves = true;
	c->maxphyaddr = SVMC_MAXPHYADDR_DEFAULT;
}

/* The stored leaf, ignoring ranges (NULL if the dump does not hold it). */
static const struct svmc_leaf *raw_leaf(const struct svmc_cpu *c, uint32_t leaf, uint32_t subleaf)
{
	for (size_t i = 0; i < c->nleaves; i++)
		if (c->leaves[i].leaf == leaf && c->leaves[i].subleaf == subleaf)
			return &c->leaves[i];
	return NULL;
}

enum svmc_err svmc_cpu_add_leaf(struct svmc_cpu *c, uint32_t leaf, uint32_t subleaf,
				const uint32_t reg[4], struct svmc_diag *d)
{
	const struct svmc_leaf *old = raw_leaf(c, leaf, subleaf);

	if (old) {
		if (memcmp(old->reg, reg, sizeof(old->reg)) == 0)
			return SVMC_OK;
		return svmc_diag_set(d, SVMC_ERR_CONFLICT,
				     "leaf 0x%08x sub-leaf 0x%x given twice with different values",
				     leaf, subleaf);
	}
	if (c->nleaves >= SVMC_CPU_MAX_LEAVES)
		return svmc_diag_set(d, SVMC_ERR_LIMIT, "more than %d CPUID leaves",
				     SVMC_CPU_MAX_LEAVES);
	c->leaves[c->nleaves].leaf = leaf;
	c->leaves[c->nleaves].subleaf = subleaf;
	memcpy(c->leaves[c->nleaves].reg, reg, sizeof(c->leaves[c->nleaves].reg));
	c->nleaves++;
	return SVMC_OK;
}

const struct svmc_leaf *svmc_cpu_leaf(const struct svmc_cpu *c, uint32_t leaf, uint32_t subleaf)
{
	uint32_t base = leaf & 0xffff0000u;
	const struct svmc_leaf *top, *l;

	if (!c->has_leaves)
		return NULL;
	top = raw_leaf(c, base, 0);
	if (!top)
		return NULL;
	if (leaf != base && leaf > top->reg[SVMC_EAX])
		return NULL;
	if (leaf == 7 && subleaf > 0) {
		const struct svmc_leaf *l7 = raw_leaf(c, 7, 0);
		if (!l7 || subleaf > l7->reg[SVMC_EAX])
			return NULL;
	}
	l = raw_leaf(c, leaf, subleaf);
	return l;
}

static void decode_identity(struct svmc_cpu *c)
{
	const struct svmc_leaf *l0 = svmc_cpu_leaf(c, 0, 0), *l1 = svmc_cpu_leaf(c, 1, 0);
	char brand[49];

	if (l0) {
		memcpy(c->vendor, &l0->reg[SVMC_EBX], 4);
		memcpy(c->vendor + 4, &l0->reg[SVMC_EDX], 4);
		memcpy(c->vendor + 8, &l0->reg[SVMC_ECX], 4);
		c->vendor[12] = '\0';
		for (int i = 0; i < 12; i++)
			if ((unsigned char)c->vendor[i] < 0x20 ||
			    (unsigned char)c->vendor[i] > 0x7e)
				c->vendor[i] = '?';
	}
	if (l1) {
		uint32_t a = l1->reg[SVMC_EAX];
		unsigned fam = (a >> 8) & 0xf, mod = (a >> 4) & 0xf;

		c->stepping = a & 0xf;
		c->family = fam == 0xf ? fam + ((a >> 20) & 0xff) : fam;
		c->model = (fam == 0xf || fam == 0x6) ? (((a >> 16) & 0xf) << 4) | mod : mod;
	}
	memset(brand, 0, sizeof(brand));
	for (unsigned i = 0; i < 3; i++) {
		const struct svmc_leaf *l = svmc_cpu_leaf(c, 0x80000002u + i, 0);
		if (!l)
			return;
		memcpy(brand + 16 * (size_t)i, l->reg, 16);
	}
	brand[48] = '\0';
	{
		char *s = brand, *e;
		while (*s == ' ')
			s++;
		e = s + strlen(s);
		while (e > s && e[-1] == ' ')
			*--e = '\0';
		for (char *p = s; *p; p++)
			if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
				*p = '?';
		svmc_strlcpy(c->brand, s, sizeof(c->brand));
	}
}

void svmc_cpu_decode(struct svmc_cpu *c)
{
	const struct svmc_leaf *l;

	if (!c->has_leaves)
		return;
	memset(&c->features, 0, sizeof(c->features));
	for (unsigned i = 0; i < SVMC_FEAT_COUNT; i++) {
		const struct svmc_feature_info *fi = &svmc_feature_table[i];
		l = svmc_cpu_leaf(c, fi->leaf, fi->subleaf);
		if (l && ((l->reg[fi->reg] >> fi->bit) & 1))
			svmc_featset_set(&c->features, fi->id, true);
	}
	l = svmc_cpu_leaf(c, 0x80000008u, 0);
	c->maxphyaddr = (l && (l->reg[SVMC_EAX] & 0xff)) ? (l->reg[SVMC_EAX] & 0xff) :
							   SVMC_MAXPHYADDR_DEFAULT;
	decode_identity(c);
}

enum svmc_err svmc_cpu_check_complete(const struct svmc_cpu *c, struct svmc_diag *d)
{
	if (!raw_leaf(c, 0, 0))
		return svmc_diag_set(
			d, SVMC_ERR_FORMAT,
			"no leaf 0x00000000: the vendor and the maximum leaf are unknown");
	if (!raw_leaf(c, 0x80000000u, 0))
		return svmc_diag_set(
			d, SVMC_ERR_TRUNCATED,
			"no leaf 0x80000000: the extended leaves (SVM, MAXPHYADDR) are "
			"missing, a cut or incomplete dump");
	for (unsigned i = 0; i < SVMC_FEAT_COUNT; i++) {
		const struct svmc_feature_info *fi = &svmc_feature_table[i];
		const struct svmc_leaf *top = raw_leaf(c, fi->leaf & 0xffff0000u, 0);

		if (fi->subleaf || !top || fi->leaf > top->reg[SVMC_EAX])
			continue;
		/* libcpuid 0.6.2 cannot hold leaves past 0x8000001f (MAX_EXT_CPUID_LEVEL 32). */
		if (c->source == SVMC_SRC_LIBCPUID && fi->leaf > 0x8000001fu)
			continue;
		if (!raw_leaf(c, fi->leaf, 0))
			return svmc_diag_set(d, SVMC_ERR_TRUNCATED,
					     "leaf 0x%08x is missing although the maximum leaf is "
					     "0x%08x: a cut or incomplete dump",
					     fi->leaf, top->reg[SVMC_EAX]);
	}
	/* MAXPHYADDR as svmc_cpu_decode() will read it: 0 means "not stated" (the default). */
	{
		const struct svmc_leaf *l = svmc_cpu_leaf(c, 0x80000008u, 0);
		unsigned mpa = l ? l->reg[SVMC_EAX] & 0xff : 0;

		if (mpa && (mpa < SVMC_MAXPHYADDR_MIN || mpa > SVMC_MAXPHYADDR_MAX))
			return svmc_diag_set(
				d, SVMC_ERR_RANGE,
				"leaf 0x80000008 gives MAXPHYADDR %u (EAX[7:0]), outside "
				"%d..%d: not a real CPU",
				mpa, SVMC_MAXPHYADDR_MIN, SVMC_MAXPHYADDR_MAX);
	}
	return SVMC_OK;
}
