/*
 * venue_ibkr_orders.c: market orders at an IBKR Client Portal gateway by
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
 * The order POST is never sent again, whatever happens.
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
 * current day, so a cOID from an earlier day reads NOT_FOUND.
 * States: Filled -> FILLED; Cancelled, ApiCancelled -> CANCELED;
 * Inactive -> REJECTED (CANCELED when part filled); every other state is
 * still working -> OPEN.
 */
#include "postgres.h"

#include <math.h>

#include "venue_ibkr.h"

#define IBKR_MAX_REPLY_ROUNDS 8
#define IBKR_LIVE_ORDER_ROWS 500
#define IBKR_PATH_MAX 512
#define IBKR_BODY_MAX 512

#define PATH_LIVE_ORDERS "/iserver/account/orders"

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

static venue_send_result
rejected(venue_order_report *out)
{
	out->state = VENUE_ORDER_REJECTED;
	return VENUE_SEND_REJECTED;
}

/* What an order POST or a reply without an HTTP 200 means (out->reason already says why). */
static venue_send_result
failed_post(ibkr_outcome outcome, const http_response *resp, venue_order_report *out)
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
	return VENUE_SEND_UNKNOWN;
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
static venue_send_result
confirm_loop(venue *v, const char *client_order_id, char *path, ibkr_outcome outcome,
			 http_response *resp, venue_order_report *out)
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
			venue_send_result res = failed_post(outcome, resp, out);

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
			return VENUE_SEND_UNKNOWN;
		}
		if (r.kind == IBKR_REPLY_PLACED)
		{
			if (r.local_order_id[0] && strcmp(r.local_order_id, client_order_id) != 0)
			{
				snprintf(out->reason, sizeof(out->reason), "%s: the answer is about order %s, not %s",
						 endpoint, r.local_order_id, client_order_id);
				return VENUE_SEND_UNKNOWN;
			}
			k = known_add(st, client_order_id);
			strlcpy(k->order_id, r.order_id, sizeof(k->order_id));
			strlcpy(out->exchange_order_id, r.order_id, sizeof(out->exchange_order_id));
			strlcpy(out->exchange_status, ibkr_order_state_name(r.state), sizeof(out->exchange_status));
			/* whatever the first status says, query() tells the fills */
			out->state = VENUE_ORDER_OPEN;
			return VENUE_SEND_ACCEPTED;
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

venue_send_result
ibkr_send(venue *v, hedge_side side, int64 qty, const char *client_order_id, venue_order_report *out)
{
	ibkr_state *st = IBKR_STATE(v);
	char		path[IBKR_PATH_MAX];
	char		body[IBKR_BODY_MAX];
	http_response resp;
	ibkr_outcome outcome;

	venue_order_report_init(out, VENUE_ORDER_UNKNOWN);
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
	snprintf(path, sizeof(path), "/iserver/account/%s/orders", st->account);
	snprintf(body, sizeof(body),
			 "{\"orders\":[{\"acctId\":\"%s\",\"conid\":" INT64_FORMAT ",\"cOID\":\"%s\","
			 "\"orderType\":\"MKT\",\"side\":\"%s\",\"tif\":\"DAY\",\"quantity\":" INT64_FORMAT "}]}",
			 st->account, st->conid, client_order_id, side == HEDGE_BUY ? "BUY" : "SELL", qty);
	/* remembered before it leaves: query() must know that this process sent it */
	known_add(st, client_order_id);
	outcome = ibkr_request(v, &st->lim_order_post, "POST", path, body, &resp,
						   out->reason, sizeof(out->reason));
	return confirm_loop(v, client_order_id, path, outcome, &resp, out);
}

/* An IBKR status and its fills as the report's state. */
static void
report_state(venue_order_report *out, ibkr_order_state state, const char *filled, const char *avg)
{
	double		f = ibkr_decimal(filled);

	out->filled_qty = (isfinite(f) && f > 0) ? (int64) llround(f) : 0;
	out->avg_price = out->filled_qty > 0 ? ibkr_decimal(avg) : NAN;
	strlcpy(out->exchange_status, ibkr_order_state_name(state), sizeof(out->exchange_status));
	switch (state)
	{
		case IBKR_STATE_FILLED:
			if (out->avg_price > 0)
				out->state = VENUE_ORDER_FILLED;
			else
			{
				/* a fill is recorded with its price: ask again when IBKR has it */
				out->state = VENUE_ORDER_OPEN;
				snprintf(out->reason, sizeof(out->reason), "ibkr: Filled, without an average price yet");
			}
			break;
		case IBKR_STATE_CANCELLED:
		case IBKR_STATE_API_CANCELLED:
			out->state = VENUE_ORDER_CANCELED;
			snprintf(out->reason, sizeof(out->reason), "ibkr: %s", out->exchange_status);
			break;
		case IBKR_STATE_INACTIVE:
			out->state = out->filled_qty > 0 ? VENUE_ORDER_CANCELED : VENUE_ORDER_REJECTED;
			snprintf(out->reason, sizeof(out->reason),
					 "ibkr: Inactive (rejected, or not accepted by the exchange)");
			break;
		default:
			out->state = VENUE_ORDER_OPEN;
			break;
	}
}

/*
 * Asks the order's status by IBKR's id.  False when the gateway has no
 * cached status for it (the live list may); true otherwise, with out set
 * (UNKNOWN when there was no usable answer).
 */
static bool
query_by_id(venue *v, const char *order_id, venue_order_report *out)
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

/* Looks the cOID up in the live orders list (see the header for NOT_FOUND). */
static void
query_live_orders(venue *v, const char *client_order_id, venue_order_report *out)
{
	ibkr_state *st = IBKR_STATE(v);
	ibkr_known_order *k = known_find(st, client_order_id);
	ibkr_live_order *rows;
	http_response resp;
	jsonu_error err;
	jsonu_status rc;
	int			n = 0;
	bool		first;

	if (ibkr_request(v, &st->lim_live_orders, "GET", PATH_LIVE_ORDERS, NULL, &resp,
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
		snprintf(out->reason, sizeof(out->reason), "GET " PATH_LIVE_ORDERS ": %s%s",
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
				 "GET " PATH_LIVE_ORDERS ": no order %s in the session's first list, which may be empty",
				 client_order_id);
	else if (k != NULL && k->order_id[0])
		snprintf(out->reason, sizeof(out->reason),
				 "GET " PATH_LIVE_ORDERS ": IBKR accepted order %s as %s but does not list it",
				 client_order_id, k->order_id);
	else
	{
		out->state = VENUE_ORDER_NOT_FOUND;
		snprintf(out->reason, sizeof(out->reason), "GET " PATH_LIVE_ORDERS ": no order with cOID %s",
				 client_order_id);
	}
}

void
ibkr_query(venue *v, const char *client_order_id, venue_order_report *out)
{
	ibkr_state *st = IBKR_STATE(v);
	ibkr_known_order *k;

	venue_order_report_init(out, VENUE_ORDER_UNKNOWN);
	if (!st->opened)
	{
		snprintf(out->reason, sizeof(out->reason), "ibkr: the venue is not open");
		return;
	}
	ibkr_keep_alive(v);
	k = known_find(st, client_order_id);
	if (k != NULL && k->order_id[0] && query_by_id(v, k->order_id, out))
		return;
	query_live_orders(v, client_order_id, out);
}
