# shellcheck shell=bash disable=SC2034
# scripts/common.sh: set-up shared by scripts/demo.sh and scripts/test.sh (sourced, never run).
#
# Everything here is idempotent: packages are installed only when missing, the build runs in a scratch
# copy of the tree owned by the postgres OS user (initdb, pg_regress and the TAP clusters refuse to run
# as root), and `make install` is the only step that writes outside the scratch directory.

BIFROST_PG_MAJOR=15
# BIFROST_PG_BINDIR may name another PostgreSQL 15 installation (a private copy, so that two test runs
# on one machine do not install over each other's library).
BIFROST_PG_BINDIR=${BIFROST_PG_BINDIR:-/usr/lib/postgresql/${BIFROST_PG_MAJOR}/bin}
BIFROST_PG_CONFIG=${BIFROST_PG_BINDIR}/pg_config
BIFROST_OS_USER=postgres

# The one list of Debian 12 packages (README, The two commands). The test command adds clang (fuzz targets).
BIFROST_PKGS=(postgresql-15 postgresql-server-dev-15 libcurl4-openssl-dev libjson-c-dev
              libpq-dev libmicrohttpd-dev libipc-run-perl pkg-config make gcc)
BIFROST_TEST_PKGS=(clang libclang-rt-14-dev openssl prometheus chromium chromium-driver)

# Compiler flags of the test build; the demo builds with the Makefile's own flags.
BIFROST_WERROR_CFLAGS=${BIFROST_CFLAGS:-'-Wall -Wextra -Werror'}

BIFROST_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

say()  { printf '==> %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die()  { printf 'error: %s\n' "$*" >&2; exit 1; }

require_root() {
    [[ ${EUID:-$(id -u)} -eq 0 ]] ||
        die "run this as root (it installs packages and the extension): sudo bash $0"
}

# Installs the named Debian packages that are not installed yet; `apt-get update` only if some are missing.
ensure_packages() {
    local missing=() p
    for p in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
            missing+=("$p")
        fi
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        say "packages present: $*"
        return 0
    fi
    say "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    timeout 900 apt-get update -q || die "apt-get update failed"
    timeout 1800 apt-get install -y -q --no-install-recommends "${missing[@]}" ||
        die "apt-get install ${missing[*]} failed"
    # Debian's prometheus starts a service on every interface (port 9090): the tests run their own on
    # 127.0.0.1 and need no other.
    if [[ " ${missing[*]} " == *" prometheus "* ]] && command -v systemctl >/dev/null; then
        systemctl disable --now prometheus >/dev/null 2>&1 || true
    fi
}

# The postgres package creates this user; create it if a machine has the binaries without it.
ensure_os_user() {
    if ! id -u "$BIFROST_OS_USER" >/dev/null 2>&1; then
        say "creating OS user $BIFROST_OS_USER"
        useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash "$BIFROST_OS_USER"
    fi
}

# as_pg_t SECONDS CMD...: runs CMD as the postgres OS user, killed after SECONDS (0 = no limit), keeping
# the environment (PROVE_FLAGS, PG_TEST_TIMEOUT_DEFAULT...). as_pg CMD...: the same without a limit.
as_pg_t() {
    local limit=$1
    shift
    timeout --kill-after=30 "$limit" \
        setpriv --reuid="$BIFROST_OS_USER" --regid="$BIFROST_OS_USER" --init-groups \
        env HOME="${BIFROST_PG_HOME:-/tmp}" USER="$BIFROST_OS_USER" LOGNAME="$BIFROST_OS_USER" \
        PATH="$BIFROST_PG_BINDIR:$PATH" "$@"
}
as_pg() { as_pg_t 0 "$@"; }

# Copies the working tree (committed or not, without .git and build products) into $1, owned by postgres.
stage_tree() {
    local dest=$1
    mkdir -p "$dest"
    tar -C "$BIFROST_REPO" \
        --exclude=.git --exclude='*.o' --exclude='*.so' --exclude='*.bc' \
        --exclude='*.gcda' --exclude='*.gcno' --exclude=./results --exclude=./regression.diffs \
        --exclude=./regression.out --exclude=./tmp_check --exclude=./tmp_check_regress --exclude=./log \
        --exclude=./test/unit/bin --exclude=./bench/bin \
        -cf - . | tar -C "$dest" -xf -
    chown -R "$BIFROST_OS_USER:" "$dest"
}

# Builds the extension in tree $1 as postgres (PG_CFLAGS=$2 if not empty), then installs it as root.
# With $3, the make output goes to that file and is shown only on failure.
build_and_install() {
    local tree=$1 cflags=${2:-} log=${3:-/dev/stdout}
    local args=(-C "$tree" "PG_CONFIG=$BIFROST_PG_CONFIG")
    [[ -n $cflags ]] && args+=("PG_CFLAGS=$cflags")
    say "building in $tree ${cflags:+(PG_CFLAGS=$cflags)}"
    if ! as_pg_t 1800 make -j2 "${args[@]}" >>"$log" 2>&1; then
        [[ $log != /dev/stdout ]] && tail -n 60 "$log"
        return 1
    fi
    say "make install"
    if ! timeout 600 make "${args[@]}" install >>"$log" 2>&1; then
        [[ $log != /dev/stdout ]] && tail -n 60 "$log"
        return 1
    fi
    chown -R "$BIFROST_OS_USER:" "$tree"
}

# Serializes build + make install of concurrent test and demo runs on one machine (released before any
# server starts, so no server or mock inherits the lock). Waits at most $1 seconds (default 3600).
take_install_lock() {
    exec 9>"/tmp/bifrost-install$(printf %s "$BIFROST_PG_BINDIR" | md5sum | cut -c1-8).lock"
    if ! flock -n 9; then
        say "waiting for another bifrost test or demo run to finish with the installed library"
        flock -w "${1:-3600}" 9 || die "gave up waiting for the install lock of $BIFROST_PG_BINDIR"
    fi
}
release_install_lock() { exec 9>&-; }

# First TCP port on 127.0.0.1 from $1 on that nobody listens to (bounded: 100 tries).
free_port() {
    local port=$1 i
    for ((i = 0; i < 100; i++, port++)); do
        # nobody listens on it, and it can be bound: a busy machine's outgoing connections take ports
        # of the ephemeral range too, and a server could not bind one of those
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null &&
            perl -MIO::Socket::INET -e 'exit(IO::Socket::INET->new(LocalAddr => "127.0.0.1",
                LocalPort => $ARGV[0], Proto => "tcp", Listen => 1) ? 0 : 1)' "$port"; then
            echo "$port"
            return 0
        fi
    done
    return 1
}

# Stops (immediate mode) every cluster whose data directory lies under $1; bounded by pg_ctl -t.
stop_clusters_under() {
    local root=$1 pidfile
    [[ -d $root ]] || return 0
    while IFS= read -r pidfile; do
        as_pg "$BIFROST_PG_BINDIR/pg_ctl" -D "$(dirname "$pidfile")" -m immediate -t 20 stop \
            >/dev/null 2>&1 || true
    done < <(find "$root" -maxdepth 8 -name postmaster.pid 2>/dev/null)
}
