/*
 * atomic.h - write an output file so that a failed or interrupted run never
 * leaves a truncated or damaged file (the -o promise of svmcheck(1)).
 *
 * A regular file (or a name that does not exist yet) is written through a
 * temporary file beside it and a rename(2), and the target is not touched
 * until the end.  A symbolic link is followed first: the temporary file sits
 * beside the file the link leads to, which is the one replaced, so the link
 * stays a link.  A file that is not regular (a character device such as
 * /dev/null, a FIFO, a socket) cannot be replaced by a rename without
 * destroying it: it is opened and written directly, as a shell's `>` would.
 * So is a name that reaches a regular file through a link in /proc
 * (/dev/stdout, /dev/fd/N): such a name is another descriptor of a file a
 * process holds open, and is appended to, as that descriptor would write.
 *
 * The temporary file of every open svmc_atomic_file is registered, so that a
 * signal handler can remove it (svmc_atomic_unlink_all(),
 * svmc_atomic_catch_signal()).
 */
#ifndef SVMCHECK_OUT_ATOMIC_H
#define SVMCHECK_OUT_ATOMIC_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "svmcheck/error.h"

struct svmc_atomic_file {
	const char *path; /* the target as given; borrowed */
	char *target;     /* the file replaced (path with its symlinks followed), owned */
	char *tmp;        /* temporary file beside target, owned; NULL when written directly */
	FILE *f;          /* write here */
	int slot;         /* this tmp's place in the signal registry, or -1 */
	bool replaces;    /* target exists: tmp gets its mode and owner */
	mode_t mode;      /* permissions for the file at close */
	uid_t uid;        /* owner and group of the file replaced */
	gid_t gid;
};

/*
 * Open path for writing, as the header says: a temporary file beside the
 * regular file (or new name) it will replace, or the non-regular file
 * itself.  The temporary name is the target's name (shortened when needed to
 * fit the directory's NAME_MAX) plus ".tmpXXXXXX".  A directory, or a name
 * that cannot be examined, is refused.  On failure d (if not NULL) says why
 * and af holds nothing to close.
 */
enum svmc_err svmc_atomic_open(struct svmc_atomic_file *af, const char *path, struct svmc_diag *d);

/*
 * Finish: with ok, flush, give the temporary file the mode (and, where
 * permitted, the owner and group) of the file it replaces, or 0666 less the
 * umask for a new file, fsync and rename it into place; without ok, or if
 * any of that fails, remove the temporary file.  A file written directly is
 * flushed and closed.  Returns SVMC_OK only if everything was written; d says
 * why not.  Safe to call on an af that svmc_atomic_open failed.
 */
enum svmc_err svmc_atomic_close(struct svmc_atomic_file *af, bool ok, struct svmc_diag *d);

/*
 * Does path name one of inputs[0..n) (same name, or the same file by device
 * and inode, through symbolic and hard links)?  "-" (standard input) matches
 * when descriptor 0 is that file.  A character device (/dev/null, a
 * terminal) is never refused: writing it does not destroy what it reads.
 */
bool svmc_atomic_names_input(const char *path, char *const *inputs, int n);

/*
 * Remove every temporary file that an open svmc_atomic_file holds.
 * Async-signal-safe: for signal handlers; the files stay open.
 */
void svmc_atomic_unlink_all(void);

/*
 * Catch sig (SIGINT, SIGTERM, SIGHUP, SIGPIPE, ...) with the one handler:
 * remove the temporary files, then end the process by sig with its default
 * action (the shell sees status 128 + sig).  A signal the process inherited
 * as ignored stays ignored unless force.  Returns 0 or -1 (errno).
 */
int svmc_atomic_catch_signal(int sig, bool force);

#endif
