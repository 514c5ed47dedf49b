/*
 * engine_config.h: the typed view of bifrost.config that the decision code
 * reads.
 *
 * Defaults come from config_schema.c's key table (the one source of
 * defaults); engine_config_apply() takes one key's decoded JSON value, so
 * the SQL glue can feed it the rows of bifrost.config and then the keys of
 * an override object.  Keys that do not drive a decision (symbol, feeds,
 * brokers, the advisory DTE window, paper_trade, day_roll_tz) are accepted
 * and ignored.  Pure C99.
 */
#ifndef BIFROST_ENGINE_CONFIG_H
#define BIFROST_ENGINE_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "config_schema.h"
#include "engine_types.h"

/*
 * Earnings dates kept per config: as many as the schema accepts (64 covers
 * sixteen years of quarterly reports).
 */
#define ENGINE_MAX_EARNINGS_DATES CONFIG_MAX_DATES

/* Keys of config_schema engine_config_check() has room for (no allocation). */
#define ENGINE_CONFIG_KEY_CAPACITY CONFIG_MAX_KEYS

typedef enum hedge_to
{
	HEDGE_TO_ZERO,				/* trade the net delta to 0 */
	HEDGE_TO_BAND_EDGE			/* trade only back inside the no-trade band */
} hedge_to;

typedef struct engine_config
{
	/* strategy */
	bool		strategy_enabled;
	hedge_to	hedge_to;
	bool		trading_hours_only;
	int32_t		earnings_dates[ENGINE_MAX_EARNINGS_DATES];	/* days since 1970-01-01 */
	int			n_earnings_dates;
	int			blackout_days_before;	/* calendar days */
	int			blackout_days_after;	/* calendar days */

	/* how expired legs settle until their settlement is fixed */
	settlement_style settlement;

	/* greeks: annual fractions, continuous compounding */
	double		volatility;
	double		risk_free_rate;
	double		dividend_yield;

	/* delta dimension, shares */
	double		epsilon_band;
	double		threshold_hedge_shares;
	double		max_delta_limit;

	/* market, liquidity and system dimensions */
	double		vol_window_min; /* minutes of prices the caller puts in the window */
	double		stale_ts_threshold_ms;
	double		wide_spread_pct;	/* percent of mid */
	double		extreme_spread_pct; /* percent of mid */
	double		data_lag_threshold_ms;
	double		safe_recovery_sec;

	/* hedge intent */
	double		min_hedge_shares;
	double		cooldown_seconds;
	double		max_hedge_shares_per_order;
	double		min_price_move_pct; /* percent; 0 = off */

	/* risk guard */
	double		max_daily_hedge_count;
	double		max_position_shares;
	double		max_daily_loss_usd;
	double		max_net_delta_shares;	/* shares; NAN = off */
	double		max_spread_pct; /* percent of mid; NAN = off */
} engine_config;

/* Every field at config_schema's default. */
extern void engine_config_defaults(engine_config *cfg);

/*
 * Sets the field of one bifrost.config key.  Returns false, leaving cfg
 * unchanged, when the key is unknown to config_schema or the value fails
 * config_check_value(): the schema's checks are the only ones made here.
 * Known keys without a field: true.
 */
extern bool engine_config_apply(engine_config *cfg, const char *key,
								const config_value *value);

/*
 * NULL when the fields satisfy config_schema's rules between keys (e.g.
 * the hedge threshold is not inside the no-trade band), else the key the
 * first violated rule is attached to.  The rules themselves live in
 * config_check_cross(); this only feeds it the typed values.
 */
extern const char *engine_config_check(const engine_config *cfg);

#endif							/* BIFROST_ENGINE_CONFIG_H */
