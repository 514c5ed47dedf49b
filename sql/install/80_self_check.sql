/*
 * sql/install/80_self_check.sql: bifrost_self_check(), one row per check,
 * never raising: the schema against the snapshot 99_expected_schema.sql
 * bakes, the configuration, the legs, the ledger, the worker, the freshness
 * of its rows and the time units.  bifrost_reader gets the superuser's
 * answer: the facts it may not read itself come through SECURITY DEFINER
 * helpers that show no more than the check needs.
 */

------------------------------------------------------------------------------
-- The schema: the live catalog as JSON, and its comparison with a snapshot.
------------------------------------------------------------------------------

/*
 * Everything the self-check compares, read from the catalog: tables of schema
 * bifrost with their columns in order (formatted type, NOT NULL), constraints
 * (pg_get_constraintdef), indexes not owned by a constraint (pg_get_indexdef),
 * user triggers, and the functions that belong to the extension.  The
 * search_path is pinned so every name prints schema-qualified the same way
 * whatever the caller's setting.
 */
CREATE FUNCTION bifrost._catalog_snapshot()
RETURNS jsonb
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.jsonb_build_object(
        'tables', coalesce((
            SELECT pg_catalog.jsonb_object_agg(c.relname, pg_catalog.jsonb_build_object(
                'columns', (SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                                    'name', a.attname::text,
                                    'type', pg_catalog.format_type(a.atttypid, a.atttypmod),
                                    'not_null', a.attnotnull) ORDER BY a.attnum), '[]')
                              FROM pg_catalog.pg_attribute a
                             WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
                'constraints', (SELECT coalesce(pg_catalog.jsonb_object_agg(k.conname, pg_catalog.pg_get_constraintdef(k.oid)), '{}')
                                  FROM pg_catalog.pg_constraint k
                                 WHERE k.conrelid = c.oid),
                'indexes', (SELECT coalesce(pg_catalog.jsonb_object_agg(i.relname, pg_catalog.pg_get_indexdef(i.oid)), '{}')
                              FROM pg_catalog.pg_index x
                              JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
                             WHERE x.indrelid = c.oid
                               AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k
                                                WHERE k.conindid = x.indexrelid AND k.conrelid = c.oid
                                                  AND k.contype IN ('p', 'u', 'x'))),
                'triggers', (SELECT coalesce(pg_catalog.jsonb_object_agg(g.tgname, pg_catalog.pg_get_triggerdef(g.oid)), '{}')
                               FROM pg_catalog.pg_trigger g
                              WHERE g.tgrelid = c.oid AND NOT g.tgisinternal)))
              FROM pg_catalog.pg_class c
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'bifrost' AND c.relkind IN ('r', 'p')), '{}'),
        'functions', coalesce((
            SELECT pg_catalog.jsonb_agg(f.sig ORDER BY f.sig)
              FROM (SELECT p.oid::pg_catalog.regprocedure::text AS sig
                      FROM pg_catalog.pg_depend d
                      JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
                      JOIN pg_catalog.pg_proc p ON p.oid = d.objid
                     WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
                       AND d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
                       AND d.deptype = 'e'
                       AND e.extname = 'bifrost') f), '[]'))
$$;
COMMENT ON FUNCTION bifrost._catalog_snapshot() IS 'The live catalog of schema bifrost (tables, columns, constraints, indexes, triggers) and the extension''s functions, as JSON';

/*
 * One row per expected object, ok when the live catalog has it unchanged.
 * A missing table is one row; its columns, constraints and indexes are then
 * not reported again.
 */
CREATE FUNCTION bifrost._schema_problems(expected jsonb, live jsonb)
RETURNS TABLE (name text, ok boolean, detail text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    WITH et AS (
        SELECT t.key AS tab, t.value AS exp, live->'tables'->t.key AS liv
          FROM pg_catalog.jsonb_each(expected->'tables') t
    ),
    ecol AS (
        SELECT et.tab, c.value->>'name' AS col, c.value->>'type' AS typ, (c.value->>'not_null')::boolean AS nn, c.n AS pos
          FROM et, pg_catalog.jsonb_array_elements(et.exp->'columns') WITH ORDINALITY AS c(value, n)
         WHERE et.liv IS NOT NULL
    ),
    lcol AS (
        SELECT et.tab, c.value->>'name' AS col, c.value->>'type' AS typ, (c.value->>'not_null')::boolean AS nn, c.n AS pos
          FROM et, pg_catalog.jsonb_array_elements(et.liv->'columns') WITH ORDINALITY AS c(value, n)
         WHERE et.liv IS NOT NULL
    ),
    col_issue AS (
        SELECT e.tab, e.pos,
               CASE
                   WHEN l.col IS NULL THEN pg_catalog.format('column %s is missing (dropped or renamed)', e.col)
                   WHEN l.typ <> e.typ THEN pg_catalog.format('column %s has type %s, expected %s', e.col, l.typ, e.typ)
                   WHEN l.nn AND NOT e.nn THEN pg_catalog.format('column %s is NOT NULL, expected nullable', e.col)
                   WHEN e.nn AND NOT l.nn THEN pg_catalog.format('column %s allows nulls, expected NOT NULL', e.col)
               END AS issue
          FROM ecol e
          LEFT JOIN lcol l ON l.tab = e.tab AND l.col = e.col
    ),
    -- positions of the expected columns that are present, counted among themselves
    col_order AS (
        SELECT e.tab,
               pg_catalog.bool_and(e.rank_e = l.rank_l) AS in_order
          FROM (SELECT e.tab, e.col, pg_catalog.row_number() OVER (PARTITION BY e.tab ORDER BY e.pos) AS rank_e
                  FROM ecol e WHERE EXISTS (SELECT 1 FROM lcol l WHERE l.tab = e.tab AND l.col = e.col)) e
          JOIN (SELECT l.tab, l.col, pg_catalog.row_number() OVER (PARTITION BY l.tab ORDER BY l.pos) AS rank_l
                  FROM lcol l WHERE EXISTS (SELECT 1 FROM ecol e WHERE e.tab = l.tab AND e.col = l.col)) l
            ON l.tab = e.tab AND l.col = e.col
         GROUP BY e.tab
    ),
    cols AS (
        SELECT et.tab,
               pg_catalog.array_remove(
                   pg_catalog.array_agg(ci.issue ORDER BY ci.pos)
                   || CASE WHEN co.in_order IS FALSE THEN 'columns are not in the expected order'::text END,
                   NULL) AS issues,
               pg_catalog.jsonb_array_length(et.exp->'columns') AS ncols
          FROM et
          JOIN col_issue ci ON ci.tab = et.tab
          LEFT JOIN col_order co ON co.tab = et.tab
         GROUP BY et.tab, et.exp, co.in_order
    ),
    objs AS (
        SELECT et.tab, k.kind, o.key AS obj, o.value #>> '{}' AS def,
               et.liv->k.member->>o.key AS live_def,
               (SELECT l.key FROM pg_catalog.jsonb_each(et.liv->k.member) l
                 WHERE l.value = o.value LIMIT 1) AS same_def_as
          FROM et,
               LATERAL (VALUES ('constraint', 'constraints'), ('index', 'indexes'), ('trigger', 'triggers')) AS k(kind, member),
               LATERAL pg_catalog.jsonb_each(et.exp->k.member) o
         WHERE et.liv IS NOT NULL
    )
    SELECT 'table bifrost.' || et.tab,
           et.liv IS NOT NULL,
           CASE WHEN et.liv IS NULL THEN pg_catalog.format('table bifrost.%s is missing', et.tab) ELSE 'present' END
      FROM et
    UNION ALL
    SELECT 'columns of bifrost.' || c.tab,
           c.issues = '{}',
           CASE WHEN c.issues = '{}' THEN pg_catalog.format('%s columns as expected', c.ncols)
                ELSE pg_catalog.array_to_string(c.issues, '; ') END
      FROM cols c
    UNION ALL
    SELECT pg_catalog.format('%s %s on bifrost.%s', o.kind, o.obj, o.tab),
           o.live_def IS NOT DISTINCT FROM o.def,
           CASE
               WHEN o.live_def = o.def THEN o.def
               WHEN o.live_def IS NOT NULL THEN
                   pg_catalog.format('%s %s on bifrost.%s is "%s", expected "%s"', o.kind, o.obj, o.tab, o.live_def, o.def)
               WHEN o.same_def_as IS NOT NULL THEN
                   pg_catalog.format('%s %s on bifrost.%s is missing (the same definition exists as %s)', o.kind, o.obj, o.tab, o.same_def_as)
               ELSE pg_catalog.format('%s %s on bifrost.%s is missing: expected "%s"', o.kind, o.obj, o.tab, o.def)
           END
      FROM objs o
    UNION ALL
    SELECT 'function ' || (f.value #>> '{}'),
           live->'functions' @> pg_catalog.jsonb_build_array(f.value),
           CASE WHEN live->'functions' @> pg_catalog.jsonb_build_array(f.value) THEN 'present'
                ELSE pg_catalog.format('function %s is missing', f.value #>> '{}') END
      FROM pg_catalog.jsonb_array_elements(expected->'functions') f
$$;
COMMENT ON FUNCTION bifrost._schema_problems(jsonb, jsonb) IS 'Compares two catalog snapshots: one row per expected table, column set, constraint, index, trigger and function';

------------------------------------------------------------------------------
-- The worker, the legs and the ledger.
------------------------------------------------------------------------------

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

/*
 * The ledger agrees with itself: one row per check, failing ones naming the
 * first offending ids.  Each check is one scan or anti-join over an indexed
 * table, cheap enough to run every minute (bench/bench_ledger.sh).  A write
 * of the hedger in flight (a fill committed, its status row not yet) can
 * fail a check for one snapshot; drift fails it every time.
 */
CREATE FUNCTION bifrost._ledger_checks()
RETURNS TABLE (name text, ok boolean, detail text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    bad     text[];
    n       bigint;
    st      record;
    broker  text;
    held    numeric;
    day     date;
    tz      text;
    sent    bigint;
BEGIN
    -- positions = signed sum of trades, less fees withheld in lots, + recorded adjustments
    name := 'positions match trades';
    SELECT pg_catalog.count(*),
           (pg_catalog.array_agg(pg_catalog.format('%s %s: position %s, trades %s, adjustments %s',
                                                  x.exchange, x.symbol, x.pos, x.traded, x.adjusted)
                                 ORDER BY x.exchange, x.symbol))[1:3]
      INTO n, bad
      FROM (SELECT exchange, symbol, coalesce(p.size, 0) AS pos, coalesce(t.lots, 0) AS traded,
                   coalesce(a.lots, 0) AS adjusted
              FROM (SELECT exchange, symbol, size FROM bifrost.positions WHERE side = 'NET') p
              FULL JOIN (SELECT exchange, symbol,
                                pg_catalog.sum(CASE WHEN side = 'BUY' THEN amount ELSE -amount END - fee_base) AS lots
                           FROM bifrost.trades GROUP BY exchange, symbol) t USING (exchange, symbol)
              FULL JOIN (SELECT exchange, symbol, pg_catalog.sum(size_after - size_before) AS lots
                           FROM bifrost.position_adjustments GROUP BY exchange, symbol) a USING (exchange, symbol)) x
     WHERE pg_catalog.abs(x.pos - x.traded - x.adjusted) > 1e-9;
    ok := n = 0;
    detail := CASE WHEN ok THEN pg_catalog.format('%s NET positions, each the signed sum of its trades and adjustments',
                                                  (SELECT pg_catalog.count(*) FROM bifrost.positions WHERE side = 'NET'))
                   ELSE pg_catalog.format('%s position(s) drifted from their trades: %s', n,
                                          pg_catalog.array_to_string(bad, '; ')) END;
    RETURN NEXT;

    -- every fill has an order (a trade has one by its foreign key, which the
    -- schema category watches)
    name := 'fills have orders';
    SELECT pg_catalog.count(*),
           (pg_catalog.array_agg(pg_catalog.format('fill operation %s (%s)', f.id, f.client_order_id)
                                 ORDER BY f.id))[1:3]
      INTO n, bad
      FROM bifrost.operations f
     WHERE f.type = 'fill'
       AND NOT EXISTS (SELECT 1 FROM bifrost.orders o WHERE o.client_order_id = f.client_order_id);
    ok := n = 0;
    detail := CASE WHEN ok THEN 'every fill operation has its order'
                   ELSE pg_catalog.format('%s fill(s) without an order: %s', n, pg_catalog.array_to_string(bad, ', ')) END;
    RETURN NEXT;

    -- every order has its intent: the hedge_intent operation it names, with its client order id
    name := 'orders have intents';
    SELECT pg_catalog.count(*),
           (pg_catalog.array_agg(pg_catalog.format('order %s (%s, intent %s)', o.id, o.client_order_id,
                                                  coalesce(o.intent_id::text, 'none')) ORDER BY o.id))[1:3]
      INTO n, bad
      FROM bifrost.orders o
     WHERE NOT EXISTS (SELECT 1 FROM bifrost.operations i
                        WHERE i.id = o.intent_id AND i.type = 'hedge_intent'
                          AND i.client_order_id = o.client_order_id);
    ok := n = 0;
    detail := CASE WHEN ok THEN 'every order names its hedge_intent operation, with the same client order id'
                   ELSE pg_catalog.format('%s order(s) without their intent: %s', n, pg_catalog.array_to_string(bad, ', ')) END;
    RETURN NEXT;

    name := 'one order per intent';
    SELECT pg_catalog.count(*),
           (pg_catalog.array_agg(pg_catalog.format('intent %s: orders %s', x.intent_id, x.ids) ORDER BY x.intent_id))[1:3]
      INTO n, bad
      FROM (SELECT o.intent_id, pg_catalog.array_to_string(pg_catalog.array_agg(o.id ORDER BY o.id), ', ') AS ids
              FROM bifrost.orders o WHERE o.intent_id IS NOT NULL
             GROUP BY o.intent_id HAVING pg_catalog.count(*) > 1) x;
    ok := n = 0;
    detail := CASE WHEN ok THEN 'no intent has two orders'
                   ELSE pg_catalog.format('%s intent(s) with more than one order: %s', n, pg_catalog.array_to_string(bad, '; ')) END;
    RETURN NEXT;

    -- orders are unique by their key (watched by the schema category), intents by nothing else
    name := 'client order ids unique';
    SELECT pg_catalog.count(*), (pg_catalog.array_agg(x.what ORDER BY x.what))[1:3] INTO n, bad
      FROM (SELECT pg_catalog.format('%s on %s intents', i.client_order_id, pg_catalog.count(*)) AS what
              FROM bifrost.operations i WHERE i.type = 'hedge_intent'
             GROUP BY i.client_order_id HAVING pg_catalog.count(*) > 1) x;
    ok := n = 0;
    detail := CASE WHEN ok THEN 'no client order id names two intents'
                   ELSE pg_catalog.format('%s client order id(s) used twice: %s', n, pg_catalog.array_to_string(bad, ', ')) END;
    RETURN NEXT;

    -- the status row against the tables, for the hedger that wrote it
    SELECT s.symbol, s.stock_position, s.daily_hedge_count, s.spot, s.config_summary, s.trading_mode INTO st
      FROM bifrost.status_current s WHERE s.id = 1;
    -- a paper hedger keeps its own book whatever bifrost.broker says
    broker := CASE WHEN st.trading_mode = 'paper' THEN 'paper'
                   ELSE pg_catalog.substring(st.config_summary, 'broker=([a-z]+)') END;

    name := 'status position';
    IF st.symbol IS NULL OR st.stock_position IS NULL OR broker IS NULL THEN
        ok := true;
        detail := 'no status of a running hedger; not checked';
    ELSE
        held := coalesce((SELECT p.size FROM bifrost.positions p
                           WHERE p.exchange = broker AND p.symbol = st.symbol AND p.side = 'NET'), 0);
        ok := st.stock_position = pg_catalog.round(held);
        detail := pg_catalog.format('status_current.stock_position %s, positions %s %s: %s',
                                    st.stock_position, broker, st.symbol, held);
    END IF;
    RETURN NEXT;

    name := 'daily hedge count';
    day := (SELECT pg_catalog.max(d.trading_date) FROM bifrost.hedger_days d WHERE d.symbol = st.symbol);
    IF st.symbol IS NULL OR st.daily_hedge_count IS NULL OR broker IS NULL THEN
        ok := true;
        detail := 'no status of a running hedger; not checked';
    ELSIF st.spot IS NULL OR day IS NULL THEN
        -- the day starts with the first usable quote, and so does its count
        ok := true;
        detail := 'the hedger has no quote yet, so its trading day has not begun; not checked';
    ELSE
        tz := coalesce((SELECT c.value FROM bifrost.config c WHERE c.key = 'day_roll_tz'),
                       (SELECT d.value FROM bifrost._config_defaults() d WHERE d.key = 'day_roll_tz')) #>> '{}';
        -- sent: past CREATED, and not known never to have left (cancelled as
        -- not sent before a restart, or refused before sending)
        SELECT pg_catalog.count(*) INTO sent
          FROM bifrost.orders o
         WHERE o.exchange = broker AND o.symbol = st.symbol
           AND o.created_at >= (day::timestamp AT TIME ZONE tz)
           AND o.created_at < ((day + 1)::timestamp AT TIME ZONE tz)
           AND o.status <> 'CREATED'
           AND NOT EXISTS (
               SELECT 1 FROM bifrost.operations c
                WHERE c.client_order_id = o.client_order_id AND c.type IN ('cancel', 'reject')
                  AND (c.state_reason = 'not_sent_before_restart' OR c.state_reason LIKE 'not sent:%'));
        ok := st.daily_hedge_count = sent;
        detail := pg_catalog.format('status_current.daily_hedge_count %s, orders of %s %s sent on %s (%s): %s',
                                    st.daily_hedge_count, broker, st.symbol,
                                    pg_catalog.to_char(day, 'YYYY-MM-DD'), tz, sent);
    END IF;
    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION bifrost._ledger_checks() IS
    'The ledger checks of bifrost_self_check(): positions against trades and adjustments, fills against orders, orders against intents, the status against the tables, client order ids';

------------------------------------------------------------------------------
-- The self-check.
------------------------------------------------------------------------------

CREATE FUNCTION bifrost_self_check()
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

    ---------------------------------------------------------------- ledger
    category := 'ledger';
    BEGIN
        FOR r IN SELECT * FROM bifrost._ledger_checks() LOOP
            name := r.name; ok := r.ok; detail := r.detail;
            RETURN NEXT;
        END LOOP;
    EXCEPTION WHEN OTHERS THEN
        name := 'ledger'; ok := false;
        detail := 'cannot check the ledger: ' || SQLERRM;
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
COMMENT ON FUNCTION bifrost_self_check() IS 'Checks schema, configuration, legs, the ledger, worker, data freshness and time units; one row per check, never raises';
