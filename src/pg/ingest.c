/*
 * ingest.c: bifrost_ingest(source, symbol, data_type, timeframe, since): market data from OKX into
 * bifrost.market_data (seed 003 §5), one bifrost.ingestion_runs row per call.
 *
 * Candles are read newest first, page by page (after = the oldest bar of the previous page), from
 * the newest stored confirmed bar (or `since`, or 30 days back) up to now; they are upserted so that a
 * bar still forming (confirm "0") is replaced once it closes, and a confirmed bar is never rewritten.
 * Every transfer has bifrost.http_timeout_ms, honours query cancel, and keeps below OKX's published
 * rate limits; HTTP 429 / 50011 back off and retry a bounded number of times.  A failure of the venue
 * (network, HTTP error, malformed answer) is recorded in the run row and reported as a WARNING; bad
 * arguments raise 22023.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "storage/latch.h"
#include "utils/array.h"
/* PostgreSQL's SQL function json_object() would clash with json-c's type of that name */
#define json_object pg_sql_json_object
#include "utils/builtins.h"
#undef json_object
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "../net/http.h"
#include "../net/okx_parse.h"
#include "engine_glue.h"
#include "guc.h"

PG_FUNCTION_INFO_V1(bifrost_ingest);

#define INGEST_PAGE_CANDLES 300		/* /market/candles cap */
#define INGEST_PAGE_HISTORY 100		/* /market/history-candles: 100 is safe on every API version */
#define INGEST_RECENT_BARS 1440		/* /market/candles reaches this far back */
#define INGEST_MAX_PAGES 20000
#define INGEST_MAX_RETRIES 5
#define INGEST_DEFAULT_DAYS 30
/* Requests per second kept below OKX's limits (candles 40 / 2 s, history 20 / 2 s). */
#define INGEST_MIN_INTERVAL_MS 110

typedef struct timeframe_spec
{
	const char *name;			/* ours */
	const char *bar;			/* OKX's: daily bars aligned to UTC midnight */
	int64		ms;
} timeframe_spec;

static const timeframe_spec timeframes[] = {
	{"15m", "15m", 15 * 60 * 1000LL},
	{"1h", "1H", 60 * 60 * 1000LL},
	{"4h", "4H", 4 * 60 * 60 * 1000LL},
	{"1d", "1Dutc", 24 * 60 * 60 * 1000LL},
};

static TimestampTz last_request_at = 0;

static void
bad_argument(const char *arg, const char *value, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid value \"%s\" for argument \"%s\" of bifrost_ingest", value ? value : "NULL", arg),
			 hint ? errhint("%s", hint) : 0));
}

/* Interrupts stop a transfer; the caller raises them once libcurl has returned. */
static bool
backend_should_abort(void *arg)
{
	return InterruptPending;
}

/* Waits on the latch, so a cancel ends the wait at once. */
static void
interruptible_sleep(long ms)
{
	while (ms > 0)
	{
		long		step = Min(ms, 100);

		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, step, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
		ms -= step;
	}
}

/*
 * GET base_url + path: the body (malloc'd, caller frees with http_response_free) or NULL with why.
 * Paced below the rate limits; 429 and 50011 are retried with growing waits.
 */
static bool
okx_get(const char *path, http_response *resp, char *why, size_t whylen)
{
	char		url[1024];

	if (snprintf(url, sizeof(url), "%s%s", bifrost_okx_base_url, path) >= (int) sizeof(url))
	{
		snprintf(why, whylen, "URL too long");
		return false;
	}
	for (int attempt = 0; attempt <= INGEST_MAX_RETRIES; attempt++)
	{
		http_request req = {0};
		long		since_last = (long) ((GetCurrentTimestamp() - last_request_at) / 1000);

		if (since_last < INGEST_MIN_INTERVAL_MS)
			interruptible_sleep(INGEST_MIN_INTERVAL_MS - since_last);
		req.method = "GET";
		req.url = url;
		req.timeout_ms = bifrost_http_timeout_ms;
		req.should_abort = backend_should_abort;
		http_perform(&req, resp);
		last_request_at = GetCurrentTimestamp();
		CHECK_FOR_INTERRUPTS();

		if (resp->outcome != HTTP_DONE)
		{
			snprintf(why, whylen, "GET %s: %s", path, resp->error);
			return false;
		}
		if (resp->status == 429 ||
			(resp->status == 200 && resp->body && strstr(resp->body, "\"50011\"") != NULL))
		{
			http_response_free(resp);
			interruptible_sleep(500L << attempt);	/* 0.5, 1, 2, 4, 8 s */
			continue;
		}
		if (resp->status != 200)
		{
			snprintf(why, whylen, "GET %s answered HTTP %ld", path, resp->status);
			http_response_free(resp);
			return false;
		}
		return true;
	}
	snprintf(why, whylen, "GET %s: still rate limited after %d retries", path, INGEST_MAX_RETRIES);
	return false;
}

static int64
now_ms(void)
{
	return (int64) llround(timestamptz_to_epoch(GetCurrentTimestamp()) * 1000.0);
}

/* The first bar to read: the newest confirmed one stored, else since, else 30 days back. */
static int64
candle_start_ms(const char *symbol, const char *timeframe, TimestampTz since, bool have_since)
{
	Oid			types[2] = {TEXTOID, TEXTOID};
	Datum		values[2] = {CStringGetTextDatum(symbol), CStringGetTextDatum(timeframe)};
	bool		isnull;
	Datum		d;

	if (have_since)
		return (int64) llround(timestamptz_to_epoch(since) * 1000.0);
	if (SPI_execute_with_args("SELECT max(ts) FROM bifrost.market_data"
							  " WHERE symbol = $1 AND timeframe = $2 AND confirmed",
							  2, types, values, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read bifrost.market_data");
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (!isnull)
		return (int64) llround(timestamptz_to_epoch(DatumGetTimestampTz(d)) * 1000.0);
	return now_ms() - (int64) INGEST_DEFAULT_DAYS * 86400 * 1000;
}

/* Upserts one page; returns the rows new or changed (a forming bar replaced counts). */
static int
store_candles(const char *symbol, const char *timeframe, const okx_candle *rows, int n, int64 start)
{
	Datum	   *ts = palloc(sizeof(Datum) * n);
	Datum	   *cols[6];
	Datum	   *confirmed = palloc(sizeof(Datum) * n);
	int			m = 0;
	Oid			types[10] = {TEXTOID, TEXTOID, FLOAT8ARRAYOID, TEXTARRAYOID, TEXTARRAYOID,
	TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID, BOOLARRAYOID};
	Datum		values[9];
	int			rc;

	for (int c = 0; c < 5; c++)
		cols[c] = palloc(sizeof(Datum) * n);
	for (int i = 0; i < n; i++)
	{
		if (rows[i].ts < start)
			continue;
		ts[m] = Float8GetDatum(rows[i].ts / 1000.0);
		cols[0][m] = CStringGetTextDatum(rows[i].open);
		cols[1][m] = CStringGetTextDatum(rows[i].high);
		cols[2][m] = CStringGetTextDatum(rows[i].low);
		cols[3][m] = CStringGetTextDatum(rows[i].close);
		cols[4][m] = CStringGetTextDatum(rows[i].vol);
		confirmed[m] = BoolGetDatum(rows[i].confirm);
		m++;
	}
	if (m == 0)
		return 0;
	values[0] = CStringGetTextDatum(symbol);
	values[1] = CStringGetTextDatum(timeframe);
	values[2] = PointerGetDatum(construct_array(ts, m, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	for (int c = 0; c < 5; c++)
		values[3 + c] = PointerGetDatum(construct_array(cols[c], m, TEXTOID, -1, false, TYPALIGN_INT));
	values[8] = PointerGetDatum(construct_array(confirmed, m, BOOLOID, 1, true, TYPALIGN_CHAR));

	/* numbers go from the venue's text to numeric exactly: no double on the money path */
	rc = SPI_execute_with_args(
							   "INSERT INTO bifrost.market_data AS m (symbol, timeframe, ts, open, high, low, close,"
							   "   volume, confirmed)"
							   " SELECT $1, $2, to_timestamp(t), o::numeric, h::numeric, l::numeric, c::numeric,"
							   "   v::numeric, k"
							   " FROM unnest($3, $4, $5, $6, $7, $8, $9) AS x(t, o, h, l, c, v, k)"
							   " ON CONFLICT (symbol, timeframe, ts) DO UPDATE SET open = EXCLUDED.open,"
							   "   high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close,"
							   "   volume = EXCLUDED.volume, confirmed = EXCLUDED.confirmed, updated_at = now()"
							   " WHERE NOT m.confirmed",
							   9, types, values, NULL, false, 0);
	if (rc != SPI_OK_INSERT)
		elog(ERROR, "could not store candles: %s", SPI_result_code_string(rc));
	return (int) SPI_processed;
}

/* Reads candles from start to now, newest first; false with why on a venue failure. */
static bool
ingest_candles(const char *symbol, const timeframe_spec *tf, int64 start, int *changed,
			   char *why, size_t whylen)
{
	okx_candle *rows = palloc(sizeof(okx_candle) * INGEST_PAGE_CANDLES);
	int64		after = 0;		/* 0: the newest page */
	int64		recent_limit = now_ms() - (int64) INGEST_RECENT_BARS * tf->ms;

	*changed = 0;
	for (int page = 0; page < INGEST_MAX_PAGES; page++)
	{
		char		path[256];
		bool		history = after != 0 && after < recent_limit;
		int			limit = history ? INGEST_PAGE_HISTORY : INGEST_PAGE_CANDLES;
		http_response resp;
		jsonu_error err;
		int			n = 0;
		int64		oldest;

		snprintf(path, sizeof(path), "/api/v5/market/%s?instId=%s&bar=%s&limit=%d%s" INT64_FORMAT,
				 history ? "history-candles" : "candles", symbol, tf->bar, limit,
				 after ? "&after=" : "", after ? after : (int64) 0);
		if (!after)
			path[strlen(path) - 1] = '\0';	/* drop the 0 printed for no "after" */
		if (!okx_get(path, &resp, why, whylen))
			return false;
		if (okx_parse_candles(resp.body, resp.body_len, rows, INGEST_PAGE_CANDLES, &n, &err) != JSONU_OK)
		{
			snprintf(why, whylen, "GET %s: %s%s%s", path, err.msg,
					 err.venue_code[0] ? " (OKX code " : "", err.venue_code[0] ? err.venue_code : "");
			if (err.venue_code[0])
				strlcat(why, ")", whylen);
			http_response_free(&resp);
			return false;
		}
		http_response_free(&resp);
		if (n == 0)
			break;
		*changed += store_candles(symbol, tf->name, rows, n, start);
		oldest = rows[n - 1].ts;
		for (int i = 0; i < n; i++)
			oldest = Min(oldest, rows[i].ts);
		if (oldest <= start)
			break;
		after = oldest;
	}
	return true;
}

static int64
start_run(const char *symbol, const char *data_type, const char *timeframe)
{
	Oid			types[3] = {TEXTOID, TEXTOID, TEXTOID};
	Datum		values[3] = {CStringGetTextDatum(symbol), CStringGetTextDatum(data_type),
	timeframe ? CStringGetTextDatum(timeframe) : (Datum) 0};
	bool		isnull;

	if (SPI_execute_with_args("INSERT INTO bifrost.ingestion_runs (source, symbol, data_type, timeframe)"
							  " VALUES ('okx', $1, $2, $3) RETURNING id",
							  3, types, values, timeframe ? NULL : "  n", false, 1) != SPI_OK_INSERT_RETURNING)
		elog(ERROR, "could not record the ingestion run");
	return DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

static void
end_run(int64 id, bool ok, int rows, const char *error)
{
	Oid			types[4] = {INT8OID, TEXTOID, INT4OID, TEXTOID};
	Datum		values[4] = {Int64GetDatum(id), CStringGetTextDatum(ok ? "success" : "failed"),
	Int32GetDatum(rows), error ? CStringGetTextDatum(error) : (Datum) 0};

	if (SPI_execute_with_args("UPDATE bifrost.ingestion_runs SET status = $2, rows_inserted = $3,"
							  " error = $4, ended_at = clock_timestamp() WHERE id = $1",
							  4, types, values, error ? NULL : "   n", false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "could not record the end of the ingestion run");
}

/* Instrument ids are letters, digits and dashes: nothing else reaches a URL. */
static bool
valid_inst_id(const char *s)
{
	size_t		len = strlen(s);

	if (len == 0 || len >= OKX_INST_SIZE)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return false;
	return true;
}

Datum
bifrost_ingest(PG_FUNCTION_ARGS)
{
	char	   *source = PG_ARGISNULL(0) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *symbol = PG_ARGISNULL(1) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(1));
	char	   *data_type = PG_ARGISNULL(2) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(2));
	char	   *timeframe = PG_ARGISNULL(3) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(3));
	bool		have_since = !PG_ARGISNULL(4);
	TimestampTz since = have_since ? PG_GETARG_TIMESTAMPTZ(4) : 0;
	const timeframe_spec *tf = NULL;
	char		why[512] = "";
	char		err[256];
	int			changed = 0;
	bool		ok;
	int64		run;

	if (source == NULL || strcmp(source, "okx") != 0)
		bad_argument("source", source, "The only source is okx.");
	if (symbol == NULL || !valid_inst_id(symbol))
		bad_argument("symbol", symbol, "Use the venue's instrument id, e.g. BTC-USDT-SWAP.");
	if (data_type == NULL)
		bad_argument("data_type", NULL, "Data types: ohlcv, funding_rate, price_snapshot, open_interest, long_short_ratio.");
	if (strcmp(data_type, "ohlcv") != 0)
	{
		if (strcmp(data_type, "funding_rate") == 0 || strcmp(data_type, "price_snapshot") == 0 ||
			strcmp(data_type, "open_interest") == 0 || strcmp(data_type, "long_short_ratio") == 0)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("bifrost_ingest cannot ingest data type \"%s\" yet", data_type),
					 errhint("This version ingests ohlcv candles.")));
		bad_argument("data_type", data_type, "Data types: ohlcv, funding_rate, price_snapshot, open_interest, long_short_ratio.");
	}
	for (size_t i = 0; timeframe && i < lengthof(timeframes); i++)
		if (strcmp(timeframes[i].name, timeframe) == 0)
			tf = &timeframes[i];
	if (tf == NULL)
		bad_argument("timeframe", timeframe, "Candle timeframes are 15m, 1h, 4h and 1d.");
	if (have_since && (TIMESTAMP_NOT_FINITE(since) || since > GetCurrentTimestamp()))
		bad_argument("since", DatumGetCString(DirectFunctionCall1(timestamptz_out, TimestampTzGetDatum(since))),
					 "Pass a finite time in the past, or NULL to continue from the newest stored bar.");
	if (!http_global_init(err, sizeof(err)))
		elog(ERROR, "bifrost: %s", err);

	SPI_connect();
	run = start_run(symbol, data_type, tf->name);
	ok = ingest_candles(symbol, tf, candle_start_ms(symbol, tf->name, since, have_since), &changed,
						why, sizeof(why));
	end_run(run, ok, changed, ok ? NULL : why);
	SPI_finish();

	if (!ok)
		ereport(WARNING,
				(errmsg("ingestion of okx %s %s %s failed: %s", symbol, data_type, tf->name, why),
				 errdetail("%d rows were stored before the failure; bifrost.ingestion_runs row %lld says why.",
						   changed, (long long) run)));
	PG_RETURN_INT32(changed);
}
