/*
 * worker_session.c: what every bifrost background worker does right after it
 * connects, so the hedger and the ingest worker cannot drift apart.
 */
#include "postgres.h"

#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "utils/guc.h"

#include "guc.h"
#include "worker_session.h"

void
worker_session_connect(Oid dboid, Oid roleoid)
{
	if (OidIsValid(dboid))
		BackgroundWorkerInitializeConnectionByOid(dboid, roleoid, 0);
	else
		BackgroundWorkerInitializeConnection(bifrost_database,
											 bifrost_role[0] ? bifrost_role : NULL, 0);

	/*
	 * The connection applied the database's and the role's search_path
	 * (ALTER DATABASE / ALTER ROLE ... SET), which the database owner
	 * controls.  A session-level setting outranks both, and nothing the
	 * worker runs changes it again, so every unqualified function and
	 * operator in its SQL resolves in pg_catalog for the life of the process.
	 */
	SetConfigOption("search_path", WORKER_SEARCH_PATH, PGC_SUSET, PGC_S_SESSION);

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
