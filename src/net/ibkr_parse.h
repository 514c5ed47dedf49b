/*
 * ibkr_parse.h: IBKR Client Portal Web API replies into plain C structs.
 *
 * The gateway has no envelope: each endpoint answers with its own object or
 * array, and many failures come as HTTP 200 with {"error": "..."}.  Every
 * parser here first checks for that object and returns JSONU_EVENUE with
 * "ibkr <reply>: <error text>" in err->msg (err->venue_code is "error").
 *
 * Numbers arrive both ways: snapshot fields and order-status sizes as
 * strings ("137.42", "2.0"), positions and live orders as JSON numbers
 * (-5.0, 4.41).  Decimals are kept as validated text (json_util.h) in
 * fields of IBKR_DEC_SIZE bytes, "" where the field may be empty; the
 * optional ones marked "NaN absent" also read the Java "NaN" as absent.
 * Order ids are kept as text whichever way they come; conids are int64.
 * Timestamps are epoch ms, IBKR_TS_NONE when absent.
 *
 * Parsers taking (rows, cap, n) fail with JSONU_ECAPACITY when the reply
 * has more than cap rows.  On error the output must not be used.  Pure C:
 * json-c only, no allocation of our own, no PostgreSQL headers.
 * Shapes: the Client Portal Web API, as the IBKR mock (test/mock/ibkr_mock.pl) answers them.
 */
#ifndef BIFROST_IBKR_PARSE_H
#define BIFROST_IBKR_PARSE_H

#include "json_util.h"

#define IBKR_DEC_SIZE JSONU_DEC_SIZE
#define IBKR_ID_SIZE 64				/* reply ids (UUIDs), order ids, cOID */
#define IBKR_ACCT_SIZE 32
#define IBKR_SYMBOL_SIZE 32
#define IBKR_WORD_SIZE 24
#define IBKR_DESC_SIZE 128
#define IBKR_MSG_SIZE 512
#define IBKR_MAX_ACCOUNTS 16
#define IBKR_TS_NONE INT64_C(-1)

/* Snapshot field ids (GET /iserver/marketdata/snapshot?fields=...). */
#define IBKR_FIELD_LAST "31"
#define IBKR_FIELD_SYMBOL "55"
#define IBKR_FIELD_BID "84"
#define IBKR_FIELD_ASK "86"
#define IBKR_FIELD_AVAILABILITY "6509"
#define IBKR_FIELD_MARK "7635"

typedef enum ibkr_order_state
{
	IBKR_STATE_INACTIVE,
	IBKR_STATE_PENDING_SUBMIT,
	IBKR_STATE_PRE_SUBMITTED,
	IBKR_STATE_SUBMITTED,
	IBKR_STATE_FILLED,
	IBKR_STATE_PENDING_CANCEL,
	IBKR_STATE_PRE_CANCELLED,
	IBKR_STATE_CANCELLED,
	IBKR_STATE_WARN_STATE,
	IBKR_STATE_API_PENDING,
	IBKR_STATE_API_CANCELLED
} ibkr_order_state;

/* POST /iserver/auth/status, and POST /tickle (iserver.authStatus inside). */
typedef struct ibkr_auth_status
{
	bool		authenticated;
	bool		connected;		/* false if absent */
	bool		competing;		/* false if absent */
	char		message[IBKR_MSG_SIZE];	/* may be empty */
	char		fail[IBKR_MSG_SIZE];	/* may be empty */
	char		session[IBKR_ID_SIZE];	/* tickle only; may be empty */
} ibkr_auth_status;

/* GET /iserver/accounts */
typedef struct ibkr_accounts
{
	int			n_accounts;
	char		accounts[IBKR_MAX_ACCOUNTS][IBKR_ACCT_SIZE];
	char		selected[IBKR_ACCT_SIZE];	/* may be empty */
	bool		is_paper;		/* false if absent */
} ibkr_accounts;

/* GET /iserver/marketdata/snapshot: one element per conid. */
typedef struct ibkr_snapshot
{
	int64_t		conid;
	bool		has_data;		/* false for the pre-flight answer: ids only */
	char		last[IBKR_DEC_SIZE];	/* 31, prefix removed; may be empty */
	char		last_flag;		/* 'C' previous close, 'H' halted, '\0' live */
	char		bid[IBKR_DEC_SIZE];	/* 84; may be empty */
	char		ask[IBKR_DEC_SIZE];	/* 86; may be empty */
	char		mark[IBKR_DEC_SIZE];	/* 7635; may be empty */
	char		symbol[IBKR_SYMBOL_SIZE];	/* 55; may be empty */
	char		availability[8];	/* 6509, e.g. "RpB"; may be empty */
	int64_t		updated;		/* _updated, epoch ms; IBKR_TS_NONE if absent */
} ibkr_snapshot;

typedef enum ibkr_reply_kind
{
	IBKR_REPLY_PLACED,			/* order_id + order_status: done */
	IBKR_REPLY_QUESTION,		/* id + message[]: POST /iserver/reply/{id} */
	IBKR_REPLY_REJECTED			/* {"error": ...}: definitive */
} ibkr_reply_kind;

/*
 * POST /iserver/account/{acct}/orders and POST /iserver/reply/{id}: the
 * next step of the confirm loop.
 */
typedef struct ibkr_order_reply
{
	ibkr_reply_kind kind;
	char		reply_id[IBKR_ID_SIZE];	/* QUESTION */
	char		message[IBKR_MSG_SIZE];	/* QUESTION: the questions joined by
										 * " | "; REJECTED: the error */
	char		message_ids[IBKR_MSG_SIZE / 4];	/* QUESTION: "o163,o354"; may be empty */
	char		order_id[IBKR_ID_SIZE];	/* PLACED */
	char		local_order_id[IBKR_ID_SIZE];	/* PLACED: our cOID if echoed; may be empty */
	ibkr_order_state state;		/* PLACED */
} ibkr_order_reply;

/* GET /iserver/account/order/status/{orderId} */
typedef struct ibkr_order_status
{
	char		order_id[IBKR_ID_SIZE];
	int64_t		conid;
	char		symbol[IBKR_SYMBOL_SIZE];	/* may be empty */
	char		side;			/* 'B' or 'S' */
	ibkr_order_state state;
	char		order_type[IBKR_WORD_SIZE];	/* may be empty */
	char		total_size[IBKR_DEC_SIZE];
	char		cum_fill[IBKR_DEC_SIZE];
	char		remaining[IBKR_DEC_SIZE];	/* "size"; may be empty */
	char		average_price[IBKR_DEC_SIZE];	/* may be empty: no fill */
	char		order_time[16];	/* "yyMMddHHmmss" UTC; may be empty */
} ibkr_order_status;

/* GET /iserver/account/orders: orders[]; order_ref is our cOID. */
typedef struct ibkr_live_order
{
	char		order_id[IBKR_ID_SIZE];
	int64_t		conid;
	char		order_ref[IBKR_ID_SIZE];	/* may be empty */
	char		side;			/* 'B' or 'S' */
	ibkr_order_state state;
	char		filled[IBKR_DEC_SIZE];	/* may be empty */
	char		remaining[IBKR_DEC_SIZE];	/* may be empty */
	char		total_size[IBKR_DEC_SIZE];	/* may be empty */
	char		avg_price[IBKR_DEC_SIZE];	/* may be empty */
	char		ticker[IBKR_SYMBOL_SIZE];	/* may be empty */
	int64_t		last_execution;	/* lastExecutionTime_r; IBKR_TS_NONE if absent */
} ibkr_live_order;

/*
 * GET /iserver/account/trades: one execution of the selected account (today
 * and, with ?days=N, up to six days before); order_ref is our cOID.
 */
typedef struct ibkr_trade
{
	char		execution_id[IBKR_ID_SIZE];
	char		order_ref[IBKR_ID_SIZE];	/* may be empty */
	int64_t		conid;			/* 0 if absent */
	char		side;			/* 'B' or 'S' */
	char		size[IBKR_DEC_SIZE];
	char		price[IBKR_DEC_SIZE];
	char		commission[IBKR_DEC_SIZE];	/* may be empty: not known yet */
	int64_t		trade_time;		/* trade_time_r, epoch ms; IBKR_TS_NONE if absent */
} ibkr_trade;

/* GET /portfolio/{acct}/positions/{page}: one row (<= 100 per page, [] ends). */
typedef struct ibkr_position
{
	char		acct_id[IBKR_ACCT_SIZE];
	int64_t		conid;
	char		contract_desc[IBKR_DESC_SIZE];	/* cut to fit; may be empty */
	char		position[IBKR_DEC_SIZE];	/* signed */
	char		mkt_price[IBKR_DEC_SIZE];	/* may be empty, NaN absent */
	char		mkt_value[IBKR_DEC_SIZE];	/* may be empty, NaN absent */
	char		avg_cost[IBKR_DEC_SIZE];	/* may be empty, NaN absent */
	char		avg_price[IBKR_DEC_SIZE];	/* may be empty, NaN absent */
	char		realized_pnl[IBKR_DEC_SIZE];	/* may be empty, NaN absent */
	char		unrealized_pnl[IBKR_DEC_SIZE];	/* may be empty, NaN absent */
	char		currency[IBKR_WORD_SIZE];	/* may be empty */
	char		asset_class[IBKR_WORD_SIZE];	/* STK, OPT, ...; may be empty */
	char		expiry[IBKR_WORD_SIZE];	/* YYYYMMDD; may be empty */
	char		put_or_call;	/* 'C', 'P' or '\0' */
	char		strike[IBKR_DEC_SIZE];	/* may be empty */
	char		multiplier[IBKR_DEC_SIZE];	/* may be empty */
	int64_t		und_conid;		/* 0 if none */
} ibkr_position;

extern const char *ibkr_order_state_name(ibkr_order_state state);

/* Filled, Cancelled, Inactive: nothing more will happen to the order. */
extern bool ibkr_order_state_final(ibkr_order_state state);

extern jsonu_status ibkr_parse_auth_status(const char *body, size_t len, ibkr_auth_status *out,
										   jsonu_error *err);
extern jsonu_status ibkr_parse_accounts(const char *body, size_t len, ibkr_accounts *out,
										jsonu_error *err);
extern jsonu_status ibkr_parse_snapshot(const char *body, size_t len, ibkr_snapshot *rows,
										int cap, int *n, jsonu_error *err);

/*
 * The confirm loop's step.  JSONU_OK for PLACED and QUESTION; REJECTED
 * returns JSONU_EVENUE with out->kind set and the error in out->message.
 */
extern jsonu_status ibkr_parse_order_reply(const char *body, size_t len, ibkr_order_reply *out,
										   jsonu_error *err);
extern jsonu_status ibkr_parse_order_status(const char *body, size_t len,
											ibkr_order_status *out, jsonu_error *err);
extern jsonu_status ibkr_parse_live_orders(const char *body, size_t len, ibkr_live_order *rows,
										   int cap, int *n, jsonu_error *err);
extern jsonu_status ibkr_parse_trades(const char *body, size_t len, ibkr_trade *rows,
									 int cap, int *n, jsonu_error *err);
extern jsonu_status ibkr_parse_positions(const char *body, size_t len, ibkr_position *rows,
										 int cap, int *n, jsonu_error *err);

#endif							/* BIFROST_IBKR_PARSE_H */
