/*
 * ibkr_parse.c: IBKR Client Portal replies: session status, accounts,
 * market-data snapshots (pre-flight included), the order reply/confirm
 * loop, order status, live orders and position pages.  See ibkr_parse.h.
 */
#include "ibkr_parse.h"

#include <stdio.h>
#include <string.h>

static const char *const state_names[] = {
	"Inactive", "PendingSubmit", "PreSubmitted", "Submitted", "Filled", "PendingCancel",
	"PreCancelled", "Cancelled", "WarnState", "ApiPending", "ApiCancelled"
};

#define lengthof(a) ((int) (sizeof (a) / sizeof ((a)[0])))

typedef bool (*row_fn) (jsonu_ctx *c, json_object *elem, void *dst);

const char *
ibkr_order_state_name(ibkr_order_state state)
{
	return (int) state >= 0 && (int) state < lengthof(state_names) ? state_names[state] : "?";
}

bool
ibkr_order_state_final(ibkr_order_state state)
{
	return state == IBKR_STATE_FILLED || state == IBKR_STATE_CANCELLED ||
		state == IBKR_STATE_INACTIVE || state == IBKR_STATE_API_CANCELLED;
}

static bool
ascii_ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
	{
		char		x = (*a >= 'A' && *a <= 'Z') ? (char) (*a + 32) : *a;
		char		y = (*b >= 'A' && *b <= 'Z') ? (char) (*b + 32) : *b;

		if (x != y)
			return false;
	}
	return *a == *b;
}

static bool
is_object(jsonu_ctx *c, json_object *elem)
{
	if (json_object_is_type(elem, json_type_object))
		return true;
	return jsonu_ctx_fail(c, JSONU_ESHAPE, NULL, "expected an object, got %s",
						  json_type_to_name(json_object_get_type(elem)));
}

/* Order status words; IBKR's capitalisation varies between endpoints. */
static bool
get_state(jsonu_ctx *c, json_object *obj, const char *key, ibkr_order_state *out)
{
	char		word[IBKR_WORD_SIZE];
	int			i;

	if (!jsonu_get_token(c, obj, key, NULL, JSONU_REQ, word, sizeof word))
		return false;
	for (i = 0; i < lengthof(state_names); i++)
		if (ascii_ieq(word, state_names[i]))
		{
			*out = (ibkr_order_state) i;
			return true;
		}
	return jsonu_ctx_fail(c, JSONU_EVALUE, key, "unknown order status \"%s\"", word);
}

/* "B", "S", "BUY", "SELL" in any case, as 'B' or 'S'. */
static bool
get_side(jsonu_ctx *c, json_object *obj, const char *key, char *out)
{
	char		word[8];

	if (!jsonu_get_token(c, obj, key, NULL, JSONU_REQ, word, sizeof word))
		return false;
	if (ascii_ieq(word, "B") || ascii_ieq(word, "BUY"))
		*out = 'B';
	else if (ascii_ieq(word, "S") || ascii_ieq(word, "SELL"))
		*out = 'S';
	else
		return jsonu_ctx_fail(c, JSONU_EVALUE, key, "unknown side \"%s\"", word);
	return true;
}

/* An id sent as a JSON integer or as text, kept as text. */
static bool
get_id(jsonu_ctx *c, json_object *obj, const char *key, int flags, char *dst, size_t size)
{
	json_object *v = jsonu_member(obj, key);

	if (v != NULL && json_object_is_type(v, json_type_int))
	{
		int64_t		id;

		dst[0] = '\0';
		if (!jsonu_get_int64(c, obj, key, NULL, JSONU_NONNEG, &id))
			return false;
		snprintf(dst, size, "%lld", (long long) id);
		return true;
	}
	return jsonu_get_token(c, obj, key, NULL, flags, dst, size);
}

/*
 * Parses the body; a top-level {"error": "..."} becomes JSONU_EVENUE, its
 * text also copied to errtext when given.
 */
static jsonu_status
open_reply(const char *body, size_t len, const char *what, json_object **root,
		   char *errtext, size_t errsize, jsonu_error *err)
{
	json_object *e;
	jsonu_status st = jsonu_parse(body, len, what, root, err);
	jsonu_ctx	c;
	char		text[IBKR_MSG_SIZE];

	if (st != JSONU_OK)
		return st;
	e = jsonu_member(*root, "error");
	if (e == NULL || !json_object_is_type(e, json_type_string))
		return JSONU_OK;
	jsonu_ctx_init(&c, what, err);
	jsonu_get_message(&c, *root, "error", text, sizeof text);
	if (errtext != NULL)
		snprintf(errtext, errsize, "%s", text);
	jsonu_fail(err, JSONU_EVENUE, "%s: %s", what, text[0] ? text : "(empty error)");
	snprintf(err->venue_code, sizeof err->venue_code, "error");
	json_object_put(*root);
	*root = NULL;
	return JSONU_EVENUE;
}

static bool
rows_of(jsonu_ctx *c, json_object *arr, const char *prefix, row_fn row, void *rows,
		size_t row_size, int cap, int *n)
{
	size_t		count = json_object_array_length(arr);
	size_t		i;

	if (cap < 0 || count > (size_t) cap)
		return jsonu_ctx_fail(c, JSONU_ECAPACITY, prefix, "%zu rows, room for %d", count, cap);
	for (i = 0; i < count; i++)
	{
		jsonu_ctx_at(c, "%s[%zu]", prefix, i);
		if (!row(c, json_object_array_get_idx(arr, i), (char *) rows + i * row_size))
			return false;
	}
	*n = (int) count;
	return true;
}

/* A reply whose root is an array of rows. */
static jsonu_status
parse_array(const char *body, size_t len, const char *what, row_fn row, void *rows,
			size_t row_size, int cap, int *n, jsonu_error *err)
{
	json_object *root;
	jsonu_ctx	c;
	jsonu_status st = open_reply(body, len, what, &root, NULL, 0, err);

	*n = 0;
	if (st != JSONU_OK)
		return st;
	jsonu_ctx_init(&c, what, err);
	if (!json_object_is_type(root, json_type_array))
		jsonu_ctx_fail(&c, JSONU_ESHAPE, NULL, "expected an array, got %s",
					   json_type_to_name(json_object_get_type(root)));
	else
		rows_of(&c, root, "", row, rows, row_size, cap, n);
	if (err->status != JSONU_OK)
		*n = 0;
	json_object_put(root);
	return err->status;
}

/* --- /iserver/auth/status, /tickle --- */

static bool
auth_fields(jsonu_ctx *c, json_object *o, ibkr_auth_status *a)
{
	return jsonu_get_bool(c, o, "authenticated", JSONU_REQ, &a->authenticated) &&
		jsonu_get_bool(c, o, "connected", JSONU_OPT, &a->connected) &&
		jsonu_get_bool(c, o, "competing", JSONU_OPT, &a->competing) &&
		jsonu_get_message(c, o, "message", a->message, sizeof a->message) &&
		jsonu_get_message(c, o, "fail", a->fail, sizeof a->fail);
}

jsonu_status
ibkr_parse_auth_status(const char *body, size_t len, ibkr_auth_status *out, jsonu_error *err)
{
	static const char what[] = "ibkr auth status";
	json_object *root,
			   *iserver = NULL,
			   *auth = NULL;
	jsonu_ctx	c;
	jsonu_status st = open_reply(body, len, what, &root, NULL, 0, err);

	memset(out, 0, sizeof *out);
	if (st != JSONU_OK)
		return st;
	jsonu_ctx_init(&c, what, err);
	if (!is_object(&c, root))
		;
	else if (jsonu_member(root, "authenticated") != NULL)
		auth_fields(&c, root, out);
	else if (jsonu_member(root, "session") == NULL)
		jsonu_ctx_fail(&c, JSONU_ESHAPE, NULL,
					   "neither an auth status (authenticated) nor a tickle (session)");
	else if (jsonu_get_text(&c, root, "session", NULL, JSONU_OPT, out->session, sizeof out->session) &&
			 jsonu_get_object(&c, root, "iserver", JSONU_OPT, &iserver) &&
			 jsonu_get_object(&c, iserver, "authStatus", JSONU_OPT, &auth) &&
			 auth != NULL)
	{
		/* a tickle; without iserver.authStatus the session is not logged in */
		jsonu_ctx_at(&c, "iserver.authStatus");
		auth_fields(&c, auth, out);
	}
	json_object_put(root);
	return err->status;
}

/* --- /iserver/accounts --- */

jsonu_status
ibkr_parse_accounts(const char *body, size_t len, ibkr_accounts *out, jsonu_error *err)
{
	static const char what[] = "ibkr accounts";
	json_object *root,
			   *list;
	jsonu_ctx	c;
	size_t		count,
				i;
	jsonu_status st = open_reply(body, len, what, &root, NULL, 0, err);

	memset(out, 0, sizeof *out);
	if (st != JSONU_OK)
		return st;
	jsonu_ctx_init(&c, what, err);
	if (is_object(&c, root) &&
		jsonu_get_array(&c, root, "accounts", JSONU_REQ, &list) &&
		jsonu_get_token(&c, root, "selectedAccount", NULL, JSONU_OPT,
						out->selected, sizeof out->selected) &&
		jsonu_get_bool(&c, root, "isPaper", JSONU_OPT, &out->is_paper))
	{
		count = json_object_array_length(list);
		if (count > IBKR_MAX_ACCOUNTS)
			jsonu_ctx_fail(&c, JSONU_ECAPACITY, "accounts", "%zu accounts, room for %d",
						   count, IBKR_MAX_ACCOUNTS);
		for (i = 0; i < count && err->status == JSONU_OK; i++)
		{
			jsonu_ctx_at(&c, "accounts[%zu]", i);
			jsonu_get_token(&c, json_object_array_get_idx(list, i), NULL, "", JSONU_REQ,
							out->accounts[i], sizeof out->accounts[i]);
		}
		if (err->status == JSONU_OK)
			out->n_accounts = (int) count;
	}
	json_object_put(root);
	return err->status;
}

/* --- /iserver/marketdata/snapshot --- */

/* Field 31: a decimal, perhaps prefixed C (previous close) or H (halted). */
static bool
get_last(jsonu_ctx *c, json_object *e, ibkr_snapshot *s)
{
	json_object *v = jsonu_member(e, IBKR_FIELD_LAST);
	char		text[IBKR_DEC_SIZE + 1];
	const char *num = text;

	s->last_flag = '\0';
	if (v == NULL || !json_object_is_type(v, json_type_string))
		return jsonu_get_decimal(c, e, IBKR_FIELD_LAST, "31 (last)", JSONU_OPT, s->last);
	if (!jsonu_get_text(c, e, IBKR_FIELD_LAST, "31 (last)", JSONU_OPT, text, sizeof text))
		return false;
	if (text[0] == 'C' || text[0] == 'H')
		s->last_flag = *num++;
	if (text[0] == '\0')
		return true;
	if (!jsonu_decimal_syntax(num, strlen(num)) || jsonu_decimal_negative(num))
		return jsonu_ctx_fail(c, JSONU_EVALUE, "31 (last)", "not a price: \"%s\"", text);
	memcpy(s->last, num, strlen(num) + 1);
	return true;
}

static bool
snapshot_row(jsonu_ctx *c, json_object *e, void *dst)
{
	ibkr_snapshot *s = dst;

	memset(s, 0, sizeof *s);
	s->updated = IBKR_TS_NONE;
	if (!is_object(c, e) ||
		!jsonu_get_int64(c, e, "conid", NULL, JSONU_REQ | JSONU_NONNEG, &s->conid) ||
		!jsonu_get_epoch_ms(c, e, "_updated", NULL, JSONU_OPT, &s->updated) ||
		!get_last(c, e, s) ||
		!jsonu_get_decimal(c, e, IBKR_FIELD_BID, "84 (bid)", JSONU_OPT | JSONU_NONNEG, s->bid) ||
		!jsonu_get_decimal(c, e, IBKR_FIELD_ASK, "86 (ask)", JSONU_OPT | JSONU_NONNEG, s->ask) ||
		!jsonu_get_decimal(c, e, IBKR_FIELD_MARK, "7635 (mark)", JSONU_OPT | JSONU_NONNEG, s->mark) ||
		!jsonu_get_text(c, e, IBKR_FIELD_SYMBOL, "55 (symbol)", JSONU_OPT, s->symbol, sizeof s->symbol) ||
		!jsonu_get_token(c, e, IBKR_FIELD_AVAILABILITY, "6509 (availability)", JSONU_OPT,
						 s->availability, sizeof s->availability))
		return false;
	s->has_data = s->last[0] || s->bid[0] || s->ask[0] || s->mark[0];
	return true;
}

jsonu_status
ibkr_parse_snapshot(const char *body, size_t len, ibkr_snapshot *rows, int cap, int *n,
					jsonu_error *err)
{
	return parse_array(body, len, "ibkr snapshot", snapshot_row, rows, sizeof *rows, cap, n, err);
}

/* --- /iserver/account/{acct}/orders, /iserver/reply/{id} --- */

/* message: ["q1", "q2"] joined by " | "; messageIds likewise by ",". */
static bool
join_strings(jsonu_ctx *c, json_object *e, const char *key, int flags, const char *sep,
			 char *dst, size_t size)
{
	json_object *arr;
	size_t		i,
				used = 0;
	char		part[IBKR_MSG_SIZE];

	dst[0] = '\0';
	if (!jsonu_get_array(c, e, key, flags, &arr))
		return false;
	if (arr == NULL)
		return true;
	if (!(flags & JSONU_OPT) && json_object_array_length(arr) == 0)
		return jsonu_ctx_fail(c, JSONU_ESHAPE, key, "empty");
	for (i = 0; i < json_object_array_length(arr); i++)
	{
		json_object *v = json_object_array_get_idx(arr, i);

		if (v == NULL || !json_object_is_type(v, json_type_string))
			return jsonu_ctx_fail(c, JSONU_ESHAPE, key, "element %zu is not a string", i);
		jsonu_get_message(c, v, NULL, part, sizeof part);
		if (used < size)
			used += (size_t) snprintf(dst + used, size - used, "%s%s", i ? sep : "", part);
	}
	jsonu_utf8_trim(dst);		/* the last part may have been cut */
	return true;
}

static bool
reply_row(jsonu_ctx *c, json_object *e, ibkr_order_reply *r)
{
	if (!is_object(c, e))
		return false;
	if (jsonu_member(e, "order_id") != NULL)
	{
		r->kind = IBKR_REPLY_PLACED;
		return get_id(c, e, "order_id", JSONU_REQ, r->order_id, sizeof r->order_id) &&
			get_state(c, e, "order_status", &r->state) &&
			jsonu_get_token(c, e, "local_order_id", NULL, JSONU_OPT,
							r->local_order_id, sizeof r->local_order_id);
	}
	if (jsonu_member(e, "id") != NULL)
	{
		r->kind = IBKR_REPLY_QUESTION;
		return jsonu_get_token(c, e, "id", NULL, JSONU_REQ, r->reply_id, sizeof r->reply_id) &&
			join_strings(c, e, "message", JSONU_REQ, " | ", r->message, sizeof r->message) &&
			join_strings(c, e, "messageIds", JSONU_OPT, ",", r->message_ids, sizeof r->message_ids);
	}
	if (jsonu_member(e, "error") != NULL)
	{
		r->kind = IBKR_REPLY_REJECTED;
		return jsonu_get_message(c, e, "error", r->message, sizeof r->message);
	}
	return jsonu_ctx_fail(c, JSONU_ESHAPE, NULL,
						  "neither an order (order_id), a question (id, message) nor an error");
}

jsonu_status
ibkr_parse_order_reply(const char *body, size_t len, ibkr_order_reply *out, jsonu_error *err)
{
	static const char what[] = "ibkr order reply";
	json_object *root,
			   *elem;
	jsonu_ctx	c;
	jsonu_status st;

	memset(out, 0, sizeof *out);
	st = open_reply(body, len, what, &root, out->message, sizeof out->message, err);
	if (st == JSONU_EVENUE)
		out->kind = IBKR_REPLY_REJECTED;
	if (st != JSONU_OK)
		return st;
	jsonu_ctx_init(&c, what, err);
	elem = root;
	if (json_object_is_type(root, json_type_array))
	{
		/* one order per request: one answer */
		if (json_object_array_length(root) != 1)
			jsonu_ctx_fail(&c, JSONU_ESHAPE, NULL, "%zu elements, expected 1",
						   json_object_array_length(root));
		jsonu_ctx_at(&c, "[0]");
		elem = json_object_array_get_idx(root, 0);
	}
	if (err->status == JSONU_OK && reply_row(&c, elem, out) && out->kind == IBKR_REPLY_REJECTED)
	{
		jsonu_fail(err, JSONU_EVENUE, "%s: %s", what,
				   out->message[0] ? out->message : "(empty error)");
		snprintf(err->venue_code, sizeof err->venue_code, "error");
	}
	json_object_put(root);
	return err->status;
}

/* --- /iserver/account/order/status/{id} --- */

static bool
order_time_ok(jsonu_ctx *c, const char *t)
{
	size_t		i;

	if (t[0] == '\0')
		return true;
	for (i = 0; t[i]; i++)
		if (t[i] < '0' || t[i] > '9')
			break;
	if (i == 12 && t[i] == '\0')
		return true;
	return jsonu_ctx_fail(c, JSONU_EVALUE, "order_time", "expected yyMMddHHmmss, got \"%s\"", t);
}

jsonu_status
ibkr_parse_order_status(const char *body, size_t len, ibkr_order_status *out, jsonu_error *err)
{
	static const char what[] = "ibkr order status";
	json_object *root;
	jsonu_ctx	c;
	jsonu_status st = open_reply(body, len, what, &root, NULL, 0, err);

	memset(out, 0, sizeof *out);
	if (st != JSONU_OK)
		return st;
	jsonu_ctx_init(&c, what, err);
	(void) (is_object(&c, root) &&
			get_id(&c, root, "order_id", JSONU_REQ, out->order_id, sizeof out->order_id) &&
			jsonu_get_int64(&c, root, "conid", NULL, JSONU_REQ | JSONU_NONNEG, &out->conid) &&
			jsonu_get_text(&c, root, "symbol", NULL, JSONU_OPT, out->symbol, sizeof out->symbol) &&
			get_side(&c, root, "side", &out->side) &&
			get_state(&c, root, "order_status", &out->state) &&
			jsonu_get_token(&c, root, "order_type", NULL, JSONU_OPT,
							out->order_type, sizeof out->order_type) &&
			jsonu_get_decimal(&c, root, "total_size", NULL, JSONU_REQ | JSONU_NONNEG, out->total_size) &&
			jsonu_get_decimal(&c, root, "cum_fill", NULL, JSONU_REQ | JSONU_NONNEG, out->cum_fill) &&
			jsonu_get_decimal(&c, root, "size", NULL, JSONU_OPT | JSONU_NONNEG, out->remaining) &&
			jsonu_get_decimal(&c, root, "average_price", NULL, JSONU_OPT | JSONU_NONNEG | JSONU_NAN_ABSENT,
							  out->average_price) &&
			jsonu_get_text(&c, root, "order_time", NULL, JSONU_OPT,
						   out->order_time, sizeof out->order_time) &&
			order_time_ok(&c, out->order_time));
	json_object_put(root);
	return err->status;
}

/* --- /iserver/account/orders --- */

static bool
live_order_row(jsonu_ctx *c, json_object *e, void *dst)
{
	ibkr_live_order *o = dst;

	memset(o, 0, sizeof *o);
	o->last_execution = IBKR_TS_NONE;
	return is_object(c, e) &&
		get_id(c, e, "orderId", JSONU_REQ, o->order_id, sizeof o->order_id) &&
		jsonu_get_int64(c, e, "conid", NULL, JSONU_REQ | JSONU_NONNEG, &o->conid) &&
		jsonu_get_token(c, e, "order_ref", NULL, JSONU_OPT, o->order_ref, sizeof o->order_ref) &&
		get_side(c, e, "side", &o->side) &&
		get_state(c, e, "status", &o->state) &&
		jsonu_get_decimal(c, e, "filledQuantity", NULL, JSONU_OPT | JSONU_NONNEG, o->filled) &&
		jsonu_get_decimal(c, e, "remainingQuantity", NULL, JSONU_OPT | JSONU_NONNEG, o->remaining) &&
		jsonu_get_decimal(c, e, "totalSize", NULL, JSONU_OPT | JSONU_NONNEG, o->total_size) &&
		jsonu_get_decimal(c, e, "avgPrice", NULL, JSONU_OPT | JSONU_NONNEG | JSONU_NAN_ABSENT,
						  o->avg_price) &&
		jsonu_get_text(c, e, "ticker", NULL, JSONU_OPT, o->ticker, sizeof o->ticker) &&
		jsonu_get_epoch_ms(c, e, "lastExecutionTime_r", NULL, JSONU_OPT, &o->last_execution);
}

jsonu_status
ibkr_parse_live_orders(const char *body, size_t len, ibkr_live_order *rows, int cap, int *n,
					   jsonu_error *err)
{
	static const char what[] = "ibkr live orders";
	json_object *root,
			   *orders = NULL;
	jsonu_ctx	c;
	jsonu_status st = open_reply(body, len, what, &root, NULL, 0, err);

	*n = 0;
	if (st != JSONU_OK)
		return st;
	jsonu_ctx_init(&c, what, err);
	/* the first call after a restart may answer without orders: none yet */
	if (is_object(&c, root) && jsonu_get_array(&c, root, "orders", JSONU_OPT, &orders) &&
		orders != NULL)
		rows_of(&c, orders, "orders", live_order_row, rows, sizeof *rows, cap, n);
	if (err->status != JSONU_OK)
		*n = 0;
	json_object_put(root);
	return err->status;
}

/* --- /iserver/account/trades --- */

static bool
trade_row(jsonu_ctx *c, json_object *e, void *dst)
{
	ibkr_trade *t = dst;

	memset(t, 0, sizeof *t);
	t->trade_time = IBKR_TS_NONE;
	return is_object(c, e) &&
		get_id(c, e, "execution_id", JSONU_REQ, t->execution_id, sizeof t->execution_id) &&
		jsonu_get_token(c, e, "order_ref", NULL, JSONU_OPT, t->order_ref, sizeof t->order_ref) &&
		jsonu_get_int64(c, e, "conid", NULL, JSONU_OPT | JSONU_NONNEG, &t->conid) &&
		get_side(c, e, "side", &t->side) &&
		jsonu_get_decimal(c, e, "size", NULL, JSONU_REQ | JSONU_NONNEG, t->size) &&
		jsonu_get_decimal(c, e, "price", NULL, JSONU_REQ | JSONU_NONNEG, t->price) &&
		jsonu_get_decimal(c, e, "commission", NULL, JSONU_OPT | JSONU_NAN_ABSENT, t->commission) &&
		jsonu_get_epoch_ms(c, e, "trade_time_r", NULL, JSONU_OPT, &t->trade_time);
}

jsonu_status
ibkr_parse_trades(const char *body, size_t len, ibkr_trade *rows, int cap, int *n, jsonu_error *err)
{
	return parse_array(body, len, "ibkr trades", trade_row, rows, sizeof *rows, cap, n, err);
}

/* --- /portfolio/{acct}/positions/{page} --- */

static bool
put_or_call_ok(jsonu_ctx *c, const char *word, char *out)
{
	*out = '\0';
	if (word[0] == '\0')
		return true;
	if ((word[0] == 'C' || word[0] == 'P') && word[1] == '\0')
	{
		*out = word[0];
		return true;
	}
	return jsonu_ctx_fail(c, JSONU_EVALUE, "putOrCall", "expected \"C\" or \"P\", got \"%s\"", word);
}

static bool
position_row(jsonu_ctx *c, json_object *e, void *dst)
{
	ibkr_position *p = dst;
	char		poc[4];
	const int	opt = JSONU_OPT | JSONU_NAN_ABSENT;

	memset(p, 0, sizeof *p);
	return is_object(c, e) &&
		jsonu_get_token(c, e, "acctId", NULL, JSONU_REQ, p->acct_id, sizeof p->acct_id) &&
		jsonu_get_int64(c, e, "conid", NULL, JSONU_REQ | JSONU_NONNEG, &p->conid) &&
		jsonu_get_message(c, e, "contractDesc", p->contract_desc, sizeof p->contract_desc) &&
		jsonu_get_decimal(c, e, "position", NULL, JSONU_REQ, p->position) &&
		jsonu_get_decimal(c, e, "mktPrice", NULL, opt | JSONU_NONNEG, p->mkt_price) &&
		jsonu_get_decimal(c, e, "mktValue", NULL, opt, p->mkt_value) &&
		jsonu_get_decimal(c, e, "avgCost", NULL, opt, p->avg_cost) &&
		jsonu_get_decimal(c, e, "avgPrice", NULL, opt, p->avg_price) &&
		jsonu_get_decimal(c, e, "realizedPnl", NULL, opt, p->realized_pnl) &&
		jsonu_get_decimal(c, e, "unrealizedPnl", NULL, opt, p->unrealized_pnl) &&
		jsonu_get_token(c, e, "currency", NULL, JSONU_OPT, p->currency, sizeof p->currency) &&
		jsonu_get_token(c, e, "assetClass", NULL, JSONU_OPT, p->asset_class, sizeof p->asset_class) &&
		jsonu_get_token(c, e, "expiry", NULL, JSONU_OPT, p->expiry, sizeof p->expiry) &&
		jsonu_get_token(c, e, "putOrCall", NULL, JSONU_OPT, poc, sizeof poc) &&
		put_or_call_ok(c, poc, &p->put_or_call) &&
		jsonu_get_decimal(c, e, "strike", NULL, opt | JSONU_NONNEG, p->strike) &&
		jsonu_get_decimal(c, e, "multiplier", NULL, opt | JSONU_NONNEG, p->multiplier) &&
		jsonu_get_int64(c, e, "undConid", NULL, JSONU_OPT | JSONU_NONNEG, &p->und_conid);
}

jsonu_status
ibkr_parse_positions(const char *body, size_t len, ibkr_position *rows, int cap, int *n,
					 jsonu_error *err)
{
	return parse_array(body, len, "ibkr positions", position_row, rows, sizeof *rows, cap, n, err);
}
