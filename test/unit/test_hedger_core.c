/*
 * test_hedger_core.c: the hedging loop without a cluster.  A fake port
 * keeps the rows in memory (orders, trades, the position, status and day
 * rows) and can refuse a unit or answer as a broker; the checks follow the
 * money through quotes, fills, rejects, a failed write, a restart from the
 * rows, a new day, an expiry and a flatten.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "hedger_core.h"
#include "settlement.h"
#include "unit.h"

#define T0 1767366000.0			/* 2026-01-02 15:00 UTC, a Friday */
#define MAX_ORDERS 256

/* ---- the fake port's tables ---- */

typedef struct fake_order
{
	hedge_order_rec rec;
	char		status[24];
	int64_t		filled;
	char		reason[HEDGE_NOTE_MAX];
	bool		broker_filled;	/* the fake broker has filled it (once) */
} fake_order;

typedef struct fake
{
	double		wall;
	fake_order	orders[MAX_ORDERS];
	int			n_orders;
	int			intents;
	double		trades_signed;	/* sum of signed lots traded */
	int			n_trades;
	double		position;		/* the position row */
	double		avg_cost;
	int			status_rows;
	int			history_rows;
	int			blocked_rows;
	int			risk_events;
	char		last_risk_rule[64];
	int			day_rows;
	int32_t		day_date;
	double		day_equity;
	int			settle_rows;
	double		settle_price;
	char		command_result[256];
	int64_t		command_id;
	hedger_figures last_figures;

	/* failure injection: refuse the next n units that hold a row of this kind */
	int			fail_kind;
	int			fail_count;
	int			units_refused;
	int			check_violations;	/* rows the tables' constraints refuse */

	/* the broker (live) */
	broker_send_result send_answer;
	broker_order_state query_state;
	int64_t		cancel_filled;	/* lots a CANCELED order filled before it ended */
	double		fill_price;
	bool		fill_price_fixed;	/* fill_price stays: quotes do not move it */
	int			sends;
	char		sent_coids[MAX_ORDERS][HEDGE_CLIENT_ORDER_ID_MAX];
	int			queries;
	double		broker_position;

	/* the day */
	int32_t		date_offset;	/* added to the calendar date: a new day */
	hedge_day_rec stored_day;	/* load_day's answer */
	int			load_day_fail;	/* refuse the next n reads of the day */

	/* times the core handed the port that no clock can show (NaN, infinite) */
	int			bad_now;
} fake;

static fake F;

static fake_order *
find_order(const char *coid)
{
	for (int i = 0; i < F.n_orders; i++)
		if (strcmp(F.orders[i].rec.client_order_id, coid) == 0)
			return &F.orders[i];
	return NULL;
}

static bool
fake_write(void *ctx, hcore_unit *u, char *error, size_t errlen)
{
	(void) ctx;
	if (F.fail_count > 0)
		for (int i = 0; i < u->n_rows; i++)
			if ((int) u->rows[i].kind == F.fail_kind)
			{
				F.fail_count--;
				F.units_refused++;
				snprintf(error, errlen, "%s: injected failure", u->activity);
				return false;
			}
	/* bifrost.trades: CHECK (price > 0 AND price < 'Infinity'), CHECK (amount > 0 ...) */
	for (int i = 0; i < u->n_rows; i++)
		if (u->rows[i].kind == HROW_FILL &&
			!(isfinite(u->rows[i].u.fill.rec.price) && u->rows[i].u.fill.rec.price > 0 &&
			  u->rows[i].u.fill.rec.filled_qty > 0))
		{
			F.units_refused++;
			F.check_violations++;
			snprintf(error, errlen, "%s: new row for relation \"trades\" violates check constraint", u->activity);
			return false;
		}
	for (int i = 0; i < u->n_rows; i++)
	{
		hcore_row  *r = &u->rows[i];
		fake_order *o;

		switch (r->kind)
		{
			case HROW_STATUS:
				F.status_rows++;
				F.last_figures = r->u.status.figures;
				if (r->u.status.history_reason)
					F.history_rows++;
				break;
			case HROW_BLOCKED:
				F.blocked_rows += r->u.blocked.n;
				break;
			case HROW_RISK_EVENT:
				F.risk_events++;
				snprintf(F.last_risk_rule, sizeof(F.last_risk_rule), "%s", r->u.risk.rule);
				break;
			case HROW_DAY_START:
				F.day_rows++;
				F.day_date = r->u.day.date;
				F.day_equity = r->u.day.equity;
				break;
			case HROW_POSITION:
				F.position = r->u.position.lots;
				F.avg_cost = r->u.position.avg_cost;
				break;
			case HROW_ADJUSTMENT:
				break;
			case HROW_SETTLE:
				F.settle_rows++;
				F.settle_price = r->u.settle.price;
				break;
			case HROW_INTENT:
				o = &F.orders[F.n_orders++];
				memset(o, 0, sizeof(*o));
				o->rec.order_id = F.n_orders;
				snprintf(o->rec.client_order_id, sizeof(o->rec.client_order_id), "bf%dt1i%d",
						 20260102, F.n_orders);
				o->rec.side = r->u.intent.side;
				o->rec.qty = r->u.intent.qty;
				o->rec.placed_at = r->ts;
				o->rec.decision_mid = r->u.intent.mid;
				snprintf(o->rec.status, sizeof(o->rec.status), "CREATED");
				snprintf(o->status, sizeof(o->status), "CREATED");
				u->intent_order = o->rec;
				F.intents++;
				break;
			case HROW_ORDER_SENT:
			case HROW_ORDER_UNKNOWN:
			case HROW_ORDER_REJECTED:
			case HROW_ORDER_CANCELLED:
				o = find_order(r->u.order.order.client_order_id);
				if (o == NULL)
					break;
				snprintf(o->status, sizeof(o->status), "%s",
						 r->kind == HROW_ORDER_SENT ? "NEW" : r->kind == HROW_ORDER_UNKNOWN ? "UNKNOWN" :
						 r->kind == HROW_ORDER_REJECTED ? "REJECTED" : "CANCELED");
				snprintf(o->reason, sizeof(o->reason), "%s", r->u.order.reason ? r->u.order.reason : "");
				break;
			case HROW_FILL:
				o = find_order(r->u.fill.order.client_order_id);
				if (o == NULL)
					break;
				o->filled += r->u.fill.rec.filled_qty;
				snprintf(o->status, sizeof(o->status), "FILLED");
				F.trades_signed += (o->rec.side == HEDGE_BUY ? 1 : -1) * (double) r->u.fill.rec.filled_qty;
				F.n_trades++;
				F.position = r->u.fill.rec.position_after;
				F.avg_cost = r->u.fill.rec.avg_cost_after;
				break;
			case HROW_COMMAND_RESULT:
				F.command_id = r->u.command.command;
				snprintf(F.command_result, sizeof(F.command_result), "%s", r->u.command.result);
				break;
		}
	}
	return true;
}

static void
fake_clock(void *ctx, double now, engine_clock *out)
{
	(void) ctx;
	/* the worker's clock raises an ERROR for such a time, outside any transaction */
	if (!isfinite(now))
	{
		F.bad_now++;
		now = T0;
	}
	calendar_ny_clock(now, out);
}

static int32_t
fake_trading_date(void *ctx, double now)
{
	(void) ctx;
	if (!isfinite(now))
	{
		F.bad_now++;
		now = T0;
	}
	return (int32_t) floor((now - 5 * 3600.0) / 86400.0) + F.date_offset;
}

static bool
fake_load_day(void *ctx, int32_t date, double mid, double now, hedge_day_rec *out, char *error, size_t errlen)
{
	(void) ctx;
	(void) date;
	(void) mid;
	(void) now;
	if (F.load_day_fail > 0)
	{
		F.load_day_fail--;
		snprintf(error, errlen, "bifrost: load day: injected failure");
		return false;
	}
	*out = F.stored_day;
	return true;
}

static bool
fake_settlement_due(void *ctx, const engine_leg *legs, int n, double now)
{
	(void) ctx;
	for (int i = 0; i < n; i++)
		if (legs[i].expiry <= now && !settlement_fixed(&legs[i]))
			return true;
	return false;
}

static void
fake_apply_settlements(void *ctx, engine_leg *legs, int n)
{
	(void) ctx;
	for (int i = 0; i < n; i++)
		if (F.settle_rows > 0 && legs[i].expiry <= F.wall && !settlement_fixed(&legs[i]))
		{
			legs[i].settlement_price = F.settle_price;
			legs[i].settlement = SETTLEMENT_PHYSICAL;
		}
}

static double
fake_quote_as_of(void *ctx, double quote_ts, double now)
{
	(void) ctx;
	(void) now;
	return quote_ts;
}

static double
fake_wall_now(void *ctx)
{
	(void) ctx;
	return F.wall;
}

static broker_send_result
fake_send(void *ctx, hedge_side side, int64_t qty, const char *coid, broker_order_report *out)
{
	(void) ctx;
	(void) side;
	(void) qty;
	snprintf(F.sent_coids[F.sends % MAX_ORDERS], sizeof(F.sent_coids[0]), "%s", coid);
	F.sends++;
	out->left_at = F.wall;
	if (F.send_answer == BROKER_SEND_REJECTED)
		snprintf(out->reason, sizeof(out->reason), "51008: insufficient margin");
	return F.send_answer;
}

static void
fake_query(void *ctx, const char *coid, broker_order_report *out)
{
	fake_order *o = find_order(coid);

	(void) ctx;
	F.queries++;
	out->state = F.query_state;
	if (F.query_state == BROKER_ORDER_FILLED && o)
	{
		out->filled_qty = o->rec.qty;
		out->avg_price = F.fill_price;
		out->fee = 0;
		out->ts = F.wall;
		if (!o->broker_filled)
			F.broker_position += (o->rec.side == HEDGE_BUY ? 1 : -1) * (double) o->rec.qty;
		o->broker_filled = true;
	}
	if (F.query_state == BROKER_ORDER_CANCELED && o && F.cancel_filled > 0)
	{
		out->filled_qty = F.cancel_filled;
		out->avg_price = F.fill_price;
		out->fee = 0;
		out->ts = F.wall;
		if (!o->broker_filled)
			F.broker_position += (o->rec.side == HEDGE_BUY ? 1 : -1) * (double) F.cancel_filled;
		o->broker_filled = true;
	}
}

static bool
fake_position(void *ctx, double *lots, char *why, size_t whylen)
{
	(void) ctx;
	(void) why;
	(void) whylen;
	*lots = F.broker_position;
	return true;
}

static hcore_port
fake_port(void)
{
	hcore_port p;

	memset(&p, 0, sizeof(p));
	p.write = fake_write;
	p.clock = fake_clock;
	p.trading_date = fake_trading_date;
	p.load_day = fake_load_day;
	p.settlement_due = fake_settlement_due;
	p.apply_settlements = fake_apply_settlements;
	p.quote_as_of = fake_quote_as_of;
	p.wall_now = fake_wall_now;
	p.send = fake_send;
	p.query = fake_query;
	p.position = fake_position;
	p.broker_name = "okx";
	return p;
}

/* ---- the book ---- */

static engine_leg legs[4];
static engine_leg legs_in_lots[4];
static hcore core;

static hcore_settings
settings(bool live)
{
	hcore_settings s;

	memset(&s, 0, sizeof(s));
	s.symbol = "NVDA";
	engine_config_defaults(&s.cfg);
	s.cfg.trading_hours_only = false;
	s.cfg.cooldown_seconds = 0;
	s.cfg.min_price_move_pct = 0;
	s.cfg.max_hedge_shares_per_order = 100000;
	s.cfg.settlement = SETTLEMENT_PHYSICAL;
	s.paper.latency_ms = 50;
	s.paper.slippage_bps = 0;
	s.paper.seed = 42;
	s.live = live;
	s.units_per_lot = 1;
	s.not_found_grace_s = 10;
	return s;
}

/* Short 10 calls at 100, 30 days out: about -500 shares of delta at the money. */
static void
start(bool live, const hcore_loaded *loaded)
{
	hcore_settings s = settings(live);
	hcore_port	p = fake_port();
	hcore_loaded none;

	memset(&legs, 0, sizeof(legs));
	legs[0].right = BS_CALL;
	legs[0].strike = 100;
	legs[0].expiry = T0 + 30 * 86400.0;
	legs[0].quantity = -10;
	legs[0].multiplier = 100;
	legs[0].implied_vol = 0.3;
	memset(&none, 0, sizeof(none));
	hcore_init(&core, &s, &p, F.wall);
	hcore_set_legs(&core, legs, legs_in_lots, 1, false);
	hcore_start(&core, loaded ? loaded : &none, F.wall);
}

/* A quote at the wall clock, then the round after it (the fake broker fills at its mid). */
static void
quote(double mid)
{
	if (!F.fill_price_fixed)
		F.fill_price = mid;
	hcore_quote(&core, F.wall, mid - 0.01, mid + 0.01, F.wall, false, true);
	hcore_round(&core, F.wall, false, true);
}

/* Quotes a second apart until an order goes out (the machine arms first): false when none did. */
static bool
until_order(double mid)
{
	int			before = F.intents;

	for (int i = 0; i < 10 && F.intents == before; i++)
	{
		F.wall += 1;
		quote(mid);
	}
	return F.intents > before;
}

static void
reset_fake(void)
{
	memset(&F, 0, sizeof(F));
	F.wall = T0;
	F.fail_kind = -1;
}

/* The rows agree with each other and with the core. */
static void
check_ledger(const char *where)
{
	int			ok = 1;

	ok &= CHECK_NEAR_ABS(F.position, F.trades_signed, 1e-9);
	ok &= CHECK_NEAR_ABS(core.led.book.position, F.position, 1e-9);
	ok &= CHECK(F.intents == F.n_orders);
	for (int i = 0; i < F.n_orders; i++)
		ok &= CHECK(F.orders[i].filled <= F.orders[i].rec.qty);
	if (!ok)
		unit_note("%s", where);
}

/* ---- scenarios ---- */

/* A paper day: the first quote starts the machine, the next hedges, the fill follows the latency. */
static void
test_paper_day(void)
{
	reset_fake();
	start(false, NULL);
	quote(100);
	CHECK(core.bootstrapped);
	CHECK(F.intents == 0);
	CHECK(F.day_rows == 1);
	CHECK(until_order(100));
	CHECK(F.intents == 1);
	CHECK(F.orders[0].rec.side == HEDGE_BUY);
	CHECK(strcmp(F.orders[0].status, "NEW") == 0);
	CHECK(core.led.daily_hedge_count == 1);
	CHECK(core.led.n_pending == 1);
	/* in flight: no second order */
	quote(100);
	CHECK(F.intents == 1);
	F.wall += 1;
	quote(100);
	CHECK(strcmp(F.orders[0].status, "FILLED") == 0);
	CHECK(core.led.n_pending == 0);
	CHECK(core.led.book.position > 400 && core.led.book.position < 600);
	check_ledger("paper day, after the fill");
	/* hedged: further quotes at the same price send nothing */
	for (int i = 0; i < 20; i++)
	{
		F.wall += 1;
		quote(100);
	}
	CHECK(F.intents == 1);
	/* the price rises: short calls get shorter delta; buy more */
	CHECK(until_order(110));
	CHECK(F.intents == 2);
	CHECK(F.orders[1].rec.side == HEDGE_BUY);
	check_ledger("paper day, after the second hedge");
	CHECK(strcmp(F.last_figures.trading_mode, "paper") == 0);
}

/* A fill whose unit fails leaves memory as the rows are, and is written later, once. */
static void
test_failed_fill(void)
{
	double		before;

	reset_fake();
	start(false, NULL);
	quote(100);
	CHECK(until_order(100));
	before = core.led.book.position;
	F.fail_kind = HROW_FILL;
	F.fail_count = 3;
	F.wall += 1;
	quote(100);
	CHECK(F.units_refused >= 1);
	CHECK_NEAR_ABS(core.led.book.position, before, 0);
	CHECK(core.led.n_pending == 1);
	CHECK(core.led.pending[0].fill_known);
	CHECK(hcore_round_failed(&core, NULL, 0));
	/* later, once the writes succeed: the same fill, once */
	for (int i = 0; i < 200 && core.led.n_pending > 0; i++)
	{
		F.wall += 1;
		quote(100);
	}
	CHECK(core.led.n_pending == 0);
	CHECK(F.n_trades == 1);
	CHECK(F.intents == 1);
	check_ledger("after a failed fill");
}

/* An intent that does not commit sends nothing; the next quote decides again. */
static void
test_failed_intent(void)
{
	reset_fake();
	F.send_answer = BROKER_SEND_ACCEPTED;
	F.query_state = BROKER_ORDER_OPEN;
	start(true, NULL);
	F.fail_kind = HROW_INTENT;
	F.fail_count = 1;
	quote(100);
	for (int i = 0; i < 10 && F.units_refused == 0; i++)
	{
		F.wall += 1;
		quote(100);
	}
	CHECK(F.units_refused == 1);
	CHECK(F.sends == 0);
	CHECK(core.led.n_pending == 0);
	CHECK(core.led.daily_hedge_count == 0);
	CHECK(until_order(100));
	CHECK(F.sends == 1);
	CHECK(strcmp(F.orders[0].status, "NEW") == 0);
	CHECK(core.led.daily_hedge_count == 1);

	/* the answer's row fails: the order is at the broker whatever the row says; kept, written later */
	reset_fake();
	F.send_answer = BROKER_SEND_ACCEPTED;
	F.query_state = BROKER_ORDER_OPEN;
	start(true, NULL);
	F.fail_kind = HROW_ORDER_SENT;
	F.fail_count = 1;
	quote(100);
	CHECK(until_order(100));
	CHECK(F.sends == 1);
	CHECK(strcmp(F.orders[0].status, "CREATED") == 0);
	CHECK(core.led.n_pending == 1);
	CHECK(core.led.pending[0].row_due == HCORE_ROW_SENT);
	CHECK(core.led.daily_hedge_count == 0);
	for (int i = 0; i < 5; i++)
	{
		F.wall += 1;
		quote(100);
	}
	CHECK(strcmp(F.orders[0].status, "NEW") == 0);
	CHECK(core.led.daily_hedge_count == 1);
	CHECK(F.sends == 1);
}

/* Rejects count in the day and back off: not one order per quote. */
static void
test_rejects(void)
{
	hcore_settings s;

	reset_fake();
	start(false, NULL);
	s = settings(false);
	core.set.paper.reject_rate = 1;
	(void) s;
	quote(100);
	for (int i = 0; i < 60; i++)
	{
		F.wall += 0.2;
		quote(100);
	}
	/* 12 s of quotes: back-off 2, 4, 8 s: at most 4 orders */
	CHECK(F.intents >= 2 && F.intents <= 4);
	CHECK(core.led.daily_hedge_count == F.intents);
	CHECK(core.led.reject_streak == F.intents);
	for (int i = 0; i < F.n_orders; i++)
		CHECK(strcmp(F.orders[i].status, "REJECTED") == 0);
	CHECK(core.led.book.position == 0);
	check_ledger("after rejects");
}

/* A restart from the rows: an order sent before the crash fills once, at the next quote. */
static void
test_restart(void)
{
	hcore_loaded loaded;
	int			intents;

	reset_fake();
	start(false, NULL);
	quote(100);
	CHECK(until_order(100));
	CHECK(core.led.n_pending == 1);
	/* the crash: the core is gone, the rows stay */
	memset(&loaded, 0, sizeof(loaded));
	loaded.position = F.position;
	loaded.open[0] = F.orders[0].rec;
	snprintf(loaded.open[0].status, sizeof(loaded.open[0].status), "%s", F.orders[0].status);
	loaded.n_open = 1;
	loaded.have_last_sent = true;
	loaded.last_sent_ts = F.orders[0].rec.placed_at;
	intents = F.intents;
	F.stored_day.found = true;
	F.stored_day.start_equity = F.day_equity;
	F.stored_day.orders_sent = 1;
	F.wall += 5;
	start(false, &loaded);
	CHECK(core.led.n_pending == 1);
	quote(100);
	CHECK(core.led.n_pending == 0);
	CHECK(F.n_trades == 1);
	CHECK(F.intents == intents);
	CHECK(core.led.daily_hedge_count == 1);
	check_ledger("after a restart");

	/* a CREATED order at a restart never left: cancelled, not filled */
	reset_fake();
	start(false, NULL);
	quote(100);
	memset(&loaded, 0, sizeof(loaded));
	F.n_orders = 1;
	F.intents = 1;
	F.orders[0].rec.order_id = 1;
	snprintf(F.orders[0].rec.client_order_id, sizeof(F.orders[0].rec.client_order_id), "bfx1");
	F.orders[0].rec.qty = 100;
	F.orders[0].rec.side = HEDGE_BUY;
	snprintf(F.orders[0].rec.status, sizeof(F.orders[0].rec.status), "CREATED");
	loaded.open[0] = F.orders[0].rec;
	loaded.n_open = 1;
	start(false, &loaded);
	CHECK(core.led.n_pending == 0);
	CHECK(strcmp(F.orders[0].status, "CANCELED") == 0);
	CHECK(strcmp(F.orders[0].reason, "not_sent_before_restart") == 0);
}

/* A new day: the count starts over from the day's rows, the start equity is the first mark. */
static void
test_day_roll(void)
{
	reset_fake();
	start(false, NULL);
	quote(100);
	CHECK(until_order(100));
	F.wall += 1;
	quote(100);
	CHECK(core.led.daily_hedge_count == 1);
	F.date_offset = 1;
	memset(&F.stored_day, 0, sizeof(F.stored_day));
	F.wall += 1;
	quote(100);
	CHECK(core.led.daily_hedge_count == 0);
	CHECK(F.day_rows == 2);
	CHECK(F.day_date == core.trading_date);
	CHECK_NEAR_ABS(core.led.daily_pnl, 0, 1e-6);
}

/* An expiry in the money: the leg settles once, and the day's P&L does not jump. */
static void
test_expiry(void)
{
	double		pnl_before;

	reset_fake();
	start(false, NULL);
	legs[0].expiry = T0 + 600;
	hcore_set_legs(&core, legs, legs_in_lots, 1, false);
	quote(120);
	for (int i = 0; i < 5; i++)
	{
		F.wall += 60;
		quote(120);
	}
	check_ledger("before the expiry");
	F.wall = T0 + 590;
	quote(120);
	pnl_before = core.led.daily_pnl;
	F.wall = T0 + 601;
	quote(120);
	CHECK(F.settle_rows == 1);
	CHECK_NEAR_ABS(legs[0].settlement_price, 120, 1e-9);
	/* short 10 calls 20 in the money, delivered: -20,000 either way, no jump */
	CHECK_NEAR_ABS(core.led.daily_pnl, pnl_before, 50);
	F.wall += 60;
	quote(120);
	CHECK(F.settle_rows == 1);
	CHECK(!core.set.cfg.strategy_enabled || core.led.state != TS_SAFE);
}

/* Live: an answer lost, the order asked about and found filled: one order, one fill. */
static void
test_live_unknown(void)
{
	reset_fake();
	F.send_answer = BROKER_SEND_UNKNOWN;
	F.query_state = BROKER_ORDER_UNKNOWN;
	start(true, NULL);
	quote(100);
	CHECK(until_order(100));
	CHECK(F.sends == 1);
	CHECK(strcmp(F.orders[0].status, "UNKNOWN") == 0);
	for (int i = 0; i < 10; i++)
	{
		F.wall += 1;
		quote(100);
	}
	CHECK(F.sends == 1);
	CHECK(F.queries >= 1);
	F.query_state = BROKER_ORDER_FILLED;
	F.fill_price = 100.01;
	F.wall += 10;
	quote(100);
	CHECK(strcmp(F.orders[0].status, "FILLED") == 0);
	CHECK(F.sends == 1);
	CHECK(F.n_trades == 1);
	CHECK(strcmp(F.last_figures.trading_mode, "live") == 0);
	check_ledger("live, found filled");

	/* never found: rejected once the grace has passed, and backed off */
	reset_fake();
	F.send_answer = BROKER_SEND_UNKNOWN;
	F.query_state = BROKER_ORDER_NOT_FOUND;
	start(true, NULL);
	quote(100);
	CHECK(until_order(100));
	F.wall += 5;
	quote(100);
	CHECK(strcmp(F.orders[0].status, "UNKNOWN") == 0);
	F.wall += 10;
	quote(100);
	CHECK(strcmp(F.orders[0].status, "REJECTED") == 0);
	CHECK(strncmp(F.orders[0].reason, "never reached okx", 17) == 0);
	CHECK(F.sends == 1);
	CHECK(core.led.reject_streak == 1);
}

/* A flatten: the order that takes the position to zero, then the command's result. */
static void
test_flatten(void)
{
	const char *r;

	reset_fake();
	start(false, NULL);
	quote(100);
	CHECK(until_order(100));
	F.wall += 1;
	quote(100);
	CHECK(core.led.book.position > 0);
	r = hcore_flatten(&core, 7, F.wall, true);
	CHECK(strncmp(r, "flattening:", 11) == 0);
	CHECK(F.intents == 2);
	CHECK(F.orders[1].rec.side == HEDGE_SELL);
	F.wall += 1;
	hcore_quote(&core, F.wall, 99.99, 100.01, F.wall, true, true);
	hcore_round(&core, F.wall, true, true);
	CHECK_NEAR_ABS(core.led.book.position, 0, 0);
	CHECK(F.command_id == 7);
	CHECK(strncmp(F.command_result, "flattened:", 10) == 0);
	check_ledger("after a flatten");
	r = hcore_flatten(&core, 8, F.wall, true);
	CHECK(strcmp(r, "flat: the hedge position is already zero") == 0);
	CHECK(hcore_flatten_lots(2.9999999) == 3 && hcore_flatten_lots(2.99) == 2 && hcore_flatten_lots(-3.0000000001) == 3);
}

/* A flatten whose intent does not commit says so, sends nothing, and goes on at the next round. */
static void
test_flatten_intent_fails(void)
{
	const char *r;

	reset_fake();
	start(false, NULL);
	quote(100);
	CHECK(until_order(100));
	F.wall += 1;
	quote(100);
	CHECK(core.led.book.position > 0);
	F.fail_kind = HROW_INTENT;
	F.fail_count = 1;
	r = hcore_flatten(&core, 9, F.wall, true);
	CHECK(strncmp(r, "flattening:", 11) == 0);
	CHECK(strstr(r, "order sent") == NULL);
	CHECK(F.intents == 1);
	CHECK(core.flatten_command == 9);
	F.wall += 1;
	hcore_quote(&core, F.wall, 99.99, 100.01, F.wall, true, true);
	hcore_round(&core, F.wall, true, true);
	F.wall += 1;
	hcore_quote(&core, F.wall, 99.99, 100.01, F.wall, true, true);
	hcore_round(&core, F.wall, true, true);
	CHECK(F.intents == 2);
	CHECK_NEAR_ABS(core.led.book.position, 0, 0);
	CHECK(strncmp(F.command_result, "flattened:", 10) == 0);
}

/*
 * A quote outside the prices the engine can value (above 1e12, below
 * 1e-12) is no mark: it neither fixes a settlement for good nor values the
 * day, as the engine already takes it for no quote.
 */
static void
test_quote_out_of_range(void)
{
	reset_fake();
	start(false, NULL);
	legs[0].expiry = T0 + 600;
	hcore_set_legs(&core, legs, legs_in_lots, 1, false);
	quote(120);
	F.wall = T0 + 601;
	hcore_quote(&core, F.wall, 1e13, 2e13, F.wall, false, true);
	hcore_round(&core, F.wall, false, true);
	CHECK(F.settle_rows == 0);
	CHECK(!isnan(core.led.daily_pnl) && fabs(core.led.daily_pnl) < 1e9);
	hcore_quote(&core, F.wall, 5e-13, 6e-13, F.wall, false, true);
	CHECK(F.settle_rows == 0);
	CHECK(!hcore_quote_usable(1e13, 2e13) && !hcore_quote_usable(5e-13, 1) && hcore_quote_usable(1e-12, 1e12));
	F.wall += 1;
	quote(120);
	CHECK(F.settle_rows == 1);
	CHECK_NEAR_ABS(F.settle_price, 120, 1e-9);
}

/*
 * A broker that says FILLED (or CANCELED after a partial fill) without a
 * usable average price (none yet, 0, a negative or an infinite one): no
 * fill is recorded at that price, and none is written off either.  A NaN
 * in the cash makes the day's P&L NaN, and with it every later decision; a
 * price of 0 is a fake profit or loss of the whole position; the tables
 * refuse such a trade, which would read as a failed write; and a partial
 * fill recorded as "cancelled, nothing filled" loses lots the broker
 * holds.  The order stays in flight, is asked again, and fills once at the
 * price the broker gives later.
 */
static void
test_fill_without_price(void)
{
	const double bad[] = {NAN, 0, -100, INFINITY};

	for (int cancelled = 0; cancelled <= 1; cancelled++)
		for (size_t b = 0; b < sizeof(bad) / sizeof(bad[0]); b++)
		{
			reset_fake();
			F.send_answer = BROKER_SEND_ACCEPTED;
			F.query_state = BROKER_ORDER_OPEN;
			start(true, NULL);
			quote(100);
			CHECK(until_order(100));
			(void) hcore_round_failed(&core, NULL, 0);
			F.query_state = cancelled ? BROKER_ORDER_CANCELED : BROKER_ORDER_FILLED;
			F.cancel_filled = cancelled ? F.orders[0].rec.qty / 2 : 0;
			F.fill_price_fixed = true;
			F.fill_price = bad[b];
			for (int i = 0; i < 5; i++)
			{
				F.wall += 1;
				quote(100);
			}
			if (!(CHECK(F.n_trades == 0) & CHECK(core.led.n_pending == 1) &
				  CHECK(strcmp(F.orders[0].status, "NEW") == 0) & CHECK(isfinite(core.led.daily_pnl)) &
				  CHECK(isfinite(core.led.book.cash)) & CHECK(F.check_violations == 0) &
				  CHECK(!hcore_round_failed(&core, NULL, 0)) & CHECK(F.intents == 1)))
				unit_note("%s reported at price %g: trades %d, pending %d, order %s, daily P&L %g, "
						  "rows refused %d", cancelled ? "a partial fill then cancel" : "a fill", bad[b],
						  F.n_trades, core.led.n_pending, F.orders[0].status, core.led.daily_pnl,
						  F.check_violations);
			/* the price arrives: one fill at it */
			F.fill_price = 100.02;
			for (int i = 0; i < 10 && core.led.n_pending > 0; i++)
			{
				F.wall += 1;
				quote(100);
			}
			CHECK(F.n_trades == 1);
			CHECK(core.led.n_pending == 0);
			CHECK(isfinite(core.led.daily_pnl));
			CHECK(F.sends == 1);
			CHECK_NEAR_ABS(F.position, F.broker_position, 1e-9);
			check_ledger("a fill reported without a usable price, then with one");
		}
}

/*
 * The day's record cannot be read at the first quote after a restart (a
 * lock held on one of its tables, say): the day is not started anew from
 * that quote.  That would store the equity now as the day's start (the day's
 * loss gone, the breaker let go) and count no order sent today (the daily
 * limit let go), and decide with both.  The day is read again at the next
 * quote, and nothing is decided before it has been.
 */
static void
test_day_unreadable(void)
{
	double		start_equity;

	reset_fake();
	start(false, NULL);
	/* today so far: the limit of orders reached, and a loss of 30,000 */
	quote(100);
	start_equity = core.day_start_equity + 30000;
	F.stored_day.found = true;
	F.stored_day.start_equity = start_equity;
	F.stored_day.orders_sent = core.set.cfg.max_daily_hedge_count;
	memset(&F.orders, 0, sizeof(F.orders));
	F.n_orders = F.intents = F.day_rows = 0;

	/* the restart; the first read of the day fails */
	F.wall += 60;
	start(false, NULL);
	F.load_day_fail = 1;
	quote(100);
	for (int i = 0; i < 20; i++)
	{
		F.wall += 1;
		quote(100);
	}
	if (!(CHECK(F.load_day_fail == 0) & CHECK(F.intents == 0) & CHECK(F.day_rows == 0) &
		  CHECK_NEAR_ABS(core.day_start_equity, start_equity, 1e-6) &
		  CHECK(core.led.daily_hedge_count == core.set.cfg.max_daily_hedge_count)))
		unit_note("the day unreadable at the first quote: %d intent(s), %d start(s) stored (%.2f, was %.2f), "
				  "count %d", F.intents, F.day_rows, F.day_equity, start_equity, core.led.daily_hedge_count);
	CHECK(core.led.daily_pnl < -29000);
}

/*
 * A quote whose time no clock can show (a recorded tick at -infinity or
 * infinity, which bifrost.ticks accepts): the worker's day and New York
 * clock raise an ERROR for such a time, outside any transaction, which
 * kills the worker, and its restart takes the same tick again.  The core
 * leaves such a quote out and hands the port no such time.
 */
static void
test_quote_time_not_finite(void)
{
	const double bad[] = {-INFINITY, INFINITY, NAN};

	for (size_t b = 0; b < sizeof(bad) / sizeof(bad[0]); b++)
	{
		double		now_before;

		reset_fake();
		start(false, NULL);
		quote(100);
		CHECK(until_order(100));
		F.wall += 1;
		quote(100);
		now_before = core.now;
		hcore_quote(&core, bad[b], 99.99, 100.01, F.wall, false, true);
		hcore_round(&core, F.wall, false, true);
		if (!(CHECK(F.bad_now == 0) & CHECK(isfinite(core.now)) & CHECK(isfinite(core.quote_ts))))
			unit_note("a quote at %g: %d time(s) the port could not show, now %g (was %g)", bad[b],
					  F.bad_now, core.now, now_before);
		/* the quotes after it are taken as ever */
		F.wall += 1;
		quote(100);
		CHECK(F.bad_now == 0);
		CHECK_NEAR_ABS(core.quote_ts, F.wall, 0);
		check_ledger("after a quote whose time is not finite");
	}
}

/*
 * The wall clock steps back an hour (NTP, date -s) with the sim feed, whose
 * quotes carry the wall clock: the hedger's due times on that clock, each
 * within its cap, are due at once (README, Runtime model, Clocks).  A
 * paper fill waiting out a failed write, and the back-off after a reject,
 * must not hold the book unhedged for the hour of the step.
 */
static void
test_clock_step_back(void)
{
	int			intents;

	/* a fill whose row failed, then the step */
	reset_fake();
	start(false, NULL);
	quote(100);
	CHECK(until_order(100));
	F.fail_kind = HROW_FILL;
	F.fail_count = 1;
	F.wall += 1;
	quote(100);
	CHECK(F.units_refused == 1);
	CHECK(core.led.n_pending == 1);
	F.wall -= 3600;
	for (int i = 0; i < 120 && core.led.n_pending > 0; i++)
	{
		F.wall += 1;
		quote(100);
	}
	if (!(CHECK(core.led.n_pending == 0) & CHECK(F.n_trades == 1)))
		unit_note("a failed fill, then the clock 1 h back: after 120 s of quotes %d order(s) in flight, "
				  "%d trade(s)", core.led.n_pending, F.n_trades);
	check_ledger("a failed fill, then the clock stepped back");

	/* a reject's back-off, then the step */
	reset_fake();
	start(false, NULL);
	core.set.paper.reject_rate = 1;
	quote(100);
	CHECK(until_order(100));
	CHECK(core.led.reject_streak == 1);
	core.set.paper.reject_rate = 0;
	intents = F.intents;
	F.wall -= 3600;
	for (int i = 0; i < 120 && F.intents == intents; i++)
	{
		F.wall += 1;
		quote(100);
	}
	if (!CHECK(F.intents == intents + 1))
		unit_note("a reject, then the clock 1 h back: no order in 120 s of quotes (back-off until %.0f s "
				  "ahead)", core.led.reject_backoff_until - F.wall);

	/* the cooldown after a hedge (60 s), then the step: the next hedge within its cooldown */
	reset_fake();
	start(false, NULL);
	core.set.cfg.cooldown_seconds = 60;
	quote(100);
	CHECK(until_order(100));
	F.wall += 1;
	quote(100);
	CHECK(F.n_trades == 1);
	intents = F.intents;
	F.wall -= 3600;
	for (int i = 0; i < 180 && F.intents == intents; i++)
	{
		F.wall += 1;
		quote(103);
	}
	if (!CHECK(F.intents == intents + 1))
		unit_note("a hedge, then the clock 1 h back: no order in 180 s of quotes (last hedge %.0f s ahead)",
				  core.last_hedge_ts - F.wall);

	/*
	 * A live order whose answer was lost, which the broker does not have,
	 * then the step: it is taken as never arrived once its grace has run
	 * (from the step at the latest), not an hour later, all the while in
	 * flight and blocking every hedge.
	 */
	reset_fake();
	F.send_answer = BROKER_SEND_UNKNOWN;
	F.query_state = BROKER_ORDER_NOT_FOUND;
	start(true, NULL);
	quote(100);
	CHECK(until_order(100));
	F.wall += 2;
	quote(100);
	CHECK(strcmp(F.orders[0].status, "UNKNOWN") == 0);
	F.wall -= 3600;
	for (int i = 0; i < 60 && strcmp(F.orders[0].status, "UNKNOWN") == 0; i++)
	{
		F.wall += 1;
		quote(100);
	}
	if (!CHECK(strcmp(F.orders[0].status, "REJECTED") == 0))
		unit_note("an unknown outcome, then the clock 1 h back: still %s after 60 s (grace %.0f s)",
				  F.orders[0].status, core.set.not_found_grace_s);
	CHECK(F.sends == 1 || F.sends == 2);
}

/*
 * A settings switch waits for the order in flight, and no order leaves
 * meanwhile; one taken back before the order ended (hcore_switch_cancel)
 * lets orders leave again.
 */
static void
test_switch_cancelled(void)
{
	reset_fake();
	start(false, NULL);
	quote(100);
	CHECK(until_order(100));
	CHECK(!hcore_switch_ready(&core));
	F.wall += 1;
	quote(100);
	CHECK(core.led.n_pending == 0);
	/* waiting for the switch: the next hedge is blocked */
	CHECK(!until_order(104));
	CHECK(F.blocked_rows > 0);
	hcore_switch_cancel(&core);
	CHECK(until_order(104));
	CHECK(F.intents == 2);
}

/* ---- a write failing at every step ---- */

static const hcore_row_kind every_kind[] = {
	HROW_STATUS, HROW_BLOCKED, HROW_RISK_EVENT, HROW_DAY_START, HROW_POSITION, HROW_ADJUSTMENT,
	HROW_SETTLE, HROW_INTENT, HROW_ORDER_SENT, HROW_ORDER_UNKNOWN, HROW_ORDER_REJECTED,
	HROW_ORDER_CANCELLED, HROW_FILL, HROW_COMMAND_RESULT
};

/* Orders the tables count as sent: past CREATED, not known never to have left. */
static int
orders_sent(void)
{
	int			n = 0;

	for (int i = 0; i < F.n_orders; i++)
		if (strcmp(F.orders[i].status, "CREATED") != 0 && strncmp(F.orders[i].reason, "not sent:", 9) != 0 &&
			strcmp(F.orders[i].reason, "not_sent_before_restart") != 0)
			n++;
	return n;
}

/*
 * A day of hedges (the price moves twice) while the first count units that
 * hold a row of kind fail: once the writes succeed, every order has ended,
 * each intent left at most once, each order filled at most once, and the
 * rows, the broker and memory agree.
 */
static void
day_with_failures(bool live, int kind, int count)
{
	reset_fake();
	F.send_answer = BROKER_SEND_ACCEPTED;
	F.query_state = BROKER_ORDER_FILLED;
	start(live, NULL);
	F.fail_kind = kind;
	F.fail_count = count;
	quote(100);
	for (int i = 0; i < 240; i++)
	{
		F.wall += 1;
		quote(i < 80 ? 100 : i < 160 ? 104 : 97);
	}
	F.fail_count = 0;
	for (int i = 0; i < 180; i++)
	{
		F.wall += 1;
		quote(97);
	}
	if (!(CHECK(F.intents >= 2) & CHECK(core.led.n_pending == 0) &
		  CHECK(!live || F.sends == F.intents) &
		  CHECK(core.led.daily_hedge_count == orders_sent()) &
		  CHECK(!live || fabs(F.broker_position - F.position) < 1e-9) &
		  CHECK(isfinite(core.led.daily_pnl))))
		unit_note("%s, row kind %d failing %d time(s): intents %d sends %d pending %d count %d/%d",
				  live ? "live" : "paper", kind, count, F.intents, F.sends, core.led.n_pending,
				  core.led.daily_hedge_count, orders_sent());
	for (int i = 0; i < F.n_orders; i++)
		if (!CHECK(strcmp(F.orders[i].status, "FILLED") == 0 || strcmp(F.orders[i].status, "REJECTED") == 0 ||
				   strcmp(F.orders[i].status, "CANCELED") == 0))
			unit_note("%s, row kind %d failing %d time(s): order %d is %s", live ? "live" : "paper", kind,
					  count, i, F.orders[i].status);
	check_ledger(live ? "live day with failures" : "paper day with failures");
}

static void
test_failure_sweep(void)
{
	for (size_t k = 0; k < sizeof(every_kind) / sizeof(every_kind[0]); k++)
		for (int count = 1; count <= 3; count += 2)
		{
			day_with_failures(false, (int) every_kind[k], count);
			day_with_failures(true, (int) every_kind[k], count);
		}
}

/*
 * A restart at a live broker with an order left CREATED, NEW or UNKNOWN,
 * the broker saying it filled it, has it working, or has no such order,
 * while the first count units holding a row of kind fail: the order is
 * asked about, never sent again; it ends as the broker says (a CREATED one
 * it does not have was never sent); the rows, the broker and memory agree.
 */
static void
restart_live(const char *status, broker_order_state answer, int kind, int count)
{
	hcore_loaded loaded;
	fake_order *o;
	const char *want;

	reset_fake();
	F.n_orders = F.intents = 1;
	o = &F.orders[0];
	o->rec.order_id = 1;
	snprintf(o->rec.client_order_id, sizeof(o->rec.client_order_id), "bf20260102i1");
	o->rec.side = HEDGE_BUY;
	o->rec.qty = 100;
	o->rec.placed_at = F.wall - 30;
	o->rec.decision_mid = 100;
	snprintf(o->rec.status, sizeof(o->rec.status), "%s", status);
	snprintf(o->status, sizeof(o->status), "%s", status);
	memset(&loaded, 0, sizeof(loaded));
	loaded.open[0] = o->rec;
	loaded.n_open = 1;
	F.stored_day.found = true;
	F.stored_day.orders_sent = strcmp(status, "CREATED") != 0;
	F.send_answer = BROKER_SEND_ACCEPTED;
	F.query_state = answer;
	F.fail_kind = kind;
	F.fail_count = count;
	start(true, &loaded);
	CHECK(core.led.n_pending == 1);
	for (int i = 0; i < 200; i++)
	{
		F.wall += 1;
		quote(100);
		if (i == 100)
			F.fail_count = 0;
	}
	want = answer == BROKER_ORDER_FILLED ? "FILLED" : answer == BROKER_ORDER_OPEN ? "NEW" :
		strcmp(status, "CREATED") == 0 ? "CANCELED" : "REJECTED";
	for (int i = 0; i < F.sends; i++)
		CHECK(strcmp(F.sent_coids[i % MAX_ORDERS], o->rec.client_order_id) != 0);
	if (!(CHECK(strcmp(F.orders[0].status, want) == 0) &
		  CHECK(answer == BROKER_ORDER_OPEN ? core.led.n_pending == 1 : F.intents > 1) &
		  CHECK(F.sends == F.intents - 1) &
		  CHECK(core.led.daily_hedge_count == orders_sent()) &
		  CHECK(fabs(F.broker_position - F.position) < 1e-9)))
		unit_note("restart with an order %s, the broker answering %d, row kind %d failing %d time(s): "
				  "order %s (want %s), intents %d sends %d, count %d/%d, broker %g book %g", status,
				  (int) answer, kind, count, F.orders[0].status, want, F.intents, F.sends,
				  core.led.daily_hedge_count, orders_sent(), F.broker_position, F.position);
	check_ledger("a live restart with an order open");
}

static void
test_restart_live_sweep(void)
{
	const char *statuses[] = {"CREATED", "NEW", "UNKNOWN"};
	const broker_order_state answers[] = {BROKER_ORDER_FILLED, BROKER_ORDER_OPEN, BROKER_ORDER_NOT_FOUND};

	for (size_t s = 0; s < 3; s++)
		for (size_t a = 0; a < 3; a++)
		{
			restart_live(statuses[s], answers[a], -1, 0);
			for (size_t k = 0; k < sizeof(every_kind) / sizeof(every_kind[0]); k++)
				restart_live(statuses[s], answers[a], (int) every_kind[k], 2);
		}
}

/*
 * Lots the broker holds that no fill explains are taken at a restart and
 * given a cost at the first mark (their average cost, and the day's start
 * moved by their value).  When the rows of that pricing fail, memory must
 * not keep a cost or a start the tables do not have: the pricing is done
 * again once the rows commit.
 */
static void
test_unpriced_lots_failure(void)
{
	for (int kind = 0; kind < 3; kind++)
	{
		reset_fake();
		F.broker_position = 300;	/* bought by hand while no hedger ran */
		F.stored_day.found = kind < 2;	/* else a new day: it starts with them */
		F.stored_day.start_equity = -50000;
		start(true, NULL);
		CHECK_NEAR_ABS(core.led.book.position, 300, 0);
		CHECK_NEAR_ABS(core.led.unpriced_lots, 300, 0);
		F.fail_kind = kind == 1 ? HROW_DAY_START : HROW_POSITION;
		F.fail_count = 1;
		quote(100);
		CHECK(F.units_refused == 1);
		for (int i = 0; i < 5; i++)
		{
			F.wall += 1;
			quote(100);
		}
		if (!(CHECK_NEAR_ABS(F.avg_cost, core.led.book.avg_cost, 1e-9) &
			  CHECK_NEAR_ABS(F.day_equity, core.day_start_equity, 1e-6) &
			  CHECK_NEAR_ABS(core.led.unpriced_lots, 0, 0)))
			unit_note("the %s row of priced lots failed once%s: avg cost %g in the table, %g in memory; day start "
					  "%.2f in the table, %.2f in memory", kind == 1 ? "day start" : "position",
					  kind == 2 ? " on a new day" : "", F.avg_cost,
					  core.led.book.avg_cost, F.day_equity, core.day_start_equity);
		/* the start moved by the lots' value at the mark, once; a new day starts with them, no P&L */
		if (kind < 2)
			CHECK_NEAR_ABS(core.day_start_equity, -50000 + 300 * 100, 1e-6);
		else
			CHECK_NEAR_ABS(core.led.daily_pnl, 0, 1);
	}
}

/*
 * The day's start equity is stored so that a restart the same day keeps
 * the day's P&L (and the loss breaker) where it was.  A store that fails
 * (hedger_days locked past the lock wait at the first quote of the day) is
 * tried again, or a restart later that day would find no start, begin the
 * day anew at its own equity and forget the loss so far.
 */
static void
test_day_start_failure(void)
{
	/* the day's first quote, and the books changed by hand during the day */
	for (int when = 0; when < 2; when++)
	{
		reset_fake();
		start(false, NULL);
		if (when == 0)
		{
			F.fail_kind = HROW_DAY_START;
			F.fail_count = 1;
		}
		quote(100);
		if (when == 1)
		{
			F.fail_kind = HROW_DAY_START;
			F.fail_count = 1;
			legs[1] = legs[0];
			legs[1].quantity = 5;
			hcore_set_legs(&core, legs, legs_in_lots, 2, true);
		}
		CHECK(F.units_refused == 1);
		for (int i = 0; i < 5; i++)
		{
			F.wall += 1;
			quote(100);
		}
		if (!(CHECK(F.day_rows >= 1) & CHECK_NEAR_ABS(F.day_equity, core.day_start_equity, 1e-6)))
			unit_note("the day's start failed to store %s: %d row(s) stored since, %.2f stored, %.2f in memory",
					  when == 0 ? "at its first quote" : "after a change of legs", F.day_rows, F.day_equity,
					  core.day_start_equity);
	}
}

/*
 * A restart with as many orders open as the core tracks (paper, sent): no
 * order leaves while they are in flight (the pending list is full), each
 * fills once at the next quote, and then hedging goes on.
 */
static void
test_open_orders_full(void)
{
	hcore_loaded loaded;

	reset_fake();
	memset(&loaded, 0, sizeof(loaded));
	for (int i = 0; i < HEDGE_MAX_OPEN_ORDERS; i++)
	{
		fake_order *o = &F.orders[F.n_orders++];

		o->rec.order_id = F.n_orders;
		snprintf(o->rec.client_order_id, sizeof(o->rec.client_order_id), "bf20260102i%d", F.n_orders);
		o->rec.side = HEDGE_BUY;
		o->rec.qty = 10;
		o->rec.placed_at = F.wall - 60;
		snprintf(o->rec.status, sizeof(o->rec.status), "NEW");
		snprintf(o->status, sizeof(o->status), "NEW");
		loaded.open[loaded.n_open++] = o->rec;
		F.intents++;
	}
	F.stored_day.found = true;
	F.stored_day.orders_sent = HEDGE_MAX_OPEN_ORDERS;
	start(false, &loaded);
	CHECK(core.led.n_pending == HEDGE_MAX_OPEN_ORDERS);
	quote(100);
	CHECK(core.led.n_pending == 0);
	CHECK(F.n_trades == HEDGE_MAX_OPEN_ORDERS);
	CHECK(F.intents == HEDGE_MAX_OPEN_ORDERS);
	CHECK(until_order(100));
	check_ledger("after a restart with the pending list full");
}

/* More blocked decisions in one round than the buffer holds: each is written once, none lost. */
static void
test_blocked_overflow(void)
{
	int			n = HCORE_BLOCKED_BUFFER + 88;

	reset_fake();
	F.stored_day.found = true;
	F.stored_day.orders_sent = 1000000;
	start(false, NULL);
	quote(100);
	F.wall += 1;
	quote(100);
	F.blocked_rows = 0;
	for (int i = 0; i < n; i++)
	{
		F.wall += 0.01;
		hcore_quote(&core, F.wall, 99.99, 100.01, F.wall, false, true);
	}
	hcore_round(&core, F.wall, false, true);
	CHECK(F.intents == 0);
	if (!CHECK(F.blocked_rows == n))
		unit_note("%d blocked decisions in one round, %d written", n, F.blocked_rows);
	CHECK(core.n_blocked == 0);
}

int
main(void)
{
	test_paper_day();
	test_failed_fill();
	test_failed_intent();
	test_rejects();
	test_restart();
	test_day_roll();
	test_expiry();
	test_live_unknown();
	test_flatten();
	test_flatten_intent_fails();
	test_quote_out_of_range();
	test_failure_sweep();
	test_fill_without_price();
	test_day_unreadable();
	test_quote_time_not_finite();
	test_clock_step_back();
	test_switch_cancelled();
	test_restart_live_sweep();
	test_unpriced_lots_failure();
	test_day_start_failure();
	test_open_orders_full();
	test_blocked_overflow();
	return unit_summary("test_hedger_core");
}
