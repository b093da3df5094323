/*
 * conform_blob.c - the Bochs boot disk and the blob header's start index
 * (conform_blob.h).  Errors are returned as text, not printed: conform_gen
 * dies with them, svmcheck reports them through cli_errorf().
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/conform_blob.h"
#include "guest/blob.h" /* tests/conformance: the guest program's own header */

_Static_assert(CONFORM_DISK_BLOB_OFFSET == BLOB_DISK_LBA * 512L, "the disk layout of blob.h");

static __attribute__((format(printf, 3, 4))) int fail(char *msg, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start is right above */
	vsnprintf(msg, n, fmt, ap);
	va_end(ap);
	return -1;
}

/* Append the file at path to out; at most max bytes (0: no limit).  0 or -1 with msg. */
static int copy_into(FILE *out, const char *path, long max, char *msg, size_t n)
{
	FILE *in = fopen(path, "rb");
	char buf[65536];
	size_t got;
	long total = 0;
	int rc = 0;

	if (!in)
		return fail(msg, n, "%s: %s", path, strerror(errno));
	while (rc == 0 && (got = fread(buf, 1, sizeof(buf), in)) > 0) {
		total += (long)got;
		if (max && total > max)
			rc = fail(msg, n, "%s: larger than %ld bytes", path, max);
		else if (fwrite(buf, 1, got, out) != got)
			rc = fail(msg, n, "write: %s", strerror(errno));
	}
	if (rc == 0 && ferror(in))
		rc = fail(msg, n, "%s: read error", path);
	fclose(in);
	return rc;
}

int conform_disk_write(const char *bootsect, const char *program, const char *blob, const char *out,
		       char *msg, size_t n)
{
	const long cyl = 16L * 63 * 512;
	FILE *f = fopen(out, "wb");
	long end;
	int rc;

	if (!f)
		return fail(msg, n, "%s: %s", out, strerror(errno));
	rc = copy_into(f, bootsect, 512, msg, n);
	if (rc == 0 && ftell(f) != 512)
		rc = fail(msg, n, "%s: not a 512-byte boot sector", bootsect);
	if (rc == 0)
		rc = copy_into(f, program, (long)BLOB_PROGRAM_SECTORS * 512, msg, n);
	if (rc == 0 && fseek(f, CONFORM_DISK_BLOB_OFFSET, SEEK_SET))
		rc = fail(msg, n, "%s: %s", out, strerror(errno));
	if (rc == 0)
		rc = copy_into(f, blob, 0, msg, n);
	end = ftell(f);
	/* Bochs takes a flat image's geometry from its size: whole cylinders */
	if (rc == 0 && end % cyl &&
	    (fseek(f, end + (cyl - end % cyl) - 1, SEEK_SET) || fputc(0, f) == EOF))
		rc = fail(msg, n, "%s: %s", out, strerror(errno));
	if (fclose(f) && rc == 0)
		rc = fail(msg, n, "%s: %s", out, strerror(errno));
	return rc;
}

int conform_blob_set_start(const char *path, long offset, uint32_t start, char *msg, size_t n)
{
	FILE *f = fopen(path, "rb+");
	struct blob_header h;
	int rc = 0;

	if (!f)
		return fail(msg, n, "%s: %s", path, strerror(errno));
	if (fseek(f, offset, SEEK_SET) || fread(&h, sizeof(h), 1, f) != 1 || h.magic != BLOB_MAGIC)
		rc = fail(msg, n, "%s: no blob header at offset %ld", path, offset);
	h.start = start;
	if (rc == 0 && (fseek(f, offset, SEEK_SET) || fwrite(&h, sizeof(h), 1, f) != 1))
		rc = fail(msg, n, "%s: %s", path, strerror(errno));
	if (fclose(f) && rc == 0)
		rc = fail(msg, n, "%s: %s", path, strerror(errno));
	return rc;
}
