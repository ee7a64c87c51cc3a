# Sourced by deploy/local.sh: a throwaway or developer PostgreSQL cluster, or
# the server DATABASE_URL names, and SQL files run as its superuser.

PGBIN=""
PGDATA=""
DB_HOSTS=""
PSQL=psql

find_pgbin() {
    local v
    v=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null | sort -V | tail -n 1)
    [[ -n $v && -x /usr/lib/postgresql/$v/bin/postgres ]] ||
        fatal "no PostgreSQL server under /usr/lib/postgresql (run 'make deps')"
    PGBIN=/usr/lib/postgresql/$v/bin
    PSQL=$PGBIN/psql
}

start_postgres() {
    local port=${PORT[postgres]} sockdir
    find_pgbin
    PGDATA=$STATE/pg
    ((IS_ROOT)) && ensure_traversable postgres "$STATE"

    # A server left running by an earlier run that was killed.
    if [[ $MODE == run && -f $PGDATA/postmaster.pid ]] &&
        as_pg "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
        say "stopping a PostgreSQL left running in $PGDATA"
        as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true
    fi
    if port_in_use "$port"; then
        fatal "port $port (PostgreSQL) is in use"
    fi

    # The socket path must fit in 107 bytes.
    sockdir=$STATE/pgsock
    if ((${#sockdir} > 80)); then
        sockdir=$(mktemp -d /tmp/oa-pgsock.XXXXXX)
        TEMP_SOCK_DIR=$sockdir
    fi
    mkdir -p "$sockdir"
    ((IS_ROOT)) && chown postgres: "$sockdir"

    if [[ ! -f $PGDATA/PG_VERSION ]]; then
        say "creating a PostgreSQL cluster in $PGDATA"
        rm -rf "$PGDATA"
        mkdir -p "$PGDATA"
        chmod 700 "$PGDATA"
        ((IS_ROOT)) && chown postgres: "$PGDATA"
        if ! as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 \
            --locale=C.UTF-8 >"$LOGS/initdb.log" 2>&1; then
            # Without the C.UTF-8 locale: plain C, still UTF-8.
            find "$PGDATA" -mindepth 1 -delete
            as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 \
                --no-locale >>"$LOGS/initdb.log" 2>&1 ||
                {
                    log_tail "$LOGS/initdb.log"
                    fatal "initdb failed"
                }
        fi
        echo "include_if_exists = 'oa.conf'" >>"$PGDATA/postgresql.conf"
    fi

    # Rewritten on every start: ports and paths differ from run to run.
    {
        echo "# written by deploy/local.sh on every start"
        echo "listen_addresses = '127.0.0.1'"
        echo "port = $port"
        echo "unix_socket_directories = '$sockdir'"
        # Six services of up to 16 connections each, twice over while the
        # benchmark's second copies or a rolling restart run.
        echo "max_connections = 400"
        echo "shared_buffers = 256MB"
        if [[ $MODE == test ]]; then
            echo "fsync = off"
            echo "synchronous_commit = off"
            echo "full_page_writes = off"
        fi
        if [[ $MODE == bench ]]; then
            # Durable as in production (fsync and synchronous commit stay
            # on); no checkpoint forced by WAL volume mid-run; and the
            # customary quarter of the memory for the buffers (at least
            # 2 GB): the data of every service at scale and pgbench's
            # tables (about 7 GB after a whole run) stay in them but for
            # the oldest documents (a run with 2 GB, where the loads and
            # earlier scenarios push a list's pages out, did no worse at
            # scale: tests/bench/RESULTS.md). BENCH_SHARED_BUFFERS (a
            # PostgreSQL size, 2GB) sets it instead.
            local mem_kb
            mem_kb=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
            echo "shared_buffers = ${BENCH_SHARED_BUFFERS:-$((mem_kb / 4096 > 2048 ? mem_kb / 4096 : 2048))MB}"
            # Huge pages when the machine has them (reserve_huge_pages);
            # BENCH_HUGE_PAGES=0 measures on 4 kB pages.
            if [[ ${BENCH_HUGE_PAGES:-1} == 1 ]]; then
                echo "huge_pages = try"
            else
                echo "huge_pages = off"
            fi
            echo "max_wal_size = 8GB"
            echo "checkpoint_timeout = 30min"
            echo "maintenance_work_mem = 256MB"
        fi
    } >"$PGDATA/oa.conf"
    # A throwaway or developer cluster on loopback only: no passwords.
    cat >"$PGDATA/pg_hba.conf" <<'EOF'
# written by deploy/local.sh: a development cluster on loopback only; the
# service roles log in with their own passwords
local all all                   trust
host  all postgres 127.0.0.1/32 trust
host  all all      127.0.0.1/32 scram-sha-256
EOF
    if ((IS_ROOT)); then
        chown postgres: "$PGDATA/oa.conf" "$PGDATA/pg_hba.conf"
        touch "$LOGS/postgres.log"
        chown postgres: "$LOGS/postgres.log"
    fi

    [[ $MODE == bench ]] && reserve_huge_pages
    if ! as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$LOGS/postgres.log" -w -t 60 start \
        >"$LOGS/pg_ctl.log" 2>&1; then
        log_tail "$LOGS/pg_ctl.log"
        log_tail "$LOGS/postgres.log"
        fatal "PostgreSQL did not start"
    fi
    PG_STARTED=1

    ADMIN_DATABASE_URL=postgresql://postgres@127.0.0.1:$port/oa
    DB_HOST=127.0.0.1
    DB_PORT=$port
    DB_NAME=oa
    DB_PARAMS=""
    if [[ -z $("$PSQL" -X -q -tA "postgresql://postgres@127.0.0.1:$port/postgres" \
        -c "SELECT 1 FROM pg_database WHERE datname = 'oa'") ]]; then
        "$PSQL" -X -q "postgresql://postgres@127.0.0.1:$port/postgres" \
            -c "CREATE DATABASE oa" >/dev/null || fatal "could not create database oa"
    fi
}

# The benchmark's cluster on huge pages. With 4 kB pages each new backend
# takes a page fault for every page of the shared buffers it touches first,
# and a fault is dear on a virtual machine: pgbench opens new connections at
# each of its runs while the services keep theirs in their pools, so
# pgbench -S, the reference of the reads, ran at a quarter to two thirds of
# its rate with warm backends, and the ratios measured the faults, not the
# code (tests/bench/RESULTS.md). As root, this reserves the 2 MB pages the
# cluster's shared memory needs (given back when it stops: cleanup);
# otherwise huge_pages = try takes whatever the machine has reserved.
# BENCH_HUGE_PAGES=0 leaves the machine alone and the cluster on 4 kB pages.
HUGE_PAGES_ADDED=0
reserve_huge_pages() {
    local f=/proc/sys/vm/nr_hugepages need free have
    [[ ${BENCH_HUGE_PAGES:-1} == 1 ]] && ((IS_ROOT)) && [[ -w $f ]] || return 0
    need=$(as_pg "$PGBIN/postgres" -D "$PGDATA" -C shared_memory_size_in_huge_pages 2>/dev/null)
    [[ $need =~ ^[0-9]+$ ]] && ((need > 0)) || return 0
    free=$(awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo)
    ((free >= need)) && return 0
    have=$(<"$f")
    echo $((have + need - free)) 2>/dev/null >"$f" || return 0
    HUGE_PAGES_ADDED=$(($(<"$f") - have))
    say "reserved $HUGE_PAGES_ADDED huge pages for PostgreSQL's shared memory ($need needed)"
}

# Gives back the huge pages reserve_huge_pages took (after the cluster stopped).
release_huge_pages() {
    local f=/proc/sys/vm/nr_hugepages
    ((HUGE_PAGES_ADDED > 0)) || return 0
    echo $(($(<"$f") - HUGE_PAGES_ADDED)) >"$f"
    HUGE_PAGES_ADDED=0
}

# DATABASE_URL names an existing server: take host, port, database and
# parameters from it for the services' own URLs.
use_given_database() {
    local url=$DATABASE_URL rest authority hostport
    if command -v psql >/dev/null 2>&1; then
        PSQL=psql
    else
        find_pgbin
    fi
    ADMIN_DATABASE_URL=$url
    [[ $url =~ ^postgres(ql)?:// ]] || fatal "DATABASE_URL must be a postgresql:// URL"
    rest=${url#*://}
    authority=${rest%%/*}
    if [[ $rest == */* ]]; then rest=${rest#*/}; else rest=""; fi
    DB_NAME=${rest%%\?*}
    DB_PARAMS=""
    [[ $rest == *\?* ]] && DB_PARAMS="?${rest#*\?}"
    hostport=${authority##*@}
    # Several hosts (host1:port1,host2:port2, with target_session_attrs in
    # the parameters): the services get the same list.
    DB_HOSTS=""
    [[ $hostport == *,* ]] && DB_HOSTS=$hostport
    if [[ $hostport =~ ^\[(.*)\](:([0-9]+))?$ ]]; then
        DB_HOST="[${BASH_REMATCH[1]}]"
        DB_PORT=${BASH_REMATCH[3]:-5432}
    else
        DB_HOST=${hostport%%:*}
        if [[ $hostport == *:* ]]; then DB_PORT=${hostport##*:}; else DB_PORT=5432; fi
    fi
    DB_HOST=${DB_HOST:-localhost}
    DB_NAME=${DB_NAME:-postgres}
    "$PSQL" -X -q -tA "$ADMIN_DATABASE_URL" -c "SELECT 1" >/dev/null ||
        fatal "cannot connect to DATABASE_URL"
}

service_db_url() {
    local svc=$1
    printf 'postgresql://%s:%s@%s/%s%s' "$svc" "$(urlencode "${DB_PW[$svc]}")" \
        "${DB_HOSTS:-$DB_HOST:$DB_PORT}" "$DB_NAME" "$DB_PARAMS"
}

run_sql_file() {
    local what=$1 file=$2
    shift 2
    say "loading $what ($file)"
    if ! "$PSQL" -X -q -v ON_ERROR_STOP=1 "$@" -f "$file" "$ADMIN_DATABASE_URL" \
        >"$LOGS/$what.log" 2>&1; then
        log_tail "$LOGS/$what.log"
        setup_failed "$what failed ($file)"
        return 1
    fi
}
