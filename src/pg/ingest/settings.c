/*
 * settings.c: the ingest worker's bifrost.* settings (ingest.h), reloaded
 * on SIGHUP: a new schedule starts a round at once.
 */
#include "postgres.h"

#include "utils/guc.h"

#include "pg/ingest/ingest.h"

char	   *bifrost_ingest_schedule = NULL;
int			bifrost_ingest_interval = BIFROST_DEFAULT_INGEST_INTERVAL_SEC;
bool		bifrost_ingest_rate_limit = true;

/* The schedule must parse entry by entry: a bad one is refused by name, never skipped at run time. */
static bool
check_ingest_schedule(char **newval, void **extra, GucSource source)
{
	static ingest_schedule parsed;
	char		detail[384];

	if (ingest_schedule_parse(*newval, &parsed, detail, sizeof(detail)))
		return true;
	GUC_check_errdetail("%s", detail);
	return false;
}

void
ingest_define_settings(void)
{
	DefineCustomStringVariable("bifrost.ingest_schedule",
							   "Market data the ingest worker fetches every bifrost.ingest_interval: "
							   "source:symbol:data_type[:timeframe] entries separated by commas ('' for none).",
							   NULL, &bifrost_ingest_schedule, "",
							   PGC_SIGHUP, 0, check_ingest_schedule, NULL, NULL);
	DefineCustomIntVariable("bifrost.ingest_interval",
							"Seconds between the starts of two rounds of the ingest worker.",
							NULL, &bifrost_ingest_interval, BIFROST_DEFAULT_INGEST_INTERVAL_SEC,
							BIFROST_MIN_INGEST_INTERVAL_SEC, BIFROST_MAX_INGEST_INTERVAL_SEC,
							PGC_SIGHUP, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomBoolVariable("bifrost.ingest_rate_limit",
							 "Keeps market-data ingestion below the venue's published request limits; "
							 "off only against a local mock (benchmarks).",
							 NULL, &bifrost_ingest_rate_limit, true,
							 PGC_SUSET, 0, NULL, NULL, NULL);
}
