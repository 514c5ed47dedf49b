#!/usr/bin/env bash
# bench/bench_backtest_engine.sh [QUOTES]: builds bench/bench_backtest_engine.c against the pure
# engine (plain gcc -O2, no PostgreSQL) and prints quotes per second through the backtest driver for
# a realistic 10-leg book and the worst case, with the command that built it.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cmd="gcc -std=c99 -O2 -Isrc/engine bench/bench_backtest_engine.c src/engine/*.c -lm -o $out/bench_backtest_engine"
gcc -std=c99 -O2 -Isrc/engine -DBENCH_BUILD_CMD="\"$cmd\"" bench/bench_backtest_engine.c src/engine/*.c -lm \
    -o "$out/bench_backtest_engine"
"$out/bench_backtest_engine" "$@"
