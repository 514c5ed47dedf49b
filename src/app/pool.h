/*
 * pool.h: open database connections of one role, shared by the request
 * threads.
 *
 * A pool belongs to a session (a person logged in through the page: its
 * one connection, opened at login, the password then forgotten) or to a
 * credential (role and password that HTTP Basic requests bring: each
 * request brings the password again, so the pool may open more, up to its
 * limit).  A connection that broke is closed when it comes back.
 */
#ifndef BIFROST_APP_POOL_H
#define BIFROST_APP_POOL_H

#include <pthread.h>
#include <stdbool.h>

#include <libpq-fe.h>

#include "app/app_config.h"
#include "app/db.h"

#define POOL_MAX_CONNECTIONS 64

typedef struct conn_pool
{
	pthread_mutex_t lock;
	pthread_cond_t returned;
	char		role[APP_CONFIG_TEXT_MAX];
	int			limit;			/* connections at most */
	int			open;			/* open now, idle or lent */
	int			n_idle;
	PGconn	   *idle[POOL_MAX_CONNECTIONS];
	bool		closing;		/* no more lending: the pool is being freed */
} conn_pool;

extern void pool_init(conn_pool *pool, const char *role, int limit);

/* Adds a connection opened elsewhere (at login) as an idle one; false when the pool is full. */
extern bool pool_adopt(conn_pool *pool, PGconn *conn);

/*
 * A connection of the pool: an idle one, else a new one (with password,
 * NULL for libpq's own means) when may_open and the limit allow, else one
 * returned within wait_ms.  NULL with *outcome (DB_BAD_CREDENTIALS for a
 * login the server refused, DB_UNAVAILABLE otherwise) and message.
 */
extern PGconn *pool_take(conn_pool *pool, const app_config *cfg, bool may_open, const char *password,
						 int wait_ms, db_connect_outcome *outcome, char *message, size_t message_size);

/* Gives a connection back; one that broke, or that the caller discards (its call lost it), is closed. */
extern void pool_give(conn_pool *pool, PGconn *conn, bool discard);

/* Closes the idle connections now (the server went away: they are likely dead too). */
extern void pool_close_idle(conn_pool *pool);

/* Closes the idle connections and waits (bounded) for the lent ones; then the pool may be freed. */
extern void pool_close(conn_pool *pool);

/* Open connections now (idle and lent). */
extern int	pool_open_count(conn_pool *pool);

#endif							/* BIFROST_APP_POOL_H */
