-- upgrade: bifrost 0.1 updated step by step (0.2, 0.3, 0.4, 0.5, 0.6, 0.7) with ALTER
-- EXTENSION ... UPDATE gets each version's objects, records each step in
-- bifrost.schema_version, and passes its self-check; a fresh install at the
-- default version has the same catalog.  Leaves the database without the
-- extension.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS bifrost;
CREATE EXTENSION bifrost VERSION '0.1';
RESET client_min_messages;

SELECT extversion FROM pg_extension WHERE extname = 'bifrost';
SELECT source, target, path FROM pg_extension_update_paths('bifrost')
 WHERE source = '0.1' AND target = '0.2';

-- 0.1: no pricing functions yet, every check passes
SELECT count(*) AS pricing_functions
  FROM pg_proc WHERE proname IN ('bifrost_bs_price', 'bifrost_bs_greeks', 'bifrost_implied_vol');
SELECT version, name FROM bifrost.schema_version ORDER BY 1;
SELECT count(*) AS failing_checks FROM bifrost_self_check() WHERE NOT ok;

-- something a user stored in 0.1 survives the update
SELECT bifrost_config_set('gates.state.delta.epsilon_band', '12');

ALTER EXTENSION bifrost UPDATE TO '0.2';
SELECT extversion FROM pg_extension WHERE extname = 'bifrost';

-- 0.2: the pricing functions belong to the extension and work
SELECT p.oid::regprocedure AS function, p.provolatile, p.proisstrict, p.proparallel, p.proretset,
       obj_description(p.oid, 'pg_proc') IS NOT NULL AS commented
  FROM pg_depend d JOIN pg_proc p ON p.oid = d.objid
 WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'bifrost')
   AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
   AND p.proname IN ('bifrost_bs_price', 'bifrost_bs_greeks', 'bifrost_implied_vol')
 ORDER BY p.proname;
SELECT round(bifrost_bs_price('C', 100, 100, 1, 0.05, 0, 0.2)::numeric, 4) AS price,
       round((bifrost_bs_greeks('C', 100, 100, 1, 0.05, 0, 0.2)).delta::numeric, 4) AS delta,
       round(bifrost_implied_vol('C', 10.4506, 100, 100, 1, 0.05, 0)::numeric, 4) AS iv;
SELECT version, name FROM bifrost.schema_version ORDER BY 1;
SELECT value FROM bifrost.config WHERE key = 'gates.state.delta.epsilon_band';

-- the expected schema was re-baked: it lists the new functions, and the
-- self-check finds the upgraded catalog whole
SELECT f AS expected_function
  FROM jsonb_array_elements_text(bifrost.expected_schema()->'functions') f
 WHERE f ~ 'bifrost_(bs_|implied)'
 ORDER BY 1;
SELECT count(*) AS failing_checks FROM bifrost_self_check() WHERE NOT ok;
SELECT category, name, detail FROM bifrost_self_check() WHERE NOT ok;

-- 0.2 -> 0.3: the hedger's tables and controls, the history statistics
ALTER EXTENSION bifrost UPDATE TO '0.3';
SELECT extversion FROM pg_extension WHERE extname = 'bifrost';
SELECT c.relname AS new_table
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'bifrost' AND c.relname IN ('hedger_days', 'replay_cursors') ORDER BY 1;
SELECT p.oid::regprocedure AS new_function, p.prosecdef
  FROM pg_proc p
 WHERE p.proname IN ('bifrost_flatten', 'bifrost_resume_trading', 'bifrost_history_stats')
 ORDER BY p.oid::regprocedure::text;
SELECT value FROM bifrost.config WHERE key = 'gates.state.delta.epsilon_band';
SELECT count(*) AS failing_checks FROM bifrost_self_check() WHERE NOT ok;

-- 0.3 -> 0.4: the data service
ALTER EXTENSION bifrost UPDATE TO '0.4';
SELECT extversion FROM pg_extension WHERE extname = 'bifrost';
SELECT p.oid::regprocedure AS new_function, p.provolatile, p.prosecdef
  FROM pg_proc p
 WHERE p.proname IN ('bifrost_candles', 'bifrost_candles_range', 'bifrost_latest_funding',
                     'bifrost_latest_prices', 'bifrost_candle_coverage', 'bifrost_scan_integrity')
 ORDER BY p.oid::regprocedure::text;
SELECT f AS expected_function
  FROM jsonb_array_elements_text(bifrost.expected_schema()->'functions') f
 WHERE f ~ 'bifrost_(candle|latest|scan)'
 ORDER BY 1;
SELECT value FROM bifrost.config WHERE key = 'gates.state.delta.epsilon_band';
SELECT count(*) AS failing_checks FROM bifrost_self_check() WHERE NOT ok;

-- 0.4 -> 0.5: bifrost_ingest() writes funding, prices, open interest and
-- ratios, so the operator who may call it may write those tables
SELECT t AS market_table, has_table_privilege('bifrost_operator', t, 'INSERT') AS ins
  FROM unnest(ARRAY['bifrost.funding_rates', 'bifrost.price_snapshots', 'bifrost.open_interest',
                    'bifrost.long_short_ratio']) t
 ORDER BY 1;
ALTER EXTENSION bifrost UPDATE TO '0.5';
SELECT extversion FROM pg_extension WHERE extname = 'bifrost';
SELECT t AS market_table, has_table_privilege('bifrost_operator', t, 'INSERT') AS ins,
       has_table_privilege('bifrost_operator', t, 'UPDATE') AS upd,
       has_table_privilege('bifrost_operator', t, 'DELETE') AS del,
       has_table_privilege('bifrost_reader', t, 'INSERT') AS reader_ins
  FROM unnest(ARRAY['bifrost.funding_rates', 'bifrost.price_snapshots', 'bifrost.open_interest',
                    'bifrost.long_short_ratio']) t
 ORDER BY 1;
SELECT obj_description('bifrost_ingest(text,text,text,text,timestamptz)'::regprocedure, 'pg_proc')
       LIKE '%funding_rate%long_short_ratio%' AS ingest_comment_updated;
SELECT value FROM bifrost.config WHERE key = 'gates.state.delta.epsilon_band';
SELECT count(*) AS failing_checks FROM bifrost_self_check() WHERE NOT ok;

-- 0.5 -> 0.6: security hardening; a stored leg outside the new bounds stops
-- the update, naming it, and nothing of the update is left behind
INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity)
VALUES ('NVDA', 'C', 100, '2026-12-18 21:00+00', 10), ('NVDA', 'C', 100, 'infinity', 2147483647);
ALTER EXTENSION bifrost UPDATE TO '0.6';
SELECT extversion FROM pg_extension WHERE extname = 'bifrost';
DELETE FROM bifrost.legs WHERE quantity = 2147483647;
ALTER EXTENSION bifrost UPDATE TO '0.6';
SELECT count(*) AS legs_kept FROM bifrost.legs;
DELETE FROM bifrost.legs;
SELECT extversion FROM pg_extension WHERE extname = 'bifrost';
SELECT count(*) AS failing_checks FROM bifrost_self_check() WHERE NOT ok;

-- 0.6 -> 0.7: money safety.  A 0.6 hedger took the venue's position at a
-- reconciliation without a record the ledger check can read (a risk event
-- only): the update records what no trade explains as one adjustment per
-- position, so the check starts from the ledger as it stands and an
-- operator can see (and judge) what it took.  A suspended run flag stays.
INSERT INTO bifrost.positions (exchange, symbol, side, size) VALUES ('okx', 'BTC-USDT-SWAP', 'NET', 7);
INSERT INTO bifrost.risk_events (symbol, ts, level, rule, details)
VALUES ('BTC-USDT-SWAP', '2026-11-24 15:00+00', 'warn', 'position_mismatch',
        'okx reports 7 lots of BTC-USDT-SWAP, the hedger''s book 0: the broker''s position is taken');
UPDATE bifrost.daemon_run_status SET suspended = true;
ALTER EXTENSION bifrost UPDATE TO '0.7';
SELECT extversion FROM pg_extension WHERE extname = 'bifrost';
SELECT count(*) AS failing_checks FROM bifrost_self_check() WHERE NOT ok;
SELECT category, name, detail FROM bifrost_self_check() WHERE NOT ok;
SELECT exchange, symbol, size_before, size_after, reason FROM bifrost.position_adjustments;
SELECT suspended FROM bifrost.daemon_run_status;
DELETE FROM bifrost.position_adjustments;
DELETE FROM bifrost.positions;
DELETE FROM bifrost.risk_events;

-- a fresh install at the default version (0.1 then the update scripts) has
-- the same catalog and the same expected schema as the updated one
CREATE TEMP TABLE upgraded AS
SELECT bifrost._catalog_snapshot() AS live, bifrost.expected_schema() AS expected;
SET client_min_messages = warning;
DROP EXTENSION bifrost;
CREATE EXTENSION bifrost;
RESET client_min_messages;
SELECT extversion FROM pg_extension WHERE extname = 'bifrost';
SELECT u.live = bifrost._catalog_snapshot() AS same_catalog,
       u.expected = bifrost.expected_schema() AS same_expected_schema
  FROM upgraded u;
SELECT version, name FROM bifrost.schema_version ORDER BY 1;
SELECT count(*) AS failing_checks FROM bifrost_self_check() WHERE NOT ok;
DROP TABLE upgraded;

DROP EXTENSION bifrost;
