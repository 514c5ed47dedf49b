/*
 * fuzz_ibkr.c: libFuzzer target for every IBKR parser (ibkr_parse.h).
 * Each input is fed to all of them; besides the sanitizers, a parse that
 * succeeds must leave every text field NUL-terminated inside its array,
 * decimals valid (or empty where allowed), enums and flags in range, or the
 * target aborts.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc/net $(pkg-config --cflags json-c) \
 *     test/fuzz/fuzz_ibkr.c src/net/json_util.c src/net/json_util_get.c src/net/ibkr_parse.c \
 *     $(pkg-config --libs json-c)
 */
#include "ibkr_parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int			LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#define ROW_CAP 100					/* a positions page */

static void
fail(const char *what, const char *field)
{
	fprintf(stderr, "fuzz_ibkr: invariant broken: %s %s\n", what, field);
	abort();
}

#define TEXT(what, f) \
	do { if (memchr((f), '\0', sizeof(f)) == NULL || !jsonu_utf8_valid((f), strlen(f))) \
			fail(what, #f); } while (0)
#define DEC(what, f, empty_ok) \
	do { TEXT(what, f); \
		 if ((f)[0] == '\0' ? !(empty_ok) : !jsonu_decimal_syntax((f), strlen(f))) fail(what, #f); \
	} while (0)
#define STATE(what, s) \
	do { if ((int) (s) < 0 || (s) > IBKR_STATE_API_CANCELLED || \
			 strcmp(ibkr_order_state_name(s), "?") == 0) fail(what, #s); \
		 (void) ibkr_order_state_final(s); } while (0)
#define SIDE(what, s) \
	do { if ((s) != 'B' && (s) != 'S') fail(what, #s); } while (0)

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
session(const char *body, size_t size)
{
	ibkr_auth_status a;
	ibkr_accounts acc;
	jsonu_error err;
	jsonu_status st;
	int			i;

	st = ibkr_parse_auth_status(body, size, &a, &err);
	check_error(st, &err);
	TEXT("auth", a.message);
	TEXT("auth", a.fail);
	TEXT("auth", a.session);

	st = ibkr_parse_accounts(body, size, &acc, &err);
	check_error(st, &err);
	if (st == JSONU_OK && (acc.n_accounts < 0 || acc.n_accounts > IBKR_MAX_ACCOUNTS))
		fail("accounts", "n_accounts");
	for (i = 0; st == JSONU_OK && i < acc.n_accounts; i++)
		TEXT("accounts", acc.accounts[i]);
	TEXT("accounts", acc.selected);
}

static void
market(const char *body, size_t size)
{
	static ibkr_snapshot s[ROW_CAP];
	jsonu_error err;
	jsonu_status st;
	int			n,
				i;

	st = ibkr_parse_snapshot(body, size, s, ROW_CAP, &n, &err);
	check_error(st, &err);
	if (st != JSONU_OK && n != 0)
		fail("snapshot", "rows after an error");
	for (i = 0; st == JSONU_OK && i < n; i++)
	{
		DEC("snapshot", s[i].last, 1);
		DEC("snapshot", s[i].bid, 1);
		DEC("snapshot", s[i].ask, 1);
		DEC("snapshot", s[i].mark, 1);
		TEXT("snapshot", s[i].symbol);
		TEXT("snapshot", s[i].availability);
		if (s[i].last_flag != '\0' && s[i].last_flag != 'C' && s[i].last_flag != 'H')
			fail("snapshot", "last_flag");
		if (s[i].has_data != (s[i].last[0] || s[i].bid[0] || s[i].ask[0] || s[i].mark[0]))
			fail("snapshot", "has_data");
		if (s[i].conid < 0)
			fail("snapshot", "conid");
	}
	check_error(ibkr_parse_snapshot(body, size, s, 1, &n, &err), &err);
}

static void
orders(const char *body, size_t size)
{
	static ibkr_live_order lo[ROW_CAP];
	ibkr_order_reply r;
	ibkr_order_status st;
	jsonu_error err;
	jsonu_status rc;
	int			n,
				i;

	rc = ibkr_parse_order_reply(body, size, &r, &err);
	check_error(rc, &err);
	TEXT("reply", r.message);
	TEXT("reply", r.message_ids);
	if (rc == JSONU_OK)
	{
		if (r.kind == IBKR_REPLY_PLACED)
		{
			STATE("reply", r.state);
			if (r.order_id[0] == '\0')
				fail("reply", "placed without order_id");
		}
		else if (r.kind == IBKR_REPLY_QUESTION)
		{
			if (r.reply_id[0] == '\0')
				fail("reply", "question without id");
		}
		else
			fail("reply", "rejected returned as ok");
	}
	if (rc == JSONU_EVENUE && r.kind != IBKR_REPLY_REJECTED)
		fail("reply", "venue error that is not a reject");

	rc = ibkr_parse_order_status(body, size, &st, &err);
	check_error(rc, &err);
	if (rc == JSONU_OK)
	{
		SIDE("status", st.side);
		STATE("status", st.state);
		DEC("status", st.total_size, 0);
		DEC("status", st.cum_fill, 0);
		DEC("status", st.remaining, 1);
		DEC("status", st.average_price, 1);
		TEXT("status", st.order_time);
	}

	rc = ibkr_parse_live_orders(body, size, lo, ROW_CAP, &n, &err);
	check_error(rc, &err);
	for (i = 0; rc == JSONU_OK && i < n; i++)
	{
		SIDE("live", lo[i].side);
		STATE("live", lo[i].state);
		TEXT("live", lo[i].order_ref);
		DEC("live", lo[i].filled, 1);
		DEC("live", lo[i].remaining, 1);
		DEC("live", lo[i].avg_price, 1);
	}
}

static void
positions(const char *body, size_t size)
{
	static ibkr_position p[ROW_CAP];
	jsonu_error err;
	jsonu_status st;
	int			n,
				i;

	st = ibkr_parse_positions(body, size, p, ROW_CAP, &n, &err);
	check_error(st, &err);
	for (i = 0; st == JSONU_OK && i < n; i++)
	{
		TEXT("position", p[i].acct_id);
		TEXT("position", p[i].contract_desc);
		DEC("position", p[i].position, 0);
		DEC("position", p[i].mkt_price, 1);
		DEC("position", p[i].mkt_value, 1);
		DEC("position", p[i].avg_cost, 1);
		DEC("position", p[i].unrealized_pnl, 1);
		DEC("position", p[i].strike, 1);
		DEC("position", p[i].multiplier, 1);
		if (p[i].put_or_call != '\0' && p[i].put_or_call != 'C' && p[i].put_or_call != 'P')
			fail("position", "put_or_call");
	}
	check_error(ibkr_parse_positions(body, size, p, 1, &n, &err), &err);
}

static void
trades(const char *body, size_t size)
{
	static ibkr_trade t[ROW_CAP];
	jsonu_error err;
	jsonu_status st;
	int			n,
				i;

	st = ibkr_parse_trades(body, size, t, ROW_CAP, &n, &err);
	check_error(st, &err);
	for (i = 0; st == JSONU_OK && i < n; i++)
	{
		TEXT("trade", t[i].execution_id);
		TEXT("trade", t[i].order_ref);
		DEC("trade", t[i].size, 0);
		DEC("trade", t[i].price, 0);
		DEC("trade", t[i].commission, 1);
		if (t[i].side != 'B' && t[i].side != 'S')
			fail("trade", "side");
	}
	check_error(ibkr_parse_trades(body, size, t, 1, &n, &err), &err);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *body = (const char *) data;

	session(body, size);
	market(body, size);
	orders(body, size);
	positions(body, size);
	trades(body, size);
	return 0;
}
