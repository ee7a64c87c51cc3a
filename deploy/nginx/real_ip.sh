#!/usr/bin/env bash
# Prints the nginx real_ip directives for the trusted proxies given as one
# argument (CIDRs or addresses separated by spaces): X-Forwarded-For is then
# believed from those proxies only. With no proxy, a comment.
set -euo pipefail
proxies=${1:-}
if [[ -z ${proxies// /} ]]; then
    echo "# no trusted proxy: the client address is the peer's"
    exit 0
fi
out=""
for p in $proxies; do
    if [[ ! $p =~ ^[0-9A-Fa-f:.]+(/[0-9]{1,3})?$ ]]; then
        echo "real_ip.sh: '$p' is not an address or CIDR" >&2
        exit 1
    fi
    out+="set_real_ip_from $p; "
done
echo "${out}real_ip_header X-Forwarded-For; real_ip_recursive on;"
