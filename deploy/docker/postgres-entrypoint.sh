#!/bin/bash
# Entry point of deploy/docker/postgres.Dockerfile: on a new data directory,
# initdb, a socket-only server that runs /docker-entrypoint-initdb.d, then
# the real server on every address (password authentication over TCP).
set -euo pipefail

if [[ ${1:-} != postgres ]]; then
    exec "$@"
fi

if [[ -n ${POSTGRES_PASSWORD_FILE:-} ]]; then
    POSTGRES_PASSWORD=$(<"$POSTGRES_PASSWORD_FILE")
fi
export POSTGRES_USER=${POSTGRES_USER:-postgres}
export POSTGRES_DB=${POSTGRES_DB:-$POSTGRES_USER}
export PGDATA=${PGDATA:-/var/lib/postgresql/data}

if [[ ! -s $PGDATA/PG_VERSION ]]; then
    if [[ -z ${POSTGRES_PASSWORD:-} ]]; then
        echo "postgres: POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE) must be set for a new database" >&2
        exit 1
    fi
    mkdir -p "$PGDATA"
    chmod 700 "$PGDATA"
    pwfile=$(mktemp)
    printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
    initdb -D "$PGDATA" --username="$POSTGRES_USER" --pwfile="$pwfile" -E UTF8 \
        --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256 >/dev/null
    rm -f "$pwfile"
    {
        echo "host all all 0.0.0.0/0 scram-sha-256"
        echo "host all all ::/0 scram-sha-256"
    } >>"$PGDATA/pg_hba.conf"

    # The init server listens on its socket only, so nobody connects to a
    # half-made database.
    pg_ctl -D "$PGDATA" -w -o "-c listen_addresses='' -c unix_socket_directories=/var/run/postgresql" start >/dev/null
    export PGHOST=/var/run/postgresql PGUSER=$POSTGRES_USER
    if [[ $POSTGRES_DB != postgres ]]; then
        psql -v ON_ERROR_STOP=1 -q -d postgres -c "CREATE DATABASE \"$POSTGRES_DB\"" >/dev/null
    fi
    for f in /docker-entrypoint-initdb.d/*; do
        [[ -e $f ]] || continue
        case $f in
            *.sh)
                echo "postgres: running $f"
                if [[ -x $f ]]; then "$f"; else . "$f"; fi
                ;;
            *.sql)
                echo "postgres: running $f"
                psql -v ON_ERROR_STOP=1 -q -d "$POSTGRES_DB" -f "$f"
                ;;
            *) echo "postgres: ignoring $f" ;;
        esac
    done
    unset PGHOST PGUSER
    pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
    echo "postgres: database initialised"
fi

exec postgres -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/var/run/postgresql "${@:2}"
