/*
 * settings.c: the hedger's bifrost.* settings (settings.h).
 */
#include "postgres.h"

#include "utils/guc.h"

#include "pg/hedger/settings.h"

bool		bifrost_enabled = true;
int			bifrost_heartbeat_interval = BIFROST_DEFAULT_HEARTBEAT_SEC;
int			bifrost_history_sample_every = 0;
int			bifrost_broker = BIFROST_BROKER_PAPER;
int			bifrost_feed = BIFROST_FEED_SIM;
int			bifrost_feed_poll_ms = BIFROST_DEFAULT_FEED_POLL_MS;

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

void
hedger_define_settings(void)
{
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
	DefineCustomIntVariable("bifrost.feed_poll_ms",
							"Milliseconds between quote requests of the okx and ibkr feeds.",
							NULL, &bifrost_feed_poll_ms, BIFROST_DEFAULT_FEED_POLL_MS,
							BIFROST_MIN_FEED_POLL_MS, BIFROST_MAX_FEED_POLL_MS,
							PGC_SIGHUP, GUC_UNIT_MS, NULL, NULL, NULL);
}
