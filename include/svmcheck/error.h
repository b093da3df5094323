/*
 * svmcheck/error.h - status codes and the diagnostics that travel with them.
 *
 * Functions return an enum svmc_err; where an error concerns a position in an
 * input they also fill a struct svmc_diag (input name, line or byte offset,
 * record index, a sentence).  svmc_strerror() names a code in prose,
 * svmc_err_code() gives its stable snake_case token (the "code" of JSON error
 * objects); svmc_diag_format() renders "INPUT:LINE: message" /
 * "INPUT: offset N: message"; svmc_diag_members() is the one definition of
 * the JSON error object's members.
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

/* Short name of a code in prose ("malformed input", ...). Never NULL. */
const char *svmc_strerror(enum svmc_err code);

/*
 * Stable token of a code for machines ("bad_format", "io_error", ...):
 * snake_case, never changed once released, listed in svmcheck-json(5).
 * "unknown" for a value outside the enum.  Never NULL.
 */
const char *svmc_err_code(enum svmc_err code);

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

/*
 * "input:line: msg", "input: offset N (0xN): msg", "input: msg", or just
 * "msg" when d has neither input nor position, into buf (snprintf rules).
 */
size_t svmc_diag_format(const struct svmc_diag *d, char *buf, size_t n);
/*
 * How messages name an input: "<stdin>" for standard input ("-" or NULL),
 * else the name itself (borrowed).  JSON keeps the name as given.
 */
const char *svmc_input_display(const char *input);

/* One member of a JSON error object: a string (str != NULL) or a number. */
struct svmc_diag_member {
	const char *key;
	const char *str; /* borrowed from d or static; NULL for a number */
	uint64_t num;
};
#define SVMC_DIAG_MEMBERS 6

/*
 * The members of the JSON error object for d, in order, into m; returns
 * their count.  This is the one shape of every error object svmcheck prints:
 *   {"type":"error","input"?,"index"?,"line"?|"offset"?,"code","message"}
 * with the optional members only when d knows them; "code" is
 * svmc_err_code(d->code).  Every JSON writer renders errors from it.
 */
unsigned svmc_diag_members(const struct svmc_diag *d, struct svmc_diag_member m[SVMC_DIAG_MEMBERS]);

#endif /* SVMCHECK_ERROR_H */
