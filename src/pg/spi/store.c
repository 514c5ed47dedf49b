/*
 * store.c: the transaction runner of the workers, and their saved plans.
 *
 * Each unit of work is one short transaction in the order the background
 * worker documentation asks for (statement timestamp, transaction, SPI,
 * snapshot), so a failure rolls back only that unit and the worker goes on.
 * It knows nothing of what the units do.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/latch.h"
#include "storage/lmgr.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/wait_event.h"

#include "pg/common/monotonic.h"
#include "pg/spi/store.h"

/* Monotonic time after which no unit of work starts; 0 while there is no deadline. */
static double deadline = 0;

void
store_set_deadline(double seconds)
{
	deadline = monotonic_now() + seconds;
}

/* Milliseconds a unit started now may wait for a lock: the deadline's share, or the session's wait. */
static long
lock_wait_ms(void)
{
	double		left = (deadline - monotonic_now()) * 1000.0;

	return (long) Min(left, (double) STORE_DEADLINE_LOCK_WAIT_MS);
}

/*
 * Under a deadline, lock_timeout bounds every lock wait of the unit by the
 * time left; false when no time is left to start it.
 */
static bool
bound_lock_waits(void)
{
	char		ms[32];
	long		wait = lock_wait_ms();

	if (wait < 1)
		return false;
	snprintf(ms, sizeof(ms), "%ldms", wait);
	SetConfigOption("lock_timeout", ms, PGC_SUSET, PGC_S_SESSION);
	return true;
}

bool
store_run(const char *activity, store_work_fn fn, void *arg, char *errbuf, size_t errlen)
{
	MemoryContext caller_context = CurrentMemoryContext;
	volatile bool ok = true;

	if (deadline > 0 && !bound_lock_waits())
	{
		ereport(LOG, (errmsg("%s: skipped, no time is left before the worker stops", activity)));
		if (errbuf)
			snprintf(errbuf, errlen, "%s: skipped, no time is left before the worker stops", activity);
		return false;
	}
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	pgstat_report_activity(STATE_RUNNING, activity);
	PG_TRY();
	{
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		PushActiveSnapshot(GetTransactionSnapshot());
		fn(arg);
		SPI_finish();
		PopActiveSnapshot();
		CommitTransactionCommand();
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		/* Keep interrupts away while the failed transaction is cleaned up. */
		HOLD_INTERRUPTS();
		MemoryContextSwitchTo(caller_context);
		edata = CopyErrorData();
		EmitErrorReport();
		FlushErrorState();
		AbortCurrentTransaction();
		SPI_finish();			/* no-op unless still connected */
		if (errbuf)
			snprintf(errbuf, errlen, "%s: %s", activity, edata->message);
		FreeErrorData(edata);
		RESUME_INTERRUPTS();
		ok = false;
	}
	PG_END_TRY();
	MemoryContextSwitchTo(caller_context);
	pgstat_report_stat(false);
	return ok;
}

bool
store_extension_ready(void)
{
	return OidIsValid(get_extension_oid("bifrost", true));
}

/*
 * Takes mode on bifrost.<table> without queueing for it: tried again every
 * few milliseconds until the deadline's share of a lock wait is spent (once
 * without a deadline).  The
 * lock manager's own wait cannot be bounded once the process is exiting
 * (lock_timeout needs interrupts, which are off then), so the last writes
 * of a stopping worker lock their tables through this first.
 */
bool
store_lock_table_or_give_up(const char *table, LOCKMODE mode)
{
	Oid			relid = get_relname_relid(table, get_namespace_oid("bifrost", false));
	double		until = monotonic_now() + Max(lock_wait_ms(), 0) / 1000.0;

	if (!OidIsValid(relid))
		return false;
	for (;;)
	{
		if (ConditionalLockRelationOid(relid, mode))
			return true;
		if (monotonic_now() >= until)
			break;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
						 STORE_LOCK_RETRY_MS, PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
	}
	ereport(LOG,
			(errmsg("bifrost: bifrost.%s stays locked by another session; the worker stops without writing it", table),
			 errhint("pg_locks shows who holds the lock.")));
	return false;
}

/*
 * Saved plans of the worker's statements, keyed by the address of their SQL
 * text (every caller passes a string literal).  Planning a statement costs
 * more than running it; a saved plan is replanned by PostgreSQL itself when
 * a table it uses changes.
 */
#define STORE_MAX_PLANS 96

typedef struct store_plan
{
	const char *sql;
	SPIPlanPtr	plan;
} store_plan;

static store_plan plans[STORE_MAX_PLANS];
static int	n_plans = 0;

SPIPlanPtr
store_saved_plan(const char *sql, int nargs, Oid *types)
{
	SPIPlanPtr	plan;

	for (int i = 0; i < n_plans; i++)
		if (plans[i].sql == sql)
			return plans[i].plan;
	plan = SPI_prepare(sql, nargs, types);
	if (plan == NULL)
		elog(ERROR, "bifrost: SPI_prepare failed (%s) for \"%.60s...\"",
			 SPI_result_code_string(SPI_result), sql);
	if (n_plans == STORE_MAX_PLANS)
		return plan;			/* not kept: freed with the SPI context */
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "bifrost: SPI_keepplan failed");
	plans[n_plans].sql = sql;
	plans[n_plans].plan = plan;
	n_plans++;
	return plan;
}

void
store_exec(const char *sql, int nargs, Oid *types, Datum *values, const char *nulls, int expected)
{
	int			rc;

	/* only the worker keeps plans: a backend's SPI calls come and go */
	if (!IsBackgroundWorker)
		rc = SPI_execute_with_args(sql, nargs, types, values, nulls, false, 0);
	else
		rc = SPI_execute_plan(store_saved_plan(sql, nargs, types), values, nulls, false, 0);
	if (rc != expected)
		elog(ERROR, "bifrost: SPI returned %s for \"%.60s...\"", SPI_result_code_string(rc), sql);
}
