#!/usr/bin/env bash
# make test-repeat N=20: the whole `make test` N times in a row from a clean
# clone of HEAD (var/repeat/clone, built by its first run), stopping at the
# first failure. Prints how many runs passed in a row and, for a failing
# run, where its output (var/repeat/run-<i>.log) and its logs (the state
# directory the runner kept, KEEP_STATE=1) are. A flaky test shows here
# and not in one lucky run.
set -euo pipefail

N=${1:-20}
[[ $N =~ ^[1-9][0-9]*$ ]] || {
    echo "usage: $0 N (runs, 1 or more)" >&2
    exit 2
}
REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$REPO_DIR/var/repeat
rm -rf "$WORK"
mkdir -p "$WORK"
git clone -q "$REPO_DIR" "$WORK/clone"
echo "test-repeat: $N runs of make test in $WORK/clone ($(git -C "$WORK/clone" log -1 --format='%h %s' | cut -c1-60))"

for ((i = 1; i <= N; i++)); do
    log=$WORK/run-$i.log
    rc=0
    (cd "$WORK/clone" && KEEP_STATE=1 make --no-print-directory test) >"$log" 2>&1 || rc=$?
    state=$(sed -nE 's/^gateway .*, state (.*)$/\1/p' "$log" | tail -n 1)
    if ((rc == 0)); then
        echo "test-repeat: run $i: $(tail -n 1 "$log")"
        [[ -n $state ]] && rm -rf "$state"
        continue
    fi
    echo "test-repeat: run $i failed: $(tail -n 1 "$log")"
    grep -aE '^!!!! |^not ok ' "$log" | head -n 20 | sed 's/^/  /' || true
    echo "test-repeat: its output is $log${state:+, its logs are in $state}"
    echo "test-repeat: $((i - 1)) passed in a row, then run $i failed"
    exit 1
done
echo "test-repeat: $N passed in a row"
