/*
 * okx_parse_trade.c: OKX v5 trading and account replies: order placement
 * and cancellation acknowledgements, order queries, fills, positions and
 * balances, the account's position mode.  Shapes: OKX's v5 API documentation, as the OKX mock (test/mock/okx_mock.pl) answers them, and the
 * OKX v5 docs for /trade/fills, /account/positions, /account/balance, /account/config.
 */
#include "okx_parse.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const side_names[] = {"buy", "sell"};
static const char *const pos_side_names[] = {"net", "long", "short"};
static const char *const pos_mode_names[] = {"net_mode", "long_short_mode"};
static const char *const state_names[] = {
	"live", "partially_filled", "filled", "canceled", "mmp_canceled"
};

#define lengthof(a) ((int) (sizeof (a) / sizeof ((a)[0])))

const char *
okx_side_name(okx_side side)
{
	return (int) side >= 0 && (int) side < lengthof(side_names) ? side_names[side] : "?";
}

const char *
okx_pos_side_name(okx_pos_side pos_side)
{
	return (int) pos_side >= 0 && (int) pos_side < lengthof(pos_side_names) ?
		pos_side_names[pos_side] : "?";
}

const char *
okx_order_state_name(okx_order_state state)
{
	return (int) state >= 0 && (int) state < lengthof(state_names) ? state_names[state] : "?";
}

/*
 * A word out of a fixed list, as its index.  With JSONU_OPT an absent or
 * empty value gives index 0 (posSide "" means net mode).
 */
static bool
get_enum(jsonu_ctx *c, json_object *e, const char *key, int flags,
		 const char *const *names, int count, int *out)
{
	char		word[OKX_WORD_SIZE];
	int			i;

	if (!jsonu_get_token(c, e, key, NULL, flags, word, sizeof word))
		return false;
	if (word[0] == '\0')
	{
		*out = 0;
		return true;
	}
	for (i = 0; i < count; i++)
		if (strcmp(word, names[i]) == 0)
		{
			*out = i;
			return true;
		}
	return jsonu_ctx_fail(c, JSONU_EVALUE, key, "unknown value \"%s\"", word);
}

static bool
get_side(jsonu_ctx *c, json_object *e, okx_side *out)
{
	int			v = 0;

	if (!get_enum(c, e, "side", JSONU_REQ, side_names, lengthof(side_names), &v))
		return false;
	*out = (okx_side) v;
	return true;
}

static bool
get_pos_side(jsonu_ctx *c, json_object *e, int flags, okx_pos_side *out)
{
	int			v = 0;

	if (!get_enum(c, e, "posSide", flags, pos_side_names, lengthof(pos_side_names), &v))
		return false;
	*out = (okx_pos_side) v;
	return true;
}

static bool
is_object(jsonu_ctx *c, json_object *elem)
{
	if (json_object_is_type(elem, json_type_object))
		return true;
	return jsonu_ctx_fail(c, JSONU_ESHAPE, NULL, "expected an object, got %s",
						  json_type_to_name(json_object_get_type(elem)));
}

/* --- /trade/order (POST), /trade/cancel-order --- */

static bool
ack_row(jsonu_ctx *c, json_object *e, okx_order_ack *a)
{
	return is_object(c, e) &&
		jsonu_get_token(c, e, "ordId", NULL, JSONU_OPT, a->ord_id, sizeof a->ord_id) &&
		jsonu_get_token(c, e, "clOrdId", NULL, JSONU_OPT, a->cl_ord_id, sizeof a->cl_ord_id) &&
		jsonu_get_token(c, e, "sCode", NULL, JSONU_REQ, a->s_code, sizeof a->s_code) &&
		jsonu_get_message(c, e, "sMsg", a->s_msg, sizeof a->s_msg) &&
		jsonu_get_epoch_ms(c, e, "ts", NULL, JSONU_OPT, &a->ts);
}

jsonu_status
okx_parse_order_ack(const char *body, size_t len, okx_order_ack *out, jsonu_error *err)
{
	static const char what[] = "okx order ack";
	okx_envelope env;
	jsonu_ctx	c;
	jsonu_status st;
	size_t		count;

	memset(out, 0, sizeof *out);
	out->ts = OKX_TS_NONE;
	st = okx_envelope_open(body, len, what, &env, err);
	if (st != JSONU_OK)
		return st;
	count = env.data ? json_object_array_length(env.data) : 0;
	jsonu_ctx_init(&c, what, err);
	jsonu_ctx_at(&c, "data[0]");
	if (count > 1)
		st = jsonu_fail(err, JSONU_ESHAPE, "%s: data holds %zu elements, expected 1", what, count);
	else if (count == 1 && !ack_row(&c, json_object_array_get_idx(env.data, 0), out))
		st = err->status;
	else if (count == 1 && strcmp(out->s_code, "0") != 0)
	{
		/* the order's own verdict: the definitive one */
		st = jsonu_fail(err, JSONU_EVENUE, "%s: order %s rejected, sCode %s: %s", what,
						out->cl_ord_id[0] ? out->cl_ord_id : "(no clOrdId)", out->s_code,
						out->s_msg[0] ? out->s_msg : (env.msg[0] ? env.msg : "(no message)"));
		snprintf(err->venue_code, sizeof err->venue_code, "%s", out->s_code);
	}
	else if (!env.ok)
	{
		st = jsonu_fail(err, JSONU_EVENUE, "%s: error %s: %s", what, env.code,
						env.msg[0] ? env.msg : "(no message)");
		snprintf(err->venue_code, sizeof err->venue_code, "%s", env.code);
	}
	else if (count == 0)
		st = jsonu_fail(err, JSONU_ESHAPE, "%s: data is empty, expected the order", what);
	okx_envelope_close(&env);
	return st;
}

/* --- /trade/order (GET), /trade/orders-pending, /trade/orders-history --- */

static bool
order_row(jsonu_ctx *c, json_object *e, void *dst)
{
	okx_order  *o = dst;
	int			state = 0;

	o->fill_time = OKX_TS_NONE;
	o->u_time = OKX_TS_NONE;
	o->reduce_only = false;
	if (!is_object(c, e) ||
		!jsonu_get_token(c, e, "instType", NULL, JSONU_REQ, o->inst_type, sizeof o->inst_type) ||
		!jsonu_get_token(c, e, "instId", NULL, JSONU_REQ, o->inst_id, sizeof o->inst_id) ||
		!jsonu_get_token(c, e, "ordId", NULL, JSONU_REQ, o->ord_id, sizeof o->ord_id) ||
		!jsonu_get_token(c, e, "clOrdId", NULL, JSONU_OPT, o->cl_ord_id, sizeof o->cl_ord_id) ||
		!get_side(c, e, &o->side) ||
		!get_pos_side(c, e, JSONU_OPT, &o->pos_side) ||
		!jsonu_get_token(c, e, "ordType", NULL, JSONU_REQ, o->ord_type, sizeof o->ord_type) ||
		!jsonu_get_token(c, e, "tdMode", NULL, JSONU_OPT, o->td_mode, sizeof o->td_mode) ||
		!get_enum(c, e, "state", JSONU_REQ, state_names, lengthof(state_names), &state))
		return false;
	o->state = (okx_order_state) state;
	return jsonu_get_decimal(c, e, "px", NULL, JSONU_OPT | JSONU_NONNEG, o->px) &&
		jsonu_get_decimal(c, e, "sz", NULL, JSONU_REQ | JSONU_NONNEG, o->sz) &&
		jsonu_get_decimal(c, e, "accFillSz", NULL, JSONU_OPT | JSONU_NONNEG, o->acc_fill_sz) &&
		jsonu_get_decimal(c, e, "avgPx", NULL, JSONU_OPT | JSONU_NONNEG, o->avg_px) &&
		jsonu_get_decimal(c, e, "fillPx", NULL, JSONU_OPT | JSONU_NONNEG, o->fill_px) &&
		jsonu_get_decimal(c, e, "fillSz", NULL, JSONU_OPT | JSONU_NONNEG, o->fill_sz) &&
		jsonu_get_epoch_ms(c, e, "fillTime", NULL, JSONU_OPT, &o->fill_time) &&
		jsonu_get_token(c, e, "tradeId", NULL, JSONU_OPT, o->trade_id, sizeof o->trade_id) &&
		jsonu_get_decimal(c, e, "fee", NULL, JSONU_OPT, o->fee) &&
		jsonu_get_token(c, e, "feeCcy", NULL, JSONU_OPT, o->fee_ccy, sizeof o->fee_ccy) &&
		jsonu_get_decimal(c, e, "pnl", NULL, JSONU_OPT, o->pnl) &&
		jsonu_get_token(c, e, "category", NULL, JSONU_OPT, o->category, sizeof o->category) &&
		jsonu_get_bool(c, e, "reduceOnly", JSONU_OPT, &o->reduce_only) &&
		jsonu_get_epoch_ms(c, e, "cTime", NULL, JSONU_REQ, &o->c_time) &&
		jsonu_get_epoch_ms(c, e, "uTime", NULL, JSONU_OPT, &o->u_time);
}

jsonu_status
okx_parse_order(const char *body, size_t len, okx_order *out, jsonu_error *err)
{
	return okx_parse_one(body, len, "okx order", order_row, out, err);
}

jsonu_status
okx_parse_orders(const char *body, size_t len, okx_order *rows, int cap, int *n,
				 jsonu_error *err)
{
	return okx_parse_rows(body, len, "okx orders", order_row, rows, sizeof *rows, cap, n, err);
}

/* --- /trade/fills, /trade/fills-history --- */

static bool
fill_row(jsonu_ctx *c, json_object *e, void *dst)
{
	okx_fill   *f = dst;

	f->fill_time = OKX_TS_NONE;
	return is_object(c, e) &&
		jsonu_get_token(c, e, "instType", NULL, JSONU_OPT, f->inst_type, sizeof f->inst_type) &&
		jsonu_get_token(c, e, "instId", NULL, JSONU_REQ, f->inst_id, sizeof f->inst_id) &&
		jsonu_get_token(c, e, "tradeId", NULL, JSONU_REQ, f->trade_id, sizeof f->trade_id) &&
		jsonu_get_token(c, e, "ordId", NULL, JSONU_REQ, f->ord_id, sizeof f->ord_id) &&
		jsonu_get_token(c, e, "clOrdId", NULL, JSONU_OPT, f->cl_ord_id, sizeof f->cl_ord_id) &&
		jsonu_get_token(c, e, "billId", NULL, JSONU_OPT, f->bill_id, sizeof f->bill_id) &&
		get_side(c, e, &f->side) &&
		get_pos_side(c, e, JSONU_OPT, &f->pos_side) &&
		jsonu_get_token(c, e, "execType", NULL, JSONU_OPT, f->exec_type, sizeof f->exec_type) &&
		jsonu_get_decimal(c, e, "fillPx", NULL, JSONU_REQ | JSONU_NONNEG, f->fill_px) &&
		jsonu_get_decimal(c, e, "fillSz", NULL, JSONU_REQ | JSONU_NONNEG, f->fill_sz) &&
		jsonu_get_decimal(c, e, "fee", NULL, JSONU_OPT, f->fee) &&
		jsonu_get_token(c, e, "feeCcy", NULL, JSONU_OPT, f->fee_ccy, sizeof f->fee_ccy) &&
		jsonu_get_epoch_ms(c, e, "ts", NULL, JSONU_REQ, &f->ts) &&
		jsonu_get_epoch_ms(c, e, "fillTime", NULL, JSONU_OPT, &f->fill_time);
}

jsonu_status
okx_parse_fills(const char *body, size_t len, okx_fill *rows, int cap, int *n, jsonu_error *err)
{
	return okx_parse_rows(body, len, "okx fills", fill_row, rows, sizeof *rows, cap, n, err);
}

/* --- /account/positions --- */

static bool
position_row(jsonu_ctx *c, json_object *e, void *dst)
{
	okx_position *p = dst;

	p->c_time = OKX_TS_NONE;
	p->u_time = OKX_TS_NONE;
	return is_object(c, e) &&
		jsonu_get_token(c, e, "instType", NULL, JSONU_REQ, p->inst_type, sizeof p->inst_type) &&
		jsonu_get_token(c, e, "instId", NULL, JSONU_REQ, p->inst_id, sizeof p->inst_id) &&
		jsonu_get_token(c, e, "posId", NULL, JSONU_OPT, p->pos_id, sizeof p->pos_id) &&
		jsonu_get_token(c, e, "mgnMode", NULL, JSONU_REQ, p->mgn_mode, sizeof p->mgn_mode) &&
		get_pos_side(c, e, JSONU_REQ, &p->pos_side) &&
		jsonu_get_decimal(c, e, "pos", NULL, JSONU_REQ, p->pos) &&
		jsonu_get_token(c, e, "posCcy", NULL, JSONU_OPT, p->pos_ccy, sizeof p->pos_ccy) &&
		jsonu_get_decimal(c, e, "avgPx", NULL, JSONU_OPT | JSONU_NONNEG, p->avg_px) &&
		jsonu_get_decimal(c, e, "markPx", NULL, JSONU_OPT | JSONU_NONNEG, p->mark_px) &&
		jsonu_get_decimal(c, e, "upl", NULL, JSONU_OPT, p->upl) &&
		jsonu_get_decimal(c, e, "realizedPnl", NULL, JSONU_OPT, p->realized_pnl) &&
		jsonu_get_decimal(c, e, "lever", NULL, JSONU_OPT | JSONU_NONNEG, p->lever) &&
		jsonu_get_decimal(c, e, "notionalUsd", NULL, JSONU_OPT, p->notional_usd) &&
		jsonu_get_epoch_ms(c, e, "cTime", NULL, JSONU_OPT, &p->c_time) &&
		jsonu_get_epoch_ms(c, e, "uTime", NULL, JSONU_OPT, &p->u_time);
}

jsonu_status
okx_parse_positions(const char *body, size_t len, okx_position *rows, int cap, int *n,
					jsonu_error *err)
{
	return okx_parse_rows(body, len, "okx positions", position_row, rows, sizeof *rows,
						  cap, n, err);
}

/* --- /account/balance --- */

typedef struct balance_dst
{
	okx_account *account;
	okx_balance *rows;
	int			cap;
	int			n;
} balance_dst;

static bool
balance_row(jsonu_ctx *c, json_object *e, okx_balance *b)
{
	b->u_time = OKX_TS_NONE;
	return is_object(c, e) &&
		jsonu_get_token(c, e, "ccy", NULL, JSONU_REQ, b->ccy, sizeof b->ccy) &&
		jsonu_get_decimal(c, e, "eq", NULL, JSONU_REQ, b->eq) &&
		jsonu_get_decimal(c, e, "cashBal", NULL, JSONU_REQ, b->cash_bal) &&
		jsonu_get_decimal(c, e, "availBal", NULL, JSONU_OPT, b->avail_bal) &&
		jsonu_get_decimal(c, e, "frozenBal", NULL, JSONU_OPT, b->frozen_bal) &&
		jsonu_get_decimal(c, e, "upl", NULL, JSONU_OPT, b->upl) &&
		jsonu_get_epoch_ms(c, e, "uTime", NULL, JSONU_OPT, &b->u_time);
}

/* data[0] is the account; its details[] are the currencies. */
static bool
account_row(jsonu_ctx *c, json_object *e, void *dst)
{
	balance_dst *d = dst;
	json_object *details;
	size_t		count,
				i;

	d->account->u_time = OKX_TS_NONE;
	if (!is_object(c, e) ||
		!jsonu_get_decimal(c, e, "totalEq", NULL, JSONU_REQ, d->account->total_eq) ||
		!jsonu_get_epoch_ms(c, e, "uTime", NULL, JSONU_OPT, &d->account->u_time) ||
		!jsonu_get_array(c, e, "details", JSONU_REQ, &details))
		return false;
	count = json_object_array_length(details);
	if (d->cap < 0 || count > (size_t) d->cap)
		return jsonu_ctx_fail(c, JSONU_ECAPACITY, "details", "%zu currencies, room for %d",
							  count, d->cap);
	for (i = 0; i < count; i++)
	{
		jsonu_ctx_at(c, "data[0].details[%zu]", i);
		if (!balance_row(c, json_object_array_get_idx(details, i), &d->rows[i]))
			return false;
	}
	d->n = (int) count;
	return true;
}

jsonu_status
okx_parse_balance(const char *body, size_t len, okx_account *account, okx_balance *rows,
				  int cap, int *n, jsonu_error *err)
{
	balance_dst d;
	jsonu_status st;

	d.account = account;
	d.rows = rows;
	d.cap = cap;
	d.n = 0;
	st = okx_parse_one(body, len, "okx balance", account_row, &d, err);
	*n = st == JSONU_OK ? d.n : 0;
	return st;
}

/* --- /account/config --- */

static bool
config_row(jsonu_ctx *c, json_object *e, void *dst)
{
	okx_account_config *cfg = dst;
	int			mode = 0;

	if (!is_object(c, e) ||
		!get_enum(c, e, "posMode", JSONU_REQ, pos_mode_names, lengthof(pos_mode_names), &mode) ||
		!jsonu_get_token(c, e, "acctLv", NULL, JSONU_OPT, cfg->acct_lv, sizeof cfg->acct_lv))
		return false;
	cfg->pos_mode = (okx_pos_mode) mode;
	return true;
}

jsonu_status
okx_parse_account_config(const char *body, size_t len, okx_account_config *out, jsonu_error *err)
{
	memset(out, 0, sizeof(*out));
	return okx_parse_one(body, len, "okx account config", config_row, out, err);
}

bool
okx_fee_split(const char *fee, const char *fee_ccy, const char *base_ccy, const char *quote_ccy,
			  double units_per_lot, double *fee_quote, double *fee_base_lots)
{
	char	   *end;
	double		amount;

	*fee_quote = NAN;
	*fee_base_lots = 0;
	if (fee[0] == '\0')
		return true;
	amount = strtod(fee, &end);
	if (end == fee || *end != '\0' || !isfinite(amount))
		return false;
	if (fee_ccy[0] && strcmp(fee_ccy, base_ccy) == 0)
	{
		if (!(isfinite(units_per_lot) && units_per_lot > 0))
			return false;
		*fee_quote = 0;
		*fee_base_lots = -amount / units_per_lot;
		return true;
	}
	if (fee_ccy[0] == '\0' || strcmp(fee_ccy, quote_ccy) == 0)
		*fee_quote = -amount;
	return true;
}
