/*
 * sql/install/90_grants.sql: who may do what (the README's table, Security).
 * Nothing is granted to PUBLIC but pure arithmetic; bifrost_reader monitors,
 * bifrost_operator controls, bifrost_worker is what the workers need, and
 * the last two are members of the first.  Writes to the records go through
 * the workers or through SECURITY DEFINER functions; the secrets are for the
 * workers alone.
 */

------------------------------------------------------------------------------
-- Functions: none for PUBLIC but the pure ones.
------------------------------------------------------------------------------

-- Pricing reads no table: analysts need no bifrost role to price an option
-- (PUBLIC keeps the EXECUTE it gets by default, said here on purpose).
GRANT EXECUTE ON FUNCTION
    bifrost_bs_price(text, double precision, double precision, double precision, double precision, double precision, double precision),
    bifrost_bs_greeks(text, double precision, double precision, double precision, double precision, double precision, double precision),
    bifrost_implied_vol(text, double precision, double precision, double precision, double precision, double precision, double precision)
TO PUBLIC;

-- Every other function of the extension is its owner's unless granted below;
-- the two more that read no table either (the echo cut, the NYSE rules) keep
-- PUBLIC's EXECUTE.
DO $revoke$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN
        SELECT p.oid::regprocedure
          FROM pg_catalog.pg_depend d
          JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
          JOIN pg_catalog.pg_proc p ON p.oid = d.objid
         WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
           AND d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
           AND d.deptype = 'e' AND e.extname = 'bifrost'
           AND p.proname NOT IN ('bifrost_bs_price', 'bifrost_bs_greeks', 'bifrost_implied_vol',
                                 '_echo', '_nyse_holidays')
    LOOP
        EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
    END LOOP;
END
$revoke$;

------------------------------------------------------------------------------
-- bifrost_reader: monitoring.
------------------------------------------------------------------------------

GRANT USAGE ON SCHEMA bifrost TO bifrost_reader;

-- every table but the secrets
DO $grants$
DECLARE
    t text;
BEGIN
    FOR t IN
        SELECT c.relname
          FROM pg_catalog.pg_class c
          JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'bifrost' AND c.relkind = 'r' AND c.relname <> 'secrets'
         ORDER BY c.relname
    LOOP
        EXECUTE pg_catalog.format('GRANT SELECT ON bifrost.%I TO bifrost_reader', t);
    END LOOP;
END
$grants$;

GRANT EXECUTE ON FUNCTION
    bifrost_status(),
    bifrost_operations(timestamptz, timestamptz, text, integer),
    bifrost_history_stats(integer, text),
    bifrost_self_check(),
    bifrost_evaluate(jsonb),
    bifrost_candles(text, text, integer),
    bifrost_candles_range(text, text, timestamptz, timestamptz),
    bifrost_latest_funding(text),
    bifrost_latest_prices(text),
    bifrost_candle_coverage(text, text),
    bifrost._config_defaults(),
    bifrost.config_problems(),
    bifrost._config_number(text),
    bifrost.worker_pid(),
    bifrost.heartbeat_interval_sec(),
    bifrost._timeframes(),
    bifrost._check_symbol(text),
    bifrost._timeframe_seconds(text),
    bifrost._check_candle_limit(integer),
    bifrost._check_range(text, timestamptz, timestamptz, bigint),
    bifrost._utc_text(timestamptz),
    bifrost._catalog_snapshot(),
    bifrost._schema_problems(jsonb, jsonb),
    bifrost._is_preloaded(),
    bifrost._worker_processes(),
    bifrost._leg_checks(),
    bifrost._ledger_checks(),
    bifrost._backtest_worker_alive(integer),
    bifrost_backtest_compare(bigint[]),
    bifrost_metrics(),
    bifrost_status_series(timestamptz, timestamptz, integer),
    bifrost_backtest_runs(integer),
    bifrost_backtest_equity(bigint, integer),
    bifrost._check_max_points(integer),
    bifrost._time_buckets(timestamptz, timestamptz, integer)
TO bifrost_reader;
GRANT SELECT ON bifrost.backtest_sweep_progress TO bifrost_reader;

------------------------------------------------------------------------------
-- bifrost_operator: control, the configuration (through bifrost_config_set),
-- the book and its inputs, ingestion on demand.
------------------------------------------------------------------------------

GRANT EXECUTE ON FUNCTION
    bifrost_config_set(text, jsonb),
    bifrost_start(),
    bifrost_stop(),
    bifrost_suspend(),
    bifrost_resume(),
    bifrost_retry_broker(),
    bifrost_flatten(),
    bifrost_resume_trading(),
    bifrost_scan_integrity(text, text, timestamptz, timestamptz),
    bifrost_ingest(text, text, text, text, timestamptz),
    bifrost_backtest(jsonb, timestamptz, timestamptz, text),
    bifrost_backtest_sweep(jsonb, jsonb, timestamptz, timestamptz, text)
TO bifrost_operator;
-- bifrost_backtest() runs with the caller's rights and records its runs in
-- these; so do the workers of bifrost_backtest_sweep(), as the caller's role
GRANT INSERT, UPDATE ON bifrost.backtest_runs TO bifrost_operator;
GRANT INSERT ON
    bifrost.backtest_decisions, bifrost.backtest_orders, bifrost.backtest_positions, bifrost.backtest_equity,
    bifrost.backtest_ticks
TO bifrost_operator;
GRANT DELETE ON
    bifrost.backtest_runs, bifrost.backtest_decisions, bifrost.backtest_orders, bifrost.backtest_positions,
    bifrost.backtest_equity, bifrost.backtest_ticks
TO bifrost_operator;
GRANT USAGE ON SEQUENCE
    bifrost.backtest_runs_id_seq, bifrost.backtest_decisions_id_seq, bifrost.backtest_orders_id_seq,
    bifrost.backtest_positions_id_seq, bifrost.backtest_ticks_id_seq, bifrost.backtest_sweep_id_seq
TO bifrost_operator;

GRANT INSERT, UPDATE, DELETE ON bifrost.legs, bifrost.ticks, bifrost.market_holidays TO bifrost_operator;
GRANT USAGE ON SEQUENCE bifrost.legs_id_seq, bifrost.ticks_id_seq TO bifrost_operator;
-- delete a replay cursor to replay from the start
GRANT DELETE ON bifrost.replay_cursors TO bifrost_operator;
-- bifrost_ingest() runs with the caller's rights and writes these
GRANT INSERT, UPDATE ON
    bifrost.market_data, bifrost.ingestion_runs, bifrost.funding_rates, bifrost.price_snapshots,
    bifrost.open_interest, bifrost.long_short_ratio
TO bifrost_operator;
GRANT USAGE ON SEQUENCE
    bifrost.market_data_id_seq, bifrost.ingestion_runs_id_seq, bifrost.funding_rates_id_seq,
    bifrost.price_snapshots_id_seq, bifrost.open_interest_id_seq, bifrost.long_short_ratio_id_seq
TO bifrost_operator;

------------------------------------------------------------------------------
-- bifrost_worker: what the workers need when they run as bifrost.role
-- instead of the bootstrap superuser: reading every table (the secrets
-- included), writing the ones they record into, and the sequences; the
-- configuration, the legs, the ticks and the secrets stay read-only; no DDL,
-- no ownership, nothing outside the schema.
------------------------------------------------------------------------------

GRANT SELECT ON ALL TABLES IN SCHEMA bifrost TO bifrost_worker;
GRANT INSERT, UPDATE ON
    bifrost.daemon_heartbeat, bifrost.status_current, bifrost.status_history,
    bifrost.decisions, bifrost.operations, bifrost.orders, bifrost.order_lifecycle_events,
    bifrost.trades, bifrost.positions, bifrost.risk_events, bifrost.hedger_days,
    bifrost.replay_cursors, bifrost.market_data, bifrost.ingestion_runs, bifrost.funding_rates,
    bifrost.price_snapshots, bifrost.open_interest, bifrost.long_short_ratio
TO bifrost_worker;
-- settlements and adjustments are written once and never changed
GRANT INSERT ON bifrost.leg_settlements, bifrost.position_adjustments TO bifrost_worker;
-- the result of a command
GRANT UPDATE ON bifrost.daemon_control TO bifrost_worker;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA bifrost TO bifrost_worker;
