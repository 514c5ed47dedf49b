/*
 * ingest_common.c: what every ingestion shares (ingest.h): the check of a
 * request, the run rows of bifrost.ingestion_runs, rate-limited transfers to
 * OKX with back-off, exact conversions and saved plans.
 *
 * Each OKX endpoint has its own token bucket (rate_limit.h) sized from the
 * venue's published limit (reference §2.2), kept for the life of the
 * process, so repeated calls and the ingest worker's rounds stay below it.
 * bifrost.ingest_rate_limit = off skips the buckets (a benchmark against a
 * local mock); the back-off after HTTP 429 or OKX 50011 always applies.
 */
#include "postgres.h"

#include <sys/time.h>

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "miscadmin.h"
#include "storage/latch.h"
#include "storage/lock.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "net/http.h"
#include "net/rate_limit.h"
#include "pg/guc.h"
#include "pg/ingest/ingest.h"
#include "pg/common/private_lock.h"

const char *const ingest_data_type_names[] = {
	"ohlcv", "funding_rate", "price_snapshot", "open_interest", "long_short_ratio"
};

/* OKX bars: daily ones aligned to UTC midnight (plain 1D opens at 16:00 UTC). */
static const ingest_timeframe candle_bars[] = {
	{"15m", "15m", 15 * 60 * 1000LL},
	{"1h", "1H", 60 * 60 * 1000LL},
	{"4h", "4H", 4 * 60 * 60 * 1000LL},
	{"1d", "1Dutc", 24 * 60 * 60 * 1000LL},
};

/* Periods of the long/short account ratio; 5m is OKX's default. */
static const ingest_timeframe ratio_periods[] = {
	{"5m", "5m", 5 * 60 * 1000LL},
	{"1h", "1H", 60 * 60 * 1000LL},
	{"1d", "1D", 24 * 60 * 60 * 1000LL},
};

#define DATA_TYPES_HINT "Data types: ohlcv, funding_rate, price_snapshot, open_interest, long_short_ratio."

ingest_timing ingest_last_timing;

/* First key of the series locks (two-key advisory locks): "BFSI". */
#define INGEST_LOCK_KEY1 0x42465349

/* --- requests --- */

/* Instrument ids are letters, digits and dashes: nothing else reaches a URL. */
static bool
valid_inst_id(const char *s)
{
	size_t		len = strlen(s);

	if (len == 0 || len >= OKX_INST_SIZE || s[0] == '-' || s[len - 1] == '-' || strstr(s, "--"))
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return false;
	return true;
}

static bool
is_swap(const char *inst)
{
	size_t		len = strlen(inst);

	return len > 5 && strcmp(inst + len - 5, "-SWAP") == 0;
}

/* Spot pairs are BASE-QUOTE; every derivative has a third part (SWAP, an expiry, ...). */
static bool
is_derivative(const char *inst)
{
	const char *dash = strchr(inst, '-');

	return dash != NULL && strchr(dash + 1, '-') != NULL;
}

static const ingest_timeframe *
find_timeframe(const ingest_timeframe *list, size_t n, const char *name)
{
	for (size_t i = 0; name && i < n; i++)
		if (strcmp(list[i].name, name) == 0)
			return &list[i];
	return NULL;
}

const char *
ingest_request_init(ingest_request *req, const char *source, const char *symbol,
					const char *data_type, const char *timeframe, const char **hint)
{
	int			type = -1;

	memset(req, 0, sizeof(*req));
	*hint = NULL;
	if (source == NULL || strcmp(source, "okx") != 0)
	{
		*hint = "The only source is okx.";
		return "source";
	}
	if (symbol == NULL || !valid_inst_id(symbol))
	{
		*hint = "Use the venue's instrument id, e.g. BTC-USDT-SWAP.";
		return "symbol";
	}
	strlcpy(req->symbol, symbol, sizeof(req->symbol));
	for (int i = 0; data_type && i < (int) lengthof(ingest_data_type_names); i++)
		if (strcmp(ingest_data_type_names[i], data_type) == 0)
			type = i;
	if (type < 0)
	{
		*hint = DATA_TYPES_HINT;
		return "data_type";
	}
	req->type = (ingest_data_type) type;

	switch (req->type)
	{
		case INGEST_OHLCV:
			req->tf = find_timeframe(candle_bars, lengthof(candle_bars), timeframe);
			if (req->tf == NULL)
			{
				*hint = "Candle timeframes are 15m, 1h, 4h and 1d.";
				return "timeframe";
			}
			return NULL;
		case INGEST_LONG_SHORT_RATIO:
			req->tf = find_timeframe(ratio_periods, lengthof(ratio_periods), timeframe ? timeframe : "5m");
			if (req->tf == NULL)
			{
				*hint = "The long/short ratio comes in periods of 5m (the default), 1h and 1d.";
				return "timeframe";
			}
			return NULL;
		default:
			break;
	}
	if (timeframe != NULL)
	{
		*hint = "Only ohlcv (the bar) and long_short_ratio (the period) take a timeframe; pass NULL.";
		return "timeframe";
	}
	if (req->type == INGEST_FUNDING_RATE && !is_swap(symbol))
	{
		*hint = "Funding rates exist for perpetual swaps only, e.g. BTC-USDT-SWAP.";
		return "symbol";
	}
	if (req->type == INGEST_OPEN_INTEREST && !is_derivative(symbol))
	{
		*hint = "Open interest exists for swaps, futures and options, e.g. BTC-USDT-SWAP.";
		return "symbol";
	}
	return NULL;
}

void
ingest_request_label(const ingest_request *req, char *buf, size_t len)
{
	snprintf(buf, len, "okx %s %s%s%s", req->symbol, ingest_data_type_names[req->type],
			 req->tf ? " " : "", req->tf ? req->tf->name : "");
}

/* --- time and numbers --- */

#define UNIX_EPOCH_PG_MS ((int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY * 1000)

TimestampTz
ingest_ms_to_timestamptz(int64 ms)
{
	return (ms - UNIX_EPOCH_PG_MS) * 1000;
}

int64
ingest_timestamptz_to_ms(TimestampTz t)
{
	/* floor, so a time just before a millisecond never rounds up into it */
	int64		ms = t / 1000 - (t % 1000 < 0 ? 1 : 0);

	return ms + UNIX_EPOCH_PG_MS;
}

int64
ingest_now_ms(void)
{
	return ingest_timestamptz_to_ms(GetCurrentTimestamp());
}

Datum
ingest_numeric(const char *dec)
{
	/* the parsers validated the text: numeric_in cannot fail on it */
	return DirectFunctionCall3(numeric_in, CStringGetDatum(dec), ObjectIdGetDatum(InvalidOid),
							   Int32GetDatum(-1));
}

void
ingest_clock_lap(instr_time *t0, double *acc)
{
	instr_time	now;

	INSTR_TIME_SET_CURRENT(now);
	INSTR_TIME_SUBTRACT(now, *t0);
	*acc += INSTR_TIME_GET_DOUBLE(now);
	INSTR_TIME_SET_CURRENT(*t0);
}

uint64
ingest_exec(SPIPlanPtr plan, Datum *values, const char *nulls, int expected)
{
	int			rc = SPI_execute_plan(plan, values, nulls, false, 0);

	if (rc != expected)
		elog(ERROR, "bifrost: ingestion statement failed: %s", SPI_result_code_string(rc));
	return SPI_processed;
}

bool
ingest_latest(const char *sql, const char *symbol, TimestampTz *latest)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1] = {CStringGetTextDatum(symbol)};
	bool		isnull;
	Datum		d;

	if (SPI_execute_plan(store_saved_plan(sql, 1, types), values, NULL, true, 1) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "bifrost: could not read the newest stored row");
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (isnull)
		return false;
	*latest = DatumGetTimestampTz(d);
	return true;
}

int64
ingest_start_ms(const ingest_request *req, const char *latest_sql)
{
	TimestampTz latest;

	if (req->have_since)
		return ingest_timestamptz_to_ms(req->since);
	if (ingest_latest(latest_sql, req->symbol, &latest))
		return ingest_timestamptz_to_ms(latest);
	return ingest_now_ms() - (int64) INGEST_DEFAULT_DAYS * 86400 * 1000;
}

/* --- transfers --- */

/* Published limits (reference §2.2): requests per 2 s window. */
typedef struct endpoint_limit
{
	const char *endpoint;
	double		requests;
	bool		ready;
	rate_limit	bucket;
} endpoint_limit;

static endpoint_limit limits[] = {
	{"/api/v5/market/candles", 40},
	{"/api/v5/market/history-candles", 20},
	{"/api/v5/market/ticker", 20},
	{"/api/v5/market/index-tickers", 20},
	{"/api/v5/public/funding-rate", 10},
	{"/api/v5/public/funding-rate-history", 10},
	{"/api/v5/public/mark-price", 10},
	{"/api/v5/public/open-interest", 20},
	{"/api/v5/rubik/stat/contracts/long-short-account-ratio", 5},
};

#define LIMIT_WINDOW_S 2.0

static rate_limit *
bucket_for(const char *endpoint)
{
	for (size_t i = 0; i < lengthof(limits); i++)
		if (strcmp(limits[i].endpoint, endpoint) == 0)
		{
			if (!limits[i].ready)
			{
				rate_limit_init(&limits[i].bucket, limits[i].requests, LIMIT_WINDOW_S);
				limits[i].ready = true;
			}
			return &limits[i].bucket;
		}
	elog(ERROR, "bifrost: no rate limit known for %s", endpoint);
	return NULL;				/* keep the compiler quiet */
}

static double
wall_seconds(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double) tv.tv_sec + (double) tv.tv_usec / 1e6;
}

/* Waits on the latch, so a cancel or SIGTERM ends the wait at once. */
static void
interruptible_sleep(double seconds)
{
	TimestampTz until = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), (long) (seconds * 1000.0 + 0.5));

	for (;;)
	{
		long		left = TimestampDifferenceMilliseconds(GetCurrentTimestamp(), until);

		CHECK_FOR_INTERRUPTS();
		if (left <= 0)
			return;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, Min(left, 100),
						 PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
	}
}

/* Interrupts (cancel, statement timeout, SIGTERM) stop a transfer; raised once libcurl returned. */
static bool
should_abort(void *arg)
{
	return InterruptPending;
}

/* Seconds to wait before the next request may go; takes the token when 0. */
static double
token_wait(rate_limit *bucket)
{
	double		now = wall_seconds();

	if (!bifrost_ingest_rate_limit)
		return now < bucket->blocked_until ? bucket->blocked_until - now : 0;
	return rate_limit_wait(bucket, now);
}

bool
ingest_okx_get(const char *endpoint, const char *query, ingest_parse_fn parse, void *arg,
			   char *why, size_t whylen)
{
	rate_limit *bucket = bucket_for(endpoint);
	char		url[1024];
	char		path[512];
	ingest_timing *t = &ingest_last_timing;

	snprintf(path, sizeof(path), "%s%s%s", endpoint, query && query[0] ? "?" : "", query ? query : "");
	if (snprintf(url, sizeof(url), "%s%s", bifrost_okx_base_url, path) >= (int) sizeof(url))
	{
		snprintf(why, whylen, "GET %s: URL too long", path);
		return false;
	}
	for (int attempt = 0;; attempt++)
	{
		http_request req = {0};
		http_response resp;
		jsonu_error err;
		jsonu_status st;
		double		wait;
		instr_time	t0;

		INSTR_TIME_SET_CURRENT(t0);
		while ((wait = token_wait(bucket)) > 0)
			interruptible_sleep(wait);
		ingest_clock_lap(&t0, &t->wait_s);

		req.method = "GET";
		req.url = url;
		req.timeout_ms = bifrost_http_timeout_ms;
		req.should_abort = should_abort;
		http_perform(&req, &resp);
		t->requests++;
		ingest_clock_lap(&t0, &t->http_s);
		if (resp.outcome != HTTP_DONE)
		{
			http_response_free(&resp);
			CHECK_FOR_INTERRUPTS();
			snprintf(why, whylen, "GET %s: %s", path, resp.error);
			return false;
		}
		if (resp.status == 429)
		{
			http_response_free(&resp);
			if (attempt == INGEST_MAX_RETRIES)
				break;
			rate_limit_backoff(bucket, wall_seconds());
			continue;
		}
		if (resp.status != 200)
		{
			http_response_free(&resp);
			snprintf(why, whylen, "GET %s answered HTTP %ld", path, resp.status);
			return false;
		}
		st = parse(resp.body, resp.body_len, arg, &err);
		http_response_free(&resp);
		ingest_clock_lap(&t0, &t->parse_s);
		if (st == JSONU_EVENUE && okx_code_classify(err.venue_code) == OKX_CODE_RATE_LIMIT)
		{
			if (attempt == INGEST_MAX_RETRIES)
				break;
			rate_limit_backoff(bucket, wall_seconds());
			continue;
		}
		if (st != JSONU_OK)
		{
			if (st == JSONU_EVENUE)
				snprintf(why, whylen, "GET %s: %s (OKX code %s)", path, err.msg, err.venue_code);
			else
				snprintf(why, whylen, "GET %s: %s", path, err.msg);
			return false;
		}
		rate_limit_success(bucket);
		return true;
	}
	snprintf(why, whylen, "GET %s: still rate limited after %d retries", path, INGEST_MAX_RETRIES);
	return false;
}

/* --- runs --- */

static const char *const run_start_sql =
"INSERT INTO bifrost.ingestion_runs (source, symbol, data_type, timeframe)"
" VALUES ('okx', $1, $2, $3) RETURNING id";
static const char *const run_end_sql =
"UPDATE bifrost.ingestion_runs SET status = $2, rows_inserted = $3, error = $4,"
" ended_at = clock_timestamp() WHERE id = $1";
static const char *const run_failed_sql =
"INSERT INTO bifrost.ingestion_runs (source, symbol, data_type, timeframe, status, rows_inserted,"
" error, ended_at) VALUES ('okx', $1, $2, $3, 'failed', 0, $4, clock_timestamp())";

/* Only candle runs carry a timeframe (ingestion_runs_timeframe_iff_ohlcv). */
static void
run_key(const ingest_request *req, Datum *values, char *nulls)
{
	values[0] = CStringGetTextDatum(req->symbol);
	values[1] = CStringGetTextDatum(ingest_data_type_names[req->type]);
	values[2] = req->type == INGEST_OHLCV ? CStringGetTextDatum(req->tf->name) : (Datum) 0;
	nulls[0] = nulls[1] = ' ';
	nulls[2] = req->type == INGEST_OHLCV ? ' ' : 'n';
}

static int64
start_run(const ingest_request *req)
{
	Oid			types[3] = {TEXTOID, TEXTOID, TEXTOID};
	Datum		values[3];
	char		nulls[4] = "   ";
	bool		isnull;

	run_key(req, values, nulls);
	ingest_exec(store_saved_plan(run_start_sql, 3, types), values, nulls, SPI_OK_INSERT_RETURNING);
	return DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

static void
end_run(int64 id, ingest_outcome outcome, int rows, const char *error)
{
	Oid			types[4] = {INT8OID, TEXTOID, INT4OID, TEXTOID};
	Datum		values[4] = {Int64GetDatum(id),
		CStringGetTextDatum(outcome == INGEST_DONE ? "success" : outcome == INGEST_SKIPPED ? "skipped" : "failed"),
	Int32GetDatum(rows), error ? CStringGetTextDatum(error) : (Datum) 0};

	ingest_exec(store_saved_plan(run_end_sql, 4, types), values, error ? NULL : "   n", SPI_OK_UPDATE);
}

void
ingest_record_failure(const ingest_request *req, const char *error)
{
	Oid			types[4] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID};
	Datum		values[4];
	char		nulls[5] = "    ";

	run_key(req, values, nulls);
	values[3] = CStringGetTextDatum(error);
	ingest_exec(store_saved_plan(run_failed_sql, 4, types), values, nulls, SPI_OK_INSERT);
}

/*
 * One ingestion of a series at a time: a second one would fetch the same
 * pages, and the candle backfill's plain inserts rely on nobody else adding
 * bars.  Transaction-level, so it goes with the run's commit or abort.
 */
static bool
lock_series(const char *label)
{
	LOCKTAG		tag;

	set_private_locktag(&tag, MyDatabaseId, INGEST_LOCK_KEY1,
						(uint32) hash_bytes((const unsigned char *) label, (int) strlen(label)));
	return LockAcquire(&tag, ExclusiveLock, false, true) != LOCKACQUIRE_NOT_AVAIL;
}

ingest_outcome
ingest_run(const ingest_request *req, int64 *run_id, int *changed, char *why, size_t whylen)
{
	char		err[256];
	char		label[128];
	bool		ok = false;
	ingest_outcome outcome;

	if (!http_global_init(err, sizeof(err)))
		elog(ERROR, "bifrost: %s", err);
	memset(&ingest_last_timing, 0, sizeof(ingest_last_timing));
	*changed = 0;
	why[0] = '\0';
	ingest_request_label(req, label, sizeof(label));
	*run_id = start_run(req);
	if (!lock_series(label))
	{
		snprintf(why, whylen, "another session is ingesting %s now", label);
		end_run(*run_id, INGEST_SKIPPED, 0, why);
		return INGEST_SKIPPED;
	}
	switch (req->type)
	{
		case INGEST_OHLCV:
			ok = ingest_okx_candles(req, changed, why, whylen);
			break;
		case INGEST_FUNDING_RATE:
			ok = ingest_okx_funding(req, changed, why, whylen);
			break;
		case INGEST_PRICE_SNAPSHOT:
			ok = ingest_okx_prices(req, changed, why, whylen);
			break;
		case INGEST_OPEN_INTEREST:
			ok = ingest_okx_open_interest(req, changed, why, whylen);
			break;
		case INGEST_LONG_SHORT_RATIO:
			ok = ingest_okx_long_short_ratio(req, changed, why, whylen);
			break;
	}
	outcome = ok ? INGEST_DONE : INGEST_FAILED;
	end_run(*run_id, outcome, *changed, ok ? NULL : why);

	elog(DEBUG1, "bifrost ingest %s: %d rows new or changed of " INT64_FORMAT " parsed, %d requests;"
		 " seconds: rate-limit wait %.3f, http %.3f, parse %.3f, sql %.3f",
		 label, *changed, ingest_last_timing.rows_parsed, ingest_last_timing.requests,
		 ingest_last_timing.wait_s, ingest_last_timing.http_s, ingest_last_timing.parse_s,
		 ingest_last_timing.sql_s);
	return outcome;
}
