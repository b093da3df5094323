/*
 * replay_fmt.c - the record writer of `svmcheck replay` (see replay_fmt.h).
 *
 * The hot path is a VMRUN record in NDJSON: a cached prefix (type and
 * input), two decimal numbers, a cached format part, a cached model/CPU
 * tail and the verdict, all memcpy'd into a buffer that already has room.
 * Failing records call into the engine for sentences, which is fine: they
 * are the ones a person reads.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit/emit.h"
#include "emit/replay_fmt.h"

static const char hexd[] = "0123456789abcdef";

/* ---- buffer --------------------------------------------------------------- */

void svmc_rbuf_free(struct rbuf *b)
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

/*
 * n bytes of s at q; returns the end.  The buffers here are counted, never
 * NUL-terminated strings, so a literal goes in without its NUL.
 */
static inline char *put_bytes(char *q, const char *s, size_t n)
{
	memcpy(q, s, n);
	return q + n;
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

/* "00".."99": two decimal digits per step. */
static const char dig2[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* v in decimal at q; returns the end.  q needs room for 20 bytes. */
static char *u64_to(char *q, uint64_t v)
{
	static const uint64_t pow10[] = {
		UINT64_C(10),
		UINT64_C(100),
		UINT64_C(1000),
		UINT64_C(10000),
		UINT64_C(100000),
		UINT64_C(1000000),
		UINT64_C(10000000),
		UINT64_C(100000000),
		UINT64_C(1000000000),
		UINT64_C(10000000000),
		UINT64_C(100000000000),
		UINT64_C(1000000000000),
		UINT64_C(10000000000000),
		UINT64_C(100000000000000),
		UINT64_C(1000000000000000),
		UINT64_C(10000000000000000),
		UINT64_C(100000000000000000),
		UINT64_C(1000000000000000000),
		UINT64_C(10000000000000000000),
	};
	unsigned n = 1;
	char *end;

	while (n < 20 && v >= pow10[n - 1])
		n++;
	end = q + n;
	q = end;
	while (v >= 100) {
		size_t d = (size_t)(v % 100);

		v /= 100;
		q -= 2;
		memcpy(q, dig2 + 2 * d, 2);
	}
	if (v >= 10) {
		q -= 2;
		memcpy(q, dig2 + 2 * v, 2);
	} else {
		*--q = (char)('0' + v);
	}
	return end;
}

static void rb_u64(struct rbuf *b, uint64_t v)
{
	char *p = rb_room(b, 20);

	if (p)
		b->len += (size_t)(u64_to(p, v) - p);
}

/* "0x" and exactly `digits` lower-case hex digits (1..16). */
static void rb_hex(struct rbuf *b, uint64_t v, unsigned digits)
{
	char tmp[18];
	unsigned i;

	if (digits < 1)
		digits = 1;
	if (digits > 16)
		digits = 16;
	tmp[0] = '0';
	tmp[1] = 'x';
	i = digits;
	for (; i >= 2; i -= 2, v >>= 8) {
		tmp[i] = hexd[(v >> 4) & 15];
		tmp[i + 1] = hexd[v & 15];
	}
	if (i)
		tmp[2] = hexd[v & 15];
	rb_put(b, tmp, digits + 2);
}

void svmc_rbuf_json_str(struct rbuf *b, const char *s)
{
	size_t n = strlen(s);
	char *p = rb_room(b, n * 6 + 2);

	if (!p)
		return;
	b->len += (size_t)(svmc_emit_json_escape(p, s, n) - p);
}

/* ---- set-up ---------------------------------------------------------------- */

int svmc_replay_fmt_init(struct replay_fmt *f, const struct svmc_compiled *c,
			 enum replay_style style, const char *cpu, const char *guest,
			 const char *col_pass, const char *col_fail, const char *col_warn,
			 const char *col_reset)
{
	struct rbuf t = { 0 };

	memset(f, 0, sizeof(*f));
	f->width = SVMC_TEXT_WIDTH;
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
	svmc_rbuf_json_str(&t, c->model->name);
	RB_LIT(&t, ",\"cpu\":");
	svmc_rbuf_json_str(&t, cpu);
	if (guest) {
		RB_LIT(&t, ",\"guest\":");
		svmc_rbuf_json_str(&t, guest);
	}
	RB_LIT(&t, ",\"verdict\":\"");
	if (t.oom || t.len >= sizeof(f->tail)) {
		svmc_rbuf_free(&t);
		return -1;
	}
	memcpy(f->tail, t.p, t.len);
	f->tail_len = t.len;
	for (unsigned id = 0; id < SVMC_CHECK_COUNT; id++) {
		const struct svmc_check_info *ci = svmc_check_info((enum svmc_check_id)id);

		t.len = 0;
		RB_LIT(&t, "{\"check\":");
		svmc_rbuf_json_str(&t, ci->name);
		RB_LIT(&t, ",\"apm\":");
		svmc_rbuf_json_str(&t, ci->apm);
		RB_LIT(&t, ",\"field\":");
		svmc_rbuf_json_str(&t, ci->field_path);
		RB_LIT(&t, ",\"value\":\"");
		f->frag_len[id] = 0; /* too long: written piece by piece */
		if (!t.oom && t.len < sizeof(f->frag[id])) {
			memcpy(f->frag[id], t.p, t.len);
			f->frag_len[id] = (uint8_t)t.len;
		}
	}
	svmc_rbuf_free(&t);
	return 0;
}

void svmc_replay_fmt_fini(struct replay_fmt *f)
{
	svmc_rbuf_free(&f->prefix);
}

/* ---- records ------------------------------------------------------------- */

static void json_prefix(struct replay_fmt *f, const char *input)
{
	f->prefix.len = 0;
	RB_LIT(&f->prefix, "{\"type\":\"vmcb\",\"input\":");
	svmc_rbuf_json_str(&f->prefix, input);
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

#define MSG_MAX 1024 /* a sentence is cut to MSG_MAX - 1 bytes */

/*
 * The engine's sentence for a failing check, written straight into b at
 * b->len + skip (nothing is counted yet).  Returns its length, or SIZE_MAX
 * if b cannot grow.
 */
static size_t check_message_at(struct replay_fmt *f, struct rbuf *b, const struct svmc_record *r,
			       unsigned id, size_t skip)
{
	char *p = rb_room(b, skip + MSG_MAX + 1);
	size_t n;

	if (!p)
		return SIZE_MAX;
	p[skip] = '\0';
	n = svmc_check_message(f->c, &r->vmcb, (enum svmc_check_id)id, p + skip, MSG_MAX);
	return n < MSG_MAX ? n : MSG_MAX - 1;
}

/* The message of check id as a JSON string: in place when it needs no escape. */
static void json_message(struct replay_fmt *f, struct rbuf *b, const struct svmc_record *r,
			 unsigned id)
{
	size_t n = check_message_at(f, b, r, id, 1);
	char *p, msg[MSG_MAX];

	if (n == SIZE_MAX)
		return;
	p = b->p + b->len;
	if (svmc_emit_json_clean_prefix(p + 1, n) == n) {
		p[0] = '"';
		p[n + 1] = '"';
		b->len += n + 2;
		return;
	}
	memcpy(msg, p + 1, n);
	msg[n] = '\0';
	svmc_rbuf_json_str(b, msg);
}

static void json_record(struct replay_fmt *f, struct rbuf *b, const struct svmc_record *r,
			const struct svmc_result *res)
{
	const char *input = r->input ? r->input : "-";
	const struct svmc_model *m = f->c->model;
	char *p, *q;

	if (input != f->last_input)
		json_prefix(f, input);
	if (r->format != f->last_format)
		json_format(f, r->format);
	/* everything up to the verdict in one piece of room */
	p = rb_room(b, f->prefix.len + f->fmt_part_len + f->tail_len + 64);
	if (!p)
		return;
	q = p;
	memcpy(q, f->prefix.p, f->prefix.len);
	q = u64_to(q + f->prefix.len, r->index);
	if (r->line != SVMC_NO_LINE)
		q = u64_to(put_bytes(q, ",\"line\":", 8), r->line);
	else if (r->offset != SVMC_NO_OFFSET)
		q = u64_to(put_bytes(q, ",\"offset\":", 10), r->offset);
	memcpy(q, f->fmt_part, f->fmt_part_len);
	q += f->fmt_part_len;
	memcpy(q, f->tail, f->tail_len);
	q += f->tail_len;
	b->len += (size_t)(q - p);
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
	default:
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
		if (f->frag_len[id]) {
			rb_put(b, f->frag[id], f->frag_len[id]);
		} else {
			RB_LIT(b, "{\"check\":");
			svmc_rbuf_json_str(b, ci->name);
			RB_LIT(b, ",\"apm\":");
			svmc_rbuf_json_str(b, ci->apm);
			RB_LIT(b, ",\"field\":");
			svmc_rbuf_json_str(b, ci->field_path);
			RB_LIT(b, ",\"value\":\"");
		}
		rb_hex(b, svmc_check_value(&r->vmcb, (enum svmc_check_id)id), ci->field_digits);
		RB_LIT(b, "\",\"message\":");
		json_message(f, b, r, id);
		RB_LIT(b, "}");
	}
	RB_LIT(b, "],\"first\":\"");
	rb_puts(b, res->first >= 0 ? svmc_check_info((enum svmc_check_id)res->first)->name : "");
	RB_LIT(b, "\"}\n");
}

/* ---- text ---------------------------------------------------------------- */

static void rb_put_cb(void *ctx, const char *s, size_t n)
{
	rb_put(ctx, s, n);
}

/*
 * The line b->p[start..b->len) (no '\n' yet) wrapped to f->width, continuing
 * hang columns in (0: its indent + 4).  Lines longer than f->wrap stay as
 * they are.  No allocation: the copy lives in f.
 */
static void wrap_line(struct replay_fmt *f, struct rbuf *b, size_t start, unsigned hang)
{
	size_t n = b->len - start;

	if (!f->width || b->oom || n <= f->width || n > sizeof(f->wrap) ||
	    svmc_text_columns(b->p + start, n) <= f->width)
		return;
	memcpy(f->wrap, b->p + start, n);
	b->len = start;
	svmc_text_wrap(f->wrap, n, f->width, hang, rb_put_cb, b);
}

/* Does msg hold val ("0x..." of the field's width) as a whole number? */
static bool says_value(const char *msg, const char *val)
{
	size_t n = strlen(val);

	for (const char *p = strstr(msg, val); p; p = strstr(p + 1, val))
		if (!isxdigit((unsigned char)p[n]))
			return true;
	return false;
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
	size_t n, start = b->len, vstart, vend;
	char val[24];

	text_where(b, svmc_input_display(r->input), r->index, r->line, r->offset);
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
		wrap_line(f, b, start, 4);
		RB_LIT(b, "\n");
		return;
	case SVMC_VMEXIT_INVALID:
	default:
		break;
	}
	rb_puts(b, f->col_fail);
	RB_LIT(b, "VMEXIT_INVALID");
	rb_puts(b, f->col_reset);
	RB_LIT(b, "  ");
	id_list(f, b, res->failed, false);
	wrap_line(f, b, start, 4);
	RB_LIT(b, "\n");
	for (unsigned i = 0; i < m->norder; i++) {
		unsigned id = m->order[i];
		const struct svmc_check_info *ci;

		if (!((res->failed >> id) & 1))
			continue;
		ci = svmc_check_info((enum svmc_check_id)id);
		start = b->len;
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
		/* "field = value: sentence", or "field: sentence" when the sentence says the value */
		vstart = b->len;
		RB_LIT(b, " = ");
		rb_hex(b, svmc_check_value(&r->vmcb, (enum svmc_check_id)id), ci->field_digits);
		vend = b->len;
		RB_LIT(b, ": ");
		n = check_message_at(f, b, r, id, 0);
		if (n != SIZE_MAX && !b->oom) {
			char *msg = b->p + b->len;

			if (vend - vstart - 3 < sizeof(val)) {
				memcpy(val, b->p + vstart + 3, vend - vstart - 3);
				val[vend - vstart - 3] = '\0';
				msg[n] = '\0';
				if (says_value(msg, val)) {
					/* drop " = value" */
					memmove(b->p + vstart, b->p + vend,
						(size_t)(msg + n - (b->p + vend)));
					b->len -= vend - vstart;
				}
			}
			b->len += n;
		}
		wrap_line(f, b, start, 6);
		RB_LIT(b, "\n");
	}
	if (res->unevaluated) {
		start = b->len;
		RB_LIT(b, "  not evaluated: ");
		id_list(f, b, res->unevaluated, false);
		wrap_line(f, b, start, 6);
		RB_LIT(b, "\n");
	}
}

void svmc_replay_fmt_record(struct replay_fmt *f, struct rbuf *b, const struct svmc_record *r,
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

void svmc_replay_fmt_error(struct replay_fmt *f, struct rbuf *b, const struct svmc_diag *d,
			   struct replay_counts *k)
{
	struct svmc_diag_member m[SVMC_DIAG_MEMBERS];
	unsigned n;

	k->errors++;
	if (f->style != REPLAY_JSON)
		return;
	n = svmc_diag_members(d, m);
	for (unsigned i = 0; i < n; i++) {
		rb_puts(b, i ? ",\"" : "{\"");
		rb_puts(b, m[i].key);
		RB_LIT(b, "\":");
		if (m[i].str)
			svmc_rbuf_json_str(b, m[i].str);
		else
			rb_u64(b, m[i].num);
	}
	RB_LIT(b, "}\n");
}

static void count(struct rbuf *b, uint64_t n, const char *one, const char *many)
{
	rb_u64(b, n);
	RB_LIT(b, " ");
	rb_puts(b, n == 1 ? one : many);
}

void svmc_replay_fmt_summary(struct replay_fmt *f, struct rbuf *b, const struct replay_counts *k)
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
	size_t start = b->len;

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
	RB_LIT(b, ")");
	wrap_line(f, b, start, 4);
	RB_LIT(b, "\n");
}
