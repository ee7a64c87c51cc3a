#!/usr/bin/env python3
"""make faults: the whole system under a mixed write load while something
breaks, then every acknowledged write read back.

    tests/faults/faults.py              every scenario (FAULTS=<substring>
                                        runs only those whose names contain it)
    tests/faults/faults.py inner NAME   one scenario against the running
                                        system (deploy/local.sh faults runs it)

Each scenario makes its own PostgreSQL cluster (and, for the failover, a
synchronous streaming standby made with pg_basebackup) on free ports, starts
every service and the gateway through `deploy/local.sh faults` with that
cluster as DATABASE_URL, and runs its inner part: the load (creates and
contested approvals in every service), the fault, the read-back. The last
line printed is "N passed, N failed".
"""
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
IS_ROOT = os.geteuid() == 0


def say(*a):
    print(*a, flush=True)


# ---------------------------------------------------------------- clusters


def as_pg(cmd, **kw):
    if IS_ROOT:
        cmd = ["runuser", "-u", "postgres", "--"] + cmd
    return subprocess.run(cmd, cwd="/", **kw)


def pg_bin():
    root = "/usr/lib/postgresql"
    versions = sorted(os.listdir(root), key=lambda v: [int(x) for x in re.findall(r"\d+", v)])
    return os.path.join(root, versions[-1], "bin")


def free_port():
    """A port below the ephemeral range, reserved like deploy/local.sh does."""
    lock_dir = os.path.join(os.environ.get("TMPDIR", "/tmp"), "oa-local-ports")
    os.makedirs(lock_dir, exist_ok=True)
    for _ in range(500):
        port = random.randint(20000, 31999)
        lock = os.path.join(lock_dir, str(port))
        try:
            os.mkdir(lock)
        except FileExistsError:
            continue
        with open(os.path.join(lock, "pid"), "w") as f:
            f.write(str(os.getpid()))
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                shutil.rmtree(lock, ignore_errors=True)
                continue
        RESERVED.append(lock)
        return port
    raise RuntimeError("no free port")


RESERVED = []


class Cluster:
    def __init__(self, base, name, port, sockdir):
        self.data = os.path.join(base, name)
        self.port = port
        self.sockdir = sockdir
        self.log = os.path.join(base, name + ".log")
        self.bin = pg_bin()

    def chown(self, *paths):
        if IS_ROOT:
            for p in paths:
                shutil.chown(p, "postgres", "postgres")

    def init(self, sync_standby=False):
        os.makedirs(self.data, mode=0o700)
        self.chown(self.data)
        as_pg([self.bin + "/initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
               "--no-locale"], check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(self.data, "postgresql.conf"), "a") as f:
            f.write("include_if_exists = 'oa.conf'\n")
        self.configure(sync_standby)

    def configure(self, sync_standby=False):
        conf = os.path.join(self.data, "oa.conf")
        with open(conf, "w") as f:
            f.write("listen_addresses = '127.0.0.1'\nport = %d\n" % self.port)
            f.write("unix_socket_directories = '%s'\n" % self.sockdir)
            f.write("max_connections = 400\nshared_buffers = 128MB\nfsync = off\n")
            f.write("wal_level = replica\nmax_wal_senders = 5\nhot_standby = on\n")
            if sync_standby:
                f.write("synchronous_standby_names = '*'\nsynchronous_commit = on\n")
        hba = os.path.join(self.data, "pg_hba.conf")
        with open(hba, "w") as f:
            f.write("local all all trust\n"
                    "host all postgres 127.0.0.1/32 trust\n"
                    "host replication postgres 127.0.0.1/32 trust\n"
                    "host all all 127.0.0.1/32 scram-sha-256\n")
        self.chown(conf, hba)

    def basebackup_from(self, primary):
        os.makedirs(self.data, mode=0o700)
        self.chown(self.data)
        as_pg([self.bin + "/pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
               "-D", self.data, "-R", "-X", "stream", "-c", "fast"], check=True)
        self.configure()

    def start(self):
        if not os.path.exists(self.log):
            open(self.log, "a").close()
            self.chown(self.log)
        as_pg([self.bin + "/pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60", "start"],
              check=True, stdout=subprocess.DEVNULL)

    def stop(self, mode="fast"):
        as_pg([self.bin + "/pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "60", "stop"],
              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def running(self):
        return as_pg([self.bin + "/pg_ctl", "-D", self.data, "status"],
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0

    def postmaster_pid(self):
        try:
            with open(os.path.join(self.data, "postmaster.pid")) as f:
                return int(f.readline())
        except (OSError, ValueError):
            return None

    def kill9(self):
        """SIGKILL of the postmaster and then of every process it started,
        as when the machine under it is lost."""
        pid = self.postmaster_pid()
        if not pid:
            return
        children = []
        try:
            with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
                children = [int(c) for c in f.read().split()]
        except OSError:
            pass
        for p in [pid] + children:
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def promote(self):
        as_pg([self.bin + "/pg_ctl", "-D", self.data, "-w", "-t", "60", "promote"], check=True,
              stdout=subprocess.DEVNULL)

    def url(self, db="oa"):
        return "postgresql://postgres@127.0.0.1:%d/%s" % (self.port, db)

    def sql(self, q, db="oa"):
        return subprocess.run(["psql", "-X", "-q", "-tA", self.url(db), "-c", q], check=True,
                              capture_output=True, text=True).stdout.strip()


# ---------------------------------------------------------------- outer


SCENARIOS = ["db_restart", "failover", "kill_mid_transaction", "graceful_stop", "lock_timeout"]


def outer():
    only = os.environ.get("FAULTS", "")
    names = [n for n in SCENARIOS if only in n]
    passed = failed = 0
    figures = []
    os.makedirs(os.path.join(REPO, "var"), exist_ok=True)
    for name in names:
        say("")
        say("==== faults: %s" % name)
        base = tempfile.mkdtemp(prefix="faults.", dir=os.path.join(REPO, "var"))
        os.chmod(base, 0o755)
        os.chmod(os.path.join(REPO, "var"), 0o755)
        sockdir = tempfile.mkdtemp(prefix="oa-faults-sock.")
        os.chmod(sockdir, 0o777)
        clusters = []
        p = f = 0
        try:
            primary = Cluster(base, "primary", free_port(), sockdir)
            clusters.append(primary)
            primary.init()
            primary.start()
            primary.sql("CREATE DATABASE oa", db="postgres")
            env = dict(os.environ)
            pg = {"bin": primary.bin, "primary": {"data": primary.data, "port": primary.port}}
            url = primary.url()
            if name == "failover":
                standby = Cluster(base, "standby", free_port(), sockdir)
                clusters.append(standby)
                standby.basebackup_from(primary)
                standby.start()
                # Only now that the standby streams: every commit then waits
                # for it (synchronous replication).
                primary.configure(sync_standby=True)
                as_pg([primary.bin + "/pg_ctl", "-D", primary.data, "reload"], check=True,
                      stdout=subprocess.DEVNULL)
                wait_sync(primary)
                pg["standby"] = {"data": standby.data, "port": standby.port}
                url = ("postgresql://postgres@127.0.0.1:%d,127.0.0.1:%d/oa?target_session_attrs=read-write"
                       % (primary.port, standby.port))
            env["DATABASE_URL"] = url
            env["FAULTS_PG"] = json.dumps(pg)
            env["FAULTS_CMD"] = "%s %s inner %s" % (sys.executable, os.path.abspath(__file__), name)
            env.pop("DB_ROLE_PASSWORD", None)
            proc = subprocess.run([os.path.join(REPO, "deploy/local.sh"), "faults"], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                  timeout=int(os.environ.get("FAULTS_TIMEOUT", "600")))
            out = proc.stdout
            sys.stdout.write(out)
            m = re.findall(r"^(\d+) passed, (\d+) failed$", out, re.M)
            if m:
                p, f = int(m[-1][0]), int(m[-1][1])
            else:
                f = 1
            if proc.returncode != 0 and f == 0:
                f = 1
            figures += re.findall(r"^faults: figures .*$", out, re.M)
        except Exception as e:  # a scenario that could not run is one failure
            say("!!!! %s could not run: %s" % (name, e))
            f = max(f, 1)
        finally:
            for c in clusters:
                if c.running():
                    c.stop("immediate")
            if os.environ.get("KEEP_STATE") != "1":
                shutil.rmtree(base, ignore_errors=True)
            shutil.rmtree(sockdir, ignore_errors=True)
        say("faults: %s: %d passed, %d failed" % (name, p, f))
        passed += p
        failed += f
    for lock in RESERVED:
        shutil.rmtree(lock, ignore_errors=True)
    say("")
    for line in figures:
        say(line)
    say("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and passed > 0 else 1


def wait_sync(primary, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if primary.sql("SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'",
                       db="postgres") == "1":
            return
        time.sleep(0.2)
    raise RuntimeError("the standby did not become synchronous")


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "inner":
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import inner  # noqa: E402

        sys.exit(inner.main(sys.argv[2], Cluster))
    sys.exit(outer())
