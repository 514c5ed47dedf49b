/*
 * bifrost.c: module entry point.
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"

#include "pg/guc.h"
#include "pg/ingest/ingest.h"
#include "pg/hedger/daemon.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

void
_PG_init(void)
{
	bifrost_guc_init();

	/* Preloaded: the postmaster runs one hedger and one ingest worker for bifrost.database. */
	if (process_shared_preload_libraries_in_progress)
	{
		bifrost_worker_register_static();
		bifrost_ingest_worker_register();
	}
}
