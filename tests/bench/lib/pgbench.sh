# Sourced by tests/bench/run.sh: PostgreSQL's own limits on this machine
# (pgbench), which every target is a ratio to.

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
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
        END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
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

# pgbench_tail <tag> <pgbench options...>: one run with pgbench's
# per-transaction log; prints its p50 and p99 in ms (pgbench_percentiles).
# A run of its own, so that logging cannot lower a tps a ratio divides by.
# Called in a command substitution: its die ends only that subshell, so
# the caller exits when it fails.
pgbench_tail() {
    local tag=$1
    shift
    rm -f "$WORK/pgbench-$tag-log".*
    pgbench "$@" -c "$CONNS" -j "$THREADS" -T "$SECONDS_PER_RUN" -l \
        --log-prefix="$WORK/pgbench-$tag-log" "$PGB_URL" >/dev/null 2>&1 ||
        die "pgbench $* -l failed"
    pgbench_percentiles "$WORK/pgbench-$tag-log"
    rm -f "$WORK/pgbench-$tag-log".*
}

# The tps pgbench printed (on stdin), without its connections' time when
# it says so.
pgbench_tps() {
    local out tps
    out=$(cat)
    tps=$(sed -nE 's/^tps = ([0-9.]+) .*without initial connection time.*/\1/p' <<<"$out")
    [[ -n $tps ]] || tps=$(sed -nE 's/^tps = ([0-9.]+).*/\1/p' <<<"$out" | tail -n 1)
    echo "$tps"
}

# pgbench_run <key> <pgbench options...>: median tps of RUNS runs; then one
# more run with pgbench's per-transaction log (kept apart, so that logging
# cannot lower the tps the ratios divide by) for the p50 and p99 latencies
# (PGB_P50, PGB_P99): the database's own tail at the same connection count,
# the floor under the p99 of any scenario that makes a round trip to it.
declare -A PGB_P50=() PGB_P99=()
pgbench_run() {
    local key=$1 i out lat
    local -a all=()
    shift
    pgbench "$@" -c "$CONNS" -j "$THREADS" -T "$WARMUP" "$PGB_URL" >/dev/null 2>&1 || true
    for ((i = 0; i < RUNS; i++)); do
        out=$(pgbench "$@" -c "$CONNS" -j "$THREADS" -T "$SECONDS_PER_RUN" "$PGB_URL" 2>&1) || {
            say "$out" >&2
            die "pgbench $* failed"
        }
        all+=("$(pgbench_tps <<<"$out")")
    done
    PGB[$key]=$(median "${all[@]}")
    lat=$(pgbench_tail "$key" "$@") || exit 1
    read -r "PGB_P50[$key]" "PGB_P99[$key]" <<<"$lat"
    say "  pgbench $key: ${all[*]} tps -> median ${PGB[$key]}; p50 ${PGB_P50[$key]} ms, p99 ${PGB_P99[$key]} ms"
}

# The reference beside a scenario, interleaved with its runs. The
# references at the start of a run moved by up to 40 % from one run to the
# next of the same code (tests/bench/RESULTS.md, thirteenth session), and
# so did every ratio to them; one run seconds before a scenario's own runs
# (as until the twenty-second session) still missed the machine's slower
# minutes that came during them: every process, wrk and nginx included,
# took up to 1.9 x the CPU a request for the same requests while the run of
# pgbench just before had gone at its usual rate (RESULTS.md, twenty-second
# session). So pgbench_near_start warms the reference <key> (S or B) up as
# long as the scenario is warmed up and, with p99, makes one run of it with
# the per-transaction log (apart, as in pgbench_run) for its p99 in
# PGB_NEAR_P99, which a scenario's p99 target is judged against (the p99
# of pgbench -S at the start of a run was 3.96-6.52 ms from one run to the
# next of the same code, RESULTS.md, nineteenth session); then
# pgbench_near_run, called by series before each of the scenario's
# closed-loop runs, makes one run of the reference between two
# checkpoints (neither pays for the other's writes), its tps appended to
# NEAR_ALL (their median is reported); the throughput target is judged by
# each closed-loop run over the reference's run right before it
# (lib/measure.sh: near_pairs).
NEAR_KEY="" PGB_NEAR_P99=0
NEAR_OPTS=() NEAR_ALL=()
pgbench_near_start() {
    local key=$1 want_p99=${2:-} p50 lat
    NEAR_KEY=$key NEAR_ALL=() PGB_NEAR_P99=0 NEAR_OPTS=(-M prepared)
    [[ $key == S ]] && NEAR_OPTS=(-S -M prepared)
    pgbench "${NEAR_OPTS[@]}" -c "$CONNS" -j "$THREADS" -T "$WARMUP" "$PGB_URL" >/dev/null 2>&1 || true
    [[ $want_p99 == p99 ]] || return 0
    lat=$(pgbench_tail near "${NEAR_OPTS[@]}") || exit 1
    read -r p50 PGB_NEAR_P99 <<<"$lat"
}
pgbench_near_run() {
    local out tps
    "${PSQL[@]}" "$ADMIN_DATABASE_URL" -c 'CHECKPOINT' >/dev/null || die "could not checkpoint"
    out=$(pgbench "${NEAR_OPTS[@]}" -c "$CONNS" -j "$THREADS" -T "$SECONDS_PER_RUN" "$PGB_URL" 2>&1) || {
        say "$out" >&2
        die "pgbench ${NEAR_OPTS[*]} failed"
    }
    tps=$(pgbench_tps <<<"$out")
    "${PSQL[@]}" "$ADMIN_DATABASE_URL" -c 'CHECKPOINT' >/dev/null || die "could not checkpoint"
    NEAR_ALL+=("$tps")
    say "  pgbench $NEAR_KEY beside it: ${tps%.*} tps"
}

# floor_pgbench <warm-up s> <measured s> <pgbench args...>: one run of a
# write flow's SQL floor (tests/bench/floor/, lib/measure.sh: floor, and
# tests/bench/floor.sh), its rate read after a warm-up in the same
# invocation: pgbench's clients are new connections, whose first
# executions of the flows' statements are planned afresh (the document
# functions take tens of milliseconds to plan; the services' pooled
# connections did that long before), so the first seconds of a run are not
# the statements' rate. Prints "<transactions a second after the warm-up>
# <transactions in the whole run>", from pgbench's progress lines (-P 1)
# and its count; prints nothing (and returns 1) when pgbench failed.
floor_pgbench() {
    local warm=$1 secs=$2 out
    shift 2
    out=$(pgbench -n -M prepared -P 1 -T $((warm + secs)) "$@" 2>&1) || true
    awk -v w="$warm" '
        /^progress: / { t = $2 + 0; if (t > w) { sum += $4; n++ } }
        /^number of transactions actually processed: / { split($6, a, "/"); done = a[1] }
        /aborted|^pgbench: error/ { bad = 1 }
        END { if (bad || n == 0 || done == "") exit 1; printf "%.1f %d\n", sum / n, done }' <<<"$out"
}

pgbench_limits() {
    say "pgbench: -S -M prepared (select-only) and the TPC-B-like default, -c $CONNS -j $THREADS, ${SECONDS_PER_RUN} s"
    settle
    pgbench_run S -S -M prepared
    pgbench_run B -M prepared
}
