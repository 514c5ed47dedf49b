/*
 * evaluate.c: bifrost_evaluate(input jsonb) RETURNS jsonb.
 *
 * Decodes the what-if input (README, SQL API) into the engine's structs, runs the
 * same engine_evaluate() the worker runs, and encodes the decision.  Every
 * malformed value raises 22023 naming its key: the key path is the one the
 * user wrote ("quote.bid", "legs[2].strike").
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/float.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"

#include "engine/engine.h"
#include "pg/common/echo.h"
#include "pg/common/engine_glue.h"

PG_FUNCTION_INFO_V1(bifrost_evaluate);

/* More legs than any book bifrost is meant for: a bound on work and memory. */
#define EVALUATE_MAX_LEGS 10000
#define EVALUATE_MAX_PRICES 100000

static void bad_input(const char *key, const char *what) pg_attribute_noreturn();

static void
bad_input(const char *key, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid bifrost_evaluate input at key \"%s\": %s", key, what),
			 errhint("The README's bifrost_evaluate section lists every key and its type.")));
}

static const char *
jsonb_type_name(const JsonbValue *v)
{
	switch (v->type)
	{
		case jbvNull:
			return "null";
		case jbvString:
			return "a string";
		case jbvNumeric:
			return "a number";
		case jbvBool:
			return "a boolean";
		case jbvBinary:
			return JsonContainerIsArray(v->val.binary.data) ? "an array" : "an object";
		default:
			return "a value";
	}
}

static void
wrong_type(const char *key, const char *want, const JsonbValue *got)
{
	char		what[128];

	snprintf(what, sizeof(what), "expected %s, got %s", want, jsonb_type_name(got));
	bad_input(key, what);
}

/* The member key of an object container, or NULL when absent. */
static JsonbValue *
member(JsonbContainer *obj, const char *key)
{
	return getKeyJsonValueFromContainer(obj, key, strlen(key), NULL);
}

static JsonbContainer *
object_of(const JsonbValue *v, const char *key)
{
	if (v->type != jbvBinary || !JsonContainerIsObject(v->val.binary.data))
		wrong_type(key, "an object", v);
	return v->val.binary.data;
}

/* Rejects keys the input format does not have: a typo must not pass silently. */
static void
only_keys(JsonbContainer *obj, const char *const *allowed, const char *where)
{
	JsonbIterator *it = JsonbIteratorInit(obj);
	JsonbValue	v;
	JsonbIteratorToken tok;

	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		bool		known = false;
		char	   *key;

		if (tok != WJB_KEY)
			continue;
		key = pnstrdup(v.val.string.val, v.val.string.len);
		for (const char *const *a = allowed; *a; a++)
			if (strcmp(*a, key) == 0)
				known = true;
		if (!known)
			bad_input(psprintf("%s%s%s", where, where[0] ? "." : "", echo_cstring(key)), "unknown key");
	}
}

static double
number_of(const JsonbValue *v, const char *key)
{
	double		x;

	if (v->type != jbvNumeric)
		wrong_type(key, "a number", v);
	x = DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow, NumericGetDatum(v->val.numeric)));
	if (!isfinite(x))
		bad_input(key, "the number is out of range");
	return x;
}

static bool
bool_of(const JsonbValue *v, const char *key)
{
	if (v->type != jbvBool)
		wrong_type(key, "a boolean", v);
	return v->val.boolean;
}

static char *
string_of(const JsonbValue *v, const char *key)
{
	if (v->type != jbvString)
		wrong_type(key, "a string", v);
	return pnstrdup(v->val.string.val, v->val.string.len);
}

/*
 * Instants PostgreSQL can place on a calendar in any time zone: a day inside
 * either end of timestamptz's range, so local wall clocks exist too.
 */
#define EVALUATE_MIN_TS (MIN_TIMESTAMP + USECS_PER_DAY)
#define EVALUATE_END_TS (END_TIMESTAMP - USECS_PER_DAY)

static void
check_instant(double epoch, const char *key)
{
	double		usec = (epoch - BIFROST_UNIX_EPOCH_OFFSET_SEC) * USECS_PER_SEC;

	if (!(usec >= (double) EVALUATE_MIN_TS && usec < (double) EVALUATE_END_TS))
	{
		char		what[128];

		snprintf(what, sizeof(what), "%s epoch seconds is outside the range of timestamptz",
				 float8out_internal(epoch));
		bad_input(key, what);
	}
}

/* An instant: an ISO-8601 string, or epoch seconds. */
static double
time_of(const JsonbValue *v, const char *key)
{
	if (v->type == jbvNumeric)
	{
		double		epoch = number_of(v, key);

		check_instant(epoch, key);
		return epoch;
	}
	if (v->type == jbvString)
	{
		char	   *text = string_of(v, key);
		MemoryContext context = CurrentMemoryContext;
		volatile TimestampTz ts = 0;
		volatile bool ok = true;

		/* timestamptz_in has no side effects: its error can be replaced by ours */
		PG_TRY();
		{
			ts = DatumGetTimestampTz(DirectFunctionCall3(timestamptz_in, CStringGetDatum(text),
														 ObjectIdGetDatum(InvalidOid),
														 Int32GetDatum(-1)));
		}
		PG_CATCH();
		{
			MemoryContextSwitchTo(context);
			FlushErrorState();
			ok = false;
		}
		PG_END_TRY();
		if (!ok || TIMESTAMP_NOT_FINITE(ts))
			bad_input(key, psprintf("\"%s\" is not a timestamp", echo_cstring(text)));
		check_instant(timestamptz_to_epoch(ts), key);
		return timestamptz_to_epoch(ts);
	}
	wrong_type(key, "a timestamp string or epoch seconds", v);
	return 0;					/* not reached */
}

/* The array container of v, with its element count. */
static JsonbContainer *
array_of(const JsonbValue *v, const char *key, int *n)
{
	if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data))
		wrong_type(key, "an array", v);
	*n = JsonContainerSize(v->val.binary.data);
	return v->val.binary.data;
}

static void
decode_quote(JsonbContainer *q, engine_input *in)
{
	static const char *const keys[] = {"bid", "ask", "ts", NULL};
	JsonbValue *v;

	only_keys(q, keys, "quote");
	if ((v = member(q, "bid")) == NULL)
		bad_input("quote.bid", "missing");
	in->bid = number_of(v, "quote.bid");
	if ((v = member(q, "ask")) == NULL)
		bad_input("quote.ask", "missing");
	in->ask = number_of(v, "quote.ask");
	in->quote_ts = (v = member(q, "ts")) ? time_of(v, "quote.ts") : in->now;
	in->has_quote = true;
}

static void
decode_leg(JsonbContainer *obj, int i, engine_leg *leg)
{
	static const char *const keys[] = {"id", "symbol", "option_right", "strike", "expiry",
	"quantity", "multiplier", "implied_vol", "created_at", "note", NULL};
	char		where[32];
	char		key[64];
	JsonbValue *v;

	snprintf(where, sizeof(where), "legs[%d]", i);
	only_keys(obj, keys, where);

#define LEG_KEY(name) (snprintf(key, sizeof(key), "%s.%s", where, name), key)
	if ((v = member(obj, "option_right")) == NULL)
		bad_input(LEG_KEY("option_right"), "missing");
	if (bs_parse_right(string_of(v, LEG_KEY("option_right")), &leg->right) != 0)
		bad_input(key, "expected C, P, call or put");
	if ((v = member(obj, "strike")) == NULL)
		bad_input(LEG_KEY("strike"), "missing");
	leg->strike = number_of(v, LEG_KEY("strike"));
	if (leg->strike <= 0)
		bad_input(key, "must be positive");
	if ((v = member(obj, "expiry")) == NULL)
		bad_input(LEG_KEY("expiry"), "missing");
	leg->expiry = time_of(v, LEG_KEY("expiry"));
	if ((v = member(obj, "quantity")) == NULL)
		bad_input(LEG_KEY("quantity"), "missing");
	leg->quantity = number_of(v, LEG_KEY("quantity"));
	leg->multiplier = (v = member(obj, "multiplier")) ? number_of(v, LEG_KEY("multiplier")) : 100;
	if (leg->multiplier <= 0)
		bad_input(LEG_KEY("multiplier"), "must be positive");
	v = member(obj, "implied_vol");
	leg->implied_vol = (v == NULL || v->type == jbvNull) ? NAN : number_of(v, LEG_KEY("implied_vol"));
	if (!isnan(leg->implied_vol) && leg->implied_vol <= 0)
		bad_input(LEG_KEY("implied_vol"), "must be positive (or null for greeks.volatility)");
#undef LEG_KEY
}

/*
 * Legs as bifrost.legs rows (multiplier in units of the underlying), counted
 * in lots of the hedge instrument as the worker counts them.
 */
static void
decode_legs(const JsonbValue *v, engine_input *in)
{
	int			n;
	JsonbContainer *arr = array_of(v, "legs", &n);
	JsonbIterator *it;
	JsonbValue	elem;
	JsonbIteratorToken tok;
	engine_leg *legs;
	int			i = 0;

	if (n > EVALUATE_MAX_LEGS)
		bad_input("legs", "more than 10000 legs");
	legs = palloc0(sizeof(engine_leg) * Max(n, 1));
	it = JsonbIteratorInit(arr);
	while ((tok = JsonbIteratorNext(&it, &elem, true)) != WJB_DONE)
	{
		char		where[32];

		if (tok != WJB_ELEM)
			continue;
		snprintf(where, sizeof(where), "legs[%d]", i);
		decode_leg(object_of(&elem, where), i, &legs[i]);
		legs[i].multiplier /= in->units_per_lot;
		i++;
	}
	in->legs = legs;
	in->n_legs = i;
}

static void
decode_prices(const JsonbValue *v, engine_input *in)
{
	int			n;
	JsonbContainer *arr = array_of(v, "prices", &n);
	JsonbIterator *it;
	JsonbValue	elem;
	JsonbIteratorToken tok;
	double	   *prices;
	int			i = 0;

	if (n > EVALUATE_MAX_PRICES)
		bad_input("prices", "more than 100000 prices");
	prices = palloc0(sizeof(double) * Max(n, 1));
	it = JsonbIteratorInit(arr);
	while ((tok = JsonbIteratorNext(&it, &elem, true)) != WJB_DONE)
		if (tok == WJB_ELEM)
		{
			prices[i] = number_of(&elem, "prices");
			if (prices[i] <= 0)
				bad_input("prices", "prices must be positive");
			i++;
		}
	in->prices = prices;
	in->n_prices = i;
}

/* Fills cfg and in from the input document; raises 22023 on anything malformed. */
static void
decode_input(Jsonb *input, engine_config *cfg, engine_input *in)
{
	static const char *const keys[] = {"config", "state", "event", "now", "quote", "spot",
		"legs", "greeks", "stock_position", "pending_hedge_qty", "last_hedge",
		"daily_hedge_count", "daily_pnl", "execution_state", "broker_connected",
	"faults_clear_since", "suspended", "prices", "units_per_lot", NULL};
	JsonbContainer *root;
	JsonbValue *v;

	if (!JB_ROOT_IS_OBJECT(input) || JB_ROOT_IS_SCALAR(input))
		bad_input("(input)", "expected a JSON object");
	root = &input->root;
	only_keys(root, keys, "");

	engine_glue_load_config(cfg);
	if ((v = member(root, "config")) != NULL)
	{
		JsonbContainer *overrides = object_of(v, "config");
		JsonbIterator *it = JsonbIteratorInit(overrides);
		JsonbValue	kv;
		JsonbIteratorToken tok;
		char	   *key = NULL;

		while ((tok = JsonbIteratorNext(&it, &kv, true)) != WJB_DONE)
		{
			if (tok == WJB_KEY)
				key = pnstrdup(kv.val.string.val, kv.val.string.len);
			else if (tok == WJB_VALUE)
				engine_glue_apply_key(cfg, key, JsonbValueToJsonb(&kv), "bifrost_evaluate input \"config\"");
		}
		engine_glue_check_config(cfg, "bifrost_evaluate input \"config\"");
	}

	engine_input_init(in);
	in->now = (v = member(root, "now")) ? time_of(v, "now") : timestamptz_to_epoch(GetCurrentTimestamp());
	if ((v = member(root, "state")) != NULL &&
		!trading_state_parse(string_of(v, "state"), &in->state))
		bad_input("state", "unknown trading state (BOOT, SYNC, IDLE, ARMED, MONITOR, NO_TRADE, PAUSE_COST, PAUSE_LIQ, NEED_HEDGE, HEDGING, SAFE)");
	if ((v = member(root, "event")) != NULL &&
		!trading_event_parse(string_of(v, "event"), &in->event))
		bad_input("event", "unknown trading event (start, synced, tick, quote, greeks_update, target_emitted, hedge_done, hedge_failed, data_stale, greeks_bad, broker_down, broker_up, manual_resume, shutdown)");
	if ((v = member(root, "quote")) != NULL && v->type != jbvNull)
		decode_quote(object_of(v, "quote"), in);
	if ((v = member(root, "spot")) != NULL && v->type != jbvNull)
		in->spot = number_of(v, "spot");
	if ((v = member(root, "units_per_lot")) != NULL)
	{
		in->units_per_lot = number_of(v, "units_per_lot");
		if (!(in->units_per_lot >= ENGINE_MIN_UNITS_PER_LOT &&
			  in->units_per_lot <= ENGINE_MAX_UNITS_PER_LOT))
			bad_input("units_per_lot", "expected a number from 1e-12 to 1e12");
	}
	if ((v = member(root, "legs")) != NULL)
		decode_legs(v, in);
	if ((v = member(root, "greeks")) != NULL && v->type != jbvNull)
	{
		static const char *const gkeys[] = {"net_delta", "gamma", "valid", NULL};
		JsonbContainer *g = object_of(v, "greeks");
		JsonbValue *gv;

		only_keys(g, gkeys, "greeks");
		if ((gv = member(g, "net_delta")) == NULL)
			bad_input("greeks.net_delta", "missing");
		in->greeks_net_delta = number_of(gv, "greeks.net_delta");
		in->greeks_gamma = (gv = member(g, "gamma")) ? number_of(gv, "greeks.gamma") : 0;
		in->greeks_valid = (gv = member(g, "valid")) ? bool_of(gv, "greeks.valid") : true;
		in->has_greeks = true;
	}
	if ((v = member(root, "stock_position")) != NULL)
		in->stock_position = number_of(v, "stock_position");
	if ((v = member(root, "pending_hedge_qty")) != NULL)
		in->pending_hedge_qty = number_of(v, "pending_hedge_qty");
	if ((v = member(root, "last_hedge")) != NULL && v->type != jbvNull)
	{
		static const char *const hkeys[] = {"price", "ts", NULL};
		JsonbContainer *h = object_of(v, "last_hedge");
		JsonbValue *hv;

		only_keys(h, hkeys, "last_hedge");
		if ((hv = member(h, "price")) != NULL && hv->type != jbvNull)
			in->last_hedge_price = number_of(hv, "last_hedge.price");
		if ((hv = member(h, "ts")) != NULL && hv->type != jbvNull)
			in->last_hedge_ts = time_of(hv, "last_hedge.ts");
	}
	if ((v = member(root, "daily_hedge_count")) != NULL)
	{
		double		count = number_of(v, "daily_hedge_count");

		if (count < 0 || count != floor(count) || count > INT_MAX)
			bad_input("daily_hedge_count", "expected a whole number >= 0");
		in->daily_hedge_count = (int) count;
	}
	if ((v = member(root, "daily_pnl")) != NULL)
		in->daily_pnl = number_of(v, "daily_pnl");
	if ((v = member(root, "execution_state")) != NULL &&
		!dim_e_parse(string_of(v, "execution_state"), &in->execution_state))
		bad_input("execution_state", "expected one of E0, E1, E2, E3, E4");
	if ((v = member(root, "broker_connected")) != NULL)
		in->broker_connected = bool_of(v, "broker_connected");
	if ((v = member(root, "faults_clear_since")) != NULL && v->type != jbvNull)
		in->faults_clear_since = time_of(v, "faults_clear_since");
	if ((v = member(root, "suspended")) != NULL)
		in->suspended = bool_of(v, "suspended");
	if ((v = member(root, "prices")) != NULL)
		decode_prices(v, in);

	engine_glue_clock(epoch_to_timestamptz(in->now), &in->clock);

	{
		int			bad_leg = -1;
		const char *bad = engine_input_check(in, &bad_leg);

		if (bad)
		{
			char		key[64];

			if (bad_leg >= 0 && strncmp(bad, "legs.", 5) == 0)
				snprintf(key, sizeof(key), "legs[%d].%s", bad_leg, bad + 5);
			else
				strlcpy(key, bad, sizeof(key));
			bad_input(key, strcmp(bad, "quote") == 0 ? "the quote is crossed (bid above ask)"
					  : "the value is outside the domain of a step (the README gives it)");
		}
	}
}

static void
put_number(StringInfo out, const char *key, double x)
{
	appendStringInfo(out, "\"%s\": ", key);
	if (isfinite(x))
		appendStringInfoString(out, float8out_internal(x));
	else
		appendStringInfoString(out, "null");
	appendStringInfoString(out, ", ");
}

static void
put_string(StringInfo out, const char *key, const char *value)
{
	appendStringInfo(out, "\"%s\": ", key);
	if (value)
		escape_json(out, value);
	else
		appendStringInfoString(out, "null");
	appendStringInfoString(out, ", ");
}

static void
put_bool(StringInfo out, const char *key, bool value)
{
	appendStringInfo(out, "\"%s\": %s, ", key, value ? "true" : "false");
}

/* The decision as a JSON document (the keys README documents, with the figures behind them). */
static Jsonb *
encode_output(const engine_output *o)
{
	StringInfoData out;

	initStringInfo(&out);
	appendStringInfoChar(&out, '{');
	put_number(&out, "net_delta", o->net_delta);
	put_number(&out, "gamma", o->gamma);
	put_number(&out, "option_delta", o->option_delta);
	put_number(&out, "spot", o->spot);
	put_bool(&out, "greeks_valid", o->greeks_valid);
	appendStringInfo(&out, "\"legs_active\": %d, \"legs_expired\": %d, ", o->legs_active, o->legs_expired);
	put_number(&out, "spread_pct", o->spread_pct);
	put_number(&out, "data_lag_ms", o->data_lag_ms);
	put_string(&out, "O", dim_o_code(o->dims.o));
	put_string(&out, "D", dim_d_code(o->dims.d));
	put_string(&out, "M", dim_m_code(o->dims.m));
	put_string(&out, "L", dim_l_code(o->dims.l));
	put_string(&out, "E", dim_e_code(o->dims.e));
	put_string(&out, "S", dim_s_code(o->dims.s));
	put_string(&out, "next_state", trading_state_name(o->next_state));

	appendStringInfoString(&out, "\"guards\": {");
	for (int i = 0; i < TRADING_GUARD_COUNT; i++)
		appendStringInfo(&out, "%s\"%s\": %s", i ? ", " : "", trading_guard_name(i),
						 trading_guard_value(&o->guards, i) ? "true" : "false");
	appendStringInfoString(&out, "}, ");

	if (o->intent.present)
		appendStringInfo(&out, "\"intent\": {\"side\": \"%s\", \"qty\": " INT64_FORMAT ", \"force\": %s}, ",
						 hedge_side_name(o->intent.side), o->intent.qty,
						 o->intent.force ? "true" : "false");
	else
		appendStringInfoString(&out, "\"intent\": null, ");
	put_string(&out, "block_reason", guard_reason_name(o->block_reason));

	appendStringInfoString(&out, "\"blocked_by\": [");
	for (int r = 1, n = 0; r < GUARD_REASON_COUNT && r < 32; r++)
		if (o->block_mask & GUARD_BIT(r))
			appendStringInfo(&out, "%s\"%s\"", n++ ? ", " : "", guard_reason_name((guard_reason) r));
	appendStringInfoString(&out, "], ");

	put_bool(&out, "fault", o->fault);
	appendStringInfoString(&out, "\"faults_clear_since\": ");
	if (isfinite(o->faults_clear_since))
	{
		char		buf[MAXDATELEN + 1];

		appendStringInfo(&out, "\"%s\"",
						 JsonEncodeDateTime(buf, TimestampTzGetDatum(epoch_to_timestamptz(o->faults_clear_since)),
											TIMESTAMPTZOID, NULL));
	}
	else
		appendStringInfoString(&out, "null");
	appendStringInfoChar(&out, '}');

	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(out.data)));
}

Datum
bifrost_evaluate(PG_FUNCTION_ARGS)
{
	Jsonb	   *input = PG_GETARG_JSONB_P(0);
	engine_config cfg;
	engine_input in;
	engine_output out;
	Jsonb	   *result;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	decode_input(input, &cfg, &in);
	SPI_finish();

	engine_evaluate(&cfg, &in, &out);
	result = encode_output(&out);
	PG_RETURN_JSONB_P(result);
}
