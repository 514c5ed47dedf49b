-- backtest: bifrost_backtest() over recorded ticks, ingested candles and the
-- simulated feed; what a run records and how its figures add up; the same
-- run twice; no look-ahead; bifrost_backtest_compare(); bad input and roles.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS bifrost;
RESET client_min_messages;
SET timezone = 'UTC';

-- Hedge on every quote to the whole delta: no band, no timing gate, no cost.
CREATE TEMP TABLE plain AS SELECT jsonb_build_object(
    'gates.strategy.trading_hours_only', false,
    'gates.state.delta.epsilon_band', 0,
    'gates.state.delta.threshold_hedge_shares', 0.5,
    'gates.state.delta.max_delta_limit', 1e9,
    'gates.intent.hedge.min_hedge_shares', 1,
    'gates.intent.hedge.cooldown_seconds', 0,
    'gates.intent.hedge.max_hedge_shares_per_order', 1000000000,
    'gates.intent.hedge.min_price_move_pct', 0,
    'gates.guard.risk.max_daily_hedge_count', 1000000,
    'gates.guard.risk.max_position_shares', 1000000000,
    'gates.guard.risk.max_daily_loss_usd', 1e12,
    'gates.state.market.stale_ts_threshold_ms', 86400000,
    'gates.state.system.data_lag_threshold_ms', 3600000,
    'broker.paper.latency_ms', 0,
    'broker.paper.slippage_bps', 0) AS cfg;

------------------------------------------------------------------------------
-- Hull's weekly table: short 1,000 calls x 100, S0 49, K 50, r 5 %, vol 20 %,
-- 20 weeks (of 365/52 days), the printed path that ends at 57.25.
------------------------------------------------------------------------------
INSERT INTO bifrost.ticks (symbol, ts, bid, ask)
SELECT 'HULL', timestamptz '2026-01-05 17:00+00' + (w * 365.0 / 52) * interval '1 day', p, p
  FROM unnest(ARRAY[49.00, 48.12, 47.37, 50.25, 51.75, 53.12, 53.00, 51.87, 51.38, 53.00, 49.88,
                    48.50, 49.88, 50.37, 52.13, 51.88, 52.87, 54.87, 54.62, 55.87, 57.25])
       WITH ORDINALITY AS t(p, n), LATERAL (SELECT n - 1 AS w) x;

CREATE TEMP TABLE hull AS
SELECT bifrost_backtest(cfg || jsonb_build_object(
           'greeks.volatility', 0.2, 'greeks.risk_free_rate', 0.05, 'greeks.dividend_yield', 0,
           'backtest.sample_interval_s', 86400,
           'backtest.legs', jsonb_build_array(jsonb_build_object(
               'option_right', 'C', 'strike', 50, 'quantity', -1000, 'multiplier', 100, 'implied_vol', 0.2,
               'expiry', timestamptz '2026-01-05 17:00+00' + (20 * 365.0 / 52) * interval '1 day'))),
       '2026-01-05 17:00+00', '2026-06-01', 'HULL') AS id
  FROM plain;

-- the cost of hedging: 263,300 in Hull's table (deltas rounded to 3 places)
SELECT r.status, r.source, r.symbol, r.quotes, r.hedge_count,
       abs(r.replication_cost - 263300) < 500 AS hull_cost_within_500,
       round(r.replication_cost, -2) AS replication_cost,
       length(r.config_hash) AS hash_length, r.finished_at >= r.created_at AS finished
  FROM bifrost.backtest_runs r JOIN hull USING (id);
-- the first hedge bought about 52,200 shares (delta 0.522); every order filled
SELECT order_no, side, status, filled BETWEEN 52100 AND 52300 AS about_hull, decided_at = ts AS same_quote,
       price, decision_mid
  FROM bifrost.backtest_orders JOIN hull ON backtest_run_id = hull.id WHERE order_no = 1;
SELECT count(*) AS orders, count(*) FILTER (WHERE status = 'FILLED') AS filled,
       sum(CASE side WHEN 'BUY' THEN filled ELSE -filled END) AS net_shares
  FROM bifrost.backtest_orders JOIN hull ON backtest_run_id = hull.id;
-- the hedge position after each fill, and at the end the delivered calls took it
SELECT count(*) AS positions, (array_agg(amount ORDER BY ts DESC))[1] AS last_position
  FROM bifrost.backtest_positions JOIN hull ON backtest_run_id = hull.id;
-- the curve adds up: pnl = its attribution, at every sample
SELECT count(*) AS samples,
       bool_and(abs(pnl - (delta_pnl + gamma_pnl + theta_pnl + vega_pnl + financing
                           - spread_cost - slippage_cost - fees + residual)) < 1e-6) AS attribution_adds_up,
       bool_and(abs(equity - (cash + hedge_value + legs_value)) < 1e-6) AS equity_adds_up
  FROM bifrost.backtest_equity JOIN hull ON backtest_run_id = hull.id;
SELECT (r.metrics_json ->> 'hedges')::int AS hedges, (r.metrics_json ->> 'rejects')::int AS rejects,
       round((r.metrics_json ->> 'implied_vol')::numeric, 4) AS implied_vol,
       (r.metrics_json ->> 'quotes_used')::int AS quotes_used,
       r.metrics_json ? 'attribution' AND r.metrics_json ? 'blocked' AND r.metrics_json ? 'sharpe' AS has_metrics
  FROM bifrost.backtest_runs r JOIN hull USING (id);

------------------------------------------------------------------------------
-- The simulated feed: a seeded path, the usual gates, fees, rejects and
-- partial fills; the same run twice gives the same rows.
------------------------------------------------------------------------------
CREATE TEMP TABLE sim_cfg AS SELECT jsonb_build_object(
    'gates.strategy.trading_hours_only', false,
    'gates.intent.hedge.cooldown_seconds', 30,
    'gates.intent.hedge.max_hedge_shares_per_order', 100000,
    'gates.guard.risk.max_position_shares', 1000000,
    'gates.guard.risk.max_daily_hedge_count', 100000,
    'feed.sim.spot', 100, 'feed.sim.vol', 0.8, 'feed.sim.tick_ms', 1000, 'feed.sim.seed', 7,
    'broker.paper.latency_ms', 250, 'broker.paper.reject_rate', 0.1, 'broker.paper.partial_fill_rate', 0.2,
    'broker.paper.fee_per_share', 0.005, 'broker.paper.fee_bps', 0.5,
    'backtest.source', 'sim', 'backtest.sample_interval_s', 600,
    'backtest.legs', jsonb_build_array(
        jsonb_build_object('option_right', 'C', 'strike', 100, 'quantity', -100,
                           'expiry', '2026-02-01 21:00+00', 'implied_vol', 0.6),
        jsonb_build_object('option_right', 'P', 'strike', 95, 'quantity', 50,
                           'expiry', '2026-02-15 21:00+00'))) AS cfg;
CREATE TEMP TABLE sim AS
SELECT 1 AS k, bifrost_backtest(cfg, '2026-01-05 00:00+00', '2026-01-06 00:00+00', 'SIM') AS id FROM sim_cfg
UNION ALL
SELECT 2, bifrost_backtest(cfg, '2026-01-05 00:00+00', '2026-01-06 00:00+00', 'SIM') FROM sim_cfg;
SELECT k, r.status, r.source, r.quotes, r.hedge_count > 10 AS hedged,
       (r.metrics_json ->> 'rejects')::int > 0 AS rejected, (r.metrics_json ->> 'partial_fills')::int > 0 AS partial,
       (r.metrics_json #>> '{attribution,fees}')::numeric > 0 AS paid_fees,
       (r.metrics_json ->> 'blocked_ticks')::int > 0 AS blocked
  FROM bifrost.backtest_runs r JOIN sim USING (id) ORDER BY k;
-- identical hash, metrics and rows
SELECT count(DISTINCT r.config_hash) AS hashes, count(DISTINCT r.pnl) AS pnls,
       count(DISTINCT r.metrics_json - 'seconds' - 'seconds_reading' - 'quotes_per_second' - 'cpu_seconds'
                      - 'quotes_per_cpu_second') AS metrics
  FROM bifrost.backtest_runs r JOIN sim USING (id);
SELECT count(*) AS orders_differing FROM (
    (SELECT order_no, ts, side, price, amount, filled, fee, status FROM bifrost.backtest_orders
      WHERE backtest_run_id = (SELECT id FROM sim WHERE k = 1)
     EXCEPT
     SELECT order_no, ts, side, price, amount, filled, fee, status FROM bifrost.backtest_orders
      WHERE backtest_run_id = (SELECT id FROM sim WHERE k = 2))
    UNION ALL
    (SELECT order_no, ts, side, price, amount, filled, fee, status FROM bifrost.backtest_orders
      WHERE backtest_run_id = (SELECT id FROM sim WHERE k = 2)
     EXCEPT
     SELECT order_no, ts, side, price, amount, filled, fee, status FROM bifrost.backtest_orders
      WHERE backtest_run_id = (SELECT id FROM sim WHERE k = 1))) d;
SELECT count(*) AS decisions_differing FROM (
    SELECT ts, action, intent_side, intent_qty, block_reason, ticks FROM bifrost.backtest_decisions
     WHERE backtest_run_id = (SELECT id FROM sim WHERE k = 1)
    EXCEPT
    SELECT ts, action, intent_side, intent_qty, block_reason, ticks FROM bifrost.backtest_decisions
     WHERE backtest_run_id = (SELECT id FROM sim WHERE k = 2)) d;
-- the ledger of a run agrees with itself: fills make the position, fees the metric
SELECT sum(CASE side WHEN 'BUY' THEN filled ELSE -filled END) = (r.metrics_json ->> 'position')::numeric AS fills_make_position,
       abs(sum(fee) - (r.metrics_json #>> '{attribution,fees}')::numeric) < 1e-6 AS fees_agree,
       bool_and(o.status IN ('REJECTED', 'CANCELLED') = (o.price IS NULL)) AS prices_when_filled,
       bool_and(o.ts >= o.decided_at + interval '250 ms') FILTER (WHERE o.filled > 0) AS fills_after_latency
  FROM bifrost.backtest_orders o JOIN bifrost.backtest_runs r ON r.id = o.backtest_run_id
 WHERE r.id = (SELECT id FROM sim WHERE k = 1) GROUP BY r.metrics_json;
-- blocked decisions: one row per run of identical ones, every quote counted
SELECT sum(ticks) = (r.metrics_json ->> 'decisions')::bigint AS every_decision_counted,
       count(*) < (r.metrics_json ->> 'decisions')::bigint AS collapsed,
       (SELECT sum(value::bigint) FROM jsonb_each_text(r.metrics_json -> 'blocked'))
         = (r.metrics_json ->> 'blocked_ticks')::bigint AS per_guard_counts_add_up
  FROM bifrost.backtest_decisions d JOIN bifrost.backtest_runs r ON r.id = d.backtest_run_id
 WHERE r.id = (SELECT id FROM sim WHERE k = 1) GROUP BY r.metrics_json;

------------------------------------------------------------------------------
-- No look-ahead: another future after noon changes nothing decided before.
------------------------------------------------------------------------------
INSERT INTO bifrost.ticks (symbol, ts, bid, ask)
SELECT s, timestamptz '2026-01-05 14:30+00' + n * interval '2 s',
       round((100 + 2 * sin(n / 200.0) + CASE WHEN s = 'LA2' AND n >= 5000 THEN n / 500.0 ELSE 0 END)::numeric, 2),
       round((100.02 + 2 * sin(n / 200.0) + CASE WHEN s = 'LA2' AND n >= 5000 THEN n / 500.0 ELSE 0 END)::numeric, 2)
  FROM generate_series(0, 9999) n, unnest(ARRAY['LA1', 'LA2']) s;
CREATE TEMP TABLE la AS
SELECT s, bifrost_backtest((SELECT cfg - 'backtest.source' FROM sim_cfg), '2026-01-05 14:30+00', '2026-01-06', s) AS id
  FROM unnest(ARRAY['LA1', 'LA2']) s;
SELECT count(*) AS decisions_before_the_change,
       count(*) FILTER (WHERE a.ts IS DISTINCT FROM b.ts OR a.intent_qty IS DISTINCT FROM b.intent_qty
                          OR a.block_reason IS DISTINCT FROM b.block_reason) AS differing
  FROM (SELECT row_number() OVER (ORDER BY id) AS n, * FROM bifrost.backtest_decisions
         WHERE backtest_run_id = (SELECT id FROM la WHERE s = 'LA1')
           AND until_ts < timestamptz '2026-01-05 14:30+00' + 5000 * interval '2 s') a
  JOIN (SELECT row_number() OVER (ORDER BY id) AS n, * FROM bifrost.backtest_decisions
         WHERE backtest_run_id = (SELECT id FROM la WHERE s = 'LA2')) b USING (n);
SELECT (SELECT pnl FROM bifrost.backtest_runs WHERE id = (SELECT id FROM la WHERE s = 'LA1'))
    <> (SELECT pnl FROM bifrost.backtest_runs WHERE id = (SELECT id FROM la WHERE s = 'LA2')) AS futures_differ;

------------------------------------------------------------------------------
-- Candles: one quote per bar at its close, a spread around it.
------------------------------------------------------------------------------
INSERT INTO bifrost.market_data (symbol, timeframe, ts, open, high, low, close, volume, confirmed)
SELECT 'BTC-USDT-SWAP', '1h', timestamptz '2026-01-05 00:00+00' + n * interval '1 hour',
       60000 + 100 * n, 60200 + 100 * n, 59900 + 100 * n, 60100 + 100 * n, 10, n < 47
  FROM generate_series(0, 47) n;
CREATE TEMP TABLE candles AS
SELECT bifrost_backtest(jsonb_build_object(
           'gates.strategy.trading_hours_only', false, 'day_roll_tz', 'UTC',
           'gates.intent.hedge.max_hedge_shares_per_order', 100000,
           'gates.guard.risk.max_position_shares', 1000000,
           'backtest.source', 'candles', 'backtest.timeframe', '1h', 'backtest.spread_bps', 4,
           'backtest.sample_interval_s', 3600,
           'backtest.legs', jsonb_build_array(jsonb_build_object(
               'option_right', 'C', 'strike', 62000, 'quantity', -200, 'multiplier', 1,
               'expiry', '2026-01-30 08:00+00', 'implied_vol', 0.5))),
       '2026-01-05', '2026-01-08', 'BTC-USDT-SWAP') AS id;
-- 47 confirmed bars (the forming one is left out), 1 h of bars: 365-day ratios
SELECT r.status, r.source, r.timeframe, r.quotes, (r.metrics_json ->> 'periods_per_year')::int AS year,
       (SELECT min(ts) FROM bifrost.backtest_equity WHERE backtest_run_id = r.id) AS first_sample,
       (SELECT round(min(fill_mid), 2) FROM bifrost.backtest_orders WHERE backtest_run_id = r.id) AS first_fill_mid
  FROM bifrost.backtest_runs r JOIN candles USING (id);

------------------------------------------------------------------------------
-- Money by hand: 100 shares held, no legs.  The hedger sells them at the
-- first quote's bid (no latency, no slippage) and pays 0.01 a share: P&L =
-- -(spread 100 x 0.01 + fee 1.00) = -2.00 exactly, all of it costs.
------------------------------------------------------------------------------
INSERT INTO bifrost.ticks (symbol, ts, bid, ask)
VALUES ('HAND', '2026-01-06 15:00+00', 100.00, 100.02), ('HAND', '2026-01-06 15:00:01+00', 101.00, 101.02);
CREATE TEMP TABLE hand AS
SELECT bifrost_backtest('{"gates.strategy.trading_hours_only": false, "broker.paper.latency_ms": 0,
                          "broker.paper.slippage_bps": 0, "broker.paper.fee_per_share": 0.01, "backtest.rate": 0,
                          "backtest.legs": [], "backtest.start_position": 100, "backtest.trace_ticks": true}',
                        '2026-01-06', '2026-01-07', 'HAND') AS id;
SELECT round(r.pnl, 9) AS pnl, r.hedge_count, (r.metrics_json ->> 'position')::numeric AS position,
       round((r.metrics_json ->> 'cash')::numeric, 9) AS cash,
       (SELECT jsonb_object_agg(key, round(value::numeric, 9)) FROM jsonb_each_text(r.metrics_json -> 'attribution'))
         AS attribution
  FROM bifrost.backtest_runs r JOIN hand USING (id);
SELECT side, amount, filled, price, fee, status, round(spread_cost, 9) AS spread_cost, slippage_cost
  FROM bifrost.backtest_orders JOIN hand ON backtest_run_id = hand.id;
-- asked for, a row per quote: the P&L is -2 from the first quote on
SELECT ts, bid, ask, spot, stock_position, round(pnl, 9) AS pnl, round(equity, 9) AS equity
  FROM bifrost.backtest_ticks JOIN hand ON backtest_run_id = hand.id ORDER BY ts;

------------------------------------------------------------------------------
-- Comparing runs: the keys they differ in.
------------------------------------------------------------------------------
SELECT run_id = (SELECT id FROM sim WHERE k = 1) AS first, status, source, differs, hedges > 0 AS hedged
  FROM bifrost_backtest_compare(ARRAY[(SELECT id FROM sim WHERE k = 1), (SELECT id FROM la WHERE s = 'LA1')]);
SELECT count(*) AS rows, max(differs::text) AS differs
  FROM bifrost_backtest_compare((SELECT array_agg(id) FROM sim));
SELECT * FROM bifrost_backtest_compare(NULL);
SELECT * FROM bifrost_backtest_compare(ARRAY[-1]::bigint[]);
SELECT * FROM bifrost_backtest_compare(ARRAY[NULL]::bigint[]);

------------------------------------------------------------------------------
-- Bad input: a clear error, nothing recorded.
------------------------------------------------------------------------------
CREATE TEMP TABLE runs_before AS SELECT count(*) AS n FROM bifrost.backtest_runs;
-- a leg of the book, so that each call below fails on its own fault
INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity)
VALUES ('HULL', 'C', 50, '2026-06-19 20:00+00', -10);
SELECT bifrost_backtest(NULL, '2026-01-05', '2026-01-06');
SELECT bifrost_backtest('{}', NULL, '2026-01-06');
SELECT bifrost_backtest('{}', '2026-01-05', NULL);
SELECT bifrost_backtest('[]', '2026-01-05', '2026-01-06', 'HULL');
SELECT bifrost_backtest('{}', '2026-01-06', '2026-01-06', 'HULL');
SELECT bifrost_backtest('{}', '2026-01-07', '2026-01-06', 'HULL');
SELECT bifrost_backtest('{}', '-infinity', '2026-01-06', 'HULL');
SELECT bifrost_backtest('{}', '1900-01-01', '2026-01-06', 'HULL');
SELECT bifrost_backtest('{"no.such.key": 1}', '2026-01-05', '2026-01-06', 'HULL');
SELECT bifrost_backtest('{"gates.intent.hedge.cooldown_seconds": -5}', '2026-01-05', '2026-01-06', 'HULL');
SELECT bifrost_backtest('{"gates.state.delta.epsilon_band": 100}', '2026-01-05', '2026-01-06', 'HULL');
SELECT bifrost_backtest('{"backtest.source": "tape"}', '2026-01-05', '2026-01-06', 'HULL');
SELECT bifrost_backtest('{"backtest.sample_interval_s": 0}', '2026-01-05', '2026-01-06', 'HULL');
SELECT bifrost_backtest('{"backtest.periods_per_year": 300}', '2026-01-05', '2026-01-06', 'HULL');
SELECT bifrost_backtest('{"backtest.legs": {"strike": 5}}', '2026-01-05', '2026-01-06', 'HULL');
SELECT bifrost_backtest('{"backtest.legs": [{"option_right": "X", "strike": 5, "quantity": 1, "expiry": "2026-03-01"}]}',
                        '2026-01-05', '2026-01-06', 'HULL');
SELECT bifrost_backtest('{"backtest.legs": [{"option_right": "C", "quantity": 1, "expiry": "2026-03-01"}]}',
                        '2026-01-05', '2026-01-06', 'HULL');
SELECT bifrost_backtest('{"backtest.legs": [{"option_right": "C", "strike": 5, "quantity": 1.5, "expiry": "2026-03-01"}]}',
                        '2026-01-05', '2026-01-06', 'HULL');
SELECT bifrost_backtest('{"backtest.legs": [{"option_right": "C", "strike": 5, "quantity": 1, "expiry": "soon"}]}',
                        '2026-01-05', '2026-01-06', 'HULL');
SELECT bifrost_backtest('{"backtest.legs": [{"option_right": "C", "strike": 5, "quantity": 1, "expiry": "2026-03-01", "colour": "red"}]}',
                        '2026-01-05', '2026-01-06', 'HULL');
-- legs that expire before the range starts
SELECT bifrost_backtest('{"backtest.legs": [{"option_right": "C", "strike": 50, "quantity": -1, "expiry": "2026-01-02"}]}',
                        '2026-01-05', '2026-01-06', 'HULL');
-- nothing to hedge, no ticks in the range, an unknown symbol
SELECT bifrost_backtest('{"backtest.legs": []}', '2026-01-05', '2026-01-06', 'HULL');
SELECT bifrost_backtest('{"backtest.legs": [{"option_right": "C", "strike": 50, "quantity": -1, "expiry": "2027-01-02"}]}',
                        '2025-01-05', '2025-01-06', 'HULL');
SELECT bifrost_backtest('{"backtest.source": "candles", "backtest.legs": [{"option_right": "C", "strike": 50, "quantity": -1, "expiry": "2027-01-02"}]}',
                        '2026-01-05', '2026-01-06', 'HULL');
SELECT bifrost_backtest('{}', '2026-01-05', '2026-01-06', repeat('x', 100));
SELECT bifrost_backtest('{}', '2026-01-05', '2026-01-06', '');
SELECT count(*) - (SELECT n FROM runs_before) AS runs_recorded FROM bifrost.backtest_runs;

------------------------------------------------------------------------------
-- Roles: an operator runs backtests, a reader compares them.
------------------------------------------------------------------------------
SET client_min_messages = warning;
DROP ROLE IF EXISTS bt_reader, bt_operator;
RESET client_min_messages;
CREATE ROLE bt_reader IN ROLE bifrost_reader;
CREATE ROLE bt_operator IN ROLE bifrost_operator;
SET ROLE bt_reader;
SELECT bifrost_backtest('{}', '2026-01-05', '2026-01-06', 'HULL');
SELECT count(*) AS compared FROM bifrost_backtest_compare((SELECT array_agg(id) FROM bifrost.backtest_runs));
RESET ROLE;
SET ROLE bt_operator;
SELECT bifrost_backtest('{"backtest.source": "sim", "feed.sim.tick_ms": 60000, "gates.strategy.trading_hours_only": false}',
                        '2026-01-05', '2026-01-06', 'HULL') > 0 AS operator_ran;
RESET ROLE;
DROP ROLE bt_reader;
DELETE FROM bifrost.backtest_runs r WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'bt_operator');
DROP ROLE bt_operator;
DELETE FROM bifrost.ticks;
DELETE FROM bifrost.market_data;
DELETE FROM bifrost.legs;
