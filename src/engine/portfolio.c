/*
 * portfolio.c: sums the per-leg Black-Scholes-Merton delta and gamma.
 *
 * The hot path of every evaluation: one bs_delta_gamma() per live leg and
 * no allocation.
 */
#include "portfolio.h"
#include "settlement.h"

#include <math.h>

/* A delivered leg keeps the delta of the underlying it became. */
static double
expired_leg_delta(const engine_leg *leg, const portfolio_market *m)
{
	settled_value v;

	settlement_value(leg, m->spot, m->settlement, &v);
	return v.delta;
}

void
portfolio_compute(const engine_leg *legs, int n, const portfolio_market *m,
				  double stock_position, double pending_qty,
				  portfolio_greeks *out)
{
	double		delta_sum = 0.0,
				gamma_sum = 0.0;
	int			active = 0,
				expired = 0;
	bool		spot_ok = isfinite(m->spot) && m->spot > 0.0;

	for (int i = 0; i < n; i++)
	{
		const engine_leg *leg = &legs[i];
		double		t = (leg->expiry - m->now) / PORTFOLIO_SECONDS_PER_YEAR;
		double		sigma = isnan(leg->implied_vol) ? m->volatility : leg->implied_vol;
		double		size = leg->quantity * leg->multiplier;
		double		delta,
					gamma;

		if (!(t > 0.0))
		{
			expired++;
			if (spot_ok)
				delta_sum += expired_leg_delta(leg, m);
			continue;
		}
		active++;
		if (!spot_ok)
			continue;
		bs_delta_gamma(leg->right, m->spot, leg->strike, t, m->rate, m->yield,
					   sigma, &delta, &gamma);
		delta_sum += size * delta;
		gamma_sum += size * gamma;
	}

	out->option_delta = delta_sum;
	out->gamma = gamma_sum;
	out->net_delta = delta_sum + stock_position + pending_qty;
	out->legs_active = active;
	out->legs_expired = expired;
	out->valid = spot_ok && isfinite(out->net_delta) && isfinite(gamma_sum);
}

bool
portfolio_greeks_sane(bool valid, double net_delta, double gamma,
					  double units_per_lot, double spot)
{
	double		lot_value = units_per_lot * spot;

	if (!(valid && isfinite(net_delta) && isfinite(gamma)))
		return false;
	/* without a price there is no value to judge; no hedge goes out without one */
	if (!(isfinite(lot_value) && lot_value > 0.0))
		return true;
	return fabs(net_delta) * lot_value <= PORTFOLIO_GREEKS_VALUE_LIMIT &&
		fabs(gamma) * spot * lot_value <= PORTFOLIO_GREEKS_VALUE_LIMIT;
}
