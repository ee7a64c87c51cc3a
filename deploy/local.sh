#!/usr/bin/env bash
# Start the whole system on this machine: PostgreSQL, the services and
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
#
# The pieces, each in a file of its own, sourced below: deploy/lib/ (util,
# cleanup, ports, state, postgres, services, gateway, stack, mode_run) and
# tests/lib/ (tap, counting, mode_test, mode_soak).
set -euo pipefail

usage() {
    echo "usage: $0 run|test|bench|faults|valgrind|soak" >&2
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
for lib in util cleanup ports state postgres services gateway stack mode_run; do
    # shellcheck source=/dev/null
    . "$REPO_DIR/deploy/lib/$lib.sh"
done
for lib in tap counting mode_test mode_soak; do
    # shellcheck source=/dev/null
    . "$REPO_DIR/tests/lib/$lib.sh"
done

# make test runs the sanitizer build with two copies of every service, which
# proves that the services keep no state of their own outside PostgreSQL
# (numbering, idempotency, the deactivated users, the login guard, the
# background jobs each run once per cluster); the other modes the release
# build, one copy each.
VARIANT=release
COPIES=${SERVICE_COPIES:-1}
if [[ $MODE == test ]] && ((!VALGRIND && !SOAK)); then
    VARIANT=asan
    COPIES=${SERVICE_COPIES:-2}
fi
[[ $MODE == faults && ${FAULTS_VARIANT:-} == asan ]] && VARIANT=asan
[[ $COPIES =~ ^[1-9]$ ]] || { echo "local.sh: SERVICE_COPIES must be 1 to 9" >&2; exit 2; }
BIN_DIR=${BIN_DIR:-$REPO_DIR/build/$VARIANT/bin}
BOOTSTRAP_SQL=${BOOTSTRAP_SQL:-$REPO_DIR/deploy/sql/bootstrap.sql}
DEMO_SQL=${DEMO_SQL:-$REPO_DIR/deploy/sql/demo.sql}
DB_ROLE_PASSWORD=${DB_ROLE_PASSWORD:-}
LOG_LEVEL=${LOG_LEVEL:-info}
TEST_TIMEOUT=${TEST_TIMEOUT:-900}
READY_TIMEOUT=60
((VALGRIND)) && READY_TIMEOUT=300
# psql never waits long for a server that is not there.
export PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-10}
IS_ROOT=0
[[ $(id -u) -eq 0 ]] && IS_ROOT=1

cleanup_on_exit

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
    read -r p f < <(closing_counts "$log") || true
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
