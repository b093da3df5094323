/*
 * test_cpudefs.c - the CPU definitions operators hold: QEMU -cpu strings and
 * /proc/cpuinfo.
 *
 * Expected features come from the rules, not from program output: a QEMU
 * model's set is its bundled qemu-* profile (QEMU target/i386/cpu.c; an
 * unversioned name is version 1, what QEMU's pc/q35 machine types give), each QEMU option turns one
 * feature on or off or sets MAXPHYADDR; a /proc/cpuinfo CPU has exactly the
 * table features whose Linux names its "flags" line lists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svmcheck/cpu.h"
#include "tcheck.h"

#define CPUINFO SVMCHECK_TEST_DIR "/fixtures/cpudefs/epyc-7763.cpuinfo"

static struct svmc_cpu A, H;
static char tmpdir[] = "/tmp/svmcheck-test-cpudefs-XXXXXX";

/* One QEMU string, the features it must have and must not, and its MAXPHYADDR. */
struct qcase {
	const char *arg;
	enum svmc_feature on[4], off[4];
	unsigned non, noff, maxpa;
};

/* clang-format off */
static const struct qcase qcases[] = {
	/* Milan v1 = v2 for svmcheck (QEMU cpu.c): pku, pcid, svme-addr-chk, no vgif */
	{ "EPYC-Milan", { SVMC_FEAT_PKU, SVMC_FEAT_PCID, SVMC_FEAT_SVME_ADDR_CHK, SVMC_FEAT_UMIP },
	  { SVMC_FEAT_VGIF, SVMC_FEAT_LA57, SVMC_FEAT_SEV, SVMC_FEAT_AVIC }, 4, 4, 40 },
	/* v3 adds the eight SVM bits */
	{ "EPYC-Milan-v3", { SVMC_FEAT_VGIF, SVMC_FEAT_LBRV, SVMC_FEAT_PKU }, { SVMC_FEAT_VNMI },
	  3, 1, 40 },
	{ "EPYC-Milan,pku=off,pcid=off,phys-bits=44", { SVMC_FEAT_UMIP, SVMC_FEAT_SVM },
	  { SVMC_FEAT_PKU, SVMC_FEAT_PCID }, 2, 2, 44 },
	/* Rome has no pku; +pku adds it, xsave=off and -svm remove */
	{ "EPYC-Rome,+pku,xsave=off,-svm", { SVMC_FEAT_PKU, SVMC_FEAT_UMIP },
	  { SVMC_FEAT_XSAVE, SVMC_FEAT_SVM }, 2, 2, 40 },
	{ "EPYC-Genoa,+cet-ss,la57=off", { SVMC_FEAT_SHSTK, SVMC_FEAT_VNMI },
	  { SVMC_FEAT_LA57 }, 2, 1, 40 },
	/* QEMU's aliases xd (nx) and i64 (lm) */
	{ "EPYC,-xd,i64=off", { SVMC_FEAT_SVM }, { SVMC_FEAT_NX, SVMC_FEAT_LM, SVMC_FEAT_UMIP },
	  1, 3, 40 },
	/* what a libvirt-made command line carries: accepted, nothing svmcheck reads changes */
	{ "EPYC-Turin,enforce,check,+topoext,ssbd=on,hv-relaxed,migratable=on,kvm=off,x2apic=on",
	  { SVMC_FEAT_VNMI, SVMC_FEAT_LA57, SVMC_FEAT_VGIF }, { SVMC_FEAT_SHSTK }, 3, 1, 40 },
	{ "EPYC-Rome-v5,svm-lock=on,nrip_save=off,sev-es=off", { SVMC_FEAT_SVM_LOCK, SVMC_FEAT_VGIF },
	  { SVMC_FEAT_NRIP_SAVE, SVMC_FEAT_SEV_ES }, 2, 2, 40 },
	/* QEMU's spellings on a silicon profile, with svmcheck's own */
	{ "epyc-milan,pku=off,maxphyaddr=44,+sev", { SVMC_FEAT_SEV, SVMC_FEAT_SHSTK },
	  { SVMC_FEAT_PKU }, 2, 1, 44 },
};
/* clang-format on */

static void test_qemu_strings(void)
{
	struct svmc_diag d;

	for (size_t i = 0; i < sizeof(qcases) / sizeof(qcases[0]); i++) {
		const struct qcase *q = &qcases[i];
		int before = tcheck_failed;

		CHECK_EQ_U64(svmc_cpu_resolve(q->arg, &A, &d), SVMC_OK);
		for (unsigned k = 0; k < q->non; k++)
			CHECK(svmc_cpu_has(&A, q->on[k]));
		for (unsigned k = 0; k < q->noff; k++)
			CHECK(!svmc_cpu_has(&A, q->off[k]));
		CHECK_EQ_U64(A.maxphyaddr, q->maxpa);
		if (tcheck_failed != before)
			fprintf(stderr, "  ... in %s (%s)\n", q->arg, d.msg);
	}
	/* the version QEMU picks is in the name and the description */
	CHECK(svmc_cpu_resolve("EPYC-Rome", &A, &d) == SVMC_OK);
	CHECK_STREQ(A.name, "EPYC-Rome(=EPYC-Rome-v1)");
	CHECK(strstr(A.description, "QEMU EPYC-Rome-v1") != NULL);
	CHECK(svmc_cpu_resolve("EPYC-Genoa-v2", &A, &d) == SVMC_OK);
	CHECK_STREQ(A.name, "EPYC-Genoa-v2");
	/* Genoa-v1 is bundled as it is: la57 (QEMU cpu.c) */
	CHECK(svmc_cpu_resolve("EPYC-Genoa-v1", &A, &d) == SVMC_OK &&
	      svmc_cpu_has(&A, SVMC_FEAT_LA57));
}

static void expect_err(const char *arg, enum svmc_err code, const char *needle)
{
	struct svmc_diag d;
	enum svmc_err e = svmc_cpu_resolve(arg, &A, &d);

	CHECK_EQ_U64(e, code);
	CHECK(strstr(d.msg, needle) != NULL);
	if (e != code || !strstr(d.msg, needle))
		fprintf(stderr, "  ... %s: %s\n", arg, d.msg);
}

static void test_qemu_errors(void)
{
	struct svmc_diag d;

	expect_err("EPYC-Milan,frobnicate=on", SVMC_ERR_NOTFOUND, "'frobnicate'");
	expect_err("EPYC-Milan,+frobnicate", SVMC_ERR_NOTFOUND, "'frobnicate'");
	expect_err("EPYC-Milan,pku=maybe", SVMC_ERR_USAGE, "on or off");
	/* a QEMU option that changes CPUID in ways svmcheck cannot follow */
	expect_err("EPYC-Milan,xlevel=0x80000008", SVMC_ERR_USAGE, "'xlevel' is no feature");
	expect_err("EPYC-Milan,phys-bits=99", SVMC_ERR_RANGE, "out of range");
	expect_err("EPYC-Milan,phys-bits=x", SVMC_ERR_USAGE, "decimal");
	/* as maxphyaddr= it would not fit: refused, never cut to "...040" */
	expect_err("EPYC-Milan,phys-bits=00000000000000000000000000000000000000000000000000405",
		   SVMC_ERR_USAGE, "too long");
	expect_err("EPYC-Milan,phys-bits=40,maxphyaddr=48", SVMC_ERR_USAGE, "contradict");
	expect_err("EPYC-Milan,pku=off,+pku", SVMC_ERR_USAGE, "contradict");
	expect_err("EPYC-Milan,host-phys-bits=maybe", SVMC_ERR_USAGE, "on or off");
	expect_err("EPYC-Milan-v9", SVMC_ERR_NOTFOUND, "unknown CPU");
	expect_err("EPYC-Milan-v9", SVMC_ERR_NOTFOUND, "EPYC-Milan-v3"); /* the close names */
	/* QEMU's names are case-sensitive: epyc-milan-v2 is no model, epyc-milan the silicon */
	expect_err("epyc-milan-v2", SVMC_ERR_NOTFOUND, "unknown CPU");
	CHECK(svmc_cpu_resolve("epyc-milan", &A, &d) == SVMC_OK && A.has_leaves);

	/* host-phys-bits=on is the host's MAXPHYADDR, host-phys-bits=off QEMU's default */
	CHECK(svmc_cpu_resolve("EPYC-Milan,host-phys-bits=off", &A, &d) == SVMC_OK &&
	      A.maxphyaddr == 40);
	if (svmc_cpu_capture_host(&H, &d) == SVMC_OK) {
		CHECK_EQ_U64(svmc_cpu_resolve("EPYC-Milan,host-phys-bits=on", &A, &d), SVMC_OK);
		CHECK_EQ_U64(A.maxphyaddr, H.maxphyaddr);
		/* max is host, as in QEMU */
		CHECK_EQ_U64(svmc_cpu_resolve("max", &A, &d), SVMC_OK);
		CHECK(memcmp(&A.features, &H.features, sizeof(A.features)) == 0);
	} else {
		printf("test_cpudefs: host capture unavailable (%s): host-phys-bits=on skipped\n",
		       d.msg);
	}
}

static const char *write_tmp(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
	return path;
}

static void test_cpuinfo(void)
{
	/* every table feature whose Linux name is in the fixture's flags line */
	static const enum svmc_feature on[] = {
		SVMC_FEAT_VME,
		SVMC_FEAT_DE,
		SVMC_FEAT_PSE,
		SVMC_FEAT_TSC,
		SVMC_FEAT_PAE,
		SVMC_FEAT_MCE,
		SVMC_FEAT_PGE,
		SVMC_FEAT_MCA,
		SVMC_FEAT_FXSR,
		SVMC_FEAT_SSE,
		SVMC_FEAT_PCID,
		SVMC_FEAT_XSAVE,
		SVMC_FEAT_FSGSBASE,
		SVMC_FEAT_SMEP,
		SVMC_FEAT_SMAP,
		SVMC_FEAT_UMIP,
		SVMC_FEAT_PKU,
		SVMC_FEAT_SVM,
		SVMC_FEAT_TCE,
		SVMC_FEAT_SYSCALL,
		SVMC_FEAT_NX,
		SVMC_FEAT_FXSR_OPT,
		SVMC_FEAT_LM,
		SVMC_FEAT_NPT,
		SVMC_FEAT_LBRV,
		SVMC_FEAT_SVM_LOCK,
		SVMC_FEAT_NRIP_SAVE,
		SVMC_FEAT_TSC_SCALE,
		SVMC_FEAT_VMCB_CLEAN,
		SVMC_FEAT_FLUSHBYASID,
		SVMC_FEAT_DECODEASSISTS,
		SVMC_FEAT_PAUSEFILTER,
		SVMC_FEAT_PFTHRESHOLD,
		SVMC_FEAT_V_VMSAVE_VMLOAD,
		SVMC_FEAT_VGIF,
		SVMC_FEAT_V_SPEC_CTRL,
		SVMC_FEAT_SME,
		SVMC_FEAT_SEV,
		SVMC_FEAT_SEV_ES,
	};
	struct svmc_featset want = { { 0, 0 } };
	struct svmc_diag d;
	const char *p;

	CHECK_EQ_U64(svmc_cpu_load_file(CPUINFO, &A, &d), SVMC_OK);
	for (size_t i = 0; i < sizeof(on) / sizeof(on[0]); i++)
		svmc_featset_set(&want, on[i], true);
	CHECK(memcmp(&A.features, &want, sizeof(want)) == 0);
	for (unsigned i = 0; i < SVMC_FEAT_COUNT; i++)
		if (svmc_featset_has(&A.features, i) != svmc_featset_has(&want, i))
			fprintf(stderr, "  cpuinfo: %s differs\n", svmc_feature_table[i].name);
	CHECK_EQ_U64(A.maxphyaddr, 48);
	CHECK_EQ_U64(A.family, 25);
	CHECK_STREQ(A.brand, "AMD EPYC 7763 64-Core Processor");
	CHECK(!A.has_leaves);
	/* what flags never show is said, not silently guessed */
	CHECK(strstr(A.description, "/proc/cpuinfo") && strstr(A.description, "svme_addr_chk") &&
	      strstr(A.description, "shstk"));
	/* unknown, not absent: what flags never show, and only that */
	CHECK(A.source == SVMC_SRC_CPUINFO);
	CHECK(svmc_cpu_feature_unknown(&A, SVMC_FEAT_SHSTK));
	CHECK(svmc_cpu_feature_unknown(&A, SVMC_FEAT_SVME_ADDR_CHK));
	CHECK(!svmc_cpu_feature_unknown(&A, SVMC_FEAT_PKU));
	CHECK(!svmc_cpu_feature_unknown(&A, SVMC_FEAT_AVIC)); /* shown when present */
	/* saved and read again, it is still a /proc/cpuinfo CPU */
	{
		char path[300];
		struct svmc_cpu *r = malloc(sizeof(*r));

		snprintf(path, sizeof(path), "%s/saved.json", tmpdir);
		CHECK(r && svmc_cpu_save_json(&A, path, &d) == SVMC_OK);
		CHECK(r && svmc_cpu_load_file(path, r, &d) == SVMC_OK);
		CHECK(r && r->source == SVMC_SRC_CPUINFO &&
		      svmc_cpu_feature_unknown(r, SVMC_FEAT_SHSTK) &&
		      memcmp(&r->features, &A.features, sizeof(A.features)) == 0 &&
		      r->maxphyaddr == 48);
		free(r);
	}
	CHECK(svmc_cpu_resolve("epyc-milan", &H, &d) == SVMC_OK &&
	      !svmc_cpu_feature_unknown(&H, SVMC_FEAT_SVME_ADDR_CHK));
	/* modifiers apply as to any CPU; one that adds a feature makes it known */
	CHECK(svmc_cpu_resolve(CPUINFO ",+svme-addr-chk,sev=off", &A, &d) == SVMC_OK);
	CHECK(svmc_cpu_has(&A, SVMC_FEAT_SVME_ADDR_CHK) && !svmc_cpu_has(&A, SVMC_FEAT_SEV));
	CHECK(!svmc_cpu_feature_unknown(&A, SVMC_FEAT_SVME_ADDR_CHK));

	/* malformed: each names the file and the line */
	p = write_tmp("noaddr", "processor\t: 0\nflags\t\t: fpu svm\n");
	CHECK_EQ_U64(svmc_cpu_load_file(p, &A, &d), SVMC_ERR_FORMAT);
	CHECK(strstr(d.msg, "address sizes") != NULL);
	p = write_tmp("noflags", "processor\t: 0\naddress sizes\t: 48 bits physical, 48 bits "
				 "virtual\n");
	CHECK_EQ_U64(svmc_cpu_load_file(p, &A, &d), SVMC_ERR_FORMAT);
	CHECK(strstr(d.msg, "flags") != NULL);
	p = write_tmp("range", "processor\t: 0\nflags\t\t: svm\n\naddress sizes\t: 99 bits "
			       "physical, 48 bits virtual\n");
	CHECK_EQ_U64(svmc_cpu_load_file(p, &A, &d), SVMC_ERR_RANGE);
	CHECK_EQ_U64(d.line, 4);
	p = write_tmp("garbled", "processor\t: 0\nflags\t\t: svm\naddress sizes\t: lots\n");
	CHECK_EQ_U64(svmc_cpu_load_file(p, &A, &d), SVMC_ERR_FORMAT);
	CHECK_EQ_U64(d.line, 3);
	p = write_tmp("family", "processor\t: 0\ncpu family\t: twenty-five\nflags\t\t: svm\n");
	CHECK_EQ_U64(svmc_cpu_load_file(p, &A, &d), SVMC_ERR_FORMAT);
	CHECK_EQ_U64(d.line, 2);
	p = write_tmp("nocolon", "processor\t: 0\nflags\t\t: svm\nthis line has no colon\n");
	CHECK_EQ_U64(svmc_cpu_load_file(p, &A, &d), SVMC_ERR_FORMAT);
	CHECK_EQ_U64(d.line, 3);
	p = write_tmp("mixed", "processor\t: 0\nflags\t\t: svm npt\n\nprocessor\t: 1\n"
			       "flags\t\t: svm\naddress sizes\t: 48 bits physical\n");
	CHECK_EQ_U64(svmc_cpu_load_file(p, &A, &d), SVMC_ERR_CONFLICT);
	CHECK_EQ_U64(d.line, 5);
	/* the passing twin of "mixed": the same flags on both */
	p = write_tmp("same", "processor\t: 0\nflags\t\t: svm npt\naddress sizes\t: 40 bits "
			      "physical\n\nprocessor\t: 1\nflags\t\t: svm npt\n");
	CHECK_EQ_U64(svmc_cpu_load_file(p, &A, &d), SVMC_OK);
	CHECK(svmc_cpu_has(&A, SVMC_FEAT_NPT) && A.maxphyaddr == 40);
}

int main(void)
{
	char cmd[300];

	tcheck_profiles();
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_qemu_strings();
	test_qemu_errors();
	test_cpuinfo();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return tcheck_done("test_cpudefs");
}
