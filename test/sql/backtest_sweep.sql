-- backtest_sweep: bifrost_backtest_sweep() over the simulated feed: a 2x2
-- grid run on background workers, its runs, their order and what
-- bifrost_backtest_compare() says of them; the progress view; bad input
-- (each refused before anything runs, nothing recorded); roles.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS bifrost;
RESET client_min_messages;
SET timezone = 'UTC';

CREATE TEMP TABLE base AS SELECT jsonb_build_object(
    'backtest.source', 'sim', 'feed.sim.tick_ms', 60000, 'feed.sim.vol', 0.8,
    'gates.strategy.trading_hours_only', false,
    'gates.intent.hedge.cooldown_seconds', 0,
    'gates.intent.hedge.max_hedge_shares_per_order', 100000,
    'gates.guard.risk.max_position_shares', 1000000,
    'gates.guard.risk.max_daily_hedge_count', 100000,
    'backtest.legs', jsonb_build_array(
        jsonb_build_object('option_right', 'C', 'strike', 100, 'quantity', -100,
                           'expiry', '2026-02-01 21:00+00', 'implied_vol', 0.6))) AS cfg;
CREATE TEMP TABLE runs_before AS SELECT count(*) AS n FROM bifrost.backtest_runs;

------------------------------------------------------------------------------
-- A 2x2 sweep: four runs, in the grid's order.  jsonb orders an object's
-- keys shorter first, so "hedge_to" is the first key and varies slowest.
------------------------------------------------------------------------------
CREATE TEMP TABLE sweep AS
SELECT bifrost_backtest_sweep(cfg, '{"gates.state.delta.threshold_hedge_shares": [25, 50],
                                     "hedge_to": ["zero", "band_edge"]}',
                              '2026-01-05', '2026-01-06', 'SIM') AS ids
  FROM base;
SELECT cardinality(ids) AS runs FROM sweep;
SELECT u.n, r.status, r.source, r.symbol, r.quotes, r.hedge_count > 0 AS hedged,
       r.params_json ->> 'hedge_to' AS hedge_to,
       r.params_json ->> 'gates.state.delta.threshold_hedge_shares' AS threshold,
       r.worker_pid IS NOT NULL AS has_worker_pid, r.finished_at >= r.created_at AS finished, r.error
  FROM sweep, unnest(ids) WITH ORDINALITY AS u(id, n) JOIN bifrost.backtest_runs r ON r.id = u.id
 ORDER BY u.n;
-- each its own configuration, one sweep id for all, taken from the sequence
SELECT count(DISTINCT r.config_hash) AS hashes, count(DISTINCT r.sweep_id) AS sweep_ids,
       min(r.sweep_id) = currval('bifrost.backtest_sweep_id_seq') AS sweep_id_from_sequence
  FROM sweep, unnest(ids) AS u(id) JOIN bifrost.backtest_runs r ON r.id = u.id;
-- compare: in the given order, differing in exactly the two grid keys
SELECT c.run_id = s.ids[c.ordinality] AS in_order, c.status, c.differs
  FROM sweep s, bifrost_backtest_compare(s.ids) WITH ORDINALITY AS c
 ORDER BY c.ordinality;
SELECT DISTINCT (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(differs) AS k) AS differing_keys
  FROM bifrost_backtest_compare((SELECT ids FROM sweep));
-- in one statement: the compare sees the runs the workers committed
SELECT count(*) AS compared, bool_and(status = 'success') AS all_success
  FROM base, bifrost_backtest_compare(bifrost_backtest_sweep(cfg, '{"feed.sim.seed": [1, 2, 3]}',
                                                             '2026-01-05', '2026-01-06', 'SIM'));
-- a run of a sweep is the run bifrost_backtest() makes of the same configuration
CREATE TEMP TABLE single AS
SELECT bifrost_backtest(cfg || '{"hedge_to": "band_edge", "gates.state.delta.threshold_hedge_shares": 50}',
                        '2026-01-05', '2026-01-06', 'SIM') AS id
  FROM base;
SELECT a.config_hash = b.config_hash AS same_hash, a.pnl = b.pnl AS same_pnl, a.hedge_count = b.hedge_count AS same_hedges,
       b.sweep_id IS NULL AND b.worker_pid IS NULL AS single_has_no_sweep
  FROM sweep s
  JOIN bifrost.backtest_runs a ON a.id = s.ids[4]
  JOIN bifrost.backtest_runs b ON b.id = (SELECT id FROM single);
-- a run that fails when it runs (no tick of SIM in bifrost.ticks) is recorded
-- failed with its reason; the others run, the sweep warns and returns all
CREATE TEMP TABLE mixed AS
SELECT bifrost_backtest_sweep(cfg, '{"backtest.source": ["sim", "ticks"]}', '2026-01-05', '2026-01-06', 'SIM') AS ids
  FROM base;
SELECT u.n, r.status, r.source, r.error, r.finished_at IS NOT NULL AS finished, r.metrics_json IS NULL AS no_metrics
  FROM mixed, unnest(ids) WITH ORDINALITY AS u(id, n) JOIN bifrost.backtest_runs r ON r.id = u.id
 ORDER BY u.n;
SELECT count(*) AS records_of_the_failed_run
  FROM bifrost.backtest_decisions WHERE backtest_run_id = (SELECT ids[2] FROM mixed);
-- the progress view; nothing left running, no worker left
SELECT p.state, p.runs, p.running, p.succeeded, p.failed, p.worker_gone, p.quotes
  FROM bifrost.backtest_sweep_progress p
 WHERE p.sweep_id = (SELECT sweep_id FROM bifrost.backtest_runs WHERE id = (SELECT ids[1] FROM sweep));
SELECT count(*) AS running FROM bifrost.backtest_runs WHERE status = 'running';
SELECT count(*) AS workers_left FROM pg_stat_activity WHERE backend_type = 'bifrost backtest';
SELECT bifrost._backtest_worker_alive(pg_backend_pid()) AS a_client_is_no_worker,
       bifrost._backtest_worker_alive(-1) AS no_pid;
-- a running row whose worker is gone is marked failed by the next sweep
INSERT INTO bifrost.backtest_runs (symbol, start_ts, end_ts, sweep_id, worker_pid, status)
VALUES ('SIM', '2026-01-05', '2026-01-06', 999999, 2147483647, 'running');
SELECT state, runs, running, worker_gone FROM bifrost.backtest_sweep_progress WHERE sweep_id = 999999;
SELECT cardinality(bifrost_backtest_sweep(cfg, '{"feed.sim.seed": [4]}', '2026-01-05', '2026-01-06', 'SIM')) AS runs
  FROM base;
SELECT status, error, finished_at IS NOT NULL AS finished FROM bifrost.backtest_runs WHERE sweep_id = 999999;
SELECT state, runs, running, failed, worker_gone FROM bifrost.backtest_sweep_progress WHERE sweep_id = 999999;
DELETE FROM bifrost.backtest_runs WHERE sweep_id = 999999;

------------------------------------------------------------------------------
-- Bad input: a clear error before any worker starts, nothing recorded.
------------------------------------------------------------------------------
DELETE FROM runs_before;
INSERT INTO runs_before SELECT count(*) FROM bifrost.backtest_runs;
SELECT bifrost_backtest_sweep(NULL, '{"hedge_to": ["zero"]}', '2026-01-05', '2026-01-06', 'SIM');
SELECT bifrost_backtest_sweep('{}', NULL, '2026-01-05', '2026-01-06', 'SIM');
SELECT bifrost_backtest_sweep('{}', '{"hedge_to": ["zero"]}', NULL, '2026-01-06', 'SIM');
SELECT bifrost_backtest_sweep('{}', '{"hedge_to": ["zero"]}', '2026-01-05', NULL, 'SIM');
-- the grid: an object of non-empty arrays of known keys
SELECT bifrost_backtest_sweep(cfg, '[["zero"]]', '2026-01-05', '2026-01-06', 'SIM') FROM base;
SELECT bifrost_backtest_sweep(cfg, '"hedge_to"', '2026-01-05', '2026-01-06', 'SIM') FROM base;
SELECT bifrost_backtest_sweep(cfg, '{}', '2026-01-05', '2026-01-06', 'SIM') FROM base;
SELECT bifrost_backtest_sweep(cfg, '{"hedge_to": "zero"}', '2026-01-05', '2026-01-06', 'SIM') FROM base;
SELECT bifrost_backtest_sweep(cfg, '{"hedge_to": {"a": "zero"}}', '2026-01-05', '2026-01-06', 'SIM') FROM base;
SELECT bifrost_backtest_sweep(cfg, '{"hedge_to": []}', '2026-01-05', '2026-01-06', 'SIM') FROM base;
SELECT bifrost_backtest_sweep(cfg, '{"no.such.key": [1, 2]}', '2026-01-05', '2026-01-06', 'SIM') FROM base;
SELECT bifrost_backtest_sweep(cfg, jsonb_build_object(repeat('k', 1000), jsonb_build_array(1)),
                              '2026-01-05', '2026-01-06', 'SIM') FROM base;
-- a bad value in one combination: the whole call fails, naming it
SELECT bifrost_backtest_sweep(cfg, '{"gates.intent.hedge.cooldown_seconds": [0, 30, -5]}',
                              '2026-01-05', '2026-01-06', 'SIM') FROM base;
SELECT bifrost_backtest_sweep(cfg, '{"hedge_to": ["zero", "sideways"], "feed.sim.seed": [1, 2]}',
                              '2026-01-05', '2026-01-06', 'SIM') FROM base;
SELECT bifrost_backtest_sweep(cfg, '{"gates.state.delta.threshold_hedge_shares": [25, 3]}',
                              '2026-01-05', '2026-01-06', 'SIM') FROM base;
SELECT bifrost_backtest_sweep(cfg, jsonb_build_object('backtest.legs', jsonb_build_array(
           cfg -> 'backtest.legs',
           jsonb_build_array(jsonb_build_object('option_right', 'C', 'strike', 100, 'quantity', -1,
                                                'expiry', '2026-01-02 21:00+00')))),
       '2026-01-05', '2026-01-06', 'SIM') FROM base;
-- the base and the range, as bifrost_backtest() checks them
SELECT bifrost_backtest_sweep('[]', '{"hedge_to": ["zero"]}', '2026-01-05', '2026-01-06', 'SIM');
SELECT bifrost_backtest_sweep(cfg, '{"hedge_to": ["zero"]}', '2026-01-06', '2026-01-06', 'SIM') FROM base;
SELECT bifrost_backtest_sweep(cfg, '{"hedge_to": ["zero"]}', '2026-01-05', '2026-01-06', repeat('x', 100)) FROM base;
-- 100,000 combinations: refused by their count, before any is built
SELECT bifrost_backtest_sweep(cfg, jsonb_build_object(
           'feed.sim.seed', (SELECT jsonb_agg(i) FROM generate_series(1, 100) i),
           'gates.intent.hedge.cooldown_seconds', (SELECT jsonb_agg(i) FROM generate_series(1, 1000) i)),
       '2026-01-05', '2026-01-06', 'SIM') FROM base;
-- and a product past any integer
SELECT bifrost_backtest_sweep(cfg, (SELECT jsonb_object_agg(k, (SELECT jsonb_agg(i) FROM generate_series(1, 1000) i))
                                      FROM unnest(ARRAY['feed.sim.seed', 'feed.sim.spot', 'feed.sim.vol', 'feed.sim.drift',
                                                        'hedge_to', 'greeks.volatility', 'broker.paper.fee_bps']) k),
       '2026-01-05', '2026-01-06', 'SIM') FROM base;
-- the limit is the administrator's
SET bifrost.backtest_max_sweep_runs = 3;
SELECT bifrost_backtest_sweep(cfg, '{"gates.state.delta.threshold_hedge_shares": [25, 50], "hedge_to": ["zero", "band_edge"]}',
                              '2026-01-05', '2026-01-06', 'SIM') FROM base;
RESET bifrost.backtest_max_sweep_runs;
-- the workers commit: a transaction that keeps one snapshot would not see their runs
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT bifrost_backtest_sweep(cfg, '{"hedge_to": ["zero"]}', '2026-01-05', '2026-01-06', 'SIM') FROM base;
ROLLBACK;
SELECT count(*) - (SELECT n FROM runs_before) AS runs_recorded FROM bifrost.backtest_runs;

------------------------------------------------------------------------------
-- Roles: an operator sweeps (its workers act as its role, here one without
-- LOGIN entered with SET ROLE), a reader may not, and may not change the
-- settings.
------------------------------------------------------------------------------
SET client_min_messages = warning;
DROP ROLE IF EXISTS bt_sweep_reader, bt_sweep_operator;
RESET client_min_messages;
CREATE ROLE bt_sweep_reader IN ROLE bifrost_reader;
CREATE ROLE bt_sweep_operator IN ROLE bifrost_operator;
GRANT SELECT ON base TO bt_sweep_operator;
SET ROLE bt_sweep_reader;
SELECT bifrost_backtest_sweep('{}', '{"hedge_to": ["zero"]}', '2026-01-05', '2026-01-06', 'SIM');
SELECT count(*) > 0 AS reader_sees_progress FROM bifrost.backtest_sweep_progress;
SET bifrost.backtest_workers = 4;
SET bifrost.backtest_max_sweep_runs = 100000;
RESET ROLE;
SET ROLE bt_sweep_operator;
SELECT cardinality(bifrost_backtest_sweep(cfg, '{"hedge_to": ["zero", "band_edge"]}', '2026-01-05', '2026-01-06', 'SIM'))
       AS operator_ran
  FROM base;
RESET ROLE;
SELECT count(*) AS operator_runs, bool_and(status = 'success') AS all_success
  FROM bifrost.backtest_runs WHERE sweep_id = (SELECT max(sweep_id) FROM bifrost.backtest_runs);
REVOKE SELECT ON base FROM bt_sweep_operator;
DROP ROLE bt_sweep_reader, bt_sweep_operator;
DELETE FROM bifrost.backtest_runs;
