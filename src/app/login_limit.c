/*
 * login_limit.c: failed logins per client address (login_limit.h).
 */
#include "app/login_limit.h"

#include <arpa/inet.h>
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

void
login_limit_network(const char *address, char *network, size_t size)
{
	struct in_addr v4;
	struct in6_addr v6;
	char		text[INET6_ADDRSTRLEN];

	if (inet_pton(AF_INET, address, &v4) == 1)
	{
		uint32_t	a = ntohl(v4.s_addr);
		int			bits = (a >> 24) == 127 ? 8 : 24;

		v4.s_addr = htonl(a & (0xffffffffu << (32 - bits)));
		inet_ntop(AF_INET, &v4, text, sizeof(text));
		snprintf(network, size, "%s/%d", text, bits);
	}
	else if (inet_pton(AF_INET6, address, &v6) == 1)
	{
		memset(&v6.s6_addr[8], 0, 8);
		inet_ntop(AF_INET6, &v6, text, sizeof(text));
		snprintf(network, size, "%s/64", text);
	}
	else
		snprintf(network, size, "%s", address);
}

static int
window_wait(const login_failures *f, int max, time_t now)
{
	if (f != NULL && f->count > 0 && now - f->first < LOGIN_WINDOW_S && f->count >= max)
		return (int) (LOGIN_WINDOW_S - (now - f->first));
	return 0;
}

int
login_limit_wait(login_limit *limit, const char *address, time_t now)
{
	int			wait,
				everywhere;

	pthread_mutex_lock(&limit->lock);
	wait = window_wait(find(limit, address), LOGIN_FAILURES_MAX, now);
	everywhere = window_wait(&limit->everywhere, LOGIN_GLOBAL_FAILURES_MAX, now);
	pthread_mutex_unlock(&limit->lock);
	return wait > everywhere ? wait : everywhere;
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
	if (limit->everywhere.count == 0 || now - limit->everywhere.first >= LOGIN_WINDOW_S)
	{
		limit->everywhere.count = 0;
		limit->everywhere.first = now;
	}
	limit->everywhere.count++;
	pthread_mutex_unlock(&limit->lock);
}
