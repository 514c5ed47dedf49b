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
 * is invalid (figures 0, net_delta still stock + pending).
 */
extern void portfolio_compute(const engine_leg *legs, int n,
							  const portfolio_market *market,
							  double stock_position, double pending_qty,
							  portfolio_greeks *out);

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
