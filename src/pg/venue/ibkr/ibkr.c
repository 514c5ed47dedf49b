/*
 * ibkr.c: an IBKR Client Portal gateway as a venue (venue.h): the session,
 * the account, the stock's conid, snapshot quotes and positions.  Orders
 * are in ibkr_orders.c, the paced requests in ibkr_http.c.
 *
 * Session.  open() wants POST /iserver/auth/status to say authenticated and
 * connected (and no competing session), then tickles it; the gateway drops
 * a session nobody tickles, so every later call tickles when the last one
 * is a minute old.  GET /iserver/accounts must come before snapshots and
 * orders anyway; the account is the secret ibkr.account_id when set (it
 * must be one of the gateway's), else the selected or only one.  The conid
 * is the symbol's stock on a US primary exchange in GET
 * /iserver/secdef/search.  A lot is one share.
 *
 * Warm-ups.  A conid's first snapshot only subscribes it, the first live
 * orders list of a session may come back empty, and positions need GET
 * /portfolio/accounts first: open() asks each once so that the calls that
 * matter find them warm, and quote() asks again (a bounded number of
 * times) when a snapshot still has no prices rather than reading them as
 * zero.  The gateway caches positions, so position() invalidates that
 * cache before it reads the pages: a fill just before a restart must not
 * look like a mismatch.
 *
 * Pacing: one bucket for the whole session below the 10 requests a second
 * IBKR allows, and one per endpoint, tighter where IBKR publishes
 * less (the live orders list, executions and /portfolio/accounts: one
 * per 5 s).  A
 * wait longer than IBKR_MAX_PACING_WAIT_S is not slept: the call fails
 * with "paced" and the hedger asks later.  HTTP 429 opens the back-off of
 * both buckets.  Nothing here raises an ERROR: every failure is a result
 * and a message naming the endpoint.
 */
#include "postgres.h"

#include <math.h>

#include "pg/venue/ibkr/ibkr.h"

/* the gateway closes a session left alone for about five minutes; IBKR asks for one a minute */
#define IBKR_TICKLE_EVERY_S 60.0
#define IBKR_TICKLE_RETRY_S 10.0

/* a pre-flight answer is followed by prices within about half a second */
#define IBKR_SNAPSHOT_ASKS 3
#define IBKR_SNAPSHOT_PAUSE_MS 300
#define IBKR_SNAPSHOT_ROWS 4

#define IBKR_POSITION_ROWS 100	/* IBKR's page size */
#define IBKR_MAX_POSITION_PAGES 20
#define IBKR_SEARCH_ROWS 64

/* published limits (requests per window) and our own below the global one where none is */
#define IBKR_LIMIT_GLOBAL 10
#define IBKR_LIMIT_SLOW_WINDOW_S 6.0	/* IBKR says one per 5 s */
#define IBKR_LIMIT_SESSION 5
#define IBKR_LIMIT_SNAPSHOT 5
#define IBKR_LIMIT_ORDER_POST 5
#define IBKR_LIMIT_ORDER_STATUS 5
#define IBKR_LIMIT_POSITIONS 5
#define IBKR_LIMIT_LOOKUP 5

#define PATH_AUTH_STATUS "/iserver/auth/status"
#define PATH_TICKLE "/tickle"
#define PATH_ACCOUNTS "/iserver/accounts"
#define PATH_PORTFOLIO_ACCOUNTS "/portfolio/accounts"

/* Primary exchanges of US-listed stocks as secdef search names them in "description". */
static const char *const us_exchanges[] = {
	"NASDAQ", "NYSE", "ARCA", "AMEX", "BATS", "IEX", "NYSE ARCA", "NYSE AMERICAN"
};

/* --- session --- */

/* A session status (auth status or tickle) that allows trading, else why. */
static bool
session_usable(const ibkr_auth_status *a, const char *endpoint, char *why, size_t whylen)
{
	const char *detail = a->fail[0] ? a->fail : a->message;

	if (!a->authenticated)
		snprintf(why, whylen, "%s: the gateway session is not authenticated (log in to the Client Portal gateway)%s%s",
				 endpoint, detail[0] ? ": " : "", detail);
	else if (!a->connected)
		snprintf(why, whylen, "%s: the gateway is not connected to IBKR%s%s",
				 endpoint, detail[0] ? ": " : "", detail);
	else if (a->competing)
		snprintf(why, whylen, "%s: another session of this user competes with the gateway's", endpoint);
	else
		return true;
	return false;
}

/* POST path (auth status or tickle) and judge the session it describes. */
static bool
check_session(venue *v, const char *path, char *why, size_t whylen)
{
	ibkr_state *st = IBKR_STATE(v);
	http_response resp;
	ibkr_auth_status a;
	jsonu_error err;
	jsonu_status rc;
	ibkr_outcome outcome = ibkr_request(v, &st->lim_session, "POST", path, NULL, &resp, why, whylen);

	if (outcome != IBKR_OK)
	{
		http_response_free(&resp);
		return false;
	}
	rc = ibkr_parse_auth_status(resp.body, resp.body_len, &a, &err);
	http_response_free(&resp);
	if (rc != JSONU_OK)
	{
		ibkr_parse_failure(why, whylen, "POST", path, &err);
		return false;
	}
	return session_usable(&a, strcmp(path, PATH_TICKLE) == 0 ? "POST " PATH_TICKLE : "POST " PATH_AUTH_STATUS,
						  why, whylen);
}

void
ibkr_keep_alive(venue *v)
{
	ibkr_state *st = IBKR_STATE(v);
	double		now = venue_now();
	char		why[VENUE_WHY_MAX];

	if (now - st->last_tickle < IBKR_TICKLE_EVERY_S)
		return;
	if (check_session(v, PATH_TICKLE, why, sizeof(why)))
		st->last_tickle = now;
	else
	{
		/* the call that follows fails on its own if the session is gone; tickle again soon */
		st->last_tickle = now - IBKR_TICKLE_EVERY_S + IBKR_TICKLE_RETRY_S;
		venue_scrub_secrets(&v->params, why);
		ereport(LOG, (errmsg("bifrost: ibkr: %s", why)));
	}
}

static bool
account_listed(const ibkr_accounts *a, const char *account)
{
	for (int i = 0; i < a->n_accounts; i++)
		if (strcmp(a->accounts[i], account) == 0)
			return true;
	return false;
}

/* The account orders and positions go to: the secret, else the gateway's choice. */
static bool
choose_account(venue *v, char *why, size_t whylen)
{
	ibkr_state *st = IBKR_STATE(v);
	const char *wanted = venue_secret_get(&v->params, "ibkr.account_id");
	http_response resp;
	ibkr_accounts a;
	jsonu_error err;
	jsonu_status rc;

	if (ibkr_request(v, &st->lim_lookup, "GET", PATH_ACCOUNTS, NULL, &resp, why, whylen) != IBKR_OK)
	{
		http_response_free(&resp);
		return false;
	}
	rc = ibkr_parse_accounts(resp.body, resp.body_len, &a, &err);
	http_response_free(&resp);
	if (rc != JSONU_OK)
	{
		ibkr_parse_failure(why, whylen, "GET", PATH_ACCOUNTS, &err);
		return false;
	}
	if (wanted && wanted[0])
	{
		if (!account_listed(&a, wanted))
		{
			snprintf(why, whylen, "GET " PATH_ACCOUNTS ": the secret ibkr.account_id is not one of the gateway's %d accounts",
					 a.n_accounts);
			return false;
		}
		strlcpy(st->account, wanted, sizeof(st->account));
	}
	else if (a.selected[0] && account_listed(&a, a.selected))
		strlcpy(st->account, a.selected, sizeof(st->account));
	else if (a.n_accounts == 1)
		strlcpy(st->account, a.accounts[0], sizeof(st->account));
	else
	{
		snprintf(why, whylen, "GET " PATH_ACCOUNTS ": %d accounts and none selected: name one in the secret ibkr.account_id",
				 a.n_accounts);
		return false;
	}
	/* it goes into paths: letters and digits only */
	for (const char *c = st->account; *c; c++)
		if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9')))
		{
			snprintf(why, whylen, "GET " PATH_ACCOUNTS ": unusable account id (only letters and digits can go into a path)");
			st->account[0] = '\0';
			return false;
		}
	return true;
}

static bool
ascii_ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (pg_ascii_tolower((unsigned char) *a) != pg_ascii_tolower((unsigned char) *b))
			return false;
	return *a == *b;
}

static bool
has_stock_section(jsonu_ctx *c, json_object *row)
{
	json_object *sections = NULL;
	char		sec_type[IBKR_WORD_SIZE];

	if (!jsonu_get_array(c, row, "sections", JSONU_OPT, &sections) || sections == NULL)
		return false;
	for (size_t i = 0; i < json_object_array_length(sections); i++)
	{
		json_object *s = json_object_array_get_idx(sections, i);

		if (json_object_is_type(s, json_type_object) &&
			jsonu_get_token(c, s, "secType", NULL, JSONU_OPT, sec_type, sizeof(sec_type)) &&
			strcmp(sec_type, "STK") == 0)
			return true;
	}
	return false;
}

static bool
us_exchange(const char *name)
{
	for (size_t i = 0; i < lengthof(us_exchanges); i++)
		if (ascii_ieq(name, us_exchanges[i]))
			return true;
	return false;
}

/*
 * The conid of the symbol's stock on a US exchange in a secdef search
 * answer; 0 when there is none, or with err set when the answer is unreadable.
 */
static int64
pick_conid(const char *body, size_t len, const char *symbol, jsonu_error *err)
{
	json_object *root;
	jsonu_ctx	c;
	int64		found = 0;

	if (jsonu_parse(body, len, "ibkr secdef search", &root, err) != JSONU_OK)
		return 0;
	jsonu_ctx_init(&c, "ibkr secdef search", err);
	if (json_object_is_type(root, json_type_object) && jsonu_member(root, "error") != NULL)
	{
		char		text[IBKR_MSG_SIZE];

		jsonu_get_message(&c, root, "error", text, sizeof(text));
		jsonu_fail(err, JSONU_EVENUE, "ibkr secdef search: %s", text);
	}
	else if (!json_object_is_type(root, json_type_array))
		jsonu_ctx_fail(&c, JSONU_ESHAPE, NULL, "expected an array");
	else
		for (size_t i = 0; i < json_object_array_length(root) && i < IBKR_SEARCH_ROWS && found == 0; i++)
		{
			json_object *row = json_object_array_get_idx(root, i);
			char		sym[IBKR_SYMBOL_SIZE];
			char		exch[IBKR_DESC_SIZE];
			int64_t		conid = 0;

			jsonu_ctx_at(&c, "[%zu]", i);
			if (!json_object_is_type(row, json_type_object) ||
				!jsonu_get_text(&c, row, "symbol", NULL, JSONU_OPT, sym, sizeof(sym)) ||
				!jsonu_get_text(&c, row, "description", NULL, JSONU_OPT, exch, sizeof(exch)) ||
				!jsonu_get_int64(&c, row, "conid", NULL, JSONU_OPT | JSONU_NONNEG, &conid))
			{
				/* one odd row (another asset class) does not spoil the others */
				jsonu_error_clear(err);
				continue;
			}
			if (conid > 0 && ascii_ieq(sym, symbol) && us_exchange(exch) && has_stock_section(&c, row))
				found = conid;
			jsonu_error_clear(err);
		}
	json_object_put(root);
	return err->status == JSONU_OK ? found : 0;
}

static bool
find_conid(venue *v, char *why, size_t whylen)
{
	ibkr_state *st = IBKR_STATE(v);
	const char *symbol = v->params.symbol;
	char		path[IBKR_PATH_MAX];
	http_response resp;
	jsonu_error err;

	/* it goes into a query string: plain ticker characters only */
	for (const char *c = symbol; *c; c++)
		if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '.'))
		{
			snprintf(why, whylen, "ibkr: symbol \"%s\" is not a stock ticker", symbol);
			return false;
		}
	snprintf(path, sizeof(path), "/iserver/secdef/search?symbol=%s&secType=STK", symbol);
	if (ibkr_request(v, &st->lim_lookup, "GET", path, NULL, &resp, why, whylen) != IBKR_OK)
	{
		http_response_free(&resp);
		return false;
	}
	jsonu_error_clear(&err);
	st->conid = pick_conid(resp.body, resp.body_len, symbol, &err);
	http_response_free(&resp);
	if (err.status != JSONU_OK)
	{
		ibkr_parse_failure(why, whylen, "GET", path, &err);
		return false;
	}
	if (st->conid == 0)
	{
		snprintf(why, whylen, "GET /iserver/secdef/search: no %s stock on a US exchange", symbol);
		return false;
	}
	return true;
}

/* The first requests whose answers do not count (see the header); failures wait for the real ones. */
static void
warm_up(venue *v)
{
	ibkr_state *st = IBKR_STATE(v);
	char		path[IBKR_PATH_MAX];
	char		why[VENUE_WHY_MAX];
	http_response resp;

	snprintf(path, sizeof(path), "/iserver/marketdata/snapshot?conids=" INT64_FORMAT "&fields=%s,%s,%s",
			 st->conid, IBKR_FIELD_LAST, IBKR_FIELD_BID, IBKR_FIELD_ASK);
	ibkr_request(v, &st->lim_snapshot, "GET", path, NULL, &resp, why, sizeof(why));
	http_response_free(&resp);
	if (ibkr_request(v, &st->lim_live_orders, "GET", IBKR_PATH_LIVE_ORDERS, NULL, &resp, why, sizeof(why)) == IBKR_OK)
		st->live_orders_answers++;
	http_response_free(&resp);
	if (ibkr_request(v, &st->lim_portfolio_accounts, "GET", PATH_PORTFOLIO_ACCOUNTS, NULL,
					 &resp, why, sizeof(why)) == IBKR_OK)
		st->portfolio_ready = true;
	http_response_free(&resp);
}

static bool
venue_ibkr_open(venue *v, char *why, size_t whylen)
{
	ibkr_state *st = IBKR_STATE(v);

	/* a new session may start over: its lists and caches are cold again */
	st->opened = false;
	st->portfolio_ready = false;
	st->live_orders_answers = 0;
	if (!check_session(v, PATH_AUTH_STATUS, why, whylen) ||
		!check_session(v, PATH_TICKLE, why, whylen))
		return false;
	st->last_tickle = venue_now();
	if (!choose_account(v, why, whylen) || !find_conid(v, why, whylen))
		return false;
	warm_up(v);
	st->opened = true;
	/* the account id is secret: its last two characters tell accounts apart in the log */
	ereport(LOG, (errmsg("bifrost: ibkr: trading %s (conid " INT64_FORMAT ") in account ...%s",
						 v->params.symbol, st->conid,
						 st->account + Max(0, (int) strlen(st->account) - 2))));
	return true;
}

static double
venue_ibkr_units_per_lot(venue *v)
{
	return 1.0;
}

/* --- quotes --- */

/* A snapshot row with prices as a quote; false with why when it cannot be hedged on. */
static bool
row_quote(const ibkr_snapshot *row, venue_quote *q, const char *endpoint, char *why, size_t whylen)
{
	if (row->last_flag == 'H')
	{
		snprintf(why, whylen, "%s: trading in conid " INT64_FORMAT " is halted", endpoint, (int64) row->conid);
		return false;
	}
	if (!row->bid[0] || !row->ask[0])
	{
		snprintf(why, whylen, "%s: no bid and ask for conid " INT64_FORMAT " (market closed?)",
				 endpoint, (int64) row->conid);
		return false;
	}
	q->bid = ibkr_decimal(row->bid);
	q->ask = ibkr_decimal(row->ask);
	if (!(q->bid > 0 && q->ask >= q->bid && isfinite(q->ask)))
	{
		snprintf(why, whylen, "%s: unusable bid %s and ask %s", endpoint, row->bid, row->ask);
		return false;
	}
	/* a C-prefixed last is the previous close: no trade price of today */
	q->last = (row->last[0] && row->last_flag == '\0') ? ibkr_decimal(row->last) : NAN;
	q->ts = row->updated != IBKR_TS_NONE ? (double) row->updated / 1000.0 : NAN;
	return true;
}

static bool
venue_ibkr_quote(venue *v, venue_quote *q, char *why, size_t whylen)
{
	ibkr_state *st = IBKR_STATE(v);
	char		path[IBKR_PATH_MAX];
	char		endpoint[IBKR_PATH_MAX];
	ibkr_snapshot rows[IBKR_SNAPSHOT_ROWS];

	if (!st->opened)
	{
		snprintf(why, whylen, "ibkr: the venue is not open");
		return false;
	}
	ibkr_keep_alive(v);
	snprintf(path, sizeof(path), "/iserver/marketdata/snapshot?conids=" INT64_FORMAT "&fields=%s,%s,%s",
			 st->conid, IBKR_FIELD_LAST, IBKR_FIELD_BID, IBKR_FIELD_ASK);
	ibkr_endpoint(endpoint, sizeof(endpoint), "GET", path);
	for (int ask = 0; ask < IBKR_SNAPSHOT_ASKS; ask++)
	{
		http_response resp;
		jsonu_error err;
		jsonu_status rc;
		int			n = 0;
		const ibkr_snapshot *row = NULL;

		if (ask > 0 && (v->params.sleep_ms == NULL ||
						!v->params.sleep_ms(IBKR_SNAPSHOT_PAUSE_MS, v->params.sleep_arg)))
		{
			snprintf(why, whylen, "%s: stopped while waiting for prices", endpoint);
			return false;
		}
		if (ibkr_request(v, &st->lim_snapshot, "GET", path, NULL, &resp, why, whylen) != IBKR_OK)
		{
			http_response_free(&resp);
			return false;
		}
		rc = ibkr_parse_snapshot(resp.body, resp.body_len, rows, lengthof(rows), &n, &err);
		http_response_free(&resp);
		if (rc != JSONU_OK)
		{
			ibkr_parse_failure(why, whylen, "GET", path, &err);
			return false;
		}
		for (int i = 0; i < n; i++)
			if (rows[i].conid == st->conid)
				row = &rows[i];
		if (row == NULL)
		{
			snprintf(why, whylen, "%s: no row for conid " INT64_FORMAT, endpoint, st->conid);
			return false;
		}
		/* ids only: the pre-flight answer that subscribes; prices come with a later one */
		if (row->has_data)
			return row_quote(row, q, endpoint, why, whylen);
	}
	snprintf(why, whylen, "%s: no prices after %d requests (is there a market-data subscription?)",
			 endpoint, IBKR_SNAPSHOT_ASKS);
	return false;
}

/* --- positions --- */

static bool
venue_ibkr_position(venue *v, double *lots, char *why, size_t whylen)
{
	ibkr_state *st = IBKR_STATE(v);
	ibkr_position *rows;
	int			prev_n = -1;
	bool		done = false;

	if (!st->opened)
	{
		snprintf(why, whylen, "ibkr: the venue is not open");
		return false;
	}
	ibkr_keep_alive(v);
	if (!st->portfolio_ready)
	{
		http_response resp;
		ibkr_outcome o = ibkr_request(v, &st->lim_portfolio_accounts, "GET", PATH_PORTFOLIO_ACCOUNTS,
									  NULL, &resp, why, whylen);

		http_response_free(&resp);
		if (o != IBKR_OK)
			return false;
		st->portfolio_ready = true;
	}
	/* the gateway serves positions from a cache that a fill does not refresh */
	{
		char		path[IBKR_PATH_MAX];
		http_response resp;
		ibkr_outcome o;

		snprintf(path, sizeof(path), "/portfolio/%s/positions/invalidate", st->account);
		o = ibkr_request(v, &st->lim_positions, "POST", path, NULL, &resp, why, whylen);
		http_response_free(&resp);
		if (o != IBKR_OK)
			return false;
	}
	rows = malloc(sizeof(ibkr_position) * IBKR_POSITION_ROWS);
	if (rows == NULL)
	{
		snprintf(why, whylen, "ibkr: out of memory for a page of positions");
		return false;
	}
	*lots = 0;
	for (int page = 0; page < IBKR_MAX_POSITION_PAGES && !done; page++)
	{
		char		path[IBKR_PATH_MAX];
		http_response resp;
		jsonu_error err;
		jsonu_status rc;
		int			n = 0;

		snprintf(path, sizeof(path), "/portfolio/%s/positions/%d", st->account, page);
		if (ibkr_request(v, &st->lim_positions, "GET", path, NULL, &resp, why, whylen) != IBKR_OK)
		{
			http_response_free(&resp);
			free(rows);
			return false;
		}
		rc = ibkr_parse_positions(resp.body, resp.body_len, rows, IBKR_POSITION_ROWS, &n, &err);
		http_response_free(&resp);
		if (rc != JSONU_OK)
		{
			ibkr_parse_failure(why, whylen, "GET", path, &err);
			free(rows);
			return false;
		}
		for (int i = 0; i < n && !done; i++)
			if (rows[i].conid == st->conid && (!rows[i].acct_id[0] || strcmp(rows[i].acct_id, st->account) == 0))
			{
				*lots = ibkr_decimal(rows[i].position);
				done = true;
			}
		/* an empty page, or one shorter than the one before, is the last */
		if (n == 0 || (prev_n >= 0 && n < prev_n))
		{
			free(rows);
			return true;
		}
		prev_n = n;
	}
	free(rows);
	if (done)
		return true;
	snprintf(why, whylen, "GET /portfolio/{account}/positions: more than %d pages",
			 IBKR_MAX_POSITION_PAGES);
	return false;
}

/* --- set-up --- */

static void
venue_ibkr_close(venue *v)
{
	free(v->state);
	v->state = NULL;
}

static const venue_ops ibkr_ops = {
	.name = "ibkr",
	.open = venue_ibkr_open,
	.units_per_lot = venue_ibkr_units_per_lot,
	.quote = venue_ibkr_quote,
	.send = ibkr_send,
	.query = ibkr_query,
	.position = venue_ibkr_position,
	.close = venue_ibkr_close,
};

bool
venue_ibkr_init(venue *v, char *why, size_t whylen)
{
	ibkr_state *st;

	if (v->params.base_url == NULL || v->params.base_url[0] == '\0')
	{
		snprintf(why, whylen, "ibkr: bifrost.ibkr_base_url is empty");
		return false;
	}
	if (v->params.symbol == NULL || v->params.symbol[0] == '\0')
	{
		snprintf(why, whylen, "ibkr: no symbol to trade");
		return false;
	}
	st = calloc(1, sizeof(ibkr_state));
	if (st == NULL)
	{
		snprintf(why, whylen, "ibkr: out of memory");
		return false;
	}
	rate_limit_init(&st->lim_global, IBKR_LIMIT_GLOBAL, 1.0);
	rate_limit_init(&st->lim_session, IBKR_LIMIT_SESSION, 1.0);
	rate_limit_init(&st->lim_snapshot, IBKR_LIMIT_SNAPSHOT, 1.0);
	rate_limit_init(&st->lim_order_post, IBKR_LIMIT_ORDER_POST, 1.0);
	rate_limit_init(&st->lim_order_status, IBKR_LIMIT_ORDER_STATUS, 1.0);
	rate_limit_init(&st->lim_live_orders, 1, IBKR_LIMIT_SLOW_WINDOW_S);
	rate_limit_init(&st->lim_trades, 1, IBKR_LIMIT_SLOW_WINDOW_S);
	rate_limit_init(&st->lim_portfolio_accounts, 1, IBKR_LIMIT_SLOW_WINDOW_S);
	rate_limit_init(&st->lim_positions, IBKR_LIMIT_POSITIONS, 1.0);
	rate_limit_init(&st->lim_lookup, IBKR_LIMIT_LOOKUP, 1.0);
	st->last_tickle = -INFINITY;
	st->last_request_left = NAN;
	v->state = st;
	v->ops = &ibkr_ops;
	return true;
}
