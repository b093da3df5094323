/*
 * table.c - the text and JSON backends of the table interface (see
 * table.h).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "emit/table.h"

#define LINE_MAX_TEXT sizeof(((struct svmc_table *)0)->run_rest)

/* A text line being built; cut (never overrun) if it gets too long. */
struct line {
	char s[LINE_MAX_TEXT];
	size_t n;
};

__attribute__((format(printf, 2, 3))) static void addf(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (l->n >= sizeof(l->s) - 1)
		return;
	va_start(ap, fmt);
	k = vsnprintf(l->s + l->n, sizeof(l->s) - l->n, fmt, ap);
	va_end(ap);
	if (k > 0)
		l->n += (size_t)k < sizeof(l->s) - l->n ? (size_t)k : sizeof(l->s) - 1 - l->n;
}

static bool text_col(const struct svmc_col *c)
{
	return c->head != NULL;
}

static unsigned text_count(const struct svmc_table *t)
{
	return t->text_order ? t->ntext : t->ncols;
}

static const struct svmc_col *text_at(const struct svmc_table *t, unsigned k, unsigned *idx)
{
	*idx = t->text_order ? t->text_order[k] : k;
	return &t->cols[*idx];
}

static const char *list_at(const struct svmc_cell *v, size_t i)
{
	return v->list ? v->list[i] : v->item(v->ctx, i);
}

/* The text form of a cell (into buf when it has to be formatted). */
static const char *cell_text(const struct svmc_col *c, const struct svmc_cell *v, char *buf,
			     size_t n)
{
	size_t len = 0;

	if (v->text)
		return v->text;
	switch (c->type) {
	case SVMC_COL_STR:
		return v->s ? v->s : "";
	case SVMC_COL_U64:
		snprintf(buf, n, "%" PRIu64, v->u);
		return buf;
	case SVMC_COL_BOOL:
		return v->u ? "true" : "false";
	case SVMC_COL_HEX:
		snprintf(buf, n, "0x%0*" PRIx64, (int)c->digits, v->u);
		return buf;
	case SVMC_COL_LIST:
		buf[0] = '\0';
		for (size_t i = 0; i < v->n && len < n; i++) {
			int k = snprintf(buf + len, n - len, "%s%s", i ? " " : "", list_at(v, i));
			if (k > 0)
				len += (size_t)k;
		}
		return buf;
	}
	return "";
}

/* One column's text at l: gap, colour, the padded text, reset. */
static void add_col(struct svmc_table *t, struct line *l, const struct svmc_col *c, bool first,
		    const char *text, enum svmc_emit_color color)
{
	if (!first)
		addf(l, "%*s", (int)(c->gap ? c->gap : 1), "");
	if (color != OUT_C_NONE)
		addf(l, "%s", svmc_emit_color(t->o, color));
	if (c->width > 0)
		addf(l, "%-*s", c->width, text);
	else if (c->width < 0)
		addf(l, "%*s", -c->width, text);
	else
		addf(l, "%s", text);
	if (color != OUT_C_NONE)
		addf(l, "%s", svmc_emit_color(t->o, OUT_C_RESET));
}

void svmc_table_begin(struct svmc_table *t, const char *key)
{
	struct line l = { .n = 0 };
	bool first = true;

	t->pending = false;
	t->hang = 0;
	if (svmc_emit_json(t->o)) {
		svmc_emit_arr_begin(t->o, key);
		return;
	}
	if (t->o->mode != OUT_TEXT)
		return;
	addf(&l, "%s", t->indent ? t->indent : "");
	for (unsigned k = 0; k < text_count(t); k++) {
		unsigned i;
		const struct svmc_col *c = text_at(t, k, &i);

		if (!text_col(c) || (c->flags & SVMC_COL_BELOW))
			continue;
		/* a row too wide continues under its last column, if that leaves 24 columns */
		t->hang =
			(unsigned)svmc_text_columns(l.s, l.n) + (first ? 0 : (c->gap ? c->gap : 1));
		add_col(t, &l, c, first, c->head, OUT_C_NONE);
		first = false;
	}
	if (t->hang + 24 > t->o->width)
		t->hang = 0;
	addf(&l, "\n");
	if (!(t->flags & SVMC_TABLE_NO_HEAD))
		svmc_emit_text(t->o, l.s, l.n);
}

/*
 * Text of a row: its first line (the columns) wraps under the last column,
 * the lines below it (SVMC_COL_BELOW) under their own indent.
 */
static void row_text(struct svmc_table *t, const char *s, size_t n)
{
	const char *nl = memchr(s, '\n', n);
	size_t k = nl ? (size_t)(nl - s) + 1 : n;

	svmc_emit_hang(t->o, t->hang);
	svmc_emit_text(t->o, s, k);
	svmc_emit_hang(t->o, 0);
	svmc_emit_text(t->o, s + k, n - k);
}

static void json_row(struct svmc_table *t, const struct svmc_cell *cells)
{
	struct out *o = t->o;

	if (t->flags & SVMC_TABLE_ROW_LINE)
		svmc_emit_obj_begin_line(o, NULL);
	else
		svmc_emit_obj_begin(o, NULL);
	for (unsigned i = 0; i < t->ncols; i++) {
		const struct svmc_col *c = &t->cols[i];
		const struct svmc_cell *v = &cells[i];

		if (!c->key)
			continue;
		switch (c->type) {
		case SVMC_COL_STR:
			svmc_emit_str(o, c->key, v->s);
			break;
		case SVMC_COL_U64:
			svmc_emit_u64(o, c->key, v->u);
			break;
		case SVMC_COL_BOOL:
			svmc_emit_bool(o, c->key, v->u != 0);
			break;
		case SVMC_COL_HEX:
			svmc_emit_hex(o, c->key, v->u, c->digits);
			break;
		case SVMC_COL_LIST:
			svmc_emit_arr_begin(o, c->key);
			for (size_t k = 0; k < v->n; k++)
				svmc_emit_str(o, NULL, list_at(v, k));
			svmc_emit_arr_end(o);
			break;
		}
	}
	svmc_emit_obj_end(o);
}

/* The first text column of a pending run, then its rest, as one line. */
static void flush_run(struct svmc_table *t)
{
	struct line l = { .n = 0 };
	unsigned i;
	const struct svmc_col *c = text_at(t, 0, &i);
	char label[48];

	if (!t->pending)
		return;
	t->pending = false;
	if (t->run_last > t->run_first)
		snprintf(label, sizeof(label), "%" PRIu64 "-%" PRIu64, t->run_first, t->run_last);
	else
		snprintf(label, sizeof(label), "%" PRIu64, t->run_first);
	addf(&l, "%s", t->indent ? t->indent : "");
	add_col(t, &l, c, true, label, OUT_C_NONE);
	svmc_emit_text(t->o, l.s, l.n);
	row_text(t, t->run_rest, t->run_rest_len);
}

void svmc_table_row(struct svmc_table *t, const struct svmc_cell *cells, bool foldable)
{
	struct line head = { .n = 0 }, rest = { .n = 0 };
	struct line *l = &head;
	bool first = true, fold = (t->flags & SVMC_TABLE_FOLD) && foldable;
	char buf[LINE_MAX_TEXT];
	unsigned i0 = 0;

	if (svmc_emit_json(t->o)) {
		json_row(t, cells);
		return;
	}
	if (t->o->mode != OUT_TEXT)
		return;
	addf(&head, "%s", t->indent ? t->indent : "");
	for (unsigned k = 0; k < text_count(t); k++) {
		unsigned i;
		const struct svmc_col *c = text_at(t, k, &i);

		if (!text_col(c) || (c->flags & SVMC_COL_BELOW))
			continue;
		if (first)
			i0 = i;
		add_col(t, l, c, first, cell_text(c, &cells[i], buf, sizeof(buf)), cells[i].color);
		if (first && fold)
			l = &rest; /* the rest is what a run must share */
		first = false;
	}
	addf(l, "\n");
	for (unsigned k = 0; k < text_count(t); k++) {
		unsigned i;
		const struct svmc_col *c = text_at(t, k, &i);

		const char *below;

		if (!text_col(c) || !(c->flags & SVMC_COL_BELOW))
			continue;
		below = cell_text(c, &cells[i], buf, sizeof(buf));
		if (*below) /* an empty line below says nothing */
			addf(l, "%s    %s\n", t->indent ? t->indent : "", below);
	}
	if (!fold) {
		flush_run(t);
		row_text(t, head.s, head.n);
		return;
	}
	if (t->pending && cells[i0].u == t->run_last + 1 && rest.n == t->run_rest_len &&
	    memcmp(rest.s, t->run_rest, rest.n) == 0) {
		t->run_last = cells[i0].u;
		return;
	}
	flush_run(t);
	t->pending = true;
	t->run_first = t->run_last = cells[i0].u;
	memcpy(t->run_rest, rest.s, rest.n);
	t->run_rest_len = rest.n;
}

void svmc_table_end(struct svmc_table *t)
{
	if (svmc_emit_json(t->o)) {
		svmc_emit_arr_end(t->o);
		return;
	}
	flush_run(t);
}

/* ---- records ------------------------------------------------------------- */

static bool kv_text(const struct svmc_kv *k)
{
	return k->o->mode == OUT_TEXT;
}

void svmc_kv_begin(struct svmc_kv *k, const char *key, const char *title)
{
	svmc_emit_obj_begin(k->o, key);
	if (title && kv_text(k))
		svmc_emit_printf(k->o, "%s\n", title);
}

void svmc_kv_end(struct svmc_kv *k)
{
	svmc_emit_obj_end(k->o);
}

void svmc_kv_hex(struct svmc_kv *k, const char *name, uint64_t v, unsigned digits, const char *note)
{
	char val[24];
	int pad;

	if (!kv_text(k)) {
		svmc_emit_hex(k->o, name, v, digits);
		return;
	}
	snprintf(val, sizeof(val), "0x%0*" PRIx64, (int)digits, v);
	if (note && note[0]) {
		/* a long note (flag names) continues under the notes */
		svmc_emit_hang(k->o, 2 + (unsigned)k->name_w + 1 + (unsigned)k->value_w + 1);
		svmc_emit_printf(k->o, "  %-*s %-*s %s\n", k->name_w, name, k->value_w, val, note);
		svmc_emit_hang(k->o, 0);
		return;
	}
	pad = k->name_w - (int)strlen(name);
	svmc_emit_printf(k->o, "  %s%*s %s\n", name, pad, "", val);
}

void svmc_kv_unknown(struct svmc_kv *k, const char *name)
{
	if (!kv_text(k))
		svmc_emit_null(k->o, name);
	else
		svmc_emit_printf(k->o, "  %-*s ?\n", k->name_w, name);
}

void svmc_kv_hexbytes(struct svmc_kv *k, const char *name, const unsigned char *p, size_t n)
{
	if (!kv_text(k)) {
		svmc_emit_hexbytes(k->o, name, p, n);
		return;
	}
	svmc_emit_printf(k->o, "  %-*s ", k->name_w, name);
	for (size_t i = 0; i < n; i++)
		svmc_emit_printf(k->o, "%02x", p[i]);
	svmc_emit_printf(k->o, "\n");
}

void svmc_kv_group(struct svmc_kv *k, const char *name, const struct svmc_kv_part *parts,
		   unsigned n, const char *note)
{
	if (!kv_text(k)) {
		svmc_emit_obj_begin(k->o, name);
		for (unsigned i = 0; i < n; i++)
			if (parts[i].unknown)
				svmc_emit_null(k->o, parts[i].key);
			else
				svmc_emit_hex(k->o, parts[i].key, parts[i].v, parts[i].digits);
		svmc_emit_obj_end(k->o);
		return;
	}
	svmc_emit_printf(k->o, "  %-*s", k->name_w, name);
	for (unsigned i = 0; i < n; i++)
		if (parts[i].unknown)
			svmc_emit_printf(k->o, " %s ?", parts[i].key);
		else
			svmc_emit_printf(k->o, " %s 0x%0*" PRIx64, parts[i].key,
					 (int)parts[i].digits, parts[i].v);
	svmc_emit_printf(k->o, "  %s\n", note ? note : "");
}

/* ---- grids ----------------------------------------------------------------- */

void svmc_grid_begin(struct svmc_grid *g, const char *key)
{
	svmc_emit_arr_begin(g->o, key);
	if (g->n < 2)
		return;
	svmc_emit_printf(g->o, "%*s", g->width + 1, g->corner);
	for (size_t j = 0; j < g->n; j++)
		svmc_emit_printf(g->o, " %*zu", g->width, j + 1);
	svmc_emit_printf(g->o, "\n");
}

void svmc_grid_cell(struct svmc_grid *g, size_t i, size_t j, const char *value, const char *text,
		    enum svmc_emit_color color)
{
	struct out *o = g->o;

	if (svmc_emit_json(o) || g->n < 2) {
		if (i == j || !svmc_emit_json(o))
			return;
		svmc_emit_obj_begin(o, NULL);
		svmc_emit_u64(o, g->row_key, i + 1);
		svmc_emit_u64(o, g->col_key, j + 1);
		svmc_emit_str(o, g->val_key, value);
		svmc_emit_obj_end(o);
		return;
	}
	if (j == 0)
		svmc_emit_printf(o, "%*zu", g->width + 1, i + 1);
	svmc_emit_printf(o, " %s%*s%s", svmc_emit_color(o, color), g->width, text,
			 color != OUT_C_NONE ? svmc_emit_color(o, OUT_C_RESET) : "");
	if (j + 1 == g->n)
		svmc_emit_printf(o, "\n");
}

void svmc_grid_end(struct svmc_grid *g)
{
	svmc_emit_arr_end(g->o);
}
