# Sourced by tests/bench/run.sh: the running stack's processes (from the
# runner's pid file) and the CPU time they use.

# name -> pid of each service, copy and the gateway, from the runner's pid
# file; PG_PID the postmaster's.
declare -A PID=()
PG_PID=""
read_stack_pids() {
    local name pid
    while read -r name pid; do
        [[ $name == script ]] && continue
        PID[$name]=$pid
    done <"$STATE_DIR/run.pids"
    PG_PID=$(head -n 1 "$STATE_DIR/pg/postmaster.pid" 2>/dev/null || true)
    [[ -n ${PID[identity]:-} ]] || die "identity is not running"
}

has_service() { [[ -n ${PID[$1]:-} ]] && kill -0 "${PID[$1]}" 2>/dev/null; }

# cpu_snapshot <service pids> <gateway pids> (each a space-separated list)
# prints "svc pg nginx busy svc_user pg_user nginx_user" in clock ticks: the
# services' processes (all their threads, and their children), this cluster's postmaster and
# backends (exited ones included through the postmaster's reaped-children
# times), the gateways' masters and workers, and the whole machine's
# non-idle time; then the user-mode part of the first three.
cpu_snapshot() {
    local svc_pids=${1:-0} gw_pids=${2:-0}
    {
        cat /proc/[0-9]*/stat 2>/dev/null || true
        echo "=machine"
        head -n 1 /proc/stat
    } | awk -v svcs="$svc_pids" -v pg="${PG_PID:-0}" -v gws="$gw_pids" '
        BEGIN {
            n = split(svcs, a, " "); for (i = 1; i <= n; i++) if (a[i] != "0") svc[a[i]] = 1
            n = split(gws, a, " "); for (i = 1; i <= n; i++) if (a[i] != "0") gw[a[i]] = 1
        }
        $1 == "=machine" { machine = 1; next }
        machine {
            busy = 0
            for (i = 2; i <= NF; i++) if (i != 5 && i != 6) busy += $i
            next
        }
        {
            line = $0
            pid = $1
            sub(/^.*\) /, "", line)
            split(line, f, " ")
            # f[1] state, f[2] ppid, f[12] utime, f[13] stime, f[14] cutime, f[15] cstime
            t = f[12] + f[13]
            # The children of a service (the documents PDF renderer)
            # count as the service: live ones directly, exited ones
            # through the reaped-children times of the service.
            if (pid in svc) { s += t + f[14] + f[15]; su += f[12] + f[14] }
            else if (f[2] in svc) { s += t; su += f[12] }
            if (pid == pg) { p += t + f[14] + f[15]; pu += f[12] + f[14] }
            else if (f[2] == pg) { p += t; pu += f[12] }
            if ((pid in gw) || (f[2] in gw)) { g += t; gu += f[12] }
        }
        END { printf "%d %d %d %d %d %d %d\n", s, p, g, busy, su, pu, gu }'
}

# CPU ticks a process has used so far.
ticks_of() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
