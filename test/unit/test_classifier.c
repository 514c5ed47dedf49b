/*
 * test_classifier.c: the six dimensions at every boundary, and the
 * reference's test_state_classifier cases (D0 at +-10, D2 at 25, D3 at
 * 500 / -600, L1 at 0.1, lag 1000 ms still S0), with bifrost's
 * corrections (one threshold, max_net_delta_shares, O from gamma's sign,
 * a missing quote is stale).
 */
#include "classifier.h"
#include "unit.h"

#include <math.h>
#include <string.h>

#define EPS 1e-9
#define NOW 1000000000.0

static engine_config cfg;

static classifier_quote
quote(double bid, double ask, double ts)
{
	classifier_quote q;

	q.present = true;
	q.bid = bid;
	q.ask = ask;
	q.ts = ts;
	return q;
}

static void
test_o(void)
{
	CHECK(classify_o(true, 1.6) == DIM_O1_LONG_GAMMA);
	CHECK(classify_o(true, 1e-300) == DIM_O1_LONG_GAMMA);
	CHECK(classify_o(true, -0.02) == DIM_O2_SHORT_GAMMA);
	CHECK(classify_o(true, 0.0) == DIM_O0_NONE);
	CHECK(classify_o(true, -0.0) == DIM_O0_NONE);
	CHECK(classify_o(false, 1.6) == DIM_O0_NONE);
	CHECK(classify_o(false, -1.6) == DIM_O0_NONE);
}

static void
test_d(void)
{
	engine_config c = cfg;

	for (int sign = -1; sign <= 1; sign += 2)
	{
		/* no-trade band 10: inclusive */
		CHECK(classify_d(&c, true, sign * 0.0) == DIM_D0_IN_BAND);
		CHECK(classify_d(&c, true, sign * (10 - EPS)) == DIM_D0_IN_BAND);
		CHECK(classify_d(&c, true, sign * 10.0) == DIM_D0_IN_BAND);
		CHECK(classify_d(&c, true, sign * (10 + EPS)) == DIM_D1_MINOR);
		/* one threshold 25: D2 at >= */
		CHECK(classify_d(&c, true, sign * (25 - EPS)) == DIM_D1_MINOR);
		CHECK(classify_d(&c, true, sign * 25.0) == DIM_D2_HEDGE_NEEDED);
		CHECK(classify_d(&c, true, sign * (25 + EPS)) == DIM_D2_HEDGE_NEEDED);
		/* force at max_delta_limit 500: >= */
		CHECK(classify_d(&c, true, sign * (500 - 1e-7)) == DIM_D2_HEDGE_NEEDED);
		CHECK(classify_d(&c, true, sign * 500.0) == DIM_D3_FORCE_HEDGE);
		CHECK(classify_d(&c, true, sign * (500 + 1e-7)) == DIM_D3_FORCE_HEDGE);
		CHECK(classify_d(&c, true, sign * 600.0) == DIM_D3_FORCE_HEDGE);
	}
	/* reference cases */
	CHECK(classify_d(&c, true, 5) == DIM_D0_IN_BAND);
	CHECK(classify_d(&c, true, -10) == DIM_D0_IN_BAND);
	CHECK(classify_d(&c, true, 15) == DIM_D1_MINOR);
	CHECK(classify_d(&c, true, 30) == DIM_D2_HEDGE_NEEDED);
	CHECK(classify_d(&c, true, -600) == DIM_D3_FORCE_HEDGE);
	CHECK(classify_d(&c, false, 30) == DIM_D4_INVALID);
	CHECK(classify_d(&c, false, 0) == DIM_D4_INVALID);

	/* max_net_delta_shares forces D3 strictly above it */
	c.max_net_delta_shares = 300;
	for (int sign = -1; sign <= 1; sign += 2)
	{
		CHECK(classify_d(&c, true, sign * 300.0) == DIM_D2_HEDGE_NEEDED);
		CHECK(classify_d(&c, true, sign * (300 + 1e-7)) == DIM_D3_FORCE_HEDGE);
		CHECK(classify_d(&c, true, sign * (300 - 1e-7)) == DIM_D2_HEDGE_NEEDED);
	}
	/* set at the threshold: every hedge is forced, in band still D0 */
	c.max_net_delta_shares = 25;
	CHECK(classify_d(&c, true, 25.0) == DIM_D2_HEDGE_NEEDED);
	CHECK(classify_d(&c, true, 25 + EPS) == DIM_D3_FORCE_HEDGE);
	CHECK(classify_d(&c, true, 10) == DIM_D0_IN_BAND);

	/* threshold equal to the band: D1 disappears */
	c = cfg;
	c.threshold_hedge_shares = 10;
	CHECK(classify_d(&c, true, 10) == DIM_D0_IN_BAND);
	CHECK(classify_d(&c, true, 10 + EPS) == DIM_D2_HEDGE_NEEDED);
}

static void
test_quote_figures(void)
{
	classifier_quote q = quote(999.5, 1000.5, NOW - 0.25);

	CHECK(classifier_mid(&q) == 1000.0);
	CHECK(classifier_spread_pct(&q) == 0.1);
	CHECK(classifier_data_lag_ms(&q, NOW) == 250.0);
	q = quote(99, 101, NOW);	/* the reference's Store test: 2 % */
	CHECK_NEAR_REL(classifier_spread_pct(&q), 2.0, 1e-15);
	q = quote(100, 100, NOW);	/* locked: usable, no spread */
	CHECK(classifier_spread_pct(&q) == 0.0);
	CHECK(classifier_mid(&q) == 100.0);

	/* no usable quote */
	q = quote(101, 99, NOW);
	CHECK(isnan(classifier_spread_pct(&q)) && isnan(classifier_mid(&q)));
	q = quote(0, 1, NOW);
	CHECK(isnan(classifier_spread_pct(&q)));
	q = quote(1, 0, NOW);
	CHECK(isnan(classifier_spread_pct(&q)));
	q = quote(-1, 1, NOW);
	CHECK(isnan(classifier_spread_pct(&q)));
	q = quote(NAN, 1, NOW);
	CHECK(isnan(classifier_spread_pct(&q)));
	q = quote(1, INFINITY, NOW);
	CHECK(isnan(classifier_spread_pct(&q)));
	q = quote(99, 101, NOW);
	q.present = false;
	CHECK(isnan(classifier_spread_pct(&q)) && isnan(classifier_data_lag_ms(&q, NOW)));
	/* the quote's age is known even when its prices are not usable */
	q = quote(0, 0, NOW - 2);
	CHECK(classifier_data_lag_ms(&q, NOW) == 2000.0);
	q = quote(99, 101, NAN);
	CHECK(isnan(classifier_data_lag_ms(&q, NOW)));
}

static void
test_l(void)
{
	classifier_quote q;

	CHECK(classify_l(&cfg, 0.0) == DIM_L0_NORMAL);
	CHECK(classify_l(&cfg, 0.1 - EPS) == DIM_L0_NORMAL);
	CHECK(classify_l(&cfg, 0.1) == DIM_L1_WIDE);
	CHECK(classify_l(&cfg, 0.1 + EPS) == DIM_L1_WIDE);
	CHECK(classify_l(&cfg, 0.5 - EPS) == DIM_L1_WIDE);
	CHECK(classify_l(&cfg, 0.5) == DIM_L2_EXTREME_WIDE);
	CHECK(classify_l(&cfg, 0.5 + EPS) == DIM_L2_EXTREME_WIDE);
	CHECK(classify_l(&cfg, 50.0) == DIM_L2_EXTREME_WIDE);
	CHECK(classify_l(&cfg, NAN) == DIM_L3_NO_QUOTE);

	/* through quotes whose spread is exact in binary */
	q = quote(999.5, 1000.5, NOW);	/* 0.1 % */
	CHECK(classify_l(&cfg, classifier_spread_pct(&q)) == DIM_L1_WIDE);
	q = quote(99.75, 100.25, NOW);	/* 0.5 % */
	CHECK(classify_l(&cfg, classifier_spread_pct(&q)) == DIM_L2_EXTREME_WIDE);
	q = quote(99.99, 100.01, NOW);	/* 0.02 % */
	CHECK(classify_l(&cfg, classifier_spread_pct(&q)) == DIM_L0_NORMAL);
	q = quote(101, 99, NOW);
	CHECK(classify_l(&cfg, classifier_spread_pct(&q)) == DIM_L3_NO_QUOTE);
}

static void
test_m(void)
{
	static const double flat[] = {100, 100, 100, 100, 100};
	static const double trend[] = {100, 101, 102, 103, 104, 105};
	static const double choppy[] = {100, 106, 100, 106, 100, 106, 100};
	static const double normal[] = {100, 101, 100, 101, 100, 101, 100};
	static const double quiet[] = {100, 100.1, 100, 100.1, 100};

	/* stale: quote age above stale_ts_threshold_ms (5000), or no quote */
	CHECK(classify_m(&cfg, 5000.0, NULL, 0) == DIM_M1_NORMAL);
	CHECK(classify_m(&cfg, 5000.001, NULL, 0) == DIM_M5_STALE);
	CHECK(classify_m(&cfg, NAN, NULL, 0) == DIM_M5_STALE);
	CHECK(classify_m(&cfg, 6000, flat, 5) == DIM_M5_STALE);
	/* from the future beyond the clock tolerance (data_lag_threshold_ms): stale too */
	CHECK(classify_m(&cfg, -1000.0, NULL, 0) == DIM_M1_NORMAL);
	CHECK(classify_m(&cfg, -1000.001, NULL, 0) == DIM_M5_STALE);
	CHECK(classify_m(&cfg, -1000.001, flat, 5) == DIM_M5_STALE);
	/* no window, or too short: normal */
	CHECK(classify_m(&cfg, 0, NULL, 0) == DIM_M1_NORMAL);
	CHECK(classify_m(&cfg, 0, flat, 1) == DIM_M1_NORMAL);
	/* regimes */
	CHECK(classify_m(&cfg, 0, flat, 5) == DIM_M0_QUIET);
	CHECK(classify_m(&cfg, 0, quiet, 5) == DIM_M0_QUIET);
	CHECK(classify_m(&cfg, 0, trend, 6) == DIM_M2_TREND);
	CHECK(classify_m(&cfg, 0, choppy, 7) == DIM_M3_CHOPPY_HIGHVOL);
	CHECK(classify_m(&cfg, 0, normal, 7) == DIM_M1_NORMAL);
	/* a falling trend too */
	{
		double		down[6];

		for (int i = 0; i < 6; i++)
			down[i] = trend[5 - i];
		CHECK(classify_m(&cfg, 0, down, 6) == DIM_M2_TREND);
	}
}

static void
test_e(void)
{
	dim_e		e;

	for (int i = DIM_E0_IDLE; i <= DIM_E4_BROKER_ERROR; i++)
	{
		CHECK(classify_e((dim_e) i, true) == (dim_e) i);
		CHECK(classify_e((dim_e) i, false) == DIM_E3_DISCONNECTED);
	}
	CHECK(dim_e_parse("E0", &e) && e == DIM_E0_IDLE);
	CHECK(dim_e_parse("E4", &e) && e == DIM_E4_BROKER_ERROR);
	CHECK(!dim_e_parse("E5", &e));
	CHECK(!dim_e_parse("", &e));
	CHECK(!dim_e_parse("E", &e));
}

static void
test_s(void)
{
	CHECK(classify_s(&cfg, false, true, 0) == DIM_S0_OK);
	/* the lag limit is inclusive: 1000 ms is still fresh */
	CHECK(classify_s(&cfg, false, true, 1000.0) == DIM_S0_OK);
	CHECK(classify_s(&cfg, false, true, 1001.0) == DIM_S2_DATA_LAG);
	CHECK(classify_s(&cfg, false, true, (NOW - (NOW - 1.001)) * 1000) == DIM_S2_DATA_LAG);
	CHECK(classify_s(&cfg, false, true, NAN) == DIM_S2_DATA_LAG);
	CHECK(classify_s(&cfg, false, false, 0) == DIM_S1_GREEKS_BAD);
	CHECK(classify_s(&cfg, false, false, 5000) == DIM_S1_GREEKS_BAD);
	CHECK(classify_s(&cfg, true, false, 5000) == DIM_S3_RISK_HALT);
	CHECK(classify_s(&cfg, true, true, 0) == DIM_S3_RISK_HALT);
	/*
	 * A quote stamped after now: clocks differ by a few ms, so an age down
	 * to -data_lag_threshold_ms is fresh; a quote further in the future is
	 * suspect and counts as lagging data.
	 */
	CHECK(classify_s(&cfg, false, true, -50) == DIM_S0_OK);
	CHECK(classify_s(&cfg, false, true, -1000.0) == DIM_S0_OK);
	CHECK(classify_s(&cfg, false, true, -1000.001) == DIM_S2_DATA_LAG);
	CHECK(classify_s(&cfg, false, true, -3.6e6) == DIM_S2_DATA_LAG);
	CHECK(classify_s(&cfg, false, true, -INFINITY) == DIM_S2_DATA_LAG);
	CHECK(classify_s(&cfg, true, true, -5000) == DIM_S3_RISK_HALT);
	{
		classifier_quote q = quote(99, 100, NOW + 1.0);

		CHECK(classifier_data_lag_ms(&q, NOW) == -1000.0);
		CHECK(classify_s(&cfg, false, true, classifier_data_lag_ms(&q, NOW)) == DIM_S0_OK);
		q.ts = NOW + 1.002;
		CHECK(classify_s(&cfg, false, true, classifier_data_lag_ms(&q, NOW)) == DIM_S2_DATA_LAG);
	}
	{
		engine_config c = cfg;

		c.data_lag_threshold_ms = 50;
		CHECK(classify_s(&c, false, true, -50) == DIM_S0_OK);
		CHECK(classify_s(&c, false, true, -51) == DIM_S2_DATA_LAG);
	}

	/* the breaker at exactly -max_daily_loss_usd */
	CHECK(classifier_risk_halt(&cfg, -5000.0));
	CHECK(classifier_risk_halt(&cfg, -5000.01));
	CHECK(!classifier_risk_halt(&cfg, -4999.99));
	CHECK(!classifier_risk_halt(&cfg, 0));
	CHECK(!classifier_risk_halt(&cfg, 12000));
}

static void
test_names(void)
{
	CHECK(strcmp(dim_o_code(DIM_O1_LONG_GAMMA), "O1") == 0);
	CHECK(strcmp(dim_d_code(DIM_D3_FORCE_HEDGE), "D3") == 0);
	CHECK(strcmp(dim_d_code(DIM_D4_INVALID), "D4") == 0);
	CHECK(strcmp(dim_m_code(DIM_M5_STALE), "M5") == 0);
	CHECK(strcmp(dim_l_code(DIM_L3_NO_QUOTE), "L3") == 0);
	CHECK(strcmp(dim_e_code(DIM_E2_PARTIAL), "E2") == 0);
	CHECK(strcmp(dim_s_code(DIM_S3_RISK_HALT), "S3") == 0);
	CHECK(strcmp(dim_o_label(DIM_O2_SHORT_GAMMA), "SHORT_GAMMA") == 0);
	CHECK(strcmp(dim_d_label(DIM_D2_HEDGE_NEEDED), "HEDGE_NEEDED") == 0);
	CHECK(strcmp(dim_m_label(DIM_M3_CHOPPY_HIGHVOL), "CHOPPY_HIGHVOL") == 0);
	CHECK(strcmp(dim_l_label(DIM_L2_EXTREME_WIDE), "EXTREME_WIDE") == 0);
	CHECK(strcmp(dim_e_label(DIM_E3_DISCONNECTED), "DISCONNECTED") == 0);
	CHECK(strcmp(dim_s_label(DIM_S2_DATA_LAG), "DATA_LAG") == 0);
	CHECK(strcmp(dim_o_code((dim_o) 7), "UNKNOWN") == 0);
	CHECK(strcmp(dim_s_label((dim_s) -1), "UNKNOWN") == 0);
}

int
main(void)
{
	engine_config_defaults(&cfg);
	test_o();
	test_d();
	test_quote_figures();
	test_l();
	test_m();
	test_e();
	test_s();
	test_names();
	return unit_summary("test_classifier");
}
