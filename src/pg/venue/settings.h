/*
 * settings.h: where the venues are and how long a transfer may take
 * (settings.c): the hedger's broker and feed, and market-data ingestion.
 * Only a superuser may change them (they redirect signed requests).
 */
#ifndef BIFROST_VENUE_SETTINGS_H
#define BIFROST_VENUE_SETTINGS_H

#define BIFROST_DEFAULT_HTTP_TIMEOUT_MS 5000
#define BIFROST_MIN_HTTP_TIMEOUT_MS 100
#define BIFROST_MAX_HTTP_TIMEOUT_MS 60000

extern char *bifrost_okx_base_url;
extern char *bifrost_ibkr_base_url;
extern int	bifrost_http_timeout_ms;
extern bool bifrost_okx_demo;

/* Defines them; called by _PG_init. */
extern void venue_define_settings(void);

#endif							/* BIFROST_VENUE_SETTINGS_H */
