"""The fault scenarios of make faults; each takes the checks and the cluster
class, drives the load (inner.py), breaks something, and checks."""
import json
import os
import signal
import subprocess
import threading
import time

import inner
from inner import REC, SERVICES, call, psql, say, send, start_load, stop_load


def cluster(cls, which):
    pg = json.loads(os.environ["FAULTS_PG"])
    c = pg[which]
    obj = cls(os.path.dirname(c["data"]), os.path.basename(c["data"]), c["port"], "")
    return obj


def steady(seconds):
    time.sleep(float(os.environ.get("FAULTS_SCALE", "1")) * seconds)


def readyz_probe(svc):
    return call("GET", "/readyz", base=("127.0.0.1", inner.service_port(svc)), timeout=5)


def same_services(ck, before):
    after = inner.service_pids()
    gone = [s for s in SERVICES if before.get(s) != after.get(s) or not inner.alive(after[s])]
    ck.check("every service kept running, none restarted", not gone, " ".join(gone))


def all_ready(ck, timeout=30):
    deadline = time.monotonic() + timeout
    waiting = list(SERVICES)
    while waiting and time.monotonic() < deadline:
        waiting = [s for s in waiting if readyz_probe(s).status != 200]
        if waiting:
            time.sleep(0.2)
    ck.check("every service ready again", not waiting, " ".join(waiting))


def answers_ok(ck, what):
    ck.check("no answer other than 2xx, 4xx or a 503 problem with Retry-After %s" % what,
             not REC.bad, "; ".join(REC.bad[:8]) + (" (%d in all)" % len(REC.bad)))


def figures(name, checked, extra=""):
    say("faults: figures %s acknowledged=%d checked=%d contested=%d answers: %s%s" %
        (name, len(REC.acks), checked, len(REC.contests), inner.answers_summary(), extra))


def progress_after(ck, mark, what, timeout=30):
    """Writes are acknowledged again after the fault (the system recovered
    by itself)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(REC.acks) <= mark:
        time.sleep(0.2)
    ck.check("writes acknowledged again %s" % what, len(REC.acks) > mark)


# ---------------------------------------------------------------- 1


def db_restart(ck, cls):
    """PostgreSQL stopped (fast shutdown) under load for a few seconds and
    started again: meanwhile every answer is a quick 503 problem with
    Retry-After and /readyz says 503 at once; afterwards everything works
    again with no service restarted."""
    pg = cluster(cls, "primary")
    pids = inner.service_pids()
    load = start_load()
    steady(6)
    REC.phase = "PostgreSQL down"
    pg.stop("fast")
    down_at = time.monotonic()
    probes = []
    while time.monotonic() - down_at < 6:
        for s in SERVICES:
            probes.append((s, readyz_probe(s)))
        time.sleep(0.3)
    pg.start()
    REC.phase = "PostgreSQL back"
    mark = len(REC.acks)
    up_at = time.monotonic()
    progress_after(ck, mark, "after PostgreSQL started again")
    say("note: writes acknowledged again %.1f s after PostgreSQL started" % (time.monotonic() - up_at))
    steady(6)
    stop_load(load)
    REC.phase = "read-back"
    not503 = ["%s %d" % (s, a.status) for s, a in probes if a.status != 503]
    slow = ["%s %.2fs" % (s, a.elapsed) for s, a in probes if a.elapsed > 0.5]
    ck.check("/readyz answered 503 while PostgreSQL was down (%d probes)" % len(probes), not not503,
             " ".join(not503[:10]))
    ck.check("/readyz answered within 0.5 s while PostgreSQL was down", not slow, " ".join(slow[:10]))
    ck.check("requests during the outage got 503 (%d)" % REC.by_status.get(503, 0),
             REC.by_status.get(503, 0) > 0)
    ck.check("every 503 came within %.1f s (slowest %.2f s)" % (inner.LIMIT_503, REC.max_503),
             REC.slow_503 == 0)
    answers_ok(ck, "while PostgreSQL was down")
    same_services(ck, pids)
    all_ready(ck)
    checked = inner.read_back(ck)
    figures("db_restart", checked)


# ---------------------------------------------------------------- 2


def failover(ck, cls):
    """The primary SIGKILLed under load; the synchronous standby promoted;
    the services find it through their multi-host DATABASE_URL
    (target_session_attrs=read-write) by themselves; no acknowledged write
    is lost."""
    primary = cluster(cls, "primary")
    standby = cluster(cls, "standby")
    url = inner.service_env("seals")["DATABASE_URL"]
    ck.check("the services' DATABASE_URL names both hosts, read-write",
             ",127.0.0.1:" in url and "target_session_attrs=read-write" in url, url.split("@")[-1])
    pids = inner.service_pids()
    load = start_load()
    steady(6)
    REC.phase = "primary lost"
    before = len(REC.acks)
    primary.kill9()
    killed_at = time.monotonic()
    time.sleep(2)
    standby.promote()
    say("note: standby promoted %.1f s after the primary was killed (%d writes acknowledged before)"
        % (time.monotonic() - killed_at, before))
    REC.phase = "after promotion"
    mark = len(REC.acks)
    progress_after(ck, mark, "on the promoted standby")
    say("note: writes acknowledged again %.1f s after the primary was killed" % (time.monotonic() - killed_at))
    steady(6)
    stop_load(load)
    REC.phase = "read-back"
    ck.check("the read-back reads the promoted standby",
             psql("SELECT pg_is_in_recovery()::text") == "false" and
             psql("SELECT current_setting('port')") == str(standby.port))
    answers_ok(ck, "through the failover")
    same_services(ck, pids)
    all_ready(ck)
    checked = inner.read_back(ck)
    figures("failover", checked)


# ---------------------------------------------------------------- 3


def busy_in_transaction(svc, timeout=5):
    """Waits until a backend of svc's role is inside a transaction."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        n = psql("SELECT count(*) FROM pg_stat_activity WHERE usename = '%s' "
                 "AND xact_start IS NOT NULL AND pid <> pg_backend_pid()" % svc)
        if n != "0":
            return True
    return False


def kill_mid_transaction(ck, cls):
    """Each service SIGKILLed under load while one of its connections is
    inside a transaction, then started again: the gateway answers 502 for
    it meanwhile, the client repeats with the same Idempotency-Key; nothing
    half-done is visible, and a create that had committed answers its
    original answer when repeated."""
    load = start_load()
    steady(4)
    caught = 0
    for svc in SERVICES:
        if svc == "identity":
            continue
        REC.allow = {0, 502, 503}
        REC.phase = "%s killed" % svc
        pid = inner.service_pids()[svc]
        caught += busy_in_transaction(svc)
        os.kill(pid, signal.SIGKILL)
        time.sleep(0.5)
        inner.start_service(svc)
        REC.phase = "%s started again" % svc
        steady(3)
    say("note: %d of 5 services were killed with a transaction open" % caught)
    ck.check("services were killed inside a transaction", caught >= 3)
    REC.allow = {503}
    REC.phase = "after the kills"
    mark = len(REC.acks)
    progress_after(ck, mark, "after every service was killed and started again")
    steady(3)
    stop_load(load)
    # A create that committed, its service killed before the repeat: the
    # repeat answers the original answer, once.
    key = "faults-replay-" + str(os.getpid())
    body = {"source_kind": "peer", "source_org": "区财政局", "kind": "report", "title": "故障演练：重放",
            "received_at": "2026-12-03T10:00:00+08:00"}
    first = send("POST", "/api/v1/incoming", inner.P.token["wenmi1"], body, key)
    os.kill(inner.service_pids()["documents"], signal.SIGKILL)
    time.sleep(0.3)
    inner.start_service("documents")
    again = send("POST", "/api/v1/incoming", inner.P.token["wenmi1"], body, key)
    ck.check("a committed create repeated after its service was killed answers the original answer",
             first.status == 201 and again.status == 201 and first.json() == again.json(),
             "%d %s / %d %s" % (first.status, first.body[:120], again.status, again.body[:120]))
    n = psql("SELECT count(*) FROM documents.incoming WHERE title = '故障演练：重放'")
    ck.check("and made one object", n == "1", n)
    answers_ok(ck, "(502 only while a service was down)")
    all_ready(ck)
    checked = inner.read_back(ck)
    figures("kill_mid_transaction", checked)


# ---------------------------------------------------------------- 5


def lock_timeout(ck, cls):
    """A row locked by hand: a request that needs it waits at most
    DB_LOCK_TIMEOUT_MS, answers 409 (or 503), and gives its connection
    back, so that more such requests than the pool has connections all
    get their answer and other requests are served meanwhile."""
    lock_ms = int(inner.service_env("printing").get("DB_LOCK_TIMEOUT_MS", "2000"))
    load = start_load(3)
    steady(3)
    job = send("POST", "/api/v1/print-jobs", inner.P.token["zonghe1"],
               {"kind": "print", "title": "故障演练：锁", "pages": 10, "copies": 30}, "faults-lock-1").json()
    hold = subprocess.Popen(["psql", "-X", "-q", inner.ADMIN_URL + ("&" if "?" in inner.ADMIN_URL else "?") + "application_name=faults-lock", "-c",
                             "BEGIN; SELECT 1 FROM printing.print_jobs WHERE id = %d FOR UPDATE; "
                             "SELECT pg_sleep(30); COMMIT;" % job["id"]],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and psql(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE c.relname = 'print_jobs' AND l.mode = 'RowShareLock' AND l.granted") == "0":
            time.sleep(0.1)
        pool = int(inner.service_env("printing").get("DB_POOL_SIZE", "0") or 0) or 8
        answers = []
        for i in range(pool + 4):
            a = call("POST", "/api/v1/print-jobs/%d/approve" % job["id"], inner.P.token["director"],
                     {"comment": "同意"})
            answers.append(a)
        statuses = sorted({a.status for a in answers})
        slowest = max(a.elapsed for a in answers)
        ck.check("every request on the locked row answered 409 or 503 (%d: %s)" % (len(answers), statuses),
                 set(statuses) <= {409, 503} and all(
                     a.headers.get("content-type", "").startswith("application/problem+json") for a in answers))
        ck.check("each within DB_LOCK_TIMEOUT_MS (%d ms) and a second (slowest %.2f s)" % (lock_ms, slowest),
                 slowest < lock_ms / 1000.0 + 1.0)
        other = call("GET", "/api/v1/print-jobs?limit=5", inner.P.token["director"])
        ck.check("other requests are served while the row stays locked", other.status == 200 and
                 other.elapsed < 1.0, "%d %.2fs" % (other.status, other.elapsed))
    finally:
        psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'faults-lock'")
        hold.wait()
    deadline = time.monotonic() + 10
    a = None
    while time.monotonic() < deadline:
        a = call("POST", "/api/v1/print-jobs/%d/approve" % job["id"], inner.P.token["director"],
                 {"comment": "同意"})
        if a.status != 409 or a.code() != "resource.conflict":
            break
        time.sleep(0.2)
    ck.check("the row unlocked, the approval goes through", a is not None and a.status == 200,
             "%s %s" % (a and a.status, a and a.body[:200]))
    stop_load(load)
    metrics = call("GET", "/metrics", base=("127.0.0.1", inner.service_port("printing"))).body
    in_use = [l for l in metrics.splitlines() if 'state="in_use"' in l]
    ck.check("every connection back in the pool (%s)" % (in_use[0].split()[-1] if in_use else "?"),
             in_use and in_use[0].split()[-1] == "0")
    answers_ok(ck, "")
    checked = inner.read_back(ck)
    figures("lock_timeout", checked)


# ---------------------------------------------------------------- 4


def graceful_stop(ck, cls):
    import graceful

    graceful.run(ck, cls)
