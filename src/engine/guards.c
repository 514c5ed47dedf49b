/*
 * guards.c: the execution gates, each a predicate in the fixed order.
 */
#include "guards.h"
#include "classifier.h"

#include <math.h>

#define RTH_OPEN_SEC	(9 * 3600.0 + 30 * 60.0)
#define RTH_CLOSE_SEC	(16 * 3600.0)

static const char *const reason_names[GUARD_REASON_COUNT] = {
	NULL,
	"circuit_breaker",
	"outside_rth",
	"earnings_blackout",
	"cooldown",
	"max_daily_hedge_count",
	"max_position",
	"spread_too_wide",
	"min_price_move",
	"below_min_size",
	"hedge_in_flight",
	"suspended",
	"trading_state_boot",
	"trading_state_sync",
	"trading_state_idle",
	"trading_state_armed",
	"trading_state_monitor",
	"trading_state_no_trade",
	"trading_state_pause_cost",
	"trading_state_pause_liq",
	"trading_state_need_hedge",
	"trading_state_hedging",
	"trading_state_safe",
};

bool
guards_market_open(const engine_clock *c)
{
	double		close = c->ny_early_close_min >= 0 ? c->ny_early_close_min * 60.0 : RTH_CLOSE_SEC;

	return c->ny_weekday >= 1 && c->ny_weekday <= 5 && !c->ny_holiday &&
		c->ny_seconds >= RTH_OPEN_SEC && c->ny_seconds < close;
}

bool
guards_in_earnings_blackout(const engine_config *cfg, int32_t ny_date)
{
	for (int i = 0; i < cfg->n_earnings_dates; i++)
	{
		int32_t		d = cfg->earnings_dates[i];

		if (ny_date >= d - cfg->blackout_days_before && ny_date <= d + cfg->blackout_days_after)
			return true;
	}
	return false;
}

static bool
known_positive(double x)
{
	return isfinite(x) && x > 0.0;
}

uint32_t
guards_check(const engine_config *cfg, const guard_input *in)
{
	uint32_t	mask = 0;
	bool		force = in->intent->present && in->intent->force;
	double		held = in->stock_position + in->pending_hedge_qty;
	double		after = held + (double) sizing_signed_qty(in->intent);

	if (classifier_risk_halt(cfg, in->daily_pnl))
		mask |= GUARD_BIT(GUARD_CIRCUIT_BREAKER);
	if (cfg->trading_hours_only && !guards_market_open(in->clock))
		mask |= GUARD_BIT(GUARD_OUTSIDE_RTH);
	if (guards_in_earnings_blackout(cfg, in->clock->ny_date))
		mask |= GUARD_BIT(GUARD_EARNINGS_BLACKOUT);
	if (!force && isfinite(in->last_hedge_ts) &&
		in->now - in->last_hedge_ts < cfg->cooldown_seconds)
		mask |= GUARD_BIT(GUARD_COOLDOWN);
	if (in->daily_hedge_count >= cfg->max_daily_hedge_count)
		mask |= GUARD_BIT(GUARD_MAX_DAILY_HEDGE_COUNT);
	/* an order that shrinks an oversized position is never blocked by the limit */
	if (fabs(after) > cfg->max_position_shares && fabs(after) > fabs(held))
		mask |= GUARD_BIT(GUARD_MAX_POSITION);
	if (!isnan(cfg->max_spread_pct) && in->spread_pct > cfg->max_spread_pct)
		mask |= GUARD_BIT(GUARD_SPREAD_TOO_WIDE);
	if (!force && cfg->min_price_move_pct > 0.0 && known_positive(in->spot) &&
		known_positive(in->last_hedge_price) &&
		100.0 * fabs(in->spot - in->last_hedge_price) / in->last_hedge_price
		< cfg->min_price_move_pct)
		mask |= GUARD_BIT(GUARD_MIN_PRICE_MOVE);
	if ((double) in->intent->qty < cfg->min_hedge_shares)
		mask |= GUARD_BIT(GUARD_BELOW_MIN_SIZE);
	if (in->pending_hedge_qty != 0.0 || in->execution == DIM_E1_ORDER_WORKING ||
		in->execution == DIM_E2_PARTIAL)
		mask |= GUARD_BIT(GUARD_HEDGE_IN_FLIGHT);
	if (in->suspended)
		mask |= GUARD_BIT(GUARD_SUSPENDED);
	if (in->next_state != TS_NEED_HEDGE)
		mask |= GUARD_BIT(GUARD_REASON_OF_STATE(in->next_state));
	return mask;
}

guard_reason
guards_first(uint32_t mask)
{
	/* nothing blocks: every evaluation without an intent, so most of them */
	if (mask == 0)
		return GUARD_NONE;
	for (int r = 1; r < GUARD_REASON_COUNT; r++)
		if (mask & GUARD_BIT(r))
			return (guard_reason) r;
	return GUARD_NONE;
}

const char *
guard_reason_name(guard_reason r)
{
	return ((unsigned) r < GUARD_REASON_COUNT) ? reason_names[r] : NULL;
}
