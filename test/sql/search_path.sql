-- search_path: the extension's functions that run SQL of their own pin
-- their search_path, so objects planted in a schema early in the caller's
-- search_path (here mal, owned by an unprivileged role) are never what they
-- call; every other function is listed, to be looked at when it changes.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS bifrost;
CREATE ROLE regress_mallory;
RESET client_min_messages;
CREATE SCHEMA mal AUTHORIZATION regress_mallory;
SET ROLE regress_mallory;
CREATE TABLE mal.calls (fn text, usr text);
CREATE FUNCTION mal.record_call(fn text) RETURNS void LANGUAGE sql
    SET search_path = pg_catalog
    AS $$ INSERT INTO mal.calls VALUES (fn, current_user) $$;
CREATE FUNCTION mal.text_eq(a text, b text) RETURNS boolean LANGUAGE plpgsql
    SET search_path = pg_catalog
    AS $$ BEGIN PERFORM mal.record_call('='); RETURN a OPERATOR(pg_catalog.=) b; END $$;
CREATE OPERATOR mal.= (LEFTARG = text, RIGHTARG = text, FUNCTION = mal.text_eq);
CREATE FUNCTION mal.now() RETURNS timestamptz LANGUAGE plpgsql
    SET search_path = pg_catalog
    AS $$ BEGIN PERFORM mal.record_call('now'); RETURN pg_catalog.now(); END $$;
GRANT USAGE ON SCHEMA mal TO PUBLIC;
GRANT INSERT ON mal.calls TO PUBLIC;
RESET ROLE;

-- the trap works on a plain query
SET search_path = mal, pg_catalog, public;
SELECT 'a' = 'a' AS plain_query_falls_in;
SELECT count(*) AS calls FROM mal.calls;
TRUNCATE mal.calls;

-- the functions that run SQL, called with that search_path
SELECT count(*) >= 0 AS ran FROM bifrost.config_problems();
SELECT bifrost._wake_worker() AS woken;
SELECT bifrost_evaluate('{}') IS NOT NULL AS evaluated;
SET client_min_messages = error;  -- its warning says the venue (a closed local port) refused
SELECT bifrost_ingest('okx', 'BTC-USDT-SWAP', 'price_snapshot') >= 0 AS ingested;
RESET client_min_messages;
SELECT count(*) >= 0 AS checked FROM bifrost_self_check();
SELECT bifrost_status() IS NOT NULL AS status;
SELECT bifrost.expected_schema() IS NOT NULL AS expected;
RESET search_path;
SELECT fn, usr FROM mal.calls ORDER BY 1, 2;

-- every function of the extension that does not pin its search_path: pure
-- computations only
SELECT p.oid::regprocedure AS unpinned_function
  FROM pg_depend d JOIN pg_proc p ON p.oid = d.objid
 WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'bifrost')
   AND d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
   AND NOT coalesce(p.proconfig @> ARRAY['search_path=pg_catalog, pg_temp'], false)
 ORDER BY p.oid::regprocedure::text;

SET client_min_messages = warning;
DROP SCHEMA mal CASCADE;
DROP ROLE regress_mallory;
RESET client_min_messages;
