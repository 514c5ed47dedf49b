#!/usr/bin/env bash
# bench/bench_backtest_sweep.sh: a sweep's throughput on 1 and on 2 background workers (README,
# Benchmarks).  Prints figures; it does not pass or fail.
#
#     sudo bash bench/bench_backtest_sweep.sh     # after make install; TICKS=1000000, ROUNDS=3 by default
#
# TICKS recorded ticks (a random walk 100 ms apart) and a 10-leg book, the book of bench_backtest.sh;
# one bifrost_backtest_sweep() of 8 runs over them (the hedge threshold, hedge_to and a fee in bps, two
# values each), with bifrost.backtest_workers = 1, then = 2, ROUNDS times each (alternating), the
# best of each kept.  The figures: runs/s and quotes/s of the whole call (the checks of the 8
# combinations, the workers' start, the 8 runs and their records, the wait for the workers to exit),
# timed around the SQL call by the server's clock; the mean seconds of one run from the runs' own
# metrics_json (on 2 workers a run is slowed by whatever shares its core); the speed-up of 2 workers
# over 1.  Each run is independent: on a machine with more cores the design gives up to one run per
# worker at a time, bounded by max_worker_processes and by the cores.
set -euo pipefail

TICKS=${TICKS:-1000000}
ROUNDS=${ROUNDS:-3}
# shellcheck source=bench/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

require_installed
start_scratch_cluster sweep 55540

echo "bifrost backtest sweep benchmark ($(date -u +%FT%TZ))"
echo "command: bash bench/bench_backtest_sweep.sh (TICKS=$TICKS ROUNDS=$ROUNDS)"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs, $("$BINDIR/postgres" --version), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo

psql_run -c "SELECT setseed(0.42)" -c "
  INSERT INTO bifrost.ticks (symbol, ts, bid, ask)
  SELECT 'BENCH', timestamptz '2026-11-23 00:00+00' + (g * 100) * interval '1 ms',
         round(p::numeric, 2), round(p::numeric, 2) + 0.02
    FROM (SELECT g, 100 * exp(sum((random() - 0.5) * 0.0004) OVER (ORDER BY g)) AS p
            FROM generate_series(1, $TICKS) g) w" -c "VACUUM ANALYZE bifrost.ticks" >/dev/null

BASE='{
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
GRID='{"gates.state.delta.threshold_hedge_shares": [25, 50], "hedge_to": ["zero", "band_edge"],
       "broker.paper.fee_bps": [0, 1]}'

# One sweep on $1 workers; prints: seconds runs quotes distinct-worker-pids mean-run-seconds statuses.
# The runs are read by a statement after the sweep's: the workers commit them after it began.
sweep() {
    psql_run -At -F ' ' <<SQL
SET bifrost.backtest_workers = $1;
SELECT clock_timestamp() AS t0 \gset
SELECT bifrost_backtest_sweep('$BASE', '$GRID', '2026-11-23 00:00+00', '2026-12-01 00:00+00', 'BENCH') AS ids \gset
SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)::numeric, 3) AS secs \gset
SELECT :'secs', count(r.id), sum(r.quotes), count(DISTINCT r.worker_pid),
       round(avg((r.metrics_json ->> 'seconds')::numeric), 3), string_agg(DISTINCT r.status, ',')
  FROM unnest(:'ids'::bigint[]) AS u(id) JOIN bifrost.backtest_runs r ON r.id = u.id;
SQL
}

declare -A best
for ((i = 1; i <= ROUNDS; i++)); do
    for w in 1 2; do
        read -r secs runs quotes pids run_secs statuses <<<"$(sweep "$w")"
        [[ $statuses == success ]] || die "a run of the sweep did not succeed: $statuses"
        printf 'round %d, %d worker(s): %d runs (%d quotes) in %s s on %d worker pid(s); a run %s s\n' \
            "$i" "$w" "$runs" "$quotes" "$secs" "$pids" "$run_secs"
        if [[ -z ${best[$w]:-} ]] || (($(echo "$secs < ${best[$w]%% *}" | bc -l))); then
            best[$w]="$secs $runs $quotes $run_secs"
        fi
    done
    psql_run -c "DELETE FROM bifrost.backtest_runs" -c "VACUUM bifrost.backtest_runs" >/dev/null
done

echo
for w in 1 2; do
    read -r secs runs quotes run_secs <<<"${best[$w]}"
    printf 'best, %d worker(s): %.2f runs/s, %.0f quotes/s (%d runs of %d quotes in %s s; a run %s s)\n' \
        "$w" "$(echo "$runs / $secs" | bc -l)" "$(echo "$quotes / $secs" | bc -l)" "$runs" \
        "$((quotes / runs))" "$secs" "$run_secs"
done
printf 'speed-up of 2 workers over 1: %.2fx\n' "$(echo "${best[1]%% *} / ${best[2]%% *}" | bc -l)"
