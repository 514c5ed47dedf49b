/*
 * hedger_core.h: the hedging loop without its surroundings.
 *
 * The core holds the book (legs, hedge position, orders in flight), the
 * trading day and its P&L, the trading state machine, and reacts to what
 * happens: a quote, a broker's answer, a new day, an expiry, an operator's
 * command.  Every reaction goes through engine_evaluate() and comes out as
 * rows to write and orders to send.  It reads no clock, opens no file and
 * talks to no network: all of that goes through the port below, which the
 * worker implements with its tables and venues and a backtest with its own
 * tables and the paper fill model.  So both decide with the same code.
 *
 * Memory follows the tables.  A change that rows record is made in memory,
 * the rows (whose status rows show the state after the change) are written
 * as one unit through port->write, and when that fails memory is put back:
 * the core never holds what the tables do not.  A row the broker's answer
 * makes due (the order is at the broker whatever the tables say) is kept
 * and written again later, never dropped.
 *
 * Clocks: "now" is the feed's clock (the quote's time; a replay's ticks),
 * on which the engine decides and paper orders fill; "wall" is the wall
 * clock, on which venues are asked and failed writes retried.  For a live
 * or simulated feed they are the same clock.
 *
 * Pure C99, no PostgreSQL header; no allocation: the caller owns the core
 * and the legs' arrays.
 */
#ifndef BIFROST_HEDGER_CORE_H
#define BIFROST_HEDGER_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "hedger_types.h"
#include "paper_fill.h"
#include "pnl.h"

/* Blocked decisions buffered before one unit writes them. */
#define HCORE_BLOCKED_BUFFER 512
/* Rows in one unit, besides a batch of blocked decisions. */
#define HCORE_UNIT_MAX_ROWS 8

/* ---- rows ---------------------------------------------------------------- */

typedef enum hcore_row_kind
{
	HROW_STATUS,				/* the status row (figures), and a history row for a reason */
	HROW_BLOCKED,				/* a batch of decisions that wanted to hedge and were blocked */
	HROW_RISK_EVENT,
	HROW_DAY_START,				/* the day's start equity, with the book's legs now */
	HROW_POSITION,				/* the hedge position and its average cost */
	HROW_ADJUSTMENT,			/* a change of the position no trade explains */
	HROW_SETTLE,				/* legs expired by now settle at price in style */
	HROW_INTENT,				/* decision, hedge intent and the CREATED order */
	HROW_ORDER_SENT,			/* the broker has it: NEW */
	HROW_ORDER_UNKNOWN,			/* its answer was lost: UNKNOWN, asked by client order id */
	HROW_ORDER_REJECTED,
	HROW_ORDER_CANCELLED,		/* ended unfilled: CANCELED with nothing left */
	HROW_FILL,					/* trade, position, order FILLED (the rest cancelled) */
	HROW_COMMAND_RESULT			/* an operator's command's result text */
} hcore_row_kind;

typedef struct hcore_blocked
{
	double		ts;
	engine_output out;
	const char *reason;			/* static; NULL: the engine's block reason */
} hcore_blocked;

typedef struct hcore_row
{
	hcore_row_kind kind;
	double		ts;
	union
	{
		struct
		{
			hedger_figures figures;
			const char *history_reason; /* NULL: the status row only */
		}			status;
		struct
		{
			const hcore_blocked *rows;
			int			n;
		}			blocked;
		struct
		{
			const char *level;	/* "block", "warn" */
			const char *rule;
			char		details[256];
		}			risk;
		struct
		{
			int32_t		date;
			double		equity;
		}			day;
		struct
		{
			double		lots;
			double		avg_cost;	/* per unit of the underlying */
		}			position;
		struct
		{
			double		before;
			double		after;
			const char *reason;
		}			adjustment;
		struct
		{
			double		price;
			settlement_style style;
		}			settle;
		hedge_intent_rec intent;
		struct
		{
			hedge_order_rec order;	/* as the tables have it before this row */
			const char *reason; /* of a reject or cancel, or why the outcome is unknown */
		}			order;
		struct
		{
			hedge_fill_rec rec;
			hedge_order_rec order;	/* rec.order points here */
		}			fill;
		struct
		{
			int64_t		command;
			const char *result;
		}			command;
	}			u;
} hcore_row;

/*
 * One unit of rows, written in one transaction.  durable: it must survive a
 * crash once written (an intent before its order leaves, an order's
 * answer); other units may commit without waiting for the disk.
 */
typedef struct hcore_unit
{
	const char *activity;		/* what the unit does, for logs and pg_stat_activity */
	bool		durable;
	int			n_rows;
	hcore_row	rows[HCORE_UNIT_MAX_ROWS];
	hedge_order_rec intent_order;	/* out: the CREATED order an HROW_INTENT recorded */
} hcore_unit;

/* ---- the port ------------------------------------------------------------- */

typedef enum hcore_log_level
{
	HCORE_LOG,
	HCORE_WARNING
} hcore_log_level;

/*
 * What the core asks of its surroundings.  Every function is required
 * unless marked optional; ctx is passed back to each.
 */
typedef struct hcore_port
{
	void	   *ctx;

	/*
	 * Writes the unit's rows in one transaction; true when it committed.
	 * On false, error (errlen bytes) says why.
	 */
	bool		(*write) (void *ctx, hcore_unit *unit, char *error, size_t errlen);

	/* The New York clock at now, holidays and early closes included. */
	void		(*clock) (void *ctx, double now, engine_clock *out);

	/* The trading date (days since 1970-01-01) of now in the day's time zone. */
	int32_t		(*trading_date) (void *ctx, double now);

	/*
	 * The day's record for date; stored legs that differ from the book's
	 * are valued at mid and now (hcore_legs_value).  False when it could
	 * not be read (an empty record is used).
	 */
	bool		(*load_day) (void *ctx, int32_t date, double mid, double now, hedge_day_rec *out,
							 char *error, size_t errlen);

	/*
	 * Settlements: whether a leg expired at now still waits for its
	 * settlement, and (after an HROW_SETTLE unit committed) giving each
	 * settled leg its price and style.
	 */
	bool		(*settlement_due) (void *ctx, const engine_leg *legs, int n, double now);
	void		(*apply_settlements) (void *ctx, engine_leg *legs, int n);

	/* The time as of which the feed vouches for a quote stamped quote_ts, judged at now. */
	double		(*quote_as_of) (void *ctx, double quote_ts, double now);

	/* The wall clock now (epoch seconds). */
	double		(*wall_now) (void *ctx);

	/*
	 * A live broker (NULL for paper: the paper fill model answers).  send
	 * never retries; query never fails (BROKER_ORDER_UNKNOWN); position
	 * says the signed lots held, false with why.
	 */
	broker_send_result (*send) (void *ctx, hedge_side side, int64_t qty, const char *client_order_id,
								broker_order_report *out);
	void		(*query) (void *ctx, const char *client_order_id, broker_order_report *out);
	bool		(*position) (void *ctx, double *lots, char *why, size_t whylen);
	const char *broker_name;	/* "okx", "ibkr": in messages */

	/* optional: a line for the log */
	void		(*log) (void *ctx, hcore_log_level level, const char *message);
} hcore_port;

/* ---- the core --------------------------------------------------------------- */

/* A row about an order that the broker answered and that has not committed yet. */
typedef enum hcore_order_row
{
	HCORE_ROW_NONE,				/* every answer is recorded */
	HCORE_ROW_SENT,				/* accepted: the NEW row */
	HCORE_ROW_UNKNOWN,			/* the answer was lost: the UNKNOWN row */
	HCORE_ROW_REJECTED			/* rejected at the send: the REJECTED row (the order is over) */
} hcore_order_row;

typedef struct hcore_order
{
	hedge_order_rec order;
	double		due;			/* paper: when it fills, feed clock */
	paper_decision decision;	/* paper: how it fills */
	bool		live;			/* at a broker: its answers decide, not the paper model */
	bool		outcome_unknown;	/* the send's answer was lost */
	bool		never_sent_maybe;	/* CREATED when the hedger restarted */
	double		sent_wall;		/* wall clock of the send (or of the restart) */
	double		next_query;		/* wall clock */
	int			queries;
	bool		price_awaited;	/* the broker said filled without a usable price */
	bool		via_fsm;		/* a hedge of the state machine (not a flatten) */

	/*
	 * Rows that did not commit are retried, never dropped: the answer to
	 * the send, and a fill, kept as it was decided so that the retry
	 * records the same fill.
	 */
	hcore_order_row row_due;
	char		row_reason[HEDGE_NOTE_MAX];
	double		row_retry_at;	/* wall clock */
	bool		fill_known;
	double		fill_ts;
	int64_t		fill_qty;
	double		fill_price;
	double		fill_fee;
	double		fill_fee_lots;
	double		retry_wait;		/* seconds, doubling with each failed try */
} hcore_order;

/* What the core knows of the broker and the feed, and how it trades. */
typedef struct hcore_settings
{
	const char *symbol;			/* the hedge instrument, in messages (caller's string) */
	engine_config cfg;
	paper_fill_model paper;
	bool		live;			/* orders go to port->send; else the paper model fills them */
	bool		replay;			/* decisions at the feed's quotes only (recorded ticks) */
	double		units_per_lot;	/* underlying per lot: 1 for shares */
	double		not_found_grace_s;	/* an order the broker does not have is taken as never
									 * arrived this long after its request left */
} hcore_settings;

/*
 * The part of the core that rows record: a unit that records a change
 * moves it first (its status rows show the state after the change) and it
 * is put back as a whole when the unit fails.
 */
typedef struct hcore_ledger
{
	hedge_book	book;			/* position, average cost, today's cash */
	double		unpriced_lots;	/* taken from the broker's position, not yet given a cost */
	double		last_hedge_price;
	int			daily_hedge_count;	/* orders sent today, ones the broker rejected too */
	double		daily_pnl;
	int			reject_streak;	/* rejects in a row since the last fill */
	double		reject_backoff_until;	/* feed clock; no order before it */

	/* orders in flight */
	hcore_order pending[HEDGE_MAX_OPEN_ORDERS];
	int			n_pending;

	/* the trading state machine, and its last decision */
	trading_state state;
	double		state_since;
	double		faults_clear_since;
	engine_output last_out;
	bool		have_out;
} hcore_ledger;

typedef struct hcore
{
	hcore_port	port;
	hcore_settings set;
	hcore_ledger led;

	/* the book's legs (caller's arrays) */
	engine_leg *legs;
	engine_leg *legs_in_lots;	/* the same with multipliers in lots, for the engine */
	int			n_legs;
	/* the legs priced at the last instant asked (hcore_book); forgotten when they change */
	portfolio_book book;
	bool		book_known;
	/* the legs passed the engine's check at legs_checked_at with these lots (so at any later time) */
	bool		legs_checked;
	double		legs_checked_at;
	double		legs_checked_units;
	double		last_hedge_ts;	/* the cooldown's start: the last order sent */

	/* the day */
	int32_t		trading_date;	/* 0 before the first quote */
	bool		day_started;
	double		day_start_equity;
	bool		breaker_recorded;
	bool		day_start_unsaved;	/* its row failed: stored again at day_start_retry_at (wall) */
	double		day_start_retry_at;
	double		day_start_retry_wait;

	/* another mode, broker or instrument waits for the orders in flight; none leaves meanwhile */
	bool		switch_waiting;
	/* an operator's flatten not yet done: its command id, 0 when none */
	int64_t		flatten_command;

	bool		bootstrapped;	/* the state machine has started (at the first quote) */
	const char *last_block;		/* for risk events on a change of reason */

	/* market */
	bool		have_quote;
	double		bid,
				ask,
				quote_ts;
	double		now;			/* the engine's time: the last quote's, or the wall clock */

	bool		reconcile_after_orders; /* compare positions once the orders have settled */
	double		reconcile_at;	/* wall clock of the next try after a failed read */
	double		reconcile_wait;

	hcore_blocked blocked[HCORE_BLOCKED_BUFFER];
	int			n_blocked;

	/* a unit failed in this round (hcore_round_failed) and why */
	bool		write_failed;
	char		write_error[512];
} hcore;

/* What the tables say when the hedger starts. */
typedef struct hcore_loaded
{
	double		position;		/* lots */
	double		avg_cost;		/* per unit of the underlying */
	bool		have_last_fill;
	double		last_fill_price;
	double		last_fill_ts;
	bool		have_last_sent;
	double		last_sent_ts;
	hedge_order_rec open[HEDGE_MAX_OPEN_ORDERS];
	int			n_open;
	int64_t		flatten_command;
} hcore_loaded;

/*
 * A core in state BOOT at wall, with settings and port.  Orders left open
 * are taken up: at a live broker each is asked about before anything else;
 * on paper one recorded but never sent (CREATED) is cancelled (a unit) and
 * one sent fills as the paper model decided, at the next quote.  The
 * broker's position is compared once the orders have settled.
 */
extern void hcore_init(hcore *c, const hcore_settings *set, const hcore_port *port, double wall);
extern void hcore_start(hcore *c, const hcore_loaded *loaded, double wall);

/*
 * Gives the core its legs (caller-owned arrays of n entries, alive until
 * the next call; legs_in_lots is filled).  A book changed while the day
 * runs moves its start equity by the change of the legs' value (legs
 * bought or sold are not P&L), and the start is stored again.
 */
extern void hcore_set_legs(hcore *c, engine_leg *legs, engine_leg *legs_in_lots, int n,
						   bool book_changed);

/* After the port's settlements changed (a reload): the legs take them. */
extern void hcore_settlements_changed(hcore *c);

/* ---- events -------------------------------------------------------------- */

/*
 * A quote of the hedge instrument (its time on the feed's clock), taken at
 * wall: fills the paper orders due before it, rolls the day, settles
 * expired legs, decides, and moves a flatten on.  bid/ask may be anything;
 * an unusable quote decides as none.  One whose time is not finite is left
 * out: the port is never asked about a time no clock can show.
 */
extern void hcore_quote(hcore *c, double ts, double bid, double ask, double wall, bool suspended,
						bool broker_connected);

/*
 * After the quotes of a round, at wall: fills paper orders due by the wall
 * clock (not for a replay), writes answers whose rows failed, asks the
 * broker about orders whose time has come, compares positions once no
 * order is in flight, and moves a flatten on.
 */
extern void hcore_round(hcore *c, double wall, bool suspended, bool broker_connected);

/* The heartbeat: decides at wall (a replay decides at its ticks only). */
extern void hcore_heartbeat(hcore *c, double wall, bool suspended, bool broker_connected);

/* Writes the blocked decisions buffered so far. */
extern void hcore_flush_blocked(hcore *c);

/* Writes the status row. */
extern void hcore_write_status(hcore *c, const char *history_reason);

/*
 * Wall-clock epoch of the next quote, fill or query the core waits for,
 * given the feed's next quote; quotes and paper fills wait until
 * paused_until (a pause after a failed write; -INFINITY for none).
 */
extern double hcore_next_wake(hcore *c, double wall, double feed_next, double paused_until);

/*
 * An operator's flatten (command id): waits for the order in flight, sends
 * the order that takes the position to zero, and records the command's
 * result when the position is zero.  Returns the text for its result now.
 */
extern const char *hcore_flatten(hcore *c, int64_t command, double wall, bool broker_connected);
extern const char *hcore_resume_trading(hcore *c, double wall, bool suspended, bool broker_connected);

/*
 * Whether the core may stop now to start over with other settings: not
 * while an order is in flight, which a core at another broker or on
 * another instrument would never ask about again.  Until then no order
 * leaves.
 */
extern bool hcore_switch_ready(hcore *c);

/* The settings are as the core runs with again: no switch is due, orders may leave. */
extern void hcore_switch_cancel(hcore *c);

extern void hcore_figures(const hcore *c, hedger_figures *out);

/* ---- pure helpers --------------------------------------------------------- */

/*
 * The figures of the core's legs at spot and now (portfolio.h), priced once
 * for everyone who asks at that instant: the engine's decision, the day's
 * P&L, a backtest's equity and attribution.
 */
extern const portfolio_book *hcore_book(hcore *c, double spot, double now);

/*
 * Value of option legs at spot and now (quantity x multiplier x price):
 * the model value until the expiry, then what they settled into, which the
 * model value tends to, so the day's P&L does not jump at the expiry.
 */
extern double hcore_legs_value(const engine_config *cfg, const engine_leg *legs, int n_legs,
							   double spot, double now);

/* Whether a quote can be traded on and marked at: bid and ask within the engine's prices, ask >= bid. */
extern bool hcore_quote_usable(double bid, double ask);

/* The whole lots a flatten trades: never more than is held, and no fraction of a lot. */
extern int64_t hcore_flatten_lots(double position);

/* The result of a round: true when a unit failed (and write_error says why); clears it. */
extern bool hcore_round_failed(hcore *c, char *error, size_t errlen);

#endif							/* BIFROST_HEDGER_CORE_H */
