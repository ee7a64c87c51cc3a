#!/usr/bin/env bash
# Render deploy/nginx/gateway.conf.template to standard output.
#
#   render.sh           every placeholder comes from the environment variable
#                       of the same name; a missing one is an error
#   render.sh docker    values for the gateway image, which renders it each time
#                       it starts (deploy/docker/gateway-start.sh): services at
#                       <name>:8080 (those in DOCKER_SERVICES, default every
#                       service of deploy/services.conf; the others answer 502), logs to stdout/stderr, listening on
#                       0.0.0.0:8080 and with TLS on 0.0.0.0:8443 (the certificate
#                       GATEWAY_TLS_CERT and GATEWAY_TLS_KEY, default
#                       /etc/oa/tls/tls.crt and tls.key), temporary files in /tmp;
#                       GATEWAY_TRUSTED_PROXIES, GATEWAY_LOGIN_EXEMPT,
#                       GATEWAY_WORKER_PROCESSES may be set (nginx takes every
#                       address a service's name has when it starts, so
#                       `docker compose up --scale seals=2` balances both)
#
# Placeholders are ${UPPER_CASE} names; nothing else in the template is
# touched. Only sed is used (no envsubst).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# BEGIN services: services (deploy/services.py)
services="identity documents attendance printing seals meetings"
# END services: services
template=${GATEWAY_TEMPLATE:-$here/gateway.conf.template}

# The values below are read back through ${!name}.
# shellcheck disable=SC2034
if [[ ${1:-} == docker ]]; then
    # nginx runs as the image's user (www-data), not as root, and writes
    # only to /tmp, so the container's root file system can be read-only.
    USER_DIRECTIVE='# nginx runs as the user of the image (www-data)'
    WORKER_PROCESSES=${GATEWAY_WORKER_PROCESSES:-auto}
    PID_FILE=/tmp/nginx.pid
    ERROR_LOG=stderr
    ACCESS_LOG=/dev/stdout
    TEMP_DIR=/tmp
    GATEWAY_BIND=0.0.0.0
    GATEWAY_PORT=8080
    GATEWAY_TLS_PORT=8443
    TLS_CERT_FILE=${GATEWAY_TLS_CERT:-/etc/oa/tls/tls.crt}
    TLS_KEY_FILE=${GATEWAY_TLS_KEY:-/etc/oa/tls/tls.key}
    CONN_PER_ADDRESS=100
    LOGIN_RATE=1r/s
    LOGIN_BURST=5
    WEB_ROOT=/usr/share/oa/web
    # The proxies in front of the gateway whose X-Forwarded-For is believed:
    # GATEWAY_TRUSTED_PROXIES (CIDRs separated by spaces), none by default.
    REAL_IP_CONFIG=$("$here/real_ip.sh" "${GATEWAY_TRUSTED_PROXIES:-}")
    # Addresses never login-limited: GATEWAY_LOGIN_EXEMPT (addresses or
    # CIDRs separated by spaces), none by default; only a test runner's.
    LOGIN_EXEMPT=''
    for a in ${GATEWAY_LOGIN_EXEMPT:-}; do
        if [[ ! $a =~ ^[0-9A-Fa-f:.]+(/[0-9]{1,3})?$ ]]; then
            echo "render.sh: GATEWAY_LOGIN_EXEMPT: '$a' is not an address or CIDR" >&2
            exit 1
        fi
        LOGIN_EXEMPT+="$a 1; "
    done
    LOGIN_EXEMPT=${LOGIN_EXEMPT:-# none}
    # Services not yet in docker-compose.yml point at a closed local port,
    # so their paths answer 502 instead of stopping nginx at start-up.
    built=" ${DOCKER_SERVICES:-$services} "
    for svc in $services; do
        up=${svc^^}
        if [[ $built == *" $svc "* ]]; then
            printf -v "${up}_SERVERS" 'server %s:8080;' "$svc"
        else
            printf -v "${up}_SERVERS" '%s' 'server 127.0.0.1:9;'
        fi
    done
    echo "# Rendered from gateway.conf.template by render.sh docker when the gateway container starts."
elif [[ -n ${1:-} ]]; then
    echo "usage: $0 [docker]" >&2
    exit 2
fi

# shellcheck disable=SC2016 # the dollar signs are literal
names=$(grep -o '\${[A-Z][A-Z0-9_]*}' "$template" | sort -u | tr -d '${}')
script=""
for name in $names; do
    if [[ -z ${!name+set} ]]; then
        echo "render.sh: $name is not set" >&2
        exit 1
    fi
    value=${!name}
    value=${value//\\/\\\\}
    value=${value//|/\\|}
    value=${value//&/\\&}
    script+="s|\\\${$name}|$value|g;"
done
sed -e "$script" "$template"
