#!/usr/bin/env bash
# bench/bench_backtest.sh: a backtest's speed end to end from bifrost.ticks (README, Backtest and
# Benchmarks).  Prints figures; it does not pass or fail.
#
#     sudo bash bench/bench_backtest.sh          # after make install; TICKS=2000000 by default
#
# TICKS recorded ticks (a random walk 100 ms apart) replayed by bifrost_backtest() through three 10-leg
# books: a realistic one (calls and puts at five strikes and two expiries, a strike's call and put at
# one vol), a chain (ten strikes of one expiry, puts below and calls above: no strike shared) and the
# worst case (ten expiries and ten vols: nothing shared); the usual gates (band, threshold,
# cooldown, latency, slippage, fees), one sample of the equity curve a minute, nothing written per
# tick.  The figure is quotes / seconds of the whole call (reading the ticks, the engine, the records
# and the run row), from the run's own metrics_json, best of RUNS runs; seconds_reading is the part
# spent reading the table.  shared_buffers (SHARED_BUFFERS, 1GB) holds the table and its index, as
# on a server sized for the data it backtests: with the default 128MB every run reads them again
# from the kernel's cache, about 0.05 us a tick more.
set -euo pipefail

TICKS=${TICKS:-2000000}
RUNS=${RUNS:-3}
# shellcheck source=bench/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

require_installed
SHARED_BUFFERS=${SHARED_BUFFERS:-1GB}
start_scratch_cluster backtest 55520 "shared_buffers=$SHARED_BUFFERS"

echo "bifrost backtest benchmark ($(date -u +%FT%TZ))"
echo "command: bash bench/bench_backtest.sh (TICKS=$TICKS RUNS=$RUNS SHARED_BUFFERS=$SHARED_BUFFERS)"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs, $("$BINDIR/postgres" --version)"
echo

psql_run -c "SELECT setseed(0.42)" -c "
  INSERT INTO bifrost.ticks (symbol, ts, bid, ask)
  SELECT 'BENCH', timestamptz '2026-11-23 00:00+00' + (g * 100) * interval '1 ms',
         round(p::numeric, 2), round(p::numeric, 2) + 0.02
    FROM (SELECT g, 100 * exp(sum((random() - 0.5) * 0.0004) OVER (ORDER BY g)) AS p
            FROM generate_series(1, $TICKS) g) w" -c "VACUUM ANALYZE bifrost.ticks" >/dev/null

COMMON='"gates.strategy.trading_hours_only": false,
  "gates.intent.hedge.max_hedge_shares_per_order": 100000,
  "gates.guard.risk.max_position_shares": 1000000,
  "gates.guard.risk.max_daily_hedge_count": 100000,
  "gates.guard.risk.max_daily_loss_usd": 1e9,
  "broker.paper.fee_per_share": 0.005,
  "backtest.sample_interval_s": 60'
# realistic: two expiries, five strikes, a call and a put at a strike sharing the strike's vol
REALISTIC='[
    {"option_right": "C", "strike": 100, "quantity": -20, "expiry": "2026-12-23 21:00+00"},
    {"option_right": "P", "strike": 100, "quantity": -20, "expiry": "2026-12-23 21:00+00"},
    {"option_right": "C", "strike": 110, "quantity": 10,  "expiry": "2026-12-23 21:00+00"},
    {"option_right": "P", "strike": 90,  "quantity": 10,  "expiry": "2026-12-23 21:00+00"},
    {"option_right": "C", "strike": 100, "quantity": 15,  "expiry": "2027-01-20 21:00+00", "implied_vol": 0.32},
    {"option_right": "P", "strike": 100, "quantity": 15,  "expiry": "2027-01-20 21:00+00", "implied_vol": 0.32},
    {"option_right": "C", "strike": 105, "quantity": -10, "expiry": "2027-01-20 21:00+00", "implied_vol": 0.30},
    {"option_right": "P", "strike": 95,  "quantity": -10, "expiry": "2027-01-20 21:00+00", "implied_vol": 0.36},
    {"option_right": "C", "strike": 110, "quantity": -5,  "expiry": "2027-01-20 21:00+00", "implied_vol": 0.29},
    {"option_right": "P", "strike": 90,  "quantity": -5,  "expiry": "2027-01-20 21:00+00", "implied_vol": 0.40}]'
# a chain: ten strikes of one expiry at the flat vol, puts below 100 and calls above it
CHAIN=$(for i in 0 1 2 3 4 5 6 7 8 9; do
    printf '{"option_right": "%s", "strike": %d, "quantity": %d, "expiry": "2026-12-23 21:00+00"}\n' \
        "$( ((i < 5)) && echo P || echo C)" $((90 + 2 * i + (i >= 5))) $(( (i % 2) ? 5 : -7 ))
done | paste -sd, | sed 's/^/[/; s/$/]/')
# the worst case: ten expiries, ten vols, nothing shared between legs
WORST=$(for i in 0 1 2 3 4 5 6 7 8 9; do
    printf '{"option_right": "%s", "strike": %d, "quantity": %d, "expiry": "%s", "implied_vol": %s}\n' \
        "$( ((i % 2)) && echo P || echo C)" $((90 + 2 * i)) $(( (i % 3) == 1 ? 3 : -5 )) \
        "$(date -u -d "2026-12-13 21:00 UTC + $((7 * i)) days" "+%F %T+00")" "0.$((30 + i))"
done | paste -sd, | sed 's/^/[/; s/$/]/')

bench_book() {  # $1 = name, $2 = legs
    local best=0 best_cpu=0 i run out quotes secs reading qps hedges rows cpu_qps
    local config="{$COMMON, \"backtest.legs\": $2}"
    for ((i = 1; i <= RUNS; i++)); do
        run=$(psql_run -At -c "SELECT bifrost_backtest('$config', '2026-11-23 00:00+00', '2026-12-01 00:00+00', 'BENCH')")
        out=$(psql_run -At -F ' ' -c "
          SELECT r.quotes, round((r.metrics_json ->> 'seconds')::numeric, 3),
                 round((r.metrics_json ->> 'seconds_reading')::numeric, 3),
                 round((r.metrics_json ->> 'quotes_per_second')::numeric), r.hedge_count,
                 (r.metrics_json ->> 'rows_written')::bigint,
                 round((r.metrics_json ->> 'quotes_per_cpu_second')::numeric)
            FROM bifrost.backtest_runs r WHERE r.id = $run")
        read -r quotes secs reading qps hedges rows cpu_qps <<<"$out"
        [[ -n ${qps:-} ]] || die "the backtest gave no figures"
        printf '%-9s run %d: %d quotes in %s s (%s s reading the ticks): %d quotes/s, %d per CPU second; %d hedges, %d rows written\n' \
            "$1" "$i" "$quotes" "$secs" "$reading" "$qps" "$cpu_qps" "$hedges" "$rows"
        ((qps > best)) && best=$qps
        ((cpu_qps > best_cpu)) && best_cpu=$cpu_qps
    done
    printf '%-9s best: %d quotes/s end to end, %d per second of the backend'"'"'s CPU (one core; goal 1,000,000)\n' \
        "$1" "$best" "$best_cpu"
}

bench_book realistic "$REALISTIC"
bench_book chain "$CHAIN"
bench_book worst "$WORST"
