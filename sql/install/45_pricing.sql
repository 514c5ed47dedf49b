/*
 * sql/install/45_pricing.sql: the engine's pricing and one decision step,
 * callable from SQL: the same C code (src/engine/) the worker runs.
 */

------------------------------------------------------------------------------
-- Pricing: generalized Black-Scholes-Merton with a continuous yield q, pure
-- functions of their arguments.  Units are QuantLib's: t in years, r, q and
-- sigma as annual fractions (0.05 = 5%), vega per 1.00 of sigma, theta per
-- year, rho per 1.00 of r.
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

------------------------------------------------------------------------------
-- One decision step of the engine without side effects.  STABLE: it reads
-- bifrost.config and the calendar.  It runs SQL of its own, so its
-- search_path is pinned (the pure pricing above runs none).
------------------------------------------------------------------------------

CREATE FUNCTION bifrost_evaluate(input jsonb)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'bifrost_evaluate'
LANGUAGE C STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION bifrost_evaluate(jsonb) IS
    'One hedge decision of the engine for a what-if input (state, event, now, quote, legs or greeks, position, counters); returns the greeks, the six dimensions, the next state, the guards, the intent and its block reason';
