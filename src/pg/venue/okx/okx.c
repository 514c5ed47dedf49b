/*
 * okx.c: OKX v5 REST as a venue (venue.h): the instrument, the ticker and
 * the position; market orders by client order id are in okx_orders.c, the
 * signed, rate-limited requests in okx_http.c.
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
#include "pg/venue/okx/okx.h"

/* --- the venue operations --- */

static double
venue_okx_units_per_lot(venue *v)
{
	return OKX_STATE(v)->units_per_lot;
}

static bool
check_instrument(venue *v, const okx_instrument *in, char *why, size_t whylen)
{
	okx_state  *st = OKX_STATE(v);
	double		ct_val = 1.0,
				ct_mult = 1.0,
				lot;

	if (strcmp(in->inst_id, v->params.symbol) != 0)
	{
		snprintf(why, whylen, "GET " OKX_PATH_INSTRUMENTS ": asked for %s, got %s",
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
	okx_state  *st = OKX_STATE(v);
	okx_call	call = {.endpoint = OKX_PATH_ACCOUNT_CONFIG, .signed_call = true};
	http_response resp;
	okx_account_config cfg;
	jsonu_error err;
	jsonu_status rc;

	if (st->kind == OKX_INST_SPOT)
		return true;
	snprintf(call.path, sizeof(call.path), OKX_PATH_ACCOUNT_CONFIG);
	if (!okx_get(&v->params, &st->keys, &st->lim_account_config, &call, &resp, why, whylen))
		return false;
	rc = okx_parse_account_config(resp.body, resp.body_len, &cfg, &err);
	if (rc != JSONU_OK)
		okx_failure(why, whylen, "GET", OKX_PATH_ACCOUNT_CONFIG, resp.status, &err);
	else if (cfg.pos_mode != OKX_POS_MODE_NET)
		snprintf(why, whylen, "GET " OKX_PATH_ACCOUNT_CONFIG ": the account is in long/short position mode;"
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
	okx_state  *st = OKX_STATE(v);
	okx_call	call = {.endpoint = OKX_PATH_INSTRUMENTS};
	http_response resp;
	okx_instrument rows[2];
	jsonu_error err;
	jsonu_status rc;
	int			n = 0;
	double		lots;

	st->opened = false;
	snprintf(call.path, sizeof(call.path), OKX_PATH_INSTRUMENTS "?instType=%s&instId=%s",
			 st->inst_type, v->params.symbol);
	if (!okx_get(&v->params, &st->keys, &st->lim_instruments, &call, &resp, why, whylen))
		return false;
	rc = okx_parse_instruments(resp.body, resp.body_len, rows, lengthof(rows), &n, &err);
	if (rc != JSONU_OK)
		okx_failure(why, whylen, "GET", OKX_PATH_INSTRUMENTS, resp.status, &err);
	else if (n != 1)
		snprintf(why, whylen, "GET " OKX_PATH_INSTRUMENTS ": %d instruments for %s, expected 1",
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
	okx_state  *st = OKX_STATE(v);
	okx_call	call = {.endpoint = OKX_PATH_TICKER};
	http_response resp;
	okx_ticker	t;
	jsonu_error err;
	jsonu_status rc;
	bool		ok = false;

	snprintf(call.path, sizeof(call.path), OKX_PATH_TICKER "?instId=%s", v->params.symbol);
	if (!okx_get(&v->params, &st->keys, &st->lim_ticker, &call, &resp, why, whylen))
		return false;
	rc = okx_parse_ticker(resp.body, resp.body_len, &t, &err);
	if (rc != JSONU_OK)
		okx_failure(why, whylen, "GET", OKX_PATH_TICKER, resp.status, &err);
	else if (strcmp(t.inst_id, v->params.symbol) != 0)
		snprintf(why, whylen, "GET " OKX_PATH_TICKER ": asked for %s, got %s", v->params.symbol, t.inst_id);
	else if (t.bid_px[0] == '\0' || t.ask_px[0] == '\0')
		snprintf(why, whylen, "GET " OKX_PATH_TICKER ": no %s for %s",
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

/* Spot holds no position: the base currency's cash balance is it. */
static bool
spot_position(venue *v, double *lots, char *why, size_t whylen)
{
	okx_state  *st = OKX_STATE(v);
	okx_call	call = {.endpoint = OKX_PATH_BALANCE, .signed_call = true};
	http_response resp;
	okx_account account;
	okx_balance *rows = palloc(sizeof(okx_balance) * OKX_MAX_BALANCE_ROWS);
	jsonu_error err;
	jsonu_status rc;
	int			n = 0;
	bool		ok = false;

	snprintf(call.path, sizeof(call.path), OKX_PATH_BALANCE "?ccy=%s", st->base_ccy);
	if (okx_get(&v->params, &st->keys, &st->lim_balance, &call, &resp, why, whylen))
	{
		rc = okx_parse_balance(resp.body, resp.body_len, &account, rows, OKX_MAX_BALANCE_ROWS, &n, &err);
		if (rc != JSONU_OK)
			okx_failure(why, whylen, "GET", OKX_PATH_BALANCE, resp.status, &err);
		else
		{
			int64		whole;

			*lots = 0;
			ok = true;
			for (int i = 0; i < n && ok; i++)
				if (strcmp(rows[i].ccy, st->base_ccy) == 0 &&
					!okx_size_lots(rows[i].cash_bal, st->lot_sz, &whole, lots))
				{
					snprintf(why, whylen, "GET " OKX_PATH_BALANCE ": cashBal \"%s\" out of range", rows[i].cash_bal);
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
	okx_state  *st = OKX_STATE(v);
	okx_call	call = {.endpoint = OKX_PATH_POSITIONS, .signed_call = true};
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
	snprintf(call.path, sizeof(call.path), OKX_PATH_POSITIONS "?instType=%s&instId=%s",
			 st->inst_type, v->params.symbol);
	if (!okx_get(&v->params, &st->keys, &st->lim_positions, &call, &resp, why, whylen))
		return false;
	rc = okx_parse_positions(resp.body, resp.body_len, rows, lengthof(rows), &n, &err);
	if (rc != JSONU_OK)
	{
		okx_failure(why, whylen, "GET", OKX_PATH_POSITIONS, resp.status, &err);
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
			snprintf(why, whylen, "GET " OKX_PATH_POSITIONS ": pos \"%s\" out of range", rows[i].pos);
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
	okx_state  *st = OKX_STATE(v);

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
	.send = okx_send,
	.query = okx_query,
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
