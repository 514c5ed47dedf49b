/*
 * bifrost--0.6--0.7.sql: upgrade script from bifrost 0.6 to 0.7, money
 * safety.
 *
 * Paper means no order leaves for a venue, legs settle at expiry, every
 * table that carries state is dumped, client order ids stay unique across a
 * failover, and the self-check proves the ledger agrees with itself.
 */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION bifrost UPDATE TO '0.7'" to load this file. \quit

------------------------------------------------------------------------------
-- Paper versus live, orders and fills.
------------------------------------------------------------------------------

------------------------------------------------------------------------------
-- Settlement at expiry.
------------------------------------------------------------------------------

-- The new configuration key (book.settlement) and any other key this
-- version's library knows that an older bifrost.config lacks: seeded with
-- its default, a stored value is never touched.
INSERT INTO bifrost.config (key, value)
SELECT d.key, d.value FROM bifrost._config_defaults() d
 WHERE NOT EXISTS (SELECT 1 FROM bifrost.config c WHERE c.key = d.key);

-- One row per leg settled at its expiry, written by the hedger at the first
-- usable quote at or after the expiry instant.  The price is fixed once for
-- all legs of a symbol and expiry: a restart values them alike, and the
-- row stays when the operator deletes the leg afterwards (no foreign key).
CREATE TABLE bifrost.leg_settlements (
    leg_id           bigint PRIMARY KEY,
    symbol           text NOT NULL CHECK (symbol <> ''),
    option_right     text NOT NULL CHECK (option_right IN ('C', 'P')),
    strike           numeric NOT NULL CHECK (strike > 0 AND strike < 'Infinity'),
    expiry           timestamptz NOT NULL,
    quantity         integer NOT NULL,
    multiplier       integer NOT NULL CHECK (multiplier > 0),
    style            text NOT NULL CHECK (style IN ('cash', 'physical')),
    settlement_price double precision NOT NULL CHECK (settlement_price > 0 AND settlement_price < 'Infinity'),
    settled_at       timestamptz NOT NULL,
    value            double precision NOT NULL CHECK (value > '-Infinity' AND value < 'Infinity'),
    delivered_shares double precision NOT NULL CHECK (delivered_shares > '-Infinity' AND delivered_shares < 'Infinity'),
    recorded_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT leg_settlements_cash_delivers_nothing CHECK (style = 'physical' OR delivered_shares = 0)
);
CREATE INDEX leg_settlements_symbol_expiry_idx ON bifrost.leg_settlements (symbol, expiry);
COMMENT ON TABLE bifrost.leg_settlements IS 'Option legs settled at expiry: the underlying''s price they settled at, how (book.settlement) and what they were worth; written by the hedger';
COMMENT ON COLUMN bifrost.leg_settlements.leg_id IS 'The bifrost.legs id of the leg (the leg may since have been deleted)';
COMMENT ON COLUMN bifrost.leg_settlements.settlement_price IS 'Mid of the first usable quote at or after the expiry; the same for every leg of the symbol and expiry';
COMMENT ON COLUMN bifrost.leg_settlements.settled_at IS 'Time of that quote (later than expiry when the hedger had no quote at the expiry)';
COMMENT ON COLUMN bifrost.leg_settlements.value IS 'quantity x multiplier x intrinsic value at settlement_price (cash paid, or the delivered shares at that price less the strike)';
COMMENT ON COLUMN bifrost.leg_settlements.delivered_shares IS 'Underlying delivered (physical, in the money): + for a long call or short put, - for a long put or short call; 0 otherwise';

SELECT pg_catalog.pg_extension_config_dump('bifrost.leg_settlements', '');
GRANT SELECT ON bifrost.leg_settlements TO bifrost_reader;
GRANT SELECT, INSERT ON bifrost.leg_settlements TO bifrost_worker;

------------------------------------------------------------------------------
-- Dumps, client order ids, the ledger checks of the self-check.
------------------------------------------------------------------------------

------------------------------------------------------------------------------
-- Feeds and venues.
------------------------------------------------------------------------------

INSERT INTO bifrost.schema_version (version, name)
VALUES ('0.7', 'money safety: paper means paper, settlement at expiry, ledger checks');

------------------------------------------------------------------------------
-- The expected schema, re-baked from the upgraded catalog exactly as at the
-- end of bifrost--0.1.sql.  Keep this block last.
------------------------------------------------------------------------------

DO $expected$
BEGIN
    EXECUTE pg_catalog.format(
        'CREATE OR REPLACE FUNCTION bifrost.expected_schema() RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE'
        ' SET search_path = pg_catalog, pg_temp AS %L',
        pg_catalog.format('SELECT %L::jsonb', bifrost._catalog_snapshot()::text));
END
$expected$;
