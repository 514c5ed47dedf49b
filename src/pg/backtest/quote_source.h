/*
 * quote_source.h: the quotes a backtest replays, read from the tables in time
 * order, a bounded batch at a time.
 *
 * ticks: the rows of bifrost.ticks of a symbol with from_ts <= ts < to_ts, in
 * (ts, id) order, the order of the worker's replay feed, its sides completed
 * as that feed completes them (engine/tick_quote.h: a row without bid and
 * ask is a locked quote at its last price; a one-sided row keeps its
 * missing side NAN: no quote).
 * candles: the confirmed bars of bifrost.market_data of a symbol and
 * timeframe, one quote per bar at its close time (open time + bar length),
 * its close as the mid, bid and ask spread_bps apart:
 * close x (1 -+ spread_bps / 20000).  Bars whose close time lies in
 * [from_ts, to_ts), in time order.
 *
 * Times are epoch seconds as extract(epoch FROM ts)::float8 gives them
 * (correctly rounded), prices the doubles numeric::float8 gives
 * (numeric_double.h); +-infinity stays +-infinity.
 *
 * A source reads through the tables' indexes with the active snapshot, which
 * it registers: open, read and close it inside one transaction (a SQL
 * function's, or a background worker's with a snapshot pushed).  It needs
 * SELECT on the table it reads, as a query would, and refuses a table under
 * row-level security.  It holds at most QUOTE_SOURCE_BATCH rows; equal ts
 * beyond that many are put in id order through a tuplesort within
 * work_mem.  Each batch checks for interrupts.
 */
#ifndef BIFROST_QUOTE_SOURCE_H
#define BIFROST_QUOTE_SOURCE_H

#include "postgres.h"

#include "datatype/timestamp.h"

/* Rows a source holds at most (ticks read ahead to put equal ts in id order). */
#define QUOTE_SOURCE_BATCH 4096

typedef struct backtest_source_quote
{
	double		ts;				/* epoch seconds */
	double		bid;
	double		ask;
} backtest_source_quote;

typedef struct quote_source quote_source;

/*
 * Both palloc the source in a memory context of its own under the current
 * one; quote_source_close frees it.  Errors (missing table or index, no
 * privilege) are raised here; the arguments are the caller's to check
 * (symbol not empty, from_ts < to_ts, a timeframe of 15m, 1h, 4h, 1d,
 * spread_bps in [0, 20000)): anything else is an internal error.
 */
extern quote_source *quote_source_open_ticks(const char *symbol, TimestampTz from_ts, TimestampTz to_ts);
extern quote_source *quote_source_open_candles(const char *symbol, const char *timeframe, double spread_bps,
											   TimestampTz from_ts, TimestampTz to_ts);

/* Fills up to max quotes in order; returns how many, 0 at the end. */
extern int	quote_source_next(quote_source *s, backtest_source_quote *out, int max);

/* Rows of the range read from the table so far (for candles, the unconfirmed bars left out too). */
extern int64 quote_source_rows_read(const quote_source *s);

/* Ends the scan and frees the source; logs rows read and seconds spent reading at DEBUG1. */
extern void quote_source_close(quote_source *s);

/* A candle timeframe's bar length in seconds; 0 for anything else. */
extern int	quote_source_bar_seconds(const char *timeframe);

/* Epoch seconds of a timestamptz, as extract(epoch FROM t)::float8 gives them. */
extern double quote_source_epoch(TimestampTz t);

/* The timestamptz whose epoch seconds are epoch (the inverse of the above). */
extern TimestampTz quote_source_timestamptz(double epoch);

#endif							/* BIFROST_QUOTE_SOURCE_H */
