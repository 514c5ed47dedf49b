/*
 * settings.h: the backtest's bifrost.* settings (settings.c): how many
 * background workers a sweep runs on, and how many runs a sweep may have.
 */
#ifndef BIFROST_BACKTEST_SETTINGS_H
#define BIFROST_BACKTEST_SETTINGS_H

/* Workers of one sweep; each also needs a free max_worker_processes slot. */
#define BIFROST_DEFAULT_BACKTEST_WORKERS 2
#define BIFROST_MIN_BACKTEST_WORKERS 1
#define BIFROST_MAX_BACKTEST_WORKERS 64

/* Runs of one sweep: a bigger grid is refused before anything runs. */
#define BIFROST_DEFAULT_BACKTEST_MAX_SWEEP_RUNS 1000
#define BIFROST_MIN_BACKTEST_MAX_SWEEP_RUNS 1
#define BIFROST_MAX_BACKTEST_MAX_SWEEP_RUNS 100000

extern int	bifrost_backtest_workers;
extern int	bifrost_backtest_max_sweep_runs;

/* Defines them; called by _PG_init. */
extern void backtest_define_settings(void);

#endif							/* BIFROST_BACKTEST_SETTINGS_H */
