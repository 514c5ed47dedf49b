/*
 * db.h: the status application's libpq calls.
 *
 * Each connection is a person's (or the monitor role's): the database's
 * grants decide what it may read and do.  Every connection pins
 * search_path to pg_catalog, public and a statement timeout, and every
 * call names the extension's functions with their schema, so neither a
 * role's own search_path nor a function planted in another schema changes
 * what a request runs.
 */
#ifndef BIFROST_APP_DB_H
#define BIFROST_APP_DB_H

#include <stdbool.h>
#include <stddef.h>

#include <libpq-fe.h>

#include "app/app_config.h"

#define DB_MESSAGE_MAX 512

typedef enum db_connect_outcome
{
	DB_CONNECTED,
	DB_BAD_CREDENTIALS,			/* no such role, a wrong password, no login right */
	DB_UNAVAILABLE,				/* the server is down, full, refusing or too slow */
	DB_LIMITED					/* the application's own limit (sessions, connections): message says which */
} db_connect_outcome;

/*
 * A connection as role.  With a password (a person's or a machine's
 * login) the server must have asked for it: a connection that trust, peer
 * or a client certificate let in is refused as bad credentials, since a
 * login that checked nothing proves nothing.  Without one (NULL: the
 * monitor role) libpq's own means are used.  At most max_db_connections
 * are open at once (db_close gives one back).  NULL with *outcome and the
 * reason in message (never the password) when it fails.
 */
extern PGconn *db_connect(const app_config *cfg, const char *role, const char *password,
						  db_connect_outcome *outcome, char *message, size_t message_size);

/* Closes a connection db_connect opened. */
extern void db_close(PGconn *conn);

typedef struct db_result
{
	bool		ok;
	char	   *text;			/* the one value of the one row (malloc'd), NULL for SQL NULL */
	char		sqlstate[6];	/* of a failure; "" when the connection broke */
	char		message[DB_MESSAGE_MAX];
	char		hint[DB_MESSAGE_MAX];
	bool		connection_lost;	/* the connection is no good any more: close it */
} db_result;

/*
 * Runs sql (one statement giving at most one row of one column) with text
 * parameters (NULL for SQL NULL).  On a failure, ok is false and the rest
 * says why.  db_result_free releases text.
 */
extern void db_query_value(PGconn *conn, const char *sql, int nparams, const char *const *values,
						   db_result *out);
extern void db_result_free(db_result *r);

/*
 * The first line of the last notice a server sent on this thread (a
 * control's "recorded but not delivered"), "" after db_clear_notice.
 */
extern const char *db_last_notice(void);
extern void db_clear_notice(void);

/* The HTTP status for a failed call: 400 for bad input, 403 for a missing right, 503, 500. */
extern int	db_http_status(const db_result *r);

#endif							/* BIFROST_APP_DB_H */
