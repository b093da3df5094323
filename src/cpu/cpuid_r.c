/*
 * cpuid_r.c - reader for the raw output of Todd Allen's `cpuid -r`
 * (cpuid(1), option -r): `CPU N:` headers, then one line per leaf and sub-leaf,
 * `   0x00000007 0x00: eax=0x... ebx=0x... ecx=0x... edx=0x...`.
 *
 * A superset of what `cpuid -f` accepts: any leading whitespace and hex
 * width, the legacy one-number form `0xLEAF: eax=...` (sub-leaf 0), CRLF,
 * blank lines and `#` comments.  Only the first CPU is read.  Anything else
 * is an error naming the line; a dump cut short (a leaf the feature table
 * needs missing below the maximum leaf) is an error too, since a missing
 * line is not a zero value.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hexdigit.h"
#include "cpu/cpu_int.h"

/* Parse "0x" + 1..8 hex digits at *p; advances *p. */
static bool parse_hex32(const char **p, uint32_t *v)
{
	const char *s = *p;
	uint64_t x = 0;
	int n = 0;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return false;
	s += 2;
	while (svmc_is_hex((unsigned char)*s)) {
		if (++n > 8)
			return false;
		x = x * 16 + svmc_hex_value((unsigned char)*s);
		s++;
	}
	if (!n)
		return false;
	*v = (uint32_t)x;
	*p = s;
	return true;
}

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* "CPU:" or "CPU N:" (whole line). */
static bool is_cpu_header(const char *s)
{
	if (strncmp(s, "CPU", 3) != 0)
		return false;
	s += 3;
	s = skip_ws(s);
	while (isdigit((unsigned char)*s))
		s++;
	if (*s != ':')
		return false;
	return *skip_ws(s + 1) == '\0';
}

/* One leaf line; false with *why set when malformed. */
static bool parse_leaf_line(const char *s, uint32_t *leaf, uint32_t *sub, uint32_t reg[4],
			    const char **why)
{
	static const char *const names[4] = { "eax=", "ebx=", "ecx=", "edx=" };

	if (!parse_hex32(&s, leaf)) {
		*why = "the leaf number is not 0x followed by up to 8 hex digits";
		return false;
	}
	*sub = 0;
	if (*s == ' ' || *s == '\t') {
		s = skip_ws(s);
		if (!parse_hex32(&s, sub)) {
			*why = "the sub-leaf is not 0x followed by up to 8 hex digits";
			return false;
		}
	}
	if (*s != ':') {
		*why = "expected ':' after the leaf and sub-leaf";
		return false;
	}
	s++;
	for (int i = 0; i < 4; i++) {
		s = skip_ws(s);
		if (strncmp(s, names[i], 4) != 0) {
			*why = i == 0 ? "expected eax=0x..." :
			       i == 1 ? "expected ebx=0x..." :
			       i == 2 ? "expected ecx=0x..." :
					"expected edx=0x...";
			return false;
		}
		s += 4;
		if (!parse_hex32(&s, &reg[i])) {
			*why = "a register value is not 0x followed by up to 8 hex digits";
			return false;
		}
	}
	if (*skip_ws(s) != '\0') {
		*why = "unexpected text after edx=";
		return false;
	}
	return true;
}

enum svmc_err svmc_cpu_load_cpuid_r(FILE *f, const char *path, struct svmc_cpu *out,
				    struct svmc_diag *d)
{
	char line[CPU_LINE_MAX + 2];
	uint64_t lineno = 0;
	unsigned cpus = 0;
	enum svmc_err e;

	svmc_cpu_init(out);
	out->source = SVMC_SRC_CPUID_R;
	svmc_strlcpy(out->view, "silicon", sizeof(out->view));
	svmc_diag_init(d, path);
	while (fgets(line, sizeof(line), f)) {
		size_t len = strlen(line);
		uint32_t leaf, sub, reg[4];
		const char *why = NULL, *s;

		lineno++;
		if (len > CPU_LINE_MAX || (len == sizeof(line) - 1 && line[len - 1] != '\n')) {
			d->line = lineno;
			return svmc_diag_set(d, SVMC_ERR_LIMIT, "line longer than %d bytes",
					     CPU_LINE_MAX);
		}
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		s = skip_ws(line);
		if (*s == '\0' || *s == '#')
			continue;
		if (is_cpu_header(s)) {
			if (++cpus > 1)
				break; /* first CPU only */
			continue;
		}
		if (!parse_leaf_line(s, &leaf, &sub, reg, &why)) {
			d->line = lineno;
			return svmc_diag_set(
				d, SVMC_ERR_FORMAT,
				"not a cpuid -r line (%s): expected 'CPU N:' or "
				"'0xLEAF 0xSUB: eax=0x... ebx=0x... ecx=0x... edx=0x...'",
				why);
		}
		e = svmc_cpu_add_leaf(out, leaf, sub, reg, d);
		if (e) {
			d->line = lineno;
			return e;
		}
	}
	if (ferror(f))
		return svmc_diag_set(d, SVMC_ERR_IO, "read error: %s", strerror(errno));
	if (out->nleaves == 0)
		return svmc_diag_set(d, SVMC_ERR_EMPTY, "no CPUID leaf in this cpuid -r dump");
	e = svmc_cpu_check_complete(out, d);
	if (e)
		return e;
	svmc_cpu_decode(out);
	return SVMC_OK;
}
