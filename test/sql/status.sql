-- status: bifrost_status() lamps for every reason, and the control functions
-- (stop, suspend, resume, retry_broker) when no hedger runs.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS bifrost;
RESET client_min_messages;

-- the deterministic part of bifrost_status()
CREATE TEMP VIEW lamps AS
SELECT s->>'self_check' AS self_check, s->>'status_lamp' AS lamp, s->'block_reasons' AS reasons,
       s->>'daemon_self_check' AS d_check, s->>'daemon_lamp' AS d_lamp, s->'daemon_block_reasons' AS d_reasons,
       s->'trading_suspended' AS suspended
  FROM bifrost_status() AS s;

-- nothing written yet
SELECT * FROM lamps;
SELECT key, jsonb_typeof(value) FROM jsonb_each(bifrost_status()) ORDER BY key;

------------------------------------------------------------------------------
-- a healthy hedger: both lamps green
------------------------------------------------------------------------------
BEGIN;
INSERT INTO bifrost.status_current (daemon_state, trading_state, symbol, spot, bid, ask, net_delta,
    stock_position, option_legs_count, daily_hedge_count, daily_pnl, data_lag_ms, config_summary,
    ts, trading_state_since)
VALUES ('RUNNING', 'MONITOR', 'NVDA', 100.05, 100.0, 100.1, 3.5, -120, 2, 3, -12.5, 40,
        'cfg=3f9a12c0 paper=on', clock_timestamp(), clock_timestamp() - interval '1 hour');
INSERT INTO bifrost.daemon_heartbeat (last_ts, broker_connected, heartbeat_interval_sec, worker_pid,
    daemon_state, broker, started_at)
VALUES (clock_timestamp(), true, 10, pg_backend_pid(), 'RUNNING', 'paper', clock_timestamp());
SELECT * FROM lamps;
-- the status and heartbeat rows come back as objects
SELECT jsonb_object_keys(bifrost_status()->'status');
SELECT s->'status'->>'trading_state' AS trading_state, s->'status'->>'config_summary' AS config_summary,
       (s->'status'->>'stock_position')::int AS stock_position
  FROM bifrost_status() s;
SELECT jsonb_object_keys(bifrost_status()->'heartbeat');
SELECT (s->'heartbeat'->>'age_sec')::numeric BETWEEN 0 AND 5 AS age_sec_plausible,
       s->'heartbeat'->'broker_connected' AS broker_connected
  FROM bifrost_status() s;

------------------------------------------------------------------------------
-- hedging lamp, red reasons
------------------------------------------------------------------------------
SAVEPOINT healthy;
UPDATE bifrost.status_current SET daemon_state = 'WAITING_BROKER';
SELECT self_check, lamp, reasons FROM lamps;
UPDATE bifrost.status_current SET daemon_state = NULL;
SELECT self_check, lamp, reasons FROM lamps;
ROLLBACK TO healthy;

-- stale: older than 3 heartbeat intervals (30 s at 10 s; the window scales)
UPDATE bifrost.status_current SET ts = clock_timestamp() - interval '25 seconds';
SELECT self_check, lamp, reasons FROM lamps;
UPDATE bifrost.status_current SET ts = clock_timestamp() - interval '35 seconds';
SELECT self_check, lamp, reasons FROM lamps;
UPDATE bifrost.daemon_heartbeat SET heartbeat_interval_sec = 60;
SELECT self_check, lamp, reasons FROM lamps;
ROLLBACK TO healthy;

UPDATE bifrost.status_current SET trading_state = 'SAFE';
SELECT self_check, lamp, reasons FROM lamps;
ROLLBACK TO healthy;

-- loss breaker: daily_pnl at or below minus gates.guard.risk.max_daily_loss_usd (5000)
UPDATE bifrost.status_current SET daily_pnl = -4999.99;
SELECT self_check, lamp, reasons FROM lamps;
UPDATE bifrost.status_current SET daily_pnl = -5000;
SELECT self_check, lamp, reasons FROM lamps;
UPDATE bifrost.config SET value = '100' WHERE key = 'gates.guard.risk.max_daily_loss_usd';
UPDATE bifrost.status_current SET daily_pnl = -150;
SELECT self_check, lamp, reasons FROM lamps;
ROLLBACK TO healthy;

------------------------------------------------------------------------------
-- hedging lamp, yellow reasons
------------------------------------------------------------------------------
INSERT INTO bifrost.daemon_run_status (suspended) VALUES (true);
SELECT self_check, lamp, reasons, suspended FROM lamps;
ROLLBACK TO healthy;
UPDATE bifrost.status_current SET daemon_state = 'RUNNING_SUSPENDED';
SELECT self_check, lamp, reasons, suspended FROM lamps;
ROLLBACK TO healthy;

-- data lag above gates.state.system.data_lag_threshold_ms (1000)
UPDATE bifrost.status_current SET data_lag_ms = 1000;
SELECT self_check, lamp, reasons FROM lamps;
UPDATE bifrost.status_current SET data_lag_ms = 1000.5;
SELECT self_check, lamp, reasons FROM lamps;
UPDATE bifrost.config SET value = '2000' WHERE key = 'gates.state.system.data_lag_threshold_ms';
SELECT self_check, lamp, reasons FROM lamps;
ROLLBACK TO healthy;

UPDATE bifrost.status_current SET trading_state = 'PAUSE_COST';
SELECT self_check, lamp, reasons FROM lamps;
UPDATE bifrost.status_current SET trading_state = 'PAUSE_LIQ';
SELECT self_check, lamp, reasons FROM lamps;
UPDATE bifrost.status_current SET trading_state = 'BOOT';
SELECT self_check, lamp, reasons FROM lamps;
UPDATE bifrost.status_current SET trading_state = 'SYNC';
SELECT self_check, lamp, reasons FROM lamps;
-- the other states are quiet
UPDATE bifrost.status_current SET trading_state = 'IDLE';
SELECT self_check, lamp, reasons FROM lamps;
UPDATE bifrost.status_current SET trading_state = 'HEDGING';
SELECT self_check, lamp, reasons FROM lamps;
ROLLBACK TO healthy;

-- NEED_HEDGE for longer than one heartbeat interval is stuck
UPDATE bifrost.status_current SET trading_state = 'NEED_HEDGE', trading_state_since = clock_timestamp() - interval '5 seconds';
SELECT self_check, lamp, reasons FROM lamps;
UPDATE bifrost.status_current SET trading_state_since = clock_timestamp() - interval '15 seconds';
SELECT self_check, lamp, reasons FROM lamps;
UPDATE bifrost.daemon_heartbeat SET heartbeat_interval_sec = 20;
SELECT self_check, lamp, reasons FROM lamps;
ROLLBACK TO healthy;

-- daily hedge count at gates.guard.risk.max_daily_hedge_count (50)
UPDATE bifrost.status_current SET daily_hedge_count = 49;
SELECT self_check, lamp, reasons FROM lamps;
UPDATE bifrost.status_current SET daily_hedge_count = 50;
SELECT self_check, lamp, reasons FROM lamps;
ROLLBACK TO healthy;

-- every reason that applies is listed, red ones first
INSERT INTO bifrost.daemon_run_status (suspended) VALUES (true);
UPDATE bifrost.status_current
   SET trading_state = 'SAFE', data_lag_ms = 5000, daily_pnl = -6000, daily_hedge_count = 50,
       ts = clock_timestamp() - interval '1 minute';
SELECT self_check, lamp, reasons FROM lamps;
ROLLBACK TO healthy;

------------------------------------------------------------------------------
-- daemon lamp
------------------------------------------------------------------------------
UPDATE bifrost.daemon_heartbeat SET broker_connected = false;
SELECT d_check, d_lamp, d_reasons FROM lamps;
-- stale after 3 heartbeat intervals; the window scales with the interval
UPDATE bifrost.daemon_heartbeat SET last_ts = clock_timestamp() - interval '35 seconds';
SELECT d_check, d_lamp, d_reasons FROM lamps;
UPDATE bifrost.daemon_heartbeat SET heartbeat_interval_sec = 120;
SELECT d_check, d_lamp, d_reasons FROM lamps;
ROLLBACK TO healthy;
-- a graceful stop is "stopped", not stale or disconnected
UPDATE bifrost.daemon_heartbeat
   SET last_ts = clock_timestamp() - interval '1 hour', broker_connected = false, daemon_state = 'STOPPED';
UPDATE bifrost.daemon_heartbeat SET graceful_shutdown_at = last_ts;
SELECT d_check, d_lamp, d_reasons FROM lamps;
-- a heartbeat after that shutdown means it runs again
UPDATE bifrost.daemon_heartbeat SET last_ts = clock_timestamp(), broker_connected = true, daemon_state = 'RUNNING';
SELECT d_check, d_lamp, d_reasons FROM lamps;
ROLLBACK TO healthy;
DELETE FROM bifrost.daemon_heartbeat;
SELECT d_check, d_lamp, d_reasons, bifrost_status()->'heartbeat' AS heartbeat FROM lamps;
ROLLBACK;

-- a broken schema gives a red answer, not an error
BEGIN;
ALTER EXTENSION bifrost DROP TABLE bifrost.daemon_run_status;
DROP TABLE bifrost.daemon_run_status;
SELECT * FROM lamps;
SELECT bifrost_status()->>'error' AS error;
ROLLBACK;

------------------------------------------------------------------------------
-- control without a hedger: recorded, marked consumed, false with a notice
------------------------------------------------------------------------------
SELECT bifrost.worker_pid() IS NULL AS no_worker;
BEGIN;
SELECT bifrost_suspend();
SELECT suspended, updated_by = session_user AS by_me FROM bifrost.daemon_run_status;
SELECT self_check, lamp, reasons, suspended FROM lamps;
SELECT bifrost_resume();
SELECT suspended FROM bifrost.daemon_run_status;
SELECT bifrost_stop();
SELECT bifrost_retry_broker();
SELECT command, requested_by = session_user AS by_me, consumed_at IS NOT NULL AS consumed, result
  FROM bifrost.daemon_control ORDER BY id;
ROLLBACK;

-- roles: the reader sees status but cannot control; the operator can
BEGIN;
SET LOCAL ROLE bifrost_reader;
SELECT bifrost_status()->>'self_check' AS self_check;
SELECT bifrost_suspend();
ROLLBACK;
BEGIN;
SET LOCAL ROLE bifrost_operator;
SET LOCAL client_min_messages = warning;
SELECT bifrost_suspend();
SELECT suspended FROM bifrost.daemon_run_status;
ROLLBACK;
-- an unknown command is rejected, never taken as stop
SELECT bifrost._send_command('halt');

DROP VIEW lamps;
