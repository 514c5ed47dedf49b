/*
 * store.h: the worker's SPI writes, each in its own short transaction.
 */
#ifndef BIFROST_STORE_H
#define BIFROST_STORE_H

#include "datatype/timestamp.h"
#include "executor/spi.h"
#include "storage/lockdefs.h"

#include "engine/daemon_fsm.h"
#include "pg/hedger/hedger.h"

#define STORE_ERROR_MAX 512
#define STORE_MAX_COMMANDS_PER_CLAIM 32

/* What a heartbeat or status row says about the daemon. */
typedef struct daemon_snapshot
{
	daemon_state state;
	const char *trading_state;
	const char *broker;
	bool		broker_connected;
	int			heartbeat_sec;
	TimestampTz started_at;
	TimestampTz next_retry;		/* 0 when no retry is scheduled */
	bool		graceful_stop;	/* stamp graceful_shutdown_at */
	const hedger_figures *figures;	/* NULL or !valid: no trading figures yet */
} daemon_snapshot;

typedef struct control_command
{
	int64		id;
	char		command[32];
	bool		stale;			/* issued before this worker started */
} control_command;

typedef void (*store_work_fn) (void *arg);

/* Under a deadline: the longest a unit of work waits for a lock, and how often a table lock is tried. */
#define STORE_DEADLINE_LOCK_WAIT_MS 150
#define STORE_LOCK_RETRY_MS 5

/*
 * From now on every unit of work must end within seconds: a unit waits for
 * a lock at most STORE_DEADLINE_LOCK_WAIT_MS (less when less is left) and
 * is skipped once the time is spent.  For a worker that is stopping.
 */
extern void store_set_deadline(double seconds);

/*
 * Runs fn in a fresh transaction with SPI connected and a snapshot.  An
 * ERROR inside is rolled back, reported to the log and described in
 * errbuf; the function then returns false and the caller goes on.
 */
extern bool store_run(const char *activity, store_work_fn fn, void *arg,
					  char *errbuf, size_t errlen);

/*
 * The saved plan of sql (a string literal: its address is the key), prepared
 * on first use.  Needs an SPI connection.
 */
extern SPIPlanPtr store_saved_plan(const char *sql, int nargs, Oid *types);

/* Runs one statement with parameters; raises unless SPI answers expected. */
extern void store_exec(const char *sql, int nargs, Oid *types, Datum *values,
					   const char *nulls, int expected);

/* Inside store_run: */
extern bool store_extension_ready(void);
extern bool store_lock_table_or_give_up(const char *table, LOCKMODE mode);
extern void store_write_heartbeat(const daemon_snapshot *snap);
extern void store_write_status(const daemon_snapshot *snap, const char *history_reason);
extern bool store_read_suspended(void);
extern int	store_claim_commands(TimestampTz worker_started, control_command *out, int max);
extern void store_set_command_result(int64 id, const char *result);
extern int64 store_unfinished_flatten(void);
extern void store_record_error(const char *message);

/*
 * Outside store_run: records message in daemon_heartbeat.last_error in a
 * transaction of its own.  Best effort: false when even that failed.
 */
extern bool store_note_error(const char *message);
extern void store_config_hash(char *out, size_t len);

#endif							/* BIFROST_STORE_H */
