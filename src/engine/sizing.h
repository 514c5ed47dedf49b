/*
 * sizing.h: how many shares of the underlying to trade, and which way.
 *
 * An intent exists when the greeks are sane and |net delta| >= the hedge
 * threshold (not strictly greater: the same threshold as D2).  The need is
 * -delta with hedge_to = zero, or the move that brings |delta| back to the
 * no-trade band edge with hedge_to = band_edge.  Orders are whole shares:
 * to zero, |need| is rounded to the nearest share, halves to even as the
 * reference's Python round() (26.5 -> 26, 27.5 -> 28); to the band edge
 * it is rounded up, so the hedged delta lands inside the band.
 * The quantity is then capped at max_hedge_shares_per_order; the rest is
 * hedged by the following evaluations.  A D3 delta marks the intent as
 * forced.  Pure C99.
 */
#ifndef BIFROST_SIZING_H
#define BIFROST_SIZING_H

#include <stdbool.h>
#include <stdint.h>

#include "engine_config.h"
#include "engine_types.h"

typedef enum hedge_side
{
	HEDGE_BUY,
	HEDGE_SELL
} hedge_side;

typedef struct hedge_intent
{
	bool		present;		/* false: no intent, the rest is zero */
	hedge_side	side;
	int64_t		qty;			/* whole shares, >= 1 */
	bool		force;			/* D3: skips cooldown and the price-move gate */
	double		need;			/* signed shares wanted before rounding and cap */
} hedge_intent;

/* Sizes the hedge for a net delta classified as d. */
extern void sizing_intent(const engine_config *cfg, double net_delta, dim_d d,
						  hedge_intent *out);

/* Nearest integer, halves to even, in any floating-point rounding mode. */
extern double sizing_round_half_even(double x);

/* The shares the intent adds to the hedge position (+qty buy, -qty sell, 0 none). */
extern int64_t sizing_signed_qty(const hedge_intent *intent);

/* "BUY" / "SELL". */
extern const char *hedge_side_name(hedge_side side);

#endif							/* BIFROST_SIZING_H */
