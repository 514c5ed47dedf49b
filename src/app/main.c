/*
 * main.c: bifrost-status, the status application (README, "The status
 * application").
 *
 *     bifrost-status [-c FILE] [--check]
 *
 * Reads FILE (key = value lines; without -c the defaults), checks it,
 * loads the page's files, listens, and serves until SIGTERM or SIGINT.
 * --check only reads and checks the settings and the page's files.
 */
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/app_config.h"
#include "app/server.h"

static volatile sig_atomic_t stop_requested = 0;

static void
on_signal(int sig)
{
	stop_requested = 1;
}

static int
usage(const char *why)
{
	if (why)
		fprintf(stderr, "bifrost-status: %s\n", why);
	fprintf(stderr, "usage: bifrost-status [-c FILE] [--check]\n");
	return 2;
}

int
main(int argc, char **argv)
{
	static app_server server;
	const char *path = NULL;
	bool		check_only = false;
	char		error[APP_CONFIG_ERROR_MAX + 200];
	struct sigaction sa;

	for (int i = 1; i < argc; i++)
	{
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			path = argv[++i];
		else if (strcmp(argv[i], "--check") == 0)
			check_only = true;
		else
			return usage("unknown argument");
	}
	if (path != NULL)
	{
		if (!app_config_load(&server.cfg, path, error, sizeof(error)))
		{
			fprintf(stderr, "bifrost-status: %s\n", error);
			return 1;
		}
	}
	else
		app_config_defaults(&server.cfg);
	if (!app_config_check(&server.cfg, error, sizeof(error)) ||
		!server_check_tls(&server.cfg, error, sizeof(error)) ||
		!page_load(&server.page, server.cfg.page_dir, error, sizeof(error)))
	{
		fprintf(stderr, "bifrost-status: %s\n", error);
		return 1;
	}
	if (check_only)
	{
		printf("bifrost-status: the settings and the page are good\n");
		page_free(&server.page);
		return 0;
	}
	/*
	 * Every open HTTP connection is a descriptor: the soft limit (often
	 * 1024) would refuse clients long before max_connections.
	 */
	{
		struct rlimit nofile;

		if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max)
		{
			nofile.rlim_cur = nofile.rlim_max;
			setrlimit(RLIMIT_NOFILE, &nofile);
		}
		if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 &&
			nofile.rlim_cur < (rlim_t) server.cfg.max_connections + 64)
			fprintf(stderr, "bifrost-status: warning: %lu open files allowed, fewer than max_connections = %d "
					"needs; raise LimitNOFILE\n", (unsigned long) nofile.rlim_cur, server.cfg.max_connections);
	}
	response_cache_init(&server.cache, server.cfg.status_cache_ms);
	login_limit_init(&server.logins);
	if (!session_store_init(&server.sessions, &server.cfg))
	{
		fprintf(stderr, "bifrost-status: no random bytes for the session store\n");
		return 1;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* a client that hangs up mid-answer must not end the process */
	signal(SIGPIPE, SIG_IGN);

	if (!server_start(&server, error, sizeof(error)))
	{
		fprintf(stderr, "bifrost-status: %s\n", error);
		return 1;
	}
	fprintf(stderr, "bifrost-status: listening on %s%s:%d%s\n", server.tls ? "https://" : "http://",
			server.cfg.listen_address, server.cfg.port, server.tls ? "" : " (no TLS: loopback only)");
	while (!stop_requested)
	{
		sleep(1);
		sessions_expire(&server.sessions, time(NULL));
	}
	fprintf(stderr, "bifrost-status: stopping\n");
	server_stop(&server);
	session_store_close(&server.sessions);
	response_cache_free(&server.cache);
	page_free(&server.page);
	return 0;
}
