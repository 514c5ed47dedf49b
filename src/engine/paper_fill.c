/*
 * paper_fill.c: fill price, fill time and the per-order reject / partial
 * decision of the paper broker.  The rules are in paper_fill.h.
 */
#include "paper_fill.h"

#include <math.h>
#include <stddef.h>

#include "rng.h"

bool
paper_fill_model_valid(const paper_fill_model *m)
{
	return isfinite(m->latency_ms) && m->latency_ms >= 0 &&
		isfinite(m->slippage_bps) && m->slippage_bps >= 0 &&
		m->slippage_bps <= PAPER_MAX_SLIPPAGE_BPS &&
		m->reject_rate >= 0 && m->reject_rate <= 1 &&
		m->partial_fill_rate >= 0 && m->partial_fill_rate <= 1 &&
		isfinite(m->fee_per_unit) && m->fee_per_unit >= 0 && m->fee_per_unit <= PAPER_MAX_FEE_PER_UNIT &&
		isfinite(m->fee_bps) && m->fee_bps >= 0 && m->fee_bps <= PAPER_MAX_FEE_BPS;
}

/* Shares filled by a partial: uniform over [ceil(qty/10), qty - ceil(qty/10)]. */
static int64_t
partial_qty(int64_t qty, double u)
{
	int64_t		lo = qty / 10 + (qty % 10 != 0);
	int64_t		hi = qty - lo;
	double		span = (double) (hi - lo + 1);
	int64_t		filled = lo + (int64_t) floor(u * span);

	/* u < 1, but u * span may round up to span for a huge qty */
	return filled > hi ? hi : filled;
}

void
paper_fill_decide(const paper_fill_model *m, const char *client_order_id,
				  int64_t qty, paper_decision *out)
{
	rng			r;
	double		u_reject;
	double		u_partial;
	double		u_fraction;

	if (qty <= 0 || client_order_id == NULL || client_order_id[0] == '\0')
	{
		out->outcome = PAPER_REJECT;
		out->filled_qty = 0;
		out->cancelled_qty = qty > 0 ? qty : 0;
		out->reason = PAPER_REASON_INVALID;
		return;
	}

	/* all three draws always, in this order: the outcome is keyed, not stateful */
	rng_seed(&r, rng_hash(client_order_id, m->seed));
	u_reject = rng_uniform(&r);
	u_partial = rng_uniform(&r);
	u_fraction = rng_uniform(&r);

	if (u_reject < m->reject_rate)
	{
		out->outcome = PAPER_REJECT;
		out->filled_qty = 0;
		out->reason = PAPER_REASON_REJECT;
	}
	else if (u_partial < m->partial_fill_rate && qty >= 2)
	{
		out->outcome = PAPER_PARTIAL;
		out->filled_qty = partial_qty(qty, u_fraction);
		out->reason = PAPER_REASON_PARTIAL;
	}
	else
	{
		out->outcome = PAPER_FILL;
		out->filled_qty = qty;
		out->reason = NULL;
	}
	out->cancelled_qty = qty - out->filled_qty;
}

/*
 * The grid of a price, as the steps in one unit of price (a power of ten,
 * exact in a double, so that steps / scale is the decimal correctly
 * rounded): 10^4 from a price of 1 up (PAPER_PRICE_INCREMENT), below it five
 * significant digits (0.15124, 0.000010001), so a cheap instrument is not
 * priced on a grid coarser than its quotes.
 */
static double
grid_scale(double p)
{
	int			digits = p >= 1 ? 4 : 4 - (int) floor(log10(p));

	return pow(10.0, digits > 300 ? 300 : digits);
}

/*
 * p on its grid, up (a BUY) or down (a SELL): a fill is never better than
 * the far side plus the slippage.  A price within a millionth of a step of
 * the grid is on it (a decimal's binary representation).
 */
static double
round_price(double p, bool up)
{
	double		scale = grid_scale(p);
	double		steps = p * scale;
	double		nearest = nearbyint(steps);

	if (fabs(steps - nearest) < 1e-6)
		steps = nearest;
	else
		steps = up ? ceil(steps) : floor(steps);
	return steps / scale;
}

double
paper_fill_price(const paper_fill_model *m, hedge_side side, double bid,
				 double ask)
{
	double		slip;
	double		price;

	if (!isfinite(bid) || !isfinite(ask) || bid <= 0 || ask <= 0 || bid > ask)
		return NAN;
	if (!(m->slippage_bps >= 0 && m->slippage_bps <= PAPER_MAX_SLIPPAGE_BPS))
		return NAN;
	slip = m->slippage_bps / 1e4;
	switch (side)
	{
		case HEDGE_BUY:
			return round_price(ask * (1.0 + slip), true);
		case HEDGE_SELL:
			price = bid * (1.0 - slip);
			/* the whole bid slipped away (10,000 bp): one step of the bid's grid, not 0 */
			return price > 0 ? round_price(price, false) : 1 / grid_scale(bid);
	}
	return NAN;
}

double
paper_fill_due(const paper_fill_model *m, double placed_epoch)
{
	double		latency = m->latency_ms;

	if (!isfinite(placed_epoch))
		return NAN;
	if (!(latency > 0))			/* negative or NaN */
		latency = 0;
	return placed_epoch + latency / 1000.0;
}

double
paper_fill_fee(const paper_fill_model *m, double units, double price)
{
	double		per_unit = isfinite(m->fee_per_unit) && m->fee_per_unit > 0 ? m->fee_per_unit : 0;
	double		bps = isfinite(m->fee_bps) && m->fee_bps > 0 ? m->fee_bps : 0;
	double		fee = fabs(units) * (per_unit + price * bps / 1e4);

	return isfinite(fee) && fee > 0 ? fee : 0;
}

const char *
paper_outcome_name(paper_outcome outcome)
{
	switch (outcome)
	{
		case PAPER_FILL:
			return "FILL";
		case PAPER_PARTIAL:
			return "PARTIAL";
		case PAPER_REJECT:
			return "REJECT";
	}
	return "UNKNOWN";
}
