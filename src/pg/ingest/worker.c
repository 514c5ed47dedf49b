/*
 * worker.c: the "bifrost ingest" background worker.  Every
 * bifrost.ingest_interval seconds it runs each entry of
 * bifrost.ingest_schedule through the code of bifrost_ingest() (ingest.h), in
 * a process of its own, so a slow or failing venue never delays the hedger.
 *
 * It runs in the skeleton of every bifrost worker (bgw.h).  Registered at
 * server start when bifrost is preloaded.  With an empty schedule it waits
 * on its latch without even connecting to a database; a reload that sets a
 * schedule starts the first round at once.  It starts only once recovery
 * has finished, so a hot standby fetches nothing until it is promoted.  Each
 * entry is one transaction: an error in one is caught, logged and recorded
 * as a failed bifrost.ingestion_runs row, and the next entry goes on.
 * SIGTERM: a transfer in flight is abandoned within one slice of the HTTP
 * poll and the transaction rolled back; the stop is not final, the
 * postmaster starts the worker again after BGW_RESTART_SEC and the schedule
 * goes on.  The interval between rounds is measured on the monotonic clock,
 * so a step of the wall clock neither silences the worker nor starts rounds
 * early; each round allocates in a memory context emptied after it.
 */
#include "postgres.h"

#include <ctype.h>
#include <math.h>

#include "pgstat.h"
#include "utils/memutils.h"

#include "pg/bgw/bgw.h"
#include "pg/common/monotonic.h"
#include "pg/ingest/ingest.h"
#include "pg/spi/store.h"

#define INGEST_WORKER_TYPE "bifrost ingest"

static char *schedule_text = NULL;	/* the schedule of the last round, to notice a change */
static bool schedule_changed = false;	/* a reload changed it since */

void
bifrost_ingest_worker_register(void)
{
	/* a standby must not fetch: the worker starts after promotion */
	bgw_register_static(INGEST_WORKER_TYPE, "bifrost_ingest_worker_main",
						BgWorkerStart_RecoveryFinished);
}

static bool
schedule_empty(void)
{
	for (const char *p = bifrost_ingest_schedule; p && *p; p++)
		if (!isspace((unsigned char) *p))
			return false;
	return true;
}

/* The schedule the next waits compare a reload with. */
static void
remember_schedule(const char *text)
{
	if (schedule_text)
		pfree(schedule_text);
	schedule_text = MemoryContextStrdup(TopMemoryContext, text);
	schedule_changed = false;
}

/* bgw's on_reload: a new schedule starts the next round at once. */
static void
ingest_reloaded(void)
{
	if (schedule_text == NULL || strcmp(schedule_text, bifrost_ingest_schedule) != 0)
		schedule_changed = true;
}

static void
report(const char *text)
{
	pgstat_report_activity(STATE_IDLE, text);
}

/* bgw's report: "bifrost ingest: standby, waiting for promotion". */
static void
report_detail(const char *detail)
{
	char		text[128];

	snprintf(text, sizeof(text), "bifrost ingest: %s", detail);
	report(text);
}

typedef struct entry_args
{
	const ingest_request *req;
	ingest_outcome outcome;
	int			changed;
	int64		run;
	char		why[512];
	const char *error;			/* failure_work: the error to record */
} entry_args;

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
	char		err[384];

	remember_schedule(bifrost_ingest_schedule);
	if (!ingest_schedule_parse(schedule_text, &schedule, err, sizeof(err)))
	{
		/* the check hook refuses such a value: only a changed library version gets here */
		ereport(LOG, (errmsg("bifrost ingest: bifrost.ingest_schedule is invalid: %s", err)));
		return;
	}
	if (!bgw_extension_ready())
	{
		report_detail("waiting for CREATE EXTENSION bifrost");
		return;
	}
	for (int i = 0; i < schedule.n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		run_entry(&schedule.entries[i]);
	}
}

static const bgw_worker ingest_bgw = {
	.type = INGEST_WORKER_TYPE,
	.label = "bifrost ingest",
	.round_context = "bifrost ingest round",
	.stop_is_final = false,
	.report = report_detail,
	.on_reload = ingest_reloaded,
};

void
bifrost_ingest_worker_main(Datum main_arg)
{
	bgw_init(&ingest_bgw);

	/* nothing scheduled: no database session either, until a reload brings a schedule */
	while (schedule_empty())
	{
		bgw_round_begin();
		(void) bgw_wait(BGW_MAX_WAIT_MS);
		bgw_round_end();
	}

	bgw_connect(main_arg);
	bgw_wait_for_promotion();
	ereport(LOG, (errmsg("bifrost ingest worker started for database \"%s\": \"%s\" every %d s",
						 bifrost_database, bifrost_ingest_schedule, bifrost_ingest_interval)));

	for (;;)
	{
		double		round_start = monotonic_now();
		char		activity[128];

		bgw_round_begin();
		if (schedule_empty())
		{
			remember_schedule("");
			report("bifrost ingest: no schedule");
			(void) bgw_wait(BGW_MAX_WAIT_MS);
			bgw_round_end();
			continue;
		}
		run_round();
		snprintf(activity, sizeof(activity), "bifrost ingest: idle, every %d s", bifrost_ingest_interval);
		report(activity);

		/* the next round starts an interval after this one started; a new schedule starts it now */
		for (;;)
		{
			double		next = round_start + bifrost_ingest_interval;

			if (monotonic_now() >= next)
				break;
			(void) bgw_wait(bgw_ms_until(next, 0, INFINITY));
			if (schedule_changed)
				break;
		}
		bgw_round_end();
	}
}
