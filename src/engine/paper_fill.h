/*
 * paper_fill.h: the fill model of the `paper` broker.
 *
 * A market order placed at t fills at paper_fill_due(t) = t + latency_ms /
 * 1000, at the far side of the quote current at that time plus slippage:
 * a BUY pays ask * (1 + slippage_bps / 1e4), a SELL gets bid * (1 -
 * slippage_bps / 1e4), on a grid of 0.0001 from a price of 1 up and of
 * five significant digits below it, a BUY rounded up and a SELL down, so a
 * fill is never better than the far side plus the slippage (a SELL whose
 * slippage takes the whole bid gets one step of the bid's grid).
 *
 * A fill pays a fee in the quote currency, paper_fill_fee(): fee_per_unit
 * for each unit of the underlying filled plus fee_bps of the fill's
 * notional (both 0 by default: a fill then costs only the spread and the
 * slippage).
 *
 * Whether the order is rejected or filled in part is decided by
 * paper_fill_decide as a pure function of (seed, client_order_id, rates,
 * qty): the order's own generator is seeded with rng_hash(client_order_id,
 * seed) and makes three uniform draws in a fixed order, u_reject,
 * u_partial, u_fraction, whatever the outcome.  So a worker restarted
 * after a crash recomputes exactly the outcome and quantity it had decided
 * for the same order: no second fill, no different partial.
 *
 *   - REJECT when u_reject < reject_rate (reason "paper_reject");
 *   - else PARTIAL when u_partial < partial_fill_rate and qty >= 2: filled =
 *     an integer drawn uniformly from [ceil(qty / 10), qty - ceil(qty / 10)]
 *     by u_fraction, so 1 <= filled <= qty - 1 and filled / qty is within
 *     [10 %, 90 %]; the rest is cancelled (reason "paper_partial_fill");
 *   - else FILL of the whole qty.
 *
 * The draws are independent: reject_rate is the share of all orders
 * rejected, partial_fill_rate the share of the orders not rejected that
 * fill in part (so both rates may be anything in [0, 1]), and raising
 * reject_rate only turns some fills into rejects.  Rate 0 never happens,
 * rate 1 always does (u is in [0, 1)).  An order of 1 share cannot fill
 * in part: it fills fully.  qty <= 0 or a missing or empty
 * client_order_id is rejected with reason "paper_invalid_order".
 *
 * No clock reads and no allocation: the caller passes epochs and quotes.
 * Pure C99.
 */
#ifndef BIFROST_PAPER_FILL_H
#define BIFROST_PAPER_FILL_H

#include <stdbool.h>
#include <stdint.h>

#include "sizing.h"

/* Fill prices of 1 and more are on this grid (below 1: five significant digits). */
#define PAPER_PRICE_INCREMENT 0.0001

/* Accepted slippage (the range of broker.paper.slippage_bps). */
#define PAPER_MAX_SLIPPAGE_BPS 10000.0
/* Accepted fees (the ranges of broker.paper.fee_per_share and fee_bps). */
#define PAPER_MAX_FEE_PER_UNIT 1000.0
#define PAPER_MAX_FEE_BPS 1000.0

typedef struct paper_fill_model
{
	double		latency_ms;		/* broker.paper.latency_ms: delay before the fill, ms */
	double		slippage_bps;	/* broker.paper.slippage_bps: beyond the far side, bps */
	double		reject_rate;	/* broker.paper.reject_rate: probability in [0, 1] */
	double		partial_fill_rate;	/* broker.paper.partial_fill_rate: probability in [0, 1] */
	uint64_t	seed;			/* keys every order's outcome */
	double		fee_per_unit;	/* broker.paper.fee_per_share: per unit of the underlying */
	double		fee_bps;		/* broker.paper.fee_bps: basis points of the notional */
} paper_fill_model;

typedef enum paper_outcome
{
	PAPER_FILL,
	PAPER_PARTIAL,
	PAPER_REJECT
} paper_outcome;

typedef struct paper_decision
{
	paper_outcome outcome;
	int64_t		filled_qty;		/* shares that fill: qty, 1..qty-1, or 0 */
	int64_t		cancelled_qty;	/* qty - filled_qty (the rest of a partial, all of a reject) */
	const char *reason;			/* NULL for FILL, else a static string (see above) */
} paper_decision;

/* Reasons of paper_decision, as written to operations.state_reason. */
#define PAPER_REASON_REJECT "paper_reject"
#define PAPER_REASON_PARTIAL "paper_partial_fill"
#define PAPER_REASON_INVALID "paper_invalid_order"

/*
 * True when latency_ms >= 0, slippage_bps in [0, PAPER_MAX_SLIPPAGE_BPS],
 * both rates in [0, 1] and the fees in [0, their maxima], all finite: the ranges of the config keys.
 * The other functions do not require it (see each), but a caller building
 * a model from anything but validated config should check.
 */
extern bool paper_fill_model_valid(const paper_fill_model *m);

/*
 * Decides an order's fate (header comment).  qty is whole shares.  A rate
 * outside [0, 1] acts as the nearest bound, NaN as 0.
 */
extern void paper_fill_decide(const paper_fill_model *m,
							  const char *client_order_id, int64_t qty,
							  paper_decision *out);

/*
 * Fill price per share for side against the quote current at fill time.
 * NAN when the quote is unusable (bid or ask not finite and > 0, or bid >
 * ask; a locked quote is fine), the side is unknown or slippage_bps is
 * outside [0, PAPER_MAX_SLIPPAGE_BPS]: the caller must not fill then.
 */
extern double paper_fill_price(const paper_fill_model *m, hedge_side side,
							   double bid, double ask);

/*
 * Epoch seconds at which an order placed at placed_epoch fills:
 * placed_epoch + latency_ms / 1000 (a negative or NaN latency counts as
 * 0).  NAN when placed_epoch is not finite.
 */
extern double paper_fill_due(const paper_fill_model *m, double placed_epoch);

/*
 * Fee of a fill of units of the underlying at price (quote currency, >= 0):
 * units x fee_per_unit + units x price x fee_bps / 1e4.  A fee that is not
 * finite and >= 0 (a model nobody validated) counts as 0.
 */
extern double paper_fill_fee(const paper_fill_model *m, double units, double price);

/* "FILL" / "PARTIAL" / "REJECT". */
extern const char *paper_outcome_name(paper_outcome outcome);

#endif							/* BIFROST_PAPER_FILL_H */
