/*
 * okx_market.c: OKX funding rates, price snapshots, open interest and
 * the long/short account ratio into their bifrost tables (README, Market data).
 *
 * Each row is keyed by the venue's own time, never by the time of the fetch:
 * funding by its settlement (fundingTime), snapshots, open interest and
 * ratios by the venue's ts.  Upserts write a row only when it is new or a
 * value differs, so ingesting the same answer twice changes nothing and the
 * count returned is what really changed.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/timestamp.h"

#include "pg/ingest/fetch.h"
#include "pg/ingest/ingest.h"
#include "pg/spi/store.h"

#define FUNDING_PAGE 100		/* /public/funding-rate-history allows 400; pages stay small */
#define RATIO_CAP 2000			/* the longest series OKX serves is 1,440 points */

/* --- instruments --- */

/* The underlying of a derivative, as the index and instFamily name it: BTC-USDT of BTC-USDT-SWAP. */
static void
underlying_of(const char *inst, char *out, size_t len)
{
	const char *dash = strchr(inst, '-');
	const char *second = dash ? strchr(dash + 1, '-') : NULL;

	strlcpy(out, inst, len);
	if (second && (size_t) (second - inst) < len)
		out[second - inst] = '\0';
}

/* OKX's instType of an instrument id: SWAP, FUTURES (BTC-USD-250328), OPTION (5 parts), else MARGIN (spot). */
static const char *
inst_type_of(const char *inst)
{
	int			dashes = 0;
	size_t		len = strlen(inst);

	for (const char *p = inst; *p; p++)
		dashes += *p == '-';
	if (len > 5 && strcmp(inst + len - 5, "-SWAP") == 0)
		return "SWAP";
	if (dashes >= 4)
		return "OPTION";
	if (dashes == 2)
		return "FUTURES";
	return "MARGIN";
}

/* The answer must be about the instrument asked for. */
static bool
same_instrument(const char *asked, const char *got, const char *what, char *why, size_t whylen)
{
	if (strcmp(asked, got) == 0)
		return true;
	snprintf(why, whylen, "okx %s answered for instrument \"%s\", not \"%s\"", what, got, asked);
	return false;
}

/* A well-formed OKX answer whose data array is empty (no such price for this instrument). */
static bool
empty_data(const char *body, size_t len)
{
	okx_envelope env;
	jsonu_error err;
	bool		empty;

	if (okx_envelope_open(body, len, "okx", &env, &err) != JSONU_OK)
		return false;
	empty = env.ok && json_object_array_length(env.data) == 0;
	okx_envelope_close(&env);
	return empty;
}

static Datum
timestamptz_array(const TimestampTz *v, const bool *nulls, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * n);
	int			dims[1] = {n};
	int			lbs[1] = {1};

	for (int i = 0; i < n; i++)
		d[i] = TimestampTzGetDatum(v[i]);
	return PointerGetDatum(construct_md_array(d, (bool *) nulls, 1, dims, lbs, TIMESTAMPTZOID,
											  sizeof(TimestampTz), true, TYPALIGN_DOUBLE));
}

static Datum
numeric_array(Datum *v, int n)
{
	return PointerGetDatum(construct_array(v, n, NUMERICOID, -1, false, TYPALIGN_INT));
}

/* --- funding rates --- */

static const char *const latest_settled_sql =
"SELECT max(funding_time) FROM bifrost.funding_rates WHERE symbol = $1 AND funding_time < $2";

/*
 * A realized rate replaces a predicted one stored for the same settlement;
 * a missing next settlement never erases a known one.
 */
static const char *const upsert_funding_sql =
"INSERT INTO bifrost.funding_rates AS f (symbol, funding_time, funding_rate, next_funding_time)"
" SELECT $1, x.t, x.r, x.n FROM unnest($2, $3, $4) AS x(t, r, n)"
" ON CONFLICT (symbol, funding_time) DO UPDATE SET funding_rate = EXCLUDED.funding_rate,"
"   next_funding_time = coalesce(EXCLUDED.next_funding_time, f.next_funding_time), fetched_at = now()"
" WHERE (f.funding_rate, f.next_funding_time)"
"   IS DISTINCT FROM (EXCLUDED.funding_rate, coalesce(EXCLUDED.next_funding_time, f.next_funding_time))";

typedef struct funding_page
{
	okx_funding rows[FUNDING_PAGE];
	int			n;
} funding_page;

static jsonu_status
parse_funding_current(const char *body, size_t len, void *arg, jsonu_error *err)
{
	return okx_parse_funding_rate(body, len, (okx_funding *) arg, err);
}

static jsonu_status
parse_funding_page(const char *body, size_t len, void *arg, jsonu_error *err)
{
	funding_page *p = arg;

	return okx_parse_funding_history(body, len, p->rows, FUNDING_PAGE, &p->n, err);
}

/* Upserts funding rows; rate[i] and next[i] (0 = unknown) per row. */
static int
store_funding(const char *symbol, const int64 *time_ms, const char *const *rate,
			  const int64 *next_ms, int n)
{
	static Oid	types[4] = {TEXTOID, TIMESTAMPTZARRAYOID, NUMERICARRAYOID, TIMESTAMPTZARRAYOID};
	TimestampTz *t = palloc(sizeof(TimestampTz) * n);
	TimestampTz *nx = palloc(sizeof(TimestampTz) * n);
	bool	   *t_nulls = palloc0(sizeof(bool) * n);
	bool	   *nx_nulls = palloc(sizeof(bool) * n);
	Datum	   *r = palloc(sizeof(Datum) * n);
	Datum		values[4];
	instr_time	t0;
	int			changed;

	INSTR_TIME_SET_CURRENT(t0);
	for (int i = 0; i < n; i++)
	{
		t[i] = ingest_ms_to_timestamptz(time_ms[i]);
		r[i] = ingest_numeric(rate[i]);
		/* the table insists the next settlement comes later */
		nx_nulls[i] = next_ms[i] <= time_ms[i];
		nx[i] = nx_nulls[i] ? 0 : ingest_ms_to_timestamptz(next_ms[i]);
	}
	values[0] = ingest_text(symbol);
	values[1] = timestamptz_array(t, t_nulls, n);
	values[2] = numeric_array(r, n);
	values[3] = timestamptz_array(nx, nx_nulls, n);
	changed = (int) ingest_exec(store_saved_plan(upsert_funding_sql, 4, types), values, NULL, SPI_OK_INSERT);
	ingest_clock_lap(&t0, &ingest_last_timing.sql_s);
	return changed;
}

static int64
funding_start_ms(const ingest_request *req, int64 upcoming_ms)
{
	Oid			types[2] = {TEXTOID, TIMESTAMPTZOID};
	Datum		values[2] = {ingest_text(req->symbol),
	TimestampTzGetDatum(ingest_ms_to_timestamptz(upcoming_ms))};
	bool		isnull;
	Datum		d;

	if (req->have_since)
		return ingest_timestamptz_to_ms(req->since);
	if (SPI_execute_plan(store_saved_plan(latest_settled_sql, 2, types), values, NULL, true, 1) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "bifrost: could not read bifrost.funding_rates");
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (!isnull)
		return ingest_timestamptz_to_ms(DatumGetTimestampTz(d));
	return ingest_now_ms() - (int64) INGEST_DEFAULT_DAYS * 86400 * 1000;
}

/*
 * The rate of the coming settlement (predicted, it moves until then), then
 * the realized rates back to the newest settlement stored before it, newest
 * first.  The venue's own next settlement tells settled from coming, so a
 * skew between our clock and the venue's cannot make a run skip or repeat.
 */
bool
ingest_okx_funding(const ingest_request *req, int *changed, char *why, size_t whylen)
{
	okx_funding current;
	funding_page *page = palloc(sizeof(funding_page));
	char		query[192];
	int64		start;
	int64		newer;			/* the settlement after the row being stored */
	int64		prev = PG_INT64_MAX;	/* the history row before, across pages */

	snprintf(query, sizeof(query), "instId=%s", req->symbol);
	if (!ingest_okx_get("/api/v5/public/funding-rate", query, parse_funding_current, &current, why, whylen) ||
		!same_instrument(req->symbol, current.inst_id, "funding-rate", why, whylen))
		return false;
	ingest_last_timing.rows_parsed++;
	start = funding_start_ms(req, current.funding_time);
	{
		const char *rate = current.funding_rate;
		int64		next = current.next_funding_time == OKX_TS_NONE ? 0 : current.next_funding_time;

		*changed += store_funding(req->symbol, &current.funding_time, &rate, &next, 1);
	}

	newer = current.funding_time;
	for (int p = 0; p < INGEST_MAX_PAGES; p++)
	{
		int64		times[FUNDING_PAGE];
		int64		nexts[FUNDING_PAGE];
		const char *rates[FUNDING_PAGE];
		int			m = 0;

		snprintf(query, sizeof(query), "instId=%s&limit=%d", req->symbol, FUNDING_PAGE);
		if (prev != PG_INT64_MAX)
			snprintf(query + strlen(query), sizeof(query) - strlen(query), "&after=" INT64_FORMAT, prev);
		if (!ingest_okx_get("/api/v5/public/funding-rate-history", query, parse_funding_page, page,
							why, whylen))
			return false;
		if (page->n == 0)
			break;
		ingest_last_timing.rows_parsed += page->n;
		for (int i = 0; i < page->n; i++)
		{
			const okx_funding *f = &page->rows[i];

			if (!same_instrument(req->symbol, f->inst_id, "funding-rate-history", why, whylen))
				return false;
			/* paging and the next settlement need OKX's order: newest first, one row per settlement */
			if (f->funding_time >= prev)
			{
				snprintf(why, whylen, "okx funding-rate-history: fundingTime " INT64_FORMAT
						 " is not older than the row before it (" INT64_FORMAT ")", f->funding_time, prev);
				return false;
			}
			prev = f->funding_time;
			/* settled since the current rate was read: the next run stores it */
			if (f->funding_time >= current.funding_time)
				continue;
			if (f->funding_time >= start)
			{
				times[m] = f->funding_time;
				rates[m] = f->realized_rate[0] ? f->realized_rate : f->funding_rate;
				nexts[m] = newer;
				m++;
			}
			newer = f->funding_time;
		}
		if (m > 0)
			*changed += store_funding(req->symbol, times, rates, nexts, m);
		if (prev <= start)
			break;
	}
	return true;
}

/* --- price snapshots --- */

static const char *const upsert_prices_sql =
"INSERT INTO bifrost.price_snapshots AS p (symbol, ts, last_price, mark_price, index_price)"
" VALUES ($1, $2, $3, $4, $5)"
" ON CONFLICT (symbol, ts) DO UPDATE SET last_price = coalesce(EXCLUDED.last_price, p.last_price),"
"   mark_price = coalesce(EXCLUDED.mark_price, p.mark_price),"
"   index_price = coalesce(EXCLUDED.index_price, p.index_price)"
" WHERE (p.last_price, p.mark_price, p.index_price) IS DISTINCT FROM"
"   (coalesce(EXCLUDED.last_price, p.last_price), coalesce(EXCLUDED.mark_price, p.mark_price),"
"    coalesce(EXCLUDED.index_price, p.index_price))";

typedef struct optional_mark
{
	okx_mark_price v;
	bool		absent;
} optional_mark;

typedef struct optional_index
{
	okx_index_ticker v;
	bool		absent;
} optional_index;

static jsonu_status
parse_ticker(const char *body, size_t len, void *arg, jsonu_error *err)
{
	return okx_parse_ticker(body, len, (okx_ticker *) arg, err);
}

static jsonu_status
parse_mark(const char *body, size_t len, void *arg, jsonu_error *err)
{
	optional_mark *m = arg;
	jsonu_status st = okx_parse_mark_price(body, len, &m->v, err);

	m->absent = st == JSONU_ESHAPE && empty_data(body, len);
	if (m->absent)
	{
		jsonu_error_clear(err);
		return JSONU_OK;
	}
	return st;
}

static jsonu_status
parse_index(const char *body, size_t len, void *arg, jsonu_error *err)
{
	optional_index *x = arg;
	jsonu_status st = okx_parse_index_ticker(body, len, &x->v, err);

	x->absent = st == JSONU_ESHAPE && empty_data(body, len);
	if (x->absent)
	{
		jsonu_error_clear(err);
		return JSONU_OK;
	}
	return st;
}

/*
 * Last from the ticker, mark from /public/mark-price, index from
 * /market/index-tickers of the underlying: one row at the newest of the three
 * venue times.  An instrument without a mark or an index (a spot pair without
 * margin) stores NULL there; a failed request fails the run and stores nothing.
 */
bool
ingest_okx_prices(const ingest_request *req, int *changed, char *why, size_t whylen)
{
	static Oid	types[5] = {TEXTOID, TIMESTAMPTZOID, NUMERICOID, NUMERICOID, NUMERICOID};
	okx_ticker	ticker;
	optional_mark mark;
	optional_index index;
	char		underlying[OKX_INST_SIZE];
	char		query[192];
	Datum		values[5];
	char		nulls[6] = "     ";
	int64		ts;
	instr_time	t0;

	underlying_of(req->symbol, underlying, sizeof(underlying));
	snprintf(query, sizeof(query), "instId=%s", req->symbol);
	if (!ingest_okx_get("/api/v5/market/ticker", query, parse_ticker, &ticker, why, whylen) ||
		!same_instrument(req->symbol, ticker.inst_id, "ticker", why, whylen))
		return false;
	snprintf(query, sizeof(query), "instType=%s&instId=%s", inst_type_of(req->symbol), req->symbol);
	if (!ingest_okx_get("/api/v5/public/mark-price", query, parse_mark, &mark, why, whylen) ||
		(!mark.absent && !same_instrument(req->symbol, mark.v.inst_id, "mark-price", why, whylen)))
		return false;
	snprintf(query, sizeof(query), "instId=%s", underlying);
	if (!ingest_okx_get("/api/v5/market/index-tickers", query, parse_index, &index, why, whylen) ||
		(!index.absent && !same_instrument(underlying, index.v.inst_id, "index-tickers", why, whylen)))
		return false;
	ingest_last_timing.rows_parsed += 1 + !mark.absent + !index.absent;

	INSTR_TIME_SET_CURRENT(t0);
	ts = ticker.ts;
	if (!mark.absent)
		ts = Max(ts, mark.v.ts);
	if (!index.absent)
		ts = Max(ts, index.v.ts);
	values[0] = ingest_text(req->symbol);
	values[1] = TimestampTzGetDatum(ingest_ms_to_timestamptz(ts));
	values[2] = ingest_numeric(ticker.last);
	values[3] = mark.absent ? (Datum) 0 : ingest_numeric(mark.v.mark_px);
	values[4] = index.absent ? (Datum) 0 : ingest_numeric(index.v.idx_px);
	nulls[3] = mark.absent ? 'n' : ' ';
	nulls[4] = index.absent ? 'n' : ' ';
	*changed += (int) ingest_exec(store_saved_plan(upsert_prices_sql, 5, types), values, nulls, SPI_OK_INSERT);
	ingest_clock_lap(&t0, &ingest_last_timing.sql_s);
	return true;
}

/* --- open interest --- */

static const char *const upsert_oi_sql =
"INSERT INTO bifrost.open_interest AS o (symbol, ts, open_interest, open_interest_value)"
" VALUES ($1, $2, $3, $4)"
" ON CONFLICT (symbol, ts) DO UPDATE SET open_interest = EXCLUDED.open_interest,"
"   open_interest_value = EXCLUDED.open_interest_value"
" WHERE (o.open_interest, o.open_interest_value)"
"   IS DISTINCT FROM (EXCLUDED.open_interest, EXCLUDED.open_interest_value)";

static jsonu_status
parse_oi(const char *body, size_t len, void *arg, jsonu_error *err)
{
	return okx_parse_open_interest(body, len, (okx_open_interest *) arg, err);
}

/* Contracts (oi) and their USD value (oiUsd) at the venue's time. */
bool
ingest_okx_open_interest(const ingest_request *req, int *changed, char *why, size_t whylen)
{
	static Oid	types[4] = {TEXTOID, TIMESTAMPTZOID, NUMERICOID, NUMERICOID};
	okx_open_interest oi;
	const char *inst_type = inst_type_of(req->symbol);
	char		underlying[OKX_INST_SIZE];
	char		query[192];
	Datum		values[4];
	char		nulls[5] = "    ";
	instr_time	t0;

	underlying_of(req->symbol, underlying, sizeof(underlying));
	snprintf(query, sizeof(query), "instType=%s&instId=%s%s%s", inst_type, req->symbol,
			 strcmp(inst_type, "OPTION") == 0 ? "&instFamily=" : "",
			 strcmp(inst_type, "OPTION") == 0 ? underlying : "");
	if (!ingest_okx_get("/api/v5/public/open-interest", query, parse_oi, &oi, why, whylen) ||
		!same_instrument(req->symbol, oi.inst_id, "open-interest", why, whylen))
		return false;
	ingest_last_timing.rows_parsed++;

	INSTR_TIME_SET_CURRENT(t0);
	values[0] = ingest_text(req->symbol);
	values[1] = TimestampTzGetDatum(ingest_ms_to_timestamptz(oi.ts));
	values[2] = ingest_numeric(oi.oi);
	values[3] = oi.oi_usd[0] ? ingest_numeric(oi.oi_usd) : (Datum) 0;
	nulls[3] = oi.oi_usd[0] ? ' ' : 'n';
	*changed += (int) ingest_exec(store_saved_plan(upsert_oi_sql, 4, types), values, nulls, SPI_OK_INSERT);
	ingest_clock_lap(&t0, &ingest_last_timing.sql_s);
	return true;
}

/* --- long/short account ratio --- */

static const char *const latest_ratio_sql =
"SELECT max(ts) FROM bifrost.long_short_ratio WHERE symbol = $1";

static const char *const upsert_ratio_sql =
"INSERT INTO bifrost.long_short_ratio AS l (symbol, ts, ratio)"
" SELECT $1, x.t, x.r FROM unnest($2, $3) AS x(t, r)"
" ON CONFLICT (symbol, ts) DO UPDATE SET ratio = EXCLUDED.ratio"
" WHERE l.ratio IS DISTINCT FROM EXCLUDED.ratio";

typedef struct ratio_series
{
	okx_ratio  *rows;
	int			n;
} ratio_series;

static jsonu_status
parse_ratio(const char *body, size_t len, void *arg, jsonu_error *err)
{
	ratio_series *s = arg;

	return okx_parse_long_short_ratio(body, len, s->rows, RATIO_CAP, &s->n, err);
}

/*
 * OKX publishes the ratio per coin (futures and swaps of BTC together), so
 * the request names the instrument's base currency; rows are stored under the
 * instrument asked for, from the newest stored one (or since) on.
 */
bool
ingest_okx_long_short_ratio(const ingest_request *req, int *changed, char *why, size_t whylen)
{
	static Oid	types[3] = {TEXTOID, TIMESTAMPTZARRAYOID, NUMERICARRAYOID};
	ratio_series s;
	char		ccy[OKX_INST_SIZE];
	char		query[192];
	int64		start = ingest_start_ms(req, latest_ratio_sql);
	TimestampTz *t;
	bool	   *t_nulls;
	Datum	   *r;
	Datum		values[3];
	int			m = 0;
	instr_time	t0;

	strlcpy(ccy, req->symbol, sizeof(ccy));
	ccy[strcspn(ccy, "-")] = '\0';
	s.rows = palloc(sizeof(okx_ratio) * RATIO_CAP);
	snprintf(query, sizeof(query), "ccy=%s&period=%s&begin=" INT64_FORMAT, ccy, req->tf->okx, start);
	if (!ingest_okx_get("/api/v5/rubik/stat/contracts/long-short-account-ratio", query, parse_ratio, &s,
						why, whylen))
		return false;
	ingest_last_timing.rows_parsed += s.n;

	INSTR_TIME_SET_CURRENT(t0);
	t = palloc(sizeof(TimestampTz) * Max(s.n, 1));
	t_nulls = palloc0(sizeof(bool) * Max(s.n, 1));
	r = palloc(sizeof(Datum) * Max(s.n, 1));
	for (int i = 0; i < s.n; i++)
		if (s.rows[i].ts >= start)
		{
			t[m] = ingest_ms_to_timestamptz(s.rows[i].ts);
			r[m] = ingest_numeric(s.rows[i].ratio);
			m++;
		}
	if (m > 0)
	{
		values[0] = ingest_text(req->symbol);
		values[1] = timestamptz_array(t, t_nulls, m);
		values[2] = numeric_array(r, m);
		*changed += (int) ingest_exec(store_saved_plan(upsert_ratio_sql, 3, types), values, NULL, SPI_OK_INSERT);
	}
	ingest_clock_lap(&t0, &ingest_last_timing.sql_s);
	return true;
}
