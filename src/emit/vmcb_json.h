/*
 * vmcb_json.h - one VMCB record as a JSON object (svmcheck-json(5)) or as
 * the text listing of `inspect`, written through the streaming writer of
 * emit.h.  It is the `inspect -j` record and
 * the input of the json reader (src/vmcb/json.c): the two are inverse, so a
 * raw page survives raw -> JSON -> raw byte for byte.
 *
 * Shape: {"type":"vmcb","input":…,"index":N,"line":N | "offset":N,
 * "format":…,"origin":…,"nested_state":{…} (origin nested_state only),
 * "control":{…},"save":{…},"reserved":{…}}; a nested-state header without
 * a vmcb12 has "control":null,"save":null.  Integer fields are
 * "0x…" hex strings zero-padded to the field width, segments are
 * {"selector","attrib","limit","base"} objects, insn_bytes is a string of
 * 30 hex digits, unknown fields are null.  "reserved" (an addition to the
 * keys of svmcheck-json(5)) is present when any reserved range is known; it
 * holds every known non-zero reserved range as a hex byte string keyed by
 * its table name (reserved_0x018 … reserved_sw, reserved_0x6e8) and every
 * unknown one as null; a known range that is all zero is left out.
 */
#ifndef SVMCHECK_OUT_VMCB_JSON_H
#define SVMCHECK_OUT_VMCB_JSON_H

#include "emit/emit.h"
#include "svmcheck/record.h"

/*
 * Write r into o in o's mode, every field described once (table.h
 * records): in JSON one top-level object (one NDJSON line); in text a
 * heading line, the origin in words, a nested-state record's header, every
 * field of the control and save areas by name with its value and its
 * decode in words (or, for a header without a vmcb12, a line saying so),
 * and notes on non-zero reserved bytes, after a blank line unless first.  Nothing in quiet mode.  Borrows r;
 * allocates nothing.
 */
void svmc_vmcb_emit(struct out *o, const struct svmc_record *r, bool first);

/*
 * Is r a nested-state header without a vmcb12 (origin nested_state, no field
 * of the page known, and a size that is unknown or below 4224)?  inspect shows the header alone then, and has no page
 * to write for it.
 */
bool svmc_vmcb_header_only(const struct svmc_record *r);

struct svmc_kv;
/*
 * One field f of r (any kind but RESERVED) as the value `name` of k
 * (table.h): JSON a member (hex string, segment object, hex bytes, null
 * when unknown), text a line with the value and inspect's decode in words
 * ("?" when unknown).  svmc_vmcb_emit() writes every field through it;
 * `diff` writes the two sides of a field that differs.
 */
void svmc_vmcb_field_kv(struct svmc_kv *k, const char *name, const struct svmc_record *r,
			const struct svmc_field *f);

/* svmc_vmcb_emit() in JSON modes only: nothing happens otherwise. */
void svmc_vmcb_json_write(struct out *o, const struct svmc_record *r);

#endif /* SVMCHECK_OUT_VMCB_JSON_H */
