/*
 * profile_path.c - where bundled profiles live and how a bundled name is
 * found.  The library does not guess where it was installed: its caller
 * gives the search path with svmc_profile_path_set() (the svmcheck command
 * computes it from $SVMCHECK_PROFILE_PATH, its own installation and its
 * build tree: src/cli/profile_dirs.c).  NAME means NAME.json in the first
 * directory of that path that has it.
 *
 * The list is copied into fixed static storage (no allocation), so setting
 * it cannot fail for lack of memory and reading it costs nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "svmcheck/cpu.h"

#define POOL_BYTES ((size_t)SVMC_PROFILE_PATH_MAX * 512)

static char pool[POOL_BYTES];
static const char *dirs[SVMC_PROFILE_PATH_MAX];
static size_t ndirs;

static bool is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

int svmc_profile_path_set(const char *const *list, size_t n)
{
	size_t used = 0;
	int rc = 0;

	ndirs = 0;
	for (size_t i = 0; i < n; i++) {
		size_t len = list[i] ? strlen(list[i]) : 0;

		if (!len)
			continue;
		if (ndirs == SVMC_PROFILE_PATH_MAX || len + 1 > POOL_BYTES - used) {
			rc = -1;
			continue;
		}
		memcpy(pool + used, list[i], len + 1);
		dirs[ndirs++] = pool + used;
		used += len + 1;
	}
	return rc;
}

int svmc_profile_dirs(int (*fn)(const char *dir, void *arg), void *arg)
{
	int rc;

	for (size_t i = 0; i < ndirs; i++)
		if (is_dir(dirs[i]) && (rc = fn(dirs[i], arg)) != 0)
			return rc;
	return 0;
}

struct find_ctx {
	const char *name;
	char *buf;
	size_t n;
};

static int try_dir(const char *dir, void *arg)
{
	struct find_ctx *fc = arg;
	struct stat st;

	if ((size_t)snprintf(fc->buf, fc->n, "%s/%s.json", dir, fc->name) >= fc->n)
		return 0;
	return stat(fc->buf, &st) == 0 && S_ISREG(st.st_mode) ? 1 : 0;
}

bool svmc_profile_find(const char *name, char *buf, size_t n)
{
	struct find_ctx fc = { name, buf, n };

	if (!name || !*name || name[0] == '.' || strlen(name) > 80)
		return false;
	for (const char *p = name; *p; p++)
		if (!(*p == '-' || *p == '_' || *p == '.' || (*p >= '0' && *p <= '9') ||
		      (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
			return false;
	return svmc_profile_dirs(try_dir, &fc) == 1;
}
