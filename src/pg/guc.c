/*
 * guc.c: defines the bifrost.* settings.
 *
 * Connection settings are fixed at server start; the rest reload on SIGHUP
 * so an operator can retune a running hedger with ALTER SYSTEM and
 * pg_reload_conf().
 */
#include "postgres.h"

#include "miscadmin.h"
#include "utils/guc.h"

#include "net/url_check.h"
#include "pg/guc.h"
#include "pg/ingest/ingest.h"

char	   *bifrost_database = NULL;
char	   *bifrost_role = NULL;
bool		bifrost_enabled = true;
int			bifrost_heartbeat_interval = BIFROST_DEFAULT_HEARTBEAT_SEC;
int			bifrost_history_sample_every = 0;
int			bifrost_broker = BIFROST_BROKER_PAPER;
int			bifrost_feed = BIFROST_FEED_SIM;
char	   *bifrost_okx_base_url = NULL;
char	   *bifrost_ibkr_base_url = NULL;
int			bifrost_http_timeout_ms = BIFROST_DEFAULT_HTTP_TIMEOUT_MS;
bool		bifrost_okx_demo = false;
int			bifrost_feed_poll_ms = BIFROST_DEFAULT_FEED_POLL_MS;
char	   *bifrost_ingest_schedule = NULL;
int			bifrost_ingest_interval = BIFROST_DEFAULT_INGEST_INTERVAL_SEC;
bool		bifrost_ingest_rate_limit = true;

static const struct config_enum_entry broker_options[] = {
	{"paper", BIFROST_BROKER_PAPER, false},
	{"okx", BIFROST_BROKER_OKX, false},
	{"ibkr", BIFROST_BROKER_IBKR, false},
	{NULL, 0, false}
};

static const struct config_enum_entry feed_options[] = {
	{"sim", BIFROST_FEED_SIM, false},
	{"replay", BIFROST_FEED_REPLAY, false},
	{"okx", BIFROST_FEED_OKX, false},
	{"ibkr", BIFROST_FEED_IBKR, false},
	{NULL, 0, false}
};

const char *
bifrost_broker_name(int broker)
{
	for (const struct config_enum_entry *e = broker_options; e->name; e++)
		if (e->val == broker)
			return e->name;
	return "unknown";
}

const char *
bifrost_feed_name(int feed)
{
	for (const struct config_enum_entry *e = feed_options; e->name; e++)
		if (e->val == feed)
			return e->name;
	return "unknown";
}

/*
 * Signed requests go to these URLs: https to any host, plain http only to
 * this machine's loopback names (the test mocks), and nothing that hides the
 * real host (url_check_base).  '' leaves the venue unconfigured.
 */
static bool
check_base_url(char **newval, void **extra, GucSource source)
{
	char		why[URL_CHECK_WHY_MAX];

	if (*newval == NULL || (*newval)[0] == '\0')
		return true;
	if (url_check_base(*newval, why, sizeof(why)))
		return true;
	GUC_check_errdetail("%s", why);
	GUC_check_errhint("Write the URL as https://host[:port][/path], or http://127.0.0.1, http://localhost or http://[::1] for a local test server.");
	return false;
}

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
bifrost_guc_init(void)
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
	DefineCustomBoolVariable("bifrost.enabled",
							 "Lets the hedger trade; off keeps it running but suspended.",
							 NULL, &bifrost_enabled, true,
							 PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("bifrost.heartbeat_interval",
							"Seconds between heartbeats (status_current and daemon_heartbeat rows).",
							NULL, &bifrost_heartbeat_interval, BIFROST_DEFAULT_HEARTBEAT_SEC,
							BIFROST_MIN_HEARTBEAT_SEC, BIFROST_MAX_HEARTBEAT_SEC,
							PGC_SIGHUP, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomIntVariable("bifrost.history_sample_every",
							"Heartbeats between sampled status_history rows (0: only on hedge events).",
							NULL, &bifrost_history_sample_every, 0,
							0, BIFROST_MAX_HISTORY_SAMPLE_EVERY,
							PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomEnumVariable("bifrost.broker",
							 "Where hedge orders go: paper, okx or ibkr.",
							 NULL, &bifrost_broker, BIFROST_BROKER_PAPER, broker_options,
							 PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomEnumVariable("bifrost.feed",
							 "Where quotes come from: sim, replay, okx or ibkr.",
							 NULL, &bifrost_feed, BIFROST_FEED_SIM, feed_options,
							 PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomStringVariable("bifrost.okx_base_url",
							   "Base URL of the OKX v5 REST API.",
							   NULL, &bifrost_okx_base_url, "https://www.okx.com",
							   PGC_SIGHUP, 0, check_base_url, NULL, NULL);
	DefineCustomStringVariable("bifrost.ibkr_base_url",
							   "Base URL of the IBKR Client Portal Web API.",
							   NULL, &bifrost_ibkr_base_url, "https://localhost:5000/v1/api",
							   PGC_SIGHUP, 0, check_base_url, NULL, NULL);
	DefineCustomIntVariable("bifrost.http_timeout_ms",
							"Timeout of every HTTP transfer to a broker or data source.",
							NULL, &bifrost_http_timeout_ms, BIFROST_DEFAULT_HTTP_TIMEOUT_MS,
							BIFROST_MIN_HTTP_TIMEOUT_MS, BIFROST_MAX_HTTP_TIMEOUT_MS,
							PGC_SIGHUP, GUC_UNIT_MS, NULL, NULL, NULL);
	DefineCustomBoolVariable("bifrost.okx_demo",
							 "Sends OKX requests to demo trading (header x-simulated-trading: 1).",
							 NULL, &bifrost_okx_demo, false,
							 PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("bifrost.feed_poll_ms",
							"Milliseconds between quote requests of the okx and ibkr feeds.",
							NULL, &bifrost_feed_poll_ms, BIFROST_DEFAULT_FEED_POLL_MS,
							BIFROST_MIN_FEED_POLL_MS, BIFROST_MAX_FEED_POLL_MS,
							PGC_SIGHUP, GUC_UNIT_MS, NULL, NULL, NULL);
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

	MarkGUCPrefixReserved("bifrost");
}
