/*
 * fuzz_reader.c - one VMCB reader (FUZZ_FORMAT_NAME, or "auto" detection)
 * over arbitrary bytes: every call must end, with records or errors, and
 * never crash, hang or grow without bound.
 */
#include <stdint.h>
#include <stdio.h>
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
	char path[64], name[32];
	int fd;

	/* the registry row's ident ("kvm_dump") is its -f name with '-' for '_' */
	snprintf(name, sizeof(name), "%s", FUZZ_FORMAT_NAME);
	for (char *p = name; *p; p++)
		if (*p == '_')
			*p = '-';
	if (svmc_format_parse(name, &fmt) != 0)
		abort();
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
