/*
 * bifrost--0.2--0.3.sql: upgrade script from bifrost 0.2 to 0.3, live
 * hedging.
 *
 * Adds what the worker's trading half keeps between restarts (the start of
 * each trading day's equity, the replay feed's position), the control
 * functions bifrost_flatten() and bifrost_resume_trading(), and the history
 * statistics; records the upgrade and re-bakes bifrost.expected_schema().
 */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION bifrost UPDATE TO '0.3'" to load this file. \quit

------------------------------------------------------------------------------
-- The hedger's state that must survive a restart.
------------------------------------------------------------------------------

CREATE TABLE bifrost.hedger_days (
    symbol       text NOT NULL CHECK (symbol <> ''),
    trading_date date NOT NULL,
    start_equity double precision NOT NULL CHECK (start_equity > '-Infinity' AND start_equity < 'Infinity'),
    legs         jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(legs) = 'array'),
    started_at   timestamptz NOT NULL,
    CONSTRAINT hedger_days_pkey PRIMARY KEY (symbol, trading_date)
);
COMMENT ON TABLE bifrost.hedger_days IS
    'Equity (cash + hedge position + option legs at model value) at the first mark of each trading day in day_roll_tz: daily_pnl is equity now minus this';
COMMENT ON COLUMN bifrost.hedger_days.legs IS
    'The legs start_equity counts: legs added or removed later move start_equity by their model value (a trade in options is not P&L)';

CREATE TABLE bifrost.replay_cursors (
    symbol     text PRIMARY KEY CHECK (symbol <> ''),
    last_ts    timestamptz NOT NULL,
    last_id    bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE bifrost.replay_cursors IS
    'Where the replay feed stands in bifrost.ticks, per symbol (the last tick handed to the engine); delete the row to replay from the start';

GRANT SELECT ON bifrost.hedger_days, bifrost.replay_cursors TO bifrost_reader;
GRANT DELETE ON bifrost.replay_cursors TO bifrost_operator;

------------------------------------------------------------------------------
-- Control (role bifrost_operator).
------------------------------------------------------------------------------

-- The operator's run flag, set by suspend, resume and flatten alike.
CREATE FUNCTION bifrost._set_suspended(flag boolean)
RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
    INSERT INTO bifrost.daemon_run_status AS r (id, suspended, updated_at, updated_by)
    VALUES (1, flag, pg_catalog.now(), session_user)
    ON CONFLICT (id) DO UPDATE
        SET suspended = excluded.suspended, updated_at = excluded.updated_at, updated_by = excluded.updated_by;
$$;
COMMENT ON FUNCTION bifrost._set_suspended(boolean) IS
    'Sets bifrost.daemon_run_status.suspended (saved across restarts); called by the SECURITY DEFINER control functions';
REVOKE ALL ON FUNCTION bifrost._set_suspended(boolean) FROM PUBLIC;

CREATE OR REPLACE FUNCTION bifrost_suspend()
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM bifrost._set_suspended(true);
    RETURN bifrost._send_command('suspend',
        'The suspended flag is saved: a hedger started later stays suspended until bifrost_resume().');
END
$$;

CREATE OR REPLACE FUNCTION bifrost_resume()
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM bifrost._set_suspended(false);
    RETURN bifrost._send_command('resume',
        'The suspended flag is cleared: a hedger started later hedges right away.');
END
$$;

CREATE FUNCTION bifrost_flatten()
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- flatten suspends hedging first, so nothing re-hedges the position away
    PERFORM bifrost._set_suspended(true);
    RETURN bifrost._send_command('flatten',
        'Hedging is suspended: it stays so until bifrost_resume().');
END
$$;
COMMENT ON FUNCTION bifrost_flatten() IS
    'Suspends hedging and sends the order that takes the hedge position to zero (operations state_reason flatten); stays suspended until bifrost_resume()';

CREATE FUNCTION bifrost_resume_trading()
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN bifrost._send_command('resume_trading');
END
$$;
COMMENT ON FUNCTION bifrost_resume_trading() IS
    'Takes the trading state machine from SAFE to SYNC by hand (when no fault remains); the result is in bifrost.daemon_control';

REVOKE ALL ON FUNCTION bifrost_flatten(), bifrost_resume_trading() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION bifrost_flatten(), bifrost_resume_trading() TO bifrost_operator;

------------------------------------------------------------------------------
-- History statistics (SPEC §4).
------------------------------------------------------------------------------

------------------------------------------------------------------------------
-- bifrost_history_stats(days, tz) (SPEC §4): what the hedger did over the last
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
            MESSAGE = pg_catalog.format('invalid value for tz: %s', pg_catalog.quote_literal(tz)),
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
REVOKE ALL ON FUNCTION bifrost_history_stats(integer, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION bifrost_history_stats(integer, text) TO bifrost_reader;

INSERT INTO bifrost.schema_version (version, name) VALUES ('0.3', 'live hedging: hedger state, flatten, resume_trading, history statistics');

------------------------------------------------------------------------------
-- The expected schema, re-baked from the upgraded catalog exactly as at the
-- end of bifrost--0.1.sql.  Keep this block last.
------------------------------------------------------------------------------

DO $expected$
BEGIN
    EXECUTE pg_catalog.format(
        'CREATE OR REPLACE FUNCTION bifrost.expected_schema() RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS %L',
        pg_catalog.format('SELECT %L::jsonb', bifrost._catalog_snapshot()::text));
END
$expected$;
