/*
 * hedger_orders.c: an order's life: the intent recorded before anything
 * leaves, the send (to the broker, or the paper model's decision), the
 * answer, the fill or the end without one.
 *
 * An order is sent once.  When its answer is lost (timeout, 5xx,
 * unreadable) it is UNKNOWN and the core only asks the broker by client
 * order id until it learns what became of it; it counts as in flight
 * meanwhile, so no other hedge goes out.  The paper model's answer is a
 * pure function of the client order id, so the decision taken here is the
 * one a restarted worker takes again.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hedger_internal.h"

/* A row of pending order p failed: try again later, then less often. */
static void
retry_later(hcore *c, hcore_order *p, double wall)
{
	p->retry_wait = p->retry_wait > 0 ? HCORE_MIN(2 * p->retry_wait, HCORE_RETRY_MAX_S) : HCORE_RETRY_MIN_S;
	p->row_retry_at = wall + p->retry_wait;
	if (p->live)
		p->next_query = HCORE_MAX(p->next_query, p->row_retry_at);
	else if (!c->set.replay)
		p->due = HCORE_MAX(p->due, p->row_retry_at);
}

static double
wall_now(const hcore *c)
{
	return c->port.wall_now(c->port.ctx);
}

/* A reject: no order leaves before the back-off is over. */
static void
note_reject(hcore *c, double ts)
{
	double		wait = HCORE_MIN(HCORE_REJECT_BACKOFF_MIN_S * ldexp(1.0, HCORE_MIN(c->led.reject_streak, 16)),
								 HCORE_REJECT_BACKOFF_MAX_S);

	c->led.reject_streak++;
	c->led.reject_backoff_until = ts + wait;
}

bool
reject_backoff_active(const hcore *c, double now)
{
	return c->led.reject_streak > 0 && isfinite(c->led.reject_backoff_until) && now < c->led.reject_backoff_until;
}

/* The unit of an answer to a send: the order's row and a status row. */
static void
order_unit(hcore *c, hcore_unit *u, const hedge_order_rec *order, double ts, hcore_row_kind kind,
		   const char *reason)
{
	hcore_row  *r;

	/*
	 * Durable like the intent: after a crash, CREATED must mean "never sent"
	 * (or, at a broker, "ask before concluding") and NEW "at the broker", or
	 * a restart would cancel a live order.
	 */
	unit_begin(u, kind == HROW_ORDER_REJECTED ? "bifrost: order rejected" :
			   kind == HROW_ORDER_UNKNOWN ? "bifrost: order outcome unknown" : "bifrost: order sent", true);
	r = unit_add(u, kind, ts);
	r->u.order.order = *order;
	r->u.order.reason = reason;
	/* a reject's status row is a history row too; a send moved the day's hedge count */
	unit_add_status(c, u, ts, kind == HROW_ORDER_REJECTED ? "reject" : NULL);
}

/*
 * Records the broker's answer to the send of pending order i: the order
 * counts in the day's hedges from this row on (rejected or not), and a
 * rejected one leaves the pending list.  False when the row did not commit:
 * it stays due and is tried again.
 */
static bool
record_order_row(hcore *c, int i, double ts, bool suspended, bool broker_connected)
{
	hcore_order *p = &c->led.pending[i];
	hedge_order_rec order = p->order;
	char		reason[HEDGE_NOTE_MAX];
	hcore_row_kind kind = p->row_due == HCORE_ROW_REJECTED ? HROW_ORDER_REJECTED :
		p->row_due == HCORE_ROW_UNKNOWN ? HROW_ORDER_UNKNOWN : HROW_ORDER_SENT;
	hcore_ledger m;
	hcore_unit	u;

	snprintf(reason, sizeof(reason), "%s", p->row_reason);
	m = c->led;
	/* an order refused before it left is no hedge sent (the day's record counts the same) */
	if (!(p->row_due == HCORE_ROW_REJECTED && strncmp(p->row_reason, "not sent:", 9) == 0))
		c->led.daily_hedge_count++;
	if (p->row_due == HCORE_ROW_REJECTED)
	{
		bool		via_fsm = p->via_fsm;

		c->led.pending[i] = c->led.pending[--c->led.n_pending];
		note_reject(c, ts);
		/* the reject's status rows show the state after the failure */
		if (via_fsm && (c->bootstrapped || c->have_quote))
		{
			engine_output out = run_engine(c, ts, TE_HEDGE_FAILED, suspended, broker_connected);
			bool		changed = false;

			set_state(c, out.next_state, ts, &changed);
		}
	}
	else
	{
		snprintf(p->order.status, sizeof(p->order.status), "%s",
				 p->row_due == HCORE_ROW_UNKNOWN ? "UNKNOWN" : "NEW");
		p->row_due = HCORE_ROW_NONE;
	}
	order_unit(c, &u, &order, ts, kind, reason);
	if (commit_or_restore(c, &u, &m))
		return true;
	retry_later(c, &c->led.pending[i], wall_now(c));
	return false;
}

void
retry_order_rows(hcore *c, double wall, bool suspended, bool broker_connected)
{
	int			i = 0;

	while (i < c->led.n_pending)
	{
		hcore_order *p = &c->led.pending[i];
		bool		ends = p->row_due == HCORE_ROW_REJECTED;

		if (p->row_due == HCORE_ROW_NONE || p->row_retry_at > wall ||
			!record_order_row(c, i, c->set.replay ? c->now : wall, suspended, broker_connected) ||
			!ends)
			i++;
	}
}

/* Sends the order to the broker; the answer's row becomes due. */
static void
send_to_broker(hcore *c, hcore_order *p)
{
	broker_order_report rep;
	broker_send_result result;

	broker_order_report_init(&rep, BROKER_ORDER_UNKNOWN);
	p->live = true;
	p->sent_wall = wall_now(c);
	p->next_query = p->sent_wall + HCORE_QUERY_FIRST_S;
	result = c->port.send(c->port.ctx, p->order.side, p->order.qty, p->order.client_order_id, &rep);
	/* the grace before "never reached the broker" counts from when the request left */
	p->sent_wall = isfinite(rep.left_at) ? rep.left_at : wall_now(c);
	switch (result)
	{
		case BROKER_SEND_ACCEPTED:
			p->row_due = HCORE_ROW_SENT;
			snprintf(p->order.exchange_order_id, sizeof(p->order.exchange_order_id), "%s",
					 rep.exchange_order_id);
			p->row_reason[0] = '\0';
			break;
		case BROKER_SEND_REJECTED:
			p->row_due = HCORE_ROW_REJECTED;
			snprintf(p->row_reason, sizeof(p->row_reason), "%s",
					 rep.reason[0] ? rep.reason : "rejected by the venue");
			break;
		case BROKER_SEND_UNKNOWN:
			p->row_due = HCORE_ROW_UNKNOWN;
			snprintf(p->row_reason, sizeof(p->row_reason), "%s",
					 rep.reason[0] ? rep.reason : "no answer from the venue");
			p->outcome_unknown = true;
			/* ask at once: the order may well be there */
			p->next_query = wall_now(c);
			core_log(c, HCORE_LOG, "order %s has an unknown outcome (%s); asking %s by client order id",
					 p->order.client_order_id, p->row_reason, c->port.broker_name);
			break;
	}
}

/*
 * Records the intent, then sends the order to the broker.  The intent and
 * its order are durable before anything leaves.
 */
bool
place_hedge(hcore *c, double now, hedge_side side, int64_t qty, const char *reason, double net_delta,
			bool suspended, bool broker_connected, bool through_fsm)
{
	hcore_unit	u;
	hcore_row  *r;
	hcore_order p;

	hcore_flush_blocked(c);
	unit_begin(&u, "bifrost: hedge intent", true);
	r = unit_add(&u, HROW_INTENT, now);
	r->u.intent.ts = now;
	r->u.intent.side = side;
	r->u.intent.qty = qty;
	r->u.intent.mid = quote_mid(c);
	r->u.intent.net_delta = net_delta;
	r->u.intent.state_reason = reason;
	unit_add_status(c, &u, now, "hedge_intent");
	if (!unit_write(c, &u))
		return false;

	memset(&p, 0, sizeof(p));
	p.order = u.intent_order;
	p.via_fsm = through_fsm;
	if (c->set.live)
		send_to_broker(c, &p);	/* no unit is open: the intent is written, the answer gets its own */
	else
	{
		paper_fill_decide(&c->set.paper, p.order.client_order_id, qty, &p.decision);
		p.due = paper_fill_due(&c->set.paper, now);
		p.row_due = p.decision.outcome == PAPER_REJECT ? HCORE_ROW_REJECTED : HCORE_ROW_SENT;
		snprintf(p.row_reason, sizeof(p.row_reason), "%s", p.decision.reason ? p.decision.reason : "");
	}
	/* the order has left: the cooldown runs from its send, as the reference engine's does */
	c->last_hedge_ts = now;
	/* tracked until its row commits, whatever happens to the row */
	c->led.pending[c->led.n_pending++] = p;
	if (through_fsm)
	{
		engine_output out = run_engine(c, now, TE_TARGET_EMITTED, suspended, broker_connected);
		bool		changed = false;

		set_state(c, out.next_state, now, &changed);
	}
	(void) record_order_row(c, c->led.n_pending - 1, now, suspended, broker_connected);
	return true;
}

/*
 * Records the fill of pending order i (filled_qty lots at price; the rest,
 * if any, is cancelled) and takes it off the pending list.  fee is in money
 * (NAN unknown), fee_lots withheld from the lots received.  False when the
 * rows did not commit: the order stays pending with its fill, tried again.
 */
static bool
apply_fill(hcore *c, int i, double ts, int64_t filled_qty, double price, double fee, double fee_lots,
		   bool suspended, bool broker_connected)
{
	hcore_order *p;
	double		signed_qty;
	hedge_book	after;
	bool		closes;
	double		realized;
	hcore_ledger m;
	hcore_unit	u;
	hcore_row  *r;

	/* the answer to the send first: the fill's rows follow its NEW row */
	if (c->led.pending[i].row_due != HCORE_ROW_NONE && !record_order_row(c, i, ts, suspended, broker_connected))
		return false;
	p = &c->led.pending[i];
	signed_qty = (p->order.side == HEDGE_BUY ? 1.0 : -1.0) * (double) filled_qty;
	fee_lots = isfinite(fee_lots) ? fee_lots : 0;
	after = c->led.book;
	closes = c->led.book.position != 0 && (c->led.book.position > 0) != (signed_qty > 0);
	realized = pnl_apply_fill_fees(&after, signed_qty, lot_value(c, price), isfinite(fee) ? fee : 0, fee_lots);

	unit_begin(&u, "bifrost: fill", false);
	r = unit_add(&u, HROW_FILL, ts);
	r->u.fill.order = p->order;
	r->u.fill.rec.ts = ts;
	r->u.fill.rec.filled_qty = filled_qty;
	r->u.fill.rec.price = price;
	r->u.fill.rec.fee = fee;
	r->u.fill.rec.fee_base_lots = fee_lots;
	/* a fill that only opens or adds realizes nothing: NULL, not a 0 that counts as a loss */
	r->u.fill.rec.realized_pnl = closes ? realized : NAN;
	r->u.fill.rec.position_after = after.position;
	r->u.fill.rec.avg_cost_after = after.avg_cost / c->set.units_per_lot;

	/* memory as after the fill, so that its status rows show it; put back if they fail */
	m = c->led;
	c->led.book = after;
	c->led.last_hedge_price = price;
	c->led.reject_streak = 0;
	c->led.pending[i] = c->led.pending[--c->led.n_pending];
	update_daily_pnl(c, ts);

	/*
	 * The state after the fill goes into the fill's own status rows; the
	 * engine looks at the fill's own time, when the quote it filled at was
	 * current (not at a later quote's time, when it would look stale).
	 */
	if (c->bootstrapped || c->have_quote)
	{
		bool		changed = false;
		engine_output out = run_engine(c, ts, TE_HEDGE_DONE, suspended, broker_connected);

		set_state(c, out.next_state, ts, &changed);
	}
	unit_add_status(c, &u, ts, "fill");
	if (filled_qty < r->u.fill.order.qty)
		unit_add_status(c, &u, ts, "cancel");	/* the rest of a partial fill */
	if (commit_or_restore(c, &u, &m))
		return true;
	p = &c->led.pending[i];
	p->fill_known = true;
	p->fill_ts = ts;
	p->fill_qty = filled_qty;
	p->fill_price = price;
	p->fill_fee = fee;
	p->fill_fee_lots = fee_lots;
	retry_later(c, p, wall_now(c));
	return false;
}

void
fill_due_orders(hcore *c, double now, bool suspended, bool broker_connected)
{
	int			i = 0;

	while (i < c->led.n_pending)
	{
		hcore_order *p = &c->led.pending[i];
		bool		filled;

		if (p->live || p->row_due == HCORE_ROW_REJECTED || p->due > now ||
			(!p->fill_known && !core_quote_usable(c)))
		{
			i++;
			continue;
		}
		if (p->fill_known)
			filled = apply_fill(c, i, p->fill_ts, p->fill_qty, p->fill_price, p->fill_fee, p->fill_fee_lots,
								suspended, broker_connected);
		else
		{
			double		price = paper_fill_price(&c->set.paper, p->order.side, c->bid, c->ask);

			/* due, or the first quote after it when none was current then (after a restart) */
			filled = apply_fill(c, i, HCORE_MAX(HCORE_MAX(p->due, p->order.placed_at), c->quote_ts),
								p->decision.filled_qty, price,
								paper_fill_fee(&c->set.paper,
											   (double) p->decision.filled_qty * c->set.units_per_lot, price),
								0, suspended, broker_connected);
		}
		if (!filled)
			i++;
	}
}

/* The unit of an order that ended unfilled: its row and a status row. */
static void
unfilled_unit(hcore *c, hcore_unit *u, const hedge_order_rec *order, double ts, bool rejected,
			  const char *reason)
{
	hcore_row  *r;

	unit_begin(u, rejected ? "bifrost: order rejected" : "bifrost: order cancelled", true);
	r = unit_add(u, rejected ? HROW_ORDER_REJECTED : HROW_ORDER_CANCELLED, ts);
	r->u.order.order = *order;
	r->u.order.reason = reason;
	unit_add_status(c, u, ts, rejected ? "reject" : "cancel");
}

/*
 * Pending order i ended without a fill: record it, let the state machine
 * know.  False when the rows did not commit: it stays pending, asked again.
 */
static bool
finish_unfilled(hcore *c, int i, double ts, bool rejected, const char *reason, bool suspended,
				bool broker_connected)
{
	hedge_order_rec order;
	hcore_ledger m;
	hcore_unit	u;

	if (c->led.pending[i].row_due != HCORE_ROW_NONE && !record_order_row(c, i, ts, suspended, broker_connected))
		return false;
	order = c->led.pending[i].order;
	m = c->led;
	c->led.pending[i] = c->led.pending[--c->led.n_pending];
	if (rejected)
		note_reject(c, ts);
	/* an order settled by the reconciliation before the first quote is no event of the state machine */
	if (c->bootstrapped || c->have_quote)
	{
		bool		changed = false;
		engine_output out = run_engine(c, ts, TE_HEDGE_FAILED, suspended, broker_connected);

		set_state(c, out.next_state, ts, &changed);
	}
	unfilled_unit(c, &u, &order, ts, rejected, reason);
	if (commit_or_restore(c, &u, &m))
		return true;
	retry_later(c, &c->led.pending[i], wall_now(c));
	return false;
}

/* A paper order recorded at a restart but never handed to the broker: it never left. */
void
cancel_unsent(hcore *c, const hedge_order_rec *order, double ts)
{
	hcore_unit	u;

	unfilled_unit(c, &u, order, ts, false, "not_sent_before_restart");
	u.activity = "bifrost: reconcile";
	u.durable = false;
	(void) unit_write(c, &u);
}

/* When to ask about an order again: soon at first, then less often. */
static double
next_query_after(const hcore_order *p, double now)
{
	double		wait = HCORE_QUERY_FIRST_S * ldexp(1.0, HCORE_MIN(p->queries, 10));

	return now + HCORE_MIN(wait, HCORE_QUERY_MAX_S);
}

/*
 * An order whose send had no answer (or that a restart found CREATED) is at
 * the broker after all: it was sent, once.  False when its row did not commit.
 */
static bool
record_found(hcore *c, hcore_order *p, double ts)
{
	hedge_order_rec order = p->order;
	hcore_ledger m;
	hcore_unit	u;

	m = c->led;
	/* a CREATED order was not in the day's count loaded at the start */
	if (p->never_sent_maybe)
		c->led.daily_hedge_count++;
	snprintf(p->order.status, sizeof(p->order.status), "NEW");
	p->outcome_unknown = false;
	p->never_sent_maybe = false;
	order_unit(c, &u, &order, ts, HROW_ORDER_SENT, NULL);
	u.activity = "bifrost: order found";
	if (commit_or_restore(c, &u, &m))
		return true;
	retry_later(c, p, wall_now(c));
	return false;
}

/* What one answer about pending order i means; true when the order left the list. */
static bool
act_on_report(hcore *c, int i, const broker_order_report *rep, double ts, double wall, bool suspended,
			  bool broker_connected)
{
	hcore_order *p = &c->led.pending[i];
	char		reason[HEDGE_NOTE_MAX];

	/*
	 * A fill is recorded with its price.  One the broker reports without a
	 * usable price (not yet known, 0, negative) is asked about again: not
	 * recorded at that price (the cash, the P&L and every later decision
	 * would take it, and the trades table refuses it), and not written off
	 * as a cancel with nothing filled (the lots are at the broker).
	 */
	if ((rep->state == BROKER_ORDER_FILLED || (rep->state == BROKER_ORDER_CANCELED && rep->filled_qty > 0)) &&
		!(isfinite(rep->avg_price) && rep->avg_price > 0))
	{
		if (!p->price_awaited)
			core_log(c, HCORE_LOG, "order %s is %s at %s without a usable average price (%g); asking again",
					 p->order.client_order_id, rep->state == BROKER_ORDER_FILLED ? "filled" : "partly filled",
					 c->port.broker_name, rep->avg_price);
		p->price_awaited = true;
		return false;
	}
	switch (rep->state)
	{
		case BROKER_ORDER_FILLED:
			return apply_fill(c, i, ts, HCORE_MIN(rep->filled_qty > 0 ? rep->filled_qty : p->order.qty, p->order.qty),
							  rep->avg_price, rep->fee, rep->fee_base_lots, suspended, broker_connected);
		case BROKER_ORDER_CANCELED:
			if (rep->filled_qty > 0)
				return apply_fill(c, i, ts, HCORE_MIN(rep->filled_qty, p->order.qty), rep->avg_price, rep->fee,
								  rep->fee_base_lots, suspended, broker_connected);
			snprintf(reason, sizeof(reason), "cancelled by %s%s%s", c->port.broker_name,
					 rep->reason[0] ? ": " : "", rep->reason);
			return finish_unfilled(c, i, ts, false, reason, suspended, broker_connected);
		case BROKER_ORDER_REJECTED:
			snprintf(reason, sizeof(reason), "%s", rep->reason[0] ? rep->reason : "rejected by the venue");
			return finish_unfilled(c, i, ts, true, reason, suspended, broker_connected);
		case BROKER_ORDER_NOT_FOUND:
			if (wall - p->sent_wall < c->set.not_found_grace_s)
				return false;
			if (p->never_sent_maybe)
				snprintf(reason, sizeof(reason), "not_sent_before_restart");
			else
				snprintf(reason, sizeof(reason), "never reached %s: no order %s there %.0f s after sending",
						 c->port.broker_name, p->order.client_order_id, wall - p->sent_wall);
			return finish_unfilled(c, i, wall, !p->never_sent_maybe, reason, suspended, broker_connected);
		case BROKER_ORDER_OPEN:
		case BROKER_ORDER_UNKNOWN:
			if (rep->state == BROKER_ORDER_UNKNOWN && p->queries == 1)
				core_log(c, HCORE_LOG, "no answer about order %s yet: %s", p->order.client_order_id, rep->reason);
			return false;
	}
	return false;
}

/* Asks the broker about every order whose time has come, and acts on the answers. */
void
query_broker_orders(hcore *c, double wall, bool suspended, bool broker_connected)
{
	int			i = 0;

	while (i < c->led.n_pending)
	{
		hcore_order *p = &c->led.pending[i];
		broker_order_report rep;
		double		ts;

		if (!p->live || p->row_due == HCORE_ROW_REJECTED || p->next_query > wall)
		{
			i++;
			continue;
		}
		broker_order_report_init(&rep, BROKER_ORDER_UNKNOWN);
		rep.fee_base_lots = 0;
		c->port.query(c->port.ctx, p->order.client_order_id, &rep);
		p->queries++;
		wall = wall_now(c);
		/* the broker's time of the last change, if it is a sane one */
		ts = isfinite(rep.ts) && rep.ts >= p->order.placed_at && rep.ts <= wall ? rep.ts : wall;
		if (rep.exchange_order_id[0] && !p->order.exchange_order_id[0])
			snprintf(p->order.exchange_order_id, sizeof(p->order.exchange_order_id), "%s", rep.exchange_order_id);
		if ((p->outcome_unknown || p->never_sent_maybe) && p->row_due == HCORE_ROW_NONE &&
			(rep.state == BROKER_ORDER_OPEN || rep.state == BROKER_ORDER_FILLED ||
			 rep.state == BROKER_ORDER_CANCELED) &&
			!record_found(c, p, ts))
		{
			i++;
			continue;
		}
		if (act_on_report(c, i, &rep, ts, wall, suspended, broker_connected))
			continue;			/* order i left the list */
		p = &c->led.pending[i];
		if (p->row_retry_at <= wall)
			p->next_query = next_query_after(p, wall);
		i++;
	}
}

void
broker_order_report_init(broker_order_report *out, broker_order_state state)
{
	memset(out, 0, sizeof(*out));
	out->state = state;
	out->filled_qty = 0;
	out->avg_price = NAN;
	out->fee = NAN;
	out->fee_base_lots = 0;
	out->ts = NAN;
	out->left_at = NAN;
}
