/*
 * fuzz_cpu_arg.c - the CPU-argument parser (name or path plus ,+feat ,-feat
 * ,maxphyaddr=N modifiers) over arbitrary strings, with the source tree's
 * bundled profiles on the search path (the library searches none by itself).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svmcheck/cpu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct svmc_cpu cpu;
	struct svmc_diag d;
	char arg[512];
	static const char *const dirs[] = { SVMCHECK_FUZZ_PROFILES };
	static bool path_set;

	if (!path_set) {
		svmc_profile_path_set(dirs, 1);
		path_set = true;
	}
	if (size >= sizeof(arg))
		size = sizeof(arg) - 1;
	memcpy(arg, data, size);
	arg[size] = '\0';
	if (strncmp(arg, "host", 4) == 0 || strchr(arg, '/'))
		return 0; /* no live capture or file system walks from the fuzzer */
	svmc_diag_init(&d, arg);
	if (svmc_cpu_resolve(arg, &cpu, &d) == SVMC_OK &&
	    (cpu.maxphyaddr < 32 || cpu.maxphyaddr > 64))
		abort();
	return 0;
}
