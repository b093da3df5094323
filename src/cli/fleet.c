/*
 * fleet.c - the hosts of a fleet for matrix and baseline: --from-file
 * lines and CPU arguments, [NAME=]CPU[@RELEASE] each, read and resolved
 * one way for both commands.
 *
 * '@' is no character of a profile name, a QEMU model or a feature, but a
 * path may hold one: only a suffix after the last '@' that is a kernel
 * release (MAJOR.MINOR[.PATCH][-SUFFIX], no '/') is taken for RELEASE, so
 * that /srv/at@home/host.json is a path and host.json@6.12 a release.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/fleet.h"

/*
 * NAME=CPU: the length of NAME and, in *cpu, where the CPU starts (blanks
 * around '=' allowed); 0 if s is a bare CPU.  A name is letters, digits, '.',
 * '_' and '-' up to the '=', so a modifier's '=' (epyc-rome,maxphyaddr=43,
 * QEMU's pku=off) or a path is never taken for one.
 */
static size_t name_len(const char *s, size_t *cpu)
{
	size_t n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");
	size_t eq = n + strspn(s + n, " \t");

	if (!n || s[eq] != '=')
		return 0;
	*cpu = eq + 1 + strspn(s + eq + 1, " \t");
	return n;
}

/* The RELEASE of spec's "CPU@RELEASE", or NULL when its last '@' is not followed by one. */
static const char *release_of(const char *spec)
{
	const char *at = strrchr(spec, '@');
	struct svmc_diag d;

	if (!at || strchr(at, '/'))
		return NULL;
	svmc_diag_init(&d, NULL);
	/* a release outside the table is still one (rejected with the table's nearest rows) */
	if (!svmc_kernel_lookup(at + 1, &d) && d.code == SVMC_ERR_USAGE)
		return NULL;
	return at + 1;
}

int cli_host_init(struct cli_host *h, const char *arg, const char *file, uint64_t line)
{
	size_t at = 0, nl = name_len(arg, &at);

	*h = (struct cli_host){ .file = file, .line = line };
	h->arg = strdup(arg);
	if (!h->arg)
		return -1;
	h->spec = h->arg + at;
	h->release = release_of(h->spec);
	h->cpu =
		strndup(h->spec, h->release ? (size_t)(h->release - 1 - h->spec) : strlen(h->spec));
	if (nl)
		h->name = strndup(arg, nl);
	if (!h->cpu || (nl && !h->name)) {
		cli_host_free(h);
		return -1;
	}
	return 0;
}

void cli_host_free(struct cli_host *h)
{
	free(h->arg);
	free(h->name);
	free(h->cpu);
	*h = (struct cli_host){ 0 };
}

/* One line: trimmed, blank and '#' lines skipped.  0, or -1 after reporting. */
static int file_line(struct out *o, const char *name, uint64_t lineno, char *s, size_t len,
		     int (*fn)(void *, const char *, const char *, uint64_t), void *ctx)
{
	while (len && (s[len - 1] == '\r' || s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	s[len] = '\0';
	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s || *s == '#')
		return 0;
	if (fn(ctx, s, name, lineno) != 0) {
		cli_errorf(o, SVMC_ERR_NOMEM, "out of memory");
		return -1;
	}
	return 0;
}

int cli_fleet_read(struct out *o, const char *path,
		   int (*fn)(void *ctx, const char *line, const char *file, uint64_t lineno),
		   void *ctx)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
	static char buf[1 << 16];
	char line[CLI_FLEET_MAX_LINE + 1];
	size_t len = 0, n;
	uint64_t lineno = 1;
	int rc = 0;

	if (!fp) {
		cli_errorf(o, SVMC_ERR_IO, "--from-file %s: cannot open: %s", path,
			   strerror(errno));
		return -1;
	}
	while (rc == 0 && (n = fread(buf, 1, sizeof(buf), fp)) > 0) {
		for (size_t i = 0; i < n; i++) {
			char c = buf[i];
			if (c == '\n') {
				rc = file_line(o, name, lineno, line, len, fn, ctx);
				if (rc)
					break;
				lineno++;
				len = 0;
			} else if (c == '\0') {
				cli_errorf(o, SVMC_ERR_FORMAT,
					   "--from-file %s:%" PRIu64 ": a NUL byte in the line "
					   "(not a text file of CPU arguments, one a line)",
					   name, lineno);
				rc = -1;
				break;
			} else if (len == CLI_FLEET_MAX_LINE) {
				cli_errorf(o, SVMC_ERR_LIMIT,
					   "--from-file %s:%" PRIu64 ": line longer than %d bytes",
					   name, lineno, CLI_FLEET_MAX_LINE);
				rc = -1;
				break;
			} else {
				line[len++] = c;
			}
		}
	}
	if (rc == 0 && ferror(fp)) {
		cli_errorf(o, SVMC_ERR_IO, "--from-file %s: read error: %s", name, strerror(errno));
		rc = -1;
	}
	if (rc == 0 && len)
		rc = file_line(o, name, lineno, line, len, fn, ctx);
	if (fp != stdin)
		fclose(fp);
	return rc;
}

int cli_fleet_read_all(struct out *o, const struct cli_fleet_files *files,
		       int (*fn)(void *ctx, const char *line, const char *file, uint64_t lineno),
		       void *ctx)
{
	int rc = 0;

	for (int i = 0; i < files->n; i++)
		if (cli_fleet_read(o, files->v[i], fn, ctx) != 0)
			rc = -1;
	return rc;
}

error_t cli_fleet_parse(int key, int from_file, char *arg, struct argp_state *state,
			struct cli_fleet_args *f)
{
	if (key == from_file) {
		if (f->files.n == CLI_FLEET_MAX_FILES)
			argp_error(state, "at most %d --from-file options", CLI_FLEET_MAX_FILES);
		else
			f->files.v[f->files.n++] = arg;
		return 0;
	}
	switch (key) {
	case ARGP_KEY_ARGS:
		f->cpus = state->argv + state->next;
		f->ncpus = state->argc - state->next;
		return 0;
	case ARGP_KEY_END:
		if (!f->ncpus && !f->files.n)
			argp_error(state, "no CPU given (arguments or --from-file FILE)");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* The inferred-row note of cli_kernel_model, once per row: a fleet names a release many times. */
static void note_once(const struct cli_host *h)
{
	static bool noted[64];
	char who[CLI_FLEET_MAX_LINE + 64];

	for (size_t i = 0; i < svmc_kernel_count() && i < sizeof(noted); i++) {
		if (svmc_kernel_at(i) != h->row || noted[i])
			continue;
		noted[i] = true;
		if (h->file)
			snprintf(who, sizeof(who), "--from-file %s:%" PRIu64 ": @%s", h->file,
				 h->line, h->release);
		else
			snprintf(who, sizeof(who), "@%s", h->release);
		cli_kernel_note(who, h->row);
	}
}

enum svmc_err cli_host_resolve(struct cli_host *h, const struct svmc_model *model, const char *mopt,
			       const struct cli_view *view, struct cli_view *v,
			       struct svmc_cpu *cpu, struct svmc_cpu *seen, struct svmc_diag *dg)
{
	enum svmc_err e;

	h->model = model;
	h->row = NULL;
	*v = *view;
	if (h->release) {
		svmc_diag_init(dg, h->spec);
		h->row = svmc_kernel_lookup(h->release, dg);
		if (!h->row)
			return dg->code;
		if (mopt && strcmp(h->row->model, model->name) != 0)
			return svmc_diag_set(dg, SVMC_ERR_USAGE,
					     "Linux %s runs model %s and -m %s picks another: the "
					     "release and -m both pick this host's model; give one",
					     h->release, h->row->model, mopt);
		h->model = svmc_model_lookup(h->row->model);
		if (!h->row->verified)
			note_once(h);
		v->kernel = h->row;
	}
	svmc_diag_init(dg, h->cpu);
	e = svmc_cpu_resolve(h->cpu, cpu, dg);
	if (e == SVMC_OK)
		cli_view_cpu(v, h->model, cpu, seen);
	return e;
}

void cli_host_fail(const struct cli_host *h, struct svmc_diag *dg, enum svmc_err e)
{
	char where[CLI_FLEET_MAX_LINE + 64], msg[sizeof(dg->msg)];

	where[0] = '\0';
	if (h->file)
		snprintf(where, sizeof(where), "--from-file %s:%" PRIu64 ": ", h->file, h->line);
	/* the CPU names the input (a profile file's line stays its own), NAME= only if empty */
	if (!dg->input || !*dg->input)
		dg->input = h->arg;
	snprintf(msg, sizeof(msg), "%s", dg->msg);
	svmc_diag_set(dg, e, "%s%s%s", where, msg,
		      e == SVMC_ERR_NOSVM ? "; a host for nested guests needs SVM" : "");
}
