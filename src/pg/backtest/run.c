/*
 * run.c: one backtest run (run.h).
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"

#include "engine/sim_feed.h"
#include "pg/backtest/quote_source.h"
#include "pg/backtest/record.h"
#include "pg/backtest/run.h"
#include "pg/common/engine_glue.h"
#include "pg/common/monotonic.h"

/* A time as messages show it (timestamptz_to_str's buffer is static: one per call here). */
static char *
time_text(TimestampTz t)
{
	return pstrdup(timestamptz_to_str(t));
}

/* Quotes handed to the driver at once. */
#define RUN_BATCH 1024

typedef struct run_timing
{
	double		started;
	double		cpu_started;	/* the backend's CPU time: what one core did, whatever else the machine ran */
	double		cpu_s;
	double		read_s;			/* reading or making the quotes */
	double		total_s;
} run_timing;

int64
backtest_insert_run(const backtest_spec *spec, int64 sweep_id, int worker_pid)
{
	Oid			types[10] = {TEXTOID, TEXTOID, TIMESTAMPTZOID, TIMESTAMPTZOID, NUMERICOID, JSONBOID, TEXTOID,
	TEXTOID, INT8OID, INT4OID};
	Datum		values[10];
	char		nulls[10] = "          ";
	bool		isnull;

	values[0] = CStringGetTextDatum(spec->symbol);
	values[1] = CStringGetTextDatum(spec->timeframe);
	values[2] = TimestampTzGetDatum(spec->from_ts);
	values[3] = TimestampTzGetDatum(spec->to_ts);
	if (spec->params.capital > 0)
		values[4] = DirectFunctionCall1(float8_numeric, Float8GetDatum(spec->params.capital));
	else
	{
		values[4] = (Datum) 0;
		nulls[4] = 'n';
	}
	values[5] = JsonbPGetDatum(spec->effective);
	values[6] = CStringGetTextDatum(spec->hash);
	values[7] = CStringGetTextDatum(spec->source_name);
	values[8] = Int64GetDatum(sweep_id);
	if (sweep_id <= 0)
		nulls[8] = 'n';
	values[9] = Int32GetDatum(worker_pid);
	if (worker_pid <= 0)
		nulls[9] = 'n';
	if (SPI_execute_with_args("INSERT INTO bifrost.backtest_runs (symbol, timeframe, start_ts, end_ts,"
							  " initial_capital, params_json, config_hash, source, sweep_id, worker_pid, status)"
							  " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'running') RETURNING id",
							  10, types, values, nulls, false, 1) != SPI_OK_INSERT_RETURNING || SPI_processed != 1)
		elog(ERROR, "could not record the backtest run");
	return DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

/* CPU seconds this process has used. */
static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* ---- the quotes ---- */

static void
replay_table(backtest_spec *spec, backtest *b, run_timing *t, backtest_progress_fn progress, void *arg)
{
	quote_source *src;
	backtest_source_quote in[RUN_BATCH];
	backtest_quote q[RUN_BATCH];
	int			n;

	src = spec->source == BACKTEST_SOURCE_CANDLES ?
		quote_source_open_candles(spec->symbol, spec->timeframe, spec->spread_bps, spec->from_ts, spec->to_ts) :
		quote_source_open_ticks(spec->symbol, spec->from_ts, spec->to_ts);
	for (;;)
	{
		double		t0 = monotonic_now();

		n = quote_source_next(src, in, RUN_BATCH);
		t->read_s += monotonic_now() - t0;
		if (n == 0)
			break;
		for (int i = 0; i < n; i++)
		{
			q[i].ts = in[i].ts;
			q[i].bid = in[i].bid;
			q[i].ask = in[i].ask;
		}
		backtest_feed(b, q, n);
		if (progress)
			progress(arg, b->m.quotes);
	}
	quote_source_close(src);
}

static void
replay_sim(backtest_spec *spec, backtest *b, run_timing *t, backtest_progress_fn progress, void *arg)
{
	sim_feed	f;
	backtest_quote q[RUN_BATCH];
	double		end = timestamptz_to_epoch(spec->to_ts);

	if (!sim_feed_init(&f, spec->sim_spot, spec->sim_vol, spec->sim_drift, spec->sim_spread_bps, spec->sim_tick_s,
					   spec->sim_seed, timestamptz_to_epoch(spec->from_ts)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the simulated feed's keys (feed.sim.*) give no feed")));
	for (;;)
	{
		double		t0 = monotonic_now();
		int			n = 0;

		while (n < RUN_BATCH && sim_feed_next_ts(&f) < end)
		{
			sim_quote s;

			(void) sim_feed_next(&f, &s);
			q[n].ts = s.ts;
			q[n].bid = s.bid;
			q[n].ask = s.ask;
			n++;
		}
		t->read_s += monotonic_now() - t0;
		if (n == 0)
			break;
		CHECK_FOR_INTERRUPTS();
		backtest_feed(b, q, n);
		if (progress)
			progress(arg, b->m.quotes);
	}
}

/* ---- the metrics ---- */

static void
json_number(StringInfo buf, const char *key, double x)
{
	appendStringInfo(buf, "\"%s\": ", key);
	if (isfinite(x))
		appendStringInfo(buf, "%.17g, ", x);
	else
		appendStringInfoString(buf, "null, ");
}

static void
json_time(StringInfo buf, const char *key, double epoch)
{
	appendStringInfo(buf, "\"%s\": ", key);
	if (isfinite(epoch))
	{
		escape_json(buf, time_text(epoch_to_timestamptz(epoch)));
		appendStringInfoString(buf, ", ");
	}
	else
		appendStringInfoString(buf, "null, ");
}

static Jsonb *
metrics_json(const backtest *b, const run_timing *t, int64 rows)
{
	const backtest_metrics *m = &b->m;
	const backtest_attribution *a = &m->attribution;
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	json_number(&buf, "pnl", m->pnl);
	json_number(&buf, "start_equity", m->start_equity);
	json_number(&buf, "end_equity", m->end_equity);
	json_number(&buf, "capital", m->capital);
	json_number(&buf, "total_return", m->capital > 0 ? m->pnl / m->capital : NAN);
	appendStringInfoString(&buf, "\"attribution\": {");
	json_number(&buf, "delta", a->delta);
	json_number(&buf, "gamma", a->gamma);
	json_number(&buf, "theta", a->theta);
	json_number(&buf, "vega", a->vega);
	json_number(&buf, "spread", a->spread);
	json_number(&buf, "slippage", a->slippage);
	json_number(&buf, "fees", a->fees);
	json_number(&buf, "financing", a->financing);
	json_number(&buf, "residual", a->residual);
	buf.len -= 2;
	appendStringInfoString(&buf, "}, ");
	json_number(&buf, "replication_cost", m->replication_cost);
	json_number(&buf, "cash", m->cash);
	json_number(&buf, "hedge_value", m->hedge_value);
	json_number(&buf, "legs_value", m->legs_value);
	json_number(&buf, "position", m->position);
	json_number(&buf, "max_drawdown", m->max_drawdown);
	json_time(&buf, "max_drawdown_peak", m->max_drawdown_peak_ts);
	json_time(&buf, "max_drawdown_trough", m->max_drawdown_trough_ts);
	json_number(&buf, "longest_drawdown_s", m->longest_drawdown_s);
	json_number(&buf, "sharpe", m->sharpe);
	json_number(&buf, "sortino", m->sortino);
	json_number(&buf, "periods_per_year", b->p.periods_per_year);
	json_number(&buf, "trading_days", m->trading_days);
	json_number(&buf, "winning_days_pct", m->winning_days_pct);
	json_number(&buf, "profit_factor", m->profit_factor);
	json_number(&buf, "decisions", (double) m->decisions);
	json_number(&buf, "hedges", (double) m->hedges);
	json_number(&buf, "fills", (double) m->fills);
	json_number(&buf, "partial_fills", (double) m->partials);
	json_number(&buf, "rejects", (double) m->rejects);
	json_number(&buf, "turnover_units", m->turnover_units);
	json_number(&buf, "turnover_value", m->turnover_value);
	json_number(&buf, "realized_vol", m->realized_vol);
	json_number(&buf, "implied_vol", m->implied_vol);
	json_number(&buf, "risk_events", (double) m->risk_events);
	json_number(&buf, "unfilled_at_end", (double) m->unfilled_at_end);
	appendStringInfoString(&buf, "\"state_seconds\": {");
	{
		bool		first = true;

		for (int i = 0; i < TRADING_STATE_COUNT; i++)
			if (m->state_seconds[i] > 0)
			{
				appendStringInfo(&buf, "%s\"%s\": %.17g", first ? "" : ", ", trading_state_name((trading_state) i),
								 m->state_seconds[i]);
				first = false;
			}
	}
	appendStringInfoString(&buf, "}, ");
	appendStringInfoString(&buf, "\"blocked\": {");
	for (int i = 0; i < m->n_blocked_reasons; i++)
	{
		if (i > 0)
			appendStringInfoString(&buf, ", ");
		escape_json(&buf, m->blocked[i].reason);
		appendStringInfo(&buf, ": %lld", (long long) m->blocked[i].ticks);
	}
	appendStringInfoString(&buf, "}, ");
	json_number(&buf, "blocked_ticks", (double) m->blocked_ticks);
	json_number(&buf, "quotes", (double) m->quotes);
	json_number(&buf, "quotes_used", (double) m->quotes_used);
	json_time(&buf, "first_quote", m->first_ts);
	json_time(&buf, "last_quote", m->last_ts);
	json_number(&buf, "samples", (double) m->samples);
	json_number(&buf, "rows_written", (double) rows);
	json_number(&buf, "seconds", t->total_s);
	json_number(&buf, "seconds_reading", t->read_s);
	json_number(&buf, "quotes_per_second", t->total_s > 0 ? m->quotes / t->total_s : NAN);
	json_number(&buf, "cpu_seconds", t->cpu_s);
	json_number(&buf, "quotes_per_cpu_second", t->cpu_s > 0 ? m->quotes / t->cpu_s : NAN);
	buf.len -= 2;
	appendStringInfoChar(&buf, '}');
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}

static Datum
numeric_or_null(double x, char *null)
{
	*null = isfinite(x) ? ' ' : 'n';
	return isfinite(x) ? DirectFunctionCall1(float8_numeric, Float8GetDatum(x)) : (Datum) 0;
}

static void
finish_run(int64 run_id, const backtest *b, const run_timing *t, int64 rows)
{
	const backtest_metrics *m = &b->m;
	Oid			types[13] = {INT8OID, JSONBOID, NUMERICOID, NUMERICOID, NUMERICOID, NUMERICOID, NUMERICOID,
	NUMERICOID, NUMERICOID, NUMERICOID, NUMERICOID, INT4OID, INT8OID};
	Datum		values[13];
	char		nulls[14] = "             ";

	values[0] = Int64GetDatum(run_id);
	values[1] = JsonbPGetDatum(metrics_json(b, t, rows));
	values[2] = numeric_or_null(m->capital > 0 ? m->pnl / m->capital : NAN, &nulls[2]);
	values[3] = numeric_or_null(m->max_drawdown, &nulls[3]);
	values[4] = numeric_or_null(m->winning_days_pct, &nulls[4]);
	values[5] = numeric_or_null(m->profit_factor, &nulls[5]);
	values[6] = numeric_or_null(m->sharpe, &nulls[6]);
	values[7] = numeric_or_null(m->end_equity, &nulls[7]);
	values[8] = numeric_or_null(m->pnl, &nulls[8]);
	values[9] = numeric_or_null(m->sortino, &nulls[9]);
	values[10] = numeric_or_null(m->replication_cost, &nulls[10]);
	values[11] = Int32GetDatum((int32) Min(m->hedges, PG_INT32_MAX));
	values[12] = Int64GetDatum(m->quotes);
	if (SPI_execute_with_args("UPDATE bifrost.backtest_runs SET status = 'success', finished_at = pg_catalog.clock_timestamp(),"
							  " metrics_json = $2, total_return = $3, max_drawdown = $4, win_rate = $5,"
							  " profit_factor = $6, sharpe_ratio = $7, final_equity = $8, pnl = $9,"
							  " sortino_ratio = $10, replication_cost = $11, hedge_count = $12, quotes = $13"
							  " WHERE id = $1",
							  13, types, values, nulls, false, 0) != SPI_OK_UPDATE || SPI_processed != 1)
		elog(ERROR, "could not record the backtest's result");
}

void
backtest_execute_run(backtest_spec *spec, int64 run_id, backtest_progress_fn progress, void *progress_arg)
{
	backtest   *b = palloc(sizeof(backtest));
	backtest_sink sink;
	backtest_recorder *rec;
	run_timing	t = {monotonic_now(), cpu_now(), 0, 0, 0};

	rec = backtest_recorder_create(run_id, b, &sink);
	backtest_init(b, &spec->params, &sink);
	if (spec->source == BACKTEST_SOURCE_SIM)
		replay_sim(spec, b, &t, progress, progress_arg);
	else
		replay_table(spec, b, &t, progress, progress_arg);
	backtest_finish(b);
	if (b->m.quotes_used == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("no usable quote of %s from %s to %s in %s", spec->symbol, time_text(spec->from_ts),
						time_text(spec->to_ts),
						spec->source == BACKTEST_SOURCE_CANDLES ? "bifrost.market_data" : "bifrost.ticks"),
				 errdetail("%lld rows read, none with a usable bid and ask.", (long long) b->m.quotes),
				 errhint(spec->source == BACKTEST_SOURCE_CANDLES ?
						 "Ingest candles of that timeframe (bifrost_ingest) or pick another range." :
						 "Record ticks for that symbol and range, or run on candles or the simulated feed (backtest.source).")));
	backtest_recorder_flush(rec);
	t.total_s = monotonic_now() - t.started;
	t.cpu_s = cpu_now() - t.cpu_started;
	finish_run(run_id, b, &t, backtest_recorder_rows(rec));
}

int64
backtest_execute(backtest_spec *spec, int64 sweep_id, backtest_progress_fn progress, void *progress_arg)
{
	int64		run_id = backtest_insert_run(spec, sweep_id, 0);

	backtest_execute_run(spec, run_id, progress, progress_arg);
	return run_id;
}

bool
backtest_fail_run(int64 run_id, const char *error)
{
	Oid			types[2] = {INT8OID, TEXTOID};
	Datum		values[2] = {Int64GetDatum(run_id), CStringGetTextDatum(error)};

	if (SPI_execute_with_args("UPDATE bifrost.backtest_runs SET status = 'failed',"
							  " finished_at = pg_catalog.clock_timestamp(), error = $2"
							  " WHERE id = $1 AND status = 'running'",
							  2, types, values, NULL, false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "could not record the failure of backtest run %lld", (long long) run_id);
	return SPI_processed == 1;
}
