/*
 * bifrost--0.5--0.6.sql: upgrade script from bifrost 0.5 to 0.6, security
 * hardening.
 *
 * No argument of any function can crash a backend, no configuration the
 * hedger would refuse can be stored, the monitoring role sees the same
 * self-check as a superuser, legs are bounded, and the hedger's single-instance
 * guard cannot be held by an ordinary session.
 */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION bifrost UPDATE TO '0.6'" to load this file. \quit

------------------------------------------------------------------------------
-- Arguments and errors: NULLs, extremes, one configuration validator.
------------------------------------------------------------------------------

-- A C function reads its arguments without asking: a NULL one is a NULL
-- pointer.  Every C function is STRICT or checks each argument itself
-- (bifrost_config_set and bifrost_ingest check; sql/arguments.sql calls
-- every function with NULLs and extremes).
ALTER FUNCTION bifrost._okx_sign(text, text, text, text, text) STRICT;

-- The one cut of a user-supplied value repeated in a message (src/pg/common/echo.c).
CREATE FUNCTION bifrost._echo(value text)
RETURNS text
AS 'MODULE_PATHNAME', 'bifrost_echo'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION bifrost._echo(text) IS 'A user-supplied value as messages repeat it: its first 64 characters, "..." when cut';

-- Internal: a NULL flag has no meaning (the column is NOT NULL).
ALTER FUNCTION bifrost._set_suspended(boolean) STRICT;

-- PL/pgSQL messages repeat a bad value through the same cut.
CREATE OR REPLACE FUNCTION bifrost._send_command(cmd text, note text DEFAULT NULL)
RETURNS boolean
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    command_id bigint;
BEGIN
    IF cmd IS NULL OR cmd NOT IN ('start', 'stop', 'suspend', 'resume', 'retry_broker', 'flatten', 'resume_trading') THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = pg_catalog.format('unknown bifrost command: %s', coalesce(pg_catalog.quote_literal(bifrost._echo(cmd)), 'NULL')),
            DETAIL = 'Commands are start, stop, suspend, resume, retry_broker, flatten and resume_trading.';
    END IF;

    INSERT INTO bifrost.daemon_control (command, requested_by)
    VALUES (cmd, session_user)
    RETURNING id INTO command_id;

    IF bifrost.worker_pid() IS NULL THEN
        UPDATE bifrost.daemon_control
           SET consumed_at = pg_catalog.clock_timestamp(), result = 'no worker running'
         WHERE id = command_id;
        RAISE NOTICE 'no bifrost hedger is running in this database; command "%" was recorded but not delivered', cmd
            USING DETAIL = coalesce(note, 'The command is marked consumed with result "no worker running".'),
                  HINT = 'Start the hedger with SELECT bifrost_start(); or add bifrost to shared_preload_libraries.';
        RETURN false;
    END IF;

    RETURN bifrost._wake_worker();
END
$$;

CREATE OR REPLACE FUNCTION bifrost_operations(since timestamptz DEFAULT NULL,
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

CREATE OR REPLACE FUNCTION bifrost_history_stats(days integer DEFAULT 30,
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

CREATE OR REPLACE FUNCTION bifrost._check_symbol(sym text)
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF sym IS NULL OR sym = '' THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = pg_catalog.format('invalid value for symbol: %s', coalesce(pg_catalog.quote_literal(bifrost._echo(sym)), 'NULL')),
            DETAIL = 'symbol must be a non-empty instrument id.',
            HINT = 'Pass the venue''s instrument id as stored in bifrost.market_data, e.g. BTC-USDT-SWAP.';
    END IF;
    RETURN sym;
END
$$;

CREATE OR REPLACE FUNCTION bifrost._timeframe_seconds(tf text)
RETURNS integer
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    secs integer;
BEGIN
    SELECT t.bar_seconds INTO secs FROM bifrost._timeframes() t WHERE t.timeframe = tf;
    IF secs IS NULL THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = pg_catalog.format('invalid value for timeframe: %s', coalesce(pg_catalog.quote_literal(bifrost._echo(tf)), 'NULL')),
            DETAIL = 'timeframe must be one of 15m, 1h, 4h, 1d.',
            HINT = 'These are OKX''s bars 15m, 1H, 4H and 1Dutc, spelt as bifrost stores them (lower case; 1d bars open at 00:00 UTC).';
    END IF;
    RETURN secs;
END
$$;

-- A configuration the hedger refuses turns the lamp red (config_invalid):
-- the hedger keeps deciding on the last configuration it could load.  So
-- does a hedger that paused taking quotes because its writes fail
-- (hedge_writes_failing): it records each pause in daemon_heartbeat.last_error,
-- at least once a minute while the failures go on, and says when writes
-- succeed again.
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

------------------------------------------------------------------------------
-- Legs, venue URLs and the self-check.
------------------------------------------------------------------------------

-- Bounds a trader finds generous and a typo cannot pass: a leg of
-- 2,147,483,647 contracts or a strike of 1e300 moves the day's equity by
-- orders of magnitude and trips the loss breaker.  Expiries are finite and
-- from 2000 to the end of 2200 (a CHECK cannot say "within ten years of
-- now"), written as epoch seconds (2000-01-01 and 2201-01-01 UTC): the
-- catalog prints a timestamp literal in the session's TimeZone and DateStyle,
-- and the self-check compares that text with the expected schema.  This
-- update fails, naming the constraint, while a leg is out of bounds.
-- A stored leg outside the new bounds stops the update; say which and why
-- rather than leave the bare name of a violated constraint.
DO $legs$
DECLARE
    bad text;
BEGIN
    SELECT pg_catalog.string_agg(l.id::text, ', ' ORDER BY l.id) INTO bad
      FROM bifrost.legs l
     WHERE NOT (l.quantity BETWEEN -1000000 AND 1000000
                AND l.strike > 0 AND l.strike <= 1000000000
                AND l.multiplier BETWEEN 1 AND 100000
                AND l.expiry >= pg_catalog.to_timestamp(946684800) AND l.expiry < pg_catalog.to_timestamp(4102444800)
                AND (l.implied_vol IS NULL OR l.implied_vol BETWEEN 0.0001 AND 10));
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'bifrost 0.6 bounds legs, and the legs with id % are outside the bounds', pg_catalog.left(bad, 200)
            USING ERRCODE = 'check_violation',
                  DETAIL = 'quantity -1,000,000 to 1,000,000; strike above 0 and at most 1e9; multiplier 1 to 100,000; '
                           'expiry from 2000-01-01 to the end of 2099 UTC; implied_vol NULL or 0.0001 to 10',
                  HINT = 'Correct or delete those rows of bifrost.legs, then run ALTER EXTENSION bifrost UPDATE again.';
    END IF;
END
$legs$;

ALTER TABLE bifrost.legs
    DROP CONSTRAINT legs_strike_check,
    ADD CONSTRAINT legs_strike_check CHECK (strike > 0 AND strike <= 1000000000),
    DROP CONSTRAINT legs_multiplier_check,
    ADD CONSTRAINT legs_multiplier_check CHECK (multiplier BETWEEN 1 AND 100000),
    ADD CONSTRAINT legs_quantity_check CHECK (quantity BETWEEN -1000000 AND 1000000),
    ADD CONSTRAINT legs_expiry_check CHECK (expiry >= to_timestamp(946684800) AND expiry < to_timestamp(4102444800)),
    DROP CONSTRAINT legs_implied_vol_check,
    ADD CONSTRAINT legs_implied_vol_check CHECK (implied_vol IS NULL OR implied_vol BETWEEN 0.0001 AND 10);
COMMENT ON COLUMN bifrost.legs.quantity IS 'Signed number of contracts: positive long, negative short; at most 1,000,000 either way';
COMMENT ON COLUMN bifrost.legs.strike IS 'Strike price, above 0 and at most 1e9';
COMMENT ON COLUMN bifrost.legs.expiry IS 'Expiry instant, from 2000-01-01 to the end of 2200 (UTC)';
COMMENT ON COLUMN bifrost.legs.multiplier IS 'Units of the underlying per contract, 1 to 100,000';

-- The self-check's two facts a monitoring role may not read itself.
CREATE FUNCTION bifrost._is_preloaded()
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT EXISTS (
        SELECT 1
          FROM pg_catalog.unnest(pg_catalog.string_to_array(
                   coalesce(pg_catalog.current_setting('shared_preload_libraries', true), ''), ',')) AS l(lib)
         WHERE pg_catalog.regexp_replace(pg_catalog.btrim(l.lib, ' "'), '^.*/', '') IN ('bifrost', 'bifrost.so'))
$$;
COMMENT ON FUNCTION bifrost._is_preloaded() IS 'Whether bifrost is in shared_preload_libraries (readable by bifrost_reader through this function only)';

-- Only bifrost's own workers and not their query column: the self-check
-- needs no more, and a SECURITY DEFINER function shows no more than it must.
CREATE FUNCTION bifrost._worker_processes()
RETURNS TABLE (pid integer, backend_type text, state text, backend_start timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT a.pid, a.backend_type, a.state, a.backend_start
      FROM pg_catalog.pg_stat_activity a
     WHERE a.backend_type IN ('bifrost hedger', 'bifrost ingest')
       AND a.datname = pg_catalog.current_database()
     ORDER BY a.pid
$$;
COMMENT ON FUNCTION bifrost._worker_processes() IS 'bifrost''s background workers connected to this database: pid, backend_type, state and start, nothing of other sessions';

/*
 * The advisory checks of the hedged symbol's legs: days to expiry within
 * gates.strategy.structure.min_dte..max_dte, strike within atm_band_pct of
 * the spot in status_current.  Legs are explicit and never filtered: a leg
 * outside is still hedged, only flagged.  One row per flagged leg, or one
 * summary row when none is.
 */
CREATE FUNCTION bifrost._leg_checks()
RETURNS TABLE (name text, ok boolean, detail text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    now_ts    timestamptz := pg_catalog.clock_timestamp();
    min_dte   double precision := bifrost._config_number('gates.strategy.structure.min_dte');
    max_dte   double precision := bifrost._config_number('gates.strategy.structure.max_dte');
    band      double precision := bifrost._config_number('gates.strategy.structure.atm_band_pct');
    sym       text;
    spot      double precision;
    r         record;
    dte       double precision;
    away      double precision;
    problems  text[];
    n_legs    integer := 0;
    n_flagged integer := 0;
BEGIN
    sym := coalesce((SELECT c.value FROM bifrost.config c WHERE c.key = 'symbol'),
                    (SELECT d.value FROM bifrost._config_defaults() d WHERE d.key = 'symbol')) #>> '{}';
    SELECT s.spot INTO spot FROM bifrost.status_current s WHERE s.id = 1 AND s.symbol = sym;

    FOR r IN
        SELECT l.id, l.option_right, l.strike, l.quantity, l.expiry
          FROM bifrost.legs l WHERE l.symbol = sym ORDER BY l.id
    LOOP
        n_legs := n_legs + 1;
        problems := '{}';
        dte := pg_catalog.date_part('epoch', r.expiry - now_ts) / 86400;
        IF dte <= 0 THEN
            problems := pg_catalog.array_append(problems, pg_catalog.format(
                'expired %s days ago: it counts nothing, delete it', pg_catalog.round(-dte)));
        ELSIF dte < min_dte THEN
            problems := pg_catalog.array_append(problems, pg_catalog.format(
                'expires in %s days, sooner than gates.strategy.structure.min_dte (%s)', pg_catalog.round(dte), min_dte));
        ELSIF dte > max_dte THEN
            problems := pg_catalog.array_append(problems, pg_catalog.format(
                'expires in %s days, later than gates.strategy.structure.max_dte (%s)', pg_catalog.round(dte), max_dte));
        END IF;
        away := pg_catalog.abs(r.strike::double precision - spot) / spot;
        IF away > band THEN
            problems := pg_catalog.array_append(problems, pg_catalog.format(
                'strike %s is %s %% from spot %s, outside gates.strategy.structure.atm_band_pct (%s)',
                r.strike, pg_catalog.round((100 * away)::numeric, 1), spot, band));
        END IF;
        IF problems <> '{}' THEN
            n_flagged := n_flagged + 1;
            name := pg_catalog.format('leg %s', r.id);
            ok := false;
            detail := pg_catalog.format('%s %s %s x %s: %s', sym, r.option_right, r.strike, r.quantity,
                                        pg_catalog.array_to_string(problems, '; '));
            RETURN NEXT;
        END IF;
    END LOOP;

    IF n_flagged = 0 THEN
        name := 'structure';
        ok := true;
        detail := CASE
            WHEN n_legs = 0 THEN pg_catalog.format('no legs of %s', sym)
            WHEN spot IS NULL THEN pg_catalog.format(
                '%s %s of %s, all %s to %s days to expiry; ATM band not checked: no spot of %s in status_current',
                n_legs, CASE WHEN n_legs = 1 THEN 'leg' ELSE 'legs' END, sym, min_dte, max_dte, sym)
            ELSE pg_catalog.format(
                '%s %s of %s, all %s to %s days to expiry and within %s of spot %s',
                n_legs, CASE WHEN n_legs = 1 THEN 'leg' ELSE 'legs' END, sym, min_dte, max_dte, band, spot)
        END;
        RETURN NEXT;
    END IF;
END
$$;
COMMENT ON FUNCTION bifrost._leg_checks() IS 'Advisory checks of the hedged symbol''s legs (days to expiry within min_dte..max_dte, strike within the ATM band of spot): one row per flagged leg, else one summary row';

-- The self-check as in 0.1, with the legs category and the worker facts
-- taken through the helpers above.
CREATE OR REPLACE FUNCTION bifrost_self_check()
RETURNS TABLE (category text, name text, ok boolean, detail text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    r            record;
    expected     jsonb;
    live         jsonb;
    n            integer;
    now_ts       timestamptz := pg_catalog.clock_timestamp();
    interval_s   integer := 10;
    alive_win    interval;
    hb           record;
    have_hb      boolean := false;
    stopped      boolean := false;
    preloaded    boolean := false;
    expect_proc  boolean := false;
    n_workers    integer := 0;
    lock_pid     integer;
    hb_alive     boolean;
    problems     text[];
    status_ts    timestamptz;
BEGIN
    ---------------------------------------------------------------- schema
    category := 'schema';
    BEGIN
        name := 'schema bifrost';
        ok := EXISTS (SELECT 1 FROM pg_catalog.pg_namespace s WHERE s.nspname = 'bifrost');
        detail := CASE WHEN ok THEN 'present' ELSE 'schema bifrost is missing: DROP EXTENSION bifrost and create it again' END;
        RETURN NEXT;
    END;

    BEGIN
        expected := bifrost.expected_schema();
        live := bifrost._catalog_snapshot();
        FOR r IN SELECT * FROM bifrost._schema_problems(expected, live) LOOP
            name := r.name; ok := r.ok; detail := r.detail;
            RETURN NEXT;
        END LOOP;
    EXCEPTION WHEN OTHERS THEN
        name := 'expected schema'; ok := false;
        detail := 'cannot compare the catalog with the expected schema: ' || SQLERRM;
        RETURN NEXT;
    END;

    FOR r IN SELECT rn FROM pg_catalog.unnest(ARRAY['bifrost_reader', 'bifrost_operator']) AS u(rn) LOOP
        name := 'role ' || r.rn;
        ok := EXISTS (SELECT 1 FROM pg_catalog.pg_roles ro WHERE ro.rolname = r.rn);
        detail := CASE WHEN ok THEN 'present' ELSE pg_catalog.format('role %s is missing', r.rn) END;
        RETURN NEXT;
    END LOOP;

    ---------------------------------------------------------------- config
    category := 'config';
    BEGIN
        n := 0;
        FOR r IN SELECT p.key, p.problem FROM bifrost.config_problems() p ORDER BY p.key, p.problem LOOP
            name := r.key; ok := false; detail := r.problem;
            n := n + 1;
            RETURN NEXT;
        END LOOP;
        IF n = 0 THEN
            name := 'all keys valid'; ok := true;
            detail := pg_catalog.format('%s keys checked', (SELECT pg_catalog.count(*) FROM bifrost.config));
            RETURN NEXT;
        END IF;
    EXCEPTION WHEN OTHERS THEN
        name := 'config_problems'; ok := false;
        detail := 'cannot validate bifrost.config: ' || SQLERRM;
        RETURN NEXT;
    END;

    ---------------------------------------------------------------- legs
    category := 'legs';
    BEGIN
        FOR r IN SELECT * FROM bifrost._leg_checks() LOOP
            name := r.name; ok := r.ok; detail := r.detail;
            RETURN NEXT;
        END LOOP;
    EXCEPTION WHEN OTHERS THEN
        name := 'legs'; ok := false;
        detail := 'cannot check bifrost.legs: ' || SQLERRM;
        RETURN NEXT;
    END;

    ---------------------------------------------------------------- worker
    category := 'worker';
    BEGIN
        BEGIN
            interval_s := bifrost.heartbeat_interval_sec();
        EXCEPTION WHEN OTHERS THEN
            interval_s := 10;
        END;
        alive_win := pg_catalog.make_interval(secs => 3 * interval_s);

        BEGIN
            SELECT h.last_ts, h.graceful_shutdown_at, h.worker_pid INTO hb
              FROM bifrost.daemon_heartbeat h WHERE h.id = 1;
            have_hb := FOUND;
        EXCEPTION WHEN OTHERS THEN
            have_hb := false;
        END;
        stopped := have_hb AND (hb.graceful_shutdown_at >= hb.last_ts
                                OR (hb.last_ts IS NULL AND hb.graceful_shutdown_at IS NOT NULL));
        stopped := coalesce(stopped, false);

        -- both through SECURITY DEFINER helpers: bifrost_reader may read
        -- neither shared_preload_libraries nor the backend_type of the
        -- hedger's session, and must get the superuser's answer
        preloaded := coalesce(bifrost._is_preloaded(), false);
        -- bifrost.enabled = off still runs the worker (suspended), so it
        -- does not change whether a process is expected.
        expect_proc := (preloaded
                        AND coalesce(pg_catalog.current_setting('bifrost.database', true), 'postgres')
                            = pg_catalog.current_database())
                       OR (have_hb AND NOT stopped);

        SELECT pg_catalog.count(*) INTO n_workers
          FROM bifrost._worker_processes() w
         WHERE w.backend_type = 'bifrost hedger';
        BEGIN
            lock_pid := bifrost.worker_pid();
        EXCEPTION WHEN OTHERS THEN
            lock_pid := NULL;
        END;

        name := 'process';
        IF n_workers = 1 AND lock_pid IS NOT NULL THEN
            ok := true;
            detail := pg_catalog.format('running as pid %s', lock_pid);
        ELSIF n_workers >= 1 AND lock_pid IS NULL THEN
            ok := false;
            detail := 'a bifrost hedger process is connected but none holds the single-instance lock';
        ELSIF n_workers = 0 AND lock_pid IS NOT NULL THEN
            -- no SQL function can take that lock; if anything else ever does, name it
            ok := false;
            detail := pg_catalog.format('the single-instance lock is held by pid %s, which is not a bifrost hedger',
                                        lock_pid);
        ELSIF n_workers > 1 THEN
            ok := false;
            detail := pg_catalog.format('%s bifrost hedger processes are connected to this database', n_workers);
        ELSIF stopped THEN
            ok := false;
            detail := pg_catalog.format('stopped at %s; start it again with SELECT bifrost_start();', hb.graceful_shutdown_at);
        ELSIF expect_proc THEN
            ok := false;
            detail := 'no bifrost hedger process is connected to this database; see the server log, '
                      'SELECT bifrost_start(); launches one';
        ELSE
            ok := true;
            detail := 'not running; start it with SELECT bifrost_start(); or add bifrost to shared_preload_libraries';
        END IF;
        RETURN NEXT;

        name := 'single';
        ok := n_workers <= 1;
        detail := CASE n_workers
                      WHEN 0 THEN 'no hedger process in this database'
                      WHEN 1 THEN 'one hedger process in this database'
                      ELSE pg_catalog.format('%s hedger processes in this database, expected at most one', n_workers)
                  END;
        RETURN NEXT;

        name := 'heartbeat';
        problems := '{}';
        IF NOT have_hb THEN
            ok := NOT expect_proc;
            detail := 'no heartbeat row: the hedger has never run in this database';
        ELSIF stopped THEN
            ok := true;
            detail := pg_catalog.format('stopped gracefully at %s', hb.graceful_shutdown_at);
        ELSE
            IF hb.last_ts IS NULL OR now_ts - hb.last_ts > alive_win THEN
                problems := pg_catalog.array_append(problems, pg_catalog.format(
                    'stale: last heartbeat at %s is older than %s s (3 x heartbeat interval)',
                    coalesce(hb.last_ts::text, 'never'), 3 * interval_s));
            END IF;
            hb_alive := hb.worker_pid IS NOT NULL
                        AND EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity a WHERE a.pid = hb.worker_pid);
            IF NOT hb_alive THEN
                problems := pg_catalog.array_append(problems, pg_catalog.format(
                    'dead: worker pid %s is gone and no graceful shutdown was recorded',
                    coalesce(hb.worker_pid::text, '(unknown)')));
            END IF;
            ok := problems = '{}';
            detail := CASE WHEN ok THEN 'fresh' ELSE pg_catalog.array_to_string(problems, '; ') END;
        END IF;
        RETURN NEXT;
    EXCEPTION WHEN OTHERS THEN
        name := 'worker'; ok := false;
        detail := 'cannot check the worker: ' || SQLERRM;
        RETURN NEXT;
    END;

    ---------------------------------------------------------------- freshness
    category := 'freshness';
    BEGIN
        name := 'status_current';
        SELECT s.ts INTO status_ts FROM bifrost.status_current s WHERE s.id = 1;
        IF NOT expect_proc THEN
            ok := true;
            detail := 'no hedger expected; not checked';
        ELSIF status_ts IS NULL THEN
            ok := false;
            detail := 'no status row although a hedger is expected';
        ELSE
            ok := now_ts - status_ts <= alive_win;
            detail := CASE WHEN ok THEN 'fresh'
                           ELSE pg_catalog.format('status row written at %s is older than %s s (3 x heartbeat interval)',
                                                  status_ts, 3 * interval_s) END;
        END IF;
        RETURN NEXT;

        name := 'daemon_heartbeat';
        IF NOT expect_proc THEN
            ok := true;
            detail := 'no hedger expected; not checked';
        ELSIF NOT have_hb OR hb.last_ts IS NULL THEN
            ok := false;
            detail := 'no heartbeat although a hedger is expected';
        ELSE
            ok := now_ts - hb.last_ts <= alive_win;
            detail := CASE WHEN ok THEN 'fresh'
                           ELSE pg_catalog.format('last heartbeat at %s is older than %s s (3 x heartbeat interval)',
                                                  hb.last_ts, 3 * interval_s) END;
        END IF;
        RETURN NEXT;
    EXCEPTION WHEN OTHERS THEN
        name := 'freshness'; ok := false;
        detail := 'cannot check freshness: ' || SQLERRM;
        RETURN NEXT;
    END;

    ---------------------------------------------------------------- units
    category := 'units';
    BEGIN
        n := 0;
        problems := '{}';
        FOR r IN
            SELECT c.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) AS typ
              FROM pg_catalog.pg_attribute a
              JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
              JOIN pg_catalog.pg_namespace s ON s.oid = c.relnamespace
             WHERE s.nspname = 'bifrost' AND c.relkind IN ('r', 'p')
               AND a.attnum > 0 AND NOT a.attisdropped
               AND (a.attname = 'ts' OR a.attname ~ '_(ts|at|time|since)$')
             ORDER BY c.relname, a.attnum
        LOOP
            n := n + 1;
            IF r.typ <> 'timestamp with time zone' THEN
                name := pg_catalog.format('bifrost.%s.%s', r.relname, r.attname);
                ok := false;
                detail := pg_catalog.format('time column bifrost.%s.%s has type %s, expected timestamp with time zone',
                                            r.relname, r.attname, r.typ);
                problems := pg_catalog.array_append(problems, name);
                RETURN NEXT;
            END IF;
        END LOOP;
        IF problems = '{}' THEN
            name := 'time columns'; ok := true;
            detail := pg_catalog.format('%s time columns, all timestamp with time zone', n);
            RETURN NEXT;
        END IF;
    EXCEPTION WHEN OTHERS THEN
        name := 'time columns'; ok := false;
        detail := 'cannot check time columns: ' || SQLERRM;
        RETURN NEXT;
    END;
END
$$;
COMMENT ON FUNCTION bifrost_self_check() IS 'Checks schema, configuration, legs, worker, data freshness and time units; one row per check, never raises';

REVOKE ALL ON FUNCTION bifrost._is_preloaded(), bifrost._worker_processes(), bifrost._leg_checks() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION bifrost._is_preloaded(), bifrost._worker_processes(), bifrost._leg_checks() TO bifrost_reader;

------------------------------------------------------------------------------
-- The workers: single-instance guard, least privilege.
------------------------------------------------------------------------------

-- The hedger's single-instance guard was an advisory lock, which any login
-- role could take first and so keep every hedger from starting.  It is now a
-- lock of type userlock with the same keys, which no SQL function can take.
CREATE OR REPLACE FUNCTION bifrost.worker_pid()
RETURNS integer
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT l.pid
      FROM pg_catalog.pg_locks l
     WHERE l.locktype = 'userlock'
       AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
       AND l.classid = 1111904084
       AND l.objid = 1
       AND l.objsubid = 2
       AND l.granted
     LIMIT 1
$$;

-- Functions that run SQL of their own pin their search_path like the
-- SECURITY DEFINER ones: called by an operator or a superuser whose
-- search_path starts with a schema someone else can create in, they ran that
-- someone's operators and functions with the caller's rights.  (The pure
-- computations, pricing and signing, run no SQL and stay unpinned.)
ALTER FUNCTION bifrost._config_defaults() SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION bifrost.config_problems() SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION bifrost._wake_worker() SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION bifrost_evaluate(jsonb) SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION bifrost_ingest(text, text, text, text, timestamptz) SET search_path = pg_catalog, pg_temp;

-- A role for the workers to run as (bifrost.role) instead of the bootstrap
-- superuser: reading every table of schema bifrost (secrets included),
-- writing the ones the workers record into, its sequences, and what
-- bifrost_reader may call; the configuration, the legs, the ticks and the
-- secrets stay read-only; no DDL, no ownership, nothing outside the schema.
-- NOLOGIN: the README's recipe makes a LOGIN role that is a member (a
-- background worker needs LOGIN in PostgreSQL 15).
DO $roles$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'bifrost_worker') THEN
        CREATE ROLE bifrost_worker NOLOGIN;
    END IF;
    IF NOT pg_catalog.pg_has_role('bifrost_worker', 'bifrost_reader', 'MEMBER') THEN
        GRANT bifrost_reader TO bifrost_worker;
    END IF;
END
$roles$;
GRANT SELECT ON ALL TABLES IN SCHEMA bifrost TO bifrost_worker;
GRANT INSERT, UPDATE ON
    bifrost.daemon_heartbeat, bifrost.status_current, bifrost.status_history,
    bifrost.decisions, bifrost.operations, bifrost.orders, bifrost.order_lifecycle_events,
    bifrost.trades, bifrost.positions, bifrost.risk_events, bifrost.hedger_days,
    bifrost.replay_cursors, bifrost.market_data, bifrost.ingestion_runs, bifrost.funding_rates,
    bifrost.price_snapshots, bifrost.open_interest, bifrost.long_short_ratio
TO bifrost_worker;
GRANT UPDATE ON bifrost.daemon_control TO bifrost_worker;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA bifrost TO bifrost_worker;

INSERT INTO bifrost.schema_version (version, name)
VALUES ('0.6', 'security hardening: strict arguments, bounded legs, reader self-check, worker guard');

------------------------------------------------------------------------------
-- The expected schema, re-baked from the upgraded catalog exactly as at the
-- end of bifrost--0.1.sql.  Keep this block last.
------------------------------------------------------------------------------

DO $expected$
BEGIN
    EXECUTE pg_catalog.format(
        'CREATE OR REPLACE FUNCTION bifrost.expected_schema() RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE'
        ' SET search_path = pg_catalog, pg_temp AS %L',
        pg_catalog.format('SELECT %L::jsonb', bifrost._catalog_snapshot()::text));
END
$expected$;
