/*
 * fuzz_reader.c - one VMCB reader (FUZZ_FORMAT_NAME, or "auto" detection)
 * over arbitrary bytes: every call must end, with records or errors, and
 * never crash, hang or grow without bound.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "svmcheck/record.h"

/* hex.c's HEX_MAX_RUN (all '*' runs of one input together) in pages */
#define FUZZ_HEX_STAR_PAGES ((1u << 30) / 4096u)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct svmc_record rec;
	enum svmc_format fmt;
	struct svmc_reader *r;
	struct svmc_diag d;
	char path[64];
	int fd;

	if (svmc_format_parse(FUZZ_FORMAT_NAME, &fmt) != 0) {
		if (strcmp(FUZZ_FORMAT_NAME, "nested_state") == 0)
			fmt = SVMC_FMT_NESTED_STATE;
		else if (strcmp(FUZZ_FORMAT_NAME, "kvm_dump") == 0)
			fmt = SVMC_FMT_KVM_DUMP;
		else if (strcmp(FUZZ_FORMAT_NAME, "xen_dump") == 0)
			fmt = SVMC_FMT_XEN_DUMP;
		else
			abort();
	}
	fd = fuzz_memfile(data, size, path, sizeof(path));
	if (fd < 0)
		return 0;
	svmc_diag_init(&d, path);
	if (svmc_reader_open(&r, path, fmt, &d) == SVMC_OK) {
		/*
		 * A reader must make progress: at most one outcome per input byte
		 * (+1), except the pages that '*' lines of a hex dump stand for,
		 * which hex.c caps at 1 GiB per input.
		 */
		size_t outcomes = 0, most = size + 1;

		if (fmt == SVMC_FMT_HEX || fmt == SVMC_FMT_AUTO)
			most += FUZZ_HEX_STAR_PAGES;
		while (svmc_reader_next(r, &rec, &d) != SVMC_ERR_EMPTY) {
			if (++outcomes > most)
				abort();
			if (strlen(d.msg) >= sizeof(d.msg))
				abort();
		}
		svmc_reader_close(r);
	}
	close(fd);
	return 0;
}
