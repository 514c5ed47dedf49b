/*
 * daemon_fsm.c: transition table of the daemon life cycle.
 */
#include "daemon_fsm.h"

#include <string.h>

static const char *const state_names[DAEMON_STATE_COUNT] = {
	"IDLE", "CONNECTING", "WAITING_BROKER", "CONNECTED",
	"RUNNING", "RUNNING_SUSPENDED", "STOPPING", "STOPPED"
};

#define BIT(s) (1u << (s))

/* allowed[from] is the set of states reachable in one step. */
static const unsigned allowed[DAEMON_STATE_COUNT] = {
	[DAEMON_IDLE] = BIT(DAEMON_CONNECTING) | BIT(DAEMON_STOPPED),
	[DAEMON_CONNECTING] = BIT(DAEMON_CONNECTED) | BIT(DAEMON_WAITING_BROKER) | BIT(DAEMON_STOPPING),
	[DAEMON_WAITING_BROKER] = BIT(DAEMON_CONNECTING) | BIT(DAEMON_CONNECTED) | BIT(DAEMON_STOPPING),
	[DAEMON_CONNECTED] = BIT(DAEMON_RUNNING) | BIT(DAEMON_STOPPING),
	[DAEMON_RUNNING] = BIT(DAEMON_STOPPING) | BIT(DAEMON_RUNNING_SUSPENDED) | BIT(DAEMON_WAITING_BROKER),
	[DAEMON_RUNNING_SUSPENDED] = BIT(DAEMON_RUNNING) | BIT(DAEMON_STOPPING) | BIT(DAEMON_WAITING_BROKER),
	[DAEMON_STOPPING] = BIT(DAEMON_STOPPED),
	[DAEMON_STOPPED] = 0,
};

const char *
daemon_state_name(daemon_state state)
{
	if ((unsigned) state >= DAEMON_STATE_COUNT)
		return "UNKNOWN";
	return state_names[state];
}

bool
daemon_state_parse(const char *name, daemon_state *out)
{
	for (int s = 0; s < DAEMON_STATE_COUNT; s++)
		if (strcmp(state_names[s], name) == 0)
		{
			*out = (daemon_state) s;
			return true;
		}
	return false;
}

bool
daemon_fsm_allowed(daemon_state from, daemon_state to)
{
	if ((unsigned) from >= DAEMON_STATE_COUNT || (unsigned) to >= DAEMON_STATE_COUNT)
		return false;
	return (allowed[from] & BIT(to)) != 0;
}

daemon_state
daemon_fsm_stop_target(daemon_state from)
{
	switch (from)
	{
		case DAEMON_IDLE:
			return DAEMON_STOPPED;
		case DAEMON_STOPPING:
		case DAEMON_STOPPED:
			return from;
		default:
			return DAEMON_STOPPING;
	}
}

bool
daemon_state_is_running(daemon_state state)
{
	return state == DAEMON_RUNNING || state == DAEMON_RUNNING_SUSPENDED;
}
