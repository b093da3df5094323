/*
 * run_emu.h - `svmcheck replay --run qemu|bochs`: the records of the inputs
 * through a real SVM implementation (QEMU TCG or Bochs) with the
 * conformance guest (tests/conformance/README.md), and each record's real
 * verdict beside the emulator's own model (svmcheck-replay(1), RUNNING THE
 * REAL EMULATOR).
 *
 * Two passes over the inputs: run_emu_start() reads every record once,
 * boots the emulator on those it can run and judges them with the
 * emulator's model on the CPU the guest printed; replay's own pipeline then
 * reads them again and run_emu_format() adds the run to each record's
 * output.  Standard input is kept in the run's private directory so that
 * it can be read twice.
 */
#ifndef SVMCHECK_CLI_RUN_EMU_H
#define SVMCHECK_CLI_RUN_EMU_H

#include <signal.h>
#include <stdint.h>

#include "emit/emit.h"
#include "emit/replay_fmt.h"
#include "svmcheck/cpu.h"
#include "svmcheck/record.h"

struct run_emu;

/*
 * Run the records of inputs[0..n) (format fmt) under the emulator named
 * emu ("qemu" or "bochs").  Reports its own errors (a missing emulator or
 * guest, an emulator that does not run the guest) on eo.  Returns 0 with
 * *out set, 1 when *stop was set (an interrupt) on the way, -1 after
 * reporting; nothing is left behind but *out (its private directory is
 * gone either way).
 */
int run_emu_start(const char *emu, char **inputs, int n, enum svmc_format fmt,
		  volatile sig_atomic_t *stop, struct out *eo, struct run_emu **out);

/*
 * Add the run of record r to b, whose record output (text lines, or one
 * JSON object) f wrote from b->len == start on.  Safe from several threads.
 */
void run_emu_format(const struct run_emu *e, const struct replay_fmt *f, struct rbuf *b,
		    size_t start, const struct svmc_record *r);

/* The CPU the emulator showed (the guest's CPUID dump), named after the emulator. */
const struct svmc_cpu *run_emu_cpu(const struct run_emu *e);

/* Records whose real verdict disagrees with the emulator's model. */
uint64_t run_emu_disagreements(const struct run_emu *e);

void run_emu_free(struct run_emu *e);

#endif
