/*
 * cpuinfo.c - a CPU from Linux's /proc/cpuinfo: features from the "flags"
 * line (Linux flag names are the names of svmcheck's feature table), and
 * MAXPHYADDR from "address sizes".
 *
 * /proc/cpuinfo is the kernel's view, not CPUID: a flag the kernel hides or
 * has disabled is not there.  The profile is a feature list, which cannot
 * say "unknown": what Linux never prints (below) is absent from it, its
 * source is "cpuinfo" so that svmc_cpu_feature_unknown() can tell, and the
 * description says so wherever the profile is shown or saved.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu_int.h"

/*
 * Features Linux does not print in "flags": cpufeatures.h gives them no
 * name (X86_FEATURE_SHSTK, _SVME_ADDR_CHK, _EFER_LMSLE_MBZ; "user_shstk" is
 * the kernel's own use of shadow stacks, not the CPUID bit) or has no such
 * feature (KL, UINTR, UAIE, MCOMMIT).
 */
static const enum svmc_feature hidden[] = {
	SVMC_FEAT_SHSTK,   SVMC_FEAT_SVME_ADDR_CHK, SVMC_FEAT_EFER_LMSLE_UNSUPPORTED,
	SVMC_FEAT_KL,      SVMC_FEAT_UINTR,         SVMC_FEAT_UAIE,
	SVMC_FEAT_MCOMMIT,
};

bool svmc_cpu_feature_unknown(const struct svmc_cpu *c, enum svmc_feature f)
{
	if (c->source != SVMC_SRC_CPUINFO || svmc_cpu_has(c, f))
		return false;
	for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++)
		if (hidden[i] == f)
			return true;
	return false;
}

bool svmc_cpuinfo_detect(const char *buf, size_t len)
{
	size_t i = strlen("processor");

	if (len < i || strncmp(buf, "processor", i) != 0)
		return false;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t'))
		i++;
	return i < len && buf[i] == ':';
}

/* Strip "key<blanks>: value" into key and value (in place); false without ':'. */
static bool split(char *line, char **key, char **val)
{
	char *colon = strchr(line, ':'), *end;

	if (!colon)
		return false;
	end = colon;
	while (end > line && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*end = '\0';
	*key = line;
	*val = colon + 1;
	while (**val == ' ' || **val == '\t')
		(*val)++;
	return true;
}

/* A decimal number at the start of s; *rest is what follows it. */
static bool leading_uint(const char *s, unsigned long max, unsigned *v, const char **rest)
{
	char *end;
	unsigned long n;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno || n > max)
		return false;
	*v = (unsigned)n;
	*rest = end;
	return true;
}

static void set_flags(struct svmc_cpu *c, char *flags)
{
	for (char *save = NULL, *t = strtok_r(flags, " \t", &save); t;
	     t = strtok_r(NULL, " \t", &save)) {
		for (unsigned i = 0; i < SVMC_FEAT_COUNT; i++)
			if (strcmp(t, svmc_feature_table[i].name) == 0)
				svmc_featset_set(&c->features, svmc_feature_table[i].id, true);
	}
}

static void describe(struct svmc_cpu *c)
{
	size_t n;

	n = (size_t)snprintf(c->description, sizeof(c->description),
			     "from /proc/cpuinfo; not shown there, so taken as absent:");
	for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]) && n < sizeof(c->description);
	     i++)
		n += (size_t)snprintf(c->description + n, sizeof(c->description) - n, " %s",
				      svmc_feature_table[hidden[i]].name);
}

enum svmc_err svmc_cpu_load_cpuinfo(char *text, size_t len, const char *path, struct svmc_cpu *out,
				    struct svmc_diag *d)
{
	char *first_flags = NULL, *save = NULL;
	unsigned line = 0, flags_line = 0, cpus = 0;
	bool maxpa_set = false;

	svmc_cpu_init(out);
	svmc_diag_init(d, path);
	out->has_leaves = false;
	out->source = SVMC_SRC_CPUINFO;
	svmc_strlcpy(out->view, "silicon", sizeof(out->view));
	(void)len;
	/* strtok_r would merge empty lines; walk lines by hand to count them */
	for (char *p = text; p && *p; p = save) {
		char *nl = strchr(p, '\n'), *key, *val;

		save = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		line++;
		d->line = line;
		if (!p[strspn(p, " \t\r")])
			continue;
		if (!split(p, &key, &val))
			return svmc_diag_set(d, SVMC_ERR_FORMAT,
					     "not a /proc/cpuinfo line (no ':'): '%.40s'", p);
		val[strcspn(val, "\r")] = '\0';
		if (strcmp(key, "processor") == 0) {
			cpus++;
		} else if (strcmp(key, "flags") == 0) {
			/* every CPU must say the same, or no single profile is true */
			if (first_flags && strcmp(first_flags, val) != 0)
				return svmc_diag_set(d, SVMC_ERR_CONFLICT,
						     "the flags of processor %u differ from those "
						     "on line %u: one CPU per profile",
						     cpus ? cpus - 1 : 0, flags_line);
			if (!first_flags) {
				first_flags = val;
				flags_line = line;
			}
		} else if (cpus <= 1 && strcmp(key, "address sizes") == 0) {
			unsigned bits;
			const char *rest;

			if (!leading_uint(val, 4096, &bits, &rest) ||
			    strncmp(rest, " bits physical", 14) != 0)
				return svmc_diag_set(d, SVMC_ERR_FORMAT,
						     "address sizes: expected 'N bits physical, M "
						     "bits virtual', got '%.40s'",
						     val);
			if (bits < SVMC_MAXPHYADDR_MIN || bits > SVMC_MAXPHYADDR_MAX)
				return svmc_diag_set(d, SVMC_ERR_RANGE,
						     "address sizes: %u bits physical is out of "
						     "range (%d..%d)",
						     bits, SVMC_MAXPHYADDR_MIN,
						     SVMC_MAXPHYADDR_MAX);
			out->maxphyaddr = bits;
			maxpa_set = true;
		} else if (cpus <= 1 && strcmp(key, "vendor_id") == 0) {
			svmc_strlcpy(out->vendor, val, sizeof(out->vendor));
		} else if (cpus <= 1 && strcmp(key, "model name") == 0) {
			svmc_strlcpy(out->brand, val, sizeof(out->brand));
		} else if (cpus <= 1 &&
			   (strcmp(key, "cpu family") == 0 || strcmp(key, "model") == 0 ||
			    strcmp(key, "stepping") == 0)) {
			unsigned *dst = key[0] == 'c' ? &out->family :
					key[0] == 'm' ? &out->model :
							&out->stepping;
			const char *rest;

			if (!leading_uint(val, 0xffff, dst, &rest) || *rest)
				return svmc_diag_set(d, SVMC_ERR_FORMAT,
						     "%s: expected a decimal number, got '%.40s'",
						     key, val);
		}
	}
	d->line = 0;
	if (!first_flags)
		return svmc_diag_set(d, SVMC_ERR_FORMAT,
				     "/proc/cpuinfo without a 'flags' line: not an x86 CPU's");
	if (!maxpa_set)
		return svmc_diag_set(d, SVMC_ERR_FORMAT,
				     "/proc/cpuinfo without 'address sizes': MAXPHYADDR unknown");
	set_flags(out, first_flags);
	describe(out);
	return SVMC_OK;
}
