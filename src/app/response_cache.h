/*
 * response_cache.h: the answers of /status and /healthz kept a moment per
 * role (status_cache_ms), so many clients polling at once cost the
 * database one call per role and moment.  Per role because the grants
 * decide what an answer holds; cleared by every control, whose effect the
 * next read must show.
 */
#ifndef BIFROST_APP_RESPONSE_CACHE_H
#define BIFROST_APP_RESPONSE_CACHE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define RESPONSE_CACHE_ENTRIES 64

typedef struct cached_response
{
	char		role[64];
	char		path[32];
	char	   *body;			/* malloc'd */
	unsigned int status;
	int64_t		stored_ms;		/* on the monotonic clock */
	uint64_t	generation;
} cached_response;

typedef struct response_cache
{
	pthread_mutex_t lock;
	int			ttl_ms;			/* 0: nothing is kept */
	uint64_t	generation;
	cached_response entries[RESPONSE_CACHE_ENTRIES];
} response_cache;

extern void response_cache_init(response_cache *cache, int ttl_ms);

/* A copy of the answer to role at path younger than the ttl (free it), or NULL. */
extern char *response_cache_get(response_cache *cache, const char *role, const char *path, unsigned int *status);

extern void response_cache_put(response_cache *cache, const char *role, const char *path, const char *body,
							   unsigned int status);

/* Forgets every answer: a control changed what they say. */
extern void response_cache_clear(response_cache *cache);

extern void response_cache_free(response_cache *cache);

#endif							/* BIFROST_APP_RESPONSE_CACHE_H */
