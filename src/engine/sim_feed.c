/*
 * sim_feed.c: geometric Brownian motion quotes from a seeded generator.
 *
 * Conventions (calendar-time year, quote rounding, the mid's clamp, the
 * late-wake bound) are in sim_feed.h.
 */
#include "sim_feed.h"

#include <float.h>
#include <math.h>
#include <stddef.h>

/* Largest tick index advance_to aims at: tick indexes stay exact doubles. */
#define SIM_FEED_MAX_INDEX 4503599627370496.0	/* 2^52 */

/*
 * Slack when snapping to the grid, so a price that is on the grid in
 * decimal but a few ulps off in binary (99.99 computed as 99.98999...) is
 * not pushed a whole tick out: 64 ulps of the value in ticks, never more
 * than a thousandth of a tick.
 */
#define SIM_FEED_GRID_SLACK_REL (64 * DBL_EPSILON)
#define SIM_FEED_GRID_SLACK_MAX 1e-3

static double
grid_slack(double ticks)
{
	return fmin(SIM_FEED_GRID_SLACK_MAX, SIM_FEED_GRID_SLACK_REL * fmax(1.0, ticks));
}

static void
quote_nan(sim_quote *q)
{
	q->n = -1;
	q->ts = NAN;
	q->mid = NAN;
	q->bid = NAN;
	q->ask = NAN;
	q->last = NAN;
}

static double
clamp_mid(double mid)
{
	if (!(mid >= SIM_FEED_MIN_MID))	/* NaN included: cannot occur, but never emit it */
		return SIM_FEED_MIN_MID;
	if (mid > SIM_FEED_MAX_MID)
		return SIM_FEED_MAX_MID;
	return mid;
}

void
sim_quote_from_mid(double mid, double spread_bps, int64_t n, double ts,
				   sim_quote *q)
{
	double		half;
	double		bid;
	double		ask;

	if (!isfinite(mid) || mid <= 0 || !isfinite(spread_bps) ||
		spread_bps < 0 || spread_bps >= 20000)
	{
		quote_nan(q);
		q->n = n;
		q->ts = ts;
		return;
	}
	half = spread_bps / 20000.0;
	bid = mid * (1.0 - half);
	ask = mid * (1.0 + half);
	if (mid >= SIM_FEED_ROUND_FROM)
	{
		/* whole cents, divided back once: the nearest double to the decimal */
		double		bid_c = bid * SIM_FEED_TICKS_PER_UNIT;
		double		ask_c = ask * SIM_FEED_TICKS_PER_UNIT;

		bid_c = floor(bid_c + grid_slack(bid_c));
		ask_c = ceil(ask_c - grid_slack(ask_c));
		if (bid_c < 1.0)
			bid_c = 1.0;
		if (ask_c <= bid_c)
			ask_c = bid_c + 1.0;
		bid = bid_c / SIM_FEED_TICKS_PER_UNIT;
		ask = ask_c / SIM_FEED_TICKS_PER_UNIT;
	}
	q->n = n;
	q->ts = ts;
	q->mid = mid;
	q->bid = bid;
	q->ask = ask;
	q->last = mid;
}

bool
sim_feed_init(sim_feed *f, double spot, double vol, double drift,
			  double spread_bps, double tick_sec, uint64_t seed,
			  double start_epoch)
{
	double		dt;

	f->valid = false;
	f->n = -1;
	f->mid = NAN;
	rng_seed(&f->r, seed);
	if (!isfinite(spot) || spot < SIM_FEED_MIN_MID || spot > SIM_FEED_MAX_MID ||
		!isfinite(vol) || vol < 0 || !isfinite(drift) ||
		!isfinite(spread_bps) || spread_bps < 0 || spread_bps >= 20000 ||
		!isfinite(tick_sec) || tick_sec <= 0 || !isfinite(start_epoch))
		return false;

	dt = tick_sec / SIM_FEED_SECONDS_PER_YEAR;
	f->spot = spot;
	f->vol = vol;
	f->drift = drift;
	f->spread_bps = spread_bps;
	f->tick_sec = tick_sec;
	f->start_epoch = start_epoch;
	f->step_mean = (drift - 0.5 * vol * vol) * dt;
	f->step_sd = vol * sqrt(dt);
	f->mid = spot;
	f->valid = true;
	return true;
}

static double
tick_ts(const sim_feed *f, int64_t n)
{
	return f->start_epoch + (double) n * f->tick_sec;
}

static void
emit(const sim_feed *f, sim_quote *q)
{
	sim_quote_from_mid(f->mid, f->spread_bps, f->n, tick_ts(f, f->n), q);
}

/* One GBM step over k ticks (k = 1 for the tick-by-tick path). */
static void
step(sim_feed *f, double k)
{
	double		z = rng_normal(&f->r);

	f->mid = clamp_mid(f->mid * exp(f->step_mean * k + f->step_sd * sqrt(k) * z));
}

bool
sim_feed_next(sim_feed *f, sim_quote *q)
{
	if (!f->valid)
	{
		quote_nan(q);
		return false;
	}
	if (f->n >= 0)
		step(f, 1.0);
	f->n++;
	emit(f, q);
	return true;
}

bool
sim_feed_current(const sim_feed *f, sim_quote *q)
{
	if (!f->valid || f->n < 0)
	{
		quote_nan(q);
		return false;
	}
	emit(f, q);
	return true;
}

double
sim_feed_next_ts(const sim_feed *f)
{
	if (!f->valid)
		return NAN;
	return tick_ts(f, f->n + 1);
}

/*
 * Smallest tick index whose ts >= epoch (0 at least), computed with the
 * same expression emit() uses for ts so the promise "ts >= epoch" holds
 * for the quote actually returned; -1 beyond SIM_FEED_MAX_INDEX.
 */
static int64_t
first_tick_at_or_after(const sim_feed *f, double epoch)
{
	double		d = ceil((epoch - f->start_epoch) / f->tick_sec);
	int64_t		m;

	if (!(d <= SIM_FEED_MAX_INDEX))
		return -1;
	if (d < 0)
		d = 0;
	m = (int64_t) d;
	/* the division may be an ulp off either way: at most a step or two */
	for (int i = 0; i < 4 && m > 0 && tick_ts(f, m - 1) >= epoch; i++)
		m--;
	for (int i = 0; i < 4 && tick_ts(f, m) < epoch; i++)
		m++;
	return m;
}

int64_t
sim_feed_advance_to(sim_feed *f, double epoch, sim_quote *last)
{
	int64_t		moved = 0;
	int64_t		m;
	int64_t		k;

	if (!f->valid || !isfinite(epoch))
	{
		quote_nan(last);
		return -1;
	}
	m = first_tick_at_or_after(f, epoch);
	if (m < 0)
	{
		quote_nan(last);
		return -1;
	}
	if (f->n < 0)
	{
		f->n = 0;				/* tick 0 is the spot: no step */
		moved = 1;
	}
	k = m > f->n ? m - f->n : 0;
	if (k > SIM_FEED_MAX_STEPS)
		step(f, (double) k);
	else
		for (int64_t i = 0; i < k; i++)
			step(f, 1.0);
	f->n += k;
	emit(f, last);
	return moved + k;
}
