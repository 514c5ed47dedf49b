/*
 * test_guards.c: each execution gate at its boundary, their order, and
 * the reference's test_risk_guard / test_hedge_gate / test_hedge_flow
 * cases.
 */
#include "calendar.h"
#include "guards.h"
#include "unit.h"

#include <math.h>
#include <string.h>

#define EPS 1e-9

static engine_config cfg;
static engine_clock clock_;
static hedge_intent intent;

/* A gate-passing world: Tuesday 2024-06-04 11:00 New York, SELL 30. */
static guard_input
passing(void)
{
	guard_input in;

	calendar_clock_from_local(calendar_days_from_civil(2024, 6, 4), 11 * 3600.0, &clock_);
	memset(&intent, 0, sizeof(intent));
	intent.present = true;
	intent.side = HEDGE_SELL;
	intent.qty = 30;
	intent.need = -30;
	memset(&in, 0, sizeof(in));
	in.now = 1717513200.0;		/* 2024-06-04 15:00 UTC */
	in.clock = &clock_;
	in.daily_pnl = 0;
	in.daily_hedge_count = 0;
	in.last_hedge_ts = NAN;
	in.last_hedge_price = NAN;
	in.stock_position = 0;
	in.pending_hedge_qty = 0;
	in.intent = &intent;
	in.spread_pct = 0.05;
	in.spot = 100.0;
	in.execution = DIM_E0_IDLE;
	in.suspended = false;
	in.next_state = TS_NEED_HEDGE;
	return in;
}

static guard_reason
first(const guard_input *in)
{
	return guards_first(guards_check(&cfg, in));
}

static void
test_reference_risk_guard(void)
{
	guard_input in = passing();
	engine_config saved = cfg;

	CHECK(first(&in) == GUARD_NONE);
	CHECK(guards_check(&cfg, &in) == 0);

	in.last_hedge_ts = in.now - 10;
	CHECK(first(&in) == GUARD_COOLDOWN);
	in = passing();
	in.daily_hedge_count = 50;
	CHECK(first(&in) == GUARD_MAX_DAILY_HEDGE_COUNT);
	in = passing();
	cfg.max_position_shares = 500;
	in.stock_position = 400;
	intent.side = HEDGE_BUY;
	intent.qty = 200;
	CHECK(first(&in) == GUARD_MAX_POSITION);
	cfg = saved;
	in = passing();
	in.daily_pnl = -6000;
	CHECK(first(&in) == GUARD_CIRCUIT_BREAKER);
	in = passing();
	cfg.n_earnings_dates = 1;
	cfg.earnings_dates[0] = clock_.ny_date + 1;	/* tomorrow */
	CHECK(first(&in) == GUARD_EARNINGS_BLACKOUT);
	cfg = saved;
	in = passing();
	cfg.max_spread_pct = 0.5;
	in.spread_pct = 1.0;
	CHECK(first(&in) == GUARD_SPREAD_TOO_WIDE);
	cfg = saved;
	in = passing();
	in.last_hedge_price = 100.0;
	in.last_hedge_ts = in.now - 3600;
	in.spot = 100.05;
	CHECK(first(&in) == GUARD_MIN_PRICE_MOVE);
}

static void
test_reference_hedge_gate(void)
{
	guard_input in = passing();

	/* D3 bypasses the cooldown */
	in.last_hedge_ts = in.now - 1;
	intent.force = true;
	CHECK(first(&in) == GUARD_NONE);
	intent.force = false;
	CHECK(first(&in) == GUARD_COOLDOWN);
	/* allowed after the cooldown */
	in.last_hedge_ts = in.now - 61;
	CHECK(first(&in) == GUARD_NONE);
	/* below the minimum size */
	intent.qty = 5;
	CHECK(first(&in) == GUARD_BELOW_MIN_SIZE);
}

static void
test_breaker(void)
{
	guard_input in = passing();

	in.daily_pnl = -5000.0;
	CHECK(first(&in) == GUARD_CIRCUIT_BREAKER);
	in.daily_pnl = -4999.99;
	CHECK(first(&in) == GUARD_NONE);
	in.daily_pnl = 1e6;
	CHECK(first(&in) == GUARD_NONE);
}

static guard_reason
at(int y, int m, int d, int hh, int mm, int ss)
{
	guard_input in = passing();

	calendar_clock_from_local(calendar_days_from_civil(y, m, d), hh * 3600.0 + mm * 60.0 + ss,
							  &clock_);
	return first(&in);
}

static void
test_rth(void)
{
	engine_config saved = cfg;

	/* a regular Tuesday */
	CHECK(at(2024, 6, 4, 9, 29, 59) == GUARD_OUTSIDE_RTH);
	CHECK(at(2024, 6, 4, 9, 30, 0) == GUARD_NONE);
	CHECK(at(2024, 6, 4, 15, 59, 59) == GUARD_NONE);
	CHECK(at(2024, 6, 4, 16, 0, 0) == GUARD_OUTSIDE_RTH);
	CHECK(at(2024, 6, 4, 0, 0, 0) == GUARD_OUTSIDE_RTH);
	CHECK(at(2024, 6, 4, 23, 59, 59) == GUARD_OUTSIDE_RTH);
	/* weekend */
	CHECK(at(2024, 6, 8, 11, 0, 0) == GUARD_OUTSIDE_RTH);
	CHECK(at(2024, 6, 9, 11, 0, 0) == GUARD_OUTSIDE_RTH);
	CHECK(at(2024, 6, 10, 11, 0, 0) == GUARD_NONE);
	CHECK(at(2024, 6, 7, 11, 0, 0) == GUARD_NONE);
	/* holidays */
	CHECK(at(2024, 7, 4, 11, 0, 0) == GUARD_OUTSIDE_RTH);
	CHECK(at(2024, 3, 29, 11, 0, 0) == GUARD_OUTSIDE_RTH);
	CHECK(at(2022, 12, 26, 11, 0, 0) == GUARD_OUTSIDE_RTH);
	CHECK(at(2021, 12, 31, 11, 0, 0) == GUARD_NONE);
	/* early close at 13:00 */
	CHECK(at(2024, 11, 29, 9, 30, 0) == GUARD_NONE);
	CHECK(at(2024, 11, 29, 12, 59, 59) == GUARD_NONE);
	CHECK(at(2024, 11, 29, 13, 0, 0) == GUARD_OUTSIDE_RTH);
	CHECK(at(2024, 12, 24, 14, 0, 0) == GUARD_OUTSIDE_RTH);
	CHECK(at(2024, 7, 3, 12, 0, 0) == GUARD_NONE);
	/* the table, not the rules: a user-added closure */
	{
		guard_input in = passing();

		clock_.ny_holiday = true;
		CHECK(first(&in) == GUARD_OUTSIDE_RTH);
		clock_.ny_holiday = false;
		clock_.ny_early_close_min = 10 * 60;
		CHECK(first(&in) == GUARD_OUTSIDE_RTH);
		clock_.ny_seconds = 10 * 3600.0 - 1;
		CHECK(first(&in) == GUARD_NONE);
	}
	/* off: any time */
	cfg.trading_hours_only = false;
	CHECK(at(2024, 6, 8, 3, 0, 0) == GUARD_NONE);
	CHECK(at(2024, 7, 4, 20, 0, 0) == GUARD_NONE);
	cfg = saved;

	{
		engine_clock c;

		calendar_clock_from_local(calendar_days_from_civil(2024, 6, 4), 9.5 * 3600, &c);
		CHECK(guards_market_open(&c));
		c.ny_seconds -= 1e-6;
		CHECK(!guards_market_open(&c));
	}
}

static void
test_earnings(void)
{
	engine_config saved = cfg;
	int32_t		d = calendar_days_from_civil(2024, 5, 22);

	cfg.n_earnings_dates = 2;
	cfg.earnings_dates[0] = calendar_days_from_civil(2024, 2, 21);
	cfg.earnings_dates[1] = d;
	/* 3 days before .. 1 day after, inclusive */
	CHECK(!guards_in_earnings_blackout(&cfg, d - 4));
	CHECK(guards_in_earnings_blackout(&cfg, d - 3));
	CHECK(guards_in_earnings_blackout(&cfg, d));
	CHECK(guards_in_earnings_blackout(&cfg, d + 1));
	CHECK(!guards_in_earnings_blackout(&cfg, d + 2));
	CHECK(at(2024, 5, 17, 11, 0, 0) == GUARD_NONE);	/* Friday, 5 days before */
	CHECK(at(2024, 5, 20, 11, 0, 0) == GUARD_EARNINGS_BLACKOUT);	/* first blackout trading day */
	CHECK(at(2024, 5, 23, 11, 0, 0) == GUARD_EARNINGS_BLACKOUT);	/* last */
	CHECK(at(2024, 5, 24, 11, 0, 0) == GUARD_NONE);
	CHECK(at(2024, 2, 21, 11, 0, 0) == GUARD_EARNINGS_BLACKOUT);
	/* zero-day window: only the date itself */
	cfg.blackout_days_before = 0;
	cfg.blackout_days_after = 0;
	CHECK(!guards_in_earnings_blackout(&cfg, d - 1));
	CHECK(guards_in_earnings_blackout(&cfg, d));
	CHECK(!guards_in_earnings_blackout(&cfg, d + 1));
	cfg.n_earnings_dates = 0;
	CHECK(!guards_in_earnings_blackout(&cfg, d));
	cfg = saved;
}

static void
test_cooldown(void)
{
	guard_input in = passing();

	in.last_hedge_ts = in.now - 60.0;
	CHECK(first(&in) == GUARD_NONE);
	in.last_hedge_ts = in.now - 60.0 + 1e-6;
	CHECK(first(&in) == GUARD_COOLDOWN);
	in.last_hedge_ts = in.now;
	CHECK(first(&in) == GUARD_COOLDOWN);
	intent.force = true;
	CHECK(first(&in) == GUARD_NONE);
	intent.force = false;
	in.last_hedge_ts = NAN;
	CHECK(first(&in) == GUARD_NONE);
	{
		engine_config saved = cfg;

		cfg.cooldown_seconds = 0;
		in.last_hedge_ts = in.now;
		CHECK(first(&in) == GUARD_NONE);
		cfg = saved;
	}
}

static void
test_daily_count(void)
{
	guard_input in = passing();

	in.daily_hedge_count = 49;
	CHECK(first(&in) == GUARD_NONE);
	in.daily_hedge_count = 50;
	CHECK(first(&in) == GUARD_MAX_DAILY_HEDGE_COUNT);
	in.daily_hedge_count = 51;
	CHECK(first(&in) == GUARD_MAX_DAILY_HEDGE_COUNT);
	intent.force = true;		/* not waived by a forced hedge */
	CHECK(first(&in) == GUARD_MAX_DAILY_HEDGE_COUNT);
}

static void
test_position(void)
{
	guard_input in = passing();

	/* max 2000: exactly at the max passes, one share over fails */
	intent.side = HEDGE_BUY;
	intent.qty = 500;
	in.stock_position = 1500;
	CHECK(first(&in) == GUARD_NONE);
	in.stock_position = 1501;
	CHECK(first(&in) == GUARD_MAX_POSITION);
	/* in-flight hedges count */
	in.stock_position = 1400;
	in.pending_hedge_qty = 100;
	CHECK((guards_check(&cfg, &in) & GUARD_BIT(GUARD_MAX_POSITION)) == 0);
	in.pending_hedge_qty = 101;
	CHECK((guards_check(&cfg, &in) & GUARD_BIT(GUARD_MAX_POSITION)) != 0);
	/* short side */
	in = passing();
	intent.qty = 500;
	in.stock_position = -1500;
	CHECK(first(&in) == GUARD_NONE);
	in.stock_position = -1500.5;
	CHECK(first(&in) == GUARD_MAX_POSITION);
	/* an order that shrinks an oversized position passes */
	in.stock_position = 3000;
	CHECK(first(&in) == GUARD_NONE);
	intent.side = HEDGE_BUY;
	CHECK(first(&in) == GUARD_MAX_POSITION);
	/* a forced hedge still respects the position limit */
	intent.force = true;
	CHECK(first(&in) == GUARD_MAX_POSITION);
}

static void
test_spread(void)
{
	guard_input in = passing();
	engine_config saved = cfg;

	in.spread_pct = 40.0;		/* max_spread_pct null: off */
	CHECK(first(&in) == GUARD_NONE);
	cfg.max_spread_pct = 0.5;
	in.spread_pct = 0.5;
	CHECK(first(&in) == GUARD_NONE);
	in.spread_pct = 0.5 + EPS;
	CHECK(first(&in) == GUARD_SPREAD_TOO_WIDE);
	in.spread_pct = NAN;		/* no quote: the state reason covers it */
	CHECK(first(&in) == GUARD_NONE);
	cfg = saved;
}

static void
test_price_move(void)
{
	guard_input in = passing();
	engine_config saved = cfg;

	in.last_hedge_price = 100.0;
	in.last_hedge_ts = in.now - 3600;
	in.spot = 100.2;			/* exactly 0.2 % */
	CHECK(first(&in) == GUARD_NONE);
	in.spot = 99.8;
	CHECK(first(&in) == GUARD_NONE);
	in.spot = 100.2 - 1e-6;
	CHECK(first(&in) == GUARD_MIN_PRICE_MOVE);
	in.spot = 99.8 + 1e-6;
	CHECK(first(&in) == GUARD_MIN_PRICE_MOVE);
	in.spot = 100.0;
	CHECK(first(&in) == GUARD_MIN_PRICE_MOVE);
	intent.force = true;		/* D3 waives it */
	CHECK(first(&in) == GUARD_NONE);
	intent.force = false;
	in.last_hedge_price = NAN;
	CHECK(first(&in) == GUARD_NONE);
	in.last_hedge_price = 100.0;
	in.spot = NAN;
	CHECK(first(&in) == GUARD_NONE);
	in.spot = 100.0;
	cfg.min_price_move_pct = 0;
	CHECK(first(&in) == GUARD_NONE);
	cfg = saved;
}

static void
test_ours(void)
{
	guard_input in = passing();

	intent.qty = 10;
	CHECK(first(&in) == GUARD_NONE);
	intent.qty = 9;
	CHECK(first(&in) == GUARD_BELOW_MIN_SIZE);
	intent.qty = 30;

	in.pending_hedge_qty = 5;
	CHECK(first(&in) == GUARD_HEDGE_IN_FLIGHT);
	in.pending_hedge_qty = -5;
	CHECK(first(&in) == GUARD_HEDGE_IN_FLIGHT);
	in.pending_hedge_qty = 0;
	in.execution = DIM_E1_ORDER_WORKING;
	CHECK(first(&in) == GUARD_HEDGE_IN_FLIGHT);
	in.execution = DIM_E2_PARTIAL;
	CHECK(first(&in) == GUARD_HEDGE_IN_FLIGHT);
	in.execution = DIM_E0_IDLE;

	in.suspended = true;
	CHECK(first(&in) == GUARD_SUSPENDED);
	in.suspended = false;

	for (int s = 0; s < TRADING_STATE_COUNT; s++)
	{
		guard_reason r;

		in.next_state = (trading_state) s;
		r = first(&in);
		if (s == TS_NEED_HEDGE)
			CHECK(r == GUARD_NONE);
		else
		{
			char		want[64];

			snprintf(want, sizeof(want), "trading_state_%s",
					 trading_state_lower_name((trading_state) s));
			CHECK(r == GUARD_REASON_OF_STATE(s));
			CHECK(strcmp(guard_reason_name(r), want) == 0);
		}
	}
}

/* Every gate failing at once: peeled off in the documented order. */
static void
test_order(void)
{
	static const guard_reason order[] = {
		GUARD_CIRCUIT_BREAKER, GUARD_OUTSIDE_RTH, GUARD_EARNINGS_BLACKOUT, GUARD_COOLDOWN,
		GUARD_MAX_DAILY_HEDGE_COUNT, GUARD_MAX_POSITION, GUARD_SPREAD_TOO_WIDE,
		GUARD_MIN_PRICE_MOVE, GUARD_BELOW_MIN_SIZE, GUARD_HEDGE_IN_FLIGHT, GUARD_SUSPENDED,
		GUARD_REASON_OF_STATE(TS_SAFE)
	};
	engine_config saved = cfg;
	guard_input in = passing();
	uint32_t	mask;

	cfg.max_spread_pct = 0.1;
	cfg.max_position_shares = 5;
	cfg.min_hedge_shares = 100;
	cfg.n_earnings_dates = 1;
	cfg.earnings_dates[0] = clock_.ny_date;
	clock_.ny_seconds = 8 * 3600.0;
	in.daily_pnl = -1e6;
	in.last_hedge_ts = in.now;
	in.last_hedge_price = in.spot;
	in.daily_hedge_count = 1000;
	in.spread_pct = 3.0;
	in.pending_hedge_qty = -1;
	in.suspended = true;
	in.next_state = TS_SAFE;

	mask = guards_check(&cfg, &in);
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
	{
		guard_reason r = guards_first(mask);

		if (!CHECK(r == order[i]))
			unit_note("position %d: got %s", (int) i, guard_reason_name(r) ? guard_reason_name(r) : "none");
		mask &= ~GUARD_BIT(r);
	}
	CHECK(mask == 0);
	CHECK(guards_first(0) == GUARD_NONE);
	cfg = saved;
}

static void
test_names(void)
{
	static const char *const names[] = {
		"circuit_breaker", "outside_rth", "earnings_blackout", "cooldown",
		"max_daily_hedge_count", "max_position", "spread_too_wide", "min_price_move",
		"below_min_size", "hedge_in_flight", "suspended"
	};

	CHECK(guard_reason_name(GUARD_NONE) == NULL);
	for (int i = 0; i < (int) (sizeof(names) / sizeof(names[0])); i++)
		CHECK(strcmp(guard_reason_name((guard_reason) (i + 1)), names[i]) == 0);
	CHECK(strcmp(guard_reason_name(GUARD_REASON_OF_STATE(TS_SAFE)), "trading_state_safe") == 0);
	CHECK(strcmp(guard_reason_name(GUARD_REASON_OF_STATE(TS_PAUSE_COST)), "trading_state_pause_cost") == 0);
	CHECK(guard_reason_name((guard_reason) GUARD_REASON_COUNT) == NULL);
	CHECK(GUARD_REASON_COUNT <= 32);
}

int
main(void)
{
	engine_config_defaults(&cfg);
	test_reference_risk_guard();
	test_reference_hedge_gate();
	test_breaker();
	test_rth();
	test_earnings();
	test_cooldown();
	test_daily_count();
	test_position();
	test_spread();
	test_price_move();
	test_ours();
	test_order();
	test_names();
	return unit_summary("test_guards");
}
