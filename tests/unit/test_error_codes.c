/*
 * test_error_codes.c - the error codes of JSON error objects against their
 * documentation, and the one shape of the error object.
 *
 *   - the "Error codes" table of man/svmcheck-json.5 (a tbl block, columns
 *     code@meaning@exit) and the program's table (svmc_err_code over every
 *     enum svmc_err but SVMC_OK) hold the same codes, both ways: a code added
 *     to one side only fails here; every code is snake_case and unique, and
 *     its documented exit status is 2;
 *   - svmc_diag_members() gives {"type","input"?,"index"?,"line"?|"offset"?,
 *     "code","message"} with the optional members only when known.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svmcheck/error.h"
#include "tcheck.h"

#define MAX_CODES 64

struct codes {
	char name[MAX_CODES][40];
	char exit[MAX_CODES][8];
	unsigned n;
};

/* [a-z][a-z0-9]*(_[a-z0-9]+)* */
static bool snake_case(const char *s)
{
	if (!(*s >= 'a' && *s <= 'z'))
		return false;
	for (const char *p = s; *p; p++) {
		bool ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_';
		if (!ok || (*p == '_' && (p[1] == '_' || p[1] == '\0')))
			return false;
	}
	return true;
}

/* The rows of the tbl block after ".SS Error codes", header row skipped.  -1 if not found. */
static int read_page(const char *path, struct codes *c)
{
	FILE *f = fopen(path, "r");
	char line[512];
	int state = 0; /* 0 before the heading, 1 before .TS, 2 options/format, 3 header, 4 rows */

	c->n = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *at1, *at2;

		line[strcspn(line, "\n")] = '\0';
		if (state == 0 && strcmp(line, ".SS Error codes") == 0)
			state = 1;
		else if (state == 1 && strcmp(line, ".TS") == 0)
			state = 2;
		else if (state == 2 && line[0] && line[strlen(line) - 1] == '.')
			state = 3; /* the last format line ends with a period */
		else if (state == 3)
			state = 4; /* the header row */
		else if (state == 4 && strcmp(line, ".TE") == 0)
			break;
		else if (state == 4 && line[0] != '.' && c->n < MAX_CODES) {
			at1 = strchr(line, '@');
			at2 = at1 ? strchr(at1 + 1, '@') : NULL;
			if (!at2)
				continue;
			*at1 = '\0';
			snprintf(c->name[c->n], sizeof(c->name[0]), "%.39s", line);
			snprintf(c->exit[c->n], sizeof(c->exit[0]), "%.7s", at2 + 1);
			c->n++;
		}
	}
	fclose(f);
	return state == 4 ? 0 : -1;
}

static void read_program(struct codes *c)
{
	c->n = 0;
	for (int e = SVMC_OK + 1; e < SVMC_ERR_COUNT && c->n < MAX_CODES; e++) {
		snprintf(c->name[c->n], sizeof(c->name[0]), "%s", svmc_err_code((enum svmc_err)e));
		snprintf(c->exit[c->n], sizeof(c->exit[0]), "2");
		c->n++;
	}
}

static bool has(const struct codes *c, const char *name)
{
	for (unsigned i = 0; i < c->n; i++)
		if (strcmp(c->name[i], name) == 0)
			return true;
	return false;
}

/* Differences between the page and the program, each reported; 0 when in step. */
static int compare(const struct codes *page, const struct codes *prog, bool quiet)
{
	int bad = 0;

	for (unsigned i = 0; i < prog->n; i++)
		if (!has(page, prog->name[i])) {
			if (!quiet)
				fprintf(stderr, "code %s is not in svmcheck-json(5)\n",
					prog->name[i]);
			bad++;
		}
	for (unsigned i = 0; i < page->n; i++) {
		if (!has(prog, page->name[i])) {
			if (!quiet)
				fprintf(stderr,
					"svmcheck-json(5) lists %s, the program has no such code\n",
					page->name[i]);
			bad++;
		}
		if (!snake_case(page->name[i]) || strcmp(page->exit[i], "2") != 0) {
			if (!quiet)
				fprintf(stderr,
					"svmcheck-json(5): row %s: not snake_case or exit %s\n",
					page->name[i], page->exit[i]);
			bad++;
		}
		for (unsigned j = 0; j < i; j++)
			if (strcmp(page->name[i], page->name[j]) == 0)
				bad++;
	}
	return bad;
}

static void test_table(void)
{
	static struct codes page, prog, t;

	read_program(&prog);
	CHECK(prog.n == SVMC_ERR_COUNT - 1);
	for (unsigned i = 0; i < prog.n; i++) {
		CHECK(snake_case(prog.name[i]));
		for (unsigned j = 0; j < i; j++)
			CHECK(strcmp(prog.name[i], prog.name[j]) != 0);
	}
	CHECK(read_page(SVMCHECK_TEST_DIR "/../man/svmcheck-json.5", &page) == 0);
	CHECK(page.n >= 1);
	CHECK(compare(&page, &prog, false) == 0);

	/* the comparison fails when either side has a code the other lacks */
	t = page;
	t.n--;
	CHECK(compare(&t, &prog, true) > 0);
	t = page;
	snprintf(t.name[t.n], sizeof(t.name[0]), "brand_new");
	snprintf(t.exit[t.n], sizeof(t.exit[0]), "2");
	t.n++;
	CHECK(compare(&t, &prog, true) > 0);

	CHECK_STREQ(svmc_err_code(SVMC_OK), "ok");
	CHECK_STREQ(svmc_err_code(SVMC_ERR_IO), "io_error");
	CHECK_STREQ(svmc_err_code(SVMC_ERR_CONFLICT), "contradictory_values");
	CHECK_STREQ(svmc_err_code(SVMC_ERR_USAGE), "usage");
	CHECK_STREQ(svmc_err_code(SVMC_ERR_COUNT), "unknown");
	CHECK_STREQ(svmc_err_code((enum svmc_err) - 1), "unknown");
	/* the prose of text messages stays */
	CHECK_STREQ(svmc_strerror(SVMC_ERR_IO), "input/output error");
	CHECK_STREQ(svmc_strerror(SVMC_ERR_COUNT), "unknown error");
	CHECK(!snake_case("not found") && !snake_case("a__b") && !snake_case("a_") &&
	      !snake_case("Io") && snake_case("io_error"));
}

/* keys of the members of d, comma-separated */
static const char *keys(const struct svmc_diag *d)
{
	static char buf[128];
	struct svmc_diag_member m[SVMC_DIAG_MEMBERS];
	unsigned n = svmc_diag_members(d, m);

	buf[0] = '\0';
	for (unsigned i = 0; i < n; i++) {
		strcat(buf, i ? "," : "");
		strcat(buf, m[i].key);
	}
	return buf;
}

static void test_shape(void)
{
	struct svmc_diag d;
	struct svmc_diag_member m[SVMC_DIAG_MEMBERS];
	unsigned n;
	char buf[128];

	svmc_diag_init(&d, NULL);
	svmc_diag_set(&d, SVMC_ERR_USAGE, "unknown model 'x'");
	CHECK_STREQ(keys(&d), "type,code,message");
	n = svmc_diag_members(&d, m);
	CHECK(n == 3 && strcmp(m[0].str, "error") == 0 && strcmp(m[1].str, "usage") == 0 &&
	      strcmp(m[2].str, "unknown model 'x'") == 0);
	svmc_diag_format(&d, buf, sizeof(buf));
	CHECK_STREQ(buf, "unknown model 'x'");

	svmc_diag_init(&d, "in.bin");
	svmc_diag_set(&d, SVMC_ERR_TRUNCATED, "short");
	CHECK_STREQ(keys(&d), "type,input,code,message");
	svmc_diag_format(&d, buf, sizeof(buf));
	CHECK_STREQ(buf, "in.bin: short");
	d.offset = 4096;
	d.index = 1;
	CHECK_STREQ(keys(&d), "type,input,index,offset,code,message");
	n = svmc_diag_members(&d, m);
	CHECK(n == 6 && !m[2].str && m[2].num == 1 && !m[3].str && m[3].num == 4096);
	d.line = 7; /* a line wins over an offset */
	CHECK_STREQ(keys(&d), "type,input,index,line,code,message");
	svmc_diag_format(&d, buf, sizeof(buf));
	CHECK_STREQ(buf, "in.bin:7: short");
}

int main(void)
{
	test_table();
	test_shape();
	return tcheck_done("test_error_codes");
}
