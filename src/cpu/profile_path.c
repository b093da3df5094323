/*
 * profile_path.c - where bundled profiles live and how a bundled name is
 * found: $SVMCHECK_PROFILE_PATH (colon-separated), then the profiles
 * directory of the installation the running program belongs to (found from
 * /proc/self/exe and the bindir-to-datadir path CMake computed, so a copy
 * installed with `cmake --install --prefix P` or into a DESTDIR staging tree
 * finds its own profiles), then the source tree's profiles/ (so a binary in
 * a build tree finds them), then the configured data directory
 * SVMCHECK_DATADIR/profiles.  NAME means NAME.json there.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "svmcheck/cpu.h"
#include "svmcheck_config.h"

static bool is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

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

int svmc_profile_dirs(int (*fn)(const char *dir, void *arg), void *arg)
{
	const char *env = getenv("SVMCHECK_PROFILE_PATH");
	char dir[4096];
	int rc;

	if (env) {
		const char *p = env;
		while (*p) {
			const char *colon = strchr(p, ':');
			size_t len = colon ? (size_t)(colon - p) : strlen(p);
			if (len && len < sizeof(dir)) {
				memcpy(dir, p, len);
				dir[len] = '\0';
				if (is_dir(dir) && (rc = fn(dir, arg)) != 0)
					return rc;
			}
			if (!colon)
				break;
			p = colon + 1;
		}
	}
	if (exe_relative_dir(dir, sizeof(dir)) && is_dir(dir) && (rc = fn(dir, arg)) != 0)
		return rc;
	if (is_dir(SVMCHECK_SOURCE_DIR "/profiles") &&
	    (rc = fn(SVMCHECK_SOURCE_DIR "/profiles", arg)) != 0)
		return rc;
	if (is_dir(SVMCHECK_DATADIR "/profiles") &&
	    (rc = fn(SVMCHECK_DATADIR "/profiles", arg)) != 0)
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
