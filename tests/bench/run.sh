#!/usr/bin/env bash
# The benchmark harness (issue #3). Run it through make:
#
#   make bench         release build, throwaway cluster and ports, data at
#                      scale, pgbench's limits, every scenario (10 s, 32
#                      connections, after a warm-up, median of 3 runs; then
#                      one fixed-rate run at half that request rate; then,
#                      through a second gateway, one run with two copies of
#                      each service); prints the table and the PASS/MISS of
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
# pgbench -S or to its TPC-B-like script.
#
# Knobs (environment, all optional):
#   BENCH_SECONDS      seconds per measured run (10; bench-smoke sets 1)
#   BENCH_RUNS         measured closed-loop runs per scenario, the median is
#                      kept (3)
#   BENCH_WARMUP       warm-up seconds before a scenario's runs (3)
#   BENCH_OPEN         0: no fixed-rate run (1)
#   BENCH_TWO_COPIES   0: no two-copy runs (1)
#   BENCH_WARMUP2      warm-up seconds before a two-copy run (2)
#   BENCH_EXTRA_SECONDS  seconds of the fixed-rate run and of the two-copy
#                      run (5, or BENCH_SECONDS when that is shorter)
#   BENCH_CONNECTIONS  wrk connections and pgbench clients (32)
#   BENCH_THREADS      wrk and pgbench threads (1: one client thread drives
#                      32 connections at over 50 000 requests a second here,
#                      and leaves the other core to the system under test)
#   BENCH_TOKENS       distinct users whose tokens the read scenarios use (5000)
#   BENCH_LOG_ROWS     leave requests, seal-use log entries, copy-register
#                      entries, outgoing documents and incoming items (1000000)
#   PGBENCH_SCALE      pgbench scale factor (= connections, as pgbench's
#                      documentation advises for TPC-B)
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
# `scenario` line in the table below. A scenario whose service has no
# binary in this build is skipped with "skipped: service not built".
#
# Output: the table, the targets with PASS or MISS; then one line per
# scenario
#   bench: <scenario> rps=<n> p50_ms=<x> p99_ms=<x> p99x=<r> open_rate=<n>
#          open_p99_ms=<x> two_rps=<n> two_p99_ms=<x> errors=<n> ratio=<r> PASS|MISS
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
WARMUP2=${BENCH_WARMUP2:-$((SMOKE ? 1 : 2))}
EXTRA_SECONDS=${BENCH_EXTRA_SECONDS:-$((SECONDS_PER_RUN < 5 ? SECONDS_PER_RUN : 5))}
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

say() { printf '%s\n' "$*"; }
die() {
    printf 'bench: %s\n' "$*" >&2
    exit 1
}
sql() { "${PSQL[@]}" -tA "$ADMIN_DATABASE_URL" -c "$1"; }

for tool in wrk pgbench psql cc pkg-config; do
    command -v "$tool" >/dev/null || die "$tool is not installed (make deps)"
done

# ---------------------------------------------------------------- the stack

# name -> pid, from the runner's pid file.
declare -A PID=()
while read -r name pid; do
    [[ $name == script ]] && continue
    PID[$name]=$pid
done <"$STATE_DIR/run.pids"
PG_PID=$(head -n 1 "$STATE_DIR/pg/postmaster.pid" 2>/dev/null || true)
[[ -n ${PID[identity]:-} ]] || die "identity is not running"

has_service() { [[ -n ${PID[$1]:-} ]] && kill -0 "${PID[$1]}" 2>/dev/null; }

# ---------------------------------------------------------------- CPU use

# cpu_snapshot <service pids> <gateway pids> (each a space-separated list)
# prints "svc pg nginx busy svc_user pg_user nginx_user" in clock ticks: the
# services' processes (all their threads, and their children), this cluster's postmaster and
# backends (exited ones included through the postmaster's reaped-children
# times), the gateways' masters and workers, and the whole machine's
# non-idle time; then the user-mode part of the first three.
cpu_snapshot() {
    local svc_pids=${1:-0} gw_pids=${2:-0}
    {
        cat /proc/[0-9]*/stat 2>/dev/null || true
        echo "=machine"
        head -n 1 /proc/stat
    } | awk -v svcs="$svc_pids" -v pg="${PG_PID:-0}" -v gws="$gw_pids" '
        BEGIN {
            n = split(svcs, a, " "); for (i = 1; i <= n; i++) if (a[i] != "0") svc[a[i]] = 1
            n = split(gws, a, " "); for (i = 1; i <= n; i++) if (a[i] != "0") gw[a[i]] = 1
        }
        $1 == "=machine" { machine = 1; next }
        machine {
            busy = 0
            for (i = 2; i <= NF; i++) if (i != 5 && i != 6) busy += $i
            next
        }
        {
            line = $0
            pid = $1
            sub(/^.*\) /, "", line)
            split(line, f, " ")
            # f[1] state, f[2] ppid, f[12] utime, f[13] stime, f[14] cutime, f[15] cstime
            t = f[12] + f[13]
            # The children of a service (the documents PDF renderer)
            # count as the service: live ones directly, exited ones
            # through the reaped-children times of the service.
            if (pid in svc) { s += t + f[14] + f[15]; su += f[12] + f[14] }
            else if (f[2] in svc) { s += t; su += f[12] }
            if (pid == pg) { p += t + f[14] + f[15]; pu += f[12] + f[14] }
            else if (f[2] == pg) { p += t; pu += f[12] }
            if ((pid in gw) || (f[2] in gw)) { g += t; gu += f[12] }
        }
        END { printf "%d %d %d %d %d %d %d\n", s, p, g, busy, su, pu, gu }'
}

# ---------------------------------------------------------------- tools

BENCHTOOL=$WORK/benchtool
build_benchtool() {
    local lib=$REPO_DIR/build/release/libcommon.a
    [[ -f $lib ]] || die "$lib is missing (make build)"
    # The packages the Makefile links every binary with.
    local pkgs="libulfius libjwt jansson libpq libsodium libmicrohttpd liborcania gnutls"
    # shellcheck disable=SC2046,SC2086
    cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -I"$REPO_DIR/common" \
        $(pkg-config --cflags $pkgs) -o "$BENCHTOOL" "$HERE/benchtool.c" "$lib" \
        $(pkg-config --libs $pkgs) -lpthread -lm || die "could not build benchtool"
}

# A TCP port nothing listens on.
free_port() {
    local p
    for _ in $(seq 200); do
        p=$((33000 + RANDOM % 20000))
        [[ -z $(ss -Htln "sport = :$p" 2>/dev/null) ]] && {
            echo "$p"
            return 0
        }
    done
    die "no free port"
}

# ---------------------------------------------------------------- data

load_sql() {
    local what=$1 file=$2 t0=$SECONDS
    shift 2
    say "loading $what ($(basename "$file"))"
    "${PSQL[@]}" "$@" -f "$file" "$ADMIN_DATABASE_URL" >"$WORK/load-$what.log" 2>&1 || {
        tail -n 20 "$WORK/load-$what.log" >&2
        die "loading $what failed"
    }
    say "  $what loaded in $((SECONDS - t0)) s"
}

# Access tokens for the Lua scripts, as "user_id<TAB>token" files:
#   tokens.tsv      BENCH_TOKENS random bench staff (readers, applicants,
#                   requesters)
#   chiefs.tsv      the bench section chiefs (leave and bench-seal approvers)
#   deputies.tsv    the bench deputy directors (office leaders: read logs)
#   custodians.tsv  the custodians of the bench seals (when seals runs)
USER_COLS="u.id, u.username, u.position, coalesce(u.department_id, 0),
           CASE WHEN u.is_admin THEN 't' ELSE 'f' END,
           CASE WHEN u.is_secretary THEN 't' ELSE 'f' END, coalesce(u.serves_leader_id, 0)"
mint_group() {
    local file=$1 where=$2
    sql "SELECT $USER_COLS FROM identity.users u WHERE $where" |
        tr '|' '\t' | "$BENCHTOOL" mint "$JWT_PRIVATE_KEY_FILE" 7200 >"$DATA/$file" ||
        die "minting $file failed"
}
mint_tokens() {
    local t0=$SECONDS
    say "minting access tokens (RS256, with the identity private key)"
    mint_group tokens.tsv "u.username LIKE 'bench%' AND u.position = 'staff'
                           ORDER BY md5(u.id::text) LIMIT $NTOKENS"
    mint_group chiefs.tsv "u.username LIKE 'bench%' AND u.position = 'section_chief'"
    mint_group deputies.tsv "u.username LIKE 'bench%' AND u.position = 'deputy_director'"
    : >"$DATA/custodians.tsv"
    : >"$DATA/meeting_people.tsv"
    if has_service meetings; then
        mint_group meeting_people.tsv "u.username IN ('director', 'wenmi_chief', 'wenmi1', 'deputy2')
            ORDER BY array_position(ARRAY['director', 'wenmi_chief', 'wenmi1', 'deputy2'], u.username::text)"
    fi
    if has_service documents; then
        mint_group doc_secretariat.tsv "u.username = 'wenmi1'"
        mint_group doc_director.tsv "u.username = 'director'"
    fi
    if has_service seals; then
        mint_group custodians.tsv "u.id IN (SELECT custodian_id FROM seals.seals
                                            WHERE name LIKE '压测章%')"
    fi
    say "  $(cat "$DATA"/*.tsv | wc -l) tokens in $((SECONDS - t0)) s"
}

load_identity() {
    load_sql identity "$HERE/sql/identity.sql"
    read -r USER_MIN USER_MAX < <(sql "SELECT min(id), max(id) FROM identity.users" | tr '|' ' ')
    export BENCH_USER_MIN=$USER_MIN BENCH_USER_MAX=$USER_MAX
    sql "SELECT username FROM identity.users WHERE username LIKE 'bench%'
         ORDER BY md5(id::text) LIMIT 2000" >"$DATA/login_users.txt"
    # Cursors of the directory: the page after 2000 random users.
    sql "SELECT id FROM identity.users ORDER BY md5(id::text) LIMIT 2000" |
        "$BENCHTOOL" cursors >"$DATA/users_cursors.txt"
}

# Attendance: leave requests in two steps, so that the to-approve list is
# measured at 10 000 rows and again at BENCH_LOG_ROWS.
load_attendance_small() {
    load_sql attendance-10k "$HERE/sql/attendance.sql" -v rows=10000
}
load_attendance_rest() {
    load_sql attendance "$HERE/sql/attendance.sql" -v rows="$LOG_ROWS"
}

load_seals() {
    load_sql seals "$HERE/sql/seals.sql" -v rows="$LOG_ROWS"
    sql "SELECT id FROM seals.seals WHERE name LIKE '压测章%' ORDER BY id" >"$DATA/seals.txt"
    sql "SELECT id FROM seals.seals WHERE name IN ('区政府公章', '区政府办公室公章')
         ORDER BY id" >"$DATA/log_seals.txt"
}

# Printing: bench sections get printers; the copy register gets BENCH_LOG_ROWS
# entries, half of them 综合科's (the department the year scenario reads most).
load_printing() {
    load_sql printing "$HERE/sql/printing.sql" -v rows="$LOG_ROWS"
    sql "SELECT id FROM identity.departments WHERE name = '综合科'
         UNION ALL (SELECT id FROM identity.departments WHERE name LIKE '压测科%'
                    ORDER BY id LIMIT 20)" >"$DATA/register_departments.txt"
}

# Meetings: 1 000, then 100 000 published decisions for the supervision
# report; the
# people and ids of the meeting flow (the director, every deputy director,
# the recorder and 综合科's chief are marked present).
load_meetings() {
    load_sql meetings-1k "$HERE/sql/meetings.sql" -v meetings=50
    sql "SELECT id FROM identity.departments WHERE name LIKE '压测科%'
         ORDER BY id LIMIT 50" >"$DATA/report_departments.txt"
    {
        echo "department=$(sql "SELECT id FROM identity.departments WHERE name = '综合科'")"
        echo "presenter=$(sql "SELECT id FROM identity.users WHERE username = 'zonghe_chief'")"
        echo "present=$(sql "SELECT string_agg(id::text, ',' ORDER BY id) FROM identity.users
                              WHERE active AND (position IN ('office_director', 'deputy_director')
                              OR username IN ('wenmi_chief', 'zonghe_chief'))")"
    } >"$DATA/meeting_flow.txt"
}

load_meetings_rest() {
    load_sql meetings "$HERE/sql/meetings.sql" -v meetings=5000
}

# Documents: outgoing documents and incoming items in two steps (10 000
# rows, then BENCH_LOG_ROWS), so that the search and the overdue list are
# measured at both sizes; 200 000 proofread documents wait for numbers.
documents_files() {
    sql "SELECT id FROM documents.documents WHERE title LIKE '待编号文件%（压测编号）'
         AND state = 'proofread' ORDER BY id" >"$DATA/numbering_ids.txt"
    sql "SELECT id FROM documents.documents WHERE title LIKE '关于%（压测）'
         ORDER BY id LIMIT 50" >"$DATA/pdf_ids.txt"
    printf '%s\n' 安全生产 防汛抗旱 森林防火 环境保护 招商引资 项目建设 乡村振兴 城市管理 \
        教育发展 医疗卫生 社会保障 就业创业 财政预算 国有资产 审计整改 信访稳定 >"$DATA/search_terms.txt"
}
load_documents_small() {
    load_sql documents-10k "$HERE/sql/documents.sql" -v rows=10000
    documents_files
}
load_documents_rest() {
    load_sql documents "$HERE/sql/documents.sql" -v rows="$LOG_ROWS"
}

# ---------------------------------------------------------------- pgbench

declare -A PGB=()
pgbench_init() {
    local t0=$SECONDS
    say "pgbench: initialising scale $PGBENCH_SCALE in database pgbench"
    "${PSQL[@]}" "$PG_BASE/postgres" -c "DROP DATABASE IF EXISTS pgbench" -c "CREATE DATABASE pgbench" \
        >/dev/null
    pgbench -i -I dtGvp -s "$PGBENCH_SCALE" -q "$PGB_URL" >"$WORK/pgbench-init.log" 2>&1 || {
        tail -n 20 "$WORK/pgbench-init.log" >&2
        die "pgbench -i failed"
    }
    say "  initialised in $((SECONDS - t0)) s"
}

# Median of the arguments (numbers).
median() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# The 50th and 99th percentile, in ms, of the latencies (us, the third
# field) in pgbench's per-transaction logs with the given prefix.
pgbench_percentiles() {
    cat "$1".* 2>/dev/null | awk '{ print $3 }' | sort -n |
        awk '{ v[NR] = $1 } END { if (NR == 0) { print "0 0"; exit }
             i50 = int(NR * 0.50); if (i50 < 1) i50 = 1
             i99 = int(NR * 0.99); if (i99 < 1) i99 = 1
             printf "%.2f %.2f\n", v[i50] / 1000, v[i99] / 1000 }'
}

# pgbench_run <key> <pgbench options...>: median tps of RUNS runs; then one
# more run with pgbench's per-transaction log (kept apart, so that logging
# cannot lower the tps the ratios divide by) for the p50 and p99 latencies
# (PGB_P50, PGB_P99): the database's own tail at the same connection count,
# the floor under the p99 of any scenario that makes a round trip to it.
declare -A PGB_P50=() PGB_P99=()
pgbench_run() {
    local key=$1 i out tps
    local -a all=()
    shift
    pgbench "$@" -c "$CONNS" -j "$THREADS" -T "$WARMUP" "$PGB_URL" >/dev/null 2>&1 || true
    for ((i = 0; i < RUNS; i++)); do
        out=$(pgbench "$@" -c "$CONNS" -j "$THREADS" -T "$SECONDS_PER_RUN" "$PGB_URL" 2>&1) || {
            say "$out" >&2
            die "pgbench $* failed"
        }
        tps=$(sed -nE 's/^tps = ([0-9.]+) .*without initial connection time.*/\1/p' <<<"$out")
        [[ -n $tps ]] || tps=$(sed -nE 's/^tps = ([0-9.]+).*/\1/p' <<<"$out" | tail -n 1)
        all+=("$tps")
    done
    PGB[$key]=$(median "${all[@]}")
    rm -f "$WORK/pgbench-$key-log".*
    pgbench "$@" -c "$CONNS" -j "$THREADS" -T "$SECONDS_PER_RUN" -l \
        --log-prefix="$WORK/pgbench-$key-log" "$PGB_URL" >/dev/null 2>&1 ||
        die "pgbench $* -l failed"
    read -r "PGB_P50[$key]" "PGB_P99[$key]" < <(pgbench_percentiles "$WORK/pgbench-$key-log")
    rm -f "$WORK/pgbench-$key-log".*
    say "  pgbench $key: ${all[*]} tps -> median ${PGB[$key]}; p50 ${PGB_P50[$key]} ms, p99 ${PGB_P99[$key]} ms"
}

pgbench_limits() {
    say "pgbench: -S -M prepared (select-only) and the TPC-B-like default, -c $CONNS -j $THREADS, ${SECONDS_PER_RUN} s"
    pgbench_run S -S -M prepared
    pgbench_run B -M prepared
}

# ---------------------------------------------------------------- scenarios

# The table (issue #16 and the documents, meetings and printing issues):
#   scenario <name> <service> <base-url-variable> <lua-script> <ref> <min> <p99x> [extra]
# ref is S (pgbench -S -M prepared) or B (the TPC-B-like script): the
# throughput is judged as a ratio to it, at least <min> ("-": reported
# only). <p99x> is the most the p99 may be, as a multiple of pgbench -S's
# p99 in the same run ("-": none). extra, optional, is
# within:<scenario>:<factor>: the same list at the smaller table, which this
# one may not be worse than by more than factor (p99 at most factor times
# its p99, throughput at least its own / factor); or gapless: after the
# runs, every series of document numbers (R-DOC-5) must hold 1..N, each
# number once, N its counter's last. Every scenario on the
# gateway is run again with two copies of each service behind a second
# gateway, and judged against TWO_COPY_MIN x its one-copy throughput.
TWO_COPY_MIN=0.9
SCEN_NAMES=()
declare -A SC_SVC=() SC_URL=() SC_LUA=() SC_REF=() SC_MIN=() SC_P99X=() SC_EXTRA=()
scenario() {
    local name=$1
    SCEN_NAMES+=("$name")
    SC_SVC[$name]=$2 SC_URL[$name]=$3 SC_LUA[$name]=$4 SC_REF[$name]=$5
    SC_MIN[$name]=$6 SC_P99X[$name]=$7 SC_EXTRA[$name]=${8:-}
}

scenario identity_user_get_direct identity IDENTITY_URL identity_user_get.lua S 0.6 1.5
scenario identity_user_get_gateway identity GATEWAY_URL identity_user_get.lua S 0.45 2
scenario identity_users_page_gateway identity GATEWAY_URL identity_users_page.lua S 0.3 2.5
scenario identity_login identity GATEWAY_URL identity_login.lua B - -
scenario attendance_leave_to_approve_10k attendance GATEWAY_URL attendance_to_approve.lua S 0.25 3
scenario attendance_leave_to_approve_1m attendance GATEWAY_URL attendance_to_approve.lua S 0.25 3 \
    "within:attendance_leave_to_approve_10k:1.2"
scenario attendance_leave_create_approve attendance GATEWAY_URL attendance_create_approve.lua B 0.35 -
scenario seals_use_flow seals GATEWAY_URL seals_use_flow.lua B 0.25 -
scenario seals_usage_log_month seals GATEWAY_URL seals_usage_log.lua S 0.3 3
scenario printing_job_flow printing GATEWAY_URL printing_job_flow.lua B 0.25 -
scenario printing_register_year printing GATEWAY_URL printing_register_year.lua S 0.25 3
scenario meetings_supervision_report_1k meetings GATEWAY_URL meetings_supervision_report.lua S 0.15 4
scenario meetings_supervision_report_100k meetings GATEWAY_URL meetings_supervision_report.lua S 0.15 4 \
    "within:meetings_supervision_report_1k:1.2"
scenario meetings_flow meetings GATEWAY_URL meetings_flow.lua B - -
scenario documents_outgoing_flow documents GATEWAY_URL documents_outgoing_flow.lua B 0.1 -
scenario documents_numbering documents GATEWAY_URL documents_numbering.lua B 0.3 - gapless
scenario documents_search_10k documents GATEWAY_URL documents_search.lua S 0.2 4
scenario documents_incoming_overdue_10k documents GATEWAY_URL documents_incoming_overdue.lua S 0.2 4
scenario documents_search_1m documents GATEWAY_URL documents_search.lua S 0.2 4 \
    "within:documents_search_10k:1.2"
scenario documents_incoming_overdue_1m documents GATEWAY_URL documents_incoming_overdue.lua S 0.2 4 \
    "within:documents_incoming_overdue_10k:1.2"
scenario documents_pdf documents GATEWAY_URL documents_pdf.lua S - -

declare -A R_RPS=() R_P50=() R_P99=() R_ERR=() R_RATIO=() R_P99X=() R_MET=() R_CPU=()
declare -A R_OPEN_RATE=() R_OPEN_RPS=() R_OPEN_P50=() R_OPEN_P99=() R_OPEN_ERR=()
declare -A R_TWO_RPS=() R_TWO_P99=() R_TWO_ERR=() R_TWO_CPU=()
SKIPPED=()
# One line per target judged: "scenario|target|value|PASS or MISS".
TARGETS=()

# run_wrk <base-url> <lua> <seconds> <outfile>: one wrk run; appends the
# client's CPU seconds ("wrk-cpu <user> <sys>") to the output.
run_wrk() {
    local url=$1 lua=$2 secs=$3 out=$4
    local TIMEFORMAT='wrk-cpu %U %S'
    { time wrk -t "$THREADS" -c "$CONNS" -d "${secs}s" --timeout 10s -s "$HERE/lua/$lua" "$url" \
        >"$out" 2>&1; } 2>>"$out" || true
}

field() { sed -nE "s/.*[ ^]$1=([0-9.]+).*/\1/p" <<<" $2" | head -n 1; }

# series <name> <tag> <url> <lua> <runs> <warm-up s> <first BENCH_RUN> <rate>
#        <service pids> <gateway pids> <seconds a run>
# Runs a scenario's warm-up and measured runs; rate > 0 makes them
# fixed-rate (BENCH_RATE, open loop). Sets S_RPS (units a second, median),
# S_REQ_RATE (HTTP requests a second, median), S_P50 and S_P99 (ms, median;
# from the slots in a fixed-rate run), S_ERR and S_CPU (the CPU split per
# request, see report). The BENCH_RUN of each wrk run is distinct within a
# scenario (flows derive their dates and ids from it).
series() {
    local name=$1 tag=$2 url=$3 lua=$4 runs=$5 warm=$6 run0=$7 rate=$8 pids=$9 gws=${10}
    local secs=${11}
    local i out res
    local -a rps=() rrate=() p50=() p99=()
    local errors=0 cpu_svc=0 cpu_pg=0 cpu_gw=0 cpu_wrk=0 cpu_other=0 reqs=0 dur=0
    local user_svc=0 user_pg=0 user_gw=0 user_wrk=0
    if ((warm > 0)); then
        BENCH_RATE=$rate BENCH_RUN=$run0 run_wrk "$url" "$lua" "$warm" "$WORK/$name.$tag.warmup.out"
    fi
    for ((i = 1; i <= runs; i++)); do
        out=$WORK/$name.$tag.$i.out
        local perf_pid=""
        if [[ ${BENCH_PERF:-0} == 1 && $i == 1 && $tag == closed && ${SC_SVC[$name]} == identity ]] &&
            command -v perf >/dev/null; then
            perf record -g -o "$STATE_DIR/perf-$name.data" -p "${PID[identity]}" -- \
                sleep "$secs" >/dev/null 2>&1 &
            perf_pid=$!
        fi
        read -r s0 p0 g0 b0 su0 pu0 gu0 < <(cpu_snapshot "$pids" "$gws")
        BENCH_RATE=$rate BENCH_RUN=$((run0 + i)) run_wrk "$url" "$lua" "$secs" "$out"
        read -r s1 p1 g1 b1 su1 pu1 gu1 < <(cpu_snapshot "$pids" "$gws")
        [[ -n $perf_pid ]] && wait "$perf_pid" 2>/dev/null || true
        res=$(grep '^wrk-result' "$out" || true)
        if [[ -z $res ]]; then
            sed 's/^/  | /' "$out"
            say "  $tag run $i: wrk printed no result: counted as a failure"
            errors=$((errors + 1))
            continue
        fi
        local n d units e w_u w_s l50 l99
        n=$(field requests "$res")
        d=$(field duration_us "$res")
        units=$(field units "$res")
        units=${units:-$n}
        e=$(($(field connect "$res") + $(field read "$res") + $(field write "$res") +
            $(field timeout "$res") + $(field status "$res") + $(field non2xx "$res")))
        # In strict mode (and in a fixed-rate run, which reads every answer)
        # non2xx already holds the >= 400 answers.
        [[ $BENCH_STRICT == 1 || $rate -gt 0 ]] && e=$((e - $(field status "$res")))
        errors=$((errors + e))
        rps+=("$(awk -v u="$units" -v d="$d" 'BEGIN { printf "%.0f", u / (d / 1e6) }')")
        rrate+=("$(awk -v u="$n" -v d="$d" 'BEGIN { printf "%.0f", u / (d / 1e6) }')")
        if ((rate > 0)); then
            l50=$(field paced_p50_us "$res")
            l99=$(field paced_p99_us "$res")
        else
            l50=$(field p50_us "$res")
            l99=$(field p99_us "$res")
        fi
        p50+=("${l50:-0}")
        p99+=("${l99:-0}")
        read -r w_u w_s < <(sed -nE 's/^wrk-cpu ([0-9.]+) ([0-9.]+)$/\1 \2/p' "$out")
        cpu_svc=$((cpu_svc + s1 - s0))
        cpu_pg=$((cpu_pg + p1 - p0))
        cpu_gw=$((cpu_gw + g1 - g0))
        user_svc=$((user_svc + su1 - su0))
        user_pg=$((user_pg + pu1 - pu0))
        user_gw=$((user_gw + gu1 - gu0))
        local wrk_ticks
        wrk_ticks=$(awk -v u="$w_u" -v s="$w_s" -v hz="$CLK_TCK" 'BEGIN { printf "%.0f", (u + s) * hz }')
        cpu_wrk=$((cpu_wrk + wrk_ticks))
        user_wrk=$((user_wrk + $(awk -v u="$w_u" -v hz="$CLK_TCK" 'BEGIN { printf "%.0f", u * hz }')))
        cpu_other=$((cpu_other + (b1 - b0) - (s1 - s0) - (p1 - p0) - (g1 - g0) - wrk_ticks))
        reqs=$((reqs + n))
        dur=$((dur + d))
        say "  $tag run $i: $(awk -v r="${rps[-1]}" -v q="${rrate[-1]}" -v a="${p50[-1]}" -v b="${p99[-1]}" -v e="$e" \
            'BEGIN { printf "%s/s (%s requests/s) p50 %.2f ms p99 %.2f ms errors %d", r, q, a / 1000, b / 1000, e }')"
    done
    if ((${#rps[@]} == 0)); then
        S_RPS=0 S_REQ_RATE=0 S_P50=0 S_P99=0
    else
        S_RPS=$(median "${rps[@]}")
        S_REQ_RATE=$(median "${rrate[@]}")
        S_P50=$(awk -v v="$(median "${p50[@]}")" 'BEGIN { printf "%.2f", v / 1000 }')
        S_P99=$(awk -v v="$(median "${p99[@]}")" 'BEGIN { printf "%.2f", v / 1000 }')
    fi
    S_ERR=$errors
    # CPU per request (µs) by component, all and user mode, and how busy
    # the rest of the machine was (a share of all cores) meanwhile.
    S_CPU=$(awk -v n="$reqs" -v hz="$CLK_TCK" -v d="$dur" -v ncpu="$NCPU" \
        -v s="$cpu_svc" -v p="$cpu_pg" -v g="$cpu_gw" -v w="$cpu_wrk" -v o="$cpu_other" \
        -v su="$user_svc" -v pu="$user_pg" -v gu="$user_gw" -v wu="$user_wrk" '
        BEGIN {
            if (n == 0 || d == 0) { print "- - - - - - - - -"; exit }
            k = 1e6 / hz / n
            printf "%.1f %.1f %.1f %.1f %.0f %.1f %.1f %.1f %.1f", s * k, p * k, g * k, w * k,
                100 * o / hz / (d / 1e6 * ncpu), su * k, pu * k, gu * k, wu * k
        }')
}

# Runs one scenario: closed loop (warm-up, RUNS runs, medians, the CPU
# split), then one fixed-rate run at half its closed-loop request rate,
# then, on the gateway, one run with two copies of each service.
run_scenario() {
    local name=$1 svc=${SC_SVC[$1]} url_var=${SC_URL[$1]} lua=${SC_LUA[$1]}
    local url=${!url_var}
    if [[ -n $ONLY && $name != *"$ONLY"* ]]; then
        return 0
    fi
    if ! has_service "$svc"; then
        say "skipped: service not built ($name needs $svc)"
        SKIPPED+=("$name")
        return 0
    fi
    [[ -f $HERE/lua/$lua ]] || die "missing $HERE/lua/$lua"
    say "scenario $name: $url (${lua}), warm-up ${WARMUP} s, ${RUNS} x ${SECONDS_PER_RUN} s"
    series "$name" closed "$url" "$lua" "$RUNS" "$WARMUP" 0 0 "${PID[$svc]}" "${PID[gateway]:-0}" \
        "$SECONDS_PER_RUN"
    R_RPS[$name]=$S_RPS R_P50[$name]=$S_P50 R_P99[$name]=$S_P99 R_ERR[$name]=$S_ERR R_CPU[$name]=$S_CPU
    if [[ $OPEN == 1 ]]; then
        R_OPEN_RATE[$name]=$(awk -v r="$S_REQ_RATE" 'BEGIN { r = int(r / 2); print (r < 1 ? 1 : r) }')
        say "  fixed rate: ${R_OPEN_RATE[$name]} requests/s (half the closed loop's)"
        series "$name" open "$url" "$lua" 1 0 "$RUNS" "${R_OPEN_RATE[$name]}" "${PID[$svc]}" \
            "${PID[gateway]:-0}" "$EXTRA_SECONDS"
        R_OPEN_RPS[$name]=$S_REQ_RATE R_OPEN_P50[$name]=$S_P50 R_OPEN_P99[$name]=$S_P99
        R_OPEN_ERR[$name]=$S_ERR
    fi
    if [[ $TWO == 1 && $url_var == GATEWAY_URL && -n ${PID2[$svc]:-} ]]; then
        say "  two copies of each service behind $GATEWAY2_URL"
        series "$name" two "$GATEWAY2_URL" "$lua" 1 "$WARMUP2" $((RUNS + 1)) 0 \
            "${PID[$svc]} ${PID2[$svc]}" "$GW2_PID" "$EXTRA_SECONDS"
        R_TWO_RPS[$name]=$S_RPS R_TWO_P99[$name]=$S_P99 R_TWO_ERR[$name]=$S_ERR R_TWO_CPU[$name]=$S_CPU
    fi
    judge "$name"
}

# target <scenario> <what> <value> <PASS|MISS>: records one judged target.
target() {
    TARGETS+=("$1|$2|$3|$4")
    [[ $4 == PASS ]] || FAILED=1
}
# pass_if <awk condition over a, b, c>: prints PASS or MISS.
pass_if() {
    awk -v a="$2" -v b="${3:-0}" -v c="${4:-0}" "BEGIN { exit !($1) }" && echo PASS || echo MISS
}

# Judges a scenario against its targets: throughput against pgbench, p99
# against pgbench -S's p99 (p99x), the smaller table's figures, two copies
# against one, and errors in every run.
judge() {
    local name=$1 ref=${SC_REF[$1]} min=${SC_MIN[$1]} p99x=${SC_P99X[$1]} extra=${SC_EXTRA[$1]}
    local ratio="-" refname=S met=1 r
    [[ $ref == B ]] && refname=B
    if [[ $ref != - && -n ${PGB[$ref]:-} ]]; then
        ratio=$(awk -v a="${R_RPS[$name]}" -v b="${PGB[$ref]}" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')
    fi
    R_RATIO[$name]=$ratio
    R_P99X[$name]=$(awk -v p="${R_P99[$name]}" -v o="${PGB_P99[S]:-0}" 'BEGIN { if (o > 0) printf "%.2f", p / o; else print "-" }')
    if [[ $min != - ]]; then
        r=$(pass_if 'a != "-" && a + 0 >= b + 0' "$ratio" "$min")
        target "$name" "req/s >= ${min} x $refname" "$ratio" "$r"
        [[ $r == PASS ]] || met=0
    fi
    if [[ $p99x != - ]]; then
        r=$(pass_if 'a != "-" && a + 0 <= b + 0' "${R_P99X[$name]}" "$p99x")
        target "$name" "p99 <= ${p99x} x pgbench -S p99" "${R_P99X[$name]}" "$r"
        [[ $r == PASS ]] || met=0
    fi
    if [[ $extra == within:* ]]; then
        local other=${extra#within:} factor
        other=${other%%:*}
        factor=${extra##*:}
        if [[ -n ${R_P99[$other]:-} ]]; then
            r=$(pass_if 'a + 0 <= c * b' "${R_P99[$name]}" "${R_P99[$other]}" "$factor")
            target "$name" "p99 <= ${factor} x $other's" \
                "$(awk -v a="${R_P99[$name]}" -v b="${R_P99[$other]}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')" "$r"
            [[ $r == PASS ]] || met=0
            r=$(pass_if 'a * c >= b' "${R_RPS[$name]}" "${R_RPS[$other]}" "$factor")
            target "$name" "req/s >= $other's / ${factor}" \
                "$(awk -v a="${R_RPS[$name]}" -v b="${R_RPS[$other]}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')" "$r"
            [[ $r == PASS ]] || met=0
        fi
    fi
    if [[ -n ${R_TWO_RPS[$name]:-} ]]; then
        local two
        two=$(awk -v a="${R_TWO_RPS[$name]}" -v b="${R_RPS[$name]}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
        r=$(pass_if 'a + 0 >= b + 0' "$two" "$TWO_COPY_MIN")
        target "$name" "two copies: req/s >= ${TWO_COPY_MIN} x one copy's" "$two" "$r"
        [[ $r == PASS ]] || met=0
    fi
    if [[ $extra == gapless ]]; then
        # The series of every issuer and year with a numbered document:
        # how many are not exactly 1..N, each once, N the counter's last.
        local broken
        broken=$(sql "SELECT count(*) FROM (SELECT issuer, doc_year, count(*) AS n,
                          count(DISTINCT doc_seq) AS nd, min(doc_seq) AS lo, max(doc_seq) AS hi
                      FROM documents.documents WHERE doc_seq IS NOT NULL
                      GROUP BY issuer, doc_year) s
                      LEFT JOIN documents.number_counters c
                          ON c.series = s.issuer AND c.year = s.doc_year
                      WHERE NOT (s.n = s.nd AND s.lo = 1 AND s.hi = s.n
                                 AND c.last IS NOT DISTINCT FROM s.hi)")
        r=$(pass_if 'a == 0' "$broken")
        target "$name" "number series not gapless" "$broken" "$r"
        [[ $r == PASS ]] || met=0
    fi
    local errs=$((R_ERR[$name] + ${R_OPEN_ERR[$name]:-0} + ${R_TWO_ERR[$name]:-0}))
    r=$(pass_if 'a == 0' "$errs")
    target "$name" "errors = 0" "$errs" "$r"
    [[ $r == PASS ]] || met=0
    if ((met)); then R_MET[$name]=PASS; else R_MET[$name]=MISS; fi
}

# ---------------------------------------------------------------- two copies

# A second copy of each running service (the same binary and environment
# on another port) and a second gateway whose upstreams hold both copies
# (nginx's round robin), for the two-copy runs. Stopped when this script
# exits.
declare -A PID2=()
GW2_PID=""
GATEWAY2_URL=""
stop_copies() {
    local svc
    if [[ -n $GW2_PID ]]; then
        kill -TERM "$GW2_PID" 2>/dev/null || true
        wait "$GW2_PID" 2>/dev/null || true
    fi
    for svc in "${!PID2[@]}"; do
        kill -TERM "${PID2[$svc]}" 2>/dev/null || true
    done
    for svc in "${!PID2[@]}"; do
        wait "${PID2[$svc]}" 2>/dev/null || true
    done
}
start_copies() {
    local svc exe src aux port kv code i port1 url_var
    local -a envs e2
    local upstream_sed=""
    for svc in identity documents attendance printing seals meetings; do
        has_service "$svc" || continue
        # The running binary (a rebuild may have replaced the file since),
        # with the programs of its own beside it (documents-pdf).
        mkdir -p "$WORK/copy2"
        exe=$WORK/copy2/$svc
        cp "/proc/${PID[$svc]}/exe" "$exe" || die "could not copy the $svc binary"
        src=$(readlink "/proc/${PID[$svc]}/exe")
        for aux in "$(dirname "$src")/$svc"-*; do
            [[ -f $aux && -x $aux ]] && cp "$aux" "$WORK/copy2/"
        done
        mapfile -d '' envs <"/proc/${PID[$svc]}/environ"
        port=$(free_port)
        e2=()
        for kv in "${envs[@]}"; do
            [[ $kv == PORT=* ]] && kv=PORT=$port
            e2+=("$kv")
        done
        env -i "${e2[@]}" "$exe" >"$WORK/$svc.copy2.log" 2>&1 </dev/null &
        PID2[$svc]=$!
        url_var=${svc^^}_URL
        port1=${!url_var##*:}
        upstream_sed+="s|^([[:space:]]*)server 127\.0\.0\.1:${port1};|&\n\1server 127.0.0.1:${port};|;"
        for ((i = 0; i < 300; i++)); do
            code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 \
                "http://127.0.0.1:$port/readyz" 2>/dev/null || true)
            [[ $code == 200 ]] && break
            kill -0 "${PID2[$svc]}" 2>/dev/null || die "the second $svc exited ($WORK/$svc.copy2.log)"
            sleep 0.1
        done
        [[ $code == 200 ]] || die "the second $svc did not become ready"
    done
    local conf=$STATE_DIR/nginx/nginx.conf conf2=$WORK/nginx2.conf gw_port tls_port
    gw_port=$(free_port)
    tls_port=$(free_port)
    sed -E -e "$upstream_sed" \
        -e "s|^pid .*;|pid $WORK/nginx2.pid;|" \
        -e "s|^([[:space:]]*listen [0-9.]+):[0-9]+;|\1:${gw_port};|" \
        -e "s|^([[:space:]]*listen [0-9.]+):[0-9]+ ssl;|\1:${tls_port} ssl;|" \
        -e "s|access_log [^ ]+ oa_json|access_log $WORK/gateway2-access.log oa_json|" \
        "$conf" >"$conf2"
    nginx -p "$STATE_DIR/nginx/" -e "$WORK/gateway2-error.log" -c "$conf2" -g 'daemon off;' \
        >"$WORK/gateway2.log" 2>&1 &
    GW2_PID=$!
    GATEWAY2_URL=http://127.0.0.1:$gw_port
    for ((i = 0; i < 100; i++)); do
        [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$GATEWAY2_URL/healthz" 2>/dev/null ||
            true) == 200 ]] && break
        sleep 0.1
    done
    local n
    n=$(grep -c 'server 127.0.0.1:' "$conf2" || true)
    say "two copies: second copies of ${!PID2[*]}; gateway $GATEWAY2_URL ($n upstream servers)"
}

# ---------------------------------------------------------------- memory, start-up

declare -A RSS=() RSS_ANON=() STARTUP=()
# CPU ticks a process has used so far.
ticks_of() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0; }

# Resident memory once each service is idle (logins still hashing when
# wrk stopped would count their argon2 memory).
measure_rss() {
    local svc t0 t1 i
    for svc in identity documents attendance printing seals meetings; do
        has_service "$svc" || continue
        t0=$(ticks_of "${PID[$svc]}")
        for ((i = 0; i < 30; i++)); do
            sleep 0.5
            t1=$(ticks_of "${PID[$svc]}")
            ((t1 - t0 <= 1)) && break
            t0=$t1
        done
        RSS[$svc]=$(awk '/^VmRSS:/ { print $2 }' "/proc/${PID[$svc]}/status")
        RSS_ANON[$svc]=$(awk '/^RssAnon:/ { print $2 }' "/proc/${PID[$svc]}/status")
    done
}

# Starts a second copy of each service with the running one's environment
# on a free port, times exec -> /readyz 200 (median of 3), stops it.
measure_startup() {
    local svc exe port i out
    local -a envs times
    for svc in identity documents attendance printing seals meetings; do
        has_service "$svc" || continue
        # The running binary itself, even if its file was replaced meanwhile.
        exe=$WORK/$svc.startup
        cp "/proc/${PID[$svc]}/exe" "$exe" || {
            STARTUP[$svc]=failed
            continue
        }
        # and the programs it starts beside its binary (documents-pdf).
        local aux
        for aux in "$(dirname "$(readlink "/proc/${PID[$svc]}/exe")")/$svc"-*; do
            [[ -f $aux && -x $aux ]] && cp "$aux" "$WORK/"
        done
        mapfile -d '' envs <"/proc/${PID[$svc]}/environ"
        times=()
        for i in 1 2 3; do
            port=$(free_port)
            local -a e2=()
            local kv
            for kv in "${envs[@]}"; do
                [[ $kv == PORT=* ]] && kv=PORT=$port
                e2+=("$kv")
            done
            out=$(env -i "${e2[@]}" "$BENCHTOOL" startup "http://127.0.0.1:$port/readyz" 10000 \
                -- "$exe" 2>>"$WORK/startup-$svc.log" >&1 </dev/null) || true
            [[ $out == startup_ms=* ]] && times+=("${out#startup_ms=}")
        done
        if ((${#times[@]})); then
            STARTUP[$svc]=$(median "${times[@]}")
        else
            STARTUP[$svc]=failed
        fi
        say "  start-up $svc: ${times[*]:-failed} ms"
    done
}

# ---------------------------------------------------------------- report

report() {
    local name svc line
    local -a lines=()
    lines+=("| scenario | req/s | p50 ms | p99 ms | p99x | fixed rate: req/s, p50 / p99 ms (p99x) | two copies: req/s (x one), p99 ms | errors | ratio | result | CPU µs/req, all (user): service / PostgreSQL / nginx / wrk | other load |")
    lines+=("|---|---:|---:|---:|---:|---|---|---:|---:|---|---|---:|")
    for name in "${SCEN_NAMES[@]}"; do
        [[ -n ${R_MET[$name]:-} ]] || continue
        local c=(${R_CPU[$name]}) open="-" two="-"
        if [[ -n ${R_OPEN_RATE[$name]:-} ]]; then
            open="${R_OPEN_RPS[$name]}, ${R_OPEN_P50[$name]} / ${R_OPEN_P99[$name]} ($(awk -v p="${R_OPEN_P99[$name]}" \
                -v o="${PGB_P99[S]:-0}" 'BEGIN { if (o > 0) printf "%.2f", p / o; else print "-" }'))"
        fi
        if [[ -n ${R_TWO_RPS[$name]:-} ]]; then
            two="${R_TWO_RPS[$name]} ($(awk -v a="${R_TWO_RPS[$name]}" -v b="${R_RPS[$name]}" \
                'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')), ${R_TWO_P99[$name]}"
        fi
        local errs=$((R_ERR[$name] + ${R_OPEN_ERR[$name]:-0} + ${R_TWO_ERR[$name]:-0}))
        lines+=("| $name | ${R_RPS[$name]} | ${R_P50[$name]} | ${R_P99[$name]} | ${R_P99X[$name]} | $open | $two | $errs | ${R_RATIO[$name]} | ${R_MET[$name]} | ${c[0]} (${c[5]}) / ${c[1]} (${c[6]}) / ${c[2]} (${c[7]}) / ${c[3]} (${c[8]}) | ${c[4]}% |")
    done
    for name in "${SKIPPED[@]}"; do
        lines+=("| $name | | | | | | | | | skipped: service not built | | |")
    done
    local rss_line="" anon_line="" start_line="" r
    for svc in identity documents attendance printing seals meetings; do
        [[ -n ${RSS[$svc]:-} ]] || continue
        rss_line+=" $svc=${RSS[$svc]}"
        anon_line+=" $svc=${RSS_ANON[$svc]:-?}"
        r=$(pass_if 'a + 0 < 20 * 1024' "${RSS[$svc]}")
        target "$svc" "resident memory < 20 MiB (KiB)" "${RSS[$svc]}" "$r"
    done
    for svc in identity documents attendance printing seals meetings; do
        [[ -n ${STARTUP[$svc]:-} ]] || continue
        start_line+=" $svc=${STARTUP[$svc]}"
        r=MISS
        [[ ${STARTUP[$svc]} != failed ]] && r=$(pass_if 'a + 0 < 200' "${STARTUP[$svc]}")
        target "$svc" "start-up < 200 ms" "${STARTUP[$svc]}" "$r"
    done

    local cpu commit date
    cpu=$(sed -nE 's/^model name[[:space:]]*: (.*)/\1/p' /proc/cpuinfo | head -n 1)
    commit=$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)
    git -C "$REPO_DIR" diff --quiet HEAD -- common services 2>/dev/null || commit+="+changes"
    date=$(date -u +%Y-%m-%dT%H:%MZ)
    local npass=0 nmiss=0 t
    local -a summary=()
    summary+=("| scenario | target | value | result |")
    summary+=("|---|---|---:|---|")
    for t in "${TARGETS[@]}"; do
        IFS='|' read -r name line val r <<<"$t"
        summary+=("| $name | $line | $val | $r |")
        if [[ $r == PASS ]]; then npass=$((npass + 1)); else nmiss=$((nmiss + 1)); fi
    done

    {
        say ""
        say "### $date, commit $commit, $cpu ($NCPU cores)$( ((SMOKE)) && echo ', SMOKE (not a result)')"
        say ""
        say "$CONNS connections, $THREADS wrk/pgbench threads, ${SECONDS_PER_RUN} s per run, median of $RUNS after ${WARMUP} s warm-up; fixed-rate run: one of ${EXTRA_SECONDS} s at half the closed loop's request rate; two copies: one run of ${EXTRA_SECONDS} s after ${WARMUP2} s warm-up; $(wc -l <"$DATA/tokens.tsv") users' tokens; $LOG_ROWS log rows; pgbench scale $PGBENCH_SCALE; run took $((SECONDS / 60)) min."
        say "pgbench -S -M prepared: ${PGB[S]:-?} tps (p50 ${PGB_P50[S]:-?} ms, p99 ${PGB_P99[S]:-?} ms); TPC-B-like (-M prepared): ${PGB[B]:-?} tps (p50 ${PGB_P50[B]:-?} ms, p99 ${PGB_P99[B]:-?} ms)."
        say ""
        printf '%s\n' "${lines[@]}"
        say ""
        say "Resident memory after the runs (KiB, target < 20 MiB):${rss_line}; of which anonymous (heap, stacks; the rest is mapped files such as the PDF fonts):${anon_line}"
        say "Start-up to /readyz 200 (ms, median of 3, target < 200):${start_line}"
        say "p99x is the p99 over pgbench -S's p99 in this run. For the flows, req/s counts whole flows (a leave request approved; a seal request approved and stamped; a job approved and completed; a document drafted to numbered; a director's meeting convened, prepared, held and closed, 18 requests); the fixed-rate req/s and the CPU are per HTTP request."
        say "\"other load\" is CPU used by processes outside this stack during the runs, as a share of all cores; above 5% the run was disturbed."
        say ""
        say "Targets: $npass PASS, $nmiss MISS."
        say ""
        printf '%s\n' "${summary[@]}"
    } >"$WORK/report.md"
    cat "$WORK/report.md"
    if [[ ${BENCH_NO_RECORD:-0} != 1 ]]; then
        [[ -f $HERE/RESULTS.md ]] || printf '# Benchmark results\n' >"$HERE/RESULTS.md"
        cat "$WORK/report.md" >>"$HERE/RESULTS.md"
        say ""
        say "appended to tests/bench/RESULTS.md"
    fi
    say ""
    for name in "${SCEN_NAMES[@]}"; do
        [[ -n ${R_MET[$name]:-} ]] || continue
        say "bench: $name rps=${R_RPS[$name]} p50_ms=${R_P50[$name]} p99_ms=${R_P99[$name]} p99x=${R_P99X[$name]} open_rate=${R_OPEN_RATE[$name]:--} open_p99_ms=${R_OPEN_P99[$name]:--} two_rps=${R_TWO_RPS[$name]:--} two_p99_ms=${R_TWO_P99[$name]:--} errors=$((R_ERR[$name] + ${R_OPEN_ERR[$name]:-0} + ${R_TWO_ERR[$name]:-0})) ratio=${R_RATIO[$name]} ${R_MET[$name]}"
    done
    for name in "${SKIPPED[@]}"; do
        say "bench: $name skipped: service not built"
    done
    say "bench: pgbench select_only_tps=${PGB[S]:-0} tpcb_tps=${PGB[B]:-0} select_only_p50_ms=${PGB_P50[S]:-0} select_only_p99_ms=${PGB_P99[S]:-0} tpcb_p50_ms=${PGB_P50[B]:-0} tpcb_p99_ms=${PGB_P99[B]:-0}"
    say "bench: startup_ms${start_line}"
    say "bench: rss_kb${rss_line}"
    say "bench: rss_anon_kb${anon_line}"
    for t in "${TARGETS[@]}"; do
        IFS='|' read -r name line val r <<<"$t"
        say "bench: target $name: $line: $val $r"
    done
    say "bench: summary $npass PASS, $nmiss MISS"
}

# ---------------------------------------------------------------- main

# A service's data is loaded when it runs and one of its scenarios is
# selected (BENCH_ONLY), so that a run of one service's scenarios does not
# wait for every other service's million rows.
wanted() {
    has_service "$1" && [[ -f $HERE/sql/$1.sql ]] || return 1
    [[ -z $ONLY ]] && return 0
    local name
    for name in "${SCEN_NAMES[@]}"; do
        [[ $name == "$1"_* && $name == *"$ONLY"* ]] && return 0
    done
    return 1
}

declare -A LOADED=()
load_once() {
    [[ -n ${LOADED[$1]:-} ]] && return 0
    LOADED[$1]=1
    "$2"
}

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
trap stop_copies EXIT
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
            documents_search_1m|documents_incoming_overdue_1m)
                wanted documents && load_once documents load_documents_rest ;;
        esac
    fi
    run_scenario "$name"
done
stop_copies
PID2=() GW2_PID=""
say "resident memory and start-up"
measure_rss
measure_startup
report
exit "$FAILED"
