# Sourced by tests/bench/run.sh: judging a scenario against its targets.

target() {
    TARGETS+=("$1|$2|$3|$4")
    [[ $4 == PASS ]] || FAILED=1
}
# pass_if <awk condition over a, b, c>: prints PASS or MISS.
pass_if() {
    awk -v a="$2" -v b="${3:-0}" -v c="${4:-0}" "BEGIN { exit !($1) }" && echo PASS || echo MISS
}

# p99_ratio <p99 ms> <reference p99 ms>: their ratio, or "-" without a
# reference.
p99_ratio() {
    awk -v p="$1" -v o="${2:-0}" 'BEGIN { if (o > 0) printf "%.2f", p / o; else print "-" }'
}

# Judges a scenario against its targets: throughput against pgbench, p99
# against pgbench -S's p99 (p99x; both against the run of pgbench beside
# the scenario when there is one), the smaller table's figures, two copies
# against one, and errors in every run.
judge() {
    local name=$1 ref=${SC_REF[$1]} min=${SC_MIN[$1]} p99x=${SC_P99X[$1]} extra=${SC_EXTRA[$1]}
    local ratio="-" refname=S met=1 r
    [[ $ref == B ]] && refname=B
    if [[ $ref != - && -n ${PGB[$ref]:-} ]]; then
        ratio=$(awk -v a="${R_RPS[$name]}" -v b="${PGB[$ref]}" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')
    fi
    # Against the runs of pgbench beside the scenario when there are
    # (run_scenario: the median of each closed-loop run over the run of
    # pgbench right before it, near_pairs); the ratio to the run's
    # reference is kept beside it.
    R_RATIO_RUN[$name]=$ratio
    if [[ $ratio != - && -n ${R_NEAR_RATIO[$name]:-} ]]; then
        ratio=${R_NEAR_RATIO[$name]}
        refname="$refname beside it"
    fi
    R_RATIO[$name]=$ratio
    # The p99 likewise against the p99 of pgbench -S beside the scenario
    # when it was measured (pgbench_near_start), the run's kept beside it; the
    # report divides the fixed-rate p99 by the same (R_P99_REF).
    local p99name="pgbench -S p99"
    R_P99_REF[$name]=${PGB_P99[S]:-0}
    R_P99X_RUN[$name]=$(p99_ratio "${R_P99[$name]}" "${R_P99_REF[$name]}")
    if [[ -n ${R_NEAR_P99[$name]:-} ]]; then
        R_P99_REF[$name]=${R_NEAR_P99[$name]} p99name="pgbench -S p99 beside it"
    fi
    R_P99X[$name]=$(p99_ratio "${R_P99[$name]}" "${R_P99_REF[$name]}")
    if [[ $min != - ]]; then
        r=$(pass_if 'a != "-" && a + 0 >= b + 0' "$ratio" "$min")
        target "$name" "req/s >= ${min} x $refname" "$ratio" "$r"
        [[ $r == PASS ]] || met=0
    fi
    if [[ $p99x != - ]]; then
        r=$(pass_if 'a != "-" && a + 0 <= b + 0' "${R_P99X[$name]}" "$p99x")
        target "$name" "p99 <= ${p99x} x $p99name" "${R_P99X[$name]}" "$r"
        [[ $r == PASS ]] || met=0
    fi
    if [[ $extra == within:* ]]; then
        local other=${extra#within:} factor
        other=${other%%:*}
        factor=${extra##*:}
        if [[ -n ${R_P99[$other]:-} ]]; then
            r=$(pass_if 'a + 0 <= c * b' "${R_P99[$name]}" "${R_P99[$other]}" "$factor")
            target "$name" "p99 <= ${factor} x $other's" \
                "$(awk -v a="${R_P99[$name]}" -v b="${R_P99[$other]}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')" "$r"
            [[ $r == PASS ]] || met=0
            r=$(pass_if 'a * c >= b' "${R_RPS[$name]}" "${R_RPS[$other]}" "$factor")
            target "$name" "req/s >= $other's / ${factor}" \
                "$(awk -v a="${R_RPS[$name]}" -v b="${R_RPS[$other]}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')" "$r"
            [[ $r == PASS ]] || met=0
        fi
    fi
    if [[ -n ${R_TWO_RPS[$name]:-} ]]; then
        local two
        two=$(awk -v a="${R_TWO_RPS[$name]}" -v b="${R_TWO_ONE_RPS[$name]}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
        r=$(pass_if 'a + 0 >= b + 0' "$two" "$TWO_COPY_MIN")
        target "$name" "two copies: req/s >= ${TWO_COPY_MIN} x one copy's" "$two" "$r"
        [[ $r == PASS ]] || met=0
    fi
    if [[ $extra == gapless ]]; then
        # The series of every issuer and year with a numbered document:
        # how many are not exactly 1..N, each once, N the counter's last.
        local broken
        broken=$(sql "SELECT count(*) FROM (SELECT issuer, doc_year, count(*) AS n,
                          count(DISTINCT doc_seq) AS nd, min(doc_seq) AS lo, max(doc_seq) AS hi
                      FROM documents.documents WHERE doc_seq IS NOT NULL
                      GROUP BY issuer, doc_year) s
                      LEFT JOIN documents.number_counters c
                          ON c.series = s.issuer AND c.year = s.doc_year
                      WHERE NOT (s.n = s.nd AND s.lo = 1 AND s.hi = s.n
                                 AND c.last IS NOT DISTINCT FROM s.hi)")
        r=$(pass_if 'a == 0' "$broken")
        target "$name" "number series not gapless" "$broken" "$r"
        [[ $r == PASS ]] || met=0
    fi
    local errs=$((R_ERR[$name] + ${R_OPEN_ERR[$name]:-0} + ${R_TWO_ERR[$name]:-0}))
    r=$(pass_if 'a == 0' "$errs")
    target "$name" "errors = 0" "$errs" "$r"
    [[ $r == PASS ]] || met=0
    if ((met)); then R_MET[$name]=PASS; else R_MET[$name]=MISS; fi
}
