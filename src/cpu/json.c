/*
 * json.c - svmcheck's own JSON profile (svmcheck-json(5), schema svmcheck/profile v1):
 * reading it with json-c, checking every type by hand (json-c coerces
 * silently: "48" would become 48), and writing it atomically through the
 * one profile writer (emit/profile_json.c).
 *
 * A profile holds either raw "leaves" (the source of truth, decoded by
 * svmc_cpu_decode) or, for a guest CPU model, a "features" list and a
 * "maxphyaddr".  With leaves, "features" entries and "maxphyaddr" override
 * the decode for what they name, which is how modifiers and composed views
 * survive a round trip, and how `profile show -j` output reads back.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "emit/atomic.h"
#include "emit/profile_json.h"
#include "cpu/cpu_int.h"
#include "hexdigit.h"
#include "jsonscan.h"

/*
 * A JSON string may hold U+0000 ("AuthenticAMD\u0000x"), which every C
 * string here would cut short, reading "AuthenticAMD": such a string is
 * refused.  True when v (a string) has no NUL; else false with d set,
 * what naming the member.
 */
static bool no_nul(json_object *v, const char *what, struct svmc_diag *d)
{
	const char *s = json_object_get_string(v);
	int n = json_object_get_string_len(v);

	if (n <= 0 || !memchr(s, '\0', (size_t)n))
		return true;
	svmc_diag_set(d, SVMC_ERR_FORMAT, "%s holds a NUL character (\\u0000)", what);
	return false;
}

/* Optional string member; false with d set when present but not a string. */
static bool get_str(json_object *o, const char *key, char *dst, size_t n, struct svmc_diag *d)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return true;
	if (!json_object_is_type(v, json_type_string)) {
		svmc_diag_set(d, SVMC_ERR_FORMAT, "\"%s\" must be a string, not %s", key,
			      svmc_json_type_word(v));
		return false;
	}
	if ((size_t)json_object_get_string_len(v) >= n) {
		svmc_diag_set(d, SVMC_ERR_RANGE, "\"%s\" is longer than %zu characters", key,
			      n - 1);
		return false;
	}
	{
		char what[48];

		snprintf(what, sizeof(what), "\"%s\"", key);
		if (!no_nul(v, what, d))
			return false;
	}
	svmc_strlcpy(dst, json_object_get_string(v), n);
	return true;
}

/* Optional integer member in [lo, hi]; *set tells whether it was there. */
static bool get_int(json_object *o, const char *key, int64_t lo, int64_t hi, int64_t *out,
		    bool *set, struct svmc_diag *d)
{
	json_object *v;
	int64_t x;

	*set = false;
	if (!json_object_object_get_ex(o, key, &v))
		return true;
	if (!json_object_is_type(v, json_type_int)) {
		svmc_diag_set(d, SVMC_ERR_FORMAT, "\"%s\" must be an integer, not %s", key,
			      svmc_json_type_word(v));
		return false;
	}
	errno = 0;
	x = json_object_get_int64(v);
	if (errno || x < lo || x > hi) {
		svmc_diag_set(d, SVMC_ERR_RANGE, "\"%s\" is %s, outside %" PRId64 "..%" PRId64, key,
			      json_object_get_string(v), lo, hi);
		return false;
	}
	*out = x;
	*set = true;
	return true;
}

/* "0x" + 1..8 hex digits, nothing else. */
static bool parse_hex_str(const char *s, uint32_t *v)
{
	uint32_t x = 0;
	int n = 0;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return false;
	for (s += 2; *s; s++, n++) {
		unsigned dig;
		if (!svmc_is_hex((unsigned char)*s))
			return false;
		dig = svmc_hex_value((unsigned char)*s);
		if (n >= 8)
			return false;
		x = x << 4 | dig;
	}
	if (!n)
		return false;
	*v = x;
	return true;
}

static enum svmc_err read_leaves(json_object *arr, struct svmc_cpu *c, struct svmc_diag *d)
{
	static const char *const keys[6] = { "leaf", "subleaf", "eax", "ebx", "ecx", "edx" };
	size_t n = json_object_array_length(arr);

	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, i), *v;
		uint32_t val[6];
		enum svmc_err e;

		if (!json_object_is_type(o, json_type_object))
			return svmc_diag_set(d, SVMC_ERR_FORMAT,
					     "leaves[%zu] must be an object, not %s", i,
					     svmc_json_type_word(o));
		for (int k = 0; k < 6; k++) {
			if (!json_object_object_get_ex(o, keys[k], &v))
				return svmc_diag_set(d, SVMC_ERR_FORMAT,
						     "leaves[%zu] has no \"%s\"", i, keys[k]);
			if (!json_object_is_type(v, json_type_string))
				return svmc_diag_set(d, SVMC_ERR_FORMAT,
						     "leaves[%zu].%s must be a hex string "
						     "\"0x...\", not %s",
						     i, keys[k], svmc_json_type_word(v));
			if (!no_nul(v, keys[k], d))
				return d->code;
			if (!parse_hex_str(json_object_get_string(v), &val[k]))
				return svmc_diag_set(d, SVMC_ERR_FORMAT,
						     "leaves[%zu].%s is \"%.40s\", not 0x followed "
						     "by 1 to 8 hex digits",
						     i, keys[k], json_object_get_string(v));
		}
		e = svmc_cpu_add_leaf(c, val[0], val[1], &val[2], d);
		if (e)
			return e;
	}
	return SVMC_OK;
}

/* "features": names (present) or {"name", "present"} objects; overrides. */
static enum svmc_err read_features(json_object *arr, struct svmc_cpu *c, struct svmc_diag *d)
{
	size_t n = json_object_array_length(arr);

	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, i), *v;
		const struct svmc_feature_info *fi;
		const char *name;
		bool present = true;
		char close[160];

		if (json_object_is_type(o, json_type_string)) {
			name = json_object_get_string(o);
			if (!no_nul(o, "a feature name", d))
				return d->code;
		} else if (json_object_is_type(o, json_type_object)) {
			if (!json_object_object_get_ex(o, "name", &v) ||
			    !json_object_is_type(v, json_type_string))
				return svmc_diag_set(d, SVMC_ERR_FORMAT,
						     "features[%zu] needs a string \"name\"", i);
			name = json_object_get_string(v);
			if (!no_nul(v, "a feature name", d))
				return d->code;
			if (!json_object_object_get_ex(o, "present", &v) ||
			    !json_object_is_type(v, json_type_boolean))
				return svmc_diag_set(d, SVMC_ERR_FORMAT,
						     "features[%zu] needs a boolean \"present\"",
						     i);
			present = json_object_get_boolean(v);
		} else {
			return svmc_diag_set(d, SVMC_ERR_FORMAT,
					     "features[%zu] must be a name or an object, not %s", i,
					     svmc_json_type_word(o));
		}
		fi = svmc_feature_lookup(name);
		if (!fi) {
			svmc_close_matches(name, false, close, sizeof(close), 5);
			return svmc_diag_set(d, SVMC_ERR_NOTFOUND,
					     "features[%zu]: unknown feature '%.40s'%s%s", i, name,
					     close[0] ? "; close: " : "", close);
		}
		svmc_featset_set(&c->features, fi->id, present);
	}
	return SVMC_OK;
}

/*
 * "view": silicon (what the CPU reports), l1 (what KVM offers an L1 guest)
 * or guest (a guest CPU model).  Files written before views had their name
 * say how the leaves were read: cpuid-user and cpuid-kernel are silicon,
 * kvm-supported is l1; they are read as such.
 */
static enum svmc_err normalize_view(char *view, struct svmc_diag *d)
{
	static const char *const map[][2] = {
		{ "", "" },
		{ "silicon", "silicon" },
		{ "l1", "l1" },
		{ "guest", "guest" },
		{ "cpuid-user", "silicon" },
		{ "cpuid-kernel", "silicon" },
		{ "kvm-supported", "l1" },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(view, map[i][0]) == 0) {
			strcpy(view, map[i][1]); /* never longer than what it replaces */
			return SVMC_OK;
		}
	return svmc_diag_set(d, SVMC_ERR_FORMAT,
			     "\"view\" is \"%s\", not one of silicon, l1, guest", view);
}

static enum svmc_err read_profile(json_object *root, struct svmc_cpu *c, struct svmc_diag *d)
{
	json_object *leaves = NULL, *features = NULL;
	char schema[32] = "", source[16] = "", vendor[16] = "";
	int64_t fam = 0, mod = 0, step = 0, ver = 0, maxpa = 0;
	bool fam_set, mod_set, step_set, ver_set, maxpa_set;
	enum svmc_err e;

	if (!json_object_is_type(root, json_type_object))
		return svmc_diag_set(d, SVMC_ERR_FORMAT, "a profile must be a JSON object, not %s",
				     svmc_json_type_word(root));
	if (!get_str(root, "schema", schema, sizeof(schema), d))
		return d->code;
	if (strcmp(schema, "svmcheck/profile") != 0)
		return svmc_diag_set(d, SVMC_ERR_FORMAT,
				     "not an svmcheck CPU profile: \"schema\" must be "
				     "\"svmcheck/profile\"%s",
				     schema[0] ? "" : " (it is missing)");
	if (!get_int(root, "schema_version", 1, 1, &ver, &ver_set, d))
		return d->code;
	if (!get_str(root, "name", c->name, sizeof(c->name), d) ||
	    !get_str(root, "description", c->description, sizeof(c->description), d) ||
	    !get_str(root, "source", source, sizeof(source), d) ||
	    !get_str(root, "view", c->view, sizeof(c->view), d) ||
	    !get_str(root, "guest", c->guest, sizeof(c->guest), d) ||
	    !get_str(root, "brand", c->brand, sizeof(c->brand), d) ||
	    !get_str(root, "vendor", vendor, sizeof(vendor), d))
		return d->code;
	if (!get_int(root, "family", 0, 0x10e, &fam, &fam_set, d) ||
	    !get_int(root, "model", 0, 0xff, &mod, &mod_set, d) ||
	    !get_int(root, "stepping", 0, 0xf, &step, &step_set, d) ||
	    !get_int(root, "maxphyaddr", SVMC_MAXPHYADDR_MIN, SVMC_MAXPHYADDR_MAX, &maxpa,
		     &maxpa_set, d))
		return d->code;
	if (json_object_object_get_ex(root, "leaves", &leaves) &&
	    !json_object_is_type(leaves, json_type_array))
		return svmc_diag_set(d, SVMC_ERR_FORMAT, "\"leaves\" must be an array, not %s",
				     svmc_json_type_word(leaves));
	if (json_object_object_get_ex(root, "features", &features) &&
	    !json_object_is_type(features, json_type_array))
		return svmc_diag_set(d, SVMC_ERR_FORMAT, "\"features\" must be an array, not %s",
				     svmc_json_type_word(features));
	if (!leaves && !features)
		return svmc_diag_set(d, SVMC_ERR_FORMAT,
				     "a profile needs \"leaves\" (raw CPUID) or \"features\" "
				     "(a guest CPU model)");
	e = normalize_view(c->view, d);
	if (e)
		return e;
	if (source[0]) {
		static const enum svmc_cpu_source all[] = { SVMC_SRC_JSON,    SVMC_SRC_LIBCPUID,
							    SVMC_SRC_CPUID_R, SVMC_SRC_HOST,
							    SVMC_SRC_MODEL,   SVMC_SRC_CPUINFO,
							    SVMC_SRC_KVM };
		bool ok = false;
		for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
			if (strcmp(source, svmc_cpu_source_name(all[i])) == 0) {
				c->source = all[i];
				ok = true;
			}
		if (!ok)
			return svmc_diag_set(d, SVMC_ERR_FORMAT,
					     "\"source\" is \"%s\", not one of json, libcpuid, "
					     "cpuid-r, host, model, cpuinfo, kvm",
					     source);
	}

	if (leaves && json_object_array_length(leaves) > 0) {
		char brand[sizeof(c->brand)];

		c->has_leaves = true;
		memcpy(brand, c->brand, sizeof(brand));
		e = read_leaves(leaves, c, d);
		if (e)
			return e;
		e = svmc_cpu_check_complete(c, d);
		if (e)
			return e;
		svmc_cpu_decode(c);
		if (vendor[0] && strcmp(vendor, c->vendor) != 0)
			return svmc_diag_set(d, SVMC_ERR_CONFLICT,
					     "\"vendor\" is \"%s\" but leaf 0 says \"%s\"", vendor,
					     c->vendor);
		if ((fam_set && fam != c->family) || (mod_set && mod != c->model) ||
		    (step_set && step != c->stepping))
			return svmc_diag_set(d, SVMC_ERR_CONFLICT,
					     "family/model/stepping %" PRId64 "/%" PRId64
					     "/%" PRId64 " contradict leaf 1 (%u/%u/%u)",
					     fam, mod, step, c->family, c->model, c->stepping);
		if (brand[0] && !c->brand[0])
			memcpy(c->brand, brand, sizeof(brand));
	} else {
		if (leaves)
			return svmc_diag_set(d, SVMC_ERR_EMPTY, "\"leaves\" is empty");
		c->has_leaves = false;
		/* a feature list is a model's, unless it says it came from /proc/cpuinfo */
		if (c->source != SVMC_SRC_CPUINFO)
			c->source = SVMC_SRC_MODEL;
		svmc_strlcpy(c->vendor, vendor, sizeof(c->vendor));
		c->family = (unsigned)fam;
		c->model = (unsigned)mod;
		c->stepping = (unsigned)step;
		if (!maxpa_set)
			return svmc_diag_set(d, SVMC_ERR_FORMAT,
					     "a feature-list profile needs \"maxphyaddr\"");
	}
	if (features) {
		e = read_features(features, c, d);
		if (e)
			return e;
	}
	if (maxpa_set)
		c->maxphyaddr = (unsigned)maxpa;
	return SVMC_OK;
}

enum svmc_err svmc_cpu_load_json(const char *text, size_t len, const char *path,
				 struct svmc_cpu *out, struct svmc_diag *d)
{
	json_tokener *tok;
	json_object *root;
	enum json_tokener_error jerr;
	enum svmc_err e;

	svmc_cpu_init(out);
	out->source = SVMC_SRC_JSON;
	svmc_diag_init(d, path);
	if (len > INT32_MAX)
		return svmc_diag_set(d, SVMC_ERR_LIMIT, "file too large");
	tok = json_tokener_new_ex(32);
	if (!tok)
		return svmc_diag_set(d, SVMC_ERR_NOMEM, "out of memory");
	root = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	if (!root || jerr != json_tokener_success) {
		size_t off = json_tokener_get_parse_end(tok);
		d->offset = off;
		e = svmc_diag_set(d, SVMC_ERR_FORMAT, "invalid JSON: %s",
				  jerr == json_tokener_continue ? "the document ends too early" :
								  json_tokener_error_desc(jerr));
		json_object_put(root);
		json_tokener_free(tok);
		return e;
	}
	{
		size_t end = json_tokener_get_parse_end(tok);
		while (end < len && (text[end] == ' ' || text[end] == '\n' || text[end] == '\r' ||
				     text[end] == '\t'))
			end++;
		if (end < len) {
			d->offset = end;
			json_object_put(root);
			json_tokener_free(tok);
			return svmc_diag_set(d, SVMC_ERR_FORMAT,
					     "text after the JSON profile object");
		}
	}
	json_tokener_free(tok);
	{
		/* json-c keeps the last of two equal keys: refuse the document instead */
		struct svmc_dupscan *ds = malloc(sizeof(*ds));

		if (!ds) {
			json_object_put(root);
			return svmc_diag_set(d, SVMC_ERR_NOMEM, "out of memory");
		}
		svmc_dupscan_reset(ds);
		svmc_dupscan_feed(ds, (const unsigned char *)text, len);
		if (ds->dup) {
			d->line = ds->dup_line;
			e = svmc_diag_set(d, SVMC_ERR_CONFLICT,
					  "key \"%s\" appears twice in one object", ds->dup_key);
			free(ds);
			json_object_put(root);
			return e;
		}
		free(ds);
	}
	e = read_profile(root, out, d);
	json_object_put(root);
	return e;
}

/* ---- writing ------------------------------------------------------------ */

/* c as a profile file into f, through the one profile writer; 0 or -1. */
static int write_profile(const struct svmc_cpu *c, FILE *f)
{
	struct out o;
	int r;

	if (svmc_emit_init(&o, f, OUT_JSON_PRETTY, false) != 0)
		return -1;
	r = svmc_profile_emit(&o, c, SVMC_PROFILE_FILE);
	if (svmc_emit_fini(&o) != 0)
		r = -1;
	return r;
}

enum svmc_err svmc_cpu_save_json(const struct svmc_cpu *c, const char *path, struct svmc_diag *d)
{
	struct svmc_atomic_file af;
	enum svmc_err e;
	int r;

	svmc_diag_init(d, path);
	if (strcmp(path, "-") == 0) {
		if (write_profile(c, stdout) != 0 || ferror(stdout))
			return svmc_diag_set(d, SVMC_ERR_IO, "cannot write: %s", strerror(errno));
		return SVMC_OK;
	}
	e = svmc_atomic_open(&af, path, d);
	if (e != SVMC_OK)
		return e;
	r = write_profile(c, af.f);
	e = svmc_atomic_close(&af, r == 0, d);
	if (r != 0 && e == SVMC_OK)
		e = svmc_diag_set(d, SVMC_ERR_IO, "cannot write: %s", strerror(errno));
	return e;
}
