/*
 * run.h: one backtest run, from its specification to its rows: the run
 * row (status running), the quotes of its source through the driver, the
 * records, then the run row's metrics and status success, all in the
 * caller's transaction: a run that fails or is cancelled leaves nothing,
 * never a partial run marked success.
 */
#ifndef BIFROST_BACKTEST_RUN_H
#define BIFROST_BACKTEST_RUN_H

#include "postgres.h"

#include "pg/backtest/spec.h"

/*
 * Runs spec (SPI connected) and returns the run's id; sweep_id 0 for a run
 * of its own.  A source with no usable quote in the range raises 22023.
 * progress, when not NULL, is called after each batch of quotes with the
 * quotes so far (a sweep's worker reports them).
 */
extern int64 backtest_execute(backtest_spec *spec, int64 sweep_id,
							  void (*progress) (void *arg, int64 quotes), void *progress_arg);

#endif							/* BIFROST_BACKTEST_RUN_H */
