#!/bin/sh
# Entry point of the gateway image: renders the configuration from the
# container's environment into /tmp and runs nginx. HTTPS on 8443 uses the
# certificate mounted at /etc/oa/tls (tls.crt, tls.key) or named by
# GATEWAY_TLS_CERT and GATEWAY_TLS_KEY; without one, a self-signed
# certificate is made in /tmp for this start only (say so loudly: clients
# will not trust it).
set -eu
cert=${GATEWAY_TLS_CERT:-/etc/oa/tls/tls.crt}
key=${GATEWAY_TLS_KEY:-/etc/oa/tls/tls.key}
if [ ! -r "$cert" ] || [ ! -r "$key" ]; then
    echo "gateway: no TLS certificate at $cert; using a self-signed one for this start (mount yours at /etc/oa/tls)" >&2
    mkdir -p /tmp/tls
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=${GATEWAY_TLS_NAME:-localhost}" \
        -keyout /tmp/tls/tls.key -out /tmp/tls/tls.crt >/dev/null 2>&1
    GATEWAY_TLS_CERT=/tmp/tls/tls.crt
    GATEWAY_TLS_KEY=/tmp/tls/tls.key
    export GATEWAY_TLS_CERT GATEWAY_TLS_KEY
fi
conf=/tmp/nginx.conf
bash /usr/local/share/oa-gateway/render.sh docker >"$conf"
exec nginx -e stderr -c "$conf" -g 'daemon off;'
