/*
 * ingest.c: bifrost_ingest(source, symbol, data_type, timeframe, since), the
 * SQL entry to market-data ingestion (README, Market data): checks the
 * arguments, then runs the request in the caller's transaction (ingest.h).
 *
 * Bad arguments raise 22023.  A failure of the venue (network, HTTP error,
 * malformed answer, venue error code) is recorded in the run's
 * bifrost.ingestion_runs row and reported as a WARNING: the rows stored
 * before it stay, and the call returns how many there were.  A series that
 * another session is ingesting right now is skipped (run row status
 * skipped, a WARNING, 0 returned) rather than waited for.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "pg/common/echo.h"
#include "pg/ingest/ingest.h"

PG_FUNCTION_INFO_V1(bifrost_ingest);

static void
bad_argument(const char *arg, const char *value, const char *hint)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid value \"%s\" for argument \"%s\" of bifrost_ingest",
					echo_cstring(value), arg),
			 hint ? errhint("%s", hint) : 0));
}

Datum
bifrost_ingest(PG_FUNCTION_ARGS)
{
	const char *names[4] = {"source", "symbol", "data_type", "timeframe"};
	char	   *args[4];
	ingest_request req;
	const char *bad;
	const char *hint;
	char		why[512];
	char		label[128];
	int			changed = 0;
	int64		run;
	ingest_outcome outcome;

	for (int i = 0; i < 4; i++)
		args[i] = PG_ARGISNULL(i) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(i));
	bad = ingest_request_init(&req, args[0], args[1], args[2], args[3], &hint);
	if (bad != NULL)
		for (int i = 0; i < 4; i++)
			if (strcmp(names[i], bad) == 0)
				bad_argument(bad, args[i], hint);

	req.have_since = !PG_ARGISNULL(4);
	if (req.have_since)
	{
		req.since = PG_GETARG_TIMESTAMPTZ(4);
		if (TIMESTAMP_NOT_FINITE(req.since) || req.since > GetCurrentTimestamp())
			bad_argument("since", DatumGetCString(DirectFunctionCall1(timestamptz_out, TimestampTzGetDatum(req.since))),
						 "Pass a finite time in the past, or NULL to continue from the newest stored row.");
		if (req.type == INGEST_PRICE_SNAPSHOT || req.type == INGEST_OPEN_INTEREST)
			bad_argument("since", DatumGetCString(DirectFunctionCall1(timestamptz_out, TimestampTzGetDatum(req.since))),
						 "price_snapshot and open_interest take the venue's current values: pass NULL.");
	}

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "bifrost: SPI_connect failed");
	outcome = ingest_run(&req, &run, &changed, why, sizeof(why));
	SPI_finish();

	ingest_request_label(&req, label, sizeof(label));
	if (outcome == INGEST_FAILED)
		ereport(WARNING,
				(errmsg("ingestion of %s failed: %s", label, why),
				 errdetail("%d rows were stored before the failure; bifrost.ingestion_runs row %lld says why.",
						   changed, (long long) run)));
	else if (outcome == INGEST_SKIPPED)
		ereport(WARNING,
				(errmsg("ingestion of %s skipped: %s", label, why),
				 errhint("Try again once that session has committed; bifrost.ingestion_runs row %lld is marked skipped.",
						 (long long) run)));
	PG_RETURN_INT32(changed);
}
