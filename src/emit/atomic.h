/*
 * atomic.h - write an output file through a temporary file beside it and a
 * rename(2), so that a failed or interrupted run never leaves a truncated
 * file (the -o promise of svmcheck(1)), and never touches the target until the end.
 */
#ifndef SVMCHECK_OUT_ATOMIC_H
#define SVMCHECK_OUT_ATOMIC_H

#include <stdbool.h>
#include <stdio.h>

#include "svmcheck/error.h"

struct svmc_atomic_file {
	const char *path; /* the target; borrowed */
	char *tmp;        /* "<path>.tmpXXXXXX", owned */
	FILE *f;          /* write here */
};

/*
 * Create the temporary file for path.  On failure d (if not NULL) says why
 * and af holds nothing to close.
 */
enum svmc_err svmc_atomic_open(struct svmc_atomic_file *af, const char *path, struct svmc_diag *d);

/*
 * Finish: with ok, flush, give the file the umask's permissions (mkstemp
 * makes 0600), fsync and rename it into place; without ok, or if any of that
 * fails, remove the temporary file.  Returns SVMC_OK only if the target was
 * replaced; d says why not.  Safe to call on an af that svmc_atomic_open failed.
 */
enum svmc_err svmc_atomic_close(struct svmc_atomic_file *af, bool ok, struct svmc_diag *d);

/* Does path name one of inputs[0..n) (same name, or the same file)? "-" never matches. */
bool svmc_atomic_names_input(const char *path, char *const *inputs, int n);

#endif
