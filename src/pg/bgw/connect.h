/*
 * worker_session.h: the database session of a bifrost background worker.
 */
#ifndef BIFROST_WORKER_SESSION_H
#define BIFROST_WORKER_SESSION_H

#include "postgres.h"

/*
 * The search_path every bifrost worker runs with, for its whole session: the
 * worker may run as a superuser, so no name it uses may resolve to an object
 * that a database owner or anyone who can create in a schema has planted.
 */
#define WORKER_SEARCH_PATH "pg_catalog, pg_temp"

/*
 * The longest a worker waits for a lock before the unit of work fails (and
 * is tried again): well under a heartbeat, long enough for any lock the
 * extension's own functions hold.
 */
#define WORKER_LOCK_TIMEOUT "5s"

/*
 * Connects this background worker to its database (dboid and roleoid, or,
 * when dboid is invalid, bifrost.database as bifrost.role) and sets up the
 * session every worker needs: the pinned search_path and transaction
 * settings, a bounded lock wait, application_name "bifrost" and
 * asynchronous commit.
 */
extern void worker_session_connect(Oid dboid, Oid roleoid);

#endif							/* BIFROST_WORKER_SESSION_H */
