-- data_service: the read-only data service (bifrost_candles,
-- bifrost_candles_range, bifrost_latest_funding, bifrost_latest_prices,
-- bifrost_candle_coverage) and bifrost_scan_integrity over crafted candles,
-- funding rates and price snapshots with fixed timestamps: 1h and 15m
-- candles of BTC-USDT-SWAP each with a gap of 3 bars, a misaligned candle
-- and an unconfirmed newest candle; 4h, 1d and ETH-USDT-SWAP 15m candles for
-- the severities and the 1d grid.  Every row it adds is deleted at the end.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS bifrost;
RESET client_min_messages;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO';
\set SHOW_CONTEXT never

CREATE FUNCTION pg_temp.sqlstate_of(cmd text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE cmd;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE;
END
$$;

-- nothing of these symbols is stored yet
SELECT (SELECT count(*) FROM bifrost.market_data WHERE symbol IN ('BTC-USDT-SWAP', 'ETH-USDT-SWAP')) AS candles,
       (SELECT count(*) FROM bifrost.funding_rates WHERE symbol IN ('BTC-USDT-SWAP', 'ETH-USDT-SWAP')) AS funding,
       (SELECT count(*) FROM bifrost.price_snapshots WHERE symbol IN ('BTC-USDT-SWAP', 'ETH-USDT-SWAP')) AS prices,
       (SELECT count(*) FROM bifrost.candle_integrity_events WHERE symbol IN ('BTC-USDT-SWAP', 'ETH-USDT-SWAP')) AS events;

------------------------------------------------------------------------------
-- the data
------------------------------------------------------------------------------
-- 1h: 03:00, 04:00 and 05:00 missing; 07:30 a second, shifted copy of the
-- 07:00 bar; 09:00 still forming
INSERT INTO bifrost.market_data (symbol, timeframe, ts, open, high, low, close, volume, confirmed) VALUES
    ('BTC-USDT-SWAP', '1h', '2026-01-05 00:00+00', 94000, 94200, 93900, 94100, 120, true),
    ('BTC-USDT-SWAP', '1h', '2026-01-05 01:00+00', 94100, 94300, 94000, 94250, 98.5, true),
    ('BTC-USDT-SWAP', '1h', '2026-01-05 02:00+00', 94250, 94400, 94100, 94150, 101, true),
    ('BTC-USDT-SWAP', '1h', '2026-01-05 06:00+00', 94500, 94600, 94350, 94400, 88, true),
    ('BTC-USDT-SWAP', '1h', '2026-01-05 07:00+00', 94400, 94450, 94200, 94300, 75, true),
    ('BTC-USDT-SWAP', '1h', '2026-01-05 07:30+00', 94350, 94500, 94300, 94450, 40, true),
    ('BTC-USDT-SWAP', '1h', '2026-01-05 08:00+00', 94300, 94700, 94250, 94650, 130, true),
    ('BTC-USDT-SWAP', '1h', '2026-01-05 09:00+00', 94650, 94800, 94600, 94700, 12, false);
-- 15m: 00:30, 00:45 and 01:00 missing; 01:50 a candle stamped 5 minutes off
-- and alone in the 01:45 slot (so 01:45 is missing too); 02:15 still forming
INSERT INTO bifrost.market_data (symbol, timeframe, ts, open, high, low, close, volume, confirmed) VALUES
    ('BTC-USDT-SWAP', '15m', '2026-01-05 00:00+00', 94000, 94050, 93950, 94020, 30, true),
    ('BTC-USDT-SWAP', '15m', '2026-01-05 00:15+00', 94020, 94080, 94000, 94060, 25, true),
    ('BTC-USDT-SWAP', '15m', '2026-01-05 01:15+00', 94200, 94260, 94180, 94250, 22, true),
    ('BTC-USDT-SWAP', '15m', '2026-01-05 01:30+00', 94250, 94300, 94200, 94210, 27, true),
    ('BTC-USDT-SWAP', '15m', '2026-01-05 01:50+00', 94210, 94240, 94150, 94170, 19, true),
    ('BTC-USDT-SWAP', '15m', '2026-01-05 02:00+00', 94170, 94190, 94100, 94150, 21, true),
    ('BTC-USDT-SWAP', '15m', '2026-01-05 02:15+00', 94150, 94160, 94120, 94140, 3, false);
-- 4h: a gap of 20 bars (MEDIUM), then one of 19 (LOW)
INSERT INTO bifrost.market_data (symbol, timeframe, ts, open, high, low, close, volume) VALUES
    ('BTC-USDT-SWAP', '4h', '2026-01-01 00:00+00', 88000, 88500, 87800, 88200, 400),
    ('BTC-USDT-SWAP', '4h', '2026-01-04 12:00+00', 91000, 91500, 90800, 91200, 380),
    ('BTC-USDT-SWAP', '4h', '2026-01-07 20:00+00', 93000, 93500, 92800, 93200, 410);
-- 1d: OKX's plain 1D bar opens at 16:00 UTC (midnight in Hong Kong): not on
-- the 00:00 UTC grid
INSERT INTO bifrost.market_data (symbol, timeframe, ts, open, high, low, close, volume) VALUES
    ('BTC-USDT-SWAP', '1d', '2026-01-01 00:00+00', 88000, 89000, 87500, 88800, 2400),
    ('BTC-USDT-SWAP', '1d', '2026-01-01 16:00+00', 88600, 89200, 88100, 89000, 2300),
    ('BTC-USDT-SWAP', '1d', '2026-01-02 00:00+00', 88800, 90000, 88700, 89900, 2500);
-- ETH 15m: a gap of 100 bars (HIGH), then one of 99 (MEDIUM)
INSERT INTO bifrost.market_data (symbol, timeframe, ts, open, high, low, close, volume) VALUES
    ('ETH-USDT-SWAP', '15m', '2026-01-01 00:00+00', 3300, 3310, 3290, 3305, 900),
    ('ETH-USDT-SWAP', '15m', '2026-01-02 01:15+00', 3320, 3330, 3315, 3325, 850),
    ('ETH-USDT-SWAP', '15m', '2026-01-03 02:15+00', 3340, 3350, 3335, 3345, 870);

-- funding keyed by settlement time, stored out of order; the newest
-- settlement (16:00) is the one still ahead
INSERT INTO bifrost.funding_rates (symbol, funding_time, funding_rate, next_funding_time) VALUES
    ('BTC-USDT-SWAP', '2026-01-05 16:00+00', 0.00012, '2026-01-06 00:00+00'),
    ('BTC-USDT-SWAP', '2026-01-05 00:00+00', 0.0001, '2026-01-05 08:00+00'),
    ('BTC-USDT-SWAP', '2026-01-05 08:00+00', -0.00005, '2026-01-05 16:00+00');

-- price snapshots: one with all three prices, then index, last and mark each
-- alone and each newer than the full one; ETH has only a mark price
INSERT INTO bifrost.price_snapshots (symbol, ts, last_price, mark_price, index_price) VALUES
    ('BTC-USDT-SWAP', '2026-01-05 10:00:00+00', 95000, 95010, 95005),
    ('BTC-USDT-SWAP', '2026-01-05 10:00:03+00', NULL, NULL, 95007),
    ('BTC-USDT-SWAP', '2026-01-05 10:00:05+00', 95020, NULL, NULL),
    ('BTC-USDT-SWAP', '2026-01-05 10:00:07+00', NULL, 95030, NULL),
    ('ETH-USDT-SWAP', '2026-01-05 10:00:00+00', NULL, 3301.5, NULL);

------------------------------------------------------------------------------
-- bifrost_candles: the newest lim candles, ascending
------------------------------------------------------------------------------
SELECT * FROM bifrost_candles('BTC-USDT-SWAP', '1h');
SELECT * FROM bifrost_candles('BTC-USDT-SWAP', '1h', 3);
SELECT * FROM bifrost_candles('BTC-USDT-SWAP', '15m', 1);
SELECT * FROM bifrost_candles('BTC-USDT-SWAP', '1d', 10000);
-- other symbol, other timeframe, unknown symbol: their own rows or none
SELECT count(*) FROM bifrost_candles('ETH-USDT-SWAP', '15m');
SELECT count(*) FROM bifrost_candles('ETH-USDT-SWAP', '1h');
SELECT count(*) FROM bifrost_candles('btc-usdt-swap', '1h');

------------------------------------------------------------------------------
-- bifrost_candles_range: both bounds inclusive, ascending
------------------------------------------------------------------------------
SELECT * FROM bifrost_candles_range('BTC-USDT-SWAP', '1h', '2026-01-05 02:00+00', '2026-01-05 07:00+00');
SELECT ts, close FROM bifrost_candles_range('BTC-USDT-SWAP', '1h', '2026-01-05 06:00+00', '2026-01-05 06:00+00');
SELECT ts, close FROM bifrost_candles_range('BTC-USDT-SWAP', '1h', '2026-01-05 07:15+00', '2026-01-05 07:45+00');
SELECT ts, close FROM bifrost_candles_range('BTC-USDT-SWAP', '1h', '2026-01-05 03:00+00', '2026-01-05 05:59:59+00');
-- bounds in another time zone mean the same instants
SELECT ts, close FROM bifrost_candles_range('BTC-USDT-SWAP', '15m', '2026-01-05 09:30+08', '2026-01-05 10:00+08');
-- a range may span up to 100000 bars: 1h from 00:00 for 99999 hours more
SELECT count(*) FROM bifrost_candles_range('BTC-USDT-SWAP', '1h', '2026-01-05 00:00+00',
                                           timestamptz '2026-01-05 00:00+00' + interval '99999 hours');

------------------------------------------------------------------------------
-- bifrost_latest_funding: the latest settlement time, not the latest row
------------------------------------------------------------------------------
SELECT * FROM bifrost_latest_funding('BTC-USDT-SWAP');
SELECT count(*) FROM bifrost_latest_funding('ETH-USDT-SWAP');

------------------------------------------------------------------------------
-- bifrost_latest_prices: the newest of each price with its own time
------------------------------------------------------------------------------
SELECT * FROM bifrost_latest_prices('BTC-USDT-SWAP');
SELECT * FROM bifrost_latest_prices('ETH-USDT-SWAP');
SELECT count(*) FROM bifrost_latest_prices('SOL-USDT-SWAP');

------------------------------------------------------------------------------
-- bifrost_candle_coverage: bars = expected - missing + duplicate
------------------------------------------------------------------------------
SELECT * FROM bifrost_candle_coverage('BTC-USDT-SWAP');
SELECT * FROM bifrost_candle_coverage('BTC-USDT-SWAP', NULL);
SELECT * FROM bifrost_candle_coverage('BTC-USDT-SWAP', '1h');
SELECT * FROM bifrost_candle_coverage('ETH-USDT-SWAP');
-- a timeframe asked for by name has a row even without candles
SELECT * FROM bifrost_candle_coverage('ETH-USDT-SWAP', '4h');
SELECT count(*) FROM bifrost_candle_coverage('SOL-USDT-SWAP');
-- named arguments
SELECT timeframe, bars FROM bifrost_candle_coverage(symbol => 'BTC-USDT-SWAP', timeframe => '1d');
SELECT ts FROM bifrost_candles(symbol => 'BTC-USDT-SWAP', timeframe => '4h', lim => 1);
SELECT bool_and(bars = expected_bars - missing_bars + duplicate_bars) AS identity_holds
  FROM bifrost_candle_coverage('BTC-USDT-SWAP');
-- the grid is UTC whatever the session's time zone
SET TimeZone = 'Asia/Hong_Kong';
SELECT timeframe, bars, expected_bars, missing_bars, duplicate_bars FROM bifrost_candle_coverage('BTC-USDT-SWAP');
SET TimeZone = 'UTC';

------------------------------------------------------------------------------
-- bifrost_scan_integrity: gaps and duplicates into candle_integrity_events
------------------------------------------------------------------------------
-- 1h: the 3-bar gap and the shifted 07:30 copy, both LOW
CREATE TEMP TABLE scan1 AS
SELECT *, detected_at = now() AS detected_now FROM bifrost_scan_integrity('BTC-USDT-SWAP', '1h');
SELECT event_type, start_ts, end_ts, expected_bars AS exp, actual_bars AS act, missing_bars AS miss,
       duplicate_bars AS dup, severity, repair_job_id, detected_now, details_json
  FROM scan1 ORDER BY start_ts;
SELECT count(*) AS recorded FROM bifrost.candle_integrity_events WHERE symbol = 'BTC-USDT-SWAP';

-- the rescan finds the same two: it returns the recorded rows and inserts
-- nothing
CREATE TEMP TABLE scan2 AS
SELECT *, detected_at = now() AS detected_now FROM bifrost_scan_integrity('BTC-USDT-SWAP', '1h');
SELECT s.event_type, s.start_ts, s.id IN (SELECT id FROM scan1) AS recorded_before, s.detected_now,
       s.detected_at = (SELECT detected_at FROM scan1 WHERE id = s.id) AS first_detected_at
  FROM scan2 s ORDER BY s.start_ts;
SELECT count(*) AS recorded FROM bifrost.candle_integrity_events WHERE symbol = 'BTC-USDT-SWAP';

-- a window: from 06:00 the gap is outside; the duplicate is the one
-- recorded, its details still those of the first scan
SELECT event_type, start_ts, id IN (SELECT id FROM scan1) AS recorded_before, details_json->'window' AS first_window
  FROM bifrost_scan_integrity('BTC-USDT-SWAP', '1h', '2026-01-05 06:00+00');
-- a window that ends inside the gap holds only the bar before it: nothing
-- after the last candle of the window is missing
SELECT count(*) FROM bifrost_scan_integrity('BTC-USDT-SWAP', '1h', '2026-01-05 01:30+00', '2026-01-05 05:00+00');
-- windows without candles, an unknown symbol: nothing found, nothing written
SELECT count(*) FROM bifrost_scan_integrity('BTC-USDT-SWAP', '1h', '2025-01-01 00:00+00', '2025-12-31 00:00+00');
SELECT count(*) FROM bifrost_scan_integrity('SOL-USDT-SWAP', '1h');
SELECT count(*) AS recorded FROM bifrost.candle_integrity_events WHERE symbol IN ('BTC-USDT-SWAP', 'SOL-USDT-SWAP');

-- the gap is partly filled (04:00 arrives): two 1-bar gaps are new
-- findings, the duplicate is the recorded one; the 3-bar gap stays as history
INSERT INTO bifrost.market_data (symbol, timeframe, ts, open, high, low, close, volume)
VALUES ('BTC-USDT-SWAP', '1h', '2026-01-05 04:00+00', 94150, 94500, 94100, 94480, 95);
SELECT event_type, start_ts, end_ts, expected_bars AS exp, actual_bars AS act, missing_bars AS miss,
       duplicate_bars AS dup, severity, id IN (SELECT id FROM scan1) AS recorded_before,
       details_json - 'window' - 'bar_seconds' AS details
  FROM bifrost_scan_integrity('BTC-USDT-SWAP', '1h');
SELECT event_type, start_ts, end_ts, missing_bars FROM bifrost.candle_integrity_events
 WHERE symbol = 'BTC-USDT-SWAP' AND timeframe = '1h' ORDER BY id;

-- 15m: the 3-bar gap; the 01:45 slot holds only the misaligned 01:50, so it
-- is both a 1-bar gap (with one candle in it) and a duplicate
SELECT event_type, start_ts, end_ts, expected_bars AS exp, actual_bars AS act, missing_bars AS miss,
       duplicate_bars AS dup, severity, details_json
  FROM bifrost_scan_integrity('BTC-USDT-SWAP', '15m');
-- a window from 01:40: its first candle is the misaligned 01:50, so the
-- 01:45 slot is a gap at the window's edge (no aligned bar after which it
-- starts); the same finding as before, returned as recorded
SELECT event_type, start_ts, end_ts, missing_bars AS miss, duplicate_bars AS dup,
       detected_at = now() AS detected_now
  FROM bifrost_scan_integrity('BTC-USDT-SWAP', '15m', '2026-01-05 01:40+00', '2026-01-05 02:15+00');
-- 4h: 20 missing bars are MEDIUM, 19 are LOW
SELECT event_type, start_ts, end_ts, expected_bars AS exp, actual_bars AS act, missing_bars AS miss,
       duplicate_bars AS dup, severity, details_json - 'window' AS details
  FROM bifrost_scan_integrity('BTC-USDT-SWAP', '4h');
-- 1d: the 16:00 candle is a duplicate of the 2026-01-01 bar
SELECT event_type, start_ts, end_ts, expected_bars AS exp, actual_bars AS act, missing_bars AS miss,
       duplicate_bars AS dup, severity, details_json - 'window' AS details
  FROM bifrost_scan_integrity('BTC-USDT-SWAP', '1d');
-- ETH 15m: 100 missing bars are HIGH, 99 are MEDIUM
SELECT event_type, start_ts, end_ts, expected_bars AS exp, actual_bars AS act, missing_bars AS miss,
       duplicate_bars AS dup, severity, details_json - 'window' AS details
  FROM bifrost_scan_integrity('ETH-USDT-SWAP', '15m');

-- coverage and the full scans agree: the missing bars are the gaps' bars,
-- the duplicates the duplicate events' candles
SELECT c.timeframe, c.missing_bars, c.duplicate_bars,
       (SELECT coalesce(sum(s.missing_bars), 0) FROM bifrost_scan_integrity('BTC-USDT-SWAP', c.timeframe) s
         WHERE s.event_type = 'GAP') AS gap_bars,
       (SELECT coalesce(sum(s.duplicate_bars), 0) FROM bifrost_scan_integrity('BTC-USDT-SWAP', c.timeframe) s
         WHERE s.event_type = 'DUPLICATE') AS duplicate_candles
  FROM bifrost_candle_coverage('BTC-USDT-SWAP') c;
-- twelve findings recorded in all
SELECT symbol, timeframe, event_type, count(*) FROM bifrost.candle_integrity_events
 WHERE symbol IN ('BTC-USDT-SWAP', 'ETH-USDT-SWAP')
 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;

------------------------------------------------------------------------------
-- bad input: 22023 naming the argument and its value
------------------------------------------------------------------------------
SELECT * FROM bifrost_candles(NULL, '1h');
SELECT * FROM bifrost_candles('', '1h');
SELECT * FROM bifrost_candles('BTC-USDT-SWAP', '5m');
SELECT * FROM bifrost_candles('BTC-USDT-SWAP', '1H');
SELECT * FROM bifrost_candles('BTC-USDT-SWAP', NULL);
SELECT * FROM bifrost_candles('BTC-USDT-SWAP', '1h', 0);
SELECT * FROM bifrost_candles('BTC-USDT-SWAP', '1h', -5);
SELECT * FROM bifrost_candles('BTC-USDT-SWAP', '1h', 10001);
SELECT * FROM bifrost_candles('BTC-USDT-SWAP', '1h', NULL);
-- the symbol is checked first, then the timeframe, then the rest
SELECT * FROM bifrost_candles('', '5m', 0);
SELECT * FROM bifrost_candles('BTC-USDT-SWAP', '5m', 0);

SELECT * FROM bifrost_candles_range('BTC-USDT-SWAP', '1h', '2026-01-06 00:00+00', '2026-01-05 00:00+00');
SELECT * FROM bifrost_candles_range('BTC-USDT-SWAP', '1h', NULL, '2026-01-05 00:00+00');
SELECT * FROM bifrost_candles_range('BTC-USDT-SWAP', '1h', '2026-01-05 00:00+00', NULL);
SELECT * FROM bifrost_candles_range('BTC-USDT-SWAP', '1h', '-infinity', '2026-01-05 00:00+00');
SELECT * FROM bifrost_candles_range('BTC-USDT-SWAP', '1h', '2026-01-05 00:00+00', 'infinity');
SELECT * FROM bifrost_candles_range('BTC-USDT-SWAP', '1h', '2026-01-05 00:00+00',
                                    timestamptz '2026-01-05 00:00+00' + interval '100000 hours');
SELECT * FROM bifrost_candles_range('BTC-USDT-SWAP', '15m', '2023-01-01 00:00+00', '2026-01-01 00:00+00');
SELECT * FROM bifrost_candles_range('BTC-USDT-SWAP', '1w', '2026-01-01 00:00+00', '2026-01-02 00:00+00');
SELECT * FROM bifrost_candles_range(NULL, '1h', '2026-01-01 00:00+00', '2026-01-02 00:00+00');

SELECT * FROM bifrost_latest_funding(NULL);
SELECT * FROM bifrost_latest_funding('');
SELECT * FROM bifrost_latest_prices(NULL);
SELECT * FROM bifrost_latest_prices('');
SELECT * FROM bifrost_candle_coverage(NULL);
SELECT * FROM bifrost_candle_coverage('', NULL);
SELECT * FROM bifrost_candle_coverage('BTC-USDT-SWAP', '');
SELECT * FROM bifrost_candle_coverage('BTC-USDT-SWAP', '1D');

SELECT * FROM bifrost_scan_integrity(NULL, '1h');
SELECT * FROM bifrost_scan_integrity('BTC-USDT-SWAP', '2h');
SELECT * FROM bifrost_scan_integrity('BTC-USDT-SWAP', NULL);
SELECT * FROM bifrost_scan_integrity('BTC-USDT-SWAP', '1h', '2026-01-06 00:00+00', '2026-01-05 00:00+00');

SELECT cmd, pg_temp.sqlstate_of(cmd) AS sqlstate
  FROM (VALUES ('SELECT bifrost_candles(NULL, ''1h'')'),
               ('SELECT bifrost_candles(''BTC-USDT-SWAP'', ''5m'')'),
               ('SELECT bifrost_candles(''BTC-USDT-SWAP'', ''1h'', 0)'),
               ('SELECT bifrost_candles_range(''BTC-USDT-SWAP'', ''1h'', ''2026-01-06'', ''2026-01-05'')'),
               ('SELECT bifrost_candles_range(''BTC-USDT-SWAP'', ''1h'', NULL, ''2026-01-05'')'),
               ('SELECT bifrost_candles_range(''BTC-USDT-SWAP'', ''15m'', ''2023-01-01'', ''2026-01-01'')'),
               ('SELECT bifrost_latest_funding('''')'),
               ('SELECT bifrost_latest_prices(NULL)'),
               ('SELECT bifrost_candle_coverage(''BTC-USDT-SWAP'', ''1w'')'),
               ('SELECT bifrost_scan_integrity(''BTC-USDT-SWAP'', ''1h'', ''2026-01-06'', ''2026-01-05'')'),
               ('SELECT bifrost_candles(''BTC-USDT-SWAP'', ''1h'', 10000)')) v(cmd);
-- the failed calls wrote nothing
SELECT count(*) AS recorded FROM bifrost.candle_integrity_events WHERE symbol IN ('BTC-USDT-SWAP', 'ETH-USDT-SWAP');

------------------------------------------------------------------------------
-- privileges: bifrost_reader reads, bifrost_operator also scans, PUBLIC
-- neither
------------------------------------------------------------------------------
SELECT p.oid::regprocedure AS function, p.provolatile, p.prosecdef, p.proconfig
  FROM pg_proc p
 WHERE p.proname IN ('bifrost_candles', 'bifrost_candles_range', 'bifrost_latest_funding',
                     'bifrost_latest_prices', 'bifrost_candle_coverage', 'bifrost_scan_integrity')
 ORDER BY p.proname;
SELECT p.proname,
       has_function_privilege('public', p.oid, 'EXECUTE') AS public,
       has_function_privilege('bifrost_reader', p.oid, 'EXECUTE') AS reader,
       has_function_privilege('bifrost_operator', p.oid, 'EXECUTE') AS operator
  FROM pg_proc p
 WHERE p.proname IN ('bifrost_candles', 'bifrost_candles_range', 'bifrost_latest_funding',
                     'bifrost_latest_prices', 'bifrost_candle_coverage', 'bifrost_scan_integrity')
 ORDER BY p.proname;

SET ROLE bifrost_reader;
SELECT count(*) AS candles FROM bifrost_candles('BTC-USDT-SWAP', '1h');
SELECT count(*) AS candles FROM bifrost_candles_range('BTC-USDT-SWAP', '1h', '2026-01-05', '2026-01-06');
SELECT funding_rate FROM bifrost_latest_funding('BTC-USDT-SWAP');
SELECT last_price, mark_price, index_price FROM bifrost_latest_prices('BTC-USDT-SWAP');
SELECT timeframe, bars FROM bifrost_candle_coverage('BTC-USDT-SWAP', '1h');
SELECT * FROM bifrost_scan_integrity('BTC-USDT-SWAP', '1h');
RESET ROLE;

-- the operator scans without any privilege on the table itself
SET ROLE bifrost_operator;
SELECT has_table_privilege('bifrost.candle_integrity_events', 'INSERT') AS can_insert;
SELECT event_type, start_ts, severity FROM bifrost_scan_integrity('BTC-USDT-SWAP', '1h');
RESET ROLE;

------------------------------------------------------------------------------
-- clean up
------------------------------------------------------------------------------
DROP TABLE scan1, scan2;
DELETE FROM bifrost.candle_integrity_events WHERE symbol IN ('BTC-USDT-SWAP', 'ETH-USDT-SWAP');
DELETE FROM bifrost.market_data WHERE symbol IN ('BTC-USDT-SWAP', 'ETH-USDT-SWAP');
DELETE FROM bifrost.funding_rates WHERE symbol IN ('BTC-USDT-SWAP', 'ETH-USDT-SWAP');
DELETE FROM bifrost.price_snapshots WHERE symbol IN ('BTC-USDT-SWAP', 'ETH-USDT-SWAP');
SELECT (SELECT count(*) FROM bifrost.market_data) AS candles,
       (SELECT count(*) FROM bifrost.funding_rates) AS funding,
       (SELECT count(*) FROM bifrost.price_snapshots) AS prices,
       (SELECT count(*) FROM bifrost.candle_integrity_events) AS events;
RESET TimeZone;
RESET DateStyle;
