/*
 * portfolio.c: the book's figures at one spot and time, from one
 * Black-Scholes-Merton evaluation per leg or fewer (portfolio.h).
 *
 * The hot path of every evaluation, no allocation: what legs share is kept
 * in small tables on the stack, and a leg beyond them is priced on its own,
 * with the same figures.
 */
#include "portfolio.h"
#include "settlement.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/*
 * Distinct terms (expiry and vol) and strikes whose shared work is kept
 * within one computation: a book's usual few expiries and a chain's
 * strikes, with a short scan per leg.
 */
#define PORTFOLIO_SHARED_TERMS 16
#define PORTFOLIO_SHARED_STRIKES 32

typedef struct book_tables
{
	bs_term		terms[PORTFOLIO_SHARED_TERMS];
	int			first_strike[PORTFOLIO_SHARED_TERMS];	/* the term's strikes: a chain, -1 ends it */
	int			n_terms;
	bs_strike	strikes[PORTFOLIO_SHARED_STRIKES];
	int			next_strike[PORTFOLIO_SHARED_STRIKES];
	int			n_strikes;
	/* a leg the tables have no room for */
	bs_term		spare_term;
	bs_strike	spare_strike;
} book_tables;

/* Equal as stored: keys are shared only when every bit agrees (NaN, -0). */
static bool
same_bits(double a, double b)
{
	uint64_t	x,
				y;

	memcpy(&x, &a, sizeof(x));
	memcpy(&y, &b, sizeof(y));
	return x == y;
}

/*
 * The term of t and sigma: one already made, one of its expiry with this
 * vol, or a new one; its index, or -1 for the spare when the table is full.
 */
static int
term_of(book_tables *tab, double t, double sigma, const portfolio_market *m)
{
	const bs_term *expiry = NULL;
	bs_term    *term;
	int			j;

	for (j = tab->n_terms - 1; j >= 0; j--)
	{
		if (!same_bits(tab->terms[j].t, t))
			continue;
		if (same_bits(tab->terms[j].sigma, sigma))
			return j;
		expiry = &tab->terms[j];
	}
	if (tab->n_terms < PORTFOLIO_SHARED_TERMS)
	{
		j = tab->n_terms++;
		term = &tab->terms[j];
		tab->first_strike[j] = -1;
	}
	else
		term = &tab->spare_term;
	if (expiry)
		bs_term_with_vol(term, expiry, sigma);
	else
		bs_term_init(term, t, m->rate, m->yield, sigma);
	return j;
}

static bs_strike *
strike_of(book_tables *tab, int term, double k, const portfolio_market *m, bool with_value)
{
	bs_strike  *st;

	if (term < 0)
	{
		st = &tab->spare_strike;
		bs_strike_init(st, &tab->spare_term, m->spot, k, with_value);
		return st;
	}
	for (int j = tab->first_strike[term]; j >= 0; j = tab->next_strike[j])
		if (same_bits(tab->strikes[j].k, k))
			return &tab->strikes[j];
	if (tab->n_strikes < PORTFOLIO_SHARED_STRIKES)
	{
		int			j = tab->n_strikes++;

		st = &tab->strikes[j];
		tab->next_strike[j] = tab->first_strike[term];
		tab->first_strike[term] = j;
	}
	else
		st = &tab->spare_strike;
	bs_strike_init(st, &tab->terms[term], m->spot, k, with_value);
	return st;
}

/* A delivered leg keeps the delta of the underlying it became. */
static double
expired_leg_delta(const engine_leg *leg, const portfolio_market *m)
{
	settled_value v;

	settlement_value(leg, m->spot, m->settlement, &v);
	return v.delta;
}

void
portfolio_book_compute(const engine_leg *legs, const engine_leg *legs_in_lots, int n,
					   const portfolio_market *m, bool with_value, portfolio_book *out)
{
	book_tables tab;
	double		delta_sum = 0.0,
				gamma_sum = 0.0,
				value = 0.0,
				unit_delta = 0.0,
				unit_gamma = 0.0,
				theta = 0.0,
				vega = 0.0;
	int			active = 0,
				expired = 0;
	bool		spot_ok = isfinite(m->spot) && m->spot > 0.0;

	tab.n_terms = 0;
	tab.n_strikes = 0;
	for (int i = 0; i < n; i++)
	{
		const engine_leg *leg = &legs[i];
		const engine_leg *lot = &legs_in_lots[i];
		double		t = (leg->expiry - m->now) / PORTFOLIO_SECONDS_PER_YEAR;
		bool		live = t > 0.0;
		double		sigma;
		int			term;
		const bs_greeks *g;

		/* a leg with t <= 0 has expired: the engine counts it so, and it carries its settlement's delta */
		if (!live)
		{
			expired++;
			if (spot_ok)
				delta_sum += expired_leg_delta(lot, m);
		}
		else
			active++;
		if (with_value && t <= 0.0)
		{
			settled_value v;

			settlement_value(leg, m->spot, m->settlement, &v);
			value += v.value;
			unit_delta += v.delta;
			continue;
		}

		/*
		 * Priced: a live leg at a spot that is a price; for the value any
		 * live leg, and one whose time is no number (hcore_legs_value
		 * prices it: the sigma -> 0 limits).
		 */
		if (!(live ? (spot_ok || with_value) : with_value))
			continue;
		sigma = isnan(leg->implied_vol) ? m->volatility : leg->implied_vol;
		term = term_of(&tab, t, sigma, m);
		g = bs_strike_greeks(strike_of(&tab, term, leg->strike, m, with_value),
							 term < 0 ? &tab.spare_term : &tab.terms[term], leg->right);
		if (live && spot_ok)
		{
			double		size = lot->quantity * lot->multiplier;

			delta_sum += size * g->delta;
			gamma_sum += size * g->gamma;
		}
		if (with_value)
		{
			double		size = leg->quantity * leg->multiplier;

			value += size * g->price;
			unit_delta += size * g->delta;
			unit_gamma += size * g->gamma;
			theta += size * g->theta;
			vega += size * g->vega;
		}
	}

	out->legs = legs;
	out->legs_in_lots = legs_in_lots;
	out->n = n;
	out->market = *m;
	out->with_value = with_value;
	out->option_delta = delta_sum;
	out->gamma = gamma_sum;
	out->legs_active = active;
	out->legs_expired = expired;
	out->spot_ok = spot_ok;
	out->value = with_value ? value : NAN;
	out->unit_delta = with_value ? unit_delta : NAN;
	out->unit_gamma = with_value ? unit_gamma : NAN;
	out->theta = with_value ? theta : NAN;
	out->vega = with_value ? vega : NAN;
}

bool
portfolio_book_matches(const portfolio_book *book, const engine_leg *legs_in_lots, int n,
					   const portfolio_market *m)
{
	return book->legs_in_lots == legs_in_lots && book->n == n &&
		same_bits(book->market.spot, m->spot) && same_bits(book->market.now, m->now) &&
		same_bits(book->market.volatility, m->volatility) &&
		same_bits(book->market.rate, m->rate) && same_bits(book->market.yield, m->yield) &&
		book->market.settlement == m->settlement;
}

void
portfolio_book_greeks(const portfolio_book *book, double stock_position, double pending_qty,
					  portfolio_greeks *out)
{
	out->option_delta = book->option_delta;
	out->gamma = book->gamma;
	out->net_delta = book->option_delta + stock_position + pending_qty;
	out->legs_active = book->legs_active;
	out->legs_expired = book->legs_expired;
	out->valid = book->spot_ok && isfinite(out->net_delta) && isfinite(book->gamma);
}

void
portfolio_compute(const engine_leg *legs, int n, const portfolio_market *m,
				  double stock_position, double pending_qty,
				  portfolio_greeks *out)
{
	portfolio_book book;

	portfolio_book_compute(legs, legs, n, m, false, &book);
	portfolio_book_greeks(&book, stock_position, pending_qty, out);
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
