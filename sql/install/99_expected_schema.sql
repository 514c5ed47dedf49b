/*
 * sql/install/99_expected_schema.sql: the expected schema, a snapshot of
 * the catalog the script has just built, baked into
 * bifrost.expected_schema(), which bifrost_self_check() compares the live
 * catalog with.
 *
 * The one copy of this block: make appends it to the install script and to
 * every update script from 0.7 on (sql/upgrade/, see the README), so it ends
 * each of them and the snapshot always matches their DDL.  Keep it last:
 * every object must exist before the snapshot is taken.  It runs in an
 * install and in an update alike: the function exists (the snapshot lists it
 * among the extension's functions) before its body is replaced.
 */

CREATE OR REPLACE FUNCTION bifrost.expected_schema() RETURNS jsonb LANGUAGE sql AS 'SELECT NULL::jsonb';
COMMENT ON FUNCTION bifrost.expected_schema() IS 'Catalog snapshot taken at the end of the install or upgrade script: what bifrost_self_check() expects';
REVOKE ALL ON FUNCTION bifrost.expected_schema() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION bifrost.expected_schema() TO bifrost_reader;

DO $expected$
BEGIN
    EXECUTE pg_catalog.format(
        'CREATE OR REPLACE FUNCTION bifrost.expected_schema() RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE'
        ' SET search_path = pg_catalog, pg_temp AS %L',
        pg_catalog.format('SELECT %L::jsonb', bifrost._catalog_snapshot()::text));
END
$expected$;
