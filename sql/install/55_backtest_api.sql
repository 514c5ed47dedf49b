/*
 * sql/install/55_backtest_api.sql: running and comparing backtests.
 *
 * bifrost_backtest() replays a market through the hedger's own code in
 * the caller's transaction and with the caller's rights (it reads the
 * configuration, the legs and the quotes, and writes the backtest tables);
 * bifrost_backtest_compare() puts runs side by side with the keys they
 * differ in.  It is VOLATILE though it writes nothing: each of its queries
 * then sees the runs made earlier in the same statement, so that
 * bifrost_backtest_compare(ARRAY(SELECT bifrost_backtest(...) ...)) works.
 */

CREATE FUNCTION bifrost_backtest(config jsonb, from_ts timestamptz, to_ts timestamptz, symbol text DEFAULT NULL)
RETURNS bigint
AS 'MODULE_PATHNAME', 'bifrost_backtest'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION bifrost_backtest(jsonb, timestamptz, timestamptz, text) IS
    'Replays [from_ts, to_ts) of bifrost.ticks, bifrost.market_data candles or the simulated feed through the hedger (bifrost.config overridden by config, backtest.* keys) and records the run; returns its id';

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
