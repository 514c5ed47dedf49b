/*
 * test_rng.c: splitmix64, xoshiro256** and FNV-1a against their published
 * reference outputs, golden values of our seeding and keyed hash (from an
 * independent Python transcription), and the statistics of uniform and
 * normal draws.
 */
#include "rng.h"
#include "unit.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_DRAWS 1000000
#define N_IDS 100000

static uint64_t hashes[N_IDS];

static void
test_splitmix64_reference(void)
{
	/* splitmix64.c, seed 1234567 (the Rosetta Code / reference outputs) */
	static const uint64_t want_1234567[] = {
		UINT64_C(6457827717110365317), UINT64_C(3203168211198807973),
		UINT64_C(9817491932198370423), UINT64_C(4593380528125082431),
		UINT64_C(16408922859458223821)
	};
	/* seed 0 */
	static const uint64_t want_0[] = {
		UINT64_C(0xe220a8397b1dcdaf), UINT64_C(0x6e789e6aa1b965f4),
		UINT64_C(0x06c45d188009454f), UINT64_C(0xf88bb8a8724c81ec),
		UINT64_C(0x1b39896a51a8749b)
	};
	uint64_t	s = 1234567;

	for (int i = 0; i < 5; i++)
		if (!CHECK(rng_splitmix64(&s) == want_1234567[i]))
			unit_note("splitmix64(1234567) output %d", i);
	s = 0;
	for (int i = 0; i < 5; i++)
		if (!CHECK(rng_splitmix64(&s) == want_0[i]))
			unit_note("splitmix64(0) output %d", i);
}

static void
test_xoshiro_reference(void)
{
	/* xoshiro256starstar.c from state {1, 2, 3, 4} (rand_xoshiro's reference test) */
	static const uint64_t want[] = {
		UINT64_C(11520), UINT64_C(0), UINT64_C(1509978240),
		UINT64_C(1215971899390074240), UINT64_C(1216172134540287360),
		UINT64_C(607988272756665600), UINT64_C(16172922978634559625),
		UINT64_C(8476171486693032832), UINT64_C(10595114339597558777),
		UINT64_C(2904607092377533576)
	};
	rng			r = {{1, 2, 3, 4}};

	for (int i = 0; i < 10; i++)
		if (!CHECK(rng_next(&r) == want[i]))
			unit_note("xoshiro256** output %d", i);
}

static void
test_fnv_reference(void)
{
	CHECK(rng_fnv1a64("") == UINT64_C(0xcbf29ce484222325));
	CHECK(rng_fnv1a64("a") == UINT64_C(0xaf63dc4c8601ec8c));
	CHECK(rng_fnv1a64("foobar") == UINT64_C(0x85944171f73967e8));
	CHECK(rng_fnv1a64(NULL) == rng_fnv1a64(""));
}

/* Golden values computed by an independent Python transcription of the same rules. */
static void
test_golden(void)
{
	rng			r;

	rng_seed(&r, 42);
	CHECK(rng_next(&r) == UINT64_C(1546998764402558742));
	CHECK(rng_next(&r) == UINT64_C(6990951692964543102));
	CHECK(rng_next(&r) == UINT64_C(12544586762248559009));
	CHECK(r.s[0] == UINT64_C(14724789073754520473));
	CHECK(r.s[1] == UINT64_C(2590629650289322887));
	CHECK(r.s[2] == UINT64_C(7959817307922065030));
	CHECK(r.s[3] == UINT64_C(9375168587437865237));

	rng_seed(&r, 0);
	CHECK(rng_next(&r) == UINT64_C(11091344671253066420));
	CHECK(rng_next(&r) == UINT64_C(13793997310169335082));
	CHECK(rng_next(&r) == UINT64_C(1900383378846508768));

	rng_seed(&r, 42);
	CHECK(rng_uniform(&r) == 0.08386297105988216);
	CHECK(rng_uniform(&r) == 0.3789802506626686);
	CHECK(rng_uniform(&r) == 0.6800434110281394);

	CHECK(rng_hash("", 0) == UINT64_C(6603144262649002859));
	CHECK(rng_hash("ord-1", 42) == UINT64_C(5814232571483743119));
	CHECK(rng_hash("bf-20240102-000001", 42) == UINT64_C(4268486975513178575));
	CHECK(rng_hash("ord-1", 43) == UINT64_C(3156963591924705444));
}

static void
test_seeding(void)
{
	rng			a;
	rng			b;
	rng			fork;
	int			same = 1;
	int			differ = 0;

	/* seed 0 is a valid, non-zero state */
	rng_seed(&a, 0);
	CHECK((a.s[0] | a.s[1] | a.s[2] | a.s[3]) != 0);

	/* same seed, same stream; neighbouring seeds, different streams */
	rng_seed(&a, 7);
	rng_seed(&b, 7);
	for (int i = 0; i < 1000; i++)
		same &= rng_next(&a) == rng_next(&b);
	CHECK(same);
	rng_seed(&a, 7);
	rng_seed(&b, 8);
	for (int i = 0; i < 1000; i++)
		differ += rng_next(&a) != rng_next(&b);
	CHECK(differ == 1000);

	/* the struct is the whole state: a copy continues identically */
	rng_seed(&a, 99);
	for (int i = 0; i < 10; i++)
		rng_next(&a);
	fork = a;
	same = 1;
	for (int i = 0; i < 100; i++)
		same &= rng_uniform(&a) == rng_uniform(&fork);
	CHECK(same);
}

static void
test_unit_conversion(void)
{
	CHECK(rng_bits_to_unit(0) == 0.0);
	CHECK(rng_bits_to_unit(UINT64_C(1) << 11) == ldexp(1.0, -53));
	CHECK(rng_bits_to_unit((UINT64_C(1) << 11) - 1) == 0.0);	/* low bits dropped */
	CHECK(rng_bits_to_unit(UINT64_MAX) < 1.0);
	CHECK(rng_bits_to_unit(UINT64_MAX) == 1.0 - ldexp(1.0, -53));
	CHECK(rng_bits_to_unit(UINT64_C(1) << 63) == 0.5);
}

static void
test_uniform_stats(void)
{
	rng			r;
	double		sum = 0;
	double		sumsq = 0;
	double		lo = 1;
	double		hi = 0;
	int			buckets[100] = {0};
	double		chi2 = 0;
	double		mean;
	double		var;

	rng_seed(&r, 20240102);
	for (int i = 0; i < N_DRAWS; i++)
	{
		double		u = rng_uniform(&r);

		sum += u;
		sumsq += u * u;
		lo = fmin(lo, u);
		hi = fmax(hi, u);
		buckets[(int) (u * 100)]++;
	}
	mean = sum / N_DRAWS;
	var = sumsq / N_DRAWS - mean * mean;
	/* standard errors: 0.29 / 1000 for the mean, 0.075 / 1000 for the variance */
	CHECK_NEAR_ABS(mean, 0.5, 0.0015);
	CHECK_NEAR_ABS(var, 1.0 / 12.0, 0.0004);
	CHECK(lo >= 0.0 && lo < 1e-4);
	CHECK(hi < 1.0 && hi > 1 - 1e-4);
	for (int b = 0; b < 100; b++)
	{
		double		d = buckets[b] - N_DRAWS / 100.0;

		chi2 += d * d / (N_DRAWS / 100.0);
	}
	/* 99 degrees of freedom: mean 99, sd 14; 170 is five sd out */
	if (!CHECK(chi2 < 170))
		unit_note("chi2 = %g", chi2);
}

static void
test_normal_stats(void)
{
	rng			r;
	double		m1 = 0;
	double		m2 = 0;
	double		m3 = 0;
	double		m4 = 0;
	double		maxabs = 0;
	int			within1 = 0;
	int			within2 = 0;
	int			finite = 1;

	rng_seed(&r, 42);
	for (int i = 0; i < N_DRAWS; i++)
	{
		double		z = rng_normal(&r);

		finite &= isfinite(z) != 0;
		m1 += z;
		m2 += z * z;
		m3 += z * z * z;
		m4 += z * z * z * z;
		maxabs = fmax(maxabs, fabs(z));
		within1 += fabs(z) < 1;
		within2 += fabs(z) < 2;
	}
	m1 /= N_DRAWS;
	m2 /= N_DRAWS;
	m3 /= N_DRAWS;
	m4 /= N_DRAWS;
	CHECK(finite);
	/* standard errors: 0.001 mean, 0.0014 E[z^2], 0.0025 E[z^3], 0.01 E[z^4] */
	CHECK_NEAR_ABS(m1, 0.0, 0.005);
	CHECK_NEAR_ABS(m2, 1.0, 0.007);
	CHECK_NEAR_ABS(m3, 0.0, 0.0125);
	CHECK_NEAR_ABS(m4, 3.0, 0.05);
	CHECK_NEAR_ABS(within1 / (double) N_DRAWS, 0.682689, 0.0025);
	CHECK_NEAR_ABS(within2 / (double) N_DRAWS, 0.954500, 0.0011);
	CHECK(maxabs > 4 && maxabs <= 8.58);
}

/* One normal is exactly two rng_next steps, and no value is cached. */
static void
test_normal_consumption(void)
{
	rng			a;
	rng			b;

	rng_seed(&a, 5);
	b = a;
	rng_normal(&a);
	rng_next(&b);
	rng_next(&b);
	CHECK(memcmp(&a, &b, sizeof a) == 0);

	/* the same state gives the same value; the next call is a fresh pair */
	rng_seed(&a, 5);
	b = a;
	CHECK(rng_normal(&a) == rng_normal(&b));
	CHECK(rng_normal(&a) == rng_normal(&b));
	rng_seed(&a, 5);
	{
		double		z1 = rng_normal(&a);
		double		z2 = rng_normal(&a);

		CHECK(z1 != z2);
	}
}

static int
cmp_u64(const void *pa, const void *pb)
{
	uint64_t	a = *(const uint64_t *) pa;
	uint64_t	b = *(const uint64_t *) pb;

	return (a > b) - (a < b);
}

static int
popcount64(uint64_t x)
{
	int			n = 0;

	for (; x; x &= x - 1)
		n++;
	return n;
}

static void
test_hash(void)
{
	char		id[32];
	char		id2[32];
	int			dups = 0;
	double		flips = 0;
	int			n_flips = 0;

	CHECK(rng_hash(NULL, 42) == rng_hash("", 42));
	CHECK(rng_hash("ord-1", 42) == rng_hash("ord-1", 42));
	CHECK(rng_hash("ord-1", 42) != rng_hash("ord-1", 43));
	CHECK(rng_hash("ord-1", 42) != rng_hash("ord-2", 42));
	CHECK(rng_hash("ord-1", 42) != rng_hash("ord-10", 42));
	CHECK(rng_hash("", 0) != rng_hash("", 1));

	/* 100,000 order ids of the worker's shape: no collision */
	for (int i = 0; i < N_IDS; i++)
	{
		snprintf(id, sizeof id, "bf-%d-%06d", 20240102, i);
		hashes[i] = rng_hash(id, 42);
	}
	qsort(hashes, N_IDS, sizeof hashes[0], cmp_u64);
	for (int i = 1; i < N_IDS; i++)
		dups += hashes[i] == hashes[i - 1];
	CHECK(dups == 0);

	/* avalanche: one character changed flips about half of the 64 bits */
	for (int i = 0; i < 10000; i++)
	{
		snprintf(id, sizeof id, "ord-%d", i);
		snprintf(id2, sizeof id2, "ord-%d", i + 1);
		flips += popcount64(rng_hash(id, 7) ^ rng_hash(id2, 7));
		n_flips++;
	}
	if (!CHECK_NEAR_ABS(flips / n_flips, 32.0, 0.25))
		unit_note("mean flipped bits %g", flips / n_flips);
	/* and a seed change does the same */
	flips = 0;
	for (int i = 0; i < 10000; i++)
		flips += popcount64(rng_hash("ord-1", (uint64_t) i) ^
							rng_hash("ord-1", (uint64_t) i + 1));
	CHECK_NEAR_ABS(flips / 10000, 32.0, 0.25);
}

int
main(void)
{
	test_splitmix64_reference();
	test_xoshiro_reference();
	test_fnv_reference();
	test_golden();
	test_seeding();
	test_unit_conversion();
	test_uniform_stats();
	test_normal_stats();
	test_normal_consumption();
	test_hash();
	return unit_summary("test_rng");
}
