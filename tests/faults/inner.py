"""One fault scenario against the running system (see faults.py).

The load: worker threads run flows in every service, each create sent with
an Idempotency-Key and repeated with the same key while the answer is a
connection error, 502, 503 or 504 (or 409 request.idempotency_conflict /
db.retry); each approval is sent twice at once (a contested approval) and
each side is repeated the same way until it gets a definite answer. Every
2xx create is recorded (kind, id, what it answered) and every answer is
counted by status. Afterwards every recorded write is read back.
"""
import http.client
import json
import os
import re
import signal
import subprocess
import threading
import time
import urllib.parse
import uuid

GATEWAY = urllib.parse.urlparse(os.environ["GATEWAY_URL"])
ADMIN_URL = os.environ["ADMIN_DATABASE_URL"]
STATE = os.environ["STATE_DIR"]
BIN_DIR = os.environ["BIN_DIR"]
SERVICES = ["identity", "documents", "attendance", "printing", "seals", "meetings"]
RETRYABLE = {0, 502, 503, 504}
RETRY_CODES = {"request.idempotency_conflict", "db.retry"}


def say(*a):
    print(*a, flush=True)


def psql(q, url=ADMIN_URL):
    return subprocess.run(["psql", "-X", "-q", "-tA", "-F", "\t", url, "-c", q], check=True,
                          capture_output=True, text=True).stdout.strip()


# ---------------------------------------------------------------- HTTP


class Answer:
    def __init__(self, status, headers, body, elapsed):
        self.status = status
        self.headers = headers
        self.body = body
        self.elapsed = elapsed

    def json(self):
        try:
            return json.loads(self.body)
        except (ValueError, TypeError):
            return None

    def code(self):
        j = self.json()
        return j.get("code") if isinstance(j, dict) else None


_local = threading.local()


def call(method, path, token=None, body=None, key=None, timeout=15, base=None):
    host, port = (base or (GATEWAY.hostname, GATEWAY.port))
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    data = None
    if body is not None:
        data = json.dumps(body, ensure_ascii=False).encode()
        headers["Content-Type"] = "application/json"
    if key:
        headers["Idempotency-Key"] = key
    t0 = time.monotonic()
    conns = getattr(_local, "conns", None)
    if conns is None:
        conns = _local.conns = {}
    if base:
        # Straight to a service (its /readyz, /metrics): a connection of its
        # own, closed after the answer, so that none stays open and holds
        # up a graceful stop.
        headers["Connection"] = "close"
        conns = {}
    for attempt in range(2):
        conn = conns.get((host, port))
        fresh = conn is None
        if fresh:
            conn = conns[(host, port)] = http.client.HTTPConnection(host, port, timeout=timeout)
        try:
            conn.request(method, path, body=data, headers=headers)
            r = conn.getresponse()
            raw = r.read()
            hdrs = {k.lower(): v for k, v in r.getheaders()}
            if base or hdrs.get("connection", "").lower() == "close":
                conn.close()
                conns.pop((host, port), None)
            return Answer(r.status, hdrs, raw.decode("utf-8", "replace"), time.monotonic() - t0)
        except (OSError, http.client.HTTPException):
            conn.close()
            conns.pop((host, port), None)
            # A kept-alive connection the gateway had closed: once more on a new one.
            if not fresh and attempt == 0 and time.monotonic() - t0 < 1:
                continue
            return Answer(0, {}, "", time.monotonic() - t0)
    return Answer(0, {}, "", time.monotonic() - t0)


class Record:
    """What the client saw: every answer by status, the 5xx in detail, the
    acknowledged writes and the contested approvals."""

    def __init__(self):
        self.lock = threading.Lock()
        self.by_status = {}
        self.bad = []  # answers the scenario does not allow
        self.slow_503 = 0
        self.max_503 = 0.0
        self.acks = []
        self.contests = []
        self.allow = {503}  # statuses (besides 2xx, 4xx) allowed right now
        self.phase = "load"

    def note(self, a, method, path):
        with self.lock:
            self.by_status[a.status] = self.by_status.get(a.status, 0) + 1
            if a.status == 503:
                self.max_503 = max(self.max_503, a.elapsed)
                problem = a.headers.get("content-type", "").startswith("application/problem+json")
                if not problem or "retry-after" not in a.headers:
                    self.bad.append("503 without problem+json or Retry-After: %s %s" % (method, path))
                if a.elapsed > LIMIT_503:
                    self.slow_503 += 1
            if (a.status >= 500 or a.status == 0) and a.status not in self.allow:
                self.bad.append("%s %s answered %d in %.2fs (%s) during %s" %
                                (method, path, a.status, a.elapsed, a.body[:160], self.phase))

    def ack(self, **kw):
        with self.lock:
            self.acks.append(kw)


LIMIT_503 = float(os.environ.get("FAULTS_503_SECONDS", "3.0"))
REC = Record()
STOP = threading.Event()


def send(method, path, token, body=None, key=None, patience=120):
    """Sends until the answer is definite (not a connection error, 502,
    503, 504, nor a 409 to come back later), the same Idempotency-Key each
    time; gives up after `patience` seconds (returns the last answer)."""
    deadline = time.monotonic() + patience
    while True:
        a = call(method, path, token, body, key)
        REC.note(a, method, path)
        if a.status not in RETRYABLE and not (a.status == 409 and a.code() in RETRY_CODES):
            return a
        if time.monotonic() > deadline:
            return a
        try:
            wait = float(a.headers.get("retry-after", "0.2"))
        except ValueError:
            wait = 0.2
        time.sleep(min(max(wait, 0.05), 0.5))


# ---------------------------------------------------------------- people


class People:
    def __init__(self):
        self.token = {}
        self.id = {}
        self.by_id = {}

    def login(self, names):
        for n in names:
            a = send("POST", "/api/v1/auth/login", None, {"username": n, "password": "demo123"})
            if a.status != 200:
                raise RuntimeError("login %s: %d %s" % (n, a.status, a.body[:200]))
            self.token[n] = a.json()["access_token"]
            me = send("GET", "/api/v1/me", self.token[n]).json()
            self.id[n] = me["id"]
            self.by_id[me["id"]] = n


P = People()
APPLICANTS = ["zonghe1", "zonghe2", "xinxi1", "sec1", "sec2", "wenmi1", "custodian"]
LEADERS = ["zonghe_chief", "wenmi_chief", "deputy_gov", "deputy2", "deputy3", "director", "mayor"]


def dept_id(name):
    return int(psql("SELECT id FROM identity.departments WHERE name = '%s'" % name))


# ---------------------------------------------------------------- flows


def contest(kind, obj_id, path, who_a, who_b, body):
    """Two approvals of one step at once: exactly one may win."""
    results = [None, None]

    def one(i, who):
        results[i] = send("POST", path, P.token[who], body)

    ts = [threading.Thread(target=one, args=(i, w)) for i, w in enumerate((who_a, who_b))]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    winners = [r for r in results if 200 <= r.status < 300]
    undecided = [r for r in results if r.status in RETRYABLE]
    losers = [r for r in results if r.status == 409]
    with REC.lock:
        REC.contests.append({"kind": kind, "id": obj_id, "winners": len(winners),
                             "undecided": len(undecided), "losers": len(losers),
                             "statuses": [r.status for r in results]})
    return winners[0] if winners else None


class Dates:
    """Each applicant's next free half-day, on working days from 2030."""

    def __init__(self):
        self.lock = threading.Lock()
        self.n = {}

    def next(self, who):
        with self.lock:
            k = self.n.get(who, 0)
            self.n[who] = k + 1
        day, half = divmod(k, 2)
        week, dow = divmod(day, 5)
        t = time.mktime((2030, 1, 7 + week * 7 + dow, 12, 0, 0, 0, 0, 0))
        return time.strftime("%Y-%m-%d", time.localtime(t)), ("am", "pm")[half]


DATES = Dates()


def flow_leave(w, n):
    who = APPLICANTS[(w + n) % len(APPLICANTS)]
    day, half = DATES.next(who)
    key = str(uuid.uuid4())
    a = send("POST", "/api/v1/leave-requests", P.token[who],
             {"kind": "private", "reason": "故障演练：家中有事", "start_date": day, "start_half": half,
              "end_date": day, "end_half": half}, key)
    if a.status != 201:
        return note_refusal("leave", a)
    j = a.json()
    REC.ack(kind="leave", id=j["id"], owner=who, key=key)
    approver = P.by_id.get(j.get("current_approver_id"))
    if approver:
        contest("leave", j["id"], "/api/v1/leave-requests/%d/approve" % j["id"], approver, approver,
                {"comment": "同意"})


def flow_seal(w, n):
    who = APPLICANTS[(w + n) % 5]
    key = str(uuid.uuid4())
    a = send("POST", "/api/v1/seal-requests", P.token[who],
             {"seal_id": SEAL_ID, "matter": "general", "document_number": "演练〔2026〕%d-%d号" % (w, n),
              "content": "故障演练：用印申请", "using_unit": "船营区人民政府办公室", "copies": 2}, key)
    if a.status != 201:
        return note_refusal("seal", a)
    j = a.json()
    REC.ack(kind="seal", id=j["id"], owner=who, key=key)
    ids = j.get("required_approval", {}).get("approver_ids", [])
    approver = P.by_id.get(ids[0]) if ids else None
    if approver:
        contest("seal", j["id"], "/api/v1/seal-requests/%d/approve" % j["id"], approver, approver,
                {"comment": "同意"})


def flow_print(w, n):
    who = ["zonghe1", "zonghe2", "zonghe_chief"][(w + n) % 3]
    key = str(uuid.uuid4())
    a = send("POST", "/api/v1/print-jobs", P.token[who],
             {"kind": "print", "title": "故障演练：会议材料 %d-%d" % (w, n), "pages": 10, "copies": 30}, key)
    if a.status != 201:
        return note_refusal("print", a)
    j = a.json()
    REC.ack(kind="print", id=j["id"], owner=who, key=key)
    steps = j.get("required_approvals") or []
    ids = [P.by_id.get(i) for i in (steps[0].get("approver_ids") if steps else [])]
    ids = [i for i in ids if i]
    if ids:
        # Two different signers, each entitled: the first one wins.
        contest("print", j["id"], "/api/v1/print-jobs/%d/approve" % j["id"], ids[0], ids[-1],
                {"comment": "同意"})


def flow_incoming(w, n):
    key = str(uuid.uuid4())
    a = send("POST", "/api/v1/incoming", P.token["wenmi1"],
             {"source_kind": "superior", "source_org": "市政府办公室", "kind": "document",
              "title": "故障演练来文 %d-%d %s" % (w, n, key[:8]),
              "received_at": "2026-12-03T09:00:00+08:00"}, key)
    if a.status != 201:
        return note_refusal("incoming", a)
    j = a.json()
    REC.ack(kind="incoming", id=j["id"], owner="wenmi1", key=key, number=j["registry_number"])


def flow_outgoing(w, n):
    who = ["zonghe1", "zonghe2", "xinxi1"][(w + n) % 3]
    key = str(uuid.uuid4())
    a = send("POST", "/api/v1/documents", P.token[who],
             {"issuer": "government_office", "doc_type": "notice",
              "title": "关于故障演练第%d-%d号事项的通知" % (w, n), "body": "各科室：\n现将有关事项通知如下。",
              "main_recipients": "各科室", "print_count": 3}, key)
    if a.status != 201:
        return note_refusal("document", a)
    doc = a.json()["id"]
    REC.ack(kind="document", id=doc, owner=who, key=key)
    base = "/api/v1/documents/%d/" % doc
    for action, actor, body in (("submit", who, {}),
                                ("forward", "wenmi1", {"signer_id": P.id["director"]}),
                                ("sign", "director", {}),
                                ("approve-proof", "wenmi1", {})):
        a = send("POST", base + action, P.token[actor], body)
        if a.status != 200:
            # A step whose first answer was lost and was applied: its repeat
            # is refused for the state; read where the document is.
            if a.status == 409:
                continue
            return note_refusal("document " + action, a)
    win = contest("document", doc, base + "assign-number", "wenmi1", "wenmi1", {})
    if win:
        with REC.lock:
            for r in REC.acks:
                if r["kind"] == "document" and r["id"] == doc:
                    r["number"] = win.json().get("doc_number")


def flow_meeting(w, n):
    key = str(uuid.uuid4())
    a = send("POST", "/api/v1/meetings", P.token["director"],
             {"title": "故障演练：主任会议 %d-%d" % (w, n), "kind": "urgent",
              "scheduled_at": "2030-01-07T09:00:00+08:00", "location": "第一会议室", "participant_ids": []},
             key)
    if a.status != 201:
        return note_refusal("meeting", a)
    mid = a.json()["id"]
    REC.ack(kind="meeting", id=mid, owner="director", key=key)
    key = str(uuid.uuid4())
    a = send("POST", "/api/v1/meetings/%d/topics" % mid, P.token["wenmi1"],
             {"title": "故障演练议题", "category": "general", "department_id": ZONGHE,
              "presenter_id": P.id["zonghe_chief"], "summary": "s", "explanation": "e",
              "recommendation": "r"}, key)
    if a.status != 201:
        return note_refusal("topic", a)
    tid = a.json()["id"]
    REC.ack(kind="topic", id=tid, owner="wenmi1", key=key)
    contest("topic", tid, "/api/v1/topics/%d/approve" % tid, "deputy2", "deputy2", {"comment": "同意"})


FLOWS = [flow_leave, flow_seal, flow_print, flow_incoming, flow_outgoing, flow_meeting]
REFUSALS = []


def note_refusal(what, a):
    with REC.lock:
        REFUSALS.append("%s: %d %s" % (what, a.status, a.body[:200]))


def worker(w):
    n = 0
    while not STOP.is_set():
        FLOWS[(w + n) % len(FLOWS)](w, n)
        n += 1


def start_load(workers=None):
    workers = workers or int(os.environ.get("FAULTS_WORKERS", "6"))
    ts = [threading.Thread(target=worker, args=(w,), daemon=True) for w in range(workers)]
    for t in ts:
        t.start()
    return ts


def stop_load(ts):
    STOP.set()
    for t in ts:
        t.join(timeout=180)
    STOP.clear()


# ---------------------------------------------------------------- checks


class Checks:
    def __init__(self, scenario):
        self.scenario = scenario
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            say("ok   %s: %s" % (self.scenario, name))
        else:
            self.failed += 1
            say("FAIL %s: %s %s" % (self.scenario, name, detail))
        return ok


READ_PATH = {"leave": "/api/v1/leave-requests/%d", "seal": "/api/v1/seal-requests/%d",
             "print": "/api/v1/print-jobs/%d", "incoming": "/api/v1/incoming/%d",
             "document": "/api/v1/documents/%d", "meeting": "/api/v1/meetings/%d",
             "topic": "/api/v1/topics/%d"}
APPROVED = {"leave": {"approved"}, "seal": {"approved"}, "print": {"ready"},
            "document": {"numbered"}, "topic": {"approved"}}


def series_gaps(rows):
    """Numbers of each series (prefix and year) must run 1..n once each."""
    series = {}
    for r in rows:
        m = re.match(r"^(.*〔\d{4}〕)(\d+)号$", r)
        if not m:
            return ["unreadable number %r" % r]
        series.setdefault(m.group(1), []).append(int(m.group(2)))
    bad = []
    for s, nums in series.items():
        nums.sort()
        if nums != list(range(1, len(nums) + 1)):
            dup = sorted({x for x in nums if nums.count(x) > 1})
            missing = sorted(set(range(1, nums[-1] + 1)) - set(nums))
            bad.append("%s: %d numbers, duplicates %s, missing %s" % (s, len(nums), dup[:10], missing[:10]))
    return bad


def read_back(ck):
    """Every acknowledged write is there as acknowledged; every numbered
    series is gapless; every contested approval had one winner."""
    missing, wrong = [], []
    contested = {(c["kind"], c["id"]): c for c in REC.contests}
    for r in REC.acks:
        a = send("GET", READ_PATH[r["kind"]] % r["id"], P.token[r["owner"]])
        if a.status != 200:
            missing.append("%s %d: %d" % (r["kind"], r["id"], a.status))
            continue
        j = a.json()
        if j.get("id") != r["id"]:
            wrong.append("%s %d: read back id %s" % (r["kind"], r["id"], j.get("id")))
        if r.get("number") and r["number"] not in (j.get("registry_number"), j.get("doc_number")):
            wrong.append("%s %d: number %s, read back %s" % (r["kind"], r["id"], r["number"],
                                                            j.get("registry_number") or j.get("doc_number")))
        c = contested.get((r["kind"], r["id"]))
        if c and r["kind"] in APPROVED and j.get("state") not in APPROVED[r["kind"]]:
            if not (r["kind"] == "leave" and j.get("state") == "pending" and c["winners"] == 1):
                wrong.append("%s %d: contested approval done, state %s" % (r["kind"], r["id"], j.get("state")))
    ck.check("every acknowledged write reads back (%d)" % len(REC.acks), not missing and REC.acks,
             "; ".join(missing[:10]))
    ck.check("every write reads back as acknowledged", not wrong, "; ".join(wrong[:10]))
    # The same Idempotency-Key never made two objects.
    keys = [r["key"] for r in REC.acks]
    ck.check("one object per Idempotency-Key", len(keys) == len(set(keys)))
    ids = [(r["kind"], r["id"]) for r in REC.acks]
    ck.check("no acknowledged id twice", len(ids) == len(set(ids)))
    numbers = psql("SELECT registry_number FROM documents.incoming").split("\n")
    numbers += [x for x in psql("SELECT doc_number FROM documents.documents WHERE doc_number IS NOT NULL")
                .split("\n") if x]
    gaps = series_gaps([x for x in numbers if x])
    ck.check("numbered series without gap or duplicate (%d numbers)" % len(numbers), not gaps,
             "; ".join(gaps))
    many = [c for c in REC.contests if c["winners"] > 1]
    none = [c for c in REC.contests if c["winners"] == 0 and c["undecided"] == 0 and c["losers"] < 2]
    ck.check("exactly one winner of each contested approval (%d)" % len(REC.contests),
             not many and not none, "; ".join(str(c) for c in (many + none)[:5]))
    # Nothing half-done: every object the load made has the rows made with it.
    half = psql("""
        SELECT 'leave ' || id FROM attendance.leave_requests r
         WHERE NOT EXISTS (SELECT 1 FROM attendance.leave_steps s WHERE s.request_id = r.id)
        UNION ALL
        SELECT 'print ' || id FROM printing.print_jobs j WHERE is_large
           AND NOT EXISTS (SELECT 1 FROM printing.print_job_steps s WHERE s.job_id = j.id)
        UNION ALL
        SELECT 'incoming ' || id FROM documents.incoming i
         WHERE NOT EXISTS (SELECT 1 FROM documents.incoming_entries e WHERE e.incoming_id = i.id)
        LIMIT 10""")
    ck.check("nothing half-done (every leave has its steps, every large print job its "
             "signatures, every incoming item its register entry)", not half, half)
    return len(REC.acks)


def answers_summary():
    return " ".join("%s=%d" % (k, v) for k, v in sorted(REC.by_status.items()))


# ---------------------------------------------------------------- services


def service_pids():
    pids = {}
    with open(os.path.join(STATE, "run.pids")) as f:
        for line in f:
            name, pid = line.split()
            if name in SERVICES:
                pids[name] = int(pid)
    pids.update(STARTED)
    return pids


STARTED = {}
STARTED_PROCS = []


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        return state not in ("Z", "X")
    except OSError:
        return False


def service_env(svc):
    with open(os.path.join(STATE, "secrets", "env." + svc), "rb") as f:
        items = [x.decode() for x in f.read().split(b"\0") if x]
    return dict(i.split("=", 1) for i in items)


def start_service(svc, extra=None):
    env = service_env(svc)
    env.update(extra or {})
    log = open(os.path.join(STATE, "logs", svc + ".log"), "ab")
    p = subprocess.Popen([os.path.join(BIN_DIR, svc)], env=env, stdout=log, stderr=log)
    STARTED[svc] = p.pid
    STARTED_PROCS.append(p)
    port = int(env["PORT"])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        a = call("GET", "/readyz", base=("127.0.0.1", port), timeout=2)
        if a.status == 200:
            return p
        time.sleep(0.1)
    raise RuntimeError("%s did not become ready" % svc)


def service_port(svc):
    return int(service_env(svc)["PORT"])


def stop_started():
    for p in STARTED_PROCS:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in STARTED_PROCS:
        try:
            p.wait(timeout=40)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def setup():
    global SEAL_ID, ZONGHE
    P.login(sorted(set(APPLICANTS + LEADERS)))
    SEAL_ID = int(psql("SELECT id FROM seals.seals WHERE kind = 'government_office'"))
    ZONGHE = dept_id("综合科")


SEAL_ID = 0
ZONGHE = 0


def main(name, cluster_cls):
    import scenarios

    ck = Checks(name)
    try:
        setup()
        getattr(scenarios, name)(ck, cluster_cls)
        # With FAULTS_VARIANT=asan: no service hit a sanitizer error.
        import glob

        reports = [r for r in glob.glob(os.path.join(STATE, "logs", "[au]*san.*")) if os.path.getsize(r)]
        ck.check("no sanitizer report", not reports, " ".join(reports))
    except Exception as e:  # the scenario could not finish: a failure, with why
        import traceback

        traceback.print_exc()
        ck.check("scenario ran to its end", False, repr(e))
    finally:
        STOP.set()
        stop_started()
        import shutil
        import faults

        for lock in faults.RESERVED:
            shutil.rmtree(lock, ignore_errors=True)
    if REFUSALS:
        say("note: %d refusals, first: %s" % (len(REFUSALS), REFUSALS[:3]))
    say("%d passed, %d failed" % (ck.passed, ck.failed))
    return 0 if ck.failed == 0 else 1
