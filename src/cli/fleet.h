/*
 * fleet.h - the hosts of a fleet, as matrix and baseline take them: CPU
 * arguments on the command line and --from-file lines, each
 * [NAME=]CPU[@RELEASE] (svmcheck-matrix(1) describes the syntax).
 */
#ifndef SVMCHECK_CLI_FLEET_H
#define SVMCHECK_CLI_FLEET_H

#include <stdint.h>

#include "cli/cli.h"
#include "svmcheck/check.h"
#include "svmcheck/cpu.h"

/* The longest fleet line, in bytes: a longer one is an error naming FILE:LINE. */
#define CLI_FLEET_MAX_LINE 4096

/*
 * One host: its argument split into NAME (NULL: none), CPU and RELEASE
 * (NULL: none), and where it came from (file NULL: the command line).  arg,
 * name and cpu are owned; spec and release point into arg.
 */
struct cli_host {
	char *arg;           /* the whole argument (a line trimmed) */
	char *name;          /* NAME of NAME=CPU */
	const char *spec;    /* CPU[@RELEASE]: arg past NAME= */
	char *cpu;           /* CPU, without @RELEASE */
	const char *release; /* RELEASE of CPU@RELEASE */
	const char *file;    /* the --from-file it was read from (borrowed) */
	uint64_t line;
	/* filled by cli_host_resolve() */
	const struct svmc_model *model;    /* the model the host runs */
	const struct svmc_kernel_row *row; /* RELEASE's row; NULL: no release */
};

/* Fill h from arg (copied), read at file:line (file NULL: the command line).  0, or -1 (no memory). */
int cli_host_init(struct cli_host *h, const char *arg, const char *file, uint64_t line);
void cli_host_free(struct cli_host *h);

/* What the output calls the host: its NAME, else the argument. */
static inline const char *cli_host_shown(const struct cli_host *h)
{
	return h->name ? h->name : h->arg;
}

/* The --from-file options of a command, in order. */
#define CLI_FLEET_MAX_FILES 16
struct cli_fleet_files {
	const char *v[CLI_FLEET_MAX_FILES];
	int n;
};

/* The CPUs a fleet command is given: --from-file FILEs and CPU arguments. */
struct cli_fleet_args {
	struct cli_fleet_files files;
	char **cpus;
	int ncpus;
};

/*
 * The fleet part of a command's argp parser: --from-file FILE (option key
 * from_file; argp_error past CLI_FLEET_MAX_FILES), the CPU arguments, and
 * "no CPU given" when there are neither.  0 when it took key, else
 * ARGP_ERR_UNKNOWN.
 */
error_t cli_fleet_parse(int key, int from_file, char *arg, struct argp_state *state,
			struct cli_fleet_args *f);

/*
 * Read FILE ("-": standard input) as fleet lines, streamed: each line that is
 * not blank or a # comment is passed, trimmed, to fn(ctx, line, file,
 * lineno), which returns 0 or -1 (no memory: reported here).  A NUL byte or
 * a line over CLI_FLEET_MAX_LINE bytes is an error naming FILE:LINE, and the
 * rest of that file is not read (so /dev/zero or a binary file ends at once).
 * Returns 0, or -1 after reporting through cli_errorf(o, ...).
 */
int cli_fleet_read(struct out *o, const char *path,
		   int (*fn)(void *ctx, const char *line, const char *file, uint64_t lineno),
		   void *ctx);
/* cli_fleet_read() of every file, each up to its first error, so that all are reported.  0 or -1. */
int cli_fleet_read_all(struct out *o, const struct cli_fleet_files *files,
		       int (*fn)(void *ctx, const char *line, const char *file, uint64_t lineno),
		       void *ctx);

/*
 * The model host h runs and its CPU as that model sees it: with a RELEASE,
 * its row's KVM model and that release's L1 view (an inferred row noted on
 * stderr, once per row); else model (-m, or the command's default).  mopt
 * is the -m argument (NULL: none): a RELEASE whose model is not the one -m
 * names is an error for this host, as both pick its model.  view is the
 * command's (--view); *v receives this host's copy, filled by
 * cli_view_cpu().  cpu receives the CPU as read, seen its view.  SVMC_OK,
 * or an error in dg (cli_host_fail() words it).
 */
enum svmc_err cli_host_resolve(struct cli_host *h, const struct svmc_model *model, const char *mopt,
			       const struct cli_view *view, struct cli_view *v,
			       struct svmc_cpu *cpu, struct svmc_cpu *seen, struct svmc_diag *dg);

/*
 * Word the error e about host h in dg: "--from-file FILE:LINE: " before its
 * message when the host came from a file, the reason a host needs SVM after
 * a no-SVM error, and the argument as the input when the CPU is empty.
 */
void cli_host_fail(const struct cli_host *h, struct svmc_diag *dg, enum svmc_err e);

#endif /* SVMCHECK_CLI_FLEET_H */
