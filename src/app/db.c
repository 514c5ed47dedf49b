/*
 * db.c: the status application's libpq calls (db.h).
 */
#include "app/db.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONNECT_TIMEOUT_S "5"

/* Connections open now, against max_db_connections. */
static pthread_mutex_t open_lock = PTHREAD_MUTEX_INITIALIZER;
static int	open_connections;

static bool
reserve_connection(int limit)
{
	bool		ok;

	pthread_mutex_lock(&open_lock);
	ok = open_connections < limit;
	if (ok)
		open_connections++;
	pthread_mutex_unlock(&open_lock);
	return ok;
}

static void
release_connection(void)
{
	pthread_mutex_lock(&open_lock);
	open_connections--;
	pthread_mutex_unlock(&open_lock);
}

void
db_close(PGconn *conn)
{
	if (conn == NULL)
		return;
	PQfinish(conn);
	release_connection();
}

/* The last notice the server sent on this thread's connection (db_last_notice). */
static __thread char last_notice[DB_MESSAGE_MAX];

static void
keep_notice(void *arg, const char *message)
{
	/* "NOTICE:  text\n...": the text of the first line */
	const char *text = strstr(message, ":  ");

	snprintf(last_notice, sizeof(last_notice), "%s", text ? text + 3 : message);
	last_notice[strcspn(last_notice, "\n")] = '\0';
}

const char *
db_last_notice(void)
{
	return last_notice;
}

void
db_clear_notice(void)
{
	last_notice[0] = '\0';
}

PGconn *
db_connect(const app_config *cfg, const char *role, const char *password,
		   db_connect_outcome *outcome, char *message, size_t message_size)
{
	char		options[256];
	const char *keys[12];
	const char *values[12];
	int			n = 0;
	PGconn	   *conn;

	/*
	 * A client's options outrank the role's own settings (ALTER ROLE ...
	 * SET): a role cannot move the search path, lift the timeout or make
	 * its queries crawl through the JIT to hold the application's threads.
	 */
	snprintf(options, sizeof(options),
			 "-c search_path=pg_catalog,public -c statement_timeout=%d -c jit=off "
			 "-c idle_in_transaction_session_timeout=%d -c idle_session_timeout=0",
			 cfg->statement_timeout_ms, cfg->statement_timeout_ms);
#define PARAM(k, v) do { if ((v) != NULL && (v)[0] != '\0') { keys[n] = (k); values[n] = (v); n++; } } while (0)
	PARAM("host", cfg->db_host);
	PARAM("port", cfg->db_port);
	PARAM("dbname", cfg->db_name);
	PARAM("sslmode", cfg->db_sslmode);
	PARAM("user", role);
	PARAM("password", password);
	PARAM("application_name", "bifrost-status");
	PARAM("connect_timeout", CONNECT_TIMEOUT_S);
	PARAM("client_encoding", "UTF8");
	PARAM("options", options);
#undef PARAM
	keys[n] = NULL;
	values[n] = NULL;

	if (password != NULL && password[0] == '\0')
	{
		/* libpq would leave an empty password out and try its own means instead */
		*outcome = DB_BAD_CREDENTIALS;
		snprintf(message, message_size, "an empty password");
		return NULL;
	}
	/* two more for the monitor role (no password): logins cannot starve /healthz */
	if (!reserve_connection(cfg->max_db_connections + (password == NULL ? 2 : 0)))
	{
		*outcome = DB_LIMITED;
		snprintf(message, message_size, "all %d database connections of the application are in use "
				 "(max_db_connections)", cfg->max_db_connections);
		return NULL;
	}
	/* expand_dbname 0: a role name or password is never read as a connection string */
	conn = PQconnectdbParams(keys, values, 0);
	if (conn != NULL && PQstatus(conn) == CONNECTION_OK && password != NULL && !PQconnectionUsedPassword(conn))
	{
		*outcome = DB_BAD_CREDENTIALS;
		snprintf(message, message_size, "the server let the role in without asking for its password "
				 "(trust, peer or a certificate): that is no login");
		db_close(conn);
		return NULL;
	}
	if (conn != NULL && PQstatus(conn) == CONNECTION_OK)
	{
		*outcome = DB_CONNECTED;
		message[0] = '\0';
		/* notices go to the request that caused them, not to stderr */
		PQsetNoticeProcessor(conn, keep_notice, NULL);
		return conn;
	}
	if (conn == NULL)
	{
		release_connection();
		*outcome = DB_UNAVAILABLE;
		snprintf(message, message_size, "out of memory");
		return NULL;
	}

	/*
	 * libpq gives no SQLSTATE for a failed connection: the server's words
	 * tell a refused login (28000, 28P01) from an unavailable server.
	 */
	{
		const char *why = PQerrorMessage(conn);

		if (strstr(why, "authentication failed") != NULL || strstr(why, "no password supplied") != NULL ||
			strstr(why, "does not exist") != NULL || strstr(why, "not permitted to log in") != NULL ||
			strstr(why, "no pg_hba.conf entry") != NULL || strstr(why, "password") != NULL)
			*outcome = DB_BAD_CREDENTIALS;
		else
			*outcome = DB_UNAVAILABLE;
		snprintf(message, message_size, "%s", why);
		/* one line is enough, and the rest may quote the server's configuration */
		message[strcspn(message, "\n")] = '\0';
	}
	db_close(conn);
	return NULL;
}

static void
copy_field(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

void
db_query_value(PGconn *conn, const char *sql, int nparams, const char *const *values, db_result *out)
{
	PGresult   *res;

	memset(out, 0, sizeof(*out));
	res = PQexecParams(conn, sql, nparams, NULL, values, NULL, NULL, 0);
	if (res != NULL && PQresultStatus(res) == PGRES_TUPLES_OK)
	{
		out->ok = true;
		if (PQntuples(res) >= 1 && PQnfields(res) >= 1 && !PQgetisnull(res, 0, 0))
			out->text = strdup(PQgetvalue(res, 0, 0));
		if (PQntuples(res) >= 1 && PQnfields(res) >= 1 && !PQgetisnull(res, 0, 0) && out->text == NULL)
		{
			out->ok = false;
			copy_field(out->message, sizeof(out->message), "out of memory");
		}
		PQclear(res);
		return;
	}
	out->ok = false;
	if (res != NULL)
	{
		copy_field(out->sqlstate, sizeof(out->sqlstate), PQresultErrorField(res, PG_DIAG_SQLSTATE));
		copy_field(out->message, sizeof(out->message), PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
		copy_field(out->hint, sizeof(out->hint), PQresultErrorField(res, PG_DIAG_MESSAGE_HINT));
		PQclear(res);
	}
	if (out->message[0] == '\0')
	{
		copy_field(out->message, sizeof(out->message), PQerrorMessage(conn));
		out->message[strcspn(out->message, "\n")] = '\0';
	}
	/*
	 * The connection is no good when libpq says so, and also when the server
	 * ended it (57P01 administrator command, 57P02, 57P03, class 08) or the
	 * failure came with no SQLSTATE at all (the socket closed under it):
	 * libpq may still call it CONNECTION_OK until the next call.
	 */
	out->connection_lost = PQstatus(conn) != CONNECTION_OK || out->sqlstate[0] == '\0' ||
		strncmp(out->sqlstate, "08", 2) == 0 || strncmp(out->sqlstate, "57P", 3) == 0;
}

void
db_result_free(db_result *r)
{
	free(r->text);
	r->text = NULL;
}

int
db_http_status(const db_result *r)
{
	if (r->connection_lost)
		return 503;
	if (strcmp(r->sqlstate, "42501") == 0)
		return 403;
	/* the query was cancelled: the statement timeout, or the server shutting down */
	if (strcmp(r->sqlstate, "57014") == 0 || strncmp(r->sqlstate, "57P", 3) == 0 ||
		strncmp(r->sqlstate, "08", 2) == 0 || strcmp(r->sqlstate, "53300") == 0)
		return 503;
	/* data exceptions (22xxx): the request's values */
	if (strncmp(r->sqlstate, "22", 2) == 0)
		return 400;
	return 500;
}
