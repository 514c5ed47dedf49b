/*
 * app_config.c: the status application's settings file (app_config.h).
 */
#include "app/app_config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef BIFROST_STATUS_PAGE_DIR
#define BIFROST_STATUS_PAGE_DIR "/usr/share/postgresql/15/bifrost/status-app"
#endif

#define LINE_MAX_BYTES 4096

void
app_config_defaults(app_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->listen_address, sizeof(cfg->listen_address), "127.0.0.1");
	cfg->port = 8470;
	snprintf(cfg->db_name, sizeof(cfg->db_name), "postgres");
	snprintf(cfg->db_sslmode, sizeof(cfg->db_sslmode), "prefer");
	snprintf(cfg->page_dir, sizeof(cfg->page_dir), "%s", BIFROST_STATUS_PAGE_DIR);
	cfg->threads = 16;
	cfg->max_connections = 10000;
	cfg->max_connections_per_ip = 256;
	cfg->request_timeout_s = 15;
	cfg->statement_timeout_ms = 5000;
	cfg->session_idle_s = 1800;
	cfg->max_sessions = 32;
	cfg->pool_per_role = 4;
	cfg->max_db_connections = 40;
	cfg->credential_recheck_s = 60;
	cfg->status_cache_ms = 250;
}

static bool
parse_int(const char *text, int min, int max, int *out)
{
	char	   *end;
	long		v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || v < min || v > max)
		return false;
	*out = (int) v;
	return true;
}

static bool
copy_text(char *dst, size_t size, const char *value)
{
	size_t		n = strlen(value);

	if (n >= size)
		return false;
	memcpy(dst, value, n + 1);
	return true;
}

typedef enum key_kind
{
	KEY_TEXT,
	KEY_INT
} key_kind;

typedef struct key_spec
{
	const char *name;
	key_kind	kind;
	size_t		offset;
	size_t		size;			/* of a text field */
	int			min,
				max;			/* of an int */
} key_spec;

#define TEXT_KEY(field) {#field, KEY_TEXT, offsetof(app_config, field), sizeof(((app_config *) 0)->field), 0, 0}
#define INT_KEY(field, lo, hi) {#field, KEY_INT, offsetof(app_config, field), 0, lo, hi}

static const key_spec keys[] = {
	TEXT_KEY(listen_address),
	INT_KEY(port, 1, 65535),
	TEXT_KEY(tls_cert_file),
	TEXT_KEY(tls_key_file),
	TEXT_KEY(db_host),
	TEXT_KEY(db_port),
	TEXT_KEY(db_name),
	TEXT_KEY(db_sslmode),
	TEXT_KEY(monitor_role),
	TEXT_KEY(page_dir),
	INT_KEY(threads, 1, 64),
	INT_KEY(max_connections, 1, 100000),
	INT_KEY(max_connections_per_ip, 0, 100000),
	INT_KEY(request_timeout_s, 1, 3600),
	INT_KEY(statement_timeout_ms, 100, 600000),
	INT_KEY(session_idle_s, 60, 7 * 86400),
	INT_KEY(max_sessions, 1, 10000),
	INT_KEY(pool_per_role, 1, 64),
	INT_KEY(max_db_connections, 1, 10000),
	INT_KEY(credential_recheck_s, 1, 86400),
	INT_KEY(status_cache_ms, 0, 10000),
};

bool
app_config_set(app_config *cfg, const char *key, const char *value, char *error, size_t error_size)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
	{
		const key_spec *k = &keys[i];
		char	   *field = (char *) cfg + k->offset;

		if (strcmp(k->name, key) != 0)
			continue;
		if (k->kind == KEY_INT)
		{
			if (!parse_int(value, k->min, k->max, (int *) field))
			{
				snprintf(error, error_size, "%s = \"%.100s\": not a whole number from %d to %d",
						 key, value, k->min, k->max);
				return false;
			}
			return true;
		}
		if (!copy_text(field, k->size, value))
		{
			snprintf(error, error_size, "%s: the value is longer than %zu bytes", key, k->size - 1);
			return false;
		}
		return true;
	}
	snprintf(error, error_size, "unknown setting \"%.100s\"", key);
	return false;
}

static char *
trim(char *s)
{
	char	   *end;

	while (isspace((unsigned char) *s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char) end[-1]))
		*--end = '\0';
	return s;
}

bool
app_config_load(app_config *cfg, const char *path, char *error, size_t error_size)
{
	FILE	   *f;
	char		line[LINE_MAX_BYTES];
	int			lineno = 0;
	bool		ok = true;

	app_config_defaults(cfg);
	f = fopen(path, "r");
	if (f == NULL)
	{
		snprintf(error, error_size, "could not open %s: %s", path, strerror(errno));
		return false;
	}
	while (ok && fgets(line, sizeof(line), f) != NULL)
	{
		char	   *s,
				   *eq,
				   *value;
		char		why[APP_CONFIG_ERROR_MAX];
		size_t		n;

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f))
		{
			snprintf(error, error_size, "%s:%d: the line is longer than %d bytes", path, lineno,
					 LINE_MAX_BYTES - 2);
			ok = false;
			break;
		}
		s = trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		eq = strchr(s, '=');
		if (eq == NULL)
		{
			snprintf(error, error_size, "%s:%d: expected key = value", path, lineno);
			ok = false;
			break;
		}
		*eq = '\0';
		value = trim(eq + 1);
		/* a value may be quoted, to keep its spaces and a '#'; else " #" begins a comment */
		n = strlen(value);
		if (n >= 2 && value[0] == '"' && value[n - 1] == '"')
		{
			value[n - 1] = '\0';
			value++;
		}
		else
		{
			for (char *p = value; *p; p++)
				if (*p == '#' && (p == value || isspace((unsigned char) p[-1])))
				{
					*p = '\0';
					value = trim(value);
					break;
				}
		}
		if (!app_config_set(cfg, trim(s), value, why, sizeof(why)))
		{
			snprintf(error, error_size, "%s:%d: %s", path, lineno, why);
			ok = false;
		}
	}
	if (ok && ferror(f))
	{
		snprintf(error, error_size, "could not read %s", path);
		ok = false;
	}
	fclose(f);
	return ok;
}

bool
app_config_loopback(const char *address)
{
	struct in_addr v4;
	struct in6_addr v6;

	if (inet_pton(AF_INET, address, &v4) == 1)
		return (ntohl(v4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, address, &v6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&v6);
	return false;
}

bool
app_config_check(const app_config *cfg, char *error, size_t error_size)
{
	struct in_addr v4;
	struct in6_addr v6;
	bool		tls = cfg->tls_cert_file[0] != '\0';

	if (inet_pton(AF_INET, cfg->listen_address, &v4) != 1 &&
		inet_pton(AF_INET6, cfg->listen_address, &v6) != 1)
	{
		snprintf(error, error_size, "listen_address = \"%.100s\": not a numeric IPv4 or IPv6 address",
				 cfg->listen_address);
		return false;
	}
	if (tls != (cfg->tls_key_file[0] != '\0'))
	{
		snprintf(error, error_size, "tls_cert_file and tls_key_file go together: give both or neither");
		return false;
	}
	if (!tls && !app_config_loopback(cfg->listen_address))
	{
		snprintf(error, error_size,
				 "listen_address = %s is not a loopback address: it needs tls_cert_file and tls_key_file "
				 "(passwords would cross the network in clear)", cfg->listen_address);
		return false;
	}
	return true;
}
