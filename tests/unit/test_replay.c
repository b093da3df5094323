/*
 * test_replay.c - `svmcheck replay` end to end on a generated corpus: the
 * threaded path (-t 2, -t 7) must write exactly what -t 1 writes, byte for
 * byte, in text and in NDJSON, errors in place; every -j line must parse
 * back with json-c with the keys and types of svmcheck-json(5); the summary
 * and exit status must match the verdicts worked out by hand below; -o FILE
 * must hold what stdout would; -q must print nothing.
 *
 * Corpus: 5000 raw pages cycling through the four pages of
 * tests/cases/replay/_data (see make_pages.py there), judged with -c
 * epyc-rome (no shstk, no la57) under kvm:
 *   i % 4 == 0  longmode.bin  VMRUN
 *   i % 4 == 1  cp.bin        VMEXIT_INVALID: CTRL.EVENTINJ.VECTOR (#CP, no shstk)
 *   i % 4 == 2  db.bin        VMRUN (#DB is an exception under kvm)
 *   i % 4 == 3  multi.bin     VMEXIT_INVALID: SAVE.CR4.RSVD, CTRL.ASID.ZERO,
 *                             CTRL.EVENTINJ.VECTOR; first SAVE.CR4.RSVD
 * and a second input of the first three pages plus 100 stray bytes (one
 * error at index 3, offset 12288).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tcheck.h"

#define NPAGES 5000

static char dir[64];

static unsigned char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p = NULL;
	long sz;

	*n = 0;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (sz = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		p = malloc((size_t)sz + 1);
		if (p && fread(p, 1, (size_t)sz, f) == (size_t)sz) {
			*n = (size_t)sz;
			p[sz] = 0;
		} else {
			free(p);
			p = NULL;
		}
	}
	fclose(f);
	return p;
}

/* Run svmcheck with args (a shell word list), stdout to out_path; returns the exit status. */
static int run(const char *args, const char *out_path)
{
	char cmd[2048];
	int st;

	snprintf(cmd, sizeof(cmd), "'%s' %s > '%s' 2> '%s/stderr'", SVMCHECK_BINARY, args, out_path,
		 dir);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static long long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static bool same_file(const char *a, const char *b)
{
	size_t na, nb;
	unsigned char *pa = slurp(a, &na), *pb = slurp(b, &nb);
	bool same = pa && pb && na == nb && memcmp(pa, pb, na) == 0;

	free(pa);
	free(pb);
	return same;
}

static const char *str_of(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static bool int_of(json_object *o, const char *key, int64_t *out)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return false;
	*out = json_object_get_int64(v);
	return true;
}

static bool is_hex_value(const char *s)
{
	size_t n;

	if (!s || strncmp(s, "0x", 2) != 0)
		return false;
	n = strlen(s + 2);
	if (n == 0 || n > 16 || n % 2)
		return false;
	return strspn(s + 2, "0123456789abcdef") == n;
}

static const char *const multi_checks[] = { "SAVE.CR4.RSVD", "CTRL.ASID.ZERO",
					    "CTRL.EVENTINJ.VECTOR" };

/* Check one vmcb object of input `in` against the variant its index implies. */
static void check_vmcb(json_object *o, const char *in, int64_t want_index)
{
	int64_t index = -1, offset = -1;
	json_object *fails = NULL, *first = NULL, *unev = NULL;
	const char *verdict = str_of(o, "verdict");
	int variant;
	size_t nf;

	CHECK_STREQ(str_of(o, "input"), in);
	CHECK(int_of(o, "index", &index));
	CHECK_EQ_U64(index, want_index);
	CHECK(int_of(o, "offset", &offset));
	CHECK_EQ_U64(offset, want_index * 4096);
	CHECK(!json_object_object_get_ex(o, "line", NULL));
	CHECK_STREQ(str_of(o, "format"), "raw");
	CHECK_STREQ(str_of(o, "model"), "kvm");
	CHECK_STREQ(str_of(o, "cpu"), "epyc-rome");
	CHECK(json_object_object_get_ex(o, "failures", &fails) &&
	      json_object_is_type(fails, json_type_array));
	CHECK(!json_object_object_get_ex(o, "unevaluated", &unev));
	if (!fails || !verdict)
		return;
	nf = json_object_array_length(fails);
	variant = (int)(index % 4);
	if (variant == 0 || variant == 2) {
		CHECK_STREQ(verdict, "VMRUN");
		CHECK_EQ_U64(nf, 0);
		CHECK(!json_object_object_get_ex(o, "first", &first));
		return;
	}
	CHECK_STREQ(verdict, "VMEXIT_INVALID");
	CHECK_EQ_U64(nf, variant == 1 ? 1 : 3);
	for (size_t i = 0; i < nf; i++) {
		json_object *f = json_object_array_get_idx(fails, i);
		const char *check = str_of(f, "check");

		CHECK(json_object_is_type(f, json_type_object));
		CHECK_STREQ(check, variant == 1 ? "CTRL.EVENTINJ.VECTOR" : multi_checks[i]);
		CHECK(str_of(f, "apm") != NULL);
		CHECK(str_of(f, "field") != NULL);
		CHECK(is_hex_value(str_of(f, "value")));
		CHECK(str_of(f, "message") && strlen(str_of(f, "message")) > 20);
		if (check && strcmp(check, "CTRL.EVENTINJ.VECTOR") == 0) {
			CHECK_STREQ(str_of(f, "field"), "control.event_inj");
			CHECK_STREQ(str_of(f, "value"), "0x80000315");
			CHECK_STREQ(str_of(f, "apm"), "15.20");
		} else if (check && strcmp(check, "SAVE.CR4.RSVD") == 0) {
			CHECK_STREQ(str_of(f, "field"), "save.cr4");
			CHECK_STREQ(str_of(f, "value"), "0x0000000000001020");
		} else if (check && strcmp(check, "CTRL.ASID.ZERO") == 0) {
			CHECK_STREQ(str_of(f, "field"), "control.asid");
			CHECK_STREQ(str_of(f, "value"), "0x00000000");
		}
	}
	CHECK_STREQ(str_of(o, "first"), variant == 1 ? "CTRL.EVENTINJ.VECTOR" : "SAVE.CR4.RSVD");
}

/* Parse the NDJSON of the two-input run line by line and check everything. */
static void check_ndjson(const char *path, const char *in1, const char *in2)
{
	size_t n;
	char *buf = (char *)slurp(path, &n), *line, *save = NULL;
	int64_t want1 = 0, want2 = 0, v;
	unsigned lines = 0, errors = 0;
	bool summary_seen = false;

	CHECK(buf != NULL);
	if (!buf)
		return;
	CHECK(n > 0 && buf[n - 1] == '\n');
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_object *o = json_tokener_parse(line);
		const char *type;

		lines++;
		CHECK(o && json_object_is_type(o, json_type_object));
		if (!o)
			continue;
		type = str_of(o, "type");
		CHECK(type != NULL);
		CHECK(!summary_seen); /* the summary is the last line */
		if (type && strcmp(type, "vmcb") == 0) {
			const char *in = str_of(o, "input");
			if (in && strcmp(in, in1) == 0) {
				CHECK_EQ_U64(want2, 0); /* input order kept */
				check_vmcb(o, in1, want1++);
			} else {
				check_vmcb(o, in2, want2++);
			}
		} else if (type && strcmp(type, "error") == 0) {
			errors++;
			CHECK_EQ_U64(want1, NPAGES);
			CHECK_EQ_U64(want2, 3); /* in place: after the third page of in2 */
			CHECK_STREQ(str_of(o, "input"), in2);
			CHECK(int_of(o, "index", &v) && v == 3);
			CHECK(int_of(o, "offset", &v) && v == 3 * 4096);
			CHECK(str_of(o, "message") != NULL);
		} else if (type && strcmp(type, "summary") == 0) {
			summary_seen = true;
			CHECK(int_of(o, "records", &v) && v == NPAGES + 3);
			CHECK(int_of(o, "vmrun", &v) && v == NPAGES / 2 + 2);
			CHECK(int_of(o, "vmexit_invalid", &v) && v == NPAGES / 2 + 1);
			CHECK(int_of(o, "incomplete", &v) && v == 0);
			CHECK(int_of(o, "errors", &v) && v == 1);
		} else {
			CHECK(!"unknown type");
		}
		json_object_put(o);
	}
	CHECK(summary_seen);
	CHECK_EQ_U64(errors, 1);
	CHECK_EQ_U64(want1, NPAGES);
	CHECK_EQ_U64(want2, 3);
	CHECK_EQ_U64(lines, NPAGES + 3 + 1 + 1);
	free(buf);
}

int main(void)
{
	static const char *const names[] = { "longmode", "cp", "db", "multi" };
	unsigned char *page[4];
	char path[256], in1[128], in2[128], args[1024], o1[128], o2[128], o3[128];
	size_t n;
	FILE *f;

	snprintf(dir, sizeof(dir), "/tmp/svmcheck-replay-XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	for (int i = 0; i < 4; i++) {
		if (i == 0)
			snprintf(path, sizeof(path), "%s/fixtures/raw/longmode.bin",
				 SVMCHECK_TEST_DIR);
		else
			snprintf(path, sizeof(path), "%s/cases/replay/_data/%s.bin",
				 SVMCHECK_TEST_DIR, names[i]);
		page[i] = slurp(path, &n);
		CHECK(page[i] && n == 4096);
		if (!page[i] || n != 4096)
			return tcheck_done("test_replay");
	}
	snprintf(in1, sizeof(in1), "%s/corpus.bin", dir);
	snprintf(in2, sizeof(in2), "%s/tail.bin", dir);
	f = fopen(in1, "wb");
	for (int i = 0; f && i < NPAGES; i++)
		fwrite(page[i % 4], 4096, 1, f);
	CHECK(f && fclose(f) == 0);
	f = fopen(in2, "wb");
	for (int i = 0; f && i < 3; i++)
		fwrite(page[i], 4096, 1, f);
	if (f)
		fwrite(page[3], 100, 1, f);
	CHECK(f && fclose(f) == 0);

	/* NDJSON: -t 1, -t 2, -t 7 identical; exit 2 (one error wins over failures) */
	snprintf(o1, sizeof(o1), "%s/t1.json", dir);
	snprintf(o2, sizeof(o2), "%s/t2.json", dir);
	snprintf(o3, sizeof(o3), "%s/t7.json", dir);
	snprintf(args, sizeof(args), "replay -j -c epyc-rome -t 1 '%s' '%s'", in1, in2);
	CHECK_EQ_U64(run(args, o1), 2);
	snprintf(args, sizeof(args), "replay -j -c epyc-rome -t 2 '%s' '%s'", in1, in2);
	CHECK_EQ_U64(run(args, o2), 2);
	snprintf(args, sizeof(args), "-j replay -c epyc-rome --threads 7 '%s' '%s'", in1, in2);
	CHECK_EQ_U64(run(args, o3), 2);
	CHECK(same_file(o1, o2));
	CHECK(same_file(o1, o3));
	check_ndjson(o1, in1, in2);

	/* text: -t 1 and -t 2 identical */
	snprintf(o1, sizeof(o1), "%s/t1.txt", dir);
	snprintf(o2, sizeof(o2), "%s/t2.txt", dir);
	snprintf(args, sizeof(args), "replay -c epyc-rome '%s' '%s'", in1, in2);
	CHECK_EQ_U64(run(args, o1), 2);
	snprintf(args, sizeof(args), "replay -c epyc-rome -t 2 '%s' '%s'", in1, in2);
	CHECK_EQ_U64(run(args, o2), 2);
	CHECK(same_file(o1, o2));
	{
		size_t tn;
		char *t = (char *)slurp(o1, &tn);
		CHECK(t &&
		      strstr(t, "\n5003 records: 2502 VMRUN, 2501 VMEXIT_INVALID, 0 INCOMPLETE, "
				"1 error (model kvm,\n    cpu epyc-rome)\n"));
		/* the records first; after the summary, the L1 view note (Rome's SEV bits
		 * removed under kvm) */
		CHECK(t && strncmp(t, in1, strlen(in1)) == 0 &&
		      strncmp(t + strlen(in1), "#0 (offset 0)  VMRUN\n", 21) == 0);
		CHECK(t && strstr(t, "cpu epyc-rome)\nL1 view of epyc-rome (KVM of Linux 7.1-7.x): "
				     "removed sme, sev,"));
		free(t);
	}

	/* without the bad input: exit 1, and -q prints nothing whatever -t */
	snprintf(args, sizeof(args), "replay -c epyc-rome '%s'", in1);
	CHECK_EQ_U64(run(args, o1), 1);
	snprintf(args, sizeof(args), "replay -q -c epyc-rome -t 2 '%s'", in1);
	CHECK_EQ_U64(run(args, o2), 1);
	CHECK_EQ_U64(file_size(o2), 0);
	snprintf(args, sizeof(args), "replay -q -c epyc-rome '%s' '%s'", in1, in2);
	CHECK_EQ_U64(run(args, o2), 2);
	CHECK_EQ_U64(file_size(o2), 0);
	/* genoa has shstk and la57: only ASID 0 remains, still exit 1 */
	snprintf(args, sizeof(args), "replay -q -c epyc-genoa '%s'", in1);
	CHECK_EQ_U64(run(args, o2), 1);
	/* longmode, cp, db without the stray bytes: #CP is valid with shstk, so all VMRUN: 0 */
	f = fopen(in2, "wb");
	for (int i = 0; f && i < 3; i++)
		fwrite(page[i], 4096, 1, f);
	CHECK(f && fclose(f) == 0);
	snprintf(args, sizeof(args), "replay -q -c epyc-genoa -t 2 '%s'", in2);
	CHECK_EQ_U64(run(args, o2), 0);

	/* -o FILE holds what stdout holds; stdout stays empty */
	snprintf(o3, sizeof(o3), "%s/out.json", dir);
	snprintf(args, sizeof(args), "replay -j -c epyc-rome -t 2 -o '%s' '%s'", o3, in1);
	CHECK_EQ_U64(run(args, o2), 1);
	CHECK_EQ_U64(file_size(o2), 0);
	snprintf(args, sizeof(args), "replay -j -c epyc-rome '%s'", in1);
	CHECK_EQ_U64(run(args, o1), 1);
	CHECK(same_file(o1, o3));
	/* and -o never overwrites an input */
	snprintf(args, sizeof(args), "replay -c epyc-rome -o '%s' '%s'", in1, in1);
	CHECK_EQ_U64(run(args, o2), 2);
	CHECK_EQ_U64(file_size(in1), (uint64_t)NPAGES * 4096);

	for (int i = 0; i < 4; i++)
		free(page[i]);
	snprintf(args, sizeof(args), "rm -rf '%s'", dir);
	if (system(args) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return tcheck_done("test_replay");
}
