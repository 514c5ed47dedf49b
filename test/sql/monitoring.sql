-- monitoring: bifrost_metrics() on an empty database and on a known ledger
-- (every sample exact, the histogram cumulative, the format Prometheus
-- wants), bifrost_status_series(), bifrost_backtest_runs() and
-- bifrost_backtest_equity() with good and bad input, and who may call them.
-- Times are fixed, or compared with now() in a boolean.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS bifrost;
CREATE EXTENSION bifrost;
RESET client_min_messages;
SET TimeZone = 'UTC';

CREATE FUNCTION pg_temp.sqlstate_of(cmd text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE cmd;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE;
END
$$;

-- the samples without their help text, which the format check below reads
CREATE TEMP VIEW samples AS
SELECT family, type, sample, labels, value FROM bifrost_metrics();

-- What Prometheus's text format needs of the rows of exposition (a copy of
-- bifrost_metrics() with its row numbers), one row per rule broken, none
-- when all is well: a family has one type and one help, names and label
-- names are valid, counters end in _total, a counter's or gauge's sample is
-- named as its family and a histogram's with _bucket, _sum or _count, label
-- values are strings, values are numbers, the rows come in order; a
-- histogram's buckets are cumulative, end with +Inf, and +Inf equals _count.
CREATE TEMP TABLE exposition AS SELECT *, 0::bigint AS n FROM bifrost_metrics() LIMIT 0;
CREATE FUNCTION pg_temp.exposition_problems()
RETURNS TABLE (problem text, subject text)
LANGUAGE sql AS $$
    WITH m AS (SELECT * FROM exposition),
    bounds AS (
        SELECT family, labels->>'le' AS le, value,
               CASE labels->>'le' WHEN '+Inf' THEN 'Infinity'::float8 ELSE (labels->>'le')::float8 END AS bound
          FROM m WHERE sample = family || '_bucket'),
    buckets AS (
        SELECT b.*, lag(b.value) OVER (PARTITION BY b.family ORDER BY b.bound) AS previous FROM bounds b)
    SELECT 'types or helps', family FROM m GROUP BY family HAVING count(DISTINCT (type, help)) <> 1
    UNION ALL
    SELECT 'family name', family FROM m WHERE family !~ '^bifrost_[a-z0-9_]+$'
    UNION ALL
    SELECT 'type', family FROM m WHERE type IS NULL OR type NOT IN ('counter', 'gauge', 'histogram')
    UNION ALL
    SELECT 'help', family FROM m WHERE help IS NULL OR help = '' OR help ~ '\n'
    UNION ALL
    SELECT 'counter without _total', family FROM m WHERE type = 'counter' AND family !~ '_total$'
    UNION ALL
    SELECT 'sample name', sample FROM m
     WHERE (type <> 'histogram' AND sample <> family)
        OR (type = 'histogram' AND sample NOT IN (family || '_bucket', family || '_sum', family || '_count'))
    UNION ALL
    SELECT 'labels not a flat object of strings', sample || ' ' || labels::text FROM m
     WHERE jsonb_typeof(labels) IS DISTINCT FROM 'object'
        OR EXISTS (SELECT FROM jsonb_each(labels) l
                    WHERE jsonb_typeof(l.value) <> 'string' OR l.key !~ '^[a-z_][a-z0-9_]*$')
    UNION ALL
    SELECT 'value', sample FROM m WHERE value IS NULL OR value = 'NaN'
    UNION ALL
    SELECT 'bucket not cumulative', family || ' le ' || le FROM buckets WHERE value < previous
    UNION ALL
    SELECT 'last bucket is not +Inf, or not _count', f.family
      FROM (SELECT DISTINCT family FROM m WHERE type = 'histogram') f
     WHERE (SELECT b.le FROM buckets b WHERE b.family = f.family ORDER BY b.bound DESC LIMIT 1)
           IS DISTINCT FROM '+Inf'
        OR (SELECT value FROM m WHERE sample = f.family || '_bucket' AND labels->>'le' = '+Inf')
           IS DISTINCT FROM (SELECT value FROM m WHERE sample = f.family || '_count')
    UNION ALL
    SELECT 'order', x.sample || ' ' || x.labels::text
      FROM (SELECT family, sample, labels, lag(family) OVER w AS f0, lag(sample) OVER w AS s0
              FROM m WINDOW w AS (ORDER BY n)) x
     WHERE (x.family COLLATE "C", x.sample COLLATE "C") < (x.f0, x.s0)
$$;
CREATE FUNCTION pg_temp.check_exposition()
RETURNS TABLE (problem text, subject text)
LANGUAGE sql AS $$
    DELETE FROM exposition;
    INSERT INTO exposition SELECT m.*, row_number() OVER () FROM bifrost_metrics() m;
    SELECT * FROM pg_temp.exposition_problems();
$$;

SET client_min_messages = warning;
DROP ROLE IF EXISTS regress_monitoring_reader, regress_monitoring_operator, regress_monitoring_nobody;
RESET client_min_messages;
CREATE ROLE regress_monitoring_reader IN ROLE bifrost_reader;
CREATE ROLE regress_monitoring_operator IN ROLE bifrost_operator;
CREATE ROLE regress_monitoring_nobody;

------------------------------------------------------------------------------
-- an empty database: the worker is down, the lamps red with their reasons,
-- the counters 0, and no status figure (no spot, P&L, ages)
------------------------------------------------------------------------------
SELECT family, type, sample, labels, value FROM samples;
SELECT count(*) AS samples, count(DISTINCT family) AS families FROM samples;
SELECT family FROM samples
 WHERE family IN ('bifrost_spot_price', 'bifrost_daily_pnl', 'bifrost_net_delta', 'bifrost_hedge_position',
                  'bifrost_heartbeat_age_seconds', 'bifrost_status_age_seconds', 'bifrost_quote_age_seconds',
                  'bifrost_loss_breaker_tripped', 'bifrost_status_info', 'bifrost_broker_connected');
SELECT * FROM pg_temp.check_exposition();
-- the check finds what it looks for: rows broken on purpose
BEGIN;
UPDATE exposition SET type = 'counter' WHERE family = 'bifrost_worker_up';
UPDATE exposition SET labels = '{"side": 1}' WHERE family = 'bifrost_fills_total' AND labels->>'side' = 'BUY';
UPDATE exposition SET value = 1 WHERE sample = 'bifrost_intent_to_fill_seconds_bucket' AND labels->>'le' = '0.01';
UPDATE exposition SET n = 0 WHERE family = 'bifrost_worker_up';
INSERT INTO exposition VALUES ('bifrost_Bad', 'gauge', 'x', 'bifrost_bad', '{}', 'NaN', 1000);
SELECT * FROM pg_temp.exposition_problems() ORDER BY 1, 2;
ROLLBACK;

------------------------------------------------------------------------------
-- a hedger at work: a status row and heartbeat written just now, a day of
-- orders (filled, rejected for each cause, cancelled by the venue, one whose
-- send had an unknown outcome and is open, one never sent), their intents,
-- fills at known intent-to-fill times, risk events, ingestion runs, a
-- status history and two backtest runs.  The day's ledger agrees with
-- itself, so every ledger check passes.
------------------------------------------------------------------------------
BEGIN;
INSERT INTO bifrost.daemon_heartbeat (last_ts, broker_connected, heartbeat_interval_sec, worker_pid,
                                      daemon_state, broker, started_at)
VALUES (clock_timestamp(), true, 10, pg_backend_pid(), 'RUNNING', 'paper', clock_timestamp());
INSERT INTO bifrost.status_current (daemon_state, trading_state, symbol, spot, bid, ask, net_delta,
                                    stock_position, option_legs_count, daily_hedge_count, daily_pnl, data_lag_ms,
                                    config_summary, ts, trading_state_since, trading_mode)
VALUES ('RUNNING', 'MONITOR', 'NVDA', 100.05, 100.0, 100.1, 3.5, 30, 2, 10, -12.5, 40,
        'cfg=3f9a12c0 broker=paper feed=sim paper=on', clock_timestamp(), clock_timestamp() - interval '1 hour',
        'paper');

-- order i: intent operation 10 * i, its order, then its outcome; every order
-- was decided at 14:30 + i minutes on 2026-03-02
CREATE TEMP TABLE day (i integer, side text, qty integer, status text, fill_after interval, reason text);
INSERT INTO day VALUES
    (1,  'SELL', 30, 'FILLED',   interval '0.004 s', NULL),
    (2,  'BUY',  20, 'FILLED',   interval '0.05 s',  NULL),   -- exactly on a bucket's bound: in it
    (3,  'SELL', 10, 'FILLED',   interval '0.3 s',   NULL),
    (4,  'BUY',  40, 'FILLED',   interval '2 s',     NULL),
    (5,  'SELL', 5,  'FILLED',   interval '75 s',    NULL),   -- beyond 60 s: only +Inf
    (6,  'BUY',  15, 'FILLED',   interval '-1 s',    NULL),   -- the venue's clock behind: counted as 0
    (7,  'BUY',  25, 'REJECTED', NULL, 'insufficient margin'),
    (8,  'SELL', 10, 'REJECTED', NULL, 'never reached okx: no order bf20260302i80 there 30 s after sending'),
    (9,  'BUY',  5,  'REJECTED', NULL, 'not sent: the okx venue is not open'),
    (10, 'SELL', 12, 'NEW',      NULL, NULL),
    (11, 'BUY',  8,  'CANCELED', NULL, 'cancelled by okx: expired'),
    (12, 'SELL', 3,  'CREATED',  NULL, NULL);
INSERT INTO bifrost.operations (id, ts, type, side, quantity, client_order_id, state_reason)
SELECT 10 * d.i, '2026-03-02 14:30+00'::timestamptz + d.i * interval '1 minute', 'hedge_intent', d.side, d.qty,
       'bf20260302i' || 10 * d.i, 'D2'
  FROM day d;
INSERT INTO bifrost.orders (id, exchange, symbol, side, type, amount, status, client_order_id, created_at,
                            filled_amount, remaining_amount, average_price, intent_id)
SELECT d.i, 'paper', 'NVDA', d.side, 'MARKET', d.qty, d.status, o.client_order_id, o.ts,
       CASE WHEN d.status = 'FILLED' THEN d.qty ELSE 0 END,
       CASE WHEN d.status IN ('NEW', 'CREATED') THEN d.qty ELSE 0 END,
       CASE WHEN d.status = 'FILLED' THEN 100 END, o.id
  FROM day d JOIN bifrost.operations o ON o.id = 10 * d.i;
INSERT INTO bifrost.trades (order_id, exchange, trade_id, symbol, side, price, amount, ts)
SELECT d.i, 'paper', 'bf20260302i' || 10 * d.i || '-1', 'NVDA', d.side, 100, d.qty,
       '2026-03-02 14:30+00'::timestamptz + d.i * interval '1 minute' + d.fill_after
  FROM day d WHERE d.status = 'FILLED';
INSERT INTO bifrost.operations (id, ts, type, side, quantity, price, client_order_id, state_reason)
SELECT 10 * d.i + 1, '2026-03-02 14:30+00'::timestamptz + d.i * interval '1 minute' + coalesce(d.fill_after, '1 s'),
       CASE d.status WHEN 'FILLED' THEN 'fill' WHEN 'REJECTED' THEN 'reject' ELSE 'cancel' END,
       d.side, d.qty, CASE WHEN d.status = 'FILLED' THEN 100 END, 'bf20260302i' || 10 * d.i, coalesce(d.reason, 'D2')
  FROM day d WHERE d.status IN ('FILLED', 'REJECTED', 'CANCELED');
INSERT INTO bifrost.order_lifecycle_events (order_id, status, message, ts)
VALUES (10, 'UNKNOWN', 'CREATED -> UNKNOWN. timeout; asking the okx broker by client order id', '2026-03-02 14:40:05+00'),
       (10, 'NEW', 'UNKNOWN -> NEW. found at okx', '2026-03-02 14:40:06+00');
INSERT INTO bifrost.positions (exchange, symbol, side, size) VALUES ('paper', 'NVDA', 'NET', 30);
INSERT INTO bifrost.hedger_days (symbol, trading_date, start_equity, started_at)
VALUES ('NVDA', '2026-03-02', 0, '2026-03-02 14:30+00');
INSERT INTO bifrost.risk_events (symbol, ts, level, rule, details) VALUES
    ('NVDA', '2026-03-02 15:00+00', 'block', 'cooldown', 'BUY 30 shares blocked by cooldown'),
    ('NVDA', '2026-03-02 15:30+00', 'block', 'cooldown', 'SELL 30 shares blocked by cooldown'),
    ('NVDA', '2026-03-02 16:00+00', 'warn', 'position_mismatch', 'paper reports 31 lots');
INSERT INTO bifrost.ingestion_runs (source, symbol, timeframe, data_type, started_at, ended_at, rows_inserted, status, error)
VALUES ('okx', 'BTC-USDT', '1h', 'ohlcv', '2026-03-02 10:00+00', '2026-03-02 10:00:02+00', 100, 'success', NULL),
       ('okx', 'BTC-USDT', '1h', 'ohlcv', '2026-03-02 11:00+00', '2026-03-02 11:00:02+00', 200, 'success', NULL),
       ('okx', 'BTC-USDT', '1h', 'ohlcv', '2026-03-02 12:00+00', '2026-03-02 12:00:01+00', 0, 'success', NULL),
       ('okx', 'BTC-USDT-SWAP', NULL, 'funding_rate', '2026-03-02 12:00+00', '2026-03-02 12:00:30+00', NULL, 'failed',
        'HTTP 500'),
       ('okx', 'BTC-USDT', NULL, 'price_snapshot', '2026-03-02 12:05+00', NULL, NULL, 'running', NULL);
INSERT INTO bifrost.backtest_runs (id, created_at, symbol, start_ts, end_ts, status, finished_at, source,
                                   config_hash, pnl, max_drawdown, sharpe_ratio, hedge_count, quotes, metrics_json)
VALUES (1, '2026-03-01 09:00+00', 'HULL', '2026-01-05', '2026-01-06', 'success', '2026-03-01 09:00:03+00', 'sim',
        'ab12', 152.25, 40, 1.5, 12, 1440, '{"seconds": 2.5}'),
       (2, '2026-03-01 10:00+00', 'HULL', '2026-01-05', '2026-01-07', 'running', NULL, 'ticks',
        'cd34', NULL, NULL, NULL, NULL, NULL, NULL),
       (3, '2026-03-01 11:00+00', 'HULL', '2026-01-05', '2026-01-06', 'failed', '2026-03-01 11:00:01+00', 'candles',
        'ab12', NULL, NULL, NULL, NULL, NULL, NULL);

-- every sample but the ages, which move with the clock
SELECT family, type, sample, labels, value::numeric AS value FROM samples
 WHERE family !~ '_age_seconds$';
SELECT family, value BETWEEN 0 AND 5 AS fresh FROM samples WHERE family ~ '_age_seconds$';
SELECT value BETWEEN 0.04 AND 5 AS quote_age_counts_the_data_lag FROM samples WHERE family = 'bifrost_quote_age_seconds';
SELECT * FROM pg_temp.check_exposition();
-- the histogram: _count is the fills' count, _sum their times
SELECT (SELECT value FROM samples WHERE sample = 'bifrost_intent_to_fill_seconds_count')
       = (SELECT sum(value) FROM samples WHERE family = 'bifrost_fills_total') AS count_is_fills,
       (SELECT round(value::numeric, 6) FROM samples WHERE sample = 'bifrost_intent_to_fill_seconds_sum')
       = 0.004 + 0.05 + 0.3 + 2 + 75 + 0 AS sum_exact;
-- the ledger checks pass, each its own series
SELECT labels->>'check' AS ledger_check, value FROM samples WHERE family = 'bifrost_ledger_check_failing';

-- each call reads the data as it is: a breaker trip, a suspension, a stale
-- heartbeat, a broken ledger
SAVEPOINT s;
UPDATE bifrost.status_current SET daily_pnl = -5000;
INSERT INTO bifrost.daemon_run_status (suspended) VALUES (true);
UPDATE bifrost.daemon_heartbeat SET last_ts = clock_timestamp() - interval '31 seconds';
UPDATE bifrost.orders SET intent_id = NULL WHERE id = 2;
SELECT family, labels, value FROM samples
 WHERE family IN ('bifrost_loss_breaker_tripped', 'bifrost_trading_suspended', 'bifrost_worker_up',
                  'bifrost_lamp', 'bifrost_block_reason', 'bifrost_daily_pnl')
    OR (family IN ('bifrost_ledger_check_failing', 'bifrost_self_check_failing') AND value > 0);
ROLLBACK TO s;
-- a graceful stop: down, and the daemon state says so
UPDATE bifrost.daemon_heartbeat SET graceful_shutdown_at = clock_timestamp(), daemon_state = 'STOPPED';
UPDATE bifrost.status_current SET daemon_state = 'STOPPED';
SELECT family, labels, value FROM samples
 WHERE family = 'bifrost_worker_up' OR (family IN ('bifrost_daemon_state', 'bifrost_block_reason') AND value > 0);
ROLLBACK TO s;
-- a limit switched off (JSON null) has no sample, not a 0
UPDATE bifrost.config SET value = 'null' WHERE key = 'gates.guard.risk.max_daily_loss_usd';
SELECT count(*) AS max_daily_loss_samples FROM samples WHERE family = 'bifrost_max_daily_loss';
ROLLBACK TO s;

------------------------------------------------------------------------------
-- bifrost_status_series(): the history oldest first; more rows than
-- max_points are cut to the last row of each equal time bucket
------------------------------------------------------------------------------
INSERT INTO bifrost.status_history (daemon_state, trading_state, symbol, spot, bid, ask, net_delta, stock_position,
                                    daily_hedge_count, daily_pnl, data_lag_ms, ts, reason)
SELECT 'RUNNING', 'MONITOR', 'NVDA', 100 + m, 99.9 + m, 100.1 + m, m - 5, 10 * m, m, -m, 40,
       '2026-03-02 14:00+00'::timestamptz + m * interval '1 minute', 'heartbeat_sample'
  FROM generate_series(0, 9) m;
-- two rows at 14:09: the later one (by id) is the bucket's last
INSERT INTO bifrost.status_history (daemon_state, trading_state, symbol, spot, net_delta, stock_position, ts, reason)
VALUES ('RUNNING', 'HEDGING', 'NVDA', 110, 0.5, 95, '2026-03-02 14:09+00', 'fill');
SELECT * FROM bifrost_status_series('2026-03-02 14:00+00', '2026-03-02 14:10+00', 11);
SELECT ts, spot, net_delta, hedge_position, daily_pnl, reason
  FROM bifrost_status_series('2026-03-02 14:00+00', '2026-03-02 14:10+00', 5);
SELECT ts, hedge_position, reason FROM bifrost_status_series('2026-03-02 14:00+00', '2026-03-02 14:10+00', 3);
SELECT ts, reason FROM bifrost_status_series('2026-03-02 14:00+00', '2026-03-02 14:10+00', 2);
-- both ends inclusive; one instant
SELECT ts, reason FROM bifrost_status_series('2026-03-02 14:03+00', '2026-03-02 14:05+00');
SELECT ts, reason FROM bifrost_status_series('2026-03-02 14:09+00', '2026-03-02 14:09+00');
SELECT ts, reason FROM bifrost_status_series('2026-03-02 14:09+00', '2026-03-02 14:09+00', 2);
-- 31 days is the longest range; the default is the last six hours
SELECT count(*) FROM bifrost_status_series('2026-02-01 14:10+00', '2026-03-04 14:10+00', 5000);
SELECT count(*) FROM bifrost_status_series();
-- in a zone with daylight saving the buckets stay equal in seconds
SET LOCAL TimeZone = 'America/New_York';
SELECT ts, reason FROM bifrost_status_series('2026-03-02 14:00+00', '2026-03-02 14:10+00', 3);
SET LOCAL TimeZone = 'UTC';

------------------------------------------------------------------------------
-- bifrost_backtest_runs() and bifrost_backtest_equity()
------------------------------------------------------------------------------
SELECT * FROM bifrost_backtest_runs();
SELECT id, status FROM bifrost_backtest_runs(1);
SELECT count(*) FROM bifrost_backtest_runs(200);

-- run 1's curve: a row every 10 minutes from 00:00 to 01:30, then the last quote
INSERT INTO bifrost.backtest_equity (backtest_run_id, ts, mid, position, cash, hedge_value, legs_value, equity, pnl,
                                     net_delta, drawdown, trading_state, delta_pnl, gamma_pnl, theta_pnl, vega_pnl,
                                     spread_cost, slippage_cost, fees, financing, residual)
SELECT 1, '2026-01-05 00:00+00'::timestamptz + k * interval '10 minutes', 100 + k, -50, 5000 + k, -5000 - k, 10 * k,
       1000 + k, k, 0.5, 0, 'MONITOR', k, 0.5 * k, -0.25 * k, 0, 0.01 * k, 0, 0, 0, 0
  FROM generate_series(0, 9) k
UNION ALL
SELECT 1, '2026-01-05 01:31+00', 110, -50, 5010, -5010, 100, 1010, 10, 0.5, 0, 'MONITOR', 10, 5, -2.5, 0, 0.1, 0, 0, 0, 0;
SELECT * FROM bifrost_backtest_equity(1);
SELECT ts, equity, pnl, delta_pnl, gamma_pnl, theta_pnl FROM bifrost_backtest_equity(1, 4);
SELECT ts, equity FROM bifrost_backtest_equity(1, 2);
-- a run without a curve yet has no rows
SELECT count(*) FROM bifrost_backtest_equity(2);

------------------------------------------------------------------------------
-- bad input: 22023 naming the argument and its value
------------------------------------------------------------------------------
SAVEPOINT bad;
SELECT * FROM bifrost_status_series(NULL, '2026-03-02');
ROLLBACK TO bad;
SELECT * FROM bifrost_status_series('2026-03-02', NULL);
ROLLBACK TO bad;
SELECT * FROM bifrost_status_series('2026-03-02', '2026-03-03', NULL);
ROLLBACK TO bad;
SELECT * FROM bifrost_status_series('-infinity', '2026-03-03');
ROLLBACK TO bad;
SELECT * FROM bifrost_status_series('2026-03-02', 'infinity');
ROLLBACK TO bad;
SELECT * FROM bifrost_status_series('2026-03-03', '2026-03-02');
ROLLBACK TO bad;
SELECT * FROM bifrost_status_series('2026-02-01 14:10+00', '2026-03-04 14:10:00.000001+00');
ROLLBACK TO bad;
SELECT * FROM bifrost_status_series('2026-03-02', '2026-03-03', 1);
ROLLBACK TO bad;
SELECT * FROM bifrost_status_series('2026-03-02', '2026-03-03', 5001);
ROLLBACK TO bad;
SELECT * FROM bifrost_status_series('2026-03-02', '2026-03-03', -2147483648);
ROLLBACK TO bad;
SELECT * FROM bifrost_backtest_runs(0);
ROLLBACK TO bad;
SELECT * FROM bifrost_backtest_runs(201);
ROLLBACK TO bad;
SELECT * FROM bifrost_backtest_runs(-1);
ROLLBACK TO bad;
SELECT * FROM bifrost_backtest_runs(NULL);
ROLLBACK TO bad;
SELECT * FROM bifrost_backtest_equity(NULL);
ROLLBACK TO bad;
SELECT * FROM bifrost_backtest_equity(1, NULL);
ROLLBACK TO bad;
SELECT * FROM bifrost_backtest_equity(1, 1);
ROLLBACK TO bad;
SELECT * FROM bifrost_backtest_equity(1, 2147483647);
ROLLBACK TO bad;
SELECT * FROM bifrost_backtest_equity(99);
ROLLBACK TO bad;
SELECT * FROM bifrost_backtest_equity(-9223372036854775808);
ROLLBACK TO bad;
SELECT cmd, pg_temp.sqlstate_of(cmd) AS sqlstate
  FROM (VALUES ('SELECT * FROM bifrost_status_series(NULL, NULL, NULL)'),
               ('SELECT * FROM bifrost_status_series(''2026-03-03'', ''2026-03-02'')'),
               ('SELECT * FROM bifrost_status_series(max_points => 0)'),
               ('SELECT * FROM bifrost_backtest_runs(201)'),
               ('SELECT * FROM bifrost_backtest_equity(99)'),
               ('SELECT * FROM bifrost_backtest_equity(1, 5001)')) v(cmd);

------------------------------------------------------------------------------
-- who may call them: the reader (and so the operator) gets the same
-- samples as a superuser; a role with neither gets 42501
------------------------------------------------------------------------------
CREATE TEMP TABLE as_superuser AS SELECT * FROM bifrost_metrics() WHERE family !~ '_age_seconds$';
GRANT SELECT ON as_superuser TO regress_monitoring_reader, regress_monitoring_operator;
SET LOCAL ROLE regress_monitoring_reader;
SELECT count(*) AS differing_samples
  FROM ((SELECT * FROM bifrost_metrics() WHERE family !~ '_age_seconds$' EXCEPT ALL SELECT * FROM as_superuser)
        UNION ALL
        (SELECT * FROM as_superuser EXCEPT ALL SELECT * FROM bifrost_metrics() WHERE family !~ '_age_seconds$')) d;
SELECT count(*) AS series_rows FROM bifrost_status_series('2026-03-02 14:00+00', '2026-03-02 14:10+00', 5);
SELECT count(*) AS runs FROM bifrost_backtest_runs();
SELECT count(*) AS equity_rows FROM bifrost_backtest_equity(1, 4);
RESET ROLE;
SET LOCAL ROLE regress_monitoring_operator;
SELECT count(*) > 0 AS operator_reads_metrics FROM bifrost_metrics();
RESET ROLE;
SET LOCAL ROLE regress_monitoring_nobody;
SELECT cmd, pg_temp.sqlstate_of(cmd) AS sqlstate
  FROM (VALUES ('SELECT * FROM bifrost_metrics()'),
               ('SELECT * FROM bifrost_status_series()'),
               ('SELECT * FROM bifrost_backtest_runs()'),
               ('SELECT * FROM bifrost_backtest_equity(1)')) v(cmd);
RESET ROLE;
ROLLBACK;

\set VERBOSITY terse
SET ROLE regress_monitoring_nobody;
SELECT * FROM bifrost_metrics();
RESET ROLE;
\set VERBOSITY default

-- PUBLIC may call none of them
SELECT p.oid::regprocedure AS function, has_function_privilege('public', p.oid, 'EXECUTE') AS public_exec,
       has_function_privilege('bifrost_reader', p.oid, 'EXECUTE') AS reader_exec,
       has_function_privilege('bifrost_operator', p.oid, 'EXECUTE') AS operator_exec, p.prosecdef,
       obj_description(p.oid, 'pg_proc') IS NOT NULL AS commented
  FROM pg_proc p
 WHERE p.proname IN ('bifrost_metrics', 'bifrost_status_series', 'bifrost_backtest_runs', 'bifrost_backtest_equity',
                     '_check_max_points', '_time_buckets')
 ORDER BY p.oid::regprocedure::text;

-- the transaction above left nothing behind
SELECT (SELECT count(*) FROM bifrost.orders) + (SELECT count(*) FROM bifrost.status_history)
       + (SELECT count(*) FROM bifrost.backtest_runs) AS rows_left;
DROP ROLE regress_monitoring_reader, regress_monitoring_operator, regress_monitoring_nobody;
RESET TimeZone;
