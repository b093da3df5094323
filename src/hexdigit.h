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

/*
 * Eight bytes at once (SWAR, little-endian loads): a kernel log's values
 * are 8 and 16 hex digits, and reading them a byte at a time was an eighth
 * of the time of replaying a dump (bench/README.md).
 */
#define SVMC_SWAR_ONES UINT64_C(0x0101010101010101)
#define SVMC_SWAR_HIGH UINT64_C(0x8080808080808080)

/* The high bit of every byte of x that equals c, and no other bit (exact). */
static inline uint64_t svmc_swar_eq(uint64_t x, unsigned char c)
{
	uint64_t y = x ^ (SVMC_SWAR_ONES * c);

	return ~(((y & ~SVMC_SWAR_HIGH) + ~SVMC_SWAR_HIGH) | y) & SVMC_SWAR_HIGH;
}

/*
 * The value of the 8 hex digits at s (s[0] the most significant) into *v;
 * false when one of them is not a hex digit.
 */
/* the load below reads s[0] into the low byte */
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "svmc_hex8() reads eight digits as a little-endian word: port it first"
#endif
static inline bool svmc_hex8(const char *s, uint32_t *v)
{
	uint64_t x, lo, digit, alpha;

	__builtin_memcpy(&x, s, 8);
	if (x & SVMC_SWAR_HIGH)
		return false;
	/* bytes below 0x80: adding 0x80 - k sets a byte's high bit iff it is >= k */
	digit = (x + SVMC_SWAR_ONES * (0x80 - '0')) & ~(x + SVMC_SWAR_ONES * (0x80 - '9' - 1));
	lo = x | SVMC_SWAR_ONES * 0x20; /* 'A'-'F' as 'a'-'f'; digits keep 0x20 */
	alpha = (lo + SVMC_SWAR_ONES * (0x80 - 'a')) & ~(lo + SVMC_SWAR_ONES * (0x80 - 'f' - 1));
	if (((digit | alpha) & SVMC_SWAR_HIGH) != SVMC_SWAR_HIGH)
		return false;
	/* a nibble per byte: the low four bits, plus 9 for a letter */
	x = (x & SVMC_SWAR_ONES * 0x0f) + ((alpha & SVMC_SWAR_HIGH) >> 7) * 9;
	/* pack: byte 0 is the first (most significant) digit */
	x = (x & UINT64_C(0x000f000f000f000f)) << 4 | (x & UINT64_C(0x0f000f000f000f00)) >> 8;
	x = (x & UINT64_C(0x000000ff000000ff)) << 8 | (x & UINT64_C(0x00ff000000ff0000)) >> 16;
	x = (x & UINT64_C(0x000000000000ffff)) << 16 | (x & UINT64_C(0x0000ffff00000000)) >> 32;
	*v = (uint32_t)x;
	return true;
}

#endif /* SVMCHECK_HEXDIGIT_H */
