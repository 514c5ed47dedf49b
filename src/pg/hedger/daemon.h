/*
 * worker.h: the hedger background worker.
 */
#ifndef BIFROST_WORKER_H
#define BIFROST_WORKER_H

#include "postgres.h"

/* Keys of the session lock (private_lock.h) that makes the hedger single per database. */
#define BIFROST_LOCK_KEY1 1111904084	/* 'BFST' */
#define BIFROST_LOCK_KEY2 1

#define BIFROST_WORKER_TYPE "bifrost hedger"
#define BIFROST_RESTART_SEC 5

extern void bifrost_worker_register_static(void);
extern pid_t bifrost_worker_launch(Oid dboid, Oid roleoid);
extern PGDLLEXPORT void bifrost_worker_main(Datum main_arg);

/* SIGTERM arrived: stop transfers and waits now (an order's outcome is asked after the restart). */
extern bool bifrost_worker_stopping(void);

/* Wakes the running hedger of this database; false when none runs. */
extern bool bifrost_wake(void);

#endif							/* BIFROST_WORKER_H */
