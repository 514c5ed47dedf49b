#!/usr/bin/env bash
# scripts/include_graph.sh [--graph]: checks that the includes of src/ flow one way.
#
# Reads every `#include "..."` of src/**/*.{c,h}, resolves it (beside the including file, then from
# src/, as the compiler does with -Isrc; a name found in neither is a system or PostgreSQL header and
# is left out) and checks, folder by folder:
#   - no include climbs with ../ (they are named from src/: "engine/engine.h", "pg/spi/store.h");
#   - the layers: src/engine includes nothing of ours outside it; src/net only the engine (and
#     src/app, the status application, a program of its own, likewise);
#     src/pg/common (what several subsystems share) the engine and net; src/pg/spi (the transaction
#     runner) also common; src/pg/bgw (the worker skeleton) also spi; the subsystems (venue, hedger,
#     ingest) any of those and each other; src/pg/sqlapi any subsystem; src/pg (module init) all.
#     Nothing includes a folder above its own layer, so spi knows nothing of what it runs;
#   - the folders' include graph has no cycle (between subsystems too);
#   - no header #undefs a name: renaming another library's declaration around an #include
#     leaks into every file that includes the header.
# Prints the violations and exits 1, or prints one line and exits 0.  --graph also prints the
# folder-level graph.  `make unitcheck` runs it, so a new circle fails the test command.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The layer of a folder of src/ (a file may include its own layer only between subsystems).
layer() {
    case $1 in
        engine) echo 0 ;;
        net) echo 1 ;;
        app) echo 1 ;;
        pg/common) echo 2 ;;
        pg/spi) echo 3 ;;
        pg/bgw) echo 4 ;;
        pg/sqlapi) echo 6 ;;
        pg) echo 7 ;;
        pg/*) echo 5 ;;
        *) echo 9 ;;
    esac
}

problems=()
declare -A edges=()

while IFS= read -r file; do
    dir=$(dirname "$file")
    from=${dir#src/}
    while IFS= read -r target; do
        [[ -n $target ]] || continue
        if [[ $target == *../* ]]; then
            problems+=("$file: #include \"$target\" climbs with ../; name it from src/")
            continue
        fi
        if [[ -f $dir/$target ]]; then
            resolved=$dir/$target
        elif [[ -f src/$target ]]; then
            resolved=src/$target
        else
            continue            # a system or PostgreSQL header
        fi
        to=$(dirname "${resolved#src/}")
        [[ $to == "$from" ]] && continue
        edges["$from $to"]=1
        lf=$(layer "$from")
        lt=$(layer "$to")
        if ! ((lt < lf || (lt == 5 && lf == 5))); then
            problems+=("$file: includes $resolved: src/$from may not include src/$to (layer $lf -> $lt)")
        fi
    done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$file")
done < <(find src -name '*.[ch]' | sort)

while IFS= read -r header; do
    if grep -qE '^[[:space:]]*#[[:space:]]*undef' "$header"; then
        problems+=("$header: a header #undefs a name (keep such a rename private to a .c file)")
    fi
done < <(find src -name '*.h' | sort)

# A cycle of folders: tsort fails and names the folders of each loop it finds; the first is shown.
if ((${#edges[@]} > 0)); then
    if ! tsort_out=$(printf '%s\n' "${!edges[@]}" | tsort 2>&1 >/dev/null) || [[ -n $tsort_out ]]; then
        loop=$(awk '/input contains a loop/ { n++; next } n == 1 { sub(/^tsort: /, ""); printf "%s%s", sep, $0; sep = " <-> " }' <<<"$tsort_out")
        problems+=("the folders include each other in a circle: ${loop:-$tsort_out}")
    fi
fi

if [[ ${1:-} == --graph ]]; then
    printf '%s\n' "${!edges[@]}" | sort | sed 's/ / -> /'
fi
if ((${#problems[@]} > 0)); then
    printf 'include rules broken:\n'
    printf '  %s\n' "${problems[@]}"
    exit 1
fi
printf 'include rules hold: %d folder edges, no cycle, layers respected\n' "${#edges[@]}"
