/*
 * test_migrate.c - the migration diff and the fleet matrix on real pairs of
 * bundled profiles, under every model.  Every expected list was worked out
 * by hand from the raw leaves in tests/fixtures/cpuid/ (the .cpuid-r.txt files,
 * MANIFEST.md), the models of svmcheck-checks(1) and the CR4/EFER gates of
 * KVM (__cr4_reserved_bits(), kvm_valid_efer()) and the APM:
 *
 *   Rome 7742   1.ECX 0x7ef8320b (no PCID), 7.0.ECX 0x00400004 (UMIP),
 *               0x80000008.EBX 0x018ef757 (bit 20 EferLmsleUnsupported clear,
 *               bit 8 MCOMMIT set), 0x8000001F.EAX 0x0001000f (SEV-ES, no SNP)
 *   Milan 7713  1.ECX 0x7eda320b (PCID), 7.0.ECX 0x0040068c (UMIP PKU SHSTK),
 *               0x80000008.EBX 0x91bef75f (bit 20 set, bit 8 set),
 *               0x80000021.EAX 0x0000204d (no AutoIBRS bit 8, no UAIE bit 7),
 *               0x8000001F.EAX 0x0001fc3f (SEV-ES, SNP), MAXPHYADDR 48
 *   Genoa 9124 / 9654  identical leaves but 0x8000001F.EAX bit 4 (SNP: 9124 only)
 *   Turin 9655  7.0.ECX 0x19415fce (LA57), 0x80000021.EAX 0xd93fffcf (AutoIBRS,
 *               UAIE), 0x80000008.EBX 0x79bef25f (bit 8 MCOMMIT clear), MAXPHYADDR 52
 *   Naples 7551P / Hygon 7185  differ (for the rules) only in 0x8000001F.EAX:
 *               0xf (SEV-ES) vs 0
 *
 * Also: classes (identical profiles under different names fall in one class;
 * the hash never merges different keys), every matrix pair equal to the
 * corresponding migrate, and a 2,000-argument fleet through the binary with
 * its JSON parsed back by json-c.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "svmcheck/migrate.h"
#include "tcheck.h"

static struct svmc_diff df; /* large */

static void compile(struct svmc_compiled *c, const char *model, const char *arg, const char *guest)
{
	static struct svmc_cpu cpu, g;
	struct svmc_diag d;

	svmc_diag_init(&d, NULL);
	if (svmc_cpu_resolve(arg, &cpu, &d) != SVMC_OK) {
		fprintf(stderr, "cannot resolve %s: %s\n", arg, d.msg);
		exit(1);
	}
	if (guest) {
		if (svmc_cpu_resolve(guest, &g, &d) != SVMC_OK) {
			fprintf(stderr, "cannot resolve %s: %s\n", guest, d.msg);
			exit(1);
		}
		svmc_cpu_compose(&cpu, &g);
	}
	if (svmc_compile(c, svmc_model_lookup(model), &cpu, &d) != SVMC_OK) {
		fprintf(stderr, "cannot compile %s for %s: %s\n", model, arg, d.msg);
		exit(1);
	}
}

/* "21+ 28-" : each flipped vector with + (valid on the destination) or - . */
static const char *vec_list(const struct svmc_diff *x)
{
	static char buf[4096];
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < x->nvec; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%u%c", i ? " " : "",
					x->vec[i].vector, x->vec[i].to ? '+' : '-');
	return buf;
}

/* "cr4:17+ efer:13- CTRL.MSRPM.RANGE@0x0000fffffffff000+ ..." */
static const char *state_list(const struct svmc_diff *x)
{
	static char buf[8192];
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < x->nstate; i++) {
		const struct svmc_state_delta *s = &x->state[i];
		char sign = s->to ? '+' : '-';
		const char *sep = i ? " " : "";

		switch (s->kind) {
		case SVMC_D_CR4:
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%scr4:%u%c", sep,
						s->bit, sign);
			break;
		case SVMC_D_EFER:
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%sefer:%u%c", sep,
						s->bit, sign);
			break;
		case SVMC_D_TYPE:
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%stype:%u%c", sep,
						s->bit, sign);
			break;
		case SVMC_D_ADDR:
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s@0x%016llx%c",
						sep, svmc_check_info(s->check)->name,
						(unsigned long long)s->first, sign);
			break;
		default:
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s%c", sep,
						svmc_check_info(s->check)->name, sign);
			break;
		}
	}
	return buf;
}

struct pair_case {
	const char *model_from, *model_to, *from, *to, *to_guest;
	enum svmc_mresult result;
	const char *vectors, *state;
	int status, strict_status;
};

static const struct pair_case pairs[] = {
	/* Rome -> Milan: #CP, CR4.PCIDE/PKE/CET become valid; EFER.LMSLE reserved (bit 20). */
	{ "kvm", "kvm", "epyc-rome", "epyc-milan", NULL, SVMC_MIG_INCOMPATIBLE, "21+",
	  "cr4:17+ cr4:22+ cr4:23+ efer:13-", 1, 1 },
	{ "kvm", "kvm", "epyc-milan", "epyc-rome", NULL, SVMC_MIG_INCOMPATIBLE, "21-",
	  "cr4:17- cr4:22- cr4:23- efer:13+", 1, 1 },
	/* apm: #HV also follows SNP (Rome none, Milan has it); MCOMMIT same (both bit 8) */
	{ "apm", "apm", "epyc-rome", "epyc-milan", NULL, SVMC_MIG_INCOMPATIBLE, "21+ 28+",
	  "cr4:17+ cr4:22+ cr4:23+ efer:13-", 1, 1 },
	/* kvm-legacy: no vector rule; kvm-v1: #CP unconditional -> no vector flips */
	{ "kvm-legacy", "kvm-legacy", "epyc-rome", "epyc-milan", NULL, SVMC_MIG_INCOMPATIBLE, "",
	  "cr4:17+ cr4:22+ cr4:23+ efer:13-", 1, 1 },
	{ "kvm-v1", "kvm-v1", "epyc-milan", "epyc-rome", NULL, SVMC_MIG_INCOMPATIBLE, "",
	  "cr4:17- cr4:22- cr4:23- efer:13+", 1, 1 },
	/* Genoa 9124 <-> 9654 (SNP off): kvm always allows #HV; apm needs SNP for 28 */
	{ "kvm", "kvm", "epyc-genoa", "epyc-genoa-snp-off", NULL, SVMC_MIG_IDENTICAL, "", "", 0,
	  0 },
	{ "kvm", "kvm", "epyc-genoa-snp-off", "epyc-genoa", NULL, SVMC_MIG_IDENTICAL, "", "", 0,
	  0 },
	{ "kvm-legacy", "kvm-legacy", "epyc-genoa", "epyc-genoa-snp-off", NULL, SVMC_MIG_IDENTICAL,
	  "", "", 0, 0 },
	{ "kvm-v1", "kvm-v1", "epyc-genoa", "epyc-genoa-snp-off", NULL, SVMC_MIG_IDENTICAL, "", "",
	  0, 0 },
	{ "apm", "apm", "epyc-genoa", "epyc-genoa-snp-off", NULL, SVMC_MIG_SUBSET, "28-", "", 1,
	  1 },
	{ "apm", "apm", "epyc-genoa-snp-off", "epyc-genoa", NULL, SVMC_MIG_SUPERSET, "28+", "", 0,
	  1 },
	/* Naples <-> Hygon: #VC with and without SEV-ES */
	{ "kvm", "kvm", "epyc-naples", "hygon-dhyana", NULL, SVMC_MIG_SUBSET, "29-", "", 1, 1 },
	{ "kvm", "kvm", "hygon-dhyana", "epyc-naples", NULL, SVMC_MIG_SUPERSET, "29+", "", 0, 1 },
	{ "apm", "apm", "epyc-naples", "hygon-dhyana", NULL, SVMC_MIG_SUBSET, "29-", "", 1, 1 },
	{ "kvm-legacy", "kvm-legacy", "epyc-naples", "hygon-dhyana", NULL, SVMC_MIG_IDENTICAL, "",
	  "", 0, 0 },
	{ "kvm-v1", "kvm-v1", "epyc-naples", "hygon-dhyana", NULL, SVMC_MIG_IDENTICAL, "", "", 0,
	  0 },
	/* Milan -> Turin: LA57, AutoIBRS, MAXPHYADDR 48 -> 52 (first changed addresses:
	 * CR3/nCR3 2^48; MSRPM 2^48 - 4 KiB; IOPM 2^48 - 8 KiB) */
	{ "kvm", "kvm", "epyc-milan", "epyc-turin", NULL, SVMC_MIG_SUPERSET, "",
	  "cr4:12+ efer:21+ SAVE.CR3.MBZ@0x0001000000000000+ KVM.LATE.CR3@0x0001000000000000+ "
	  "CTRL.NP.NCR3@0x0001000000000000+ CTRL.MSRPM.RANGE@0x0000fffffffff000+ "
	  "CTRL.IOPM.RANGE@0x0000ffffffffe000+",
	  0, 1 },
	/* apm: Turin lacks MCOMMIT (0x80000008 EBX[8]) that Milan has; adds UAIE; no late CR3 */
	{ "apm", "apm", "epyc-milan", "epyc-turin", NULL, SVMC_MIG_INCOMPATIBLE, "",
	  "cr4:12+ efer:17- efer:20+ efer:21+ SAVE.CR3.MBZ@0x0001000000000000+ "
	  "CTRL.NP.NCR3@0x0001000000000000+ CTRL.MSRPM.RANGE@0x0000fffffffff000+ "
	  "CTRL.IOPM.RANGE@0x0000ffffffffe000+",
	  1, 1 },
	/* a CPU against itself */
	{ "kvm", "kvm", "epyc-milan", "epyc-milan", NULL, SVMC_MIG_IDENTICAL, "", "", 0, 0 },
	{ "apm", "apm", "epyc-turin", "epyc-turin", NULL, SVMC_MIG_IDENTICAL, "", "", 0, 0 },
	/* a host against a QEMU guest model on it (EPYC-Milan-v2: no shstk, sev_es, la57,
	 * autoibrs; phys-bits 40): everything narrows */
	{ "kvm", "kvm", "epyc-genoa", "epyc-genoa", "qemu-EPYC-Milan-v2", SVMC_MIG_SUBSET,
	  "21- 29-",
	  "cr4:12- cr4:23- efer:21- SAVE.CR3.MBZ@0x0000010000000000- KVM.LATE.CR3@0x0000010000000000- "
	  "CTRL.NP.NCR3@0x0000010000000000- CTRL.MSRPM.RANGE@0x000000fffffff000- "
	  "CTRL.IOPM.RANGE@0x000000ffffffe000-",
	  1, 1 },
	/* the kernel upgrade question: kvm-legacy -> kvm on one CPU: EVENTINJ (vectors
	 * 2 9 15 20 22-27 31 32-255 and TYPEs 1 5 6 7), nCR3 and CS.L/D start failing */
	{ "kvm-legacy", "kvm", "epyc-milan", "epyc-milan", NULL, SVMC_MIG_SUBSET, NULL,
	  "type:1- type:5- type:6- type:7- CTRL.NP.NCR3@0x0001000000000000- SAVE.LM.CS_LD-", 1, 1 },
	{ "kvm", "kvm-legacy", "epyc-milan", "epyc-milan", NULL, SVMC_MIG_SUPERSET, NULL,
	  "type:1+ type:5+ type:6+ type:7+ CTRL.NP.NCR3@0x0001000000000000+ SAVE.LM.CS_LD+", 0, 1 },
};

static void test_pairs(void)
{
	static struct svmc_compiled a, b;

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		const struct pair_case *p = &pairs[i];

		compile(&a, p->model_from, p->from, NULL);
		compile(&b, p->model_to, p->to, p->to_guest);
		CHECK_EQ_U64(svmc_migrate_diff(&a, &b, &df), p->result);
		if (df.result != p->result)
			fprintf(stderr, "  pair %zu: %s -> %s got %s\n", i, p->from, p->to,
				svmc_mresult_name(df.result));
		CHECK_EQ_U64(svmc_migrate_result(&a, &b), p->result);
		if (p->vectors)
			CHECK_STREQ(vec_list(&df), p->vectors);
		CHECK_STREQ(state_list(&df), p->state);
		CHECK_EQ_U64(svmc_mresult_status(df.result, false), p->status);
		CHECK_EQ_U64(svmc_mresult_status(df.result, true), p->strict_status);
	}
}

/* kvm-legacy -> kvm: the vector list, exactly. */
static void test_legacy_vectors(void)
{
	static struct svmc_compiled a, b;
	char want[4096];
	size_t len = 0;

	compile(&a, "kvm-legacy", "epyc-milan", NULL);
	compile(&b, "kvm", "epyc-milan", NULL);
	svmc_migrate_diff(&a, &b, &df);
	for (unsigned v = 0; v < 256; v++) {
		/* Milan has shstk and sev_es: kvm rejects 2 9 15 20 22-27 31 and >= 32 */
		bool bad = v == 2 || v == 9 || v == 15 || v == 20 || (v >= 22 && v <= 27) ||
			   v == 31 || v >= 32;
		if (bad)
			len += (size_t)snprintf(want + len, sizeof(want) - len, "%s%u-",
						len ? " " : "", v);
	}
	CHECK_STREQ(vec_list(&df), want);
	CHECK_EQ_U64(df.nvec, 11 + 224);
	CHECK(df.narrow_model);
	CHECK_STREQ(svmc_vreason_name((enum svmc_vreason)df.vec[0].from_reason), "unchecked");
	CHECK_STREQ(svmc_vreason_name((enum svmc_vreason)df.vec[0].to_reason), "not_exception");
}

/* The reasons carry the feature and its CPUID location. */
static void test_because(void)
{
	static struct svmc_compiled a, b;

	compile(&a, "kvm", "epyc-milan", NULL);
	compile(&b, "kvm", "epyc-rome", NULL);
	svmc_migrate_diff(&a, &b, &df);
	CHECK_STREQ(df.vec[0].because,
		    "shstk: CPUID 7.0:ECX[7] present on the source, absent on the destination");
	CHECK_STREQ(df.state[0].what, "CR4.PCIDE (bit 17)");
	CHECK_STREQ(df.state[0].because,
		    "pcid: CPUID 1:ECX[17] present on the source, absent on the destination");
	CHECK_EQ_U64(df.state[0].check, SVMC_CHECK_SAVE_CR4_RSVD);
	CHECK(svmc_featset_has(&df.narrow_features, SVMC_FEAT_SHSTK));
	CHECK(svmc_featset_has(&df.narrow_features, SVMC_FEAT_PKU));
	CHECK(svmc_featset_has(&df.narrow_features, SVMC_FEAT_PCID));
	CHECK(!svmc_featset_has(&df.narrow_features, SVMC_FEAT_SEV_ES));
	CHECK(!df.narrow_maxphyaddr);

	/* pinning the features off on the source leaves only the widening LMSLE */
	compile(&a, "kvm", "epyc-milan,-shstk,-pku,-pcid", NULL);
	CHECK_EQ_U64(svmc_migrate_diff(&a, &b, &df), SVMC_MIG_SUPERSET);
	CHECK_STREQ(state_list(&df), "efer:13+");

	/* MAXPHYADDR alone: 52 -> 48 narrows exactly the five address checks */
	compile(&a, "kvm", "epyc-genoa", NULL);
	compile(&b, "kvm", "epyc-genoa,maxphyaddr=48", NULL);
	CHECK_EQ_U64(svmc_migrate_diff(&a, &b, &df), SVMC_MIG_SUBSET);
	CHECK(df.narrow_maxphyaddr);
	CHECK_STREQ(df.state[0].what, "long-mode CR3 with a bit of 51:48 set");

	/* npt pinned off on the destination: NP_ENABLE ignored, nCR3 no longer checked */
	compile(&b, "kvm", "epyc-genoa,-npt", NULL);
	CHECK_EQ_U64(svmc_migrate_diff(&a, &b, &df), SVMC_MIG_SUPERSET);
	CHECK_STREQ(state_list(&df), "CTRL.NP.NCR3@0x0010000000000000+");
	CHECK_STREQ(
		df.state[0].because,
		"NP_ENABLE honoured on the source (npt present), ignored on the destination (npt absent)");
	/* apm: G_PAT too */
	compile(&a, "apm", "epyc-genoa", NULL);
	compile(&b, "apm", "epyc-genoa,-npt", NULL);
	CHECK_EQ_U64(svmc_migrate_diff(&a, &b, &df), SVMC_MIG_SUPERSET);
	CHECK_STREQ(state_list(&df), "CTRL.NP.NCR3@0x0010000000000000+ CTRL.NP.GPAT+");
}

/* The range formulas against the engine's own range check, at the boundary. */
static void test_range_boundary(void)
{
	static struct svmc_compiled c;
	static struct svmc_record r;
	struct svmc_result res;

	compile(&c, "kvm", "epyc-milan", NULL); /* MAXPHYADDR 48 */
	svmc_record_clear(&r);
	svmc_field_set(&r, SVMC_F_MSRPM_BASE_PA, UINT64_C(0x0000fffffffff000));
	svmc_field_set(&r, SVMC_F_IOPM_BASE_PA, UINT64_C(0x0000ffffffffe000));
	svmc_evaluate(&c, &r, &res);
	CHECK(svmc_result_failed(&res, SVMC_CHECK_CTRL_MSRPM_RANGE));
	CHECK(svmc_result_failed(&res, SVMC_CHECK_CTRL_IOPM_RANGE));
	svmc_field_set(&r, SVMC_F_MSRPM_BASE_PA, UINT64_C(0x0000ffffffffefff)); /* page 0x..e000 */
	svmc_field_set(&r, SVMC_F_IOPM_BASE_PA, UINT64_C(0x0000ffffffffd000));
	svmc_evaluate(&c, &r, &res);
	CHECK(!svmc_result_failed(&res, SVMC_CHECK_CTRL_MSRPM_RANGE));
	CHECK(!svmc_result_failed(&res, SVMC_CHECK_CTRL_IOPM_RANGE));
}

/* Classes: same verdict fields, one class; different, two; hash collisions compared. */
static void test_classes(void)
{
	static struct svmc_compiled a, b, c, d;
	struct svmc_classes t;
	struct svmc_class_key ka, kb;
	size_t i1, i2, i3, i4, i5;

	compile(&a, "kvm", "epyc-genoa", NULL);
	compile(&b, "kvm", "epyc-bergamo", NULL); /* same leaves as Genoa 9124 for the rules */
	compile(&c, "kvm", "epyc-genoa-snp-off", NULL); /* differs only in SNP: same under kvm */
	compile(&d, "kvm", "epyc-milan", NULL);
	svmc_classes_init(&t);
	CHECK_EQ_U64(svmc_classes_add(&t, &a, &i1), SVMC_OK);
	CHECK_EQ_U64(svmc_classes_add(&t, &b, &i2), SVMC_OK);
	CHECK_EQ_U64(svmc_classes_add(&t, &c, &i3), SVMC_OK);
	CHECK_EQ_U64(svmc_classes_add(&t, &d, &i4), SVMC_OK);
	CHECK_EQ_U64(i1, 0);
	CHECK_EQ_U64(i2, 0);
	CHECK_EQ_U64(i3, 0);
	CHECK_EQ_U64(i4, 1);
	CHECK_EQ_U64(t.n, 2);
	CHECK_EQ_U64(t.v[0].members, 3);
	/* a key that differs in one bit is another class even if we force the same hash */
	svmc_class_key(&a, &ka);
	svmc_class_key(&d, &kb);
	CHECK(!svmc_class_equal(&ka, &kb));
	kb = ka;
	CHECK(svmc_class_equal(&ka, &kb));
	kb.cr4_allowed ^= 1;
	CHECK(!svmc_class_equal(&ka, &kb));
	/* many classes: growth of the index keeps every lookup right */
	for (unsigned m = 32; m <= 64; m++) {
		static struct svmc_compiled e;
		char arg[64];
		snprintf(arg, sizeof(arg), "epyc-turin,maxphyaddr=%u", m);
		compile(&e, "kvm", arg, NULL);
		CHECK_EQ_U64(svmc_classes_add(&t, &e, &i5), SVMC_OK);
		CHECK_EQ_U64(svmc_classes_add(&t, &e, &i1), SVMC_OK);
		CHECK_EQ_U64(i1, i5);
	}
	/* maxphyaddr=52 is epyc-genoa's class (Turin = Genoa under kvm) */
	compile(&a, "kvm", "epyc-turin,maxphyaddr=52", NULL);
	CHECK_EQ_U64(svmc_classes_add(&t, &a, &i1), SVMC_OK);
	CHECK_EQ_U64(i1, 0);
	CHECK_EQ_U64(t.n, 2 + 32); /* 33 widths, one of them (52) already class 0 */
	svmc_classes_free(&t);

	/* under apm the SNP bit splits Genoa 9124 from 9654 */
	compile(&a, "apm", "epyc-genoa", NULL);
	compile(&c, "apm", "epyc-genoa-snp-off", NULL);
	svmc_classes_init(&t);
	svmc_classes_add(&t, &a, &i1);
	svmc_classes_add(&t, &c, &i2);
	CHECK_EQ_U64(i2, 1);
	svmc_classes_free(&t);
}

/* ---- through the binary ----------------------------------------------------- */

static char *run(const char *cmd, int *status)
{
	FILE *p = popen(cmd, "r");
	size_t cap = 1 << 16, len = 0, n;
	char *buf = malloc(cap);

	if (!p || !buf) {
		fprintf(stderr, "cannot run %s\n", cmd);
		exit(1);
	}
	while ((n = fread(buf + len, 1, cap - len - 1, p)) > 0) {
		len += n;
		if (cap - len < 4096) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				exit(1);
		}
	}
	buf[len] = '\0';
	*status = pclose(p);
	*status = WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
	return buf;
}

static json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;
	if (!o || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

static const char *str(json_object *o, const char *key)
{
	json_object *v = get(o, key);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) :
							       "(not a string)";
}

static const char *migrate_result_cli(const char *model, const char *from, const char *to)
{
	static char res[32];
	char cmd[512];
	int st;
	char *out;
	json_object *j;

	snprintf(cmd, sizeof(cmd), "%s -j migrate -m %s --from '%s' --to '%s'", SVMCHECK_BINARY,
		 model, from, to);
	out = run(cmd, &st);
	j = json_tokener_parse(out);
	snprintf(res, sizeof(res), "%s", str(j, "result"));
	CHECK_EQ_U64(st, strcmp(res, "identical") == 0 || strcmp(res, "superset") == 0 ? 0 : 1);
	json_object_put(j);
	free(out);
	return res;
}

/* The 2,000-host fleet: classes, per-CPU map, and every pair equal to migrate. */
static void test_fleet(const char *model, unsigned want_classes)
{
	char cmd[1024];
	int st;
	char *out;
	json_object *j, *classes, *jpairs, *cpus, *summary;
	const char *first_of[64] = { 0 };
	size_t nc, np;

	snprintf(cmd, sizeof(cmd),
		 "%s -j matrix -m %s --from-file %s/fixtures/fleet/fleet-2000.txt", SVMCHECK_BINARY,
		 model, SVMCHECK_TEST_DIR);
	out = run(cmd, &st);
	j = json_tokener_parse(out);
	CHECK(j != NULL);
	if (!j)
		return;
	CHECK_STREQ(str(j, "schema"), "svmcheck/matrix");
	CHECK_STREQ(str(j, "model"), model);
	CHECK_EQ_U64(st, 1); /* several classes: some pair narrows */
	classes = get(j, "classes");
	jpairs = get(j, "pairs");
	cpus = get(j, "cpus");
	summary = get(j, "summary");
	CHECK(classes && jpairs && cpus && summary);
	if (!classes || !jpairs || !cpus || !summary)
		return;
	nc = json_object_array_length(classes);
	np = json_object_array_length(jpairs);
	CHECK_EQ_U64(nc, want_classes);
	CHECK_EQ_U64(np, nc * (nc - 1));
	CHECK_EQ_U64(json_object_array_length(cpus), 2000);
	CHECK_EQ_U64(json_object_get_int64(get(summary, "cpus")), 2000);
	CHECK_EQ_U64(json_object_get_int64(get(summary, "distinct")), 12);
	for (size_t i = 0; i < nc && i < 64; i++) {
		json_object *c = json_object_array_get_idx(classes, i);
		CHECK_EQ_U64(json_object_get_int64(get(c, "id")), i + 1);
		first_of[i] = json_object_get_string(json_object_array_get_idx(get(c, "cpus"), 0));
	}
	/* 12 distinct arguments cycle: CPU i is names[i % 12]; equal arguments share a class */
	for (size_t i = 12; i < 2000; i++) {
		json_object *a = json_object_array_get_idx(cpus, i),
			    *b = json_object_array_get_idx(cpus, i - 12);
		CHECK_STREQ(str(a, "cpu"), str(b, "cpu"));
		CHECK_EQ_U64(json_object_get_int64(get(a, "class")),
			     json_object_get_int64(get(b, "class")));
	}
	/* every pair equals the corresponding migrate (class representatives) */
	for (size_t k = 0; k < np; k++) {
		json_object *p = json_object_array_get_idx(jpairs, k);
		int64_t f = json_object_get_int64(get(p, "from")),
			t = json_object_get_int64(get(p, "to"));
		CHECK(f >= 1 && t >= 1 && (size_t)f <= nc && (size_t)t <= nc && f != t);
		if (f < 1 || t < 1 || (size_t)f > nc || (size_t)t > nc)
			continue;
		CHECK_STREQ(str(p, "result"),
			    migrate_result_cli(model, first_of[f - 1], first_of[t - 1]));
	}
	json_object_put(j);
	free(out);
}

/* The signs of a pair's "because": bit 0 some "-X", bit 1 some "+X", bit 2 a token with neither. */
static unsigned because_signs(json_object *p, char *joined, size_t n)
{
	json_object *b = get(p, "because");
	unsigned signs = 0;
	size_t len = 0;

	joined[0] = '\0';
	for (size_t i = 0; b && i < json_object_array_length(b); i++) {
		const char *t = json_object_get_string(json_object_array_get_idx(b, i));
		signs |= t[0] == '-' ? 1u : t[0] == '+' ? 2u : 4u;
		len += (size_t)snprintf(joined + len, len < n ? n - len : 0, "%s%s", len ? "," : "",
					t + 1);
	}
	return signs;
}

/*
 * matrix "because" over the 2,000-host fleet, from its definition: empty
 * exactly for identical; only "-X" (what the destination lacks) for subset,
 * only "+X" for superset, both for incompatible; and the pair's reverse
 * names the same X with the signs swapped.
 */
static void test_fleet_because(const char *model)
{
	char cmd[1024], a[2048], b[2048];
	int st;
	char *out;
	json_object *j, *jp;
	size_t np;

	snprintf(cmd, sizeof(cmd),
		 "%s -j matrix -m %s --from-file %s/fixtures/fleet/fleet-2000.txt", SVMCHECK_BINARY,
		 model, SVMCHECK_TEST_DIR);
	out = run(cmd, &st);
	j = json_tokener_parse(out);
	jp = j ? get(j, "pairs") : NULL;
	CHECK(jp != NULL);
	np = jp ? json_object_array_length(jp) : 0;
	for (size_t k = 0; k < np; k++) {
		json_object *p = json_object_array_get_idx(jp, k), *q = NULL;
		const char *r = str(p, "result");
		unsigned want = strcmp(r, "identical") == 0 ? 0u :
				strcmp(r, "subset") == 0    ? 1u :
				strcmp(r, "superset") == 0  ? 2u :
							      3u;
		unsigned sp = because_signs(p, a, sizeof(a)), sq;

		CHECK_EQ_U64(sp, want);
		for (size_t m = 0; m < np; m++) {
			json_object *c = json_object_array_get_idx(jp, m);
			if (json_object_get_int64(get(c, "from")) ==
				    json_object_get_int64(get(p, "to")) &&
			    json_object_get_int64(get(c, "to")) ==
				    json_object_get_int64(get(p, "from")))
				q = c;
		}
		CHECK(q != NULL);
		if (!q)
			continue;
		sq = because_signs(q, b, sizeof(b));
		CHECK_EQ_U64(sq, ((sp & 1u) << 1) | ((sp & 2u) >> 1));
		CHECK_STREQ(a, b);
	}
	if (j)
		json_object_put(j);
	free(out);
}

/* Hand-worked classes of the fleet under kvm: Genoa 9124, 9654, Bergamo, Turin and
 * Turin-dense are one class (identical rule-relevant leaves, #HV always valid); the
 * other 7 arguments each differ: 12 - 4 = 8.  Under apm only 9654 (no SNP) splits
 * off: Turin's 0x80000008 EBX (0x79bef25f, no MCOMMIT) and 0x80000021 EAX bit 7
 * (UAIE) equal Genoa's, and Turin's extra 7.0 bits gate no CR4 bit: 9. */
int main(void)
{
	tcheck_profiles();
	test_pairs();
	test_legacy_vectors();
	test_because();
	test_range_boundary();
	test_classes();
	/* under kvm each CPU is its L1 view: Naples and Hygon differ only in SEV-ES, which
	 * no L1 guest gets, so they share a class (apm judges the silicon: 9) */
	test_fleet("kvm", 7);
	test_fleet("apm", 9);
	test_fleet_because("kvm");
	test_fleet_because("apm");
	return tcheck_done("test_migrate");
}
