/*
 * bgw.c: the loop every bifrost background worker runs in (bgw.h): signals,
 * waits, reload, stop, rounds, standby and extension waits, clocks.
 */
#include "postgres.h"

#include <math.h>

#include "access/xact.h"
#include "access/xlog.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "tcop/tcopprot.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "engine/wall_clock.h"
#include "net/http.h"
#include "pg/bgw/bgw.h"
#include "pg/common/engine_glue.h"
#include "pg/common/monotonic.h"
#include "pg/spi/store.h"

static const bgw_worker *worker = NULL;
static volatile sig_atomic_t got_sigterm = false;
/* The latch was set during a bgw_sleep(): the next bgw_wait() reports it. */
static bool latch_seen = false;
static MemoryContext round_context = NULL;

/* die() cancels a running query; the flag lets the loop stop cleanly first. */
static void
bgw_sigterm(SIGNAL_ARGS)
{
	int			save_errno = errno;

	got_sigterm = true;
	die(postgres_signal_arg);
	errno = save_errno;
}

void
bgw_init(const bgw_worker *w)
{
	worker = w;
	pqsignal(SIGTERM, bgw_sigterm);
	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	BackgroundWorkerUnblockSignals();
}

bool
bgw_stopping(void)
{
	return got_sigterm || ProcDiePending;
}

bool
bgw_wanted_elsewhere(void)
{
	return got_sigterm || InterruptPending || ConfigReloadPending || MyLatch->is_set || latch_seen;
}

/*
 * The die() of the SIGTERM is honoured here: left pending it would turn the
 * first lock wait of the last writes into FATAL, and interrupts held off
 * would keep lock_timeout from ending any wait.  A second SIGTERM still ends
 * the process at once (the exit path then writes what is left).
 */
void
bgw_stop(const char *why)
{
	ProcDiePending = false;
	ereport(LOG, (errmsg("%s stopping: %s", worker->type, why)));
	if (worker->on_stop)
		worker->on_stop();
	proc_exit(worker->stop_is_final ? 0 : 1);
}

void
bgw_check_stop(void)
{
	if (got_sigterm)
		bgw_stop("SIGTERM");
}

/*
 * A SIGTERM that lands inside a query or a lock wait ends in FATAL before
 * the loop sees it: the worker's last writes run from the exit path then,
 * so its rows never keep saying it runs after it is gone.
 */
static void
exit_after_stop(int code, Datum arg)
{
	if (!got_sigterm || worker->on_exit_after_stop == NULL)
		return;
	AbortOutOfAnyTransaction();
	worker->on_exit_after_stop();
}

/*
 * Runs after exit_after_stop, also when its writes failed.  A worker whose
 * stop is final exits with status 0 whatever ended it after a SIGTERM (a
 * FATAL exits with 1, which the postmaster answers with a restart after
 * bgw_restart_time): a stopped worker stays stopped.
 */
static void
exit_status_of_stop(int code, Datum arg)
{
	if (code != 0 && got_sigterm && worker->stop_is_final)
		proc_exit(0);
}

void
bgw_connect(Datum main_arg)
{
	Oid			roleoid;
	char		err[256];

	/* a worker launched by bgw_launch_dynamic() carries its database and role */
	memcpy(&roleoid, MyBgworkerEntry->bgw_extra, sizeof(Oid));
	bgw_session_connect(DatumGetObjectId(main_arg), roleoid);

	/*
	 * After the connection: the exit path's writes need the session, whose
	 * own exit callbacks run after ours (in the reverse order of
	 * registration).  Registered first, run last.
	 */
	before_shmem_exit(exit_status_of_stop, (Datum) 0);
	before_shmem_exit(exit_after_stop, (Datum) 0);

	if (!http_global_init(err, sizeof(err)))
		ereport(ERROR, (errmsg("%s: %s", worker->label, err)));
}

bool
bgw_wait(long timeout_ms)
{
	bool		woken = MyLatch->is_set || latch_seen;

	latch_seen = false;
	if (timeout_ms > 0 && !woken)
		woken = (WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						   timeout_ms, PG_WAIT_EXTENSION) & WL_LATCH_SET) != 0;
	ResetLatch(MyLatch);
	bgw_check_stop();
	CHECK_FOR_INTERRUPTS();
	if (ConfigReloadPending)
	{
		ConfigReloadPending = false;
		ProcessConfigFile(PGC_SIGHUP);
		if (worker->on_reload)
			worker->on_reload();
	}
	return woken;
}

bool
bgw_sleep(long ms)
{
	double		until = monotonic_now() + ms / 1000.0;

	while (!bgw_stopping())
	{
		long		left = clock_wait_ms(until - monotonic_now(), BGW_MAX_WAIT_MS);

		if (left <= 0)
			break;
		if (WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
					  left, PG_WAIT_EXTENSION) & WL_LATCH_SET)
		{
			ResetLatch(MyLatch);
			latch_seen = true;
		}
	}
	return !bgw_stopping();
}

/*
 * Each round of a worker's loop allocates in its round context, emptied when
 * the round ends: what a worker keeps across rounds it allocates in
 * TopMemoryContext on purpose.
 */
void
bgw_round_begin(void)
{
	/* the worker names the context (a constant string of its bgw_worker) */
	if (round_context == NULL)
		round_context = AllocSetContextCreateInternal(TopMemoryContext, worker->round_context,
													  ALLOCSET_DEFAULT_SIZES);
	MemoryContextSwitchTo(round_context);
}

void
bgw_round_end(void)
{
	MemoryContextSwitchTo(TopMemoryContext);
	MemoryContextReset(round_context);
}

/* Waits in rounds until ready() says so, showing detail meanwhile. */
static void
wait_until(bool (*ready) (void), const char *detail, long (*retry_ms) (void))
{
	for (;;)
	{
		bool		ok;

		bgw_round_begin();
		ok = ready();
		if (!ok)
		{
			worker->report(detail);
			bgw_wait(retry_ms());
		}
		bgw_round_end();
		if (ok)
			return;
	}
}

static bool
promoted(void)
{
	return !RecoveryInProgress();
}

static long
standby_poll_ms(void)
{
	return BGW_STANDBY_POLL_MS;
}

/* A standby only waits: a worker's work starts on the node that is promoted. */
void
bgw_wait_for_promotion(void)
{
	wait_until(promoted, "standby, waiting for promotion", standby_poll_ms);
}

static void
extension_work(void *arg)
{
	*(bool *) arg = store_extension_ready();
}

bool
bgw_extension_ready(void)
{
	char		activity[64];
	char		err[STORE_ERROR_MAX];
	bool		ready = false;

	snprintf(activity, sizeof(activity), "%s: check extension", worker->label);
	return store_run(activity, extension_work, &ready, err, sizeof(err)) && ready;
}

void
bgw_wait_for_extension(long (*retry_ms) (void))
{
	wait_until(bgw_extension_ready, "waiting for CREATE EXTENSION bifrost", retry_ms);
}

double
bgw_wall_now(void)
{
	return timestamptz_to_epoch(GetCurrentTimestamp());
}

long
bgw_ms_until(double mono_due, double wall_now, double wall_due)
{
	return clock_wait_ms(clock_wait_seconds(monotonic_now(), mono_due, wall_now, wall_due),
						 BGW_MAX_WAIT_MS);
}
