/*
 * test_app_login_limit.c: failed logins per network (src/app/login_limit.c):
 * the networks addresses fall in, the window, the limit per network and in all.
 */
#include <stdio.h>
#include <string.h>

#include "app/login_limit.h"
#include "unit.h"

static int
network_is(const char *address, const char *want)
{
	char		got[64];

	login_limit_network(address, got, sizeof(got));
	if (strcmp(got, want) != 0)
		unit_note("%s -> %s, want %s", address, got, want);
	return strcmp(got, want) == 0;
}

int
main(void)
{
	static login_limit limit;
	time_t		t = 1000000;

	CHECK(network_is("127.0.0.1", "127.0.0.0/8"));
	CHECK(network_is("127.201.3.4", "127.0.0.0/8"));
	CHECK(network_is("192.0.2.77", "192.0.2.0/24"));
	CHECK(network_is("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"));
	CHECK(network_is("::1", "::/64"));
	CHECK(network_is("?", "?"));

	login_limit_init(&limit);
	for (int i = 0; i < LOGIN_FAILURES_MAX - 1; i++)
		login_limit_failed(&limit, "192.0.2.0/24", t);
	CHECK(login_limit_wait(&limit, "192.0.2.0/24", t) == 0);
	login_limit_failed(&limit, "192.0.2.0/24", t);
	CHECK(login_limit_wait(&limit, "192.0.2.0/24", t) == LOGIN_WINDOW_S);
	CHECK(login_limit_wait(&limit, "192.0.2.0/24", t + 20) == LOGIN_WINDOW_S - 20);
	CHECK(login_limit_wait(&limit, "198.51.100.0/24", t) == 0);
	/* the window passes: a new one begins with the next failure */
	CHECK(login_limit_wait(&limit, "192.0.2.0/24", t + LOGIN_WINDOW_S) == 0);
	login_limit_failed(&limit, "192.0.2.0/24", t + LOGIN_WINDOW_S);
	CHECK(login_limit_wait(&limit, "192.0.2.0/24", t + LOGIN_WINDOW_S) == 0);

	/* everywhere together: a hundred failures from many networks close logins for all */
	login_limit_init(&limit);
	for (int i = 0; i < LOGIN_GLOBAL_FAILURES_MAX; i++)
	{
		char		net[32];

		snprintf(net, sizeof(net), "10.0.%d.0/24", i);
		login_limit_failed(&limit, net, t);
	}
	CHECK(login_limit_wait(&limit, "203.0.113.0/24", t + 1) == LOGIN_WINDOW_S - 1);
	CHECK(login_limit_wait(&limit, "203.0.113.0/24", t + LOGIN_WINDOW_S) == 0);

	/* more networks than the table holds: the oldest makes room, nothing overflows */
	login_limit_init(&limit);
	for (int i = 0; i < LOGIN_LIMIT_ADDRESSES + 50; i++)
	{
		char		net[32];

		snprintf(net, sizeof(net), "10.%d.%d.0/24", i / 256, i % 256);
		login_limit_failed(&limit, net, t + i);
	}
	CHECK(login_limit_wait(&limit, "10.0.0.0/24", t + 2000) == 0);
	return unit_summary("test_app_login_limit");
}
