/*
 * commands.c: the hedger daemon's control commands (daemon.h).
 *
 * The control functions queue a row in bifrost.daemon_control and wake the
 * worker at commit (launch.c); the worker claims the rows, acts on each in
 * the order they were issued and writes its result.  The claim and the
 * results commit synchronously: the operator's commands and their audit are
 * never lost to a crash.  A command issued before this worker started is
 * expired, never replayed.
 */
#include "postgres.h"

#include "pg/bgw/bgw.h"
#include "pg/hedger/daemon.h"
#include "pg/hedger/daemon_store.h"
#include "pg/hedger/hedge_store.h"
#include "pg/hedger/hedger.h"

typedef struct claim_args
{
	control_command commands[STORE_MAX_COMMANDS_PER_CLAIM];
	int			n;
} claim_args;

static void
claim_work(void *arg)
{
	claim_args *a = arg;

	/* the operator's commands and their audit are never lost to a crash */
	if (store_extension_ready())
		hstore_sync_commit(true);

	a->n = store_extension_ready() ?
		store_claim_commands(run.started_at, a->commands, STORE_MAX_COMMANDS_PER_CLAIM) : 0;
}

typedef struct result_args
{
	int64		id;
	const char *result;
} result_args;

static void
result_work(void *arg)
{
	result_args *a = arg;

	hstore_sync_commit(true);

	store_set_command_result(a->id, a->result);
}

static void
set_result(int64 id, const char *result)
{
	result_args a = {id, result};
	char		err[STORE_ERROR_MAX];

	if (!store_run("bifrost: command result", result_work, &a, err, sizeof(err)))
		daemon_record_error(err);
}

/* Acts on one command; returns the text stored in daemon_control.result. */
static const char *
execute_command(const control_command *cmd, bool *stop)
{
	if (cmd->stale)
		return "expired: issued before this worker started";
	if (strcmp(cmd->command, "stop") == 0)
	{
		*stop = true;
		return "stopped";
	}
	if (strcmp(cmd->command, "suspend") == 0 || strcmp(cmd->command, "resume") == 0)
	{
		bool		was_running = run.state == DAEMON_RUNNING;

		daemon_refresh_suspended();
		daemon_apply_suspension();
		if (!daemon_state_is_running(run.state))
			return "recorded; applies once the broker is connected";
		if (strcmp(cmd->command, "suspend") == 0)
			return was_running ? "suspended" : "already suspended";
		if (run.state == DAEMON_RUNNING_SUSPENDED)
			return "still suspended: bifrost.enabled is off";
		return was_running ? "already running" : "resumed";
	}
	if (strcmp(cmd->command, "flatten") == 0)
	{
		/* bifrost_flatten() set the suspended flag: no hedging after it */
		daemon_refresh_suspended();
		daemon_apply_suspension();
		return hedger_flatten(cmd->id, bgw_wall_now(), run.broker_connected);
	}
	if (strcmp(cmd->command, "resume_trading") == 0)
		return hedger_resume_trading(bgw_wall_now(), daemon_suspend_wanted(), run.broker_connected);
	if (strcmp(cmd->command, "retry_broker") == 0)
	{
		if (run.state != DAEMON_WAITING_BROKER)
			return "broker already connected";
		daemon_connect_broker();
		return run.broker_connected ? "connected" : "still unreachable";
	}
	return "not handled by this version of the worker";
}

void
daemon_handle_commands(void)
{
	claim_args a;
	char		err[STORE_ERROR_MAX];
	bool		stop = false;

	if (!store_run("bifrost: read commands", claim_work, &a, err, sizeof(err)))
	{
		daemon_record_error(err);
		return;
	}
	for (int i = 0; i < a.n; i++)
		set_result(a.commands[i].id, execute_command(&a.commands[i], &stop));
	if (stop)
		bgw_stop("bifrost_stop()");
}
