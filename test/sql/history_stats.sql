-- history_stats: bifrost_history_stats(days, tz) over crafted operations and
-- decisions.  The window is relative to today, so every row is placed at a
-- local time relative to today's New York date and every date is printed as
-- an offset from it; nothing printed depends on the day the test runs.  All
-- of it runs in one transaction (now() stays put, so the date cannot change
-- under the test) that starts from empty tables and is rolled back, which
-- leaves the tables as the other tests had them.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS bifrost;
RESET client_min_messages;
-- the session's own time zone plays no part
SET TimeZone = 'Asia/Tokyo';
\set SHOW_CONTEXT never

-- today's date in New York, and a New York local time days_ago days before it
CREATE FUNCTION pg_temp.today() RETURNS date LANGUAGE sql STABLE
    AS $$ SELECT (now() AT TIME ZONE 'America/New_York')::date $$;
CREATE FUNCTION pg_temp.ny(days_ago integer, t time) RETURNS timestamptz LANGUAGE sql STABLE
    AS $$ SELECT ((pg_temp.today() - days_ago) + t) AT TIME ZONE 'America/New_York' $$;
CREATE FUNCTION pg_temp.sqlstate_of(cmd text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE cmd;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE;
END
$$;
-- the daily entries of a result, dates as offsets from today in New York
CREATE FUNCTION pg_temp.daily(stats jsonb)
RETURNS TABLE (day integer, intents int, orders int, fills int, rejects int, cancels int,
               shares_filled int, realized_pnl numeric, blocked int)
LANGUAGE sql STABLE AS $$
    SELECT d."date" - pg_temp.today(), d.intents, d.orders, d.fills, d.rejects, d.cancels,
           d.shares_filled, d.realized_pnl, d.blocked
      FROM pg_catalog.jsonb_to_recordset(stats->'daily')
           AS d("date" date, intents int, orders int, fills int, rejects int, cancels int,
                shares_filled int, realized_pnl numeric, blocked int)
     ORDER BY 1
$$;
-- per field: the sums over daily, weekly and monthly entries, and how many
-- weekly or monthly entries differ from the sum of their own days
CREATE FUNCTION pg_temp.rollups(stats jsonb)
RETURNS TABLE (field text, daily numeric, weekly numeric, monthly numeric, bad_weeks bigint, bad_months bigint)
LANGUAGE sql STABLE AS $$
    WITH d AS (SELECT (e->>'date')::date AS day, e FROM pg_catalog.jsonb_array_elements(stats->'daily') e),
         w AS (SELECT e FROM pg_catalog.jsonb_array_elements(stats->'weekly') e),
         m AS (SELECT e FROM pg_catalog.jsonb_array_elements(stats->'monthly') e)
    SELECT k,
           trim_scale((SELECT sum((d.e->>k)::numeric) FROM d)),
           trim_scale((SELECT sum((w.e->>k)::numeric) FROM w)),
           trim_scale((SELECT sum((m.e->>k)::numeric) FROM m)),
           (SELECT count(*) FROM w
             WHERE (w.e->>k)::numeric IS DISTINCT FROM
                   (SELECT sum((d.e->>k)::numeric) FROM d
                     WHERE to_char(d.day, 'IYYY-"W"IW') = w.e->>'week')),
           (SELECT count(*) FROM m
             WHERE (m.e->>k)::numeric IS DISTINCT FROM
                   (SELECT sum((d.e->>k)::numeric) FROM d
                     WHERE to_char(d.day, 'YYYY-MM') = m.e->>'month'))
      FROM unnest(ARRAY['intents', 'orders', 'fills', 'rejects', 'cancels',
                        'shares_filled', 'realized_pnl', 'blocked']) k
$$;

BEGIN;
DELETE FROM bifrost.operations;
DELETE FROM bifrost.decisions;

-- empty history: zero counts and sums, empty arrays, null statistics
CREATE TEMP TABLE empty ON COMMIT DROP AS SELECT bifrost_history_stats() AS j;
SELECT jsonb_pretty(j - 'window') FROM empty;
SELECT j->'window'->'days' AS days, j->'window'->>'tz' AS tz,
       (j->'window'->>'to')::date - pg_temp.today() AS "to",
       (j->'window'->>'from')::date - (j->'window'->>'to')::date AS "from"
  FROM empty;

-- Operations, New York time.  Slippage in bps against decision_mid, positive
-- when the fill was worse than the mid:
--   5 days ago  SELL 7 @ 99.93, mid 100     +7
--   4 days ago  SELL 5 @ 100, mid 100        0
--   3 days ago  two fills without a mid      -
--   2 days ago  BUY 50 @ 99.98, mid 100      -2 (bought below the mid)
--               SELL 20 @ 100.10, mid 100   -10 (sold above the mid)
--   yesterday   SELL 100 @ 99.95, mid 100    +5 (sold below the mid)
--               BUY 40 @ 102.0102, mid 102   +1, at 23:30: the 24th in UTC
-- and a fill 40 days ago, outside 30- and 40-day windows.
INSERT INTO bifrost.operations (ts, type, side, quantity, price, state_reason, client_order_id, decision_mid, realized_pnl)
VALUES (pg_temp.ny(40, '10:00'),    'fill',         'BUY',  1000, 100,      'D2', 'hs-0', 100, 1000000),
       (pg_temp.ny(5, '10:00'),     'hedge_intent', 'SELL', 7,    NULL,     'D2', NULL,   100, NULL),
       (pg_temp.ny(5, '10:00:01'),  'fill',         'SELL', 7,    99.93,    'D2', 'hs-1', 100, 100),
       (pg_temp.ny(4, '10:00'),     'hedge_intent', 'SELL', 5,    NULL,     'D2', NULL,   100, NULL),
       (pg_temp.ny(4, '10:00:01'),  'fill',         'SELL', 5,    100,      'D2', 'hs-2', 100, 1),
       (pg_temp.ny(3, '10:00'),     'hedge_intent', 'BUY',  10,   NULL,     'D2', NULL,   NULL, NULL),
       (pg_temp.ny(3, '10:00:01'),  'fill',         'BUY',  10,   98,       'D2', 'hs-3', NULL, -4),
       (pg_temp.ny(3, '15:00'),     'hedge_intent', 'SELL', 10,   NULL,     'D2', NULL,   NULL, NULL),
       (pg_temp.ny(3, '15:00:01'),  'fill',         'SELL', 10,   97.9,     'D2', 'hs-4', NULL, 0),
       (pg_temp.ny(2, '11:00'),     'hedge_intent', 'BUY',  50,   NULL,     'D2', NULL,   100, NULL),
       (pg_temp.ny(2, '11:00'),     'order_sent',   'BUY',  50,   NULL,     'D2', 'hs-5', 100, NULL),
       (pg_temp.ny(2, '11:00:01'),  'fill',         'BUY',  50,   99.98,    'D2', 'hs-5', 100, 7.75),
       (pg_temp.ny(2, '12:00'),     'hedge_intent', 'SELL', 30,   NULL,     'D2', NULL,   100, NULL),
       (pg_temp.ny(2, '12:00'),     'order_sent',   'SELL', 30,   NULL,     'D2', 'hs-6', 100, NULL),
       (pg_temp.ny(2, '12:05'),     'cancel',       'SELL', 30,   NULL,     'timeout', 'hs-6', 100, NULL),
       (pg_temp.ny(2, '15:00'),     'hedge_intent', 'SELL', 20,   NULL,     'D2', NULL,   100, NULL),
       (pg_temp.ny(2, '15:00'),     'order_sent',   'SELL', 20,   NULL,     'D2', 'hs-7', 100, NULL),
       (pg_temp.ny(2, '15:00:01'),  'fill',         'SELL', 20,   100.10,   'D2', 'hs-7', 100, NULL),
       (pg_temp.ny(1, '10:00'),     'hedge_intent', 'SELL', 100,  NULL,     'D3', NULL,   100, NULL),
       (pg_temp.ny(1, '10:00'),     'order_sent',   'SELL', 100,  NULL,     'D3', 'hs-8', 100, NULL),
       (pg_temp.ny(1, '10:00:01'),  'fill',         'SELL', 100,  99.95,    'D3', 'hs-8', 100, 12.5),
       (pg_temp.ny(1, '14:00'),     'hedge_intent', 'BUY',  60,   NULL,     'D2', NULL,   101, NULL),
       (pg_temp.ny(1, '14:00'),     'order_sent',   'BUY',  60,   NULL,     'D2', 'hs-9', 101, NULL),
       (pg_temp.ny(1, '14:00:01'),  'reject',       'BUY',  60,   NULL,     'order_failed', 'hs-9', 101, NULL),
       (pg_temp.ny(1, '23:30'),     'hedge_intent', 'BUY',  40,   NULL,     'D2', NULL,   102, NULL),
       (pg_temp.ny(1, '23:30'),     'order_sent',   'BUY',  40,   NULL,     'D2', 'hs-10', 102, NULL),
       (pg_temp.ny(1, '23:30:01'),  'fill',         'BUY',  40,   102.0102, 'D2', 'hs-10', 102, -3.25);

-- Decisions, New York time: blocked ones (one on a day without operations,
-- one at 23:45, one 50 days ago) and one that went out (no block reason).
INSERT INTO bifrost.decisions (ts, symbol, action, intent_side, intent_qty, block_reason, trading_state)
VALUES (pg_temp.ny(50, '10:00'), 'NVDA', 'hedge', 'BUY',  10, 'cooldown',              'NEED_HEDGE'),
       (pg_temp.ny(6, '10:00'),  'NVDA', 'hedge', 'SELL', 25, 'max_daily_hedge_count', 'NEED_HEDGE'),
       (pg_temp.ny(2, '10:00'),  'NVDA', 'hedge', 'BUY',  30, 'cooldown',              'NEED_HEDGE'),
       (pg_temp.ny(2, '23:45'),  'NVDA', 'hedge', 'BUY',  30, 'spread_too_wide',       'NEED_HEDGE'),
       (pg_temp.ny(1, '09:00'),  'NVDA', 'hedge', 'SELL', 90, 'cooldown',              'NEED_HEDGE'),
       (pg_temp.ny(1, '09:30'),  'NVDA', 'hedge', 'SELL', 95, 'cooldown',              'NEED_HEDGE'),
       (pg_temp.ny(1, '10:00'),  'NVDA', 'hedge', 'SELL', 100, NULL,                   'NEED_HEDGE'),
       (pg_temp.ny(1, '12:00'),  'NVDA', 'hedge', 'BUY',  40, 'min_price_move',        'NEED_HEDGE');

-- the last 30 days in New York and in UTC, read by the queries below
CREATE TEMP TABLE ny ON COMMIT DROP AS SELECT bifrost_history_stats(30, 'America/New_York') AS j;
CREATE TEMP TABLE utc ON COMMIT DROP AS SELECT bifrost_history_stats(30, 'UTC') AS j;

-- New York days: yesterday's 23:30 fill is yesterday's; 6 days ago has only a
-- blocked decision; 40 and 50 days ago are outside the window
SELECT * FROM pg_temp.daily((SELECT j FROM ny));
-- UTC days: the 23:30 intent, order and fill move to today, the 23:45 block
-- of 2 days ago to yesterday; totals stay the same
SELECT * FROM pg_temp.daily((SELECT j FROM utc));

-- summary, P&L, slippage and block reasons in New York days.
-- Daily P&L over the 5 days with fills: 100, 1, -4, 7.75, 9.25.  Fills with
-- a P&L: 7 (one has none), 4 of them above zero.  Slippage: -10 -2 0 1 5 7.
SELECT jsonb_pretty((j->'summary') - 'last_fill_at') FROM ny;
SELECT jsonb_pretty(j->'pnl') FROM ny;
SELECT jsonb_pretty(j->'slippage_bps') FROM ny;
SELECT jsonb_pretty(j->'block_reasons') FROM ny;
-- in UTC days the P&L splits differently: 100, 1, -4, 7.75, 12.5, -3.25
SELECT p->'days' AS days, p->'mean' AS mean, p->'median' AS median, p->'winning_days' AS winning_days,
       p->'total_realized' AS total, p->'win_rate' AS win_rate
  FROM (SELECT j->'pnl' FROM utc) s(p);

-- last_fill_at: the local time in tz with its offset, the same instant
SELECT substr(s->>'last_fill_at', 11, 9) AS local_time,
       (s->>'last_fill_at')::timestamptz = pg_temp.ny(1, '23:30:01') AS same_instant
  FROM (SELECT j->'summary' FROM ny) x(s);
SELECT right(s->>'last_fill_at', 6) AS utc_offset,
       (s->>'last_fill_at')::timestamptz = pg_temp.ny(1, '23:30:01') AS same_instant
  FROM (SELECT j->'summary' FROM utc) x(s);

-- weekly and monthly entries add up to the daily ones, field by field and
-- entry by entry, in both zones
SELECT * FROM pg_temp.rollups((SELECT j FROM ny));
SELECT * FROM pg_temp.rollups((SELECT j FROM utc));
SELECT bool_and(w->>'week' ~ '^\d{4}-W\d{2}$'
                AND extract(isodow FROM (w->>'start')::date) = 1
                AND to_char((w->>'start')::date, 'IYYY-"W"IW') = w->>'week') AS weeks_ok,
       bool_and(m->>'month' ~ '^\d{4}-\d{2}$') AS months_ok
  FROM (SELECT j FROM ny UNION ALL SELECT j FROM utc) s
  LEFT JOIN LATERAL jsonb_array_elements(j->'weekly') w ON true
  LEFT JOIN LATERAL jsonb_array_elements(j->'monthly') m ON true;

-- the window's edges: days counts local dates back from today, today included
SELECT n AS days, (w->>'from')::date - pg_temp.today() AS "from", (w->>'to')::date - pg_temp.today() AS "to",
       s->'fills' AS fills, s->'realized_pnl' AS realized_pnl, s->'blocked' AS blocked
  FROM unnest(ARRAY[1, 2, 5, 6, 7, 40, 41, 50, 51, 3660]) n,
       LATERAL (SELECT bifrost_history_stats(n, 'America/New_York') AS j) x,
       LATERAL (SELECT j->'window' AS w, j->'summary' AS s) y;

-- time zone names are case-insensitive; the canonical spelling is reported
SELECT bifrost_history_stats(30, 'america/new_york') = (SELECT j FROM ny) AS ny,
       bifrost_history_stats(30, 'utc')->'window'->>'tz' AS utc;

-- readers may call it
SET LOCAL ROLE bifrost_reader;
SELECT bifrost_history_stats(30, 'America/New_York')->'summary'->'fills' AS fills;
RESET ROLE;
ROLLBACK;

-- bad input: 22023 naming the argument and its value
SELECT bifrost_history_stats(0);
SELECT bifrost_history_stats(-1);
SELECT bifrost_history_stats(100000);
SELECT bifrost_history_stats(3661, 'UTC');
SELECT bifrost_history_stats(NULL);
SELECT bifrost_history_stats(30, 'Mars/Base');
SELECT bifrost_history_stats(30, '');
SELECT bifrost_history_stats(30, NULL);
SELECT cmd, pg_temp.sqlstate_of(cmd) AS sqlstate
  FROM (VALUES ('SELECT bifrost_history_stats(0)'),
               ('SELECT bifrost_history_stats(100000)'),
               ('SELECT bifrost_history_stats(30, ''Mars/Base'')'),
               ('SELECT bifrost_history_stats(30, NULL)'),
               ('SELECT bifrost_history_stats(3660, ''Europe/London'')')) v(cmd);

-- STABLE, SECURITY INVOKER, search_path pinned; EXECUTE for bifrost_reader,
-- not PUBLIC
SELECT provolatile, prosecdef, proconfig
  FROM pg_proc WHERE oid = 'bifrost_history_stats(integer, text)'::regprocedure;
SELECT CASE a.grantee WHEN 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END AS grantee, a.privilege_type
  FROM pg_proc p, aclexplode(p.proacl) a
 WHERE p.oid = 'bifrost_history_stats(integer, text)'::regprocedure AND a.grantee <> p.proowner
 ORDER BY 1;

-- the rollback left the tables as they were
SELECT count(*) FROM bifrost.operations WHERE client_order_id LIKE 'hs-%';
RESET TimeZone;
