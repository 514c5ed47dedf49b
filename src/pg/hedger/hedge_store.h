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
#include "engine/hedger_types.h"

extern void hstore_sync_commit(bool on);

/* The venue every later call writes and reads rows of ("paper", "okx", "ibkr"). */
extern void hstore_set_exchange(const char *name);

/* Records decision, hedge_intent and the CREATED order; returns the order. */
extern void hstore_record_intent(const char *symbol, const char *config_hash, const hedge_intent_rec *r,
								 hedge_order_rec *order);
extern void hstore_order_sent(const hedge_order_rec *order, const char *symbol, double ts);
/* The order may or may not be at the venue (timeout, 5xx): it is asked by client order id. */
extern void hstore_order_unknown(const hedge_order_rec *order, const char *symbol, double ts,
								 const char *why);
extern void hstore_order_rejected(const hedge_order_rec *order, const char *symbol, double ts,
								  const char *reason);
extern void hstore_order_cancelled(const hedge_order_rec *order, const char *symbol, double ts,
								   int64 qty, const char *reason);
extern void hstore_fill(const char *symbol, const hedge_fill_rec *f);

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

/*
 * The day: trading_date in days since 1970-01-01 of day_roll_tz.  With a
 * stored start, *legs_snapshot and *legs (n_legs) are the legs it counted,
 * palloc'd in the caller's transaction; else NULL and 0.  The record's
 * legs_changed and stored_legs_value are the caller's to fill.
 */
extern void hstore_load_day(const char *symbol, int32 trading_date, const char *tz,
							hedge_day_rec *day, char **legs_snapshot, engine_leg **legs, int *n_legs);
extern void hstore_save_day_start(const char *symbol, int32 trading_date, double start_equity,
								  const char *legs_snapshot, double ts);

/*
 * The option legs of a symbol (palloc'd in CurrentMemoryContext), and their
 * snapshot as jsonb text, which hedger_days keeps to tell a change of legs.
 */
extern int	hstore_load_legs(const char *symbol, engine_leg **legs, char **snapshot);

#endif							/* BIFROST_HEDGE_STORE_H */
