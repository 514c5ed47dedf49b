/*
 * response_cache.c: answers kept a moment per role (response_cache.h).
 */
#include "app/response_cache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
response_cache_init(response_cache *cache, int ttl_ms)
{
	memset(cache, 0, sizeof(*cache));
	pthread_mutex_init(&cache->lock, NULL);
	cache->ttl_ms = ttl_ms;
}

static bool
fresh(const response_cache *cache, const cached_response *e, int64_t now)
{
	return e->body != NULL && e->generation == cache->generation && now - e->stored_ms < cache->ttl_ms;
}

char *
response_cache_get(response_cache *cache, const char *role, const char *path, unsigned int *status)
{
	char	   *copy = NULL;
	int64_t		now = now_ms();

	if (cache->ttl_ms <= 0)
		return NULL;
	pthread_mutex_lock(&cache->lock);
	for (int i = 0; i < RESPONSE_CACHE_ENTRIES; i++)
	{
		cached_response *e = &cache->entries[i];

		if (fresh(cache, e, now) && strcmp(e->role, role) == 0 && strcmp(e->path, path) == 0)
		{
			copy = strdup(e->body);
			*status = e->status;
			break;
		}
	}
	pthread_mutex_unlock(&cache->lock);
	return copy;
}

void
response_cache_put(response_cache *cache, const char *role, const char *path, const char *body, unsigned int status)
{
	int64_t		now = now_ms();
	cached_response *slot = NULL;
	char	   *copy;

	if (cache->ttl_ms <= 0 || strlen(role) >= sizeof(slot->role) || strlen(path) >= sizeof(slot->path))
		return;
	copy = strdup(body);
	if (copy == NULL)
		return;
	pthread_mutex_lock(&cache->lock);
	/* the same key, else a stale slot, else the oldest */
	for (int i = 0; i < RESPONSE_CACHE_ENTRIES; i++)
	{
		cached_response *e = &cache->entries[i];

		if (e->body != NULL && strcmp(e->role, role) == 0 && strcmp(e->path, path) == 0)
		{
			slot = e;
			break;
		}
		if (slot == NULL || (fresh(cache, slot, now) && (!fresh(cache, e, now) || e->stored_ms < slot->stored_ms)))
			slot = e;
	}
	free(slot->body);
	snprintf(slot->role, sizeof(slot->role), "%s", role);
	snprintf(slot->path, sizeof(slot->path), "%s", path);
	slot->body = copy;
	slot->status = status;
	slot->stored_ms = now;
	slot->generation = cache->generation;
	pthread_mutex_unlock(&cache->lock);
}

void
response_cache_clear(response_cache *cache)
{
	pthread_mutex_lock(&cache->lock);
	cache->generation++;
	pthread_mutex_unlock(&cache->lock);
}

void
response_cache_free(response_cache *cache)
{
	for (int i = 0; i < RESPONSE_CACHE_ENTRIES; i++)
	{
		free(cache->entries[i].body);
		cache->entries[i].body = NULL;
	}
}
