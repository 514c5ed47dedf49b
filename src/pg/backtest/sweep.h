/*
 * sweep.h: bifrost_backtest_sweep(), a grid of configurations run as
 * backtests on parallel background workers.
 *
 * The grid maps configuration keys (those bifrost_backtest() takes) to
 * arrays of values; each combination of one value per key, over the base
 * configuration, is one run.  Combination k (from 0) takes, for key j of
 * the grid's n keys in jsonb's order (shorter keys first, then byte
 * order), the value at (k / (c[j+1] x ... x c[n-1])) mod c[j] of its c[j]
 * values: the first key varies slowest, the last fastest.
 *
 * The caller (sweep.c) checks everything first, in its own transaction:
 * the grid's shape and size, and each combination's specification built
 * as bifrost_backtest() would, so a bad combination fails the call before
 * any worker starts.  It marks failed the running rows whose worker is
 * gone, takes a sweep id, and puts the sweep into one dynamic shared
 * memory segment (sweep_shared): the arguments, the expected hash of each
 * combination's configuration, counters and a slot for each run id.  Then
 * it starts up to bifrost.backtest_workers workers ("bifrost backtest",
 * sweep_worker.c), each connected as the caller's role, and waits on its
 * latch.
 *
 * A worker takes the next combination (an atomic counter), builds its
 * specification, checks it against the hash the caller saw, inserts its run
 * row (running, with the sweep id and its pid) and commits; stores the run
 * id in the segment; executes the run into that row in a second
 * transaction, which commits it as success; or, on an error or a stop,
 * aborts it and marks the row failed with the error ('cancelled' for a
 * stop) in a third.  It counts the run finished, sets the caller's latch,
 * and takes the next, until none is left.
 *
 * The caller shows "bifrost backtest sweep N: k of M runs done" in
 * pg_stat_activity and notices workers that exited.  Cancelled, timed out
 * or failing, it sets the segment's stop flag (its detaching from the
 * segment sets it too, however the caller ends), which the workers read
 * between batches of quotes, waits a bounded time for them to end, then
 * terminates the rest (their exit path marks their run failed) and
 * re-raises.  A worker killed outright leaves a running row with its pid:
 * the next sweep marks it failed, "worker gone".
 */
#ifndef BIFROST_BACKTEST_SWEEP_H
#define BIFROST_BACKTEST_SWEEP_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "port/atomics.h"
#include "storage/spin.h"
#include "utils/array.h"
#include "utils/jsonb.h"

#define SWEEP_WORKER_TYPE "bifrost backtest"
#define SWEEP_WORKER_FUNCTION "bifrost_backtest_sweep_worker_main"

/* The error of a run that was stopped because its sweep was. */
#define SWEEP_CANCELLED "cancelled"

/* What the next sweep writes into a running row whose worker is gone. */
#define SWEEP_WORKER_GONE "worker gone"

#define SWEEP_SYMBOL_MAX 64
#define SWEEP_ERROR_MAX 256
#define SWEEP_SETTING_MAX 128

/*
 * The caller's settings a worker takes over: a run's effective
 * configuration writes the legs' expiry as text, in the session's time zone
 * and date style, so its hash depends on them.
 */
#define SWEEP_N_SETTINGS 3
extern const char *const sweep_settings[SWEEP_N_SETTINGS];

/* One sweep, in its dynamic shared memory segment. */
typedef struct sweep_shared
{
	/* set by the caller before any worker starts */
	int64		sweep_id;
	uint32		n_runs;
	int			caller_pid;		/* whose latch a finished run sets */
	Oid			set_role;		/* the role workers SET ROLE to, InvalidOid for none */
	TimestampTz from_ts;
	TimestampTz to_ts;
	bool		has_symbol;
	char		symbol[SWEEP_SYMBOL_MAX];
	char		settings[SWEEP_N_SETTINGS][SWEEP_SETTING_MAX];	/* sweep_settings' values */
	Size		hash_offset;	/* uint64 per run: the first 8 bytes of its config_hash */
	Size		base_offset;	/* the base configuration, a Jsonb */
	Size		grid_offset;	/* the grid, a Jsonb */

	pg_atomic_uint32 next;		/* the next combination to take */
	pg_atomic_uint32 finished;	/* runs ended, succeeded or failed */
	pg_atomic_uint32 failed;	/* of which failed */
	pg_atomic_uint32 stop;		/* set by the caller: take nothing more, stop the run */

	slock_t		mutex;			/* protects first_error */
	int			first_sqlstate;
	char		first_error[SWEEP_ERROR_MAX];

	int64		run_ids[FLEXIBLE_ARRAY_MEMBER]; /* per combination, 0 until recorded */
} sweep_shared;

/* A grid, read: its keys in order, each with its array of values. */
typedef struct sweep_grid
{
	int			n_keys;
	char	  **keys;
	JsonbContainer **values;	/* the arrays, inside the grid's Jsonb */
	int		   *counts;
	int64		n_runs;			/* the product of the counts, saturated at PG_INT64_MAX */
} sweep_grid;

/*
 * Reads grid: a non-empty object of known keys, each with a non-empty
 * array.  Raises 22023 naming what is wrong.  g points into grid.
 */
extern void sweep_grid_read(Jsonb *grid, sweep_grid *g);

/* The grid's values of combination k alone, as an object. */
extern Jsonb *sweep_grid_values(const sweep_grid *g, int64 k);

/* base || the values of combination k. */
extern Jsonb *sweep_combination(const sweep_grid *g, Jsonb *base, int64 k);

/* The first 8 bytes of a config_hash (hex), for the workers' check. */
extern uint64 sweep_hash_prefix(const char *hash);

/*
 * Runs the sweep (bifrost_backtest_sweep()) and returns its run ids, in
 * the order of the combinations.
 */
extern ArrayType *backtest_sweep(Jsonb *base, Jsonb *grid, TimestampTz from_ts, TimestampTz to_ts,
								 const char *symbol);

/* Whether pid is a live sweep worker of this database. */
extern bool backtest_sweep_worker_alive(int pid);

/* The worker (sweep_worker.c). */
extern PGDLLEXPORT void bifrost_backtest_sweep_worker_main(Datum main_arg);

#endif							/* BIFROST_BACKTEST_SWEEP_H */
