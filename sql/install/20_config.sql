/*
 * sql/install/20_config.sql: the strategy configuration (bifrost.config,
 * one JSON value per key, its defaults and its validator) and the broker
 * credentials (bifrost.secrets).
 *
 * The defaults and the rules live in the library (src/engine/config_schema.c):
 * the table starts with every key at its default, and bifrost_config_set() is
 * the one way for an operator to change a value, refusing what the hedger
 * would refuse.
 */

CREATE FUNCTION bifrost._config_defaults(OUT key text, OUT value jsonb)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'bifrost_config_defaults'
LANGUAGE C IMMUTABLE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION bifrost._config_defaults() IS 'Built-in default of every strategy configuration key (the single source of defaults)';

CREATE TABLE bifrost.config (
    key        text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$'),
    value      jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text NOT NULL DEFAULT current_user
);
COMMENT ON TABLE bifrost.config IS 'Strategy configuration (gates.*, greeks.*, feed.*, broker.* ...), one JSON value per key; change it with bifrost_config_set()';

/*
 * pg_dump keeps bifrost.config, but CREATE EXTENSION has already written
 * every key before a restore loads the dumped rows, so a plain COPY would
 * fail on the primary key and lose the user's settings.  This trigger turns
 * an insert of an existing key into an update of that row.
 */
CREATE FUNCTION bifrost._config_merge_insert() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE bifrost.config c
       SET value = NEW.value, updated_at = NEW.updated_at, updated_by = NEW.updated_by
     WHERE c.key = NEW.key;
    IF FOUND THEN
        RETURN NULL;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION bifrost._config_merge_insert() IS 'Trigger: an INSERT of a key that already exists updates that row instead (lets pg_restore load bifrost.config over the seeded defaults)';

CREATE TRIGGER config_merge_insert
    BEFORE INSERT ON bifrost.config
    FOR EACH ROW EXECUTE FUNCTION bifrost._config_merge_insert();

INSERT INTO bifrost.config (key, value) SELECT key, value FROM bifrost._config_defaults();

CREATE FUNCTION bifrost.config_problems(OUT key text, OUT problem text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'bifrost_config_problems'
LANGUAGE C STABLE
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION bifrost.config_problems() IS 'Validates bifrost.config: one row per unknown or missing key, wrong type, value out of range or broken cross-key rule';

-- A numeric configuration value; NULL when the key is set to JSON null
-- (limit switched off) or holds no number.  Falls back to the built-in
-- default when the row is missing.
CREATE FUNCTION bifrost._config_number(cfg_key text)
RETURNS double precision
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN pg_catalog.jsonb_typeof(v.value) = 'number'
                THEN (v.value #>> '{}')::double precision
           END
      FROM (SELECT coalesce((SELECT c.value FROM bifrost.config c WHERE c.key = cfg_key),
                            (SELECT d.value FROM bifrost._config_defaults() d WHERE d.key = cfg_key)) AS value) v
$$;
COMMENT ON FUNCTION bifrost._config_number(text) IS 'Numeric value of a configuration key (its default when the row is missing), NULL when switched off';

CREATE FUNCTION bifrost_config_set(key text, value jsonb)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'bifrost_config_set'
LANGUAGE C VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION bifrost_config_set(text, jsonb) IS 'Validates and stores one strategy configuration value, returns the stored value and wakes the hedger';

-- Readable by the extension owner and bifrost_worker only (90_grants.sql),
-- and never dumped (85_dump.sql): re-enter the keys after a restore.
CREATE TABLE bifrost.secrets (
    name       text PRIMARY KEY CHECK (name <> ''),
    value      text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE bifrost.secrets IS 'Broker credentials (API keys, passphrases); readable by the extension owner only and left out of pg_dump';
