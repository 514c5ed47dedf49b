/*
 * trading_fsm.c: guard predicates and transitions of the trading machine.
 */
#include "trading_fsm.h"
#include "classifier.h"

#include <ctype.h>
#include <math.h>
#include <stddef.h>

static const char *const state_names[TRADING_STATE_COUNT] = {
	"BOOT", "SYNC", "IDLE", "ARMED", "MONITOR", "NO_TRADE",
	"PAUSE_COST", "PAUSE_LIQ", "NEED_HEDGE", "HEDGING", "SAFE"
};

static const char *const state_lower_names[TRADING_STATE_COUNT] = {
	"boot", "sync", "idle", "armed", "monitor", "no_trade",
	"pause_cost", "pause_liq", "need_hedge", "hedging", "safe"
};

static const char *const event_names[TRADING_EVENT_COUNT] = {
	"start", "synced", "tick", "quote", "greeks_update", "target_emitted",
	"hedge_done", "hedge_failed", "data_stale", "greeks_bad", "broker_down",
	"broker_up", "manual_resume", "shutdown"
};

typedef struct guard_field
{
	const char *name;
	size_t		offset;
} guard_field;

#define G(name) {#name, offsetof(trading_guards, name)}

static const guard_field guard_fields[TRADING_GUARD_COUNT] = {
	G(data_ok), G(data_stale), G(greeks_bad), G(broker_down), G(broker_up),
	G(exec_fault), G(have_option_position), G(delta_band_ready),
	G(in_no_trade_band), G(cost_ok), G(liquidity_ok), G(retry_allowed),
	G(positions_ok), G(strategy_enabled)
};

static bool
positive(double x)
{
	return isfinite(x) && x > 0.0;
}

void
trading_guards_eval(const engine_config *cfg, const trading_view *v,
					trading_guards *g)
{
	bool		lagging = !isnan(v->data_lag_ms) &&
		(v->data_lag_ms > cfg->data_lag_threshold_ms ||
		 classifier_quote_from_future(cfg, v->data_lag_ms));
	bool		extreme = !isnan(v->spread_pct) && v->spread_pct >= cfg->extreme_spread_pct;
	bool		moved = true;
	bool		broker_fault = v->dims.e == DIM_E3_DISCONNECTED || v->dims.e == DIM_E4_BROKER_ERROR;

	/* the reference's price-move test: >= passes; D3 waives it (see guards.c) */
	if (!v->force && cfg->min_price_move_pct > 0.0 && positive(v->spot) &&
		positive(v->last_hedge_price))
		moved = 100.0 * fabs(v->spot - v->last_hedge_price) / v->last_hedge_price
			>= cfg->min_price_move_pct;

	g->data_ok = !lagging && v->dims.l != DIM_L3_NO_QUOTE && positive(v->spot);
	g->data_stale = !g->data_ok;
	g->greeks_bad = !v->greeks_ok;
	g->broker_down = broker_fault;
	g->broker_up = !broker_fault;
	g->exec_fault = broker_fault;
	g->have_option_position = v->dims.o == DIM_O1_LONG_GAMMA || v->dims.o == DIM_O2_SHORT_GAMMA;
	g->delta_band_ready = v->greeks_ok && isfinite(cfg->epsilon_band) &&
		isfinite(cfg->threshold_hedge_shares) &&
		cfg->threshold_hedge_shares >= cfg->epsilon_band;
	g->in_no_trade_band = v->greeks_ok && fabs(v->net_delta) <= cfg->epsilon_band;
	g->cost_ok = !extreme && moved;
	g->liquidity_ok = v->dims.l != DIM_L3_NO_QUOTE && v->dims.l != DIM_L2_EXTREME_WIDE &&
		!(!isnan(cfg->max_spread_pct) && v->spread_pct > cfg->max_spread_pct);
	g->retry_allowed = v->daily_hedge_count < cfg->max_daily_hedge_count;
	g->positions_ok = g->data_ok && v->dims.s != DIM_S3_RISK_HALT;
	g->strategy_enabled = cfg->strategy_enabled;
}

const char *
trading_guard_name(int i)
{
	return (i >= 0 && i < TRADING_GUARD_COUNT) ? guard_fields[i].name : NULL;
}

bool
trading_guard_value(const trading_guards *g, int i)
{
	if (i < 0 || i >= TRADING_GUARD_COUNT)
		return false;
	return *(const bool *) ((const char *) g + guard_fields[i].offset);
}

static bool
is_fault_event(trading_event e)
{
	return e == TE_DATA_STALE || e == TE_GREEKS_BAD || e == TE_BROKER_DOWN;
}

bool
trading_fault_present(const trading_guards *g, trading_event event)
{
	return is_fault_event(event) || g->data_stale || g->greeks_bad ||
		g->broker_down || g->exec_fault;
}

double
trading_faults_clear_since(bool fault, double prev, double now)
{
	if (fault)
		return NAN;
	return isnan(prev) ? now : prev;
}

bool
trading_recovery_due(double faults_clear_since, double now, double safe_recovery_sec)
{
	return isfinite(faults_clear_since) && now - faults_clear_since >= safe_recovery_sec;
}

/*
 * Where the armed states go on a tick: the same assessment from MONITOR,
 * NO_TRADE, the pauses and NEED_HEDGE, so none of them is sticky.  Cost is
 * judged before liquidity, as the reference does.
 */
static trading_state
assess(const trading_guards *g, dim_d d)
{
	if (g->in_no_trade_band)
		return TS_NO_TRADE;
	if (d != DIM_D2_HEDGE_NEEDED && d != DIM_D3_FORCE_HEDGE)
		return TS_MONITOR;
	if (g->cost_ok && g->liquidity_ok)
		return TS_NEED_HEDGE;
	return g->cost_ok ? TS_PAUSE_LIQ : TS_PAUSE_COST;
}

/*
 * The machine arms for any book with something to hedge, not only for one
 * with gamma: a synthetic forward, deep in-the-money legs whose gamma has
 * underflowed and a hedge position without legs are all delta.
 */
static bool
armable(const trading_guards *g, bool has_exposure)
{
	return (g->have_option_position || has_exposure) && g->strategy_enabled;
}

/* synced, tick, quote and greeks_update: the evaluation events. */
static trading_state
on_tick(trading_state s, const trading_guards *g, dim_d d, bool has_exposure,
		bool recovery_due)
{
	bool		armed_ok = armable(g, has_exposure);

	switch (s)
	{
		case TS_BOOT:
		case TS_HEDGING:
			return s;
		case TS_SYNC:
			if (g->positions_ok && g->data_ok)
				return TS_IDLE;
			if (!g->data_ok || g->broker_down)
				return TS_SAFE;
			return s;
		case TS_IDLE:
			return armed_ok ? TS_ARMED : s;
		case TS_ARMED:
			if (!armed_ok)
				return TS_IDLE;
			return g->delta_band_ready ? TS_MONITOR : s;
		case TS_MONITOR:
		case TS_NO_TRADE:
		case TS_PAUSE_COST:
		case TS_PAUSE_LIQ:
		case TS_NEED_HEDGE:
			if (!armed_ok)
				return TS_IDLE;
			return assess(g, d);
		case TS_SAFE:
			return recovery_due ? TS_SYNC : s;
	}
	return s;
}

trading_state
trading_fsm_next(trading_state s, trading_event e, const trading_guards *g,
				 dim_d d, bool has_exposure, bool recovery_due)
{
	if ((unsigned) s >= TRADING_STATE_COUNT || (unsigned) e >= TRADING_EVENT_COUNT)
		return s;

	/* faults first, for every event, as the reference's global rule */
	if (is_fault_event(e) || g->broker_down || g->data_stale || g->greeks_bad ||
		g->exec_fault)
		return TS_SAFE;

	switch (e)
	{
		case TE_SHUTDOWN:
			return s;
		case TE_START:
			return s == TS_BOOT ? TS_SYNC : s;
		case TE_SYNCED:
		case TE_TICK:
		case TE_QUOTE:
		case TE_GREEKS_UPDATE:
			return on_tick(s, g, d, has_exposure, recovery_due);
		case TE_TARGET_EMITTED:
			return s == TS_NEED_HEDGE ? TS_HEDGING : s;
		case TE_HEDGE_DONE:
			return s == TS_HEDGING ? TS_MONITOR : s;
		case TE_HEDGE_FAILED:
			if (s != TS_HEDGING)
				return s;
			return g->retry_allowed ? TS_NEED_HEDGE : TS_SAFE;
		case TE_MANUAL_RESUME:
			return (s == TS_SAFE && g->broker_up && g->data_ok) ? TS_SYNC : s;
		case TE_BROKER_UP:
			return (s == TS_SAFE && g->data_ok) ? TS_SYNC : s;
		case TE_DATA_STALE:
		case TE_GREEKS_BAD:
		case TE_BROKER_DOWN:
			return TS_SAFE;
	}
	return s;
}

/* ASCII case-insensitive equality. */
static bool
same_name(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (tolower((unsigned char) *a) != tolower((unsigned char) *b))
			return false;
	return *a == *b;
}

const char *
trading_state_name(trading_state s)
{
	return (unsigned) s < TRADING_STATE_COUNT ? state_names[s] : "UNKNOWN";
}

const char *
trading_state_lower_name(trading_state s)
{
	return (unsigned) s < TRADING_STATE_COUNT ? state_lower_names[s] : "unknown";
}

bool
trading_state_parse(const char *name, trading_state *out)
{
	for (int i = 0; i < TRADING_STATE_COUNT; i++)
		if (same_name(name, state_names[i]))
		{
			*out = (trading_state) i;
			return true;
		}
	return false;
}

const char *
trading_event_name(trading_event e)
{
	return (unsigned) e < TRADING_EVENT_COUNT ? event_names[e] : "unknown";
}

bool
trading_event_parse(const char *name, trading_event *out)
{
	for (int i = 0; i < TRADING_EVENT_COUNT; i++)
		if (same_name(name, event_names[i]))
		{
			*out = (trading_event) i;
			return true;
		}
	return false;
}
