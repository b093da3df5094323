/*
 * mail.c - what a mail client does to log text pasted into a mail or a bug
 * report, undone for the text readers that meet it (kvm_dump.c, trace.c):
 * quoted-printable escapes ("=3D" for '=', "=20" for a trailing blank) and
 * quoting ("> ", "> > ", ">>" at any depth).
 */
#include <string.h>

#include "hexdigit.h"
#include "vmcb/reader.h"

bool svmc_mail_qp_escape(const char *p, size_t n)
{
	return memmem(p, n, "=20", 3) || memmem(p, n, "=3D", 3) || memmem(p, n, "=09", 3);
}

bool svmc_mail_qp_append(char *buf, size_t cap, size_t *len, const char *p, size_t n, bool qp)
{
	for (size_t i = 0; i < n; i++) {
		char c = p[i];

		if (qp && c == '=' && i + 2 < n && svmc_is_hex((unsigned char)p[i + 1]) &&
		    svmc_is_hex((unsigned char)p[i + 2])) {
			c = (char)(svmc_hex_value((unsigned char)p[i + 1]) << 4 |
				   svmc_hex_value((unsigned char)p[i + 2]));
			i += 2;
		}
		if (*len >= cap)
			return false;
		buf[(*len)++] = c;
	}
	return true;
}

const char *svmc_mail_unquote(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '>'))
		p++;
	return p;
}
