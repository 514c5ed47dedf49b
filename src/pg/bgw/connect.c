/*
 * connect.c: what every bifrost background worker does right after it
 * connects, so the hedger and the ingest worker cannot drift apart (bgw.h).
 */
#include "postgres.h"

#include "access/xact.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "utils/guc.h"

#include "pg/bgw/bgw.h"

char	   *bifrost_database = NULL;
char	   *bifrost_role = NULL;

void
bgw_define_settings(void)
{
	/*
	 * The static worker reads these once at server start.  Loaded later (no
	 * preload, bifrost_start()), PostgreSQL forbids defining postmaster-only
	 * settings, and reloading them is harmless for a dynamic worker.
	 */
	GucContext	connection_context =
		process_shared_preload_libraries_in_progress ? PGC_POSTMASTER : PGC_SIGHUP;

	DefineCustomStringVariable("bifrost.database",
							   "Database the hedger worker connects to.",
							   NULL, &bifrost_database, "postgres",
							   connection_context, 0, NULL, NULL, NULL);
	DefineCustomStringVariable("bifrost.role",
							   "Role the hedger worker runs as (empty: the bootstrap superuser).",
							   NULL, &bifrost_role, "",
							   connection_context, 0, NULL, NULL, NULL);
}

void
bgw_session_connect(Oid dboid, Oid roleoid)
{
	/*
	 * The database owner may ALTER DATABASE ... ALLOW_CONNECTIONS false: that
	 * keeps people out, not the workers the superuser configured.
	 */
	if (OidIsValid(dboid))
		BackgroundWorkerInitializeConnectionByOid(dboid, roleoid, BGWORKER_BYPASS_ALLOWCONN);
	else
		BackgroundWorkerInitializeConnection(bifrost_database,
											 bifrost_role[0] ? bifrost_role : NULL,
											 BGWORKER_BYPASS_ALLOWCONN);

	/*
	 * ALTER DATABASE ... SET session_authorization or role, which the
	 * database owner may run, made this session another role: the worker
	 * would record nothing, or act as someone it was not configured to be.
	 * It is the role it connected as, for the life of the process.
	 */
	StartTransactionCommand();
	SetConfigOption("session_authorization", GetUserNameFromId(GetAuthenticatedUserId(), false),
					PGC_SUSET, PGC_S_SESSION);
	SetConfigOption("role", "none", PGC_SUSET, PGC_S_SESSION);
	CommitTransactionCommand();

	/*
	 * The connection applied the database's and the role's search_path
	 * (ALTER DATABASE / ALTER ROLE ... SET), which the database owner
	 * controls.  A session-level setting outranks both, and nothing the
	 * worker runs changes it again, so every unqualified function and
	 * operator in its SQL resolves in pg_catalog for the life of the process.
	 */
	SetConfigOption("search_path", BGW_SEARCH_PATH, PGC_SUSET, PGC_S_SESSION);

	/*
	 * The database owner may also ALTER DATABASE ... SET how transactions
	 * behave: read-only by default, serializable, cut after a millisecond.
	 * Any of them would make the worker's writes fail, so they too are the
	 * session's.  A lock is waited for a bounded time: a role that may lock
	 * a table the worker reads or writes (LOCK TABLE in an open transaction)
	 * must not stop its heartbeat and order queries; the unit of work fails,
	 * is recorded, and is tried again.
	 */
	SetConfigOption("default_transaction_read_only", "off", PGC_SUSET, PGC_S_SESSION);
	SetConfigOption("default_transaction_isolation", "read committed", PGC_SUSET, PGC_S_SESSION);
	SetConfigOption("statement_timeout", "0", PGC_SUSET, PGC_S_SESSION);
	SetConfigOption("idle_in_transaction_session_timeout", "0", PGC_SUSET, PGC_S_SESSION);
	SetConfigOption("lock_timeout", BGW_LOCK_TIMEOUT, PGC_SUSET, PGC_S_SESSION);

	pgstat_report_appname("bifrost");

	/*
	 * Status, decision, fill and market-data rows commit asynchronously:
	 * after a crash the hedger reconciles its orders with the broker, which
	 * re-delivers a fill, and market data can be fetched again.  The hedge
	 * intent, the one promise that must not vanish, commits synchronously
	 * (hstore_sync_commit) before its order leaves.
	 */
	SetConfigOption("synchronous_commit", "off", PGC_USERSET, PGC_S_SESSION);
}
