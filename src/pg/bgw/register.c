/*
 * register.c: registering a bifrost background worker, statically at server
 * start or dynamically from a backend, for good or for one task (bgw.h).
 * All go through one description of the worker, so the kinds of start
 * cannot differ.
 */
#include "postgres.h"

#include "miscadmin.h"
#include "postmaster/bgworker.h"

#include "pg/bgw/bgw.h"

/*
 * main_arg carries the database, bgw_extra the role (InvalidOid: the
 * settings say) and after it a task's argument.
 */
static void
describe(BackgroundWorker *w, const char *type, const char *function,
		 BgWorkerStartTime start_time, int restart_time, Oid dboid, Oid roleoid, uint32 arg)
{
	memset(w, 0, sizeof(*w));
	w->bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	w->bgw_start_time = start_time;
	w->bgw_restart_time = restart_time;
	strlcpy(w->bgw_library_name, "bifrost", BGW_MAXLEN);
	strlcpy(w->bgw_function_name, function, BGW_MAXLEN);
	strlcpy(w->bgw_type, type, BGW_MAXLEN);
	if (OidIsValid(dboid))
		snprintf(w->bgw_name, BGW_MAXLEN, "%s for database %u", type, dboid);
	else
		snprintf(w->bgw_name, BGW_MAXLEN, "%s", type);
	w->bgw_main_arg = ObjectIdGetDatum(dboid);
	memcpy(w->bgw_extra, &roleoid, sizeof(Oid));
	memcpy(w->bgw_extra + sizeof(Oid), &arg, sizeof(uint32));
}

void
bgw_register_static(const char *type, const char *function, BgWorkerStartTime start_time)
{
	BackgroundWorker w;

	describe(&w, type, function, start_time, BGW_RESTART_SEC, InvalidOid, InvalidOid, 0);
	RegisterBackgroundWorker(&w);
}

pid_t
bgw_launch_dynamic(const char *type, const char *function, BgWorkerStartTime start_time,
				   Oid dboid, Oid roleoid)
{
	BackgroundWorker w;
	BackgroundWorkerHandle *handle;
	BgwHandleStatus status;
	pid_t		pid = 0;

	describe(&w, type, function, start_time, BGW_RESTART_SEC, dboid, roleoid, 0);
	w.bgw_notify_pid = MyProcPid;
	if (!RegisterDynamicBackgroundWorker(&w, &handle))
		ereport(ERROR,
				(errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
				 errmsg("could not start the %s: no background worker slot is free", type),
				 errhint("Raise max_worker_processes (it needs a server restart).")));
	status = WaitForBackgroundWorkerStartup(handle, &pid);
	if (status == BGWH_STOPPED)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_RESOURCES),
				 errmsg("the %s exited right after it started", type),
				 errhint("The server log says why.")));
	if (status == BGWH_POSTMASTER_DIED)
		ereport(ERROR,
				(errcode(ERRCODE_ADMIN_SHUTDOWN),
				 errmsg("the postmaster died while starting the %s", type)));
	return pid;
}

bool
bgw_start_task(const char *type, const char *function, Oid dboid, Oid roleoid, uint32 arg,
			   BackgroundWorkerHandle **handle)
{
	BackgroundWorker w;

	/* a task writes: it starts once recovery is over, and is never started again */
	describe(&w, type, function, BgWorkerStart_RecoveryFinished, BGW_NEVER_RESTART, dboid, roleoid, arg);
	w.bgw_notify_pid = MyProcPid;
	return RegisterDynamicBackgroundWorker(&w, handle);
}

uint32
bgw_task_arg(void)
{
	uint32		arg;

	memcpy(&arg, MyBgworkerEntry->bgw_extra + sizeof(Oid), sizeof(uint32));
	return arg;
}
