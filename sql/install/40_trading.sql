/*
 * sql/install/40_trading.sql: the option book the hedger keeps delta-neutral
 * and what hedging it leaves behind: its decisions, the hedge audit trail
 * (operations), orders and their life cycle, fills (trades), positions and
 * their adjustments, broker snapshots, risk events, and the legs settled at
 * expiry.
 *
 * The ledger holds together by these rows (80_self_check.sql checks it): a
 * NET position is the signed sum of its trades, less fees withheld in lots,
 * plus its adjustments; every order names its hedge_intent operation with the
 * same client order id, and is committed before it leaves.
 */

------------------------------------------------------------------------------
-- The option book.
------------------------------------------------------------------------------

-- Bounds a trader finds generous and a typo cannot pass: a leg of
-- 2,147,483,647 contracts or a strike of 1e300 moves the day's equity by
-- orders of magnitude and trips the loss breaker.  Expiries are finite and
-- from 2000 to the end of 2200 (a CHECK cannot say "within ten years of
-- now"), written as epoch seconds (2000-01-01 and 2201-01-01 UTC): the
-- catalog prints a timestamp literal in the session's TimeZone and DateStyle,
-- and the self-check compares that text with the expected schema.
CREATE TABLE bifrost.legs (
    id           bigserial PRIMARY KEY,
    symbol       text NOT NULL CHECK (symbol <> ''),
    option_right text NOT NULL CHECK (option_right IN ('C', 'P')),
    strike       numeric NOT NULL CHECK (strike > 0 AND strike <= 1000000000),
    expiry       timestamptz NOT NULL CHECK (expiry >= to_timestamp(946684800) AND expiry < to_timestamp(4102444800)),
    quantity     integer NOT NULL CHECK (quantity BETWEEN -1000000 AND 1000000),
    multiplier   integer NOT NULL DEFAULT 100 CHECK (multiplier BETWEEN 1 AND 100000),
    implied_vol  double precision CHECK (implied_vol IS NULL OR implied_vol BETWEEN 0.0001 AND 10),
    created_at   timestamptz NOT NULL DEFAULT now(),
    note         text
);
CREATE INDEX legs_symbol_idx ON bifrost.legs (symbol);
COMMENT ON TABLE bifrost.legs IS 'Option positions the hedger keeps delta-neutral, one row per leg';
COMMENT ON COLUMN bifrost.legs.quantity IS 'Signed number of contracts: positive long, negative short; at most 1,000,000 either way';
COMMENT ON COLUMN bifrost.legs.implied_vol IS 'Annualized implied volatility of the leg; NULL uses greeks.volatility';
COMMENT ON COLUMN bifrost.legs.strike IS 'Strike price, above 0 and at most 1e9';
COMMENT ON COLUMN bifrost.legs.expiry IS 'Expiry instant, from 2000-01-01 to the end of 2200 (UTC)';
COMMENT ON COLUMN bifrost.legs.multiplier IS 'Units of the underlying per contract, 1 to 100,000';

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

------------------------------------------------------------------------------
-- Decisions: every hedge decision of the engine, with the gate that blocked
-- it, and the runs of decision models (LLMs or rule sets) with the prompt and
-- model versions they used.
------------------------------------------------------------------------------

CREATE TABLE bifrost.prompt_versions (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL CHECK (name <> ''),
    version    text NOT NULL CHECK (version <> ''),
    content    text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT prompt_versions_name_version_key UNIQUE (name, version)
);
COMMENT ON TABLE bifrost.prompt_versions IS 'Versioned prompt texts used by LLM decision runs';

CREATE TABLE bifrost.model_versions (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL CHECK (name <> ''),
    version    text NOT NULL CHECK (version <> ''),
    metadata   jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT model_versions_name_version_key UNIQUE (name, version)
);
COMMENT ON TABLE bifrost.model_versions IS 'Versioned decision models (LLMs or rule sets) with their metadata';

CREATE TABLE bifrost.llm_runs (
    id                bigserial PRIMARY KEY,
    prompt_version_id bigint REFERENCES bifrost.prompt_versions (id),
    model_version_id  bigint REFERENCES bifrost.model_versions (id),
    ts                timestamptz NOT NULL DEFAULT now(),
    request           text,
    response          text,
    status            text CHECK (status IN ('running', 'success', 'failed', 'timeout')),
    latency_ms        integer CHECK (latency_ms >= 0),
    created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX llm_runs_ts_idx ON bifrost.llm_runs (ts DESC);
CREATE INDEX llm_runs_prompt_version_id_idx ON bifrost.llm_runs (prompt_version_id);
CREATE INDEX llm_runs_model_version_id_idx ON bifrost.llm_runs (model_version_id);
COMMENT ON TABLE bifrost.llm_runs IS 'One row per call of a decision model: request, response, outcome and latency';

CREATE TABLE bifrost.decisions (
    id                 bigserial PRIMARY KEY,
    symbol             text NOT NULL CHECK (symbol <> ''),
    timeframe          text NOT NULL DEFAULT 'tick' CHECK (timeframe IN ('tick', '15m', '1h', '4h', '1d')),
    ts                 timestamptz NOT NULL DEFAULT now(),
    action             text NOT NULL CHECK (action <> ''),
    confidence         double precision CHECK (confidence >= 0 AND confidence <= 1),
    reasoning          text,
    technical_analysis text,
    risk_assessment    text,
    llm_response       text,
    llm_run_id         bigint REFERENCES bifrost.llm_runs (id) ON DELETE SET NULL,
    prompt_version_id  bigint REFERENCES bifrost.prompt_versions (id),
    model_version_id   bigint REFERENCES bifrost.model_versions (id),
    created_at         timestamptz NOT NULL DEFAULT now(),
    net_delta          double precision CHECK (net_delta > '-Infinity' AND net_delta < 'Infinity'),
    intent_side        text CHECK (intent_side IN ('BUY', 'SELL')),
    intent_qty         integer CHECK (intent_qty >= 0),
    block_reason       text CHECK (block_reason <> ''),
    trading_state      text CHECK (trading_state IN ('BOOT', 'SYNC', 'IDLE', 'ARMED', 'MONITOR', 'NO_TRADE',
                                                     'PAUSE_COST', 'PAUSE_LIQ', 'NEED_HEDGE', 'HEDGING', 'SAFE')),
    config_hash        text,
    CONSTRAINT decisions_intent_side_and_qty CHECK ((intent_side IS NULL) = (intent_qty IS NULL))
);
CREATE INDEX decisions_symbol_ts_idx ON bifrost.decisions (symbol, ts DESC);
CREATE INDEX decisions_ts_idx ON bifrost.decisions (ts);
CREATE INDEX decisions_block_reason_ts_idx ON bifrost.decisions (block_reason, ts) WHERE block_reason IS NOT NULL;
CREATE INDEX decisions_llm_run_id_idx ON bifrost.decisions (llm_run_id) WHERE llm_run_id IS NOT NULL;
COMMENT ON TABLE bifrost.decisions IS 'Strategy decisions: LLM decisions and every hedge decision of the engine, with the gate that blocked it';
COMMENT ON COLUMN bifrost.decisions.timeframe IS 'Candle timeframe the decision was made on; tick for the hedger''s quote-driven decisions';
COMMENT ON COLUMN bifrost.decisions.block_reason IS 'First failing gate (circuit_breaker, cooldown, ...), NULL when the intent went out';

------------------------------------------------------------------------------
-- Hedges, orders, fills and positions.
------------------------------------------------------------------------------

CREATE TABLE bifrost.operations (
    id              bigserial PRIMARY KEY,
    ts              timestamptz NOT NULL DEFAULT now(),
    type            text NOT NULL CHECK (type IN ('hedge_intent', 'order_sent', 'fill', 'reject', 'cancel')),
    side            text CHECK (side IN ('BUY', 'SELL')),
    quantity        integer CHECK (quantity >= 0),
    price           double precision CHECK (price > 0 AND price < 'Infinity'),
    state_reason    text,
    client_order_id text CHECK (client_order_id <> ''),
    block_reason    text CHECK (block_reason <> ''),
    decision_mid    double precision CHECK (decision_mid > 0 AND decision_mid < 'Infinity'),
    realized_pnl    double precision CHECK (realized_pnl > '-Infinity' AND realized_pnl < 'Infinity'),
    CONSTRAINT operations_fill_complete CHECK (type <> 'fill' OR (side IS NOT NULL AND quantity IS NOT NULL AND price IS NOT NULL))
);
CREATE INDEX operations_ts_idx ON bifrost.operations (ts);
CREATE INDEX operations_type_ts_idx ON bifrost.operations (type, ts);
CREATE INDEX operations_client_order_id_idx ON bifrost.operations (client_order_id) WHERE client_order_id IS NOT NULL;
COMMENT ON TABLE bifrost.operations IS 'Hedge audit trail: one row per hedge intent, order sent, fill, reject and cancel';
COMMENT ON COLUMN bifrost.operations.state_reason IS 'Dimension or cause behind the operation: D2, D3, flatten, order_failed, ...';
COMMENT ON COLUMN bifrost.operations.decision_mid IS 'Quote mid when the hedge was decided (slippage reference)';

CREATE TABLE bifrost.orders (
    id                bigserial PRIMARY KEY,
    exchange          text NOT NULL DEFAULT 'paper' CHECK (exchange IN ('paper', 'okx', 'ibkr')),
    symbol            text NOT NULL CHECK (symbol <> ''),
    side              text NOT NULL CHECK (side IN ('BUY', 'SELL')),
    type              text NOT NULL CHECK (type IN ('MARKET', 'LIMIT')),
    price             numeric CHECK (price > 0 AND price < 'Infinity'),
    amount            numeric NOT NULL CHECK (amount > 0 AND amount < 'Infinity'),
    leverage          numeric CHECK (leverage > 0 AND leverage < 'Infinity'),
    status            text NOT NULL DEFAULT 'CREATED'
                      CHECK (status IN ('CREATED', 'NEW', 'PARTIALLY_FILLED', 'FILLED', 'CANCELED', 'REJECTED', 'UNKNOWN')),
    client_order_id   text NOT NULL CHECK (client_order_id <> ''),
    exchange_order_id text CHECK (exchange_order_id <> ''),
    time_in_force     text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    filled_amount     numeric NOT NULL DEFAULT 0 CHECK (filled_amount >= 0),
    remaining_amount  numeric CHECK (remaining_amount >= 0),
    average_price     numeric CHECK (average_price > 0 AND average_price < 'Infinity'),
    intent_id         bigint REFERENCES bifrost.operations (id) ON DELETE SET NULL,
    decision_id       bigint REFERENCES bifrost.decisions (id) ON DELETE SET NULL,
    CONSTRAINT orders_client_order_id_key UNIQUE (client_order_id),
    CONSTRAINT orders_filled_within_amount CHECK (filled_amount <= amount),
    CONSTRAINT orders_remaining_within_amount CHECK (remaining_amount <= amount),
    CONSTRAINT orders_limit_has_price CHECK (type <> 'LIMIT' OR price IS NOT NULL)
);
CREATE UNIQUE INDEX orders_exchange_order_id_key ON bifrost.orders (exchange_order_id) WHERE exchange_order_id IS NOT NULL;
CREATE INDEX orders_symbol_created_at_idx ON bifrost.orders (symbol, created_at DESC);
CREATE INDEX orders_open_idx ON bifrost.orders (exchange, symbol)
    WHERE status IN ('CREATED', 'NEW', 'PARTIALLY_FILLED', 'UNKNOWN');
CREATE INDEX orders_intent_id_idx ON bifrost.orders (intent_id) WHERE intent_id IS NOT NULL;
CREATE INDEX orders_decision_id_idx ON bifrost.orders (decision_id) WHERE decision_id IS NOT NULL;
COMMENT ON TABLE bifrost.orders IS 'Orders sent to a broker; the row (with its deterministic client_order_id) is committed before the order leaves';
COMMENT ON COLUMN bifrost.orders.status IS 'CREATED before sending, UNKNOWN when the outcome of a send is not known yet (timeout)';

CREATE TABLE bifrost.order_lifecycle_events (
    id                bigserial PRIMARY KEY,
    order_id          bigint NOT NULL REFERENCES bifrost.orders (id) ON DELETE CASCADE,
    status            text NOT NULL
                      CHECK (status IN ('CREATED', 'NEW', 'PARTIALLY_FILLED', 'FILLED', 'CANCELED', 'REJECTED', 'UNKNOWN')),
    message           text,
    ts                timestamptz NOT NULL DEFAULT now(),
    created_at        timestamptz NOT NULL DEFAULT now(),
    exchange          text CHECK (exchange IN ('paper', 'okx', 'ibkr')),
    symbol            text,
    exchange_status   text,
    exchange_event_ts timestamptz,
    raw_payload       jsonb,
    client_order_id   text,
    trade_id          text,
    fill_qty          numeric CHECK (fill_qty > 0 AND fill_qty < 'Infinity'),
    fill_price        numeric CHECK (fill_price > 0 AND fill_price < 'Infinity'),
    fee               numeric,
    fee_currency      text
);
CREATE INDEX order_lifecycle_events_order_id_ts_idx ON bifrost.order_lifecycle_events (order_id, ts DESC);
CREATE INDEX order_lifecycle_events_symbol_ts_idx ON bifrost.order_lifecycle_events (symbol, ts DESC);
COMMENT ON TABLE bifrost.order_lifecycle_events IS 'Every status transition of an order, with the broker''s raw report';
COMMENT ON COLUMN bifrost.order_lifecycle_events.message IS 'Transition and its cause, e.g. "NEW -> FILLED. filled 100 @ 101.2"';

-- A venue may charge its fee in the instrument bought (OKX spot: the base
-- currency), so the account receives fewer lots than the fill's amount
-- (fee_base).
CREATE TABLE bifrost.trades (
    id           bigserial PRIMARY KEY,
    order_id     bigint NOT NULL REFERENCES bifrost.orders (id),
    exchange     text NOT NULL DEFAULT 'paper' CHECK (exchange IN ('paper', 'okx', 'ibkr')),
    trade_id     text NOT NULL CHECK (trade_id <> ''),
    symbol       text NOT NULL CHECK (symbol <> ''),
    side         text NOT NULL CHECK (side IN ('BUY', 'SELL')),
    price        numeric NOT NULL CHECK (price > 0 AND price < 'Infinity'),
    amount       numeric NOT NULL CHECK (amount > 0 AND amount < 'Infinity'),
    fee          numeric,
    fee_currency text,
    realized_pnl numeric,
    ts           timestamptz NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    fee_base     numeric NOT NULL DEFAULT 0
                 CONSTRAINT trades_fee_base_finite CHECK (fee_base > '-Infinity' AND fee_base < 'Infinity'),
    CONSTRAINT trades_exchange_trade_id_key UNIQUE (exchange, trade_id)
);
CREATE INDEX trades_symbol_ts_idx ON bifrost.trades (symbol, ts DESC);
CREATE INDEX trades_order_id_idx ON bifrost.trades (order_id);
COMMENT ON TABLE bifrost.trades IS 'Executions (fills) reported by the broker, one row per venue trade id';
COMMENT ON COLUMN bifrost.trades.fee IS
    'Fee in the quote currency (USD, USDT), as a positive cost; NULL when the venue does not report it';
COMMENT ON COLUMN bifrost.trades.fee_base IS
    'Fee withheld in the traded instrument, in lots (the unit of amount), positive = fewer lots received: the position moves by the signed amount minus fee_base';

CREATE TABLE bifrost.positions (
    id                bigserial PRIMARY KEY,
    exchange          text NOT NULL DEFAULT 'paper' CHECK (exchange IN ('paper', 'okx', 'ibkr')),
    symbol            text NOT NULL CHECK (symbol <> ''),
    side              text NOT NULL CHECK (side IN ('LONG', 'SHORT', 'NET')),
    size              numeric NOT NULL CHECK (size > '-Infinity' AND size < 'Infinity'),
    entry_price       numeric CHECK (entry_price > 0 AND entry_price < 'Infinity'),
    leverage          numeric CHECK (leverage > 0 AND leverage < 'Infinity'),
    unrealized_pnl    numeric,
    margin            numeric,
    liquidation_price numeric CHECK (liquidation_price >= 0),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT positions_exchange_symbol_side_key UNIQUE (exchange, symbol, side),
    CONSTRAINT positions_sided_size_not_negative CHECK (side = 'NET' OR size >= 0)
);
COMMENT ON TABLE bifrost.positions IS 'Current positions per broker, instrument and side (NET = signed one-way position, e.g. the stock hedge)';

-- The broker's position wins when it differs from the hedger's (a fill never
-- heard of, a trade by hand); each such reconciliation is a row here, so the
-- ledger check tells a recorded adjustment from drift: a NET position is the
-- signed sum of its trades plus its adjustments.
CREATE TABLE bifrost.position_adjustments (
    id          bigserial PRIMARY KEY,
    exchange    text NOT NULL DEFAULT 'paper' CHECK (exchange IN ('paper', 'okx', 'ibkr')),
    symbol      text NOT NULL CHECK (symbol <> ''),
    ts          timestamptz NOT NULL DEFAULT now(),
    size_before numeric NOT NULL CHECK (size_before > '-Infinity' AND size_before < 'Infinity'),
    size_after  numeric NOT NULL CHECK (size_after > '-Infinity' AND size_after < 'Infinity'),
    reason      text NOT NULL CHECK (reason <> ''),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX position_adjustments_exchange_symbol_idx ON bifrost.position_adjustments (exchange, symbol);
COMMENT ON TABLE bifrost.position_adjustments IS
    'Changes of a NET position that no trade explains (the broker''s position taken by a reconciliation): positions.size = signed sum of trades + sum(size_after - size_before)';
COMMENT ON COLUMN bifrost.position_adjustments.reason IS 'Why, e.g. position_mismatch (a risk event of that rule says more)';

------------------------------------------------------------------------------
-- The broker's own account: positions and balances as reported, and risk.
------------------------------------------------------------------------------

CREATE TABLE bifrost.position_snapshots (
    id                  bigserial PRIMARY KEY,
    exchange            text NOT NULL DEFAULT 'paper' CHECK (exchange IN ('paper', 'okx', 'ibkr')),
    account_id          text,
    symbol              text NOT NULL CHECK (symbol <> ''),
    ts                  timestamptz NOT NULL,
    side                text NOT NULL CHECK (side IN ('LONG', 'SHORT', 'NET')),
    size                numeric NOT NULL CHECK (size > '-Infinity' AND size < 'Infinity'),
    qty                 numeric,
    entry_price         numeric CHECK (entry_price > 0 AND entry_price < 'Infinity'),
    mark_price          numeric CHECK (mark_price > 0 AND mark_price < 'Infinity'),
    unrealized_pnl      numeric,
    leverage            numeric CHECK (leverage > 0 AND leverage < 'Infinity'),
    margin              numeric,
    liquidation_price   numeric CHECK (liquidation_price >= 0),
    notional_usdt       numeric,
    unrealized_pnl_usdt numeric,
    margin_usdt         numeric,
    raw_payload         jsonb,
    created_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT position_snapshots_key UNIQUE NULLS NOT DISTINCT (exchange, account_id, symbol, ts, side),
    CONSTRAINT position_snapshots_sided_size_not_negative CHECK (side = 'NET' OR size >= 0)
);
CREATE INDEX position_snapshots_symbol_ts_idx ON bifrost.position_snapshots (symbol, ts DESC);
COMMENT ON TABLE bifrost.position_snapshots IS 'Positions as reported by the broker at a point in time';

CREATE TABLE bifrost.balances (
    id         bigserial PRIMARY KEY,
    exchange   text NOT NULL DEFAULT 'paper' CHECK (exchange IN ('paper', 'okx', 'ibkr')),
    account_id text,
    currency   text NOT NULL CHECK (currency <> ''),
    ts         timestamptz NOT NULL,
    total      numeric NOT NULL CHECK (total > '-Infinity' AND total < 'Infinity'),
    free       numeric,
    used       numeric,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT balances_key UNIQUE NULLS NOT DISTINCT (exchange, account_id, currency, ts)
);
CREATE INDEX balances_currency_ts_idx ON bifrost.balances (currency, ts DESC);
COMMENT ON TABLE bifrost.balances IS 'Account balance snapshots per currency';

CREATE TABLE bifrost.risk_events (
    id         bigserial PRIMARY KEY,
    symbol     text NOT NULL CHECK (symbol <> ''),
    ts         timestamptz NOT NULL DEFAULT now(),
    level      text NOT NULL CHECK (level IN ('info', 'warn', 'block')),
    rule       text NOT NULL CHECK (rule <> ''),
    details    text,
    created_at timestamptz NOT NULL DEFAULT now(),
    order_id   bigint REFERENCES bifrost.orders (id) ON DELETE SET NULL
);
CREATE INDEX risk_events_symbol_ts_idx ON bifrost.risk_events (symbol, ts DESC);
CREATE INDEX risk_events_rule_ts_idx ON bifrost.risk_events (rule, ts DESC);
CREATE INDEX risk_events_order_id_idx ON bifrost.risk_events (order_id) WHERE order_id IS NOT NULL;
COMMENT ON TABLE bifrost.risk_events IS 'Risk rule outcomes: which rule fired, how severe, and why (details)';
