/*
 * calendar.c: bifrost._nyse_holidays(from_year, to_year), the rows that
 * seed bifrost.market_holidays from the exchange's published rules.
 */
#include "postgres.h"

#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"

#include "engine/calendar.h"

PG_FUNCTION_INFO_V1(bifrost_nyse_holidays);

#define MAX_ROWS_PER_YEAR 16

Datum
bifrost_nyse_holidays(PG_FUNCTION_ARGS)
{
	int32		from_year = PG_GETARG_INT32(0);
	int32		to_year = PG_GETARG_INT32(1);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	if (from_year < CALENDAR_MIN_YEAR || to_year > CALENDAR_MAX_YEAR || from_year > to_year)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid year range %d to %d", from_year, to_year),
				 errhint("Years run from %d to %d, the first not after the last.",
						 CALENDAR_MIN_YEAR, CALENDAR_MAX_YEAR)));

	InitMaterializedSRF(fcinfo, 0);
	for (int year = from_year; year <= to_year; year++)
	{
		calendar_day days[MAX_ROWS_PER_YEAR];
		int			n = calendar_nyse_holidays(year, days, MAX_ROWS_PER_YEAR);

		for (int i = 0; i < Min(n, MAX_ROWS_PER_YEAR); i++)
		{
			Datum		values[3];
			bool		nulls[3] = {false, false, false};

			values[0] = DateADTGetDatum((DateADT) (days[i].date - (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE)));
			values[1] = CStringGetTextDatum(days[i].name);
			if (days[i].early_close_min < 0)
				nulls[2] = true;
			else
				values[2] = TimeADTGetDatum((TimeADT) days[i].early_close_min * USECS_PER_MINUTE);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	return (Datum) 0;
}
