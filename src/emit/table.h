/*
 * table.h - rows described once, printed by the text or the JSON backend.
 *
 * A tabular command (checks, vectors, profile show and list) declares its
 * columns once: a JSON key, a text header, a text width and a type.  It
 * then adds rows of typed cells.  The backend of the output's mode decides
 * how a row looks: in text an aligned line under a header line (colour per
 * cell on a terminal), in JSON an object keyed by the columns' keys inside
 * an array.  A column with no key is text only (a joined "leaf.sub" label,
 * a sentence); a column with no header is JSON only (a path, a bit number).
 * A cell may carry a text form beside its value ("yes" for true, "#GP" for
 * "GP"), which is how one row serves both readers.
 *
 * Nothing is allocated: the table lives on the caller's stack and the
 * cells' strings are borrowed for the duration of svmc_table_row().
 */
#ifndef SVMCHECK_EMIT_TABLE_H
#define SVMCHECK_EMIT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "emit/emit.h"

enum svmc_col_type {
	SVMC_COL_STR,  /* s (NULL is JSON null, "" in text) */
	SVMC_COL_U64,  /* u, a JSON number */
	SVMC_COL_BOOL, /* u != 0, a JSON boolean */
	SVMC_COL_HEX,  /* u as "0x" and `digits` hex digits */
	SVMC_COL_LIST, /* list[0..n), a JSON array of strings; text: joined by spaces */
};

/* Text: print the column on its own line below the row, indented 4 more. */
#define SVMC_COL_BELOW 1u

struct svmc_col {
	const char *key;  /* JSON key; NULL: text only */
	const char *head; /* text header; NULL: JSON only (not printed in text) */
	int width;        /* text: padded on the right to width; < 0: right-aligned; 0: as is */
	enum svmc_col_type type;
	unsigned digits; /* SVMC_COL_HEX */
	unsigned gap;    /* text: spaces before the column (0 means 1) */
	unsigned flags;  /* SVMC_COL_BELOW */
};

struct svmc_cell {
	const char *s;
	uint64_t u;
	const char *const *list; /* SVMC_COL_LIST: n strings, or NULL and item() */
	size_t n;
	const char *(*item)(const void *ctx, size_t i); /* list[i] without an array */
	const void *ctx;
	const char *text;           /* text: printed instead of the value; NULL: the value */
	enum svmc_emit_color color; /* text: the cell's colour (OUT_C_NONE: none) */
};

/* Table flags. */
#define SVMC_TABLE_NO_HEAD 1u  /* text: no header line */
#define SVMC_TABLE_ROW_LINE 2u /* pretty JSON: each row object on one line */
#define SVMC_TABLE_FOLD 4u     /* text: fold runs of foldable rows (see svmc_table_row) */

struct svmc_table {
	struct out *o;
	const struct svmc_col *cols;
	unsigned ncols;
	/* text: the columns in the order printed (NULL: declaration order) */
	const unsigned char *text_order;
	unsigned ntext;
	const char *indent; /* text: before every line (NULL: none) */
	unsigned flags;
	/* text: where a wrapped row continues: under its last column (set by begin) */
	unsigned hang;
	/* folding state (text): the pending run and its rendered rest */
	bool pending;
	uint64_t run_first, run_last;
	char run_rest[1024];
	size_t run_rest_len;
};

/*
 * Start t (filled in by the caller: o, cols, ncols, and optionally
 * text_order/ntext, indent, flags) under JSON key `key` (NULL at the top
 * level or inside an array): JSON opens the array, text prints the header.
 */
void svmc_table_begin(struct svmc_table *t, const char *key);

/*
 * One row: cells[i] is the value of cols[i].  With SVMC_TABLE_FOLD and
 * foldable set, text merges the row into the previous one when that was
 * foldable too, the first column (a U64) continues it by one, and every
 * other column prints the same: the run prints once, its first cell as
 * "first-last".  JSON always writes every row.
 */
void svmc_table_row(struct svmc_table *t, const struct svmc_cell *cells, bool foldable);

/* Finish t: JSON closes the array, text prints a pending run. */
void svmc_table_end(struct svmc_table *t);

/*
 * A record: named values described once, printed by the backend of the
 * output's mode.  JSON writes an object of members; text writes a title
 * line and one aligned line per value ("  name  value  note"), the note
 * being text only (a decode of the value in words).  `inspect` describes
 * every VMCB field this way.
 */
struct svmc_kv {
	struct out *o;
	int name_w;  /* text: the name column's width */
	int value_w; /* text: the value column's width when a note follows */
};

/* One hex member of a group (a segment's selector, attrib, limit, base). */
struct svmc_kv_part {
	const char *key;
	uint64_t v;
	unsigned digits;
	bool unknown; /* JSON null, text "?" */
};

/* JSON: open an object under key; text: print title (if not NULL) on its own line. */
void svmc_kv_begin(struct svmc_kv *k, const char *key, const char *title);
void svmc_kv_end(struct svmc_kv *k);
/* v as "0x" and `digits` hex digits; note (text only) may be NULL or "". */
void svmc_kv_hex(struct svmc_kv *k, const char *name, uint64_t v, unsigned digits,
		 const char *note);
/* A value that is not known: JSON null, text "?". */
void svmc_kv_unknown(struct svmc_kv *k, const char *name);
/* Bytes as one string of hex digit pairs. */
void svmc_kv_hexbytes(struct svmc_kv *k, const char *name, const unsigned char *p, size_t n);
/* A group of hex parts: JSON an object, text "key 0x.. key 0x..  note" on one line. */
void svmc_kv_group(struct svmc_kv *k, const char *name, const struct svmc_kv_part *parts,
		   unsigned n, const char *note);

/*
 * A square grid of results (matrix: source by destination).  JSON writes
 * the cells off the diagonal as an array of {row_key, col_key, val_key}
 * objects (1-based numbers); text writes the grid itself: a header of
 * column numbers under `corner`, then one line per row, each cell's text
 * right-aligned in `width` columns (diagonal cells included); a grid of
 * fewer than two rows says nothing in text.
 */
struct svmc_grid {
	struct out *o;
	size_t n;
	const char *row_key, *col_key, *val_key;
	const char *corner; /* text: above the row numbers */
	int width;          /* text: of every cell */
};

void svmc_grid_begin(struct svmc_grid *g, const char *key);
/* Cell (i, j), 0-based, in row order: value for JSON, text and colour for text. */
void svmc_grid_cell(struct svmc_grid *g, size_t i, size_t j, const char *value, const char *text,
		    enum svmc_emit_color color);
void svmc_grid_end(struct svmc_grid *g);

#endif /* SVMCHECK_EMIT_TABLE_H */
