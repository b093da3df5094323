/*
 * fuzz_profile.c - the CPU profile readers (JSON, libcpuid raw dump,
 * cpuid -r; format detected) over arbitrary bytes.
 */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_common.h"
#include "svmcheck/cpu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct svmc_cpu cpu;
	struct svmc_diag d;
	char path[64];
	int fd = fuzz_memfile(data, size, path, sizeof(path));

	if (fd < 0)
		return 0;
	svmc_diag_init(&d, path);
	if (svmc_cpu_load_file(path, &cpu, &d) == SVMC_OK &&
	    (cpu.maxphyaddr < 32 || cpu.maxphyaddr > 64))
		abort();
	close(fd);
	return 0;
}
