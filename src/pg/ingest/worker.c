/*
 * ingest_worker.c: the "bifrost ingest" background worker.  Every
 * bifrost.ingest_interval seconds it runs each entry of
 * bifrost.ingest_schedule through the code of bifrost_ingest() (ingest.h), in
 * a process of its own, so a slow or failing venue never delays the hedger.
 *
 * Registered at server start when bifrost is preloaded.  With an empty
 * schedule it waits on its latch without even connecting to a database; a
 * reload that sets a schedule starts the first round at once.  It starts only
 * once recovery has finished, so a hot standby fetches nothing until it is
 * promoted.  Each entry is one transaction: an error in one is caught, logged
 * and recorded as a failed bifrost.ingestion_runs row, and the next entry
 * goes on.  SIGTERM goes through die(): a transfer in flight is abandoned
 * within one slice of the HTTP poll and the transaction rolled back.  The
 * interval between rounds is measured on the monotonic clock, so a step of
 * the wall clock neither silences the worker nor starts rounds early; each
 * round allocates in a memory context emptied after it.
 */
#include "postgres.h"

#include <ctype.h>

#include "access/xact.h"
#include "access/xlog.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "tcop/tcopprot.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/wait_event.h"

#include "engine/wall_clock.h"
#include "net/http.h"
#include "pg/guc.h"
#include "pg/ingest/ingest.h"
#include "pg/common/monotonic.h"
#include "pg/spi/store.h"
#include "pg/hedger/daemon.h"
#include "pg/bgw/connect.h"

#define INGEST_WORKER_TYPE "bifrost ingest"
#define STANDBY_POLL_MS 1000
/* The longest single wait between rounds (ms): the clock is looked at again after it. */
#define INGEST_MAX_WAIT_MS 60000

static char *schedule_text = NULL;	/* the schedule of the last round, to notice a change */

void
bifrost_ingest_worker_register(void)
{
	BackgroundWorker w;

	memset(&w, 0, sizeof(w));
	w.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	/* a standby must not fetch: the worker starts after promotion */
	w.bgw_start_time = BgWorkerStart_RecoveryFinished;
	w.bgw_restart_time = BIFROST_RESTART_SEC;
	strlcpy(w.bgw_library_name, "bifrost", BGW_MAXLEN);
	strlcpy(w.bgw_function_name, "bifrost_ingest_worker_main", BGW_MAXLEN);
	strlcpy(w.bgw_type, INGEST_WORKER_TYPE, BGW_MAXLEN);
	strlcpy(w.bgw_name, INGEST_WORKER_TYPE, BGW_MAXLEN);
	RegisterBackgroundWorker(&w);
}

static bool
schedule_empty(void)
{
	for (const char *p = bifrost_ingest_schedule; p && *p; p++)
		if (!isspace((unsigned char) *p))
			return false;
	return true;
}

/*
 * Waits for the latch or timeout_ms (-1: no timeout), then honours SIGTERM,
 * cancel and reload.  Returns true when the schedule text changed.
 */
static bool
ingest_wait(long timeout_ms)
{
	int			events = WL_LATCH_SET | WL_EXIT_ON_PM_DEATH | (timeout_ms >= 0 ? WL_TIMEOUT : 0);
	bool		changed = false;

	(void) WaitLatch(MyLatch, events, timeout_ms, PG_WAIT_EXTENSION);
	ResetLatch(MyLatch);
	CHECK_FOR_INTERRUPTS();
	if (ConfigReloadPending)
	{
		ConfigReloadPending = false;
		ProcessConfigFile(PGC_SIGHUP);
		changed = schedule_text == NULL || strcmp(schedule_text, bifrost_ingest_schedule) != 0;
	}
	return changed;
}

static void
report(const char *text)
{
	pgstat_report_activity(STATE_IDLE, text);
}

typedef struct entry_args
{
	const ingest_request *req;
	bool		extension_ready;
	ingest_outcome outcome;
	int			changed;
	int64		run;
	char		why[512];
	const char *error;			/* failure_work: the error to record */
} entry_args;

static void
extension_work(void *arg)
{
	((entry_args *) arg)->extension_ready = store_extension_ready();
}

static void
entry_work(void *arg)
{
	entry_args *a = arg;

	a->outcome = ingest_run(a->req, &a->run, &a->changed, a->why, sizeof(a->why));
}

static void
failure_work(void *arg)
{
	entry_args *a = arg;

	ingest_record_failure(a->req, a->error);
}

/* One entry in its own transaction; an error is logged, recorded and left behind. */
static void
run_entry(const ingest_request *req)
{
	entry_args	a;
	char		label[128];
	char		activity[160];
	char		err[STORE_ERROR_MAX];

	memset(&a, 0, sizeof(a));
	a.req = req;
	ingest_request_label(req, label, sizeof(label));
	snprintf(activity, sizeof(activity), "bifrost ingest: %s", label);
	if (!store_run(activity, entry_work, &a, err, sizeof(err)))
	{
		/* the run row went with the rolled-back transaction: write one that says why */
		a.error = err;
		if (!store_run("bifrost ingest: record failure", failure_work, &a, NULL, 0))
			ereport(LOG, (errmsg("bifrost ingest: could not record the failure of %s", label)));
		return;
	}
	if (a.outcome == INGEST_SKIPPED)
		ereport(LOG, (errmsg("bifrost ingest: %s skipped: %s", label, a.why)));
	else if (a.outcome == INGEST_FAILED)
		ereport(LOG,
				(errmsg("bifrost ingest: %s failed: %s", label, a.why),
				 errdetail("%d rows were stored before the failure (bifrost.ingestion_runs row %lld).",
						   a.changed, (long long) a.run)));
	else
		elog(DEBUG1, "bifrost ingest: %s: %d rows new or changed", label, a.changed);
}

/* One round: every entry of the schedule parsed now, in order. */
static void
run_round(void)
{
	static ingest_schedule schedule;
	entry_args	probe;
	char		err[384];
	char		store_err[STORE_ERROR_MAX];

	if (schedule_text)
		pfree(schedule_text);
	schedule_text = MemoryContextStrdup(TopMemoryContext, bifrost_ingest_schedule);
	if (!ingest_schedule_parse(schedule_text, &schedule, err, sizeof(err)))
	{
		/* the check hook refuses such a value: only a changed library version gets here */
		ereport(LOG, (errmsg("bifrost ingest: bifrost.ingest_schedule is invalid: %s", err)));
		return;
	}
	memset(&probe, 0, sizeof(probe));
	if (!store_run("bifrost ingest: check extension", extension_work, &probe, store_err, sizeof(store_err)) ||
		!probe.extension_ready)
	{
		report("bifrost ingest: waiting for CREATE EXTENSION bifrost");
		return;
	}
	for (int i = 0; i < schedule.n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		run_entry(&schedule.entries[i]);
	}
}

/* Milliseconds until the monotonic time due; 0 when it has come. */
static long
ms_until(double due)
{
	return clock_wait_ms(clock_wait_seconds(monotonic_now(), due, 0, INFINITY), INGEST_MAX_WAIT_MS);
}

void
bifrost_ingest_worker_main(Datum main_arg)
{
	char		err[256];
	MemoryContext round_cxt;

	pqsignal(SIGTERM, die);
	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	BackgroundWorkerUnblockSignals();

	/* nothing scheduled: no database session either, until a reload brings a schedule */
	while (schedule_empty())
		(void) ingest_wait(-1);

	worker_session_connect(InvalidOid, InvalidOid);
	if (!http_global_init(err, sizeof(err)))
		ereport(ERROR, (errmsg("bifrost ingest: %s", err)));

	while (RecoveryInProgress())
	{
		report("bifrost ingest: standby, waiting for promotion");
		(void) ingest_wait(STANDBY_POLL_MS);
	}
	round_cxt = AllocSetContextCreate(TopMemoryContext, "bifrost ingest round", ALLOCSET_DEFAULT_SIZES);
	ereport(LOG, (errmsg("bifrost ingest worker started for database \"%s\": \"%s\" every %d s",
						 bifrost_database, bifrost_ingest_schedule, bifrost_ingest_interval)));

	for (;;)
	{
		double		round_start = monotonic_now();
		char		activity[128];

		if (schedule_empty())
		{
			if (schedule_text)
				pfree(schedule_text);
			schedule_text = MemoryContextStrdup(TopMemoryContext, "");
			report("bifrost ingest: no schedule");
			(void) ingest_wait(-1);
			continue;
		}
		MemoryContextSwitchTo(round_cxt);
		run_round();
		MemoryContextSwitchTo(TopMemoryContext);
		MemoryContextReset(round_cxt);
		snprintf(activity, sizeof(activity), "bifrost ingest: idle, every %d s", bifrost_ingest_interval);
		report(activity);

		/* the next round starts an interval after this one started; a new schedule starts it now */
		for (;;)
		{
			double		next = round_start + bifrost_ingest_interval;

			if (monotonic_now() >= next || ingest_wait(ms_until(next)))
				break;
		}
	}
}
