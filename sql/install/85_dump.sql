/*
 * sql/install/85_dump.sql: what pg_dump keeps of the extension's tables
 * (pg_extension_config_dump); a table not named here is left out of a dump.
 *
 * Kept: everything users and the workers accumulate or that carries state:
 * the configuration, the legs and ticks, the status history, the ledger
 * (operations, orders, fills, positions and their adjustments, settlements),
 * market data, decisions, backtests, the operator's run flag (a suspension,
 * a flatten), the day's start equity behind the loss breaker and the replay
 * feed's position; without the last three a restored hedger would hedge
 * again, start a fresh day and replay every tick.  With each table the
 * sequence behind its serial column, so restored ids and new ones never
 * collide.
 *
 * Left out: status_current and daemon_heartbeat, which the worker rewrites
 * at its first heartbeat; schema_version, which the install writes;
 * bifrost.secrets, on purpose (enter the keys again after a restore).
 * test/sql/dump.sql lists every table of the schema as kept or left out.
 */

DO $dump$
DECLARE
    t   text;
    seq regclass;
BEGIN
    FOREACH t IN ARRAY ARRAY[
        'config', 'legs', 'ticks', 'status_history', 'operations',
        'market_data', 'funding_rates', 'price_snapshots', 'open_interest', 'long_short_ratio',
        'prompt_versions', 'model_versions', 'llm_runs', 'decisions',
        'orders', 'order_lifecycle_events', 'trades', 'positions', 'position_snapshots', 'balances', 'risk_events',
        'backtest_configs', 'backtest_runs', 'backtest_results', 'backtest_orders', 'backtest_positions',
        'backtest_decisions', 'backtest_ticks', 'backtest_equity', 'ingestion_runs', 'candle_integrity_events',
        'leg_settlements', 'position_adjustments', 'daemon_run_status', 'hedger_days', 'replay_cursors']
    LOOP
        PERFORM pg_catalog.pg_extension_config_dump(pg_catalog.format('bifrost.%I', t)::regclass, '');
        FOR seq IN
            SELECT d.objid::regclass
              FROM pg_catalog.pg_depend d
              JOIN pg_catalog.pg_class s ON s.oid = d.objid AND s.relkind = 'S'
             WHERE d.classid = 'pg_catalog.pg_class'::regclass
               AND d.refobjid = pg_catalog.format('bifrost.%I', t)::regclass
               AND d.deptype = 'a'
        LOOP
            PERFORM pg_catalog.pg_extension_config_dump(seq, '');
        END LOOP;
    END LOOP;
END
$dump$;

-- Commands not yet consumed are left out, so a restore never replays an old
-- stop; the rules' rows of the calendar come back with the extension, the
-- rows users added with the dump.
SELECT pg_catalog.pg_extension_config_dump('bifrost.daemon_control', 'WHERE consumed_at IS NOT NULL');
SELECT pg_catalog.pg_extension_config_dump('bifrost.daemon_control_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('bifrost.market_holidays', 'WHERE source = ''user''');
