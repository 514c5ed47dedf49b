# bench/common.sh: what the benchmark scripts share (sourced, not run).  Each script sets its own
# figures' knobs; this sets PG_CONFIG, BINDIR and OS_USER and defines:
#   die MESSAGE               print and exit 1
#   as_pg CMD...              run CMD as the postgres OS user (initdb and postgres refuse root)
#   require_installed         exit unless `make install` has put bifrost into PG_CONFIG's tree
#   free_port FIRST           print the first of 100 ports from FIRST that nobody listens on
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
