/*
 * ibkr_http.c: requests to an IBKR Client Portal gateway (ibkr.h): the
 * session's and the endpoint's token buckets, then the transfer, and what
 * its outcome was.  A wait for a token longer than IBKR_MAX_PACING_WAIT_S
 * is not slept: the call fails with "paced" and the hedger asks later.
 * HTTP 429 opens the back-off of both buckets.
 */
#include "postgres.h"

#include <math.h>

#include "pg/venue/ibkr/ibkr.h"

#define IBKR_URL_MAX 1024
#define IBKR_BODY_NOTE_MAX 96

void
ibkr_endpoint(char *dst, size_t size, const char *method, const char *path)
{
	size_t		len = strcspn(path, "?");

	snprintf(dst, size, "%s %.*s", method, (int) len, path);
}

double
ibkr_decimal(const char *text)
{
	return text[0] ? strtod(text, NULL) : NAN;
}

/* Takes a token of limit, sleeping for it when the wait is short. */
static bool
take_token(venue *v, rate_limit *limit, const char *endpoint, char *why, size_t whylen)
{
	for (int i = 0; limit != NULL && i < 16; i++)
	{
		double		wait = rate_limit_wait(limit, venue_now());

		if (wait <= 0)
			return true;
		if (wait > IBKR_MAX_PACING_WAIT_S)
		{
			snprintf(why, whylen, "%s: paced, the next request may go in %.1f s", endpoint, wait);
			return false;
		}
		if (v->params.sleep_ms == NULL ||
			!v->params.sleep_ms((long) ceil(wait * 1000.0), v->params.sleep_arg))
		{
			snprintf(why, whylen, "%s: stopped while waiting for the rate limit", endpoint);
			return false;
		}
	}
	if (limit == NULL)
		return true;
	snprintf(why, whylen, "%s: still paced after 16 waits", endpoint);
	return false;
}

/* The start of a body, printable, for a message about an unexpected status. */
static void
body_note(const http_response *resp, char *dst, size_t size)
{
	size_t		n = 0;

	for (size_t i = 0; resp->body && i < resp->body_len && n + 1 < size; i++)
	{
		unsigned char ch = (unsigned char) resp->body[i];

		dst[n++] = (ch >= 0x20 && ch < 0x7f) ? (char) ch : ' ';
	}
	dst[n] = '\0';
}

ibkr_outcome
ibkr_request(venue *v, rate_limit *limit, const char *method, const char *path,
			 const char *body, http_response *resp, char *why, size_t whylen)
{
	ibkr_state *st = IBKR_STATE(v);
	static const char *const json_headers[] = {"Content-Type: application/json", NULL};
	char		endpoint[IBKR_PATH_MAX];
	char		url[IBKR_URL_MAX];
	char		note[IBKR_BODY_NOTE_MAX];
	size_t		base_len = strlen(v->params.base_url);
	http_request req;

	memset(resp, 0, sizeof(*resp));
	ibkr_endpoint(endpoint, sizeof(endpoint), method, path);
	/* "https://host/v1/api/" and "https://host/v1/api" are the same base */
	while (base_len > 0 && v->params.base_url[base_len - 1] == '/')
		base_len--;
	if (snprintf(url, sizeof(url), "%.*s%s", (int) base_len, v->params.base_url, path) >= (int) sizeof(url))
	{
		snprintf(why, whylen, "%s: URL too long", endpoint);
		return IBKR_NOT_SENT;
	}
	if (!take_token(v, limit, endpoint, why, whylen) ||
		!take_token(v, &st->lim_global, endpoint, why, whylen))
		return IBKR_NOT_SENT;

	memset(&req, 0, sizeof(req));
	req.method = method;
	req.url = url;
	req.body = body;
	req.headers = body ? json_headers : NULL;
	/* the tokens are taken: venue_http only performs */
	st->last_request_left = venue_now();
	venue_http(&v->params, NULL, &req, resp);
	switch (resp->outcome)
	{
		case HTTP_ABORTED:
			snprintf(why, whylen, "%s: stopped during the transfer", endpoint);
			return IBKR_NO_ANSWER;
		case HTTP_TIMEOUT:
			snprintf(why, whylen, "%s: no answer within %ld ms", endpoint, v->params.timeout_ms);
			return IBKR_NO_ANSWER;
		case HTTP_FAILED:
			snprintf(why, whylen, "%s: %s", endpoint, resp->error);
			return IBKR_NO_ANSWER;
		case HTTP_DONE:
			break;
	}
	venue_rate_feedback(limit, resp);
	venue_rate_feedback(&st->lim_global, resp);
	if (resp->status == 200)
		return IBKR_OK;
	body_note(resp, note, sizeof(note));
	snprintf(why, whylen, "%s: HTTP %ld%s%s", endpoint, resp->status, note[0] ? ": " : "", note);
	return IBKR_HTTP_STATUS;
}

void
ibkr_parse_failure(char *why, size_t whylen, const char *method, const char *path, const jsonu_error *err)
{
	char		endpoint[IBKR_PATH_MAX];

	ibkr_endpoint(endpoint, sizeof(endpoint), method, path);
	snprintf(why, whylen, "%s: %s%s", endpoint,
			 err->status == JSONU_EVENUE ? "" : "unreadable answer: ", err->msg);
}
