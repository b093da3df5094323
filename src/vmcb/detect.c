/*
 * detect.c - decide an input's format from its first bytes (-f auto).
 *
 * Order matters: a KVM nested-state header is binary but recognisable; any
 * other input with NUL bytes or mostly non-text bytes is raw pages; text is
 * JSON if it opens with '{' or '[', a Xen dump if it carries Xen's labels,
 * a KVM dump if it carries dump_vmcb's, a hex dump if its first lines have
 * the shape of xxd / hexdump -C / od / gdb output, and a kernel log (a KVM
 * dump may come later) if its lines look like kernel log lines.
 */
#include <string.h>

#include "vmcb/reader.h"

static bool has(const unsigned char *b, size_t n, const char *needle)
{
	return memmem(b, n, needle, strlen(needle)) != NULL;
}

static bool ishex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Does the line [p, p+n) look like one line of a hex dump? */
static bool hex_line(const char *p, size_t n)
{
	size_t i = 0;

	if (n >= 2 && p[0] == '0' && p[1] == 'x') { /* gdb: 0xADDR <sym+off>:\t0x... */
		const char *colon = memchr(p, ':', n);
		return colon && memmem(colon, n - (size_t)(colon - p), "0x", 2);
	}
	while (i < n && ishex((unsigned char)p[i]))
		i++;
	if (i < 6 || i > 16 || i == n)
		return false;
	if (p[i] == ':' || p[i] == ' ') { /* xxd "00000000: ", hexdump/od "0000000 " */
		size_t j = i + 1;
		while (j < n && p[j] == ' ')
			j++;
		return j < n && ishex((unsigned char)p[j]);
	}
	return false;
}

/*
 * After a leading '[': is this a JSON array ("[{", "[]", "[[", "[1, 2]",
 * "[\"x\"", "[true") rather than a kernel log timestamp ("[  123.456789] ",
 * "[Mon Jul 19 12:10:05 2021] ")?
 */
static bool json_array_start(const unsigned char *p, size_t n)
{
	size_t j = 0, d = 0;

	while (j < n && (p[j] == ' ' || p[j] == '\t' || p[j] == '\r' || p[j] == '\n'))
		j++;
	if (j == n)
		return true;
	if (p[j] == '{' || p[j] == '[' || p[j] == ']' || p[j] == '"')
		return true;
	if (n - j >= 4 && (memcmp(p + j, "true", 4) == 0 || memcmp(p + j, "null", 4) == 0))
		return true;
	if (n - j >= 5 && memcmp(p + j, "false", 5) == 0)
		return true;
	if (p[j] == '-' || (p[j] >= '0' && p[j] <= '9')) {
		/* a kernel timestamp is digits '.' six digits ']' */
		size_t k = j + (p[j] == '-');
		while (k < n && p[k] >= '0' && p[k] <= '9')
			k++;
		if (k < n && p[k] == '.') {
			k++;
			while (k < n && p[k] >= '0' && p[k] <= '9')
				k++, d++;
			if (d == 6 && k < n && p[k] == ']' && p[j] != '-')
				return false;
		}
		return true;
	}
	return false;
}

enum svmc_format svmc_detect_format(const unsigned char *b, size_t n)
{
	size_t look = n < 4096 ? n : 4096, bad = 0, i;

	if (n == 0)
		return SVMC_FMT_AUTO;
	if (n >= 128) {
		uint16_t flags, format;
		uint32_t size;
		memcpy(&flags, b, 2);
		memcpy(&format, b + 2, 2);
		memcpy(&size, b + 4, 4);
		if (format == 1 && (size == 128 || size == 128 + 4096) && flags < 0x1000)
			return SVMC_FMT_NESTED_STATE;
	}
	for (i = 0; i < look; i++) {
		unsigned c = b[i];
		if (c == 0)
			return SVMC_FMT_RAW;
		if (c < 0x20 && c != '\n' && c != '\r' && c != '\t')
			bad++;
	}
	if (bad * 16 > look)
		return SVMC_FMT_RAW;

	i = 0;
	if (n >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf)
		i = 3;
	while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n'))
		i++;
	if (i < n && b[i] == '{')
		return SVMC_FMT_JSON;
	if (i < n && b[i] == '[' && json_array_start(b + i + 1, n - i - 1))
		return SVMC_FMT_JSON;
	if (has(b, n, "(XEN)") &&
	    (has(b, n, "cr_intercepts") || has(b, n, "Dumping guest's current state") ||
	     has(b, n, "VMCB Areas") || has(b, n, "general1_intercepts")))
		return SVMC_FMT_XEN_DUMP;
	if (has(b, n, "VMCB Control Area") || has(b, n, "cr_read:") ||
	    has(b, n, "FAILED VMRUN WITH VMCB") || has(b, n, "VMCB State Save Area"))
		return SVMC_FMT_KVM_DUMP;

	/*
	 * The first lines decide between a hex dump and a kernel log: skip
	 * shell and gdb prompt lines ("$ xxd page.bin", "(gdb) x/512gx ..."),
	 * then any of the first four remaining lines with a hex-dump shape
	 * makes it a hex dump.
	 */
	{
		const char *p = (const char *)b + i, *end = (const char *)b + n;
		const char *first = NULL;
		size_t first_len = 0;
		int seen = 0;
		while (p < end && seen < 4) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
			const char *next = nl ? nl + 1 : end;
			if (len && p[len - 1] == '\r')
				len--;
			bool prompt = (len >= 5 && memcmp(p, "(gdb)", 5) == 0) ||
				      (len >= 2 && (p[0] == '$' || p[0] == '#') && p[1] == ' ');
			if (len && !prompt) {
				if (!first) {
					first = p;
					first_len = len;
				}
				if (hex_line(p, len))
					return SVMC_FMT_HEX;
				seen++;
			}
			p = next;
		}
		if (has(b, n, "kernel:") || has(b, n, "kvm_amd") || has(b, n, "kvm:") ||
		    (first && first_len > 2 && first[0] == '[') ||
		    (first && first_len > 3 && first[0] == '<'))
			return SVMC_FMT_KVM_DUMP;
	}
	return SVMC_FMT_AUTO;
}
