/*
 * test_engine_config.c: defaults from config_schema, key-by-key updates,
 * rejected values, earnings dates and the rules between keys.
 */
#include "calendar.h"
#include "engine_config.h"
#include "unit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static config_value
num(double x)
{
	config_value v;

	memset(&v, 0, sizeof(v));
	v.kind = CONFIG_VALUE_NUMBER;
	v.number = x;
	v.number_is_integral = (x == floor(x));
	return v;
}

static config_value
boolean(bool b)
{
	config_value v;

	memset(&v, 0, sizeof(v));
	v.kind = CONFIG_VALUE_BOOL;
	v.boolean = b;
	return v;
}

static config_value
str(const char *s)
{
	config_value v;

	memset(&v, 0, sizeof(v));
	v.kind = CONFIG_VALUE_STRING;
	v.string = s;
	return v;
}

static config_value
null_value(void)
{
	config_value v;

	memset(&v, 0, sizeof(v));
	v.kind = CONFIG_VALUE_NULL;
	return v;
}

static config_value
dates(int n, const char *const *items)
{
	config_value v;

	memset(&v, 0, sizeof(v));
	v.kind = CONFIG_VALUE_ARRAY;
	v.n_items = n;
	v.items = items;
	return v;
}

static void
test_defaults(void)
{
	engine_config c;

	engine_config_defaults(&c);
	CHECK(c.strategy_enabled);
	CHECK(c.hedge_to == HEDGE_TO_ZERO);
	CHECK(c.trading_hours_only);
	CHECK(c.n_earnings_dates == 0);
	CHECK(c.blackout_days_before == 3);
	CHECK(c.blackout_days_after == 1);
	CHECK(c.volatility == 0.35);
	CHECK(c.risk_free_rate == 0.05);
	CHECK(c.dividend_yield == 0.0);
	CHECK(c.epsilon_band == 10.0);
	CHECK(c.threshold_hedge_shares == 25.0);
	CHECK(c.max_delta_limit == 500.0);
	CHECK(c.vol_window_min == 5.0);
	CHECK(c.stale_ts_threshold_ms == 5000.0);
	CHECK(c.wide_spread_pct == 0.1);
	CHECK(c.extreme_spread_pct == 0.5);
	CHECK(c.data_lag_threshold_ms == 1000.0);
	CHECK(c.safe_recovery_sec == 5.0);
	CHECK(c.min_hedge_shares == 10.0);
	CHECK(c.cooldown_seconds == 60.0);
	CHECK(c.max_hedge_shares_per_order == 500.0);
	CHECK(c.min_price_move_pct == 0.2);
	CHECK(c.max_daily_hedge_count == 50.0);
	CHECK(c.max_position_shares == 2000.0);
	CHECK(c.max_daily_loss_usd == 5000.0);
	CHECK(isnan(c.max_net_delta_shares));
	CHECK(isnan(c.max_spread_pct));
	CHECK(engine_config_check(&c) == NULL);
	CHECK(config_key_count <= ENGINE_CONFIG_KEY_CAPACITY);
}

/* Every default in the schema table goes through engine_config_apply(). */
static void
test_defaults_follow_schema(void)
{
	engine_config c;
	int			numeric = 0;

	engine_config_defaults(&c);
	for (int i = 0; i < config_key_count; i++)
	{
		const config_key_spec *spec = &config_keys[i];
		engine_config d = c;
		double		x;
		char	   *end;

		if (spec->type != CONFIG_NUMBER && spec->type != CONFIG_INT)
			continue;
		if (strcmp(spec->default_json, "null") == 0)
			continue;
		x = strtod(spec->default_json, &end);
		/* applying the default again changes nothing */
		{
			config_value v = num(x);

			CHECK(engine_config_apply(&d, spec->key, &v));
			if (!CHECK(memcmp(&d, &c, sizeof(c)) == 0))
				unit_note("key %s", spec->key);
		}
		numeric++;
	}
	CHECK(numeric >= 25);
}

static void
test_apply(void)
{
	engine_config c,
				before;
	config_value v;

	engine_config_defaults(&c);

	v = num(7.5);
	CHECK(engine_config_apply(&c, "gates.state.delta.epsilon_band", &v));
	CHECK(c.epsilon_band == 7.5);
	v = num(300);
	CHECK(engine_config_apply(&c, "gates.guard.risk.max_net_delta_shares", &v));
	CHECK(c.max_net_delta_shares == 300.0);
	v = null_value();
	CHECK(engine_config_apply(&c, "gates.guard.risk.max_net_delta_shares", &v));
	CHECK(isnan(c.max_net_delta_shares));
	v = num(1.5);
	CHECK(engine_config_apply(&c, "gates.guard.risk.max_spread_pct", &v));
	CHECK(c.max_spread_pct == 1.5);
	v = str("band_edge");
	CHECK(engine_config_apply(&c, "hedge_to", &v));
	CHECK(c.hedge_to == HEDGE_TO_BAND_EDGE);
	v = str("zero");
	CHECK(engine_config_apply(&c, "hedge_to", &v));
	CHECK(c.hedge_to == HEDGE_TO_ZERO);
	v = boolean(false);
	CHECK(engine_config_apply(&c, "strategy_enabled", &v));
	CHECK(!c.strategy_enabled);
	CHECK(engine_config_apply(&c, "gates.strategy.trading_hours_only", &v));
	CHECK(!c.trading_hours_only);
	v = num(0);
	CHECK(engine_config_apply(&c, "gates.strategy.earnings.blackout_days_before", &v));
	CHECK(c.blackout_days_before == 0);
	v = num(0.6);
	CHECK(engine_config_apply(&c, "greeks.volatility", &v));
	CHECK(c.volatility == 0.6);
	v = num(0);
	CHECK(engine_config_apply(&c, "gates.state.system.safe_recovery_sec", &v));
	CHECK(c.safe_recovery_sec == 0.0);

	/* accepted and ignored: keys the decisions do not read */
	before = c;
	v = str("AAPL");
	CHECK(engine_config_apply(&c, "symbol", &v));
	v = num(123);
	CHECK(engine_config_apply(&c, "feed.sim.spot", &v));
	v = str("UTC");
	CHECK(engine_config_apply(&c, "day_roll_tz", &v));
	v = boolean(false);
	CHECK(engine_config_apply(&c, "gates.guard.risk.paper_trade", &v));
	CHECK(memcmp(&before, &c, sizeof(c)) == 0);

	/* rejected, leaving the config unchanged */
	v = num(10);
	CHECK(!engine_config_apply(&c, "no.such.key", &v));
	v = null_value();
	CHECK(!engine_config_apply(&c, "gates.state.delta.epsilon_band", &v));
	v = str("10");
	CHECK(!engine_config_apply(&c, "gates.state.delta.epsilon_band", &v));
	v = num(-1);
	CHECK(!engine_config_apply(&c, "gates.state.delta.epsilon_band", &v));
	v = num(0);
	CHECK(!engine_config_apply(&c, "gates.state.delta.threshold_hedge_shares", &v));
	v = num(2.5);
	CHECK(!engine_config_apply(&c, "gates.guard.risk.max_daily_hedge_count", &v));
	v = str("sideways");
	CHECK(!engine_config_apply(&c, "hedge_to", &v));
	v = num(NAN);
	CHECK(!engine_config_apply(&c, "greeks.volatility", &v));
	v = num(0);
	CHECK(!engine_config_apply(&c, "greeks.volatility", &v));
	v = num(1);
	CHECK(!engine_config_apply(&c, "strategy_enabled", &v));
	CHECK(memcmp(&before, &c, sizeof(c)) == 0);
}

static void
test_earnings_dates(void)
{
	static const char *const two[] = {"2024-05-22", "2024-08-28"};
	static const char *const bad[] = {"2024-02-30"};
	static char buf[ENGINE_MAX_EARNINGS_DATES + 1][24];
	const char *many[ENGINE_MAX_EARNINGS_DATES + 1];
	engine_config c;
	config_value v;

	engine_config_defaults(&c);
	v = dates(2, two);
	CHECK(engine_config_apply(&c, "gates.strategy.earnings.dates", &v));
	CHECK(c.n_earnings_dates == 2);
	CHECK(c.earnings_dates[0] == calendar_days_from_civil(2024, 5, 22));
	CHECK(c.earnings_dates[1] == calendar_days_from_civil(2024, 8, 28));

	v = dates(1, bad);
	CHECK(!engine_config_apply(&c, "gates.strategy.earnings.dates", &v));
	CHECK(c.n_earnings_dates == 2);

	for (int i = 0; i <= ENGINE_MAX_EARNINGS_DATES; i++)
	{
		snprintf(buf[i], sizeof(buf[i]), "%04d-%02d-15", 2000 + i / 12, 1 + i % 12);
		many[i] = buf[i];
	}
	v = dates(ENGINE_MAX_EARNINGS_DATES, many);
	CHECK(engine_config_apply(&c, "gates.strategy.earnings.dates", &v));
	CHECK(c.n_earnings_dates == ENGINE_MAX_EARNINGS_DATES);
	CHECK(c.earnings_dates[ENGINE_MAX_EARNINGS_DATES - 1] == calendar_days_from_civil(2005, 4, 15));
	/* one more is refused by the schema itself, so every caller refuses it alike */
	v = dates(ENGINE_MAX_EARNINGS_DATES + 1, many);
	CHECK(!engine_config_apply(&c, "gates.strategy.earnings.dates", &v));
	CHECK(c.n_earnings_dates == ENGINE_MAX_EARNINGS_DATES);
	{
		char		msg[CONFIG_MESSAGE_MAX];

		CHECK(!config_check_value(config_find_key("gates.strategy.earnings.dates"), &v, msg, sizeof(msg)));
	}

	v = dates(0, NULL);
	CHECK(engine_config_apply(&c, "gates.strategy.earnings.dates", &v));
	CHECK(c.n_earnings_dates == 0);
}

static void
test_cross_rules(void)
{
	engine_config c;
	const char *key;

	engine_config_defaults(&c);
	c.threshold_hedge_shares = c.epsilon_band;	/* equal is allowed */
	CHECK(engine_config_check(&c) == NULL);
	c.threshold_hedge_shares = c.epsilon_band - 0.5;
	key = engine_config_check(&c);
	CHECK(key != NULL && strcmp(key, "gates.state.delta.threshold_hedge_shares") == 0);

	engine_config_defaults(&c);
	c.max_delta_limit = 24.0;
	key = engine_config_check(&c);
	CHECK(key != NULL && strcmp(key, "gates.state.delta.max_delta_limit") == 0);

	engine_config_defaults(&c);
	c.max_net_delta_shares = 20.0;
	key = engine_config_check(&c);
	CHECK(key != NULL && strcmp(key, "gates.guard.risk.max_net_delta_shares") == 0);
	c.max_net_delta_shares = 25.0;
	CHECK(engine_config_check(&c) == NULL);

	engine_config_defaults(&c);
	c.extreme_spread_pct = 0.05;
	key = engine_config_check(&c);
	CHECK(key != NULL && strcmp(key, "gates.state.liquidity.extreme_spread_pct") == 0);

	engine_config_defaults(&c);
	c.max_hedge_shares_per_order = 5;
	key = engine_config_check(&c);
	CHECK(key != NULL && strcmp(key, "gates.intent.hedge.max_hedge_shares_per_order") == 0);
}

int
main(void)
{
	test_defaults();
	test_defaults_follow_schema();
	test_apply();
	test_earnings_dates();
	test_cross_rules();
	return unit_summary("test_engine_config");
}
