/*
 * login_limit.h: failed logins counted per client address, so passwords
 * cannot be guessed at the database's speed.  After LOGIN_FAILURES_MAX
 * failures within LOGIN_WINDOW_S an address gets 429 until the window has
 * passed; a success does not reset it (an attacker holding one password
 * could otherwise keep guessing others).
 */
#ifndef BIFROST_APP_LOGIN_LIMIT_H
#define BIFROST_APP_LOGIN_LIMIT_H

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#define LOGIN_FAILURES_MAX 10
#define LOGIN_WINDOW_S 60
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
} login_limit;

extern void login_limit_init(login_limit *limit);

/* Seconds until address may try again; 0 when it may now. */
extern int	login_limit_wait(login_limit *limit, const char *address, time_t now);

extern void login_limit_failed(login_limit *limit, const char *address, time_t now);

#endif							/* BIFROST_APP_LOGIN_LIMIT_H */
