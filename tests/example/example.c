/*
 * example.c - a small C program that uses libsvmcheck the way an
 * orchestration tool would: through the installed public headers and
 * `pkg-config --cflags --libs --static svmcheck`, never through the CLI.
 *
 * It tells the library where the bundled profiles are (the library guesses
 * no directory: this program is built with
 * -DEXAMPLE_PROFILES_DIR="$(pkg-config --variable=profilesdir svmcheck)"),
 * resolves a bundled CPU profile by name, compiles the kvm model for it
 * once, builds a VMCB in memory and asks the engine for a verdict:
 *
 *   - a minimal legal 32-bit protected-mode VMCB (EFER.SVME set, CR0.PE,
 *     the VMRUN intercept on, ASID 1, every field known) gets VMRUN;
 *   - the same VMCB with EFER.SVME cleared fails, first on SAVE.EFER.SVME
 *     (a failing check is named by its public, stable ID; see svmcheck-checks(1));
 *   - with an input file argument, every record of that file is judged and
 *     printed as "INDEX VERDICT [FIRST]".
 *
 * Exit status: 0 when both built-in verdicts are the expected ones (and the
 * optional file was readable), 1 otherwise; messages on stderr say which.
 * Usage: example [CPU [FILE]]     (CPU defaults to epyc-milan)
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <svmcheck/check.h>
#include <svmcheck/cpu.h>
#include <svmcheck/error.h>
#include <svmcheck/record.h>
#include <svmcheck/vmcb.h>

/* A VMCB every model accepts on any SVM CPU: 32-bit protected mode, no paging. */
static void legal_vmcb(struct svmc_record *r)
{
	svmc_record_clear(r);
	svmc_mark_all_known(r);
	r->vmcb.control.intercept_misc2 = 1u << 0; /* intercept VMRUN (APM 15.5.1) */
	r->vmcb.control.asid = 1;
	r->vmcb.save.efer = UINT64_C(1) << 12; /* EFER.SVME */
	r->vmcb.save.cr0 = 0x11;               /* PE | ET */
	r->vmcb.save.dr6 = 0xffff0ff0;
	r->vmcb.save.dr7 = 0x400;
	r->vmcb.save.rflags = 0x2;
	r->vmcb.save.g_pat = 0x0007040600070406ull;
}

static const char *first_name(const struct svmc_result *res)
{
	return res->first < 0 ? "-" : svmc_check_info((enum svmc_check_id)res->first)->name;
}

static int judge_file(const struct svmc_compiled *c, const char *path)
{
	struct svmc_reader *rd;
	struct svmc_record rec;
	struct svmc_result res;
	struct svmc_diag d;
	char msg[512];
	enum svmc_err e;
	int bad = 0;

	svmc_diag_init(&d, path);
	if (svmc_reader_open(&rd, path, SVMC_FMT_AUTO, &d) != SVMC_OK) {
		svmc_diag_format(&d, msg, sizeof(msg));
		fprintf(stderr, "example: %s\n", msg);
		return 1;
	}
	while ((e = svmc_reader_next(rd, &rec, &d)) != SVMC_ERR_EMPTY) {
		if (e != SVMC_OK) {
			svmc_diag_format(&d, msg, sizeof(msg));
			fprintf(stderr, "example: %s\n", msg);
			bad = 1;
			if (svmc_reader_failed(rd))
				break;
			continue;
		}
		svmc_evaluate(c, &rec, &res);
		printf("%llu %s %s\n", (unsigned long long)rec.index,
		       svmc_verdict_name(res.verdict), first_name(&res));
	}
	svmc_reader_close(rd);
	return bad;
}

int main(int argc, char **argv)
{
	const char *cpu_arg = argc > 1 ? argv[1] : "epyc-milan";
	static struct svmc_cpu cpu; /* large: keep it off the stack */
	static struct svmc_compiled c;
	static struct svmc_record r;
	struct svmc_result res;
	struct svmc_diag d;
	char msg[512];
	const char *profiles = EXAMPLE_PROFILES_DIR;
	int rc = 0;

	svmc_profile_path_set(&profiles, 1);
	svmc_diag_init(&d, cpu_arg);
	if (svmc_cpu_resolve(cpu_arg, &cpu, &d) != SVMC_OK) {
		svmc_diag_format(&d, msg, sizeof(msg));
		fprintf(stderr, "example: %s\n", msg);
		return 1;
	}
	if (svmc_compile(&c, svmc_model_lookup("kvm"), &cpu, &d) != SVMC_OK) {
		svmc_diag_format(&d, msg, sizeof(msg));
		fprintf(stderr, "example: %s\n", msg);
		return 1;
	}

	legal_vmcb(&r);
	svmc_evaluate(&c, &r, &res);
	printf("legal: %s %s\n", svmc_verdict_name(res.verdict), first_name(&res));
	if (res.verdict != SVMC_VMRUN) {
		fprintf(stderr, "example: the legal VMCB did not get VMRUN\n");
		rc = 1;
	}

	r.vmcb.save.efer &= ~(UINT64_C(1) << 12); /* clear EFER.SVME */
	svmc_evaluate(&c, &r, &res);
	printf("no-svme: %s %s\n", svmc_verdict_name(res.verdict), first_name(&res));
	if (res.verdict != SVMC_VMEXIT_INVALID || strcmp(first_name(&res), "SAVE.EFER.SVME") != 0) {
		fprintf(stderr, "example: EFER.SVME clear did not fail on SAVE.EFER.SVME\n");
		rc = 1;
	}

	if (argc > 2 && judge_file(&c, argv[2]) != 0)
		rc = 1;
	return rc;
}
