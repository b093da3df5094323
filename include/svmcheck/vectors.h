/*
 * svmcheck/vectors.h - names of x86 exception vectors and EVENTINJ types,
 * shared by inspect's decoding, the engine's messages and `vectors`.
 */
#ifndef SVMCHECK_VECTORS_H
#define SVMCHECK_VECTORS_H

#include <stdbool.h>

struct svmc_vector_name {
	const char *mnemonic; /* "GP", "" for vectors with no name */
	const char *name;     /* "General protection", "reserved", "interrupt" */
	bool error_code;      /* the exception pushes an error code on AMD */
};

/* Vector 0..255; vectors >= 32 are "interrupt" with an empty mnemonic. */
const struct svmc_vector_name *svmc_vector_name(unsigned vector);

#include <stddef.h>

/*
 * The vector as people write it into buf: "#GP", "#CP", "NMI" (an
 * interrupt, no '#'), or "" for a reserved vector or one >= 32 (callers add
 * their own word).  Returns buf.
 */
const char *svmc_vector_mnemonic(unsigned vector, char *buf, size_t n);

/* EVENTINJ TYPE 0..7: "INTR", "reserved(1)", "NMI", "EXCEPTION", "SOFT_INT", ... */
const char *svmc_evtinj_type_name(unsigned type);

#endif
