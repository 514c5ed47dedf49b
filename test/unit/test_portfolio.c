/*
 * test_portfolio.c: the book's delta and gamma in shares, against the
 * reference engine's anchor values (below, in full), and its conventions: signed
 * quantities, multipliers, per-leg vol, the time-to-expiry day count,
 * expired legs, stock and in-flight hedges, invalid spot.
 */
#include "portfolio.h"
#include "unit.h"

#include <math.h>

#define DAY 86400.0
#define NOW 1717000000.0		/* an arbitrary instant, epoch seconds */

static engine_leg
leg(bs_right right, double strike, double days, double qty, double mult, double iv)
{
	engine_leg l = {0};

	l.right = right;
	l.strike = strike;
	l.expiry = NOW + days * DAY;
	l.quantity = qty;
	l.multiplier = mult;
	l.implied_vol = iv;
	return l;
}

static portfolio_market
market(double spot, double vol, double r, double q)
{
	portfolio_market m = {0};

	m.spot = spot;
	m.now = NOW;
	m.volatility = vol;
	m.rate = r;
	m.yield = q;
	return m;
}

/* Anchor: S=K=100, T=0.25, r=5 %, sigma=25 %; and S=110. */
static void
test_reference_single_options(void)
{
	double		days = 0.25 * 365.0;
	engine_leg	call = leg(BS_CALL, 100, days, 1, 1, NAN);
	engine_leg	put = leg(BS_PUT, 100, days, 1, 1, NAN);
	portfolio_market m = market(100, 0.25, 0.05, 0.0);
	portfolio_greeks g;

	portfolio_compute(&call, 1, &m, 0, 0, &g);
	CHECK_NEAR_ABS(g.option_delta, 0.564544, 5e-7);
	CHECK_NEAR_ABS(g.gamma, 0.031497, 5e-7);
	CHECK(g.valid && g.legs_active == 1 && g.legs_expired == 0);
	portfolio_compute(&put, 1, &m, 0, 0, &g);
	CHECK_NEAR_ABS(g.option_delta, -0.435456, 5e-7);
	CHECK_NEAR_ABS(g.gamma, 0.031497, 5e-7);

	m.spot = 110;
	portfolio_compute(&call, 1, &m, 0, 0, &g);
	CHECK_NEAR_ABS(g.option_delta, 0.822512, 5e-7);
	CHECK_NEAR_ABS(g.gamma, 0.018916, 5e-7);
	portfolio_compute(&put, 1, &m, 0, 0, &g);
	CHECK_NEAR_ABS(g.option_delta, -0.177488, 5e-7);
}

/*
 * Anchor: S=K=500, T=28/365, sigma=35 %, r=5 %: call delta 0.535076,
 * put -0.464924, gamma 0.008199 per share of one option.  One long straddle
 * of 1 contract x 100 shares: +7.0153 shares of delta (0.070152 x 100) and
 * gamma 1.6398 shares per $1 of spot (2 x 0.008199 x 100).
 */
static void
test_reference_straddle(void)
{
	engine_leg	book[2];
	portfolio_market m = market(500, 0.35, 0.05, 0.0);
	portfolio_greeks g;

	book[0] = leg(BS_CALL, 500, 28, 1, 1, NAN);
	portfolio_compute(book, 1, &m, 0, 0, &g);
	CHECK_NEAR_ABS(g.option_delta, 0.535076, 5e-7);
	CHECK_NEAR_ABS(g.gamma, 0.008199, 5e-7);

	book[0] = leg(BS_CALL, 500, 28, 1, 100, NAN);
	book[1] = leg(BS_PUT, 500, 28, 1, 100, NAN);
	portfolio_compute(book, 2, &m, 0, 0, &g);
	CHECK_NEAR_ABS(g.option_delta, 7.0153, 5e-4);
	CHECK_NEAR_ABS(g.gamma, 1.6398, 5e-4);
	CHECK_NEAR_ABS(g.net_delta, g.option_delta, 0);
	CHECK(g.legs_active == 2);

	/* short the straddle: every figure flips sign */
	book[0].quantity = -1;
	book[1].quantity = -1;
	{
		portfolio_greeks s;

		portfolio_compute(book, 2, &m, 0, 0, &s);
		CHECK_NEAR_REL(s.option_delta, -g.option_delta, 1e-15);
		CHECK_NEAR_REL(s.gamma, -g.gamma, 1e-15);
	}

	/* ten contracts: ten times the figures */
	book[0].quantity = 10;
	book[1].quantity = 10;
	{
		portfolio_greeks t;

		portfolio_compute(book, 2, &m, 0, 0, &t);
		CHECK_NEAR_REL(t.option_delta, 10 * g.option_delta, 1e-13);
		CHECK_NEAR_REL(t.gamma, 10 * g.gamma, 1e-13);
	}
}

static void
test_conventions(void)
{
	portfolio_market m = market(100, 0.35, 0.05, 0.01);
	engine_leg	l = leg(BS_CALL, 105, 365, 2, 100, NAN);
	portfolio_greeks g;
	double		d,
				gm;

	/* t = (expiry - now) / (365 x 86400): 365 days is t = 1 */
	portfolio_compute(&l, 1, &m, 0, 0, &g);
	bs_delta_gamma(BS_CALL, 100, 105, 1.0, 0.05, 0.01, 0.35, &d, &gm);
	CHECK_NEAR_REL(g.option_delta, 200 * d, 1e-14);
	CHECK_NEAR_REL(g.gamma, 200 * gm, 1e-14);

	/* fractional time: 6 hours to expiry is t = 0.25 / 365 */
	l = leg(BS_PUT, 101, 0.25, -3, 100, NAN);
	portfolio_compute(&l, 1, &m, 0, 0, &g);
	bs_delta_gamma(BS_PUT, 100, 101, 0.25 / 365.0, 0.05, 0.01, 0.35, &d, &gm);
	CHECK_NEAR_REL(g.option_delta, -300 * d, 1e-12);
	CHECK_NEAR_REL(g.gamma, -300 * gm, 1e-12);

	/* the leg's own implied vol wins over the flat vol */
	l = leg(BS_CALL, 100, 30, 1, 100, 0.8);
	portfolio_compute(&l, 1, &m, 0, 0, &g);
	bs_delta_gamma(BS_CALL, 100, 100, 30 / 365.0, 0.05, 0.01, 0.8, &d, &gm);
	CHECK_NEAR_REL(g.option_delta, 100 * d, 1e-14);
	CHECK_NEAR_REL(g.gamma, 100 * gm, 1e-14);
	/* implied vol 0: the intrinsic (limit) delta, no gamma */
	l = leg(BS_CALL, 90, 30, 1, 100, 0.0);
	portfolio_compute(&l, 1, &m, 0, 0, &g);
	CHECK(g.valid && g.gamma == 0.0);
	CHECK_NEAR_REL(g.option_delta, 100 * exp(-0.01 * 30 / 365.0), 1e-14);

	/* stock and in-flight hedges add one for one */
	l = leg(BS_CALL, 100, 30, 1, 100, NAN);
	portfolio_compute(&l, 1, &m, -40, 5, &g);
	CHECK_NEAR_REL(g.net_delta, g.option_delta - 35, 1e-15);

	/* an empty book: valid, the stock is the whole delta */
	portfolio_compute(NULL, 0, &m, 120, -20, &g);
	CHECK(g.valid && g.option_delta == 0 && g.gamma == 0 && g.net_delta == 100);
	CHECK(g.legs_active == 0 && g.legs_expired == 0);
}

static void
test_expired_legs(void)
{
	portfolio_market m = market(100, 0.35, 0.05, 0.0);
	engine_leg	book[4];
	portfolio_greeks g,
				only;

	book[0] = leg(BS_CALL, 100, 30, 1, 100, NAN);
	book[1] = leg(BS_CALL, 95, 0, 5, 100, NAN); /* expires exactly now */
	book[2] = leg(BS_PUT, 105, -1, 5, 100, NAN);	/* yesterday */
	book[3] = leg(BS_PUT, 100, 1.0 / DAY, 1, 100, NAN);	/* one second left */
	portfolio_compute(book, 4, &m, 0, 0, &g);
	CHECK(g.legs_active == 2 && g.legs_expired == 2);
	portfolio_compute(book, 1, &m, 0, 0, &only);
	{
		portfolio_greeks last;

		portfolio_compute(&book[3], 1, &m, 0, 0, &last);
		CHECK_NEAR_REL(g.option_delta, only.option_delta + last.option_delta, 1e-13);
		CHECK(isfinite(g.gamma) && g.valid);
	}
}

static void
test_invalid(void)
{
	engine_leg	l = leg(BS_CALL, 100, 30, 1, 100, NAN);
	portfolio_market m = market(0, 0.35, 0.05, 0.0);
	portfolio_greeks g;

	portfolio_compute(&l, 1, &m, 10, 2, &g);
	CHECK(!g.valid && g.option_delta == 0 && g.gamma == 0 && g.net_delta == 12);
	CHECK(g.legs_active == 1);
	m.spot = NAN;
	portfolio_compute(&l, 1, &m, 0, 0, &g);
	CHECK(!g.valid);
	m.spot = -5;
	portfolio_compute(&l, 1, &m, 0, 0, &g);
	CHECK(!g.valid);
	m.spot = INFINITY;
	portfolio_compute(&l, 1, &m, 0, 0, &g);
	CHECK(!g.valid);

	CHECK(!portfolio_greeks_sane(false, 0, 0, 1, 100));
	CHECK(!portfolio_greeks_sane(true, NAN, 0, 1, 100));
	CHECK(!portfolio_greeks_sane(true, 0, INFINITY, 1, 100));
	CHECK(!portfolio_greeks_sane(true, -INFINITY, 0, 1, NAN));
}

/*
 * Sanity is judged on value (PORTFOLIO_GREEKS_VALUE_LIMIT, 1e10), not on
 * the count of lots: |delta| x units_per_lot x spot, |gamma| x
 * units_per_lot x spot^2.
 */
static void
test_sanity_in_value(void)
{
	/* shares at 100: 1e8 shares is 1e10, the limit itself */
	CHECK(portfolio_greeks_sane(true, 1e6, -1e6, 1, 100));
	CHECK(portfolio_greeks_sane(true, 2e6, 0, 1, 100));
	CHECK(portfolio_greeks_sane(true, 1e8, 0, 1, 100));
	CHECK(portfolio_greeks_sane(true, -1e8, 0, 1, 100));
	CHECK(!portfolio_greeks_sane(true, nextafter(1e8, INFINITY), 0, 1, 100));
	CHECK(!portfolio_greeks_sane(true, -1.0000001e8, 0, 1, 100));
	/* gamma: 1e6 shares per unit of spot at 100 is 1e10 for a move of one spot */
	CHECK(portfolio_greeks_sane(true, 0, 1e6, 1, 100));
	CHECK(portfolio_greeks_sane(true, 0, -1e6, 1, 100));
	CHECK(!portfolio_greeks_sane(true, 0, -1.000001e6, 1, 100));
	/* BTC-USDT-SWAP lots of 0.0001 BTC at 60,000: 100 BTC is 1e6 lots, worth 6e6 */
	CHECK(portfolio_greeks_sane(true, 1e6, 0, 1e-4, 60000));
	CHECK(portfolio_greeks_sane(true, -1e6, 50, 1e-4, 60000));
	/* the limit in lots there: 1e10 / 6 = 1,666,666,666.7 lots */
	CHECK(portfolio_greeks_sane(true, 1666666666, 0, 1e-4, 60000));
	CHECK(!portfolio_greeks_sane(true, 1666666667, 0, 1e-4, 60000));
	/* the same 1e6 counted as shares of a 60,000 stock is 6e10: too much */
	CHECK(!portfolio_greeks_sane(true, 1e6, 0, 1, 60000));
	/* no spot: no value to judge, only finiteness */
	CHECK(portfolio_greeks_sane(true, 1e12, 1e12, 1, NAN));
	CHECK(portfolio_greeks_sane(true, 1e12, 0, 1, 0));
	CHECK(!portfolio_greeks_sane(true, NAN, 0, 1, NAN));
	/* huge but finite products do not overflow into a wrong answer */
	CHECK(!portfolio_greeks_sane(true, 1e15, 1e15, 1e12, 1e12));
}

int
main(void)
{
	test_reference_single_options();
	test_reference_straddle();
	test_conventions();
	test_expired_legs();
	test_invalid();
	test_sanity_in_value();
	return unit_summary("test_portfolio");
}
