/*
 * test_app_config.c: the status application's settings file (src/app/app_config.c):
 * defaults, every kind of bad line and value, the TLS rule for addresses that are not
 * loopback.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app_config.h"
#include "unit.h"

static char path[64];

/* Writes text to a temporary file and loads it; returns load's result, the error in err. */
static int
load(const char *text, app_config *cfg, char *err, size_t size)
{
	FILE	   *f;
	int			ok;

	snprintf(path, sizeof(path), "/tmp/bifrost-app-config-XXXXXX");
	{
		int			fd = mkstemp(path);

		if (fd < 0)
			return -1;
		f = fdopen(fd, "w");
	}
	fputs(text, f);
	fclose(f);
	ok = app_config_load(cfg, path, err, size);
	unlink(path);
	return ok;
}

int
main(void)
{
	app_config	cfg;
	char		err[APP_CONFIG_ERROR_MAX];
	char		longline[6000];

	/* defaults: loopback, no TLS, a good whole */
	app_config_defaults(&cfg);
	CHECK(strcmp(cfg.listen_address, "127.0.0.1") == 0);
	CHECK(cfg.port == 8470);
	CHECK(app_config_check(&cfg, err, sizeof(err)));

	/* a file: comments, blanks, spaces, a quoted value */
	CHECK(load("# a comment\n\n  port = 9001  \ndb_host = \"/var/run/postgresql\"\nthreads=8\n", &cfg, err, sizeof(err)) == 1);
	CHECK(cfg.port == 9001);
	CHECK(strcmp(cfg.db_host, "/var/run/postgresql") == 0);
	CHECK(cfg.threads == 8);

	/* a comment after a value; a quoted value keeps its '#' */
	CHECK(load("threads = 6   # request threads\ndb_name = \"a #b\"\nmonitor_role = mon#itor\n", &cfg, err, sizeof(err)) == 1);
	CHECK(cfg.threads == 6);
	CHECK(strcmp(cfg.db_name, "a #b") == 0);
	CHECK(strcmp(cfg.monitor_role, "mon#itor") == 0);

	/* bad lines and values, each named */
	CHECK(load("colour = blue\n", &cfg, err, sizeof(err)) == 0);
	CHECK(strstr(err, ":1: unknown setting \"colour\"") != NULL);
	CHECK(load("port = 0\n", &cfg, err, sizeof(err)) == 0);
	CHECK(strstr(err, "port = \"0\"") != NULL);
	CHECK(load("port = 65536\n", &cfg, err, sizeof(err)) == 0);
	CHECK(load("port = 80x\n", &cfg, err, sizeof(err)) == 0);
	CHECK(load("port = \n", &cfg, err, sizeof(err)) == 0);
	CHECK(load("port = 99999999999999999999\n", &cfg, err, sizeof(err)) == 0);
	CHECK(load("threads = -1\n", &cfg, err, sizeof(err)) == 0);
	CHECK(load("\n\njust words\n", &cfg, err, sizeof(err)) == 0);
	CHECK(strstr(err, ":3: expected key = value") != NULL);
	memset(longline, 'x', sizeof(longline) - 2);
	longline[sizeof(longline) - 2] = '\n';
	longline[sizeof(longline) - 1] = '\0';
	CHECK(load(longline, &cfg, err, sizeof(err)) == 0);
	CHECK(strstr(err, "longer than") != NULL);
	{
		char		big[700];

		snprintf(big, sizeof(big), "db_host = %0600d\n", 0);
		CHECK(load(big, &cfg, err, sizeof(err)) == 0);
		CHECK(strstr(err, "db_host: the value is longer than") != NULL);
	}
	CHECK(app_config_load(&cfg, "/nonexistent/bifrost.conf", err, sizeof(err)) == 0);
	CHECK(strstr(err, "could not open /nonexistent/bifrost.conf") != NULL);

	/* the TLS rule */
	CHECK(app_config_loopback("127.0.0.1"));
	CHECK(app_config_loopback("127.255.1.2"));
	CHECK(app_config_loopback("::1"));
	CHECK(!app_config_loopback("0.0.0.0"));
	CHECK(!app_config_loopback("::"));
	CHECK(!app_config_loopback("10.1.2.3"));
	CHECK(!app_config_loopback("localhost"));
	CHECK(load("listen_address = 0.0.0.0\n", &cfg, err, sizeof(err)) == 1);
	CHECK(!app_config_check(&cfg, err, sizeof(err)));
	CHECK(strstr(err, "not a loopback address: it needs tls_cert_file and tls_key_file") != NULL);
	CHECK(load("listen_address = 0.0.0.0\ntls_cert_file = /c.pem\n", &cfg, err, sizeof(err)) == 1);
	CHECK(!app_config_check(&cfg, err, sizeof(err)));
	CHECK(strstr(err, "give both or neither") != NULL);
	CHECK(load("listen_address = 0.0.0.0\ntls_cert_file = /c.pem\ntls_key_file = /k.pem\n", &cfg, err, sizeof(err)) == 1);
	CHECK(app_config_check(&cfg, err, sizeof(err)));
	CHECK(load("listen_address = localhost\n", &cfg, err, sizeof(err)) == 1);
	CHECK(!app_config_check(&cfg, err, sizeof(err)));
	CHECK(strstr(err, "not a numeric IPv4 or IPv6 address") != NULL);
	return unit_summary("test_app_config");
}
