#!/usr/bin/env bash
# make test-containers: builds every image of docker-compose.yml (and the
# PostgreSQL image where the official one cannot be pulled), starts the
# stack from that file with podman-compose under its own project name,
# waits until every service is ready behind the gateway, checks the images
# (non-root, health check, labels) and runs the API tests (build/asan/bin/api_*)
# through the gateway; then removes the containers, network and volumes it
# made (the images stay, as the layer cache of the next run). The last line
# printed is "N passed, N failed".
#
# Environment (all optional):
#   CONTAINERS_CONF   podman settings (deploy/podman/containers.conf)
#   POSTGRES_IMAGE    PostgreSQL image (postgres:15, else oa/postgres:15 built here)
#   TESTS             run only the API test binaries whose name contains it
#   KEEP_STACK=1      leave the stack running at the end (the run prints the
#                     podman-compose command that removes it)
#   TEST_TIMEOUT      seconds one test binary may run (900)
set -euo pipefail

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$REPO_DIR/tests/lib/tap.sh"
cd "$REPO_DIR"

export CONTAINERS_CONF=${CONTAINERS_CONF:-$REPO_DIR/deploy/podman/containers.conf}
export BUILDAH_FORMAT=docker
# A project name and image tag of this run and this clone, so that two runs
# on one machine (two clones, or CI beside a developer) never share a
# container, volume or tag; the layers are shared all the same.
PROJECT=${OA_TEST_PROJECT:-oatest$$}
export OA_VERSION=${OA_VERSION:-test-$(printf '%s' "$REPO_DIR" | md5sum | cut -c1-8)}
COMPOSE_FILE=$REPO_DIR/docker-compose.yml
SYSPY=/usr/bin/python3
TEST_TIMEOUT=${TEST_TIMEOUT:-900}
BIN_DIR=${BIN_DIR:-$REPO_DIR/build/asan/bin}
READY_TIMEOUT=${READY_TIMEOUT:-180}

PASSED=0
FAILED=0
FINAL_PRINTED=0
STACK_UP=0
WORK=""

say() { printf '%s\n' "$*"; }
pass() { PASSED=$((PASSED + 1)); say "ok   $*"; }
fail() { FAILED=$((FAILED + 1)); say "FAIL $*"; }

# A step without which nothing else can be tested: one failure, then stop.
fatal() {
    say "test-containers: $*" >&2
    FAILED=$((FAILED + 1))
    exit 1
}

compose() {
    podman-compose --no-ansi -p "$PROJECT" -f "$COMPOSE_FILE" -f "$WORK/compose.test.yml" "$@"
}

teardown() {
    if ((STACK_UP)) && [[ ${KEEP_STACK:-0} == 1 ]]; then
        say "the stack is left running; remove it with: podman-compose -p $PROJECT -f $COMPOSE_FILE -f $WORK/compose.test.yml down -v"
    elif ((STACK_UP)); then
        say "removing the stack ($PROJECT)"
        kube_cleanup
        # With their anonymous volumes (the PostgreSQL image declares one).
        podman ps -a -q --filter "label=io.podman.compose.project=$PROJECT" |
            xargs -r podman rm -f -v -t 5 >/dev/null 2>&1
        compose down -v >"$WORK/down.log" 2>&1
        podman network rm -f "${PROJECT}_default" >/dev/null 2>&1
        # Volumes podman-compose missed (its down -v needs the containers).
        podman volume ls -q --filter "label=io.podman.compose.project=$PROJECT" 2>/dev/null |
            xargs -r podman volume rm -f >/dev/null 2>&1
    fi
    STACK_UP=0
}

cleanup() {
    local rc=$?
    set +e
    trap - EXIT INT TERM
    teardown
    [[ -n $WORK && ${KEEP_STACK:-0} != 1 ]] && rm -rf "$WORK"
    if ((!FINAL_PRINTED)); then
        ((rc == 0)) && rc=1
        say "$PASSED passed, $FAILED failed"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- podman

check_podman() {
    local t
    for t in podman podman-compose debootstrap; do
        command -v "$t" >/dev/null 2>&1 || fatal "$t is not installed (make test-containers installs it with apt-get)"
    done
    [[ -x $SYSPY ]] && "$SYSPY" -c 'import yaml' 2>/dev/null || fatal "$SYSPY with yaml is missing (python3-yaml)"
    if ! podman info >"$WORK/podman-info.log" 2>&1; then
        tail -n 20 "$WORK/podman-info.log" >&2
        fatal "podman cannot run on this machine (podman info failed)"
    fi
}

# ---------------------------------------------------------------- images

ensure_base() {
    "$REPO_DIR/deploy/docker/base-image.sh" debian:bookworm-slim || fatal "no debian:bookworm-slim base image"
    # A container must start at all (runtime, cgroups, limits).
    if ! podman run --rm --network none debian:bookworm-slim true >"$WORK/run.log" 2>&1; then
        cat "$WORK/run.log" >&2
        fatal "podman cannot start a container on this machine (see above; CONTAINERS_CONF=$CONTAINERS_CONF)"
    fi
}

ensure_postgres_image() {
    # podman resolves a short name to any local image of that last
    # component (oa/postgres:15 too): the official one is named in full.
    local want=${POSTGRES_IMAGE:-docker.io/library/postgres:15}
    if podman image exists "$want" || timeout 120 podman pull -q "$want" >/dev/null 2>&1; then
        POSTGRES_IMAGE=$want
        say "PostgreSQL image: $POSTGRES_IMAGE"
    else
        say "PostgreSQL image: $want cannot be pulled; building oa/postgres:15 (deploy/docker/postgres.Dockerfile)"
        if ! nice podman build --format docker --pull=never -q -f deploy/docker/postgres.Dockerfile \
            -t oa/postgres:15 . >"$WORK/build-postgres.log" 2>&1; then
            tail -n 30 "$WORK/build-postgres.log" >&2
            fatal "building oa/postgres:15 failed"
        fi
        POSTGRES_IMAGE=localhost/oa/postgres:15
    fi
    export POSTGRES_IMAGE
}

build_images() {
    local image context dockerfile target args a t0 log
    local -a bargs
    IMAGES=()
    VERSION=$(git -C "$REPO_DIR" describe --always --dirty 2>/dev/null || echo dev)
    while IFS=$'\t' read -r image context dockerfile target args; do
        bargs=(--format docker --pull=never -f "$dockerfile" -t "$image"
            --build-arg "VERSION=$VERSION" --label "org.opencontainers.image.version=$VERSION")
        # (buildah reuses a cached LABEL layer when only a build argument
        # changed, so the version label is also given as --label.)
        [[ $target != - ]] && bargs+=(--target "$target")
        [[ $args == - ]] && args=""
        IFS=';' read -ra pairs <<<"$args"
        for a in "${pairs[@]}"; do
            [[ -n $a ]] && bargs+=(--build-arg "$a")
        done
        log=$WORK/build-${image//[\/:]/_}.log
        t0=$SECONDS
        if nice podman build "${bargs[@]}" "$context" >"$log" 2>&1; then
            say "built $image in $((SECONDS - t0)) s"
            IMAGES+=("$image")
        else
            tail -n 40 "$log"
            fatal "building $image failed"
        fi
    done < <("$SYSPY" tests/containers/compose_builds.py "$COMPOSE_FILE")
}

# Each image: its size, a non-root user, a health check and the labels.
check_images() {
    local image user hc ver src size
    say ""
    say "image sizes:"
    for image in "${IMAGES[@]}" "$POSTGRES_IMAGE"; do
        size=$(podman image inspect -f '{{.Size}}' "$image")
        printf '  %-32s %6d MB\n' "$image" $((size / 1000000))
    done
    for image in "${IMAGES[@]}"; do
        [[ $image == *keygen* ]] && continue
        user=$(podman image inspect -f '{{.Config.User}}' "$image")
        if [[ -n $user && $user != root && $user != 0 && $user != 0:* ]]; then
            pass "image $image runs as $user"
        else
            fail "image $image runs as root"
        fi
        hc=$(podman image inspect -f '{{if .Config.Healthcheck}}{{join .Config.Healthcheck.Test " "}}{{end}}' "$image" 2>/dev/null || true)
        if [[ -n $hc ]]; then pass "image $image has a HEALTHCHECK"; else fail "image $image has no HEALTHCHECK"; fi
        ver=$(podman image inspect -f '{{index .Config.Labels "org.opencontainers.image.version"}}' "$image")
        src=$(podman image inspect -f '{{index .Config.Labels "org.opencontainers.image.source"}}' "$image")
        if [[ $ver == "$VERSION" && -n $src ]]; then
            pass "image $image is labelled version $ver, source $src"
        else
            fail "image $image labels: version '$ver' (want $VERSION), source '$src'"
        fi
    done
}

# ---------------------------------------------------------------- stack

free_port() {
    local port
    for _ in $(seq 200); do
        port=$((20000 + RANDOM % 12000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    fatal "no free port"
}

# The services built from deploy/docker/Dockerfile with a SERVICE argument.
list_services() {
    "$SYSPY" tests/containers/compose_builds.py "$COMPOSE_FILE" |
        awk -F'\t' '{ n = split($5, a, ";"); for (i = 1; i <= n; i++) if (a[i] ~ /^SERVICE=/) print substr(a[i], 9) }'
}

# What the tests need beyond the stack an admin runs: the database and each
# service published on loopback ports (the tests ask a service directly for
# its /metrics, or run a second copy of it on the same database), and the
# settings of deploy/test-service.env, as make test runs the services.
write_override() {
    local svc
    {
        echo "# Written by tests/containers/run.sh for one test run."
        echo "services:"
        echo "  postgres:"
        echo "    ports: [\"127.0.0.1:$PG_PORT:5432\"]"
        # The test runner reaches the gateway through the published port,
        # from the network's gateway address: as in deploy/local.sh test,
        # that address is exempt from the login limit and is the trusted
        # proxy, so a test stands for other clients with X-Forwarded-For.
        echo "  gateway:"
        echo "    environment:"
        echo "      GATEWAY_TRUSTED_PROXIES: \"$NET_GATEWAY\""
        echo "      GATEWAY_LOGIN_EXEMPT: \"$NET_GATEWAY\""
        for svc in "${SERVICES[@]}"; do
            echo "  $svc:"
            echo "    ports: [\"127.0.0.1:${SVC_PORT[$svc]}:8080\"]"
            echo "    environment:"
            # The first administrator from the secret file gets a name of
            # its own: the demo office's admin (demo123) is the tests'.
            [[ $svc == identity ]] && echo "      ADMIN_INITIAL_USERNAME: \"$FIRST_ADMIN\""
            grep -E '^[A-Z][A-Z0-9_]*=' "$REPO_DIR/deploy/test-service.env" |
                sed -E 's/^([^=]*)=(.*)$/      \1: "\2"/'
        done
    } >"$WORK/compose.test.yml"
}

cname() { echo "${PROJECT}_$1_1"; }

# Runs the container's own health check until it passes.
wait_healthy() {
    local svc=$1 c deadline=$((SECONDS + READY_TIMEOUT)) state
    c=$(cname "$svc")
    while ((SECONDS < deadline)); do
        state=$(podman inspect -f '{{.State.Status}}' "$c" 2>/dev/null || echo missing)
        if [[ $state == exited || $state == missing ]] &&
            [[ $(podman inspect -f '{{.HostConfig.RestartPolicy.Name}}' "$c" 2>/dev/null) == no ]]; then
            break
        fi
        if podman healthcheck run "$c" >/dev/null 2>&1; then
            return 0
        fi
        sleep 1
    done
    say "---- logs of $c"
    podman logs --tail 40 "$c" 2>&1 | sed 's/^/  | /'
    fatal "$svc did not become healthy within ${READY_TIMEOUT}s"
}

# Runs a one-shot container to its end; it must exit 0.
run_job() {
    local svc=$1 c rc
    c=$(cname "$svc")
    start "$svc"
    rc=$(timeout "$READY_TIMEOUT" podman wait "$c" 2>/dev/null || echo timeout)
    podman logs "$c" 2>&1 | sed 's/^/  | /'
    [[ $rc == 0 ]] || fatal "$svc ended with $rc"
}

# (podman without systemd says on stderr that it cannot time health checks;
# run.sh runs them itself.)
start() {
    podman start "$(cname "$1")" >/dev/null 2>>"$WORK/podman-start.log" || {
        tail -n 5 "$WORK/podman-start.log"
        fatal "could not start $(cname "$1")"
    }
}

# podman-compose 1.0 creates the containers from the compose file; they are
# started here in the order the file's depends_on conditions ask for
# (service_healthy, service_completed_successfully), which docker compose
# follows by itself.
start_stack() {
    local svc t0=$SECONDS
    say ""
    say "creating the stack from docker-compose.yml (project $PROJECT)"
    # HTTPS is published where the compose file says (every address), plain
    # HTTP on 127.0.0.1 only; the certificate is given as an admin gives it.
    if ! OA_GATEWAY_PORT=$GW_PORT OA_GATEWAY_TLS_PORT=$TLS_PORT OA_TLS_DIR=$WORK/tls OA_DEMO=1 \
        compose up --no-build --no-start >"$WORK/up.log" 2>&1; then
        tail -n 40 "$WORK/up.log"
        fatal "podman-compose up failed"
    fi
    for svc in postgres keygen "${SERVICES[@]}" demo gateway; do
        podman container exists "$(cname "$svc")" || {
            tail -n 40 "$WORK/up.log"
            fatal "podman-compose did not create $(cname "$svc")"
        }
    done
    start postgres
    wait_healthy postgres
    run_job keygen
    start identity
    wait_healthy identity
    for svc in "${SERVICES[@]}"; do
        [[ $svc == identity ]] || start "$svc"
    done
    for svc in "${SERVICES[@]}"; do
        [[ $svc == identity ]] || wait_healthy "$svc"
    done
    run_job demo
    start gateway
    wait_healthy gateway
    READY_SECONDS=$((SECONDS - t0))
    say "stack ready in ${READY_SECONDS} s (from creating the containers to a healthy gateway)"
}

# ---------------------------------------------------------------- checks

# A route each service owns (GET without a token is its 401).
declare -A PROBE=([identity]=/api/v1/me [attendance]=/api/v1/outings [seals]=/api/v1/seals
    [documents]=/api/v1/documents [printing]=/api/v1/print-jobs [meetings]=/api/v1/meetings)

http_code() {
    curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$@" 2>/dev/null || true
}

check_stack() {
    local svc c ro user code
    say ""
    for svc in "${SERVICES[@]}" gateway; do
        c=$(cname "$svc")
        ro=$(podman inspect -f '{{.HostConfig.ReadonlyRootfs}}' "$c")
        user=$(podman exec "$c" id -u 2>/dev/null || echo "?")
        if [[ $ro == true && $user != 0 && $user != "?" ]]; then
            pass "$svc runs as uid $user on a read-only root file system"
        else
            fail "$svc: read-only root $ro, uid $user"
        fi
    done
    # The gateway routes to exactly the services of the compose file.
    local routed want
    routed=$(podman exec "$(cname gateway)" printenv DOCKER_SERVICES 2>/dev/null | tr ' ' '\n' | sort | xargs)
    want=$(printf '%s\n' "${SERVICES[@]}" | sort | xargs)
    if [[ $routed == "$want" ]]; then
        pass "the gateway's DOCKER_SERVICES are the compose file's services ($want)"
    else
        fail "the gateway's DOCKER_SERVICES '$routed' differ from the compose file's services '$want'"
    fi
    code=$(http_code "$GATEWAY_URL/")
    [[ $code == 200 ]] && pass "the gateway serves the web console at /" || fail "GET / answered $code"
    code=$(http_code "$GATEWAY_URL/healthz")
    [[ $code == 200 ]] && pass "gateway /healthz answers 200" || fail "gateway /healthz answered $code"
    # Each service answers through the gateway: a route it owns, without a
    # token, is its own 401 (a missing service would be the gateway's 502).
    for svc in "${SERVICES[@]}"; do
        if [[ -z ${PROBE[$svc]:-} ]]; then
            fail "$svc: no route of it is known to tests/containers/run.sh (PROBE)"
            continue
        fi
        code=$(http_code "$GATEWAY_URL${PROBE[$svc]}")
        if [[ $code == 401 ]]; then
            pass "$svc answers through the gateway (${PROBE[$svc]}: 401 without a token)"
        else
            fail "$svc through the gateway: ${PROBE[$svc]} answered $code, want 401"
        fi
    done
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$GATEWAY_URL/api/v1/auth/login" \
        -H 'Content-Type: application/json' -d '{"username":"director","password":"demo123"}' || true)
    [[ $code == 200 ]] && pass "the demo office is loaded (director logs in)" || fail "demo login answered $code"
    check_tls
    check_no_password_in_env
    check_no_metrics
    # The first administrator, created by identity from the compose secret
    # (OA_ADMIN_PASSWORD_FILE -> /run/secrets/admin_password).
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "${TLS_CURL[@]}" "$GATEWAY_TLS_URL/api/v1/auth/login" \
        -H 'Content-Type: application/json' \
        -d "{\"username\":\"$FIRST_ADMIN\",\"password\":\"$FIRST_ADMIN_PASSWORD\"}" || true)
    [[ $code == 200 ]] && pass "the first administrator from the secret file logs in over HTTPS" ||
        fail "the first administrator's login over HTTPS answered $code"
}

# A service's /metrics is for monitoring, never through the gateway (README,
# Security): no path of the gateway answers a service's metrics.
check_no_metrics() {
    local path body leaked=""
    for path in /metrics /api/metrics /api/v1/metrics /api/v1/../../metrics /api/v1/me/../../../metrics; do
        body=$(curl -s --path-as-is --max-time 10 "$GATEWAY_URL$path" 2>/dev/null || true)
        grep -q '^# TYPE ' <<<"$body" && leaked+=" $path"
    done
    body=$(curl -s --max-time 10 "http://127.0.0.1:${SVC_PORT[identity]}/metrics" 2>/dev/null || true)
    if ! grep -q '^# TYPE ' <<<"$body"; then
        fail "identity's own /metrics gives no metrics (the check below would prove nothing)"
    elif [[ -z $leaked ]]; then
        pass "no path of the gateway answers a service's /metrics"
    else
        fail "the gateway answers a service's metrics at:$leaked"
    fi
}

# Every password reaches the containers as a secret file: none is in any
# container's environment (what docker inspect shows).
check_no_password_in_env() {
    local svc c env v leaked=""
    for svc in postgres keygen "${SERVICES[@]}" demo gateway; do
        c=$(cname "$svc")
        env=$(podman inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$c" 2>/dev/null || true)
        for v in "${SECRET_VALUES[@]}"; do
            [[ $env == *"$v"* ]] && leaked+=" $svc"
        done
    done
    [[ -z $leaked ]] && pass "no password is in any container's environment (all are secret files)" ||
        fail "a password is in the environment of:$leaked"
}

# The gateway's ports as docker-compose.yml publishes them: HTTPS with the
# certificate given in OA_TLS_DIR (copied by keygen) on every address,
# plain HTTP on 127.0.0.1 only.
check_tls() {
    local hdrs bind ip subj want
    hdrs=$(curl -sS -D - -o /dev/null --max-time 10 "${TLS_CURL[@]}" "$GATEWAY_TLS_URL/healthz" 2>&1 || true)
    if [[ $hdrs == "HTTP/"*" 200"* ]]; then
        pass "HTTPS on the published port answers /healthz with the given certificate"
    else
        fail "HTTPS on the published port: ${hdrs%%$'\n'*}"
    fi
    if grep -qi '^strict-transport-security: max-age=' <<<"$hdrs"; then
        pass "HTTPS answers carry HSTS"
    else
        fail "no Strict-Transport-Security on HTTPS"
    fi
    subj=$(openssl s_client -connect "127.0.0.1:$TLS_PORT" -servername localhost </dev/null 2>/dev/null |
        openssl x509 -noout -fingerprint -sha256 2>/dev/null || true)
    want=$(openssl x509 -in "$WORK/tls/tls.crt" -noout -fingerprint -sha256)
    [[ -n $subj && $subj == "$want" ]] && pass "the gateway serves the certificate of OA_TLS_DIR" ||
        fail "the gateway's certificate '$subj' is not the one given ($want)"
    bind=$(podman port "$(cname gateway)" 8080/tcp 2>/dev/null | head -n 1)
    [[ $bind == "127.0.0.1:$GW_PORT" ]] && pass "plain HTTP is published on 127.0.0.1 only ($bind)" ||
        fail "plain HTTP is published on '$bind', want 127.0.0.1:$GW_PORT"
    bind=$(podman port "$(cname gateway)" 8443/tcp 2>/dev/null | head -n 1)
    [[ $bind == "0.0.0.0:$TLS_PORT" ]] && pass "HTTPS is published on every address ($bind)" ||
        fail "HTTPS is published on '$bind', want 0.0.0.0:$TLS_PORT"
    # From another address of this machine: HTTPS answers, plain HTTP not.
    ip=$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -E '^[0-9.]+$' | grep -v '^127\.' | head -n 1 || true)
    if [[ -z $ip ]]; then
        say "note: this machine has no address but loopback; HTTP's refusal elsewhere is checked by its binding only"
        return
    fi
    code=$(http_code -k "https://$ip:$TLS_PORT/healthz")
    [[ $code == 200 ]] && pass "HTTPS answers on $ip" || fail "HTTPS on $ip answered $code"
    code=$(http_code "http://$ip:$GW_PORT/healthz")
    [[ $code == 000 ]] && pass "plain HTTP does not answer on $ip" || fail "plain HTTP answered $code on $ip"
}

# Runs one test binary; adds its counts (Check's TAP report, tests/lib/tap.sh).
run_test_binary() {
    local bin=$1 name log tap rc ok notok complete
    name=$(basename "$bin")
    log=$WORK/test-$name.log
    tap=$WORK/test-$name.tap
    rm -f "$tap"
    say ""
    say "==== $name"
    set +e
    CK_TAP_LOG_FILE_NAME=$tap timeout --foreground -k 10 "$TEST_TIMEOUT" "$bin" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    set -e
    read -r ok notok complete < <(tap_counts "$tap")
    PASSED=$((PASSED + ok))
    FAILED=$((FAILED + notok))
    if ((!complete)); then
        fail "$name did not finish its TAP report (exit status $rc)"
    elif ((rc != 0 && notok == 0)); then
        fail "$name exited with status $rc"
    fi
}

run_api_tests() {
    local bin vol
    local -a bins=()
    # The tests sign tokens and read the database like an operator would.
    vol=$(podman volume inspect -f '{{.Mountpoint}}' "${PROJECT}_jwt-private") || fatal "no jwt-private volume"
    cp "$vol/jwt.key" "$WORK/jwt.key"
    vol=$(podman volume inspect -f '{{.Mountpoint}}' "${PROJECT}_jwt-public") || fatal "no jwt-public volume"
    cp "$vol/jwt.pub" "$WORK/jwt.pub"
    export GATEWAY_URL GATEWAY_TLS_URL GATEWAY_TLS_CERT_FILE=$WORK/tls/tls.crt
    export BIN_DIR
    for svc in "${SERVICES[@]}"; do
        export "${svc^^}_URL=http://127.0.0.1:${SVC_PORT[$svc]}"
    done
    # A test that runs a second copy of a service runs the sanitizer build's
    # binary from this clone (on the stack's database) and logs to STATE_DIR.
    export REPO_DIR STATE_DIR=$WORK
    mkdir -p "$WORK/logs" "$WORK/nginx"
    # The gateway's configuration as its container rendered it (a test
    # reads its upstream keep-alive).
    podman exec "$(cname gateway)" cat /tmp/nginx.conf >"$WORK/nginx/nginx.conf" ||
        fail "could not read the gateway container's /tmp/nginx.conf"
    export ADMIN_DATABASE_URL="postgresql://postgres:$POSTGRES_PASSWORD@127.0.0.1:$PG_PORT/oa"
    export JWT_PRIVATE_KEY_FILE=$WORK/jwt.key JWT_PUBLIC_KEY_FILE=$WORK/jwt.pub
    export "$(grep '^AUTH_REFRESH_SECONDS=' "$REPO_DIR/deploy/test-service.env")"
    export "$(grep '^LOGIN_LOCKOUT_SECONDS=' "$REPO_DIR/deploy/test-service.env")"
    export CK_DEFAULT_TIMEOUT=${CK_DEFAULT_TIMEOUT:-30}
    export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    [[ -f $REPO_DIR/tests/lsan.supp ]] && export LSAN_OPTIONS=suppressions=$REPO_DIR/tests/lsan.supp
    shopt -s nullglob
    for bin in "$BIN_DIR"/api_*; do
        [[ -f $bin && -x $bin ]] || continue
        [[ -z ${TESTS:-} || $(basename "$bin") == *"$TESTS"* ]] || continue
        bins+=("$bin")
    done
    shopt -u nullglob
    ((${#bins[@]})) || fatal "no API test binaries in $BIN_DIR (make build-asan)"
    for bin in "${bins[@]}"; do
        run_test_binary "$bin"
    done
}

# Services that stopped or restarted while the tests ran.
check_still_up() {
    local svc c state restarts
    say ""
    for svc in "${SERVICES[@]}" gateway postgres; do
        c=$(cname "$svc")
        state=$(podman inspect -f '{{.State.Status}}' "$c")
        restarts=$(podman inspect -f '{{.RestartCount}}' "$c" 2>/dev/null || echo 0)
        if [[ $state == running && ${restarts:-0} == 0 ]]; then
            pass "$svc ran through the tests without a restart"
        else
            fail "$svc is $state after $restarts restarts"
            podman logs --tail 40 "$c" 2>&1 | sed 's/^/  | /'
        fi
    done
}

# ---------------------------------------------------------------- k8s

# shellcheck source=tests/containers/kube.sh
. "$REPO_DIR/tests/containers/kube.sh"

# ---------------------------------------------------------------- main

mkdir -p "$REPO_DIR/var"
WORK=$(mktemp -d "$REPO_DIR/var/containers.XXXXXX")
T0=$SECONDS
check_podman
ensure_base
ensure_postgres_image
build_images
say "images built in $((SECONDS - T0)) s"
check_images

mapfile -t SERVICES < <(list_services)
((${#SERVICES[@]})) || fatal "docker-compose.yml builds no service"
[[ ${SERVICES[0]} == identity ]] || fatal "identity must be the first service of docker-compose.yml"
PG_PORT=$(free_port)
GW_PORT=$(free_port)
TLS_PORT=$(free_port)
# The gateway's certificate for this run, mounted where an admin mounts theirs.
mkdir -p "$WORK/tls"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$WORK/tls/tls.key" -out "$WORK/tls/tls.crt" >"$WORK/openssl.log" 2>&1 ||
    fatal "openssl could not make the test certificate"
chmod 755 "$WORK/tls"
chmod 644 "$WORK/tls/tls.key" "$WORK/tls/tls.crt"
declare -A SVC_PORT=()
for svc in "${SERVICES[@]}"; do
    SVC_PORT[$svc]=$(free_port)
done
GATEWAY_URL=http://127.0.0.1:$GW_PORT
GATEWAY_TLS_URL=https://127.0.0.1:$TLS_PORT
TLS_CURL=(--cacert "$WORK/tls/tls.crt")
# Passwords of this run only, in the files the compose file's secrets name
# (OA_*_PASSWORD_FILE), as an admin gives them: the superuser's, one per
# service's role, the first administrator's. The tests get them as make
# test gives them (DB_<ROLE>_PASSWORD).
newpw() { head -c 18 /dev/urandom | base64 | tr '+/' '-_'; }
mkdir -p "$WORK/secrets"
chmod 755 "$WORK/secrets"
secret_file() {
    printf '%s\n' "$2" >"$WORK/secrets/$1"
    chmod 644 "$WORK/secrets/$1"
    SECRET_VALUES+=("$2")
}
SECRET_VALUES=()
POSTGRES_PASSWORD=$(newpw)
export POSTGRES_PASSWORD
secret_file postgres "$POSTGRES_PASSWORD"
export OA_POSTGRES_PASSWORD_FILE=$WORK/secrets/postgres
for svc in "${SERVICES[@]}"; do
    pw=$(newpw)
    export "DB_${svc^^}_PASSWORD=$pw"
    secret_file "db_$svc" "$pw"
    export "OA_DB_${svc^^}_PASSWORD_FILE=$WORK/secrets/db_$svc"
done
FIRST_ADMIN=firstadmin
FIRST_ADMIN_PASSWORD=$(newpw)
export FIRST_ADMIN_PASSWORD
secret_file admin_password "$FIRST_ADMIN_PASSWORD"
export OA_ADMIN_PASSWORD_FILE=$WORK/secrets/admin_password
# The stack's network, made here to know its gateway address (podman-compose
# uses an existing <project>_default as it is).
podman network create --label "io.podman.compose.project=$PROJECT" "${PROJECT}_default" >/dev/null ||
    fatal "could not create the network ${PROJECT}_default"
STACK_UP=1
NET_GATEWAY=$(podman network inspect -f '{{range .Subnets}}{{.Gateway}} {{end}}' "${PROJECT}_default" | awk '{print $1}')
[[ -n $NET_GATEWAY ]] || fatal "the network ${PROJECT}_default has no gateway address"
write_override
start_stack
check_stack
run_api_tests
check_still_up
kube_validate
kube_test

say ""
say "images built and stack ready in $((SECONDS - T0)) s; stack ready ${READY_SECONDS} s after creation"
set +e
teardown
set -e
FINAL_PRINTED=1
say "$PASSED passed, $FAILED failed"
((FAILED == 0 && PASSED > 0))
