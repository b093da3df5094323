/*
 * vmcb_json.c - a VMCB record for `inspect`: a JSON object or the text
 * listing (see vmcb_json.h), from one description of its fields.
 *
 * Walks the field table (svmcheck/record.h) once per area, so that a field
 * added to the table appears in the output, and the reader accepts it,
 * without touching this file.
 */
#include <inttypes.h>
#include <string.h>

#include "emit/table.h"
#include "emit/vmcb_json.h"
#include "vmcb/decode.h"

static bool all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

#define NAME_W 22  /* text: the field name column */
#define VALUE_W 18 /* text: the value column (16 hex digits and "0x") */

/* One field: the same description for both backends (table.h records). */
void svmc_vmcb_field_kv(struct svmc_kv *k, const char *name, const struct svmc_record *r,
			const struct svmc_field *f)
{
	const unsigned char *p = (const unsigned char *)&r->vmcb + f->offset;
	char dec[SVMC_DECODE_MAX];

	if (!svmc_known(r, f->id)) {
		svmc_kv_unknown(k, name);
		return;
	}
	dec[0] = '\0';
	if (k->o->mode == OUT_TEXT && f->kind != SVMC_FK_BYTES)
		svmc_decode_field(r, f->id, dec, sizeof(dec));
	switch (f->kind) {
	case SVMC_FK_SEG: {
		const struct svmc_vmcb_seg *s = svmc_field_seg_const(r, f->id);
		const struct svmc_kv_part parts[] = {
			{ "selector", s->selector, 4 },
			{ "attrib", s->attrib, 4 },
			{ "limit", s->limit, 8 },
			{ "base", s->base, 16 },
		};

		svmc_kv_group(k, name, parts, 4, dec);
		break;
	}
	case SVMC_FK_BYTES:
		svmc_kv_hexbytes(k, name, p, f->size);
		break;
	default:
		svmc_kv_hex(k, name, svmc_field_get(r, f->id), 2u * f->size, dec);
		break;
	}
}

void svmc_vmcb_emit(struct out *o, const struct svmc_record *r, bool first)
{
	struct svmc_kv k = { .o = o, .name_w = NAME_W, .value_w = VALUE_W };
	const char *input = r->input ? r->input : "-";
	bool any_reserved_known = false, note = false;

	if (!svmc_emit_json(o) && o->mode != OUT_TEXT)
		return;
	/* where the record comes from: members, or one heading line */
	if (!first)
		svmc_emit_puts(o, "\n");
	svmc_emit_obj_begin(o, NULL);
	svmc_emit_str(o, "type", "vmcb");
	svmc_emit_str(o, "input", input);
	svmc_emit_u64(o, "index", r->index);
	svmc_emit_printf(o, "%s: record %" PRIu64, svmc_input_display(r->input), r->index);
	if (r->line != SVMC_NO_LINE) {
		svmc_emit_u64(o, "line", r->line);
		svmc_emit_printf(o, ", line %" PRIu64, r->line);
	} else if (r->offset != SVMC_NO_OFFSET) {
		svmc_emit_u64(o, "offset", r->offset);
		svmc_emit_printf(o, ", offset %" PRIu64 " (0x%" PRIx64 ")", r->offset, r->offset);
	}
	svmc_emit_str(o, "format", svmc_format_name(r->format));
	svmc_emit_printf(o, ", format %s\n", svmc_format_name(r->format));
	for (int area = SVMC_AREA_CONTROL; area <= SVMC_AREA_SAVE; area++) {
		svmc_kv_begin(&k, area == SVMC_AREA_CONTROL ? "control" : "save",
			      area == SVMC_AREA_CONTROL ? "Control area" : "State save area");
		for (unsigned i = 0; i < SVMC_F_COUNT; i++) {
			const struct svmc_field *f = &svmc_fields[i];
			if ((int)f->area != area || f->kind == SVMC_FK_RESERVED)
				continue;
			svmc_vmcb_field_kv(&k, f->json, r, f);
		}
		svmc_kv_end(&k);
	}
	/*
	 * Reserved ranges: JSON lists every known non-zero one as hex bytes and
	 * every unknown one as null; text notes the known non-zero ones.
	 */
	for (unsigned i = 0; i < SVMC_F_COUNT; i++)
		if (svmc_fields[i].kind == SVMC_FK_RESERVED && svmc_known(r, (enum svmc_field_id)i))
			any_reserved_known = true;
	if (any_reserved_known)
		svmc_emit_obj_begin(o, "reserved");
	for (unsigned i = 0; i < SVMC_F_COUNT; i++) {
		const struct svmc_field *f = &svmc_fields[i];
		const unsigned char *p = (const unsigned char *)&r->vmcb + f->offset;

		if (f->kind != SVMC_FK_RESERVED)
			continue;
		if (!svmc_known(r, f->id)) {
			if (any_reserved_known)
				svmc_emit_null(o, f->json);
			continue;
		}
		if (all_zero(p, f->size))
			continue;
		svmc_emit_hexbytes(o, f->json, p, f->size); /* any_reserved_known here */
		if (!note)
			svmc_emit_puts(o, "Notes\n");
		note = true;
		svmc_emit_printf(o, "  reserved bytes 0x%03x-0x%03x (%s, %u bytes) are not zero\n",
				 f->offset, f->offset + f->size - 1u, f->json, f->size);
	}
	if (any_reserved_known)
		svmc_emit_obj_end(o);
	svmc_emit_obj_end(o);
}

void svmc_vmcb_json_write(struct out *o, const struct svmc_record *r)
{
	if (svmc_emit_json(o))
		svmc_vmcb_emit(o, r, true);
}
