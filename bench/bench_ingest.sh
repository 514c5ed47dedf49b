#!/usr/bin/env bash
# bench/bench_ingest.sh: candles ingested per second by bifrost_ingest(), end to end from the local OKX
# mock into bifrost.market_data (README, Benchmarks).  Prints figures; it does not pass or fail.
#
#     sudo bash bench/bench_ingest.sh            # after make install; CANDLES=1000000 by default
#
# The run: one bifrost_ingest('okx', 'BTC-USDT-SWAP', 'ohlcv', '15m', since) that reaches CANDLES bars
# back, paged exactly as against OKX (/market/candles for the newest 1,440 bars, then
# /market/history-candles, 300 bars a page as OKX's docs allow since 2024, newest first), each page parsed and validated
# (okx_parse_candles) and upserted in one INSERT ... SELECT FROM unnest(arrays) ... ON CONFLICT through a
# saved plan, all in the call's transaction.  Against OKX the published limits (20 history requests per
# 2 s, bifrost stays at 80 % of them: 8 a second) cap this at about 2,400 candles/s; here bifrost.ingest_rate_limit =
# off (superuser only, meant for a local mock) and the mock runs with --bench (no limits, each page
# rendered once and then served from memory), so the figure is bifrost's own pipeline.
#
#   1. warm-up: the same call once (the mock renders its pages; the table is filled), then TRUNCATE;
#   2. fresh: every candle is new: the ingest rate;
#   3. again: every candle is already stored and confirmed: fetched, parsed, compared, not written;
#   4. the split of 2 and 3 into rate-limit wait, HTTP, JSON parsing and SQL, from the DEBUG1 line
#      bifrost_ingest writes (client_min_messages = debug1);
#   5. the machine's ceiling: the same rows inserted by one INSERT ... SELECT of constants;
#   6. for scale, a short run with the production rate limiter on.
set -euo pipefail

CANDLES=${CANDLES:-1000000}
LIMITED=${LIMITED:-30000}
# shellcheck source=bench/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NOW_MS=1795176000000     # the mock's fixed clock: 2026-11-20 12:00 UTC, on the 15m grid

require_installed

TMP=$(mktemp -d /tmp/bifrost-bench-ingest.XXXXXX)
chmod 755 "$TMP"; chown "$OS_USER:" "$TMP"
PORT=$(free_port 55580)
MOCK_PORT=$(free_port $((PORT + 1)))
MOCK_PID=
cleanup() {
    [[ -n $MOCK_PID ]] && kill "$MOCK_PID" 2>/dev/null || true
    as_pg "$BINDIR/pg_ctl" -D "$TMP/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$TMP"
}
trap cleanup EXIT

perl "$HERE/test/mock/okx_mock.pl" --port "$MOCK_PORT" --now-ms "$NOW_MS" --bench \
    --history-page 300 --history-bars $((CANDLES + 10)) --lifetime 3600 >"$TMP/mock.out" 2>&1 &
MOCK_PID=$!
for ((i = 0; i < 100; i++)); do grep -q listening "$TMP/mock.out" && break; sleep 0.1; done
grep -q listening "$TMP/mock.out" || die "the mock did not start: $(cat "$TMP/mock.out")"

as_pg "$BINDIR/initdb" -D "$TMP/data" -A trust -U postgres --no-sync >/dev/null
cat >>"$TMP/data/postgresql.conf" <<CONF
port = $PORT
listen_addresses = ''
unix_socket_directories = '$TMP'
bifrost.okx_base_url = 'http://127.0.0.1:$MOCK_PORT'
bifrost.ingest_rate_limit = off
max_wal_size = 4GB
CONF
as_pg "$BINDIR/pg_ctl" -D "$TMP/data" -l "$TMP/server.log" -w start >/dev/null
psql_b() { as_pg "$BINDIR/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$TMP" -p "$PORT" -d postgres "$@"; }
psql_b -c "CREATE EXTENSION bifrost"

SINCE_S=$(( NOW_MS / 1000 - (CANDLES - 1) * 900 ))
CALL="SELECT bifrost_ingest('okx', 'BTC-USDT-SWAP', 'ohlcv', '15m', to_timestamp($SINCE_S))"

# runs the SQL $1 with DEBUG1 shown; sets rows, secs (wall, around psql) and split (the DEBUG1 line)
run() {
    local out t0 t1
    t0=$(date +%s.%N)
    out=$(psql_b -c "SET client_min_messages = debug1" -c "$1" 2>&1)
    t1=$(date +%s.%N)
    rows=$(grep -v 'DEBUG' <<<"$out" | tail -1)
    split=$(grep -o 'bifrost ingest okx.*' <<<"$out" | tail -1)
    secs=$(echo "$t1 - $t0" | bc -l)
}
field() { sed -n "s/.*$1 \([0-9.]*\).*/\1/p" <<<"$split"; }
parsed() { sed -n 's/.* of \([0-9]*\) parsed, \([0-9]*\) requests.*/\1 \2/p' <<<"$split"; }

echo "bifrost ingestion benchmark ($(date -u +%FT%TZ))"
echo "command: bash bench/bench_ingest.sh (CANDLES=$CANDLES LIMITED=$LIMITED)"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs, $("$BINDIR/postgres" --version)"
echo "call: $CALL"
echo

run "$CALL"
printf 'warm-up (the mock renders its pages): %d rows in %.1f s\n' "$rows" "$secs"
psql_b -c "TRUNCATE bifrost.market_data" -c "CHECKPOINT"

report() {  # $1 = label
    local n req
    read -r n req <<<"$(parsed)"
    printf '%-44s %9.0f candles/s  (%d candles, %d changed, %d requests, %.2f s wall)\n' \
        "$1" "$(echo "$n / $secs" | bc -l)" "$n" "$rows" "$req" "$secs"
    printf '    split: HTTP %.2f s, JSON parse %.2f s, SQL %.2f s, rate-limit wait %.2f s; rest %.2f s\n' \
        "$(field 'http')" "$(field 'parse')" "$(field 'sql')" "$(field 'wait')" \
        "$(echo "$secs - $(field 'http') - $(field 'parse') - $(field 'sql') - $(field 'wait')" | bc -l)"
    printf '    per candle: parse %.2f us, SQL %.2f us\n' \
        "$(echo "$(field 'parse') * 1000000 / $n" | bc -l)" "$(echo "$(field 'sql') * 1000000 / $n" | bc -l)"
}

run "$CALL"
report "fresh (every candle new):"
run "$CALL"
report "again (every candle stored, none written):"

# The machine's own ceiling: the same number of rows inserted by one INSERT ... SELECT of constants
# (no HTTP, no JSON, no text-to-numeric), on the same table with its indexes and checks.  On a shared
# virtual machine the figures above move with the neighbours' load; this one moves with them.
psql_b -c "TRUNCATE bifrost.market_data" -c "CHECKPOINT" >/dev/null
t0=$(date +%s.%N)
psql_b -c "INSERT INTO bifrost.market_data (symbol, timeframe, ts, open, high, low, close, volume, confirmed)
           SELECT 'BTC-USDT-SWAP', '15m', to_timestamp($SINCE_S + g * 900), 97010.1, 97025, 96998.3,
                  97012.4, 1532, true FROM generate_series(0, $CANDLES - 1) g" >/dev/null
secs=$(echo "$(date +%s.%N) - $t0" | bc -l)
printf '%-44s %9.0f rows/s     (%d rows of constants, %.2f s wall)\n' \
    "reference: a plain INSERT ... SELECT:" "$(echo "$CANDLES / $secs" | bc -l)" "$CANDLES" "$secs"

# production pacing: the rate limiter on, LIMITED bars from history-candles
psql_b -c "TRUNCATE bifrost.market_data" >/dev/null
SINCE_S=$(( NOW_MS / 1000 - (LIMITED + 1440) * 900 ))
run "SET bifrost.ingest_rate_limit = on; SELECT bifrost_ingest('okx', 'BTC-USDT-SWAP', 'ohlcv', '15m', to_timestamp($SINCE_S))"
report "rate limiter on (OKX's published limits):"
echo
echo "(rows in bifrost.market_data: $(psql_b -c "SELECT count(*) FROM bifrost.market_data"); synchronous_commit on, fsync on;"
echo " HTTP includes the mock's own time to answer; rest = psql start-up, the run rows, the commit)"
