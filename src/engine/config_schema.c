/*
 * config_schema.c: the keys of bifrost.config, their defaults and ranges.
 *
 * Defaults are the reference engine's (its config.yaml.example, gates.*)
 * plus the keys bifrost adds.  Units follow the reference engine:
 * spreads and price moves are percent of mid, the ATM band is a fraction.
 */
#include "config_schema.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define NO_MIN (-1e300)
#define NO_MAX (1e300)

/* key, type, default, nullable, min, min_exclusive, max, choices, unit, meaning */
const config_key_spec config_keys[] = {
	{"symbol", CONFIG_STRING, "\"NVDA\"", false, 0, false, 0, NULL, NULL,
	"underlying the book is hedged with"},
	{"strategy_enabled", CONFIG_BOOL, "true", false, 0, false, 0, NULL, NULL,
	"false keeps the trading state machine out of ARMED"},
	{"hedge_to", CONFIG_ENUM, "\"zero\"", false, 0, false, 0, "zero|band_edge", NULL,
	"hedge the net delta to zero or only back to the no-trade band edge"},
	{"book.settlement", CONFIG_ENUM, "\"physical\"", false, 0, false, 0, "cash|physical", NULL,
	"how an option leg settles at expiry: cash (its intrinsic value) or physical (the underlying delivered at the strike)"},
	{"day_roll_tz", CONFIG_TIMEZONE, "\"America/New_York\"", false, 0, false, 0, NULL, NULL,
	"time zone whose calendar date rolls daily counters, P&L and the loss breaker"},
	{"greeks.volatility", CONFIG_NUMBER, "0.35", false, 0.0001, false, 10, NULL, "annualized fraction",
	"flat volatility for legs without their own implied_vol"},
	{"greeks.risk_free_rate", CONFIG_NUMBER, "0.05", false, -1, false, 1, NULL, "annual, continuous",
	"risk-free rate r"},
	{"greeks.dividend_yield", CONFIG_NUMBER, "0", false, -1, false, 1, NULL, "annual, continuous",
	"continuous dividend yield q (set q = r for futures and perpetuals)"},

	{"gates.strategy.structure.min_dte", CONFIG_INT, "21", false, 0, false, 3650, NULL, "days",
	"advisory: the self-check flags legs expiring sooner (legs are explicit, never filtered)"},
	{"gates.strategy.structure.max_dte", CONFIG_INT, "35", false, 0, false, 3650, NULL, "days",
	"advisory: the self-check flags legs expiring later"},
	{"gates.strategy.structure.atm_band_pct", CONFIG_NUMBER, "0.03", false, 0, false, 1, NULL, "fraction of spot",
	"advisory: the self-check flags strikes farther from spot"},
	{"gates.strategy.earnings.dates", CONFIG_DATE_LIST, "[]", false, 0, false, 0, NULL, "YYYY-MM-DD",
	"earnings dates of the underlying"},
	{"gates.strategy.earnings.blackout_days_before", CONFIG_INT, "3", false, 0, false, 365, NULL, "calendar days",
	"no hedging this many days before an earnings date"},
	{"gates.strategy.earnings.blackout_days_after", CONFIG_INT, "1", false, 0, false, 365, NULL, "calendar days",
	"no hedging this many days after an earnings date"},
	{"gates.strategy.trading_hours_only", CONFIG_BOOL, "true", false, 0, false, 0, NULL, NULL,
	"hedge only 09:30-16:00 America/New_York on NYSE trading days"},

	{"gates.state.delta.epsilon_band", CONFIG_NUMBER, "10", false, 0, false, 1e9, NULL, "shares",
	"no-trade band: |net delta| at or below it is D0"},
	{"gates.state.delta.threshold_hedge_shares", CONFIG_NUMBER, "25", false, 0, true, 1e9, NULL, "shares",
	"hedge threshold: |net delta| at or above it is D2 and yields an intent"},
	{"gates.state.delta.max_delta_limit", CONFIG_NUMBER, "500", false, 0, true, 1e9, NULL, "shares",
	"|net delta| at or above it is D3 (force hedge, skips the cooldown)"},
	{"gates.state.market.vol_window_min", CONFIG_INT, "5", false, 1, false, 1440, NULL, "minutes",
	"price window of the market-regime dimension M"},
	{"gates.state.market.stale_ts_threshold_ms", CONFIG_INT, "5000", false, 1, false, 86400000, NULL, "ms",
	"quote age above which the market is M5 (stale)"},
	{"gates.state.liquidity.wide_spread_pct", CONFIG_NUMBER, "0.1", false, 0, false, 100, NULL, "percent of mid",
	"spread at or above it is L1 (wide, still hedgeable)"},
	{"gates.state.liquidity.extreme_spread_pct", CONFIG_NUMBER, "0.5", false, 0, false, 100, NULL, "percent of mid",
	"spread at or above it is L2 (extreme, pauses hedging)"},
	{"gates.state.system.data_lag_threshold_ms", CONFIG_INT, "1000", false, 1, false, 3600000, NULL, "ms",
	"quote age above which data is stale (S2, SAFE)"},
	{"gates.state.system.safe_recovery_sec", CONFIG_NUMBER, "5", false, 0, false, 86400, NULL, "seconds",
	"faults must stay clear this long before SAFE recovers by itself"},

	{"gates.intent.hedge.min_hedge_shares", CONFIG_INT, "10", false, 0, false, 1e9, NULL, "shares",
	"smallest order sent"},
	{"gates.intent.hedge.cooldown_seconds", CONFIG_NUMBER, "60", false, 0, false, 86400, NULL, "seconds",
	"minimum time between hedges (D3 skips it)"},
	{"gates.intent.hedge.max_hedge_shares_per_order", CONFIG_INT, "500", false, 1, false, 1e9, NULL, "shares",
	"largest single order"},
	{"gates.intent.hedge.min_price_move_pct", CONFIG_NUMBER, "0.2", false, 0, false, 100, NULL, "percent",
	"minimum move of spot since the last hedge price (0 = off; a forced D3 hedge skips it)"},

	{"gates.guard.risk.max_daily_hedge_count", CONFIG_INT, "50", false, 0, false, 1e6, NULL, "hedges per trading day",
	"daily hedge limit"},
	{"gates.guard.risk.max_position_shares", CONFIG_INT, "2000", false, 0, false, 1e9, NULL, "shares",
	"largest absolute hedge position after an order (orders that shrink the position always pass)"},
	{"gates.guard.risk.max_daily_loss_usd", CONFIG_NUMBER, "5000.0", false, 0, true, 1e12, NULL, "USD",
	"loss breaker: trips when the day's P&L is at or below minus this"},
	{"gates.guard.risk.max_net_delta_shares", CONFIG_NUMBER, "null", true, 0, true, 1e9, NULL, "shares",
	"|net delta| above it forces a hedge (D3); null = off"},
	{"gates.guard.risk.max_spread_pct", CONFIG_NUMBER, "null", true, 0, true, 100, NULL, "percent of mid",
	"no hedge when the spread is wider; null = off"},
	{"gates.guard.risk.paper_trade", CONFIG_BOOL, "true", false, 0, false, 0, NULL, NULL,
	"simulate fills instead of sending orders to a live broker"},

	{"feed.sim.spot", CONFIG_NUMBER, "100", false, 0, true, 1e9, NULL, "price",
	"simulated feed: starting spot"},
	{"feed.sim.vol", CONFIG_NUMBER, "0.6", false, 0, false, 10, NULL, "annualized fraction",
	"simulated feed: realized volatility of the GBM"},
	{"feed.sim.drift", CONFIG_NUMBER, "0", false, -10, false, 10, NULL, "annualized fraction",
	"simulated feed: drift of the GBM"},
	{"feed.sim.tick_ms", CONFIG_INT, "200", false, 1, false, 60000, NULL, "ms",
	"simulated feed: time between quotes"},
	{"feed.sim.spread_bps", CONFIG_NUMBER, "2", false, 0, false, 10000, NULL, "basis points of mid",
	"simulated feed: bid-ask spread"},
	{"feed.sim.seed", CONFIG_INT, "42", false, 0, false, 9007199254740991.0, NULL, NULL,
	"simulated feed: random seed (same seed, same path)"},
	{"feed.replay.speed", CONFIG_NUMBER, "1.0", false, 0, false, 1e6, NULL, "x real time",
	"replay feed: speed factor; 0 = as fast as possible"},

	{"broker.paper.latency_ms", CONFIG_INT, "50", false, 0, false, 60000, NULL, "ms",
	"paper broker: delay before a fill"},
	{"broker.paper.slippage_bps", CONFIG_NUMBER, "1", false, 0, false, 10000, NULL, "basis points",
	"paper broker: fill price beyond the far side of the quote"},
	{"broker.paper.reject_rate", CONFIG_NUMBER, "0", false, 0, false, 1, NULL, "probability",
	"paper broker: share of orders rejected"},
	{"broker.paper.partial_fill_rate", CONFIG_NUMBER, "0", false, 0, false, 1, NULL, "probability",
	"paper broker: share of orders filled only in part"},
	{"broker.paper.fee_per_share", CONFIG_NUMBER, "0", false, 0, false, 1000, NULL, "quote currency per unit",
	"paper broker: fee per share (unit of the underlying) filled"},
	{"broker.paper.fee_bps", CONFIG_NUMBER, "0", false, 0, false, 1000, NULL, "basis points",
	"paper broker: fee in basis points of a fill's notional"},
};

const int	config_key_count = (int) (sizeof(config_keys) / sizeof(config_keys[0]));

int
config_key_index(const char *key)
{
	for (int i = 0; i < config_key_count; i++)
		if (strcmp(config_keys[i].key, key) == 0)
			return i;
	return -1;
}

const config_key_spec *
config_find_key(const char *key)
{
	int			i = config_key_index(key);

	return i < 0 ? NULL : &config_keys[i];
}

static const char *
value_kind_name(config_value_kind kind)
{
	switch (kind)
	{
		case CONFIG_VALUE_NULL:
			return "null";
		case CONFIG_VALUE_BOOL:
			return "a boolean";
		case CONFIG_VALUE_NUMBER:
			return "a number";
		case CONFIG_VALUE_STRING:
			return "a string";
		case CONFIG_VALUE_ARRAY:
			return "an array";
		case CONFIG_VALUE_OBJECT:
			return "an object";
	}
	return "unknown";
}

/* True for a real calendar date written YYYY-MM-DD. */
static bool
is_iso_date(const char *s)
{
	static const int days_in_month[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int			y,
				m,
				d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char) s[i]))
			return false;

	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > days_in_month[m - 1])
		return false;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return false;
	return true;
}

static bool
enum_has(const char *choices, const char *s)
{
	size_t		n = strlen(s);
	const char *p = choices;

	while (*p)
	{
		const char *bar = strchr(p, '|');
		size_t		len = bar ? (size_t) (bar - p) : strlen(p);

		if (len == n && strncmp(p, s, n) == 0)
			return true;
		if (!bar)
			break;
		p = bar + 1;
	}
	return false;
}

static bool
check_range(const config_key_spec *spec, double x, char *msg, size_t msglen)
{
	bool		below = spec->min_exclusive ? !(x > spec->min) : !(x >= spec->min);

	if (below || x > spec->max)
	{
		snprintf(msg, msglen, "%.15g is outside %s%.15g, %.15g]%s%s",
				 x, spec->min_exclusive ? "(" : "[", spec->min, spec->max,
				 spec->unit ? " " : "", spec->unit ? spec->unit : "");
		return false;
	}
	return true;
}

bool
config_check_value(const config_key_spec *spec, const config_value *v,
				   char *msg, size_t msglen)
{
	const char *want = NULL;

	if (v->kind == CONFIG_VALUE_NULL)
	{
		if (spec->nullable)
			return true;
		snprintf(msg, msglen, "null is not allowed");
		return false;
	}

	switch (spec->type)
	{
		case CONFIG_BOOL:
			if (v->kind == CONFIG_VALUE_BOOL)
				return true;
			want = "a boolean";
			break;
		case CONFIG_INT:
			if (v->kind == CONFIG_VALUE_NUMBER)
			{
				if (!v->number_is_integral || !isfinite(v->number))
				{
					snprintf(msg, msglen, "%.15g is not a whole number", v->number);
					return false;
				}
				return check_range(spec, v->number, msg, msglen);
			}
			want = "a whole number";
			break;
		case CONFIG_NUMBER:
			if (v->kind == CONFIG_VALUE_NUMBER)
			{
				if (!isfinite(v->number))
				{
					snprintf(msg, msglen, "the number is not finite");
					return false;
				}
				return check_range(spec, v->number, msg, msglen);
			}
			want = spec->nullable ? "a number or null" : "a number";
			break;
		case CONFIG_STRING:
		case CONFIG_TIMEZONE:
			if (v->kind == CONFIG_VALUE_STRING)
			{
				if (v->string[0] == '\0')
				{
					snprintf(msg, msglen, "the string is empty");
					return false;
				}
				if (strlen(v->string) > CONFIG_MAX_STRING_BYTES)
				{
					snprintf(msg, msglen, "the string is longer than %d bytes", CONFIG_MAX_STRING_BYTES);
					return false;
				}
				return true;
			}
			want = "a string";
			break;
		case CONFIG_ENUM:
			if (v->kind == CONFIG_VALUE_STRING)
			{
				if (enum_has(spec->choices, v->string))
					return true;
				if (strlen(v->string) > CONFIG_MAX_STRING_BYTES)
					snprintf(msg, msglen, "a string of %zu bytes is not one of %s",
							 strlen(v->string), spec->choices);
				else
					snprintf(msg, msglen, "\"%s\" is not one of %s", v->string, spec->choices);
				return false;
			}
			want = "a string";
			break;
		case CONFIG_DATE_LIST:
			if (v->kind == CONFIG_VALUE_ARRAY)
			{
				if (v->n_items > CONFIG_MAX_DATES)
				{
					snprintf(msg, msglen, "the list holds %d dates, more than %d", v->n_items, CONFIG_MAX_DATES);
					return false;
				}
				for (int i = 0; i < v->n_items; i++)
				{
					if (v->items[i] == NULL)
					{
						snprintf(msg, msglen, "item %d is not a string", i + 1);
						return false;
					}
					if (!is_iso_date(v->items[i]))
					{
						if (strlen(v->items[i]) > CONFIG_MAX_STRING_BYTES)
							snprintf(msg, msglen, "item %d is not a date written YYYY-MM-DD", i + 1);
						else
							snprintf(msg, msglen, "item %d \"%s\" is not a date written YYYY-MM-DD",
									 i + 1, v->items[i]);
						return false;
					}
				}
				return true;
			}
			want = "an array of \"YYYY-MM-DD\" strings";
			break;
	}
	snprintf(msg, msglen, "expected %s, got %s", want, value_kind_name(v->kind));
	return false;
}

/* A numeric value of a key, or NAN when the key is missing, null or not a number. */
static double
number_of(const config_value *const *values, const char *key)
{
	int			i = config_key_index(key);
	const config_value *v = i < 0 ? NULL : values[i];

	return (v && v->kind == CONFIG_VALUE_NUMBER) ? v->number : NAN;
}

/* "key must be at least other" between two numeric keys; NAN on either side is not judged. */
typedef struct config_order_rule
{
	const char *key;			/* the larger one */
	const char *other_key;		/* the smaller one */
	const char *why;
} config_order_rule;

static const config_order_rule order_rules[] = {
	{"gates.state.delta.threshold_hedge_shares", "gates.state.delta.epsilon_band",
	"the hedge threshold may not lie inside the no-trade band"},
	{"gates.state.delta.max_delta_limit", "gates.state.delta.threshold_hedge_shares",
	"the force-hedge limit may not be below the hedge threshold"},
	{"gates.guard.risk.max_net_delta_shares", "gates.state.delta.threshold_hedge_shares",
	"the net-delta limit may not be below the hedge threshold"},
	{"gates.strategy.structure.max_dte", "gates.strategy.structure.min_dte",
	"the DTE window may not be empty"},
	{"gates.state.liquidity.extreme_spread_pct", "gates.state.liquidity.wide_spread_pct",
	"an extreme spread must be at least a wide one"},
	{"gates.intent.hedge.max_hedge_shares_per_order", "gates.intent.hedge.min_hedge_shares",
	"the per-order cap may not be below the minimum order"},
};

int
config_check_cross(const config_value *const *values, config_problem_fn report, void *arg)
{
	int			n = 0;

	for (size_t r = 0; r < sizeof(order_rules) / sizeof(order_rules[0]); r++)
	{
		const config_order_rule *rule = &order_rules[r];
		double		big = number_of(values, rule->key);
		double		small = number_of(values, rule->other_key);
		char		msg[CONFIG_MESSAGE_MAX];

		if (isnan(big) || isnan(small) || big >= small)
			continue;
		snprintf(msg, sizeof(msg), "%.15g is below %s (%.15g): %s",
				 big, rule->other_key, small, rule->why);
		report(rule->key, rule->other_key, msg, arg);
		n++;
	}
	return n;
}

int
config_check_all(const config_value *const *values, const char *const *unknown, int n_unknown,
				 config_zone_fn zone_known, config_problem_fn report, void *arg)
{
	const config_value *valid[CONFIG_MAX_KEYS];
	int			n = 0;

	for (int i = 0; i < n_unknown; i++, n++)
		report(unknown[i], NULL, "unknown key: bifrost does not read it", arg);
	for (int i = 0; i < config_key_count; i++)
	{
		char		msg[CONFIG_MESSAGE_MAX];

		valid[i] = NULL;
		if (values[i] == NULL)
		{
			report(config_keys[i].key, NULL, "missing: the key has no row in bifrost.config", arg);
			n++;
		}
		else if (!config_check_value(&config_keys[i], values[i], msg, sizeof(msg)))
		{
			report(config_keys[i].key, NULL, msg, arg);
			n++;
		}
		else if (config_keys[i].type == CONFIG_TIMEZONE && zone_known &&
				 values[i]->kind == CONFIG_VALUE_STRING && !zone_known(values[i]->string))
		{
			snprintf(msg, sizeof(msg), "\"%s\" is not a time zone of the tz database"
					 " (SELECT name FROM pg_timezone_names lists them)", values[i]->string);
			report(config_keys[i].key, NULL, msg, arg);
			n++;
		}
		else
			valid[i] = values[i];
	}
	return n + config_check_cross(valid, report, arg);
}
