/*
 * hedger.h: the trading half of the worker: quotes from the feed through
 * the hedger core, hedges to the paper broker or a venue (OKX, IBKR;
 * venue/venue.h), every step recorded (hedge_store.h).
 *
 * The worker owns the daemon life cycle and calls in while RUNNING or
 * RUNNING_SUSPENDED.  Times are epoch seconds of the wall clock; the
 * hedger decides on the feed's clock (see feed.h).
 */
#ifndef BIFROST_HEDGER_H
#define BIFROST_HEDGER_H

#include "postgres.h"

#include "engine/hedger_types.h"

/* Writes the status row (and a history row for a reason) in the current transaction. */
typedef void (*hedger_status_writer) (const hedger_figures *figures, const char *history_reason);

extern bool hedger_start(double wall_now, hedger_status_writer writer, char *why, size_t whylen);
extern void hedger_stop(void);
extern bool hedger_active(void);

/* Wall-clock epoch of the next quote or fill the hedger waits for. */
extern double hedger_next_wake(double wall_now);

/* Takes the quotes due, fills the orders due, decides; bounded work per call. */
extern void hedger_poll(double wall_now, bool suspended, bool broker_connected);

/* Reloads configuration and legs, and evaluates on the heartbeat. */
extern void hedger_heartbeat(double wall_now, bool suspended, bool broker_connected);
extern void hedger_reload(void);
extern bool hedger_switch_ready(void);

extern void hedger_figures_get(hedger_figures *out);

/* Control commands: return the text for daemon_control.result. */
/*
 * Flatten (daemon_control row command_id) completes: it waits for the order
 * in flight, then sends the order that takes the position to zero, and
 * writes the row's result again when the position is zero.
 */
extern const char *hedger_flatten(int64 command_id, double wall_now, bool broker_connected);
extern const char *hedger_resume_trading(double wall_now, bool suspended, bool broker_connected);

#endif							/* BIFROST_HEDGER_H */
