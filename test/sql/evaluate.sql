-- evaluate: bifrost_evaluate(input jsonb), one decision step of the engine,
-- with good and bad input, and the market calendar it reads.
-- Times are explicit, so the output does not depend on when the test runs.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS bifrost;
RESET client_min_messages;

-- A helper that prints the decision's headline fields in one row.
CREATE FUNCTION pg_temp.decide(input jsonb)
RETURNS TABLE(net_delta numeric, gamma numeric, dims text, next_state text,
              intent text, block_reason text)
LANGUAGE sql AS $$
    SELECT round((r->>'net_delta')::numeric, 4), round((r->>'gamma')::numeric, 4),
           concat_ws(' ', r->>'O', r->>'D', r->>'M', r->>'L', r->>'E', r->>'S'),
           r->>'next_state',
           CASE WHEN r->'intent' = 'null' THEN NULL
                ELSE concat_ws(' ', r->'intent'->>'side', r->'intent'->>'qty',
                               CASE WHEN (r->'intent'->>'force')::boolean THEN 'force' END) END,
           r->>'block_reason'
      FROM bifrost_evaluate(input) r
$$;

-- A tuesday 11:00 in New York, a fresh quote, one long 28-day ATM straddle
-- at S = K = 500, sigma 35 %, r 5 %, q 0: +7.0153 shares of delta and
-- gamma 1.6398 (bifrost_bs_greeks at these inputs).
CREATE TEMP TABLE base AS SELECT jsonb_build_object(
    'now', '2026-11-24 11:00:00 America/New_York',
    'quote', jsonb_build_object('bid', 499.95, 'ask', 500.05, 'ts', '2026-11-24 11:00:00 America/New_York'),
    'spot', 500,
    'legs', jsonb_build_array(
        jsonb_build_object('option_right', 'C', 'strike', 500, 'quantity', 1,
                           'expiry', extract(epoch FROM timestamptz '2026-11-24 11:00:00 America/New_York') + 28 * 86400),
        jsonb_build_object('option_right', 'put', 'strike', 500, 'quantity', 1,
                           'expiry', extract(epoch FROM timestamptz '2026-11-24 11:00:00 America/New_York') + 28 * 86400)),
    'config', jsonb_build_object('greeks.volatility', 0.35)) AS input;

SELECT * FROM pg_temp.decide((SELECT input FROM base));

-- every output key is there
SELECT string_agg(k, ' ' ORDER BY k) AS keys
  FROM jsonb_object_keys(bifrost_evaluate((SELECT input FROM base))) k;
SELECT string_agg(k || '=' || v, ' ' ORDER BY k) AS guards
  FROM jsonb_each_text(bifrost_evaluate((SELECT input FROM base))->'guards') AS g(k, v);

-- the straddle's delta sits between the band (10) and the threshold (25): D1,
-- no intent; ten straddles: D2, SELL 70
SELECT * FROM pg_temp.decide((SELECT input FROM base)
    || jsonb_build_object('legs', (SELECT jsonb_agg(l || '{"quantity": 10}') FROM base, jsonb_array_elements(input->'legs') l)));

-- what-if greeks replace the book; the threshold is inclusive (25 is D2)
SELECT d.delta, r.*
  FROM (VALUES (24.999), (25), (25.001), (-25), (499.999), (500), (-600)) AS d(delta),
       LATERAL pg_temp.decide((SELECT input FROM base) - 'legs'
            || jsonb_build_object('greeks', jsonb_build_object('net_delta', d.delta, 'gamma', 1))) r;

-- hedge to the band edge; the per-order cap; max_net_delta_shares forces D3
SELECT * FROM pg_temp.decide((SELECT input FROM base) - 'legs'
    || '{"greeks": {"net_delta": 60, "gamma": 1}, "config": {"hedge_to": "band_edge"}}');
SELECT * FROM pg_temp.decide((SELECT input FROM base) - 'legs'
    || '{"greeks": {"net_delta": 900, "gamma": 1}, "config": {"gates.intent.hedge.max_hedge_shares_per_order": 300}}');
SELECT * FROM pg_temp.decide((SELECT input FROM base) - 'legs'
    || '{"greeks": {"net_delta": 100, "gamma": 1}, "config": {"gates.guard.risk.max_net_delta_shares": 80},
         "last_hedge": {"price": 500, "ts": "2026-11-24 10:59:50 America/New_York"}}');

-- the gates, in the order src/engine/guards.c checks them: each input trips one
SELECT c.gate, (bifrost_evaluate((SELECT input FROM base) - 'legs' || '{"greeks": {"net_delta": 60, "gamma": 1}}' || c.patch)) ->> 'block_reason' AS block_reason
  FROM (VALUES
    ('breaker',   '{"daily_pnl": -5000}'::jsonb),
    ('not yet',   '{"daily_pnl": -4999.99}'),
    ('weekend',   '{"now": "2026-11-28 11:00 America/New_York", "quote": {"bid": 499.95, "ask": 500.05, "ts": "2026-11-28 11:00 America/New_York"}}'),
    ('holiday',   '{"now": "2026-11-26 11:00 America/New_York", "quote": {"bid": 499.95, "ask": 500.05, "ts": "2026-11-26 11:00 America/New_York"}}'),
    ('half day',  '{"now": "2026-11-27 13:30 America/New_York", "quote": {"bid": 499.95, "ask": 500.05, "ts": "2026-11-27 13:30 America/New_York"}}'),
    ('preopen',   '{"now": "2026-11-24 09:29:59 America/New_York", "quote": {"bid": 499.95, "ask": 500.05, "ts": "2026-11-24 09:29:59 America/New_York"}}'),
    ('open',      '{"now": "2026-11-24 09:30:00 America/New_York", "quote": {"bid": 499.95, "ask": 500.05, "ts": "2026-11-24 09:30:00 America/New_York"}}'),
    ('close',     '{"now": "2026-11-24 16:00:00 America/New_York", "quote": {"bid": 499.95, "ask": 500.05, "ts": "2026-11-24 16:00:00 America/New_York"}}'),
    ('rth off',   '{"now": "2026-11-28 11:00 America/New_York", "quote": {"bid": 499.95, "ask": 500.05, "ts": "2026-11-28 11:00 America/New_York"}, "config": {"gates.strategy.trading_hours_only": false}}'),
    ('earnings',  '{"config": {"gates.strategy.earnings.dates": ["2026-11-26"]}}'),
    ('earnings+', '{"config": {"gates.strategy.earnings.dates": ["2026-11-20"]}}'),
    ('cooldown',  '{"last_hedge": {"price": 490, "ts": "2026-11-24 10:59:01 America/New_York"}}'),
    ('cooled',    '{"last_hedge": {"price": 490, "ts": "2026-11-24 10:59:00 America/New_York"}}'),
    ('count',     '{"daily_hedge_count": 50}'),
    ('position',  '{"stock_position": -1950}'),
    ('spread',    '{"config": {"gates.guard.risk.max_spread_pct": 0.01}}'),
    ('price move','{"last_hedge": {"price": 499.5, "ts": "2026-11-24 10:00 America/New_York"}}'),
    ('min size',  '{"greeks": {"net_delta": 30, "gamma": 1}, "config": {"gates.intent.hedge.min_hedge_shares": 31}}'),
    ('in flight', '{"pending_hedge_qty": -20}'),
    ('suspended', '{"suspended": true}'),
    ('stale',     '{"quote": {"bid": 499.95, "ask": 500.05, "ts": "2026-11-24 10:59:58.999 America/New_York"}}'),
    ('no quote',  '{"quote": null}')
  ) AS c(gate, patch);

-- the trading state machine: a few events
SELECT e.state, e.event, bifrost_evaluate((SELECT input FROM base) || jsonb_build_object('state', e.state, 'event', e.event)) ->> 'next_state' AS next_state
  FROM (VALUES ('BOOT', 'start'), ('SYNC', 'synced'), ('IDLE', 'tick'), ('ARMED', 'tick'),
               ('NEED_HEDGE', 'target_emitted'), ('HEDGING', 'hedge_done'), ('HEDGING', 'hedge_failed'),
               ('MONITOR', 'broker_down'), ('SAFE', 'manual_resume'), ('SAFE', 'tick'),
               ('monitor', 'TICK')) AS e(state, event);
-- SAFE recovers by itself once faults have been clear for safe_recovery_sec (5 s)
SELECT f.since, bifrost_evaluate((SELECT input FROM base) || jsonb_build_object('state', 'SAFE', 'faults_clear_since', f.since)) ->> 'next_state' AS next_state
  FROM (VALUES ('2026-11-24 10:59:55.001 America/New_York'), ('2026-11-24 10:59:55 America/New_York')) AS f(since);
-- without a broker: E3, SAFE
SELECT * FROM pg_temp.decide((SELECT input FROM base) || '{"broker_connected": false}');
SELECT * FROM pg_temp.decide((SELECT input FROM base) || '{"execution_state": "E4"}');

-- the stored configuration is the default; overrides do not change it
SELECT (bifrost_evaluate((SELECT input FROM base) - 'legs' || '{"greeks": {"net_delta": 20}, "config": {"gates.state.delta.threshold_hedge_shares": 15}}'))->>'D' AS d_with_override;
SELECT value FROM bifrost.config WHERE key = 'gates.state.delta.threshold_hedge_shares';
SELECT bifrost_config_set('gates.state.delta.threshold_hedge_shares', '15');
SELECT (bifrost_evaluate((SELECT input FROM base) - 'legs' || '{"greeks": {"net_delta": 20}}'))->>'D' AS d_with_stored;
SELECT bifrost_config_set('gates.state.delta.threshold_hedge_shares', '25');

-- defaults: an empty input is a tick in MONITOR without quote: SAFE
SELECT bifrost_evaluate('{}')->>'next_state' AS empty_input, bifrost_evaluate('{}')->>'L' AS l;

-- expired legs count nothing
SELECT r->>'net_delta' AS net_delta, r->>'legs_active' AS active, r->>'legs_expired' AS expired
  FROM bifrost_evaluate((SELECT input FROM base) || '{"legs": [{"option_right": "C", "strike": 500, "quantity": 3, "expiry": "2026-11-24 10:00 America/New_York"}]}') r;

-- delta without gamma is hedged: a synthetic forward (long 10 calls, short 10
-- puts at 500) is +1,000 shares and zero gamma (O0); it arms and hedges
SELECT s.state, r.*
  FROM (VALUES ('MONITOR'), ('IDLE'), ('ARMED')) AS s(state),
       LATERAL pg_temp.decide((SELECT input FROM base) || jsonb_build_object('state', s.state,
            'legs', (SELECT jsonb_agg(l || jsonb_build_object('quantity', CASE l->>'option_right' WHEN 'C' THEN 10 ELSE -10 END))
                       FROM base, jsonb_array_elements(input->'legs') l))) r;
-- no legs, a hedge position left: the position is the delta, hedged; with
-- nothing at all to hedge the machine stays IDLE
SELECT p.state, p.stock_position, r.*
  FROM (VALUES ('MONITOR', -1000), ('IDLE', -1000), ('MONITOR', 40), ('MONITOR', 0), ('IDLE', 0)) AS p(state, stock_position),
       LATERAL pg_temp.decide((SELECT input FROM base) - 'legs'
            || jsonb_build_object('state', p.state, 'stock_position', p.stock_position)) r;

-- sizes round half to even (src/engine/sizing.c): 26.5 -> 26, 27.5 -> 28
SELECT d.delta, r.intent
  FROM (VALUES (26.5), (27.5), (40.5), (-26.5), (-27.5), (26.500001)) AS d(delta),
       LATERAL pg_temp.decide((SELECT input FROM base) - 'legs'
            || jsonb_build_object('greeks', jsonb_build_object('net_delta', d.delta, 'gamma', 1))) r;

-- a venue that counts in lots: one lot of BTC-USDT-SWAP is 0.0001 BTC, so a
-- synthetic forward of 100 BTC is 1,000,000 lots; sanity is judged on value
-- (100 BTC x 60,000 = 6e6, far below the 1e10 limit): hedged, capped at
-- max_hedge_shares_per_order
CREATE TEMP TABLE btc AS SELECT jsonb_build_object(
    'now', '2026-11-24 11:00:00 America/New_York',
    'quote', jsonb_build_object('bid', 59999, 'ask', 60001),
    'units_per_lot', 0.0001,
    'legs', jsonb_build_array(
        jsonb_build_object('option_right', 'C', 'strike', 60000, 'quantity', 100, 'multiplier', 1,
                           'expiry', '2026-12-25 08:00+00'),
        jsonb_build_object('option_right', 'P', 'strike', 60000, 'quantity', -100, 'multiplier', 1,
                           'expiry', '2026-12-25 08:00+00')),
    'config', jsonb_build_object('greeks.dividend_yield', 0)) AS input;
SELECT * FROM pg_temp.decide((SELECT input FROM btc));
SELECT (r->>'greeks_valid') AS greeks_valid, r->>'option_delta' AS option_delta_lots
  FROM bifrost_evaluate((SELECT input FROM btc)) r;
-- the same book counted in BTC (units_per_lot 1): 100
SELECT * FROM pg_temp.decide((SELECT input FROM btc) || '{"units_per_lot": 1}');
-- what-if greeks in lots: 1e10 of value is the limit, beyond it the greeks are bad
SELECT d.lots, r.*
  FROM (VALUES (1e6), (1666666666), (1666666667)) AS d(lots),
       LATERAL pg_temp.decide((SELECT input FROM btc) - 'legs'
            || jsonb_build_object('greeks', jsonb_build_object('net_delta', d.lots))) r;
SELECT bifrost_evaluate('{"units_per_lot": 0}');
SELECT bifrost_evaluate('{"units_per_lot": -1}');
SELECT bifrost_evaluate('{"units_per_lot": "tiny"}');
SELECT bifrost_evaluate('{"units_per_lot": 1e300}');
-- a spot book whose lot is 1e-8 BTC (OKX BTC-USDT): 15 BTC held is 1.5e9
-- lots and a 100 BTC option 1e10 lots; the domain bounds them in BTC, so
-- the book is decided, not refused (the worker would read it as no quote)
SELECT * FROM pg_temp.decide((SELECT input FROM btc) || jsonb_build_object(
    'units_per_lot', 1e-8, 'stock_position', 1.5e9,
    'legs', jsonb_build_array(jsonb_build_object('option_right', 'C', 'strike', 60000, 'quantity', 1,
                                                 'multiplier', 100, 'expiry', '2026-12-25 08:00+00'))));
-- beyond 1e9 BTC it is refused
SELECT bifrost_evaluate((SELECT input FROM btc) || '{"units_per_lot": 1e-8, "stock_position": 1.00000001e17}');

-- a quote from the future: up to data_lag_threshold_ms (1000 ms) ahead is
-- clock skew, further ahead it is suspect (S2, SAFE)
SELECT f.ahead, r.dims, r.next_state,
       (bifrost_evaluate((SELECT input FROM base) || jsonb_build_object('quote', jsonb_build_object(
            'bid', 499.95, 'ask', 500.05, 'ts', timestamptz '2026-11-24 11:00:00 America/New_York' + f.ahead::interval))))->>'data_lag_ms' AS data_lag_ms
  FROM (VALUES ('1 s'), ('1.001 s'), ('1 hour')) AS f(ahead),
       LATERAL pg_temp.decide((SELECT input FROM base) || jsonb_build_object('quote', jsonb_build_object(
            'bid', 499.95, 'ask', 500.05, 'ts', timestamptz '2026-11-24 11:00:00 America/New_York' + f.ahead::interval))) r;

------------------------------------------------------------------------------
-- bad input: 22023 naming the key
------------------------------------------------------------------------------
\set VERBOSITY default
SELECT bifrost_evaluate('[]');
SELECT bifrost_evaluate('{"stat": "MONITOR"}');
SELECT bifrost_evaluate('{"state": "RUNNING"}');
SELECT bifrost_evaluate('{"state": 5}');
SELECT bifrost_evaluate('{"event": "explode"}');
SELECT bifrost_evaluate('{"now": "yesterday-ish"}');
SELECT bifrost_evaluate('{"now": true}');
SELECT bifrost_evaluate('{"quote": {"bid": 101, "ask": 100}}');
SELECT bifrost_evaluate('{"quote": {"bid": -1, "ask": 100}}');
SELECT bifrost_evaluate('{"quote": {"bid": "NaN", "ask": 100}}');
SELECT bifrost_evaluate('{"quote": {"bid": 99}}');
SELECT bifrost_evaluate('{"quote": {"bid": 99, "ask": 100, "size": 5}}');
SELECT bifrost_evaluate('{"quote": [99, 100]}');
SELECT bifrost_evaluate('{"spot": -5}');
SELECT bifrost_evaluate('{"spot": 1e400}');
SELECT bifrost_evaluate('{"legs": {}}');
SELECT bifrost_evaluate('{"legs": [5]}');
SELECT bifrost_evaluate('{"legs": [{"option_right": "X", "strike": 1, "quantity": 1, "expiry": 0}]}');
SELECT bifrost_evaluate('{"legs": [{"option_right": "C", "strike": 100, "quantity": 1, "expiry": "2027-01-01"}, {"option_right": "C", "strike": 0, "quantity": 1, "expiry": "2027-01-01"}]}');
SELECT bifrost_evaluate('{"legs": [{"option_right": "C", "strike": 100, "quantity": 1}]}');
SELECT bifrost_evaluate('{"legs": [{"option_right": "C", "strike": 100, "quantity": 1, "expiry": "2027-01-01", "implied_vol": -0.2}]}');
SELECT bifrost_evaluate('{"legs": [{"option_right": "C", "strike": 100, "quantity": 1, "expiry": "2027-01-01", "multiplier": 0}]}');
SELECT bifrost_evaluate('{"greeks": {"gamma": 1}}');
SELECT bifrost_evaluate('{"greeks": {"net_delta": 1, "valid": "yes"}}');
SELECT bifrost_evaluate('{"last_hedge": {"price": -3}}');
SELECT bifrost_evaluate('{"daily_hedge_count": 2.5}');
SELECT bifrost_evaluate('{"daily_hedge_count": -1}');
SELECT bifrost_evaluate('{"execution_state": "E9"}');
SELECT bifrost_evaluate('{"broker_connected": "false"}');
SELECT bifrost_evaluate('{"config": {"gates.state.delta.threshold_hedge_shares": 5}}');
SELECT bifrost_evaluate('{"config": {"no.such.key": 5}}');
SELECT bifrost_evaluate('{"config": {"greeks.volatility": "high"}}');
SELECT bifrost_evaluate('{"config": []}');
SELECT bifrost_evaluate(NULL) IS NULL AS strict;
-- instants outside timestamptz's range are refused naming their key (22023)
SELECT bifrost_evaluate('{"now": 1e300}');
SELECT bifrost_evaluate('{"now": -1e300}');
SELECT bifrost_evaluate('{"now": 9224318016000}');
SELECT bifrost_evaluate('{"now": "2026-01-05 15:00+00", "last_hedge": {"price": 100, "ts": 1e300}}');
SELECT bifrost_evaluate('{"now": "2026-01-05 15:00+00", "faults_clear_since": "infinity"}');
-- finite values beyond the domain of a step are refused naming their key,
-- never answered with null figures
SELECT bifrost_evaluate('{"spot": 1e300}');
SELECT bifrost_evaluate('{"quote": {"bid": 1e-300, "ask": 1}}');
SELECT bifrost_evaluate('{"stock_position": -1e300}');
SELECT bifrost_evaluate('{"pending_hedge_qty": 1000000001}');
SELECT bifrost_evaluate('{"daily_pnl": 1e300}');
SELECT bifrost_evaluate('{"greeks": {"net_delta": 1e300}}');
SELECT bifrost_evaluate('{"prices": [100, 1e300]}');
SELECT bifrost_evaluate('{"now": "2026-01-05 15:00+00", "spot": 100, "legs": [{"option_right": "C", "strike": 1e300, "expiry": "2026-02-20 16:00+00", "quantity": 1}]}');
SELECT bifrost_evaluate('{"now": "2026-01-05 15:00+00", "spot": 100, "legs": [{"option_right": "C", "strike": 100, "expiry": "2026-02-20 16:00+00", "quantity": 1e300}]}');
SELECT bifrost_evaluate('{"now": "2026-01-05 15:00+00", "spot": 100, "legs": [{"option_right": "C", "strike": 100, "expiry": "2026-02-20 16:00+00", "quantity": 1, "multiplier": 1e300}]}');
SELECT bifrost_evaluate('{"now": "2026-01-05 15:00+00", "spot": 100, "legs": [{"option_right": "C", "strike": 100, "expiry": "2026-02-20 16:00+00", "quantity": 1, "implied_vol": 1e-300}]}');
SELECT bifrost_evaluate('{"now": "2026-01-05 15:00+00", "spot": 100, "legs": [{"option_right": "C", "strike": 100, "expiry": "2200-02-20 16:00+00", "quantity": 1}]}');
-- at the edges of the domain every figure is finite
SELECT (r->>'net_delta')::float8 IS NOT NULL AS net_delta_finite, (r->>'gamma')::float8 IS NOT NULL AS gamma_finite,
       r->>'greeks_valid' AS greeks_valid
  FROM bifrost_evaluate('{"now": "2026-01-05 15:00+00", "spot": 1e12, "stock_position": -1e9,
       "legs": [{"option_right": "P", "strike": 1e-12, "expiry": "2125-12-01 15:00+00", "quantity": -1e9, "multiplier": 1e9, "implied_vol": 1e-12},
                {"option_right": "C", "strike": 1e12, "expiry": "2026-01-05 15:00:01+00", "quantity": 1e9, "multiplier": 1e9, "implied_vol": 10}]}') r;
SELECT bifrost_evaluate('{"config": {"greeks.volatility": 1e-300}}');
-- a huge key or value is repeated by its first 64 characters only
SELECT bifrost_evaluate(jsonb_build_object(repeat('k', 1048576), 1));
SELECT bifrost_evaluate(jsonb_build_object('now', repeat('n', 1048576)));
SELECT bifrost_evaluate(jsonb_build_object('config', jsonb_build_object(repeat('c', 1048576), 1)));
SELECT bifrost_evaluate(jsonb_build_object('config', jsonb_build_object('hedge_to', repeat('z', 1048576))));
SELECT bifrost_evaluate(jsonb_build_object('greeks', jsonb_build_object(repeat('g', 1048576), 1)));

-- an expired leg settles at the spot in the style of book.settlement: by delivery (the default) the
-- call 50 in the money counts the 1,000 shares it became and the put out of the money nothing; in
-- cash neither counts; no gamma either way
SELECT s AS settlement, r->>'legs_expired' AS expired, r->>'option_delta' AS option_delta, r->>'gamma' AS gamma
  FROM unnest(ARRAY['physical', 'cash']) s,
       bifrost_evaluate(jsonb_build_object('config', jsonb_build_object('book.settlement', s)) || '{
         "now": "2026-11-24 15:00:02 America/New_York", "quote": {"bid": 99.99, "ask": 100.01},
         "legs": [{"option_right": "C", "strike": 50, "expiry": "2026-11-24 15:00 America/New_York", "quantity": 10},
                  {"option_right": "P", "strike": 90, "expiry": "2026-11-24 15:00 America/New_York", "quantity": 10}]}') r;
SELECT bifrost_evaluate('{"config": {"book.settlement": "delivery"}}');

------------------------------------------------------------------------------
-- the market calendar
------------------------------------------------------------------------------
SELECT day, name, early_close FROM bifrost.market_holidays
 WHERE day BETWEEN '2026-01-01' AND '2026-12-31' ORDER BY day;
SELECT count(*) AS rule_rows, min(day), max(day) FROM bifrost.market_holidays WHERE source = 'nyse_rules';
SELECT * FROM bifrost._nyse_holidays(2022, 2022) WHERE name ~ 'Juneteenth|Christmas|New Year';
SELECT * FROM bifrost._nyse_holidays(1970, 1971);
SELECT * FROM bifrost._nyse_holidays(2030, 2029);
-- a one-off closure added by hand closes the market
INSERT INTO bifrost.market_holidays (day, name) VALUES ('2026-11-24', 'exchange outage drill');
SELECT (bifrost_evaluate((SELECT input FROM base) - 'legs' || '{"greeks": {"net_delta": 60, "gamma": 1}}'))->>'block_reason' AS block_reason;
DELETE FROM bifrost.market_holidays WHERE day = '2026-11-24';
