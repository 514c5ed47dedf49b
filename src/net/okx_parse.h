/*
 * okx_parse.h: OKX v5 REST replies into plain C structs.
 *
 * Every reply is the envelope {"code":"0","msg":"","data":[...]}: code is
 * kept as text (OKX sends it as a string; a JSON integer is accepted and
 * printed), data is an array of objects, or of arrays for candles.  A
 * non-zero code makes the parser return JSONU_EVENUE with the code in
 * err->venue_code and "okx <reply>: error <code>: <msg>" in err->msg; the
 * caller maps the code with okx_code_classify (back off, query, reject).
 *
 * Decimals (prices, sizes, rates, fees) are kept as validated text in
 * fixed fields of OKX_DEC_SIZE bytes (json_util.h), ready for numeric_in;
 * "" in such a field means OKX sent "" (not applicable), which is allowed
 * only where the field comment says "may be empty".  Timestamps are epoch
 * milliseconds in int64; OKX_TS_NONE where "" or absent is allowed.  Ids
 * (ordId, tradeId, billId, clOrdId) stay text: they may exceed int64.
 * Unknown keys are ignored; every documented field read is validated.
 *
 * Parsers taking (rows, cap, n) fill rows[0..*n) and fail with
 * JSONU_ECAPACITY when data holds more than cap elements (candles: 300
 * per page at most; size arrays to the limit requested).  Single-object
 * parsers require data to hold exactly one element.  On any error the
 * output may be partly written and must not be used (except where noted
 * for okx_parse_order_ack).
 *
 * Pure C: json-c only, no allocation of our own, no PostgreSQL headers.
 */
#ifndef BIFROST_OKX_PARSE_H
#define BIFROST_OKX_PARSE_H

#include "json_util.h"

#define OKX_DEC_SIZE JSONU_DEC_SIZE
#define OKX_INST_SIZE 48			/* "BTC-USD-250328-100000-C" */
#define OKX_ID_SIZE 40				/* ordId, tradeId, billId, posId; clOrdId <= 32 */
#define OKX_WORD_SIZE 24			/* instType, ordType, tdMode, category, state */
#define OKX_CCY_SIZE 24
#define OKX_MSG_SIZE 256
#define OKX_TS_NONE INT64_C(-1)

/* The order-query code for "order does not exist" (as the OKX mock answers it; unverified against OKX). */
#define OKX_CODE_ORDER_NOT_FOUND "51603"

typedef enum okx_code_class
{
	OKX_CODE_OK,				/* "0" */
	OKX_CODE_RATE_LIMIT,		/* 50011, 50061: refused before execution; back off */
	OKX_CODE_AUTH,				/* 50100..50199: key, signature, timestamp,
								 * passphrase, environment */
	OKX_CODE_REJECT,			/* definitive: a request or business error
								 * (50000, 50002, 50006, 50007, 50009, 50012,
								 * 50014..50016, 50024, 50025, 50027,
								 * 51000..54999) */
	OKX_CODE_UNKNOWN			/* anything else, e.g. 50001, 50004, 50013,
								 * 50026: the outcome of an order request is
								 * unknown, query by clOrdId before anything */
} okx_code_class;

typedef enum okx_side
{
	OKX_SIDE_BUY,
	OKX_SIDE_SELL
} okx_side;

typedef enum okx_pos_side
{
	OKX_POS_NET,
	OKX_POS_LONG,
	OKX_POS_SHORT
} okx_pos_side;

typedef enum okx_order_state
{
	OKX_STATE_LIVE,
	OKX_STATE_PARTIALLY_FILLED,
	OKX_STATE_FILLED,
	OKX_STATE_CANCELED,
	OKX_STATE_MMP_CANCELED
} okx_order_state;

/* A parsed envelope; root is owned, data borrowed from it. */
typedef struct okx_envelope
{
	json_object *root;
	json_object *data;			/* the data array; with a non-zero code
								 * NULL when absent or not an array */
	bool		ok;				/* code == "0" */
	char		code[JSONU_CODE_SIZE];
	char		msg[OKX_MSG_SIZE];
} okx_envelope;

/* GET /api/v5/market/candles and /market/history-candles: one row. */
typedef struct okx_candle
{
	int64_t		ts;				/* bar open, epoch ms */
	char		open[OKX_DEC_SIZE];
	char		high[OKX_DEC_SIZE];
	char		low[OKX_DEC_SIZE];
	char		close[OKX_DEC_SIZE];
	char		vol[OKX_DEC_SIZE];	/* contracts (derivatives), base (spot) */
	char		vol_ccy[OKX_DEC_SIZE];	/* base (derivatives), quote (spot) */
	char		vol_ccy_quote[OKX_DEC_SIZE];	/* quote currency */
	bool		confirm;		/* false: the bar is still forming */
} okx_candle;

/* GET /api/v5/market/ticker */
typedef struct okx_ticker
{
	char		inst_id[OKX_INST_SIZE];
	char		inst_type[OKX_WORD_SIZE];	/* may be empty */
	char		last[OKX_DEC_SIZE];
	char		last_sz[OKX_DEC_SIZE];	/* may be empty */
	char		bid_px[OKX_DEC_SIZE];	/* may be empty: no bid */
	char		bid_sz[OKX_DEC_SIZE];	/* may be empty */
	char		ask_px[OKX_DEC_SIZE];	/* may be empty: no ask */
	char		ask_sz[OKX_DEC_SIZE];	/* may be empty */
	int64_t		ts;
} okx_ticker;

/* GET /api/v5/public/mark-price */
typedef struct okx_mark_price
{
	char		inst_id[OKX_INST_SIZE];
	char		inst_type[OKX_WORD_SIZE];
	char		mark_px[OKX_DEC_SIZE];
	int64_t		ts;
} okx_mark_price;

/* GET /api/v5/market/index-tickers */
typedef struct okx_index_ticker
{
	char		inst_id[OKX_INST_SIZE];
	char		idx_px[OKX_DEC_SIZE];
	int64_t		ts;
} okx_index_ticker;

/* GET /api/v5/public/open-interest */
typedef struct okx_open_interest
{
	char		inst_id[OKX_INST_SIZE];
	char		inst_type[OKX_WORD_SIZE];
	char		oi[OKX_DEC_SIZE];	/* contracts */
	char		oi_ccy[OKX_DEC_SIZE];	/* base currency */
	char		oi_usd[OKX_DEC_SIZE];	/* may be empty */
	int64_t		ts;
} okx_open_interest;

/* GET /api/v5/public/funding-rate and /public/funding-rate-history */
typedef struct okx_funding
{
	char		inst_id[OKX_INST_SIZE];
	char		funding_rate[OKX_DEC_SIZE];
	char		realized_rate[OKX_DEC_SIZE];	/* history only; may be empty */
	char		sett_funding_rate[OKX_DEC_SIZE];	/* current only; may be empty */
	char		method[OKX_WORD_SIZE];	/* may be empty */
	int64_t		funding_time;	/* the settlement this rate belongs to */
	int64_t		next_funding_time;	/* OKX_TS_NONE in history rows */
	int64_t		ts;				/* OKX_TS_NONE in history rows */
} okx_funding;

/* GET /api/v5/rubik/stat/contracts/long-short-account-ratio: one [ts, ratio] row. */
typedef struct okx_ratio
{
	int64_t		ts;
	char		ratio[OKX_DEC_SIZE];	/* accounts net long / net short, >= 0 */
} okx_ratio;

/* GET /api/v5/public/instruments */
typedef struct okx_instrument
{
	char		inst_id[OKX_INST_SIZE];
	char		inst_type[OKX_WORD_SIZE];	/* SPOT, MARGIN, SWAP, FUTURES, OPTION */
	char		settle_ccy[OKX_CCY_SIZE];	/* may be empty */
	char		ct_val[OKX_DEC_SIZE];	/* > 0 for SWAP, FUTURES, OPTION; else may be empty */
	char		ct_mult[OKX_DEC_SIZE];	/* as ct_val */
	char		ct_val_ccy[OKX_CCY_SIZE];	/* may be empty */
	char		lot_sz[OKX_DEC_SIZE];	/* > 0 */
	char		min_sz[OKX_DEC_SIZE];	/* >= 0 */
	char		tick_sz[OKX_DEC_SIZE];	/* > 0 */
	char		state[OKX_WORD_SIZE];	/* live, suspend, preopen, test */
} okx_instrument;

/* POST /api/v5/trade/order and /trade/cancel-order: data[0]. */
typedef struct okx_order_ack
{
	char		ord_id[OKX_ID_SIZE];	/* empty when rejected */
	char		cl_ord_id[OKX_ID_SIZE];	/* may be empty */
	char		s_code[JSONU_CODE_SIZE];	/* "0" = accepted */
	char		s_msg[OKX_MSG_SIZE];
	int64_t		ts;				/* OKX_TS_NONE if absent */
} okx_order_ack;

/* GET /api/v5/trade/order, /trade/orders-pending, /trade/orders-history */
typedef struct okx_order
{
	char		inst_type[OKX_WORD_SIZE];
	char		inst_id[OKX_INST_SIZE];
	char		ord_id[OKX_ID_SIZE];
	char		cl_ord_id[OKX_ID_SIZE];	/* may be empty */
	okx_side	side;
	okx_pos_side pos_side;		/* "" reads as net */
	char		ord_type[OKX_WORD_SIZE];
	char		td_mode[OKX_WORD_SIZE];	/* may be empty */
	okx_order_state state;
	char		px[OKX_DEC_SIZE];	/* may be empty (market) */
	char		sz[OKX_DEC_SIZE];
	char		acc_fill_sz[OKX_DEC_SIZE];	/* cumulative; may be empty */
	char		avg_px[OKX_DEC_SIZE];	/* may be empty: no fill yet */
	char		fill_px[OKX_DEC_SIZE];	/* last fill; may be empty */
	char		fill_sz[OKX_DEC_SIZE];	/* last fill; may be empty */
	int64_t		fill_time;		/* last fill; OKX_TS_NONE if none */
	char		trade_id[OKX_ID_SIZE];	/* last fill; may be empty */
	char		fee[OKX_DEC_SIZE];	/* negative = paid; may be empty */
	char		fee_ccy[OKX_CCY_SIZE];	/* may be empty */
	char		pnl[OKX_DEC_SIZE];	/* may be empty */
	char		category[OKX_WORD_SIZE];	/* may be empty */
	bool		reduce_only;	/* false if absent */
	int64_t		c_time;
	int64_t		u_time;			/* OKX_TS_NONE if absent */
} okx_order;

/* GET /api/v5/trade/fills and /trade/fills-history */
typedef struct okx_fill
{
	char		inst_type[OKX_WORD_SIZE];
	char		inst_id[OKX_INST_SIZE];
	char		trade_id[OKX_ID_SIZE];
	char		ord_id[OKX_ID_SIZE];
	char		cl_ord_id[OKX_ID_SIZE];	/* may be empty */
	char		bill_id[OKX_ID_SIZE];	/* may be empty */
	okx_side	side;
	okx_pos_side pos_side;
	char		exec_type[4];	/* "T" taker, "M" maker; may be empty */
	char		fill_px[OKX_DEC_SIZE];
	char		fill_sz[OKX_DEC_SIZE];
	char		fee[OKX_DEC_SIZE];	/* negative = paid; may be empty */
	char		fee_ccy[OKX_CCY_SIZE];	/* may be empty */
	int64_t		ts;
	int64_t		fill_time;		/* OKX_TS_NONE if absent */
} okx_fill;

/* GET /api/v5/account/positions */
typedef struct okx_position
{
	char		inst_type[OKX_WORD_SIZE];
	char		inst_id[OKX_INST_SIZE];
	char		pos_id[OKX_ID_SIZE];	/* may be empty */
	char		mgn_mode[OKX_WORD_SIZE];	/* cross, isolated */
	okx_pos_side pos_side;
	char		pos[OKX_DEC_SIZE];	/* signed in net mode */
	char		pos_ccy[OKX_CCY_SIZE];	/* may be empty */
	char		avg_px[OKX_DEC_SIZE];	/* may be empty */
	char		mark_px[OKX_DEC_SIZE];	/* may be empty */
	char		upl[OKX_DEC_SIZE];	/* may be empty */
	char		realized_pnl[OKX_DEC_SIZE];	/* may be empty */
	char		lever[OKX_DEC_SIZE];	/* may be empty */
	char		notional_usd[OKX_DEC_SIZE];	/* may be empty */
	int64_t		c_time;			/* OKX_TS_NONE if absent */
	int64_t		u_time;			/* OKX_TS_NONE if absent */
} okx_position;

/* GET /api/v5/account/balance: data[0] and one row per data[0].details[]. */
typedef struct okx_account
{
	char		total_eq[OKX_DEC_SIZE];	/* USD */
	int64_t		u_time;
} okx_account;

typedef struct okx_balance
{
	char		ccy[OKX_CCY_SIZE];
	char		eq[OKX_DEC_SIZE];
	char		cash_bal[OKX_DEC_SIZE];
	char		avail_bal[OKX_DEC_SIZE];	/* may be empty */
	char		frozen_bal[OKX_DEC_SIZE];	/* may be empty */
	char		upl[OKX_DEC_SIZE];	/* may be empty */
	int64_t		u_time;			/* OKX_TS_NONE if absent */
} okx_balance;

/*
 * GET /api/v5/account/config: the position mode.  In long/short mode every
 * swap or futures order must name posSide; bifrost trades one net position.
 */
typedef enum okx_pos_mode
{
	OKX_POS_MODE_NET,			/* "net_mode" */
	OKX_POS_MODE_LONG_SHORT		/* "long_short_mode" */
} okx_pos_mode;

typedef struct okx_account_config
{
	okx_pos_mode pos_mode;
	char		acct_lv[OKX_WORD_SIZE];	/* account mode, "1".."4"; may be empty */
} okx_account_config;

/* --- envelope and codes --- */

/*
 * Parses the envelope; JSONU_OK whenever it is well formed, whatever the
 * code (env->ok tells).  On success the caller must okx_envelope_close.
 */
extern jsonu_status okx_envelope_open(const char *body, size_t len, const char *what,
									  okx_envelope *env, jsonu_error *err);
extern void okx_envelope_close(okx_envelope *env);
extern okx_code_class okx_code_classify(const char *code);

/*
 * The building block of every parser: opens the envelope, fails with
 * JSONU_EVENUE on a non-zero code, then calls row() for each data element
 * with dst = rows + i * row_size and c->where = "data[i]".
 */
typedef bool (*okx_row_fn) (jsonu_ctx *c, json_object *elem, void *dst);
extern jsonu_status okx_parse_rows(const char *body, size_t len, const char *what,
								   okx_row_fn row, void *rows, size_t row_size,
								   int cap, int *n, jsonu_error *err);

/* The same for replies whose data must hold exactly one element. */
extern jsonu_status okx_parse_one(const char *body, size_t len, const char *what,
								  okx_row_fn row, void *dst, jsonu_error *err);

extern const char *okx_side_name(okx_side side);
extern const char *okx_pos_side_name(okx_pos_side pos_side);
extern const char *okx_order_state_name(okx_order_state state);

/* --- public market data (okx_parse.c) --- */
extern jsonu_status okx_parse_time(const char *body, size_t len, int64_t *ts, jsonu_error *err);

/* Rows newest first, timestamps strictly decreasing (OKX's order). */
extern jsonu_status okx_parse_candles(const char *body, size_t len, okx_candle *rows,
									  int cap, int *n, jsonu_error *err);
extern jsonu_status okx_parse_ticker(const char *body, size_t len, okx_ticker *out,
									 jsonu_error *err);
extern jsonu_status okx_parse_mark_price(const char *body, size_t len, okx_mark_price *out,
										 jsonu_error *err);
extern jsonu_status okx_parse_index_ticker(const char *body, size_t len, okx_index_ticker *out,
										   jsonu_error *err);
extern jsonu_status okx_parse_open_interest(const char *body, size_t len,
											okx_open_interest *out, jsonu_error *err);
extern jsonu_status okx_parse_funding_rate(const char *body, size_t len, okx_funding *out,
										   jsonu_error *err);
extern jsonu_status okx_parse_funding_history(const char *body, size_t len, okx_funding *rows,
											  int cap, int *n, jsonu_error *err);
extern jsonu_status okx_parse_instruments(const char *body, size_t len, okx_instrument *rows,
										  int cap, int *n, jsonu_error *err);

/* Rows newest first, timestamps strictly decreasing (OKX's order). */
extern jsonu_status okx_parse_long_short_ratio(const char *body, size_t len, okx_ratio *rows,
											   int cap, int *n, jsonu_error *err);

/* --- trading and account (okx_parse_trade.c) --- */

/*
 * Order placement or cancellation.  JSONU_OK only when code is "0" and
 * sCode is "0".  A per-order reject (code "1", sCode "51008") returns
 * JSONU_EVENUE with venue_code = sCode and *out filled; an envelope error
 * without data returns JSONU_EVENUE with venue_code = code and *out empty.
 */
extern jsonu_status okx_parse_order_ack(const char *body, size_t len, okx_order_ack *out,
										jsonu_error *err);
extern jsonu_status okx_parse_order(const char *body, size_t len, okx_order *out,
									jsonu_error *err);
extern jsonu_status okx_parse_orders(const char *body, size_t len, okx_order *rows,
									 int cap, int *n, jsonu_error *err);
extern jsonu_status okx_parse_fills(const char *body, size_t len, okx_fill *rows,
									int cap, int *n, jsonu_error *err);

/*
 * What an order's fee (OKX's text, negative = paid; fee_ccy its currency)
 * does to the account.  Charged in the instrument's base currency (a spot
 * buy: OKX keeps part of what was bought), it is lots not received:
 * *fee_base_lots = -fee / units_per_lot (positive = fewer lots) and
 * *fee_quote = 0.  In the quote or settle currency (or unnamed) it is a
 * cost: *fee_quote = -fee, *fee_base_lots = 0.  No fee: *fee_quote NAN.  A
 * third currency cannot be valued here: *fee_quote NAN, never counted as
 * quote money.  False for a fee that is not a number, or in the base
 * currency without a usable units_per_lot.
 */
extern bool okx_fee_split(const char *fee, const char *fee_ccy, const char *base_ccy,
						  const char *quote_ccy, double units_per_lot,
						  double *fee_quote, double *fee_base_lots);
extern jsonu_status okx_parse_positions(const char *body, size_t len, okx_position *rows,
										int cap, int *n, jsonu_error *err);
extern jsonu_status okx_parse_balance(const char *body, size_t len, okx_account *account,
									  okx_balance *rows, int cap, int *n, jsonu_error *err);
extern jsonu_status okx_parse_account_config(const char *body, size_t len,
											 okx_account_config *out, jsonu_error *err);

#endif							/* BIFROST_OKX_PARSE_H */
