/*
 * engine.c - evaluate one record against a compiled model: every check of
 * the model in the model's order, so that the first failure met is the one
 * the implementation hits first.  The hot path of replay: no allocation, no
 * global state, per check one known-mask test, one indirect call and a few
 * loads and compares.
 */
#include "check/internal.h"

void svmc_evaluate(const struct svmc_compiled *c, const struct svmc_record *r, struct svmc_result *res)
{
	const struct svmc_model *m = c->model;
	svmc_checkset failed = 0, unevaluated = 0;
	int first = -1;

	for (unsigned i = 0; i < m->norder; i++) {
		unsigned id = m->order[i];
		const struct svmc_check_row *row = &svmc_check_rows[id];

		if ((row->need[0] & ~r->known[0]) | (row->need[1] & ~r->known[1])) {
			/* some field unknown: pass only if the known ones decide it */
			if (!row->passes_partial || !row->passes_partial(c, r))
				unevaluated |= SVMC_CHECK_BIT(id);
			continue;
		}
		if (row->fails(c, &r->vmcb)) {
			failed |= SVMC_CHECK_BIT(id);
			if (first < 0)
				first = (int)id;
		}
	}
	res->failed = failed;
	res->unevaluated = unevaluated;
	res->first = first;
	res->verdict = failed ? SVMC_VMEXIT_INVALID : unevaluated ? SVMC_INCOMPLETE : SVMC_VMRUN;
}

const char *svmc_verdict_name(enum svmc_verdict v)
{
	switch (v) {
	case SVMC_VMRUN:
		return "VMRUN";
	case SVMC_VMEXIT_INVALID:
		return "VMEXIT_INVALID";
	case SVMC_INCOMPLETE:
		return "INCOMPLETE";
	}
	return "?";
}
