/*
 * engine_glue.c: configuration, clock and holidays for the pure engine.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"

#include "engine/calendar.h"
#include "pg/common/config_rows.h"
#include "pg/common/echo.h"
#include "pg/common/engine_glue.h"

#define NY_TIME_ZONE "America/New_York"

double
timestamptz_to_epoch(TimestampTz t)
{
	return (double) t / USECS_PER_SEC + BIFROST_UNIX_EPOCH_OFFSET_SEC;
}

TimestampTz
epoch_to_timestamptz(double epoch)
{
	return (TimestampTz) llround((epoch - BIFROST_UNIX_EPOCH_OFFSET_SEC) * USECS_PER_SEC);
}

void
engine_glue_apply_key(engine_config *cfg, const char *key, Jsonb *value, const char *context)
{
	const config_key_spec *spec = config_find_key(key);
	config_value v;
	char		msg[CONFIG_MESSAGE_MAX];

	if (spec == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown configuration key \"%s\" in %s", echo_cstring(key), context),
				 errhint("SELECT key FROM bifrost.config lists the keys.")));
	config_jsonb_to_value(value, &v);
	if (!config_value_valid(spec, &v, msg, sizeof(msg)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid value %s for configuration key \"%s\" in %s",
						echo_jsonb(value), key, context),
				 errdetail("%s.", msg)));
	if (!engine_config_apply(cfg, key, &v))
		elog(ERROR, "bifrost: configuration key \"%s\" passed the schema but not the engine", key);
}

void
engine_glue_check_config(const engine_config *cfg, const char *context)
{
	const char *bad = engine_config_check(cfg);

	if (bad)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid configuration in %s: key \"%s\" breaks a rule between keys", context, bad),
				 errhint("bifrost.config_problems() explains the rule; e.g. the hedge threshold may not lie inside the no-trade band.")));
}

void
engine_glue_load_config(engine_config *cfg)
{
	config_rows rows;
	config_first_problem problem = {0};

	config_rows_load(&rows);
	if (config_rows_check(&rows, config_note_first_problem, &problem) > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("bifrost.config is invalid: key \"%s\": %s", echo_cstring(problem.key), problem.message),
				 errdetail("%d problem(s) in all; decisions keep the last valid configuration.", problem.count),
				 errhint("SELECT * FROM bifrost.config_problems() lists them; bifrost_config_set() repairs a key.")));
	engine_glue_config_from_rows(&rows, cfg);
}

void
engine_glue_config_from_rows(const config_rows *rows, engine_config *cfg)
{
	engine_config loaded;

	engine_config_defaults(&loaded);
	for (int i = 0; i < config_key_count; i++)
		if (rows->by_key[i] && !engine_config_apply(&loaded, config_keys[i].key, rows->by_key[i]))
			elog(ERROR, "bifrost: configuration key \"%s\" passed the schema but not the engine",
				 config_keys[i].key);
	*cfg = loaded;
}

void
engine_glue_ny_wallclock(TimestampTz now, engine_clock *out)
{
	static pg_tz *ny = NULL;
	struct pg_tm tm;
	fsec_t		fsec;
	int			tzoff;

	if (ny == NULL && (ny = pg_tzset(NY_TIME_ZONE)) == NULL)
		elog(ERROR, "time zone \"%s\" is not installed", NY_TIME_ZONE);
	if (timestamp2tm(now, &tzoff, &tm, &fsec, NULL, ny) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range for the New York calendar")));

	out->ny_date = calendar_days_from_civil(tm.tm_year, tm.tm_mon, tm.tm_mday);
	out->ny_weekday = calendar_weekday(out->ny_date);
	out->ny_seconds = tm.tm_hour * 3600.0 + tm.tm_min * 60.0 + tm.tm_sec + fsec / 1e6;
	out->ny_holiday = false;
	out->ny_early_close_min = -1;
}

void
engine_glue_holiday(int32 ny_date, bool *holiday, int *early_close_min)
{
	Oid			types[1] = {DATEOID};
	Datum		values[1];

	*holiday = false;
	*early_close_min = -1;
	/* DateADT counts days from 2000-01-01 */
	values[0] = DateADTGetDatum((DateADT) (ny_date - (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE)));
	if (SPI_execute_with_args("SELECT early_close FROM bifrost.market_holidays WHERE day = $1",
							  1, types, values, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read bifrost.market_holidays");
	if (SPI_processed == 1)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);

		if (isnull)
			*holiday = true;
		else
			*early_close_min = (int) (DatumGetTimeADT(d) / USECS_PER_MINUTE);
	}
}

void
engine_glue_clock(TimestampTz now, engine_clock *out)
{
	engine_glue_ny_wallclock(now, out);
	engine_glue_holiday(out->ny_date, &out->ny_holiday, &out->ny_early_close_min);
}

int32
engine_glue_local_date(TimestampTz now, const char *tz_name)
{
	pg_tz	   *tz = pg_tzset(tz_name);
	struct pg_tm tm;
	fsec_t		fsec;
	int			tzoff;

	if (tz == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("time zone \"%s\" is not known", tz_name)));
	if (timestamp2tm(now, &tzoff, &tm, &fsec, NULL, tz) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	return calendar_days_from_civil(tm.tm_year, tm.tm_mon, tm.tm_mday);
}
