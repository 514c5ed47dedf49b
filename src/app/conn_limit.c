/*
 * conn_limit.c: open connections per client network (conn_limit.h).
 */
#include "app/conn_limit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "app/login_limit.h"

void
conn_limit_init(conn_limit *limit, int per_network)
{
	memset(limit, 0, sizeof(*limit));
	pthread_mutex_init(&limit->lock, NULL);
	limit->per_network = per_network;
}

void
conn_limit_network_of(const struct sockaddr *sa, char *network, size_t size)
{
	char		address[INET6_ADDRSTRLEN] = "?";

	if (sa != NULL && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *) sa)->sin_addr, address, sizeof(address));
	else if (sa != NULL && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *) sa)->sin6_addr, address, sizeof(address));
	login_limit_network(address, network, size);
}

static conn_network *
find(conn_limit *limit, const char *network)
{
	for (int i = 0; i < CONN_LIMIT_NETWORKS; i++)
		if (limit->table[i].open > 0 && strcmp(limit->table[i].network, network) == 0)
			return &limit->table[i];
	return NULL;
}

bool
conn_limit_allows(conn_limit *limit, const char *network)
{
	conn_network *n;
	bool		ok = true;

	if (limit->per_network <= 0)
		return true;
	pthread_mutex_lock(&limit->lock);
	n = find(limit, network);
	if (n != NULL && n->open >= limit->per_network)
		ok = false;
	else if (n == NULL)
	{
		/* room for one more network? (the table holds those with a connection open) */
		ok = false;
		for (int i = 0; i < CONN_LIMIT_NETWORKS && !ok; i++)
			ok = limit->table[i].open == 0;
	}
	pthread_mutex_unlock(&limit->lock);
	return ok;
}

void
conn_limit_count(conn_limit *limit, const char *network, bool opened)
{
	conn_network *n;

	if (limit->per_network <= 0)
		return;
	pthread_mutex_lock(&limit->lock);
	n = find(limit, network);
	if (opened)
	{
		if (n == NULL)
			for (int i = 0; i < CONN_LIMIT_NETWORKS && n == NULL; i++)
				if (limit->table[i].open == 0)
				{
					n = &limit->table[i];
					snprintf(n->network, sizeof(n->network), "%s", network);
				}
		if (n != NULL)
			n->open++;
	}
	else if (n != NULL)
		n->open--;
	pthread_mutex_unlock(&limit->lock);
}
