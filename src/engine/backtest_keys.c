/*
 * backtest_keys.c: the backtest's own configuration keys, their defaults
 * and ranges (backtest_keys.h).
 */
#include "backtest_keys.h"

#include <string.h>

/* key, type, default, nullable, min, min_exclusive, max, choices, unit, meaning */
const config_key_spec backtest_keys[] = {
	{"backtest.source", CONFIG_ENUM, "\"ticks\"", false, 0, false, 0, "ticks|candles|sim", NULL,
	"where the quotes come from: bifrost.ticks, bifrost.market_data candles, or the simulated feed (feed.sim.*)"},
	{"backtest.timeframe", CONFIG_ENUM, "\"1h\"", false, 0, false, 0, "15m|1h|4h|1d", NULL,
	"candles: the bars replayed, one quote at each bar's close"},
	{"backtest.spread_bps", CONFIG_NUMBER, "2", false, 0, false, 10000, NULL, "basis points of the close",
	"candles: the bid-ask spread put around each close"},
	{"backtest.start_position", CONFIG_NUMBER, "0", false, -1e9, false, 1e9, NULL, "lots",
	"hedge position held at the first quote"},
	{"backtest.start_avg_cost", CONFIG_NUMBER, "null", true, 0, true, 1e9, NULL, "price per unit",
	"its average cost; null: the first quote's mid"},
	{"backtest.units_per_lot", CONFIG_NUMBER, "1", false, 0, true, 1e6, NULL, "units of the underlying",
	"size of one lot of the hedge instrument (1 for shares)"},
	{"backtest.rate", CONFIG_NUMBER, "null", true, -1, false, 1, NULL, "annual, continuous",
	"rate the cash is financed at; null: greeks.risk_free_rate"},
	{"backtest.capital", CONFIG_NUMBER, "0", false, 0, false, 1e15, NULL, "quote currency",
	"capital the returns are measured on; 0: the book's value at the start"},
	{"backtest.sample_interval_s", CONFIG_NUMBER, "300", false, 1, false, 31622400, NULL, "seconds",
	"one point of the equity curve (with its attribution) per interval of quote time"},
	{"backtest.periods_per_year", CONFIG_INT, "null", true, 252, false, 365, NULL, "days",
	"252 or 365: the year of the Sharpe and Sortino ratios; null: 252 when trading hours gate, else 365"},
	{"backtest.warm_start", CONFIG_BOOL, "true", false, 0, false, 0, NULL, NULL,
	"the first quote finds the hedger running (its state machine armed), as a worker started before the range"},
	{"backtest.trace_ticks", CONFIG_BOOL, "false", false, 0, false, 0, NULL, NULL,
	"a bifrost.backtest_ticks row per quote (large)"},
};

const int	backtest_key_count = (int) (sizeof(backtest_keys) / sizeof(backtest_keys[0]));

const config_key_spec *
backtest_find_key(const char *key)
{
	for (int i = 0; i < backtest_key_count; i++)
		if (strcmp(backtest_keys[i].key, key) == 0)
			return &backtest_keys[i];
	return NULL;
}
