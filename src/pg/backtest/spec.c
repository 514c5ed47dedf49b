/*
 * spec.c: a backtest run's specification from its arguments, bifrost.config
 * and the tables (spec.h).
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/cryptohash.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"

#include "engine/backtest_keys.h"
#include "engine/calendar.h"
#include "pg/backtest/spec.h"
#include "pg/common/config_rows.h"
#include "pg/common/echo.h"
#include "pg/common/engine_glue.h"

/* A time as messages show it (timestamptz_to_str's buffer is static: one per call here). */
static char *
time_text(TimestampTz t)
{
	return pstrdup(timestamptz_to_str(t));
}

/* bifrost.legs' bounds (its CHECK constraints) */
#define LEG_MAX_STRIKE 1e9
#define LEG_MAX_QUANTITY 1000000
#define LEG_MAX_MULTIPLIER 100000
#define LEG_MIN_EXPIRY 946684800.0	/* 2000-01-01 */
#define LEG_MAX_EXPIRY 4102444800.0 /* 2100-01-01 */

#define BAD(...) \
	ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), __VA_ARGS__))

/* ---- the configuration ---- */

/* The run's values: bifrost.config's rows, then the overrides, then the backtest keys. */
typedef struct run_values
{
	config_rows rows;
	config_value *bt[64];		/* backtest_keys[], the override or the default */
	Jsonb	   *bt_json[64];
	Jsonb	   *legs;			/* backtest.legs given, else NULL */
} run_values;

static Jsonb *
jsonb_of_text(const char *json)
{
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(json)));
}

static config_value *
decode(Jsonb *jb)
{
	config_value *v = palloc(sizeof(config_value));

	config_jsonb_to_value(jb, v);
	return v;
}

static void
apply_overrides(run_values *rv, Jsonb *config)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	char	   *key = NULL;

	if (!JB_ROOT_IS_OBJECT(config))
		BAD(errmsg("backtest configuration %s is not a JSON object", echo_jsonb(config)),
			errhint("Pass overrides of bifrost.config keys and backtest.* keys, e.g. '{\"backtest.source\": \"sim\"}'."));
	it = JsonbIteratorInit(&config->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
		{
			key = pnstrdup(v.val.string.val, v.val.string.len);
			continue;
		}
		if (tok != WJB_VALUE || key == NULL)
			continue;
		{
			Jsonb	   *value = JsonbValueToJsonb(&v);
			int			idx = config_key_index(key);
			const config_key_spec *bt = backtest_find_key(key);

			if (strcmp(key, BACKTEST_KEY_LEGS) == 0)
				rv->legs = value;
			else if (idx >= 0)
			{
				rv->rows.by_key[idx] = decode(value);
				rv->rows.jsonb_by_key[idx] = value;
			}
			else if (bt != NULL)
			{
				int			b = (int) (bt - backtest_keys);
				char		msg[CONFIG_MESSAGE_MAX];

				rv->bt[b] = decode(value);
				rv->bt_json[b] = value;
				if (!config_check_value(bt, rv->bt[b], msg, sizeof(msg)))
					BAD(errmsg("invalid value %s for backtest key \"%s\": %s", echo_jsonb(value), key, msg),
						errhint("%s%s%s.", bt->meaning, bt->unit ? ", in " : "", bt->unit ? bt->unit : ""));
			}
			else
				BAD(errmsg("unknown backtest configuration key \"%s\"", echo_cstring(key)),
					errhint("A backtest takes the keys of bifrost.config and the backtest.* keys the README lists."));
		}
		key = NULL;
	}
}

static void
load_values(run_values *rv, Jsonb *config)
{
	config_first_problem problem = {0};

	memset(rv, 0, sizeof(*rv));
	if (backtest_key_count > (int) lengthof(rv->bt))
		elog(ERROR, "bifrost: %d backtest keys, room for %d", backtest_key_count, (int) lengthof(rv->bt));
	config_rows_load(&rv->rows);
	apply_overrides(rv, config);
	for (int b = 0; b < backtest_key_count; b++)
		if (rv->bt[b] == NULL)
		{
			rv->bt_json[b] = jsonb_of_text(backtest_keys[b].default_json);
			rv->bt[b] = decode(rv->bt_json[b]);
		}
	/* bifrost_config_set()'s rules over the merged values; the stored keys may be at fault too */
	if (config_rows_check(&rv->rows, config_note_first_problem, &problem) > 0)
		BAD(errmsg("backtest configuration: key \"%s\": %s", echo_cstring(problem.key), problem.message),
			errdetail("%d problem(s) in all.", problem.count),
			errhint("A run's configuration is bifrost.config with the config argument's keys over it;"
					" SELECT * FROM bifrost.config_problems() checks the stored keys."));
}

static const config_value *
config_of(const run_values *rv, const char *key)
{
	int			idx = config_key_index(key);

	if (idx < 0 || rv->rows.by_key[idx] == NULL)
		elog(ERROR, "bifrost: configuration key \"%s\" has no value", key);
	return rv->rows.by_key[idx];
}

static double
config_number(const run_values *rv, const char *key)
{
	const config_value *v = config_of(rv, key);

	return v->kind == CONFIG_VALUE_NUMBER ? v->number : NAN;
}

static const config_value *
bt_of(const run_values *rv, const char *key)
{
	const config_key_spec *spec = backtest_find_key(key);

	if (spec == NULL)
		elog(ERROR, "bifrost: no backtest key \"%s\"", key);
	return rv->bt[spec - backtest_keys];
}

static double
bt_number(const run_values *rv, const char *key)
{
	const config_value *v = bt_of(rv, key);

	return v->kind == CONFIG_VALUE_NUMBER ? v->number : NAN;
}

/* ---- the legs ---- */

typedef struct leg_context
{
	int			index;
	const char *field;
} leg_context;

static void
leg_error_context(void *arg)
{
	leg_context *c = arg;

	errcontext("backtest.legs[%d].%s", c->index, c->field);
}

static double
leg_number(const JsonbValue *v, leg_context *c)
{
	if (v->type != jbvNumeric)
		BAD(errmsg("backtest.legs[%d].%s is not a number", c->index, c->field));
	return DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow, NumericGetDatum(v->val.numeric)));
}

static double
leg_expiry(const JsonbValue *v, leg_context *c)
{
	if (v->type == jbvNumeric)
		return leg_number(v, c);
	if (v->type == jbvString)
	{
		char	   *text = pnstrdup(v->val.string.val, v->val.string.len);
		TimestampTz t = DatumGetTimestampTz(DirectFunctionCall3(timestamptz_in, CStringGetDatum(text),
																ObjectIdGetDatum(InvalidOid),
																Int32GetDatum(-1)));

		if (TIMESTAMP_NOT_FINITE(t))
			BAD(errmsg("backtest.legs[%d].expiry \"%s\" is not a finite time", c->index, echo_cstring(text)));
		return timestamptz_to_epoch(t);
	}
	BAD(errmsg("backtest.legs[%d].expiry is neither a timestamp text nor epoch seconds", c->index));
	return NAN;
}

/* One leg object: the columns of bifrost.legs, checked as its constraints check them. */
static void
parse_leg(Jsonb *jb, int index, engine_leg *leg)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	char	   *key = NULL;
	bool		have_right = false,
				have_strike = false,
				have_expiry = false,
				have_quantity = false;
	leg_context ctx = {index, ""};
	ErrorContextCallback cb;

	memset(leg, 0, sizeof(*leg));
	leg->multiplier = 100;
	leg->implied_vol = NAN;
	if (!JB_ROOT_IS_OBJECT(jb))
		BAD(errmsg("backtest.legs[%d] %s is not an object", index, echo_jsonb(jb)),
			errhint("A leg is shaped like a bifrost.legs row: option_right, strike, expiry, quantity, multiplier, implied_vol."));
	cb.callback = leg_error_context;
	cb.arg = &ctx;
	cb.previous = error_context_stack;
	error_context_stack = &cb;
	it = JsonbIteratorInit(&jb->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
		{
			key = pnstrdup(v.val.string.val, v.val.string.len);
			continue;
		}
		if (tok != WJB_VALUE || key == NULL)
			continue;
		ctx.field = key;
		if (strcmp(key, "option_right") == 0)
		{
			if (v.type != jbvString || v.val.string.len != 1 ||
				(v.val.string.val[0] != 'C' && v.val.string.val[0] != 'P'))
				BAD(errmsg("backtest.legs[%d].option_right is not \"C\" or \"P\"", index));
			leg->right = v.val.string.val[0] == 'C' ? BS_CALL : BS_PUT;
			have_right = true;
		}
		else if (strcmp(key, "strike") == 0)
		{
			leg->strike = leg_number(&v, &ctx);
			if (!(leg->strike > 0 && leg->strike <= LEG_MAX_STRIKE))
				BAD(errmsg("backtest.legs[%d].strike %g is outside (0, 1e9]", index, leg->strike));
			have_strike = true;
		}
		else if (strcmp(key, "expiry") == 0)
		{
			leg->expiry = leg_expiry(&v, &ctx);
			if (!(leg->expiry >= LEG_MIN_EXPIRY && leg->expiry < LEG_MAX_EXPIRY))
				BAD(errmsg("backtest.legs[%d].expiry is outside 2000-01-01 .. 2100-01-01", index));
			have_expiry = true;
		}
		else if (strcmp(key, "quantity") == 0 || strcmp(key, "multiplier") == 0)
		{
			double		x = leg_number(&v, &ctx);
			bool		quantity = key[0] == 'q';

			if (x != floor(x) || (quantity ? fabs(x) > LEG_MAX_QUANTITY : (x < 1 || x > LEG_MAX_MULTIPLIER)))
				BAD(errmsg("backtest.legs[%d].%s %g is not a whole number in %s", index, key, x,
						   quantity ? "[-1000000, 1000000]" : "[1, 100000]"));
			if (quantity)
			{
				leg->quantity = x;
				have_quantity = true;
			}
			else
				leg->multiplier = x;
		}
		else if (strcmp(key, "implied_vol") == 0)
		{
			if (v.type != jbvNull)
			{
				leg->implied_vol = leg_number(&v, &ctx);
				if (!(leg->implied_vol >= 0.0001 && leg->implied_vol <= 10))
					BAD(errmsg("backtest.legs[%d].implied_vol %g is outside [0.0001, 10]", index,
							   leg->implied_vol));
			}
		}
		else if (strcmp(key, "id") != 0 && strcmp(key, "symbol") != 0 && strcmp(key, "note") != 0 &&
				 strcmp(key, "created_at") != 0)
			BAD(errmsg("backtest.legs[%d] has an unknown field \"%s\"", index, echo_cstring(key)),
				errhint("A leg has option_right, strike, expiry, quantity, multiplier (default 100) and implied_vol (default greeks.volatility)."));
		key = NULL;
	}
	error_context_stack = cb.previous;
	if (!(have_right && have_strike && have_expiry && have_quantity))
		BAD(errmsg("backtest.legs[%d] lacks %s", index,
				   !have_right ? "option_right" : !have_strike ? "strike" : !have_expiry ? "expiry" : "quantity"));
}

static int
legs_from_json(Jsonb *legs, engine_leg *out)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	int			n = 0;

	if (!JB_ROOT_IS_ARRAY(legs) || JB_ROOT_IS_SCALAR(legs))
		BAD(errmsg("backtest.legs %s is not an array of legs", echo_jsonb(legs)));
	if (JB_ROOT_COUNT(legs) > BACKTEST_MAX_LEGS)
		BAD(errmsg("backtest.legs has %d legs, at most %d are allowed", (int) JB_ROOT_COUNT(legs),
				   BACKTEST_MAX_LEGS));
	it = JsonbIteratorInit(&legs->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
		if (tok == WJB_ELEM)
		{
			parse_leg(JsonbValueToJsonb(&v), n + 1, &out[n]);
			n++;
		}
	return n;
}

static int
legs_from_table(const char *symbol, engine_leg *out)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1] = {CStringGetTextDatum(symbol)};
	int			n;

	if (SPI_execute_with_args("SELECT option_right, strike::float8, extract(epoch FROM expiry)::float8,"
							  " quantity::float8, multiplier::float8, implied_vol"
							  " FROM bifrost.legs WHERE symbol = $1 ORDER BY id",
							  1, types, values, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read bifrost.legs");
	if (SPI_processed > BACKTEST_MAX_LEGS)
		BAD(errmsg("bifrost.legs holds %llu legs of %s, a backtest takes at most %d",
				   (unsigned long long) SPI_processed, echo_cstring(symbol), BACKTEST_MAX_LEGS),
			errhint("Give the book as backtest.legs."));
	n = (int) SPI_processed;
	for (int i = 0; i < n; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		char	   *right = SPI_getvalue(tup, desc, 1);

		memset(&out[i], 0, sizeof(engine_leg));
		out[i].right = right && right[0] == 'P' ? BS_PUT : BS_CALL;
		out[i].strike = DatumGetFloat8(SPI_getbinval(tup, desc, 2, &isnull));
		out[i].expiry = DatumGetFloat8(SPI_getbinval(tup, desc, 3, &isnull));
		out[i].quantity = DatumGetFloat8(SPI_getbinval(tup, desc, 4, &isnull));
		out[i].multiplier = DatumGetFloat8(SPI_getbinval(tup, desc, 5, &isnull));
		out[i].implied_vol = DatumGetFloat8(SPI_getbinval(tup, desc, 6, &isnull));
		if (isnull)
			out[i].implied_vol = NAN;
	}
	return n;
}

/* ---- calendars ---- */

/*
 * Local days of zone tz covering the range and a day either side: their
 * midnights, their offsets at noon and (New York) the exchange's holidays.
 */
static void
load_calendar(backtest_calendar *cal, const char *tz, TimestampTz from_ts, TimestampTz to_ts, bool holidays)
{
	Oid			types[4] = {TIMESTAMPTZOID, TIMESTAMPTZOID, TEXTOID, BOOLOID};
	Datum		values[4] = {TimestampTzGetDatum(from_ts), TimestampTzGetDatum(to_ts), CStringGetTextDatum(tz),
	BoolGetDatum(holidays)};
	int			n;

	if (SPI_execute_with_args("WITH b AS (SELECT ($1 AT TIME ZONE $3)::date - 1 AS d0,"
							  "                  ($2 AT TIME ZONE $3)::date + 2 AS d1)"
							  " SELECT (x.d - DATE '1970-01-01')::int,"
							  "        extract(epoch FROM x.d::timestamp AT TIME ZONE $3)::float8,"
							  "        (extract(epoch FROM x.d + TIME '12:00')"
							  "         - extract(epoch FROM (x.d + TIME '12:00') AT TIME ZONE $3))::float8,"
							  "        h.day IS NOT NULL AND h.early_close IS NULL,"
							  "        coalesce((extract(epoch FROM h.early_close) / 60)::int, -1)"
							  "   FROM b CROSS JOIN generate_series(0, b.d1 - b.d0) AS i(n)"
							  "   CROSS JOIN LATERAL (SELECT b.d0 + i.n AS d) AS x"
							  "   LEFT JOIN bifrost.market_holidays h ON h.day = x.d AND $4"
							  "  ORDER BY 1",
							  4, types, values, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read the calendar of %s", tz);
	n = (int) SPI_processed;
	if (n < 2 || n > BACKTEST_MAX_CALENDAR_DAYS + 1)
		elog(ERROR, "bifrost: a calendar of %d days", n);
	cal->first_date = 0;
	cal->n_days = n - 1;
	cal->start = palloc(sizeof(double) * n);
	cal->utc_offset = palloc(sizeof(double) * n);
	cal->holiday = holidays ? palloc(sizeof(bool) * n) : NULL;
	cal->early_close_min = holidays ? palloc(sizeof(int) * n) : NULL;
	for (int i = 0; i < n; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;

		if (i == 0)
			cal->first_date = DatumGetInt32(SPI_getbinval(tup, desc, 1, &isnull));
		cal->start[i] = DatumGetFloat8(SPI_getbinval(tup, desc, 2, &isnull));
		cal->utc_offset[i] = DatumGetFloat8(SPI_getbinval(tup, desc, 3, &isnull));
		if (holidays)
		{
			cal->holiday[i] = DatumGetBool(SPI_getbinval(tup, desc, 4, &isnull));
			cal->early_close_min[i] = DatumGetInt32(SPI_getbinval(tup, desc, 5, &isnull));
		}
	}
}

/* ---- the effective configuration ---- */

static void
append_pair(StringInfo buf, bool *first, const char *key, const char *json)
{
	if (!*first)
		appendStringInfoString(buf, ", ");
	*first = false;
	escape_json(buf, key);
	appendStringInfoString(buf, ": ");
	appendStringInfoString(buf, json);
}

/*
 * An expiry as ISO 8601 UTC text: the same for every session's TimeZone and
 * DateStyle, so a configuration hashes the same in every session (and in a
 * sweep's workers).
 */
static void
append_utc(StringInfo buf, double epoch)
{
	double		day = floor(epoch / 86400.0);
	double		sec = epoch - day * 86400.0;
	int			year,
				month,
				mday;
	int			whole = (int) floor(sec);
	double		frac = sec - whole;

	calendar_civil_from_days((int32_t) day, &year, &month, &mday);
	appendStringInfo(buf, "\"%04d-%02d-%02dT%02d:%02d:%02d", year, month, mday, whole / 3600, whole / 60 % 60,
					 whole % 60);
	if (frac > 0)
		appendStringInfo(buf, ".%06d", (int) Min(rint(frac * 1e6), 999999));
	appendStringInfoString(buf, "Z\"");
}

static void
append_leg(StringInfo buf, const engine_leg *l)
{
	appendStringInfo(buf, "{\"option_right\": \"%s\", \"strike\": %.17g, \"expiry\": ",
					 l->right == BS_CALL ? "C" : "P", l->strike);
	append_utc(buf, l->expiry);
	appendStringInfo(buf, ", \"quantity\": %.17g, \"multiplier\": %.17g, \"implied_vol\": ",
					 l->quantity, l->multiplier);
	if (isnan(l->implied_vol))
		appendStringInfoString(buf, "null}");
	else
		appendStringInfo(buf, "%.17g}", l->implied_vol);
}

static void
effective_config(backtest_spec *spec, const run_values *rv)
{
	StringInfoData buf;
	bool		first = true;
	char	   *text;
	uint8		digest[32];
	pg_cryptohash_ctx *ctx;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	for (int i = 0; i < config_key_count; i++)
	{
		const char *json;

		if (strcmp(config_keys[i].key, "symbol") == 0)
		{
			StringInfoData s;

			initStringInfo(&s);
			escape_json(&s, spec->symbol);
			json = s.data;
		}
		else if (rv->rows.jsonb_by_key[i])
			json = JsonbToCString(NULL, &rv->rows.jsonb_by_key[i]->root, VARSIZE(rv->rows.jsonb_by_key[i]));
		else
			json = config_keys[i].default_json;
		append_pair(&buf, &first, config_keys[i].key, json);
	}
	for (int b = 0; b < backtest_key_count; b++)
		append_pair(&buf, &first, backtest_keys[b].key,
					JsonbToCString(NULL, &rv->bt_json[b]->root, VARSIZE(rv->bt_json[b])));
	appendStringInfoString(&buf, ", ");
	escape_json(&buf, BACKTEST_KEY_LEGS);
	appendStringInfoString(&buf, ": [");
	for (int i = 0; i < spec->params.n_legs; i++)
	{
		if (i > 0)
			appendStringInfoString(&buf, ", ");
		append_leg(&buf, &spec->params.legs[i]);
	}
	appendStringInfoString(&buf, "]}");
	spec->effective = jsonb_of_text(buf.data);

	/* the hash of the canonical text: jsonb orders the keys */
	text = JsonbToCString(NULL, &spec->effective->root, VARSIZE(spec->effective));
	ctx = pg_cryptohash_create(PG_SHA256);
	if (ctx == NULL || pg_cryptohash_init(ctx) < 0 ||
		pg_cryptohash_update(ctx, (const uint8 *) text, strlen(text)) < 0 ||
		pg_cryptohash_final(ctx, digest, sizeof(digest)) < 0)
		elog(ERROR, "could not compute the configuration's hash");
	pg_cryptohash_free(ctx);
	for (int i = 0; i < 32; i++)
		snprintf(spec->hash + 2 * i, 3, "%02x", digest[i]);
}

/* ---- the whole ---- */

void
backtest_spec_build(backtest_spec *spec, Jsonb *config, TimestampTz from_ts, TimestampTz to_ts,
					const char *symbol)
{
	run_values *rv = palloc(sizeof(run_values));
	backtest_params *p = &spec->params;
	const config_value *source;
	const config_value *sym;
	char		why[256];
	const char *day_roll_tz;

	memset(spec, 0, sizeof(*spec));
	if (TIMESTAMP_NOT_FINITE(from_ts) || TIMESTAMP_NOT_FINITE(to_ts))
		BAD(errmsg("a backtest's range must have finite ends"),
			errhint("Give from_ts and to_ts as times, not infinity."));
	if (to_ts <= from_ts)
		BAD(errmsg("the backtest range from %s to %s is empty", time_text(from_ts),
				   time_text(to_ts)),
			errhint("to_ts must be later than from_ts."));
	/* each bound a double first: their int64 difference can overflow and pass the check */
	if (((double) to_ts - (double) from_ts) / USECS_PER_DAY > BACKTEST_MAX_RANGE_DAYS)
		BAD(errmsg("the backtest range from %s to %s is longer than %d days", time_text(from_ts),
				   time_text(to_ts), BACKTEST_MAX_RANGE_DAYS));
	spec->from_ts = from_ts;
	spec->to_ts = to_ts;

	load_values(rv, config);

	/* the instrument: the argument, else the configuration's */
	sym = config_of(rv, "symbol");
	if (symbol == NULL)
		symbol = sym->string;
	if (symbol == NULL || symbol[0] == '\0' || strlen(symbol) >= sizeof(spec->symbol))
		BAD(errmsg("backtest symbol \"%s\" is empty or longer than %d bytes", echo_cstring(symbol),
				   (int) sizeof(spec->symbol) - 1));
	strlcpy(spec->symbol, symbol, sizeof(spec->symbol));

	/* how the hedger trades */
	p->set.symbol = spec->symbol;
	engine_glue_config_from_rows(&rv->rows, &p->set.cfg);
	p->set.paper.latency_ms = config_number(rv, "broker.paper.latency_ms");
	p->set.paper.slippage_bps = config_number(rv, "broker.paper.slippage_bps");
	p->set.paper.reject_rate = config_number(rv, "broker.paper.reject_rate");
	p->set.paper.partial_fill_rate = config_number(rv, "broker.paper.partial_fill_rate");
	p->set.paper.fee_per_unit = config_number(rv, "broker.paper.fee_per_share");
	p->set.paper.fee_bps = config_number(rv, "broker.paper.fee_bps");
	p->set.paper.seed = (uint64) config_number(rv, "feed.sim.seed");
	p->set.units_per_lot = bt_number(rv, "backtest.units_per_lot");
	p->set.not_found_grace_s = 10;

	/* where the quotes come from */
	source = bt_of(rv, "backtest.source");
	spec->source_name = pstrdup(source->string);
	spec->source = strcmp(source->string, "candles") == 0 ? BACKTEST_SOURCE_CANDLES :
		strcmp(source->string, "sim") == 0 ? BACKTEST_SOURCE_SIM : BACKTEST_SOURCE_TICKS;
	strlcpy(spec->timeframe, spec->source == BACKTEST_SOURCE_CANDLES ? bt_of(rv, "backtest.timeframe")->string : "tick",
			sizeof(spec->timeframe));
	spec->spread_bps = bt_number(rv, "backtest.spread_bps");
	if (spec->spread_bps >= 20000)
		BAD(errmsg("backtest.spread_bps %g leaves no bid", spec->spread_bps));
	spec->sim_spot = config_number(rv, "feed.sim.spot");
	spec->sim_vol = config_number(rv, "feed.sim.vol");
	spec->sim_drift = config_number(rv, "feed.sim.drift");
	spec->sim_spread_bps = config_number(rv, "feed.sim.spread_bps");
	spec->sim_tick_s = config_number(rv, "feed.sim.tick_ms") / 1000.0;
	spec->sim_seed = (uint64) config_number(rv, "feed.sim.seed");

	/* the book */
	p->n_legs = rv->legs ? legs_from_json(rv->legs, p->legs) : legs_from_table(spec->symbol, p->legs);
	p->start_position = bt_number(rv, "backtest.start_position");
	p->start_avg_cost = bt_number(rv, "backtest.start_avg_cost");
	if (p->n_legs == 0 && p->start_position == 0)
		BAD(errmsg("the backtest of %s has nothing to hedge: no legs and no start position", echo_cstring(spec->symbol)),
			errhint("Add legs to bifrost.legs for %s, or give backtest.legs or backtest.start_position.",
					echo_cstring(spec->symbol)));
	for (int i = 0; i < p->n_legs; i++)
		if (p->legs[i].expiry <= timestamptz_to_epoch(from_ts))
			BAD(errmsg("leg %d of the backtest (%s %g) expires at %s, before the range starts at %s", i + 1,
					   p->legs[i].right == BS_CALL ? "call" : "put", p->legs[i].strike,
					   time_text(epoch_to_timestamptz(p->legs[i].expiry)), time_text(from_ts)),
				errhint("A backtest hedges legs alive at its start: move the range or leave the leg out."));

	/* the money */
	p->rate = isnan(bt_number(rv, "backtest.rate")) ? p->set.cfg.risk_free_rate : bt_number(rv, "backtest.rate");
	p->capital = bt_number(rv, "backtest.capital");
	p->sample_interval_s = bt_number(rv, "backtest.sample_interval_s");
	p->periods_per_year = bt_of(rv, "backtest.periods_per_year")->kind == CONFIG_VALUE_NUMBER ?
		bt_number(rv, "backtest.periods_per_year") : (p->set.cfg.trading_hours_only ? 252 : 365);
	if (p->periods_per_year != 252 && p->periods_per_year != 365)
		BAD(errmsg("invalid value %g for backtest key \"backtest.periods_per_year\": 252 or 365", p->periods_per_year));
	p->warm_start = bt_of(rv, "backtest.warm_start")->boolean;
	p->trace_ticks = bt_of(rv, "backtest.trace_ticks")->boolean;

	/* the clocks: New York's with the exchange's holidays, and the day roll's */
	day_roll_tz = config_of(rv, "day_roll_tz")->string;
	load_calendar(&spec->new_york, "America/New_York", from_ts, to_ts, true);
	load_calendar(&spec->day_roll, day_roll_tz, from_ts, to_ts, false);
	p->new_york = &spec->new_york;
	p->day_roll_kind = BACKTEST_DAY_CALENDAR;
	p->day_roll = &spec->day_roll;

	if (!backtest_params_check(p, why, sizeof(why)))
		BAD(errmsg("backtest configuration: %s", why));
	effective_config(spec, rv);
}
