/*
 * portfolio.h: net delta and gamma of an option book, in shares.
 *
 * Each leg contributes quantity x multiplier x its Black-Scholes-Merton
 * delta (gamma) at the leg's implied vol, or the flat vol when it has none.
 * Time to expiry is actual/365 in fractional years to the expiry instant:
 * t = (expiry - now) / (365 x 86400), both epoch seconds, so an option
 * expiring at 16:00 New York time loses its time value continuously through
 * the last day instead of at a date boundary.  A leg with t <= 0 has
 * expired and is counted in legs_expired: no gamma, and the delta of what
 * it settled into (settlement.h: the delivered underlying, or none in
 * cash).  Pure C99, no allocation: the caller owns the legs.
 */
#ifndef BIFROST_PORTFOLIO_H
#define BIFROST_PORTFOLIO_H

#include "engine_types.h"

/* Seconds in the 365-day year of the time-to-expiry convention. */
#define PORTFOLIO_SECONDS_PER_YEAR (365.0 * 86400.0)

/*
 * Greeks worth more than this (in the quote currency: USD, USDT) are bad
 * data.  The reference counts 1e6 shares; counted in value the limit means
 * the same for a share, a contract or a 0.0001 BTC lot: 100 BTC of delta
 * is 1e6 lots at OKX but only 6e6 USDT at 60,000.  1e10 is beyond any book
 * this hedger is meant for and far inside a double.
 */
#define PORTFOLIO_GREEKS_VALUE_LIMIT 1e10

typedef struct portfolio_market
{
	double		spot;			/* price of the underlying, > 0 */
	double		now;			/* epoch seconds */
	double		volatility;		/* flat annual vol for legs without their own */
	double		rate;			/* r, continuous */
	double		yield;			/* q, continuous */
	settlement_style settlement;	/* of expired legs not fixed yet */
} portfolio_market;

typedef struct portfolio_greeks
{
	double		option_delta;	/* shares: sum of qty x mult x BS delta */
	double		gamma;			/* shares per unit of spot */
	double		net_delta;		/* option_delta + stock + in-flight hedge */
	int			legs_active;	/* legs with t > 0 */
	int			legs_expired;	/* legs with t <= 0 */
	bool		valid;			/* spot > 0 and every figure finite */
} portfolio_greeks;

/*
 * Greeks of n legs plus the hedge position: stock_position shares held and
 * pending_qty shares of hedge orders still in flight (signed, buys > 0).
 * When spot is not a positive finite number no leg is priced and the result
 * is invalid (figures 0, net_delta still stock + pending).  Each leg's
 * delta and gamma are bs_delta_gamma()'s.
 */
extern void portfolio_compute(const engine_leg *legs, int n,
							  const portfolio_market *market,
							  double stock_position, double pending_qty,
							  portfolio_greeks *out);

/*
 * A book's figures at one spot and time, priced once for every reader of
 * that instant: the engine's greeks (what portfolio_compute sums), the
 * legs' value (hcore_legs_value) and the greeks in units of the underlying
 * (the backtest's attribution).  One Black-Scholes-Merton evaluation per
 * leg, and less: legs of one expiry share sqrt(t) and the discount
 * factors, legs of one expiry, vol and strike (a call and a put) share d1
 * and the value's core.  Every figure is bit for bit what the leg-by-leg
 * functions give (bs_delta_gamma, bs_price), summed in the legs' order, so
 * a decision made from it is the decision made without it.
 *
 * The legs are given twice: legs with multipliers in units of the
 * underlying (value, unit greeks) and legs_in_lots, the same legs with
 * multipliers in lots of the hedge instrument (the engine's delta and
 * gamma); the two may be the same array.  Pure C99, no allocation.
 */
typedef struct portfolio_book
{
	/* what the figures are of */
	const engine_leg *legs;
	const engine_leg *legs_in_lots;
	int			n;
	portfolio_market market;
	bool		with_value;		/* value and unit greeks computed */

	/* legs_in_lots, as portfolio_compute sums them (no stock, no hedge in flight) */
	double		option_delta;	/* lots; 0 when the spot is no price */
	double		gamma;			/* lots per unit of spot */
	int			legs_active;	/* t > 0 */
	int			legs_expired;	/* t <= 0 */
	bool		spot_ok;		/* spot is a positive finite number */

	/* legs, in money and units of the underlying (with_value only) */
	double		value;			/* model value, expired legs at what they settled into */
	double		unit_delta;		/* an expired leg: the delivered units */
	double		unit_gamma;
	double		theta;			/* per year of calendar time */
	double		vega;			/* per 1.00 of vol */
} portfolio_book;

/*
 * The figures of the book at market->spot and market->now.  with_value
 * false computes the engine's delta and gamma only (and prices nothing
 * when the spot is no price, as portfolio_compute); with_value true also
 * the value and unit greeks, whatever the spot, as hcore_legs_value does.
 */
extern void portfolio_book_compute(const engine_leg *legs, const engine_leg *legs_in_lots, int n,
								   const portfolio_market *market, bool with_value,
								   portfolio_book *out);

/*
 * Whether book holds the figures of legs_in_lots (the same array, n legs)
 * at this market: spot, time, vol, rate, yield and settlement style the
 * same bit for bit.  A caller who changes legs in place computes anew.
 */
extern bool portfolio_book_matches(const portfolio_book *book, const engine_leg *legs_in_lots, int n,
								   const portfolio_market *market);

/* portfolio_compute's result from a book's figures: the same, bit for bit. */
extern void portfolio_book_greeks(const portfolio_book *book, double stock_position,
								  double pending_qty, portfolio_greeks *out);

/*
 * Valid, finite and worth no more than PORTFOLIO_GREEKS_VALUE_LIMIT:
 * |net_delta| x units_per_lot x spot (the delta's value) and |gamma| x
 * units_per_lot x spot^2 (the value of the delta a move of one whole spot
 * adds), with net_delta and gamma in lots of units_per_lot units of the
 * underlying.  Without a positive spot only finiteness is judged.
 */
extern bool portfolio_greeks_sane(bool valid, double net_delta, double gamma,
								  double units_per_lot, double spot);

#endif							/* BIFROST_PORTFOLIO_H */
