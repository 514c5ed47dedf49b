/*
 * worker.h: the hedger background worker as the rest of bifrost sees it:
 * its registration, its launch from bifrost_start(), and the wake-up that
 * control functions send it.
 */
#ifndef BIFROST_HEDGER_WORKER_H
#define BIFROST_HEDGER_WORKER_H

#include "postgres.h"

/* Keys of the session lock (common/private_lock.h) that makes the hedger single per database. */
#define BIFROST_LOCK_KEY1 1111904084	/* 'BFST' */
#define BIFROST_LOCK_KEY2 1

#define BIFROST_WORKER_TYPE "bifrost hedger"

/* At server start (shared_preload_libraries): the hedger of bifrost.database. */
extern void hedger_worker_register(void);

/* From bifrost_start(): the hedger of dboid as roleoid; returns its pid. */
extern pid_t hedger_worker_launch(Oid dboid, Oid roleoid);

/*
 * Pid of the process holding the hedger's lock in this database, 0 when
 * none; *is_hedger tells whether it is a bifrost hedger, as it always should
 * be (no SQL function can take that lock).  Needs SPI.
 */
extern int	hedger_lock_holder_pid(bool *is_hedger);

/*
 * Arranges for the hedger of this database to be woken when the current
 * transaction commits, so it reads its command queue and config at once.
 * Returns false when no hedger runs.
 */
extern bool hedger_wake(void);

extern PGDLLEXPORT void bifrost_worker_main(Datum main_arg);

#endif							/* BIFROST_HEDGER_WORKER_H */
