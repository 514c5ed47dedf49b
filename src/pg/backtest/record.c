/*
 * record.c: a run's records into its tables (record.h).  Each table has a
 * buffer of columns; a full buffer is one INSERT ... SELECT FROM unnest()
 * of arrays, so a run with many records pays one statement per thousand
 * rows, not one per row.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "pg/backtest/record.h"
#include "pg/common/engine_glue.h"

#define BATCH_ROWS 1000
#define BATCH_MAX_COLUMNS 24

typedef struct batch
{
	const char *sql;
	int			n_columns;
	Oid			types[BATCH_MAX_COLUMNS];	/* element types */
	Datum	   *values[BATCH_MAX_COLUMNS];
	bool	   *nulls[BATCH_MAX_COLUMNS];
	int			n_rows;
	SPIPlanPtr	plan;
} batch;

struct backtest_recorder
{
	int64		run_id;
	const backtest *run;
	MemoryContext rows_context; /* the buffered rows' texts, reset at each flush */
	batch		decisions;
	batch		orders;
	batch		positions;
	batch		equity;
	batch		ticks;
	int64		rows;
};

static Oid
array_type_of(Oid elem)
{
	switch (elem)
	{
		case TIMESTAMPTZOID:
			return TIMESTAMPTZARRAYOID;
		case FLOAT8OID:
			return FLOAT8ARRAYOID;
		case TEXTOID:
			return TEXTARRAYOID;
		case INT8OID:
			return INT8ARRAYOID;
	}
	elog(ERROR, "bifrost: no array type for %u", elem);
	return InvalidOid;
}

/*
 * insert is "INSERT INTO t (...) SELECT $1, ...*": the rows come from one
 * array per column (ROWS FROM of unnest, which schema-qualified keeps
 * every call pinned).
 */
static void
batch_init(batch *b, const char *insert, const char *columns)
{
	StringInfoData sql;

	memset(b, 0, sizeof(*b));
	initStringInfo(&sql);
	appendStringInfo(&sql, "%s FROM ROWS FROM (", insert);
	for (int c = 0; columns[c]; c++)
		appendStringInfo(&sql, "%spg_catalog.unnest($%d)", c > 0 ? ", " : "", c + 2);
	appendStringInfoChar(&sql, ')');
	b->sql = sql.data;
	/* one letter per column: t timestamptz, f float8, s text, i int8 */
	for (const char *c = columns; *c; c++)
	{
		Oid			type = *c == 't' ? TIMESTAMPTZOID : *c == 'f' ? FLOAT8OID : *c == 's' ? TEXTOID : INT8OID;

		b->types[b->n_columns] = type;
		b->values[b->n_columns] = palloc(sizeof(Datum) * BATCH_ROWS);
		b->nulls[b->n_columns] = palloc(sizeof(bool) * BATCH_ROWS);
		b->n_columns++;
	}
}

static void
batch_flush(backtest_recorder *r, batch *b)
{
	Datum		args[BATCH_MAX_COLUMNS + 1];
	int			dims[1];
	int			lbs[1] = {1};
	MemoryContext old;

	if (b->n_rows == 0)
		return;
	if (b->plan == NULL)
	{
		Oid			argtypes[BATCH_MAX_COLUMNS + 1];

		argtypes[0] = INT8OID;
		for (int c = 0; c < b->n_columns; c++)
			argtypes[c + 1] = array_type_of(b->types[c]);
		b->plan = SPI_prepare(b->sql, b->n_columns + 1, argtypes);
		if (b->plan == NULL)
			elog(ERROR, "could not prepare \"%s\": %s", b->sql, SPI_result_code_string(SPI_result));
	}
	dims[0] = b->n_rows;
	args[0] = Int64GetDatum(r->run_id);
	/* the arrays go with the rows' texts at the reset after the flush: a long run does not grow */
	old = MemoryContextSwitchTo(r->rows_context);
	for (int c = 0; c < b->n_columns; c++)
	{
		int16		typlen;
		bool		typbyval;
		char		typalign;

		get_typlenbyvalalign(b->types[c], &typlen, &typbyval, &typalign);
		args[c + 1] = PointerGetDatum(construct_md_array(b->values[c], b->nulls[c], 1, dims, lbs, b->types[c],
														 typlen, typbyval, typalign));
	}
	MemoryContextSwitchTo(old);
	if (SPI_execute_plan(b->plan, args, NULL, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "could not write the backtest's records: %s", b->sql);
	r->rows += b->n_rows;
	b->n_rows = 0;
}

void
backtest_recorder_flush(backtest_recorder *r)
{
	batch_flush(r, &r->decisions);
	batch_flush(r, &r->orders);
	batch_flush(r, &r->positions);
	batch_flush(r, &r->equity);
	batch_flush(r, &r->ticks);
	MemoryContextReset(r->rows_context);
}

int64
backtest_recorder_rows(const backtest_recorder *r)
{
	return r->rows;
}

/* A new row of b: the buffers are flushed first when full. */
static int
batch_row(backtest_recorder *r, batch *b)
{
	if (b->n_rows == BATCH_ROWS)
		backtest_recorder_flush(r);
	return b->n_rows++;
}

/* Column setters: a number that is not finite is NULL (no column takes one). */
static void
put_float(batch *b, int row, int col, double x)
{
	b->values[col][row] = Float8GetDatum(isfinite(x) ? x : 0);
	b->nulls[col][row] = !isfinite(x);
}

static void
put_time(batch *b, int row, int col, double epoch)
{
	b->nulls[col][row] = !isfinite(epoch);
	b->values[col][row] = TimestampTzGetDatum(isfinite(epoch) ? epoch_to_timestamptz(epoch) : 0);
}

static void
put_text(backtest_recorder *r, batch *b, int row, int col, const char *s)
{
	b->nulls[col][row] = s == NULL;
	if (s != NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(r->rows_context);

		b->values[col][row] = CStringGetTextDatum(s);
		MemoryContextSwitchTo(old);
	}
	else
		b->values[col][row] = (Datum) 0;
}

static void
put_int(batch *b, int row, int col, int64 x)
{
	b->values[col][row] = Int64GetDatum(x);
	b->nulls[col][row] = false;
}

/* ---- the sink ---- */

static void
record_decision(void *ctx, const backtest_decision *d)
{
	backtest_recorder *r = ctx;
	batch	   *b = &r->decisions;
	int			row = batch_row(r, b);

	put_time(b, row, 0, d->ts);
	put_text(r, b, row, 1, d->hedged ? "hedge" : "blocked");
	put_text(r, b, row, 2, d->why);
	put_float(b, row, 3, d->net_delta);
	put_text(r, b, row, 4, d->qty > 0 ? hedge_side_name(d->side) : NULL);
	put_int(b, row, 5, d->qty);
	b->nulls[5][row] = d->qty <= 0;
	put_text(r, b, row, 6, d->block_reason);
	put_text(r, b, row, 7, d->trading_state);
	put_time(b, row, 8, d->until_ts);
	put_int(b, row, 9, d->ticks);
	put_float(b, row, 10, d->mid > 0 ? d->mid : NAN);
}

static void
record_order(void *ctx, const backtest_order *o)
{
	backtest_recorder *r = ctx;
	batch	   *b = &r->orders;
	int			row = batch_row(r, b);
	bool		filled = o->filled_qty > 0;

	put_time(b, row, 0, o->ts);
	put_text(r, b, row, 1, hedge_side_name(o->side));
	put_float(b, row, 2, filled ? o->price : NAN);
	put_float(b, row, 3, (double) o->qty);
	put_float(b, row, 4, o->fee);
	put_float(b, row, 5, o->realized_pnl);
	put_float(b, row, 6, o->decision_mid);
	put_int(b, row, 7, o->order_no);
	put_time(b, row, 8, o->decided_at);
	put_text(r, b, row, 9, o->status);
	put_float(b, row, 10, (double) o->filled_qty);
	put_float(b, row, 11, filled ? o->fill_mid : NAN);
	put_float(b, row, 12, filled ? o->spread_cost : NAN);
	put_float(b, row, 13, filled ? o->slippage_cost : NAN);
	put_text(r, b, row, 14, o->reason);
	put_float(b, row, 15, o->position_after);

	if (filled)
	{
		batch	   *p = &r->positions;
		int			prow = batch_row(r, p);
		double		units = o->position_after * r->run->p.set.units_per_lot;
		bool		flat = o->position_after == 0;

		put_time(p, prow, 0, o->ts);
		put_float(p, prow, 1, o->position_after);
		put_float(p, prow, 2, flat ? NAN : o->avg_cost_after);
		put_float(p, prow, 3, o->fill_mid);
		put_float(p, prow, 4, flat ? 0 : units * (o->fill_mid - o->avg_cost_after));
	}
}

static void
put_sample(backtest_recorder *r, batch *b, int row, const backtest_sample *s)
{
	const backtest_attribution *a = &s->attribution;

	put_time(b, row, 0, s->ts);
	put_float(b, row, 1, s->mid);
	put_float(b, row, 2, s->position);
	put_float(b, row, 3, s->cash);
	put_float(b, row, 4, s->hedge_value);
	put_float(b, row, 5, s->legs_value);
	put_float(b, row, 6, s->equity);
	put_float(b, row, 7, s->pnl);
	put_float(b, row, 8, s->net_delta);
	put_float(b, row, 9, s->drawdown);
	put_text(r, b, row, 10, s->trading_state);
	put_float(b, row, 11, a->delta);
	put_float(b, row, 12, a->gamma);
	put_float(b, row, 13, a->theta);
	put_float(b, row, 14, a->vega);
	put_float(b, row, 15, a->spread);
	put_float(b, row, 16, a->slippage);
	put_float(b, row, 17, a->fees);
	put_float(b, row, 18, a->financing);
	put_float(b, row, 19, a->residual);
}

static void
record_sample(void *ctx, const backtest_sample *s)
{
	backtest_recorder *r = ctx;

	put_sample(r, &r->equity, batch_row(r, &r->equity), s);
}

static void
record_tick(void *ctx, const backtest_sample *s)
{
	backtest_recorder *r = ctx;
	batch	   *b = &r->ticks;
	int			row = batch_row(r, b);

	put_time(b, row, 0, s->ts);
	put_float(b, row, 1, r->run->core.bid);
	put_float(b, row, 2, r->run->core.ask);
	put_float(b, row, 3, s->mid);
	put_float(b, row, 4, s->net_delta);
	put_float(b, row, 5, s->position);
	put_text(r, b, row, 6, s->trading_state);
	put_float(b, row, 7, s->pnl);
	put_float(b, row, 8, s->equity);
}

backtest_recorder *
backtest_recorder_create(int64 run_id, const backtest *run, backtest_sink *sink)
{
	backtest_recorder *r = palloc0(sizeof(backtest_recorder));

	r->run_id = run_id;
	r->run = run;
	r->rows_context = AllocSetContextCreate(CurrentMemoryContext, "bifrost backtest rows",
											ALLOCSET_DEFAULT_SIZES);
	batch_init(&r->decisions,
			   "INSERT INTO bifrost.backtest_decisions (backtest_run_id, ts, action, reasoning, net_delta,"
			   " intent_side, intent_qty, block_reason, trading_state, until_ts, ticks, mid)"
			   " SELECT $1, *",
			   "tssfsisstif");
	batch_init(&r->orders,
			   "INSERT INTO bifrost.backtest_orders (backtest_run_id, ts, side, price, amount, fee, pnl,"
			   " decision_mid, order_no, decided_at, status, filled, fill_mid, spread_cost, slippage_cost,"
			   " reason, position_after)"
			   " SELECT $1, *",
			   "tsfffffitsffffsf");
	batch_init(&r->positions,
			   "INSERT INTO bifrost.backtest_positions (backtest_run_id, side, ts, amount, entry_price,"
			   " current_price, unrealized_pnl)"
			   " SELECT $1, 'NET', *",
			   "tffff");
	batch_init(&r->equity,
			   "INSERT INTO bifrost.backtest_equity (backtest_run_id, ts, mid, position, cash, hedge_value,"
			   " legs_value, equity, pnl, net_delta, drawdown, trading_state, delta_pnl, gamma_pnl, theta_pnl,"
			   " vega_pnl, spread_cost, slippage_cost, fees, financing, residual)"
			   " SELECT $1, *",
			   "tfffffffffsfffffffff");
	batch_init(&r->ticks,
			   "INSERT INTO bifrost.backtest_ticks (backtest_run_id, ts, bid, ask, spot, net_delta,"
			   " stock_position, trading_state, pnl, equity)"
			   " SELECT $1, *",
			   "tfffffsff");
	memset(sink, 0, sizeof(*sink));
	sink->ctx = r;
	sink->decision = record_decision;
	sink->order = record_order;
	sink->sample = record_sample;
	sink->tick = record_tick;
	return r;
}
