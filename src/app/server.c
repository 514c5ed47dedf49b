/*
 * server.c: the HTTP server (server.h) and the ways to answer (request.h).
 */
#include "app/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "app/routes.h"

/* Header and request-line memory per connection: more gets 431 or 413 from the library. */
#define CONNECTION_MEMORY_LIMIT (32 * 1024)

static void
add_common_headers(app_request *req, struct MHD_Response *r)
{
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Content-Security-Policy",
							"default-src 'self'; img-src 'self' data:; object-src 'none'; "
							"frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
	if (req->server->tls)
		MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
}

enum MHD_Result
respond(app_request *req, unsigned int status, const char *content_type, const char *body, size_t len,
		const char *const *headers)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, (void *) body, MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", content_type);
	add_common_headers(req, r);
	for (int i = 0; headers != NULL && headers[i] != NULL && headers[i + 1] != NULL; i += 2)
		MHD_add_response_header(r, headers[i], headers[i + 1]);
	ret = MHD_queue_response(req->conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

enum MHD_Result
respond_json(app_request *req, unsigned int status, const char *json)
{
	static const char *const headers[] = {"Cache-Control", "no-store", NULL};

	return respond(req, status, "application/json; charset=utf-8", json, strlen(json), headers);
}

enum MHD_Result
respond_error(app_request *req, unsigned int status, const char *message, const char *parameter,
			  const char *hint)
{
	json_object *o = json_object_new_object();
	enum MHD_Result ret;

	if (o == NULL)
		return MHD_NO;
	json_object_object_add(o, "error", json_object_new_string(message));
	if (parameter != NULL && parameter[0] != '\0')
		json_object_object_add(o, "parameter", json_object_new_string(parameter));
	if (hint != NULL && hint[0] != '\0')
		json_object_object_add(o, "hint", json_object_new_string(hint));
	ret = respond_json(req, status, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return ret;
}

const char *
request_arg(app_request *req, const char *name)
{
	const char *v = MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);

	return (v != NULL && v[0] != '\0') ? v : NULL;
}

const char *
request_header(app_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
		   const char *version, const char *upload_data, size_t *upload_data_size, void **state)
{
	app_server *server = cls;
	app_request *req = *state;

	if (req == NULL)
	{
		/* first call: the headers are in; the body, if any, comes next */
		req = calloc(1, sizeof(app_request));
		if (req == NULL)
			return MHD_NO;
		req->server = server;
		req->conn = conn;
		req->method = method;
		req->path = url;
		*state = req;
		return MHD_YES;
	}
	if (*upload_data_size > 0)
	{
		if (req->body_len + *upload_data_size > REQUEST_BODY_MAX)
			req->body_too_large = true;
		else
		{
			memcpy(req->body + req->body_len, upload_data, *upload_data_size);
			req->body_len += *upload_data_size;
			req->body[req->body_len] = '\0';
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (req->body_too_large)
		return respond_error(req, MHD_HTTP_CONTENT_TOO_LARGE, "the request body is too large", NULL,
							 "a login or a control needs less than 8 KB");
	return routes_dispatch(req);
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **state, enum MHD_RequestTerminationCode why)
{
	free(*state);
	*state = NULL;
}

/* A new connection from a network that holds max_connections_per_ip already is refused. */
static enum MHD_Result
on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	app_server *server = cls;
	char		network[64];

	conn_limit_network_of(addr, network, sizeof(network));
	return conn_limit_allows(&server->connections, network) ? MHD_YES : MHD_NO;
}

/* Counts connections per network as they open and close; the network is kept with the socket. */
static void
on_connection(void *cls, struct MHD_Connection *conn, void **socket_context, enum MHD_ConnectionNotificationCode code)
{
	app_server *server = cls;

	if (code == MHD_CONNECTION_NOTIFY_STARTED)
	{
		const union MHD_ConnectionInfo *info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		char	   *network = malloc(64);

		*socket_context = network;
		if (network == NULL)
			return;
		conn_limit_network_of(info ? info->client_addr : NULL, network, 64);
		conn_limit_count(&server->connections, network, true);
	}
	else if (code == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context != NULL)
	{
		conn_limit_count(&server->connections, *socket_context, false);
		free(*socket_context);
		*socket_context = NULL;
	}
}

static bool
read_whole(const char *path, char **out, char *error, size_t error_size)
{
	FILE	   *f = fopen(path, "rb");
	long		n;
	char	   *buf;

	if (f == NULL)
	{
		snprintf(error, error_size, "could not open %s: %s", path, strerror(errno));
		return false;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || n > 1024 * 1024 || fseek(f, 0, SEEK_SET) != 0)
	{
		fclose(f);
		snprintf(error, error_size, "could not read %s (or it is larger than 1 MB)", path);
		return false;
	}
	buf = malloc((size_t) n + 1);
	if (buf == NULL || fread(buf, 1, (size_t) n, f) != (size_t) n)
	{
		free(buf);
		fclose(f);
		snprintf(error, error_size, "could not read %s", path);
		return false;
	}
	buf[n] = '\0';
	fclose(f);
	*out = buf;
	return true;
}

bool
server_check_tls(const app_config *cfg, char *error, size_t error_size)
{
	FILE	   *f;
	X509	   *cert = NULL;
	EVP_PKEY   *key = NULL;
	bool		ok = false;

	if (cfg->tls_cert_file[0] == '\0')
		return true;
	if ((f = fopen(cfg->tls_cert_file, "r")) == NULL)
		snprintf(error, error_size, "could not open tls_cert_file %s: %s", cfg->tls_cert_file, strerror(errno));
	else
	{
		cert = PEM_read_X509(f, NULL, NULL, NULL);
		fclose(f);
		if (cert == NULL)
			snprintf(error, error_size, "tls_cert_file %s holds no PEM certificate", cfg->tls_cert_file);
	}
	if (cert != NULL && (f = fopen(cfg->tls_key_file, "r")) == NULL)
		snprintf(error, error_size, "could not open tls_key_file %s: %s", cfg->tls_key_file, strerror(errno));
	else if (cert != NULL)
	{
		/* no passphrase callback: an encrypted key cannot be read unattended */
		key = PEM_read_PrivateKey(f, NULL, NULL, (void *) "");
		fclose(f);
		if (key == NULL)
			snprintf(error, error_size, "tls_key_file %s holds no unencrypted PEM private key", cfg->tls_key_file);
		else if (X509_check_private_key(cert, key) != 1)
			snprintf(error, error_size, "tls_key_file %s is not the key of tls_cert_file %s",
					 cfg->tls_key_file, cfg->tls_cert_file);
		else
			ok = true;
	}
	EVP_PKEY_free(key);
	X509_free(cert);
	return ok;
}

bool
server_start(app_server *server, char *error, size_t error_size)
{
	const app_config *cfg = &server->cfg;
	struct sockaddr_storage addr;
	/*
	 * No MHD_USE_ERROR_LOG: the library would log every client that hangs
	 * up, a line each, which any client could use to flood the log.
	 */
	unsigned int flags = MHD_USE_EPOLL_INTERNAL_THREAD;
	char	   *cert = NULL,
			   *key = NULL;
	struct MHD_OptionItem ops[16];
	int			n = 0;

	memset(&addr, 0, sizeof(addr));
	if (inet_pton(AF_INET, cfg->listen_address, &((struct sockaddr_in *) &addr)->sin_addr) == 1)
	{
		((struct sockaddr_in *) &addr)->sin_family = AF_INET;
		((struct sockaddr_in *) &addr)->sin_port = htons((uint16_t) cfg->port);
	}
	else if (inet_pton(AF_INET6, cfg->listen_address, &((struct sockaddr_in6 *) &addr)->sin6_addr) == 1)
	{
		((struct sockaddr_in6 *) &addr)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *) &addr)->sin6_port = htons((uint16_t) cfg->port);
		flags |= MHD_USE_IPv6;
	}
	else
	{
		snprintf(error, error_size, "listen_address %s is not a numeric address", cfg->listen_address);
		return false;
	}

	server->tls = cfg->tls_cert_file[0] != '\0';
	if (server->tls)
	{
		if (!server_check_tls(cfg, error, error_size))
			return false;
		if (!MHD_is_feature_supported(MHD_FEATURE_TLS))
		{
			snprintf(error, error_size, "this libmicrohttpd has no TLS");
			return false;
		}
		if (!read_whole(cfg->tls_cert_file, &cert, error, error_size) ||
			!read_whole(cfg->tls_key_file, &key, error, error_size))
		{
			free(cert);
			return false;
		}
		flags |= MHD_USE_TLS;
	}

	ops[n++] = (struct MHD_OptionItem) {MHD_OPTION_SOCK_ADDR, 0, &addr};
	ops[n++] = (struct MHD_OptionItem) {MHD_OPTION_THREAD_POOL_SIZE, cfg->threads, NULL};
	ops[n++] = (struct MHD_OptionItem) {MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections, NULL};
	ops[n++] = (struct MHD_OptionItem) {MHD_OPTION_CONNECTION_TIMEOUT, cfg->request_timeout_s, NULL};
	ops[n++] = (struct MHD_OptionItem) {MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONNECTION_MEMORY_LIMIT, NULL};
	/* per network (conn_limit.h), not per address: a host holds many addresses */
	conn_limit_init(&server->connections, cfg->max_connections_per_ip);
	ops[n++] = (struct MHD_OptionItem) {MHD_OPTION_NOTIFY_CONNECTION, (intptr_t) on_connection, server};
	ops[n++] = (struct MHD_OptionItem) {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t) on_completed, NULL};
	if (server->tls)
	{
		ops[n++] = (struct MHD_OptionItem) {MHD_OPTION_HTTPS_MEM_CERT, 0, cert};
		ops[n++] = (struct MHD_OptionItem) {MHD_OPTION_HTTPS_MEM_KEY, 0, key};
	}
	ops[n++] = (struct MHD_OptionItem) {MHD_OPTION_END, 0, NULL};

	server->daemon = MHD_start_daemon(flags, (uint16_t) cfg->port, on_accept, server, on_request, server,
									  MHD_OPTION_ARRAY, ops, MHD_OPTION_END);
	/* the library copied what it needs; the key is not kept in this process's own memory */
	if (key != NULL)
		explicit_bzero(key, strlen(key));
	free(key);
	free(cert);
	if (server->daemon == NULL)
	{
		snprintf(error, error_size, "could not listen on %s port %d (in use, or not an address of this host)",
				 cfg->listen_address, cfg->port);
		return false;
	}
	return true;
}

void
server_stop(app_server *server)
{
	if (server->daemon != NULL)
		MHD_stop_daemon(server->daemon);
	server->daemon = NULL;
}
