/*
 * backtest.c: bifrost_backtest(), one backtest run in the caller's
 * transaction (src/pg/backtest/run.h); bifrost_backtest_sweep(), a grid of
 * runs on background workers (src/pg/backtest/sweep.h), and the check of
 * its workers' liveness the progress view uses.
 */
#include "postgres.h"

#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"

#include "pg/backtest/run.h"
#include "pg/backtest/spec.h"
#include "pg/backtest/sweep.h"

PG_FUNCTION_INFO_V1(bifrost_backtest);
PG_FUNCTION_INFO_V1(bifrost_backtest_sweep);
PG_FUNCTION_INFO_V1(bifrost_backtest_worker_alive);

static void
require(FunctionCallInfo fcinfo, int arg, const char *function, const char *name, const char *hint)
{
	if (PG_ARGISNULL(arg))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s of %s() must not be NULL", name, function),
				 hint ? errhint("%s", hint) : 0));
}

Datum
bifrost_backtest(PG_FUNCTION_ARGS)
{
	backtest_spec *spec = palloc(sizeof(backtest_spec));
	char	   *symbol = NULL;
	int64		run_id;

	require(fcinfo, 0, "bifrost_backtest", "config", "Pass '{}' to run bifrost.config as it is.");
	require(fcinfo, 1, "bifrost_backtest", "from_ts", NULL);
	require(fcinfo, 2, "bifrost_backtest", "to_ts", NULL);
	if (!PG_ARGISNULL(3))
		symbol = text_to_cstring(PG_GETARG_TEXT_PP(3));
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	backtest_spec_build(spec, PG_GETARG_JSONB_P(0), PG_GETARG_TIMESTAMPTZ(1), PG_GETARG_TIMESTAMPTZ(2), symbol);
	run_id = backtest_execute(spec, 0, NULL, NULL);
	SPI_finish();
	PG_RETURN_INT64(run_id);
}

Datum
bifrost_backtest_sweep(PG_FUNCTION_ARGS)
{
	const char *fn = "bifrost_backtest_sweep";

	require(fcinfo, 0, fn, "base", "Pass '{}' to sweep over bifrost.config as it is.");
	require(fcinfo, 1, fn, "grid", "Map configuration keys to arrays of the values to try.");
	require(fcinfo, 2, fn, "from_ts", NULL);
	require(fcinfo, 3, fn, "to_ts", NULL);
	PG_RETURN_ARRAYTYPE_P(backtest_sweep(PG_GETARG_JSONB_P(0), PG_GETARG_JSONB_P(1), PG_GETARG_TIMESTAMPTZ(2),
										 PG_GETARG_TIMESTAMPTZ(3),
										 PG_ARGISNULL(4) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(4))));
}

Datum
bifrost_backtest_worker_alive(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(backtest_sweep_worker_alive(PG_GETARG_INT32(0)));
}
