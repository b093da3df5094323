/*
 * cmd_profile.c - `svmcheck profile show|capture|import|list`: look at a CPU
 * profile (identity, MAXPHYADDR, every feature with its CPUID location),
 * capture this host (its CPUID, or with --kvm what its KVM offers an L1
 * guest), convert any accepted profile format to svmcheck JSON, and list
 * the bundled profiles.
 *
 * One command with sub-verbs, parsed by one argp: the verb is the first
 * argument.  `show -j` prints one svmcheck/profile document (svmcheck-json(5)) that
 * includes the raw leaves, so it reads back as a profile (round trip).
 * Files are written through a temporary file and a rename (cpu/json.c).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "emit/profile_json.h"
#include "emit/table.h"
#include "svmcheck/cpu.h"

enum verb { V_NONE, V_SHOW, V_CAPTURE, V_IMPORT, V_LIST };
static const char *const verb_names[] = { NULL, "show", "capture", "import", "list" };

static const char *verb_name_at(size_t i)
{
	return verb_names[i];
}
enum { OPT_GUEST = 0x300, OPT_NAME, OPT_DESC, OPT_KVM };

struct profile_args {
	enum verb verb;
	const char *cpu;    /* show CPU / import FILE */
	const char *guest;  /* --guest CPU */
	const char *output; /* -o FILE */
	const char *name;   /* --name */
	const char *desc;   /* --description */
	bool kvm;           /* capture --kvm */
};

static const struct argp_option profile_options[] = {
	{ "guest", OPT_GUEST, "CPU", 0,
	  "show: intersect with a guest CPU model (e.g. qemu-EPYC-Rome-v4): the view an L1 "
	  "guest has",
	  0 },
	{ "kvm", OPT_KVM, NULL, 0,
	  "capture: what this host's KVM can offer an L1 guest (KVM_GET_SUPPORTED_CPUID of "
	  "/dev/kvm), not the host's own CPUID",
	  0 },
	{ "output", 'o', "FILE", 0,
	  "capture, import: write the JSON profile to FILE (atomically) instead of stdout", 0 },
	{ "name", OPT_NAME, "NAME", 0,
	  "capture, import: the profile's name (capture: this host's name by default)", 0 },
	{ "description", OPT_DESC, "TEXT", 0, "capture, import: the profile's description", 0 },
	{ 0 }
};

static error_t profile_parse(int key, char *arg, struct argp_state *state)
{
	struct profile_args *a = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = NULL;
		return 0;
	case OPT_GUEST:
		a->guest = arg;
		return 0;
	case 'o':
		a->output = arg;
		return 0;
	case OPT_NAME:
		a->name = arg;
		return 0;
	case OPT_DESC:
		a->desc = arg;
		return 0;
	case OPT_KVM:
		a->kvm = true;
		return 0;
	case ARGP_KEY_ARG:
		if (a->verb == V_NONE) {
			const char *hint = cli_suggest(arg, verb_name_at, V_LIST + 1);

			for (unsigned v = V_SHOW; v <= V_LIST; v++)
				if (strcmp(arg, verb_names[v]) == 0)
					a->verb = (enum verb)v;
			if (a->verb == V_NONE && hint)
				argp_error(
					state,
					"unknown profile command '%s'; did you mean '%s'? (show, "
					"capture, import, list)",
					arg, hint);
			else if (a->verb == V_NONE)
				argp_error(
					state,
					"unknown profile command '%s' (show, capture, import, list)",
					arg);
			return 0;
		}
		if ((a->verb == V_SHOW || a->verb == V_IMPORT) && !a->cpu) {
			a->cpu = arg;
			return 0;
		}
		argp_error(state, "unexpected argument '%s'", arg);
		return 0;
	case ARGP_KEY_END:
		if (a->verb == V_NONE)
			argp_error(state, "no profile command given (show, capture, import, list)");
		if (a->verb == V_SHOW && !a->cpu)
			argp_error(state,
				   "show needs a CPU: a profile file, a bundled name or host");
		if (a->verb == V_IMPORT && !a->cpu)
			argp_error(state, "import needs a FILE");
		if (a->guest && a->verb != V_SHOW && a->verb != V_IMPORT)
			argp_error(state, "--guest goes with show or import");
		if (a->kvm && a->verb != V_CAPTURE)
			argp_error(state, "--kvm goes with capture");
		if (a->output && a->verb != V_CAPTURE && a->verb != V_IMPORT)
			argp_error(state, "-o goes with capture or import");
		if ((a->name || a->desc) && a->verb != V_CAPTURE && a->verb != V_IMPORT)
			argp_error(state, "--name and --description go with capture or import");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp profile_argp = {
	profile_options,
	profile_parse,
	"show CPU [--guest CPU]\ncapture [--kvm] [-o FILE] [--name NAME] [--description TEXT]\n"
	"import FILE [-o FILE] [--name NAME] [--description TEXT]\nlist",
	"CPU profiles: show one (identity, MAXPHYADDR, every feature and where CPUID holds it), "
	"capture this host (or with --kvm the L1 view its KVM offers), convert a libcpuid raw "
	"dump, cpuid -r output, /proc/cpuinfo or a JSON profile to an svmcheck JSON profile, "
	"list the bundled profiles.\v"
	"CPU is a profile file (- for standard input), a bundled name (svmcheck profile list), a "
	"QEMU model (EPYC-Milan, EPYC-Milan-v2) or host, followed by optional modifiers ,+FEATURE "
	",-FEATURE ,maxphyaddr=N (N in 32..64) or QEMU's ,FEATURE=on|off ,phys-bits=N.\n"
	"Exit status: 0 success, 2 trouble (unknown or unreadable CPU, malformed profile, usage). "
	"See svmcheck-profile(1).",
	cli_output_children,
	NULL,
	NULL
};

/* ---- list ------------------------------------------------------------------ */

/*
 * Every NAME.json of every profile directory, the first directory winning
 * as in lookup (svmc_profile_find), with no limit on how many.  A NAME.json
 * that is not a regular file (a FIFO, a device, a directory) is never
 * opened: opening a FIFO would block.  It is listed as skipped, and
 * reported, as lookup skips it too.
 */
struct list_entry {
	char *name, *path;
	const char *skip; /* why it is not read (not a regular file), NULL to read it */
};

struct list_ctx {
	struct list_entry *e;
	unsigned n, cap;
	bool nomem;
};

static const char *not_regular(const struct stat *st)
{
	return S_ISDIR(st->st_mode)  ? "a directory" :
	       S_ISFIFO(st->st_mode) ? "a FIFO" :
	       S_ISCHR(st->st_mode)  ? "a character device" :
	       S_ISBLK(st->st_mode)  ? "a block device" :
	       S_ISSOCK(st->st_mode) ? "a socket" :
				       "not a regular file";
}

static int list_dir(const char *dir, void *arg)
{
	struct list_ctx *lc = arg;
	DIR *dp = opendir(dir);
	struct dirent *de;

	if (!dp)
		return 0;
	while ((de = readdir(dp)) != NULL) {
		size_t len = strlen(de->d_name);
		struct list_entry *le;
		struct stat st;
		bool dup = false;

		if (len <= 5 || strcmp(de->d_name + len - 5, ".json") != 0 || de->d_name[0] == '.')
			continue;
		for (unsigned i = 0; i < lc->n && !dup; i++)
			dup = !lc->e[i].skip && strlen(lc->e[i].name) == len - 5 &&
			      strncmp(lc->e[i].name, de->d_name, len - 5) == 0;
		if (dup)
			continue; /* an earlier directory wins, as in lookup */
		if (lc->n == lc->cap) {
			unsigned cap = lc->cap ? 2 * lc->cap : 64;
			struct list_entry *ne = realloc(lc->e, cap * sizeof(*ne));

			if (!ne) {
				lc->nomem = true;
				break;
			}
			lc->e = ne;
			lc->cap = cap;
		}
		le = &lc->e[lc->n];
		le->path = malloc(strlen(dir) + len + 2);
		le->name = strndup(de->d_name, len - 5);
		if (!le->path || !le->name) {
			free(le->path);
			free(le->name);
			lc->nomem = true;
			break;
		}
		sprintf(le->path, "%s/%s", dir, de->d_name);
		le->skip = stat(le->path, &st) != 0 ? NULL : /* svmc_cpu_load_file says why */
				   S_ISREG(st.st_mode) ? NULL :
							 not_regular(&st);
		lc->n++;
	}
	closedir(dp);
	return lc->nomem;
}

static int cmp_idx(const void *a, const void *b, void *arg)
{
	const struct list_entry *e = arg;
	return strcmp(e[*(const unsigned *)a].name, e[*(const unsigned *)b].name);
}

/*
 * A bundled profile: JSON keys; text prints name, kind, SVM, MAXPHYADDR and
 * the description (wrapped under itself) under a header.  The kind is one
 * word in both: "cpu" (a real CPU's CPUID leaves) or "guest-model" (a QEMU
 * guest CPU model, the argument of --guest).
 */
enum { L_NAME, L_KIND, L_SVM, L_MAXPHYADDR, L_DESCRIPTION, L_PATH, L_NCOLS };
static const struct svmc_col list_cols[L_NCOLS] = {
	[L_NAME] = { .key = "name", .head = "NAME", .width = 25 },
	[L_KIND] = { .key = "kind", .head = "KIND", .width = 11 },
	[L_SVM] = { .key = "svm", .head = "SVM", .width = 3, .type = SVMC_COL_BOOL },
	[L_MAXPHYADDR] = { .key = "maxphyaddr", .head = "PHYS", .width = -4, .type = SVMC_COL_U64 },
	[L_DESCRIPTION] = { .key = "description", .head = "DESCRIPTION", .gap = 2 },
	[L_PATH] = { .key = "path" },
};

static int do_list(struct out *o)
{
	struct svmc_table t = { .o = o, .cols = list_cols, .ncols = L_NCOLS };
	struct list_ctx lc = { .n = 0 };
	unsigned *idx = NULL;
	struct svmc_cpu *c = malloc(sizeof(*c));
	struct svmc_diag *bad = NULL; /* errors kept for the JSON objects after the list */
	unsigned nbad = 0;
	int rc = EXIT_PASS;

	if (!c) {
		cli_errorf(o, SVMC_ERR_NOMEM, "out of memory");
		return EXIT_TROUBLE;
	}
	svmc_profile_dirs(list_dir, &lc);
	if (lc.n)
		idx = malloc(lc.n * sizeof(*idx));
	if (svmc_emit_json(o) && lc.n)
		bad = malloc(lc.n * sizeof(*bad));
	if (lc.nomem || (lc.n && !idx) || (svmc_emit_json(o) && lc.n && !bad)) {
		cli_errorf(o, SVMC_ERR_NOMEM, "out of memory listing the profiles");
		rc = EXIT_TROUBLE;
		goto out;
	}
	for (unsigned i = 0; i < lc.n; i++)
		idx[i] = i;
	if (lc.n)
		qsort_r(idx, lc.n, sizeof(idx[0]), cmp_idx, lc.e);
	svmc_emit_obj_begin(o, NULL);
	svmc_emit_str(o, "schema", "svmcheck/profile-list");
	svmc_emit_u64(o, "schema_version", 1);
	svmc_table_begin(&t, "profiles");
	for (unsigned k = 0; k < lc.n; k++) {
		unsigned i = idx[k];
		struct svmc_diag d;

		if (lc.e[i].skip) {
			svmc_diag_init(&d, lc.e[i].path);
			svmc_diag_set(&d, SVMC_ERR_IO, "%s, not a profile file: skipped",
				      lc.e[i].skip);
		}
		if (lc.e[i].skip || svmc_cpu_load_file(lc.e[i].path, c, &d) != SVMC_OK) {
			/* the line now; with -j the object after the document */
			cli_report_text(&d);
			if (bad)
				bad[nbad++] = d;
			rc = EXIT_TROUBLE;
			continue;
		}
		{
			struct svmc_cell cells[L_NCOLS] = {
				[L_NAME] = { .s = lc.e[i].name },
				[L_KIND] = { .s = c->has_leaves ? "cpu" : "guest-model" },
				[L_SVM] = { .u = svmc_cpu_has(c, SVMC_FEAT_SVM),
					    .text = svmc_cpu_has(c, SVMC_FEAT_SVM) ? "yes" : "no" },
				[L_MAXPHYADDR] = { .u = c->maxphyaddr },
				[L_DESCRIPTION] = { .s = c->description },
				[L_PATH] = { .s = lc.e[i].path },
			};
			svmc_table_row(&t, cells, false);
		}
	}
	svmc_table_end(&t);
	svmc_emit_obj_end(o);
	for (unsigned k = 0; k < nbad && svmc_emit_json(o); k++)
		cli_emit_diag(o, &bad[k]);
	if (lc.n == 0)
		cli_errorf(o, SVMC_ERR_NOTFOUND,
			   "no bundled profile found (set SVMCHECK_PROFILE_PATH)");
out:
	free(bad);
	for (unsigned i = 0; i < lc.n; i++) {
		free(lc.e[i].name);
		free(lc.e[i].path);
	}
	free(lc.e);
	free(idx);
	free(c);
	return rc;
}

/*
 * The name of a captured profile: this host's name (gethostname(2), up to
 * its first dot, as `hostname -s` prints it), so that profiles captured on
 * several hosts do not all say "host"; "host" when it has none.  --name
 * overrides it.
 */
static void host_name(char *buf, size_t n)
{
	char h[256] = "";

	if (gethostname(h, sizeof(h) - 1) != 0 || !h[0])
		snprintf(h, sizeof(h), "host");
	h[strcspn(h, ".")] = '\0';
	snprintf(buf, n, "%s", h[0] ? h : "host");
}

int cmd_profile(int argc, char **argv)
{
	struct profile_args a = { .verb = V_NONE };
	struct svmc_cpu *c, *g = NULL;
	struct svmc_diag d;
	struct out o;
	enum svmc_err e;
	int rc = EXIT_PASS;

	if (argp_parse(&profile_argp, argc, argv, 0, NULL, &a) != 0)
		return EXIT_TROUBLE;
	cli_out_open(&o);
	if (a.verb == V_IMPORT) {
		/*
		 * -o must not name the dump being imported (nor the --guest
		 * profile): the file is the argument up to its first ','
		 * (",+FEATURE" modifiers follow, svmc_cpu_resolve()).
		 */
		char *ins[2] = { strndup(a.cpu, strcspn(a.cpu, ",")),
				 a.guest ? strndup(a.guest, strcspn(a.guest, ",")) : NULL };
		int refused = !ins[0] || (a.guest && !ins[1]) ||
			      cli_outfile_refuse(&o, a.output, ins, a.guest ? 2 : 1) != 0;

		free(ins[0]);
		free(ins[1]);
		if (refused) {
			rc = EXIT_TROUBLE;
			goto done;
		}
	}
	if (a.verb == V_LIST) {
		rc = do_list(&o);
		goto done;
	}
	c = malloc(sizeof(*c));
	if (a.guest)
		g = malloc(sizeof(*g));
	if (!c || (a.guest && !g)) {
		cli_errorf(&o, SVMC_ERR_NOMEM, "out of memory");
		free(c);
		free(g);
		rc = EXIT_TROUBLE;
		goto done;
	}
	if (a.verb == V_CAPTURE && a.kvm)
		e = svmc_cpu_capture_kvm(c, &d);
	else if (a.verb == V_CAPTURE)
		e = svmc_cpu_capture_host(c, &d);
	else
		e = svmc_cpu_resolve(a.cpu, c, &d);
	if (!e && g) {
		e = svmc_cpu_resolve(a.guest, g, &d);
		if (!e)
			svmc_cpu_compose(c, g);
	}
	if (e) {
		cli_report(&o, &d);
		rc = EXIT_TROUBLE;
	} else if (a.verb == V_SHOW) {
		svmc_profile_emit(&o, c, SVMC_PROFILE_DECODED);
	} else {
		if (a.name)
			snprintf(c->name, sizeof(c->name), "%s", a.name);
		if (a.desc)
			snprintf(c->description, sizeof(c->description), "%s", a.desc);
		if (a.verb == V_CAPTURE && !a.name)
			host_name(c->name, sizeof(c->name));
		/* captured all the same: the profile of a host that cannot nest is an answer too */
		if (a.kvm && !svmc_cpu_has(c, SVMC_FEAT_SVM))
			fprintf(stderr,
				"svmcheck: note: the L1 view this host's KVM offers has no SVM "
				"(CPUID 0x80000001:ECX[2]): no nested guest can run here (kvm_amd "
				"not loaded or nested=0, or not an AMD host)\n");
		svmc_emit_flush(&o);
		e = svmc_cpu_save_json(c, a.output ? a.output : "-", &d);
		if (e) {
			/* a failed write to stdout is said at exit, by main's check */
			if (a.output || !ferror(stdout))
				cli_report(&o, &d);
			rc = EXIT_TROUBLE;
		}
	}
	free(c);
	free(g);
done:
	if (svmc_emit_fini(&o) != 0 && rc == EXIT_PASS)
		rc = EXIT_TROUBLE;
	return rc;
}
