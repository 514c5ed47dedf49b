/*
 * bifrost--0.1--0.2.sql: upgrade script from bifrost 0.1 to 0.2.
 *
 * Adds the pricing functions of SPEC §4 (generalized Black-Scholes-Merton
 * with a continuous yield q: price, greeks, implied vol), records the
 * upgrade in bifrost.schema_version, and re-bakes bifrost.expected_schema()
 * so bifrost_self_check() expects the upgraded catalog.
 *
 * CREATE EXTENSION bifrost with default_version 0.2 runs bifrost--0.1.sql and
 * then this script: there is no bifrost--0.2.sql.
 */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION bifrost UPDATE TO '0.2'" to load this file. \quit

------------------------------------------------------------------------------
-- Pricing (SPEC §4): pure functions of their arguments.  Units are
-- QuantLib's: t in years, r, q and sigma as annual fractions (0.05 = 5%),
-- vega per 1.00 of sigma, theta per year, rho per 1.00 of r.
------------------------------------------------------------------------------

CREATE FUNCTION bifrost_bs_price(option_right text, s double precision, k double precision,
                                 t double precision, r double precision, q double precision,
                                 sigma double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bifrost_bs_price'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION bifrost_bs_price(text, double precision, double precision, double precision, double precision, double precision, double precision) IS
    'Black-Scholes-Merton value of a European option (C, P, call or put) with spot s, strike k, t years to expiry, rate r, yield q and volatility sigma; t = 0 or sigma = 0 give the intrinsic value';

-- One row, not a set: a composite result can be used in a SELECT list and
-- inside aggregates, e.g. sum((bifrost_bs_greeks(...)).delta), and still
-- reads as a table with SELECT * FROM bifrost_bs_greeks(...).
CREATE FUNCTION bifrost_bs_greeks(option_right text, s double precision, k double precision,
                                  t double precision, r double precision, q double precision,
                                  sigma double precision,
                                  OUT price double precision, OUT delta double precision,
                                  OUT gamma double precision, OUT vega double precision,
                                  OUT theta double precision, OUT rho double precision)
RETURNS record
AS 'MODULE_PATHNAME', 'bifrost_bs_greeks'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION bifrost_bs_greeks(text, double precision, double precision, double precision, double precision, double precision, double precision) IS
    'Black-Scholes-Merton value and greeks in one row: delta per unit of s, gamma per unit of s squared, vega per 1.00 of sigma, theta per year (divide by 365 for a day), rho per 1.00 of r';

CREATE FUNCTION bifrost_implied_vol(option_right text, price double precision, s double precision,
                                    k double precision, t double precision, r double precision,
                                    q double precision)
RETURNS double precision
AS 'MODULE_PATHNAME', 'bifrost_implied_vol'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION bifrost_implied_vol(text, double precision, double precision, double precision, double precision, double precision, double precision) IS
    'Volatility that reproduces the option price under Black-Scholes-Merton; NULL when t = 0 or the price lies outside the no-arbitrage bounds';

-- Pure arithmetic that reads no table: executable by everyone (PUBLIC keeps
-- the EXECUTE it gets by default, said here on purpose), so analysts need no
-- bifrost role to price an option.
GRANT EXECUTE ON FUNCTION
    bifrost_bs_price(text, double precision, double precision, double precision, double precision, double precision, double precision),
    bifrost_bs_greeks(text, double precision, double precision, double precision, double precision, double precision, double precision),
    bifrost_implied_vol(text, double precision, double precision, double precision, double precision, double precision, double precision)
TO PUBLIC;

INSERT INTO bifrost.schema_version (version, name) VALUES ('0.2', 'pricing, market calendar and bifrost_evaluate');

------------------------------------------------------------------------------
-- The NYSE calendar the trading-hours gate reads: seeded from the exchange's
-- rules, editable for one-off closures (a row with early_close NULL closes
-- the whole day; with a time, the session ends then).
------------------------------------------------------------------------------

CREATE FUNCTION bifrost._nyse_holidays(from_year integer, to_year integer,
                                       OUT day date, OUT name text, OUT early_close time)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'bifrost_nyse_holidays'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION bifrost._nyse_holidays(integer, integer) IS
    'NYSE full holidays and 13:00 early closes of a range of years, from the exchange''s rules (weekend observance, Good Friday, Juneteenth from 2022)';

CREATE TABLE bifrost.market_holidays (
    day         date PRIMARY KEY,
    name        text NOT NULL CHECK (name <> ''),
    early_close time CHECK (early_close > '09:30' AND early_close < '16:00'),
    source      text NOT NULL DEFAULT 'user' CHECK (source IN ('nyse_rules', 'user'))
);
COMMENT ON TABLE bifrost.market_holidays IS
    'NYSE closures in America/New_York dates: early_close NULL = closed all day, else the early closing time; rows from the rules have source nyse_rules';
INSERT INTO bifrost.market_holidays (day, name, early_close, source)
SELECT day, name, early_close, 'nyse_rules' FROM bifrost._nyse_holidays(2000, 2050);
-- pg_dump keeps the rows users added; the rule rows come back with the extension.
SELECT pg_catalog.pg_extension_config_dump('bifrost.market_holidays', 'WHERE source = ''user''');
GRANT SELECT ON bifrost.market_holidays TO bifrost_reader;
GRANT INSERT, UPDATE, DELETE ON bifrost.market_holidays TO bifrost_operator;

------------------------------------------------------------------------------
-- One decision step of the engine (SPEC §4): the same C code the worker runs,
-- without side effects.  STABLE: it reads bifrost.config and the calendar.
------------------------------------------------------------------------------

CREATE FUNCTION bifrost_evaluate(input jsonb)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'bifrost_evaluate'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION bifrost_evaluate(jsonb) IS
    'One hedge decision of the engine for a what-if input (state, event, now, quote, legs or greeks, position, counters); returns the greeks, the six dimensions, the next state, the guards, the intent and its block reason';
REVOKE ALL ON FUNCTION bifrost_evaluate(jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION bifrost_evaluate(jsonb) TO bifrost_reader;

------------------------------------------------------------------------------
-- The expected schema, re-baked from the upgraded catalog exactly as at the
-- end of bifrost--0.1.sql.  Keep this block last: every 0.2 object must exist
-- before the snapshot is taken.
------------------------------------------------------------------------------

DO $expected$
BEGIN
    EXECUTE pg_catalog.format(
        'CREATE OR REPLACE FUNCTION bifrost.expected_schema() RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS %L',
        pg_catalog.format('SELECT %L::jsonb', bifrost._catalog_snapshot()::text));
END
$expected$;
COMMENT ON FUNCTION bifrost.expected_schema() IS 'Catalog snapshot taken at the end of the install or upgrade script: what bifrost_self_check() expects';
REVOKE ALL ON FUNCTION bifrost.expected_schema() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION bifrost.expected_schema() TO bifrost_reader;
