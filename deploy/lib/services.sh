# Sourced by deploy/local.sh: the services, their environment, starting each
# copy and waiting until it is ready, then the demo office.

# BEGIN services: services (deploy/services.py)
SERVICES=(identity documents attendance printing seals meetings)
declare -A PORT=(
    [gateway]=8080 [gateway_tls]=8443 [postgres]=45432
    [identity]=8081
    [documents]=8082
    [attendance]=8083
    [printing]=8084
    [seals]=8085
    [meetings]=8086
)
# END services: services

# The instances of a service: copy 1 is named after the service, copy N
# (N > 1) <service>-N; PORT, SVC_PID and the log file go by instance name.
instances() {
    local svc=$1 n
    printf '%s\n' "$svc"
    for ((n = 2; n <= COPIES; n++)); do printf '%s\n' "$svc-$n"; done
}

# The services a run starts: those built, and with TESTS=<substring> in a
# test run only the ones it selects (deploy/services.py --select, which the
# Makefile's build asks too).
services_to_start() {
    local svc
    local -A chosen=()
    if [[ $MODE == test && -n ${TESTS:-} ]]; then
        for svc in $(/usr/bin/python3 "$REPO_DIR/deploy/services.py" --select "$TESTS"); do
            chosen[$svc]=1
        done
    else
        for svc in "${SERVICES[@]}"; do chosen[$svc]=1; done
    fi
    for svc in "${SERVICES[@]}"; do
        if [[ -n ${chosen[$svc]:-} && -x $BIN_DIR/$svc && -f $BIN_DIR/$svc ]]; then
            printf '%s\n' "$svc"
        fi
    done
}

sanitizer_env() {
    [[ $VARIANT == asan ]] || return 0
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:log_path=$LOGS/asan${ASAN_EXTRA_OPTIONS:+:$ASAN_EXTRA_OPTIONS}
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$LOGS/ubsan
    export ASAN_OPTIONS UBSAN_OPTIONS
    if [[ -f $REPO_DIR/tests/lsan.supp ]]; then
        # Without print_suppressions=0 a process whose only leaks are the
        # suppressed ones still writes a report (the table of suppressions
        # used), which would count as a failure.
        LSAN_OPTIONS=suppressions=$REPO_DIR/tests/lsan.supp:print_suppressions=0
        export LSAN_OPTIONS
    fi
}

# The complete environment of one service: nothing else is inherited.
service_env() {
    local inst=$1 svc=${1%%-*} name
    SVC_ENV=(
        "PATH=$PATH"
        "HOME=${HOME:-/}"
        "SERVICE_NAME=$svc"
        "PORT=${PORT[$inst]}"
        "BIND_ADDR=127.0.0.1"
        "DATABASE_URL=$(service_db_url "$svc")"
        "JWT_PUBLIC_KEY_FILE=$JWT_PUBLIC_KEY_FILE"
        "MIGRATIONS_DIR=$REPO_DIR/services/$svc/migrations"
        "LOG_LEVEL=$LOG_LEVEL"
    )
    [[ $svc == identity ]] && SVC_ENV+=("JWT_PRIVATE_KEY_FILE=$JWT_PRIVATE_KEY_FILE")
    for name in LANG LC_ALL TZ TMPDIR; do
        [[ -n ${!name:-} ]] && SVC_ENV+=("$name=${!name}")
    done
    if [[ $MODE == test ]]; then
        # deploy/test-service.env, which make test-containers reads too.
        local line
        while IFS= read -r line; do
            if [[ $line =~ ^[A-Z][A-Z0-9_]*= ]]; then SVC_ENV+=("$line"); fi
        done <"$REPO_DIR/deploy/test-service.env"
    fi
    # Under valgrind every request is many times slower.
    ((VALGRIND)) && SVC_ENV+=("DB_ACQUIRE_TIMEOUT_MS=60000")
    if [[ $VARIANT == asan ]]; then
        SVC_ENV+=("ASAN_OPTIONS=$ASAN_OPTIONS" "UBSAN_OPTIONS=$UBSAN_OPTIONS")
        [[ -n ${LSAN_OPTIONS:-} ]] && SVC_ENV+=("LSAN_OPTIONS=$LSAN_OPTIONS")
    fi
    # OA_<NAME>=value reaches every service as <NAME>=value (last, so it
    # overrides the values above): OA_HTTP_THREADS=4 sets HTTP_THREADS.
    while IFS= read -r name; do
        SVC_ENV+=("${name#OA_}=${!name}")
    done < <(compgen -e | grep '^OA_' || true)
}

# Starts one instance (identity, identity-2, ...) of a service.
start_service() {
    local inst=$1 svc=${1%%-*}
    local -a wrap=()
    service_env "$inst"
    if ((VALGRIND)); then
        # Leaks that count: definite and indirect ("possibly lost" and
        # "still reachable" are the libraries' caches, alive at exit).
        # --child-silent-after-fork: documents spawns its PDF renderer, and
        # the child between fork and exec would otherwise open a log of
        # its own that never gets a summary.
        wrap=("$(command -v valgrind)" --tool=memcheck --leak-check=full
            --child-silent-after-fork=yes
            --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect
            --num-callers=40 --gen-suppressions=all
            "--suppressions=$REPO_DIR/tests/valgrind.supp"
            "--log-file=$LOGS/valgrind-$inst.%p.log")
    fi
    env -i "${SVC_ENV[@]}" "${wrap[@]}" "$BIN_DIR/$svc" >"$LOGS/$inst.log" 2>&1 &
    SVC_PID[$inst]=$!
    echo "$inst ${SVC_PID[$inst]}" >>"$STATE/run.pids"
    # The fault scenarios start a service again with the same environment.
    [[ $MODE == faults ]] && printf '%s\0' "${SVC_ENV[@]}" >"$STATE/secrets/env.$inst"
    return 0
}

# Waits for GET /readyz to answer 200.
wait_ready() {
    local svc=$1 pid=${SVC_PID[$1]} url="http://127.0.0.1:${PORT[$1]}/readyz" code
    local deadline=$((SECONDS + READY_TIMEOUT))
    while ((SECONDS < deadline)); do
        if ! alive "$pid"; then
            START_FAILED[$svc]=1
            log_tail "$LOGS/$svc.log"
            setup_failed "$svc exited during start-up (log: $LOGS/$svc.log)"
            return 1
        fi
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" 2>/dev/null || true)
        [[ $code == 200 ]] && return 0
        sleep 0.2
    done
    START_FAILED[$svc]=1
    log_tail "$LOGS/$svc.log"
    setup_failed "$svc did not answer 200 on $url within ${READY_TIMEOUT}s"
    return 1
}

# Starts every copy of the services named at once (they migrate under an
# advisory lock, one after the other, as copies of a deployment would), then
# waits for each; false when one did not become ready.
start_group() {
    local svc inst ready=0
    for svc; do
        for inst in $(instances "$svc"); do
            say "starting $inst on port ${PORT[$inst]}"
            start_service "$inst"
        done
    done
    for svc; do
        for inst in $(instances "$svc"); do wait_ready "$inst" || ready=1; done
    done
    return $ready
}

# Identity first (every other service reads its published views), then the
# others together, then the demo office.
start_services() {
    local identity_ready=0
    mapfile -t STARTED < <(services_to_start)
    if ((${#STARTED[@]} == 0)); then
        warn "note: no service binaries in $BIN_DIR"
        return 0
    fi
    local -a rest=("${STARTED[@]}")
    if [[ ${STARTED[0]} == identity ]]; then
        start_group identity && identity_ready=1
        rest=("${STARTED[@]:1}")
    fi
    ((${#rest[@]} == 0)) || start_group "${rest[@]}" || true
    if [[ ${STARTED[0]} == identity && $identity_ready -eq 0 ]]; then
        warn "note: identity is not ready; the demo office is not loaded"
    else
        load_demo
    fi
}

# The demo office, then the demo data of each service started, once every
# schema is migrated.
load_demo() {
    local extra name
    [[ -f $DEMO_SQL ]] || return 0
    run_sql_file demo "$DEMO_SQL" || true
    for extra in "$(dirname "$DEMO_SQL")"/demo_*.sql; do
        name=$(basename "$extra" .sql)
        [[ -f $extra && " ${STARTED[*]} " == *" ${name#demo_} "* ]] || continue
        run_sql_file "$name" "$extra" || true
    done
}

# Stops every copy of every service: SIGTERM to all at once (they shut down
# together), then up to $1 seconds each before SIGKILL. NOT_STOPPED lists
# the ones that needed SIGKILL.
NOT_STOPPED=()
stop_services() {
    local grace=$1 inst
    NOT_STOPPED=()
    for inst in "${!SVC_PID[@]}"; do kill -TERM "${SVC_PID[$inst]}" 2>/dev/null || true; done
    for inst in "${!SVC_PID[@]}"; do
        stop_pid "${SVC_PID[$inst]}" "$grace" || NOT_STOPPED+=("$inst")
        unset "SVC_PID[$inst]"
    done
}
