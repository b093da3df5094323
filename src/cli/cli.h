/*
 * cli.h - what the command files share: global output options (an argp
 * child that every command includes, so `svmcheck -j replay` and
 * `svmcheck replay -j` both work), exit statuses, the one error reporter
 * (text on stderr and, with -j, also a JSON error object), and the rule
 * and helpers for -o output files.
 */
#ifndef SVMCHECK_CLI_H
#define SVMCHECK_CLI_H

#include <argp.h>
#include <stdbool.h>

#include "emit/emit.h"
#include "svmcheck/check.h"
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
 * The one way the commands report a diagnostic, in the current output mode:
 * "svmcheck: INPUT:LINE: message" (svmc_diag_format) on stderr and, in JSON
 * mode, exactly one error object (svmc_diag_members:
 * {"type":"error","input"?,"index"?,"line"?|"offset"?,"code","message"})
 * as the next top-level value of o, the command's output stream (stdout or
 * its -o file, in order with the records).  With o NULL, before a command
 * has an output stream, the object goes straight to stdout.  Exit status 2
 * is the caller's to return.
 */
void cli_report(struct out *o, const struct svmc_diag *d);
/* cli_report() of a diagnostic with no input or position; printf-style message. */
void cli_errorf(struct out *o, enum svmc_err code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * The two halves of cli_report(), for the writers that place the JSON object
 * themselves: the stderr line alone (replay, whose ordered stream gets the
 * object from svmc_replay_fmt_error), and the object alone as the next value
 * of o (migrate, which lists its record errors in the errors[] array of its
 * one document).
 */
void cli_report_text(const struct svmc_diag *d);
void cli_emit_diag(struct out *o, const struct svmc_diag *d);

/*
 * argp help filter for the commands' option texts: expands "{formats}" to
 * the input-format registry's names, "{models}" to the model table's and
 * "{models,default}" to the same with "(default)" after the default model,
 * so that help texts list what the registries hold.  Returns text itself
 * when it holds no placeholder, else a malloc'd string (argp frees it).
 */
char *cli_help_filter(int key, const char *text, void *input);

/*
 * "Did you mean": the name among name(0..n) (NULL entries skipped) closest
 * to word by edit distance, letters compared without case, if it is within
 * a third of word's length (at least 1); NULL when none is that close.
 */
const char *cli_suggest(const char *word, const char *(*name)(size_t i), size_t n);
/*
 * Usage errors for a name that is not in its registry, with the closest name
 * ("did you mean 'kvm'?") and the registry's list: the message into buf
 * (for argp_error), or reported through cli_errorf(o, SVMC_ERR_USAGE).
 */
const char *cli_unknown_model_msg(char *buf, size_t n, const char *word);

const char *cli_unknown_format_msg(char *buf, size_t n, const char *word);
void cli_unknown_model(struct out *o, const char *word);
void cli_unknown_format(struct out *o, const char *word);

struct svmc_model;
/*
 * A -m argument: one model name or a comma-separated list of them, where
 * "all" stands for every model of the table (svmc_model_at() order), into
 * out[0..*n), in the order given; a model named twice is kept once, where
 * it first appears.  At most max models.  On an unknown name (the
 * cli_unknown_model() message), an empty name ("kvm,,apm") or more than
 * max models, reports a usage error through cli_errorf(NULL, ...) (call it
 * after argp_parse, so that the error comes in the output mode asked for)
 * and returns -1 (*n is then 0); 0 on success, *n >= 1.
 */
int cli_parse_models(const char *arg, const struct svmc_model **out, unsigned max, unsigned *n);

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
struct svmc_kernel_row;
struct svmc_model;
/*
 * The rule for every -o FILE: refuse (usage error, reported through
 * cli_report into eo) when path names one of inputs[0..ninputs), by name or
 * by device and inode (svmc_atomic_names_input); "-" is never refused.
 * Returns 0 or -1.  cli_outfile_open() applies it; a command whose output
 * file the library writes (profile import) calls it before.
 */
int cli_outfile_refuse(struct out *eo, const char *path, char *const *inputs, int ninputs);
/*
 * Output files for -o: apply cli_outfile_refuse(), then open path with
 * svmc_atomic_open() (a temporary file beside a regular target, the target
 * itself when it is a device or FIFO; trouble reported through cli_report
 * into eo) / close it, renaming it into place only if ok (trouble reported
 * with o NULL).  Both return 0 or -1; af holds nothing to close after a
 * failed open.  A signal removes the temporary file: main installs the
 * handler (svmc_atomic_catch_signal()).
 */
int cli_outfile_open(struct out *eo, struct svmc_atomic_file *af, const char *path,
		     char *const *inputs, int ninputs);
int cli_outfile_close(struct svmc_atomic_file *af, bool ok);

struct svmc_input_stats;
/*
 * The note for the inputs that were kernel logs without a VMCB dump (the log
 * of a healthy host: not an error), one line on stderr; nothing when none.
 */
void cli_note_logs_without_dump(const struct svmc_input_stats *st);

/*
 * Give the library the profile search path: $SVMCHECK_PROFILE_PATH, this
 * installation's data directory (found from the executable), the build
 * tree's profiles/, the configured data directory (src/cli/profile_dirs.c).
 */
void cli_profile_dirs_init(void);
/*
 * dirname(/proc/self/exe)/rel, resolved, into buf (the installation's own
 * directories, wherever its prefix is): false if rel is NULL or the
 * directory is missing or does not fit.
 */
bool cli_exe_relative_dir(const char *rel, char *buf, size_t n);

/* Each command: parse its own arguments from argv[0] = "svmcheck CMD". */
int cmd_inspect(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_vectors(int argc, char **argv);
int cmd_checks(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_matrix(int argc, char **argv);
int cmd_profile(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_baseline(int argc, char **argv);
int cmd_summary(int argc, char **argv);

/*
 * --kernel RELEASE (or --from-kernel/--to-kernel): *model becomes the KVM
 * model of RELEASE's row in the kernel table.  given is the model an -m or
 * --*-model option already chose for the same side (NULL: none): both is a
 * usage error.  Errors are reported through cli_errorf(NULL, ...) (call it
 * after argp_parse); returns 0 or -1.
 */
int cli_kernel_model(const char *opt, const char *release, const char *given, const char **model,
		     const struct svmc_kernel_row **row);
/* The stderr note for a kernel row that is inferred (not read in a source): "who: model M is inferred: why". */
void cli_kernel_note(const char *who, const struct svmc_kernel_row *k);

/*
 * Append " OPT WORD" and suffix to the command line in buf[0..len) (n
 * bytes): WORD and suffix single-quoted unless plainly safe for a shell, so
 * that a printed command runs as written.  Returns the new length.
 */
size_t cli_shell_arg(char *buf, size_t n, size_t len, const char *opt, const char *word,
		     const char *suffix);

/*
 * The CPU a model judges against.  Under KVM's models the CPU is the L1
 * guest's: a silicon profile is turned into the L1 view the KVM of kernel
 * row `kernel` offers (NULL: the newest release that runs the model), unless
 * --view silicon asked to keep it.  What was removed is kept for
 * cli_view_note().
 */
struct cli_view {
	bool silicon;                         /* --view silicon */
	const struct svmc_kernel_row *kernel; /* --kernel's row, NULL: none given */
	/* filled by cli_view_cpu() */
	bool turned;                       /* the CPU was turned into an L1 view */
	struct svmc_featset removed;       /* what that took away */
	const struct svmc_kernel_row *row; /* whose L1 view it is */
};

/* The --view option of every command that judges against a CPU. */
#define CLI_VIEW_OPTION(key)                                                                                    \
	{                                                                                                       \
		"view", key, "VIEW", 0,                                                                         \
			"l1 (default): under the kvm models, judge the L1 view KVM offers on the CPU (what it " \
			"never gives an L1 guest removed); silicon: the profile as it is",                      \
			0                                                                                       \
	}

/*
 * What the guest CPU model needs that the host (as the model judging it
 * sees it: its L1 view under KVM) lacks: QEMU with enforce, or libvirt,
 * refuses to start or migrate the VM there.  The hypervisor bit and
 * EferLmsleUnsupported are no host capabilities a model can need.
 */
void cli_guest_blocked(const struct svmc_cpu *host, const struct svmc_cpu *guest,
		       struct svmc_featset *out);

/* The names of fs's features into buf, each after prefix, separated by sep. */
void cli_feature_list(const struct svmc_featset *fs, char *buf, size_t n, const char *sep,
		      const char *prefix);

/* --view VIEW: "silicon" or "l1" (the default); 0, or -1 after a usage error. */
int cli_view_parse(const char *arg, struct cli_view *v);

/* out = cpu as model m sees it, under v (v->turned, removed, row are set). */
void cli_view_cpu(struct cli_view *v, const struct svmc_model *m, const struct svmc_cpu *cpu,
		  struct svmc_cpu *out);

/*
 * Say what cli_view_cpu() did: text gets a line naming the removed features
 * ("who" names the CPU), JSON the keys "view" and "l1_removed".  A removal
 * that rests on a release not read in a source is noted on stderr.
 */
void cli_view_note(struct out *o, const char *who, const struct cli_view *v);

#endif /* SVMCHECK_CLI_H */
