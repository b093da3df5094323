/*
 * jsonscan.c - the duplicate-key scanner and the type words of jsonscan.h,
 * shared by the VMCB JSON reader and the CPU profile reader.
 */
#include <string.h>

#include "jsonscan.h"

void svmc_dupscan_reset(struct svmc_dupscan *ds)
{
	ds->depth = 0;
	ds->in_str = ds->esc = ds->is_key = ds->dup = false;
	ds->dup_line = 0;
	ds->line = 1;
}

static void key_end(struct svmc_dupscan *ds)
{
	int d = ds->depth;

	for (unsigned i = 0; i < ds->nkeys[d]; i++) {
		if (ds->keys[d][i] == ds->h && !ds->dup) {
			ds->dup = true;
			ds->dup_line = ds->line;
			memcpy(ds->dup_key, ds->key, ds->klen);
			ds->dup_key[ds->klen] = '\0';
			return;
		}
	}
	if (ds->nkeys[d] < SVMC_DUPSCAN_KEYS)
		ds->keys[d][ds->nkeys[d]++] = ds->h;
}

void svmc_dupscan_feed(struct svmc_dupscan *ds, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];

		if (c == '\n')
			ds->line++;
		if (ds->in_str) {
			if (ds->esc) {
				ds->esc = false;
			} else if (c == '\\') {
				ds->esc = true;
			} else if (c == '"') {
				ds->in_str = false;
				if (ds->is_key)
					key_end(ds);
				continue;
			}
			if (ds->is_key) {
				ds->h = (ds->h ^ c) * UINT64_C(0x100000001b3);
				if (ds->klen < sizeof(ds->key) - 1)
					ds->key[ds->klen++] = (char)c;
			}
			continue;
		}
		switch (c) {
		case '"':
			ds->in_str = true;
			ds->is_key = ds->depth > 0 && ds->is_obj[ds->depth] &&
				     ds->want_key[ds->depth];
			ds->h = UINT64_C(0xcbf29ce484222325);
			ds->klen = 0;
			break;
		case '{':
		case '[':
			if (ds->depth < SVMC_DUPSCAN_DEPTH + 1) {
				ds->depth++;
				ds->is_obj[ds->depth] = c == '{';
				ds->want_key[ds->depth] = c == '{';
				ds->nkeys[ds->depth] = 0;
			}
			break;
		case '}':
		case ']':
			if (ds->depth > 0)
				ds->depth--;
			break;
		case ':':
			ds->want_key[ds->depth] = false;
			break;
		case ',':
			ds->want_key[ds->depth] = ds->is_obj[ds->depth];
			break;
		default:
			break;
		}
	}
}

const char *svmc_json_type_word(struct json_object *v)
{
	/* one JSON type a line */
	/* clang-format off */
	switch (json_object_get_type(v)) {
	case json_type_null: return "null";
	case json_type_boolean: return "a boolean";
	case json_type_double: return "a non-integer number";
	case json_type_int: return "an integer";
	case json_type_object: return "an object";
	case json_type_array: return "an array";
	case json_type_string: return "a string";
	}
	/* clang-format on */
	return "?";
}
