/*
 * hexdigit.h - hex digits, once for every reader (hex dumps, kernel logs,
 * Xen dumps, cpuid -r dumps, profile JSON): a table lookup, no locale.
 * Private to the library.
 */
#ifndef SVMCHECK_HEXDIGIT_H
#define SVMCHECK_HEXDIGIT_H

#include <stdbool.h>
#include <stdint.h>

/* One more than the value of a hex digit, by byte; 0 for any other byte. */
extern const uint8_t svmc_hexval1[256];

static inline bool svmc_is_hex(unsigned char c)
{
	return svmc_hexval1[c] != 0;
}

/* The value of hex digit c (0..15); meaningful only if svmc_is_hex(c). */
static inline unsigned svmc_hex_value(unsigned char c)
{
	return (unsigned)svmc_hexval1[c] - 1u;
}

#endif /* SVMCHECK_HEXDIGIT_H */
