#!/usr/bin/env bash
# test/fault/campaign.sh: the long fault campaign (README, "Fault campaign"), as root like scripts/test.sh.
#
#   bash test/fault/campaign.sh [KILLS [SEED]]
#
# Builds and installs the tree (a scratch copy, with -Werror), then runs test/t/050_fault_campaign.pl with
# FAULT_KILLS=KILLS (default 100) and FAULT_SEED=SEED (default: a random one, printed, so that a failing
# run can be repeated), and prints the campaign's figures. Bounded: the TAP file stops starting kills after
# FAULT_BUDGET_S (default 25 s per kill plus 90 s) and the whole run is killed 15 minutes after that.
# Exits non-zero when any check failed. Environment: BIFROST_PG_BINDIR (another PostgreSQL 15, as for
# scripts/test.sh), FAULT_BUDGET_S, BIFROST_KEEP_TMP=1 (keep the scratch tree and its logs).
set -euo pipefail

# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/common.sh"

KILLS=${1:-100}
SEED=${2:-$((RANDOM * 32768 + RANDOM))}
[[ $KILLS =~ ^[0-9]+$ && $KILLS -ge 1 && $KILLS -le 10000 ]] || die "KILLS must be a number from 1 to 10000, not '$KILLS'"
[[ $SEED =~ ^[0-9]+$ ]] || die "SEED must be a whole number, not '$SEED'"
BUDGET=${FAULT_BUDGET_S:-$((90 + 25 * KILLS))}

SCRATCH=
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n $SCRATCH && -d $SCRATCH ]]; then
        stop_clusters_under "$SCRATCH"
        if [[ ${BIFROST_KEEP_TMP:-0} == 1 ]]; then say "kept $SCRATCH"; else rm -rf "$SCRATCH"; fi
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

require_root
ensure_packages "${BIFROST_PKGS[@]}"
ensure_os_user

SCRATCH=$(mktemp -d /tmp/bifrost-fault.XXXXXX)
chmod 755 "$SCRATCH"
chown "$BIFROST_OS_USER:" "$SCRATCH"
TREE=$SCRATCH/tree
export BIFROST_PG_HOME=$SCRATCH
stage_tree "$TREE"

take_install_lock 3600
build_and_install "$TREE" "$BIFROST_WERROR_CFLAGS" "$SCRATCH/build.log" || die "build failed (log above)"
release_install_lock

say "fault campaign: $KILLS kills, seed $SEED, budget ${BUDGET}s"
SUMMARY=$SCRATCH/figures.txt
touch "$SUMMARY"
chown "$BIFROST_OS_USER:" "$SUMMARY"
rc=0
FAULT_KILLS=$KILLS FAULT_SEED=$SEED FAULT_BUDGET_S=$BUDGET FAULT_SUMMARY=$SUMMARY \
    as_pg_t $((BUDGET + 900)) make -C "$TREE" "PG_CONFIG=$BIFROST_PG_CONFIG" installcheck REGRESS= TAP_TESTS=1 \
    PROVE_TESTS=test/t/050_fault_campaign.pl PROVE_FLAGS="${PROVE_FLAGS:-}" || rc=$?

printf '\n===== fault campaign figures =====\n'
cat "$SUMMARY"
if [[ $rc -ne 0 ]]; then
    printf 'RESULT: FAIL (exit %s; rerun with: bash test/fault/campaign.sh %s %s)\n' "$rc" "$KILLS" "$SEED"
    log=$TREE/tmp_check/log/regress_log_050_fault_campaign
    if [[ -f $log ]]; then
        grep -E '^\[.*\] (not ok|#)' "$log" | tail -n 60
        # a campaign that died (rather than failed a check) says why only at the end of its log
        printf -- '--- end of %s ---\n' "$log"
        tail -n 25 "$log"
    fi
    exit "$rc"
fi
printf 'RESULT: PASS\n'
