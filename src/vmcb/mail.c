/*
 * mail.c - what a mail client does to log text pasted into a mail or a bug
 * report, undone for the text readers that meet it (kvm_dump.c, trace.c):
 * quoted-printable escapes ("=3D" for '=', "=20" for a trailing blank) and
 * quoting ("> ", "> > ", ">>" at any depth), and the logical lines a reader
 * reads through them, with one line to give back.
 */
#include <string.h>

#include "hexdigit.h"
#include "vmcb/reader.h"

/*
 * One memchr pass over the '=': a trace's vmenter lines each hold one
 * ("nested_npt=y"), and three memmem() passes cost more than the rest of
 * the line's parsing.
 */
const char *svmc_mail_qp_escape(const char *p, size_t n)
{
	const char *e = p + n, *q = p;

	while ((q = memchr(q, '=', (size_t)(e - q))) != NULL) {
		if (e - q >= 3 && ((q[1] == '2' && q[2] == '0') || (q[1] == '3' && q[2] == 'D') ||
				   (q[1] == '0' && q[2] == '9')))
			return q;
		q++;
	}
	return NULL;
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

bool svmc_mail_getline(struct svmc_src *s, struct svmc_mail_lines *ml, struct svmc_mail_line *ln,
		       bool (*soft)(const void *ctx, const char *p, size_t n), const void *ctx)
{
	const char *p;
	size_t n, jl = 0;
	uint64_t off, lno;
	bool tl, brk;

	if (ml->has_pend) {
		ml->has_pend = false;
		ln->p = ml->pbuf;
		ln->len = ml->pend_len;
		ln->lineno = ml->pend_lineno;
		ln->too_long = ml->pend_too_long;
		return true;
	}
	if (!svmc_src_getline(s, &p, &n, &ln->lineno, &off, &tl))
		return false;
	ln->p = p;
	ln->len = n;
	ln->too_long = tl;
	if (tl || !memchr(p, '=', n))
		return true;
	if (!ml->qp && svmc_mail_qp_escape(p, n))
		ml->qp = true;
	brk = p[n - 1] == '=' && (ml->qp || (soft && soft(ctx, p, n - 1)));
	if (!ml->qp && !brk)
		return true;
	if (!svmc_mail_qp_append(ml->jbuf, SVMC_MAIL_JOIN_MAX, &jl, p, brk ? n - 1 : n, ml->qp)) {
		ln->too_long = true;
		return true;
	}
	while (brk) {
		if (!svmc_src_getline(s, &p, &n, &lno, &off, &tl))
			break;
		if (tl) {
			ln->too_long = true;
			return true;
		}
		if (!ml->qp && svmc_mail_qp_escape(p, n))
			ml->qp = true;
		brk = n && p[n - 1] == '=';
		if (!svmc_mail_qp_append(ml->jbuf, SVMC_MAIL_JOIN_MAX, &jl, p, brk ? n - 1 : n,
					 ml->qp)) {
			ln->too_long = true;
			return true;
		}
	}
	ln->p = ml->jbuf;
	ln->len = jl;
	return true;
}

void svmc_mail_unget(struct svmc_mail_lines *ml, const struct svmc_mail_line *ln)
{
	size_t n = ln->len < sizeof(ml->pbuf) ? ln->len : sizeof(ml->pbuf);

	memmove(ml->pbuf, ln->p, n);
	ml->pend_len = n;
	ml->pend_lineno = ln->lineno;
	ml->pend_too_long = ln->too_long;
	ml->has_pend = true;
}
