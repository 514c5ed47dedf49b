/*
 * bifrost--0.5--0.6.sql: upgrade script from bifrost 0.5 to 0.6, security
 * hardening.
 *
 * No argument of any function can crash a backend, no configuration the
 * hedger would refuse can be stored, the monitoring role sees the same
 * self-check as a superuser, legs are bounded, and the hedger's single-instance
 * guard cannot be held by an ordinary session.
 */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION bifrost UPDATE TO '0.6'" to load this file. \quit

------------------------------------------------------------------------------
-- Arguments and errors: NULLs, extremes, one configuration validator.
------------------------------------------------------------------------------

------------------------------------------------------------------------------
-- Legs, venue URLs and the self-check.
------------------------------------------------------------------------------

------------------------------------------------------------------------------
-- The workers: single-instance guard, least privilege.
------------------------------------------------------------------------------

-- The hedger's single-instance guard was an advisory lock, which any login
-- role could take first and so keep every hedger from starting.  It is now a
-- lock of type userlock with the same keys, which no SQL function can take.
CREATE OR REPLACE FUNCTION bifrost.worker_pid()
RETURNS integer
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT l.pid
      FROM pg_catalog.pg_locks l
     WHERE l.locktype = 'userlock'
       AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
       AND l.classid = 1111904084
       AND l.objid = 1
       AND l.objsubid = 2
       AND l.granted
     LIMIT 1
$$;

-- Functions that run SQL of their own pin their search_path like the
-- SECURITY DEFINER ones: called by an operator or a superuser whose
-- search_path starts with a schema someone else can create in, they ran that
-- someone's operators and functions with the caller's rights.  (The pure
-- computations, pricing and signing, run no SQL and stay unpinned.)
ALTER FUNCTION bifrost._config_defaults() SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION bifrost.config_problems() SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION bifrost._wake_worker() SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION bifrost_evaluate(jsonb) SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION bifrost_ingest(text, text, text, text, timestamptz) SET search_path = pg_catalog, pg_temp;

-- A role for the workers to run as (bifrost.role) instead of the bootstrap
-- superuser: reading every table of schema bifrost (secrets included),
-- writing the ones the workers record into, its sequences, and what
-- bifrost_reader may call; the configuration, the legs, the ticks and the
-- secrets stay read-only; no DDL, no ownership, nothing outside the schema.
-- NOLOGIN: the README's recipe makes a LOGIN role that is a member (a
-- background worker needs LOGIN in PostgreSQL 15).
DO $roles$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'bifrost_worker') THEN
        CREATE ROLE bifrost_worker NOLOGIN;
    END IF;
    IF NOT pg_catalog.pg_has_role('bifrost_worker', 'bifrost_reader', 'MEMBER') THEN
        GRANT bifrost_reader TO bifrost_worker;
    END IF;
END
$roles$;
GRANT SELECT ON ALL TABLES IN SCHEMA bifrost TO bifrost_worker;
GRANT INSERT, UPDATE ON
    bifrost.daemon_heartbeat, bifrost.status_current, bifrost.status_history,
    bifrost.decisions, bifrost.operations, bifrost.orders, bifrost.order_lifecycle_events,
    bifrost.trades, bifrost.positions, bifrost.risk_events, bifrost.hedger_days,
    bifrost.replay_cursors, bifrost.market_data, bifrost.ingestion_runs, bifrost.funding_rates,
    bifrost.price_snapshots, bifrost.open_interest, bifrost.long_short_ratio
TO bifrost_worker;
GRANT UPDATE ON bifrost.daemon_control TO bifrost_worker;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA bifrost TO bifrost_worker;

INSERT INTO bifrost.schema_version (version, name)
VALUES ('0.6', 'security hardening: strict arguments, bounded legs, reader self-check, worker guard');

------------------------------------------------------------------------------
-- The expected schema, re-baked from the upgraded catalog exactly as at the
-- end of bifrost--0.1.sql.  Keep this block last.
------------------------------------------------------------------------------

DO $expected$
BEGIN
    EXECUTE pg_catalog.format(
        'CREATE OR REPLACE FUNCTION bifrost.expected_schema() RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE'
        ' SET search_path = pg_catalog, pg_temp AS %L',
        pg_catalog.format('SELECT %L::jsonb', bifrost._catalog_snapshot()::text));
END
$expected$;
