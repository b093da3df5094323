/*
 * libvirt.c - libvirt CPU definitions read with libxml2: a domain XML file
 * or its <cpu> element alone, `virsh domcapabilities` (its host-model CPU)
 * and `virsh capabilities` (the host CPU).
 *
 * libvirt describes a CPU as a named model plus <feature> elements.  The
 * model's features come from the bundled qemu-EPYC-* profile that holds
 * QEMU's definition of it (libvirt's cpu_map mirrors QEMU's models); the
 * <feature> elements then add or remove what svmcheck reads.  A libvirt
 * feature svmcheck does not read (avx2, x2apic, ...) changes no VMRUN check
 * and is skipped; a name libvirt does not know either is an error, since a
 * typo there would otherwise silently keep or drop a feature.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "cpu/cpu_int.h"

/*
 * libvirt model names (src/cpu_map/x86_*.xml) -> the bundled profile with
 * the same features as far as svmcheck reads them (docs/cpuid §4: EPYC
 * v1-v4, EPYC-Rome v1-v4 and EPYC-Milan v1-v2 differ only in features
 * svmcheck does not read).  An unversioned libvirt name is QEMU's -v1.
 */
static const struct {
	const char *libvirt, *profile;
} model_map[] = {
	{ "EPYC", "qemu-EPYC-v4" },
	{ "EPYC-IBPB", "qemu-EPYC-v4" },
	{ "EPYC-v1", "qemu-EPYC-v4" },
	{ "EPYC-v2", "qemu-EPYC-v4" },
	{ "EPYC-v3", "qemu-EPYC-v4" },
	{ "EPYC-v4", "qemu-EPYC-v4" },
	{ "EPYC-v5", "qemu-EPYC-v5" },
	{ "EPYC-Rome", "qemu-EPYC-Rome-v4" },
	{ "EPYC-Rome-v1", "qemu-EPYC-Rome-v4" },
	{ "EPYC-Rome-v2", "qemu-EPYC-Rome-v4" },
	{ "EPYC-Rome-v3", "qemu-EPYC-Rome-v4" },
	{ "EPYC-Rome-v4", "qemu-EPYC-Rome-v4" },
	{ "EPYC-Rome-v5", "qemu-EPYC-Rome-v5" },
	{ "EPYC-Milan", "qemu-EPYC-Milan-v2" },
	{ "EPYC-Milan-v1", "qemu-EPYC-Milan-v2" },
	{ "EPYC-Milan-v2", "qemu-EPYC-Milan-v2" },
	{ "EPYC-Milan-v3", "qemu-EPYC-Milan-v3" },
	{ "EPYC-Genoa", "qemu-EPYC-Genoa-v1" },
	{ "EPYC-Genoa-v1", "qemu-EPYC-Genoa-v1" },
	{ "EPYC-Genoa-v2", "qemu-EPYC-Genoa-v2" },
	{ "EPYC-Turin", "qemu-EPYC-Turin-v1" },
	{ "EPYC-Turin-v1", "qemu-EPYC-Turin-v1" },
};

/*
 * libvirt x86 feature names (src/cpu_map/x86_features.xml, and the AMD
 * names of later releases) that svmcheck does not read: no VMRUN check
 * depends on them.  The names svmcheck reads are found by
 * svmc_feature_lookup(), whose '-'/'_' folding covers libvirt's spellings.
 */
static const char *const untracked[] = {
	"fpu", "msr", "cx8", "apic", "sep", "mtrr", "cmov", "pat", "pse36", "pn", "clflush", "ds",
	"acpi", "mmx", "sse2", "ss", "ht", "tm", "ia64", "pbe", "pni", "pclmuldq", "dtes64",
	"monitor", "ds_cpl", "est", "tm2", "ssse3", "cid", "fma", "cx16", "xtpr", "pdcm", "dca",
	"sse4.1", "sse4.2", "x2apic", "movbe", "popcnt", "tsc-deadline", "aes", "osxsave", "avx",
	"f16c", "rdrand", "arat", "tsc_adjust", "sgx", "bmi1", "hle", "avx2", "bmi2", "erms",
	"invpcid", "rtm", "cmt", "mpx", "avx512f", "avx512dq", "rdseed", "adx", "avx512ifma",
	"pcommit", "clflushopt", "clwb", "intel-pt", "avx512pf", "avx512er", "avx512cd", "sha-ni",
	"avx512bw", "avx512vl", "avx512vbmi", "ospke", "waitpkg", "avx512vbmi2", "gfni", "vaes",
	"vpclmulqdq", "avx512vnni", "avx512bitalg", "avx512-vpopcntdq", "rdpid", "bus-lock-detect",
	"cldemote", "movdiri", "movdir64b", "sgxlc", "avx512-4vnniw", "avx512-4fmaps", "fsrm",
	"avx512-vp2intersect", "md-clear", "serialize", "tsx-ldtrk", "pconfig", "arch-lbr",
	"amx-bf16", "avx512-fp16", "amx-tile", "amx-int8", "spec-ctrl", "stibp", "flush-l1d",
	"arch-capabilities", "core-capability", "ssbd", "avx-vnni", "avx512-bf16", "cmpccxadd",
	"fzrm", "fsrs", "fsrc", "amx-fp16", "avx-ifma", "avx-vnni-int8", "avx-ne-convert",
	"prefetchiti", "mcdt-no", "xsaveopt", "xsavec", "xgetbv1", "xsaves", "xfd", "mbm_total",
	"mbm_local", "sgx1", "sgx2", "sgx-edeccssa", "sgx-exinfo", "sgx-debug", "sgx-mode64",
	"sgx-provisionkey", "sgx-tokenkey", "sgx-kss", "sgx-aex-notify", "intel-pt-lip", "mmxext",
	"pdpe1gb", "rdtscp", "3dnowext", "3dnow", "lahf_lm", "cmp_legacy", "extapic", "cr8legacy",
	"abm", "sse4a", "misalignsse", "3dnowprefetch", "osvw", "ibs", "xop", "skinit", "wdt",
	"lwp", "fma4", "cvt16", "nodeid_msr", "tbm", "topoext", "perfctr_core", "perfctr_nb",
	"invtsc", "clzero", "xsaveerptr", "wbnoinvd", "ibpb", "ibrs", "amd-stibp", "amd-ssbd",
	"virt-ssbd", "amd-no-ssb", "amd-psfd", "rdctl-no", "ibrs-all", "rsba", "skip-l1dfl-vmentry",
	"ssb-no", "mds-no", "pschange-mc-no", "tsx-ctrl", "taa-no", "split-lock-detect",
	/* AMD names added to libvirt with the EPYC-Genoa/-Turin and -v5 models */
	"no-nested-data-bp", "lfence-always-serializing", "null-sel-clr-base", "stibp-always-on",
	"sbpb", "ibpb-brtype", "srso-no", "srso-user-kernel-no", "perfmon-v2", "fs-gs-base-ns",
	"overflow-recov", "succor", "prefetchi", "verw-clear", "tsa-l1-no", "tsa-sq-no", "gds-no",
	"rfds-no", "pbrsb-no", "fb-clear", "sbdr-ssdp-no", "psdp-no", "fbsdp-no", "its-no"
};

static bool is_untracked(const char *name)
{
	for (size_t i = 0; i < sizeof(untracked) / sizeof(untracked[0]); i++)
		if (strcmp(name, untracked[i]) == 0)
			return true;
	return false;
}

/* What the file is, from its root element. */
enum doc_kind { DOC_DOMAIN, DOC_DOMCAPS, DOC_CAPS };

static bool is_elem(const xmlNode *n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, BAD_CAST name) == 0;
}

static xmlNode *child(const xmlNode *parent, const char *name)
{
	for (xmlNode *n = parent->children; n; n = n->next)
		if (is_elem(n, name))
			return n;
	return NULL;
}

/* An attribute as a C string (freed by the caller), NULL when absent. */
static char *attr(const xmlNode *n, const char *name)
{
	return (char *)xmlGetProp(n, BAD_CAST name);
}

static enum svmc_err at(struct svmc_diag *d, const xmlNode *n, enum svmc_err code, const char *fmt,
			...) __attribute__((format(printf, 4, 5)));

/* An error at element n's line. */
static enum svmc_err at(struct svmc_diag *d, const xmlNode *n, enum svmc_err code, const char *fmt,
			...)
{
	va_list ap;
	long line = n ? xmlGetLineNo(n) : -1;

	if (line > 0)
		d->line = (uint64_t)line;
	va_start(ap, fmt);
	code = svmc_diag_vset(d, code, fmt, ap);
	va_end(ap);
	return code;
}

/* out = the bundled profile of libvirt model <model>NAME</model>. */
static enum svmc_err load_model(const xmlNode *model, struct svmc_cpu *out, struct svmc_diag *d)
{
	char *name = (char *)xmlNodeGetContent(model);
	char path[4200], names[600] = "";
	const char *profile = NULL;
	struct svmc_diag md;
	enum svmc_err e;

	for (size_t i = 0; name && i < sizeof(model_map) / sizeof(model_map[0]); i++)
		if (strcmp(name, model_map[i].libvirt) == 0)
			profile = model_map[i].profile;
	if (!profile) {
		for (size_t i = 0; i < sizeof(model_map) / sizeof(model_map[0]); i++) {
			size_t used = strlen(names);
			snprintf(names + used, sizeof(names) - used, "%s%s", i ? ", " : "",
				 model_map[i].libvirt);
		}
		e = at(d, model, SVMC_ERR_NOTFOUND,
		       "libvirt CPU model '%s' has no bundled profile; known models: %s",
		       name ? name : "", names);
		xmlFree(name);
		return e;
	}
	xmlFree(name);
	if (!svmc_profile_find(profile, path, sizeof(path)))
		return at(d, model, SVMC_ERR_NOTFOUND,
			  "the bundled profile %s is not installed (svmcheck profile list)",
			  profile);
	e = svmc_cpu_load_file(path, out, &md);
	if (e)
		return at(d, model, e, "bundled profile %s: %s", profile, md.msg);
	svmc_strlcpy(out->name, profile, sizeof(out->name));
	return SVMC_OK;
}

/* Apply one <feature name='' policy=''/>; def_policy when policy is absent. */
static enum svmc_err apply_feature(const xmlNode *f, const char *def_policy, struct svmc_cpu *c,
				   struct svmc_diag *d)
{
	char *name = attr(f, "name"), *policy = attr(f, "policy");
	const char *p = policy ? policy : def_policy;
	const struct svmc_feature_info *fi;
	enum svmc_err e = SVMC_OK;
	char close[200];

	if (!name) {
		e = at(d, f, SVMC_ERR_FORMAT, "<feature> without a name attribute");
		goto out;
	}
	if (strcmp(p, "require") != 0 && strcmp(p, "force") != 0 && strcmp(p, "disable") != 0 &&
	    strcmp(p, "forbid") != 0 && strcmp(p, "optional") != 0) {
		e = at(d, f, SVMC_ERR_FORMAT,
		       "feature '%s': policy '%s' is not require, force, disable, forbid or "
		       "optional",
		       name, p);
		goto out;
	}
	fi = svmc_feature_lookup(name);
	if (!fi) {
		if (!is_untracked(name)) {
			svmc_close_matches(name, false, close, sizeof(close), 6);
			e = at(d, f, SVMC_ERR_NOTFOUND, "unknown libvirt CPU feature '%s'%s%s%s",
			       name, close[0] ? " (close: " : "", close, close[0] ? ")" : "");
		}
		goto out;
	}
	/* optional: the model's own setting stays (libvirt keeps what the host has). */
	if (strcmp(p, "optional") != 0)
		svmc_featset_set(&c->features, fi->id,
				 strcmp(p, "require") == 0 || strcmp(p, "force") == 0);
out:
	xmlFree(name);
	xmlFree(policy);
	return e;
}

/* A decimal attribute in lo..hi; 0 when absent. */
static enum svmc_err num_attr(const xmlNode *n, const char *name, unsigned lo, unsigned hi,
			      unsigned *v, struct svmc_diag *d)
{
	char *s = attr(n, name), *end;
	unsigned long x;
	enum svmc_err e = SVMC_OK;

	*v = 0;
	if (!s)
		return SVMC_OK;
	x = strtoul(s, &end, 10);
	if (!*s || *end || *s == '-' || x < lo || x > hi)
		e = at(d, n, SVMC_ERR_RANGE, "%s='%s' is not a number from %u to %u", name, s, lo,
		       hi);
	else
		*v = (unsigned)x;
	xmlFree(s);
	return e;
}

/*
 * <maxphysaddr mode='emulate' bits='N'/> is N; mode='passthrough' is the
 * host's MAXPHYADDR, stated by capabilities (bits) and domcapabilities
 * (limit), and in a domain the one of this host, at most bits.
 */
static enum svmc_err apply_maxphysaddr(const xmlNode *m, enum doc_kind kind, struct svmc_cpu *c,
				       struct svmc_diag *d)
{
	char *mode = attr(m, "mode");
	unsigned bits, limit;
	enum svmc_err e;

	e = num_attr(m, "bits", SVMC_MAXPHYADDR_MIN, SVMC_MAXPHYADDR_MAX, &bits, d);
	if (!e)
		e = num_attr(m, "limit", SVMC_MAXPHYADDR_MIN, SVMC_MAXPHYADDR_MAX, &limit, d);
	if (e)
		goto out;
	if (!mode || (strcmp(mode, "emulate") != 0 && strcmp(mode, "passthrough") != 0)) {
		e = at(d, m, SVMC_ERR_FORMAT,
		       "<maxphysaddr> mode '%s' is not emulate or passthrough", mode ? mode : "");
	} else if (mode[0] == 'e' || kind != DOC_DOMAIN) {
		if (!bits)
			bits = limit;
		if (!bits)
			e = at(d, m, SVMC_ERR_FORMAT,
			       "<maxphysaddr mode='%s'> without bits: MAXPHYADDR unknown", mode);
		else
			c->maxphyaddr = bits;
	} else {
		struct svmc_cpu *host = malloc(sizeof(*host));
		struct svmc_diag hd;

		if (!host) {
			e = svmc_diag_set(d, SVMC_ERR_NOMEM, "out of memory");
			goto out;
		}
		e = svmc_cpu_capture_host(host, &hd);
		if (e)
			e = at(d, m, e, "<maxphysaddr mode='passthrough'> is this host's: %s",
			       hd.msg);
		else
			c->maxphyaddr = bits && bits < host->maxphyaddr ? bits : host->maxphyaddr;
		free(host);
	}
out:
	xmlFree(mode);
	return e;
}

/* A host CPU (capabilities) states family/model/stepping in <signature>. */
static enum svmc_err apply_signature(const xmlNode *cpu, struct svmc_cpu *c, struct svmc_diag *d)
{
	const xmlNode *s = child(cpu, "signature");
	enum svmc_err e;

	if (!s)
		return SVMC_OK;
	e = num_attr(s, "family", 0, 0x10e, &c->family, d);
	if (!e)
		e = num_attr(s, "model", 0, 255, &c->model, d);
	if (!e)
		e = num_attr(s, "stepping", 0, 15, &c->stepping, d);
	return e;
}

/* The CPU of one <cpu> element (or domcapabilities' host-model <mode>). */
static enum svmc_err read_cpu(const xmlNode *cpu, enum doc_kind kind, struct svmc_cpu *out,
			      struct svmc_diag *d)
{
	char *mode = kind == DOC_DOMAIN ? attr(cpu, "mode") : NULL;
	const xmlNode *model = child(cpu, "model"), *mpa = child(cpu, "maxphysaddr");
	/* a domain's feature without a policy is required; a host's is present */
	const char *def_policy = "require";
	char desc[sizeof(out->description)];
	enum svmc_err e;

	if (mode && strcmp(mode, "host-model") == 0) {
		e = at(d, cpu, SVMC_ERR_USAGE,
		       "<cpu mode='host-model'> is what the host's libvirt expands it to: give "
		       "that host's `virsh domcapabilities` output instead (its host-model CPU)");
		goto out;
	}
	if (mode && (strcmp(mode, "host-passthrough") == 0 || strcmp(mode, "maximum") == 0)) {
		struct svmc_diag hd;

		e = svmc_cpu_capture_host(out, &hd);
		if (e) {
			e = at(d, cpu, e, "<cpu mode='%s'> is this host: %s", mode, hd.msg);
			goto out;
		}
		snprintf(desc, sizeof(desc), "libvirt <cpu mode='%s'>: this host", mode);
	} else if (mode && strcmp(mode, "custom") != 0) {
		e = at(d, cpu, SVMC_ERR_FORMAT,
		       "<cpu mode='%s'> is not custom, host-model, host-passthrough or maximum",
		       mode);
		goto out;
	} else if (!model) {
		e = at(d, cpu, SVMC_ERR_FORMAT, "<cpu> without <model>: no CPU model to read");
		goto out;
	} else {
		e = load_model(model, out, d);
		if (e)
			goto out;
		char *lv = (char *)xmlNodeGetContent(model);

		snprintf(desc, sizeof(desc), "libvirt %s CPU: %s as %s",
			 kind == DOC_CAPS    ? "host" :
			 kind == DOC_DOMCAPS ? "host-model" :
					       "custom",
			 lv ? lv : "", out->name);
		xmlFree(lv);
		if (kind == DOC_CAPS) {
			/* a host is not a guest unless libvirt lists hypervisor */
			svmc_featset_set(&out->features, SVMC_FEAT_HYPERVISOR, false);
			svmc_strlcpy(out->view, "", sizeof(out->view));
			e = apply_signature(cpu, out, d);
			if (e)
				goto out;
		}
	}
	svmc_strlcpy(out->description, desc, sizeof(out->description));
	for (const xmlNode *n = cpu->children; n; n = n->next)
		if (is_elem(n, "feature")) {
			e = apply_feature(n, def_policy, out, d);
			if (e)
				goto out;
		}
	if (mpa)
		e = apply_maxphysaddr(mpa, kind, out, d);
	else if (kind != DOC_DOMAIN)
		e = at(d, cpu, SVMC_ERR_FORMAT,
		       "the host CPU has no <maxphysaddr> (libvirt 8.7 and later report it): "
		       "MAXPHYADDR unknown");
out:
	xmlFree(mode);
	return e;
}

/* The CPU element a document of this root holds; NULL with the error in d. */
static const xmlNode *find_cpu(const xmlNode *root, enum doc_kind *kind, struct svmc_diag *d)
{
	const xmlNode *n, *cpu = NULL;

	*kind = DOC_DOMAIN;
	if (!root) {
		svmc_diag_set(d, SVMC_ERR_EMPTY, "no root element");
		return NULL;
	}
	if (is_elem(root, "cpu")) {
		cpu = root;
	} else if (is_elem(root, "domain")) {
		cpu = child(root, "cpu");
		if (!cpu) {
			at(d, root, SVMC_ERR_FORMAT,
			   "domain without <cpu>: its CPU is the hypervisor's default");
			return NULL;
		}
	} else if (is_elem(root, "capabilities")) {
		*kind = DOC_CAPS;
		n = child(root, "host");
		cpu = n ? child(n, "cpu") : NULL;
		if (!cpu) {
			at(d, root, SVMC_ERR_FORMAT, "capabilities without <host><cpu>");
			return NULL;
		}
	} else if (is_elem(root, "domainCapabilities")) {
		*kind = DOC_DOMCAPS;
		n = child(root, "cpu");
		for (n = n ? n->children : NULL; n; n = n->next) {
			char *name = is_elem(n, "mode") ? attr(n, "name") : NULL;
			bool hm = name && strcmp(name, "host-model") == 0;

			xmlFree(name);
			if (hm)
				break;
		}
		if (!n) {
			at(d, root, SVMC_ERR_FORMAT,
			   "domainCapabilities without <cpu><mode name='host-model'>");
			return NULL;
		}
		{
			char *sup = attr(n, "supported");
			bool no = sup && strcmp(sup, "no") == 0;

			xmlFree(sup);
			if (no) {
				at(d, n, SVMC_ERR_FORMAT,
				   "this host's libvirt does not support host-model "
				   "(supported='no')");
				return NULL;
			}
		}
		cpu = n;
	} else {
		at(d, root, SVMC_ERR_FORMAT,
		   "<%s> is not a libvirt domain, <cpu>, capabilities or "
		   "domainCapabilities document",
		   (const char *)root->name);
		return NULL;
	}
	return cpu;
}

/*
 * libxml2 goes on after the first error and its last one ("Premature end
 * of data") hides the cause: keep the first.  The parser passes itself as
 * the handler's data (its userData); _private points here.
 */
struct first_error {
	bool set;
	int line;
	char msg[200];
};

static void keep_first_error(void *data, xmlErrorPtr err)
{
	struct first_error *fe = ((xmlParserCtxtPtr)data)->_private;

	if (fe->set || !err || err->level < XML_ERR_ERROR)
		return;
	fe->set = true;
	fe->line = err->line;
	svmc_strlcpy(fe->msg, err->message ? err->message : "not well-formed", sizeof(fe->msg));
	fe->msg[strcspn(fe->msg, "\n")] = '\0';
}

enum svmc_err svmc_cpu_load_libvirt(const char *text, size_t len, const char *path,
				    struct svmc_cpu *out, struct svmc_diag *d)
{
	struct first_error fe = { false, 0, "not well-formed" };
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	const xmlNode *cpu;
	enum doc_kind kind;
	enum svmc_err e;

	svmc_cpu_init(out);
	svmc_diag_init(d, path);
	if (len > CPU_FILE_MAX)
		return svmc_diag_set(d, SVMC_ERR_LIMIT, "larger than %u bytes", CPU_FILE_MAX);
	ctxt = xmlNewParserCtxt();
	if (!ctxt)
		return svmc_diag_set(d, SVMC_ERR_NOMEM, "out of memory");
	ctxt->_private = &fe;
	ctxt->sax->serror = keep_first_error;
	/* No network, no DTD, no entity expansion: the file is data, nothing else. */
	doc = xmlCtxtReadMemory(ctxt, text, (int)len, path, NULL,
				XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
					XML_PARSE_BIG_LINES);
	if (!doc) {
		if (fe.line > 0)
			d->line = (uint64_t)fe.line;
		xmlFreeParserCtxt(ctxt);
		return svmc_diag_set(d, SVMC_ERR_FORMAT, "malformed XML: %s", fe.msg);
	}
	cpu = find_cpu(xmlDocGetRootElement(doc), &kind, d);
	e = cpu ? read_cpu(cpu, kind, out, d) : d->code;
	if (!e)
		out->name[0] = '\0'; /* named after the file by the caller */
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return e;
}
