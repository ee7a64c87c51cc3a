#!/bin/bash
# The demo job of docker-compose.yml: loads deploy/sql/demo.sql, then each
# deploy/sql/demo_<service>.sql, into the database at host postgres, only
# when OA_DEMO=1. Every file is safe to load twice.
set -euo pipefail
if [[ ${OA_DEMO:-0} != 1 ]]; then
    echo "demo: OA_DEMO is not 1; the demo office is not loaded"
    exit 0
fi
# The superuser's password: the secret file POSTGRES_PASSWORD_FILE names
# (docker-compose.yml), else PGPASSWORD.
if [[ -n ${POSTGRES_PASSWORD_FILE:-} ]]; then
    PGPASSWORD=$(<"$POSTGRES_PASSWORD_FILE")
    export PGPASSWORD
fi
for f in /demo/demo.sql /demo/demo_*.sql; do
    [[ -f $f ]] || continue
    echo "demo: loading $(basename "$f")"
    psql -X -q -v ON_ERROR_STOP=1 -h "${PGHOST:-postgres}" -U "${PGUSER:-postgres}" -d "${PGDATABASE:-oa}" -f "$f"
done
echo "demo: loaded"
