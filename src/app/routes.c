/*
 * routes.c: what each URL answers (routes.h).
 *
 * Every figure comes from one of the extension's SQL functions, called on
 * a connection of the person (or machine) asking, so the database's grants
 * decide.  Query-string parameters are checked by name (unknown or
 * repeated ones are refused) and passed as text parameters of a fixed
 * statement: PostgreSQL casts and validates them, and its error becomes a
 * 400 naming the parameter.
 */
#include "app/routes.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <json-c/json.h>

#include "app/app_log.h"
#include "app/db.h"
#include "app/metrics_text.h"
#include "app/text_buffer.h"

#define MAX_ARGS 4
#define ARG_TEXT_MAX 64
#define METRICS_TEXT_MAX (16 * 1024 * 1024)
#define COOKIE_NAME "bifrost_session"

typedef enum auth_need
{
	AUTH_NONE,					/* the page's files */
	AUTH_READ,					/* a session or Basic credentials of a reader */
	AUTH_READ_OR_MONITOR,		/* the same, or the monitor role when none are given */
	AUTH_CONTROL				/* a session of an operator, with its CSRF token */
} auth_need;

/* A query-string parameter: its name in the URL, the SQL argument it fills and its cast. */
typedef struct arg_spec
{
	const char *name;
	const char *sql_name;
	const char *sql_type;
	bool		integer;		/* checked as a whole number before PostgreSQL sees it */
} arg_spec;

typedef struct call_ctx
{
	app_request *req;
	app_identity *who;
	PGconn	   *db;
	bool		lost;			/* the call found the connection no good: close it */
} call_ctx;

struct route;
typedef enum MHD_Result (*route_fn) (call_ctx *ctx, const struct route *route);

typedef struct route
{
	const char *method;
	const char *path;
	auth_need	need;
	route_fn	fn;
	const char *function;		/* the SQL function of a table or document call */
	bool		cached;			/* the answer is kept status_cache_ms per role (response_cache.h) */
	bool		set_returning;	/* its rows are aggregated into a JSON array */
	arg_spec	args[MAX_ARGS];
} route;

/* ---- arguments ---- */

typedef struct arg_scan
{
	const route *route;
	char		bad[ARG_TEXT_MAX + 1];
	const char *why;
	int			seen[MAX_ARGS];
} arg_scan;

static enum MHD_Result
scan_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	arg_scan   *scan = cls;

	if (scan->why != NULL)
		return MHD_NO;
	for (int i = 0; i < MAX_ARGS && scan->route->args[i].name; i++)
		if (strcmp(scan->route->args[i].name, key) == 0)
		{
			if (++scan->seen[i] > 1)
				scan->why = "is given more than once";
			else if (value != NULL && strlen(value) > ARG_TEXT_MAX)
				scan->why = "is longer than 64 characters";
			if (scan->why)
				snprintf(scan->bad, sizeof(scan->bad), "%s", key);
			return scan->why ? MHD_NO : MHD_YES;
		}
	snprintf(scan->bad, sizeof(scan->bad), "%.64s", key);
	scan->why = "is not a parameter of this URL";
	return MHD_NO;
}

/* Well-formed UTF-8 (no overlong forms, no surrogates): the database would refuse anything else. */
static bool
valid_utf8(const unsigned char *s)
{
	while (*s)
	{
		int			n = (*s < 0x80) ? 0 : (*s >= 0xc2 && *s <= 0xdf) ? 1 : (*s >= 0xe0 && *s <= 0xef) ? 2
			: (*s >= 0xf0 && *s <= 0xf4) ? 3 : -1;

		if (n < 0)
			return false;
		if (n >= 2 && ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) ||
					   (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f)))
			return false;
		for (int i = 1; i <= n; i++)
			if ((s[i] & 0xc0) != 0x80)
				return false;
		s += n + 1;
	}
	return true;
}

static bool
whole_number(const char *s)
{
	size_t		n = 0;

	if (*s == '-' || *s == '+')
		s++;
	for (; isdigit((unsigned char) *s); s++)
		n++;
	return *s == '\0' && n >= 1 && n <= 9;
}

/*
 * Checks the query string against the route's parameters and builds the
 * call: "name => $1::type, ..." for those given, their values in values[].
 * On a bad parameter answers 400 itself and returns false.
 */
static bool
build_args(call_ctx *ctx, const route *route, text_buffer *call, const char **values, int *nvalues,
		   enum MHD_Result *answered)
{
	arg_scan	scan;

	memset(&scan, 0, sizeof(scan));
	scan.route = route;
	MHD_get_connection_values(ctx->req->conn, MHD_GET_ARGUMENT_KIND, scan_arg, &scan);
	if (scan.why != NULL)
	{
		char		message[200];

		snprintf(message, sizeof(message), "parameter \"%s\" %s", scan.bad, scan.why);
		*answered = respond_error(ctx->req, MHD_HTTP_BAD_REQUEST, message, scan.bad, NULL);
		return false;
	}
	*nvalues = 0;
	for (int i = 0; i < MAX_ARGS && route->args[i].name; i++)
	{
		const arg_spec *a = &route->args[i];
		const char *v = request_arg(ctx->req, a->name);

		if (v == NULL)
			continue;
		if (!valid_utf8((const unsigned char *) v))
		{
			char		message[200];

			snprintf(message, sizeof(message), "parameter \"%s\" is not valid UTF-8", a->name);
			*answered = respond_error(ctx->req, MHD_HTTP_BAD_REQUEST, message, a->name, NULL);
			return false;
		}
		if (a->integer && !whole_number(v))
		{
			char		message[200];

			snprintf(message, sizeof(message), "parameter \"%s\" is not a whole number: \"%.64s\"", a->name, v);
			*answered = respond_error(ctx->req, MHD_HTTP_BAD_REQUEST, message, a->name, NULL);
			return false;
		}
		values[*nvalues] = v;
		tb_printf(call, "%s%s => $%d::%s", *nvalues ? ", " : "", a->sql_name, *nvalues + 1, a->sql_type);
		(*nvalues)++;
	}
	return true;
}

/* The route's parameter a failed SQL call was about: named in the message, or its value quoted there. */
static const char *
blamed_arg(const route *route, call_ctx *ctx, const db_result *r)
{
	for (int i = 0; i < MAX_ARGS && route->args[i].name; i++)
	{
		const char *v = request_arg(ctx->req, route->args[i].name);
		char		quoted[ARG_TEXT_MAX + 3];

		if (v == NULL)
			continue;
		snprintf(quoted, sizeof(quoted), "\"%s\"", v);
		if (strstr(r->message, quoted) != NULL || strstr(r->message, route->args[i].sql_name) != NULL)
			return route->args[i].name;
	}
	return NULL;
}

/*
 * A failed call's answer: the database's words for what the request got
 * wrong (400) or may not do (403); for the rest (503, 500) a plain
 * sentence, the details going to the log only, since they describe the
 * server, not the request.
 */
static enum MHD_Result
respond_db_error(call_ctx *ctx, const route *route, const db_result *r)
{
	int			status = db_http_status(r);
	const char *message = r->message[0] ? r->message : "the database call failed";

	if (r->connection_lost)
		ctx->lost = true;
	if (status == 400 || status == 403)
		return respond_error(ctx->req, (unsigned int) status, message,
							 status == 400 && route ? blamed_arg(route, ctx, r) : NULL, r->hint);
	app_log("%s %s as %s: %s%s%s", ctx->req->method, ctx->req->path, ctx->who ? ctx->who->role : "-",
			r->sqlstate[0] ? r->sqlstate : "", r->sqlstate[0] ? " " : "", message);
	return respond_error(ctx->req, (unsigned int) status,
						 status == 503 ? "the database is not available now: try again"
						 : "the database could not answer this request (the application's log says why)",
						 NULL, NULL);
}

/* ---- the SQL functions that answer a document or a table ---- */

static enum MHD_Result
call_function(call_ctx *ctx, const route *route)
{
	text_buffer args,
				sql;
	const char *values[MAX_ARGS];
	int			nvalues;
	enum MHD_Result answered = MHD_NO;
	db_result	r;

	tb_init(&args, 4096);
	if (!build_args(ctx, route, &args, values, &nvalues, &answered))
	{
		tb_free(&args);
		return answered;
	}
	tb_init(&sql, 8192);
	if (route->set_returning)
		tb_printf(&sql, "SELECT COALESCE(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r)), "
				  "'[]'::pg_catalog.jsonb)::pg_catalog.text FROM public.%s(%s) r",
				  route->function, args.data ? args.data : "");
	else
		tb_printf(&sql, "SELECT public.%s(%s)::pg_catalog.text", route->function, args.data ? args.data : "");
	db_query_value(ctx->db, sql.data, nvalues, values, &r);
	tb_free(&args);
	tb_free(&sql);
	if (!r.ok)
		answered = respond_db_error(ctx, route, &r);
	else
	{
		if (route->cached && nvalues == 0)
			response_cache_put(&ctx->req->server->cache, ctx->who->role, route->path, r.text ? r.text : "null",
							   MHD_HTTP_OK);
		answered = respond_json(ctx->req, MHD_HTTP_OK, r.text ? r.text : "null");
	}
	db_result_free(&r);
	return answered;
}

/* 200 when the hedger is alive (its daemon lamp is not red) and the hedging lamp is not red, else 503. */
static enum MHD_Result
answer_healthz(call_ctx *ctx, const route *route)
{
	db_result	r;
	enum MHD_Result answered;

	db_query_value(ctx->db,
				   "SELECT pg_catalog.jsonb_build_object("
				   "'healthy', (s->>'daemon_lamp') IS DISTINCT FROM 'red' AND (s->>'status_lamp') IS DISTINCT FROM 'red', "
				   "'daemon_lamp', s->'daemon_lamp', 'status_lamp', s->'status_lamp', "
				   "'reasons', (s->'daemon_block_reasons') || (s->'block_reasons'))::pg_catalog.text "
				   "FROM public.bifrost_status() s", 0, NULL, &r);
	if (!r.ok || r.text == NULL)
		answered = respond_db_error(ctx, NULL, &r);
	else
	{
		unsigned int status = strstr(r.text, "\"healthy\": true") ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE;

		response_cache_put(&ctx->req->server->cache, ctx->who->role, route->path, r.text, status);
		answered = respond_json(ctx->req, status, r.text);
	}
	db_result_free(&r);
	return answered;
}

static enum MHD_Result
answer_metrics(call_ctx *ctx, const route *route)
{
	static const char *const headers[] = {"Cache-Control", "no-store", NULL};
	PGresult   *res;
	text_buffer out;
	const char *previous = NULL;
	enum MHD_Result answered;
	int			skipped = 0;

	res = PQexec(ctx->db, "SELECT family, type, help, sample, labels::pg_catalog.text, value::pg_catalog.text "
				 "FROM public.bifrost_metrics()");
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK)
	{
		db_result	r;

		memset(&r, 0, sizeof(r));
		snprintf(r.sqlstate, sizeof(r.sqlstate), "%s",
				 res ? (PQresultErrorField(res, PG_DIAG_SQLSTATE) ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : "") : "");
		snprintf(r.message, sizeof(r.message), "%s",
				 res && PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY)
				 : PQerrorMessage(ctx->db));
		r.message[strcspn(r.message, "\n")] = '\0';
		r.connection_lost = PQstatus(ctx->db) != CONNECTION_OK || r.sqlstate[0] == '\0' ||
			strncmp(r.sqlstate, "08", 2) == 0 || strncmp(r.sqlstate, "57P", 3) == 0;
		PQclear(res);
		return respond_db_error(ctx, NULL, &r);
	}
	tb_init(&out, METRICS_TEXT_MAX);
	for (int i = 0; i < PQntuples(res); i++)
	{
		metric_row	row;

		row.family = PQgetvalue(res, i, 0);
		row.type = PQgetvalue(res, i, 1);
		row.help = PQgetvalue(res, i, 2);
		row.sample = PQgetvalue(res, i, 3);
		row.labels_json = PQgetisnull(res, i, 4) ? NULL : PQgetvalue(res, i, 4);
		row.value = PQgetisnull(res, i, 5) ? NULL : PQgetvalue(res, i, 5);
		if (row.value == NULL)
			continue;
		if (metrics_text_row(&out, &row, previous))
			previous = row.family;
		else
			skipped++;
	}
	if (skipped > 0)
		app_log("/metrics left out %d row(s) of bifrost_metrics() that are no valid sample",
				skipped);
	if (out.failed)
		answered = respond_error(ctx->req, MHD_HTTP_INTERNAL_SERVER_ERROR, "the metrics are too large", NULL, NULL);
	else
		answered = respond(ctx->req, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8",
						   out.data ? out.data : "", out.len, headers);
	tb_free(&out);
	PQclear(res);
	return answered;
}

static enum MHD_Result
answer_session(call_ctx *ctx, const route *route)
{
	json_object *o;
	enum MHD_Result answered;
	char		message[DB_MESSAGE_MAX];

	/* the rights as the database says now: a REVOKE shows at once */
	if (!identity_read_rights(ctx->db, ctx->who, message, sizeof(message)))
	{
		db_result	r;

		memset(&r, 0, sizeof(r));
		snprintf(r.message, sizeof(r.message), "%s", message);
		r.connection_lost = PQstatus(ctx->db) != CONNECTION_OK;
		return respond_db_error(ctx, NULL, &r);
	}
	if (!ctx->who->can_read)
	{
		/* as identify() would at the next request: the session ends, a new login reads the rights again */
		if (ctx->who->is_session)
			sessions_end(&ctx->req->server->sessions, ctx->who);
		return respond_error(ctx->req, MHD_HTTP_FORBIDDEN, "this role is neither bifrost_reader nor bifrost_operator",
							 NULL, "GRANT bifrost_reader TO the role, then log in again");
	}
	o = json_object_new_object();
	json_object_object_add(o, "role", json_object_new_string(ctx->who->role));
	json_object_object_add(o, "can_read", json_object_new_boolean(ctx->who->can_read));
	json_object_object_add(o, "can_control", json_object_new_boolean(ctx->who->can_control));
	if (ctx->who->is_session)
		json_object_object_add(o, "csrf", json_object_new_string(ctx->who->csrf));
	answered = respond_json(ctx->req, MHD_HTTP_OK, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return answered;
}

static const char *const control_actions[] = {
	"stop", "suspend", "resume", "flatten", "retry_broker", "resume_trading", NULL
};

static enum MHD_Result
answer_control(call_ctx *ctx, const route *route)
{
	const char *action = ctx->req->path + strlen("/control/");
	char		sql[128];
	db_result	r;
	enum MHD_Result answered;
	int			i;

	for (i = 0; control_actions[i] != NULL; i++)
		if (strcmp(control_actions[i], action) == 0)
			break;
	if (control_actions[i] == NULL)
		return respond_error(ctx->req, MHD_HTTP_NOT_FOUND, "no such control", NULL,
							 "stop, suspend, resume, flatten, retry_broker or resume_trading");
	snprintf(sql, sizeof(sql), "SELECT public.bifrost_%s()::pg_catalog.text", control_actions[i]);
	db_clear_notice();
	db_query_value(ctx->db, sql, 0, NULL, &r);
	/* the next read shows what the control did */
	response_cache_clear(&ctx->req->server->cache);
	if (!r.ok)
		answered = respond_db_error(ctx, NULL, &r);
	else
	{
		json_object *o = json_object_new_object();

		app_log("%s asked %s: %s", ctx->who->role, control_actions[i],
				r.text ? r.text : "null");
		json_object_object_add(o, "action", json_object_new_string(control_actions[i]));
		/* a boolean cast to text reads "true" or "false" (boolout's "t" is only the output format) */
		json_object_object_add(o, "result", r.text == NULL ? NULL : json_object_new_boolean(strcmp(r.text, "true") == 0));
		/* what the function said besides its result: a command recorded but not delivered */
		if (db_last_notice()[0] != '\0')
			json_object_object_add(o, "notice", json_object_new_string(db_last_notice()));
		answered = respond_json(ctx->req, MHD_HTTP_OK, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
	}
	db_result_free(&r);
	return answered;
}

/* ---- the table ---- */

static const route routes[] = {
	{"GET", "/status", AUTH_READ, call_function, "bifrost_status", true, false, {{0}}},
	{"GET", "/operations", AUTH_READ, call_function, "bifrost_operations", false, true,
		{{"since", "since", "pg_catalog.timestamptz", false},
		 {"until", "until", "pg_catalog.timestamptz", false},
		 {"type", "op_type", "pg_catalog.text", false},
		 {"limit", "lim", "pg_catalog.int4", true}}},
	{"GET", "/history", AUTH_READ, call_function, "bifrost_history_stats", false, false,
		{{"days", "days", "pg_catalog.int4", true},
		 {"tz", "tz", "pg_catalog.text", false}}},
	{"GET", "/self-check", AUTH_READ, call_function, "bifrost_self_check", false, true, {{0}}},
	{"GET", "/status-series", AUTH_READ, call_function, "bifrost_status_series", false, true,
		{{"since", "since", "pg_catalog.timestamptz", false},
		 {"until", "until", "pg_catalog.timestamptz", false},
		 {"points", "max_points", "pg_catalog.int4", true}}},
	{"GET", "/backtests", AUTH_READ, call_function, "bifrost_backtest_runs", false, true,
		{{"limit", "lim", "pg_catalog.int4", true}}},
	{"GET", "/backtest-equity", AUTH_READ, call_function, "bifrost_backtest_equity", false, true,
		{{"run", "run_id", "pg_catalog.int8", true},
		 {"points", "max_points", "pg_catalog.int4", true}}},
	{"GET", "/healthz", AUTH_READ_OR_MONITOR, answer_healthz, NULL, true, false, {{0}}},
	{"GET", "/metrics", AUTH_READ_OR_MONITOR, answer_metrics, NULL, false, false, {{0}}},
	{"GET", "/session", AUTH_READ, answer_session, NULL, false, false, {{0}}},
	{"POST", "/control/", AUTH_CONTROL, answer_control, NULL, false, false, {{0}}},
};

/* ---- who is asking ---- */

/* The client's network as the login limit counts it ("?" when the library cannot say). */
static void
client_address(app_request *req, char *out, size_t size)
{
	const union MHD_ConnectionInfo *info = MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

	conn_limit_network_of(info ? info->client_addr : NULL, out, size);
}

/* 429 when the client's address has failed too many logins lately, else 0 (MHD_NO is never 0 here). */
static bool
too_many_failures(app_request *req, enum MHD_Result *answered)
{
	char		address[64];
	int			wait;

	client_address(req, address, sizeof(address));
	wait = login_limit_wait(&req->server->logins, address, time(NULL));
	if (wait <= 0)
		return false;
	{
		char		retry[16];
		char		body[200];
		const char *headers[] = {"Retry-After", retry, "Cache-Control", "no-store", NULL};

		snprintf(retry, sizeof(retry), "%d", wait);
		snprintf(body, sizeof(body), "{\"error\": \"too many failed logins from this address: try again in %d s\"}", wait);
		*answered = respond(req, 429, "application/json; charset=utf-8", body, strlen(body), headers);
	}
	return true;
}

static void
count_failure(app_request *req)
{
	char		address[64];

	client_address(req, address, sizeof(address));
	login_limit_failed(&req->server->logins, address, time(NULL));
}

typedef struct asker
{
	app_identity *who;
	char	   *password;		/* of Basic credentials, until the request is done */
} asker;

static void
asker_done(app_server *server, asker *a)
{
	identity_release(&server->sessions, a->who);
	if (a->password != NULL)
	{
		explicit_bzero(a->password, strlen(a->password));
		MHD_free(a->password);
	}
	a->who = NULL;
	a->password = NULL;
}

static enum MHD_Result
unauthorized(app_request *req, const char *message)
{
	static const char *const prompt[] = {"WWW-Authenticate", "Basic realm=\"bifrost\", charset=\"UTF-8\"",
	"Cache-Control", "no-store", NULL};
	static const char *const quiet[] = {"Cache-Control", "no-store", NULL};
	char		body[300];
	json_object *o = json_object_new_string(message);

	snprintf(body, sizeof(body), "{\"error\": %s}", json_object_to_json_string(o));
	json_object_put(o);
	/* the page asks for the login itself: no browser prompt for its own requests */
	return respond(req, MHD_HTTP_UNAUTHORIZED, "application/json; charset=utf-8", body, strlen(body),
				   req->from_page ? quiet : prompt);
}

static enum MHD_Result
identify(app_request *req, auth_need need, asker *a, bool *ok)
{
	app_server *server = req->server;
	const char *cookie = MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, COOKIE_NAME);
	db_connect_outcome outcome;
	char		message[DB_MESSAGE_MAX];
	char	   *user = NULL;

	*ok = false;
	memset(a, 0, sizeof(*a));
	if (cookie != NULL && (a->who = sessions_find(&server->sessions, cookie)) != NULL)
		;
	else if (need == AUTH_CONTROL)
		return unauthorized(req, "log in first: controls need a session (POST /login)");
	else if ((user = MHD_basic_auth_get_username_password(req->conn, &a->password)) != NULL)
	{
		enum MHD_Result limited;

		if (a->password == NULL || user[0] == '\0' || a->password[0] == '\0' || strlen(user) > ROLE_NAME_MAX)
		{
			/* no role PostgreSQL can have, or no password to prove it: a failure like a wrong one */
			if (!too_many_failures(req, &limited))
			{
				count_failure(req);
				limited = unauthorized(req, "the role or password is wrong");
			}
			MHD_free(user);
			asker_done(server, a);
			return limited;
		}
		/* credentials proved lately are no guess: an address's failures do not shut them out */
		if (!credentials_known(&server->sessions, user, a->password) && too_many_failures(req, &limited))
		{
			MHD_free(user);
			asker_done(server, a);
			return limited;
		}
		a->who = credentials_find(&server->sessions, user, a->password, &outcome, message, sizeof(message));
		if (a->who == NULL)
		{
			app_log("Basic credentials of role \"%.100s\" refused: %s", user, message);
			if (outcome == DB_BAD_CREDENTIALS)
				count_failure(req);
			MHD_free(user);
			asker_done(server, a);
			return outcome == DB_BAD_CREDENTIALS ? unauthorized(req, "the role or password is wrong")
				: respond_error(req, MHD_HTTP_SERVICE_UNAVAILABLE, outcome == DB_LIMITED ? message
								: "the database is not available now: try again", NULL, NULL);
		}
		MHD_free(user);
	}
	else if (need == AUTH_READ_OR_MONITOR && server->cfg.monitor_role[0] != '\0')
	{
		a->who = credentials_monitor(&server->sessions, &outcome, message, sizeof(message));
		if (a->who == NULL)
		{
			app_log("the monitor role \"%s\" could not connect: %s",
					server->cfg.monitor_role, message);
			return respond_error(req, MHD_HTTP_SERVICE_UNAVAILABLE, "the monitor role could not connect", NULL,
								 NULL);
		}
	}
	else
		return unauthorized(req, cookie != NULL ? "the session has ended: log in again"
							: "log in, or send HTTP Basic credentials of a PostgreSQL role");

	if (!a->who->can_read)
	{
		/* a session that lost its rights ends: after a GRANT, a new login reads them again */
		if (a->who->is_session)
			sessions_end(&server->sessions, a->who);
		asker_done(server, a);
		return respond_error(req, MHD_HTTP_FORBIDDEN, "this role is neither bifrost_reader nor bifrost_operator",
							 NULL, "GRANT bifrost_reader TO the role, or bifrost_operator to control");
	}
	if (need == AUTH_CONTROL)
	{
		const char *token = request_header(req, "X-CSRF-Token");

		if (token == NULL || !secret_equal(token, a->who->csrf))
		{
			asker_done(server, a);
			return respond_error(req, MHD_HTTP_FORBIDDEN, "the CSRF token is missing or wrong", NULL,
								 "send the session's token (GET /session) in the X-CSRF-Token header");
		}
		if (!a->who->can_control)
		{
			asker_done(server, a);
			return respond_error(req, MHD_HTTP_FORBIDDEN, "this role is not bifrost_operator", NULL, NULL);
		}
	}
	*ok = true;
	return MHD_YES;
}

/* ---- login and logout ---- */

static bool
same_origin(app_request *req)
{
	const char *origin = request_header(req, "Origin");
	const char *host = request_header(req, "Host");
	const char *after;

	/* a browser sends Origin with every cross-site POST; a tool without it is no browser */
	if (origin == NULL)
		return true;
	if (host == NULL)
		return false;
	after = strstr(origin, "://");
	return after != NULL && strcmp(after + 3, host) == 0;
}

static bool
json_body(app_request *req)
{
	const char *type = request_header(req, "Content-Type");

	size_t		n = strlen("application/json");

	/* application/json, with parameters (charset) or none; not application/jsonx */
	return type != NULL && strncasecmp(type, "application/json", n) == 0 &&
		(type[n] == '\0' || type[n] == ';' || type[n] == ' ');
}

static enum MHD_Result
answer_login(app_request *req)
{
	app_server *server = req->server;
	json_object *body,
			   *role_o,
			   *password_o;
	const char *role,
			   *password;
	app_identity *who;
	db_connect_outcome outcome;
	char		message[DB_MESSAGE_MAX];
	char		cookie[256];
	enum MHD_Result answered;

	if (too_many_failures(req, &answered))
		return answered;
	if (!json_body(req) || !same_origin(req))
		return respond_error(req, MHD_HTTP_BAD_REQUEST, "a login is a same-origin JSON POST", NULL,
							 "Content-Type: application/json, body {\"role\": ..., \"password\": ...}");
	body = json_tokener_parse(req->body);
	if (body == NULL || !json_object_is_type(body, json_type_object) ||
		!json_object_object_get_ex(body, "role", &role_o) || !json_object_is_type(role_o, json_type_string) ||
		!json_object_object_get_ex(body, "password", &password_o) ||
		!json_object_is_type(password_o, json_type_string))
	{
		json_object_put(body);
		return respond_error(req, MHD_HTTP_BAD_REQUEST, "the body needs \"role\" and \"password\", both strings",
							 NULL, NULL);
	}
	role = json_object_get_string(role_o);
	password = json_object_get_string(password_o);
	if (role[0] == '\0' || strlen(role) > ROLE_NAME_MAX || strlen(password) > 1024)
	{
		bool		role_bad = role[0] == '\0' || strlen(role) > ROLE_NAME_MAX;

		json_object_put(body);
		return respond_error(req, MHD_HTTP_BAD_REQUEST, role_bad ? "the role must be 1 to 63 bytes"
							 : "the password must be at most 1024 bytes", role_bad ? "role" : "password", NULL);
	}
	who = sessions_login(&server->sessions, role, password, &outcome, message, sizeof(message));
	explicit_bzero(req->body, req->body_len);
	if (who == NULL)
	{
		app_log("login of role \"%.63s\" refused: %s", role, message);
		if (outcome == DB_BAD_CREDENTIALS)
			count_failure(req);
		json_object_put(body);
		return outcome == DB_BAD_CREDENTIALS
			? respond_error(req, MHD_HTTP_UNAUTHORIZED, "the role or password is wrong", NULL, NULL)
			: respond_error(req, MHD_HTTP_SERVICE_UNAVAILABLE, outcome == DB_LIMITED ? message
							: "the database is not available now: try again", NULL, NULL);
	}
	json_object_put(body);
	if (!who->can_read)
	{
		app_log("login of role \"%s\" refused: neither bifrost_reader nor bifrost_operator",
				who->role);
		sessions_end(&server->sessions, who);
		identity_release(&server->sessions, who);
		return respond_error(req, MHD_HTTP_FORBIDDEN, "this role is neither bifrost_reader nor bifrost_operator",
							 NULL, "GRANT bifrost_reader TO the role, or bifrost_operator to control");
	}
	app_log("role \"%s\" logged in%s", who->role, who->can_control ? " (operator)" : "");
	snprintf(cookie, sizeof(cookie), "%s=%s; Path=/; HttpOnly; SameSite=Strict%s", COOKIE_NAME, who->token,
			 server->tls ? "; Secure" : "");
	{
		json_object *o = json_object_new_object();
		const char *headers[] = {"Set-Cookie", cookie, "Cache-Control", "no-store", NULL};
		const char *text;

		json_object_object_add(o, "role", json_object_new_string(who->role));
		json_object_object_add(o, "can_read", json_object_new_boolean(who->can_read));
		json_object_object_add(o, "can_control", json_object_new_boolean(who->can_control));
		json_object_object_add(o, "csrf", json_object_new_string(who->csrf));
		text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
		answered = respond(req, MHD_HTTP_OK, "application/json; charset=utf-8", text, strlen(text), headers);
		json_object_put(o);
	}
	identity_release(&server->sessions, who);
	return answered;
}

static enum MHD_Result
answer_logout(app_request *req)
{
	app_server *server = req->server;
	const char *cookie = MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, COOKIE_NAME);
	const char *token = request_header(req, "X-CSRF-Token");
	app_identity *who = cookie ? sessions_find(&server->sessions, cookie) : NULL;
	static const char *const headers[] = {"Set-Cookie", COOKIE_NAME "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
	"Cache-Control", "no-store", NULL};

	if (who != NULL)
	{
		if (token == NULL || !secret_equal(token, who->csrf))
		{
			identity_release(&server->sessions, who);
			return respond_error(req, MHD_HTTP_FORBIDDEN, "the CSRF token is missing or wrong", NULL, NULL);
		}
		app_log("role \"%s\" logged out", who->role);
		sessions_end(&server->sessions, who);
		identity_release(&server->sessions, who);
	}
	return respond(req, MHD_HTTP_OK, "application/json; charset=utf-8", "{}", 2, headers);
}

/* ---- dispatch ---- */

static enum MHD_Result
count_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(*(int *) cls)++;
	return MHD_YES;
}

/* Any query-string parameter at all (a cached answer is of the URL without any). */
static bool
has_args(app_request *req)
{
	int			n = 0;

	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, count_arg, &n);
	return n > 0;
}

static bool
path_matches(const route *r, const char *path)
{
	size_t		n = strlen(r->path);

	/* a path ending in '/' is a prefix: /control/<action> */
	if (r->path[n - 1] == '/')
		return strncmp(path, r->path, n) == 0 && path[n] != '\0' && strchr(path + n, '/') == NULL;
	return strcmp(path, r->path) == 0;
}

static enum MHD_Result
answer_page(app_request *req)
{
	const page_file *f = page_find(&req->server->page, req->path);
	static const char *const headers[] = {"Cache-Control", "no-cache", NULL};

	if (f == NULL)
		return respond_error(req, MHD_HTTP_NOT_FOUND, "no such page", NULL, NULL);
	return respond(req, MHD_HTTP_OK, f->content_type, f->data, f->len, headers);
}

enum MHD_Result
routes_dispatch(app_request *req)
{
	const route *found = NULL;
	bool		path_known = false;
	const char *xrw = request_header(req, "X-Requested-With");

	req->from_page = xrw != NULL && strcmp(xrw, "bifrost-page") == 0;
	if (strcmp(req->path, "/login") == 0 || strcmp(req->path, "/logout") == 0)
	{
		if (strcmp(req->method, "POST") != 0)
			return respond_error(req, MHD_HTTP_METHOD_NOT_ALLOWED, "use POST", NULL, NULL);
		return strcmp(req->path, "/login") == 0 ? answer_login(req) : answer_logout(req);
	}
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (path_matches(&routes[i], req->path))
		{
			path_known = true;
			if (strcmp(routes[i].method, req->method) == 0 ||
				(strcmp(req->method, "HEAD") == 0 && strcmp(routes[i].method, "GET") == 0))
			{
				found = &routes[i];
				break;
			}
		}
	if (found == NULL)
	{
		if (path_known)
			return respond_error(req, MHD_HTTP_METHOD_NOT_ALLOWED, "this method is not allowed here", NULL, NULL);
		if (strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0)
			return answer_page(req);
		return respond_error(req, MHD_HTTP_NOT_FOUND, "no such URL", NULL, NULL);
	}

	{
		asker		a;
		bool		ok;
		enum MHD_Result answered = identify(req, found->need, &a, &ok);
		call_ctx	ctx;
		db_connect_outcome outcome;
		char		message[DB_MESSAGE_MAX];

		if (!ok)
			return answered;
		if (found->cached && !has_args(req))
		{
			unsigned int status;
			char	   *body = response_cache_get(&req->server->cache, a.who->role, found->path, &status);

			if (body != NULL)
			{
				answered = respond_json(req, status, body);
				free(body);
				asker_done(req->server, &a);
				return answered;
			}
		}
		ctx.req = req;
		ctx.who = a.who;
		ctx.db = identity_take(&req->server->sessions, a.who, a.password, &outcome, message, sizeof(message));
		if (ctx.db == NULL)
		{
			/* a session whose one connection is gone has ended; one merely busy has not */
			if (a.who->is_session && pool_open_count(&a.who->pool) == 0)
				sessions_end(&req->server->sessions, a.who);
			app_log("%s %s as %s: %s", req->method, req->path, a.who->role, message);
			asker_done(req->server, &a);
			return outcome == DB_BAD_CREDENTIALS ? unauthorized(req, "the role or password is wrong")
				: respond_error(req, MHD_HTTP_SERVICE_UNAVAILABLE, "the database is busy or not available now: try again",
								NULL, NULL);
		}
		ctx.lost = false;
		answered = found->fn(&ctx, found);
		pool_give(&a.who->pool, ctx.db, ctx.lost);
		if (ctx.lost)
		{
			/*
			 * The server ended it (a restart): its idle siblings are likely gone
			 * too, so they are closed now rather than failing a request each.
			 * A session's only connection was its login: the session ends.
			 */
			pool_close_idle(&a.who->pool);
			if (a.who->is_session)
				sessions_end(&req->server->sessions, a.who);
		}
		asker_done(req->server, &a);
		return answered;
	}
}
