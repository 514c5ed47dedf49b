/*
 * test_sim_feed.c: the simulated feed's GBM (exact step formula, realized
 * vol, drift and the Ito term), reproducibility, quote rounding, extreme
 * parameters, and skipping ahead for a worker that wakes late.
 */
#include "sim_feed.h"
#include "unit.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#define START 1704205800.0		/* 2024-01-02 14:30:00 UTC */

static int
same_quote(const sim_quote *a, const sim_quote *b)
{
	return a->n == b->n && a->ts == b->ts && a->mid == b->mid &&
		a->bid == b->bid && a->ask == b->ask && a->last == b->last;
}

/* On the cent grid (up to the binary representation of the decimal). */
static int
on_grid(double p)
{
	double		c = p * 100.0;

	return fabs(c - round(c)) <= 1e-6 * fmax(1.0, c) && round(c) / 100.0 == p;
}

static void
test_init_validation(void)
{
	sim_feed	f;
	sim_quote	q;

	CHECK(sim_feed_init(&f, 100, 0.6, 0, 2, 0.2, 42, START));
	CHECK(f.valid);
	CHECK(!sim_feed_init(&f, 0, 0.6, 0, 2, 0.2, 42, START));
	CHECK(!sim_feed_init(&f, -1, 0.6, 0, 2, 0.2, 42, START));
	CHECK(!sim_feed_init(&f, NAN, 0.6, 0, 2, 0.2, 42, START));
	CHECK(!sim_feed_init(&f, INFINITY, 0.6, 0, 2, 0.2, 42, START));
	CHECK(!sim_feed_init(&f, 1e16, 0.6, 0, 2, 0.2, 42, START));
	CHECK(!sim_feed_init(&f, 100, -0.1, 0, 2, 0.2, 42, START));
	CHECK(!sim_feed_init(&f, 100, NAN, 0, 2, 0.2, 42, START));
	CHECK(!sim_feed_init(&f, 100, 0.6, NAN, 2, 0.2, 42, START));
	CHECK(!sim_feed_init(&f, 100, 0.6, INFINITY, 2, 0.2, 42, START));
	CHECK(!sim_feed_init(&f, 100, 0.6, 0, -1, 0.2, 42, START));
	CHECK(!sim_feed_init(&f, 100, 0.6, 0, 20000, 0.2, 42, START));
	CHECK(!sim_feed_init(&f, 100, 0.6, 0, 2, 0, 42, START));
	CHECK(!sim_feed_init(&f, 100, 0.6, 0, 2, -0.2, 42, START));
	CHECK(!sim_feed_init(&f, 100, 0.6, 0, 2, INFINITY, 42, START));
	CHECK(!sim_feed_init(&f, 100, 0.6, 0, 2, 0.2, 42, NAN));

	/* an invalid feed emits nothing */
	CHECK(!f.valid);
	CHECK(!sim_feed_next(&f, &q));
	CHECK(isnan(q.mid) && isnan(q.bid) && isnan(q.ask) && isnan(q.ts));
	CHECK(!sim_feed_current(&f, &q));
	CHECK(isnan(sim_feed_next_ts(&f)));
	CHECK(sim_feed_advance_to(&f, START, &q) == -1);
	CHECK(isnan(q.mid));

	/* the config's edges are accepted */
	CHECK(sim_feed_init(&f, 1e9, 10, -10, 10000, 0.001, 0, 0));
	CHECK(sim_feed_init(&f, 1e-3, 0, 10, 0, 60, UINT64_C(9007199254740991), START));
}

static void
test_first_ticks(void)
{
	sim_feed	f;
	sim_quote	q;
	int			ts_ok = 1;

	sim_feed_init(&f, 100, 0.6, 0, 2, 0.2, 42, START);
	CHECK(!sim_feed_current(&f, &q));
	CHECK(sim_feed_next_ts(&f) == START);
	CHECK(sim_feed_next(&f, &q));
	/* tick 0 is the spot, 2 bps wide: 99.99 / 100.01 */
	CHECK(q.n == 0 && q.ts == START);
	CHECK(q.mid == 100 && q.last == 100);
	CHECK(q.bid == 99.99 && q.ask == 100.01);
	CHECK(sim_feed_next_ts(&f) == START + 0.2);
	{
		sim_quote	cur;

		CHECK(sim_feed_current(&f, &cur) && same_quote(&cur, &q));
	}
	CHECK(sim_feed_next(&f, &q));
	CHECK(q.n == 1 && q.ts == START + 0.2 && q.mid != 100);

	/* ts = start + n * tick, by multiplication (no accumulated error) */
	for (int n = 2; n <= 100000; n++)
	{
		sim_feed_next(&f, &q);
		ts_ok &= q.n == n && q.ts == START + n * 0.2;
	}
	CHECK(ts_ok);
}

static void
test_reproducible(void)
{
	sim_feed	a;
	sim_feed	b;
	sim_quote	qa;
	sim_quote	qb;
	int			same = 1;
	int			differ = 0;

	sim_feed_init(&a, 123.45, 0.8, 0.1, 3, 0.25, 7, START);
	sim_feed_init(&b, 123.45, 0.8, 0.1, 3, 0.25, 7, START);
	for (int i = 0; i < 10000; i++)
	{
		sim_feed_next(&a, &qa);
		sim_feed_next(&b, &qb);
		same &= memcmp(&qa, &qb, sizeof qa) == 0;
	}
	CHECK(same);

	sim_feed_init(&a, 123.45, 0.8, 0.1, 3, 0.25, 7, START);
	sim_feed_init(&b, 123.45, 0.8, 0.1, 3, 0.25, 8, START);
	sim_feed_next(&a, &qa);
	sim_feed_next(&b, &qb);
	CHECK(same_quote(&qa, &qb));	/* tick 0: both the spot */
	for (int i = 0; i < 1000; i++)
	{
		sim_feed_next(&a, &qa);
		sim_feed_next(&b, &qb);
		differ += qa.mid != qb.mid;
	}
	CHECK(differ == 1000);
}

/* Each log return is exactly (drift - vol^2/2) dt + vol sqrt(dt) Z_n, Z_n the seed's normals. */
static void
test_step_formula(void)
{
	const double vols[] = {0.6, 0.0, 2.5};
	const double drifts[] = {0.0, 0.3, -1.0};

	for (int c = 0; c < 3; c++)
	{
		sim_feed	f;
		sim_quote	q;
		rng			r;
		double		dt = 0.2 / (365.0 * 86400.0);
		double		prev;
		int			ok = 1;

		sim_feed_init(&f, 100, vols[c], drifts[c], 2, 0.2, 1234, START);
		rng_seed(&r, 1234);
		sim_feed_next(&f, &q);
		prev = q.mid;
		for (int n = 1; n <= 1000; n++)
		{
			double		z = rng_normal(&r);
			double		want = (drifts[c] - vols[c] * vols[c] / 2) * dt +
				vols[c] * sqrt(dt) * z;

			sim_feed_next(&f, &q);
			ok &= fabs(log(q.mid / prev) - want) <= 1e-13;
			prev = q.mid;
		}
		if (!CHECK(ok))
			unit_note("vol %g drift %g", vols[c], drifts[c]);
	}

	/* vol 0, drift 0: the mid stays exactly at the spot */
	{
		sim_feed	f;
		sim_quote	q;
		int			ok = 1;

		sim_feed_init(&f, 101.37, 0, 0, 2, 0.2, 1, START);
		for (int n = 0; n < 10000; n++)
		{
			sim_feed_next(&f, &q);
			ok &= q.mid == 101.37;
		}
		CHECK(ok);
	}
	/* vol 0, drift 0.1: spot * e^(0.1 t) */
	{
		sim_feed	f;
		sim_quote	q;

		sim_feed_init(&f, 100, 0, 0.1, 2, 86400, 1, START);
		for (int n = 0; n <= 365; n++)
			sim_feed_next(&f, &q);
		CHECK_NEAR_REL(q.mid, 100 * exp(0.1), 1e-12);
	}
	/* same seed, different vol: the same shocks (log returns scale with vol at drift = vol^2/2) */
	{
		sim_feed	a;
		sim_feed	b;
		sim_quote	qa;
		sim_quote	qb;
		double		pa;
		double		pb;
		int			ok = 1;

		sim_feed_init(&a, 100, 0.2, 0.02, 2, 60, 9, START);
		sim_feed_init(&b, 100, 0.6, 0.18, 2, 60, 9, START);
		sim_feed_next(&a, &qa);
		sim_feed_next(&b, &qb);
		pa = qa.mid;
		pb = qb.mid;
		for (int n = 0; n < 1000; n++)
		{
			sim_feed_next(&a, &qa);
			sim_feed_next(&b, &qb);
			ok &= fabs(3 * log(qa.mid / pa) - log(qb.mid / pb)) <= 1e-12;
			pa = qa.mid;
			pb = qb.mid;
		}
		CHECK(ok);
	}
}

typedef struct path_stats
{
	double		n;
	double		mean_log;		/* per step */
	double		sd_log;			/* per step, sample */
	double		mean_gross;		/* mid[n+1] / mid[n], per step */
	double		sd_gross;
} path_stats;

/* Pools the per-step returns of n_paths feeds (seeds 1..n_paths) of n_steps each. */
static path_stats
pooled(double spot, double vol, double drift, double tick, int n_paths, int n_steps)
{
	double		s1 = 0;
	double		s2 = 0;
	double		g1 = 0;
	double		g2 = 0;
	path_stats	st;

	for (int p = 1; p <= n_paths; p++)
	{
		sim_feed	f;
		sim_quote	q;
		double		prev;

		sim_feed_init(&f, spot, vol, drift, 2, tick, (uint64_t) p, START);
		sim_feed_next(&f, &q);
		prev = q.mid;
		for (int i = 0; i < n_steps; i++)
		{
			double		g;
			double		l;

			sim_feed_next(&f, &q);
			g = q.mid / prev;
			l = log(g);
			s1 += l;
			s2 += l * l;
			g1 += g;
			g2 += g * g;
			prev = q.mid;
		}
	}
	st.n = (double) n_paths * n_steps;
	st.mean_log = s1 / st.n;
	st.sd_log = sqrt((s2 - s1 * s1 / st.n) / (st.n - 1));
	st.mean_gross = g1 / st.n;
	st.sd_gross = sqrt((g2 - g1 * g1 / st.n) / (st.n - 1));
	return st;
}

static void
test_realized_statistics(void)
{
	path_stats	st;
	double		dt;

	/* the default feed: 200,000 ticks of 200 ms (11 hours), vol 0.6 */
	dt = 0.2 / SIM_FEED_SECONDS_PER_YEAR;
	st = pooled(100, 0.6, 0, 0.2, 1, 200000);
	/* standard error of the vol estimate: 1 / sqrt(2 N) = 0.16 % */
	if (!CHECK_NEAR_REL(st.sd_log / sqrt(dt), 0.6, 0.01))
		unit_note("realized vol %g", st.sd_log / sqrt(dt));
	CHECK(fabs(st.mean_log - (0 - 0.18) * dt) <= 4 * st.sd_log / sqrt(st.n));

	/*
	 * High vol and drift, hourly, 1,000 paths of 1,000 ticks: the mean log
	 * return is (drift - vol^2/2) dt and the mean gross return e^(drift dt);
	 * without the Ito term both would be off by ~10 standard errors.
	 */
	dt = 3600 / SIM_FEED_SECONDS_PER_YEAR;
	st = pooled(100, 2.0, 0.5, 3600, 1000, 1000);
	CHECK_NEAR_REL(st.sd_log / sqrt(dt), 2.0, 0.01);
	if (!CHECK(fabs(st.mean_log - (0.5 - 2.0) * dt) <= 4 * st.sd_log / sqrt(st.n)))
		unit_note("mean log %g want %g se %g", st.mean_log, (0.5 - 2.0) * dt,
				  st.sd_log / sqrt(st.n));
	if (!CHECK(fabs(st.mean_gross - exp(0.5 * dt)) <= 4 * st.sd_gross / sqrt(st.n)))
		unit_note("mean gross %.10g want %.10g se %g", st.mean_gross, exp(0.5 * dt),
				  st.sd_gross / sqrt(st.n));

	/* low vol, daily: the drift itself, annualized, to +- 0.02 */
	dt = 86400 / SIM_FEED_SECONDS_PER_YEAR;
	st = pooled(100, 0.1, 0.3, 86400, 1000, 200);
	CHECK_NEAR_REL(st.sd_log / sqrt(dt), 0.1, 0.01);
	if (!CHECK_NEAR_ABS(st.mean_log / dt, 0.3 - 0.005, 4 * 0.1 / sqrt(st.n * dt)))
		unit_note("annualized mean log return %g", st.mean_log / dt);
}

static void
test_quote_rounding(void)
{
	sim_quote	q;

	sim_quote_from_mid(100, 2, 3, START, &q);
	CHECK(q.n == 3 && q.ts == START && q.mid == 100 && q.last == 100);
	CHECK(q.bid == 99.99 && q.ask == 100.01);
	/* off the grid: bid down, ask up (the spread is never narrower) */
	sim_quote_from_mid(100.003, 2, 0, START, &q);
	CHECK(q.bid == 99.99 && q.ask == 100.02);
	sim_quote_from_mid(250.5, 10, 0, START, &q);	/* 250.37475 / 250.62525 */
	CHECK(q.bid == 250.37 && q.ask == 250.63);
	/* zero spread: on the grid mid / mid + 0.01, off the grid the cents around it */
	sim_quote_from_mid(100, 0, 0, START, &q);
	CHECK(q.bid == 100.00 && q.ask == 100.01);
	sim_quote_from_mid(99.99, 0, 0, START, &q);
	CHECK(q.bid == 99.99 && q.ask == 100.00);
	sim_quote_from_mid(100.004, 0, 0, START, &q);
	CHECK(q.bid == 100.00 && q.ask == 100.01);
	/* large mids: the grid snap stays exact */
	sim_quote_from_mid(1e9, 2, 0, START, &q);
	CHECK(q.bid == 999900000.0 && q.ask == 1000100000.0);
	sim_quote_from_mid(SIM_FEED_MAX_MID, 0, 0, START, &q);
	CHECK(q.bid == SIM_FEED_MAX_MID && q.ask == SIM_FEED_MAX_MID + 0.01);
	/* the bid floor of 0.01 */
	sim_quote_from_mid(1.0, 19999, 0, START, &q);
	CHECK(q.bid == 0.01 && q.ask == 2.00);
	sim_quote_from_mid(1.0, 0, 0, START, &q);
	CHECK(q.bid == 1.00 && q.ask == 1.01);
	/* below 1: not rounded */
	sim_quote_from_mid(0.5, 100, 0, START, &q);
	CHECK(q.bid == 0.5 * (1 - 0.005) && q.ask == 0.5 * (1 + 0.005));
	sim_quote_from_mid(0.999, 2, 0, START, &q);
	CHECK(q.bid == 0.999 * (1 - 0.0001) && q.ask == 0.999 * (1 + 0.0001));
	sim_quote_from_mid(0.5, 0, 0, START, &q);
	CHECK(q.bid == 0.5 && q.ask == 0.5);	/* locked, never crossed */
	sim_quote_from_mid(1e-3, 2, 0, START, &q);
	CHECK(q.bid > 0 && q.bid < 1e-3 && q.ask > 1e-3);
	/* unusable inputs */
	sim_quote_from_mid(0, 2, 0, START, &q);
	CHECK(isnan(q.bid) && isnan(q.ask) && isnan(q.mid));
	sim_quote_from_mid(NAN, 2, 0, START, &q);
	CHECK(isnan(q.bid));
	sim_quote_from_mid(INFINITY, 2, 0, START, &q);
	CHECK(isnan(q.bid));
	sim_quote_from_mid(100, -1, 0, START, &q);
	CHECK(isnan(q.bid));
	sim_quote_from_mid(100, 20000, 0, START, &q);
	CHECK(isnan(q.bid));
}

/* Invariants of every quote of a path (module header). */
static int
quote_ok(const sim_quote *q, double spread_bps)
{
	double		h = spread_bps / 20000;

	if (!(isfinite(q->mid) && q->mid >= SIM_FEED_MIN_MID && q->mid <= SIM_FEED_MAX_MID &&
		  isfinite(q->bid) && isfinite(q->ask) && q->bid > 0 && q->bid <= q->ask &&
		  q->last == q->mid))
		return 0;
	if (q->mid >= 1)
		return on_grid(q->bid) && on_grid(q->ask) && q->bid < q->ask &&
			q->bid >= 0.01 &&
			q->bid <= q->mid * (1 + 1e-12) && q->ask >= q->mid * (1 - 1e-12) &&
			q->ask - q->bid >= q->mid * 2 * h * (1 - 1e-9);
	return q->bid == q->mid * (1 - h) && q->ask == q->mid * (1 + h);
}

static void
test_paths_and_extremes(void)
{
	struct
	{
		double		spot;
		double		vol;
		double		drift;
		double		spread;
		double		tick;
	}			cases[] = {
		{100, 0.6, 0, 2, 0.2},		/* the defaults */
		{100, 0, 0, 2, 0.2},
		{100, 10, 0, 2, 0.2},
		{100, 10, 10, 2, 60},
		{100, 10, -10, 2, 60},
		{1e-3, 0.6, 0, 2, 0.2},
		{1e-3, 10, 0, 2, 60},
		{1e9, 0.6, 0, 2, 0.2},
		{1e9, 10, 0, 2, 60},
		{1.005, 3, 0, 0, 1},		/* around the rounding threshold, zero spread */
		{2, 0.6, 0, 10000, 0.2},		/* the widest config spread */
		{100, 10, 0, 2, 365 * 86400.0},	/* year-long ticks: hits the clamps */
		{1e9, 1, 10, 0, 365 * 86400.0},	/* at the upper clamp, zero spread */
	};

	for (int c = 0; c < (int) (sizeof cases / sizeof cases[0]); c++)
	{
		sim_feed	f;
		sim_quote	q;
		int			bad = 0;
		sim_quote	first_bad = {0};

		CHECK(sim_feed_init(&f, cases[c].spot, cases[c].vol, cases[c].drift,
							cases[c].spread, cases[c].tick, 42, START));
		for (int n = 0; n < 100000; n++)
		{
			sim_feed_next(&f, &q);
			if (!quote_ok(&q, cases[c].spread) && bad++ == 0)
				first_bad = q;
		}
		if (!CHECK(bad == 0))
			unit_note("case %d: %d bad quotes, first tick %lld: mid %.17g bid %.17g ask %.17g",
					  c, bad, (long long) first_bad.n, first_bad.mid,
					  first_bad.bid, first_bad.ask);
	}
}

/* The clamps are reached and held: never 0, never inf. */
static void
test_clamps(void)
{
	sim_feed	f;
	sim_quote	q;
	int			at_min = 0;
	int			at_max = 0;

	/* a drift of -50 a year-long tick sinks to the floor */
	sim_feed_init(&f, 100, 10, 0, 2, 365 * 86400.0, 42, START);
	for (int n = 0; n < 1000; n++)
	{
		sim_feed_next(&f, &q);
		at_min += q.mid == SIM_FEED_MIN_MID && q.bid > 0 && q.bid < q.ask;
	}
	CHECK(at_min > 900);
	/* +9.5 a tick rises to the ceiling */
	sim_feed_init(&f, 100, 1, 10, 2, 365 * 86400.0, 42, START);
	for (int n = 0; n < 1000; n++)
	{
		sim_feed_next(&f, &q);
		at_max += q.mid == SIM_FEED_MAX_MID && isfinite(q.ask) && q.bid < q.ask;
	}
	CHECK(at_max > 900);
}

static void
test_advance_to(void)
{
	sim_feed	a;
	sim_feed	b;
	sim_quote	qa;
	sim_quote	qb;
	int			ok = 1;

	/* before the start: tick 0 */
	sim_feed_init(&a, 100, 0.6, 0, 2, 0.2, 42, START);
	CHECK(sim_feed_advance_to(&a, START - 5, &qa) == 1);
	CHECK(qa.n == 0 && qa.ts == START && qa.mid == 100);
	CHECK(sim_feed_advance_to(&a, START, &qa) == 0);
	CHECK(qa.n == 0);

	/* the same path as calling next: tick 500 is the first at or after 499.5 ticks */
	sim_feed_init(&a, 100, 0.6, 0, 2, 0.2, 42, START);
	sim_feed_init(&b, 100, 0.6, 0, 2, 0.2, 42, START);
	for (int i = 0; i <= 500; i++)
		sim_feed_next(&a, &qa);
	CHECK(sim_feed_advance_to(&b, START + 499.5 * 0.2, &qb) == 501);
	CHECK(same_quote(&qa, &qb) && qb.n == 500);
	for (int i = 0; i < 100; i++)
	{
		sim_feed_next(&a, &qa);
		sim_feed_next(&b, &qb);
		ok &= same_quote(&qa, &qb);
	}
	CHECK(ok);

	/* exactly on a tick: that tick; in the past: nothing moves */
	CHECK(sim_feed_advance_to(&b, b.start_epoch + 900 * 0.2, &qb) == 300);
	CHECK(qb.n == 900 && qb.ts == START + 900 * 0.2);
	CHECK(sim_feed_advance_to(&b, START + 10, &qa) == 0);
	CHECK(same_quote(&qa, &qb));
	CHECK(sim_feed_next_ts(&b) == START + 901 * 0.2);

	/* the tick returned is the first with ts >= epoch, for awkward epochs */
	ok = 1;
	sim_feed_init(&a, 100, 0.6, 0, 2, 0.2, 42, START);
	for (int k = 0; k < 20000; k++)
	{
		double		epoch = START + k * 0.2 + ((k % 3) - 1) * 1e-7;

		sim_feed_advance_to(&a, epoch, &qa);
		/* epochs increase, so the landing tick is always the minimal one */
		ok &= qa.ts >= epoch && (qa.n == 0 || START + (double) (qa.n - 1) * 0.2 < epoch);
	}
	CHECK(ok);

	/* a gap longer than SIM_FEED_MAX_STEPS ticks: one jump, still deterministic */
	sim_feed_init(&a, 100, 0.6, 0, 2, 0.2, 42, START);
	sim_feed_init(&b, 100, 0.6, 0, 2, 0.2, 42, START);
	sim_feed_next(&a, &qa);
	sim_feed_next(&b, &qb);
	CHECK(sim_feed_advance_to(&a, START + 1e7, &qa) == 50000000);
	CHECK(sim_feed_advance_to(&b, START + 1e7, &qb) == 50000000);
	CHECK(same_quote(&qa, &qb));
	CHECK(qa.n == 50000000 && qa.ts >= START + 1e7 && quote_ok(&qa, 2));
	sim_feed_next(&a, &qa);
	CHECK(qa.n == 50000001 && quote_ok(&qa, 2));
	/* exactly the bound still steps tick by tick (same path as next) */
	sim_feed_init(&a, 100, 0.6, 0, 2, 1, 5, START);
	sim_feed_init(&b, 100, 0.6, 0, 2, 1, 5, START);
	CHECK(sim_feed_advance_to(&a, START + SIM_FEED_MAX_STEPS, &qa) == SIM_FEED_MAX_STEPS + 1);
	for (int i = 0; i <= SIM_FEED_MAX_STEPS; i++)
		sim_feed_next(&b, &qb);
	CHECK(same_quote(&qa, &qb));

	/* bad epochs move nothing */
	sim_feed_init(&a, 100, 0.6, 0, 2, 0.2, 42, START);
	sim_feed_next(&a, &qa);
	CHECK(sim_feed_advance_to(&a, NAN, &qb) == -1 && isnan(qb.mid));
	CHECK(sim_feed_advance_to(&a, INFINITY, &qb) == -1);
	CHECK(sim_feed_advance_to(&a, 1e300, &qb) == -1);
	CHECK(a.n == 0);
	CHECK(sim_feed_advance_to(&a, -INFINITY, &qb) == -1);
}

int
main(void)
{
	test_init_validation();
	test_first_ticks();
	test_reproducible();
	test_step_formula();
	test_realized_statistics();
	test_quote_rounding();
	test_paths_and_extremes();
	test_clamps();
	test_advance_to();
	return unit_summary("test_sim_feed");
}
