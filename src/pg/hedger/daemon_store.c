/*
 * daemon_store.c: the hedger daemon's own rows (daemon_store.h): its
 * heartbeat, the status row and its history, the run flag, the control
 * commands and their results, the last error.  Each runs inside a
 * transaction of spi/store.c.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "pg/common/engine_glue.h"
#include "pg/hedger/daemon_store.h"
#include "pg/hedger/settings.h"
#include "pg/spi/store.h"

void
store_write_heartbeat(const daemon_snapshot *snap)
{
	static const char *sql =
		"INSERT INTO bifrost.daemon_heartbeat AS h (id, last_ts, broker_connected, client_id,"
		" next_retry_ts, seconds_until_retry, graceful_shutdown_at, heartbeat_interval_sec,"
		" worker_pid, daemon_state, broker, started_at)"
		" VALUES (1, now(), $1, NULL, $2, CASE WHEN $2 IS NULL THEN NULL"
		"   ELSE greatest(0, ceil(extract(epoch FROM $2 - now())))::integer END,"
		"   CASE WHEN $3 THEN now() END, $4, $5, $6, $7, $8)"
		" ON CONFLICT (id) DO UPDATE SET last_ts = EXCLUDED.last_ts,"
		" broker_connected = EXCLUDED.broker_connected, client_id = EXCLUDED.client_id,"
		" next_retry_ts = EXCLUDED.next_retry_ts, seconds_until_retry = EXCLUDED.seconds_until_retry,"
		" graceful_shutdown_at = EXCLUDED.graceful_shutdown_at,"
		" heartbeat_interval_sec = EXCLUDED.heartbeat_interval_sec, worker_pid = EXCLUDED.worker_pid,"
		" daemon_state = EXCLUDED.daemon_state, broker = EXCLUDED.broker,"
		" started_at = EXCLUDED.started_at";
	Oid			types[8] = {BOOLOID, TIMESTAMPTZOID, BOOLOID, INT4OID, INT4OID, TEXTOID, TEXTOID, TIMESTAMPTZOID};
	Datum		values[8];
	char		nulls[8] = "        ";

	values[0] = BoolGetDatum(snap->broker_connected);
	values[1] = TimestampTzGetDatum(snap->next_retry);
	if (snap->next_retry == 0)
		nulls[1] = 'n';
	values[2] = BoolGetDatum(snap->graceful_stop);
	values[3] = Int32GetDatum(snap->heartbeat_sec);
	values[4] = Int32GetDatum(MyProcPid);
	values[5] = CStringGetTextDatum(daemon_state_name(snap->state));
	values[6] = CStringGetTextDatum(snap->broker);
	values[7] = TimestampTzGetDatum(snap->started_at);
	store_exec(sql, 8, types, values, nulls, SPI_OK_INSERT);
}

/*
 * Upserts the single status row; with a history reason also appends it to
 * status_history in the same transaction.  The config hash is computed
 * from bifrost.config as it is now, so every row names its parameters.
 */
/* Short hash of the whole of bifrost.config: ties every status row to its parameters. */
#define CONFIG_HASH_SQL "left(md5(coalesce(string_agg(key || '=' || value::text, ',' ORDER BY key), '')), 8)"

void
store_write_status(const daemon_snapshot *snap, const char *history_reason)
{
	static const char *upsert_sql =
		"WITH cfg AS ("
		"  SELECT " CONFIG_HASH_SQL " AS hash,"
		"         max(value #>> '{}') FILTER (WHERE key = 'symbol') AS symbol,"
		"         bool_or(value = 'true'::jsonb) FILTER (WHERE key = 'gates.guard.risk.paper_trade') AS paper"
		"  FROM bifrost.config)"
		" INSERT INTO bifrost.status_current AS s (id, daemon_state, trading_state, symbol, spot, bid, ask,"
		"   net_delta, stock_position, option_legs_count, daily_hedge_count, daily_pnl, data_lag_ms,"
		"   config_summary, ts, trading_state_since, trading_mode)"
		" SELECT 1, $1, $2, cfg.symbol, $5, $6, $7, $8, $9,"
		"   coalesce($10, (SELECT count(*) FROM bifrost.legs l WHERE l.symbol = cfg.symbol AND l.quantity <> 0"
		"      AND l.expiry > now())::integer),"
		"   coalesce($11, 0), coalesce($12, 0), $13,"
		"   pg_catalog.format('cfg=%s broker=%s feed=%s paper=%s', cfg.hash, $3, $4,"
		"          CASE WHEN coalesce(cfg.paper, true) THEN 'on' ELSE 'off' END),"
		"   now(), coalesce($14, now()),"
		"   coalesce($15, CASE WHEN coalesce(cfg.paper, true) OR $3 = 'paper' THEN 'paper' ELSE 'live' END)"
		" FROM cfg"
		" ON CONFLICT (id) DO UPDATE SET daemon_state = EXCLUDED.daemon_state,"
		"   trading_state = EXCLUDED.trading_state, symbol = EXCLUDED.symbol, spot = EXCLUDED.spot,"
		"   bid = EXCLUDED.bid, ask = EXCLUDED.ask, net_delta = EXCLUDED.net_delta,"
		"   stock_position = EXCLUDED.stock_position, option_legs_count = EXCLUDED.option_legs_count,"
		"   daily_hedge_count = EXCLUDED.daily_hedge_count, daily_pnl = EXCLUDED.daily_pnl,"
		"   data_lag_ms = EXCLUDED.data_lag_ms, config_summary = EXCLUDED.config_summary, ts = EXCLUDED.ts,"
		"   trading_mode = EXCLUDED.trading_mode,"
		"   trading_state_since = CASE WHEN $14 IS NOT NULL THEN $14"
		"     WHEN s.trading_state IS DISTINCT FROM EXCLUDED.trading_state"
		"     THEN EXCLUDED.ts ELSE s.trading_state_since END";
	static const char *history_sql =
		"INSERT INTO bifrost.status_history (daemon_state, trading_state, symbol, spot, bid, ask,"
		"  net_delta, stock_position, option_legs_count, daily_hedge_count, daily_pnl, data_lag_ms,"
		"  config_summary, ts, trading_state_since, reason, trading_mode)"
		" SELECT daemon_state, trading_state, symbol, spot, bid, ask, net_delta, stock_position,"
		"  option_legs_count, daily_hedge_count, daily_pnl, data_lag_ms, config_summary, ts,"
		"  trading_state_since, $1, trading_mode"
		" FROM bifrost.status_current WHERE id = 1";
	Oid			types[15] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID, FLOAT8OID, FLOAT8OID, FLOAT8OID,
		FLOAT8OID, INT4OID, INT4OID, INT4OID, FLOAT8OID, FLOAT8OID, TIMESTAMPTZOID, TEXTOID};
	Datum		values[15];
	char		nulls[16] = "               ";
	const hedger_figures *f = snap->figures;
	bool		have = f && f->valid;

	values[0] = CStringGetTextDatum(daemon_state_name(snap->state));
	values[1] = CStringGetTextDatum(have ? f->trading_state : snap->trading_state);
	values[2] = CStringGetTextDatum(snap->broker);
	values[3] = CStringGetTextDatum(bifrost_feed_name(bifrost_feed));
#define FIG(i, x) do { double v_ = (x); values[i] = Float8GetDatum(v_); if (!have || !isfinite(v_)) nulls[i] = 'n'; } while (0)
	FIG(4, have ? f->spot : NAN);
	FIG(5, have ? f->bid : NAN);
	FIG(6, have ? f->ask : NAN);
	FIG(7, have ? f->net_delta : NAN);
#undef FIG
	values[8] = Int32GetDatum(have ? (int32) llround(f->stock_position) : 0);
	values[9] = Int32GetDatum(have ? f->option_legs_count : 0);
	values[10] = Int32GetDatum(have ? f->daily_hedge_count : 0);
	values[11] = Float8GetDatum(have ? f->daily_pnl : 0);
	values[12] = Float8GetDatum(have ? f->data_lag_ms : 0);
	values[13] = TimestampTzGetDatum(have && isfinite(f->trading_state_since) ?
									 epoch_to_timestamptz(f->trading_state_since) : 0);
	if (!have)
		nulls[8] = nulls[9] = nulls[10] = nulls[11] = 'n';
	if (!have || !isfinite(f->daily_pnl))
		nulls[11] = 'n';
	if (!have || !isfinite(f->data_lag_ms))
		nulls[12] = 'n';
	if (!have || !isfinite(f->trading_state_since))
		nulls[13] = 'n';
	/* the hedger's mode while it runs; else what the configuration asks for */
	values[14] = have && f->trading_mode ? CStringGetTextDatum(f->trading_mode) : (Datum) 0;
	if (!have || !f->trading_mode)
		nulls[14] = 'n';
	store_exec(upsert_sql, 15, types, values, nulls, SPI_OK_INSERT);

	if (history_reason)
	{
		Oid			htypes[1] = {TEXTOID};
		Datum		hvalues[1] = {CStringGetTextDatum(history_reason)};

		store_exec(history_sql, 1, htypes, hvalues, NULL, SPI_OK_INSERT);
	}
}

bool
store_read_suspended(void)
{
	bool		isnull;
	Datum		d;

	store_exec("SELECT suspended FROM bifrost.daemon_run_status WHERE id = 1",
				 0, NULL, NULL, NULL, SPI_OK_SELECT);
	if (SPI_processed == 0)
		return false;
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return !isnull && DatumGetBool(d);
}

/*
 * Marks the oldest pending commands consumed and hands them to the caller.
 * Commands issued before this worker started are stale: a stop meant for a
 * previous run must not stop this one.
 */
int
store_claim_commands(TimestampTz worker_started, control_command *out, int max)
{
	static const char *sql =
		"WITH next AS (SELECT id FROM bifrost.daemon_control WHERE consumed_at IS NULL"
		"   ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)"
		" UPDATE bifrost.daemon_control c SET consumed_at = now()"
		" FROM next WHERE c.id = next.id"
		" RETURNING c.id, c.command, c.created_at < $1";
	Oid			types[2] = {TIMESTAMPTZOID, INT4OID};
	Datum		values[2] = {TimestampTzGetDatum(worker_started), Int32GetDatum(max)};
	int			n;

	store_exec(sql, 2, types, values, NULL, SPI_OK_UPDATE_RETURNING);
	n = (int) SPI_processed;
	for (int i = 0; i < n; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		char	   *command = SPI_getvalue(tup, desc, 2);

		out[i].id = DatumGetInt64(SPI_getbinval(tup, desc, 1, &isnull));
		strlcpy(out[i].command, command ? command : "", sizeof(out[i].command));
		out[i].stale = DatumGetBool(SPI_getbinval(tup, desc, 3, &isnull));
	}
	/* RETURNING has no order; act on commands in the order they were issued. */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && out[j - 1].id > out[j].id; j--)
		{
			control_command tmp = out[j];

			out[j] = out[j - 1];
			out[j - 1] = tmp;
		}
	return n;
}

void
store_set_command_result(int64 id, const char *result)
{
	Oid			types[2] = {INT8OID, TEXTOID};
	Datum		values[2] = {Int64GetDatum(id), CStringGetTextDatum(result)};

	store_exec("UPDATE bifrost.daemon_control SET result = $2 WHERE id = $1",
				 2, types, values, NULL, SPI_OK_UPDATE);
}

/*
 * The newest flatten the worker took on and did not finish (its result
 * still says "flattening:"): a restarted hedger carries on with it.  0 when
 * none.
 */
int64
store_unfinished_flatten(void)
{
	bool		isnull;
	Datum		d;

	store_exec("SELECT max(id) FROM bifrost.daemon_control"
			   " WHERE command = 'flatten' AND consumed_at IS NOT NULL AND result LIKE 'flattening:%'",
			   0, NULL, NULL, NULL, SPI_OK_SELECT);
	d = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	return isnull ? 0 : DatumGetInt64(d);
}

void
store_record_error(const char *message)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1] = {CStringGetTextDatum(message)};

	store_exec("UPDATE bifrost.daemon_heartbeat SET last_error = $1, last_error_at = now() WHERE id = 1",
				 1, types, values, NULL, SPI_OK_UPDATE);
}

static void
note_error_work(void *arg)
{
	if (store_extension_ready())
		store_record_error((const char *) arg);
}

bool
store_note_error(const char *message)
{
	return store_run("bifrost: record error", note_error_work, (void *) message, NULL, 0);
}

void
store_config_hash(char *out, size_t len)
{
	char	   *hash;

	store_exec("SELECT " CONFIG_HASH_SQL " FROM bifrost.config", 0, NULL, NULL, NULL, SPI_OK_SELECT);
	hash = SPI_processed == 1 ? SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1) : NULL;
	strlcpy(out, hash ? hash : "", len);
}
