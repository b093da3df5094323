/*
 * vmcb_json.c - a VMCB record as a JSON object (see vmcb_json.h).
 *
 * Walks the field table (svmcheck/record.h) once per area, so that a field
 * added to the table appears in the output, and the reader accepts it,
 * without touching this file.
 */
#include <string.h>

#include "out/vmcb_json.h"

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
		out_null(o, f->json);
		return;
	}
	switch (f->kind) {
	case SVMC_FK_SEG: {
		const struct vmcb_seg *s = svmc_field_seg_const(r, f->id);
		out_obj_begin(o, f->json);
		out_hex(o, "selector", s->selector, 4);
		out_hex(o, "attrib", s->attrib, 4);
		out_hex(o, "limit", s->limit, 8);
		out_hex(o, "base", s->base, 16);
		out_obj_end(o);
		break;
	}
	case SVMC_FK_BYTES:
		out_hexbytes(o, f->json, p, f->size);
		break;
	default:
		out_hex(o, f->json, svmc_field_get(r, f->id), 2u * f->size);
		break;
	}
}

void svmc_vmcb_json_write(struct out *o, const struct svmc_record *r)
{
	bool any_reserved_known = false;

	if (!out_json(o))
		return;
	out_obj_begin(o, NULL);
	out_str(o, "type", "vmcb");
	out_str(o, "input", r->input ? r->input : "-");
	out_u64(o, "index", r->index);
	if (r->line != SVMC_NO_LINE)
		out_u64(o, "line", r->line);
	else if (r->offset != SVMC_NO_OFFSET)
		out_u64(o, "offset", r->offset);
	out_str(o, "format", svmc_format_name(r->format));
	for (int area = SVMC_AREA_CONTROL; area <= SVMC_AREA_SAVE; area++) {
		out_obj_begin(o, area == SVMC_AREA_CONTROL ? "control" : "save");
		for (unsigned i = 0; i < SVMC_F_COUNT; i++) {
			const struct svmc_field *f = &svmc_fields[i];
			if ((int)f->area != area || f->kind == SVMC_FK_RESERVED)
				continue;
			write_field(o, r, f);
		}
		out_obj_end(o);
	}
	for (unsigned i = 0; i < SVMC_F_COUNT; i++)
		if (svmc_fields[i].kind == SVMC_FK_RESERVED && svmc_known(r, (enum svmc_field_id)i))
			any_reserved_known = true;
	if (any_reserved_known) {
		out_obj_begin(o, "reserved");
		for (unsigned i = 0; i < SVMC_F_COUNT; i++) {
			const struct svmc_field *f = &svmc_fields[i];
			const unsigned char *p = (const unsigned char *)&r->vmcb + f->offset;
			if (f->kind != SVMC_FK_RESERVED)
				continue;
			if (!svmc_known(r, f->id))
				out_null(o, f->json);
			else if (!all_zero(p, f->size))
				out_hexbytes(o, f->json, p, f->size);
		}
		out_obj_end(o);
	}
	out_obj_end(o);
}
