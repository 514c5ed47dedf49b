/*
 * hedger.c: quotes through the engine, hedges through the paper broker or
 * a venue (OKX, IBKR).
 *
 * Every quote is evaluated by engine_evaluate(), the code bifrost_evaluate()
 * runs.  A hedge is recorded (decision, hedge_intent, CREATED order) and
 * committed synchronously before it leaves; the broker's answer and the
 * fill are recorded in their own transactions.  The hedge in flight counts
 * in the next decision, a fill moves the position at once, and a restart
 * reconciles the orders left open before deciding anything new.
 *
 * A venue's order is sent once: when its answer is lost (timeout, 5xx,
 * unreadable) the order is UNKNOWN and the hedger only asks the venue by
 * client order id until it learns what became of it; it counts as in
 * flight meanwhile, so no other hedge goes out.  Quantities at a venue are
 * lots (venue.h); the engine sizes in lots too, its legs' multipliers
 * divided by the underlying units of a lot, and P&L values a lot at price x
 * units_per_lot.  For shares (paper, IBKR) a lot is one share.
 */
#include "postgres.h"

#include <math.h>

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "engine/paper_fill.h"
#include "engine/pnl.h"
#include "engine/settlement.h"
#include "engine/wall_clock.h"
#include "pg/common/engine_glue.h"
#include "pg/hedger/daemon_store.h"
#include "pg/hedger/feed.h"
#include "pg/hedger/hedge_store.h"
#include "pg/hedger/hedger.h"
#include "pg/hedger/leg_settlement.h"
#include "pg/hedger/settings.h"
#include "pg/spi/store.h"
#include "pg/venue/session.h"
#include "pg/venue/settings.h"

/* Retries of a position read that failed at reconciliation. */
#define RECONCILE_WAIT_MIN_S 1.0
#define RECONCILE_WAIT_MAX_S 60.0
/* Quotes taken per hedger_poll call, so the worker's latch is seen often. */
#define HEDGER_QUOTES_PER_POLL 500
/* A write that failed pauses taking quotes this long, doubling to the cap (s). */
#define WRITE_PAUSE_MIN_S 1.0
#define WRITE_PAUSE_MAX_S 60.0
/* Blocked decisions buffered before one transaction writes them. */
#define HEDGER_BLOCKED_BUFFER 512
/* Asking a venue about an order: first after this, then backing off to the cap (s). */
#define HEDGER_QUERY_FIRST_S 0.2
#define HEDGER_QUERY_MAX_S 5.0
/*
 * An order whose answer was lost and that the venue says it does not have
 * is taken as never arrived only after this long past the moment its
 * request left (after rate-limit waits, keep-alives and confirm rounds)
 * plus two HTTP timeouts: a request still on the wire cannot arrive later
 * than that (OKX refuses it after its expTime anyway; IBKR has none).
 */
#define HEDGER_NOT_FOUND_GRACE_S 5.0
/*
 * After a reject no order goes out (not even a forced one) for 2 s, doubling
 * with each further reject in a row up to 5 min; a fill starts over.  A
 * broker that refuses everything (no margin) then sees a handful of orders
 * an hour, not one per quote.
 */
#define REJECT_BACKOFF_MIN_S 2.0
#define REJECT_BACKOFF_MAX_S 300.0

/* A row about an order that the broker answered and that has not committed yet. */
typedef enum order_row
{
	ROW_NONE,					/* every answer is recorded */
	ROW_SENT,					/* accepted: the NEW row */
	ROW_UNKNOWN,				/* the answer was lost: the UNKNOWN row */
	ROW_REJECTED				/* rejected at the send: the REJECTED row (the order is over) */
} order_row;

typedef struct pending_order
{
	hedge_order_rec order;
	double		due;			/* feed clock */
	paper_decision decision;
	/* at a venue: its answers decide, not the paper model */
	bool		live;
	bool		outcome_unknown;	/* the send's answer was lost */
	bool		never_sent_maybe;	/* CREATED when the hedger restarted */
	double		sent_wall;		/* wall clock of the send (or of the restart) */
	double		next_query;		/* wall clock */
	int			queries;
	bool		via_fsm;		/* a hedge of the state machine (not a flatten) */

	/*
	 * Rows that did not commit are retried, never dropped: the answer to
	 * the send (the order is at the broker whatever its row says), and a
	 * fill, kept as it was decided so that the retry records the same fill.
	 */
	order_row	row_due;
	char		row_reason[VENUE_NOTE_MAX];
	double		row_retry_at;	/* wall clock */
	bool		fill_known;
	double		fill_ts;
	int64		fill_qty;
	double		fill_price;
	double		fill_fee;
	double		fill_fee_lots;
	double		retry_wait;		/* seconds, doubling with each failed try */
} pending_order;

typedef struct blocked_row
{
	double		ts;
	engine_output out;
	const char *reason;			/* static; NULL: the engine's block reason */
} blocked_row;

typedef struct hedger_state
{
	bool		active;
	hedger_status_writer write_status;

	/* configuration */
	engine_config cfg;
	char		config_hash[16];
	char		symbol[64];
	char		day_roll_tz[64];
	feed_params feed_p;
	paper_fill_model paper;
	bool		paper_trade;	/* gates.guard.risk.paper_trade */
	bool		live;			/* orders go to the broker's venue: paper_trade off and a venue broker */

	/* the venues: NULL for paper and for the sim and replay feeds */
	venue	   *broker_venue;
	venue	   *quote_venue;	/* may be broker_venue */
	double		units_per_lot;	/* underlying per lot: 1 for shares */

	/* the book */
	engine_leg *legs;
	engine_leg *engine_legs;	/* legs with multipliers in lots, for the engine */
	int			n_legs;
	char	   *legs_snapshot;	/* jsonb text of the legs, in legs_context */
	hedge_book	book;			/* position, average cost, today's cash */
	double		last_hedge_price;
	double		last_hedge_ts;

	/* the day */
	int32		trading_date;	/* in day_roll_tz, 0 before the first quote */
	bool		day_started;
	double		day_start_equity;
	int			daily_hedge_count;	/* orders sent today, ones the venue rejected too */
	double		daily_pnl;
	bool		breaker_recorded;
	int			reject_streak;	/* rejects in a row since the last fill */
	double		reject_backoff_until;	/* feed clock; no order before it */

	/*
	 * A restart of the hedger (another trading mode, broker, instrument or
	 * feed) waits for the orders in flight: only this hedger asks about
	 * them.  No order leaves meanwhile.
	 */
	bool		switch_waiting;

	/* an operator's flatten not yet done: its daemon_control id, 0 when none */
	int64		flatten_command;

	/* the trading state machine */
	trading_state state;
	double		state_since;
	double		faults_clear_since;
	bool		bootstrapped;
	const char *last_block;		/* for risk events on a change of reason */

	/* market */
	feed	   *feed;
	bool		have_quote;
	feed_quote	quote;
	TimestampTz quote_taken_at; /* wall clock when the last quote came in */
	TimestampTz intent_started_at;	/* wall clock when its intent began */
	double		engine_now;

	/* holidays of the New York date last looked up */
	int32		holiday_date;
	bool		holiday;
	int			early_close_min;

	/* orders at the broker */
	pending_order pending[HSTORE_MAX_OPEN_ORDERS];
	int			n_pending;
	bool		reconcile_after_orders; /* compare positions once they are settled */
	double		reconcile_at;	/* wall clock of the next try, after a failed read */
	double		reconcile_wait; /* seconds to the try after that */
	double		unpriced_lots;	/* taken from the broker's position, not yet
								 * given a cost (no usable quote then) */

	engine_output last_out;
	bool		have_out;

	blocked_row *blocked;
	int			n_blocked;

	/*
	 * Writes that fail (a damaged table, a full disk) would fail again on
	 * every quote; the quote loop pauses instead, longer each time.
	 */
	bool		write_failed;	/* in this poll */
	char		write_error[STORE_ERROR_MAX];
	double		write_pause;	/* seconds of the current pause, 0 when none */
	double		write_resume_at;	/* wall clock */
} hedger_state;

static hedger_state H;

/*
 * Memory of the hedger that outlives a start: the book's legs (replaced as a
 * whole when the book changes) and the buffer of blocked decisions (one for
 * the life of the process).  A start that fails allocates nothing that a
 * later one does not reuse or free.
 */
static MemoryContext legs_context = NULL;
static blocked_row *blocked_buffer = NULL;

bool
hedger_active(void)
{
	return H.active;
}

/* ---- small helpers --------------------------------------------------- */

static double
mid_of(const feed_quote *q)
{
	return (q->bid + q->ask) / 2.0;
}

static bool
quote_usable(const feed_quote *q)
{
	return isfinite(q->bid) && isfinite(q->ask) && q->bid > 0 && q->ask >= q->bid;
}

static double
pending_qty(void)
{
	double		sum = 0;

	/* paper knows what will fill; at a venue the whole order is in flight */
	for (int i = 0; i < H.n_pending; i++)
		if (H.pending[i].row_due != ROW_REJECTED)
			sum += (H.pending[i].order.side == HEDGE_BUY ? 1 : -1) *
			(double) (H.pending[i].live ? H.pending[i].order.qty : H.pending[i].decision.filled_qty);
	return sum;
}

/* What a lot is worth at a price of the underlying. */
static double
lot_value(double price)
{
	return price * H.units_per_lot;
}

/* The engine sizes in lots: a leg's delta counts in lots of the hedge instrument. */
static void
scale_engine_legs(void)
{
	MemoryContext old = MemoryContextSwitchTo(legs_context);

	if (H.engine_legs)
		pfree(H.engine_legs);
	H.engine_legs = palloc(sizeof(engine_leg) * Max(H.n_legs, 1));
	memcpy(H.engine_legs, H.legs, sizeof(engine_leg) * H.n_legs);
	for (int i = 0; i < H.n_legs; i++)
		H.engine_legs[i].multiplier /= H.units_per_lot;
	MemoryContextSwitchTo(old);
}

/*
 * Value of option legs at a spot (shares x price): model value until the
 * expiry, then what they settled into, which the model value tends to, so
 * the day's P&L does not jump at the expiry.
 */
static double
legs_value(const engine_leg *legs, int n_legs, double spot, double now)
{
	double		value = 0;

	for (int i = 0; i < n_legs; i++)
	{
		const engine_leg *l = &legs[i];
		double		t = (l->expiry - now) / (365.0 * 86400.0);
		double		vol = isnan(l->implied_vol) ? H.cfg.volatility : l->implied_vol;

		if (t <= 0)
		{
			settled_value v;

			settlement_value(l, spot, H.cfg.settlement, &v);
			value += v.value;
			continue;
		}
		value += l->quantity * l->multiplier *
			bs_price(l->right, spot, l->strike, t, H.cfg.risk_free_rate, H.cfg.dividend_yield, vol);
	}
	return value;
}

static double
option_value(double spot, double now)
{
	return legs_value(H.legs, H.n_legs, spot, now);
}

static void
note_write_failure(const char *err)
{
	ereport(WARNING, (errmsg("bifrost hedger: %s", err)));
	if (!H.write_failed)
		strlcpy(H.write_error, err, sizeof(H.write_error));
	H.write_failed = true;
}

static void
run_unit(const char *activity, store_work_fn fn, void *arg)
{
	char		err[STORE_ERROR_MAX];

	if (!store_run(activity, fn, arg, err, sizeof(err)))
		note_write_failure(err);
}

/*
 * What the tables record of the book, the day and the orders in flight.
 * A unit that records a change moves memory first (its status row shows
 * the state after the change) and puts it back when the unit fails, so
 * memory never holds what the tables do not.
 */
typedef struct ledger_mark
{
	hedge_book	book;
	double		unpriced_lots;
	double		last_hedge_price;
	int			daily_hedge_count;
	double		daily_pnl;
	int			reject_streak;
	double		reject_backoff_until;
	pending_order pending[HSTORE_MAX_OPEN_ORDERS];
	int			n_pending;
	trading_state state;
	double		state_since;
	double		faults_clear_since;
	engine_output last_out;
	bool		have_out;
} ledger_mark;

static ledger_mark saved_mark;

static void
ledger_save(void)
{
	saved_mark.book = H.book;
	saved_mark.unpriced_lots = H.unpriced_lots;
	saved_mark.last_hedge_price = H.last_hedge_price;
	saved_mark.daily_hedge_count = H.daily_hedge_count;
	saved_mark.daily_pnl = H.daily_pnl;
	saved_mark.reject_streak = H.reject_streak;
	saved_mark.reject_backoff_until = H.reject_backoff_until;
	memcpy(saved_mark.pending, H.pending, sizeof(H.pending));
	saved_mark.n_pending = H.n_pending;
	saved_mark.state = H.state;
	saved_mark.state_since = H.state_since;
	saved_mark.faults_clear_since = H.faults_clear_since;
	saved_mark.last_out = H.last_out;
	saved_mark.have_out = H.have_out;
}

static void
ledger_restore(void)
{
	H.book = saved_mark.book;
	H.unpriced_lots = saved_mark.unpriced_lots;
	H.last_hedge_price = saved_mark.last_hedge_price;
	H.daily_hedge_count = saved_mark.daily_hedge_count;
	H.daily_pnl = saved_mark.daily_pnl;
	H.reject_streak = saved_mark.reject_streak;
	H.reject_backoff_until = saved_mark.reject_backoff_until;
	memcpy(H.pending, saved_mark.pending, sizeof(H.pending));
	H.n_pending = saved_mark.n_pending;
	H.state = saved_mark.state;
	H.state_since = saved_mark.state_since;
	H.faults_clear_since = saved_mark.faults_clear_since;
	H.last_out = saved_mark.last_out;
	H.have_out = saved_mark.have_out;
}

/* Runs a unit after ledger_save() and the memory changes it records; false (memory restored) when it failed. */
static bool
commit_or_restore(const char *activity, store_work_fn fn, void *arg)
{
	char		err[STORE_ERROR_MAX];

	if (store_run(activity, fn, arg, err, sizeof(err)))
		return true;
	ledger_restore();
	note_write_failure(err);
	return false;
}

/* A row of pending order p failed: try again later, then less often. */
static void
retry_later(pending_order *p, double wall_now)
{
	p->retry_wait = p->retry_wait > 0 ? Min(2 * p->retry_wait, WRITE_PAUSE_MAX_S) : WRITE_PAUSE_MIN_S;
	p->row_retry_at = wall_now + p->retry_wait;
	if (p->live)
		p->next_query = Max(p->next_query, p->row_retry_at);
	else if (!feed_is_replay(H.feed))
		p->due = Max(p->due, p->row_retry_at);
}

/*
 * After a poll: a failed write starts or lengthens the pause of the quote
 * loop and says so in daemon_heartbeat.last_error; a poll that took quotes
 * and wrote everything ends the pause.
 */
static void
settle_write_pause(double wall_now, bool took_quotes)
{
	char		message[STORE_ERROR_MAX + 64];

	if (!H.write_failed)
	{
		if (!took_quotes)
			return;
		if (H.write_pause > 0)
		{
			ereport(LOG, (errmsg("bifrost hedger: writes succeed again; taking quotes")));
			(void) store_note_error("hedging resumed: writes succeed again");
		}
		H.write_pause = 0;
		return;
	}
	H.write_failed = false;
	H.write_pause = H.write_pause > 0 ? Min(2 * H.write_pause, WRITE_PAUSE_MAX_S) : WRITE_PAUSE_MIN_S;
	H.write_resume_at = wall_now + H.write_pause;
	snprintf(message, sizeof(message), "hedging paused %.0f s after a failed write: %s",
			 H.write_pause, H.write_error);
	ereport(WARNING, (errmsg("bifrost hedger: %s", message)));
	(void) store_note_error(message);
}

/* ---- configuration ----------------------------------------------------- */

static double
config_number(const char *text, double fallback)
{
	char	   *end;
	double		x;

	if (text == NULL)
		return fallback;
	x = strtod(text, &end);
	return (end != text && isfinite(x)) ? x : fallback;
}

static void
load_config_work(void *arg)
{
	int			n;

	if (!store_extension_ready())
		return;
	engine_glue_load_config(&H.cfg);
	store_config_hash(H.config_hash, sizeof(H.config_hash));
	store_exec("SELECT key, value #>> '{}' FROM bifrost.config WHERE key IN ('symbol', 'day_roll_tz',"
			   " 'feed.sim.spot', 'feed.sim.vol', 'feed.sim.drift', 'feed.sim.tick_ms', 'feed.sim.spread_bps',"
			   " 'feed.sim.seed', 'feed.replay.speed', 'broker.paper.latency_ms', 'broker.paper.slippage_bps',"
			   " 'broker.paper.reject_rate', 'broker.paper.partial_fill_rate', 'gates.guard.risk.paper_trade')",
			   0, NULL, NULL, NULL, SPI_OK_SELECT);
	n = (int) SPI_processed;
	/* absent means the default: paper */
	H.paper_trade = true;
	for (int i = 0; i < n; i++)
	{
		char	   *key = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
		char	   *val = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2);

		if (strcmp(key, "symbol") == 0 && val)
			strlcpy(H.symbol, val, sizeof(H.symbol));
		else if (strcmp(key, "day_roll_tz") == 0 && val)
			strlcpy(H.day_roll_tz, val, sizeof(H.day_roll_tz));
		else if (strcmp(key, "feed.sim.spot") == 0)
			H.feed_p.sim_spot = config_number(val, 100);
		else if (strcmp(key, "feed.sim.vol") == 0)
			H.feed_p.sim_vol = config_number(val, 0.6);
		else if (strcmp(key, "feed.sim.drift") == 0)
			H.feed_p.sim_drift = config_number(val, 0);
		else if (strcmp(key, "feed.sim.tick_ms") == 0)
			H.feed_p.sim_tick_ms = config_number(val, 200);
		else if (strcmp(key, "feed.sim.spread_bps") == 0)
			H.feed_p.sim_spread_bps = config_number(val, 2);
		else if (strcmp(key, "feed.sim.seed") == 0)
			H.feed_p.sim_seed = (uint64) config_number(val, 42);
		else if (strcmp(key, "feed.replay.speed") == 0)
			H.feed_p.replay_speed = config_number(val, 1);
		else if (strcmp(key, "broker.paper.latency_ms") == 0)
			H.paper.latency_ms = config_number(val, 50);
		else if (strcmp(key, "broker.paper.slippage_bps") == 0)
			H.paper.slippage_bps = config_number(val, 1);
		else if (strcmp(key, "broker.paper.reject_rate") == 0)
			H.paper.reject_rate = config_number(val, 0);
		else if (strcmp(key, "broker.paper.partial_fill_rate") == 0)
			H.paper.partial_fill_rate = config_number(val, 0);
		else if (strcmp(key, "gates.guard.risk.paper_trade") == 0)
			H.paper_trade = !(val && strcmp(val, "false") == 0);
	}
	H.paper.seed = H.feed_p.sim_seed;
	H.feed_p.kind = bifrost_feed;
	strlcpy(H.feed_p.symbol, H.symbol, sizeof(H.feed_p.symbol));
}

static bool
legs_expired_by(const engine_leg *legs, int n, double now)
{
	for (int i = 0; i < n; i++)
		if (legs[i].expiry <= now)
			return true;
	return false;
}

/*
 * Reads the legs; when their text differs from the book's, replaces the
 * book's legs (arg, when not NULL, is set to whether they changed).  The
 * text of an unchanged book is read and dropped with the unit of work.
 */
static void
load_legs_work(void *arg)
{
	bool	   *changed = arg;
	MemoryContext old;
	engine_leg *legs;
	char	   *snapshot;
	int			n;

	if (changed)
		*changed = false;
	if (!store_extension_ready())
		return;
	n = hstore_load_legs(H.symbol, &legs, &snapshot);
	if (H.legs_snapshot && strcmp(snapshot, H.legs_snapshot) == 0)
	{
		/*
		 * The text has no leg ids: an expired leg deleted and inserted again
		 * reads the same, and its new row is only due once the settlements
		 * are read again.  Only while the book holds an expired leg.
		 */
		if (legs_expired_by(H.legs, H.n_legs, H.engine_now))
		{
			leg_settlement_load(H.symbol);
			leg_settlement_adopt();
		}
		return;
	}
	/* settlements fixed before (by this hedger or an earlier one) value the new legs too */
	leg_settlement_load(H.symbol);
	leg_settlement_adopt();
	leg_settlement_apply(legs, n);
	if (legs_context == NULL)
		legs_context = AllocSetContextCreate(TopMemoryContext, "bifrost hedger legs",
											 ALLOCSET_DEFAULT_SIZES);
	MemoryContextReset(legs_context);
	H.engine_legs = NULL;
	old = MemoryContextSwitchTo(legs_context);
	H.legs = palloc(sizeof(engine_leg) * Max(n, 1));
	memcpy(H.legs, legs, sizeof(engine_leg) * n);
	H.n_legs = n;
	H.legs_snapshot = pstrdup(snapshot);
	MemoryContextSwitchTo(old);
	scale_engine_legs();
	if (changed)
		*changed = true;
}

static void save_day_start(double now);

/*
 * Legs bought or sold are not P&L: the day's start equity moves by their
 * model value, and is stored with the legs it now counts.
 */
static void
reload_legs(void)
{
	double		before = 0;
	bool		can_mark = H.have_quote && H.day_started && quote_usable(&H.quote);
	bool		changed = false;

	if (can_mark)
		before = option_value(mid_of(&H.quote), H.engine_now);
	run_unit("bifrost: load legs", load_legs_work, &changed);
	if (!changed)
		return;
	if (can_mark)
	{
		H.day_start_equity += option_value(mid_of(&H.quote), H.engine_now) - before;
		save_day_start(H.engine_now);
	}
}

/*
 * Orders leave for a venue only when both say so: paper_trade off and a
 * venue broker.  Paper trading with a venue broker fills on the paper
 * model at the feed's quotes and keeps its own book (orders.exchange
 * 'paper'): the venue's account is neither traded nor read.
 */
static bool
trading_live(void)
{
	return !H.paper_trade && bifrost_broker != BIFROST_BROKER_PAPER;
}

static bool
feed_params_equal(const feed_params *a, const feed_params *b)
{
	return a->kind == b->kind && strcmp(a->symbol, b->symbol) == 0 &&
		a->sim_spot == b->sim_spot && a->sim_vol == b->sim_vol &&
		a->sim_drift == b->sim_drift && a->sim_spread_bps == b->sim_spread_bps &&
		a->sim_tick_ms == b->sim_tick_ms && a->sim_seed == b->sim_seed &&
		a->replay_speed == b->replay_speed;
}

/*
 * Whether the hedger may stop now to start over with other settings: not
 * while an order is in flight, which a hedger in another mode, at another
 * broker or on another instrument would never ask about again (a live
 * order forgotten is a position the book does not know).  Until then no
 * order leaves.
 */
bool
hedger_switch_ready(void)
{
	if (!H.active || H.n_pending == 0)
		return true;
	if (!H.switch_waiting)
		ereport(LOG, (errmsg("bifrost hedger: the settings changed; switching once the %d order(s) in flight have ended",
							 H.n_pending)));
	H.switch_waiting = true;
	return false;
}

void
hedger_reload(void)
{
	feed_params feed_before;
	char		symbol_before[sizeof(H.symbol)];

	if (!H.active)
		return;
	feed_before = H.feed_p;
	strlcpy(symbol_before, H.symbol, sizeof(symbol_before));
	run_unit("bifrost: load config", load_config_work, NULL);
	if ((!feed_params_equal(&feed_before, &H.feed_p) || H.live != trading_live()) &&
		!hedger_switch_ready())
	{
		/* the orders in flight are recorded under the instrument they were sent for */
		H.feed_p = feed_before;
		strlcpy(H.symbol, symbol_before, sizeof(H.symbol));
		reload_legs();
		return;
	}
	reload_legs();
	if (!feed_params_equal(&feed_before, &H.feed_p) || H.live != trading_live())
	{
		/* another instrument, feed or feed setting: start over from the tables */
		hedger_status_writer writer = H.write_status;
		char		why[256];

		hedger_stop();
		hedger_start(GetCurrentTimestamp() / 1e6 + BIFROST_UNIX_EPOCH_OFFSET_SEC, writer, why, sizeof(why));
	}
}

/* ---- status ------------------------------------------------------------ */

void
hedger_figures_get(hedger_figures *out)
{
	memset(out, 0, sizeof(*out));
	out->valid = H.active;
	if (!H.active)
		return;
	out->trading_state = trading_state_name(H.state);
	out->trading_state_since = H.state_since;
	out->spot = H.have_quote && quote_usable(&H.quote) ? mid_of(&H.quote) : NAN;
	out->bid = H.have_quote && H.quote.bid > 0 ? H.quote.bid : NAN;
	out->ask = H.have_quote && H.quote.ask > 0 ? H.quote.ask : NAN;
	out->net_delta = H.have_out && H.last_out.greeks_valid ? H.last_out.net_delta : NAN;
	out->stock_position = H.book.position;
	out->option_legs_count = H.n_legs;
	out->daily_hedge_count = H.daily_hedge_count;
	out->daily_pnl = H.daily_pnl;
	/* the quote's age, or the venue's when it dated the quote older (feed_quote_as_of) */
	out->data_lag_ms = H.have_quote ?
		Max(0.0, (H.engine_now - Min(H.quote.ts, feed_quote_as_of(H.feed, H.quote.ts, H.engine_now))) * 1000.0) : NAN;
	out->trading_mode = H.live ? "live" : "paper";
}

typedef struct status_args
{
	const char *reason;
} status_args;

static void
status_work(void *arg)
{
	hedger_figures f;

	if (!store_extension_ready())
		return;
	hedger_figures_get(&f);
	H.write_status(&f, ((status_args *) arg)->reason);
}

static void
write_status(const char *history_reason)
{
	status_args a = {history_reason};

	run_unit("bifrost: status", status_work, &a);
}

/* Inside a unit that already writes hedge rows. */
static void
write_status_here(const char *history_reason)
{
	hedger_figures f;

	hedger_figures_get(&f);
	H.write_status(&f, history_reason);
}

/* ---- blocked decisions -------------------------------------------------- */

static void
flush_blocked_work(void *arg)
{
	hstore_sync_commit(false);
	for (int i = 0; i < H.n_blocked; i++)
		hstore_blocked_decision(H.symbol, H.blocked[i].ts, &H.blocked[i].out, H.blocked[i].reason,
								H.config_hash);
}

static void
flush_blocked(void)
{
	if (H.n_blocked == 0)
		return;
	run_unit("bifrost: blocked decisions", flush_blocked_work, NULL);
	H.n_blocked = 0;
}

typedef struct risk_args
{
	double		ts;
	const char *rule;
	char		details[256];
} risk_args;

static void
risk_work(void *arg)
{
	risk_args  *a = arg;

	hstore_sync_commit(false);
	hstore_risk_event(H.symbol, a->ts, "block", a->rule, a->details);
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
record_blocked(double now, const engine_output *out, const char *reason_override)
{
	const char *reason = reason_override ? reason_override : guard_reason_name(out->block_reason);

	if (H.n_blocked == HEDGER_BLOCKED_BUFFER)
		flush_blocked();
	H.blocked[H.n_blocked].ts = now;
	H.blocked[H.n_blocked].out = *out;
	H.blocked[H.n_blocked].reason = reason_override;
	H.n_blocked++;

	/* a risk event when a risk limit starts blocking, not on every quote */
	if (reason && is_risk_limit(out->block_reason) &&
		(H.last_block == NULL || strcmp(H.last_block, reason) != 0))
	{
		risk_args	a;

		a.ts = now;
		a.rule = reason;
		snprintf(a.details, sizeof(a.details),
				 "%s %lld shares blocked by %s (net delta %.2f, state %s, daily P&L %.2f)",
				 hedge_side_name(out->intent.side), (long long) out->intent.qty, reason,
				 out->net_delta, trading_state_name(out->next_state), H.daily_pnl);
		flush_blocked();
		run_unit("bifrost: risk event", risk_work, &a);
	}
	H.last_block = reason;
}

/* ---- the day --------------------------------------------------------------- */

typedef struct day_args
{
	int32		date;
	double		equity;
	double		ts;
	double		mid;
	hedge_day_rec rec;
	bool		legs_changed;	/* the stored legs are not the legs now */
	double		stored_legs_value;	/* their value at mid, ts */
} day_args;

static void
load_day_work(void *arg)
{
	day_args   *a = arg;

	hstore_load_day(H.symbol, a->date, H.day_roll_tz, &a->rec);
	/* the decoded legs live in this transaction: value them here */
	a->legs_changed = a->rec.found && H.legs_snapshot &&
		strcmp(a->rec.legs_snapshot, H.legs_snapshot) != 0;
	if (a->legs_changed)
	{
		leg_settlement_apply(a->rec.legs, a->rec.n_legs);
		a->stored_legs_value = legs_value(a->rec.legs, a->rec.n_legs, a->mid, a->ts);
	}
	a->rec.legs_snapshot = NULL;
	a->rec.legs = NULL;
}

static void
save_day_work(void *arg)
{
	day_args   *a = arg;

	hstore_save_day_start(H.symbol, a->date, a->equity, H.legs_snapshot ? H.legs_snapshot : "[]", a->ts);
}

static void
save_day_start(double now)
{
	day_args	a;

	memset(&a, 0, sizeof(a));
	a.date = H.trading_date;
	a.equity = H.day_start_equity;
	a.ts = now;
	run_unit("bifrost: save day", save_day_work, &a);
}

typedef struct position_args
{
	double		ts;
	double		lots;
	double		avg_cost;
	risk_args	risk;			/* rule NULL: no risk event */
	double		lots_before;	/* with a risk event: the book's position the broker's replaced */
} position_args;

static void
position_work(void *arg)
{
	position_args *a = arg;

	hstore_sync_commit(true);
	if (a->risk.rule)
	{
		hstore_risk_event(H.symbol, a->ts, "warn", a->risk.rule, a->risk.details);
		/* no trade explains the change: recorded, so the ledger check can tell it from drift */
		hstore_position_adjustment(H.symbol, a->ts, a->lots_before, a->lots, a->risk.rule);
	}
	hstore_set_position(H.symbol, a->ts, a->lots, a->avg_cost);
	/* status_current shows the position the table now holds */
	write_status_here(NULL);
}

/*
 * Lots the broker holds that no fill of ours explains (reconcile_position)
 * are deemed bought or sold at the mark when we learn of them: that sets
 * their average cost, so a later fill that closes them realizes what moved
 * since, not their whole value.  What they gained or lost before is
 * unknowable and is not today's P&L: with adjust_equity (the day's start
 * equity was taken before they were in the book) the start moves by their
 * value, as for legs changed by hand.
 */
static void
price_unpriced_lots(double now, bool adjust_equity)
{
	double		mark;
	hedge_book	before;
	position_args a;

	if (H.unpriced_lots == 0 || !H.have_quote || !quote_usable(&H.quote))
		return;
	mark = lot_value(mid_of(&H.quote));
	before = H.book;
	before.position -= H.unpriced_lots;
	if (before.position == 0)
		before.avg_cost = 0;
	pnl_apply_fill(&before, H.unpriced_lots, mark);
	H.book.avg_cost = before.avg_cost;
	if (adjust_equity)
	{
		H.day_start_equity += H.unpriced_lots * mark;
		save_day_start(now);
	}
	H.unpriced_lots = 0;
	memset(&a, 0, sizeof(a));
	a.ts = now;
	a.lots = H.book.position;
	a.avg_cost = H.book.avg_cost / H.units_per_lot;
	run_unit("bifrost: price reconciled position", position_work, &a);
}

/*
 * Rolls counters and P&L at the trading date of day_roll_tz.  The day's
 * start equity is the first mark of the day (or the stored one after a
 * restart), so daily_pnl = equity now - equity at the start.
 */
static void
roll_day(double now)
{
	int32		date = engine_glue_local_date(epoch_to_timestamptz(now), H.day_roll_tz);
	double		mid;
	day_args	a;

	if (H.day_started && date == H.trading_date)
		return;
	if (!H.have_quote || !quote_usable(&H.quote))
		return;
	mid = mid_of(&H.quote);
	memset(&a, 0, sizeof(a));
	a.date = date;
	a.mid = mid;
	a.ts = now;
	run_unit("bifrost: load day", load_day_work, &a);
	H.trading_date = date;
	H.day_started = true;
	H.breaker_recorded = false;
	H.daily_hedge_count = a.rec.orders_sent;
	H.book.cash = lot_value(a.rec.cash) - a.rec.fees;
	if (a.rec.found)
	{
		H.day_start_equity = a.rec.start_equity;
		/* legs changed while no hedger ran: not P&L either */
		if (a.legs_changed)
		{
			H.day_start_equity += option_value(mid, now) - a.stored_legs_value;
			save_day_start(now);
		}
		/* the stored start did not hold the lots the broker added since */
		price_unpriced_lots(now, true);
	}
	else
	{
		/* the day starts now, with the broker's lots in its equity already */
		price_unpriced_lots(now, false);
		/* today's cash is that of today's fills (none, normally) */
		H.day_start_equity = pnl_equity(&H.book, lot_value(mid), option_value(mid, now));
		save_day_start(now);
	}
}

typedef struct settle_args
{
	double		ts;
	double		mid;
	settlement_style style;
} settle_args;

static void
settle_work(void *arg)
{
	settle_args *a = arg;

	(void) leg_settlement_record(H.symbol, a->ts, a->mid, a->style);
}

/*
 * Legs expired at now settle at this quote's mid: the first usable quote at
 * or after their expiry (the first after it when the hedger was down then).
 * The rows commit first, then the legs in memory take the settlement, fixed
 * for good: later quotes, a restart or a change of book.settlement value
 * them the same.  Until then, the mid stands in for it.
 */
static void
settle_expired_legs(double now)
{
	settle_args a;
	char		err[STORE_ERROR_MAX];

	if (!H.have_quote || !quote_usable(&H.quote) || !leg_settlement_due(H.legs, H.n_legs, now))
		return;
	a.ts = now;
	a.mid = mid_of(&H.quote);
	a.style = H.cfg.settlement;
	if (!store_run("bifrost: settle expired legs", settle_work, &a, err, sizeof(err)))
	{
		note_write_failure(err);
		return;
	}
	leg_settlement_adopt();
	leg_settlement_apply(H.legs, H.n_legs);
	scale_engine_legs();
}

static void
update_daily_pnl(double now)
{
	double		mid;

	if (!H.day_started || !H.have_quote || !quote_usable(&H.quote))
		return;
	mid = mid_of(&H.quote);
	H.daily_pnl = pnl_equity(&H.book, lot_value(mid), option_value(mid, now)) - H.day_start_equity;
}

/* ---- holidays -------------------------------------------------------------- */

typedef struct holiday_args
{
	int32		date;
} holiday_args;

static void
holiday_work(void *arg)
{
	engine_glue_holiday(((holiday_args *) arg)->date, &H.holiday, &H.early_close_min);
}

static void
clock_of(double now, engine_clock *clock)
{
	engine_glue_ny_wallclock(epoch_to_timestamptz(now), clock);
	if (clock->ny_date != H.holiday_date)
	{
		holiday_args a = {clock->ny_date};

		H.holiday = false;
		H.early_close_min = -1;
		run_unit("bifrost: holidays", holiday_work, &a);
		H.holiday_date = clock->ny_date;
	}
	clock->ny_holiday = H.holiday;
	clock->ny_early_close_min = H.early_close_min;
}

/* ---- deciding ------------------------------------------------------------------ */

static void evaluate(double now, trading_event event, bool suspended, bool broker_connected,
					 bool quote_driven);
static void save_cursor_work(void *arg);
static void advance_flatten(double wall_now, bool suspended, bool broker_connected);

static void
set_state(trading_state next, double now, bool *changed)
{
	if (next == H.state)
		return;
	H.state = next;
	H.state_since = now;
	*changed = true;
}

static engine_output
run_engine(double now, trading_event event, bool suspended, bool broker_connected)
{
	engine_input in;
	engine_output out;

	engine_input_init(&in);
	in.state = H.state;
	in.event = event;
	in.now = now;
	clock_of(now, &in.clock);
	if (H.have_quote)
	{
		in.has_quote = true;
		in.bid = isfinite(H.quote.bid) ? H.quote.bid : 0;
		in.ask = isfinite(H.quote.ask) ? H.quote.ask : 0;
		/* a polled quote stands until its next poll is due (feed_quote_as_of) */
		in.quote_ts = feed_quote_as_of(H.feed, H.quote.ts, now);
	}
	in.legs = H.engine_legs;
	in.n_legs = H.n_legs;
	in.units_per_lot = H.units_per_lot;
	in.stock_position = H.book.position;
	in.pending_hedge_qty = pending_qty();
	in.last_hedge_price = H.last_hedge_price;
	in.last_hedge_ts = H.last_hedge_ts;
	in.daily_hedge_count = H.daily_hedge_count;
	in.daily_pnl = H.daily_pnl;
	in.execution_state = H.n_pending > 0 ? DIM_E1_ORDER_WORKING : DIM_E0_IDLE;
	in.broker_connected = broker_connected;
	in.faults_clear_since = H.faults_clear_since;
	in.suspended = suspended;
	if (engine_input_check(&in, NULL) != NULL)
	{
		/* a quote the feed should never give (crossed, negative): treat as none */
		in.has_quote = false;
	}
	engine_evaluate(&H.cfg, &in, &out);
	H.faults_clear_since = out.faults_clear_since;
	H.last_out = out;
	H.have_out = true;
	return out;
}

typedef struct intent_args
{
	hedge_intent_rec rec;
	hedge_order_rec order;
} intent_args;

static void
intent_work(void *arg)
{
	intent_args *a = arg;

	/* the intent and its order are durable before anything leaves */
	hstore_sync_commit(true);
	hstore_record_intent(&a->rec, &a->order);
	write_status_here("hedge_intent");
}

typedef enum order_answer
{
	ORDER_ACCEPTED,
	ORDER_REJECTED,
	ORDER_UNKNOWN
} order_answer;

typedef struct order_args
{
	hedge_order_rec order;		/* as the tables have it (status before this row) */
	double		ts;
	order_answer answer;
	const char *reason;			/* of a reject, or why the outcome is unknown */
} order_args;

static void
order_work(void *arg)
{
	order_args *a = arg;

	/*
	 * Durable like the intent: after a crash, CREATED must mean "never sent"
	 * (or, at a venue, "ask before concluding") and NEW "at the broker", or a
	 * restart would cancel a live order.
	 */
	hstore_sync_commit(true);

	switch (a->answer)
	{
		case ORDER_REJECTED:
			hstore_order_rejected(&a->order, H.symbol, a->ts, a->reason);
			write_status_here("reject");
			return;
		case ORDER_ACCEPTED:
			hstore_order_sent(&a->order, H.symbol, a->ts);
			break;
		case ORDER_UNKNOWN:
			hstore_order_unknown(&a->order, H.symbol, a->ts, a->reason);
			break;
	}
	/* the day's hedge count moved with the send */
	write_status_here(NULL);
}

/* Sends the order to the venue; the outcome and its reason go into oa. */
static void
send_to_venue(pending_order *p, order_args *oa, venue_order_report *rep)
{
	venue	   *v = H.broker_venue;
	venue_send_result send_result;

	memset(rep, 0, sizeof(*rep));
	p->live = true;
	p->sent_wall = venue_now();
	p->next_query = p->sent_wall + HEDGER_QUERY_FIRST_S;
	send_result = v->ops->send(v, p->order.side, p->order.qty, p->order.client_order_id, rep);
	/* the grace before "never reached the venue" counts from when the request left */
	p->sent_wall = isfinite(rep->left_at) ? rep->left_at : venue_now();
	venue_scrub_secrets(&v->params, rep->reason);
	switch (send_result)
	{
		case VENUE_SEND_ACCEPTED:
			oa->answer = ORDER_ACCEPTED;
			strlcpy(p->order.exchange_order_id, rep->exchange_order_id,
					sizeof(p->order.exchange_order_id));
			break;
		case VENUE_SEND_REJECTED:
			oa->answer = ORDER_REJECTED;
			oa->reason = rep->reason[0] ? rep->reason : "rejected by the venue";
			break;
		case VENUE_SEND_UNKNOWN:
			oa->answer = ORDER_UNKNOWN;
			oa->reason = rep->reason[0] ? rep->reason : "no answer from the venue";
			p->outcome_unknown = true;
			/* ask at once: the order may well be there */
			p->next_query = venue_now();
			ereport(LOG, (errmsg("bifrost: order %s has an unknown outcome (%s); asking %s by client order id",
								 p->order.client_order_id, oa->reason, v->ops->name)));
			break;
	}
}

/* A reject: no order leaves before the back-off (REJECT_BACKOFF_*) is over. */
static void
note_reject(double ts)
{
	double		wait = Min(REJECT_BACKOFF_MIN_S * ldexp(1.0, Min(H.reject_streak, 16)), REJECT_BACKOFF_MAX_S);

	H.reject_streak++;
	H.reject_backoff_until = ts + wait;
}

static bool
reject_backoff_active(double now)
{
	return H.reject_streak > 0 && isfinite(H.reject_backoff_until) && now < H.reject_backoff_until;
}

/*
 * Records the broker's answer to the send of pending order i: the order
 * counts in the day's hedges from this row on (rejected or not), and a
 * rejected one leaves the pending list.  False when the row did not commit:
 * it stays due and is tried again.
 */
static bool
record_order_row(int i, double ts, bool suspended, bool broker_connected)
{
	pending_order *p = &H.pending[i];
	order_args	oa;

	memset(&oa, 0, sizeof(oa));
	oa.order = p->order;
	oa.ts = ts;
	oa.reason = p->row_reason;
	oa.answer = p->row_due == ROW_REJECTED ? ORDER_REJECTED :
		p->row_due == ROW_UNKNOWN ? ORDER_UNKNOWN : ORDER_ACCEPTED;

	ledger_save();
	/* an order refused before it left is no hedge sent (hstore_load_day counts the same) */
	if (!(p->row_due == ROW_REJECTED && strncmp(p->row_reason, "not sent:", 9) == 0))
		H.daily_hedge_count++;
	if (p->row_due == ROW_REJECTED)
	{
		bool		via_fsm = p->via_fsm;

		H.pending[i] = H.pending[--H.n_pending];
		note_reject(ts);
		/* the reject's status rows show the state after the failure */
		if (via_fsm && (H.bootstrapped || H.have_quote))
		{
			engine_output out = run_engine(ts, TE_HEDGE_FAILED, suspended, broker_connected);
			bool		changed = false;

			set_state(out.next_state, ts, &changed);
		}
	}
	else
	{
		strlcpy(p->order.status, p->row_due == ROW_UNKNOWN ? "UNKNOWN" : "NEW", sizeof(p->order.status));
		p->row_due = ROW_NONE;
	}
	if (commit_or_restore(oa.answer == ORDER_REJECTED ? "bifrost: order rejected" :
						  oa.answer == ORDER_UNKNOWN ? "bifrost: order outcome unknown" : "bifrost: order sent",
						  order_work, &oa))
		return true;
	retry_later(&H.pending[i], venue_now());
	return false;
}

/* Answers to sends whose rows failed, tried again when their time comes. */
static void
retry_order_rows(double wall_now, bool suspended, bool broker_connected)
{
	int			i = 0;

	while (i < H.n_pending)
	{
		pending_order *p = &H.pending[i];
		bool		ends = p->row_due == ROW_REJECTED;

		if (p->row_due == ROW_NONE || p->row_retry_at > wall_now ||
			!record_order_row(i, feed_is_replay(H.feed) ? H.engine_now : wall_now, suspended, broker_connected) ||
			!ends)
			i++;
	}
}

/*
 * Records the intent, then sends the order to the broker.  The paper
 * broker's answer is a pure function of the client order id, so the
 * decision taken here is the one a restarted worker would take again.
 */
static void
place_hedge(double now, hedge_side side, int64 qty, const char *reason, double net_delta,
			bool suspended, bool broker_connected, bool through_fsm)
{
	intent_args ia;
	order_args	oa;
	pending_order p;
	char		err[STORE_ERROR_MAX];

	flush_blocked();
	H.intent_started_at = GetCurrentTimestamp();
	memset(&ia, 0, sizeof(ia));
	ia.rec.symbol = H.symbol;
	ia.rec.ts = now;
	ia.rec.side = side;
	ia.rec.qty = qty;
	ia.rec.mid = mid_of(&H.quote);
	ia.rec.net_delta = net_delta;
	ia.rec.state_reason = reason;
	ia.rec.config_hash = H.config_hash;
	if (!store_run("bifrost: hedge intent", intent_work, &ia, err, sizeof(err)))
	{
		note_write_failure(err);
		return;
	}
	/* bench/bench_worker.sh reads this line for the quote-to-order latency */
	elog(DEBUG1, "bifrost: quote to committed intent %s: " INT64_FORMAT " us (intent transaction " INT64_FORMAT " us)",
		 ia.order.client_order_id, (int64) (GetCurrentTimestamp() - H.quote_taken_at),
		 (int64) (GetCurrentTimestamp() - H.intent_started_at));

	memset(&p, 0, sizeof(p));
	memset(&oa, 0, sizeof(oa));
	p.order = ia.order;
	p.via_fsm = through_fsm;
	if (H.live)
	{
		venue_order_report rep;

		/* no transaction is open: the intent is committed, the answer gets its own */
		send_to_venue(&p, &oa, &rep);
	}
	else
	{
		paper_fill_decide(&H.paper, p.order.client_order_id, qty, &p.decision);
		p.due = paper_fill_due(&H.paper, now);
		oa.answer = p.decision.outcome == PAPER_REJECT ? ORDER_REJECTED : ORDER_ACCEPTED;
		oa.reason = p.decision.reason;
	}
	/* the order has left: the cooldown runs from its send, rejected or not */
	H.last_hedge_ts = now;
	p.row_due = oa.answer == ORDER_REJECTED ? ROW_REJECTED : oa.answer == ORDER_UNKNOWN ? ROW_UNKNOWN : ROW_SENT;
	strlcpy(p.row_reason, oa.reason ? oa.reason : "", sizeof(p.row_reason));
	/* tracked until its row commits, whatever happens to the row */
	H.pending[H.n_pending++] = p;
	if (through_fsm)
	{
		engine_output out = run_engine(now, TE_TARGET_EMITTED, suspended, broker_connected);
		bool		changed = false;

		set_state(out.next_state, now, &changed);
	}
	(void) record_order_row(H.n_pending - 1, now, suspended, broker_connected);
}

typedef struct fill_args
{
	hedge_fill_rec rec;
} fill_args;

static void
fill_work(void *arg)
{
	fill_args  *a = arg;

	hstore_fill(&a->rec);
	write_status_here("fill");
	if (a->rec.filled_qty < a->rec.order->qty)
		write_status_here("cancel");	/* the rest of a partial fill */
}

/*
 * Records the fill of pending order i (filled_qty lots at price; the rest,
 * if any, is cancelled) and takes it off the pending list.  fee is in money
 * (NAN unknown), fee_lots withheld from the lots received.  False when the
 * rows did not commit: the order stays pending with its fill, tried again.
 */
static bool
apply_fill(int i, double ts, int64 filled_qty, double price, double fee, double fee_lots,
		   bool suspended, bool broker_connected)
{
	pending_order *p;
	fill_args	a;
	double		signed_qty;
	engine_output out;
	bool		changed = false;
	hedge_book	after;
	bool		closes;
	double		realized;
	hedge_order_rec order;

	/* the answer to the send first: the fill's rows follow its NEW row */
	if (H.pending[i].row_due != ROW_NONE && !record_order_row(i, ts, suspended, broker_connected))
		return false;
	p = &H.pending[i];
	signed_qty = (p->order.side == HEDGE_BUY ? 1.0 : -1.0) * (double) filled_qty;
	fee_lots = isfinite(fee_lots) ? fee_lots : 0;
	after = H.book;
	closes = H.book.position != 0 && (H.book.position > 0) != (signed_qty > 0);
	realized = pnl_apply_fill_fees(&after, signed_qty, lot_value(price), isfinite(fee) ? fee : 0, fee_lots);
	order = p->order;

	memset(&a, 0, sizeof(a));
	a.rec.order = &order;
	a.rec.symbol = H.symbol;
	a.rec.ts = ts;
	a.rec.filled_qty = filled_qty;
	a.rec.price = price;
	a.rec.fee = fee;
	a.rec.fee_base_lots = fee_lots;
	/* a fill that only opens or adds realizes nothing: NULL, not a 0 that counts as a loss */
	a.rec.realized_pnl = closes ? realized : NAN;
	a.rec.position_after = after.position;
	a.rec.avg_cost_after = after.avg_cost / H.units_per_lot;

	/* memory as after the fill, so that its status rows show it; put back if they fail */
	ledger_save();
	H.book = after;
	H.last_hedge_price = price;
	H.reject_streak = 0;
	H.pending[i] = H.pending[--H.n_pending];
	update_daily_pnl(ts);

	/*
	 * The state after the fill goes into the fill's own status rows; the
	 * engine looks at the fill's own time, when the quote it filled at was
	 * current (not at a later quote's time, when it would look stale).
	 */
	if (H.bootstrapped || H.have_quote)
	{
		out = run_engine(ts, TE_HEDGE_DONE, suspended, broker_connected);
		set_state(out.next_state, ts, &changed);
	}
	if (commit_or_restore("bifrost: fill", fill_work, &a))
		return true;
	p = &H.pending[i];
	p->fill_known = true;
	p->fill_ts = ts;
	p->fill_qty = filled_qty;
	p->fill_price = price;
	p->fill_fee = fee;
	p->fill_fee_lots = fee_lots;
	retry_later(p, venue_now());
	return false;
}

/* Fills every paper order due by the feed clock now, at the quote current then. */
static void
fill_due_orders(double now, bool suspended, bool broker_connected)
{
	int			i = 0;

	while (i < H.n_pending)
	{
		pending_order *p = &H.pending[i];
		bool		filled;

		if (p->live || p->row_due == ROW_REJECTED || p->due > now ||
			(!p->fill_known && (!H.have_quote || !quote_usable(&H.quote))))
		{
			i++;
			continue;
		}
		if (p->fill_known)
			filled = apply_fill(i, p->fill_ts, p->fill_qty, p->fill_price, p->fill_fee, p->fill_fee_lots,
								suspended, broker_connected);
		else
			/* due, or the first quote after it when none was current then (after a restart) */
			filled = apply_fill(i, Max(Max(p->due, p->order.placed_at), H.quote.ts), p->decision.filled_qty,
								paper_fill_price(&H.paper, p->order.side, H.quote.bid, H.quote.ask), 0, 0,
								suspended, broker_connected);
		if (!filled)
			i++;
	}
}

typedef struct unfilled_args
{
	hedge_order_rec order;
	double		ts;
	bool		rejected;		/* else cancelled */
	char		reason[VENUE_NOTE_MAX];
} unfilled_args;

static void
unfilled_work(void *arg)
{
	unfilled_args *a = arg;
	Oid			types[2] = {INT8OID, TIMESTAMPTZOID};
	Datum		values[2] = {Int64GetDatum(a->order.order_id),
	TimestampTzGetDatum(epoch_to_timestamptz(a->ts))};

	hstore_sync_commit(true);
	if (a->rejected)
	{
		hstore_order_rejected(&a->order, H.symbol, a->ts, a->reason);
		write_status_here("reject");
		return;
	}
	hstore_order_cancelled(&a->order, H.symbol, a->ts, a->order.qty, a->reason);
	store_exec("UPDATE bifrost.orders SET status = 'CANCELED', updated_at = $2, remaining_amount = 0"
			   " WHERE id = $1", 2, types, values, NULL, SPI_OK_UPDATE);
	write_status_here("cancel");
}

/*
 * Pending order i ended without a fill: record it, let the state machine
 * know.  False when the rows did not commit: it stays pending, asked again.
 */
static bool
finish_unfilled(int i, double ts, bool rejected, const char *reason, bool suspended,
				bool broker_connected)
{
	unfilled_args a;
	engine_output out;
	bool		changed = false;

	if (H.pending[i].row_due != ROW_NONE && !record_order_row(i, ts, suspended, broker_connected))
		return false;
	memset(&a, 0, sizeof(a));
	a.order = H.pending[i].order;
	a.ts = ts;
	a.rejected = rejected;
	strlcpy(a.reason, reason, sizeof(a.reason));

	ledger_save();
	H.pending[i] = H.pending[--H.n_pending];
	if (rejected)
		note_reject(ts);
	/* an order settled by the reconciliation before the first quote is no event of the state machine */
	if (H.bootstrapped || H.have_quote)
	{
		out = run_engine(ts, TE_HEDGE_FAILED, suspended, broker_connected);
		set_state(out.next_state, ts, &changed);
	}
	if (commit_or_restore(rejected ? "bifrost: order rejected" : "bifrost: order cancelled", unfilled_work, &a))
		return true;
	retry_later(&H.pending[i], venue_now());
	return false;
}

/* When to ask about an order again: soon at first, then less often. */
static double
next_query_after(const pending_order *p, double now)
{
	double		wait = HEDGER_QUERY_FIRST_S * ldexp(1.0, Min(p->queries, 10));

	return now + Min(wait, HEDGER_QUERY_MAX_S);
}

/*
 * An order whose send had no answer (or that a restart found CREATED) is at
 * the venue after all: it was sent, once.  False when its row did not commit.
 */
static bool
record_found(pending_order *p, double ts)
{
	order_args	oa;

	memset(&oa, 0, sizeof(oa));
	oa.order = p->order;
	oa.ts = ts;
	oa.answer = ORDER_ACCEPTED;
	ledger_save();
	/* a CREATED order was not in the day's count loaded at the start */
	if (p->never_sent_maybe)
		H.daily_hedge_count++;
	strlcpy(p->order.status, "NEW", sizeof(p->order.status));
	p->outcome_unknown = false;
	p->never_sent_maybe = false;
	if (commit_or_restore("bifrost: order found", order_work, &oa))
		return true;
	retry_later(p, venue_now());
	return false;
}

/* Asks the venue about every order whose time has come, and acts on the answers. */
static void
query_venue_orders(double wall_now, bool suspended, bool broker_connected)
{
	int			i = 0;

	while (i < H.n_pending)
	{
		pending_order *p = &H.pending[i];
		venue_order_report rep;
		double		grace;
		double		ts;
		char		reason[VENUE_NOTE_MAX];
		bool		done;

		if (!p->live || p->row_due == ROW_REJECTED || p->next_query > wall_now)
		{
			i++;
			continue;
		}
		memset(&rep, 0, sizeof(rep));
		rep.fee_base_lots = 0;
		H.broker_venue->ops->query(H.broker_venue, p->order.client_order_id, &rep);
		venue_scrub_secrets(&H.broker_venue->params, rep.reason);
		p->queries++;
		wall_now = venue_now();
		/* the venue's time of the last change, if it is a sane one */
		ts = isfinite(rep.ts) && rep.ts >= p->order.placed_at && rep.ts <= wall_now ? rep.ts : wall_now;
		if (rep.exchange_order_id[0] && !p->order.exchange_order_id[0])
			strlcpy(p->order.exchange_order_id, rep.exchange_order_id, sizeof(p->order.exchange_order_id));
		if ((p->outcome_unknown || p->never_sent_maybe) && p->row_due == ROW_NONE &&
			(rep.state == VENUE_ORDER_OPEN || rep.state == VENUE_ORDER_FILLED ||
			 rep.state == VENUE_ORDER_CANCELED) &&
			!record_found(p, ts))
		{
			i++;
			continue;
		}

		done = true;
		switch (rep.state)
		{
			case VENUE_ORDER_FILLED:
				done = apply_fill(i, ts, Min(rep.filled_qty > 0 ? rep.filled_qty : p->order.qty, p->order.qty),
								  rep.avg_price, rep.fee, rep.fee_base_lots, suspended, broker_connected);
				break;
			case VENUE_ORDER_CANCELED:
				if (rep.filled_qty > 0 && isfinite(rep.avg_price) && rep.avg_price > 0)
				{
					done = apply_fill(i, ts, Min(rep.filled_qty, p->order.qty), rep.avg_price, rep.fee,
									  rep.fee_base_lots, suspended, broker_connected);
					break;
				}
				snprintf(reason, sizeof(reason), "cancelled by %s%s%s", H.broker_venue->ops->name,
						 rep.reason[0] ? ": " : "", rep.reason);
				done = finish_unfilled(i, ts, false, reason, suspended, broker_connected);
				break;
			case VENUE_ORDER_REJECTED:
				snprintf(reason, sizeof(reason), "%s", rep.reason[0] ? rep.reason : "rejected by the venue");
				done = finish_unfilled(i, ts, true, reason, suspended, broker_connected);
				break;
			case VENUE_ORDER_NOT_FOUND:
				grace = 2.0 * bifrost_http_timeout_ms / 1000.0 + HEDGER_NOT_FOUND_GRACE_S;
				done = false;
				if (wall_now - p->sent_wall >= grace)
				{
					if (p->never_sent_maybe)
						snprintf(reason, sizeof(reason), "not_sent_before_restart");
					else
						snprintf(reason, sizeof(reason), "never reached %s: no order %s there %.0f s after sending",
								 H.broker_venue->ops->name, p->order.client_order_id, wall_now - p->sent_wall);
					done = finish_unfilled(i, wall_now, !p->never_sent_maybe, reason, suspended, broker_connected);
					if (!done)
					{
						i++;
						continue;
					}
				}
				break;
			case VENUE_ORDER_OPEN:
			case VENUE_ORDER_UNKNOWN:
				if (rep.state == VENUE_ORDER_UNKNOWN && p->queries == 1)
					ereport(LOG, (errmsg("bifrost: no answer about order %s yet: %s",
										 p->order.client_order_id, rep.reason)));
				done = false;
				break;
		}
		if (done)
			continue;			/* order i left the list */
		p = &H.pending[i];
		if (p->row_retry_at <= wall_now)
			p->next_query = next_query_after(p, wall_now);
		i++;
	}
}

/* One evaluation; acts on the intent when nothing blocks it. */
static void
evaluate(double now, trading_event event, bool suspended, bool broker_connected, bool quote_driven)
{
	engine_output out;
	bool		changed = false;

	update_daily_pnl(now);
	out = run_engine(now, event, suspended, broker_connected);
	set_state(out.next_state, now, &changed);

	if (out.risk_halt && !H.breaker_recorded)
	{
		risk_args	a;

		a.ts = now;
		a.rule = "circuit_breaker";
		snprintf(a.details, sizeof(a.details), "daily P&L %.2f at or below -%.2f: the loss breaker tripped",
				 H.daily_pnl, H.cfg.max_daily_loss_usd);
		run_unit("bifrost: risk event", risk_work, &a);
		H.breaker_recorded = true;
		changed = true;
	}

	if (out.intent.present && (event == TE_TICK || event == TE_QUOTE))
	{
		bool		backing_off = out.block_reason == GUARD_NONE && reject_backoff_active(now);
		bool		switching = out.block_reason == GUARD_NONE && H.switch_waiting;

		if (out.block_reason == GUARD_NONE && out.next_state == TS_NEED_HEDGE && !backing_off && !switching)
		{
			/* the intent's transaction writes the status row: no separate one */
			place_hedge(now, out.intent.side, out.intent.qty,
						out.dims.d == DIM_D3_FORCE_HEDGE ? "D3" : "D2",
						out.net_delta, suspended, broker_connected, true);
			H.last_block = NULL;
			return;
		}
		if (quote_driven)
			record_blocked(now, &out, switching ? "settings_switch" : backing_off ? "reject_backoff" : NULL);
	}
	else if (!out.intent.present)
		H.last_block = NULL;
	if (changed)
		write_status(NULL);
}

/* ---- start, stop, reconcile ------------------------------------------------------ */

typedef struct start_args
{
	hedge_order_rec open[HSTORE_MAX_OPEN_ORDERS];
	int			n_open;
	double		position,
				avg_cost,
				last_price,
				last_ts,
				last_sent_ts;
	bool		have_last;
	bool		have_sent;
	int64		flatten_command;
} start_args;

static void
start_work(void *arg)
{
	start_args *a = arg;

	hstore_load_position(H.symbol, &a->position, &a->avg_cost);
	a->have_last = hstore_load_last_fill(H.symbol, &a->last_price, &a->last_ts);
	a->have_sent = hstore_load_last_sent(H.symbol, &a->last_sent_ts);
	a->n_open = hstore_load_open_orders(H.symbol, a->open, HSTORE_MAX_OPEN_ORDERS);
	a->flatten_command = store_unfinished_flatten();
}

typedef struct cancel_args
{
	hedge_order_rec *order;
	double		ts;
} cancel_args;

static void
cancel_unsent_work(void *arg)
{
	cancel_args *a = arg;
	Oid			types[2] = {INT8OID, TIMESTAMPTZOID};
	Datum		values[2] = {Int64GetDatum(a->order->order_id),
	TimestampTzGetDatum(epoch_to_timestamptz(a->ts))};

	hstore_order_cancelled(a->order, H.symbol, a->ts, a->order->qty, "not_sent_before_restart");
	store_exec("UPDATE bifrost.orders SET status = 'CANCELED', updated_at = $2, remaining_amount = 0"
			   " WHERE id = $1", 2, types, values, NULL, SPI_OK_UPDATE);
	write_status_here("cancel");
}

static void
close_venues(void)
{
	if (H.quote_venue && H.quote_venue != H.broker_venue)
		venue_session_close(H.quote_venue);
	venue_session_close(H.broker_venue);
	H.quote_venue = NULL;
	H.broker_venue = NULL;
}

/* The broker's and the feed's venues, as bifrost.broker and bifrost.feed name them. */
static bool
open_venues(char *why, size_t whylen)
{
	const char *feed_kind = bifrost_feed == BIFROST_FEED_OKX ? "okx" :
		bifrost_feed == BIFROST_FEED_IBKR ? "ibkr" : NULL;
	char		reason[VENUE_WHY_MAX];

	if (H.live)
	{
		const char *name = bifrost_broker_name(bifrost_broker);

		H.broker_venue = venue_session_open(name, H.symbol, reason, sizeof(reason));
		if (H.broker_venue == NULL)
		{
			snprintf(why, whylen, "broker %s: %s", name, reason);
			return false;
		}
		H.units_per_lot = H.broker_venue->ops->units_per_lot(H.broker_venue);
		if (!(isfinite(H.units_per_lot) && H.units_per_lot > 0))
		{
			snprintf(why, whylen, "broker %s: instrument %s has no usable lot size", name, H.symbol);
			close_venues();
			return false;
		}
	}
	if (feed_kind == NULL)
		return true;
	if (H.broker_venue && strcmp(feed_kind, H.broker_venue->ops->name) == 0)
		H.quote_venue = H.broker_venue;
	else
		H.quote_venue = venue_session_open(feed_kind, H.symbol, reason, sizeof(reason));
	if (H.quote_venue == NULL)
	{
		snprintf(why, whylen, "feed %s: %s", feed_kind, reason);
		close_venues();
		return false;
	}
	/* paper trading at a venue's feed sizes in that venue's lots, as live trading would */
	if (!H.live && strcmp(feed_kind, bifrost_broker_name(bifrost_broker)) == 0)
	{
		double		units = H.quote_venue->ops->units_per_lot(H.quote_venue);

		if (isfinite(units) && units > 0)
			H.units_per_lot = units;
	}
	return true;
}

/*
 * The broker's position is the hedge position: when ours differs
 * (a fill we never heard of, a trade by hand), the broker's wins, and the
 * difference is a risk event an operator will see.
 */
static void
reconcile_position(double wall_now)
{
	venue	   *v = H.broker_venue;
	double		lots;
	char		reason[VENUE_WHY_MAX];
	position_args a;

	H.reconcile_after_orders = false;
	if (!v->ops->position(v, &lots, reason, sizeof(reason)))
	{
		venue_scrub_secrets(&v->params, reason);
		/* asked again, later and later: a fill we never heard of must still be found */
		H.reconcile_wait = H.reconcile_wait > 0 ? Min(2 * H.reconcile_wait, RECONCILE_WAIT_MAX_S)
			: RECONCILE_WAIT_MIN_S;
		H.reconcile_at = wall_now + H.reconcile_wait;
		H.reconcile_after_orders = true;
		ereport(WARNING, (errmsg("bifrost: could not read the %s position of %s: %s",
								 v->ops->name, H.symbol, reason),
						  errdetail("Asking again in %.0f s.", H.reconcile_wait)));
		return;
	}
	H.reconcile_wait = 0;
	if (fabs(lots - H.book.position) < 1e-9)
		return;
	memset(&a, 0, sizeof(a));
	a.ts = wall_now;
	a.lots = lots;
	a.risk.rule = "position_mismatch";
	a.lots_before = H.book.position;
	snprintf(a.risk.details, sizeof(a.risk.details),
			 "%s reports %g lots of %s, the hedger's book %g: the broker's position is taken",
			 v->ops->name, lots, H.symbol, H.book.position);
	ereport(LOG, (errmsg("bifrost: %s", a.risk.details)));
	ledger_save();
	H.unpriced_lots += lots - H.book.position;
	H.book.position = lots;
	a.avg_cost = H.book.avg_cost / H.units_per_lot;
	if (!commit_or_restore("bifrost: reconcile position", position_work, &a))
	{
		/* the book stays as its rows are: compare again later */
		H.reconcile_wait = RECONCILE_WAIT_MIN_S;
		H.reconcile_at = wall_now + H.reconcile_wait;
		H.reconcile_after_orders = true;
		return;
	}
	/* before the day has started, roll_day prices them with its first mark */
	if (H.day_started)
	{
		price_unpriced_lots(wall_now, true);
		update_daily_pnl(H.engine_now);
	}
}

bool
hedger_start(double wall_now, hedger_status_writer writer, char *why, size_t whylen)
{
	start_args a;
	const char *bad = NULL;

	if (H.active)
		return true;
	memset(&H, 0, sizeof(H));
	H.write_status = writer;
	H.state = TS_BOOT;
	H.state_since = wall_now;
	H.faults_clear_since = NAN;
	H.last_hedge_price = NAN;
	H.last_hedge_ts = NAN;
	H.holiday_date = INT32_MIN;
	if (blocked_buffer == NULL)
		blocked_buffer = MemoryContextAllocZero(TopMemoryContext,
												sizeof(blocked_row) * HEDGER_BLOCKED_BUFFER);
	H.blocked = blocked_buffer;
	strlcpy(H.day_roll_tz, "America/New_York", sizeof(H.day_roll_tz));
	engine_config_defaults(&H.cfg);

	H.units_per_lot = 1;

	run_unit("bifrost: load config", load_config_work, NULL);
	if (H.symbol[0] == '\0')
	{
		snprintf(why, whylen, "could not read bifrost.config");
		return false;
	}
	H.live = trading_live();
	H.reject_backoff_until = NAN;
	hstore_set_exchange(H.live ? bifrost_broker_name(bifrost_broker) : "paper");
	if (!open_venues(why, whylen))
		return false;
	run_unit("bifrost: load legs", load_legs_work, NULL);

	/* reconcile with the paper broker's book before deciding anything */
	memset(&a, 0, sizeof(a));
	run_unit("bifrost: load book", start_work, &a);
	H.book.position = a.position;
	H.book.avg_cost = lot_value(a.avg_cost);
	if (a.have_last)
	{
		H.last_hedge_price = a.last_price;
		H.last_hedge_ts = a.last_ts;
	}
	/* the cooldown runs from the last send */
	if (a.have_sent)
		H.last_hedge_ts = a.last_sent_ts;
	H.flatten_command = a.flatten_command;
	for (int i = 0; i < a.n_open && H.broker_venue; i++)
	{
		pending_order *p = &H.pending[H.n_pending++];

		/* at the venue or maybe: only the venue can say, so ask it first */
		memset(p, 0, sizeof(*p));
		p->order = a.open[i];
		p->live = true;
		p->outcome_unknown = strcmp(a.open[i].status, "UNKNOWN") == 0;
		p->never_sent_maybe = strcmp(a.open[i].status, "CREATED") == 0;
		p->sent_wall = venue_now();
		p->next_query = p->sent_wall;
	}
	for (int i = 0; i < a.n_open && !H.broker_venue; i++)
	{
		if (strcmp(a.open[i].status, "CREATED") == 0)
		{
			/* recorded but never handed to the broker: it never left */
			cancel_args c = {&a.open[i], wall_now};

			run_unit("bifrost: reconcile", cancel_unsent_work, &c);
			continue;
		}
		/* at the broker: it fills as decided, once, at the next quote */
		H.pending[H.n_pending].order = a.open[i];
		paper_fill_decide(&H.paper, a.open[i].client_order_id, a.open[i].qty, &H.pending[H.n_pending].decision);
		H.pending[H.n_pending].due = paper_fill_due(&H.paper, a.open[i].placed_at);
		H.n_pending++;
	}

	if (H.broker_venue && H.n_pending == 0)
		reconcile_position(wall_now);
	else if (H.broker_venue)
		H.reconcile_after_orders = true;

	/* subscribe to quotes before the state machine starts: its first decision needs one */
	H.feed_p.quote_venue = H.quote_venue;
	H.feed = feed_open(&H.feed_p, wall_now, &bad);
	if (H.feed == NULL)
	{
		snprintf(why, whylen, "%s", bad);
		close_venues();
		return false;
	}
	H.active = true;
	write_status(NULL);
	return true;
}

void
hedger_stop(void)
{
	if (!H.active)
		return;
	flush_blocked();
	if (H.feed && feed_is_replay(H.feed))
		run_unit("bifrost: replay cursor", save_cursor_work, H.feed);
	feed_close(H.feed);
	H.feed = NULL;
	close_venues();
	H.active = false;
}

/* ---- the loop's entry points ----------------------------------------------------- */

/*
 * Every due time of the hedger is set at most its cap ahead of the wall
 * clock; one further ahead means the clock stepped back, and waiting for it
 * would stop the quotes, the order queries or the position read for as long
 * as the step.  It is due now instead.
 */
static void
rebase_due_times(double wall_now)
{
	H.write_resume_at = wall_clock_due(H.write_resume_at, wall_now, WRITE_PAUSE_MAX_S);
	H.reconcile_at = wall_clock_due(H.reconcile_at, wall_now, RECONCILE_WAIT_MAX_S);
	for (int i = 0; i < H.n_pending; i++)
		H.pending[i].next_query = wall_clock_due(H.pending[i].next_query, wall_now, HEDGER_QUERY_MAX_S);
}

double
hedger_next_wake(double wall_now)
{
	double		wake;

	if (!H.active)
		return INFINITY;
	rebase_due_times(wall_now);
	wake = feed_next_due(H.feed, wall_now);
	/* quotes wait out a pause after a failed write */
	if (wake < H.write_resume_at)
		wake = H.write_resume_at;
	if (wake < wall_now)
		wake = wall_now;
	/*
	 * Sim fills are due on the wall clock; replay fills come with its ticks.
	 * A paper fill needs a usable quote: without one it waits for the feed's
	 * next quote, not its own due time, which would be due again at once and
	 * spin the worker.  A fill that failed to write waits out the pause.
	 */
	for (int i = 0; i < H.n_pending; i++)
	{
		if (H.pending[i].live)
			wake = Min(wake, H.pending[i].next_query);
		else if (!feed_is_replay(H.feed) && H.have_quote && quote_usable(&H.quote))
			wake = Min(wake, Max(H.pending[i].due, H.write_resume_at));
	}
	return Max(wake, wall_now);
}

static void
read_rows_work(void *arg)
{
	feed_read_rows((feed *) arg);
}

static void
save_cursor_work(void *arg)
{
	feed_save_cursor((feed *) arg);
}

static void
take_quote(const feed_quote *q, bool suspended, bool broker_connected)
{
	H.quote_taken_at = GetCurrentTimestamp();
	/* orders left open by a restart have no earlier quote: this one is the first they see */
	if (!H.have_quote)
	{
		H.quote = *q;
		H.have_quote = true;
	}
	/* orders due before this quote fill at the quote current when they were due */
	fill_due_orders(q->ts, suspended, broker_connected);
	H.quote = *q;
	H.have_quote = true;
	H.engine_now = q->ts;
	roll_day(q->ts);
	settle_expired_legs(q->ts);
	if (H.day_started)
		price_unpriced_lots(q->ts, true);
	if (!H.bootstrapped)
	{
		bool		changed = false;
		engine_output out;

		/* quotes first, then the state machine: a fresh start can reach MONITOR */
		out = run_engine(q->ts, TE_START, suspended, broker_connected);
		set_state(out.next_state, q->ts, &changed);
		out = run_engine(q->ts, TE_SYNCED, suspended, broker_connected);
		set_state(out.next_state, q->ts, &changed);
		H.bootstrapped = true;
		write_status(NULL);
		return;
	}
	evaluate(q->ts, TE_TICK, suspended, broker_connected, true);
}

void
hedger_poll(double wall_now, bool suspended, bool broker_connected)
{
	feed_quote	q;
	bool		take_quotes;

	if (!H.active)
		return;
	rebase_due_times(wall_now);
	take_quotes = wall_now >= H.write_resume_at;
	H.write_failed = false;
	for (int n = 0; take_quotes && !H.write_failed && n < HEDGER_QUOTES_PER_POLL; n++)
	{
		if (feed_needs_rows(H.feed))
		{
			run_unit("bifrost: read ticks", read_rows_work, H.feed);
			if (feed_needs_rows(H.feed))
				break;
		}
		if (!feed_next(H.feed, wall_now, &q))
			break;
		take_quote(&q, suspended, broker_connected);
		/* a flatten goes on at the quote that settled the order it waited for */
		advance_flatten(wall_now, suspended, broker_connected);
		CHECK_FOR_INTERRUPTS();
	}
	if (!feed_is_replay(H.feed))
	{
		H.engine_now = wall_now;
		fill_due_orders(wall_now, suspended, broker_connected);
	}
	retry_order_rows(venue_now(), suspended, broker_connected);
	if (H.broker_venue)
	{
		flush_blocked();
		query_venue_orders(venue_now(), suspended, broker_connected);
		if (H.reconcile_after_orders && H.n_pending == 0 && venue_now() >= H.reconcile_at)
			reconcile_position(venue_now());
	}
	advance_flatten(wall_now, suspended, broker_connected);
	flush_blocked();
	settle_write_pause(wall_now, take_quotes);
}

void
hedger_heartbeat(double wall_now, bool suspended, bool broker_connected)
{
	if (!H.active)
		return;
	hedger_reload();
	if (!H.active)
		return;
	if (feed_is_replay(H.feed))
	{
		/* replay decides on its ticks only, so its rows do not depend on timing */
		run_unit("bifrost: replay cursor", save_cursor_work, H.feed);
		update_daily_pnl(H.engine_now);
		return;
	}
	H.engine_now = wall_now;
	if (H.bootstrapped)
		evaluate(wall_now, TE_TICK, suspended, broker_connected, false);
	flush_blocked();
}

typedef struct flatten_result_args
{
	int64		command;
	const char *result;
} flatten_result_args;

static void
flatten_result_work(void *arg)
{
	flatten_result_args *a = arg;

	hstore_sync_commit(true);
	store_set_command_result(a->command, a->result);
}

/*
 * The whole lots of the position, which a flatten trades: never more than
 * is held (a spot account cannot sell what it does not have, and the venue
 * refuses it every time), and a fraction of a lot (a fee kept in the base
 * currency) is no order a venue takes.  The tolerance absorbs the binary
 * error of a position summed from fills.
 */
static int64
flatten_lots(void)
{
	return (int64) floor(fabs(H.book.position) + 1e-6);
}

/* The result of a flatten with no whole lot left: done by its orders (flattened) or before any. */
static const char *
flat_result(bool flattened)
{
	static char text[256];
	double		left = fabs(H.book.position);

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
 * One step of an operator's flatten: nothing while an order is in flight
 * (it fills or ends first), then the order that takes the position to
 * zero, and when the position is zero the command's result says so.
 * Returns the step's text for daemon_control.result.
 */
static const char *
flatten_step(double wall_now, bool suspended, bool broker_connected)
{
	double		now = feed_is_replay(H.feed) ? H.engine_now : wall_now;
	int64		qty;

	if (!suspended)
		return "flatten abandoned: hedging was resumed before the position reached zero";
	qty = flatten_lots();
	if (H.n_pending > 0)
		return "flattening: waiting for the hedge in flight, then taking the position to zero";
	if (H.switch_waiting)
		return "flattening: the settings changed; the hedger starts over with them, then takes the position to zero";
	if (qty == 0)
		return flat_result(true);
	if (!broker_connected)
		return "flattening: waiting for the broker";
	if (!H.have_quote || !quote_usable(&H.quote))
		return "flattening: waiting for a usable quote";
	if (reject_backoff_active(now))
		return "flattening: the broker rejected the last order; sending again after the back-off";
	place_hedge(now, H.book.position > 0 ? HEDGE_SELL : HEDGE_BUY, qty, "flatten",
				H.have_out ? H.last_out.net_delta : NAN, true, broker_connected, false);
	return "flattening: order sent to take the position to zero; hedging stays suspended until bifrost_resume()";
}

static bool
flatten_finished(const char *result)
{
	return strncmp(result, "flattening:", 11) != 0;
}

/* Moves a flatten in progress on, and records its end in its command's result. */
static void
advance_flatten(double wall_now, bool suspended, bool broker_connected)
{
	flatten_result_args a;
	char		err[STORE_ERROR_MAX];

	if (H.flatten_command == 0)
		return;
	a.command = H.flatten_command;
	a.result = flatten_step(wall_now, suspended, broker_connected);
	if (!flatten_finished(a.result))
		return;
	if (!store_run("bifrost: flatten result", flatten_result_work, &a, err, sizeof(err)))
	{
		note_write_failure(err);
		return;
	}
	H.flatten_command = 0;
}

const char *
hedger_flatten(int64 command_id, double wall_now, bool broker_connected)
{
	const char *result;

	if (!H.active)
		return "not flattened: the hedger is not running";
	if (flatten_lots() == 0 && H.n_pending == 0)
		return flat_result(false);
	/* bifrost_flatten() set the suspended flag with the command */
	result = flatten_step(wall_now, true, broker_connected);
	H.flatten_command = flatten_finished(result) ? 0 : command_id;
	return result;
}

const char *
hedger_resume_trading(double wall_now, bool suspended, bool broker_connected)
{
	engine_output out;
	bool		changed = false;
	double		now = feed_is_replay(H.feed) ? H.engine_now : wall_now;

	if (!H.active)
		return "not resumed: the hedger is not running";
	if (H.state != TS_SAFE)
		return "not in SAFE: nothing to resume";
	out = run_engine(now, TE_MANUAL_RESUME, suspended, broker_connected);
	set_state(out.next_state, now, &changed);
	if (!changed)
		return "still SAFE: a fault remains (stale data, bad greeks or broker down)";
	write_status(NULL);
	return "resumed: SAFE -> SYNC";
}
