/*
 * sql/install/70_status_api.sql: what an operator asks (role
 * bifrost_reader): the status lamps, the hedge operations, the history
 * statistics.  They read the tables of 10_runtime.sql and 40_trading.sql with
 * the caller's rights; the self-check is in 80_self_check.sql.
 */

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

/*
 * The two lamps, hedging and daemon, with every reason that applies (red
 * ones first): SAFE, PAUSE_LIQ, a stuck NEED_HEDGE, a tripped loss breaker,
 * an exhausted daily limit and a stale status row all show, and the daemon's
 * alive window is three heartbeat intervals and honours graceful_shutdown_at.
 * A configuration the hedger refuses turns the lamp red (config_invalid):
 * the hedger keeps deciding on the last configuration it could load.  So
 * does a hedger that paused taking quotes because its writes fail
 * (hedge_writes_failing): it records each pause in daemon_heartbeat.last_error,
 * at least once a minute while the failures go on, and says when writes
 * succeed again.
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
            MESSAGE = pg_catalog.format('invalid value for op_type: %s', pg_catalog.quote_literal(bifrost._echo(op_type))),
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
-- bifrost_history_stats(days, tz): what the hedger did over the last
-- `days` local dates of time zone `tz`, from bifrost.operations (intents,
-- orders, fills, rejects, cancels, realized P&L, slippage) and
-- bifrost.decisions (blocked decisions and their reasons), as one JSON object.
--
-- Window: today is the local date of now() (the transaction's start) in tz;
-- a row counts when the local date of its ts in tz lies in
-- [today - (days - 1), today], i.e. (ts AT TIME ZONE tz)::date >
-- today - days, and not after today.  days = 1 is today only.  Dates are
-- calendar dates of tz (weekends and holidays included; a day without
-- activity simply has no entry), so a fill at 23:30 New York time on the 23rd
-- counts on the 23rd for 'America/New_York' and on the 24th for 'UTC'.
--
-- Output keys:
--   window        {days, tz (canonical spelling), from, to} (local dates)
--   daily         [{date, intents, fills, rejects, cancels, orders,
--                   shares_filled, realized_pnl, blocked}], ascending, one
--                 entry per local date with an operation or a blocked
--                 decision; orders counts order_sent rows; shares_filled sums
--                 fill quantities; realized_pnl sums the non-NULL realized_pnl
--                 of that day's fills (0 when none has one); blocked counts
--                 decisions with a block_reason
--   weekly        [{week ("2026-W48", ISO week of the local date), start (its
--                   Monday), same counts}], ascending
--   monthly       [{month ("2026-11"), same counts}], ascending
--                 (weeks and months at the window's edges hold only the days
--                 inside the window, so their sums always equal daily's)
--   pnl           {total_realized, days (local dates with a fill), mean,
--                  stddev (sample, n - 1), min, p25, median, p75, max (of the
--                  daily realized P&L over those days), winning_days (share of
--                  them with P&L > 0), fills_with_pnl, winning_fills,
--                  win_rate (winning_fills / fills_with_pnl)}
--   slippage_bps  {count, mean, median, p95, min, max} over fills with a
--                  decision_mid: (price - decision_mid) / decision_mid * 10000,
--                  sign flipped for SELL, so positive = paid more (or sold for
--                  less) than the mid when the hedge was decided
--   block_reasons [{reason, count}], count descending then reason: an array,
--                 because a jsonb object keeps no order
--   summary       {intents, fills, rejects, cancels, orders, shares_filled,
--                  realized_pnl, blocked, trading_days_with_fills,
--                  last_fill_at (local time in tz with its UTC offset)}
--
-- Numbers are JSON numbers without trailing zeros.  Counts are integers;
-- money (sums, min, max) is exact: each double precision realized_pnl is
-- taken as numeric (15 significant digits, so 0.1 stays 0.1) and summed as
-- numeric; mean, stddev and quantiles of money, and the shares (win rate,
-- winning days) are rounded to 6 decimals; basis points to 4.  Quantiles use
-- percentile_cont (linear interpolation).  With no data, counts and sums
-- are 0, arrays are empty and statistics are null; never an error.
--
-- SECURITY INVOKER: the caller needs SELECT on bifrost.operations and
-- bifrost.decisions (bifrost_reader has it).
------------------------------------------------------------------------------

CREATE FUNCTION bifrost_history_stats(days integer DEFAULT 30,
                                      tz text DEFAULT 'America/New_York')
RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    zone      text;
    today     date;
    first_day date;
    lo        timestamptz;
    hi        timestamptz;
    result    jsonb;
BEGIN
    IF days IS NULL OR days < 1 OR days > 3660 THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = pg_catalog.format('invalid value for days: %s', coalesce(days::text, 'NULL')),
            DETAIL = 'days must be between 1 and 3660 (about ten years).',
            HINT = 'days counts local dates of tz back from today, today included: 1 = today only, 7 = the last week.';
    END IF;
    IF tz IS NULL THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = 'invalid value for tz: NULL',
            HINT = 'Pass a time zone name such as America/New_York or UTC.';
    END IF;
    -- Time zone names are case-insensitive in PostgreSQL; report the canonical spelling.
    SELECT z.name INTO zone
      FROM pg_catalog.pg_timezone_names z
     WHERE pg_catalog.lower(z.name) = pg_catalog.lower(tz)
     ORDER BY z.name = tz DESC, z.name
     LIMIT 1;
    IF zone IS NULL THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = pg_catalog.format('invalid value for tz: %s', pg_catalog.quote_literal(bifrost._echo(tz))),
            DETAIL = 'tz must be a time zone name PostgreSQL knows, e.g. America/New_York or UTC.',
            HINT = 'SELECT name FROM pg_timezone_names lists them.';
    END IF;

    today := (pg_catalog.now() AT TIME ZONE zone)::date;
    first_day := today - (days - 1);
    -- Coarse bounds on ts for the indexes (a superset of the window whatever
    -- the zone's offsets and transitions); the local-date test is exact.
    lo := (first_day::timestamp AT TIME ZONE zone) - interval '2 days';
    hi := ((today + 1)::timestamp AT TIME ZONE zone) + interval '2 days';

    WITH ops AS (
        SELECT (o.ts AT TIME ZONE zone)::date AS day, o.ts, o.type, o.side, o.quantity,
               o.price::numeric AS price, o.decision_mid::numeric AS mid,
               o.realized_pnl::numeric AS pnl
          FROM bifrost.operations o
         WHERE o.ts >= lo AND o.ts < hi
           AND (o.ts AT TIME ZONE zone)::date BETWEEN first_day AND today
    ),
    blocks AS (
        SELECT (d.ts AT TIME ZONE zone)::date AS day, d.block_reason AS reason
          FROM bifrost.decisions d
         WHERE d.block_reason IS NOT NULL
           AND d.ts >= lo AND d.ts < hi
           AND (d.ts AT TIME ZONE zone)::date BETWEEN first_day AND today
    ),
    op_days AS (
        SELECT o.day,
               pg_catalog.count(*) FILTER (WHERE o.type = 'hedge_intent') AS intents,
               pg_catalog.count(*) FILTER (WHERE o.type = 'fill') AS fills,
               pg_catalog.count(*) FILTER (WHERE o.type = 'reject') AS rejects,
               pg_catalog.count(*) FILTER (WHERE o.type = 'cancel') AS cancels,
               pg_catalog.count(*) FILTER (WHERE o.type = 'order_sent') AS orders,
               coalesce(pg_catalog.sum(o.quantity) FILTER (WHERE o.type = 'fill'), 0) AS shares_filled,
               coalesce(pg_catalog.sum(o.pnl) FILTER (WHERE o.type = 'fill'), 0) AS realized_pnl
          FROM ops o
         GROUP BY o.day
    ),
    block_days AS (
        SELECT b.day, pg_catalog.count(*) AS blocked
          FROM blocks b
         GROUP BY b.day
    ),
    daily AS (
        SELECT day,
               coalesce(a.intents, 0) AS intents,
               coalesce(a.fills, 0) AS fills,
               coalesce(a.rejects, 0) AS rejects,
               coalesce(a.cancels, 0) AS cancels,
               coalesce(a.orders, 0) AS orders,
               coalesce(a.shares_filled, 0) AS shares_filled,
               coalesce(a.realized_pnl, 0) AS realized_pnl,
               coalesce(b.blocked, 0) AS blocked
          FROM op_days a
          FULL JOIN block_days b USING (day)
    ),
    weekly AS (
        SELECT pg_catalog.to_char(d.day::timestamp, 'IYYY-"W"IW') AS week,
               pg_catalog.date_trunc('week', d.day::timestamp)::date AS start,
               pg_catalog.sum(d.intents) AS intents, pg_catalog.sum(d.fills) AS fills,
               pg_catalog.sum(d.rejects) AS rejects, pg_catalog.sum(d.cancels) AS cancels,
               pg_catalog.sum(d.orders) AS orders, pg_catalog.sum(d.shares_filled) AS shares_filled,
               pg_catalog.sum(d.realized_pnl) AS realized_pnl, pg_catalog.sum(d.blocked) AS blocked
          FROM daily d
         GROUP BY 1, 2
    ),
    monthly AS (
        SELECT pg_catalog.to_char(d.day::timestamp, 'YYYY-MM') AS month,
               pg_catalog.sum(d.intents) AS intents, pg_catalog.sum(d.fills) AS fills,
               pg_catalog.sum(d.rejects) AS rejects, pg_catalog.sum(d.cancels) AS cancels,
               pg_catalog.sum(d.orders) AS orders, pg_catalog.sum(d.shares_filled) AS shares_filled,
               pg_catalog.sum(d.realized_pnl) AS realized_pnl, pg_catalog.sum(d.blocked) AS blocked
          FROM daily d
         GROUP BY 1
    ),
    day_pnl AS (
        SELECT pg_catalog.count(*) AS n,
               pg_catalog.round(pg_catalog.avg(d.realized_pnl), 6) AS mean,
               pg_catalog.round(pg_catalog.stddev_samp(d.realized_pnl), 6) AS stddev,
               pg_catalog.min(d.realized_pnl) AS min,
               pg_catalog.round(pg_catalog.percentile_cont(0.25) WITHIN GROUP (ORDER BY d.realized_pnl::float8)::numeric, 6) AS p25,
               pg_catalog.round(pg_catalog.percentile_cont(0.5) WITHIN GROUP (ORDER BY d.realized_pnl::float8)::numeric, 6) AS median,
               pg_catalog.round(pg_catalog.percentile_cont(0.75) WITHIN GROUP (ORDER BY d.realized_pnl::float8)::numeric, 6) AS p75,
               pg_catalog.max(d.realized_pnl) AS max,
               pg_catalog.round(pg_catalog.count(*) FILTER (WHERE d.realized_pnl > 0)::numeric
                                / NULLIF(pg_catalog.count(*), 0), 6) AS winning_days
          FROM daily d
         WHERE d.fills > 0
    ),
    fill_pnl AS (
        SELECT pg_catalog.count(o.pnl) AS n,
               pg_catalog.count(*) FILTER (WHERE o.pnl > 0) AS winners,
               coalesce(pg_catalog.sum(o.pnl), 0) AS total,
               pg_catalog.count(*) AS fills,
               pg_catalog.max(o.ts) AS last_fill
          FROM ops o
         WHERE o.type = 'fill'
    ),
    slip AS (
        SELECT (o.price - o.mid) / o.mid * 10000 * CASE o.side WHEN 'SELL' THEN -1 ELSE 1 END AS bps
          FROM ops o
         WHERE o.type = 'fill' AND o.mid IS NOT NULL
    ),
    slip_stats AS (
        SELECT pg_catalog.count(*) AS n,
               pg_catalog.round(pg_catalog.avg(s.bps), 4) AS mean,
               pg_catalog.round(pg_catalog.percentile_cont(0.5) WITHIN GROUP (ORDER BY s.bps::float8)::numeric, 4) AS median,
               pg_catalog.round(pg_catalog.percentile_cont(0.95) WITHIN GROUP (ORDER BY s.bps::float8)::numeric, 4) AS p95,
               pg_catalog.round(pg_catalog.min(s.bps), 4) AS min,
               pg_catalog.round(pg_catalog.max(s.bps), 4) AS max
          FROM slip s
    ),
    reasons AS (
        SELECT b.reason, pg_catalog.count(*) AS n
          FROM blocks b
         GROUP BY b.reason
    ),
    totals AS (
        SELECT coalesce(pg_catalog.sum(d.intents), 0) AS intents,
               coalesce(pg_catalog.sum(d.rejects), 0) AS rejects,
               coalesce(pg_catalog.sum(d.cancels), 0) AS cancels,
               coalesce(pg_catalog.sum(d.orders), 0) AS orders,
               coalesce(pg_catalog.sum(d.shares_filled), 0) AS shares_filled,
               coalesce(pg_catalog.sum(d.blocked), 0) AS blocked
          FROM daily d
    )
    SELECT pg_catalog.jsonb_build_object(
        'window', pg_catalog.jsonb_build_object(
            'days', days, 'tz', zone, 'from', first_day, 'to', today),
        'daily', coalesce((
            SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                       'date', d.day, 'intents', d.intents, 'fills', d.fills, 'rejects', d.rejects,
                       'cancels', d.cancels, 'orders', d.orders, 'shares_filled', d.shares_filled,
                       'realized_pnl', pg_catalog.trim_scale(d.realized_pnl), 'blocked', d.blocked) ORDER BY d.day)
              FROM daily d), '[]'::jsonb),
        'weekly', coalesce((
            SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                       'week', w.week, 'start', w.start, 'intents', w.intents, 'fills', w.fills,
                       'rejects', w.rejects, 'cancels', w.cancels, 'orders', w.orders,
                       'shares_filled', w.shares_filled, 'realized_pnl', pg_catalog.trim_scale(w.realized_pnl),
                       'blocked', w.blocked) ORDER BY w.start)
              FROM weekly w), '[]'::jsonb),
        'monthly', coalesce((
            SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                       'month', m.month, 'intents', m.intents, 'fills', m.fills,
                       'rejects', m.rejects, 'cancels', m.cancels, 'orders', m.orders,
                       'shares_filled', m.shares_filled, 'realized_pnl', pg_catalog.trim_scale(m.realized_pnl),
                       'blocked', m.blocked) ORDER BY m.month)
              FROM monthly m), '[]'::jsonb),
        'pnl', pg_catalog.jsonb_build_object(
            'total_realized', pg_catalog.trim_scale(f.total),
            'days', p.n,
            'mean', pg_catalog.trim_scale(p.mean),
            'stddev', pg_catalog.trim_scale(p.stddev),
            'min', pg_catalog.trim_scale(p.min),
            'p25', pg_catalog.trim_scale(p.p25),
            'median', pg_catalog.trim_scale(p.median),
            'p75', pg_catalog.trim_scale(p.p75),
            'max', pg_catalog.trim_scale(p.max),
            'winning_days', pg_catalog.trim_scale(p.winning_days),
            'fills_with_pnl', f.n, 'winning_fills', f.winners,
            'win_rate', pg_catalog.trim_scale(pg_catalog.round(f.winners::numeric / NULLIF(f.n, 0), 6))),
        'slippage_bps', pg_catalog.jsonb_build_object(
            'count', s.n,
            'mean', pg_catalog.trim_scale(s.mean),
            'median', pg_catalog.trim_scale(s.median),
            'p95', pg_catalog.trim_scale(s.p95),
            'min', pg_catalog.trim_scale(s.min),
            'max', pg_catalog.trim_scale(s.max)),
        'block_reasons', coalesce((
            SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('reason', r.reason, 'count', r.n)
                                        ORDER BY r.n DESC, r.reason)
              FROM reasons r), '[]'::jsonb),
        'summary', pg_catalog.jsonb_build_object(
            'intents', t.intents, 'fills', f.fills, 'rejects', t.rejects, 'cancels', t.cancels,
            'orders', t.orders, 'shares_filled', t.shares_filled, 'realized_pnl', pg_catalog.trim_scale(f.total),
            'blocked', t.blocked, 'trading_days_with_fills', p.n,
            -- local time in tz with its offset, whatever the session's TimeZone
            'last_fill_at', CASE WHEN f.last_fill IS NOT NULL THEN
                (pg_catalog.to_jsonb(f.last_fill AT TIME ZONE zone) #>> '{}')
                || CASE WHEN (f.last_fill AT TIME ZONE zone) < (f.last_fill AT TIME ZONE 'UTC') THEN '-' ELSE '+' END
                || pg_catalog.to_char(pg_catalog.abs(pg_catalog.date_part('epoch',
                       (f.last_fill AT TIME ZONE zone) - (f.last_fill AT TIME ZONE 'UTC'))) * interval '1 second',
                       'HH24:MI')
            END))
      INTO result
      FROM day_pnl p, fill_pnl f, slip_stats s, totals t;

    RETURN result;
END
$$;
COMMENT ON FUNCTION bifrost_history_stats(integer, text) IS
    'Hedging history of the last days local dates of tz (today included): daily, ISO-weekly and monthly counts of intents, orders, fills, rejects, cancels and blocked decisions, realized P&L per day and its distribution, win rate, slippage against the decision mid in bps, block reasons, summary';
