/*
 * sql/install/00_schema.sql: schema bifrost, the three roles, the record of
 * versions, and the cut every message applies to a value it repeats.
 *
 * The install script of bifrost is the files of sql/install/ in the order of
 * their numbers, each one topic, each needing only what the files before it
 * create; make concatenates them into sql/bifrost--<version>.sql, which
 * CREATE EXTENSION runs.  The last one, 99_expected_schema.sql, bakes a
 * snapshot of the catalog all the others built into
 * bifrost.expected_schema(), which bifrost_self_check() compares the live
 * catalog with.
 *
 * Conventions of every file: schema-qualified names; every time column is
 * timestamptz; prices, quantities and money of orders, trades and market
 * data are numeric; status figures and greeks are double precision; every
 * value a writer can get wrong has a CHECK; every table and function has a
 * COMMENT.  Privileges are granted in 90_grants.sql, the tables pg_dump keeps
 * are named in 85_dump.sql.
 */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION bifrost" to load this file. \quit

CREATE SCHEMA bifrost;
COMMENT ON SCHEMA bifrost IS 'bifrost delta-hedging engine: status, control, configuration, market data, trading and backtest tables';

/*
 * Roles are cluster-wide: create them when missing and leave them when the
 * extension is dropped (other databases may use them).  bifrost_reader
 * monitors, bifrost_operator controls, bifrost_worker is what the workers
 * may run as (bifrost.role) instead of the bootstrap superuser; the last two
 * can do what the reader can.  NOLOGIN: people and the workers log in as
 * roles that are members (a background worker needs LOGIN in PostgreSQL 15).
 */
DO $roles$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['bifrost_reader', 'bifrost_operator', 'bifrost_worker'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
            EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
    FOREACH r IN ARRAY ARRAY['bifrost_operator', 'bifrost_worker'] LOOP
        IF NOT pg_catalog.pg_has_role(r, 'bifrost_reader', 'MEMBER') THEN
            EXECUTE pg_catalog.format('GRANT bifrost_reader TO %I', r);
        END IF;
    END LOOP;
END
$roles$;

/*
 * One row per version whose script made this schema.  An install at the
 * current version holds everything the update scripts up to it make, so it
 * records each version as a database updated step by step does, and the two
 * read the same.
 */
CREATE TABLE bifrost.schema_version (
    version    text PRIMARY KEY CHECK (version ~ '^[0-9]+(\.[0-9]+)*$'),
    name       text NOT NULL CHECK (name <> ''),
    applied_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE bifrost.schema_version IS 'One row per install or upgrade script applied to this database';
INSERT INTO bifrost.schema_version (version, name) VALUES
    ('0.1', 'install'),
    ('0.2', 'pricing, market calendar and bifrost_evaluate'),
    ('0.3', 'live hedging: hedger state, flatten, resume_trading, history statistics'),
    ('0.4', 'data service and candle ingestion'),
    ('0.5', 'ingestion of funding, prices, open interest and long/short ratio; the ingest worker'),
    ('0.6', 'security hardening: strict arguments, bounded legs, reader self-check, worker guard'),
    ('0.7', 'money safety: paper means paper, settlement at expiry, ledger checks'),
    ('0.8', 'the backtest'),
    ('0.9', 'the monitoring API: Prometheus metrics, status series, backtest runs and equity');

-- The one cut of a user-supplied value repeated in a message (src/pg/echo.c),
-- for the PL/pgSQL functions of the files below as for the C ones.
CREATE FUNCTION bifrost._echo(value text)
RETURNS text
AS 'MODULE_PATHNAME', 'bifrost_echo'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION bifrost._echo(text) IS 'A user-supplied value as messages repeat it: its first 64 characters, "..." when cut';
