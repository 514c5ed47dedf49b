/*
 * ibkr.h: what the files of the IBKR venue share: its state, its endpoints
 * and limits, the paced requests (ibkr_http.c) and the orders
 * (ibkr_orders.c: the reply/confirm loop of send, and query by client order
 * id).  ibkr.c holds the session (status, tickle, account, contract), the
 * quotes, the positions and the venue's table of operations.
 */
#ifndef BIFROST_VENUE_IBKR_H
#define BIFROST_VENUE_IBKR_H

#include "net/ibkr_parse.h"
#include "net/rate_limit.h"
#include "pg/venue/venue.h"

#define IBKR_PATH_MAX 512
#define IBKR_PATH_LIVE_ORDERS "/iserver/account/orders"

/* Orders this process sent, remembered so that query() can ask by order id. */
#define IBKR_KNOWN_ORDERS 64

/* A wait for a token longer than this is not taken: the call reports "paced" instead. */
#define IBKR_MAX_PACING_WAIT_S 2.0

typedef struct ibkr_known_order
{
	char		client_order_id[IBKR_ID_SIZE];
	char		order_id[IBKR_ID_SIZE];	/* "" until the venue named it */
} ibkr_known_order;

typedef struct ibkr_state
{
	char		account[IBKR_ACCT_SIZE];
	int64		conid;
	bool		opened;
	bool		portfolio_ready;	/* GET /portfolio/accounts answered this session */
	int			live_orders_answers;	/* HTTP 200s of GET /iserver/account/orders */
	double		last_tickle;	/* epoch s of the last good tickle */
	double		last_request_left;	/* epoch s the last request was handed to the
									 * network (after its token waits) */
	/* IBKR paces per session and, more tightly, some endpoints */
	rate_limit	lim_global;
	rate_limit	lim_session;	/* auth status, tickle */
	rate_limit	lim_snapshot;
	rate_limit	lim_order_post;	/* orders and replies */
	rate_limit	lim_order_status;
	rate_limit	lim_live_orders;
	rate_limit	lim_trades;		/* executions: one call per 5 s */
	rate_limit	lim_portfolio_accounts;
	rate_limit	lim_positions;
	rate_limit	lim_lookup;		/* accounts, contract search */
	ibkr_known_order known[IBKR_KNOWN_ORDERS];
	int			next_known;		/* ring: the oldest is overwritten */
} ibkr_state;

#define IBKR_STATE(v) ((ibkr_state *) (v)->state)

typedef enum ibkr_outcome
{
	IBKR_OK,					/* HTTP 200: resp holds the body */
	IBKR_NOT_SENT,				/* paced, stopped while waiting, URL too long: nothing left */
	IBKR_NO_ANSWER,				/* timeout, broken transfer, stopped mid-way: it may have arrived */
	IBKR_HTTP_STATUS			/* another HTTP status: resp holds it and the body */
} ibkr_outcome;

/*
 * One request to base_url + path behind the session's and limit's token
 * buckets (limit may be NULL).  body: JSON for a POST, sent with its
 * Content-Type; NULL for an empty POST or a GET.  why names the endpoint
 * ("GET /iserver/accounts: HTTP 503") whenever the outcome is not IBKR_OK.
 * The caller frees resp with http_response_free whatever the outcome.
 */
extern ibkr_outcome ibkr_request(venue *v, rate_limit *limit, const char *method, const char *path,
								 const char *body, http_response *resp, char *why, size_t whylen);

/* why = "<endpoint>: <parser's message>" (the venue's {"error"} included). */
extern void ibkr_parse_failure(char *why, size_t whylen, const char *method, const char *path,
							   const jsonu_error *err);

/* "GET /iserver/accounts": the method and the path without its query string. */
extern void ibkr_endpoint(char *dst, size_t size, const char *method, const char *path);

/* POST /tickle when the last one is a minute old; a failure waits for the next call. */
extern void ibkr_keep_alive(venue *v);

/* A validated decimal text as a double (NAN when empty). */
extern double ibkr_decimal(const char *text);

extern broker_send_result ibkr_send(venue *v, hedge_side side, int64 qty,
								   const char *client_order_id, broker_order_report *out);
extern void ibkr_query(venue *v, const char *client_order_id, broker_order_report *out);

#endif							/* BIFROST_VENUE_IBKR_H */
