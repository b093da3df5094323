/*
 * cmd_baseline.c - `svmcheck baseline`: the guest CPU that every given host
 * can run and under which all of them fall into one migrate class, as
 * `virsh hypervisor-cpu-baseline` answers for libvirt, but judged by what
 * the VMRUN checks read.
 *
 * The baseline holds the features of svmcheck's feature table (the ones some
 * check of some model reads: CR4/EFER gates, EVENTINJ reasons, SVM
 * sub-features) that every host has, and the smallest MAXPHYADDR.  Composed
 * with it (`matrix --guest`), every host has exactly these features and this
 * MAXPHYADDR, so every model compiles the same checks for all of them: one
 * class, whatever -m the matrix is run with.  Features no check reads are
 * not svmcheck's to judge and are left to the base model.
 *
 * It is printed three ways: a QEMU -cpu string and a libvirt <cpu> element,
 * both over the QEMU model (unversioned, as libvirt names models) that needs
 * the fewest features added or removed, and a JSON profile (-o FILE: a CPU
 * argument for every command).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/fleet.h"
#include "emit/emit.h"
#include "svmcheck/cpu.h"
#include "svmcheck/migrate.h"

enum { OPT_VIEW = 0x100, OPT_FROM_FILE };

struct baseline_args {
	const char *model, *output;
	struct cli_view view;
	bool bad_view, l1_removed; /* l1_removed: a host's L1 view lost features */
	bool old_noted;            /* the note on an older release's sub-features was said */
	struct cli_fleet_args fleet;
	/* the hosts: the CPU arguments, then the --from-file lines */
	struct cli_host *hosts;
	int nhosts, caphosts;
};

static const struct argp_option baseline_options[] = {
	{ "model", 'm', "MODEL", 0,
	  "Implementation model the hosts are proven one class under: {models,default}", 0 },
	{ "output", 'o', "FILE", 0,
	  "Also write the baseline as an svmcheck JSON profile to FILE (a CPU argument, e.g. for "
	  "matrix --guest)",
	  0 },
	{ "from-file", OPT_FROM_FILE, "FILE", 0,
	  "Read hosts from FILE, one a line, as matrix --from-file does ([NAME=]CPU[@RELEASE]; - for "
	  "standard input); may be repeated",
	  0 },
	CLI_VIEW_OPTION(OPT_VIEW),
	{ 0 }
};

static error_t baseline_parse(int key, char *arg, struct argp_state *state)
{
	struct baseline_args *a = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = NULL;
		return 0;
	case 'm':
		a->model = arg;
		return 0;
	case 'o':
		a->output = arg;
		return 0;
	case OPT_VIEW:
		a->bad_view = cli_view_parse(arg, &a->view) != 0;
		return 0;
	default:
		return cli_fleet_parse(key, OPT_FROM_FILE, arg, state, &a->fleet);
	}
}

static const struct argp baseline_argp = {
	baseline_options,
	baseline_parse,
	"CPU...",
	"The guest CPU every given host can run and under which all of them form one migrate "
	"class: the features VMRUN checks read that every host has, and the smallest MAXPHYADDR, "
	"as a QEMU -cpu string, a libvirt <cpu> element and (-j, -o) a JSON profile.\v"
	"Every host under the baseline is compiled under MODEL to prove one class.  A host is "
	"[NAME=]CPU[@RELEASE], as in matrix: RELEASE picks its KVM model and L1 view.  Exit status: "
	"0 one class, 1 the hosts still differ in a property no guest CPU changes (they are "
	"named), 2 trouble (a CPU that cannot be read or has no SVM: every such host is "
	"reported).  See "
	"svmcheck-baseline(1).",
	cli_output_children,
	cli_help_filter,
	NULL
};

/* QEMU's (and libvirt's) spelling of a feature. */
static const char *qemu_name(enum svmc_feature f)
{
	const struct svmc_feature_info *fi = &svmc_feature_table[f];

	return fi->qemu[0] ? fi->qemu : fi->name;
}

/* Features in a and not in b. */
static unsigned count_missing(const struct svmc_cpu *a, const struct svmc_cpu *b)
{
	unsigned n = 0;

	for (unsigned f = 0; f < SVMC_FEAT_COUNT; f++)
		n += svmc_cpu_has(a, f) && !svmc_cpu_has(b, f);
	return n;
}

/*
 * The unversioned QEMU model (its -v1: what QEMU's machine types and
 * libvirt's model names mean) nearest to base: the fewest features to
 * remove first, then the fewest to add; the first such in QEMU's order on a
 * tie.  Removals weigh more because a model also carries features no check
 * reads (AVX-512 on EPYC-Genoa): one that needs none of svmcheck's features
 * removed is the model of a CPU generation every host reaches, so QEMU's
 * enforce and libvirt's check='full' are most likely to accept it.  Its name
 * into name, its features into model[0] (model[1] is scratch); false when no
 * model resolves.
 */
static bool nearest_model(const struct svmc_cpu *base, char *name, size_t n, struct svmc_cpu *model)
{
	unsigned best = ~0u;
	const char *q;
	struct svmc_diag d;

	for (size_t i = 0; (q = svmc_qemu_model_name(i)) != NULL; i++) {
		size_t len = strlen(q);
		char un[64];
		unsigned cost;

		if (len < 3 || len >= sizeof(un) || strcmp(q + len - 3, "-v1") != 0)
			continue;
		snprintf(un, sizeof(un), "%.*s", (int)(len - 3), q);
		if (svmc_cpu_resolve(un, model + 1, &d) != SVMC_OK)
			continue;
		/* additions stay below SVMC_FEAT_COUNT: one removal outweighs them all */
		cost = count_missing(base, model + 1) +
		       SVMC_FEAT_COUNT * count_missing(model + 1, base);
		if (cost < best) {
			best = cost;
			snprintf(name, n, "%s", un);
			model[0] = model[1];
		}
	}
	return best != ~0u;
}

/* The QEMU -cpu string: model, -feat for each to remove, +feat to add, phys-bits. */
static void put_qemu(FILE *f, const char *mname, const struct svmc_cpu *model,
		     const struct svmc_cpu *base)
{
	fputs(mname, f);
	for (unsigned k = 0; k < SVMC_FEAT_COUNT; k++)
		if (svmc_cpu_has(model, k) != svmc_cpu_has(base, k))
			fprintf(f, ",%c%s", svmc_cpu_has(base, k) ? '+' : '-', qemu_name(k));
	fprintf(f, ",phys-bits=%u", base->maxphyaddr);
}

/*
 * The libvirt element: check='full' and fallback='forbid', so that libvirt
 * refuses a host that cannot give exactly this CPU rather than start a
 * guest in another class.
 */
static void put_libvirt(FILE *f, const char *mname, const struct svmc_cpu *model,
			const struct svmc_cpu *base)
{
	fprintf(f,
		"<cpu mode='custom' match='exact' check='full'>\n"
		"  <model fallback='forbid'>%s</model>\n",
		mname);
	for (unsigned k = 0; k < SVMC_FEAT_COUNT; k++)
		if (svmc_cpu_has(model, k) != svmc_cpu_has(base, k))
			fprintf(f, "  <feature policy='%s' name='%s'/>\n",
				svmc_cpu_has(base, k) ? "require" : "disable", qemu_name(k));
	fprintf(f, "  <maxphysaddr mode='emulate' bits='%u'/>\n</cpu>", base->maxphyaddr);
}

/* s (malloc'd by open_memstream through put), or NULL when memory is short. */
static char *render(void (*put)(FILE *, const char *, const struct svmc_cpu *,
				const struct svmc_cpu *),
		    const char *mname, const struct svmc_cpu *model, const struct svmc_cpu *base)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	if (!f)
		return NULL;
	put(f, mname, model, base);
	if (fclose(f) != 0) {
		free(s);
		return NULL;
	}
	return s;
}

/*
 * What the command found: the baseline, its base model and renderings, and
 * the hosts (by argument) that still fall outside the first host's class
 * under the model, with whether EferLmsleUnsupported (a property of the L0
 * host that svmc_cpu_compose() keeps) differs among the hosts; unknown marks
 * the hosts whose class depends on it while their input cannot show it
 * (/proc/cpuinfo): then one class is not known, never guessed.  Hosts
 * whose releases pick different models (models_differ) never share a class.
 */
struct result {
	const struct svmc_model *model;
	const struct svmc_cpu *base;
	const char *mname, *qemu, *libvirt;
	bool *apart, *unknown;
	unsigned napart, nunknown;
	bool lmsle_differs, models_differ;
};

static void emit_json(struct out *o, const struct baseline_args *a, const struct result *r)
{
	svmc_emit_obj_begin(o, NULL);
	svmc_emit_str(o, "schema", "svmcheck/baseline");
	svmc_emit_u64(o, "schema_version", 1);
	svmc_emit_str(o, "model", r->model->name);
	svmc_emit_str(o, "view",
		      svmc_model_is_kvm(r->model) && !a->view.silicon ? "l1" : "silicon");
	svmc_emit_arr_begin(o, "hosts");
	for (int i = 0; i < a->nhosts; i++)
		svmc_emit_str(o, NULL, cli_host_shown(&a->hosts[i]));
	svmc_emit_arr_end(o);
	svmc_emit_u64(o, "maxphyaddr", r->base->maxphyaddr);
	svmc_emit_arr_begin(o, "features");
	for (unsigned k = 0; k < SVMC_FEAT_COUNT; k++)
		if (svmc_cpu_has(r->base, k))
			svmc_emit_str(o, NULL, svmc_feature_table[k].name);
	svmc_emit_arr_end(o);
	svmc_emit_str(o, "qemu_model", r->mname);
	svmc_emit_str(o, "qemu", r->qemu);
	svmc_emit_str(o, "libvirt", r->libvirt);
	if (r->nunknown && !r->napart)
		svmc_emit_null(o, "one_class");
	else
		svmc_emit_bool(o, "one_class", r->napart == 0);
	svmc_emit_arr_begin(o, "apart");
	for (int i = 0; i < a->nhosts; i++)
		if (r->apart[i])
			svmc_emit_str(o, NULL, cli_host_shown(&a->hosts[i]));
	svmc_emit_arr_end(o);
	svmc_emit_arr_begin(o, "unknown");
	for (int i = 0; i < a->nhosts; i++)
		if (r->unknown[i])
			svmc_emit_str(o, NULL, cli_host_shown(&a->hosts[i]));
	svmc_emit_arr_end(o);
	svmc_emit_obj_end(o);
}

static void raw(struct out *o, const char *s)
{
	svmc_emit_raw(o, s, strlen(s));
}

/*
 * "-cpu STRING", broken after commas into lines of SVMC_TEXT_WIDTH columns at
 * most, each but the last ending in a backslash and the next one starting
 * in column 0: the shell's line continuation joins them back into the one
 * word QEMU wants, so the lines paste into a command line as they are.
 */
static void put_cpu_option(struct out *o, const char *s)
{
	size_t col = 5, len = strlen(s);

	raw(o, "-cpu ");
	while (len) {
		size_t take = len;

		if (col + len > SVMC_TEXT_WIDTH) {
			/* the last comma that leaves room for the backslash, else the first */
			size_t room = SVMC_TEXT_WIDTH - 1 - col, cut = 0;

			for (size_t i = 0; i < len && (i < room || !cut); i++)
				if (s[i] == ',')
					cut = i + 1;
			take = cut ? cut : len;
		}
		svmc_emit_raw(o, s, take);
		s += take;
		len -= take;
		raw(o, len ? "\\\n" : "\n");
		col = 0;
	}
}

static void emit_text(struct out *o, const struct baseline_args *a, const struct result *r)
{
	unsigned n = 0;

	for (unsigned k = 0; k < SVMC_FEAT_COUNT; k++)
		n += svmc_cpu_has(r->base, k);
	svmc_emit_printf(o, "baseline of %d host%s: MAXPHYADDR %u, %u features\n", a->nhosts,
			 a->nhosts == 1 ? "" : "s", r->base->maxphyaddr, n);
	if (a->l1_removed)
		svmc_emit_printf(o, "each host is its L1 view: what KVM does not offer an L1 guest "
				    "is removed (svmcheck-profile(1); --view silicon keeps it)\n");
	svmc_emit_puts(o, "features:");
	for (unsigned k = 0; k < SVMC_FEAT_COUNT; k++)
		if (svmc_cpu_has(r->base, k))
			svmc_emit_printf(o, " %s", svmc_feature_table[k].name);
	svmc_emit_printf(o, "\n\nQEMU (over %s, the QEMU model closest to the baseline):\n",
			 r->mname);
	/* not the text wrapper: both are pasted as they are */
	put_cpu_option(o, r->qemu);
	raw(o, "\nlibvirt:\n");
	raw(o, r->libvirt);
	raw(o, "\n\n");
	if (r->nunknown) {
		svmc_emit_printf(o,
				 "unknown EferLmsleUnsupported (CPUID 0x80000008:EBX[20]), "
				 "which decides the class under %s, on:",
				 r->model->name);
		for (int i = 0; i < a->nhosts; i++)
			if (r->unknown[i])
				svmc_emit_printf(o, " %s", cli_host_shown(&a->hosts[i]));
		svmc_emit_puts(o, "\n(their input does not show it: give their CPUID)\n");
	}
	if (!r->napart && r->nunknown)
		return;
	if (!r->napart) {
		svmc_emit_printf(o, "one class under %s: every host gives the same verdicts\n",
				 r->model->name);
		return;
	}
	svmc_emit_printf(o,
			 "not one class under %s: %u host%s apart from %s's class:", r->model->name,
			 r->napart, r->napart == 1 ? "" : "s", cli_host_shown(&a->hosts[0]));
	for (int i = 0; i < a->nhosts; i++)
		if (r->apart[i])
			svmc_emit_printf(o, " %s", cli_host_shown(&a->hosts[i]));
	if (r->models_differ) {
		svmc_emit_puts(o, "\nthe hosts run KVMs of different models (their kernel "
				  "releases): no guest CPU model joins them\n");
		return;
	}
	svmc_emit_puts(o,
		       r->lmsle_differs ?
			       "\nthe hosts differ in EferLmsleUnsupported (CPUID "
			       "0x80000008:EBX[20]), which makes EFER.LMSLE reserved on the L0 "
			       "host whatever the guest CPU says: no guest CPU model joins them\n" :
			       "\nthe hosts differ in a property no guest CPU model changes\n");
}

/*
 * The baseline of hosts[0..n) into *base: the intersection of their
 * features, the smallest MAXPHYADDR, and the hypervisor bit set (a guest
 * CPU: QEMU and libvirt set it on every model).
 */
static void intersect(struct svmc_cpu *base, const struct svmc_cpu *hosts, int n)
{
	svmc_cpu_init(base);
	snprintf(base->name, sizeof(base->name), "baseline");
	snprintf(base->description, sizeof(base->description), "svmcheck baseline of %d host%s", n,
		 n == 1 ? "" : "s");
	base->source = SVMC_SRC_MODEL;
	base->has_leaves = false; /* a feature list, as a guest CPU model is */
	base->features = hosts[0].features;
	base->maxphyaddr = hosts[0].maxphyaddr;
	memcpy(base->vendor, hosts[0].vendor, sizeof(base->vendor));
	for (int i = 1; i < n; i++) {
		for (unsigned w = 0; w < 2; w++)
			base->features.w[w] &= hosts[i].features.w[w];
		if (hosts[i].maxphyaddr < base->maxphyaddr)
			base->maxphyaddr = hosts[i].maxphyaddr;
	}
	svmc_featset_set(&base->features, SVMC_FEAT_HYPERVISOR, true);
}

/*
 * Read every host, as its model sees it (its @RELEASE's, else m); every host
 * that cannot be read or has no SVM (no nested guest runs there, so it has
 * no class to share) is reported, not only the first.  cpu is scratch.
 * 0 or -1.
 */
static int read_hosts(struct out *o, struct baseline_args *a, const struct svmc_model *m,
		      struct svmc_cpu *hosts, struct svmc_cpu *cpu)
{
	int rc = 0;

	for (int i = 0; i < a->nhosts; i++) {
		struct cli_host *h = &a->hosts[i];
		struct svmc_diag d;
		struct cli_view v;
		enum svmc_err e;

		/* under KVM a host offers its L1 view, never more */
		e = cli_host_resolve(h, m, a->model, &a->view, &v, cpu, &hosts[i], &d);
		a->l1_removed |= v.removed.w[0] || v.removed.w[1];
		if (e == SVMC_OK && !svmc_cpu_has(&hosts[i], SVMC_FEAT_SVM)) {
			svmc_diag_init(&d, h->cpu);
			e = svmc_diag_set(&d, SVMC_ERR_NOSVM, "this CPU has no SVM");
		}
		if (e != SVMC_OK) {
			cli_host_fail(h, &d, e);
			cli_report(o, &d);
			rc = -1;
		}
		/*
		 * The SVM sub-features KVM offers a nested hypervisor (nested vNMI,
		 * TSC scaling, LBRV, VGIF, pause filter, ...) grew release by release;
		 * the L1 rules model them as the newest KVM offers them.  A baseline
		 * for an older release may then ask for one its KVM lacks: say so.
		 */
		if (e == SVMC_OK && v.turned && v.row != svmc_kernel_newest() &&
		    strcmp(cpu->view, "l1") != 0 && !a->old_noted) {
			a->old_noted = true;
			fprintf(stderr,
				"svmcheck: note: %s: the SVM features KVM offers a nested hypervisor "
				"are taken as the newest KVM offers them, not by release: for a host "
				"on an older kernel, give its profile capture --kvm\n",
				cli_host_shown(h));
		}
	}
	return rc;
}

/*
 * The proof: each host composed with the baseline (what `matrix --guest`
 * does) and compiled under the model; r->apart marks the hosts whose class
 * key differs from the first host's.  scratch holds one CPU; 0 or -1.
 */
static int judge(struct out *o, const struct baseline_args *a, const struct svmc_cpu *hosts,
		 struct svmc_cpu *scratch, struct result *r)
{
	struct svmc_compiled *comp = malloc(sizeof(*comp));
	struct svmc_class_key first, key;

	if (!comp) {
		cli_errorf(o, SVMC_ERR_NOMEM, "out of memory");
		return -1;
	}
	for (int i = 0; i < a->nhosts; i++) {
		const struct svmc_model *m = a->hosts[i].model;

		*scratch = hosts[i];
		svmc_cpu_compose(scratch, r->base);
		svmc_compile(comp, m, scratch, NULL);
		svmc_class_key(comp, i ? &key : &first);
		if (svmc_cpu_feature_unknown(&hosts[i], SVMC_FEAT_EFER_LMSLE_UNSUPPORTED)) {
			/* the other value: does the class depend on what is unknown? */
			struct svmc_class_key other;

			svmc_featset_set(&scratch->features, SVMC_FEAT_EFER_LMSLE_UNSUPPORTED,
					 true);
			svmc_compile(comp, m, scratch, NULL);
			svmc_class_key(comp, &other);
			r->unknown[i] = !svmc_class_equal(i ? &key : &first, &other);
			r->nunknown += r->unknown[i];
		}
		r->apart[i] = i && !svmc_class_equal(&first, &key);
		r->napart += r->apart[i];
		r->lmsle_differs |= svmc_cpu_has(&hosts[i], SVMC_FEAT_EFER_LMSLE_UNSUPPORTED) !=
				    svmc_cpu_has(&hosts[0], SVMC_FEAT_EFER_LMSLE_UNSUPPORTED);
		r->models_differ |= m != a->hosts[0].model;
	}
	free(comp);
	return 0;
}

/* One more host, arg from file:line (file NULL: the command line), into the args ctx.  0 or -1. */
static int add_host(void *ctx, const char *arg, const char *file, uint64_t line)
{
	struct baseline_args *a = ctx;

	if (a->nhosts == a->caphosts) {
		int cap = a->caphosts ? 2 * a->caphosts : 16;
		struct cli_host *nh = realloc(a->hosts, (size_t)cap * sizeof(*nh));

		if (!nh)
			return -1;
		a->hosts = nh;
		a->caphosts = cap;
	}
	if (cli_host_init(&a->hosts[a->nhosts], arg, file, line) != 0)
		return -1;
	a->nhosts++;
	return 0;
}

/*
 * The hosts: the CPU arguments, then every --from-file (each read up to its
 * first error, so that all are reported).  0, or -1 after reporting.
 */
static int gather_hosts(struct out *o, struct baseline_args *a)
{
	int rc;

	for (int i = 0; i < a->fleet.ncpus; i++)
		if (add_host(a, a->fleet.cpus[i], NULL, 0) != 0) {
			cli_errorf(o, SVMC_ERR_NOMEM, "out of memory");
			return -1;
		}
	rc = cli_fleet_read_all(o, &a->fleet.files, add_host, a);
	if (rc == 0 && !a->nhosts) {
		cli_errorf(o, SVMC_ERR_USAGE, "no CPU given: the files hold no CPU argument");
		rc = -1;
	}
	return rc;
}

/* -o FILE must not be an input: a host's CPU or a --from-file.  0, or -1 after reporting. */
static int refuse_output(struct out *o, const struct baseline_args *a)
{
	char **inputs = calloc((size_t)(a->nhosts + a->fleet.files.n) + 1, sizeof(*inputs));
	int rc;

	if (!inputs) {
		cli_errorf(o, SVMC_ERR_NOMEM, "out of memory");
		return -1;
	}
	for (int i = 0; i < a->nhosts; i++)
		inputs[i] = a->hosts[i].cpu;
	for (int i = 0; i < a->fleet.files.n; i++)
		inputs[a->nhosts + i] = (char *)a->fleet.files.v[i];
	rc = cli_outfile_refuse(o, a->output, inputs, a->nhosts + a->fleet.files.n);
	free(inputs);
	return rc;
}

int cmd_baseline(int argc, char **argv)
{
	struct baseline_args a = { 0 };
	struct svmc_cpu *c = NULL, *base, *model;
	struct result r = { 0 };
	char mname[64], *qemu = NULL, *libvirt = NULL;
	struct out o;
	int rc = EXIT_TROUBLE;

	if (argp_parse(&baseline_argp, argc, argv, 0, NULL, &a) != 0 || a.bad_view)
		return EXIT_TROUBLE;
	cli_out_open(&o);
	r.model = a.model ? svmc_model_lookup(a.model) : svmc_model_default();
	if (!r.model) {
		cli_unknown_model(&o, a.model);
		goto done;
	}
	if (gather_hosts(&o, &a) != 0 || refuse_output(&o, &a) != 0)
		goto done;
	/* the hosts, then the baseline, two candidates for the base model, a scratch CPU */
	c = calloc((size_t)a.nhosts + 4, sizeof(*c));
	r.apart = calloc((size_t)a.nhosts, sizeof(*r.apart));
	r.unknown = calloc((size_t)a.nhosts, sizeof(*r.unknown));
	if (!c || !r.apart || !r.unknown) {
		cli_errorf(&o, SVMC_ERR_NOMEM, "out of memory");
		goto done;
	}
	base = &c[a.nhosts];
	model = &c[a.nhosts + 1];
	if (read_hosts(&o, &a, r.model, c, &c[a.nhosts + 3]) != 0)
		goto done;
	/* without -m, the hosts are judged under the first one's model (its release's) */
	if (!a.model)
		r.model = a.hosts[0].model;
	intersect(base, c, a.nhosts);
	r.base = base;
	if (!nearest_model(base, mname, sizeof(mname), model)) {
		cli_errorf(&o, SVMC_ERR_NOTFOUND, "no bundled QEMU model profile found");
		goto done;
	}
	qemu = render(put_qemu, mname, model, base);
	libvirt = render(put_libvirt, mname, model, base);
	if (!qemu || !libvirt) {
		cli_errorf(&o, SVMC_ERR_NOMEM, "out of memory");
		goto done;
	}
	r.mname = mname;
	r.qemu = qemu;
	r.libvirt = libvirt;
	if (judge(&o, &a, c, &c[a.nhosts + 3], &r) != 0)
		goto done;
	if (a.output) {
		struct svmc_diag d;

		if (svmc_cpu_save_json(base, a.output, &d) != SVMC_OK) {
			cli_report(&o, &d);
			goto done;
		}
	}
	if (svmc_emit_json(&o))
		emit_json(&o, &a, &r);
	else if (!cli_g.quiet)
		emit_text(&o, &a, &r);
	rc = r.napart || r.nunknown ? EXIT_FAIL : EXIT_PASS;
done:
	free(qemu);
	free(libvirt);
	free(r.apart);
	free(r.unknown);
	free(c);
	for (int i = 0; i < a.nhosts; i++)
		cli_host_free(&a.hosts[i]);
	free(a.hosts);
	if (svmc_emit_fini(&o) != 0)
		rc = EXIT_TROUBLE;
	return rc;
}
