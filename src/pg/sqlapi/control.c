/*
 * launch.c: registering the hedger (static at server start, dynamic from
 * bifrost_start()) and waking it from control functions.
 */
#include "postgres.h"

#include "access/xact.h"
#include "commands/dbcommands.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "postmaster/bgworker.h"
#include "storage/latch.h"
#include "storage/proc.h"
#include "storage/procarray.h"
#include "utils/acl.h"
#include "utils/builtins.h"

#include "pg/guc.h"
#include "pg/hedger/daemon.h"

PG_FUNCTION_INFO_V1(bifrost_start);
PG_FUNCTION_INFO_V1(bifrost_wake_worker);

static void
fill_worker(BackgroundWorker *w, Oid dboid, Oid roleoid)
{
	memset(w, 0, sizeof(*w));
	w->bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	/* Start on a consistent standby too: it idles there until promotion. */
	w->bgw_start_time = BgWorkerStart_ConsistentState;
	w->bgw_restart_time = BIFROST_RESTART_SEC;
	strlcpy(w->bgw_library_name, "bifrost", BGW_MAXLEN);
	strlcpy(w->bgw_function_name, "bifrost_worker_main", BGW_MAXLEN);
	strlcpy(w->bgw_type, BIFROST_WORKER_TYPE, BGW_MAXLEN);
	if (OidIsValid(dboid))
		snprintf(w->bgw_name, BGW_MAXLEN, "%s for database %u", BIFROST_WORKER_TYPE, dboid);
	else
		snprintf(w->bgw_name, BGW_MAXLEN, "%s", BIFROST_WORKER_TYPE);
	w->bgw_main_arg = ObjectIdGetDatum(dboid);
	memcpy(w->bgw_extra, &roleoid, sizeof(Oid));
}

void
bifrost_worker_register_static(void)
{
	BackgroundWorker w;

	fill_worker(&w, InvalidOid, InvalidOid);
	RegisterBackgroundWorker(&w);
}

pid_t
bifrost_worker_launch(Oid dboid, Oid roleoid)
{
	BackgroundWorker w;
	BackgroundWorkerHandle *handle;
	BgwHandleStatus status;
	pid_t		pid = 0;

	fill_worker(&w, dboid, roleoid);
	w.bgw_notify_pid = MyProcPid;
	if (!RegisterDynamicBackgroundWorker(&w, &handle))
		ereport(ERROR,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("could not start the bifrost hedger: no background worker slot is free"),
				 errhint("Raise max_worker_processes (it needs a server restart).")));
	status = WaitForBackgroundWorkerStartup(handle, &pid);
	if (status == BGWH_STOPPED)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_RESOURCES),
				 errmsg("the bifrost hedger exited right after it started"),
				 errhint("The server log says why.")));
	if (status == BGWH_POSTMASTER_DIED)
		ereport(ERROR,
				(errcode(ERRCODE_ADMIN_SHUTDOWN),
				 errmsg("the postmaster died while starting the bifrost hedger")));
	return pid;
}

/*
 * Pid of the process holding the hedger's lock in this database, 0 when
 * none; *is_hedger tells whether it is a bifrost hedger, as it always should
 * be (no SQL function can take that lock).  Needs SPI.
 */
static int
lock_holder_pid(bool *is_hedger)
{
	bool		isnull;
	Datum		d;
	int			pid;

	if (SPI_execute("SELECT w.pid, a.backend_type = '" BIFROST_WORKER_TYPE "'"
					" FROM (SELECT bifrost.worker_pid() AS pid) w"
					" LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = w.pid",
					true, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "could not look up the bifrost worker pid");
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	pid = isnull ? 0 : DatumGetInt32(d);
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull);
	*is_hedger = !isnull && DatumGetBool(d);
	return pid;
}

static void
audit_start(const char *result)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1] = {CStringGetTextDatum(result)};

	if (SPI_execute_with_args("INSERT INTO bifrost.daemon_control (command, requested_by, consumed_at, result)"
							  " VALUES ('start', session_user, now(), $1)",
							  1, types, values, NULL, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "could not record the start command");
}

/*
 * bifrost_start(): launches the hedger for the current database unless one
 * runs already; returns its pid either way.
 */
Datum
bifrost_start(PG_FUNCTION_ARGS)
{
	int			pid;
	char		result[128];
	Oid			roleoid = InvalidOid;
	bool		is_hedger;

	SPI_connect();
	pid = lock_holder_pid(&is_hedger);
	if (pid != 0 && !is_hedger)
		ereport(ERROR,
				(errcode(ERRCODE_LOCK_NOT_AVAILABLE),
				 errmsg("cannot start the bifrost hedger: its lock in this database is held by pid %d, which is not a hedger", pid),
				 errdetail("Only bifrost's own code takes that lock (pg_locks shows it as locktype userlock)."),
				 errhint("pg_stat_activity says what pid %d is.", pid)));
	if (pid != 0)
	{
		snprintf(result, sizeof(result), "already running as pid %d", pid);
		ereport(NOTICE, (errmsg("the bifrost hedger already runs for this database (pid %d)", pid)));
	}
	else
	{
		if (bifrost_role && bifrost_role[0])
			roleoid = get_role_oid(bifrost_role, false);
		pid = (int) bifrost_worker_launch(MyDatabaseId, roleoid);
		snprintf(result, sizeof(result), "started as pid %d", pid);
	}
	audit_start(result);
	SPI_finish();
	PG_RETURN_INT32(pid);
}

/* Pid to wake when the current transaction commits; 0 for none. */
static int	wake_at_commit_pid = 0;
static bool wake_callback_registered = false;

/*
 * The command row must be visible before the worker looks for it, so the
 * latch is set from the commit callback, after the commit became visible,
 * never from inside the transaction that inserted the row.
 */
static void
wake_on_commit(XactEvent event, void *arg)
{
	PGPROC	   *proc;

	if (wake_at_commit_pid == 0)
		return;
	if (event == XACT_EVENT_COMMIT)
	{
		proc = BackendPidGetProc(wake_at_commit_pid);
		if (proc != NULL)
			SetLatch(&proc->procLatch);
		wake_at_commit_pid = 0;
	}
	else if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT)
		wake_at_commit_pid = 0;
}

/*
 * Arranges for the hedger of this database to be woken when the current
 * transaction commits, so it reads its command queue and config at once.
 * Returns false when no hedger runs.
 */
bool
bifrost_wake(void)
{
	int			pid;
	bool		is_hedger;

	SPI_connect();
	pid = lock_holder_pid(&is_hedger);
	SPI_finish();
	if (pid == 0 || !is_hedger)
		return false;
	if (!wake_callback_registered)
	{
		RegisterXactCallback(wake_on_commit, NULL);
		wake_callback_registered = true;
	}
	wake_at_commit_pid = pid;
	return true;
}

Datum
bifrost_wake_worker(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(bifrost_wake());
}
