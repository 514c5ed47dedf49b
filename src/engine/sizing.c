/*
 * sizing.c: hedge side and quantity from the net delta.
 */
#include "sizing.h"

#include <math.h>
#include <string.h>

/*
 * x rounded to the nearest integer, halves to the even neighbour, as the
 * reference's Python round() does.  Written with floor(), an exact
 * subtraction and fmod(), so neither the caller's rounding mode nor x's
 * size changes the answer (rint() would follow the rounding mode).
 */
double
sizing_round_half_even(double x)
{
	double		below = floor(x);
	/*
	 * Exact for |x| >= 1 (x and floor(x) are within a factor of two) and for
	 * x in [0, 1); in (-1, 0) rounding can only move frac onto 0.5 from
	 * just above, where the even rule picks the same integer, 0.
	 */
	double		frac = x - below;

	if (frac > 0.5)
		return below + 1.0;
	if (frac < 0.5)
		return below;
	return fmod(below, 2.0) == 0.0 ? below : below + 1.0;
}

void
sizing_intent(const engine_config *cfg, double net_delta, dim_d d, hedge_intent *out)
{
	double		a = fabs(net_delta);
	double		shares;

	memset(out, 0, sizeof(*out));
	if (d == DIM_D4_INVALID || !isfinite(net_delta) || !(a >= cfg->threshold_hedge_shares))
		return;

	if (cfg->hedge_to == HEDGE_TO_BAND_EDGE)
	{
		double		excess = a - cfg->epsilon_band;

		if (!(excess > 0.0))
			return;
		shares = ceil(excess);
		out->need = net_delta > 0.0 ? -excess : excess;
	}
	else
	{
		shares = sizing_round_half_even(a);
		out->need = -net_delta;
	}
	if (shares > cfg->max_hedge_shares_per_order)
		shares = floor(cfg->max_hedge_shares_per_order);
	if (!(shares >= 1.0))
	{
		out->need = 0.0;
		return;
	}
	out->present = true;
	out->side = net_delta > 0.0 ? HEDGE_SELL : HEDGE_BUY;
	out->qty = (int64_t) shares;
	out->force = (d == DIM_D3_FORCE_HEDGE);
}

int64_t
sizing_signed_qty(const hedge_intent *intent)
{
	if (!intent->present)
		return 0;
	return intent->side == HEDGE_BUY ? intent->qty : -intent->qty;
}

const char *
hedge_side_name(hedge_side side)
{
	return side == HEDGE_BUY ? "BUY" : "SELL";
}
