/*
 * main.c - svmcheck's command table and top-level option parsing.
 *
 * One row per command (bpftool/kvmtool style): exact names, no prefix
 * guessing, since scripts depend on names.  The top-level argp is parsed
 * with ARGP_IN_ORDER so that options stop at the command word; the command
 * then parses the rest with its own argp (which includes the shared output
 * options as a child).  argp usage errors exit 2, as every other trouble.
 *
 * Lists are never written twice: `svmcheck --help` lists this table, the
 * commands' option texts list the format registry and the model table
 * through cli_help_filter(), and the bash completion asks the hidden
 * command `svmcheck __complete commands|formats|models` for the same words.
 */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "emit/atomic.h"
#include "svmcheck/check.h"
#include "svmcheck/record.h"
#include "svmcheck_config.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary; /* NULL: a hidden helper, not listed */
};

static int cmd_complete(int argc, char **argv);
static int cmd_help(int argc, char **argv);

static const struct command commands[] = {
	{ "inspect", cmd_inspect, "decode every VMCB record of captures, for people or as JSON" },
	{ "replay", cmd_replay, "run the VMRUN consistency checks on every record" },
	{ "diff", cmd_diff, "compare two records field by field, and their verdicts" },
	{ "vectors", cmd_vectors, "EVENTINJ validity of every TYPE and vector on a CPU" },
	{ "checks", cmd_checks, "list every consistency check and the models that apply it" },
	{ "migrate", cmd_migrate, "what changes validity between two CPUs (live migration)" },
	{ "matrix", cmd_matrix, "migrate results between every pair of a fleet's CPU classes" },
	{ "baseline", cmd_baseline, "the guest CPU that puts every given host in one class" },
	{ "summary", cmd_summary, "merge the replay -j output of shards into one summary" },
	{ "profile", cmd_profile, "show, capture, import and list CPU profiles" },
	{ "help", cmd_help, "the commands, or one command's options: help [COMMAND]" },
	{ "__complete", cmd_complete, NULL },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

const char *argp_program_version = "svmcheck " SVMCHECK_VERSION;

static char *help_filter(int key, const char *text, void *input)
{
	(void)input;
	if (key == ARGP_KEY_HELP_POST_DOC) {
		size_t n = 4096, used = 0;
		char *s = malloc(n);
		if (!s)
			return (char *)text;
		used += (size_t)snprintf(s + used, n - used, "Commands:\n");
		for (size_t i = 0; i < NCOMMANDS; i++)
			if (commands[i].summary)
				used += (size_t)snprintf(s + used, n - used, "  %-10s %s\n",
							 commands[i].name, commands[i].summary);
		snprintf(
			s + used, n - used,
			"\nRun 'svmcheck COMMAND --help' for a command's options.\n"
			"Exit status: 0 all records VMRUN / migration safe, 1 some record fails or "
			"migration may break a nested guest, 2 trouble (usage, unreadable input).\n"
			"See svmcheck(1).");
		return s;
	}
	return (char *)text;
}

/* ---- lists from the registries -------------------------------------------- */

/* The model names, ", "-separated, "(default)" after the default one if mark. */
static void put_models(FILE *f, bool mark)
{
	const struct svmc_model *def = svmc_model_default();

	for (size_t i = 0; i < svmc_model_count(); i++) {
		const struct svmc_model *m = svmc_model_at(i);

		fprintf(f, "%s%s%s", i ? ", " : "", m->name, mark && m == def ? " (default)" : "");
	}
}

char *cli_help_filter(int key, const char *text, void *input)
{
	static const char *const marks[] = { "{formats}", "{models}", "{models,default}" };
	char names[256], *out = NULL;
	size_t len = 0;
	FILE *f;

	(void)key;
	(void)input;
	if (!text || !strchr(text, '{'))
		return (char *)text;
	f = open_memstream(&out, &len);
	if (!f)
		return (char *)text;
	for (const char *p = text; *p;) {
		size_t k = 0;

		while (k < 3 && strncmp(p, marks[k], strlen(marks[k])) != 0)
			k++;
		if (k == 0)
			fputs(svmc_format_names(names, sizeof(names)), f);
		else if (k < 3)
			put_models(f, k == 2);
		else
			fputc(*p, f);
		p += k < 3 ? strlen(marks[k]) : 1;
	}
	if (fclose(f) != 0 || !out) {
		free(out);
		return (char *)text;
	}
	return out;
}

/*
 * `svmcheck __complete WHAT`: the words the bash completion offers, one a
 * line: commands (this table's, without hidden ones), formats (what -f
 * takes: auto and the registry's), models (what -m takes).  Hidden: a
 * helper for src/completion/svmcheck.bash, not a command for people.
 */
static int cmd_complete(int argc, char **argv)
{
	const char *what = argc == 2 ? argv[1] : "";

	if (strcmp(what, "commands") == 0) {
		for (size_t i = 0; i < NCOMMANDS; i++)
			if (commands[i].summary)
				puts(commands[i].name);
	} else if (strcmp(what, "formats") == 0) {
		for (unsigned f = SVMC_FMT_AUTO; f < SVMC_FMT_COUNT; f++)
			puts(svmc_format_name((enum svmc_format)f));
	} else if (strcmp(what, "models") == 0) {
		for (size_t i = 0; i < svmc_model_count(); i++)
			puts(svmc_model_at(i)->name);
	} else {
		fprintf(stderr, "usage: svmcheck __complete commands|formats|models\n");
		return EXIT_TROUBLE;
	}
	return fflush(stdout) == 0 && !ferror(stdout) ? EXIT_PASS : EXIT_TROUBLE;
}

/* The visible command names, for cli_suggest(). */
static const char *command_name_at(size_t i)
{
	return commands[i].summary ? commands[i].name : NULL;
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(name, commands[i].name) == 0)
			return &commands[i];
	return NULL;
}

/* "unknown command 'x'; did you mean 'y'?" (no hint when nothing is close). */
static const char *unknown_command_msg(char *buf, size_t n, const char *word)
{
	const char *hint = cli_suggest(word, command_name_at, NCOMMANDS);

	if (hint)
		snprintf(buf, n, "unknown command '%s'; did you mean '%s'?", word, hint);
	else
		snprintf(buf, n, "unknown command '%s'", word);
	return buf;
}

struct top_state {
	const struct command *cmd;
	int cmd_index;
};

static error_t top_parse(int key, char *arg, struct argp_state *state)
{
	struct top_state *ts = state->input;
	char msg[256];

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = NULL;
		return 0;
	case ARGP_KEY_ARG:
		ts->cmd = find_command(arg);
		if (ts->cmd) {
			ts->cmd_index = state->next - 1;
			state->next = state->argc; /* the command parses the rest */
			return 0;
		}
		argp_error(state, "%s", unknown_command_msg(msg, sizeof(msg), arg));
		return 0;
	case ARGP_KEY_NO_ARGS:
		/*
		 * Bare `svmcheck`: the help, with the commands, on stdout, and
		 * the usage-error status, as git and ip do (their 1 and 255 are
		 * their usage statuses; svmcheck's is 2).
		 */
		argp_state_help(state, stdout,
				(ARGP_HELP_STD_HELP & ~ARGP_HELP_EXIT_OK) | ARGP_HELP_EXIT_ERR);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp top_argp = {
	NULL,
	top_parse,
	"COMMAND [ARG...]",
	"svmcheck -- replay AMD SVM VMRUN consistency checks on captured VMCBs, and tell what "
	"changes validity when a nested guest migrates between CPUs.\v",
	cli_output_children,
	help_filter,
	NULL
};

/*
 * Descriptors 0, 1 and 2 open before anything else: with one closed
 * (`>&-`, `2>&-`), the next file opened would take its number and receive
 * what was meant for the terminal (an -o file with messages in it).  A closed
 * one becomes /dev/null, as coreutils and daemons do.
 */
static void std_fds_open(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		if (open("/dev/null", O_RDWR) != fd) /* the lowest free number: fd */
			_exit(EXIT_TROUBLE);
	}
}

/*
 * At exit, whatever ended the process (a command's return, argp's --help or
 * usage error, exit(2) anywhere): coreutils' close_stdout.  What is still
 * buffered for stdout is written and the stream closed; a write that failed
 * now or earlier (a full disk, /dev/full) is reported and the status becomes
 * 2.  For an earlier failure, errno as the program left it is the cause the
 * last failed write set.  Through the text half of the error path only:
 * stdout is gone.
 */
static void close_stdout(void)
{
	int err = errno;
	bool earlier = ferror(stdout) != 0;
	struct svmc_diag d;

	errno = 0;
	if (fclose(stdout) == 0 && !earlier)
		return;
	if (errno)
		err = errno;
	svmc_diag_init(&d, NULL);
	if (err)
		svmc_diag_set(&d, SVMC_ERR_IO, "write error: %s", strerror(err));
	else
		svmc_diag_set(&d, SVMC_ERR_IO, "write error");
	cli_report_text(&d);
	_exit(EXIT_TROUBLE);
}

/*
 * `svmcheck help [COMMAND]`: the top-level help (as `svmcheck --help`), or
 * COMMAND's (as `svmcheck COMMAND --help`); exit 0, or 2 for an unknown
 * command or more than one.
 */
static int cmd_help(int argc, char **argv)
{
	const struct command *c;
	char prog[64], help[] = "--help", msg[256];
	char *av[3] = { prog, help, NULL };

	if (argc == 1 ||
	    (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))) {
		/* as `svmcheck --help`: argp adds its own options only when parsing */
		char top[] = "svmcheck";
		char *tv[3] = { top, help, NULL };

		argp_parse(&top_argp, 2, tv, ARGP_IN_ORDER, NULL, NULL);
		return EXIT_PASS;
	}
	c = argc == 2 ? find_command(argv[1]) : NULL;
	if (argc > 2 || !c || !c->summary) {
		cli_errorf(NULL, SVMC_ERR_USAGE, "%s",
			   argc > 2 ? "help takes one COMMAND at most" :
				      unknown_command_msg(msg, sizeof(msg), argv[1]));
		return EXIT_TROUBLE;
	}
	if (c == find_command("help"))
		return cmd_help(1, argv);
	snprintf(prog, sizeof(prog), "svmcheck %s", c->name);
	return c->run(2, av);
}

int main(int argc, char **argv)
{
	static const int fatal[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
	struct top_state ts = { NULL, 0 };
	char prog[64];

	std_fds_open();
	atexit(close_stdout);
	/* a killed run removes its -o temporary file (emit/atomic.c) */
	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		svmc_atomic_catch_signal(fatal[i], false);
	argp_err_exit_status = EXIT_TROUBLE;
	cli_profile_dirs_init();
	if (argp_parse(&top_argp, argc, argv, ARGP_IN_ORDER, NULL, &ts) != 0 || !ts.cmd)
		return EXIT_TROUBLE;
	snprintf(prog, sizeof(prog), "svmcheck %s", ts.cmd->name);
	argv[ts.cmd_index] = prog;
	return ts.cmd->run(argc - ts.cmd_index, argv + ts.cmd_index);
}
