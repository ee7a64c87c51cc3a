#!/usr/bin/env bash
# `make fuzz`: builds every fuzz target with clang, libFuzzer, ASan and UBSan
# and runs each from its seed corpus (tests/fuzz/corpus/<name>/) for
# FUZZ_RUNS executions (default 150000; at most FUZZ_SECONDS seconds each,
# default 100). New inputs it finds go to build/fuzz/found/<name>/, a crash
# to build/fuzz/crashes/: fix it, then add the input to the target's corpus,
# where `make test` replays it (tests/unit/test_*fuzz_replay.c).
# The last line printed is "N passed, N failed" (a target a line).
set -uo pipefail
cd "$(dirname "$0")/../.."

RUNS=${FUZZ_RUNS:-150000}
SECONDS_EACH=${FUZZ_SECONDS:-100}
OUT=build/fuzz
CC=${FUZZ_CC:-clang}
FLAGS=(-std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g -O1 -fno-omit-frame-pointer
    -fsanitize=address,undefined -fno-sanitize-recover=undefined -Icommon)
read -r -a PKG_CFLAGS <<<"$(pkg-config --cflags libulfius libjwt jansson libpq libsodium libmicrohttpd)"
read -r -a PKG_LIBS <<<"$(pkg-config --libs libulfius libjwt jansson libpq libsodium libmicrohttpd liborcania gnutls) -lpthread -lm"

# target name, the file that defines it, the service sources it needs (a
# service's name: all of them; or files, comma-separated)
TARGETS=(
    "token      tests/fuzz/fuzz_common.c     -"
    "cursor     tests/fuzz/fuzz_common.c     -"
    "if_match   tests/fuzz/fuzz_common.c     -"
    "csv        tests/fuzz/fuzz_common.c     -"
    "query      tests/fuzz/fuzz_common.c     -"
    "json_in    tests/fuzz/fuzz_seals.c      seals"
    "seal_approver tests/fuzz/fuzz_seals.c   seals"
    "workdays   tests/fuzz/fuzz_attendance.c attendance/workdays.c,attendance/leave_rules.c"
    "leave_chain tests/fuzz/fuzz_attendance.c attendance/workdays.c,attendance/leave_rules.c"
)

mkdir -p "$OUT/obj" "$OUT/bin" "$OUT/crashes"
compile() { # src obj [extra flags]
    local src=$1 obj=$2
    shift 2
    [[ $obj -nt $src ]] && return 0
    mkdir -p "$(dirname "$obj")"
    "$CC" "${FLAGS[@]}" -fsanitize=fuzzer-no-link "${PKG_CFLAGS[@]}" "$@" -c -o "$obj" "$src"
}

echo "building the fuzz targets with $CC (libFuzzer, ASan, UBSan)"
common_objs=()
for src in common/*.c; do
    compile "$src" "$OUT/obj/$src.o" || { echo "0 passed, 1 failed"; exit 1; }
    common_objs+=("$OUT/obj/$src.o")
done
# The sources of a service the targets need: every file but main.c and
# routes.c (the route table) and requests.c (fuzz_seals.c includes it).
service_objs() {
    local svc=$1 src
    local -a srcs=(services/"$svc"/*.c)
    if [[ $svc == *.c ]]; then
        IFS=, read -r -a srcs <<<"$svc"
        srcs=("${srcs[@]/#/services/}")
    fi
    for src in "${srcs[@]}"; do
        case $(basename "$src") in main.c | routes.c | requests.c) continue ;; esac
        compile "$src" "$OUT/obj/$src.o" || return 1
        echo "$OUT/obj/$src.o"
    done
}

passed=0 failed=0 total=0
for t in "${TARGETS[@]}"; do
    read -r name file svc <<<"$t"
    bin=$OUT/bin/fuzz_$name
    objs=()
    if [[ $svc != - ]]; then
        mapfile -t objs < <(service_objs "$svc") || true
    fi
    if ! "$CC" "${FLAGS[@]}" -fsanitize=fuzzer "${PKG_CFLAGS[@]}" -DFUZZ_ENTRY="fuzz_$name" \
        -o "$bin" tests/fuzz/libfuzzer_main.c "$file" "${objs[@]}" "${common_objs[@]}" \
        "${PKG_LIBS[@]}"; then
        echo "fuzz_$name: did not build"
        failed=$((failed + 1))
        continue
    fi
    found=$OUT/found/$name
    mkdir -p "$found"
    log=$OUT/fuzz_$name.log
    "$bin" -runs="$RUNS" -max_total_time="$SECONDS_EACH" -max_len=4096 -timeout=10 \
        -artifact_prefix="$OUT/crashes/$name-" -print_final_stats=1 \
        "$found" "tests/fuzz/corpus/$name" >"$log" 2>&1
    rc=$?
    runs=$(grep -aoE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -n 1)
    runs=${runs:-0}
    total=$((total + runs))
    if ((rc == 0)); then
        echo "fuzz_$name: $runs executions, no crash"
        passed=$((passed + 1))
    else
        echo "fuzz_$name: FAILED after $runs executions (exit $rc); see $log"
        grep -aE 'ERROR|SUMMARY|artifact' "$log" | head -n 5 | sed 's/^/  | /'
        failed=$((failed + 1))
    fi
done
echo "$total executions in all"
if ((total < 1000000)); then
    echo "fewer than 1000000 executions in all: counted as 1 failed"
    failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
((failed == 0))
