# Sourced by deploy/local.sh: what a run must undo when it ends however it
# ends (the exit trap), and the closing line of a test run that stopped
# early. Each piece of the stack records here what it started.

STATE=""
TEMP_STATE=0
TEMP_SOCK_DIR=""
PORT_LOCKS=()
declare -A SVC_PID=()
declare -A START_FAILED=()
NGINX_PID=""
PG_STARTED=0
OWN_RUN_PIDS=0
PASSED=0
FAILED=0
FINAL_PRINTED=0

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
        for name in "${!SVC_PID[@]}"; do say "stopping $name" >&3; done
        stop_services 15
        if ((PG_STARTED)); then
            say "stopping PostgreSQL" >&3
            as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop
        fi
        release_huge_pages
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
# Installs the traps: Ctrl-C ends make run quietly; a test run interrupted
# still prints its closing line.
cleanup_on_exit() {
    trap cleanup EXIT
    if [[ $MODE == run ]]; then
        trap 'exit 0' INT TERM
    else
        trap 'exit 130' INT
        trap 'exit 143' TERM
    fi
}
