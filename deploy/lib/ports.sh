# Sourced by deploy/local.sh: the ports of a run (fixed ones for make run,
# reserved random ones otherwise) and what a killed earlier run left on them.

# True if something listens on the TCP port.
port_in_use() {
    local port=$1
    if command -v ss >/dev/null 2>&1 && [[ -n $(ss -Htln "sport = :$port" 2>/dev/null) ]]; then
        return 0
    fi
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}

# A reservation is a directory under $PORT_LOCK_DIR made with mkdir
# (atomic) holding the reserving shell's pid, so two runs starting together
# never pick the same port. The range is below Linux's ephemeral ports, so
# outgoing connections do not take it meanwhile (a port of that range can
# be held by a connection in TIME-WAIT, and a server then cannot bind it).
PORT_LOCK_DIR=${TMPDIR:-/tmp}/oa-local-ports

# Reserves a free port: sets CLAIMED_PORT and CLAIMED_LOCK.
claim_port() {
    local port lock owner attempt
    mkdir -p "$PORT_LOCK_DIR"
    chmod 1777 "$PORT_LOCK_DIR" 2>/dev/null || true
    for ((attempt = 0; attempt < 500; attempt++)); do
        port=$((20000 + (RANDOM * 32768 + RANDOM) % 12000))
        lock=$PORT_LOCK_DIR/$port
        if ! mkdir "$lock" 2>/dev/null; then
            # Left by a run that was killed: take it over once its owner is gone.
            owner=$(cat "$lock/pid" 2>/dev/null || true)
            if [[ -n $owner && ! -d /proc/$owner ]] &&
                mv "$lock" "$lock.stale.$$" 2>/dev/null; then
                rm -rf "$lock.stale.$$"
            fi
            continue
        fi
        echo $$ >"$lock/pid"
        if port_in_use "$port"; then
            rm -rf "$lock"
            continue
        fi
        CLAIMED_PORT=$port CLAIMED_LOCK=$lock
        return 0
    done
    fatal "no free port found"
}

# Picks a free port for $1 (PORT[$1]) and holds it until exit (cleanup).
reserve_port() {
    claim_port
    PORT_LOCKS+=("$CLAIMED_LOCK")
    PORT[$1]=$CLAIMED_PORT
}

# Prints a free port reserved for this shell (the benchmarks' extra
# copies); release_ports gives back every port it holds.
free_port() {
    claim_port
    echo "$CLAIMED_PORT"
}
release_ports() {
    local pidfile
    for pidfile in "$PORT_LOCK_DIR"/*/pid; do
        [[ -f $pidfile && $(<"$pidfile") == "$$" ]] && rm -rf "$(dirname "$pidfile")"
    done
    return 0
}

# In ./var, what an earlier run left behind when it was killed outright
# (kill -9, a closed terminal): its services and gateway still hold the
# ports. They are stopped here; a run that is still going is left alone.
reap_stale_run() {
    local file=$STATE/run.pids name pid
    [[ -f $file ]] || return 0
    while read -r name pid; do
        [[ $name == script ]] || continue
        if alive "$pid" && grep -qa 'local.sh' "/proc/$pid/cmdline" 2>/dev/null; then
            fatal "another 'deploy/local.sh run' (pid $pid) is using $STATE"
        fi
    done <"$file"
    local -a stale=()
    local what
    while read -r name pid; do
        [[ $name == script ]] && continue
        what=$BIN_DIR/${name%%-*}
        [[ $name == gateway ]] && what=$STATE/nginx
        if alive "$pid" && grep -qaF "$what" "/proc/$pid/cmdline" 2>/dev/null; then
            say "stopping $name (pid $pid) left running by an earlier run"
            kill -TERM "$pid" 2>/dev/null || true
            stale+=("$pid")
        fi
    done <"$file"
    for pid in "${stale[@]}"; do
        stop_pid "$pid" 5 || true
    done
    rm -f "$file"
}

pick_ports() {
    local name
    local -a all=() svc n
    for svc in "${SERVICES[@]}"; do
        mapfile -t -O "${#all[@]}" all < <(instances "$svc")
    done
    if [[ $MODE == run ]]; then
        for svc in "${SERVICES[@]}"; do
            for ((n = 2; n <= COPIES; n++)); do
                PORT[$svc-$n]=$((PORT[$svc] + 100 * (n - 1)))
            done
        done
        reap_stale_run
        echo "script $$" >"$STATE/run.pids"
        OWN_RUN_PIDS=1
        for name in gateway gateway_tls "${all[@]}"; do
            if port_in_use "${PORT[$name]}"; then
                fatal "port ${PORT[$name]} ($name) is in use: is another 'make run' going?"
            fi
        done
        return 0
    fi
    for name in gateway gateway_tls "${all[@]}" postgres; do
        reserve_port "$name"
    done
}
