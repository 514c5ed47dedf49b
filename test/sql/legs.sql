-- legs: bifrost.legs bounds every number a trader types (quantity, strike,
-- expiry, multiplier, implied vol), each refused by a named CHECK; the
-- self-check flags legs outside the advisory DTE window and ATM band.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS bifrost;
RESET client_min_messages;
SET TimeZone = 'UTC';
-- the failing row's id and created_at vary from run to run
\set VERBOSITY terse

CREATE TEMP VIEW leg_checks AS
SELECT c.conname, pg_get_constraintdef(c.oid) AS definition
  FROM pg_constraint c
 WHERE c.conrelid = 'bifrost.legs'::regclass AND c.contype = 'c'
 ORDER BY c.conname;
SELECT * FROM leg_checks;

------------------------------------------------------------------------------
-- bounds: the limits themselves pass, one step beyond fails
------------------------------------------------------------------------------
BEGIN;
INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity, multiplier, implied_vol) VALUES
    ('NVDA', 'C', 100,        '2026-12-18 21:00+00',        1000000, 100,    0.35),
    ('NVDA', 'P', 0.0001,     '2000-01-01 00:00+00',       -1000000, 1,      10),
    ('NVDA', 'C', 1000000000, '2099-12-31 23:59:59.999999+00', 0,    100000, 0.0001);
SELECT option_right, strike, expiry, quantity, multiplier, implied_vol FROM bifrost.legs ORDER BY id;
ROLLBACK;

-- quantity: at most 1,000,000 contracts either way
INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity) VALUES ('NVDA', 'C', 100, '2026-12-18', 1000001);
INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity) VALUES ('NVDA', 'C', 100, '2026-12-18', -1000001);
INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity) VALUES ('NVDA', 'C', 100, '2026-12-18', 2147483647);
INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity) VALUES ('NVDA', 'C', 100, '2026-12-18', -2147483648);
-- strike: above 0, at most 1e9, a number
INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity) VALUES ('NVDA', 'C', 0, '2026-12-18', 1);
INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity) VALUES ('NVDA', 'C', -5, '2026-12-18', 1);
INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity) VALUES ('NVDA', 'C', 1000000000.01, '2026-12-18', 1);
INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity) VALUES ('NVDA', 'C', 1e300, '2026-12-18', 1);
INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity) VALUES ('NVDA', 'C', 'Infinity', '2026-12-18', 1);
INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity) VALUES ('NVDA', 'C', 'NaN', '2026-12-18', 1);
-- expiry: finite, from 2000 to the end of 2099 (a decision step prices at
-- most 100 years ahead)
INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity) VALUES ('NVDA', 'C', 100, 'infinity', 1);
INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity) VALUES ('NVDA', 'C', 100, '-infinity', 1);
INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity) VALUES ('NVDA', 'C', 100, '1999-12-31 23:59:59.999999+00', 1);
INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity) VALUES ('NVDA', 'C', 100, '2100-01-01 00:00+00', 1);
INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity) VALUES ('NVDA', 'C', 100, '294276-12-31', 1);
-- multiplier: 1 to 100,000
INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity, multiplier) VALUES ('NVDA', 'C', 100, '2026-12-18', 1, 0);
INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity, multiplier) VALUES ('NVDA', 'C', 100, '2026-12-18', 1, 100001);
-- implied vol: 0.0001 (0.01 %) to 10 (1000 %)
INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity, implied_vol) VALUES ('NVDA', 'C', 100, '2026-12-18', 1, 0);
INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity, implied_vol) VALUES ('NVDA', 'C', 100, '2026-12-18', 1, 0.000099);
INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity, implied_vol) VALUES ('NVDA', 'C', 100, '2026-12-18', 1, 1e-300);
INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity, implied_vol) VALUES ('NVDA', 'C', 100, '2026-12-18', 1, 10.01);
INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity, implied_vol) VALUES ('NVDA', 'C', 100, '2026-12-18', 1, 'NaN');
-- an update is held to the same bounds
BEGIN;
INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity) VALUES ('NVDA', 'C', 100, '2026-12-18', 10);
UPDATE bifrost.legs SET quantity = quantity * 1000000;
ROLLBACK;
SELECT count(*) AS legs_left FROM bifrost.legs;

------------------------------------------------------------------------------
-- advisory checks: DTE window and ATM band of the hedged symbol's legs
------------------------------------------------------------------------------
CREATE TEMP VIEW leg_rows AS
SELECT name, ok, detail FROM bifrost_self_check() WHERE category = 'legs' ORDER BY name;

-- no legs: nothing to flag
SELECT * FROM leg_rows;

BEGIN;
-- spot 100 from the hedger's status row (the ATM band needs a spot)
INSERT INTO bifrost.status_current (daemon_state, trading_state, symbol, spot, ts)
VALUES ('RUNNING', 'MONITOR', 'NVDA', 100, clock_timestamp());
INSERT INTO bifrost.legs (id, symbol, option_right, strike, expiry, quantity) VALUES
    (9001, 'NVDA', 'C', 100,   now() + interval '28 days', 10),   -- inside both
    (9002, 'NVDA', 'P', 97.5,  now() + interval '21 days 1 hour', -10),  -- 2.5 % from spot, 21 days
    (9003, 'TSLA', 'C', 900,   now() + interval '400 days', 1);   -- another symbol: not hedged, not checked
SELECT * FROM leg_rows;
INSERT INTO bifrost.legs (id, symbol, option_right, strike, expiry, quantity) VALUES
    (9004, 'NVDA', 'C', 100,   now() + interval '5 days', 10),    -- too soon
    (9005, 'NVDA', 'C', 100,   now() + interval '60 days', 10),   -- too late
    (9006, 'NVDA', 'C', 110,   now() + interval '28 days', 10),   -- 10 % out of the money
    (9007, 'NVDA', 'P', 80,    now() + interval '90 days', 10),   -- both
    (9008, 'NVDA', 'C', 100,   now() - interval '2 days', 10);    -- expired
SELECT * FROM leg_rows;
-- the window and band are the configuration's
SELECT bifrost_config_set('gates.strategy.structure.max_dte', '100');
SELECT bifrost_config_set('gates.strategy.structure.atm_band_pct', '0.25');
SELECT * FROM leg_rows;
DELETE FROM bifrost.legs WHERE id IN (9004, 9008);
SELECT * FROM leg_rows;
-- without a spot of the hedged symbol the band is not checked, and says so
UPDATE bifrost.status_current SET symbol = 'TSLA';
SELECT * FROM leg_rows;
-- only the legs of the configured symbol are hedged, and checked against its spot
UPDATE bifrost.config SET value = '"TSLA"' WHERE key = 'symbol';
SELECT * FROM leg_rows;
ROLLBACK;

-- after all that, no check fails
SELECT count(*) AS failing_checks FROM bifrost_self_check() WHERE NOT ok;
DROP VIEW leg_rows;
DROP VIEW leg_checks;
RESET TimeZone;
