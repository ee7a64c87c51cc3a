#!/usr/bin/env bash
# The SQL floor of a write flow: PostgreSQL running the statements a flow's
# requests send, from pgbench (no HTTP, no gateway, no service), beside
# pgbench's TPC-B-like script on the same cluster, so that a flow's target
# (a ratio to that script) can be compared with what its statements alone
# allow on this machine.
#
#   BENCH_HOLD=1 BENCH_ONLY=attendance_create BENCH_NO_RECORD=1 \
#       BENCH_TWO_COPIES=0 make bench          # a held stack, in one shell
#   tests/bench/floor.sh [hold.env]           # in another
#
# hold.env is the file the held stack writes (var/tmp.*/hold.env; the only
# one there when none is given). Each of FLOOR_RUNS rounds (3) runs the
# TPC-B-like script (-M prepared, 32 clients, as `make bench` does) and then
# each floor script (tests/bench/floor/*.sql whose name contains
# FLOOR_ONLY, 4 clients: a service's pool on this machine) for
# FLOOR_SECONDS (10) after FLOOR_WARMUP (3) in the same run
# (lib/pgbench.sh: floor_pgbench);
# the medians and their ratio are printed with the machine's busy CPU per
# transaction. The scripts connect as the superuser with the owning
# service's schema first in search_path, and need that service's bench
# data (the held stack's BENCH_ONLY); a script that fails is reported and
# the others go on.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
env_file=${1:-}
if [[ -z $env_file ]]; then
    shopt -s nullglob
    files=("$HERE"/../../var/tmp.*/hold.env)
    [[ ${#files[@]} -eq 1 ]] || { echo "floor.sh: give the held stack's hold.env (found ${#files[@]})" >&2; exit 2; }
    env_file=${files[0]}
fi
ADMIN_DATABASE_URL=$(sed -n 's/^export ADMIN_DATABASE_URL=//p' "$env_file")
[[ -n $ADMIN_DATABASE_URL ]] || { echo "floor.sh: no ADMIN_DATABASE_URL in $env_file" >&2; exit 2; }
BASE=${ADMIN_DATABASE_URL%/*}
RUNS=${FLOOR_RUNS:-3}
SECS=${FLOOR_SECONDS:-10}
WARM=${FLOOR_WARMUP:-3}
CLIENTS=${FLOOR_CLIENTS:-4}
SCALE=${PGBENCH_SCALE:-32}

if ! psql "$BASE/floor_pgbench" -Atqc 'SELECT 1' >/dev/null 2>&1; then
    psql "$BASE/postgres" -qc 'CREATE DATABASE floor_pgbench'
    pgbench -i -q -s "$SCALE" "$BASE/floor_pgbench" >/dev/null 2>&1
    psql "$BASE/floor_pgbench" -qc 'VACUUM (ANALYZE)'
fi

# shellcheck source=/dev/null
. "$HERE/lib/pgbench.sh"

busy() { awk '/^cpu /{ print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
# run <label> <pgbench args...>: prints "<label> <tps after the warm-up>
# <busy CPU in us a transaction over the whole run>"
run() {
    local label=$1 b0 b1 res
    shift
    b0=$(busy)
    res=$(floor_pgbench "$WARM" "$SECS" "$@") || res=""
    b1=$(busy)
    if [[ -z $res ]]; then
        echo "floor.sh: pgbench $label failed" >&2
        return 1
    fi
    awk -v l="$label" -v r="$res" -v b=$((b1 - b0)) \
        'BEGIN { split(r, x, " "); printf "%s %.1f %.0f\n", l, x[1], b * 10000 / x[2] }'
}

scripts=()
for f in "$HERE"/floor/*.sql; do
    [[ $(basename "$f") == *"${FLOOR_ONLY:-}"* ]] && scripts+=("$f")
done
[[ ${#scripts[@]} -gt 0 ]] || { echo "floor.sh: no floor script matches FLOOR_ONLY=${FLOOR_ONLY:-}" >&2; exit 2; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for ((i = 1; i <= RUNS; i++)); do
    run B -c 32 -j 1 "$BASE/floor_pgbench" | tee -a "$out" || exit 1
    for f in "${scripts[@]}"; do
        name=$(basename "$f" .sql)
        schema=${name%%_*}
        PGOPTIONS="-c search_path=$schema,public" run "$name" -c "$CLIENTS" -j 1 -f "$f" \
            "$ADMIN_DATABASE_URL" | tee -a "$out" || true
    done
done
# shellcheck disable=SC2046  # one number a word
b=$(median $(awk '$1 == "B" { print $2 }' "$out"))
echo "TPC-B-like (32 clients): median $b tps"
for f in "${scripts[@]}"; do
    name=$(basename "$f" .sql)
    if ! awk -v n="$name" '$1 == n { found = 1 } END { exit !found }' "$out"; then
        echo "$name: every run failed"
        continue
    fi
    # shellcheck disable=SC2046
    t=$(median $(awk -v n="$name" '$1 == n { print $2 }' "$out"))
    # shellcheck disable=SC2046
    us=$(median $(awk -v n="$name" '$1 == n { print $3 }' "$out"))
    awk -v n="$name" -v t="$t" -v b="$b" -v us="$us" -v c="$CLIENTS" \
        'BEGIN { printf "%s (%d clients): median %.1f flows/s = %.3f x B, %s us of busy CPU a flow\n", n, c, t, t / b, us }'
done
