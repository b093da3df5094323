/*
 * error.c - svmc_strerror() and the diagnostics helpers of svmcheck/error.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "svmcheck/error.h"

static const char *const err_names[SVMC_ERR_COUNT] = {
	[SVMC_OK] = "success",
	[SVMC_ERR_IO] = "input/output error",
	[SVMC_ERR_FORMAT] = "malformed input",
	[SVMC_ERR_TRUNCATED] = "truncated input",
	[SVMC_ERR_RANGE] = "value out of range",
	[SVMC_ERR_CONFLICT] = "contradictory values",
	[SVMC_ERR_USAGE] = "usage error",
	[SVMC_ERR_NOMEM] = "out of memory",
	[SVMC_ERR_NOTFOUND] = "not found",
	[SVMC_ERR_NOSVM] = "CPU without SVM",
	[SVMC_ERR_EMPTY] = "no record",
	[SVMC_ERR_LIMIT] = "limit exceeded",
};

const char *svmc_strerror(enum svmc_err code)
{
	if ((unsigned)code >= SVMC_ERR_COUNT || !err_names[code])
		return "unknown error";
	return err_names[code];
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

size_t svmc_diag_format(const struct svmc_diag *d, char *buf, size_t n)
{
	const char *in = d->input ? d->input : "-";
	int r;

	if (d->line != SVMC_NO_LINE)
		r = snprintf(buf, n, "%s:%" PRIu64 ": %s", in, d->line, d->msg);
	else if (d->offset != SVMC_NO_OFFSET)
		r = snprintf(buf, n, "%s: offset %" PRIu64 " (0x%" PRIx64 "): %s", in, d->offset,
			     d->offset, d->msg);
	else
		r = snprintf(buf, n, "%s: %s", in, d->msg);
	return r < 0 ? 0 : (size_t)r;
}
