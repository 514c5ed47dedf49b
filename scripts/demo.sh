#!/usr/bin/env bash
# scripts/demo.sh [seconds]: the bifrost demo on a fresh Debian 12 machine, as root (README, The two commands).
#
# Installs missing packages, builds and installs the extension, starts a throwaway cluster (mktemp dir,
# free port from 55432) with the hedger preloaded in paper mode on the simulated feed, loads a book of
# long straddles, prints one status line per second for [seconds] (default 60) while the hedger trades,
# then the operations it made, its statistics and the failing self-checks, and removes the cluster (also
# on Ctrl-C). Environment: BIFROST_DEMO_PORT (first port to try), BIFROST_KEEP_TMP=1.
set -euo pipefail

# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DURATION=${1:-60}
if ! [[ $DURATION =~ ^[0-9]+$ ]] || ((DURATION < 1 || DURATION > 86400)); then
    die "usage: bash scripts/demo.sh [seconds, 1..86400] (default 60)"
fi

# Status columns: label, width, SQL expression over s (status_current), h (daemon_heartbeat) and
# st (bifrost_status()). Add a column with one more `col` line.
DEMO_LABELS=() DEMO_WIDTHS=() DEMO_EXPRS=()
col() { DEMO_LABELS+=("$1"); DEMO_WIDTHS+=("$2"); DEMO_EXPRS+=("$3"); }
col time        8  "to_char(clock_timestamp(), 'HH24:MI:SS')"
col daemon      8  "h.daemon_state"
col trading     10 "s.trading_state"
col spot        8  "round(s.spot::numeric, 2)"
col net_delta   9  "round(s.net_delta::numeric, 1)"
col position    8  "s.stock_position"
col hedges      6  "s.daily_hedge_count"
col daily_pnl   10 "round(s.daily_pnl::numeric, 2)"
col lamp        6  "st->>'status_lamp'"
col hb_age_s    8  "round(extract(epoch FROM clock_timestamp() - h.last_ts)::numeric, 1)"

WORK=
PGDATA_DIR=
SOCK_DIR=
PORT=
APP_PID=

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n $APP_PID ]] && kill -0 "$APP_PID" 2>/dev/null; then
        say "stopping the status application"
        kill -TERM "$APP_PID" 2>/dev/null || true
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.5; done
        kill -KILL "$APP_PID" 2>/dev/null || true
    fi
    if [[ -n $PGDATA_DIR && -f $PGDATA_DIR/postmaster.pid ]]; then
        say "stopping the demo cluster"
        as_pg "$BIFROST_PG_BINDIR/pg_ctl" -D "$PGDATA_DIR" -m fast -t 30 stop >/dev/null 2>&1 ||
            as_pg "$BIFROST_PG_BINDIR/pg_ctl" -D "$PGDATA_DIR" -m immediate -t 20 stop >/dev/null 2>&1 ||
            true
    fi
    if [[ -n $WORK && -d $WORK ]]; then
        if [[ $rc -ne 0 && $rc -ne 130 && $rc -ne 143 && -f $WORK/server.log ]]; then
            printf '\n----- server log (last 40 lines) -----\n'
            tail -n 40 "$WORK/server.log"
        fi
        if [[ ${BIFROST_KEEP_TMP:-0} == 1 ]]; then
            say "kept $WORK (BIFROST_KEEP_TMP=1)"
        else
            rm -rf "$WORK"
            say "removed $WORK"
        fi
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

psql_demo() {
    # from / : the caller's directory may be closed to the postgres user
    as_pg env -C / "$BIFROST_PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCK_DIR" -p "$PORT" -U postgres \
        -d postgres "$@"
}

print_header() {
    local i line=
    for i in "${!DEMO_LABELS[@]}"; do
        line+=$(printf '%-*s ' "${DEMO_WIDTHS[$i]}" "${DEMO_LABELS[$i]}")
    done
    printf '%s\n' "$line"
}

require_root
ensure_packages "${BIFROST_PKGS[@]}"
ensure_os_user

WORK=$(mktemp -d /tmp/bifrost-demo.XXXXXX)
chmod 755 "$WORK"
chown "$BIFROST_OS_USER:" "$WORK"
export BIFROST_PG_HOME=$WORK
stage_tree "$WORK/tree"
take_install_lock 3600
build_and_install "$WORK/tree" "" "$WORK/build.log" || die "build failed (log above)"
release_install_lock

PORT=$(free_port "${BIFROST_DEMO_PORT:-55432}") || die "no free TCP port from ${BIFROST_DEMO_PORT:-55432}"
PGDATA_DIR=$WORK/data
SOCK_DIR=$WORK/sock
as_pg mkdir -p "$SOCK_DIR"

say "initdb $PGDATA_DIR (port $PORT)"
as_pg_t 300 "$BIFROST_PG_BINDIR/initdb" -D "$PGDATA_DIR" -U postgres -A trust -E UTF8 \
    --locale=C.UTF-8 --no-sync >"$WORK/initdb.log" 2>&1 || { cat "$WORK/initdb.log"; die "initdb failed"; }
cat >>"$PGDATA_DIR/postgresql.conf" <<EOF

# bifrost demo
port = $PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$SOCK_DIR'
shared_preload_libraries = 'bifrost'
bifrost.database = 'postgres'
bifrost.heartbeat_interval = 1
bifrost.broker = 'paper'
bifrost.feed = 'sim'
EOF

say "starting the cluster (log: $WORK/server.log)"
as_pg_t 120 "$BIFROST_PG_BINDIR/pg_ctl" -D "$PGDATA_DIR" -l "$WORK/server.log" -w -t 60 start >/dev/null ||
    die "the cluster did not start"
psql_demo -c 'CREATE EXTENSION bifrost' || die "CREATE EXTENSION bifrost failed"

# The book: 10 long at-the-money straddles, 30 days out, implied vol 35 %, on an underlying the
# simulated feed moves with 1000 % realized volatility, so that a minute of demo shows what a trading
# day of gamma scalping does (realized above implied: the hedges should make money). Trading hours are
# off so the demo hedges at any hour; band, threshold and cooldown are tight so hedges come quickly.
say "loading the book: 10 long ATM straddles (strike 100, 30 days, implied vol 35 %)"
psql_demo <<'SQL' >/dev/null || die "loading the demo book failed"
SELECT bifrost_config_set('gates.strategy.trading_hours_only', 'false');
SELECT bifrost_config_set('gates.state.delta.epsilon_band', '3');
SELECT bifrost_config_set('gates.state.delta.threshold_hedge_shares', '8');
SELECT bifrost_config_set('gates.intent.hedge.min_hedge_shares', '5');
SELECT bifrost_config_set('gates.intent.hedge.cooldown_seconds', '2');
SELECT bifrost_config_set('gates.intent.hedge.min_price_move_pct', '0.05');
SELECT bifrost_config_set('feed.sim.vol', '10');
INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity, implied_vol)
SELECT 'NVDA', r, 100, now() + interval '30 days', 10, 0.35 FROM unnest(ARRAY['C', 'P']) r;
SQL

# The status application, as a person would use it: a role of its own with a password (the page logs
# in as it; scram-sha-256 for it alone, the demo's superuser keeps trust).
APP_PORT=$(free_port "${BIFROST_DEMO_APP_PORT:-8470}") || die "no free TCP port for the status application"
APP_PASSWORD=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
psql_demo -c "CREATE ROLE demo_operator LOGIN PASSWORD '$APP_PASSWORD' IN ROLE bifrost_operator" >/dev/null ||
    die "creating the demo's login role failed"
{ printf 'local all demo_operator scram-sha-256\n'; cat "$PGDATA_DIR/pg_hba.conf"; } >"$WORK/pg_hba.conf"
as_pg cp "$WORK/pg_hba.conf" "$PGDATA_DIR/pg_hba.conf"
psql_demo -c 'SELECT pg_reload_conf()' >/dev/null
printf 'port = %s\ndb_host = %s\ndb_port = %s\n' "$APP_PORT" "$SOCK_DIR" "$PORT" >"$WORK/status-app.conf"
chown "$BIFROST_OS_USER:" "$WORK/status-app.conf"
# setpriv and env exec it: $! is the application's own pid, which cleanup stops
setpriv --reuid="$BIFROST_OS_USER" --regid="$BIFROST_OS_USER" --init-groups env HOME="$WORK" \
    "$BIFROST_PG_BINDIR/bifrost-status" -c "$WORK/status-app.conf" >"$WORK/status-app.log" 2>&1 &
APP_PID=$!
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$APP_PORT") 2>/dev/null && break; sleep 0.1; done
kill -0 "$APP_PID" 2>/dev/null || { cat "$WORK/status-app.log"; die "the status application did not start"; }
say "status page: http://127.0.0.1:$APP_PORT/  (log in as demo_operator, password $APP_PASSWORD)"
say "  and for machines: curl -u demo_operator:$APP_PASSWORD http://127.0.0.1:$APP_PORT/metrics"

status_sql="SELECT $(for e in "${DEMO_EXPRS[@]}"; do printf "coalesce((%s)::text, '-'), " "$e"; done | sed 's/, $//')
FROM (SELECT bifrost_status() AS st) b
LEFT JOIN bifrost.status_current s ON s.id = 1
LEFT JOIN bifrost.daemon_heartbeat h ON true"

say "hedger status, one line per second for ${DURATION}s (Ctrl-C ends early)"
SEP=$'\x1f'
for ((i = 0; i < DURATION; i++)); do
    ((i % 20 == 0)) && print_header
    if out=$(psql_demo -At -F "$SEP" -c "$status_sql" 2>&1); then
        IFS=$SEP read -r -a vals <<<"$out"
        line=
        for j in "${!DEMO_WIDTHS[@]}"; do
            line+=$(printf '%-*s ' "${DEMO_WIDTHS[$j]}" "${vals[$j]:--}")
        done
        printf '%s\n' "$line"
    else
        printf '%s  status query failed: %s\n' "$(date +%H:%M:%S)" "$(head -n 1 <<<"$out")"
        as_pg "$BIFROST_PG_BINDIR/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1 ||
            die "the cluster is no longer running"
    fi
    sleep 1
done

printf '\n'
say "the operations it made (SELECT * FROM bifrost_operations()):"
psql_demo -P pager=off -c "SELECT id, to_char(ts, 'HH24:MI:SS.MS') AS ts, type, side, quantity,
       round(price::numeric, 4) AS price, state_reason, client_order_id, round(realized_pnl::numeric, 2) AS realized_pnl
  FROM bifrost_operations(lim => 45) ORDER BY id" || warn "operations query failed"
say "history statistics (bifrost_history_stats(1, 'UTC')->'summary'):"
psql_demo -P pager=off -At -c "SELECT jsonb_pretty(bifrost_history_stats(1, 'UTC')->'summary')" ||
    warn "history statistics query failed"
say "failing self-checks (SELECT * FROM bifrost_self_check() WHERE NOT ok):"
psql_demo -P pager=off -c 'SELECT * FROM bifrost_self_check() WHERE NOT ok' || warn "self-check query failed"
say "demo finished"
