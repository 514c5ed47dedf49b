/*
 * sweep.c: bifrost_backtest_sweep()'s caller side (sweep.h): the grid, the
 * checks made before anything runs, the shared segment, the workers'
 * start, the wait, the stop, and the run ids.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "storage/dsm.h"
#include "storage/latch.h"
#include "storage/proc.h"
#include "storage/procarray.h"
#include "tcop/tcopprot.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
#include "utils/wait_event.h"

#include "engine/backtest_keys.h"
#include "engine/config_schema.h"
#include "pg/backtest/settings.h"
#include "pg/backtest/spec.h"
#include "pg/backtest/sweep.h"
#include "pg/bgw/bgw.h"
#include "pg/common/echo.h"
#include "pg/common/monotonic.h"

/* The caller looks at its workers at least this often, and sooner when a run ends. */
#define SWEEP_POLL_MS 1000
/* After the last run: how long the workers have to exit before they are terminated. */
#define SWEEP_EXIT_WAIT_MS 5000
/* After a stop: how long the workers have to end their runs, then to die once terminated. */
#define SWEEP_STOP_WAIT_MS 5000
#define SWEEP_TERMINATE_WAIT_MS 5000

#define BAD(...) \
	ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), __VA_ARGS__))

const char *const sweep_settings[SWEEP_N_SETTINGS] = {"TimeZone", "DateStyle", "IntervalStyle"};

/* ---- the grid ---- */

static bool
known_key(const char *key)
{
	return config_key_index(key) >= 0 || backtest_find_key(key) != NULL || strcmp(key, BACKTEST_KEY_LEGS) == 0;
}

void
sweep_grid_read(Jsonb *grid, sweep_grid *g)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	char	   *key = NULL;
	int			j = 0;

	if (!JB_ROOT_IS_OBJECT(grid))
		BAD(errmsg("sweep grid %s is not a JSON object", echo_jsonb(grid)),
			errhint("Map configuration keys to arrays of the values to try, e.g."
					" '{\"hedge_to\": [\"zero\", \"band_edge\"]}'."));
	g->n_keys = JB_ROOT_COUNT(grid);
	if (g->n_keys == 0)
		BAD(errmsg("the sweep grid has no key"),
			errhint("Give at least one key with the values to try; bifrost_backtest() runs a single configuration."));
	g->keys = palloc(sizeof(char *) * g->n_keys);
	g->values = palloc(sizeof(JsonbContainer *) * g->n_keys);
	g->counts = palloc(sizeof(int) * g->n_keys);
	g->n_runs = 1;
	it = JsonbIteratorInit(&grid->root);
	while ((tok = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (tok == WJB_KEY)
		{
			key = pnstrdup(v.val.string.val, v.val.string.len);
			continue;
		}
		if (tok != WJB_VALUE || key == NULL)
			continue;
		if (!known_key(key))
			BAD(errmsg("unknown backtest configuration key \"%s\" in the sweep grid", echo_cstring(key)),
				errhint("A sweep varies the keys of bifrost.config and the backtest.* keys the README lists."));
		if (v.type != jbvBinary || !JsonContainerIsArray(v.val.binary.data) ||
			JsonContainerIsScalar(v.val.binary.data))
			BAD(errmsg("the sweep grid's value of \"%s\" is not an array: %s", echo_cstring(key),
					   echo_jsonb(JsonbValueToJsonb(&v))),
				errhint("Each key of the grid maps to a non-empty array of the values to try."));
		g->counts[j] = JsonContainerSize(v.val.binary.data);
		if (g->counts[j] == 0)
			BAD(errmsg("the sweep grid's key \"%s\" has no value: its array is empty", echo_cstring(key)),
				errhint("Give at least one value, or leave the key out of the grid."));
		g->keys[j] = key;
		g->values[j] = v.val.binary.data;
		if (g->n_runs > PG_INT64_MAX / g->counts[j])
			g->n_runs = PG_INT64_MAX;
		else
			g->n_runs *= g->counts[j];
		j++;
		key = NULL;
	}
	if (j != g->n_keys)
		elog(ERROR, "bifrost: a sweep grid of %d keys read as %d", g->n_keys, j);
}

Jsonb *
sweep_grid_values(const sweep_grid *g, int64 k)
{
	JsonbParseState *state = NULL;
	JsonbValue *result;
	uint32	   *index = palloc(sizeof(uint32) * g->n_keys);

	/* mixed radix, the last key the fastest digit */
	for (int j = g->n_keys - 1; j >= 0; j--)
	{
		index[j] = (uint32) (k % g->counts[j]);
		k /= g->counts[j];
	}
	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	for (int j = 0; j < g->n_keys; j++)
	{
		JsonbValue	name;

		name.type = jbvString;
		name.val.string.val = g->keys[j];
		name.val.string.len = strlen(g->keys[j]);
		pushJsonbValue(&state, WJB_KEY, &name);
		pushJsonbValue(&state, WJB_VALUE, getIthJsonbValueFromContainer(g->values[j], index[j]));
	}
	result = pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	pfree(index);
	return JsonbValueToJsonb(result);
}

Jsonb *
sweep_combination(const sweep_grid *g, Jsonb *base, int64 k)
{
	return DatumGetJsonbP(DirectFunctionCall2(jsonb_concat, JsonbPGetDatum(base),
											  JsonbPGetDatum(sweep_grid_values(g, k))));
}

uint64
sweep_hash_prefix(const char *hash)
{
	char		head[17];

	strlcpy(head, hash, sizeof(head));
	return strtou64(head, NULL, 16);
}

/* ---- the checks made before anything runs ---- */

typedef struct combination_context
{
	const sweep_grid *grid;
	int64		k;
	Jsonb	   *values;
} combination_context;

static void
combination_error_context(void *arg)
{
	combination_context *c = arg;

	if (c->values != NULL)
		errcontext("combination %lld of %lld of the sweep: %s", (long long) c->k + 1,
				   (long long) c->grid->n_runs, echo_jsonb(c->values));
}

/*
 * Builds every combination's specification as bifrost_backtest() would
 * (22023 at the first bad one, named) and keeps the start of its hash.
 */
static void
check_combinations(const sweep_grid *g, Jsonb *base, TimestampTz from_ts, TimestampTz to_ts,
				   const char *symbol, uint64 *hashes)
{
	MemoryContext each = AllocSetContextCreate(CurrentMemoryContext, "bifrost sweep check",
											   ALLOCSET_DEFAULT_SIZES);
	MemoryContext old = MemoryContextSwitchTo(each);
	combination_context ctx = {g, 0, NULL};
	ErrorContextCallback cb;

	cb.callback = combination_error_context;
	cb.arg = &ctx;
	cb.previous = error_context_stack;
	error_context_stack = &cb;
	for (ctx.k = 0; ctx.k < g->n_runs; ctx.k++)
	{
		backtest_spec *spec = palloc(sizeof(backtest_spec));
		Jsonb	   *config;

		CHECK_FOR_INTERRUPTS();
		ctx.values = sweep_grid_values(g, ctx.k);
		config = DatumGetJsonbP(DirectFunctionCall2(jsonb_concat, JsonbPGetDatum(base),
													JsonbPGetDatum(ctx.values)));
		/* an SPI connection a combination: what its queries return goes with it */
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		backtest_spec_build(spec, config, from_ts, to_ts, symbol);
		hashes[ctx.k] = sweep_hash_prefix(spec->hash);
		SPI_finish();
		MemoryContextReset(each);
		ctx.values = NULL;
	}
	error_context_stack = cb.previous;
	MemoryContextSwitchTo(old);
	MemoryContextDelete(each);
}

static bool
role_can_login(Oid role)
{
	HeapTuple	tup = SearchSysCache1(AUTHOID, ObjectIdGetDatum(role));
	bool		login;

	if (!HeapTupleIsValid(tup))
		return false;
	login = ((Form_pg_authid) GETSTRUCT(tup))->rolcanlogin;
	ReleaseSysCache(tup);
	return login;
}

/*
 * The workers act as the caller's role, so its grants apply.  A background
 * worker can only connect as a role that may log in: a role without LOGIN
 * (a group role taken with SET ROLE) is entered from the session's role,
 * which may become it.
 */
static Oid
worker_login_role(Oid *set_role)
{
	Oid			user = GetUserId();
	Oid			session = GetSessionUserId();

	*set_role = InvalidOid;
	if (role_can_login(user))
		return user;
	if (role_can_login(session) && is_member_of_role(session, user))
	{
		*set_role = user;
		return session;
	}
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("the sweep's workers cannot act as role \"%s\"", GetUserNameFromId(user, false)),
			 errdetail("A background worker connects as a role that may log in: \"%s\" may not, and the session's role \"%s\" may not become it.",
					   GetUserNameFromId(user, false), GetUserNameFromId(session, false)),
			 errhint("Call bifrost_backtest_sweep() as a role with LOGIN, or after SET ROLE from one.")));
	return InvalidOid;
}

/*
 * Running rows whose worker is gone (a crash, a kill) never finish: they
 * are marked failed.  Rows another sweep is marking right now are skipped,
 * not waited for: that sweep holds them until it ends.
 */
static void
mark_gone_runs(void)
{
	int			rc;

	rc = SPI_execute("UPDATE bifrost.backtest_runs SET status = 'failed',"
					 " finished_at = pg_catalog.clock_timestamp(), error = '" SWEEP_WORKER_GONE "'"
					 " WHERE id IN (SELECT r.id FROM bifrost.backtest_runs r"
					 "               WHERE r.status = 'running' AND r.worker_pid IS NOT NULL"
					 "                 AND NOT bifrost._backtest_worker_alive(r.worker_pid)"
					 "                 FOR UPDATE SKIP LOCKED)",
					 false, 0);
	if (rc != SPI_OK_UPDATE)
		elog(ERROR, "could not mark the runs whose worker is gone: %s", SPI_result_code_string(rc));
	if (SPI_processed > 0)
		ereport(NOTICE,
				(errmsg("%llu backtest run(s) left running by a sweep worker that is gone marked failed",
						(unsigned long long) SPI_processed),
				 errdetail("Their error says \"" SWEEP_WORKER_GONE "\".")));
}

static int64
next_sweep_id(void)
{
	bool		isnull;

	if (SPI_execute("SELECT pg_catalog.nextval('bifrost.backtest_sweep_id_seq')", false, 1) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "could not take a sweep id");
	return DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

/* ---- the shared segment ---- */

static Size
segment_layout(uint32 n_runs, Jsonb *base, Jsonb *grid, Size *hash_offset, Size *base_offset, Size *grid_offset)
{
	Size		size = MAXALIGN(add_size(offsetof(sweep_shared, run_ids), mul_size(n_runs, sizeof(int64))));

	*hash_offset = size;
	size = MAXALIGN(add_size(size, mul_size(n_runs, sizeof(uint64))));
	*base_offset = size;
	size = MAXALIGN(add_size(size, VARSIZE(base)));
	*grid_offset = size;
	return add_size(size, VARSIZE(grid));
}

/* However the caller leaves the segment (done, an error, its exit), its workers stop. */
static void
stop_on_detach(dsm_segment *seg, Datum arg)
{
	sweep_shared *sh = (sweep_shared *) DatumGetPointer(arg);

	pg_atomic_write_u32(&sh->stop, 1);
}

static sweep_shared *
create_segment(dsm_segment **seg, uint32 n_runs, Jsonb *base, Jsonb *grid)
{
	Size		hash_offset,
				base_offset,
				grid_offset;
	Size		size = segment_layout(n_runs, base, grid, &hash_offset, &base_offset, &grid_offset);
	sweep_shared *sh;

	*seg = dsm_create(size, 0);
	sh = dsm_segment_address(*seg);
	memset(sh, 0, offsetof(sweep_shared, run_ids));
	memset(sh->run_ids, 0, mul_size(n_runs, sizeof(int64)));
	sh->n_runs = n_runs;
	sh->caller_pid = MyProcPid;
	sh->hash_offset = hash_offset;
	sh->base_offset = base_offset;
	sh->grid_offset = grid_offset;
	memcpy((char *) sh + base_offset, base, VARSIZE(base));
	memcpy((char *) sh + grid_offset, grid, VARSIZE(grid));
	pg_atomic_init_u32(&sh->next, 0);
	pg_atomic_init_u32(&sh->finished, 0);
	pg_atomic_init_u32(&sh->failed, 0);
	pg_atomic_init_u32(&sh->stop, 0);
	SpinLockInit(&sh->mutex);
	on_dsm_detach(*seg, stop_on_detach, PointerGetDatum(sh));
	return sh;
}

/* ---- the workers ---- */

typedef struct sweep_workers
{
	dsm_segment *seg;
	sweep_shared *sh;
	int			n;
	BackgroundWorkerHandle *handles[BIFROST_MAX_BACKTEST_WORKERS];
} sweep_workers;

static void
start_workers(sweep_workers *w, int wanted, Oid login_role)
{
	for (w->n = 0; w->n < wanted; w->n++)
		if (!bgw_start_task(SWEEP_WORKER_TYPE, SWEEP_WORKER_FUNCTION, MyDatabaseId, login_role,
							dsm_segment_handle(w->seg), &w->handles[w->n]))
			break;
	if (w->n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("could not start the workers of sweep %lld: no background worker slot is free",
						(long long) w->sh->sweep_id),
				 errhint("Raise max_worker_processes (it needs a server restart), or wait for other background workers to end.")));
	if (w->n < wanted)
		ereport(NOTICE,
				(errmsg("sweep %lld runs on %d of the %d workers asked for: no more background worker slots are free",
						(long long) w->sh->sweep_id, w->n, wanted),
				 errhint("Raise max_worker_processes (it needs a server restart) to run more at once.")));
}

/* Workers not yet known to have exited; notices the postmaster's death. */
static int
workers_alive(sweep_workers *w)
{
	int			alive = 0;

	for (int i = 0; i < w->n; i++)
	{
		pid_t		pid;

		switch (GetBackgroundWorkerPid(w->handles[i], &pid))
		{
			case BGWH_STARTED:
			case BGWH_NOT_YET_STARTED:
				alive++;
				break;
			case BGWH_STOPPED:
				break;
			case BGWH_POSTMASTER_DIED:
				ereport(FATAL,
						(errcode(ERRCODE_ADMIN_SHUTDOWN),
						 errmsg("the postmaster died while sweep %lld ran", (long long) w->sh->sweep_id)));
		}
	}
	return alive;
}

/* Waits on the latch until no worker is alive or ms have passed; the number still alive. */
static int
wait_workers_gone(sweep_workers *w, long ms)
{
	double		until = monotonic_now() + ms / 1000.0;
	int			alive;

	while ((alive = workers_alive(w)) > 0)
	{
		long		left = (long) ((until - monotonic_now()) * 1000.0);

		if (left <= 0)
			break;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, Min(left, 100),
						 PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
	}
	return alive;
}

static void
terminate_workers(sweep_workers *w)
{
	for (int i = 0; i < w->n; i++)
		TerminateBackgroundWorker(w->handles[i]);
}

/*
 * The stop, after an error or a cancel (interrupts held, no SQL): the flag
 * ends each worker's run at its next batch of quotes, marked cancelled;
 * those that do not end in time are terminated, and their exit marks it.
 */
static void
stop_workers(sweep_workers *w)
{
	pg_atomic_write_u32(&w->sh->stop, 1);
	if (wait_workers_gone(w, SWEEP_STOP_WAIT_MS) == 0)
		return;
	ereport(LOG,
			(errmsg("bifrost backtest sweep %lld: terminating the workers that did not stop within %d ms",
					(long long) w->sh->sweep_id, SWEEP_STOP_WAIT_MS)));
	terminate_workers(w);
	if (wait_workers_gone(w, SWEEP_TERMINATE_WAIT_MS) > 0)
		ereport(WARNING,
				(errmsg("bifrost backtest sweep %lld: workers still alive %d ms after they were terminated",
						(long long) w->sh->sweep_id, SWEEP_TERMINATE_WAIT_MS),
				 errhint("SELECT pid, query FROM pg_stat_activity WHERE backend_type = '" SWEEP_WORKER_TYPE "' shows them.")));
}

static void
report_caller(const sweep_workers *w, uint32 done)
{
	char		text[160];

	snprintf(text, sizeof(text), "bifrost backtest sweep %lld: %u of %u runs done (%d workers)",
			 (long long) w->sh->sweep_id, done, w->sh->n_runs, w->n);
	pgstat_report_activity(STATE_RUNNING, text);
}

/* The first error a worker recorded, or NULL. */
static const char *
first_error(sweep_shared *sh, int *sqlstate)
{
	char		e[SWEEP_ERROR_MAX];

	/* copied under the lock, allocated after it: nothing that can fail holds a spinlock */
	SpinLockAcquire(&sh->mutex);
	memcpy(e, sh->first_error, SWEEP_ERROR_MAX);
	*sqlstate = sh->first_sqlstate;
	SpinLockRelease(&sh->mutex);
	e[SWEEP_ERROR_MAX - 1] = '\0';
	return e[0] != '\0' ? pstrdup(e) : NULL;
}

/* Until every run has ended; a worker that exits is noticed within SWEEP_POLL_MS. */
static void
wait_for_runs(sweep_workers *w)
{
	uint32		shown = PG_UINT32_MAX;

	for (;;)
	{
		uint32		done = pg_atomic_read_u32(&w->sh->finished);

		if (done != shown)
		{
			report_caller(w, done);
			shown = done;
		}
		if (done >= w->sh->n_runs)
			return;
		if (workers_alive(w) == 0)
		{
			int			sqlstate = 0;
			const char *why;

			/* a worker may have ended the last run just before it exited */
			if (pg_atomic_read_u32(&w->sh->finished) >= w->sh->n_runs)
				continue;
			why = first_error(w->sh, &sqlstate);
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_RESOURCES),
					 errmsg("the workers of sweep %lld exited with %u of %u runs done",
							(long long) w->sh->sweep_id, pg_atomic_read_u32(&w->sh->finished), w->sh->n_runs),
					 why ? errdetail("The first error: %s", why) : 0,
					 errhint("The server log says why.")));
		}
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, SWEEP_POLL_MS,
						 PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}
}

/* Runs the sweep's combinations on its workers; stops them on any error and re-raises it. */
static void
run_on_workers(sweep_workers *w, int wanted, Oid login_role)
{
	MemoryContext cxt = CurrentMemoryContext;

	w->n = 0;
	PG_TRY();
	{
		start_workers(w, wanted, login_role);
		wait_for_runs(w);
	}
	PG_CATCH();
	{
		MemoryContextSwitchTo(cxt);
		HOLD_INTERRUPTS();
		stop_workers(w);
		RESUME_INTERRUPTS();
		PG_RE_THROW();
	}
	PG_END_TRY();

	/* they exit once no combination is left: the next sweep finds their slots free */
	if (wait_workers_gone(w, SWEEP_EXIT_WAIT_MS) > 0)
	{
		terminate_workers(w);
		(void) wait_workers_gone(w, SWEEP_TERMINATE_WAIT_MS);
	}
}

/* ---- the whole ---- */

ArrayType *
backtest_sweep(Jsonb *base, Jsonb *grid, TimestampTz from_ts, TimestampTz to_ts, const char *symbol)
{
	sweep_grid	g;
	sweep_workers w;
	sweep_shared *sh;
	Oid			login_role,
				set_role;
	Datum	   *ids;
	uint32		failed;
	int			missing = 0;
	int			sqlstate = 0;
	const char *why;
	ArrayType  *result;

	/* the runs are committed by the workers: a snapshot of the whole transaction would never see them */
	if (IsolationUsesXactSnapshot())
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TRANSACTION_STATE),
				 errmsg("bifrost_backtest_sweep() needs a read committed transaction"),
				 errdetail("Its runs are committed by background workers, which a transaction at isolation level %s would not see.",
						   XactIsoLevel == XACT_SERIALIZABLE ? "serializable" : "repeatable read"),
				 errhint("Call it outside an explicit transaction, or in one at read committed.")));
	if (!JB_ROOT_IS_OBJECT(base))
		BAD(errmsg("sweep base configuration %s is not a JSON object", echo_jsonb(base)),
			errhint("Pass the overrides every run shares, as bifrost_backtest() takes them ('{}' for bifrost.config as it is)."));
	sweep_grid_read(grid, &g);
	if (g.n_runs > bifrost_backtest_max_sweep_runs)
		BAD(g.n_runs == PG_INT64_MAX ?
			errmsg("a sweep of more than %lld runs is more than bifrost.backtest_max_sweep_runs (%d)",
				   (long long) PG_INT64_MAX, bifrost_backtest_max_sweep_runs) :
			errmsg("a sweep of %lld runs is more than bifrost.backtest_max_sweep_runs (%d)",
				   (long long) g.n_runs, bifrost_backtest_max_sweep_runs),
			errdetail("The grid's %d key(s) give the product of their numbers of values as runs.", g.n_keys),
			errhint("Narrow the grid or split it into several sweeps; a superuser may raise bifrost.backtest_max_sweep_runs (at most %d).",
					BIFROST_MAX_BACKTEST_MAX_SWEEP_RUNS));

	/* every combination checked before anything is recorded or started */
	w.sh = sh = create_segment(&w.seg, (uint32) g.n_runs, base, grid);
	check_combinations(&g, base, from_ts, to_ts, symbol, (uint64 *) ((char *) sh + sh->hash_offset));
	login_role = worker_login_role(&set_role);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	mark_gone_runs();
	sh->sweep_id = next_sweep_id();
	SPI_finish();
	sh->set_role = set_role;
	sh->from_ts = from_ts;
	sh->to_ts = to_ts;
	sh->has_symbol = symbol != NULL;
	if (symbol != NULL)
		strlcpy(sh->symbol, symbol, sizeof(sh->symbol));	/* checked: shorter */
	for (int i = 0; i < SWEEP_N_SETTINGS; i++)
	{
		const char *value = GetConfigOption(sweep_settings[i], false, false);

		if (strlcpy(sh->settings[i], value, SWEEP_SETTING_MAX) >= SWEEP_SETTING_MAX)
			BAD(errmsg("%s is longer than a sweep's workers can take (%d bytes)", sweep_settings[i],
					   SWEEP_SETTING_MAX - 1),
				errhint("SET %s to a shorter value for the sweep.", sweep_settings[i]));
	}

	run_on_workers(&w, Min(bifrost_backtest_workers, (int) g.n_runs), login_role);

	ids = palloc(sizeof(Datum) * sh->n_runs);
	for (uint32 k = 0; k < sh->n_runs; k++)
	{
		ids[k] = Int64GetDatum(sh->run_ids[k]);
		if (sh->run_ids[k] <= 0)
			missing++;
	}
	failed = pg_atomic_read_u32(&sh->failed);
	why = first_error(sh, &sqlstate);
	if (missing > 0)
		ereport(ERROR,
				(errcode(sqlstate ? sqlstate : ERRCODE_INTERNAL_ERROR),
				 errmsg("%d of %u runs of sweep %lld could not be recorded", missing, sh->n_runs,
						(long long) sh->sweep_id),
				 why ? errdetail("The first error: %s", why) : 0,
				 errhint("SELECT * FROM bifrost.backtest_runs WHERE sweep_id = %lld shows the runs that were.",
						 (long long) sh->sweep_id)));
	if (failed > 0)
		ereport(WARNING,
				(errmsg("%u of %u runs of sweep %lld failed", failed, sh->n_runs, (long long) sh->sweep_id),
				 why ? errdetail("The first error: %s", why) : 0,
				 errhint("SELECT id, error FROM bifrost.backtest_runs WHERE sweep_id = %lld AND status = 'failed' lists them.",
						 (long long) sh->sweep_id)));
	result = construct_array(ids, sh->n_runs, INT8OID, sizeof(int64), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
	dsm_detach(w.seg);
	if (debug_query_string)
		pgstat_report_activity(STATE_RUNNING, debug_query_string);
	return result;
}

bool
backtest_sweep_worker_alive(int pid)
{
	const char *type;
	PGPROC	   *proc;

	if (pid <= 0)
		return false;
	type = GetBackgroundWorkerTypeByPid((pid_t) pid);
	if (type == NULL || strcmp(type, SWEEP_WORKER_TYPE) != 0)
		return false;
	proc = BackendPidGetProc(pid);
	return proc != NULL && proc->databaseId == MyDatabaseId;
}
