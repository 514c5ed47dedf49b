/*
 * pool.c: open database connections of one role (pool.h).
 */
#include "app/pool.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* How long pool_close waits for connections lent to requests still running. */
#define CLOSE_WAIT_MS 10000

void
pool_init(conn_pool *pool, const char *role, int limit)
{
	memset(pool, 0, sizeof(*pool));
	pthread_mutex_init(&pool->lock, NULL);
	pthread_cond_init(&pool->returned, NULL);
	snprintf(pool->role, sizeof(pool->role), "%s", role);
	pool->limit = limit < 1 ? 1 : limit > POOL_MAX_CONNECTIONS ? POOL_MAX_CONNECTIONS : limit;
}

bool
pool_adopt(conn_pool *pool, PGconn *conn)
{
	bool		ok;

	pthread_mutex_lock(&pool->lock);
	ok = !pool->closing && pool->open < pool->limit;
	if (ok)
	{
		pool->idle[pool->n_idle++] = conn;
		pool->open++;
		pthread_cond_signal(&pool->returned);
	}
	pthread_mutex_unlock(&pool->lock);
	return ok;
}

static void
deadline_after(struct timespec *ts, int ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long) (ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L)
	{
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/*
 * An idle connection the server has ended (a restart, a terminated
 * backend): the application never LISTENs and a notice only answers a
 * query, so input waiting on an idle connection can only be the server's
 * goodbye or the end of the stream.  Caught here, it costs no request a
 * failure.
 */
static bool
idle_conn_dead(PGconn *conn)
{
	struct pollfd p;

	if (PQstatus(conn) != CONNECTION_OK || PQsocket(conn) < 0)
		return true;
	p.fd = PQsocket(conn);
	p.events = POLLIN;
	p.revents = 0;
	return poll(&p, 1, 0) != 0;
}

PGconn *
pool_take(conn_pool *pool, const app_config *cfg, bool may_open, const char *password, int wait_ms,
		  db_connect_outcome *outcome, char *message, size_t message_size)
{
	struct timespec deadline;
	PGconn	   *conn = NULL;

	deadline_after(&deadline, wait_ms);
	pthread_mutex_lock(&pool->lock);
	for (;;)
	{
		if (pool->closing)
			break;
		if (pool->n_idle > 0)
		{
			conn = pool->idle[--pool->n_idle];
			if (!idle_conn_dead(conn))
				break;
			/* gone: closed, and the loop takes another or opens a new one */
			db_close(conn);
			conn = NULL;
			pool->open--;
			continue;
		}
		if (may_open && pool->open < pool->limit)
		{
			/* counted before the connect, which runs unlocked */
			pool->open++;
			pthread_mutex_unlock(&pool->lock);
			conn = db_connect(cfg, pool->role, password, outcome, message, message_size);
			pthread_mutex_lock(&pool->lock);
			if (conn == NULL)
			{
				pool->open--;
				pthread_cond_signal(&pool->returned);
				pthread_mutex_unlock(&pool->lock);
				return NULL;
			}
			break;
		}
		if (pthread_cond_timedwait(&pool->returned, &pool->lock, &deadline) == ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&pool->lock);
	if (conn == NULL)
	{
		*outcome = DB_UNAVAILABLE;
		snprintf(message, message_size, "every database connection of role %s is busy", pool->role);
	}
	else
		*outcome = DB_CONNECTED;
	return conn;
}

void
pool_give(conn_pool *pool, PGconn *conn, bool discard)
{
	bool		broken = discard || PQstatus(conn) != CONNECTION_OK ||
		PQtransactionStatus(conn) != PQTRANS_IDLE;

	pthread_mutex_lock(&pool->lock);
	if (broken || pool->closing || pool->n_idle >= POOL_MAX_CONNECTIONS)
	{
		pool->open--;
		pthread_mutex_unlock(&pool->lock);
		db_close(conn);
		pthread_mutex_lock(&pool->lock);
	}
	else
		pool->idle[pool->n_idle++] = conn;
	pthread_cond_broadcast(&pool->returned);
	pthread_mutex_unlock(&pool->lock);
}

void
pool_close_idle(conn_pool *pool)
{
	pthread_mutex_lock(&pool->lock);
	while (pool->n_idle > 0)
	{
		db_close(pool->idle[--pool->n_idle]);
		pool->open--;
	}
	pthread_cond_broadcast(&pool->returned);
	pthread_mutex_unlock(&pool->lock);
}

void
pool_close(conn_pool *pool)
{
	struct timespec deadline;

	deadline_after(&deadline, CLOSE_WAIT_MS);
	pthread_mutex_lock(&pool->lock);
	pool->closing = true;
	pthread_cond_broadcast(&pool->returned);
	while (pool->n_idle > 0)
	{
		db_close(pool->idle[--pool->n_idle]);
		pool->open--;
	}
	while (pool->open > 0)
		if (pthread_cond_timedwait(&pool->returned, &pool->lock, &deadline) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&pool->lock);
}

int
pool_open_count(conn_pool *pool)
{
	int			n;

	pthread_mutex_lock(&pool->lock);
	n = pool->open;
	pthread_mutex_unlock(&pool->lock);
	return n;
}
