/*
 * login_limit.c: failed logins per client address (login_limit.h).
 */
#include "app/login_limit.h"

#include <stdio.h>
#include <string.h>

void
login_limit_init(login_limit *limit)
{
	memset(limit, 0, sizeof(*limit));
	pthread_mutex_init(&limit->lock, NULL);
}

static login_failures *
find(login_limit *limit, const char *address)
{
	for (int i = 0; i < LOGIN_LIMIT_ADDRESSES; i++)
		if (limit->table[i].count > 0 && strcmp(limit->table[i].address, address) == 0)
			return &limit->table[i];
	return NULL;
}

int
login_limit_wait(login_limit *limit, const char *address, time_t now)
{
	login_failures *f;
	int			wait = 0;

	pthread_mutex_lock(&limit->lock);
	f = find(limit, address);
	if (f != NULL && now - f->first < LOGIN_WINDOW_S && f->count >= LOGIN_FAILURES_MAX)
		wait = (int) (LOGIN_WINDOW_S - (now - f->first));
	pthread_mutex_unlock(&limit->lock);
	return wait;
}

void
login_limit_failed(login_limit *limit, const char *address, time_t now)
{
	login_failures *f;

	pthread_mutex_lock(&limit->lock);
	f = find(limit, address);
	if (f == NULL)
	{
		/* a free slot, else one whose window has passed, else the oldest */
		for (int i = 0; i < LOGIN_LIMIT_ADDRESSES; i++)
		{
			login_failures *e = &limit->table[i];

			if (e->count == 0 || now - e->first >= LOGIN_WINDOW_S)
			{
				f = e;
				break;
			}
			if (f == NULL || e->first < f->first)
				f = e;
		}
		snprintf(f->address, sizeof(f->address), "%s", address);
		f->count = 0;
		f->first = now;
	}
	else if (now - f->first >= LOGIN_WINDOW_S)
	{
		f->count = 0;
		f->first = now;
	}
	f->count++;
	pthread_mutex_unlock(&limit->lock);
}
