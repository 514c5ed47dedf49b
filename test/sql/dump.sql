-- dump: every table of schema bifrost is either dumped by pg_dump (it is in
-- pg_extension.extconfig, marked by pg_extension_config_dump) or left out on
-- purpose, for the reason given below.  A new table that is neither shows as
-- FORGOTTEN: mark it in sql/install/85_dump.sql (and in the update script
-- that creates it), or add it here with its reason.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS bifrost;
RESET client_min_messages;

CREATE TEMP VIEW dump_plan AS
WITH dumped AS (
    SELECT u.cfg AS oid, coalesce(nullif(u.cond, ''), 'all rows') AS rows
      FROM pg_extension e
     CROSS JOIN LATERAL unnest(e.extconfig, e.extcondition) AS u(cfg, cond)
     WHERE e.extname = 'bifrost'),
deliberate (relname, why) AS (VALUES
    ('status_current',   'rebuilt by the hedger at its first heartbeat from the dumped ledger'),
    ('daemon_heartbeat', 'liveness of a worker of the dumped cluster: after a restore it would read as a dead worker'),
    ('secrets',          'kept out of dumps on purpose: enter the keys again after a restore'),
    ('schema_version',   'written by the install and update scripts that CREATE EXTENSION runs'))
SELECT c.relname,
       CASE WHEN d.oid IS NOT NULL AND n.relname IS NOT NULL THEN 'BOTH dumped and listed as not dumped'
            WHEN d.oid IS NOT NULL THEN 'dumped: ' || d.rows
            WHEN n.relname IS NOT NULL THEN 'not dumped: ' || n.why
            ELSE 'FORGOTTEN: neither dumped nor listed as deliberately left out'
       END AS plan
  FROM pg_class c
  LEFT JOIN dumped d ON d.oid = c.oid
  LEFT JOIN deliberate n ON n.relname = c.relname
 WHERE c.relnamespace = 'bifrost'::regnamespace AND c.relkind IN ('r', 'p');

-- each table of the schema, and what a dump does with it
SELECT relname, plan FROM dump_plan ORDER BY relname;
-- nothing forgotten
SELECT relname AS forgotten FROM dump_plan WHERE plan NOT LIKE 'dumped%' AND plan NOT LIKE 'not dumped%';

-- the sequence behind every dumped table's serial column is dumped too, so
-- restored rows and new ones never share an id
SELECT s.relname AS sequence_not_dumped, t.relname AS of_table
  FROM pg_depend dep
  JOIN pg_class s ON s.oid = dep.objid AND s.relkind = 'S'
  JOIN pg_class t ON t.oid = dep.refobjid
  JOIN pg_extension e ON e.extname = 'bifrost'
 WHERE dep.classid = 'pg_class'::regclass AND dep.refclassid = 'pg_class'::regclass AND dep.deptype = 'a'
   AND t.relnamespace = 'bifrost'::regnamespace
   AND t.oid = ANY (e.extconfig) AND NOT s.oid = ANY (e.extconfig)
 ORDER BY 1;

-- a dumped table the install script writes rows into would collide with its
-- own dump on restore (CREATE EXTENSION writes them again before the data is
-- loaded):
-- the run flag starts empty (no row reads as not suspended)
SELECT count(*) AS run_status_rows FROM bifrost.daemon_run_status;

DROP VIEW dump_plan;
