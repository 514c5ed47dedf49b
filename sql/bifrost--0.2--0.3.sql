/*
 * bifrost--0.2--0.3.sql: upgrade script from bifrost 0.2 to 0.3, live
 * hedging.
 *
 * Adds what the worker's trading half keeps between restarts (the start of
 * each trading day's equity, the replay feed's position), the control
 * functions bifrost_flatten() and bifrost_resume_trading(), and the history
 * statistics; records the upgrade and re-bakes bifrost.expected_schema().
 */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION bifrost UPDATE TO '0.3'" to load this file. \quit

------------------------------------------------------------------------------
-- The hedger's state that must survive a restart.
------------------------------------------------------------------------------

CREATE TABLE bifrost.hedger_days (
    symbol       text NOT NULL CHECK (symbol <> ''),
    trading_date date NOT NULL,
    start_equity double precision NOT NULL CHECK (start_equity > '-Infinity' AND start_equity < 'Infinity'),
    started_at   timestamptz NOT NULL,
    CONSTRAINT hedger_days_pkey PRIMARY KEY (symbol, trading_date)
);
COMMENT ON TABLE bifrost.hedger_days IS
    'Equity (cash + hedge position + option legs at model value) at the first mark of each trading day in day_roll_tz: daily_pnl is equity now minus this';

CREATE TABLE bifrost.replay_cursors (
    symbol     text PRIMARY KEY CHECK (symbol <> ''),
    last_ts    timestamptz NOT NULL,
    last_id    bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE bifrost.replay_cursors IS
    'Where the replay feed stands in bifrost.ticks, per symbol (the last tick handed to the engine); delete the row to replay from the start';

GRANT SELECT ON bifrost.hedger_days, bifrost.replay_cursors TO bifrost_reader;
GRANT DELETE ON bifrost.replay_cursors TO bifrost_operator;

------------------------------------------------------------------------------
-- Control (role bifrost_operator).
------------------------------------------------------------------------------

CREATE FUNCTION bifrost_flatten()
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- flatten suspends hedging first, so nothing re-hedges the position away
    INSERT INTO bifrost.daemon_run_status AS r (id, suspended, updated_at, updated_by)
    VALUES (1, true, pg_catalog.now(), session_user)
    ON CONFLICT (id) DO UPDATE
        SET suspended = true, updated_at = excluded.updated_at, updated_by = excluded.updated_by;
    RETURN bifrost._send_command('flatten',
        'Hedging is suspended: it stays so until bifrost_resume().');
END
$$;
COMMENT ON FUNCTION bifrost_flatten() IS
    'Suspends hedging and sends the order that takes the hedge position to zero (operations state_reason flatten); stays suspended until bifrost_resume()';

CREATE FUNCTION bifrost_resume_trading()
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN bifrost._send_command('resume_trading');
END
$$;
COMMENT ON FUNCTION bifrost_resume_trading() IS
    'Takes the trading state machine from SAFE to SYNC by hand (when no fault remains); the result is in bifrost.daemon_control';

REVOKE ALL ON FUNCTION bifrost_flatten(), bifrost_resume_trading() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION bifrost_flatten(), bifrost_resume_trading() TO bifrost_operator;

------------------------------------------------------------------------------
-- History statistics (SPEC §4).
------------------------------------------------------------------------------

-- HISTORY_STATS

INSERT INTO bifrost.schema_version (version, name) VALUES ('0.3', 'live hedging: hedger state, flatten, resume_trading, history statistics');

------------------------------------------------------------------------------
-- The expected schema, re-baked from the upgraded catalog exactly as at the
-- end of bifrost--0.1.sql.  Keep this block last.
------------------------------------------------------------------------------

DO $expected$
BEGIN
    EXECUTE pg_catalog.format(
        'CREATE OR REPLACE FUNCTION bifrost.expected_schema() RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS %L',
        pg_catalog.format('SELECT %L::jsonb', bifrost._catalog_snapshot()::text));
END
$expected$;
