/*
 * engine_glue.h: what the pure engine needs from PostgreSQL — the stored
 * configuration, the New York wall clock and the holiday table.  Shared by
 * bifrost_evaluate() and the worker.
 */
#ifndef BIFROST_ENGINE_GLUE_H
#define BIFROST_ENGINE_GLUE_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "utils/jsonb.h"

#include "engine/engine.h"
#include "pg/common/config_rows.h"

/* Seconds between 1970-01-01 and PostgreSQL's epoch 2000-01-01. */
#define BIFROST_UNIX_EPOCH_OFFSET_SEC 946684800.0

extern double timestamptz_to_epoch(TimestampTz t);
extern TimestampTz epoch_to_timestamptz(double epoch);

/*
 * Loads bifrost.config into cfg (SPI connected).  A configuration that
 * config_rows_check() faults (the judgement behind bifrost_config_set() and
 * bifrost.config_problems()) raises 22023 naming its first problem and
 * leaves cfg as it was: decisions never run on a config the self-check
 * would flag.
 */
extern void engine_glue_load_config(engine_config *cfg);

/*
 * The engine's configuration from rows config_rows_check() has passed
 * (defaults for the keys without a row).
 */
extern void engine_glue_config_from_rows(const config_rows *rows, engine_config *cfg);

/* Applies one key of an override object; raises 22023 naming the key. */
extern void engine_glue_apply_key(engine_config *cfg, const char *key, Jsonb *value,
								  const char *context);

/* Raises 22023 naming the key of the first violated rule between keys. */
extern void engine_glue_check_config(const engine_config *cfg, const char *context);

/* The New York clock of an instant, holidays from bifrost.market_holidays (SPI connected). */
extern void engine_glue_clock(TimestampTz now, engine_clock *out);

/* The same without the holiday lookup: no SPI, no transaction needed. */
extern void engine_glue_ny_wallclock(TimestampTz now, engine_clock *out);

/* The holiday status of a New York date from bifrost.market_holidays (SPI connected). */
extern void engine_glue_holiday(int32 ny_date, bool *holiday, int *early_close_min);

/* Calendar date (days since 1970-01-01) of an instant in a named time zone. */
extern int32 engine_glue_local_date(TimestampTz now, const char *tz_name);

#endif							/* BIFROST_ENGINE_GLUE_H */
