# Sourced by deploy/local.sh: the whole stack up, and what tests and
# benchmarks are told about it.

start_all() {
    make_state
    pick_ports
    make_keys
    make_db_passwords
    sanitizer_env
    if [[ -n ${DATABASE_URL:-} ]]; then
        use_given_database
    else
        start_postgres
    fi
    export ADMIN_DATABASE_URL
    if [[ -f $BOOTSTRAP_SQL ]]; then
        local -a pw_vars=()
        local role
        for role in "${SERVICES[@]}"; do
            pw_vars+=(-v "pw_$role=${DB_PW[$role]}")
        done
        run_sql_file bootstrap "$BOOTSTRAP_SQL" "${pw_vars[@]}" || true
    else
        warn "note: $BOOTSTRAP_SQL does not exist; no roles were created"
    fi
    start_services
    start_gateway
}

# What tests and benchmarks are told about the running system.
export_test_env() {
    local svc
    GATEWAY_URL=http://127.0.0.1:${PORT[gateway]}
    GATEWAY_TLS_URL=https://127.0.0.1:${PORT[gateway_tls]}
    export GATEWAY_TLS_URL GATEWAY_TLS_CERT_FILE=$TLS_CERT_FILE
    export GATEWAY_URL ADMIN_DATABASE_URL JWT_PUBLIC_KEY_FILE JWT_PRIVATE_KEY_FILE
    for svc in "${SERVICES[@]}"; do
        export "DB_${svc^^}_PASSWORD=${DB_PW[$svc]}"
    done
    export STATE_DIR=$STATE REPO_DIR BIN_DIR
    for svc in "${SERVICES[@]}"; do
        export "${svc^^}_URL=http://127.0.0.1:${PORT[$svc]}"
    done
    if [[ $MODE == test ]]; then
        # The API tests' answers, for the contract check (tests/contract).
        export CONTRACT_LOG=$STATE/contract.jsonl
        : >"$CONTRACT_LOG"
        export "$(grep '^AUTH_REFRESH_SECONDS=' "$REPO_DIR/deploy/test-service.env")"
        export "$(grep '^LOGIN_LOCKOUT_SECONDS=' "$REPO_DIR/deploy/test-service.env")"
        export CK_DEFAULT_TIMEOUT=${CK_DEFAULT_TIMEOUT:-30}
        if ((VALGRIND)); then
            export CK_DEFAULT_TIMEOUT=600 API_REQUEST_TIMEOUT=300
            TEST_TIMEOUT=$((TEST_TIMEOUT * 4))
        fi
    fi
}
