/*
 * fields.c - the VMCB field table, derived from struct svmc_vmcb by offsetof and
 * sizeof through the SVMC_FIELDS X-macro (svmcheck/record.h), and the
 * accessors that read and write a record's fields by table row.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "svmcheck/record.h"

#define MEMBER_SIZE(m) sizeof(((struct svmc_vmcb *)0)->m)
#define AREA_OF(off)                                         \
	((off) < SVMC_VMCB_SAVE_OFFSET ? SVMC_AREA_CONTROL : \
	 (off) < 0x6e8                 ? SVMC_AREA_SAVE :    \
					 SVMC_AREA_PAGE)

const struct svmc_field svmc_fields[SVMC_F_COUNT] = {
#define SVMC_X_ROW(id_, member, json_, aliases_, kind_, meaning_)               \
	[SVMC_F_##id_] = { .id = SVMC_F_##id_,                                  \
			   .area = AREA_OF(offsetof(struct svmc_vmcb, member)), \
			   .json = (json_),                                     \
			   .aliases = (aliases_),                               \
			   .kind = (kind_),                                     \
			   .offset = offsetof(struct svmc_vmcb, member),        \
			   .size = MEMBER_SIZE(member),                         \
			   .meaning = (meaning_) },
	SVMC_FIELDS(SVMC_X_ROW)
#undef SVMC_X_ROW
};

/* Integer kinds must have the width their kind says. */
#define SVMC_X_CHECK(id_, member, json_, aliases_, kind_, meaning_)                               \
	_Static_assert((kind_) != SVMC_FK_U8 || MEMBER_SIZE(member) == 1, #id_ " is one byte");   \
	_Static_assert((kind_) != SVMC_FK_U16 || MEMBER_SIZE(member) == 2, #id_ " is two bytes"); \
	_Static_assert((kind_) != SVMC_FK_U32 || MEMBER_SIZE(member) == 4, #id_ " is 4 bytes");   \
	_Static_assert((kind_) != SVMC_FK_U64 || MEMBER_SIZE(member) == 8, #id_ " is 8 bytes");   \
	_Static_assert((kind_) != SVMC_FK_SEG || MEMBER_SIZE(member) == 16, #id_ " is a segment");
SVMC_FIELDS(SVMC_X_CHECK)
#undef SVMC_X_CHECK

/* Compare a label with a table name: case-insensitive, ' ' and '_' equal. */
static bool name_eq(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen != blen)
		return false;
	for (size_t i = 0; i < alen; i++) {
		char x = a[i], y = b[i];
		if (x == ' ')
			x = '_';
		if (y == ' ')
			y = '_';
		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char)(y - 'A' + 'a');
		if (x != y)
			return false;
	}
	return true;
}

const struct svmc_field *svmc_field_lookup(const char *name, size_t len, enum svmc_area area)
{
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < SVMC_F_COUNT; i++) {
			const struct svmc_field *f = &svmc_fields[i];
			if (area != SVMC_AREA_PAGE && f->area != area)
				continue;
			if (pass == 0) {
				if (name_eq(name, len, f->json, strlen(f->json)))
					return f;
				continue;
			}
			for (const char *a = f->aliases; *a;) {
				const char *bar = strchr(a, '|');
				size_t alen = bar ? (size_t)(bar - a) : strlen(a);
				if (name_eq(name, len, a, alen))
					return f;
				a += alen + (bar ? 1 : 0);
			}
		}
	}
	return NULL;
}

const char *svmc_field_path(enum svmc_field_id id, char *buf, size_t n)
{
	const struct svmc_field *f = &svmc_fields[id];
	const char *area = f->area == SVMC_AREA_CONTROL ? "control" :
			   f->area == SVMC_AREA_SAVE    ? "save" :
							  "page";
	snprintf(buf, n, "%s.%s", area, f->json);
	return buf;
}

void svmc_record_clear(struct svmc_record *r)
{
	memset(r, 0, sizeof(*r));
	r->offset = SVMC_NO_OFFSET;
}

void svmc_mark_all_known(struct svmc_record *r)
{
	for (unsigned w = 0; w < SVMC_KNOWN_WORDS; w++) {
		unsigned lo = w * 64;
		unsigned n = SVMC_F_COUNT > lo ? SVMC_F_COUNT - lo : 0;
		r->known[w] = n >= 64 ? UINT64_MAX : n ? (UINT64_C(1) << n) - 1 : 0;
	}
}

uint64_t svmc_field_get(const struct svmc_record *r, enum svmc_field_id id)
{
	const struct svmc_field *f = &svmc_fields[id];
	const unsigned char *p = (const unsigned char *)&r->vmcb + f->offset;
	uint8_t v8;
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;

	switch (f->kind) {
	case SVMC_FK_U8:
		memcpy(&v8, p, 1);
		return v8;
	case SVMC_FK_U16:
		memcpy(&v16, p, 2);
		return v16;
	case SVMC_FK_U32:
		memcpy(&v32, p, 4);
		return v32;
	case SVMC_FK_U64:
		memcpy(&v64, p, 8);
		return v64;
	default:
		return 0;
	}
}

enum svmc_err svmc_field_set(struct svmc_record *r, enum svmc_field_id id, uint64_t v)
{
	const struct svmc_field *f = &svmc_fields[id];
	unsigned char *p = (unsigned char *)&r->vmcb + f->offset;

	switch (f->kind) {
	case SVMC_FK_U8:
	case SVMC_FK_U16:
	case SVMC_FK_U32:
		if (v >> (f->size * 8))
			return SVMC_ERR_RANGE;
		/* fall through */
	case SVMC_FK_U64:
		memcpy(p, &v, f->size); /* little-endian host (vmcb.h) */
		svmc_mark_known(r, id);
		return SVMC_OK;
	default:
		return SVMC_ERR_USAGE;
	}
}

struct svmc_vmcb_seg *svmc_field_seg(struct svmc_record *r, enum svmc_field_id id)
{
	return (struct svmc_vmcb_seg *)((unsigned char *)&r->vmcb + svmc_fields[id].offset);
}

const struct svmc_vmcb_seg *svmc_field_seg_const(const struct svmc_record *r, enum svmc_field_id id)
{
	return (const struct svmc_vmcb_seg *)((const unsigned char *)&r->vmcb +
					      svmc_fields[id].offset);
}

/* ---- origins -------------------------------------------------------------- */

/* X-macro expansion: clang-format misreads it */
/* clang-format off */
static const char *const origin_names[SVMC_ORIGIN_COUNT] = {
#define SVMC_X_ORIGIN_NAME(id, name) [SVMC_ORIGIN_##id] = (name),
	SVMC_ORIGINS(SVMC_X_ORIGIN_NAME)
#undef SVMC_X_ORIGIN_NAME
};
/* clang-format on */

const char *svmc_origin_name(enum svmc_origin o)
{
	return (unsigned)o < SVMC_ORIGIN_COUNT ? origin_names[o] : "?";
}

int svmc_origin_parse(const char *name, size_t len, enum svmc_origin *out)
{
	for (unsigned i = 0; i < SVMC_ORIGIN_COUNT; i++) {
		if (strlen(origin_names[i]) == len && memcmp(origin_names[i], name, len) == 0) {
			*out = (enum svmc_origin)i;
			return 0;
		}
	}
	return -1;
}
