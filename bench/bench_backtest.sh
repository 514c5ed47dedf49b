#!/usr/bin/env bash
# bench/bench_backtest.sh: a backtest's speed end to end from bifrost.ticks (README, Backtest and
# Benchmarks).  Prints figures; it does not pass or fail.
#
#     sudo bash bench/bench_backtest.sh          # after make install; TICKS=2000000 by default
#
# TICKS recorded ticks (a random walk 100 ms apart) replayed by bifrost_backtest() through a 10-leg
# book (calls and puts at five strikes and two expiries), the usual gates (band, threshold, cooldown,
# latency, slippage, fees), one sample of the equity curve a minute, nothing written per tick.  The
# figure is quotes / seconds of the whole call (reading the ticks, the engine, the records and the
# run row), from the run's own metrics_json, best of RUNS runs; seconds_reading is the part spent
# reading the table.
set -euo pipefail

TICKS=${TICKS:-2000000}
RUNS=${RUNS:-3}
# shellcheck source=bench/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

require_installed
start_scratch_cluster backtest 55520

echo "bifrost backtest benchmark ($(date -u +%FT%TZ))"
echo "command: bash bench/bench_backtest.sh (TICKS=$TICKS RUNS=$RUNS)"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs, $("$BINDIR/postgres" --version)"
echo

psql_run -c "SELECT setseed(0.42)" -c "
  INSERT INTO bifrost.ticks (symbol, ts, bid, ask)
  SELECT 'BENCH', timestamptz '2026-11-23 00:00+00' + (g * 100) * interval '1 ms',
         round(p::numeric, 2), round(p::numeric, 2) + 0.02
    FROM (SELECT g, 100 * exp(sum((random() - 0.5) * 0.0004) OVER (ORDER BY g)) AS p
            FROM generate_series(1, $TICKS) g) w" -c "VACUUM ANALYZE bifrost.ticks" >/dev/null

CONFIG='{
  "gates.strategy.trading_hours_only": false,
  "gates.intent.hedge.max_hedge_shares_per_order": 100000,
  "gates.guard.risk.max_position_shares": 1000000,
  "gates.guard.risk.max_daily_hedge_count": 100000,
  "gates.guard.risk.max_daily_loss_usd": 1e9,
  "broker.paper.fee_per_share": 0.005,
  "backtest.sample_interval_s": 60,
  "backtest.legs": [
    {"option_right": "C", "strike": 90,  "quantity": -10, "expiry": "2026-12-18 21:00+00", "implied_vol": 0.30},
    {"option_right": "P", "strike": 90,  "quantity": 10,  "expiry": "2026-12-18 21:00+00", "implied_vol": 0.31},
    {"option_right": "C", "strike": 95,  "quantity": -10, "expiry": "2026-12-18 21:00+00", "implied_vol": 0.29},
    {"option_right": "C", "strike": 100, "quantity": -20, "expiry": "2026-12-18 21:00+00", "implied_vol": 0.28},
    {"option_right": "P", "strike": 100, "quantity": -20, "expiry": "2026-12-18 21:00+00", "implied_vol": 0.28},
    {"option_right": "C", "strike": 105, "quantity": 10,  "expiry": "2027-01-15 21:00+00", "implied_vol": 0.27},
    {"option_right": "P", "strike": 105, "quantity": 10,  "expiry": "2027-01-15 21:00+00", "implied_vol": 0.30},
    {"option_right": "C", "strike": 110, "quantity": 15,  "expiry": "2027-01-15 21:00+00", "implied_vol": 0.26},
    {"option_right": "P", "strike": 95,  "quantity": 15,  "expiry": "2027-01-15 21:00+00", "implied_vol": 0.32},
    {"option_right": "C", "strike": 100, "quantity": 5,   "expiry": "2027-01-15 21:00+00", "implied_vol": 0.28}]}'

best=0
for ((i = 1; i <= RUNS; i++)); do
    run=$(psql_run -At -c "SELECT bifrost_backtest('$CONFIG', '2026-11-23 00:00+00', '2026-12-01 00:00+00', 'BENCH')")
    out=$(psql_run -At -F ' ' -c "
      SELECT r.quotes, round((r.metrics_json ->> 'seconds')::numeric, 3),
             round((r.metrics_json ->> 'seconds_reading')::numeric, 3),
             round((r.metrics_json ->> 'quotes_per_second')::numeric), r.hedge_count,
             (r.metrics_json ->> 'rows_written')::bigint
        FROM bifrost.backtest_runs r WHERE r.id = $run")
    read -r quotes secs reading qps hedges rows <<<"$out"
    [[ -n ${qps:-} ]] || die "the backtest gave no figures"
    printf 'run %d: %d quotes in %s s (%s s reading the ticks): %d quotes/s; %d hedges, %d rows written\n' \
        "$i" "$quotes" "$secs" "$reading" "$qps" "$hedges" "$rows"
    ((qps > best)) && best=$qps
done
printf 'best: %d quotes/s end to end, one core (goal 1,000,000)\n' "$best"
