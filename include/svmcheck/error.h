/*
 * svmcheck/error.h - status codes and the diagnostics that travel with them.
 *
 * Functions return an enum svmc_err; where an error concerns a position in an
 * input they also fill a struct svmc_diag (input name, line or byte offset,
 * record index, a sentence).  svmc_strerror() names a code; svmc_diag_format()
 * renders "INPUT:LINE: message" / "INPUT: offset N: message".
 */
#ifndef SVMCHECK_ERROR_H
#define SVMCHECK_ERROR_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

enum svmc_err {
	SVMC_OK = 0,
	SVMC_ERR_IO,        /* cannot open/read/write */
	SVMC_ERR_FORMAT,    /* malformed input */
	SVMC_ERR_TRUNCATED, /* input ends inside a record */
	SVMC_ERR_RANGE,     /* a value too wide for its field, or out of range */
	SVMC_ERR_CONFLICT,  /* contradictory duplicate labels */
	SVMC_ERR_USAGE,     /* bad argument */
	SVMC_ERR_NOMEM,
	SVMC_ERR_NOTFOUND, /* unknown name (profile, feature, model, field) */
	SVMC_ERR_NOSVM,    /* a CPU profile without SVM where one is needed */
	SVMC_ERR_EMPTY,    /* input holds no record at all */
	SVMC_ERR_LIMIT,    /* a line, nesting depth or size limit was hit */
	SVMC_ERR_COUNT
};

#define SVMC_NO_LINE 0u
#define SVMC_NO_OFFSET UINT64_MAX
#define SVMC_NO_INDEX UINT64_MAX

/* Where and why.  All fields optional; msg is always NUL-terminated. */
struct svmc_diag {
	enum svmc_err code;
	const char *input; /* as given on the command line; borrowed */
	uint64_t line;     /* 1-based, SVMC_NO_LINE when not a text position */
	uint64_t offset;   /* byte offset, SVMC_NO_OFFSET when none */
	uint64_t index;    /* 0-based record index, SVMC_NO_INDEX when none */
	char msg[320];
};

/* Short name of a code ("malformed input", ...). Never NULL. */
const char *svmc_strerror(enum svmc_err code);

/* Reset d to "no error, no position" for input (borrowed). */
void svmc_diag_init(struct svmc_diag *d, const char *input);

/*
 * Record an error in d (if d is not NULL) and return code, so that callers
 * can write `return svmc_diag_set(d, SVMC_ERR_FORMAT, "...", ...);`.
 * Position fields already in d are kept.
 */
enum svmc_err svmc_diag_set(struct svmc_diag *d, enum svmc_err code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
enum svmc_err svmc_diag_vset(struct svmc_diag *d, enum svmc_err code, const char *fmt, va_list ap);

/* "input:line: msg", "input: offset 0x1000: msg" or "input: msg" into buf. */
size_t svmc_diag_format(const struct svmc_diag *d, char *buf, size_t n);

#endif /* SVMCHECK_ERROR_H */
