/*
 * fuzz_cpu_mods.c - the CPU-argument modifiers (",+feat,-feat,maxphyaddr=N")
 * over arbitrary strings, applied to a fixed CPU: fuzz_cpu_arg rarely gets
 * past the profile name, so this target starts after it.
 */
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

	if (size >= sizeof(arg))
		size = sizeof(arg) - 1;
	memcpy(arg, data, size);
	arg[size] = '\0';
	svmc_cpu_init(&cpu);
	cpu.maxphyaddr = 48;
	svmc_diag_init(&d, arg);
	if (svmc_cpu_apply_modifiers(&cpu, arg, &d) == SVMC_OK &&
	    (cpu.maxphyaddr < 32 || cpu.maxphyaddr > 64))
		abort();
	if (strlen(d.msg) >= sizeof(d.msg))
		abort();
	return 0;
}
