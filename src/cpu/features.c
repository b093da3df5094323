/*
 * features.c - the feature table (expanded from SVMC_FEATURES in cpu.h, the
 * single source of every CPUID location svmcheck knows), a one-line meaning
 * per feature, name lookup with QEMU aliases, and the "did you mean" helper
 * that usage errors use for feature and profile names.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "cpu/cpu_int.h"

const struct svmc_feature_info svmc_feature_table[SVMC_FEAT_COUNT] = {
#define SVMC_X_FEAT_ROW(id, nm, qm, lf, sl, rg, bt) \
	[SVMC_FEAT_##id] = { SVMC_FEAT_##id, nm, qm, lf, sl, rg, bt },
	SVMC_FEATURES(SVMC_X_FEAT_ROW)
#undef SVMC_X_FEAT_ROW
};

/* What each feature gates in the VMRUN checks (APM vol. 2 §15.5.1; CPUID: APM vol. 3 App. E). */
static const char *const feature_desc[SVMC_FEAT_COUNT] = {
	[SVMC_FEAT_VME] = "virtual-8086 mode extensions: CR4.VME, CR4.PVI",
	[SVMC_FEAT_DE] = "debugging extensions: CR4.DE",
	[SVMC_FEAT_PSE] = "page size extension: CR4.PSE",
	[SVMC_FEAT_TSC] = "time-stamp counter: CR4.TSD",
	[SVMC_FEAT_PAE] = "physical address extension: CR4.PAE",
	[SVMC_FEAT_MCE] = "machine-check exception: CR4.MCE",
	[SVMC_FEAT_PGE] = "global pages: CR4.PGE",
	[SVMC_FEAT_MCA] = "machine-check architecture: CR4.MCE (Xen)",
	[SVMC_FEAT_FXSR] = "FXSAVE/FXRSTOR: CR4.OSFXSR",
	[SVMC_FEAT_SSE] = "SSE: CR4.OSXMMEXCPT",
	[SVMC_FEAT_VMX] = "Intel VMX: CR4.VMXE",
	[SVMC_FEAT_SMX] = "Intel SMX: CR4.SMXE",
	[SVMC_FEAT_PCID] = "process-context identifiers: CR4.PCIDE",
	[SVMC_FEAT_XSAVE] = "XSAVE: CR4.OSXSAVE",
	[SVMC_FEAT_HYPERVISOR] = "running under a hypervisor (a virtual CPU)",
	[SVMC_FEAT_FSGSBASE] = "RD/WR FS/GS BASE: CR4.FSGSBASE",
	[SVMC_FEAT_SMEP] = "supervisor-mode execution prevention: CR4.SMEP",
	[SVMC_FEAT_SMAP] = "supervisor-mode access prevention: CR4.SMAP",
	[SVMC_FEAT_UMIP] = "user-mode instruction prevention: CR4.UMIP",
	[SVMC_FEAT_PKU] = "protection keys: CR4.PKE",
	[SVMC_FEAT_SHSTK] = "CET shadow stacks: #CP (vector 21), CR4.CET",
	[SVMC_FEAT_LA57] = "5-level paging: CR4.LA57",
	[SVMC_FEAT_KL] = "Key Locker (Intel): CR4.KL",
	[SVMC_FEAT_PKS] = "supervisor protection keys: CR4.PKS",
	[SVMC_FEAT_UINTR] = "user interrupts (Intel): CR4.UINTR",
	[SVMC_FEAT_IBT] = "CET indirect branch tracking: CR4.CET",
	[SVMC_FEAT_LASS] = "linear address space separation: CR4.LASS",
	[SVMC_FEAT_FRED] = "flexible return and event delivery: CR4.FRED",
	[SVMC_FEAT_LAM] = "linear address masking: CR4.LAM_SUP",
	[SVMC_FEAT_SVM] = "AMD SVM: EFER.SVME, nested virtualization at all",
	[SVMC_FEAT_TCE] = "translation cache extension: EFER.TCE",
	[SVMC_FEAT_SYSCALL] = "SYSCALL/SYSRET: EFER.SCE",
	[SVMC_FEAT_NX] = "no-execute pages: EFER.NXE",
	[SVMC_FEAT_FXSR_OPT] = "fast FXSAVE/FXRSTOR: EFER.FFXSR",
	[SVMC_FEAT_LM] = "long mode: EFER.LME, EFER.LMA",
	[SVMC_FEAT_MCOMMIT] = "MCOMMIT instruction: EFER.MCOMMIT (bit 17)",
	[SVMC_FEAT_EFER_LMSLE_UNSUPPORTED] = "EFER.LMSLE is not supported (bit 13 MBZ)",
	[SVMC_FEAT_NPT] = "nested paging: NP_ENABLE, nCR3",
	[SVMC_FEAT_LBRV] = "LBR virtualization",
	[SVMC_FEAT_SVM_LOCK] = "SVM lock",
	[SVMC_FEAT_NRIP_SAVE] = "next RIP saved on #VMEXIT",
	[SVMC_FEAT_TSC_SCALE] = "TSC ratio MSR",
	[SVMC_FEAT_VMCB_CLEAN] = "VMCB clean bits",
	[SVMC_FEAT_FLUSHBYASID] = "TLB flush by ASID (TLB_CONTROL 3, 7)",
	[SVMC_FEAT_DECODEASSISTS] = "decode assists",
	[SVMC_FEAT_PAUSEFILTER] = "PAUSE intercept filter",
	[SVMC_FEAT_PFTHRESHOLD] = "PAUSE filter threshold",
	[SVMC_FEAT_AVIC] = "AVIC (never offered to an L1 guest by KVM)",
	[SVMC_FEAT_V_VMSAVE_VMLOAD] = "virtualized VMSAVE/VMLOAD",
	[SVMC_FEAT_VGIF] = "virtual GIF",
	[SVMC_FEAT_X2AVIC] = "x2AVIC",
	[SVMC_FEAT_V_SPEC_CTRL] = "guest SPEC_CTRL virtualization",
	[SVMC_FEAT_VNMI] = "virtual NMI (V_NMI_ENABLE)",
	[SVMC_FEAT_SVME_ADDR_CHK] = "guest EFER.SVME address check",
	[SVMC_FEAT_SME] = "secure memory encryption",
	[SVMC_FEAT_SEV] = "SEV",
	[SVMC_FEAT_SEV_ES] = "SEV-ES: #VC (vector 29)",
	[SVMC_FEAT_SEV_SNP] = "SEV-SNP: #HV (vector 28) under the apm model",
	[SVMC_FEAT_UAIE] = "upper address ignore: EFER.UAIE (bit 20)",
	[SVMC_FEAT_AUTOIBRS] = "automatic IBRS: EFER.AUTOIBRS (bit 21)",
};

const char *svmc_feature_desc(enum svmc_feature f)
{
	if ((unsigned)f >= SVMC_FEAT_COUNT || !feature_desc[f])
		return "";
	return feature_desc[f];
}

/* Case-insensitive compare in which '-' and '_' are the same character. */
static bool name_eq(const char *a, const char *b)
{
	for (;; a++, b++) {
		int ca = tolower((unsigned char)*a), cb = tolower((unsigned char)*b);
		if (ca == '-')
			ca = '_';
		if (cb == '-')
			cb = '_';
		if (ca != cb)
			return false;
		if (!ca)
			return true;
	}
}

const struct svmc_feature_info *svmc_feature_lookup(const char *name)
{
	if (!name || !*name)
		return NULL;
	for (unsigned i = 0; i < SVMC_FEAT_COUNT; i++) {
		const struct svmc_feature_info *fi = &svmc_feature_table[i];
		if (name_eq(name, fi->name) || (fi->qemu[0] && name_eq(name, fi->qemu)))
			return fi;
	}
	return NULL;
}

/* Levenshtein distance, capped: names are short (< 64). */
static unsigned edit_distance(const char *a, const char *b)
{
	unsigned prev[65], cur[65];
	size_t la = strlen(a), lb = strlen(b);

	if (la > 64 || lb > 64)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			int ca = tolower((unsigned char)a[i - 1]),
			    cb = tolower((unsigned char)b[j - 1]);
			unsigned sub = prev[j - 1] + (ca != cb && !((ca == '-' || ca == '_') &&
								    (cb == '-' || cb == '_')));
			unsigned del = prev[j] + 1, ins = cur[j - 1] + 1;
			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, sizeof(prev));
	}
	return prev[lb];
}

/* A candidate is close when it shares a prefix/substring or is a few edits away. */
static bool is_close(const char *word, const char *cand)
{
	size_t lw = strlen(word);
	unsigned limit = lw <= 4 ? 1 : lw <= 8 ? 2 : 3;

	if (lw >= 3 && strcasestr(cand, word))
		return true;
	return edit_distance(word, cand) <= limit;
}

struct close_ctx {
	const char *word;
	char *buf;
	size_t n;
	unsigned max, count;
};

static void add_match(struct close_ctx *cx, const char *cand, size_t len)
{
	char name[128];
	size_t used;

	if (cx->count >= cx->max || len >= sizeof(name))
		return;
	memcpy(name, cand, len);
	name[len] = '\0';
	if (!is_close(cx->word, name))
		return;
	/* Skip a name already listed (same profile in two directories). */
	for (const char *p = cx->buf; (p = strstr(p, name)) != NULL; p += len) {
		bool start = p == cx->buf || p[-1] == ' ';
		if (start && (p[len] == ',' || p[len] == '\0'))
			return;
	}
	used = strlen(cx->buf);
	if (used + len + 3 >= cx->n)
		return;
	snprintf(cx->buf + used, cx->n - used, "%s%s", cx->count ? ", " : "", name);
	cx->count++;
}

static int scan_dir(const char *dir, void *arg)
{
	struct close_ctx *cx = arg;
	DIR *dp = opendir(dir);
	struct dirent *e;

	if (!dp)
		return 0;
	while ((e = readdir(dp)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0)
			add_match(cx, e->d_name, len - 5);
	}
	closedir(dp);
	return 0;
}

void svmc_close_matches(const char *word, bool profiles, char *buf, size_t n, unsigned max)
{
	struct close_ctx cx = { word, buf, n, max, 0 };

	if (!n)
		return;
	buf[0] = '\0';
	if (!word || !*word)
		return;
	if (profiles) {
		const char *q;

		add_match(&cx, "host", 4);
		svmc_profile_dirs(scan_dir, &cx);
		for (size_t i = 0; (q = svmc_qemu_model_name(i)) != NULL; i++)
			add_match(&cx, q, strlen(q));
		return;
	}
	for (unsigned i = 0; i < SVMC_FEAT_COUNT; i++)
		add_match(&cx, svmc_feature_table[i].name, strlen(svmc_feature_table[i].name));
	for (unsigned i = 0; i < SVMC_FEAT_COUNT; i++)
		if (svmc_feature_table[i].qemu[0])
			add_match(&cx, svmc_feature_table[i].qemu,
				  strlen(svmc_feature_table[i].qemu));
}
