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
#include "svmcheck/check.h"
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
			{ .key = "selector", .v = s->selector, .digits = 4 },
			{ .key = "attrib", .v = s->attrib, .digits = 4 },
			{ .key = "limit",
			  .v = s->limit,
			  .digits = 8,
			  .unknown = f->id == SVMC_F_CS && r->cs_limit_unknown },
			{ .key = "base", .v = s->base, .digits = 16 },
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

bool svmc_vmcb_header_only(const struct svmc_record *r)
{
	const struct svmc_nstate *h = &r->nstate;

	/* a size of 4224 says a vmcb12 follows: unknown fields are then just unknown */
	if (r->origin != SVMC_ORIGIN_NESTED_STATE ||
	    ((h->known & SVMC_NSK_SIZE) && h->size >= SVMC_NSTATE_FULL_SIZE))
		return false;
	for (unsigned w = 0; w < SVMC_KNOWN_WORDS; w++)
		if (r->known[w])
			return false;
	return true;
}

/* The origin in words, for the text listing (svmc_origin_name's key in JSON). */
static const char *origin_words(const struct svmc_record *r)
{
	if (r->origin == SVMC_ORIGIN_HARDWARE) {
		if (r->format == SVMC_FMT_KVM_DUMP)
			return "a VMCB the CPU ran; KVM dump_vmcb";
		if (r->format == SVMC_FMT_XEN_DUMP)
			return "a VMCB the CPU ran; Xen svm_vmcb_dump";
		return "a VMCB the CPU ran";
	}
	if (r->origin == SVMC_ORIGIN_NESTED_STATE)
		return "KVM_GET_NESTED_STATE";
	if (r->origin == SVMC_ORIGIN_TRACE)
		return "a vmcb12 as KVM's tracepoints show it: the fields they print";
	return "taken to be a vmcb12 as L1 wrote it";
}

/* A number member: a JSON number, in text a row aligned with the hex rows. */
static void kv_number(struct svmc_kv *k, const char *name, uint64_t v, const char *note)
{
	svmc_emit_u64(k->o, name, v);
	if (note[0])
		svmc_emit_printf(k->o, "  %-*s %-*" PRIu64 " %s\n", k->name_w, name, k->value_w, v,
				 note);
	else
		svmc_emit_printf(k->o, "  %-*s %" PRIu64 "\n", k->name_w, name, v);
}

/*
 * The KVM_GET_NESTED_STATE header: flags (with the three SVM flags as
 * booleans in JSON), format, size and vmcb_pa; members the input did not
 * state are unknown (null, ?).
 */
static void write_nstate(struct svmc_kv *k, const struct svmc_nstate *h)
{
	static const struct {
		const char *key;
		uint16_t bit;
	} flag_keys[] = {
		{ "guest_mode", SVMC_NSTATE_GUEST_MODE },
		{ "run_pending", SVMC_NSTATE_RUN_PENDING },
		{ "gif_set", SVMC_NSTATE_GIF_SET },
	};
	char dec[SVMC_DECODE_MAX];

	svmc_kv_begin(k, "nested_state", "Nested-state header (KVM_GET_NESTED_STATE)");
	if (h->known & SVMC_NSK_FLAGS)
		svmc_kv_hex(k, "flags", h->flags, 4,
			    svmc_decode_nstate_flags(h->flags, dec, sizeof(dec)));
	else
		svmc_kv_unknown(k, "flags");
	for (size_t i = 0; i < sizeof(flag_keys) / sizeof(flag_keys[0]); i++) {
		if (h->known & SVMC_NSK_FLAGS)
			svmc_emit_bool(k->o, flag_keys[i].key, h->flags & flag_keys[i].bit);
		else
			svmc_emit_null(k->o, flag_keys[i].key);
	}
	if (h->known & SVMC_NSK_FORMAT)
		kv_number(k, "format", h->format,
			  h->format == SVMC_NSTATE_FORMAT_SVM ? "SVM" :
			  h->format == 0                      ? "VMX" :
								"unknown");
	else
		svmc_kv_unknown(k, "format");
	if (h->known & SVMC_NSK_SIZE)
		kv_number(k, "size", h->size,
			  h->size == SVMC_NSTATE_FULL_SIZE ? "header and vmcb12" :
			  h->size == SVMC_NSTATE_HDR_SIZE  ? "header only" :
							     "");
	else
		svmc_kv_unknown(k, "size");
	if (h->known & SVMC_NSK_VMCB_PA)
		svmc_kv_hex(k, "vmcb_pa", h->vmcb_pa, 16, "the vmcb12's address (GPA)");
	else
		svmc_kv_unknown(k, "vmcb_pa");
	svmc_kv_end(k);
}

/* A header without a vmcb12: said in words (text), both areas null (JSON). */
static void write_no_vmcb12(struct out *o, const struct svmc_nstate *h)
{
	svmc_emit_null(o, "control");
	svmc_emit_null(o, "save");
	if ((h->known & SVMC_NSK_FLAGS) && !(h->flags & SVMC_NSTATE_GUEST_MODE))
		svmc_emit_puts(o, "No vmcb12: the vCPU was not in guest mode (nothing nested to "
				  "restore).\n");
	else if ((h->known & SVMC_NSK_FLAGS) && (h->known & SVMC_NSK_SIZE))
		svmc_emit_puts(o, "No vmcb12, although GUEST_MODE is set: NSTATE.SIZE fails.\n");
	else
		svmc_emit_puts(o, "No vmcb12.\n");
}

/*
 * A trace record: "captured_check", the check KVM's kvm_nested_vmenter_failed
 * condition names (null when none did or when it covers several), and in
 * text the check with its APM section.
 */
static void write_captured_check(struct out *o, const struct svmc_record *r)
{
	int id = r->captured_cc ? svmc_captured_check(r, 0) : -1;
	const struct svmc_check_info *ci;

	if (id < 0) {
		svmc_emit_null(o, "captured_check");
		if (!r->captured_cc)
			return;
		if (!r->captured_checks) {
			svmc_emit_puts(o, "KVM failed this VMRUN on a condition svmcheck does not "
					  "model (kvm_nested_vmenter_failed)\n");
			return;
		}
		svmc_emit_puts(o, "KVM failed this VMRUN on one of");
		for (unsigned i = 0; i < SVMC_CHECK_COUNT; i++)
			if ((r->captured_checks >> i) & 1)
				svmc_emit_printf(o, " %s",
						 svmc_check_info((enum svmc_check_id)i)->name);
		svmc_emit_puts(o, " (kvm_nested_vmenter_failed)\n");
		return;
	}
	ci = svmc_check_info((enum svmc_check_id)id);
	svmc_emit_str(o, "captured_check", ci->name);
	if (strcmp(ci->apm, "-") == 0)
		svmc_emit_printf(o, "KVM failed this VMRUN on %s, not in the APM (%s)\n", ci->name,
				 ci->rule);
	else
		svmc_emit_printf(o, "KVM failed this VMRUN on %s, APM %s (%s)\n", ci->name, ci->apm,
				 ci->rule);
}

void svmc_vmcb_emit(struct out *o, const struct svmc_record *r, bool first)
{
	struct svmc_kv k = { .o = o, .name_w = NAME_W, .value_w = VALUE_W };
	const char *input = r->input ? r->input : "-";
	bool any_reserved_known = false, note = false;
	bool nstate = r->origin == SVMC_ORIGIN_NESTED_STATE;

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
	svmc_emit_str(o, "origin", svmc_origin_name(r->origin));
	svmc_emit_printf(o, "origin: %s (%s)\n", svmc_origin_name(r->origin), origin_words(r));
	if (r->origin == SVMC_ORIGIN_TRACE)
		write_captured_check(o, r);
	if (nstate)
		write_nstate(&k, &r->nstate);
	if (svmc_vmcb_header_only(r)) {
		write_no_vmcb12(o, &r->nstate);
		svmc_emit_obj_end(o);
		return;
	}
	for (int area = SVMC_AREA_CONTROL; area <= SVMC_AREA_SAVE; area++) {
		/* a nested-state blob pairs vmcb12's control area with L1's save area */
		if (area == SVMC_AREA_CONTROL)
			svmc_kv_begin(&k, "control",
				      nstate ? "Control area (KVM's cached vmcb12)" :
					       "Control area");
		else
			svmc_kv_begin(&k, "save",
				      nstate ? "State save area (L1's state: vmcb01, not L2's)" :
					       "State save area");
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
