/*
 * sql/install/52_backtest_quotes.sql: the quotes a backtest sees, as rows.
 *
 * The backtest replays quotes from the quote source (src/pg/backtest/): the
 * ticks of bifrost.ticks in (ts, id) order, the worker's replay order, or
 * one quote per confirmed candle of bifrost.market_data at its close time.
 * bifrost.backtest_quotes() reads the same source to the end, so what a
 * backtest of a source, symbol and range will replay can be looked at (and
 * tested) before it runs.
 *
 * SECURITY INVOKER: the caller needs SELECT on the table read (bifrost_reader
 * has it).  An unknown symbol is not an error: it has no rows.
 */

CREATE FUNCTION bifrost.backtest_quotes(source text, symbol text, from_ts timestamptz, to_ts timestamptz,
                                        timeframe text DEFAULT NULL, spread_bps double precision DEFAULT 2)
RETURNS TABLE (ts timestamptz, bid double precision, ask double precision)
AS 'MODULE_PATHNAME', 'bifrost_backtest_quotes'
LANGUAGE C STABLE PARALLEL SAFE
ROWS 100000
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION bifrost.backtest_quotes(text, text, timestamptz, timestamptz, text, double precision) IS
    'The quotes a backtest of source sees for symbol with from_ts <= ts < to_ts, in time order. '
    'ticks: bifrost.ticks in (ts, id) order (timeframe NULL); a tick without bid and ask is a locked quote at last, '
    'one with a side missing a one-sided book: NULL for that side (no quote, as the hedger judges it). '
    'candles: one quote per confirmed bar of timeframe (15m, 1h, 4h, 1d) at its close time (open + bar length), '
    'bid and ask = close * (1 -+ spread_bps / 20000), spread_bps in [0, 20000). '
    'Times and prices are the doubles the backtest gets, as ::float8 casts give them';

-- 90_grants.sql revokes PUBLIC's EXECUTE from every function of the
-- extension again; said here too, so an update script can take this file's
-- statements as they are.
REVOKE ALL ON FUNCTION bifrost.backtest_quotes(text, text, timestamptz, timestamptz, text, double precision)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION bifrost.backtest_quotes(text, text, timestamptz, timestamptz, text, double precision)
    TO bifrost_reader;
