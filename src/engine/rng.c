/*
 * rng.c: splitmix64, xoshiro256**, uniform and normal draws, and the keyed
 * hash the paper broker derives per-order outcomes from.
 *
 * The constants are the algorithms' published ones (splitmix64.c and
 * xoshiro256starstar.c at prng.di.unimi.it; FNV-1a 64 from the FNV
 * reference).  test_rng.c checks them against the published outputs.
 */
#include "rng.h"

#include <math.h>
#include <stddef.h>

#define SPLITMIX64_GAMMA UINT64_C(0x9e3779b97f4a7c15)
#define FNV64_OFFSET_BASIS UINT64_C(0xcbf29ce484222325)
#define FNV64_PRIME UINT64_C(0x00000100000001b3)

#define RNG_TWO_PI 6.283185307179586476925286766559
#define RNG_2_POW_MINUS_53 (1.0 / 9007199254740992.0)

static inline uint64_t
rotl64(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t
rng_splitmix64(uint64_t *state)
{
	uint64_t	z = (*state += SPLITMIX64_GAMMA);

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/*
 * The four words come from four consecutive splitmix64 states, which are
 * distinct; its output function is a bijection, so at most one word is 0
 * and the state is never all zero.
 */
void
rng_seed(rng *r, uint64_t seed)
{
	uint64_t	sm = seed;

	for (int i = 0; i < 4; i++)
		r->s[i] = rng_splitmix64(&sm);
}

uint64_t
rng_next(rng *r)
{
	uint64_t   *s = r->s;
	uint64_t	result = rotl64(s[1] * 5, 7) * 9;
	uint64_t	t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl64(s[3], 45);
	return result;
}

double
rng_bits_to_unit(uint64_t bits)
{
	return (double) (bits >> 11) * RNG_2_POW_MINUS_53;
}

double
rng_uniform(rng *r)
{
	return rng_bits_to_unit(rng_next(r));
}

/*
 * Box-Muller with u1 = 1 - uniform in (0, 1], so log(u1) is finite; the
 * cosine branch only (see rng.h: no cached partner value).
 */
double
rng_normal(rng *r)
{
	double		u1 = 1.0 - rng_uniform(r);
	double		u2 = rng_uniform(r);

	return sqrt(-2.0 * log(u1)) * cos(RNG_TWO_PI * u2);
}

static inline uint64_t
fnv1a64_byte(uint64_t h, unsigned char byte)
{
	return (h ^ byte) * FNV64_PRIME;
}

static uint64_t
fnv1a64_string(uint64_t h, const char *text)
{
	if (text == NULL)
		return h;
	for (const unsigned char *p = (const unsigned char *) text; *p; p++)
		h = fnv1a64_byte(h, *p);
	return h;
}

uint64_t
rng_fnv1a64(const char *text)
{
	return fnv1a64_string(FNV64_OFFSET_BASIS, text);
}

/* Seed bytes first, least significant first, so the result is endian-free. */
uint64_t
rng_hash(const char *text, uint64_t seed)
{
	uint64_t	h = FNV64_OFFSET_BASIS;

	for (int i = 0; i < 8; i++)
		h = fnv1a64_byte(h, (unsigned char) (seed >> (8 * i)));
	h = fnv1a64_string(h, text);
	return rng_splitmix64(&h);
}
