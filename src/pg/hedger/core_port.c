/*
 * core_port.c: the hedger core's port in the worker.  A unit of rows is
 * one transaction of store_run; the clock and the day come from the
 * database (holidays, time zones, the day's rows); orders go to the
 * broker's venue, every message scrubbed of secrets.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/timestamp.h"

#include "pg/common/engine_glue.h"
#include "pg/hedger/daemon_store.h"
#include "pg/hedger/hedge_store.h"
#include "pg/hedger/internal.h"
#include "pg/hedger/leg_settlement.h"
#include "pg/hedger/settings.h"
#include "pg/spi/store.h"

/* ---- rows ------------------------------------------------------------------ */

static void
write_row(hcore_unit *u, const hcore_row *r)
{
	const char *symbol = G.symbol;

	switch (r->kind)
	{
		case HROW_STATUS:
			G.write_status(&r->u.status.figures, r->u.status.history_reason);
			break;
		case HROW_BLOCKED:
			for (int i = 0; i < r->u.blocked.n; i++)
				hstore_blocked_decision(symbol, r->u.blocked.rows[i].ts, &r->u.blocked.rows[i].out,
										r->u.blocked.rows[i].reason, G.config_hash);
			break;
		case HROW_RISK_EVENT:
			hstore_risk_event(symbol, r->ts, r->u.risk.level, r->u.risk.rule, r->u.risk.details);
			break;
		case HROW_DAY_START:
			hstore_save_day_start(symbol, r->u.day.date, r->u.day.equity,
								  G.legs_snapshot ? G.legs_snapshot : "[]", r->ts);
			break;
		case HROW_POSITION:
			hstore_set_position(symbol, r->ts, r->u.position.lots, r->u.position.avg_cost);
			break;
		case HROW_ADJUSTMENT:
			hstore_position_adjustment(symbol, r->ts, r->u.adjustment.before, r->u.adjustment.after,
									   r->u.adjustment.reason);
			break;
		case HROW_SETTLE:
			(void) leg_settlement_record(symbol, r->ts, r->u.settle.price, r->u.settle.style);
			break;
		case HROW_INTENT:
			hstore_record_intent(symbol, G.config_hash, &r->u.intent, &u->intent_order);
			break;
		case HROW_ORDER_SENT:
			hstore_order_sent(&r->u.order.order, symbol, r->ts);
			break;
		case HROW_ORDER_UNKNOWN:
			hstore_order_unknown(&r->u.order.order, symbol, r->ts, r->u.order.reason);
			break;
		case HROW_ORDER_REJECTED:
			hstore_order_rejected(&r->u.order.order, symbol, r->ts, r->u.order.reason);
			break;
		case HROW_ORDER_CANCELLED:
			{
				Oid			types[2] = {INT8OID, TIMESTAMPTZOID};
				Datum		values[2] = {Int64GetDatum(r->u.order.order.order_id),
				TimestampTzGetDatum(epoch_to_timestamptz(r->ts))};

				hstore_order_cancelled(&r->u.order.order, symbol, r->ts, r->u.order.order.qty,
									   r->u.order.reason);
				store_exec("UPDATE bifrost.orders SET status = 'CANCELED', updated_at = $2, remaining_amount = 0"
						   " WHERE id = $1", 2, types, values, NULL, SPI_OK_UPDATE);
				break;
			}
		case HROW_FILL:
			{
				hedge_fill_rec rec = r->u.fill.rec;

				rec.order = &r->u.fill.order;
				hstore_fill(symbol, &rec);
				break;
			}
		case HROW_COMMAND_RESULT:
			store_set_command_result(r->u.command.command, r->u.command.result);
			break;
	}
}

static void
write_unit_work(void *arg)
{
	hcore_unit *u = arg;

	/* a status row alone is no ledger: skipped while the extension is being dropped */
	if (u->n_rows == 1 && u->rows[0].kind == HROW_STATUS && !store_extension_ready())
		return;
	if (u->durable)
		hstore_sync_commit(true);
	for (int i = 0; i < u->n_rows; i++)
		write_row(u, &u->rows[i]);
}

static bool
port_write(void *ctx, hcore_unit *u, char *error, size_t errlen)
{
	bool		settles = false;
	TimestampTz started = GetCurrentTimestamp();

	if (!store_run(u->activity, write_unit_work, u, error, errlen))
		return false;
	for (int i = 0; i < u->n_rows; i++)
	{
		settles |= u->rows[i].kind == HROW_SETTLE;
		/* bench/bench_worker.sh reads this line for the quote-to-order latency */
		if (u->rows[i].kind == HROW_INTENT)
			elog(DEBUG1, "bifrost: quote to committed intent %s: " INT64_FORMAT " us (intent transaction "
				 INT64_FORMAT " us)", u->intent_order.client_order_id,
				 (int64) (GetCurrentTimestamp() - G.quote_taken_at), (int64) (GetCurrentTimestamp() - started));
	}
	/* the settlements written are the ones that apply from now on */
	if (settles)
		leg_settlement_adopt();
	return true;
}

/* ---- the clock and the day ---------------------------------------------------- */

typedef struct holiday_args
{
	int32		date;
} holiday_args;

static void
holiday_work(void *arg)
{
	engine_glue_holiday(((holiday_args *) arg)->date, &G.holiday, &G.early_close_min);
}

static void
port_clock(void *ctx, double now, engine_clock *clock)
{
	engine_glue_ny_wallclock(epoch_to_timestamptz(now), clock);
	if (clock->ny_date != G.holiday_date)
	{
		holiday_args a = {clock->ny_date};

		G.holiday = false;
		G.early_close_min = -1;
		hedger_run_unit("bifrost: holidays", holiday_work, &a);
		G.holiday_date = clock->ny_date;
	}
	clock->ny_holiday = G.holiday;
	clock->ny_early_close_min = G.early_close_min;
}

static int32_t
port_trading_date(void *ctx, double now)
{
	return engine_glue_local_date(epoch_to_timestamptz(now), G.day_roll_tz);
}

typedef struct day_args
{
	int32		date;
	double		mid;
	double		ts;
	hedge_day_rec *rec;
} day_args;

static void
load_day_work(void *arg)
{
	day_args   *a = arg;
	char	   *snapshot;
	engine_leg *legs;
	int			n_legs;

	hstore_load_day(G.symbol, a->date, G.day_roll_tz, a->rec, &snapshot, &legs, &n_legs);
	/* the decoded legs live in this transaction: value them here */
	a->rec->legs_changed = a->rec->found && G.legs_snapshot && strcmp(snapshot, G.legs_snapshot) != 0;
	if (a->rec->legs_changed)
	{
		leg_settlement_apply(legs, n_legs);
		a->rec->stored_legs_value = hcore_legs_value(&G.set.cfg, legs, n_legs, a->mid, a->ts);
	}
}

static bool
port_load_day(void *ctx, int32_t date, double mid, double now, hedge_day_rec *out, char *error,
			  size_t errlen)
{
	day_args	a = {date, mid, now, out};

	return store_run("bifrost: load day", load_day_work, &a, error, errlen);
}

static bool
port_settlement_due(void *ctx, const engine_leg *legs, int n, double now)
{
	return leg_settlement_due(legs, n, now);
}

static void
port_apply_settlements(void *ctx, engine_leg *legs, int n)
{
	leg_settlement_apply(legs, n);
}

static double
port_quote_as_of(void *ctx, double quote_ts, double now)
{
	return feed_quote_as_of(G.feed, quote_ts, now);
}

static double
port_wall_now(void *ctx)
{
	return venue_now();
}

/* ---- the broker ----------------------------------------------------------------- */

static broker_send_result
port_send(void *ctx, hedge_side side, int64_t qty, const char *client_order_id, broker_order_report *out)
{
	venue	   *v = G.broker_venue;
	broker_send_result result = v->ops->send(v, side, qty, client_order_id, out);

	venue_scrub_secrets(&v->params, out->reason);
	return result;
}

static void
port_query(void *ctx, const char *client_order_id, broker_order_report *out)
{
	venue	   *v = G.broker_venue;

	v->ops->query(v, client_order_id, out);
	venue_scrub_secrets(&v->params, out->reason);
}

static bool
port_position(void *ctx, double *lots, char *why, size_t whylen)
{
	venue	   *v = G.broker_venue;
	bool		ok = v->ops->position(v, lots, why, whylen);

	venue_scrub_secrets(&v->params, why);
	return ok;
}

static void
port_log(void *ctx, hcore_log_level level, const char *message)
{
	ereport(level == HCORE_WARNING ? WARNING : LOG, (errmsg("bifrost hedger: %s", message)));
}

void
hedger_core_port_init(hcore_port *port)
{
	memset(port, 0, sizeof(*port));
	port->write = port_write;
	port->clock = port_clock;
	port->trading_date = port_trading_date;
	port->load_day = port_load_day;
	port->settlement_due = port_settlement_due;
	port->apply_settlements = port_apply_settlements;
	port->quote_as_of = port_quote_as_of;
	port->wall_now = port_wall_now;
	port->send = port_send;
	port->query = port_query;
	port->position = port_position;
	port->broker_name = G.broker_venue ? G.broker_venue->ops->name : "paper";
	port->log = port_log;
}
