#!/usr/bin/env bash
# test/fuzz/run.sh [seconds per target, default 20]
#
# Builds the libFuzzer targets fuzz_okx and fuzz_ibkr (clang, with the
# address and undefined-behaviour sanitizers) into a temporary directory and
# runs each for a bounded time over a copy of its corpus (test/fuzz/corpus/
# <venue>/, never modified) with its dictionary.  Prints one summary line
# per target and exits non-zero when a target crashes, leaks, times out or
# breaks an invariant; the crashing input and the log are then kept in the
# temporary directory, whose path is printed.
#
# Needs clang and the libFuzzer runtime (Debian 12: apt-get install clang
# libclang-rt-14-dev), pkg-config and libjson-c-dev.  Environment:
# FUZZ_CC (default clang); FUZZ_KEEP=1 keeps the
# temporary directory even on success.
set -euo pipefail

secs=${1:-20}
case $secs in
	'' | *[!0-9]*) echo "usage: $0 [seconds per target]" >&2; exit 2 ;;
esac
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cc=${FUZZ_CC:-clang}

if ! command -v "$cc" >/dev/null 2>&1; then
	echo "fuzz: $cc not found; install clang (Debian 12: apt-get install clang libclang-rt-14-dev)" >&2
	exit 2
fi
if ! pkg-config --exists json-c; then
	echo "fuzz: json-c not found by pkg-config; install libjson-c-dev" >&2
	exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/bifrost-fuzz.XXXXXX")
keep=${FUZZ_KEEP:-0}
cleanup() { if [ "$keep" = 0 ]; then rm -rf "$work"; fi; }
trap cleanup EXIT

# The fuzzer runtime ships apart from the compiler on Debian.
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void) d; (void) n; return 0; }\n' \
	>"$work/probe.c"
if ! "$cc" -fsanitize=fuzzer "$work/probe.c" -o "$work/probe" 2>"$work/probe.log"; then
	echo "fuzz: $cc cannot link -fsanitize=fuzzer: the libFuzzer runtime is missing" >&2
	echo "fuzz: Debian 12 ships it in libclang-rt-14-dev (apt-get install libclang-rt-14-dev)" >&2
	sed 's/^/    /' "$work/probe.log" >&2
	exit 2
fi

read -r -a jsonc_cflags <<<"$(pkg-config --cflags json-c)"
read -r -a jsonc_libs <<<"$(pkg-config --libs json-c)"
cflags=(-std=c99 -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined
	-fno-sanitize-recover=undefined -Wall -Wextra -I"$root/src/net" "${jsonc_cflags[@]}")

declare -A sources=(
	[okx]="src/net/json_util.c src/net/json_util_get.c src/net/okx_parse.c src/net/okx_parse_trade.c"
	[ibkr]="src/net/json_util.c src/net/json_util_get.c src/net/ibkr_parse.c"
)

status=0
summary=()
for target in okx ibkr; do
	bin="$work/fuzz_$target"
	log="$work/fuzz_$target.log"
	corpus="$work/corpus_$target"
	srcs=()
	for s in ${sources[$target]}; do srcs+=("$root/$s"); done
	if ! "$cc" "${cflags[@]}" "$root/test/fuzz/fuzz_$target.c" "${srcs[@]}" "${jsonc_libs[@]}" \
		-o "$bin" 2>"$work/build_$target.log"; then
		cat "$work/build_$target.log" >&2
		summary+=("fuzz_$target: BUILD FAILED")
		status=1
		continue
	fi
	mkdir -p "$corpus" "$work/artifacts_$target"
	cp "$root/test/fuzz/corpus/$target/"* "$corpus/"
	seeds=$(find "$corpus" -type f | wc -l)
	rc=0
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		"$bin" -max_total_time="$secs" -rss_limit_mb=1024 -timeout=5 -max_len=16384 \
		-dict="$root/test/fuzz/$target.dict" -print_final_stats=1 \
		-artifact_prefix="$work/artifacts_$target/" "$corpus" >"$log" 2>&1 || rc=$?
	# a crash on a seed leaves no statistics: none of these may stop the script
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1 || true)
	cov=$( (grep -o 'cov: [0-9]*' "$log" || true) | tail -n 1 | sed 's/cov: //')
	ft=$( (grep -o 'ft: [0-9]*' "$log" || true) | tail -n 1 | sed 's/ft: //')
	units=$(find "$corpus" -type f | wc -l)
	if [ "$rc" -eq 0 ]; then
		summary+=("fuzz_$target: ${runs:-?} runs in ${secs}s, coverage ${cov:-?} edges / ${ft:-?} features, corpus $seeds -> $units, no crash")
	else
		status=1
		keep=1
		summary+=("fuzz_$target: FAILED (exit $rc) after ${runs:-?} runs; log $log, inputs in $work/artifacts_$target/")
		grep -E 'ERROR|SUMMARY|invariant|runtime error|Test unit written' "$log" | head -n 20 >&2 || true
	fi
done

printf '%s\n' "${summary[@]}"
if [ "$status" -ne 0 ]; then
	echo "fuzz: kept $work" >&2
fi
exit "$status"
