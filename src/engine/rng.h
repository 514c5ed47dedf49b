/*
 * rng.h: a small deterministic random number generator for the simulated
 * feed and the paper broker.
 *
 * xoshiro256** (Blackman and Vigna, 2018) seeded through splitmix64, the
 * seeding its authors recommend.  The same seed gives the same stream on
 * every platform: nothing depends on the C library's rand(), on the byte
 * order or on hidden state.  The whole state is the rng struct, so copying
 * it forks the stream.  Not cryptographic.  Pure C99.
 */
#ifndef BIFROST_RNG_H
#define BIFROST_RNG_H

#include <stdint.h>

typedef struct rng
{
	uint64_t	s[4];			/* xoshiro256** state; never all zero */
} rng;

/*
 * Seeds the generator: s[0..3] are the first four outputs of splitmix64
 * started at seed.  Every seed, 0 included, gives a valid (non-zero) state.
 */
extern void rng_seed(rng *r, uint64_t seed);

/* Next 64 random bits (one xoshiro256** step). */
extern uint64_t rng_next(rng *r);

/* Uniform double in [0, 1): the top 53 bits of one rng_next, times 2^-53. */
extern double rng_uniform(rng *r);

/*
 * Standard normal draw (mean 0, variance 1) by the Box-Muller transform.
 * Each call consumes exactly two rng_next outputs and returns one value;
 * the second value of the pair is not cached, so the stream position
 * depends only on how many calls were made and copying an rng copies
 * everything.  |result| <= 8.58 (u1 >= 2^-53).
 */
extern double rng_normal(rng *r);

/*
 * 64-bit hash of (seed, text) for per-key determinism: FNV-1a 64 over the
 * 8 bytes of seed (least significant first) followed by the bytes of text,
 * then one splitmix64 step as a finalizer so nearby keys spread over all
 * bits.  NULL text hashes like "".
 */
extern uint64_t rng_hash(const char *text, uint64_t seed);

/* The building blocks, exposed for tests and for other deterministic keys. */

/* One splitmix64 step: advances *state and returns the mixed output. */
extern uint64_t rng_splitmix64(uint64_t *state);

/* FNV-1a 64 of a NUL-terminated string (NULL hashes like ""). */
extern uint64_t rng_fnv1a64(const char *text);

/* The double in [0, 1) that rng_uniform makes of 64 random bits. */
extern double rng_bits_to_unit(uint64_t bits);

#endif							/* BIFROST_RNG_H */
