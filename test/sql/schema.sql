-- schema: the tables, keys, CHECKs, roles and privileges the install script
-- creates, and that DROP EXTENSION takes them away again.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS bifrost;
RESET client_min_messages;

-- every table of schema bifrost
SELECT c.relname
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'bifrost' AND c.relkind = 'r'
 ORDER BY 1;

-- the status tables and operations: their columns in their fixed order, later
-- ones appended at the end
SELECT table_name, ordinal_position AS pos, column_name, data_type, is_nullable
  FROM information_schema.columns
 WHERE table_schema = 'bifrost' AND table_name IN ('status_current', 'status_history', 'operations')
 ORDER BY table_name, ordinal_position;

-- legs: its columns in order, with their defaults
SELECT ordinal_position AS pos, column_name, data_type, is_nullable, column_default
  FROM information_schema.columns
 WHERE table_schema = 'bifrost' AND table_name = 'legs'
 ORDER BY ordinal_position;

-- rows the install writes
SELECT id, suspended, updated_by FROM bifrost.daemon_run_status;
SELECT version, name FROM bifrost.schema_version ORDER BY version;
SELECT (SELECT count(*) FROM bifrost.config) = (SELECT count(*) FROM bifrost._config_defaults()) AS config_filled;
SELECT count(*) AS heartbeat_rows FROM bifrost.daemon_heartbeat;
SELECT count(*) AS status_rows FROM bifrost.status_current;

-- every time column is timestamptz
SELECT table_name, column_name, data_type
  FROM information_schema.columns
 WHERE table_schema = 'bifrost'
   AND (column_name = 'ts' OR column_name ~ '_(ts|at|time)$')
   AND data_type <> 'timestamp with time zone';

-- every table and function of the extension has a comment
SELECT c.relname AS uncommented_table
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'bifrost' AND c.relkind = 'r' AND obj_description(c.oid, 'pg_class') IS NULL;
SELECT p.oid::regprocedure AS uncommented_function
  FROM pg_depend d JOIN pg_proc p ON p.oid = d.objid
 WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'bifrost')
   AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
   AND obj_description(p.oid, 'pg_proc') IS NULL;

-- SECURITY DEFINER functions pin their search_path
SELECT p.oid::regprocedure AS definer_function, p.proconfig
  FROM pg_depend d JOIN pg_proc p ON p.oid = d.objid
 WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'bifrost')
   AND d.classid = 'pg_proc'::regclass AND p.prosecdef
 ORDER BY p.oid::regprocedure::text;

-- tables pg_dump keeps (with their id sequences); secrets, runtime state and
-- schema_version are not among them, pending control commands are filtered
SELECT t.cfg::regclass AS dumped, nullif(t.cond, '') AS filter
  FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS t(cfg, cond)
 WHERE e.extname = 'bifrost'
 ORDER BY t.cfg::regclass::text;

------------------------------------------------------------------------------
-- roles and privileges
------------------------------------------------------------------------------
SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname LIKE 'bifrost\_%' ORDER BY 1;
-- the workers' role reads every table of the schema and writes only what
-- the workers record (a table added without a decision shows here), and is
-- no superuser
SELECT c.relname AS worker_role_table,
       has_table_privilege('bifrost_worker', c.oid, 'SELECT') AS sel,
       has_table_privilege('bifrost_worker', c.oid, 'INSERT') AS ins,
       has_table_privilege('bifrost_worker', c.oid, 'UPDATE') AS upd,
       has_table_privilege('bifrost_worker', c.oid, 'DELETE') AS del
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'bifrost' AND c.relkind = 'r'
 ORDER BY 1;
SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls,
       pg_has_role('bifrost_worker', 'bifrost_reader', 'MEMBER') AS worker_is_reader,
       pg_has_role('bifrost_worker', 'bifrost_operator', 'MEMBER') AS worker_is_operator
  FROM pg_roles WHERE rolname = 'bifrost_worker';
SELECT pg_has_role('bifrost_operator', 'bifrost_reader', 'MEMBER') AS operator_is_reader;

SELECT r.role, t.tab,
       has_table_privilege(r.role, t.tab, 'SELECT') AS sel,
       has_table_privilege(r.role, t.tab, 'INSERT') AS ins,
       has_table_privilege(r.role, t.tab, 'UPDATE') AS upd,
       has_table_privilege(r.role, t.tab, 'DELETE') AS del
  FROM (VALUES ('bifrost_reader'), ('bifrost_operator')) r(role),
       (VALUES ('bifrost.status_current'), ('bifrost.operations'), ('bifrost.config'),
               ('bifrost.legs'), ('bifrost.ticks'), ('bifrost.secrets'), ('bifrost.daemon_control')) t(tab)
 ORDER BY 1, 2;

SELECT r.role, f.fn, has_function_privilege(r.role, f.fn, 'EXECUTE') AS exec
  FROM (VALUES ('public'), ('bifrost_reader'), ('bifrost_operator')) r(role),
       (VALUES ('bifrost_status()'), ('bifrost_operations(timestamptz,timestamptz,text,integer)'),
               ('bifrost_self_check()'), ('bifrost_config_set(text,jsonb)'), ('bifrost_start()'),
               ('bifrost_stop()'), ('bifrost_suspend()'), ('bifrost_resume()'),
               ('bifrost_retry_broker()')) f(fn)
 ORDER BY 1, 2;

-- the operator can write the option book and its recorded quotes
SET ROLE bifrost_operator;
INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity)
VALUES ('NVDA', 'C', 120, '2030-01-18 21:00:00+00', -10);
UPDATE bifrost.legs SET quantity = -5 WHERE symbol = 'NVDA';
DELETE FROM bifrost.legs WHERE symbol = 'NVDA';
SELECT * FROM bifrost.secrets;
RESET ROLE;

------------------------------------------------------------------------------
-- CHECK constraints and keys reject bad rows
------------------------------------------------------------------------------
\set VERBOSITY terse
INSERT INTO bifrost.status_current (id) VALUES (2);
INSERT INTO bifrost.status_current (daemon_state) VALUES ('running');
INSERT INTO bifrost.status_current (trading_state) VALUES ('RISK_HALT');
INSERT INTO bifrost.status_current (spot) VALUES (0);
INSERT INTO bifrost.status_current (spot) VALUES ('NaN');
INSERT INTO bifrost.status_current (bid, ask) VALUES (101, 100);
INSERT INTO bifrost.status_current (net_delta) VALUES ('Infinity');
INSERT INTO bifrost.status_current (option_legs_count) VALUES (-1);
INSERT INTO bifrost.status_current (daily_hedge_count) VALUES (-1);
INSERT INTO bifrost.status_current (data_lag_ms) VALUES (-0.5);
INSERT INTO bifrost.status_current (ts) VALUES (NULL);
INSERT INTO bifrost.status_history (daemon_state) VALUES ('WAITING_IB');
INSERT INTO bifrost.status_history (bid, ask) VALUES (2, 1);
INSERT INTO bifrost.status_history (reason) VALUES ('');

INSERT INTO bifrost.operations (type) VALUES ('trade');
INSERT INTO bifrost.operations (type, side) VALUES ('hedge_intent', 'buy');
INSERT INTO bifrost.operations (type, quantity) VALUES ('hedge_intent', -1);
INSERT INTO bifrost.operations (type, price) VALUES ('order_sent', 0);
INSERT INTO bifrost.operations (type, side, quantity) VALUES ('fill', 'BUY', 10);
INSERT INTO bifrost.operations (side) VALUES ('SELL');

INSERT INTO bifrost.daemon_heartbeat (id) VALUES (2);
INSERT INTO bifrost.daemon_heartbeat (heartbeat_interval_sec) VALUES (0);
INSERT INTO bifrost.daemon_heartbeat (heartbeat_interval_sec) VALUES (121);
INSERT INTO bifrost.daemon_heartbeat (daemon_state) VALUES ('stopped');
INSERT INTO bifrost.daemon_heartbeat (broker) VALUES ('tws');
INSERT INTO bifrost.daemon_run_status (id) VALUES (2);
INSERT INTO bifrost.daemon_control (command) VALUES ('halt');
INSERT INTO bifrost.daemon_control (command, result) VALUES ('stop', 'done');
INSERT INTO bifrost.config (key, value) VALUES ('Not A Key', '1');
INSERT INTO bifrost.config (key, value) VALUES ('feed.sim.spot', NULL);

INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity) VALUES ('NVDA', 'X', 100, now(), 1);
INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity) VALUES ('NVDA', 'C', 0, now(), 1);
INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity, multiplier) VALUES ('NVDA', 'P', 100, now(), 1, 0);
INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity, implied_vol) VALUES ('NVDA', 'P', 100, now(), 1, 0);
INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity, implied_vol) VALUES ('NVDA', 'P', 100, now(), 1, 10.5);
INSERT INTO bifrost.legs (symbol, option_right, strike, expiry) VALUES ('NVDA', 'P', 100, now());
INSERT INTO bifrost.ticks (symbol, ts, bid, ask) VALUES ('NVDA', now(), 100.1, 100.0);
INSERT INTO bifrost.ticks (symbol, ts) VALUES ('NVDA', now());
INSERT INTO bifrost.ticks (symbol, ts, last) VALUES ('NVDA', now(), -1);

INSERT INTO bifrost.market_data (symbol, timeframe, ts, open, high, low, close, volume)
VALUES ('BTC-USDT-SWAP', '5m', '2026-01-01', 1, 1, 1, 1, 0);
INSERT INTO bifrost.market_data (symbol, timeframe, ts, open, high, low, close, volume)
VALUES ('BTC-USDT-SWAP', '1h', '2026-01-01', 100, 99, 98, 100, 5);
INSERT INTO bifrost.market_data (symbol, timeframe, ts, open, high, low, close, volume)
VALUES ('BTC-USDT-SWAP', '1h', '2026-01-01', 100, 102, 101, 100.5, 5);
INSERT INTO bifrost.market_data (symbol, timeframe, ts, open, high, low, close, volume)
VALUES ('BTC-USDT-SWAP', '1h', '2026-01-01', 100, 102, 99, 101, -1);
INSERT INTO bifrost.market_data (symbol, timeframe, ts, open, high, low, close, volume)
VALUES ('BTC-USDT-SWAP', '1h', '2026-01-01', 100, 102, 99, 101, 5),
       ('BTC-USDT-SWAP', '1h', '2026-01-01', 100, 102, 99, 101, 6);
INSERT INTO bifrost.funding_rates (symbol, funding_time, funding_rate)
VALUES ('BTC-USDT-SWAP', '2026-01-01 08:00+00', 0.0001), ('BTC-USDT-SWAP', '2026-01-01 08:00+00', 0.0002);
INSERT INTO bifrost.funding_rates (symbol, funding_time, funding_rate, next_funding_time)
VALUES ('BTC-USDT-SWAP', '2026-01-01 08:00+00', 0.0001, '2026-01-01 00:00+00');
INSERT INTO bifrost.price_snapshots (symbol, ts) VALUES ('BTC-USDT-SWAP', now());
INSERT INTO bifrost.open_interest (symbol, ts, open_interest) VALUES ('BTC-USDT-SWAP', now(), -3);

INSERT INTO bifrost.orders (symbol, side, type, amount) VALUES ('NVDA', 'BUY', 'MARKET', 10);
INSERT INTO bifrost.orders (symbol, side, type, amount, client_order_id)
VALUES ('NVDA', 'BUY', 'MARKET', 10, 'bf-1'), ('NVDA', 'SELL', 'MARKET', 5, 'bf-1');
INSERT INTO bifrost.orders (symbol, side, type, amount, client_order_id, exchange_order_id)
VALUES ('NVDA', 'BUY', 'MARKET', 10, 'bf-2', 'x-9'), ('NVDA', 'SELL', 'MARKET', 5, 'bf-3', 'x-9');
INSERT INTO bifrost.orders (symbol, side, type, amount, client_order_id, status)
VALUES ('NVDA', 'BUY', 'MARKET', 10, 'bf-4', 'DONE');
INSERT INTO bifrost.orders (symbol, side, type, amount, client_order_id, filled_amount)
VALUES ('NVDA', 'BUY', 'MARKET', 10, 'bf-5', 11);
INSERT INTO bifrost.orders (symbol, side, type, amount, client_order_id)
VALUES ('NVDA', 'BUY', 'LIMIT', 10, 'bf-6');
INSERT INTO bifrost.orders (symbol, side, type, amount, client_order_id, exchange)
VALUES ('NVDA', 'BUY', 'MARKET', 10, 'bf-7', 'nyse');
-- two orders without a venue id are fine; one trade id per venue
BEGIN;
INSERT INTO bifrost.orders (id, symbol, side, type, amount, client_order_id)
VALUES (1, 'NVDA', 'BUY', 'MARKET', 10, 'bf-8'), (2, 'NVDA', 'SELL', 'MARKET', 10, 'bf-9');
INSERT INTO bifrost.trades (order_id, trade_id, symbol, side, price, amount, ts)
VALUES (1, 't-1', 'NVDA', 'BUY', 100, 10, now()), (2, 't-1', 'NVDA', 'SELL', 100, 10, now());
ROLLBACK;
INSERT INTO bifrost.order_lifecycle_events (order_id, status) VALUES (424242, 'NEW');
INSERT INTO bifrost.positions (symbol, side, size) VALUES ('NVDA', 'LONG', -5);

INSERT INTO bifrost.ingestion_runs (source, symbol, data_type) VALUES ('okx', 'BTC-USDT-SWAP', 'trades');
INSERT INTO bifrost.ingestion_runs (source, symbol, data_type) VALUES ('okx', 'BTC-USDT-SWAP', 'ohlcv');
INSERT INTO bifrost.ingestion_runs (source, symbol, data_type, timeframe) VALUES ('okx', 'BTC-USDT-SWAP', 'funding_rate', '1h');
INSERT INTO bifrost.ingestion_runs (source, symbol, data_type, status) VALUES ('okx', 'BTC-USDT-SWAP', 'funding_rate', 'success');
INSERT INTO bifrost.candle_integrity_events (symbol, timeframe, event_type) VALUES ('BTC-USDT-SWAP', '1h', 'HOLE');
INSERT INTO bifrost.candle_integrity_events (symbol, timeframe, event_type, severity) VALUES ('BTC-USDT-SWAP', '1h', 'GAP', 'low');
INSERT INTO bifrost.backtest_orders (ts, side, price, amount) VALUES (now(), 'BUY', 1, 1);
INSERT INTO bifrost.schema_version (version, name) VALUES ('0.1', 'again');
\set VERBOSITY default

-- a good row of each of the three tables above is accepted
BEGIN;
INSERT INTO bifrost.status_current (daemon_state, trading_state, symbol, spot, bid, ask, net_delta,
    stock_position, option_legs_count, daily_hedge_count, daily_pnl, data_lag_ms, config_summary)
VALUES ('RUNNING', 'MONITOR', 'NVDA', 100.05, 100.0, 100.1, -3.5, 0, 2, 0, 0, 12.5, 'cfg=00000000 paper=on');
INSERT INTO bifrost.status_history (daemon_state, trading_state, reason)
SELECT daemon_state, trading_state, 'heartbeat_sample' FROM bifrost.status_current;
INSERT INTO bifrost.operations (type, side, quantity, price, state_reason) VALUES ('fill', 'SELL', 25, 100.0, 'D2');
SELECT count(*) FROM bifrost.status_current, bifrost.status_history, bifrost.operations;
ROLLBACK;

------------------------------------------------------------------------------
-- DROP EXTENSION removes everything but the cluster-wide roles
------------------------------------------------------------------------------
DROP EXTENSION bifrost;
SELECT count(*) AS bifrost_schemas FROM pg_namespace WHERE nspname = 'bifrost';
SELECT count(*) AS bifrost_functions FROM pg_proc WHERE proname LIKE 'bifrost%';
SELECT count(*) AS bifrost_roles FROM pg_roles WHERE rolname IN ('bifrost_reader', 'bifrost_operator');
CREATE EXTENSION bifrost;
SELECT count(*) AS bifrost_tables
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'bifrost' AND c.relkind = 'r';
SELECT category, bool_and(ok) AS all_ok FROM bifrost_self_check() GROUP BY 1 ORDER BY 1;
