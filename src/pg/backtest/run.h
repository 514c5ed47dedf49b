/*
 * run.h: one backtest run, from its specification to its rows: the run
 * row (status running), the quotes of its source through the driver, the
 * records, then the run row's metrics and status success.
 *
 * bifrost_backtest() does it all in the caller's transaction: a run that
 * fails or is cancelled leaves nothing, never a partial run marked
 * success.  A sweep's worker commits the run row first and executes into
 * it in a second transaction, so that a run that does not finish is still
 * recorded: failed, with the reason (backtest_fail_run).
 */
#ifndef BIFROST_BACKTEST_RUN_H
#define BIFROST_BACKTEST_RUN_H

#include "postgres.h"

#include "pg/backtest/spec.h"

/*
 * Called after each batch of quotes with the quotes so far (a sweep's
 * worker reports them and raises an ERROR there to stop the run).
 */
typedef void (*backtest_progress_fn) (void *arg, int64 quotes);

/*
 * Inserts spec's run row, status running (SPI connected), and returns its
 * id; sweep_id 0 for a run of its own, worker_pid 0 when no sweep worker
 * runs it.
 */
extern int64 backtest_insert_run(const backtest_spec *spec, int64 sweep_id, int worker_pid);

/*
 * Runs spec into run run_id, whose row says running (SPI connected): the
 * records, then the metrics and status success.  A source with no usable
 * quote in the range raises 22023.  progress may be NULL.
 */
extern void backtest_execute_run(backtest_spec *spec, int64 run_id, backtest_progress_fn progress,
								 void *progress_arg);

/* Both in the caller's transaction; returns the run's id (bifrost_backtest). */
extern int64 backtest_execute(backtest_spec *spec, int64 sweep_id, backtest_progress_fn progress,
							  void *progress_arg);

/*
 * Marks run run_id failed, with finished_at and error (SPI connected); a
 * run that is no longer running is left as it is.  False when it was not.
 */
extern bool backtest_fail_run(int64 run_id, const char *error);

#endif							/* BIFROST_BACKTEST_RUN_H */
