/*
 * engine_config.c: bifrost.config keys -> engine_config fields.
 *
 * A table maps each decision-relevant key to a field and a conversion.
 * Defaults are not restated here: engine_config_defaults() decodes the
 * default JSON of config_schema's table and applies it like any other
 * value, so changing a default there changes it everywhere.
 */
#include "engine_config.h"
#include "calendar.h"
#include "settlement.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef enum field_kind
{
	FIELD_NUMBER,				/* double; null -> NAN (nullable keys) */
	FIELD_INT,					/* int */
	FIELD_BOOL,					/* bool */
	FIELD_HEDGE_TO,				/* hedge_to enum */
	FIELD_SETTLEMENT,			/* settlement_style enum */
	FIELD_DATES					/* earnings_dates[] + n_earnings_dates */
} field_kind;

typedef struct field_map
{
	const char *key;
	field_kind	kind;
	size_t		offset;
} field_map;

#define F(key, kind, field) {key, kind, offsetof(engine_config, field)}

static const field_map fields[] = {
	F("strategy_enabled", FIELD_BOOL, strategy_enabled),
	F("hedge_to", FIELD_HEDGE_TO, hedge_to),
	F("book.settlement", FIELD_SETTLEMENT, settlement),
	F("greeks.volatility", FIELD_NUMBER, volatility),
	F("greeks.risk_free_rate", FIELD_NUMBER, risk_free_rate),
	F("greeks.dividend_yield", FIELD_NUMBER, dividend_yield),
	F("gates.strategy.earnings.dates", FIELD_DATES, earnings_dates),
	F("gates.strategy.earnings.blackout_days_before", FIELD_INT, blackout_days_before),
	F("gates.strategy.earnings.blackout_days_after", FIELD_INT, blackout_days_after),
	F("gates.strategy.trading_hours_only", FIELD_BOOL, trading_hours_only),
	F("gates.state.delta.epsilon_band", FIELD_NUMBER, epsilon_band),
	F("gates.state.delta.threshold_hedge_shares", FIELD_NUMBER, threshold_hedge_shares),
	F("gates.state.delta.max_delta_limit", FIELD_NUMBER, max_delta_limit),
	F("gates.state.market.vol_window_min", FIELD_NUMBER, vol_window_min),
	F("gates.state.market.stale_ts_threshold_ms", FIELD_NUMBER, stale_ts_threshold_ms),
	F("gates.state.liquidity.wide_spread_pct", FIELD_NUMBER, wide_spread_pct),
	F("gates.state.liquidity.extreme_spread_pct", FIELD_NUMBER, extreme_spread_pct),
	F("gates.state.system.data_lag_threshold_ms", FIELD_NUMBER, data_lag_threshold_ms),
	F("gates.state.system.safe_recovery_sec", FIELD_NUMBER, safe_recovery_sec),
	F("gates.intent.hedge.min_hedge_shares", FIELD_NUMBER, min_hedge_shares),
	F("gates.intent.hedge.cooldown_seconds", FIELD_NUMBER, cooldown_seconds),
	F("gates.intent.hedge.max_hedge_shares_per_order", FIELD_NUMBER, max_hedge_shares_per_order),
	F("gates.intent.hedge.min_price_move_pct", FIELD_NUMBER, min_price_move_pct),
	F("gates.guard.risk.max_daily_hedge_count", FIELD_NUMBER, max_daily_hedge_count),
	F("gates.guard.risk.max_position_shares", FIELD_NUMBER, max_position_shares),
	F("gates.guard.risk.max_daily_loss_usd", FIELD_NUMBER, max_daily_loss_usd),
	F("gates.guard.risk.max_net_delta_shares", FIELD_NUMBER, max_net_delta_shares),
	F("gates.guard.risk.max_spread_pct", FIELD_NUMBER, max_spread_pct),
};

#define N_FIELDS ((int) (sizeof(fields) / sizeof(fields[0])))

static const field_map *
find_field(const char *key)
{
	for (int i = 0; i < N_FIELDS; i++)
		if (strcmp(fields[i].key, key) == 0)
			return &fields[i];
	return NULL;
}

/* "YYYY-MM-DD" (already validated by config_check_value) -> days. */
static int32_t
parse_date(const char *s)
{
	int			y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	int			m = (s[5] - '0') * 10 + (s[6] - '0');
	int			d = (s[8] - '0') * 10 + (s[9] - '0');

	return calendar_days_from_civil(y, m, d);
}

bool
engine_config_apply(engine_config *cfg, const char *key, const config_value *v)
{
	const config_key_spec *spec = config_find_key(key);
	const field_map *f;
	char		msg[CONFIG_MESSAGE_MAX];
	char	   *base = (char *) cfg;

	if (spec == NULL || !config_check_value(spec, v, msg, sizeof(msg)))
		return false;
	f = find_field(key);
	if (f == NULL)
		return true;			/* a key the decisions do not read */

	switch (f->kind)
	{
		case FIELD_NUMBER:
			*(double *) (base + f->offset) =
				v->kind == CONFIG_VALUE_NULL ? NAN : v->number;
			break;
		case FIELD_INT:
			*(int *) (base + f->offset) = (int) v->number;
			break;
		case FIELD_BOOL:
			*(bool *) (base + f->offset) = v->boolean;
			break;
		case FIELD_HEDGE_TO:
			*(hedge_to *) (base + f->offset) =
				strcmp(v->string, "band_edge") == 0 ? HEDGE_TO_BAND_EDGE : HEDGE_TO_ZERO;
			break;
		case FIELD_SETTLEMENT:
			/* config_check_value() has accepted one of its names */
			(void) settlement_parse_style(v->string, (settlement_style *) (base + f->offset));
			break;
		case FIELD_DATES:
			/* config_check_value() has bounded n_items by CONFIG_MAX_DATES */
			for (int i = 0; i < v->n_items; i++)
				cfg->earnings_dates[i] = parse_date(v->items[i]);
			cfg->n_earnings_dates = v->n_items;
			break;
	}
	return true;
}

/*
 * Decodes a default's JSON text: null, true, false, a number, a string, or
 * an array of strings (items point into buf, which must outlive the value).
 * Returns false for anything else.
 */
static bool
decode_default(const char *json, config_value *v, char *buf, size_t buflen,
			   const char **items, int max_items)
{
	char	   *end;

	memset(v, 0, sizeof(*v));
	if (strcmp(json, "null") == 0)
		v->kind = CONFIG_VALUE_NULL;
	else if (strcmp(json, "true") == 0 || strcmp(json, "false") == 0)
	{
		v->kind = CONFIG_VALUE_BOOL;
		v->boolean = (json[0] == 't');
	}
	else if (json[0] == '"')
	{
		size_t		len = strlen(json);

		if (len < 2 || json[len - 1] != '"' || len - 1 > buflen)
			return false;
		memcpy(buf, json + 1, len - 2);
		buf[len - 2] = '\0';
		v->kind = CONFIG_VALUE_STRING;
		v->string = buf;
	}
	else if (json[0] == '[')
	{
		const char *p = json + 1;
		size_t		used = 0;

		v->kind = CONFIG_VALUE_ARRAY;
		v->items = items;
		while (*p == ' ')
			p++;
		while (*p == '"')
		{
			const char *close = strchr(p + 1, '"');
			size_t		len;

			if (close == NULL || v->n_items >= max_items)
				return false;
			len = (size_t) (close - p - 1);
			if (used + len + 1 > buflen)
				return false;
			memcpy(buf + used, p + 1, len);
			buf[used + len] = '\0';
			items[v->n_items++] = buf + used;
			used += len + 1;
			p = close + 1;
			while (*p == ' ' || *p == ',')
				p++;
		}
		if (*p != ']')
			return false;
	}
	else
	{
		v->kind = CONFIG_VALUE_NUMBER;
		v->number = strtod(json, &end);
		if (end == json || *end != '\0')
			return false;
		v->number_is_integral = (v->number == floor(v->number));
	}
	return true;
}

void
engine_config_defaults(engine_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->max_net_delta_shares = NAN;
	cfg->max_spread_pct = NAN;
	for (int i = 0; i < N_FIELDS; i++)
	{
		const config_key_spec *spec = config_find_key(fields[i].key);
		char		buf[ENGINE_MAX_EARNINGS_DATES * 11 + 16];
		const char *items[ENGINE_MAX_EARNINGS_DATES];
		config_value v;

		if (spec && decode_default(spec->default_json, &v, buf, sizeof(buf),
								   items, ENGINE_MAX_EARNINGS_DATES))
			(void) engine_config_apply(cfg, fields[i].key, &v);
	}
}

typedef struct first_problem
{
	const char *key;
} first_problem;

static void
note_first(const char *key, const char *other_key, const char *message, void *arg)
{
	first_problem *p = (first_problem *) arg;

	(void) other_key;
	(void) message;
	if (p->key == NULL)
		p->key = key;
}

const char *
engine_config_check(const engine_config *cfg)
{
	config_value store[N_FIELDS];
	const config_value *values[ENGINE_CONFIG_KEY_CAPACITY];
	first_problem problem = {NULL};
	int			n = config_key_count;

	/* test_engine_config checks the schema fits; never index past values[] */
	if (n > ENGINE_CONFIG_KEY_CAPACITY)
		return NULL;
	for (int i = 0; i < n; i++)
		values[i] = NULL;
	for (int i = 0; i < N_FIELDS; i++)
	{
		int			k = config_key_index(fields[i].key);
		double		x;

		if (fields[i].kind != FIELD_NUMBER && fields[i].kind != FIELD_INT)
			continue;
		x = fields[i].kind == FIELD_INT
			? (double) *(const int *) ((const char *) cfg + fields[i].offset)
			: *(const double *) ((const char *) cfg + fields[i].offset);
		memset(&store[i], 0, sizeof(store[i]));
		store[i].kind = isnan(x) ? CONFIG_VALUE_NULL : CONFIG_VALUE_NUMBER;
		store[i].number = x;
		store[i].number_is_integral = (x == floor(x));
		if (k >= 0 && k < n)
			values[k] = &store[i];
	}
	(void) config_check_cross(values, note_first, &problem);
	return problem.key;
}
