/*
 * test_okx_parse.c: OKX v5 replies: the envelope and its error codes, the
 * code classes, market data (time, candles, ticker, mark price, index,
 * open interest, funding, instruments, long/short ratio) and trading (order ack, order query,
 * fills, positions, balance, account config): exact text of every decimal, timestamps,
 * "" fields, error statuses and messages that name the field, capacity,
 * and every truncation of every sample refused.
 */
#include "okx_parse.h"
#include "unit.h"

#include <string.h>

#define S(lit) (lit), strlen(lit)

#define TICKER "{\"code\":\"0\",\"msg\":\"\",\"data\":[{\"instType\":\"SWAP\",\"instId\":\"BTC-USDT-SWAP\"," \
	"\"last\":\"97012.4\",\"lastSz\":\"3\",\"askPx\":\"97012.5\",\"askSz\":\"41\",\"bidPx\":\"97012.4\"," \
	"\"bidSz\":\"128\",\"open24h\":\"95880.1\",\"vol24h\":\"8421137\",\"ts\":\"1736935200123\"}]}"
#define CANDLES "{\"code\":\"0\",\"msg\":\"\",\"data\":[\n" \
	" [\"1736935200000\",\"97010.1\",\"97025\",\"96998.3\",\"97012.4\",\"1532\",\"15.32\",\"1486133.58\",\"0\"],\n" \
	" [\"1736934300000\",\"96980.6\",\"97040.2\",\"96970\",\"97010.1\",\"4210\",\"42.1\",\"4084212.19\",\"1\"]\n]}\n"
#define FUNDING "{\"code\":\"0\",\"msg\":\"\",\"data\":[{\"instType\":\"SWAP\",\"instId\":\"BTC-USDT-SWAP\"," \
	"\"method\":\"current_period\",\"fundingRate\":\"0.0000821\",\"nextFundingRate\":\"\"," \
	"\"fundingTime\":\"1736956800000\",\"nextFundingTime\":\"1736985600000\",\"settState\":\"settled\"," \
	"\"settFundingRate\":\"0.0000654\",\"premium\":\"-0.0000312\",\"ts\":\"1736935200456\"}]}"
#define MARK "{\"code\":\"0\",\"msg\":\"\",\"data\":[{\"instType\":\"SWAP\",\"instId\":\"BTC-USDT-SWAP\"," \
	"\"markPx\":\"97008.7\",\"ts\":\"1736935200789\"}]}"
#define INDEX "{\"code\":\"0\",\"msg\":\"\",\"data\":[{\"instId\":\"BTC-USDT\",\"idxPx\":\"97001.3\"," \
	"\"high24h\":\"97420.8\",\"ts\":\"1736935200654\"}]}"
#define OI "{\"code\":\"0\",\"msg\":\"\",\"data\":[{\"instType\":\"SWAP\",\"instId\":\"BTC-USDT-SWAP\"," \
	"\"oi\":\"2874512.3\",\"oiCcy\":\"28745.123\",\"oiUsd\":\"2788536021.4\",\"ts\":\"1736935200321\"}]}"
#define INSTRUMENTS "{\"code\":\"0\",\"msg\":\"\",\"data\":[{\"instId\":\"BTC-USDT-SWAP\",\"instType\":\"SWAP\"," \
	"\"ctMult\":\"1\",\"ctVal\":\"0.01\",\"ctValCcy\":\"BTC\",\"lotSz\":\"0.01\",\"minSz\":\"0.01\"," \
	"\"settleCcy\":\"USDT\",\"state\":\"live\",\"tickSz\":\"0.1\"},{\"instId\":\"BTC-USDT\",\"instType\":\"SPOT\"," \
	"\"ctMult\":\"\",\"ctVal\":\"\",\"ctValCcy\":\"\",\"lotSz\":\"0.00000001\",\"minSz\":\"0.00001\"," \
	"\"settleCcy\":\"\",\"state\":\"live\",\"tickSz\":\"0.1\"}]}"
#define RATIO "{\"code\":\"0\",\"msg\":\"\",\"data\":[[\"1736935200000\",\"1.42\"],[\"1736934900000\",\"1.40\"]]}"
#define ACCOUNT_CONFIG "{\"code\":\"0\",\"msg\":\"\",\"data\":[{\"acctLv\":\"2\",\"autoLoan\":false," \
	"\"ctIsoMode\":\"automatic\",\"greeksType\":\"PA\",\"level\":\"Lv1\",\"mgnIsoMode\":\"automatic\"," \
	"\"posMode\":\"net_mode\",\"uid\":\"44705892343619584\"}]}"
#define ERR_50011 "{\"msg\":\"Too Many Requests\",\"code\":\"50011\"}"

static void
test_envelope(void)
{
	okx_envelope env;
	jsonu_error err;

	CHECK(okx_envelope_open(S(TICKER), "e", &env, &err) == JSONU_OK && env.ok &&
		  strcmp(env.code, "0") == 0 && json_object_array_length(env.data) == 1);
	okx_envelope_close(&env);
	CHECK(okx_envelope_open(S(ERR_50011), "e", &env, &err) == JSONU_OK && !env.ok &&
		  env.data == NULL && strcmp(env.code, "50011") == 0 && strcmp(env.msg, "Too Many Requests") == 0);
	okx_envelope_close(&env);
	/* an integer code is printed exactly */
	CHECK(okx_envelope_open(S("{\"code\":0,\"data\":[]}"), "e", &env, &err) == JSONU_OK &&
		  env.ok && env.msg[0] == '\0');
	okx_envelope_close(&env);
	CHECK(okx_envelope_open(S("{\"code\":\"0\",\"msg\":\"\"}"), "e", &env, &err) == JSONU_ESHAPE &&
		  strcmp(err.msg, "e: data: missing") == 0 && env.root == NULL);
	CHECK(okx_envelope_open(S("{\"msg\":\"\",\"data\":[]}"), "e", &env, &err) == JSONU_ESHAPE &&
		  strcmp(err.msg, "e: code: missing") == 0);
	CHECK(okx_envelope_open(S("{\"code\":\"0\",\"data\":{}}"), "e", &env, &err) == JSONU_ESHAPE &&
		  strcmp(err.msg, "e: data: expected array, got object") == 0);
	CHECK(okx_envelope_open(S("{\"code\":\"50011\",\"data\":{}}"), "e", &env, &err) == JSONU_OK &&
		  !env.ok && env.data == NULL);
	okx_envelope_close(&env);
	CHECK(okx_envelope_open(S("{\"code\":\"0\",\"msg\":5,\"data\":[]}"), "e", &env, &err) == JSONU_ESHAPE);
	CHECK(okx_envelope_open(S("{\"code\":\"0 1\",\"data\":[]}"), "e", &env, &err) == JSONU_EVALUE);
	CHECK(okx_envelope_open(S("[{\"code\":\"0\"}]"), "e", &env, &err) == JSONU_ESHAPE &&
		  strstr(err.msg, "expected the envelope object, got array"));
	CHECK(okx_envelope_open(S("<html>429</html>"), "e", &env, &err) == JSONU_ESYNTAX);

	CHECK(okx_code_classify("0") == OKX_CODE_OK);
	CHECK(okx_code_classify("50011") == OKX_CODE_RATE_LIMIT);
	CHECK(okx_code_classify("50061") == OKX_CODE_RATE_LIMIT);
	CHECK(okx_code_classify("50113") == OKX_CODE_AUTH);
	CHECK(okx_code_classify("50102") == OKX_CODE_AUTH);
	CHECK(okx_code_classify("51008") == OKX_CODE_REJECT);
	CHECK(okx_code_classify("51000") == OKX_CODE_REJECT);
	CHECK(okx_code_classify("50014") == OKX_CODE_REJECT);
	CHECK(okx_code_classify("50004") == OKX_CODE_UNKNOWN);
	CHECK(okx_code_classify("50013") == OKX_CODE_UNKNOWN);
	CHECK(okx_code_classify("50026") == OKX_CODE_UNKNOWN);
	CHECK(okx_code_classify("1") == OKX_CODE_UNKNOWN);
	CHECK(okx_code_classify("") == OKX_CODE_UNKNOWN);
	CHECK(okx_code_classify("abc") == OKX_CODE_UNKNOWN);
	CHECK(okx_code_classify(NULL) == OKX_CODE_UNKNOWN);
}

static void
test_time_and_errors(void)
{
	jsonu_error err;
	int64_t		ts = 0;

	CHECK(okx_parse_time(S("{\"code\":\"0\",\"data\":[{\"ts\":\"1736935200000\"}],\"msg\":\"\"}"), &ts, &err) ==
		  JSONU_OK && ts == INT64_C(1736935200000));
	CHECK(okx_parse_time(S(ERR_50011), &ts, &err) == JSONU_EVENUE &&
		  strcmp(err.venue_code, "50011") == 0 &&
		  strcmp(err.msg, "okx time: error 50011: Too Many Requests") == 0);
	CHECK(okx_parse_time(S("{\"code\":\"50113\",\"msg\":\"\",\"data\":[]}"), &ts, &err) == JSONU_EVENUE &&
		  strcmp(err.msg, "okx time: error 50113: (no message)") == 0);
	CHECK(okx_parse_time(S("{\"code\":\"0\",\"data\":[],\"msg\":\"\"}"), &ts, &err) == JSONU_ESHAPE &&
		  strstr(err.msg, "data holds 0 elements, expected 1"));
	CHECK(okx_parse_time(S("{\"code\":\"0\",\"data\":[1],\"msg\":\"\"}"), &ts, &err) == JSONU_ESHAPE &&
		  strstr(err.msg, "okx time: data[0]: expected an object, got int"));
	CHECK(okx_parse_time(S("{\"code\":\"0\",\"data\":[{\"ts\":\"1736935200000.5\"}]}"), &ts, &err) == JSONU_EVALUE);
}

static void
test_candles(void)
{
	okx_candle rows[4];
	jsonu_error err;
	int			n = -1;

	CHECK(okx_parse_candles(S(CANDLES), rows, 4, &n, &err) == JSONU_OK && n == 2);
	CHECK(rows[0].ts == INT64_C(1736935200000) && !rows[0].confirm);
	CHECK(strcmp(rows[0].open, "97010.1") == 0 && strcmp(rows[0].high, "97025") == 0 &&
		  strcmp(rows[0].low, "96998.3") == 0 && strcmp(rows[0].close, "97012.4") == 0 &&
		  strcmp(rows[0].vol, "1532") == 0 && strcmp(rows[0].vol_ccy, "15.32") == 0 &&
		  strcmp(rows[0].vol_ccy_quote, "1486133.58") == 0);
	CHECK(rows[1].ts == INT64_C(1736934300000) && rows[1].confirm &&
		  strcmp(rows[1].close, "97010.1") == 0);

	CHECK(okx_parse_candles(S("{\"code\":\"0\",\"msg\":\"\",\"data\":[]}"), rows, 4, &n, &err) == JSONU_OK &&
		  n == 0);
	CHECK(okx_parse_candles(S(CANDLES), rows, 1, &n, &err) == JSONU_ECAPACITY && n == 0 &&
		  strstr(err.msg, "data holds 2 elements, room for 1"));
	CHECK(okx_parse_candles(S(ERR_50011), rows, 4, &n, &err) == JSONU_EVENUE && n == 0 &&
		  strcmp(err.venue_code, "50011") == 0);
	/* oldest first is not OKX's order: refused, so paging cannot go wrong */
	CHECK(okx_parse_candles(S("{\"code\":\"0\",\"data\":["
							  "[\"1000\",\"1\",\"1\",\"1\",\"1\",\"0\",\"0\",\"0\",\"1\"],"
							  "[\"2000\",\"1\",\"1\",\"1\",\"1\",\"0\",\"0\",\"0\",\"1\"]]}"),
							rows, 4, &n, &err) == JSONU_EVALUE && n == 0 &&
		  strstr(err.msg, "data[1][0] ts: 2000 is not older"));
	CHECK(okx_parse_candles(S("{\"code\":\"0\",\"data\":["
							  "[\"1000\",\"1\",\"1\",\"1\",\"1\",\"0\",\"0\",\"0\",\"1\"],"
							  "[\"1000\",\"1\",\"1\",\"1\",\"1\",\"0\",\"0\",\"0\",\"1\"]]}"),
							rows, 4, &n, &err) == JSONU_EVALUE);
	CHECK(okx_parse_candles(S("{\"code\":\"0\",\"data\":[[\"1000\",\"1\",\"1\",\"1\",\"1\",\"0\",\"0\",\"0\"]]}"),
							rows, 4, &n, &err) == JSONU_ESHAPE &&
		  strstr(err.msg, "data[0]: candle has 8 fields, expected 9"));
	CHECK(okx_parse_candles(S("{\"code\":\"0\",\"data\":[[\"1000\",\"1\",\"1\",\"1\",\"1,5\",\"0\",\"0\",\"0\",\"1\"]]}"),
							rows, 4, &n, &err) == JSONU_EVALUE &&
		  strcmp(err.msg, "okx candles: data[0][4] close: not a decimal: \"1,5\"") == 0);
	CHECK(okx_parse_candles(S("{\"code\":\"0\",\"data\":[[\"1000\",\"1\",\"1\",\"1\",\"1\",\"-2\",\"0\",\"0\",\"1\"]]}"),
							rows, 4, &n, &err) == JSONU_EVALUE && strstr(err.msg, "[5] vol: negative"));
	CHECK(okx_parse_candles(S("{\"code\":\"0\",\"data\":[[\"1000\",\"1\",\"1\",\"1\",\"1\",\"0\",\"0\",\"0\",\"2\"]]}"),
							rows, 4, &n, &err) == JSONU_EVALUE && strstr(err.msg, "[8] confirm"));
	CHECK(okx_parse_candles(S("{\"code\":\"0\",\"data\":[[\"1000\",\"1\",\"1\",\"1\",\"1\",\"0\",\"0\",\"0\",1]]}"),
							rows, 4, &n, &err) == JSONU_ESHAPE);
	CHECK(okx_parse_candles(S("{\"code\":\"0\",\"data\":[{\"ts\":\"1\"}]}"), rows, 4, &n, &err) == JSONU_ESHAPE &&
		  strstr(err.msg, "expected a candle array, got object"));
	/* JSON numbers are read as their exact text; an extra column is ignored */
	CHECK(okx_parse_candles(S("{\"code\":\"0\",\"data\":[[1000,97010.10,\"1\",\"1\",\"1\",\"0\",\"0\",\"0\",\"1\",\"x\"]]}"),
							rows, 4, &n, &err) == JSONU_OK && n == 1 && rows[0].ts == 1000 &&
		  strcmp(rows[0].open, "97010.10") == 0);
}

static void
test_market(void)
{
	okx_ticker t;
	okx_mark_price m;
	okx_index_ticker x;
	okx_open_interest o;
	okx_funding f[3];
	okx_ratio	r[3];
	okx_instrument in[2];
	jsonu_error err;
	int			n;

	CHECK(okx_parse_ticker(S(TICKER), &t, &err) == JSONU_OK && err.msg[0] == '\0');
	CHECK(strcmp(t.inst_id, "BTC-USDT-SWAP") == 0 && strcmp(t.inst_type, "SWAP") == 0 &&
		  strcmp(t.last, "97012.4") == 0 && strcmp(t.bid_px, "97012.4") == 0 &&
		  strcmp(t.ask_px, "97012.5") == 0 && strcmp(t.bid_sz, "128") == 0 &&
		  strcmp(t.ask_sz, "41") == 0 && strcmp(t.last_sz, "3") == 0 && t.ts == INT64_C(1736935200123));
	CHECK(okx_parse_ticker(S("{\"code\":\"0\",\"data\":[{\"instId\":\"X-Y\",\"last\":\"1\",\"bidPx\":\"\","
							 "\"askPx\":\"\",\"ts\":\"1\"}]}"), &t, &err) == JSONU_OK &&
		  t.bid_px[0] == '\0' && t.ask_px[0] == '\0' && t.inst_type[0] == '\0');
	CHECK(okx_parse_ticker(S("{\"code\":\"0\",\"data\":[{\"instId\":\"X-Y\",\"bidPx\":\"1\",\"ts\":\"1\"}]}"),
						   &t, &err) == JSONU_ESHAPE &&
		  strcmp(err.msg, "okx ticker: data[0].last: missing") == 0);
	CHECK(okx_parse_ticker(S("{\"code\":\"0\",\"data\":[{\"instId\":\"X Y\",\"last\":\"1\",\"ts\":\"1\"}]}"),
						   &t, &err) == JSONU_EVALUE && strstr(err.msg, "data[0].instId: not an identifier"));
	CHECK(okx_parse_ticker(S("{\"code\":\"0\",\"data\":[{\"instId\":\"X\",\"last\":\"1\",\"ts\":\"1\"},"
							 "{\"instId\":\"X\",\"last\":\"1\",\"ts\":\"1\"}]}"), &t, &err) == JSONU_ESHAPE &&
		  strstr(err.msg, "data holds 2 elements, expected 1"));
	CHECK(okx_parse_ticker(S("{\"code\":\"0\",\"data\":[{\"instId\":\"X\",\"last\":\"1\",\"ts\":\"\"}]}"),
						   &t, &err) == JSONU_ESHAPE && strstr(err.msg, "data[0].ts: missing"));

	CHECK(okx_parse_mark_price(S(MARK), &m, &err) == JSONU_OK && strcmp(m.mark_px, "97008.7") == 0 &&
		  strcmp(m.inst_id, "BTC-USDT-SWAP") == 0 && m.ts == INT64_C(1736935200789));
	CHECK(okx_parse_index_ticker(S(INDEX), &x, &err) == JSONU_OK && strcmp(x.idx_px, "97001.3") == 0 &&
		  strcmp(x.inst_id, "BTC-USDT") == 0 && x.ts == INT64_C(1736935200654));
	CHECK(okx_parse_index_ticker(S(MARK), &x, &err) == JSONU_ESHAPE && strstr(err.msg, "idxPx: missing"));
	CHECK(okx_parse_open_interest(S(OI), &o, &err) == JSONU_OK && strcmp(o.oi, "2874512.3") == 0 &&
		  strcmp(o.oi_ccy, "28745.123") == 0 && strcmp(o.oi_usd, "2788536021.4") == 0 &&
		  o.ts == INT64_C(1736935200321));

	CHECK(okx_parse_funding_rate(S(FUNDING), &f[0], &err) == JSONU_OK);
	CHECK(strcmp(f[0].funding_rate, "0.0000821") == 0 && strcmp(f[0].sett_funding_rate, "0.0000654") == 0 &&
		  f[0].realized_rate[0] == '\0' && strcmp(f[0].method, "current_period") == 0 &&
		  f[0].funding_time == INT64_C(1736956800000) &&
		  f[0].next_funding_time == INT64_C(1736985600000) && f[0].ts == INT64_C(1736935200456));
	CHECK(okx_parse_funding_history(S("{\"code\":\"0\",\"msg\":\"\",\"data\":[{\"instType\":\"SWAP\","
									  "\"instId\":\"BTC-USDT-SWAP\",\"fundingRate\":\"-0.0000113\","
									  "\"realizedRate\":\"-0.0000112\",\"fundingTime\":\"1736899200000\","
									  "\"method\":\"current_period\"}]}"), f, 3, &n, &err) == JSONU_OK &&
		  n == 1 && strcmp(f[0].funding_rate, "-0.0000113") == 0 &&
		  strcmp(f[0].realized_rate, "-0.0000112") == 0 && f[0].next_funding_time == OKX_TS_NONE &&
		  f[0].ts == OKX_TS_NONE && f[0].funding_time == INT64_C(1736899200000));

	CHECK(okx_parse_long_short_ratio(S(RATIO), r, 3, &n, &err) == JSONU_OK && n == 2 &&
		  r[0].ts == INT64_C(1736935200000) && strcmp(r[0].ratio, "1.42") == 0 &&
		  r[1].ts == INT64_C(1736934900000) && strcmp(r[1].ratio, "1.40") == 0);
	CHECK(okx_parse_long_short_ratio(S("{\"code\":\"0\",\"data\":[]}"), r, 3, &n, &err) == JSONU_OK && n == 0);
	/* extra columns a later API version may add are ignored */
	CHECK(okx_parse_long_short_ratio(S("{\"code\":\"0\",\"data\":[[\"5\",\"0\",\"x\"]]}"), r, 3, &n, &err) ==
		  JSONU_OK && n == 1 && strcmp(r[0].ratio, "0") == 0);
	CHECK(okx_parse_long_short_ratio(S(RATIO), r, 1, &n, &err) == JSONU_ECAPACITY && n == 0);
	CHECK(okx_parse_long_short_ratio(S("{\"code\":\"0\",\"data\":[[\"1736935200000\",\"-1.4\"]]}"),
									 r, 3, &n, &err) == JSONU_EVALUE &&
		  strstr(err.msg, "okx long-short-account-ratio: data[0]") && strstr(err.msg, "[1] ratio"));
	CHECK(okx_parse_long_short_ratio(S("{\"code\":\"0\",\"data\":[[\"1736935200000\"]]}"),
									 r, 3, &n, &err) == JSONU_ESHAPE && strstr(err.msg, "ratio row has 1 fields"));
	CHECK(okx_parse_long_short_ratio(S("{\"code\":\"0\",\"data\":[{\"ts\":\"1\",\"ratio\":\"1\"}]}"),
									 r, 3, &n, &err) == JSONU_ESHAPE && strstr(err.msg, "expected a [ts, ratio] array"));
	CHECK(okx_parse_long_short_ratio(S("{\"code\":\"0\",\"data\":[[\"1000\",\"1\"],[\"1000\",\"2\"]]}"),
									 r, 3, &n, &err) == JSONU_EVALUE && n == 0 &&
		  strstr(err.msg, "data[1][0] ts: 1000 is not older than the row before (1000)"));
	CHECK(okx_parse_long_short_ratio(S("{\"code\":\"50011\",\"msg\":\"Too Many Requests\",\"data\":[]}"),
									 r, 3, &n, &err) == JSONU_EVENUE && strcmp(err.venue_code, "50011") == 0);

	CHECK(okx_parse_instruments(S(INSTRUMENTS), in, 2, &n, &err) == JSONU_OK && n == 2);
	CHECK(strcmp(in[0].ct_val, "0.01") == 0 && strcmp(in[0].ct_mult, "1") == 0 &&
		  strcmp(in[0].lot_sz, "0.01") == 0 && strcmp(in[0].tick_sz, "0.1") == 0 &&
		  strcmp(in[0].min_sz, "0.01") == 0 && strcmp(in[0].ct_val_ccy, "BTC") == 0 &&
		  strcmp(in[0].settle_ccy, "USDT") == 0 && strcmp(in[0].state, "live") == 0);
	CHECK(in[1].ct_val[0] == '\0' && strcmp(in[1].lot_sz, "0.00000001") == 0);
	CHECK(okx_parse_instruments(S("{\"code\":\"0\",\"data\":[{\"instId\":\"A-B-SWAP\",\"instType\":\"SWAP\","
								  "\"ctVal\":\"\",\"ctMult\":\"1\",\"lotSz\":\"1\",\"minSz\":\"1\","
								  "\"tickSz\":\"0.1\",\"state\":\"live\"}]}"), in, 2, &n, &err) == JSONU_ESHAPE &&
		  strstr(err.msg, "data[0].ctVal: missing"));
	CHECK(okx_parse_instruments(S("{\"code\":\"0\",\"data\":[{\"instId\":\"A-B-SWAP\",\"instType\":\"SWAP\","
								  "\"ctVal\":\"0.000\",\"ctMult\":\"1\",\"lotSz\":\"1\",\"minSz\":\"1\","
								  "\"tickSz\":\"0.1\",\"state\":\"live\"}]}"), in, 2, &n, &err) == JSONU_EVALUE &&
		  strstr(err.msg, "ctVal: must be positive"));
	CHECK(okx_parse_instruments(S("{\"code\":\"0\",\"data\":[{\"instId\":\"A-B\",\"instType\":\"SPOT\","
								  "\"lotSz\":\"1\",\"minSz\":\"1\",\"tickSz\":\"0e1\",\"state\":\"live\"}]}"),
								in, 2, &n, &err) == JSONU_EVALUE && strstr(err.msg, "tickSz"));
}

#define ORDER_FILLED "{\"code\":\"0\",\"msg\":\"\",\"data\":[{\"instType\":\"SWAP\",\"instId\":\"BTC-USDT-SWAP\"," \
	"\"ordId\":\"2140573841193975808\",\"clOrdId\":\"hdg20250115a\",\"tag\":\"\",\"px\":\"\",\"sz\":\"2\"," \
	"\"ordType\":\"market\",\"side\":\"buy\",\"posSide\":\"long\",\"tdMode\":\"cross\",\"state\":\"filled\"," \
	"\"accFillSz\":\"2\",\"fillPx\":\"97013.1\",\"fillSz\":\"2\",\"fillTime\":\"1736935201010\"," \
	"\"tradeId\":\"615239870\",\"avgPx\":\"97013.1\",\"lever\":\"3\",\"fee\":\"-0.0970131\"," \
	"\"feeCcy\":\"USDT\",\"pnl\":\"0\",\"reduceOnly\":\"false\",\"category\":\"normal\"," \
	"\"attachAlgoOrds\":[],\"linkedAlgoOrd\":{\"algoId\":\"\"},\"cTime\":\"1736935201001\"," \
	"\"uTime\":\"1736935201011\"}]}"
#define ORDER_LIVE "{\"code\":\"0\",\"data\":[{\"instType\":\"SWAP\",\"instId\":\"BTC-USDT-SWAP\"," \
	"\"ordId\":\"2\",\"clOrdId\":\"\",\"px\":\"98000\",\"sz\":\"1\",\"ordType\":\"post_only\",\"side\":\"sell\"," \
	"\"posSide\":\"\",\"state\":\"live\",\"accFillSz\":\"0\",\"fillPx\":\"\",\"fillSz\":\"\",\"fillTime\":\"\"," \
	"\"tradeId\":\"\",\"avgPx\":\"\",\"fee\":\"0\",\"reduceOnly\":true,\"cTime\":\"1736935310000\"}]}"
#define ACK_OK "{\"code\":\"0\",\"msg\":\"\",\"data\":[{\"clOrdId\":\"hdg20250115a\"," \
	"\"ordId\":\"2140573841193975808\",\"tag\":\"\",\"ts\":\"1736935201002\",\"sCode\":\"0\"," \
	"\"sMsg\":\"Order placed\",\"subCode\":\"\"}],\"inTime\":\"1736935200998123\",\"outTime\":\"1736935201003456\"}"
#define ACK_REJECT "{\"code\":\"1\",\"msg\":\"All operations failed\",\"data\":[{\"clOrdId\":\"hdg20250115b\"," \
	"\"ordId\":\"\",\"sCode\":\"51008\",\"sMsg\":\"Order failed. Insufficient USDT margin in account\"," \
	"\"subCode\":\"\",\"tag\":\"\",\"ts\":\"1736935201101\"}],\"inTime\":\"1\",\"outTime\":\"2\"}"
#define FILLS "{\"code\":\"0\",\"msg\":\"\",\"data\":[{\"side\":\"buy\",\"fillSz\":\"2\",\"fillPx\":\"97013.1\"," \
	"\"fee\":\"-0.0970131\",\"ordId\":\"2140573841193975808\",\"instType\":\"SWAP\"," \
	"\"instId\":\"BTC-USDT-SWAP\",\"clOrdId\":\"hdg20250115a\",\"posSide\":\"long\"," \
	"\"billId\":\"2140573841302028288\",\"fillTime\":\"1736935201010\",\"execType\":\"T\"," \
	"\"tradeId\":\"615239870\",\"feeCcy\":\"USDT\",\"ts\":\"1736935201015\"}]}"
#define POSITIONS "{\"code\":\"0\",\"msg\":\"\",\"data\":[{\"avgPx\":\"97013.1\",\"cTime\":\"1736935201011\"," \
	"\"instId\":\"BTC-USDT-SWAP\",\"instType\":\"SWAP\",\"lever\":\"3\",\"liqPx\":\"64890.55\"," \
	"\"markPx\":\"97008.7\",\"mgnMode\":\"cross\",\"notionalUsd\":\"1940.17\",\"pos\":\"-2\"," \
	"\"posCcy\":\"\",\"posId\":\"1752810569801498626\",\"posSide\":\"net\",\"realizedPnl\":\"-0.0970131\"," \
	"\"uTime\":\"1736935201011\",\"upl\":\"-0.088\"}]}"
#define BALANCE "{\"code\":\"0\",\"msg\":\"\",\"data\":[{\"details\":[{\"availBal\":\"9804.51\"," \
	"\"cashBal\":\"10000.12\",\"ccy\":\"USDT\",\"eq\":\"10000.03\",\"frozenBal\":\"195.61\"," \
	"\"uTime\":\"1736935201011\",\"upl\":\"-0.088\"},{\"cashBal\":\"0.5\",\"ccy\":\"BTC\",\"eq\":\"0.5\"}]," \
	"\"totalEq\":\"58504.38\",\"uTime\":\"1736935201500\"}]}"

static void
test_trading(void)
{
	okx_order_ack a;
	okx_order	o[2];
	okx_fill	f[1];
	okx_position p[1];
	okx_account acct;
	okx_balance b[2];
	okx_account_config cfg;
	jsonu_error err;
	int			n;

	CHECK(okx_parse_order_ack(S(ACK_OK), &a, &err) == JSONU_OK && strcmp(a.s_code, "0") == 0 &&
		  strcmp(a.ord_id, "2140573841193975808") == 0 && strcmp(a.cl_ord_id, "hdg20250115a") == 0 &&
		  strcmp(a.s_msg, "Order placed") == 0 && a.ts == INT64_C(1736935201002));
	/* a per-order reject: venue error with the sCode, the ack still filled */
	CHECK(okx_parse_order_ack(S(ACK_REJECT), &a, &err) == JSONU_EVENUE &&
		  strcmp(err.venue_code, "51008") == 0 && okx_code_classify(err.venue_code) == OKX_CODE_REJECT &&
		  strcmp(a.cl_ord_id, "hdg20250115b") == 0 && a.ord_id[0] == '\0' &&
		  strstr(err.msg, "okx order ack: order hdg20250115b rejected, sCode 51008: Order failed."));
	CHECK(okx_parse_order_ack(S(ERR_50011), &a, &err) == JSONU_EVENUE &&
		  okx_code_classify(err.venue_code) == OKX_CODE_RATE_LIMIT && a.s_code[0] == '\0');
	CHECK(okx_parse_order_ack(S("{\"code\":\"50004\",\"msg\":\"timeout\",\"data\":[]}"), &a, &err) ==
		  JSONU_EVENUE && okx_code_classify(err.venue_code) == OKX_CODE_UNKNOWN);
	CHECK(okx_parse_order_ack(S("{\"code\":\"0\",\"msg\":\"\",\"data\":[]}"), &a, &err) == JSONU_ESHAPE);
	CHECK(okx_parse_order_ack(S("{\"code\":\"2\",\"msg\":\"\",\"data\":[{\"sCode\":\"0\",\"ordId\":\"1\"}]}"),
							  &a, &err) == JSONU_EVENUE && strcmp(err.venue_code, "2") == 0);
	CHECK(okx_parse_order_ack(S("{\"code\":\"0\",\"msg\":\"\",\"data\":[{\"ordId\":\"1\"}]}"), &a, &err) ==
		  JSONU_ESHAPE && strstr(err.msg, "data[0].sCode: missing"));

	CHECK(okx_parse_order(S(ORDER_FILLED), &o[0], &err) == JSONU_OK);
	CHECK(o[0].state == OKX_STATE_FILLED && o[0].side == OKX_SIDE_BUY && o[0].pos_side == OKX_POS_LONG &&
		  strcmp(o[0].ord_id, "2140573841193975808") == 0 && strcmp(o[0].cl_ord_id, "hdg20250115a") == 0 &&
		  o[0].px[0] == '\0' && strcmp(o[0].sz, "2") == 0 && strcmp(o[0].acc_fill_sz, "2") == 0 &&
		  strcmp(o[0].avg_px, "97013.1") == 0 && strcmp(o[0].fill_px, "97013.1") == 0 &&
		  strcmp(o[0].fee, "-0.0970131") == 0 && strcmp(o[0].fee_ccy, "USDT") == 0 &&
		  strcmp(o[0].trade_id, "615239870") == 0 && o[0].fill_time == INT64_C(1736935201010) &&
		  !o[0].reduce_only && strcmp(o[0].category, "normal") == 0 &&
		  o[0].c_time == INT64_C(1736935201001) && o[0].u_time == INT64_C(1736935201011));
	CHECK(strcmp(okx_order_state_name(o[0].state), "filled") == 0 &&
		  strcmp(okx_side_name(o[0].side), "buy") == 0 && strcmp(okx_pos_side_name(o[0].pos_side), "long") == 0);
	CHECK(okx_parse_order(S(ORDER_LIVE), &o[1], &err) == JSONU_OK && o[1].state == OKX_STATE_LIVE &&
		  o[1].side == OKX_SIDE_SELL && o[1].pos_side == OKX_POS_NET && o[1].avg_px[0] == '\0' &&
		  o[1].fill_time == OKX_TS_NONE && o[1].u_time == OKX_TS_NONE && o[1].reduce_only);
	CHECK(okx_parse_order(S("{\"code\":\"51603\",\"msg\":\"Order does not exist\",\"data\":[]}"), &o[0], &err) ==
		  JSONU_EVENUE && strcmp(err.venue_code, OKX_CODE_ORDER_NOT_FOUND) == 0);
	CHECK(okx_parse_orders(S(ORDER_FILLED), o, 2, &n, &err) == JSONU_OK && n == 1);
	{
		char		body[sizeof ORDER_FILLED + 16];
		char	   *p;

		strcpy(body, ORDER_FILLED);
		p = strstr(body, "\"filled\"");
		memcpy(p, "\"filed\" ", 8);
		CHECK(okx_parse_order(body, strlen(body), &o[0], &err) == JSONU_EVALUE &&
			  strcmp(err.msg, "okx order: data[0].state: unknown value \"filed\"") == 0);
		strcpy(body, ORDER_FILLED);
		p = strstr(body, "\"buy\"");
		memcpy(p, "\"bye\"", 5);
		CHECK(okx_parse_order(body, strlen(body), &o[0], &err) == JSONU_EVALUE && strstr(err.msg, "side"));
		strcpy(body, ORDER_FILLED);
		p = strstr(body, "\"97013.1\"");
		memcpy(p, "\"9701e.1\"", 9);
		CHECK(okx_parse_order(body, strlen(body), &o[0], &err) == JSONU_EVALUE &&
			  strstr(err.msg, "data[0].fillPx: not a decimal"));
	}

	CHECK(okx_parse_fills(S(FILLS), f, 1, &n, &err) == JSONU_OK && n == 1 &&
		  strcmp(f[0].trade_id, "615239870") == 0 && strcmp(f[0].bill_id, "2140573841302028288") == 0 &&
		  strcmp(f[0].fill_px, "97013.1") == 0 && strcmp(f[0].fill_sz, "2") == 0 &&
		  strcmp(f[0].exec_type, "T") == 0 && f[0].side == OKX_SIDE_BUY &&
		  f[0].ts == INT64_C(1736935201015) && f[0].fill_time == INT64_C(1736935201010));
	CHECK(okx_parse_positions(S(POSITIONS), p, 1, &n, &err) == JSONU_OK && n == 1 &&
		  strcmp(p[0].pos, "-2") == 0 && p[0].pos_side == OKX_POS_NET &&
		  strcmp(p[0].avg_px, "97013.1") == 0 && strcmp(p[0].upl, "-0.088") == 0 &&
		  strcmp(p[0].mgn_mode, "cross") == 0 && p[0].pos_ccy[0] == '\0' &&
		  p[0].u_time == INT64_C(1736935201011));
	CHECK(okx_parse_positions(S("{\"code\":\"0\",\"msg\":\"\",\"data\":[]}"), p, 1, &n, &err) == JSONU_OK && n == 0);
	CHECK(okx_parse_balance(S(BALANCE), &acct, b, 2, &n, &err) == JSONU_OK && n == 2 &&
		  strcmp(acct.total_eq, "58504.38") == 0 && acct.u_time == INT64_C(1736935201500) &&
		  strcmp(b[0].ccy, "USDT") == 0 && strcmp(b[0].eq, "10000.03") == 0 &&
		  strcmp(b[0].cash_bal, "10000.12") == 0 && strcmp(b[0].avail_bal, "9804.51") == 0 &&
		  strcmp(b[0].frozen_bal, "195.61") == 0 && strcmp(b[1].ccy, "BTC") == 0 &&
		  b[1].avail_bal[0] == '\0' && b[1].u_time == OKX_TS_NONE);
	CHECK(okx_parse_balance(S(BALANCE), &acct, b, 1, &n, &err) == JSONU_ECAPACITY && n == 0 &&
		  strstr(err.msg, "data[0].details: 2 currencies, room for 1"));

	/* the position mode: net or long/short, anything else named */
	CHECK(okx_parse_account_config(S(ACCOUNT_CONFIG), &cfg, &err) == JSONU_OK &&
		  cfg.pos_mode == OKX_POS_MODE_NET && strcmp(cfg.acct_lv, "2") == 0);
	CHECK(okx_parse_account_config(S("{\"code\":\"0\",\"msg\":\"\",\"data\":[{\"posMode\":\"long_short_mode\"}]}"),
								   &cfg, &err) == JSONU_OK &&
		  cfg.pos_mode == OKX_POS_MODE_LONG_SHORT && cfg.acct_lv[0] == '\0');
	CHECK(okx_parse_account_config(S("{\"code\":\"0\",\"msg\":\"\",\"data\":[{\"posMode\":\"hedge\"}]}"),
								   &cfg, &err) == JSONU_EVALUE &&
		  strstr(err.msg, "posMode") && strstr(err.msg, "\"hedge\""));
	CHECK(okx_parse_account_config(S("{\"code\":\"0\",\"msg\":\"\",\"data\":[{\"acctLv\":\"2\"}]}"),
								   &cfg, &err) != JSONU_OK && strstr(err.msg, "posMode"));
	CHECK(okx_parse_account_config(S("{\"code\":\"0\",\"msg\":\"\",\"data\":[]}"), &cfg, &err) != JSONU_OK);
	CHECK(okx_parse_account_config(S("{\"code\":\"50114\",\"msg\":\"Invalid authority\",\"data\":[]}"),
								   &cfg, &err) == JSONU_EVENUE && strcmp(err.venue_code, "50114") == 0);
}

/* Every sample with its parser, for the truncation sweep. */
static jsonu_status
run_parser(int which, const char *body, size_t len, jsonu_error *err)
{
	static okx_candle k[4];
	static okx_ticker t;
	static okx_funding f;
	static okx_mark_price m;
	static okx_index_ticker x;
	static okx_open_interest o;
	static okx_instrument in[2];
	static okx_order_ack a;
	static okx_order ord;
	static okx_fill fl;
	static okx_position p;
	static okx_account acct;
	static okx_balance b[2];
	static okx_ratio r[2];
	static okx_account_config cfg;
	int			n;

	switch (which)
	{
		case 0:
			return okx_parse_candles(body, len, k, 4, &n, err);
		case 1:
			return okx_parse_ticker(body, len, &t, err);
		case 2:
			return okx_parse_funding_rate(body, len, &f, err);
		case 3:
			return okx_parse_mark_price(body, len, &m, err);
		case 4:
			return okx_parse_index_ticker(body, len, &x, err);
		case 5:
			return okx_parse_open_interest(body, len, &o, err);
		case 6:
			return okx_parse_instruments(body, len, in, 2, &n, err);
		case 7:
			return okx_parse_order_ack(body, len, &a, err);
		case 8:
			return okx_parse_order(body, len, &ord, err);
		case 9:
			return okx_parse_fills(body, len, &fl, 1, &n, err);
		case 10:
			return okx_parse_positions(body, len, &p, 1, &n, err);
		case 11:
			return okx_parse_balance(body, len, &acct, b, 2, &n, err);
		case 12:
			return okx_parse_long_short_ratio(body, len, r, 2, &n, err);
		default:
			return okx_parse_account_config(body, len, &cfg, err);
	}
}

static void
test_truncations(void)
{
	static const char *const samples[] = {
		CANDLES, TICKER, FUNDING, MARK, INDEX, OI, INSTRUMENTS, ACK_OK, ORDER_FILLED, FILLS,
		POSITIONS, BALANCE, RATIO, ACCOUNT_CONFIG
	};
	int			i;

	for (i = 0; i < (int) (sizeof samples / sizeof samples[0]); i++)
	{
		size_t		len = strlen(samples[i]),
					end = len,
					cut;
		jsonu_error err;

		if (!CHECK(run_parser(i, samples[i], len, &err) == JSONU_OK))
			unit_note("sample %d: %s", i, err.msg);
		while (end > 0 && strchr(" \n", samples[i][end - 1]))
			end--;
		for (cut = 0; cut < end; cut++)
			if (!CHECK(run_parser(i, samples[i], cut, &err) != JSONU_OK))
				unit_note("sample %d accepted when cut to %zu bytes", i, cut);
	}
}

/* A spot buy of BTC-USDT as OKX reports it: the fee is paid in BTC, the bought currency. */
#define ORDER_SPOT_BUY "{\"code\":\"0\",\"msg\":\"\",\"data\":[{\"instType\":\"SPOT\",\"instId\":\"BTC-USDT\"," \
	"\"ordId\":\"2140573841193975809\",\"clOrdId\":\"bf20250115i7\",\"px\":\"\",\"sz\":\"0.0001\"," \
	"\"ordType\":\"market\",\"side\":\"buy\",\"posSide\":\"\",\"tdMode\":\"cash\",\"tgtCcy\":\"base_ccy\"," \
	"\"state\":\"filled\",\"accFillSz\":\"0.0001\",\"fillPx\":\"97013.1\",\"fillSz\":\"0.0001\"," \
	"\"fillTime\":\"1736935201010\",\"tradeId\":\"615239871\",\"avgPx\":\"97013.1\",\"fee\":\"-0.0000001\"," \
	"\"feeCcy\":\"BTC\",\"cTime\":\"1736935201001\",\"uTime\":\"1736935201011\"}]}"

/* Where an order's fee goes: a cost in the quote currency, or lots of the base not received. */
static void
test_fee_split(void)
{
	okx_order	o;
	jsonu_error err;
	double		cost = -1,
				lots = -1;

	/* a spot buy: 0.0000001 BTC of fee is 10 lots of 0.00000001 BTC fewer, and no cost in USDT */
	CHECK(okx_parse_order(S(ORDER_SPOT_BUY), &o, &err) == JSONU_OK &&
		  strcmp(o.fee, "-0.0000001") == 0 && strcmp(o.fee_ccy, "BTC") == 0);
	CHECK(okx_fee_split(o.fee, o.fee_ccy, "BTC", "USDT", 0.00000001, &cost, &lots));
	CHECK(cost == 0.0);
	CHECK_NEAR_REL(lots, 10.0, 1e-12);
	/* a swap: the fee in USDT is a positive cost, no lots */
	CHECK(okx_parse_order(S(ORDER_FILLED), &o, &err) == JSONU_OK);
	CHECK(okx_fee_split(o.fee, o.fee_ccy, "BTC", "USDT", 0.0001, &cost, &lots) && lots == 0.0);
	CHECK_NEAR_REL(cost, 0.0970131, 1e-12);
	/* a rebate in the base currency: more lots received */
	CHECK(okx_fee_split("0.00000002", "BTC", "BTC", "USDT", 0.00000001, &cost, &lots) && cost == 0.0);
	CHECK_NEAR_REL(lots, -2.0, 1e-12);
	/* a spot buy of 1 lot = 0.5 ETH (lot as units): 0.001 ETH of fee is 0.002 lots */
	CHECK(okx_fee_split("-0.001", "ETH", "ETH", "USDT", 0.5, &cost, &lots) && cost == 0.0);
	CHECK_NEAR_REL(lots, 0.002, 1e-12);
	/* no currency named: the quote's, as before */
	CHECK(okx_fee_split("-1.5", "", "BTC", "USDT", 0.01, &cost, &lots) && cost == 1.5 && lots == 0.0);
	/* no fee reported: unknown cost, no lots */
	CHECK(okx_fee_split("", "", "BTC", "USDT", 0.01, &cost, &lots) && isnan(cost) && lots == 0.0);
	/* a third currency cannot be valued: unknown, never counted as dollars */
	CHECK(okx_fee_split("-0.3", "OKB", "BTC", "USDT", 0.01, &cost, &lots) && isnan(cost) && lots == 0.0);
	/* a fee in the base with no usable lot, or text that is no number: refused */
	CHECK(!okx_fee_split("-0.001", "BTC", "BTC", "USDT", 0.0, &cost, &lots));
	CHECK(!okx_fee_split("-0.001", "BTC", "BTC", "USDT", NAN, &cost, &lots));
	CHECK(!okx_fee_split("abc", "USDT", "BTC", "USDT", 0.01, &cost, &lots));
}

int
main(void)
{
	test_envelope();
	test_time_and_errors();
	test_candles();
	test_market();
	test_trading();
	test_fee_split();
	test_truncations();
	return unit_summary("test_okx_parse");
}
