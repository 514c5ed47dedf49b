/*
 * hedger_internal.h: what the files of the hedger core share and nobody
 * else uses: writing units, putting memory back after a failed one, and
 * the steps one file takes and another calls.
 */
#ifndef BIFROST_HEDGER_INTERNAL_H
#define BIFROST_HEDGER_INTERNAL_H

#include "hedger_core.h"

/* A write that failed is tried again after this long, doubling to the cap (s). */
#define HCORE_RETRY_MIN_S 1.0
#define HCORE_RETRY_MAX_S 60.0
/* Retries of a position read that failed at reconciliation (s). */
#define HCORE_RECONCILE_WAIT_MIN_S 1.0
#define HCORE_RECONCILE_WAIT_MAX_S 60.0
/* Asking a broker about an order: first after this, then backing off to the cap (s). */
#define HCORE_QUERY_FIRST_S 0.2
#define HCORE_QUERY_MAX_S 5.0
/*
 * After a reject no order goes out (not even a forced one) for 2 s, doubling
 * with each further reject in a row up to 5 min; a fill starts over.  A
 * broker that refuses everything (no margin) then sees a handful of orders
 * an hour, not one per quote.
 */
#define HCORE_REJECT_BACKOFF_MIN_S 2.0
#define HCORE_REJECT_BACKOFF_MAX_S 300.0

#define HCORE_MIN(a, b) ((a) < (b) ? (a) : (b))
#define HCORE_MAX(a, b) ((a) > (b) ? (a) : (b))

/* ---- units (hedger_unit.c) ---- */

extern void unit_begin(hcore_unit *u, const char *activity, bool durable);
extern hcore_row *unit_add(hcore_unit *u, hcore_row_kind kind, double ts);
/* A status row showing the core as it is now. */
extern void unit_add_status(hcore *c, hcore_unit *u, double ts, const char *history_reason);
/* Writes a unit; a failure is noted for the round and false returned. */
extern bool unit_write(hcore *c, hcore_unit *u);
extern void note_write_failure(hcore *c, const char *error);
extern void core_log(const hcore *c, hcore_log_level level, const char *fmt,...)
			__attribute__((format(printf, 3, 4)));

/* Writes u after the ledger was saved in m and changed; false (the ledger put back) when it failed. */
extern bool commit_or_restore(hcore *c, hcore_unit *u, const hcore_ledger *m);

/* ---- the book and the day (hedger_book.c) ---- */

extern double quote_mid(const hcore *c);
extern bool core_quote_usable(const hcore *c);
extern double lot_value(const hcore *c, double price);
extern double option_value(hcore *c, double spot, double now);
extern double pending_qty(const hcore *c);
extern void scale_legs(hcore *c);
extern void save_day_start(hcore *c, double now);
/* The day's start as memory has it is stored. */
extern void day_start_saved(hcore *c);
extern void update_daily_pnl(hcore *c, double now);
extern void price_unpriced_lots(hcore *c, double now, bool adjust_equity);
/* False when the day's record could not be read: nothing may be decided on this quote. */
extern bool roll_day(hcore *c, double now);
extern void settle_expired_legs(hcore *c, double now);
extern void reconcile_position(hcore *c, double wall);

/* ---- deciding (hedger_decide.c) ---- */

extern engine_output run_engine(hcore *c, double now, trading_event event, bool suspended,
								bool broker_connected);
extern void set_state(hcore *c, trading_state next, double now, bool *changed);
extern void advance_flatten(hcore *c, double wall, bool suspended, bool broker_connected);

/* ---- orders (hedger_orders.c) ---- */

extern bool place_hedge(hcore *c, double now, hedge_side side, int64_t qty, const char *reason,
						double net_delta, bool suspended, bool broker_connected, bool through_fsm);
extern bool reject_backoff_active(const hcore *c, double now);
extern void fill_due_orders(hcore *c, double now, bool suspended, bool broker_connected);
extern void retry_order_rows(hcore *c, double wall, bool suspended, bool broker_connected);
extern void query_broker_orders(hcore *c, double wall, bool suspended, bool broker_connected);
extern void cancel_unsent(hcore *c, const hedge_order_rec *order, double ts);

#endif							/* BIFROST_HEDGER_INTERNAL_H */
