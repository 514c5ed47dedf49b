#!/usr/bin/env bash
# bench/bench_sql_pricing.sh: the SQL pricing functions against a built-in baseline (README, Benchmarks).
#
# Boots a throwaway cluster (as the postgres OS user, in a mktemp directory, on a free port; removed on
# exit), runs CREATE EXTENSION bifrost with the installed extension (`make install` first), and times
# one million calls of each query in a single session: a warm-up round, then ROUNDS rounds (default 7)
# in which the queries take turns, so a load change on the machine hits them alike. Prints the median
# ms of each query and its ratio to the baseline. It prints figures; it does not pass or fail.
#
#     sudo bash bench/bench_sql_pricing.sh          # or as the postgres user; ROUNDS=11 for more runs
#
# The goals (README, Benchmarks): price at most 1.5x the baseline, (bifrost_bs_greeks(...)).delta at most 2.5x.
set -euo pipefail

ROUNDS=${ROUNDS:-7}
# shellcheck source=bench/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

require_installed

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
start_scratch_cluster sql 55432

ARGS="50 + g::float8 / 10000, 100, 0.25, 0.05, 0, 0.3"
SERIES="generate_series(1, 1000000) g"
# name|query: the first three are the goals; the rest show how the other call shapes cost.
QUERIES=(
    "baseline|SELECT sum(exp(g::float8 / 1000000)) FROM $SERIES"
    "price|SELECT sum(bifrost_bs_price('C', $ARGS)) FROM $SERIES"
    "greeks_delta|SELECT sum((bifrost_bs_greeks('C', $ARGS)).delta) FROM $SERIES"
    "greeks_6_cols_subquery|SELECT sum((x.g).price + (x.g).delta + (x.g).gamma + (x.g).vega + (x.g).theta + (x.g).rho) FROM (SELECT bifrost_bs_greeks('C', $ARGS) AS g FROM $SERIES OFFSET 0) x"
    "greeks_6_cols_lateral|SELECT sum(x.price + x.delta + x.gamma + x.vega + x.theta + x.rho) FROM $SERIES, LATERAL bifrost_bs_greeks('C', $ARGS) x"
    "implied_vol|SELECT sum(bifrost_implied_vol('C', 2 + g::float8 / 100000, 100, 100, 0.25, 0.05, 0)) FROM $SERIES"
)

SCRIPT=$TMP/bench.sql
{
    printf '%s\n' '\timing on' '\o /dev/null'
    for ((round = 0; round <= ROUNDS; round++)); do
        for entry in "${QUERIES[@]}"; do
            printf '\\echo @ %s %s\n' "$round" "${entry%%|*}"
            echo "${entry#*|};"
        done
    done
} >"$SCRIPT"
[[ ${EUID:-$(id -u)} -eq 0 ]] && chown "$OS_USER:" "$SCRIPT"

psql_run -f "$SCRIPT" >"$TMP/timings.txt"

# Round 0 is the warm-up; the median of the others per query.
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A MS
for entry in "${QUERIES[@]}"; do
    name=${entry%%|*}
    MS[$name]=$(awk -v name="$name" '
        $1 == "@" { round = $2; cur = $3; next }
        $1 == "Time:" && cur == name && round > 0 { print $2; cur = "" }' "$TMP/timings.txt" | median)
done

printf 'bench_sql_pricing: SQL pricing functions, 1,000,000 calls per query, median of %d rounds after a warm-up\n' "$ROUNDS"
printf 'server:  %s (jit %s, work_mem %s)\n' "$(psql_run -Atc 'SHOW server_version')" \
    "$(psql_run -Atc 'SHOW jit')" "$(psql_run -Atc 'SHOW work_mem')"
printf 'machine: %s, %s CPUs, %s\n' "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)" \
    "$(nproc)" "$(uname -sr)"
printf 'load:    %s (1, 5, 15 min, before the run)\n\n' "$LOAD_BEFORE"
printf '%-24s %10s %8s %7s\n' query ms ratio goal
for entry in "${QUERIES[@]}"; do
    name=${entry%%|*}
    case $name in
        price) goal='<= 1.5' ;;
        greeks_delta) goal='<= 2.5' ;;
        *) goal='' ;;
    esac
    printf '%-24s %10.1f %7.2fx %7s\n' "$name" "${MS[$name]}" \
        "$(awk -v a="${MS[$name]}" -v b="${MS[baseline]}" 'BEGIN { print a / b }')" "$goal"
done
printf '\nqueries:\n'
for entry in "${QUERIES[@]}"; do
    printf '  %-22s %s\n' "${entry%%|*}" "${entry#*|}"
done
