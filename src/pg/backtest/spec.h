/*
 * spec.h: what one backtest run is, read from its arguments and the
 * database: bifrost.config overridden key by key by the run's
 * configuration (checked by the same rules as bifrost_config_set()), the
 * backtest keys (backtest_keys.h), the legs, the source of its quotes and
 * the calendars of its clock.  Everything a run records as its effective
 * configuration, and its hash, comes from here.
 */
#ifndef BIFROST_BACKTEST_SPEC_H
#define BIFROST_BACKTEST_SPEC_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "utils/jsonb.h"

#include "engine/backtest.h"

typedef enum backtest_source_kind
{
	BACKTEST_SOURCE_TICKS,
	BACKTEST_SOURCE_CANDLES,
	BACKTEST_SOURCE_SIM
} backtest_source_kind;

typedef struct backtest_spec
{
	backtest_params params;
	backtest_source_kind source;
	const char *source_name;	/* ticks, candles, sim */
	char		symbol[64];
	char		timeframe[8];	/* candles: 15m .. 1d; else "tick" */
	double		spread_bps;		/* candles */
	/* the simulated feed */
	double		sim_spot,
				sim_vol,
				sim_drift,
				sim_spread_bps,
				sim_tick_s;
	uint64		sim_seed;
	TimestampTz from_ts;
	TimestampTz to_ts;
	Jsonb	   *effective;		/* every key's value, the legs and the symbol */
	char		hash[65];		/* sha256 of effective's text, hex */
	backtest_calendar new_york;
	backtest_calendar day_roll;
} backtest_spec;

/*
 * Reads the run's specification (SPI connected).  config is a JSON object
 * of overrides; symbol NULL means the configuration's symbol.  Bad input
 * raises 22023 naming the key, the value or the leg; nothing is written.
 */
extern void backtest_spec_build(backtest_spec *spec, Jsonb *config, TimestampTz from_ts,
								TimestampTz to_ts, const char *symbol);

/* Longest range a run may cover, in days (the calendars' size). */
#define BACKTEST_MAX_RANGE_DAYS (BACKTEST_MAX_CALENDAR_DAYS - 4)

#endif							/* BIFROST_BACKTEST_SPEC_H */
