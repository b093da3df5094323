/*
 * test_cpu.c - the CPU-profile layer against real dumps and hand-made ones.
 *
 * Expected values come from tests/fixtures/cpuid/MANIFEST.md (both
 * tables, copied by hand below) and from the bit positions of cpuid.md 2 /
 * checks.md 12; synthetic dumps each have a failing and a passing variant
 * (a bit outside the maximum leaf is ignored, the same bit inside is read).
 */
#include <cpuid.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "svmcheck/cpu.h"
#include "tcheck.h"

#define DATA SVMCHECK_TEST_DIR "/fixtures/cpuid/"

static struct svmc_cpu A, B, C;
static char tmpdir[] = "/tmp/svmcheck-test-cpu-XXXXXX";

/* MANIFEST.md, first table: SVM SHSTK IBT LA57 SEV SEV-ES SNP NPT AVIC x2AVIC VNMI MAXPHY. */
struct manifest_row {
	const char *stem, *bundled;
	int svm, shstk, ibt, la57, sev, sev_es, snp, npt, avic, x2avic, vnmi;
	unsigned maxpa;
	/* second table: AutoIBRS UAIE MCOMMIT EferLmsleUnsupported FRED LAM LASS */
	int autoibrs, uaie, mcommit, lmsle_unsup, fred, lam, lass;
};

/* clang-format off */
static const struct manifest_row rows[] = {
	{ "naples-epyc-7551p", "epyc-naples", 1, 0, 0, 0, 1, 1, 0, 1, 1, 0, 0, 48, 0, 0, 0, 0, 0, 0, 0 },
	{ "naples-epyc-7401p-hyperv-guest", "epyc-naples-hyperv-guest", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	  0, 48, 0, 0, 0, 0, 0, 0, 0 },
	{ "rome-epyc-7742", "epyc-rome", 1, 0, 0, 0, 1, 1, 0, 1, 1, 0, 0, 48, 0, 0, 1, 0, 0, 0, 0 },
	{ "milan-epyc-7713", "epyc-milan", 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 0, 48, 0, 0, 1, 1, 0, 0, 0 },
	{ "genoa-epyc-9124", "epyc-genoa", 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 52, 1, 1, 0, 1, 0, 0, 0 },
	{ "genoa-epyc-9654-snp-off", "epyc-genoa-snp-off", 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 52, 1, 1,
	  0, 1, 0, 0, 0 },
	{ "bergamo-epyc-9754", "epyc-bergamo", 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 52, 1, 1, 0, 1, 0, 0,
	  0 },
	{ "turin-epyc-9655", "epyc-turin", 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 52, 1, 1, 0, 1, 0, 0, 0 },
	{ "turin-dense-epyc-9965", "epyc-turin-dense", 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 52, 1, 1, 0, 1,
	  0, 0, 0 },
	{ "hygon-c86-7185", "hygon-dhyana", 1, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 48, 0, 0, 0, 0, 0, 0, 0 },
	{ "intel-xeon-platinum-8570-emr", "xeon-emerald-rapids", 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 46,
	  0, 0, 0, 0, 0, 0, 0 },
	{ "oxide-turin-like-vm-guest", "oxide-turin-like-vm-guest", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	  48, 0, 0, 0, 0, 0, 0, 0 },
};
/* clang-format on */

static void check_first_table(const struct svmc_cpu *c, const struct manifest_row *r,
			      const char *what)
{
	int before = tcheck_failed;

	CHECK(svmc_cpu_has(c, SVMC_FEAT_SVM) == r->svm);
	CHECK(svmc_cpu_has(c, SVMC_FEAT_SHSTK) == r->shstk);
	CHECK(svmc_cpu_has(c, SVMC_FEAT_IBT) == r->ibt);
	CHECK(svmc_cpu_has(c, SVMC_FEAT_LA57) == r->la57);
	CHECK(svmc_cpu_has(c, SVMC_FEAT_SEV) == r->sev);
	CHECK(svmc_cpu_has(c, SVMC_FEAT_SEV_ES) == r->sev_es);
	CHECK(svmc_cpu_has(c, SVMC_FEAT_SEV_SNP) == r->snp);
	CHECK(svmc_cpu_has(c, SVMC_FEAT_NPT) == r->npt);
	CHECK(svmc_cpu_has(c, SVMC_FEAT_AVIC) == r->avic);
	CHECK(svmc_cpu_has(c, SVMC_FEAT_X2AVIC) == r->x2avic);
	CHECK(svmc_cpu_has(c, SVMC_FEAT_VNMI) == r->vnmi);
	CHECK_EQ_U64(c->maxphyaddr, r->maxpa);
	if (tcheck_failed != before)
		fprintf(stderr, "  ... in %s (%s)\n", r->stem, what);
}

static void check_second_table(const struct svmc_cpu *c, const struct manifest_row *r,
			       const char *what)
{
	int before = tcheck_failed;

	CHECK(svmc_cpu_has(c, SVMC_FEAT_AUTOIBRS) == r->autoibrs);
	CHECK(svmc_cpu_has(c, SVMC_FEAT_UAIE) == r->uaie);
	CHECK(svmc_cpu_has(c, SVMC_FEAT_MCOMMIT) == r->mcommit);
	CHECK(svmc_cpu_has(c, SVMC_FEAT_EFER_LMSLE_UNSUPPORTED) == r->lmsle_unsup);
	CHECK(svmc_cpu_has(c, SVMC_FEAT_FRED) == r->fred);
	CHECK(svmc_cpu_has(c, SVMC_FEAT_LAM) == r->lam);
	CHECK(svmc_cpu_has(c, SVMC_FEAT_LASS) == r->lass);
	if (tcheck_failed != before)
		fprintf(stderr, "  ... in %s (%s)\n", r->stem, what);
}

static enum svmc_err load(const char *path, struct svmc_cpu *c)
{
	struct svmc_diag d;
	enum svmc_err e = svmc_cpu_load_file(path, c, &d);

	if (e)
		fprintf(stderr, "  load %s: %s\n", path, d.msg);
	return e;
}

static void test_real_dumps(void)
{
	char p1[512], p2[512];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct manifest_row *r = &rows[i];
		struct svmc_diag d;

		snprintf(p1, sizeof(p1), DATA "%s.test", r->stem);
		snprintf(p2, sizeof(p2), DATA "%s.cpuid-r.txt", r->stem);
		CHECK(load(p1, &A) == SVMC_OK);
		CHECK(A.source == SVMC_SRC_LIBCPUID);
		CHECK(load(p2, &B) == SVMC_OK);
		CHECK(B.source == SVMC_SRC_CPUID_R);
		check_first_table(&A, r, "libcpuid .test");
		check_first_table(&B, r, "cpuid -r");
		check_second_table(&B, r, "cpuid -r");

		/* Same features wherever both hold the leaf. */
		for (unsigned f = 0; f < SVMC_FEAT_COUNT; f++) {
			const struct svmc_feature_info *fi = &svmc_feature_table[f];
			if (!svmc_cpu_leaf(&A, fi->leaf, fi->subleaf) ||
			    !svmc_cpu_leaf(&B, fi->leaf, fi->subleaf))
				continue;
			if (svmc_cpu_has(&A, fi->id) != svmc_cpu_has(&B, fi->id)) {
				fprintf(stderr, "  %s: %s differs between .test and .cpuid-r.txt\n",
					r->stem, fi->name);
				CHECK(0);
			}
		}
		CHECK_STREQ(A.vendor, B.vendor);
		CHECK_EQ_U64(A.family, B.family);
		CHECK_EQ_U64(A.model, B.model);
		CHECK_STREQ(A.brand, B.brand);

		/* The libcpuid structure cannot hold 0x80000021 or leaf 7.1. */
		CHECK(svmc_cpu_leaf(&A, 0x80000021u, 0) == NULL);
		CHECK(svmc_cpu_leaf(&A, 7, 1) == NULL);

		/* The bundled profile carries the complete dump's bits. */
		CHECK(svmc_cpu_resolve(r->bundled, &C, &d) == SVMC_OK);
		CHECK_STREQ(C.name, r->bundled);
		check_first_table(&C, r, "bundled");
		check_second_table(&C, r, "bundled");
		CHECK(memcmp(&C.features, &B.features, sizeof(B.features)) == 0);
		CHECK_EQ_U64(C.nleaves, B.nleaves);
		CHECK(memcmp(C.leaves, B.leaves, B.nleaves * sizeof(B.leaves[0])) == 0);
	}
	/* Identity, decoded by hand from leaf 0/1 of milan-epyc-7713: 0x00a00f11. */
	CHECK(load(DATA "milan-epyc-7713.cpuid-r.txt", &A) == SVMC_OK);
	CHECK_STREQ(A.vendor, "AuthenticAMD");
	CHECK_EQ_U64(A.family, 0x19);
	CHECK_EQ_U64(A.model, 0x01);
	CHECK_EQ_U64(A.stepping, 1);
	CHECK_STREQ(A.brand, "AMD EPYC 7713 64-Core Processor");
	/* Intel 0x000c06f? family 6 model 0xcf (MANIFEST: 06h/CFh). */
	CHECK(load(DATA "intel-xeon-platinum-8570-emr.cpuid-r.txt", &A) == SVMC_OK);
	CHECK_STREQ(A.vendor, "GenuineIntel");
	CHECK_EQ_U64(A.family, 6);
	CHECK_EQ_U64(A.model, 0xcf);
	/* VM captures: SVM hidden, hypervisor bit set. */
	CHECK(load(DATA "oxide-turin-like-vm-guest.cpuid-r.txt", &A) == SVMC_OK);
	CHECK(svmc_cpu_has(&A, SVMC_FEAT_HYPERVISOR));
	CHECK(!svmc_cpu_has(&A, SVMC_FEAT_SVM));
	CHECK(load(DATA "naples-epyc-7401p-hyperv-guest.cpuid-r.txt", &A) == SVMC_OK);
	CHECK(svmc_cpu_has(&A, SVMC_FEAT_HYPERVISOR));
	CHECK(load(DATA "naples-epyc-7551p.cpuid-r.txt", &A) == SVMC_OK);
	CHECK(!svmc_cpu_has(&A, SVMC_FEAT_HYPERVISOR));
}

/* ---- synthetic dumps ------------------------------------------------------- */

static char *write_tmp(const char *name, const char *text)
{
	static char path[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	if (!f)
		return path;
	fputs(text, f);
	fclose(f);
	return path;
}

static enum svmc_err load_text(const char *name, const char *text, struct svmc_cpu *c,
			       struct svmc_diag *d)
{
	return svmc_cpu_load_file(write_tmp(name, text), c, d);
}

/* A minimal AMD cpuid -r dump; %s slots are extra lines and the two maxima. */
static void mkdump(char *buf, size_t n, unsigned maxb, unsigned maxe, const char *extra)
{
	snprintf(buf, n,
		 "CPU 0:\n"
		 "   0x00000000 0x00: eax=0x%08x ebx=0x68747541 ecx=0x444d4163 edx=0x69746e65\n"
		 "   0x00000001 0x00: eax=0x00a00f11 ebx=0x00000000 ecx=0x00000000 edx=0x00000000\n"
		 "   0x80000000 0x00: eax=0x%08x ebx=0x68747541 ecx=0x444d4163 edx=0x69746e65\n"
		 "   0x80000001 0x00: eax=0x00000000 ebx=0x00000000 ecx=0x00000004 edx=0x00000000\n"
		 "%s",
		 maxb, maxe, extra);
}

static void test_gating(void)
{
	char buf[4096];
	struct svmc_diag d;
	const char *svm_a =
		"   0x8000000a 0x00: eax=0x00000001 ebx=0x00008000 ecx=0x00000000 edx=0x00012001\n";
	const char *l7 =
		"   0x00000007 0x00: eax=0x00000000 ebx=0x00000000 ecx=0x00000080 edx=0x00000000\n";

	/* 0x8000000a above the maximum extended leaf: AVIC/VGIF/NPT ignored (Celeron trap). */
	mkdump(buf, sizeof(buf), 1, 0x80000001u, svm_a);
	CHECK(load_text("gate1.txt", buf, &A, &d) == SVMC_OK);
	CHECK(svmc_cpu_has(&A, SVMC_FEAT_SVM));
	CHECK(!svmc_cpu_has(&A, SVMC_FEAT_AVIC));
	CHECK(!svmc_cpu_has(&A, SVMC_FEAT_NPT));
	CHECK(svmc_cpu_leaf(&A, 0x8000000au, 0) == NULL);
	CHECK_EQ_U64(A.maxphyaddr, 36); /* no 0x80000008 in range */
	/* Same leaf inside the range: read.  0x00012001 = bits 0, 13, 16. */
	{
		char extra[512];
		snprintf(
			extra, sizeof(extra), "%s%s",
			"   0x80000008 0x00: eax=0x00003030 ebx=0x00000000 ecx=0x00000000 edx=0x00000000\n",
			svm_a);
		mkdump(buf, sizeof(buf), 1, 0x8000000au, extra);
	}
	CHECK(load_text("gate2.txt", buf, &A, &d) == SVMC_OK);
	CHECK(svmc_cpu_has(&A, SVMC_FEAT_AVIC));
	CHECK(svmc_cpu_has(&A, SVMC_FEAT_NPT));
	CHECK(svmc_cpu_has(&A, SVMC_FEAT_VGIF));
	CHECK(!svmc_cpu_has(&A, SVMC_FEAT_LBRV));
	CHECK_EQ_U64(A.maxphyaddr, 48);

	/* Leaf-7-less CPU (maximum basic leaf 1): the SHSTK bit in a stray leaf 7 is ignored. */
	mkdump(buf, sizeof(buf), 1, 0x80000001u, l7);
	CHECK(load_text("gate3.txt", buf, &A, &d) == SVMC_OK);
	CHECK(!svmc_cpu_has(&A, SVMC_FEAT_SHSTK));
	mkdump(buf, sizeof(buf), 7, 0x80000001u, l7);
	CHECK(load_text("gate4.txt", buf, &A, &d) == SVMC_OK);
	CHECK(svmc_cpu_has(&A, SVMC_FEAT_SHSTK));

	/* Leaf 7.1 gated on 7.0 EAX (maximum sub-leaf): LASS is 7.1 EAX[6]. */
	{
		char extra[512];
		snprintf(extra, sizeof(extra),
			 "   0x00000007 0x00: eax=0x%08x ebx=0 ecx=0 edx=0\n"
			 "   0x00000007 0x01: eax=0x00000040 ebx=0 ecx=0 edx=0\n",
			 0u);
		/* the short form 0 is not hex with 0x: must be rejected */
		mkdump(buf, sizeof(buf), 7, 0x80000001u, extra);
		CHECK(load_text("gate5.txt", buf, &A, &d) == SVMC_ERR_FORMAT);
		CHECK_EQ_U64(d.line, 6);
		snprintf(extra, sizeof(extra),
			 "   0x00000007 0x00: eax=0x00000000 ebx=0x0 ecx=0x0 edx=0x0\n"
			 "   0x00000007 0x01: eax=0x00000040 ebx=0x0 ecx=0x0 edx=0x0\n");
		mkdump(buf, sizeof(buf), 7, 0x80000001u, extra);
		CHECK(load_text("gate6.txt", buf, &A, &d) == SVMC_OK);
		CHECK(!svmc_cpu_has(&A, SVMC_FEAT_LASS));
		snprintf(extra, sizeof(extra),
			 "   0x7 0x0: eax=0x1 ebx=0x0 ecx=0x0 edx=0x0\n"
			 "   0x7 0x1: eax=0x40 ebx=0x0 ecx=0x0 edx=0x0\n");
		mkdump(buf, sizeof(buf), 7, 0x80000001u, extra);
		CHECK(load_text("gate7.txt", buf, &A, &d) == SVMC_OK);
		CHECK(svmc_cpu_has(&A, SVMC_FEAT_LASS));
	}

	/* A libcpuid capture of an Intel CPU with junk past the maximum (as its Celeron test data). */
	{
		char t[8192];
		size_t n = 0;
		n += (size_t)snprintf(
			t + n, sizeof(t) - n,
			"version=0.6.2\nbasic_cpuid[0]=00000002 756e6547 6c65746e 49656e69\n"
			"basic_cpuid[1]=00000f27 00000000 00000000 00000000\n");
		for (int i = 2; i < 32; i++)
			n += (size_t)snprintf(
				t + n, sizeof(t) - n,
				"basic_cpuid[%d]=665b5001 00000000 00000000 00397040\n", i);
		n += (size_t)snprintf(t + n, sizeof(t) - n,
				      "ext_cpuid[0]=80000004 00000000 00000000 00000000\n");
		for (int i = 1; i < 32; i++)
			n += (size_t)snprintf(t + n, sizeof(t) - n,
					      "ext_cpuid[%d]=665b5001 00000000 00000000 00397040\n",
					      i);
		CHECK(load_text("celeron.test", t, &A, &d) == SVMC_OK);
		CHECK(!svmc_cpu_has(&A, SVMC_FEAT_AVIC));
		CHECK(!svmc_cpu_has(&A, SVMC_FEAT_VGIF));
		CHECK(svmc_cpu_leaf(&A, 0x8000000au, 0) == NULL);
		CHECK_STREQ(A.vendor, "GenuineIntel");
		/* ext_cpuid[1] EDX 0x00397040 is inside the range: nothing SVM there. */
		CHECK(!svmc_cpu_has(&A, SVMC_FEAT_SVM));
		/* The same junk with the maximum raised to 0x8000000a is read (the gate is all). */
		t[strstr(t, "ext_cpuid[0]=80000004") - t + 20] = 'a';
		t[strstr(t, "ext_cpuid[0]=8000000a") - t + 19] = '0';
		/* ...all of it: ext_cpuid[8] EAX[7:0] = 1 is no MAXPHYADDR (32..64)... */
		CHECK(load_text("celeron2.test", t, &A, &d) == SVMC_ERR_RANGE);
		/* ...so give that leaf a real one (48) to see the rest read. */
		memcpy(strstr(t, "ext_cpuid[8]=665b5001") + 13, "00000030", 8);
		CHECK(load_text("celeron2.test", t, &A, &d) == SVMC_OK);
		CHECK_EQ_U64(A.maxphyaddr, 48);
		CHECK(svmc_cpu_has(&A, SVMC_FEAT_AVIC));
	}
}

static void test_malformed(void)
{
	static const char path[] = DATA "genoa-epyc-9124.cpuid-r.txt";
	char buf[8192], *genoa = NULL;
	const char *at2, *at8;
	size_t off2, off8;
	struct svmc_diag d;
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = '\0';
	/* The cuts below need the whole dump, with both leaves: fail, never crash. */
	at2 = strstr(buf, "   0x80000002");
	at8 = strstr(buf, "   0x80000008");
	if (!f || n < 1000 || !at2 || !at8 || (size_t)(at8 - buf) + 30 >= n) {
		fprintf(stderr, "  %s: %s\n", path,
			f ? "not the complete cpuid -r dump (leaves 0x80000002 and 0x80000008)" :
			    "cannot be read");
		CHECK(0);
		return;
	}
	off2 = (size_t)(at2 - buf);
	off8 = (size_t)(at8 - buf);
	genoa = strdup(buf);
	CHECK(genoa != NULL);
	if (!genoa)
		return;
	/* Cut at a line boundary before 0x80000008: truncated. */
	strcpy(buf, genoa);
	buf[off2] = '\0';
	CHECK(load_text("cut.txt", buf, &A, &d) == SVMC_ERR_TRUNCATED);
	CHECK(strstr(d.msg, "0x80000008") != NULL);
	/* Cut mid-line: a malformed line with its number. */
	strcpy(buf, genoa);
	buf[off8 + 30] = '\0';
	CHECK(load_text("cutline.txt", buf, &A, &d) == SVMC_ERR_FORMAT);
	CHECK(d.line > 1);
	/* Complete: passes. */
	CHECK(load_text("whole.txt", genoa, &A, &d) == SVMC_OK);
	/* Contradictory duplicate. */
	snprintf(buf, sizeof(buf), "%s   0x80000001 0x00: eax=0x0 ebx=0x0 ecx=0x0 edx=0x0\n",
		 genoa);
	CHECK(load_text("dup.txt", buf, &A, &d) == SVMC_ERR_CONFLICT);
	/* Comments and CRLF are fine; a second CPU is ignored. */
	snprintf(buf, sizeof(buf), "# saved by hand\r\n%s\r\nCPU 1:\n   garbage\n", genoa);
	CHECK(load_text("comment.txt", buf, &A, &d) == SVMC_OK);
	CHECK(svmc_cpu_has(&A, SVMC_FEAT_SVM));
	free(genoa);

	CHECK(load_text("empty.txt", "", &A, &d) == SVMC_ERR_EMPTY);
	CHECK(load_text("garbage.txt", "hello world\nthis is not cpuid\n", &A, &d) ==
	      SVMC_ERR_FORMAT);
	CHECK(load_text("bin.txt", "CPU 0:\n\x01\x02", &A, &d) == SVMC_ERR_FORMAT);
	{
		static const char nul[] = "0x0\0\0\0";
		FILE *g = fopen(write_tmp("nul.txt", ""), "w");
		if (g) {
			fwrite(nul, 1, sizeof(nul), g);
			fclose(g);
		}
		CHECK(svmc_cpu_load_file(write_tmp("nul2.txt", ""), &A, &d) == SVMC_ERR_EMPTY);
	}
	CHECK(load_text("value.txt",
			"CPU 0:\n   0x0 0x0: eax=0x123456789 ebx=0x0 ecx=0x0 edx=0x0\n", &A,
			&d) == SVMC_ERR_FORMAT);
	/* libcpuid garbage: 0.6.2 returns 0 and only warns; we refuse. */
	CHECK(load_text("bad.test", "version=0.6.2\nnonsense line\n", &A, &d) == SVMC_ERR_FORMAT);
	/* ...naming the line of the dump, never the private copy libcpuid read */
	CHECK_EQ_U64(d.line, 2);
	CHECK(strstr(d.msg, "'nonsense line' not understood") != NULL);
	CHECK(strstr(d.msg, "/proc/") == NULL && strstr(d.msg, "svmcheck-") == NULL);
	CHECK(load_text("zero.test", "version=0.6.2\n", &A, &d) == SVMC_ERR_EMPTY);
	CHECK(svmc_cpu_load_file(tmpdir, &A, &d) == SVMC_ERR_IO);
	CHECK(svmc_cpu_load_file("/nonexistent/x.json", &A, &d) == SVMC_ERR_IO);
}

#define HDR "{\"schema\":\"svmcheck/profile\",\"schema_version\":1,"
#define LEAVES_OK                                                                                       \
	"\"leaves\":[{\"leaf\":\"0x0\",\"subleaf\":\"0x0\",\"eax\":\"0x1\",\"ebx\":\"0x68747541\","     \
	"\"ecx\":\"0x444d4163\",\"edx\":\"0x69746e65\"},"                                               \
	"{\"leaf\":\"0x1\",\"subleaf\":\"0x0\",\"eax\":\"0x00a00f11\",\"ebx\":\"0x0\",\"ecx\":\"0x0\"," \
	"\"edx\":\"0x0\"},"                                                                             \
	"{\"leaf\":\"0x80000000\",\"subleaf\":\"0x0\",\"eax\":\"0x80000001\",\"ebx\":\"0x0\","          \
	"\"ecx\":\"0x0\",\"edx\":\"0x0\"},"                                                             \
	"{\"leaf\":\"0x80000001\",\"subleaf\":\"0x0\",\"eax\":\"0x0\",\"ebx\":\"0x0\",\"ecx\":\"0x4\"," \
	"\"edx\":\"0x0\"}]"

static void test_json(void)
{
	struct svmc_diag d;
	char out[600];

	CHECK(load_text("ok.json", HDR LEAVES_OK "}", &A, &d) == SVMC_OK);
	CHECK(svmc_cpu_has(&A, SVMC_FEAT_SVM));
	CHECK_STREQ(A.vendor, "AuthenticAMD");
	CHECK(load_text("v.json", HDR "\"vendor\":\"GenuineIntel\"," LEAVES_OK "}", &A, &d) ==
	      SVMC_ERR_CONFLICT);
	CHECK(load_text("v2.json", HDR "\"vendor\":\"AuthenticAMD\",\"family\":25," LEAVES_OK "}",
			&A, &d) == SVMC_OK);
	CHECK(load_text("f.json", HDR "\"family\":\"25\"," LEAVES_OK "}", &A, &d) ==
	      SVMC_ERR_FORMAT);
	CHECK(load_text("f2.json", HDR "\"family\":23," LEAVES_OK "}", &A, &d) ==
	      SVMC_ERR_CONFLICT);
	CHECK(load_text("noschema.json", "{\"schema_version\":1," LEAVES_OK "}", &A, &d) ==
	      SVMC_ERR_FORMAT);
	CHECK(load_text("ver.json",
			"{\"schema\":\"svmcheck/profile\",\"schema_version\":2," LEAVES_OK "}", &A,
			&d) == SVMC_ERR_RANGE);
	CHECK(load_text("num.json",
			HDR "\"leaves\":[{\"leaf\":0,\"subleaf\":\"0x0\",\"eax\":\"0x1\",\"ebx\":"
			    "\"0x0\",\"ecx\":\"0x0\",\"edx\":\"0x0\"}]}",
			&A, &d) == SVMC_ERR_FORMAT);
	CHECK(strstr(d.msg, "leaves[0].leaf") != NULL);
	CHECK(load_text("noedx.json",
			HDR
			"\"leaves\":[{\"leaf\":\"0x0\",\"subleaf\":\"0x0\",\"eax\":\"0x1\",\"ebx\":"
			"\"0x0\",\"ecx\":\"0x0\"}]}",
			&A, &d) == SVMC_ERR_FORMAT);
	CHECK(strstr(d.msg, "edx") != NULL);
	CHECK(load_text("trunc.json", HDR "\"leaves\":[{\"leaf\":\"0x0\"", &A, &d) ==
	      SVMC_ERR_FORMAT);
	CHECK(load_text("arr.json", "[1,2]", &A, &d) == SVMC_ERR_FORMAT);
	CHECK(load_text("trail.json", HDR LEAVES_OK "} x", &A, &d) == SVMC_ERR_FORMAT);
	CHECK(load_text("nothing.json", HDR "\"name\":\"x\"}", &A, &d) == SVMC_ERR_FORMAT);
	/* Feature-list models. */
	CHECK(load_text("m.json", HDR "\"features\":[\"svm\",\"cet-ss\"],\"maxphyaddr\":40}", &A,
			&d) == SVMC_OK);
	CHECK(!A.has_leaves);
	CHECK(A.source == SVMC_SRC_MODEL);
	CHECK(svmc_cpu_has(&A, SVMC_FEAT_SVM));
	CHECK(svmc_cpu_has(&A, SVMC_FEAT_SHSTK));
	CHECK(!svmc_cpu_has(&A, SVMC_FEAT_NPT));
	CHECK_EQ_U64(A.maxphyaddr, 40);
	CHECK(load_text("m2.json", HDR "\"features\":[\"svm\"],\"maxphyaddr\":\"40\"}", &A, &d) ==
	      SVMC_ERR_FORMAT);
	CHECK(load_text("m3.json", HDR "\"features\":[\"svm\"],\"maxphyaddr\":65}", &A, &d) ==
	      SVMC_ERR_RANGE);
	CHECK(load_text("m4.json", HDR "\"features\":[\"svm\"]}", &A, &d) == SVMC_ERR_FORMAT);
	CHECK(load_text("m5.json", HDR "\"features\":[\"shstq\"],\"maxphyaddr\":40}", &A, &d) ==
	      SVMC_ERR_NOTFOUND);
	CHECK(strstr(d.msg, "shstk") != NULL);
	CHECK(load_text("m6.json", HDR "\"features\":\"svm\",\"maxphyaddr\":40}", &A, &d) ==
	      SVMC_ERR_FORMAT);
	CHECK(load_text("m7.json", HDR "\"features\":[7],\"maxphyaddr\":40}", &A, &d) ==
	      SVMC_ERR_FORMAT);
	CHECK(load_text("m8.json",
			HDR "\"features\":[{\"name\":\"svm\",\"present\":1}],"
			    "\"maxphyaddr\":40}",
			&A, &d) == SVMC_ERR_FORMAT);

	/* Round trip: import (save) -> load gives the same leaves and features. */
	CHECK(svmc_cpu_resolve("epyc-genoa,-shstk,maxphyaddr=48", &A, &d) == SVMC_OK);
	snprintf(out, sizeof(out), "%s/rt.json", tmpdir);
	CHECK(svmc_cpu_save_json(&A, out, &d) == SVMC_OK);
	CHECK(load(out, &B) == SVMC_OK);
	CHECK_EQ_U64(B.nleaves, A.nleaves);
	CHECK(memcmp(B.leaves, A.leaves, A.nleaves * sizeof(A.leaves[0])) == 0);
	CHECK(memcmp(&B.features, &A.features, sizeof(A.features)) == 0);
	CHECK(!svmc_cpu_has(&B, SVMC_FEAT_SHSTK));
	CHECK_EQ_U64(B.maxphyaddr, 48);
	/* Through the CLI: import -> show -j -> import. */
	{
		char cmd[4096], p1[600], p2[600], p3[600];
		snprintf(p1, sizeof(p1), "%s/cli1.json", tmpdir);
		snprintf(p2, sizeof(p2), "%s/cli2.json", tmpdir);
		snprintf(p3, sizeof(p3), "%s/cli3.json", tmpdir);
		snprintf(cmd, sizeof(cmd),
			 "'%s' profile import " DATA "turin-epyc-9655.test -o '%s' && "
			 "'%s' -j profile show '%s' > '%s' && '%s' profile import '%s' -o '%s'",
			 SVMCHECK_BINARY, p1, SVMCHECK_BINARY, p1, p2, SVMCHECK_BINARY, p2, p3);
		CHECK(system(cmd) == 0);
		CHECK(load(p1, &A) == SVMC_OK);
		CHECK(A.source == SVMC_SRC_LIBCPUID);
		CHECK(load(p3, &B) == SVMC_OK);
		CHECK(A.nleaves > 40);
		CHECK_EQ_U64(B.nleaves, A.nleaves);
		CHECK(memcmp(B.leaves, A.leaves, A.nleaves * sizeof(A.leaves[0])) == 0);
		CHECK(memcmp(&B.features, &A.features, sizeof(A.features)) == 0);
		CHECK(load(DATA "turin-epyc-9655.test", &C) == SVMC_OK);
		CHECK(memcmp(&C.features, &A.features, sizeof(A.features)) == 0);
	}
}

static void test_modifiers(void)
{
	struct svmc_diag d;

	CHECK(svmc_cpu_resolve("epyc-rome", &A, &d) == SVMC_OK);
	CHECK(!svmc_cpu_has(&A, SVMC_FEAT_SHSTK));
	CHECK_EQ_U64(A.maxphyaddr, 48);
	CHECK(svmc_cpu_resolve("epyc-rome,+shstk", &A, &d) == SVMC_OK);
	CHECK(svmc_cpu_has(&A, SVMC_FEAT_SHSTK));
	CHECK_STREQ(A.name, "epyc-rome,+shstk");
	CHECK(svmc_cpu_resolve("epyc-milan,-shstk", &A, &d) == SVMC_OK);
	CHECK(!svmc_cpu_has(&A, SVMC_FEAT_SHSTK));
	CHECK(svmc_cpu_resolve("epyc-milan,+cet-ss,-nrip-save,-SEV_ES", &A, &d) == SVMC_OK);
	CHECK(svmc_cpu_has(&A, SVMC_FEAT_SHSTK));
	CHECK(!svmc_cpu_has(&A, SVMC_FEAT_NRIP_SAVE));
	CHECK(!svmc_cpu_has(&A, SVMC_FEAT_SEV_ES));
	CHECK(svmc_cpu_resolve("epyc-genoa,maxphyaddr=32", &A, &d) == SVMC_OK);
	CHECK_EQ_U64(A.maxphyaddr, 32);
	CHECK(svmc_cpu_resolve("epyc-genoa,maxphyaddr=64", &A, &d) == SVMC_OK);
	CHECK_EQ_U64(A.maxphyaddr, 64);
	CHECK(svmc_cpu_resolve("epyc-genoa,maxphyaddr=31", &A, &d) == SVMC_ERR_RANGE);
	CHECK(svmc_cpu_resolve("epyc-genoa,maxphyaddr=65", &A, &d) == SVMC_ERR_RANGE);
	CHECK(svmc_cpu_resolve("epyc-genoa,maxphyaddr=4x", &A, &d) == SVMC_ERR_USAGE);
	CHECK(svmc_cpu_resolve("epyc-genoa,maxphyaddr=", &A, &d) == SVMC_ERR_USAGE);
	CHECK(svmc_cpu_resolve("epyc-genoa,maxphyaddr=-40", &A, &d) == SVMC_ERR_USAGE);
	CHECK(svmc_cpu_resolve("epyc-genoa,shstk", &A, &d) == SVMC_ERR_USAGE);
	CHECK(svmc_cpu_resolve("epyc-genoa,,+shstk", &A, &d) == SVMC_ERR_USAGE);
	CHECK(svmc_cpu_resolve("epyc-genoa,+shstk,", &A, &d) == SVMC_ERR_USAGE);
	/* contradictory modifiers are refused, naming both as written */
	CHECK(svmc_cpu_resolve("epyc-milan,+shstk,-shstk", &A, &d) == SVMC_ERR_USAGE);
	CHECK(strstr(d.msg, "'+shstk' and '-shstk' contradict") != NULL);
	CHECK(svmc_cpu_resolve("epyc-milan,+cet-ss,-nrip-save,-SHSTK", &A, &d) == SVMC_ERR_USAGE);
	CHECK(strstr(d.msg, "'+cet-ss' and '-SHSTK'") != NULL);
	CHECK(svmc_cpu_resolve("epyc-milan,maxphyaddr=40,maxphyaddr=48", &A, &d) == SVMC_ERR_USAGE);
	CHECK(strstr(d.msg, "'maxphyaddr=40' and 'maxphyaddr=48'") != NULL);
	/* saying the same thing twice is not a contradiction */
	CHECK(svmc_cpu_resolve("epyc-milan,-shstk,-cet_ss,maxphyaddr=40,maxphyaddr=40", &A, &d) ==
	      SVMC_OK);
	CHECK(!svmc_cpu_has(&A, SVMC_FEAT_SHSTK));
	CHECK(svmc_cpu_resolve("epyc-genoa,+sev-e", &A, &d) == SVMC_ERR_NOTFOUND);
	CHECK(strstr(d.msg, "sev_es") != NULL);
	CHECK(svmc_cpu_resolve("epyc-genao", &A, &d) == SVMC_ERR_NOTFOUND);
	CHECK(strstr(d.msg, "epyc-genoa") != NULL);
	CHECK(svmc_cpu_resolve("qemu-EPYC-Rome", &A, &d) == SVMC_ERR_NOTFOUND);
	CHECK(strstr(d.msg, "qemu-EPYC-Rome-v4") != NULL);
	CHECK(svmc_cpu_resolve("", &A, &d) == SVMC_ERR_USAGE);
	CHECK(svmc_cpu_resolve(",+svm", &A, &d) == SVMC_ERR_USAGE);
	CHECK(svmc_cpu_resolve("./no-such-file.json", &A, &d) == SVMC_ERR_IO);
	/* A path works as well as a name, modifiers included. */
	CHECK(svmc_cpu_resolve(DATA "hygon-c86-7185.test,+sev_es", &A, &d) == SVMC_OK);
	CHECK(svmc_cpu_has(&A, SVMC_FEAT_SEV_ES));
	CHECK(!svmc_cpu_has(&A, SVMC_FEAT_SEV));
	/* Feature lookup: names and aliases, '-' and '_' alike, case-insensitive. */
	CHECK(svmc_feature_lookup("nrip-save") == &svmc_feature_table[SVMC_FEAT_NRIP_SAVE]);
	CHECK(svmc_feature_lookup("CET_SS") == &svmc_feature_table[SVMC_FEAT_SHSTK]);
	CHECK(svmc_feature_lookup("sev-snp") == &svmc_feature_table[SVMC_FEAT_SEV_SNP]);
	CHECK(svmc_feature_lookup("svmx") == NULL);
	CHECK(svmc_feature_lookup("") == NULL);
}

static void test_compose(void)
{
	struct svmc_diag d;

	/* epyc-rome host with the QEMU EPYC-Rome-v4 guest model (QEMU target/i386/cpu.c). */
	CHECK(svmc_cpu_resolve("epyc-rome", &A, &d) == SVMC_OK);
	CHECK(svmc_cpu_resolve("qemu-EPYC-Rome-v4", &B, &d) == SVMC_OK);
	CHECK(!B.has_leaves);
	CHECK_EQ_U64(B.maxphyaddr, 40);
	CHECK(svmc_cpu_has(&A, SVMC_FEAT_AVIC) && svmc_cpu_has(&A, SVMC_FEAT_SEV_ES));
	svmc_cpu_compose(&A, &B);
	CHECK(svmc_cpu_has(&A, SVMC_FEAT_SVM));
	CHECK(svmc_cpu_has(&A, SVMC_FEAT_NPT));
	CHECK(svmc_cpu_has(&A, SVMC_FEAT_NRIP_SAVE));
	CHECK(svmc_cpu_has(&A, SVMC_FEAT_UMIP));
	CHECK(!svmc_cpu_has(&A, SVMC_FEAT_AVIC));   /* host only */
	CHECK(!svmc_cpu_has(&A, SVMC_FEAT_SEV_ES)); /* host only: never in a model */
	CHECK(!svmc_cpu_has(&A, SVMC_FEAT_VGIF));   /* v4 lacks it */
	CHECK(!svmc_cpu_has(&A, SVMC_FEAT_PKU));    /* neither */
	CHECK_EQ_U64(A.maxphyaddr, 40);
	CHECK_STREQ(A.guest, "qemu-EPYC-Rome-v4");
	CHECK_STREQ(A.view, "guest");
	/* v5 adds VGIF etc.; guest asks for LA57 (Genoa model) the Rome host lacks: absent. */
	CHECK(svmc_cpu_resolve("epyc-rome", &A, &d) == SVMC_OK);
	CHECK(svmc_cpu_resolve("qemu-EPYC-Genoa-v2", &B, &d) == SVMC_OK);
	CHECK(svmc_cpu_has(&B, SVMC_FEAT_LA57) && svmc_cpu_has(&B, SVMC_FEAT_VGIF));
	svmc_cpu_compose(&A, &B);
	CHECK(!svmc_cpu_has(&A, SVMC_FEAT_LA57));
	CHECK(svmc_cpu_has(&A, SVMC_FEAT_VGIF));
	CHECK(!svmc_cpu_has(&A, SVMC_FEAT_VNMI)); /* guest has it, Rome does not */
	/* SHSTK: on the Milan host, but no QEMU model has it; +cet-ss on the guest keeps it. */
	CHECK(svmc_cpu_resolve("epyc-milan", &A, &d) == SVMC_OK);
	CHECK(svmc_cpu_resolve("qemu-EPYC-Milan-v2", &B, &d) == SVMC_OK);
	C = A;
	svmc_cpu_compose(&C, &B);
	CHECK(!svmc_cpu_has(&C, SVMC_FEAT_SHSTK));
	/* EFER.LMSLE support stays the L0 host's (not a guest capability). */
	CHECK(svmc_cpu_has(&C, SVMC_FEAT_EFER_LMSLE_UNSUPPORTED));
	CHECK(svmc_cpu_resolve("qemu-EPYC-Milan-v2,+cet-ss,maxphyaddr=64", &B, &d) == SVMC_OK);
	C = A;
	svmc_cpu_compose(&C, &B);
	CHECK(svmc_cpu_has(&C, SVMC_FEAT_SHSTK));
	CHECK_EQ_U64(C.maxphyaddr, 48); /* the smaller: the host's */
	/* Intel host: no SVM whatever the guest model. */
	CHECK(svmc_cpu_resolve("xeon-emerald-rapids", &A, &d) == SVMC_OK);
	CHECK(svmc_cpu_resolve("qemu-EPYC-Turin-v1", &B, &d) == SVMC_OK);
	svmc_cpu_compose(&A, &B);
	CHECK(!svmc_cpu_has(&A, SVMC_FEAT_SVM));
	CHECK_EQ_U64(A.maxphyaddr, 40);
}

/* QEMU model feature sets: QEMU target/i386/cpu.c and libvirt src/cpu_map, model by model. */
static void test_qemu_models(void)
{
	static const struct {
		const char *name;
		int umip, pku, la57, vnmi, addrchk, vgif, lbrv, pcid, autoibrs;
	} m[] = {
		{ "qemu-EPYC-v4", 0, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ "qemu-EPYC-v5", 0, 0, 0, 0, 0, 1, 1, 0, 0 },
		{ "qemu-EPYC-Rome-v4", 1, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ "qemu-EPYC-Rome-v5", 1, 0, 0, 0, 0, 1, 1, 0, 0 },
		{ "qemu-EPYC-Milan-v2", 1, 1, 0, 0, 1, 0, 0, 1, 0 },
		{ "qemu-EPYC-Milan-v3", 1, 1, 0, 0, 1, 1, 1, 1, 0 },
		{ "qemu-EPYC-Genoa-v1", 1, 1, 1, 1, 1, 0, 0, 1, 1 },
		{ "qemu-EPYC-Genoa-v2", 1, 1, 1, 1, 1, 1, 1, 1, 1 },
		{ "qemu-EPYC-Turin-v1", 1, 1, 1, 1, 1, 1, 1, 1, 1 },
	};
	struct svmc_diag d;

	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		int before = tcheck_failed;
		CHECK(svmc_cpu_resolve(m[i].name, &A, &d) == SVMC_OK);
		CHECK(svmc_cpu_has(&A, SVMC_FEAT_SVM) && svmc_cpu_has(&A, SVMC_FEAT_NPT) &&
		      svmc_cpu_has(&A, SVMC_FEAT_NRIP_SAVE) && svmc_cpu_has(&A, SVMC_FEAT_LM));
		CHECK(!svmc_cpu_has(&A, SVMC_FEAT_SHSTK) && !svmc_cpu_has(&A, SVMC_FEAT_AVIC) &&
		      !svmc_cpu_has(&A, SVMC_FEAT_X2AVIC) && !svmc_cpu_has(&A, SVMC_FEAT_SEV) &&
		      !svmc_cpu_has(&A, SVMC_FEAT_SEV_ES) && !svmc_cpu_has(&A, SVMC_FEAT_SEV_SNP) &&
		      !svmc_cpu_has(&A, SVMC_FEAT_DECODEASSISTS));
		CHECK(svmc_cpu_has(&A, SVMC_FEAT_UMIP) == m[i].umip);
		CHECK(svmc_cpu_has(&A, SVMC_FEAT_PKU) == m[i].pku);
		CHECK(svmc_cpu_has(&A, SVMC_FEAT_LA57) == m[i].la57);
		CHECK(svmc_cpu_has(&A, SVMC_FEAT_VNMI) == m[i].vnmi);
		CHECK(svmc_cpu_has(&A, SVMC_FEAT_SVME_ADDR_CHK) == m[i].addrchk);
		CHECK(svmc_cpu_has(&A, SVMC_FEAT_VGIF) == m[i].vgif);
		CHECK(svmc_cpu_has(&A, SVMC_FEAT_LBRV) == m[i].lbrv);
		CHECK(svmc_cpu_has(&A, SVMC_FEAT_PCID) == m[i].pcid);
		CHECK(svmc_cpu_has(&A, SVMC_FEAT_AUTOIBRS) == m[i].autoibrs);
		CHECK_EQ_U64(A.maxphyaddr, 40);
		if (tcheck_failed != before)
			fprintf(stderr, "  ... in %s\n", m[i].name);
	}
}

static void test_host(void)
{
	struct svmc_diag d;
	unsigned a, b, c, dx;
	char cmd[1024], line[512];
	FILE *p;
	bool said = false;
	int rc;

	CHECK(svmc_cpu_capture_host(&A, &d) == SVMC_OK);
	CHECK(A.nleaves > 2);
	CHECK(A.source == SVMC_SRC_HOST);
	CHECK(A.vendor[0] != '\0');
	/* Compare with GCC's own CPUID: an independent path to the same bits. */
	if (__get_cpuid(0x80000000u, &a, &b, &c, &dx) && a >= 0x80000001u) {
		__get_cpuid(0x80000001u, &a, &b, &c, &dx);
		CHECK(svmc_cpu_has(&A, SVMC_FEAT_SVM) == ((c >> 2) & 1));
	}
	if (__get_cpuid(1, &a, &b, &c, &dx))
		CHECK(svmc_cpu_has(&A, SVMC_FEAT_HYPERVISOR) == ((c >> 31) & 1));
	/* profile show host works here, and says when SVM is hidden. */
	snprintf(cmd, sizeof(cmd), "'%s' profile show host", SVMCHECK_BINARY);
	p = popen(cmd, "r");
	CHECK(p != NULL);
	if (!p)
		return;
	while (fgets(line, sizeof(line), p))
		if (!said && strncmp(line, "  svm  ", 7) == 0)
			said = strstr(line, svmc_cpu_has(&A, SVMC_FEAT_SVM) ? "present" :
									      "ABSENT") != NULL;
	rc = pclose(p);
	CHECK(rc == 0);
	CHECK(said);
}

/*
 * Fuzz finding: a dump whose leaf 0x80000008 says EAX[7:0] = 255 (or 31) was
 * accepted with that MAXPHYADDR, though it must be 32..64 (svmcheck-profile(1)).
 * 0 there means "not stated" (36), and the leaf counts only below the
 * maximum extended leaf, as svmc_cpu_decode() reads it.
 */
static void test_maxphyaddr_leaf(void)
{
	static const struct {
		unsigned maxe, eax; /* eax of leaf 0x80000008 */
		enum svmc_err want;
		unsigned mpa;
	} t[] = {
		{ 0x80000008u, 0x30ff, SVMC_ERR_RANGE, 0 },
		{ 0x80000008u, 0x301f, SVMC_ERR_RANGE, 0 },
		{ 0x80000008u, 0x3041, SVMC_ERR_RANGE, 0 },
		{ 0x80000008u, 0x3020, SVMC_OK, 32 },
		{ 0x80000008u, 0x3040, SVMC_OK, 64 },
		{ 0x80000008u, 0x3030, SVMC_OK, 48 },
		{ 0x80000008u, 0x3000, SVMC_OK, 36 },
		{ 0x80000001u, 0x30ff, SVMC_OK, 36 },
	};
	char buf[4096], extra[128];
	struct svmc_diag d;

	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(extra, sizeof(extra),
			 "   0x80000008 0x00: eax=0x%08x ebx=0x00000000 ecx=0x00000000 "
			 "edx=0x00000000\n",
			 t[i].eax);
		mkdump(buf, sizeof(buf), 1, t[i].maxe, extra);
		CHECK_EQ_U64(load_text("mpa.txt", buf, &A, &d), t[i].want);
		if (t[i].want == SVMC_OK)
			CHECK_EQ_U64(A.maxphyaddr, t[i].mpa);
		else
			CHECK(strstr(d.msg, "outside 32..64") != NULL);
	}
	CHECK_EQ_U64(svmc_cpu_load_file(SVMCHECK_TEST_DIR "/fuzz/regressions/fuzz_profile_cpuid_r/"
							  "maxphyaddr-255.cpuid-r.txt",
					&A, &d),
		     SVMC_ERR_RANGE);
}

/*
 * Fuzz findings: libcpuid 0.6.2 crashed (NULL or out-of-bounds writes, a
 * stack overflow) on these; svmcheck now refuses them before libcpuid reads
 * them, naming the line.  Z is four zero registers.
 */
static void test_libcpuid_unsafe(void)
{
#define Z "00000000 00000000 00000000 00000000"
#define ZA "00000000-00000000-00000000-00000000"
	static const struct {
		const char *text, *why;
		uint64_t line;
	} bad[] = {
		{ "version=0.6.2\next_cpuid[5]=" Z "\n", "before basic_cpuid[]", 2 },
		{ "------[ Logicel CPU #0 ]------\nintel_fn12h[3]=" Z "\n", "before basic_cpuid[]",
		  2 },
		{ "------[ Versions ]------\nCPUID 00000000: " ZA "\n", "before a logical CPU", 2 },
		{ "------[ Logical CPU #0 ]------\nCPUID 00000004: " ZA " [SL 99]\n", "sub-leaf",
		  2 },
		{ "------[ Logical CPU #0 ]------\n------[ Logical CPU #-1 ]------\n",
		  "out of range", 2 },
		{ "version=0.6.2-and-more\nbasic_cpuid[0]=" Z "\n", "longer than 7", 1 },
	};
	struct svmc_diag d;

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_EQ_U64(load_text("unsafe.test", bad[i].text, &A, &d), SVMC_ERR_FORMAT);
		CHECK(strstr(d.msg, bad[i].why) != NULL);
		CHECK_EQ_U64(d.line, bad[i].line);
	}
	/* The same lines after the CPU header pass this gate (and fail later: no vendor). */
	CHECK(load_text("safe.test",
			"------[ Logical CPU #0 ]------\nCPUID 00000004: " ZA " [SL 07]\n", &A,
			&d) != SVMC_OK);
	CHECK(strstr(d.msg, "not a valid libcpuid raw dump:") == NULL);
	CHECK(load_text("safe2.test", "version=0.6.2\nbasic_cpuid[0]=" Z "\next_cpuid[5]=" Z "\n",
			&A, &d) != SVMC_OK);
	CHECK(strstr(d.msg, "not a valid libcpuid raw dump:") == NULL);
#undef Z
#undef ZA
}

/*
 * libcpuid 0.6.2 reads %x and %d modulo 2^32 and keeps the last of two rows:
 * each is refused with its line; an AIDA64 sub-leaf written in hex that it
 * reads as another ("[SL 0C]" as 0) is left out instead of overwriting leaf 0xd.
 */
static void test_libcpuid_values(void)
{
	static const char milan[] = DATA "milan-epyc-7713.test";
	static const struct {
		const char *from, *to, *why;
	} bad[] = {
		{ "ext_cpuid[8]=00003030", "ext_cpuid[8]=100003040", "wider than 32 bits" },
		{ "basic_cpuid[7]=", "basic_cpuid[4294967303]=", "index 4294967303 is outside" },
		{ "basic_cpuid[7]=", "basic_cpuid[-1]=", "not a decimal number" },
	};
	char text[16384], mod[16500], *hit;
	struct svmc_diag d;
	FILE *f = fopen(milan, "r");
	size_t n;

	CHECK(f != NULL);
	if (!f)
		return;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	CHECK(load_text("milan-copy.test", text, &A, &d) == SVMC_OK);
	CHECK(svmc_cpu_has(&A, SVMC_FEAT_SHSTK) && svmc_cpu_has(&A, SVMC_FEAT_SMEP));
	CHECK_EQ_U64(A.maxphyaddr, 48);
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		hit = strstr(text, bad[i].from);
		CHECK(hit != NULL);
		if (!hit)
			continue;
		snprintf(mod, sizeof(mod), "%.*s%s%s", (int)(hit - text), text, bad[i].to,
			 hit + strlen(bad[i].from));
		CHECK_EQ_U64(load_text("bad-value.test", mod, &A, &d), SVMC_ERR_FORMAT);
		CHECK(strstr(d.msg, bad[i].why) != NULL);
		CHECK(d.line != SVMC_NO_LINE);
		if (!strstr(d.msg, bad[i].why))
			fprintf(stderr, "  case %u: %s\n", i, d.msg);
	}
	/* a row given twice: the same values pass, different ones are refused */
	snprintf(mod, sizeof(mod), "%sbasic_cpuid[7]=00000000 219c97a9 0040068c 00000010\n", text);
	CHECK_EQ_U64(load_text("dup-same.test", mod, &A, &d), SVMC_OK);
	snprintf(mod, sizeof(mod), "%sbasic_cpuid[7]=00000000 00000000 00000000 00000000\n", text);
	CHECK_EQ_U64(load_text("dup.test", mod, &A, &d), SVMC_ERR_FORMAT);
	CHECK(strstr(d.msg, "basic_cpuid[7] given twice with different values") != NULL);
	CHECK_EQ_U64(d.line, 90);
	/* AIDA64: [SL 0C] of leaf 0xd is read by libcpuid as sub-leaf 0 */
	CHECK_EQ_U64(load_text("aida.txt",
			       "------[ CPUID Registers / Logical CPU #0 ]------\n"
			       "CPUID 00000000: 0000000D-68747541-444D4163-69746E65\n"
			       "CPUID 00000001: 00A00F11-00800800-7EDA320B-178BFBFF\n"
			       "CPUID 00000007: 00000000-219C97A9-0040068C-00000010 [SL 00]\n"
			       "CPUID 0000000D: 00000207-00000340-00000988-00000000 [SL 00]\n"
			       "CPUID 0000000D: 00000018-00000000-00000001-00000000 [SL 0C]\n"
			       "CPUID 80000000: 80000001-68747541-444D4163-69746E65\n"
			       "CPUID 80000001: 00A00F11-40000000-75C237FF-2FD3FBFF\n",
			       &A, &d),
		     SVMC_OK);
	CHECK(svmc_cpu_leaf(&A, 0xd, 0) == NULL);
	CHECK(svmc_cpu_leaf(&A, 7, 0) != NULL);
	CHECK_EQ_U64(load_text("aida-wide.txt",
			       "------[ CPUID Registers / Logical CPU #0 ]------\n"
			       "CPUID 100000007: 00000000-219C97A9-0040068C-00000010\n",
			       &A, &d),
		     SVMC_ERR_FORMAT);
	CHECK(strstr(d.msg, "leaf number is wider than 32 bits") != NULL);
	CHECK_EQ_U64(load_text("aida-cpu.txt",
			       "------[ CPUID Registers / Logical CPU #0 ]------\n"
			       "------[ CPUID Registers / Logical CPU #65536 ]------\n",
			       &A, &d),
		     SVMC_ERR_FORMAT);
	CHECK(strstr(d.msg, "logical CPU number out of range") != NULL);
}

int main(void)
{
	tcheck_profiles();
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_real_dumps();
	test_gating();
	test_maxphyaddr_leaf();
	test_libcpuid_unsafe();
	test_libcpuid_values();
	test_malformed();
	test_json();
	test_modifiers();
	test_compose();
	test_qemu_models();
	test_host();
	{
		char cmd[700];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", tmpdir);
	}
	return tcheck_done("test_cpu");
}
