#!/usr/bin/env bash
# bench/bench_ledger.sh: what the ledger checks of bifrost_self_check() cost on a big ledger.
#
# Boots a throwaway cluster (as the postgres OS user, in a mktemp directory, on a free port; removed on
# exit), runs CREATE EXTENSION bifrost with the installed extension (`make install` first), writes a
# ledger of HEDGES hedges (default 100,000) as the hedger records them (an intent, an order sent and a
# fill operation, the order, its trade; the position and the status row they make, the day's orders),
# analyzes, and times the ledger category of the self-check ROUNDS times (default 7), and the whole
# self-check once. Prints the median and the worst in ms. It prints figures; it does not pass or fail.
#
#     sudo bash bench/bench_ledger.sh          # or as the postgres user; HEDGES=1000000 for more
#
# The goal: cheap enough to run every minute (well under a second).
set -euo pipefail

HEDGES=${HEDGES:-100000}
ROUNDS=${ROUNDS:-7}
# shellcheck source=bench/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

require_installed

start_scratch_cluster ledger 55532

# Hedge g: intent 3g-2, order_sent 3g-1, fill 3g; one a minute back from 2026-11-24 15:00 UTC, sides
# alternating, so that the day of the status row holds the last few hundred orders.
psql_run <<SQL
INSERT INTO bifrost.operations (id, ts, type, side, quantity, price, client_order_id)
SELECT 3 * g - 3 + k, '2026-11-24 20:00+00'::timestamptz - (g || ' min')::interval,
       (ARRAY['hedge_intent', 'order_sent', 'fill'])[k],
       CASE WHEN g % 2 = 0 THEN 'BUY' ELSE 'SELL' END, 10 + g % 7, 100, 'bf20261124i' || (3 * g - 2)
  FROM generate_series(1, $HEDGES) g, generate_series(1, 3) k;
INSERT INTO bifrost.orders (id, exchange, symbol, side, type, amount, status, client_order_id, created_at,
                            filled_amount, remaining_amount, intent_id)
SELECT g, 'paper', 'NVDA', CASE WHEN g % 2 = 0 THEN 'BUY' ELSE 'SELL' END, 'MARKET', 10 + g % 7, 'FILLED',
       'bf20261124i' || (3 * g - 2), '2026-11-24 20:00+00'::timestamptz - (g || ' min')::interval,
       10 + g % 7, 0, 3 * g - 2
  FROM generate_series(1, $HEDGES) g;
INSERT INTO bifrost.trades (order_id, exchange, trade_id, symbol, side, price, amount, ts)
SELECT id, exchange, client_order_id || '-1', symbol, side, 100, amount, created_at FROM bifrost.orders;
INSERT INTO bifrost.positions (exchange, symbol, side, size)
SELECT 'paper', 'NVDA', 'NET', sum(CASE WHEN side = 'BUY' THEN amount ELSE -amount END) FROM bifrost.trades;
INSERT INTO bifrost.hedger_days (symbol, trading_date, start_equity, started_at)
VALUES ('NVDA', '2026-11-24', 0, '2026-11-24 14:30+00');
INSERT INTO bifrost.status_current (daemon_state, trading_state, symbol, spot, stock_position, daily_hedge_count,
                                    config_summary)
SELECT 'RUNNING', 'MONITOR', 'NVDA', 100, (SELECT round(size) FROM bifrost.positions),
       (SELECT count(*) FROM bifrost.orders
         WHERE created_at >= '2026-11-24 00:00 America/New_York' AND created_at < '2026-11-25 00:00 America/New_York'),
       'cfg=00000000 broker=paper feed=replay paper=on';
ANALYZE;
SQL

SCRIPT=$TMP/bench.sql
{
    echo '\timing on'
    echo "SELECT count(*) FILTER (WHERE NOT ok) AS failing_ledger_checks FROM bifrost_self_check() WHERE category = 'ledger';"
    for ((i = 0; i < ROUNDS; i++)); do
        echo "SELECT count(*) FROM bifrost._ledger_checks();"
    done
    echo "SELECT count(*) FROM bifrost_self_check();"
} >"$SCRIPT"
chown "$OS_USER:" "$SCRIPT" 2>/dev/null || true
OUT=$(psql_run -f "$SCRIPT")
failing=$(awk '/failing_ledger_checks/ {getline; getline; print $1; exit}' <<<"$OUT")
mapfile -t MS < <(grep -o 'Time: [0-9.]*' <<<"$OUT" | awk '{print $2}')
ledger=("${MS[@]:1:ROUNDS}")
sorted=$(printf '%s\n' "${ledger[@]}" | sort -n)
median=$(sed -n "$(((ROUNDS + 1) / 2))p" <<<"$sorted")
worst=$(tail -1 <<<"$sorted")
printf 'ledger of %d hedges (%d operations, %d orders, %d trades); failing ledger checks: %s\n' \
    "$HEDGES" $((3 * HEDGES)) "$HEDGES" "$HEDGES" "$failing"
printf 'ledger checks: median %s ms, worst %s ms over %d rounds\n' "$median" "$worst" "$ROUNDS"
printf 'whole self-check: %s ms\n' "${MS[-1]}"
