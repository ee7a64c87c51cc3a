#!/usr/bin/env bash
# Start the whole system on this machine: PostgreSQL, the six services and
# the nginx gateway.
#
#   deploy/local.sh run     release build; state in ./var (kept between runs);
#                           gateway on http://localhost:8080; Ctrl-C stops all
#   deploy/local.sh test    sanitizer build; throwaway state and random ports;
#                           runs every unit_* then api_* test binary; the last
#                           line printed is "N passed, N failed"
#   deploy/local.sh bench   release build; throwaway state and random ports;
#                           runs tests/bench/run.sh
#   deploy/local.sh faults  release build (FAULTS_VARIANT=asan: the sanitizer
#                           build); throwaway state and random ports; runs
#                           FAULTS_CMD (tests/faults/faults.py, which gives
#                           DATABASE_URL) and passes on its last line
#   deploy/local.sh valgrind  as test, but the release build with every
#                           service under valgrind memcheck, and only the API
#                           tests; a service with a definite or indirect leak
#                           or a memory error counts as 1 failed
#   deploy/local.sh soak    as test, but the release build, and instead of
#                           the tests SOAK_SECONDS (600) of mixed load (the
#                           API tests in a loop, two at once); reports each
#                           service's resident memory a minute in and at the
#                           end, and fails on a growth of SOAK_MAX_GROWTH_PCT
#                           (10) or more
#
# Environment read here (all optional):
#   DATABASE_URL      superuser URL of an existing server; no cluster is made
#   DB_ROLE_PASSWORD  one password for every per-service role; unset (the
#                     default), each role gets its own generated password,
#                     kept in <state>/secrets/db_<role>.password
#   LOG_LEVEL         services' log level (info)
#   OA_<NAME>         passed to every service as <NAME> (OA_HTTP_THREADS=4)
#   TEST_TIMEOUT      seconds one test binary may run (900)
#   CK_DEFAULT_TIMEOUT  Check's per-test timeout, seconds (30; the sanitizer
#                     build is slower than Check's default of 4 s allows)
#   BENCH_SECONDS     passed to tests/bench/run.sh
#   KEEP_STATE        1: keep the throwaway state directory of a test or bench
#                     run (var/tmp.*: the services', gateway's and PostgreSQL's
#                     logs) instead of removing it at the end
#   GATEWAY_BIND      address the gateway listens on (127.0.0.1)
#   SERVICE_COPIES    copies of every service behind the gateway, which
#                     balances between them (test: 2, run and bench: 1).
#                     Copy 1 of a service has the port the tests reach it on
#                     directly (<SERVICE>_URL) and logs to <service>.log;
#                     copy N logs to <service>-N.log (run: its port is
#                     copy 1's + 100 * (N - 1))
#   GATEWAY_TLS_CERT, GATEWAY_TLS_KEY  the gateway's certificate and key for
#                     HTTPS (8443 in run mode); default a self-signed one for
#                     localhost made in <state>/keys
#   GATEWAY_TRUSTED_PROXIES  proxies in front of the gateway whose
#                     X-Forwarded-For is believed (none; tests: 127.0.0.1)
#   BIN_DIR, BOOTSTRAP_SQL, DEMO_SQL  override where binaries and SQL come from
#   ASAN_EXTRA_OPTIONS  added to the services' ASAN_OPTIONS (e.g.
#                     fast_unwind_on_malloc=0: whole stacks in leak reports)
#
# Each service gets exactly: SERVICE_NAME, PORT, BIND_ADDR=127.0.0.1,
# DATABASE_URL (its own role), JWT_PUBLIC_KEY_FILE, JWT_PRIVATE_KEY_FILE
# (identity only), MIGRATIONS_DIR, LOG_LEVEL, PATH, HOME, LANG/LC_ALL/TZ/TMPDIR
# when set, each OA_<NAME> as <NAME>, in test mode the settings of
# deploy/test-service.env, and in the sanitizer build ASAN_OPTIONS and
# UBSAN_OPTIONS (LSAN_OPTIONS too when tests/lsan.supp exists).
# Tests and benchmarks inherit this script's environment plus GATEWAY_URL,
# <SERVICE>_URL, ADMIN_DATABASE_URL, JWT_PUBLIC_KEY_FILE, JWT_PRIVATE_KEY_FILE,
# DB_<ROLE>_PASSWORD (each service role's), STATE_DIR and REPO_DIR.
set -euo pipefail

usage() {
    echo "usage: $0 run|test|bench|faults" >&2
    exit 2
}

MODE=${1:-}
case $MODE in
    run | test | bench | faults | valgrind | soak) ;;
    *) usage ;;
esac
# valgrind and soak are test runs (throwaway state, the tests' gateway and
# service settings) of the release build with another runner.
VALGRIND=0
SOAK=0
[[ $MODE == valgrind ]] && VALGRIND=1 && MODE=test
[[ $MODE == soak ]] && SOAK=1 && MODE=test

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO_DIR"
# shellcheck source=tests/lib/tap.sh
. "$REPO_DIR/tests/lib/tap.sh"

# BEGIN services: services (deploy/services.py)
SERVICES=(identity documents attendance printing seals meetings)
declare -A PORT=(
    [gateway]=8080 [gateway_tls]=8443 [postgres]=55432
    [identity]=8081
    [documents]=8082
    [attendance]=8083
    [printing]=8084
    [seals]=8085
    [meetings]=8086
)
# END services: services

if [[ $MODE == test ]] && ((!VALGRIND && !SOAK)); then
    VARIANT=asan
elif [[ $MODE == faults && ${FAULTS_VARIANT:-} == asan ]]; then
    VARIANT=asan
else
    VARIANT=release
fi
BIN_DIR=${BIN_DIR:-$REPO_DIR/build/$VARIANT/bin}
BOOTSTRAP_SQL=${BOOTSTRAP_SQL:-$REPO_DIR/deploy/sql/bootstrap.sql}
DEMO_SQL=${DEMO_SQL:-$REPO_DIR/deploy/sql/demo.sql}
DB_ROLE_PASSWORD=${DB_ROLE_PASSWORD:-}
declare -A DB_PW=()
LOG_LEVEL=${LOG_LEVEL:-info}
TEST_TIMEOUT=${TEST_TIMEOUT:-900}
# Two copies in tests prove that the services keep no state of their own
# outside PostgreSQL (numbering, idempotency, the deactivated users, the
# login guard, the background jobs each run once per cluster).
if [[ $MODE == test ]] && ((!VALGRIND && !SOAK)); then
    COPIES=${SERVICE_COPIES:-2}
else
    COPIES=${SERVICE_COPIES:-1}
fi
[[ $COPIES =~ ^[1-9]$ ]] || { echo "local.sh: SERVICE_COPIES must be 1 to 9" >&2; exit 2; }
READY_TIMEOUT=60
((VALGRIND)) && READY_TIMEOUT=300
# psql never waits long for a server that is not there.
export PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-10}

IS_ROOT=0
[[ $(id -u) -eq 0 ]] && IS_ROOT=1

# What cleanup must undo; filled in as things start.
STATE=""
TEMP_STATE=0
TEMP_SOCK_DIR=""
PORT_LOCKS=()
declare -A SVC_PID=()
declare -A START_FAILED=()
NGINX_PID=""
PG_STARTED=0
OWN_RUN_PIDS=0
PGBIN=""
PGDATA=""
DB_HOSTS=""
PSQL=psql
PASSED=0
FAILED=0
FINAL_PRINTED=0

say() { printf '%s\n' "$*"; }

# The instances of a service: copy 1 is named after the service, copy N
# (N > 1) <service>-N; PORT, SVC_PID and the log file go by instance name.
instances() {
    local svc=$1 n
    printf '%s\n' "$svc"
    for ((n = 2; n <= COPIES; n++)); do printf '%s\n' "$svc-$n"; done
}
warn() { printf '%s\n' "$*" >&2; }

# Prints the last lines of a log, indented.
log_tail() {
    local file=$1 lines=${2:-40}
    if [[ -s $file ]]; then
        say "---- last $lines lines of $file"
        tail -n "$lines" "$file" | sed 's/^/  | /'
        say "----"
    fi
}

# Stops the script. In test mode the exit trap prints the closing line.
fatal() {
    warn "local.sh: $*"
    exit 1
}

# A set-up step failed: in test mode it counts as one failure and the run
# goes on (the unit tests still mean something); otherwise it is fatal.
setup_failed() {
    if [[ $MODE == test ]]; then
        warn "local.sh: $* (counted as 1 failed)"
        FAILED=$((FAILED + 1))
    else
        fatal "$*"
    fi
}

# True while pid is a live process (a zombie counts as gone).
alive() {
    local pid=$1 stat state
    [[ -n $pid ]] || return 1
    { read -r stat <"/proc/$pid/stat"; } 2>/dev/null || return 1
    # The state follows the command name, which is in parentheses.
    stat=${stat##*) }
    state=${stat%% *}
    [[ -n $state && $state != Z && $state != X ]]
}

# Sends TERM and waits up to $2 seconds, then KILL. Returns 1 if KILL was
# needed. Reaps the process when it is our child.
stop_pid() {
    local pid=$1 grace=${2:-15} i
    [[ -n $pid ]] || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < grace * 10; i++)); do
        alive "$pid" || break
        sleep 0.1
    done
    if alive "$pid"; then
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        return 1
    fi
    wait "$pid" 2>/dev/null || true
    return 0
}

# Runs a command as the postgres user when we are root (initdb and postgres
# refuse root), from / so that an unreadable working directory is no issue.
as_pg() {
    if ((IS_ROOT)); then
        if command -v runuser >/dev/null 2>&1; then
            (cd / && runuser -u postgres -- "$@")
        else
            local cmd
            cmd=$(printf '%q ' "$@")
            (cd / && su postgres -s /bin/sh -c "$cmd")
        fi
    else
        "$@"
    fi
}

# Makes every directory from / down to $2 searchable by user $1, adding only
# the others-execute bit where it is missing (root only).
ensure_traversable() {
    local user=$1 path=$2 dir="" part
    ((IS_ROOT)) || return 0
    local IFS=/
    for part in $path; do
        [[ -n $part ]] || continue
        dir+="/$part"
        if ! runuser -u "$user" -- test -x "$dir" 2>/dev/null; then
            say "note: adding o+x to $dir so that $user can reach $path"
            chmod o+x "$dir"
        fi
    done
}

# Percent-encodes a string for use inside a URL.
urlencode() {
    local LC_ALL=C s=$1 out="" c hex i
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        case $c in
            [a-zA-Z0-9.~_-]) out+=$c ;;
            *)
                printf -v hex '%%%02X' "'$c"
                out+=$hex
                ;;
        esac
    done
    printf '%s' "$out"
}

# ---------------------------------------------------------------- cleanup

cleanup() {
    local rc=$? name
    set +e
    trap '' INT TERM
    trap - EXIT
    # Quiet except in run mode: in test mode the count must stay the last line.
    if [[ $MODE == run ]]; then exec 3>&1; else exec 3>/dev/null; fi
    {
        if [[ -n $NGINX_PID ]]; then
            say "stopping the gateway" >&3
            stop_pid "$NGINX_PID" 10
        fi
        for name in "${!SVC_PID[@]}"; do
            say "stopping $name" >&3
            kill -TERM "${SVC_PID[$name]}"
        done
        for name in "${!SVC_PID[@]}"; do
            stop_pid "${SVC_PID[$name]}" 15
        done
        if ((PG_STARTED)); then
            say "stopping PostgreSQL" >&3
            as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop
        fi
        for name in "${PORT_LOCKS[@]}"; do
            rm -rf "$name"
        done
        [[ -n $TEMP_SOCK_DIR ]] && rm -rf "$TEMP_SOCK_DIR"
        ((OWN_RUN_PIDS)) && rm -f "$STATE/run.pids"
        ((TEMP_STATE)) && [[ -n $STATE && ${KEEP_STATE:-0} != 1 ]] && rm -rf "$STATE"
    } >/dev/null 2>&1
    if [[ $MODE == run ]] && ((OWN_RUN_PIDS)); then
        say "stopped"
    fi
    # The test contract: the last line is the count, and failure exits 1.
    if [[ $MODE == test || $MODE == faults ]] && ((!FINAL_PRINTED)); then
        ((rc == 0)) && rc=1
        say "$PASSED passed, $((FAILED + 1)) failed"
    fi
    exit "$rc"
}
trap cleanup EXIT
if [[ $MODE == run ]]; then
    trap 'exit 0' INT TERM
else
    trap 'exit 130' INT
    trap 'exit 143' TERM
fi

# ---------------------------------------------------------------- ports

# True if something listens on the TCP port.
port_in_use() {
    local port=$1
    if command -v ss >/dev/null 2>&1 && [[ -n $(ss -Htln "sport = :$port" 2>/dev/null) ]]; then
        return 0
    fi
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}

# Picks a free port for $1 and holds it until exit. A reservation is a
# directory under $PORT_LOCK_DIR made with mkdir (atomic), so two runs
# starting together never pick the same port. The range is below Linux's
# ephemeral ports, so outgoing connections do not take it meanwhile.
PORT_LOCK_DIR=${TMPDIR:-/tmp}/oa-local-ports
reserve_port() {
    local name=$1 port lock owner attempt
    mkdir -p "$PORT_LOCK_DIR"
    chmod 1777 "$PORT_LOCK_DIR" 2>/dev/null || true
    for ((attempt = 0; attempt < 500; attempt++)); do
        port=$((20000 + (RANDOM * 32768 + RANDOM) % 12000))
        lock=$PORT_LOCK_DIR/$port
        if ! mkdir "$lock" 2>/dev/null; then
            # Left by a run that was killed: take it over once its owner is gone.
            owner=$(cat "$lock/pid" 2>/dev/null || true)
            if [[ -n $owner && ! -d /proc/$owner ]] &&
                mv "$lock" "$lock.stale.$$" 2>/dev/null; then
                rm -rf "$lock.stale.$$"
            fi
            continue
        fi
        echo $$ >"$lock/pid"
        if port_in_use "$port"; then
            rm -rf "$lock"
            continue
        fi
        PORT_LOCKS+=("$lock")
        PORT[$name]=$port
        return 0
    done
    fatal "no free port found for $name"
}

# In ./var, what an earlier run left behind when it was killed outright
# (kill -9, a closed terminal): its services and gateway still hold the
# ports. They are stopped here; a run that is still going is left alone.
reap_stale_run() {
    local file=$STATE/run.pids name pid
    [[ -f $file ]] || return 0
    while read -r name pid; do
        [[ $name == script ]] || continue
        if alive "$pid" && grep -qa 'local.sh' "/proc/$pid/cmdline" 2>/dev/null; then
            fatal "another 'deploy/local.sh run' (pid $pid) is using $STATE"
        fi
    done <"$file"
    local -a stale=()
    local what
    while read -r name pid; do
        [[ $name == script ]] && continue
        what=$BIN_DIR/${name%%-*}
        [[ $name == gateway ]] && what=$STATE/nginx
        if alive "$pid" && grep -qaF "$what" "/proc/$pid/cmdline" 2>/dev/null; then
            say "stopping $name (pid $pid) left running by an earlier run"
            kill -TERM "$pid" 2>/dev/null || true
            stale+=("$pid")
        fi
    done <"$file"
    for pid in "${stale[@]}"; do
        stop_pid "$pid" 5 || true
    done
    rm -f "$file"
}

pick_ports() {
    local name
    local -a all=() svc n
    for svc in "${SERVICES[@]}"; do
        mapfile -t -O "${#all[@]}" all < <(instances "$svc")
    done
    if [[ $MODE == run ]]; then
        for svc in "${SERVICES[@]}"; do
            for ((n = 2; n <= COPIES; n++)); do
                PORT[$svc-$n]=$((PORT[$svc] + 100 * (n - 1)))
            done
        done
        reap_stale_run
        echo "script $$" >"$STATE/run.pids"
        OWN_RUN_PIDS=1
        for name in gateway gateway_tls "${all[@]}"; do
            if port_in_use "${PORT[$name]}"; then
                fatal "port ${PORT[$name]} ($name) is in use: is another 'make run' going?"
            fi
        done
        return 0
    fi
    for name in gateway gateway_tls "${all[@]}" postgres; do
        reserve_port "$name"
    done
}

# ---------------------------------------------------------------- state

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

# ---------------------------------------------------------------- PostgreSQL

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
        echo "max_connections = 200"
        echo "shared_buffers = 256MB"
        if [[ $MODE == test ]]; then
            echo "fsync = off"
            echo "synchronous_commit = off"
            echo "full_page_writes = off"
        fi
        if [[ $MODE == bench ]]; then
            # Durable as in production (fsync and synchronous commit stay
            # on); room for the data at scale and pgbench's tables in
            # memory, and no checkpoint forced by WAL volume mid-run.
            echo "shared_buffers = 2GB"
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

# ---------------------------------------------------------------- services

sanitizer_env() {
    [[ $VARIANT == asan ]] || return 0
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:log_path=$LOGS/asan${ASAN_EXTRA_OPTIONS:+:$ASAN_EXTRA_OPTIONS}
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$LOGS/ubsan
    export ASAN_OPTIONS UBSAN_OPTIONS
    if [[ -f $REPO_DIR/tests/lsan.supp ]]; then
        # Without print_suppressions=0 a process whose only leaks are the
        # suppressed ones still writes a report (the table of suppressions
        # used), which would count as a failure.
        LSAN_OPTIONS=suppressions=$REPO_DIR/tests/lsan.supp:print_suppressions=0
        export LSAN_OPTIONS
    fi
}

# The complete environment of one service: nothing else is inherited.
service_env() {
    local inst=$1 svc=${1%%-*} name
    SVC_ENV=(
        "PATH=$PATH"
        "HOME=${HOME:-/}"
        "SERVICE_NAME=$svc"
        "PORT=${PORT[$inst]}"
        "BIND_ADDR=127.0.0.1"
        "DATABASE_URL=$(service_db_url "$svc")"
        "JWT_PUBLIC_KEY_FILE=$JWT_PUBLIC_KEY_FILE"
        "MIGRATIONS_DIR=$REPO_DIR/services/$svc/migrations"
        "LOG_LEVEL=$LOG_LEVEL"
    )
    [[ $svc == identity ]] && SVC_ENV+=("JWT_PRIVATE_KEY_FILE=$JWT_PRIVATE_KEY_FILE")
    for name in LANG LC_ALL TZ TMPDIR; do
        [[ -n ${!name:-} ]] && SVC_ENV+=("$name=${!name}")
    done
    if [[ $MODE == test ]]; then
        # deploy/test-service.env, which make test-containers reads too.
        local line
        while IFS= read -r line; do
            if [[ $line =~ ^[A-Z][A-Z0-9_]*= ]]; then SVC_ENV+=("$line"); fi
        done <"$REPO_DIR/deploy/test-service.env"
    fi
    # Under valgrind every request is many times slower.
    ((VALGRIND)) && SVC_ENV+=("DB_ACQUIRE_TIMEOUT_MS=60000")
    if [[ $VARIANT == asan ]]; then
        SVC_ENV+=("ASAN_OPTIONS=$ASAN_OPTIONS" "UBSAN_OPTIONS=$UBSAN_OPTIONS")
        [[ -n ${LSAN_OPTIONS:-} ]] && SVC_ENV+=("LSAN_OPTIONS=$LSAN_OPTIONS")
    fi
    # OA_<NAME>=value reaches every service as <NAME>=value (last, so it
    # overrides the values above): OA_HTTP_THREADS=4 sets HTTP_THREADS.
    while IFS= read -r name; do
        SVC_ENV+=("${name#OA_}=${!name}")
    done < <(compgen -e | grep '^OA_' || true)
}

# Starts one instance (identity, identity-2, ...) of a service.
start_service() {
    local inst=$1 svc=${1%%-*}
    local -a wrap=()
    service_env "$inst"
    if ((VALGRIND)); then
        # Leaks that count: definite and indirect ("possibly lost" and
        # "still reachable" are the libraries' caches, alive at exit).
        wrap=("$(command -v valgrind)" --tool=memcheck --leak-check=full
            --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect
            --num-callers=40 --gen-suppressions=all
            "--suppressions=$REPO_DIR/tests/valgrind.supp"
            "--log-file=$LOGS/valgrind-$inst.%p.log")
    fi
    env -i "${SVC_ENV[@]}" "${wrap[@]}" "$BIN_DIR/$svc" >"$LOGS/$inst.log" 2>&1 &
    SVC_PID[$inst]=$!
    echo "$inst ${SVC_PID[$inst]}" >>"$STATE/run.pids"
    # The fault scenarios start a service again with the same environment.
    [[ $MODE == faults ]] && printf '%s\0' "${SVC_ENV[@]}" >"$STATE/secrets/env.$inst"
    return 0
}

# Waits for GET /readyz to answer 200.
wait_ready() {
    local svc=$1 pid=${SVC_PID[$1]} url="http://127.0.0.1:${PORT[$1]}/readyz" code
    local deadline=$((SECONDS + READY_TIMEOUT))
    while ((SECONDS < deadline)); do
        if ! alive "$pid"; then
            START_FAILED[$svc]=1
            log_tail "$LOGS/$svc.log"
            setup_failed "$svc exited during start-up (log: $LOGS/$svc.log)"
            return 1
        fi
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" 2>/dev/null || true)
        [[ $code == 200 ]] && return 0
        sleep 0.2
    done
    START_FAILED[$svc]=1
    log_tail "$LOGS/$svc.log"
    setup_failed "$svc did not answer 200 on $url within ${READY_TIMEOUT}s"
    return 1
}

start_services() {
    local svc identity_ready=0
    STARTED=()
    for svc in "${SERVICES[@]}"; do
        [[ -x $BIN_DIR/$svc && -f $BIN_DIR/$svc ]] && STARTED+=("$svc")
    done
    if ((${#STARTED[@]} == 0)); then
        warn "note: no service binaries in $BIN_DIR"
    fi
    # Every copy at once: they migrate under an advisory lock, one after
    # the other, as copies of a deployment would.
    local inst
    if [[ ${STARTED[0]:-} == identity ]]; then
        identity_ready=1
        for inst in $(instances identity); do
            say "starting $inst on port ${PORT[$inst]}"
            start_service "$inst"
        done
        for inst in $(instances identity); do
            wait_ready "$inst" || identity_ready=0
        done
    fi
    for svc in "${STARTED[@]}"; do
        [[ $svc == identity ]] && continue
        for inst in $(instances "$svc"); do
            say "starting $inst on port ${PORT[$inst]}"
            start_service "$inst"
        done
    done
    for svc in "${STARTED[@]}"; do
        [[ $svc == identity ]] && continue
        for inst in $(instances "$svc"); do
            wait_ready "$inst" || true
        done
    done
    # The demo office, then each service's demo data, once every schema is
    # migrated.
    if [[ -f $DEMO_SQL ]]; then
        if [[ -x $BIN_DIR/identity && $identity_ready -eq 0 ]]; then
            warn "note: identity is not ready; the demo office is not loaded"
        else
            run_sql_file demo "$DEMO_SQL" || true
            local extra
            for extra in "$(dirname "$DEMO_SQL")"/demo_*.sql; do
                [[ -f $extra ]] || continue
                local name
                name=$(basename "$extra" .sql)
                [[ -x $BIN_DIR/${name#demo_} ]] || continue
                run_sql_file "$name" "$extra" || true
            done
        fi
    fi
}

# ---------------------------------------------------------------- gateway

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

# ---------------------------------------------------------------- start-up

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

print_logins() {
    cat <<EOF

The district office is running: http://localhost:${PORT[gateway]}/api/v1/
  and with TLS: https://localhost:${PORT[gateway_tls]}/api/v1/ (certificate $TLS_CERT_FILE)
The web console (工作台): http://localhost:${PORT[gateway]}/
(logs in $LOGS; Ctrl-C stops everything)

Demo logins (DESIGN.md section 10), password demo123 for all, demo only:

  mayor                       district mayor 区长 (district leadership)
  vmayor1, vmayor2            deputy mayors 副区长 (district leadership)
  director                    office director 主任 (office leadership)
  deputy_gov                  deputy director in charge of government affairs,
                              supervises 文秘科 (office leadership)
  deputy2                     deputy director, supervises 综合科 and 信息科
                              (office leadership)
  deputy3                     deputy director (office leadership)
  wenmi_chief                 secretariat chief, meeting recorder (文秘科)
  wenmi1                      clerk (文秘科: has a printer; the print section)
  custodian                   seal custodian (文秘科)
  zonghe_chief                chief (综合科: has a printer)
  zonghe1, zonghe2            staff (综合科)
  xinxi1                      the only person in 信息科 (no printer)
  sec1, sec2                  secretaries serving mayor and vmayor1 (综合科)
  town1_clerk                 clerk of an external unit (某某乡)
  admin                       system administrator

Try:  curl -s http://localhost:${PORT[gateway]}/api/v1/auth/login \\
        -H 'Content-Type: application/json' \\
        -d '{"username":"director","password":"demo123"}'

EOF
}

# ---------------------------------------------------------------- modes

mode_run() {
    local svc
    declare -A reported=()
    start_all
    print_logins
    while true; do
        for svc in "${!SVC_PID[@]}"; do
            if [[ -z ${reported[$svc]:-} ]] && ! alive "${SVC_PID[$svc]}"; then
                reported[$svc]=1
                warn "$svc has stopped:"
                log_tail "$LOGS/$svc.log" 20 >&2
            fi
        done
        if ! alive "$NGINX_PID"; then
            log_tail "$LOGS/gateway-error.log" 20 >&2
            fatal "the gateway has stopped"
        fi
        sleep 2 &
        wait $! || true
    done
}

# Runs one test binary; adds its counts to PASSED and FAILED.
run_test_binary() {
    local bin=$1 name log tap rc
    name=$(basename "$bin")
    log=$LOGS/test-$name.log
    tap=$LOGS/test-$name.tap
    rm -f "$tap"
    say ""
    say "==== $name"
    set +e
    CK_TAP_LOG_FILE_NAME=$tap timeout --foreground -k 10 "$TEST_TIMEOUT" "$bin" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    set -e
    local ok notok complete
    read -r ok notok complete < <(tap_counts "$tap")
    PASSED=$((PASSED + ok))
    FAILED=$((FAILED + notok))
    if ((!complete)); then
        say "!!!! $name did not finish its TAP report (exit status $rc): counted as 1 failed"
        FAILED=$((FAILED + 1))
    elif ((rc != 0 && notok == 0)); then
        say "!!!! $name exited with status $rc: counted as 1 failed"
        FAILED=$((FAILED + 1))
    fi
    ((rc == 124)) && say "!!!! $name ran longer than ${TEST_TIMEOUT}s and was stopped"
    return 0
}

# Runs a check that is not a Check binary: `run_counted NAME COMMAND...`.
# A command that prints "N passed, N failed" adds those counts; one that
# does not counts as 1 passed or 1 failed by its exit status. Output goes
# to the terminal and to $LOGS/test-NAME.log. TESTS=<substring> skips
# those whose NAME does not contain it.
run_counted() {
    local name=$1 log rc p f
    shift
    [[ -z ${TESTS:-} || $name == *"$TESTS"* ]] || return 0
    log=$LOGS/test-$name.log
    say ""
    say "==== $name"
    set +e
    timeout --foreground -k 10 "$TEST_TIMEOUT" "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    set -e
    p="" f=""
    read -r p f < <(grep -aE '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1 |
        sed -E 's/([0-9]+) passed, ([0-9]+) failed/\1 \2/') || true
    if [[ -z $p ]]; then
        if ((rc == 0)); then
            PASSED=$((PASSED + 1))
        else
            say "!!!! $name failed (exit status $rc)"
            FAILED=$((FAILED + 1))
        fi
        return 0
    fi
    PASSED=$((PASSED + p))
    FAILED=$((FAILED + f))
    if ((rc != 0 && f == 0)); then
        say "!!!! $name exited with status $rc: counted as 1 failed"
        FAILED=$((FAILED + 1))
    fi
    return 0
}

# True when Debian's python3 has these modules; otherwise counts NAME as 1
# failed (make deps installs them). False also when TESTS leaves NAME out.
have_python() {
    local name=$1 mod
    shift
    [[ -z ${TESTS:-} || $name == *"$TESTS"* ]] || return 1
    for mod in "$@"; do
        if ! /usr/bin/python3 -c "import $mod" 2>/dev/null; then
            say ""
            say "!!!! $name: python3 module $mod is missing (make deps installs it): counted as 1 failed"
            FAILED=$((FAILED + 1))
            return 1
        fi
    done
}

# The checks after the API tests:
# - the corpora of the generated fuzz targets (tests/fuzz/run.sh --replay);
# - the web console in a real browser (tests/browser: Debian's Chromium
#   through chromium-driver and python3-selenium; screenshots go to
#   build/test-artifacts/browser);
# - the generated lists of services, against deploy/services.conf;
# - the deployment files (tests/deploy/check_manifests.py);
# - the contract: every answer the API tests received, against
#   api/openapi.yaml (tests/contract);
# - api/openapi.yaml through Redocly CLI (recommended) and Spectral
#   (spectral:oas), installed from package-lock.json by `make test`.
run_other_checks() {
    local bin=$REPO_DIR/node_modules/.bin
    if [[ -f $REPO_DIR/tests/browser/test_console.py ]] && have_python browser_console selenium; then
        if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
            ARTIFACTS_DIR=$REPO_DIR/build/test-artifacts/browser \
                run_counted browser_console /usr/bin/python3 "$REPO_DIR/tests/browser/test_console.py"
        else
            say "!!!! browser_console: chromium or chromium-driver is missing (make deps installs them): counted as 1 failed"
            FAILED=$((FAILED + 1))
        fi
    fi
    # Every list of the services written from deploy/services.conf.
    run_counted generated_services /usr/bin/python3 "$REPO_DIR/deploy/services.py" --check
    # The deployment files against README's promises: the NetworkPolicy,
    # the gateway's HTTPS-only Service, the secrets (tests/deploy).
    if have_python deploy_manifests yaml; then
        run_counted deploy_manifests /usr/bin/python3 "$REPO_DIR/tests/deploy/check_manifests.py" "$REPO_DIR"
    fi
    # The corpora of the generated fuzz targets (json_in_<service>), replayed
    # with the sanitizer build's objects like the other corpora are in the
    # unit tests (tests/fuzz/run.sh --replay).
    if [[ $VARIANT == asan ]]; then
        run_counted fuzz_replay_json_specs "$REPO_DIR/tests/fuzz/run.sh" --replay
    fi
    if [[ -s $CONTRACT_LOG ]] && have_python contract_responses yaml jsonschema; then
        run_counted contract_responses /usr/bin/python3 "$REPO_DIR/tests/contract/check_responses.py" \
            "$REPO_DIR/api/openapi.yaml" "$CONTRACT_LOG"
    fi
    if [[ -z ${TESTS:-} || lint_openapi == *"$TESTS"* ]]; then
        if [[ -x $bin/redocly && -x $bin/spectral ]]; then
            run_counted lint_openapi_redocly "$bin/redocly" lint --format=stylish \
                --config "$REPO_DIR/redocly.yaml" "$REPO_DIR/api/openapi.yaml"
            run_counted lint_openapi_spectral "$bin/spectral" lint --fail-severity=hint \
                --ruleset "$REPO_DIR/.spectral.yaml" "$REPO_DIR/api/openapi.yaml"
        else
            say ""
            say "!!!! lint_openapi: node_modules lacks redocly or spectral (make test runs npm ci): counted as 1 failed"
            FAILED=$((FAILED + 1))
        fi
    fi
}

mode_test() {
    local bin svc report
    local -a bins=() died=()
    start_all
    export_test_env
    say ""
    say "gateway $GATEWAY_URL, state $STATE"

    shopt -s nullglob
    # TESTS=<substring> runs only the test binaries whose name contains it.
    local -a pattern=("$BIN_DIR"/unit_* "$BIN_DIR"/api_*)
    # Under valgrind only the tests that talk to the services.
    ((VALGRIND)) && pattern=("$BIN_DIR"/api_*)
    for bin in "${pattern[@]}"; do
        [[ -f $bin && -x $bin ]] || continue
        [[ -z ${TESTS:-} || $(basename "$bin") == *"$TESTS"* ]] || continue
        bins+=("$bin")
    done
    shopt -u nullglob
    if ((${#bins[@]} == 0)); then
        say "no test binaries in $BIN_DIR"
    fi
    for bin in "${bins[@]}"; do
        run_test_binary "$bin"
    done
    ((VALGRIND)) || run_other_checks

    # Services that died while the tests ran (a failed start counted already).
    for svc in "${!SVC_PID[@]}"; do
        [[ -n ${START_FAILED[$svc]:-} ]] && continue
        alive "${SVC_PID[$svc]}" || died+=("$svc")
    done
    # Stop the services now so that their leak reports are written.
    stop_pid "$NGINX_PID" 10 || true
    NGINX_PID=""
    for svc in "${!SVC_PID[@]}"; do
        kill -TERM "${SVC_PID[$svc]}" 2>/dev/null || true
    done
    local grace=20
    ((VALGRIND)) && grace=300
    for svc in "${!SVC_PID[@]}"; do
        if ! stop_pid "${SVC_PID[$svc]}" "$grace"; then
            say "!!!! $svc did not exit within ${grace}s of SIGTERM: counted as 1 failed"
            FAILED=$((FAILED + 1))
        fi
        unset "SVC_PID[$svc]"
    done
    for svc in "${died[@]}"; do
        say ""
        say "!!!! $svc stopped before the tests ended: counted as 1 failed"
        log_tail "$LOGS/$svc.log" 60
        FAILED=$((FAILED + 1))
    done

    shopt -s nullglob
    for report in "$LOGS"/asan* "$LOGS"/ubsan*; do
        [[ -s $report ]] || continue
        say ""
        say "!!!! sanitizer report $(basename "$report"): counted as 1 failed"
        sed 's/^/  | /' "$report"
        FAILED=$((FAILED + 1))
    done
    shopt -u nullglob
    ((VALGRIND)) && valgrind_reports

    say ""
    FINAL_PRINTED=1
    say "$PASSED passed, $FAILED failed"
    if ((FAILED > 0 || PASSED == 0)); then
        exit 1
    fi
    exit 0
}

# Each service's valgrind log: its leak figures on one line, and a failure
# for a definite or indirect leak or any memory error (ERROR SUMMARY counts
# both; suppressed ones aside).
valgrind_reports() {
    local report name def ind errs
    shopt -s nullglob
    say ""
    say "==== valgrind memcheck"
    for report in "$LOGS"/valgrind-*.log; do
        name=$(basename "$report" .log)
        def=$(grep -aoE 'definitely lost: [0-9,]+ bytes' "$report" | tail -n 1 | grep -oE '[0-9,]+' || true)
        ind=$(grep -aoE 'indirectly lost: [0-9,]+ bytes' "$report" | tail -n 1 | grep -oE '[0-9,]+' || true)
        errs=$(grep -aoE 'ERROR SUMMARY: [0-9,]+' "$report" | tail -n 1 | grep -oE '[0-9,]+' || true)
        if grep -aq 'All heap blocks were freed' "$report"; then def=0 ind=0; fi
        say "$name: definitely lost ${def:-?} bytes, indirectly lost ${ind:-?} bytes, errors ${errs:-?}"
        if [[ -z $errs ]]; then
            say "!!!! $name: valgrind wrote no summary (the service did not exit): counted as 1 failed"
            FAILED=$((FAILED + 1))
        elif [[ ${errs//,/} != 0 ]]; then
            say "!!!! $name: memory errors or leaks: counted as 1 failed"
            head -n 400 "$report" | sed 's/^/  | /'
            FAILED=$((FAILED + 1))
        fi
    done
    shopt -u nullglob
}

# Resident memory (kB) of a process, or 0.
rss_kb() {
    local kb
    kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || true)
    printf '%s' "${kb:-0}"
}

# Fills the associative array named $1 with each service's resident memory:
# the median of five readings two seconds apart, so that one reading taken
# while a request holds a few MB for a moment (a password hash, a large
# export before the next malloc_trim) is not taken for the level.
rss_sample() {
    local -n into=$1
    local inst i
    local -A seen=()
    for ((i = 0; i < 5; i++)); do
        for inst in "${!SVC_PID[@]}"; do seen[$inst]+="$(rss_kb "${SVC_PID[$inst]}") "; done
        ((i < 4)) && sleep 2
    done
    for inst in "${!seen[@]}"; do
        into[$inst]=$(tr ' ' '\n' <<<"${seen[$inst]}" | grep . | sort -n | sed -n 3p)
    done
}

# SOAK_SECONDS of mixed load through the gateway: the API tests (creates,
# approvals, lists, refusals, PDFs in every service) in a loop, two streams
# at once, one in reverse order. First every API test runs once, so that
# every kind of request has been served (the PDF faces loaded, the pools,
# caches and malloc arenas grown); then the clock starts, and resident
# memory of every service is read a minute in and at the end (each time
# the median of five readings over eight seconds, rss_sample).
mode_soak() {
    local secs=${SOAK_SECONDS:-600} max=${SOAK_MAX_GROWTH_PCT:-10} inst first last growth
    local -a bins=() rev=() loaders=()
    declare -A at_first=()
    start_all
    export_test_env
    shopt -s nullglob
    bins=("$BIN_DIR"/api_*)
    shopt -u nullglob
    ((${#bins[@]} > 0)) || fatal "no API test binaries in $BIN_DIR (make build)"
    for ((i = ${#bins[@]} - 1; i >= 0; i--)); do rev+=("${bins[i]}"); done
    say ""
    say "soak: warm-up, every API test once"
    local bin
    for bin in "${bins[@]}"; do
        timeout -k 5 300 "$bin" >>"$LOGS/soak-load.log" 2>&1 || true
    done
    local warm_requests
    warm_requests=$(wc -l <"$LOGS/gateway-access.log" 2>/dev/null || echo 0)
    say "soak: ${secs}s of mixed load through $GATEWAY_URL (${#bins[@]} API test binaries, 2 streams)"
    local stop=$STATE/soak.stop rounds=$STATE/soak.rounds
    soak_stream() {
        local n=0 bin
        while [[ ! -e $stop ]]; do
            for bin in "$@"; do
                [[ -e $stop ]] && break
                timeout -k 5 300 "$bin" >>"$LOGS/soak-load.log" 2>&1 || true
            done
            n=$((n + 1))
            echo "$n" >>"$rounds"
        done
    }
    soak_stream "${bins[@]}" &
    loaders+=($!)
    soak_stream "${rev[@]}" &
    loaders+=($!)
    local start=$SECONDS
    sleep 60
    rss_sample at_first
    while ((SECONDS - start < secs - 8)); do sleep 5; done
    local -a ordered=()
    for svc in "${SERVICES[@]}"; do mapfile -t -O "${#ordered[@]}" ordered < <(instances "$svc"); done
    declare -A at_end=()
    rss_sample at_end
    touch "$stop"
    wait "${loaders[@]}" 2>/dev/null || true
    local requests
    requests=$(($(wc -l <"$LOGS/gateway-access.log" 2>/dev/null || echo 0) - warm_requests))
    say ""
    say "soak: $((SECONDS - start))s, $requests requests through the gateway, $(wc -l <"$rounds" 2>/dev/null || echo 0) rounds of the API tests"
    printf '%-14s %12s %12s %8s\n' service rss_1min_kb rss_end_kb growth
    for inst in "${ordered[@]}"; do
        [[ -n ${at_end[$inst]:-} ]] || continue
        first=${at_first[$inst]:-0}
        last=${at_end[$inst]}
        if ((first > 0 && last > 0)); then
            growth=$(awk -v a="$first" -v b="$last" 'BEGIN {printf "%.1f", (b - a) * 100 / a}')
        else
            growth=nan
        fi
        printf '%-14s %12s %12s %7s%%\n' "$inst" "$first" "$last" "$growth"
        say "soak: rss_kb $inst 1min=$first end=$last growth=${growth}%" >>"$STATE/soak.txt"
        if [[ $growth == nan ]] || awk -v g="$growth" -v m="$max" 'BEGIN {exit !(g >= m)}'; then
            say "!!!! $inst: resident memory grew ${growth}% after the first minute (limit ${max}%) or the service is gone: counted as 1 failed"
            FAILED=$((FAILED + 1))
        else
            PASSED=$((PASSED + 1))
        fi
    done
    say ""
    FINAL_PRINTED=1
    say "$PASSED passed, $FAILED failed"
    ((FAILED == 0)) || exit 1
    exit 0
}

mode_bench() {
    local script=$REPO_DIR/tests/bench/run.sh rc
    if [[ ! -f $script ]]; then
        say "no benchmarks exist ($script is missing)"
        exit 1
    fi
    start_all
    export_test_env
    say ""
    say "gateway $GATEWAY_URL; running $script"
    set +e
    bash "$script"
    rc=$?
    set -e
    exit "$rc"
}

# One fault scenario (tests/faults): FAULTS_CMD drives the running system
# and may stop, kill and start services again (their environments are in
# <state>/secrets/env.<svc>); its last line "N passed, N failed" is ours.
mode_faults() {
    local log rc p f
    [[ -n ${FAULTS_CMD:-} ]] || fatal "FAULTS_CMD is not set (run make faults)"
    start_all
    export_test_env
    export BIN_DIR
    log=$LOGS/faults.log
    set +e
    $FAULTS_CMD 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    set -e
    read -r p f < <(grep -aE '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1 |
        sed -E 's/([0-9]+) passed, ([0-9]+) failed/\1 \2/') || true
    PASSED=${p:-0}
    FAILED=${f:-1}
    ((rc != 0 && FAILED == 0)) && FAILED=1
    FINAL_PRINTED=1
    say "$PASSED passed, $FAILED failed"
    ((FAILED == 0 && PASSED > 0)) || exit 1
    exit 0
}

case $MODE in
    run) mode_run ;;
    test) if ((SOAK)); then mode_soak; else mode_test; fi ;;
    bench) mode_bench ;;
    faults) mode_faults ;;
esac
