/*
 * test_ibkr_parse.c: IBKR Client Portal replies: auth status and tickle,
 * accounts, snapshots (pre-flight, string fields, C/H prefixes on the last
 * price), the order reply/confirm loop (question, chained question,
 * placed, rejected), order status, live orders, position pages with JSON
 * numbers and nulls, executions with their commissions, {"error"} bodies,
 * and every truncation refused.
 */
#include "ibkr_parse.h"
#include "unit.h"

#include <string.h>

#define S(lit) (lit), strlen(lit)

#define AUTH "{\"authenticated\":true,\"competing\":false,\"connected\":true,\"message\":\"\"," \
	"\"MAC\":\"98:F2:B3:23:BF:A0\",\"serverInfo\":{\"serverName\":\"JifN19053\"},\"fail\":\"\"}"
#define TICKLE "{\"session\":\"bb665d0f55b6289d70bc2a0a8e1c7f1e\",\"ssoExpires\":460311," \
	"\"collission\":false,\"userId\":123456789,\"hmds\":{\"error\":\"no bridge\"}," \
	"\"iserver\":{\"authStatus\":{\"authenticated\":true,\"competing\":true,\"connected\":true," \
	"\"message\":\"\"}}}"
#define ACCOUNTS "{\"accounts\":[\"DU1234567\",\"DU7654321\"],\"acctProps\":{},\"aliases\":{}," \
	"\"selectedAccount\":\"DU1234567\",\"isPaper\":true}"
#define PREFLIGHT "[{\"conid\":4815747,\"conidEx\":\"4815747\"}]"
#define SNAPSHOT "[{\"conid\":4815747,\"conidEx\":\"4815747\",\"server_id\":\"q0\",\"_updated\":1736935201234," \
	"\"6119\":\"q0\",\"6509\":\"RpB\",\"31\":\"137.42\",\"84\":\"137.41\",\"86\":\"137.43\",\"88\":\"12\"," \
	"\"85\":\"9\",\"7635\":\"137.42\",\"55\":\"NVDA\"},{\"conid\":734512345,\"_updated\":1736935201240," \
	"\"31\":\"C4.41\",\"84\":\"\",\"7633\":\"48.7%\"}]"
#define QUESTION "[{\"id\":\"07a13a5a-4a48-44a5-bb25-5ab37b79186c\",\"message\":[\"price exceeds the " \
	"Percentage constraint of 3%.\\nAre you sure?\"],\"isSuppressed\":false,\"messageIds\":[\"o163\"]}]"
#define QUESTION2 "[{\"id\":\"9b1f5c2e-2f47-4cf1-8c0a-1d3e6b0b7a11\",\"message\":[\"No market data.\"," \
	"\"Are you sure?\"],\"isSuppressed\":false,\"messageIds\":[\"o354\",\"o383\"]}]"
#define PLACED "[{\"order_id\":\"1234567890\",\"order_status\":\"Submitted\",\"encrypt_message\":\"1\"}]"
#define REJECTED "{\"error\":\"We cannot accept an order at the limit price you selected.\"}"
#define STATUS "{\"sub_type\":null,\"request_id\":\"209\",\"order_id\":1234567890,\"conidex\":\"734512345\"," \
	"\"conid\":734512345,\"symbol\":\"NVDA\",\"side\":\"B\",\"size\":\"0.0\",\"total_size\":\"2.0\"," \
	"\"order_type\":\"LIMIT\",\"cum_fill\":\"2.0\",\"order_status\":\"Filled\",\"tif\":\"DAY\"," \
	"\"average_price\":\"4.35\",\"order_time\":\"250115100001\",\"order_not_editable\":true}"
#define LIVE "{\"orders\":[{\"acct\":\"DU1234567\",\"conid\":734512345,\"orderId\":1234567890," \
	"\"ticker\":\"NVDA\",\"remainingQuantity\":0.0,\"filledQuantity\":2.0,\"totalSize\":2.0," \
	"\"status\":\"Filled\",\"avgPrice\":\"4.35\",\"order_ref\":\"hedge-20250115-001\"," \
	"\"lastExecutionTime_r\":1736935201000,\"side\":\"BUY\"},{\"conid\":4815747,\"orderId\":1234567892," \
	"\"remainingQuantity\":100.0,\"filledQuantity\":0.0,\"status\":\"PreSubmitted\",\"side\":\"SELL\"}]," \
	"\"snapshot\":true}"
#define POSITIONS "[{\"acctId\":\"DU1234567\",\"conid\":734512345,\"contractDesc\":\"NVDA JAN2025 140 C " \
	"[NVDA 250117C00140000 100]\",\"position\":-5.0,\"mktPrice\":4.41,\"mktValue\":-2205.0," \
	"\"currency\":\"USD\",\"avgCost\":452.3,\"avgPrice\":4.523,\"realizedPnl\":0.0,\"unrealizedPnl\":56.5," \
	"\"exchs\":null,\"expiry\":\"20250117\",\"putOrCall\":\"C\",\"multiplier\":100.0,\"strike\":140.0," \
	"\"conExchMap\":[],\"assetClass\":\"OPT\",\"undConid\":4815747,\"model\":\"\"}," \
	"{\"acctId\":\"DU1234567\",\"conid\":4815747,\"contractDesc\":\"NVDA\",\"position\":250.0," \
	"\"mktPrice\":137.42,\"mktValue\":34355.0,\"currency\":\"USD\",\"avgCost\":131.08,\"avgPrice\":131.08," \
	"\"realizedPnl\":0.0,\"unrealizedPnl\":\"NaN\",\"expiry\":null,\"putOrCall\":null,\"multiplier\":null," \
	"\"strike\":\"0\",\"assetClass\":\"STK\",\"undConid\":0}]"

static void
test_session(void)
{
	ibkr_auth_status a;
	ibkr_accounts acc;
	jsonu_error err;

	CHECK(ibkr_parse_auth_status(S(AUTH), &a, &err) == JSONU_OK && a.authenticated && a.connected &&
		  !a.competing && a.session[0] == '\0' && a.fail[0] == '\0');
	CHECK(ibkr_parse_auth_status(S("{\"authenticated\":false,\"connected\":true,"
								   "\"fail\":\"Authentication failed\"}"), &a, &err) == JSONU_OK &&
		  !a.authenticated && strcmp(a.fail, "Authentication failed") == 0);
	CHECK(ibkr_parse_auth_status(S(TICKLE), &a, &err) == JSONU_OK && a.authenticated && a.competing &&
		  strcmp(a.session, "bb665d0f55b6289d70bc2a0a8e1c7f1e") == 0);
	/* a tickle without iserver.authStatus: a session that is not logged in */
	CHECK(ibkr_parse_auth_status(S("{\"session\":\"abc\",\"iserver\":{}}"), &a, &err) == JSONU_OK &&
		  !a.authenticated && !a.connected);
	CHECK(ibkr_parse_auth_status(S("{\"connected\":true}"), &a, &err) == JSONU_ESHAPE &&
		  strstr(err.msg, "neither an auth status"));
	CHECK(ibkr_parse_auth_status(S("{\"authenticated\":\"yes\"}"), &a, &err) == JSONU_EVALUE &&
		  strcmp(err.msg, "ibkr auth status: authenticated: not a boolean: \"yes\"") == 0);
	CHECK(ibkr_parse_auth_status(S("{\"error\":\"not authenticated\",\"statusCode\":401}"), &a, &err) ==
		  JSONU_EVENUE && strcmp(err.venue_code, "error") == 0 &&
		  strcmp(err.msg, "ibkr auth status: not authenticated") == 0);

	CHECK(ibkr_parse_accounts(S(ACCOUNTS), &acc, &err) == JSONU_OK && acc.n_accounts == 2 &&
		  strcmp(acc.accounts[1], "DU7654321") == 0 && strcmp(acc.selected, "DU1234567") == 0 &&
		  acc.is_paper);
	CHECK(ibkr_parse_accounts(S("{\"accounts\":[\"DU1\",7]}"), &acc, &err) == JSONU_ESHAPE &&
		  strstr(err.msg, "accounts[1]: expected a string"));
	CHECK(ibkr_parse_accounts(S("{\"accounts\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\","
								"\"j\",\"k\",\"l\",\"m\",\"n\",\"o\",\"p\",\"q\"]}"), &acc, &err) == JSONU_ECAPACITY);
	CHECK(ibkr_parse_accounts(S("{\"selectedAccount\":\"DU1\"}"), &acc, &err) == JSONU_ESHAPE);
}

static void
test_snapshot(void)
{
	ibkr_snapshot s[3];
	jsonu_error err;
	int			n;

	CHECK(ibkr_parse_snapshot(S(PREFLIGHT), s, 3, &n, &err) == JSONU_OK && n == 1 &&
		  s[0].conid == 4815747 && !s[0].has_data && s[0].updated == IBKR_TS_NONE);
	CHECK(ibkr_parse_snapshot(S(SNAPSHOT), s, 3, &n, &err) == JSONU_OK && n == 2);
	CHECK(s[0].has_data && strcmp(s[0].last, "137.42") == 0 && s[0].last_flag == '\0' &&
		  strcmp(s[0].bid, "137.41") == 0 && strcmp(s[0].ask, "137.43") == 0 &&
		  strcmp(s[0].mark, "137.42") == 0 && strcmp(s[0].symbol, "NVDA") == 0 &&
		  strcmp(s[0].availability, "RpB") == 0 && s[0].updated == INT64_C(1736935201234));
	CHECK(s[1].conid == 734512345 && s[1].has_data && s[1].last_flag == 'C' &&
		  strcmp(s[1].last, "4.41") == 0 && s[1].bid[0] == '\0' && s[1].ask[0] == '\0');
	CHECK(ibkr_parse_snapshot(S("[{\"conid\":1,\"31\":\"H231.04\"}]"), s, 3, &n, &err) == JSONU_OK &&
		  s[0].last_flag == 'H' && strcmp(s[0].last, "231.04") == 0);
	CHECK(ibkr_parse_snapshot(S("[{\"conid\":1,\"31\":137.5}]"), s, 3, &n, &err) == JSONU_OK &&
		  strcmp(s[0].last, "137.5") == 0);
	CHECK(ibkr_parse_snapshot(S("[{\"conid\":1,\"31\":\"X1\"}]"), s, 3, &n, &err) == JSONU_EVALUE &&
		  strcmp(err.msg, "ibkr snapshot: [0].31 (last): not a price: \"X1\"") == 0);
	CHECK(ibkr_parse_snapshot(S("[{\"conid\":1,\"31\":\"C\"}]"), s, 3, &n, &err) == JSONU_EVALUE);
	CHECK(ibkr_parse_snapshot(S("[{\"conid\":1,\"31\":\"C-1\"}]"), s, 3, &n, &err) == JSONU_EVALUE);
	CHECK(ibkr_parse_snapshot(S("[{\"conid\":1,\"84\":\"1.2K\"}]"), s, 3, &n, &err) == JSONU_EVALUE &&
		  strstr(err.msg, "[0].84 (bid): not a decimal"));
	CHECK(ibkr_parse_snapshot(S("[{\"conidEx\":\"1\"}]"), s, 3, &n, &err) == JSONU_ESHAPE &&
		  strstr(err.msg, "[0].conid: missing"));
	CHECK(ibkr_parse_snapshot(S("[{\"conid\":\"4815747\"}]"), s, 3, &n, &err) == JSONU_OK &&
		  s[0].conid == 4815747);
	CHECK(ibkr_parse_snapshot(S("[{\"conid\":1,\"_updated\":-1}]"), s, 3, &n, &err) == JSONU_EVALUE);
	CHECK(ibkr_parse_snapshot(S(SNAPSHOT), s, 1, &n, &err) == JSONU_ECAPACITY && n == 0);
	CHECK(ibkr_parse_snapshot(S("{\"conid\":1}"), s, 3, &n, &err) == JSONU_ESHAPE &&
		  strstr(err.msg, "expected an array, got object"));
	CHECK(ibkr_parse_snapshot(S("{\"error\":\"Please query /accounts first\"}"), s, 3, &n, &err) ==
		  JSONU_EVENUE && n == 0);
}

static void
test_order_reply(void)
{
	ibkr_order_reply r;
	jsonu_error err;

	CHECK(ibkr_parse_order_reply(S(QUESTION), &r, &err) == JSONU_OK && r.kind == IBKR_REPLY_QUESTION &&
		  strcmp(r.reply_id, "07a13a5a-4a48-44a5-bb25-5ab37b79186c") == 0 &&
		  strcmp(r.message, "price exceeds the Percentage constraint of 3%. Are you sure?") == 0 &&
		  strcmp(r.message_ids, "o163") == 0);
	CHECK(ibkr_parse_order_reply(S(QUESTION2), &r, &err) == JSONU_OK && r.kind == IBKR_REPLY_QUESTION &&
		  strcmp(r.message, "No market data. | Are you sure?") == 0 &&
		  strcmp(r.message_ids, "o354,o383") == 0);
	CHECK(ibkr_parse_order_reply(S(PLACED), &r, &err) == JSONU_OK && r.kind == IBKR_REPLY_PLACED &&
		  strcmp(r.order_id, "1234567890") == 0 && r.state == IBKR_STATE_SUBMITTED &&
		  r.local_order_id[0] == '\0');
	CHECK(ibkr_parse_order_reply(S("[{\"order_id\":1234567891,\"local_order_id\":\"hedge-001\","
								   "\"order_status\":\"PreSubmitted\"}]"), &r, &err) == JSONU_OK &&
		  strcmp(r.order_id, "1234567891") == 0 && strcmp(r.local_order_id, "hedge-001") == 0 &&
		  r.state == IBKR_STATE_PRE_SUBMITTED);
	/* a single object instead of the usual one-element array */
	CHECK(ibkr_parse_order_reply(S("{\"order_id\":\"1\",\"order_status\":\"filled\"}"), &r, &err) ==
		  JSONU_OK && r.state == IBKR_STATE_FILLED);
	CHECK(ibkr_parse_order_reply(S(REJECTED), &r, &err) == JSONU_EVENUE && r.kind == IBKR_REPLY_REJECTED &&
		  strcmp(r.message, "We cannot accept an order at the limit price you selected.") == 0 &&
		  strcmp(err.msg, "ibkr order reply: We cannot accept an order at the limit price you selected.") == 0);
	CHECK(ibkr_parse_order_reply(S("[{\"error\":\"Order rejected\"}]"), &r, &err) == JSONU_EVENUE &&
		  r.kind == IBKR_REPLY_REJECTED && strcmp(r.message, "Order rejected") == 0);
	CHECK(ibkr_parse_order_reply(S("[]"), &r, &err) == JSONU_ESHAPE && strstr(err.msg, "0 elements"));
	CHECK(ibkr_parse_order_reply(S("[{\"order_id\":\"1\",\"order_status\":\"Submitted\"},"
								   "{\"order_id\":\"2\",\"order_status\":\"Submitted\"}]"), &r, &err) == JSONU_ESHAPE);
	CHECK(ibkr_parse_order_reply(S("[{\"id\":\"x\",\"message\":[]}]"), &r, &err) == JSONU_ESHAPE &&
		  strstr(err.msg, "[0].message: empty"));
	CHECK(ibkr_parse_order_reply(S("[{\"id\":\"x\",\"message\":[\"a\",1]}]"), &r, &err) == JSONU_ESHAPE);
	CHECK(ibkr_parse_order_reply(S("[{\"id\":\"x y\",\"message\":[\"a\"]}]"), &r, &err) == JSONU_EVALUE);
	CHECK(ibkr_parse_order_reply(S("[{\"order_id\":\"1\",\"order_status\":\"Exploded\"}]"), &r, &err) ==
		  JSONU_EVALUE && strcmp(err.msg, "ibkr order reply: [0].order_status: unknown order status \"Exploded\"") == 0);
	CHECK(ibkr_parse_order_reply(S("[{\"isSuppressed\":false}]"), &r, &err) == JSONU_ESHAPE &&
		  strstr(err.msg, "neither an order"));
	CHECK(ibkr_parse_order_reply(S("[{\"order_id\":-4,\"order_status\":\"Submitted\"}]"), &r, &err) ==
		  JSONU_EVALUE);
}

static void
test_orders(void)
{
	ibkr_order_status st;
	ibkr_live_order lo[2];
	jsonu_error err;
	int			n;

	CHECK(ibkr_parse_order_status(S(STATUS), &st, &err) == JSONU_OK);
	CHECK(strcmp(st.order_id, "1234567890") == 0 && st.conid == 734512345 && st.side == 'B' &&
		  st.state == IBKR_STATE_FILLED && ibkr_order_state_final(st.state) &&
		  strcmp(st.total_size, "2.0") == 0 && strcmp(st.cum_fill, "2.0") == 0 &&
		  strcmp(st.remaining, "0.0") == 0 && strcmp(st.average_price, "4.35") == 0 &&
		  strcmp(st.order_type, "LIMIT") == 0 && strcmp(st.order_time, "250115100001") == 0 &&
		  strcmp(st.symbol, "NVDA") == 0);
	CHECK(strcmp(ibkr_order_state_name(st.state), "Filled") == 0 &&
		  !ibkr_order_state_final(IBKR_STATE_PRE_SUBMITTED));
	CHECK(ibkr_parse_order_status(S("{\"order_id\":1,\"conid\":2,\"side\":\"S\",\"order_status\":\"Submitted\","
									"\"total_size\":\"3\",\"cum_fill\":\"0\",\"order_time\":\"2501\"}"), &st, &err) ==
		  JSONU_EVALUE && strstr(err.msg, "order_time: expected yyMMddHHmmss"));
	CHECK(ibkr_parse_order_status(S("{\"order_id\":1,\"conid\":2,\"side\":\"X\",\"order_status\":\"Submitted\","
									"\"total_size\":\"3\",\"cum_fill\":\"0\"}"), &st, &err) == JSONU_EVALUE &&
		  strstr(err.msg, "side: unknown side"));
	CHECK(ibkr_parse_order_status(S("{\"order_id\":1,\"conid\":2,\"side\":\"sell\",\"order_status\":\"Submitted\","
									"\"total_size\":\"3\"}"), &st, &err) == JSONU_ESHAPE &&
		  strstr(err.msg, "cum_fill: missing"));
	CHECK(ibkr_parse_order_status(S("{\"error\":\"OrderID 99 doesn't exist\"}"), &st, &err) == JSONU_EVENUE);

	CHECK(ibkr_parse_live_orders(S(LIVE), lo, 2, &n, &err) == JSONU_OK && n == 2);
	CHECK(strcmp(lo[0].order_id, "1234567890") == 0 && strcmp(lo[0].order_ref, "hedge-20250115-001") == 0 &&
		  lo[0].side == 'B' && lo[0].state == IBKR_STATE_FILLED && strcmp(lo[0].filled, "2.0") == 0 &&
		  strcmp(lo[0].remaining, "0.0") == 0 && strcmp(lo[0].avg_price, "4.35") == 0 &&
		  strcmp(lo[0].ticker, "NVDA") == 0 && lo[0].last_execution == INT64_C(1736935201000));
	CHECK(lo[1].side == 'S' && lo[1].state == IBKR_STATE_PRE_SUBMITTED && lo[1].order_ref[0] == '\0' &&
		  lo[1].last_execution == IBKR_TS_NONE && lo[1].avg_price[0] == '\0');
	CHECK(ibkr_parse_live_orders(S("{\"orders\":[],\"snapshot\":false}"), lo, 2, &n, &err) == JSONU_OK && n == 0);
	CHECK(ibkr_parse_live_orders(S("{\"snapshot\":false}"), lo, 2, &n, &err) == JSONU_OK && n == 0);
	CHECK(ibkr_parse_live_orders(S(LIVE), lo, 1, &n, &err) == JSONU_ECAPACITY && n == 0);
	CHECK(ibkr_parse_live_orders(S("{\"orders\":[{\"orderId\":1,\"conid\":2,\"side\":\"BUY\","
								   "\"status\":\"Filled\",\"filledQuantity\":1e1000}]}"), lo, 2, &n, &err) == JSONU_EVALUE &&
		  strstr(err.msg, "orders[0].filledQuantity: not a decimal"));
}

static void
test_positions(void)
{
	ibkr_position p[2];
	jsonu_error err;
	int			n;

	CHECK(ibkr_parse_positions(S(POSITIONS), p, 2, &n, &err) == JSONU_OK && n == 2);
	CHECK(strcmp(p[0].acct_id, "DU1234567") == 0 && p[0].conid == 734512345 &&
		  strcmp(p[0].position, "-5.0") == 0 && strcmp(p[0].mkt_price, "4.41") == 0 &&
		  strcmp(p[0].mkt_value, "-2205.0") == 0 && strcmp(p[0].avg_cost, "452.3") == 0 &&
		  strcmp(p[0].avg_price, "4.523") == 0 && strcmp(p[0].unrealized_pnl, "56.5") == 0 &&
		  strcmp(p[0].currency, "USD") == 0 && strcmp(p[0].asset_class, "OPT") == 0 &&
		  strcmp(p[0].expiry, "20250117") == 0 && p[0].put_or_call == 'C' &&
		  strcmp(p[0].strike, "140.0") == 0 && strcmp(p[0].multiplier, "100.0") == 0 &&
		  p[0].und_conid == 4815747 &&
		  strcmp(p[0].contract_desc, "NVDA JAN2025 140 C [NVDA 250117C00140000 100]") == 0);
	CHECK(strcmp(p[1].position, "250.0") == 0 && p[1].unrealized_pnl[0] == '\0' &&
		  p[1].expiry[0] == '\0' && p[1].put_or_call == '\0' && p[1].multiplier[0] == '\0' &&
		  strcmp(p[1].strike, "0") == 0 && p[1].und_conid == 0);
	CHECK(ibkr_parse_positions(S("[]"), p, 2, &n, &err) == JSONU_OK && n == 0);
	CHECK(ibkr_parse_positions(S(POSITIONS), p, 1, &n, &err) == JSONU_ECAPACITY && n == 0);
	CHECK(ibkr_parse_positions(S("[{\"acctId\":\"DU1\",\"conid\":1,\"position\":NaN}]"), p, 2, &n, &err) ==
		  JSONU_EVALUE && strstr(err.msg, "[0].position: not a decimal"));
	CHECK(ibkr_parse_positions(S("[{\"acctId\":\"DU1\",\"conid\":1,\"position\":\"1\",\"putOrCall\":\"X\"}]"),
							   p, 2, &n, &err) == JSONU_EVALUE && strstr(err.msg, "putOrCall"));
	CHECK(ibkr_parse_positions(S("[{\"acctId\":\"DU1\",\"conid\":1}]"), p, 2, &n, &err) == JSONU_ESHAPE &&
		  strcmp(err.msg, "ibkr positions: [0].position: missing") == 0);
	CHECK(ibkr_parse_positions(S("[{\"acctId\":\"DU1\",\"conid\":1,\"position\":1e5,\"mktPrice\":-1}]"),
							   p, 2, &n, &err) == JSONU_EVALUE && strstr(err.msg, "mktPrice: negative"));
}

/* GET /iserver/account/trades: executions with our cOID in order_ref, numbers as text or JSON. */
#define TRADES "[{\"execution_id\":\"0000e0d5.6576a1c8.01.01\",\"symbol\":\"NVDA\",\"side\":\"B\"," \
	"\"order_description\":\"Bot 12 @ 131.42 on ISLAND\",\"trade_time\":\"20261123-15:31:02\"," \
	"\"trade_time_r\":1795449062000,\"size\":12,\"price\":\"131.42\",\"order_ref\":\"bf20261123i7\"," \
	"\"submitter\":\"user1\",\"exchange\":\"ISLAND\",\"commission\":\"1.02\",\"net_amount\":1577.04," \
	"\"account\":\"DU1234567\",\"conid\":\"4815747\",\"sec_type\":\"STK\"}," \
	"{\"execution_id\":\"0000e0d5.6576a1c9.01.01\",\"side\":\"S\",\"size\":\"3\",\"price\":131.5," \
	"\"commission\":\"\",\"conid\":4815747}]"

static void
test_trades(void)
{
	ibkr_trade	t[2];
	jsonu_error err;
	int			n;

	CHECK(ibkr_parse_trades(S(TRADES), t, 2, &n, &err) == JSONU_OK && n == 2);
	CHECK(strcmp(t[0].execution_id, "0000e0d5.6576a1c8.01.01") == 0 &&
		  strcmp(t[0].order_ref, "bf20261123i7") == 0 && t[0].conid == 4815747 && t[0].side == 'B' &&
		  strcmp(t[0].size, "12") == 0 && strcmp(t[0].price, "131.42") == 0 &&
		  strcmp(t[0].commission, "1.02") == 0 && t[0].trade_time == INT64_C(1795449062000));
	/* no order_ref (a trade by hand), a commission not known yet, numbers as JSON numbers */
	CHECK(t[1].order_ref[0] == '\0' && t[1].side == 'S' && strcmp(t[1].size, "3") == 0 &&
		  strcmp(t[1].price, "131.5") == 0 && t[1].commission[0] == '\0' && t[1].trade_time == IBKR_TS_NONE);
	CHECK(ibkr_parse_trades(S("[]"), t, 2, &n, &err) == JSONU_OK && n == 0);
	CHECK(ibkr_parse_trades(S(TRADES), t, 1, &n, &err) == JSONU_ECAPACITY && n == 0);
	CHECK(ibkr_parse_trades(S("[{\"execution_id\":\"x\",\"side\":\"B\",\"size\":\"-1\",\"price\":\"1\"}]"),
							t, 2, &n, &err) == JSONU_EVALUE && strstr(err.msg, "size: negative"));
	CHECK(ibkr_parse_trades(S("[{\"execution_id\":\"x\",\"side\":\"B\",\"size\":\"1\"}]"),
							t, 2, &n, &err) != JSONU_OK && strstr(err.msg, "price"));
	CHECK(ibkr_parse_trades(S("[{\"execution_id\":\"x\",\"side\":\"X\",\"size\":\"1\",\"price\":\"1\"}]"),
							t, 2, &n, &err) == JSONU_EVALUE && strstr(err.msg, "unknown side"));
	CHECK(ibkr_parse_trades(S("{\"error\":\"no account selected\"}"), t, 2, &n, &err) == JSONU_EVENUE &&
		  strstr(err.msg, "no account selected"));
}

static jsonu_status
run_parser(int which, const char *body, size_t len, jsonu_error *err)
{
	static ibkr_auth_status a;
	static ibkr_accounts acc;
	static ibkr_snapshot s[2];
	static ibkr_order_reply r;
	static ibkr_order_status st;
	static ibkr_live_order lo[2];
	static ibkr_position p[2];
	static ibkr_trade tr[2];
	int			n;

	switch (which)
	{
		case 0:
		case 1:
			return ibkr_parse_auth_status(body, len, &a, err);
		case 2:
			return ibkr_parse_accounts(body, len, &acc, err);
		case 3:
			return ibkr_parse_snapshot(body, len, s, 2, &n, err);
		case 4:
		case 5:
			return ibkr_parse_order_reply(body, len, &r, err);
		case 6:
			return ibkr_parse_order_status(body, len, &st, err);
		case 7:
			return ibkr_parse_live_orders(body, len, lo, 2, &n, err);
		case 8:
			return ibkr_parse_positions(body, len, p, 2, &n, err);
		default:
			return ibkr_parse_trades(body, len, tr, 2, &n, err);
	}
}

static void
test_truncations(void)
{
	static const char *const samples[] = {
		AUTH, TICKLE, ACCOUNTS, SNAPSHOT, QUESTION, PLACED, STATUS, LIVE, POSITIONS, TRADES
	};
	int			i;

	for (i = 0; i < (int) (sizeof samples / sizeof samples[0]); i++)
	{
		size_t		len = strlen(samples[i]),
					cut;
		jsonu_error err;

		if (!CHECK(run_parser(i, samples[i], len, &err) == JSONU_OK))
			unit_note("sample %d: %s", i, err.msg);
		for (cut = 0; cut < len; cut++)
			if (!CHECK(run_parser(i, samples[i], cut, &err) != JSONU_OK))
				unit_note("sample %d accepted when cut to %zu bytes", i, cut);
	}
}

int
main(void)
{
	test_session();
	test_snapshot();
	test_order_reply();
	test_orders();
	test_positions();
	test_trades();
	test_truncations();
	return unit_summary("test_ibkr_parse");
}
