/*
 * fuzz_profile_fmt.c - one CPU profile reader (FUZZ_PROFILE_FMT: json,
 * libcpuid, cpuid_r or libvirt) called directly, past the detection in
 * svmc_cpu_load_file() that would otherwise send most mutants to whichever
 * reader their first byte selects.  The input is given as load_file() gives
 * it: at most CPU_FILE_MAX bytes, no NUL byte, NUL-terminated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct svmc_cpu cpu;
	struct svmc_diag d;
	enum svmc_err e;
	char *buf;

	if (size == 0 || size > CPU_FILE_MAX || memchr(data, '\0', size))
		return 0;
	buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	svmc_diag_init(&d, "fuzz");
	if (strcmp(FUZZ_PROFILE_FMT, "json") == 0) {
		e = svmc_cpu_load_json(buf, size, "fuzz", &cpu, &d);
	} else if (strcmp(FUZZ_PROFILE_FMT, "cpuid_r") == 0) {
		FILE *mf = fmemopen(buf, size, "r");

		if (!mf) {
			free(buf);
			return 0;
		}
		e = svmc_cpu_load_cpuid_r(mf, "fuzz", &cpu, &d);
		fclose(mf);
	} else if (strcmp(FUZZ_PROFILE_FMT, "libcpuid") == 0) {
		e = svmc_cpu_load_libcpuid(buf, size, "fuzz", &cpu, &d);
	} else if (strcmp(FUZZ_PROFILE_FMT, "libvirt") == 0) {
#ifdef SVMCHECK_FUZZ_PROFILES
		static const char *const dirs[] = { SVMCHECK_FUZZ_PROFILES };

		svmc_profile_path_set(dirs, 1);
#endif
		e = svmc_cpu_load_libvirt(buf, size, "fuzz", &cpu, &d);
	} else {
		abort();
	}
	if (e == SVMC_OK && (cpu.maxphyaddr < 32 || cpu.maxphyaddr > 64))
		abort();
	if (e != SVMC_OK && strlen(d.msg) >= sizeof(d.msg))
		abort();
	free(buf);
	return 0;
}
