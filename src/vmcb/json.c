/*
 * json.c - svmcheck's own VMCB JSON (svmcheck-json(5); the writer is
 * src/emit/vmcb_json.c): one object, an array of objects, or one object per
 * line (NDJSON), read as a stream.
 *
 * The file is never loaded whole.  Framing is ours: whitespace, the '[' ','
 * ']' of a top-level array and the line count are handled here, and each
 * value is handed to a json_tokener chunk by chunk straight from the read
 * window, so memory is one window plus one value of at most JSON_VALUE_MAX
 * bytes.  Nesting is limited to JSON_DEPTH_MAX by the tokener.
 *
 * json-c coerces silently ("48" reads as int 48), so every type is checked here:
 * integer fields take a "0x…" hex string of at most the field's width, or a
 * plain non-negative JSON integer up to 2^53 (a convenience for hand-written
 * input: larger integers lose precision in most JSON tools); null means
 * unknown; a key the table does not know is an error naming it.  Records of
 * "type" "summary" and "error" (an inspect -j stream) are skipped; "vmcb" or
 * no type is a record.  After an error in a record's content the next
 * record is read; after a syntax error the reader resynchronises at the next
 * line that starts with '{' or '[' (NDJSON), or stops when it was inside an
 * array, whose framing is then lost.  A key given twice in one object is an
 * error (json-c alone would keep the last one silently).
 */
#include <inttypes.h>
#include <string.h>

#include <json-c/json.h>

#include "jsonscan.h"
#include "svmcheck/check.h"
#include "vmcb/reader.h"

#define JSON_VALUE_MAX (1u << 20) /* a record is ~7 KiB compact, ~12 KiB pretty */
#define JSON_DEPTH_MAX 16
#define JSON_INT_MAX (UINT64_C(1) << 53)

struct json_state {
	struct svmc_dupscan dup;
	struct json_tokener *tok;
	uint64_t line;     /* 1-based line of the byte at the source position */
	uint64_t position; /* records and bad records seen: the next index */
	bool in_array;
	bool expect_sep;  /* in an array, after an element: ',' or ']' */
	bool after_comma; /* in an array, after ',': a value must follow */
	bool resync;      /* after a syntax error outside an array */
	bool bol;         /* only whitespace since the last newline */
};

static struct json_state *st_of(struct svmc_reader *r)
{
	return r->state;
}

static bool all_ws(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			return false;
	return true;
}

/* Consume n bytes at the source position, counting newlines. */
static void adv(struct svmc_reader *r, size_t n)
{
	struct json_state *st = st_of(r);
	const unsigned char *p = src_ptr(&r->src), *end = p + n, *last;

	last = n ? memrchr(p, '\n', n) : NULL;
	if (last) {
		while (p <= last && (p = memchr(p, '\n', (size_t)(last + 1 - p))) != NULL) {
			st->line++;
			p++;
		}
		st->bol = all_ws(last + 1, (size_t)(end - last - 1));
	} else {
		st->bol = st->bol && all_ws(p, n);
	}
	src_consume(&r->src, n);
}

/* Skip whitespace; false at end of input. */
static bool skip_ws(struct svmc_reader *r)
{
	for (;;) {
		size_t n = src_avail(&r->src), i = 0;
		const unsigned char *p;

		if (n == 0)
			n = svmc_src_fill(&r->src, 1);
		if (n == 0)
			return false;
		p = src_ptr(&r->src);
		while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
			i++;
		adv(r, i);
		if (i < n)
			return true;
	}
}

/* Skip to just after the next newline (or to the end), without buffering. */
static void skip_line(struct svmc_reader *r)
{
	for (;;) {
		size_t n = src_avail(&r->src);
		const unsigned char *nl;

		if (n == 0)
			n = svmc_src_fill(&r->src, 1);
		if (n == 0)
			return;
		nl = memchr(src_ptr(&r->src), '\n', n);
		if (nl) {
			adv(r, (size_t)(nl - src_ptr(&r->src)) + 1);
			return;
		}
		src_consume(&r->src, n);
	}
}

/*
 * Parse one JSON value at the source position.  Returns it (owned by the
 * caller) or NULL with d set: a syntax error, a value longer than
 * JSON_VALUE_MAX, or the end of input inside the value.
 */
static struct json_object *parse_value(struct svmc_reader *r, struct svmc_diag *d)
{
	struct json_state *st = st_of(r);
	size_t fed = 0;

	json_tokener_reset(st->tok);
	svmc_dupscan_reset(&st->dup);
	for (;;) {
		size_t n = src_avail(&r->src);
		struct json_object *obj;
		enum json_tokener_error err;

		if (n == 0)
			n = svmc_src_fill(&r->src, 1);
		if (n == 0) {
			/* A blank ends a bare number; anything else is cut short. */
			obj = json_tokener_parse_ex(st->tok, " ", 1);
			if (obj)
				return obj;
			d->line = st->line;
			return svmc_diag_set(
				       d, SVMC_ERR_TRUNCATED,
				       "input ends inside a JSON value (unclosed object, array "
				       "or string)"),
			       NULL;
		}
		/* The window may hold many values: feed at most what is left
		 * of this value's allowance; the tokener stops at its end. */
		if (fed >= JSON_VALUE_MAX) {
			d->line = st->line;
			svmc_diag_set(d, SVMC_ERR_LIMIT,
				      "a JSON value longer than %u bytes: not a VMCB record",
				      JSON_VALUE_MAX);
			return NULL;
		}
		if (n > JSON_VALUE_MAX - fed)
			n = JSON_VALUE_MAX - fed;
		obj = json_tokener_parse_ex(st->tok, (const char *)src_ptr(&r->src), (int)n);
		err = json_tokener_get_error(st->tok);
		if (obj) {
			svmc_dupscan_feed(&st->dup, src_ptr(&r->src),
					  json_tokener_get_parse_end(st->tok));
			adv(r, json_tokener_get_parse_end(st->tok));
			return obj;
		}
		if (err == json_tokener_continue) {
			svmc_dupscan_feed(&st->dup, src_ptr(&r->src), n);
			adv(r, n);
			fed += n;
			continue;
		}
		adv(r, json_tokener_get_parse_end(st->tok));
		d->line = st->line;
		svmc_diag_set(d, err == json_tokener_error_depth ? SVMC_ERR_LIMIT : SVMC_ERR_FORMAT,
			      "invalid JSON: %s%s", json_tokener_error_desc(err),
			      err == json_tokener_error_depth ? " (more than 16 levels)" : "");
		return NULL;
	}
}

/* "control.asid" style path into buf for messages. */
static const char *kpath(char *buf, size_t n, const char *a, const char *b, const char *c)
{
	/* a path cut short in a message is harmless */
	int rc = snprintf(buf, n, "%s%s%s%s%s", a, b ? "." : "", b ? b : "", c ? "." : "",
			  c ? c : "");

	if (rc < 0)
		buf[0] = '\0';
	return buf;
}

/*
 * A value of `bits` width from a hex string or a small integer.  Returns
 * SVMC_OK with *v set, or an error naming `path` with *v set to 0.
 */
static enum svmc_err get_uint(struct json_object *val, unsigned bits, const char *path, uint64_t *v,
			      struct svmc_diag *d)
{
	uint64_t x;

	*v = 0;
	if (json_object_get_type(val) == json_type_string) {
		const char *s = json_object_get_string(val);
		size_t len = (size_t)json_object_get_string_len(val);

		if (len < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') ||
		    !svmc_parse_hex(s, len, &x)) {
			size_t i = 2;
			if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
				while (i < len && s[i] == '0')
					i++;
				/* all hex but more than 16 significant digits: too wide */
				bool allhex = i < len;
				for (size_t k = i; k < len && allhex; k++)
					allhex = (s[k] >= '0' && s[k] <= '9') ||
						 ((s[k] | 0x20) >= 'a' && (s[k] | 0x20) <= 'f');
				if (allhex)
					return svmc_diag_set(
						d, SVMC_ERR_RANGE,
						"%s: \"%.40s\" is wider than the field's %u bits",
						path, s, bits);
			}
			return svmc_diag_set(d, SVMC_ERR_FORMAT,
					     "%s: \"%.40s\" is not a hex string like \"0x1d01\"",
					     path, s);
		}
	} else if (json_object_get_type(val) == json_type_int) {
		int64_t i = json_object_get_int64(val);
		if (i < 0 || (uint64_t)i > JSON_INT_MAX)
			return svmc_diag_set(d, SVMC_ERR_RANGE,
					     "%s: integer %s is negative or above 2^53; give large "
					     "values as hex strings \"0x…\"",
					     path, json_object_to_json_string(val));
		x = (uint64_t)i;
	} else {
		return svmc_diag_set(d, SVMC_ERR_FORMAT,
				     "%s: expected a hex string like \"0x1d01\" or null, got %s",
				     path, svmc_json_type_word(val));
	}
	if (bits < 64 && (x >> bits))
		return svmc_diag_set(d, SVMC_ERR_RANGE,
				     "%s: 0x%" PRIx64 " is wider than the field's %u bits", path, x,
				     bits);
	*v = x;
	return SVMC_OK;
}

/* Exactly 2*size hex digits (no prefix) into p. */
static enum svmc_err get_bytes(struct json_object *val, unsigned char *p, size_t size,
			       const char *path, struct svmc_diag *d)
{
	const char *s;
	size_t len;

	if (json_object_get_type(val) != json_type_string)
		return svmc_diag_set(d, SVMC_ERR_FORMAT,
				     "%s: expected a string of %zu hex digits, got %s", path,
				     2 * size, svmc_json_type_word(val));
	s = json_object_get_string(val);
	len = (size_t)json_object_get_string_len(val);
	if (len != 2 * size)
		return svmc_diag_set(
			d, len > 2 * size ? SVMC_ERR_RANGE : SVMC_ERR_FORMAT,
			"%s: %zu characters, expected exactly %zu hex digits (%zu bytes)", path,
			len, 2 * size, size);
	for (size_t i = 0; i < size; i++) {
		uint64_t b;
		if (!svmc_parse_hex(s + 2 * i, 2, &b) || s[2 * i] == 'x' || s[2 * i + 1] == 'x')
			return svmc_diag_set(d, SVMC_ERR_FORMAT,
					     "%s: '%.2s' at character %zu is not hex", path,
					     s + 2 * i, 2 * i);
		p[i] = (unsigned char)b;
	}
	return SVMC_OK;
}

static void mark_unknown(struct svmc_record *rec, enum svmc_field_id f)
{
	rec->known[f >> 6] &= ~(UINT64_C(1) << (f & 63));
}

/*
 * A segment object: its four sub-fields, each a value or null.  The known
 * mask has one bit per segment, so a null sub-field makes the whole segment
 * unknown (*whole false): the checks that read it are then reported as not
 * evaluated, never computed from a guessed value.  *no_limit: the limit was
 * the only null (no check reads a limit; the caller keeps CS known then).
 */
static enum svmc_err get_seg(struct json_object *val, struct svmc_vmcb_seg *seg, bool *whole,
			     bool *no_limit, const char *path, struct svmc_diag *d)
{
	unsigned nulls = 0;

	static const char *const keys[4] = { "selector", "attrib", "limit", "base" };
	static const unsigned bits[4] = { 16, 16, 32, 64 };
	uint64_t v[4];
	char p[96];
	enum svmc_err e;

	if (json_object_get_type(val) != json_type_object)
		return svmc_diag_set(d, SVMC_ERR_FORMAT,
				     "%s: expected an object {\"selector\", \"attrib\", \"limit\", "
				     "\"base\"} or null, got %s",
				     path, svmc_json_type_word(val));
	/* json-c's iteration macro, braced like a for loop */
	/* clang-format off */
	json_object_object_foreach(val, k, sv) {
		/* clang-format on */
		bool ok = false;
		for (int i = 0; i < 4; i++)
			ok |= strcmp(k, keys[i]) == 0;
		(void)sv;
		if (!ok)
			return svmc_diag_set(
				d, SVMC_ERR_FORMAT,
				"%s: unknown key \"%.40s\" (a segment has selector, attrib, "
				"limit, base)",
				path, k);
	}
	for (int i = 0; i < 4; i++) {
		struct json_object *sub;
		if (!json_object_object_get_ex(val, keys[i], &sub))
			return svmc_diag_set(
				d, SVMC_ERR_FORMAT,
				"%s: \"%s\" is missing (give the whole segment, or null)", path,
				keys[i]);
		v[i] = 0;
		if (json_object_get_type(sub) == json_type_null) {
			*whole = false;
			nulls |= 1u << i;
			continue;
		}
		e = get_uint(sub, bits[i], kpath(p, sizeof(p), path, keys[i], NULL), &v[i], d);
		if (e)
			return e;
	}
	seg->selector = (uint16_t)v[0];
	seg->attrib = (uint16_t)v[1];
	seg->limit = (uint32_t)v[2];
	seg->base = v[3];
	*no_limit = nulls == 1u << 2; /* only the limit is null */
	return SVMC_OK;
}

/* The "control" or "save" object. */
static enum svmc_err get_area(struct json_object *obj, enum svmc_area area, const char *aname,
			      struct svmc_record *rec, struct svmc_diag *d)
{
	uint64_t seen[SVMC_KNOWN_WORDS] = { 0 };
	char p[96];
	enum svmc_err e;

	if (json_object_get_type(obj) == json_type_null)
		return SVMC_OK;
	if (json_object_get_type(obj) != json_type_object)
		return svmc_diag_set(d, SVMC_ERR_FORMAT, "\"%s\": expected an object, got %s",
				     aname, svmc_json_type_word(obj));
	/* json-c's iteration macro, braced like a for loop */
	/* clang-format off */
	json_object_object_foreach(obj, key, val) {
		/* clang-format on */
		const struct svmc_field *f = svmc_field_lookup(key, strlen(key), area);
		unsigned char *bp;

		kpath(p, sizeof(p), aname, key, NULL);
		if (!f || f->kind == SVMC_FK_RESERVED)
			return svmc_diag_set(d, SVMC_ERR_FORMAT, "unknown key \"%.60s\" in \"%s\"",
					     key, aname);
		if ((seen[f->id >> 6] >> (f->id & 63)) & 1)
			return svmc_diag_set(d, SVMC_ERR_CONFLICT,
					     "%s: field %s.%s is given twice (under another name)",
					     p, aname, f->json);
		seen[f->id >> 6] |= UINT64_C(1) << (f->id & 63);
		if (json_object_get_type(val) == json_type_null)
			continue;
		bp = (unsigned char *)&rec->vmcb + f->offset;
		switch (f->kind) {
		case SVMC_FK_SEG: {
			bool whole = true, no_limit = false;
			e = get_seg(val, svmc_field_seg(rec, f->id), &whole, &no_limit, p, d);
			if (e)
				return e;
			/* CS without its limit is what svmcheck writes for a Jailhouse dump */
			if (f->id == SVMC_F_CS && no_limit) {
				rec->cs_limit_unknown = true;
				whole = true;
			}
			if (whole)
				svmc_mark_known(rec, f->id);
			break;
		}
		case SVMC_FK_BYTES:
			e = get_bytes(val, bp, f->size, p, d);
			if (e)
				return e;
			svmc_mark_known(rec, f->id);
			break;
		default: {
			uint64_t v;
			e = get_uint(val, 8u * f->size, p, &v, d);
			if (e)
				return e;
			svmc_field_set(rec, f->id, v);
			break;
		}
		}
	}
	return SVMC_OK;
}

/* The "reserved" object: present means every reserved range is known. */
static enum svmc_err get_reserved(struct json_object *obj, struct svmc_record *rec,
				  struct svmc_diag *d)
{
	char p[96];
	enum svmc_err e;

	if (json_object_get_type(obj) == json_type_null)
		return SVMC_OK;
	if (json_object_get_type(obj) != json_type_object)
		return svmc_diag_set(d, SVMC_ERR_FORMAT, "\"reserved\": expected an object, got %s",
				     svmc_json_type_word(obj));
	for (unsigned i = 0; i < SVMC_F_COUNT; i++)
		if (svmc_fields[i].kind == SVMC_FK_RESERVED)
			svmc_mark_known(rec, (enum svmc_field_id)i);
	/* json-c's iteration macro, braced like a for loop */
	/* clang-format off */
	json_object_object_foreach(obj, key, val) {
		/* clang-format on */
		const struct svmc_field *f = svmc_field_lookup(key, strlen(key), SVMC_AREA_PAGE);

		kpath(p, sizeof(p), "reserved", key, NULL);
		if (!f || f->kind != SVMC_FK_RESERVED)
			return svmc_diag_set(
				d, SVMC_ERR_FORMAT,
				"unknown key \"%.60s\" in \"reserved\" (reserved ranges are "
				"named reserved_0x018 ... reserved_0x6e8)",
				key);
		if (json_object_get_type(val) == json_type_null) {
			mark_unknown(rec, f->id);
			continue;
		}
		e = get_bytes(val, (unsigned char *)&rec->vmcb + f->offset, f->size, p, d);
		if (e)
			return e;
	}
	return SVMC_OK;
}

/* "origin" (a string, checked by the caller): one of svmc_origin_name's names. */
static enum svmc_err get_origin(struct json_object *val, struct svmc_record *rec,
				struct svmc_diag *d)
{
	const char *s = json_object_get_string(val);
	size_t len = (size_t)json_object_get_string_len(val);
	char names[96];
	size_t used = 0;

	if (svmc_origin_parse(s, len, &rec->origin) == 0)
		return SVMC_OK;
	names[0] = '\0';
	for (unsigned i = 0; i < SVMC_ORIGIN_COUNT && used < sizeof(names); i++) {
		int w = snprintf(names + used, sizeof(names) - used, "%s%s", i ? ", " : "",
				 svmc_origin_name((enum svmc_origin)i));
		if (w < 0)
			break;
		used += (size_t)w;
	}
	/* a NUL inside the string would otherwise show a valid name */
	return svmc_diag_set(d, SVMC_ERR_FORMAT, "\"origin\": \"%.40s\"%s is not an origin (%s)", s,
			     strlen(s) != len ? " (with a NUL byte)" : "", names);
}

/*
 * "captured_check" (a trace record, svmcheck-json(5)): a check ID, the
 * check KVM's kvm_nested_vmenter_failed named; null names none.
 */
static enum svmc_err get_captured_check(struct json_object *val, struct svmc_record *rec,
					struct svmc_diag *d)
{
	enum svmc_check_id id;

	if (json_object_get_type(val) == json_type_null)
		return SVMC_OK;
	if (json_object_get_type(val) != json_type_string)
		return svmc_diag_set(d, SVMC_ERR_FORMAT,
				     "\"captured_check\": expected a check ID or null, got %s",
				     svmc_json_type_word(val));
	if (svmc_check_lookup(json_object_get_string(val), &id) != 0)
		return svmc_diag_set(
			d, SVMC_ERR_FORMAT,
			"\"captured_check\": \"%.40s\" is not a check ID (svmcheck checks "
			"lists them)",
			json_object_get_string(val));
	rec->captured_cc = true;
	rec->captured_checks = SVMC_CHECK_BIT(id);
	return SVMC_OK;
}

/*
 * The members of "nested_state": the header's integers, and the three SVM
 * flags as booleans, which repeat bits of "flags".
 */
static const struct {
	const char *key;
	unsigned bits;    /* integer members: the width; 0 for a flag boolean */
	uint16_t mask;    /* integer members: their SVMC_NSK_* bit; booleans: their flag */
	const char *flag; /* booleans: the flag's name */
} nstate_keys[] = {
	{ "flags", 16, SVMC_NSK_FLAGS, NULL },
	{ "guest_mode", 0, SVMC_NSTATE_GUEST_MODE, "GUEST_MODE" },
	{ "run_pending", 0, SVMC_NSTATE_RUN_PENDING, "RUN_PENDING" },
	{ "gif_set", 0, SVMC_NSTATE_GIF_SET, "GIF_SET" },
	{ "format", 16, SVMC_NSK_FORMAT, NULL },
	{ "size", 32, SVMC_NSK_SIZE, NULL },
	{ "vmcb_pa", 64, SVMC_NSK_VMCB_PA, NULL },
};
#define NSTATE_KEYS (sizeof(nstate_keys) / sizeof(nstate_keys[0]))

static void nstate_store(struct svmc_nstate *h, uint16_t nsk, uint64_t v)
{
	/* get_uint has checked v against the member's width */
	if (nsk == SVMC_NSK_FLAGS)
		h->flags = (uint16_t)v;
	else if (nsk == SVMC_NSK_FORMAT)
		h->format = (uint16_t)v;
	else if (nsk == SVMC_NSK_SIZE)
		h->size = (uint32_t)v;
	else
		h->vmcb_pa = v;
	h->known |= (uint8_t)nsk;
}

/*
 * "nested_state": the KVM_GET_NESTED_STATE header of a record of origin
 * nested_state (so "origin" must say so).  Each member given is known, null
 * or absent is unknown.  A boolean must agree with "flags" when both are
 * given; without "flags", the three booleans together state the flags (no
 * other bit set), fewer of them leave the flags unknown.
 */
static enum svmc_err get_nstate(struct json_object *obj, struct svmc_record *rec,
				struct svmc_diag *d)
{
	struct svmc_nstate *h = &rec->nstate;
	uint16_t bset = 0, bval = 0; /* the flags the booleans state, and their values */
	char p[96];
	enum svmc_err e;

	if (json_object_get_type(obj) == json_type_null)
		return SVMC_OK;
	if (json_object_get_type(obj) != json_type_object)
		return svmc_diag_set(d, SVMC_ERR_FORMAT,
				     "\"nested_state\": expected an object, got %s",
				     svmc_json_type_word(obj));
	if (rec->origin != SVMC_ORIGIN_NESTED_STATE)
		return svmc_diag_set(d, SVMC_ERR_CONFLICT,
				     "\"nested_state\" is the header of a KVM_GET_NESTED_STATE "
				     "blob, but the record's origin is %s (give \"origin\": "
				     "\"nested_state\")",
				     svmc_origin_name(rec->origin));
	/* json-c's iteration macro, braced like a for loop */
	/* clang-format off */
	json_object_object_foreach(obj, key, val) {
		/* clang-format on */
		size_t i = 0;
		uint64_t v;

		while (i < NSTATE_KEYS && strcmp(key, nstate_keys[i].key) != 0)
			i++;
		if (i == NSTATE_KEYS)
			return svmc_diag_set(
				d, SVMC_ERR_FORMAT,
				"unknown key \"%.60s\" in \"nested_state\" (expected "
				"flags, guest_mode, run_pending, gif_set, format, size, "
				"vmcb_pa)",
				key);
		kpath(p, sizeof(p), "nested_state", key, NULL);
		if (json_object_get_type(val) == json_type_null)
			continue;
		if (nstate_keys[i].bits == 0) {
			if (json_object_get_type(val) != json_type_boolean)
				return svmc_diag_set(d, SVMC_ERR_FORMAT,
						     "%s: expected true, false or null, got %s", p,
						     svmc_json_type_word(val));
			bset |= nstate_keys[i].mask;
			if (json_object_get_boolean(val))
				bval |= nstate_keys[i].mask;
			continue;
		}
		e = get_uint(val, nstate_keys[i].bits, p, &v, d);
		if (e)
			return e;
		nstate_store(h, nstate_keys[i].mask, v);
	}
	if (!(h->known & SVMC_NSK_FLAGS)) {
		if (bset == SVMC_NSTATE_FLAGS_SVM)
			nstate_store(h, SVMC_NSK_FLAGS, bval);
		return SVMC_OK;
	}
	for (size_t i = 0; i < NSTATE_KEYS; i++) {
		uint16_t bit = nstate_keys[i].mask;

		if (nstate_keys[i].bits || !(bset & bit) || !((h->flags ^ bval) & bit))
			continue;
		return svmc_diag_set(d, SVMC_ERR_CONFLICT,
				     "nested_state.%s is %s but nested_state.flags 0x%04x has %s "
				     "(0x%x) %s",
				     nstate_keys[i].key, (bval & bit) ? "true" : "false", h->flags,
				     nstate_keys[i].flag, bit, (h->flags & bit) ? "set" : "clear");
	}
	return SVMC_OK;
}

/* Is the top-level metadata key k of the right type?  NULL if k is unknown. */
static const char *meta_type_ok(const char *k, struct json_object *v, bool *ok)
{
	static const struct {
		const char *key;
		enum json_type type;
		const char *want;
	} meta[] = {
		{ "input", json_type_string, "a string" },
		{ "index", json_type_int, "an integer" },
		{ "line", json_type_int, "an integer" },
		{ "offset", json_type_int, "an integer" },
		{ "format", json_type_string, "a string" },
		{ "origin", json_type_string, "a string" },
	};
	for (size_t i = 0; i < sizeof(meta) / sizeof(meta[0]); i++) {
		if (strcmp(k, meta[i].key) == 0) {
			*ok = json_object_get_type(v) == meta[i].type;
			return meta[i].want;
		}
	}
	return NULL;
}

/* A record object into rec. */
static enum svmc_err convert(struct json_object *obj, struct svmc_record *rec, struct svmc_diag *d)
{
	enum svmc_err e;

	/* json-c's iteration macro, braced like a for loop */
	/* clang-format off */
	json_object_object_foreach(obj, key, val) {
		/* clang-format on */
		bool ok = true;
		const char *want;

		if (strcmp(key, "type") == 0 || strcmp(key, "control") == 0 ||
		    strcmp(key, "save") == 0 || strcmp(key, "reserved") == 0 ||
		    strcmp(key, "nested_state") == 0)
			continue;
		if (strcmp(key, "captured_check") == 0) {
			e = get_captured_check(val, rec, d);
			if (e)
				return e;
			continue;
		}
		want = meta_type_ok(key, val, &ok);
		if (!want)
			return svmc_diag_set(
				d, SVMC_ERR_FORMAT,
				"unknown key \"%.60s\" in a VMCB record (expected type, "
				"input, index, line, offset, format, origin, captured_check, "
				"nested_state, control, save, reserved)",
				key);
		if (!ok)
			return svmc_diag_set(d, SVMC_ERR_FORMAT, "\"%s\": expected %s, got %s", key,
					     want, svmc_json_type_word(val));
	}
	{
		struct json_object *v;
		if (json_object_object_get_ex(obj, "origin", &v)) {
			e = get_origin(v, rec, d);
			if (e)
				return e;
		}
		if (json_object_object_get_ex(obj, "nested_state", &v)) {
			e = get_nstate(v, rec, d);
			if (e)
				return e;
		}
		if (json_object_object_get_ex(obj, "control", &v)) {
			e = get_area(v, SVMC_AREA_CONTROL, "control", rec, d);
			if (e)
				return e;
		}
		if (json_object_object_get_ex(obj, "save", &v)) {
			e = get_area(v, SVMC_AREA_SAVE, "save", rec, d);
			if (e)
				return e;
		}
		if (json_object_object_get_ex(obj, "reserved", &v)) {
			e = get_reserved(v, rec, d);
			if (e)
				return e;
		}
	}
	return SVMC_OK;
}

static enum svmc_err json_init(struct svmc_reader *r, struct svmc_diag *d)
{
	struct json_state *st = st_of(r);

	st->line = 1;
	st->bol = true;
	st->tok = json_tokener_new_ex(JSON_DEPTH_MAX);
	if (!st->tok)
		return svmc_diag_set(d, SVMC_ERR_NOMEM, "out of memory");
	json_tokener_set_flags(st->tok, JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS |
						JSON_TOKENER_VALIDATE_UTF8);
	if (svmc_src_fill(&r->src, 3) >= 3 && memcmp(src_ptr(&r->src), "\xef\xbb\xbf", 3) == 0)
		src_consume(&r->src, 3); /* UTF-8 byte order mark */
	return SVMC_OK;
}

static void json_fini(struct svmc_reader *r)
{
	struct json_state *st = st_of(r);

	if (st && st->tok)
		json_tokener_free(st->tok);
	if (st)
		st->tok = NULL;
}

/* An error that ends the input (array framing lost). */
static enum svmc_err fail(struct svmc_reader *r, struct svmc_diag *d, enum svmc_err code,
			  const char *msg)
{
	d->line = st_of(r)->line;
	r->failed = true;
	return svmc_diag_set(d, code, "%s", msg);
}

static enum svmc_err json_next(struct svmc_reader *r, struct svmc_record *rec, struct svmc_diag *d)
{
	struct json_state *st = st_of(r);

	for (;;) {
		struct json_object *obj, *tv;
		const char *type = NULL;
		uint64_t line, pos;
		enum svmc_err e;
		unsigned char c;

		if (st->resync) {
			/*
			 * Skip the rest of the line the error was on (unless it
			 * was found at the start of a line), then lines until one
			 * opens an object or an array.
			 */
			if (!st->bol)
				skip_line(r);
			for (;;) {
				if (!skip_ws(r))
					break;
				c = *src_ptr(&r->src);
				if (c == '{' || c == '[')
					break;
				skip_line(r);
			}
			st->resync = false;
		}
		if (!skip_ws(r)) {
			if (st->in_array) {
				st->in_array = false;
				return fail(r, d, SVMC_ERR_TRUNCATED,
					    "input ends inside a JSON array (no closing ']')");
			}
			return SVMC_ERR_EMPTY;
		}
		c = *src_ptr(&r->src);
		if (st->in_array && st->expect_sep) {
			if (c == ',') {
				adv(r, 1);
				st->expect_sep = false;
				st->after_comma = true;
				continue;
			}
			if (c == ']') {
				adv(r, 1);
				st->in_array = false;
				continue;
			}
			return fail(r, d, SVMC_ERR_FORMAT,
				    "invalid JSON: expected ',' or ']' after an array element");
		}
		if (st->in_array && (c == ']' || c == ',')) {
			if (c == ']' && !st->after_comma) {
				adv(r, 1);
				st->in_array = false;
				continue;
			}
			return fail(r, d, SVMC_ERR_FORMAT,
				    "invalid JSON: a value must follow ',' in an array");
		}
		if (!st->in_array && c == '[') {
			adv(r, 1);
			st->in_array = true;
			st->expect_sep = false;
			st->after_comma = false;
			continue;
		}

		line = st->line;
		pos = st->position;
		d->index = pos;
		obj = parse_value(r, d);
		if (!obj) {
			st->position++;
			if (st->in_array) {
				r->failed = true;
			} else {
				st->resync = true;
			}
			return d->code;
		}
		if (st->in_array) {
			st->expect_sep = true;
			st->after_comma = false;
		}
		d->line = line;
		if (json_object_get_type(obj) != json_type_object) {
			st->position++;
			e = svmc_diag_set(d, SVMC_ERR_FORMAT,
					  "%s is not a VMCB record (an object is expected)",
					  svmc_json_type_word(obj));
			json_object_put(obj);
			return e;
		}
		if (json_object_object_get_ex(obj, "type", &tv)) {
			if (json_object_get_type(tv) != json_type_string) {
				st->position++;
				e = svmc_diag_set(d, SVMC_ERR_FORMAT,
						  "\"type\": expected a string, got %s",
						  svmc_json_type_word(tv));
				json_object_put(obj);
				return e;
			}
			type = json_object_get_string(tv);
			if (strcmp(type, "summary") == 0 || strcmp(type, "error") == 0) {
				json_object_put(obj); /* inspect -j bookkeeping, not a record */
				continue;
			}
			if (strcmp(type, "vmcb") != 0) {
				st->position++;
				e = svmc_diag_set(d, SVMC_ERR_FORMAT,
						  "\"type\": \"%.40s\" is not a record type (vmcb, "
						  "summary, error)",
						  type);
				json_object_put(obj);
				return e;
			}
		}
		st->position++;
		if (st->dup.dup) {
			e = svmc_diag_set(d, SVMC_ERR_CONFLICT,
					  "key \"%s\" appears twice in one object",
					  st->dup.dup_key);
			json_object_put(obj);
			return e;
		}
		e = convert(obj, rec, d);
		json_object_put(obj);
		if (e)
			return e;
		rec->index = pos;
		rec->line = line;
		return SVMC_OK;
	}
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

/* The text opens (after a BOM and blank space) with '{', or '[' that starts an array. */
static enum svmc_probe_score json_probe(const unsigned char *b, size_t n)
{
	size_t i = svmc_probe_text_start(b, n);

	if (svmc_journal_kind(b, n))
		return SVMC_PROBE_NONE; /* journald's entries: kernel log text (kvm_dump.c) */
	if (i < n && b[i] == '{')
		return SVMC_PROBE_SYNTAX;
	if (i < n && b[i] == '[' && json_array_start(b + i + 1, n - i - 1))
		return SVMC_PROBE_SYNTAX;
	return SVMC_PROBE_NONE;
}

static const struct svmc_format_ops json_ops = {
	.format = SVMC_FMT_JSON,
	.origin = SVMC_ORIGIN_PAGE,
	.state_size = sizeof(struct json_state),
	.init = json_init,
	.next = json_next,
	.fini = json_fini,
};

const struct svmc_format_row svmc_json_format = {
	.name = "json",
	.probe = json_probe,
	.best = SVMC_PROBE_SYNTAX,
	.ops = &json_ops,
	.summary = "svmcheck's VMCB JSON: an object, an array of objects or NDJSON (inspect -j)",
};
