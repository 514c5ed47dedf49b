/*
 * engine.c: one evaluation step, composed from the engine's modules in
 * the order the reference evaluates: greeks, classification, trading
 * guards and transition, sizing, execution gates.
 */
#include "engine.h"
#include "calendar.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

void
engine_input_init(engine_input *in)
{
	memset(in, 0, sizeof(*in));
	in->state = TS_MONITOR;
	in->event = TE_TICK;
	in->clock.ny_early_close_min = -1;
	in->clock.ny_weekday = calendar_weekday(0);
	in->bid = NAN;
	in->ask = NAN;
	in->quote_ts = NAN;
	in->spot = NAN;
	in->units_per_lot = 1.0;
	in->greeks_net_delta = NAN;
	in->greeks_gamma = NAN;
	in->last_hedge_price = NAN;
	in->last_hedge_ts = NAN;
	in->execution_state = DIM_E0_IDLE;
	in->broker_connected = true;
	in->faults_clear_since = NAN;
}

/* NAN (absent) or finite. */
static bool
price_in_domain(double x)
{
	return x >= BS_MIN_PRICE && x <= BS_MAX_PRICE;
}

static bool
amount_in_domain(double x, double limit)
{
	return fabs(x) <= limit;
}

/*
 * The bound of a quantity counted in lots (a position, a hedge in flight, a
 * leg's multiplier).  A lot smaller than one unit of the underlying bounds
 * the quantity by its size in the underlying, so a book is in the domain
 * whatever the venue's lot: 15 BTC held is 1.5e9 lots of 1e-8 BTC.  A
 * larger lot keeps the bound in lots.
 */
static double
lots_limit(double limit, double units_per_lot)
{
	return units_per_lot < 1.0 ? limit / units_per_lot : limit;
}

static bool
absent_or_finite(double x)
{
	return isnan(x) || isfinite(x);
}

static const char *
check_leg(const engine_leg *leg, double now, double units_per_lot)
{
	/* written so that NaN fails every test */
	if (leg->right != BS_CALL && leg->right != BS_PUT)
		return "legs.option_right";
	if (!price_in_domain(leg->strike))
		return "legs.strike";
	if (!(isfinite(leg->expiry) && leg->expiry - now <= BS_MAX_T * PORTFOLIO_SECONDS_PER_YEAR))
		return "legs.expiry";
	if (!(fabs(leg->quantity) <= ENGINE_MAX_QUANTITY))
		return "legs.quantity";
	if (!(leg->multiplier > 0.0 &&
		  leg->multiplier <= lots_limit(ENGINE_MAX_MULTIPLIER, units_per_lot)))
		return "legs.multiplier";
	if (!isnan(leg->implied_vol) &&
		!(leg->implied_vol == 0.0 || (leg->implied_vol >= BS_MIN_SIGMA && leg->implied_vol <= BS_MAX_SIGMA)))
		return "legs.implied_vol";
	return NULL;
}

/* The domain before the legs: state, event, time, clock, quote, spot, lots. */
static const char *
check_before_legs(const engine_input *in)
{
	const engine_clock *c = &in->clock;

	if ((unsigned) in->state >= TRADING_STATE_COUNT)
		return "state";
	if ((unsigned) in->event >= TRADING_EVENT_COUNT)
		return "event";
	if (!isfinite(in->now))
		return "now";
	if (c->ny_weekday != calendar_weekday(c->ny_date) || !(c->ny_seconds >= 0.0) ||
		!(c->ny_seconds < 86400.0) || c->ny_early_close_min < -1 ||
		c->ny_early_close_min > 24 * 60)
		return "clock";
	if (in->has_quote)
	{
		if (!(in->bid == 0.0 || price_in_domain(in->bid)))
			return "quote.bid";
		if (!(in->ask == 0.0 || price_in_domain(in->ask)))
			return "quote.ask";
		if (!isfinite(in->quote_ts))
			return "quote.ts";
		if (in->bid > in->ask)
			return "quote";		/* crossed */
	}
	if (!isnan(in->spot) && !price_in_domain(in->spot))
		return "spot";
	if (!(in->units_per_lot >= ENGINE_MIN_UNITS_PER_LOT &&
		  in->units_per_lot <= ENGINE_MAX_UNITS_PER_LOT))
		return "units_per_lot";
	return NULL;
}

const char *
engine_input_check_legs(const engine_input *in, int *bad_leg)
{
	if (bad_leg)
		*bad_leg = -1;
	if (in->n_legs < 0 || (in->n_legs > 0 && in->legs == NULL))
		return "legs";
	for (int i = 0; i < in->n_legs; i++)
	{
		const char *bad = check_leg(&in->legs[i], in->now, in->units_per_lot);

		if (bad)
		{
			if (bad_leg)
				*bad_leg = i;
			return bad;
		}
	}
	return NULL;
}

/* The domain after the legs: given greeks, the hedge, the day, the execution, the prices. */
static const char *
check_after_legs(const engine_input *in)
{
	if (in->has_greeks && in->greeks_valid)
	{
		if (!amount_in_domain(in->greeks_net_delta, ENGINE_MAX_AMOUNT))
			return "greeks.net_delta";
		if (!amount_in_domain(in->greeks_gamma, ENGINE_MAX_AMOUNT))
			return "greeks.gamma";
	}
	if (!amount_in_domain(in->stock_position, lots_limit(ENGINE_MAX_QUANTITY, in->units_per_lot)))
		return "stock_position";
	if (!amount_in_domain(in->pending_hedge_qty, lots_limit(ENGINE_MAX_QUANTITY, in->units_per_lot)))
		return "pending_hedge_qty";
	if (!isnan(in->last_hedge_price) && !price_in_domain(in->last_hedge_price))
		return "last_hedge.price";
	if (!absent_or_finite(in->last_hedge_ts))
		return "last_hedge.ts";
	if (in->daily_hedge_count < 0)
		return "daily_hedge_count";
	if (!amount_in_domain(in->daily_pnl, ENGINE_MAX_AMOUNT))
		return "daily_pnl";
	if ((unsigned) in->execution_state > DIM_E4_BROKER_ERROR)
		return "execution_state";
	if (!absent_or_finite(in->faults_clear_since))
		return "faults_clear_since";
	if (in->n_prices < 0 || (in->n_prices > 0 && in->prices == NULL))
		return "prices";
	for (int i = 0; i < in->n_prices; i++)
		if (!price_in_domain(in->prices[i]))
			return "prices";
	return NULL;
}

const char *
engine_input_check(const engine_input *in, int *bad_leg)
{
	const char *bad;

	if (bad_leg)
		*bad_leg = -1;
	if ((bad = check_before_legs(in)) != NULL)
		return bad;
	if ((bad = engine_input_check_legs(in, bad_leg)) != NULL)
		return bad;
	return check_after_legs(in);
}

const char *
engine_input_check_except_legs(const engine_input *in)
{
	const char *bad = check_before_legs(in);

	return bad ? bad : check_after_legs(in);
}

/* Leg counts without pricing, for given greeks. */
static void
count_legs(const engine_input *in, int *active, int *expired)
{
	*active = 0;
	*expired = 0;
	for (int i = 0; i < in->n_legs; i++)
	{
		if (in->legs[i].expiry > in->now)
			(*active)++;
		else
			(*expired)++;
	}
}

/*
 * Something to hedge besides gamma: a live leg, a hedge position or order,
 * or (given greeks) a nonzero net delta.  A book without any of these is
 * the only one the trading machine leaves IDLE.
 */
static bool
has_exposure(const engine_input *in, const engine_output *out)
{
	return out->legs_active > 0 || in->stock_position != 0.0 ||
		in->pending_hedge_qty != 0.0 ||
		(isfinite(out->net_delta) && out->net_delta != 0.0);
}

void
engine_evaluate(const engine_config *cfg, const engine_input *in, engine_output *out)
{
	classifier_quote quote = {in->has_quote, in->bid, in->ask, in->quote_ts};
	trading_view view;
	guard_input gates;
	bool		valid;

	out->spot = isnan(in->spot) ? classifier_mid(&quote) : in->spot;
	out->spread_pct = classifier_spread_pct(&quote);
	out->data_lag_ms = classifier_data_lag_ms(&quote, in->now);

	/* greeks: given (a what-if) or from the legs */
	if (in->has_greeks)
	{
		out->net_delta = in->greeks_net_delta;
		out->gamma = in->greeks_gamma;
		out->option_delta = in->greeks_net_delta - in->stock_position - in->pending_hedge_qty;
		valid = in->greeks_valid;
		count_legs(in, &out->legs_active, &out->legs_expired);
	}
	else
	{
		portfolio_market market;
		portfolio_greeks g;

		market.spot = out->spot;
		market.now = in->now;
		market.volatility = cfg->volatility;
		market.rate = cfg->risk_free_rate;
		market.yield = cfg->dividend_yield;
		market.settlement = cfg->settlement;
		if (in->book && portfolio_book_matches(in->book, in->legs, in->n_legs, &market))
			portfolio_book_greeks(in->book, in->stock_position, in->pending_hedge_qty, &g);
		else
			portfolio_compute(in->legs, in->n_legs, &market, in->stock_position,
							  in->pending_hedge_qty, &g);
		out->net_delta = g.net_delta;
		out->gamma = g.gamma;
		out->option_delta = g.option_delta;
		out->legs_active = g.legs_active;
		out->legs_expired = g.legs_expired;
		valid = g.valid;
	}
	out->greeks_valid = portfolio_greeks_sane(valid, out->net_delta, out->gamma,
											  in->units_per_lot, out->spot);

	/* the six dimensions */
	out->risk_halt = classifier_risk_halt(cfg, in->daily_pnl);
	out->dims.o = classify_o(out->greeks_valid, out->gamma);
	out->dims.d = classify_d(cfg, out->greeks_valid, out->net_delta);
	out->dims.m = classify_m(cfg, out->data_lag_ms, in->prices, in->n_prices);
	out->dims.l = classify_l(cfg, out->spread_pct);
	out->dims.e = classify_e(in->execution_state, in->broker_connected);
	out->dims.s = classify_s(cfg, out->risk_halt, out->greeks_valid, out->data_lag_ms);

	/* trading machine */
	view.dims = out->dims;
	view.greeks_ok = out->greeks_valid;
	view.net_delta = out->net_delta;
	view.spot = out->spot;
	view.spread_pct = out->spread_pct;
	view.data_lag_ms = out->data_lag_ms;
	view.last_hedge_price = in->last_hedge_price;
	view.daily_hedge_count = in->daily_hedge_count;
	view.force = out->dims.d == DIM_D3_FORCE_HEDGE;
	trading_guards_eval(cfg, &view, &out->guards);
	out->fault = trading_fault_present(&out->guards, in->event);
	out->faults_clear_since = trading_faults_clear_since(out->fault, in->faults_clear_since, in->now);
	out->next_state = trading_fsm_next(in->state, in->event, &out->guards, out->dims.d,
									   has_exposure(in, out),
									   trading_recovery_due(out->faults_clear_since, in->now,
															cfg->safe_recovery_sec));

	/* sizing and execution gates */
	sizing_intent(cfg, out->net_delta, out->dims.d, &out->intent);
	gates.now = in->now;
	gates.clock = &in->clock;
	gates.daily_pnl = in->daily_pnl;
	gates.daily_hedge_count = in->daily_hedge_count;
	gates.last_hedge_ts = in->last_hedge_ts;
	gates.last_hedge_price = in->last_hedge_price;
	gates.stock_position = in->stock_position;
	gates.pending_hedge_qty = in->pending_hedge_qty;
	gates.intent = &out->intent;
	gates.spread_pct = out->spread_pct;
	gates.spot = out->spot;
	gates.execution = out->dims.e;
	gates.suspended = in->suspended;
	gates.next_state = out->next_state;
	out->block_mask = out->intent.present ? guards_check(cfg, &gates) : 0;
	out->block_reason = guards_first(out->block_mask);
}
