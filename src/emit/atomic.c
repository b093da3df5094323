/*
 * atomic.c - output files written through a temporary file and rename(2).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emit/atomic.h"

enum svmc_err svmc_atomic_open(struct svmc_atomic_file *af, const char *path, struct svmc_diag *d)
{
	size_t n = strlen(path) + 16;
	int fd;

	af->path = path;
	af->f = NULL;
	af->tmp = malloc(n);
	if (!af->tmp)
		return svmc_diag_set(d, SVMC_ERR_NOMEM, "out of memory");
	snprintf(af->tmp, n, "%s.tmpXXXXXX", path);
	fd = mkstemp(af->tmp);
	if (fd >= 0)
		af->f = fdopen(fd, "wb");
	if (!af->f) {
		int err = errno;
		if (fd >= 0) {
			close(fd);
			unlink(af->tmp);
		}
		free(af->tmp);
		af->tmp = NULL;
		return svmc_diag_set(d, SVMC_ERR_IO, "cannot create a temporary file beside it: %s",
				     strerror(err));
	}
	return SVMC_OK;
}

enum svmc_err svmc_atomic_close(struct svmc_atomic_file *af, bool ok, struct svmc_diag *d)
{
	enum svmc_err e = SVMC_OK;
	mode_t um;

	if (!af->f) {
		free(af->tmp);
		af->tmp = NULL;
		return svmc_diag_set(d, SVMC_ERR_IO, "no output file");
	}
	um = umask(0);
	umask(um);
	if (ok && (fflush(af->f) != 0 || ferror(af->f) || fchmod(fileno(af->f), 0666 & ~um) != 0 ||
		   fsync(fileno(af->f)) != 0))
		e = svmc_diag_set(d, SVMC_ERR_IO, "cannot write: %s", strerror(errno));
	if (fclose(af->f) != 0 && ok && !e)
		e = svmc_diag_set(d, SVMC_ERR_IO, "cannot write: %s", strerror(errno));
	af->f = NULL;
	if (ok && !e && rename(af->tmp, af->path) != 0)
		e = svmc_diag_set(d, SVMC_ERR_IO, "cannot rename into place: %s", strerror(errno));
	if (!ok || e) {
		unlink(af->tmp);
		if (!e)
			e = svmc_diag_set(d, SVMC_ERR_IO, "not written: the run failed");
	}
	free(af->tmp);
	af->tmp = NULL;
	return e;
}

bool svmc_atomic_names_input(const char *path, char *const *inputs, int n)
{
	struct stat so, si;
	bool have = stat(path, &so) == 0;

	for (int i = 0; i < n; i++) {
		if (strcmp(inputs[i], "-") == 0)
			continue;
		if (strcmp(inputs[i], path) == 0)
			return true;
		if (have && stat(inputs[i], &si) == 0 && si.st_dev == so.st_dev &&
		    si.st_ino == so.st_ino)
			return true;
	}
	return false;
}
