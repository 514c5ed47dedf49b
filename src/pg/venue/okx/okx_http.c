/*
 * okx_http.c: signed, rate-limited requests to OKX v5 (okx.h).
 */
#include "postgres.h"

#include <math.h>

#include "utils/timestamp.h"

#include "pg/venue/okx/okx_auth.h"
#include "pg/venue/okx/okx.h"

/* Headers of one request: the four of a signature, Content-Type, demo, expTime. */
#define OKX_MAX_HEADERS 8
#define OKX_HEADER_MAX 600
#define OKX_URL_MAX 1024

static void
epoch_ms_text(double epoch, char *out, size_t outlen)
{
	snprintf(out, outlen, "%.0f", floor(epoch * 1000.0));
}

/*
 * The token comes first and the request is signed after it: a back-off can
 * last longer than OKX accepts a timestamp (30 s), and expTime counts from
 * the send.
 */
bool
okx_perform(const venue_params *p, const okx_keys *keys, rate_limit *lim, okx_call *call,
			http_response *resp, char *why, size_t whylen)
{
	char		url[OKX_URL_MAX];
	char		hdr[OKX_MAX_HEADERS][OKX_HEADER_MAX];
	const char *headers[OKX_MAX_HEADERS + 1];
	int			nh = 0;
	http_request req;

	memset(resp, 0, sizeof(*resp));
	call->left_at = NAN;
	if (snprintf(url, sizeof(url), "%s%s", p->base_url, call->path) >= (int) sizeof(url))
	{
		snprintf(why, whylen, "%s %s: URL too long", call->method, call->endpoint);
		return false;
	}
	if (!venue_wait_for_token(p, lim))
	{
		snprintf(why, whylen, "%s %s: not sent: stopped while waiting for the rate limit",
				 call->method, call->endpoint);
		return false;
	}
	if (call->signed_call)
	{
		char		ts[OKX_TIMESTAMP_LEN];
		char		sign[OKX_SIGNATURE_LEN];

		okx_timestamp(GetCurrentTimestamp(), ts, sizeof(ts));
		okx_sign(keys->secret_key, ts, call->method, call->path, call->body, sign, sizeof(sign));
		snprintf(hdr[nh++], OKX_HEADER_MAX, "OK-ACCESS-KEY: %s", keys->api_key);
		snprintf(hdr[nh++], OKX_HEADER_MAX, "OK-ACCESS-SIGN: %s", sign);
		snprintf(hdr[nh++], OKX_HEADER_MAX, "OK-ACCESS-TIMESTAMP: %s", ts);
		snprintf(hdr[nh++], OKX_HEADER_MAX, "OK-ACCESS-PASSPHRASE: %s", keys->passphrase);
	}
	if (call->body)
		snprintf(hdr[nh++], OKX_HEADER_MAX, "Content-Type: application/json");
	if (p->okx_demo)
		snprintf(hdr[nh++], OKX_HEADER_MAX, "x-simulated-trading: 1");
	if (call->expires)
	{
		char		ms[32];

		epoch_ms_text(venue_now() + p->timeout_ms / 1000.0, ms, sizeof(ms));
		snprintf(hdr[nh++], OKX_HEADER_MAX, "expTime: %s", ms);
	}
	for (int i = 0; i < nh; i++)
		headers[i] = hdr[i];
	headers[nh] = NULL;

	memset(&req, 0, sizeof(req));
	req.method = call->method;
	req.url = url;
	req.headers = headers;
	req.body = call->body;
	/* the token is taken: venue_http only transfers */
	call->left_at = venue_now();
	(void) venue_http(p, NULL, &req, resp);
	venue_rate_feedback(lim, resp);
	return true;
}

void
okx_answer_code(const http_response *resp, char *code, size_t codelen, char *msg, size_t msglen)
{
	okx_envelope env;
	jsonu_error err;

	code[0] = '\0';
	if (msg)
		msg[0] = '\0';
	if (resp->body == NULL ||
		okx_envelope_open(resp->body, resp->body_len, "okx", &env, &err) != JSONU_OK)
		return;
	strlcpy(code, env.code, codelen);
	if (msg)
		strlcpy(msg, env.msg, msglen);
	okx_envelope_close(&env);
}

bool
okx_get(const venue_params *p, const okx_keys *keys, rate_limit *lim, okx_call *call,
		http_response *resp, char *why, size_t whylen)
{
	double		started = venue_now();

	call->method = "GET";
	call->body = NULL;
	call->expires = false;
	for (int attempt = 1; attempt <= OKX_GET_ATTEMPTS; attempt++)
	{
		char		code[JSONU_CODE_SIZE];

		if (!okx_perform(p, keys, lim, call, resp, why, whylen))
			return false;
		if (resp->outcome != HTTP_DONE)
		{
			snprintf(why, whylen, "GET %s: %s", call->endpoint, resp->error);
			http_response_free(resp);
			return false;
		}
		if (resp->status >= 500)
		{
			snprintf(why, whylen, "GET %s: HTTP %ld", call->endpoint, resp->status);
			http_response_free(resp);
			return false;
		}
		okx_answer_code(resp, code, sizeof(code), NULL, 0);
		if (resp->status != 429 && okx_code_classify(code) != OKX_CODE_RATE_LIMIT)
			return true;
		/* okx_perform opened the back-off for a 429; a 50011 in a 200 needs it too */
		if (resp->status != 429)
			rate_limit_backoff(lim, venue_now());
		http_response_free(resp);
		snprintf(why, whylen, "GET %s: rate limited (%s) %d times", call->endpoint,
				 code[0] ? code : "HTTP 429", attempt);
		/* again only while the whole call stays near one transfer's timeout */
		if (venue_now() - started >= p->timeout_ms / 1000.0)
			break;
	}
	return false;
}

void
okx_failure(char *why, size_t whylen, const char *method, const char *endpoint,
			  long status, const jsonu_error *err)
{
	if (err->status == JSONU_EVENUE)
		snprintf(why, whylen, "%s %s: %s", method, endpoint, err->msg);
	else
		snprintf(why, whylen, "%s %s: HTTP %ld, unreadable answer: %s", method, endpoint,
				 status, err->msg);
}
