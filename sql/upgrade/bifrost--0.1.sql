/*
 * bifrost--0.1.sql: install script of bifrost 0.1.
 *
 * Creates schema bifrost (every table and internal helper), the roles
 * bifrost_reader and bifrost_operator, the public bifrost_* functions of the
 * status, audit and control API, and bakes a snapshot of the catalog it just
 * created into bifrost.expected_schema() so bifrost_self_check() can tell when
 * the live schema drifts from what this script made.
 *
 * Conventions: every time column is timestamptz; prices, quantities and money
 * of orders, trades and market data are numeric; status figures and greeks
 * are double precision; every value a writer can get wrong has a CHECK.
 */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION bifrost" to load this file. \quit

CREATE SCHEMA bifrost;
COMMENT ON SCHEMA bifrost IS 'bifrost delta-hedging engine: status, control, configuration, market data, trading and backtest tables';

-- Roles are cluster-wide: create them once and leave them when the extension
-- is dropped (other databases may use them).
DO $roles$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'bifrost_reader') THEN
        CREATE ROLE bifrost_reader NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'bifrost_operator') THEN
        CREATE ROLE bifrost_operator NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1
                     FROM pg_catalog.pg_auth_members m
                    WHERE m.roleid = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = 'bifrost_reader')
                      AND m.member = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = 'bifrost_operator')) THEN
        GRANT bifrost_reader TO bifrost_operator;
    END IF;
END
$roles$;

GRANT USAGE ON SCHEMA bifrost TO bifrost_reader;

------------------------------------------------------------------------------
-- Status tables (seed 000 §2): columns in the seed's order, extras appended.
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
    CONSTRAINT status_current_bid_not_above_ask CHECK (bid <= ask)
);
COMMENT ON TABLE bifrost.status_current IS 'Latest status snapshot of the hedger: one row (id 1), upserted every heartbeat';
COMMENT ON COLUMN bifrost.status_current.data_lag_ms IS 'Age of the newest quote when the snapshot was taken, in milliseconds';
COMMENT ON COLUMN bifrost.status_current.config_summary IS 'Short hash of the effective configuration plus its key flags, e.g. cfg=3f9a12c0 paper=on';
COMMENT ON COLUMN bifrost.status_current.trading_state_since IS 'When trading_state last changed (used to spot a stuck NEED_HEDGE)';

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
    CONSTRAINT status_history_bid_not_above_ask CHECK (bid <= ask)
);
CREATE INDEX status_history_ts_idx ON bifrost.status_history (ts);
COMMENT ON TABLE bifrost.status_history IS 'Status snapshots appended on every hedge event and every bifrost.history_sample_every heartbeats';
COMMENT ON COLUMN bifrost.status_history.reason IS 'Why the row was appended: heartbeat_sample, hedge_intent, fill, reject, ...';

CREATE TABLE bifrost.operations (
    id              bigserial PRIMARY KEY,
    ts              timestamptz NOT NULL DEFAULT now(),
    type            text NOT NULL CHECK (type IN ('hedge_intent', 'order_sent', 'fill', 'reject', 'cancel')),
    side            text CHECK (side IN ('BUY', 'SELL')),
    quantity        integer CHECK (quantity >= 0),
    price           double precision CHECK (price > 0 AND price < 'Infinity'),
    state_reason    text,
    client_order_id text CHECK (client_order_id <> ''),
    block_reason    text CHECK (block_reason <> ''),
    decision_mid    double precision CHECK (decision_mid > 0 AND decision_mid < 'Infinity'),
    realized_pnl    double precision CHECK (realized_pnl > '-Infinity' AND realized_pnl < 'Infinity'),
    CONSTRAINT operations_fill_complete CHECK (type <> 'fill' OR (side IS NOT NULL AND quantity IS NOT NULL AND price IS NOT NULL))
);
CREATE INDEX operations_ts_idx ON bifrost.operations (ts);
CREATE INDEX operations_type_ts_idx ON bifrost.operations (type, ts);
CREATE INDEX operations_client_order_id_idx ON bifrost.operations (client_order_id) WHERE client_order_id IS NOT NULL;
COMMENT ON TABLE bifrost.operations IS 'Hedge audit trail: one row per hedge intent, order sent, fill, reject and cancel';
COMMENT ON COLUMN bifrost.operations.state_reason IS 'Dimension or cause behind the operation: D2, D3, flatten, order_failed, ...';
COMMENT ON COLUMN bifrost.operations.decision_mid IS 'Quote mid when the hedge was decided (slippage reference)';

------------------------------------------------------------------------------
-- Daemon tables: heartbeat, run flag, control queue.
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

CREATE TABLE bifrost.daemon_run_status (
    id         integer PRIMARY KEY DEFAULT 1
               CONSTRAINT daemon_run_status_single_row CHECK (id = 1),
    suspended  boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text
);
INSERT INTO bifrost.daemon_run_status (id, suspended, updated_by) VALUES (1, false, 'install');
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
-- Configuration, secrets, the option book and recorded quotes.
------------------------------------------------------------------------------

CREATE FUNCTION bifrost._config_defaults(OUT key text, OUT value jsonb)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'bifrost_config_defaults'
LANGUAGE C IMMUTABLE;
COMMENT ON FUNCTION bifrost._config_defaults() IS 'Built-in default of every strategy configuration key (the single source of defaults)';

CREATE TABLE bifrost.config (
    key        text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$'),
    value      jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text NOT NULL DEFAULT current_user
);
COMMENT ON TABLE bifrost.config IS 'Strategy configuration (gates.*, greeks.*, feed.*, broker.* ...), one JSON value per key; change it with bifrost_config_set()';

/*
 * pg_dump keeps bifrost.config, but CREATE EXTENSION has already seeded every
 * key before a restore loads the dumped rows, so a plain COPY would fail on
 * the primary key and lose the user's settings.  This trigger turns an insert
 * of an existing key into an update of that row.
 */
CREATE FUNCTION bifrost._config_merge_insert() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE bifrost.config c
       SET value = NEW.value, updated_at = NEW.updated_at, updated_by = NEW.updated_by
     WHERE c.key = NEW.key;
    IF FOUND THEN
        RETURN NULL;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION bifrost._config_merge_insert() IS 'Trigger: an INSERT of a key that already exists updates that row instead (lets pg_restore load bifrost.config over the seeded defaults)';

CREATE TRIGGER config_merge_insert
    BEFORE INSERT ON bifrost.config
    FOR EACH ROW EXECUTE FUNCTION bifrost._config_merge_insert();

INSERT INTO bifrost.config (key, value) SELECT key, value FROM bifrost._config_defaults();

CREATE TABLE bifrost.secrets (
    name       text PRIMARY KEY CHECK (name <> ''),
    value      text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON bifrost.secrets FROM PUBLIC;
COMMENT ON TABLE bifrost.secrets IS 'Broker credentials (API keys, passphrases); readable by the extension owner only and left out of pg_dump';

CREATE TABLE bifrost.legs (
    id           bigserial PRIMARY KEY,
    symbol       text NOT NULL CHECK (symbol <> ''),
    option_right text NOT NULL CHECK (option_right IN ('C', 'P')),
    strike       numeric NOT NULL CHECK (strike > 0 AND strike < 'Infinity'),
    expiry       timestamptz NOT NULL,
    quantity     integer NOT NULL,
    multiplier   integer NOT NULL DEFAULT 100 CHECK (multiplier > 0),
    implied_vol  double precision CHECK (implied_vol IS NULL OR (implied_vol > 0 AND implied_vol <= 10)),
    created_at   timestamptz NOT NULL DEFAULT now(),
    note         text
);
CREATE INDEX legs_symbol_idx ON bifrost.legs (symbol);
COMMENT ON TABLE bifrost.legs IS 'Option positions the hedger keeps delta-neutral, one row per leg';
COMMENT ON COLUMN bifrost.legs.quantity IS 'Signed number of contracts: positive long, negative short';
COMMENT ON COLUMN bifrost.legs.implied_vol IS 'Annualized implied volatility of the leg; NULL uses greeks.volatility';

CREATE TABLE bifrost.ticks (
    id     bigserial PRIMARY KEY,
    symbol text NOT NULL CHECK (symbol <> ''),
    ts     timestamptz NOT NULL,
    bid    numeric CHECK (bid > 0 AND bid < 'Infinity'),
    ask    numeric CHECK (ask > 0 AND ask < 'Infinity'),
    last   numeric CHECK (last > 0 AND last < 'Infinity'),
    CONSTRAINT ticks_bid_not_above_ask CHECK (bid <= ask),
    CONSTRAINT ticks_has_price CHECK (num_nonnulls(bid, ask, last) > 0)
);
CREATE INDEX ticks_symbol_ts_idx ON bifrost.ticks (symbol, ts);
COMMENT ON TABLE bifrost.ticks IS 'Recorded quotes: the source of the replay feed and of backtests';

------------------------------------------------------------------------------
-- Alpha Arena market data (seed 003 §2.1).
------------------------------------------------------------------------------

CREATE TABLE bifrost.market_data (
    id         bigserial PRIMARY KEY,
    symbol     text NOT NULL CHECK (symbol <> ''),
    timeframe  text NOT NULL CHECK (timeframe IN ('15m', '1h', '4h', '1d')),
    ts         timestamptz NOT NULL,
    open       numeric NOT NULL CHECK (open > 0 AND open < 'Infinity'),
    high       numeric NOT NULL CHECK (high > 0 AND high < 'Infinity'),
    low        numeric NOT NULL CHECK (low > 0 AND low < 'Infinity'),
    close      numeric NOT NULL CHECK (close > 0 AND close < 'Infinity'),
    volume     numeric NOT NULL CHECK (volume >= 0 AND volume < 'Infinity'),
    confirmed  boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT market_data_symbol_timeframe_ts_key UNIQUE (symbol, timeframe, ts),
    CONSTRAINT market_data_high_low_range CHECK (high >= greatest(open, close, low) AND low <= least(open, close, high))
);
COMMENT ON TABLE bifrost.market_data IS 'OHLCV candles by open time; unconfirmed (still forming) candles are replaced by later ingestion';
COMMENT ON COLUMN bifrost.market_data.volume IS 'Volume as the venue reports it (contracts for OKX swaps)';
COMMENT ON COLUMN bifrost.market_data.confirmed IS 'false while the candle is still forming; such rows are overwritten on the next ingestion';

CREATE TABLE bifrost.funding_rates (
    id                bigserial PRIMARY KEY,
    symbol            text NOT NULL CHECK (symbol <> ''),
    funding_time      timestamptz NOT NULL,
    funding_rate      numeric NOT NULL CHECK (funding_rate > -1 AND funding_rate < 1),
    next_funding_time timestamptz,
    fetched_at        timestamptz NOT NULL DEFAULT now(),
    created_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT funding_rates_symbol_funding_time_key UNIQUE (symbol, funding_time),
    CONSTRAINT funding_rates_next_after_current CHECK (next_funding_time > funding_time)
);
COMMENT ON TABLE bifrost.funding_rates IS 'Perpetual swap funding rates keyed by their settlement time (fundingTime), not by fetch time';

CREATE TABLE bifrost.price_snapshots (
    id          bigserial PRIMARY KEY,
    symbol      text NOT NULL CHECK (symbol <> ''),
    ts          timestamptz NOT NULL,
    last_price  numeric CHECK (last_price > 0 AND last_price < 'Infinity'),
    mark_price  numeric CHECK (mark_price > 0 AND mark_price < 'Infinity'),
    index_price numeric CHECK (index_price > 0 AND index_price < 'Infinity'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT price_snapshots_symbol_ts_key UNIQUE (symbol, ts),
    CONSTRAINT price_snapshots_has_price CHECK (num_nonnulls(last_price, mark_price, index_price) > 0)
);
COMMENT ON TABLE bifrost.price_snapshots IS 'Last, mark and index price of an instrument at one instant';

CREATE TABLE bifrost.open_interest (
    id                  bigserial PRIMARY KEY,
    symbol              text NOT NULL CHECK (symbol <> ''),
    ts                  timestamptz NOT NULL,
    open_interest       numeric NOT NULL CHECK (open_interest >= 0 AND open_interest < 'Infinity'),
    open_interest_value numeric CHECK (open_interest_value >= 0 AND open_interest_value < 'Infinity'),
    created_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT open_interest_symbol_ts_key UNIQUE (symbol, ts)
);
COMMENT ON TABLE bifrost.open_interest IS 'Open interest of a derivative: in contracts (open_interest) and in quote currency (open_interest_value)';

CREATE TABLE bifrost.long_short_ratio (
    id         bigserial PRIMARY KEY,
    symbol     text NOT NULL CHECK (symbol <> ''),
    ts         timestamptz NOT NULL,
    ratio      numeric NOT NULL CHECK (ratio >= 0 AND ratio < 'Infinity'),
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT long_short_ratio_symbol_ts_key UNIQUE (symbol, ts)
);
COMMENT ON TABLE bifrost.long_short_ratio IS 'Ratio of long to short accounts reported by the venue';

------------------------------------------------------------------------------
-- LLM runs and decisions (seed 003 §2.3); decisions also records every hedge
-- decision of the engine, with its block reason.
------------------------------------------------------------------------------

CREATE TABLE bifrost.prompt_versions (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL CHECK (name <> ''),
    version    text NOT NULL CHECK (version <> ''),
    content    text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT prompt_versions_name_version_key UNIQUE (name, version)
);
COMMENT ON TABLE bifrost.prompt_versions IS 'Versioned prompt texts used by LLM decision runs';

CREATE TABLE bifrost.model_versions (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL CHECK (name <> ''),
    version    text NOT NULL CHECK (version <> ''),
    metadata   jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT model_versions_name_version_key UNIQUE (name, version)
);
COMMENT ON TABLE bifrost.model_versions IS 'Versioned decision models (LLMs or rule sets) with their metadata';

CREATE TABLE bifrost.llm_runs (
    id                bigserial PRIMARY KEY,
    prompt_version_id bigint REFERENCES bifrost.prompt_versions (id),
    model_version_id  bigint REFERENCES bifrost.model_versions (id),
    ts                timestamptz NOT NULL DEFAULT now(),
    request           text,
    response          text,
    status            text CHECK (status IN ('running', 'success', 'failed', 'timeout')),
    latency_ms        integer CHECK (latency_ms >= 0),
    created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX llm_runs_ts_idx ON bifrost.llm_runs (ts DESC);
CREATE INDEX llm_runs_prompt_version_id_idx ON bifrost.llm_runs (prompt_version_id);
CREATE INDEX llm_runs_model_version_id_idx ON bifrost.llm_runs (model_version_id);
COMMENT ON TABLE bifrost.llm_runs IS 'One row per call of a decision model: request, response, outcome and latency';

CREATE TABLE bifrost.decisions (
    id                 bigserial PRIMARY KEY,
    symbol             text NOT NULL CHECK (symbol <> ''),
    timeframe          text NOT NULL DEFAULT 'tick' CHECK (timeframe IN ('tick', '15m', '1h', '4h', '1d')),
    ts                 timestamptz NOT NULL DEFAULT now(),
    action             text NOT NULL CHECK (action <> ''),
    confidence         double precision CHECK (confidence >= 0 AND confidence <= 1),
    reasoning          text,
    technical_analysis text,
    risk_assessment    text,
    llm_response       text,
    llm_run_id         bigint REFERENCES bifrost.llm_runs (id) ON DELETE SET NULL,
    prompt_version_id  bigint REFERENCES bifrost.prompt_versions (id),
    model_version_id   bigint REFERENCES bifrost.model_versions (id),
    created_at         timestamptz NOT NULL DEFAULT now(),
    net_delta          double precision CHECK (net_delta > '-Infinity' AND net_delta < 'Infinity'),
    intent_side        text CHECK (intent_side IN ('BUY', 'SELL')),
    intent_qty         integer CHECK (intent_qty >= 0),
    block_reason       text CHECK (block_reason <> ''),
    trading_state      text CHECK (trading_state IN ('BOOT', 'SYNC', 'IDLE', 'ARMED', 'MONITOR', 'NO_TRADE',
                                                     'PAUSE_COST', 'PAUSE_LIQ', 'NEED_HEDGE', 'HEDGING', 'SAFE')),
    config_hash        text,
    CONSTRAINT decisions_intent_side_and_qty CHECK ((intent_side IS NULL) = (intent_qty IS NULL))
);
CREATE INDEX decisions_symbol_ts_idx ON bifrost.decisions (symbol, ts DESC);
CREATE INDEX decisions_ts_idx ON bifrost.decisions (ts);
CREATE INDEX decisions_block_reason_ts_idx ON bifrost.decisions (block_reason, ts) WHERE block_reason IS NOT NULL;
CREATE INDEX decisions_llm_run_id_idx ON bifrost.decisions (llm_run_id) WHERE llm_run_id IS NOT NULL;
COMMENT ON TABLE bifrost.decisions IS 'Strategy decisions: LLM decisions and every hedge decision of the engine, with the gate that blocked it';
COMMENT ON COLUMN bifrost.decisions.timeframe IS 'Candle timeframe the decision was made on; tick for the hedger''s quote-driven decisions';
COMMENT ON COLUMN bifrost.decisions.block_reason IS 'First failing gate (circuit_breaker, cooldown, ...), NULL when the intent went out';

------------------------------------------------------------------------------
-- Trading, account and risk (seed 003 §2.2).
------------------------------------------------------------------------------

CREATE TABLE bifrost.orders (
    id                bigserial PRIMARY KEY,
    exchange          text NOT NULL DEFAULT 'paper' CHECK (exchange IN ('paper', 'okx', 'ibkr')),
    symbol            text NOT NULL CHECK (symbol <> ''),
    side              text NOT NULL CHECK (side IN ('BUY', 'SELL')),
    type              text NOT NULL CHECK (type IN ('MARKET', 'LIMIT')),
    price             numeric CHECK (price > 0 AND price < 'Infinity'),
    amount            numeric NOT NULL CHECK (amount > 0 AND amount < 'Infinity'),
    leverage          numeric CHECK (leverage > 0 AND leverage < 'Infinity'),
    status            text NOT NULL DEFAULT 'CREATED'
                      CHECK (status IN ('CREATED', 'NEW', 'PARTIALLY_FILLED', 'FILLED', 'CANCELED', 'REJECTED', 'UNKNOWN')),
    client_order_id   text NOT NULL CHECK (client_order_id <> ''),
    exchange_order_id text CHECK (exchange_order_id <> ''),
    time_in_force     text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    filled_amount     numeric NOT NULL DEFAULT 0 CHECK (filled_amount >= 0),
    remaining_amount  numeric CHECK (remaining_amount >= 0),
    average_price     numeric CHECK (average_price > 0 AND average_price < 'Infinity'),
    intent_id         bigint REFERENCES bifrost.operations (id) ON DELETE SET NULL,
    decision_id       bigint REFERENCES bifrost.decisions (id) ON DELETE SET NULL,
    CONSTRAINT orders_client_order_id_key UNIQUE (client_order_id),
    CONSTRAINT orders_filled_within_amount CHECK (filled_amount <= amount),
    CONSTRAINT orders_remaining_within_amount CHECK (remaining_amount <= amount),
    CONSTRAINT orders_limit_has_price CHECK (type <> 'LIMIT' OR price IS NOT NULL)
);
CREATE UNIQUE INDEX orders_exchange_order_id_key ON bifrost.orders (exchange_order_id) WHERE exchange_order_id IS NOT NULL;
CREATE INDEX orders_symbol_created_at_idx ON bifrost.orders (symbol, created_at DESC);
CREATE INDEX orders_open_idx ON bifrost.orders (exchange, symbol)
    WHERE status IN ('CREATED', 'NEW', 'PARTIALLY_FILLED', 'UNKNOWN');
CREATE INDEX orders_intent_id_idx ON bifrost.orders (intent_id) WHERE intent_id IS NOT NULL;
CREATE INDEX orders_decision_id_idx ON bifrost.orders (decision_id) WHERE decision_id IS NOT NULL;
COMMENT ON TABLE bifrost.orders IS 'Orders sent to a broker; the row (with its deterministic client_order_id) is committed before the order leaves';
COMMENT ON COLUMN bifrost.orders.status IS 'CREATED before sending, UNKNOWN when the outcome of a send is not known yet (timeout)';

CREATE TABLE bifrost.order_lifecycle_events (
    id                bigserial PRIMARY KEY,
    order_id          bigint NOT NULL REFERENCES bifrost.orders (id) ON DELETE CASCADE,
    status            text NOT NULL
                      CHECK (status IN ('CREATED', 'NEW', 'PARTIALLY_FILLED', 'FILLED', 'CANCELED', 'REJECTED', 'UNKNOWN')),
    message           text,
    ts                timestamptz NOT NULL DEFAULT now(),
    created_at        timestamptz NOT NULL DEFAULT now(),
    exchange          text CHECK (exchange IN ('paper', 'okx', 'ibkr')),
    symbol            text,
    exchange_status   text,
    exchange_event_ts timestamptz,
    raw_payload       jsonb,
    client_order_id   text,
    trade_id          text,
    fill_qty          numeric CHECK (fill_qty > 0 AND fill_qty < 'Infinity'),
    fill_price        numeric CHECK (fill_price > 0 AND fill_price < 'Infinity'),
    fee               numeric,
    fee_currency      text
);
CREATE INDEX order_lifecycle_events_order_id_ts_idx ON bifrost.order_lifecycle_events (order_id, ts DESC);
CREATE INDEX order_lifecycle_events_symbol_ts_idx ON bifrost.order_lifecycle_events (symbol, ts DESC);
COMMENT ON TABLE bifrost.order_lifecycle_events IS 'Every status transition of an order, with the broker''s raw report';
COMMENT ON COLUMN bifrost.order_lifecycle_events.message IS 'Transition and its cause, e.g. "NEW -> FILLED. filled 100 @ 101.2"';

CREATE TABLE bifrost.trades (
    id           bigserial PRIMARY KEY,
    order_id     bigint NOT NULL REFERENCES bifrost.orders (id),
    exchange     text NOT NULL DEFAULT 'paper' CHECK (exchange IN ('paper', 'okx', 'ibkr')),
    trade_id     text NOT NULL CHECK (trade_id <> ''),
    symbol       text NOT NULL CHECK (symbol <> ''),
    side         text NOT NULL CHECK (side IN ('BUY', 'SELL')),
    price        numeric NOT NULL CHECK (price > 0 AND price < 'Infinity'),
    amount       numeric NOT NULL CHECK (amount > 0 AND amount < 'Infinity'),
    fee          numeric,
    fee_currency text,
    realized_pnl numeric,
    ts           timestamptz NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT trades_exchange_trade_id_key UNIQUE (exchange, trade_id)
);
CREATE INDEX trades_symbol_ts_idx ON bifrost.trades (symbol, ts DESC);
CREATE INDEX trades_order_id_idx ON bifrost.trades (order_id);
COMMENT ON TABLE bifrost.trades IS 'Executions (fills) reported by the broker, one row per venue trade id';

CREATE TABLE bifrost.positions (
    id                bigserial PRIMARY KEY,
    exchange          text NOT NULL DEFAULT 'paper' CHECK (exchange IN ('paper', 'okx', 'ibkr')),
    symbol            text NOT NULL CHECK (symbol <> ''),
    side              text NOT NULL CHECK (side IN ('LONG', 'SHORT', 'NET')),
    size              numeric NOT NULL CHECK (size > '-Infinity' AND size < 'Infinity'),
    entry_price       numeric CHECK (entry_price > 0 AND entry_price < 'Infinity'),
    leverage          numeric CHECK (leverage > 0 AND leverage < 'Infinity'),
    unrealized_pnl    numeric,
    margin            numeric,
    liquidation_price numeric CHECK (liquidation_price >= 0),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT positions_exchange_symbol_side_key UNIQUE (exchange, symbol, side),
    CONSTRAINT positions_sided_size_not_negative CHECK (side = 'NET' OR size >= 0)
);
COMMENT ON TABLE bifrost.positions IS 'Current positions per broker, instrument and side (NET = signed one-way position, e.g. the stock hedge)';

CREATE TABLE bifrost.position_snapshots (
    id                  bigserial PRIMARY KEY,
    exchange            text NOT NULL DEFAULT 'paper' CHECK (exchange IN ('paper', 'okx', 'ibkr')),
    account_id          text,
    symbol              text NOT NULL CHECK (symbol <> ''),
    ts                  timestamptz NOT NULL,
    side                text NOT NULL CHECK (side IN ('LONG', 'SHORT', 'NET')),
    size                numeric NOT NULL CHECK (size > '-Infinity' AND size < 'Infinity'),
    qty                 numeric,
    entry_price         numeric CHECK (entry_price > 0 AND entry_price < 'Infinity'),
    mark_price          numeric CHECK (mark_price > 0 AND mark_price < 'Infinity'),
    unrealized_pnl      numeric,
    leverage            numeric CHECK (leverage > 0 AND leverage < 'Infinity'),
    margin              numeric,
    liquidation_price   numeric CHECK (liquidation_price >= 0),
    notional_usdt       numeric,
    unrealized_pnl_usdt numeric,
    margin_usdt         numeric,
    raw_payload         jsonb,
    created_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT position_snapshots_key UNIQUE NULLS NOT DISTINCT (exchange, account_id, symbol, ts, side),
    CONSTRAINT position_snapshots_sided_size_not_negative CHECK (side = 'NET' OR size >= 0)
);
CREATE INDEX position_snapshots_symbol_ts_idx ON bifrost.position_snapshots (symbol, ts DESC);
COMMENT ON TABLE bifrost.position_snapshots IS 'Positions as reported by the broker at a point in time';

CREATE TABLE bifrost.balances (
    id         bigserial PRIMARY KEY,
    exchange   text NOT NULL DEFAULT 'paper' CHECK (exchange IN ('paper', 'okx', 'ibkr')),
    account_id text,
    currency   text NOT NULL CHECK (currency <> ''),
    ts         timestamptz NOT NULL,
    total      numeric NOT NULL CHECK (total > '-Infinity' AND total < 'Infinity'),
    free       numeric,
    used       numeric,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT balances_key UNIQUE NULLS NOT DISTINCT (exchange, account_id, currency, ts)
);
CREATE INDEX balances_currency_ts_idx ON bifrost.balances (currency, ts DESC);
COMMENT ON TABLE bifrost.balances IS 'Account balance snapshots per currency';

CREATE TABLE bifrost.risk_events (
    id         bigserial PRIMARY KEY,
    symbol     text NOT NULL CHECK (symbol <> ''),
    ts         timestamptz NOT NULL DEFAULT now(),
    level      text NOT NULL CHECK (level IN ('info', 'warn', 'block')),
    rule       text NOT NULL CHECK (rule <> ''),
    details    text,
    created_at timestamptz NOT NULL DEFAULT now(),
    order_id   bigint REFERENCES bifrost.orders (id) ON DELETE SET NULL
);
CREATE INDEX risk_events_symbol_ts_idx ON bifrost.risk_events (symbol, ts DESC);
CREATE INDEX risk_events_rule_ts_idx ON bifrost.risk_events (rule, ts DESC);
CREATE INDEX risk_events_order_id_idx ON bifrost.risk_events (order_id) WHERE order_id IS NOT NULL;
COMMENT ON TABLE bifrost.risk_events IS 'Risk rule outcomes: which rule fired, how severe, and why (details)';

------------------------------------------------------------------------------
-- Backtests (seed 003 §2.4 and seed 000 §5).
------------------------------------------------------------------------------

CREATE TABLE bifrost.backtest_configs (
    id              bigserial PRIMARY KEY,
    name            text NOT NULL CHECK (name <> ''),
    symbol          text NOT NULL CHECK (symbol <> ''),
    timeframe       text NOT NULL CHECK (timeframe IN ('tick', '15m', '1h', '4h', '1d')),
    start_time      timestamptz NOT NULL,
    end_time        timestamptz NOT NULL,
    initial_capital numeric NOT NULL CHECK (initial_capital > 0 AND initial_capital < 'Infinity'),
    commission_rate numeric NOT NULL CHECK (commission_rate >= 0 AND commission_rate < 1),
    strategy_params jsonb,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT backtest_configs_time_range CHECK (end_time > start_time)
);
CREATE INDEX backtest_configs_symbol_timeframe_idx ON bifrost.backtest_configs (symbol, timeframe);
COMMENT ON TABLE bifrost.backtest_configs IS 'Named backtest set-ups: instrument, period, capital, costs and strategy parameters';

CREATE TABLE bifrost.backtest_runs (
    id                bigserial PRIMARY KEY,
    run_id            uuid NOT NULL DEFAULT gen_random_uuid(),
    created_at        timestamptz NOT NULL DEFAULT now(),
    symbol            text NOT NULL CHECK (symbol <> ''),
    timeframe         text NOT NULL DEFAULT 'tick' CHECK (timeframe IN ('tick', '15m', '1h', '4h', '1d')),
    start_ts          timestamptz NOT NULL,
    end_ts            timestamptz NOT NULL,
    initial_capital   numeric CHECK (initial_capital > 0 AND initial_capital < 'Infinity'),
    params_json       jsonb NOT NULL DEFAULT '{}',
    metrics_json      jsonb,
    equity_curve_json jsonb,
    schema_version    integer NOT NULL DEFAULT 1 CHECK (schema_version > 0),
    artifacts_path    text,
    total_return      numeric,
    max_drawdown      numeric CHECK (max_drawdown >= 0),
    win_rate          numeric CHECK (win_rate >= 0 AND win_rate <= 100),
    profit_factor     numeric CHECK (profit_factor >= 0),
    sharpe_ratio      numeric,
    final_equity      numeric,
    config_id         bigint REFERENCES bifrost.backtest_configs (id) ON DELETE SET NULL,
    config_hash       text,
    status            text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'success', 'failed')),
    finished_at       timestamptz,
    error             text,
    CONSTRAINT backtest_runs_run_id_key UNIQUE (run_id),
    CONSTRAINT backtest_runs_time_range CHECK (end_ts >= start_ts),
    CONSTRAINT backtest_runs_finished CHECK (status = 'running' OR finished_at IS NOT NULL)
);
CREATE INDEX backtest_runs_symbol_created_at_idx ON bifrost.backtest_runs (symbol, created_at DESC);
CREATE INDEX backtest_runs_config_hash_idx ON bifrost.backtest_runs (config_hash) WHERE config_hash IS NOT NULL;
CREATE INDEX backtest_runs_config_id_idx ON bifrost.backtest_runs (config_id) WHERE config_id IS NOT NULL;
COMMENT ON TABLE bifrost.backtest_runs IS 'One row per backtest execution: configuration and its hash, period, status and metrics';
COMMENT ON COLUMN bifrost.backtest_runs.params_json IS 'Effective configuration of the run (bifrost.config keys and values)';

CREATE TABLE bifrost.backtest_results (
    id                bigserial PRIMARY KEY,
    config_id         bigint NOT NULL REFERENCES bifrost.backtest_configs (id) ON DELETE CASCADE,
    total_return      numeric,
    max_drawdown      numeric CHECK (max_drawdown >= 0),
    sharpe_ratio      numeric,
    profit_factor     numeric CHECK (profit_factor >= 0),
    total_trades      integer CHECK (total_trades >= 0),
    profitable_trades integer CHECK (profitable_trades >= 0),
    win_rate          numeric CHECK (win_rate >= 0 AND win_rate <= 100),
    final_equity      numeric,
    equity_curve      jsonb,
    trade_log         jsonb,
    created_at        timestamptz NOT NULL DEFAULT now(),
    backtest_run_id   bigint REFERENCES bifrost.backtest_runs (id) ON DELETE CASCADE,
    CONSTRAINT backtest_results_profitable_within_total CHECK (profitable_trades <= total_trades),
    CONSTRAINT backtest_results_backtest_run_id_key UNIQUE (backtest_run_id)
);
CREATE INDEX backtest_results_config_id_idx ON bifrost.backtest_results (config_id);
CREATE INDEX backtest_results_created_at_idx ON bifrost.backtest_results (created_at DESC);
COMMENT ON TABLE bifrost.backtest_results IS 'Summary metrics of a backtest (percent metrics in percent, 0-100)';

CREATE TABLE bifrost.backtest_orders (
    id              bigserial PRIMARY KEY,
    backtest_id     bigint REFERENCES bifrost.backtest_results (id) ON DELETE CASCADE,
    ts              timestamptz NOT NULL,
    side            text NOT NULL CHECK (side IN ('BUY', 'SELL')),
    price           numeric NOT NULL CHECK (price > 0 AND price < 'Infinity'),
    amount          numeric NOT NULL CHECK (amount > 0 AND amount < 'Infinity'),
    fee             numeric NOT NULL DEFAULT 0 CHECK (fee >= 0),
    pnl             numeric,
    created_at      timestamptz NOT NULL DEFAULT now(),
    backtest_run_id bigint REFERENCES bifrost.backtest_runs (id) ON DELETE CASCADE,
    decision_mid    numeric CHECK (decision_mid > 0 AND decision_mid < 'Infinity'),
    CONSTRAINT backtest_orders_has_parent CHECK (num_nonnulls(backtest_id, backtest_run_id) > 0)
);
CREATE INDEX backtest_orders_backtest_id_ts_idx ON bifrost.backtest_orders (backtest_id, ts) WHERE backtest_id IS NOT NULL;
CREATE INDEX backtest_orders_backtest_run_id_ts_idx ON bifrost.backtest_orders (backtest_run_id, ts) WHERE backtest_run_id IS NOT NULL;
COMMENT ON TABLE bifrost.backtest_orders IS 'Simulated fills of a backtest (belongs to a backtest_results row, a backtest_runs row, or both)';

CREATE TABLE bifrost.backtest_positions (
    id              bigserial PRIMARY KEY,
    backtest_id     bigint REFERENCES bifrost.backtest_results (id) ON DELETE CASCADE,
    ts              timestamptz NOT NULL,
    side            text NOT NULL CHECK (side IN ('LONG', 'SHORT', 'NET')),
    amount          numeric NOT NULL CHECK (amount > '-Infinity' AND amount < 'Infinity'),
    entry_price     numeric NOT NULL CHECK (entry_price > 0 AND entry_price < 'Infinity'),
    current_price   numeric CHECK (current_price > 0 AND current_price < 'Infinity'),
    unrealized_pnl  numeric,
    stop_loss       numeric CHECK (stop_loss > 0),
    take_profit     numeric CHECK (take_profit > 0),
    created_at      timestamptz NOT NULL DEFAULT now(),
    backtest_run_id bigint REFERENCES bifrost.backtest_runs (id) ON DELETE CASCADE,
    CONSTRAINT backtest_positions_has_parent CHECK (num_nonnulls(backtest_id, backtest_run_id) > 0),
    CONSTRAINT backtest_positions_sided_amount_not_negative CHECK (side = 'NET' OR amount >= 0)
);
CREATE INDEX backtest_positions_backtest_id_ts_idx ON bifrost.backtest_positions (backtest_id, ts) WHERE backtest_id IS NOT NULL;
CREATE INDEX backtest_positions_backtest_run_id_ts_idx ON bifrost.backtest_positions (backtest_run_id, ts) WHERE backtest_run_id IS NOT NULL;
COMMENT ON TABLE bifrost.backtest_positions IS 'Simulated positions of a backtest over time';

CREATE TABLE bifrost.backtest_decisions (
    id              bigserial PRIMARY KEY,
    backtest_id     bigint REFERENCES bifrost.backtest_results (id) ON DELETE CASCADE,
    ts              timestamptz NOT NULL,
    action          text NOT NULL CHECK (action <> ''),
    confidence      double precision CHECK (confidence >= 0 AND confidence <= 1),
    reasoning       text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    backtest_run_id bigint REFERENCES bifrost.backtest_runs (id) ON DELETE CASCADE,
    net_delta       double precision CHECK (net_delta > '-Infinity' AND net_delta < 'Infinity'),
    intent_side     text CHECK (intent_side IN ('BUY', 'SELL')),
    intent_qty      integer CHECK (intent_qty >= 0),
    block_reason    text CHECK (block_reason <> ''),
    trading_state   text CHECK (trading_state IN ('BOOT', 'SYNC', 'IDLE', 'ARMED', 'MONITOR', 'NO_TRADE',
                                                  'PAUSE_COST', 'PAUSE_LIQ', 'NEED_HEDGE', 'HEDGING', 'SAFE')),
    CONSTRAINT backtest_decisions_has_parent CHECK (num_nonnulls(backtest_id, backtest_run_id) > 0),
    CONSTRAINT backtest_decisions_intent_side_and_qty CHECK ((intent_side IS NULL) = (intent_qty IS NULL))
);
CREATE INDEX backtest_decisions_backtest_id_ts_idx ON bifrost.backtest_decisions (backtest_id, ts) WHERE backtest_id IS NOT NULL;
CREATE INDEX backtest_decisions_backtest_run_id_ts_idx ON bifrost.backtest_decisions (backtest_run_id, ts) WHERE backtest_run_id IS NOT NULL;
COMMENT ON TABLE bifrost.backtest_decisions IS 'Decisions taken during a backtest, with the hedge intent and the gate that blocked it';

CREATE TABLE bifrost.backtest_ticks (
    id              bigserial PRIMARY KEY,
    backtest_run_id bigint NOT NULL REFERENCES bifrost.backtest_runs (id) ON DELETE CASCADE,
    ts              timestamptz NOT NULL,
    bid             numeric CHECK (bid > 0 AND bid < 'Infinity'),
    ask             numeric CHECK (ask > 0 AND ask < 'Infinity'),
    spot            numeric CHECK (spot > 0 AND spot < 'Infinity'),
    net_delta       double precision CHECK (net_delta > '-Infinity' AND net_delta < 'Infinity'),
    stock_position  integer,
    trading_state   text CHECK (trading_state IN ('BOOT', 'SYNC', 'IDLE', 'ARMED', 'MONITOR', 'NO_TRADE',
                                                  'PAUSE_COST', 'PAUSE_LIQ', 'NEED_HEDGE', 'HEDGING', 'SAFE')),
    pnl             numeric,
    equity          numeric,
    CONSTRAINT backtest_ticks_bid_not_above_ask CHECK (bid <= ask)
);
CREATE INDEX backtest_ticks_backtest_run_id_ts_idx ON bifrost.backtest_ticks (backtest_run_id, ts);
COMMENT ON TABLE bifrost.backtest_ticks IS 'Per-tick trace of a backtest run: the quote replayed, the book''s delta and position, and the equity curve';

------------------------------------------------------------------------------
-- Ingestion and data health (seed 003 §2.5, §5).
------------------------------------------------------------------------------

CREATE TABLE bifrost.ingestion_runs (
    id            bigserial PRIMARY KEY,
    source        text NOT NULL CHECK (source IN ('okx')),
    symbol        text NOT NULL CHECK (symbol <> ''),
    timeframe     text CHECK (timeframe IN ('15m', '1h', '4h', '1d')),
    data_type     text NOT NULL
                  CHECK (data_type IN ('ohlcv', 'funding_rate', 'price_snapshot', 'open_interest', 'long_short_ratio')),
    started_at    timestamptz NOT NULL DEFAULT now(),
    ended_at      timestamptz,
    rows_inserted integer CHECK (rows_inserted >= 0),
    status        text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'success', 'failed', 'skipped')),
    error         text,
    CONSTRAINT ingestion_runs_timeframe_iff_ohlcv CHECK ((data_type = 'ohlcv') = (timeframe IS NOT NULL)),
    CONSTRAINT ingestion_runs_time_range CHECK (ended_at >= started_at),
    CONSTRAINT ingestion_runs_ended CHECK (status = 'running' OR ended_at IS NOT NULL)
);
CREATE INDEX ingestion_runs_symbol_started_at_idx ON bifrost.ingestion_runs (symbol, started_at DESC);
CREATE INDEX ingestion_runs_data_type_started_at_idx ON bifrost.ingestion_runs (data_type, symbol, started_at DESC);
COMMENT ON TABLE bifrost.ingestion_runs IS 'One row per market-data ingestion call: what was fetched, how many rows were new or changed, and the outcome';

CREATE TABLE bifrost.candle_integrity_events (
    id             bigserial PRIMARY KEY,
    symbol         text NOT NULL CHECK (symbol <> ''),
    timeframe      text NOT NULL CHECK (timeframe IN ('15m', '1h', '4h', '1d')),
    event_type     text NOT NULL CHECK (event_type IN ('GAP', 'DUPLICATE', 'REPAIR')),
    start_ts       timestamptz,
    end_ts         timestamptz,
    expected_bars  integer CHECK (expected_bars >= 0),
    actual_bars    integer CHECK (actual_bars >= 0),
    missing_bars   integer CHECK (missing_bars >= 0),
    duplicate_bars integer CHECK (duplicate_bars >= 0),
    severity       text CHECK (severity IN ('LOW', 'MEDIUM', 'HIGH')),
    detected_at    timestamptz NOT NULL DEFAULT now(),
    repair_job_id  text,
    details_json   jsonb,
    CONSTRAINT candle_integrity_events_time_range CHECK (end_ts >= start_ts)
);
CREATE INDEX candle_integrity_events_detected_at_idx ON bifrost.candle_integrity_events (symbol, timeframe, detected_at DESC);
CREATE INDEX candle_integrity_events_start_ts_idx ON bifrost.candle_integrity_events (symbol, timeframe, start_ts DESC);
COMMENT ON TABLE bifrost.candle_integrity_events IS 'Gaps, duplicates and repairs found in stored candles';

CREATE TABLE bifrost.schema_version (
    version    text PRIMARY KEY CHECK (version ~ '^[0-9]+(\.[0-9]+)*$'),
    name       text NOT NULL CHECK (name <> ''),
    applied_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO bifrost.schema_version (version, name) VALUES ('0.1', 'install');
COMMENT ON TABLE bifrost.schema_version IS 'One row per install or upgrade script applied to this database';

------------------------------------------------------------------------------
-- pg_dump: keep what users and the worker accumulate.  Runtime state
-- (status_current, daemon_heartbeat, daemon_run_status) is rebuilt by the
-- worker; schema_version by the scripts; secrets stay out of dumps on purpose
-- (re-enter them after a restore).  Pending control commands are not dumped
-- so a restore never replays an old stop.
------------------------------------------------------------------------------

DO $dump$
DECLARE
    t   text;
    seq regclass;
BEGIN
    FOREACH t IN ARRAY ARRAY[
        'config', 'legs', 'ticks', 'status_history', 'operations',
        'market_data', 'funding_rates', 'price_snapshots', 'open_interest', 'long_short_ratio',
        'prompt_versions', 'model_versions', 'llm_runs', 'decisions',
        'orders', 'order_lifecycle_events', 'trades', 'positions', 'position_snapshots', 'balances', 'risk_events',
        'backtest_configs', 'backtest_runs', 'backtest_results', 'backtest_orders', 'backtest_positions',
        'backtest_decisions', 'backtest_ticks', 'ingestion_runs', 'candle_integrity_events']
    LOOP
        PERFORM pg_catalog.pg_extension_config_dump(pg_catalog.format('bifrost.%I', t)::regclass, '');
        -- and the sequence behind its bigserial, so restored ids don't collide
        FOR seq IN
            SELECT d.objid::regclass
              FROM pg_catalog.pg_depend d
              JOIN pg_catalog.pg_class s ON s.oid = d.objid AND s.relkind = 'S'
             WHERE d.classid = 'pg_catalog.pg_class'::regclass
               AND d.refobjid = pg_catalog.format('bifrost.%I', t)::regclass
               AND d.deptype = 'a'
        LOOP
            PERFORM pg_catalog.pg_extension_config_dump(seq, '');
        END LOOP;
    END LOOP;
END
$dump$;

SELECT pg_catalog.pg_extension_config_dump('bifrost.daemon_control', 'WHERE consumed_at IS NOT NULL');
SELECT pg_catalog.pg_extension_config_dump('bifrost.daemon_control_id_seq', '');

------------------------------------------------------------------------------
-- Functions implemented in C.
------------------------------------------------------------------------------

CREATE FUNCTION bifrost.config_problems(OUT key text, OUT problem text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'bifrost_config_problems'
LANGUAGE C STABLE;
COMMENT ON FUNCTION bifrost.config_problems() IS 'Validates bifrost.config: one row per unknown or missing key, wrong type, value out of range or broken cross-key rule';

CREATE FUNCTION bifrost_config_set(key text, value jsonb)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'bifrost_config_set'
LANGUAGE C VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION bifrost_config_set(text, jsonb) IS 'Validates and stores one strategy configuration value, returns the stored value and wakes the hedger';

CREATE FUNCTION bifrost_start()
RETURNS integer
AS 'MODULE_PATHNAME', 'bifrost_start'
LANGUAGE C VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION bifrost_start() IS 'Launches the hedger worker for this database unless one runs; returns its pid';

CREATE FUNCTION bifrost._wake_worker()
RETURNS boolean
AS 'MODULE_PATHNAME', 'bifrost_wake_worker'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION bifrost._wake_worker() IS 'Sets the latch of this database''s hedger so it reads its command queue now; false when none runs';

------------------------------------------------------------------------------
-- Internal helpers.
------------------------------------------------------------------------------

-- The worker holds pg_try_advisory_lock(1111904084, 1) for its whole life:
-- a two-int4-key advisory lock shows in pg_locks with objsubid 2.
CREATE FUNCTION bifrost.worker_pid()
RETURNS integer
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT l.pid
      FROM pg_catalog.pg_locks l
     WHERE l.locktype = 'advisory'
       AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
       AND l.classid = 1111904084
       AND l.objid = 1
       AND l.objsubid = 2
       AND l.granted
     LIMIT 1
$$;
COMMENT ON FUNCTION bifrost.worker_pid() IS 'Pid of the process holding the hedger''s single-instance lock in this database, NULL when none runs';

-- The interval the freshness windows scale with: the worker's own report
-- first, then the GUC when the library is loaded, then its default of 10 s.
CREATE FUNCTION bifrost.heartbeat_interval_sec()
RETURNS integer
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT coalesce(
        (SELECT h.heartbeat_interval_sec FROM bifrost.daemon_heartbeat h WHERE h.id = 1),
        (SELECT s.setting::integer FROM pg_catalog.pg_settings s WHERE s.name = 'bifrost.heartbeat_interval'),
        10)
$$;
COMMENT ON FUNCTION bifrost.heartbeat_interval_sec() IS 'Heartbeat interval in seconds: the worker''s last report, else bifrost.heartbeat_interval, else 10';

-- A numeric configuration value; NULL when the key is set to JSON null
-- (limit switched off) or holds no number.  Falls back to the built-in
-- default when the row is missing.
CREATE FUNCTION bifrost._config_number(cfg_key text)
RETURNS double precision
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN pg_catalog.jsonb_typeof(v.value) = 'number'
                THEN (v.value #>> '{}')::double precision
           END
      FROM (SELECT coalesce((SELECT c.value FROM bifrost.config c WHERE c.key = cfg_key),
                            (SELECT d.value FROM bifrost._config_defaults() d WHERE d.key = cfg_key)) AS value) v
$$;
COMMENT ON FUNCTION bifrost._config_number(text) IS 'Numeric value of a configuration key (its default when the row is missing), NULL when switched off';

-- Records a control command and wakes the worker.  Runs with the rights of
-- the SECURITY DEFINER function that calls it; not callable by PUBLIC.
CREATE FUNCTION bifrost._send_command(cmd text, note text DEFAULT NULL)
RETURNS boolean
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    command_id bigint;
BEGIN
    IF cmd IS NULL OR cmd NOT IN ('start', 'stop', 'suspend', 'resume', 'retry_broker', 'flatten', 'resume_trading') THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = pg_catalog.format('unknown bifrost command: %s', coalesce(pg_catalog.quote_literal(cmd), 'NULL')),
            DETAIL = 'Commands are start, stop, suspend, resume, retry_broker, flatten and resume_trading.';
    END IF;

    INSERT INTO bifrost.daemon_control (command, requested_by)
    VALUES (cmd, session_user)
    RETURNING id INTO command_id;

    IF bifrost.worker_pid() IS NULL THEN
        UPDATE bifrost.daemon_control
           SET consumed_at = pg_catalog.clock_timestamp(), result = 'no worker running'
         WHERE id = command_id;
        RAISE NOTICE 'no bifrost hedger is running in this database; command "%" was recorded but not delivered', cmd
            USING DETAIL = coalesce(note, 'The command is marked consumed with result "no worker running".'),
                  HINT = 'Start the hedger with SELECT bifrost_start(); or add bifrost to shared_preload_libraries.';
        RETURN false;
    END IF;

    RETURN bifrost._wake_worker();
END
$$;
COMMENT ON FUNCTION bifrost._send_command(text, text) IS 'Queues a command in bifrost.daemon_control and wakes the hedger; false (with a notice) when no hedger runs';

------------------------------------------------------------------------------
-- Control (role bifrost_operator).
------------------------------------------------------------------------------

CREATE FUNCTION bifrost_stop()
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN bifrost._send_command('stop');
END
$$;
COMMENT ON FUNCTION bifrost_stop() IS 'Asks the hedger to stop (it writes STOPPED and graceful_shutdown_at); false when none runs';

CREATE FUNCTION bifrost_suspend()
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO bifrost.daemon_run_status AS r (id, suspended, updated_at, updated_by)
    VALUES (1, true, pg_catalog.now(), session_user)
    ON CONFLICT (id) DO UPDATE
        SET suspended = true, updated_at = excluded.updated_at, updated_by = excluded.updated_by;
    RETURN bifrost._send_command('suspend',
        'The suspended flag is saved: a hedger started later stays suspended until bifrost_resume().');
END
$$;
COMMENT ON FUNCTION bifrost_suspend() IS 'Suspends hedging (the worker keeps running and reporting); the flag survives restarts';

CREATE FUNCTION bifrost_resume()
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO bifrost.daemon_run_status AS r (id, suspended, updated_at, updated_by)
    VALUES (1, false, pg_catalog.now(), session_user)
    ON CONFLICT (id) DO UPDATE
        SET suspended = false, updated_at = excluded.updated_at, updated_by = excluded.updated_by;
    RETURN bifrost._send_command('resume',
        'The suspended flag is cleared: a hedger started later hedges right away.');
END
$$;
COMMENT ON FUNCTION bifrost_resume() IS 'Resumes hedging after bifrost_suspend()';

CREATE FUNCTION bifrost_retry_broker()
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN bifrost._send_command('retry_broker');
END
$$;
COMMENT ON FUNCTION bifrost_retry_broker() IS 'Asks a hedger waiting for its broker (WAITING_BROKER) to reconnect now instead of at the next heartbeat';

------------------------------------------------------------------------------
-- Status and audit (role bifrost_reader).
------------------------------------------------------------------------------

/*
 * The two lamps of the reference's monitor, corrected: every reason that
 * applies is listed (red ones first), SAFE, PAUSE_LIQ, a stuck NEED_HEDGE, a
 * tripped loss breaker, an exhausted daily limit and a stale status row all
 * show, and the daemon's alive window is three heartbeat intervals and
 * honours graceful_shutdown_at.
 */
CREATE FUNCTION bifrost_status()
RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    now_ts      timestamptz := pg_catalog.clock_timestamp();
    st          bifrost.status_current%ROWTYPE;
    hb          bifrost.daemon_heartbeat%ROWTYPE;
    have_status boolean;
    have_hb     boolean;
    suspended   boolean;
    interval_s  integer;
    alive_win   interval;
    loss_limit  double precision;
    lag_limit   double precision;
    count_limit double precision;
    red         text[] := '{}';
    yellow      text[] := '{}';
    d_red       text[] := '{}';
    d_yellow    text[] := '{}';
BEGIN
    SELECT * INTO st FROM bifrost.status_current s WHERE s.id = 1;
    have_status := FOUND;
    SELECT * INTO hb FROM bifrost.daemon_heartbeat h WHERE h.id = 1;
    have_hb := FOUND;
    SELECT r.suspended INTO suspended FROM bifrost.daemon_run_status r WHERE r.id = 1;
    suspended := coalesce(suspended, false);
    interval_s := bifrost.heartbeat_interval_sec();
    alive_win := pg_catalog.make_interval(secs => 3 * interval_s);

    -- hedging lamp: red
    IF NOT have_status THEN
        red := pg_catalog.array_append(red, 'no_status');
    ELSE
        IF st.daemon_state IS NULL OR st.daemon_state NOT IN ('RUNNING', 'RUNNING_SUSPENDED') THEN
            red := pg_catalog.array_append(red, 'daemon_not_running');
        END IF;
        IF now_ts - st.ts > alive_win THEN
            red := pg_catalog.array_append(red, 'status_stale');
        END IF;
        IF st.trading_state = 'SAFE' THEN
            red := pg_catalog.array_append(red, 'trading_safe');
        END IF;
        loss_limit := bifrost._config_number('gates.guard.risk.max_daily_loss_usd');
        IF loss_limit > 0 AND st.daily_pnl <= -loss_limit THEN
            red := pg_catalog.array_append(red, 'circuit_breaker');
        END IF;
    END IF;

    -- hedging lamp: yellow
    IF suspended OR st.daemon_state = 'RUNNING_SUSPENDED' THEN
        yellow := pg_catalog.array_append(yellow, 'trading_suspended');
    END IF;
    IF have_status THEN
        lag_limit := bifrost._config_number('gates.state.system.data_lag_threshold_ms');
        IF st.data_lag_ms > lag_limit THEN
            yellow := pg_catalog.array_append(yellow, 'data_stale');
        END IF;
        IF st.trading_state = 'PAUSE_COST' THEN
            yellow := pg_catalog.array_append(yellow, 'trading_state_pause_cost');
        ELSIF st.trading_state = 'PAUSE_LIQ' THEN
            yellow := pg_catalog.array_append(yellow, 'trading_state_pause_liq');
        ELSIF st.trading_state = 'NEED_HEDGE'
              AND now_ts - st.trading_state_since > pg_catalog.make_interval(secs => interval_s) THEN
            yellow := pg_catalog.array_append(yellow, 'need_hedge_stuck');
        ELSIF st.trading_state IN ('BOOT', 'SYNC') THEN
            yellow := pg_catalog.array_append(yellow, 'trading_not_ready');
        END IF;
        count_limit := bifrost._config_number('gates.guard.risk.max_daily_hedge_count');
        IF st.daily_hedge_count >= count_limit THEN
            yellow := pg_catalog.array_append(yellow, 'daily_limit_reached');
        END IF;
    END IF;

    -- daemon lamp: a stopped daemon is only "stopped", not also stale
    IF NOT have_hb THEN
        d_red := pg_catalog.array_append(d_red, 'no_heartbeat');
    ELSIF hb.graceful_shutdown_at >= hb.last_ts OR (hb.last_ts IS NULL AND hb.graceful_shutdown_at IS NOT NULL) THEN
        d_red := pg_catalog.array_append(d_red, 'daemon_stopped');
    ELSE
        IF hb.last_ts IS NULL OR now_ts - hb.last_ts > alive_win THEN
            d_red := pg_catalog.array_append(d_red, 'heartbeat_stale');
        END IF;
        IF NOT hb.broker_connected THEN
            d_yellow := pg_catalog.array_append(d_yellow, 'broker_not_connected');
        END IF;
    END IF;

    RETURN pg_catalog.jsonb_build_object(
        'self_check', CASE WHEN red <> '{}' THEN 'blocked' WHEN yellow <> '{}' THEN 'degraded' ELSE 'ok' END,
        'status_lamp', CASE WHEN red <> '{}' THEN 'red' WHEN yellow <> '{}' THEN 'yellow' ELSE 'green' END,
        'block_reasons', pg_catalog.to_jsonb(red || yellow),
        'daemon_self_check', CASE WHEN d_red <> '{}' THEN 'blocked' WHEN d_yellow <> '{}' THEN 'degraded' ELSE 'ok' END,
        'daemon_lamp', CASE WHEN d_red <> '{}' THEN 'red' WHEN d_yellow <> '{}' THEN 'yellow' ELSE 'green' END,
        'daemon_block_reasons', pg_catalog.to_jsonb(d_red || d_yellow),
        'trading_suspended', suspended,
        'heartbeat', CASE WHEN have_hb THEN
                         pg_catalog.to_jsonb(hb) || pg_catalog.jsonb_build_object(
                             'age_sec', pg_catalog.round(pg_catalog.date_part('epoch', now_ts - hb.last_ts)::numeric, 3))
                     END,
        'status', CASE WHEN have_status THEN pg_catalog.to_jsonb(st) END);
EXCEPTION WHEN OTHERS THEN
    -- A monitor must get an answer even when the tables are broken.
    RETURN pg_catalog.jsonb_build_object(
        'self_check', 'blocked', 'status_lamp', 'red', 'block_reasons', '["status_read_error"]'::jsonb,
        'daemon_self_check', 'blocked', 'daemon_lamp', 'red', 'daemon_block_reasons', '["status_read_error"]'::jsonb,
        'trading_suspended', NULL, 'heartbeat', NULL, 'status', NULL,
        'error', SQLERRM);
END
$$;
COMMENT ON FUNCTION bifrost_status() IS 'Hedging and daemon lamps with every reason that applies, the suspended flag, the heartbeat row and the status row, as one JSON object';

CREATE FUNCTION bifrost_operations(since timestamptz DEFAULT NULL,
                                   until timestamptz DEFAULT NULL,
                                   op_type text DEFAULT NULL,
                                   lim integer DEFAULT 100)
RETURNS SETOF bifrost.operations
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF lim IS NULL OR lim < 1 OR lim > 1000 THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = pg_catalog.format('invalid value for lim: %s', coalesce(lim::text, 'NULL')),
            DETAIL = 'lim must be between 1 and 1000.',
            HINT = 'To page back, call again with until just before the ts of the oldest row returned.';
    END IF;
    IF op_type IS NOT NULL AND op_type NOT IN ('hedge_intent', 'order_sent', 'fill', 'reject', 'cancel') THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = pg_catalog.format('invalid value for op_type: %s', pg_catalog.quote_literal(op_type)),
            DETAIL = 'op_type must be one of hedge_intent, order_sent, fill, reject, cancel.',
            HINT = 'Pass NULL to get operations of every type.';
    END IF;
    IF since > until THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = pg_catalog.format('invalid value for since: %s is later than until %s', since, until),
            HINT = 'Swap since and until, or pass NULL for an open end.';
    END IF;

    RETURN QUERY
        SELECT o.*
          FROM bifrost.operations o
         WHERE (since IS NULL OR o.ts >= since)
           AND (until IS NULL OR o.ts <= until)
           AND (op_type IS NULL OR o.type = op_type)
         ORDER BY o.ts DESC, o.id DESC
         LIMIT lim;
END
$$;
COMMENT ON FUNCTION bifrost_operations(timestamptz, timestamptz, text, integer) IS 'Hedge operations between since and until (inclusive), optionally of one type, newest first, at most lim (1..1000) rows';

------------------------------------------------------------------------------
-- Self-check.
------------------------------------------------------------------------------

/*
 * Everything the self-check compares, read from the catalog: tables of schema
 * bifrost with their columns in order (formatted type, NOT NULL), constraints
 * (pg_get_constraintdef), indexes not owned by a constraint (pg_get_indexdef),
 * user triggers, and the functions that belong to the extension.  The
 * search_path is pinned so every name prints schema-qualified the same way
 * whatever the caller's setting.
 */
CREATE FUNCTION bifrost._catalog_snapshot()
RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.jsonb_build_object(
        'tables', coalesce((
            SELECT pg_catalog.jsonb_object_agg(c.relname, pg_catalog.jsonb_build_object(
                'columns', (SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                                    'name', a.attname::text,
                                    'type', pg_catalog.format_type(a.atttypid, a.atttypmod),
                                    'not_null', a.attnotnull) ORDER BY a.attnum), '[]')
                              FROM pg_catalog.pg_attribute a
                             WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
                'constraints', (SELECT coalesce(pg_catalog.jsonb_object_agg(k.conname, pg_catalog.pg_get_constraintdef(k.oid)), '{}')
                                  FROM pg_catalog.pg_constraint k
                                 WHERE k.conrelid = c.oid),
                'indexes', (SELECT coalesce(pg_catalog.jsonb_object_agg(i.relname, pg_catalog.pg_get_indexdef(i.oid)), '{}')
                              FROM pg_catalog.pg_index x
                              JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
                             WHERE x.indrelid = c.oid
                               AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k
                                                WHERE k.conindid = x.indexrelid AND k.conrelid = c.oid
                                                  AND k.contype IN ('p', 'u', 'x'))),
                'triggers', (SELECT coalesce(pg_catalog.jsonb_object_agg(g.tgname, pg_catalog.pg_get_triggerdef(g.oid)), '{}')
                               FROM pg_catalog.pg_trigger g
                              WHERE g.tgrelid = c.oid AND NOT g.tgisinternal)))
              FROM pg_catalog.pg_class c
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'bifrost' AND c.relkind IN ('r', 'p')), '{}'),
        'functions', coalesce((
            SELECT pg_catalog.jsonb_agg(f.sig ORDER BY f.sig)
              FROM (SELECT p.oid::pg_catalog.regprocedure::text AS sig
                      FROM pg_catalog.pg_depend d
                      JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
                      JOIN pg_catalog.pg_proc p ON p.oid = d.objid
                     WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
                       AND d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
                       AND d.deptype = 'e'
                       AND e.extname = 'bifrost') f), '[]'))
$$;
COMMENT ON FUNCTION bifrost._catalog_snapshot() IS 'The live catalog of schema bifrost (tables, columns, constraints, indexes, triggers) and the extension''s functions, as JSON';

/*
 * One row per expected object, ok when the live catalog has it unchanged.
 * A missing table is one row; its columns, constraints and indexes are then
 * not reported again.
 */
CREATE FUNCTION bifrost._schema_problems(expected jsonb, live jsonb)
RETURNS TABLE (name text, ok boolean, detail text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    WITH et AS (
        SELECT t.key AS tab, t.value AS exp, live->'tables'->t.key AS liv
          FROM pg_catalog.jsonb_each(expected->'tables') t
    ),
    ecol AS (
        SELECT et.tab, c.value->>'name' AS col, c.value->>'type' AS typ, (c.value->>'not_null')::boolean AS nn, c.n AS pos
          FROM et, pg_catalog.jsonb_array_elements(et.exp->'columns') WITH ORDINALITY AS c(value, n)
         WHERE et.liv IS NOT NULL
    ),
    lcol AS (
        SELECT et.tab, c.value->>'name' AS col, c.value->>'type' AS typ, (c.value->>'not_null')::boolean AS nn, c.n AS pos
          FROM et, pg_catalog.jsonb_array_elements(et.liv->'columns') WITH ORDINALITY AS c(value, n)
         WHERE et.liv IS NOT NULL
    ),
    col_issue AS (
        SELECT e.tab, e.pos,
               CASE
                   WHEN l.col IS NULL THEN pg_catalog.format('column %s is missing (dropped or renamed)', e.col)
                   WHEN l.typ <> e.typ THEN pg_catalog.format('column %s has type %s, expected %s', e.col, l.typ, e.typ)
                   WHEN l.nn AND NOT e.nn THEN pg_catalog.format('column %s is NOT NULL, expected nullable', e.col)
                   WHEN e.nn AND NOT l.nn THEN pg_catalog.format('column %s allows nulls, expected NOT NULL', e.col)
               END AS issue
          FROM ecol e
          LEFT JOIN lcol l ON l.tab = e.tab AND l.col = e.col
    ),
    -- positions of the expected columns that are present, counted among themselves
    col_order AS (
        SELECT e.tab,
               pg_catalog.bool_and(e.rank_e = l.rank_l) AS in_order
          FROM (SELECT e.tab, e.col, pg_catalog.row_number() OVER (PARTITION BY e.tab ORDER BY e.pos) AS rank_e
                  FROM ecol e WHERE EXISTS (SELECT 1 FROM lcol l WHERE l.tab = e.tab AND l.col = e.col)) e
          JOIN (SELECT l.tab, l.col, pg_catalog.row_number() OVER (PARTITION BY l.tab ORDER BY l.pos) AS rank_l
                  FROM lcol l WHERE EXISTS (SELECT 1 FROM ecol e WHERE e.tab = l.tab AND e.col = l.col)) l
            ON l.tab = e.tab AND l.col = e.col
         GROUP BY e.tab
    ),
    cols AS (
        SELECT et.tab,
               pg_catalog.array_remove(
                   pg_catalog.array_agg(ci.issue ORDER BY ci.pos)
                   || CASE WHEN co.in_order IS FALSE THEN 'columns are not in the expected order'::text END,
                   NULL) AS issues,
               pg_catalog.jsonb_array_length(et.exp->'columns') AS ncols
          FROM et
          JOIN col_issue ci ON ci.tab = et.tab
          LEFT JOIN col_order co ON co.tab = et.tab
         GROUP BY et.tab, et.exp, co.in_order
    ),
    objs AS (
        SELECT et.tab, k.kind, o.key AS obj, o.value #>> '{}' AS def,
               et.liv->k.member->>o.key AS live_def,
               (SELECT l.key FROM pg_catalog.jsonb_each(et.liv->k.member) l
                 WHERE l.value = o.value LIMIT 1) AS same_def_as
          FROM et,
               LATERAL (VALUES ('constraint', 'constraints'), ('index', 'indexes'), ('trigger', 'triggers')) AS k(kind, member),
               LATERAL pg_catalog.jsonb_each(et.exp->k.member) o
         WHERE et.liv IS NOT NULL
    )
    SELECT 'table bifrost.' || et.tab,
           et.liv IS NOT NULL,
           CASE WHEN et.liv IS NULL THEN pg_catalog.format('table bifrost.%s is missing', et.tab) ELSE 'present' END
      FROM et
    UNION ALL
    SELECT 'columns of bifrost.' || c.tab,
           c.issues = '{}',
           CASE WHEN c.issues = '{}' THEN pg_catalog.format('%s columns as expected', c.ncols)
                ELSE pg_catalog.array_to_string(c.issues, '; ') END
      FROM cols c
    UNION ALL
    SELECT pg_catalog.format('%s %s on bifrost.%s', o.kind, o.obj, o.tab),
           o.live_def IS NOT DISTINCT FROM o.def,
           CASE
               WHEN o.live_def = o.def THEN o.def
               WHEN o.live_def IS NOT NULL THEN
                   pg_catalog.format('%s %s on bifrost.%s is "%s", expected "%s"', o.kind, o.obj, o.tab, o.live_def, o.def)
               WHEN o.same_def_as IS NOT NULL THEN
                   pg_catalog.format('%s %s on bifrost.%s is missing (the same definition exists as %s)', o.kind, o.obj, o.tab, o.same_def_as)
               ELSE pg_catalog.format('%s %s on bifrost.%s is missing: expected "%s"', o.kind, o.obj, o.tab, o.def)
           END
      FROM objs o
    UNION ALL
    SELECT 'function ' || (f.value #>> '{}'),
           live->'functions' @> pg_catalog.jsonb_build_array(f.value),
           CASE WHEN live->'functions' @> pg_catalog.jsonb_build_array(f.value) THEN 'present'
                ELSE pg_catalog.format('function %s is missing', f.value #>> '{}') END
      FROM pg_catalog.jsonb_array_elements(expected->'functions') f
$$;
COMMENT ON FUNCTION bifrost._schema_problems(jsonb, jsonb) IS 'Compares two catalog snapshots: one row per expected table, column set, constraint, index, trigger and function';

CREATE FUNCTION bifrost_self_check()
RETURNS TABLE (category text, name text, ok boolean, detail text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    r            record;
    expected     jsonb;
    live         jsonb;
    n            integer;
    now_ts       timestamptz := pg_catalog.clock_timestamp();
    interval_s   integer := 10;
    alive_win    interval;
    hb           record;
    have_hb      boolean := false;
    stopped      boolean := false;
    preloaded    boolean := false;
    expect_proc  boolean := false;
    n_workers    integer := 0;
    lock_pid     integer;
    hb_alive     boolean;
    problems     text[];
    status_ts    timestamptz;
BEGIN
    ---------------------------------------------------------------- schema
    category := 'schema';
    BEGIN
        name := 'schema bifrost';
        ok := EXISTS (SELECT 1 FROM pg_catalog.pg_namespace s WHERE s.nspname = 'bifrost');
        detail := CASE WHEN ok THEN 'present' ELSE 'schema bifrost is missing: DROP EXTENSION bifrost and create it again' END;
        RETURN NEXT;
    END;

    BEGIN
        expected := bifrost.expected_schema();
        live := bifrost._catalog_snapshot();
        FOR r IN SELECT * FROM bifrost._schema_problems(expected, live) LOOP
            name := r.name; ok := r.ok; detail := r.detail;
            RETURN NEXT;
        END LOOP;
    EXCEPTION WHEN OTHERS THEN
        name := 'expected schema'; ok := false;
        detail := 'cannot compare the catalog with the expected schema: ' || SQLERRM;
        RETURN NEXT;
    END;

    FOR r IN SELECT rn FROM pg_catalog.unnest(ARRAY['bifrost_reader', 'bifrost_operator']) AS u(rn) LOOP
        name := 'role ' || r.rn;
        ok := EXISTS (SELECT 1 FROM pg_catalog.pg_roles ro WHERE ro.rolname = r.rn);
        detail := CASE WHEN ok THEN 'present' ELSE pg_catalog.format('role %s is missing', r.rn) END;
        RETURN NEXT;
    END LOOP;

    ---------------------------------------------------------------- config
    category := 'config';
    BEGIN
        n := 0;
        FOR r IN SELECT p.key, p.problem FROM bifrost.config_problems() p ORDER BY p.key, p.problem LOOP
            name := r.key; ok := false; detail := r.problem;
            n := n + 1;
            RETURN NEXT;
        END LOOP;
        IF n = 0 THEN
            name := 'all keys valid'; ok := true;
            detail := pg_catalog.format('%s keys checked', (SELECT pg_catalog.count(*) FROM bifrost.config));
            RETURN NEXT;
        END IF;
    EXCEPTION WHEN OTHERS THEN
        name := 'config_problems'; ok := false;
        detail := 'cannot validate bifrost.config: ' || SQLERRM;
        RETURN NEXT;
    END;

    ---------------------------------------------------------------- worker
    category := 'worker';
    BEGIN
        BEGIN
            interval_s := bifrost.heartbeat_interval_sec();
        EXCEPTION WHEN OTHERS THEN
            interval_s := 10;
        END;
        alive_win := pg_catalog.make_interval(secs => 3 * interval_s);

        BEGIN
            SELECT h.last_ts, h.graceful_shutdown_at, h.worker_pid INTO hb
              FROM bifrost.daemon_heartbeat h WHERE h.id = 1;
            have_hb := FOUND;
        EXCEPTION WHEN OTHERS THEN
            have_hb := false;
        END;
        stopped := have_hb AND (hb.graceful_shutdown_at >= hb.last_ts
                                OR (hb.last_ts IS NULL AND hb.graceful_shutdown_at IS NOT NULL));
        stopped := coalesce(stopped, false);

        preloaded := EXISTS (
            SELECT 1
              FROM pg_catalog.unnest(pg_catalog.string_to_array(
                       coalesce(pg_catalog.current_setting('shared_preload_libraries', true), ''), ',')) AS l(lib)
             WHERE pg_catalog.regexp_replace(pg_catalog.btrim(l.lib, ' "'), '^.*/', '') IN ('bifrost', 'bifrost.so'));
        -- bifrost.enabled = off still runs the worker (suspended), so it
        -- does not change whether a process is expected.
        expect_proc := (preloaded
                        AND coalesce(pg_catalog.current_setting('bifrost.database', true), 'postgres')
                            = pg_catalog.current_database())
                       OR (have_hb AND NOT stopped);

        SELECT pg_catalog.count(*) INTO n_workers
          FROM pg_catalog.pg_stat_activity a
         WHERE a.backend_type = 'bifrost hedger' AND a.datname = pg_catalog.current_database();
        BEGIN
            lock_pid := bifrost.worker_pid();
        EXCEPTION WHEN OTHERS THEN
            lock_pid := NULL;
        END;

        name := 'process';
        IF n_workers = 1 AND lock_pid IS NOT NULL THEN
            ok := true;
            detail := pg_catalog.format('running as pid %s', lock_pid);
        ELSIF n_workers >= 1 AND lock_pid IS NULL THEN
            ok := false;
            detail := 'a bifrost hedger process is connected but none holds the single-instance lock';
        ELSIF n_workers > 1 THEN
            ok := false;
            detail := pg_catalog.format('%s bifrost hedger processes are connected to this database', n_workers);
        ELSIF stopped THEN
            ok := false;
            detail := pg_catalog.format('stopped at %s; start it again with SELECT bifrost_start();', hb.graceful_shutdown_at);
        ELSIF expect_proc THEN
            ok := false;
            detail := 'no bifrost hedger process is connected to this database; see the server log, '
                      'SELECT bifrost_start(); launches one';
        ELSE
            ok := true;
            detail := 'not running; start it with SELECT bifrost_start(); or add bifrost to shared_preload_libraries';
        END IF;
        RETURN NEXT;

        name := 'single';
        ok := n_workers <= 1;
        detail := CASE n_workers
                      WHEN 0 THEN 'no hedger process in this database'
                      WHEN 1 THEN 'one hedger process in this database'
                      ELSE pg_catalog.format('%s hedger processes in this database, expected at most one', n_workers)
                  END;
        RETURN NEXT;

        name := 'heartbeat';
        problems := '{}';
        IF NOT have_hb THEN
            ok := NOT expect_proc;
            detail := 'no heartbeat row: the hedger has never run in this database';
        ELSIF stopped THEN
            ok := true;
            detail := pg_catalog.format('stopped gracefully at %s', hb.graceful_shutdown_at);
        ELSE
            IF hb.last_ts IS NULL OR now_ts - hb.last_ts > alive_win THEN
                problems := pg_catalog.array_append(problems, pg_catalog.format(
                    'stale: last heartbeat at %s is older than %s s (3 x heartbeat interval)',
                    coalesce(hb.last_ts::text, 'never'), 3 * interval_s));
            END IF;
            hb_alive := hb.worker_pid IS NOT NULL
                        AND EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity a WHERE a.pid = hb.worker_pid);
            IF NOT hb_alive THEN
                problems := pg_catalog.array_append(problems, pg_catalog.format(
                    'dead: worker pid %s is gone and no graceful shutdown was recorded',
                    coalesce(hb.worker_pid::text, '(unknown)')));
            END IF;
            ok := problems = '{}';
            detail := CASE WHEN ok THEN 'fresh' ELSE pg_catalog.array_to_string(problems, '; ') END;
        END IF;
        RETURN NEXT;
    EXCEPTION WHEN OTHERS THEN
        name := 'worker'; ok := false;
        detail := 'cannot check the worker: ' || SQLERRM;
        RETURN NEXT;
    END;

    ---------------------------------------------------------------- freshness
    category := 'freshness';
    BEGIN
        name := 'status_current';
        SELECT s.ts INTO status_ts FROM bifrost.status_current s WHERE s.id = 1;
        IF NOT expect_proc THEN
            ok := true;
            detail := 'no hedger expected; not checked';
        ELSIF status_ts IS NULL THEN
            ok := false;
            detail := 'no status row although a hedger is expected';
        ELSE
            ok := now_ts - status_ts <= alive_win;
            detail := CASE WHEN ok THEN 'fresh'
                           ELSE pg_catalog.format('status row written at %s is older than %s s (3 x heartbeat interval)',
                                                  status_ts, 3 * interval_s) END;
        END IF;
        RETURN NEXT;

        name := 'daemon_heartbeat';
        IF NOT expect_proc THEN
            ok := true;
            detail := 'no hedger expected; not checked';
        ELSIF NOT have_hb OR hb.last_ts IS NULL THEN
            ok := false;
            detail := 'no heartbeat although a hedger is expected';
        ELSE
            ok := now_ts - hb.last_ts <= alive_win;
            detail := CASE WHEN ok THEN 'fresh'
                           ELSE pg_catalog.format('last heartbeat at %s is older than %s s (3 x heartbeat interval)',
                                                  hb.last_ts, 3 * interval_s) END;
        END IF;
        RETURN NEXT;
    EXCEPTION WHEN OTHERS THEN
        name := 'freshness'; ok := false;
        detail := 'cannot check freshness: ' || SQLERRM;
        RETURN NEXT;
    END;

    ---------------------------------------------------------------- units
    category := 'units';
    BEGIN
        n := 0;
        problems := '{}';
        FOR r IN
            SELECT c.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) AS typ
              FROM pg_catalog.pg_attribute a
              JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
              JOIN pg_catalog.pg_namespace s ON s.oid = c.relnamespace
             WHERE s.nspname = 'bifrost' AND c.relkind IN ('r', 'p')
               AND a.attnum > 0 AND NOT a.attisdropped
               AND (a.attname = 'ts' OR a.attname ~ '_(ts|at|time|since)$')
             ORDER BY c.relname, a.attnum
        LOOP
            n := n + 1;
            IF r.typ <> 'timestamp with time zone' THEN
                name := pg_catalog.format('bifrost.%s.%s', r.relname, r.attname);
                ok := false;
                detail := pg_catalog.format('time column bifrost.%s.%s has type %s, expected timestamp with time zone',
                                            r.relname, r.attname, r.typ);
                problems := pg_catalog.array_append(problems, name);
                RETURN NEXT;
            END IF;
        END LOOP;
        IF problems = '{}' THEN
            name := 'time columns'; ok := true;
            detail := pg_catalog.format('%s time columns, all timestamp with time zone', n);
            RETURN NEXT;
        END IF;
    EXCEPTION WHEN OTHERS THEN
        name := 'time columns'; ok := false;
        detail := 'cannot check time columns: ' || SQLERRM;
        RETURN NEXT;
    END;
END
$$;
COMMENT ON FUNCTION bifrost_self_check() IS 'Checks schema, configuration, worker, data freshness and time units; one row per check, never raises';

------------------------------------------------------------------------------
-- Privileges.
------------------------------------------------------------------------------

DO $grants$
DECLARE
    t text;
BEGIN
    FOR t IN
        SELECT c.relname
          FROM pg_catalog.pg_class c
          JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'bifrost' AND c.relkind = 'r' AND c.relname <> 'secrets'
         ORDER BY c.relname
    LOOP
        EXECUTE pg_catalog.format('GRANT SELECT ON bifrost.%I TO bifrost_reader', t);
    END LOOP;
END
$grants$;

GRANT INSERT, UPDATE, DELETE ON bifrost.legs, bifrost.ticks TO bifrost_operator;
GRANT USAGE ON SEQUENCE bifrost.legs_id_seq, bifrost.ticks_id_seq TO bifrost_operator;

REVOKE ALL ON FUNCTION
    bifrost_status(),
    bifrost_operations(timestamptz, timestamptz, text, integer),
    bifrost_self_check(),
    bifrost_config_set(text, jsonb),
    bifrost_start(),
    bifrost_stop(),
    bifrost_suspend(),
    bifrost_resume(),
    bifrost_retry_broker(),
    bifrost._config_defaults(),
    bifrost.config_problems(),
    bifrost._config_merge_insert(),
    bifrost._wake_worker(),
    bifrost.worker_pid(),
    bifrost.heartbeat_interval_sec(),
    bifrost._config_number(text),
    bifrost._send_command(text, text),
    bifrost._catalog_snapshot(),
    bifrost._schema_problems(jsonb, jsonb)
FROM PUBLIC;

GRANT EXECUTE ON FUNCTION
    bifrost_status(),
    bifrost_operations(timestamptz, timestamptz, text, integer),
    bifrost_self_check(),
    bifrost._config_defaults(),
    bifrost.config_problems(),
    bifrost.worker_pid(),
    bifrost.heartbeat_interval_sec(),
    bifrost._config_number(text),
    bifrost._catalog_snapshot(),
    bifrost._schema_problems(jsonb, jsonb)
TO bifrost_reader;

GRANT EXECUTE ON FUNCTION
    bifrost_config_set(text, jsonb),
    bifrost_start(),
    bifrost_stop(),
    bifrost_suspend(),
    bifrost_resume(),
    bifrost_retry_broker()
TO bifrost_operator;

------------------------------------------------------------------------------
-- The expected schema: a snapshot of the catalog this script has just built,
-- baked into a function that belongs to the extension.  Upgrade scripts end
-- with the same block (CREATE OR REPLACE) so it always matches their DDL.
------------------------------------------------------------------------------

DO $expected$
BEGIN
    EXECUTE pg_catalog.format(
        'CREATE FUNCTION bifrost.expected_schema() RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS %L',
        pg_catalog.format('SELECT %L::jsonb', bifrost._catalog_snapshot()::text));
END
$expected$;
COMMENT ON FUNCTION bifrost.expected_schema() IS 'Catalog snapshot taken at the end of the install or upgrade script: what bifrost_self_check() expects';
REVOKE ALL ON FUNCTION bifrost.expected_schema() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION bifrost.expected_schema() TO bifrost_reader;
