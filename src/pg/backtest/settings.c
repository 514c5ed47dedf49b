/*
 * settings.c: the backtest's bifrost.* settings (settings.h).  Both are
 * superuser settings: a sweep's workers take background worker slots that
 * parallel queries and the other workers share, and its runs fill tables,
 * so how much one call may take is the administrator's to say (per role
 * with ALTER ROLE ... SET).
 */
#include "postgres.h"

#include "utils/guc.h"

#include "pg/backtest/settings.h"

int			bifrost_backtest_workers = BIFROST_DEFAULT_BACKTEST_WORKERS;
int			bifrost_backtest_max_sweep_runs = BIFROST_DEFAULT_BACKTEST_MAX_SWEEP_RUNS;

void
backtest_define_settings(void)
{
	DefineCustomIntVariable("bifrost.backtest_workers",
							"Background workers a bifrost_backtest_sweep() runs its runs on (each takes a "
							"max_worker_processes slot while the sweep lasts).",
							NULL, &bifrost_backtest_workers, BIFROST_DEFAULT_BACKTEST_WORKERS,
							BIFROST_MIN_BACKTEST_WORKERS, BIFROST_MAX_BACKTEST_WORKERS,
							PGC_SUSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("bifrost.backtest_max_sweep_runs",
							"Most runs one bifrost_backtest_sweep() may have: a bigger grid is refused "
							"before anything runs.",
							NULL, &bifrost_backtest_max_sweep_runs, BIFROST_DEFAULT_BACKTEST_MAX_SWEEP_RUNS,
							BIFROST_MIN_BACKTEST_MAX_SWEEP_RUNS, BIFROST_MAX_BACKTEST_MAX_SWEEP_RUNS,
							PGC_SUSET, 0, NULL, NULL, NULL);
}
