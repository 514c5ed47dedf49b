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
    source            text CHECK (source IN ('ticks', 'candles', 'sim')),
    sweep_id          bigint CHECK (sweep_id > 0),
    pnl               numeric,
    sortino_ratio     numeric,
    replication_cost  numeric,
    hedge_count       integer CHECK (hedge_count >= 0),
    quotes            bigint CHECK (quotes >= 0),
    worker_pid        integer CHECK (worker_pid > 0),
    CONSTRAINT backtest_runs_run_id_key UNIQUE (run_id),
    CONSTRAINT backtest_runs_time_range CHECK (end_ts >= start_ts),
    CONSTRAINT backtest_runs_finished CHECK (status = 'running' OR finished_at IS NOT NULL)
);
CREATE INDEX backtest_runs_symbol_created_at_idx ON bifrost.backtest_runs (symbol, created_at DESC);
CREATE INDEX backtest_runs_config_hash_idx ON bifrost.backtest_runs (config_hash) WHERE config_hash IS NOT NULL;
CREATE INDEX backtest_runs_config_id_idx ON bifrost.backtest_runs (config_id) WHERE config_id IS NOT NULL;
COMMENT ON TABLE bifrost.backtest_runs IS 'One row per backtest execution: configuration and its hash, period, status and metrics';
CREATE INDEX backtest_runs_sweep_id_idx ON bifrost.backtest_runs (sweep_id) WHERE sweep_id IS NOT NULL;
COMMENT ON COLUMN bifrost.backtest_runs.params_json IS 'Effective configuration of the run (bifrost.config keys and values)';
COMMENT ON COLUMN bifrost.backtest_runs.config_hash IS 'sha256 (hex) of params_json''s text: runs with the same hash ran the same configuration';
COMMENT ON COLUMN bifrost.backtest_runs.source IS 'Where the quotes came from: ticks (bifrost.ticks), candles (bifrost.market_data), sim (the seeded simulated feed)';
COMMENT ON COLUMN bifrost.backtest_runs.sweep_id IS 'The bifrost_backtest_sweep() the run belongs to, NULL for a single run';
COMMENT ON COLUMN bifrost.backtest_runs.pnl IS 'Equity at the end less equity at the first quote, quote currency';
COMMENT ON COLUMN bifrost.backtest_runs.total_return IS 'pnl / the capital (backtest.capital, else the book''s value at the start), a fraction';
COMMENT ON COLUMN bifrost.backtest_runs.max_drawdown IS 'Deepest fall of the equity from a peak, quote currency';
COMMENT ON COLUMN bifrost.backtest_runs.replication_cost IS 'Cost of creating the book''s payoff by hedging: -(financed cash + hedge value + legs'' value) at the end';
COMMENT ON COLUMN bifrost.backtest_runs.hedge_count IS 'Orders sent';
COMMENT ON COLUMN bifrost.backtest_runs.quotes IS 'Quotes replayed';
COMMENT ON COLUMN bifrost.backtest_runs.win_rate IS 'Percent of trading days with a positive P&L';
COMMENT ON COLUMN bifrost.backtest_runs.profit_factor IS 'Sum of the winning days'' P&L over the losing days'' (NULL without a losing day)';
COMMENT ON COLUMN bifrost.backtest_runs.worker_pid IS 'Process of the sweep worker that runs or ran it (NULL for a single run): a running row whose worker is gone did not finish';

-- A sweep's id, written to the sweep_id of each of its runs.
CREATE SEQUENCE bifrost.backtest_sweep_id_seq OWNED BY bifrost.backtest_runs.sweep_id;
COMMENT ON SEQUENCE bifrost.backtest_sweep_id_seq IS 'Ids of bifrost_backtest_sweep() calls (backtest_runs.sweep_id)';

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
    price           numeric CHECK (price > 0 AND price < 'Infinity'),
    amount          numeric NOT NULL CHECK (amount > 0 AND amount < 'Infinity'),
    fee             numeric NOT NULL DEFAULT 0 CHECK (fee >= 0),
    pnl             numeric,
    created_at      timestamptz NOT NULL DEFAULT now(),
    backtest_run_id bigint REFERENCES bifrost.backtest_runs (id) ON DELETE CASCADE,
    decision_mid    numeric CHECK (decision_mid > 0 AND decision_mid < 'Infinity'),
    order_no        integer CHECK (order_no > 0),
    decided_at      timestamptz,
    status          text CHECK (status IN ('FILLED', 'PARTIAL', 'REJECTED', 'CANCELLED')),
    filled          numeric CHECK (filled >= 0 AND filled < 'Infinity'),
    fill_mid        numeric CHECK (fill_mid > 0 AND fill_mid < 'Infinity'),
    spread_cost     numeric CHECK (spread_cost >= 0 AND spread_cost < 'Infinity'),
    slippage_cost   numeric CHECK (slippage_cost >= 0 AND slippage_cost < 'Infinity'),
    reason          text,
    position_after  numeric CHECK (position_after > '-Infinity' AND position_after < 'Infinity'),
    CONSTRAINT backtest_orders_has_parent CHECK (num_nonnulls(backtest_id, backtest_run_id) > 0),
    CONSTRAINT backtest_orders_price_when_filled CHECK (status IS NULL OR (price IS NULL) = (status IN ('REJECTED', 'CANCELLED')))
);
CREATE INDEX backtest_orders_backtest_id_ts_idx ON bifrost.backtest_orders (backtest_id, ts) WHERE backtest_id IS NOT NULL;
CREATE INDEX backtest_orders_backtest_run_id_ts_idx ON bifrost.backtest_orders (backtest_run_id, ts) WHERE backtest_run_id IS NOT NULL;
COMMENT ON TABLE bifrost.backtest_orders IS 'Simulated orders of a backtest and their fills (belongs to a backtest_results row, a backtest_runs row, or both)';
COMMENT ON COLUMN bifrost.backtest_orders.amount IS 'Lots ordered';
COMMENT ON COLUMN bifrost.backtest_orders.filled IS 'Lots filled (amount for FILLED, fewer for PARTIAL, 0 when REJECTED or CANCELLED)';
COMMENT ON COLUMN bifrost.backtest_orders.price IS 'Fill price per unit of the underlying; NULL when nothing filled';
COMMENT ON COLUMN bifrost.backtest_orders.ts IS 'When the order filled or ended; decided_at is when the hedger decided it';
COMMENT ON COLUMN bifrost.backtest_orders.pnl IS 'P&L the fill realized (NULL when it only opened or added)';
COMMENT ON COLUMN bifrost.backtest_orders.spread_cost IS 'Filled units x |far side - mid| of the quote it filled at';
COMMENT ON COLUMN bifrost.backtest_orders.slippage_cost IS 'Filled units x |price - far side|: broker.paper.slippage_bps and the price grid';

CREATE TABLE bifrost.backtest_positions (
    id              bigserial PRIMARY KEY,
    backtest_id     bigint REFERENCES bifrost.backtest_results (id) ON DELETE CASCADE,
    ts              timestamptz NOT NULL,
    side            text NOT NULL CHECK (side IN ('LONG', 'SHORT', 'NET')),
    amount          numeric NOT NULL CHECK (amount > '-Infinity' AND amount < 'Infinity'),
    entry_price     numeric CHECK (entry_price > 0 AND entry_price < 'Infinity'),
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
COMMENT ON TABLE bifrost.backtest_positions IS 'Simulated positions of a backtest over time (a backtest run: its hedge position after each fill, side NET)';
COMMENT ON COLUMN bifrost.backtest_positions.entry_price IS 'Average cost per unit; NULL when flat';

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
    until_ts        timestamptz,
    ticks           bigint CHECK (ticks > 0),
    mid             double precision CHECK (mid > 0 AND mid < 'Infinity'),
    CONSTRAINT backtest_decisions_has_parent CHECK (num_nonnulls(backtest_id, backtest_run_id) > 0),
    CONSTRAINT backtest_decisions_intent_side_and_qty CHECK ((intent_side IS NULL) = (intent_qty IS NULL))
);
CREATE INDEX backtest_decisions_backtest_id_ts_idx ON bifrost.backtest_decisions (backtest_id, ts) WHERE backtest_id IS NOT NULL;
CREATE INDEX backtest_decisions_backtest_run_id_ts_idx ON bifrost.backtest_decisions (backtest_run_id, ts) WHERE backtest_run_id IS NOT NULL;
COMMENT ON TABLE bifrost.backtest_decisions IS 'Decisions taken during a backtest, with the hedge intent and the gate that blocked it';
COMMENT ON COLUMN bifrost.backtest_decisions.action IS 'hedge (an order went out) or blocked';
COMMENT ON COLUMN bifrost.backtest_decisions.ticks IS 'A run of identical blocked decisions (same side, reason and state) is one row: the quotes it held, from ts to until_ts';

CREATE TABLE bifrost.backtest_ticks (
    id              bigserial PRIMARY KEY,
    backtest_run_id bigint NOT NULL REFERENCES bifrost.backtest_runs (id) ON DELETE CASCADE,
    ts              timestamptz NOT NULL,
    bid             numeric CHECK (bid > 0 AND bid < 'Infinity'),
    ask             numeric CHECK (ask > 0 AND ask < 'Infinity'),
    spot            numeric CHECK (spot > 0 AND spot < 'Infinity'),
    net_delta       double precision CHECK (net_delta > '-Infinity' AND net_delta < 'Infinity'),
    stock_position  numeric CHECK (stock_position > '-Infinity' AND stock_position < 'Infinity'),
    trading_state   text CHECK (trading_state IN ('BOOT', 'SYNC', 'IDLE', 'ARMED', 'MONITOR', 'NO_TRADE',
                                                  'PAUSE_COST', 'PAUSE_LIQ', 'NEED_HEDGE', 'HEDGING', 'SAFE')),
    pnl             numeric,
    equity          numeric,
    CONSTRAINT backtest_ticks_bid_not_above_ask CHECK (bid <= ask)
);
CREATE INDEX backtest_ticks_backtest_run_id_ts_idx ON bifrost.backtest_ticks (backtest_run_id, ts);
COMMENT ON TABLE bifrost.backtest_ticks IS 'Per-tick trace of a backtest run: the quote replayed, the book''s delta and position, and the equity curve';

CREATE TABLE bifrost.backtest_equity (
    backtest_run_id bigint NOT NULL REFERENCES bifrost.backtest_runs (id) ON DELETE CASCADE,
    ts              timestamptz NOT NULL,
    mid             double precision NOT NULL CHECK (mid > 0 AND mid < 'Infinity'),
    position        double precision NOT NULL CHECK (position > '-Infinity' AND position < 'Infinity'),
    cash            double precision NOT NULL CHECK (cash > '-Infinity' AND cash < 'Infinity'),
    hedge_value     double precision NOT NULL CHECK (hedge_value > '-Infinity' AND hedge_value < 'Infinity'),
    legs_value      double precision NOT NULL CHECK (legs_value > '-Infinity' AND legs_value < 'Infinity'),
    equity          double precision NOT NULL CHECK (equity > '-Infinity' AND equity < 'Infinity'),
    pnl             double precision NOT NULL CHECK (pnl > '-Infinity' AND pnl < 'Infinity'),
    net_delta       double precision CHECK (net_delta > '-Infinity' AND net_delta < 'Infinity'),
    drawdown        double precision NOT NULL CHECK (drawdown >= 0 AND drawdown < 'Infinity'),
    trading_state   text,
    delta_pnl       double precision NOT NULL,
    gamma_pnl       double precision NOT NULL,
    theta_pnl       double precision NOT NULL,
    vega_pnl        double precision NOT NULL,
    spread_cost     double precision NOT NULL CHECK (spread_cost >= 0),
    slippage_cost   double precision NOT NULL CHECK (slippage_cost >= 0),
    fees            double precision NOT NULL CHECK (fees >= 0),
    financing       double precision NOT NULL,
    residual        double precision NOT NULL,
    PRIMARY KEY (backtest_run_id, ts)
);
COMMENT ON TABLE bifrost.backtest_equity IS
    'Equity curve of a backtest run, one row per backtest.sample_interval_s of quote time (and the last quote), with its P&L attribution summed from the start (quote currency): pnl = delta + gamma + theta + vega + financing - spread - slippage - fees + residual';
COMMENT ON COLUMN bifrost.backtest_equity.position IS 'Hedge position, lots';
COMMENT ON COLUMN bifrost.backtest_equity.legs_value IS 'The legs'' model value at mid (after their expiry, what they settled into)';
COMMENT ON COLUMN bifrost.backtest_equity.delta_pnl IS 'Sum of (the legs'' delta + the hedge position) x the move of the mid: what the band and the threshold leave unhedged';
COMMENT ON COLUMN bifrost.backtest_equity.gamma_pnl IS 'Sum of 1/2 gamma x (move of the mid)^2';
COMMENT ON COLUMN bifrost.backtest_equity.theta_pnl IS 'Sum of theta x the time passed (calendar years, actual/365)';
COMMENT ON COLUMN bifrost.backtest_equity.vega_pnl IS 'Sum of vega x the change of the legs'' volatility (0 while it is fixed)';
COMMENT ON COLUMN bifrost.backtest_equity.financing IS 'Interest on the cash at backtest.rate, continuous';
COMMENT ON COLUMN bifrost.backtest_equity.residual IS 'The P&L the terms above leave unexplained (higher orders, the steps'' discreteness, settlement)';
