/*
 * hedger_core.c: the core's life (start from what the tables say, a round
 * after the quotes, when to wake), its status figures, and an operator's
 * flatten.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hedger_internal.h"
#include "wall_clock.h"

void
hcore_init(hcore *c, const hcore_settings *set, const hcore_port *port, double wall)
{
	memset(c, 0, sizeof(*c));
	c->set = *set;
	c->port = *port;
	if (!(isfinite(c->set.units_per_lot) && c->set.units_per_lot > 0))
		c->set.units_per_lot = 1;
	c->led.state = TS_BOOT;
	c->led.state_since = wall;
	c->led.faults_clear_since = NAN;
	c->led.last_hedge_price = NAN;
	c->last_hedge_ts = NAN;
	c->led.reject_backoff_until = NAN;
	c->now = wall;
}

void
hcore_start(hcore *c, const hcore_loaded *loaded, double wall)
{
	c->led.book.position = loaded->position;
	c->led.book.avg_cost = lot_value(c, loaded->avg_cost);
	if (loaded->have_last_fill)
	{
		c->led.last_hedge_price = loaded->last_fill_price;
		c->last_hedge_ts = loaded->last_fill_ts;
	}
	/* the cooldown runs from the last send */
	if (loaded->have_last_sent)
		c->last_hedge_ts = loaded->last_sent_ts;
	c->flatten_command = loaded->flatten_command;
	for (int i = 0; i < loaded->n_open && i < HEDGE_MAX_OPEN_ORDERS; i++)
	{
		const hedge_order_rec *o = &loaded->open[i];
		hcore_order *p;

		if (!c->set.live && strcmp(o->status, "CREATED") == 0)
		{
			/* recorded but never handed to the paper broker: it never left */
			cancel_unsent(c, o, wall);
			continue;
		}
		p = &c->led.pending[c->led.n_pending++];
		memset(p, 0, sizeof(*p));
		p->order = *o;
		if (c->set.live)
		{
			/* at the broker or maybe: only the broker can say, so ask it first */
			p->live = true;
			p->outcome_unknown = strcmp(o->status, "UNKNOWN") == 0;
			p->never_sent_maybe = strcmp(o->status, "CREATED") == 0;
			p->sent_wall = c->port.wall_now(c->port.ctx);
			p->next_query = p->sent_wall;
		}
		else
		{
			/* at the paper broker: it fills as decided, once, at the next quote */
			paper_fill_decide(&c->set.paper, o->client_order_id, o->qty, &p->decision);
			p->due = paper_fill_due(&c->set.paper, o->placed_at);
		}
	}
	if (c->set.live && c->led.n_pending == 0)
		reconcile_position(c, wall);
	else if (c->set.live)
		c->reconcile_after_orders = true;
}

void
hcore_figures(const hcore *c, hedger_figures *out)
{
	bool		usable = core_quote_usable(c);

	memset(out, 0, sizeof(*out));
	out->valid = true;
	out->trading_state = trading_state_name(c->led.state);
	out->trading_state_since = c->led.state_since;
	out->spot = usable ? quote_mid(c) : NAN;
	out->bid = c->have_quote && c->bid > 0 ? c->bid : NAN;
	out->ask = c->have_quote && c->ask > 0 ? c->ask : NAN;
	out->net_delta = c->led.have_out && c->led.last_out.greeks_valid ? c->led.last_out.net_delta : NAN;
	out->stock_position = c->led.book.position;
	out->option_legs_count = c->n_legs;
	out->daily_hedge_count = c->led.daily_hedge_count;
	out->daily_pnl = c->led.daily_pnl;
	/* the quote's age, or the feed's when it dates the quote older */
	out->data_lag_ms = c->have_quote ?
		HCORE_MAX(0.0, (c->now - HCORE_MIN(c->quote_ts, c->port.quote_as_of(c->port.ctx, c->quote_ts, c->now))) * 1000.0)
		: NAN;
	out->trading_mode = c->set.live ? "live" : "paper";
}

void
hcore_write_status(hcore *c, const char *history_reason)
{
	hcore_unit	u;

	unit_begin(&u, "bifrost: status", false);
	unit_add_status(c, &u, c->now, history_reason);
	(void) unit_write(c, &u);
}

bool
hcore_switch_ready(hcore *c)
{
	if (c->led.n_pending == 0)
		return true;
	if (!c->switch_waiting)
		core_log(c, HCORE_LOG, "the settings changed; switching once the %d order(s) in flight have ended",
				 c->led.n_pending);
	c->switch_waiting = true;
	return false;
}

void
hcore_switch_cancel(hcore *c)
{
	if (!c->switch_waiting)
		return;
	core_log(c, HCORE_LOG, "the settings are as before: no switch is due; orders may leave again");
	c->switch_waiting = false;
}

/*
 * Every due time of the core is set at most its cap ahead of the wall
 * clock; one further ahead means the clock stepped back, and waiting for it
 * would stop the order queries, the rows of a failed write, the position
 * read, a paper fill, the end of an order the broker never received, or
 * hedging itself (the reject back-off, the cooldown) for as long as the
 * step.  It is due now instead.  Times on the feed's clock follow the wall
 * clock unless the feed is a replay, whose clock is its ticks'.
 */
static void
rebase_due_times(hcore *c, double wall)
{
	/*
	 * The times set during a round (a quote's, an answer's) may lie past
	 * the wall clock the round began with by as much as a transfer takes:
	 * only one further ahead than its cap and that is a step back.
	 */
	const double slack = HCORE_RETRY_MAX_S;

	c->reconcile_at = wall_clock_due(c->reconcile_at, wall, HCORE_RECONCILE_WAIT_MAX_S);
	c->day_start_retry_at = wall_clock_due(c->day_start_retry_at, wall, HCORE_RETRY_MAX_S + slack);
	for (int i = 0; i < c->led.n_pending; i++)
	{
		hcore_order *p = &c->led.pending[i];

		p->next_query = wall_clock_due(p->next_query, wall, HCORE_QUERY_MAX_S);
		/* a send dated after now: the grace before "never arrived" runs from now */
		p->sent_wall = wall_clock_due(p->sent_wall, wall, slack);
		p->row_retry_at = wall_clock_due(p->row_retry_at, wall, HCORE_RETRY_MAX_S + slack);
		if (!c->set.replay && !p->live)
			p->due = wall_clock_due(p->due, wall,
									HCORE_MAX(HCORE_RETRY_MAX_S, paper_fill_due(&c->set.paper, 0)) + slack);
	}
	if (!c->set.replay)
	{
		c->led.reject_backoff_until = wall_clock_due(c->led.reject_backoff_until, wall,
													 HCORE_REJECT_BACKOFF_MAX_S + slack);
		/* a send dated after now: the cooldown runs from now */
		c->last_hedge_ts = wall_clock_due(c->last_hedge_ts, wall, slack);
	}
}

void
hcore_round(hcore *c, double wall, bool suspended, bool broker_connected)
{
	rebase_due_times(c, wall);
	if (!c->set.replay)
	{
		c->now = wall;
		fill_due_orders(c, wall, suspended, broker_connected);
	}
	retry_order_rows(c, c->port.wall_now(c->port.ctx), suspended, broker_connected);
	if (c->day_start_unsaved && c->day_started && c->port.wall_now(c->port.ctx) >= c->day_start_retry_at)
		save_day_start(c, c->now);
	if (c->set.live)
	{
		hcore_flush_blocked(c);
		query_broker_orders(c, c->port.wall_now(c->port.ctx), suspended, broker_connected);
		if (c->reconcile_after_orders && c->led.n_pending == 0 && c->port.wall_now(c->port.ctx) >= c->reconcile_at)
			reconcile_position(c, c->port.wall_now(c->port.ctx));
	}
	advance_flatten(c, wall, suspended, broker_connected);
	hcore_flush_blocked(c);
}

double
hcore_next_wake(hcore *c, double wall, double feed_next, double paused_until)
{
	double		wake = HCORE_MAX(feed_next, paused_until);

	rebase_due_times(c, wall);
	if (wake < wall)
		wake = wall;

	/*
	 * Simulated fills are due on the wall clock; replay fills come with its
	 * ticks.  A paper fill needs a usable quote: without one it waits for
	 * the feed's next quote, not its own due time, which would be due again
	 * at once and spin the worker.
	 */
	for (int i = 0; i < c->led.n_pending; i++)
	{
		if (c->led.pending[i].live)
			wake = HCORE_MIN(wake, c->led.pending[i].next_query);
		else if (!c->set.replay && core_quote_usable(c))
			wake = HCORE_MIN(wake, HCORE_MAX(c->led.pending[i].due, paused_until));
	}
	return HCORE_MAX(wake, wall);
}

/* ---- an operator's flatten ---- */

int64_t
hcore_flatten_lots(double position)
{
	/*
	 * Never more than is held (a spot account cannot sell what it does not
	 * have, and the venue refuses it every time), and a fraction of a lot
	 * (a fee kept in the base currency) is no order a venue takes.  The
	 * tolerance absorbs the binary error of a position summed from fills.
	 */
	return (int64_t) floor(fabs(position) + 1e-6);
}

/* The result of a flatten with no whole lot left: done by its orders (flattened) or before any. */
static const char *
flat_result(const hcore *c, bool flattened)
{
	static char text[256];
	double		left = fabs(c->led.book.position);

	if (left < 1e-9)
		return flattened ?
			"flattened: the hedge position is zero; hedging stays suspended until bifrost_resume()" :
			"flat: the hedge position is already zero";
	snprintf(text, sizeof(text), "%s: %.8g lots remain, less than one lot, which no order can trade%s",
			 flattened ? "flattened" : "flat", left,
			 flattened ? "; hedging stays suspended until bifrost_resume()" : "");
	return text;
}

/*
 * One step of a flatten: nothing while an order is in flight (it fills or
 * ends first), then the order that takes the position to zero, and when
 * the position is zero the command's result says so.
 */
static const char *
flatten_step(hcore *c, double wall, bool suspended, bool broker_connected)
{
	double		now = c->set.replay ? c->now : wall;
	int64_t		qty;

	if (!suspended)
		return "flatten abandoned: hedging was resumed before the position reached zero";
	qty = hcore_flatten_lots(c->led.book.position);
	if (c->led.n_pending > 0)
		return "flattening: waiting for the hedge in flight, then taking the position to zero";
	if (c->switch_waiting)
		return "flattening: the settings changed; the hedger starts over with them, then takes the position to zero";
	if (qty == 0)
		return flat_result(c, true);
	if (!broker_connected)
		return "flattening: waiting for the broker";
	if (!core_quote_usable(c))
		return "flattening: waiting for a usable quote";
	if (reject_backoff_active(c, now))
		return "flattening: the broker rejected the last order; sending again after the back-off";
	if (!place_hedge(c, now, c->led.book.position > 0 ? HEDGE_SELL : HEDGE_BUY, qty, "flatten",
					 c->led.have_out ? c->led.last_out.net_delta : NAN, true, broker_connected, false))
		return "flattening: the order could not be recorded; trying again";
	return "flattening: order sent to take the position to zero; hedging stays suspended until bifrost_resume()";
}

static bool
flatten_finished(const char *result)
{
	return strncmp(result, "flattening:", 11) != 0;
}

void
advance_flatten(hcore *c, double wall, bool suspended, bool broker_connected)
{
	hcore_unit	u;
	hcore_row  *r;
	const char *result;

	if (c->flatten_command == 0)
		return;
	result = flatten_step(c, wall, suspended, broker_connected);
	if (!flatten_finished(result))
		return;
	unit_begin(&u, "bifrost: flatten result", true);
	r = unit_add(&u, HROW_COMMAND_RESULT, c->now);
	r->u.command.command = c->flatten_command;
	r->u.command.result = result;
	if (!unit_write(c, &u))
		return;
	c->flatten_command = 0;
}

const char *
hcore_flatten(hcore *c, int64_t command, double wall, bool broker_connected)
{
	const char *result;

	if (hcore_flatten_lots(c->led.book.position) == 0 && c->led.n_pending == 0)
		return flat_result(c, false);
	/* bifrost_flatten() set the suspended flag with the command */
	result = flatten_step(c, wall, true, broker_connected);
	c->flatten_command = flatten_finished(result) ? 0 : command;
	return result;
}
