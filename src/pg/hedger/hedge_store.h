/*
 * hedge_store.h: the rows a hedge leaves behind (README, Ledger checks):
 * decisions, operations, orders and their life cycle, trades, positions,
 * risk events, and the hedger's day.  Every function runs inside the
 * caller's transaction (SPI connected); times are epoch seconds.
 */
#ifndef BIFROST_HEDGE_STORE_H
#define BIFROST_HEDGE_STORE_H

#include "postgres.h"

#include "engine/engine.h"

/*
 * Room for the longest id the intent can be given, 'bf' + date + 't' +
 * timeline + 'i' + intent id (2 + 8 + 1 + 10 + 1 + 19 = 41 characters), so
 * an id is never cut short: a venue that takes no more than 32 (OKX)
 * refuses the whole id before sending, never a truncated one.
 */
#define HSTORE_CLIENT_ORDER_ID_MAX 48
#define HSTORE_MAX_OPEN_ORDERS 16
#define VENUE_NOTE_MAX 320

/* A hedge the engine wants sent, as the intent row records it. */
typedef struct hedge_intent_rec
{
	const char *symbol;
	double		ts;
	hedge_side	side;
	int64		qty;
	double		mid;			/* the quote's mid at the decision */
	double		net_delta;
	const char *state_reason;	/* D2, D3, flatten */
	const char *config_hash;
} hedge_intent_rec;

/* An order as the store knows it. */
typedef struct hedge_order_rec
{
	int64		order_id;
	char		client_order_id[HSTORE_CLIENT_ORDER_ID_MAX];
	hedge_side	side;
	int64		qty;
	double		placed_at;
	double		decision_mid;
	char		status[24];		/* CREATED, NEW, ... */
	char		state_reason[16];
	char		exchange_order_id[64];	/* the venue's id, "" until it is known */
} hedge_order_rec;

/* What a fill changes. */
typedef struct hedge_fill_rec
{
	const hedge_order_rec *order;
	const char *symbol;
	double		ts;
	int64		filled_qty;		/* <= order->qty; the rest is cancelled */
	double		price;
	double		fee;			/* in the quote currency, a positive cost; NAN when unknown (stored as NULL) */
	double		fee_base_lots;	/* withheld in the instrument, in lots: fewer lots received */
	double		realized_pnl;
	double		position_after; /* signed shares */
	double		avg_cost_after; /* 0 when flat */
} hedge_fill_rec;

/* Today's accounting, restored after a restart. */
typedef struct hedge_day_rec
{
	bool		found;
	double		start_equity;
	char	   *legs_snapshot;	/* the legs start_equity counts (jsonb text) */
	engine_leg *legs;			/* the same, decoded */
	int			n_legs;
	/* both palloc'd in the caller's transaction: use them before it ends */
	int			orders_sent;	/* today's orders that left for the broker, rejected or not */
	double		cash;			/* -sum(signed qty x price) of today's fills, price per unit */
	double		fees;			/* sum of today's fees in the quote currency */
	double		realized;
} hedge_day_rec;

extern void hstore_sync_commit(bool on);

/* The venue every later call writes and reads rows of ("paper", "okx", "ibkr"). */
extern void hstore_set_exchange(const char *name);

/* Records decision, hedge_intent and the CREATED order; returns the order. */
extern void hstore_record_intent(const hedge_intent_rec *r, hedge_order_rec *order);
extern void hstore_order_sent(const hedge_order_rec *order, const char *symbol, double ts);
/* The order may or may not be at the venue (timeout, 5xx): it is asked by client order id. */
extern void hstore_order_unknown(const hedge_order_rec *order, const char *symbol, double ts,
								 const char *why);
extern void hstore_order_rejected(const hedge_order_rec *order, const char *symbol, double ts,
								  const char *reason);
extern void hstore_order_cancelled(const hedge_order_rec *order, const char *symbol, double ts,
								   int64 qty, const char *reason);
extern void hstore_fill(const hedge_fill_rec *f);

/* The position as the broker reports it (reconciliation after a restart). */
extern void hstore_set_position(const char *symbol, double ts, double position, double avg_cost);

/* A change of the position that no trade explains (the broker's position taken). */
extern void hstore_position_adjustment(const char *symbol, double ts, double before, double after,
									   const char *reason);

/* A decision that wanted to hedge and was blocked. */
extern void hstore_blocked_decision(const char *symbol, double ts, const engine_output *out,
									const char *reason, const char *config_hash);
extern void hstore_risk_event(const char *symbol, double ts, const char *level,
							  const char *rule, const char *details);

/* Start-up: the hedge position, the last fill, the orders still open. */
extern void hstore_load_position(const char *symbol, double *position, double *avg_cost);
extern bool hstore_load_last_fill(const char *symbol, double *price, double *ts);
/* Epoch of the last order that left for the broker (the cooldown's start); false when none. */
extern bool hstore_load_last_sent(const char *symbol, double *ts);
extern int	hstore_load_open_orders(const char *symbol, hedge_order_rec *out, int max);

/* The day: trading_date in days since 1970-01-01 of day_roll_tz. */
extern void hstore_load_day(const char *symbol, int32 trading_date, const char *tz,
							hedge_day_rec *day);
extern void hstore_save_day_start(const char *symbol, int32 trading_date, double start_equity,
								  const char *legs_snapshot, double ts);

/*
 * The option legs of a symbol (palloc'd in CurrentMemoryContext), and their
 * snapshot as jsonb text, which hedger_days keeps to tell a change of legs.
 */
extern int	hstore_load_legs(const char *symbol, engine_leg **legs, char **snapshot);

#endif							/* BIFROST_HEDGE_STORE_H */
