/*
 * replay_fmt.c - the record writer of `svmcheck replay` (see replay_fmt.h).
 *
 * The hot path is a VMRUN record in NDJSON: a cached prefix (type and
 * input), two decimal numbers, a cached format part, a cached model/CPU
 * tail and the verdict, all memcpy'd into a buffer that already has room.
 * Failing records call into the engine for sentences, which is fine: they
 * are the ones a person reads.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out/replay_fmt.h"

static const char hexd[] = "0123456789abcdef";

/* ---- buffer --------------------------------------------------------------- */

void rbuf_free(struct rbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
	b->oom = false;
}

/* Room for n more bytes at b->p + b->len; NULL (and oom) if it cannot grow. */
static char *rb_room(struct rbuf *b, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *np;

		while (cap < b->len + n)
			cap *= 2;
		np = realloc(b->p, cap);
		if (!np) {
			b->oom = true;
			return NULL;
		}
		b->p = np;
		b->cap = cap;
	}
	return b->p + b->len;
}

static void rb_put(struct rbuf *b, const char *s, size_t n)
{
	char *p = rb_room(b, n);

	if (p) {
		memcpy(p, s, n);
		b->len += n;
	}
}

#define RB_LIT(b, lit) rb_put((b), (lit), sizeof(lit) - 1)

static void rb_puts(struct rbuf *b, const char *s)
{
	rb_put(b, s, strlen(s));
}

static void rb_u64(struct rbuf *b, uint64_t v)
{
	char tmp[20];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	rb_put(b, tmp + i, sizeof(tmp) - i);
}

/* "0x" and exactly `digits` lower-case hex digits (1..16). */
static void rb_hex(struct rbuf *b, uint64_t v, unsigned digits)
{
	char tmp[18];

	if (digits < 1)
		digits = 1;
	if (digits > 16)
		digits = 16;
	tmp[0] = '0';
	tmp[1] = 'x';
	for (unsigned i = 0; i < digits; i++)
		tmp[2 + i] = hexd[(v >> (4 * (digits - 1 - i))) & 15];
	rb_put(b, tmp, digits + 2);
}

/* Same escaping as out.c's JSON writer, so that both agree byte for byte. */
void rbuf_json_str(struct rbuf *b, const char *s)
{
	size_t n = strlen(s);
	char *p = rb_room(b, n * 6 + 2), *start = p;

	if (!p)
		return;
	*p++ = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			*p++ = '\\';
			*p++ = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			*p++ = '\\';
			switch (c) {
			case '\n': *p++ = 'n'; break;
			case '\t': *p++ = 't'; break;
			case '\r': *p++ = 'r'; break;
			default:
				*p++ = 'u'; *p++ = '0'; *p++ = '0';
				*p++ = hexd[c >> 4]; *p++ = hexd[c & 15];
			}
		} else if (c >= 0x80) {
			/* valid UTF-8 passes, anything else becomes U+FFFD */
			size_t need = c >= 0xf0 && c < 0xf5 ? 3 : c >= 0xe0 ? 2 :
				      c >= 0xc2 && c < 0xe0 ? 1 : 0;
			bool ok = need && i + need < n;

			for (size_t k = 1; ok && k <= need; k++)
				ok = ((unsigned char)s[i + k] & 0xc0) == 0x80;
			if (ok) {
				memcpy(p, s + i, need + 1);
				p += need + 1;
				i += need;
			} else {
				memcpy(p, "\\ufffd", 6);
				p += 6;
			}
		} else {
			*p++ = (char)c;
		}
	}
	*p++ = '"';
	b->len += (size_t)(p - start);
}

/* ---- set-up ---------------------------------------------------------------- */

int replay_fmt_init(struct replay_fmt *f, const struct svmc_compiled *c, enum replay_style style,
		    const char *cpu, const char *guest, const char *col_pass, const char *col_fail,
		    const char *col_warn, const char *col_reset)
{
	struct rbuf t = { 0 };

	memset(f, 0, sizeof(*f));
	f->c = c;
	f->style = style;
	f->cpu = cpu;
	f->guest = guest;
	f->col_pass = col_pass ? col_pass : "";
	f->col_fail = col_fail ? col_fail : "";
	f->col_warn = col_warn ? col_warn : "";
	f->col_reset = col_reset ? col_reset : "";
	f->last_format = SVMC_FMT_COUNT;

	RB_LIT(&t, ",\"model\":");
	rbuf_json_str(&t, c->model->name);
	RB_LIT(&t, ",\"cpu\":");
	rbuf_json_str(&t, cpu);
	if (guest) {
		RB_LIT(&t, ",\"guest\":");
		rbuf_json_str(&t, guest);
	}
	RB_LIT(&t, ",\"verdict\":\"");
	if (t.oom || t.len >= sizeof(f->tail)) {
		rbuf_free(&t);
		return -1;
	}
	memcpy(f->tail, t.p, t.len);
	f->tail_len = t.len;
	rbuf_free(&t);
	return 0;
}

void replay_fmt_fini(struct replay_fmt *f)
{
	rbuf_free(&f->prefix);
}

/* ---- records ------------------------------------------------------------- */

static void json_prefix(struct replay_fmt *f, const char *input)
{
	f->prefix.len = 0;
	RB_LIT(&f->prefix, "{\"type\":\"vmcb\",\"input\":");
	rbuf_json_str(&f->prefix, input);
	RB_LIT(&f->prefix, ",\"index\":");
	f->last_input = input;
}

static void json_format(struct replay_fmt *f, enum svmc_format fmt)
{
	int n = snprintf(f->fmt_part, sizeof(f->fmt_part), ",\"format\":\"%s\"",
			 svmc_format_name(fmt));

	f->fmt_part_len = n > 0 && (size_t)n < sizeof(f->fmt_part) ? (size_t)n : 0;
	f->last_format = fmt;
}

/* Append the IDs of set (model order) as a JSON array body or a spaced list. */
static void id_list(struct replay_fmt *f, struct rbuf *b, svmc_checkset set, bool json)
{
	const struct svmc_model *m = f->c->model;
	bool first = true;

	for (unsigned i = 0; i < m->norder; i++) {
		unsigned id = m->order[i];

		if (!((set >> id) & 1))
			continue;
		if (!first)
			rb_put(b, json ? "," : " ", 1);
		first = false;
		if (json) {
			rb_put(b, "\"", 1);
			rb_puts(b, svmc_check_info((enum svmc_check_id)id)->name);
			rb_put(b, "\"", 1);
		} else {
			rb_puts(b, svmc_check_info((enum svmc_check_id)id)->name);
		}
	}
}

/* The engine's sentence for a failing check, into a bounded local buffer. */
static void check_message(struct replay_fmt *f, const struct svmc_record *r, unsigned id,
			  char *msg, size_t n)
{
	msg[0] = '\0';
	svmc_check_message(f->c, &r->vmcb, (enum svmc_check_id)id, msg, n);
}

static void json_record(struct replay_fmt *f, struct rbuf *b, const struct svmc_record *r,
			const struct svmc_result *res)
{
	const char *input = r->input ? r->input : "-";
	const struct svmc_model *m = f->c->model;
	char msg[1024];

	if (input != f->last_input)
		json_prefix(f, input);
	if (r->format != f->last_format)
		json_format(f, r->format);
	rb_put(b, f->prefix.p, f->prefix.len);
	rb_u64(b, r->index);
	if (r->line != SVMC_NO_LINE) {
		RB_LIT(b, ",\"line\":");
		rb_u64(b, r->line);
	} else if (r->offset != SVMC_NO_OFFSET) {
		RB_LIT(b, ",\"offset\":");
		rb_u64(b, r->offset);
	}
	rb_put(b, f->fmt_part, f->fmt_part_len);
	rb_put(b, f->tail, f->tail_len);
	switch (res->verdict) {
	case SVMC_VMRUN:
		RB_LIT(b, "VMRUN\",\"failures\":[]}\n");
		return;
	case SVMC_INCOMPLETE:
		RB_LIT(b, "INCOMPLETE\",\"failures\":[],\"unevaluated\":[");
		id_list(f, b, res->unevaluated, true);
		RB_LIT(b, "]}\n");
		return;
	case SVMC_VMEXIT_INVALID:
		break;
	}
	RB_LIT(b, "VMEXIT_INVALID\",\"failures\":[");
	for (unsigned i = 0, n = 0; i < m->norder; i++) {
		unsigned id = m->order[i];
		const struct svmc_check_info *ci;

		if (!((res->failed >> id) & 1))
			continue;
		ci = svmc_check_info((enum svmc_check_id)id);
		if (n++)
			RB_LIT(b, ",");
		RB_LIT(b, "{\"check\":\"");
		rb_puts(b, ci->name);
		RB_LIT(b, "\",\"apm\":\"");
		rb_puts(b, ci->apm);
		RB_LIT(b, "\",\"field\":\"");
		rb_puts(b, ci->field_path);
		RB_LIT(b, "\",\"value\":\"");
		rb_hex(b, svmc_check_value(&r->vmcb, (enum svmc_check_id)id), ci->field_digits);
		RB_LIT(b, "\",\"message\":");
		check_message(f, r, id, msg, sizeof(msg));
		rbuf_json_str(b, msg);
		RB_LIT(b, "}");
	}
	RB_LIT(b, "],\"first\":\"");
	rb_puts(b, res->first >= 0 ? svmc_check_info((enum svmc_check_id)res->first)->name : "");
	RB_LIT(b, "\"}\n");
}

/* "input#index (offset N)" / "(line N)". */
static void text_where(struct rbuf *b, const char *input, uint64_t index, uint64_t line,
		       uint64_t offset)
{
	rb_puts(b, input);
	if (index != SVMC_NO_INDEX) {
		RB_LIT(b, "#");
		rb_u64(b, index);
	}
	if (line != SVMC_NO_LINE) {
		RB_LIT(b, " (line ");
		rb_u64(b, line);
		RB_LIT(b, ")");
	} else if (offset != SVMC_NO_OFFSET) {
		RB_LIT(b, " (offset ");
		rb_u64(b, offset);
		RB_LIT(b, ")");
	}
}

static void text_record(struct replay_fmt *f, struct rbuf *b, const struct svmc_record *r,
			const struct svmc_result *res)
{
	const struct svmc_model *m = f->c->model;
	char msg[1024];

	text_where(b, r->input ? r->input : "-", r->index, r->line, r->offset);
	RB_LIT(b, "  ");
	switch (res->verdict) {
	case SVMC_VMRUN:
		rb_puts(b, f->col_pass);
		RB_LIT(b, "VMRUN");
		rb_puts(b, f->col_reset);
		RB_LIT(b, "\n");
		return;
	case SVMC_INCOMPLETE:
		rb_puts(b, f->col_warn);
		RB_LIT(b, "INCOMPLETE");
		rb_puts(b, f->col_reset);
		RB_LIT(b, "  not evaluated (fields missing from the input): ");
		id_list(f, b, res->unevaluated, false);
		RB_LIT(b, "\n");
		return;
	case SVMC_VMEXIT_INVALID:
		break;
	}
	rb_puts(b, f->col_fail);
	RB_LIT(b, "VMEXIT_INVALID");
	rb_puts(b, f->col_reset);
	RB_LIT(b, "  ");
	id_list(f, b, res->failed, false);
	RB_LIT(b, "\n");
	for (unsigned i = 0; i < m->norder; i++) {
		unsigned id = m->order[i];
		const struct svmc_check_info *ci;

		if (!((res->failed >> id) & 1))
			continue;
		ci = svmc_check_info((enum svmc_check_id)id);
		RB_LIT(b, "  ");
		rb_puts(b, ci->name);
		if (strcmp(ci->apm, "-") == 0) {
			RB_LIT(b, " (not in the APM) ");
		} else {
			RB_LIT(b, " (APM ");
			rb_puts(b, ci->apm);
			RB_LIT(b, ") ");
		}
		rb_puts(b, ci->field_path);
		RB_LIT(b, " = ");
		rb_hex(b, svmc_check_value(&r->vmcb, (enum svmc_check_id)id), ci->field_digits);
		RB_LIT(b, ": ");
		check_message(f, r, id, msg, sizeof(msg));
		rb_puts(b, msg);
		RB_LIT(b, "\n");
	}
	if (res->unevaluated) {
		RB_LIT(b, "  not evaluated: ");
		id_list(f, b, res->unevaluated, false);
		RB_LIT(b, "\n");
	}
}

void replay_fmt_record(struct replay_fmt *f, struct rbuf *b, const struct svmc_record *r,
		       const struct svmc_result *res, struct replay_counts *k)
{
	k->records++;
	if (res->verdict == SVMC_VMRUN)
		k->vmrun++;
	else if (res->verdict == SVMC_VMEXIT_INVALID)
		k->vmexit_invalid++;
	else
		k->incomplete++;
	if (f->style == REPLAY_JSON)
		json_record(f, b, r, res);
	else
		text_record(f, b, r, res);
}

void replay_fmt_error(struct replay_fmt *f, struct rbuf *b, const struct svmc_diag *d,
		      struct replay_counts *k)
{
	k->errors++;
	if (f->style != REPLAY_JSON)
		return;
	RB_LIT(b, "{\"type\":\"error\",\"input\":");
	rbuf_json_str(b, d->input ? d->input : "-");
	if (d->index != SVMC_NO_INDEX) {
		RB_LIT(b, ",\"index\":");
		rb_u64(b, d->index);
	}
	if (d->line != SVMC_NO_LINE) {
		RB_LIT(b, ",\"line\":");
		rb_u64(b, d->line);
	} else if (d->offset != SVMC_NO_OFFSET) {
		RB_LIT(b, ",\"offset\":");
		rb_u64(b, d->offset);
	}
	RB_LIT(b, ",\"code\":");
	rbuf_json_str(b, svmc_strerror(d->code));
	RB_LIT(b, ",\"message\":");
	rbuf_json_str(b, d->msg);
	RB_LIT(b, "}\n");
}

static void count(struct rbuf *b, uint64_t n, const char *one, const char *many)
{
	rb_u64(b, n);
	RB_LIT(b, " ");
	rb_puts(b, n == 1 ? one : many);
}

void replay_fmt_summary(struct replay_fmt *f, struct rbuf *b, const struct replay_counts *k)
{
	if (f->style == REPLAY_JSON) {
		RB_LIT(b, "{\"type\":\"summary\",\"records\":");
		rb_u64(b, k->records);
		RB_LIT(b, ",\"vmrun\":");
		rb_u64(b, k->vmrun);
		RB_LIT(b, ",\"vmexit_invalid\":");
		rb_u64(b, k->vmexit_invalid);
		RB_LIT(b, ",\"incomplete\":");
		rb_u64(b, k->incomplete);
		RB_LIT(b, ",\"errors\":");
		rb_u64(b, k->errors);
		RB_LIT(b, "}\n");
		return;
	}
	count(b, k->records, "record", "records");
	RB_LIT(b, ": ");
	rb_u64(b, k->vmrun);
	RB_LIT(b, " VMRUN, ");
	rb_u64(b, k->vmexit_invalid);
	RB_LIT(b, " VMEXIT_INVALID, ");
	rb_u64(b, k->incomplete);
	RB_LIT(b, " INCOMPLETE, ");
	count(b, k->errors, "error", "errors");
	RB_LIT(b, " (model ");
	rb_puts(b, f->c->model->name);
	RB_LIT(b, ", cpu ");
	rb_puts(b, f->cpu);
	if (f->guest) {
		RB_LIT(b, ", guest ");
		rb_puts(b, f->guest);
	}
	RB_LIT(b, ")\n");
}
