/*
 * test_input_check.c: the engine's check of a step's input in two parts
 * (the legs, everything else) gives the verdict of the whole check, legs
 * that pass at a time pass at every later one, and the hedger core, which
 * checks its legs once, still decides as with no quote whenever the whole
 * check would fail: legs changed, lots changed, the time gone back.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "engine.h"
#include "hedger_core.h"
#include "rng.h"
#include "unit.h"

#define DAY 86400.0
#define NOW 1767632400.0		/* 2026-01-05 17:00 UTC */
#define LIMIT (BS_MAX_T * PORTFOLIO_SECONDS_PER_YEAR)

static rng	R;

static int
same_text(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

/* An input that passes, then one field or leg spoiled now and then. */
static void
random_input(engine_input *in, engine_leg *legs, int *n)
{
	double		u;

	engine_input_init(in);
	in->now = NOW + rng_uniform(&R) * 30 * DAY;
	calendar_ny_clock(in->now, &in->clock);
	in->has_quote = true;
	in->bid = 99.99;
	in->ask = 100.01;
	in->quote_ts = in->now;
	in->units_per_lot = rng_uniform(&R) < 0.5 ? 1 : 1e-4;
	*n = 1 + (int) (rng_uniform(&R) * 6) % 6;
	for (int i = 0; i < *n; i++)
	{
		memset(&legs[i], 0, sizeof(legs[i]));
		legs[i].right = i % 2 ? BS_PUT : BS_CALL;
		legs[i].strike = 90 + 5 * i;
		legs[i].expiry = in->now + (1 + i) * 7 * DAY;
		legs[i].quantity = 3 - i;
		legs[i].multiplier = 100;
		legs[i].implied_vol = i % 3 ? 0.3 : NAN;
	}
	in->legs = legs;
	in->n_legs = *n;

	u = rng_uniform(&R);
	if (u < 0.1)
		legs[*n - 1].strike = -1;
	else if (u < 0.2)
		legs[0].expiry = in->now + LIMIT * (1 + 1e-9);
	else if (u < 0.25)
		legs[0].implied_vol = 20;
	else if (u < 0.3)
		legs[*n / 2].multiplier = 0;
	else if (u < 0.35)
		in->bid = 200;			/* crossed */
	else if (u < 0.4)
		in->stock_position = INFINITY;
	else if (u < 0.45)
		in->units_per_lot = 0;
	else if (u < 0.5)
		in->daily_pnl = NAN;
	else if (u < 0.55)
	{
		in->bid = 200;
		legs[0].strike = NAN;
	}
	else if (u < 0.6)
		in->now = NAN;
}

static void
test_two_parts(void)
{
	for (int k = 0; k < 20000; k++)
	{
		engine_input in;
		engine_leg	legs[6];
		int			n,
					bad_whole,
					bad_part;
		const char *whole,
				   *legs_bad,
				   *rest_bad;

		random_input(&in, legs, &n);
		whole = engine_input_check(&in, &bad_whole);
		legs_bad = engine_input_check_legs(&in, &bad_part);
		rest_bad = engine_input_check_except_legs(&in);
		CHECK((whole == NULL) == (legs_bad == NULL && rest_bad == NULL));
		if (legs_bad && !rest_bad)
			CHECK(same_text(whole, legs_bad) && bad_whole == bad_part);
		if (rest_bad && !legs_bad)
			CHECK(same_text(whole, rest_bad) && bad_whole == -1);
		if (legs_bad && rest_bad)
			CHECK(same_text(whole, legs_bad) || same_text(whole, rest_bad));
	}
}

/* Legs that pass at a time pass at every later one: the expiry bound, to the last bit. */
static void
test_later_times_pass(void)
{
	for (int k = 0; k < 20000; k++)
	{
		engine_input in;
		engine_leg	leg;
		double		now = NOW + rng_uniform(&R) * 1e9;
		double		later = now + (k % 3 == 0 ? 0 : rng_uniform(&R) * (k % 2 ? 1e-6 : 1e6));

		memset(&leg, 0, sizeof(leg));
		leg.right = BS_CALL;
		leg.strike = 100;
		leg.quantity = 1;
		leg.multiplier = 100;
		leg.implied_vol = NAN;
		/* at the bound, give or take a few ulps */
		leg.expiry = now + LIMIT;
		for (int step = (int) (rng_uniform(&R) * 8) - 4; step != 0; step += step > 0 ? -1 : 1)
			leg.expiry = nextafter(leg.expiry, step > 0 ? INFINITY : -INFINITY);
		engine_input_init(&in);
		in.legs = &leg;
		in.n_legs = 1;
		in.now = now;
		if (engine_input_check_legs(&in, NULL) != NULL)
			continue;
		in.now = later;
		CHECK(engine_input_check_legs(&in, NULL) == NULL);
	}
}

/* ---- the core checks its legs once ---- */

static bool
port_write(void *ctx, hcore_unit *u, char *e, size_t n)
{
	(void) ctx;
	(void) u;
	(void) e;
	(void) n;
	return true;
}

static void
port_clock(void *ctx, double now, engine_clock *out)
{
	(void) ctx;
	calendar_ny_clock(now, out);
}

static int32_t
port_date(void *ctx, double now)
{
	(void) ctx;
	return (int32_t) floor(now / DAY);
}

static bool
port_load_day(void *ctx, int32_t date, double mid, double now, hedge_day_rec *out, char *e, size_t n)
{
	(void) ctx;
	(void) date;
	(void) mid;
	(void) now;
	(void) e;
	(void) n;
	memset(out, 0, sizeof(*out));
	return true;
}

static bool
port_settlement_due(void *ctx, const engine_leg *legs, int n, double now)
{
	(void) ctx;
	(void) legs;
	(void) n;
	(void) now;
	return false;
}

static void
port_apply(void *ctx, engine_leg *legs, int n)
{
	(void) ctx;
	(void) legs;
	(void) n;
}

static double
port_as_of(void *ctx, double quote_ts, double now)
{
	(void) ctx;
	(void) now;
	return quote_ts;
}

static double
port_wall(void *ctx)
{
	(void) ctx;
	return NOW;
}

static bool
port_position(void *ctx, double *lots, char *why, size_t n)
{
	(void) ctx;
	(void) why;
	(void) n;
	*lots = 0;
	return true;
}

static hcore core;
static engine_leg legs[2];
static engine_leg legs_in_lots[2];

/* Whether the core's last decision saw a quote (an input that fails the check sees none). */
static bool
quote_seen(void)
{
	return core.led.have_out && isfinite(core.led.last_out.spot);
}

static void
test_core_checks_once(void)
{
	hcore_settings set;
	hcore_port	port;
	hcore_loaded loaded;
	double		t = NOW;

	memset(&port, 0, sizeof(port));
	port.write = port_write;
	port.clock = port_clock;
	port.trading_date = port_date;
	port.load_day = port_load_day;
	port.settlement_due = port_settlement_due;
	port.apply_settlements = port_apply;
	port.quote_as_of = port_as_of;
	port.wall_now = port_wall;
	port.position = port_position;
	port.broker_name = "paper";
	memset(&set, 0, sizeof(set));
	set.symbol = "TEST";
	engine_config_defaults(&set.cfg);
	set.cfg.trading_hours_only = false;
	set.units_per_lot = 1;

	memset(legs, 0, sizeof(legs));
	legs[0].right = BS_CALL;
	legs[0].strike = 100;
	legs[0].expiry = t + 30 * DAY;
	legs[0].quantity = -5;
	legs[0].multiplier = 100;
	legs[0].implied_vol = NAN;
	legs[1] = legs[0];
	legs[1].right = BS_PUT;
	/* at the bound of the domain ten seconds from now */
	legs[1].expiry = t + 10 + LIMIT;

	hcore_init(&core, &set, &port, t);
	hcore_set_legs(&core, legs, legs_in_lots, 2, false);
	memset(&loaded, 0, sizeof(loaded));
	hcore_start(&core, &loaded, t);

	/* too far ahead now, within the domain ten seconds later, and from then on */
	hcore_quote(&core, t, 99.99, 100.01, t, false, true);
	CHECK(!quote_seen());
	hcore_quote(&core, t + 10, 99.99, 100.01, t + 10, false, true);
	CHECK(quote_seen());
	hcore_quote(&core, t + 20, 99.99, 100.01, t + 20, false, true);
	CHECK(quote_seen());
	/* the time goes back (a live feed's clock): the legs are checked again */
	hcore_quote(&core, t + 5, 99.99, 100.01, t + 5, false, true);
	CHECK(!quote_seen());
	hcore_quote(&core, t + 30, 99.99, 100.01, t + 30, false, true);
	CHECK(quote_seen());
	/* a crossed quote fails the rest of the check, whatever the legs */
	hcore_quote(&core, t + 31, 100.02, 100.01, t + 31, false, true);
	CHECK(!quote_seen());
	hcore_quote(&core, t + 32, 99.99, 100.01, t + 32, false, true);
	CHECK(quote_seen());

	/* new legs are checked anew: a bad one sees no quote */
	legs[0].implied_vol = 20;
	hcore_set_legs(&core, legs, legs_in_lots, 2, true);
	hcore_quote(&core, t + 40, 99.99, 100.01, t + 40, false, true);
	CHECK(!quote_seen());
	legs[0].implied_vol = NAN;
	hcore_set_legs(&core, legs, legs_in_lots, 2, true);
	hcore_quote(&core, t + 50, 99.99, 100.01, t + 50, false, true);
	CHECK(quote_seen());

	/*
	 * Other lots: 1e10 lots of 0.01 units are in the domain (1e8 units), 1e10
	 * lots of a unit are not.  A core whose lots change under its legs
	 * checks them again.
	 */
	core.set.units_per_lot = 0.01;
	legs[0].multiplier = 1e8;
	hcore_set_legs(&core, legs, legs_in_lots, 2, true);
	CHECK(legs_in_lots[0].multiplier == 1e10);
	hcore_quote(&core, t + 60, 99.99, 100.01, t + 60, false, true);
	CHECK(quote_seen());
	core.set.units_per_lot = 1;
	hcore_quote(&core, t + 70, 99.99, 100.01, t + 70, false, true);
	CHECK(!quote_seen());
	core.set.units_per_lot = 0.01;
	hcore_quote(&core, t + 80, 99.99, 100.01, t + 80, false, true);
	CHECK(quote_seen());
}

int
main(void)
{
	rng_seed(&R, 20260105);
	test_two_parts();
	test_later_times_pass();
	test_core_checks_once();
	return unit_summary("test_input_check");
}
