# Sourced by deploy/local.sh: make test and make test-valgrind.

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
    local grace=20
    ((VALGRIND)) && grace=300
    stop_services "$grace"
    for svc in "${NOT_STOPPED[@]}"; do
        say "!!!! $svc did not exit within ${grace}s of SIGTERM: counted as 1 failed"
        FAILED=$((FAILED + 1))
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
