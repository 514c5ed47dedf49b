/*
 * hedger_types.h: the records of a hedge's life (intent, order, fill, the
 * day) and a broker's answers, as the hedger core produces and consumes
 * them.  The worker writes them into its tables and asks its venues for the
 * answers; a backtest keeps them in its own tables and answers with the
 * paper fill model.  Pure C99, no PostgreSQL header.
 *
 * Quantities are whole lots of the hedge instrument (shares for a stock;
 * an OKX swap's contracts), prices per unit of the underlying, times epoch
 * seconds.
 */
#ifndef BIFROST_HEDGER_TYPES_H
#define BIFROST_HEDGER_TYPES_H

#include <stdbool.h>
#include <stdint.h>

#include "engine_types.h"
#include "sizing.h"

/*
 * Room for the longest client order id an intent can be given: 'bf' + date
 * + 't' + timeline + 'i' + intent id (2 + 8 + 1 + 10 + 1 + 19 = 41
 * characters), so an id is never cut short: a venue that takes no more
 * than 32 (OKX) refuses the whole id before sending, never a truncated one.
 */
#define HEDGE_CLIENT_ORDER_ID_MAX 48
/* Orders in flight at once (one hedge and its retries of rows, a flatten). */
#define HEDGE_MAX_OPEN_ORDERS 16
/* A reason or note about an order, as stored. */
#define HEDGE_NOTE_MAX 320
/* A venue's message: why a call failed. */
#define HEDGE_WHY_MAX 256
#define HEDGE_VENUE_ID_MAX 64

/* A hedge the engine wants sent, as the intent row records it. */
typedef struct hedge_intent_rec
{
	double		ts;
	hedge_side	side;
	int64_t		qty;
	double		mid;			/* the quote's mid at the decision */
	double		net_delta;
	const char *state_reason;	/* D2, D3, flatten */
} hedge_intent_rec;

/* An order as the tables know it. */
typedef struct hedge_order_rec
{
	int64_t		order_id;
	char		client_order_id[HEDGE_CLIENT_ORDER_ID_MAX];
	hedge_side	side;
	int64_t		qty;
	double		placed_at;
	double		decision_mid;
	char		status[24];		/* CREATED, NEW, UNKNOWN, ... */
	char		state_reason[16];
	char		exchange_order_id[HEDGE_VENUE_ID_MAX];	/* the venue's id, "" until known */
} hedge_order_rec;

/* What a fill changes. */
typedef struct hedge_fill_rec
{
	const hedge_order_rec *order;
	double		ts;
	int64_t		filled_qty;		/* <= order->qty; the rest is cancelled */
	double		price;
	double		fee;			/* quote currency, a positive cost; NAN unknown (NULL) */
	double		fee_base_lots;	/* withheld in the instrument: fewer lots received */
	double		realized_pnl;	/* NAN when the fill only opens or adds */
	double		position_after; /* signed lots */
	double		avg_cost_after; /* per unit of the underlying, 0 when flat */
} hedge_fill_rec;

/*
 * The day as the tables have it: the start equity stored for the date (and
 * whether the legs it counted are the legs now, with their value then),
 * and the sums of the day's orders and fills.
 */
typedef struct hedge_day_rec
{
	bool		found;
	double		start_equity;
	bool		legs_changed;	/* the stored legs are not the book's legs now */
	double		stored_legs_value;	/* their value at the mid and time asked for */
	int			orders_sent;	/* orders that left for the broker, rejected or not */
	double		cash;			/* -sum(signed lots x price) of the fills, price per unit */
	double		fees;			/* sum of the fees in the quote currency */
	double		realized;
} hedge_day_rec;

/* What a broker says to an order sent. */
typedef enum broker_send_result
{
	BROKER_SEND_ACCEPTED,		/* it has the order (exchange id in the report) */
	BROKER_SEND_REJECTED,		/* definitive: it will never execute (reason in the report) */
	BROKER_SEND_UNKNOWN			/* timeout, 5xx, unreadable answer: ask before anything else */
} broker_send_result;

/* What a broker says when asked about an order. */
typedef enum broker_order_state
{
	BROKER_ORDER_UNKNOWN,		/* no answer: ask again later */
	BROKER_ORDER_NOT_FOUND,		/* it answered that it has no such order */
	BROKER_ORDER_OPEN,			/* working, possibly partly filled */
	BROKER_ORDER_FILLED,		/* final: filled_qty = the order's qty */
	BROKER_ORDER_CANCELED,		/* final: filled_qty < qty (0 when nothing filled) */
	BROKER_ORDER_REJECTED		/* final: nothing filled */
} broker_order_state;

typedef struct broker_order_report
{
	broker_order_state state;
	char		exchange_order_id[HEDGE_VENUE_ID_MAX];	/* "" when unknown */
	char		exchange_status[32];	/* the venue's own word ("filled", "Filled") */
	int64_t		filled_qty;		/* lots filled so far */
	double		avg_price;		/* of the filled lots, NAN when none */
	double		fee;			/* NAN when unknown */
	double		fee_base_lots;	/* fee charged in the underlying, in lots; 0 when none */
	double		ts;				/* the venue's time of its last update, NAN unknown */
	double		left_at;		/* send: wall clock when the request left, NAN if never */
	char		reason[HEDGE_WHY_MAX];	/* reject or cancel reason, venue code included */
} broker_order_report;

/* A report that says state and nothing else: no id, no fill, NAN numbers. */
extern void broker_order_report_init(broker_order_report *out, broker_order_state state);

/* The figures of a status row. */
typedef struct hedger_figures
{
	bool		valid;			/* false before the hedger started */
	const char *trading_state;
	double		trading_state_since;	/* epoch, NAN when unknown */
	double		spot,
				bid,
				ask;			/* NAN when unknown */
	double		net_delta;		/* NAN when unknown */
	double		stock_position;
	int			option_legs_count;
	int			daily_hedge_count;
	double		daily_pnl;
	double		data_lag_ms;	/* NAN without a quote */
	const char *trading_mode;	/* "paper" or "live": where orders go */
} hedger_figures;

#endif							/* BIFROST_HEDGER_TYPES_H */
