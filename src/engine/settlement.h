/*
 * settlement.h: what an option leg is worth, and the delta it carries,
 * once it has expired.
 *
 * At its expiry instant a leg settles against the underlying's price then,
 * the settlement price S_T.  Settled in cash (OKX options), it is worth
 * quantity x multiplier x its intrinsic value at S_T from then on and
 * carries no delta.  Settled by delivery (US equity options), a leg in the
 * money becomes quantity x multiplier units of the underlying, bought at
 * the strike for a call and sold at it for a put: worth (S - K) per unit
 * for a call and (K - S) for a put at the mark S, with a delta of that many
 * units (positive for a long call or a short put), so a hedge held against
 * it stays in place.  At S = S_T both are the intrinsic value, which the
 * Black-Scholes-Merton price of the leg tends to as its time runs out: the
 * book's value is continuous across the expiry.  A leg at or out of the
 * money at S_T expires worthless either way (an option exactly at the money
 * is not exercised).  Pure C99, no PostgreSQL header.
 */
#ifndef BIFROST_SETTLEMENT_H
#define BIFROST_SETTLEMENT_H

#include <stdbool.h>

#include "engine_types.h"

typedef struct settled_value
{
	double		value;			/* money: quantity x multiplier x price per unit */
	double		delta;			/* units of the underlying, like the multiplier */
	bool		exercised;		/* in the money at the settlement price */
} settled_value;

/* max(S - K, 0) for a call, max(K - S, 0) for a put; NAN unless both are positive numbers. */
extern double settlement_intrinsic(bs_right right, double strike, double price);

/* Strictly in the money at price (false for NaN). */
extern bool settlement_in_the_money(bs_right right, double strike, double price);

/* Whether the leg's settlement price has been fixed (a positive finite number). */
extern bool settlement_fixed(const engine_leg *leg);

/*
 * The leg after its expiry, at the underlying's price mark.  It settled as
 * leg->settlement_price and leg->settlement say once that is fixed, else at
 * mark in book_style: the price the first quote at the expiry fixes.  Only
 * a delivered leg's value moves with mark.  A bad number (NaN, a price not
 * above zero) gives NAN value and delta, exercised false.
 */
extern void settlement_value(const engine_leg *leg, double mark,
							 settlement_style book_style, settled_value *out);

/* "cash" or "physical", as bifrost.config's book.settlement spells them. */
extern const char *settlement_style_name(settlement_style style);

/* Parses a style name; false (style untouched) for anything else. */
extern bool settlement_parse_style(const char *name, settlement_style *style);

#endif							/* BIFROST_SETTLEMENT_H */
