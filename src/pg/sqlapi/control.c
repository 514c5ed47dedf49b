/*
 * control.c: the control functions written in C: bifrost_start() launches
 * the hedger of this database, bifrost._wake_worker() lets the SQL control
 * functions (bifrost_stop(), bifrost_suspend(), ...) wake it at commit.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"

#include "pg/bgw/bgw.h"
#include "pg/hedger/worker.h"

PG_FUNCTION_INFO_V1(bifrost_start);
PG_FUNCTION_INFO_V1(bifrost_wake_worker);

static void
audit_start(const char *result)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1] = {CStringGetTextDatum(result)};

	if (SPI_execute_with_args("INSERT INTO bifrost.daemon_control (command, requested_by, consumed_at, result)"
							  " VALUES ('start', session_user, now(), $1)",
							  1, types, values, NULL, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "could not record the start command");
}

/*
 * bifrost_start(): launches the hedger for the current database unless one
 * runs already; returns its pid either way.
 */
Datum
bifrost_start(PG_FUNCTION_ARGS)
{
	int			pid;
	char		result[128];
	Oid			roleoid = InvalidOid;
	bool		is_hedger;

	SPI_connect();
	pid = hedger_lock_holder_pid(&is_hedger);
	if (pid != 0 && !is_hedger)
		ereport(ERROR,
				(errcode(ERRCODE_LOCK_NOT_AVAILABLE),
				 errmsg("cannot start the bifrost hedger: its lock in this database is held by pid %d, which is not a hedger", pid),
				 errdetail("Only bifrost's own code takes that lock (pg_locks shows it as locktype userlock)."),
				 errhint("pg_stat_activity says what pid %d is.", pid)));
	if (pid != 0)
	{
		snprintf(result, sizeof(result), "already running as pid %d", pid);
		ereport(NOTICE, (errmsg("the bifrost hedger already runs for this database (pid %d)", pid)));
	}
	else
	{
		if (bifrost_role && bifrost_role[0])
			roleoid = get_role_oid(bifrost_role, false);
		pid = (int) hedger_worker_launch(MyDatabaseId, roleoid);
		snprintf(result, sizeof(result), "started as pid %d", pid);
	}
	audit_start(result);
	SPI_finish();
	PG_RETURN_INT32(pid);
}

Datum
bifrost_wake_worker(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(hedger_wake());
}
