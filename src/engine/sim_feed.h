/*
 * sim_feed.h: the `sim` feed, seeded geometric Brownian motion
 * quotes for the demo, the tests and the worker without a market.
 *
 * Tick n (n = 0, 1, ...) is at ts = start_epoch + n * tick_sec.  Tick 0 is
 * the configured spot; each later tick moves the mid by
 *
 *     mid[n+1] = mid[n] * exp((drift - vol^2/2) * dt + vol * sqrt(dt) * Z)
 *
 * with Z = rng_normal of the feed's own generator and dt = tick_sec /
 * (365 * 86400): time is calendar time, every second of every day counts
 * (the feed does not pause at night or on weekends; the engine's trading
 * hours gate decides when to hedge), so the realized volatility of the log
 * mid measured over calendar time is `vol` and E[mid(t)] = spot * e^(drift t).
 * One Z is drawn per tick even when vol is 0, so feeds with the same seed
 * and different vols see the same shocks.  The same parameters and seed
 * give the same quotes, bit for bit.
 *
 * The mid is kept within [SIM_FEED_MIN_MID, SIM_FEED_MAX_MID] so no quote
 * is ever 0, inf or NaN, whatever vol and however many ticks.
 *
 * Quotes (sim_quote_from_mid): bid = mid * (1 - spread_bps / 20000), ask =
 * mid * (1 + spread_bps / 20000), last = mid.  When mid >= 1 the bid is
 * rounded down and the ask up to the 0.01 grid, so the quoted spread is
 * never narrower than spread_bps and the model mid lies in [bid, ask]; the
 * bid is at least 0.01 and the ask at least one tick above the bid (a zero
 * spread on a mid on the grid quotes mid / mid + 0.01).  Below 1 (crypto
 * fractions, penny units) bid and ask are not rounded; a zero spread then
 * gives a locked quote bid == ask == mid, which the engine accepts.  `mid`
 * is the model's mid, not (bid + ask) / 2.
 *
 * No clock reads: the caller passes epochs.  Pure C99.
 */
#ifndef BIFROST_SIM_FEED_H
#define BIFROST_SIM_FEED_H

#include <stdbool.h>
#include <stdint.h>

#include "rng.h"

/* The year of the GBM's annual vol and drift: calendar seconds. */
#define SIM_FEED_SECONDS_PER_YEAR (365.0 * 86400.0)

/* Price grid of bid and ask when mid >= SIM_FEED_ROUND_FROM. */
#define SIM_FEED_TICK_SIZE 0.01
#define SIM_FEED_TICKS_PER_UNIT 100.0	/* 1 / SIM_FEED_TICK_SIZE, exact */
#define SIM_FEED_ROUND_FROM 1.0

/* The mid never leaves this range (and the start spot must be in it). */
#define SIM_FEED_MIN_MID 1e-12
#define SIM_FEED_MAX_MID 1e12	/* in cents still below 2^53 */

/* sim_feed_advance_to steps tick by tick up to this many ticks, then jumps. */
#define SIM_FEED_MAX_STEPS 1000000

typedef struct sim_quote
{
	int64_t		n;				/* tick index */
	double		ts;				/* epoch seconds: start_epoch + n * tick_sec */
	double		mid;			/* model mid */
	double		bid;
	double		ask;
	double		last;			/* = mid */
} sim_quote;

typedef struct sim_feed
{
	bool		valid;			/* sim_feed_init accepted the parameters */
	double		spot;			/* mid of tick 0 */
	double		vol;			/* annualized, calendar time */
	double		drift;			/* annualized, calendar time */
	double		spread_bps;		/* full bid-ask spread, bps of mid */
	double		tick_sec;		/* seconds between ticks */
	double		start_epoch;	/* epoch seconds of tick 0 */
	double		step_mean;		/* (drift - vol^2/2) * dt */
	double		step_sd;		/* vol * sqrt(dt) */
	int64_t		n;				/* index of the last emitted tick, -1 before the first */
	double		mid;			/* mid of tick max(n, 0) */
	rng			r;
} sim_feed;

/*
 * Sets up the feed; tick 0 is at start_epoch with mid = spot.  Returns
 * false (and the feed emits nothing) unless spot is in [SIM_FEED_MIN_MID,
 * SIM_FEED_MAX_MID], vol >= 0, spread_bps in [0, 20000), tick_sec > 0 and
 * every value is finite.  Units: vol and drift annual fractions (0.6 =
 * 60 %), spread_bps basis points of mid (the whole spread), tick_sec and
 * start_epoch seconds.
 */
extern bool sim_feed_init(sim_feed *f, double spot, double vol, double drift,
						  double spread_bps, double tick_sec, uint64_t seed,
						  double start_epoch);

/*
 * Emits the next tick into *q: tick 0 on the first call, then one GBM step
 * per call.  False (and a quote of NaNs) when the feed is not valid.
 */
extern bool sim_feed_next(sim_feed *f, sim_quote *q);

/* The last emitted tick; false (NaNs) before the first or on an invalid feed. */
extern bool sim_feed_current(const sim_feed *f, sim_quote *q);

/* Epoch of the tick sim_feed_next would emit (to size the worker's wait); NAN if invalid. */
extern double sim_feed_next_ts(const sim_feed *f);

/*
 * For a worker that wakes late: makes the first tick whose ts >= epoch the
 * last emitted one and writes it to *last (when the current tick already is
 * at or after epoch, nothing moves and *last is that tick).  The next
 * sim_feed_next continues from there.  Returns the number of ticks moved
 * over (tick 0 counts as one), or -1 (nothing moves, *last NaNs) on an
 * invalid feed, a non-finite epoch or a target index beyond 2^52.
 *
 * Bound: at most SIM_FEED_MAX_STEPS ticks are stepped one by one (about
 * 30 ms of work at -O2; 55 hours of the default 200 ms ticks), giving the
 * very path sim_feed_next would have made.  A longer gap is crossed in one GBM
 * step over the whole gap, exact in distribution but not the same path; it
 * is still a pure function of (parameters, seed, calls made), so a
 * restarted worker that replays the same calls sees the same quotes.
 */
extern int64_t sim_feed_advance_to(sim_feed *f, double epoch, sim_quote *last);

/*
 * The quote the feed makes of a mid (rounding rules in the header comment);
 * NaN prices for a mid that is not finite and > 0 or a spread outside
 * [0, 20000) bps.
 */
extern void sim_quote_from_mid(double mid, double spread_bps, int64_t n,
							   double ts, sim_quote *q);

#endif							/* BIFROST_SIM_FEED_H */
