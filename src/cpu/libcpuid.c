/*
 * libcpuid.c - everything svmcheck asks of libcpuid 0.6.2, and the only file
 * that includes <libcpuid.h>: reading its raw dumps (native `version=0.6.2`
 * format, single or multi-CPU, and AIDA64 text) and capturing this host.
 *
 * libcpuid is used for raw CPUID only, never for its flag list (which lacks
 * SHSTK, LA57, SEV, every 0x8000000A bit...: see cpu_feature_t in libcpuid.h).  Its raw structure
 * holds sub-leaf 0 of leaves 0..0x1f and 0x80000000..0x8000001f, plus a few
 * sub-leaf arrays; rows past the CPU's maximum leaf are junk on Intel, so
 * they are dropped here, and svmc_cpu_decode() gates again.  The host
 * capture adds what the structure cannot hold (leaf 7 sub-leaves >= 1,
 * leaves from 0x80000020 up, the hypervisor range) with cpu_exec_cpuid_ext.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <libcpuid.h>

#include "cpu/cpu_int.h"

/* libcpuid reports bad lines through a global warning hook; keep the first. */
static char warn_first[200];
static unsigned warn_count;

static void record_warning(const char *msg)
{
	if (warn_count++ == 0) {
		size_t n;
		svmc_strlcpy(warn_first, msg, sizeof(warn_first));
		n = strlen(warn_first);
		while (n && (warn_first[n - 1] == '\n' || warn_first[n - 1] == '\r'))
			warn_first[--n] = '\0';
	}
}

static enum svmc_err add_row(struct svmc_cpu *c, uint32_t leaf, uint32_t sub, const uint32_t *r,
			     struct svmc_diag *d)
{
	uint32_t reg[4] = { r[EAX], r[EBX], r[ECX], r[EDX] };

	return svmc_cpu_add_leaf(c, leaf, sub, reg, d);
}

static bool row_zero(const uint32_t *r)
{
	return !r[0] && !r[1] && !r[2] && !r[3];
}

/* Sub-leaves >= 1 of a leaf, from a libcpuid sub-leaf array (zero rows skipped). */
static enum svmc_err add_subleaves(struct svmc_cpu *c, uint32_t leaf, uint32_t maxleaf,
				   uint32_t (*rows)[NUM_REGS], unsigned n, struct svmc_diag *d)
{
	enum svmc_err e = SVMC_OK;

	if (leaf > maxleaf)
		return SVMC_OK;
	for (unsigned i = 1; i < n && !e; i++)
		if (!row_zero(rows[i]))
			e = add_row(c, leaf, i, rows[i], d);
	return e;
}

/* struct cpu_raw_data_t -> leaves, dropping rows past the maximum leaves. */
static enum svmc_err from_raw(struct cpu_raw_data_t *raw, struct svmc_cpu *c, struct svmc_diag *d)
{
	uint32_t maxb = raw->basic_cpuid[0][EAX], maxe = raw->ext_cpuid[0][EAX];
	enum svmc_err e = SVMC_OK;

	for (uint32_t i = 0; i < MAX_CPUID_LEVEL && i <= maxb && !e; i++)
		e = add_row(c, i, 0, raw->basic_cpuid[i], d);
	if (maxe >= 0x80000000u && maxe <= 0x8000ffffu)
		for (uint32_t i = 0; i < MAX_EXT_CPUID_LEVEL && 0x80000000u + i <= maxe && !e; i++)
			e = add_row(c, 0x80000000u + i, 0, raw->ext_cpuid[i], d);
	if (!e)
		e = add_subleaves(c, 4, maxb, raw->intel_fn4, MAX_INTELFN4_LEVEL, d);
	if (!e)
		e = add_subleaves(c, 0xb, maxb, raw->intel_fn11, MAX_INTELFN11_LEVEL, d);
	if (!e)
		e = add_subleaves(c, 0x12, maxb, raw->intel_fn12h, MAX_INTELFN12H_LEVEL, d);
	if (!e)
		e = add_subleaves(c, 0x14, maxb, raw->intel_fn14h, MAX_INTELFN14H_LEVEL, d);
	if (!e && maxe >= 0x8000001du)
		e = add_subleaves(c, 0x8000001du, maxe, raw->amd_fn8000001dh,
				  MAX_AMDFN8000001DH_LEVEL, d);
	return e;
}

/*
 * libcpuid 0.6.2 trusts its input (fuzzing found all of these): a data line
 * before the line that gives it a CPU slot writes through a NULL pointer; a
 * "Logical CPU #-1" header or an AIDA64 "[SL n]" sub-leaf outside its array
 * writes out of bounds; "version=" fills an 8-byte buffer with %s; lines past
 * its 100-byte buffer are cut in two.  So the file goes through the same line
 * logic here first, and anything that would reach one of those is refused
 * (line number and reason in *line and *why).  Returns true when safe.
 */
#define LC_LINE_MAX 98 /* what fgets(line, 100) returns whole, newline included */
#define LC_CPUS_MAX 1024

static bool lc_data_line(const char *line, int *idx)
{
	static const struct {
		const char *fmt;
		int n;
	} rows[] = {
		{ "basic_cpuid[%d]=%x %x %x %x", MAX_CPUID_LEVEL },
		{ "ext_cpuid[%d]=%x %x %x %x", MAX_EXT_CPUID_LEVEL },
		{ "intel_fn4[%d]=%x %x %x %x", MAX_INTELFN4_LEVEL },
		{ "intel_fn11[%d]=%x %x %x %x", MAX_INTELFN11_LEVEL },
		{ "intel_fn12h[%d]=%x %x %x %x", MAX_INTELFN12H_LEVEL },
		{ "intel_fn14h[%d]=%x %x %x %x", MAX_INTELFN14H_LEVEL },
		{ "amd_fn8000001dh[%d]=%x %x %x %x", MAX_AMDFN8000001DH_LEVEL },
	};
	unsigned a, b, c, e;

	for (size_t k = 0; k < sizeof(rows) / sizeof(rows[0]); k++)
		if (sscanf(line, rows[k].fmt, idx, &a, &b, &c, &e) >= 5)
			return *idx >= 0 && *idx < rows[k].n;
	return false;
}

static int lc_subleaf_max(unsigned addr)
{
	static const struct {
		unsigned addr;
		int max;
	} rows[] = {
		{ 0x4, MAX_INTELFN4_LEVEL },
		{ 0xb, MAX_INTELFN11_LEVEL },
		{ 0x12, MAX_INTELFN12H_LEVEL },
		{ 0x14, MAX_INTELFN14H_LEVEL },
		{ 0x8000001du, MAX_AMDFN8000001DH_LEVEL },
	};

	for (size_t k = 0; k < sizeof(rows) / sizeof(rows[0]); k++)
		if (rows[k].addr == addr)
			return rows[k].max;
	return -1; /* libcpuid ignores sub-leaves of other leaves */
}

/*
 * The sscanf() calls below are the ones libcpuid 0.6.2 parses the file with,
 * format for format, and they must stay sscanf(): the point is to accept and
 * wrap exactly as libcpuid does ("Logical CPU #65535" reaches %hi as -1, the
 * out-of-bounds write refused below), which strtol() with its overflow
 * report would no longer predict.  Hence the cert-err34-c exceptions.
 */
static bool libcpuid_safe(FILE *f, uint64_t *lineno, const char **why)
{
	static const char dashes[] = "----------------------------------------"
				     "----------------------------------------";
	bool header = true, lib = true, aida = false, slot = false;
	char line[LC_LINE_MAX + 32], word[32];
	unsigned addr, a, b, c, e;
	short cpu;
	int idx, sub;

	*lineno = 0;
	while (fgets(line, sizeof(line), f)) {
		size_t len = strlen(line);

		++*lineno;
		if (len > LC_LINE_MAX || (len == LC_LINE_MAX && line[len - 1] != '\n')) {
			*why = "line longer than libcpuid reads whole (98 bytes)";
			return false;
		}
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '\0')
			continue;
		if (strcmp(line, dashes) == 0)
			break;
		if (header) {
			if (strncmp(line, "version=", 8) == 0 &&
			    sscanf(line, "version=%31s", word) == 1) {
				if (strlen(word) > 7) {
					*why = "version= longer than 7 characters";
					return false;
				}
				lib = true;
				aida = false;
				continue;
			}
			/* NOLINTNEXTLINE(cert-err34-c): libcpuid's own parse, see above */
			int got = sscanf(line, "basic_cpuid[%d]=%x %x %x %x", &idx, &a, &b, &c, &e);
			if (got >= 5) {
				header = aida = false;
				lib = slot = true;
			} else if (!strcmp(line, "------[ Versions ]------") ||
				   !strcmp(line, "------[ Logical CPU #0 ]------") ||
				   !strcmp(line,
					   "------[ CPUID Registers / Logical CPU #0 ]------")) {
				header = lib = false;
				aida = true;
			}
		}
		if (lib) {
			/* NOLINTNEXTLINE(cert-err34-c): libcpuid's own parse, see above */
			if (sscanf(line, "_________________ Logical CPU #%hi _________________",
				   &cpu) >= 1) {
				if (cpu < 0 || cpu >= LC_CPUS_MAX) {
					*why = "logical CPU number out of range";
					return false;
				}
				header = false;
				slot = true;
			} else if (lc_data_line(line, &idx) && !slot) {
				*why = "CPUID values before basic_cpuid[] or a logical CPU header";
				return false;
			}
		} else if (aida) {
			/* NOLINTBEGIN(cert-err34-c): libcpuid's own parse, see above */
			if (sscanf(line, "------[ Logical CPU #%hi ]------", &cpu) >= 1 ||
			    sscanf(line, "------[ CPUID Registers / Logical CPU #%hi ]------",
				   &cpu) >= 1) {
				/* NOLINTEND(cert-err34-c) */
				if (cpu < 0 || cpu >= LC_CPUS_MAX) {
					*why = "logical CPU number out of range";
					return false;
				}
				slot = true;
				continue;
			}
			sub = 0;
			/* NOLINTNEXTLINE(cert-err34-c): libcpuid's own parse, see above */
			idx = sscanf(line, "CPUID %x: %x-%x-%x-%x [SL %02i]", &addr, &a, &b, &c, &e,
				     &sub);
			if (idx >= 5 && !slot) {
				*why = "CPUID values before a logical CPU header";
				return false;
			}
			if (idx >= 6 && lc_subleaf_max(addr) >= 0 &&
			    (sub < 0 || sub >= lc_subleaf_max(addr))) {
				*why = "sub-leaf out of the range libcpuid holds";
				return false;
			}
		}
	}
	return true;
}

enum svmc_err svmc_cpu_load_libcpuid(const char *path, struct svmc_cpu *out, struct svmc_diag *d)
{
	struct cpu_raw_data_array_t arr;
	libcpuid_warn_fn_t old;
	enum svmc_err e;
	int rc;

	svmc_cpu_init(out);
	out->source = SVMC_SRC_LIBCPUID;
	svmc_strlcpy(out->view, "cpuid-user", sizeof(out->view));
	svmc_diag_init(d, path);
	{
		FILE *f = fopen(path, "r");
		const char *why = NULL;
		uint64_t line;
		bool safe;

		if (!f)
			return svmc_diag_set(d, SVMC_ERR_IO, "cannot open: %s", strerror(errno));
		safe = libcpuid_safe(f, &line, &why);
		fclose(f);
		if (!safe) {
			d->line = line;
			return svmc_diag_set(d, SVMC_ERR_FORMAT,
					     "not a valid libcpuid raw dump: %s", why);
		}
	}
	memset(&arr, 0, sizeof(arr));
	warn_count = 0;
	warn_first[0] = '\0';
	old = cpuid_set_warn_function(record_warning);
	rc = cpuid_deserialize_all_raw_data(&arr, path);
	cpuid_set_warn_function(old);
	if (rc != 0) {
		e = svmc_diag_set(d, rc == ERR_OPEN ? SVMC_ERR_IO : SVMC_ERR_FORMAT,
				  "libcpuid cannot read this raw dump: %s", cpuid_error());
		cpuid_free_raw_data_array(&arr);
		return e;
	}
	if (warn_count) {
		/* 0.6.2 returns 0 on garbage and only warns: that is a malformed dump. */
		e = svmc_diag_set(
			d, SVMC_ERR_FORMAT,
			"not a valid libcpuid raw dump (%u line%s not understood; first: %s)",
			warn_count, warn_count == 1 ? "" : "s", warn_first);
		cpuid_free_raw_data_array(&arr);
		return e;
	}
	if (arr.num_raw == 0 || !arr.raw) {
		cpuid_free_raw_data_array(&arr);
		return svmc_diag_set(d, SVMC_ERR_EMPTY, "no CPU in this libcpuid raw dump");
	}
	if (row_zero(arr.raw[0].basic_cpuid[0])) {
		cpuid_free_raw_data_array(&arr);
		return svmc_diag_set(
			d, SVMC_ERR_FORMAT,
			"basic_cpuid[0] is missing or zero: no vendor, no maximum leaf");
	}
	e = from_raw(&arr.raw[0], out, d);
	cpuid_free_raw_data_array(&arr);
	if (e)
		return e;
	e = svmc_cpu_check_complete(out, d);
	if (e)
		return e;
	svmc_cpu_decode(out);
	return SVMC_OK;
}

/* One CPUID instruction with sub-leaf, through libcpuid. */
static void exec_cpuid(uint32_t leaf, uint32_t sub, uint32_t reg[4])
{
	uint32_t r[4] = { leaf, 0, sub, 0 };

	cpu_exec_cpuid_ext(r);
	memcpy(reg, r, sizeof(r));
}

enum svmc_err svmc_cpu_capture_host(struct svmc_cpu *out, struct svmc_diag *d)
{
	struct cpu_raw_data_t raw;
	uint32_t reg[4], maxe;
	enum svmc_err e;

	svmc_cpu_init(out);
	out->source = SVMC_SRC_HOST;
	svmc_strlcpy(out->view, "cpuid-user", sizeof(out->view));
	svmc_strlcpy(out->name, "host", sizeof(out->name));
	svmc_diag_init(d, "host");
	if (!cpuid_present())
		return svmc_diag_set(d, SVMC_ERR_NOTFOUND,
				     "this machine has no CPUID instruction: give a CPU profile "
				     "(a file or a bundled name) instead of host");
	memset(&raw, 0, sizeof(raw));
	if (cpuid_get_raw_data(&raw) != 0)
		return svmc_diag_set(d, SVMC_ERR_IO, "libcpuid cannot read CPUID here: %s",
				     cpuid_error());
	e = from_raw(&raw, out, d);
	if (e)
		return e;
	/* What libcpuid's structure cannot hold: leaf 7 sub-leaves, 0x80000020 and up. */
	if (raw.basic_cpuid[0][EAX] >= 7)
		for (uint32_t s = 1; s <= raw.basic_cpuid[7][EAX] && s < 8 && !e; s++) {
			exec_cpuid(7, s, reg);
			e = svmc_cpu_add_leaf(out, 7, s, reg, d);
		}
	maxe = raw.ext_cpuid[0][EAX];
	if (maxe >= 0x80000000u && maxe <= 0x800000ffu)
		for (uint32_t l = 0x80000020u; l <= maxe && !e; l++) {
			exec_cpuid(l, 0, reg);
			e = svmc_cpu_add_leaf(out, l, 0, reg, d);
		}
	/* The hypervisor's signature leaf, so that `profile show host` can name it. */
	if (!e && raw.basic_cpuid[0][EAX] >= 1 && ((raw.basic_cpuid[1][ECX] >> 31) & 1)) {
		exec_cpuid(0x40000000u, 0, reg);
		e = svmc_cpu_add_leaf(out, 0x40000000u, 0, reg, d);
	}
	if (e)
		return e;
	svmc_cpu_decode(out);
	snprintf(out->description, sizeof(out->description),
		 "this host, captured by svmcheck through libcpuid %s (user-space CPUID)",
		 cpuid_lib_version());
	return SVMC_OK;
}
