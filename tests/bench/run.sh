#!/usr/bin/env bash
# The benchmark harness (issue #3). Run it through make:
#
#   make bench         release build, throwaway cluster and ports, data at
#                      scale, pgbench's limits, every scenario (10 s, 32
#                      connections, after a warm-up, median of 3 runs; then
#                      one fixed-rate run at half that request rate; then
#                      three pairs of runs, one through the gateway and one
#                      through a second gateway with two copies of each
#                      service); prints the table and the PASS/MISS of
#                      every target and appends both to tests/bench/RESULTS.md
#   make bench-smoke   the same harness quickly (1 s per run, one run,
#                      smaller log tables, pgbench scale 4): checks that the
#                      harness works; its figures are not results
#
# deploy/local.sh starts PostgreSQL, the services and the gateway, then runs
# this script with GATEWAY_URL, <SERVICE>_URL, ADMIN_DATABASE_URL,
# JWT_PRIVATE_KEY_FILE, STATE_DIR and REPO_DIR set.
#
# Every latency target is a ratio to PostgreSQL's own in the same run: p99x
# is a scenario's p99 over the p99 of pgbench -S -M prepared at the same
# connection count (issue #16), as every throughput target is a ratio to
# pgbench -S or to its TPC-B-like script: the median of three runs at the
# start of the whole run (pgbench's limits, in the header), and as many
# runs of the same script as the scenario has closed-loop runs, one right
# before each of them: the target is judged by the median of each run's
# rate over the reference's run before it (BENCH_NEAR_REF); for a
# scenario with a p99 target, one more run of pgbench -S before them with
# its per-transaction log gives the p99 its p99x is judged against (both
# ratios are reported).
#
# Knobs (environment, all optional):
#   BENCH_SECONDS      seconds per measured run (10; bench-smoke sets 1)
#   BENCH_RUNS         measured closed-loop runs per scenario, the median is
#                      kept (3)
#   BENCH_WARMUP       warm-up seconds before a scenario's runs (3)
#   BENCH_OPEN         0: no fixed-rate run (1)
#   BENCH_TWO_COPIES   0: no two-copy runs (1)
#   BENCH_WARMUP2      warm-up seconds before a two-copy run (8: the second
#                      copies meet each scenario's statements cold, on 16
#                      fresh connections each, while the first copies have
#                      served the scenario's three runs: a leave request's
#                      document functions alone took 0.04-0.17 s to plan a
#                      statement on a fresh connection, about 6 s of CPU
#                      over 16 connections)
#   BENCH_EXTRA_SECONDS  seconds of the fixed-rate run and of each run of the
#                      two-copy pairs (5, or BENCH_SECONDS when that is
#                      shorter)
#   BENCH_TWO_PAIRS    pairs of runs (one copy, then two copies) the two-copy
#                      figure and its one-copy reference are the medians of
#                      (3; bench-smoke 1): one run each was 0.66-1.22 x the
#                      closed loop's median from run to run for the same
#                      code, the machine's drift between the two, not the
#                      copies
#   BENCH_CONNECTIONS  wrk connections and pgbench clients (32)
#   BENCH_THREADS      wrk and pgbench threads (1: one client thread drives
#                      32 connections at over 50 000 requests a second here,
#                      and leaves the other core to the system under test)
#   BENCH_TOKENS       distinct users whose tokens the read scenarios use (5000)
#   BENCH_LOG_ROWS     leave requests, seal-use log entries, copy-register
#                      entries, outgoing documents and incoming items (1000000)
#   PGBENCH_SCALE      pgbench scale factor (= connections, as pgbench's
#                      documentation advises for TPC-B)
#   BENCH_SHARED_BUFFERS  PostgreSQL's shared_buffers (a quarter of the
#                      memory, at least 2GB; deploy/lib/postgres.sh)
#   BENCH_HUGE_PAGES   1 (default): the cluster's shared memory on huge
#                      pages (reserved for the run when root; given back
#                      after); 0: on 4 kB pages, as every run recorded
#                      before 2026-12-05T09:59Z (deploy/lib/postgres.sh
#                      says why it matters)
#   BENCH_ONLY         run only the scenarios whose names contain this
#   BENCH_STRICT       1: count every non-2xx answer through a Lua
#                      response() callback (costs wrk CPU); 0 (default): wrk's
#                      own count of statuses >= 400 for the read scenarios
#                      (the API sends no 1xx/3xx); flows and fixed-rate runs
#                      always count exactly
#   BENCH_PERF         1: record `perf record -g` of the identity service
#                      during the first run of each identity scenario into
#                      $STATE_DIR/perf-<scenario>.data (kept only with
#                      BENCH_KEEP)
#   BENCH_HOLD         1: after loading all the data (both steps of the
#                      lists) and minting tokens, print the environment and
#                      wait until $STATE_DIR/hold is removed (for profiling
#                      by hand); no scenario runs
#   BENCH_NO_RECORD    1: do not append to RESULTS.md
#   BENCH_NEAR_REF     0: judge the throughput and p99 targets against
#                      pgbench's runs at the start of the whole run only (1
#                      by default: against runs of the same pgbench script
#                      interleaved with the scenario's closed-loop runs,
#                      each between two checkpoints, each closed-loop run
#                      over the one before it, and one of pgbench -S
#                      with its log for the p99 before them, after the
#                      scenario's settling; both ratios are reported)
#   BENCH_SETTLE       0: do not vacuum, analyse and checkpoint both
#                      databases before pgbench's runs and each scenario
#                      (lib/measure.sh: settle; 1 by default)
#   BENCH_FLOOR        0: no SQL floor runs (1 by default: after a write
#                      flow with a tests/bench/floor/<scenario>.sql, one
#                      run of those statements from pgbench; lib/measure.sh:
#                      floor; reported, not judged)
#   BENCH_FLOOR_CLIENTS  pgbench clients of a floor run (4: a service's
#                      pool on a 2-CPU machine)
#
# The fixed-rate run (open loop) is wrk with tests/bench/lua/bench.lua's
# pacing (BENCH_RATE): each request has a slot on a fixed schedule and its
# latency counts from that slot, so waiting for a free connection counts;
# its p99 stands beside the closed loop's, which is mostly the run queue of
# a saturated machine.
#
# Adding a scenario (a later service): write tests/bench/lua/<svc>_<x>.lua
# (use bench.lua; requests built in init()), a loader
# tests/bench/sql/<svc>.sql when the service needs data at scale, and one
# `scenario` line in the table of tests/bench/lib/scenarios.sh. A scenario whose service has no
# binary in this build is skipped with "skipped: service not built".
#
# Output: the table, the targets with PASS or MISS; then one line per
# scenario
#   bench: <scenario> rps=<n> p50_ms=<x> p99_ms=<x> p99x=<r> open_rate=<n>
#          open_p99_ms=<x> two_rps=<n> two_one_rps=<n> two_p99_ms=<x> errors=<n>
#          ratio=<r> [near_ref_tps=<n> ratio_run=<r>] [near_ref_p99_ms=<x>
#          p99x_run=<r>] PASS|MISS (ratio and p99x are to the reference
#          beside the scenario, ratio_run and p99x_run to the run's)
# then for each write flow with a floor script "bench: floor <scenario>
# tps=<n>|failed ratio=<r> of_floor=<r>" (the floor over the reference
# beside the scenario, and the scenario's rate over its floor),
# then "bench: pgbench select_only_tps=<n> tpcb_tps=<n> select_only_p50_ms=<x>
# select_only_p99_ms=<x> tpcb_p50_ms=<x> tpcb_p99_ms=<x>", "bench: startup_ms
# <service>=<n> ...", "bench: rss_kb <service>=<n> ...", one "bench: target
# <scenario>: <target>: <value> PASS|MISS" per target and "bench: summary
# <n> PASS, <n> MISS". Exit status 1 when a target was missed.
set -euo pipefail

: "${REPO_DIR:?run through make bench}" "${STATE_DIR:?run through make bench}"
: "${ADMIN_DATABASE_URL:?}" "${GATEWAY_URL:?}" "${JWT_PRIVATE_KEY_FILE:?}"

HERE=$REPO_DIR/tests/bench
SMOKE=0
[[ ${BENCH_SECONDS:-10} -lt 5 ]] && SMOKE=1
SECONDS_PER_RUN=${BENCH_SECONDS:-10}
RUNS=${BENCH_RUNS:-$((SMOKE ? 1 : 3))}
WARMUP=${BENCH_WARMUP:-$((SMOKE ? 1 : 3))}
CONNS=${BENCH_CONNECTIONS:-32}
THREADS=${BENCH_THREADS:-1}
NTOKENS=${BENCH_TOKENS:-5000}
LOG_ROWS=${BENCH_LOG_ROWS:-$((SMOKE ? 100000 : 1000000))}
PGBENCH_SCALE=${PGBENCH_SCALE:-$((SMOKE ? 4 : CONNS))}
ONLY=${BENCH_ONLY:-}
OPEN=${BENCH_OPEN:-1}
TWO=${BENCH_TWO_COPIES:-1}
WARMUP2=${BENCH_WARMUP2:-$((SMOKE ? 1 : 8))}
EXTRA_SECONDS=${BENCH_EXTRA_SECONDS:-$((SECONDS_PER_RUN < 5 ? SECONDS_PER_RUN : 5))}
TWO_PAIRS=${BENCH_TWO_PAIRS:-$((SMOKE ? 1 : 3))}
NEAR=${BENCH_NEAR_REF:-1}
FLOOR_CLIENTS=${BENCH_FLOOR_CLIENTS:-4}
export BENCH_STRICT=${BENCH_STRICT:-0}

WORK=$STATE_DIR/bench
DATA=$WORK/data
mkdir -p "$WORK" "$DATA"
export BENCH_LUA=$HERE/lua BENCH_DATA=$DATA BENCH_THREADS=$THREADS
CLK_TCK=$(getconf CLK_TCK)
NCPU=$(nproc)
PSQL=(psql -X -q -v ON_ERROR_STOP=1)
PG_BASE=${ADMIN_DATABASE_URL%/*}
PGB_URL=$PG_BASE/pgbench
FAILED=0

die() {
    printf 'bench: %s\n' "$*" >&2
    exit 1
}
sql() { "${PSQL[@]}" -tA "$ADMIN_DATABASE_URL" -c "$1"; }
# alive, stop_pid and fatal; port_in_use and free_port; the list of services.
for lib in util ports services; do
    # shellcheck source=/dev/null
    . "$REPO_DIR/deploy/lib/$lib.sh"
done
for lib in procs data pgbench scenarios measure judge copies report; do
    # shellcheck source=/dev/null
    . "$HERE/lib/$lib.sh"
done

for tool in wrk pgbench psql cc pkg-config; do
    command -v "$tool" >/dev/null || die "$tool is not installed (make deps)"
done

read_stack_pids
build_benchtool
load_identity
wanted attendance && load_attendance_small
wanted seals && load_seals
wanted printing && load_printing
wanted meetings && load_meetings
wanted documents && load_documents_small
mint_tokens

if [[ ${BENCH_HOLD:-0} == 1 ]]; then
    # Profiling by hand is done at scale: the lists' second step too.
    wanted attendance && load_attendance_rest
    wanted meetings && load_meetings_rest
    wanted documents && load_documents_rest
    touch "$STATE_DIR/hold"
    {
        say "BENCH_HOLD: the stack is up; remove $STATE_DIR/hold to stop it"
        env | grep -E '^(GATEWAY_URL|[A-Z]+_URL|ADMIN_DATABASE_URL|JWT_[A-Z_]+|STATE_DIR|REPO_DIR|BENCH_[A-Z_]+)=' | sed 's/^/export /'
        for name in "${!PID[@]}"; do say "# pid $name ${PID[$name]}"; done
    } | tee "$STATE_DIR/hold.env"
    while [[ -e $STATE_DIR/hold ]]; do sleep 1; done
    exit 0
fi

pgbench_init
pgbench_limits
trap 'stop_copies; release_ports' EXIT
[[ $TWO == 1 ]] && start_copies
for name in "${SCEN_NAMES[@]}"; do
    # The second step of a list (10^6 rows) is loaded before the first
    # selected scenario that needs it.
    if [[ -z $ONLY || $name == *"$ONLY"* ]]; then
        case $name in
            meetings_supervision_report_100k)
                wanted meetings && load_once meetings load_meetings_rest ;;
            attendance_leave_to_approve_1m)
                wanted attendance && load_once attendance load_attendance_rest ;;
            documents_search_1m | documents_incoming_overdue_1m)
                wanted documents && load_once documents load_documents_rest ;;
        esac
    fi
    run_scenario "$name"
done
stop_copies
say "resident memory and start-up"
measure_rss
measure_startup
report
exit "$FAILED"
