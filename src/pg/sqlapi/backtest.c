/*
 * backtest.c: bifrost_backtest(), one backtest run in the caller's
 * transaction (src/pg/backtest/run.h).
 */
#include "postgres.h"

#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"

#include "pg/backtest/run.h"
#include "pg/backtest/spec.h"

PG_FUNCTION_INFO_V1(bifrost_backtest);

static void
require(FunctionCallInfo fcinfo, int arg, const char *name)
{
	if (PG_ARGISNULL(arg))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s of bifrost_backtest() must not be NULL", name),
				 arg == 0 ? errhint("Pass '{}' to run bifrost.config as it is.") : 0));
}

Datum
bifrost_backtest(PG_FUNCTION_ARGS)
{
	backtest_spec *spec = palloc(sizeof(backtest_spec));
	char	   *symbol = NULL;
	int64		run_id;

	require(fcinfo, 0, "config");
	require(fcinfo, 1, "from_ts");
	require(fcinfo, 2, "to_ts");
	if (!PG_ARGISNULL(3))
		symbol = text_to_cstring(PG_GETARG_TEXT_PP(3));
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	backtest_spec_build(spec, PG_GETARG_JSONB_P(0), PG_GETARG_TIMESTAMPTZ(1), PG_GETARG_TIMESTAMPTZ(2), symbol);
	run_id = backtest_execute(spec, 0, NULL, NULL);
	SPI_finish();
	PG_RETURN_INT64(run_id);
}
