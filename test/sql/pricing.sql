-- pricing: bifrost_bs_price, bifrost_bs_greeks and bifrost_implied_vol with
-- good and bad input.  Values are printed rounded to the digits of
-- their published anchors, so the output does not depend on the last bits
-- of the platform's libm.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS bifrost;
RESET client_min_messages;

-- declared immutable, strict, parallel safe; greeks is one row, not a set;
-- pure arithmetic, so everyone may call them
SELECT p.oid::regprocedure AS function, p.provolatile, p.proisstrict, p.proparallel, p.proretset,
       pg_get_function_result(p.oid) AS result,
       has_function_privilege('public', p.oid, 'EXECUTE') AS public_exec
  FROM pg_proc p
 WHERE p.proname IN ('bifrost_bs_price', 'bifrost_bs_greeks', 'bifrost_implied_vol')
 ORDER BY p.proname;

------------------------------------------------------------------------------
-- known values: Haug / QuantLib / Hull (their published tables),
-- printed to the anchor's digits; ok = within one unit of its last digit
-- (QuantLib's own tolerance for the Haug table is 1e-4).  Haug prints 1.8734
-- for row 10's forward-at-the-money option, whose exact value is 1.8733446
-- (checked to 6 digits in the extra row).  Raw units: vega per 1.00 of
-- sigma, theta per year (theta_day = theta / 365), rho per 1.00 of r.
------------------------------------------------------------------------------
WITH anchors (id, what, option_right, s, k, q, r, t, sigma, expected, digits) AS (VALUES
    ('1',  'price',     'C', 42::float8, 40::float8, 0::float8, 0.10::float8, 0.5::float8, 0.20::float8, 4.7594, 4),
    ('1',  'price',     'P', 42, 40, 0, 0.10, 0.5, 0.20, 0.8086, 4),
    ('1',  'delta',     'C', 42, 40, 0, 0.10, 0.5, 0.20, 0.7791, 4),
    ('1',  'gamma',     'C', 42, 40, 0, 0.10, 0.5, 0.20, 0.04996, 5),
    ('2',  'price',     'C', 49, 50, 0, 0.05, 20 / 52.0, 0.20, 2.4005, 4),
    ('2',  'delta',     'C', 49, 50, 0, 0.05, 20 / 52.0, 0.20, 0.5216, 4),
    ('2',  'gamma',     'C', 49, 50, 0, 0.05, 20 / 52.0, 0.20, 0.06554, 5),
    ('2',  'vega',      'C', 49, 50, 0, 0.05, 20 / 52.0, 0.20, 12.105, 3),
    ('2',  'theta',     'C', 49, 50, 0, 0.05, 20 / 52.0, 0.20, -4.3053, 4),
    ('2',  'theta_day', 'C', 49, 50, 0, 0.05, 20 / 52.0, 0.20, -0.0118, 4),
    ('2',  'rho',       'C', 49, 50, 0, 0.05, 20 / 52.0, 0.20, 8.907, 3),
    ('3',  'price',     'C', 100, 100, 0, 0.05, 1, 0.20, 10.4506, 4),
    ('3',  'price',     'P', 100, 100, 0, 0.05, 1, 0.20, 5.5735, 4),
    ('3',  'delta',     'C', 100, 100, 0, 0.05, 1, 0.20, 0.6368, 4),
    ('3',  'gamma',     'C', 100, 100, 0, 0.05, 1, 0.20, 0.018762, 6),
    ('3',  'vega',      'C', 100, 100, 0, 0.05, 1, 0.20, 37.524, 3),
    ('4',  'price',     'C', 60, 65, 0, 0.08, 0.25, 0.30, 2.1334, 4),
    ('5',  'price',     'P', 100, 95, 0.05, 0.10, 0.5, 0.20, 2.4648, 4),
    ('6',  'price',     'C', 19, 19, 0.10, 0.10, 0.75, 0.28, 1.7011, 4),
    ('6',  'price',     'P', 19, 19, 0.10, 0.10, 0.75, 0.28, 1.7011, 4),
    ('7',  'price',     'C', 1.56, 1.60, 0.08, 0.06, 0.5, 0.12, 0.0291, 4),
    ('8',  'price',     'P', 75, 70, 0.05, 0.10, 0.5, 0.35, 4.0870, 4),
    ('9',  'price',     'C', 42, 40, 0.08, 0.04, 0.75, 0.35, 5.0975, 4),
    ('10', 'price',     'C', 100, 100, 0.10, 0.10, 0.1, 0.15, 1.8734, 4),
    ('10', 'price',     'P', 100, 100, 0.10, 0.10, 0.1, 0.15, 1.8734, 4),
    ('10', 'price',     'C', 100, 100, 0.10, 0.10, 0.1, 0.15, 1.873345, 6),
    ('10', 'price',     'C', 110, 100, 0.10, 0.10, 0.5, 0.35, 15.3086, 4),
    ('10', 'price',     'P', 90, 100, 0.10, 0.10, 0.5, 0.35, 14.4452, 4),
    ('11', 'delta',     'C', 105, 100, 0.10, 0.10, 0.5, 0.36, 0.5946, 4),
    ('11', 'delta',     'P', 105, 100, 0.10, 0.10, 0.5, 0.36, -0.3566, 4),
    ('12', 'gamma',     'C', 55, 60, 0, 0.10, 0.75, 0.30, 0.0278, 4),
    ('12', 'gamma',     'P', 55, 60, 0, 0.10, 0.75, 0.30, 0.0278, 4),
    ('13', 'vega',      'C', 55, 60, 0, 0.10, 0.75, 0.30, 18.9358, 4),
    ('13', 'vega',      'P', 55, 60, 0, 0.10, 0.75, 0.30, 18.9358, 4),
    ('14', 'theta',     'P', 430, 405, 0.05, 0.07, 1 / 12.0, 0.20, -31.1924, 4),
    ('14', 'theta_day', 'P', 430, 405, 0.05, 0.07, 1 / 12.0, 0.20, -0.0855, 4),
    ('15', 'rho',       'C', 72, 75, 0, 0.09, 1, 0.19, 38.7325, 4)
)
SELECT a.id, a.what, a.option_right AS rt, a.expected,
       round(v.got::numeric, a.digits) AS got,
       abs(v.got::numeric - a.expected) <= 10 ^ -a.digits AS ok,
       g.price = bifrost_bs_price(a.option_right, a.s, a.k, a.t, a.r, a.q, a.sigma) AS same_as_price_fn
  FROM anchors a,
       LATERAL bifrost_bs_greeks(a.option_right, a.s, a.k, a.t, a.r, a.q, a.sigma) g,
       LATERAL (SELECT CASE a.what WHEN 'price' THEN g.price WHEN 'delta' THEN g.delta
                                   WHEN 'gamma' THEN g.gamma WHEN 'vega' THEN g.vega
                                   WHEN 'theta' THEN g.theta WHEN 'theta_day' THEN g.theta / 365
                                   WHEN 'rho' THEN g.rho END) v(got)
 ORDER BY a.id::int, a.what, a.option_right, a.digits, a.expected;

-- the implied vol of anchor 3's call price is its 20%
SELECT round(bifrost_implied_vol('C', 10.4506, 100, 100, 1, 0.05, 0)::numeric, 4) AS iv_anchor_3;
SELECT abs(bifrost_implied_vol('C', bifrost_bs_price('C', 100, 100, 1, 0.05, 0, 0.2), 100, 100, 1, 0.05, 0) - 0.2) < 1e-12
       AS iv_anchor_3_exact;

-- plain Black-Scholes (q = 0) deltas and gammas the
-- hedger uses, and one long straddle on 100 shares
SELECT s, k, round(t::numeric, 6) AS t, sigma,
       round((bifrost_bs_greeks('C', s, k, t, 0.05, 0, sigma)).delta::numeric, 6) AS call_delta,
       round((bifrost_bs_greeks('P', s, k, t, 0.05, 0, sigma)).delta::numeric, 6) AS put_delta,
       round((bifrost_bs_greeks('C', s, k, t, 0.05, 0, sigma)).gamma::numeric, 6) AS gamma
  FROM (VALUES (100::float8, 100::float8, 0.25::float8, 0.25::float8),
               (110, 100, 0.25, 0.25),
               (500, 500, 28 / 365.0, 0.35)) v(s, k, t, sigma);
SELECT round((100 * (c.delta + p.delta))::numeric, 4) AS straddle_delta_shares,
       round((100 * (c.gamma + p.gamma))::numeric, 4) AS straddle_gamma_shares
  FROM bifrost_bs_greeks('C', 500, 500, 28 / 365.0, 0.05, 0, 0.35) c,
       bifrost_bs_greeks('P', 500, 500, 28 / 365.0, 0.05, 0, 0.35) p;

-- the result reads as a row, as a table, and by column
SELECT (bifrost_bs_greeks('C', 100, 100, 0.25, 0.05, 0, 0.25)).delta IS NOT NULL AS by_column;
SELECT count(*) AS rows_as_table FROM bifrost_bs_greeks('C', 100, 100, 0.25, 0.05, 0, 0.25);
SELECT round(g.price::numeric, 6) AS price, round(g.delta::numeric, 6) AS delta, round(g.gamma::numeric, 6) AS gamma,
       round(g.vega::numeric, 6) AS vega, round(g.theta::numeric, 6) AS theta, round(g.rho::numeric, 6) AS rho
  FROM bifrost_bs_greeks('C', 100, 100, 0.25, 0.05, 0, 0.25) g;

------------------------------------------------------------------------------
-- put-call parity: C - P = S e^{-qT} - K e^{-rT} to 1e-12 relative, over a
-- grid of moneyness, time, vol, rate and yield
------------------------------------------------------------------------------
WITH grid AS (
    SELECT s, k, t, r, q, sigma,
           bifrost_bs_price('C', s, k, t, r, q, sigma) AS c,
           bifrost_bs_price('P', s, k, t, r, q, sigma) AS p
      FROM unnest('{1, 50, 90, 99.5, 100, 100.5, 110, 200, 10000}'::float8[]) s,
           unnest('{100}'::float8[]) k,
           unnest('{0, 0.001, 0.1, 0.25, 1, 5, 30}'::float8[]) t,
           unnest('{-0.01, 0, 0.05, 0.15}'::float8[]) r,
           unnest('{0, 0.03, 0.10}'::float8[]) q,
           unnest('{0, 0.01, 0.25, 1.2, 5}'::float8[]) sigma
)
SELECT count(*) AS cases,
       count(*) FILTER (WHERE abs(c - p - (s * exp(-q * t) - k * exp(-r * t)))
                              > 1e-12 * greatest(c, p, s * exp(-q * t), k * exp(-r * t))) AS parity_failures,
       count(*) FILTER (WHERE c < 0 OR p < 0) AS negative_prices
  FROM grid;

------------------------------------------------------------------------------
-- t = 0 and sigma = 0: intrinsic values and the limit greeks
------------------------------------------------------------------------------
SELECT rt, s, t, sigma,
       round(g.price::numeric, 10) AS price, round(g.delta::numeric, 10) AS delta,
       g.gamma, g.vega, round(g.theta::numeric, 10) AS theta, round(g.rho::numeric, 10) AS rho
  FROM unnest('{C, P}'::text[]) rt,
       unnest('{90, 100, 110}'::float8[]) s,
       (VALUES (0::float8, 0.3::float8), (1, 0)) v(t, sigma),
       LATERAL bifrost_bs_greeks(rt, s, 100, t, 0.05, 0, sigma) g
 ORDER BY t, rt, s;
-- at sigma = 0 the call is worth the discounted forward's intrinsic value
SELECT round(bifrost_bs_price('C', 100, 100, 1, 0.05, 0, 0)::numeric, 10) = round((100 - 100 * exp(-0.05))::numeric, 10)
       AS forward_intrinsic;

------------------------------------------------------------------------------
-- implied vol: round trip, NULL outside the no-arbitrage bounds or at t = 0
------------------------------------------------------------------------------
WITH grid AS (
    SELECT rt, s, t, sigma, g.price, g.vega,
           bifrost_implied_vol(rt, g.price, s, 100, t, 0.05, 0.02) AS iv
      FROM unnest('{C, P}'::text[]) rt,
           unnest('{50, 80, 95, 100, 105, 120, 200}'::float8[]) s,
           unnest('{0.01, 0.1, 0.5, 2, 10}'::float8[]) t,
           unnest('{0.02, 0.1, 0.3, 0.8, 2}'::float8[]) sigma,
           LATERAL bifrost_bs_greeks(rt, s, 100, t, 0.05, 0.02, sigma) g
)
SELECT count(*) AS cases,
       count(*) FILTER (WHERE vega > 1e-8) AS with_vega,
       count(*) FILTER (WHERE vega > 1e-8 AND iv IS NULL) AS unsolved,
       count(*) FILTER (WHERE vega > 1e-8 AND
                        abs(bifrost_bs_price(rt, s, 100, t, 0.05, 0.02, iv) - price) > 1e-10 * price) AS price_round_trip_failures,
       count(*) FILTER (WHERE vega > 1e-4 AND abs(iv - sigma) > 1e-8 * sigma) AS vol_round_trip_failures
  FROM grid;

SELECT what, iv
  FROM (VALUES
    ('call above its upper bound S e^-qT',  bifrost_implied_vol('C', 100.5, 100, 100, 1, 0.05, 0)),
    ('call at its upper bound',             bifrost_implied_vol('C', 100, 100, 100, 1, 0.05, 0)),
    ('call below its lower bound',          bifrost_implied_vol('C', 10, 120, 100, 1, 0.05, 0)),
    ('put above its upper bound K e^-rT',   bifrost_implied_vol('P', 96, 100, 100, 1, 0.05, 0)),
    ('put below its lower bound',           bifrost_implied_vol('P', 1, 50, 100, 1, 0.05, 0)),
    ('t = 0',                               bifrost_implied_vol('C', 5, 100, 100, 0, 0.05, 0)),
    ('price 0 of an out-of-the-money call', bifrost_implied_vol('C', 0, 80, 100, 1, 0.05, 0))
  ) v(what, iv);

------------------------------------------------------------------------------
-- option_right: C, P, call, put in any case
------------------------------------------------------------------------------
SELECT rt,
       round(bifrost_bs_price(rt, 100, 100, 0.25, 0.05, 0, 0.25)::numeric, 6) AS price,
       round((bifrost_bs_greeks(rt, 100, 100, 0.25, 0.05, 0, 0.25)).delta::numeric, 6) AS delta,
       round(bifrost_implied_vol(rt, 5, 100, 100, 0.25, 0.05, 0)::numeric, 6) AS iv
  FROM unnest('{C, c, call, CALL, Call, cAlL, P, p, put, PUT, Put}'::text[]) WITH ORDINALITY AS u(rt, n)
 ORDER BY n;

------------------------------------------------------------------------------
-- extreme inputs: finite answers, never NaN
------------------------------------------------------------------------------
CREATE FUNCTION pg_temp.finite(x float8) RETURNS boolean LANGUAGE sql IMMUTABLE AS
$$ SELECT abs(x) < 'Infinity'::float8 $$;    -- false for NaN, which sorts above Infinity
WITH grid AS (
    SELECT rt, s, t, sigma, g.*
      FROM unnest('{C, P}'::text[]) rt,
           unnest('{1e-6, 0.01, 50, 100, 200, 1e4, 1e6}'::float8[]) s,
           unnest('{0, 1e-9, 1e-4, 1, 30}'::float8[]) t,
           unnest('{0, 1e-6, 0.3, 5}'::float8[]) sigma,
           LATERAL bifrost_bs_greeks(rt, s, 1, t, 0.05, 0.01, sigma) g
)
SELECT count(*) AS cases,
       count(*) FILTER (WHERE NOT (pg_temp.finite(price) AND pg_temp.finite(delta) AND pg_temp.finite(gamma)
                                   AND pg_temp.finite(vega) AND pg_temp.finite(theta) AND pg_temp.finite(rho)))
           AS not_finite,
       count(*) FILTER (WHERE price < 0 OR gamma < 0 OR vega < 0) AS negative,
       count(*) FILTER (WHERE rt = 'C' AND NOT delta BETWEEN 0 AND 1) AS call_delta_out_of_range,
       count(*) FILTER (WHERE rt = 'P' AND NOT delta BETWEEN -1 AND 0) AS put_delta_out_of_range
  FROM grid;
-- s/k of 1e-6 and 1e6, sigma 5, 30 years, by the price function too
SELECT s, k, t, sigma,
       pg_temp.finite(bifrost_bs_price('C', s, k, t, 0.05, 0, sigma)) AS call_finite,
       pg_temp.finite(bifrost_bs_price('P', s, k, t, 0.05, 0, sigma)) AS put_finite
  FROM (VALUES (1e-6::float8, 1::float8, 1::float8, 0.3::float8), (1e6, 1, 1, 0.3),
               (100, 100, 30, 5), (1e-6, 1, 30, 5), (1e6, 1, 30, 5), (100, 100, 1e-12, 1e-6)) v(s, k, t, sigma);

------------------------------------------------------------------------------
-- NULL in, NULL out (strict)
------------------------------------------------------------------------------
SELECT bifrost_bs_price(NULL, 100, 100, 1, 0.05, 0, 0.2) IS NULL AS right_null,
       bifrost_bs_price('C', NULL, 100, 1, 0.05, 0, 0.2) IS NULL AS s_null,
       bifrost_bs_price('C', 100, NULL, 1, 0.05, 0, 0.2) IS NULL AS k_null,
       bifrost_bs_price('C', 100, 100, NULL, 0.05, 0, 0.2) IS NULL AS t_null,
       bifrost_bs_price('C', 100, 100, 1, NULL, 0, 0.2) IS NULL AS r_null,
       bifrost_bs_price('C', 100, 100, 1, 0.05, NULL, 0.2) IS NULL AS q_null,
       bifrost_bs_price('C', 100, 100, 1, 0.05, 0, NULL) IS NULL AS sigma_null;
SELECT bifrost_bs_greeks('C', 100, 100, 1, 0.05, 0, NULL) IS NULL AS greeks_null,
       bifrost_implied_vol('C', NULL, 100, 100, 1, 0.05, 0) IS NULL AS iv_price_null,
       bifrost_implied_vol(NULL, 10, 100, 100, 1, 0.05, 0) IS NULL AS iv_right_null;

------------------------------------------------------------------------------
-- bad input: 22023 naming the argument and its value, the same shape in all
-- three functions
------------------------------------------------------------------------------
-- the full reports: message, detail, hint
SELECT bifrost_bs_price('X', 100, 100, 1, 0.05, 0, 0.2);
SELECT bifrost_bs_price('C', 100, 100, 1, 0.05, 0, 'NaN');
SELECT bifrost_bs_greeks('C', 100, 100, -0.5, 0.05, 0, 0.2);
SELECT bifrost_implied_vol('P', -1, 100, 100, 1, 0.05, 0);

CREATE FUNCTION pg_temp.error_of(cmd text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE cmd;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END
$$;
SELECT args, pg_temp.error_of('SELECT bifrost_bs_price(' || args || ')') AS bifrost_bs_price
  FROM unnest(ARRAY[
    '''''',          -- unknown rights
    '''x''', '''CP''', '''calls''', ''' C''', '''put ''', '''long call'''
  ]) AS r(rt),
  LATERAL (SELECT rt || ', 100, 100, 1, 0.05, 0, 0.2') a(args)
UNION ALL
SELECT args, pg_temp.error_of('SELECT bifrost_bs_price(''C'', ' || args || ')')
  FROM unnest(ARRAY[
    '0, 100, 1, 0.05, 0, 0.2', '-1, 100, 1, 0.05, 0, 0.2', '''NaN'', 100, 1, 0.05, 0, 0.2',
    '''Infinity'', 100, 1, 0.05, 0, 0.2', '''-Infinity'', 100, 1, 0.05, 0, 0.2',
    '100, 0, 1, 0.05, 0, 0.2', '100, -5, 1, 0.05, 0, 0.2', '100, ''NaN'', 1, 0.05, 0, 0.2',
    '100, ''Infinity'', 1, 0.05, 0, 0.2',
    '100, 100, -1e-9, 0.05, 0, 0.2', '100, 100, ''NaN'', 0.05, 0, 0.2', '100, 100, ''Infinity'', 0.05, 0, 0.2',
    '100, 100, 1, ''NaN'', 0, 0.2', '100, 100, 1, ''Infinity'', 0, 0.2', '100, 100, 1, ''-Infinity'', 0, 0.2',
    '100, 100, 1, 0.05, ''NaN'', 0.2', '100, 100, 1, 0.05, ''Infinity'', 0.2', '100, 100, 1, 0.05, ''-Infinity'', 0.2',
    '100, 100, 1, 0.05, 0, -0.01', '100, 100, 1, 0.05, 0, ''NaN''', '100, 100, 1, 0.05, 0, ''Infinity''',
    '-1, -1, -1, ''NaN'', ''NaN'', -1'   -- several bad: the first is named
  ]) AS args;
SELECT args, pg_temp.error_of('SELECT bifrost_bs_greeks(' || args || ')') AS bifrost_bs_greeks
  FROM unnest(ARRAY[
    '''straddle'', 100, 100, 1, 0.05, 0, 0.2', '''C'', 0, 100, 1, 0.05, 0, 0.2', '''C'', 100, ''-Infinity'', 1, 0.05, 0, 0.2',
    '''C'', 100, 100, -1, 0.05, 0, 0.2', '''P'', 100, 100, 1, ''NaN'', 0, 0.2', '''P'', 100, 100, 1, 0.05, ''Infinity'', 0.2',
    '''P'', 100, 100, 1, 0.05, 0, -1'
  ]) AS args;
SELECT args, pg_temp.error_of('SELECT bifrost_implied_vol(' || args || ')') AS bifrost_implied_vol
  FROM unnest(ARRAY[
    '''X'', 10, 100, 100, 1, 0.05, 0',
    '''C'', -0.01, 100, 100, 1, 0.05, 0', '''C'', ''NaN'', 100, 100, 1, 0.05, 0', '''C'', ''Infinity'', 100, 100, 1, 0.05, 0',
    '''C'', 10, 0, 100, 1, 0.05, 0', '''C'', 10, 100, -100, 1, 0.05, 0', '''C'', 10, 100, 100, -1, 0.05, 0',
    '''C'', 10, 100, 100, 1, ''NaN'', 0', '''C'', 10, 100, 100, 1, 0.05, ''-Infinity''',
    '''C'', ''NaN'', ''NaN'', 100, 1, 0.05, 0'   -- price is checked first
  ]) AS args;

-- finite but extreme arguments: a finite answer or 22023 naming the argument,
-- never NaN (the domain is in bs.h: s and k 1e-12..1e12, t 0..100 years,
-- r and q -1..1, sigma 0 or 1e-12..10)
SELECT args, pg_temp.error_of('SELECT bifrost_bs_price(' || args || ')') AS bifrost_bs_price
  FROM unnest(ARRAY[
    '''C'', 100, 100, 0.25, 1e300, 0, 0.25', '''C'', 100, 100, 0.25, -1e300, 0, 0.25',
    '''C'', 100, 100, 0.25, 0.05, 1e300, 0.25', '''P'', 100, 100, 0.25, 0.05, -1e308, 0.25',
    '''C'', 1e300, 100, 0.25, 0.05, 0, 0.25', '''C'', 100, 1e-300, 0.25, 0.05, 0, 0.25',
    '''C'', 100, 100, 1e300, 0.05, 0, 0.25', '''C'', 100, 100, 0.25, 0.05, 0, 1e300',
    '''C'', 100, 100, 0.25, 0.05, 0, 1e-300',
    '''C'', 1e12, 1e-12, 100, -1, 1, 10', '''P'', 1e-12, 1e12, 100, 1, -1, 1e-12'
  ]) AS args;
SELECT bifrost_bs_price('C', 100, 100, 0.25, 1e300, 0, 0.25);
SELECT args, pg_temp.error_of('SELECT bifrost_bs_greeks(' || args || ')') AS bifrost_bs_greeks
  FROM unnest(ARRAY[
    '''C'', 100, 100, 0.25, 0.05, -1e308, 0.25', '''C'', 1e-12, 1e-12, 1e-12, -1, -1, 1e-12',
    '''P'', 1e12, 1e12, 100, 1, 1, 10'
  ]) AS args;
SELECT args, pg_temp.error_of('SELECT bifrost_implied_vol(' || args || ')') AS bifrost_implied_vol
  FROM unnest(ARRAY[
    '''C'', 1e308, 100, 100, 1, 0.05, 0', '''C'', 10, 100, 100, 1, 1e300, 0', '''C'', 10, 100, 100, 1e300, 0.05, 0'
  ]) AS args;
-- a huge option right is repeated by its first 64 characters only
SELECT bifrost_bs_price(repeat('C', 1048576), 100, 100, 1, 0.05, 0, 0.2);
