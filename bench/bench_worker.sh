#!/usr/bin/env bash
# bench/bench_worker.sh: the hedger worker's sustained quote rate and its quote-to-committed-order
# latency (README, Benchmarks).  Prints figures; it does not pass or fail.
#
#     sudo bash bench/bench_worker.sh            # after make install; TICKS=200000 by default
#
# 1. Throughput: TICKS replayed at feed.replay.speed 0 through a book of 10 long straddles, with
#    hedging suspended, so that every quote whose delta wants a hedge writes its blocked decision row
#    (the most rows a quote can cost without an order).  Quotes per second = decisions / (last
#    created_at - first created_at).  A second run with hedging on (cooldown 60 s) shows the usual mix.
# 2. Latency: a replay where a hedge is due on most ticks (no cooldown, small threshold): the worker
#    logs, at DEBUG1, the wall time from taking a quote to the commit of its intent (the synchronous
#    commit of decision + hedge_intent + CREATED order + status rows).  p50/p99 over all hedges.
set -euo pipefail

TICKS=${TICKS:-200000}
HEDGES=${HEDGES:-3000}
# shellcheck source=bench/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

require_installed

TMP=$(mktemp -d /tmp/bifrost-bench-worker.XXXXXX)
chmod 755 "$TMP"; chown "$OS_USER:" "$TMP"
PORT=$(free_port 55480)
cleanup() {
    as_pg "$BINDIR/pg_ctl" -D "$TMP/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$TMP"
}
trap cleanup EXIT

as_pg "$BINDIR/initdb" -D "$TMP/data" -A trust -U postgres --no-sync >/dev/null
cat >>"$TMP/data/postgresql.conf" <<CONF
port = $PORT
listen_addresses = ''
unix_socket_directories = '$TMP'
shared_preload_libraries = 'bifrost'
bifrost.heartbeat_interval = 1
bifrost.feed = 'replay'
log_min_messages = debug1
CONF
as_pg "$BINDIR/pg_ctl" -D "$TMP/data" -l "$TMP/server.log" -w start >/dev/null
psql_b() { as_pg "$BINDIR/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$TMP" -p "$PORT" -d postgres "$@"; }

wait_cursor() {  # $1 = last tick id; bounded: 600 s
    local i
    for ((i = 0; i < 6000; i++)); do
        [[ $(psql_b -c "SELECT coalesce((SELECT last_id FROM bifrost.replay_cursors WHERE symbol = 'NVDA'), 0) >= $1") == t ]] && return 0
        sleep 0.1
    done
    die "the replay did not finish in 600 s"
}

# a random walk of ticks, 200 ms apart, after the last one recorded (the replay reads forward)
load_ticks() {  # $1 = count
    psql_b -c "SELECT setseed(0.42)" -c "
      INSERT INTO bifrost.ticks (symbol, ts, bid, ask)
      SELECT 'NVDA', coalesce((SELECT max(ts) FROM bifrost.ticks), timestamptz '2026-11-24 09:30 America/New_York')
                     + (g * 200) * interval '1 ms',
             round(p::numeric, 2), round(p::numeric, 2) + 0.02
        FROM (SELECT g, 100 * exp(sum((random() - 0.5) * 0.002) OVER (ORDER BY g)) AS p
                FROM generate_series(1, $1) g) w"
}

psql_b -c "CREATE EXTENSION bifrost"
psql_b >/dev/null <<'SQL'
SELECT bifrost_config_set('gates.strategy.trading_hours_only', 'false');
SELECT bifrost_config_set('feed.replay.speed', '0');
SELECT bifrost_config_set('gates.state.system.data_lag_threshold_ms', '60000');
INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity, implied_vol)
SELECT 'NVDA', r, 100, timestamptz '2026-12-24 16:00 America/New_York', 10, 0.35 FROM unnest(ARRAY['C', 'P']) r;
SQL

echo "bifrost worker benchmark ($(date -u +%FT%TZ))"
echo "command: bash bench/bench_worker.sh (TICKS=$TICKS HEDGES=$HEDGES)"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs, $("$BINDIR/postgres" --version)"
echo

# 1a. every quote writes a blocked decision (suspended)
psql_b -c "SELECT bifrost_suspend()" >/dev/null
psql_b -c "SELECT bifrost_config_set('gates.state.delta.epsilon_band', '0')" -c "SELECT bifrost_config_set('gates.state.delta.threshold_hedge_shares', '0.5')" >/dev/null
load_ticks "$TICKS"
last=$(psql_b -c "SELECT max(id) FROM bifrost.ticks")
wait_cursor "$last"
read -r n secs <<<"$(psql_b -F ' ' -c "SELECT count(*), extract(epoch FROM max(created_at) - min(created_at)) FROM bifrost.decisions WHERE block_reason = 'suspended'")"
printf 'throughput, a decision row per quote (suspended):  %8.0f quotes/s  (%d quotes in %.2f s)\n' \
    "$(echo "$n / $secs" | bc -l)" "$n" "$secs"

# 1b. hedging on, cooldown 60 s: hedges, fills and the blocked decisions between them
psql_b -c "SELECT bifrost_resume()" -c "SELECT bifrost_config_set('gates.state.delta.threshold_hedge_shares', '25')" \
       -c "SELECT bifrost_config_set('gates.state.delta.epsilon_band', '10')" >/dev/null
psql_b -c "DELETE FROM bifrost.decisions WHERE block_reason IS NOT NULL" >/dev/null
load_ticks "$TICKS"
last=$(psql_b -c "SELECT max(id) FROM bifrost.ticks")
t0=$(date +%s.%N)
wait_cursor "$last"
read -r n secs hedges <<<"$(psql_b -F ' ' -c "SELECT count(*), extract(epoch FROM max(created_at) - min(created_at)), (SELECT count(*) FROM bifrost.orders) FROM bifrost.decisions")"
printf 'throughput, hedging (cooldown 60 s):                %8.0f decisions/s written; %d ticks replayed in %.1f s wall (cursor polled every 0.1 s, heartbeat 1 s); %d orders in all\n' \
    "$(echo "$n / $secs" | bc -l)" "$TICKS" "$(echo "$(date +%s.%N) - $t0" | bc -l)" "$hedges"

# 2. latency: a hedge on most ticks
psql_b -c "SELECT bifrost_config_set('gates.intent.hedge.cooldown_seconds', '0')" \
       -c "SELECT bifrost_config_set('gates.intent.hedge.min_price_move_pct', '0')" \
       -c "SELECT bifrost_config_set('gates.state.delta.epsilon_band', '0')" \
       -c "SELECT bifrost_config_set('gates.state.delta.threshold_hedge_shares', '1')" \
       -c "SELECT bifrost_config_set('gates.intent.hedge.min_hedge_shares', '1')" \
       -c "SELECT bifrost_config_set('broker.paper.latency_ms', '0')" \
       -c "SELECT bifrost_config_set('gates.guard.risk.max_daily_hedge_count', '1000000')" \
       -c "SELECT bifrost_config_set('gates.guard.risk.max_position_shares', '1000000000')" >/dev/null
before=$(grep -c 'quote to committed intent' "$TMP/server.log" || true)
load_ticks "$HEDGES"
last=$(psql_b -c "SELECT max(id) FROM bifrost.ticks")
wait_cursor "$last"
grep 'quote to committed intent' "$TMP/server.log" | tail -n +"$((before + 1))" > "$TMP/lat.log"
sed 's/.*: \([0-9]*\) us (.*/\1/' "$TMP/lat.log" | sort -n > "$TMP/lat"
sed 's/.*transaction \([0-9]*\) us)/\1/' "$TMP/lat.log" | sort -n > "$TMP/txn"
count=$(wc -l < "$TMP/lat")
p() { sed -n "$(( ($1 * count + 99) / 100 ))p" "$TMP/lat"; }
printf 'quote to committed order (intent, synchronous commit): n=%d  p50 %s us  p99 %s us  max %s us\n' \
    "$count" "$(p 50)" "$(p 99)" "$(tail -1 "$TMP/lat")"
pt() { sed -n "$(( ($1 * count + 99) / 100 ))p" "$TMP/txn"; }
printf '  of which the intent transaction itself:             p50 %s us  p99 %s us  max %s us\n' \
    "$(pt 50)" "$(pt 99)" "$(tail -1 "$TMP/txn")"
echo "  (the rest is the previous order's fill, recorded first when its time has come: with"
echo "   broker.paper.latency_ms 0 every quote of this run carries one)"
echo "(synchronous_commit on for the intent; status and decision rows use synchronous_commit off; fsync on)"
