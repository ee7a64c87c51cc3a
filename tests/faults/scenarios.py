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


def login_churn(stop):
    """Logins in a loop (identity's writes: the refresh token, the login
    record, the audit event), so that identity too is killed with a
    transaction open."""
    while not stop.is_set():
        send("POST", "/api/v1/auth/login", None, {"username": "xinxi1", "password": "demo123"},
             patience=30)


def audit_chain_intact(ck, what):
    """The audit chain of every service, yesterday to tomorrow (the office's
    day and UTC's), recomputed by identity: no event half-written."""
    admin = send("POST", "/api/v1/auth/login", None, {"username": "admin", "password": "demo123"})
    if admin.status != 200:
        ck.check("the administrator logs in to check the audit chain", False,
                 "%d %s" % (admin.status, admin.body[:160]))
        return
    day = 86400
    frm = time.strftime("%Y-%m-%d", time.gmtime(time.time() - day))
    to = time.strftime("%Y-%m-%d", time.gmtime(time.time() + day))
    v = send("GET", "/api/v1/audit-events/verify?from=%s&to=%s" % (frm, to),
             admin.json()["access_token"])
    j = v.json() or {}
    ck.check("the audit chain is intact %s (%s events checked)" % (what, j.get("events_checked")),
             v.status == 200 and j.get("intact") is True and j.get("events_checked", 0) > 0,
             "%d %s" % (v.status, v.body[:300]))


def kill_mid_transaction(ck, cls):
    """Each service, identity included, SIGKILLed under load while one of
    its connections is inside a transaction, then started again: the
    gateway answers 502 for it meanwhile, the client repeats with the same
    Idempotency-Key; nothing half-done is visible (the read-back, the
    numbered series, the audit chain), and a create that had committed
    answers its original answer when repeated. While identity is down the
    other services go on serving (tokens are checked with the public key);
    once it is back, logins work again."""
    load = start_load()
    churn_stop = threading.Event()
    churn = threading.Thread(target=login_churn, args=(churn_stop,), daemon=True)
    churn.start()
    steady(4)
    caught = []
    for svc in SERVICES:
        REC.allow = {0, 502, 503}
        REC.phase = "%s killed" % svc
        pid = inner.service_pids()[svc]
        if busy_in_transaction(svc):
            caught.append(svc)
        mark = len(REC.acks)
        os.kill(pid, signal.SIGKILL)
        if svc == "identity":
            # The others keep acknowledging writes while identity is down.
            deadline = time.monotonic() + 8
            while time.monotonic() < deadline and len(REC.acks) <= mark:
                time.sleep(0.1)
            ck.check("writes are acknowledged while identity is down", len(REC.acks) > mark,
                     "%d then %d" % (mark, len(REC.acks)))
        else:
            time.sleep(0.5)
        inner.start_service(svc)
        REC.phase = "%s started again" % svc
        if svc == "identity":
            a = send("POST", "/api/v1/auth/login", None, {"username": "zonghe2", "password": "demo123"})
            ck.check("identity killed and started again: a login works", a.status == 200,
                     "%d %s" % (a.status, a.body[:160]))
        steady(3)
    churn_stop.set()
    churn.join(timeout=40)
    say("note: %d of %d services were killed with a transaction open: %s" %
        (len(caught), len(SERVICES), " ".join(caught)))
    ck.check("services were killed inside a transaction (%d of %d)" % (len(caught), len(SERVICES)),
             len(caught) >= 4)
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
    audit_chain_intact(ck, "after every service was killed mid-transaction")
    checked = inner.read_back(ck)
    figures("kill_mid_transaction", checked)


# ---------------------------------------------------------------- 5


def pool_gauge(svc, state):
    """The service's oa_db_pool_connections gauge of that state, as its
    /metrics gives it (text), or None."""
    metrics = call("GET", "/metrics", base=("127.0.0.1", inner.service_port(svc))).body
    for l in metrics.splitlines():
        if l.startswith("oa_db_pool_connections") and 'state="%s"' % state in l:
            return l.split()[-1]
    return None


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
                "JOIN pg_stat_activity s ON s.pid = l.pid WHERE c.relname = 'print_jobs' "
                "AND l.mode = 'RowShareLock' AND l.granted "
                "AND s.application_name = 'faults-lock'") == "0":
            time.sleep(0.1)
        # The pool's size as the service counts it (its default follows the
        # CPUs it may use).
        pool = int(pool_gauge("printing", "total"))
        answers = []
        # The first request is watched from the database: it must really
        # wait for the row's lock (not be refused before it asks).
        first = {}
        t = threading.Thread(target=lambda: first.update(a=call(
            "POST", "/api/v1/print-jobs/%d/approve" % job["id"], inner.P.token["director"],
            {"comment": "同意"})))
        t.start()
        waited = False
        while t.is_alive():
            waited = waited or psql(
                "SELECT count(*) FROM pg_stat_activity WHERE usename = 'printing' "
                "AND wait_event_type = 'Lock'") != "0"
            time.sleep(0.05)
        t.join()
        answers.append(first["a"])
        ck.check("the first request waited for the row's lock in PostgreSQL (%.2f s)" % first["a"].elapsed,
                 waited and first["a"].elapsed >= 0.8 * lock_ms / 1000.0)
        for i in range(pool + 3):
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
    statement_timeout(ck)
    stop_load(load)
    in_use = pool_gauge("printing", "in_use")
    ck.check("every connection back in the pool (%s)" % (in_use or "?"), in_use == "0")
    answers_ok(ck, "")
    checked = inner.read_back(ck)
    figures("lock_timeout", checked)


def statement_timeout(ck):
    """A statement that runs too long: a trigger added by hand sleeps in
    the UPDATE of one print job, so its approvals run past
    DB_STATEMENT_TIMEOUT_MS. PostgreSQL cancels each statement; each
    request answers 503 (problem+json, Retry-After) within the timeout and
    a second, no backend is left sleeping, other requests are served
    meanwhile, and once the trigger is gone the approval goes through."""
    stmt_ms = int(inner.service_env("printing").get("DB_STATEMENT_TIMEOUT_MS", "5000"))
    job = send("POST", "/api/v1/print-jobs", inner.P.token["zonghe1"],
               {"kind": "print", "title": "故障演练：慢", "pages": 10, "copies": 30}, "faults-slow-1").json()
    psql("CREATE FUNCTION printing.faults_slow() RETURNS trigger LANGUAGE plpgsql AS "
         "$$BEGIN PERFORM pg_sleep(120); RETURN NEW; END$$; "
         "CREATE TRIGGER faults_slow BEFORE UPDATE ON printing.print_jobs FOR EACH ROW "
         "WHEN (OLD.id = %d) EXECUTE FUNCTION printing.faults_slow()" % job["id"])
    try:
        # One after the other: at once, the second would wait for the
        # first's row lock and meet the lock timeout instead.
        answers = []
        threads = [threading.Thread(target=lambda: answers.extend(call(
            "POST", "/api/v1/print-jobs/%d/approve" % job["id"], inner.P.token["director"],
            {"comment": "同意"}, timeout=stmt_ms / 1000.0 + 10) for _ in range(2)))]
        for t in threads:
            t.start()
        sleeping = False
        deadline = time.monotonic() + stmt_ms / 1000.0
        while time.monotonic() < deadline and not sleeping:
            sleeping = psql("SELECT count(*) FROM pg_stat_activity WHERE usename = 'printing' "
                            "AND wait_event = 'PgSleep'") != "0"
            time.sleep(0.05)
        other = call("GET", "/api/v1/print-jobs?limit=5", inner.P.token["director"])
        for t in threads:
            t.join()
        ck.check("the approvals' statement ran long in PostgreSQL (a backend in pg_sleep)", sleeping)
        ck.check("other requests are served while statements run long", other.status == 200,
                 "%d %.2fs" % (other.status, other.elapsed))
        statuses = [a.status for a in answers]
        ck.check("every request whose statement ran too long answered 503 problem+json with "
                 "Retry-After (%s)" % statuses,
                 all(a.status == 503 and a.headers.get("content-type", "").startswith(
                     "application/problem+json") and "retry-after" in a.headers for a in answers),
                 "; ".join("%d %s" % (a.status, a.body[:120]) for a in answers))
        slowest = max(a.elapsed for a in answers)
        fastest = min(a.elapsed for a in answers)
        ck.check("each after DB_STATEMENT_TIMEOUT_MS (%d ms) and within a second more "
                 "(%.2f to %.2f s)" % (stmt_ms, fastest, slowest),
                 fastest >= 0.8 * stmt_ms / 1000.0 and slowest < stmt_ms / 1000.0 + 1.0)
        left = psql("SELECT count(*) FROM pg_stat_activity WHERE usename = 'printing' "
                    "AND wait_event = 'PgSleep'")
        ck.check("no statement is left running after its timeout", left == "0", left)
    finally:
        psql("DROP TRIGGER IF EXISTS faults_slow ON printing.print_jobs; "
             "DROP FUNCTION IF EXISTS printing.faults_slow()")
    a = call("POST", "/api/v1/print-jobs/%d/approve" % job["id"], inner.P.token["director"],
             {"comment": "同意"})
    ck.check("the trigger gone, the approval goes through", a.status == 200,
             "%d %s" % (a.status, a.body[:200]))


# ---------------------------------------------------------------- 4


def graceful_stop(ck, cls):
    import graceful

    graceful.run(ck, cls)
