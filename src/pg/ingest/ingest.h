/*
 * ingest.h: market-data ingestion from OKX into bifrost.market_data and
 * the tables beside it.
 *
 * One request type is shared by every way in: bifrost_ingest()
 * (sqlapi/ingest.c) and the ingest worker's schedule (schedule.c,
 * worker.c); request.c checks it.  A run (ingest_run, run.c) records one
 * bifrost.ingestion_runs row and hands the request to the code of its data
 * type: candles in okx_candles.c; funding, prices, open interest and the
 * long/short ratio in okx_market.c; their rate-limited transfers in
 * fetch.c (fetch.h); conversions and saved plans in run.c.
 *
 * Everything runs inside one transaction with SPI connected.  Decimals go
 * from the venue's text to numeric without passing through a double; times
 * from epoch milliseconds to timestamptz in integer arithmetic.  No json-c
 * name comes through this header (fetch.h has them), so a file may include
 * it with any PostgreSQL header.
 */
#ifndef BIFROST_INGEST_H
#define BIFROST_INGEST_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "executor/spi.h"
#include "portability/instr_time.h"

/* Room for an instrument id: OKX's (OKX_INST_SIZE, checked in fetch.c). */
#define INGEST_SYMBOL_SIZE 48

/* Bounds of one run; the defaults of a first run without `since`. */
#define INGEST_DEFAULT_DAYS 30
#define INGEST_MAX_PAGES 20000
#define INGEST_MAX_RETRIES 5

/* The schedule: bifrost.ingest_schedule holds at most this many entries. */
#define INGEST_MAX_SCHEDULE 64

/* The ingest worker's rounds (bifrost.ingest_interval, seconds). */
#define BIFROST_DEFAULT_INGEST_INTERVAL_SEC 60
#define BIFROST_MIN_INGEST_INTERVAL_SEC 5
#define BIFROST_MAX_INGEST_INTERVAL_SEC 86400

typedef enum ingest_data_type
{
	INGEST_OHLCV,
	INGEST_FUNDING_RATE,
	INGEST_PRICE_SNAPSHOT,
	INGEST_OPEN_INTEREST,
	INGEST_LONG_SHORT_RATIO
} ingest_data_type;

/* A candle bar or a ratio period: our name, OKX's, its length. */
typedef struct ingest_timeframe
{
	const char *name;
	const char *okx;
	int64		ms;
} ingest_timeframe;

typedef struct ingest_request
{
	ingest_data_type type;
	char		symbol[INGEST_SYMBOL_SIZE];	/* the venue's instrument id */
	const ingest_timeframe *tf; /* ohlcv: the bar; long_short_ratio: the
								 * period; otherwise NULL */
	bool		have_since;
	TimestampTz since;			/* where a series starts when have_since */
} ingest_request;

/* What one run cost, for the DEBUG1 line and the benchmark. */
typedef struct ingest_timing
{
	int			requests;
	int64		rows_parsed;
	double		wait_s;			/* rate limiter and back-off */
	double		http_s;			/* transfers */
	double		parse_s;		/* JSON to C structs */
	double		sql_s;			/* text to numeric, arrays, upserts */
} ingest_timing;

/* --- request.c --- */

extern const char *const ingest_data_type_names[];

/*
 * Checks bifrost_ingest()'s arguments (since aside) and fills req.  Returns
 * NULL when they are fine, else the name of the first bad argument with a
 * hint in *hint.  No PostgreSQL error is raised: the schedule's check hook
 * uses it too.
 */
extern const char *ingest_request_init(ingest_request *req, const char *source,
									   const char *symbol, const char *data_type,
									   const char *timeframe, const char **hint);

/* A label for messages: "okx BTC-USDT-SWAP ohlcv 15m". */
extern void ingest_request_label(const ingest_request *req, char *buf, size_t len);

/* --- run.c --- */

typedef enum ingest_outcome
{
	INGEST_DONE,
	INGEST_FAILED,				/* the venue failed; why says how */
	INGEST_SKIPPED				/* another session ingests the same series now */
} ingest_outcome;

/*
 * One run of req: an ingestion_runs row, the transfers and the upserts,
 * under a transaction-level lock of the series (data type, symbol,
 * timeframe).  A venue failure or a busy series is recorded in the row and
 * returned with why; a database error raises and rolls the run back.
 */
extern ingest_outcome ingest_run(const ingest_request *req, int64 *run_id, int *changed,
								 char *why, size_t whylen);

/* A failed run row for a run whose own transaction was rolled back. */
extern void ingest_record_failure(const ingest_request *req, const char *error);

/* The cost of the last ingest_run of this process. */
extern ingest_timing ingest_last_timing;

extern int64 ingest_now_ms(void);
extern TimestampTz ingest_ms_to_timestamptz(int64 ms);
extern int64 ingest_timestamptz_to_ms(TimestampTz t);

/* A C string as a text Datum (CStringGetTextDatum, for files that cannot include builtins.h). */
extern Datum ingest_text(const char *s);

/* A validated decimal (json_util.h grammar) as a numeric Datum. */
extern Datum ingest_numeric(const char *dec);

/* Runs a saved plan (store_saved_plan); raises unless SPI answers expected.  Returns SPI_processed. */
extern uint64 ingest_exec(SPIPlanPtr plan, Datum *values, const char *nulls, int expected);

/* The newest value of a timestamptz column for symbol (SQL must select max(...) with $1 symbol). */
extern bool ingest_latest(const char *sql, const char *symbol, TimestampTz *latest);

/* Where a series starts: since, else the newest stored row, else INGEST_DEFAULT_DAYS back. */
extern int64 ingest_start_ms(const ingest_request *req, const char *latest_sql);

/* Adds the seconds since *t0 to *acc and restarts *t0. */
extern void ingest_clock_lap(instr_time *t0, double *acc);

/* --- okx_candles.c --- */
extern bool ingest_okx_candles(const ingest_request *req, int *changed, char *why, size_t whylen);

/* --- okx_market.c --- */
extern bool ingest_okx_funding(const ingest_request *req, int *changed, char *why, size_t whylen);
extern bool ingest_okx_prices(const ingest_request *req, int *changed, char *why, size_t whylen);
extern bool ingest_okx_open_interest(const ingest_request *req, int *changed, char *why,
									 size_t whylen);
extern bool ingest_okx_long_short_ratio(const ingest_request *req, int *changed, char *why,
										size_t whylen);

/* --- schedule.c --- */

typedef struct ingest_schedule
{
	int			n;
	ingest_request entries[INGEST_MAX_SCHEDULE];
} ingest_schedule;

/*
 * Parses bifrost.ingest_schedule: entries "source:symbol:data_type[:timeframe]"
 * separated by commas, blanks allowed around them; '' is an empty schedule.
 * False with a sentence naming the bad entry in errbuf.
 */
extern bool ingest_schedule_parse(const char *text, ingest_schedule *out, char *errbuf,
								  size_t errlen);

/* --- settings.c --- */
extern char *bifrost_ingest_schedule;
extern int	bifrost_ingest_interval;
extern bool bifrost_ingest_rate_limit;

/* Defines them; called by _PG_init. */
extern void ingest_define_settings(void);

/* --- worker.c --- */
extern void bifrost_ingest_worker_register(void);
extern PGDLLEXPORT void bifrost_ingest_worker_main(Datum main_arg);

#endif							/* BIFROST_INGEST_H */
