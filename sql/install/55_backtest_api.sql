/*
 * sql/install/55_backtest_api.sql: running and comparing backtests.
 *
 * bifrost_backtest() replays a market through the hedger's own code in
 * the caller's transaction and with the caller's rights (it reads the
 * configuration, the legs and the quotes, and writes the backtest tables);
 * bifrost_backtest_sweep() runs a grid of configurations on background
 * workers that connect as the caller's role, each run committed on its
 * own; bifrost.backtest_sweep_progress shows the sweeps.
 * bifrost_backtest_compare() puts runs side by side with the keys they
 * differ in.  It is VOLATILE though it writes nothing: each of its queries
 * then sees the runs made earlier in the same statement, so that
 * bifrost_backtest_compare(ARRAY(SELECT bifrost_backtest(...) ...)) works,
 * and so does bifrost_backtest_compare(bifrost_backtest_sweep(...)), whose
 * runs the sweep's workers commit.
 */

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
