/*
 * sql/install/50_backtest.sql: backtests: named set-ups, runs with their
 * configuration and metrics, and what a run simulated (orders, positions,
 * decisions, the per-tick trace).  What a run simulated goes with it (ON
 * DELETE CASCADE); an order, position or decision belongs to a
 * backtest_results row, a backtest_runs row, or both.
 */

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
