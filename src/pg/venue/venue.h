/*
 * venue.h: the broker the hedger trades through and the feed it can quote
 * from (bifrost.broker, bifrost.feed): OKX v5 (venue/okx) or an IBKR Client
 * Portal gateway (venue/ibkr) behind one table of operations; the paper
 * broker is the hedger's own (engine/paper_fill.h).  A new venue copies the
 * layout of these two: <venue>.h, <venue>.c, <venue>_orders.c,
 * <venue>_http.c, and an init function below.
 *
 * Contract of every implementation:
 *   - No call raises an ERROR while a transfer runs or leaves a transaction
 *     open: the hedger calls them outside any transaction (record the
 *     intent and commit, send, record the outcome in a new transaction).
 *     Failures come back as a result code and a message in why that names
 *     the endpoint ("POST /api/v5/trade/order: HTTP 503").
 *   - Every HTTP transfer has params->timeout_ms and stops when
 *     params->should_abort says so (SIGTERM, a command); waits for the rate
 *     limiter or a back-off go through params->sleep_ms, which returns
 *     false when the wait was cut short.
 *   - Quantities are whole venue lots (contracts for an OKX swap, shares
 *     for IBKR and paper); prices are per unit of the underlying, as the
 *     venue quotes them.  units_per_lot() converts: one lot is that much
 *     underlying (an OKX swap's ctVal x lotSz, 1 for shares).
 *   - send() never retries a POST on its own: an answer it cannot read is
 *     BROKER_SEND_UNKNOWN, and the hedger then only queries by client order
 *     id until the venue says what became of the order.  So no intent ever
 *     leaves twice.  It says in left_at when the request that may have
 *     placed the order left: the hedger's grace before "never arrived"
 *     counts from then, not from before the waits that preceded it.
 */
#ifndef BIFROST_VENUE_H
#define BIFROST_VENUE_H

#include "postgres.h"

#include "engine/hedger_types.h"
#include "engine/sizing.h"
#include "net/http.h"

#define VENUE_WHY_MAX 256
#define VENUE_ID_MAX 64
#define VENUE_MAX_SECRETS 16

/* A row of bifrost.secrets whose name starts with the venue's prefix ("okx.", "ibkr."). */
typedef struct venue_secret
{
	char		name[64];
	char		value[512];
} venue_secret;

typedef struct venue_params
{
	const char *symbol;			/* the venue's instrument: BTC-USDT-SWAP, NVDA */
	const char *base_url;		/* bifrost.okx_base_url / bifrost.ibkr_base_url */
	long		timeout_ms;		/* bifrost.http_timeout_ms, per transfer */
	bool		okx_demo;		/* send x-simulated-trading: 1 (OKX demo trading) */
	const venue_secret *secrets;
	int			n_secrets;
	http_abort_fn should_abort;
	void	   *abort_arg;
	bool		(*sleep_ms) (long ms, void *arg);	/* false: cut short, give up */
	void	   *sleep_arg;
} venue_params;

typedef struct venue_quote
{
	double		ts;				/* epoch seconds of the venue's quote, NAN unknown */
	double		bid;
	double		ask;
	double		last;			/* NAN when unknown */
} venue_quote;

typedef struct venue venue;

typedef struct venue_ops
{
	const char *name;			/* "paper", "okx", "ibkr": orders.exchange */

	/*
	 * Checks the session and reads what trading needs (the instrument's lot,
	 * the account).  False with why when the venue cannot trade the symbol;
	 * the hedger then waits for the broker and tries again.
	 */
	bool		(*open) (venue *v, char *why, size_t whylen);

	/* Underlying units per lot (after a successful open). */
	double		(*units_per_lot) (venue *v);

	/* The best bid and ask now (the okx/ibkr feeds).  False with why. */
	bool		(*quote) (venue *v, venue_quote *q, char *why, size_t whylen);

	/* A market order of qty lots, tagged with client_order_id (<= 32 [A-Za-z0-9]). */
	broker_send_result (*send) (venue *v, hedge_side side, int64 qty,
							   const char *client_order_id, broker_order_report *out);

	/* What became of the order with this client order id; never raises. */
	void		(*query) (venue *v, const char *client_order_id, broker_order_report *out);

	/* The signed position in the symbol, in lots.  False with why. */
	bool		(*position) (venue *v, double *lots, char *why, size_t whylen);

	void		(*close) (venue *v);
} venue_ops;

struct venue
{
	const venue_ops *ops;
	venue_params params;		/* strings owned by the hedger, alive while the venue is */
	void	   *state;			/* the implementation's, malloc'd or TopMemoryContext */
};

/* Each implementation fills v->ops and v->state; false with why when params are unusable. */
extern bool venue_okx_init(venue *v, char *why, size_t whylen);
extern bool venue_ibkr_init(venue *v, char *why, size_t whylen);

/* Looks a secret up by its full name ("okx.api_key"); NULL when absent. */
extern const char *venue_secret_get(const venue_params *p, const char *name);

/*
 * Replaces each secret value in text with "***".  Every message of a venue
 * (why, a report's reason) passes through it before it is logged or stored.
 */
extern void venue_scrub_secrets(const venue_params *p, char *text);

/*
 * One transfer through an endpoint's rate limiter: waits for a token (via
 * params->sleep_ms), performs req with params->timeout_ms and the abort
 * predicate, and on HTTP 429 opens the limiter's back-off window.  It never
 * retries: what to do with a 429 or a timeout is the caller's (a GET may
 * go again, an order POST may not).  False when the wait for a token was cut
 * short (resp then says HTTP_ABORTED).  Fill resp; free it with
 * http_response_free.
 */
struct rate_limit;
extern bool venue_http(const venue_params *p, struct rate_limit *limit,
					   http_request *req, http_response *resp);

/*
 * Waits (via params->sleep_ms) until limit has a token and takes it; false
 * when the wait was cut short.
 */
extern bool venue_wait_for_token(const venue_params *p, struct rate_limit *limit);

/*
 * What an answer tells limit: HTTP 429 opens (or doubles) its back-off, any
 * other answer below 500 closes it.  NULL limit, or no answer: nothing.
 */
extern void venue_rate_feedback(struct rate_limit *limit, const http_response *resp);

/* Epoch seconds of the wall clock. */
extern double venue_now(void);

#endif							/* BIFROST_VENUE_H */
