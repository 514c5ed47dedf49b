/*
 * hedger_decide.c: a quote or a heartbeat through engine_evaluate(), and
 * what the decision leads to: an order, a blocked decision recorded, a
 * risk event, a new trading state.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hedger_internal.h"

void
set_state(hcore *c, trading_state next, double now, bool *changed)
{
	if (next == c->led.state)
		return;
	c->led.state = next;
	c->led.state_since = now;
	*changed = true;
}

/*
 * The engine's check of the input, the legs checked once: legs that passed
 * at a time pass at every later one with the same lots (engine.h), so they
 * are checked again only when they changed, the lots changed or the time
 * went back.
 */
static bool
input_passes(hcore *c, const engine_input *in)
{
	if (!(c->legs_checked && in->now >= c->legs_checked_at &&
		  in->units_per_lot == c->legs_checked_units))
	{
		if (engine_input_check_legs(in, NULL) != NULL)
			return false;
		c->legs_checked = true;
		c->legs_checked_at = in->now;
		c->legs_checked_units = in->units_per_lot;
	}
	return engine_input_check_except_legs(in) == NULL;
}

engine_output
run_engine(hcore *c, double now, trading_event event, bool suspended, bool broker_connected)
{
	engine_input in;
	engine_output out;

	engine_input_init(&in);
	in.state = c->led.state;
	in.event = event;
	in.now = now;
	c->port.clock(c->port.ctx, now, &in.clock);
	if (c->have_quote)
	{
		in.has_quote = true;
		in.bid = isfinite(c->bid) ? c->bid : 0;
		in.ask = isfinite(c->ask) ? c->ask : 0;
		/* a polled quote stands until its next poll is due */
		in.quote_ts = c->port.quote_as_of(c->port.ctx, c->quote_ts, now);
	}
	in.legs = c->legs_in_lots;
	in.n_legs = c->n_legs;
	in.units_per_lot = c->set.units_per_lot;
	in.stock_position = c->led.book.position;
	in.pending_hedge_qty = pending_qty(c);
	in.last_hedge_price = c->led.last_hedge_price;
	in.last_hedge_ts = c->last_hedge_ts;
	in.daily_hedge_count = c->led.daily_hedge_count;
	in.daily_pnl = c->led.daily_pnl;
	in.execution_state = c->led.n_pending > 0 ? DIM_E1_ORDER_WORKING : DIM_E0_IDLE;
	in.broker_connected = broker_connected;
	in.faults_clear_since = c->led.faults_clear_since;
	in.suspended = suspended;
	/* a quote the feed should never give (crossed, negative): decide as with none */
	if (!input_passes(c, &in))
		in.has_quote = false;
	else if (in.has_quote)
	{
		/* the book at the mid the engine will price at, priced once with the day's P&L */
		classifier_quote quote = {true, in.bid, in.ask, in.quote_ts};
		double		mid = classifier_mid(&quote);

		if (isfinite(mid))
			in.book = hcore_book(c, mid, now);
	}
	engine_evaluate(&c->set.cfg, &in, &out);
	c->led.faults_clear_since = out.faults_clear_since;
	c->led.last_out = out;
	c->led.have_out = true;
	return out;
}

/* ---- blocked decisions and risk events ---- */

void
hcore_flush_blocked(hcore *c)
{
	hcore_unit	u;
	hcore_row  *r;

	if (c->n_blocked == 0)
		return;
	unit_begin(&u, "bifrost: blocked decisions", false);
	r = unit_add(&u, HROW_BLOCKED, c->blocked[0].ts);
	r->u.blocked.rows = c->blocked;
	r->u.blocked.n = c->n_blocked;
	(void) unit_write(c, &u);
	c->n_blocked = 0;
}

static void
risk_event(hcore *c, double ts, const char *rule, const char *details)
{
	hcore_unit	u;
	hcore_row  *r;

	unit_begin(&u, "bifrost: risk event", false);
	r = unit_add(&u, HROW_RISK_EVENT, ts);
	r->u.risk.level = "block";
	r->u.risk.rule = rule;
	snprintf(r->u.risk.details, sizeof(r->u.risk.details), "%s", details);
	(void) unit_write(c, &u);
}

/* The gates that are risk limits (the others are timing and state). */
static bool
is_risk_limit(guard_reason r)
{
	return r == GUARD_CIRCUIT_BREAKER || r == GUARD_EARNINGS_BLACKOUT ||
		r == GUARD_MAX_DAILY_HEDGE_COUNT || r == GUARD_MAX_POSITION ||
		r == GUARD_SPREAD_TOO_WIDE;
}

static void
record_blocked(hcore *c, double now, const engine_output *out, const char *reason_override)
{
	const char *reason = reason_override ? reason_override : guard_reason_name(out->block_reason);

	if (c->n_blocked == HCORE_BLOCKED_BUFFER)
		hcore_flush_blocked(c);
	c->blocked[c->n_blocked].ts = now;
	c->blocked[c->n_blocked].out = *out;
	c->blocked[c->n_blocked].reason = reason_override;
	c->n_blocked++;

	/* a risk event when a risk limit starts blocking, not on every quote */
	if (reason && is_risk_limit(out->block_reason) &&
		(c->last_block == NULL || strcmp(c->last_block, reason) != 0))
	{
		char		details[256];

		snprintf(details, sizeof(details),
				 "%s %lld shares blocked by %s (net delta %.2f, state %s, daily P&L %.2f)",
				 hedge_side_name(out->intent.side), (long long) out->intent.qty, reason,
				 out->net_delta, trading_state_name(out->next_state), c->led.daily_pnl);
		hcore_flush_blocked(c);
		risk_event(c, now, reason, details);
	}
	c->last_block = reason;
}

/* ---- deciding ---- */

/* One evaluation; acts on the intent when nothing blocks it. */
static void
evaluate(hcore *c, double now, trading_event event, bool suspended, bool broker_connected, bool quote_driven)
{
	engine_output out;
	bool		changed = false;

	update_daily_pnl(c, now);
	out = run_engine(c, now, event, suspended, broker_connected);
	set_state(c, out.next_state, now, &changed);

	if (out.risk_halt && !c->breaker_recorded)
	{
		char		details[256];

		snprintf(details, sizeof(details), "daily P&L %.2f at or below -%.2f: the loss breaker tripped",
				 c->led.daily_pnl, c->set.cfg.max_daily_loss_usd);
		risk_event(c, now, "circuit_breaker", details);
		c->breaker_recorded = true;
		changed = true;
	}

	if (out.intent.present && (event == TE_TICK || event == TE_QUOTE))
	{
		bool		backing_off = out.block_reason == GUARD_NONE && reject_backoff_active(c, now);
		bool		switching = out.block_reason == GUARD_NONE && c->switch_waiting;

		if (out.block_reason == GUARD_NONE && out.next_state == TS_NEED_HEDGE && !backing_off && !switching)
		{
			/* the intent's unit writes the status row: no separate one */
			(void) place_hedge(c, now, out.intent.side, out.intent.qty,
							   out.dims.d == DIM_D3_FORCE_HEDGE ? "D3" : "D2",
							   out.net_delta, suspended, broker_connected, true);
			c->last_block = NULL;
			return;
		}
		if (quote_driven)
			record_blocked(c, now, &out, switching ? "settings_switch" : backing_off ? "reject_backoff" : NULL);
	}
	else if (!out.intent.present)
		c->last_block = NULL;
	if (changed)
		hcore_write_status(c, NULL);
}

void
hcore_quote(hcore *c, double ts, double bid, double ask, double wall, bool suspended,
			bool broker_connected)
{
	bool		day_known;

	/*
	 * A quote no clock can date (a recorded tick at -infinity) is left out:
	 * its day, its New York time, a fill or a settlement at it mean nothing,
	 * and the port's clock may not be asked about such a time.
	 */
	if (!isfinite(ts))
	{
		core_log(c, HCORE_WARNING, "a quote of %s dated %g is left out: no clock can show that time",
				 c->set.symbol, ts);
		return;
	}
	/* orders left open by a restart have no earlier quote: this one is the first they see */
	if (!c->have_quote)
	{
		c->bid = bid;
		c->ask = ask;
		c->quote_ts = ts;
		c->have_quote = true;
	}
	/*
	 * Live feeds: orders due before this quote fill at the quote current
	 * when they were due.  A replay knows no time between its ticks: an
	 * order fills at the first tick at or after it is due, never at one
	 * older than its decision plus the latency.
	 */
	if (!c->set.replay)
		fill_due_orders(c, ts, suspended, broker_connected);
	c->bid = bid;
	c->ask = ask;
	c->quote_ts = ts;
	c->have_quote = true;
	c->now = ts;
	if (c->set.replay)
		fill_due_orders(c, ts, suspended, broker_connected);
	day_known = roll_day(c, ts);
	settle_expired_legs(c, ts);
	if (c->day_started && day_known)
		price_unpriced_lots(c, ts, true);
	if (!day_known)
	{
		/* the day's count and loss are unknown: no decision before they are read */
	}
	else if (!c->bootstrapped)
	{
		bool		changed = false;
		engine_output out;

		/* quotes first, then the state machine: a fresh start can reach MONITOR */
		out = run_engine(c, ts, TE_START, suspended, broker_connected);
		set_state(c, out.next_state, ts, &changed);
		out = run_engine(c, ts, TE_SYNCED, suspended, broker_connected);
		set_state(c, out.next_state, ts, &changed);
		c->bootstrapped = true;
		hcore_write_status(c, NULL);
	}
	else
	{
		evaluate(c, ts, TE_TICK, suspended, broker_connected, true);
		/* with no latency an order of a replay fills at the tick that decided it */
		if (c->set.replay)
			fill_due_orders(c, ts, suspended, broker_connected);
	}
	/* a flatten goes on at the quote that settled the order it waited for */
	advance_flatten(c, wall, suspended, broker_connected);
}

void
hcore_heartbeat(hcore *c, double wall, bool suspended, bool broker_connected)
{
	if (c->set.replay)
	{
		/* a replay decides on its ticks only, so its rows do not depend on timing */
		update_daily_pnl(c, c->now);
		return;
	}
	c->now = wall;
	if (c->bootstrapped)
		evaluate(c, wall, TE_TICK, suspended, broker_connected, false);
	hcore_flush_blocked(c);
}

const char *
hcore_resume_trading(hcore *c, double wall, bool suspended, bool broker_connected)
{
	engine_output out;
	bool		changed = false;
	double		now = c->set.replay ? c->now : wall;

	if (c->led.state != TS_SAFE)
		return "not in SAFE: nothing to resume";
	out = run_engine(c, now, TE_MANUAL_RESUME, suspended, broker_connected);
	set_state(c, out.next_state, now, &changed);
	if (!changed)
		return "still SAFE: a fault remains (stale data, bad greeks or broker down)";
	hcore_write_status(c, NULL);
	return "resumed: SAFE -> SYNC";
}
