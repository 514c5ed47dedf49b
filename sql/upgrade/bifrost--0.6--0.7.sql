/*
 * bifrost--0.6--0.7.sql: upgrade script from bifrost 0.6 to 0.7, money
 * safety.
 *
 * Paper means no order leaves for a venue, legs settle at expiry, every
 * table that carries state is dumped, client order ids stay unique across a
 * failover, and the self-check proves the ledger agrees with itself.
 */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION bifrost UPDATE TO '0.7'" to load this file. \quit

------------------------------------------------------------------------------
-- Paper versus live, orders and fills.
------------------------------------------------------------------------------

-- gates.guard.risk.paper_trade = true (the default) keeps every order at the
-- paper broker whatever bifrost.broker says; the status row says which mode
-- the hedger is in.
ALTER TABLE bifrost.status_current
    ADD COLUMN trading_mode text CONSTRAINT status_current_trading_mode_check CHECK (trading_mode IN ('paper', 'live'));
ALTER TABLE bifrost.status_history
    ADD COLUMN trading_mode text CONSTRAINT status_history_trading_mode_check CHECK (trading_mode IN ('paper', 'live'));
COMMENT ON COLUMN bifrost.status_current.trading_mode IS
    'paper: orders are simulated by the paper broker on the feed''s quotes (gates.guard.risk.paper_trade true, or bifrost.broker paper); live: orders go to bifrost.broker';
COMMENT ON COLUMN bifrost.status_history.trading_mode IS 'As status_current.trading_mode';

-- A venue may charge its fee in the instrument bought (OKX spot: the base
-- currency), so the account receives fewer lots than the fill's amount.
ALTER TABLE bifrost.trades
    ADD COLUMN fee_base numeric NOT NULL DEFAULT 0
        CONSTRAINT trades_fee_base_finite CHECK (fee_base > '-Infinity' AND fee_base < 'Infinity');
COMMENT ON COLUMN bifrost.trades.fee IS
    'Fee in the quote currency (USD, USDT), as a positive cost; NULL when the venue does not report it';
COMMENT ON COLUMN bifrost.trades.fee_base IS
    'Fee withheld in the traded instrument, in lots (the unit of amount), positive = fewer lots received: the position moves by the signed amount minus fee_base';

-- The day's start equity is that of one book: a hedger that switches
-- between paper and live (or brokers) must not measure its P&L from the
-- other book's start, which held another position.
ALTER TABLE bifrost.hedger_days ADD COLUMN exchange text;
COMMENT ON COLUMN bifrost.hedger_days.exchange IS
    'The book (orders.exchange: paper or the broker) whose start this is; a hedger on another book starts the day anew from its own equity. NULL: written before 0.7, any book';

------------------------------------------------------------------------------
-- Settlement at expiry.
------------------------------------------------------------------------------

-- The new configuration key (book.settlement) and any other key this
-- version's library knows that an older bifrost.config lacks: seeded with
-- its default, a stored value is never touched.
INSERT INTO bifrost.config (key, value)
SELECT d.key, d.value FROM bifrost._config_defaults() d
 WHERE NOT EXISTS (SELECT 1 FROM bifrost.config c WHERE c.key = d.key);

-- One row per leg settled at its expiry, written by the hedger at the first
-- usable quote at or after the expiry instant.  The price is fixed once for
-- all legs of a symbol and expiry: a restart values them alike, and the
-- row stays when the operator deletes the leg afterwards (no foreign key).
CREATE TABLE bifrost.leg_settlements (
    leg_id           bigint PRIMARY KEY,
    symbol           text NOT NULL CHECK (symbol <> ''),
    option_right     text NOT NULL CHECK (option_right IN ('C', 'P')),
    strike           numeric NOT NULL CHECK (strike > 0 AND strike < 'Infinity'),
    expiry           timestamptz NOT NULL,
    quantity         integer NOT NULL,
    multiplier       integer NOT NULL CHECK (multiplier > 0),
    style            text NOT NULL CHECK (style IN ('cash', 'physical')),
    settlement_price double precision NOT NULL CHECK (settlement_price > 0 AND settlement_price < 'Infinity'),
    settled_at       timestamptz NOT NULL,
    value            double precision NOT NULL CHECK (value > '-Infinity' AND value < 'Infinity'),
    delivered_shares double precision NOT NULL CHECK (delivered_shares > '-Infinity' AND delivered_shares < 'Infinity'),
    recorded_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT leg_settlements_cash_delivers_nothing CHECK (style = 'physical' OR delivered_shares = 0)
);
CREATE INDEX leg_settlements_symbol_expiry_idx ON bifrost.leg_settlements (symbol, expiry);
COMMENT ON TABLE bifrost.leg_settlements IS 'Option legs settled at expiry: the underlying''s price they settled at, how (book.settlement) and what they were worth; written by the hedger';
COMMENT ON COLUMN bifrost.leg_settlements.leg_id IS 'The bifrost.legs id of the leg (the leg may since have been deleted)';
COMMENT ON COLUMN bifrost.leg_settlements.settlement_price IS 'Mid of the first usable quote at or after the expiry; the same for every leg of the symbol and expiry';
COMMENT ON COLUMN bifrost.leg_settlements.settled_at IS 'Time of that quote (later than expiry when the hedger had no quote at the expiry)';
COMMENT ON COLUMN bifrost.leg_settlements.value IS 'quantity x multiplier x intrinsic value at settlement_price (cash paid, or the delivered shares at that price less the strike)';
COMMENT ON COLUMN bifrost.leg_settlements.delivered_shares IS 'Underlying delivered (physical, in the money): + for a long call or short put, - for a long put or short call; 0 otherwise';

SELECT pg_catalog.pg_extension_config_dump('bifrost.leg_settlements', '');
GRANT SELECT ON bifrost.leg_settlements TO bifrost_reader;
GRANT SELECT, INSERT ON bifrost.leg_settlements TO bifrost_worker;

------------------------------------------------------------------------------
-- Dumps, client order ids, the ledger checks of the self-check.
------------------------------------------------------------------------------

-- pg_dump keeps every table that carries state (sql/dump.sql lists each
-- table of the schema as dumped or left out on purpose).  The operator's run
-- flag (a suspension, a flatten), the day's start equity behind the loss
-- breaker and the replay feed's position were left out: a restored hedger
-- hedged again, started a fresh day and replayed every tick.  The run flag
-- row the install seeded would collide with its own dump on restore (CREATE
-- EXTENSION seeds it before the data is loaded), so it goes: no row reads as
-- not suspended, and the control functions upsert it.
DELETE FROM bifrost.daemon_run_status WHERE updated_by = 'install' AND NOT suspended;
SELECT pg_catalog.pg_extension_config_dump('bifrost.daemon_run_status', '');
SELECT pg_catalog.pg_extension_config_dump('bifrost.hedger_days', '');
SELECT pg_catalog.pg_extension_config_dump('bifrost.replay_cursors', '');

-- The broker's position wins when it differs from the hedger's (a fill never
-- heard of, a trade by hand); each such reconciliation is a row here, so the
-- ledger check tells a recorded adjustment from drift: a NET position is the
-- signed sum of its trades plus its adjustments.
CREATE TABLE bifrost.position_adjustments (
    id          bigserial PRIMARY KEY,
    exchange    text NOT NULL DEFAULT 'paper' CHECK (exchange IN ('paper', 'okx', 'ibkr')),
    symbol      text NOT NULL CHECK (symbol <> ''),
    ts          timestamptz NOT NULL DEFAULT now(),
    size_before numeric NOT NULL CHECK (size_before > '-Infinity' AND size_before < 'Infinity'),
    size_after  numeric NOT NULL CHECK (size_after > '-Infinity' AND size_after < 'Infinity'),
    reason      text NOT NULL CHECK (reason <> ''),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX position_adjustments_exchange_symbol_idx ON bifrost.position_adjustments (exchange, symbol);
COMMENT ON TABLE bifrost.position_adjustments IS
    'Changes of a NET position that no trade explains (the broker''s position taken by a reconciliation): positions.size = signed sum of trades + sum(size_after - size_before)';
COMMENT ON COLUMN bifrost.position_adjustments.reason IS 'Why, e.g. position_mismatch (a risk event of that rule says more)';
SELECT pg_catalog.pg_extension_config_dump('bifrost.position_adjustments', '');
SELECT pg_catalog.pg_extension_config_dump('bifrost.position_adjustments_id_seq', '');
-- Before 0.7 a reconciliation took the broker's position with only a risk
-- event (position_mismatch) to say so.  What no trade explains in a ledger
-- updated from 0.6 is recorded here once, so the check starts from the
-- ledger as it stands instead of failing forever on a past reconciliation
-- that nothing can now record; the rows stay for an operator to match
-- against those risk events.
INSERT INTO bifrost.position_adjustments (exchange, symbol, ts, size_before, size_after, reason)
SELECT x.exchange, x.symbol, pg_catalog.now(), x.traded, x.pos, 'unexplained before 0.7'
  FROM (SELECT exchange, symbol, coalesce(p.size, 0) AS pos, coalesce(t.lots, 0) AS traded
          FROM (SELECT exchange, symbol, size FROM bifrost.positions WHERE side = 'NET') p
          FULL JOIN (SELECT exchange, symbol,
                            pg_catalog.sum(CASE WHEN side = 'BUY' THEN amount ELSE -amount END - fee_base) AS lots
                       FROM bifrost.trades GROUP BY exchange, symbol) t USING (exchange, symbol)) x
 WHERE x.pos <> x.traded
 ORDER BY x.exchange, x.symbol;
GRANT SELECT ON bifrost.position_adjustments TO bifrost_reader;
GRANT SELECT, INSERT ON bifrost.position_adjustments TO bifrost_worker;
GRANT USAGE, SELECT ON SEQUENCE bifrost.position_adjustments_id_seq TO bifrost_worker;

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
REVOKE ALL ON FUNCTION bifrost._ledger_checks() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION bifrost._ledger_checks() TO bifrost_reader;

-- The self-check as in 0.6, with the ledger category.
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

------------------------------------------------------------------------------
-- Feeds and venues.
------------------------------------------------------------------------------

INSERT INTO bifrost.schema_version (version, name)
VALUES ('0.7', 'money safety: paper means paper, settlement at expiry, ledger checks');

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
