/*
 * profile_dirs.c - the profile search path of the svmcheck command, handed
 * to the library with svmc_profile_path_set() before any command runs.
 *
 * In order: the directories of $SVMCHECK_PROFILE_PATH (colon-separated);
 * the profiles directory of the installation this executable belongs to,
 * found from /proc/self/exe and the bindir-to-datadir path CMake computed
 * (SVMCHECK_REL_PROFILES), so that a copy installed with `cmake --install
 * --prefix P`, staged under DESTDIR or moved with its prefix finds its own
 * profiles; the source tree's profiles/ (a binary in a build tree); the
 * configured data directory SVMCHECK_DATADIR/profiles.  Directories that do
 * not exist are skipped when the library searches.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "svmcheck/cpu.h"
#include "svmcheck_config.h"

/*
 * A directory of the installation this executable belongs to:
 * dirname(/proc/self/exe) + "/" + rel (a bindir-relative path CMake
 * computed) into buf, resolved.  Returns false when rel is NULL, /proc is
 * missing, the directory does not exist or the result does not fit.
 */
bool cli_exe_relative_dir(const char *rel, char *buf, size_t n)
{
	char exe[4096], path[4096 + 64], resolved[PATH_MAX];
	ssize_t len = rel ? readlink("/proc/self/exe", exe, sizeof(exe) - 1) : -1;
	char *slash;

	if (len <= 0)
		return false;
	exe[len] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return false;
	*slash = '\0';
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", exe, rel) >= sizeof(path))
		return false;
	/* "/usr/bin/../share/..." -> "/usr/share/...": the paths users see */
	if (!realpath(path, resolved) || strlen(resolved) >= n)
		return false;
	memcpy(buf, resolved, strlen(resolved) + 1);
	return true;
}

void cli_profile_dirs_init(void)
{
	static char env_dirs[SVMC_PROFILE_PATH_MAX][4096];
	static char exe_dir[4096];
	const char *list[SVMC_PROFILE_PATH_MAX];
	const char *env = getenv("SVMCHECK_PROFILE_PATH");
	size_t n = 0, nenv = 0;

	for (const char *p = env; p && *p && n < SVMC_PROFILE_PATH_MAX - 3;) {
		const char *colon = strchr(p, ':');
		size_t len = colon ? (size_t)(colon - p) : strlen(p);

		if (len && len < sizeof(env_dirs[0])) {
			memcpy(env_dirs[nenv], p, len);
			env_dirs[nenv][len] = '\0';
			list[n++] = env_dirs[nenv++];
		}
		if (!colon)
			break;
		p = colon + 1;
	}
#ifndef SVMCHECK_REL_PROFILES
#define SVMCHECK_REL_PROFILES NULL
#endif
	if (cli_exe_relative_dir(SVMCHECK_REL_PROFILES, exe_dir, sizeof(exe_dir)))
		list[n++] = exe_dir;
	list[n++] = SVMCHECK_SOURCE_DIR "/profiles";
	list[n++] = SVMCHECK_DATADIR "/profiles";
	svmc_profile_path_set(list, n);
}
