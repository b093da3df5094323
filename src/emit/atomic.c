/*
 * atomic.c - output files written through a temporary file and rename(2),
 * or directly when the target is not a regular file (see atomic.h), and the
 * registry of temporary files that a signal handler removes.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "emit/atomic.h"

/* ---- the registry of temporary files -------------------------------------- */

/*
 * A signal handler may only read what is lock-free: each slot is an atomic
 * pointer to a temporary file's name, taken (exchanged for NULL) by whoever
 * removes it.  A name the handler took is never freed: the process is ending.
 */
_Static_assert(ATOMIC_POINTER_LOCK_FREE == 2, "the signal registry needs lock-free pointers");
#define TMP_SLOTS 16
static _Atomic(char *) tmp_slots[TMP_SLOTS];

static int slot_add(char *name)
{
	for (int i = 0; i < TMP_SLOTS; i++) {
		char *none = NULL;

		if (atomic_compare_exchange_strong(&tmp_slots[i], &none, name))
			return i;
	}
	return -1; /* full: the file is still written, only not removed on a signal */
}

/* Take af's name out of the registry; true if it was still there (ours to free). */
static bool slot_take(struct svmc_atomic_file *af)
{
	if (af->slot < 0)
		return true;
	return atomic_exchange(&tmp_slots[af->slot], NULL) != NULL;
}

void svmc_atomic_unlink_all(void)
{
	for (int i = 0; i < TMP_SLOTS; i++) {
		char *name = atomic_exchange(&tmp_slots[i], NULL);

		if (name)
			unlink(name);
	}
}

static void on_fatal_signal(int sig)
{
	struct sigaction dfl;
	sigset_t s;

	svmc_atomic_unlink_all();
	/* die of sig, so that the parent sees it (status 128 + sig in a shell) */
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(sig, &dfl, NULL);
	raise(sig);
	sigemptyset(&s);
	sigaddset(&s, sig);
	pthread_sigmask(SIG_UNBLOCK, &s, NULL);
	_exit(128 + sig); /* only if sig's default action did not end the process */
}

int svmc_atomic_catch_signal(int sig, bool force)
{
	struct sigaction sa, old;

	if (sigaction(sig, NULL, &old) != 0)
		return -1;
	if (old.sa_handler == SIG_IGN && !force)
		return 0; /* nohup, a background job: the user chose to ignore it */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal_signal;
	sigfillset(&sa.sa_mask); /* one handler at a time */
	return sigaction(sig, &sa, NULL);
}

/* ---- names ------------------------------------------------------------------ */

/* The directory part of name ("." when it has none); malloc'd, NULL when out of memory. */
static char *dir_of(const char *name)
{
	const char *slash = strrchr(name, '/');

	if (!slash)
		return strdup(".");
	if (slash == name)
		return strdup("/");
	return strndup(name, (size_t)(slash - name));
}

/*
 * Follow name's symbolic links to the name of the file they lead to (which
 * may not exist yet: a dangling link creates its target, as open(2) does).
 * *via_proc is set, and name itself returned, when a link lives in /proc:
 * /proc/self/fd/N leads to an open file, not to a place to put a new one.
 * malloc'd; NULL with errno on failure.
 */
static char *follow_links(const char *name, bool *via_proc)
{
	char *cur = strdup(name);

	*via_proc = false;
	for (int hop = 0; cur && hop < 40; hop++) {
		struct stat st;
		struct statfs sf;
		char buf[PATH_MAX], *dir, *next;
		ssize_t n;

		if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode))
			return cur; /* the file itself, or a name to create */
		dir = dir_of(cur);
		if (!dir) {
			free(cur);
			errno = ENOMEM;
			return NULL;
		}
		if (statfs(dir, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC) {
			free(dir);
			free(cur);
			*via_proc = true;
			return strdup(name);
		}
		n = readlink(cur, buf, sizeof(buf) - 1);
		if (n < 0) {
			int err = errno;
			free(dir);
			free(cur);
			errno = err;
			return NULL;
		}
		buf[n] = '\0';
		if (buf[0] == '/') {
			next = strdup(buf);
		} else {
			next = malloc(strlen(dir) + (size_t)n + 2);
			if (next)
				sprintf(next, "%s/%s", dir, buf);
		}
		free(dir);
		free(cur);
		cur = next;
	}
	if (cur) { /* 40 links, as the kernel allows */
		free(cur);
		errno = ELOOP;
	}
	return NULL;
}

/*
 * "<dir>/<base>.tmpXXXXXX" beside target, base cut so that the name fits
 * the directory's NAME_MAX.  malloc'd, NULL when out of memory.
 */
static char *tmp_name(const char *target)
{
	static const char suffix[] = ".tmpXXXXXX";
	const char *slash = strrchr(target, '/');
	const char *base = slash ? slash + 1 : target;
	char *dir = dir_of(target), *tmp;
	long namemax;
	size_t keep = strlen(base);

	if (!dir)
		return NULL;
	namemax = pathconf(dir, _PC_NAME_MAX);
	if (namemax <= 0)
		namemax = NAME_MAX;
	if (keep + sizeof(suffix) - 1 > (size_t)namemax)
		keep = (size_t)namemax - (sizeof(suffix) - 1);
	tmp = malloc(strlen(dir) + keep + sizeof(suffix) + 1);
	if (tmp)
		sprintf(tmp, "%s/%.*s%s", dir, (int)keep, base, suffix);
	free(dir);
	return tmp;
}

/* ---- open and close ------------------------------------------------------- */

/* Write name itself: a device, a FIFO, a file open elsewhere (flags say how). */
static enum svmc_err open_direct(struct svmc_atomic_file *af, const char *name, int flags,
				 struct svmc_diag *d)
{
	int fd = open(name, flags | O_CLOEXEC | O_NOCTTY);

	if (fd >= 0)
		af->f = fdopen(fd, "wb");
	if (!af->f) {
		int err = errno;
		if (fd >= 0)
			close(fd);
		return svmc_diag_set(d, SVMC_ERR_IO, "cannot open for writing: %s", strerror(err));
	}
	return SVMC_OK;
}

enum svmc_err svmc_atomic_open(struct svmc_atomic_file *af, const char *path, struct svmc_diag *d)
{
	struct stat st;
	sigset_t all, old;
	bool via_proc;
	mode_t um;
	int fd, err;

	memset(af, 0, sizeof(*af));
	af->path = path;
	af->slot = -1;
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return svmc_diag_set(d, SVMC_ERR_IO, "cannot write: it is a directory");
		if (!S_ISREG(st.st_mode)) /* /dev/null, a FIFO: keep it what it is */
			return open_direct(af, path, O_WRONLY, d);
	} else if (errno != ENOENT) {
		return svmc_diag_set(d, SVMC_ERR_IO, "cannot write: %s", strerror(errno));
	}
	af->target = follow_links(path, &via_proc);
	if (!af->target)
		return svmc_diag_set(d, SVMC_ERR_IO, "cannot follow its symbolic links: %s",
				     strerror(errno));
	if (via_proc) { /* /dev/stdout onto a file: write where that descriptor writes */
		free(af->target);
		af->target = NULL;
		return open_direct(af, path, O_WRONLY | O_APPEND, d);
	}
	um = umask(0);
	umask(um);
	af->mode = 0666 & ~um;
	if (stat(af->target, &st) == 0) {
		if (!S_ISREG(st.st_mode)) { /* changed under us since the first look */
			enum svmc_err e = open_direct(af, af->target, O_WRONLY, d);
			free(af->target);
			af->target = NULL;
			return e;
		}
		af->replaces = true;
		af->mode = st.st_mode & 07777;
		af->uid = st.st_uid;
		af->gid = st.st_gid;
	}
	af->tmp = tmp_name(af->target);
	if (!af->tmp) {
		free(af->target);
		af->target = NULL;
		return svmc_diag_set(d, SVMC_ERR_NOMEM, "out of memory");
	}
	/* no signal between creating the file and registering it */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	fd = mkostemp(af->tmp, O_CLOEXEC);
	err = errno;
	if (fd >= 0)
		af->slot = slot_add(af->tmp);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (fd >= 0) {
		af->f = fdopen(fd, "wb");
		err = errno;
	}
	if (!af->f) {
		if (fd >= 0) {
			close(fd);
			unlink(af->tmp);
		}
		if (slot_take(af))
			free(af->tmp);
		af->tmp = NULL;
		free(af->target);
		af->target = NULL;
		return svmc_diag_set(d, SVMC_ERR_IO, "cannot create a temporary file beside it: %s",
				     strerror(err));
	}
	return SVMC_OK;
}

/* Flush af->f and give the temporary file its final mode, owner and data on disk. */
static int finish_tmp(struct svmc_atomic_file *af)
{
	int fd = fileno(af->f);
	mode_t mode = af->mode;
	struct stat st;

	if (fflush(af->f) != 0 || ferror(af->f))
		return -1;
	if (af->replaces && fstat(fd, &st) == 0 && (st.st_uid != af->uid || st.st_gid != af->gid) &&
	    fchown(fd, af->uid, af->gid) != 0)
		mode &= ~(mode_t)(S_ISUID | S_ISGID); /* never set-id under another owner */
	if (fchmod(fd, mode) != 0 || fsync(fd) != 0)
		return -1;
	return 0;
}

/* Why the caller gave up (ok false): a write to af->f that failed, or the run. */
static enum svmc_err why_not(struct svmc_atomic_file *af, int err, const char *run,
			     struct svmc_diag *d)
{
	if (ferror(af->f) && err)
		return svmc_diag_set(d, SVMC_ERR_IO, "cannot write: %s", strerror(err));
	return svmc_diag_set(d, SVMC_ERR_IO, "%s", run);
}

enum svmc_err svmc_atomic_close(struct svmc_atomic_file *af, bool ok, struct svmc_diag *d)
{
	enum svmc_err e = SVMC_OK;
	int err = errno; /* a failed write just before the caller gave up set it */

	if (!af->f) {
		free(af->tmp);
		free(af->target);
		af->tmp = af->target = NULL;
		return svmc_diag_set(d, SVMC_ERR_IO, "no output file");
	}
	if (!ok)
		e = why_not(af, err,
			    af->tmp ? "not written: the run failed" :
				      "not complete: the run failed",
			    d);
	if (!af->tmp) { /* written directly */
		if (ok && (fflush(af->f) != 0 || ferror(af->f)))
			e = svmc_diag_set(d, SVMC_ERR_IO, "cannot write: %s", strerror(errno));
		if (fclose(af->f) != 0 && ok && !e)
			e = svmc_diag_set(d, SVMC_ERR_IO, "cannot write: %s", strerror(errno));
		af->f = NULL;
		return e;
	}
	if (ok && finish_tmp(af) != 0)
		e = svmc_diag_set(d, SVMC_ERR_IO, "cannot write: %s", strerror(errno));
	if (fclose(af->f) != 0 && ok && !e)
		e = svmc_diag_set(d, SVMC_ERR_IO, "cannot write: %s", strerror(errno));
	af->f = NULL;
	if (ok && !e && rename(af->tmp, af->target) != 0)
		e = svmc_diag_set(d, SVMC_ERR_IO, "cannot rename into place: %s", strerror(errno));
	if (!ok || e)
		unlink(af->tmp);
	/* the name is gone (renamed or removed): only now out of the registry */
	if (slot_take(af))
		free(af->tmp);
	free(af->target);
	af->tmp = af->target = NULL;
	return e;
}

bool svmc_atomic_names_input(const char *path, char *const *inputs, int n)
{
	struct stat so, si;
	bool have = stat(path, &so) == 0;

	if (have && S_ISCHR(so.st_mode))
		return false; /* /dev/null, a terminal: writing them destroys nothing */
	for (int i = 0; i < n; i++) {
		if (strcmp(inputs[i], "-") == 0) {
			if (have && fstat(STDIN_FILENO, &si) == 0 && si.st_dev == so.st_dev &&
			    si.st_ino == so.st_ino)
				return true; /* standard input reads it */
			continue;
		}
		if (strcmp(inputs[i], path) == 0)
			return true;
		if (have && stat(inputs[i], &si) == 0 && si.st_dev == so.st_dev &&
		    si.st_ino == so.st_ino)
			return true;
	}
	return false;
}
