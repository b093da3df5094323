/*
 * treader.h - read every record and error of one fixture file through the
 * reader API, for the reader unit tests.  Header-only, like tcheck.h.
 */
#ifndef SVMCHECK_TREADER_H
#define SVMCHECK_TREADER_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svmcheck/record.h"
#include "vmcb/reader.h"
#include "tcheck.h"

#define MAXREC 12

struct result {
	int nrec, nerr;
	struct svmc_record rec[MAXREC];
	struct svmc_diag err[MAXREC];
};

static struct result res;

/*
 * Read dir/name in format fmt (not detected) into the static `res`: the
 * first MAXREC records and errors, and their counts.  At most 100 outcomes
 * (a reader that loops fails the test).  TEST_VERBOSE=1 prints the errors.
 */
static const struct result *treader_readall(const char *dir, const char *name, enum svmc_format fmt)
{
	struct svmc_reader *r;
	struct svmc_diag d;
	struct svmc_record *rec = malloc(sizeof(*rec));
	char path[512];
	int guard = 0;

	memset(&res, 0, sizeof(res));
	snprintf(path, sizeof(path), "%s%s", dir, name);
	svmc_diag_init(&d, path);
	if (!rec || svmc_reader_open(&r, path, fmt, &d) != SVMC_OK) {
		fprintf(stderr, "open %s: %s\n", path, d.msg);
		CHECK(0);
		free(rec);
		return &res;
	}
	for (;;) {
		enum svmc_err e = svmc_reader_next(r, rec, &d);
		if (e == SVMC_ERR_EMPTY || ++guard > 100)
			break;
		if (e == SVMC_OK) {
			if (res.nrec < MAXREC)
				res.rec[res.nrec] = *rec;
			res.nrec++;
		} else {
			if (res.nerr < MAXREC)
				res.err[res.nerr] = d;
			res.nerr++;
			if (getenv("TEST_VERBOSE"))
				fprintf(stderr, "%s:%llu: %s\n", name, (unsigned long long)d.line,
					d.msg);
		}
	}
	CHECK(guard <= 100);
	svmc_reader_close(r);
	free(rec);
	return &res;
}

/* The value of field f of r; a field the reader left unknown is said and reads 0xdeadbeef... */
static inline uint64_t treader_get(const struct svmc_record *r, enum svmc_field_id f)
{
	if (!svmc_known(r, f)) {
		fprintf(stderr, "field %s unknown\n", svmc_fields[f].json);
		return UINT64_C(0xdeadbeefdeadbeef);
	}
	return svmc_field_get(r, f);
}

/* Does svmc_detect_format() recognise dir/name (first 64 KiB) as fmt? */
static void treader_detect(const char *dir, const char *name, enum svmc_format fmt)
{
	char path[512];
	unsigned char *buf = malloc(65536);
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", dir, name);
	f = fopen(path, "rb");
	CHECK(f != NULL && buf != NULL);
	if (f && buf) {
		n = fread(buf, 1, 65536, f);
		if (svmc_detect_format(buf, n) != fmt)
			fprintf(stderr, "detect: %s is not recognised as %s\n", name,
				svmc_format_name(fmt));
		CHECK(svmc_detect_format(buf, n) == fmt);
	}
	if (f)
		fclose(f);
	free(buf);
}

#endif
