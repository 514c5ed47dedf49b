# bench/common.sh: what the benchmark scripts share (sourced, not run).  Each script sets its own
# figures' knobs; this sets PG_CONFIG, BINDIR and OS_USER and defines:
#   die MESSAGE               print and exit 1
#   as_pg CMD...              run CMD as the postgres OS user (initdb and postgres refuse root)
#   require_installed         exit unless `make install` has put bifrost into PG_CONFIG's tree
#   free_port FIRST           print the first of 100 ports from FIRST that nobody listens on
#   start_scratch_cluster NAME FIRST_PORT [SETTING=VALUE...]
#                             a throwaway cluster (fsync off, and the settings given) in a temporary
#                             directory, stopped and removed on exit, with the extension created;
#                             sets TMP, PGDATA, PORT and defines psql_run ARGS... (psql on it,
#                             stopping at the first error)
PG_CONFIG=${PG_CONFIG:-pg_config}
BINDIR=$("$PG_CONFIG" --bindir)
OS_USER=postgres

die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_pg() {
    if [[ $(id -un) == "$OS_USER" ]]; then
        "$@"
    elif [[ ${EUID:-$(id -u)} -eq 0 ]]; then
        setpriv --reuid="$OS_USER" --regid="$OS_USER" --init-groups env HOME=/tmp "$@"
    else
        die "run as root or as the $OS_USER OS user"
    fi
}

require_installed() {
    [[ -f $("$PG_CONFIG" --sharedir)/extension/bifrost.control ]] ||
        die "bifrost is not installed for $("$PG_CONFIG" --version): run make install first"
}

free_port() {
    local port=$1 i
    for ((i = 0; i < 100; i++, port++)); do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
    done
    return 1
}

start_scratch_cluster() {
    local name=$1 first_port=$2 setting options=""
    for setting in "${@:3}"; do options+=" -c $setting"; done
    TMP=$(mktemp -d "/tmp/bifrost-bench-$name.XXXXXX")
    chmod 755 "$TMP"
    [[ ${EUID:-$(id -u)} -eq 0 ]] && chown "$OS_USER:" "$TMP"
    PGDATA=$TMP/data
    trap stop_scratch_cluster EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    PORT=$(free_port "$first_port") || die "no free port"
    as_pg "$BINDIR/initdb" -D "$PGDATA" -A trust -U postgres --no-sync >"$TMP/initdb.log" 2>&1 ||
        { cat "$TMP/initdb.log"; die "initdb failed"; }
    as_pg "$BINDIR/pg_ctl" -D "$PGDATA" -l "$TMP/server.log" -w -t 60 \
        -o "-p $PORT -k $TMP -c listen_addresses=localhost -c fsync=off$options" start >/dev/null ||
        { cat "$TMP/server.log"; die "the server did not start"; }
    psql_run -c 'CREATE EXTENSION bifrost' >/dev/null
}

stop_scratch_cluster() {
    if [[ -f $PGDATA/postmaster.pid ]]; then
        as_pg "$BINDIR/pg_ctl" -D "$PGDATA" -m immediate -t 30 stop >/dev/null 2>&1 || true
    fi
    rm -rf "$TMP"
}

psql_run() { as_pg "$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$TMP" -p "$PORT" -d postgres "$@"; }
