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
 * libvirt names its models as QEMU does (src/cpu_map/x86_*.xml): the QEMU
 * model table (qemu_cpu.c) maps them to bundled profiles, an unversioned
 * name being QEMU's -v1.  EPYC-IBPB, a libvirt-only name, is QEMU's EPYC-v2.
 */

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
	char path[4200], names[600] = "", qname[64];
	const char *profile = NULL;
	struct svmc_diag md;
	enum svmc_err e;

	if (name)
		profile = svmc_qemu_model_profile(strcmp(name, "EPYC-IBPB") == 0 ? "EPYC-v2" : name,
						  qname, sizeof(qname));
	if (!profile) {
		const char *m;

		for (size_t i = 0; (m = svmc_qemu_model_name(i)) != NULL; i++) {
			size_t used = strlen(names);
			snprintf(names + used, sizeof(names) - used, "%s%s", i ? ", " : "", m);
		}
		e = at(d, model, SVMC_ERR_NOTFOUND,
		       "libvirt CPU model '%s' has no bundled profile; known models: %s (a name "
		       "without -vN is -v1; EPYC-IBPB is EPYC-v2)",
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
		if (!svmc_qemu_name_ignored(name, strlen(name))) {
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
			svmc_strlcpy(out->view, "silicon", sizeof(out->view));
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
