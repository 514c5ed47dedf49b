/*
 * worker.c: the hedger's main loop and daemon life cycle.
 *
 * One process per database, guarded by a session advisory lock.  It waits
 * on its latch, so control functions reach it at once; it takes every
 * decision in short SPI transactions and never keeps one open across an
 * HTTP call.  SIGTERM goes through die(), so a running query is cancelled;
 * the loop notices the request first and stops cleanly, writing STOPPED.
 * A stop is final: the worker exits with status 0, which tells the
 * postmaster not to start it again, and its last writes wait for their
 * locks a short time only, so it is gone within a second.
 *
 * Waits and intervals are measured on the monotonic clock (wall_clock.h);
 * each round of the loop allocates in a memory context reset after it.
 */
#include "postgres.h"

#include "access/xact.h"
#include "access/xlog.h"
#include "commands/dbcommands.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/lock.h"
#include "storage/proc.h"
#include "tcop/tcopprot.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "engine/wall_clock.h"
#include "net/broker_link.h"
#include "pg/common/engine_glue.h"
#include "pg/guc.h"
#include "pg/hedger/hedge_store.h"
#include "pg/hedger/hedger.h"
#include "pg/common/monotonic.h"
#include "pg/spi/store.h"
#include "pg/common/private_lock.h"
#include "pg/hedger/daemon.h"
#include "pg/bgw/connect.h"

#define STANDBY_POLL_MS 1000
/* The longest single wait: the loop looks at its clocks again at least this often. */
#define WORKER_MAX_WAIT_MS 60000
/* All the writes of a stop (the hedger's last rows, STOPPED) end within this (s). */
#define WORKER_STOP_BUDGET_S 0.6

/* Everything the loop knows about its own run. */
typedef struct worker_run
{
	daemon_state state;
	bool		broker_connected;
	bool		suspended;		/* operator flag or bifrost.enabled = off */
	bool		extension_ready;
	bool		stopping;		/* the last writes are under way */
	bool		stopped_written;
	TimestampTz started_at;
	double		next_heartbeat; /* monotonic */
	double		next_retry;		/* monotonic, WAITING_BROKER only */
	int			heartbeats;
	char		config_hash[16];	/* of bifrost.config when last written */
	char		last_error[STORE_ERROR_MAX];
} worker_run;

static worker_run run;
static char database_name[NAMEDATALEN];
static MemoryContext round_context = NULL;
static volatile sig_atomic_t got_sigterm = false;
static bool broker_endpoint_changed = false;

static void worker_shutdown(const char *why) pg_attribute_noreturn();

/* die() cancels a running query; the flag lets the loop stop cleanly first. */
static void
worker_sigterm(SIGNAL_ARGS)
{
	int			save_errno = errno;

	got_sigterm = true;
	die(postgres_signal_arg);
	errno = save_errno;
}

static void
report_activity(const char *detail)
{
	char		text[256];

	snprintf(text, sizeof(text), "bifrost: %s%s%s (broker %s, heartbeat %ds)",
			 daemon_state_name(run.state), detail ? " " : "", detail ? detail : "",
			 bifrost_broker_name(bifrost_broker), bifrost_heartbeat_interval);
	pgstat_report_activity(STATE_IDLE, text);
}

/* The monotonic due time of the next retry as the wall clock shows it now, for the rows. */
static TimestampTz
retry_timestamp(void)
{
	double		wall = clock_wall_of(run.next_retry, monotonic_now(),
									 timestamptz_to_epoch(GetCurrentTimestamp()));

	return epoch_to_timestamptz(wall);
}

static daemon_snapshot
snapshot_now(bool graceful_stop)
{
	static hedger_figures figures;
	daemon_snapshot snap;

	hedger_figures_get(&figures);
	snap.figures = &figures;

	snap.state = run.state;
	snap.trading_state = "BOOT";	/* the trading engine arrives with the next issue */
	snap.broker = bifrost_broker_name(bifrost_broker);
	snap.broker_connected = run.broker_connected;
	snap.heartbeat_sec = bifrost_heartbeat_interval;
	snap.started_at = run.started_at;
	snap.next_retry = run.state == DAEMON_WAITING_BROKER ? retry_timestamp() : 0;
	snap.graceful_stop = graceful_stop;
	return snap;
}

static void
remember_error(const char *message)
{
	strlcpy(run.last_error, message, sizeof(run.last_error));
}

/*
 * Logs a failed unit of work into daemon_heartbeat.last_error (best effort);
 * a stopping worker spends none of its last moments on it (the log has it).
 */
static void
record_error(const char *message)
{
	remember_error(message);
	if (!run.stopping)
		(void) store_note_error(message);
}

typedef struct beat_args
{
	daemon_snapshot snap;
	const char *history_reason;
} beat_args;

static void
heartbeat_work(void *arg)
{
	beat_args  *a = arg;

	run.extension_ready = store_extension_ready();
	if (!run.extension_ready)
		return;
	if (run.stopping && !store_lock_table_or_give_up("daemon_heartbeat", RowExclusiveLock))
		return;
	store_write_heartbeat(&a->snap);
}

/* The tables a status row reads and writes, locked before a stopping worker writes it. */
static bool
lock_status_tables(void)
{
	return store_lock_table_or_give_up("config", AccessShareLock) &&
		store_lock_table_or_give_up("legs", AccessShareLock) &&
		store_lock_table_or_give_up("status_current", RowExclusiveLock);
}

static void
status_work(void *arg)
{
	beat_args  *a = arg;

	if (!store_extension_ready())
		return;
	if (run.stopping && !lock_status_tables())
		return;
	store_write_status(&a->snap, a->history_reason);
}

/*
 * Writes the heartbeat and the status row, each in its own transaction: a
 * broken status table must not make a live worker look dead.
 */
static void
write_beat(bool graceful_stop, const char *history_reason)
{
	beat_args	a;
	char		err[STORE_ERROR_MAX];

	a.snap = snapshot_now(graceful_stop);
	a.history_reason = history_reason;
	if (!store_run("bifrost: heartbeat", heartbeat_work, &a, err, sizeof(err)))
		record_error(err);
	if (run.extension_ready &&
		!store_run("bifrost: status", status_work, &a, err, sizeof(err)))
		record_error(err);
	report_activity(NULL);
}

static void
set_state(daemon_state to)
{
	if (to == run.state)
		return;
	if (!daemon_fsm_allowed(run.state, to))
		elog(LOG, "bifrost: ignoring daemon transition %s -> %s",
			 daemon_state_name(run.state), daemon_state_name(to));
	else
	{
		run.state = to;
		write_beat(false, NULL);
	}
}

static double
wall_now(void)
{
	return timestamptz_to_epoch(GetCurrentTimestamp());
}

/* The hedger writes status rows inside its own transactions through this. */
static void
write_status_for_hedger(const hedger_figures *figures, const char *history_reason)
{
	daemon_snapshot snap = snapshot_now(false);

	snap.figures = figures;
	store_write_status(&snap, history_reason);
}

/* The trading half runs while the daemon is RUNNING or RUNNING_SUSPENDED. */
static void
start_hedger(void)
{
	char		why[STORE_ERROR_MAX];

	if (hedger_active() || !daemon_state_is_running(run.state))
		return;
	if (hedger_start(wall_now(), write_status_for_hedger, why, sizeof(why)))
		return;
	record_error(why);
	if (bifrost_broker != BIFROST_BROKER_PAPER)
	{
		/* the venue answered the probe but cannot trade the symbol yet: wait for it */
		ereport(LOG, (errmsg("bifrost: broker %s not ready to trade: %s",
							 bifrost_broker_name(bifrost_broker), why)));
		run.broker_connected = false;
		run.next_retry = monotonic_now() + bifrost_heartbeat_interval;
		set_state(DAEMON_WAITING_BROKER);
	}
}

static bool
suspend_wanted(void)
{
	return run.suspended || !bifrost_enabled;
}

/* RUNNING <-> RUNNING_SUSPENDED after the flag or bifrost.enabled changed. */
static void
apply_suspension(void)
{
	if (run.state == DAEMON_RUNNING && suspend_wanted())
		set_state(DAEMON_RUNNING_SUSPENDED);
	else if (run.state == DAEMON_RUNNING_SUSPENDED && !suspend_wanted())
		set_state(DAEMON_RUNNING);
}

static void
read_suspended_work(void *arg)
{
	if (store_extension_ready())
		run.suspended = store_read_suspended();
}

static void
refresh_suspended(void)
{
	char		err[STORE_ERROR_MAX];

	if (!store_run("bifrost: read run status", read_suspended_work, NULL, err, sizeof(err)))
		record_error(err);
}

/* Which broker and URL the worker talks to, to notice a reload that changes it. */
static void
describe_broker_endpoint(char *buf, size_t len)
{
	snprintf(buf, len, "%d %s", bifrost_broker,
			 bifrost_broker == BIFROST_BROKER_OKX ? bifrost_okx_base_url :
			 bifrost_broker == BIFROST_BROKER_IBKR ? bifrost_ibkr_base_url : "");
}

static bool
broker_endpoint_is(const char *described)
{
	char		now[1024];

	describe_broker_endpoint(now, sizeof(now));
	return strcmp(now, described) == 0;
}

/*
 * Waits for the latch or the timeout, then honours stop, cancel and reload
 * requests.  Every wait of the worker goes through here.  Returns true when
 * the latch woke it (a command, a config change, a signal).
 */
static bool
worker_wait(long timeout_ms)
{
	bool		woken = MyLatch->is_set;

	if (timeout_ms > 0 && !woken)
		woken = (WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						   timeout_ms, PG_WAIT_EXTENSION) & WL_LATCH_SET) != 0;
	ResetLatch(MyLatch);
	if (got_sigterm)
		worker_shutdown("SIGTERM");
	CHECK_FOR_INTERRUPTS();
	if (ConfigReloadPending)
	{
		char		endpoint_before[1024];

		describe_broker_endpoint(endpoint_before, sizeof(endpoint_before));
		ConfigReloadPending = false;
		ProcessConfigFile(PGC_SIGHUP);
		broker_endpoint_changed = broker_endpoint_changed ||
			!broker_endpoint_is(endpoint_before);
		report_activity(NULL);
	}
	return woken;
}

bool
bifrost_worker_stopping(void)
{
	return got_sigterm || ProcDiePending;
}

/* Polled by libcurl between slices: stop the transfer for signals or commands. */
static bool
probe_should_abort(void *arg)
{
	return got_sigterm || InterruptPending || ConfigReloadPending || MyLatch->is_set;
}

/* IDLE or WAITING_BROKER -> CONNECTING -> CONNECTED -> RUNNING, or back to WAITING_BROKER. */
static void
connect_broker(void)
{
	char		why[STORE_ERROR_MAX];
	broker_link_result result;
	const char *base_url = bifrost_broker == BIFROST_BROKER_OKX ? bifrost_okx_base_url :
		bifrost_broker == BIFROST_BROKER_IBKR ? bifrost_ibkr_base_url : "";

	set_state(DAEMON_CONNECTING);
	result = broker_link_probe((broker_link_kind) bifrost_broker, base_url,
							   bifrost_http_timeout_ms, probe_should_abort, NULL,
							   why, sizeof(why));
	if (got_sigterm)
		worker_shutdown("SIGTERM");

	if (result == BROKER_LINK_UP)
	{
		run.broker_connected = true;
		set_state(DAEMON_CONNECTED);
		set_state(DAEMON_RUNNING);
		refresh_suspended();
		apply_suspension();
		start_hedger();
		return;
	}

	run.broker_connected = false;
	if (result == BROKER_LINK_ABORTED)
		run.next_retry = monotonic_now();	/* serve the command, then retry */
	else
	{
		ereport(LOG, (errmsg("bifrost: broker %s unreachable: %s",
							 bifrost_broker_name(bifrost_broker), why)));
		run.next_retry = monotonic_now() + bifrost_heartbeat_interval;
	}
	set_state(DAEMON_WAITING_BROKER);
	if (result != BROKER_LINK_ABORTED)
		record_error(why);
}

static void
config_hash_work(void *arg)
{
	char	   *hash = arg;

	if (store_extension_ready())
		store_config_hash(hash, sizeof(run.config_hash));
}

/*
 * bifrost_config_set() wakes the worker: write a fresh status row at once
 * when the configuration hash moved, instead of waiting for the heartbeat.
 */
static void
notice_config_change(void)
{
	char		hash[sizeof(run.config_hash)] = "";
	char		err[STORE_ERROR_MAX];

	if (!store_run("bifrost: read config", config_hash_work, hash, err, sizeof(err)))
	{
		record_error(err);
		return;
	}
	if (strcmp(hash, run.config_hash) == 0)
		return;
	strlcpy(run.config_hash, hash, sizeof(run.config_hash));
	hedger_reload();
	write_beat(false, NULL);
}

static void
heartbeat(void)
{
	const char *history_reason = NULL;

	refresh_suspended();
	apply_suspension();
	start_hedger();
	if (hedger_active())
		hedger_heartbeat(wall_now(), suspend_wanted(), run.broker_connected);
	run.heartbeats++;
	if (bifrost_history_sample_every > 0 && run.heartbeats % bifrost_history_sample_every == 0)
		history_reason = "heartbeat_sample";
	write_beat(false, history_reason);
	run.next_heartbeat = monotonic_now() + bifrost_heartbeat_interval;
}

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
		record_error(err);
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

		refresh_suspended();
		apply_suspension();
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
		refresh_suspended();
		apply_suspension();
		return hedger_flatten(cmd->id, wall_now(), run.broker_connected);
	}
	if (strcmp(cmd->command, "resume_trading") == 0)
		return hedger_resume_trading(wall_now(), suspend_wanted(), run.broker_connected);
	if (strcmp(cmd->command, "retry_broker") == 0)
	{
		if (run.state != DAEMON_WAITING_BROKER)
			return "broker already connected";
		connect_broker();
		return run.broker_connected ? "connected" : "still unreachable";
	}
	return "not handled by this version of the worker";
}

static void
handle_commands(void)
{
	claim_args a;
	char		err[STORE_ERROR_MAX];
	bool		stop = false;

	if (!store_run("bifrost: read commands", claim_work, &a, err, sizeof(err)))
	{
		record_error(err);
		return;
	}
	for (int i = 0; i < a.n; i++)
		set_result(a.commands[i].id, execute_command(&a.commands[i], &stop));
	if (stop)
		worker_shutdown("bifrost_stop()");
}

/*
 * From here on every write must end within the stop's budget: a session
 * holding a lock on a table the worker writes delays the stop by a fraction
 * of a second at most, and what cannot be written is given up.
 */
static void
begin_stop(void)
{
	if (run.stopping)
		return;
	run.stopping = true;
	store_set_deadline(WORKER_STOP_BUDGET_S);
}

/*
 * STOPPED with graceful_shutdown_at, once.  The state passes through
 * STOPPING without a row of its own: a row for an instant would spend half
 * of the budget.
 */
static void
write_stopped(void)
{
	if (run.stopped_written)
		return;
	run.stopped_written = true;
	if (!run.extension_ready)
		return;
	if (run.state != DAEMON_STOPPING && run.state != DAEMON_STOPPED)
		run.state = daemon_fsm_stop_target(run.state);
	run.state = DAEMON_STOPPED;
	write_beat(true, NULL);
}

/*
 * Writes the hedger's last rows and STOPPED, and exits 0 so the postmaster
 * does not restart a worker that was told to stop.  The die() of the
 * SIGTERM is honoured here: left pending it would turn the first lock wait
 * of these writes into FATAL, and interrupts held off would keep
 * lock_timeout from ending any wait.  A second SIGTERM still ends the
 * process at once (worker_on_exit then writes what is left).
 */
static void
worker_shutdown(const char *why)
{
	ProcDiePending = false;
	begin_stop();
	ereport(LOG, (errmsg("bifrost hedger stopping: %s", why)));
	hedger_stop();
	write_stopped();
	proc_exit(0);
}

/*
 * A SIGTERM that lands inside a query or a lock wait ends in FATAL before
 * the loop sees it; record the stop from the exit path then, so the row
 * never keeps saying RUNNING after the worker is gone.  No error can be
 * caught here (PostgreSQL makes it FATAL) and no lock wait can time out, so
 * the tables are locked without waiting in line first.
 */
static void
worker_on_exit(int code, Datum arg)
{
	if (run.stopped_written || !got_sigterm)
		return;
	AbortOutOfAnyTransaction();
	begin_stop();
	write_stopped();
}

/*
 * Runs after worker_on_exit, also when its writes failed.  A worker that
 * was told to stop exits with status 0 whatever ended it (a FATAL exits
 * with 1, which the postmaster answers with a restart after
 * bgw_restart_time): a stopped worker stays stopped.
 */
static void
exit_stopped(int code, Datum arg)
{
	if (code != 0 && got_sigterm)
		proc_exit(0);
}

static void
extension_work(void *arg)
{
	run.extension_ready = store_extension_ready();
}

/* Returns false when another process already serves this database. */
static bool
take_single_instance_lock(void)
{
	LOCKTAG		tag;
	LockAcquireResult result;

	set_private_locktag(&tag, MyDatabaseId, BIFROST_LOCK_KEY1, BIFROST_LOCK_KEY2);
	StartTransactionCommand();
	result = LockAcquire(&tag, ExclusiveLock, true, true);
	/* catalog lookups need a transaction: remember the name for log lines */
	strlcpy(database_name, get_database_name(MyDatabaseId), sizeof(database_name));
	CommitTransactionCommand();
	return result != LOCKACQUIRE_NOT_AVAIL;
}

/*
 * Milliseconds until the first thing due: the heartbeat, the retry of the
 * broker, the hedger's next quote, fill or order query.  The worker's own
 * due times are monotonic, the hedger's on the wall clock.  An interval
 * made shorter by a reload takes effect at once.
 */
static long
ms_until_due(void)
{
	double		mono = monotonic_now();
	double		wall = timestamptz_to_epoch(GetCurrentTimestamp());
	double		due;

	run.next_heartbeat = Min(run.next_heartbeat, mono + bifrost_heartbeat_interval);
	run.next_retry = Min(run.next_retry, mono + bifrost_heartbeat_interval);
	due = run.next_heartbeat;
	if (run.state == DAEMON_WAITING_BROKER)
		due = Min(due, run.next_retry);
	return clock_wait_ms(clock_wait_seconds(mono, due, wall,
											hedger_active() ? hedger_next_wake(wall) : INFINITY),
						 WORKER_MAX_WAIT_MS);
}

/*
 * Each round of the loop allocates in round_context, emptied when the round
 * ends: what the worker keeps across rounds it allocates in
 * TopMemoryContext on purpose.
 */
static void
begin_round(void)
{
	if (round_context == NULL)
		round_context = AllocSetContextCreate(TopMemoryContext, "bifrost hedger round",
											  ALLOCSET_DEFAULT_SIZES);
	MemoryContextSwitchTo(round_context);
}

static void
end_round(void)
{
	MemoryContextSwitchTo(TopMemoryContext);
	MemoryContextReset(round_context);
}

void
bifrost_worker_main(Datum main_arg)
{
	char		err[STORE_ERROR_MAX];

	pqsignal(SIGTERM, worker_sigterm);
	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	BackgroundWorkerUnblockSignals();
	{
		Oid			roleoid;

		/* a hedger launched by bifrost_start() carries its database and role */
		memcpy(&roleoid, MyBgworkerEntry->bgw_extra, sizeof(Oid));
		worker_session_connect(DatumGetObjectId(main_arg), roleoid);
	}

	memset(&run, 0, sizeof(run));
	run.state = DAEMON_IDLE;
	run.started_at = GetCurrentTimestamp();
	/* registered first, run last */
	before_shmem_exit(exit_stopped, (Datum) 0);
	before_shmem_exit(worker_on_exit, (Datum) 0);

	if (!take_single_instance_lock())
	{
		ereport(LOG,
				(errmsg("another bifrost hedger already serves database \"%s\"; this one exits",
						database_name),
				 errhint("SELECT bifrost.worker_pid() shows the running one.")));
		proc_exit(0);
	}

	if (!http_global_init(err, sizeof(err)))
		ereport(ERROR, (errmsg("bifrost: %s", err)));

	/* A standby only waits: trading starts on the node that is promoted. */
	while (RecoveryInProgress())
	{
		begin_round();
		report_activity("(standby, waiting for promotion)");
		worker_wait(STANDBY_POLL_MS);
		end_round();
	}

	for (;;)
	{
		bool		ready;

		begin_round();
		ready = store_run("bifrost: check extension", extension_work, NULL, err, sizeof(err)) &&
			run.extension_ready;
		if (!ready)
		{
			report_activity("(waiting for CREATE EXTENSION bifrost)");
			worker_wait(bifrost_heartbeat_interval * 1000L);
		}
		end_round();
		if (ready)
			break;
	}

	ereport(LOG, (errmsg("bifrost hedger started for database \"%s\" (broker %s)",
						 database_name, bifrost_broker_name(bifrost_broker))));
	begin_round();
	notice_config_change();
	connect_broker();
	end_round();
	run.next_heartbeat = monotonic_now();

	for (;;)
	{
		bool		woken;

		begin_round();
		woken = worker_wait(ms_until_due());

		if (broker_endpoint_changed && hedger_switch_ready())
		{
			/* a new broker or URL: connect again before trading on (after the orders in flight) */
			broker_endpoint_changed = false;
			hedger_stop();
			if (run.state != DAEMON_CONNECTING)
			{
				run.broker_connected = false;
				run.next_retry = monotonic_now();
				set_state(DAEMON_WAITING_BROKER);
			}
		}
		handle_commands();
		if (woken)
			notice_config_change();
		if (run.state == DAEMON_WAITING_BROKER && monotonic_now() >= run.next_retry)
			connect_broker();
		if (hedger_active() && daemon_state_is_running(run.state))
			hedger_poll(wall_now(), suspend_wanted(), run.broker_connected);
		if (monotonic_now() >= run.next_heartbeat)
			heartbeat();
		end_round();
	}
}
