/*
 * profile_json.h - a CPU profile as an svmcheck/profile JSON document,
 * written through the streaming writer of emit.h.  It is the one profile
 * writer: `profile show -j`, the files of `profile capture` and `profile
 * import` (svmc_cpu_save_json) and anything else that writes a profile go
 * through it, so every profile document has the same keys in the same
 * order, the same value formats and the same escaping.
 *
 * The document: schema, schema_version, name, description, source, view?,
 * guest?, modifiers?, vendor, brand?, family, model, stepping, maxphyaddr?,
 * features?, leaves?.  Leaves are {"leaf","subleaf","eax","ebx","ecx","edx"}
 * hex strings, one per line in pretty mode.  The raw leaves are the source
 * of truth; what "features" and "maxphyaddr" hold depends on the view:
 *
 *   SVMC_PROFILE_FILE     what a profile file keeps: with leaves, only the
 *                         features and the MAXPHYADDR that differ from the
 *                         leaves' decode ({"name","present"} overrides, so
 *                         that editing a leaf still changes the features);
 *                         without leaves (a guest CPU model), the names of
 *                         the present features and MAXPHYADDR.
 *   SVMC_PROFILE_DECODED  the file plus the decoded view (`profile show
 *                         -j`): every feature svmcheck knows as {"name",
 *                         "present","leaf","subleaf","register","bit"},
 *                         MAXPHYADDR always and the modifiers applied.
 *
 * Both read back as the same CPU (svmc_cpu_load_json).
 */
#ifndef SVMCHECK_EMIT_PROFILE_JSON_H
#define SVMCHECK_EMIT_PROFILE_JSON_H

#include "emit/emit.h"
#include "svmcheck/cpu.h"

enum svmc_profile_view { SVMC_PROFILE_FILE, SVMC_PROFILE_DECODED };

/*
 * Write c into o: in a JSON mode one top-level object in the given view; in
 * text the `profile show` listing (identity, MAXPHYADDR, SVM, then the
 * feature table of svmc_profile_features), which is the decoded view
 * whatever view says.  Nothing in quiet mode.  Borrows c.  Returns 0, or
 * -1 when memory for the decode that SVMC_PROFILE_FILE compares against is
 * short (nothing is written then).
 */
int svmc_profile_emit(struct out *o, const struct svmc_cpu *c, enum svmc_profile_view view);

/*
 * Every feature svmcheck knows, with whether c has it and where CPUID holds
 * it, as a table (table.h): the "features" member of the decoded view in
 * JSON, the feature table of `profile show` in text ("no*": a raw profile
 * without the feature's leaf).  Borrows c.
 */
void svmc_profile_features(struct out *o, const struct svmc_cpu *c);

#endif /* SVMCHECK_EMIT_PROFILE_JSON_H */
