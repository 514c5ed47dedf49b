/*
 * bgw.h: the one skeleton of bifrost's background workers (the hedger,
 * the ingest worker and a backtest sweep's workers).
 *
 * What a worker does around its own work is done here, once, so that they
 * cannot drift apart again: registration (static at server start, dynamic
 * from a backend, or for one task), signals, latch waits with reload on
 * SIGHUP, the stop on SIGTERM, the wait on a standby and for CREATE
 * EXTENSION, a memory context per round of the loop, and the clocks a wait
 * is measured on.
 *
 * A worker's main function calls, in order: bgw_init() (signals), then,
 * when it wants a database session, bgw_connect(); then loops
 * bgw_round_begin(), its work, bgw_wait(), bgw_round_end().  Every wait of a
 * worker is a bgw_wait() or a bgw_sleep(): the latch, a timeout, the
 * postmaster's death.
 *
 * SIGTERM, the same for every worker: die() is called, so a running query or
 * lock wait is cancelled, and a flag is set; the next bgw_wait() sees the
 * flag and stops the worker: it logs "<type> stopping: SIGTERM", runs the
 * worker's on_stop (its last writes, within the worker's own budget) and
 * exits.  A SIGTERM that ends the process from inside a query (a FATAL)
 * runs the worker's on_exit_after_stop instead.  The exit status is the
 * worker's choice, made once in its bgw_worker: stop_is_final exits 0,
 * which the postmaster answers by never starting the worker again (the
 * hedger: a stopped hedger stays stopped), also after such a FATAL; else 1,
 * and the postmaster starts it again after BGW_RESTART_SEC (the ingest
 * worker: its schedule goes on).
 */
#ifndef BIFROST_BGW_H
#define BIFROST_BGW_H

#include "postgres.h"

#include "postmaster/bgworker.h"

/* The postmaster restarts a worker that exited with status 1 after this long. */
#define BGW_RESTART_SEC 5

/* The longest single wait: a worker looks at its clocks again at least this often. */
#define BGW_MAX_WAIT_MS 60000

/* How often a worker on a standby looks whether it was promoted. */
#define BGW_STANDBY_POLL_MS 1000

/*
 * The search_path every bifrost worker runs with, for its whole session: the
 * worker may run as a superuser, so no name it uses may resolve to an object
 * that a database owner or anyone who can create in a schema has planted.
 */
#define BGW_SEARCH_PATH "pg_catalog, pg_temp"

/*
 * The longest a worker waits for a lock before the unit of work fails (and
 * is tried again): well under a heartbeat, long enough for any lock the
 * extension's own functions hold.
 */
#define BGW_LOCK_TIMEOUT "5s"

/* What a worker tells the skeleton about itself; static, alive for the process. */
typedef struct bgw_worker
{
	const char *type;			/* bgw_type, pg_stat_activity.backend_type: "bifrost hedger" */
	const char *label;			/* prefix of its activity texts and log lines: "bifrost" */
	const char *round_context;	/* name of the memory context of a round */
	bool		stop_is_final;	/* SIGTERM: exit 0, never restarted (else 1, restarted) */

	/* Shows detail ("standby, waiting for promotion") as the worker's activity. */
	void		(*report) (const char *detail);

	/* A stop seen at a wait (SIGTERM, or bgw_stop()): the last work; may be NULL. */
	void		(*on_stop) (void);

	/*
	 * SIGTERM ended the process before a wait saw it (inside a query or a
	 * lock wait, which PostgreSQL turns into a FATAL): what must still be
	 * written.  No error can be caught here and no lock wait can time out.
	 * May be NULL.
	 */
	void		(*on_exit_after_stop) (void);

	/* The settings were read again after SIGHUP; may be NULL. */
	void		(*on_reload) (void);
} bgw_worker;

/* --- registration (register.c) --- */

/*
 * Registers the worker at server start (shared_preload_libraries): it
 * serves bifrost.database as bifrost.role.
 */
extern void bgw_register_static(const char *type, const char *function,
								BgWorkerStartTime start_time);

/*
 * Starts the worker for database dboid as roleoid (InvalidOid: the bootstrap
 * superuser) from a backend, waits until it runs and returns its pid.
 * Raises an ERROR naming max_worker_processes when no slot is free, and
 * when the worker exits at once or the postmaster died.
 */
extern pid_t bgw_launch_dynamic(const char *type, const char *function,
								BgWorkerStartTime start_time, Oid dboid, Oid roleoid);

/*
 * Starts a worker for one task from a backend: it connects to database
 * dboid as roleoid, finds arg with bgw_task_arg() and is never started
 * again once it exits.  The calling backend's latch is set when it starts
 * and when it exits, and *handle follows it (GetBackgroundWorkerPid,
 * TerminateBackgroundWorker).  Does not wait; false when no background
 * worker slot is free.
 */
extern bool bgw_start_task(const char *type, const char *function, Oid dboid, Oid roleoid,
						   uint32 arg, BackgroundWorkerHandle **handle);

/* Inside a worker bgw_start_task() started: its arg. */
extern uint32 bgw_task_arg(void);

/* --- the session (connect.c) --- */

/* bifrost.database and bifrost.role: whom a static worker connects to, and as whom. */
extern char *bifrost_database;
extern char *bifrost_role;

/* Defines them (fixed at server start when preloaded); called by _PG_init. */
extern void bgw_define_settings(void);

/*
 * Connects this background worker to its database (dboid and roleoid, or,
 * when dboid is invalid, bifrost.database as bifrost.role) and sets up the
 * session every worker needs: the pinned search_path and transaction
 * settings, a bounded lock wait, application_name "bifrost" and
 * asynchronous commit.
 */
extern void bgw_session_connect(Oid dboid, Oid roleoid);

/* --- the loop (bgw.c) --- */

/*
 * bgw_session_connect() to the database the registration named (main_arg
 * and bgw_extra), then makes libcurl ready and arms the exit path of a stop.
 */
extern void bgw_connect(Datum main_arg);

/* Installs the signal handlers; the first call of a worker's main function. */
extern void bgw_init(const bgw_worker *worker);

/*
 * Waits for the latch or timeout_ms (0: no wait), then honours a stop, an
 * interrupt and a reload.  Returns true when the latch was set (a command, a
 * signal), also when it was set during a bgw_sleep() since the last wait.
 */
extern bool bgw_wait(long timeout_ms);

/*
 * Sleeps ms on the latch inside a unit of work (a rate limiter's wait): a
 * latch set meanwhile does not cut it short but is kept for the next
 * bgw_wait().  False, at once, when the worker is stopping.
 */
extern bool bgw_sleep(long ms);

/* Stops the worker now (see the header): logs why, runs on_stop, exits. */
extern void bgw_stop(const char *why) pg_attribute_noreturn();

/* After a transfer: stops the worker now (bgw_stop) if SIGTERM arrived during it. */
extern void bgw_check_stop(void);

/* SIGTERM arrived: transfers and waits end now. */
extern bool bgw_stopping(void);

/*
 * A signal, an interrupt, a reload or the latch came since the last wait:
 * a transfer that only probes may give up and let the loop serve it.
 */
extern bool bgw_wanted_elsewhere(void);

/* The round's memory context: everything a round allocates is freed at its end. */
extern void bgw_round_begin(void);
extern void bgw_round_end(void);

/* A hot standby waits here, in rounds, until it is promoted. */
extern void bgw_wait_for_promotion(void);

/* Does the extension exist in this database?  A transaction of its own. */
extern bool bgw_extension_ready(void);

/* Waits in rounds until bgw_extension_ready(), probing every retry_ms() ms. */
extern void bgw_wait_for_extension(long (*retry_ms) (void));

/* Epoch seconds of the wall clock (the time rows carry). */
extern double bgw_wall_now(void);

/*
 * Milliseconds until the first of two due times, at most BGW_MAX_WAIT_MS:
 * mono_due on the monotonic clock (heartbeats, retries, rounds) and
 * wall_due on the wall clock as read at wall_now (INFINITY: none).
 */
extern long bgw_ms_until(double mono_due, double wall_now, double wall_due);

#endif							/* BIFROST_BGW_H */
