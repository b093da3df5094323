/*
 * jsoncheck.c - helper of the bad-input catalogue (tests/catalogue/run.sh).
 *
 * Two jobs that a POSIX shell cannot do reliably on every CI machine (no
 * python3, no jq, no GNU time are assumed):
 *
 *   jsoncheck lines [--error INPUT] [--pos line:N|offset:N|any|none]
 *                   [--good INPUT] [--verdict V] [--summary-errors]  < NDJSON
 *       Every line of standard input must be one complete JSON object (json-c,
 *       whole line consumed).  --error: some {"type":"error"} object has
 *       "input" == INPUT and, per --pos, that exact "line"/"offset", some
 *       position, or none.  --good: a {"type":"vmcb"} object with "input" ==
 *       INPUT and "index" 0 is present, and with --verdict its "verdict" is V.
 *       --summary-errors: the last line is {"type":"summary"} with errors >= 1.
 *       With neither --error nor --good, an {"type":"error"} object must exist.
 *
 *   jsoncheck one-error [--code CODE]  < NDJSON
 *       Every line of standard input is one complete JSON object, and exactly
 *       one of them is an error object: "type" "error", a snake_case string
 *       "code" (CODE when given), a string "message", and no member outside
 *       the shape of svmcheck-json(5) (type, input, index, line | offset,
 *       code, message; input a string, the positions integers).  Other lines
 *       may only be a summary.  Prints the code on stdout.  For the error
 *       cases of tests/errors/one_error.sh.
 *
 *   jsoncheck run SECONDS RSSFILE -- PROGRAM ARG...
 *       Run PROGRAM with the inherited stdin/stdout/stderr, kill it after
 *       SECONDS (a hang is a failure: exit 124), write its peak RSS in KiB
 *       (getrusage RUSAGE_CHILDREN after wait4) to RSSFILE and exit with its
 *       status (128 + signal if it was killed by one).
 *
 * Exit 0 when every assertion holds, 1 with a message on stderr otherwise.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *str_of(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* Integer member key of o into *n; false when absent or not an integer. */
static bool int_of(struct json_object *o, const char *key, long long *n)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return false;
	*n = json_object_get_int64(v);
	return true;
}

static bool pos_ok(struct json_object *o, const char *pos)
{
	long long n, want;
	bool has_line = json_object_object_get_ex(o, "line", NULL);
	bool has_off = json_object_object_get_ex(o, "offset", NULL);

	if (!pos || !strcmp(pos, "any"))
		return !pos || has_line || has_off;
	if (!strcmp(pos, "none"))
		return !has_line && !has_off;
	if (!strncmp(pos, "line:", 5)) {
		want = strtoll(pos + 5, NULL, 10);
		return int_of(o, "line", &n) && n == want;
	}
	if (!strncmp(pos, "offset:", 7)) {
		want = strtoll(pos + 7, NULL, 10);
		return int_of(o, "offset", &n) && n == want;
	}
	return false;
}

static int cmd_lines(int argc, char **argv)
{
	const char *err_input = NULL, *pos = NULL, *good = NULL, *verdict = NULL;
	bool want_summary = false, found_err = false, found_good = false, last_summary = false;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned long lineno = 0;
	int fail = 0;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--error") && i + 1 < argc)
			err_input = argv[++i];
		else if (!strcmp(argv[i], "--pos") && i + 1 < argc)
			pos = argv[++i];
		else if (!strcmp(argv[i], "--good") && i + 1 < argc)
			good = argv[++i];
		else if (!strcmp(argv[i], "--verdict") && i + 1 < argc)
			verdict = argv[++i];
		else if (!strcmp(argv[i], "--summary-errors"))
			want_summary = true;
		else {
			fprintf(stderr, "jsoncheck: bad argument '%s'\n", argv[i]);
			return 2;
		}
	}
	while ((len = getline(&line, &cap, stdin)) >= 0) {
		struct json_tokener *tok = json_tokener_new();
		struct json_object *o;
		const char *type;

		lineno++;
		if (len == 0 || line[len - 1] != '\n') {
			fprintf(stderr, "jsoncheck: line %lu does not end with a newline (cut?)\n",
				lineno);
			fail = 1;
		} else {
			line[--len] = '\0';
		}
		o = json_tokener_parse_ex(tok, line, (int)len);
		if (!o || json_tokener_get_parse_end(tok) != (size_t)len ||
		    !json_object_is_type(o, json_type_object)) {
			fprintf(stderr, "jsoncheck: line %lu is not one JSON object: %.200s\n",
				lineno, line);
			fail = 1;
			json_object_put(o);
			json_tokener_free(tok);
			last_summary = false;
			continue;
		}
		json_tokener_free(tok);
		type = str_of(o, "type");
		last_summary = type && !strcmp(type, "summary");
		if (last_summary && want_summary) {
			long long n;

			last_summary = int_of(o, "errors", &n) && n >= 1;
		}
		if (type && !strcmp(type, "error")) {
			const char *in = str_of(o, "input");

			if (!str_of(o, "message")) {
				fprintf(stderr,
					"jsoncheck: line %lu: error object without a message\n",
					lineno);
				fail = 1;
			}
			if (!err_input || (in && !strcmp(in, err_input) && pos_ok(o, pos)))
				found_err = true;
		}
		if (good && type && !strcmp(type, "vmcb")) {
			const char *in = str_of(o, "input"), *v = str_of(o, "verdict");
			long long idx;

			if (in && !strcmp(in, good) && int_of(o, "index", &idx) && idx == 0 &&
			    (!verdict || (v && !strcmp(v, verdict))))
				found_good = true;
		}
		json_object_put(o);
	}
	free(line);
	if ((err_input || !good) && !found_err) {
		fprintf(stderr, "jsoncheck: no error object for input '%s' at position %s\n",
			err_input ? err_input : "(any)", pos ? pos : "(any)");
		fail = 1;
	}
	if (good && !found_good) {
		fprintf(stderr, "jsoncheck: no record 0 of '%s'%s%s\n", good,
			verdict ? " with verdict " : "", verdict ? verdict : "");
		fail = 1;
	}
	if (want_summary && !last_summary) {
		fprintf(stderr, "jsoncheck: the last line is not a summary with errors >= 1\n");
		fail = 1;
	}
	return fail;
}

static bool snake_case(const char *s)
{
	if (!s || !(*s >= 'a' && *s <= 'z'))
		return false;
	for (const char *p = s; *p; p++) {
		bool ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_';
		if (!ok || (*p == '_' && (p[1] == '_' || p[1] == '\0')))
			return false;
	}
	return true;
}

/* The members of an error object: known keys of the right types, the required ones there. */
static bool error_shape(struct json_object *o)
{
	bool ok = str_of(o, "code") && str_of(o, "message");
	long long n;

	json_object_object_foreach(o, key, v)
	{
		if (!strcmp(key, "type") || !strcmp(key, "code") || !strcmp(key, "message") ||
		    !strcmp(key, "input"))
			ok = ok && json_object_is_type(v, json_type_string);
		else if (!strcmp(key, "index") || !strcmp(key, "line") || !strcmp(key, "offset"))
			ok = ok && int_of(o, key, &n) && n >= 0;
		else {
			fprintf(stderr, "jsoncheck: error object has an unknown member \"%s\"\n",
				key);
			ok = false;
		}
	}
	if (json_object_object_get_ex(o, "line", NULL) &&
	    json_object_object_get_ex(o, "offset", NULL))
		ok = false;
	return ok;
}

static int cmd_one_error(int argc, char **argv)
{
	const char *want = NULL, *code = NULL;
	char *line = NULL, *saved = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned long lineno = 0, errors = 0;
	int fail = 0;

	if (argc == 2 && !strcmp(argv[0], "--code"))
		want = argv[1];
	else if (argc != 0) {
		fprintf(stderr, "jsoncheck: one-error [--code CODE]\n");
		return 2;
	}
	while ((len = getline(&line, &cap, stdin)) >= 0) {
		struct json_tokener *tok = json_tokener_new();
		struct json_object *o;
		const char *type;

		lineno++;
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		o = json_tokener_parse_ex(tok, line, (int)len);
		if (!o || json_tokener_get_parse_end(tok) != (size_t)len ||
		    !json_object_is_type(o, json_type_object)) {
			fprintf(stderr, "jsoncheck: line %lu is not one JSON object: %.200s\n",
				lineno, line);
			fail = 1;
		} else if ((type = str_of(o, "type")) && !strcmp(type, "error")) {
			errors++;
			code = str_of(o, "code");
			if (!error_shape(o) || !snake_case(code)) {
				fprintf(stderr,
					"jsoncheck: not the error object's shape, or a code "
					"that is not snake_case: %.200s\n",
					line);
				fail = 1;
			} else if (want && strcmp(code, want) != 0) {
				fprintf(stderr, "jsoncheck: code \"%s\", expected \"%s\"\n", code,
					want);
				fail = 1;
			}
			free(saved);
			saved = strdup(code ? code : "");
		} else if (!type || strcmp(type, "summary") != 0) {
			fprintf(stderr, "jsoncheck: line %lu is neither an error nor a summary\n",
				lineno);
			fail = 1;
		}
		json_object_put(o);
		json_tokener_free(tok);
	}
	free(line);
	if (errors != 1) {
		fprintf(stderr, "jsoncheck: %lu error objects, expected exactly one\n", errors);
		fail = 1;
	}
	if (!fail && saved)
		printf("%s\n", saved);
	free(saved);
	return fail;
}

static volatile sig_atomic_t timed_out;

static void on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
}

static int cmd_run(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct rusage ru;
	unsigned secs;
	pid_t pid;
	int status;
	FILE *f;

	if (argc < 4 || strcmp(argv[2], "--")) {
		fprintf(stderr, "usage: jsoncheck run SECONDS RSSFILE -- PROGRAM ARG...\n");
		return 2;
	}
	secs = (unsigned)strtoul(argv[0], NULL, 10);
	pid = fork();
	if (pid < 0) {
		perror("jsoncheck: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[3], argv + 3);
		perror("jsoncheck: exec");
		_exit(127);
	}
	sigaction(SIGALRM, &sa, NULL);
	alarm(secs);
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR)
			return 2;
		if (timed_out) {
			fprintf(stderr, "jsoncheck: %s still running after %u s: killed (a hang)\n",
				argv[3], secs);
			kill(pid, SIGKILL);
		}
	}
	alarm(0);
	f = fopen(argv[1], "w");
	if (f) {
		fprintf(f, "%ld\n", ru.ru_maxrss);
		fclose(f);
	}
	if (timed_out)
		return 124;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "lines"))
		return cmd_lines(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "one-error"))
		return cmd_one_error(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "run"))
		return cmd_run(argc - 2, argv + 2);
	fprintf(stderr,
		"usage: jsoncheck lines [...] < NDJSON | jsoncheck run SECONDS RSSFILE -- CMD...\n");
	return 2;
}
