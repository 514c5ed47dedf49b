/*
 * test_engine.c: engine_evaluate() end to end, as bifrost_evaluate() and
 * the worker call it: the reference's anchors and hedge flow, its replay
 * trace with the non-sticky fix, a worker-like session from boot through a
 * hedge, in-flight hedges, forced hedges, faults and recovery, and the
 * input checks that become 22023 errors.
 */
#include "calendar.h"
#include "engine.h"
#include "unit.h"

#include <math.h>
#include <string.h>

#define DAY 86400.0
#define T0 1717513200.0			/* 2024-06-04 15:00 UTC = 11:00 New York, a Tuesday */

static engine_config cfg;

/* A fresh quote at now, the clock from the fixed New York rules. */
static void
at(engine_input *in, double now, double bid, double ask)
{
	in->now = now;
	calendar_ny_clock(now, &in->clock);
	in->has_quote = true;
	in->bid = bid;
	in->ask = ask;
	in->quote_ts = now;
}

static engine_input
base(void)
{
	engine_input in;

	engine_input_init(&in);
	at(&in, T0, 99.99, 100.01);
	return in;
}

/* What-if greeks. */
static void
greeks(engine_input *in, double net_delta, double gamma)
{
	in->has_greeks = true;
	in->greeks_net_delta = net_delta;
	in->greeks_gamma = gamma;
	in->greeks_valid = true;
}

static engine_output
run(const engine_input *in)
{
	engine_output out;
	const char *bad = engine_input_check(in, NULL);

	if (!CHECK(bad == NULL))
		unit_note("input rejected at %s", bad);
	memset(&out, 0x5a, sizeof(out));	/* every field must be written */
	engine_evaluate(&cfg, in, &out);
	return out;
}

static const char *
reason(const engine_output *o)
{
	const char *r = guard_reason_name(o->block_reason);

	return r ? r : "none";
}

static void
test_straddle_anchor(void)
{
	engine_leg	book[2] = {{0}};
	engine_input in = base();
	engine_output out;

	/* anchor: S=K=500, 28 days, sigma 35 %, r 5 %: +7.0153 shares, gamma 1.6398 */
	for (int i = 0; i < 2; i++)
	{
		book[i].right = i == 0 ? BS_CALL : BS_PUT;
		book[i].strike = 500;
		book[i].expiry = T0 + 28 * DAY;
		book[i].quantity = 1;
		book[i].multiplier = 100;
		book[i].implied_vol = NAN;
	}
	at(&in, T0, 499.95, 500.05);
	in.legs = book;
	in.n_legs = 2;
	out = run(&in);
	CHECK(out.spot == 500.0);
	CHECK_NEAR_ABS(out.option_delta, 7.0153, 5e-4);
	CHECK_NEAR_ABS(out.net_delta, 7.0153, 5e-4);
	CHECK_NEAR_ABS(out.gamma, 1.6398, 5e-4);
	CHECK(out.greeks_valid && out.legs_active == 2 && out.legs_expired == 0);
	CHECK(out.dims.o == DIM_O1_LONG_GAMMA && out.dims.d == DIM_D0_IN_BAND);
	CHECK(out.dims.l == DIM_L0_NORMAL && out.dims.s == DIM_S0_OK && out.dims.e == DIM_E0_IDLE);
	CHECK(out.dims.m == DIM_M1_NORMAL);
	CHECK(out.next_state == TS_NO_TRADE);
	CHECK(!out.intent.present && out.block_reason == GUARD_NONE && out.block_mask == 0);
	CHECK(out.data_lag_ms == 0.0);
	CHECK_NEAR_REL(out.spread_pct, 0.02, 1e-12);
	CHECK(out.faults_clear_since == T0 && !out.fault);

	/* the stock hedge adds one for one: short 40 shares -> net -32.98, D2, BUY 33 */
	in.stock_position = -40;
	out = run(&in);
	CHECK_NEAR_ABS(out.net_delta, 7.0153 - 40, 5e-4);
	CHECK_NEAR_ABS(out.option_delta, 7.0153, 5e-4);
	CHECK(out.dims.d == DIM_D2_HEDGE_NEEDED && out.next_state == TS_NEED_HEDGE);
	CHECK(out.intent.present && out.intent.side == HEDGE_BUY && out.intent.qty == 33);
	CHECK(out.block_reason == GUARD_NONE);

	/* short straddle: O2 */
	book[0].quantity = book[1].quantity = -1;
	in.stock_position = 0;
	out = run(&in);
	CHECK(out.dims.o == DIM_O2_SHORT_GAMMA);

	/* every leg expired: no gamma, O0, the armed machine falls back to IDLE */
	in.now = T0 + 29 * DAY;
	calendar_ny_clock(in.now, &in.clock);
	in.quote_ts = in.now;
	out = run(&in);
	CHECK(out.legs_active == 0 && out.legs_expired == 2);
	CHECK(out.gamma == 0.0 && out.option_delta == 0.0 && out.dims.o == DIM_O0_NONE);
	CHECK(out.next_state == TS_IDLE);
}

/* The reference's test_hedge_flow: allowed, min_price_move, spread_too_wide. */
static void
test_hedge_flow(void)
{
	engine_input in = base();
	engine_output out;
	engine_config saved = cfg;

	greeks(&in, 30, 0.02);
	out = run(&in);
	CHECK(out.next_state == TS_NEED_HEDGE);
	CHECK(out.intent.present && out.intent.side == HEDGE_SELL && out.intent.qty == 30);
	CHECK(!out.intent.force && out.block_reason == GUARD_NONE);

	/* a hedge an hour ago at 100.0: the price has not moved 0.2 % */
	in.last_hedge_price = 100.0;
	in.last_hedge_ts = T0 - 3600;
	out = run(&in);
	CHECK(out.next_state == TS_PAUSE_COST);
	CHECK(out.intent.present && out.block_reason == GUARD_MIN_PRICE_MOVE);
	CHECK((out.block_mask & GUARD_BIT(GUARD_REASON_OF_STATE(TS_PAUSE_COST))) != 0);
	/* moved 0.2 % exactly: allowed */
	in.spot = 100.2;
	out = run(&in);
	CHECK(out.next_state == TS_NEED_HEDGE && out.block_reason == GUARD_NONE);

	/* spread wider than max_spread_pct: PAUSE_LIQ and spread_too_wide */
	in = base();
	greeks(&in, 30, 0.02);
	cfg.max_spread_pct = 0.01;
	out = run(&in);
	CHECK(out.next_state == TS_PAUSE_LIQ);
	CHECK(out.block_reason == GUARD_SPREAD_TOO_WIDE);
	cfg = saved;

	/* extreme spread: L2, PAUSE_COST (cost before liquidity), no execution gate: state reason */
	at(&in, T0, 99.75, 100.25);
	out = run(&in);
	CHECK(out.dims.l == DIM_L2_EXTREME_WIDE && out.next_state == TS_PAUSE_COST);
	CHECK(strcmp(reason(&out), "trading_state_pause_cost") == 0);
}

/*
 * The reference's replay_fsm fixture (ticks 99.00/99.10 rising, a position
 * of option delta 30 at 1001, greeks at 1002, the hedge of -30 shares at
 * 1004, greeks back to 0 at 1005).  The reference stays in NEED_HEDGE to
 * the end; with one threshold and no stickiness it returns to NO_TRADE.
 */
static void
test_replay_fsm(void)
{
	typedef struct step
	{
		const char *what;
		double		ts;
		trading_event event;
		double		bid,
					ask;
		double		option_delta;	/* NAN: unchanged */
		double		stock;			/* NAN: unchanged */
		trading_state want;
	} step;
	static const step steps[] = {
		{"start", 999, TE_START, 99.00, 99.10, NAN, NAN, TS_SYNC},
		{"synced", 999, TE_SYNCED, 99.00, 99.10, NAN, NAN, TS_IDLE},
		{"tick 1000", 1000, TE_TICK, 99.00, 99.10, NAN, NAN, TS_ARMED},
		{"position 1001", 1001, TE_TICK, 99.00, 99.10, 30, 0, TS_MONITOR},
		{"greeks 1002", 1002, TE_GREEKS_UPDATE, 99.00, 99.10, 30, NAN, TS_NEED_HEDGE},
		{"tick 1003", 1003, TE_TICK, 99.10, 99.20, NAN, NAN, TS_NEED_HEDGE},
		{"position 1004", 1004, TE_TICK, 99.10, 99.20, NAN, -30, TS_NO_TRADE},
		{"greeks 1005", 1005, TE_GREEKS_UPDATE, 99.10, 99.20, 30, NAN, TS_NO_TRADE},
		{"tick 1006", 1006, TE_TICK, 99.20, 99.30, NAN, NAN, TS_NO_TRADE},
	};
	engine_config saved = cfg;
	engine_input in;
	engine_output out;
	double		option_delta = 0,
				stock = 0,
				fcs = NAN;
	trading_state state = TS_BOOT;
	bool		reached_need_hedge = false;

	cfg.trading_hours_only = false;	/* 1970 timestamps */
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
	{
		const step *s = &steps[i];

		if (!isnan(s->option_delta))
			option_delta = s->option_delta;
		if (!isnan(s->stock))
			stock = s->stock;
		engine_input_init(&in);
		at(&in, s->ts, s->bid, s->ask);
		in.state = state;
		in.event = s->event;
		in.stock_position = stock;
		greeks(&in, option_delta + stock, 0.02);	/* one dummy leg: long gamma */
		in.faults_clear_since = fcs;
		out = run(&in);
		if (!CHECK(out.next_state == s->want))
			unit_note("%s: %s, expected %s", s->what, trading_state_name(out.next_state),
					  trading_state_name(s->want));
		if (out.next_state == TS_NEED_HEDGE)
		{
			reached_need_hedge = true;
			CHECK(out.intent.present && out.intent.side == HEDGE_SELL && out.intent.qty == 30);
			CHECK(out.block_reason == GUARD_NONE);
		}
		state = out.next_state;
		fcs = out.faults_clear_since;
	}
	CHECK(reached_need_hedge);
	CHECK(out.dims.o == DIM_O1_LONG_GAMMA && out.dims.d == DIM_D0_IN_BAND);
	CHECK(out.net_delta == 0.0 && stock == -30);
	CHECK(!out.intent.present);
	cfg = saved;
}

/*
 * A worker-like session: boot before any quote (SAFE), quotes arrive,
 * SAFE waits out safe_recovery_sec, climbs one step per tick to NEED_HEDGE,
 * sends the hedge (in flight: no second hedge), the fill lands, back to
 * NO_TRADE.
 */
static void
test_session(void)
{
	engine_leg	call = {0};
	engine_input in;
	engine_output out;
	trading_state state = TS_BOOT;
	double		fcs = NAN,
				now = T0,
				stock = 0,
				pending = 0;
	int64_t		sent = 0;

	call.right = BS_CALL;
	call.strike = 100;
	call.expiry = T0 + 30 * DAY;
	call.quantity = 1;
	call.multiplier = 100;
	call.implied_vol = 0.3;

#define STEP(ev, have_quote) do { \
	engine_input_init(&in); \
	at(&in, now, 99.99, 100.01); \
	in.has_quote = (have_quote); \
	in.state = state; \
	in.event = (ev); \
	in.legs = &call; \
	in.n_legs = 1; \
	in.stock_position = stock; \
	in.pending_hedge_qty = pending; \
	in.faults_clear_since = fcs; \
	out = run(&in); \
	state = out.next_state; \
	fcs = out.faults_clear_since; \
} while (0)

	/* boot without a quote: start moves to SAFE (no data) */
	STEP(TE_START, false);
	CHECK(state == TS_SAFE && isnan(fcs) && out.fault);
	CHECK(out.dims.l == DIM_L3_NO_QUOTE && out.dims.m == DIM_M5_STALE);
	CHECK(isnan(out.spot) && isnan(out.data_lag_ms) && !out.greeks_valid && out.dims.d == DIM_D4_INVALID);
	CHECK(out.dims.s == DIM_S1_GREEKS_BAD);	/* no spot, no greeks: S1 before S2 */
	/* quotes: faults clear at now, SAFE holds for 5 s */
	now += 0.5;
	STEP(TE_QUOTE, true);
	CHECK(state == TS_SAFE && fcs == now);
	now = fcs + 4.999;
	STEP(TE_TICK, true);
	CHECK(state == TS_SAFE && fcs == now - 4.999);
	now = fcs + 5.0;
	STEP(TE_TICK, true);
	CHECK(state == TS_SYNC);
	now += 0.2;
	STEP(TE_TICK, true);
	CHECK(state == TS_IDLE);
	now += 0.2;
	STEP(TE_TICK, true);
	CHECK(state == TS_ARMED);
	now += 0.2;
	STEP(TE_TICK, true);
	CHECK(state == TS_MONITOR);
	now += 0.2;
	STEP(TE_TICK, true);
	CHECK(state == TS_NEED_HEDGE);
	CHECK(out.intent.present && out.intent.side == HEDGE_SELL && out.block_reason == GUARD_NONE);
	CHECK(out.intent.qty == (int64_t) round(out.option_delta));
	sent = out.intent.qty;

	/* the worker emits the target and sends the order: in flight */
	STEP(TE_TARGET_EMITTED, true);
	CHECK(state == TS_HEDGING);
	pending = -(double) sent;
	now += 0.05;
	STEP(TE_TICK, true);
	CHECK(state == TS_HEDGING);
	CHECK(fabs(out.net_delta) < 1.0 && !out.intent.present);	/* the in-flight hedge counts */
	/* even if delta moves while the order works, nothing is sent twice */
	pending = -(double) sent + 40;
	STEP(TE_TICK, true);
	CHECK(out.intent.present && out.block_reason == GUARD_HEDGE_IN_FLIGHT);
	/* the fill: stock holds it, nothing in flight */
	pending = 0;
	stock = -(double) sent;
	STEP(TE_HEDGE_DONE, true);
	CHECK(state == TS_MONITOR);
	now += 0.2;
	STEP(TE_TICK, true);
	CHECK(state == TS_NO_TRADE && !out.intent.present);
#undef STEP
}

static void
test_force(void)
{
	engine_input in = base();
	engine_output out;
	engine_config saved = cfg;

	/* D3 at max_delta_limit: capped, forced, skips the cooldown */
	greeks(&in, 800, 0.5);
	in.last_hedge_ts = T0 - 1;
	in.last_hedge_price = 100.0;
	out = run(&in);
	CHECK(out.dims.d == DIM_D3_FORCE_HEDGE && out.next_state == TS_NEED_HEDGE);
	CHECK(out.intent.present && out.intent.qty == 500 && out.intent.force);
	CHECK(out.block_reason == GUARD_NONE);

	/* max_net_delta_shares 100: 100 is D2 (cooldown applies), above it D3 (skips it) */
	cfg.max_net_delta_shares = 100;
	greeks(&in, 100, 0.5);
	in.last_hedge_price = 99.0;
	out = run(&in);
	CHECK(out.dims.d == DIM_D2_HEDGE_NEEDED && out.block_reason == GUARD_COOLDOWN);
	greeks(&in, 100.5, 0.5);
	out = run(&in);
	CHECK(out.dims.d == DIM_D3_FORCE_HEDGE && out.intent.force && out.intent.qty == 100);	/* half to even */
	CHECK(out.block_reason == GUARD_NONE);
	/* but not the daily limit, the position limit or the breaker */
	in.daily_hedge_count = 50;
	out = run(&in);
	CHECK(out.block_reason == GUARD_MAX_DAILY_HEDGE_COUNT);
	in.daily_pnl = -5000;
	out = run(&in);
	CHECK(out.block_reason == GUARD_CIRCUIT_BREAKER && out.dims.s == DIM_S3_RISK_HALT);
	cfg = saved;
}

static void
test_faults(void)
{
	engine_input in = base();
	engine_output out;

	greeks(&in, 30, 0.02);

	/* lag: 1000 ms is fresh, 1 ms more is stale */
	in.quote_ts = T0 - 1.0;
	out = run(&in);
	CHECK(out.data_lag_ms == 1000.0 && out.dims.s == DIM_S0_OK && out.next_state == TS_NEED_HEDGE);
	in.quote_ts = T0 - 1.001;
	out = run(&in);
	CHECK(out.dims.s == DIM_S2_DATA_LAG && out.guards.data_stale && out.next_state == TS_SAFE);
	CHECK(out.fault && isnan(out.faults_clear_since));
	CHECK(strcmp(reason(&out), "trading_state_safe") == 0);
	in.quote_ts = T0;

	/* broker disconnected: E3, SAFE */
	in.broker_connected = false;
	in.execution_state = DIM_E0_IDLE;
	out = run(&in);
	CHECK(out.dims.e == DIM_E3_DISCONNECTED && out.guards.broker_down && out.next_state == TS_SAFE);
	in.broker_connected = true;
	in.execution_state = DIM_E4_BROKER_ERROR;
	out = run(&in);
	CHECK(out.guards.exec_fault && out.next_state == TS_SAFE);
	in.execution_state = DIM_E0_IDLE;

	/* given greeks marked invalid: D4, S1, no intent */
	in.greeks_valid = false;
	out = run(&in);
	CHECK(out.dims.d == DIM_D4_INVALID && out.dims.s == DIM_S1_GREEKS_BAD && out.dims.o == DIM_O0_NONE);
	CHECK(!out.greeks_valid && out.next_state == TS_SAFE && !out.intent.present);
	/* absurd greeks are bad greeks: delta worth more than 1e10 at spot 100 */
	greeks(&in, 1.0000001e8, 0.02);
	out = run(&in);
	CHECK(!out.greeks_valid && out.guards.greeks_bad && out.dims.d == DIM_D4_INVALID);
	greeks(&in, 30, 0.02);

	/* a quote from the future: 1 s ahead is clock skew, more is suspect */
	in.quote_ts = T0 + 1.0;
	out = run(&in);
	CHECK(out.data_lag_ms == -1000.0 && out.dims.s == DIM_S0_OK && out.next_state == TS_NEED_HEDGE);
	CHECK(out.guards.data_ok && !out.fault);
	in.quote_ts = T0 + 1.001;
	out = run(&in);
	CHECK(out.data_lag_ms < -1000.0 && out.dims.s == DIM_S2_DATA_LAG && out.dims.m == DIM_M5_STALE);
	CHECK(out.guards.data_stale && out.next_state == TS_SAFE && out.fault);
	CHECK(out.block_reason == GUARD_REASON_OF_STATE(TS_SAFE));
	in.quote_ts = T0 + 3600;
	out = run(&in);
	CHECK(out.dims.s == DIM_S2_DATA_LAG && out.dims.m == DIM_M5_STALE && out.next_state == TS_SAFE);
	CHECK(out.data_lag_ms == -3600000.0);
	/* and SAFE does not recover on it */
	in.state = TS_SAFE;
	in.faults_clear_since = T0 - 60;
	out = run(&in);
	CHECK(out.next_state == TS_SAFE && isnan(out.faults_clear_since));
	in.state = TS_MONITOR;
	in.faults_clear_since = NAN;
	in.quote_ts = T0;

	/* fault events force SAFE although the data is fine */
	in.event = TE_DATA_STALE;
	out = run(&in);
	CHECK(out.next_state == TS_SAFE && out.fault && isnan(out.faults_clear_since));
	in.event = TE_TICK;

	/* SAFE recovery through the engine: 5 s clear, not 4.999 */
	in.state = TS_SAFE;
	in.faults_clear_since = T0 - 4.999;
	out = run(&in);
	CHECK(out.next_state == TS_SAFE && out.faults_clear_since == T0 - 4.999);
	in.faults_clear_since = T0 - 5.0;
	out = run(&in);
	CHECK(out.next_state == TS_SYNC);
	in.faults_clear_since = NAN;
	out = run(&in);
	CHECK(out.next_state == TS_SAFE && out.faults_clear_since == T0);
	in.event = TE_MANUAL_RESUME;
	out = run(&in);
	CHECK(out.next_state == TS_SYNC);
	in.event = TE_TICK;
	in.state = TS_MONITOR;

	/* suspended */
	in.suspended = true;
	out = run(&in);
	CHECK(out.next_state == TS_NEED_HEDGE && out.block_reason == GUARD_SUSPENDED);
	in.suspended = false;

	/* outside trading hours: 2024-06-08 is a Saturday */
	at(&in, T0 + 4 * DAY, 99.99, 100.01);
	out = run(&in);
	CHECK(out.block_reason == GUARD_OUTSIDE_RTH);
}

/* Legs of one strike and expiry: calls and puts. */
static void
set_leg(engine_leg *leg, bs_right right, double strike, double expiry, double qty)
{
	memset(leg, 0, sizeof(*leg));
	leg->right = right;
	leg->strike = strike;
	leg->expiry = expiry;
	leg->quantity = qty;
	leg->multiplier = 100;
	leg->implied_vol = NAN;
}

/*
 * Delta without gamma is hedged: a synthetic forward, deep in-the-money
 * legs at their last minutes, a hedge position with no legs left.  Only a
 * book with nothing at all to hedge stays IDLE.
 */
static void
test_zero_gamma(void)
{
	engine_leg	book[2];
	engine_input in = base();
	engine_output out;
	engine_config saved = cfg;

	cfg.dividend_yield = 0;
	/* long 10 calls, short 10 puts at 100: +1,000 shares (q = 0), gamma exactly 0 */
	set_leg(&book[0], BS_CALL, 100, T0 + 30 * DAY, 10);
	set_leg(&book[1], BS_PUT, 100, T0 + 30 * DAY, -10);
	in.legs = book;
	in.n_legs = 2;
	out = run(&in);
	CHECK_NEAR_ABS(out.net_delta, 1000.0, 1e-9);
	CHECK(out.gamma == 0.0 && out.dims.o == DIM_O0_NONE && !out.guards.have_option_position);
	CHECK(out.dims.d == DIM_D3_FORCE_HEDGE);
	CHECK(out.next_state == TS_NEED_HEDGE && out.block_reason == GUARD_NONE);
	CHECK(out.intent.present && out.intent.side == HEDGE_SELL && out.intent.qty == 500 && out.intent.force);
	/* the machine arms on it, one step per tick as with options */
	in.state = TS_IDLE;
	CHECK(run(&in).next_state == TS_ARMED);
	in.state = TS_ARMED;
	CHECK(run(&in).next_state == TS_MONITOR);
	in.state = TS_SYNC;
	CHECK(run(&in).next_state == TS_IDLE);
	/* hedged: in band, NO_TRADE, and still armed */
	in.state = TS_MONITOR;
	in.stock_position = -1000;
	out = run(&in);
	CHECK(out.dims.d == DIM_D0_IN_BAND && out.next_state == TS_NO_TRADE && !out.intent.present);
	in.state = TS_NO_TRADE;
	CHECK(run(&in).next_state == TS_NO_TRADE);

	/* half hedged (an order in flight): the position counts, the order blocks a second */
	in.state = TS_HEDGING;
	in.stock_position = -500;
	in.pending_hedge_qty = -500;
	in.execution_state = DIM_E1_ORDER_WORKING;
	out = run(&in);
	CHECK(out.next_state == TS_HEDGING && !out.intent.present);
	in.execution_state = DIM_E0_IDLE;
	in.pending_hedge_qty = 0;

	/* deep in the money at the last minute: gamma underflows to 0, delta is 1,000 */
	in = base();
	at(&in, T0 + 30 * DAY - 60, 149.99, 150.01);
	set_leg(&book[0], BS_CALL, 100, T0 + 30 * DAY, 10);
	in.legs = book;
	in.n_legs = 1;
	out = run(&in);
	CHECK(out.gamma == 0.0 && out.dims.o == DIM_O0_NONE);
	CHECK_NEAR_ABS(out.net_delta, 1000.0, 1e-6);
	CHECK(out.next_state == TS_NEED_HEDGE && out.intent.present && out.intent.qty == 500);
	in.state = TS_IDLE;
	CHECK(run(&in).next_state == TS_ARMED);

	/* no legs, a hedge position left: it is the whole delta and is hedged */
	in = base();
	in.stock_position = -1000;
	out = run(&in);
	CHECK(out.net_delta == -1000.0 && out.gamma == 0.0 && out.dims.o == DIM_O0_NONE);
	CHECK(out.next_state == TS_NEED_HEDGE);
	CHECK(out.intent.present && out.intent.side == HEDGE_BUY && out.intent.qty == 500);
	in.state = TS_IDLE;
	CHECK(run(&in).next_state == TS_ARMED);
	/* the same through given greeks */
	in = base();
	greeks(&in, 60, 0);
	out = run(&in);
	CHECK(out.dims.o == DIM_O0_NONE && out.next_state == TS_NEED_HEDGE);
	CHECK(out.intent.present && out.intent.side == HEDGE_SELL && out.intent.qty == 60);

	/* nothing to hedge: no legs, no position, no order, no delta -> IDLE */
	in = base();
	out = run(&in);
	CHECK(out.net_delta == 0.0 && out.next_state == TS_IDLE && !out.intent.present);
	in.state = TS_IDLE;
	CHECK(run(&in).next_state == TS_IDLE);
	in.state = TS_NO_TRADE;
	CHECK(run(&in).next_state == TS_IDLE);
	greeks(&in, 0, 0);
	in.state = TS_MONITOR;
	CHECK(run(&in).next_state == TS_IDLE);
	/* only expired legs left, nothing held: nothing to hedge */
	in = base();
	set_leg(&book[0], BS_CALL, 100, T0 - 1, 10);
	in.legs = book;
	in.n_legs = 1;
	out = run(&in);
	CHECK(out.legs_active == 0 && out.next_state == TS_IDLE);
	/* a hedge in flight alone is something to hedge */
	in.pending_hedge_qty = 40;
	in.state = TS_IDLE;
	CHECK(run(&in).next_state == TS_ARMED);
	/* the strategy switch still disarms */
	cfg.strategy_enabled = false;
	in = base();
	in.stock_position = -1000;
	CHECK(run(&in).next_state == TS_IDLE);
	cfg = saved;
}

/*
 * A big book at a venue that counts in small lots: 100 BTC of delta is
 * 1e6 lots of 0.0001 BTC.  Sanity is judged on value, so it is sane, and
 * the intent is capped at max_hedge_shares_per_order.
 */
static void
test_big_book(void)
{
	engine_input in = base();
	engine_output out;

	/* 2e6 shares at 100: 2e8 of value, sane; forced, capped */
	greeks(&in, 2e6, 0.02);
	out = run(&in);
	CHECK(out.greeks_valid && !out.guards.greeks_bad && out.dims.d == DIM_D3_FORCE_HEDGE);
	CHECK(out.intent.present && out.intent.side == HEDGE_SELL && out.intent.qty == 500 && out.intent.force);
	CHECK(out.next_state == TS_NEED_HEDGE && out.block_reason == GUARD_NONE);
	/* at the limit (1e10 of value) sane, beyond it not */
	greeks(&in, 1e8, 0.02);
	CHECK(run(&in).greeks_valid);
	greeks(&in, -1e8, 0.02);
	CHECK(run(&in).greeks_valid);
	greeks(&in, nextafter(1e8, INFINITY), 0.02);
	CHECK(!run(&in).greeks_valid);
	/* gamma valued the same way: |gamma| x spot^2 */
	greeks(&in, 30, 1e6);
	CHECK(run(&in).greeks_valid);
	greeks(&in, 30, -1.0000001e6);
	CHECK(!run(&in).greeks_valid);

	/* OKX lots: 100 BTC of delta at 60,000 is 1e6 lots, worth 6e6 */
	in = base();
	at(&in, T0, 59999, 60001);
	in.units_per_lot = 1e-4;
	cfg.trading_hours_only = false;
	greeks(&in, 1e6, 0);
	out = run(&in);
	CHECK(out.greeks_valid && out.dims.d == DIM_D3_FORCE_HEDGE && out.dims.s == DIM_S0_OK);
	CHECK(out.next_state == TS_NEED_HEDGE && out.block_reason == GUARD_NONE);
	CHECK(out.intent.present && out.intent.side == HEDGE_SELL && out.intent.qty == 500 && out.intent.force);
	/* a larger per-order cap sizes larger; max_position still holds the total */
	{
		engine_config saved = cfg;

		cfg.max_hedge_shares_per_order = 1e9;
		cfg.max_position_shares = 1e9;
		out = run(&in);
		CHECK(out.intent.present && out.intent.qty == 1000000 && out.block_reason == GUARD_NONE);
		cfg.max_position_shares = 999999;
		out = run(&in);
		CHECK(out.intent.present && out.block_reason == GUARD_MAX_POSITION);
		cfg = saved;
		cfg.trading_hours_only = false;
	}
	/* the same book from legs: 100 calls long, 100 puts short, 1 BTC each, in lots */
	{
		engine_leg	book[2];

		set_leg(&book[0], BS_CALL, 60000, T0 + 30 * DAY, 100);
		set_leg(&book[1], BS_PUT, 60000, T0 + 30 * DAY, -100);
		book[0].multiplier = book[1].multiplier = 1 / 1e-4;
		in.has_greeks = false;
		in.legs = book;
		in.n_legs = 2;
		cfg.dividend_yield = 0;
		out = run(&in);
		CHECK_NEAR_REL(out.net_delta, 1e6, 1e-12);
		CHECK(out.greeks_valid && out.dims.o == DIM_O0_NONE && out.next_state == TS_NEED_HEDGE);
		CHECK(out.intent.present && out.intent.qty == 500 && out.intent.force);
		/* counted as shares of the underlying (one unit per lot) the same delta is 100 */
		in.units_per_lot = 1;
		book[0].multiplier = book[1].multiplier = 1;
		out = run(&in);
		CHECK_NEAR_ABS(out.net_delta, 100, 1e-9);
		CHECK(out.intent.present && out.intent.qty == 100 && !out.intent.force);
	}
	engine_config_defaults(&cfg);
}

/*
 * A spot book at a venue whose lot is 1e-8 of the base currency (OKX
 * BTC-USDT: lotSz 0.00000001): a position of 15 BTC is 1.5e9 lots and an
 * option worth 100 BTC a contract has a multiplier of 1e10 lots.  The
 * domain bounds quantities by their size in the underlying, so the book is
 * in it and hedged; refused, the worker would take the quote as missing
 * and sit in SAFE.  Beyond 1e9 units of the underlying it is refused.
 */
static void
test_small_lots_domain(void)
{
	engine_input in = base();
	engine_leg	leg;
	engine_output out;

	at(&in, T0, 59999, 60001);
	in.units_per_lot = 1e-8;
	in.stock_position = 15 / 1e-8;
	in.pending_hedge_qty = -12 / 1e-8;
	set_leg(&leg, BS_CALL, 60000, T0 + 30 * DAY, 1);
	leg.multiplier = 100 / 1e-8;
	in.legs = &leg;
	in.n_legs = 1;
	cfg.trading_hours_only = false;
	{
		const char *bad = engine_input_check(&in, NULL);

		if (!CHECK(bad == NULL))
			unit_note("a 15 BTC book in 1e-8 lots refused at %s", bad);
	}
	out = run(&in);
	CHECK(out.greeks_valid && out.dims.s == DIM_S0_OK && !out.guards.data_stale);
	CHECK(out.intent.present && out.intent.side == HEDGE_SELL && out.intent.qty == 500);
	/* the bounds in units of the underlying: 1e9 of them, in lots of 1e-8 */
	in.pending_hedge_qty = 0;
	in.stock_position = ENGINE_MAX_QUANTITY / 1e-8;
	leg.multiplier = ENGINE_MAX_MULTIPLIER / 1e-8;
	CHECK(engine_input_check(&in, NULL) == NULL);
	in.stock_position = nextafter(ENGINE_MAX_QUANTITY / 1e-8, INFINITY);
	CHECK(engine_input_check(&in, NULL) != NULL && strcmp(engine_input_check(&in, NULL), "stock_position") == 0);
	in.stock_position = 0;
	in.pending_hedge_qty = -nextafter(ENGINE_MAX_QUANTITY / 1e-8, INFINITY);
	CHECK(engine_input_check(&in, NULL) != NULL && strcmp(engine_input_check(&in, NULL), "pending_hedge_qty") == 0);
	in.pending_hedge_qty = 0;
	leg.multiplier = nextafter(ENGINE_MAX_MULTIPLIER / 1e-8, INFINITY);
	CHECK(engine_input_check(&in, NULL) != NULL && strcmp(engine_input_check(&in, NULL), "legs.multiplier") == 0);
	/* a lot of more than one unit keeps the bounds in lots */
	leg.multiplier = 100;
	in.units_per_lot = 1000;
	in.stock_position = ENGINE_MAX_QUANTITY;
	CHECK(engine_input_check(&in, NULL) == NULL);
	engine_config_defaults(&cfg);
}

static void
test_spot_and_quote(void)
{
	engine_input in = base();
	engine_output out;

	greeks(&in, 0, 0);
	out = run(&in);
	CHECK(out.spot == 100.0);
	in.spot = 101.5;			/* given spot wins over the mid */
	out = run(&in);
	CHECK(out.spot == 101.5);
	in.has_quote = false;		/* spot without a quote is still no data */
	out = run(&in);
	CHECK(out.spot == 101.5 && out.dims.l == DIM_L3_NO_QUOTE && out.guards.data_stale);
	CHECK(isnan(out.spread_pct) && isnan(out.data_lag_ms));
	/* a zero bid is no quote, not an error */
	in = base();
	in.bid = 0;
	out = run(&in);
	CHECK(out.dims.l == DIM_L3_NO_QUOTE && isnan(out.spot) && out.data_lag_ms == 0.0);
	/* a locked quote is a quote */
	in = base();
	in.bid = in.ask = 100.0;
	out = run(&in);
	CHECK(out.dims.l == DIM_L0_NORMAL && out.spread_pct == 0.0);
}

static void
test_determinism(void)
{
	engine_input in = base();
	engine_output a,
				b;

	greeks(&in, 42, -0.3);
	in.last_hedge_ts = T0 - 100;
	memset(&a, 0, sizeof(a));
	memset(&b, 0xff, sizeof(b));
	engine_evaluate(&cfg, &in, &a);
	engine_evaluate(&cfg, &in, &b);
	CHECK(a.net_delta == b.net_delta && a.gamma == b.gamma && a.next_state == b.next_state);
	CHECK(a.intent.qty == b.intent.qty && a.block_mask == b.block_mask);
	CHECK(a.faults_clear_since == b.faults_clear_since);
	CHECK(memcmp(&a.dims, &b.dims, sizeof(a.dims)) == 0);
	CHECK(memcmp(&a.guards, &b.guards, sizeof(a.guards)) == 0);
}

static void
test_input_check(void)
{
	engine_leg	leg = {0};
	engine_input in;
	double		prices[3] = {100, 101, 102};
	int			bad_leg;

#define BAD(mutation, key) do { \
	in = base(); \
	mutation; \
	{ \
		const char *got = engine_input_check(&in, NULL); \
		if (!CHECK(got != NULL && strcmp(got, key) == 0)) \
			unit_note("expected %s, got %s", key, got ? got : "NULL"); \
	} \
} while (0)

	in = base();
	CHECK(engine_input_check(&in, &bad_leg) == NULL && bad_leg == -1);
	engine_input_init(&in);
	CHECK(engine_input_check(&in, NULL) == NULL);

	BAD(in.state = (trading_state) 11, "state");
	BAD(in.event = (trading_event) -1, "event");
	BAD(in.now = NAN, "now");
	BAD(in.now = INFINITY, "now");
	BAD(in.clock.ny_weekday = (in.clock.ny_weekday + 1) % 7, "clock");
	BAD(in.clock.ny_seconds = 86400.0, "clock");
	BAD(in.clock.ny_seconds = -1.0, "clock");
	BAD(in.clock.ny_early_close_min = -2, "clock");
	BAD(in.bid = -0.01, "quote.bid");
	BAD(in.bid = NAN, "quote.bid");
	BAD(in.ask = -1, "quote.ask");
	BAD(in.ask = INFINITY, "quote.ask");
	BAD(in.quote_ts = NAN, "quote.ts");
	BAD((in.bid = 100.02, in.ask = 100.01), "quote");
	BAD(in.spot = 0, "spot");
	BAD(in.spot = -3, "spot");
	BAD(in.spot = INFINITY, "spot");
	BAD(in.units_per_lot = 0, "units_per_lot");
	BAD(in.units_per_lot = -1e-4, "units_per_lot");
	BAD(in.units_per_lot = NAN, "units_per_lot");
	BAD(in.units_per_lot = INFINITY, "units_per_lot");
	BAD(in.units_per_lot = nextafter(ENGINE_MIN_UNITS_PER_LOT, 0), "units_per_lot");
	BAD(in.units_per_lot = nextafter(ENGINE_MAX_UNITS_PER_LOT, INFINITY), "units_per_lot");
	BAD(in.n_legs = -1, "legs");
	BAD(in.n_legs = 2, "legs");
	BAD((greeks(&in, NAN, 0)), "greeks.net_delta");
	BAD((greeks(&in, 1, INFINITY)), "greeks.gamma");
	BAD(in.stock_position = NAN, "stock_position");
	BAD(in.pending_hedge_qty = INFINITY, "pending_hedge_qty");
	BAD(in.last_hedge_price = 0, "last_hedge.price");
	BAD(in.last_hedge_price = -1, "last_hedge.price");
	BAD(in.last_hedge_ts = INFINITY, "last_hedge.ts");
	BAD(in.daily_hedge_count = -1, "daily_hedge_count");
	BAD(in.daily_pnl = NAN, "daily_pnl");
	BAD(in.execution_state = (dim_e) 5, "execution_state");
	BAD(in.faults_clear_since = -INFINITY, "faults_clear_since");
	BAD(in.n_prices = 3, "prices");
	BAD((in.prices = prices, in.n_prices = 3, prices[1] = 0), "prices");
	prices[1] = 101;

	/* the domain: finite but beyond it, refused at the first step past each bound */
	BAD(in.spot = nextafter(BS_MAX_PRICE, INFINITY), "spot");
	BAD(in.spot = nextafter(BS_MIN_PRICE, 0), "spot");
	BAD(in.spot = 1e300, "spot");
	BAD(in.ask = nextafter(BS_MAX_PRICE, INFINITY), "quote.ask");
	BAD((in.bid = 1e-300, in.ask = 1), "quote.bid");
	BAD(in.stock_position = nextafter(ENGINE_MAX_QUANTITY, INFINITY), "stock_position");
	BAD(in.stock_position = -1e300, "stock_position");
	BAD(in.pending_hedge_qty = -nextafter(ENGINE_MAX_QUANTITY, INFINITY), "pending_hedge_qty");
	BAD(in.last_hedge_price = 1e13, "last_hedge.price");
	BAD(in.daily_pnl = -nextafter(ENGINE_MAX_AMOUNT, INFINITY), "daily_pnl");
	BAD((greeks(&in, 1e300, 0)), "greeks.net_delta");
	BAD((greeks(&in, 1, -1e16)), "greeks.gamma");
	BAD((in.prices = prices, in.n_prices = 3, prices[2] = 1e300), "prices");
	prices[2] = 102;
	in = base();
	CHECK(engine_input_check(&in, NULL) == NULL);
	in.spot = BS_MAX_PRICE;
	in.bid = 0;
	in.ask = BS_MAX_PRICE;
	in.stock_position = -ENGINE_MAX_QUANTITY;
	in.pending_hedge_qty = ENGINE_MAX_QUANTITY;
	in.daily_pnl = -ENGINE_MAX_AMOUNT;
	CHECK(engine_input_check(&in, NULL) == NULL);

	/* allowed: no quote at all with NaN prices, a zero bid, invalid given greeks with NaN */
	in = base();
	in.has_quote = false;
	in.bid = NAN;
	CHECK(engine_input_check(&in, NULL) == NULL);
	in = base();
	in.bid = 0;
	CHECK(engine_input_check(&in, NULL) == NULL);
	in = base();
	greeks(&in, NAN, NAN);
	in.greeks_valid = false;
	CHECK(engine_input_check(&in, NULL) == NULL);
	in = base();
	in.prices = prices;
	in.n_prices = 3;
	CHECK(engine_input_check(&in, NULL) == NULL);

	/* legs, naming the leg */
	leg.right = BS_PUT;
	leg.strike = 95;
	leg.expiry = T0 + DAY;
	leg.quantity = -2;
	leg.multiplier = 100;
	leg.implied_vol = NAN;
	{
		engine_leg	legs[3];
		static const char *const keys[] = {
			"legs.option_right", "legs.strike", "legs.expiry", "legs.quantity",
			"legs.multiplier", "legs.implied_vol",
			"legs.strike", "legs.expiry", "legs.quantity", "legs.multiplier", "legs.implied_vol"
		};

		for (int k = 0; k < 11; k++)
		{
			const char *got;

			legs[0] = legs[1] = legs[2] = leg;
			switch (k)
			{
				case 0:
					legs[2].right = (bs_right) 7;
					break;
				case 1:
					legs[2].strike = 0;
					break;
				case 2:
					legs[2].expiry = NAN;
					break;
				case 3:
					legs[2].quantity = INFINITY;
					break;
				case 4:
					legs[2].multiplier = 0;
					break;
				case 5:
					legs[2].implied_vol = -0.1;
					break;
					/* finite but beyond the domain */
				case 6:
					legs[2].strike = 1e300;
					break;
				case 7:
					legs[2].expiry = T0 + BS_MAX_T * PORTFOLIO_SECONDS_PER_YEAR + 1;
					break;
				case 8:
					legs[2].quantity = -nextafter(ENGINE_MAX_QUANTITY, INFINITY);
					break;
				case 9:
					legs[2].multiplier = 1e300;
					break;
				case 10:
					legs[2].implied_vol = 1e-300;
					break;
			}
			in = base();
			in.legs = legs;
			in.n_legs = 3;
			got = engine_input_check(&in, &bad_leg);
			if (!CHECK(got != NULL && strcmp(got, keys[k]) == 0 && bad_leg == 2))
				unit_note("leg case %d: %s, leg %d", k, got ? got : "NULL", bad_leg);
		}
		legs[2] = leg;
		legs[2].implied_vol = 0.0;	/* zero vol is allowed */
		legs[1].expiry = T0 - DAY;	/* expired legs are allowed */
		legs[0].expiry = T0 + BS_MAX_T * PORTFOLIO_SECONDS_PER_YEAR;	/* the bounds themselves */
		legs[0].quantity = ENGINE_MAX_QUANTITY;
		legs[0].multiplier = ENGINE_MAX_MULTIPLIER;
		legs[0].strike = BS_MAX_PRICE;
		in = base();
		in.legs = legs;
		in.n_legs = 3;
		CHECK(engine_input_check(&in, &bad_leg) == NULL && bad_leg == -1);
	}
#undef BAD
}

static void
test_input_defaults(void)
{
	engine_input in;

	engine_input_init(&in);
	CHECK(in.state == TS_MONITOR && in.event == TE_TICK);
	CHECK(!in.has_quote && isnan(in.spot) && !in.has_greeks && in.n_legs == 0);
	CHECK(in.stock_position == 0 && in.pending_hedge_qty == 0);
	CHECK(isnan(in.last_hedge_price) && isnan(in.last_hedge_ts));
	CHECK(in.daily_hedge_count == 0 && in.daily_pnl == 0);
	CHECK(in.execution_state == DIM_E0_IDLE && in.broker_connected);
	CHECK(isnan(in.faults_clear_since) && !in.suspended);
	CHECK(in.units_per_lot == 1.0);
}

int
main(void)
{
	engine_config_defaults(&cfg);
	test_input_defaults();
	test_straddle_anchor();
	test_hedge_flow();
	test_replay_fsm();
	test_session();
	test_force();
	test_faults();
	test_zero_gamma();
	test_big_book();
	test_small_lots_domain();
	test_spot_and_quote();
	test_determinism();
	test_input_check();
	return unit_summary("test_engine");
}
