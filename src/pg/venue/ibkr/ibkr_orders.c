/*
 * ibkr_orders.c: market orders at an IBKR Client Portal gateway by
 * client order id (cOID), and what became of them (venue.h).
 *
 * send() posts the order once and then walks IBKR's reply/confirm loop:
 * an answer that asks a question (a reply id and its messages) is
 * confirmed with POST /iserver/reply/{id}, each id once, for at most
 * IBKR_MAX_REPLY_ROUNDS questions.  What each answer means:
 *   [{"order_id": ...}]                     ACCEPTED (the order id kept for query)
 *   {"error": ...} with HTTP 200, or an HTTP 4xx other than 429
 *                                           REJECTED with the venue's text
 *   nothing sent (paced, stopped while waiting), a question left
 *   unanswered (too many rounds, an unusable reply id)
 *                                           REJECTED: an order nobody
 *                                           confirmed never executes
 *   a timeout, a broken transfer, HTTP 5xx or 429 (the request may have
 *   been processed before the answer failed), an unreadable or truncated
 *   body                                    UNKNOWN: query before anything else
 * The order POST is never sent again, whatever happens.  IBKR has no
 * expiry time on a request, so a confirmation that reaches it late still
 * places the order: the report's left_at is when the last request of the
 * send left, and the hedger waits out its grace from then.
 *
 * query() asks GET /iserver/account/order/status/{orderId} when the order
 * id is known (from send, or from an earlier list), else, or when the
 * gateway has no cached status for it (503), the live orders list GET
 * /iserver/account/orders, whose order_ref is our cOID.  That list is
 * paced to one call per 5 s, and the first answer of a session may be
 * empty: an order missing from the first list is UNKNOWN, only a later
 * list makes it NOT_FOUND (the hedger then still waits out its own grace
 * before it concludes that the order never arrived).  An order IBKR once
 * named by id is never NOT_FOUND.  The list only holds the orders of the
 * current day: before a cOID reads NOT_FOUND, the executions of the last
 * seven days (GET /iserver/account/trades?days=7, order_ref = cOID) are
 * asked, and an order found there is FILLED with what they add up to.
 * The commission of a filled order comes from those executions too; it
 * stays unknown (NAN) while IBKR has not booked it or the call is paced.
 * States: Filled -> FILLED; Cancelled, ApiCancelled -> CANCELED;
 * Inactive -> REJECTED (CANCELED when part filled); every other state is
 * still working -> OPEN.
 */
#include "postgres.h"

#include <math.h>

#include "pg/venue/ibkr/ibkr.h"

#define IBKR_MAX_REPLY_ROUNDS 8
#define IBKR_LIVE_ORDER_ROWS 500
#define IBKR_TRADE_ROWS 1000
#define IBKR_PATH_TRADES "/iserver/account/trades?days=7"
#define IBKR_BODY_MAX 512


/* Text that may go into a URL path as one segment. */
static bool
path_safe(const char *id)
{
	if (id[0] == '\0')
		return false;
	for (const char *c = id; *c; c++)
		if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-'))
			return false;
	return true;
}

static ibkr_known_order *
known_find(ibkr_state *st, const char *client_order_id)
{
	for (int i = 0; i < IBKR_KNOWN_ORDERS; i++)
		if (st->known[i].client_order_id[0] &&
			strcmp(st->known[i].client_order_id, client_order_id) == 0)
			return &st->known[i];
	return NULL;
}

/* The entry of client_order_id, made (over the oldest) when there is none. */
static ibkr_known_order *
known_add(ibkr_state *st, const char *client_order_id)
{
	ibkr_known_order *k = known_find(st, client_order_id);

	if (k != NULL)
		return k;
	k = &st->known[st->next_known];
	st->next_known = (st->next_known + 1) % IBKR_KNOWN_ORDERS;
	memset(k, 0, sizeof(*k));
	strlcpy(k->client_order_id, client_order_id, sizeof(k->client_order_id));
	return k;
}

static broker_send_result
rejected(broker_order_report *out)
{
	out->state = BROKER_ORDER_REJECTED;
	return BROKER_SEND_REJECTED;
}

/* What an order POST or a reply without an HTTP 200 means (out->reason already says why). */
static broker_send_result
failed_post(ibkr_outcome outcome, const http_response *resp, broker_order_report *out)
{
	size_t		len = strlen(out->reason);

	switch (outcome)
	{
		case IBKR_NOT_SENT:
			snprintf(out->reason + len, sizeof(out->reason) - len, " (nothing sent)");
			return rejected(out);
		case IBKR_HTTP_STATUS:
			if (resp->status < 500 && resp->status != 429)
				return rejected(out);
			break;
		case IBKR_OK:
		case IBKR_NO_ANSWER:
			break;
	}
	return BROKER_SEND_UNKNOWN;
}

/* Declines a question we will not confirm; best effort, the gateway drops it anyway. */
static void
decline(venue *v, const char *reply_id)
{
	char		path[IBKR_PATH_MAX];
	char		why[VENUE_WHY_MAX];
	http_response resp;

	snprintf(path, sizeof(path), "/iserver/reply/%s", reply_id);
	ibkr_request(v, &IBKR_STATE(v)->lim_order_post, "POST", path, "{\"confirmed\":false}",
				 &resp, why, sizeof(why));
	http_response_free(&resp);
}

/*
 * Follows the answers to the order POST (outcome, resp) through the
 * confirm loop to the order's acceptance or rejection.
 */
static broker_send_result
confirm_loop(venue *v, const char *client_order_id, char *path, ibkr_outcome outcome,
			 http_response *resp, broker_order_report *out)
{
	ibkr_state *st = IBKR_STATE(v);

	for (int round = 0;; round++)
	{
		char		endpoint[IBKR_PATH_MAX];
		ibkr_order_reply r;
		jsonu_error err;
		jsonu_status rc;
		ibkr_known_order *k;

		if (outcome != IBKR_OK)
		{
			broker_send_result res = failed_post(outcome, resp, out);

			http_response_free(resp);
			return res;
		}
		rc = ibkr_parse_order_reply(resp->body, resp->body_len, &r, &err);
		http_response_free(resp);
		ibkr_endpoint(endpoint, sizeof(endpoint), "POST", path);
		if (rc == JSONU_EVENUE && r.kind == IBKR_REPLY_REJECTED)
		{
			snprintf(out->reason, sizeof(out->reason), "%s: %s", endpoint,
					 r.message[0] ? r.message : "rejected");
			return rejected(out);
		}
		if (rc != JSONU_OK)
		{
			snprintf(out->reason, sizeof(out->reason), "%s: unreadable answer: %s", endpoint, err.msg);
			return BROKER_SEND_UNKNOWN;
		}
		if (r.kind == IBKR_REPLY_PLACED)
		{
			if (r.local_order_id[0] && strcmp(r.local_order_id, client_order_id) != 0)
			{
				snprintf(out->reason, sizeof(out->reason), "%s: the answer is about order %s, not %s",
						 endpoint, r.local_order_id, client_order_id);
				return BROKER_SEND_UNKNOWN;
			}
			k = known_add(st, client_order_id);
			strlcpy(k->order_id, r.order_id, sizeof(k->order_id));
			strlcpy(out->exchange_order_id, r.order_id, sizeof(out->exchange_order_id));
			strlcpy(out->exchange_status, ibkr_order_state_name(r.state), sizeof(out->exchange_status));
			/* whatever the first status says, query() tells the fills */
			out->state = BROKER_ORDER_OPEN;
			return BROKER_SEND_ACCEPTED;
		}

		/* a question: the order is placed only once every question is confirmed */
		if (round >= IBKR_MAX_REPLY_ROUNDS || !path_safe(r.reply_id))
		{
			if (path_safe(r.reply_id))
				decline(v, r.reply_id);
			snprintf(out->reason, sizeof(out->reason),
					 "%s: question left unanswered (%s), so the order is not placed: %s", endpoint,
					 round >= IBKR_MAX_REPLY_ROUNDS ? "too many questions" : "unusable reply id",
					 r.message);
			return rejected(out);
		}
		venue_scrub_secrets(&v->params, r.message);
		ereport(LOG, (errmsg("bifrost: ibkr: order %s: confirming question %s%s%s: %s",
							 client_order_id, r.reply_id, r.message_ids[0] ? " " : "",
							 r.message_ids, r.message)));
		snprintf(path, IBKR_PATH_MAX, "/iserver/reply/%s", r.reply_id);
		outcome = ibkr_request(v, &st->lim_order_post, "POST", path, "{\"confirmed\":true}", resp,
							   out->reason, sizeof(out->reason));
	}
}

static bool
client_id_ok(const char *id)
{
	size_t		len = strlen(id);

	if (len == 0 || len > 32)
		return false;
	for (const char *c = id; *c; c++)
		if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9')))
			return false;
	return true;
}

broker_send_result
ibkr_send(venue *v, hedge_side side, int64 qty, const char *client_order_id, broker_order_report *out)
{
	ibkr_state *st = IBKR_STATE(v);
	char		path[IBKR_PATH_MAX];
	char		body[IBKR_BODY_MAX];
	http_response resp;
	ibkr_outcome outcome;
	broker_send_result result;

	broker_order_report_init(out, BROKER_ORDER_UNKNOWN);
	if (!st->opened)
	{
		snprintf(out->reason, sizeof(out->reason), "ibkr: the venue is not open (nothing sent)");
		return rejected(out);
	}
	if (!client_id_ok(client_order_id) || qty <= 0)
	{
		snprintf(out->reason, sizeof(out->reason), "ibkr: unusable order (client order id \"%s\", quantity "
				 INT64_FORMAT "): nothing sent", client_order_id, qty);
		return rejected(out);
	}
	ibkr_keep_alive(v);
	/* the order can only be placed by the last request that leaves: the POST or a confirmation */
	st->last_request_left = NAN;
	snprintf(path, sizeof(path), "/iserver/account/%s/orders", st->account);
	snprintf(body, sizeof(body),
			 "{\"orders\":[{\"acctId\":\"%s\",\"conid\":" INT64_FORMAT ",\"cOID\":\"%s\","
			 "\"orderType\":\"MKT\",\"side\":\"%s\",\"tif\":\"DAY\",\"quantity\":" INT64_FORMAT "}]}",
			 st->account, st->conid, client_order_id, side == HEDGE_BUY ? "BUY" : "SELL", qty);
	/* remembered before it leaves: query() must know that this process sent it */
	known_add(st, client_order_id);
	outcome = ibkr_request(v, &st->lim_order_post, "POST", path, body, &resp,
						   out->reason, sizeof(out->reason));
	result = confirm_loop(v, client_order_id, path, outcome, &resp, out);
	out->left_at = st->last_request_left;
	return result;
}

/* An IBKR status and its fills as the report's state. */
static void
report_state(broker_order_report *out, ibkr_order_state state, const char *filled, const char *avg)
{
	double		f = ibkr_decimal(filled);

	out->filled_qty = (isfinite(f) && f > 0) ? (int64) llround(f) : 0;
	out->avg_price = out->filled_qty > 0 ? ibkr_decimal(avg) : NAN;
	strlcpy(out->exchange_status, ibkr_order_state_name(state), sizeof(out->exchange_status));
	switch (state)
	{
		case IBKR_STATE_FILLED:
			if (out->avg_price > 0)
				out->state = BROKER_ORDER_FILLED;
			else
			{
				/* a fill is recorded with its price: ask again when IBKR has it */
				out->state = BROKER_ORDER_OPEN;
				snprintf(out->reason, sizeof(out->reason), "ibkr: Filled, without an average price yet");
			}
			break;
		case IBKR_STATE_CANCELLED:
		case IBKR_STATE_API_CANCELLED:
			out->state = BROKER_ORDER_CANCELED;
			snprintf(out->reason, sizeof(out->reason), "ibkr: %s", out->exchange_status);
			break;
		case IBKR_STATE_INACTIVE:
			out->state = out->filled_qty > 0 ? BROKER_ORDER_CANCELED : BROKER_ORDER_REJECTED;
			snprintf(out->reason, sizeof(out->reason),
					 "ibkr: Inactive (rejected, or not accepted by the exchange)");
			break;
		default:
			out->state = BROKER_ORDER_OPEN;
			break;
	}
}

/*
 * Asks the order's status by IBKR's id.  False when the gateway has no
 * cached status for it (the live list may); true otherwise, with out set
 * (UNKNOWN when there was no usable answer).
 */
static bool
query_by_id(venue *v, const char *order_id, broker_order_report *out)
{
	ibkr_state *st = IBKR_STATE(v);
	char		path[IBKR_PATH_MAX];
	http_response resp;
	ibkr_order_status s;
	jsonu_error err;
	jsonu_status rc;
	ibkr_outcome outcome;

	if (!path_safe(order_id))
		return false;
	snprintf(path, sizeof(path), "/iserver/account/order/status/%s", order_id);
	outcome = ibkr_request(v, &st->lim_order_status, "GET", path, NULL, &resp,
						   out->reason, sizeof(out->reason));
	if (outcome != IBKR_OK)
	{
		bool		no_cache = outcome == IBKR_HTTP_STATUS && resp.status == 503;

		http_response_free(&resp);
		return !no_cache;
	}
	rc = ibkr_parse_order_status(resp.body, resp.body_len, &s, &err);
	http_response_free(&resp);
	if (rc == JSONU_EVENUE)
		return false;
	if (rc != JSONU_OK)
	{
		snprintf(out->reason, sizeof(out->reason), "GET /iserver/account/order/status: unreadable answer: %s",
				 err.msg);
		return true;
	}
	if (strcmp(s.order_id, order_id) != 0 || s.conid != st->conid)
	{
		snprintf(out->reason, sizeof(out->reason),
				 "GET /iserver/account/order/status: asked for order %s, got %s on conid " INT64_FORMAT,
				 order_id, s.order_id, (int64) s.conid);
		return true;
	}
	strlcpy(out->exchange_order_id, order_id, sizeof(out->exchange_order_id));
	out->reason[0] = '\0';
	report_state(out, s.state, s.cum_fill, s.average_price);
	return true;
}

/* What the executions of one cOID add up to. */
typedef struct executions
{
	bool		found;
	int64		qty;
	double		avg_price;
	double		commission;		/* NAN when one of them has none yet */
} executions;

/*
 * Sums the executions whose order_ref is client_order_id; false (with why)
 * when the list could not be read.
 */
static bool
executions_of(venue *v, const char *client_order_id, executions *ex, char *why, size_t whylen)
{
	ibkr_state *st = IBKR_STATE(v);
	ibkr_trade *rows;
	http_response resp;
	jsonu_error err;
	jsonu_status rc;
	int			n = 0;
	double		notional = 0;
	double		qty = 0;

	memset(ex, 0, sizeof(*ex));
	ex->avg_price = NAN;
	ex->commission = 0;
	if (ibkr_request(v, &st->lim_trades, "GET", IBKR_PATH_TRADES, NULL, &resp, why, whylen) != IBKR_OK)
	{
		http_response_free(&resp);
		return false;
	}
	rows = malloc(sizeof(ibkr_trade) * IBKR_TRADE_ROWS);
	if (rows == NULL)
	{
		http_response_free(&resp);
		snprintf(why, whylen, "ibkr: out of memory for the executions");
		return false;
	}
	rc = ibkr_parse_trades(resp.body, resp.body_len, rows, IBKR_TRADE_ROWS, &n, &err);
	http_response_free(&resp);
	if (rc != JSONU_OK)
	{
		snprintf(why, whylen, "GET " IBKR_PATH_TRADES ": %s%s", rc == JSONU_EVENUE ? "" : "unreadable answer: ",
				 err.msg);
		free(rows);
		return false;
	}
	for (int i = 0; i < n; i++)
	{
		const ibkr_trade *t = &rows[i];
		double		size = ibkr_decimal(t->size);
		double		price = ibkr_decimal(t->price);

		if (strcmp(t->order_ref, client_order_id) != 0 || (t->conid != 0 && t->conid != st->conid) ||
			!(isfinite(size) && size > 0 && isfinite(price) && price > 0))
			continue;
		ex->found = true;
		qty += size;
		notional += size * price;
		ex->commission += t->commission[0] ? ibkr_decimal(t->commission) : NAN;
	}
	free(rows);
	if (ex->found)
	{
		ex->qty = (int64) llround(qty);
		ex->avg_price = notional / qty;
	}
	if (!isfinite(ex->commission))
		ex->commission = NAN;
	return true;
}

/* The commission of a filled order, when IBKR has booked it and the call is not paced. */
static void
add_commission(venue *v, const char *client_order_id, broker_order_report *out)
{
	ibkr_state *st = IBKR_STATE(v);
	rate_limit	probe = st->lim_trades;
	executions	ex;
	char		why[VENUE_WHY_MAX];

	if (out->state != BROKER_ORDER_FILLED || isfinite(out->fee))
		return;
	/* never a wait for it: a fill is not held back for its commission (a copy tells, taking nothing) */
	if (rate_limit_wait(&probe, venue_now()) > 0)
		return;
	if (executions_of(v, client_order_id, &ex, why, sizeof(why)) && ex.found)
		out->fee = ex.commission;
}

/* Looks the cOID up in the live orders list (see the header for NOT_FOUND). */
static void
query_live_orders(venue *v, const char *client_order_id, broker_order_report *out)
{
	ibkr_state *st = IBKR_STATE(v);
	ibkr_known_order *k = known_find(st, client_order_id);
	ibkr_live_order *rows;
	http_response resp;
	jsonu_error err;
	jsonu_status rc;
	int			n = 0;
	bool		first;

	if (ibkr_request(v, &st->lim_live_orders, "GET", IBKR_PATH_LIVE_ORDERS, NULL, &resp,
					 out->reason, sizeof(out->reason)) != IBKR_OK)
	{
		http_response_free(&resp);
		return;
	}
	rows = malloc(sizeof(ibkr_live_order) * IBKR_LIVE_ORDER_ROWS);
	if (rows == NULL)
	{
		http_response_free(&resp);
		snprintf(out->reason, sizeof(out->reason), "ibkr: out of memory for the live orders");
		return;
	}
	rc = ibkr_parse_live_orders(resp.body, resp.body_len, rows, IBKR_LIVE_ORDER_ROWS, &n, &err);
	http_response_free(&resp);
	if (rc != JSONU_OK)
	{
		snprintf(out->reason, sizeof(out->reason), "GET " IBKR_PATH_LIVE_ORDERS ": %s%s",
				 rc == JSONU_EVENUE ? "" : "unreadable answer: ", err.msg);
		free(rows);
		return;
	}
	first = (st->live_orders_answers++ == 0);
	for (int i = 0; i < n; i++)
	{
		const ibkr_live_order *o = &rows[i];

		if (strcmp(o->order_ref, client_order_id) != 0 || o->conid != st->conid)
			continue;
		k = known_add(st, client_order_id);
		strlcpy(k->order_id, o->order_id, sizeof(k->order_id));
		strlcpy(out->exchange_order_id, o->order_id, sizeof(out->exchange_order_id));
		out->reason[0] = '\0';
		report_state(out, o->state, o->filled, o->avg_price);
		if (o->last_execution != IBKR_TS_NONE)
			out->ts = (double) o->last_execution / 1000.0;
		free(rows);
		return;
	}
	free(rows);
	if (first)
		snprintf(out->reason, sizeof(out->reason),
				 "GET " IBKR_PATH_LIVE_ORDERS ": no order %s in the session's first list, which may be empty",
				 client_order_id);
	else if (k != NULL && k->order_id[0])
		snprintf(out->reason, sizeof(out->reason),
				 "GET " IBKR_PATH_LIVE_ORDERS ": IBKR accepted order %s as %s but does not list it",
				 client_order_id, k->order_id);
	else
	{
		executions	ex;

		/* an order of an earlier day is no longer listed: its executions are */
		if (!executions_of(v, client_order_id, &ex, out->reason, sizeof(out->reason)))
			return;
		if (ex.found)
		{
			out->state = BROKER_ORDER_FILLED;
			out->filled_qty = ex.qty;
			out->avg_price = ex.avg_price;
			out->fee = ex.commission;
			strlcpy(out->exchange_status, "Filled", sizeof(out->exchange_status));
			out->reason[0] = '\0';
			return;
		}
		out->state = BROKER_ORDER_NOT_FOUND;
		snprintf(out->reason, sizeof(out->reason),
				 "GET " IBKR_PATH_LIVE_ORDERS ": no order with cOID %s, and no execution of it in 7 days",
				 client_order_id);
	}
}

void
ibkr_query(venue *v, const char *client_order_id, broker_order_report *out)
{
	ibkr_state *st = IBKR_STATE(v);
	ibkr_known_order *k;

	broker_order_report_init(out, BROKER_ORDER_UNKNOWN);
	if (!st->opened)
	{
		snprintf(out->reason, sizeof(out->reason), "ibkr: the venue is not open");
		return;
	}
	ibkr_keep_alive(v);
	k = known_find(st, client_order_id);
	if (!(k != NULL && k->order_id[0] && query_by_id(v, k->order_id, out)))
		query_live_orders(v, client_order_id, out);
	add_commission(v, client_order_id, out);
}
