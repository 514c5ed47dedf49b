/*
 * test_config_schema.c: keys, defaults, types, ranges and cross-key rules
 * of bifrost.config, at their boundaries.
 */
#include "config_schema.h"
#include "unit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static config_value
num(double x)
{
	config_value v = {0};

	v.kind = CONFIG_VALUE_NUMBER;
	v.number = x;
	v.number_is_integral = (x == floor(x));
	return v;
}

static config_value
str(const char *s)
{
	config_value v = {0};

	v.kind = CONFIG_VALUE_STRING;
	v.string = s;
	return v;
}

static config_value
boolean(int b)
{
	config_value v = {0};

	v.kind = CONFIG_VALUE_BOOL;
	v.boolean = b;
	return v;
}

static config_value
null_value(void)
{
	config_value v = {0};

	v.kind = CONFIG_VALUE_NULL;
	return v;
}

static config_value
array(int n, const char *const *items)
{
	config_value v = {0};

	v.kind = CONFIG_VALUE_ARRAY;
	v.n_items = n;
	v.items = items;
	return v;
}

static int
ok(const char *key, config_value v)
{
	char		msg[CONFIG_MESSAGE_MAX];
	const config_key_spec *spec = config_find_key(key);

	if (!spec)
	{
		fprintf(stderr, "no key %s\n", key);
		return -1;
	}
	return config_check_value(spec, &v, msg, sizeof(msg));
}

/* Decodes a default's JSON text just far enough to validate it. */
static config_value
decode_default(const char *json, const char **items_buf)
{
	if (strcmp(json, "null") == 0)
		return null_value();
	if (strcmp(json, "true") == 0 || strcmp(json, "false") == 0)
		return boolean(json[0] == 't');
	if (json[0] == '"')
	{
		static char buf[64][80];
		static int	next;
		char	   *s = buf[next++ % 64];

		snprintf(s, 80, "%.*s", (int) strlen(json) - 2, json + 1);
		return str(s);
	}
	if (strcmp(json, "[]") == 0)
		return array(0, items_buf);
	return num(strtod(json, NULL));
}

typedef struct hits
{
	int			n;
	char		keys[8][96];
} hits;

static void
collect(const char *key, const char *other_key, const char *message, void *arg)
{
	hits	   *h = arg;

	(void) message;
	if (h->n < 8)
		snprintf(h->keys[h->n], sizeof(h->keys[0]), "%s<%s", key, other_key ? other_key : "(null)");
	h->n++;
}

/* A host that knows no zone but UTC and America/New_York. */
static bool
no_zone(const char *name)
{
	return strcmp(name, "UTC") == 0 || strcmp(name, "America/New_York") == 0;
}

int
main(void)
{
	const char *no_items[1] = {NULL};
	config_value defaults[64];
	const config_value *by_key[64];
	hits		h;

	CHECK(config_key_count > 40 && config_key_count <= 64);

	/* every default is valid, and keys are unique */
	for (int i = 0; i < config_key_count; i++)
	{
		char		msg[CONFIG_MESSAGE_MAX];

		defaults[i] = decode_default(config_keys[i].default_json, no_items);
		by_key[i] = &defaults[i];
		if (!CHECK(config_check_value(&config_keys[i], &defaults[i], msg, sizeof(msg))))
			unit_note("%s: %s", config_keys[i].key, msg);
		CHECK(config_key_index(config_keys[i].key) == i);
	}
	memset(&h, 0, sizeof(h));
	CHECK(config_check_cross(by_key, collect, &h) == 0);

	/* the reference engine's defaults and bifrost's own (README, Strategy configuration) */
	CHECK(strcmp(config_find_key("gates.state.delta.epsilon_band")->default_json, "10") == 0);
	CHECK(strcmp(config_find_key("gates.state.delta.threshold_hedge_shares")->default_json, "25") == 0);
	CHECK(strcmp(config_find_key("gates.guard.risk.max_net_delta_shares")->default_json, "null") == 0);
	CHECK(strcmp(config_find_key("gates.state.system.safe_recovery_sec")->default_json, "5") == 0);
	CHECK(strcmp(config_find_key("day_roll_tz")->default_json, "\"America/New_York\"") == 0);
	CHECK(config_find_key("feed.sim.seed") != NULL);
	CHECK(config_find_key("nope") == NULL);
	CHECK(config_find_key("") == NULL);
	CHECK(config_key_index("gates.state.delta") == -1);

	/* types */
	CHECK(ok("strategy_enabled", boolean(0)) == 1);
	CHECK(ok("strategy_enabled", num(1)) == 0);
	CHECK(ok("strategy_enabled", str("true")) == 0);
	CHECK(ok("strategy_enabled", null_value()) == 0);
	CHECK(ok("symbol", str("BTC-USDT-SWAP")) == 1);
	CHECK(ok("symbol", str("")) == 0);
	{
		/* strings: CONFIG_MAX_STRING_BYTES fit the worker's 64-byte buffers, one more does not */
		char		longest[CONFIG_MAX_STRING_BYTES + 2];

		CHECK(CONFIG_MAX_STRING_BYTES < 64);
		memset(longest, 'A', sizeof(longest));
		longest[CONFIG_MAX_STRING_BYTES] = '\0';
		CHECK(ok("symbol", str(longest)) == 1);
		longest[CONFIG_MAX_STRING_BYTES] = 'A';
		longest[CONFIG_MAX_STRING_BYTES + 1] = '\0';
		CHECK(ok("symbol", str(longest)) == 0);
		CHECK(ok("day_roll_tz", str(longest)) == 0);
	}
	CHECK(ok("symbol", num(5)) == 0);
	CHECK(ok("hedge_to", str("band_edge")) == 1);
	CHECK(ok("hedge_to", str("zero")) == 1);
	CHECK(ok("hedge_to", str("band")) == 0);
	CHECK(ok("hedge_to", str("zero|band_edge")) == 0);
	CHECK(ok("hedge_to", str("")) == 0);

	/* whole numbers */
	CHECK(ok("gates.guard.risk.max_daily_hedge_count", num(50)) == 1);
	CHECK(ok("gates.guard.risk.max_daily_hedge_count", num(50.5)) == 0);
	CHECK(ok("gates.guard.risk.max_daily_hedge_count", num(-1)) == 0);
	CHECK(ok("gates.guard.risk.max_daily_hedge_count", num(0)) == 1);
	CHECK(ok("gates.guard.risk.max_daily_hedge_count", num(1e6)) == 1);
	CHECK(ok("gates.guard.risk.max_daily_hedge_count", num(1e6 + 1)) == 0);
	CHECK(ok("gates.guard.risk.max_daily_hedge_count", num(INFINITY)) == 0);
	CHECK(ok("gates.guard.risk.max_daily_hedge_count", num(NAN)) == 0);

	/* inclusive and exclusive bounds, at the edge and one step either side */
	CHECK(ok("gates.guard.risk.max_spread_pct", num(0)) == 0);	/* exclusive 0 */
	CHECK(ok("gates.guard.risk.max_spread_pct", num(1e-12)) == 1);
	/* volatility: within the pricing's domain, never so small that gamma overflows */
	CHECK(ok("greeks.volatility", num(0)) == 0);
	CHECK(ok("greeks.volatility", num(0.0000999)) == 0);
	CHECK(ok("greeks.volatility", num(1e-300)) == 0);
	CHECK(ok("greeks.volatility", num(0.0001)) == 1);
	CHECK(ok("greeks.volatility", num(10)) == 1);
	CHECK(ok("greeks.volatility", num(10.000001)) == 0);
	CHECK(ok("gates.state.delta.epsilon_band", num(0)) == 1);	/* inclusive 0 */
	CHECK(ok("gates.state.delta.epsilon_band", num(-1e-9)) == 0);
	CHECK(ok("broker.paper.reject_rate", num(1)) == 1);
	CHECK(ok("broker.paper.reject_rate", num(1.0000001)) == 0);
	CHECK(ok("gates.state.system.data_lag_threshold_ms", num(0)) == 0);
	CHECK(ok("gates.state.system.data_lag_threshold_ms", num(1)) == 1);
	CHECK(ok("greeks.risk_free_rate", num(-0.01)) == 1);
	CHECK(ok("greeks.volatility", num(NAN)) == 0);

	/* nullable numbers: null means off; zero is not "off" */
	CHECK(ok("gates.guard.risk.max_net_delta_shares", null_value()) == 1);
	CHECK(ok("gates.guard.risk.max_net_delta_shares", num(0)) == 0);
	CHECK(ok("gates.guard.risk.max_net_delta_shares", num(600)) == 1);
	CHECK(ok("gates.guard.risk.max_spread_pct", str("0.5")) == 0);
	CHECK(ok("greeks.volatility", null_value()) == 0);

	/* date lists */
	{
		const char *good[] = {"2026-02-25", "2024-02-29"};
		const char *leap_bad[] = {"2025-02-29"};
		const char *bad_shape[] = {"2026-2-25"};
		const char *bad_month[] = {"2026-13-01"};
		const char *not_string[] = {NULL};
		const char *bad_day[] = {"2026-04-31"};

		CHECK(ok("gates.strategy.earnings.dates", array(2, good)) == 1);
		CHECK(ok("gates.strategy.earnings.dates", array(0, good)) == 1);
		CHECK(ok("gates.strategy.earnings.dates", array(1, leap_bad)) == 0);
		CHECK(ok("gates.strategy.earnings.dates", array(1, bad_shape)) == 0);
		CHECK(ok("gates.strategy.earnings.dates", array(1, bad_month)) == 0);
		CHECK(ok("gates.strategy.earnings.dates", array(1, not_string)) == 0);
		CHECK(ok("gates.strategy.earnings.dates", array(1, bad_day)) == 0);
		CHECK(ok("gates.strategy.earnings.dates", str("2026-02-25")) == 0);
	}

	/* date lists: CONFIG_MAX_DATES dates, not one more (the engine keeps no more) */
	{
		static char buf[CONFIG_MAX_DATES + 1][24];
		const char *many[CONFIG_MAX_DATES + 1];
		char		msg[CONFIG_MESSAGE_MAX];
		config_value v;

		for (int i = 0; i <= CONFIG_MAX_DATES; i++)
		{
			snprintf(buf[i], sizeof(buf[i]), "%04d-%02d-15", 2000 + i / 12, 1 + i % 12);
			many[i] = buf[i];
		}
		CHECK(ok("gates.strategy.earnings.dates", array(CONFIG_MAX_DATES, many)) == 1);
		CHECK(ok("gates.strategy.earnings.dates", array(CONFIG_MAX_DATES + 1, many)) == 0);
		v = array(CONFIG_MAX_DATES + 1, many);
		config_check_value(config_find_key("gates.strategy.earnings.dates"), &v, msg, sizeof(msg));
		CHECK(strstr(msg, "65 dates") != NULL && strstr(msg, "64") != NULL);
	}

	/* a long string is described, never copied whole into a message */
	{
		static char huge[100000];
		const char *items[1] = {huge};
		char		msg[CONFIG_MESSAGE_MAX];
		config_value v;

		memset(huge, 'z', sizeof(huge) - 1);
		v = str(huge);
		config_check_value(config_find_key("hedge_to"), &v, msg, sizeof(msg));
		CHECK(strstr(msg, "zzzz") == NULL && strstr(msg, "99999 bytes") != NULL);
		v = array(1, items);
		config_check_value(config_find_key("gates.strategy.earnings.dates"), &v, msg, sizeof(msg));
		CHECK(strstr(msg, "zzzz") == NULL && strstr(msg, "item 1") != NULL);
	}

	/* messages say what is wrong */
	{
		char		msg[CONFIG_MESSAGE_MAX];
		config_value v = num(3.5);

		config_check_value(config_find_key("gates.intent.hedge.min_hedge_shares"), &v, msg, sizeof(msg));
		CHECK(strstr(msg, "3.5") != NULL && strstr(msg, "whole") != NULL);
		v = num(200);
		config_check_value(config_find_key("gates.state.liquidity.wide_spread_pct"), &v, msg, sizeof(msg));
		CHECK(strstr(msg, "200") != NULL && strstr(msg, "percent") != NULL);
		v = str("x");
		config_check_value(config_find_key("strategy_enabled"), &v, msg, sizeof(msg));
		CHECK(strstr(msg, "boolean") != NULL && strstr(msg, "string") != NULL);
	}

	/* cross-key rules: equal is fine, one below is not */
	{
		int			band = config_key_index("gates.state.delta.epsilon_band");
		int			threshold = config_key_index("gates.state.delta.threshold_hedge_shares");
		int			limit = config_key_index("gates.state.delta.max_delta_limit");
		int			net = config_key_index("gates.guard.risk.max_net_delta_shares");
		config_value v_band = num(25),
					v_threshold = num(25),
					v_low = num(24.999),
					v_net = num(20);

		by_key[band] = &v_band;
		by_key[threshold] = &v_threshold;
		memset(&h, 0, sizeof(h));
		CHECK(config_check_cross(by_key, collect, &h) == 0);

		by_key[threshold] = &v_low;
		memset(&h, 0, sizeof(h));
		CHECK(config_check_cross(by_key, collect, &h) == 1);
		CHECK(strcmp(h.keys[0], "gates.state.delta.threshold_hedge_shares<gates.state.delta.epsilon_band") == 0);

		/* a missing key is not judged */
		by_key[band] = NULL;
		memset(&h, 0, sizeof(h));
		CHECK(config_check_cross(by_key, collect, &h) == 0);
		by_key[band] = &defaults[band];
		by_key[threshold] = &defaults[threshold];

		/* the net-delta limit only when set */
		by_key[net] = &v_net;
		memset(&h, 0, sizeof(h));
		CHECK(config_check_cross(by_key, collect, &h) == 1);
		by_key[net] = &defaults[net];

		by_key[limit] = &v_low;	/* 24.999 < threshold 25 */
		memset(&h, 0, sizeof(h));
		CHECK(config_check_cross(by_key, collect, &h) == 1);
		by_key[limit] = &defaults[limit];
	}

	/* the whole judgement: unknown, missing, invalid, zones and rules, each reported */
	{
		const char *unknown[] = {"gates.typo"};
		int			tz = config_key_index("day_roll_tz");
		int			vol = config_key_index("greeks.volatility");
		int			threshold = config_key_index("gates.state.delta.threshold_hedge_shares");
		config_value posix = str("<+99>-99"),
					bad_vol = num(-1),
					low = num(1);
		const config_value *saved_vol = by_key[vol];

		CHECK(config_key_count <= CONFIG_MAX_KEYS);
		memset(&h, 0, sizeof(h));
		CHECK(config_check_all(by_key, NULL, 0, no_zone, collect, &h) == 0);
		CHECK(config_check_all(by_key, NULL, 0, NULL, collect, &h) == 0);

		by_key[tz] = &posix;
		by_key[vol] = NULL;
		memset(&h, 0, sizeof(h));
		CHECK(config_check_all(by_key, unknown, 1, no_zone, collect, &h) == 3);
		CHECK(strcmp(h.keys[0], "gates.typo<(null)") == 0);
		CHECK(strcmp(h.keys[1], "day_roll_tz<(null)") == 0);
		CHECK(strcmp(h.keys[2], "greeks.volatility<(null)") == 0);
		/* without a host to ask, any zone name passes */
		memset(&h, 0, sizeof(h));
		CHECK(config_check_all(by_key, NULL, 0, NULL, collect, &h) == 1);
		by_key[tz] = &defaults[tz];

		/* an invalid value is reported once, and not judged by the rules between keys */
		by_key[vol] = &bad_vol;
		by_key[threshold] = &low;
		memset(&h, 0, sizeof(h));
		CHECK(config_check_all(by_key, NULL, 0, no_zone, collect, &h) == 2);
		CHECK(strcmp(h.keys[0], "greeks.volatility<(null)") == 0);
		CHECK(strcmp(h.keys[1], "gates.state.delta.threshold_hedge_shares<gates.state.delta.epsilon_band") == 0);
		by_key[vol] = saved_vol;
		by_key[threshold] = &defaults[threshold];
	}

	return unit_summary("test_config_schema");
}
