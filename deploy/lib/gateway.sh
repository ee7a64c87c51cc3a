# Sourced by deploy/local.sh: the nginx gateway in front of the services.

start_gateway() {
    local conf=$STATE/nginx/nginx.conf url group svc up
    local -a render_env=()
    url="http://127.0.0.1:${PORT[gateway]}/healthz"
    if ((IS_ROOT)); then
        group=$(id -gn nobody)
        render_env+=("USER_DIRECTIVE=user nobody $group;")
        ensure_traversable nobody "$STATE/nginx/tmp"
    else
        render_env+=("USER_DIRECTIVE=# (no user directive: nginx runs as $(id -un))")
    fi
    local proxies=${GATEWAY_TRUSTED_PROXIES:-} exempt="# none"
    if [[ $MODE == run ]]; then
        render_env+=("LOGIN_RATE=1r/s" "LOGIN_BURST=5" "WORKER_PROCESSES=auto" "CONN_PER_ADDRESS=100")
    elif [[ $MODE == bench ]]; then
        render_env+=("LOGIN_RATE=100000r/s" "LOGIN_BURST=100000" "WORKER_PROCESSES=auto"
            "CONN_PER_ADDRESS=60000")
    else
        # The production limits; the test runner itself (loopback) is exempt
        # and is the trusted proxy, so a test stands for other clients by
        # sending X-Forwarded-For.
        render_env+=("LOGIN_RATE=1r/s" "LOGIN_BURST=5" "WORKER_PROCESSES=1" "CONN_PER_ADDRESS=100")
        proxies="127.0.0.1"
        exempt="127.0.0.1 1;"
    fi
    render_env+=("LOGIN_EXEMPT=$exempt"
        "REAL_IP_CONFIG=$("$REPO_DIR/deploy/nginx/real_ip.sh" "$proxies")")
    # The web console, built from web/ for this run.
    "$REPO_DIR/web/build.sh" "$STATE/nginx/web" >/dev/null ||
        fatal "could not build the web console (web/build.sh)"
    ensure_traversable nobody "$STATE/nginx/web"
    render_env+=(
        "WEB_ROOT=$STATE/nginx/web"
        "PID_FILE=$STATE/nginx/nginx.pid"
        "ERROR_LOG=$LOGS/gateway-error.log"
        "ACCESS_LOG=$LOGS/gateway-access.log"
        "TEMP_DIR=$STATE/nginx/tmp"
        "GATEWAY_BIND=${GATEWAY_BIND:-127.0.0.1}"
        "GATEWAY_PORT=${PORT[gateway]}"
        "GATEWAY_TLS_PORT=${PORT[gateway_tls]}"
        "TLS_CERT_FILE=$TLS_CERT_FILE"
        "TLS_KEY_FILE=$TLS_KEY_FILE"
    )
    local servers inst
    for svc in "${SERVICES[@]}"; do
        up=${svc^^}
        servers=""
        for inst in $(instances "$svc"); do
            servers+="${servers:+ }server 127.0.0.1:${PORT[$inst]};"
        done
        render_env+=("${up}_SERVERS=$servers")
    done
    env "${render_env[@]}" "$REPO_DIR/deploy/nginx/render.sh" >"$conf" ||
        fatal "could not render the gateway config"

    if ! nginx -t -q -p "$STATE/nginx/" -e "$LOGS/gateway-error.log" -c "$conf" \
        >"$LOGS/gateway.log" 2>&1; then
        log_tail "$LOGS/gateway.log"
        fatal "the gateway config is invalid ($conf)"
    fi
    say "starting the gateway on port ${PORT[gateway]}"
    nginx -p "$STATE/nginx/" -e "$LOGS/gateway-error.log" -c "$conf" -g 'daemon off;' \
        >>"$LOGS/gateway.log" 2>&1 &
    NGINX_PID=$!
    echo "gateway $NGINX_PID" >>"$STATE/run.pids"
    local deadline=$((SECONDS + 10))
    while ((SECONDS < deadline)); do
        alive "$NGINX_PID" || break
        if [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" 2>/dev/null || true) == 200 ]]; then
            return 0
        fi
        sleep 0.1
    done
    log_tail "$LOGS/gateway.log"
    log_tail "$LOGS/gateway-error.log"
    fatal "the gateway did not answer on $url"
}
