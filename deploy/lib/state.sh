# Sourced by deploy/local.sh: a run's state directory, the services' database
# passwords, the JWT key pair and the gateway's TLS certificate.

declare -A DB_PW=()

make_state() {
    mkdir -p "$REPO_DIR/var"
    if [[ $MODE == run ]]; then
        STATE=$REPO_DIR/var
    else
        STATE=$(mktemp -d "$REPO_DIR/var/tmp.XXXXXX")
        TEMP_STATE=1
    fi
    chmod 755 "$REPO_DIR/var" "$STATE"
    mkdir -p "$STATE/logs" "$STATE/keys" "$STATE/nginx/tmp"
    chmod 755 "$STATE/logs" "$STATE/nginx" "$STATE/nginx/tmp"
    chmod 700 "$STATE/keys"
    LOGS=$STATE/logs
    # Logs of an earlier run in ./var would be mistaken for this run's.
    rm -f "$LOGS"/asan* "$LOGS"/ubsan* "$LOGS"/test-*.log
}

# One password per service role, generated once into <state>/secrets (kept
# between runs), unless DB_ROLE_PASSWORD gives one for all.
make_db_passwords() {
    local role file
    mkdir -p "$STATE/secrets"
    chmod 700 "$STATE/secrets"
    for role in "${SERVICES[@]}"; do
        file=$STATE/secrets/db_$role.password
        if [[ -n $DB_ROLE_PASSWORD ]]; then
            DB_PW[$role]=$DB_ROLE_PASSWORD
            continue
        fi
        if [[ ! -s $file ]]; then
            (umask 077 && openssl rand -hex 24 >"$file") || fatal "could not write $file"
        fi
        DB_PW[$role]=$(<"$file")
    done
}

make_keys() {
    KEY_DIR=$STATE/keys
    if [[ ! -s $KEY_DIR/jwt.key ]]; then
        say "generating the JWT signing key pair in $KEY_DIR"
        (
            umask 077
            openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
                -out "$KEY_DIR/jwt.key" 2>"$LOGS/openssl.log"
        ) || fatal "openssl genpkey failed: $(cat "$LOGS/openssl.log")"
        rm -f "$KEY_DIR/jwt.pub"
    fi
    if [[ ! -s $KEY_DIR/jwt.pub ]]; then
        openssl pkey -in "$KEY_DIR/jwt.key" -pubout -out "$KEY_DIR/jwt.pub" 2>"$LOGS/openssl.log" ||
            fatal "openssl pkey failed: $(cat "$LOGS/openssl.log")"
        chmod 644 "$KEY_DIR/jwt.pub"
    fi
    JWT_PRIVATE_KEY_FILE=$KEY_DIR/jwt.key
    JWT_PUBLIC_KEY_FILE=$KEY_DIR/jwt.pub
    # The gateway's TLS certificate: GATEWAY_TLS_CERT/GATEWAY_TLS_KEY when
    # given, else a self-signed one for localhost made once here.
    TLS_CERT_FILE=${GATEWAY_TLS_CERT:-$KEY_DIR/tls.crt}
    TLS_KEY_FILE=${GATEWAY_TLS_KEY:-$KEY_DIR/tls.key}
    if [[ -z ${GATEWAY_TLS_CERT:-} && ! -s $TLS_CERT_FILE ]]; then
        say "generating a self-signed TLS certificate for localhost in $KEY_DIR"
        (
            umask 077
            openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=localhost" \
                -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
                -keyout "$TLS_KEY_FILE" -out "$TLS_CERT_FILE" 2>"$LOGS/openssl.log"
        ) || fatal "openssl req failed: $(cat "$LOGS/openssl.log")"
        chmod 644 "$TLS_CERT_FILE"
    fi
    # nginx's workers read the key as the unprivileged user.
    ((IS_ROOT)) && [[ -z ${GATEWAY_TLS_KEY:-} ]] && chgrp "$(id -gn nobody)" "$TLS_KEY_FILE" &&
        chmod 640 "$TLS_KEY_FILE" && chmod 711 "$KEY_DIR"
    return 0
}
