/*
 * store.h: the workers' units of SQL work, each in its own short
 * transaction, and the saved plans of their statements.
 */
#ifndef BIFROST_STORE_H
#define BIFROST_STORE_H

#include "executor/spi.h"
#include "storage/lockdefs.h"

#define STORE_ERROR_MAX 512

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

/* Inside store_run: does the extension exist in this database? */
extern bool store_extension_ready(void);

/*
 * Inside store_run, for a worker that is stopping: takes mode on
 * bifrost.<table> within the deadline's share of a lock wait, without
 * queueing for it; false (and a LOG line) when the table stays locked.
 */
extern bool store_lock_table_or_give_up(const char *table, LOCKMODE mode);

#endif							/* BIFROST_STORE_H */
