/*
 * sql/install/35_data_service.sql: the read-only data service over the
 * stored market data (candles, the latest funding rate and prices, candle
 * coverage), the candle integrity scan, and bifrost_ingest(), which fills
 * the tables of 30_market_data.sql from a venue.
 *
 * The bar grid.  A candle of timeframe tf is aligned when its ts (the bar's
 * open time) is a whole multiple of the bar length since 1970-01-01 00:00
 * UTC: 15m bars open at :00, :15, :30 and :45, 1h bars on the hour, 4h bars
 * at 00:00, 04:00, ... UTC and 1d bars at 00:00 UTC (OKX's 1Dutc; OKX's plain
 * 1D opens at 16:00 UTC, midnight in Hong Kong, and is not aligned).  The
 * session's TimeZone plays no part.  Each grid slot holds one bar; since
 * (symbol, timeframe, ts) is unique, a bar can only be stored twice under a
 * shifted ts, so
 *   - a missing bar is a slot with no aligned candle (a misaligned candle in
 *     it does not stand in for the bar: it covers another period), and
 *   - a duplicate bar is a candle that is not aligned: a second copy of a bar
 *     under a shifted ts, or a candle stamped at the wrong instant.
 * Slots are counted from the first to the last stored candle: nothing before
 * the first candle or after the last is missing (it was never ingested).
 * So bars = expected_bars - missing_bars + duplicate_bars, always.
 *
 * No index of its own: market_data_symbol_timeframe_ts_key (symbol,
 * timeframe, ts) serves the candle reads forwards and backwards,
 * funding_rates_symbol_funding_time_key and price_snapshots_symbol_ts_key
 * the latest-row reads, candle_integrity_events_start_ts_idx the look-up of
 * an already recorded finding.
 */

------------------------------------------------------------------------------
-- Argument checks, shared by the data service functions.  Each raises
-- invalid_parameter_value (22023) naming the argument and its value.
------------------------------------------------------------------------------

CREATE FUNCTION bifrost._timeframes(OUT timeframe text, OUT bar_seconds integer)
RETURNS SETOF record
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    VALUES ('15m', 900), ('1h', 3600), ('4h', 14400), ('1d', 86400)
$$;
COMMENT ON FUNCTION bifrost._timeframes() IS
    'The candle timeframes bifrost stores (as in the market_data CHECK) and their bar length in seconds; bars are aligned to 1970-01-01 00:00 UTC';

CREATE FUNCTION bifrost._check_symbol(sym text)
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
COMMENT ON FUNCTION bifrost._check_symbol(text) IS
    'Returns its argument, or raises 22023 when the symbol argument of a data service function is NULL or empty';

CREATE FUNCTION bifrost._timeframe_seconds(tf text)
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
COMMENT ON FUNCTION bifrost._timeframe_seconds(text) IS
    'Bar length in seconds of a timeframe (15m, 1h, 4h, 1d); raises 22023 for any other value, NULL included';

CREATE FUNCTION bifrost._check_candle_limit(lim integer)
RETURNS integer
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF lim IS NULL OR lim < 1 OR lim > 10000 THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = pg_catalog.format('invalid value for lim: %s', coalesce(lim::text, 'NULL')),
            DETAIL = 'lim must be between 1 and 10000.',
            HINT = 'For more candles, or an older stretch, use bifrost_candles_range(symbol, timeframe, from_ts, to_ts).';
    END IF;
    RETURN lim;
END
$$;
COMMENT ON FUNCTION bifrost._check_candle_limit(integer) IS
    'Returns its argument, or raises 22023 when the lim argument of bifrost_candles is NULL or outside 1..10000';

/*
 * from_ts and to_ts of a range of candles, both inclusive.  With max_bars
 * (bifrost_candles_range) both bounds are required and finite and the range
 * may hold at most max_bars bar open times of the timeframe; without it
 * (bifrost_scan_integrity) a NULL bound is open.  Either way from_ts must not
 * be after to_ts.  Checks the timeframe first.
 */
CREATE FUNCTION bifrost._check_range(tf text, from_ts timestamptz, to_ts timestamptz, max_bars bigint)
RETURNS void
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    secs    integer := bifrost._timeframe_seconds(tf);
    hint    text := 'For the newest candles use bifrost_candles(symbol, timeframe, lim).';
    arg     text;
    val     timestamptz;
    n       numeric;
BEGIN
    IF max_bars IS NOT NULL THEN
        FOREACH arg IN ARRAY ARRAY['from_ts', 'to_ts'] LOOP
            val := CASE arg WHEN 'from_ts' THEN from_ts ELSE to_ts END;
            IF val IS NULL OR NOT pg_catalog.isfinite(val) THEN
                RAISE EXCEPTION USING
                    ERRCODE = 'invalid_parameter_value',
                    MESSAGE = pg_catalog.format('invalid value for %s: %s', arg, coalesce(val::text, 'NULL')),
                    DETAIL = 'from_ts and to_ts are both required, finite and inclusive.',
                    HINT = hint;
            END IF;
        END LOOP;
    END IF;
    IF from_ts > to_ts THEN
        RAISE EXCEPTION USING
            ERRCODE = 'invalid_parameter_value',
            MESSAGE = pg_catalog.format('invalid range: from_ts %s is after to_ts %s', from_ts, to_ts),
            DETAIL = 'Both bounds are inclusive: from_ts = to_ts selects the one bar that opens at that instant.',
            HINT = 'Swap the two arguments.';
    END IF;
    IF max_bars IS NOT NULL THEN
        -- bar open times t with from_ts <= t <= to_ts
        n := pg_catalog.floor(EXTRACT(epoch FROM to_ts) / secs) - pg_catalog.ceil(EXTRACT(epoch FROM from_ts) / secs) + 1;
        IF n > max_bars THEN
            RAISE EXCEPTION USING
                ERRCODE = 'invalid_parameter_value',
                MESSAGE = pg_catalog.format('invalid range: from_ts %s to to_ts %s spans %s bars of %s', from_ts, to_ts, n, tf),
                DETAIL = pg_catalog.format('A range may span at most %s bars of its timeframe.', max_bars),
                HINT = pg_catalog.format('Split it into ranges of at most %s days of %s candles.',
                                         pg_catalog.floor(max_bars * secs / 86400.0), tf);
        END IF;
    END IF;
END
$$;
COMMENT ON FUNCTION bifrost._check_range(text, timestamptz, timestamptz, bigint) IS
    'Raises 22023 for a bad timeframe or a bad from_ts/to_ts range (from after to; with max_bars: a missing or infinite bound, or more than max_bars bars)';

-- An instant as ISO 8601 in UTC with a Z, for details_json whatever the
-- session's TimeZone.
CREATE FUNCTION bifrost._utc_text(ts timestamptz)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT (pg_catalog.to_jsonb(ts AT TIME ZONE 'UTC') #>> '{}') || 'Z'
$$;
COMMENT ON FUNCTION bifrost._utc_text(timestamptz) IS
    'An instant as ISO 8601 text in UTC (2026-01-05T09:00:00Z), independent of the session''s TimeZone; NULL stays NULL';

------------------------------------------------------------------------------
-- Reading (role bifrost_reader).  LANGUAGE sql: a result column may share
-- its name with an argument (symbol, timeframe), which PL/pgSQL forbids.
-- In the bodies, arguments are qualified with the function's name because a
-- bare name would resolve to the table's column first.  The first statements
-- check the arguments, the last is the result.  SECURITY INVOKER: the
-- caller needs SELECT on the tables (bifrost_reader has it).  An unknown
-- symbol is not an error: it has no rows.
------------------------------------------------------------------------------

CREATE FUNCTION bifrost_candles(symbol text, timeframe text, lim integer DEFAULT 300)
RETURNS TABLE (ts timestamptz, open numeric, high numeric, low numeric, close numeric,
               volume numeric, confirmed boolean)
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT bifrost._check_symbol(bifrost_candles.symbol),
           bifrost._timeframe_seconds(bifrost_candles.timeframe),
           bifrost._check_candle_limit(bifrost_candles.lim);
    SELECT c.ts, c.open, c.high, c.low, c.close, c.volume, c.confirmed
      FROM (SELECT m.ts, m.open, m.high, m.low, m.close, m.volume, m.confirmed
              FROM bifrost.market_data m
             WHERE m.symbol = bifrost_candles.symbol AND m.timeframe = bifrost_candles.timeframe
             ORDER BY m.ts DESC
             LIMIT bifrost_candles.lim) c
     ORDER BY c.ts;
$$;
COMMENT ON FUNCTION bifrost_candles(text, text, integer) IS
    'The newest lim (1..10000, default 300) candles of symbol and timeframe (15m, 1h, 4h, 1d), ascending by open time; the newest may be unconfirmed (still forming)';

CREATE FUNCTION bifrost_candles_range(symbol text, timeframe text, from_ts timestamptz, to_ts timestamptz)
RETURNS TABLE (ts timestamptz, open numeric, high numeric, low numeric, close numeric,
               volume numeric, confirmed boolean)
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT bifrost._check_symbol(bifrost_candles_range.symbol),
           bifrost._check_range(bifrost_candles_range.timeframe, bifrost_candles_range.from_ts,
                                bifrost_candles_range.to_ts, 100000);
    SELECT m.ts, m.open, m.high, m.low, m.close, m.volume, m.confirmed
      FROM bifrost.market_data m
     WHERE m.symbol = bifrost_candles_range.symbol AND m.timeframe = bifrost_candles_range.timeframe
       AND m.ts BETWEEN bifrost_candles_range.from_ts AND bifrost_candles_range.to_ts
     ORDER BY m.ts;
$$;
COMMENT ON FUNCTION bifrost_candles_range(text, text, timestamptz, timestamptz) IS
    'The candles of symbol and timeframe that open in [from_ts, to_ts] (both inclusive), ascending; the range may span at most 100000 bars of the timeframe';

-- The row with the latest settlement time.  OKX reports the current
-- period's rate with the settlement still ahead, so funding_time may lie in
CREATE FUNCTION bifrost_latest_funding(symbol text)
RETURNS TABLE (symbol text, funding_time timestamptz, funding_rate numeric,
               next_funding_time timestamptz)
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT bifrost._check_symbol(bifrost_latest_funding.symbol);
    SELECT f.symbol, f.funding_time, f.funding_rate, f.next_funding_time
      FROM bifrost.funding_rates f
     WHERE f.symbol = bifrost_latest_funding.symbol
     ORDER BY f.funding_time DESC
     LIMIT 1;
$$;
COMMENT ON FUNCTION bifrost_latest_funding(text) IS
    'The funding rate of symbol with the latest settlement time (funding_time, possibly still ahead) and the settlement after it; no row when none is stored';

-- Last, mark and index prices come from different endpoints and land in
-- different snapshots (a row may hold only one of them), so each is the
-- newest non-NULL value of its own column, with its own time; ts is the
-- newest of the three.  One row, or none when no snapshot is stored.
CREATE FUNCTION bifrost_latest_prices(symbol text)
RETURNS TABLE (symbol text, ts timestamptz, last_price numeric, mark_price numeric,
               index_price numeric, last_ts timestamptz, mark_ts timestamptz, index_ts timestamptz)
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT bifrost._check_symbol(bifrost_latest_prices.symbol);
    SELECT bifrost_latest_prices.symbol, GREATEST(l.ts, m.ts, i.ts),
           l.last_price, m.mark_price, i.index_price, l.ts, m.ts, i.ts
      FROM (SELECT) AS one
      LEFT JOIN LATERAL (SELECT p.ts, p.last_price FROM bifrost.price_snapshots p
                          WHERE p.symbol = bifrost_latest_prices.symbol AND p.last_price IS NOT NULL
                          ORDER BY p.ts DESC LIMIT 1) l ON true
      LEFT JOIN LATERAL (SELECT p.ts, p.mark_price FROM bifrost.price_snapshots p
                          WHERE p.symbol = bifrost_latest_prices.symbol AND p.mark_price IS NOT NULL
                          ORDER BY p.ts DESC LIMIT 1) m ON true
      LEFT JOIN LATERAL (SELECT p.ts, p.index_price FROM bifrost.price_snapshots p
                          WHERE p.symbol = bifrost_latest_prices.symbol AND p.index_price IS NOT NULL
                          ORDER BY p.ts DESC LIMIT 1) i ON true
     WHERE pg_catalog.num_nonnulls(l.ts, m.ts, i.ts) > 0;
$$;
COMMENT ON FUNCTION bifrost_latest_prices(text) IS
    'The newest last, mark and index price of symbol, each from the newest snapshot that has it (last_ts, mark_ts, index_ts), ts the newest of the three; no row when none is stored';

-- Counts of the bar grid (see the head of this file); a timeframe without
-- candles gives a row of zeros when asked for by name, and no row when
CREATE FUNCTION bifrost_candle_coverage(symbol text, timeframe text DEFAULT NULL)
RETURNS TABLE (timeframe text, bars bigint, first_ts timestamptz, last_ts timestamptz,
               expected_bars bigint, missing_bars bigint, duplicate_bars bigint,
               unconfirmed_bars bigint)
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT bifrost._check_symbol(bifrost_candle_coverage.symbol);
    SELECT bifrost._timeframe_seconds(bifrost_candle_coverage.timeframe)
     WHERE bifrost_candle_coverage.timeframe IS NOT NULL;
    WITH t AS (
        SELECT t.timeframe, t.bar_seconds
          FROM bifrost._timeframes() t
         WHERE bifrost_candle_coverage.timeframe IS NULL OR t.timeframe = bifrost_candle_coverage.timeframe
    ),
    c AS (
        SELECT t.timeframe, m.ts, m.confirmed,
               pg_catalog.floor(EXTRACT(epoch FROM m.ts) / t.bar_seconds) AS slot,
               EXTRACT(epoch FROM m.ts) % t.bar_seconds = 0 AS aligned
          FROM t
          JOIN bifrost.market_data m
            ON m.symbol = bifrost_candle_coverage.symbol AND m.timeframe = t.timeframe
    ),
    a AS (
        SELECT c.timeframe,
               pg_catalog.count(*) AS bars,
               pg_catalog.min(c.ts) AS first_ts,
               pg_catalog.max(c.ts) AS last_ts,
               (pg_catalog.max(c.slot) - pg_catalog.min(c.slot) + 1)::bigint AS expected,
               pg_catalog.count(*) FILTER (WHERE c.aligned) AS aligned,
               pg_catalog.count(*) FILTER (WHERE NOT c.aligned) AS misaligned,
               pg_catalog.count(*) FILTER (WHERE NOT c.confirmed) AS unconfirmed
          FROM c
         GROUP BY c.timeframe
    )
    SELECT t.timeframe, coalesce(a.bars, 0), a.first_ts, a.last_ts,
           coalesce(a.expected, 0), coalesce(a.expected - a.aligned, 0),
           coalesce(a.misaligned, 0), coalesce(a.unconfirmed, 0)
      FROM t
      LEFT JOIN a ON a.timeframe = t.timeframe
     WHERE a.timeframe IS NOT NULL OR bifrost_candle_coverage.timeframe IS NOT NULL
     ORDER BY t.bar_seconds;
$$;
COMMENT ON FUNCTION bifrost_candle_coverage(text, text) IS
    'Candle coverage of symbol per timeframe (NULL: each timeframe that has candles): bars stored, first and last open time, bars expected on the UTC-aligned grid between them, missing (no aligned candle), duplicate (misaligned candles), unconfirmed';

------------------------------------------------------------------------------
-- bifrost_scan_integrity(symbol, timeframe, from_ts, to_ts): data health
-- (role bifrost_operator; it writes bifrost.candle_integrity_events).
--
-- Scans the candles of symbol and timeframe that open in [from_ts, to_ts]
-- (NULL bounds: open) on the bar grid described at the head of this file,
-- from the first to the last candle in that window, and reports
--   GAP        each maximal run of consecutive missing bars: start_ts and
--              end_ts are the open times of the first and last missing bar;
--   DUPLICATE  each maximal run of consecutive slots holding misaligned
--              candles: start_ts and end_ts are the first and last
--              misaligned candle's ts.
-- The counts of an event describe the bars (slots) from the one containing
-- start_ts to the one containing end_ts: expected_bars how many, actual_bars
-- the candles stored in them, missing_bars those without an aligned candle,
-- duplicate_bars the misaligned candles among actual_bars.  A misaligned
-- candle in an otherwise empty slot is in both a GAP and a DUPLICATE event.
-- severity, from missing_bars for a GAP and duplicate_bars for a DUPLICATE:
-- HIGH from 100, MEDIUM from 20, else LOW.  details_json: bar_seconds, the
-- scanned window {from, to} (null when open), for a GAP the aligned bars
-- around it (after, before; null at the window's edge), for a DUPLICATE the
-- misaligned ts (the first 100) and how far each is off its slot (seconds);
-- instants in UTC.
--
-- Each finding is recorded once: a finding equal to one already recorded
-- (same symbol, timeframe, event_type, start_ts, end_ts and counts, not
-- linked to a repair) is not inserted again, so scanning on a schedule does
-- not pile up copies.  A finding that changed (a gap partly filled) is new
-- and is inserted; the old row stays as history.  Returns every finding of
-- this scan, ordered by start_ts: newly inserted rows (detected_at = now())
-- and the rows recorded before (detected_at = when first found).  Scans of
-- one symbol and timeframe wait for each other (a transaction advisory lock)
-- so two at once cannot both insert the same finding.
--
-- SECURITY DEFINER so the operator needs no INSERT on the table.
------------------------------------------------------------------------------

CREATE FUNCTION bifrost_scan_integrity(symbol text, timeframe text,
                                       from_ts timestamptz DEFAULT NULL,
                                       to_ts timestamptz DEFAULT NULL)
RETURNS SETOF bifrost.candle_integrity_events
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    sym  text := bifrost._check_symbol(symbol);
    tf   text := timeframe;
    secs integer;
    lo   timestamptz := coalesce(from_ts, '-infinity');
    hi   timestamptz := coalesce(to_ts, 'infinity');
    win  jsonb;
    f    record;
    ev   bifrost.candle_integrity_events;
BEGIN
    PERFORM bifrost._check_range(tf, from_ts, to_ts, NULL);
    secs := bifrost._timeframe_seconds(tf);
    win := pg_catalog.jsonb_build_object('from', bifrost._utc_text(from_ts), 'to', bifrost._utc_text(to_ts));

    -- one-bigint key: never the worker's two-int4 lock (1111904084, 1)
    PERFORM pg_catalog.pg_advisory_xact_lock(
        pg_catalog.hashtextextended('bifrost_scan_integrity ' || sym || ' ' || tf, 0));

    FOR f IN
        WITH c AS (
            SELECT m.ts,
                   pg_catalog.floor(EXTRACT(epoch FROM m.ts) / secs)::bigint AS slot,
                   EXTRACT(epoch FROM m.ts) % secs = 0 AS aligned
              FROM bifrost.market_data m
             WHERE m.symbol = sym AND m.timeframe = tf AND m.ts BETWEEN lo AND hi
        ),
        span AS (
            SELECT pg_catalog.min(c.slot) AS s0, pg_catalog.max(c.slot) AS s1 FROM c
        ),
        slots AS (
            SELECT c.slot,
                   pg_catalog.count(*) AS n,
                   pg_catalog.bool_or(c.aligned) AS has_aligned,
                   pg_catalog.count(*) FILTER (WHERE NOT c.aligned) AS nm
              FROM c
             GROUP BY c.slot
        ),
        -- aligned slots, and one sentinel just outside each end of the span:
        -- a gap is the run between two neighbouring anchors
        anchors AS (
            SELECT s.slot FROM slots s WHERE s.has_aligned
            UNION ALL
            SELECT sp.s0 - 1 FROM span sp WHERE sp.s0 IS NOT NULL
            UNION ALL
            SELECT sp.s1 + 1 FROM span sp WHERE sp.s1 IS NOT NULL
        ),
        gaps AS (
            SELECT a.prev + 1 AS r0, a.slot - 1 AS r1
              FROM (SELECT an.slot, pg_catalog.lag(an.slot) OVER (ORDER BY an.slot) AS prev
                      FROM anchors an) a
             WHERE a.slot - a.prev > 1
        ),
        -- candles inside gaps (all misaligned), keyed by their gap's first slot
        in_gaps AS (
            SELECT g.key, pg_catalog.sum(g.n) AS n
              FROM (SELECT s.n, s.has_aligned,
                           coalesce(pg_catalog.max(s.slot) FILTER (WHERE s.has_aligned) OVER (ORDER BY s.slot),
                                    sp.s0 - 1) + 1 AS key
                      FROM slots s, span sp) g
             WHERE NOT g.has_aligned
             GROUP BY g.key
        ),
        dup_slots AS (
            SELECT s.slot, s.n, s.has_aligned, s.nm,
                   s.slot - pg_catalog.row_number() OVER (ORDER BY s.slot) AS island
              FROM slots s
             WHERE s.nm > 0
        ),
        dup_ts AS (
            SELECT d.island,
                   pg_catalog.min(c.ts) AS first_ts,
                   pg_catalog.max(c.ts) AS last_ts,
                   (pg_catalog.array_agg(c.ts ORDER BY c.ts))[1:100] AS shown
              FROM dup_slots d
              JOIN c ON c.slot = d.slot AND NOT c.aligned
             GROUP BY d.island
        ),
        found AS (
            SELECT 'GAP'::text AS event_type,
                   pg_catalog.to_timestamp((g.r0 * secs)::double precision) AS start_ts,
                   pg_catalog.to_timestamp((g.r1 * secs)::double precision) AS end_ts,
                   g.r1 - g.r0 + 1 AS expected_bars,
                   coalesce(ig.n, 0) AS actual_bars,
                   g.r1 - g.r0 + 1 AS missing_bars,
                   coalesce(ig.n, 0) AS duplicate_bars,
                   pg_catalog.jsonb_build_object(
                       'after', bifrost._utc_text(CASE WHEN g.r0 > sp.s0
                                   THEN pg_catalog.to_timestamp(((g.r0 - 1) * secs)::double precision) END),
                       'before', bifrost._utc_text(CASE WHEN g.r1 < sp.s1
                                   THEN pg_catalog.to_timestamp(((g.r1 + 1) * secs)::double precision) END)) AS extra
              FROM gaps g
              CROSS JOIN span sp
              LEFT JOIN in_gaps ig ON ig.key = g.r0
            UNION ALL
            SELECT 'DUPLICATE', t.first_ts, t.last_ts,
                   r.r1 - r.r0 + 1, r.n, r.missing, r.nm,
                   pg_catalog.jsonb_build_object(
                       'misaligned', (SELECT pg_catalog.jsonb_agg(bifrost._utc_text(x.ts) ORDER BY x.ts)
                                        FROM pg_catalog.unnest(t.shown) AS x(ts)),
                       'offsets_seconds', (SELECT pg_catalog.jsonb_agg(pg_catalog.trim_scale(EXTRACT(epoch FROM x.ts) % secs) ORDER BY x.ts)
                                             FROM pg_catalog.unnest(t.shown) AS x(ts)))
              FROM (SELECT d.island, pg_catalog.min(d.slot) AS r0, pg_catalog.max(d.slot) AS r1,
                           pg_catalog.sum(d.n) AS n, pg_catalog.sum(d.nm) AS nm,
                           pg_catalog.count(*) FILTER (WHERE NOT d.has_aligned) AS missing
                      FROM dup_slots d
                     GROUP BY d.island) r
              JOIN dup_ts t ON t.island = r.island
        )
        SELECT fd.*,
               CASE WHEN CASE fd.event_type WHEN 'GAP' THEN fd.missing_bars ELSE fd.duplicate_bars END >= 100 THEN 'HIGH'
                    WHEN CASE fd.event_type WHEN 'GAP' THEN fd.missing_bars ELSE fd.duplicate_bars END >= 20 THEN 'MEDIUM'
                    ELSE 'LOW' END AS severity
          FROM found fd
         ORDER BY fd.start_ts, fd.event_type DESC
    LOOP
        SELECT e.* INTO ev
          FROM bifrost.candle_integrity_events e
         WHERE e.symbol = sym AND e.timeframe = tf AND e.event_type = f.event_type
           AND e.start_ts = f.start_ts AND e.end_ts = f.end_ts
           AND e.expected_bars = f.expected_bars AND e.actual_bars = f.actual_bars
           AND e.missing_bars = f.missing_bars AND e.duplicate_bars = f.duplicate_bars
           AND e.repair_job_id IS NULL
         ORDER BY e.id
         LIMIT 1;
        IF NOT FOUND THEN
            INSERT INTO bifrost.candle_integrity_events
                   (symbol, timeframe, event_type, start_ts, end_ts, expected_bars, actual_bars,
                    missing_bars, duplicate_bars, severity, detected_at, details_json)
            VALUES (sym, tf, f.event_type, f.start_ts, f.end_ts, f.expected_bars, f.actual_bars,
                    f.missing_bars, f.duplicate_bars, f.severity, pg_catalog.now(),
                    pg_catalog.jsonb_build_object('bar_seconds', secs, 'window', win) || f.extra)
            RETURNING * INTO ev;
        END IF;
        RETURN NEXT ev;
    END LOOP;
END
$$;
COMMENT ON FUNCTION bifrost_scan_integrity(text, text, timestamptz, timestamptz) IS
    'Finds gaps (runs of missing bars) and duplicates (runs of misaligned candles) in the candles of symbol and timeframe within [from_ts, to_ts] (NULL: open), records each new finding in bifrost.candle_integrity_events with a severity (HIGH >= 100 bars, MEDIUM >= 20, else LOW) and returns every finding, new or recorded before';

------------------------------------------------------------------------------
-- Ingestion from a venue (OKX): candles, funding, prices, open interest and
-- long/short ratios into the tables of 30_market_data.sql, one
-- bifrost.ingestion_runs row per call; the "bifrost ingest" background
-- worker calls it on the schedule of bifrost.ingest_schedule.
------------------------------------------------------------------------------

CREATE FUNCTION bifrost_ingest(source text, symbol text, data_type text,
                               timeframe text DEFAULT NULL, since timestamptz DEFAULT NULL)
RETURNS integer
AS 'MODULE_PATHNAME', 'bifrost_ingest'
LANGUAGE C VOLATILE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION bifrost_ingest(text, text, text, text, timestamptz) IS
    'Ingests market data from a venue (source okx): ohlcv candles (timeframe 15m, 1h, 4h or 1d), funding_rate (realized history and the coming rate, by settlement time), price_snapshot (last, mark and index), open_interest, long_short_ratio (timeframe = period 5m, 1h or 1d); series continue from since or the newest stored row; returns the rows new or changed; a venue failure is recorded in bifrost.ingestion_runs and reported as a WARNING';

-- The signature of OKX private requests, for tests against OKX's published examples.
CREATE FUNCTION bifrost._okx_sign(secret text, request_ts text, method text, request_path text, body text)
RETURNS text
AS 'MODULE_PATHNAME', 'bifrost_okx_sign'
LANGUAGE C IMMUTABLE STRICT;
COMMENT ON FUNCTION bifrost._okx_sign(text, text, text, text, text) IS
    'Base64(HMAC-SHA256(secret, request_ts || method || request_path || body)): the OK-ACCESS-SIGN header of an OKX request';
