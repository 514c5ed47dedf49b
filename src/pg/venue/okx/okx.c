/*
 * venue_okx.c: OKX v5 REST as a venue (venue.h): the instrument, the
 * ticker, market orders by client order id, and the position.
 *
 * Lots.  One lot is one lotSz of the instrument: lotSz contracts of a swap
 * or future, lotSz base currency of a spot pair.  An order of qty lots
 * sends sz = qty x lotSz (exact decimal text), so every order is a valid
 * multiple of the venue's lot, and units_per_lot is ctVal x ctMult x lotSz
 * (lotSz for spot).  Fills and positions in contracts come back divided by
 * lotSz.  Only linear contracts (ctValCcy = the base currency) are
 * traded: an inverse contract's size in the underlying moves with price.
 * Accounts must be in net position mode (OKX answers 51000 to an order
 * without posSide in long/short mode: a definitive reject); position()
 * reads either mode.
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
 * GETs go again after HTTP 429 / 50011, at most OKX_GET_ATTEMPTS times and
 * only within one transfer timeout of the first, behind the endpoint's
 * token bucket; everything else is reported at once.
 * Fees are reported as a positive cost (OKX signs a paid fee negative) when
 * charged in the quote or settle currency; a fee charged in the base
 * currency (a spot buy: OKX keeps part of what was bought) is reported as
 * lots not received (fee_base_lots) and costs nothing in the quote, so the
 * book holds what the account holds.  A fee in a third currency is unknown.
 *
 * Nothing here raises an ERROR while a transfer runs: okx_timestamp and
 * okx_sign (which can only fail on impossible states) run before it.
 */
#include "postgres.h"

#include <ctype.h>
#include <math.h>

#include "net/okx_size.h"
#include "pg/venue/okx/okx_http.h"

/* OKX's published limits per endpoint (reference §2.2; instruments, positions: OKX docs). */
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

#define PATH_INSTRUMENTS "/api/v5/public/instruments"
#define PATH_TICKER "/api/v5/market/ticker"
#define PATH_ORDER "/api/v5/trade/order"
#define PATH_POSITIONS "/api/v5/account/positions"
#define PATH_BALANCE "/api/v5/account/balance"
#define PATH_ACCOUNT_CONFIG "/api/v5/account/config"

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

#define STATE(v) ((okx_state *) (v)->state)

/* --- the venue operations --- */

static double
venue_okx_units_per_lot(venue *v)
{
	return STATE(v)->units_per_lot;
}

static bool
check_instrument(venue *v, const okx_instrument *in, char *why, size_t whylen)
{
	okx_state  *st = STATE(v);
	double		ct_val = 1.0,
				ct_mult = 1.0,
				lot;

	if (strcmp(in->inst_id, v->params.symbol) != 0)
	{
		snprintf(why, whylen, "GET " PATH_INSTRUMENTS ": asked for %s, got %s",
				 v->params.symbol, in->inst_id);
		return false;
	}
	if (strcmp(in->state, "live") != 0)
	{
		snprintf(why, whylen, "okx instrument %s is %s, not live", in->inst_id, in->state);
		return false;
	}
	if (!okx_decimal_parse(in->lot_sz, &st->lot_sz) || st->lot_sz.mantissa <= 0)
	{
		snprintf(why, whylen, "okx instrument %s: unusable lotSz \"%s\"", in->inst_id, in->lot_sz);
		return false;
	}
	lot = strtod(in->lot_sz, NULL);
	if (st->kind != OKX_INST_SPOT)
	{
		if (strcmp(in->ct_val_ccy, st->base_ccy) != 0)
		{
			snprintf(why, whylen, "okx instrument %s: contract value in %s, not %s: inverse contracts are not supported",
					 in->inst_id, in->ct_val_ccy[0] ? in->ct_val_ccy : "(none)", st->base_ccy);
			return false;
		}
		ct_val = in->ct_val[0] ? strtod(in->ct_val, NULL) : NAN;
		ct_mult = in->ct_mult[0] ? strtod(in->ct_mult, NULL) : 1.0;
	}
	st->units_per_lot = ct_val * ct_mult * lot;
	if (!(st->units_per_lot > 0) || !isfinite(st->units_per_lot))
	{
		snprintf(why, whylen, "okx instrument %s: ctVal \"%s\", ctMult \"%s\", lotSz \"%s\" give no lot size",
				 in->inst_id, in->ct_val, in->ct_mult, in->lot_sz);
		return false;
	}
	return true;
}

static bool venue_okx_position(venue *v, double *lots, char *why, size_t whylen);

/*
 * Swaps and futures are traded as one net position: orders carry no posSide,
 * which OKX refuses (51000) in long/short mode.  Better to wait for the
 * broker with the reason than to have every hedge rejected.
 */
static bool
check_position_mode(venue *v, char *why, size_t whylen)
{
	okx_state  *st = STATE(v);
	okx_call	call = {.endpoint = PATH_ACCOUNT_CONFIG, .signed_call = true};
	http_response resp;
	okx_account_config cfg;
	jsonu_error err;
	jsonu_status rc;

	if (st->kind == OKX_INST_SPOT)
		return true;
	snprintf(call.path, sizeof(call.path), PATH_ACCOUNT_CONFIG);
	if (!okx_get(&v->params, &st->keys, &st->lim_account_config, &call, &resp, why, whylen))
		return false;
	rc = okx_parse_account_config(resp.body, resp.body_len, &cfg, &err);
	if (rc != JSONU_OK)
		okx_failure(why, whylen, "GET", PATH_ACCOUNT_CONFIG, resp.status, &err);
	else if (cfg.pos_mode != OKX_POS_MODE_NET)
		snprintf(why, whylen, "GET " PATH_ACCOUNT_CONFIG ": the account is in long/short position mode;"
				 " bifrost trades %s as one net position: switch the account to net mode"
				 " (Settings, Position mode)", v->params.symbol);
	http_response_free(&resp);
	return rc == JSONU_OK && cfg.pos_mode == OKX_POS_MODE_NET;
}

/*
 * Reads the instrument's lot, the account's position mode, then the
 * position: the signed calls prove the keys.
 */
static bool
venue_okx_open(venue *v, char *why, size_t whylen)
{
	okx_state  *st = STATE(v);
	okx_call	call = {.endpoint = PATH_INSTRUMENTS};
	http_response resp;
	okx_instrument rows[2];
	jsonu_error err;
	jsonu_status rc;
	int			n = 0;
	double		lots;

	st->opened = false;
	snprintf(call.path, sizeof(call.path), PATH_INSTRUMENTS "?instType=%s&instId=%s",
			 st->inst_type, v->params.symbol);
	if (!okx_get(&v->params, &st->keys, &st->lim_instruments, &call, &resp, why, whylen))
		return false;
	rc = okx_parse_instruments(resp.body, resp.body_len, rows, lengthof(rows), &n, &err);
	if (rc != JSONU_OK)
		okx_failure(why, whylen, "GET", PATH_INSTRUMENTS, resp.status, &err);
	else if (n != 1)
		snprintf(why, whylen, "GET " PATH_INSTRUMENTS ": %d instruments for %s, expected 1",
				 n, v->params.symbol);
	http_response_free(&resp);
	if (rc != JSONU_OK || n != 1 || !check_instrument(v, &rows[0], why, whylen))
		return false;
	if (!check_position_mode(v, why, whylen))
		return false;
	st->opened = true;
	if (!venue_okx_position(v, &lots, why, whylen))
	{
		st->opened = false;
		return false;
	}
	return true;
}

static bool
venue_okx_quote(venue *v, venue_quote *q, char *why, size_t whylen)
{
	okx_state  *st = STATE(v);
	okx_call	call = {.endpoint = PATH_TICKER};
	http_response resp;
	okx_ticker	t;
	jsonu_error err;
	jsonu_status rc;
	bool		ok = false;

	snprintf(call.path, sizeof(call.path), PATH_TICKER "?instId=%s", v->params.symbol);
	if (!okx_get(&v->params, &st->keys, &st->lim_ticker, &call, &resp, why, whylen))
		return false;
	rc = okx_parse_ticker(resp.body, resp.body_len, &t, &err);
	if (rc != JSONU_OK)
		okx_failure(why, whylen, "GET", PATH_TICKER, resp.status, &err);
	else if (strcmp(t.inst_id, v->params.symbol) != 0)
		snprintf(why, whylen, "GET " PATH_TICKER ": asked for %s, got %s", v->params.symbol, t.inst_id);
	else if (t.bid_px[0] == '\0' || t.ask_px[0] == '\0')
		snprintf(why, whylen, "GET " PATH_TICKER ": no %s for %s",
				 t.bid_px[0] == '\0' ? "bid" : "ask", t.inst_id);
	else
	{
		q->bid = strtod(t.bid_px, NULL);
		q->ask = strtod(t.ask_px, NULL);
		q->last = t.last[0] ? strtod(t.last, NULL) : NAN;
		q->ts = t.ts >= 0 ? (double) t.ts / 1000.0 : NAN;
		ok = true;
	}
	http_response_free(&resp);
	return ok;
}

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
static venue_send_result
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
			return VENUE_SEND_UNKNOWN;
	for (size_t i = 0; i < lengthof(refused); i++)
		if (strcmp(code, refused[i]) == 0)
			return VENUE_SEND_REJECTED;
	switch (okx_code_classify(code))
	{
		case OKX_CODE_REJECT:
		case OKX_CODE_AUTH:
			return VENUE_SEND_REJECTED;
		case OKX_CODE_OK:
			/* a "0" code in an error: only sCode can be wrong, and it was not "0" */
		case OKX_CODE_RATE_LIMIT:
		case OKX_CODE_UNKNOWN:
			break;
	}
	return VENUE_SEND_UNKNOWN;
}

/* Reads the answer to the placement of client_order_id into out. */
static venue_send_result
send_outcome(const http_response *resp, const char *client_order_id, rate_limit *lim,
			 venue_order_report *out)
{
	okx_order_ack ack;
	jsonu_error err;
	jsonu_status rc;
	venue_send_result r;
	char		code[JSONU_CODE_SIZE];
	char		msg[OKX_MSG_SIZE];

	if (resp->outcome != HTTP_DONE)
	{
		snprintf(out->reason, sizeof(out->reason), "POST " PATH_ORDER ": %s", resp->error);
		return VENUE_SEND_UNKNOWN;
	}
	if (resp->status >= 500 || resp->status == 429)
	{
		okx_answer_code(resp, code, sizeof(code), NULL, 0);
		snprintf(out->reason, sizeof(out->reason), "POST " PATH_ORDER ": HTTP %ld%s%s",
				 resp->status, code[0] ? ", okx " : "", code);
		return VENUE_SEND_UNKNOWN;
	}
	rc = okx_parse_order_ack(resp->body, resp->body_len, &ack, &err);
	if (rc == JSONU_OK && ack.cl_ord_id[0] && strcmp(ack.cl_ord_id, client_order_id) != 0)
	{
		snprintf(out->reason, sizeof(out->reason), "POST " PATH_ORDER ": the answer is about clOrdId \"%s\"",
				 ack.cl_ord_id);
		return VENUE_SEND_UNKNOWN;
	}
	if (rc == JSONU_OK)
	{
		strlcpy(out->exchange_order_id, ack.ord_id, sizeof(out->exchange_order_id));
		strlcpy(out->exchange_status, "placed", sizeof(out->exchange_status));
		out->ts = ack.ts >= 0 ? (double) ack.ts / 1000.0 : NAN;
		return VENUE_SEND_ACCEPTED;
	}
	if (rc != JSONU_EVENUE)
	{
		snprintf(out->reason, sizeof(out->reason), "POST " PATH_ORDER ": HTTP %ld, unreadable answer: %s",
				 resp->status, err.msg);
		return VENUE_SEND_UNKNOWN;
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
	strlcpy(out->exchange_status, r == VENUE_SEND_REJECTED ? "rejected" : "unknown",
			sizeof(out->exchange_status));
	return r;
}

static venue_send_result
venue_okx_send(venue *v, hedge_side side, int64 qty, const char *client_order_id,
		 venue_order_report *out)
{
	okx_state  *st = STATE(v);
	okx_call	call = {.method = "POST", .endpoint = PATH_ORDER, .signed_call = true, .expires = true};
	char		sz[64];
	char		body[OKX_BODY_MAX];
	char		why[VENUE_WHY_MAX];
	http_response resp;
	venue_send_result r;

	venue_order_report_init(out, VENUE_ORDER_REJECTED);
	/* refusals before anything leaves are definitive: the order cannot exist */
	if (!st->opened)
	{
		snprintf(out->reason, sizeof(out->reason), "not sent: the okx venue is not open");
		return VENUE_SEND_REJECTED;
	}
	if (!client_order_id_valid(client_order_id))
	{
		snprintf(out->reason, sizeof(out->reason), "not sent: client order id \"%s\" is not 1-32 letters and digits",
				 client_order_id);
		return VENUE_SEND_REJECTED;
	}
	if (qty <= 0 || !okx_size_text(st->lot_sz, qty, sz, sizeof(sz)))
	{
		snprintf(out->reason, sizeof(out->reason), "not sent: no order size for " INT64_FORMAT " lots", qty);
		return VENUE_SEND_REJECTED;
	}
	snprintf(body, sizeof(body),
			 "{\"instId\":\"%s\",\"tdMode\":\"%s\",\"side\":\"%s\",\"ordType\":\"market\","
			 "\"sz\":\"%s\",%s\"clOrdId\":\"%s\"}",
			 v->params.symbol, st->kind == OKX_INST_SPOT ? "cash" : "cross",
			 side == HEDGE_BUY ? "buy" : "sell", sz,
			 st->kind == OKX_INST_SPOT ? "\"tgtCcy\":\"base_ccy\"," : "", client_order_id);
	call.body = body;
	strlcpy(call.path, PATH_ORDER, sizeof(call.path));
	if (!okx_perform(&v->params, &st->keys, &st->lim_order_post, &call, &resp, why, sizeof(why)))
	{
		strlcpy(out->reason, why, sizeof(out->reason));
		return VENUE_SEND_REJECTED;
	}
	venue_order_report_init(out, VENUE_ORDER_UNKNOWN);
	out->left_at = call.left_at;
	r = send_outcome(&resp, client_order_id, &st->lim_order_post, out);
	http_response_free(&resp);
	if (r == VENUE_SEND_ACCEPTED)
		out->state = VENUE_ORDER_OPEN;
	else if (r == VENUE_SEND_REJECTED)
		out->state = VENUE_ORDER_REJECTED;
	else
	{
		venue_scrub_secrets(&v->params, out->reason);
		elog(DEBUG1, "bifrost: okx order %s: outcome unknown: %s", client_order_id, out->reason);
	}
	return r;
}

/* An order as OKX reports it, in lots. */
static void
order_report(okx_state *st, const okx_order *o, venue_order_report *out)
{
	int64		lots = 0;

	strlcpy(out->exchange_order_id, o->ord_id, sizeof(out->exchange_order_id));
	strlcpy(out->exchange_status, okx_order_state_name(o->state), sizeof(out->exchange_status));
	if (o->acc_fill_sz[0] && !okx_size_lots(o->acc_fill_sz, st->lot_sz, &lots, NULL))
	{
		/* a fill we cannot convert must not read as "nothing filled" */
		venue_order_report_init(out, VENUE_ORDER_UNKNOWN);
		snprintf(out->reason, sizeof(out->reason), "GET " PATH_ORDER ": accFillSz \"%s\" is not a size in lots of %s",
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
			out->state = VENUE_ORDER_OPEN;
			break;
		case OKX_STATE_FILLED:
			out->state = VENUE_ORDER_FILLED;
			break;
		case OKX_STATE_CANCELED:
		case OKX_STATE_MMP_CANCELED:
			out->state = VENUE_ORDER_CANCELED;
			snprintf(out->reason, sizeof(out->reason), "okx %s", okx_order_state_name(o->state));
			break;
	}
}

static void
venue_okx_query(venue *v, const char *client_order_id, venue_order_report *out)
{
	okx_state  *st = STATE(v);
	okx_call	call = {.endpoint = PATH_ORDER, .signed_call = true};
	http_response resp;
	okx_order	o;
	jsonu_error err;
	jsonu_status rc;

	venue_order_report_init(out, VENUE_ORDER_UNKNOWN);
	if (!client_order_id_valid(client_order_id))
	{
		/* never sent (send refuses such ids), so OKX cannot have it */
		out->state = VENUE_ORDER_NOT_FOUND;
		snprintf(out->reason, sizeof(out->reason), "client order id \"%s\" is not 1-32 letters and digits",
				 client_order_id);
		return;
	}
	snprintf(call.path, sizeof(call.path), PATH_ORDER "?instId=%s&clOrdId=%s",
			 v->params.symbol, client_order_id);
	if (!okx_get(&v->params, &st->keys, &st->lim_order_get, &call, &resp, out->reason, sizeof(out->reason)))
		return;
	rc = okx_parse_order(resp.body, resp.body_len, &o, &err);
	if (rc == JSONU_OK && strcmp(o.cl_ord_id, client_order_id) != 0)
		snprintf(out->reason, sizeof(out->reason), "GET " PATH_ORDER ": asked for %s, got \"%s\"",
				 client_order_id, o.cl_ord_id);
	else if (rc == JSONU_OK)
		order_report(st, &o, out);
	else if (rc == JSONU_EVENUE && strcmp(err.venue_code, OKX_CODE_ORDER_NOT_FOUND) == 0)
	{
		out->state = VENUE_ORDER_NOT_FOUND;
		snprintf(out->reason, sizeof(out->reason), "okx %s: order %s does not exist",
				 err.venue_code, client_order_id);
	}
	else
		okx_failure(out->reason, sizeof(out->reason), "GET", PATH_ORDER, resp.status, &err);
	http_response_free(&resp);
}

/* Spot holds no position: the base currency's cash balance is it. */
static bool
spot_position(venue *v, double *lots, char *why, size_t whylen)
{
	okx_state  *st = STATE(v);
	okx_call	call = {.endpoint = PATH_BALANCE, .signed_call = true};
	http_response resp;
	okx_account account;
	okx_balance *rows = palloc(sizeof(okx_balance) * OKX_MAX_BALANCE_ROWS);
	jsonu_error err;
	jsonu_status rc;
	int			n = 0;
	bool		ok = false;

	snprintf(call.path, sizeof(call.path), PATH_BALANCE "?ccy=%s", st->base_ccy);
	if (okx_get(&v->params, &st->keys, &st->lim_balance, &call, &resp, why, whylen))
	{
		rc = okx_parse_balance(resp.body, resp.body_len, &account, rows, OKX_MAX_BALANCE_ROWS, &n, &err);
		if (rc != JSONU_OK)
			okx_failure(why, whylen, "GET", PATH_BALANCE, resp.status, &err);
		else
		{
			int64		whole;

			*lots = 0;
			ok = true;
			for (int i = 0; i < n && ok; i++)
				if (strcmp(rows[i].ccy, st->base_ccy) == 0 &&
					!okx_size_lots(rows[i].cash_bal, st->lot_sz, &whole, lots))
				{
					snprintf(why, whylen, "GET " PATH_BALANCE ": cashBal \"%s\" out of range", rows[i].cash_bal);
					ok = false;
				}
		}
		http_response_free(&resp);
	}
	pfree(rows);
	return ok;
}

static bool
venue_okx_position(venue *v, double *lots, char *why, size_t whylen)
{
	okx_state  *st = STATE(v);
	okx_call	call = {.endpoint = PATH_POSITIONS, .signed_call = true};
	http_response resp;
	okx_position rows[OKX_MAX_POSITION_ROWS];
	jsonu_error err;
	jsonu_status rc;
	int			n = 0;
	bool		ok = true;

	if (!st->opened)
	{
		snprintf(why, whylen, "the okx venue is not open");
		return false;
	}
	if (st->kind == OKX_INST_SPOT)
		return spot_position(v, lots, why, whylen);
	snprintf(call.path, sizeof(call.path), PATH_POSITIONS "?instType=%s&instId=%s",
			 st->inst_type, v->params.symbol);
	if (!okx_get(&v->params, &st->keys, &st->lim_positions, &call, &resp, why, whylen))
		return false;
	rc = okx_parse_positions(resp.body, resp.body_len, rows, lengthof(rows), &n, &err);
	if (rc != JSONU_OK)
	{
		okx_failure(why, whylen, "GET", PATH_POSITIONS, resp.status, &err);
		ok = false;
	}
	*lots = 0;
	/* net mode: one signed row; long/short mode: a long and a short row, both positive */
	for (int i = 0; ok && i < n; i++)
	{
		int64		whole;
		double		row_lots;

		if (strcmp(rows[i].inst_id, v->params.symbol) != 0)
			continue;
		if (!okx_size_lots(rows[i].pos, st->lot_sz, &whole, &row_lots))
		{
			snprintf(why, whylen, "GET " PATH_POSITIONS ": pos \"%s\" out of range", rows[i].pos);
			ok = false;
			break;
		}
		*lots += rows[i].pos_side == OKX_POS_SHORT ? -fabs(row_lots) : row_lots;
	}
	http_response_free(&resp);
	return ok;
}

static void
venue_okx_close(venue *v)
{
	okx_state  *st = STATE(v);

	if (st == NULL)
		return;
	/* keys do not linger in freed memory */
	explicit_bzero(st, sizeof(*st));
	free(st);
	v->state = NULL;
}

static const venue_ops okx_ops = {
	.name = "okx",
	.open = venue_okx_open,
	.units_per_lot = venue_okx_units_per_lot,
	.quote = venue_okx_quote,
	.send = venue_okx_send,
	.query = venue_okx_query,
	.position = venue_okx_position,
	.close = venue_okx_close,
};

static bool
secret_usable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char) *s < 0x20 || (unsigned char) *s > 0x7e)
			return false;
	return true;
}

/*
 * SWAP for "-SWAP", FUTURES for a delivery date ("BTC-USDT-250328"), else
 * SPOT; base and quote are the currencies before and after the first dash.
 */
static bool
symbol_kind(const char *symbol, okx_inst_kind *kind, char *base, size_t baselen,
			char *quote, size_t quotelen)
{
	const char *dash = strchr(symbol, '-');
	const char *last = strrchr(symbol, '-');
	size_t		len = strlen(symbol);

	if (len == 0 || len >= OKX_INST_SIZE || dash == NULL || dash == symbol ||
		(size_t) (dash - symbol) >= baselen)
		return false;
	for (const char *p = symbol; *p; p++)
		if (!isalnum((unsigned char) *p) && *p != '-')
			return false;
	memcpy(base, symbol, dash - symbol);
	base[dash - symbol] = '\0';
	{
		const char *quote_end = strchr(dash + 1, '-');
		size_t		quote_len = quote_end ? (size_t) (quote_end - dash - 1) : strlen(dash + 1);

		if (quote_len == 0 || quote_len >= quotelen)
			return false;
		memcpy(quote, dash + 1, quote_len);
		quote[quote_len] = '\0';
	}
	if (strcmp(last, "-SWAP") == 0)
		*kind = OKX_INST_SWAP;
	else if (last != dash && strlen(last + 1) == 6 && strspn(last + 1, "0123456789") == 6)
		*kind = OKX_INST_FUTURES;
	else if (last == dash)
		*kind = OKX_INST_SPOT;
	else
		return false;
	return true;
}

bool
venue_okx_init(venue *v, char *why, size_t whylen)
{
	static const char *const names[] = {"okx.api_key", "okx.secret_key", "okx.passphrase"};
	okx_state  *st;
	const char *values[lengthof(names)];

	v->ops = &okx_ops;
	v->state = NULL;
	for (size_t i = 0; i < lengthof(names); i++)
	{
		values[i] = venue_secret_get(&v->params, names[i]);
		if (values[i] == NULL || values[i][0] == '\0')
		{
			snprintf(why, whylen, "secret \"%s\" is missing from bifrost.secrets", names[i]);
			return false;
		}
		if (!secret_usable(values[i]))
		{
			snprintf(why, whylen, "secret \"%s\" holds characters that cannot go in an HTTP header", names[i]);
			return false;
		}
	}
	if (v->params.base_url == NULL || v->params.base_url[0] == '\0')
	{
		snprintf(why, whylen, "bifrost.okx_base_url is empty");
		return false;
	}
	st = calloc(1, sizeof(okx_state));
	if (st == NULL)
	{
		snprintf(why, whylen, "out of memory");
		return false;
	}
	if (v->params.symbol == NULL ||
		!symbol_kind(v->params.symbol, &st->kind, st->base_ccy, sizeof(st->base_ccy),
					 st->quote_ccy, sizeof(st->quote_ccy)))
	{
		snprintf(why, whylen, "\"%s\" is not an OKX spot, swap or futures instrument id"
				 " (BTC-USDT, BTC-USDT-SWAP, BTC-USDT-250328)",
				 v->params.symbol ? v->params.symbol : "");
		free(st);
		return false;
	}
	st->inst_type = st->kind == OKX_INST_SWAP ? "SWAP" : st->kind == OKX_INST_FUTURES ? "FUTURES" : "SPOT";
	strlcpy(st->keys.api_key, values[0], sizeof(st->keys.api_key));
	strlcpy(st->keys.secret_key, values[1], sizeof(st->keys.secret_key));
	strlcpy(st->keys.passphrase, values[2], sizeof(st->keys.passphrase));
	rate_limit_init(&st->lim_instruments, OKX_LIMIT_INSTRUMENTS, OKX_LIMIT_WINDOW_S);
	rate_limit_init(&st->lim_ticker, OKX_LIMIT_TICKER, OKX_LIMIT_WINDOW_S);
	rate_limit_init(&st->lim_order_post, OKX_LIMIT_ORDER_POST, OKX_LIMIT_WINDOW_S);
	rate_limit_init(&st->lim_order_get, OKX_LIMIT_ORDER_GET, OKX_LIMIT_WINDOW_S);
	rate_limit_init(&st->lim_positions, OKX_LIMIT_POSITIONS, OKX_LIMIT_WINDOW_S);
	rate_limit_init(&st->lim_balance, OKX_LIMIT_BALANCE, OKX_LIMIT_WINDOW_S);
	rate_limit_init(&st->lim_account_config, OKX_LIMIT_ACCOUNT_CONFIG, OKX_LIMIT_WINDOW_S);
	v->state = st;
	return true;
}
