/*
 * bifrost--0.4--0.5.sql: upgrade script from bifrost 0.4 to 0.5, market-data
 * ingestion beyond candles (SPEC §6, seed 003 §5.2).
 *
 * bifrost_ingest() (the same C entry point) now also ingests funding_rate,
 * price_snapshot, open_interest and long_short_ratio; the "bifrost ingest"
 * background worker runs it on the schedule of bifrost.ingest_schedule.  The
 * tables exist since 0.1; this script lets bifrost_operator, who may call
 * bifrost_ingest(), write them, says what the function does now, records the
 * upgrade and re-bakes bifrost.expected_schema().
 */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION bifrost UPDATE TO '0.5'" to load this file. \quit

COMMENT ON FUNCTION bifrost_ingest(text, text, text, text, timestamptz) IS
    'Ingests market data from a venue (source okx): ohlcv candles (timeframe 15m, 1h, 4h or 1d), funding_rate (realized history and the coming rate, by settlement time), price_snapshot (last, mark and index), open_interest, long_short_ratio (timeframe = period 5m, 1h or 1d); series continue from since or the newest stored row; returns the rows new or changed; a venue failure is recorded in bifrost.ingestion_runs and reported as a WARNING';

COMMENT ON TABLE bifrost.open_interest IS
    'Open interest of a derivative at the venue''s time: in contracts (open_interest) and in USD as the venue values it (open_interest_value, OKX oiUsd)';
COMMENT ON TABLE bifrost.long_short_ratio IS
    'Ratio of accounts net long to accounts net short reported by the venue (OKX: per coin, across its futures and swaps), stored under the instrument it was ingested for';

GRANT INSERT, UPDATE ON bifrost.funding_rates, bifrost.price_snapshots, bifrost.open_interest,
    bifrost.long_short_ratio TO bifrost_operator;
GRANT USAGE ON SEQUENCE bifrost.funding_rates_id_seq, bifrost.price_snapshots_id_seq,
    bifrost.open_interest_id_seq, bifrost.long_short_ratio_id_seq TO bifrost_operator;

INSERT INTO bifrost.schema_version (version, name)
VALUES ('0.5', 'ingestion of funding, prices, open interest and long/short ratio; the ingest worker');

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
