/*
 * sweep_worker.c: a worker of bifrost_backtest_sweep() ("bifrost backtest",
 * the protocol in sweep.h).  It runs in the skeleton of every bifrost
 * worker (bgw.h), connected as the caller's role with the pinned session,
 * takes the sweep's combinations one at a time from its shared segment and
 * runs each in transactions of its own: the run row first, committed, then
 * the run into it, so that a run that does not finish is still recorded,
 * failed, with the reason.  It exits when no combination is left or the
 * sweep stops; the postmaster never starts it again.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/dsm.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/proc.h"
#include "storage/procarray.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"

#include "pg/backtest/run.h"
#include "pg/backtest/spec.h"
#include "pg/backtest/sweep.h"
#include "pg/bgw/bgw.h"
#include "pg/common/monotonic.h"

/* How often a run's progress is shown in pg_stat_activity, at most. */
#define SWEEP_REPORT_EVERY_S 0.25

static dsm_segment *segment = NULL;
static sweep_shared *shared = NULL;
static sweep_grid grid;
static Jsonb *base = NULL;

/* The run row this worker committed and has not ended (combination open_k): what its exit must still mark. */
static int64 open_run = 0;
static uint32 open_k = 0;

/* One combination, across its transactions. */
typedef struct run_args
{
	uint32		k;
	Jsonb	   *config;			/* base || the grid's values */
	int64		run_id;
	const char *error;			/* the failure to record */
	double		next_report;	/* monotonic time of the next progress line */
} run_args;

static void
report(const char *text)
{
	pgstat_report_activity(STATE_RUNNING, text);
}

/* bgw's report (a worker of a sweep never waits on a standby or for the extension). */
static void
report_detail(const char *detail)
{
	char		text[128];

	snprintf(text, sizeof(text), "%s: %s", SWEEP_WORKER_TYPE, detail);
	report(text);
}

static void
report_run(const run_args *a, const char *what)
{
	char		text[192];

	if (a->run_id > 0)
		snprintf(text, sizeof(text), "bifrost backtest sweep %lld: run %u of %u (id %lld), %s",
				 (long long) shared->sweep_id, a->k + 1, shared->n_runs, (long long) a->run_id, what);
	else
		snprintf(text, sizeof(text), "bifrost backtest sweep %lld: run %u of %u, %s",
				 (long long) shared->sweep_id, a->k + 1, shared->n_runs, what);
	report(text);
}

static void
wake_caller(void)
{
	PGPROC	   *proc = BackendPidGetProc(shared->caller_pid);

	if (proc != NULL)
		SetLatch(&proc->procLatch);
}

/* A run failed: counted, and the sweep's first error kept for its caller. */
static void
note_failure(uint32 k, const char *error, int sqlstate)
{
	char		text[SWEEP_ERROR_MAX];

	pg_atomic_fetch_add_u32(&shared->failed, 1);
	snprintf(text, sizeof(text), "run %u: %s", k + 1, error);
	SpinLockAcquire(&shared->mutex);
	if (shared->first_error[0] == '\0')
	{
		memcpy(shared->first_error, text, sizeof(text));
		shared->first_sqlstate = sqlstate;
	}
	SpinLockRelease(&shared->mutex);
}

/*
 * fn in a transaction of its own, with SPI and a snapshot (the order the
 * background worker documentation asks for).  An error is rolled back and
 * logged; its message and SQLSTATE are kept, and false returned.
 */
static bool
in_transaction(void (*fn) (run_args *), run_args *a, char *err, size_t errlen, int *sqlstate)
{
	MemoryContext caller_context = CurrentMemoryContext;
	volatile bool ok = true;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	PG_TRY();
	{
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		PushActiveSnapshot(GetTransactionSnapshot());
		fn(a);
		SPI_finish();
		PopActiveSnapshot();
		CommitTransactionCommand();
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		/* a second cancel must not interrupt the clean-up */
		HOLD_INTERRUPTS();
		MemoryContextSwitchTo(caller_context);
		edata = CopyErrorData();
		EmitErrorReport();
		FlushErrorState();
		AbortCurrentTransaction();
		strlcpy(err, edata->message ? edata->message : "unknown error", errlen);
		*sqlstate = edata->sqlerrcode;
		FreeErrorData(edata);
		RESUME_INTERRUPTS();
		ok = false;
	}
	PG_END_TRY();
	MemoryContextSwitchTo(caller_context);
	pgstat_report_stat(false);
	return ok;
}

/* The run's specification, built as the caller built it; the same, or the run is refused. */
static backtest_spec *
build_spec(const run_args *a)
{
	backtest_spec *spec = palloc(sizeof(backtest_spec));
	const uint64 *expected = (const uint64 *) ((char *) shared + shared->hash_offset);

	backtest_spec_build(spec, a->config, shared->from_ts, shared->to_ts,
						shared->has_symbol ? shared->symbol : NULL);
	if (sweep_hash_prefix(spec->hash) != expected[a->k])
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the configuration of this run changed after sweep %lld checked it",
						(long long) shared->sweep_id),
				 errdetail("bifrost.config or bifrost.legs changed while the sweep ran."),
				 errhint("Run the sweep again once the configuration is settled.")));
	return spec;
}

/* A sweep that stops ends the run at its next batch of quotes. */
static void
check_stop(void)
{
	CHECK_FOR_INTERRUPTS();
	if (pg_atomic_read_u32(&shared->stop))
		ereport(ERROR,
				(errcode(ERRCODE_QUERY_CANCELED),
				 errmsg(SWEEP_CANCELLED),
				 errdetail("Sweep %lld was stopped: its caller was cancelled or failed.", (long long) shared->sweep_id)));
}

static void
run_progress(void *arg, int64 quotes)
{
	run_args   *a = arg;
	double		now = monotonic_now();

	check_stop();
	if (now >= a->next_report)
	{
		char		what[64];

		snprintf(what, sizeof(what), "%lld quotes", (long long) quotes);
		report_run(a, what);
		a->next_report = now + SWEEP_REPORT_EVERY_S;
	}
}

/* Transaction 1: the run row, running, committed before the run starts. */
static void
record_work(run_args *a)
{
	backtest_spec *spec = build_spec(a);

	a->run_id = backtest_insert_run(spec, shared->sweep_id, MyProcPid);
}

/* Transaction 2: the run into its row. */
static void
execute_work(run_args *a)
{
	backtest_spec *spec;

	check_stop();
	spec = build_spec(a);
	backtest_execute_run(spec, a->run_id, run_progress, a);
}

/* Transaction 3, when the run failed: its row says so. */
static void
fail_work(run_args *a)
{
	(void) backtest_fail_run(a->run_id, a->error);
}

/* When the run row itself could not be written: a failed row with what is known. */
static void
record_failure_work(run_args *a)
{
	Oid			types[7] = {TEXTOID, JSONBOID, TIMESTAMPTZOID, TIMESTAMPTZOID, INT8OID, INT4OID, TEXTOID};
	Datum		values[7];
	char		nulls[7] = "       ";
	bool		isnull;

	values[0] = shared->has_symbol ? CStringGetTextDatum(shared->symbol) : (Datum) 0;
	nulls[0] = shared->has_symbol ? ' ' : 'n';
	values[1] = JsonbPGetDatum(a->config);
	values[2] = TimestampTzGetDatum(shared->from_ts);
	values[3] = TimestampTzGetDatum(shared->to_ts);
	values[4] = Int64GetDatum(shared->sweep_id);
	values[5] = Int32GetDatum(MyProcPid);
	values[6] = CStringGetTextDatum(a->error);
	if (SPI_execute_with_args("INSERT INTO bifrost.backtest_runs (symbol, start_ts, end_ts, params_json, sweep_id,"
							  "  worker_pid, status, finished_at, error)"
							  " SELECT coalesce(nullif($1, ''), nullif($2 ->> 'symbol', ''),"
							  "                 nullif((SELECT c.value #>> '{}' FROM bifrost.config c WHERE c.key = 'symbol'), ''),"
							  "                 'unknown'),"
							  "        $3, $4, $2, $5, $6, 'failed', pg_catalog.clock_timestamp(), $7"
							  " RETURNING id",
							  7, types, values, nulls, false, 1) != SPI_OK_INSERT_RETURNING || SPI_processed != 1)
		elog(ERROR, "could not record the failed backtest run");
	a->run_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

static void
run_combination(uint32 k)
{
	run_args	a;
	char		err[SWEEP_ERROR_MAX];
	char		err2[SWEEP_ERROR_MAX];
	int			sqlstate = 0;
	int			sqlstate2 = 0;

	memset(&a, 0, sizeof(a));
	a.k = k;
	a.config = sweep_combination(&grid, base, k);
	report_run(&a, "starting");
	if (!in_transaction(record_work, &a, err, sizeof(err), &sqlstate))
	{
		a.error = err;
		if (in_transaction(record_failure_work, &a, err2, sizeof(err2), &sqlstate2))
			shared->run_ids[k] = a.run_id;
		else
			ereport(LOG,
					(errmsg("bifrost backtest sweep %lld: run %u could not be recorded: %s",
							(long long) shared->sweep_id, k + 1, err2)));
		note_failure(k, err, sqlstate);
		return;
	}
	shared->run_ids[k] = a.run_id;
	open_run = a.run_id;
	open_k = k;
	report_run(&a, "running");
	if (!in_transaction(execute_work, &a, err, sizeof(err), &sqlstate))
	{
		a.error = err;
		if (!in_transaction(fail_work, &a, err2, sizeof(err2), &sqlstate2))
			ereport(LOG,
					(errmsg("bifrost backtest sweep %lld: run %lld stays running, its failure could not be recorded: %s",
							(long long) shared->sweep_id, (long long) a.run_id, err2),
					 errhint("The next sweep marks it failed once this worker is gone.")));
		note_failure(k, err, sqlstate);
	}
	open_run = 0;
}

/*
 * The worker was terminated (its sweep's caller gave up waiting, a server
 * shutdown) inside a run: the run row must not keep saying it runs.
 */
static void
mark_open_run(void)
{
	const char *why;

	if (open_run == 0 || shared == NULL)
		return;
	why = pg_atomic_read_u32(&shared->stop) ? SWEEP_CANCELLED : SWEEP_CANCELLED ": the worker was terminated";
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	PushActiveSnapshot(GetTransactionSnapshot());
	(void) backtest_fail_run(open_run, why);
	SPI_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();
	open_run = 0;
	note_failure(open_k, why, ERRCODE_ADMIN_SHUTDOWN);
	pg_atomic_fetch_add_u32(&shared->finished, 1);
	wake_caller();
}

/* A caller's role without LOGIN: the worker connected as the session's role and becomes it. */
static void
become_caller_role(void)
{
	if (!OidIsValid(shared->set_role))
		return;
	StartTransactionCommand();
	SetConfigOption("role", GetUserNameFromId(shared->set_role, false), PGC_SUSET, PGC_S_SESSION);
	CommitTransactionCommand();
}

static const bgw_worker sweep_bgw = {
	.type = SWEEP_WORKER_TYPE,
	.label = SWEEP_WORKER_TYPE,
	.round_context = "bifrost backtest run",
	.stop_is_final = true,
	.report = report_detail,
	.on_exit_after_stop = mark_open_run,
};

void
bifrost_backtest_sweep_worker_main(Datum main_arg)
{
	bgw_init(&sweep_bgw);
	segment = dsm_attach((dsm_handle) bgw_task_arg());
	if (segment == NULL)
	{
		ereport(LOG, (errmsg("%s: the sweep ended before this worker started", SWEEP_WORKER_TYPE)));
		proc_exit(0);
	}
	shared = dsm_segment_address(segment);
	bgw_connect(main_arg);
	become_caller_role();
	for (int i = 0; i < SWEEP_N_SETTINGS; i++)
		SetConfigOption(sweep_settings[i], shared->settings[i], PGC_USERSET, PGC_S_SESSION);

	/* a run's rows are its record: a commit is durable before the next run starts */
	SetConfigOption("synchronous_commit", "on", PGC_USERSET, PGC_S_SESSION);

	base = (Jsonb *) ((char *) shared + shared->base_offset);
	sweep_grid_read((Jsonb *) ((char *) shared + shared->grid_offset), &grid);

	for (;;)
	{
		uint32		k;

		if (pg_atomic_read_u32(&shared->stop))
			break;
		k = pg_atomic_fetch_add_u32(&shared->next, 1);
		if (k >= shared->n_runs)
			break;
		bgw_round_begin();
		run_combination(k);
		bgw_round_end();
		pg_atomic_fetch_add_u32(&shared->finished, 1);
		wake_caller();
	}
	pgstat_report_activity(STATE_IDLE, NULL);
	proc_exit(0);
}
