/*
 * test_signals.c - nothing lost, nothing half-written on a signal:
 * `svmcheck -j replay` piped into a reader that stops after 3 lines ends
 * (SIGPIPE or a clean exit) with those lines complete; SIGINT in the middle
 * of a large run exits 130 (svmcheck-replay(1)) leaving only complete lines
 * on stdout; SIGINT during `-o FILE` leaves either no FILE or a complete one
 * and no temporary beside it.  The corpus is 40 MiB of raw pages (10240
 * copies of tests/fixtures/raw/longmode.bin) generated into a temp dir.
 *
 * A killed run leaves no temporary file: every command that writes -o
 * (replay, inspect, inspect --to raw), killed by SIGINT, SIGTERM, SIGHUP or
 * SIGPIPE while its temporary file exists, removes it, ends by that signal
 * (status 128 + sig; replay's SIGINT: exit 130) and leaves the target as it
 * was; and the mechanism itself (emit/atomic.c, which profile import and
 * capture write through): two open files, each signal, and an inherited
 * SIG_IGN kept unless forced.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "emit/atomic.h"
#include "tcheck.h"

static void sleep_ms(long ms);

static char tmpdir[] = "/tmp/svmc-signals-XXXXXX";
static char corpus[600];

static void make_corpus(void)
{
	char page[4096], path[512];
	FILE *in, *out;

	snprintf(path, sizeof(path), "%s/fixtures/raw/longmode.bin", SVMCHECK_TEST_DIR);
	in = fopen(path, "rb");
	snprintf(corpus, sizeof(corpus), "%s/corpus.bin", tmpdir);
	out = fopen(corpus, "wb");
	if (!in || !out || fread(page, 1, sizeof(page), in) != sizeof(page))
		exit(2);
	for (int i = 0; i < 10240; i++)
		fwrite(page, 1, sizeof(page), out);
	fclose(in);
	if (fclose(out) != 0)
		exit(2);
}

/*
 * Start svmcheck with argv, stdout to fd out_fd (the caller closes it in the
 * parent); close_fd (-1 if none) is closed in the child, so that the child
 * does not hold the read end of its own stdout pipe.
 */
static pid_t spawn(char *const argv[], int out_fd, int close_fd)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (close_fd >= 0)
			close(close_fd);
		dup2(out_fd, 1);
		close(out_fd);
		alarm(120); /* a hang ends the child, and the test fails */
		execv(SVMCHECK_BINARY, argv);
		_exit(127);
	}
	return pid;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* True when the file is empty or ends with a newline and every line opens with '{'. */
static int complete_lines(const char *path, long *lines, int *has_summary)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int ok = 1;

	*lines = 0;
	*has_summary = 0;
	if (!f)
		return 1;
	while ((n = getline(&line, &cap, f)) > 0) {
		(*lines)++;
		if (line[n - 1] != '\n' || line[0] != '{' || line[n - 2] != '}')
			ok = 0;
		*has_summary = strstr(line, "\"type\":\"summary\"") != NULL;
	}
	free(line);
	fclose(f);
	return ok;
}

static void test_sigpipe(void)
{
	char *argv[] = { "svmcheck", "-j", "replay", "-c", "epyc-milan", corpus, NULL };
	char buf[4096];
	int fds[2], status, lines = 0;
	size_t len = 0;
	pid_t pid;
	FILE *r;

	if (pipe(fds) != 0)
		exit(2);
	pid = spawn(argv, fds[1], fds[0]);
	close(fds[1]);
	r = fdopen(fds[0], "r");
	while (lines < 3 && fgets(buf + len, (int)(sizeof(buf) - len), r)) {
		size_t l = strlen(buf + len);

		CHECK(l > 0 && buf[len + l - 1] == '\n' && buf[len] == '{');
		len += l;
		lines++;
	}
	fclose(r); /* like head -n 3 */
	waitpid(pid, &status, 0);
	CHECK(lines == 3);
	CHECK((WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE) ||
	      (WIFEXITED(status) && WEXITSTATUS(status) <= 2));
	printf("SIGPIPE: %s %d after 3 lines\n", WIFSIGNALED(status) ? "signal" : "exit",
	       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
}

/*
 * Run `svmcheck -j replay -c epyc-milan [-o outfile] -` fed 100 pages through
 * a pipe that stays open, SIGINT it once the pages are judged, then send one
 * more page (svmcheck-replay(1): a read waiting on a quiet pipe sees the
 * SIGINT when more data arrives).  Returns the wait status.
 */
static int interrupted_run(const char *stdout_path, const char *outfile)
{
	char *argv[] = { "svmcheck", "-j", "replay", "-c", "epyc-milan", "-", NULL, NULL, NULL };
	char page[4096];
	int in[2], fd, status;
	FILE *src = fopen(corpus, "rb");
	pid_t pid;

	if (outfile) {
		argv[5] = "-o";
		argv[6] = (char *)outfile;
		argv[7] = "-";
	}
	if (!src || fread(page, 1, sizeof(page), src) != sizeof(page) || pipe(in) != 0)
		exit(2);
	fclose(src);
	fd = open(stdout_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	pid = fork();
	if (pid == 0) {
		close(in[1]);
		dup2(in[0], 0);
		close(in[0]);
		dup2(fd, 1);
		close(fd);
		alarm(60); /* a hang ends the child, and the test fails */
		execv(SVMCHECK_BINARY, argv);
		_exit(127);
	}
	close(fd);
	close(in[0]);
	for (int i = 0; i < 100; i++)
		if (write(in[1], page, sizeof(page)) != (ssize_t)sizeof(page))
			exit(2);
	sleep_ms(300);
	kill(pid, SIGINT);
	sleep_ms(50);
	signal(SIGPIPE, SIG_IGN); /* it may be gone already: EPIPE is fine */
	(void)!write(in[1], page, sizeof(page));
	waitpid(pid, &status, 0);
	close(in[1]);
	return status;
}

static void test_sigint_stdout(void)
{
	char out[600];
	long lines;
	int status, summary;

	snprintf(out, sizeof(out), "%s/stdout.ndjson", tmpdir);
	status = interrupted_run(out, NULL);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 130);
	CHECK(complete_lines(out, &lines, &summary));
	CHECK(!summary);     /* no summary after an interrupt */
	CHECK(lines >= 100); /* the 100 pages judged before it are all there */
	printf("SIGINT to stdout: %s %d, %ld complete lines\n",
	       WIFSIGNALED(status) ? "signal" : "exit",
	       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status), lines);
	unlink(out);
}

static void test_sigint_output_file(void)
{
	char outfile[600], out[600];
	int status, entries = 0;
	struct dirent *e;
	DIR *dir;

	snprintf(outfile, sizeof(outfile), "%s/verdicts.ndjson", tmpdir);
	snprintf(out, sizeof(out), "%s/stdout.ndjson", tmpdir);
	status = interrupted_run(out, outfile);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 130);
	CHECK(access(outfile, F_OK) != 0); /* the target is left untouched: never created */
	unlink(out);
	dir = opendir(tmpdir);
	while ((e = readdir(dir)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			entries++;
	closedir(dir);
	CHECK(entries == 1); /* only corpus.bin: no temporary left behind */
}

/* Entries of dir other than "." and ".."; *tmps of them contain ".tmp". */
static int dir_entries(const char *dir, int *tmps)
{
	struct dirent *e;
	DIR *dp = opendir(dir);
	int n = 0;

	*tmps = 0;
	if (!dp)
		return -1;
	while ((e = readdir(dp))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		n++;
		*tmps += strstr(e->d_name, ".tmp") != NULL;
	}
	closedir(dp);
	return n;
}

static int file_is(const char *path, const char *want)
{
	char buf[64] = { 0 };
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	return n == strlen(want) && memcmp(buf, want, n) == 0;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f) != 0)
		exit(2);
}

/* Killed by sig, or exited 128 + sig (or 130, replay's own SIGINT status). */
static int died_of(int status, int sig)
{
	return (WIFSIGNALED(status) && WTERMSIG(status) == sig) ||
	       (WIFEXITED(status) && WEXITSTATUS(status) == 128 + sig);
}

static const int fatal_sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
#define NFATAL (sizeof(fatal_sigs) / sizeof(fatal_sigs[0]))

/* In a child: the dispositions of an ordinary start, not this test's SIG_IGN. */
static void default_signals(void)
{
	for (size_t i = 0; i < NFATAL; i++)
		signal(fatal_sigs[i], SIG_DFL);
}

/* The mechanism: two atomic files open, sig arrives, both temporaries go. */
static void test_atomic_signal(int sig)
{
	char dir[600], a[700], b[700];
	struct svmc_atomic_file fa, fb;
	int status, tmps;
	pid_t pid;

	snprintf(dir, sizeof(dir), "%s/mech", tmpdir);
	snprintf(a, sizeof(a), "%s/a.txt", dir);
	snprintf(b, sizeof(b), "%s/b.txt", dir);
	mkdir(dir, 0700);
	write_file(a, "old a\n");
	pid = fork();
	if (pid == 0) {
		alarm(20);
		default_signals();
		svmc_atomic_catch_signal(sig, false);
		if (svmc_atomic_open(&fa, a, NULL) != SVMC_OK ||
		    svmc_atomic_open(&fb, b, NULL) != SVMC_OK)
			_exit(3);
		fputs("new a\n", fa.f);
		fputs("new b\n", fb.f);
		fflush(fa.f);
		fflush(fb.f);
		if (dir_entries(dir, &tmps) != 3 || tmps != 2)
			_exit(4); /* the temporaries exist before the signal */
		kill(getpid(), sig);
		pause();
		_exit(5);
	}
	waitpid(pid, &status, 0);
	CHECK(died_of(status, sig));
	CHECK(dir_entries(dir, &tmps) == 1 && tmps == 0); /* a.txt only */
	CHECK(file_is(a, "old a\n"));
	CHECK(access(b, F_OK) != 0);
	printf("atomic, signal %d: %s %d\n", sig, WIFSIGNALED(status) ? "signal" : "exit",
	       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	unlink(a);
	rmdir(dir);
}

/* An inherited SIG_IGN stays (nohup); force replaces it. */
static void test_atomic_ignored(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		signal(SIGHUP, SIG_IGN);
		signal(SIGPIPE, SIG_IGN);
		svmc_atomic_catch_signal(SIGHUP, false);
		svmc_atomic_catch_signal(SIGPIPE, true);
		raise(SIGHUP);  /* ignored */
		raise(SIGPIPE); /* caught: ends the process */
		_exit(0);
	}
	waitpid(pid, &status, 0);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE);
}

/*
 * svmcheck ARGS -o TARGET - with stdin a quiet pipe: once its temporary file
 * exists, send sig; then one page (replay sees a SIGINT when data arrives).
 * The target held "old" and must still; no temporary may stay.
 */
static void test_cli_signal(const char *what, char *const args[], int sig)
{
	char *argv[16], dir[600], target[700], page[4096];
	int in[2], status, tmps = 0, n = 0, devnull;
	FILE *src = fopen(corpus, "rb");
	pid_t pid;

	snprintf(dir, sizeof(dir), "%s/cli", tmpdir);
	snprintf(target, sizeof(target), "%s/out", dir);
	mkdir(dir, 0700);
	write_file(target, "old\n");
	argv[n++] = "svmcheck";
	while (*args)
		argv[n++] = *args++;
	argv[n++] = "-o";
	argv[n++] = target;
	argv[n++] = "-";
	argv[n] = NULL;
	if (!src || fread(page, 1, sizeof(page), src) != sizeof(page) || pipe(in) != 0)
		exit(2);
	fclose(src);
	devnull = open("/dev/null", O_WRONLY);
	pid = fork();
	if (pid == 0) {
		close(in[1]);
		dup2(in[0], 0);
		close(in[0]);
		dup2(devnull, 1);
		default_signals();
		alarm(60);
		execv(SVMCHECK_BINARY, argv);
		_exit(127);
	}
	close(devnull);
	close(in[0]);
	for (int i = 0; i < 500 && (dir_entries(dir, &tmps), tmps == 0); i++)
		sleep_ms(10);
	CHECK(tmps == 1); /* the run is under way */
	kill(pid, sig);
	sleep_ms(50);
	signal(SIGPIPE, SIG_IGN); /* it may be gone already: EPIPE is fine */
	(void)!write(in[1], page, sizeof(page));
	close(in[1]);
	waitpid(pid, &status, 0);
	CHECK(died_of(status, sig));
	CHECK(dir_entries(dir, &tmps) == 1 && tmps == 0);
	CHECK(file_is(target, "old\n"));
	printf("%s, signal %d: %s %d\n", what, sig, WIFSIGNALED(status) ? "signal" : "exit",
	       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	unlink(target);
	rmdir(dir);
}

static void test_killed_runs(void)
{
	static char *replay[] = { "replay", "-c", "epyc-milan", NULL };
	static char *inspect[] = { "inspect", NULL };
	static char *raw[] = { "inspect", "--to", "raw", NULL };

	for (size_t i = 0; i < NFATAL; i++) {
		test_atomic_signal(fatal_sigs[i]);
		test_cli_signal("replay", replay, fatal_sigs[i]);
		test_cli_signal("inspect", inspect, fatal_sigs[i]);
		test_cli_signal("inspect --to raw", raw, fatal_sigs[i]);
	}
	test_atomic_ignored();
	signal(SIGPIPE, SIG_DFL);
}

int main(void)
{
	if (!mkdtemp(tmpdir))
		return 2;
	make_corpus();
	test_sigpipe();
	test_sigint_stdout();
	test_sigint_output_file();
	test_killed_runs();
	unlink(corpus);
	rmdir(tmpdir);
	return tcheck_done("test_signals");
}
