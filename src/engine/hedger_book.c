/*
 * hedger_book.c: the hedger's book and day: what the legs and the hedge
 * position are worth, the day's start equity and P&L, the settlement of
 * expired legs, and the broker's position taken when it differs.
 *
 * The day's P&L is the equity now less the equity at the day's start: the
 * first mark of the day, or the stored one after a restart.  Nothing that
 * is not trading moves it: legs bought or sold by hand and lots the broker
 * holds that no fill explains move the start instead, and an expiring leg
 * is worth its settlement, which its model value tends to.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hedger_internal.h"
#include "settlement.h"

double
quote_mid(const hcore *c)
{
	return (c->bid + c->ask) / 2.0;
}

bool
hcore_quote_usable(double bid, double ask)
{
	/* prices the engine can value: anything else is no mark, for the day or a settlement */
	return isfinite(bid) && isfinite(ask) && bid >= BS_MIN_PRICE && ask >= bid && ask <= BS_MAX_PRICE;
}

bool
core_quote_usable(const hcore *c)
{
	return c->have_quote && hcore_quote_usable(c->bid, c->ask);
}

/* What a lot is worth at a price of the underlying. */
double
lot_value(const hcore *c, double price)
{
	return price * c->set.units_per_lot;
}

double
pending_qty(const hcore *c)
{
	double		sum = 0;

	/* paper knows what will fill; at a broker the whole order is in flight */
	for (int i = 0; i < c->led.n_pending; i++)
		if (c->led.pending[i].row_due != HCORE_ROW_REJECTED)
			sum += (c->led.pending[i].order.side == HEDGE_BUY ? 1 : -1) *
				(double) (c->led.pending[i].live ? c->led.pending[i].order.qty : c->led.pending[i].decision.filled_qty);
	return sum;
}

/*
 * The engine sizes in lots: a leg's delta counts in lots of the hedge
 * instrument.  Called whenever the legs change (a new book, settlements):
 * what they were priced at and that they passed the engine's check is
 * forgotten.
 */
void
scale_legs(hcore *c)
{
	if (c->n_legs > 0)
		memcpy(c->legs_in_lots, c->legs, sizeof(engine_leg) * c->n_legs);
	for (int i = 0; i < c->n_legs; i++)
		c->legs_in_lots[i].multiplier /= c->set.units_per_lot;
	c->book_known = false;
	c->legs_checked = false;
}

static void
market_of(const engine_config *cfg, double spot, double now, portfolio_market *m)
{
	m->spot = spot;
	m->now = now;
	m->volatility = cfg->volatility;
	m->rate = cfg->risk_free_rate;
	m->yield = cfg->dividend_yield;
	m->settlement = cfg->settlement;
}

const portfolio_book *
hcore_book(hcore *c, double spot, double now)
{
	portfolio_market m;

	/* the settings may change under the core (a reload): they are part of the key */
	market_of(&c->set.cfg, spot, now, &m);
	if (!c->book_known || c->book.legs != c->legs ||
		!portfolio_book_matches(&c->book, c->legs_in_lots, c->n_legs, &m))
	{
		portfolio_book_compute(c->legs, c->legs_in_lots, c->n_legs, &m, true, &c->book);
		c->book_known = true;
	}
	return &c->book;
}

double
hcore_legs_value(const engine_config *cfg, const engine_leg *legs, int n_legs, double spot, double now)
{
	portfolio_market m;
	portfolio_book book;

	market_of(cfg, spot, now, &m);
	portfolio_book_compute(legs, legs, n_legs, &m, true, &book);
	return book.value;
}

double
option_value(hcore *c, double spot, double now)
{
	return hcore_book(c, spot, now)->value;
}

void
hcore_set_legs(hcore *c, engine_leg *legs, engine_leg *legs_in_lots, int n, bool book_changed)
{
	bool		can_mark = book_changed && c->day_started && core_quote_usable(c);
	double		before = can_mark ? option_value(c, quote_mid(c), c->now) : 0;

	c->legs = legs;
	c->legs_in_lots = legs_in_lots;
	c->n_legs = n;
	scale_legs(c);
	if (can_mark)
	{
		c->day_start_equity += option_value(c, quote_mid(c), c->now) - before;
		save_day_start(c, c->now);
	}
}

void
hcore_settlements_changed(hcore *c)
{
	c->port.apply_settlements(c->port.ctx, c->legs, c->n_legs);
	scale_legs(c);
}

/*
 * Stores the day's start equity.  One that fails is stored again later
 * (hcore_round): without it a restart the same day would begin the day
 * anew at its own equity, the day's loss so far forgotten.
 */
void
save_day_start(hcore *c, double now)
{
	hcore_unit	u;
	hcore_row  *r;

	unit_begin(&u, "bifrost: save day", false);
	r = unit_add(&u, HROW_DAY_START, now);
	r->u.day.date = c->trading_date;
	r->u.day.equity = c->day_start_equity;
	if (unit_write(c, &u))
	{
		day_start_saved(c);
		return;
	}
	c->day_start_unsaved = true;
	c->day_start_retry_wait = c->day_start_retry_wait > 0 ?
		HCORE_MIN(2 * c->day_start_retry_wait, HCORE_RETRY_MAX_S) : HCORE_RETRY_MIN_S;
	c->day_start_retry_at = c->port.wall_now(c->port.ctx) + c->day_start_retry_wait;
}

void
day_start_saved(hcore *c)
{
	c->day_start_unsaved = false;
	c->day_start_retry_wait = 0;
}

void
update_daily_pnl(hcore *c, double now)
{
	double		mid;

	if (!c->day_started || !core_quote_usable(c))
		return;
	mid = quote_mid(c);
	c->led.daily_pnl = pnl_equity(&c->led.book, lot_value(c, mid), option_value(c, mid, now)) - c->day_start_equity;
}

/* The position row (with a status row showing it), and a risk event and adjustment when given. */
static void
position_unit(hcore *c, hcore_unit *u, double ts, const char *rule, const char *details,
			  double lots_before)
{
	hcore_row  *r;

	unit_begin(u, rule ? "bifrost: reconcile position" : "bifrost: price reconciled position", true);
	if (rule)
	{
		r = unit_add(u, HROW_RISK_EVENT, ts);
		r->u.risk.level = "warn";
		r->u.risk.rule = rule;
		snprintf(r->u.risk.details, sizeof(r->u.risk.details), "%s", details);
		/* no trade explains the change: recorded, so the ledger check can tell it from drift */
		r = unit_add(u, HROW_ADJUSTMENT, ts);
		r->u.adjustment.before = lots_before;
		r->u.adjustment.after = c->led.book.position;
		r->u.adjustment.reason = rule;
	}
	r = unit_add(u, HROW_POSITION, ts);
	r->u.position.lots = c->led.book.position;
	r->u.position.avg_cost = c->led.book.avg_cost / c->set.units_per_lot;
	/* status_current shows the position the table now holds */
	unit_add_status(c, u, ts, NULL);
}

/*
 * Lots the broker holds that no fill of ours explains (reconcile_position)
 * are deemed bought or sold at the mark when we learn of them: that sets
 * their average cost, so a later fill that closes them realizes what moved
 * since, not their whole value.  What they gained or lost before is
 * unknowable and is not today's P&L: with adjust_equity (the day's start
 * equity was taken before they were in the book) the start moves by their
 * value, as for legs changed by hand.  Their cost and the moved start are
 * one unit: when it fails, memory keeps neither and they are priced again
 * at a later mark.
 */
void
price_unpriced_lots(hcore *c, double now, bool adjust_equity)
{
	double		mark;
	hedge_book	before;
	hcore_ledger m;
	double		start_before = c->day_start_equity;
	hcore_unit	u;
	hcore_row  *r;

	if (c->led.unpriced_lots == 0 || !core_quote_usable(c))
		return;
	mark = lot_value(c, quote_mid(c));
	m = c->led;
	before = c->led.book;
	before.position -= c->led.unpriced_lots;
	if (before.position == 0)
		before.avg_cost = 0;
	pnl_apply_fill(&before, c->led.unpriced_lots, mark);
	c->led.book.avg_cost = before.avg_cost;
	if (adjust_equity)
		c->day_start_equity += c->led.unpriced_lots * mark;
	c->led.unpriced_lots = 0;
	position_unit(c, &u, now, NULL, NULL, 0);
	if (adjust_equity)
	{
		r = unit_add(&u, HROW_DAY_START, now);
		r->u.day.date = c->trading_date;
		r->u.day.equity = c->day_start_equity;
	}
	if (!commit_or_restore(c, &u, &m))
		c->day_start_equity = start_before;
	else if (adjust_equity)
		day_start_saved(c);
}

/*
 * Rolls counters and P&L at the trading date.  The day's start equity is
 * the first mark of the day (or the stored one after a restart), so
 * daily_pnl = equity now - equity at the start.  False when the day's
 * record could not be read: the day is not begun without it (an empty
 * record would store the equity now as the day's start, over the stored
 * one, and count no order sent today), and it is read again at the next
 * quote.
 */
bool
roll_day(hcore *c, double now)
{
	int32_t		date;
	double		mid;
	hedge_day_rec day;
	char		error[512];

	if (!core_quote_usable(c))
		return true;
	date = c->port.trading_date(c->port.ctx, now);
	if (c->day_started && date == c->trading_date)
		return true;
	mid = quote_mid(c);
	memset(&day, 0, sizeof(day));
	error[0] = '\0';
	if (!c->port.load_day(c->port.ctx, date, mid, now, &day, error, sizeof(error)))
	{
		note_write_failure(c, error[0] ? error : "could not read the day's record");
		return false;
	}
	c->trading_date = date;
	c->day_started = true;
	c->breaker_recorded = false;
	c->led.daily_hedge_count = day.orders_sent;
	c->led.book.cash = lot_value(c, day.cash) - day.fees;
	if (day.found)
	{
		c->day_start_equity = day.start_equity;
		/* legs changed while no hedger ran: not P&L either */
		if (day.legs_changed)
		{
			c->day_start_equity += option_value(c, mid, now) - day.stored_legs_value;
			save_day_start(c, now);
		}
		/* the stored start did not hold the lots the broker added since */
		price_unpriced_lots(c, now, true);
	}
	else
	{
		/*
		 * The day starts now: its start is the equity at this mark (today's
		 * cash is that of today's fills, none normally).  The broker's lots
		 * not priced yet enter it with their cost, in one unit; until that
		 * commits, the start holds the rest and they are priced later.
		 */
		c->day_start_equity = pnl_equity(&c->led.book, lot_value(c, mid), option_value(c, mid, now)) -
			c->led.unpriced_lots * lot_value(c, mid);
		if (c->led.unpriced_lots != 0)
			price_unpriced_lots(c, now, true);
		else
			save_day_start(c, now);
	}
	return true;
}

/*
 * Legs expired at now settle at this quote's mid: the first usable quote at
 * or after their expiry (the first after it when the hedger was down then).
 * The rows commit first, then the legs take the settlement, fixed for good:
 * later quotes, a restart or a change of book.settlement value them the
 * same.  Until then, the mid stands in for it.
 */
void
settle_expired_legs(hcore *c, double now)
{
	hcore_unit	u;
	hcore_row  *r;

	if (!core_quote_usable(c) || !c->port.settlement_due(c->port.ctx, c->legs, c->n_legs, now))
		return;
	unit_begin(&u, "bifrost: settle expired legs", false);
	r = unit_add(&u, HROW_SETTLE, now);
	r->u.settle.price = quote_mid(c);
	r->u.settle.style = c->set.cfg.settlement;
	if (!unit_write(c, &u))
		return;
	hcore_settlements_changed(c);
}

/*
 * The broker's position is the hedge position: when ours differs (a fill
 * we never heard of, a trade by hand), the broker's wins, and the
 * difference is a risk event an operator will see.
 */
void
reconcile_position(hcore *c, double wall)
{
	double		lots;
	char		why[HEDGE_WHY_MAX];
	char		details[256];
	hcore_ledger m;
	hcore_unit	u;
	double		before;

	c->reconcile_after_orders = false;
	why[0] = '\0';
	if (!c->port.position(c->port.ctx, &lots, why, sizeof(why)))
	{
		/* asked again, later and later: a fill we never heard of must still be found */
		c->reconcile_wait = c->reconcile_wait > 0 ?
			HCORE_MIN(2 * c->reconcile_wait, HCORE_RECONCILE_WAIT_MAX_S) : HCORE_RECONCILE_WAIT_MIN_S;
		c->reconcile_at = wall + c->reconcile_wait;
		c->reconcile_after_orders = true;
		core_log(c, HCORE_WARNING, "could not read the %s position of %s: %s (asking again in %.0f s)",
				 c->port.broker_name, c->set.symbol, why, c->reconcile_wait);
		return;
	}
	c->reconcile_wait = 0;
	if (fabs(lots - c->led.book.position) < 1e-9)
		return;
	snprintf(details, sizeof(details),
			 "%s reports %g lots of %s, the hedger's book %g: the broker's position is taken",
			 c->port.broker_name, lots, c->set.symbol, c->led.book.position);
	core_log(c, HCORE_LOG, "%s", details);
	m = c->led;
	before = c->led.book.position;
	c->led.unpriced_lots += lots - c->led.book.position;
	c->led.book.position = lots;
	position_unit(c, &u, wall, "position_mismatch", details, before);
	if (!commit_or_restore(c, &u, &m))
	{
		/* the book stays as its rows are: compare again later */
		c->reconcile_wait = HCORE_RECONCILE_WAIT_MIN_S;
		c->reconcile_at = wall + c->reconcile_wait;
		c->reconcile_after_orders = true;
		return;
	}
	/* before the day has started, roll_day prices them with its first mark */
	if (c->day_started)
	{
		price_unpriced_lots(c, wall, true);
		update_daily_pnl(c, c->now);
	}
}
