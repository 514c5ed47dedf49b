/*
 * engine.h: one decision step, as bifrost_evaluate() describes it.
 *
 * engine_evaluate() takes the configuration and everything the engine may
 * know at one instant (state, event, time, quote, legs or given greeks,
 * hedge position, daily counters, execution state) and returns the
 * classification, the next trading state, the guard predicates, the hedge
 * intent and the first gate that blocks it.  The worker, the SQL function
 * and the backtest all call it.  Pure C99, no allocation, no clock: the
 * caller owns every buffer and supplies the time.
 *
 * For the SQL glue: NAN in an output means "none" (JSON null); the codes
 * and names come from dim_*_code(), trading_state_name(),
 * trading_guard_name()/trading_guard_value(), hedge_side_name() and
 * guard_reason_name().  Leg expiries are the expiry instant (16:00
 * America/New_York for US equity options), converted to epoch seconds.
 */
#ifndef BIFROST_ENGINE_H
#define BIFROST_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "classifier.h"
#include "engine_config.h"
#include "engine_types.h"
#include "guards.h"
#include "portfolio.h"
#include "sizing.h"
#include "trading_fsm.h"

typedef struct engine_input
{
	trading_state state;		/* current trading state (SQL default MONITOR) */
	trading_event event;		/* what happened (SQL default tick) */
	double		now;			/* epoch seconds */
	engine_clock clock;			/* New York wall clock of now */

	/* quote of the hedge instrument; present = false: no quote */
	bool		has_quote;
	double		bid;
	double		ask;
	double		quote_ts;		/* epoch seconds; the quote's age is the data lag */

	double		spot;			/* NAN: the quote's mid */

	/* the book: legs, or given greeks that replace the portfolio computation */
	const engine_leg *legs;		/* caller-owned, n_legs entries */
	int			n_legs;
	bool		has_greeks;
	double		greeks_net_delta;	/* shares, the final net delta (stock included) */
	double		greeks_gamma;
	bool		greeks_valid;

	/*
	 * Optional (NULL: none): the legs' figures priced already at this
	 * instant (portfolio_book_compute of legs as legs_in_lots), so that the
	 * step and the caller price the book once.  Used only when they are of
	 * these legs at the spot, time and market the step prices at; the step
	 * then decides exactly as when it prices the legs itself.
	 */
	const portfolio_book *book;

	/*
	 * Underlying units in one lot of the hedge instrument (1 for shares,
	 * 0.0001 for a lot of BTC-USDT-SWAP at OKX).  Delta, positions and
	 * sizes are counted in lots (leg multipliers already divided by it);
	 * it turns lots into value for the greeks' sanity limit.
	 */
	double		units_per_lot;

	double		stock_position; /* shares of the hedge instrument held */
	double		pending_hedge_qty;	/* signed shares of hedges in flight */
	double		last_hedge_price;	/* NAN when none */
	double		last_hedge_ts;	/* epoch seconds, NAN when none */
	int			daily_hedge_count;	/* today's, already rolled at day_roll_tz */
	double		daily_pnl;		/* USD, today's */
	dim_e		execution_state;	/* E0..E4 from the order machine */
	bool		broker_connected;
	double		faults_clear_since; /* epoch seconds, NAN while faulted/unknown */
	bool		suspended;

	/* optional regime window for M: positive prices, oldest first */
	const double *prices;
	int			n_prices;
} engine_input;

typedef struct engine_output
{
	double		spot;			/* the spot used, NAN when unknown */
	double		net_delta;		/* shares */
	double		option_delta;	/* shares: net - stock - pending */
	double		gamma;			/* shares per unit of spot */
	bool		greeks_valid;	/* sane: valid, finite, worth at most PORTFOLIO_GREEKS_VALUE_LIMIT */
	int			legs_active;
	int			legs_expired;
	double		spread_pct;		/* percent of mid, NAN with no usable quote */
	double		data_lag_ms;	/* quote age, NAN with no quote */
	bool		risk_halt;		/* the loss breaker has tripped */
	engine_dims dims;
	trading_state next_state;
	trading_guards guards;
	bool		fault;			/* a fault SAFE waits out is present */
	double		faults_clear_since; /* updated: NAN while faulted */
	hedge_intent intent;
	guard_reason block_reason;	/* GUARD_NONE when the intent may be sent or there is none */
	uint32_t	block_mask;		/* every failing gate (GUARD_BIT), 0 without an intent */
} engine_output;

/*
 * An input with the SQL defaults: state MONITOR, event tick, no quote, spot
 * NAN, no legs, no given greeks, no book priced, one unit per lot, no last
 * hedge, E0, broker connected, faults_clear_since NAN, not suspended, now
 * and the clock zero.
 */
extern void engine_input_init(engine_input *in);

/*
 * The domain of a step.  Prices (bid, ask, spot, strikes, last hedge price,
 * sampled prices) lie in bs_check_inputs()'s [BS_MIN_PRICE, BS_MAX_PRICE]
 * (a bid or ask may be 0), leg volatilities in its sigma range, expiries
 * at most BS_MAX_T years ahead; quantities and multipliers are bounded so
 * that their products with prices and greeks stay far inside a double.
 * units_per_lot lies in [ENGINE_MIN_UNITS_PER_LOT, ENGINE_MAX_UNITS_PER_LOT].
 * A position, a pending hedge and a leg's multiplier are counted in lots;
 * with lots smaller than one unit of the underlying their bounds hold for
 * their size in units (lots x units_per_lot), so a venue's tiny lot (1e-8
 * BTC) does not put an ordinary book outside the domain.  Inside it every
 * figure of the output is finite.
 */
#define ENGINE_MAX_QUANTITY 1e9		/* leg contracts; shares of a position or pending hedge */
#define ENGINE_MAX_MULTIPLIER 1e9	/* underlying per contract (lots at a venue, see above) */
#define ENGINE_MAX_AMOUNT 1e15		/* |daily_pnl|, |given net delta|, |given gamma| */
#define ENGINE_MIN_UNITS_PER_LOT 1e-12	/* units_per_lot, like a price */
#define ENGINE_MAX_UNITS_PER_LOT 1e12

/*
 * NULL when the input is well formed and inside the domain above, else the
 * bifrost_evaluate key of the first bad value ("now", "quote.bid", "quote",
 * "legs.strike", ...).  *bad_leg (may be NULL) receives the index of a bad
 * leg, else -1.
 */
extern const char *engine_input_check(const engine_input *in, int *bad_leg);

/*
 * The same check in two parts: the legs alone, and everything else.  Legs
 * that pass at some now pass at every later now with the same legs and
 * units_per_lot (the one check of a leg that moves with time is an expiry
 * at most BS_MAX_T years ahead), so a caller deciding at quote after quote
 * can check them once and the rest each time.
 */
extern const char *engine_input_check_legs(const engine_input *in, int *bad_leg);
extern const char *engine_input_check_except_legs(const engine_input *in);

/* One evaluation step; in must pass engine_input_check(). */
extern void engine_evaluate(const engine_config *cfg, const engine_input *in,
							engine_output *out);

#endif							/* BIFROST_ENGINE_H */
