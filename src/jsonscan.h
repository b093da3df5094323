/*
 * jsonscan.h - what both JSON readers (VMCB records, src/vmcb/json.c; CPU
 * profiles, src/cpu/json.c) need beside json-c: a scanner that finds keys
 * repeated within one object, and the words for a JSON value's type in
 * messages.  Private to the library.
 *
 * json-c keeps the last of two equal keys without a word (its object add
 * replaces), so the bytes handed to the tokener are also fed to this
 * scanner: a depth stack of objects, each with the hashes of the keys seen
 * so far (objects with more than SVMC_DUPSCAN_KEYS keys are checked for
 * their first SVMC_DUPSCAN_KEYS only; objects nested deeper than
 * SVMC_DUPSCAN_DEPTH, which both tokeners refuse anyway, are not checked).
 */
#ifndef SVMCHECK_JSONSCAN_H
#define SVMCHECK_JSONSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#define SVMC_DUPSCAN_KEYS 64
#define SVMC_DUPSCAN_DEPTH 32

struct svmc_dupscan {
	int depth; /* open containers */
	bool in_str, esc, is_key;
	bool is_obj[SVMC_DUPSCAN_DEPTH + 2];
	bool want_key[SVMC_DUPSCAN_DEPTH + 2];
	uint16_t nkeys[SVMC_DUPSCAN_DEPTH + 2];
	uint64_t keys[SVMC_DUPSCAN_DEPTH + 2][SVMC_DUPSCAN_KEYS];
	uint64_t h;   /* hash of the key being read */
	char key[48]; /* its first bytes, for the message */
	size_t klen;
	bool dup;          /* a key repeated: the first one met is dup_key */
	char dup_key[48];  /* NUL-terminated, cut to 47 bytes */
	uint64_t dup_line; /* 1-based line of the repeated key in what was fed */
	uint64_t line;     /* lines fed so far, + 1 */
};

/* Start a new document (a new value at top level). */
void svmc_dupscan_reset(struct svmc_dupscan *ds);

/* Feed the next n bytes of the document (any split; strings may span calls). */
void svmc_dupscan_feed(struct svmc_dupscan *ds, const unsigned char *p, size_t n);

/* "null", "a boolean", "a non-integer number", "an integer", "an object",
 * "an array", "a string": for "expected X, got Y" messages. */
const char *svmc_json_type_word(struct json_object *v);

#endif /* SVMCHECK_JSONSCAN_H */
