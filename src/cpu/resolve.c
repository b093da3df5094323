/*
 * resolve.c - from a CPU argument to a struct svmc_cpu: format detection for
 * profile files, bundled names, "host", the ",+F,-F,maxphyaddr=N" modifiers,
 * and guest composition (host view intersected with a guest CPU model).
 *
 * Every failure is a usage-level error whose message says what was wrong
 * with the argument and lists close names, since the user typed it.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cpu/cpu_int.h"

enum fmt { FMT_UNKNOWN, FMT_JSON, FMT_LIBCPUID, FMT_CPUID_R, FMT_LIBVIRT, FMT_CPUINFO };

/* Decide from the first meaningful line. */
static enum fmt detect(const char *buf, size_t len)
{
	size_t i = 0;

	if (len >= 3 && (unsigned char)buf[0] == 0xef && (unsigned char)buf[1] == 0xbb &&
	    (unsigned char)buf[2] == 0xbf)
		i = 3;
	while (i < len && isspace((unsigned char)buf[i]))
		i++;
	if (i >= len)
		return FMT_UNKNOWN;
	if (buf[i] == '{' || buf[i] == '[')
		return FMT_JSON;
	if (buf[i] == '<')
		return FMT_LIBVIRT;
	if (svmc_cpuinfo_detect(buf + i, len - i))
		return FMT_CPUINFO;
	if (len - i >= 8 && strncmp(buf + i, "version=", 8) == 0)
		return FMT_LIBCPUID;
	if (len - i >= 12 && strncmp(buf + i, "basic_cpuid[", 12) == 0)
		return FMT_LIBCPUID;
	if (len - i >= 7 && strncmp(buf + i, "------[", 7) == 0)
		return FMT_LIBCPUID; /* AIDA64, which libcpuid reads */
	if (buf[i] == '#' || (len - i >= 3 && strncmp(buf + i, "CPU", 3) == 0) ||
	    (len - i >= 2 && buf[i] == '0' && (buf[i + 1] == 'x' || buf[i + 1] == 'X')))
		return FMT_CPUID_R;
	return FMT_UNKNOWN;
}

/* A default name for a profile read from a file: its base name without known suffixes. */
static void name_from_path(const char *path, char *dst, size_t n)
{
	static const char *const suffixes[] = { ".cpuid-r.txt", ".json", ".test", ".txt", ".xml" };
	const char *base = strrchr(path, '/');
	size_t len;

	base = base ? base + 1 : path;
	svmc_strlcpy(dst, base, n);
	len = strlen(dst);
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		size_t sl = strlen(suffixes[i]);
		if (len > sl && strcmp(dst + len - sl, suffixes[i]) == 0) {
			dst[len - sl] = '\0';
			break;
		}
	}
}

/* Read one profile from f (named path in messages) whatever its format. */
static enum svmc_err load_stream(FILE *f, const char *path, struct svmc_cpu *out,
				 struct svmc_diag *d)
{
	char *buf;
	size_t len = 0;
	enum svmc_err e;
	const char *nul;

	buf = malloc(CPU_FILE_MAX + 1);
	if (!buf)
		return svmc_diag_set(d, SVMC_ERR_NOMEM, "out of memory");
	len = fread(buf, 1, CPU_FILE_MAX + 1, f);
	if (ferror(f)) {
		e = svmc_diag_set(d, SVMC_ERR_IO, "cannot read: %s", strerror(errno));
		goto out;
	}
	if (len > CPU_FILE_MAX) {
		e = svmc_diag_set(d, SVMC_ERR_LIMIT, "larger than %u bytes: not a CPU profile",
				  CPU_FILE_MAX);
		goto out;
	}
	buf[len] = '\0';
	if (len == 0) {
		e = svmc_diag_set(d, SVMC_ERR_EMPTY, "empty file");
		goto out;
	}
	nul = memchr(buf, '\0', len);
	if (nul) {
		d->offset = (uint64_t)(nul - buf);
		e = svmc_diag_set(d, SVMC_ERR_FORMAT,
				  "binary data (a NUL byte): not a CPU profile");
		goto out;
	}
	switch (detect(buf, len)) {
	case FMT_JSON:
		e = svmc_cpu_load_json(buf, len, path, out, d);
		break;
	case FMT_LIBCPUID:
		e = svmc_cpu_load_libcpuid(buf, len, path, out, d);
		break;
	case FMT_LIBVIRT:
		e = svmc_cpu_load_libvirt(buf, len, path, out, d);
		break;
	case FMT_CPUINFO:
		e = svmc_cpu_load_cpuinfo(buf, len, path, out, d);
		break;
	case FMT_CPUID_R: {
		FILE *mf = fmemopen(buf, len, "r");
		if (!mf) {
			e = svmc_diag_set(d, SVMC_ERR_NOMEM, "out of memory");
			break;
		}
		e = svmc_cpu_load_cpuid_r(mf, path, out, d);
		fclose(mf);
		break;
	}
	default:
		d->line = 1;
		e = svmc_diag_set(
			d, SVMC_ERR_FORMAT,
			"not a CPU profile: expected an svmcheck JSON profile, a libcpuid "
			"raw dump (version=0.6.2), cpuid -r output, libvirt XML or /proc/cpuinfo");
		break;
	}
	if (!e && !out->name[0])
		name_from_path(path, out->name, sizeof(out->name));
out:
	free(buf);
	return e;
}

enum svmc_err svmc_cpu_load_file(const char *path, struct svmc_cpu *out, struct svmc_diag *d)
{
	struct stat st;
	FILE *f;
	enum svmc_err e;

	svmc_cpu_init(out);
	svmc_diag_init(d, path);
	if (stat(path, &st) != 0)
		return svmc_diag_set(d, SVMC_ERR_IO, "cannot open: %s", strerror(errno));
	if (S_ISDIR(st.st_mode))
		return svmc_diag_set(d, SVMC_ERR_IO, "is a directory, not a CPU profile");
	f = fopen(path, "rb");
	if (!f)
		return svmc_diag_set(d, SVMC_ERR_IO, "cannot open: %s", strerror(errno));
	e = load_stream(f, path, out, d);
	fclose(f);
	return e;
}

/*
 * "-": standard input, which can be read once; a second "-" in the same
 * command would find it empty, so it is refused, saying why.
 */
static enum svmc_err load_stdin(struct svmc_cpu *out, struct svmc_diag *d)
{
	static bool taken;

	svmc_cpu_init(out);
	svmc_diag_init(d, "-");
	if (taken)
		return svmc_diag_set(d, SVMC_ERR_USAGE,
				     "standard input was already read by an earlier '-': "
				     "give '-' for one CPU only");
	taken = true;
	return load_stream(stdin, "-", out, d);
}

/*
 * What the modifiers of one argument have said so far, so that two that
 * contradict each other (",+shstk,-shstk", ",+cet-ss,-shstk",
 * ",maxphyaddr=40,maxphyaddr=48") are refused, naming both, rather than the
 * last one silently winning.  Positions point into the modifier string.
 */
struct mod_seen {
	const char *feat[SVMC_FEAT_COUNT];
	size_t feat_len[SVMC_FEAT_COUNT];
	const char *maxpa;
	size_t maxpa_len;
	unsigned maxpa_v;
};

static enum svmc_err contradiction(struct svmc_diag *d, const char *a, size_t alen, const char *b,
				   size_t blen)
{
	return svmc_diag_set(d, SVMC_ERR_USAGE,
			     "modifiers '%.*s' and '%.*s' contradict each other: give one",
			     (int)alen, a, (int)blen, b);
}

static enum svmc_err apply_one(struct svmc_cpu *c, const char *m, size_t len, struct mod_seen *ms,
			       struct svmc_diag *d)
{
	char word[64], close[200];
	const struct svmc_feature_info *fi;
	bool ignore;
	enum svmc_err e;

	if (len == 0)
		return svmc_diag_set(d, SVMC_ERR_USAGE,
				     "empty modifier (two commas, or a trailing comma)");
	if (len >= sizeof(word))
		return svmc_diag_set(d, SVMC_ERR_USAGE, "modifier '%.40s...' is too long", m);
	memcpy(word, m, len);
	word[len] = '\0';
	e = svmc_qemu_option(word, sizeof(word), &ignore, d);
	if (e || ignore)
		return e;
	if (strncmp(word, "maxphyaddr=", 11) == 0) {
		const char *num = word + 11;
		char *end;
		long v;

		errno = 0;
		v = isdigit((unsigned char)*num) ? strtol(num, &end, 10) : -1;
		if (v < 0 || errno || *end)
			return svmc_diag_set(d, SVMC_ERR_USAGE,
					     "modifier '%s': MAXPHYADDR must be a decimal number "
					     "from %d to %d",
					     word, SVMC_MAXPHYADDR_MIN, SVMC_MAXPHYADDR_MAX);
		if (v < SVMC_MAXPHYADDR_MIN || v > SVMC_MAXPHYADDR_MAX)
			return svmc_diag_set(d, SVMC_ERR_RANGE,
					     "modifier '%s': MAXPHYADDR %ld is out of range "
					     "(%d..%d)",
					     word, v, SVMC_MAXPHYADDR_MIN, SVMC_MAXPHYADDR_MAX);
		if (ms->maxpa && ms->maxpa_v != (unsigned)v)
			return contradiction(d, ms->maxpa, ms->maxpa_len, m, len);
		ms->maxpa = m;
		ms->maxpa_len = len;
		ms->maxpa_v = (unsigned)v;
		c->maxphyaddr = (unsigned)v;
		return SVMC_OK;
	}
	if (word[0] != '+' && word[0] != '-')
		return svmc_diag_set(d, SVMC_ERR_USAGE,
				     "modifier '%s' is not +FEATURE, -FEATURE, FEATURE=on|off, "
				     "maxphyaddr=N or phys-bits=N",
				     word);
	fi = svmc_feature_lookup(word + 1);
	if (!fi) {
		svmc_close_matches(word + 1, false, close, sizeof(close), 6);
		return svmc_diag_set(d, SVMC_ERR_NOTFOUND,
				     "modifier '%.*s': unknown feature '%s'%s%s%s", (int)len, m,
				     word + 1, close[0] ? " (close: " : "", close,
				     close[0] ? ")" : "");
	}
	if (ms->feat[fi->id] && ms->feat[fi->id][0] != word[0])
		return contradiction(d, ms->feat[fi->id], ms->feat_len[fi->id], m, len);
	ms->feat[fi->id] = m;
	ms->feat_len[fi->id] = len;
	svmc_featset_set(&c->features, fi->id, word[0] == '+');
	return SVMC_OK;
}

enum svmc_err svmc_cpu_apply_modifiers(struct svmc_cpu *c, const char *mods, struct svmc_diag *d)
{
	struct mod_seen ms;
	const char *p = mods;

	memset(&ms, 0, sizeof(ms));
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		enum svmc_err e = apply_one(c, p, len, &ms, d);

		if (e)
			return e;
		if (!comma)
			return SVMC_OK;
		p = comma + 1;
	}
}

/*
 * A QEMU model says which QEMU version it is and which bundled profile gave
 * its features, in its name where QEMU's name had no version.
 */
static void qemu_note(struct svmc_cpu *c, const char *base, const char *qname, const char *profile)
{
	bool unversioned = strcmp(base, qname) != 0;

	if (unversioned)
		snprintf(c->name, sizeof(c->name), "%.40s(=%.31s)", base, qname);
	snprintf(c->description, sizeof(c->description),
		 "QEMU %.31s%s%.40s%s; features as bundled %.24s", qname,
		 unversioned ? " (pc/q35 machine types' " : "", unversioned ? base : "",
		 unversioned ? ")" : "", profile);
}

/* "dump.txt", "milan.json": a '.' after the first byte, with something after it. */
static bool has_extension(const char *word)
{
	const char *dot = strrchr(word, '.');

	return dot && dot > word && dot[1] != '\0';
}

enum svmc_err svmc_cpu_resolve(const char *arg, struct svmc_cpu *out, struct svmc_diag *d)
{
	char base[4096], path[4200] = "", close[240];
	const char *comma = strchr(arg, ',');
	size_t blen = comma ? (size_t)(comma - arg) : strlen(arg);
	struct stat st;
	enum svmc_err e;

	svmc_diag_init(d, arg);
	if (blen == 0)
		return svmc_diag_set(d, SVMC_ERR_USAGE,
				     "empty CPU: give a profile file, a bundled name (svmcheck "
				     "profile list) or host");
	if (blen >= sizeof(base))
		return svmc_diag_set(d, SVMC_ERR_USAGE, "CPU argument too long");
	memcpy(base, arg, blen);
	base[blen] = '\0';

	if (strcmp(base, "-") == 0) {
		e = load_stdin(out, d);
	} else if (strchr(base, '/')) {
		e = svmc_cpu_load_file(base, out, d);
	} else {
		/*
		 * A bare word names host or a profile of the search path; a
		 * file of the working directory only when the word has an
		 * extension ("dump.txt").  A word that is both is refused:
		 * a stray file must not silently replace a bundled profile.
		 */
		char qname[32];
		bool host = strcmp(base, "host") == 0 || strcmp(base, "max") == 0;
		const char *qemu = svmc_qemu_model_profile(base, qname, sizeof(qname));
		bool named = host || svmc_profile_find(base, path, sizeof(path)) ||
			     (qemu && svmc_profile_find(qemu, path, sizeof(path)));
		bool file = stat(base, &st) == 0;

		if (named && file)
			e = svmc_diag_set(
				d, SVMC_ERR_USAGE,
				"'%s' is ambiguous: it names %s%s and the file ./%s in the "
				"working directory; write ./%s for the file%s%s",
				base, host ? "this host" : "the profile ", host ? "" : path, base,
				base,
				host ? ", or run from another directory for this host" :
				       ", or the profile's path: ",
				host ? "" : path);
		else if (host)
			e = svmc_cpu_capture_host(out, d);
		else if (named) {
			e = svmc_cpu_load_file(path, out, d);
			if (!e)
				svmc_strlcpy(out->name, base, sizeof(out->name));
			if (!e && qemu)
				qemu_note(out, base, qname, qemu);
		} else if (file && has_extension(base)) {
			e = svmc_cpu_load_file(base, out, d);
		} else if (file) {
			e = svmc_diag_set(d, SVMC_ERR_NOTFOUND,
					  "unknown CPU '%s': not a bundled profile, not host (a "
					  "bare word is a profile name); to read the file ./%s of "
					  "the working directory, write ./%s",
					  base, base, base);
		} else {
			svmc_close_matches(base, true, close, sizeof(close), 6);
			e = svmc_diag_set(
				d, SVMC_ERR_NOTFOUND,
				"unknown CPU '%s': not a file, not a bundled profile, not host; %s%s",
				base,
				close[0] ? "close: " : "run 'svmcheck profile list' for the names",
				close);
		}
	}
	/* Keep the argument as the input name, whatever the loader put there. */
	d->input = arg;
	if (e)
		return e;
	if (comma) {
		e = svmc_cpu_apply_modifiers(out, comma + 1, d);
		if (e)
			return e;
		svmc_strlcpy(out->modifiers, comma + 1, sizeof(out->modifiers));
		{
			size_t n = strlen(out->name);
			snprintf(out->name + n, sizeof(out->name) - n, ",%s", comma + 1);
		}
	}
	return SVMC_OK;
}

void svmc_cpu_compose(struct svmc_cpu *host, const struct svmc_cpu *guest)
{
	bool lmsle_unsup = svmc_cpu_has(host, SVMC_FEAT_EFER_LMSLE_UNSUPPORTED);

	for (unsigned i = 0; i < sizeof(host->features.w) / sizeof(host->features.w[0]); i++)
		host->features.w[i] &= guest->features.w[i];
	/*
	 * Not capabilities: EFER.LMSLE support is a property of the L0 host that
	 * KVM checks without looking at guest CPUID (allowed unless the host
	 * has X86_FEATURE_EFER_LMSLE_MBZ), and the hypervisor
	 * bit of an L1 guest is what its CPU model says.
	 */
	svmc_featset_set(&host->features, SVMC_FEAT_EFER_LMSLE_UNSUPPORTED, lmsle_unsup);
	svmc_featset_set(&host->features, SVMC_FEAT_HYPERVISOR,
			 svmc_cpu_has(guest, SVMC_FEAT_HYPERVISOR));
	if (guest->maxphyaddr < host->maxphyaddr)
		host->maxphyaddr = guest->maxphyaddr;
	svmc_strlcpy(host->guest, guest->name, sizeof(host->guest));
	svmc_strlcpy(host->view, "guest", sizeof(host->view));
}
