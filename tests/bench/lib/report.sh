# Sourced by tests/bench/run.sh: the report, printed and appended to
# RESULTS.md.

# The buffers and the databases' sizes, for the run's header: whether the
# data at scale fit in the buffers.
db_sizes() {
    "${PSQL[@]}" -At "$ADMIN_DATABASE_URL" -c "SELECT 'shared_buffers ' || current_setting('shared_buffers')
        || ', the office''s database ' || pg_size_pretty(pg_database_size(current_database()))
        || ', pgbench''s ' || coalesce((SELECT pg_size_pretty(pg_database_size(oid))
                                        FROM pg_database WHERE datname = 'pgbench'), 'none')" 2>/dev/null || echo "sizes not read"
}

# Whether the cluster's shared memory sits on huge pages (deploy/lib/postgres.sh,
# reserve_huge_pages): its postmaster maps them as anon_hugepage.
huge_pages_used() {
    local pid
    pid=$(head -n 1 "$STATE_DIR/pg/postmaster.pid" 2>/dev/null) || true
    if [[ -z $pid || ! -r /proc/$pid/maps ]]; then
        echo "not known"
    elif grep -q anon_hugepage "/proc/$pid/maps"; then
        echo "on huge pages"
    else
        echo "on 4 kB pages (each new backend faults on every buffer page it touches first)"
    fi
}

# floor_ratios <scenario>: "<floor over the reference beside it> <the
# scenario's rate over its floor>", "- -" when the floor failed.
floor_ratios() {
    local name=$1 ref=${R_NEAR[$1]:-${PGB[${SC_REF[$1]}]:-0}}
    awk -v f="${R_FLOOR[$name]}" -v b="$ref" -v r="${R_RPS[$name]}" \
        'BEGIN { if (f !~ /^[0-9.]+$/ || f == 0 || b == 0) print "- -"; else printf "%.3f %.2f\n", f / b, r / f }'
}

# The write flows' SQL floors (lib/measure.sh: floor), one sentence for the
# report; nothing when no floor ran.
floor_line() {
    local name text="" r
    for name in "${SCEN_NAMES[@]}"; do
        [[ -n ${R_FLOOR[$name]:-} && -n ${R_MET[$name]:-} ]] || continue
        read -r -a r < <(floor_ratios "$name")
        [[ -n $text ]] && text+="; "
        if [[ ${r[0]} == - ]]; then
            text+="$name: the floor run failed"
        else
            text+="$name ${R_FLOOR[$name]} flows/s = ${r[0]} x ${SC_REF[$name]} beside it, the scenario at ${r[1]} x its floor"
        fi
    done
    [[ -n $text ]] || return 0
    say "SQL floors (tests/bench/floor/<scenario>.sql: the flow's statements alone from pgbench, pipelined where no result is waited for, $FLOOR_CLIENTS clients, after the scenario's runs, its rate over ${SECONDS_PER_RUN} s after ${WARMUP} s; reported, not judged): $text."
}

report() {
    local name svc line
    local -a lines=()
    lines+=("| scenario | req/s | p50 ms | p99 ms | p99x (pgbench -S p99 beside it, ms; p99x to the run's) | fixed rate: req/s, p50 / p99 ms (p99x) | two copies: req/s vs one copy's in the same pairs (ratio), p99 ms | errors | ratio (pgbench beside it: its runs' median tps; the ratio to the run's) | result | CPU µs/req, all (user): service / PostgreSQL / nginx / wrk | other load |")
    lines+=("|---|---:|---:|---:|---:|---|---|---:|---:|---|---|---:|")
    for name in "${SCEN_NAMES[@]}"; do
        [[ -n ${R_MET[$name]:-} ]] || continue
        local c=(${R_CPU[$name]}) open="-" two="-"
        if [[ -n ${R_OPEN_RATE[$name]:-} ]]; then
            open="${R_OPEN_RPS[$name]}, ${R_OPEN_P50[$name]} / ${R_OPEN_P99[$name]} ($(p99_ratio "${R_OPEN_P99[$name]}" \
                "${R_P99_REF[$name]}"))"
        fi
        if [[ -n ${R_TWO_RPS[$name]:-} ]]; then
            two="${R_TWO_RPS[$name]} vs ${R_TWO_ONE_RPS[$name]} ($(awk -v a="${R_TWO_RPS[$name]}" -v b="${R_TWO_ONE_RPS[$name]}" \
                'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')), ${R_TWO_P99[$name]}"
        fi
        local errs=$((R_ERR[$name] + ${R_OPEN_ERR[$name]:-0} + ${R_TWO_ERR[$name]:-0})) ratio=${R_RATIO[$name]}
        [[ -n ${R_NEAR[$name]:-} ]] && ratio+=" (${R_NEAR[$name]%.*}; ${R_RATIO_RUN[$name]})"
        local p99x=${R_P99X[$name]}
        [[ -n ${R_NEAR_P99[$name]:-} ]] && p99x+=" (${R_NEAR_P99[$name]}; ${R_P99X_RUN[$name]})"
        lines+=("| $name | ${R_RPS[$name]} | ${R_P50[$name]} | ${R_P99[$name]} | $p99x | $open | $two | $errs | $ratio | ${R_MET[$name]} | ${c[0]} (${c[5]}) / ${c[1]} (${c[6]}) / ${c[2]} (${c[7]}) / ${c[3]} (${c[8]}) | ${c[4]}% |")
    done
    for name in "${SKIPPED[@]}"; do
        lines+=("| $name | | | | | | | | | skipped: service not built | | |")
    done
    local rss_line="" anon_line="" start_line="" r
    for svc in "${SERVICES[@]}"; do
        [[ -n ${RSS[$svc]:-} ]] || continue
        rss_line+=" $svc=${RSS[$svc]}"
        anon_line+=" $svc=${RSS_ANON[$svc]:-?}"
        r=$(pass_if 'a + 0 < 20 * 1024' "${RSS[$svc]}")
        target "$svc" "resident memory < 20 MiB (KiB)" "${RSS[$svc]}" "$r"
    done
    for svc in "${SERVICES[@]}"; do
        [[ -n ${STARTUP[$svc]:-} ]] || continue
        start_line+=" $svc=${STARTUP[$svc]}"
        r=MISS
        [[ ${STARTUP[$svc]} != failed ]] && r=$(pass_if 'a + 0 < 200' "${STARTUP[$svc]}")
        target "$svc" "start-up < 200 ms" "${STARTUP[$svc]}" "$r"
    done

    local cpu commit date
    cpu=$(sed -nE 's/^model name[[:space:]]*: (.*)/\1/p' /proc/cpuinfo | head -n 1)
    commit=$(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo unknown)
    git -C "$REPO_DIR" diff --quiet HEAD -- common services 2>/dev/null || commit+="+changes"
    date=$(date -u +%Y-%m-%dT%H:%MZ)
    local npass=0 nmiss=0 t
    local -a summary=()
    summary+=("| scenario | target | value | result |")
    summary+=("|---|---|---:|---|")
    for t in "${TARGETS[@]}"; do
        IFS='|' read -r name line val r <<<"$t"
        summary+=("| $name | $line | $val | $r |")
        if [[ $r == PASS ]]; then npass=$((npass + 1)); else nmiss=$((nmiss + 1)); fi
    done

    {
        say ""
        say "### $date, commit $commit, $cpu ($NCPU cores)$( ((SMOKE)) && echo ', SMOKE (not a result)')"
        say ""
        say "$CONNS connections, $THREADS wrk/pgbench threads, ${SECONDS_PER_RUN} s per run, median of $RUNS after ${WARMUP} s warm-up; fixed-rate run: one of ${EXTRA_SECONDS} s at half the closed loop's request rate; two copies: after ${WARMUP2} s warm-up, ${TWO_PAIRS} pairs of ${EXTRA_SECONDS} s runs, one copy then two, medians; $(wc -l <"$DATA/tokens.tsv") users' tokens; $LOG_ROWS log rows; pgbench scale $PGBENCH_SCALE; $([[ $NEAR == 1 ]] && echo "throughput targets judged by the median of each closed-loop run's rate over a run of their pgbench script right before it (after ${WARMUP} s warm-up, ${SECONDS_PER_RUN} s each; in the table the median of those runs' tps); ")$([[ ${BENCH_SETTLE:-1} == 1 ]] && echo "databases vacuumed, analysed and checkpointed before pgbench and each scenario" || echo "databases not settled between scenarios"); run took $((SECONDS / 60)) min."
        say "pgbench -S -M prepared: ${PGB[S]:-?} tps (p50 ${PGB_P50[S]:-?} ms, p99 ${PGB_P99[S]:-?} ms); TPC-B-like (-M prepared): ${PGB[B]:-?} tps (p50 ${PGB_P50[B]:-?} ms, p99 ${PGB_P99[B]:-?} ms)."
        say "PostgreSQL after the runs: $(db_sizes); shared memory $(huge_pages_used)."
        say ""
        printf '%s\n' "${lines[@]}"
        say ""
        say "Resident memory after the runs (KiB, target < 20 MiB):${rss_line}; of which anonymous (heap, stacks; the rest is mapped files such as the PDF fonts):${anon_line}"
        say "Start-up to /readyz 200 (ms, median of 3, target < 200):${start_line}"
        say "p99x is the p99 over the p99 of pgbench -S: for a scenario with a p99 target, of one run beside the scenario, seconds before its own runs (in brackets: that p99, and the p99x over the header's); for the others, the header's; the fixed-rate p99x divides by the same. For the flows, req/s counts whole flows (a leave request approved; a seal request approved and stamped; a job approved and completed; a document drafted to numbered; a director's meeting convened, prepared, held and closed, 18 requests); the fixed-rate req/s and the CPU are per HTTP request."
        say "\"other load\" is CPU used by processes outside this stack during the runs, as a share of all cores; above 5% the run was disturbed."
        floor_line
        say ""
        say "Targets: $npass PASS, $nmiss MISS."
        say ""
        printf '%s\n' "${summary[@]}"
    } >"$WORK/report.md"
    cat "$WORK/report.md"
    if [[ ${BENCH_NO_RECORD:-0} != 1 ]]; then
        [[ -f $HERE/RESULTS.md ]] || printf '# Benchmark results\n' >"$HERE/RESULTS.md"
        cat "$WORK/report.md" >>"$HERE/RESULTS.md"
        say ""
        say "appended to tests/bench/RESULTS.md"
    fi
    say ""
    for name in "${SCEN_NAMES[@]}"; do
        [[ -n ${R_MET[$name]:-} ]] || continue
        say "bench: $name rps=${R_RPS[$name]} p50_ms=${R_P50[$name]} p99_ms=${R_P99[$name]} p99x=${R_P99X[$name]} open_rate=${R_OPEN_RATE[$name]:--} open_p99_ms=${R_OPEN_P99[$name]:--} two_rps=${R_TWO_RPS[$name]:--} two_one_rps=${R_TWO_ONE_RPS[$name]:--} two_p99_ms=${R_TWO_P99[$name]:--} errors=$((R_ERR[$name] + ${R_OPEN_ERR[$name]:-0} + ${R_TWO_ERR[$name]:-0})) ratio=${R_RATIO[$name]}${R_NEAR[$name]:+ near_ref_tps=${R_NEAR[$name]} ratio_run=${R_RATIO_RUN[$name]}}${R_NEAR_P99[$name]:+ near_ref_p99_ms=${R_NEAR_P99[$name]} p99x_run=${R_P99X_RUN[$name]}} ${R_MET[$name]}"
    done
    for name in "${SKIPPED[@]}"; do
        say "bench: $name skipped: service not built"
    done
    for name in "${SCEN_NAMES[@]}"; do
        [[ -n ${R_FLOOR[$name]:-} && -n ${R_MET[$name]:-} ]] || continue
        say "bench: floor $name tps=${R_FLOOR[$name]} $(floor_ratios "$name" | awk '{ printf "ratio=%s of_floor=%s", $1, $2 }')"
    done
    say "bench: pgbench select_only_tps=${PGB[S]:-0} tpcb_tps=${PGB[B]:-0} select_only_p50_ms=${PGB_P50[S]:-0} select_only_p99_ms=${PGB_P99[S]:-0} tpcb_p50_ms=${PGB_P50[B]:-0} tpcb_p99_ms=${PGB_P99[B]:-0}"
    say "bench: startup_ms${start_line}"
    say "bench: rss_kb${rss_line}"
    say "bench: rss_anon_kb${anon_line}"
    for t in "${TARGETS[@]}"; do
        IFS='|' read -r name line val r <<<"$t"
        say "bench: target $name: $line: $val $r"
    done
    say "bench: summary $npass PASS, $nmiss MISS"
}
