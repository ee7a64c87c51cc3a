#!/bin/sh
# Entry point of the gateway image: renders the configuration from the
# container's environment into /tmp, checks it, and runs nginx.
set -eu
conf=/tmp/nginx.conf
bash /usr/local/share/oa-gateway/render.sh docker >"$conf"
exec nginx -e stderr -c "$conf" -g 'daemon off;'
