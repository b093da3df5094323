/*
 * test_json.c - the VMCB JSON writer (src/emit/vmcb_json.c) and the json
 * reader (src/vmcb/json.c): key names and widths per svmcheck-json(5), the
 * three framings (object, array, NDJSON), every malformation the reader
 * must reject (with the line and the key in the message) while reading on,
 * and byte-exact round trips raw -> JSON -> raw, in process and through the
 * real binary (SVMCHECK_BINARY) over 400 pseudo-random pages.
 */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "emit/emit.h"
#include "emit/vmcb_json.h"
#include "svmcheck/record.h"
#include "tcheck.h"

static char dir[64];

static void write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n) {
		perror(path);
		exit(1);
	}
	fclose(f);
}

static char *path_in(const char *name)
{
	static char buf[4][128];
	static int k;
	k = (k + 1) & 3;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
	return buf[k];
}

/* What a reader produced: the codes, lines and indices in order. */
#define MAXO 16
struct outcome {
	int n;
	enum svmc_err e[MAXO];
	uint64_t line[MAXO], index[MAXO];
	char msg[MAXO][320];
	struct svmc_record rec[MAXO];
	int nrec;
};

static void read_all(const char *text, struct outcome *o)
{
	const char *p = path_in("in.json");
	struct svmc_reader *rd;
	struct svmc_diag d;
	struct svmc_record *r = malloc(sizeof(*r));

	memset(o, 0, sizeof(*o));
	write_file(p, text, strlen(text));
	svmc_diag_init(&d, p);
	if (svmc_reader_open(&rd, p, SVMC_FMT_JSON, &d) != SVMC_OK) {
		fprintf(stderr, "open failed: %s\n", d.msg);
		o->n = -1;
		free(r);
		return;
	}
	while (o->n < MAXO) {
		enum svmc_err e;
		svmc_diag_init(&d, p);
		e = svmc_reader_next(rd, r, &d);
		if (e == SVMC_ERR_EMPTY)
			break;
		o->e[o->n] = e;
		o->line[o->n] = e ? d.line : r->line;
		o->index[o->n] = e ? d.index : r->index;
		snprintf(o->msg[o->n], sizeof(o->msg[0]), "%s", e ? d.msg : "");
		if (!e && o->nrec < MAXO)
			o->rec[o->nrec++] = *r;
		o->n++;
		if (e && svmc_reader_failed(rd))
			break;
	}
	svmc_reader_close(rd);
	free(r);
}

/* One outcome: exactly one error of code e at line, whose message holds needle. */
static int one_error(const char *text, enum svmc_err e, uint64_t line, const char *needle)
{
	static struct outcome o;
	int ok;

	read_all(text, &o);
	ok = o.n == 1 && o.e[0] == e && o.line[0] == line && strstr(o.msg[0], needle) != NULL;
	if (!ok)
		fprintf(stderr, "  input %.80s: n=%d e=%d line=%" PRIu64 " msg=%s\n", text, o.n,
			o.n > 0 ? (int)o.e[0] : -1, o.n > 0 ? o.line[0] : 0,
			o.n > 0 ? o.msg[0] : "");
	return ok;
}

static uint64_t rng = 0x9e3779b97f4a7c15u;
static uint64_t xorshift(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void random_page(unsigned char *p, int k)
{
	if (k % 2 == 0) {
		for (unsigned i = 0; i < SVMC_VMCB_PAGE_SIZE; i += 8) {
			uint64_t v = xorshift();
			memcpy(p + i, &v, 8);
		}
	} else {
		/* mostly zero: some reserved ranges zero, some not */
		memset(p, 0, SVMC_VMCB_PAGE_SIZE);
		for (int i = 0; i < 40; i++)
			p[xorshift() % SVMC_VMCB_PAGE_SIZE] = (unsigned char)xorshift();
	}
}

static void test_writer(void)
{
	struct svmc_record *r = calloc(1, sizeof(*r));
	struct json_object *j, *c, *s, *v, *seg;
	struct out o;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	svmc_record_clear(r);
	r->input = "x.bin";
	r->index = 3;
	r->offset = 4096;
	r->format = SVMC_FMT_RAW;
	svmc_field_set(r, SVMC_F_ASID, 1);
	svmc_field_set(r, SVMC_F_TLB_CTL, 7);
	svmc_field_set(r, SVMC_F_PAUSE_FILTER_COUNT, 0x10);
	svmc_field_set(r, SVMC_F_EFER, 0x1d01);
	svmc_mark_known(r, SVMC_F_CS);
	r->vmcb.save.cs = (struct svmc_vmcb_seg){ 0x10, 0x029b, 0xffffffff, 0 };
	svmc_mark_known(r, SVMC_F_INSN_BYTES);
	r->vmcb.control.insn_bytes[0] = 0x0f;
	r->vmcb.control.insn_bytes[14] = 0xab;

	svmc_emit_init(&o, f, OUT_JSON, false);
	svmc_vmcb_json_write(&o, r);
	/* all reserved known, one not zero, one unknown */
	for (unsigned i = 0; i < SVMC_F_COUNT; i++)
		if (svmc_fields[i].kind == SVMC_FK_RESERVED)
			svmc_mark_known(r, (enum svmc_field_id)i);
	r->known[SVMC_F_RSVD_0x0E8 >> 6] &= ~(UINT64_C(1) << (SVMC_F_RSVD_0x0E8 & 63));
	r->vmcb.control.reserved_sw[31] = 0x5a;
	r->line = 7;
	svmc_vmcb_json_write(&o, r);
	svmc_emit_fini(&o);
	fclose(f);

	/* two lines, each one strict JSON object */
	CHECK(len > 0 && buf[len - 1] == '\n');
	char *nl = strchr(buf, '\n');
	CHECK(nl != NULL);
	*nl = '\0';
	j = json_tokener_parse(buf);
	CHECK(j != NULL && json_object_is_type(j, json_type_object));
	if (!j)
		return;
	CHECK(json_object_object_get_ex(j, "type", &v) &&
	      strcmp(json_object_get_string(v), "vmcb") == 0);
	CHECK(json_object_object_get_ex(j, "input", &v) &&
	      strcmp(json_object_get_string(v), "x.bin") == 0);
	CHECK(json_object_object_get_ex(j, "index", &v) && json_object_get_int64(v) == 3);
	CHECK(json_object_object_get_ex(j, "offset", &v) && json_object_get_int64(v) == 4096);
	CHECK(!json_object_object_get_ex(j, "line", &v));
	CHECK(json_object_object_get_ex(j, "format", &v) &&
	      strcmp(json_object_get_string(v), "raw") == 0);
	CHECK(!json_object_object_get_ex(j, "reserved", &v));
	CHECK(json_object_object_get_ex(j, "control", &c));
	CHECK(json_object_object_get_ex(j, "save", &s));
	CHECK(json_object_object_get_ex(c, "asid", &v) &&
	      strcmp(json_object_get_string(v), "0x00000001") == 0);
	CHECK(json_object_object_get_ex(c, "tlb_ctl", &v) &&
	      strcmp(json_object_get_string(v), "0x07") == 0);
	CHECK(json_object_object_get_ex(c, "pause_filter_count", &v) &&
	      strcmp(json_object_get_string(v), "0x0010") == 0);
	CHECK(json_object_object_get_ex(c, "insn_bytes", &v) &&
	      strcmp(json_object_get_string(v), "0f0000000000000000000000000000ab") != 0 &&
	      strcmp(json_object_get_string(v), "0f00000000000000000000000000ab") == 0);
	CHECK(json_object_object_get_ex(c, "event_inj", &v) &&
	      json_object_is_type(v, json_type_null));
	CHECK(!json_object_object_get_ex(c, "reserved_sw", &v));
	CHECK(json_object_object_length(c) == 40); /* the 40 control names of svmcheck-json(5) */
	CHECK(json_object_object_length(s) == 41);
	CHECK(json_object_object_get_ex(s, "efer", &v) &&
	      strcmp(json_object_get_string(v), "0x0000000000001d01") == 0);
	CHECK(json_object_object_get_ex(s, "cs", &seg) &&
	      json_object_is_type(seg, json_type_object));
	CHECK(json_object_object_get_ex(seg, "selector", &v) &&
	      strcmp(json_object_get_string(v), "0x0010") == 0);
	CHECK(json_object_object_get_ex(seg, "attrib", &v) &&
	      strcmp(json_object_get_string(v), "0x029b") == 0);
	CHECK(json_object_object_get_ex(seg, "limit", &v) &&
	      strcmp(json_object_get_string(v), "0xffffffff") == 0);
	CHECK(json_object_object_get_ex(seg, "base", &v) &&
	      strcmp(json_object_get_string(v), "0x0000000000000000") == 0);
	CHECK(json_object_object_get_ex(s, "ds", &v) && json_object_is_type(v, json_type_null));
	json_object_put(j);

	j = json_tokener_parse(nl + 1);
	CHECK(j != NULL);
	if (j) {
		struct json_object *res;
		CHECK(json_object_object_get_ex(j, "line", &v) && json_object_get_int64(v) == 7);
		CHECK(!json_object_object_get_ex(j, "offset", &v));
		CHECK(json_object_object_get_ex(j, "reserved", &res));
		CHECK(json_object_object_length(res) == 2);
		CHECK(json_object_object_get_ex(res, "reserved_sw", &v) &&
		      strcmp(json_object_get_string(v),
			     "000000000000000000000000000000000000000000000000000000000000005a") ==
			      0);
		CHECK(json_object_object_get_ex(res, "reserved_0x0e8", &v) &&
		      json_object_is_type(v, json_type_null));
		CHECK(!json_object_object_get_ex(res, "reserved_0x018", &v));
		json_object_put(j);
	}
	free(buf);
	free(r);
}

static void test_framings(void)
{
	static struct outcome o;

	/* one pretty-printed object */
	read_all("\n{\n  \"type\": \"vmcb\",\n  \"control\": {\n    \"asid\": \"0x00000007\",\n"
		 "    \"misc_ctl\": \"0x1\"\n  },\n  \"save\": {\"cs\": {\"selector\": \"0x8\", "
		 "\"attrib\": \"0x29b\", \"limit\": \"0xffffffff\", \"base\": \"0x0\"}}\n}\n",
		 &o);
	CHECK(o.n == 1 && o.e[0] == SVMC_OK && o.line[0] == 2 && o.index[0] == 0);
	if (o.nrec == 1) {
		const struct svmc_record *r = &o.rec[0];
		CHECK_EQ_U64(r->vmcb.control.asid, 7);
		CHECK(svmc_known(r, SVMC_F_ASID));
		CHECK_EQ_U64(r->vmcb.control.nested_ctl, 1); /* misc_ctl is an alias */
		CHECK(svmc_known(r, SVMC_F_CS) && r->vmcb.save.cs.attrib == 0x29b);
		CHECK(!svmc_known(r, SVMC_F_EFER));
		CHECK(!svmc_known(r, SVMC_F_RESERVED_SW));
		CHECK(r->format == SVMC_FMT_JSON);
	}

	/*
	 * a segment sub-field may be null (unknown) like every field: the
	 * segment is then unknown as a whole (one known bit per segment)
	 */
	read_all("{\"save\":{\"cs\":{\"selector\":\"0x8\",\"attrib\":null,\"limit\":\"0xffff\","
		 "\"base\":\"0x0\"},\"ss\":{\"selector\":null,\"attrib\":null,\"limit\":null,"
		 "\"base\":null},\"ds\":{\"selector\":\"0x10\",\"attrib\":\"0x93\","
		 "\"limit\":\"0xffff\",\"base\":\"0x0\"}}}",
		 &o);
	CHECK(o.n == 1 && o.e[0] == SVMC_OK);
	if (o.nrec == 1) {
		CHECK(!svmc_known(&o.rec[0], SVMC_F_CS));
		CHECK(!svmc_known(&o.rec[0], SVMC_F_SS));
		CHECK(svmc_known(&o.rec[0], SVMC_F_DS) && o.rec[0].vmcb.save.ds.attrib == 0x93);
	}
	/* a wrong sub-field next to a null one is still refused, by name */
	CHECK(one_error("{\"save\":{\"cs\":{\"selector\":null,\"attrib\":true,\"limit\":\"0x0\","
			"\"base\":\"0x0\"}}}",
			SVMC_ERR_FORMAT, 1, "save.cs.attrib"));

	/* an array over several lines, and a plain integer value */
	read_all("[\n{\"control\":{\"asid\":5}},\n{\"save\":{\"efer\":\"0x1000\"}}\n]\n", &o);
	CHECK(o.n == 2 && o.e[0] == 0 && o.e[1] == 0);
	CHECK(o.line[0] == 2 && o.line[1] == 3 && o.index[1] == 1);
	CHECK(o.nrec == 2 && o.rec[0].vmcb.control.asid == 5 && o.rec[1].vmcb.save.efer == 0x1000);
	read_all("[]", &o);
	CHECK(o.n == 0);

	/* an inspect -j stream: summary and error objects are skipped */
	read_all("{\"type\":\"error\",\"input\":\"a\",\"message\":\"x\"}\n"
		 "{\"type\":\"vmcb\",\"input\":\"a\",\"index\":0,\"offset\":0,\"format\":\"raw\","
		 "\"control\":{\"asid\":\"0x00000002\"},\"save\":{}}\n"
		 "{\"type\":\"summary\",\"records\":1,\"errors\":1,\"inputs\":1}\n",
		 &o);
	CHECK(o.n == 1 && o.e[0] == 0 && o.line[0] == 2 && o.index[0] == 0);

	/* reserved: present means known, absent ranges zero, null unknown */
	read_all("{\"reserved\":{\"reserved_sw\":\"ff000000000000000000000000000000000000000000000"
		 "00000000000000001\",\"reserved_0x0c4\":null}}",
		 &o);
	CHECK(o.n == 1 && o.e[0] == 0);
	if (o.nrec == 1) {
		CHECK(svmc_known(&o.rec[0], SVMC_F_RESERVED_SW));
		CHECK(o.rec[0].vmcb.control.reserved_sw[0] == 0xff &&
		      o.rec[0].vmcb.control.reserved_sw[31] == 0x01);
		CHECK(svmc_known(&o.rec[0], SVMC_F_RSVD_0x018));
		CHECK(!svmc_known(&o.rec[0], SVMC_F_RSVD_0x0C4));
	}
	/* empty input: no record, no error */
	read_all("", &o);
	CHECK(o.n == 0);
	read_all("  \n\n", &o);
	CHECK(o.n == 0);
}

static void test_malformed(void)
{
	static struct outcome o;
	char *big;
	size_t bn = (16u << 20) + 200, k;

	/* wrong types and widths: error names the key, then the next record is read */
	read_all("{\"control\":{\"asid\":true}}\n{\"control\":{\"asid\":\"0x1\"}}\n", &o);
	CHECK(o.n == 2 && o.e[0] == SVMC_ERR_FORMAT && o.line[0] == 1 &&
	      strstr(o.msg[0], "control.asid") && strstr(o.msg[0], "boolean"));
	CHECK(o.e[1] == SVMC_OK && o.line[1] == 2 && o.index[1] == 1);
	CHECK(one_error("{\"control\":{\"asid\":1.5}}", SVMC_ERR_FORMAT, 1, "non-integer"));
	CHECK(one_error("{\"control\":{\"asid\":NaN}}", SVMC_ERR_FORMAT, 1, "control.asid"));
	CHECK(one_error("{\"control\":{\"asid\":-1}}", SVMC_ERR_RANGE, 1, "control.asid"));
	CHECK(one_error("{\"control\":{\"exit_code\":9007199254740993}}", SVMC_ERR_RANGE, 1,
			"2^53"));
	CHECK(one_error("{\"control\":{\"exit_code\":9007199254740992}}", SVMC_OK, 1, ""));
	CHECK(one_error("{\"control\":{\"asid\":\"12\"}}", SVMC_ERR_FORMAT, 1, "not a hex string"));
	CHECK(one_error("{\"control\":{\"asid\":\"0x\"}}", SVMC_ERR_FORMAT, 1, "not a hex string"));
	CHECK(one_error("{\"control\":{\"asid\":\"0xzz\"}}", SVMC_ERR_FORMAT, 1, "control.asid"));
	CHECK(one_error("{\"control\":{\"asid\":[1]}}", SVMC_ERR_FORMAT, 1, "an array"));
	CHECK(one_error("{\"control\":{\"tlb_ctl\":\"0x100\"}}", SVMC_ERR_RANGE, 1, "8 bits"));
	CHECK(one_error("{\"control\":{\"tlb_ctl\":\"0xff\"}}", SVMC_OK, 1, ""));
	CHECK(one_error("{\"control\":{\"asid\":\"0x100000000\"}}", SVMC_ERR_RANGE, 1, "32 bits"));
	CHECK(one_error("{\"save\":{\"efer\":\"0x10000000000000000\"}}", SVMC_ERR_RANGE, 1,
			"save.efer"));
	CHECK(one_error("{\"save\":{\"efer\":\"0x0000000000000000001\"}}", SVMC_OK, 1, ""));
	/* unknown keys at every level */
	CHECK(one_error("{\"control\":{\"bogus\":\"0x1\"}}", SVMC_ERR_FORMAT, 1, "\"bogus\""));
	CHECK(one_error("{\"control\":{\"efer\":\"0x1\"}}", SVMC_ERR_FORMAT, 1, "\"efer\""));
	CHECK(one_error("{\"verdict\":\"VMRUN\"}", SVMC_ERR_FORMAT, 1, "\"verdict\""));
	CHECK(one_error("{\"reserved\":{\"asid\":\"00\"}}", SVMC_ERR_FORMAT, 1, "\"asid\""));
	CHECK(one_error("{\"control\":{\"reserved_sw\":null}}", SVMC_ERR_FORMAT, 1, "reserved_sw"));
	/* metadata types */
	CHECK(one_error("{\"index\":\"0\"}", SVMC_ERR_FORMAT, 1, "\"index\""));
	CHECK(one_error("{\"type\":5}", SVMC_ERR_FORMAT, 1, "\"type\""));
	CHECK(one_error("{\"type\":\"replay\"}", SVMC_ERR_FORMAT, 1, "replay"));
	CHECK(one_error("{\"control\":[]}", SVMC_ERR_FORMAT, 1, "\"control\""));
	/* segments and byte strings */
	CHECK(one_error(
		"{\"save\":{\"cs\":{\"selector\":\"0x8\",\"attrib\":\"0x0\",\"limit\":\"0x0\"}}}",
		SVMC_ERR_FORMAT, 1, "\"base\" is missing"));
	CHECK(one_error(
		"{\"save\":{\"cs\":{\"selector\":\"0x8\",\"attrib\":\"0x0\",\"limit\":\"0x0\","
		"\"base\":\"0x0\",\"dpl\":\"0x0\"}}}",
		SVMC_ERR_FORMAT, 1, "\"dpl\""));
	CHECK(one_error(
		"{\"save\":{\"cs\":{\"selector\":\"0x10000\",\"attrib\":\"0x0\",\"limit\":\"0x0\","
		"\"base\":\"0x0\"}}}",
		SVMC_ERR_RANGE, 1, "save.cs.selector"));
	CHECK(one_error("{\"save\":{\"cs\":\"0x10\"}}", SVMC_ERR_FORMAT, 1, "save.cs"));
	CHECK(one_error("{\"control\":{\"insn_bytes\":\"0f01\"}}", SVMC_ERR_FORMAT, 1,
			"30 hex digits"));
	CHECK(one_error("{\"control\":{\"insn_bytes\":\"0f01d9zz0000000000000000000000\"}}",
			SVMC_ERR_FORMAT, 1, "not hex"));
	/* the same key twice (json-c alone keeps the last), at every level */
	CHECK(one_error("{\"control\":{\"asid\":\"0x1\",\"asid\":\"0x2\"}}", SVMC_ERR_CONFLICT, 1,
			"\"asid\" appears twice"));
	CHECK(one_error("{\"save\":{},\"save\":{}}", SVMC_ERR_CONFLICT, 1,
			"\"save\" appears twice"));
	CHECK(one_error("{\"save\":{\"cs\":{\"base\":\"0x0\",\"base\":\"0x1\"}}}",
			SVMC_ERR_CONFLICT, 1, "\"base\""));
	/* equal names in different objects, and a key-like string value, are fine */
	CHECK(one_error(
		"{\"control\":{\"asid\":\"0x1\"},\"save\":{\"cs\":{\"selector\":\"0x0\","
		"\"attrib\":\"0x0\",\"limit\":\"0x0\",\"base\":\"0x0\"},\"ds\":{\"selector\":\"0x0\","
		"\"attrib\":\"0x0\",\"limit\":\"0x0\",\"base\":\"0x0\"}},\"input\":\"input\"}",
		SVMC_OK, 1, ""));
	CHECK(one_error("{\"input\":\"a\\\"b\",\"format\":\"x\"}", SVMC_OK, 1, ""));
	/* the same field under two names */
	CHECK(one_error("{\"control\":{\"nested_ctl\":\"0x1\",\"misc_ctl\":\"0x1\"}}",
			SVMC_ERR_CONFLICT, 1, "nested_ctl"));

	/* syntax: truncated, garbage, depth, non-objects; errors carry the line */
	CHECK(one_error("{\"control\":\n{\"asid\":", SVMC_ERR_TRUNCATED, 2, "input ends"));
	read_all("xyz\n{\"control\":{\"asid\":\"0x3\"}}\n", &o);
	CHECK(o.n == 2 && o.e[0] == SVMC_ERR_FORMAT && o.line[0] == 1 &&
	      strstr(o.msg[0], "invalid JSON"));
	CHECK(o.e[1] == SVMC_OK && o.line[1] == 2 && o.nrec == 1 &&
	      o.rec[0].vmcb.control.asid == 3);
	read_all("{\"a\":1,}\n\n{\"control\":{}}\n", &o);
	CHECK(o.n == 2 && o.e[0] == SVMC_ERR_FORMAT && o.line[0] == 1 && o.e[1] == SVMC_OK &&
	      o.line[1] == 3);
	read_all("42\n\"s\"\n{}\n", &o);
	CHECK(o.n == 3 && o.e[0] == SVMC_ERR_FORMAT && strstr(o.msg[0], "integer") &&
	      o.e[1] == SVMC_ERR_FORMAT && o.line[1] == 2 && o.e[2] == SVMC_OK && o.index[2] == 2);
	read_all("[1, {\"control\":{}}]", &o);
	CHECK(o.n == 2 && o.e[0] == SVMC_ERR_FORMAT && strstr(o.msg[0], "not a VMCB record") &&
	      o.e[1] == SVMC_OK && o.index[1] == 1);
	read_all("[{},\n{}", &o);
	CHECK(o.n == 3 && o.e[2] == SVMC_ERR_TRUNCATED && o.line[2] == 2 &&
	      strstr(o.msg[2], "no closing"));
	read_all("[{},]", &o);
	CHECK(o.n == 2 && o.e[0] == SVMC_OK && o.e[1] == SVMC_ERR_FORMAT);
	read_all("[{} {}]", &o);
	CHECK(o.n == 2 && o.e[1] == SVMC_ERR_FORMAT && strstr(o.msg[1], "expected ','"));
	{
		/* 1000 levels of nesting, then a good record on the next line */
		size_t n = 1000 * 6 + 100;
		char *deep = malloc(n), *p = deep;
		for (int i = 0; i < 1000; i++)
			p += sprintf(p, "{\"a\":");
		p += sprintf(p, "1");
		for (int i = 0; i < 1000; i++)
			*p++ = '}';
		strcpy(p, "\n{}\n");
		read_all(deep, &o);
		CHECK(o.n == 2 && o.e[0] == SVMC_ERR_LIMIT && o.line[0] == 1 &&
		      strstr(o.msg[0], "16 levels") && o.e[1] == SVMC_OK && o.line[1] == 2);
		free(deep);
	}
	/* a 16 MiB line, then a good record */
	big = malloc(bn + 64);
	k = (size_t)sprintf(big, "{\"control\":{\"asid\":\"");
	memset(big + k, 'a', bn - k);
	k = bn;
	k += (size_t)sprintf(big + k, "\"}}\n{}\n");
	big[k] = '\0';
	read_all(big, &o);
	CHECK(o.n == 2 && o.e[0] == SVMC_ERR_LIMIT && o.line[0] == 1 && o.e[1] == SVMC_OK &&
	      o.line[1] == 2);
	free(big);
	/* invalid UTF-8 inside a string */
	CHECK(one_error("{\"input\":\"\xff\"}", SVMC_ERR_FORMAT, 1, "invalid JSON"));
}

/* In process: every page through the writer and back through the reader. */
static void test_roundtrip_inprocess(void)
{
	struct svmc_record *r = malloc(sizeof(*r)), *back = malloc(sizeof(*back));
	const char *p = path_in("rt.json");
	FILE *f = fopen(p, "w");
	unsigned char pages[20][SVMC_VMCB_PAGE_SIZE];
	struct svmc_reader *rd;
	struct svmc_diag d;
	struct out o;
	int n = 0;

	svmc_emit_init(&o, f, OUT_JSON, false);
	for (int k = 0; k < 20; k++) {
		random_page(pages[k], k);
		svmc_record_clear(r);
		memcpy(&r->vmcb, pages[k], SVMC_VMCB_PAGE_SIZE);
		svmc_mark_all_known(r);
		r->input = "mem";
		r->offset = (uint64_t)k * SVMC_VMCB_PAGE_SIZE;
		r->format = SVMC_FMT_RAW;
		svmc_vmcb_json_write(&o, r);
	}
	svmc_emit_fini(&o);
	fclose(f);
	svmc_diag_init(&d, p);
	CHECK(svmc_reader_open(&rd, p, SVMC_FMT_AUTO, &d) == SVMC_OK);
	if (!rd)
		return;
	CHECK(svmc_reader_format(rd) == SVMC_FMT_JSON);
	while (svmc_reader_next(rd, back, &d) == SVMC_OK) {
		CHECK(n < 20 && memcmp(&back->vmcb, pages[n], SVMC_VMCB_PAGE_SIZE) == 0);
		CHECK(back->known[0] == r->known[0] && back->known[1] == r->known[1]);
		n++;
	}
	CHECK(n == 20);
	svmc_reader_close(rd);
	free(r);
	free(back);
}

/* Through the real binary: raw -> inspect -j -> -f json --to raw, 200 pages (random
 * bytes, not VMCB-like: -f raw). */
static void test_roundtrip_binary(void)
{
	enum { N = 400 }; /* about 3 MiB of JSON: values span read windows */
	unsigned char *pages = malloc((size_t)N * SVMC_VMCB_PAGE_SIZE), *back;
	char cmd[1024];
	FILE *f;
	size_t got;
	int rc;

	for (int k = 0; k < N; k++)
		random_page(pages + (size_t)k * SVMC_VMCB_PAGE_SIZE, k);
	write_file(path_in("rt.bin"), pages, (size_t)N * SVMC_VMCB_PAGE_SIZE);
	snprintf(cmd, sizeof(cmd), "'%s' inspect -f raw -j '%s' -o '%s'", SVMCHECK_BINARY,
		 path_in("rt.bin"), path_in("rt.ndjson"));
	rc = system(cmd);
	CHECK(rc == 0);
	snprintf(cmd, sizeof(cmd), "'%s' inspect -q -f json '%s' --to raw -o '%s'", SVMCHECK_BINARY,
		 path_in("rt.ndjson"), path_in("back.bin"));
	rc = system(cmd);
	CHECK(rc == 0);
	back = malloc((size_t)N * SVMC_VMCB_PAGE_SIZE + 1);
	f = fopen(path_in("back.bin"), "rb");
	CHECK(f != NULL);
	got = f ? fread(back, 1, (size_t)N * SVMC_VMCB_PAGE_SIZE + 1, f) : 0;
	if (f)
		fclose(f);
	CHECK(got == (size_t)N * SVMC_VMCB_PAGE_SIZE);
	CHECK(got == (size_t)N * SVMC_VMCB_PAGE_SIZE && memcmp(back, pages, got) == 0);
	/* the pretty form reads back too */
	snprintf(cmd, sizeof(cmd),
		 "'%s' -p inspect -f raw '%s' | '%s' inspect -q -f json - --to raw -o '%s'",
		 SVMCHECK_BINARY, path_in("rt.bin"), SVMCHECK_BINARY, path_in("back2.bin"));
	rc = system(cmd);
	CHECK(rc == 0);
	f = fopen(path_in("back2.bin"), "rb");
	got = f ? fread(back, 1, (size_t)N * SVMC_VMCB_PAGE_SIZE + 1, f) : 0;
	if (f)
		fclose(f);
	CHECK(got == (size_t)N * SVMC_VMCB_PAGE_SIZE && memcmp(back, pages, got) == 0);
	free(pages);
	free(back);
}

/*
 * A partial JSON record to raw: refused (exit 2, no page) unless
 * --fill-unknown=zero; then the stated fields land at their offsets (APM
 * vol. 2 tables B-1, B-2), everything else is zero, stderr warns that a
 * record had unknown fields and the exit status is 1.
 */
static void test_partial_to_raw(void)
{
	static const char json[] =
		"{\"control\":{\"asid\":\"0x00000009\",\"tlb_ctl\":\"0x03\","
		"\"exit_code\":\"0x00000000ffffffff\",\"event_inj\":\"0x80000b0e\","
		"\"event_inj_err\":\"0x00000002\"},\"save\":{\"cs\":{\"selector\":\"0x0008\","
		"\"attrib\":\"0x0a9b\",\"limit\":\"0xffffffff\",\"base\":\"0x0000000000000000\"},"
		"\"efer\":\"0x0000000000000500\"}}\n";
	unsigned char want[SVMC_VMCB_PAGE_SIZE] = { 0 }, got[SVMC_VMCB_PAGE_SIZE + 1];
	char cmd[1024], err[512] = "";
	FILE *f;
	size_t n;

	want[0x058] = 0x09;                                          /* asid */
	want[0x05c] = 0x03;                                          /* tlb_ctl */
	memset(want + 0x070, 0xff, 4);                               /* exit_code low half */
	memcpy(want + 0x0a8, "\x0e\x0b\x00\x80", 4);                 /* event_inj */
	want[0x0ac] = 0x02;                                          /* event_inj_err */
	memcpy(want + 0x410, "\x08\x00\x9b\x0a\xff\xff\xff\xff", 8); /* cs */
	want[0x4d1] = 0x05;                                          /* efer 0x500 */
	write_file(path_in("partial.json"), json, strlen(json));
	/* without --fill-unknown the record is refused and nothing is written */
	snprintf(cmd, sizeof(cmd),
		 "'%s' inspect -f json '%s' --to raw -o '%s' 2> /dev/null > /dev/null",
		 SVMCHECK_BINARY, path_in("partial.json"), path_in("refused.bin"));
	CHECK(WEXITSTATUS(system(cmd)) == 2);
	f = fopen(path_in("refused.bin"), "rb");
	n = f ? fread(got, 1, sizeof(got), f) : 0;
	if (f)
		fclose(f);
	CHECK(n == 0);
	/* with it: the page, and exit 1 (values were invented) */
	snprintf(
		cmd, sizeof(cmd),
		"'%s' inspect -f json '%s' --to raw --fill-unknown=zero -o '%s' 2> '%s' > /dev/null",
		SVMCHECK_BINARY, path_in("partial.json"), path_in("partial.bin"),
		path_in("err.txt"));
	CHECK(WEXITSTATUS(system(cmd)) == 1);
	f = fopen(path_in("partial.bin"), "rb");
	n = f ? fread(got, 1, sizeof(got), f) : 0;
	if (f)
		fclose(f);
	CHECK(n == SVMC_VMCB_PAGE_SIZE && memcmp(got, want, SVMC_VMCB_PAGE_SIZE) == 0);
	f = fopen(path_in("err.txt"), "r");
	n = f ? fread(err, 1, sizeof(err) - 1, f) : 0;
	err[n] = '\0';
	if (f)
		fclose(f);
	CHECK(strstr(err, "1 record had unknown fields, written as zero") != NULL);
	/* -o naming the input is refused and leaves it untouched */
	snprintf(cmd, sizeof(cmd), "'%s' inspect -f json '%s' -o '%s' 2> /dev/null",
		 SVMCHECK_BINARY, path_in("partial.json"), path_in("partial.json"));
	CHECK(WEXITSTATUS(system(cmd)) == 2);
	f = fopen(path_in("partial.json"), "rb");
	n = f ? fread(got, 1, sizeof(got), f) : 0;
	if (f)
		fclose(f);
	CHECK(n == strlen(json) && memcmp(got, json, n) == 0);
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/svmc_test_json_XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_writer();
	test_framings();
	test_malformed();
	test_roundtrip_inprocess();
	test_roundtrip_binary();
	test_partial_to_raw();
	{
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", dir);
	}
	return tcheck_done("test_json");
}
