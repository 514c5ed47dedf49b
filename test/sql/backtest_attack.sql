-- backtest_attack: defects an adversarial review found in the backtest
-- (bifrost_backtest, bifrost.backtest_quotes, bifrost_backtest_compare).
-- The expected output is what SHOULD happen; each section says what does
-- happen at the commit it was written against.  Symbols start with ATK_;
-- everything the test stores is deleted at the end.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS bifrost;
RESET client_min_messages;
SET timezone = 'UTC';
SET datestyle = 'ISO, MDY';

-- The outcome of a run: ok, or the SQLSTATE it raised (messages may change;
-- the class may not).  A cancel (57014) is not caught: it ends the statement.
CREATE FUNCTION pg_temp.outcome(cfg jsonb, from_ts timestamptz, to_ts timestamptz, symbol text)
RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bifrost_backtest(cfg, from_ts, to_ts, symbol);
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE;
END $$;

-- Hedge on every quote to the whole delta, no timing gate, no cost.
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
    'broker.paper.slippage_bps', 0,
    'backtest.rate', 0,
    'day_roll_tz', 'UTC') AS cfg;

------------------------------------------------------------------------------
-- 1. The range's length overflows int64 (spec.c: (double) (to_ts - from_ts)):
-- 1000-01-01 .. 294276-12-28 passes the 39,996-day check, and the calendar
-- query then makes ~107 million days: minutes of CPU, gigabytes of temp
-- files, then out of memory in "SPI TupTable" (or 22008 a few days later).
-- Should: 22023 at once, like any range longer than 39,996 days.
------------------------------------------------------------------------------
SET statement_timeout = '20s';
SELECT pg_temp.outcome('{"backtest.start_position": 100}', '1000-01-01 00:00+00', '294276-12-28 00:00+00', 'ATK_NONE')
       AS overflowing_range;
SELECT pg_temp.outcome('{"backtest.start_position": 100}', '1000-01-01 00:00+00', '2100-01-01 00:00+00', 'ATK_NONE')
       AS long_range;
RESET statement_timeout;

------------------------------------------------------------------------------
-- 2. Ticks sharing the last time: the equity sample due at the end is written
-- again at the time of the sample already taken (backtest.c backtest_finish:
-- emit_sample(b, b->last_ts), mark() sets sample_due_at_end for a quote at
-- that same time), and the run fails on backtest_equity_pkey (23505).
-- Should: a run, one sample at that time.
------------------------------------------------------------------------------
INSERT INTO bifrost.ticks (symbol, ts, bid, ask) VALUES
    ('ATK_TIE', '2026-03-02 15:00+00', 100, 100.02),
    ('ATK_TIE', '2026-03-02 15:00+00', 100.01, 100.03);
SELECT pg_temp.outcome(cfg || '{"backtest.start_position": 100}', '2026-03-02 00:00+00', '2026-03-03 00:00+00', 'ATK_TIE')
       AS tied_last_quotes
  FROM plain;
SELECT count(*) AS samples FROM bifrost.backtest_equity e JOIN bifrost.backtest_runs r ON r.id = e.backtest_run_id
 WHERE r.symbol = 'ATK_TIE';
-- the same without a tie: past 2242 a double holds no microsecond, and ticks
-- one microsecond apart are one quote time
INSERT INTO bifrost.ticks (symbol, ts, bid, ask) VALUES
    ('ATK_FAR', '2290-03-02 15:00:00.000001+00', 100, 100.02),
    ('ATK_FAR', '2290-03-02 15:00:00.000002+00', 100, 100.02);
SELECT pg_temp.outcome(cfg || '{"backtest.start_position": 100}', '2290-03-02 00:00+00', '2290-03-03 00:00+00', 'ATK_FAR')
       AS microsecond_apart_after_2242
  FROM plain;

------------------------------------------------------------------------------
-- 3. The first quote's trades are not in the P&L.  100 shares held at a mid
-- of 100.01 are sold at the first quote's bid, 100, paying 1 a share: the
-- book is worth 10,001 before and 9,900 after, a loss of 101 (spread 1, fees
-- 100).  The run's start equity is taken after the first quote's fills
-- (backtest.c mark(): start_equity = equity once the core has traded), so it
-- reports a P&L of 0 with spread 1 and fees 100 as costs and a residual of
-- +101 making up for them (warm start, the default, hedges on the first
-- quote).  Should: P&L -101, residual 0; the same with a cold start.
------------------------------------------------------------------------------
INSERT INTO bifrost.ticks (symbol, ts, bid, ask) VALUES
    ('ATK_PNL', '2026-03-02 15:00+00', 100, 100.02),
    ('ATK_PNL', '2026-03-02 15:01+00', 101, 101.02),
    ('ATK_PNL', '2026-03-02 15:02+00', 99, 99.02);
CREATE TEMP TABLE first_quote AS
SELECT bifrost_backtest(cfg || '{"backtest.start_position": 100, "broker.paper.fee_per_share": 1}',
                        '2026-03-02 00:00+00', '2026-03-03 00:00+00', 'ATK_PNL') AS id
  FROM plain;
SELECT round(r.pnl, 6) AS pnl,
       round((r.metrics_json #>> '{attribution,spread}')::numeric, 6) AS spread,
       round((r.metrics_json #>> '{attribution,fees}')::numeric, 6) AS fees,
       round((r.metrics_json #>> '{attribution,residual}')::numeric, 6) AS residual,
       round((r.metrics_json ->> 'start_equity')::numeric, 6) AS start_equity,
       round((r.metrics_json ->> 'end_equity')::numeric, 6) AS end_equity
  FROM bifrost.backtest_runs r JOIN first_quote USING (id);

------------------------------------------------------------------------------
-- 4. params_json and config_hash depend on the session's DateStyle and
-- TimeZone (spec.c append_leg: timestamptz_out).  The same book hashes three
-- ways, bifrost_backtest_compare() says its legs differ, and params_json
-- pasted into a session with another DateStyle is another book: "12/03/2026
-- 16:00:00 EDT" (DMY, 12 March) is read in an MDY session as 3 December.
-- Should: one hash, one P&L, nothing differing.
------------------------------------------------------------------------------
INSERT INTO bifrost.ticks (symbol, ts, bid, ask)
SELECT 'ATK_DS', timestamptz '2026-03-02 00:00+00' + n * interval '1 min', p, p + 0.02
  FROM generate_series(0, 1439) n, LATERAL (SELECT round((100 + 5 * sin(n / 30.0))::numeric, 2) AS p) x;
CREATE TEMP TABLE ds_cfg AS SELECT cfg || '{"backtest.legs": [{"option_right": "C", "strike": 100,
    "expiry": "2026-03-12 20:00+00", "quantity": -10}]}'::jsonb AS cfg FROM plain;
CREATE TEMP TABLE ds (k int, id bigint);
INSERT INTO ds SELECT 1, bifrost_backtest(cfg, '2026-03-02 00:00+00', '2026-03-03 00:00+00', 'ATK_DS') FROM ds_cfg;
SET timezone = 'America/New_York';
SET datestyle = 'SQL, DMY';
INSERT INTO ds SELECT 2, bifrost_backtest(cfg, '2026-03-02 00:00+00', '2026-03-03 00:00+00', 'ATK_DS') FROM ds_cfg;
SET datestyle = 'SQL, MDY';
INSERT INTO ds SELECT 3, bifrost_backtest(r.params_json, '2026-03-02 00:00+00', '2026-03-03 00:00+00', 'ATK_DS')
  FROM bifrost.backtest_runs r JOIN ds USING (id) WHERE ds.k = 2;
SET timezone = 'UTC';
SET datestyle = 'ISO, MDY';
SELECT count(DISTINCT r.config_hash) AS hashes, count(DISTINCT round(r.pnl, 6)) AS pnls,
       count(DISTINCT r.params_json -> 'backtest.legs') AS books
  FROM bifrost.backtest_runs r JOIN ds USING (id);
SELECT c.differs FROM bifrost_backtest_compare(ARRAY(SELECT id FROM ds ORDER BY k)) c LIMIT 1;

------------------------------------------------------------------------------
-- 5. Values the run's checks accept but the engine refuses (engine.c:
-- units_per_lot below ENGINE_MIN_UNITS_PER_LOT 1e-12, a strike below
-- BS_MIN_PRICE 1e-12): the hedger sits in SAFE for the whole run, which is
-- recorded as success with no hedge, no blocked decision and no reason.
-- Should: 22023 before anything is recorded.
------------------------------------------------------------------------------
SELECT pg_temp.outcome(cfg || '{"backtest.units_per_lot": 1e-13, "backtest.start_position": 5}',
                       '2026-03-02 00:00+00', '2026-03-03 00:00+00', 'ATK_DS') AS tiny_lot
  FROM plain;
SELECT pg_temp.outcome(cfg || '{"backtest.legs": [{"option_right": "C", "strike": 1e-13,
                                 "expiry": "2026-03-20 20:00+00", "quantity": 1}]}',
                       '2026-03-02 00:00+00', '2026-03-03 00:00+00', 'ATK_DS') AS tiny_strike
  FROM plain;
SELECT count(*) AS runs_in_safe_all_along
  FROM bifrost.backtest_runs r
 WHERE r.symbol = 'ATK_DS' AND r.status = 'success'
   AND NOT EXISTS (SELECT 1 FROM bifrost.backtest_equity e WHERE e.backtest_run_id = r.id AND e.trading_state <> 'SAFE');

------------------------------------------------------------------------------
-- 6. Fills on the paper model's 0.0001 price grid (paper_fill.c
-- paper_fill_price: round to the nearest 0.0001, a sell floored at 0.0001, a
-- buy not).  A buy of a coin at 0.000010001 fills at 0 and the run fails on
-- backtest_orders_price_check (23514); a sell at 0.00001 fills at 0.0001, ten
-- times the bid (a windfall counted as 90 of slippage cost); a buy at an ask
-- of 0.15124 fills at 0.1512, below the bid.  Should: never better than the
-- far side (README: at its far side plus the slippage), the run succeeds.
------------------------------------------------------------------------------
INSERT INTO bifrost.ticks (symbol, ts, bid, ask) VALUES
    ('ATK_COIN', '2026-03-02 15:00+00', 0.000010000, 0.000010001),
    ('ATK_COIN', '2026-03-02 15:01+00', 0.000010000, 0.000010001),
    ('ATK_DOGE', '2026-03-02 15:00+00', 0.15120, 0.15124),
    ('ATK_DOGE', '2026-03-02 15:01+00', 0.15120, 0.15124);
SELECT pg_temp.outcome(cfg || '{"backtest.start_position": -1000000}', '2026-03-02 00:00+00', '2026-03-03 00:00+00',
                       'ATK_COIN') AS buy_sub_grid
  FROM plain;
SELECT pg_temp.outcome(cfg || '{"backtest.start_position": 1000000}', '2026-03-02 00:00+00', '2026-03-03 00:00+00',
                       'ATK_COIN') AS sell_sub_grid
  FROM plain;
SELECT pg_temp.outcome(cfg || '{"backtest.start_position": -1000}', '2026-03-02 00:00+00', '2026-03-03 00:00+00',
                       'ATK_DOGE') AS buy_between_grid
  FROM plain;
SELECT r.symbol, o.side, o.status,
       CASE o.side WHEN 'BUY' THEN o.price >= q.ask ELSE o.price <= q.bid END AS at_far_side_or_worse
  FROM bifrost.backtest_orders o JOIN bifrost.backtest_runs r ON r.id = o.backtest_run_id
  JOIN bifrost.ticks q ON q.symbol = r.symbol AND q.ts = o.ts
 WHERE r.symbol IN ('ATK_COIN', 'ATK_DOGE')
 ORDER BY 1, 2;

------------------------------------------------------------------------------
-- 7. An order still in flight at the end of the range (latency past the last
-- quote) counts in hedge_count and has its "hedge" decision, but no
-- backtest_orders row (README: "backtest_orders: every order").
-- Should: as many order rows as hedges (the last one ended unfilled).
------------------------------------------------------------------------------
CREATE TEMP TABLE in_flight AS
SELECT bifrost_backtest(cfg || '{"backtest.start_position": 100, "broker.paper.latency_ms": 60000}',
                        '2026-03-02 00:00+00', '2026-03-02 15:00:30+00', 'ATK_PNL') AS id
  FROM plain;
SELECT r.hedge_count, (SELECT count(*) FROM bifrost.backtest_orders o WHERE o.backtest_run_id = r.id) AS order_rows,
       (SELECT count(*) FROM bifrost.backtest_decisions d WHERE d.backtest_run_id = r.id AND d.action = 'hedge')
           AS hedge_decisions
  FROM bifrost.backtest_runs r JOIN in_flight USING (id);

------------------------------------------------------------------------------
-- 8. Sharpe and Sortino of a curve that does not move: a deep in-the-money
-- call that settles in cash at an unchanged price, its hedge unwound at no
-- cost.  The daily P&L are rounding noise (about 1e-11 on a book of 120,000)
-- and the Sharpe ratio comes out 13.5 (backtest_metrics.c: only sd = 0
-- exactly is "no deviation").  Should: NULL, as for no deviation.
------------------------------------------------------------------------------
INSERT INTO bifrost.ticks (symbol, ts, bid, ask)
SELECT 'ATK_FLAT', timestamptz '2026-03-02 00:00+00' + n * interval '1 min', 110, 110
  FROM generate_series(0, 2 * 1440 - 1) n;
CREATE TEMP TABLE flat AS
SELECT bifrost_backtest(cfg || '{"greeks.risk_free_rate": 0, "book.settlement": "cash",
                                 "backtest.legs": [{"option_right": "C", "strike": 100,
                                     "expiry": "2026-03-02 12:00+00", "quantity": -10}]}',
                        '2026-03-02 00:00+00', '2026-03-04 00:00+00', 'ATK_FLAT') AS id
  FROM plain;
SELECT abs(r.pnl) < 1e-6 AS flat, r.sharpe_ratio, r.sortino_ratio
  FROM bifrost.backtest_runs r JOIN flat USING (id);

------------------------------------------------------------------------------
-- 9. bifrost_backtest_compare() of a two-dimensional array of runs that exist
-- raises 0A000 ("searching for elements in multidimensional arrays is not
-- supported") from inside its query.  Should: 22023 naming the argument (or
-- the runs, as a one-dimensional array would give them).
------------------------------------------------------------------------------
DO $$
DECLARE
    id bigint := (SELECT first_quote.id FROM first_quote);
BEGIN
    PERFORM * FROM bifrost_backtest_compare(ARRAY[[id, id], [id, id]]);
    RAISE NOTICE 'compare: ok';
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'compare: %', SQLSTATE;
END $$;

------------------------------------------------------------------------------
-- Leaves nothing behind.
------------------------------------------------------------------------------
DELETE FROM bifrost.backtest_runs WHERE symbol LIKE 'ATK\_%';
DELETE FROM bifrost.ticks WHERE symbol LIKE 'ATK\_%';
