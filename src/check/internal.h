/*
 * internal.h - what the engine's own files share and nobody else needs: the
 * executable half of each check-table row (predicate, guard, message) and
 * small helpers for messages.  The public half is in svmcheck/check.h.
 */
#ifndef SVMCHECK_CHECK_INTERNAL_H
#define SVMCHECK_CHECK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svmcheck/check.h"

/*
 * The executable half of a row.
 *   need   the fields the predicate reads, as a known-mask (record.h words)
 *   fails  the predicate, on a VMCB whose `need` fields are all known
 *   passes_partial  optional: true if, from the fields that are known, the
 *          check is already known to pass (its guard is off); called only
 *          when some `need` field is unknown
 *   msg    the sentence (without the "; WHO fails VMRUN ..." tail)
 */
struct svmc_check_row {
	uint64_t need[SVMC_KNOWN_WORDS];
	bool (*fails)(const struct svmc_compiled *c, const struct vmcb *v);
	bool (*passes_partial)(const struct svmc_compiled *c, const struct svmc_record *r);
	int (*msg)(const struct svmc_compiled *c, const struct vmcb *v, char *buf, size_t n);
};

extern const struct svmc_check_row svmc_check_rows[SVMC_CHECK_COUNT];

#endif
