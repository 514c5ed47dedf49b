/*
 * okx_orders.c: market orders at OKX v5 by client order id (clOrdId), and
 * what became of them (venue.h).
 *
 * Outcomes of POST /api/v5/trade/order (send, never retried):
 *   code 0, sCode 0                        ACCEPTED (ordId)
 *   sCode / code a definitive reject       REJECTED "okx <code>: <msg>"
 *     (okx_code_classify REJECT or AUTH; 50036/50037: the expTime passed,
 *     so OKX did not process it)
 *   51016 duplicate clOrdId                REJECTED: the order is sent once,
 *                                          so an order with this id that
 *                                          exists is not this one (its fill
 *                                          is not ours)
 *   50004, 51054, 51149 (OKX's own "timed out, result unknown"), any other
 *   code, HTTP 429 or 5xx, a timeout, a broken connection, an unreadable or
 *   truncated body                         UNKNOWN
 *   nothing left (bad client order id or size, the wait for the rate
 *   limiter cut short by a stop)           REJECTED "not sent: ..."
 * Every POST carries the expTime header (now + the transfer timeout): a
 * request that reaches OKX after the client gave up on it is refused
 * instead of executed, so an UNKNOWN from a timeout does not turn into an
 * order placed later.
 *
 * query() asks GET /api/v5/trade/order by clOrdId; OKX's "order does not
 * exist" is NOT_FOUND, any other failure UNKNOWN (ask again later).
 */
#include "postgres.h"

#include <ctype.h>
#include <math.h>

#include "net/okx_size.h"
#include "pg/venue/okx/okx.h"

static bool
client_order_id_valid(const char *id)
{
	size_t		len = strlen(id);

	if (len == 0 || len > 32)
		return false;
	for (; *id; id++)
		if (!isalnum((unsigned char) *id))
			return false;
	return true;
}

/* Codes whose meaning okx_code_classify cannot know in the context of an order placement. */
static broker_send_result
classify_send_code(const char *code)
{
	static const char *const unknown[] = {
		"50004",				/* endpoint timed out: result unknown */
		"51054",				/* request timed out */
		"51149"					/* order timed out */
	};
	static const char *const refused[] = {
		"50036",				/* expTime already past: not processed */
		"50037",				/* order expired */
		"51016"					/* clOrdId exists: another order's, as ours is sent once */
	};

	for (size_t i = 0; i < lengthof(unknown); i++)
		if (strcmp(code, unknown[i]) == 0)
			return BROKER_SEND_UNKNOWN;
	for (size_t i = 0; i < lengthof(refused); i++)
		if (strcmp(code, refused[i]) == 0)
			return BROKER_SEND_REJECTED;
	switch (okx_code_classify(code))
	{
		case OKX_CODE_REJECT:
		case OKX_CODE_AUTH:
			return BROKER_SEND_REJECTED;
		case OKX_CODE_OK:
			/* a "0" code in an error: only sCode can be wrong, and it was not "0" */
		case OKX_CODE_RATE_LIMIT:
		case OKX_CODE_UNKNOWN:
			break;
	}
	return BROKER_SEND_UNKNOWN;
}

/* Reads the answer to the placement of client_order_id into out. */
static broker_send_result
send_outcome(const http_response *resp, const char *client_order_id, rate_limit *lim,
			 broker_order_report *out)
{
	okx_order_ack ack;
	jsonu_error err;
	jsonu_status rc;
	broker_send_result r;
	char		code[JSONU_CODE_SIZE];
	char		msg[OKX_MSG_SIZE];

	if (resp->outcome != HTTP_DONE)
	{
		snprintf(out->reason, sizeof(out->reason), "POST " OKX_PATH_ORDER ": %s", resp->error);
		return BROKER_SEND_UNKNOWN;
	}
	if (resp->status >= 500 || resp->status == 429)
	{
		okx_answer_code(resp, code, sizeof(code), NULL, 0);
		snprintf(out->reason, sizeof(out->reason), "POST " OKX_PATH_ORDER ": HTTP %ld%s%s",
				 resp->status, code[0] ? ", okx " : "", code);
		return BROKER_SEND_UNKNOWN;
	}
	rc = okx_parse_order_ack(resp->body, resp->body_len, &ack, &err);
	if (rc == JSONU_OK && ack.cl_ord_id[0] && strcmp(ack.cl_ord_id, client_order_id) != 0)
	{
		snprintf(out->reason, sizeof(out->reason), "POST " OKX_PATH_ORDER ": the answer is about clOrdId \"%s\"",
				 ack.cl_ord_id);
		return BROKER_SEND_UNKNOWN;
	}
	if (rc == JSONU_OK)
	{
		strlcpy(out->exchange_order_id, ack.ord_id, sizeof(out->exchange_order_id));
		strlcpy(out->exchange_status, "placed", sizeof(out->exchange_status));
		out->ts = ack.ts >= 0 ? (double) ack.ts / 1000.0 : NAN;
		return BROKER_SEND_ACCEPTED;
	}
	if (rc != JSONU_EVENUE)
	{
		snprintf(out->reason, sizeof(out->reason), "POST " OKX_PATH_ORDER ": HTTP %ld, unreadable answer: %s",
				 resp->status, err.msg);
		return BROKER_SEND_UNKNOWN;
	}
	/* the per-order message when there is one, else the envelope's */
	if (ack.s_code[0])
		strlcpy(msg, ack.s_msg, sizeof(msg));
	else
		okx_answer_code(resp, code, sizeof(code), msg, sizeof(msg));
	r = classify_send_code(err.venue_code);
	if (okx_code_classify(err.venue_code) == OKX_CODE_RATE_LIMIT)
		rate_limit_backoff(lim, venue_now());
	snprintf(out->reason, sizeof(out->reason), "okx %s: %s", err.venue_code,
			 msg[0] ? msg : "(no message)");
	strlcpy(out->exchange_status, r == BROKER_SEND_REJECTED ? "rejected" : "unknown",
			sizeof(out->exchange_status));
	return r;
}

broker_send_result
okx_send(venue *v, hedge_side side, int64 qty, const char *client_order_id,
		 broker_order_report *out)
{
	okx_state  *st = OKX_STATE(v);
	okx_call	call = {.method = "POST", .endpoint = OKX_PATH_ORDER, .signed_call = true, .expires = true};
	char		sz[64];
	char		body[OKX_BODY_MAX];
	char		why[VENUE_WHY_MAX];
	http_response resp;
	broker_send_result r;

	broker_order_report_init(out, BROKER_ORDER_REJECTED);
	/* refusals before anything leaves are definitive: the order cannot exist */
	if (!st->opened)
	{
		snprintf(out->reason, sizeof(out->reason), "not sent: the okx venue is not open");
		return BROKER_SEND_REJECTED;
	}
	if (!client_order_id_valid(client_order_id))
	{
		snprintf(out->reason, sizeof(out->reason), "not sent: client order id \"%s\" is not 1-32 letters and digits",
				 client_order_id);
		return BROKER_SEND_REJECTED;
	}
	if (qty <= 0 || !okx_size_text(st->lot_sz, qty, sz, sizeof(sz)))
	{
		snprintf(out->reason, sizeof(out->reason), "not sent: no order size for " INT64_FORMAT " lots", qty);
		return BROKER_SEND_REJECTED;
	}
	snprintf(body, sizeof(body),
			 "{\"instId\":\"%s\",\"tdMode\":\"%s\",\"side\":\"%s\",\"ordType\":\"market\","
			 "\"sz\":\"%s\",%s\"clOrdId\":\"%s\"}",
			 v->params.symbol, st->kind == OKX_INST_SPOT ? "cash" : "cross",
			 side == HEDGE_BUY ? "buy" : "sell", sz,
			 st->kind == OKX_INST_SPOT ? "\"tgtCcy\":\"base_ccy\"," : "", client_order_id);
	call.body = body;
	strlcpy(call.path, OKX_PATH_ORDER, sizeof(call.path));
	if (!okx_perform(&v->params, &st->keys, &st->lim_order_post, &call, &resp, why, sizeof(why)))
	{
		strlcpy(out->reason, why, sizeof(out->reason));
		return BROKER_SEND_REJECTED;
	}
	broker_order_report_init(out, BROKER_ORDER_UNKNOWN);
	out->left_at = call.left_at;
	r = send_outcome(&resp, client_order_id, &st->lim_order_post, out);
	http_response_free(&resp);
	if (r == BROKER_SEND_ACCEPTED)
		out->state = BROKER_ORDER_OPEN;
	else if (r == BROKER_SEND_REJECTED)
		out->state = BROKER_ORDER_REJECTED;
	else
	{
		venue_scrub_secrets(&v->params, out->reason);
		elog(DEBUG1, "bifrost: okx order %s: outcome unknown: %s", client_order_id, out->reason);
	}
	return r;
}

/* An order as OKX reports it, in lots. */
static void
order_report(okx_state *st, const okx_order *o, broker_order_report *out)
{
	int64		lots = 0;

	strlcpy(out->exchange_order_id, o->ord_id, sizeof(out->exchange_order_id));
	strlcpy(out->exchange_status, okx_order_state_name(o->state), sizeof(out->exchange_status));
	if (o->acc_fill_sz[0] && !okx_size_lots(o->acc_fill_sz, st->lot_sz, &lots, NULL))
	{
		/* a fill we cannot convert must not read as "nothing filled" */
		broker_order_report_init(out, BROKER_ORDER_UNKNOWN);
		snprintf(out->reason, sizeof(out->reason), "GET " OKX_PATH_ORDER ": accFillSz \"%s\" is not a size in lots of %s",
				 o->acc_fill_sz, o->inst_id);
		return;
	}
	out->filled_qty = lots;
	out->avg_price = o->avg_px[0] && lots > 0 ? strtod(o->avg_px, NULL) : NAN;
	/* an unreadable fee stays unknown (NAN), never zero; the position check finds the lots */
	(void) okx_fee_split(o->fee, o->fee_ccy, st->base_ccy, st->quote_ccy, st->units_per_lot,
						 &out->fee, &out->fee_base_lots);
	out->ts = (o->u_time >= 0 ? (double) o->u_time : (double) o->c_time) / 1000.0;
	switch (o->state)
	{
		case OKX_STATE_LIVE:
		case OKX_STATE_PARTIALLY_FILLED:
			out->state = BROKER_ORDER_OPEN;
			break;
		case OKX_STATE_FILLED:
			out->state = BROKER_ORDER_FILLED;
			break;
		case OKX_STATE_CANCELED:
		case OKX_STATE_MMP_CANCELED:
			out->state = BROKER_ORDER_CANCELED;
			snprintf(out->reason, sizeof(out->reason), "okx %s", okx_order_state_name(o->state));
			break;
	}
}

void
okx_query(venue *v, const char *client_order_id, broker_order_report *out)
{
	okx_state  *st = OKX_STATE(v);
	okx_call	call = {.endpoint = OKX_PATH_ORDER, .signed_call = true};
	http_response resp;
	okx_order	o;
	jsonu_error err;
	jsonu_status rc;

	broker_order_report_init(out, BROKER_ORDER_UNKNOWN);
	if (!client_order_id_valid(client_order_id))
	{
		/* never sent (send refuses such ids), so OKX cannot have it */
		out->state = BROKER_ORDER_NOT_FOUND;
		snprintf(out->reason, sizeof(out->reason), "client order id \"%s\" is not 1-32 letters and digits",
				 client_order_id);
		return;
	}
	snprintf(call.path, sizeof(call.path), OKX_PATH_ORDER "?instId=%s&clOrdId=%s",
			 v->params.symbol, client_order_id);
	if (!okx_get(&v->params, &st->keys, &st->lim_order_get, &call, &resp, out->reason, sizeof(out->reason)))
		return;
	rc = okx_parse_order(resp.body, resp.body_len, &o, &err);
	if (rc == JSONU_OK && strcmp(o.cl_ord_id, client_order_id) != 0)
		snprintf(out->reason, sizeof(out->reason), "GET " OKX_PATH_ORDER ": asked for %s, got \"%s\"",
				 client_order_id, o.cl_ord_id);
	else if (rc == JSONU_OK)
		order_report(st, &o, out);
	else if (rc == JSONU_EVENUE && strcmp(err.venue_code, OKX_CODE_ORDER_NOT_FOUND) == 0)
	{
		out->state = BROKER_ORDER_NOT_FOUND;
		snprintf(out->reason, sizeof(out->reason), "okx %s: order %s does not exist",
				 err.venue_code, client_order_id);
	}
	else
		okx_failure(out->reason, sizeof(out->reason), "GET", OKX_PATH_ORDER, resp.status, &err);
	http_response_free(&resp);
}
