/*
 * launch.c: starting and waking the hedger from elsewhere (worker.h): its
 * registration, static at server start or dynamic from bifrost_start(), the
 * pid of the running one, and the wake-up the control functions send at
 * commit.
 */
#include "postgres.h"

#include "access/xact.h"
#include "executor/spi.h"
#include "postmaster/bgworker.h"
#include "storage/latch.h"
#include "storage/proc.h"
#include "storage/procarray.h"

#include "pg/bgw/bgw.h"
#include "pg/hedger/worker.h"

/* Start on a consistent standby too: the hedger idles there until promotion. */
#define HEDGER_START_TIME BgWorkerStart_ConsistentState

void
hedger_worker_register(void)
{
	bgw_register_static(BIFROST_WORKER_TYPE, "bifrost_worker_main", HEDGER_START_TIME);
}

pid_t
hedger_worker_launch(Oid dboid, Oid roleoid)
{
	return bgw_launch_dynamic(BIFROST_WORKER_TYPE, "bifrost_worker_main", HEDGER_START_TIME,
							  dboid, roleoid);
}

int
hedger_lock_holder_pid(bool *is_hedger)
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

bool
hedger_wake(void)
{
	int			pid;
	bool		is_hedger;

	SPI_connect();
	pid = hedger_lock_holder_pid(&is_hedger);
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
