/*
 * hedge_store.c: SQL of the hedge rows.  One function per event of an
 * order's life; the caller groups them into one transaction per decision.
 */
#include "postgres.h"

#include <math.h>

#include "access/xlog.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"

#include "pg/common/engine_glue.h"
#include "pg/hedger/hedge_store.h"
#include "pg/spi/store.h"

#define TS(epoch) TimestampTzGetDatum(epoch_to_timestamptz(epoch))
#define TEXT(s) CStringGetTextDatum(s)

/* orders.exchange of every row written and read: the venue the hedger trades on */
static char exchange[16] = "paper";

void
hstore_set_exchange(const char *name)
{
	strlcpy(exchange, name, sizeof(exchange));
}

void
hstore_sync_commit(bool on)
{
	store_exec(on ? "SET LOCAL synchronous_commit = on" : "SET LOCAL synchronous_commit = off",
			   0, NULL, NULL, NULL, SPI_OK_UTILITY);
}

static const char *
side_name(hedge_side side)
{
	return hedge_side_name(side);
}

static void
lifecycle(const hedge_order_rec *o, const char *symbol, double ts, const char *status,
		  const char *message, double fill_qty, double fill_price, const char *trade_id)
{
	Oid			types[10] = {INT8OID, TEXTOID, TEXTOID, TIMESTAMPTZOID, TEXTOID, TEXTOID,
	FLOAT8OID, FLOAT8OID, TEXTOID, TEXTOID};
	Datum		values[10];
	char		nulls[10] = "          ";

	values[9] = TEXT(exchange);
	values[0] = Int64GetDatum(o->order_id);
	values[1] = TEXT(status);
	values[2] = TEXT(message);
	values[3] = TS(ts);
	values[4] = TEXT(symbol);
	values[5] = TEXT(o->client_order_id);
	values[6] = Float8GetDatum(fill_qty);
	values[7] = Float8GetDatum(fill_price);
	values[8] = trade_id ? TEXT(trade_id) : (Datum) 0;
	if (fill_qty <= 0)
		nulls[6] = nulls[7] = 'n';
	if (!trade_id)
		nulls[8] = 'n';
	store_exec("INSERT INTO bifrost.order_lifecycle_events (order_id, status, message, ts, exchange,"
			   " symbol, exchange_status, exchange_event_ts, client_order_id, fill_qty, fill_price, trade_id)"
			   " VALUES ($1, $2, $3, $4, $10, $5, lower($2), $4, $6, $7::numeric, $8::numeric, $9)",
			   10, types, values, nulls, SPI_OK_INSERT);
}

static void
operation(double ts, const char *type, hedge_side side, int64 qty, double price,
		  const char *state_reason, const char *client_order_id, double decision_mid,
		  double realized_pnl)
{
	Oid			types[9] = {TIMESTAMPTZOID, TEXTOID, TEXTOID, INT4OID, FLOAT8OID, TEXTOID,
	TEXTOID, FLOAT8OID, FLOAT8OID};
	Datum		values[9];
	char		nulls[9] = "         ";

	values[0] = TS(ts);
	values[1] = TEXT(type);
	values[2] = TEXT(side_name(side));
	values[3] = Int32GetDatum((int32) qty);
	values[4] = Float8GetDatum(price);
	values[5] = state_reason ? TEXT(state_reason) : (Datum) 0;
	values[6] = TEXT(client_order_id);
	values[7] = Float8GetDatum(decision_mid);
	values[8] = Float8GetDatum(realized_pnl);
	if (!isfinite(price) || price <= 0)
		nulls[4] = 'n';
	if (!state_reason)
		nulls[5] = 'n';
	if (!isfinite(decision_mid) || decision_mid <= 0)
		nulls[7] = 'n';
	if (!isfinite(realized_pnl))
		nulls[8] = 'n';
	store_exec("INSERT INTO bifrost.operations (ts, type, side, quantity, price, state_reason,"
			   " client_order_id, decision_mid, realized_pnl)"
			   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
			   9, types, values, nulls, SPI_OK_INSERT);
}

void
hstore_record_intent(const char *symbol, const char *config_hash, const hedge_intent_rec *r,
					 hedge_order_rec *order)
{
	Oid			types[11] = {TEXTOID, TIMESTAMPTZOID, FLOAT8OID, TEXTOID, INT4OID, TEXTOID,
	FLOAT8OID, TEXTOID, INT8OID, TEXTOID, INT8OID};
	Datum		values[11];
	char		nulls[11] = "           ";
	bool		isnull;
	int64		op_id;
	char	   *coid;

	/* the intent's id names the order, so the id is drawn first */
	store_exec("SELECT nextval(pg_catalog.pg_get_serial_sequence('bifrost.operations', 'id'))",
			   0, NULL, NULL, NULL, SPI_OK_SELECT);
	op_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));

	values[0] = TEXT(symbol);
	values[1] = TS(r->ts);
	values[2] = Float8GetDatum(r->net_delta);
	values[3] = TEXT(side_name(r->side));
	values[4] = Int32GetDatum((int32) r->qty);
	values[5] = TEXT(config_hash);
	values[6] = Float8GetDatum(r->mid);
	values[7] = TEXT(r->state_reason);
	values[8] = Int64GetDatum(op_id);
	values[9] = TEXT(exchange);
	values[10] = Int64GetDatum((int64) GetWALInsertionTimeLine());

	/*
	 * Decision, intent and the CREATED order in one statement.  The client
	 * order id is deterministic (date and intent id, letters and digits only:
	 * OKX's clOrdId accepts nothing else) and unique by the orders key.  A
	 * standby promoted without the last commits of its primary reissues
	 * their intent ids, but on a new timeline: after timeline 1 the id
	 * carries it (bf<date>t<timeline>i<id>), so it never names an order the
	 * old primary sent.
	 */
	store_exec("WITH d AS ("
			   "  INSERT INTO bifrost.decisions (symbol, timeframe, ts, action, net_delta, intent_side,"
			   "    intent_qty, trading_state, config_hash, reasoning)"
			   "  VALUES ($1, 'tick', $2, 'hedge', $3, $4, $5, 'NEED_HEDGE', $6, $8) RETURNING id),"
			   " coid AS (SELECT 'bf' || to_char($2 AT TIME ZONE 'UTC', 'YYYYMMDD')"
			   "   || CASE WHEN $11 > 1 THEN 't' || $11 ELSE '' END || 'i' || $9 AS v),"
			   " op AS ("
			   "  INSERT INTO bifrost.operations (id, ts, type, side, quantity, price, state_reason,"
			   "    client_order_id, decision_mid)"
			   "  SELECT $9, $2, 'hedge_intent', $4, $5, $7, $8, coid.v, $7 FROM coid RETURNING id),"
			   " o AS ("
			   "  INSERT INTO bifrost.orders (exchange, symbol, side, type, amount, status, client_order_id,"
			   "    created_at, updated_at, remaining_amount, intent_id, decision_id)"
			   "  SELECT $10, $1, $4, 'MARKET', $5, 'CREATED', coid.v, $2, $2, $5, op.id, d.id"
			   "  FROM coid, op, d RETURNING id, client_order_id)"
			   " SELECT id, client_order_id FROM o",
			   11, types, values, nulls, SPI_OK_SELECT);
	order->order_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	coid = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
	strlcpy(order->client_order_id, coid, sizeof(order->client_order_id));
	order->side = r->side;
	order->qty = r->qty;
	order->placed_at = r->ts;
	order->decision_mid = r->mid;
	strlcpy(order->status, "CREATED", sizeof(order->status));
	strlcpy(order->state_reason, r->state_reason, sizeof(order->state_reason));
	lifecycle(order, symbol, r->ts, "CREATED", "UNKNOWN -> CREATED. intent recorded", 0, 0, NULL);
}

static void
set_order_status(const hedge_order_rec *o, double ts, const char *status, double filled,
				 double avg_price)
{
	Oid			types[6] = {INT8OID, TEXTOID, TIMESTAMPTZOID, FLOAT8OID, FLOAT8OID, TEXTOID};
	Datum		values[6];
	char		nulls[6] = "      ";

	values[0] = Int64GetDatum(o->order_id);
	values[1] = TEXT(status);
	values[2] = TS(ts);
	values[3] = Float8GetDatum(filled);
	values[4] = Float8GetDatum(avg_price);
	if (!(avg_price > 0))
		nulls[4] = 'n';
	values[5] = o->exchange_order_id[0] ? TEXT(o->exchange_order_id) : (Datum) 0;
	if (!o->exchange_order_id[0])
		nulls[5] = 'n';
	store_exec("UPDATE bifrost.orders SET status = $2, updated_at = $3, filled_amount = $4::numeric,"
			   " remaining_amount = CASE WHEN $2 IN ('FILLED', 'CANCELED', 'REJECTED') THEN 0"
			   "   ELSE amount - $4::numeric END,"
			   " average_price = coalesce($5::numeric, average_price),"
			   " exchange_order_id = coalesce($6, exchange_order_id,"
			   "   CASE WHEN exchange = 'paper' THEN 'paper-' || id END)"
			   " WHERE id = $1",
			   6, types, values, nulls, SPI_OK_UPDATE);
}

void
hstore_order_sent(const hedge_order_rec *order, const char *symbol, double ts)
{
	char		message[128];

	operation(ts, "order_sent", order->side, order->qty, order->decision_mid, order->state_reason,
			  order->client_order_id, order->decision_mid, NAN);
	set_order_status(order, ts, "NEW", 0, 0);
	snprintf(message, sizeof(message), "%s -> NEW. accepted by the %s broker", order->status, exchange);
	lifecycle(order, symbol, ts, "NEW", message, 0, 0, NULL);
}

void
hstore_order_unknown(const hedge_order_rec *order, const char *symbol, double ts, const char *why)
{
	char		message[HEDGE_NOTE_MAX];

	set_order_status(order, ts, "UNKNOWN", 0, 0);
	snprintf(message, sizeof(message), "%s -> UNKNOWN. %s; asking the %s broker by client order id",
			 order->status, why, exchange);
	lifecycle(order, symbol, ts, "UNKNOWN", message, 0, 0, NULL);
}

void
hstore_order_rejected(const hedge_order_rec *order, const char *symbol, double ts, const char *reason)
{
	char		message[HEDGE_NOTE_MAX];

	operation(ts, "reject", order->side, order->qty, NAN, reason, order->client_order_id,
			  order->decision_mid, NAN);
	set_order_status(order, ts, "REJECTED", 0, 0);
	snprintf(message, sizeof(message), "%s -> REJECTED. %s", order->status, reason);
	lifecycle(order, symbol, ts, "REJECTED", message, 0, 0, NULL);
}

void
hstore_order_cancelled(const hedge_order_rec *order, const char *symbol, double ts, int64 qty,
					   const char *reason)
{
	char		message[128];

	operation(ts, "cancel", order->side, qty, NAN, reason, order->client_order_id,
			  order->decision_mid, NAN);
	snprintf(message, sizeof(message), "-> CANCELED. %s (" INT64_FORMAT " shares)", reason, qty);
	lifecycle(order, symbol, ts, "CANCELED", message, 0, 0, NULL);
}

/* one statement text, so the saved plan is shared by both callers */
static const char position_upsert_sql[] =
"INSERT INTO bifrost.positions (exchange, symbol, side, size, entry_price, updated_at)"
" VALUES ($5, $1, 'NET', $2::numeric, $3::numeric, $4)"
" ON CONFLICT (exchange, symbol, side) DO UPDATE SET size = EXCLUDED.size,"
" entry_price = EXCLUDED.entry_price, updated_at = EXCLUDED.updated_at";

void
hstore_fill(const char *symbol, const hedge_fill_rec *f)
{
	const hedge_order_rec *o = f->order;
	bool		partial = f->filled_qty < o->qty;
	char		trade_id[HEDGE_CLIENT_ORDER_ID_MAX + 4];
	Oid			types[11] = {INT8OID, TEXTOID, TEXTOID, TEXTOID, FLOAT8OID, FLOAT8OID, FLOAT8OID,
	TIMESTAMPTZOID, TEXTOID, FLOAT8OID, FLOAT8OID};
	Datum		values[11];
	char		nulls[11] = "           ";
	Oid			ptypes[5] = {TEXTOID, FLOAT8OID, FLOAT8OID, TIMESTAMPTZOID, TEXTOID};
	Datum		pvalues[5];
	char		pnulls[5] = "     ";
	char		message[96];

	snprintf(trade_id, sizeof(trade_id), "%s-1", o->client_order_id);
	values[0] = Int64GetDatum(o->order_id);
	values[1] = TEXT(trade_id);
	values[2] = TEXT(symbol);
	values[3] = TEXT(side_name(o->side));
	values[4] = Float8GetDatum(f->price);
	values[5] = Float8GetDatum((double) f->filled_qty);
	values[6] = Float8GetDatum(f->realized_pnl);
	values[7] = TS(f->ts);
	values[8] = TEXT(exchange);
	/* a venue that does not report the fee (IBKR's order status) leaves it NULL, not 0 */
	values[9] = Float8GetDatum(isfinite(f->fee) ? f->fee : 0);
	if (!isfinite(f->fee))
		nulls[9] = 'n';
	values[10] = Float8GetDatum(isfinite(f->fee_base_lots) ? f->fee_base_lots : 0);
	if (!isfinite(f->realized_pnl))
		nulls[6] = 'n';
	store_exec("INSERT INTO bifrost.trades (order_id, exchange, trade_id, symbol, side, price, amount,"
			   " fee, fee_base, realized_pnl, ts)"
			   " VALUES ($1, $9, $2, $3, $4, $5::numeric, $6::numeric, $10::numeric, $11::numeric, $7::numeric, $8)",
			   11, types, values, nulls, SPI_OK_INSERT);

	operation(f->ts, "fill", o->side, f->filled_qty, f->price, o->state_reason, o->client_order_id,
			  o->decision_mid, f->realized_pnl);
	set_order_status(o, f->ts, partial ? "PARTIALLY_FILLED" : "FILLED", (double) f->filled_qty, f->price);
	snprintf(message, sizeof(message), "%s -> %s. %s fill", o->status,
			 partial ? "PARTIALLY_FILLED" : "FILLED", exchange);
	lifecycle(o, symbol, f->ts, partial ? "PARTIALLY_FILLED" : "FILLED", message,
			  (double) f->filled_qty, f->price, trade_id);
	if (partial)
	{
		/* the broker filled part and cancelled the rest (paper does at once; a venue's final state) */
		hstore_order_cancelled(o, symbol, f->ts, o->qty - f->filled_qty, "partial_fill_rest");
		set_order_status(o, f->ts, "CANCELED", (double) f->filled_qty, f->price);
	}

	pvalues[0] = TEXT(symbol);
	pvalues[1] = Float8GetDatum(f->position_after);
	pvalues[2] = Float8GetDatum(f->avg_cost_after);
	pvalues[3] = TS(f->ts);
	pvalues[4] = TEXT(exchange);
	if (!(f->avg_cost_after > 0))
		pnulls[2] = 'n';
	store_exec(position_upsert_sql, 5, ptypes, pvalues, pnulls, SPI_OK_INSERT);
}

void
hstore_set_position(const char *symbol, double ts, double position, double avg_cost)
{
	Oid			types[5] = {TEXTOID, FLOAT8OID, FLOAT8OID, TIMESTAMPTZOID, TEXTOID};
	Datum		values[5] = {TEXT(symbol), Float8GetDatum(position), Float8GetDatum(avg_cost), TS(ts),
	TEXT(exchange)};

	store_exec(position_upsert_sql, 5, types, values, avg_cost > 0 ? NULL : "  n  ", SPI_OK_INSERT);
}

void
hstore_position_adjustment(const char *symbol, double ts, double before, double after, const char *reason)
{
	Oid			types[6] = {TEXTOID, TEXTOID, TIMESTAMPTZOID, FLOAT8OID, FLOAT8OID, TEXTOID};
	Datum		values[6] = {TEXT(exchange), TEXT(symbol), TS(ts), Float8GetDatum(before),
	Float8GetDatum(after), TEXT(reason)};

	store_exec("INSERT INTO bifrost.position_adjustments (exchange, symbol, ts, size_before, size_after, reason)"
			   " VALUES ($1, $2, $3, $4::numeric, $5::numeric, $6)",
			   6, types, values, NULL, SPI_OK_INSERT);
}

void
hstore_blocked_decision(const char *symbol, double ts, const engine_output *out, const char *reason,
						const char *config_hash)
{
	Oid			types[7] = {TEXTOID, TIMESTAMPTZOID, FLOAT8OID, TEXTOID, INT4OID, TEXTOID, TEXTOID};
	Datum		values[8];
	Oid			types8[8];

	values[0] = TEXT(symbol);
	values[1] = TS(ts);
	values[2] = Float8GetDatum(out->net_delta);
	values[3] = TEXT(hedge_side_name(out->intent.side));
	values[4] = Int32GetDatum((int32) out->intent.qty);
	if (reason == NULL)
		reason = guard_reason_name(out->block_reason);
	values[5] = TEXT(reason ? reason : "none");
	values[6] = TEXT(config_hash);
	memcpy(types8, types, sizeof(types));
	types8[7] = TEXTOID;
	values[7] = TEXT(trading_state_name(out->next_state));
	store_exec("INSERT INTO bifrost.decisions (symbol, timeframe, ts, action, net_delta, intent_side,"
			   " intent_qty, block_reason, config_hash, trading_state)"
			   " VALUES ($1, 'tick', $2, 'blocked', $3, $4, $5, $6, $7, $8)",
			   8, types8, values, NULL, SPI_OK_INSERT);
}

void
hstore_risk_event(const char *symbol, double ts, const char *level, const char *rule, const char *details)
{
	Oid			types[5] = {TEXTOID, TIMESTAMPTZOID, TEXTOID, TEXTOID, TEXTOID};
	Datum		values[5] = {TEXT(symbol), TS(ts), TEXT(level), TEXT(rule), TEXT(details)};

	store_exec("INSERT INTO bifrost.risk_events (symbol, ts, level, rule, details) VALUES ($1, $2, $3, $4, $5)",
			   5, types, values, NULL, SPI_OK_INSERT);
}

void
hstore_load_position(const char *symbol, double *position, double *avg_cost)
{
	Oid			types[2] = {TEXTOID, TEXTOID};
	Datum		values[2] = {TEXT(symbol), TEXT(exchange)};
	bool		isnull;
	Datum		d;

	*position = 0;
	*avg_cost = 0;
	store_exec("SELECT size::float8, entry_price::float8 FROM bifrost.positions"
			   " WHERE exchange = $2 AND symbol = $1 AND side = 'NET'",
			   2, types, values, NULL, SPI_OK_SELECT);
	if (SPI_processed != 1)
		return;
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	*position = isnull ? 0 : DatumGetFloat8(d);
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull);
	*avg_cost = isnull ? 0 : DatumGetFloat8(d);
}

bool
hstore_load_last_fill(const char *symbol, double *price, double *ts)
{
	Oid			types[2] = {TEXTOID, TEXTOID};
	Datum		values[2] = {TEXT(symbol), TEXT(exchange)};
	bool		isnull;

	store_exec("SELECT price::float8, ts FROM bifrost.trades WHERE exchange = $2 AND symbol = $1"
			   " ORDER BY ts DESC, id DESC LIMIT 1",
			   2, types, values, NULL, SPI_OK_SELECT);
	if (SPI_processed != 1)
		return false;
	*price = DatumGetFloat8(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	*ts = timestamptz_to_epoch(DatumGetTimestampTz(SPI_getbinval(SPI_tuptable->vals[0],
																 SPI_tuptable->tupdesc, 2, &isnull)));
	return true;
}

bool
hstore_load_last_sent(const char *symbol, double *ts)
{
	Oid			types[2] = {TEXTOID, TEXTOID};
	Datum		values[2] = {TEXT(symbol), TEXT(exchange)};
	bool		isnull;
	Datum		d;

	store_exec("SELECT max(created_at) FROM bifrost.orders WHERE exchange = $2 AND symbol = $1"
			   "   AND status <> 'CREATED'",
			   2, types, values, NULL, SPI_OK_SELECT);
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (isnull)
		return false;
	*ts = timestamptz_to_epoch(DatumGetTimestampTz(d));
	return true;
}

int
hstore_load_open_orders(const char *symbol, hedge_order_rec *out, int max)
{
	Oid			types[2] = {TEXTOID, TEXTOID};
	Datum		values[2] = {TEXT(symbol), TEXT(exchange)};
	int			n;

	store_exec("SELECT o.id, o.client_order_id, o.side, o.amount::bigint, o.created_at, o.status,"
			   "  coalesce(op.decision_mid, 0), coalesce(op.state_reason, 'D2'), coalesce(o.exchange_order_id, '')"
			   " FROM bifrost.orders o LEFT JOIN bifrost.operations op ON op.id = o.intent_id"
			   " WHERE o.exchange = $2 AND o.symbol = $1"
			   "   AND o.status IN ('CREATED', 'NEW', 'PARTIALLY_FILLED', 'UNKNOWN')"
			   " ORDER BY o.id",
			   2, types, values, NULL, SPI_OK_SELECT);
	n = (int) Min(SPI_processed, (uint64) max);
	for (int i = 0; i < n; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;

		out[i].order_id = DatumGetInt64(SPI_getbinval(tup, desc, 1, &isnull));
		strlcpy(out[i].client_order_id, SPI_getvalue(tup, desc, 2), sizeof(out[i].client_order_id));
		out[i].side = strcmp(SPI_getvalue(tup, desc, 3), "BUY") == 0 ? HEDGE_BUY : HEDGE_SELL;
		out[i].qty = DatumGetInt64(SPI_getbinval(tup, desc, 4, &isnull));
		out[i].placed_at = timestamptz_to_epoch(DatumGetTimestampTz(SPI_getbinval(tup, desc, 5, &isnull)));
		strlcpy(out[i].status, SPI_getvalue(tup, desc, 6), sizeof(out[i].status));
		out[i].decision_mid = DatumGetFloat8(SPI_getbinval(tup, desc, 7, &isnull));
		strlcpy(out[i].state_reason, SPI_getvalue(tup, desc, 8), sizeof(out[i].state_reason));
		strlcpy(out[i].exchange_order_id, SPI_getvalue(tup, desc, 9), sizeof(out[i].exchange_order_id));
	}
	return n;
}

static int	decode_legs(const char *snapshot, engine_leg **legs);

static Datum
date_datum(int32 days_since_1970)
{
	return DateADTGetDatum((DateADT) (days_since_1970 - (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE)));
}

void
hstore_load_day(const char *symbol, int32 trading_date, const char *tz, hedge_day_rec *day,
				char **legs_snapshot, engine_leg **legs, int *n_legs)
{
	Oid			types[4] = {TEXTOID, DATEOID, TEXTOID, TEXTOID};
	Datum		values[4] = {TEXT(symbol), date_datum(trading_date), TEXT(tz), TEXT(exchange)};
	bool		isnull;
	Datum		d;

	memset(day, 0, sizeof(*day));
	*legs_snapshot = NULL;
	*legs = NULL;
	*n_legs = 0;
	/* the start of this book's day: another book held another position then */
	store_exec("SELECT start_equity, legs::text FROM bifrost.hedger_days WHERE symbol = $1 AND trading_date = $2"
			   "   AND (exchange IS NULL OR exchange = $4)",
			   4, types, values, NULL, SPI_OK_SELECT);
	if (SPI_processed == 1)
	{
		day->found = true;
		day->start_equity = DatumGetFloat8(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
		*legs_snapshot = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
		*n_legs = decode_legs(*legs_snapshot, legs);
	}
	store_exec("SELECT coalesce(sum(CASE WHEN side = 'BUY' THEN -1 ELSE 1 END * price * amount), 0)::float8,"
			   "  coalesce(sum(realized_pnl), 0)::float8, coalesce(sum(fee), 0)::float8"
			   " FROM bifrost.trades WHERE exchange = $4 AND symbol = $1"
			   "   AND (ts AT TIME ZONE $3)::date = $2",
			   4, types, values, NULL, SPI_OK_SELECT);
	day->cash = DatumGetFloat8(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	day->realized = DatumGetFloat8(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	day->fees = DatumGetFloat8(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3, &isnull));

	/*
	 * The day's hedge count is its orders that left for the broker (CREATED
	 * means never sent): an order the venue rejected counts, as it counts
	 * for the cooldown, so a refusing broker exhausts
	 * the limit; one refused before it left ("not sent: ...", the venue not
	 * open) or cancelled as never sent before a restart does not, so an
	 * outage does not use up the day.  The ledger check of the self-check
	 * counts the same orders.
	 */
	store_exec("SELECT count(*)::int FROM bifrost.orders o WHERE o.exchange = $4 AND o.symbol = $1"
			   "   AND o.status <> 'CREATED' AND (o.created_at AT TIME ZONE $3)::date = $2"
			   "   AND NOT EXISTS (SELECT 1 FROM bifrost.operations c"
			   "                    WHERE c.client_order_id = o.client_order_id AND c.type IN ('cancel', 'reject')"
			   "                      AND (c.state_reason = 'not_sent_before_restart'"
			   "                           OR c.state_reason LIKE 'not sent:%'))",
			   4, types, values, NULL, SPI_OK_SELECT);
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	day->orders_sent = DatumGetInt32(d);
}

void
hstore_save_day_start(const char *symbol, int32 trading_date, double start_equity,
					  const char *legs_snapshot, double ts)
{
	Oid			types[6] = {TEXTOID, DATEOID, FLOAT8OID, TIMESTAMPTZOID, TEXTOID, TEXTOID};
	Datum		values[6] = {TEXT(symbol), date_datum(trading_date), Float8GetDatum(start_equity), TS(ts),
	TEXT(legs_snapshot), TEXT(exchange)};

	/* one row a day: a switch of books starts the day anew for the book traded now */
	store_exec("INSERT INTO bifrost.hedger_days (symbol, trading_date, start_equity, started_at, legs, exchange)"
			   " VALUES ($1, $2, $3, $4, $5::jsonb, $6)"
			   " ON CONFLICT (symbol, trading_date) DO UPDATE SET start_equity = EXCLUDED.start_equity,"
			   " legs = EXCLUDED.legs, exchange = EXCLUDED.exchange,"
			   " started_at = CASE WHEN hedger_days.exchange IS DISTINCT FROM EXCLUDED.exchange"
			   "   THEN EXCLUDED.started_at ELSE hedger_days.started_at END",
			   6, types, values, NULL, SPI_OK_INSERT);
}

/* Decodes a legs snapshot (jsonb array of leg objects) into engine legs. */
static int
decode_legs(const char *snapshot, engine_leg **legs)
{
	Oid			types[1] = {JSONBOID};
	Datum		values[1] = {DirectFunctionCall1(jsonb_in, CStringGetDatum(snapshot))};
	int			n;
	engine_leg *out;

	store_exec("SELECT option_right, strike, expiry, quantity, multiplier, coalesce(implied_vol, 'NaN')"
			   " FROM jsonb_to_recordset($1) AS x(option_right text, strike float8, expiry float8,"
			   "   quantity float8, multiplier float8, implied_vol float8)",
			   1, types, values, NULL, SPI_OK_SELECT);
	n = (int) SPI_processed;
	out = palloc0(sizeof(engine_leg) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;

		out[i].right = strcmp(SPI_getvalue(tup, desc, 1), "P") == 0 ? BS_PUT : BS_CALL;
		out[i].strike = DatumGetFloat8(SPI_getbinval(tup, desc, 2, &isnull));
		out[i].expiry = DatumGetFloat8(SPI_getbinval(tup, desc, 3, &isnull));
		out[i].quantity = DatumGetFloat8(SPI_getbinval(tup, desc, 4, &isnull));
		out[i].multiplier = DatumGetFloat8(SPI_getbinval(tup, desc, 5, &isnull));
		out[i].implied_vol = DatumGetFloat8(SPI_getbinval(tup, desc, 6, &isnull));
	}
	*legs = out;
	return n;
}

int
hstore_load_legs(const char *symbol, engine_leg **legs, char **snapshot)
{
	Oid			types[2] = {TEXTOID, TEXTOID};
	Datum		values[2] = {TEXT(symbol), TEXT(exchange)};

	store_exec("SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('option_right', option_right,"
			   "   'strike', strike::float8, 'expiry', extract(epoch FROM expiry)::float8,"
			   "   'quantity', quantity, 'multiplier', multiplier, 'implied_vol', implied_vol)"
			   "   ORDER BY id), '[]')::text"
			   " FROM bifrost.legs WHERE symbol = $1 AND quantity <> 0",
			   1, types, values, NULL, SPI_OK_SELECT);
	*snapshot = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	return decode_legs(*snapshot, legs);
}
