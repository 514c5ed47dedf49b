/*
 * app_config.h: the status application's settings, from a file of
 * `key = value` lines (README, "The status application").
 *
 * Every key has a default, so an empty file (or none) gives the
 * application on 127.0.0.1 without TLS, talking to the local server's
 * default socket.  A listen address other than a loopback one needs TLS:
 * app_config_check() refuses it without a certificate and key.
 */
#ifndef BIFROST_APP_CONFIG_H
#define BIFROST_APP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define APP_CONFIG_TEXT_MAX 512
#define APP_CONFIG_ERROR_MAX 600

typedef struct app_config
{
	char		listen_address[APP_CONFIG_TEXT_MAX];	/* numeric IPv4 or IPv6 */
	int			port;
	char		tls_cert_file[APP_CONFIG_TEXT_MAX];	/* PEM; both or neither */
	char		tls_key_file[APP_CONFIG_TEXT_MAX];

	/* the database: libpq's host, port and dbname; the user and password are each person's */
	char		db_host[APP_CONFIG_TEXT_MAX];
	char		db_port[16];
	char		db_name[APP_CONFIG_TEXT_MAX];
	char		db_sslmode[32];

	/*
	 * A role /healthz and /metrics use when a request brings no
	 * credentials, connecting without a password (peer, a .pgpass entry,
	 * a client certificate); empty: they need credentials like the rest.
	 */
	char		monitor_role[APP_CONFIG_TEXT_MAX];

	char		page_dir[APP_CONFIG_TEXT_MAX];	/* index.html, app.js, app.css */

	int			threads;		/* request threads, each with its own database connections */
	int			max_connections;	/* open HTTP connections; more are refused */
	int			max_connections_per_ip;	/* 0: no limit */
	int			request_timeout_s;	/* an idle or slow HTTP connection is closed after this */
	int			statement_timeout_ms;	/* each query's, on the application's connections */
	int			session_idle_s;	/* a session unused this long is ended */
	int			max_sessions;
	int			pool_per_role;	/* connections kept per role logged in with a password */
	int			max_db_connections;	/* the application's database connections, all roles together */
	int			credential_recheck_s;	/* Basic credentials proved again after this long */
	int			status_cache_ms;	/* /status and /healthz answers kept this long per role; 0: none */
} app_config;

/* The defaults. */
extern void app_config_defaults(app_config *cfg);

/*
 * Reads the file (the defaults first).  false with *error set (file, line
 * and what is wrong) on an unknown key, a bad value or an unreadable file.
 */
extern bool app_config_load(app_config *cfg, const char *path, char *error, size_t error_size);

/* Sets one key from its text; false with *error naming the key and value. */
extern bool app_config_set(app_config *cfg, const char *key, const char *value,
						   char *error, size_t error_size);

/* Judges the whole: TLS for a non-loopback address, both TLS files or neither. */
extern bool app_config_check(const app_config *cfg, char *error, size_t error_size);

/* The address is 127.0.0.0/8 or ::1. */
extern bool app_config_loopback(const char *address);

#endif							/* BIFROST_APP_CONFIG_H */
