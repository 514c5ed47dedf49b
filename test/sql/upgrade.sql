-- upgrade: bifrost 0.1 updated step by step (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9) with ALTER
-- EXTENSION ... UPDATE gets each version's objects, records each step in
-- bifrost.schema_version, and passes its self-check; a fresh install at the
-- default version, which runs its own script and not the update chain, makes
-- exactly what the chain made.  Leaves the database without the extension.
-- The roles go too (nothing else in this database uses them), so that each
-- install makes its own.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS bifrost;
DROP ROLE IF EXISTS bifrost_worker, bifrost_operator, bifrost_reader;
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

-- 0.7 -> 0.8: the backtest.  The paper broker's new fee keys are seeded
-- with their defaults and a stored key keeps its value.
SELECT bifrost_config_set('broker.paper.slippage_bps', '3');
ALTER EXTENSION bifrost UPDATE TO '0.8';
SELECT extversion FROM pg_extension WHERE extname = 'bifrost';
SELECT count(*) AS failing_checks FROM bifrost_self_check() WHERE NOT ok;
SELECT key, value FROM bifrost.config WHERE key LIKE 'broker.paper.%' ORDER BY key;
SELECT bifrost_config_set('broker.paper.slippage_bps', '1');

-- 0.8 -> 0.9: the monitoring API, the reader's and not PUBLIC's; its
-- metrics answer on the updated schema
ALTER EXTENSION bifrost UPDATE TO '0.9';
SELECT extversion FROM pg_extension WHERE extname = 'bifrost';
SELECT p.oid::regprocedure AS new_function, p.provolatile, p.prosecdef,
       has_function_privilege('bifrost_reader', p.oid, 'EXECUTE') AS reader_exec,
       has_function_privilege('public', p.oid, 'EXECUTE') AS public_exec
  FROM pg_proc p
 WHERE p.proname IN ('bifrost_metrics', 'bifrost_status_series', 'bifrost_backtest_runs', 'bifrost_backtest_equity')
 ORDER BY p.oid::regprocedure::text;
SELECT count(*) AS failing_checks FROM bifrost_self_check() WHERE NOT ok;
SELECT value AS worker_up FROM bifrost_metrics() WHERE family = 'bifrost_worker_up';

-- The fresh install at the default version against the updated one.  What
-- this test stored above goes first, so that what is left is what the
-- scripts made.
SELECT bifrost_config_set(d.key, d.value) = d.value AS default_again
  FROM bifrost._config_defaults() d WHERE d.key = 'gates.state.delta.epsilon_band';
DELETE FROM bifrost.daemon_run_status;

-- Everything an install makes, one row per object: the extension's members,
-- the tables pg_dump keeps (pg_extension_config_dump), the roles, and per
-- object its owner, ACL, comment and definition (columns with their
-- defaults, constraints, indexes, triggers, sequences, functions as
-- pg_get_functiondef prints them: body, SECURITY DEFINER, SET search_path,
-- STRICT, volatility); then the rows the scripts insert: a count per table,
-- and the configuration, version, calendar and run-flag rows themselves.
-- A function, not a view: a view would tie the extension's tables to this
-- session and keep DROP EXTENSION from running.
CREATE FUNCTION pg_temp.extension_catalog()
RETURNS TABLE (kind text, object text, definition text)
LANGUAGE sql STABLE
AS $$
SELECT 'extension', e.extname::text,
       pg_catalog.format('version %s, schema %s, relocatable %s, owner %s', e.extversion, e.extnamespace::regnamespace,
                         e.extrelocatable, pg_catalog.pg_get_userbyid(e.extowner))
  FROM pg_catalog.pg_extension e WHERE e.extname = 'bifrost'
UNION ALL
SELECT 'member', pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid), ''
  FROM pg_catalog.pg_depend d
 WHERE d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.deptype = 'e'
   AND d.refobjid = (SELECT e.oid FROM pg_catalog.pg_extension e WHERE e.extname = 'bifrost')
UNION ALL
SELECT 'pg_dump keeps', t.tab::regclass::text, coalesce(t.cond, '')
  FROM pg_catalog.pg_extension e, unnest(e.extconfig, e.extcondition) AS t(tab, cond)
 WHERE e.extname = 'bifrost'
UNION ALL
SELECT 'schema', n.nspname::text,
       pg_catalog.format('owner %s, acl %s, comment %s', pg_catalog.pg_get_userbyid(n.nspowner), n.nspacl,
                         pg_catalog.obj_description(n.oid, 'pg_namespace'))
  FROM pg_catalog.pg_namespace n WHERE n.nspname = 'bifrost'
UNION ALL
SELECT 'role', r.rolname::text,
       pg_catalog.format('login %s, super %s, inherit %s, createrole %s, createdb %s, bypassrls %s, member of %s',
                         r.rolcanlogin, r.rolsuper, r.rolinherit, r.rolcreaterole, r.rolcreatedb, r.rolbypassrls,
                         (SELECT pg_catalog.array_agg(m.roleid::regrole::text ORDER BY m.roleid::regrole::text)
                            FROM pg_catalog.pg_auth_members m WHERE m.member = r.oid))
  FROM pg_catalog.pg_roles r WHERE r.rolname LIKE 'bifrost\_%'
UNION ALL
SELECT 'relation', c.oid::regclass::text,
       pg_catalog.format('kind %s, owner %s, acl %s, options %s, comment %s', c.relkind, pg_catalog.pg_get_userbyid(c.relowner),
                         c.relacl, c.reloptions, pg_catalog.obj_description(c.oid, 'pg_class'))
  FROM pg_catalog.pg_class c WHERE c.relnamespace = 'bifrost'::regnamespace
UNION ALL
SELECT 'column', pg_catalog.format('%s.%s', a.attrelid::regclass, a.attname),
       pg_catalog.format('#%s %s%s default %s, comment %s', a.attnum, pg_catalog.format_type(a.atttypid, a.atttypmod),
                         CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END,
                         pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), pg_catalog.col_description(a.attrelid, a.attnum))
  FROM pg_catalog.pg_attribute a
  JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
  LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
 WHERE c.relnamespace = 'bifrost'::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
UNION ALL
SELECT 'constraint', pg_catalog.format('%s on %s', k.conname, k.conrelid::regclass), pg_catalog.pg_get_constraintdef(k.oid)
  FROM pg_catalog.pg_constraint k WHERE k.connamespace = 'bifrost'::regnamespace
UNION ALL
SELECT 'index', x.indexrelid::regclass::text, pg_catalog.pg_get_indexdef(x.indexrelid)
  FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class c ON c.oid = x.indrelid
 WHERE c.relnamespace = 'bifrost'::regnamespace
UNION ALL
SELECT 'trigger', pg_catalog.format('%s on %s', g.tgname, g.tgrelid::regclass), pg_catalog.pg_get_triggerdef(g.oid)
  FROM pg_catalog.pg_trigger g JOIN pg_catalog.pg_class c ON c.oid = g.tgrelid
 WHERE c.relnamespace = 'bifrost'::regnamespace AND NOT g.tgisinternal
UNION ALL
SELECT 'sequence', s.seqrelid::regclass::text,
       pg_catalog.format('%s from %s by %s, %s..%s, cache %s, cycle %s, owned by %s', s.seqtypid::regtype, s.seqstart,
                         s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
                         (SELECT pg_catalog.format('%s.%s', d.refobjid::regclass, a.attname)
                            FROM pg_catalog.pg_depend d
                            JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                           WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = s.seqrelid AND d.deptype = 'a'))
  FROM pg_catalog.pg_sequence s JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid
 WHERE c.relnamespace = 'bifrost'::regnamespace
UNION ALL
SELECT 'function', p.oid::regprocedure::text,
       pg_catalog.format('owner %s, acl %s, comment %s, %s', pg_catalog.pg_get_userbyid(p.proowner), p.proacl,
                         pg_catalog.obj_description(p.oid, 'pg_proc'), pg_catalog.pg_get_functiondef(p.oid))
  FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_proc p ON p.oid = d.objid
 WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.refclassid = 'pg_catalog.pg_extension'::regclass
   AND d.deptype = 'e' AND d.refobjid = (SELECT e.oid FROM pg_catalog.pg_extension e WHERE e.extname = 'bifrost')
UNION ALL
SELECT 'rows', c.oid::regclass::text,
       (pg_catalog.xpath('/row/n/text()', pg_catalog.query_to_xml(
            pg_catalog.format('SELECT count(*) AS n FROM %s', c.oid::regclass), false, true, '')))[1]::text
  FROM pg_catalog.pg_class c WHERE c.relnamespace = 'bifrost'::regnamespace AND c.relkind = 'r'
UNION ALL
SELECT 'row of bifrost.config', f.key, f.value::text FROM bifrost.config f
UNION ALL
SELECT 'row of bifrost.schema_version', v.version, v.name FROM bifrost.schema_version v
UNION ALL
SELECT 'row of bifrost.market_holidays', h.day::text, pg_catalog.format('%s, early close %s, %s', h.name, h.early_close, h.source)
  FROM bifrost.market_holidays h
UNION ALL
SELECT 'row of bifrost.daemon_run_status', r.id::text, pg_catalog.format('suspended %s by %s', r.suspended, r.updated_by)
  FROM bifrost.daemon_run_status r
$$;

CREATE TEMP TABLE upgraded AS SELECT * FROM pg_temp.extension_catalog();
CREATE TEMP TABLE upgraded_snapshot AS
SELECT bifrost._catalog_snapshot() AS live, bifrost.expected_schema() AS expected;
SET client_min_messages = warning;
DROP EXTENSION bifrost;
DROP ROLE bifrost_worker, bifrost_operator, bifrost_reader;
CREATE EXTENSION bifrost;
RESET client_min_messages;
SELECT extversion FROM pg_extension WHERE extname = 'bifrost';

-- what is compared, and what differs between the two: no row
SELECT kind, count(*) FROM upgraded GROUP BY kind ORDER BY kind;
(SELECT 'updated' AS install, * FROM upgraded
 EXCEPT ALL
 SELECT 'updated', * FROM pg_temp.extension_catalog())
UNION ALL
(SELECT 'fresh', * FROM pg_temp.extension_catalog()
 EXCEPT ALL
 SELECT 'fresh', * FROM upgraded)
ORDER BY kind, object, install;

-- and so the self-check's view of both: the same catalog, the same expected schema
SELECT u.live = bifrost._catalog_snapshot() AS same_catalog,
       u.expected = bifrost.expected_schema() AS same_expected_schema
  FROM upgraded_snapshot u;
SELECT version, name FROM bifrost.schema_version ORDER BY 1;
SELECT count(*) AS failing_checks FROM bifrost_self_check() WHERE NOT ok;
DROP TABLE upgraded, upgraded_snapshot;
DROP FUNCTION pg_temp.extension_catalog();

DROP EXTENSION bifrost;
