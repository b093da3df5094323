/*
 * test_matrix_bounded.c - `svmcheck matrix --from-file` streams its files:
 * memory grows with the distinct CPU arguments, not with the lines (a fleet
 * file of a million hosts names a few dozen profiles).
 *
 * Two files of 100,000 and 1,000,000 lines alternate two bundled profile
 * names (the worst case for the run-length list of CPUs: every line starts
 * a new run).  The real binary (SVMCHECK_BINARY) reads each in a forked
 * child whose peak RSS comes from wait4(); the 10x file may cost at most
 * 8 MiB more (a reader that kept every line cost about 55 MiB more), and
 * both give the verdict of the two profiles (exit 1: incompatible).  The
 * child is killed after 60 s, so a reader that never ends fails too.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tcheck.h"

static char tmpdir[] = "/tmp/svmc-matrix-bounded-XXXXXX";

static void write_lines(const char *path, long lines)
{
	FILE *f = fopen(path, "w");

	if (!f)
		exit(2);
	for (long i = 0; i < lines; i++)
		fputs(i % 2 ? "epyc-milan\n" : "epyc-rome\n", f);
	if (fclose(f) != 0)
		exit(2);
}

/* Run `svmcheck matrix --from-file path`; its exit status (-1: a signal) and peak RSS. */
static int run(const char *path, long *maxrss_kib)
{
	struct rusage ru;
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null < 0 || dup2(null, 1) < 0)
			_exit(99);
		alarm(60);
		execl(SVMCHECK_BINARY, "svmcheck", "matrix", "--from-file", path, (char *)NULL);
		_exit(98);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) != pid)
		return -2;
	*maxrss_kib = ru.ru_maxrss;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int main(void)
{
	char small[64], big[64];
	long rss1 = 0, rss10 = 0;
	int rc1, rc10;

	if (!mkdtemp(tmpdir))
		return 2;
	snprintf(small, sizeof(small), "%s/100k", tmpdir);
	snprintf(big, sizeof(big), "%s/1m", tmpdir);
	write_lines(small, 100000);
	write_lines(big, 1000000);
	rc1 = run(small, &rss1);
	rc10 = run(big, &rss10);
	printf("matrix --from-file: 100k lines %ld KiB, 1M lines %ld KiB peak RSS\n", rss1, rss10);
	CHECK_EQ_U64((uint64_t)rc1, 1);
	CHECK_EQ_U64((uint64_t)rc10, 1);
	CHECK(rss10 <= rss1 + 8L * 1024L);
	unlink(small);
	unlink(big);
	rmdir(tmpdir);
	return tcheck_done("test_matrix_bounded");
}
