/*
 * guards.h: the execution gates between a hedge intent and an order.
 *
 * Checked in the reference's ExecutionGuard order, then bifrost's own:
 *   circuit_breaker        daily_pnl <= -max_daily_loss_usd
 *   outside_rth            trading_hours_only and not an NYSE session:
 *                          Monday-Friday, not a holiday, 09:30 <= New York
 *                          wall time < 16:00 (or the early close)
 *   earnings_blackout      New York date within [d - before, d + after] of
 *                          an earnings date d (calendar days, inclusive)
 *   cooldown               not forced, a last hedge exists and
 *                          now - last < cooldown_seconds
 *   max_daily_hedge_count  daily_hedge_count >= max
 *   max_position           |stock + pending + signed qty| > max_position_shares
 *                          and the order grows the absolute position
 *   spread_too_wide        max_spread_pct set and spread_pct > it
 *   min_price_move         not forced, min_price_move_pct > 0, spot and last
 *                          hedge price known: 100 |spot - last| / last < min
 *   below_min_size         qty < min_hedge_shares
 *   hedge_in_flight        pending_hedge_qty != 0, or execution E1/E2
 *   suspended              trading suspended by the operator
 *   trading_state_<state>  the next trading state is not NEED_HEDGE
 * The first failing gate is the block reason.  Pure C99.
 */
#ifndef BIFROST_GUARDS_H
#define BIFROST_GUARDS_H

#include <stdbool.h>
#include <stdint.h>

#include "engine_config.h"
#include "engine_types.h"
#include "sizing.h"
#include "trading_fsm.h"

typedef enum guard_reason
{
	GUARD_NONE,					/* every gate passes */
	GUARD_CIRCUIT_BREAKER,
	GUARD_OUTSIDE_RTH,
	GUARD_EARNINGS_BLACKOUT,
	GUARD_COOLDOWN,
	GUARD_MAX_DAILY_HEDGE_COUNT,
	GUARD_MAX_POSITION,
	GUARD_SPREAD_TOO_WIDE,
	GUARD_MIN_PRICE_MOVE,
	GUARD_BELOW_MIN_SIZE,
	GUARD_HEDGE_IN_FLIGHT,
	GUARD_SUSPENDED,
	/* then one reason per trading state, in trading_state order */
	GUARD_TRADING_STATE_FIRST
} guard_reason;

/* Every reason, the state reasons included. */
#define GUARD_REASON_COUNT (GUARD_TRADING_STATE_FIRST + TRADING_STATE_COUNT)

/* The reason naming a trading state: trading_state_safe, ... */
#define GUARD_REASON_OF_STATE(s) ((guard_reason) (GUARD_TRADING_STATE_FIRST + (int) (s)))

/* Bit of a reason in a guard mask. */
#define GUARD_BIT(r) (UINT32_C(1) << (r))

typedef struct guard_input
{
	double		now;			/* epoch seconds */
	const engine_clock *clock;	/* New York wall clock of now */
	double		daily_pnl;		/* USD, today's (already rolled) */
	int			daily_hedge_count;	/* hedges today */
	double		last_hedge_ts;	/* epoch seconds, NAN when none */
	double		last_hedge_price;	/* NAN when none */
	double		stock_position; /* shares held */
	double		pending_hedge_qty;	/* signed shares of hedges in flight */
	const hedge_intent *intent;
	double		spread_pct;		/* percent of mid, NAN with no quote */
	double		spot;
	dim_e		execution;		/* after classify_e() */
	bool		suspended;
	trading_state next_state;
} guard_input;

/* Mask of every failing gate (GUARD_BIT of each reason). */
extern uint32_t guards_check(const engine_config *cfg, const guard_input *in);

/* The first reason in a mask, GUARD_NONE for 0. */
extern guard_reason guards_first(uint32_t mask);

/* "circuit_breaker", ..., "trading_state_safe"; NULL for GUARD_NONE or out of range. */
extern const char *guard_reason_name(guard_reason r);

/* An NYSE session is open at the clock (weekday, no holiday, 09:30 to the close). */
extern bool guards_market_open(const engine_clock *clock);

/* The clock's New York date lies in an earnings blackout. */
extern bool guards_in_earnings_blackout(const engine_config *cfg, int32_t ny_date);

#endif							/* BIFROST_GUARDS_H */
