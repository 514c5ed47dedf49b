/*
 * test_daemon_fsm.c: the daemon life-cycle table, state by state.
 */
#include "daemon_fsm.h"
#include "unit.h"

#include <string.h>

/* The reference's table (WAITING_IB renamed), written out independently. */
static const char *const expected_edges[] = {
	"IDLE>CONNECTING", "IDLE>STOPPED",
	"CONNECTING>CONNECTED", "CONNECTING>WAITING_BROKER", "CONNECTING>STOPPING",
	"WAITING_BROKER>CONNECTING", "WAITING_BROKER>CONNECTED", "WAITING_BROKER>STOPPING",
	"CONNECTED>RUNNING", "CONNECTED>STOPPING",
	"RUNNING>STOPPING", "RUNNING>RUNNING_SUSPENDED", "RUNNING>WAITING_BROKER",
	"RUNNING_SUSPENDED>RUNNING", "RUNNING_SUSPENDED>STOPPING", "RUNNING_SUSPENDED>WAITING_BROKER",
	"STOPPING>STOPPED",
};

static int
edge_expected(daemon_state from, daemon_state to)
{
	char		edge[64];

	snprintf(edge, sizeof(edge), "%s>%s", daemon_state_name(from), daemon_state_name(to));
	for (size_t i = 0; i < sizeof(expected_edges) / sizeof(expected_edges[0]); i++)
		if (strcmp(expected_edges[i], edge) == 0)
			return 1;
	return 0;
}

int
main(void)
{
	/* every pair of states, allowed exactly when the table says so */
	for (int from = 0; from < DAEMON_STATE_COUNT; from++)
		for (int to = 0; to < DAEMON_STATE_COUNT; to++)
			if (!CHECK(daemon_fsm_allowed(from, to) == edge_expected(from, to)))
				unit_note("%s -> %s", daemon_state_name(from), daemon_state_name(to));

	/* names round-trip; unknown names and out-of-range states are refused */
	for (int s = 0; s < DAEMON_STATE_COUNT; s++)
	{
		daemon_state parsed;

		CHECK(daemon_state_parse(daemon_state_name(s), &parsed) && parsed == (daemon_state) s);
	}
	{
		daemon_state parsed = DAEMON_IDLE;

		CHECK(!daemon_state_parse("running", &parsed));
		CHECK(!daemon_state_parse("WAITING_IB", &parsed));
		CHECK(!daemon_state_parse("", &parsed));
	}
	CHECK(strcmp(daemon_state_name((daemon_state) 99), "UNKNOWN") == 0);
	CHECK(!daemon_fsm_allowed((daemon_state) 99, DAEMON_STOPPED));
	CHECK(!daemon_fsm_allowed(DAEMON_IDLE, (daemon_state) -1));

	/* a stop is legal from every state: no "invalid transition" on a normal stop */
	for (int s = 0; s < DAEMON_STATE_COUNT; s++)
	{
		daemon_state target = daemon_fsm_stop_target(s);

		if (s == DAEMON_STOPPING || s == DAEMON_STOPPED)
			CHECK(target == (daemon_state) s);
		else if (!CHECK(daemon_fsm_allowed(s, target)))
			unit_note("stop from %s", daemon_state_name(s));
	}
	CHECK(daemon_fsm_stop_target(DAEMON_IDLE) == DAEMON_STOPPED);
	CHECK(daemon_fsm_stop_target(DAEMON_WAITING_BROKER) == DAEMON_STOPPING);

	/* STOPPED is terminal */
	for (int to = 0; to < DAEMON_STATE_COUNT; to++)
		CHECK(!daemon_fsm_allowed(DAEMON_STOPPED, to));

	CHECK(daemon_state_is_running(DAEMON_RUNNING));
	CHECK(daemon_state_is_running(DAEMON_RUNNING_SUSPENDED));
	CHECK(!daemon_state_is_running(DAEMON_CONNECTED));
	CHECK(!daemon_state_is_running(DAEMON_WAITING_BROKER));

	return unit_summary("test_daemon_fsm");
}
