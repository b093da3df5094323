/*
 * detect.c - decide an input's format from its first bytes (-f auto).
 *
 * Every format's file owns its probe (what its input looks like) and says in
 * its row the strongest answer the probe can give; this file only asks the
 * probes of the registry and takes the strongest answer on the scale of enum
 * svmc_probe_score (reader.h), the first row in SVMC_FORMATS winning a tie.
 * Rows are asked strongest-possible first (in registry order within a
 * level), so once an answer is found the rows that cannot beat it are not
 * asked: a raw page costs two probes, JSON text three.  A new format is
 * detected by giving its row a probe: nothing here changes.
 *
 * Binary probes judge the input's bytes; text probes judge the text a text
 * reader would read from them (svmc_probe_text_view: UTF-16 decoded, NUL
 * runs dropped, byte-order mark removed), and only when that is text at
 * all.  So a kernel log with a run of NULs (what a power loss leaves in a
 * log file) or saved as UTF-16 is detected as the text it is, and binary
 * data that is not a VMCB page (raw.c's probe) gets no format at all.
 *
 * The helpers below are what several text probes share: the start of the
 * text, its first non-prompt lines, a substring search.
 */
#include <stdlib.h>
#include <string.h>

#include "vmcb/reader.h"

enum svmc_format svmc_detect_format(const unsigned char *b, size_t n)
{
	enum svmc_format found = SVMC_FMT_AUTO;
	enum svmc_probe_score top = SVMC_PROBE_NONE;
	unsigned char *view;
	bool text;
	size_t vn = svmc_probe_text_view(b, n, &view, &text);

	/* a row whose best is below top cannot win; at top, only an earlier row can */
	for (int level = SVMC_PROBE_HEADER; level > SVMC_PROBE_NONE && level >= (int)top; level--) {
		for (unsigned f = SVMC_FMT_AUTO + 1; f < SVMC_FMT_COUNT; f++) {
			const struct svmc_format_row *row = svmc_format_row((enum svmc_format)f);
			bool binary = row->best >= SVMC_PROBE_BINARY;
			enum svmc_probe_score s;

			if (!row->probe || (int)row->best != level || (!binary && !text))
				continue;
			/* binary probes judge the bytes, text probes the text */
			s = binary ? row->probe(b, n) : row->probe(view, vn);
			if (s > top || (s == top && s != SVMC_PROBE_NONE && f < (unsigned)found)) {
				top = s;
				found = (enum svmc_format)f;
			}
		}
	}
	if (view != b)
		free(view);
	return found;
}

size_t svmc_probe_text_view(const unsigned char *b, size_t n, unsigned char **view, bool *is_text)
{
	size_t bom, used, vn = n, bad = 0;
	enum svmc_text_enc e = svmc_text_encoding(b, n, &bom);

	*view = (unsigned char *)b;
	if (e != SVMC_ENC_BYTES || memchr(b, 0, n)) {
		/* UTF-16 at most doubles (3 bytes for 2); bytes only shrink */
		size_t cap = (n - bom) / 2 * 3 + 4;
		unsigned char *v = malloc(cap);

		if (v) {
			vn = svmc_text_decode(e, b + bom, n - bom, &used, v, cap, true);
			*view = v;
		}
	}
	for (size_t i = 0; i < vn; i++) {
		unsigned c = (*view)[i];

		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\v' && c != '\f' && c != '\r' &&
		     c != 0x1b) ||
		    c == 0x7f)
			bad++;
	}
	*is_text = vn > 0 && bad * 16 <= vn; /* nothing but NULs is not text either */
	return vn;
}

bool svmc_probe_has(const unsigned char *b, size_t n, const char *needle)
{
	return memmem(b, n, needle, strlen(needle)) != NULL;
}

size_t svmc_probe_text_start(const unsigned char *b, size_t n)
{
	size_t i = 0;

	if (n >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf)
		i = 3;
	while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n'))
		i++;
	return i;
}

bool svmc_probe_next_line(const char **p, const char *end, const char **line, size_t *len)
{
	while (*p < end) {
		const char *s = *p, *nl = memchr(s, '\n', (size_t)(end - s));
		size_t l = nl ? (size_t)(nl - s) : (size_t)(end - s);
		bool prompt;

		*p = nl ? nl + 1 : end;
		if (l && s[l - 1] == '\r')
			l--;
		prompt = (l >= 5 && memcmp(s, "(gdb)", 5) == 0) ||
			 (l >= 2 && (s[0] == '$' || s[0] == '#') && s[1] == ' ');
		if (l && !prompt) {
			*line = s;
			*len = l;
			return true;
		}
	}
	return false;
}
