/*
 * okx_parse.c: the OKX v5 envelope, error-code classes, and the public
 * market-data replies (time, candles, ticker, mark price, index ticker,
 * open interest, funding, instruments, long/short account ratio).  Trading and account replies are in
 * okx_parse_trade.c.  Shapes: OKX's v5 API, as test/mock/okx_mock.pl answers them.
 */
#include "okx_parse.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* Candle rows: [ts, o, h, l, c, vol, volCcy, volCcyQuote, confirm]. */
#define OKX_CANDLE_FIELDS 9

jsonu_status
okx_envelope_open(const char *body, size_t len, const char *what,
				  okx_envelope *env, jsonu_error *err)
{
	jsonu_ctx	c;
	json_object *code;
	jsonu_status st;

	memset(env, 0, sizeof *env);
	st = jsonu_parse(body, len, what, &env->root, err);
	if (st != JSONU_OK)
		return st;
	jsonu_ctx_init(&c, what, err);
	if (!json_object_is_type(env->root, json_type_object))
	{
		jsonu_ctx_fail(&c, JSONU_ESHAPE, NULL, "expected the envelope object, got %s",
					   json_type_to_name(json_object_get_type(env->root)));
		goto fail;
	}
	/* code: a string, though an integer is tolerated and printed exactly */
	code = jsonu_member(env->root, "code");
	if (code != NULL && json_object_is_type(code, json_type_int))
	{
		int64_t		v;

		if (!jsonu_get_int64(&c, env->root, "code", NULL, JSONU_REQ, &v))
			goto fail;
		snprintf(env->code, sizeof env->code, "%lld", (long long) v);
	}
	else if (!jsonu_get_token(&c, env->root, "code", NULL, JSONU_REQ, env->code, sizeof env->code))
		goto fail;
	if (!jsonu_get_message(&c, env->root, "msg", env->msg, sizeof env->msg))
		goto fail;
	env->ok = strcmp(env->code, "0") == 0;
	if (env->ok)
	{
		if (!jsonu_get_array(&c, env->root, "data", JSONU_REQ, &env->data))
			goto fail;
	}
	else
	{
		/* an error stays an error whatever data holds: keep it only if usable */
		env->data = jsonu_member(env->root, "data");
		if (env->data != NULL && !json_object_is_type(env->data, json_type_array))
			env->data = NULL;
	}
	return JSONU_OK;

fail:
	okx_envelope_close(env);
	return err->status;
}

void
okx_envelope_close(okx_envelope *env)
{
	json_object_put(env->root);
	env->root = NULL;
	env->data = NULL;
}

/* See okx_code_class in okx_parse.h for the lists and why. */
okx_code_class
okx_code_classify(const char *code)
{
	int64_t		v;

	if (code == NULL || jsonu_int64_from_text(code, strlen(code), &v) != JSONU_INT_OK)
		return OKX_CODE_UNKNOWN;
	if (v == 0)
		return OKX_CODE_OK;
	if (v == 50011 || v == 50061)
		return OKX_CODE_RATE_LIMIT;
	if (v >= 50100 && v <= 50199)
		return OKX_CODE_AUTH;
	if (v == 50000 || v == 50002 || v == 50006 || v == 50007 || v == 50009 ||
		v == 50012 || (v >= 50014 && v <= 50016) || v == 50024 || v == 50025 ||
		v == 50027 || (v >= 51000 && v <= 54999))
		return OKX_CODE_REJECT;
	return OKX_CODE_UNKNOWN;
}

static jsonu_status
venue_error(const okx_envelope *env, const char *what, jsonu_error *err)
{
	jsonu_fail(err, JSONU_EVENUE, "%s: error %s: %s", what, env->code,
			   env->msg[0] ? env->msg : "(no message)");
	snprintf(err->venue_code, sizeof err->venue_code, "%s", env->code);
	return JSONU_EVENUE;
}

static jsonu_status
rows_of(const okx_envelope *env, const char *what, okx_row_fn row, void *rows,
		size_t row_size, int cap, int *n, jsonu_error *err)
{
	jsonu_ctx	c;
	size_t		count = json_object_array_length(env->data);
	size_t		i;

	jsonu_ctx_init(&c, what, err);
	if (cap < 0 || count > (size_t) cap)
		return jsonu_fail(err, JSONU_ECAPACITY, "%s: data holds %zu elements, room for %d",
						  what, count, cap);
	for (i = 0; i < count; i++)
	{
		jsonu_ctx_at(&c, "data[%zu]", i);
		if (!row(&c, json_object_array_get_idx(env->data, i), (char *) rows + i * row_size))
			return err->status;
	}
	*n = (int) count;
	return JSONU_OK;
}

jsonu_status
okx_parse_rows(const char *body, size_t len, const char *what, okx_row_fn row,
			   void *rows, size_t row_size, int cap, int *n, jsonu_error *err)
{
	okx_envelope env;
	jsonu_status st;

	*n = 0;
	st = okx_envelope_open(body, len, what, &env, err);
	if (st != JSONU_OK)
		return st;
	if (!env.ok)
		st = venue_error(&env, what, err);
	else
		st = rows_of(&env, what, row, rows, row_size, cap, n, err);
	if (st != JSONU_OK)
		*n = 0;
	okx_envelope_close(&env);
	return st;
}

jsonu_status
okx_parse_one(const char *body, size_t len, const char *what, okx_row_fn row,
			  void *dst, jsonu_error *err)
{
	okx_envelope env;
	jsonu_status st;
	int			n;

	st = okx_envelope_open(body, len, what, &env, err);
	if (st != JSONU_OK)
		return st;
	if (!env.ok)
		st = venue_error(&env, what, err);
	else if (json_object_array_length(env.data) != 1)
		st = jsonu_fail(err, JSONU_ESHAPE, "%s: data holds %zu elements, expected 1",
						what, json_object_array_length(env.data));
	else
		st = rows_of(&env, what, row, dst, 0, 1, &n, err);
	okx_envelope_close(&env);
	return st;
}

/* An element that must be an object; names it in the error otherwise. */
static bool
is_object(jsonu_ctx *c, json_object *elem)
{
	if (json_object_is_type(elem, json_type_object))
		return true;
	return jsonu_ctx_fail(c, JSONU_ESHAPE, NULL, "expected an object, got %s",
						  json_type_to_name(json_object_get_type(elem)));
}

/* --- /public/time --- */

static bool
time_row(jsonu_ctx *c, json_object *e, void *dst)
{
	return is_object(c, e) && jsonu_get_epoch_ms(c, e, "ts", NULL, JSONU_REQ, (int64_t *) dst);
}

jsonu_status
okx_parse_time(const char *body, size_t len, int64_t *ts, jsonu_error *err)
{
	return okx_parse_one(body, len, "okx time", time_row, ts, err);
}

/* --- /market/candles, /market/history-candles --- */

static bool
candle_row(jsonu_ctx *c, json_object *e, void *dst)
{
	static const char *const names[OKX_CANDLE_FIELDS] = {
		"[0] ts", "[1] open", "[2] high", "[3] low", "[4] close",
		"[5] vol", "[6] volCcy", "[7] volCcyQuote", "[8] confirm"
	};
	okx_candle *k = dst;
	char	   *dec[7];
	char		confirm[4];
	int			i;

	dec[0] = k->open;
	dec[1] = k->high;
	dec[2] = k->low;
	dec[3] = k->close;
	dec[4] = k->vol;
	dec[5] = k->vol_ccy;
	dec[6] = k->vol_ccy_quote;
	if (!json_object_is_type(e, json_type_array))
		return jsonu_ctx_fail(c, JSONU_ESHAPE, NULL, "expected a candle array, got %s",
							  json_type_to_name(json_object_get_type(e)));
	/* later OKX versions may append columns: ignored */
	if (json_object_array_length(e) < OKX_CANDLE_FIELDS)
		return jsonu_ctx_fail(c, JSONU_ESHAPE, NULL, "candle has %zu fields, expected %d",
							  json_object_array_length(e), OKX_CANDLE_FIELDS);
	if (!jsonu_get_epoch_ms(c, json_object_array_get_idx(e, 0), NULL, names[0], JSONU_REQ, &k->ts))
		return false;
	for (i = 0; i < 7; i++)
		if (!jsonu_get_decimal(c, json_object_array_get_idx(e, (size_t) i + 1), NULL, names[i + 1],
							   JSONU_REQ | JSONU_NONNEG, dec[i]))
			return false;
	if (!jsonu_get_text(c, json_object_array_get_idx(e, 8), NULL, names[8], JSONU_REQ,
						confirm, sizeof confirm))
		return false;
	if (strcmp(confirm, "0") != 0 && strcmp(confirm, "1") != 0)
		return jsonu_ctx_fail(c, JSONU_EVALUE, names[8], "expected \"0\" or \"1\", got \"%s\"", confirm);
	k->confirm = confirm[0] == '1';
	return true;
}

/*
 * Rows whose int64 ts (at ts_offset in each row of row_size bytes) must fall
 * strictly from one row to the next, as OKX sends time series.  On a
 * violation *n becomes 0 and the row is named.
 */
static jsonu_status
newest_first(const char *what, const void *rows, size_t row_size, size_t ts_offset, int *n,
			 jsonu_error *err)
{
	const char *base = rows;

	for (int i = 1; i < *n; i++)
	{
		int64_t		ts;
		int64_t		before;

		memcpy(&ts, base + (size_t) i * row_size + ts_offset, sizeof ts);
		memcpy(&before, base + (size_t) (i - 1) * row_size + ts_offset, sizeof before);
		if (ts >= before)
		{
			*n = 0;
			return jsonu_fail(err, JSONU_EVALUE,
							  "%s: data[%d][0] ts: %lld is not older than the row before (%lld)",
							  what, i, (long long) ts, (long long) before);
		}
	}
	return JSONU_OK;
}

jsonu_status
okx_parse_candles(const char *body, size_t len, okx_candle *rows, int cap, int *n,
				  jsonu_error *err)
{
	jsonu_status st = okx_parse_rows(body, len, "okx candles", candle_row, rows,
									 sizeof *rows, cap, n, err);

	if (st != JSONU_OK)
		return st;
	/* paging takes the oldest row as the last one: insist on OKX's order */
	return newest_first("okx candles", rows, sizeof *rows, offsetof(okx_candle, ts), n, err);
}

/* --- /market/ticker --- */

static bool
ticker_row(jsonu_ctx *c, json_object *e, void *dst)
{
	okx_ticker *t = dst;

	return is_object(c, e) &&
		jsonu_get_token(c, e, "instId", NULL, JSONU_REQ, t->inst_id, sizeof t->inst_id) &&
		jsonu_get_token(c, e, "instType", NULL, JSONU_OPT, t->inst_type, sizeof t->inst_type) &&
		jsonu_get_decimal(c, e, "last", NULL, JSONU_REQ | JSONU_NONNEG, t->last) &&
		jsonu_get_decimal(c, e, "lastSz", NULL, JSONU_OPT | JSONU_NONNEG, t->last_sz) &&
		jsonu_get_decimal(c, e, "bidPx", NULL, JSONU_OPT | JSONU_NONNEG, t->bid_px) &&
		jsonu_get_decimal(c, e, "bidSz", NULL, JSONU_OPT | JSONU_NONNEG, t->bid_sz) &&
		jsonu_get_decimal(c, e, "askPx", NULL, JSONU_OPT | JSONU_NONNEG, t->ask_px) &&
		jsonu_get_decimal(c, e, "askSz", NULL, JSONU_OPT | JSONU_NONNEG, t->ask_sz) &&
		jsonu_get_epoch_ms(c, e, "ts", NULL, JSONU_REQ, &t->ts);
}

jsonu_status
okx_parse_ticker(const char *body, size_t len, okx_ticker *out, jsonu_error *err)
{
	return okx_parse_one(body, len, "okx ticker", ticker_row, out, err);
}

/* --- /public/mark-price --- */

static bool
mark_row(jsonu_ctx *c, json_object *e, void *dst)
{
	okx_mark_price *m = dst;

	return is_object(c, e) &&
		jsonu_get_token(c, e, "instId", NULL, JSONU_REQ, m->inst_id, sizeof m->inst_id) &&
		jsonu_get_token(c, e, "instType", NULL, JSONU_OPT, m->inst_type, sizeof m->inst_type) &&
		jsonu_get_decimal(c, e, "markPx", NULL, JSONU_REQ | JSONU_NONNEG, m->mark_px) &&
		jsonu_get_epoch_ms(c, e, "ts", NULL, JSONU_REQ, &m->ts);
}

jsonu_status
okx_parse_mark_price(const char *body, size_t len, okx_mark_price *out, jsonu_error *err)
{
	return okx_parse_one(body, len, "okx mark-price", mark_row, out, err);
}

/* --- /market/index-tickers --- */

static bool
index_row(jsonu_ctx *c, json_object *e, void *dst)
{
	okx_index_ticker *x = dst;

	return is_object(c, e) &&
		jsonu_get_token(c, e, "instId", NULL, JSONU_REQ, x->inst_id, sizeof x->inst_id) &&
		jsonu_get_decimal(c, e, "idxPx", NULL, JSONU_REQ | JSONU_NONNEG, x->idx_px) &&
		jsonu_get_epoch_ms(c, e, "ts", NULL, JSONU_REQ, &x->ts);
}

jsonu_status
okx_parse_index_ticker(const char *body, size_t len, okx_index_ticker *out, jsonu_error *err)
{
	return okx_parse_one(body, len, "okx index-tickers", index_row, out, err);
}

/* --- /public/open-interest --- */

static bool
oi_row(jsonu_ctx *c, json_object *e, void *dst)
{
	okx_open_interest *o = dst;

	return is_object(c, e) &&
		jsonu_get_token(c, e, "instId", NULL, JSONU_REQ, o->inst_id, sizeof o->inst_id) &&
		jsonu_get_token(c, e, "instType", NULL, JSONU_OPT, o->inst_type, sizeof o->inst_type) &&
		jsonu_get_decimal(c, e, "oi", NULL, JSONU_REQ | JSONU_NONNEG, o->oi) &&
		jsonu_get_decimal(c, e, "oiCcy", NULL, JSONU_REQ | JSONU_NONNEG, o->oi_ccy) &&
		jsonu_get_decimal(c, e, "oiUsd", NULL, JSONU_OPT | JSONU_NONNEG, o->oi_usd) &&
		jsonu_get_epoch_ms(c, e, "ts", NULL, JSONU_REQ, &o->ts);
}

jsonu_status
okx_parse_open_interest(const char *body, size_t len, okx_open_interest *out, jsonu_error *err)
{
	return okx_parse_one(body, len, "okx open-interest", oi_row, out, err);
}

/* --- /public/funding-rate, /public/funding-rate-history --- */

static bool
funding_row(jsonu_ctx *c, json_object *e, void *dst)
{
	okx_funding *f = dst;

	f->next_funding_time = OKX_TS_NONE;
	f->ts = OKX_TS_NONE;
	return is_object(c, e) &&
		jsonu_get_token(c, e, "instId", NULL, JSONU_REQ, f->inst_id, sizeof f->inst_id) &&
		jsonu_get_decimal(c, e, "fundingRate", NULL, JSONU_REQ, f->funding_rate) &&
		jsonu_get_decimal(c, e, "realizedRate", NULL, JSONU_OPT, f->realized_rate) &&
		jsonu_get_decimal(c, e, "settFundingRate", NULL, JSONU_OPT, f->sett_funding_rate) &&
		jsonu_get_token(c, e, "method", NULL, JSONU_OPT, f->method, sizeof f->method) &&
		jsonu_get_epoch_ms(c, e, "fundingTime", NULL, JSONU_REQ, &f->funding_time) &&
		jsonu_get_epoch_ms(c, e, "nextFundingTime", NULL, JSONU_OPT, &f->next_funding_time) &&
		jsonu_get_epoch_ms(c, e, "ts", NULL, JSONU_OPT, &f->ts);
}

jsonu_status
okx_parse_funding_rate(const char *body, size_t len, okx_funding *out, jsonu_error *err)
{
	return okx_parse_one(body, len, "okx funding-rate", funding_row, out, err);
}

jsonu_status
okx_parse_funding_history(const char *body, size_t len, okx_funding *rows, int cap, int *n,
						  jsonu_error *err)
{
	return okx_parse_rows(body, len, "okx funding-rate-history", funding_row, rows,
						  sizeof *rows, cap, n, err);
}

/* --- /public/instruments --- */

/* A decimal that must be > 0: not negative and not all zeros. */
static bool
positive(jsonu_ctx *c, const char *name, const char *dec)
{
	const char *p;

	for (p = dec; *p && *p != 'e' && *p != 'E'; p++)
		if (*p >= '1' && *p <= '9')
			return true;
	return jsonu_ctx_fail(c, JSONU_EVALUE, name, "must be positive, got \"%s\"", dec);
}

static bool
instrument_row(jsonu_ctx *c, json_object *e, void *dst)
{
	okx_instrument *x = dst;
	bool		contracts;

	if (!is_object(c, e) ||
		!jsonu_get_token(c, e, "instId", NULL, JSONU_REQ, x->inst_id, sizeof x->inst_id) ||
		!jsonu_get_token(c, e, "instType", NULL, JSONU_REQ, x->inst_type, sizeof x->inst_type))
		return false;
	/* derivatives are sized in contracts: their value must be known */
	contracts = strcmp(x->inst_type, "SWAP") == 0 || strcmp(x->inst_type, "FUTURES") == 0 ||
		strcmp(x->inst_type, "OPTION") == 0;
	return jsonu_get_token(c, e, "settleCcy", NULL, JSONU_OPT, x->settle_ccy, sizeof x->settle_ccy) &&
		jsonu_get_decimal(c, e, "ctVal", NULL, (contracts ? JSONU_REQ : JSONU_OPT) | JSONU_NONNEG,
						  x->ct_val) &&
		(!contracts || positive(c, "ctVal", x->ct_val)) &&
		jsonu_get_decimal(c, e, "ctMult", NULL, (contracts ? JSONU_REQ : JSONU_OPT) | JSONU_NONNEG,
						  x->ct_mult) &&
		(!contracts || positive(c, "ctMult", x->ct_mult)) &&
		jsonu_get_token(c, e, "ctValCcy", NULL, JSONU_OPT, x->ct_val_ccy, sizeof x->ct_val_ccy) &&
		jsonu_get_decimal(c, e, "lotSz", NULL, JSONU_REQ | JSONU_NONNEG, x->lot_sz) &&
		positive(c, "lotSz", x->lot_sz) &&
		jsonu_get_decimal(c, e, "minSz", NULL, JSONU_REQ | JSONU_NONNEG, x->min_sz) &&
		jsonu_get_decimal(c, e, "tickSz", NULL, JSONU_REQ | JSONU_NONNEG, x->tick_sz) &&
		positive(c, "tickSz", x->tick_sz) &&
		jsonu_get_token(c, e, "state", NULL, JSONU_REQ, x->state, sizeof x->state);
}

jsonu_status
okx_parse_instruments(const char *body, size_t len, okx_instrument *rows, int cap, int *n,
					  jsonu_error *err)
{
	return okx_parse_rows(body, len, "okx instruments", instrument_row, rows,
						  sizeof *rows, cap, n, err);
}

/* --- /rubik/stat/contracts/long-short-account-ratio --- */

static bool
ratio_row(jsonu_ctx *c, json_object *e, void *dst)
{
	okx_ratio  *r = dst;

	if (!json_object_is_type(e, json_type_array))
		return jsonu_ctx_fail(c, JSONU_ESHAPE, NULL, "expected a [ts, ratio] array, got %s",
							  json_type_to_name(json_object_get_type(e)));
	if (json_object_array_length(e) < 2)
		return jsonu_ctx_fail(c, JSONU_ESHAPE, NULL, "ratio row has %zu fields, expected 2",
							  json_object_array_length(e));
	return jsonu_get_epoch_ms(c, json_object_array_get_idx(e, 0), NULL, "[0] ts", JSONU_REQ, &r->ts) &&
		jsonu_get_decimal(c, json_object_array_get_idx(e, 1), NULL, "[1] ratio",
						  JSONU_REQ | JSONU_NONNEG, r->ratio);
}

jsonu_status
okx_parse_long_short_ratio(const char *body, size_t len, okx_ratio *rows, int cap, int *n,
						   jsonu_error *err)
{
	jsonu_status st = okx_parse_rows(body, len, "okx long-short-account-ratio", ratio_row, rows,
									 sizeof *rows, cap, n, err);

	if (st != JSONU_OK)
		return st;
	/* one row per instant: a repeated ts would hit the same stored row twice */
	return newest_first("okx long-short-account-ratio", rows, sizeof *rows, offsetof(okx_ratio, ts),
						n, err);
}
