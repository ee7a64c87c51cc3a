#!/usr/bin/env bash
# `make fuzz`: builds every fuzz target with clang, libFuzzer, ASan and UBSan
# and runs each from its seed corpus (tests/fuzz/corpus/<name>/) for
# FUZZ_SECONDS (default 50; 14 targets: under 15 minutes with the build),
# or FUZZ_RUNS executions when that comes first (default: no limit). New
# inputs it finds go to build/fuzz/found/<name>/, a crash to
# build/fuzz/crashes/: fix it, then add the input to the target's corpus,
# which every later run replays first, and `make test` too for the targets
# compiled into the unit tests (tests/unit/test_*fuzz_replay.c: all but the
# json_in_<service> ones, which are generated here).
# It prints the executions of each target and their total (at least 10^6,
# else counted as a failure); the last line is "N passed, N failed".
#
# tests/fuzz/run.sh --replay (run by `make test`, after the sanitizer build):
# the generated json_in_<service> targets built with the build's compiler,
# ASan and UBSan and a plain main (tests/fuzz/replay_main.c) instead of
# libFuzzer, each run once over every input of its corpus and one filled
# body a spec, so that those corpora are regression tests like the others.
# It reuses build/asan's objects and libcommon.a, compiling only the files
# that declare specs (in their wrappers) and main.c.
set -uo pipefail
cd "$(dirname "$0")/../.."
REPLAY=0
[[ ${1:-} == --replay ]] && REPLAY=1

RUNS=${FUZZ_RUNS:--1}
SECONDS_EACH=${FUZZ_SECONDS:-50}
OUT=build/fuzz
CC=${FUZZ_CC:-clang}
# -Wno-string-concatenation: clang's guess that two adjacent literals in an
# array were meant as two elements; the services split long ones on purpose.
FLAGS=(-std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g -O1 -fno-omit-frame-pointer
    -fsanitize=address,undefined -fno-sanitize-recover=undefined -Wno-string-concatenation -Icommon)
INSTR=(-fsanitize=fuzzer-no-link)
if ((REPLAY)); then
    OUT=build/fuzz-replay
    CC=${REPLAY_CC:-cc}
    FLAGS=(-std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g -O1 -fno-omit-frame-pointer
        -fsanitize=address,undefined -fno-sanitize-recover=undefined -Icommon)
    INSTR=()
fi
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
    "json_in_identity   tests/fuzz/fuzz_json_specs.c specs:identity"
    "json_in_documents  tests/fuzz/fuzz_json_specs.c specs:documents"
    "json_in_attendance tests/fuzz/fuzz_json_specs.c specs:attendance"
    "json_in_printing   tests/fuzz/fuzz_json_specs.c specs:printing"
    "json_in_meetings   tests/fuzz/fuzz_json_specs.c specs:meetings"
)

mkdir -p "$OUT/obj" "$OUT/bin" "$OUT/crashes"
compile() { # src obj [extra flags]
    local src=$1 obj=$2
    shift 2
    # Up to date: newer than the source and than every header it may use.
    if [[ $obj -nt $src ]] && ! find common "services/$(echo "$src" | cut -d/ -f2)" \
        -name '*.h' -newer "$obj" 2>/dev/null | grep -q .; then
        return 0
    fi
    mkdir -p "$(dirname "$obj")"
    "$CC" "${FLAGS[@]}" "${INSTR[@]}" "${PKG_CFLAGS[@]}" "$@" -c -o "$obj" "$src"
}

common_objs=()
if ((REPLAY == 0)); then
    echo "building the fuzz targets with $CC (libFuzzer, ASan, UBSan)"
    for src in common/*.c; do
        compile "$src" "$OUT/obj/$src.o" || { echo "0 passed, 1 failed"; exit 1; }
        common_objs+=("$OUT/obj/$src.o")
    done
fi
# The sources of a service the targets need: every file but main.c and
# routes.c (the route table), and requests.c and request_actions.c
# (fuzz_seals.c includes them).
service_objs() {
    local svc=$1 src
    local -a srcs=(services/"$svc"/*.c)
    if [[ $svc == *.c ]]; then
        IFS=, read -r -a srcs <<<"$svc"
        srcs=("${srcs[@]/#/services/}")
    fi
    for src in "${srcs[@]}"; do
        case $(basename "$src") in main.c | routes.c | requests.c | request_actions.c) continue ;; esac
        compile "$src" "$OUT/obj/$src.o" || return 1
        echo "$OUT/obj/$src.o"
    done
}

# The objects of target json_in_<svc>: every file of the service (main()
# renamed), those that declare JSON field specs compiled inside a wrapper
# that lists them (fuzz_specs_<file>[]), and the table of the lists
# (fuzz_spec_groups[]) that tests/fuzz/fuzz_json_specs.c fuzzes.
spec_objs() {
    local svc=$1 gen=$OUT/gen/$svc src base names sym table wrapper
    local -a extra=() groups=()
    [[ $svc == documents ]] && read -r -a extra <<<"$(pkg-config --cflags glib-2.0)"
    mkdir -p "$gen"
    while IFS= read -r src; do
        names=$(grep -oE '^(static )?const json_field [a-z_0-9]+\[\]' "$src" | grep -oE '[a-z_0-9]+\[' | tr -d '[' | tr '\n' ' ')
        base=$(basename "$src" .c)
        if [[ -z $names ]]; then
            if ((REPLAY)) && [[ $base != main && -f build/asan/obj/$src.o ]]; then
                echo "build/asan/obj/$src.o"
                continue
            fi
            if [[ $base == main ]]; then
                compile "$src" "$OUT/obj/$src.o" -Dmain=oa_fuzz_service_main "${extra[@]}" || return 1
            else
                compile "$src" "$OUT/obj/$src.o" "${extra[@]}" || return 1
            fi
            echo "$OUT/obj/$src.o"
            continue
        fi
        sym=fuzz_specs_${base//[^a-z0-9_]/_}
        wrapper=$gen/$base.c
        {
            echo "/* generated by tests/fuzz/run.sh: $src and the list of its JSON field specs */"
            echo "#include \"$PWD/$src\""
            echo "const json_field *const $sym[] = {${names// /, }NULL};"
        } >"$wrapper.new"
        cmp -s "$wrapper.new" "$wrapper" && rm -f "$wrapper.new" || mv "$wrapper.new" "$wrapper"
        [[ $src -nt $wrapper ]] && touch "$wrapper"
        local mflag=()
        [[ $base == main ]] && mflag=(-Dmain=oa_fuzz_service_main)
        compile "$wrapper" "$OUT/obj/gen/$svc/$base.o" -I"services/$svc" "${mflag[@]}" "${extra[@]}" || return 1
        echo "$OUT/obj/gen/$svc/$base.o"
        groups+=("$sym")
    done < <(find "services/$svc" -name '*.c' -type f -not -path '*/render/*' | sort)
    table=$gen/table.c
    {
        echo "/* generated by tests/fuzz/run.sh: every JSON field spec list of $svc */"
        echo "#include \"json_in.h\""
        for sym in "${groups[@]}"; do echo "extern const json_field *const $sym[];"; done
        echo "const json_field *const *const fuzz_spec_groups[] = {"
        for sym in "${groups[@]}"; do echo "    $sym,"; done
        echo "    NULL};"
    } >"$table.new"
    cmp -s "$table.new" "$table" && rm -f "$table.new" || mv "$table.new" "$table"
    compile "$table" "$OUT/obj/gen/$svc/table.o" || return 1
    echo "$OUT/obj/gen/$svc/table.o"
}

passed=0 failed=0 total=0
if ((REPLAY)); then
    lib=build/asan/libcommon.a
    if [[ ! -f $lib ]]; then
        echo "$lib is missing (make build-asan)"
        echo "0 passed, 1 failed"
        exit 1
    fi
    for t in "${TARGETS[@]}"; do
        read -r name file svc <<<"$t"
        [[ $svc == specs:* ]] || continue
        bin=$OUT/bin/replay_$name
        libs=()
        [[ $svc == specs:documents ]] && read -r -a libs <<<"$(pkg-config --libs glib-2.0)"
        mapfile -t objs < <(spec_objs "${svc#specs:}") || true
        if ! "$CC" "${FLAGS[@]}" "${PKG_CFLAGS[@]}" -DFUZZ_ENTRY=fuzz_json_specs -o "$bin" \
            tests/fuzz/replay_main.c "$file" "${objs[@]}" "$lib" "${libs[@]}" "${PKG_LIBS[@]}"; then
            echo "replay_$name: did not build"
            failed=$((failed + 1))
            continue
        fi
        seeds=$OUT/seeds/$name
        rm -rf "$seeds" && mkdir -p "$seeds"
        if FUZZ_SEED_DIR=$seeds "$bin" "tests/fuzz/corpus/$name" "$seeds" >"$OUT/replay_$name.log" 2>&1; then
            echo "replay_$name: $(tr '\n' ' ' <"$OUT/replay_$name.log")no crash"
            passed=$((passed + 1))
        else
            echo "replay_$name: FAILED; see $OUT/replay_$name.log (and the sanitizer's log)"
            sed 's/^/  | /' "$OUT/replay_$name.log" | head -n 20
            failed=$((failed + 1))
        fi
    done
    echo "$passed passed, $failed failed"
    ((failed == 0))
    exit
fi
for t in "${TARGETS[@]}"; do
    read -r name file svc <<<"$t"
    bin=$OUT/bin/fuzz_$name
    objs=()
    entry=fuzz_$name
    libs=()
    seeds=()
    if [[ $svc == specs:* ]]; then
        entry=fuzz_json_specs
        mapfile -t objs < <(spec_objs "${svc#specs:}") || true
        [[ $svc == specs:documents ]] && read -r -a libs <<<"$(pkg-config --libs glib-2.0)"
        # One seed a spec, every field filled (fuzz_json_specs.c).
        seeds=("$OUT/seeds/$name")
        mkdir -p "${seeds[0]}"
    elif [[ $svc != - ]]; then
        mapfile -t objs < <(service_objs "$svc") || true
    fi
    if ! "$CC" "${FLAGS[@]}" -fsanitize=fuzzer "${PKG_CFLAGS[@]}" -DFUZZ_ENTRY="$entry" \
        -o "$bin" tests/fuzz/libfuzzer_main.c "$file" "${objs[@]}" "${common_objs[@]}" \
        "${libs[@]}" "${PKG_LIBS[@]}"; then
        echo "fuzz_$name: did not build"
        failed=$((failed + 1))
        continue
    fi
    found=$OUT/found/$name
    mkdir -p "$found"
    log=$OUT/fuzz_$name.log
    mkdir -p "tests/fuzz/corpus/$name"
    FUZZ_SEED_DIR=${seeds[0]:-} \
        "$bin" -runs="$RUNS" -max_total_time="$SECONDS_EACH" -max_len=4096 -timeout=10 \
        -artifact_prefix="$OUT/crashes/$name-" -print_final_stats=1 \
        "$found" "tests/fuzz/corpus/$name" "${seeds[@]}" >"$log" 2>&1
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
