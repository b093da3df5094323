/*
 * fuzz_detect.c - format detection over arbitrary bytes.
 */
#include <stdint.h>

#include "vmcb/reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)svmc_detect_format(data, size);
	return 0;
}
