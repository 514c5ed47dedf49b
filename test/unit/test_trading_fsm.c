/*
 * test_trading_fsm.c: the trading machine's guard predicates (the
 * reference's test_guards cases and their boundaries), every state against
 * every event in several worlds (full tables), the reference's
 * test_trading_fsm paths, and bifrost's corrections: NEED_HEDGE only at
 * D2/D3 and never sticky, fault events force SAFE, SAFE recovers after
 * safe_recovery_sec or by hand, a book with delta and no gamma is hedged,
 * a quote from the future is stale.
 */
#include "trading_fsm.h"
#include "unit.h"

#include <math.h>
#include <string.h>

#define EPS 1e-9

static engine_config cfg;

/* A healthy world: fresh quote, sane greeks, long gamma, delta 30 (D2). */
static trading_view
healthy(void)
{
	trading_view v;

	memset(&v, 0, sizeof(v));
	v.dims.o = DIM_O1_LONG_GAMMA;
	v.dims.d = DIM_D2_HEDGE_NEEDED;
	v.dims.m = DIM_M1_NORMAL;
	v.dims.l = DIM_L0_NORMAL;
	v.dims.e = DIM_E0_IDLE;
	v.dims.s = DIM_S0_OK;
	v.greeks_ok = true;
	v.net_delta = 30;
	v.spot = 100.0;
	v.spread_pct = 0.05;
	v.data_lag_ms = 0;
	v.last_hedge_price = NAN;
	v.daily_hedge_count = 0;
	v.force = false;
	return v;
}

static trading_guards
guards_of(const trading_view *v)
{
	trading_guards g;

	trading_guards_eval(&cfg, v, &g);
	return g;
}

static void
test_predicates(void)
{
	trading_view v = healthy();
	trading_guards g = guards_of(&v);

	/* all good */
	CHECK(g.data_ok && !g.data_stale && !g.greeks_bad && !g.broker_down && g.broker_up);
	CHECK(!g.exec_fault && g.have_option_position && g.delta_band_ready);
	CHECK(!g.in_no_trade_band && g.cost_ok && g.liquidity_ok && g.retry_allowed);
	CHECK(g.positions_ok && g.strategy_enabled);

	/* data lag: 1000 ms is ok, above it stale */
	v.data_lag_ms = 1000.0;
	CHECK(guards_of(&v).data_ok);
	v.data_lag_ms = 1000.0 + 1e-6;
	g = guards_of(&v);
	CHECK(!g.data_ok && g.data_stale && !g.positions_ok);
	v.data_lag_ms = 1001.0;
	CHECK(guards_of(&v).data_stale);
	v.data_lag_ms = 0;
	/* a quote from the future: up to data_lag_threshold_ms ahead is clock skew */
	v.data_lag_ms = -1000.0;
	CHECK(guards_of(&v).data_ok);
	v.data_lag_ms = -1000.0 - 1e-6;
	g = guards_of(&v);
	CHECK(!g.data_ok && g.data_stale && !g.positions_ok);
	v.data_lag_ms = -3.6e6;
	CHECK(guards_of(&v).data_stale);
	CHECK(trading_fsm_next(TS_MONITOR, TE_TICK, &g, DIM_D2_HEDGE_NEEDED, true, true) == TS_SAFE);
	v.data_lag_ms = 0;
	/* no quote */
	v.dims.l = DIM_L3_NO_QUOTE;
	v.spread_pct = NAN;
	g = guards_of(&v);
	CHECK(g.data_stale && !g.liquidity_ok);
	v = healthy();
	/* no spot */
	v.spot = NAN;
	CHECK(guards_of(&v).data_stale);
	v.spot = 0;
	CHECK(guards_of(&v).data_stale);
	v = healthy();

	/* greeks */
	v.greeks_ok = false;
	g = guards_of(&v);
	CHECK(g.greeks_bad && !g.delta_band_ready && !g.in_no_trade_band);
	v = healthy();

	/* the no-trade band is inclusive */
	v.net_delta = 10;
	CHECK(guards_of(&v).in_no_trade_band);
	v.net_delta = -10;
	CHECK(guards_of(&v).in_no_trade_band);
	v.net_delta = 10 + EPS;
	CHECK(!guards_of(&v).in_no_trade_band);
	v = healthy();

	/* cost: extreme spread 0.5 % (>= fails) */
	v.spread_pct = 0.5 - EPS;
	CHECK(guards_of(&v).cost_ok);
	v.spread_pct = 0.5;
	CHECK(!guards_of(&v).cost_ok);
	v = healthy();
	/* cost: price move since the last hedge, 0.2 % (>= passes) */
	v.last_hedge_price = 100.0;
	v.spot = 100.2;
	CHECK(guards_of(&v).cost_ok);
	v.spot = 100.19;
	CHECK(!guards_of(&v).cost_ok);
	v.spot = 99.8;
	CHECK(guards_of(&v).cost_ok);
	v.spot = 99.81;
	CHECK(!guards_of(&v).cost_ok);
	v.force = true;				/* D3 waives the price move */
	CHECK(guards_of(&v).cost_ok);
	v.force = false;
	v.last_hedge_price = NAN;	/* no last hedge: nothing to compare */
	CHECK(guards_of(&v).cost_ok);
	v = healthy();
	{
		engine_config saved = cfg;

		cfg.min_price_move_pct = 0;
		v.last_hedge_price = 100.0;
		v.spot = 100.0;
		CHECK(guards_of(&v).cost_ok);
		cfg = saved;
	}
	v = healthy();

	/* liquidity */
	v.dims.l = DIM_L1_WIDE;
	CHECK(guards_of(&v).liquidity_ok);
	v.dims.l = DIM_L2_EXTREME_WIDE;
	CHECK(!guards_of(&v).liquidity_ok);
	v = healthy();
	{
		engine_config saved = cfg;

		cfg.max_spread_pct = 0.05;
		v.spread_pct = 0.05;
		CHECK(guards_of(&v).liquidity_ok);
		v.spread_pct = 0.05 + EPS;
		CHECK(!guards_of(&v).liquidity_ok);
		cfg = saved;
	}
	v = healthy();

	/* broker and execution faults */
	v.dims.e = DIM_E3_DISCONNECTED;
	g = guards_of(&v);
	CHECK(g.broker_down && !g.broker_up && g.exec_fault);
	v.dims.e = DIM_E4_BROKER_ERROR;
	g = guards_of(&v);
	CHECK(g.broker_down && g.exec_fault);
	v.dims.e = DIM_E1_ORDER_WORKING;
	g = guards_of(&v);
	CHECK(!g.broker_down && !g.exec_fault);
	v.dims.e = DIM_E2_PARTIAL;
	CHECK(guards_of(&v).broker_up);
	v = healthy();

	/* option position */
	v.dims.o = DIM_O2_SHORT_GAMMA;
	CHECK(guards_of(&v).have_option_position);
	v.dims.o = DIM_O0_NONE;
	CHECK(!guards_of(&v).have_option_position);
	v = healthy();

	/* delta band ready: threshold >= band */
	{
		engine_config saved = cfg;

		cfg.threshold_hedge_shares = cfg.epsilon_band;
		CHECK(guards_of(&v).delta_band_ready);
		cfg.threshold_hedge_shares = cfg.epsilon_band - EPS;
		CHECK(!guards_of(&v).delta_band_ready);
		cfg = saved;
	}

	/* retry allowed: 10 < 50 yes, 49 yes, 50 no */
	v.daily_hedge_count = 10;
	CHECK(guards_of(&v).retry_allowed);
	v.daily_hedge_count = 49;
	CHECK(guards_of(&v).retry_allowed);
	v.daily_hedge_count = 50;
	CHECK(!guards_of(&v).retry_allowed);
	v = healthy();

	/* positions: risk halt */
	v.dims.s = DIM_S3_RISK_HALT;
	g = guards_of(&v);
	CHECK(g.data_ok && !g.positions_ok);
	v = healthy();

	/* strategy switch */
	{
		engine_config saved = cfg;

		cfg.strategy_enabled = false;
		CHECK(!guards_of(&v).strategy_enabled);
		cfg = saved;
	}

	/* names and values by index */
	CHECK(TRADING_GUARD_COUNT == 14);
	CHECK(strcmp(trading_guard_name(0), "data_ok") == 0);
	CHECK(strcmp(trading_guard_name(13), "strategy_enabled") == 0);
	CHECK(trading_guard_name(14) == NULL && trading_guard_name(-1) == NULL);
	g = guards_of(&v);
	CHECK(trading_guard_value(&g, 0) == g.data_ok);
	CHECK(trading_guard_value(&g, 9) == g.cost_ok);
	CHECK(!trading_guard_value(&g, 99));
	{
		static const char *const names[TRADING_GUARD_COUNT] = {
			"data_ok", "data_stale", "greeks_bad", "broker_down", "broker_up",
			"exec_fault", "have_option_position", "delta_band_ready",
			"in_no_trade_band", "cost_ok", "liquidity_ok", "retry_allowed",
			"positions_ok", "strategy_enabled"
		};

		for (int i = 0; i < TRADING_GUARD_COUNT; i++)
			CHECK(strcmp(trading_guard_name(i), names[i]) == 0);
	}
}

/* One letter-pair per state, for the tables. */
static const char *const abbrev[TRADING_STATE_COUNT] = {
	"BO", "SY", "ID", "AR", "MO", "NT", "PC", "PL", "NH", "HG", "SA"
};

static trading_state
from_abbrev(const char *s)
{
	for (int i = 0; i < TRADING_STATE_COUNT; i++)
		if (strncmp(s, abbrev[i], 2) == 0)
			return (trading_state) i;
	return (trading_state) -1;
}

/*
 * table[state] lists the next state for each event in enum order: start,
 * synced, tick, quote, greeks_update, target_emitted, hedge_done,
 * hedge_failed, data_stale, greeks_bad, broker_down, broker_up,
 * manual_resume, shutdown.
 */
static void
check_table(const char *world, const char *const *table, const trading_guards *g,
			dim_d d, bool exposure, bool recovery_due)
{
	for (int s = 0; s < TRADING_STATE_COUNT; s++)
	{
		const char *row = table[s];

		for (int e = 0; e < TRADING_EVENT_COUNT; e++)
		{
			trading_state want = from_abbrev(row + 3 * e);
			trading_state got = trading_fsm_next((trading_state) s, (trading_event) e, g, d,
												 exposure, recovery_due);

			if (!CHECK(got == want))
				unit_note("%s: %s + %s -> %s, expected %s", world,
						  trading_state_name((trading_state) s),
						  trading_event_name((trading_event) e),
						  trading_state_name(got), trading_state_name(want));
		}
	}
}

static void
test_full_tables(void)
{
	/*            start syncd tick  quote greek targt done  fail  stale gbad  bdown bup   resum shut */
	static const char *const hedge_wanted[TRADING_STATE_COUNT] = {
		/* BOOT */ "SY BO BO BO BO BO BO BO SA SA SA BO BO BO",
		/* SYNC */ "SY ID ID ID ID SY SY SY SA SA SA SY SY SY",
		/* IDLE */ "ID AR AR AR AR ID ID ID SA SA SA ID ID ID",
		/* ARMED */ "AR MO MO MO MO AR AR AR SA SA SA AR AR AR",
		/* MONITOR */ "MO NH NH NH NH MO MO MO SA SA SA MO MO MO",
		/* NO_TRADE */ "NT NH NH NH NH NT NT NT SA SA SA NT NT NT",
		/* PAUSE_COST */ "PC NH NH NH NH PC PC PC SA SA SA PC PC PC",
		/* PAUSE_LIQ */ "PL NH NH NH NH PL PL PL SA SA SA PL PL PL",
		/* NEED_HEDGE */ "NH NH NH NH NH HG NH NH SA SA SA NH NH NH",
		/* HEDGING */ "HG HG HG HG HG HG MO NH SA SA SA HG HG HG",
		/* SAFE */ "SA SA SA SA SA SA SA SA SA SA SA SY SY SA",
	};
	/* the same world once the faults have been clear for safe_recovery_sec */
	static const char *const recovered[TRADING_STATE_COUNT] = {
		"SY BO BO BO BO BO BO BO SA SA SA BO BO BO",
		"SY ID ID ID ID SY SY SY SA SA SA SY SY SY",
		"ID AR AR AR AR ID ID ID SA SA SA ID ID ID",
		"AR MO MO MO MO AR AR AR SA SA SA AR AR AR",
		"MO NH NH NH NH MO MO MO SA SA SA MO MO MO",
		"NT NH NH NH NH NT NT NT SA SA SA NT NT NT",
		"PC NH NH NH NH PC PC PC SA SA SA PC PC PC",
		"PL NH NH NH NH PL PL PL SA SA SA PL PL PL",
		"NH NH NH NH NH HG NH NH SA SA SA NH NH NH",
		"HG HG HG HG HG HG MO NH SA SA SA HG HG HG",
		"SA SY SY SY SY SA SA SA SA SA SA SY SY SA",
	};
	/* delta back inside the band (D0) */
	static const char *const in_band[TRADING_STATE_COUNT] = {
		"SY BO BO BO BO BO BO BO SA SA SA BO BO BO",
		"SY ID ID ID ID SY SY SY SA SA SA SY SY SY",
		"ID AR AR AR AR ID ID ID SA SA SA ID ID ID",
		"AR MO MO MO MO AR AR AR SA SA SA AR AR AR",
		"MO NT NT NT NT MO MO MO SA SA SA MO MO MO",
		"NT NT NT NT NT NT NT NT SA SA SA NT NT NT",
		"PC NT NT NT NT PC PC PC SA SA SA PC PC PC",
		"PL NT NT NT NT PL PL PL SA SA SA PL PL PL",
		"NH NT NT NT NT HG NH NH SA SA SA NH NH NH",
		"HG HG HG HG HG HG MO NH SA SA SA HG HG HG",
		"SA SA SA SA SA SA SA SA SA SA SA SY SY SA",
	};
	/* any fault (here stale data): every state, every event -> SAFE */
	static const char *const faulted[TRADING_STATE_COUNT] = {
		"SA SA SA SA SA SA SA SA SA SA SA SA SA SA",
		"SA SA SA SA SA SA SA SA SA SA SA SA SA SA",
		"SA SA SA SA SA SA SA SA SA SA SA SA SA SA",
		"SA SA SA SA SA SA SA SA SA SA SA SA SA SA",
		"SA SA SA SA SA SA SA SA SA SA SA SA SA SA",
		"SA SA SA SA SA SA SA SA SA SA SA SA SA SA",
		"SA SA SA SA SA SA SA SA SA SA SA SA SA SA",
		"SA SA SA SA SA SA SA SA SA SA SA SA SA SA",
		"SA SA SA SA SA SA SA SA SA SA SA SA SA SA",
		"SA SA SA SA SA SA SA SA SA SA SA SA SA SA",
		"SA SA SA SA SA SA SA SA SA SA SA SA SA SA",
	};
	/* daily hedge limit reached: a failed hedge goes to SAFE */
	static const char *const no_retry[TRADING_STATE_COUNT] = {
		"SY BO BO BO BO BO BO BO SA SA SA BO BO BO",
		"SY ID ID ID ID SY SY SY SA SA SA SY SY SY",
		"ID AR AR AR AR ID ID ID SA SA SA ID ID ID",
		"AR MO MO MO MO AR AR AR SA SA SA AR AR AR",
		"MO NH NH NH NH MO MO MO SA SA SA MO MO MO",
		"NT NH NH NH NH NT NT NT SA SA SA NT NT NT",
		"PC NH NH NH NH PC PC PC SA SA SA PC PC PC",
		"PL NH NH NH NH PL PL PL SA SA SA PL PL PL",
		"NH NH NH NH NH HG NH NH SA SA SA NH NH NH",
		"HG HG HG HG HG HG MO SA SA SA SA HG HG HG",
		"SA SA SA SA SA SA SA SA SA SA SA SY SY SA",
	};
	/* nothing to hedge (or the strategy disabled): the armed states fall back to IDLE */
	static const char *const nothing_to_hedge[TRADING_STATE_COUNT] = {
		"SY BO BO BO BO BO BO BO SA SA SA BO BO BO",
		"SY ID ID ID ID SY SY SY SA SA SA SY SY SY",
		"ID ID ID ID ID ID ID ID SA SA SA ID ID ID",
		"AR ID ID ID ID AR AR AR SA SA SA AR AR AR",
		"MO ID ID ID ID MO MO MO SA SA SA MO MO MO",
		"NT ID ID ID ID NT NT NT SA SA SA NT NT NT",
		"PC ID ID ID ID PC PC PC SA SA SA PC PC PC",
		"PL ID ID ID ID PL PL PL SA SA SA PL PL PL",
		"NH ID ID ID ID HG NH NH SA SA SA NH NH NH",
		"HG HG HG HG HG HG MO NH SA SA SA HG HG HG",
		"SA SA SA SA SA SA SA SA SA SA SA SY SY SA",
	};
	trading_view v = healthy();
	trading_guards g = guards_of(&v);

	check_table("hedge wanted (D2)", hedge_wanted, &g, DIM_D2_HEDGE_NEEDED, true, false);
	check_table("recovered", recovered, &g, DIM_D2_HEDGE_NEEDED, true, true);

	v.net_delta = 4;
	v.dims.d = DIM_D0_IN_BAND;
	g = guards_of(&v);
	check_table("in band (D0)", in_band, &g, DIM_D0_IN_BAND, true, false);

	v = healthy();
	v.data_lag_ms = 5000;
	g = guards_of(&v);
	check_table("stale data", faulted, &g, DIM_D2_HEDGE_NEEDED, true, true);
	v = healthy();
	v.greeks_ok = false;
	g = guards_of(&v);
	check_table("bad greeks", faulted, &g, DIM_D4_INVALID, true, true);
	v = healthy();
	v.dims.e = DIM_E3_DISCONNECTED;
	g = guards_of(&v);
	check_table("broker down", faulted, &g, DIM_D2_HEDGE_NEEDED, true, true);
	v.dims.e = DIM_E4_BROKER_ERROR;
	g = guards_of(&v);
	check_table("broker error", faulted, &g, DIM_D2_HEDGE_NEEDED, true, true);

	v = healthy();
	v.daily_hedge_count = 50;
	g = guards_of(&v);
	check_table("daily limit reached", no_retry, &g, DIM_D2_HEDGE_NEEDED, true, false);

	/* delta without gamma (O0): hedged exactly like a book with options */
	v = healthy();
	v.dims.o = DIM_O0_NONE;
	g = guards_of(&v);
	CHECK(!g.have_option_position);
	check_table("delta, no gamma", hedge_wanted, &g, DIM_D2_HEDGE_NEEDED, true, false);
	check_table("delta, no gamma, recovered", recovered, &g, DIM_D2_HEDGE_NEEDED, true, true);
	v.net_delta = 4;
	v.dims.d = DIM_D0_IN_BAND;
	g = guards_of(&v);
	check_table("delta in band, no gamma", in_band, &g, DIM_D0_IN_BAND, true, false);
	/* no gamma and no exposure: nothing to hedge */
	v = healthy();
	v.dims.o = DIM_O0_NONE;
	v.net_delta = 0;
	v.dims.d = DIM_D0_IN_BAND;
	g = guards_of(&v);
	check_table("nothing to hedge", nothing_to_hedge, &g, DIM_D0_IN_BAND, false, false);
	/* gamma alone arms (a book whose legs' delta nets to zero) */
	v = healthy();
	g = guards_of(&v);
	check_table("gamma, no exposure flag", hedge_wanted, &g, DIM_D2_HEDGE_NEEDED, false, false);
	v = healthy();
	{
		engine_config saved = cfg;

		cfg.strategy_enabled = false;
		g = guards_of(&v);
		check_table("strategy disabled", nothing_to_hedge, &g, DIM_D2_HEDGE_NEEDED, true, false);
		v.dims.o = DIM_O0_NONE;
		g = guards_of(&v);
		check_table("strategy disabled, no gamma", nothing_to_hedge, &g, DIM_D2_HEDGE_NEEDED, true, false);
		cfg = saved;
	}
}

/* The tick row of the armed states in the remaining worlds. */
static void
test_assessment(void)
{
	static const trading_state armed[] = {
		TS_MONITOR, TS_NO_TRADE, TS_PAUSE_COST, TS_PAUSE_LIQ, TS_NEED_HEDGE
	};
	trading_view v;
	trading_guards g;

	for (size_t i = 0; i < sizeof(armed) / sizeof(armed[0]); i++)
	{
		trading_state s = armed[i];

		/* D1: below the one threshold, MONITOR (never NEED_HEDGE) */
		v = healthy();
		v.net_delta = 25 - EPS;
		v.dims.d = DIM_D1_MINOR;
		g = guards_of(&v);
		CHECK(trading_fsm_next(s, TE_TICK, &g, DIM_D1_MINOR, true, false) == TS_MONITOR);
		/* D1 with a bad spread: still MONITOR, pauses are for wanted hedges */
		v.dims.l = DIM_L2_EXTREME_WIDE;
		v.spread_pct = 0.7;
		g = guards_of(&v);
		CHECK(trading_fsm_next(s, TE_TICK, &g, DIM_D1_MINOR, true, false) == TS_MONITOR);
		/* D3 hedges like D2 */
		v = healthy();
		v.net_delta = 700;
		v.dims.d = DIM_D3_FORCE_HEDGE;
		g = guards_of(&v);
		CHECK(trading_fsm_next(s, TE_TICK, &g, DIM_D3_FORCE_HEDGE, true, false) == TS_NEED_HEDGE);
		/* cost before liquidity */
		v = healthy();
		v.dims.l = DIM_L2_EXTREME_WIDE;
		v.spread_pct = 0.7;
		g = guards_of(&v);
		CHECK(!g.cost_ok && !g.liquidity_ok);
		CHECK(trading_fsm_next(s, TE_TICK, &g, DIM_D2_HEDGE_NEEDED, true, false) == TS_PAUSE_COST);
		/* liquidity alone: a max_spread_pct breach */
		v = healthy();
		cfg.max_spread_pct = 0.01;
		g = guards_of(&v);
		CHECK(g.cost_ok && !g.liquidity_ok);
		CHECK(trading_fsm_next(s, TE_QUOTE, &g, DIM_D2_HEDGE_NEEDED, true, false) == TS_PAUSE_LIQ);
		cfg.max_spread_pct = NAN;
		/* price not moved since the last hedge */
		v = healthy();
		v.last_hedge_price = 100.1;
		g = guards_of(&v);
		CHECK(trading_fsm_next(s, TE_GREEKS_UPDATE, &g, DIM_D2_HEDGE_NEEDED, true, false) == TS_PAUSE_COST);
		/* forced (D3): the price move is waived */
		v.force = true;
		v.net_delta = 600;
		g = guards_of(&v);
		CHECK(trading_fsm_next(s, TE_TICK, &g, DIM_D3_FORCE_HEDGE, true, false) == TS_NEED_HEDGE);
	}

	/* ARMED waits for a usable band */
	v = healthy();
	cfg.threshold_hedge_shares = 5;
	g = guards_of(&v);
	CHECK(trading_fsm_next(TS_ARMED, TE_TICK, &g, DIM_D2_HEDGE_NEEDED, true, false) == TS_ARMED);
	engine_config_defaults(&cfg);

	/* SYNC holds while the loss breaker is tripped */
	v = healthy();
	v.dims.s = DIM_S3_RISK_HALT;
	g = guards_of(&v);
	CHECK(trading_fsm_next(TS_SYNC, TE_SYNCED, &g, DIM_D2_HEDGE_NEEDED, true, false) == TS_SYNC);
	CHECK(trading_fsm_next(TS_SYNC, TE_TICK, &g, DIM_D2_HEDGE_NEEDED, true, true) == TS_SYNC);
}

static void
test_safe_recovery(void)
{
	double		now = 1000000.0;
	double		fcs;
	trading_view v = healthy();
	trading_guards g = guards_of(&v);
	trading_guards stale;

	v.data_lag_ms = 1500;
	stale = guards_of(&v);

	/* fault present: NAN; first clear evaluation: now; then kept */
	CHECK(isnan(trading_faults_clear_since(true, 123.0, now)));
	CHECK(isnan(trading_faults_clear_since(true, NAN, now)));
	CHECK(trading_faults_clear_since(false, NAN, now) == now);
	CHECK(trading_faults_clear_since(false, now - 3, now) == now - 3);

	CHECK(trading_fault_present(&stale, TE_TICK));
	CHECK(!trading_fault_present(&g, TE_TICK));
	CHECK(trading_fault_present(&g, TE_DATA_STALE));
	CHECK(trading_fault_present(&g, TE_GREEKS_BAD));
	CHECK(trading_fault_present(&g, TE_BROKER_DOWN));
	CHECK(!trading_fault_present(&g, TE_BROKER_UP));

	/* safe_recovery_sec 5: due at exactly 5 s, not a hair before */
	fcs = now - 5.0;
	CHECK(trading_recovery_due(fcs, now, 5.0));
	CHECK(trading_recovery_due(fcs - 1e-6, now, 5.0));
	CHECK(!trading_recovery_due(fcs + 1e-6, now, 5.0));
	CHECK(!trading_recovery_due(NAN, now, 5.0));
	/* 0 s: recovers on the first clear evaluation */
	CHECK(trading_recovery_due(trading_faults_clear_since(false, NAN, now), now, 0.0));

	/* a step sequence: stale -> SAFE, clear 4.999 s -> SAFE, 5 s -> SYNC */
	{
		trading_state s = TS_MONITOR;
		double		t = now;

		fcs = NAN;
		s = trading_fsm_next(s, TE_TICK, &stale, DIM_D2_HEDGE_NEEDED, true, false);
		fcs = trading_faults_clear_since(trading_fault_present(&stale, TE_TICK), fcs, t);
		CHECK(s == TS_SAFE && isnan(fcs));
		t += 1.0;
		fcs = trading_faults_clear_since(trading_fault_present(&g, TE_TICK), fcs, t);
		CHECK(fcs == t);
		s = trading_fsm_next(s, TE_TICK, &g, DIM_D2_HEDGE_NEEDED, true,
							 trading_recovery_due(fcs, t, 5.0));
		CHECK(s == TS_SAFE);
		s = trading_fsm_next(s, TE_TICK, &g, DIM_D2_HEDGE_NEEDED, true,
							 trading_recovery_due(fcs, t + 4.999, 5.0));
		CHECK(s == TS_SAFE);
		s = trading_fsm_next(s, TE_TICK, &g, DIM_D2_HEDGE_NEEDED, true,
							 trading_recovery_due(fcs, t + 5.0, 5.0));
		CHECK(s == TS_SYNC);
		/* then one step per event back to hedging */
		s = trading_fsm_next(s, TE_TICK, &g, DIM_D2_HEDGE_NEEDED, true, true);
		CHECK(s == TS_IDLE);
		s = trading_fsm_next(s, TE_TICK, &g, DIM_D2_HEDGE_NEEDED, true, true);
		CHECK(s == TS_ARMED);
		s = trading_fsm_next(s, TE_TICK, &g, DIM_D2_HEDGE_NEEDED, true, true);
		CHECK(s == TS_MONITOR);
		s = trading_fsm_next(s, TE_TICK, &g, DIM_D2_HEDGE_NEEDED, true, true);
		CHECK(s == TS_NEED_HEDGE);
	}

	/* by hand: manual_resume needs broker up and data ok */
	CHECK(trading_fsm_next(TS_SAFE, TE_MANUAL_RESUME, &g, DIM_D2_HEDGE_NEEDED, true, false) == TS_SYNC);
	CHECK(trading_fsm_next(TS_SAFE, TE_MANUAL_RESUME, &stale, DIM_D2_HEDGE_NEEDED, true, false) == TS_SAFE);
	v = healthy();
	v.dims.e = DIM_E3_DISCONNECTED;
	{
		trading_guards down = guards_of(&v);

		CHECK(trading_fsm_next(TS_SAFE, TE_MANUAL_RESUME, &down, DIM_D2_HEDGE_NEEDED, true, false) == TS_SAFE);
		CHECK(trading_fsm_next(TS_SAFE, TE_BROKER_UP, &down, DIM_D2_HEDGE_NEEDED, true, false) == TS_SAFE);
	}
	CHECK(trading_fsm_next(TS_SAFE, TE_BROKER_UP, &g, DIM_D2_HEDGE_NEEDED, true, false) == TS_SYNC);
	CHECK(trading_fsm_next(TS_SAFE, TE_BROKER_UP, &stale, DIM_D2_HEDGE_NEEDED, true, false) == TS_SAFE);
	/* manual_resume and broker_up outside SAFE do nothing */
	CHECK(trading_fsm_next(TS_MONITOR, TE_MANUAL_RESUME, &g, DIM_D2_HEDGE_NEEDED, true, true) == TS_MONITOR);
	CHECK(trading_fsm_next(TS_IDLE, TE_BROKER_UP, &g, DIM_D2_HEDGE_NEEDED, true, true) == TS_IDLE);
}

/* The reference's test_trading_fsm paths. */
static void
test_reference_paths(void)
{
	trading_view v = healthy();
	trading_guards g = guards_of(&v);
	trading_guards in_band;
	trading_state s = TS_BOOT;

	s = trading_fsm_next(s, TE_START, &g, DIM_D2_HEDGE_NEEDED, true, false);
	CHECK(s == TS_SYNC);
	s = trading_fsm_next(s, TE_SYNCED, &g, DIM_D2_HEDGE_NEEDED, true, false);
	CHECK(s == TS_IDLE);
	s = trading_fsm_next(s, TE_TICK, &g, DIM_D2_HEDGE_NEEDED, true, false);
	CHECK(s == TS_ARMED);
	s = trading_fsm_next(s, TE_TICK, &g, DIM_D2_HEDGE_NEEDED, true, false);
	CHECK(s == TS_MONITOR);
	s = trading_fsm_next(s, TE_TICK, &g, DIM_D2_HEDGE_NEEDED, true, false);
	CHECK(s == TS_NEED_HEDGE);
	s = trading_fsm_next(s, TE_TARGET_EMITTED, &g, DIM_D2_HEDGE_NEEDED, true, false);
	CHECK(s == TS_HEDGING);
	s = trading_fsm_next(s, TE_HEDGE_FAILED, &g, DIM_D2_HEDGE_NEEDED, true, false);
	CHECK(s == TS_NEED_HEDGE);
	s = trading_fsm_next(s, TE_TARGET_EMITTED, &g, DIM_D2_HEDGE_NEEDED, true, false);
	s = trading_fsm_next(s, TE_HEDGE_DONE, &g, DIM_D2_HEDGE_NEEDED, true, false);
	CHECK(s == TS_MONITOR);

	/* MONITOR -> NO_TRADE in band */
	v.net_delta = 5;
	in_band = guards_of(&v);
	CHECK(trading_fsm_next(TS_MONITOR, TE_TICK, &in_band, DIM_D0_IN_BAND, true, false) == TS_NO_TRADE);
	/* NEED_HEDGE is not sticky: back in band -> NO_TRADE, minor -> MONITOR */
	CHECK(trading_fsm_next(TS_NEED_HEDGE, TE_TICK, &in_band, DIM_D0_IN_BAND, true, false) == TS_NO_TRADE);
	v.net_delta = 20;
	g = guards_of(&v);
	CHECK(trading_fsm_next(TS_NEED_HEDGE, TE_TICK, &g, DIM_D1_MINOR, true, false) == TS_MONITOR);
	/* the reference's D1 MONITOR -> NEED_HEDGE no longer happens */
	CHECK(trading_fsm_next(TS_MONITOR, TE_TICK, &g, DIM_D1_MINOR, true, false) == TS_MONITOR);

	/* SYNC -> SAFE when data is stale; any state -> SAFE on broker down */
	v = healthy();
	v.data_lag_ms = 2000;
	g = guards_of(&v);
	CHECK(trading_fsm_next(TS_SYNC, TE_SYNCED, &g, DIM_D2_HEDGE_NEEDED, true, false) == TS_SAFE);
	v = healthy();
	g = guards_of(&v);
	for (int s2 = 0; s2 < TRADING_STATE_COUNT; s2++)
		CHECK(trading_fsm_next((trading_state) s2, TE_BROKER_DOWN, &g, DIM_D2_HEDGE_NEEDED, true, true) == TS_SAFE);

	/* out-of-range input stays put */
	CHECK(trading_fsm_next((trading_state) 42, TE_TICK, &g, DIM_D2_HEDGE_NEEDED, true, false) == (trading_state) 42);
	CHECK(trading_fsm_next(TS_IDLE, (trading_event) 42, &g, DIM_D2_HEDGE_NEEDED, true, false) == TS_IDLE);
}

static void
test_names(void)
{
	trading_state s;
	trading_event e;

	for (int i = 0; i < TRADING_STATE_COUNT; i++)
	{
		CHECK(trading_state_parse(trading_state_name((trading_state) i), &s) && s == (trading_state) i);
		CHECK(trading_state_parse(trading_state_lower_name((trading_state) i), &s) && s == (trading_state) i);
	}
	for (int i = 0; i < TRADING_EVENT_COUNT; i++)
		CHECK(trading_event_parse(trading_event_name((trading_event) i), &e) && e == (trading_event) i);
	CHECK(strcmp(trading_state_name(TS_NEED_HEDGE), "NEED_HEDGE") == 0);
	CHECK(strcmp(trading_state_lower_name(TS_PAUSE_COST), "pause_cost") == 0);
	CHECK(strcmp(trading_event_name(TE_MANUAL_RESUME), "manual_resume") == 0);
	CHECK(strcmp(trading_event_name(TE_GREEKS_UPDATE), "greeks_update") == 0);
	CHECK(trading_state_parse("Monitor", &s) && s == TS_MONITOR);
	CHECK(trading_event_parse("TICK", &e) && e == TE_TICK);
	CHECK(!trading_state_parse("MONITORX", &s));
	CHECK(!trading_state_parse("", &s));
	CHECK(!trading_state_parse("RISK_HALT", &s));
	CHECK(!trading_event_parse("resume", &e));
	CHECK(!trading_event_parse("tick ", &e));
	CHECK(strcmp(trading_state_name((trading_state) 99), "UNKNOWN") == 0);
	CHECK(strcmp(trading_event_name((trading_event) 99), "unknown") == 0);
}

int
main(void)
{
	engine_config_defaults(&cfg);
	test_predicates();
	test_full_tables();
	test_assessment();
	test_safe_recovery();
	test_reference_paths();
	test_names();
	return unit_summary("test_trading_fsm");
}
