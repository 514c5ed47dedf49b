/*
 * request.h: one HTTP request as the handlers see it (server.c makes it,
 * routes.c answers it), and the ways to answer.
 */
#ifndef BIFROST_APP_REQUEST_H
#define BIFROST_APP_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include <microhttpd.h>

#include "app/app_config.h"
#include "app/conn_limit.h"
#include "app/login_limit.h"
#include "app/page.h"
#include "app/response_cache.h"
#include "app/sessions.h"

/* A POST body larger than this is refused (413): a login or a control needs far less. */
#define REQUEST_BODY_MAX 8192

typedef struct app_server
{
	app_config	cfg;
	session_store sessions;
	page_files	page;
	response_cache cache;
	login_limit	logins;
	conn_limit	connections;
	struct MHD_Daemon *daemon;
	bool		tls;
} app_server;

typedef struct app_request
{
	app_server *server;
	struct MHD_Connection *conn;
	const char *method;
	const char *path;
	char		body[REQUEST_BODY_MAX + 1];
	size_t		body_len;
	bool		body_too_large;
	bool		from_page;		/* the page's own fetch (X-Requested-With): no Basic prompt */
} app_request;

/* Answers with body (copied) and its content type; extra headers as name/value pairs, NULL-ended. */
extern enum MHD_Result respond(app_request *req, unsigned int status, const char *content_type,
							   const char *body, size_t len, const char *const *headers);

/* A JSON text as it is. */
extern enum MHD_Result respond_json(app_request *req, unsigned int status, const char *json);

/*
 * {"error": message, "parameter": name, "hint": hint} (each string escaped;
 * parameter and hint left out when NULL or empty).
 */
extern enum MHD_Result respond_error(app_request *req, unsigned int status, const char *message,
									 const char *parameter, const char *hint);

/* A query-string parameter, NULL when absent; "" counts as absent. */
extern const char *request_arg(app_request *req, const char *name);

/* A request header, NULL when absent. */
extern const char *request_header(app_request *req, const char *name);

#endif							/* BIFROST_APP_REQUEST_H */
