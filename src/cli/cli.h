/*
 * cli.h - what the command files share: global output options (an argp
 * child that every command includes, so `svmcheck -j replay` and
 * `svmcheck replay -j` both work), exit statuses, and error reporting that
 * is text on stderr and, with -j, also a JSON error object on stdout.
 */
#ifndef SVMCHECK_CLI_H
#define SVMCHECK_CLI_H

#include <argp.h>
#include <stdbool.h>

#include "emit/emit.h"
#include "svmcheck/error.h"

enum { EXIT_PASS = 0, EXIT_FAIL = 1, EXIT_TROUBLE = 2 };

struct cli_global {
	bool json;
	bool pretty;
	bool quiet;
	enum svmc_emit_color_when color;
};

/* The process-wide options, set by the top level and by each command's child. */
extern struct cli_global cli_g;
/* argp child with -j -p -q --color; include it in every command's argp. */
extern const struct argp cli_output_argp;
/* The children array that puts cli_output_argp under "Output options:". */
extern const struct argp_child cli_output_children[];

/* Output mode that cli_g asks for. */
enum svmc_emit_mode cli_out_mode(void);
/* Open stdout as o in cli_out_mode(); exits 2 on failure. */
void cli_out_open(struct out *o);

/*
 * Report d: "svmcheck: INPUT:LINE: message" on stderr and, in JSON mode,
 * {"type":"error",...} into o (which may be NULL in text mode).
 */
void cli_report(struct out *o, const struct svmc_diag *d);
/* Report a plain message (no input position); printf-style. */
void cli_errorf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * argp help filter for the commands' option texts: expands "{formats}" to
 * the input-format registry's names, "{models}" to the model table's and
 * "{models,default}" to the same with "(default)" after the default model,
 * so that help texts list what the registries hold.  Returns text itself
 * when it holds no placeholder, else a malloc'd string (argp frees it).
 */
char *cli_help_filter(int key, const char *text, void *input);

struct svmc_cpu;
/*
 * Resolve the CPU argument `arg` given with option `opt` ("-c", "--from"; NULL for an operand),
 * then, if `guest` is not NULL, compose it with the guest CPU model `guest`
 * given with `gopt`.  On failure report it through cli_report (input = the
 * argument, with the profile file's line where there is one, the option
 * named in the message) and return -1; 0 on success.  cpu is caller-owned.
 */
int cli_resolve_cpu(struct out *o, const char *opt, const char *arg, const char *gopt,
		    const char *guest, struct svmc_cpu *cpu);

struct svmc_atomic_file;
/*
 * Output files for -o: open the temporary file beside path / close it,
 * renaming it into place only if ok.  Both report trouble on stderr and
 * return 0 or -1.
 */
int cli_outfile_open(struct svmc_atomic_file *af, const char *path);
int cli_outfile_close(struct svmc_atomic_file *af, bool ok);

/* Each command: parse its own arguments from argv[0] = "svmcheck CMD". */
int cmd_inspect(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_vectors(int argc, char **argv);
int cmd_checks(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_matrix(int argc, char **argv);
int cmd_profile(int argc, char **argv);

#endif /* SVMCHECK_CLI_H */
