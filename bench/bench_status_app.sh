#!/usr/bin/env bash
# bench/bench_status_app.sh: the status application's speed (README, The status application and
# Benchmarks).  Prints figures; it does not pass or fail.
#
#     sudo bash bench/bench_status_app.sh     # after make install; installs wrk if it is missing
#
# A scratch cluster runs the hedger (paper broker, simulated feed, a 10-leg book) so that the status
# is a live one; bifrost-status serves it.  wrk (Debian's) then asks, with CLIENTS concurrent
# connections for SECONDS each, for GET /status and GET /metrics with HTTP Basic credentials of a
# bifrost_reader role (scram-sha-256): requests per second and the latency percentiles wrk measures,
# for /status with 8 and with CLIENTS connections, and again from a second instance that keeps no
# answer (status_cache_ms = 0: every request a call of bifrost_status()).
# Then what one view of the page costs the database: the page's first load calls /session,
# /status, /operations, /status-series, /history and /self-check; with track_functions = 'all'
# the server counts each SQL function's calls and time, printed per page view.  Last, IDLE idle
# connections are held open while /status is asked again: the time it takes among them.
set -euo pipefail

CLIENTS=${CLIENTS:-64}
FEW_CLIENTS=${FEW_CLIENTS:-8}
SECONDS_EACH=${SECONDS_EACH:-15}
THREADS=${THREADS:-4}
IDLE=${IDLE:-10000}
# shellcheck source=bench/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

require_installed
command -v wrk >/dev/null || { apt-get install -y -q wrk >/dev/null || die "could not install wrk"; }
APP=$BINDIR/bifrost-status
[[ -x $APP ]] || die "no $APP: make install builds it"

start_scratch_cluster status_app 55580 "shared_preload_libraries=bifrost" "bifrost.feed=sim" \
    "bifrost.broker=paper" "bifrost.heartbeat_interval=1" "track_functions=all" "max_connections=200"
psql_run <<'SQL' >/dev/null
SELECT bifrost_config_set('gates.strategy.trading_hours_only', 'false');
INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity, implied_vol)
SELECT 'NVDA', r, k, now() + interval '30 days', 5, 0.35
  FROM unnest(ARRAY['C', 'P']) r, generate_series(90, 110, 5) k;
CREATE ROLE bench_reader LOGIN PASSWORD 'bench-reader-pw' IN ROLE bifrost_reader;
SQL
{ printf 'local all bench_reader scram-sha-256\n'; cat "$PGDATA/pg_hba.conf"; } >"$TMP/hba"
as_pg cp "$TMP/hba" "$PGDATA/pg_hba.conf"
psql_run -c 'SELECT pg_reload_conf()' >/dev/null
sleep 3    # a few heartbeats: a status, operations

ulimit -n "$(ulimit -Hn)"
APP_PIDS=()
trap 'kill "${APP_PIDS[@]}" 2>/dev/null; stop_scratch_cluster' EXIT
start_app() {  # $1 = port, $2 = status_cache_ms
    # every client is on this host: no limit per network here
    printf 'port = %s\ndb_host = %s\ndb_port = %s\nthreads = %s\nmax_connections = %s\npool_per_role = %s\nstatus_cache_ms = %s\nmax_connections_per_ip = 0\n' \
        "$1" "$TMP" "$PORT" "$THREADS" $((IDLE + 1000)) "$THREADS" "$2" >"$TMP/app-$1.conf"
    chown "$OS_USER:" "$TMP/app-$1.conf"
    setpriv --reuid="$OS_USER" --regid="$OS_USER" --init-groups env HOME=/tmp "$APP" -c "$TMP/app-$1.conf" \
        >"$TMP/app-$1.log" 2>&1 &
    APP_PIDS+=($!)
    for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
    die "bifrost-status did not start: $(cat "$TMP/app-$1.log")"
}
APP_PORT=$(free_port 18470) || die "no free port"
start_app "$APP_PORT" 250
APP_PID=${APP_PIDS[0]}
NOCACHE_PORT=$(free_port $((APP_PORT + 1))) || die "no free port"
start_app "$NOCACHE_PORT" 0
URL=http://127.0.0.1:$APP_PORT
AUTH="Authorization: Basic $(printf 'bench_reader:bench-reader-pw' | base64)"

echo "bifrost status application benchmark ($(date -u +%FT%TZ))"
echo "command: bash bench/bench_status_app.sh (CLIENTS=$CLIENTS SECONDS_EACH=$SECONDS_EACH THREADS=$THREADS IDLE=$IDLE)"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs, $("$BINDIR/postgres" --version)"
echo "the database, bifrost-status and wrk share these CPUs"
echo

run_wrk() {  # $1 = path, $2 = clients, $3 = base URL, $4 = label
    local out rps p50 p99
    out=$(wrk -t 2 -c "$2" -d "${SECONDS_EACH}s" --timeout 10s --latency -H "$AUTH" "$3$1")
    rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    printf '%-9s %10s requests/s with %3d clients; latency p50 %8s, p99 %8s  %s %s\n' "$1" "$rps" "$2" "$p50" "$p99" \
        "$4" "$(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr '\n' ' ' || true)"
}
run_wrk /status "$FEW_CLIENTS" "$URL" "(status_cache_ms 250)"
run_wrk /status "$CLIENTS" "$URL" "(status_cache_ms 250)"
run_wrk /status "$FEW_CLIENTS" "http://127.0.0.1:$NOCACHE_PORT" "(status_cache_ms 0)"
run_wrk /status "$CLIENTS" "http://127.0.0.1:$NOCACHE_PORT" "(status_cache_ms 0)"
run_wrk /metrics "$FEW_CLIENTS" "$URL" ""

# one view of the page: the calls of its first load, as the database counts them
psql_run -c 'SELECT pg_stat_reset()' >/dev/null
VIEWS=50
for ((i = 0; i < VIEWS; i++)); do
    for path in /session /status /operations '/status-series' '/history?days=30' /self-check; do
        exec 3<>"/dev/tcp/127.0.0.1/$APP_PORT"
        printf 'GET %s HTTP/1.1\r\nHost: x\r\n%s\r\nConnection: close\r\n\r\n' "$path" "$AUTH" >&3
        cat <&3 >/dev/null
        exec 3<&-
    done
done
sleep 1    # the statistics collector's report
echo
echo "one page view (its first load: each of these functions once) in the database, measured over $VIEWS views"
echo "(track_functions = all; each function's mean time per call):"
psql_run -At -F ' ' -c "
  SELECT rpad(funcname, 24), calls, round((total_time / calls)::numeric, 3) AS ms_per_call
    FROM pg_stat_user_functions
   WHERE funcname IN ('bifrost_status', 'bifrost_operations', 'bifrost_status_series', 'bifrost_history_stats',
                      'bifrost_self_check') AND calls > 0
   ORDER BY total_time / calls DESC" | awk '{printf "  %s %s ms a call (%s calls)\n", $1, $3, $2; sum += $3}
                                         END {printf "  in all: %.1f ms of database time per view\n", sum}'

# many idle connections held open
echo
perl -MIO::Socket::INET -MTime::HiRes=time -e '
    my ($port, $n, $auth) = @ARGV; my @s;
    for (1 .. $n) { my $c = IO::Socket::INET->new(PeerAddr => "127.0.0.1", PeerPort => $port, Proto => "tcp") or last; push @s, $c }
    my $t0 = time;
    my $c = IO::Socket::INET->new(PeerAddr => "127.0.0.1", PeerPort => $port, Proto => "tcp") or die "refused\n";
    print $c "GET /status HTTP/1.1\r\nHost: x\r\n$auth\r\nConnection: close\r\n\r\n";
    my $first = <$c> // "(no answer)"; $first =~ s/\r?\n//;
    printf "%d idle connections open: GET /status answered \"%s\" in %.1f ms\n", scalar @s, $first, 1000 * (time - $t0);
' "$APP_PORT" "$IDLE" "$AUTH"
kill -0 "$APP_PID" && echo "bifrost-status is still running"
