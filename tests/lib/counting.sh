# Sourced by deploy/local.sh: running test binaries and other checks, and
# adding up their results (PASSED, FAILED).

# closing_counts FILE: prints "PASSED FAILED" from the last "N passed, N
# failed" line of a check's output, or nothing.
closing_counts() {
    grep -aE '^[0-9]+ passed, [0-9]+ failed$' "$1" | tail -n 1 |
        sed -E 's/([0-9]+) passed, ([0-9]+) failed/\1 \2/'
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
    read -r p f < <(closing_counts "$log") || true
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
