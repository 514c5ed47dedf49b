#!/usr/bin/env bash
# bench/bench_quote_source.sh: how fast the backtest's quote source reads recorded ticks.
#
# Boots a throwaway cluster (as the postgres OS user, in a mktemp directory, on a free port; removed on
# exit), runs CREATE EXTENSION bifrost with the installed extension (`make install` first), stores TICKS
# ticks (default 2,000,000) of one symbol, 100 ms apart (bid and ask numeric with one decimal, every
# tenth with a last price, as a venue records them), vacuums, and reads them ROUNDS times (default 5):
#   - through SELECT count(*) FROM bifrost.backtest_quotes('ticks', ...): the set-returning function,
#     timed by psql; it adds a tuplestore (spilled to disk past work_mem) and the count;
#   - the quote source alone: its own DEBUG1 line at close, rows and seconds spent inside it on the
#     monotonic clock (the direct index scan and the numeric decoder);
#   - for comparison, the same rows through the executor in the worker's replay order with its
#     ::float8 casts (what an SPI cursor over bifrost.ticks would run, before SPI copies the rows).
# Prints the median and the best of each in rows/s. It prints figures; it does not pass or fail.
#
#     sudo bash bench/bench_quote_source.sh          # or as the postgres user; TICKS=10000000 for more
#
# The goal: well above the backtest's 1,000,000 ticks/s end to end (3-5 million rows/s for the source).
set -euo pipefail

TICKS=${TICKS:-2000000}
ROUNDS=${ROUNDS:-5}
SYMBOL=BTC-USDT-SWAP
FROM="2025-01-01 00:00+00"
TO="2026-01-01 00:00+00"
# shellcheck source=bench/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

require_installed

start_scratch_cluster quotes 55540

psql_run <<SQL
INSERT INTO bifrost.ticks (symbol, ts, bid, ask, last)
SELECT '$SYMBOL', '$FROM'::timestamptz + g * interval '100 ms', p, p + 0.1, CASE WHEN g % 10 = 0 THEN p + 0.1 END
  FROM (SELECT g, round((60000 + 2000 * sin(g / 20000.0) + 50 * sin(g / 37.0))::numeric, 1) AS p
          FROM generate_series(1, $TICKS) g) s;
VACUUM ANALYZE bifrost.ticks;
SQL

SCRIPT=$TMP/bench.sql
{
    echo '\timing on'
    echo 'SET client_min_messages = debug1;'
    for ((i = 0; i < ROUNDS; i++)); do
        echo "SELECT count(*) AS srf FROM bifrost.backtest_quotes('ticks', '$SYMBOL', '$FROM', '$TO');"
    done
    echo 'RESET client_min_messages;'
    for ((i = 0; i < ROUNDS; i++)); do
        # count() of each column makes the executor compute every cast
        echo "SELECT count(e) + count(b) + count(a) + count(l) AS cast FROM (
                SELECT extract(epoch FROM ts)::float8 AS e, bid::float8 AS b, ask::float8 AS a, last::float8 AS l
                  FROM bifrost.ticks WHERE symbol = '$SYMBOL' AND ts >= '$FROM' AND ts < '$TO'
                 ORDER BY ts, id) s;"
    done
} >"$SCRIPT"
chown "$OS_USER:" "$SCRIPT" 2>/dev/null || true
OUT=$(psql_run -f "$SCRIPT" 2>&1)

# rows/s from a list of milliseconds (stdin): "median best"
rates_from_ms() { awk -v n="$TICKS" '{ print n / ($1 / 1000) }' | sort -g | awk '{ r[NR] = $1 } END { printf "%.0f %.0f\n", r[int((NR + 1) / 2)], r[NR] }'; }
rates() { sort -g | awk '{ r[NR] = $1 } END { printf "%.0f %.0f\n", r[int((NR + 1) / 2)], r[NR] }'; }

mapfile -t MS < <(grep -o 'Time: [0-9.]*' <<<"$OUT" | awk '{print $2}')
# the first Time: is the SET
read -r srf_median srf_best < <(printf '%s\n' "${MS[@]:1:ROUNDS}" | rates_from_ms)
read -r cast_median cast_best < <(printf '%s\n' "${MS[@]: -ROUNDS}" | rates_from_ms)
read -r raw_median raw_best < <(grep -o 'quote source read [0-9]* rows of bifrost.ticks in [0-9.]* s' <<<"$OUT" |
    awk '{ print $4 / $9 }' | rates)
rows=$(grep -o 'quote source read [0-9]* rows' <<<"$OUT" | head -1 | awk '{print $4}')

printf '%s ticks of %s (%s, %s cores), %d rounds, work_mem %s\n' "$TICKS" "$SYMBOL" \
    "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" "$(nproc)" "$ROUNDS" \
    "$(psql_run -Atc 'SHOW work_mem')"
printf 'quote source alone (direct index scan, numeric decoder): median %s rows/s, best %s (rows read %s)\n' \
    "$raw_median" "$raw_best" "$rows"
printf 'bifrost.backtest_quotes() with count(*):                 median %s rows/s, best %s\n' "$srf_median" "$srf_best"
printf 'executor with ::float8 casts in (ts, id) order:          median %s rows/s, best %s\n' "$cast_median" "$cast_best"
printf 'command: TICKS=%s ROUNDS=%s bash bench/bench_quote_source.sh\n' "$TICKS" "$ROUNDS"
