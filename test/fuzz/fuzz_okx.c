/*
 * fuzz_okx.c: libFuzzer target for every OKX parser (okx_parse.h) and the
 * text checks of json_util.h.  Each input is fed to all of them; besides
 * the sanitizers, a parse that succeeds must leave every text field
 * NUL-terminated inside its array, every decimal field valid (or empty
 * where allowed), timestamps in range, enums in range and candles in
 * descending order, or the target aborts.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc/net $(pkg-config --cflags json-c) \
 *     test/fuzz/fuzz_okx.c src/net/json_util.c src/net/json_util_get.c src/net/okx_parse.c \
 *     src/net/okx_parse_trade.c $(pkg-config --libs json-c)
 */
#include "okx_parse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int			LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#define CANDLE_CAP 300
#define ROW_CAP 64

static void
fail(const char *what, const char *field)
{
	fprintf(stderr, "fuzz_okx: invariant broken: %s %s\n", what, field);
	abort();
}

/* A text field: NUL inside its array. */
#define TEXT(what, f) \
	do { if (memchr((f), '\0', sizeof(f)) == NULL || !jsonu_utf8_valid((f), strlen(f))) \
			fail(what, #f); } while (0)
/* A decimal field: valid, or empty when allowed. */
#define DEC(what, f, empty_ok) \
	do { TEXT(what, f); \
		 if ((f)[0] == '\0' ? !(empty_ok) : !jsonu_decimal_syntax((f), strlen(f))) fail(what, #f); \
	} while (0)
#define TS(what, t, none_ok) \
	do { if (!(((t) >= 0 && (t) <= JSONU_EPOCH_MS_MAX) || ((none_ok) && (t) == OKX_TS_NONE))) \
			fail(what, #t); } while (0)

static void
check_error(jsonu_status st, const jsonu_error *err)
{
	if (st != err->status)
		fail("error", "status differs from err->status");
	if (memchr(err->msg, '\0', sizeof err->msg) == NULL ||
		memchr(err->venue_code, '\0', sizeof err->venue_code) == NULL)
		fail("error", "unterminated");
	if (!jsonu_utf8_valid(err->msg, strlen(err->msg)))
		fail("error", "message not valid UTF-8");
	if ((st == JSONU_OK) != (err->msg[0] == '\0'))
		fail("error", "message present iff failed");
	if ((st == JSONU_EVENUE) != (err->venue_code[0] != '\0'))
		fail("error", "venue_code present iff venue error");
}

static void
text_checks(const unsigned char *data, size_t size)
{
	char		buf[40];
	size_t		len = size < sizeof buf - 1 ? size : sizeof buf - 1;
	int64_t		v = 0;
	jsonu_int_result r;

	memcpy(buf, data, len);
	buf[len] = '\0';
	len = strlen(buf);
	/* differential: where our grammar accepts, strtoll must agree exactly */
	r = jsonu_int64_from_text(buf, len, &v);
	if (r != JSONU_INT_SYNTAX)
	{
		char	   *end;
		long long	w;

		errno = 0;
		w = strtoll(buf, &end, 10);
		if (*end != '\0' || (r == JSONU_INT_OK) != (errno == 0) || (r == JSONU_INT_OK && w != v))
			fail("int64", buf);
	}
	if (jsonu_decimal_syntax(buf, len))
	{
		char	   *end;

		(void) strtod(buf, &end);
		if (*end != '\0' || len > JSONU_DECIMAL_MAX)
			fail("decimal", buf);
	}
}

static void
market(const char *body, size_t size)
{
	static okx_candle k[CANDLE_CAP];
	static okx_funding f[ROW_CAP];
	static okx_instrument in[ROW_CAP];
	static okx_ratio r[ROW_CAP];
	okx_ticker	t;
	okx_mark_price m;
	okx_index_ticker x;
	okx_open_interest o;
	jsonu_error err;
	jsonu_status st;
	int64_t		ts;
	int			n,
				i;

	st = okx_parse_time(body, size, &ts, &err);
	check_error(st, &err);
	if (st == JSONU_OK)
		TS("time", ts, 0);

	st = okx_parse_candles(body, size, k, CANDLE_CAP, &n, &err);
	check_error(st, &err);
	if (st != JSONU_OK && n != 0)
		fail("candles", "rows after an error");
	for (i = 0; st == JSONU_OK && i < n; i++)
	{
		TS("candle", k[i].ts, 0);
		if (i > 0 && k[i].ts >= k[i - 1].ts)
			fail("candle", "order");
		DEC("candle", k[i].open, 0);
		DEC("candle", k[i].high, 0);
		DEC("candle", k[i].low, 0);
		DEC("candle", k[i].close, 0);
		DEC("candle", k[i].vol, 0);
		DEC("candle", k[i].vol_ccy, 0);
		DEC("candle", k[i].vol_ccy_quote, 0);
		if (jsonu_decimal_negative(k[i].vol))
			fail("candle", "negative vol");
	}
	check_error(okx_parse_candles(body, size, k, 1, &n, &err), &err);

	st = okx_parse_ticker(body, size, &t, &err);
	check_error(st, &err);
	if (st == JSONU_OK)
	{
		TEXT("ticker", t.inst_id);
		TEXT("ticker", t.inst_type);
		if (t.inst_id[0] == '\0')
			fail("ticker", "inst_id empty");
		DEC("ticker", t.last, 0);
		DEC("ticker", t.last_sz, 1);
		DEC("ticker", t.bid_px, 1);
		DEC("ticker", t.bid_sz, 1);
		DEC("ticker", t.ask_px, 1);
		DEC("ticker", t.ask_sz, 1);
		TS("ticker", t.ts, 0);
	}

	st = okx_parse_mark_price(body, size, &m, &err);
	check_error(st, &err);
	if (st == JSONU_OK)
	{
		TEXT("mark", m.inst_id);
		DEC("mark", m.mark_px, 0);
		TS("mark", m.ts, 0);
	}

	st = okx_parse_index_ticker(body, size, &x, &err);
	check_error(st, &err);
	if (st == JSONU_OK)
	{
		DEC("index", x.idx_px, 0);
		TS("index", x.ts, 0);
	}

	st = okx_parse_open_interest(body, size, &o, &err);
	check_error(st, &err);
	if (st == JSONU_OK)
	{
		DEC("oi", o.oi, 0);
		DEC("oi", o.oi_ccy, 0);
		DEC("oi", o.oi_usd, 1);
		TS("oi", o.ts, 0);
	}

	st = okx_parse_funding_rate(body, size, &f[0], &err);
	check_error(st, &err);
	n = st == JSONU_OK ? 1 : 0;
	if (st == JSONU_OK || (st = okx_parse_funding_history(body, size, f, ROW_CAP, &n, &err)) == JSONU_OK)
		for (i = 0; i < n; i++)
		{
			DEC("funding", f[i].funding_rate, 0);
			DEC("funding", f[i].realized_rate, 1);
			DEC("funding", f[i].sett_funding_rate, 1);
			TEXT("funding", f[i].method);
			TS("funding", f[i].funding_time, 0);
			TS("funding", f[i].next_funding_time, 1);
			TS("funding", f[i].ts, 1);
		}
	check_error(st, &err);

	st = okx_parse_instruments(body, size, in, ROW_CAP, &n, &err);
	check_error(st, &err);
	for (i = 0; st == JSONU_OK && i < n; i++)
	{
		TEXT("instrument", in[i].state);
		DEC("instrument", in[i].ct_val, 1);
		DEC("instrument", in[i].ct_mult, 1);
		DEC("instrument", in[i].lot_sz, 0);
		DEC("instrument", in[i].min_sz, 0);
		DEC("instrument", in[i].tick_sz, 0);
		if (strcmp(in[i].inst_type, "SWAP") == 0 && in[i].ct_val[0] == '\0')
			fail("instrument", "swap without ctVal");
	}

	st = okx_parse_long_short_ratio(body, size, r, ROW_CAP, &n, &err);
	check_error(st, &err);
	for (i = 0; st == JSONU_OK && i < n; i++)
	{
		TS("ratio", r[i].ts, 0);
		if (i > 0 && r[i].ts >= r[i - 1].ts)
			fail("ratio", "order");
		DEC("ratio", r[i].ratio, 0);
		if (jsonu_decimal_negative(r[i].ratio))
			fail("ratio", "negative ratio");
	}
}

static void
trading(const char *body, size_t size)
{
	static okx_order o[ROW_CAP];
	static okx_fill f[ROW_CAP];
	static okx_position p[ROW_CAP];
	static okx_balance b[ROW_CAP];
	okx_order_ack a;
	okx_account acct;
	okx_account_config cfg;
	jsonu_error err;
	jsonu_status st;
	int			n,
				i;

	st = okx_parse_order_ack(body, size, &a, &err);
	check_error(st, &err);
	if (st == JSONU_OK && strcmp(a.s_code, "0") != 0)
		fail("ack", "ok with a non-zero sCode");
	TEXT("ack", a.s_msg);
	TEXT("ack", a.ord_id);

	st = okx_parse_order(body, size, &o[0], &err);
	check_error(st, &err);
	n = st == JSONU_OK ? 1 : 0;
	if (st == JSONU_OK || (st = okx_parse_orders(body, size, o, ROW_CAP, &n, &err)) == JSONU_OK)
		for (i = 0; i < n; i++)
		{
			if ((int) o[i].state < 0 || o[i].state > OKX_STATE_MMP_CANCELED ||
				(int) o[i].side < 0 || o[i].side > OKX_SIDE_SELL ||
				(int) o[i].pos_side < 0 || o[i].pos_side > OKX_POS_SHORT)
				fail("order", "enum");
			TEXT("order", o[i].ord_id);
			if (strlen(okx_order_state_name(o[i].state)) < 4 || strlen(okx_side_name(o[i].side)) < 3 ||
				strlen(okx_pos_side_name(o[i].pos_side)) < 3)
				fail("order", "enum name");
			DEC("order", o[i].px, 1);
			DEC("order", o[i].sz, 0);
			DEC("order", o[i].acc_fill_sz, 1);
			DEC("order", o[i].avg_px, 1);
			DEC("order", o[i].fill_px, 1);
			DEC("order", o[i].fee, 1);
			DEC("order", o[i].pnl, 1);
			TS("order", o[i].c_time, 0);
			TS("order", o[i].u_time, 1);
			TS("order", o[i].fill_time, 1);
		}
	check_error(st, &err);

	st = okx_parse_fills(body, size, f, ROW_CAP, &n, &err);
	check_error(st, &err);
	for (i = 0; st == JSONU_OK && i < n; i++)
	{
		DEC("fill", f[i].fill_px, 0);
		DEC("fill", f[i].fill_sz, 0);
		DEC("fill", f[i].fee, 1);
		TEXT("fill", f[i].exec_type);
		TS("fill", f[i].ts, 0);
	}

	st = okx_parse_positions(body, size, p, ROW_CAP, &n, &err);
	check_error(st, &err);
	for (i = 0; st == JSONU_OK && i < n; i++)
	{
		DEC("position", p[i].pos, 0);
		DEC("position", p[i].avg_px, 1);
		DEC("position", p[i].upl, 1);
		DEC("position", p[i].notional_usd, 1);
		TS("position", p[i].u_time, 1);
	}

	st = okx_parse_balance(body, size, &acct, b, ROW_CAP, &n, &err);
	check_error(st, &err);
	if (st == JSONU_OK)
		DEC("balance", acct.total_eq, 0);
	for (i = 0; st == JSONU_OK && i < n; i++)
	{
		TEXT("balance", b[i].ccy);
		DEC("balance", b[i].eq, 0);
		DEC("balance", b[i].cash_bal, 0);
		DEC("balance", b[i].avail_bal, 1);
	}
	check_error(okx_parse_balance(body, size, &acct, b, 1, &n, &err), &err);

	st = okx_parse_account_config(body, size, &cfg, &err);
	check_error(st, &err);
	if (st == JSONU_OK && cfg.pos_mode != OKX_POS_MODE_NET && cfg.pos_mode != OKX_POS_MODE_LONG_SHORT)
		fail("account config", "posMode outside its enum");
	TEXT("account config", cfg.acct_lv);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *body = (const char *) data;
	okx_envelope env;
	jsonu_error err;

	text_checks(data, size);
	if (okx_envelope_open(body, size, "fuzz", &env, &err) == JSONU_OK)
	{
		okx_code_classify(env.code);
		okx_envelope_close(&env);
	}
	market(body, size);
	trading(body, size);
	return 0;
}
