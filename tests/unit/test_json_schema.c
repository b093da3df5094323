/*
 * test_json_schema.c - every command's -j output against the key lists of
 * svmcheck-json(5), in the style of bpftool's selftest
 * that parses its own JSON: run the real binary, parse each document or
 * NDJSON line with json-c, and check that
 *   - one-document outputs start with "schema" and "schema_version" 1;
 *   - every key is documented (no undocumented key), every required key is
 *     there, every value has its documented type;
 *   - register and VMCB values are "0x..." strings with lower-case digits,
 *     and no JSON number reaches 2^53 (jq would round it);
 *   - no ESC byte appears in JSON even with --color=always.
 * It also holds the colour cases: ESC with --color=always in
 * text; none with --color=never, NO_COLOR=1, TERM=dumb, or when piped.
 * Each schema is also fed a wrong document, so the checker itself can fail.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tcheck.h"

#define BIN SVMCHECK_BINARY
#define FIX SVMCHECK_TEST_DIR "/fixtures"

/* ---- a tiny schema language --------------------------------------------- */

enum kt {
	T_STR,  /* string */
	T_STRN, /* string or null */
	T_NUM,  /* integer */
	T_NUMN, /* integer or null */
	T_BOOL,
	T_BOOLN, /* boolean or null */
	T_HEX,   /* "0x..." */
	T_HEXN,  /* "0x..." or null (unknown field) */
	T_OBJ,   /* object with sub-schema */
	T_OBJN,  /* object with sub-schema, or null */
	T_ARR,   /* array of objects with sub-schema */
	T_ARRS,  /* array of strings */
	T_ANY,   /* object whose keys are free (inspect "reserved") */
	T_VAL,   /* diff's "a"/"b": hex, a segment (sub-schema), hex bytes, an origin, or null */
};

struct key {
	const char *name;
	enum kt type;
	int optional;
	const struct key *sub; /* T_OBJ / T_ARR: NULL-name terminated */
};

static int schema_errors;

static void bad(const char *path, const char *what)
{
	fprintf(stderr, "  schema: %s: %s\n", path, what);
	schema_errors++;
}

static int is_hex(const char *s)
{
	if (strncmp(s, "0x", 2) != 0 || !s[2])
		return 0;
	for (s += 2; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

static void check_obj(json_object *o, const struct key *keys, const char *path);

/* A string of lower-case hex digit pairs (insn_bytes, reserved ranges). */
static int is_hexbytes(const char *s)
{
	size_t n = strlen(s);

	return n && n % 2 == 0 && strspn(s, "0123456789abcdef") == n;
}

static void check_val(json_object *v, const struct key *k, const char *path)
{
	enum json_type t = json_object_get_type(v);
	char sub[256];

	switch (k->type) {
	case T_STRN:
		if (t == json_type_null)
			return;
		/* fall through */
	case T_STR:
		if (t != json_type_string)
			bad(path, "not a string");
		return;
	case T_NUMN:
		if (t == json_type_null)
			return;
		/* fall through */
	case T_NUM:
		if (t != json_type_int)
			bad(path, "not an integer");
		else if (json_object_get_int64(v) < 0 || json_object_get_int64(v) >= (int64_t)1
											     << 53)
			bad(path, "integer outside 0..2^53: must be a hex string");
		return;
	case T_BOOLN:
		if (t == json_type_null)
			return;
		/* fall through */
	case T_BOOL:
		if (t != json_type_boolean)
			bad(path, "not a boolean");
		return;
	case T_HEXN:
		if (t == json_type_null)
			return;
		/* fall through */
	case T_HEX:
		if (t != json_type_string || !is_hex(json_object_get_string(v)))
			bad(path, "not a \"0x...\" lower-case hex string");
		return;
	case T_OBJN:
		if (t == json_type_null)
			return;
		/* fall through */
	case T_OBJ:
		if (t != json_type_object)
			bad(path, "not an object");
		else
			check_obj(v, k->sub, path);
		return;
	case T_ARR:
	case T_ARRS:
		if (t != json_type_array) {
			bad(path, "not an array");
			return;
		}
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			json_object *e = json_object_array_get_idx(v, i);
			if (snprintf(sub, sizeof(sub), "%s[%zu]", path, i) >= (int)sizeof(sub))
				bad(path, "path too long for the checker");
			if (k->type == T_ARRS) {
				if (json_object_get_type(e) != json_type_string)
					bad(sub, "not a string");
			} else if (json_object_get_type(e) != json_type_object) {
				bad(sub, "not an object");
			} else {
				check_obj(e, k->sub, sub);
			}
		}
		return;
	case T_ANY:
		if (t != json_type_object)
			bad(path, "not an object");
		return;
	case T_VAL:
		if (t == json_type_object)
			check_obj(v, k->sub, path);
		else if (t == json_type_string) {
			const char *str = json_object_get_string(v);

			if (!is_hex(str) && !is_hexbytes(str) && strcmp(str, "page") != 0 &&
			    strcmp(str, "hardware") != 0 && strcmp(str, "nested_state") != 0)
				bad(path, "not a VMCB value, hex bytes or an origin");
		} else if (t != json_type_null) {
			bad(path, "not a VMCB value, hex bytes, an origin or null");
		}
		return;
	}
}

static void check_obj(json_object *o, const struct key *keys, const char *path)
{
	char sub[256];

	json_object_object_foreach(o, name, v)
	{
		const struct key *k = keys;
		while (k->name && strcmp(k->name, name) != 0)
			k++;
		snprintf(sub, sizeof(sub), "%s.%s", path, name);
		if (!k->name)
			bad(sub, "key not documented in svmcheck-json(5)");
		else
			check_val(v, k, sub);
	}
	for (const struct key *k = keys; k->name; k++) {
		snprintf(sub, sizeof(sub), "%s.%s", path, k->name);
		if (!k->optional && !json_object_object_get_ex(o, k->name, NULL))
			bad(sub, "documented key missing");
	}
}

/* ---- the documented key lists (svmcheck-json(5)) ------------------------ */

#define END                      \
	{                        \
		NULL, 0, 0, NULL \
	}

static const struct key failure_keys[] = {
	{ "check", T_STR, 0, NULL }, { "apm", T_STR, 0, NULL },     { "field", T_STR, 0, NULL },
	{ "value", T_HEX, 0, NULL }, { "message", T_STR, 0, NULL }, END
};

/* clang-format off */
static const struct key seg_keys[] = {
	{ "selector", T_HEXN, 0, NULL }, { "attrib", T_HEXN, 0, NULL },
	{ "limit", T_HEXN, 0, NULL },    { "base", T_HEXN, 0, NULL }, END
};
/* clang-format on */

#define H(n)                       \
	{                          \
		n, T_HEXN, 0, NULL \
	}
#define SEG(n)                         \
	{                              \
		n, T_OBJN, 0, seg_keys \
	}
static const struct key control_keys[] = { H("intercept_cr"),
					   H("intercept_dr"),
					   H("intercept_exceptions"),
					   H("intercept_misc1"),
					   H("intercept_misc2"),
					   H("intercept_misc3"),
					   H("pause_filter_thresh"),
					   H("pause_filter_count"),
					   H("iopm_base_pa"),
					   H("msrpm_base_pa"),
					   H("tsc_offset"),
					   H("asid"),
					   H("tlb_ctl"),
					   H("erap_ctl"),
					   H("int_ctl"),
					   H("int_vector"),
					   H("int_state"),
					   H("exit_code"),
					   H("exit_info_1"),
					   H("exit_info_2"),
					   H("exit_int_info"),
					   H("exit_int_info_err"),
					   H("nested_ctl"),
					   H("avic_vapic_bar"),
					   H("ghcb_gpa"),
					   H("event_inj"),
					   H("event_inj_err"),
					   H("nested_cr3"),
					   H("virt_ext"),
					   H("clean"),
					   H("next_rip"),
					   H("insn_len"),
					   { "insn_bytes", T_STRN, 0, NULL },
					   H("avic_backing_page"),
					   H("avic_logical_id"),
					   H("avic_physical_id"),
					   H("vmsa_pa"),
					   H("bus_lock_counter"),
					   H("allowed_sev_features"),
					   H("guest_sev_features"),
					   END };
static const struct key save_keys[] = { SEG("es"),         SEG("cs"),         SEG("ss"),
					SEG("ds"),         SEG("fs"),         SEG("gs"),
					SEG("gdtr"),       SEG("ldtr"),       SEG("idtr"),
					SEG("tr"),         H("vmpl"),         H("cpl"),
					H("efer"),         H("cr4"),          H("cr3"),
					H("cr0"),          H("dr7"),          H("dr6"),
					H("rflags"),       H("rip"),          H("rsp"),
					H("s_cet"),        H("ssp"),          H("isst_addr"),
					H("rax"),          H("star"),         H("lstar"),
					H("cstar"),        H("sfmask"),       H("kernel_gs_base"),
					H("sysenter_cs"),  H("sysenter_esp"), H("sysenter_eip"),
					H("cr2"),          H("g_pat"),        H("dbgctl"),
					H("br_from"),      H("br_to"),        H("last_excp_from"),
					H("last_excp_to"), H("spec_ctrl"),    END };

#define RECORD_HEAD                                                                           \
	{ "type", T_STR, 0, NULL }, { "input", T_STR, 0, NULL }, { "index", T_NUM, 0, NULL }, \
		{ "line", T_NUM, 1, NULL }, { "offset", T_NUM, 1, NULL },                     \
	{                                                                                     \
		"format", T_STR, 0, NULL                                                      \
	}

static const struct key nstate_keys[] = {
	{ "flags", T_HEXN, 0, NULL },        { "guest_mode", T_BOOLN, 0, NULL },
	{ "run_pending", T_BOOLN, 0, NULL }, { "gif_set", T_BOOLN, 0, NULL },
	{ "format", T_NUMN, 0, NULL },       { "size", T_NUMN, 0, NULL },
	{ "vmcb_pa", T_HEXN, 0, NULL },      END
};
/* a nested-state header without a vmcb12 has "control" and "save" null */
static const struct key inspect_rec[] = {
	RECORD_HEAD,
	{ "origin", T_STR, 0, NULL },
	/* origin trace: the check kvm_nested_vmenter_failed named */
	{ "captured_check", T_STRN, 1, NULL },
	{ "nested_state", T_OBJ, 1, nstate_keys },
	{ "control", T_OBJN, 0, control_keys },
	{ "save", T_OBJN, 0, save_keys },
	{ "reserved", T_ANY, 1, NULL },
	END
};
/* one entry of "verdicts" (replay -m with several models) */
static const struct key verdict_keys[] = {
	{ "model", T_STR, 0, NULL },        { "verdict", T_STR, 0, NULL },
	{ "first", T_STRN, 0, NULL },       { "failures", T_ARR, 0, failure_keys },
	{ "unevaluated", T_ARRS, 0, NULL }, { "explained", T_BOOLN, 0, NULL },
	{ "reason", T_STR, 1, NULL },       END
};
/* model, verdict, failures and explained are absent with several models (verdicts instead) */
/* replay --run: what the real emulator did (svmcheck-replay(1), RUNNING THE REAL EMULATOR) */
static const struct key run_keys[] = {
	{ "emulator", T_STR, 0, NULL },        { "version", T_STR, 0, NULL },
	{ "verdict", T_STRN, 0, NULL },        { "exit", T_HEXN, 0, NULL },
	{ "model", T_STR, 0, NULL },           { "model_verdict", T_STRN, 0, NULL },
	{ "model_failures", T_ARRS, 1, NULL }, { "agree", T_BOOLN, 0, NULL },
	{ "reason", T_STR, 1, NULL },          END
};
static const struct key replay_rec[] = { RECORD_HEAD,
					 { "origin", T_STR, 0, NULL },
					 { "model", T_STR, 1, NULL },
					 { "cpu", T_STR, 0, NULL },
					 { "verdict", T_STR, 1, NULL },
					 { "failures", T_ARR, 1, failure_keys },
					 { "first", T_STR, 1, NULL },
					 { "unevaluated", T_ARRS, 1, NULL },
					 { "reason", T_STR, 1, NULL },
					 { "captured_exit", T_STRN, 0, NULL },
					 { "captured_check", T_STRN, 1, NULL },
					 { "explained", T_BOOLN, 1, NULL },
					 { "verdicts", T_ARR, 1, verdict_keys },
					 { "run", T_OBJ, 1, run_keys },
					 END };
static const struct key error_rec[] = { { "type", T_STR, 0, NULL },    { "input", T_STR, 1, NULL },
					{ "index", T_NUM, 1, NULL },   { "line", T_NUM, 1, NULL },
					{ "offset", T_NUM, 1, NULL },  { "code", T_STR, 0, NULL },
					{ "message", T_STR, 0, NULL }, END };
static const struct key inspect_sum[] = { { "type", T_STR, 0, NULL },
					  { "records", T_NUM, 0, NULL },
					  { "errors", T_NUM, 0, NULL },
					  { "inputs", T_NUM, 0, NULL },
					  END };
static const struct key model_count_keys[] = { { "model", T_STR, 0, NULL },
					       { "vmrun", T_NUM, 0, NULL },
					       { "vmexit_invalid", T_NUM, 0, NULL },
					       { "incomplete", T_NUM, 0, NULL },
					       { "restored", T_NUM, 0, NULL },
					       { "einval", T_NUM, 0, NULL },
					       { "na", T_NUM, 0, NULL },
					       END };
static const struct key view_keys[] = { { "model", T_STR, 0, NULL },
					{ "view", T_STR, 0, NULL },
					{ "kernel", T_STRN, 0, NULL },
					{ "l1_removed", T_ARRS, 0, NULL },
					END };
static const struct key replay_sum[] = { { "type", T_STR, 0, NULL },
					 { "records", T_NUM, 0, NULL },
					 { "vmrun", T_NUM, 0, NULL },
					 { "vmexit_invalid", T_NUM, 0, NULL },
					 { "incomplete", T_NUM, 0, NULL },
					 { "restored", T_NUM, 0, NULL },
					 { "einval", T_NUM, 0, NULL },
					 { "na", T_NUM, 0, NULL },
					 { "unexplained", T_NUM, 0, NULL },
					 { "errors", T_NUM, 0, NULL },
					 { "models", T_ARR, 1, model_count_keys },
					 { "views", T_ARR, 1, view_keys },
					 END };

/* clang-format off */
#define SCHEMA_HEAD { "schema", T_STR, 0, NULL }, { "schema_version", T_NUM, 0, NULL }

static const struct key vtype_keys[] = {
	{ "type", T_NUM, 0, NULL }, { "name", T_STR, 0, NULL }, { "valid", T_BOOL, 0, NULL },
	{ "because", T_STR, 0, NULL }, END
};
/* clang-format on */
static const struct key vexc_keys[] = {
	{ "vector", T_NUM, 0, NULL }, { "mnemonic", T_STR, 0, NULL }, { "name", T_STR, 0, NULL },
	{ "valid", T_BOOL, 0, NULL }, { "because", T_STR, 0, NULL },  END
};
static const struct key vectors_doc[] = { SCHEMA_HEAD,
					  { "cpu", T_STR, 0, NULL },
					  { "model", T_STR, 0, NULL },
					  { "maxphyaddr", T_NUM, 0, NULL },
					  { "view", T_STR, 0, NULL },
					  { "l1_removed", T_ARRS, 0, NULL },
					  { "types", T_ARR, 0, vtype_keys },
					  { "exceptions", T_ARR, 0, vexc_keys },
					  END };

static const struct key check_keys[] = { { "id", T_STR, 0, NULL },      { "apm", T_STR, 0, NULL },
					 { "fields", T_ARRS, 0, NULL }, { "rule", T_STR, 0, NULL },
					 { "models", T_ARRS, 0, NULL }, END };
static const struct key model_keys[] = { { "name", T_STR, 0, NULL },
					 { "summary", T_STR, 0, NULL },
					 { "actor", T_STR, 0, NULL },
					 { "restores", T_BOOL, 0, NULL },
					 END };
static const struct key checks_doc[] = { SCHEMA_HEAD,
					 { "models", T_ARR, 1, model_keys },
					 { "model", T_STR, 1, NULL },
					 { "checks", T_ARR, 0, check_keys },
					 { "restore", T_ARRS, 1, NULL },
					 END };

/* checks --kernels: the kernel table */
static const struct key kernel_keys[] = {
	{ "series", T_STR, 0, NULL },    { "model", T_STR, 0, NULL },
	{ "verified", T_BOOL, 0, NULL }, { "l1_withheld", T_ARRS, 0, NULL },
	{ "commits", T_ARRS, 0, NULL },  { "source", T_STR, 0, NULL },
	{ "note", T_STR, 0, NULL },      END
};
static const struct key l1_rule_keys[] = { { "feature", T_STR, 0, NULL },
					   { "offered_from", T_STR, 0, NULL },
					   { "verified", T_BOOL, 0, NULL },
					   { "why", T_STR, 0, NULL },
					   { "source", T_STR, 0, NULL },
					   { "note", T_STR, 0, NULL },
					   END };
static const struct key kernels_doc[] = { SCHEMA_HEAD,
					  { "kernels", T_ARR, 0, kernel_keys },
					  { "l1_rules", T_ARR, 0, l1_rule_keys },
					  END };

static const struct key side_keys[] = { { "cpu", T_STR, 0, NULL },
					{ "model", T_STR, 0, NULL },
					{ "guest", T_STRN, 0, NULL },
					{ "maxphyaddr", T_NUM, 0, NULL },
					{ "view", T_STR, 0, NULL },
					{ "l1_removed", T_ARRS, 0, NULL },
					END };
static const struct key mvec_keys[] = { { "type", T_NUM, 0, NULL },
					{ "vector", T_NUM, 0, NULL },
					{ "mnemonic", T_STR, 0, NULL },
					{ "from", T_BOOL, 0, NULL },
					{ "to", T_BOOL, 0, NULL },
					{ "because", T_STR, 0, NULL },
					{ "from_rule", T_STR, 0, NULL },
					{ "to_rule", T_STR, 0, NULL },
					END };
static const struct key mstate_keys[] = {
	{ "check", T_STR, 0, NULL },         { "what", T_STR, 0, NULL },
	{ "from", T_BOOL, 0, NULL },         { "to", T_BOOL, 0, NULL },
	{ "because", T_STR, 0, NULL },       { "kind", T_STR, 0, NULL },
	{ "bit", T_NUM, 1, NULL },           { "feature", T_STRN, 1, NULL },
	{ "first", T_HEX, 1, NULL },         { "from_maxphyaddr", T_NUM, 1, NULL },
	{ "to_maxphyaddr", T_NUM, 1, NULL }, END
};
static const struct key mrec_keys[] = {
	{ "input", T_STR, 0, NULL },        { "index", T_NUM, 0, NULL },
	{ "line", T_NUM, 1, NULL },         { "offset", T_NUM, 1, NULL },
	{ "from", T_STR, 0, NULL },         { "to", T_STR, 0, NULL },
	{ "side", T_STR, 0, NULL },         { "failures", T_ARR, 0, failure_keys },
	{ "first", T_STR, 1, NULL },        { "origin", T_STR, 0, NULL },
	{ "unevaluated", T_ARRS, 1, NULL }, END
};
/* migrate's traced[]: the traced VMRUNs whose verdict changes, one group per input and reason */
static const struct key mtraced_keys[] = { { "input", T_STR, 0, NULL },
					   { "line", T_NUM, 0, NULL },
					   { "index", T_NUM, 0, NULL },
					   { "count", T_NUM, 0, NULL },
					   { "from", T_STR, 0, NULL },
					   { "to", T_STR, 0, NULL },
					   { "side", T_STR, 0, NULL },
					   { "check", T_STRN, 0, NULL },
					   { "field", T_STR, 1, NULL },
					   { "value", T_HEX, 1, NULL },
					   { "message", T_STR, 1, NULL },
					   { "summary", T_STR, 0, NULL },
					   END };
/* migrate's errors[]: the error object of every command (see error_rec) */
static const struct key merr_keys[] = { { "type", T_STR, 0, NULL },    { "input", T_STR, 1, NULL },
					{ "index", T_NUM, 1, NULL },   { "line", T_NUM, 1, NULL },
					{ "offset", T_NUM, 1, NULL },  { "code", T_STR, 0, NULL },
					{ "message", T_STR, 0, NULL }, END };
/* clang-format off */
static const struct key msum_keys[] = {
	{ "vectors", T_NUM, 0, NULL }, { "state", T_NUM, 0, NULL },
	{ "narrowing", T_NUM, 0, NULL }, { "widening", T_NUM, 0, NULL },
	{ "records", T_NUM, 0, NULL }, { "records_changed", T_NUM, 0, NULL },
	{ "errors", T_NUM, 0, NULL }, END
};
/* clang-format on */
/* blocked_by: the features the guest model needs that each host lacks */
static const struct key mblocked_keys[] = { { "from", T_ARRS, 0, NULL },
					    { "to", T_ARRS, 0, NULL },
					    END };
static const struct key migrate_doc[] = { SCHEMA_HEAD,
					  { "from", T_OBJ, 0, side_keys },
					  { "to", T_OBJ, 0, side_keys },
					  { "result", T_STR, 0, NULL },
					  { "strict", T_BOOL, 0, NULL },
					  { "blocked_by", T_OBJ, 0, mblocked_keys },
					  { "vectors", T_ARR, 0, mvec_keys },
					  { "state", T_ARR, 0, mstate_keys },
					  { "records", T_ARR, 0, mrec_keys },
					  { "traced", T_ARR, 1, mtraced_keys },
					  { "errors", T_ARR, 0, merr_keys },
					  { "summary", T_OBJ, 0, msum_keys },
					  END };

static const struct key dside_keys[] = { { "input", T_STR, 0, NULL },
					 { "index", T_NUM, 0, NULL },
					 { "line", T_NUM, 1, NULL },
					 { "offset", T_NUM, 1, NULL },
					 { "format", T_STR, 0, NULL },
					 { "origin", T_STR, 0, NULL },
					 END };
static const struct key drun_keys[] = { { "offset", T_NUM, 0, NULL },
					{ "size", T_NUM, 0, NULL },
					END };
static const struct key dfield_keys[] = { { "field", T_STR, 0, NULL },
					  { "a", T_VAL, 0, seg_keys },
					  { "b", T_VAL, 0, seg_keys },
					  { "bytes", T_ARR, 1, drun_keys },
					  END };
static const struct key dres_keys[] = { { "verdict", T_STR, 0, NULL },
					{ "first", T_STRN, 0, NULL },
					{ "failures", T_ARRS, 0, NULL },
					{ "unevaluated", T_ARRS, 1, NULL },
					END };
static const struct key dverdict_keys[] = { { "model", T_STR, 0, NULL },
					    { "a", T_OBJ, 0, dres_keys },
					    { "b", T_OBJ, 0, dres_keys },
					    END };
static const struct key diff_doc[] = { SCHEMA_HEAD,
				       { "a", T_OBJ, 0, dside_keys },
				       { "b", T_OBJ, 0, dside_keys },
				       { "fields", T_ARR, 0, dfield_keys },
				       { "cpu", T_STR, 0, NULL },
				       { "guest", T_STR, 1, NULL },
				       { "verdicts", T_ARR, 0, dverdict_keys },
				       { "identical", T_BOOL, 0, NULL },
				       END };

static const struct key class_keys[] = { { "id", T_NUM, 0, NULL },
					 { "cpus", T_ARRS, 0, NULL },
					 { "hosts", T_NUM, 0, NULL },
					 { "maxphyaddr", T_NUM, 0, NULL },
					 { "model", T_STR, 0, NULL },
					 { "kernel", T_STRN, 0, NULL },
					 END };
static const struct key pair_keys[] = { { "from", T_NUM, 0, NULL },
					{ "to", T_NUM, 0, NULL },
					{ "result", T_STR, 0, NULL },
					{ "because", T_ARRS, 0, NULL },
					END };
static const struct key mcpu_keys[] = { { "cpu", T_STR, 0, NULL },
					{ "class", T_NUMN, 0, NULL },
					END };
static const struct key mfrom_keys[] = { { "cpu", T_STR, 0, NULL },
					 { "class", T_NUM, 0, NULL },
					 { "safe", T_ARRS, 0, NULL },
					 { "unsafe", T_ARRS, 0, NULL },
					 END };
static const struct key mrej_keys[] = {
	{ "cpu", T_STR, 0, NULL },  { "file", T_STRN, 0, NULL },   { "line", T_NUMN, 0, NULL },
	{ "code", T_STR, 0, NULL }, { "message", T_STR, 0, NULL }, END,
};
static const struct key xsum_keys[] = {
	{ "cpus", T_NUM, 0, NULL },      { "distinct", T_NUM, 0, NULL },
	{ "classes", T_NUM, 0, NULL },   { "pairs", T_NUM, 0, NULL },
	{ "identical", T_NUM, 0, NULL }, { "superset", T_NUM, 0, NULL },
	{ "subset", T_NUM, 0, NULL },    { "incompatible", T_NUM, 0, NULL },
	{ "rejected", T_NUM, 0, NULL },  END,
};
static const struct key matrix_doc[] = { SCHEMA_HEAD,
					 { "model", T_STR, 0, NULL },
					 { "guest", T_STRN, 0, NULL },
					 { "view", T_STR, 0, NULL },
					 { "classes", T_ARR, 0, class_keys },
					 { "pairs", T_ARR, 0, pair_keys },
					 { "from", T_OBJ, 1, mfrom_keys },
					 { "rejected", T_ARR, 0, mrej_keys },
					 { "cpus", T_ARR, 0, mcpu_keys },
					 { "summary", T_OBJ, 0, xsum_keys },
					 END };

static const struct key baseline_doc[] = { SCHEMA_HEAD,
					   { "model", T_STR, 0, NULL },
					   { "view", T_STR, 0, NULL },
					   { "hosts", T_ARRS, 0, NULL },
					   { "maxphyaddr", T_NUM, 0, NULL },
					   { "features", T_ARRS, 0, NULL },
					   { "qemu_model", T_STR, 0, NULL },
					   { "qemu", T_STR, 0, NULL },
					   { "libvirt", T_STR, 0, NULL },
					   { "one_class", T_BOOLN, 0, NULL },
					   { "apart", T_ARRS, 0, NULL },
					   { "unknown", T_ARRS, 0, NULL },
					   END };

static const struct key feat_keys[] = { { "name", T_STR, 0, NULL },
					{ "present", T_BOOL, 0, NULL },
					{ "leaf", T_HEX, 0, NULL },
					{ "subleaf", T_HEX, 0, NULL },
					{ "register", T_STR, 0, NULL },
					{ "bit", T_NUM, 0, NULL },
					END };
static const struct key leaf_keys[] = { { "leaf", T_HEX, 0, NULL },
					{ "subleaf", T_HEX, 0, NULL },
					{ "eax", T_HEX, 0, NULL },
					{ "ebx", T_HEX, 0, NULL },
					{ "ecx", T_HEX, 0, NULL },
					{ "edx", T_HEX, 0, NULL },
					END };
static const struct key show_doc[] = { SCHEMA_HEAD,
				       { "name", T_STR, 0, NULL },
				       { "description", T_STR, 0, NULL },
				       { "source", T_STR, 0, NULL },
				       { "view", T_STR, 0, NULL },
				       { "vendor", T_STR, 0, NULL },
				       { "brand", T_STR, 1, NULL },
				       { "family", T_NUM, 0, NULL },
				       { "model", T_NUM, 0, NULL },
				       { "stepping", T_NUM, 0, NULL },
				       { "maxphyaddr", T_NUM, 0, NULL },
				       { "features", T_ARR, 0, feat_keys },
				       { "leaves", T_ARR, 1, leaf_keys },
				       END };
static const struct key plist_keys[] = { { "name", T_STR, 0, NULL },
					 { "kind", T_STR, 0, NULL },
					 { "svm", T_BOOL, 0, NULL },
					 { "maxphyaddr", T_NUM, 0, NULL },
					 { "description", T_STR, 0, NULL },
					 { "path", T_STR, 0, NULL },
					 END };
static const struct key list_doc[] = { SCHEMA_HEAD, { "profiles", T_ARR, 0, plist_keys }, END };

static const struct key pfile_doc[] = { SCHEMA_HEAD,
					{ "name", T_STR, 0, NULL },
					{ "description", T_STR, 0, NULL },
					{ "source", T_STR, 0, NULL },
					{ "view", T_STR, 1, NULL },
					{ "vendor", T_STR, 0, NULL },
					{ "brand", T_STR, 1, NULL },
					{ "family", T_NUM, 0, NULL },
					{ "model", T_NUM, 0, NULL },
					{ "stepping", T_NUM, 0, NULL },
					{ "leaves", T_ARR, 0, leaf_keys },
					END };

/* ---- running the binary -------------------------------------------------- */

/* Run "ENV BIN ARGS" through sh; the whole stdout into a malloc'd string. */
static char *run(const char *env, const char *args, int *rc)
{
	char cmd[2048];
	size_t n = 0, cap = 1 << 16;
	char *buf = malloc(cap);
	FILE *p;

	snprintf(cmd, sizeof(cmd), "%s '%s' %s 2>/dev/null", env, BIN, args);
	p = popen(cmd, "r");
	if (!p || !buf)
		abort();
	for (;;) {
		if (n + 4096 > cap) {
			char *nbuf = realloc(buf, cap *= 2);

			if (!nbuf)
				abort();
			buf = nbuf;
		}
		size_t got = fread(buf + n, 1, 4096, p);
		if (!got)
			break;
		n += got;
	}
	buf[n] = '\0';
	*rc = pclose(p);
	*rc = WIFEXITED(*rc) ? WEXITSTATUS(*rc) : -1;
	return buf;
}

/* One document: parse it whole, check schema name and keys.  Returns errors. */
static int doc_errors(const char *text, const char *schema, const struct key *keys)
{
	json_object *o = json_tokener_parse(text);
	json_object *v;
	int before = schema_errors;

	if (!o || json_object_get_type(o) != json_type_object) {
		bad(schema, "output is not one JSON object");
		json_object_put(o);
		return schema_errors - before;
	}
	/* "schema" then "schema_version" first */
	{
		struct json_object_iterator it = json_object_iter_begin(o);
		struct json_object_iterator end = json_object_iter_end(o);
		const char *k1 = NULL, *k2 = NULL;
		if (!json_object_iter_equal(&it, &end)) {
			k1 = json_object_iter_peek_name(&it);
			json_object_iter_next(&it);
			if (!json_object_iter_equal(&it, &end))
				k2 = json_object_iter_peek_name(&it);
		}
		if (!k1 || strcmp(k1, "schema") != 0 || !k2 || strcmp(k2, "schema_version") != 0)
			bad(schema, "does not open with \"schema\", \"schema_version\"");
	}
	if (!json_object_object_get_ex(o, "schema", &v) ||
	    strcmp(json_object_get_string(v), schema) != 0)
		bad(schema, "wrong \"schema\" value");
	if (!json_object_object_get_ex(o, "schema_version", &v) || json_object_get_int(v) != 1)
		bad(schema, "\"schema_version\" is not 1");
	check_obj(o, keys, schema);
	json_object_put(o);
	return schema_errors - before;
}

/*
 * A record stream: a sequence of objects dispatched on "type", the last a
 * summary.  With -j each is one line (checked: no newline inside a value);
 * inspect -p indents each object, so the stream is read with json-c's
 * tokener as concatenated values.
 */
static int ndjson_errors(char *text, const struct key *rec, const struct key *sum, int *nrec,
			 int *nerr, int framed)
{
	int before = schema_errors, values = 0;
	const char *last_type = "";
	json_tokener *tok = json_tokener_new();
	size_t len = strlen(text), pos = 0;

	*nrec = *nerr = 0;
	while (pos < len) {
		json_object *o, *t;
		while (pos < len && (text[pos] == '\n' || text[pos] == ' '))
			pos++;
		if (pos >= len)
			break;
		json_tokener_reset(tok);
		o = json_tokener_parse_ex(tok, text + pos, (int)(len - pos));
		if (!o) {
			bad("ndjson", "not a JSON value");
			break;
		}
		pos += json_tokener_get_parse_end(tok);
		values++;
		if (!json_object_object_get_ex(o, "type", &t)) {
			bad("ndjson", "value is not an object with \"type\"");
			json_object_put(o);
			continue;
		}
		last_type = strcmp(json_object_get_string(t), "summary") == 0 ? "summary" : "other";
		if (strcmp(json_object_get_string(t), "vmcb") == 0) {
			check_obj(o, rec, "vmcb");
			(*nrec)++;
		} else if (strcmp(json_object_get_string(t), "error") == 0) {
			check_obj(o, error_rec, "error");
			(*nerr)++;
		} else if (strcmp(json_object_get_string(t), "summary") == 0) {
			check_obj(o, sum, "summary");
		} else {
			bad("ndjson", "unknown \"type\"");
		}
		json_object_put(o);
	}
	json_tokener_free(tok);
	if (framed) { /* -j: exactly one value per line */
		int lines = 0;
		for (size_t i = 0; i < len; i++)
			lines += text[i] == '\n';
		if (lines != values || (len && text[len - 1] != '\n'))
			bad("ndjson", "-j records are not one per line");
	}
	if (!values || strcmp(last_type, "summary") != 0)
		bad("ndjson", "the last value is not the summary");
	return schema_errors - before;
}

static void doc_case(const char *args, const char *schema, const struct key *keys, int want_rc)
{
	int rc;
	char *out = run("NO_COLOR= TERM=xterm", args, &rc);

	fprintf(stderr, "svmcheck %s\n", args);
	CHECK(want_rc < 0 || rc == want_rc);
	CHECK(doc_errors(out, schema, keys) == 0);
	CHECK(strchr(out, '\033') == NULL);
	free(out);
}

static void nd_case(const char *args, const struct key *rec, const struct key *sum, int want_rc,
		    int want_rec, int want_err)
{
	int rc, nrec, nerr;
	char *out = run("NO_COLOR= TERM=xterm", args, &rc);

	fprintf(stderr, "svmcheck %s\n", args);
	CHECK(rc == want_rc);
	CHECK(strchr(out, '\033') == NULL);
	CHECK(ndjson_errors(out, rec, sum, &nrec, &nerr, strstr(args, "-j ") != NULL) == 0);
	CHECK(nrec == want_rec);
	CHECK(nerr == want_err);
	free(out);
}

/* ---- colour ---------------------------------------------------------------- */

static int has_esc(const char *env, const char *args, int *rc)
{
	char *out = run(env, args, rc);
	int r = strchr(out, '\033') != NULL;

	free(out);
	return r;
}

/*
 * replay --run: the "run" object of a record that ran (and disagrees), one
 * that crashed and one that did not run, against the conformance harness's
 * fake emulator (tests/conformance/selftest), so no real emulator is needed.
 */
static void run_emu_case(void)
{
	char dir[] = "/tmp/svmcheck-schema.XXXXXX", p[256], env[1024];
	int rc, nrec, nerr;
	char *out;
	FILE *f;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(p, sizeof(p), "%s/qemu-system-x86_64", dir);
	CHECK(symlink(SVMCHECK_TEST_DIR "/conformance/selftest/fake-emulator", p) == 0);
	snprintf(p, sizeof(p), "%s/conform.bin", dir);
	f = fopen(p, "w");
	CHECK(f && fclose(f) == 0);
	snprintf(p, sizeof(p), "%s/bootsect.bin", dir);
	f = fopen(p, "w");
	CHECK(f && fwrite(p, 1, 1, f) == 1 && fclose(f) == 0);
	snprintf(env, sizeof(env),
		 "NO_COLOR= PATH='%s':\"$PATH\" SVMCHECK_GUEST_DIR='%s' FAKE_HANG=99 FAKE_CRASH=1 "
		 "FAKE_CPUID='" FIX "/cpuid/genoa-epyc-9124.cpuid-r.txt'",
		 dir, dir);
	/* the fake emulator exits by HLT: dump25.bin (rejected by qemu-7.2) disagrees */
	out = run(env,
		  "-j replay -c epyc-milan --run qemu " FIX "/raw/dump25.bin " FIX
		  "/raw/longmode.bin " FIX "/raw/nested.bin",
		  &rc);
	fprintf(stderr, "svmcheck -j replay --run qemu (fake emulator)\n");
	CHECK(rc == 1);
	CHECK(strstr(out, "\"agree\":false") != NULL);
	CHECK(strstr(out, "\"verdict\":\"crash\"") != NULL);
	CHECK(strstr(out, "\"reason\":\"a nested state is restored, not run\"") != NULL);
	CHECK(ndjson_errors(out, replay_rec, replay_sum, &nrec, &nerr, 1) == 0);
	CHECK(nrec == 3 && nerr == 0);
	free(out);
	snprintf(env, sizeof(env), "rm -rf '%s'", dir);
	CHECK(system(env) == 0);
}

static void colour_cases(void)
{
	static const char *const cmds[] = {
		"replay -c epyc-milan " FIX "/raw/dump25.bin",
		"migrate --from epyc-milan --to epyc-rome",
		"vectors -c epyc-genoa",
		"diff -c epyc-milan " FIX "/kvm/two_dumps.log#0 " FIX "/kvm/two_dumps.log#1",
	};
	int rc;

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char a[512];
		fprintf(stderr, "colour: %s\n", cmds[i]);
		/* --color=always in text: ESC present (global and per-command spelling) */
		snprintf(a, sizeof(a), "--color=always %s", cmds[i]);
		CHECK(has_esc("NO_COLOR= TERM=xterm", a, &rc) == 1);
		snprintf(a, sizeof(a), "%s --color=always", cmds[i]);
		CHECK(has_esc("NO_COLOR= TERM=xterm", a, &rc) == 1);
		/* always beats NO_COLOR and TERM=dumb: the user asked */
		snprintf(a, sizeof(a), "--color=always %s", cmds[i]);
		CHECK(has_esc("NO_COLOR=1 TERM=dumb", a, &rc) == 1);
		/* auto on a pipe, never, NO_COLOR, TERM=dumb: no ESC */
		CHECK(has_esc("NO_COLOR= TERM=xterm", cmds[i], &rc) == 0);
		snprintf(a, sizeof(a), "--color=never %s", cmds[i]);
		CHECK(has_esc("NO_COLOR= TERM=xterm", a, &rc) == 0);
		snprintf(a, sizeof(a), "--color=auto %s", cmds[i]);
		CHECK(has_esc("NO_COLOR=1 TERM=xterm", a, &rc) == 0);
		CHECK(has_esc("NO_COLOR= TERM=dumb", a, &rc) == 0);
		/* JSON never, even with --color=always */
		snprintf(a, sizeof(a), "--color=always -j %s", cmds[i]);
		CHECK(has_esc("NO_COLOR= TERM=xterm", a, &rc) == 0);
		snprintf(a, sizeof(a), "--color=always -p %s", cmds[i]);
		CHECK(has_esc("NO_COLOR= TERM=xterm", a, &rc) == 0);
	}
	/* verdicts stay readable without colour: the words are there */
	{
		char *out = run("NO_COLOR=1", "replay -c epyc-milan " FIX "/raw/dump25.bin", &rc);
		CHECK(strstr(out, "VMEXIT_INVALID") != NULL);
		CHECK(strstr(out, "SAVE.CR0.CD_NW") != NULL);
		CHECK(rc == 1);
		free(out);
	}
	/* a bad --color value is a usage error */
	CHECK(has_esc("", "--color=sometimes checks", &rc) == 0);
	CHECK(rc == 2);
}

/*
 * replay -m all: every record has one verdict per model, in the order of
 * checks -j's model list, each verdict one of the documented ones; the exit
 * status says whether any record is rejected under any model.
 */
static void models_all_order(void)
{
	int rc;
	char *doc = run("", "-j checks", &rc);
	json_object *o = json_tokener_parse(doc), *models = NULL;
	char *out, *line;
	size_t nrec = 0, nmodels;

	CHECK(rc == 0 && o && json_object_object_get_ex(o, "models", &models));
	if (!models) {
		free(doc);
		return;
	}
	nmodels = json_object_array_length(models);
	CHECK(nmodels >= 4);
	/* two_dumps.log#0 fails SAVE.CR0.CD_NW under every model: exit 1 */
	out = run("",
		  "-j replay -m all -c epyc-milan " FIX "/kvm/two_dumps.log " FIX "/raw/nested.bin",
		  &rc);
	CHECK(rc == 1);
	for (line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		json_object *r = json_tokener_parse(line), *t, *v;

		CHECK(r != NULL);
		if (!r || !json_object_object_get_ex(r, "type", &t) ||
		    strcmp(json_object_get_string(t), "vmcb") != 0) {
			json_object_put(r);
			continue;
		}
		nrec++;
		CHECK(!json_object_object_get_ex(r, "verdict", NULL));
		CHECK(json_object_object_get_ex(r, "verdicts", &v));
		CHECK(v && json_object_array_length(v) == nmodels);
		for (size_t i = 0; v && i < json_object_array_length(v) && i < nmodels; i++) {
			json_object *e = json_object_array_get_idx(v, i), *mn, *want, *vd;

			json_object_object_get_ex(json_object_array_get_idx(models, i), "name",
						  &want);
			CHECK(json_object_object_get_ex(e, "model", &mn));
			CHECK_STREQ(json_object_get_string(mn), json_object_get_string(want));
			CHECK(json_object_object_get_ex(e, "verdict", &vd));
			CHECK(strstr(" VMRUN VMEXIT_INVALID INCOMPLETE RESTORED EINVAL N/A ",
				     json_object_get_string(vd)) != NULL);
		}
		json_object_put(r);
	}
	CHECK(nrec == 3); /* two dumps and one nested state */
	free(out);
	json_object_put(o);
	free(doc);
}

/* ---- the checker must be able to fail ------------------------------------ */

static void self_test(void)
{
	int before;

	before = schema_errors;
	CHECK(doc_errors("{\"schema\":\"svmcheck/checks\",\"schema_version\":1,\"checks\":[]}",
			 "svmcheck/checks", checks_doc) == 0);
	/* missing schema_version, an undocumented key, a wrong type, a decimal 64-bit value */
	CHECK(doc_errors("{\"schema\":\"svmcheck/checks\",\"checks\":[]}", "svmcheck/checks",
			 checks_doc) > 0);
	CHECK(doc_errors("{\"schema\":\"svmcheck/checks\",\"schema_version\":1,\"checks\":[],"
			 "\"extra\":1}",
			 "svmcheck/checks", checks_doc) > 0);
	CHECK(doc_errors("{\"schema\":\"svmcheck/checks\",\"schema_version\":1,\"checks\":"
			 "[{\"id\":\"X\",\"apm\":\"1\",\"fields\":[],\"rule\":\"r\",\"models\":7}]}",
			 "svmcheck/checks", checks_doc) > 0);
	CHECK(doc_errors("{\"schema\":\"svmcheck/profile\",\"schema_version\":1,\"name\":\"x\","
			 "\"description\":\"\",\"source\":\"json\",\"vendor\":\"v\",\"family\":1,"
			 "\"model\":1,\"stepping\":1,\"leaves\":[{\"leaf\":7,\"subleaf\":\"0x0\","
			 "\"eax\":\"0x0\",\"ebx\":\"0X1\",\"ecx\":\"0x0\",\"edx\":\"0x0\"}]}",
			 "svmcheck/profile", pfile_doc) == 2);
	CHECK(doc_errors("{\"schema_version\":1,\"schema\":\"svmcheck/checks\",\"checks\":[]}",
			 "svmcheck/checks", checks_doc) == 1);
	{
		char nd[] = "{\"type\":\"summary\",\"records\":0,\"errors\":0,\"inputs\":1}\n"
			    "{\"type\":\"vmcb\"}\n";
		int r, e;
		CHECK(ndjson_errors(nd, inspect_rec, inspect_sum, &r, &e, 1) > 0);
	}
	/* diff: a decimal number or a word where a VMCB value belongs */
	CHECK(doc_errors(
		      "{\"schema\":\"svmcheck/diff\",\"schema_version\":1,\"a\":{\"input\":"
		      "\"x\",\"index\":0,\"format\":\"raw\",\"origin\":\"page\"},\"b\":{\"input\":"
		      "\"x\",\"index\":0,\"format\":\"raw\",\"origin\":\"page\"},\"fields\":["
		      "{\"field\":\"control.asid\",\"a\":5,\"b\":\"five\"}],\"cpu\":\"c\","
		      "\"verdicts\":[],\"identical\":false}",
		      "svmcheck/diff", diff_doc) == 2);
	schema_errors = before; /* the deliberate failures above are not real ones */
}

int main(void)
{
	char a[1024];
	const char *prof = SVMCHECK_TEST_DIR "/fixtures/cpuid/milan-epyc-7713.cpuid-r.txt";

	self_test();

	doc_case("-j vectors -c epyc-genoa", "svmcheck/vectors", vectors_doc, 0);
	doc_case("-p vectors -c epyc-rome -m kvm-v1", "svmcheck/vectors", vectors_doc, 0);
	doc_case("-j checks", "svmcheck/checks", checks_doc, 0);
	models_all_order();
	doc_case("checks -m apm -j", "svmcheck/checks", checks_doc, 0);
	doc_case("-j checks --kernels", "svmcheck/kernels", kernels_doc, 0);
	doc_case("-j migrate --from epyc-milan --to epyc-rome", "svmcheck/migrate", migrate_doc, 1);
	doc_case("-p migrate --from qemu-EPYC-v4 --to epyc-milan", "svmcheck/migrate", migrate_doc,
		 -1);
	doc_case("-j migrate --from epyc-milan --to epyc-rome --guest qemu-EPYC-Milan-v2",
		 "svmcheck/migrate", migrate_doc, 1);
	doc_case("-j migrate --from-model kvm-legacy --to-model kvm --from epyc-milan --to "
		 "epyc-milan " SVMCHECK_TEST_DIR "/cases/migrate/legacy-to-kvm-records/records.raw "
		 "/nonexistent.raw",
		 "svmcheck/migrate", migrate_doc, 2);
	/* a trace: its changed VMRUNs counted in traced[], not listed in records[] */
	doc_case("-j migrate --from epyc-milan --to epyc-rome " SVMCHECK_TEST_DIR
		 "/fixtures/trace/cp_injections.txt " SVMCHECK_TEST_DIR
		 "/fixtures/raw/longmode.bin",
		 "svmcheck/migrate", migrate_doc, 1);
	doc_case("-j matrix epyc-milan epyc-rome epyc-genoa epyc-milan", "svmcheck/matrix",
		 matrix_doc, 1);
	doc_case("-j matrix --guest qemu-EPYC-Rome-v4 epyc-milan epyc-rome", "svmcheck/matrix",
		 matrix_doc, -1);
	/* a rejected host (no SVM) and --from: still one matrix document */
	doc_case("-j matrix --from epyc-milan epyc-milan epyc-rome epyc-rome,-svm epyc-genoa",
		 "svmcheck/matrix", matrix_doc, 2);
	/* baseline: one class, and hosts apart (a host property no guest CPU changes) */
	doc_case("-j baseline epyc-rome epyc-naples hygon-dhyana", "svmcheck/baseline",
		 baseline_doc, 0);
	doc_case("-p baseline -m apm epyc-rome epyc-milan", "svmcheck/baseline", baseline_doc, 1);
	doc_case("-j baseline epyc-rome " FIX "/cpudefs/epyc-7763.cpuinfo", "svmcheck/baseline",
		 baseline_doc, 1);
	/* diff: hex, segment, byte and origin values; nested-state header; INCOMPLETE, N/A */
	doc_case("-j diff -c epyc-milan " FIX "/kvm/two_dumps.log#0 " FIX "/kvm/two_dumps.log#1",
		 "svmcheck/diff", diff_doc, 1);
	doc_case("-p diff -c epyc-milan -m all " FIX "/raw/longmode.bin " FIX "/hex/page.xxd",
		 "svmcheck/diff", diff_doc, 1);
	doc_case("-j diff -c epyc-milan " FIX "/raw/nested.bin " FIX "/kvm/cut_control.log#0",
		 "svmcheck/diff", diff_doc, 1);
	doc_case("-j diff -c epyc-milan --guest qemu-EPYC-Rome-v4 " FIX "/raw/longmode.bin " FIX
		 "/raw/longmode.bin",
		 "svmcheck/diff", diff_doc, 0);
	doc_case("-j profile show epyc-milan", "svmcheck/profile", show_doc, 0);
	doc_case("-p profile show qemu-EPYC-v4", "svmcheck/profile", show_doc, 0);
	doc_case("-j profile list", "svmcheck/profile-list", list_doc, 0);
	snprintf(a, sizeof(a), "profile import '%s'", prof);
	doc_case(a, "svmcheck/profile", pfile_doc, 0);

	/* NDJSON streams: records, errors in place, summary last */
	/* dump25.bin: one page; cut_control.log: two dumps (two "Control Area" headers) */
	nd_case("-j inspect " FIX "/raw/dump25.bin " FIX "/kvm/cut_control.log", inspect_rec,
		inspect_sum, 0, 3, 0);
	nd_case("-p inspect " FIX "/kvm/two_dumps.log /nonexistent.bin", inspect_rec, inspect_sum,
		2, 2, 1);
	/* nested state: the header object; a header without a vmcb12 has null areas */
	nd_case("-j inspect " FIX "/nested_state_inspect/l2_running.bin " FIX
		"/nested_state_inspect/not_guest.bin",
		inspect_rec, inspect_sum, 0, 2, 0);
	nd_case("-j replay -c epyc-milan " FIX "/raw/dump25.bin " FIX "/kvm/cut_control.log",
		replay_rec, replay_sum, 1, 3, 0);
	/* every model side by side: "verdicts" per record, "models" in the summary */
	nd_case("-j replay -m all -c epyc-milan " FIX "/raw/dump25.bin " FIX "/kvm/cut_control.log",
		replay_rec, replay_sum, 1, 3, 0);
	/* bad_conflict.log: the first dump gives asid twice (1, then 2): an error in
	 * place; the second dump is a record */
	nd_case("-j replay -c epyc-milan " FIX "/kvm/bad_conflict.log", replay_rec, replay_sum, 2,
		1, 1);
	/* traces: "captured_check" where kvm_nested_vmenter_failed named a check */
	nd_case("-j inspect " FIX "/trace/failed_after_vmenter.txt", inspect_rec, inspect_sum, 0, 2,
		0);
	nd_case("-j replay -c epyc-milan " FIX "/trace/failed_after_vmenter.txt " FIX
		"/trace/malformed.txt",
		replay_rec, replay_sum, 2, 4, 2);
	nd_case("-j replay -m all -c epyc-milan " FIX "/trace/failed_after_vmenter.txt", replay_rec,
		replay_sum, 1, 2, 0);
	run_emu_case();

	/* errors of one-document commands: still JSON, an error object */
	{
		int rc;
		char *out = run("", "-j vectors -m nope", &rc);
		json_object *o = json_tokener_parse(out);
		CHECK(rc == 2);
		CHECK(o != NULL);
		if (o)
			check_obj(o, error_rec, "error");
		json_object_put(o);
		free(out);
	}

	colour_cases();
	CHECK(schema_errors == 0);
	return tcheck_done("test_json_schema");
}
