-- arguments: every function of the extension, found in the catalog, is
-- called with NULL in each argument position in turn, then with extreme
-- values in each position (empty and 1 MB strings, NaN, +-Infinity, +-1e308,
-- the ends of integer and bigint, infinite timestamps, empty and huge
-- jsonb).  Each call must give a result or a clean error: a crashed backend
-- loses the connection and fails this file.  Functions come from pg_proc and
-- pg_depend, so a new one is covered without anyone adding it here.
--
-- Besides surviving, a call must not
--   * fail with an internal error (class XX: an elog, not an ereport),
--   * echo a huge input: message, detail and hint stay under 500 characters,
--   * answer NaN or Infinity for finite input (extreme pass only: a NULL or
--     a non-finite argument may fairly give NULL or an error).
-- Those calls are listed one by one; the rest is summed up per function.
--
-- Side effects are undone: each call runs in a subtransaction that is rolled
-- back after its answer is read.  Functions without arguments are not called
-- (bifrost_start() would launch a worker that outlives the rollback).
-- bifrost_ingest() with plausible arguments reaches the network: the
-- instance's okx_base_url (test/regress.conf) points at a closed local port.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS bifrost;
RESET client_min_messages;

-- Every function of the extension with its argument names and types.
-- Trigger functions are left out: they can only be called by a trigger.
CREATE TEMP VIEW ext_functions AS
SELECT p.oid,
       pg_catalog.format('%I.%I', n.nspname, p.proname) AS qualified,
       p.oid::regprocedure::text AS signature,
       p.pronargs,
       p.proargtypes::oid[] AS argtypes,
       coalesce(p.proargnames, '{}') AS argnames
  FROM pg_proc p
  JOIN pg_namespace n ON n.oid = p.pronamespace
  JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND d.refclassid = 'pg_extension'::regclass
 WHERE e.extname = 'bifrost'
   AND n.nspname IN ('public', 'bifrost')
   AND p.prorettype <> 'trigger'::regtype
   AND p.prokind = 'f';

-- An ordinary value of an argument, as an SQL expression: by the argument's
-- name where the name says what a good value is, else by its type.
CREATE FUNCTION pg_temp.plausible(argname text, argtype regtype) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE argname
        WHEN 'option_right' THEN '''C'''
        WHEN 's' THEN '100' WHEN 'k' THEN '100' WHEN 't' THEN '0.25'
        WHEN 'r' THEN '0.05' WHEN 'q' THEN '0.01' WHEN 'sigma' THEN '0.3' WHEN 'price' THEN '5'
        WHEN 'key' THEN '''feed.sim.spot''' WHEN 'cfg_key' THEN '''feed.sim.spot'''
        WHEN 'value' THEN '''120''::jsonb'
        WHEN 'symbol' THEN '''BTC-USDT''' WHEN 'sym' THEN '''BTC-USDT'''
        WHEN 'timeframe' THEN '''1h''' WHEN 'tf' THEN '''1h'''
        WHEN 'source' THEN '''okx''' WHEN 'data_type' THEN '''ohlcv'''
        WHEN 'tz' THEN '''America/New_York''' WHEN 'days' THEN '7'
        WHEN 'from_year' THEN '2025' WHEN 'to_year' THEN '2026'
        WHEN 'from_ts' THEN '''2025-01-06 00:00+00''::timestamptz'
        WHEN 'to_ts' THEN '''2025-01-07 00:00+00''::timestamptz'
        WHEN 'lim' THEN '10' WHEN 'max_bars' THEN '100'
        WHEN 'cmd' THEN '''retry_broker''' WHEN 'op_type' THEN '''fill'''
        WHEN 'method' THEN '''GET''' WHEN 'request_path' THEN '''/api/v5/account/balance'''
        WHEN 'request_ts' THEN '''2025-01-06T00:00:00.000Z'''
        WHEN 'input' THEN '''{"spot": 100, "now": "2025-01-06 15:00+00"}''::jsonb'
        ELSE CASE argtype
            WHEN 'text'::regtype THEN '''x'''
            WHEN 'jsonb'::regtype THEN '''{}''::jsonb'
            WHEN 'double precision'::regtype THEN '1.5::float8'
            WHEN 'integer'::regtype THEN '3'
            WHEN 'bigint'::regtype THEN '3::bigint'
            WHEN 'boolean'::regtype THEN 'false'
            WHEN 'timestamp with time zone'::regtype THEN '''2025-01-06 00:00+00''::timestamptz'
        END
    END
$$;

-- Extreme values of a type: (label, SQL expression).  A type missing here
-- makes its functions show up below with "no extremes for <type>".
CREATE FUNCTION pg_temp.extremes(argtype regtype, OUT label text, OUT expr text) RETURNS SETOF record
LANGUAGE sql IMMUTABLE AS $$
    SELECT v.label, v.expr
      FROM (VALUES
        ('text'::regtype, 'empty string', '''''::text'),
        ('text', '1 MB string', 'repeat(''x'', 1048576)'),
        ('text', '1 MB of multibyte', 'repeat(''é'', 524288)'),
        ('double precision', 'NaN', '''NaN''::float8'),
        ('double precision', 'Infinity', '''Infinity''::float8'),
        ('double precision', '-Infinity', '''-Infinity''::float8'),
        ('double precision', '1e308', '1e308::float8'),
        ('double precision', '-1e308', '-1e308::float8'),
        ('double precision', '1e-308', '1e-308::float8'),
        ('double precision', '0', '0::float8'),
        ('integer', '2^31-1', '2147483647'),
        ('integer', '-2^31', '(-2147483648)::integer'),
        ('integer', '0', '0'),
        ('bigint', '2^63-1', '9223372036854775807::bigint'),
        ('bigint', '-2^63', '(-9223372036854775808)::bigint'),
        ('timestamp with time zone', 'infinity', '''infinity''::timestamptz'),
        ('timestamp with time zone', '-infinity', '''-infinity''::timestamptz'),
        ('timestamp with time zone', 'year 294276', '''294276-12-31 00:00+00''::timestamptz'),
        ('timestamp with time zone', '4713 BC', '''4713-01-01 00:00+00 BC''::timestamptz'),
        ('boolean', 'true', 'true'),
        ('jsonb', 'empty object', '''{}''::jsonb'),
        ('jsonb', 'empty array', '''[]''::jsonb'),
        ('jsonb', 'json null', '''null''::jsonb'),
        ('jsonb', '1e308', '''1e308''::jsonb'),
        ('jsonb', '1 MB string', 'to_jsonb(repeat(''x'', 1048576))'),
        ('jsonb', '1 MB key', 'jsonb_build_object(repeat(''k'', 1048576), 1)'),
        ('jsonb', '100000 keys', '(SELECT jsonb_object_agg(''k'' || i, i) FROM generate_series(1, 100000) i)'),
        ('jsonb', '1000 nested arrays', '(repeat(''['', 1000) || repeat('']'', 1000))::jsonb')
      ) AS v(argtype, label, expr)
     WHERE v.argtype = $1
$$;

CREATE TEMP TABLE outcomes (
    pass      text,         -- 'null' or 'extreme'
    signature text,
    position  integer,
    label     text,
    outcome   text,         -- 'result' or the SQLSTATE
    nonfinite boolean,
    longest   integer,      -- longest of message, detail and hint
    message   text
);

-- Calls f with the arguments exprs; records what happened, then undoes it.
CREATE FUNCTION pg_temp.try_call(pass text, f ext_functions, pos integer, label text, exprs text[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    answer text;
    st text;
    msg text;
    det text;
    hnt text;
BEGIN
    BEGIN
        EXECUTE pg_catalog.format('SELECT pg_catalog.string_agg(r::text, '','') FROM %s(%s) AS r',
                                  f.qualified, pg_catalog.array_to_string(exprs, ', '))
           INTO answer;
        -- undo the call's writes; the answer survives in its variable
        RAISE EXCEPTION USING ERRCODE = 'BFZZZ';
    EXCEPTION
        WHEN SQLSTATE 'BFZZZ' THEN
            INSERT INTO outcomes VALUES (pass, f.signature, pos, label, 'result',
                                         answer ~ '(NaN|Infinity)', 0, NULL);
        WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                                    det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
            INSERT INTO outcomes VALUES (pass, f.signature, pos, label, st, false,
                                         greatest(length(msg), length(det), length(hnt)),
                                         left(msg, 120));
    END;
END
$$;

-- Both passes: every position in turn gets NULL, then each extreme of its type.
-- Notices and warnings (a command nobody receives, a failed ingestion) are
-- not what this file checks.
SET client_min_messages = error;
DO $$
DECLARE
    f ext_functions;
    args text[];
    e record;
BEGIN
    FOR f IN SELECT * FROM ext_functions ORDER BY signature LOOP
        args := ARRAY(SELECT pg_temp.plausible(f.argnames[i], f.argtypes[i - 1])
                        FROM generate_series(1, f.pronargs) i ORDER BY i);
        FOR pos IN 1 .. f.pronargs LOOP
            PERFORM pg_temp.try_call('null', f, pos, 'NULL',
                                     args[:pos - 1] || pg_catalog.format('NULL::%s', f.argtypes[pos - 1]::regtype) || args[pos + 1:]);
            IF NOT EXISTS (SELECT FROM pg_temp.extremes(f.argtypes[pos - 1])) THEN
                INSERT INTO outcomes VALUES ('extreme', f.signature, pos,
                                             'no extremes for ' || f.argtypes[pos - 1]::regtype, 'none', false, 0, NULL);
            END IF;
            FOR e IN SELECT * FROM pg_temp.extremes(f.argtypes[pos - 1]) LOOP
                PERFORM pg_temp.try_call('extreme', f, pos, e.label,
                                         args[:pos - 1] || e.expr || args[pos + 1:]);
            END LOOP;
        END LOOP;
    END LOOP;
END
$$;
RESET client_min_messages;

-- Every function is here, each with its calls and how they ended: "result"
-- or the SQLSTATE classes of its errors (22 data exception, P0 raised by
-- plpgsql, ...).  Functions without arguments show 0 calls.
SELECT f.signature,
       count(o.*) FILTER (WHERE o.pass = 'null') AS null_calls,
       coalesce((SELECT string_agg(c || ' ' || n, ', ' ORDER BY c)
                   FROM (SELECT CASE WHEN x.outcome = 'result' THEN 'result' ELSE left(x.outcome, 2) END AS c, count(*) AS n
                           FROM outcomes x WHERE x.signature = f.signature AND x.pass = 'null' GROUP BY 1) s), '-') AS null_outcomes,
       count(o.*) FILTER (WHERE o.pass = 'extreme') AS extreme_calls,
       coalesce((SELECT string_agg(c || ' ' || n, ', ' ORDER BY c)
                   FROM (SELECT CASE WHEN x.outcome = 'result' THEN 'result' ELSE left(x.outcome, 2) END AS c, count(*) AS n
                           FROM outcomes x WHERE x.signature = f.signature AND x.pass = 'extreme' GROUP BY 1) s), '-') AS extreme_outcomes
  FROM ext_functions f
  LEFT JOIN outcomes o ON o.signature = f.signature
 GROUP BY f.signature
 ORDER BY f.signature;

-- internal errors: none
SELECT pass, signature, position, label, outcome, message
  FROM outcomes WHERE outcome LIKE 'XX%' ORDER BY 2, 1, 3, 4;

-- errors that echo a huge input: none
SELECT pass, signature, position, label, outcome, longest
  FROM outcomes WHERE longest >= 500 ORDER BY 2, 1, 3, 4;

-- NaN or Infinity from finite input: none
SELECT signature, position, label
  FROM outcomes WHERE pass = 'extreme' AND nonfinite
   AND label NOT IN ('NaN', 'Infinity', '-Infinity') ORDER BY 1, 2, 3;

-- every error of the extreme pass is a data exception or raised by plpgsql
-- with 22023's meaning; other classes are listed
SELECT signature, position, label, outcome, message
  FROM outcomes
 WHERE outcome NOT IN ('result', 'none') AND left(outcome, 2) NOT IN ('22', 'P0')
 ORDER BY 1, 2, 3;
