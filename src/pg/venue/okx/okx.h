/*
 * venue_okx_http.h: signed, rate-limited requests to OKX v5, the plumbing
 * of the OKX venue (venue_okx.c).
 *
 * A request takes its endpoint's token first (sleeping through
 * params->sleep_ms), then is signed (OK-ACCESS-* headers, reference §2.4)
 * and carries x-simulated-trading: 1 in demo mode and, for an order, the
 * expTime header: now + the transfer timeout, so that OKX refuses it
 * (50036) rather than executes it when it arrives after the client gave
 * up.  HTTP 429 opens the endpoint's back-off.  Nothing raises an ERROR
 * while a transfer runs; messages name the endpoint
 * ("GET /api/v5/market/ticker: HTTP 503").
 */
#ifndef BIFROST_VENUE_OKX_HTTP_H
#define BIFROST_VENUE_OKX_HTTP_H

#include "net/okx_parse.h"
#include "net/rate_limit.h"
#include "pg/venue/venue.h"

#define OKX_PATH_MAX 512
/* GETs after HTTP 429 / 50011: at most this many, within one transfer timeout. */
#define OKX_GET_ATTEMPTS 3

typedef struct okx_keys
{
	char		api_key[sizeof(((venue_secret *) 0)->value)];
	char		secret_key[sizeof(((venue_secret *) 0)->value)];
	char		passphrase[sizeof(((venue_secret *) 0)->value)];
} okx_keys;

/* A request as it goes out: the path with its query is what OKX signs. */
typedef struct okx_call
{
	const char *method;
	const char *endpoint;		/* path without query, for messages */
	char		path[OKX_PATH_MAX];
	const char *body;			/* POST only */
	bool		signed_call;
	bool		expires;		/* send expTime */
	double		left_at;		/* set by okx_perform: wall clock when the request was
								 * handed to the network, NAN if it never left */
} okx_call;

/*
 * Performs call through lim.  False when it never left (why says why);
 * true with resp filled otherwise, whatever the outcome.
 */
extern bool okx_perform(const venue_params *p, const okx_keys *keys, rate_limit *lim,
						okx_call *call, http_response *resp, char *why, size_t whylen);

/*
 * A GET, again after a rate limit (OKX_GET_ATTEMPTS).  True with a body to
 * parse (any status below 500 but 429); false with why.
 */
extern bool okx_get(const venue_params *p, const okx_keys *keys, rate_limit *lim, okx_call *call,
					http_response *resp, char *why, size_t whylen);

/* The envelope's code and message of an answer, "" when unreadable (msg may be NULL). */
extern void okx_answer_code(const http_response *resp, char *code, size_t codelen,
							char *msg, size_t msglen);

/* why = "<method> <endpoint>: <the venue's code and message>", or why the answer is unreadable. */
extern void okx_failure(char *why, size_t whylen, const char *method, const char *endpoint,
						long status, const jsonu_error *err);

#endif							/* BIFROST_VENUE_OKX_HTTP_H */
