/*
 * broker_link.c: connectivity probes of the brokers.
 */
#include "broker_link.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#define PROBE_MAX_DEPTH 16

/* Parses a whole body strictly; NULL when it is not one JSON value. */
static json_object *
parse_strict(const char *body, size_t len)
{
	json_tokener *tok = json_tokener_new_ex(PROBE_MAX_DEPTH);
	json_object *root;

	if (!tok)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	root = json_tokener_parse_ex(tok, body, (int) len);
	if (json_tokener_get_error(tok) != json_tokener_success ||
		json_tokener_get_parse_end(tok) != len)
	{
		json_object_put(root);
		root = NULL;
	}
	json_tokener_free(tok);
	return root;
}

/* OKX answers {"code":"0","data":[{"ts":"..."}],"msg":""} when healthy. */
static broker_link_result
judge_okx(json_object *root, char *why, size_t whylen)
{
	json_object *code;

	if (json_object_object_get_ex(root, "code", &code) &&
		json_object_is_type(code, json_type_string) &&
		strcmp(json_object_get_string(code), "0") == 0)
		return BROKER_LINK_UP;
	snprintf(why, whylen, "okx /api/v5/public/time answered code %s",
			 code ? json_object_get_string(code) : "(missing)");
	return BROKER_LINK_DOWN;
}

/* The gateway is usable only with an authenticated, connected session. */
static broker_link_result
judge_ibkr(json_object *root, char *why, size_t whylen)
{
	json_object *auth,
			   *conn;
	bool		authenticated = json_object_object_get_ex(root, "authenticated", &auth) &&
		json_object_get_boolean(auth);
	bool		connected = json_object_object_get_ex(root, "connected", &conn) &&
		json_object_get_boolean(conn);

	if (authenticated && connected)
		return BROKER_LINK_UP;
	snprintf(why, whylen, "ibkr gateway session is %s",
			 !connected ? "not connected" : "not authenticated (log in to the gateway)");
	return BROKER_LINK_DOWN;
}

broker_link_result
broker_link_probe(broker_link_kind kind, const char *base_url, long timeout_ms,
				  http_abort_fn should_abort, void *abort_arg, char *why, size_t whylen)
{
	const char *path;
	char		url[1024];
	http_request req = {0};
	http_response resp;
	json_object *root;
	broker_link_result result;

	why[0] = '\0';
	if (kind == BROKER_LINK_PAPER)
		return BROKER_LINK_UP;

	path = (kind == BROKER_LINK_OKX) ? "/api/v5/public/time" : "/iserver/auth/status";
	if (snprintf(url, sizeof(url), "%s%s", base_url, path) >= (int) sizeof(url))
	{
		snprintf(why, whylen, "base URL is too long");
		return BROKER_LINK_DOWN;
	}
	req.method = (kind == BROKER_LINK_OKX) ? "GET" : "POST";
	req.url = url;
	req.timeout_ms = timeout_ms;
	req.should_abort = should_abort;
	req.abort_arg = abort_arg;
	http_perform(&req, &resp);

	switch (resp.outcome)
	{
		case HTTP_ABORTED:
			snprintf(why, whylen, "probe of %s interrupted", url);
			return BROKER_LINK_ABORTED;
		case HTTP_TIMEOUT:
			snprintf(why, whylen, "%s timed out after %ld ms", url, timeout_ms);
			return BROKER_LINK_DOWN;
		case HTTP_FAILED:
			snprintf(why, whylen, "%s: %s", url, resp.error);
			return BROKER_LINK_DOWN;
		case HTTP_DONE:
			break;
	}
	if (resp.status != 200)
	{
		snprintf(why, whylen, "%s answered HTTP %ld", url, resp.status);
		http_response_free(&resp);
		return BROKER_LINK_DOWN;
	}
	root = parse_strict(resp.body, resp.body_len);
	http_response_free(&resp);
	if (!root || !json_object_is_type(root, json_type_object))
	{
		snprintf(why, whylen, "%s answered with a body that is not a JSON object", url);
		json_object_put(root);
		return BROKER_LINK_DOWN;
	}
	result = (kind == BROKER_LINK_OKX) ? judge_okx(root, why, whylen) : judge_ibkr(root, why, whylen);
	json_object_put(root);
	return result;
}
