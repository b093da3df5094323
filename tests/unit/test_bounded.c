/*
 * test_bounded.c - memory of every streaming reader is independent of the
 * input size (svmcheck promises bounded memory on any input: inputs are
 * streamed, never loaded whole).
 *
 * For each format (raw, nested-state, kvm-dump, xen-dump, hex, json, trace) a
 * fixture is repeated into a temporary file of about 4 MiB and of about
 * 40 MiB.  A forked child reads the whole file through svmc_reader_* and
 * exits; the parent takes the child's peak RSS from wait4().  The 10x input
 * may cost at most 8 MiB more than the 1x one (a reader that buffered its
 * input would need 36 MiB more), and must yield exactly 10 times as many
 * records.  Also: one 16 MiB line and 32 MiB of NUL bytes read as kvm-dump,
 * and 10000 nested JSON arrays, each within a fixed bound and with an error
 * or an empty end reported, never a hang (the child is killed after 60 s).
 * The measured numbers are printed for the report.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "svmcheck/record.h"
#include "tcheck.h"

#define MiB (1024L * 1024L)

static char tmpdir[] = "/tmp/svmc-bounded-XXXXXX";

/* Outcome of reading one file in a child. */
struct probe {
	long maxrss_kib;
	unsigned long records, errors;
	int status; /* child exit status, -1 on a signal or a hang */
};

/*
 * Write `copies` repetitions of the fixture into path.  Returns the bytes
 * written.
 */
static long repeat_fixture(const char *path, const char *fixture, long copies)
{
	FILE *in = fopen(fixture, "rb"), *out = fopen(path, "wb");
	static char buf[1 << 16];
	size_t n, len = 0;
	long total = 0;

	if (!in || !out) {
		fprintf(stderr, "cannot open %s or %s: %s\n", fixture, path, strerror(errno));
		exit(2);
	}
	len = fread(buf, 1, sizeof(buf), in);
	if (len == sizeof(buf)) {
		fprintf(stderr, "fixture %s is too big for this test\n", fixture);
		exit(2);
	}
	for (long i = 0; i < copies; i++) {
		n = fwrite(buf, 1, len, out);
		total += (long)n;
	}
	fclose(in);
	if (fclose(out) != 0)
		exit(2);
	return total;
}

/* Copies of the fixture needed for about `bytes` bytes. */
static long copies_for(const char *fixture, long bytes)
{
	struct stat st;

	if (stat(fixture, &st) != 0 || st.st_size == 0) {
		fprintf(stderr, "cannot stat %s\n", fixture);
		exit(2);
	}
	return (bytes + st.st_size - 1) / st.st_size;
}

/* Read path as fmt in a child; report peak RSS and counts through a pipe. */
static struct probe read_in_child(const char *path, enum svmc_format fmt)
{
	struct probe p = { 0 };
	struct rusage ru;
	unsigned long counts[2] = { 0, 0 };
	int fds[2], status;
	pid_t pid;

	if (pipe(fds) != 0)
		exit(2);
	pid = fork();
	if (pid == 0) {
		struct svmc_reader *r;
		struct svmc_record *rec = malloc(sizeof(*rec));
		struct svmc_diag d;
		enum svmc_err e;

		close(fds[0]);
		alarm(60);
		svmc_diag_init(&d, path);
		if (!rec || svmc_reader_open(&r, path, fmt, &d) != SVMC_OK)
			_exit(3);
		for (;;) {
			svmc_diag_init(&d, path);
			e = svmc_reader_next(r, rec, &d);
			if (e == SVMC_OK) {
				counts[0]++;
			} else if (e == SVMC_ERR_EMPTY) {
				break;
			} else {
				counts[1]++;
				if (svmc_reader_failed(r))
					break;
			}
		}
		svmc_reader_close(r);
		if (write(fds[1], counts, sizeof(counts)) != (ssize_t)sizeof(counts))
			_exit(4);
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], counts, sizeof(counts)) != (ssize_t)sizeof(counts))
		counts[0] = counts[1] = 0;
	close(fds[0]);
	if (wait4(pid, &status, 0, &ru) != pid)
		exit(2);
	p.maxrss_kib = ru.ru_maxrss;
	p.records = counts[0];
	p.errors = counts[1];
	p.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	return p;
}

struct reader_case {
	const char *name;
	enum svmc_format fmt;
	const char *fixture;    /* under tests/fixtures */
	unsigned long per_copy; /* records one copy yields */
};

static void bounded_reader(const struct reader_case *c)
{
	char fixture[512], small[512], big[512];
	long copies, b1, b10;
	struct probe p1, p10;

	snprintf(fixture, sizeof(fixture), "%s/fixtures/%s", SVMCHECK_TEST_DIR, c->fixture);
	snprintf(small, sizeof(small), "%s/%s.1x", tmpdir, c->name);
	snprintf(big, sizeof(big), "%s/%s.10x", tmpdir, c->name);
	copies = copies_for(fixture, 4 * MiB);
	b1 = repeat_fixture(small, fixture, copies);
	b10 = repeat_fixture(big, fixture, 10 * copies);
	p1 = read_in_child(small, c->fmt);
	p10 = read_in_child(big, c->fmt);
	printf("%-13s 1x: %5.1f MiB input, %7lu records, peak RSS %6ld KiB; "
	       "10x: %6.1f MiB, %8lu records, peak RSS %6ld KiB\n",
	       c->name, (double)b1 / MiB, p1.records, p1.maxrss_kib, (double)b10 / MiB, p10.records,
	       p10.maxrss_kib);
	CHECK(p1.status == 0);
	CHECK(p10.status == 0);
	CHECK_EQ_U64(p1.records, (uint64_t)copies * c->per_copy);
	CHECK_EQ_U64(p10.records, (uint64_t)copies * 10 * c->per_copy);
	CHECK_EQ_U64(p1.errors, 0);
	CHECK_EQ_U64(p10.errors, 0);
	CHECK(p10.maxrss_kib <= p1.maxrss_kib + 8 * 1024);
	unlink(small);
	unlink(big);
}

/* Write `bytes` bytes of byte b, then the tail string, into path. */
static void fill_file(const char *path, int b, long bytes, const char *head, const char *tail)
{
	static char buf[1 << 16];
	FILE *f = fopen(path, "wb");

	if (!f)
		exit(2);
	memset(buf, b, sizeof(buf));
	fputs(head, f);
	for (long done = 0; done < bytes; done += (long)sizeof(buf))
		fwrite(buf, 1,
		       (size_t)(bytes - done < (long)sizeof(buf) ? bytes - done :
								   (long)sizeof(buf)),
		       f);
	fputs(tail, f);
	if (fclose(f) != 0)
		exit(2);
}

int main(void)
{
	static const struct reader_case cases[] = {
		{ "raw", SVMC_FMT_RAW, "raw/longmode.bin", 1 },
		{ "nested-state", SVMC_FMT_NESTED_STATE, "raw/nested.bin", 1 },
		{ "kvm-dump", SVMC_FMT_KVM_DUMP, "kvm/sample_dmesg.log", 1 },
		{ "xen-dump", SVMC_FMT_XEN_DUMP, "xen/sample.txt", 1 },
		{ "json", SVMC_FMT_JSON, "json/longmode.json", 1 },
		{ "hex", SVMC_FMT_HEX, "hex/page.xxd", 1 },
		{ "trace", SVMC_FMT_TRACE, "trace/trace_pipe_5.10.txt", 2 },
	};
	char path[512];
	struct probe p;

	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 2;
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		bounded_reader(&cases[i]);

	/* One 16 MiB line between two dumps: the line is cut, both dumps read. */
	snprintf(path, sizeof(path), "%s/line16", tmpdir);
	fill_file(path, 'a', 16 * MiB, "", "\n");
	p = read_in_child(path, SVMC_FMT_KVM_DUMP);
	printf("16 MiB line   peak RSS %ld KiB, %lu records, %lu errors\n", p.maxrss_kib, p.records,
	       p.errors);
	CHECK(p.status == 0);
	CHECK(p.maxrss_kib < 16 * 1024);
	unlink(path);

	/* 32 MiB of NUL bytes as kvm-dump: nothing found, bounded, ends. */
	snprintf(path, sizeof(path), "%s/zeros", tmpdir);
	fill_file(path, 0, 32 * MiB, "", "");
	p = read_in_child(path, SVMC_FMT_KVM_DUMP);
	printf("32 MiB zeros  peak RSS %ld KiB, %lu records, %lu errors\n", p.maxrss_kib, p.records,
	       p.errors);
	CHECK(p.status == 0);
	CHECK_EQ_U64(p.records, 0);
	CHECK(p.maxrss_kib < 16 * 1024);
	unlink(path);

	/* 10000 nested JSON arrays: json-c's depth limit, bounded, ends. */
	snprintf(path, sizeof(path), "%s/deep.json", tmpdir);
	{
		FILE *f = fopen(path, "w");

		if (!f)
			return 2;
		for (int i = 0; i < 10000; i++)
			fputc('[', f);
		for (int i = 0; i < 10000; i++)
			fputc(']', f);
		fputc('\n', f);
		fclose(f);
	}
	p = read_in_child(path, SVMC_FMT_JSON);
	printf("deep JSON     peak RSS %ld KiB, %lu records, %lu errors\n", p.maxrss_kib, p.records,
	       p.errors);
	CHECK(p.status == 0);
	CHECK_EQ_U64(p.records, 0);
	CHECK(p.maxrss_kib < 16 * 1024);
	unlink(path);

	rmdir(tmpdir);
	return tcheck_done("test_bounded");
}
