# Sourced by tests/bench/run.sh: running a scenario with wrk and measuring
# its throughput, latency and CPU per request.

declare -A R_RPS=() R_P50=() R_P99=() R_ERR=() R_RATIO=() R_P99X=() R_MET=() R_CPU=()
declare -A R_OPEN_RATE=() R_OPEN_RPS=() R_OPEN_P50=() R_OPEN_P99=() R_OPEN_ERR=()
declare -A R_TWO_RPS=() R_TWO_ONE_RPS=() R_TWO_P99=() R_TWO_ERR=()
declare -A R_NEAR=() R_NEAR_P99=() R_RATIO_RUN=() R_P99X_RUN=() R_P99_REF=() R_FLOOR=()
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
    # Each run's rate by its number (none for a run that failed), and the
    # reference's run before it when there is one (NEAR_BY_RUN).
    S_RUN_RPS=() NEAR_BY_RUN=()
    local errors=0 cpu_svc=0 cpu_pg=0 cpu_gw=0 cpu_wrk=0 cpu_other=0 reqs=0 dur=0
    local user_svc=0 user_pg=0 user_gw=0 user_wrk=0
    if ((warm > 0)); then
        BENCH_RATE=$rate BENCH_RUN=$run0 run_wrk "$url" "$lua" "$warm" "$WORK/$name.$tag.warmup.out"
    fi
    for ((i = 1; i <= runs; i++)); do
        out=$WORK/$name.$tag.$i.out
        # The reference beside the scenario, when judged so (pgbench_near_run).
        if [[ -n ${SERIES_BEFORE_RUN:-} ]]; then
            "$SERIES_BEFORE_RUN"
            NEAR_BY_RUN[i]=${NEAR_ALL[-1]}
        fi
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
        S_RUN_RPS[i]=${rps[-1]}
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
    local c=($S_CPU)
    say "  $tag CPU µs/request: service ${c[0]} / PostgreSQL ${c[1]} / nginx ${c[2]} / wrk ${c[3]}; other load ${c[4]}%"
}

# settle: before pgbench's runs and each scenario, both databases as
# autovacuum would leave them (every table vacuumed and analysed) and a
# checkpoint. Without it the vacuum and analysis that the previous
# scenario's writes or a bulk load call for run during this scenario's
# runs, whenever autovacuum picks the tables up, and count as this
# scenario's PostgreSQL CPU (one reason the lists at scale did worse in a
# whole run than alone; tests/bench/RESULTS.md, twelfth session).
# BENCH_SETTLE=0 leaves it out.
settle() {
    [[ ${BENCH_SETTLE:-1} == 1 ]] || return 0
    local t0=$SECONDS
    "${PSQL[@]}" "$ADMIN_DATABASE_URL" -c 'VACUUM (ANALYZE)' -c 'CHECKPOINT' >/dev/null ||
        die "could not vacuum the office's database"
    "${PSQL[@]}" "$PGB_URL" -c 'VACUUM (ANALYZE)' >/dev/null || die "could not vacuum pgbench"
    say "  vacuumed, analysed and checkpointed in $((SECONDS - t0)) s"
}

# Runs one scenario: settled (settle), closed loop (warm-up, RUNS runs,
# medians, the CPU split), then one fixed-rate run at half its closed-loop
# request rate, then, on the gateway, the two-copy comparison (two_copies).
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
    settle
    say "  memory: $(awk '/^(MemAvailable|Cached|Dirty):/ { printf "%s%s %d MiB", sep, $1, $2 / 1024; sep = ", " }' /proc/meminfo)"
    local beside=""
    if [[ $NEAR == 1 && ${SC_REF[$name]} != - ]]; then
        local want_p99=""
        [[ ${SC_REF[$name]} == S && ${SC_P99X[$name]} != - ]] && want_p99=p99
        pgbench_near_start "${SC_REF[$name]}" $want_p99
        if [[ -n $want_p99 ]]; then
            R_NEAR_P99[$name]=$PGB_NEAR_P99
            say "  pgbench -S beside it, its p99: $PGB_NEAR_P99 ms (at the start of the run: ${PGB_P99[S]:-?})"
        fi
        beside=pgbench_near_run
    fi
    SERIES_BEFORE_RUN=$beside series "$name" closed "$url" "$lua" "$RUNS" "$WARMUP" 0 0 "${PID[$svc]}" \
        "${PID[gateway]:-0}" "$SECONDS_PER_RUN"
    if [[ -n $beside ]]; then
        R_NEAR[$name]=$(median "${NEAR_ALL[@]}")
        near_pairs "$name"
        say "  pgbench ${SC_REF[$name]} beside it: median ${R_NEAR[$name]} tps (at the start of the run: ${PGB[${SC_REF[$name]}]:-?}); each run over the one before it: ${R_PAIRS[$name]:-none} (median ${R_NEAR_RATIO[$name]:--})"
    fi
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
        two_copies "$name" "$svc" "$url" "$lua"
    fi
    floor "$name"
    judge "$name"
}

# near_pairs <name>: each closed-loop run's rate over the run of the
# reference right before it (S_RUN_RPS, NEAR_BY_RUN), in R_PAIRS, and their
# median in R_NEAR_RATIO, which the throughput target is judged by: a run
# and the reference's run before it meet the same minute of the machine,
# whose slower minutes (RESULTS.md, twenty-second session) a median of
# the runs and a median of the references taken apart would each meet in
# different runs.
declare -A R_PAIRS=() R_NEAR_RATIO=()
near_pairs() {
    local name=$1 i
    local -a ratios=()
    for i in "${!S_RUN_RPS[@]}"; do
        [[ -n ${NEAR_BY_RUN[i]:-} ]] || continue
        ratios+=("$(awk -v a="${S_RUN_RPS[i]}" -v b="${NEAR_BY_RUN[i]}" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')")
    done
    ((${#ratios[@]})) || return 0
    R_PAIRS[$name]=${ratios[*]}
    R_NEAR_RATIO[$name]=$(awk -v v="$(median "${ratios[@]}")" 'BEGIN { printf "%.3f", v }')
}

# floor <name>: when tests/bench/floor/<name>.sql exists (a write flow's
# statements as its service sends them, pipelined where the script needs
# no result), one run of it from pgbench after the scenario's runs,
# FLOOR_CLIENTS clients (a service's pool here), its rate read over a
# run's seconds after WARMUP seconds (lib/pgbench.sh: floor_pgbench),
# with the service's schema first in search_path: the rate PostgreSQL
# gives those statements alone, no HTTP in the way (tests/bench/floor.sh
# does the same beside a held stack). In R_FLOOR, in flows a second, or
# "failed"; reported beside the table, not judged. BENCH_FLOOR=0 leaves it
# out.
floor() {
    local name=$1 file=$HERE/floor/$1.sql res
    [[ ${BENCH_FLOOR:-1} == 1 && -f $file ]] || return 0
    res=$(PGOPTIONS="-c search_path=${SC_SVC[$name]},public" floor_pgbench "$WARMUP" \
        "$SECONDS_PER_RUN" -c "$FLOOR_CLIENTS" -j 1 -f "$file" "$ADMIN_DATABASE_URL") || res=""
    if [[ -z $res ]]; then
        R_FLOOR[$name]=failed
        say "  SQL floor: pgbench $(basename "$file") failed"
        return 0
    fi
    R_FLOOR[$name]=$(awk -v r="$res" 'BEGIN { split(r, x, " "); printf "%.0f", x[1] }')
    say "  SQL floor: ${R_FLOOR[$name]} flows/s (pgbench $(basename "$file"), $FLOOR_CLIENTS clients)"
}

# two_copies <name> <service> <one-copy url> <lua>: after a warm-up of the
# second copies (WARMUP2 s), TWO_PAIRS pairs of runs of EXTRA_SECONDS s,
# each a run through the one-copy gateway followed by one through the
# two-copy gateway, so that both figures of a pair meet the machine in the
# same state; the two-copy figure is judged against the one-copy runs of
# the pairs (medians), not against the closed loop's runs minutes before.
# BENCH_RUN numbers go on from the open run's (RUNS + 1), each distinct.
two_copies() {
    local name=$1 svc=$2 url=$3 lua=$4 k run=$((RUNS + 2)) err=0
    local -a one=() two=() p99=()
    say "  two copies of each service behind $GATEWAY2_URL: ${TWO_PAIRS} pairs of runs, one copy then two"
    if ((WARMUP2 > 0)); then
        BENCH_RATE=0 BENCH_RUN=$run run_wrk "$GATEWAY2_URL" "$lua" "$WARMUP2" "$WORK/$name.two.warmup.out"
    fi
    for ((k = 1; k <= TWO_PAIRS; k++)); do
        series "$name" "pair$k" "$url" "$lua" 1 0 "$run" 0 "${PID[$svc]}" \
            "${PID[gateway]:-0}" "$EXTRA_SECONDS"
        one+=("$S_RPS") err=$((err + S_ERR))
        series "$name" "two$k" "$GATEWAY2_URL" "$lua" 1 0 $((run + 1)) 0 \
            "${PID[$svc]} ${PID2[$svc]}" "$GW2_PID" "$EXTRA_SECONDS"
        two+=("$S_RPS") p99+=("$S_P99") err=$((err + S_ERR))
        run=$((run + 2))
    done
    R_TWO_RPS[$name]=$(median "${two[@]}") R_TWO_ONE_RPS[$name]=$(median "${one[@]}")
    R_TWO_P99[$name]=$(median "${p99[@]}") R_TWO_ERR[$name]=$err
}

# target <scenario> <what> <value> <PASS|MISS>: records one judged target.
