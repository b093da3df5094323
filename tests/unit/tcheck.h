/*
 * tcheck.h - the smallest unit-test harness: CHECK macros that count and
 * report, and tcheck_done() that fails when anything failed or nothing ran.
 * Header-only; each tests/unit/test_*.c is its own executable.
 */
#ifndef SVMCHECK_TCHECK_H
#define SVMCHECK_TCHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int tcheck_run, tcheck_failed;

#define CHECK(cond)                                                                              \
	do {                                                                                     \
		tcheck_run++;                                                                    \
		if (!(cond)) {                                                                   \
			tcheck_failed++;                                                         \
			fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
		}                                                                                \
	} while (0)

#define CHECK_EQ_U64(a, b)                                                                  \
	do {                                                                                \
		uint64_t ta_ = (uint64_t)(a), tb_ = (uint64_t)(b);                          \
		tcheck_run++;                                                               \
		if (ta_ != tb_) {                                                           \
			tcheck_failed++;                                                    \
			fprintf(stderr,                                                     \
				"%s:%d: %s == %s failed: 0x%" PRIx64 " != 0x%" PRIx64 "\n", \
				__FILE__, __LINE__, #a, #b, ta_, tb_);                      \
		}                                                                           \
	} while (0)

#define CHECK_STREQ(a, b)                                                                       \
	do {                                                                                    \
		const char *ta_ = (a), *tb_ = (b);                                              \
		tcheck_run++;                                                                   \
		if (!ta_ || !tb_ || strcmp(ta_, tb_) != 0) {                                    \
			tcheck_failed++;                                                        \
			fprintf(stderr, "%s:%d: %s == %s failed: \"%s\" != \"%s\"\n", __FILE__, \
				__LINE__, #a, #b, ta_ ? ta_ : "(null)", tb_ ? tb_ : "(null)");  \
		}                                                                               \
	} while (0)

#ifdef SVMCHECK_TEST_DIR
#include "svmcheck/cpu.h"
/* The library searches no profile directory until told: the source tree's profiles/. */
static inline void tcheck_profiles(void)
{
	const char *dir = SVMCHECK_TEST_DIR "/../profiles";

	svmc_profile_path_set(&dir, 1);
}
#endif

static inline int tcheck_done(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, tcheck_run, tcheck_failed);
	if (tcheck_run == 0) {
		fprintf(stderr, "%s: no check ran\n", name);
		return 1;
	}
	return tcheck_failed ? 1 : 0;
}

#endif
