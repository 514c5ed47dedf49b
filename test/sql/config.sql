-- config: bifrost.config filled from the built-in defaults, and
-- bifrost_config_set() with good and bad values.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS bifrost;
RESET client_min_messages;

-- every key is installed at its built-in default, and the defaults are valid
SELECT count(*) > 0 AS has_keys,
       count(*) = (SELECT count(*) FROM bifrost._config_defaults()) AS all_defaults
  FROM bifrost.config;
SELECT c.key FROM bifrost.config c JOIN bifrost._config_defaults() d USING (key)
 WHERE c.value IS DISTINCT FROM d.value;
SELECT * FROM bifrost.config_problems();
SELECT key, value FROM bifrost.config
 WHERE key IN ('symbol', 'gates.state.delta.epsilon_band', 'gates.state.delta.threshold_hedge_shares',
               'gates.state.system.data_lag_threshold_ms', 'gates.guard.risk.max_daily_loss_usd',
               'gates.guard.risk.max_daily_hedge_count', 'gates.guard.risk.max_spread_pct')
 ORDER BY key;

------------------------------------------------------------------------------
-- good values: stored and returned
------------------------------------------------------------------------------
SELECT bifrost_config_set('gates.state.delta.epsilon_band', '12');
SELECT bifrost_config_set('gates.state.delta.threshold_hedge_shares', '40.5');
SELECT bifrost_config_set('hedge_to', '"band_edge"');
SELECT bifrost_config_set('gates.guard.risk.max_spread_pct', '0.8');
SELECT bifrost_config_set('gates.guard.risk.max_spread_pct', 'null');
SELECT bifrost_config_set('gates.strategy.earnings.dates', '["2026-02-25", "2026-05-27"]');
SELECT bifrost_config_set('day_roll_tz', '"UTC"');
SELECT key, value, updated_by = session_user AS by_me
  FROM bifrost.config
 WHERE key IN ('gates.state.delta.epsilon_band', 'gates.state.delta.threshold_hedge_shares', 'hedge_to',
               'gates.guard.risk.max_spread_pct', 'gates.strategy.earnings.dates', 'day_roll_tz')
 ORDER BY key;
SELECT * FROM bifrost.config_problems();

------------------------------------------------------------------------------
-- bad values: 22023 naming the key, nothing stored
------------------------------------------------------------------------------
-- unknown key
SELECT bifrost_config_set('gates.state.delta.epsilon', '10');
SELECT bifrost_config_set('', '1');
-- wrong type
SELECT bifrost_config_set('gates.state.delta.epsilon_band', '"ten"');
SELECT bifrost_config_set('strategy_enabled', '1');
SELECT bifrost_config_set('symbol', '{"ticker": "NVDA"}');
SELECT bifrost_config_set('gates.guard.risk.max_daily_hedge_count', '50.5');
-- out of range
SELECT bifrost_config_set('greeks.volatility', '0');
SELECT bifrost_config_set('greeks.volatility', '10.5');
SELECT bifrost_config_set('gates.intent.hedge.cooldown_seconds', '-1');
SELECT bifrost_config_set('broker.paper.reject_rate', '1.5');
-- null where the key cannot be switched off
SELECT bifrost_config_set('gates.guard.risk.max_daily_loss_usd', 'null');
-- not one of the choices, not a time zone, not a date
SELECT bifrost_config_set('hedge_to', '"half"');
SELECT bifrost_config_set('day_roll_tz', '"Mars/Olympus_Mons"');
SELECT bifrost_config_set('gates.strategy.earnings.dates', '["2026-02-30"]');
-- cross-key rule: the hedge threshold may not lie inside the no-trade band
SELECT bifrost_config_set('gates.state.delta.threshold_hedge_shares', '5');
SELECT bifrost_config_set('gates.state.delta.epsilon_band', '50');

CREATE FUNCTION pg_temp.sqlstate_of(cmd text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE cmd;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE;
END
$$;
SELECT cmd, pg_temp.sqlstate_of(cmd) AS sqlstate
  FROM (VALUES ('SELECT bifrost_config_set(''gates.state.delta.epsilon'', ''10'')'),
               ('SELECT bifrost_config_set(''gates.state.delta.epsilon_band'', ''"ten"'')'),
               ('SELECT bifrost_config_set(''greeks.volatility'', ''10.5'')'),
               ('SELECT bifrost_config_set(''gates.state.delta.threshold_hedge_shares'', ''5'')')) v(cmd);

-- the failed calls changed nothing
SELECT key, value FROM bifrost.config
 WHERE key IN ('gates.state.delta.epsilon_band', 'gates.state.delta.threshold_hedge_shares', 'greeks.volatility',
               'hedge_to', 'day_roll_tz')
 ORDER BY key;
SELECT count(*) AS rows_for_unknown_key FROM bifrost.config WHERE key = 'gates.state.delta.epsilon';

------------------------------------------------------------------------------
-- what the hedger would refuse is refused here: the same judgement
------------------------------------------------------------------------------
-- 64 earnings dates fit the engine, 65 do not
SELECT jsonb_array_length(bifrost_config_set('gates.strategy.earnings.dates',
         (SELECT jsonb_agg(to_char(date '2010-01-15' + make_interval(months => 3 * i), 'YYYY-MM-DD'))
            FROM generate_series(0, 63) i))) AS dates_stored;
SELECT bifrost_config_set('gates.strategy.earnings.dates',
         (SELECT jsonb_agg(to_char(date '2010-01-15' + make_interval(months => 3 * i), 'YYYY-MM-DD'))
            FROM generate_series(0, 64) i));
SELECT bifrost_config_set('gates.strategy.earnings.dates', '[]');
-- a POSIX zone specification is no zone of the tz database (bifrost_history_stats refuses it too)
SELECT bifrost_config_set('day_roll_tz', '"<+99>-99"');
SELECT bifrost_config_set('day_roll_tz', '"utc"');
SELECT bifrost_config_set('day_roll_tz', '"EST5EDT"');
SELECT bifrost_config_set('day_roll_tz', '"America/New_York"');
-- strings fit the worker's buffers: 63 bytes, not 64
SELECT length(bifrost_config_set('symbol', to_jsonb(repeat('S', 63))) #>> '{}') AS symbol_length;
SELECT bifrost_config_set('symbol', to_jsonb(repeat('S', 64)));
SELECT bifrost_config_set('symbol', '"NVDA"');
-- NULL is no value: an error, not a silent no-op
SELECT bifrost_config_set(NULL, '1');
SELECT bifrost_config_set('feed.sim.spot', NULL);
SELECT bifrost_config_set(NULL, NULL);
-- a huge key or value is repeated by its first 64 characters only
SELECT bifrost_config_set(repeat('k', 1048576), '1');
SELECT bifrost_config_set('symbol', to_jsonb(repeat('v', 1048576)));
SELECT bifrost_config_set('hedge_to', to_jsonb(repeat('v', 1048576)));
SELECT bifrost_config_set(repeat('k', 1048576), NULL);

-- a row damaged behind the validator's back (a superuser UPDATE) is a
-- problem for the self-check and a red lamp in bifrost_status()
BEGIN;
UPDATE bifrost.config SET value = (SELECT jsonb_agg('2030-01-0' || (1 + i % 9)) FROM generate_series(0, 64) i)
 WHERE key = 'gates.strategy.earnings.dates';
UPDATE bifrost.config SET value = '"<+99>-99"' WHERE key = 'day_roll_tz';
SELECT * FROM bifrost.config_problems();
SELECT bifrost_status()->'block_reasons' ? 'config_invalid' AS config_invalid;
SELECT name, ok, detail FROM bifrost_self_check() WHERE category = 'config' ORDER BY name;
ROLLBACK;
SELECT bifrost_status()->'block_reasons' ? 'config_invalid' AS config_invalid;

------------------------------------------------------------------------------
-- roles: operators set, readers only read
------------------------------------------------------------------------------
BEGIN;
SET LOCAL ROLE bifrost_operator;
SELECT bifrost_config_set('feed.sim.spot', '250');
ROLLBACK;
BEGIN;
SET LOCAL ROLE bifrost_reader;
SELECT value FROM bifrost.config WHERE key = 'feed.sim.spot';
SELECT bifrost_config_set('feed.sim.spot', '250');
ROLLBACK;
BEGIN;
SET LOCAL ROLE bifrost_operator;
UPDATE bifrost.config SET value = '250' WHERE key = 'feed.sim.spot';
ROLLBACK;

------------------------------------------------------------------------------
-- restore path: inserting a key that exists updates it (pg_restore of a dump
-- loads bifrost.config over the rows CREATE EXTENSION wrote)
------------------------------------------------------------------------------
BEGIN;
INSERT INTO bifrost.config (key, value, updated_by) VALUES ('symbol', '"AAPL"', 'restore');
SELECT key, value, updated_by FROM bifrost.config WHERE key = 'symbol';
SELECT count(*) = (SELECT count(*) FROM bifrost._config_defaults()) AS still_one_row_per_key FROM bifrost.config;
ROLLBACK;

-- back to the defaults
UPDATE bifrost.config c SET value = d.value FROM bifrost._config_defaults() d WHERE c.key = d.key;
SELECT count(*) AS problems FROM bifrost.config_problems();
