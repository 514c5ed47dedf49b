/*
 * settings.h: the hedger's bifrost.* settings (settings.c), all reloaded on
 * SIGHUP so an operator can retune a running hedger with ALTER SYSTEM and
 * pg_reload_conf().
 */
#ifndef BIFROST_HEDGER_SETTINGS_H
#define BIFROST_HEDGER_SETTINGS_H

#define BIFROST_DEFAULT_HEARTBEAT_SEC 10
#define BIFROST_MIN_HEARTBEAT_SEC 1
#define BIFROST_MAX_HEARTBEAT_SEC 120

#define BIFROST_MAX_HISTORY_SAMPLE_EVERY 100000

/* The okx and ibkr feeds poll: OKX allows 20 tickers per 2 s, IBKR about 10 requests a second. */
#define BIFROST_DEFAULT_FEED_POLL_MS 1000
#define BIFROST_MIN_FEED_POLL_MS 200
#define BIFROST_MAX_FEED_POLL_MS 60000

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

extern bool bifrost_enabled;
extern int	bifrost_heartbeat_interval;
extern int	bifrost_history_sample_every;
extern int	bifrost_broker;
extern int	bifrost_feed;
extern int	bifrost_feed_poll_ms;

/* Defines them; called by _PG_init. */
extern void hedger_define_settings(void);

extern const char *bifrost_broker_name(int broker);
extern const char *bifrost_feed_name(int feed);

#endif							/* BIFROST_HEDGER_SETTINGS_H */
