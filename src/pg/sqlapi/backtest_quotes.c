/*
 * backtest_quotes.c: bifrost.backtest_quotes(source, symbol, from_ts, to_ts,
 * timeframe, spread_bps), the quotes a backtest of a source sees, as rows:
 * the quote source of src/pg/backtest/ read to the end into the result.
 *
 * Every argument is checked here (the function is not STRICT: timeframe is
 * NULL for ticks); a bad one raises 22023 naming it and its value.  ticks
 * take no timeframe, candles need one; spread_bps must be a finite number in
 * [0, 20000) whatever the source, and only candles use it.
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "pg/backtest/quote_source.h"
#include "pg/common/echo.h"

PG_FUNCTION_INFO_V1(bifrost_backtest_quotes);

/* The spread model's bound (bps): at 20000 the bid would be 0. */
#define BIFROST_MAX_SPREAD_BPS 20000.0
/* Quotes taken from the source at a time. */
#define BACKTEST_QUOTES_CHUNK 1024

enum
{
	ARG_SOURCE, ARG_SYMBOL, ARG_FROM_TS, ARG_TO_TS, ARG_TIMEFRAME, ARG_SPREAD_BPS
};

static const char *const arg_names[] = {"source", "symbol", "from_ts", "to_ts", "timeframe", "spread_bps"};

static void
refuse(int arg, const char *shown, const char *detail, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid value %s for argument \"%s\" of bifrost.backtest_quotes", shown, arg_names[arg]),
			 detail ? errdetail("%s", detail) : 0,
			 errhint("%s", hint)));
}

/* A text argument as a message shows it: quoted and cut, or NULL. */
static char *
shown_text(FunctionCallInfo fcinfo, int arg)
{
	return PG_ARGISNULL(arg) ? pstrdup("NULL") : psprintf("\"%s\"", echo_text(PG_GETARG_TEXT_PP(arg)));
}

static char *
shown_timestamptz(TimestampTz t)
{
	return DatumGetCString(DirectFunctionCall1(timestamptz_out, TimestampTzGetDatum(t)));
}

Datum
bifrost_backtest_quotes(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	const char *source;
	const char *symbol;
	const char *timeframe = NULL;
	TimestampTz from_ts;
	TimestampTz to_ts;
	double		spread_bps;
	bool		ticks;
	quote_source *src;
	backtest_source_quote *quotes;
	int			n;

	for (int arg = ARG_SOURCE; arg <= ARG_TO_TS; arg++)
		if (PG_ARGISNULL(arg))
			refuse(arg, "NULL", NULL, "Pass a value: only timeframe may be NULL, and only for ticks.");

	source = text_to_cstring(PG_GETARG_TEXT_PP(ARG_SOURCE));
	ticks = strcmp(source, "ticks") == 0;
	if (!ticks && strcmp(source, "candles") != 0)
		refuse(ARG_SOURCE, shown_text(fcinfo, ARG_SOURCE), NULL,
			   "Pass 'ticks' (the recorded quotes of bifrost.ticks) or 'candles' (the bars of bifrost.market_data).");

	symbol = text_to_cstring(PG_GETARG_TEXT_PP(ARG_SYMBOL));
	if (symbol[0] == '\0')
		refuse(ARG_SYMBOL, shown_text(fcinfo, ARG_SYMBOL), NULL,
			   "Pass the instrument as the table stores it, e.g. BTC-USDT-SWAP.");

	from_ts = PG_GETARG_TIMESTAMPTZ(ARG_FROM_TS);
	to_ts = PG_GETARG_TIMESTAMPTZ(ARG_TO_TS);
	if (!(from_ts < to_ts))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid range from %s to %s of bifrost.backtest_quotes",
						shown_timestamptz(from_ts), shown_timestamptz(to_ts)),
				 errdetail("The range is from_ts inclusive to to_ts exclusive, so to_ts must be later than from_ts."),
				 errhint("Pass a to_ts after from_ts; -infinity and infinity leave an end open.")));

	if (ticks && !PG_ARGISNULL(ARG_TIMEFRAME))
		refuse(ARG_TIMEFRAME, shown_text(fcinfo, ARG_TIMEFRAME), "Ticks have no timeframe.",
			   "Pass NULL, or leave timeframe out, for ticks.");
	if (!ticks)
	{
		if (!PG_ARGISNULL(ARG_TIMEFRAME))
			timeframe = text_to_cstring(PG_GETARG_TEXT_PP(ARG_TIMEFRAME));
		if (timeframe == NULL || quote_source_bar_seconds(timeframe) == 0)
			refuse(ARG_TIMEFRAME, shown_text(fcinfo, ARG_TIMEFRAME),
				   "Candles are read by timeframe: 15m, 1h, 4h or 1d.",
				   "Pass one of 15m, 1h, 4h, 1d, as bifrost.market_data stores it.");
	}

	if (PG_ARGISNULL(ARG_SPREAD_BPS))
		refuse(ARG_SPREAD_BPS, "NULL", NULL, "Pass the bid-ask spread of the candles' quotes in basis points, e.g. 2.");
	spread_bps = PG_GETARG_FLOAT8(ARG_SPREAD_BPS);
	if (!(isfinite(spread_bps) && spread_bps >= 0 && spread_bps < BIFROST_MAX_SPREAD_BPS))
		refuse(ARG_SPREAD_BPS,
			   DatumGetCString(DirectFunctionCall1(float8out, Float8GetDatum(spread_bps))),
			   "spread_bps is the full bid-ask spread around a candle's close, in basis points of the close.",
			   "Pass a number from 0 up to (not including) 20000, e.g. 2; ticks ignore it.");

	InitMaterializedSRF(fcinfo, 0);
	src = ticks ? quote_source_open_ticks(symbol, from_ts, to_ts)
		: quote_source_open_candles(symbol, timeframe, spread_bps, from_ts, to_ts);
	quotes = palloc(sizeof(backtest_source_quote) * BACKTEST_QUOTES_CHUNK);
	while ((n = quote_source_next(src, quotes, BACKTEST_QUOTES_CHUNK)) > 0)
	{
		for (int i = 0; i < n; i++)
		{
			Datum		values[3];
			bool		nulls[3] = {false, false, false};

			values[0] = TimestampTzGetDatum(quote_source_timestamptz(quotes[i].ts));
			/* a one-sided tick's missing side is no price: NULL, as in the table */
			values[1] = Float8GetDatum(quotes[i].bid);
			values[2] = Float8GetDatum(quotes[i].ask);
			nulls[1] = isnan(quotes[i].bid);
			nulls[2] = isnan(quotes[i].ask);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	quote_source_close(src);
	pfree(quotes);
	return (Datum) 0;
}
