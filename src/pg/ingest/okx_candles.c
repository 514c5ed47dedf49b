/*
 * okx_candles.c: OKX candles into bifrost.market_data.
 *
 * Candles are read newest first, page by page (after = the oldest bar of the
 * previous page), from now back to the newest stored confirmed bar (or
 * `since`, or INGEST_DEFAULT_DAYS back): /market/candles while the bars are
 * within its reach, /market/history-candles beyond.  A page that comes back
 * shorter than asked is not taken for the end (older API versions cap
 * history pages at 100): only an empty page or reaching the start ends the
 * walk.  Each page is one multi-row statement of arrays through a saved
 * plan: an upsert where a bar still forming (confirm "0") is replaced until it
 * closes, only when a value differs (so re-ingesting an unchanged forming bar
 * reports 0 rows), and a confirmed bar is never rewritten, or, when no stored bar falls
 * in the page's time range (a backfill), a plain insert, which spares the
 * per-row conflict check.  ingest_run holds the series' lock, so no other
 * ingestion can add a bar to that range meanwhile.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/timestamp.h"
#include "utils/memutils.h"

#include "pg/ingest/fetch.h"
#include "pg/ingest/ingest.h"
#include "pg/spi/store.h"

#define PAGE_CANDLES 300		/* /market/candles cap */
#define PAGE_HISTORY 300		/* /market/history-candles cap in OKX's docs since 2024 */
#define PAGE_HISTORY_OLD 100	/* the cap of older API versions */
#define RECENT_BARS 1440		/* /market/candles reaches this far back */

/*
 * A venue that caps history pages lower answers short pages, which the walk
 * takes in its stride; one that refuses the limit (51000, parameter error)
 * is asked for PAGE_HISTORY_OLD from then on.
 */
static int	history_limit = PAGE_HISTORY;

static const char *const latest_candle_sql =
"SELECT max(ts) FROM bifrost.market_data WHERE symbol = $1 AND timeframe = $2 AND confirmed";

static const char *const overlap_sql =
"SELECT EXISTS (SELECT 1 FROM bifrost.market_data"
"   WHERE symbol = $1 AND timeframe = $2 AND ts BETWEEN $3 AND $4)";

static const char *const insert_candles_sql =
"INSERT INTO bifrost.market_data (symbol, timeframe, ts, open, high, low, close, volume, confirmed)"
" SELECT $1, $2, x.* FROM unnest($3, $4, $5, $6, $7, $8, $9) AS x";

static const char *const upsert_candles_sql =
"INSERT INTO bifrost.market_data AS m (symbol, timeframe, ts, open, high, low, close, volume, confirmed)"
" SELECT $1, $2, x.* FROM unnest($3, $4, $5, $6, $7, $8, $9) AS x"
" ON CONFLICT (symbol, timeframe, ts) DO UPDATE SET open = EXCLUDED.open, high = EXCLUDED.high,"
"   low = EXCLUDED.low, close = EXCLUDED.close, volume = EXCLUDED.volume,"
"   confirmed = EXCLUDED.confirmed, updated_at = now()"
" WHERE NOT m.confirmed"
"   AND (m.open, m.high, m.low, m.close, m.volume, m.confirmed)"
"       IS DISTINCT FROM (EXCLUDED.open, EXCLUDED.high, EXCLUDED.low, EXCLUDED.close, EXCLUDED.volume,"
"                         EXCLUDED.confirmed)";

typedef struct candle_page
{
	okx_candle *rows;
	int			n;
	char		venue_code[JSONU_CODE_SIZE];	/* of a venue error, else "" */
} candle_page;

static jsonu_status
parse_page(const char *body, size_t len, void *arg, jsonu_error *err)
{
	candle_page *p = arg;
	jsonu_status st = okx_parse_candles(body, len, p->rows, Max(PAGE_CANDLES, PAGE_HISTORY), &p->n, err);

	strlcpy(p->venue_code, st == JSONU_EVENUE ? err->venue_code : "", sizeof(p->venue_code));
	return st;
}

/* The first bar to read: since, else the newest confirmed one stored, else 30 days back. */
static int64
candle_start_ms(const ingest_request *req)
{
	Oid			types[2] = {TEXTOID, TEXTOID};
	Datum		values[2];
	bool		isnull;
	Datum		d;

	if (req->have_since)
		return ingest_timestamptz_to_ms(req->since);
	values[0] = ingest_text(req->symbol);
	values[1] = ingest_text(req->tf->name);
	if (SPI_execute_plan(store_saved_plan(latest_candle_sql, 2, types), values, NULL, true, 1) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "bifrost: could not read bifrost.market_data");
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (!isnull)
		return ingest_timestamptz_to_ms(DatumGetTimestampTz(d));
	return ingest_now_ms() - (int64) INGEST_DEFAULT_DAYS * 86400 * 1000;
}

/* Whether a stored bar of the series lies in [from, to]. */
static bool
stored_in_range(const ingest_request *req, TimestampTz from, TimestampTz to)
{
	static Oid	types[4] = {TEXTOID, TEXTOID, TIMESTAMPTZOID, TIMESTAMPTZOID};
	Datum		values[4] = {ingest_text(req->symbol), ingest_text(req->tf->name),
	TimestampTzGetDatum(from), TimestampTzGetDatum(to)};
	bool		isnull;

	if (SPI_execute_plan(store_saved_plan(overlap_sql, 4, types), values, NULL, true, 1) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "bifrost: could not read bifrost.market_data");
	return DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

/* Stores the rows of a page at or after start; returns the rows new or changed. */
static int
store_page(const ingest_request *req, const candle_page *page, int64 start)
{
	static Oid	types[9] = {TEXTOID, TEXTOID, TIMESTAMPTZARRAYOID, NUMERICARRAYOID, NUMERICARRAYOID,
	NUMERICARRAYOID, NUMERICARRAYOID, NUMERICARRAYOID, BOOLARRAYOID};
	int			n = page->n;
	Datum	   *ts = palloc(sizeof(Datum) * n);
	Datum	   *num[5];
	Datum	   *confirmed = palloc(sizeof(Datum) * n);
	Datum		values[9];
	int			m = 0;

	for (int c = 0; c < 5; c++)
		num[c] = palloc(sizeof(Datum) * n);
	for (int i = 0; i < n; i++)
	{
		const okx_candle *k = &page->rows[i];

		if (k->ts < start)
			continue;
		ts[m] = TimestampTzGetDatum(ingest_ms_to_timestamptz(k->ts));
		num[0][m] = ingest_numeric(k->open);
		num[1][m] = ingest_numeric(k->high);
		num[2][m] = ingest_numeric(k->low);
		num[3][m] = ingest_numeric(k->close);
		num[4][m] = ingest_numeric(k->vol);
		confirmed[m] = BoolGetDatum(k->confirm);
		m++;
	}
	if (m == 0)
		return 0;
	values[0] = ingest_text(req->symbol);
	values[1] = ingest_text(req->tf->name);
	values[2] = PointerGetDatum(construct_array(ts, m, TIMESTAMPTZOID, sizeof(TimestampTz), true,
												TYPALIGN_DOUBLE));
	for (int c = 0; c < 5; c++)
		values[3 + c] = PointerGetDatum(construct_array(num[c], m, NUMERICOID, -1, false, TYPALIGN_INT));
	values[8] = PointerGetDatum(construct_array(confirmed, m, BOOLOID, 1, true, TYPALIGN_CHAR));
	/* rows are newest first: ts[m - 1] is the oldest */
	if (!stored_in_range(req, DatumGetTimestampTz(ts[m - 1]), DatumGetTimestampTz(ts[0])))
		return (int) ingest_exec(store_saved_plan(insert_candles_sql, 9, types), values, NULL, SPI_OK_INSERT);
	return (int) ingest_exec(store_saved_plan(upsert_candles_sql, 9, types), values, NULL, SPI_OK_INSERT);
}

bool
ingest_okx_candles(const ingest_request *req, int *changed, char *why, size_t whylen)
{
	const ingest_timeframe *tf = req->tf;
	int64		start = candle_start_ms(req);
	int64		recent_limit = ingest_now_ms() - (int64) RECENT_BARS * tf->ms;
	int64		after = 0;		/* 0: the newest page */
	candle_page page;
	MemoryContext page_cxt = AllocSetContextCreate(CurrentMemoryContext, "bifrost candle page",
												   ALLOCSET_DEFAULT_SIZES);
	MemoryContext outer = CurrentMemoryContext;

	page.rows = palloc(sizeof(okx_candle) * Max(PAGE_CANDLES, PAGE_HISTORY));
	for (int p = 0; p < INGEST_MAX_PAGES; p++)
	{
		bool		history = after != 0 && after < recent_limit;
		char		query[192];
		int64		oldest;
		instr_time	t0;

		snprintf(query, sizeof(query), "instId=%s&bar=%s&limit=%d", req->symbol, tf->okx,
				 history ? history_limit : PAGE_CANDLES);
		if (after != 0)
			snprintf(query + strlen(query), sizeof(query) - strlen(query), "&after=" INT64_FORMAT, after);
		if (!ingest_okx_get(history ? "/api/v5/market/history-candles" : "/api/v5/market/candles",
							query, parse_page, &page, why, whylen))
		{
			if (!(history && history_limit > PAGE_HISTORY_OLD && strcmp(page.venue_code, "51000") == 0))
				return false;
			history_limit = PAGE_HISTORY_OLD;
			continue;
		}
		if (page.n == 0)
			break;
		ingest_last_timing.rows_parsed += page.n;

		INSTR_TIME_SET_CURRENT(t0);
		MemoryContextSwitchTo(page_cxt);
		*changed += store_page(req, &page, start);
		MemoryContextSwitchTo(outer);
		MemoryContextReset(page_cxt);
		ingest_clock_lap(&t0, &ingest_last_timing.sql_s);

		/* okx_parse_candles guarantees newest first: the last row is the oldest */
		oldest = page.rows[page.n - 1].ts;
		if (oldest <= start)
			break;
		after = oldest;
	}
	MemoryContextDelete(page_cxt);
	return true;
}
