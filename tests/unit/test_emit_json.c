/*
 * test_emit_json.c - the one JSON string escaper and the writers built on
 * it: the exact escapes (control bytes, DEL, '"' and '\\', valid UTF-8
 * passed, invalid UTF-8 as \ufffd), and json-c parsing what each writer
 * produces: the streaming writer (compact and pretty, one-line objects),
 * the replay record writer's buffer (svmc_rbuf_json_str and a whole
 * failing record), the table interface (JSON and text) and the profile
 * writer (both views read back as the same CPU).
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "emit/emit.h"
#include "emit/profile_json.h"
#include "emit/replay_fmt.h"
#include "emit/table.h"
#include "svmcheck/check.h"
#include "cpu/cpu_int.h"
#include "svmcheck/cpu.h"
#include "tcheck.h"

/* s[0..n) through the escaper, as a NUL-terminated string in out. */
static const char *esc(const char *s, size_t n, char *out)
{
	char *e = svmc_emit_json_escape(out, s, n);
	*e = '\0';
	return out;
}

#define ESC(lit, want)                                              \
	do {                                                        \
		char buf_[6 * sizeof(lit) + 8];                     \
		CHECK_STREQ(esc(lit, sizeof(lit) - 1, buf_), want); \
	} while (0)

static void test_escapes(void)
{
	ESC("plain", "\"plain\"");
	ESC("", "\"\"");
	ESC("a\"b\\c", "\"a\\\"b\\\\c\"");
	ESC("\n\t\r", "\"\\n\\t\\r\"");
	ESC("\x01\x1f", "\"\\u0001\\u001f\"");
	ESC("a\x7f", "\"a\\u007f\"");
	/* the 8-byte clean-run path must stop at DEL and control bytes too */
	ESC("0123456789abcdef\x7f"
	    "0123456789",
	    "\"0123456789abcdef\\u007f0123456789\"");
	ESC("01234567\x02"
	    "89abcdef",
	    "\"01234567\\u000289abcdef\"");
	/* valid UTF-8: 2, 3 and 4 bytes pass through */
	ESC("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
	ESC("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\""); /* U+10FFFF */
	/* invalid UTF-8 becomes \ufffd, one per bad byte */
	ESC("\xff", "\"\\ufffd\"");
	ESC("\x80x", "\"\\ufffdx\"");
	ESC("\xc0\x80", "\"\\ufffd\\ufffd\"");                       /* overlong NUL */
	ESC("\xc3", "\"\\ufffd\"");                                  /* cut at the end */
	ESC("\xe2\x82", "\"\\ufffd\\ufffd\"");                       /* cut at the end */
	ESC("\xe2\x28\xa1", "\"\\ufffd(\\ufffd\"");                  /* bad continuation */
	ESC("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"");            /* overlong '/' */
	ESC("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");            /* a UTF-16 surrogate */
	ESC("\xf0\x80\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* overlong */
	ESC("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* above U+10FFFF */
	ESC("\xf5\x80", "\"\\ufffd\\ufffd\"");
	CHECK_EQ_U64(svmc_emit_json_clean_prefix("abc\x7f", 4), 3);
	CHECK_EQ_U64(svmc_emit_json_clean_prefix("abcdefghij", 10), 10);
	CHECK_EQ_U64(svmc_emit_json_clean_prefix("abcdefgh\xc3\xa9", 10), 8);
}

/* What json-c reads a JSON string literal back as ("" on a parse error). */
static void check_parses_as(const char *json, const char *want)
{
	json_object *o = json_tokener_parse(json);

	CHECK(o != NULL && json_object_is_type(o, json_type_string));
	if (o && json_object_is_type(o, json_type_string))
		CHECK_STREQ(json_object_get_string(o), want);
	else
		fprintf(stderr, "  did not parse: %s\n", json);
	json_object_put(o);
}

static const char *const nasty[] = {
	"tab\there",          "nul-free \x01\x02\x1f",    "del\x7f",
	"quote\"back\\slash", "caf\xc3\xa9 \xe2\x82\xac", "bad \xff\xfe end",
	"cut \xe2\x82",       "sur \xed\xa0\x80",
};
/* The same strings as json-c decodes them (U+FFFD is EF BF BD). */
static const char *const nasty_decoded[] = {
	"tab\there",
	"nul-free \x01\x02\x1f",
	"del\x7f",
	"quote\"back\\slash",
	"caf\xc3\xa9 \xe2\x82\xac",
	"bad \xef\xbf\xbd\xef\xbf\xbd end",
	"cut \xef\xbf\xbd\xef\xbf\xbd",
	"sur \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd",
};
#define NNASTY (sizeof(nasty) / sizeof(nasty[0]))

static void test_rbuf(void)
{
	for (size_t i = 0; i < NNASTY; i++) {
		struct rbuf b = { 0 };
		char *s;

		svmc_rbuf_json_str(&b, nasty[i]);
		s = malloc(b.len + 1);
		if (!s)
			continue;
		memcpy(s, b.p, b.len);
		s[b.len] = '\0';
		check_parses_as(s, nasty_decoded[i]);
		free(s);
		svmc_rbuf_free(&b);
	}
}

/* Everything o wrote to its memstream, NUL-terminated (owned by the caller). */
static char *finish(struct out *o, FILE *f, char **mem, size_t *len)
{
	svmc_emit_fini(o);
	fclose(f);
	(void)len;
	return *mem;
}

static void test_stream_writer(void)
{
	for (int pretty = 0; pretty < 2; pretty++) {
		char *mem = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&mem, &len);
		struct out o;
		json_object *root, *arr, *v;

		if (!f || svmc_emit_init(&o, f, pretty ? OUT_JSON_PRETTY : OUT_JSON, false) != 0)
			return;
		svmc_emit_obj_begin(&o, NULL);
		svmc_emit_arr_begin(&o, "s");
		for (size_t i = 0; i < NNASTY; i++)
			svmc_emit_str(&o, NULL, nasty[i]);
		svmc_emit_arr_end(&o);
		svmc_emit_obj_begin_line(&o, "row");
		svmc_emit_str(&o, "k\x7f", "v");
		svmc_emit_hex(&o, "h", 0xab, 4);
		svmc_emit_arr_begin(&o, "a");
		svmc_emit_u64(&o, NULL, 1);
		svmc_emit_u64(&o, NULL, 2);
		svmc_emit_arr_end(&o);
		svmc_emit_obj_end(&o);
		svmc_emit_bool(&o, "end", true);
		svmc_emit_obj_end(&o);
		finish(&o, f, &mem, &len);
		root = json_tokener_parse(mem);
		CHECK(root != NULL);
		if (root && json_object_object_get_ex(root, "s", &arr)) {
			CHECK_EQ_U64(json_object_array_length(arr), NNASTY);
			for (size_t i = 0; i < NNASTY; i++)
				CHECK_STREQ(
					json_object_get_string(json_object_array_get_idx(arr, i)),
					nasty_decoded[i]);
		}
		CHECK(root && json_object_object_get_ex(root, "row", &v) &&
		      json_object_object_get_ex(v, "k\x7f", NULL));
		/* pretty mode keeps the row on one line */
		if (pretty)
			CHECK(strstr(mem, "\"row\": {\"k\\u007f\": \"v\", \"h\": \"0x00ab\", "
					  "\"a\": [1, 2]},\n") != NULL);
		else
			CHECK(strstr(mem,
				     "\"row\":{\"k\\u007f\":\"v\",\"h\":\"0x00ab\",\"a\":[1,2]}") !=
			      NULL);
		json_object_put(root);
		free(mem);
	}
}

/* A failing record whose input name needs escaping, through replay_fmt. */
static void test_replay_record(void)
{
	static struct svmc_cpu cpu;
	static struct svmc_record r;
	static struct svmc_judge j;
	struct svmc_panel pn = { .j = { &j }, .n = 1 };
	struct svmc_diag d;
	struct replay_fmt f;
	struct svmc_result res;
	struct replay_counts k = { 0 };
	struct rbuf b = { 0 };
	json_tokener *tok = json_tokener_new();
	size_t pos = 0, nobj = 0;

	CHECK(svmc_cpu_resolve("epyc-genoa", &cpu, &d) == SVMC_OK);
	CHECK(svmc_judge_compile(&j, svmc_model_lookup("kvm"), &cpu, &d) == SVMC_OK);
	CHECK(svmc_replay_fmt_init(&f, &pn, REPLAY_JSON, "cpu\x7f\xff", NULL, NULL, NULL, NULL,
				   NULL) == 0);
	svmc_record_clear(&r);
	svmc_mark_all_known(&r);
	r.offset = 0;
	r.line = SVMC_NO_LINE;
	for (size_t i = 0; i < NNASTY; i++) {
		r.input = nasty[i];
		r.index = i;
		svmc_evaluate(&j.vmrun, &r, &res);
		CHECK(res.verdict == SVMC_VMEXIT_INVALID);
		svmc_replay_fmt_record(&f, &b, &r, &res, 1, &k);
	}
	svmc_replay_fmt_summary(&f, &b, &k);
	/* every line is one object; each record names its input as given */
	while (tok && pos < b.len) {
		char *nl = memchr(b.p + pos, '\n', b.len - pos);
		size_t n = nl ? (size_t)(nl - (b.p + pos)) : b.len - pos;
		json_object *o, *v;

		json_tokener_reset(tok);
		o = json_tokener_parse_ex(tok, b.p + pos, (int)n);
		CHECK(o != NULL);
		if (o && nobj < NNASTY) {
			CHECK(json_object_object_get_ex(o, "input", &v));
			CHECK_STREQ(json_object_get_string(v), nasty_decoded[nobj]);
			CHECK(json_object_object_get_ex(o, "cpu", &v));
			CHECK_STREQ(json_object_get_string(v), "cpu\x7f\xef\xbf\xbd");
			CHECK(json_object_object_get_ex(o, "failures", &v) &&
			      json_object_array_length(v) > 0);
		}
		json_object_put(o);
		nobj++;
		pos += n + 1;
	}
	CHECK_EQ_U64(nobj, NNASTY + 1);
	json_tokener_free(tok);
	svmc_replay_fmt_fini(&f);
	svmc_rbuf_free(&b);
}

enum { C_N, C_NAME, C_OK, C_WHY, NC };
static const struct svmc_col cols[NC] = {
	[C_N] = { .key = "n", .head = "N", .width = 5, .type = SVMC_COL_U64 },
	[C_NAME] = { .key = "name", .head = "name", .width = 6 },
	[C_OK] = { .key = "ok", .head = "ok", .width = 3, .type = SVMC_COL_BOOL },
	[C_WHY] = { .head = "why" },
};

static char *table_out(enum svmc_emit_mode mode)
{
	char *mem = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&mem, &len);
	struct out o;
	struct svmc_table t;

	if (!f || svmc_emit_init(&o, f, mode, false) != 0)
		return NULL;
	t = (struct svmc_table){ .o = &o, .cols = cols, .ncols = NC, .flags = SVMC_TABLE_FOLD };
	svmc_table_begin(&t, NULL);
	for (unsigned i = 0; i < 6; i++) {
		struct svmc_cell cells[NC] = {
			[C_N] = { .u = i },
			[C_NAME] = { .s = i < 4 ? "a\x7f" : "b" },
			[C_OK] = { .u = i & 1, .text = i & 1 ? "yes" : "no" },
			[C_WHY] = { .s = "w" },
		};
		if (i >= 2) /* 2..5 fold where they print the same */
			cells[C_OK] = (struct svmc_cell){ .u = 1, .text = "yes" };
		svmc_table_row(&t, cells, i >= 2);
	}
	svmc_table_end(&t);
	finish(&o, f, &mem, &len);
	return mem;
}

static void test_table(void)
{
	char *text = table_out(OUT_TEXT), *json = table_out(OUT_JSON);
	json_object *a = json ? json_tokener_parse(json) : NULL;

	/* DEL is escaped in JSON, a '?' in text (svmc_emit_text_safe) */
	CHECK_STREQ(text, "N     name   ok  why\n"
			  "0     a?     no  w\n"
			  "1     a?     yes w\n"
			  "2-3   a?     yes w\n"
			  "4-5   b      yes w\n");
	CHECK(a && json_object_is_type(a, json_type_array) && json_object_array_length(a) == 6);
	CHECK_STREQ(json,
		    "[{\"n\":0,\"name\":\"a\\u007f\",\"ok\":false},"
		    "{\"n\":1,\"name\":\"a\\u007f\",\"ok\":true},"
		    "{\"n\":2,\"name\":\"a\\u007f\",\"ok\":true},"
		    "{\"n\":3,\"name\":\"a\\u007f\",\"ok\":true},"
		    "{\"n\":4,\"name\":\"b\",\"ok\":true},{\"n\":5,\"name\":\"b\",\"ok\":true}]\n");
	json_object_put(a);
	free(text);
	free(json);
}

static void test_profile_writer(void)
{
	static struct svmc_cpu a, b;
	struct svmc_diag d;

	CHECK(svmc_cpu_resolve("epyc-genoa,-shstk,maxphyaddr=48", &a, &d) == SVMC_OK);
	snprintf(a.description, sizeof(a.description), "odd \x01\x7f\xff bytes");
	for (int view = 0; view < 2; view++) {
		char *mem = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&mem, &len);
		struct out o;

		if (!f || svmc_emit_init(&o, f, OUT_JSON_PRETTY, false) != 0)
			return;
		CHECK(svmc_profile_emit(&o, &a, (enum svmc_profile_view)view) == 0);
		finish(&o, f, &mem, &len);
		CHECK(svmc_cpu_load_json(mem, strlen(mem), "mem", &b, &d) == SVMC_OK);
		CHECK_EQ_U64(b.nleaves, a.nleaves);
		CHECK(memcmp(b.leaves, a.leaves, a.nleaves * sizeof(a.leaves[0])) == 0);
		CHECK(memcmp(&b.features, &a.features, sizeof(a.features)) == 0);
		CHECK_EQ_U64(b.maxphyaddr, 48);
		CHECK_STREQ(b.description, "odd \x01\x7f\xef\xbf\xbd bytes");
		/* one leaf per line in both views */
		CHECK(strstr(mem,
			     "\n    {\"leaf\": \"0x00000000\", \"subleaf\": \"0x0\", \"eax\": ") !=
		      NULL);
		free(mem);
	}
}

/*
 * Terminal safety: no control byte of an input (a profile's name, a
 * message quoting a dump) reaches text output, only the emitter's own
 * colours; well-formed UTF-8 other than the C1 controls passes.
 */
static void test_text_safe(void)
{
	char s[] = "a\033]0;title\007b\xc2\x9b"
		   "c\xc3\xa9\xff\r\n\t";
	char *mem = NULL;
	size_t len = 0;
	FILE *f;
	struct out o;

	svmc_emit_text_safe(s, strlen(s), 0);
	CHECK_STREQ(s, "a?]0;title?b??c\xc3\xa9????");
	memcpy(s, "x\ny\tz\r", 6);
	svmc_emit_text_safe(s, 6, SVMC_TEXT_LINES);
	CHECK(memcmp(s, "x\ny\tz?", 6) == 0);

	f = open_memstream(&mem, &len);
	CHECK(f && svmc_emit_init(&o, f, OUT_TEXT, true) == 0);
	if (!f)
		return;
	svmc_emit_printf(&o, "%s%s%s\n", svmc_emit_color(&o, OUT_C_BOLD), "n\033]0;t\007",
			 svmc_emit_color(&o, OUT_C_RESET));
	svmc_emit_puts(&o, "p\033[2J\n");
	svmc_emit_raw(&o, "r\b\x1b\n", 4);
	svmc_emit_fini(&o);
	fclose(f);
	CHECK_STREQ(mem, "\033[1mn?]0;t?\033[0m\np?[2J\nr??\n");
	free(mem);
}

int main(void)
{
	tcheck_profiles();
	test_escapes();
	test_rbuf();
	test_stream_writer();
	test_replay_record();
	test_table();
	test_text_safe();
	test_profile_writer();
	return tcheck_done("test_emit_json");
}
