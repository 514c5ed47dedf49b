-- self_check: bifrost_self_check() on a fresh install, then each kind of
-- damage, each reported with a detail that names the object, never raised.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS bifrost;
RESET client_min_messages;
SET TimeZone = 'UTC';

CREATE TEMP VIEW failing AS
SELECT category, name, detail FROM bifrost_self_check() WHERE NOT ok;

-- fresh install: every check passes
SELECT category, count(*) > 0 AS has_checks, bool_and(ok) AS all_ok
  FROM bifrost_self_check() GROUP BY category ORDER BY category;
SELECT * FROM failing;
-- the expected schema covers every table, constraint, index and function
SELECT count(*) AS tables FROM jsonb_object_keys(bifrost.expected_schema()->'tables');
SELECT bifrost.expected_schema() = bifrost._catalog_snapshot() - 'functions'
       || jsonb_build_object('functions', bifrost.expected_schema()->'functions') AS matches_catalog;
SELECT category, name, ok FROM bifrost_self_check() WHERE category <> 'schema' ORDER BY category, name;
-- without a preloaded or started hedger nothing is expected to run
SELECT name, detail FROM bifrost_self_check() WHERE category = 'worker' ORDER BY name;
SELECT name, detail FROM bifrost_self_check() WHERE category = 'freshness' ORDER BY name;

------------------------------------------------------------------------------
-- schema damage
------------------------------------------------------------------------------
-- a missing table is one row (its columns and indexes are not repeated)
BEGIN;
ALTER EXTENSION bifrost DROP TABLE bifrost.ticks;
ALTER EXTENSION bifrost DROP SEQUENCE bifrost.ticks_id_seq;
DROP TABLE bifrost.ticks;
SELECT * FROM failing;
ROLLBACK;

-- a retyped, a dropped and a renamed column
BEGIN;
ALTER TABLE bifrost.operations ALTER COLUMN quantity TYPE bigint;
ALTER TABLE bifrost.legs DROP COLUMN note;
ALTER TABLE bifrost.status_current RENAME COLUMN data_lag_ms TO lag_ms;
SELECT * FROM failing;
ROLLBACK;

-- a column that lost NOT NULL, and columns out of order
BEGIN;
ALTER TABLE bifrost.status_current ALTER COLUMN ts DROP NOT NULL;
ALTER TABLE bifrost.secrets DROP COLUMN value;
ALTER TABLE bifrost.secrets ADD COLUMN value text NOT NULL;
SELECT * FROM failing;
ROLLBACK;

-- dropped unique constraints and a dropped partial unique index
BEGIN;
ALTER TABLE bifrost.orders DROP CONSTRAINT orders_client_order_id_key;
ALTER TABLE bifrost.trades DROP CONSTRAINT trades_exchange_trade_id_key;
DROP INDEX bifrost.orders_exchange_order_id_key;
SELECT * FROM failing;
ROLLBACK;

-- dropped and renamed indexes, an altered and a renamed CHECK
BEGIN;
DROP INDEX bifrost.operations_ts_idx;
ALTER INDEX bifrost.operations_type_ts_idx RENAME TO operations_by_type;
ALTER TABLE bifrost.orders DROP CONSTRAINT orders_side_check,
    ADD CONSTRAINT orders_side_check CHECK (side IN ('BUY', 'SELL', 'SHORT'));
ALTER TABLE bifrost.market_data RENAME CONSTRAINT market_data_high_low_range TO candle_range;
SELECT * FROM failing;
ROLLBACK;

-- a dropped trigger and a dropped function
BEGIN;
DROP TRIGGER config_merge_insert ON bifrost.config;
ALTER EXTENSION bifrost DROP FUNCTION bifrost_stop();
DROP FUNCTION bifrost_stop();
SELECT * FROM failing;
ROLLBACK;

-- epoch numbers in a time column fail the units check too
BEGIN;
ALTER TABLE bifrost.ticks ALTER COLUMN ts TYPE double precision USING extract(epoch FROM ts);
SELECT * FROM failing;
ROLLBACK;

-- without bifrost.expected_schema() the schema check reports that, the rest still runs
BEGIN;
ALTER EXTENSION bifrost DROP FUNCTION bifrost.expected_schema();
DROP FUNCTION bifrost.expected_schema();
SELECT * FROM failing;
SELECT category, count(*) FROM bifrost_self_check() GROUP BY category ORDER BY category;
ROLLBACK;

------------------------------------------------------------------------------
-- configuration damage (bifrost.config edited behind bifrost_config_set)
------------------------------------------------------------------------------
BEGIN;
UPDATE bifrost.config SET value = '"fast"' WHERE key = 'greeks.volatility';
UPDATE bifrost.config SET value = '-3' WHERE key = 'gates.intent.hedge.cooldown_seconds';
UPDATE bifrost.config SET value = '5' WHERE key = 'gates.state.delta.threshold_hedge_shares';
DELETE FROM bifrost.config WHERE key = 'feed.sim.seed';
INSERT INTO bifrost.config (key, value) VALUES ('gates.state.delta.epsilon', '10');
SELECT * FROM failing;
ROLLBACK;
BEGIN;
ALTER EXTENSION bifrost DROP FUNCTION bifrost.config_problems();
DROP FUNCTION bifrost.config_problems();
SELECT category, name, ok, detail FROM bifrost_self_check() WHERE category = 'config';
ROLLBACK;

------------------------------------------------------------------------------
-- worker damage: crashed, stale, stopped
------------------------------------------------------------------------------
-- a heartbeat without a graceful shutdown means a hedger is expected
BEGIN;
INSERT INTO bifrost.daemon_heartbeat (last_ts, broker_connected, heartbeat_interval_sec, worker_pid, daemon_state)
VALUES ('2026-01-05 14:30:00+00', true, 10, 2147483647, 'RUNNING');
INSERT INTO bifrost.status_current (daemon_state, trading_state, ts)
VALUES ('RUNNING', 'MONITOR', '2026-01-05 14:30:00+00');
SELECT * FROM failing;
-- fresh rows, but the pid that wrote them is gone
UPDATE bifrost.daemon_heartbeat SET last_ts = clock_timestamp();
UPDATE bifrost.status_current SET ts = clock_timestamp();
SELECT * FROM failing;
-- the window is three heartbeat intervals
UPDATE bifrost.daemon_heartbeat SET worker_pid = pg_backend_pid(),
       last_ts = clock_timestamp() - interval '45 seconds', heartbeat_interval_sec = 20;
SELECT name, split_part(detail, ':', 1) AS problem FROM failing WHERE name = 'heartbeat';
UPDATE bifrost.daemon_heartbeat SET heartbeat_interval_sec = 10;
SELECT name, split_part(detail, ':', 1) AS problem FROM failing WHERE name = 'heartbeat';
ROLLBACK;

-- a graceful stop is reported as stopped, not as dead or stale
BEGIN;
INSERT INTO bifrost.daemon_heartbeat (last_ts, graceful_shutdown_at, heartbeat_interval_sec, worker_pid, daemon_state)
VALUES ('2026-01-05 16:00:00+00', '2026-01-05 16:00:00+00', 10, 2147483647, 'STOPPED');
SELECT * FROM failing;
SELECT name, ok, detail FROM bifrost_self_check() WHERE category IN ('worker', 'freshness') ORDER BY category, name;
ROLLBACK;

------------------------------------------------------------------------------
-- the ledger: one that agrees with itself passes; each kind of drift fails,
-- naming the first offending ids, and passes again once repaired
------------------------------------------------------------------------------
CREATE TEMP VIEW ledger AS
SELECT name, ok, detail FROM bifrost_self_check() WHERE category = 'ledger';
-- an empty ledger agrees with itself
SELECT * FROM ledger ORDER BY name;

BEGIN;
-- two paper hedges of NVDA on 2026-11-24 as the hedger records them
-- (intent, order sent, fill; the order row names its intent), the position
-- they make, the status that shows it, the day they were traded on
INSERT INTO bifrost.operations (id, ts, type, side, quantity, price, client_order_id) VALUES
    (1, '2026-11-24 15:00+00', 'hedge_intent', 'SELL', 50, 100, 'bf20261124i1'),
    (2, '2026-11-24 15:00+00', 'order_sent',   'SELL', 50, 100, 'bf20261124i1'),
    (3, '2026-11-24 15:00+00', 'fill',         'SELL', 50, 100, 'bf20261124i1'),
    (4, '2026-11-24 15:10+00', 'hedge_intent', 'BUY',  20, 103, 'bf20261124i4'),
    (5, '2026-11-24 15:10+00', 'order_sent',   'BUY',  20, 103, 'bf20261124i4'),
    (6, '2026-11-24 15:10+00', 'fill',         'BUY',  20, 103, 'bf20261124i4');
INSERT INTO bifrost.orders (id, exchange, symbol, side, type, amount, status, client_order_id,
                            created_at, filled_amount, remaining_amount, intent_id) VALUES
    (1, 'paper', 'NVDA', 'SELL', 'MARKET', 50, 'FILLED', 'bf20261124i1', '2026-11-24 15:00+00', 50, 0, 1),
    (2, 'paper', 'NVDA', 'BUY',  'MARKET', 20, 'FILLED', 'bf20261124i4', '2026-11-24 15:10+00', 20, 0, 4);
INSERT INTO bifrost.trades (order_id, exchange, trade_id, symbol, side, price, amount, ts) VALUES
    (1, 'paper', 'bf20261124i1-1', 'NVDA', 'SELL', 100, 50, '2026-11-24 15:00+00'),
    (2, 'paper', 'bf20261124i4-1', 'NVDA', 'BUY',  103, 20, '2026-11-24 15:10+00');
INSERT INTO bifrost.positions (exchange, symbol, side, size) VALUES ('paper', 'NVDA', 'NET', -30);
INSERT INTO bifrost.hedger_days (symbol, trading_date, start_equity, started_at)
VALUES ('NVDA', '2026-11-24', 0, '2026-11-24 14:30+00');
INSERT INTO bifrost.status_current (daemon_state, trading_state, symbol, spot, stock_position, daily_hedge_count,
                                    config_summary)
VALUES ('RUNNING', 'MONITOR', 'NVDA', 103, -30, 2, 'cfg=00000000 broker=paper feed=replay paper=on');
SELECT * FROM ledger ORDER BY name;

-- the position drifts from the fills
SAVEPOINT s;
UPDATE bifrost.positions SET size = -31;
SELECT * FROM ledger WHERE NOT ok ORDER BY name;
-- a reconciliation with the broker recorded as such is no drift
INSERT INTO bifrost.position_adjustments (exchange, symbol, ts, size_before, size_after, reason)
VALUES ('paper', 'NVDA', '2026-11-24 15:20+00', -30, -31, 'position_mismatch');
UPDATE bifrost.status_current SET stock_position = -31;
SELECT * FROM ledger WHERE NOT ok ORDER BY name;
ROLLBACK TO s;
SELECT count(*) FILTER (WHERE NOT ok) AS failing FROM ledger;

-- a fill whose order is missing
SAVEPOINT s;
INSERT INTO bifrost.operations (id, ts, type, side, quantity, price, client_order_id)
VALUES (7, '2026-11-24 15:30+00', 'fill', 'BUY', 5, 101, 'bf20261124i77');
SELECT * FROM ledger WHERE NOT ok ORDER BY name;
ROLLBACK TO s;

-- an order without its intent, and an order on another order's intent
SAVEPOINT s;
UPDATE bifrost.orders SET intent_id = NULL WHERE id = 2;
SELECT * FROM ledger WHERE NOT ok ORDER BY name;
UPDATE bifrost.orders SET intent_id = 1 WHERE id = 2;
SELECT * FROM ledger WHERE NOT ok ORDER BY name;
ROLLBACK TO s;

-- the status shows another position, another count of today's hedges
SAVEPOINT s;
UPDATE bifrost.status_current SET stock_position = 0, daily_hedge_count = 1;
SELECT * FROM ledger WHERE NOT ok ORDER BY name;
ROLLBACK TO s;
-- an order that never left (CREATED, or cancelled as never sent) is no hedge sent
SAVEPOINT s;
INSERT INTO bifrost.operations (id, ts, type, side, quantity, client_order_id) VALUES
    (7, '2026-11-24 15:30+00', 'hedge_intent', 'BUY', 5, 'bf20261124i7'),
    (8, '2026-11-24 15:31+00', 'cancel', 'BUY', 5, 'bf20261124i7');
UPDATE bifrost.operations SET state_reason = 'not_sent_before_restart' WHERE id = 8;
INSERT INTO bifrost.orders (id, exchange, symbol, side, type, amount, status, client_order_id, created_at, intent_id)
VALUES (3, 'paper', 'NVDA', 'BUY', 'MARKET', 5, 'CANCELED', 'bf20261124i7', '2026-11-24 15:30+00', 7);
SELECT * FROM ledger WHERE NOT ok ORDER BY name;
ROLLBACK TO s;

-- a client order id used twice
SAVEPOINT s;
INSERT INTO bifrost.operations (id, ts, type, side, quantity, client_order_id)
VALUES (7, '2026-11-24 15:30+00', 'hedge_intent', 'BUY', 5, 'bf20261124i1');
SELECT * FROM ledger WHERE NOT ok ORDER BY name;
ROLLBACK TO s;

-- repaired: every check passes again
SELECT count(*) FILTER (WHERE NOT ok) AS failing FROM ledger;
-- a monitoring role runs the same checks with the same answers
SET LOCAL ROLE bifrost_reader;
SELECT count(*) AS checks, count(*) FILTER (WHERE NOT ok) AS failing
  FROM bifrost_self_check() WHERE category = 'ledger';
ROLLBACK;
DROP VIEW ledger;

-- after all that, the install is whole again
SELECT count(*) AS failing_checks FROM failing;
DROP VIEW failing;
RESET TimeZone;
