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
#include "vmcb/decode.h"

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

void svmc_rbuf_put(struct rbuf *b, const char *s, size_t n)
{
	rb_put(b, s, n);
}

#define RB_LIT(b, lit) rb_put((b), "" lit, sizeof(lit) - 1) /* "" lit: literals only */

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

/* ---- counts ---------------------------------------------------------------- */

void svmc_replay_counts_add(struct replay_counts *dst, const struct replay_counts *src)
{
	dst->records += src->records;
	dst->vmrun += src->vmrun;
	dst->vmexit_invalid += src->vmexit_invalid;
	dst->incomplete += src->incomplete;
	dst->errors += src->errors;
	dst->restored += src->restored;
	dst->einval += src->einval;
	dst->na += src->na;
	dst->unexplained += src->unexplained;
	for (unsigned o = 0; o < SVMC_ORIGIN_COUNT; o++)
		dst->origins[o] += src->origins[o];
	for (unsigned m = 0; m < SVMC_PANEL_MAX; m++)
		for (unsigned v = 0; v < 6; v++)
			dst->per_model[m][v] += src->per_model[m][v];
}

/* The capture says VMEXIT_INVALID: -1 at either width (older KVM and QEMU 7.2 write 32 bits). */
static bool captured_invalid(const struct svmc_record *r)
{
	return r->vmcb.control.exit_code == UINT64_MAX ||
	       r->vmcb.control.exit_code == UINT64_C(0xffffffff);
}

int svmc_replay_explained(const struct svmc_record *r, const struct svmc_result *res)
{
	if (r->origin != SVMC_ORIGIN_HARDWARE || !svmc_known(r, SVMC_F_EXIT_CODE))
		return -1;
	if (res->verdict != SVMC_VMRUN && res->verdict != SVMC_VMEXIT_INVALID)
		return -1;
	return captured_invalid(r) == (res->verdict == SVMC_VMEXIT_INVALID);
}

/* A verdict's weight for the worst of several: rejection, INCOMPLETE, pass, N/A. */
static int severity(enum svmc_verdict v)
{
	return svmc_verdict_rejects(v) ? 3 : v == SVMC_INCOMPLETE ? 2 : v == SVMC_NA ? 0 : 1;
}

/* The result that rejects first among res[0..n) (or is the worst), for the top-level counts. */
static const struct svmc_result *worst(const struct svmc_result *res, unsigned n)
{
	const struct svmc_result *w = &res[0];

	for (unsigned i = 1; i < n; i++)
		if (severity(res[i].verdict) > severity(w->verdict))
			w = &res[i];
	return w;
}

/* No model explains the capture: some result says "not explained" and none says "explained". */
static bool unexplained(const struct svmc_record *r, const struct svmc_result *res, unsigned n)
{
	bool no = false;

	for (unsigned i = 0; i < n; i++) {
		int e = svmc_replay_explained(r, &res[i]);

		if (e == 1)
			return false;
		no |= e == 0;
	}
	return no;
}

void svmc_replay_count(struct replay_counts *k, const struct svmc_record *r,
		       const struct svmc_result *res, unsigned nres)
{
	const struct svmc_result *w = nres == 1 ? res : worst(res, nres);

	k->records++;
	switch (w->verdict) {
	case SVMC_VMRUN:
		k->vmrun++;
		break;
	case SVMC_VMEXIT_INVALID:
		k->vmexit_invalid++;
		break;
	case SVMC_INCOMPLETE:
		k->incomplete++;
		break;
	case SVMC_RESTORED:
		k->restored++;
		break;
	case SVMC_EINVAL:
		k->einval++;
		break;
	case SVMC_NA:
		k->na++;
		break;
	}
	if ((unsigned)r->origin < SVMC_ORIGIN_COUNT)
		k->origins[r->origin]++;
	if (r->origin == SVMC_ORIGIN_HARDWARE && unexplained(r, res, nres))
		k->unexplained++;
	if (nres > 1)
		for (unsigned i = 0; i < nres && i < SVMC_PANEL_MAX; i++)
			k->per_model[i][res[i].verdict]++;
}

/* ---- set-up ---------------------------------------------------------------- */

int svmc_replay_fmt_init(struct replay_fmt *f, const struct svmc_panel *p, enum replay_style style,
			 const char *cpu, const char *guest, const char *col_pass,
			 const char *col_fail, const char *col_warn, const char *col_reset)
{
	struct rbuf t = { 0 };

	memset(f, 0, sizeof(*f));
	f->width = SVMC_TEXT_WIDTH;
	f->panel = p;
	f->style = style;
	f->cpu = cpu;
	f->guest = guest;
	f->col_pass = col_pass ? col_pass : "";
	f->col_fail = col_fail ? col_fail : "";
	f->col_warn = col_warn ? col_warn : "";
	f->col_reset = col_reset ? col_reset : "";
	f->last_format = SVMC_FMT_COUNT;

	RB_LIT(&t, ",\"cpu\":");
	svmc_rbuf_json_str(&t, cpu);
	if (guest) {
		RB_LIT(&t, ",\"guest\":");
		svmc_rbuf_json_str(&t, guest);
	}
	if (t.oom || t.len >= sizeof(f->cpu_part)) {
		svmc_rbuf_free(&t);
		return -1;
	}
	memcpy(f->cpu_part, t.p, t.len);
	f->cpu_part_len = t.len;
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

/* The model that judged res (N/A results have no compiled form). */
static const struct svmc_model *res_model(const struct replay_fmt *f, const struct svmc_record *r,
					  const struct svmc_result *res, unsigned i)
{
	const struct svmc_panel *p = f->panel;

	if (res->comp)
		return res->comp->model;
	if (p->by_origin)
		return p->j[p->origin[(unsigned)r->origin < SVMC_ORIGIN_COUNT ? r->origin : 0]]
			->model;
	return p->j[i < p->n ? i : 0]->model;
}

/*
 * Append the IDs of set in the model order of res (check order for N/A)
 * as a JSON array body or a spaced list.
 */
static void id_list(struct rbuf *b, const struct svmc_result *res, svmc_checkset set, bool json)
{
	const struct svmc_model *m = res->comp ? res->comp->model : NULL;
	unsigned n = m ? m->norder : SVMC_CHECK_COUNT;
	bool first = true;

	for (unsigned i = 0; i < n; i++) {
		unsigned id = m ? m->order[i] : i;

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
static size_t check_message_at(const struct svmc_compiled *c, struct rbuf *b,
			       const struct svmc_record *r, unsigned id, size_t skip)
{
	char *p = rb_room(b, skip + MSG_MAX + 1);
	size_t n;

	if (!p)
		return SIZE_MAX;
	p[skip] = '\0';
	n = svmc_record_message(c, r, (enum svmc_check_id)id, p + skip, MSG_MAX);
	return n < MSG_MAX ? n : MSG_MAX - 1;
}

/* The same, the reason alone (several models report it: they are named instead). */
static size_t check_reason_at(const struct svmc_compiled *c, struct rbuf *b,
			      const struct svmc_record *r, unsigned id)
{
	char *p = rb_room(b, MSG_MAX + 1);
	size_t n;

	if (!p)
		return SIZE_MAX;
	p[0] = '\0';
	n = svmc_record_reason(c, r, (enum svmc_check_id)id, p, MSG_MAX);
	return n < MSG_MAX ? n : MSG_MAX - 1;
}

/* The message of check id as a JSON string: in place when it needs no escape. */
static void json_message(const struct svmc_compiled *c, struct rbuf *b, const struct svmc_record *r,
			 unsigned id)
{
	size_t n = check_message_at(c, b, r, id, 1);
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

/* The failure objects of res, in its model's order (the array body). */
static void json_failures(struct replay_fmt *f, struct rbuf *b, const struct svmc_record *r,
			  const struct svmc_result *res)
{
	const struct svmc_compiled *c = res->comp;

	if (!c)
		return;
	for (unsigned i = 0, n = 0; i < c->model->norder; i++) {
		unsigned id = c->model->order[i];
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
		rb_hex(b, svmc_record_check_value(r, (enum svmc_check_id)id), ci->field_digits);
		RB_LIT(b, "\",\"message\":");
		json_message(c, b, r, id);
		RB_LIT(b, "}");
	}
}

static void rb_explained(struct rbuf *b, int e)
{
	if (e < 0)
		RB_LIT(b, "null");
	else if (e)
		RB_LIT(b, "true");
	else
		RB_LIT(b, "false");
}

/* The reason an N/A verdict gives (one line). */
#define NA_REASON                                                                      \
	"a KVM_GET_NESTED_STATE blob is restored by KVM_SET_NESTED_STATE, which only " \
	"KVM's models (kvm, kvm-legacy, kvm-v1) describe"

#define CAPTURED_MAX 128 /* bytes put_captured() writes at most */

/*
 * ,"captured_exit":"npf" (or null) at q; names are cached per code.  A trace
 * record adds ,"captured_check": the check its kvm_nested_vmenter_failed
 * line names (failed tells apart the checks one KVM condition covers), or
 * null.
 */
static char *put_captured(struct replay_fmt *f, char *q, const struct svmc_record *r,
			  svmc_checkset failed)
{
	uint64_t code = r->vmcb.control.exit_code;
	unsigned slot = (unsigned)(code ^ (code >> 8)) & 15;
	int id;

	if (!svmc_known(r, SVMC_F_EXIT_CODE)) {
		q = put_bytes(q, ",\"captured_exit\":null", 21);
	} else {
		if (!f->exits[slot].len || f->exits[slot].code != code) {
			svmc_exit_name(code, f->exits[slot].name, sizeof(f->exits[slot].name));
			f->exits[slot].len = (uint8_t)strlen(f->exits[slot].name);
			f->exits[slot].code = code;
		}
		q = put_bytes(q, ",\"captured_exit\":\"", 18);
		q = put_bytes(q, f->exits[slot].name, f->exits[slot].len);
		*q++ = '"';
	}
	if (r->origin != SVMC_ORIGIN_TRACE)
		return q;
	id = r->captured_cc ? svmc_captured_check(r, failed) : -1;
	if (id < 0)
		return put_bytes(q, ",\"captured_check\":null", 22);
	const char *name = svmc_check_info((enum svmc_check_id)id)->name;
	q = put_bytes(q, ",\"captured_check\":\"", 19);
	q = put_bytes(q, name, strlen(name));
	*q++ = '"';
	return q;
}

static void json_captured(struct replay_fmt *f, struct rbuf *b, const struct svmc_record *r,
			  svmc_checkset failed)
{
	char *p = rb_room(b, CAPTURED_MAX);

	if (p)
		b->len += (size_t)(put_captured(f, p, r, failed) - p);
}

/* ,"explained":true|false|null at q (at most 18 bytes). */
static char *put_explained(char *q, int e)
{
	if (e < 0)
		return put_bytes(q, ",\"explained\":null", 17);
	if (e)
		return put_bytes(q, ",\"explained\":true", 17);
	return put_bytes(q, ",\"explained\":false", 18);
}

/* ,"model":"kvm" for model m, cached while m stays the same. */
static void model_part(struct replay_fmt *f, const struct svmc_model *m)
{
	int n;

	if (m == f->last_model)
		return;
	n = snprintf(f->model_part, sizeof(f->model_part), ",\"model\":\"%s\"", m->name);
	f->model_part_len = n > 0 && (size_t)n < sizeof(f->model_part) ? (size_t)n : 0;
	f->last_model = m;
}

/* One result, the one-model shape: from "verdict" to the end of the object. */
static void json_verdict(struct replay_fmt *f, struct rbuf *b, const struct svmc_record *r,
			 const struct svmc_result *res)
{
	RB_LIT(b, ",\"verdict\":\"");
	rb_puts(b, svmc_verdict_name(res->verdict));
	RB_LIT(b, "\",\"failures\":[");
	json_failures(f, b, r, res);
	RB_LIT(b, "]");
	if (svmc_verdict_rejects(res->verdict)) {
		RB_LIT(b, ",\"first\":\"");
		rb_puts(b, res->first >= 0 ? svmc_check_info((enum svmc_check_id)res->first)->name :
					     "");
		RB_LIT(b, "\"");
	} else if (res->verdict == SVMC_INCOMPLETE) {
		RB_LIT(b, ",\"unevaluated\":[");
		id_list(b, res, res->unevaluated, true);
		RB_LIT(b, "]");
	} else if (res->verdict == SVMC_NA) {
		RB_LIT(b, ",\"reason\":\"" NA_REASON "\"");
	}
}

/* One entry of "verdicts": {"model", "verdict", "first", "failures", "unevaluated", "explained"}. */
static void json_verdict_entry(struct replay_fmt *f, struct rbuf *b, const struct svmc_record *r,
			       const struct svmc_result *res, unsigned i)
{
	RB_LIT(b, "{\"model\":\"");
	rb_puts(b, res_model(f, r, res, i)->name);
	RB_LIT(b, "\",\"verdict\":\"");
	rb_puts(b, svmc_verdict_name(res->verdict));
	RB_LIT(b, "\",\"first\":");
	if (res->first >= 0) {
		RB_LIT(b, "\"");
		rb_puts(b, svmc_check_info((enum svmc_check_id)res->first)->name);
		RB_LIT(b, "\"");
	} else {
		RB_LIT(b, "null");
	}
	RB_LIT(b, ",\"failures\":[");
	json_failures(f, b, r, res);
	RB_LIT(b, "],\"unevaluated\":[");
	id_list(b, res, res->unevaluated, true);
	RB_LIT(b, "],\"explained\":");
	rb_explained(b, svmc_replay_explained(r, res));
	if (res->verdict == SVMC_NA)
		RB_LIT(b, ",\"reason\":\"" NA_REASON "\"");
	RB_LIT(b, "}");
}

static void json_record(struct replay_fmt *f, struct rbuf *b, const struct svmc_record *r,
			const struct svmc_result *res, unsigned nres)
{
	const char *input = r->input ? r->input : "-";
	const char *origin = svmc_origin_name(r->origin);
	char *p, *q;

	if (input != f->last_input)
		json_prefix(f, input);
	if (r->format != f->last_format)
		json_format(f, r->format);
	/* everything up to the model in one piece of room */
	p = rb_room(b, f->prefix.len + f->fmt_part_len + f->cpu_part_len + 96);
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
	q = put_bytes(q, ",\"origin\":\"", 11);
	q = put_bytes(q, origin, strlen(origin));
	*q++ = '"';
	b->len += (size_t)(q - p);
	if (nres == 1) {
		model_part(f, res_model(f, r, res, 0));
		if (!res->failed && !res->unevaluated && res->verdict != SVMC_NA) {
			/* the common case, VMRUN or RESTORED: the rest in one piece of room */
			const char *v = svmc_verdict_name(res->verdict);
			size_t vn = strlen(v);

			p = rb_room(b,
				    f->model_part_len + f->cpu_part_len + vn + CAPTURED_MAX + 64);
			if (!p)
				return;
			q = put_bytes(p, f->model_part, f->model_part_len);
			q = put_bytes(q, f->cpu_part, f->cpu_part_len);
			q = put_bytes(q, ",\"verdict\":\"", 12);
			q = put_bytes(q, v, vn);
			q = put_bytes(q, "\",\"failures\":[]", 15);
			q = put_captured(f, q, r, 0);
			q = put_explained(q, svmc_replay_explained(r, res));
			q = put_bytes(q, "}\n", 2);
			b->len += (size_t)(q - p);
			return;
		}
		rb_put(b, f->model_part, f->model_part_len);
		rb_put(b, f->cpu_part, f->cpu_part_len);
		json_verdict(f, b, r, res);
		json_captured(f, b, r, res->failed);
		RB_LIT(b, ",\"explained\":");
		rb_explained(b, svmc_replay_explained(r, res));
	} else {
		svmc_checkset failed = 0;

		rb_put(b, f->cpu_part, f->cpu_part_len);
		RB_LIT(b, ",\"verdicts\":[");
		for (unsigned i = 0; i < nres; i++) {
			if (i)
				RB_LIT(b, ",");
			json_verdict_entry(f, b, r, &res[i], i);
			failed |= res[i].failed;
		}
		RB_LIT(b, "]");
		json_captured(f, b, r, failed);
	}
	RB_LIT(b, "}\n");
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

/* What an input of this origin and format is, in words. */
static const char *origin_words(const struct svmc_record *r)
{
	switch (r->origin) {
	case SVMC_ORIGIN_HARDWARE:
		return r->format == SVMC_FMT_XEN_DUMP ? "a hardware-run VMCB (Xen svm_vmcb_dump)" :
		       r->format == SVMC_FMT_KVM_DUMP ? "a hardware-run VMCB (KVM dump_vmcb)" :
							"a hardware-run VMCB";
	case SVMC_ORIGIN_NESTED_STATE:
		return "a nested state (KVM_GET_NESTED_STATE), judged as KVM_SET_NESTED_STATE "
		       "restores it";
	case SVMC_ORIGIN_TRACE:
		return "a nested VMRUN traced by KVM, the few vmcb12 fields its tracepoints show";
	case SVMC_ORIGIN_PAGE:
	default:
		return "a vmcb12 as L1 wrote it";
	}
}

/*
 * Models by origin: before the first record of an input that is not a page,
 * the model it is judged by and why ("model apm: a hardware-run VMCB (KVM
 * dump_vmcb)").  Decided by the record alone, so -t N prints what -t 1 does.
 */
static void text_model_line(struct replay_fmt *f, struct rbuf *b, const struct svmc_record *r,
			    const struct svmc_result *res)
{
	size_t start = b->len;

	if (!f->panel->by_origin || r->index != 0 || r->origin == SVMC_ORIGIN_PAGE)
		return;
	RB_LIT(b, "model ");
	rb_puts(b, res_model(f, r, res, 0)->name);
	RB_LIT(b, ": ");
	rb_puts(b, origin_words(r));
	wrap_line(f, b, start, 4);
	RB_LIT(b, "\n");
}

/* A check's APM section after its ID: " (APM 15.20) ", or ", APM 15.20" in a parenthesis. */
static void rb_apm(struct rbuf *b, const struct svmc_check_info *ci, bool parens)
{
	if (strcmp(ci->apm, "-") == 0) {
		rb_puts(b, parens ? " (not in the APM) " : ", not in the APM");
		return;
	}
	rb_puts(b, parens ? " (APM " : ", APM ");
	rb_puts(b, ci->apm);
	if (parens)
		RB_LIT(b, ") ");
}

/*
 * "  (captured npf)" for hardware and trace records; a trace's
 * kvm_nested_vmenter_failed adds the check KVM failed: "  (captured
 * VMEXIT_INVALID: KVM failed CTRL.EVENTINJ.VECTOR, APM 15.20)".  failed:
 * the failing checks of the verdicts, to tell apart the checks one KVM
 * condition covers.
 */
static void text_captured(struct rbuf *b, const struct svmc_record *r, svmc_checkset failed)
{
	char name[40];
	int id;

	if ((r->origin != SVMC_ORIGIN_HARDWARE && r->origin != SVMC_ORIGIN_TRACE) ||
	    !svmc_known(r, SVMC_F_EXIT_CODE))
		return;
	RB_LIT(b, "  (captured ");
	rb_puts(b, svmc_exit_name(r->vmcb.control.exit_code, name, sizeof(name)));
	if (r->captured_cc) {
		id = svmc_captured_check(r, failed);
		if (id >= 0) {
			const struct svmc_check_info *ci = svmc_check_info((enum svmc_check_id)id);

			RB_LIT(b, ": KVM failed ");
			rb_puts(b, ci->name);
			rb_apm(b, ci, false);
		} else if (r->captured_checks) {
			RB_LIT(b, ": KVM failed one of ");
			for (unsigned i = 0, k = 0; i < SVMC_CHECK_COUNT; i++) {
				if (!((r->captured_checks >> i) & 1))
					continue;
				if (k++)
					RB_LIT(b, ", ");
				rb_puts(b, svmc_check_info((enum svmc_check_id)i)->name);
			}
		} else {
			RB_LIT(b, ": KVM failed a condition svmcheck does not model");
		}
	}
	RB_LIT(b, ")");
}

/* The note under a hardware record whose captured exit model m does not explain. */
static void text_unexplained(struct replay_fmt *f, struct rbuf *b, const struct svmc_record *r,
			     const char *models)
{
	size_t start = b->len;
	bool several = strchr(models, ',') != NULL;

	rb_puts(b, f->col_warn);
	RB_LIT(b, "  note:");
	rb_puts(b, f->col_reset);
	if (captured_invalid(r)) {
		RB_LIT(b, " the CPU rejected this VMCB but no check of ");
		rb_puts(b, several ? "models " : "model ");
		rb_puts(b, models);
		RB_LIT(b, " explains it (state not modelled: VMSA, AVIC, ...; a different CPU; or "
			  "a missing check)");
	} else {
		RB_LIT(b, " the CPU ran this VMCB, yet ");
		rb_puts(b, several ? "models " : "model ");
		rb_puts(b, models);
		rb_puts(b, several ? " reject it: the CPU profile or the models are wrong" :
				     " rejects it: the CPU profile or the model is wrong");
	}
	wrap_line(f, b, start, 8);
	RB_LIT(b, "\n");
}

/* "  ID (APM x) field = value: sentence", or "field: sentence" when the sentence says the value. */
static void text_failure(struct replay_fmt *f, struct rbuf *b, const struct svmc_record *r,
			 const struct svmc_compiled *c, unsigned id, const char *also)
{
	const struct svmc_check_info *ci = svmc_check_info((enum svmc_check_id)id);
	size_t n, start = b->len, vstart, vend;
	char val[24];

	RB_LIT(b, "  ");
	rb_puts(b, ci->name);
	rb_apm(b, ci, true);
	rb_puts(b, ci->field_path);
	vstart = b->len;
	RB_LIT(b, " = ");
	rb_hex(b, svmc_record_check_value(r, (enum svmc_check_id)id), ci->field_digits);
	vend = b->len;
	RB_LIT(b, ": ");
	n = also ? check_reason_at(c, b, r, id) : check_message_at(c, b, r, id, 0);
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
	if (also) {
		RB_LIT(b, "; rejected by ");
		rb_puts(b, also);
	}
	wrap_line(f, b, start, 6);
	RB_LIT(b, "\n");
}

static void text_record(struct replay_fmt *f, struct rbuf *b, const struct svmc_record *r,
			const struct svmc_result *res)
{
	const struct svmc_compiled *c = res->comp;
	size_t start;

	text_model_line(f, b, r, res);
	start = b->len;
	text_where(b, svmc_input_display(r->input), r->index, r->line, r->offset);
	RB_LIT(b, "  ");
	switch (res->verdict) {
	case SVMC_VMRUN:
	case SVMC_RESTORED:
		rb_puts(b, f->col_pass);
		rb_puts(b, svmc_verdict_name(res->verdict));
		rb_puts(b, f->col_reset);
		text_captured(b, r, res->failed);
		break;
	case SVMC_INCOMPLETE:
		rb_puts(b, f->col_warn);
		RB_LIT(b, "INCOMPLETE");
		rb_puts(b, f->col_reset);
		RB_LIT(b, "  not evaluated (fields missing from the input): ");
		id_list(b, res, res->unevaluated, false);
		text_captured(b, r, res->failed);
		break;
	case SVMC_NA:
		RB_LIT(b, "N/A  " NA_REASON);
		break;
	case SVMC_VMEXIT_INVALID:
	case SVMC_EINVAL:
	default:
		rb_puts(b, f->col_fail);
		rb_puts(b, svmc_verdict_name(res->verdict));
		rb_puts(b, f->col_reset);
		RB_LIT(b, "  ");
		id_list(b, res, res->failed, false);
		text_captured(b, r, res->failed);
		break;
	}
	wrap_line(f, b, start, 4);
	RB_LIT(b, "\n");
	if (svmc_verdict_rejects(res->verdict) && c) {
		for (unsigned i = 0; i < c->model->norder; i++)
			if ((res->failed >> c->model->order[i]) & 1)
				text_failure(f, b, r, c, c->model->order[i], NULL);
		if (res->unevaluated) {
			start = b->len;
			RB_LIT(b, "  not evaluated: ");
			id_list(b, res, res->unevaluated, false);
			wrap_line(f, b, start, 6);
			RB_LIT(b, "\n");
		}
	}
	if (svmc_replay_explained(r, res) == 0)
		text_unexplained(f, b, r, res_model(f, r, res, 0)->name);
}

/* "kvm, apm": the models among res[0..n) whose result has check id in the set of which. */
static void models_with(const struct replay_fmt *f, const struct svmc_record *r,
			const struct svmc_result *res, unsigned n, unsigned id, bool failed,
			char *buf, size_t len)
{
	size_t k = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < n; i++) {
		svmc_checkset set = failed ? res[i].failed : res[i].unevaluated;
		int w;

		if (!((set >> id) & 1))
			continue;
		w = snprintf(buf + k, len - k, "%s%s", k ? ", " : "",
			     res_model(f, r, &res[i], i)->name);
		if (w < 0 || (size_t)w >= len - k)
			break;
		k += (size_t)w;
	}
}

/*
 * The models among res[i..n) that fail check id for the reason res[i]
 * gives ("kvm, apm") into buf, each marked in done[]: a check whose reason
 * differs between models (kvm-v1's mask, a gate of another model) is
 * printed once per reason.
 */
static void sharing(const struct replay_fmt *f, const struct svmc_record *r,
		    const struct svmc_result *res, unsigned n, unsigned i, unsigned id,
		    svmc_checkset *done, char *buf, size_t len)
{
	char mine[MSG_MAX], theirs[MSG_MAX];
	size_t k = 0;

	svmc_record_reason(res[i].comp, r, (enum svmc_check_id)id, mine, sizeof(mine));
	buf[0] = '\0';
	for (unsigned j = i; j < n; j++) {
		int w;

		if (!res[j].comp || !((res[j].failed >> id) & 1) || ((done[j] >> id) & 1))
			continue;
		if (j != i) {
			svmc_record_reason(res[j].comp, r, (enum svmc_check_id)id, theirs,
					   sizeof(theirs));
			if (strcmp(mine, theirs) != 0)
				continue;
		}
		done[j] |= SVMC_CHECK_BIT(id);
		w = snprintf(buf + k, len - k, "%s%s", k ? ", " : "",
			     res_model(f, r, &res[j], j)->name);
		if (w < 0 || (size_t)w >= len - k)
			break;
		k += (size_t)w;
	}
}

/*
 * Several models: one line with a column per model (its verdict, or the
 * first failing check), then each failing check once per reason with the
 * models that report it, then the unevaluated checks likewise.
 */
static void text_record_multi(struct replay_fmt *f, struct rbuf *b, const struct svmc_record *r,
			      const struct svmc_result *res, unsigned n)
{
	svmc_checkset done[SVMC_PANEL_MAX] = { 0 }, all_unev = 0, all_failed = 0;
	char models[SVMC_PANEL_MAX * 16];
	size_t start = b->len;

	text_where(b, svmc_input_display(r->input), r->index, r->line, r->offset);
	for (unsigned i = 0; i < n; i++) {
		const struct svmc_result *x = &res[i];
		bool bad = svmc_verdict_rejects(x->verdict);

		RB_LIT(b, "  ");
		rb_puts(b, res_model(f, r, x, i)->name);
		RB_LIT(b, "=");
		rb_puts(b, bad                           ? f->col_fail :
			   x->verdict == SVMC_INCOMPLETE ? f->col_warn :
			   x->verdict == SVMC_NA         ? "" :
							   f->col_pass);
		if (bad && x->first >= 0)
			rb_puts(b, svmc_check_info((enum svmc_check_id)x->first)->name);
		else
			rb_puts(b, svmc_verdict_name(x->verdict));
		rb_puts(b, f->col_reset);
		all_unev |= x->unevaluated;
		all_failed |= x->failed;
	}
	text_captured(b, r, all_failed);
	wrap_line(f, b, start, 4);
	RB_LIT(b, "\n");
	for (unsigned i = 0; i < n; i++) {
		const struct svmc_compiled *c = res[i].comp;

		if (!c)
			continue;
		for (unsigned k = 0; k < c->model->norder; k++) {
			unsigned id = c->model->order[k];

			if (!((res[i].failed >> id) & 1) || ((done[i] >> id) & 1))
				continue;
			sharing(f, r, res, n, i, id, done, models, sizeof(models));
			text_failure(f, b, r, c, id, models);
		}
	}
	for (unsigned id = 0; id < SVMC_CHECK_COUNT; id++) {
		if (!((all_unev >> id) & 1))
			continue;
		start = b->len;
		RB_LIT(b, "  not evaluated: ");
		rb_puts(b, svmc_check_info((enum svmc_check_id)id)->name);
		models_with(f, r, res, n, id, false, models, sizeof(models));
		RB_LIT(b, " [");
		rb_puts(b, models);
		RB_LIT(b, "]");
		wrap_line(f, b, start, 6);
		RB_LIT(b, "\n");
	}
	if (unexplained(r, res, n)) {
		size_t k = 0;

		models[0] = '\0';
		for (unsigned i = 0; i < n; i++) {
			int w;

			if (svmc_replay_explained(r, &res[i]) != 0)
				continue;
			w = snprintf(models + k, sizeof(models) - k, "%s%s", k ? ", " : "",
				     res_model(f, r, &res[i], i)->name);
			if (w < 0 || (size_t)w >= sizeof(models) - k)
				break;
			k += (size_t)w;
		}
		text_unexplained(f, b, r, models);
	}
}

void svmc_replay_fmt_record(struct replay_fmt *f, struct rbuf *b, const struct svmc_record *r,
			    const struct svmc_result *res, unsigned nres, struct replay_counts *k)
{
	svmc_replay_count(k, r, res, nres);
	if (f->style == REPLAY_JSON)
		json_record(f, b, r, res, nres);
	else if (nres > 1)
		text_record_multi(f, b, r, res, nres);
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

/* The JSON summary's verdict counts of one model (or the top level). */
static void json_counts(struct rbuf *b, const uint64_t v[6])
{
	static const char *const key[6] = { "vmrun",    "vmexit_invalid", "incomplete",
					    "restored", "einval",         "na" };

	for (unsigned i = 0; i < 6; i++) {
		rb_puts(b, i ? ",\"" : "\"");
		rb_puts(b, key[i]);
		RB_LIT(b, "\":");
		rb_u64(b, v[i]);
	}
}

/* "2 VMRUN, 1 VMEXIT_INVALID, 0 INCOMPLETE[, n RESTORED, n EINVAL, n N/A]" */
static void text_counts(struct rbuf *b, const uint64_t v[6])
{
	for (unsigned i = 0; i < 6; i++) {
		if (i >= SVMC_RESTORED && !v[i])
			continue; /* the restore verdicts and N/A only when they occur */
		if (i)
			RB_LIT(b, ", ");
		rb_u64(b, v[i]);
		RB_LIT(b, " ");
		rb_puts(b, svmc_verdict_name((enum svmc_verdict)i));
	}
}

/* "model kvm", or by origin "model apm" / "models apm (hardware), kvm (the rest)". */
static void text_models(struct replay_fmt *f, struct rbuf *b, const struct replay_counts *k)
{
	const struct svmc_panel *p = f->panel;
	const struct svmc_model *used[SVMC_ORIGIN_COUNT];
	unsigned nused = 0;

	if (!p->by_origin) {
		rb_puts(b, p->n > 1 ? "models " : "model ");
		for (unsigned i = 0; i < p->n; i++) {
			if (i)
				RB_LIT(b, ", ");
			rb_puts(b, p->j[i]->model->name);
		}
		return;
	}
	for (unsigned o = 0; o < SVMC_ORIGIN_COUNT; o++) {
		const struct svmc_model *m = p->j[p->origin[o]]->model;
		bool seen = false;

		if (!k->origins[o])
			continue;
		for (unsigned i = 0; i < nused; i++)
			seen |= used[i] == m;
		if (!seen)
			used[nused++] = m;
	}
	if (nused <= 1) {
		RB_LIT(b, "model ");
		rb_puts(b, nused ? used[0]->name : p->j[p->origin[SVMC_ORIGIN_PAGE]]->model->name);
		return;
	}
	RB_LIT(b, "models by origin: ");
	for (unsigned o = 0, n = 0; o < SVMC_ORIGIN_COUNT; o++) {
		if (!k->origins[o])
			continue;
		if (n++)
			RB_LIT(b, ", ");
		rb_puts(b, p->j[p->origin[o]]->model->name);
		RB_LIT(b, " for ");
		rb_puts(b, svmc_origin_name((enum svmc_origin)o));
	}
}

void svmc_replay_fmt_summary(struct replay_fmt *f, struct rbuf *b, const struct replay_counts *k)
{
	const struct svmc_panel *p = f->panel;
	const uint64_t top[6] = { k->vmrun,    k->vmexit_invalid, k->incomplete,
				  k->restored, k->einval,         k->na };
	size_t start = b->len;

	if (f->style == REPLAY_JSON) {
		RB_LIT(b, "{\"type\":\"summary\",\"records\":");
		rb_u64(b, k->records);
		RB_LIT(b, ",");
		json_counts(b, top);
		RB_LIT(b, ",\"unexplained\":");
		rb_u64(b, k->unexplained);
		RB_LIT(b, ",\"errors\":");
		rb_u64(b, k->errors);
		if (!p->by_origin && p->n > 1) {
			RB_LIT(b, ",\"models\":[");
			for (unsigned i = 0; i < p->n; i++) {
				rb_puts(b, i ? ",{\"model\":\"" : "{\"model\":\"");
				rb_puts(b, p->j[i]->model->name);
				RB_LIT(b, "\",");
				json_counts(b, k->per_model[i]);
				RB_LIT(b, "}");
			}
			RB_LIT(b, "]");
		}
		if (f->views)
			rb_puts(b, f->views);
		RB_LIT(b, "}\n");
		return;
	}
	count(b, k->records, "record", "records");
	RB_LIT(b, ": ");
	text_counts(b, top);
	RB_LIT(b, ", ");
	count(b, k->errors, "error", "errors");
	if (k->unexplained) {
		RB_LIT(b, ", ");
		rb_u64(b, k->unexplained);
		RB_LIT(b, " unexplained");
	}
	RB_LIT(b, " (");
	text_models(f, b, k);
	RB_LIT(b, ", cpu ");
	rb_puts(b, f->cpu);
	if (f->guest) {
		RB_LIT(b, ", guest ");
		rb_puts(b, f->guest);
	}
	RB_LIT(b, ")");
	wrap_line(f, b, start, 4);
	RB_LIT(b, "\n");
	if (p->by_origin || p->n < 2)
		return;
	for (unsigned i = 0; i < p->n; i++) {
		start = b->len;
		RB_LIT(b, "  ");
		rb_puts(b, p->j[i]->model->name);
		RB_LIT(b, ": ");
		text_counts(b, k->per_model[i]);
		wrap_line(f, b, start, 6);
		RB_LIT(b, "\n");
	}
}
