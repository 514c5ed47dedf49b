/*
 * bifrost--0.8--0.9.sql: upgrade script from bifrost 0.8 to 0.9, the
 * monitoring API.
 *
 * A status application reads everything through these, connected as the
 * person's own role: bifrost_metrics() (every Prometheus sample, named,
 * typed and labelled), bifrost_status_series() (status history for a
 * chart), bifrost_backtest_runs() and bifrost_backtest_equity() (the
 * latest runs, a run's equity curve).  All four are the reader's, run with
 * the caller's rights, and write nothing.  order_lifecycle_events gains a
 * partial index on its UNKNOWN transitions, which the metrics count.
 */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION bifrost UPDATE TO '0.9'" to load this file. \quit

------------------------------------------------------------------------------
-- bifrost_metrics(): one row per Prometheus sample (text format 0.0.4).
--
-- family  the metric family (the # HELP and # TYPE name); for counters and
--         gauges it is also the sample's name, so counters end in _total
-- type    counter, gauge or histogram
-- help    one line
-- sample  the sample's name: the family's, or for a histogram the family's
--         with _bucket, _sum or _count
-- labels  a flat object of string values, {} when none; a histogram's
--         buckets carry le, the last one +Inf
-- value   never NULL or NaN: a figure nobody knows is left out, so a missing
--         status row gives bifrost_worker_up 0 and no P&L, not a fake 0
--
-- Ordered by family, sample, then labels, byte by byte whatever the
-- database's collation (a histogram's buckets by le ascending), so equal
-- input gives equal output.
--
-- Counters count rows of the ledger over its whole history (they fall only
-- when rows are deleted, which Prometheus reads as a reset); figures that
-- move both ways (open orders, runs by status) are gauges.  The
-- intent-to-fill histogram covers every fill ever recorded (its _count is
-- the fills' count), so its buckets are counters too: for each row of
-- bifrost.trades, the time from its order's created_at (the hedge intent's
-- time: the hedger writes the intent and its order in one statement) to the
-- fill, at least 0.
--
-- Cost: one read of the status (bifrost_status()), one of the self-check
-- (bifrost_self_check(), whose ledger checks are most of the whole), one
-- scan each of orders, trades joined to their orders, ingestion_runs,
-- risk_events and backtest_runs, the rejects and cancels of operations by
-- their index, and the UNKNOWN transitions of order_lifecycle_events by a
-- partial index.
------------------------------------------------------------------------------

-- The transitions to UNKNOWN (an order whose outcome a send left unknown)
-- are what bifrost_metrics() counts of this table: a partial index keeps that
-- count from reading the whole life cycle of every order.
CREATE INDEX order_lifecycle_events_unknown_idx ON bifrost.order_lifecycle_events (order_id)
    WHERE status = 'UNKNOWN';

CREATE FUNCTION bifrost_metrics()
RETURNS TABLE (family text, type text, help text, sample text, labels jsonb, value double precision)
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
WITH
now_ts AS MATERIALIZED (
    SELECT pg_catalog.clock_timestamp() AS t
),
status AS MATERIALIZED (
    SELECT s.j, s.j -> 'status' AS st, s.j -> 'heartbeat' AS hb
      FROM (SELECT @extschema@.bifrost_status() AS j) s
),
checks AS MATERIALIZED (
    SELECT c.category, c.name, c.ok FROM @extschema@.bifrost_self_check() c
),
-- the families: each name once, with its type and help
families (family, type, help) AS (VALUES
    ('bifrost_worker_up', 'gauge', '1 while the hedger''s heartbeat is alive (the daemon lamp of bifrost_status() is not red), else 0'),
    ('bifrost_heartbeat_age_seconds', 'gauge', 'Seconds since the hedger''s last heartbeat'),
    ('bifrost_heartbeat_interval_seconds', 'gauge', 'Heartbeat interval the freshness windows scale with, in seconds'),
    ('bifrost_broker_connected', 'gauge', '1 when the hedger''s last heartbeat says its broker is connected, else 0'),
    ('bifrost_daemon_state', 'gauge', '1 for the daemon''s current state, 0 for every other state'),
    ('bifrost_trading_state', 'gauge', '1 for the trading state machine''s current state, 0 for every other state'),
    ('bifrost_lamp', 'gauge', '1 for the current color of each lamp of bifrost_status(), 0 for the other colors'),
    ('bifrost_block_reason', 'gauge', '1 for each reason bifrost_status() gives for a lamp that is not green'),
    ('bifrost_trading_suspended', 'gauge', '1 while the operator has suspended hedging, else 0'),
    ('bifrost_status_info', 'gauge', 'Always 1: the status row''s symbol, trading mode and configuration hash as labels'),
    ('bifrost_status_age_seconds', 'gauge', 'Seconds since the hedger wrote its status row'),
    ('bifrost_quote_age_seconds', 'gauge', 'Age of the newest quote the hedger had, in seconds, now (its data lag when the status row was written plus that row''s age)'),
    ('bifrost_spot_price', 'gauge', 'Spot price of the hedged symbol, quote currency'),
    ('bifrost_bid_price', 'gauge', 'Best bid of the hedged symbol, quote currency'),
    ('bifrost_ask_price', 'gauge', 'Best ask of the hedged symbol, quote currency'),
    ('bifrost_net_delta', 'gauge', 'Net delta of the book (option legs, hedge position and hedges in flight), units of the underlying'),
    ('bifrost_hedge_position', 'gauge', 'Hedge position, lots of the hedge instrument (shares for a stock)'),
    ('bifrost_option_legs', 'gauge', 'Option legs in the hedged book'),
    ('bifrost_daily_pnl', 'gauge', 'P&L of the trading day so far, quote currency'),
    ('bifrost_daily_hedges', 'gauge', 'Hedge orders sent on the trading day so far'),
    ('bifrost_loss_breaker_tripped', 'gauge', '1 when the daily P&L is at or below minus gates.guard.risk.max_daily_loss_usd, else 0'),
    ('bifrost_delta_band', 'gauge', 'No-trade band of the net delta as bifrost.config holds it (gates.state.delta.epsilon_band)'),
    ('bifrost_delta_threshold', 'gauge', 'Net delta at which a hedge is sent as bifrost.config holds it (gates.state.delta.threshold_hedge_shares)'),
    ('bifrost_max_daily_loss', 'gauge', 'Daily loss that trips the breaker as bifrost.config holds it (gates.guard.risk.max_daily_loss_usd), quote currency'),
    ('bifrost_max_daily_hedges', 'gauge', 'Hedge orders allowed per trading day as bifrost.config holds it (gates.guard.risk.max_daily_hedge_count)'),
    ('bifrost_orders_total', 'counter', 'Orders that reached a final status (FILLED, CANCELED, REJECTED), by side and status'),
    ('bifrost_orders_open', 'gauge', 'Orders not final yet (CREATED, NEW, PARTIALLY_FILLED, UNKNOWN), by side and status'),
    ('bifrost_fills_total', 'counter', 'Fills (rows of bifrost.trades), by side'),
    ('bifrost_filled_quantity_total', 'counter', 'Lots filled, by side'),
    ('bifrost_rejects_total', 'counter', 'Hedge orders rejected (reject operations), whatever the cause'),
    ('bifrost_broker_errors_total', 'counter', 'Orders the broker failed, by kind: rejected, not_sent, never_reached, unknown_outcome, cancelled'),
    ('bifrost_risk_events_total', 'counter', 'Risk events recorded, by rule'),
    ('bifrost_intent_to_fill_seconds', 'histogram', 'Seconds from the hedge intent of an order to each of its fills'),
    ('bifrost_ingestion_runs_total', 'counter', 'Market-data ingestion runs that ended, by data type and outcome'),
    ('bifrost_ingestion_runs_running', 'gauge', 'Market-data ingestion runs under way'),
    ('bifrost_ingested_rows_total', 'counter', 'Rows new or changed by market-data ingestion runs, by data type'),
    ('bifrost_self_check_failing', 'gauge', 'Failing checks of bifrost_self_check(), by category'),
    ('bifrost_ledger_check_failing', 'gauge', '1 when the ledger check named by check fails, else 0'),
    ('bifrost_backtest_runs', 'gauge', 'Backtest runs recorded, by status')
),
buckets (i, le) AS (VALUES
    (1, 0.005::float8), (2, 0.01), (3, 0.025), (4, 0.05), (5, 0.1), (6, 0.25), (7, 0.5),
    (8, 1), (9, 2.5), (10, 5), (11, 10), (12, 30), (13, 60)
),
-- the fills (rows of bifrost.trades) by side and by the first bucket their
-- intent-to-fill time falls in (i = 14: only +Inf), in one pass
fills AS MATERIALIZED (
    SELECT f.side,
           -- width_bucket counts the bounds at or below its operand;
           -- negated, it counts the les at or above the time
           14 - pg_catalog.width_bucket(-f.s, (SELECT pg_catalog.array_agg(-b.le ORDER BY b.le DESC)
                                                FROM buckets b)) AS i,
           pg_catalog.count(*) AS n, pg_catalog.sum(f.amount) AS lots, pg_catalog.sum(f.s) AS s
      FROM (SELECT t.side, t.amount, GREATEST(0, pg_catalog.date_part('epoch', t.ts - o.created_at)) AS s
              FROM bifrost.trades t
              JOIN bifrost.orders o ON o.id = t.order_id) f
     GROUP BY 1, 2
),
orders AS MATERIALIZED (
    SELECT o.side, o.status, pg_catalog.count(*) AS n
      FROM bifrost.orders o
     GROUP BY o.side, o.status
),
ingestion AS MATERIALIZED (
    SELECT r.data_type, r.status, pg_catalog.count(*) AS n, pg_catalog.sum(r.rows_inserted) AS rows
      FROM bifrost.ingestion_runs r
     GROUP BY r.data_type, r.status
),
sides (side) AS (VALUES ('BUY'), ('SELL')),
samples (family, sample, ord, labels, value) AS (
    -------------------------------------------------------------- the daemon
    SELECT 'bifrost_worker_up', 'bifrost_worker_up', 0, '{}'::jsonb,
           CASE WHEN s.j ->> 'daemon_lamp' = 'red' THEN 0 ELSE 1 END::float8
      FROM status s
    UNION ALL
    SELECT 'bifrost_heartbeat_age_seconds', 'bifrost_heartbeat_age_seconds', 0, '{}', (s.hb ->> 'age_sec')::float8
      FROM status s
    UNION ALL
    SELECT 'bifrost_heartbeat_interval_seconds', 'bifrost_heartbeat_interval_seconds', 0, '{}',
           bifrost.heartbeat_interval_sec()
    UNION ALL
    SELECT 'bifrost_broker_connected', 'bifrost_broker_connected', 0, '{}',
           CASE (s.hb ->> 'broker_connected')::boolean WHEN true THEN 1 WHEN false THEN 0 END
      FROM status s
    UNION ALL
    SELECT 'bifrost_daemon_state', 'bifrost_daemon_state', 0, pg_catalog.jsonb_build_object('state', d.state),
           CASE WHEN d.state = coalesce(s.st ->> 'daemon_state', s.hb ->> 'daemon_state') THEN 1 ELSE 0 END
      FROM status s,
           (VALUES ('IDLE'), ('CONNECTING'), ('WAITING_BROKER'), ('CONNECTED'), ('RUNNING'),
                   ('RUNNING_SUSPENDED'), ('STOPPING'), ('STOPPED')) d(state)
    UNION ALL
    SELECT 'bifrost_trading_state', 'bifrost_trading_state', 0, pg_catalog.jsonb_build_object('state', d.state),
           CASE WHEN d.state = s.st ->> 'trading_state' THEN 1 ELSE 0 END
      FROM status s,
           (VALUES ('BOOT'), ('SYNC'), ('IDLE'), ('ARMED'), ('MONITOR'), ('NO_TRADE'), ('PAUSE_COST'),
                   ('PAUSE_LIQ'), ('NEED_HEDGE'), ('HEDGING'), ('SAFE')) d(state)
    UNION ALL
    SELECT 'bifrost_lamp', 'bifrost_lamp', 0, pg_catalog.jsonb_build_object('lamp', l.lamp, 'color', c.color),
           CASE WHEN s.j ->> l.key = c.color THEN 1 ELSE 0 END
      FROM status s,
           (VALUES ('hedging', 'status_lamp'), ('daemon', 'daemon_lamp')) l(lamp, key),
           (VALUES ('green'), ('yellow'), ('red')) c(color)
    UNION ALL
    SELECT 'bifrost_block_reason', 'bifrost_block_reason', 0, pg_catalog.jsonb_build_object('lamp', l.lamp, 'reason', r.reason),
           1
      FROM status s,
           (VALUES ('hedging', 'block_reasons'), ('daemon', 'daemon_block_reasons')) l(lamp, key),
           pg_catalog.jsonb_array_elements_text(s.j -> l.key) r(reason)
    UNION ALL
    SELECT 'bifrost_trading_suspended', 'bifrost_trading_suspended', 0, '{}',
           CASE (s.j ->> 'trading_suspended')::boolean WHEN true THEN 1 WHEN false THEN 0 END
      FROM status s
    -------------------------------------------------------------- the status row
    UNION ALL
    SELECT 'bifrost_status_info', 'bifrost_status_info', 0,
           pg_catalog.jsonb_build_object('symbol', coalesce(s.st ->> 'symbol', ''),
                                         'trading_mode', coalesce(s.st ->> 'trading_mode', ''),
                                         'config', coalesce(pg_catalog.substring(s.st ->> 'config_summary', 'cfg=([0-9a-f]+)'), '')),
           1
      FROM status s WHERE pg_catalog.jsonb_typeof(s.st) = 'object'
    UNION ALL
    SELECT 'bifrost_status_age_seconds', 'bifrost_status_age_seconds', 0, '{}',
           pg_catalog.date_part('epoch', n.t - (s.st ->> 'ts')::timestamptz)
      FROM status s, now_ts n
    UNION ALL
    SELECT 'bifrost_quote_age_seconds', 'bifrost_quote_age_seconds', 0, '{}',
           (s.st ->> 'data_lag_ms')::float8 / 1000
           + GREATEST(0, pg_catalog.date_part('epoch', n.t - (s.st ->> 'ts')::timestamptz))
      FROM status s, now_ts n
    UNION ALL
    SELECT f.family, f.family, 0, '{}', (s.st ->> f.col)::float8
      FROM status s,
           (VALUES ('bifrost_spot_price', 'spot'), ('bifrost_bid_price', 'bid'), ('bifrost_ask_price', 'ask'),
                   ('bifrost_net_delta', 'net_delta'), ('bifrost_hedge_position', 'stock_position'),
                   ('bifrost_option_legs', 'option_legs_count'), ('bifrost_daily_pnl', 'daily_pnl'),
                   ('bifrost_daily_hedges', 'daily_hedge_count')) f(family, col)
    UNION ALL
    SELECT 'bifrost_loss_breaker_tripped', 'bifrost_loss_breaker_tripped', 0, '{}',
           CASE WHEN s.j -> 'block_reasons' ? 'circuit_breaker' THEN 1 ELSE 0 END
      FROM status s WHERE s.st ->> 'daily_pnl' IS NOT NULL
    -------------------------------------------------------------- the configuration
    UNION ALL
    SELECT f.family, f.family, 0, '{}', bifrost._config_number(f.key)
      FROM (VALUES ('bifrost_delta_band', 'gates.state.delta.epsilon_band'),
                   ('bifrost_delta_threshold', 'gates.state.delta.threshold_hedge_shares'),
                   ('bifrost_max_daily_loss', 'gates.guard.risk.max_daily_loss_usd'),
                   ('bifrost_max_daily_hedges', 'gates.guard.risk.max_daily_hedge_count')) f(family, key)
    -------------------------------------------------------------- the ledger
    UNION ALL
    SELECT CASE WHEN st.final THEN 'bifrost_orders_total' ELSE 'bifrost_orders_open' END,
           CASE WHEN st.final THEN 'bifrost_orders_total' ELSE 'bifrost_orders_open' END, 0,
           pg_catalog.jsonb_build_object('side', sd.side, 'status', st.status),
           coalesce((SELECT o.n FROM orders o WHERE o.side = sd.side AND o.status = st.status), 0)
      FROM sides sd,
           (VALUES ('FILLED', true), ('CANCELED', true), ('REJECTED', true), ('CREATED', false), ('NEW', false),
                   ('PARTIALLY_FILLED', false), ('UNKNOWN', false)) st(status, final)
    UNION ALL
    SELECT 'bifrost_fills_total', 'bifrost_fills_total', 0, pg_catalog.jsonb_build_object('side', sd.side),
           coalesce((SELECT pg_catalog.sum(f.n) FROM fills f WHERE f.side = sd.side), 0)
      FROM sides sd
    UNION ALL
    SELECT 'bifrost_filled_quantity_total', 'bifrost_filled_quantity_total', 0, pg_catalog.jsonb_build_object('side', sd.side),
           coalesce((SELECT pg_catalog.sum(f.lots) FROM fills f WHERE f.side = sd.side), 0)
      FROM sides sd
    UNION ALL
    SELECT 'bifrost_rejects_total', 'bifrost_rejects_total', 0, '{}', pg_catalog.count(*)
      FROM bifrost.operations o WHERE o.type = 'reject'
    UNION ALL
    SELECT 'bifrost_broker_errors_total', 'bifrost_broker_errors_total', 0, pg_catalog.jsonb_build_object('kind', k.kind),
           coalesce(e.n, 0)
      FROM (VALUES ('rejected'), ('not_sent'), ('never_reached'), ('unknown_outcome'), ('cancelled')) k(kind)
      LEFT JOIN (
            -- the reasons the hedger writes (hedger_orders.c, the venues' order code)
            SELECT CASE WHEN o.type = 'cancel' THEN 'cancelled'
                        WHEN o.state_reason LIKE 'not sent:%' THEN 'not_sent'
                        WHEN o.state_reason LIKE 'never reached %' THEN 'never_reached'
                        ELSE 'rejected' END AS kind,
                   pg_catalog.count(*) AS n
              FROM bifrost.operations o
             WHERE o.type = 'reject' OR (o.type = 'cancel' AND o.state_reason LIKE 'cancelled by %')
             GROUP BY 1
            UNION ALL
            SELECT 'unknown_outcome', pg_catalog.count(DISTINCT e.order_id)
              FROM bifrost.order_lifecycle_events e WHERE e.status = 'UNKNOWN') e ON e.kind = k.kind
    UNION ALL
    SELECT 'bifrost_risk_events_total', 'bifrost_risk_events_total', 0, pg_catalog.jsonb_build_object('rule', r.rule),
           pg_catalog.count(*)
      FROM bifrost.risk_events r GROUP BY r.rule
    UNION ALL
    SELECT 'bifrost_intent_to_fill_seconds', 'bifrost_intent_to_fill_seconds_bucket', b.i,
           pg_catalog.jsonb_build_object('le', b.le::text),
           coalesce((SELECT pg_catalog.sum(l.n) FROM fills l WHERE l.i <= b.i), 0)
      FROM buckets b
    UNION ALL
    SELECT 'bifrost_intent_to_fill_seconds', 'bifrost_intent_to_fill_seconds_bucket', 14, '{"le": "+Inf"}',
           coalesce((SELECT pg_catalog.sum(l.n) FROM fills l), 0)
    UNION ALL
    SELECT 'bifrost_intent_to_fill_seconds', 'bifrost_intent_to_fill_seconds_sum', 0, '{}',
           coalesce((SELECT pg_catalog.sum(l.s) FROM fills l), 0)
    UNION ALL
    SELECT 'bifrost_intent_to_fill_seconds', 'bifrost_intent_to_fill_seconds_count', 0, '{}',
           coalesce((SELECT pg_catalog.sum(l.n) FROM fills l), 0)
    -------------------------------------------------------------- market data
    UNION ALL
    SELECT 'bifrost_ingestion_runs_total', 'bifrost_ingestion_runs_total', 0,
           pg_catalog.jsonb_build_object('data_type', t.data_type, 'outcome', o.outcome),
           coalesce((SELECT i.n FROM ingestion i WHERE i.data_type = t.data_type AND i.status = o.outcome), 0)
      FROM (VALUES ('ohlcv'), ('funding_rate'), ('price_snapshot'), ('open_interest'), ('long_short_ratio')) t(data_type),
           (VALUES ('success'), ('failed'), ('skipped')) o(outcome)
    UNION ALL
    SELECT 'bifrost_ingestion_runs_running', 'bifrost_ingestion_runs_running', 0, '{}',
           coalesce((SELECT pg_catalog.sum(i.n) FROM ingestion i WHERE i.status = 'running'), 0)
    UNION ALL
    SELECT 'bifrost_ingested_rows_total', 'bifrost_ingested_rows_total', 0,
           pg_catalog.jsonb_build_object('data_type', t.data_type),
           coalesce((SELECT pg_catalog.sum(i.rows) FROM ingestion i WHERE i.data_type = t.data_type), 0)
      FROM (VALUES ('ohlcv'), ('funding_rate'), ('price_snapshot'), ('open_interest'), ('long_short_ratio')) t(data_type)
    -------------------------------------------------------------- the self-check
    UNION ALL
    SELECT 'bifrost_self_check_failing', 'bifrost_self_check_failing', 0, pg_catalog.jsonb_build_object('category', g.category),
           (SELECT pg_catalog.count(*) FROM checks c WHERE c.category = g.category AND NOT c.ok)
      FROM (VALUES ('schema'), ('config'), ('legs'), ('ledger'), ('worker'), ('freshness'), ('units')) g(category)
    UNION ALL
    SELECT 'bifrost_ledger_check_failing', 'bifrost_ledger_check_failing', 0, pg_catalog.jsonb_build_object('check', c.name),
           CASE WHEN c.ok THEN 0 ELSE 1 END
      FROM checks c WHERE c.category = 'ledger'
    -------------------------------------------------------------- backtests
    UNION ALL
    SELECT 'bifrost_backtest_runs', 'bifrost_backtest_runs', 0, pg_catalog.jsonb_build_object('status', g.status),
           coalesce(r.n, 0)
      FROM (VALUES ('running'), ('success'), ('failed')) g(status)
      LEFT JOIN (SELECT b.status, pg_catalog.count(*) AS n FROM bifrost.backtest_runs b GROUP BY b.status) r
             ON r.status = g.status
)
SELECT f.family, f.type, f.help, x.sample, x.labels, x.value
  FROM samples x
  JOIN families f ON f.family = x.family
 WHERE x.value IS NOT NULL AND x.value <> 'NaN'::float8
 ORDER BY f.family COLLATE pg_catalog."C", x.sample COLLATE pg_catalog."C", x.ord,
          x.labels::text COLLATE pg_catalog."C"
$$;
COMMENT ON FUNCTION bifrost_metrics() IS
    'Every Prometheus sample of bifrost (text format 0.0.4): family, type, help, sample name, labels (flat object of strings), value; ordered by family, sample, labels; unknown figures left out';

------------------------------------------------------------------------------
-- Series for charts: a time range cut into at most max_points buckets of
-- equal width, the last row of each kept (so the newest row of the range is
-- always there, and a chart's last point is the current figure).  A range
-- that holds no more than max_points rows comes back whole.  Buckets are
-- read one index probe each, so the cost follows max_points, not the rows
-- in the range.
------------------------------------------------------------------------------

-- max_points of the series functions, checked once for both.
CREATE FUNCTION bifrost._check_max_points(max_points integer)
RETURNS integer
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF max_points IS NULL OR max_points < 2 OR max_points > 5000 THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = pg_catalog.format('invalid value for max_points: %s', coalesce(max_points::text, 'NULL')),
            DETAIL = 'max_points must be between 2 and 5000.',
            HINT = 'A chart needs about one point per pixel of its width; 360 to 1000 is plenty.';
    END IF;
    RETURN max_points;
END
$$;
COMMENT ON FUNCTION bifrost._check_max_points(integer) IS
    'Returns its argument, or raises 22023 when the max_points argument of a series function is NULL or outside 2..5000';

/*
 * [from_ts, to_ts] cut into n buckets of equal width, both ends inclusive:
 * bucket i (0-based) holds lo <= ts <= hi, hi being the next bucket's lo
 * less a microsecond (timestamptz's resolution), the last one's to_ts.
 * The width is in seconds, never days, so a daylight-saving change in the
 * session's TimeZone does not bend the buckets.
 */
CREATE FUNCTION bifrost._time_buckets(from_ts timestamptz, to_ts timestamptz, n integer)
RETURNS TABLE (i integer, lo timestamptz, hi timestamptz)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT b.i,
           from_ts + b.i * w.secs * interval '1 second',
           CASE WHEN b.i = n - 1 THEN to_ts
                ELSE from_ts + (b.i + 1) * w.secs * interval '1 second' - interval '1 microsecond' END
      FROM (SELECT pg_catalog.date_part('epoch', to_ts - from_ts) / n AS secs) w,
           -- n is checked here too: the reader may call this helper, and
           -- 2^31 buckets would fill the disk
           pg_catalog.generate_series(0, bifrost._check_max_points(n) - 1) AS b(i)
$$;
COMMENT ON FUNCTION bifrost._time_buckets(timestamptz, timestamptz, integer) IS
    'The range from_ts..to_ts (inclusive) cut into n (2..5000) buckets of equal width in seconds: (i from 0, lo, hi), both bounds inclusive';

CREATE FUNCTION bifrost_status_series(since timestamptz DEFAULT now() - interval '6 hours',
                                      until timestamptz DEFAULT now(),
                                      max_points integer DEFAULT 360)
RETURNS TABLE (ts timestamptz, daemon_state text, trading_state text, spot double precision,
               bid double precision, ask double precision, net_delta double precision,
               hedge_position double precision, daily_pnl double precision, daily_hedge_count integer,
               data_lag_ms double precision, reason text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    arg  text;
    val  timestamptz;
    n    bigint;
BEGIN
    FOREACH arg IN ARRAY ARRAY['since', 'until'] LOOP
        val := CASE arg WHEN 'since' THEN since ELSE until END;
        IF val IS NULL OR NOT pg_catalog.isfinite(val) THEN
            RAISE EXCEPTION USING
                ERRCODE = 'invalid_parameter_value',
                MESSAGE = pg_catalog.format('invalid value for %s: %s', arg, coalesce(val::text, 'NULL')),
                DETAIL = 'since and until are both required, finite and inclusive.',
                HINT = 'Leave them out for the last six hours.';
        END IF;
    END LOOP;
    IF since > until THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = pg_catalog.format('invalid value for since: %s is later than until %s', since, until),
            HINT = 'Swap since and until.';
    END IF;
    IF until - since > interval '31 days' THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = pg_catalog.format('invalid range: since %s to until %s is longer than 31 days', since, until),
            DETAIL = 'A series covers at most 31 days.',
            HINT = 'Chart a longer stretch month by month, or read bifrost.status_history.';
    END IF;
    PERFORM bifrost._check_max_points(max_points);

    SELECT pg_catalog.count(*) INTO n
      FROM (SELECT FROM bifrost.status_history h WHERE h.ts BETWEEN since AND until LIMIT max_points + 1) x;
    IF n <= max_points THEN
        RETURN QUERY
            SELECT h.ts, h.daemon_state, h.trading_state, h.spot, h.bid, h.ask, h.net_delta,
                   h.stock_position::double precision, h.daily_pnl, h.daily_hedge_count, h.data_lag_ms, h.reason
              FROM bifrost.status_history h
             WHERE h.ts BETWEEN since AND until
             ORDER BY h.ts, h.id;
        RETURN;
    END IF;

    RETURN QUERY
        SELECT h.ts, h.daemon_state, h.trading_state, h.spot, h.bid, h.ask, h.net_delta,
               h.stock_position::double precision, h.daily_pnl, h.daily_hedge_count, h.data_lag_ms, h.reason
          FROM bifrost._time_buckets(since, until, max_points) b
          CROSS JOIN LATERAL (SELECT * FROM bifrost.status_history s
                               WHERE s.ts BETWEEN b.lo AND b.hi
                               ORDER BY s.ts DESC, s.id DESC
                               LIMIT 1) h
         ORDER BY b.i;
END
$$;
COMMENT ON FUNCTION bifrost_status_series(timestamptz, timestamptz, integer) IS
    'Rows of bifrost.status_history with since <= ts <= until (at most 31 days), oldest first; more than max_points (2..5000) rows are cut to the last row of each of max_points equal time buckets';

------------------------------------------------------------------------------
-- Backtests for a page that lists them and charts one.
------------------------------------------------------------------------------

CREATE FUNCTION bifrost_backtest_runs(lim integer DEFAULT 20)
RETURNS TABLE (id bigint, created_at timestamptz, finished_at timestamptz, status text, source text,
               symbol text, timeframe text, start_ts timestamptz, end_ts timestamptz, sweep_id bigint,
               config_hash text, quotes bigint, hedge_count integer, pnl numeric, total_return numeric,
               max_drawdown numeric, sharpe_ratio numeric, sortino_ratio numeric, seconds numeric, error text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    IF lim IS NULL OR lim < 1 OR lim > 200 THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = pg_catalog.format('invalid value for lim: %s', coalesce(lim::text, 'NULL')),
            DETAIL = 'lim must be between 1 and 200.',
            HINT = 'For older runs, read bifrost.backtest_runs.';
    END IF;
    -- ids follow creation, and the primary key reads them newest first
    RETURN QUERY
        SELECT r.id, r.created_at, r.finished_at, r.status, r.source, r.symbol, r.timeframe, r.start_ts,
               r.end_ts, r.sweep_id, r.config_hash, r.quotes, r.hedge_count, r.pnl, r.total_return,
               r.max_drawdown, r.sharpe_ratio, r.sortino_ratio, (r.metrics_json ->> 'seconds')::numeric, r.error
          FROM bifrost.backtest_runs r
         ORDER BY r.id DESC
         LIMIT lim;
END
$$;
COMMENT ON FUNCTION bifrost_backtest_runs(integer) IS
    'The lim (1..200) latest backtest runs, newest first: status, source, period, configuration hash and metrics';

CREATE FUNCTION bifrost_backtest_equity(run_id bigint, max_points integer DEFAULT 500)
RETURNS TABLE (ts timestamptz, mid double precision, "position" double precision, cash double precision,
               hedge_value double precision, legs_value double precision, equity double precision,
               pnl double precision, net_delta double precision, drawdown double precision, trading_state text,
               delta_pnl double precision, gamma_pnl double precision, theta_pnl double precision,
               vega_pnl double precision, spread_cost double precision, slippage_cost double precision,
               fees double precision, financing double precision, residual double precision)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
-- run_id is qualified with the function's name: bare, it would be
-- backtest_runs.run_id (the uuid)
DECLARE
    first_ts timestamptz;
    last_ts  timestamptz;
    n        bigint;
BEGIN
    IF run_id IS NULL THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = 'invalid value for run_id: NULL',
            HINT = 'bifrost_backtest_runs() lists the runs.';
    END IF;
    PERFORM bifrost._check_max_points(max_points);
    IF NOT EXISTS (SELECT FROM bifrost.backtest_runs r WHERE r.id = bifrost_backtest_equity.run_id) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = pg_catalog.format('no backtest run %s', bifrost_backtest_equity.run_id),
            HINT = 'bifrost_backtest_runs() lists the runs.';
    END IF;

    SELECT pg_catalog.count(*) INTO n
      FROM (SELECT FROM bifrost.backtest_equity e
             WHERE e.backtest_run_id = bifrost_backtest_equity.run_id LIMIT max_points + 1) x;
    IF n <= max_points THEN
        RETURN QUERY
            SELECT e.ts, e.mid, e.position, e.cash, e.hedge_value, e.legs_value, e.equity, e.pnl, e.net_delta,
                   e.drawdown, e.trading_state, e.delta_pnl, e.gamma_pnl, e.theta_pnl, e.vega_pnl, e.spread_cost,
                   e.slippage_cost, e.fees, e.financing, e.residual
              FROM bifrost.backtest_equity e
             WHERE e.backtest_run_id = bifrost_backtest_equity.run_id
             ORDER BY e.ts;
        RETURN;
    END IF;

    SELECT pg_catalog.min(e.ts), pg_catalog.max(e.ts) INTO first_ts, last_ts
      FROM bifrost.backtest_equity e WHERE e.backtest_run_id = bifrost_backtest_equity.run_id;
    RETURN QUERY
        SELECT e.ts, e.mid, e.position, e.cash, e.hedge_value, e.legs_value, e.equity, e.pnl, e.net_delta,
               e.drawdown, e.trading_state, e.delta_pnl, e.gamma_pnl, e.theta_pnl, e.vega_pnl, e.spread_cost,
               e.slippage_cost, e.fees, e.financing, e.residual
          FROM bifrost._time_buckets(first_ts, last_ts, max_points) b
          CROSS JOIN LATERAL (SELECT * FROM bifrost.backtest_equity q
                               WHERE q.backtest_run_id = bifrost_backtest_equity.run_id AND q.ts BETWEEN b.lo AND b.hi
                               ORDER BY q.ts DESC
                               LIMIT 1) e
         ORDER BY b.i;
END
$$;
COMMENT ON FUNCTION bifrost_backtest_equity(bigint, integer) IS
    'Equity curve of a backtest run with its P&L attribution, oldest first; more than max_points (2..5000) rows are cut to the last row of each of max_points equal time buckets; an unknown run raises 22023';

-- 90_grants.sql revokes PUBLIC's EXECUTE from every function of the
-- extension and grants these to the reader; the same here.
REVOKE ALL ON FUNCTION
    bifrost_metrics(),
    bifrost_status_series(timestamptz, timestamptz, integer),
    bifrost_backtest_runs(integer),
    bifrost_backtest_equity(bigint, integer),
    bifrost._check_max_points(integer),
    bifrost._time_buckets(timestamptz, timestamptz, integer)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    bifrost_metrics(),
    bifrost_status_series(timestamptz, timestamptz, integer),
    bifrost_backtest_runs(integer),
    bifrost_backtest_equity(bigint, integer),
    bifrost._check_max_points(integer),
    bifrost._time_buckets(timestamptz, timestamptz, integer)
TO bifrost_reader;

INSERT INTO bifrost.schema_version (version, name)
VALUES ('0.9', 'the monitoring API: Prometheus metrics, status series, backtest runs and equity');

-- bifrost_status() also gives the net delta's limits in effect (delta_limits), for the page's gauge
CREATE OR REPLACE FUNCTION bifrost_status()
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

    -- hedging lamp: red; a configuration the hedger cannot load is one
    -- bifrost.config_problems() faults, the judgement both share
    IF EXISTS (SELECT FROM bifrost.config_problems()) THEN
        red := pg_catalog.array_append(red, 'config_invalid');
    END IF;
    IF have_hb AND hb.last_error LIKE 'hedging paused %'
       AND hb.last_error_at > now_ts - pg_catalog.make_interval(secs => 120) THEN
        red := pg_catalog.array_append(red, 'hedge_writes_failing');
    END IF;
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
        -- the net delta's limits in effect, for a gauge beside it
        'delta_limits', pg_catalog.jsonb_build_object(
            'epsilon_band', bifrost._config_number('gates.state.delta.epsilon_band'),
            'threshold_hedge_shares', bifrost._config_number('gates.state.delta.threshold_hedge_shares'),
            'max_delta_limit', bifrost._config_number('gates.state.delta.max_delta_limit')),
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
COMMENT ON FUNCTION bifrost_status() IS 'Hedging and daemon lamps with every reason that applies, the suspended flag, the net delta''s limits in effect, the heartbeat row and the status row, as one JSON object';
