/*
 * sql/install/10_runtime.sql: what the hedger worker reports and obeys while
 * it runs (heartbeat, status, run flag, command queue) and the state it keeps
 * across restarts (the day's start equity, the replay feed's position).
 */

------------------------------------------------------------------------------
-- The daemon: heartbeat, run flag, control queue.
------------------------------------------------------------------------------

CREATE TABLE bifrost.daemon_heartbeat (
    id                     integer PRIMARY KEY DEFAULT 1
                           CONSTRAINT daemon_heartbeat_single_row CHECK (id = 1),
    last_ts                timestamptz,
    broker_connected       boolean NOT NULL DEFAULT false,
    client_id              integer,
    next_retry_ts          timestamptz,
    seconds_until_retry    integer CHECK (seconds_until_retry >= 0),
    graceful_shutdown_at   timestamptz,
    heartbeat_interval_sec integer CHECK (heartbeat_interval_sec BETWEEN 1 AND 120),
    worker_pid             integer CHECK (worker_pid > 0),
    daemon_state           text CHECK (daemon_state IN ('IDLE', 'CONNECTING', 'WAITING_BROKER', 'CONNECTED',
                                                        'RUNNING', 'RUNNING_SUSPENDED', 'STOPPING', 'STOPPED')),
    broker                 text CHECK (broker IN ('paper', 'okx', 'ibkr')),
    started_at             timestamptz,
    last_error             text,
    last_error_at          timestamptz
);
COMMENT ON TABLE bifrost.daemon_heartbeat IS 'Liveness of the hedger worker: one row (id 1) written every heartbeat; no row means it never ran here';
COMMENT ON COLUMN bifrost.daemon_heartbeat.graceful_shutdown_at IS 'Set on a clean stop; a value >= last_ts means the worker is stopped, not dead';

-- No row reads as not suspended: the control functions upsert the row.  None
-- is written here because pg_dump keeps the table (85_dump.sql), and a row
-- CREATE EXTENSION wrote would collide with the dumped one on restore.
CREATE TABLE bifrost.daemon_run_status (
    id         integer PRIMARY KEY DEFAULT 1
               CONSTRAINT daemon_run_status_single_row CHECK (id = 1),
    suspended  boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text
);
COMMENT ON TABLE bifrost.daemon_run_status IS 'Operator''s run flag: suspended = true stops hedging while the worker keeps running';

CREATE TABLE bifrost.daemon_control (
    id           bigserial PRIMARY KEY,
    command      text NOT NULL CHECK (command IN ('start', 'stop', 'suspend', 'resume', 'retry_broker',
                                                  'flatten', 'resume_trading')),
    requested_by text NOT NULL DEFAULT session_user,
    created_at   timestamptz NOT NULL DEFAULT now(),
    consumed_at  timestamptz,
    result       text,
    CONSTRAINT daemon_control_result_after_consume CHECK (result IS NULL OR consumed_at IS NOT NULL)
);
CREATE INDEX daemon_control_pending_idx ON bifrost.daemon_control (id) WHERE consumed_at IS NULL;
COMMENT ON TABLE bifrost.daemon_control IS 'Audited command queue of the hedger; the worker consumes rows in id order and writes the result';

------------------------------------------------------------------------------
-- Status: the one live row and its history, columns in the same order.
------------------------------------------------------------------------------

CREATE TABLE bifrost.status_current (
    id                  integer PRIMARY KEY DEFAULT 1
                        CONSTRAINT status_current_single_row CHECK (id = 1),
    daemon_state        text CHECK (daemon_state IN ('IDLE', 'CONNECTING', 'WAITING_BROKER', 'CONNECTED',
                                                     'RUNNING', 'RUNNING_SUSPENDED', 'STOPPING', 'STOPPED')),
    trading_state       text CHECK (trading_state IN ('BOOT', 'SYNC', 'IDLE', 'ARMED', 'MONITOR', 'NO_TRADE',
                                                      'PAUSE_COST', 'PAUSE_LIQ', 'NEED_HEDGE', 'HEDGING', 'SAFE')),
    symbol              text CHECK (symbol <> ''),
    spot                double precision CHECK (spot > 0 AND spot < 'Infinity'),
    bid                 double precision CHECK (bid > 0 AND bid < 'Infinity'),
    ask                 double precision CHECK (ask > 0 AND ask < 'Infinity'),
    net_delta           double precision CHECK (net_delta > '-Infinity' AND net_delta < 'Infinity'),
    stock_position      integer,
    option_legs_count   integer CHECK (option_legs_count >= 0),
    daily_hedge_count   integer CHECK (daily_hedge_count >= 0),
    daily_pnl           double precision CHECK (daily_pnl > '-Infinity' AND daily_pnl < 'Infinity'),
    data_lag_ms         double precision CHECK (data_lag_ms >= 0 AND data_lag_ms < 'Infinity'),
    config_summary      text,
    ts                  timestamptz NOT NULL DEFAULT now(),
    trading_state_since timestamptz,
    trading_mode        text CHECK (trading_mode IN ('paper', 'live')),
    CONSTRAINT status_current_bid_not_above_ask CHECK (bid <= ask)
);
COMMENT ON TABLE bifrost.status_current IS 'Latest status snapshot of the hedger: one row (id 1), upserted every heartbeat';
COMMENT ON COLUMN bifrost.status_current.data_lag_ms IS 'Age of the newest quote when the snapshot was taken, in milliseconds';
COMMENT ON COLUMN bifrost.status_current.config_summary IS 'Short hash of the effective configuration plus its key flags, e.g. cfg=3f9a12c0 paper=on';
COMMENT ON COLUMN bifrost.status_current.trading_state_since IS 'When trading_state last changed (used to spot a stuck NEED_HEDGE)';
COMMENT ON COLUMN bifrost.status_current.trading_mode IS
    'paper: orders are simulated by the paper broker on the feed''s quotes (gates.guard.risk.paper_trade true, or bifrost.broker paper); live: orders go to bifrost.broker';

CREATE TABLE bifrost.status_history (
    id                  bigserial PRIMARY KEY,
    daemon_state        text CHECK (daemon_state IN ('IDLE', 'CONNECTING', 'WAITING_BROKER', 'CONNECTED',
                                                     'RUNNING', 'RUNNING_SUSPENDED', 'STOPPING', 'STOPPED')),
    trading_state       text CHECK (trading_state IN ('BOOT', 'SYNC', 'IDLE', 'ARMED', 'MONITOR', 'NO_TRADE',
                                                      'PAUSE_COST', 'PAUSE_LIQ', 'NEED_HEDGE', 'HEDGING', 'SAFE')),
    symbol              text CHECK (symbol <> ''),
    spot                double precision CHECK (spot > 0 AND spot < 'Infinity'),
    bid                 double precision CHECK (bid > 0 AND bid < 'Infinity'),
    ask                 double precision CHECK (ask > 0 AND ask < 'Infinity'),
    net_delta           double precision CHECK (net_delta > '-Infinity' AND net_delta < 'Infinity'),
    stock_position      integer,
    option_legs_count   integer CHECK (option_legs_count >= 0),
    daily_hedge_count   integer CHECK (daily_hedge_count >= 0),
    daily_pnl           double precision CHECK (daily_pnl > '-Infinity' AND daily_pnl < 'Infinity'),
    data_lag_ms         double precision CHECK (data_lag_ms >= 0 AND data_lag_ms < 'Infinity'),
    config_summary      text,
    ts                  timestamptz NOT NULL DEFAULT now(),
    trading_state_since timestamptz,
    reason              text CHECK (reason <> ''),
    trading_mode        text CHECK (trading_mode IN ('paper', 'live')),
    CONSTRAINT status_history_bid_not_above_ask CHECK (bid <= ask)
);
CREATE INDEX status_history_ts_idx ON bifrost.status_history (ts);
COMMENT ON TABLE bifrost.status_history IS 'Status snapshots appended on every hedge event and every bifrost.history_sample_every heartbeats';
COMMENT ON COLUMN bifrost.status_history.reason IS 'Why the row was appended: heartbeat_sample, hedge_intent, fill, reject, ...';
COMMENT ON COLUMN bifrost.status_history.trading_mode IS 'As status_current.trading_mode';

------------------------------------------------------------------------------
-- The hedger's state that must survive a restart.
------------------------------------------------------------------------------

-- The day's start equity is that of one book (exchange): a hedger that
-- switches between paper and live, or brokers, must not measure its P&L from
-- the other book's start, which held another position.
CREATE TABLE bifrost.hedger_days (
    symbol       text NOT NULL CHECK (symbol <> ''),
    trading_date date NOT NULL,
    start_equity double precision NOT NULL CHECK (start_equity > '-Infinity' AND start_equity < 'Infinity'),
    legs         jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(legs) = 'array'),
    started_at   timestamptz NOT NULL,
    exchange     text,
    CONSTRAINT hedger_days_pkey PRIMARY KEY (symbol, trading_date)
);
COMMENT ON TABLE bifrost.hedger_days IS
    'Equity (cash + hedge position + option legs at model value) at the first mark of each trading day in day_roll_tz: daily_pnl is equity now minus this';
COMMENT ON COLUMN bifrost.hedger_days.legs IS
    'The legs start_equity counts: legs added or removed later move start_equity by their model value (a trade in options is not P&L)';
COMMENT ON COLUMN bifrost.hedger_days.exchange IS
    'The book (orders.exchange: paper or the broker) whose start this is; a hedger on another book starts the day anew from its own equity. NULL: written before 0.7, any book';

CREATE TABLE bifrost.replay_cursors (
    symbol     text PRIMARY KEY CHECK (symbol <> ''),
    last_ts    timestamptz NOT NULL,
    last_id    bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE bifrost.replay_cursors IS
    'Where the replay feed stands in bifrost.ticks, per symbol (the last tick handed to the engine); delete the row to replay from the start';
