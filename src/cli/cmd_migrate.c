/*
 * cmd_migrate.c - `svmcheck migrate`: what changes VMRUN validity when a
 * nested guest moves from one CPU (and model) to another.
 *
 * The answer is a diff of the two compiled models (src/migrate/diff.c), not
 * of sample VMCBs; given INPUT records, each is also replayed under both
 * sides and the ones whose verdict changes are listed with the failures of
 * the side that rejects them (a trace's VMRUNs counted per reason instead).  Text is for a person in ten seconds: the
 * result first, one line per difference with its reason, then what to do.
 * -j is one JSON document (svmcheck-json(5)): result, vectors, state,
 * records, summary.  Exit status: 0 identical or superset (only
 * identical with --strict), 1 subset, incompatible or blocked, 2 trouble.
 *
 * A VM keeps its CPU model in a live migration: --guest names it for both
 * sides, and two different guest models are refused unless
 * --allow-guest-change asks for that comparison.  A guest model that needs a
 * feature a host lacks cannot run there at all (QEMU with enforce, and
 * libvirt, refuse it), so that is reported as blocked_by, exit 1, instead of
 * a diff of intersections no VM can have.  Every suggested command carries
 * the options of this run, so that running it reproduces the advice.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "svmcheck/check.h"
#include "svmcheck/cpu.h"
#include "svmcheck/migrate.h"
#include "svmcheck/record.h"
#include "svmcheck/replay.h"
#include "svmcheck/vectors.h"

enum {
	OPT_FROM = 0x100,
	OPT_TO,
	OPT_FROM_GUEST,
	OPT_TO_GUEST,
	OPT_FROM_MODEL,
	OPT_TO_MODEL,
	OPT_STRICT,
	OPT_FROM_KERNEL,
	OPT_TO_KERNEL,
	OPT_GUEST,
	OPT_ALLOW_GUEST_CHANGE,
	OPT_VIEW,
};

struct migrate_args {
	const char *from, *to, *guest, *from_guest, *to_guest;
	const char *model, *from_model, *to_model;
	const char *from_kernel, *to_kernel; /* pick from_model, to_model */
	bool strict, allow_guest_change;
	struct cli_view view; /* --view (kernel rows filled per side) */
	bool bad_view;
	const struct svmc_kernel_row *from_row, *to_row;
	enum svmc_format format;
	char **inputs;
	int ninputs;
};

static const struct argp_option migrate_options[] = {
	{ "from", OPT_FROM, "CPU", 0,
	  "The source CPU: a profile file, a bundled name (epyc-milan, ...) or host, with optional "
	  ",+FEATURE ,-FEATURE ,maxphyaddr=N",
	  0 },
	{ "to", OPT_TO, "CPU", 0, "The destination CPU, in the same forms", 0 },
	{ "guest", OPT_GUEST, "CPU", 0,
	  "The VM's guest CPU model (e.g. qemu-EPYC-Milan-v2) on both sides: the L1 vCPU is the host "
	  "intersected with it, and a host lacking a feature it needs cannot run it",
	  0 },
	{ "from-guest", OPT_FROM_GUEST, "CPU", 0,
	  "The guest CPU model on the source only (needs --allow-guest-change unless it is the "
	  "destination's too)",
	  0 },
	{ "to-guest", OPT_TO_GUEST, "CPU", 0, "The guest CPU model on the destination only", 0 },
	{ "allow-guest-change", OPT_ALLOW_GUEST_CHANGE, NULL, 0,
	  "Compare different guest CPU models on the two sides on purpose (a live migration keeps "
	  "the model: a restart with a new one)",
	  0 },
	{ "model", 'm', "MODEL", 0, "Model on both sides: {models,default}", 0 },
	{ "from-model", OPT_FROM_MODEL, "MODEL", 0,
	  "Model on the source (a kernel upgrade: --from-model kvm-legacy --to-model kvm)", 0 },
	{ "to-model", OPT_TO_MODEL, "MODEL", 0, "Model on the destination", 0 },
	{ "from-kernel", OPT_FROM_KERNEL, "RELEASE", 0,
	  "The source's model is the KVM of Linux RELEASE (svmcheck checks --kernels)", 0 },
	{ "to-kernel", OPT_TO_KERNEL, "RELEASE", 0, "The destination's model, by Linux release",
	  0 },
	CLI_VIEW_OPTION(OPT_VIEW),
	{ "strict", OPT_STRICT, NULL, 0,
	  "Exit 0 only for identical: a newly valid state is a guest-visible change too", 0 },
	{ "format", 'f', "FMT", 0, "Format of the INPUT records: auto (default), {formats}", 0 },
	{ 0 }
};

static bool same_guest(const char *x, const char *y)
{
	return x == y || (x && y && strcmp(x, y) == 0);
}

static error_t migrate_parse(int key, char *arg, struct argp_state *state)
{
	struct migrate_args *a = state->input;
	char names[512];

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = NULL;
		return 0;
	case OPT_FROM:
		a->from = arg;
		return 0;
	case OPT_TO:
		a->to = arg;
		return 0;
	case OPT_FROM_GUEST:
		a->from_guest = arg;
		return 0;
	case OPT_TO_GUEST:
		a->to_guest = arg;
		return 0;
	case OPT_GUEST:
		a->guest = arg;
		return 0;
	case OPT_ALLOW_GUEST_CHANGE:
		a->allow_guest_change = true;
		return 0;
	case 'm':
		a->model = arg;
		return 0;
	case OPT_FROM_MODEL:
		a->from_model = arg;
		return 0;
	case OPT_TO_MODEL:
		a->to_model = arg;
		return 0;
	case OPT_STRICT:
		a->strict = true;
		return 0;
	case OPT_FROM_KERNEL:
		a->from_kernel = arg;
		return 0;
	case OPT_TO_KERNEL:
		a->to_kernel = arg;
		return 0;
	case OPT_VIEW:
		a->bad_view = cli_view_parse(arg, &a->view) != 0;
		return 0;
	case 'f':
		if (svmc_format_parse(arg, &a->format) != 0)
			argp_error(state, "%s", cli_unknown_format_msg(names, sizeof(names), arg));
		return 0;
	case ARGP_KEY_ARGS:
		a->inputs = state->argv + state->next;
		a->ninputs = state->argc - state->next;
		return 0;
	case ARGP_KEY_END:
		if (!a->from || !a->to)
			argp_error(state, "--from CPU and --to CPU are both needed");
		if (a->model && a->from_model && a->to_model)
			argp_error(
				state,
				"-m names the model of both sides; with --from-model and --to-model "
				"it has no side left");
		if (a->guest && a->from_guest && a->to_guest)
			argp_error(
				state,
				"--guest names the guest CPU model of both sides; with --from-guest and "
				"--to-guest it has no side left");
		if (!a->from_guest)
			a->from_guest = a->guest;
		if (!a->to_guest)
			a->to_guest = a->guest;
		if (!a->allow_guest_change && !same_guest(a->from_guest, a->to_guest))
			argp_error(
				state,
				"the guest CPU model differs between the sides (%s on the source, %s on "
				"the destination), but a VM keeps its CPU model in a live migration: "
				"--guest CPU names it for both sides; --allow-guest-change compares a "
				"change of model on purpose",
				a->from_guest ? a->from_guest : "none",
				a->to_guest ? a->to_guest : "none");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp migrate_argp = {
	migrate_options,
	migrate_parse,
	"--from CPU --to CPU [INPUT...]",
	"What changes VMRUN validity when a nested guest migrates from one CPU to another: the "
	"EVENTINJ vectors and TYPEs, CR4 and EFER bits, address limits (MAXPHYADDR), NP_ENABLE "
	"handling and checks whose verdict differs, each with its direction and reason; with INPUT "
	"records, the records whose verdict changes (a trace's VMRUNs counted per reason: \"L1 "
	"injects #CP (vector 21) 1,204 times in this trace; the destination rejects it\").\v"
	"Result: identical; superset (the destination accepts everything the source accepts, and "
	"more); subset (the destination rejects something the source accepts: a nested guest can "
	"break); incompatible (both); blocked (a host lacks a feature the --guest CPU model "
	"has: the VM cannot run there).  Exit status: 0 identical or superset (with --strict: "
	"identical only), 1 subset, incompatible or blocked, 2 trouble.  See svmcheck-migrate(1).",
	cli_output_children,
	cli_help_filter,
	NULL
};

/* One side: its CPU (large, heap) and compiled model. */
struct side {
	const char *arg, *guest, *label;
	const struct svmc_model *model;
	struct svmc_cpu *cpu;    /* as given (with the guest model): what hw judges */
	struct svmc_cpu *seen;   /* as the side's model sees it: the L1 view under KVM */
	struct cli_view view;    /* how seen was made */
	struct svmc_judge judge; /* judge.vmrun: the class diff; both forms: the records */
	/*
	 * No model named for this side: a record is judged by the model its
	 * origin implies (hardware-run VMCBs by apm, in hw), as replay does.
	 */
	bool by_origin;
	struct svmc_judge hw;
	struct svmc_panel panel; /* the records' judges */
	/* what the guest model needs and the host lacks: it cannot run there */
	struct svmc_featset blocked;
};

/*
 * The host and the guest model are resolved apart (not by cli_resolve_cpu's
 * composition) because what the guest needs beyond the host decides whether
 * the VM runs there at all.  The hypervisor bit and EferLmsleUnsupported are
 * no host capabilities a model can need (svmc_cpu_compose keeps them apart too).
 */
static int resolve_guest_side(struct out *o, struct side *s, const char *opt, const char *gopt)
{
	struct svmc_cpu *g;

	if (cli_resolve_cpu(o, opt, s->arg, NULL, NULL, s->cpu) != 0)
		return -1;
	cli_view_cpu(&s->view, s->model, s->cpu, s->seen);
	if (!s->guest)
		return 0;
	g = malloc(sizeof(*g));
	if (!g) {
		cli_errorf(o, SVMC_ERR_NOMEM, "out of memory");
		return -1;
	}
	if (cli_resolve_cpu(o, gopt, s->guest, NULL, NULL, g) != 0) {
		free(g);
		return -1;
	}
	/* what the host offers the guest: its L1 view under KVM */
	cli_guest_blocked(s->seen, g, &s->blocked);
	svmc_cpu_compose(s->cpu, g);
	svmc_cpu_compose(s->seen, g);
	free(g);
	return 0;
}

static bool featset_empty(const struct svmc_featset *fs)
{
	return !fs->w[0] && !fs->w[1];
}

static int setup_side(struct out *o, struct side *s)
{
	struct svmc_diag d;
	char opt[32], gopt[40];
	enum svmc_err e;

	s->cpu = malloc(sizeof(*s->cpu));
	s->seen = malloc(sizeof(*s->seen));
	if (!s->cpu || !s->seen) {
		cli_errorf(o, SVMC_ERR_NOMEM, "out of memory");
		return -1;
	}
	snprintf(opt, sizeof(opt), "--%s", s->label);
	snprintf(gopt, sizeof(gopt), "--%s-guest", s->label);
	if (resolve_guest_side(o, s, opt, gopt) != 0)
		return -1;
	svmc_diag_init(&d, NULL);
	/* judge: the side's model (kvm without one); hw: the hardware model (apm) by origin */
	s->judge.model = s->model;
	s->panel = (struct svmc_panel){ .j = { &s->judge }, .n = 1 };
	if (s->by_origin) {
		struct svmc_judge *const js[] = { &s->judge, &s->hw };

		svmc_panel_by_origin(&s->panel, js, 2);
	}
	e = svmc_judge_compile(&s->judge, s->judge.model, s->seen, &d);
	if (e == SVMC_OK && s->panel.n > 1)
		e = svmc_judge_compile(&s->hw, s->hw.model, s->cpu, &d);
	if (e == SVMC_ERR_NOSVM) {
		cli_errorf(o, e, "--%s %s: %s; a nested guest needs SVM on both sides", s->label,
			   s->arg, d.msg);
		return -1;
	}
	if (e != SVMC_OK) {
		cli_errorf(o, e, "--%s %s: %s", s->label, s->arg, d.msg);
		return -1;
	}
	return 0;
}

/* ---- differences ---------------------------------------------------------- */

static const char *kind_name(enum svmc_delta_kind k)
{
	switch (k) {
	case SVMC_D_CR4:
		return "cr4";
	case SVMC_D_EFER:
		return "efer";
	case SVMC_D_TYPE:
		return "type";
	case SVMC_D_ADDR:
		return "address";
	default:
		return "check";
	}
}

/* "#GP", "NMI", or what stands for a vector without a name. */
static void mnemonic(unsigned v, char *buf, size_t n)
{
	if (!svmc_vector_mnemonic(v, buf, n)[0])
		snprintf(buf, n, "%s", v >= 32 ? "interrupt" : "reserved");
}

static const char *dir_word(bool from, bool to)
{
	return from && !to ? "breaks" : "widens";
}

static void text_vectors(struct out *o, const struct svmc_diff *df)
{
	const char *red = svmc_emit_color(o, OUT_C_FAIL), *grn = svmc_emit_color(o, OUT_C_PASS),
		   *rst = svmc_emit_color(o, OUT_C_RESET);

	for (unsigned i = 0; i < df->nvec;) {
		const struct svmc_vec_delta *d = &df->vec[i];
		unsigned j = i + 1;
		char mn[16];

		/* one line for a run of vectors that differ the same way */
		while (j < df->nvec && df->vec[j].vector == df->vec[j - 1].vector + 1 &&
		       df->vec[j].from == d->from && df->vec[j].to == d->to &&
		       strcmp(df->vec[j].because, d->because) == 0)
			j++;
		if (j - i == 1) {
			mnemonic(d->vector, mn, sizeof(mn));
			svmc_emit_printf(
				o, "  %s%-7s%s EVENTINJ exception vector %u (%s): %s -> %s; %s\n",
				d->from ? red : grn, dir_word(d->from, d->to), rst, d->vector, mn,
				d->from ? "valid" : "invalid", d->to ? "valid" : "invalid",
				d->because);
		} else {
			svmc_emit_printf(
				o, "  %s%-7s%s EVENTINJ exception vectors %u-%u: %s -> %s; %s\n",
				d->from ? red : grn, dir_word(d->from, d->to), rst, d->vector,
				df->vec[j - 1].vector, d->from ? "valid" : "invalid",
				d->to ? "valid" : "invalid", d->because);
		}
		i = j;
	}
}

static void text_state(struct out *o, const struct svmc_diff *df)
{
	const char *red = svmc_emit_color(o, OUT_C_FAIL), *grn = svmc_emit_color(o, OUT_C_PASS),
		   *rst = svmc_emit_color(o, OUT_C_RESET);

	for (unsigned i = 0; i < df->nstate; i++) {
		const struct svmc_state_delta *s = &df->state[i];
		const char *acc, *rej;

		switch (s->kind) {
		case SVMC_D_CR4:
		case SVMC_D_EFER:
			acc = "allowed";
			rej = "reserved";
			break;
		case SVMC_D_TYPE:
			acc = "valid";
			rej = "invalid";
			break;
		default:
			acc = "accepted";
			rej = "rejected";
			break;
		}
		svmc_emit_printf(o, "  %s%-7s%s %s: %s -> %s [%s]; %s\n", s->from ? red : grn,
				 dir_word(s->from, s->to), rst, s->what, s->from ? acc : rej,
				 s->to ? acc : rej, svmc_check_info(s->check)->name, s->because);
	}
}

/*
 * The command that checks a piece of advice: this run's CPUs, guest models,
 * models, kernels and --strict, with from_mods appended to the source CPU and
 * guest_mods to the guest models, so that it gives what the advice promises.
 */
static void check_cmd(char *buf, size_t n, const struct migrate_args *a, const char *from_mods,
		      const char *guest_mods)
{
	size_t len = (size_t)snprintf(buf, n, "svmcheck migrate");

	len = cli_shell_arg(buf, n, len, "--from", a->from, from_mods);
	len = cli_shell_arg(buf, n, len, "--to", a->to, "");
	if (a->from_guest && same_guest(a->from_guest, a->to_guest)) {
		len = cli_shell_arg(buf, n, len, "--guest", a->from_guest, guest_mods);
	} else {
		if (a->from_guest)
			len = cli_shell_arg(buf, n, len, "--from-guest", a->from_guest, guest_mods);
		if (a->to_guest)
			len = cli_shell_arg(buf, n, len, "--to-guest", a->to_guest, guest_mods);
		if ((a->from_guest || a->to_guest) && len < n)
			len += (size_t)snprintf(buf + len, n - len, " --allow-guest-change");
	}
	if (a->model)
		len = cli_shell_arg(buf, n, len, "-m", a->model, "");
	/* a kernel picked the side's model: name the kernel, not the model */
	if (a->from_model && !a->from_kernel)
		len = cli_shell_arg(buf, n, len, "--from-model", a->from_model, "");
	if (a->to_model && !a->to_kernel)
		len = cli_shell_arg(buf, n, len, "--to-model", a->to_model, "");
	if (a->from_kernel)
		len = cli_shell_arg(buf, n, len, "--from-kernel", a->from_kernel, "");
	if (a->to_kernel)
		len = cli_shell_arg(buf, n, len, "--to-kernel", a->to_kernel, "");
	if (a->view.silicon)
		len = cli_shell_arg(buf, n, len, "--view", "silicon", "");
	if (a->strict && len < n)
		snprintf(buf + len, n - len, " --strict");
}

/* A guest model a host cannot run: no VMCB diff matters, the VM does not start there. */
static void text_blocked(struct out *o, const struct migrate_args *a, const struct side *from,
			 const struct side *to)
{
	const struct side *sides[2] = { from, to };
	struct svmc_featset both;
	char names[256], mods[256], cmd[1024];

	for (int i = 0; i < 2; i++) {
		if (featset_empty(&sides[i]->blocked))
			continue;
		cli_feature_list(&sides[i]->blocked, names, sizeof(names), ", ", "");
		svmc_emit_printf(
			o,
			"%s cannot run this guest CPU model: missing %s (QEMU with enforce, or "
			"libvirt, refuses to start or migrate it)\n",
			i ? "the destination" : "the source", names);
	}
	for (unsigned i = 0; i < sizeof(both.w) / sizeof(both.w[0]); i++)
		both.w[i] = from->blocked.w[i] | to->blocked.w[i];
	cli_feature_list(&both, names, sizeof(names), ", ", "");
	cli_feature_list(&both, mods, sizeof(mods), "", ",-");
	check_cmd(cmd, sizeof(cmd), a, "", mods);
	svmc_emit_printf(o,
			 "what to do: give the VM a guest CPU model both hosts can run, without %s "
			 "(check: %s)\n",
			 names, cmd);
}

static void text_advice(struct out *o, const struct svmc_diff *df, const struct migrate_args *a,
			const struct side *from, const struct side *to)
{
	char names[256], mods[256], cmd[1024];
	bool strict = a->strict;

	if (df->result == SVMC_MIG_IDENTICAL) {
		svmc_emit_printf(
			o, "what to do: nothing; every VMCB gets the same verdict on both sides\n");
		return;
	}
	if (df->result == SVMC_MIG_SUPERSET) {
		svmc_emit_printf(
			o,
			"what to do: nothing for safety: every VMCB valid on the source stays valid%s\n",
			strict ?
				"; --strict counts the newly valid states as a guest-visible change" :
				" (--strict treats newly valid states as a change)");
		return;
	}
	if (df->narrow_features.w[0] || df->narrow_features.w[1]) {
		cli_feature_list(&df->narrow_features, names, sizeof(names), ", ", "");
		cli_feature_list(&df->narrow_features, mods, sizeof(mods), "", ",-");
		check_cmd(cmd, sizeof(cmd), a, mods, "");
		svmc_emit_printf(
			o,
			"what to do: give the L1 guest a CPU model without %s, or pin %s off on the source "
			"(check: %s)\n",
			names, strchr(names, ',') ? "them" : "it", cmd);
	}
	if (df->narrow_maxphyaddr) {
		snprintf(mods, sizeof(mods), ",maxphyaddr=%u", to->judge.vmrun.maxphyaddr);
		check_cmd(cmd, sizeof(cmd), a, mods, "");
		svmc_emit_printf(
			o,
			"what to do: give the L1 guest a physical address width of %u bits on both hosts (QEMU "
			"phys-bits=%u; check: %s)\n",
			to->judge.vmrun.maxphyaddr, to->judge.vmrun.maxphyaddr, cmd);
	}
	if (df->narrow_host)
		svmc_emit_printf(
			o,
			"what to do: the destination host reports EferLmsleUnsupported, so EFER.LMSLE becomes "
			"reserved; no guest CPU model changes that: keep nested guests that set EFER.LMSLE off "
			"this destination\n");
	if (df->narrow_model) {
		check_cmd(cmd, sizeof(cmd), a, "", "");
		svmc_emit_printf(
			o,
			"what to do: the destination's rules (model %s) reject states the source's (model %s) "
			"accept; replay the nested guests' captured VMCBs: %s INPUT...\n",
			to->model->name, from->model->name, cmd);
	}
}

/* ---- records ------------------------------------------------------------- */

#define MAX_KEPT_ERRORS 64
#define MAX_TRACED 64 /* groups of traced VMRUNs; more are listed one by one */

/*
 * Traced VMRUNs whose verdict changes, counted per input and reason: a
 * trace holds the same VMRUN thousands of times, so one line says "L1
 * injects #CP (vector 21) 1,204 times in this trace; the destination
 * rejects it" instead of 1,204 record lines.  The reason is the first
 * failing check of the side that rejects and the value it judged (for the
 * EVENTINJ checks, the vector and type it injects).
 */
struct traced {
	const char *input; /* borrowed: the command line's argument */
	int check;         /* -1: INCOMPLETE on one side, nothing fails */
	bool to_side;
	enum svmc_verdict from, to;
	uint64_t value;
	uint64_t count, first_line, first_index;
	char message[512];
};

struct rec_state {
	uint64_t compared, changed, errors;
	uint64_t listed; /* changed records listed one by one */
	unsigned nkept, ntraced;
	struct svmc_diag kept[MAX_KEPT_ERRORS];
	struct traced traced[MAX_TRACED];
};

static void json_failures(struct out *o, const struct svmc_compiled *c, const struct svmc_record *r,
			  const struct svmc_result *res)
{
	char msg[512];

	svmc_emit_arr_begin(o, "failures");
	for (unsigned i = 0; i < c->model->norder; i++) {
		enum svmc_check_id id = (enum svmc_check_id)c->model->order[i];
		const struct svmc_check_info *info;

		if (!svmc_result_failed(res, id))
			continue;
		info = svmc_check_info(id);
		svmc_record_message(c, r, id, msg, sizeof(msg));
		svmc_emit_obj_begin(o, NULL);
		svmc_emit_str(o, "check", info->name);
		svmc_emit_str(o, "apm", info->apm);
		svmc_emit_str(o, "field", info->field_path);
		svmc_emit_hex(o, "value", svmc_record_check_value(r, id), info->field_digits);
		svmc_emit_str(o, "message", msg);
		svmc_emit_obj_end(o);
	}
	svmc_emit_arr_end(o);
}

static void emit_record(struct out *o, const struct svmc_record *r, const struct svmc_result *rf,
			const struct svmc_result *rt)
{
	/* the side that rejects it (or, between a pass and INCOMPLETE, the incomplete one) */
	bool to_side = svmc_verdict_rejects(rt->verdict) ||
		       (!svmc_verdict_rejects(rf->verdict) && rt->verdict == SVMC_INCOMPLETE);
	const struct svmc_result *res = to_side ? rt : rf;
	const struct svmc_compiled *c = res->comp;
	char msg[512];

	if (svmc_emit_json(o)) {
		svmc_emit_obj_begin(o, NULL);
		svmc_emit_str(o, "input", r->input);
		svmc_emit_u64(o, "index", r->index);
		if (r->line)
			svmc_emit_u64(o, "line", r->line);
		else if (r->offset != SVMC_NO_OFFSET)
			svmc_emit_u64(o, "offset", r->offset);
		svmc_emit_str(o, "origin", svmc_origin_name(r->origin));
		svmc_emit_str(o, "from", svmc_verdict_name(rf->verdict));
		svmc_emit_str(o, "to", svmc_verdict_name(rt->verdict));
		svmc_emit_str(o, "side", to_side ? "to" : "from");
		if (c)
			json_failures(o, c, r, res);
		if (res->first >= 0)
			svmc_emit_str(o, "first",
				      svmc_check_info((enum svmc_check_id)res->first)->name);
		if (res->verdict == SVMC_INCOMPLETE) {
			svmc_emit_arr_begin(o, "unevaluated");
			for (unsigned i = 0; i < SVMC_CHECK_COUNT; i++)
				if ((res->unevaluated >> i) & 1)
					svmc_emit_str(o, NULL,
						      svmc_check_info((enum svmc_check_id)i)->name);
			svmc_emit_arr_end(o);
		}
		svmc_emit_obj_end(o);
		return;
	}
	svmc_emit_printf(o, "  %s #%" PRIu64 ": %s -> %s", svmc_input_display(r->input), r->index,
			 svmc_verdict_name(rf->verdict), svmc_verdict_name(rt->verdict));
	if (res->first >= 0 && c) {
		enum svmc_check_id id = (enum svmc_check_id)res->first;
		svmc_record_message(c, r, id, msg, sizeof(msg));
		svmc_emit_printf(o, " on the %s: %s: %s", to_side ? "destination" : "source",
				 svmc_check_info(id)->name, msg);
		if (res->failed & ~SVMC_CHECK_BIT(id))
			svmc_emit_printf(o, " (and %d more)",
					 __builtin_popcountll(res->failed) - 1);
	} else {
		svmc_emit_printf(o, " on the %s: unevaluated checks need fields the record lacks",
				 to_side ? "destination" : "source");
	}
	svmc_emit_printf(o, "\n");
}

/*
 * A record error: its line on stderr now; with -j its error object (the
 * shape of every error object) goes into the errors[] array of the one
 * document, after the records.
 */
static void keep_error(struct rec_state *st, struct out *o, const struct svmc_diag *d)
{
	st->errors++;
	cli_report_text(d);
	(void)o;
	if (st->nkept < MAX_KEPT_ERRORS)
		st->kept[st->nkept++] = *d;
}

/* What the record diff feeds (svmc_migrate_records). */
struct rec_run {
	struct out *o;
	const struct side *from, *to;
	struct rec_state *st;
};

/* The value a traced VMRUN's reason is told by: EVENTINJ's vector and type, else the check's field. */
static uint64_t traced_value(const struct svmc_record *r, int check)
{
	if (check == SVMC_CHECK_CTRL_EVENTINJ_TYPE || check == SVMC_CHECK_CTRL_EVENTINJ_VECTOR)
		return r->vmcb.control.event_inj & 0x7ffu;
	return check >= 0 ? svmc_record_check_value(r, (enum svmc_check_id)check) : 0;
}

/* Count a changed traced VMRUN in its group; false when the groups are full. */
static bool count_traced(struct rec_state *st, const struct svmc_record *r,
			 const struct svmc_result *rf, const struct svmc_result *rt)
{
	bool to_side = svmc_verdict_rejects(rt->verdict) ||
		       (!svmc_verdict_rejects(rf->verdict) && rt->verdict == SVMC_INCOMPLETE);
	const struct svmc_result *res = to_side ? rt : rf;
	int check = svmc_verdict_rejects(res->verdict) ? res->first : -1;
	uint64_t v = traced_value(r, check);
	struct traced *t;

	for (unsigned i = 0; i < st->ntraced; i++) {
		t = &st->traced[i];
		if (t->input == r->input && t->check == check && t->to_side == to_side &&
		    t->value == v && t->from == rf->verdict && t->to == rt->verdict) {
			t->count++;
			return true;
		}
	}
	if (st->ntraced == MAX_TRACED)
		return false;
	t = &st->traced[st->ntraced++];
	t->input = r->input;
	t->check = check;
	t->to_side = to_side;
	t->from = rf->verdict;
	t->to = rt->verdict;
	t->value = v;
	t->count = 1;
	t->first_line = r->line;
	t->first_index = r->index;
	t->message[0] = '\0';
	if (check >= 0 && res->comp)
		svmc_record_message(res->comp, r, (enum svmc_check_id)check, t->message,
				    sizeof(t->message));
	return true;
}

static void rec_changed(void *arg, const struct svmc_record *r, const struct svmc_result *rf,
			const struct svmc_result *rt)
{
	struct rec_run *x = arg;

	x->st->changed++;
	if (r->origin == SVMC_ORIGIN_TRACE && count_traced(x->st, r, rf, rt))
		return;
	if (!x->st->listed++ && x->o->mode == OUT_TEXT)
		svmc_emit_printf(x->o, "\nrecords whose verdict changes:\n");
	emit_record(x->o, r, rf, rt);
}

/* 1204 as "1,204" into buf. */
static const char *with_commas(uint64_t n, char *buf, size_t cap)
{
	char d[24];
	int len = snprintf(d, sizeof(d), "%" PRIu64, n);
	size_t k = 0;

	for (int i = 0; i < len && k + 2 < cap; i++) {
		if (i && (len - i) % 3 == 0)
			buf[k++] = ',';
		buf[k++] = d[i];
	}
	buf[k] = '\0';
	return buf;
}

/* What L1 did, in words: "injects #CP (vector 21)", "sets intercept_misc2 to 0x00000000". */
static void traced_what(const struct traced *t, char *buf, size_t cap)
{
	unsigned vec = (unsigned)(t->value & 0xff), type = (unsigned)(t->value >> 8) & 7;
	char mn[16];

	if (t->check == SVMC_CHECK_CTRL_EVENTINJ_VECTOR) {
		svmc_vector_mnemonic(vec, mn, sizeof(mn));
		snprintf(buf, cap, "injects %s%s(vector %u)", mn, mn[0] ? " " : "", vec);
	} else if (t->check == SVMC_CHECK_CTRL_EVENTINJ_TYPE) {
		snprintf(buf, cap, "injects an event of type %u (%s)", type,
			 svmc_evtinj_type_name(type));
	} else if (t->check >= 0) {
		const struct svmc_check_info *ci = svmc_check_info((enum svmc_check_id)t->check);

		snprintf(buf, cap, "runs a VMCB with %s = 0x%0*" PRIx64, ci->field_path,
			 (int)ci->field_digits, t->value);
	} else {
		snprintf(buf, cap, "runs a VMCB whose fields the trace shows too few of");
	}
}

/*
 * The traced groups: text "  trace.txt (line 13): L1 injects #CP (vector 21)
 * 1,204 times in this trace; the destination rejects it (CTRL.EVENTINJ.VECTOR:
 * ...)", JSON the "traced" array (absent when there is none, as before
 * traces were read).
 */
static void emit_traced(struct out *o, const struct rec_state *st)
{
	char what[160], n[32];

	if (!st->ntraced)
		return;
	if (svmc_emit_json(o))
		svmc_emit_arr_begin(o, "traced");
	else
		svmc_emit_printf(o, "\ntraced VMRUNs whose verdict changes:\n");
	for (unsigned i = 0; i < st->ntraced; i++) {
		const struct traced *t = &st->traced[i];
		const char *side = t->to_side ? "destination" : "source";

		traced_what(t, what, sizeof(what));
		if (svmc_emit_json(o)) {
			svmc_emit_obj_begin(o, NULL);
			svmc_emit_str(o, "input", t->input);
			svmc_emit_u64(o, "line", t->first_line);
			svmc_emit_u64(o, "index", t->first_index);
			svmc_emit_u64(o, "count", t->count);
			svmc_emit_str(o, "from", svmc_verdict_name(t->from));
			svmc_emit_str(o, "to", svmc_verdict_name(t->to));
			svmc_emit_str(o, "side", t->to_side ? "to" : "from");
			if (t->check >= 0) {
				const struct svmc_check_info *ci =
					svmc_check_info((enum svmc_check_id)t->check);

				svmc_emit_str(o, "check", ci->name);
				svmc_emit_str(o, "field", ci->field_path);
				/* EVENTINJ: its vector and type bits (10:0), the group's key */
				svmc_emit_hex(o, "value", t->value, ci->field_digits);
				svmc_emit_str(o, "message", t->message);
			} else {
				svmc_emit_null(o, "check");
			}
			svmc_emit_str(o, "summary", what);
			svmc_emit_obj_end(o);
			continue;
		}
		with_commas(t->count, n, sizeof(n));
		svmc_emit_printf(o, "  %s (line %" PRIu64 "): L1 %s %s time%s in this trace; ",
				 svmc_input_display(t->input), t->first_line, what, n,
				 t->count == 1 ? "" : "s");
		if (t->check >= 0)
			svmc_emit_printf(o, "the %s rejects it (%s: %s)\n", side,
					 svmc_check_info((enum svmc_check_id)t->check)->name,
					 t->message);
		else
			svmc_emit_printf(o, "%s on the source, %s on the destination\n",
					 svmc_verdict_name(t->from), svmc_verdict_name(t->to));
	}
	if (svmc_emit_json(o))
		svmc_emit_arr_end(o);
}

static void rec_error(void *arg, const struct svmc_diag *d)
{
	struct rec_run *x = arg;

	keep_error(x->st, x->o, d);
}

/* Replay the inputs under both sides (svmcheck/replay.h), printing the records that change. */
static void replay_inputs(struct out *o, const struct migrate_args *a, const struct side *from,
			  const struct side *to, struct rec_state *st)
{
	struct rec_run x = { o, from, to, st };
	struct svmc_input_stats stats;

	if (svmc_migrate_records(&from->panel, &to->panel, (const char *const *)a->inputs,
				 (size_t)a->ninputs, a->format, rec_changed, rec_error, &x,
				 &stats) != SVMC_OK) {
		fprintf(stderr, "svmcheck: out of memory\n");
		st->errors++;
		return;
	}
	cli_note_logs_without_dump(&stats);
	st->compared = stats.records;
}

/* ---- output -------------------------------------------------------------- */

static const char *result_words(enum svmc_mresult r)
{
	switch (r) {
	case SVMC_MIG_IDENTICAL:
		return "no VMCB state changes verdict";
	case SVMC_MIG_SUPERSET:
		return "the destination accepts everything the source accepts, and more";
	case SVMC_MIG_SUBSET:
		return "the destination rejects VMCB state the source accepts: a nested guest can break";
	default:
		return "the destination rejects some VMCB state the source accepts and accepts other state it "
		       "rejects: a nested guest can break";
	}
}

static void json_side(struct out *o, const char *key, const struct side *s)
{
	svmc_emit_obj_begin(o, key);
	svmc_emit_str(o, "cpu", s->arg);
	svmc_emit_str(o, "model", s->model->name);
	if (s->guest)
		svmc_emit_str(o, "guest", s->guest);
	else
		svmc_emit_null(o, "guest");
	svmc_emit_u64(o, "maxphyaddr", s->judge.vmrun.maxphyaddr);
	cli_view_note(o, s->arg, &s->view);
	svmc_emit_obj_end(o);
}

static void json_features(struct out *o, const char *key, const struct svmc_featset *fs)
{
	svmc_emit_arr_begin(o, key);
	for (unsigned f = 0; f < SVMC_FEAT_COUNT; f++)
		if (svmc_featset_has(fs, (enum svmc_feature)f))
			svmc_emit_str(o, NULL, svmc_feature_table[f].name);
	svmc_emit_arr_end(o);
}

static void json_head(struct out *o, const struct svmc_diff *df, const struct side *from,
		      const struct side *to, bool strict)
{
	char mn[16];

	svmc_emit_obj_begin(o, NULL);
	svmc_emit_str(o, "schema", "svmcheck/migrate");
	svmc_emit_u64(o, "schema_version", 1);
	json_side(o, "from", from);
	json_side(o, "to", to);
	svmc_emit_str(o, "result", svmc_mresult_name(df->result));
	svmc_emit_bool(o, "strict", strict);
	svmc_emit_obj_begin(o, "blocked_by");
	json_features(o, "from", &from->blocked);
	json_features(o, "to", &to->blocked);
	svmc_emit_obj_end(o);
	svmc_emit_arr_begin(o, "vectors");
	for (unsigned i = 0; i < df->nvec; i++) {
		const struct svmc_vec_delta *d = &df->vec[i];
		const struct svmc_vector_name *vn = svmc_vector_name(d->vector);

		(void)mn;
		svmc_emit_obj_begin(o, NULL);
		svmc_emit_u64(o, "type", 3);
		svmc_emit_u64(o, "vector", d->vector);
		svmc_emit_str(o, "mnemonic", vn->mnemonic);
		svmc_emit_bool(o, "from", d->from);
		svmc_emit_bool(o, "to", d->to);
		svmc_emit_str(o, "because", d->because);
		svmc_emit_str(o, "from_rule", svmc_vreason_name((enum svmc_vreason)d->from_reason));
		svmc_emit_str(o, "to_rule", svmc_vreason_name((enum svmc_vreason)d->to_reason));
		svmc_emit_obj_end(o);
	}
	svmc_emit_arr_end(o);
	svmc_emit_arr_begin(o, "state");
	for (unsigned i = 0; i < df->nstate; i++) {
		const struct svmc_state_delta *s = &df->state[i];

		svmc_emit_obj_begin(o, NULL);
		svmc_emit_str(o, "check", svmc_check_info(s->check)->name);
		svmc_emit_str(o, "what", s->what);
		svmc_emit_bool(o, "from", s->from);
		svmc_emit_bool(o, "to", s->to);
		svmc_emit_str(o, "because", s->because);
		svmc_emit_str(o, "kind", kind_name(s->kind));
		if (s->kind == SVMC_D_CR4 || s->kind == SVMC_D_EFER || s->kind == SVMC_D_TYPE)
			svmc_emit_u64(o, "bit", s->bit);
		if (s->kind == SVMC_D_ADDR) {
			svmc_emit_hex(o, "first", s->first, 16);
			svmc_emit_u64(o, "from_maxphyaddr", s->from_maxphyaddr);
			svmc_emit_u64(o, "to_maxphyaddr", s->to_maxphyaddr);
		}
		if (s->feature >= 0)
			svmc_emit_str(o, "feature", svmc_feature_table[s->feature].name);
		else
			svmc_emit_null(o, "feature");
		svmc_emit_obj_end(o);
	}
	svmc_emit_arr_end(o);
}

static bool side_blocked(const struct side *from, const struct side *to)
{
	return !featset_empty(&from->blocked) || !featset_empty(&to->blocked);
}

static void text_head(struct out *o, const struct svmc_diff *df, const struct migrate_args *a,
		      const struct side *from, const struct side *to)
{
	bool blocked = side_blocked(from, to);
	int rc = blocked ? 1 : svmc_mresult_status(df->result, a->strict);
	const char *col = svmc_emit_color(o, rc ? OUT_C_FAIL : OUT_C_PASS),
		   *rst = svmc_emit_color(o, OUT_C_RESET);
	const struct side *sides[2] = { from, to };

	if (blocked)
		svmc_emit_printf(o, "%sblocked%s: a host cannot run the guest CPU model (exit 1)\n",
				 col, rst);
	else
		svmc_emit_printf(o, "%s%s%s: %s (exit %d)\n", col, svmc_mresult_name(df->result),
				 rst, result_words(df->result), rc);
	for (int i = 0; i < 2; i++) {
		const struct side *s = sides[i];
		svmc_emit_printf(o, "  %-4s %s%s%s (model %s, MAXPHYADDR %u)\n", i ? "to" : "from",
				 s->arg, s->guest ? " as guest " : "", s->guest ? s->guest : "",
				 s->model->name, s->judge.vmrun.maxphyaddr);
	}
	for (int i = 0; i < 2; i++)
		cli_view_note(o, sides[i]->arg, &sides[i]->view);
	if (blocked) {
		svmc_emit_printf(o, "\n");
		text_blocked(o, a, from, to);
		return;
	}
	if (df->nvec || df->nstate) {
		svmc_emit_printf(o, "\n%u difference%s (%u narrowing, %u widening):\n",
				 df->narrowing + df->widening,
				 df->narrowing + df->widening == 1 ? "" : "s", df->narrowing,
				 df->widening);
		/* "  breaks  what...": a wrapped difference continues under its text */
		svmc_emit_hang(o, 10);
		text_vectors(o, df);
		text_state(o, df);
		svmc_emit_hang(o, 0);
	}
	svmc_emit_printf(o, "\n");
	text_advice(o, df, a, from, to);
}

int cmd_migrate(int argc, char **argv)
{
	struct migrate_args a = { .format = SVMC_FMT_AUTO };
	static struct svmc_diff df; /* about 100 KiB */
	struct side from = { 0 }, to = { 0 };
	struct rec_state *st = NULL;
	struct out o;
	int rc;

	if (argp_parse(&migrate_argp, argc, argv, 0, NULL, &a) != 0)
		return EXIT_TROUBLE;
	if (a.bad_view ||
	    (a.from_kernel &&
	     cli_kernel_model("--from-kernel", a.from_kernel, a.from_model ? a.from_model : a.model,
			      &a.from_model, &a.from_row) != 0) ||
	    (a.to_kernel &&
	     cli_kernel_model("--to-kernel", a.to_kernel, a.to_model ? a.to_model : a.model,
			      &a.to_model, &a.to_row) != 0))
		return EXIT_TROUBLE;
	cli_out_open(&o);
	from.arg = a.from;
	from.guest = a.from_guest;
	from.label = "from";
	from.view = a.view;
	from.view.kernel = a.from_row;
	to.view = a.view;
	to.view.kernel = a.to_row;
	to.arg = a.to;
	to.guest = a.to_guest;
	to.label = "to";
	from.model = svmc_model_lookup(a.from_model ? a.from_model : a.model ? a.model : "kvm");
	to.model = svmc_model_lookup(a.to_model ? a.to_model : a.model ? a.model : "kvm");
	from.by_origin = !a.from_model && !a.model;
	to.by_origin = !a.to_model && !a.model;
	if (!from.model || !to.model) {
		const char *bad = !from.model ? (a.from_model ? a.from_model : a.model) :
						(a.to_model ? a.to_model : a.model);
		cli_unknown_model(&o, bad);
		rc = EXIT_TROUBLE;
		goto done;
	}
	if (setup_side(&o, &from) != 0 || setup_side(&o, &to) != 0) {
		rc = EXIT_TROUBLE;
		goto done;
	}
	st = calloc(1, sizeof(*st));
	if (!st) {
		cli_errorf(&o, SVMC_ERR_NOMEM, "out of memory");
		rc = EXIT_TROUBLE;
		goto done;
	}

	svmc_migrate_diff(&from.judge.vmrun, &to.judge.vmrun, &df);
	rc = side_blocked(&from, &to) ? 1 : svmc_mresult_status(df.result, a.strict);

	if (svmc_emit_json(&o)) {
		json_head(&o, &df, &from, &to, a.strict);
		svmc_emit_arr_begin(&o, "records");
		replay_inputs(&o, &a, &from, &to, st);
		svmc_emit_arr_end(&o);
		emit_traced(&o, st);
		svmc_emit_arr_begin(&o, "errors");
		for (unsigned i = 0; i < st->nkept; i++)
			cli_emit_diag(&o, &st->kept[i]);
		svmc_emit_arr_end(&o);
		svmc_emit_obj_begin(&o, "summary");
		svmc_emit_u64(&o, "vectors", df.nvec);
		svmc_emit_u64(&o, "state", df.nstate);
		svmc_emit_u64(&o, "narrowing", df.narrowing);
		svmc_emit_u64(&o, "widening", df.widening);
		svmc_emit_u64(&o, "records", st->compared);
		svmc_emit_u64(&o, "records_changed", st->changed);
		svmc_emit_u64(&o, "errors", st->errors);
		svmc_emit_obj_end(&o);
		svmc_emit_obj_end(&o);
	} else {
		if (o.mode == OUT_TEXT)
			text_head(&o, &df, &a, &from, &to);
		replay_inputs(&o, &a, &from, &to, st);
		emit_traced(&o, st);
		if (a.ninputs)
			svmc_emit_printf(&o,
					 "\n%" PRIu64 " record%s compared, %" PRIu64
					 " change%s verdict%s\n",
					 st->compared, st->compared == 1 ? "" : "s", st->changed,
					 st->changed == 1 ? "s" : "",
					 st->errors ? ", some inputs had errors (see above)" : "");
	}
	if (st->errors)
		rc = EXIT_TROUBLE;
done:
	if (svmc_emit_fini(&o) != 0 && rc != EXIT_TROUBLE)
		rc = EXIT_TROUBLE;
	free(st);
	free(from.cpu);
	free(to.cpu);
	free(from.seen);
	free(to.seen);
	return rc;
}
