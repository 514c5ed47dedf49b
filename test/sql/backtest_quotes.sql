-- backtest_quotes: bifrost.backtest_quotes(), the quotes a backtest of a
-- source sees (src/pg/backtest/quote_source.c).  Ticks with every pattern of
-- NULL prices, ties on ts in id order (within a batch, across the edge of a
-- batch, and a run longer than a batch, which goes through a tuplesort),
-- the range's ends, infinite times; candles of each timeframe at their close
-- time, unconfirmed bars left out, the spread model; every bad argument; the
-- numeric decoder against numeric::float8 on some thousands of values; the
-- privileges it reads under.  Every row it adds is deleted at the end.
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
SELECT (SELECT count(*) FROM bifrost.ticks WHERE symbol LIKE 'BQ-%') AS ticks,
       (SELECT count(*) FROM bifrost.market_data WHERE symbol LIKE 'BQ-%') AS candles;

------------------------------------------------------------------------------
-- ticks
------------------------------------------------------------------------------
-- every pattern of NULL the table allows (at least one price): a tick
-- without bid and ask is a locked quote at last; a one-sided tick keeps its
-- missing side NULL (no quote, whatever last says), as the worker's replay
INSERT INTO bifrost.ticks (symbol, ts, bid, ask, last) VALUES
    ('BQ-NULLS', '2026-03-02 14:30:00+00', 100, 100.5, 100.2),   -- all three
    ('BQ-NULLS', '2026-03-02 14:30:01+00', 100, 100.5, NULL),    -- bid and ask
    ('BQ-NULLS', '2026-03-02 14:30:02+00', NULL, NULL, 100.25),  -- last only: locked
    ('BQ-NULLS', '2026-03-02 14:30:03+00', 100, NULL, 100.75),   -- bid only: one-sided
    ('BQ-NULLS', '2026-03-02 14:30:04+00', 100, NULL, 99.5),     -- bid only: one-sided
    ('BQ-NULLS', '2026-03-02 14:30:05+00', 100, NULL, 100),      -- bid only: one-sided
    ('BQ-NULLS', '2026-03-02 14:30:06+00', 100, NULL, NULL),     -- bid only: one-sided
    ('BQ-NULLS', '2026-03-02 14:30:07+00', NULL, 101, 100.5),    -- ask only: one-sided
    ('BQ-NULLS', '2026-03-02 14:30:08+00', NULL, 101, 101.5),    -- ask only: one-sided
    ('BQ-NULLS', '2026-03-02 14:30:09+00', NULL, 101, NULL),     -- ask only: one-sided
    ('BQ-NULLS', '2026-03-02 14:30:10.123456+00', 0.000123, 98765.4321, NULL);
SELECT * FROM bifrost.backtest_quotes('ticks', 'BQ-NULLS', '2026-03-02', '2026-03-03');
-- the defaults and named arguments
SELECT count(*) FROM bifrost.backtest_quotes('ticks', 'BQ-NULLS', '2026-03-02', '2026-03-03', NULL, 2);
SELECT count(*) FROM bifrost.backtest_quotes(source => 'ticks', symbol => 'BQ-NULLS',
                                             from_ts => '2026-03-02', to_ts => '2026-03-03');

-- from_ts is in, to_ts is out; other symbols and times stay out
INSERT INTO bifrost.ticks (symbol, ts, bid, ask) VALUES
    ('BQ-RANGE', '2026-03-02 09:59:59.999999+00', 1, 2),
    ('BQ-RANGE', '2026-03-02 10:00:00+00', 3, 4),
    ('BQ-RANGE', '2026-03-02 10:30:00+00', 5, 6),
    ('BQ-RANGE', '2026-03-02 10:59:59.999999+00', 7, 8),
    ('BQ-RANGE', '2026-03-02 11:00:00+00', 9, 10),
    ('BQ-RANGEX', '2026-03-02 10:30:00+00', 11, 12);
SELECT * FROM bifrost.backtest_quotes('ticks', 'BQ-RANGE', '2026-03-02 10:00+00', '2026-03-02 11:00+00');
-- a range one microsecond wide
SELECT * FROM bifrost.backtest_quotes('ticks', 'BQ-RANGE', '2026-03-02 10:30+00', '2026-03-02 10:30:00.000001+00');
-- open ends; a tick dated -infinity comes first (the hedger core leaves such a
-- quote out), one dated infinity never (no to_ts lies beyond it)
INSERT INTO bifrost.ticks (symbol, ts, bid, ask) VALUES
    ('BQ-RANGE', '-infinity', 13, 14), ('BQ-RANGE', 'infinity', 15, 16);
SELECT * FROM bifrost.backtest_quotes('ticks', 'BQ-RANGE', '-infinity', 'infinity');
SELECT * FROM bifrost.backtest_quotes('ticks', 'BQ-RANGE', '2026-03-02 10:45+00', 'infinity');
-- a symbol with no ticks, and a range with none
SELECT count(*) AS no_ticks FROM bifrost.backtest_quotes('ticks', 'BQ-NONE', '-infinity', 'infinity');
SELECT count(*) AS none_then FROM bifrost.backtest_quotes('ticks', 'BQ-RANGE', '2020-01-01', '2021-01-01');

-- times are the doubles extract(epoch FROM ts)::float8 gives; the rows show
-- the instants they stand for: the same ones from 1698 to 2242 (a double holds
-- every microsecond within 2^33 s of 1970), the nearest microsecond further
INSERT INTO bifrost.ticks (symbol, ts, bid, ask)
SELECT 'BQ-TIMES', t, 1, 1
  FROM unnest(ARRAY['1970-01-01 00:00:00.000001+00', '1969-12-31 23:59:59.999999+00', '1900-01-01 00:00:00.5+00',
                    '2038-01-19 03:14:07.999999+00', '2242-03-16 12:56:31.999999+00', '2262-04-11 23:47:16.854775+00',
                    '9999-12-31 23:59:59.999999+00', '0044-03-15 12:00:00.000007+00 BC',
                    '294276-12-31 23:59:59.999999+00']::timestamptz[]) t;
SELECT t.ts AS stored, q.ts AS quote_ts, q.ts = t.ts AS same_instant,
       extract(epoch FROM q.ts)::float8 = extract(epoch FROM t.ts)::float8 AS same_double
  FROM (SELECT row_number() OVER () AS n, ts FROM bifrost.backtest_quotes('ticks', 'BQ-TIMES', '-infinity', 'infinity')) q
  JOIN (SELECT row_number() OVER (ORDER BY ts, id) AS n, ts FROM bifrost.ticks WHERE symbol = 'BQ-TIMES') t ON t.n = q.n
 ORDER BY t.n;

-- ties on ts leave in id order, whatever order the rows have in the table:
-- ids are given here in the reverse of the insertion order, and the bid says
-- the id (bid = 1e9 - id), so ascending ids show as descending bids
CREATE TEMP TABLE tie_rows (id bigint, ts timestamptz, bid numeric);
-- 4090 ticks one millisecond apart, a run of 3 equal ts inside the first
-- batch, then a run of 20 across the edge of the 4096-row batch
INSERT INTO tie_rows
SELECT 1000000000 - g, '2026-03-03 00:00+00'::timestamptz + (CASE WHEN g BETWEEN 100 AND 102 THEN 100
                                                                  WHEN g > 4090 THEN 4091 ELSE g END) * interval '1 ms', g
  FROM generate_series(1, 4110) g;
INSERT INTO bifrost.ticks (id, symbol, ts, bid, ask)
SELECT id, 'BQ-TIES', ts, 1000000000 - id, 1000000000 - id + 1 FROM tie_rows ORDER BY bid;
SELECT count(*) AS ticks,
       count(*) FILTER (WHERE prev_ts > ts) AS back_in_time,
       count(*) FILTER (WHERE prev_ts = ts AND prev_bid <= bid) AS ties_not_in_id_order,
       count(*) FILTER (WHERE prev_ts = ts) AS ties
  FROM (SELECT ts, bid, lag(ts) OVER w AS prev_ts, lag(bid) OVER w AS prev_bid
          FROM (SELECT ts, bid, row_number() OVER () AS n
                  FROM bifrost.backtest_quotes('ticks', 'BQ-TIES', '-infinity', 'infinity')) q
        WINDOW w AS (ORDER BY n)) s;
-- the quotes equal those of the replay feed's order (ts, id)
SELECT count(*) AS same_as_ts_id_order
  FROM (SELECT row_number() OVER () AS n, ts, bid FROM bifrost.backtest_quotes('ticks', 'BQ-TIES', '-infinity', 'infinity')) q
  JOIN (SELECT row_number() OVER (ORDER BY ts, id) AS n, ts, bid::float8 AS bid FROM bifrost.ticks WHERE symbol = 'BQ-TIES') t
    ON t.n = q.n AND t.ts = q.ts AND t.bid = q.bid;
-- 10000 ticks at one instant, more than a batch holds: sorted by id through
-- a tuplesort, which spills to disk at this work_mem
INSERT INTO bifrost.ticks (id, symbol, ts, bid, ask)
SELECT 2000000000 - g, 'BQ-RUN', CASE WHEN g <= 10000 THEN '2026-03-04 00:00+00'::timestamptz
                                      ELSE '2026-03-04 00:00+00'::timestamptz + (g - 10000) * interval '1 s' END,
       g, g + 1
  FROM generate_series(1, 10005) g ORDER BY g;
INSERT INTO bifrost.ticks (symbol, ts, bid, ask) VALUES ('BQ-RUN', '2026-03-03 23:59:59+00', 0.5, 0.75);
SET work_mem = '64kB';
SELECT count(*) AS ticks,
       count(*) FILTER (WHERE prev_ts > ts) AS back_in_time,
       count(*) FILTER (WHERE prev_ts = ts AND prev_bid <= bid) AS ties_not_in_id_order,
       count(*) FILTER (WHERE prev_ts = ts) AS ties,
       min(bid) FILTER (WHERE n = 1) AS first_bid, min(bid) FILTER (WHERE n = 2) AS second_bid,
       min(bid) FILTER (WHERE n = 10001) AS last_of_run, min(bid) FILTER (WHERE n = 10002) AS after_run
  FROM (SELECT n, ts, bid, lag(ts) OVER w AS prev_ts, lag(bid) OVER w AS prev_bid
          FROM (SELECT ts, bid, row_number() OVER () AS n
                  FROM bifrost.backtest_quotes('ticks', 'BQ-RUN', '-infinity', 'infinity')) q
        WINDOW w AS (ORDER BY n)) s;
-- the run at the end of the range, nothing after it
SELECT count(*) AS run_only, min(bid), max(bid)
  FROM bifrost.backtest_quotes('ticks', 'BQ-RUN', '2026-03-04 00:00+00', '2026-03-04 00:00:01+00');
RESET work_mem;

------------------------------------------------------------------------------
-- candles
------------------------------------------------------------------------------
-- one quote per confirmed bar at its close (open + bar length), the close as
-- mid and bid, ask = close * (1 -+ spread_bps / 20000); the bar still forming
-- and the other timeframes are left out
INSERT INTO bifrost.market_data (symbol, timeframe, ts, open, high, low, close, volume, confirmed) VALUES
    ('BQ-C', '15m', '2026-03-02 00:00+00', 100, 101, 99, 100.5, 1, true),
    ('BQ-C', '15m', '2026-03-02 00:15+00', 100.5, 102, 100, 101.25, 1, true),
    ('BQ-C', '15m', '2026-03-02 00:30+00', 101.25, 103, 101, 102, 1, true),
    ('BQ-C', '15m', '2026-03-02 00:45+00', 102, 102, 102, 102, 1, false),
    ('BQ-C', '1h', '2026-03-02 00:00+00', 100, 103, 99, 102, 4, true),
    ('BQ-C', '1h', '2026-03-02 01:00+00', 102, 104, 101, 103.5, 4, false),
    ('BQ-C', '4h', '2026-03-02 00:00+00', 100, 110, 90, 105, 16, true),
    ('BQ-C', '4h', '2026-03-02 04:00+00', 105, 110, 90, 95, 16, true),
    ('BQ-C', '1d', '2026-03-01 00:00+00', 90, 110, 80, 100, 96, true),
    ('BQ-C', '1d', '2026-03-02 00:00+00', 100, 120, 80, 110, 96, true),
    ('BQ-D', '1h', '2026-03-02 00:00+00', 50, 50, 50, 50, 1, true);
SELECT tf, q.*
  FROM unnest(ARRAY['15m', '1h', '4h', '1d']) tf,
       LATERAL bifrost.backtest_quotes('candles', 'BQ-C', '2026-03-01', '2026-03-04', tf, 20) q
 ORDER BY array_position(ARRAY['15m', '1h', '4h', '1d'], tf), q.ts;
-- the bar length of each timeframe: a quote's time is its bar's open plus it
SELECT tf, count(*) AS bars, min(q.ts - m.ts) AS bar_length, max(q.ts - m.ts) AS same_for_all
  FROM unnest(ARRAY['15m', '1h', '4h', '1d']) tf
 CROSS JOIN LATERAL bifrost.backtest_quotes('candles', 'BQ-C', '-infinity', 'infinity', tf) q
  JOIN bifrost.market_data m ON m.symbol = 'BQ-C' AND m.timeframe = tf AND m.confirmed
                            AND q.bid = m.close::float8 * (1 - 2::float8 / 20000)
 GROUP BY tf ORDER BY min(q.ts - m.ts);
-- the spread model's figures, exactly as float8 arithmetic gives them
SELECT s AS spread_bps, q.bid, q.ask, q.ask - q.bid AS spread,
       q.bid = 102::float8 * (1 - s / 20000) AND q.ask = 102::float8 * (1 + s / 20000) AS as_the_formula
  FROM unnest(ARRAY[0, 0.5, 2, 10, 100, 19999.999]::float8[]) s,
       LATERAL bifrost.backtest_quotes('candles', 'BQ-C', '2026-03-02 00:45+00', '2026-03-02 00:45:00.000001+00', '15m', s) q;
-- a bar is in when its close time is in [from_ts, to_ts): the 00:15 bar
-- closes at 00:30 (in), the 00:30 bar at 00:45 (out)
SELECT * FROM bifrost.backtest_quotes('candles', 'BQ-C', '2026-03-02 00:30+00', '2026-03-02 00:45+00', '15m');
SELECT * FROM bifrost.backtest_quotes('candles', 'BQ-C', '2026-03-02 00:29:59.999999+00', '2026-03-02 00:30+00', '15m');
-- bars dated -infinity and infinity: the first closes at -infinity (in with an
-- open start), the second never; the ends of timestamptz as bounds
INSERT INTO bifrost.market_data (symbol, timeframe, ts, open, high, low, close, volume, confirmed) VALUES
    ('BQ-C', '1h', '-infinity', 1, 1, 1, 1, 1, true), ('BQ-C', '1h', 'infinity', 2, 2, 2, 2, 1, true);
SELECT * FROM bifrost.backtest_quotes('candles', 'BQ-C', '-infinity', 'infinity', '1h', 0);
SELECT * FROM bifrost.backtest_quotes('candles', 'BQ-C', '4713-01-01 00:00+00 BC', '294276-12-31 00:00+00', '1h', 0);
SELECT count(*) AS no_candles FROM bifrost.backtest_quotes('candles', 'BQ-NONE', '-infinity', 'infinity', '1h');
SELECT count(*) AS no_such_symbol FROM bifrost.backtest_quotes('ticks', repeat('x', 1048576), '-infinity', 'infinity');
SELECT count(*) AS other_symbol FROM bifrost.backtest_quotes('candles', 'BQ-D', '-infinity', 'infinity', '1h');

------------------------------------------------------------------------------
-- bad arguments: 22023 naming the argument and its value
------------------------------------------------------------------------------
SELECT * FROM bifrost.backtest_quotes(NULL, 'BQ-NULLS', '2026-03-02', '2026-03-03');
SELECT * FROM bifrost.backtest_quotes('ticks', NULL, '2026-03-02', '2026-03-03');
SELECT * FROM bifrost.backtest_quotes('ticks', 'BQ-NULLS', NULL, '2026-03-03');
SELECT * FROM bifrost.backtest_quotes('ticks', 'BQ-NULLS', '2026-03-02', NULL);
SELECT * FROM bifrost.backtest_quotes('ticks', 'BQ-NULLS', '2026-03-02', '2026-03-03', NULL, NULL);
SELECT * FROM bifrost.backtest_quotes('okx', 'BQ-NULLS', '2026-03-02', '2026-03-03');
SELECT * FROM bifrost.backtest_quotes('Ticks', 'BQ-NULLS', '2026-03-02', '2026-03-03');
SELECT * FROM bifrost.backtest_quotes(repeat('x', 1048576), 'BQ-NULLS', '2026-03-02', '2026-03-03');
SELECT * FROM bifrost.backtest_quotes('ticks', '', '2026-03-02', '2026-03-03');
SELECT * FROM bifrost.backtest_quotes('ticks', 'BQ-NULLS', '2026-03-02', '2026-03-02');
SELECT * FROM bifrost.backtest_quotes('ticks', 'BQ-NULLS', '2026-03-03', '2026-03-02');
SELECT * FROM bifrost.backtest_quotes('ticks', 'BQ-NULLS', 'infinity', 'infinity');
SELECT * FROM bifrost.backtest_quotes('ticks', 'BQ-NULLS', '2026-03-02', '2026-03-03', '1h');
SELECT * FROM bifrost.backtest_quotes('candles', 'BQ-C', '2026-03-02', '2026-03-03');
SELECT * FROM bifrost.backtest_quotes('candles', 'BQ-C', '2026-03-02', '2026-03-03', '5m');
SELECT * FROM bifrost.backtest_quotes('candles', 'BQ-C', '2026-03-02', '2026-03-03', '1H');
SELECT * FROM bifrost.backtest_quotes('candles', 'BQ-C', '2026-03-02', '2026-03-03', '1h', -1);
SELECT * FROM bifrost.backtest_quotes('candles', 'BQ-C', '2026-03-02', '2026-03-03', '1h', 20000);
SELECT * FROM bifrost.backtest_quotes('candles', 'BQ-C', '2026-03-02', '2026-03-03', '1h', 'NaN');
SELECT * FROM bifrost.backtest_quotes('candles', 'BQ-C', '2026-03-02', '2026-03-03', '1h', 'Infinity');
SELECT * FROM bifrost.backtest_quotes('ticks', 'BQ-NULLS', '2026-03-02', '2026-03-03', NULL, '-Infinity');

------------------------------------------------------------------------------
-- prices: the decoder of stored numerics gives what numeric::float8 gives
------------------------------------------------------------------------------
-- Generated values (the same at every run: setseed), each stored in a tick as
-- bid and ask, or as last alone, and read back.  prices: up to 17 digits and
-- small exponents, the fast path and its edge; wide: up to 40 digits anywhere
-- in double's normal range (short and long numeric headers); subnormal: down
-- to 1e-323; near 2^53: integers around the fast path's limit times 10^-22 ..
-- 10^22 (the odd ones above 2^53 lie halfway between two doubles); long
-- scales: more than 63 digits after the point (the long header); and the
-- classic hard cases.
SELECT setseed(0.2026);
CREATE TEMP TABLE decode_values (n serial, kind text, v numeric);
CREATE FUNCTION pg_temp.digits(n integer) RETURNS text LANGUAGE sql VOLATILE AS $$
    SELECT (1 + floor(random() * 9))::int::text ||
           coalesce(string_agg(floor(random() * 10)::int::text, ''), '')
      FROM generate_series(2, n)
$$;
INSERT INTO decode_values (kind, v)
SELECT 'prices', (pg_temp.digits(d) || 'e' || (floor(random() * 21) - 16)::int)::numeric
  FROM (SELECT 1 + floor(random() * 17)::int AS d FROM generate_series(1, 2000)) s;
INSERT INTO decode_values (kind, v)
SELECT 'wide', (pg_temp.digits(d) || 'e' || (floor(random() * 610) - 305 - (d - 1))::int)::numeric
  FROM (SELECT 1 + floor(random() * 40)::int AS d FROM generate_series(1, 2000)) s;
INSERT INTO decode_values (kind, v)
SELECT 'subnormal', (pg_temp.digits(d) || 'e' || (floor(random() * 16) - 323 - (d - 1))::int)::numeric
  FROM (SELECT 1 + floor(random() * 20)::int AS d FROM generate_series(1, 300)) s;
INSERT INTO decode_values (kind, v)
SELECT 'near 2^53', ((9007199254740992 + i)::text || 'e' || e)::numeric
  FROM generate_series(-30, 30) i, generate_series(-22, 22, 4) e;
INSERT INTO decode_values (kind, v)
SELECT 'long scale', round(random()::numeric * 1000, 64 + g % 40) FROM generate_series(1, 200) g;
INSERT INTO decode_values (kind, v)
SELECT 'classic', v::numeric
  FROM unnest(ARRAY[
    '0.1', '0.2', '0.3', '0.5', '1', '2', '3', '10', '123.456', '64123.5', '0.000123', '98765.4321',
    '9007199254740992', '9007199254740993', '9007199254740994', '9007199254740995', '9007199254740997',
    '9007199254740993.' || repeat('0', 900) || '1', '9007199254740995.' || repeat('9', 200),
    '18014398509481985', '123456789012345678901234567890',
    '1e22', '1e23', '1e37', '1e38', '9e22', '4.35e23', '0.000000000000000000000001',
    '1.7976931348623157e308', '1.7976931348623158e308', '8.98846567431158e307',
    '2.2250738585072014e-308', '2.2250738585072011e-308', '4.9406564584124654e-324',
    '2.4703282292062328e-324', '3e-324', '1e-323', '7.3177701707893310e+15',
    '2.2250738585072012e-308', '1.00000000000000011102230246251565404236316680908203125',
    '1.00000000000000011102230246251565404236316680908203124',
    '1.00000000000000011102230246251565404236316680908203126',
    '0.' || repeat('0', 60) || '1', '1' || repeat('0', 250), '1' || repeat('0', 300) || '.5',
    '299792458', '6.02214076e23', '1.602176634e-19', '3.141592653589793238462643383279502884197'
  ]) v;
SELECT kind, count(*) FROM decode_values GROUP BY kind ORDER BY min(n);

INSERT INTO bifrost.ticks (symbol, ts, bid, ask, last)
SELECT 'BQ-DECODE', '2026-01-01 00:00+00'::timestamptz + n * interval '1 s',
       CASE WHEN n % 2 = 0 THEN v END, CASE WHEN n % 2 = 0 THEN v END, CASE WHEN n % 2 = 1 THEN v END
  FROM decode_values;
SELECT d.kind, count(*) AS decoded,
       count(*) FILTER (WHERE q.bid <> d.v::float8 OR q.ask <> d.v::float8) AS differ_from_cast
  FROM bifrost.backtest_quotes('ticks', 'BQ-DECODE', '-infinity', 'infinity') q
  JOIN decode_values d ON q.ts = '2026-01-01 00:00+00'::timestamptz + d.n * interval '1 s'
 GROUP BY d.kind ORDER BY min(d.n);
-- a few of them, as the backtest gets them
SELECT d.v::text AS stored, q.bid
  FROM bifrost.backtest_quotes('ticks', 'BQ-DECODE', '-infinity', 'infinity') q
  JOIN decode_values d ON q.ts = '2026-01-01 00:00+00'::timestamptz + d.n * interval '1 s'
 WHERE d.kind = 'classic' AND length(d.v::text) < 40
 ORDER BY d.n;

-- the table's CHECKs keep prices positive and finite; the decoder is total
-- anyway: zero, negatives, NaN and the infinities, with the CHECKs dropped
-- for the moment of a transaction (a NaN is no price: NULL, as a missing side)
BEGIN;
ALTER TABLE bifrost.ticks DROP CONSTRAINT ticks_bid_check, DROP CONSTRAINT ticks_ask_check;
DELETE FROM bifrost.ticks WHERE symbol = 'BQ-DECODE';
INSERT INTO bifrost.ticks (symbol, ts, bid, ask)
SELECT 'BQ-DECODE', '2026-01-01 00:00+00'::timestamptz + n * interval '1 s', -v, -v
  FROM decode_values WHERE n % 3 = 0;
INSERT INTO bifrost.ticks (symbol, ts, bid, ask)
SELECT 'BQ-DECODE', '2025-01-01 00:00+00'::timestamptz + i * interval '1 s', v, v
  FROM unnest(ARRAY['0', '-0', '0.000', 'NaN', 'Infinity', '-Infinity', '-0.000001', '-1.5']::numeric[]) WITH ORDINALITY u(v, i);
SELECT count(*) AS decoded,
       count(*) FILTER (WHERE q.bid <> -d.v::float8 OR q.ask <> -d.v::float8) AS differ_from_cast
  FROM bifrost.backtest_quotes('ticks', 'BQ-DECODE', '2026-01-01', 'infinity') q
  JOIN decode_values d ON q.ts = '2026-01-01 00:00+00'::timestamptz + d.n * interval '1 s';
SELECT t.bid AS stored, q.bid, q.bid = t.bid::float8 AS as_the_cast
  FROM bifrost.backtest_quotes('ticks', 'BQ-DECODE', '2025-01-01', '2026-01-01') q
  JOIN bifrost.ticks t ON t.symbol = 'BQ-DECODE' AND t.ts = q.ts
 ORDER BY q.ts;
ROLLBACK;

-- where the cast refuses (beyond double's range, or so small it would round
-- to zero) the backtest gets what strtod gives: Infinity and 0, quotes the
-- hedger core does not use
INSERT INTO bifrost.ticks (symbol, ts, bid, ask) VALUES
    ('BQ-HUGE', '2026-03-05 00:00+00', 1e400, 1e400), ('BQ-HUGE', '2026-03-05 00:00:01+00', 1e-400, 1e-400);
SELECT * FROM bifrost.backtest_quotes('ticks', 'BQ-HUGE', '-infinity', 'infinity');
SELECT pg_temp.sqlstate_of('SELECT 1e400::numeric::float8') AS cast_of_1e400,
       pg_temp.sqlstate_of('SELECT 1e-400::numeric::float8') AS cast_of_1e_400;

------------------------------------------------------------------------------
-- privileges, row-level security, search_path
------------------------------------------------------------------------------
SET ROLE bifrost_reader;
SELECT count(*) AS reader_ticks FROM bifrost.backtest_quotes('ticks', 'BQ-NULLS', '2026-03-02', '2026-03-03');
SELECT count(*) AS reader_candles FROM bifrost.backtest_quotes('candles', 'BQ-C', '-infinity', 'infinity', '1h');
RESET ROLE;
CREATE ROLE regress_bq_nobody;
GRANT USAGE ON SCHEMA bifrost TO regress_bq_nobody;
SET ROLE regress_bq_nobody;
SELECT count(*) FROM bifrost.backtest_quotes('ticks', 'BQ-NULLS', '2026-03-02', '2026-03-03');
RESET ROLE;
-- EXECUTE alone is not enough: the source reads under the caller's SELECT
GRANT EXECUTE ON FUNCTION bifrost.backtest_quotes(text, text, timestamptz, timestamptz, text, double precision)
    TO regress_bq_nobody;
SET ROLE regress_bq_nobody;
SELECT count(*) FROM bifrost.backtest_quotes('ticks', 'BQ-NULLS', '2026-03-02', '2026-03-03');
SELECT count(*) FROM bifrost.backtest_quotes('candles', 'BQ-C', '-infinity', 'infinity', '1h');
RESET ROLE;
-- SELECT on the columns it reads is enough, as for a query
GRANT SELECT (id, symbol, ts, bid, ask, last) ON bifrost.ticks TO regress_bq_nobody;
SET ROLE regress_bq_nobody;
SELECT count(*) AS column_grants FROM bifrost.backtest_quotes('ticks', 'BQ-NULLS', '2026-03-02', '2026-03-03');
RESET ROLE;
REVOKE ALL ON bifrost.ticks FROM regress_bq_nobody;
REVOKE ALL ON FUNCTION bifrost.backtest_quotes(text, text, timestamptz, timestamptz, text, double precision)
    FROM regress_bq_nobody;
REVOKE ALL ON SCHEMA bifrost FROM regress_bq_nobody;
DROP ROLE regress_bq_nobody;
-- a table under row-level security is refused, not read past its policies
BEGIN;
ALTER TABLE bifrost.ticks ENABLE ROW LEVEL SECURITY;
SET LOCAL ROLE bifrost_reader;
SELECT count(*) FROM bifrost.backtest_quotes('ticks', 'BQ-NULLS', '2026-03-02', '2026-03-03');
ROLLBACK;
-- a ticks table earlier on the search_path changes nothing
CREATE TEMP TABLE ticks (id bigint, symbol text, ts timestamptz, bid numeric, ask numeric, last numeric);
INSERT INTO ticks VALUES (1, 'BQ-NULLS', '2026-03-02 12:00+00', 1, 1, 1);
SET search_path = pg_temp, public;
SELECT count(*) AS still_bifrost_ticks FROM bifrost.backtest_quotes('ticks', 'BQ-NULLS', '2026-03-02', '2026-03-03');
RESET search_path;
DROP TABLE pg_temp.ticks;

-- the function as the catalog has it
SELECT p.oid::regprocedure AS function, p.provolatile, p.proisstrict, p.proparallel, p.proretset, p.prorows,
       p.proconfig, obj_description(p.oid, 'pg_proc') IS NOT NULL AS commented,
       has_function_privilege('bifrost_reader', p.oid, 'EXECUTE') AS reader,
       has_function_privilege('public', p.oid, 'EXECUTE') AS public
  FROM pg_proc p WHERE p.proname = 'backtest_quotes';

------------------------------------------------------------------------------
DELETE FROM bifrost.ticks WHERE symbol LIKE 'BQ-%';
DELETE FROM bifrost.market_data WHERE symbol LIKE 'BQ-%';
SELECT (SELECT count(*) FROM bifrost.ticks WHERE symbol LIKE 'BQ-%') AS ticks,
       (SELECT count(*) FROM bifrost.market_data WHERE symbol LIKE 'BQ-%') AS candles;
