/*
 * bifrost--0.7--0.8.sql: upgrade script from bifrost 0.7 to 0.8, the
 * backtest.
 *
 * bifrost_backtest() replays recorded ticks, ingested candles or the
 * simulated feed through the hedger's own code and records what it did
 * (decisions, orders, positions, the equity curve with its P&L
 * attribution) and the run's metrics; bifrost_backtest_sweep() runs a grid
 * of configurations on background workers, each run committed on its own
 * (bifrost.backtest_sweep_progress shows them); bifrost_backtest_compare()
 * puts runs side by side.  The paper broker gains fees.
 */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION bifrost UPDATE TO '0.8'" to load this file. \quit

------------------------------------------------------------------------------
-- The paper broker's fees (broker.paper.fee_per_share, broker.paper.fee_bps):
-- seeded with their defaults (0), a stored value is never touched.
------------------------------------------------------------------------------
INSERT INTO bifrost.config (key, value)
SELECT d.key, d.value FROM bifrost._config_defaults() d
 WHERE NOT EXISTS (SELECT 1 FROM bifrost.config c WHERE c.key = d.key);

------------------------------------------------------------------------------
-- What a run records.
------------------------------------------------------------------------------
ALTER TABLE bifrost.backtest_runs
    ADD COLUMN source text CHECK (source IN ('ticks', 'candles', 'sim')),
    ADD COLUMN sweep_id bigint CHECK (sweep_id > 0),
    ADD COLUMN pnl numeric,
    ADD COLUMN sortino_ratio numeric,
    ADD COLUMN replication_cost numeric,
    ADD COLUMN hedge_count integer CHECK (hedge_count >= 0),
    ADD COLUMN quotes bigint CHECK (quotes >= 0),
    ADD COLUMN worker_pid integer CHECK (worker_pid > 0);
CREATE INDEX backtest_runs_sweep_id_idx ON bifrost.backtest_runs (sweep_id) WHERE sweep_id IS NOT NULL;
CREATE SEQUENCE bifrost.backtest_sweep_id_seq OWNED BY bifrost.backtest_runs.sweep_id;
COMMENT ON SEQUENCE bifrost.backtest_sweep_id_seq IS 'Ids of bifrost_backtest_sweep() calls (backtest_runs.sweep_id)';
SELECT pg_catalog.pg_extension_config_dump('bifrost.backtest_sweep_id_seq', '');

-- every order, filled or not: an order that filled nothing has no price
ALTER TABLE bifrost.backtest_orders
    ALTER COLUMN price DROP NOT NULL,
    ADD COLUMN order_no integer CHECK (order_no > 0),
    ADD COLUMN decided_at timestamptz,
    ADD COLUMN status text CHECK (status IN ('FILLED', 'PARTIAL', 'REJECTED', 'CANCELLED')),
    ADD COLUMN filled numeric CHECK (filled >= 0 AND filled < 'Infinity'),
    ADD COLUMN fill_mid numeric CHECK (fill_mid > 0 AND fill_mid < 'Infinity'),
    ADD COLUMN spread_cost numeric CHECK (spread_cost >= 0 AND spread_cost < 'Infinity'),
    ADD COLUMN slippage_cost numeric CHECK (slippage_cost >= 0 AND slippage_cost < 'Infinity'),
    ADD COLUMN reason text,
    ADD COLUMN position_after numeric CHECK (position_after > '-Infinity' AND position_after < 'Infinity'),
    ADD CONSTRAINT backtest_orders_price_when_filled
        CHECK (status IS NULL OR (price IS NULL) = (status IN ('REJECTED', 'CANCELLED')));

-- a flat position has no entry price
ALTER TABLE bifrost.backtest_positions ALTER COLUMN entry_price DROP NOT NULL;

-- a run of identical blocked decisions is one row
ALTER TABLE bifrost.backtest_decisions
    ADD COLUMN until_ts timestamptz,
    ADD COLUMN ticks bigint CHECK (ticks > 0),
    ADD COLUMN mid double precision CHECK (mid > 0 AND mid < 'Infinity');

-- lots may be fractions (a venue's lot of 0.01 BTC)
ALTER TABLE bifrost.backtest_ticks
    ALTER COLUMN stock_position TYPE numeric,
    ADD CONSTRAINT backtest_ticks_stock_position_check
        CHECK (stock_position > '-Infinity' AND stock_position < 'Infinity');

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
COMMENT ON TABLE bifrost.backtest_orders IS 'Simulated orders of a backtest and their fills (belongs to a backtest_results row, a backtest_runs row, or both)';
COMMENT ON COLUMN bifrost.backtest_orders.amount IS 'Lots ordered';
COMMENT ON COLUMN bifrost.backtest_orders.filled IS 'Lots filled (amount for FILLED, fewer for PARTIAL, 0 when REJECTED or CANCELLED)';
COMMENT ON COLUMN bifrost.backtest_orders.price IS 'Fill price per unit of the underlying; NULL when nothing filled';
COMMENT ON COLUMN bifrost.backtest_orders.ts IS 'When the order filled or ended; decided_at is when the hedger decided it';
COMMENT ON COLUMN bifrost.backtest_orders.pnl IS 'P&L the fill realized (NULL when it only opened or added)';
COMMENT ON COLUMN bifrost.backtest_orders.spread_cost IS 'Filled units x |far side - mid| of the quote it filled at';
COMMENT ON COLUMN bifrost.backtest_orders.slippage_cost IS 'Filled units x |price - far side|: broker.paper.slippage_bps and the price grid';
COMMENT ON TABLE bifrost.backtest_positions IS 'Simulated positions of a backtest over time (a backtest run: its hedge position after each fill, side NET)';
COMMENT ON COLUMN bifrost.backtest_positions.entry_price IS 'Average cost per unit; NULL when flat';
COMMENT ON COLUMN bifrost.backtest_decisions.action IS 'hedge (an order went out) or blocked';
COMMENT ON COLUMN bifrost.backtest_decisions.ticks IS 'A run of identical blocked decisions (same side, reason and state) is one row: the quotes it held, from ts to until_ts';

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

SELECT pg_catalog.pg_extension_config_dump('bifrost.backtest_equity', '');

------------------------------------------------------------------------------
-- The quotes a backtest sees.
------------------------------------------------------------------------------
CREATE FUNCTION bifrost.backtest_quotes(source text, symbol text, from_ts timestamptz, to_ts timestamptz,
                                        timeframe text DEFAULT NULL, spread_bps double precision DEFAULT 2)
RETURNS TABLE (ts timestamptz, bid double precision, ask double precision)
AS 'MODULE_PATHNAME', 'bifrost_backtest_quotes'
LANGUAGE C STABLE PARALLEL SAFE
ROWS 100000
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION bifrost.backtest_quotes(text, text, timestamptz, timestamptz, text, double precision) IS
    'The quotes a backtest of source sees for symbol with from_ts <= ts < to_ts, in time order. '
    'ticks: bifrost.ticks in (ts, id) order (timeframe NULL); a tick without bid and ask is a locked quote at last, '
    'one with a side missing a one-sided book: NULL for that side (no quote, as the hedger judges it). '
    'candles: one quote per confirmed bar of timeframe (15m, 1h, 4h, 1d) at its close time (open + bar length), '
    'bid and ask = close * (1 -+ spread_bps / 20000), spread_bps in [0, 20000). '
    'Times and prices are the doubles the backtest gets, as ::float8 casts give them';

-- 90_grants.sql revokes PUBLIC's EXECUTE from every function of the
-- extension again; said here too, so an update script can take this file's
-- statements as they are.
REVOKE ALL ON FUNCTION bifrost.backtest_quotes(text, text, timestamptz, timestamptz, text, double precision)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION bifrost.backtest_quotes(text, text, timestamptz, timestamptz, text, double precision)
    TO bifrost_reader;

------------------------------------------------------------------------------
-- Running and comparing backtests.
------------------------------------------------------------------------------
CREATE FUNCTION bifrost_backtest(config jsonb, from_ts timestamptz, to_ts timestamptz, symbol text DEFAULT NULL)
RETURNS bigint
AS 'MODULE_PATHNAME', 'bifrost_backtest'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION bifrost_backtest(jsonb, timestamptz, timestamptz, text) IS
    'Replays [from_ts, to_ts) of bifrost.ticks, bifrost.market_data candles or the simulated feed through the hedger (bifrost.config overridden by config, backtest.* keys) and records the run; returns its id';

CREATE FUNCTION bifrost_backtest_sweep(base jsonb, grid jsonb, from_ts timestamptz, to_ts timestamptz,
                                       symbol text DEFAULT NULL)
RETURNS bigint[]
AS 'MODULE_PATHNAME', 'bifrost_backtest_sweep'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION bifrost_backtest_sweep(jsonb, jsonb, timestamptz, timestamptz, text) IS
    'Runs bifrost_backtest(base || one value of each grid key, from_ts, to_ts, symbol) for every combination of the grid''s values on up to bifrost.backtest_workers background workers, each run committed on its own; returns the run ids in the grid''s order: its keys as jsonb orders them (shorter first, then byte order), the first varying slowest, each key''s values in their array''s order';

CREATE FUNCTION bifrost._backtest_worker_alive(pid integer)
RETURNS boolean
AS 'MODULE_PATHNAME', 'bifrost_backtest_worker_alive'
LANGUAGE C VOLATILE STRICT
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION bifrost._backtest_worker_alive(integer) IS
    'Whether pid is a live bifrost backtest worker of this database (a sweep''s running run whose worker is gone did not finish)';

CREATE VIEW bifrost.backtest_sweep_progress AS
SELECT s.sweep_id,
       CASE WHEN s.running > 0 THEN 'running' WHEN s.worker_gone > 0 THEN 'interrupted' ELSE 'ended' END AS state,
       s.runs, s.running, s.succeeded, s.failed, s.worker_gone, s.quotes, s.started_at, s.last_finished_at
  FROM (SELECT r.sweep_id,
               pg_catalog.count(*) AS runs,
               pg_catalog.count(*) FILTER (WHERE r.status = 'running' AND a.alive) AS running,
               pg_catalog.count(*) FILTER (WHERE r.status = 'success') AS succeeded,
               pg_catalog.count(*) FILTER (WHERE r.status = 'failed') AS failed,
               pg_catalog.count(*) FILTER (WHERE r.status = 'running' AND NOT a.alive) AS worker_gone,
               pg_catalog.sum(r.quotes) AS quotes,
               pg_catalog.min(r.created_at) AS started_at,
               pg_catalog.max(r.finished_at) AS last_finished_at
          FROM bifrost.backtest_runs r
          CROSS JOIN LATERAL (SELECT r.status = 'running'
                                     AND coalesce(bifrost._backtest_worker_alive(r.worker_pid), false) AS alive) a
         WHERE r.sweep_id IS NOT NULL
         GROUP BY r.sweep_id) s;
COMMENT ON VIEW bifrost.backtest_sweep_progress IS
    'One row per sweep: its runs so far by status (worker_gone: running rows whose worker is gone, which the next sweep marks failed), the quotes of its finished runs; the caller''s pg_stat_activity.query says how many runs the sweep has';

CREATE FUNCTION bifrost_backtest_compare(run_ids bigint[])
RETURNS TABLE (run_id bigint, status text, source text, symbol text, start_ts timestamptz, end_ts timestamptz,
               differs jsonb, pnl numeric, replication_cost numeric, sharpe numeric, sortino numeric,
               max_drawdown numeric, hedges integer, fees numeric, trading_costs numeric, gamma_pnl numeric,
               theta_pnl numeric, turnover numeric, realized_vol numeric, implied_vol numeric, blocked jsonb,
               config_hash text, seconds numeric)
LANGUAGE plpgsql VOLATILE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    missing bigint;
BEGIN
    IF array_ndims(run_ids) > 1 THEN
        RAISE EXCEPTION 'bifrost_backtest_compare() takes a list of run ids, not a % dimensional array',
                        array_ndims(run_ids)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF cardinality(run_ids) > 10000 THEN
        RAISE EXCEPTION 'bifrost_backtest_compare() takes at most 10000 runs, not %', cardinality(run_ids)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT i INTO missing
      FROM unnest(run_ids) AS i
     WHERE i IS NULL OR NOT EXISTS (SELECT 1 FROM bifrost.backtest_runs r WHERE r.id = i)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'no backtest run %', coalesce(missing::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'SELECT id FROM bifrost.backtest_runs lists the runs.';
    END IF;
    RETURN QUERY
    WITH r AS (SELECT * FROM bifrost.backtest_runs b WHERE b.id = ANY (run_ids)),
         keys AS (SELECT e.key
                    FROM r CROSS JOIN LATERAL jsonb_each(r.params_json) AS e
                   GROUP BY e.key
                  HAVING count(DISTINCT e.value) > 1 OR count(*) < (SELECT count(*) FROM r))
    SELECT r.id, r.status, r.source, r.symbol, r.start_ts, r.end_ts,
           coalesce((SELECT jsonb_object_agg(k.key, r.params_json -> k.key) FROM keys k), '{}'::jsonb),
           r.pnl, r.replication_cost, r.sharpe_ratio, r.sortino_ratio, r.max_drawdown, r.hedge_count,
           (r.metrics_json #>> '{attribution,fees}')::numeric,
           ((r.metrics_json #>> '{attribution,spread}')::numeric + (r.metrics_json #>> '{attribution,slippage}')::numeric
            + (r.metrics_json #>> '{attribution,fees}')::numeric),
           (r.metrics_json #>> '{attribution,gamma}')::numeric,
           (r.metrics_json #>> '{attribution,theta}')::numeric,
           (r.metrics_json ->> 'turnover_value')::numeric,
           (r.metrics_json ->> 'realized_vol')::numeric,
           (r.metrics_json ->> 'implied_vol')::numeric,
           r.metrics_json -> 'blocked',
           r.config_hash,
           (r.metrics_json ->> 'seconds')::numeric
      FROM r
     ORDER BY array_position(run_ids, r.id);
END
$$;
COMMENT ON FUNCTION bifrost_backtest_compare(bigint[]) IS
    'Backtest runs side by side, in the order given: their metrics and, in differs, the configuration keys whose values are not the same in all of them';

REVOKE ALL ON FUNCTION bifrost_backtest(jsonb, timestamptz, timestamptz, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION bifrost_backtest_compare(bigint[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION bifrost_backtest_sweep(jsonb, jsonb, timestamptz, timestamptz, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION bifrost._backtest_worker_alive(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION bifrost_backtest(jsonb, timestamptz, timestamptz, text) TO bifrost_operator;
GRANT EXECUTE ON FUNCTION bifrost_backtest_sweep(jsonb, jsonb, timestamptz, timestamptz, text) TO bifrost_operator;
GRANT EXECUTE ON FUNCTION bifrost_backtest_compare(bigint[]) TO bifrost_reader;
GRANT EXECUTE ON FUNCTION bifrost._backtest_worker_alive(integer) TO bifrost_reader;
GRANT SELECT ON bifrost.backtest_sweep_progress TO bifrost_reader;
-- the operator's rights come before the worker's in a fresh install's ACLs:
-- the worker's are taken away and given back after the operator's
REVOKE ALL ON
    bifrost.backtest_runs, bifrost.backtest_decisions, bifrost.backtest_orders, bifrost.backtest_positions,
    bifrost.backtest_ticks
FROM bifrost_worker;
REVOKE ALL ON SEQUENCE
    bifrost.backtest_runs_id_seq, bifrost.backtest_decisions_id_seq, bifrost.backtest_orders_id_seq,
    bifrost.backtest_positions_id_seq, bifrost.backtest_ticks_id_seq
FROM bifrost_worker;
GRANT SELECT ON bifrost.backtest_equity TO bifrost_reader;
GRANT INSERT, UPDATE ON bifrost.backtest_runs TO bifrost_operator;
GRANT INSERT ON
    bifrost.backtest_decisions, bifrost.backtest_orders, bifrost.backtest_positions, bifrost.backtest_equity,
    bifrost.backtest_ticks
TO bifrost_operator;
GRANT DELETE ON
    bifrost.backtest_runs, bifrost.backtest_decisions, bifrost.backtest_orders, bifrost.backtest_positions,
    bifrost.backtest_equity, bifrost.backtest_ticks
TO bifrost_operator;
GRANT USAGE ON SEQUENCE
    bifrost.backtest_runs_id_seq, bifrost.backtest_decisions_id_seq, bifrost.backtest_orders_id_seq,
    bifrost.backtest_positions_id_seq, bifrost.backtest_ticks_id_seq, bifrost.backtest_sweep_id_seq
TO bifrost_operator;
GRANT SELECT ON
    bifrost.backtest_runs, bifrost.backtest_decisions, bifrost.backtest_orders, bifrost.backtest_positions,
    bifrost.backtest_ticks, bifrost.backtest_equity, bifrost.backtest_sweep_progress
TO bifrost_worker;
GRANT USAGE, SELECT ON SEQUENCE
    bifrost.backtest_runs_id_seq, bifrost.backtest_decisions_id_seq, bifrost.backtest_orders_id_seq,
    bifrost.backtest_positions_id_seq, bifrost.backtest_ticks_id_seq, bifrost.backtest_sweep_id_seq
TO bifrost_worker;

INSERT INTO bifrost.schema_version (version, name) VALUES ('0.8', 'the backtest');
