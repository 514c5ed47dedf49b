/*
 * test_sizing.c: hedge side and size (the reference's test_gamma_scalper
 * cases), the one threshold at its boundary, rounding (halves to even, in
 * any rounding mode), the per-order cap, hedging to the band edge, and the
 * force flag.
 */
#include "classifier.h"
#include "sizing.h"
#include "unit.h"

#include <fenv.h>
#include <math.h>
#include <string.h>

#define EPS 1e-9

static engine_config cfg;

/* Sizes with the delta dimension the classifier would give. */
static hedge_intent
size(const engine_config *c, double delta)
{
	hedge_intent h;

	sizing_intent(c, delta, classify_d(c, isfinite(delta), delta), &h);
	return h;
}

static int
is(hedge_intent h, hedge_side side, int64_t qty, bool force)
{
	return h.present && h.side == side && h.qty == qty && h.force == force;
}

static void
test_reference_cases(void)
{
	engine_config c = cfg;
	hedge_intent h;

	/* need = -delta */
	h = size(&c, 50);
	CHECK(is(h, HEDGE_SELL, 50, false));
	CHECK(h.need == -50);
	h = size(&c, -50);
	CHECK(is(h, HEDGE_BUY, 50, false));
	CHECK(h.need == 50);
	/* below the threshold: nothing */
	h = size(&c, 20);
	CHECK(!h.present && h.qty == 0 && h.need == 0);
	/* capped at 500 per order, forced at D3 */
	CHECK(is(size(&c, 800), HEDGE_SELL, 500, true));
	CHECK(is(size(&c, -1200.4), HEDGE_BUY, 500, true));
	/* a custom threshold of 50 */
	c.threshold_hedge_shares = 50;
	CHECK(!size(&c, 45).present);
	CHECK(is(size(&c, 50), HEDGE_SELL, 50, false));
	/* the reference's hedge-flow framing: delta 30 with 10 stock = net 40 -> SELL 40 */
	CHECK(is(size(&cfg, 40), HEDGE_SELL, 40, false));
}

static void
test_threshold_boundary(void)
{
	for (int sign = -1; sign <= 1; sign += 2)
	{
		hedge_side side = sign > 0 ? HEDGE_SELL : HEDGE_BUY;

		CHECK(!size(&cfg, sign * (25 - EPS)).present);
		CHECK(is(size(&cfg, sign * 25.0), side, 25, false));
		CHECK(is(size(&cfg, sign * (25 + EPS)), side, 25, false));
		CHECK(!size(&cfg, sign * 10.0).present);
		CHECK(!size(&cfg, sign * 0.0).present);
		/* max_delta_limit 500: forced from 500 on */
		CHECK(is(size(&cfg, sign * (500 - 1e-7)), side, 500, false));
		CHECK(is(size(&cfg, sign * 500.0), side, 500, true));
	}
	/* invalid greeks: no intent whatever the delta */
	{
		hedge_intent h;

		sizing_intent(&cfg, 100, DIM_D4_INVALID, &h);
		CHECK(!h.present);
		sizing_intent(&cfg, NAN, DIM_D2_HEDGE_NEEDED, &h);
		CHECK(!h.present);
		sizing_intent(&cfg, INFINITY, DIM_D3_FORCE_HEDGE, &h);
		CHECK(!h.present);
	}
}

static void
test_rounding(void)
{
	/* to zero: nearest share, halves to even as the reference's Python round() */
	CHECK(is(size(&cfg, 30.49), HEDGE_SELL, 30, false));
	CHECK(is(size(&cfg, 30.5), HEDGE_SELL, 30, false));
	CHECK(is(size(&cfg, 31.5), HEDGE_SELL, 32, false));
	CHECK(is(size(&cfg, 26.5), HEDGE_SELL, 26, false));
	CHECK(is(size(&cfg, 27.5), HEDGE_SELL, 28, false));
	CHECK(is(size(&cfg, 40.5), HEDGE_SELL, 40, false));
	CHECK(is(size(&cfg, -30.5), HEDGE_BUY, 30, false));
	CHECK(is(size(&cfg, -26.5), HEDGE_BUY, 26, false));
	CHECK(is(size(&cfg, -27.5), HEDGE_BUY, 28, false));
	CHECK(is(size(&cfg, -40.5), HEDGE_BUY, 40, false));
	CHECK(is(size(&cfg, -30.51), HEDGE_BUY, 31, false));
	CHECK(is(size(&cfg, 25.4), HEDGE_SELL, 25, false));
	CHECK(size(&cfg, 30.5).need == -30.5);
	CHECK(size(&cfg, 30.49).need == -30.49);
	/* a hair either side of a half is not a half */
	CHECK(is(size(&cfg, nextafter(26.5, 0)), HEDGE_SELL, 26, false));
	CHECK(is(size(&cfg, nextafter(26.5, 100)), HEDGE_SELL, 27, false));
	CHECK(is(size(&cfg, nextafter(27.5, 0)), HEDGE_SELL, 27, false));
	CHECK(is(size(&cfg, -nextafter(40.5, 100)), HEDGE_BUY, 41, false));
	/* decimals that are not exact in binary round by their binary value */
	{
		volatile double a = 33.3,
					b = 6.8,
					c = 32.2,
					d = 5.7;

		CHECK(a - b < 26.5 && is(size(&cfg, a - b), HEDGE_SELL, 26, false));
		CHECK(c - d > 26.5 && is(size(&cfg, c - d), HEDGE_SELL, 27, false));
		CHECK(is(size(&cfg, -(c - d)), HEDGE_BUY, 27, false));
	}
	CHECK(is(size(&cfg, 26.5000000000001), HEDGE_SELL, 27, false));
	CHECK(is(size(&cfg, 2.65e1), HEDGE_SELL, 26, false));
	/* large halves: the ties are still even */
	CHECK(is(size(&cfg, 499.5), HEDGE_SELL, 500, false));
	CHECK(is(size(&cfg, 498.5), HEDGE_SELL, 498, false));
	{
		engine_config c = cfg;

		c.max_hedge_shares_per_order = 1e9;
		c.max_delta_limit = 1e12;
		CHECK(is(size(&c, 1000001.5), HEDGE_SELL, 1000002, false));
		CHECK(is(size(&c, 1000002.5), HEDGE_SELL, 1000002, false));
		CHECK(is(size(&c, -4503599627370495.5), HEDGE_BUY, 1000000000, true));
	}
	/* the rounding does not depend on the caller's rounding mode */
	{
		int			saved = fegetround();

		fesetround(FE_UPWARD);
		CHECK(is(size(&cfg, 26.5), HEDGE_SELL, 26, false));
		CHECK(is(size(&cfg, 26.2), HEDGE_SELL, 26, false));
		fesetround(FE_DOWNWARD);
		CHECK(is(size(&cfg, 27.5), HEDGE_SELL, 28, false));
		CHECK(is(size(&cfg, 26.8), HEDGE_SELL, 27, false));
		fesetround(FE_TOWARDZERO);
		CHECK(is(size(&cfg, -26.8), HEDGE_BUY, 27, false));
		fesetround(saved);
	}
}

/* The rounding itself, negative values and non-representable decimals included. */
static void
test_round_half_even(void)
{
	static const double cases[][2] = {
		{0.5, 0}, {1.5, 2}, {2.5, 2}, {26.5, 26}, {27.5, 28}, {40.5, 40}, {41.5, 42},
		{-0.5, 0}, {-1.5, -2}, {-2.5, -2}, {-26.5, -26}, {-27.5, -28}, {-40.5, -40},
		{0.49999999999999994, 0}, {-0.49999999999999994, 0}, {0.5000000000000001, 1},
		{-0.5000000000000001, -1}, {26.4, 26}, {26.6, 27}, {-26.4, -26}, {-26.6, -27},
		{0, 0}, {7, 7}, {-7, -7}, {4503599627370495.5, 4503599627370496},
		{4503599627370494.5, 4503599627370494}, {-4503599627370495.5, -4503599627370496},
		{9007199254740993.0, 9007199254740992.0}, {1e300, 1e300}, {-1e300, -1e300},
	};
	static const int modes[] = {FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO};
	int			saved = fegetround();

	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++)
	{
		fesetround(modes[m]);
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		{
			double		got = sizing_round_half_even(cases[i][0]);

			if (!CHECK(got == cases[i][1]))
				unit_note("mode %d: round_half_even(%.17g) = %.17g, expected %.17g",
						  modes[m], cases[i][0], got, cases[i][1]);
		}
		/* x.5 - a tenth, computed: not representable, lands either side of the half */
		{
			volatile double a = 33.3,
						b = 6.8,
						c = 32.2,
						d = 5.7;

			CHECK(sizing_round_half_even(a - b) == 26.0 || a - b >= 26.5);
			CHECK(sizing_round_half_even(c - d) == 27.0 || c - d <= 26.5);
			CHECK(sizing_round_half_even(-(c - d)) == -27.0 || c - d <= 26.5);
		}
	}
	fesetround(saved);
}

static void
test_cap(void)
{
	engine_config c = cfg;

	c.max_hedge_shares_per_order = 40;
	CHECK(is(size(&c, 39.6), HEDGE_SELL, 40, false));
	CHECK(is(size(&c, 40.4), HEDGE_SELL, 40, false));
	CHECK(is(size(&c, 40.5), HEDGE_SELL, 40, false));
	CHECK(is(size(&c, -99), HEDGE_BUY, 40, false));
	CHECK(size(&c, -99).need == 99);
	c.max_hedge_shares_per_order = 1;
	CHECK(is(size(&c, 30), HEDGE_SELL, 1, false));
}

static void
test_band_edge(void)
{
	engine_config c = cfg;

	c.hedge_to = HEDGE_TO_BAND_EDGE;
	/* delta 30, band 10: sell 20, leaving +10 at the edge */
	CHECK(is(size(&c, 30), HEDGE_SELL, 20, false));
	CHECK(size(&c, 30).need == -20);
	CHECK(is(size(&c, -30), HEDGE_BUY, 20, false));
	/* fractions round up so the result lands inside the band */
	CHECK(is(size(&c, 30.2), HEDGE_SELL, 21, false));
	CHECK(is(size(&c, -30.2), HEDGE_BUY, 21, false));
	CHECK(is(size(&c, 25.0), HEDGE_SELL, 15, false));
	CHECK(!size(&c, 25 - EPS).present);
	/* the cap still applies, the force flag too */
	CHECK(is(size(&c, 1000), HEDGE_SELL, 500, true));
	CHECK(is(size(&c, 505), HEDGE_SELL, 495, true));
	/* threshold equal to the band: a delta at the band needs nothing */
	c.threshold_hedge_shares = 10;
	CHECK(!size(&c, 10).present);
	CHECK(is(size(&c, 10.5), HEDGE_SELL, 1, false));
	/* band 0 is hedging to zero, rounded up */
	c.epsilon_band = 0;
	c.threshold_hedge_shares = 25;
	CHECK(is(size(&c, 30.2), HEDGE_SELL, 31, false));
}

static void
test_max_net_delta_force(void)
{
	engine_config c = cfg;

	c.max_net_delta_shares = 100;
	CHECK(is(size(&c, 100), HEDGE_SELL, 100, false));
	CHECK(is(size(&c, 100.4), HEDGE_SELL, 100, true));
	CHECK(is(size(&c, -150), HEDGE_BUY, 150, true));
}

static void
test_helpers(void)
{
	hedge_intent h = size(&cfg, 50);

	CHECK(sizing_signed_qty(&h) == -50);
	h = size(&cfg, -70);
	CHECK(sizing_signed_qty(&h) == 70);
	h = size(&cfg, 5);
	CHECK(sizing_signed_qty(&h) == 0);
	CHECK(strcmp(hedge_side_name(HEDGE_BUY), "BUY") == 0);
	CHECK(strcmp(hedge_side_name(HEDGE_SELL), "SELL") == 0);
}

int
main(void)
{
	engine_config_defaults(&cfg);
	test_reference_cases();
	test_threshold_boundary();
	test_rounding();
	test_round_half_even();
	test_cap();
	test_band_edge();
	test_max_net_delta_force();
	test_helpers();
	return unit_summary("test_sizing");
}
