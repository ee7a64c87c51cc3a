# Sourced by tests/bench/run.sh: more copies of the running services (the
# two-copy runs, the start-up times) and the services' resident memory.

# copy_service <svc> <dir> <port>: copies the running binary of <svc> (a
# rebuild may have replaced its file since) into <dir>, with the programs of
# its own beside it (documents-pdf), and sets COPY_EXE to it and COPY_ENV to
# the running one's environment on <port>.
COPY_EXE=""
COPY_ENV=()
copy_service() {
    local svc=$1 dir=$2 port=$3 aux
    mkdir -p "$dir"
    COPY_EXE=$dir/$svc
    cp "/proc/${PID[$svc]}/exe" "$COPY_EXE" || return 1
    for aux in "$(dirname "$(readlink "/proc/${PID[$svc]}/exe")")/$svc"-*; do
        [[ -f $aux && -x $aux ]] && cp "$aux" "$dir/"
    done
    mapfile -d '' COPY_ENV <"/proc/${PID[$svc]}/environ"
    copy_port "$port"
}

# copy_port <port>: the copy's port, in COPY_ENV.
copy_port() {
    local i
    for i in "${!COPY_ENV[@]}"; do
        if [[ ${COPY_ENV[i]} == PORT=* ]]; then COPY_ENV[i]=PORT=$1; fi
    done
}

# wait_200 <url> <pid> <tenths of a second>: true once <url> answers 200,
# false when <pid> exits or the time is up.
wait_200() {
    local url=$1 pid=$2 i
    for ((i = 0; i < $3; i++)); do
        [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" 2>/dev/null || true) == 200 ]] &&
            return 0
        alive "$pid" || return 1
        sleep 0.1
    done
    return 1
}

# A second copy of each running service (the same binary and environment
# on another port) and a second gateway whose upstreams hold both copies
# (nginx's round robin), for the two-copy runs. Stopped when this script
# exits.
declare -A PID2=()
GW2_PID=""
GATEWAY2_URL=""
stop_copies() {
    local pid
    [[ -n $GW2_PID ]] && { stop_pid "$GW2_PID" 15 || true; }
    for pid in "${PID2[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PID2[@]}"; do stop_pid "$pid" 15 || true; done
    PID2=() GW2_PID=""
}
start_copies() {
    local svc port port1 url_var upstream_sed=""
    for svc in "${SERVICES[@]}"; do
        has_service "$svc" || continue
        port=$(free_port)
        copy_service "$svc" "$WORK/copy2" "$port" || die "could not copy the $svc binary"
        env -i "${COPY_ENV[@]}" "$COPY_EXE" >"$WORK/$svc.copy2.log" 2>&1 </dev/null &
        PID2[$svc]=$!
        url_var=${svc^^}_URL
        port1=${!url_var##*:}
        upstream_sed+="s|^([[:space:]]*)server 127\.0\.0\.1:${port1};|&\n\1server 127.0.0.1:${port};|;"
        wait_200 "http://127.0.0.1:$port/readyz" "${PID2[$svc]}" 300 ||
            die "the second $svc did not become ready ($WORK/$svc.copy2.log)"
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
    wait_200 "$GATEWAY2_URL/healthz" "$GW2_PID" 100 || true
    say "two copies: second copies of ${!PID2[*]}; gateway $GATEWAY2_URL" \
        "($(grep -c 'server 127.0.0.1:' "$conf2" || true) upstream servers)"
}

# Resident memory once each service is idle (logins still hashing when
# wrk stopped would count their argon2 memory).
declare -A RSS=() RSS_ANON=() STARTUP=()
measure_rss() {
    local svc t0 t1 i
    for svc in "${SERVICES[@]}"; do
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

# Starts another copy of each service with the running one's environment
# on a free port, times exec -> /readyz 200 (median of 3), stops it.
measure_startup() {
    local svc i out port
    local -a times
    for svc in "${SERVICES[@]}"; do
        has_service "$svc" || continue
        times=()
        copy_service "$svc" "$WORK/startup" 0 || {
            STARTUP[$svc]=failed
            continue
        }
        for i in 1 2 3; do
            port=$(free_port)
            copy_port "$port"
            out=$(env -i "${COPY_ENV[@]}" "$BENCHTOOL" startup "http://127.0.0.1:$port/readyz" 10000 \
                -- "$COPY_EXE" 2>>"$WORK/startup-$svc.log" </dev/null) || true
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
