/*
 * bifrost.c: the module's entry point.  Each subsystem defines its own
 * settings; preloaded, the postmaster runs one hedger and one ingest worker
 * for bifrost.database.
 */
#include "postgres.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/guc.h"

#include "pg/backtest/settings.h"
#include "pg/bgw/bgw.h"
#include "pg/hedger/settings.h"
#include "pg/hedger/worker.h"
#include "pg/ingest/ingest.h"
#include "pg/venue/settings.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

void
_PG_init(void)
{
	bgw_define_settings();
	hedger_define_settings();
	venue_define_settings();
	ingest_define_settings();
	backtest_define_settings();
	MarkGUCPrefixReserved("bifrost");

	if (process_shared_preload_libraries_in_progress)
	{
		hedger_worker_register();
		bifrost_ingest_worker_register();
	}
}
