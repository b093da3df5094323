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
 * The installed profiles directory next to the running executable:
 * dirname(/proc/self/exe) + "/" + SVMCHECK_REL_PROFILES into buf.  Returns
 * false when the build did not define the relative path, /proc is missing,
 * the directory does not exist or the result does not fit.
 */
static bool exe_relative_dir(char *buf, size_t n)
{
#ifdef SVMCHECK_REL_PROFILES
	char exe[4096], rel[4096 + 64], resolved[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (len <= 0)
		return false;
	exe[len] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return false;
	*slash = '\0';
	if ((size_t)snprintf(rel, sizeof(rel), "%s/%s", exe, SVMCHECK_REL_PROFILES) >= sizeof(rel))
		return false;
	/* "/usr/bin/../share/..." -> "/usr/share/...": the paths users see */
	if (!realpath(rel, resolved) || strlen(resolved) >= n)
		return false;
	memcpy(buf, resolved, strlen(resolved) + 1);
	return true;
#else
	(void)buf;
	(void)n;
	return false;
#endif
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
	if (exe_relative_dir(exe_dir, sizeof(exe_dir)))
		list[n++] = exe_dir;
	list[n++] = SVMCHECK_SOURCE_DIR "/profiles";
	list[n++] = SVMCHECK_DATADIR "/profiles";
	svmc_profile_path_set(list, n);
}
