/*
 * login_limit.h: failed logins counted per client network, so passwords
 * cannot be guessed at the database's speed.  After LOGIN_FAILURES_MAX
 * failures within LOGIN_WINDOW_S a network (an IPv4 /24, all of loopback's
 * 127/8, an IPv6 /64: one host holds many addresses of its own) gets 429
 * until the window has passed, and after LOGIN_GLOBAL_FAILURES_MAX from
 * everywhere together every login not proved lately does; a success does
 * not reset it (an attacker holding one password could otherwise keep
 * guessing others).
 */
#ifndef BIFROST_APP_LOGIN_LIMIT_H
#define BIFROST_APP_LOGIN_LIMIT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define LOGIN_FAILURES_MAX 10
#define LOGIN_WINDOW_S 60
#define LOGIN_GLOBAL_FAILURES_MAX 100
#define LOGIN_LIMIT_ADDRESSES 1024

typedef struct login_failures
{
	char		address[64];
	int			count;
	time_t		first;			/* the window's start */
} login_failures;

typedef struct login_limit
{
	pthread_mutex_t lock;
	login_failures table[LOGIN_LIMIT_ADDRESSES];
	login_failures everywhere;	/* all networks together */
} login_limit;

extern void login_limit_init(login_limit *limit);

/* The network an address is counted in: "127.0.0.0/8", "192.0.2.0/24", "2001:db8::/64". */
extern void login_limit_network(const char *address, char *network, size_t size);

/* Seconds until network may try again; 0 when it may now. */
extern int	login_limit_wait(login_limit *limit, const char *address, time_t now);

extern void login_limit_failed(login_limit *limit, const char *address, time_t now);

#endif							/* BIFROST_APP_LOGIN_LIMIT_H */
