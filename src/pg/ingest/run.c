/*
 * run.c: one run of an ingestion (ingest.h): its bifrost.ingestion_runs
 * row, the lock of its series, the hand-over to the code of its data type;
 * and the exact conversions and saved plans that code shares.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "miscadmin.h"
#include "storage/lock.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "net/http.h"
#include "pg/common/private_lock.h"
#include "pg/ingest/ingest.h"
#include "pg/spi/store.h"

ingest_timing ingest_last_timing;

/* First key of the series locks (two-key advisory locks): "BFSI". */
#define INGEST_LOCK_KEY1 0x42465349

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

Datum
ingest_text(const char *s)
{
	return CStringGetTextDatum(s);
}

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
