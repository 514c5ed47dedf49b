/*
 * okx.h: what the files of the OKX venue share: its state, its endpoints
 * and limits, the signed, rate-limited requests (okx_http.c) and the
 * orders (okx_orders.c).  okx.c holds the instrument, the quotes, the
 * position and the venue's table of operations.
 *
 * A request takes its endpoint's token first (sleeping through
 * params->sleep_ms), then is signed (OK-ACCESS-* headers, okx_auth.h)
 * and carries x-simulated-trading: 1 in demo mode and, for an order, the
 * expTime header: now + the transfer timeout, so that OKX refuses it
 * (50036) rather than executes it when it arrives after the client gave
 * up.  HTTP 429 opens the endpoint's back-off.  Nothing raises an ERROR
 * while a transfer runs; messages name the endpoint
 * ("GET /api/v5/market/ticker: HTTP 503").
 */
#ifndef BIFROST_VENUE_OKX_H
#define BIFROST_VENUE_OKX_H

#include "net/okx_parse.h"
#include "net/okx_size.h"
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

/* OKX's published request limits per endpoint, per OKX_LIMIT_WINDOW_S. */
#define OKX_LIMIT_WINDOW_S 2.0
#define OKX_LIMIT_INSTRUMENTS 20
#define OKX_LIMIT_TICKER 20
#define OKX_LIMIT_ORDER_POST 60
#define OKX_LIMIT_ORDER_GET 60
#define OKX_LIMIT_POSITIONS 10
#define OKX_LIMIT_BALANCE 10
#define OKX_LIMIT_ACCOUNT_CONFIG 5

#define OKX_MAX_POSITION_ROWS 8
#define OKX_MAX_BALANCE_ROWS 64
#define OKX_BODY_MAX 512

#define OKX_PATH_INSTRUMENTS "/api/v5/public/instruments"
#define OKX_PATH_TICKER "/api/v5/market/ticker"
#define OKX_PATH_ORDER "/api/v5/trade/order"
#define OKX_PATH_POSITIONS "/api/v5/account/positions"
#define OKX_PATH_BALANCE "/api/v5/account/balance"
#define OKX_PATH_ACCOUNT_CONFIG "/api/v5/account/config"

typedef enum okx_inst_kind
{
	OKX_INST_SPOT,
	OKX_INST_SWAP,
	OKX_INST_FUTURES
} okx_inst_kind;

typedef struct okx_state
{
	okx_inst_kind kind;
	const char *inst_type;		/* "SPOT", "SWAP", "FUTURES" */
	char		base_ccy[OKX_CCY_SIZE];
	char		quote_ccy[OKX_CCY_SIZE];	/* of a spot pair; the settle currency of a linear contract */
	okx_keys	keys;
	bool		opened;
	okx_decimal lot_sz;			/* contracts (derivatives) or base currency (spot) per lot */
	double		units_per_lot;
	rate_limit	lim_instruments;
	rate_limit	lim_ticker;
	rate_limit	lim_order_post;
	rate_limit	lim_order_get;
	rate_limit	lim_positions;
	rate_limit	lim_balance;
	rate_limit	lim_account_config;
} okx_state;

#define OKX_STATE(v) ((okx_state *) (v)->state)

/* --- okx_orders.c --- */

extern broker_send_result okx_send(venue *v, hedge_side side, int64 qty,
								  const char *client_order_id, broker_order_report *out);
extern void okx_query(venue *v, const char *client_order_id, broker_order_report *out);

#endif							/* BIFROST_VENUE_OKX_H */
