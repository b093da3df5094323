/*
 * qemu_cpu.c - QEMU `-cpu` strings: QEMU's named AMD models with or without
 * a version, and QEMU's spellings of the options that follow the model
 * ("pku=off", "+xd", "phys-bits=40", "host-phys-bits=on", "enforce").
 *
 * A named model resolves to the bundled qemu-* profile whose svmcheck
 * features are those of that version (QEMU target/i386/cpu.c, as the
 * bundled qemu-* profiles record it: the versions that share a profile
 * differ only in features no VMRUN check reads).  An
 * unversioned name is what QEMU's pc and q35 machine types make of it:
 * version 1 (they set default_cpu_version = 1, hw/i386/pc_piix.c, pc_q35.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu_int.h"

struct qemu_model {
	const char *name;    /* QEMU's name, versioned */
	const char *profile; /* bundled profile with the same svmcheck features */
};

/* clang-format off */
static const struct qemu_model models[] = {
	{ "EPYC-v1", "qemu-EPYC-v4" }, { "EPYC-v2", "qemu-EPYC-v4" },
	{ "EPYC-v3", "qemu-EPYC-v4" }, { "EPYC-v4", "qemu-EPYC-v4" },
	{ "EPYC-v5", "qemu-EPYC-v5" },
	{ "EPYC-Rome-v1", "qemu-EPYC-Rome-v4" }, { "EPYC-Rome-v2", "qemu-EPYC-Rome-v4" },
	{ "EPYC-Rome-v3", "qemu-EPYC-Rome-v4" }, { "EPYC-Rome-v4", "qemu-EPYC-Rome-v4" },
	{ "EPYC-Rome-v5", "qemu-EPYC-Rome-v5" },
	{ "EPYC-Milan-v1", "qemu-EPYC-Milan-v2" }, { "EPYC-Milan-v2", "qemu-EPYC-Milan-v2" },
	{ "EPYC-Milan-v3", "qemu-EPYC-Milan-v3" },
	{ "EPYC-Genoa-v1", "qemu-EPYC-Genoa-v1" }, { "EPYC-Genoa-v2", "qemu-EPYC-Genoa-v2" },
	{ "EPYC-Turin-v1", "qemu-EPYC-Turin-v1" },
};
/* clang-format on */

const char *svmc_qemu_model_profile(const char *name, char *qname, size_t n)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
		const char *m = models[i].name;
		/* "EPYC-Milan" is "EPYC-Milan-v1": the entry without its "-v1" */
		bool unversioned = strncmp(m, name, len) == 0 && strcmp(m + len, "-v1") == 0;

		if (strcmp(m, name) == 0 || unversioned) {
			svmc_strlcpy(qname, m, n);
			return models[i].profile;
		}
	}
	return NULL;
}

const char *svmc_qemu_model_name(size_t i)
{
	return i < sizeof(models) / sizeof(models[0]) ? models[i].name : NULL;
}

/*
 * QEMU x86 feature names (target/i386/cpu.c feature_word_info) that no VMRUN
 * check reads: a real command line carries them, and they change nothing
 * svmcheck judges.  Spelled with '-'; input '_' is folded to '-'.
 */
static const char *const untracked[] = {
	"fpu",
	"msr",
	"cx8",
	"apic",
	"sep",
	"mtrr",
	"cmov",
	"pat",
	"pse36",
	"pn",
	"clflush",
	"ds",
	"acpi",
	"mmx",
	"sse2",
	"ss",
	"ht",
	"tm",
	"ia64",
	"pbe",
	"pni",
	"pclmulqdq",
	"pclmuldq",
	"dtes64",
	"monitor",
	"ds-cpl",
	"est",
	"tm2",
	"ssse3",
	"cid",
	"fma",
	"cx16",
	"xtpr",
	"pdcm",
	"dca",
	"sse4.1",
	"sse4-1",
	"sse4.2",
	"sse4-2",
	"x2apic",
	"movbe",
	"popcnt",
	"tsc-deadline",
	"aes",
	"avx",
	"f16c",
	"rdrand",
	"mmxext",
	"pdpe1gb",
	"rdtscp",
	"3dnowext",
	"3dnow",
	"lahf-lm",
	"cmp-legacy",
	"extapic",
	"cr8legacy",
	"abm",
	"sse4a",
	"misalignsse",
	"3dnowprefetch",
	"osvw",
	"ibs",
	"xop",
	"skinit",
	"wdt",
	"lwp",
	"fma4",
	"nodeid-msr",
	"tbm",
	"topoext",
	"perfctr-core",
	"perfctr-nb",
	"tsc-adjust",
	"sgx",
	"bmi1",
	"hle",
	"avx2",
	"fdp-excptn-only",
	"bmi2",
	"erms",
	"invpcid",
	"rtm",
	"zero-fcs-fds",
	"mpx",
	"avx512f",
	"avx512dq",
	"rdseed",
	"adx",
	"avx512ifma",
	"clflushopt",
	"clwb",
	"intel-pt",
	"avx512pf",
	"avx512er",
	"avx512cd",
	"sha-ni",
	"avx512bw",
	"avx512vl",
	"avx512vbmi",
	"ospke",
	"waitpkg",
	"avx512vbmi2",
	"gfni",
	"vaes",
	"vpclmulqdq",
	"avx512vnni",
	"avx512bitalg",
	"avx512-vpopcntdq",
	"rdpid",
	"bus-lock-detect",
	"cldemote",
	"movdiri",
	"movdir64b",
	"sgxlc",
	"fsrm",
	"md-clear",
	"serialize",
	"tsx-ldtrk",
	"avx512-fp16",
	"spec-ctrl",
	"stibp",
	"flush-l1d",
	"arch-capabilities",
	"core-capability",
	"ssbd",
	"amx-bf16",
	"amx-tile",
	"amx-int8",
	"avx-vnni",
	"avx512-bf16",
	"cmpccxadd",
	"fzrm",
	"fsrs",
	"fsrc",
	"lkgs",
	"wrmsrns",
	"amx-fp16",
	"avx-ifma",
	"xsaveopt",
	"xsavec",
	"xgetbv1",
	"xsaves",
	"xfd",
	"arat",
	"invtsc",
	"clzero",
	"xsaveerptr",
	"wbnoinvd",
	"ibpb",
	"ibrs",
	"amd-stibp",
	"stibp-always-on",
	"amd-ssbd",
	"virt-ssbd",
	"amd-no-ssb",
	"amd-psfd",
	"no-nested-data-bp",
	"lfence-always-serializing",
	"null-sel-clr-base",
	"rdctl-no",
	"ibrs-all",
	"rsba",
	"skip-l1dfl-vmentry",
	"ssb-no",
	"mds-no",
	"pschange-mc-no",
	"tsx-ctrl",
	"taa-no",
	"overflow-recov",
	"succor",
	"perfmon-v2",
	"prefetchi",
	"sbpb",
	"ibpb-brtype",
	"srso-no",
	"kvmclock",
	"kvm-nopiodelay",
	"kvm-mmu",
	"kvmclock-stable-bit",
	"kvm-asyncpf",
	"kvm-steal-time",
	"kvm-pv-eoi",
	"kvm-pv-unhalt",
	"kvm-pv-tlb-flush",
	"kvm-pv-ipi",
	"kvm-poll-control",
	"kvm-pv-sched-yield",
	"kvm-asyncpf-int",
	"kvm-msi-ext-dest-id",
	/* QEMU -cpu options that are not CPUID bits at all */
	"enforce",
	"check",
	"migratable",
	"l3-cache",
	"kvm",
	"pmu",
	"host-cache-info",
	"legacy-cache",
	"full-cpuid-auto-level",
	"tsc-frequency",
	"model-id",
	/* and the names libvirt's cpu_map writes (src/cpu_map/x86_features.xml) */
	"osxsave",
	"cmt",
	"pcommit",
	"avx512-4vnniw",
	"avx512-4fmaps",
	"avx512-vp2intersect",
	"pconfig",
	"arch-lbr",
	"avx-vnni-int8",
	"avx-ne-convert",
	"prefetchiti",
	"mcdt-no",
	"mbm-total",
	"mbm-local",
	"sgx1",
	"sgx2",
	"sgx-edeccssa",
	"sgx-exinfo",
	"sgx-debug",
	"sgx-mode64",
	"sgx-provisionkey",
	"sgx-tokenkey",
	"sgx-kss",
	"sgx-aex-notify",
	"intel-pt-lip",
	"cvt16",
	"split-lock-detect",
	"srso-user-kernel-no",
	"fs-gs-base-ns",
	"verw-clear",
	"tsa-l1-no",
	"tsa-sq-no",
	"gds-no",
	"rfds-no",
	"pbrsb-no",
	"fb-clear",
	"sbdr-ssdp-no",
	"psdp-no",
	"fbsdp-no",
	"its-no",
};

/* QEMU's aliases of features svmcheck reads, where the alias is not in the table. */
static const struct {
	const char *qemu, *svmc;
} aliases[] = { { "xd", "nx" }, { "i64", "lm" } };

bool svmc_qemu_name_ignored(const char *w, size_t len)
{
	char fold[64];

	if (len >= sizeof(fold))
		return false;
	for (size_t i = 0; i < len; i++)
		fold[i] = w[i] == '_' ? '-' : w[i];
	fold[len] = '\0';
	if (strncmp(fold, "hv-", 3) == 0) /* Hyper-V enlightenments */
		return true;
	for (size_t i = 0; i < sizeof(untracked) / sizeof(untracked[0]); i++)
		if (strcmp(fold, untracked[i]) == 0)
			return true;
	return false;
}

static const char *alias_of(const char *w, size_t len)
{
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strlen(aliases[i].qemu) == len && strncmp(w, aliases[i].qemu, len) == 0)
			return aliases[i].svmc;
	return NULL;
}

static int on_off(const char *v)
{
	if (!strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "yes"))
		return 1;
	if (!strcmp(v, "off") || !strcmp(v, "false") || !strcmp(v, "no"))
		return 0;
	return -1;
}

enum svmc_err svmc_qemu_option(char *word, size_t n, bool *ignore, struct svmc_diag *d)
{
	const char *eq = strchr(word, '=');
	const char *name = word, *alias;
	size_t nlen = eq ? (size_t)(eq - word) : strlen(word);
	char out[64];
	int sign;

	*ignore = false;
	if (word[0] == '+' || word[0] == '-') {
		name++;
		nlen--;
		sign = word[0] == '+';
	} else if (!eq) {
		/* a bare word: QEMU's flags ("enforce"), else the caller's error */
		*ignore = svmc_qemu_name_ignored(word, nlen);
		return SVMC_OK;
	} else if (nlen == 9 && !strncmp(word, "phys-bits", 9)) {
		if ((size_t)snprintf(out, sizeof(out), "maxphyaddr=%s", eq + 1) >= n)
			return svmc_diag_set(d, SVMC_ERR_USAGE, "option '%.40s...' is too long",
					     word);
		svmc_strlcpy(word, out, n);
		return SVMC_OK;
	} else if (nlen == 14 && !strncmp(word, "host-phys-bits", 14)) {
		struct svmc_cpu *h;
		enum svmc_err e;

		sign = on_off(eq + 1);
		if (sign < 0)
			return svmc_diag_set(d, SVMC_ERR_USAGE, "option '%s': give on or off",
					     word);
		*ignore = !sign; /* QEMU's default */
		if (!sign)
			return SVMC_OK;
		h = malloc(sizeof(*h));
		if (!h)
			return svmc_diag_set(d, SVMC_ERR_NOMEM, "out of memory");
		e = svmc_cpu_capture_host(h, d);
		if (!e)
			snprintf(out, sizeof(out), "maxphyaddr=%u", h->maxphyaddr);
		free(h);
		if (e)
			return e;
		svmc_strlcpy(word, out, n);
		return SVMC_OK;
	} else if (nlen == 10 && !strncmp(word, "maxphyaddr", 10)) {
		return SVMC_OK;
	} else {
		sign = on_off(eq + 1);
		if (svmc_qemu_name_ignored(word, nlen)) {
			*ignore = true;
			return SVMC_OK;
		}
		if (sign < 0) {
			char fname[64];

			svmc_strlcpy(fname, word,
				     nlen + 1 < sizeof(fname) ? nlen + 1 : sizeof(fname));
			if (!svmc_feature_lookup(fname) && !alias_of(word, nlen))
				return svmc_diag_set(d, SVMC_ERR_USAGE,
						     "option '%s': '%s' is no feature and no QEMU "
						     "option svmcheck reads (features, phys-bits, "
						     "host-phys-bits)",
						     word, fname);
			return svmc_diag_set(d, SVMC_ERR_USAGE,
					     "option '%s': a feature is on or off (QEMU's "
					     "FEATURE=on|off)",
					     word);
		}
	}
	alias = alias_of(name, nlen);
	if (!alias && svmc_qemu_name_ignored(name, nlen)) {
		*ignore = true;
		return SVMC_OK;
	}
	snprintf(out, sizeof(out), "%c%.*s", sign ? '+' : '-', alias ? 60 : (int)nlen,
		 alias ? alias : name);
	svmc_strlcpy(word, out, n);
	return SVMC_OK;
}
