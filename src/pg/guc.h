/*
 * guc.h: the bifrost.* server settings (SPEC §2).
 */
#ifndef BIFROST_GUC_H
#define BIFROST_GUC_H

#define BIFROST_DEFAULT_HEARTBEAT_SEC 10
#define BIFROST_MIN_HEARTBEAT_SEC 1
#define BIFROST_MAX_HEARTBEAT_SEC 120

#define BIFROST_DEFAULT_HTTP_TIMEOUT_MS 5000
#define BIFROST_MIN_HTTP_TIMEOUT_MS 100
#define BIFROST_MAX_HTTP_TIMEOUT_MS 60000

#define BIFROST_MAX_HISTORY_SAMPLE_EVERY 100000

/* The okx and ibkr feeds poll: OKX allows 20 tickers per 2 s, IBKR about 10 requests a second. */
#define BIFROST_DEFAULT_FEED_POLL_MS 1000
#define BIFROST_MIN_FEED_POLL_MS 200
#define BIFROST_MAX_FEED_POLL_MS 60000

/* The ingest worker's rounds (bifrost.ingest_interval, seconds). */
#define BIFROST_DEFAULT_INGEST_INTERVAL_SEC 60
#define BIFROST_MIN_INGEST_INTERVAL_SEC 5
#define BIFROST_MAX_INGEST_INTERVAL_SEC 86400

typedef enum bifrost_broker_kind
{
	BIFROST_BROKER_PAPER,
	BIFROST_BROKER_OKX,
	BIFROST_BROKER_IBKR
} bifrost_broker_kind;

typedef enum bifrost_feed_kind
{
	BIFROST_FEED_SIM,
	BIFROST_FEED_REPLAY,
	BIFROST_FEED_OKX,
	BIFROST_FEED_IBKR
} bifrost_feed_kind;

extern char *bifrost_database;
extern char *bifrost_role;
extern bool bifrost_enabled;
extern int	bifrost_heartbeat_interval;
extern int	bifrost_history_sample_every;
extern int	bifrost_broker;
extern int	bifrost_feed;
extern char *bifrost_okx_base_url;
extern char *bifrost_ibkr_base_url;
extern int	bifrost_http_timeout_ms;
extern bool bifrost_okx_demo;
extern int	bifrost_feed_poll_ms;
extern char *bifrost_ingest_schedule;
extern int	bifrost_ingest_interval;
extern bool bifrost_ingest_rate_limit;

extern void bifrost_guc_init(void);
extern const char *bifrost_broker_name(int broker);
extern const char *bifrost_feed_name(int feed);

#endif							/* BIFROST_GUC_H */
