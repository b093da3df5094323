/*
 * test_noalloc.c - the per-record path allocates nothing.
 *
 * This test is linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc
 * (tests/CMakeLists.txt), so every allocation made by the statically linked
 * library goes through the counters below.  After set-up (profile, compiled
 * model, reader open), reading and judging thousands of records must not
 * change the count, in every model.
 */
#include <stdlib.h>
#include <unistd.h>

#include "svmcheck/check.h"
#include "svmcheck/cpu.h"
#include "svmcheck/record.h"
#include "tcheck.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);

static volatile unsigned long allocs; /* volatile: the compiler assumes malloc leaves globals alone */

void *__wrap_malloc(size_t n)
{
	allocs++;
	return __real_malloc(n);
}
void *__wrap_calloc(size_t n, size_t m)
{
	allocs++;
	return __real_calloc(n, m);
}
void *__wrap_realloc(void *p, size_t n)
{
	allocs++;
	return __real_realloc(p, n);
}

#define PAGES 3000

int main(void)
{
	static struct svmc_cpu cpu;
	static struct svmc_compiled c;
	static struct svmc_record rec;
	char path[] = "/tmp/svmcheck-noalloc-XXXXXX";
	struct svmc_diag d;
	unsigned char page[SVMC_VMCB_PAGE_SIZE];
	int fd = mkstemp(path);

	tcheck_profiles();
	/* a corpus of varied pages: every check sees passing and failing values */
	CHECK(fd >= 0);
	for (unsigned i = 0; i < PAGES && fd >= 0; i++) {
		for (unsigned b = 0; b < SVMC_VMCB_PAGE_SIZE; b++)
			page[b] = (unsigned char)((b * 31u + i * 17u) ^ (i >> 3));
		if (write(fd, page, sizeof(page)) != (ssize_t)sizeof(page))
			CHECK(0);
	}
	if (fd >= 0)
		close(fd);

	svmc_diag_init(&d, "epyc-milan");
	CHECK(svmc_cpu_resolve("epyc-milan", &cpu, &d) == SVMC_OK);
	/* a second, allocation-free malloc check: the counter itself works */
	unsigned long before_probe = allocs;
	void *volatile probe = malloc(16);
	free(probe);
	CHECK(allocs == before_probe + 1);

	for (size_t m = 0; m < svmc_model_count(); m++) {
		struct svmc_reader *r;
		struct svmc_result res;
		unsigned long records = 0, failed = 0, before;

		CHECK(svmc_compile(&c, svmc_model_at(m), &cpu, &d) == SVMC_OK);
		before = allocs;
		CHECK(svmc_reader_open(&r, path, SVMC_FMT_RAW, &d) == SVMC_OK);
		CHECK(allocs > before); /* the library's own calls are counted too */
		before = allocs;
		while (svmc_reader_next(r, &rec, &d) == SVMC_OK) {
			svmc_evaluate(&c, &rec, &res);
			records++;
			failed += res.verdict == SVMC_VMEXIT_INVALID;
		}
		CHECK_EQ_U64(allocs - before, 0);
		CHECK_EQ_U64(records, PAGES);
		CHECK(failed > 0); /* the loop did real work */
		svmc_reader_close(r);
	}
	unlink(path);
	return tcheck_done("test_noalloc");
}
