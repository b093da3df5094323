/*
 * test_profile_path.c - the library searches exactly the profile
 * directories its caller gives (svmc_profile_path_set), and none of its
 * own: no source tree, no directory next to the executable, no environment
 * variable.  The svmcheck command computes its path in
 * src/cli/profile_dirs.c (tested through the installed binary by
 * tests/install/install_test.sh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svmcheck/cpu.h"
#include "tcheck.h"

#define PROFILES SVMCHECK_TEST_DIR "/../profiles"

static int count_dir(const char *dir, void *arg)
{
	(void)dir;
	++*(int *)arg;
	return 0;
}

int main(void)
{
	static struct svmc_cpu cpu;
	static const char *const none[] = { "/nonexistent-svmcheck-dir", "" };
	static const char *const good[] = { "/nonexistent-svmcheck-dir", PROFILES };
	const char *many[SVMC_PROFILE_PATH_MAX + 1];
	struct svmc_diag d;
	char path[4096];
	int n = 0;

	/* nothing set: a bundled name is not found, even with the variable the CLI reads */
	setenv("SVMCHECK_PROFILE_PATH", PROFILES, 1);
	CHECK(!svmc_profile_find("epyc-milan", path, sizeof(path)));
	svmc_diag_init(&d, "epyc-milan");
	CHECK(svmc_cpu_resolve("epyc-milan", &cpu, &d) == SVMC_ERR_NOTFOUND);
	CHECK(svmc_profile_dirs(count_dir, &n) == 0 && n == 0);

	/* directories that do not exist are skipped, empty entries dropped */
	CHECK(svmc_profile_path_set(none, 2) == 0);
	n = 0;
	CHECK(svmc_profile_dirs(count_dir, &n) == 0 && n == 0);
	CHECK(!svmc_profile_find("epyc-milan", path, sizeof(path)));

	/* the caller's directory: found there, and only there */
	CHECK(svmc_profile_path_set(good, 2) == 0);
	n = 0;
	CHECK(svmc_profile_dirs(count_dir, &n) == 0 && n == 1);
	CHECK(svmc_profile_find("epyc-milan", path, sizeof(path)));
	CHECK_STREQ(path, PROFILES "/epyc-milan.json");
	svmc_diag_init(&d, "epyc-milan");
	CHECK(svmc_cpu_resolve("epyc-milan", &cpu, &d) == SVMC_OK);

	/* too many: the first SVMC_PROFILE_PATH_MAX are kept, -1 says one was dropped */
	for (unsigned i = 0; i < SVMC_PROFILE_PATH_MAX; i++)
		many[i] = "/nonexistent-svmcheck-dir";
	many[SVMC_PROFILE_PATH_MAX] = PROFILES;
	CHECK(svmc_profile_path_set(many, SVMC_PROFILE_PATH_MAX + 1) == -1);
	CHECK(!svmc_profile_find("epyc-milan", path, sizeof(path)));
	many[SVMC_PROFILE_PATH_MAX - 1] = PROFILES;
	CHECK(svmc_profile_path_set(many, SVMC_PROFILE_PATH_MAX) == 0);
	CHECK(svmc_profile_find("epyc-milan", path, sizeof(path)));

	/* cleared */
	CHECK(svmc_profile_path_set(NULL, 0) == 0);
	CHECK(!svmc_profile_find("epyc-milan", path, sizeof(path)));
	return tcheck_done("test_profile_path");
}
