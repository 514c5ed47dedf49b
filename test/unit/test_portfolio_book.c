/*
 * test_portfolio_book.c: a book priced once per instant (portfolio_book,
 * hcore_book, the engine's book input) gives exactly the figures of the
 * leg-by-leg path: each leg's delta and gamma from bs_delta_gamma() and its
 * value from bs_price(), summed in the legs' order as the engine and the
 * day's P&L always summed them.  Random books, spots and times: shared
 * expiries, vols and strikes, duplicate legs, the flat vol, zero vol,
 * expired legs settled or not in either style, a leg expiring at the
 * instant, lots smaller and larger than a unit, spots that are no price,
 * books larger than the tables of shared work.  Delta, gamma and value are
 * compared bit for bit (NaN with NaN); theta and vega against
 * bs_greeks_all() within rounding.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "backtest.h"
#include "bs.h"
#include "calendar.h"
#include "engine.h"
#include "hedger_core.h"
#include "portfolio.h"
#include "rng.h"
#include "settlement.h"
#include "unit.h"

#define DAY 86400.0
#define NOW 1767632400.0		/* 2026-01-05 17:00 UTC */
#define MAX_LEGS 96
#define BOOKS 4000

static rng	R;

/* Bit for bit, or both NaN (a NaN's payload means nothing). */
static int
same(double a, double b)
{
	uint64_t	x,
				y;

	if (isnan(a) && isnan(b))
		return 1;
	memcpy(&x, &a, sizeof(x));
	memcpy(&y, &b, sizeof(y));
	return x == y;
}

#define CHECK_SAME(got, want) unit_check(same((got), (want)), #got " == " #want, __FILE__, __LINE__)

static double
pick(const double *v, int n)
{
	return v[(int) (rng_uniform(&R) * n) % n];
}

/* ---- the leg-by-leg path, as the engine and the day's P&L have computed it ---- */

/* The engine's delta and gamma of legs_in_lots (portfolio_compute, leg by leg). */
static void
reference_greeks(const engine_leg *legs, int n, const portfolio_market *m, double *delta,
				 double *gamma, int *active, int *expired, bool *spot_ok)
{
	*delta = 0.0;
	*gamma = 0.0;
	*active = *expired = 0;
	*spot_ok = isfinite(m->spot) && m->spot > 0.0;
	for (int i = 0; i < n; i++)
	{
		const engine_leg *leg = &legs[i];
		double		t = (leg->expiry - m->now) / PORTFOLIO_SECONDS_PER_YEAR;
		double		sigma = isnan(leg->implied_vol) ? m->volatility : leg->implied_vol;
		double		size = leg->quantity * leg->multiplier;
		double		d,
					g;

		if (!(t > 0.0))
		{
			settled_value v;

			(*expired)++;
			if (*spot_ok)
			{
				settlement_value(leg, m->spot, m->settlement, &v);
				*delta += v.delta;
			}
			continue;
		}
		(*active)++;
		if (!*spot_ok)
			continue;
		bs_delta_gamma(leg->right, m->spot, leg->strike, t, m->rate, m->yield, sigma, &d, &g);
		*delta += size * d;
		*gamma += size * g;
	}
}

/* The legs' value (hcore_legs_value, leg by leg), and their greeks in units. */
static void
reference_units(const engine_leg *legs, int n, const portfolio_market *m, double *value,
				double *delta, double *gamma, double *theta, double *vega)
{
	*value = *delta = *gamma = *theta = *vega = 0.0;
	for (int i = 0; i < n; i++)
	{
		const engine_leg *l = &legs[i];
		double		t = (l->expiry - m->now) / (365.0 * 86400.0);
		double		vol = isnan(l->implied_vol) ? m->volatility : l->implied_vol;
		double		size = l->quantity * l->multiplier;
		double		d,
					g;
		bs_greeks	all;

		if (t <= 0)
		{
			settled_value v;

			settlement_value(l, m->spot, m->settlement, &v);
			*value += v.value;
			*delta += v.delta;
			continue;
		}
		*value += l->quantity * l->multiplier *
			bs_price(l->right, m->spot, l->strike, t, m->rate, m->yield, vol);
		bs_delta_gamma(l->right, m->spot, l->strike, t, m->rate, m->yield, vol, &d, &g);
		bs_greeks_all(l->right, m->spot, l->strike, t, m->rate, m->yield, vol, &all);
		*delta += size * d;
		*gamma += size * g;
		*theta += size * all.theta;
		*vega += size * all.vega;
	}
}

/* ---- random books ---- */

typedef struct book
{
	engine_leg	legs[MAX_LEGS];
	engine_leg	lots[MAX_LEGS];
	int			n;
	double		units_per_lot;
	portfolio_market m;
} book;

/*
 * A few expiries, vols and strikes drawn from small sets so that legs share
 * them, a spot near the strikes (or no price at all now and then), a time
 * that puts some expiries behind it, one exactly at it.
 */
static void
random_book(book *b, int max_legs)
{
	static const double upl[] = {1, 1, 1e-4, 0.01, 1e-8, 10, 100};
	static const double vols[] = {0.35, 0.2, 0.8, 0.05, 1e-4, 0};
	static const double rates[] = {0.05, 0, -0.01, 0.2};
	static const double yields[] = {0, 0, 0.03, -0.02};
	static const double bad_spots[] = {NAN, 0, -5, INFINITY};
	double		expiries[6];
	double		strikes[8];
	double		spot = 100.0 * exp(0.3 * rng_normal(&R));
	int			n_exp = 1 + (int) (rng_uniform(&R) * 6) % 6;
	int			n_strikes = 1 + (int) (rng_uniform(&R) * 8) % 8;

	b->units_per_lot = pick(upl, 7);
	b->m.now = NOW + rng_uniform(&R) * 40 * DAY;
	for (int i = 0; i < n_exp; i++)
	{
		double		u = rng_uniform(&R);

		/* behind now, at it to the bit, within hours, weeks, years */
		expiries[i] = u < 0.15 ? b->m.now - rng_uniform(&R) * 10 * DAY :
			u < 0.22 ? b->m.now :
			u < 0.35 ? b->m.now + rng_uniform(&R) * 3600 :
			u < 0.9 ? b->m.now + rng_uniform(&R) * 90 * DAY :
			b->m.now + rng_uniform(&R) * 5 * 365 * DAY;
	}
	for (int i = 0; i < n_strikes; i++)
		strikes[i] = rng_uniform(&R) < 0.2 ? spot : round(spot * (0.7 + 0.6 * rng_uniform(&R)));
	b->n = 1 + (int) (rng_uniform(&R) * max_legs) % max_legs;
	for (int i = 0; i < b->n; i++)
	{
		engine_leg *l = &b->legs[i];

		memset(l, 0, sizeof(*l));
		/* a duplicate of an earlier leg now and then: the same figures from memory */
		if (i > 0 && rng_uniform(&R) < 0.1)
		{
			*l = b->legs[(int) (rng_uniform(&R) * i) % i];
			l->quantity = round(20 * (rng_uniform(&R) - 0.5));
			continue;
		}
		l->right = rng_uniform(&R) < 0.5 ? BS_CALL : BS_PUT;
		l->strike = strikes[(int) (rng_uniform(&R) * n_strikes) % n_strikes];
		l->expiry = expiries[(int) (rng_uniform(&R) * n_exp) % n_exp];
		l->quantity = round(40 * (rng_uniform(&R) - 0.5));
		l->multiplier = rng_uniform(&R) < 0.7 ? 100 : 1 + round(rng_uniform(&R) * 10);
		l->implied_vol = rng_uniform(&R) < 0.3 ? NAN : pick(vols, 6);
		/* expired legs: some settled, in either style, some waiting for the first quote */
		if (l->expiry <= b->m.now && rng_uniform(&R) < 0.6)
		{
			l->settlement_price = spot * (0.8 + 0.4 * rng_uniform(&R));
			l->settlement = rng_uniform(&R) < 0.5 ? SETTLEMENT_CASH : SETTLEMENT_PHYSICAL;
		}
	}
	for (int i = 0; i < b->n; i++)
	{
		b->lots[i] = b->legs[i];
		b->lots[i].multiplier /= b->units_per_lot;
	}
	b->m.spot = rng_uniform(&R) < 0.05 ? pick(bad_spots, 4) : spot * exp(0.1 * rng_normal(&R));
	b->m.volatility = pick(vols, 4);
	b->m.rate = pick(rates, 4);
	b->m.yield = pick(yields, 4);
	b->m.settlement = rng_uniform(&R) < 0.5 ? SETTLEMENT_CASH : SETTLEMENT_PHYSICAL;
}

/* The book's figures against the leg-by-leg path, with and without the value. */
static void
check_book(const book *b)
{
	portfolio_book pb,
				dg;
	portfolio_greeks g;
	double		delta,
				gamma,
				value,
				u_delta,
				u_gamma,
				u_theta,
				u_vega;
	int			active,
				expired;
	bool		spot_ok;
	int			ok = 1;

	reference_greeks(b->lots, b->n, &b->m, &delta, &gamma, &active, &expired, &spot_ok);
	reference_units(b->legs, b->n, &b->m, &value, &u_delta, &u_gamma, &u_theta, &u_vega);

	portfolio_book_compute(b->legs, b->lots, b->n, &b->m, true, &pb);
	ok &= CHECK_SAME(pb.option_delta, delta);
	ok &= CHECK_SAME(pb.gamma, gamma);
	ok &= CHECK(pb.legs_active == active && pb.legs_expired == expired && pb.spot_ok == spot_ok);
	ok &= CHECK_SAME(pb.value, value);
	if (spot_ok)
	{
		/* the attribution's greeks: the engine's delta and gamma, in units */
		ok &= CHECK_SAME(pb.unit_delta, u_delta);
		ok &= CHECK_SAME(pb.unit_gamma, u_gamma);
		ok &= CHECK_NEAR(pb.theta, u_theta, 1e-9, 1e-6);
		ok &= CHECK_NEAR(pb.vega, u_vega, 1e-9, 1e-6);
	}

	/* delta and gamma only (portfolio_compute's way): the same */
	portfolio_book_compute(b->lots, b->lots, b->n, &b->m, false, &dg);
	ok &= CHECK_SAME(dg.option_delta, delta);
	ok &= CHECK_SAME(dg.gamma, gamma);
	portfolio_compute(b->lots, b->n, &b->m, 12, -3, &g);
	ok &= CHECK_SAME(g.option_delta, delta);
	ok &= CHECK_SAME(g.gamma, gamma);
	ok &= CHECK_SAME(g.net_delta, delta + 12 + -3);
	ok &= CHECK(g.valid == (spot_ok && isfinite(delta + 12 + -3) && isfinite(gamma)));

	/* the value as the core's port asks for it */
	{
		engine_config cfg;

		engine_config_defaults(&cfg);
		cfg.volatility = b->m.volatility;
		cfg.risk_free_rate = b->m.rate;
		cfg.dividend_yield = b->m.yield;
		cfg.settlement = b->m.settlement;
		ok &= CHECK_SAME(hcore_legs_value(&cfg, b->legs, b->n, b->m.spot, b->m.now), value);
	}
	if (!ok)
		unit_note("book of %d legs, spot %.17g, now %.17g, units per lot %g, vol %g, r %g, q %g",
				  b->n, b->m.spot, b->m.now, b->units_per_lot, b->m.volatility, b->m.rate, b->m.yield);
}

static void
test_random_books(void)
{
	book		b;

	for (int k = 0; k < BOOKS; k++)
	{
		/* now and then a book beyond the tables of shared terms and strikes */
		random_book(&b, k % 10 == 0 ? MAX_LEGS : 16);
		check_book(&b);
	}
}

/* A book with more distinct terms and strikes than the tables hold. */
static void
test_beyond_tables(void)
{
	book		b;

	memset(&b, 0, sizeof(b));
	b.units_per_lot = 0.01;
	b.m.now = NOW;
	b.m.spot = 101.5;
	b.m.volatility = 0.3;
	b.m.rate = 0.04;
	b.m.yield = 0.01;
	b.m.settlement = SETTLEMENT_PHYSICAL;
	b.n = MAX_LEGS;
	for (int i = 0; i < b.n; i++)
	{
		engine_leg *l = &b.legs[i];

		l->right = (i % 3 == 0) ? BS_CALL : BS_PUT;
		l->strike = 60 + (i % 40) * 2;
		l->expiry = NOW + (1 + i % 24) * 7 * DAY;
		l->quantity = (i % 5) - 2;
		l->multiplier = 100;
		l->implied_vol = (i % 4 == 0) ? NAN : 0.2 + 0.01 * (i % 7);
		b.lots[i] = *l;
		b.lots[i].multiplier /= b.units_per_lot;
	}
	check_book(&b);
}

/* ---- the engine: a book priced already decides as the legs do ---- */

static int
same_output(const engine_output *a, const engine_output *b)
{
	return same(a->spot, b->spot) && same(a->net_delta, b->net_delta) &&
		same(a->option_delta, b->option_delta) && same(a->gamma, b->gamma) &&
		a->greeks_valid == b->greeks_valid && a->legs_active == b->legs_active &&
		a->legs_expired == b->legs_expired && same(a->spread_pct, b->spread_pct) &&
		a->risk_halt == b->risk_halt && memcmp(&a->dims, &b->dims, sizeof(a->dims)) == 0 &&
		a->next_state == b->next_state && a->fault == b->fault &&
		same(a->faults_clear_since, b->faults_clear_since) &&
		a->intent.present == b->intent.present && a->intent.side == b->intent.side &&
		a->intent.qty == b->intent.qty && a->block_reason == b->block_reason &&
		a->block_mask == b->block_mask;
}

static void
test_engine_book(void)
{
	engine_config cfg;
	book		b;

	engine_config_defaults(&cfg);
	cfg.trading_hours_only = false;
	for (int k = 0; k < 1000; k++)
	{
		engine_input in;
		engine_output with_legs,
					with_book,
					stale;
		portfolio_market m;
		portfolio_book pb;

		random_book(&b, 12);
		if (!(isfinite(b.m.spot) && b.m.spot > 0))
			b.m.spot = 100;
		cfg.volatility = b.m.volatility > 0 ? b.m.volatility : 0.35;
		cfg.risk_free_rate = b.m.rate;
		cfg.dividend_yield = b.m.yield;
		cfg.settlement = b.m.settlement;
		engine_input_init(&in);
		in.now = b.m.now;
		calendar_ny_clock(in.now, &in.clock);
		in.has_quote = true;
		in.bid = b.m.spot * 0.9999;
		in.ask = b.m.spot * 1.0001;
		in.quote_ts = in.now;
		in.legs = b.lots;
		in.n_legs = b.n;
		in.units_per_lot = b.units_per_lot;
		in.stock_position = round(100 * rng_normal(&R));
		in.state = TS_MONITOR;
		engine_evaluate(&cfg, &in, &with_legs);

		/* the mid the engine prices at, and the market it prices in */
		m.spot = 0.5 * (in.bid + in.ask);
		m.now = in.now;
		m.volatility = cfg.volatility;
		m.rate = cfg.risk_free_rate;
		m.yield = cfg.dividend_yield;
		m.settlement = cfg.settlement;
		portfolio_book_compute(b.legs, b.lots, b.n, &m, true, &pb);
		CHECK(portfolio_book_matches(&pb, b.lots, b.n, &m));
		in.book = &pb;
		engine_evaluate(&cfg, &in, &with_book);
		if (!CHECK(same_output(&with_legs, &with_book)))
			unit_note("engine with a book, %d legs", b.n);

		/* a book of another instant, legs or market is not used */
		m.spot = nextafter(m.spot, INFINITY);
		portfolio_book_compute(b.legs, b.lots, b.n, &m, true, &pb);
		CHECK(!portfolio_book_matches(&pb, b.lots, b.n, &(portfolio_market) {
			0.5 * (in.bid + in.ask), in.now, cfg.volatility, cfg.risk_free_rate,
			cfg.dividend_yield, cfg.settlement}));
		engine_evaluate(&cfg, &in, &stale);
		if (!CHECK(same_output(&with_legs, &stale)))
			unit_note("engine with a stale book, %d legs", b.n);
	}
}

/* ---- the core: priced once per instant, forgotten when the legs or settings change ---- */

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

static void
test_core_book(void)
{
	hcore_settings set;
	hcore_port	port;
	hcore_loaded loaded;
	book		b;
	const portfolio_book *pb;
	double		value,
				d,
				g,
				t,
				v;

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

	for (int k = 0; k < 200; k++)
	{
		random_book(&b, 12);
		if (!(isfinite(b.m.spot) && b.m.spot > 0))
			b.m.spot = 100;
		set.units_per_lot = b.units_per_lot;
		set.cfg.volatility = b.m.volatility > 0 ? b.m.volatility : 0.35;
		set.cfg.risk_free_rate = b.m.rate;
		set.cfg.dividend_yield = b.m.yield;
		set.cfg.settlement = b.m.settlement;
		b.m.volatility = set.cfg.volatility;
		hcore_init(&core, &set, &port, b.m.now);
		hcore_set_legs(&core, b.legs, b.lots, b.n, false);
		memset(&loaded, 0, sizeof(loaded));
		hcore_start(&core, &loaded, b.m.now);

		reference_units(b.legs, b.n, &b.m, &value, &d, &g, &t, &v);
		pb = hcore_book(&core, b.m.spot, b.m.now);
		CHECK_SAME(pb->value, value);
		/* the legs in lots the core made are the engine's */
		reference_greeks(core.legs_in_lots, b.n, &b.m, &d, &g, &(int) {0}, &(int) {0}, &(bool) {0});
		CHECK_SAME(pb->option_delta, d);
		CHECK_SAME(pb->gamma, g);
		/* asked again at the instant: the same figures, from memory */
		CHECK(hcore_book(&core, b.m.spot, b.m.now) == pb && pb->value == value);

		/* a reload of the settings reaches the figures */
		core.set.cfg.risk_free_rate = b.m.rate + 0.01;
		b.m.rate += 0.01;
		reference_units(b.legs, b.n, &b.m, &value, &d, &g, &t, &v);
		CHECK_SAME(hcore_book(&core, b.m.spot, b.m.now)->value, value);

		/* legs settled in place reach the figures once the core is told */
		for (int i = 0; i < b.n; i++)
			if (b.legs[i].expiry <= b.m.now && !settlement_fixed(&b.legs[i]))
			{
				b.legs[i].settlement_price = b.m.spot * 1.1;
				b.legs[i].settlement = SETTLEMENT_CASH;
			}
		hcore_settlements_changed(&core);
		reference_units(b.legs, b.n, &b.m, &value, &d, &g, &t, &v);
		CHECK_SAME(hcore_book(&core, b.m.spot, b.m.now)->value, value);
	}
}

/* ---- the backtest: every record the same as priced leg by leg ---- */

static void
test_backtest_units(void)
{
	static backtest bt;
	backtest_params p;
	backtest_quote q[400];
	double		value,
				d,
				g,
				t,
				v;
	portfolio_market m;

	memset(&p, 0, sizeof(p));
	p.set.symbol = "TEST";
	engine_config_defaults(&p.set.cfg);
	p.set.cfg.trading_hours_only = false;
	p.set.units_per_lot = 0.5;
	p.start_avg_cost = NAN;
	p.sample_interval_s = 60;
	p.periods_per_year = 365;
	p.day_roll_kind = BACKTEST_DAY_UTC;
	for (int i = 0; i < 6; i++)
	{
		engine_leg *l = &p.legs[p.n_legs++];

		memset(l, 0, sizeof(*l));
		l->right = i % 2 ? BS_PUT : BS_CALL;
		l->strike = 95 + 5 * (i / 2);
		/* one expires in the run */
		l->expiry = NOW + (i == 0 ? 100 : (i + 1) * 5 * DAY);
		l->quantity = i % 3 == 0 ? -3 : 2;
		l->multiplier = 100;
		l->implied_vol = i < 2 ? NAN : 0.25;
	}
	for (int i = 0; i < 400; i++)
	{
		double		mid = 100 + 3 * sin(i / 17.0);

		q[i].ts = NOW + i;
		q[i].bid = mid - 0.01;
		q[i].ask = mid + 0.01;
	}
	backtest_init(&bt, &p, NULL);
	backtest_feed(&bt, q, 400);
	backtest_finish(&bt);
	/* the last mark: the legs as settled at the run's settlement, in units */
	m.spot = (q[399].bid + q[399].ask) / 2;
	m.now = q[399].ts;
	m.volatility = p.set.cfg.volatility;
	m.rate = p.set.cfg.risk_free_rate;
	m.yield = p.set.cfg.dividend_yield;
	m.settlement = p.set.cfg.settlement;
	CHECK(settlement_fixed(&bt.legs[0]));
	reference_units(bt.legs, bt.p.n_legs, &m, &value, &d, &g, &t, &v);
	CHECK_SAME(bt.legs_value, value);
	CHECK_SAME(bt.book_delta, d);
	CHECK_SAME(bt.book_gamma, g);
	CHECK_NEAR_REL(bt.book_theta, t, 1e-9);
	CHECK_NEAR_REL(bt.book_vega, v, 1e-9);
}

int
main(void)
{
	rng_seed(&R, 20260105);
	test_random_books();
	test_beyond_tables();
	test_engine_book();
	test_core_book();
	test_backtest_units();
	return unit_summary("test_portfolio_book");
}
