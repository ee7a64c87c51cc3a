# Sourced by deploy/local.sh: make soak.

# Resident memory (kB) of a process, or 0.
rss_kb() {
    local kb
    kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || true)
    printf '%s' "${kb:-0}"
}

# Fills the associative array named $1 with each service's resident memory:
# the lowest of ten readings one second apart. Memory a request holds for a
# moment is not the level: a password hash maps 19 MiB while it runs, and
# under the soak's continuous logins one is in flight in most readings, so
# even their median is mostly hashes; a large export holds a few MB until
# the next malloc_trim. A leak raises the lowest reading as much as any.
rss_sample() {
    local -n into=$1
    local inst i
    local -A seen=()
    for ((i = 0; i < 10; i++)); do
        for inst in "${!SVC_PID[@]}"; do seen[$inst]+="$(rss_kb "${SVC_PID[$inst]}") "; done
        ((i < 9)) && sleep 1
    done
    for inst in "${!seen[@]}"; do
        into[$inst]=$(tr ' ' '\n' <<<"${seen[$inst]}" | grep . | sort -n | head -n 1)
    done
}

# SOAK_SECONDS of mixed load through the gateway: the API tests (creates,
# approvals, lists, refusals, PDFs in every service) in a loop, two streams
# at once, one in reverse order. First every API test runs once, so that
# every kind of request has been served (the PDF faces loaded, the pools,
# caches and malloc arenas grown); then the clock starts, and resident
# memory of every service is read a minute in and at the end (each time
# the lowest of ten readings over nine seconds, rss_sample).
mode_soak() {
    local secs=${SOAK_SECONDS:-600} max=${SOAK_MAX_GROWTH_PCT:-10} inst first last growth
    local -a bins=() rev=() loaders=()
    declare -A at_first=()
    start_all
    export_test_env
    shopt -s nullglob
    bins=("$BIN_DIR"/api_*)
    shopt -u nullglob
    ((${#bins[@]} > 0)) || fatal "no API test binaries in $BIN_DIR (make build)"
    for ((i = ${#bins[@]} - 1; i >= 0; i--)); do rev+=("${bins[i]}"); done
    say ""
    say "soak: warm-up, every API test once"
    local bin
    for bin in "${bins[@]}"; do
        timeout -k 5 300 "$bin" >>"$LOGS/soak-load.log" 2>&1 || true
    done
    local warm_requests
    warm_requests=$(wc -l <"$LOGS/gateway-access.log" 2>/dev/null || echo 0)
    say "soak: ${secs}s of mixed load through $GATEWAY_URL (${#bins[@]} API test binaries, 2 streams)"
    local stop=$STATE/soak.stop rounds=$STATE/soak.rounds
    soak_stream() {
        local n=0 bin
        while [[ ! -e $stop ]]; do
            for bin in "$@"; do
                [[ -e $stop ]] && break
                timeout -k 5 300 "$bin" >>"$LOGS/soak-load.log" 2>&1 || true
            done
            n=$((n + 1))
            echo "$n" >>"$rounds"
        done
    }
    soak_stream "${bins[@]}" &
    loaders+=($!)
    soak_stream "${rev[@]}" &
    loaders+=($!)
    local start=$SECONDS
    sleep 60
    rss_sample at_first
    while ((SECONDS - start < secs - 8)); do sleep 5; done
    local -a ordered=()
    for svc in "${SERVICES[@]}"; do mapfile -t -O "${#ordered[@]}" ordered < <(instances "$svc"); done
    declare -A at_end=()
    rss_sample at_end
    touch "$stop"
    wait "${loaders[@]}" 2>/dev/null || true
    local requests
    requests=$(($(wc -l <"$LOGS/gateway-access.log" 2>/dev/null || echo 0) - warm_requests))
    say ""
    say "soak: $((SECONDS - start))s, $requests requests through the gateway, $(wc -l <"$rounds" 2>/dev/null || echo 0) rounds of the API tests"
    printf '%-14s %12s %12s %8s\n' service rss_1min_kb rss_end_kb growth
    for inst in "${ordered[@]}"; do
        [[ -n ${at_end[$inst]:-} ]] || continue
        first=${at_first[$inst]:-0}
        last=${at_end[$inst]}
        if ((first > 0 && last > 0)); then
            growth=$(awk -v a="$first" -v b="$last" 'BEGIN {printf "%.1f", (b - a) * 100 / a}')
        else
            growth=nan
        fi
        printf '%-14s %12s %12s %7s%%\n' "$inst" "$first" "$last" "$growth"
        say "soak: rss_kb $inst 1min=$first end=$last growth=${growth}%" >>"$STATE/soak.txt"
        if [[ $growth == nan ]] || awk -v g="$growth" -v m="$max" 'BEGIN {exit !(g >= m)}'; then
            say "!!!! $inst: resident memory grew ${growth}% after the first minute (limit ${max}%) or the service is gone: counted as 1 failed"
            FAILED=$((FAILED + 1))
        else
            PASSED=$((PASSED + 1))
        fi
    done
    say ""
    FINAL_PRINTED=1
    say "$PASSED passed, $FAILED failed"
    ((FAILED == 0)) || exit 1
    exit 0
}
