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
 * strikes.  Legs are taken a chunk at a time: which term and strike each
 * needs, then every new term, then every new strike step by step (all
 * logarithms, all exponentials, all normal probabilities, so the processor
 * overlaps the strikes' independent work), then the legs' sums in order.
 */
#define PORTFOLIO_SHARED_TERMS 16
#define PORTFOLIO_SHARED_STRIKES 32
#define PORTFOLIO_CHUNK 32

typedef struct book_tables
{
	bs_term		terms[PORTFOLIO_SHARED_TERMS];
	int			same_expiry[PORTFOLIO_SHARED_TERMS];	/* a term of its expiry made before, or -1 */
	int			first_strike[PORTFOLIO_SHARED_TERMS];	/* the term's strikes: a chain, -1 ends it */
	int			n_terms;
	int			terms_ready;	/* terms[0 .. terms_ready) are computed */
	bs_strike	strikes[PORTFOLIO_SHARED_STRIKES];
	int			strike_term[PORTFOLIO_SHARED_STRIKES];
	int			next_strike[PORTFOLIO_SHARED_STRIKES];
	int			n_strikes;
	int			strikes_ready;
} book_tables;

/* A leg of the chunk: its time, and where its figures come from. */
typedef struct leg_plan
{
	double		t;
	double		sigma;
	bool		priced;
	int			term;			/* index in the tables, -1: priced on its own */
	int			strike;			/* likewise */
	const bs_greeks *figures;	/* of a priced leg */
} leg_plan;

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

/* The term of t and sigma in the tables (computed later if new), or -1 when they are full. */
static int
plan_term(book_tables *tab, double t, double sigma)
{
	int			expiry = -1;
	int			j;

	for (j = tab->n_terms - 1; j >= 0; j--)
	{
		if (!same_bits(tab->terms[j].t, t))
			continue;
		if (same_bits(tab->terms[j].sigma, sigma))
			return j;
		expiry = j;
	}
	if (tab->n_terms == PORTFOLIO_SHARED_TERMS)
		return -1;
	j = tab->n_terms++;
	tab->terms[j].t = t;
	tab->terms[j].sigma = sigma;
	tab->same_expiry[j] = expiry;
	tab->first_strike[j] = -1;
	return j;
}

static int
plan_strike(book_tables *tab, int term, double k)
{
	int			j;

	if (term < 0)
		return -1;
	for (j = tab->first_strike[term]; j >= 0; j = tab->next_strike[j])
		if (same_bits(tab->strikes[j].k, k))
			return j;
	if (tab->n_strikes == PORTFOLIO_SHARED_STRIKES)
		return -1;
	j = tab->n_strikes++;
	tab->strikes[j].k = k;
	tab->strike_term[j] = term;
	tab->next_strike[j] = tab->first_strike[term];
	tab->first_strike[term] = j;
	return j;
}

/* The terms and strikes planned since the last call, each step for all of them. */
static void
compute_planned(book_tables *tab, const portfolio_market *m, bool with_value)
{
	int			j;

	for (j = tab->terms_ready; j < tab->n_terms; j++)
	{
		bs_term    *term = &tab->terms[j];
		double		sigma = term->sigma;

		/* bs_term_with_vol gives bs_term_init's figures without the square root and exponentials */
		if (tab->same_expiry[j] >= 0)
			bs_term_with_vol(term, &tab->terms[tab->same_expiry[j]], sigma);
		else if (with_value)
			bs_term_init(term, term->t, m->rate, m->yield, sigma);
		else
			bs_term_init_delta(term, term->t, m->rate, m->yield, sigma);
	}
	tab->terms_ready = tab->n_terms;
	for (j = tab->strikes_ready; j < tab->n_strikes; j++)
		bs_strike_logs(&tab->strikes[j], &tab->terms[tab->strike_term[j]], m->spot,
					   tab->strikes[j].k, with_value);
	for (j = tab->strikes_ready; j < tab->n_strikes; j++)
		bs_strike_exps(&tab->strikes[j], &tab->terms[tab->strike_term[j]]);
	if (with_value)
		for (j = tab->strikes_ready; j < tab->n_strikes; j++)
			bs_strike_probs(&tab->strikes[j]);
	tab->strikes_ready = tab->n_strikes;
}

/* A delivered leg keeps the delta of the underlying it became. */
static double
expired_leg_delta(const engine_leg *leg, const portfolio_market *m)
{
	settled_value v;

	settlement_value(leg, m->spot, m->settlement, &v);
	return v.delta;
}

/* The figures of a leg the tables have no room for: its own term and strike. */
static const bs_greeks *
own_figures(const book_tables *tab, const leg_plan *p, const engine_leg *leg,
			const portfolio_market *m, bool with_value, bs_term *term, bs_strike *st)
{
	if (p->term >= 0)
		*term = tab->terms[p->term];
	else if (with_value)
		bs_term_init(term, p->t, m->rate, m->yield, p->sigma);
	else
		bs_term_init_delta(term, p->t, m->rate, m->yield, p->sigma);
	bs_strike_init(st, term, m->spot, leg->strike, with_value);
	return bs_strike_greeks(st, term, leg->right);
}

void
portfolio_book_compute(const engine_leg *legs, const engine_leg *legs_in_lots, int n,
					   const portfolio_market *m, bool with_value, portfolio_book *out)
{
	book_tables tab;
	leg_plan	plan[PORTFOLIO_CHUNK];
	bs_greeks	own[PORTFOLIO_CHUNK];	/* of legs priced on their own */
	bs_term		own_term;
	bs_strike	own_strike;
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

	tab.n_terms = tab.terms_ready = 0;
	tab.n_strikes = tab.strikes_ready = 0;
	for (int base = 0; base < n; base += PORTFOLIO_CHUNK)
	{
		int			chunk = n - base < PORTFOLIO_CHUNK ? n - base : PORTFOLIO_CHUNK;

		/* which legs are priced, and what they share */
		for (int c = 0; c < chunk; c++)
		{
			const engine_leg *leg = &legs[base + c];
			leg_plan   *p = &plan[c];

			p->t = (leg->expiry - m->now) / PORTFOLIO_SECONDS_PER_YEAR;

			/*
			 * Priced: a live leg at a spot that is a price; for the value
			 * any live leg, and one whose time is no number
			 * (hcore_legs_value prices it: the sigma -> 0 limits).  A leg
			 * with t <= 0 has expired and is worth what it settled into.
			 */
			p->priced = (p->t > 0.0) ? (spot_ok || with_value) : (with_value && !(p->t <= 0.0));
			if (!p->priced)
				continue;
			p->sigma = isnan(leg->implied_vol) ? m->volatility : leg->implied_vol;
			p->term = plan_term(&tab, p->t, p->sigma);
			p->strike = plan_strike(&tab, p->term, leg->strike);
		}
		compute_planned(&tab, m, with_value);

		/*
		 * Each priced leg's figures, then the sums in the legs' order: a
		 * figure read straight after bs_strike_greeks() stored it would
		 * wait on the store (a wide load over narrow stores cannot be
		 * forwarded), once per leg.
		 */
		for (int c = 0; c < chunk; c++)
		{
			leg_plan   *p = &plan[c];

			if (!p->priced)
				continue;
			if (p->strike >= 0)
				p->figures = bs_strike_greeks(&tab.strikes[p->strike], &tab.terms[p->term],
											  legs[base + c].right);
			else
			{
				own[c] = *own_figures(&tab, p, &legs[base + c], m, with_value, &own_term, &own_strike);
				p->figures = &own[c];
			}
		}
		for (int c = 0; c < chunk; c++)
		{
			const engine_leg *leg = &legs[base + c];
			const engine_leg *lot = &legs_in_lots[base + c];
			const leg_plan *p = &plan[c];
			bool		live = p->t > 0.0;
			const bs_greeks *g = p->figures;

			/* the engine counts a leg with t <= 0 expired, carrying its settlement's delta */
			if (!live)
			{
				expired++;
				if (spot_ok)
					delta_sum += expired_leg_delta(lot, m);
			}
			else
				active++;
			if (with_value && p->t <= 0.0)
			{
				settled_value v;

				settlement_value(leg, m->spot, m->settlement, &v);
				value += v.value;
				unit_delta += v.delta;
				continue;
			}
			if (!p->priced)
				continue;
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
