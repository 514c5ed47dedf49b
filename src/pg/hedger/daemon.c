/*
 * daemon.c: the hedger worker's daemon life cycle and main loop.
 *
 * One process per database, guarded by a private session lock.  It runs in
 * the skeleton of every bifrost worker (bgw.h): it waits on its latch, so
 * control functions reach it at once (commands.c); it takes every decision
 * in short SPI transactions and never keeps one open across an HTTP call.
 * A stop is final: after SIGTERM or bifrost_stop() the worker writes its
 * last rows and STOPPED and exits with status 0, which tells the postmaster
 * not to start it again; its last writes wait for their locks a short time
 * only, so it is gone within a second.
 *
 * Waits and intervals are measured on the monotonic clock (wall_clock.h);
 * each round of the loop allocates in a memory context reset after it.
 */
#include "postgres.h"

#include "access/xact.h"
#include "commands/dbcommands.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/ipc.h"
#include "storage/lock.h"
#include "utils/timestamp.h"

#include "engine/wall_clock.h"
#include "net/broker_link.h"
#include "pg/bgw/bgw.h"
#include "pg/common/engine_glue.h"
#include "pg/common/monotonic.h"
#include "pg/common/private_lock.h"
#include "pg/hedger/daemon.h"
#include "pg/hedger/daemon_store.h"
#include "pg/hedger/hedger.h"
#include "pg/hedger/settings.h"
#include "pg/hedger/worker.h"
#include "pg/venue/settings.h"

/* All the writes of a stop (the hedger's last rows, STOPPED) end within this (s). */
#define WORKER_STOP_BUDGET_S 0.6
/* Room for a described broker endpoint: its kind and base URL. */
#define ENDPOINT_TEXT_MAX 1024

daemon_run	run;
static char database_name[NAMEDATALEN];
/* The broker and URL as of the last reload, to notice one that changes them. */
static char endpoint_seen[ENDPOINT_TEXT_MAX];
static bool broker_endpoint_changed = false;

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
	snap.trading_state = "BOOT";	/* until the hedger has figures of its own */
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

/* A stopping worker spends none of its last moments on it (the log has it). */
void
daemon_record_error(const char *message)
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
		daemon_record_error(err);
	if (run.extension_ready &&
		!store_run("bifrost: status", status_work, &a, err, sizeof(err)))
		daemon_record_error(err);
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
	if (hedger_start(bgw_wall_now(), write_status_for_hedger, why, sizeof(why)))
		return;
	daemon_record_error(why);
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

bool
daemon_suspend_wanted(void)
{
	return run.suspended || !bifrost_enabled;
}

/* RUNNING <-> RUNNING_SUSPENDED after the flag or bifrost.enabled changed. */
void
daemon_apply_suspension(void)
{
	if (run.state == DAEMON_RUNNING && daemon_suspend_wanted())
		set_state(DAEMON_RUNNING_SUSPENDED);
	else if (run.state == DAEMON_RUNNING_SUSPENDED && !daemon_suspend_wanted())
		set_state(DAEMON_RUNNING);
}

static void
read_suspended_work(void *arg)
{
	if (store_extension_ready())
		run.suspended = store_read_suspended();
}

void
daemon_refresh_suspended(void)
{
	char		err[STORE_ERROR_MAX];

	if (!store_run("bifrost: read run status", read_suspended_work, NULL, err, sizeof(err)))
		daemon_record_error(err);
}

/* Which broker and URL the worker talks to, to notice a reload that changes it. */
static void
describe_broker_endpoint(char *buf, size_t len)
{
	snprintf(buf, len, "%d %s", bifrost_broker,
			 bifrost_broker == BIFROST_BROKER_OKX ? bifrost_okx_base_url :
			 bifrost_broker == BIFROST_BROKER_IBKR ? bifrost_ibkr_base_url : "");
}

/*
 * After a reload: a new broker or base URL sends the worker back through
 * WAITING_BROKER (once the orders in flight allow it).
 */
static void
hedger_reloaded(void)
{
	char		now[ENDPOINT_TEXT_MAX];

	describe_broker_endpoint(now, sizeof(now));
	if (strcmp(now, endpoint_seen) != 0)
		broker_endpoint_changed = true;
	strlcpy(endpoint_seen, now, sizeof(endpoint_seen));
	report_activity(NULL);
}

/* Polled by libcurl between slices: stop the transfer for signals or commands. */
static bool
probe_should_abort(void *arg)
{
	return bgw_wanted_elsewhere();
}

void
daemon_connect_broker(void)
{
	char		why[STORE_ERROR_MAX];
	broker_link_result result;
	const char *base_url = bifrost_broker == BIFROST_BROKER_OKX ? bifrost_okx_base_url :
		bifrost_broker == BIFROST_BROKER_IBKR ? bifrost_ibkr_base_url : "";

	set_state(DAEMON_CONNECTING);
	result = broker_link_probe((broker_link_kind) bifrost_broker, base_url,
							   bifrost_http_timeout_ms, probe_should_abort, NULL,
							   why, sizeof(why));
	bgw_check_stop();

	if (result == BROKER_LINK_UP)
	{
		run.broker_connected = true;
		set_state(DAEMON_CONNECTED);
		set_state(DAEMON_RUNNING);
		daemon_refresh_suspended();
		daemon_apply_suspension();
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
		daemon_record_error(why);
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
		daemon_record_error(err);
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

	daemon_refresh_suspended();
	daemon_apply_suspension();
	start_hedger();
	if (hedger_active())
		hedger_heartbeat(bgw_wall_now(), daemon_suspend_wanted(), run.broker_connected);
	run.heartbeats++;
	if (bifrost_history_sample_every > 0 && run.heartbeats % bifrost_history_sample_every == 0)
		history_reason = "heartbeat_sample";
	write_beat(false, history_reason);
	run.next_heartbeat = monotonic_now() + bifrost_heartbeat_interval;
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

/* bgw's on_stop: the hedger's last rows and STOPPED, within the stop's budget. */
static void
hedger_on_stop(void)
{
	begin_stop();
	hedger_stop();
	write_stopped();
}

/*
 * bgw's on_exit_after_stop: a SIGTERM that ended the process inside a query
 * or a lock wait still leaves STOPPED, so the row never keeps saying RUNNING
 * after the worker is gone.  No lock wait can time out here, so the tables
 * are locked without waiting in line first.
 */
static void
hedger_on_exit_after_stop(void)
{
	if (run.stopped_written)
		return;
	begin_stop();
	write_stopped();
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
	double		wall = bgw_wall_now();
	double		due;

	run.next_heartbeat = Min(run.next_heartbeat, mono + bifrost_heartbeat_interval);
	run.next_retry = Min(run.next_retry, mono + bifrost_heartbeat_interval);
	due = run.next_heartbeat;
	if (run.state == DAEMON_WAITING_BROKER)
		due = Min(due, run.next_retry);
	return bgw_ms_until(due, wall, hedger_active() ? hedger_next_wake(wall) : INFINITY);
}

/* bgw's report: the state, the broker and the heartbeat, with detail in parentheses. */
static void
report_detail(const char *detail)
{
	char		text[128];

	snprintf(text, sizeof(text), "(%s)", detail);
	report_activity(text);
}

/* A database without the extension is probed again every heartbeat. */
static long
heartbeat_ms(void)
{
	return bifrost_heartbeat_interval * 1000L;
}

static const bgw_worker hedger_bgw = {
	.type = BIFROST_WORKER_TYPE,
	.label = "bifrost",
	.round_context = "bifrost hedger round",
	.stop_is_final = true,
	.report = report_detail,
	.on_stop = hedger_on_stop,
	.on_exit_after_stop = hedger_on_exit_after_stop,
	.on_reload = hedger_reloaded,
};

void
bifrost_worker_main(Datum main_arg)
{
	bgw_init(&hedger_bgw);
	memset(&run, 0, sizeof(run));
	run.state = DAEMON_IDLE;
	describe_broker_endpoint(endpoint_seen, sizeof(endpoint_seen));
	bgw_connect(main_arg);
	run.started_at = GetCurrentTimestamp();

	if (!take_single_instance_lock())
	{
		ereport(LOG,
				(errmsg("another bifrost hedger already serves database \"%s\"; this one exits",
						database_name),
				 errhint("SELECT bifrost.worker_pid() shows the running one.")));
		proc_exit(0);
	}

	bgw_wait_for_promotion();
	bgw_wait_for_extension(heartbeat_ms);
	run.extension_ready = true;

	ereport(LOG, (errmsg("bifrost hedger started for database \"%s\" (broker %s)",
						 database_name, bifrost_broker_name(bifrost_broker))));
	bgw_round_begin();
	notice_config_change();
	daemon_connect_broker();
	bgw_round_end();
	run.next_heartbeat = monotonic_now();

	for (;;)
	{
		bool		woken;

		bgw_round_begin();
		woken = bgw_wait(ms_until_due());

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
		daemon_handle_commands();
		if (woken)
			notice_config_change();
		if (run.state == DAEMON_WAITING_BROKER && monotonic_now() >= run.next_retry)
			daemon_connect_broker();
		if (hedger_active() && daemon_state_is_running(run.state))
			hedger_poll(bgw_wall_now(), daemon_suspend_wanted(), run.broker_connected);
		if (monotonic_now() >= run.next_heartbeat)
			heartbeat();
		bgw_round_end();
	}
}
