/*
 * json.c - STUB: to be written (see reader.h for the contract).
 */
#include "vmcb/reader.h"

static enum svmc_err stub_next(struct svmc_reader *r, struct svmc_record *rec, struct svmc_diag *d)
{
	r->failed = true;
	(void)rec;
	return svmc_diag_set(d, SVMC_ERR_USAGE, "the json reader is not written yet");
}

const struct svmc_format_ops svmc_json_ops = {
	.format = SVMC_FMT_JSON,
	.next = stub_next,
};
