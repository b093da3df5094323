/*
 * vector_names.c - exception vector and EVENTINJ type names (AMD APM vol. 2 section 8.2, 15.20).
 */
#include <stdio.h>

#include "svmcheck/vectors.h"

static const struct svmc_vector_name vec[32] = {
	[0] = { "DE", "Divide error", false },
	[1] = { "DB", "Debug", false },
	[2] = { "NMI", "Non-maskable interrupt", false },
	[3] = { "BP", "Breakpoint", false },
	[4] = { "OF", "Overflow", false },
	[5] = { "BR", "Bound range", false },
	[6] = { "UD", "Invalid opcode", false },
	[7] = { "NM", "Device not available", false },
	[8] = { "DF", "Double fault", true },
	[9] = { "CSO", "Coprocessor segment overrun (reserved)", false },
	[10] = { "TS", "Invalid TSS", true },
	[11] = { "NP", "Segment not present", true },
	[12] = { "SS", "Stack fault", true },
	[13] = { "GP", "General protection", true },
	[14] = { "PF", "Page fault", true },
	[15] = { "", "reserved", false },
	[16] = { "MF", "x87 floating point", false },
	[17] = { "AC", "Alignment check", true },
	[18] = { "MC", "Machine check", false },
	[19] = { "XM", "SIMD floating point", false },
	[20] = { "VE", "Virtualization exception (Intel only)", false },
	[21] = { "CP", "Control protection", true },
	[22] = { "", "reserved", false },
	[23] = { "", "reserved", false },
	[24] = { "", "reserved", false },
	[25] = { "", "reserved", false },
	[26] = { "", "reserved", false },
	[27] = { "", "reserved", false },
	[28] = { "HV", "Hypervisor injection", false },
	[29] = { "VC", "VMM communication", true },
	[30] = { "SX", "Security exception", true },
	[31] = { "", "reserved", false },
};

static const struct svmc_vector_name external = { "", "interrupt", false };

const struct svmc_vector_name *svmc_vector_name(unsigned vector)
{
	return vector < 32 ? &vec[vector] : &external;
}

const char *svmc_vector_mnemonic(unsigned vector, char *buf, size_t n)
{
	const struct svmc_vector_name *vn = svmc_vector_name(vector);

	snprintf(buf, n, "%s%s", vn->mnemonic[0] && vector != 2 ? "#" : "", vn->mnemonic);
	return buf;
}

const char *svmc_evtinj_type_name(unsigned type)
{
	static const char *const names[8] = {
		"INTR",     "reserved(1)", "NMI",         "EXCEPTION",
		"SOFT_INT", "reserved(5)", "reserved(6)", "reserved(7)",
	};
	return names[type & 7];
}
