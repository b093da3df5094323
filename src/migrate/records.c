/*
 * records.c - the record diff of `svmcheck migrate`: every record of the
 * inputs is judged under the source's and the destination's judges (a
 * nested_state record by KVM_SET_NESTED_STATE on each side), and the
 * records whose verdict differs are handed to the caller.
 * The reading is the one input loop (src/replay/inputs.c).
 */
#include "svmcheck/replay.h"

struct rdiff {
	const struct svmc_panel *from, *to;
	void (*changed)(void *arg, const struct svmc_record *r, const struct svmc_result *rf,
			const struct svmc_result *rt);
	void (*error)(void *arg, const struct svmc_diag *d);
	void *arg;
};

static void rdiff_record(void *arg, const struct svmc_record *r)
{
	const struct rdiff *x = arg;
	struct svmc_result rf, rt;

	svmc_panel_evaluate(x->from, r, &rf);
	svmc_panel_evaluate(x->to, r, &rt);
	if (rf.verdict != rt.verdict)
		x->changed(x->arg, r, &rf, &rt);
}

static void rdiff_error(void *arg, const struct svmc_diag *d)
{
	const struct rdiff *x = arg;

	x->error(x->arg, d);
}

enum svmc_err svmc_migrate_records(const struct svmc_panel *from, const struct svmc_panel *to,
				   const char *const *inputs, size_t n, enum svmc_format fmt,
				   void (*changed)(void *arg, const struct svmc_record *r,
						   const struct svmc_result *rf,
						   const struct svmc_result *rt),
				   void (*error)(void *arg, const struct svmc_diag *d), void *arg,
				   struct svmc_input_stats *st)
{
	struct rdiff x = { from, to, changed, error, arg };

	if (svmc_panel_width(from) != 1 || svmc_panel_width(to) != 1)
		return SVMC_ERR_USAGE;

	return svmc_inputs_each(inputs, n, fmt, rdiff_record, rdiff_error, &x, st);
}
