# Sourced by tests/bench/run.sh (lib/measure.sh: floor) and by
# tests/bench/floor.sh: one run of pgbench whose rate is read after a
# warm-up, in the same invocation. pgbench's clients are new connections,
# whose first executions of the flows' statements are planned afresh (the
# document functions take tens of milliseconds to plan; the services'
# pooled connections did that long before), so the first seconds of a run
# are not the statements' rate.

# floor_pgbench <warm-up s> <measured s> <pgbench args...>: prints
# "<transactions a second after the warm-up> <transactions in the whole
# run>", from pgbench's progress lines (-P 1) and its count; prints
# nothing (and returns 1) when pgbench failed.
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
