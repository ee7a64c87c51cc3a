# Sourced by deploy/local.sh and tests/containers/run.sh: the counts of a
# test binary's results, from the TAP report Check writes when
# CK_TAP_LOG_FILE_NAME names a file: one line per test, "ok N - ..." or
# "not ok N - ...", then the plan "1..N" once the whole run has finished.

# tap_counts FILE: prints "OK NOT_OK COMPLETE", COMPLETE being 1 when the
# plan is there and matches the lines (0 when the binary died before it).
tap_counts() {
    local plan ok notok
    plan=$(sed -nE 's/^1\.\.([0-9]+)$/\1/p' "$1" 2>/dev/null | tail -n 1)
    ok=$(grep -acE '^ok [0-9]+' "$1" 2>/dev/null) || true
    notok=$(grep -acE '^not ok [0-9]+' "$1" 2>/dev/null) || true
    ok=${ok:-0} notok=${notok:-0}
    if [[ -n $plan && $plan == $((ok + notok)) ]]; then
        printf '%s %s 1\n' "$ok" "$notok"
    else
        printf '%s %s 0\n' "$ok" "$notok"
    fi
}
