/*
 * record.h: a backtest run's records written to its tables: decisions,
 * orders, positions, the equity curve and (when asked) the ticks, each
 * table filled a batch of rows per statement.
 */
#ifndef BIFROST_BACKTEST_RECORD_H
#define BIFROST_BACKTEST_RECORD_H

#include "postgres.h"

#include "engine/backtest.h"

typedef struct backtest_recorder backtest_recorder;

/*
 * A recorder for run run_id (SPI connected, inside the run's transaction);
 * sink is filled with its callbacks.  b is the run, read for the quote of
 * a traced tick.
 */
extern backtest_recorder *backtest_recorder_create(int64 run_id, const backtest *b, backtest_sink *sink);

/* Writes what is still buffered. */
extern void backtest_recorder_flush(backtest_recorder *r);

/* Rows written so far, all tables. */
extern int64 backtest_recorder_rows(const backtest_recorder *r);

#endif							/* BIFROST_BACKTEST_RECORD_H */
