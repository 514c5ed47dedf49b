/*
 * engine_types.h: value types shared by the decision modules of the engine.
 *
 * The six state-space dimensions (the reference's codes O D M L E S), an
 * option leg, and the clock the caller computes for the New York market.
 * Time is always an input: the engine never reads the system clock, so the
 * worker, bifrost_evaluate(), the backtest and the unit tests all decide
 * the same way from the same numbers.  Pure C99, no PostgreSQL header.
 *
 * Units used throughout the engine:
 *   time        epoch seconds (double, UTC), durations in seconds unless a
 *               name ends in _ms
 *   delta       shares of the underlying (share-equivalents), or lots of
 *               the hedge instrument at a venue that counts in lots
 *               (engine_input.units_per_lot units of the underlying each)
 *   gamma       shares (lots) per 1 unit of spot
 *   spreads     percent of mid (0.1 = 0.1 %), as the reference
 *   price move  percent of the last hedge price
 *   dates       days since 1970-01-01 (int32_t), proleptic Gregorian
 */
#ifndef BIFROST_ENGINE_TYPES_H
#define BIFROST_ENGINE_TYPES_H

#include <stdbool.h>
#include <stdint.h>

#include "bs.h"

/* O: option position, from the sign of portfolio gamma. */
typedef enum dim_o
{
	DIM_O0_NONE,
	DIM_O1_LONG_GAMMA,
	DIM_O2_SHORT_GAMMA
} dim_o;

/* D: how far the net delta is from neutral. */
typedef enum dim_d
{
	DIM_D0_IN_BAND,
	DIM_D1_MINOR,
	DIM_D2_HEDGE_NEEDED,
	DIM_D3_FORCE_HEDGE,
	DIM_D4_INVALID
} dim_d;

/* M: market regime. */
typedef enum dim_m
{
	DIM_M0_QUIET,
	DIM_M1_NORMAL,
	DIM_M2_TREND,
	DIM_M3_CHOPPY_HIGHVOL,
	DIM_M4_GAP,					/* defined by the reference, never produced */
	DIM_M5_STALE
} dim_m;

/* L: liquidity of the hedge instrument's quote. */
typedef enum dim_l
{
	DIM_L0_NORMAL,
	DIM_L1_WIDE,
	DIM_L2_EXTREME_WIDE,
	DIM_L3_NO_QUOTE
} dim_l;

/* E: execution state (the hedge order sub-machine, mapped by the caller). */
typedef enum dim_e
{
	DIM_E0_IDLE,				/* no order working */
	DIM_E1_ORDER_WORKING,		/* planned, sent, acknowledged, repricing */
	DIM_E2_PARTIAL,				/* partly filled */
	DIM_E3_DISCONNECTED,		/* broker not connected */
	DIM_E4_BROKER_ERROR			/* order failed, not yet recovered */
} dim_e;

/* S: system health. */
typedef enum dim_s
{
	DIM_S0_OK,
	DIM_S1_GREEKS_BAD,
	DIM_S2_DATA_LAG,
	DIM_S3_RISK_HALT
} dim_s;

typedef struct engine_dims
{
	dim_o		o;
	dim_d		d;
	dim_m		m;
	dim_l		l;
	dim_e		e;
	dim_s		s;
} engine_dims;

/*
 * How an option settles at its expiry (settlement.h): in cash at its
 * intrinsic value, or by delivery of the underlying at the strike.
 */
typedef enum settlement_style
{
	SETTLEMENT_CASH,
	SETTLEMENT_PHYSICAL
} settlement_style;

/*
 * One option leg, shaped like a row of bifrost.legs.  implied_vol NAN means
 * "use greeks.volatility".  multiplier is the number of shares one contract
 * controls (100 for US equity options).  Once expired, settlement_price is
 * the underlying's price the leg settled at and settlement how; 0 (a zeroed
 * leg) until that is fixed, and the spot then stands in for it.
 */
typedef struct engine_leg
{
	bs_right	right;
	double		strike;			/* price, > 0 */
	double		expiry;			/* epoch seconds of the expiry instant */
	double		quantity;		/* signed contracts: > 0 long, < 0 short */
	double		multiplier;		/* shares per contract, > 0 */
	double		implied_vol;	/* annual fraction, >= 0, or NAN */
	double		settlement_price;	/* > 0 once fixed, else 0 or NAN */
	settlement_style settlement;	/* how it settled, once fixed */
} engine_leg;

/*
 * Wall-clock facts about "now" in America/New_York.  The SQL glue fills it
 * with PostgreSQL's time-zone code and the bifrost.market_holidays table;
 * calendar_ny_clock() fills it from fixed rules for tools and tests.
 */
typedef struct engine_clock
{
	int32_t		ny_date;		/* New York calendar date, days since 1970-01-01 */
	int			ny_weekday;		/* 0 = Sunday .. 6 = Saturday */
	double		ny_seconds;		/* wall-clock seconds since local midnight, [0, 86400) */
	bool		ny_holiday;		/* the NYSE is closed all day */
	int			ny_early_close_min; /* minute of day the NYSE closes early, or -1 */
} engine_clock;

#endif							/* BIFROST_ENGINE_TYPES_H */
