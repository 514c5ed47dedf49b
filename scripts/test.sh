#!/usr/bin/env bash
# scripts/test.sh: every bifrost test on a fresh Debian 12 machine, as root (README, The two commands).
#
# Installs missing packages, builds a scratch copy of the tree with -Werror as the postgres OS user,
# installs the extension, then runs as postgres: the C unit tests (make unitcheck), pg_regress in its own
# temporary instance (make installcheck TAP_TESTS=) and the TAP tests (make prove_installcheck, or PGXS's
# TAP step of installcheck alone). Prints a summary and exits non-zero if any phase failed.
# Environment: PROVE_FLAGS (e.g. -v), PG_TEST_TIMEOUT_DEFAULT, BIFROST_CFLAGS (replaces the -Werror
# flag set), BIFROST_KEEP_TMP=1 (keep the scratch tree for a look).
set -euo pipefail

# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PHASE_LIMIT_UNIT=900
PHASE_LIMIT_FUZZ=600
PHASE_LIMIT_REGRESS=900
PHASE_LIMIT_TAP=2400

SCRATCH=
declare -a SUMMARY=()
FAILED=0

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n $SCRATCH && -d $SCRATCH ]]; then
        stop_clusters_under "$SCRATCH"
        if [[ ${BIFROST_KEEP_TMP:-0} == 1 ]]; then
            say "kept $SCRATCH (BIFROST_KEEP_TMP=1)"
        else
            rm -rf "$SCRATCH"
        fi
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# record NAME STATUS SECONDS [NOTE]
record() {
    SUMMARY+=("$(printf '%-14s %-5s %5ss  %s' "$1" "$2" "$3" "${4:-}")")
    [[ $2 == PASS ]] || FAILED=1
}

# Has the Makefile in the tree a target $1?
has_target() {
    as_pg make -C "$TREE" -n "PG_CONFIG=$BIFROST_PG_CONFIG" "$1" >/dev/null 2>&1
}

show_file() {
    local f=$1 lines=${2:-400}
    [[ -f $f ]] || return 0
    printf '\n----- %s (last %s lines) -----\n' "${f#"$TREE"/}" "$lines"
    tail -n "$lines" "$f"
}

require_root
ensure_packages "${BIFROST_PKGS[@]}" "${BIFROST_TEST_PKGS[@]}"
ensure_os_user

SCRATCH=$(mktemp -d /tmp/bifrost-test.XXXXXX)
chmod 755 "$SCRATCH"
chown "$BIFROST_OS_USER:" "$SCRATCH"
TREE=$SCRATCH/tree
export BIFROST_PG_HOME=$SCRATCH
stage_tree "$TREE"
MAKE_ARGS=(-C "$TREE" "PG_CONFIG=$BIFROST_PG_CONFIG" "PG_CFLAGS=$BIFROST_WERROR_CFLAGS")

# 1. build and install
t0=$SECONDS
take_install_lock 3600
if build_and_install "$TREE" "$BIFROST_WERROR_CFLAGS"; then
    release_install_lock
    record build PASS $((SECONDS - t0)) "PG_CFLAGS=$BIFROST_WERROR_CFLAGS"
else
    release_install_lock
    record build FAIL $((SECONDS - t0)) "build or make install failed (output above)"
    printf '\n===== summary =====\n%s\n' "${SUMMARY[@]}"
    exit 1
fi

# 2. C unit tests of the pure engine
say "unit tests: make unitcheck"
t0=$SECONDS
if ! has_target unitcheck; then
    record unitcheck FAIL 0 "the Makefile has no unitcheck target"
elif as_pg_t "$PHASE_LIMIT_UNIT" make "${MAKE_ARGS[@]}" unitcheck; then
    record unitcheck PASS $((SECONDS - t0))
else
    rc=$?
    record unitcheck FAIL $((SECONDS - t0)) "exit $rc (124 = over ${PHASE_LIMIT_UNIT}s)"
fi

# 2b. fuzzing of the JSON parsers, bounded in time per target
say "fuzzing: make fuzzcheck"
t0=$SECONDS
if ! has_target fuzzcheck; then
    record fuzzcheck FAIL 0 "the Makefile has no fuzzcheck target"
elif as_pg_t "$PHASE_LIMIT_FUZZ" make "${MAKE_ARGS[@]}" fuzzcheck; then
    record fuzzcheck PASS $((SECONDS - t0))
else
    rc=$?
    record fuzzcheck FAIL $((SECONDS - t0)) "exit $rc (124 = over ${PHASE_LIMIT_FUZZ}s)"
fi

# 3. pg_regress, in the temporary instance the Makefile asks for (never against a shared server)
say "pg_regress: make installcheck"
t0=$SECONDS
plan=$(as_pg make "${MAKE_ARGS[@]}" -n installcheck TAP_TESTS= 2>&1 || true)
if ! grep -q 'pg_regress' <<<"$plan"; then
    record installcheck FAIL 0 "make installcheck runs no pg_regress (REGRESS empty?)"
elif ! grep -q -- '--temp-instance' <<<"$plan"; then
    record installcheck FAIL 0 "REGRESS_OPTS lacks --temp-instance: refusing to use a shared server"
elif as_pg_t "$PHASE_LIMIT_REGRESS" make "${MAKE_ARGS[@]}" installcheck TAP_TESTS=; then
    record installcheck PASS $((SECONDS - t0))
else
    rc=$?
    record installcheck FAIL $((SECONDS - t0)) "exit $rc (124 = over ${PHASE_LIMIT_REGRESS}s)"
    show_file "$TREE/regression.diffs" 1000
    show_file "$TREE/log/postmaster.log" 200
fi

# 4. TAP tests of the worker (PostgreSQL::Test::Cluster): `make prove_installcheck` if the Makefile has
# that target, else PGXS's TAP step of installcheck alone (REGRESS emptied, TAP_TESTS forced on).
if has_target prove_installcheck; then
    TAP_MAKE=(prove_installcheck)
else
    TAP_MAKE=(installcheck REGRESS= TAP_TESTS=1)
fi
say "TAP: make ${TAP_MAKE[*]} PROVE_TESTS='test/t/*.pl' PROVE_FLAGS='${PROVE_FLAGS:-}'"
t0=$SECONDS
if as_pg_t "$PHASE_LIMIT_TAP" make "${MAKE_ARGS[@]}" "${TAP_MAKE[@]}" \
        PROVE_TESTS='test/t/*.pl' PROVE_FLAGS="${PROVE_FLAGS:-}" 2>&1 | tee "$SCRATCH/tap.out"; then
    record tap PASS $((SECONDS - t0))
else
    rc=$?
    # The logs of the files prove lists as failed; all logs when it got no summary out (timeout).
    mapfile -t failed < <(grep -oE '^test/t/[^ ]+\.pl +\(Wstat' "$SCRATCH/tap.out" |
                          sed -E 's|^test/t/([^ ]+)\.pl.*|\1|' | sort -u)
    record tap FAIL $((SECONDS - t0)) "exit $rc (124 = over ${PHASE_LIMIT_TAP}s) ${failed[*]:-}"
    if [[ ${#failed[@]} -eq 0 ]]; then
        mapfile -t failed < <(find "$TREE/tmp_check/log" -name 'regress_log_*' -printf '%f\n' 2>/dev/null |
                              sed 's/^regress_log_//' | sort)
    fi
    for name in "${failed[@]}"; do
        show_file "$TREE/tmp_check/log/regress_log_$name" 400
        for f in "$TREE/tmp_check/log/$name"_*.log; do show_file "$f" 150; done
    done
fi

printf '\n===== bifrost test summary =====\n'
printf '%s\n' "${SUMMARY[@]}"
if [[ $FAILED -ne 0 ]]; then
    printf 'RESULT: FAIL\n'
    exit 1
fi
printf 'RESULT: PASS\n'
