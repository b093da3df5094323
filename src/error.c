/*
 * error.c - the table of status codes (svmc_strerror() prose, svmc_err_code()
 * tokens) and the diagnostics helpers of svmcheck/error.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "svmcheck/error.h"

/*
 * The one table of status codes: for each, the stable snake_case token that
 * JSON error objects carry in "code" (scripts match on it; listed with its
 * meaning in svmcheck-json(5), and tests/unit/test_error_codes.c checks the
 * page against this table both ways) and the prose that text messages use.
 */
static const struct {
	const char *code, *text;
} err_table[SVMC_ERR_COUNT] = {
	/* clang-format off */
	[SVMC_OK]            = { "ok",                   "success" },
	[SVMC_ERR_IO]        = { "io_error",             "input/output error" },
	[SVMC_ERR_FORMAT]    = { "bad_format",           "malformed input" },
	[SVMC_ERR_TRUNCATED] = { "truncated",            "truncated input" },
	[SVMC_ERR_RANGE]     = { "out_of_range",         "value out of range" },
	[SVMC_ERR_CONFLICT]  = { "contradictory_values", "contradictory values" },
	[SVMC_ERR_USAGE]     = { "usage",                "usage error" },
	[SVMC_ERR_NOMEM]     = { "out_of_memory",        "out of memory" },
	[SVMC_ERR_NOTFOUND]  = { "not_found",            "not found" },
	[SVMC_ERR_NOSVM]     = { "no_svm",               "CPU without SVM" },
	[SVMC_ERR_EMPTY]     = { "no_record",            "no record" },
	[SVMC_ERR_LIMIT]     = { "limit_exceeded",       "limit exceeded" },
	/* clang-format on */
};

const char *svmc_strerror(enum svmc_err code)
{
	if ((unsigned)code >= SVMC_ERR_COUNT || !err_table[code].text)
		return "unknown error";
	return err_table[code].text;
}

const char *svmc_err_code(enum svmc_err code)
{
	if ((unsigned)code >= SVMC_ERR_COUNT || !err_table[code].code)
		return "unknown";
	return err_table[code].code;
}

unsigned svmc_diag_members(const struct svmc_diag *d, struct svmc_diag_member m[SVMC_DIAG_MEMBERS])
{
	unsigned n = 0;

	m[n++] = (struct svmc_diag_member){ "type", "error", 0 };
	if (d->input)
		m[n++] = (struct svmc_diag_member){ "input", d->input, 0 };
	if (d->index != SVMC_NO_INDEX)
		m[n++] = (struct svmc_diag_member){ "index", NULL, d->index };
	if (d->line != SVMC_NO_LINE)
		m[n++] = (struct svmc_diag_member){ "line", NULL, d->line };
	else if (d->offset != SVMC_NO_OFFSET)
		m[n++] = (struct svmc_diag_member){ "offset", NULL, d->offset };
	m[n++] = (struct svmc_diag_member){ "code", svmc_err_code(d->code), 0 };
	m[n++] = (struct svmc_diag_member){ "message", d->msg, 0 };
	return n;
}

void svmc_diag_init(struct svmc_diag *d, const char *input)
{
	d->code = SVMC_OK;
	d->input = input;
	d->line = SVMC_NO_LINE;
	d->offset = SVMC_NO_OFFSET;
	d->index = SVMC_NO_INDEX;
	d->msg[0] = '\0';
}

enum svmc_err svmc_diag_vset(struct svmc_diag *d, enum svmc_err code, const char *fmt, va_list ap)
{
	if (d) {
		d->code = code;
		vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	}
	return code;
}

enum svmc_err svmc_diag_set(struct svmc_diag *d, enum svmc_err code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	svmc_diag_vset(d, code, fmt, ap);
	va_end(ap);
	return code;
}

const char *svmc_input_display(const char *input)
{
	return !input || strcmp(input, "-") == 0 ? "<stdin>" : input;
}

size_t svmc_diag_format(const struct svmc_diag *d, char *buf, size_t n)
{
	const char *in = svmc_input_display(d->input);
	int r;

	if (d->line != SVMC_NO_LINE)
		r = snprintf(buf, n, "%s:%" PRIu64 ": %s", in, d->line, d->msg);
	else if (d->offset != SVMC_NO_OFFSET)
		r = snprintf(buf, n, "%s: offset %" PRIu64 " (0x%" PRIx64 "): %s", in, d->offset,
			     d->offset, d->msg);
	else if (d->input)
		r = snprintf(buf, n, "%s: %s", in, d->msg);
	else
		r = snprintf(buf, n, "%s", d->msg); /* no input: a usage or system error */
	return r < 0 ? 0 : (size_t)r;
}
