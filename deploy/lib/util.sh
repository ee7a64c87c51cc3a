# Sourced by deploy/local.sh: messages, processes, running as postgres.
# Reads MODE (setup_failed), IS_ROOT; adds to FAILED.

say() { printf '%s\n' "$*"; }
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
