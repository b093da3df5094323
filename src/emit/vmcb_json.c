/*
 * vmcb_json.c - a VMCB record as a JSON object (see vmcb_json.h).
 *
 * Walks the field table (svmcheck/record.h) once per area, so that a field
 * added to the table appears in the output, and the reader accepts it,
 * without touching this file.
 */
#include <string.h>

#include "emit/vmcb_json.h"

static bool all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void write_field(struct out *o, const struct svmc_record *r, const struct svmc_field *f)
{
	const unsigned char *p = (const unsigned char *)&r->vmcb + f->offset;

	if (!svmc_known(r, f->id)) {
		svmc_emit_null(o, f->json);
		return;
	}
	switch (f->kind) {
	case SVMC_FK_SEG: {
		const struct svmc_vmcb_seg *s = svmc_field_seg_const(r, f->id);
		svmc_emit_obj_begin(o, f->json);
		svmc_emit_hex(o, "selector", s->selector, 4);
		svmc_emit_hex(o, "attrib", s->attrib, 4);
		svmc_emit_hex(o, "limit", s->limit, 8);
		svmc_emit_hex(o, "base", s->base, 16);
		svmc_emit_obj_end(o);
		break;
	}
	case SVMC_FK_BYTES:
		svmc_emit_hexbytes(o, f->json, p, f->size);
		break;
	default:
		svmc_emit_hex(o, f->json, svmc_field_get(r, f->id), 2u * f->size);
		break;
	}
}

void svmc_vmcb_json_write(struct out *o, const struct svmc_record *r)
{
	bool any_reserved_known = false;

	if (!svmc_emit_json(o))
		return;
	svmc_emit_obj_begin(o, NULL);
	svmc_emit_str(o, "type", "vmcb");
	svmc_emit_str(o, "input", r->input ? r->input : "-");
	svmc_emit_u64(o, "index", r->index);
	if (r->line != SVMC_NO_LINE)
		svmc_emit_u64(o, "line", r->line);
	else if (r->offset != SVMC_NO_OFFSET)
		svmc_emit_u64(o, "offset", r->offset);
	svmc_emit_str(o, "format", svmc_format_name(r->format));
	for (int area = SVMC_AREA_CONTROL; area <= SVMC_AREA_SAVE; area++) {
		svmc_emit_obj_begin(o, area == SVMC_AREA_CONTROL ? "control" : "save");
		for (unsigned i = 0; i < SVMC_F_COUNT; i++) {
			const struct svmc_field *f = &svmc_fields[i];
			if ((int)f->area != area || f->kind == SVMC_FK_RESERVED)
				continue;
			write_field(o, r, f);
		}
		svmc_emit_obj_end(o);
	}
	for (unsigned i = 0; i < SVMC_F_COUNT; i++)
		if (svmc_fields[i].kind == SVMC_FK_RESERVED && svmc_known(r, (enum svmc_field_id)i))
			any_reserved_known = true;
	if (any_reserved_known) {
		svmc_emit_obj_begin(o, "reserved");
		for (unsigned i = 0; i < SVMC_F_COUNT; i++) {
			const struct svmc_field *f = &svmc_fields[i];
			const unsigned char *p = (const unsigned char *)&r->vmcb + f->offset;
			if (f->kind != SVMC_FK_RESERVED)
				continue;
			if (!svmc_known(r, f->id))
				svmc_emit_null(o, f->json);
			else if (!all_zero(p, f->size))
				svmc_emit_hexbytes(o, f->json, p, f->size);
		}
		svmc_emit_obj_end(o);
	}
	svmc_emit_obj_end(o);
}
