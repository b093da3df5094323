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
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

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

/* libcpuid's raw arrays, in the order of its file format. */
enum { LC_BASIC, LC_EXT, LC_FN4, LC_FN11, LC_FN12H, LC_FN14H, LC_FN8000001D, LC_ARRAYS };
struct lc_scan;
static bool lc_misread(const struct lc_scan *sc, int k, uint32_t idx);

/* Sub-leaves >= 1 of a leaf, from libcpuid sub-leaf array k (zero and misread rows skipped). */
static enum svmc_err add_subleaves(struct svmc_cpu *c, uint32_t leaf, uint32_t maxleaf,
				   uint32_t (*rows)[NUM_REGS], unsigned n, const struct lc_scan *sc,
				   int k, struct svmc_diag *d)
{
	enum svmc_err e = SVMC_OK;

	if (leaf > maxleaf)
		return SVMC_OK;
	for (unsigned i = 1; i < n && !e; i++)
		if (!row_zero(rows[i]) && !lc_misread(sc, k, i))
			e = add_row(c, leaf, i, rows[i], d);
	return e;
}

/*
 * struct cpu_raw_data_t -> leaves, dropping rows past the maximum leaves and
 * the rows the scan sc (NULL for a host capture) saw libcpuid misread.
 */
static enum svmc_err from_raw(struct cpu_raw_data_t *raw, const struct lc_scan *sc,
			      struct svmc_cpu *c, struct svmc_diag *d)
{
	uint32_t maxb = raw->basic_cpuid[0][EAX], maxe = raw->ext_cpuid[0][EAX];
	enum svmc_err e = SVMC_OK;

	for (uint32_t i = 0; i < MAX_CPUID_LEVEL && i <= maxb && !e; i++)
		if (!lc_misread(sc, LC_BASIC, i))
			e = add_row(c, i, 0, raw->basic_cpuid[i], d);
	if (maxe >= 0x80000000u && maxe <= 0x8000ffffu)
		for (uint32_t i = 0; i < MAX_EXT_CPUID_LEVEL && 0x80000000u + i <= maxe && !e; i++)
			if (!lc_misread(sc, LC_EXT, i))
				e = add_row(c, 0x80000000u + i, 0, raw->ext_cpuid[i], d);
	if (!e)
		e = add_subleaves(c, 4, maxb, raw->intel_fn4, MAX_INTELFN4_LEVEL, sc, LC_FN4, d);
	if (!e)
		e = add_subleaves(c, 0xb, maxb, raw->intel_fn11, MAX_INTELFN11_LEVEL, sc, LC_FN11,
				  d);
	if (!e)
		e = add_subleaves(c, 0x12, maxb, raw->intel_fn12h, MAX_INTELFN12H_LEVEL, sc,
				  LC_FN12H, d);
	if (!e)
		e = add_subleaves(c, 0x14, maxb, raw->intel_fn14h, MAX_INTELFN14H_LEVEL, sc,
				  LC_FN14H, d);
	if (!e && maxe >= 0x8000001du)
		e = add_subleaves(c, 0x8000001du, maxe, raw->amd_fn8000001dh,
				  MAX_AMDFN8000001DH_LEVEL, sc, LC_FN8000001D, d);
	return e;
}

/*
 * libcpuid 0.6.2 trusts its input (fuzzing found all of these): a data line
 * before the line that gives it a CPU slot writes through a NULL pointer; a
 * "Logical CPU #-1" header or an AIDA64 "[SL n]" sub-leaf outside its array
 * writes out of bounds; "version=" fills an 8-byte buffer with %s; lines past
 * its 100-byte buffer are cut in two.  And it reads wrong values silently:
 * %x and %d wrap modulo 2^32 ("100003040" is 0x3040, basic_cpuid[4294967303]
 * is basic_cpuid[7]), a row given twice keeps the last, and an AIDA64 sub-leaf
 * written in hex ("[SL 0B]") is read with %02i, as 0.  So the bytes go
 * through the same line logic here first: anything that would reach one of
 * those crashes, and any value libcpuid would not read as written, is
 * refused (line number and reason in sc->line and sc->why); a row that
 * libcpuid would overwrite with another sub-leaf's values is marked, and
 * left out of the profile (from_raw).  Returns true when safe.
 */
#define LC_LINE_MAX 98 /* what fgets(line, 100) returns whole, newline included */
#define LC_CPUS_MAX 1024

#define LC_SLOTS 32 /* the largest array (MAX_CPUID_LEVEL, MAX_EXT_CPUID_LEVEL) */

/* What the scan saw for logical CPU 0, the one svmcheck reads. */
struct lc_slot {
	uint64_t line; /* 0: not given */
	uint32_t reg[4];
	bool misread; /* an AIDA64 line of another sub-leaf lands here */
};

struct lc_scan {
	struct lc_slot slot[LC_ARRAYS][LC_SLOTS];
	uint64_t line; /* the line of the error */
	const char *why;
	char msg[120];
};

_Static_assert(MAX_CPUID_LEVEL <= LC_SLOTS && MAX_EXT_CPUID_LEVEL <= LC_SLOTS &&
		       MAX_INTELFN4_LEVEL <= LC_SLOTS && MAX_INTELFN11_LEVEL <= LC_SLOTS &&
		       MAX_INTELFN12H_LEVEL <= LC_SLOTS && MAX_INTELFN14H_LEVEL <= LC_SLOTS &&
		       MAX_AMDFN8000001DH_LEVEL <= LC_SLOTS,
	       "every libcpuid array fits a scan row");

static const struct {
	const char *fmt, *name;
	int n;
	uint32_t leaf; /* the CPUID leaf of index 0 (basic, ext) or of every index */
} lc_rows[LC_ARRAYS] = {
	[LC_BASIC] = { "basic_cpuid[%d]=%x %x %x %x", "basic_cpuid", MAX_CPUID_LEVEL, 0 },
	[LC_EXT] = { "ext_cpuid[%d]=%x %x %x %x", "ext_cpuid", MAX_EXT_CPUID_LEVEL, 0x80000000u },
	[LC_FN4] = { "intel_fn4[%d]=%x %x %x %x", "intel_fn4", MAX_INTELFN4_LEVEL, 0x4 },
	[LC_FN11] = { "intel_fn11[%d]=%x %x %x %x", "intel_fn11", MAX_INTELFN11_LEVEL, 0xb },
	[LC_FN12H] = { "intel_fn12h[%d]=%x %x %x %x", "intel_fn12h", MAX_INTELFN12H_LEVEL, 0x12 },
	[LC_FN14H] = { "intel_fn14h[%d]=%x %x %x %x", "intel_fn14h", MAX_INTELFN14H_LEVEL, 0x14 },
	[LC_FN8000001D] = { "amd_fn8000001dh[%d]=%x %x %x %x", "amd_fn8000001dh",
			    MAX_AMDFN8000001DH_LEVEL, 0x8000001du },
};

static bool lc_fail(struct lc_scan *sc, const char *why)
{
	sc->why = why;
	return false;
}

/*
 * A hex number as %x would read it at *p (leading blanks, an optional 0x),
 * but refused when it has more than 8 significant digits: %x keeps it modulo
 * 2^32.  Advances *p; false when there is no digit or too many.
 */
static bool lc_hex32(const char **p, uint32_t *v, bool *wide)
{
	const char *s = *p;
	uint64_t x = 0;
	int sig = 0, any = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && isxdigit((unsigned char)s[2]))
		s += 2;
	for (; isxdigit((unsigned char)*s); s++, any++) {
		unsigned dig = isdigit((unsigned char)*s) ?
				       (unsigned)(*s - '0') :
				       (unsigned)(tolower((unsigned char)*s) - 'a' + 10);
		if (sig || dig)
			sig++;
		if (sig > 8) {
			*wide = true;
			return false;
		}
		x = x << 4 | dig;
	}
	if (!any)
		return false;
	*v = (uint32_t)x;
	*p = s;
	return true;
}

/*
 * A decimal number at s (no sign) as written: -1 if there is no digit,
 * LONG_MAX if it has more than 9 (larger than any index or CPU number).
 */
static long lc_dec(const char *s, const char **end)
{
	long v = 0;
	int n = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	for (; isdigit((unsigned char)*s); s++)
		v = ++n > 9 ? LONG_MAX : v * 10 + (*s - '0');
	*end = s;
	return n ? v : -1;
}

static bool lc_blank(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	return *s == '\0';
}

/* Remember row idx of array k for CPU 0; a different earlier value is an error. */
static bool lc_record(struct lc_scan *sc, int cpu, int k, int idx, const uint32_t reg[4],
		      bool misread, uint64_t lineno)
{
	struct lc_slot *s;

	if (cpu != 0 || idx < 0 || idx >= lc_rows[k].n)
		return true;
	s = &sc->slot[k][idx];
	if (misread) {
		s->misread = true;
		return true;
	}
	if (s->line && memcmp(s->reg, reg, sizeof(s->reg)) != 0) {
		snprintf(sc->msg, sizeof(sc->msg),
			 "%s[%d] given twice with different values (lines %" PRIu64 " and %" PRIu64
			 ")",
			 lc_rows[k].name, idx, s->line, lineno);
		return lc_fail(sc, sc->msg);
	}
	s->line = lineno;
	memcpy(s->reg, reg, sizeof(s->reg));
	return true;
}

/*
 * One libcpuid data line ("name[IDX]=EAX EBX ECX EDX"): 0 when libcpuid
 * would not take it as one, 1 when it is sound (*k, *idx, reg set), -1 with
 * sc->why set when libcpuid would read it wrong.
 */
static int lc_data_line(struct lc_scan *sc, const char *line, int *k, int *idx, uint32_t reg[4])
{
	unsigned a, b, c, e;
	int i;

	for (*k = 0; *k < LC_ARRAYS; ++*k) {
		/* NOLINTNEXTLINE(cert-err34-c): libcpuid's own parse, see below */
		if (sscanf(line, lc_rows[*k].fmt, &i, &a, &b, &c, &e) < 5)
			continue;
		const char *p = line + strlen(lc_rows[*k].name) + 1, *q;
		long v = lc_dec(p, &q);
		bool wide = false;

		if (v < 0 || *q != ']')
			return lc_fail(sc, "the index is not a decimal number"), -1;
		if (v >= lc_rows[*k].n) {
			snprintf(sc->msg, sizeof(sc->msg), "index %.*s is outside %s[0..%d]",
				 (int)(q - p > 24 ? 24 : q - p), p, lc_rows[*k].name,
				 lc_rows[*k].n - 1);
			return lc_fail(sc, sc->msg), -1;
		}
		*idx = (int)v;
		p = q + 2; /* "]=" */
		for (int r = 0; r < 4; r++)
			if (!lc_hex32(&p, &reg[r], &wide))
				return lc_fail(sc, wide ? "a register value is wider than 32 bits "
							  "(more than 8 hex digits)" :
							  "a register value is not a hex number"),
				       -1;
		if (!lc_blank(p))
			return lc_fail(sc, "unexpected text after the four register values"), -1;
		return 1;
	}
	return 0;
}

/* "... Logical CPU #N ..." after sscanf matched: N as written, 0..LC_CPUS_MAX-1. */
static bool lc_cpu_number(struct lc_scan *sc, const char *line, int *cpu)
{
	const char *p = strchr(line, '#'), *q;
	long v = p ? lc_dec(p + 1, &q) : -1;

	if (v < 0 || v >= LC_CPUS_MAX)
		return lc_fail(sc, "logical CPU number out of range");
	*cpu = (int)v;
	return true;
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

/* The array of sub-leaves libcpuid keeps for leaf addr; -1 if none. */
static int lc_subleaf_array(uint32_t addr)
{
	for (int k = LC_FN4; k < LC_ARRAYS; k++)
		if (lc_rows[k].leaf == addr)
			return k;
	return -1;
}

/*
 * An AIDA64 line "CPUID ADDR: EAX-EBX-ECX-EDX [SL NN] ..." that libcpuid's
 * sscanf matched (assigned values, its sub-leaf isub): check that every
 * number is read as written and record where libcpuid stores it.
 */
static bool lc_aida_line(struct lc_scan *sc, const char *line, int assigned, int isub, int cpu,
			 uint64_t lineno)
{
	const char *p = line + 5; /* "CPUID" */
	uint32_t addr, reg[4], wsub = 0;
	bool wide = false;
	int k;

	if (!lc_hex32(&p, &addr, &wide) || *p != ':')
		return lc_fail(sc, wide ? "the leaf number is wider than 32 bits (more than 8 hex "
					  "digits)" :
					  "the leaf number is not a hex number");
	p++;
	for (int r = 0; r < 4; r++) {
		if ((r && *p++ != '-') || !lc_hex32(&p, &reg[r], &wide))
			return lc_fail(sc, wide ? "a register value is wider than 32 bits (more "
						  "than 8 hex digits)" :
						  "a register value is not a hex number");
	}
	if (assigned >= 6) {
		/* AIDA64 writes the sub-leaf in hex; libcpuid reads it with %02i */
		const char *q = strstr(p, "[SL ");

		if (!q || !lc_hex32((q += 4, &q), &wsub, &wide) || *q != ']')
			return lc_fail(sc, "the sub-leaf after [SL is not a hex number");
	}
	if (assigned < 6 || isub == 0) {
		if (addr < MAX_CPUID_LEVEL)
			k = LC_BASIC;
		else if (addr >= 0x80000000u && addr - 0x80000000u < MAX_EXT_CPUID_LEVEL)
			k = LC_EXT;
		else
			k = -1;
		if (k >= 0 &&
		    !lc_record(sc, cpu, k, (int)(addr - lc_rows[k].leaf), reg, wsub != 0, lineno))
			return false;
	}
	k = lc_subleaf_array(addr);
	if (assigned >= 6 && k >= 0)
		return lc_record(sc, cpu, k, isub, reg, wsub != (uint32_t)isub, lineno);
	return true;
}

/*
 * The sscanf() calls below are the ones libcpuid 0.6.2 parses the file with,
 * format for format, and they must stay sscanf(): the point is to accept and
 * wrap exactly as libcpuid does, to know which lines it takes and where it
 * stores them; the numbers are then read again as written (lc_hex32,
 * lc_dec), and any difference refused.  Hence the cert-err34-c exceptions.
 */
static bool libcpuid_safe(char *text, size_t len, struct lc_scan *sc)
{
	static const char dashes[] = "----------------------------------------"
				     "----------------------------------------";
	bool header = true, lib = true, aida = false, slot = false;
	char line[LC_LINE_MAX + 32], word[32];
	unsigned addr, a, b, c, e;
	short hcpu;
	int idx, sub, k, cpu = 0;
	uint32_t reg[4];
	FILE *f = fmemopen(text, len, "r"); /* "r": never written */
	bool ok = true;

	sc->line = 0;
	if (!f)
		return lc_fail(sc, "out of memory");
	while (ok && fgets(line, sizeof(line), f)) {
		size_t n = strlen(line);

		++sc->line;
		if (n > LC_LINE_MAX || (n == LC_LINE_MAX && line[n - 1] != '\n')) {
			ok = lc_fail(sc, "line longer than libcpuid reads whole (98 bytes)");
			break;
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
					ok = lc_fail(sc, "version= longer than 7 characters");
					break;
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
				   &hcpu) >= 1) {
				ok = lc_cpu_number(sc, line, &cpu);
				header = false;
				slot = true;
				continue;
			}
			switch (lc_data_line(sc, line, &k, &idx, reg)) {
			case -1:
				ok = false;
				break;
			case 1:
				if (!slot)
					ok = lc_fail(sc, "CPUID values before basic_cpuid[] or a "
							 "logical CPU header");
				else
					ok = lc_record(sc, cpu, k, idx, reg, false, sc->line);
				break;
			default:
				break;
			}
		} else if (aida) {
			/* NOLINTBEGIN(cert-err34-c): libcpuid's own parse, see above */
			if (sscanf(line, "------[ Logical CPU #%hi ]------", &hcpu) >= 1 ||
			    sscanf(line, "------[ CPUID Registers / Logical CPU #%hi ]------",
				   &hcpu) >= 1) {
				/* NOLINTEND(cert-err34-c) */
				ok = lc_cpu_number(sc, line, &cpu);
				slot = true;
				continue;
			}
			sub = 0;
			/* NOLINTNEXTLINE(cert-err34-c): libcpuid's own parse, see above */
			idx = sscanf(line, "CPUID %x: %x-%x-%x-%x [SL %02i]", &addr, &a, &b, &c, &e,
				     &sub);
			if (idx < 5)
				continue;
			if (!slot) {
				ok = lc_fail(sc, "CPUID values before a logical CPU header");
				break;
			}
			if (idx >= 6 && lc_subleaf_max(addr) >= 0 &&
			    (sub < 0 || sub >= lc_subleaf_max(addr))) {
				ok = lc_fail(sc, "sub-leaf out of the range libcpuid holds");
				break;
			}
			ok = lc_aida_line(sc, line, idx, sub, cpu, sc->line);
		}
	}
	fclose(f);
	return ok;
}

/* Was row idx of array k of CPU 0 overwritten with another sub-leaf's values? */
static bool lc_misread(const struct lc_scan *sc, int k, uint32_t idx)
{
	return sc && idx < LC_SLOTS && sc->slot[k][idx].misread;
}

/*
 * Hand the bytes to libcpuid, which reads only by file name: an anonymous
 * memory file (memfd_create(2)) sealed against any change, named
 * /proc/self/fd/N; without /proc, a file in a new mode-0700 directory,
 * removed as soon as libcpuid has read it.  Either way nobody else can
 * write what libcpuid reads, and it is exactly the bytes already checked.
 */
struct lc_handoff {
	int fd;
	char dir[256], path[300];
};

static bool write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

static void lc_handoff_close(struct lc_handoff *h)
{
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
	if (h->dir[0]) {
		unlink(h->path);
		rmdir(h->dir);
		h->dir[0] = '\0';
	}
}

static enum svmc_err lc_handoff_open(struct lc_handoff *h, const char *text, size_t len,
				     struct svmc_diag *d)
{
	const char *tmp = getenv("TMPDIR");
	int fd;

	h->fd = -1;
	h->dir[0] = '\0';
	fd = memfd_create("svmcheck-libcpuid", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd >= 0) {
		snprintf(h->path, sizeof(h->path), "/proc/self/fd/%d", fd);
		h->fd = fd;
		if (write_all(fd, text, len) &&
		    fcntl(fd, F_ADD_SEALS,
			  F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) == 0 &&
		    access(h->path, R_OK) == 0)
			return SVMC_OK;
		lc_handoff_close(h);
	}
	if (!tmp || tmp[0] != '/' || strlen(tmp) > 200)
		tmp = "/tmp";
	snprintf(h->dir, sizeof(h->dir), "%s/svmcheck-XXXXXX", tmp);
	if (!mkdtemp(h->dir)) {
		int err = errno;
		h->dir[0] = '\0';
		return svmc_diag_set(d, SVMC_ERR_IO,
				     "cannot create a private copy for libcpuid in %s: %s", tmp,
				     strerror(err));
	}
	snprintf(h->path, sizeof(h->path), "%s/dump", h->dir);
	fd = open(h->path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || !write_all(fd, text, len) || close(fd) != 0) {
		int err = errno;
		if (fd >= 0)
			close(fd);
		lc_handoff_close(h);
		return svmc_diag_set(d, SVMC_ERR_IO, "cannot write a private copy for libcpuid: %s",
				     strerror(err));
	}
	return SVMC_OK;
}

enum svmc_err svmc_cpu_load_libcpuid(char *text, size_t len, const char *path, struct svmc_cpu *out,
				     struct svmc_diag *d)
{
	struct cpu_raw_data_array_t arr;
	libcpuid_warn_fn_t old;
	struct lc_handoff h;
	struct lc_scan *sc;
	enum svmc_err e;
	int rc;

	svmc_cpu_init(out);
	out->source = SVMC_SRC_LIBCPUID;
	svmc_strlcpy(out->view, "silicon", sizeof(out->view));
	svmc_diag_init(d, path);
	sc = calloc(1, sizeof(*sc));
	if (!sc)
		return svmc_diag_set(d, SVMC_ERR_NOMEM, "out of memory");
	if (!libcpuid_safe(text, len, sc)) {
		d->line = sc->line;
		e = svmc_diag_set(d, SVMC_ERR_FORMAT, "not a valid libcpuid raw dump: %s", sc->why);
		free(sc);
		return e;
	}
	e = lc_handoff_open(&h, text, len, d);
	if (e) {
		free(sc);
		return e;
	}
	memset(&arr, 0, sizeof(arr));
	warn_count = 0;
	warn_first[0] = '\0';
	old = cpuid_set_warn_function(record_warning);
	rc = cpuid_deserialize_all_raw_data(&arr, h.path);
	cpuid_set_warn_function(old);
	lc_handoff_close(&h);
	if (rc != 0) {
		e = svmc_diag_set(d, rc == ERR_OPEN ? SVMC_ERR_IO : SVMC_ERR_FORMAT,
				  "libcpuid cannot read this raw dump: %s", cpuid_error());
		goto out;
	}
	if (warn_count) {
		/*
		 * 0.6.2 returns 0 on garbage and only warns: that is a malformed
		 * dump.  Its warning names the private copy ("Warning: file
		 * '/proc/self/fd/4', line 9: '...' not understood!"): keep the
		 * line number and the quoted line, not that name.
		 */
		const char *at = strstr(warn_first, "', line ");
		unsigned long ln = 0;
		char *end = NULL;

		if (at) {
			ln = strtoul(at + 8, &end, 10);
			if (end && end[0] == ':' && end[1] == ' ' && ln > 0) {
				d->line = ln;
				at = end + 2;
			} else {
				at = NULL;
			}
		}
		e = svmc_diag_set(
			d, SVMC_ERR_FORMAT,
			"not a valid libcpuid raw dump (%u line%s not understood; first: %s)",
			warn_count, warn_count == 1 ? "" : "s", at ? at : warn_first);
		goto out;
	}
	if (arr.num_raw == 0 || !arr.raw) {
		e = svmc_diag_set(d, SVMC_ERR_EMPTY, "no CPU in this libcpuid raw dump");
		goto out;
	}
	if (row_zero(arr.raw[0].basic_cpuid[0])) {
		e = svmc_diag_set(d, SVMC_ERR_FORMAT,
				  "basic_cpuid[0] is missing or zero: no vendor, no maximum leaf");
		goto out;
	}
	e = from_raw(&arr.raw[0], sc, out, d);
	if (!e)
		e = svmc_cpu_check_complete(out, d);
	if (!e)
		svmc_cpu_decode(out);
out:
	cpuid_free_raw_data_array(&arr);
	free(sc);
	return e;
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
	svmc_strlcpy(out->view, "silicon", sizeof(out->view));
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
	e = from_raw(&raw, NULL, out, d);
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
