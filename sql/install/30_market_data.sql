/*
 * sql/install/30_market_data.sql: what the feeds and the ingestion store:
 * recorded quotes (the replay feed's source), OHLCV candles, funding rates,
 * price snapshots, open interest, long/short ratios, the ingestion runs and
 * the candle integrity findings; and the NYSE calendar the trading-hours gate
 * reads.  The functions that read and ingest these are in 35_data_service.sql.
 */

CREATE TABLE bifrost.ticks (
    id     bigserial PRIMARY KEY,
    symbol text NOT NULL CHECK (symbol <> ''),
    ts     timestamptz NOT NULL,
    bid    numeric CHECK (bid > 0 AND bid < 'Infinity'),
    ask    numeric CHECK (ask > 0 AND ask < 'Infinity'),
    last   numeric CHECK (last > 0 AND last < 'Infinity'),
    CONSTRAINT ticks_bid_not_above_ask CHECK (bid <= ask),
    CONSTRAINT ticks_has_price CHECK (num_nonnulls(bid, ask, last) > 0)
);
CREATE INDEX ticks_symbol_ts_idx ON bifrost.ticks (symbol, ts);
COMMENT ON TABLE bifrost.ticks IS 'Recorded quotes: the source of the replay feed and of backtests';

CREATE TABLE bifrost.market_data (
    id         bigserial PRIMARY KEY,
    symbol     text NOT NULL CHECK (symbol <> ''),
    timeframe  text NOT NULL CHECK (timeframe IN ('15m', '1h', '4h', '1d')),
    ts         timestamptz NOT NULL,
    open       numeric NOT NULL CHECK (open > 0 AND open < 'Infinity'),
    high       numeric NOT NULL CHECK (high > 0 AND high < 'Infinity'),
    low        numeric NOT NULL CHECK (low > 0 AND low < 'Infinity'),
    close      numeric NOT NULL CHECK (close > 0 AND close < 'Infinity'),
    volume     numeric NOT NULL CHECK (volume >= 0 AND volume < 'Infinity'),
    confirmed  boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT market_data_symbol_timeframe_ts_key UNIQUE (symbol, timeframe, ts),
    CONSTRAINT market_data_high_low_range CHECK (high >= greatest(open, close, low) AND low <= least(open, close, high))
);
COMMENT ON TABLE bifrost.market_data IS 'OHLCV candles by open time; unconfirmed (still forming) candles are replaced by later ingestion';
COMMENT ON COLUMN bifrost.market_data.volume IS 'Volume as the venue reports it (contracts for OKX swaps)';
COMMENT ON COLUMN bifrost.market_data.confirmed IS 'false while the candle is still forming; such rows are overwritten on the next ingestion';

CREATE TABLE bifrost.funding_rates (
    id                bigserial PRIMARY KEY,
    symbol            text NOT NULL CHECK (symbol <> ''),
    funding_time      timestamptz NOT NULL,
    funding_rate      numeric NOT NULL CHECK (funding_rate > -1 AND funding_rate < 1),
    next_funding_time timestamptz,
    fetched_at        timestamptz NOT NULL DEFAULT now(),
    created_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT funding_rates_symbol_funding_time_key UNIQUE (symbol, funding_time),
    CONSTRAINT funding_rates_next_after_current CHECK (next_funding_time > funding_time)
);
COMMENT ON TABLE bifrost.funding_rates IS 'Perpetual swap funding rates keyed by their settlement time (fundingTime), not by fetch time';

CREATE TABLE bifrost.price_snapshots (
    id          bigserial PRIMARY KEY,
    symbol      text NOT NULL CHECK (symbol <> ''),
    ts          timestamptz NOT NULL,
    last_price  numeric CHECK (last_price > 0 AND last_price < 'Infinity'),
    mark_price  numeric CHECK (mark_price > 0 AND mark_price < 'Infinity'),
    index_price numeric CHECK (index_price > 0 AND index_price < 'Infinity'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT price_snapshots_symbol_ts_key UNIQUE (symbol, ts),
    CONSTRAINT price_snapshots_has_price CHECK (num_nonnulls(last_price, mark_price, index_price) > 0)
);
COMMENT ON TABLE bifrost.price_snapshots IS 'Last, mark and index price of an instrument at one instant';

CREATE TABLE bifrost.open_interest (
    id                  bigserial PRIMARY KEY,
    symbol              text NOT NULL CHECK (symbol <> ''),
    ts                  timestamptz NOT NULL,
    open_interest       numeric NOT NULL CHECK (open_interest >= 0 AND open_interest < 'Infinity'),
    open_interest_value numeric CHECK (open_interest_value >= 0 AND open_interest_value < 'Infinity'),
    created_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT open_interest_symbol_ts_key UNIQUE (symbol, ts)
);
COMMENT ON TABLE bifrost.open_interest IS
    'Open interest of a derivative at the venue''s time: in contracts (open_interest) and in USD as the venue values it (open_interest_value, OKX oiUsd)';

CREATE TABLE bifrost.long_short_ratio (
    id         bigserial PRIMARY KEY,
    symbol     text NOT NULL CHECK (symbol <> ''),
    ts         timestamptz NOT NULL,
    ratio      numeric NOT NULL CHECK (ratio >= 0 AND ratio < 'Infinity'),
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT long_short_ratio_symbol_ts_key UNIQUE (symbol, ts)
);
COMMENT ON TABLE bifrost.long_short_ratio IS
    'Ratio of accounts net long to accounts net short reported by the venue (OKX: per coin, across its futures and swaps), stored under the instrument it was ingested for';

CREATE TABLE bifrost.ingestion_runs (
    id            bigserial PRIMARY KEY,
    source        text NOT NULL CHECK (source IN ('okx')),
    symbol        text NOT NULL CHECK (symbol <> ''),
    timeframe     text CHECK (timeframe IN ('15m', '1h', '4h', '1d')),
    data_type     text NOT NULL
                  CHECK (data_type IN ('ohlcv', 'funding_rate', 'price_snapshot', 'open_interest', 'long_short_ratio')),
    started_at    timestamptz NOT NULL DEFAULT now(),
    ended_at      timestamptz,
    rows_inserted integer CHECK (rows_inserted >= 0),
    status        text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'success', 'failed', 'skipped')),
    error         text,
    CONSTRAINT ingestion_runs_timeframe_iff_ohlcv CHECK ((data_type = 'ohlcv') = (timeframe IS NOT NULL)),
    CONSTRAINT ingestion_runs_time_range CHECK (ended_at >= started_at),
    CONSTRAINT ingestion_runs_ended CHECK (status = 'running' OR ended_at IS NOT NULL)
);
CREATE INDEX ingestion_runs_symbol_started_at_idx ON bifrost.ingestion_runs (symbol, started_at DESC);
CREATE INDEX ingestion_runs_data_type_started_at_idx ON bifrost.ingestion_runs (data_type, symbol, started_at DESC);
COMMENT ON TABLE bifrost.ingestion_runs IS 'One row per market-data ingestion call: what was fetched, how many rows were new or changed, and the outcome';

CREATE TABLE bifrost.candle_integrity_events (
    id             bigserial PRIMARY KEY,
    symbol         text NOT NULL CHECK (symbol <> ''),
    timeframe      text NOT NULL CHECK (timeframe IN ('15m', '1h', '4h', '1d')),
    event_type     text NOT NULL CHECK (event_type IN ('GAP', 'DUPLICATE', 'REPAIR')),
    start_ts       timestamptz,
    end_ts         timestamptz,
    expected_bars  integer CHECK (expected_bars >= 0),
    actual_bars    integer CHECK (actual_bars >= 0),
    missing_bars   integer CHECK (missing_bars >= 0),
    duplicate_bars integer CHECK (duplicate_bars >= 0),
    severity       text CHECK (severity IN ('LOW', 'MEDIUM', 'HIGH')),
    detected_at    timestamptz NOT NULL DEFAULT now(),
    repair_job_id  text,
    details_json   jsonb,
    CONSTRAINT candle_integrity_events_time_range CHECK (end_ts >= start_ts)
);
CREATE INDEX candle_integrity_events_detected_at_idx ON bifrost.candle_integrity_events (symbol, timeframe, detected_at DESC);
CREATE INDEX candle_integrity_events_start_ts_idx ON bifrost.candle_integrity_events (symbol, timeframe, start_ts DESC);
COMMENT ON TABLE bifrost.candle_integrity_events IS 'Gaps, duplicates and repairs found in stored candles';

------------------------------------------------------------------------------
-- The NYSE calendar: its rows come from the exchange's rules (the library's
-- calendar), and users add one-off closures (a row with early_close NULL
-- closes the whole day; with a time, the session ends then).
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
