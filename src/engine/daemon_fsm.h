/*
 * daemon_fsm.h: the daemon's life-cycle state machine.
 *
 * The transition table is the reference engine's, with WAITING_IB renamed
 * WAITING_BROKER.  Stopping is legal from every live state, so a normal stop
 * never goes through an "invalid transition" path.  Pure C.
 */
#ifndef BIFROST_DAEMON_FSM_H
#define BIFROST_DAEMON_FSM_H

#include <stdbool.h>

typedef enum daemon_state
{
	DAEMON_IDLE,
	DAEMON_CONNECTING,
	DAEMON_WAITING_BROKER,
	DAEMON_CONNECTED,
	DAEMON_RUNNING,
	DAEMON_RUNNING_SUSPENDED,
	DAEMON_STOPPING,
	DAEMON_STOPPED
} daemon_state;

#define DAEMON_STATE_COUNT (DAEMON_STOPPED + 1)

extern const char *daemon_state_name(daemon_state state);
extern bool daemon_state_parse(const char *name, daemon_state *out);
extern bool daemon_fsm_allowed(daemon_state from, daemon_state to);

/* Where a stop request leads from this state (itself when already stopping). */
extern daemon_state daemon_fsm_stop_target(daemon_state from);

/* RUNNING or RUNNING_SUSPENDED: the engine is live. */
extern bool daemon_state_is_running(daemon_state state);

#endif							/* BIFROST_DAEMON_FSM_H */
