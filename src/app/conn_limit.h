/*
 * conn_limit.h: open HTTP connections counted per client network (an IPv4
 * /24, all of loopback's 127/8, an IPv6 /64: login_limit_network), so a
 * host cannot hold every connection by spreading them over its addresses.
 * The server refuses a new connection from a network holding
 * max_connections_per_ip already.
 */
#ifndef BIFROST_APP_CONN_LIMIT_H
#define BIFROST_APP_CONN_LIMIT_H

#include <pthread.h>
#include <stdbool.h>
#include <sys/socket.h>

#define CONN_LIMIT_NETWORKS 4096

typedef struct conn_network
{
	char		network[64];
	int			open;
} conn_network;

typedef struct conn_limit
{
	pthread_mutex_t lock;
	int			per_network;	/* 0: no limit */
	conn_network table[CONN_LIMIT_NETWORKS];
} conn_limit;

extern void conn_limit_init(conn_limit *limit, int per_network);

/* The network of a socket address, as login_limit_network names it. */
extern void conn_limit_network_of(const struct sockaddr *sa, char *network, size_t size);

/* Whether a new connection from network may be accepted. */
extern bool conn_limit_allows(conn_limit *limit, const char *network);

/* A connection of network opened (true) or closed (false). */
extern void conn_limit_count(conn_limit *limit, const char *network, bool opened);

#endif							/* BIFROST_APP_CONN_LIMIT_H */
