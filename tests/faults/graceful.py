"""Scenario graceful_stop: two copies of every service behind the gateway and
a rolling restart of all of them under load, with no 5xx at the client.

A second copy of each service is started here on a port of its own and
added to its upstream in the running gateway's configuration (then nginx
reloads). Each copy in turn gets SIGTERM: /readyz must answer 503 at once,
a request already in flight (held on a locked row) must finish with its
answer, the copy must exit within its grace period, and is started again.
"""
import os
import re
import signal
import subprocess
import threading
import time

import inner
from inner import REC, SERVICES, call, psql, say, send, start_load, stop_load

GRACE = 25
DELAY_MS = 500


def add_second_copies():
    ports = {}
    for svc in SERVICES:
        # the faults' own port reservation (faults.py), not the runner's
        from faults import free_port

        ports[svc] = free_port()
    second = {}
    for svc in SERVICES:
        p = inner.start_service(svc, {"PORT": str(ports[svc])})
        second[svc] = p
    conf_path = os.path.join(inner.STATE, "nginx", "nginx.conf")
    with open(conf_path) as f:
        conf = f.read()
    for svc in SERVICES:
        first = inner.service_port(svc)
        conf, n = re.subn(r"(upstream %s \{\n\s*server 127\.0\.0\.1:%d;\n)" % (svc, first),
                          r"\g<1>        server 127.0.0.1:%d;\n" % ports[svc], conf)
        if n != 1:
            raise RuntimeError("no upstream block for %s in %s" % (svc, conf_path))
    with open(conf_path, "w") as f:
        f.write(conf)
    with open(os.path.join(inner.STATE, "nginx", "nginx.pid")) as f:
        os.kill(int(f.read().strip()), signal.SIGHUP)
    time.sleep(1.5)
    return ports, second


def stop_copy(svc, pid, port, results):
    """SIGTERM one copy: /readyz 503 at once, then gone within the grace."""
    t0 = time.monotonic()
    os.kill(pid, signal.SIGTERM)
    # The signal is taken by the service's main thread: ask until it says 503.
    while True:
        probe = call("GET", "/readyz", base=("127.0.0.1", port), timeout=2)
        probe.elapsed = time.monotonic() - t0
        if probe.status != 200 or probe.elapsed > 0.5:
            break
        time.sleep(0.01)
    while inner.alive(pid) and time.monotonic() - t0 < GRACE + 10:
        time.sleep(0.05)
    results[svc] = (probe.status, probe.elapsed, not inner.alive(pid), time.monotonic() - t0)


def in_flight_finishes(ck, port, pid):
    """A request waiting on a row lock when SIGTERM comes gets its answer."""
    job = send("POST", "/api/v1/print-jobs", inner.P.token["zonghe2"],
               {"kind": "print", "title": "故障演练：停机时在途", "pages": 10, "copies": 30}, "faults-inflight").json()
    hold = subprocess.Popen(["psql", "-X", "-q", inner.ADMIN_URL, "-c",
                             "BEGIN; SELECT 1 FROM printing.print_jobs WHERE id = %d FOR UPDATE; "
                             "SELECT pg_sleep(1.2); COMMIT;" % job["id"]],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.3)
    answer = {}

    def approve():
        answer["a"] = call("POST", "/api/v1/print-jobs/%d/approve" % job["id"], inner.P.token["director"],
                           {"comment": "同意"}, base=("127.0.0.1", port))

    t = threading.Thread(target=approve)
    t.start()
    time.sleep(0.3)
    os.kill(pid, signal.SIGTERM)
    t.join()
    hold.wait()
    a = answer["a"]
    ck.check("a request in flight when SIGTERM came got its answer (%d in %.2f s)" % (a.status, a.elapsed),
             a.status == 200, a.body[:200])
    deadline = time.monotonic() + GRACE + 10
    while inner.alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not inner.alive(pid)


def run(ck, cls):
    REC.allow = set()
    first = inner.service_pids()
    ports, second = add_second_copies()
    say("note: second copies on %s" % " ".join("%s:%d" % (s, ports[s]) for s in SERVICES))
    load = start_load()
    time.sleep(4)
    REC.phase = "rolling restart"
    stats = []
    # Copy one of every service at once, then copy two.
    for copy in ("first", "second"):
        results = {}
        ts = []
        for svc in SERVICES:
            if copy == "first":
                pid, port = first[svc], inner.service_port(svc)
            else:
                pid, port = second[svc].pid, ports[svc]
            if svc == "printing" and copy == "first":
                # printing's first copy: prove a request in flight finishes.
                ts.append(threading.Thread(target=lambda p=port, q=pid: results.__setitem__(
                    "printing", ("inflight", 0, in_flight_finishes(ck, p, q), 0))))
            else:
                ts.append(threading.Thread(target=stop_copy, args=(svc, pid, port, results)))
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        for svc, (status, elapsed, gone, took) in sorted(results.items()):
            stats.append("%s/%s %.1fs" % (svc, copy, took))
            if status != "inflight":
                ck.check("%s (%s copy): /readyz 503 right after SIGTERM (%s in %.2f s)" % (svc, copy, status, elapsed),
                         status == 503 and elapsed < 0.5)
            ck.check("%s (%s copy): exited within its grace period" % (svc, copy), gone)
        for svc in SERVICES:
            extra = {} if copy == "first" else {"PORT": str(ports[svc])}
            inner.start_service(svc, extra)
        # The gateway keeps a copy that refused a connection out of its
        # upstream for fail_timeout (10 s, nginx's passive health check):
        # the next copy stops only once this one is back in.
        time.sleep(11)
    say("note: stop times %s" % " ".join(stats))
    REC.phase = "after the rolling restart"
    time.sleep(3)
    stop_load(load)
    REC.phase = "read-back"
    ck.check("no 5xx and no broken connection at the client during the rolling restart "
             "(answers: %s)" % inner.answers_summary(), not REC.bad, "; ".join(REC.bad[:8]))
    checked = inner.read_back(ck)
    say("faults: figures graceful_stop acknowledged=%d checked=%d contested=%d answers: %s" %
        (len(REC.acks), checked, len(REC.contests), inner.answers_summary()))
