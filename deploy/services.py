#!/usr/bin/env python3
"""Writes every list of the system's services from deploy/services.conf.

    python3 deploy/services.py          write the generated files and regions
    python3 deploy/services.py --check  change nothing; exit 1 naming each
                                        file that is not what the table gives
    python3 deploy/services.py --select SUBSTRING
                                        print the services a TESTS=SUBSTRING
                                        run builds and starts, one a line

A generated region of a file lies between two comment lines,
    <comment> BEGIN services: <region> (deploy/services.py)
    <comment> END services: <region>
and is replaced whole, indented as its BEGIN line; the rest of the file is
left as it is. The Kubernetes manifest of each service is generated whole
from deploy/k8s/service.yaml.in and the optional fragments
deploy/k8s/parts/<service>.<part> (comment, env, mounts, jwt-items,
volumes).
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TABLE = "deploy/services.conf"
MARK = "(deploy/services.py)"


def read_table():
    services = []
    with open(os.path.join(ROOT, TABLE), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            fields = line.split()
            if len(fields) < 5:
                sys.exit(f"{TABLE}:{n}: want name, port, memory, needs and at least one prefix")
            name, port, memory, needs, prefixes = fields[:4] + [fields[4:]]
            if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
                sys.exit(f"{TABLE}:{n}: {name!r} is not a service name ([a-z][a-z0-9_]*)")
            if not port.isdigit() or not re.fullmatch(r"[0-9]+[MG]i", memory):
                sys.exit(f"{TABLE}:{n}: port must be a number and memory like 256Mi")
            for p in prefixes:
                if not re.fullmatch(r"[a-z0-9.][a-z0-9.-]*(/[a-z0-9.-]+)*", p):
                    sys.exit(f"{TABLE}:{n}: {p!r} is not a path prefix")
            services.append({"name": name, "port": int(port), "memory": memory,
                             "needs": [] if needs == "-" else needs.split(","),
                             "prefixes": prefixes})
    names = [s["name"] for s in services]
    for s in services:
        for other in s["needs"]:
            if other not in names or other == s["name"]:
                sys.exit(f"{TABLE}: {s['name']} needs {other!r}, which is not another service")
    if len(set(names)) != len(names) or len({s["port"] for s in services}) != len(names):
        sys.exit(f"{TABLE}: a name or a port appears twice")
    if not names or names[0] != "identity":
        sys.exit(f"{TABLE}: identity comes first (every other service starts after it)")
    return services


# ------------------------------------------------------------ the regions

def gateway_routes(svcs):
    lines = []

    def route(prefix, name):
        pattern = "~^/api/v1/" + prefix.replace(".", "\\.") + "(/|$)"
        lines.append(f"{pattern:<42} {name};")

    # Nested prefixes first: nginx takes the first regular expression that
    # matches, so /reports/attendance must come before /reports.
    nested = [(p, s["name"]) for s in svcs for p in s["prefixes"] if "/" in p]
    for p, name in sorted(nested, key=lambda x: -len(x[0])):
        route(p, name)
    for s in svcs:
        lines.append("")
        for p in s["prefixes"]:
            if "/" not in p:
                route(p, s["name"])
    return lines


def gateway_upstreams(svcs):
    lines = []
    for s in svcs:
        lines += [f"upstream {s['name']} {{",
                  f"    ${{{s['name'].upper()}_SERVERS}}",
                  "    keepalive 64;",
                  "    keepalive_timeout 20s;",
                  "}"]
    return lines


def names_line(var):
    return lambda svcs: [f"{var}=\"{' '.join(s['name'] for s in svcs)}\""]


def local_ports(svcs):
    # make run's PostgreSQL listens on 45432: below Linux's ephemeral range
    # (32768-60999), so no outgoing connection's local port can hold it.
    return ["SERVICES=(" + " ".join(s["name"] for s in svcs) + ")",
            "declare -A PORT=(",
            "    [gateway]=8080 [gateway_tls]=8443 [postgres]=45432"] \
        + [f"    [{s['name']}]={s['port']}" for s in svcs] + [")"]


def sql_roles(svcs):
    names = [s["name"] for s in svcs]
    return ["\\set services '{" + ",".join(names) + "}'",
            "\\set service_roles '" + ", ".join(names) + "'"]


def sql_passwords(svcs):
    values = [f"('{s['name']}', :'pw_{s['name']}')" for s in svcs]
    return ["SELECT format('ALTER ROLE %I PASSWORD %L', r, pw)",
            "FROM (VALUES " + ",\n             ".join(values) + ") AS v(r, pw)",
            "\\gexec"]


def initdb_args(svcs):
    args = [f'-v pw_{s["name"]}="$(pw {s["name"].upper()})"' for s in svcs]
    return ['psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \\']\
        + [f"    {a} \\" for a in args] + ["    -f /bootstrap/bootstrap.sql"]


def compose_postgres_env(svcs):
    return [f"DB_{s['name'].upper()}_PASSWORD_FILE: /run/secrets/db_{s['name']}" for s in svcs]


def compose_postgres_secrets(svcs):
    return ["- postgres_password"] + [f"- db_{s['name']}" for s in svcs]


def compose_services(svcs):
    lines = []
    for s in svcs[1:]:
        n = s["name"]
        lines += [f"{n}:",
                  "  <<: *service",
                  "  build:",
                  "    context: .",
                  "    dockerfile: deploy/docker/Dockerfile",
                  "    args:",
                  f"      SERVICE: {n}",
                  f"  image: oa/{n}:${{OA_VERSION:-dev}}",
                  "  environment:",
                  f"    DATABASE_URL: postgresql://{n}@postgres:5432/oa",
                  f"    DATABASE_PASSWORD_FILE: /run/secrets/db_{n}",
                  "  secrets:",
                  f"    - db_{n}",
                  "  depends_on: *after-identity",
                  ""]
    return lines[:-1]


def compose_depends(svcs):
    lines = []
    for s in svcs:
        lines += [f"{s['name']}:", "  condition: service_healthy"]
    return lines


def compose_gateway_services(svcs):
    return ["DOCKER_SERVICES: " + " ".join(s["name"] for s in svcs)]


def compose_secrets(svcs):
    lines = []
    for s in svcs:
        n = s["name"]
        lines += [f"db_{n}:",
                  f"  file: ${{OA_DB_{n.upper()}_PASSWORD_FILE:-./deploy/docker/db_password.dev}}"]
    return lines


def k8s_resources(svcs):
    return ["- namespace.yaml"] + [f"- {s['name']}.yaml" for s in svcs] \
        + ["- gateway.yaml", "- networkpolicy.yaml"]


def k8s_images(svcs):
    lines = []
    for n in [s["name"] for s in svcs] + ["gateway"]:
        lines += [f"- name: oa/{n}", "  newTag: latest"]
    return lines


def k8s_policy(svcs):
    names = ", ".join(s["name"] for s in svcs)
    return [f"- {{key: service, operator: In, values: [{names}]}}"]


def k8s_database_secrets(svcs):
    return [f"{s['name']}: postgresql://{s['name']}:CHANGE-ME@db.example.internal:5432/oa"
            for s in svcs]


REGIONS = {
    "deploy/nginx/gateway.conf.template": {"routes": gateway_routes,
                                           "upstreams": gateway_upstreams},
    "deploy/nginx/render.sh": {"services": names_line("services")},
    "deploy/lib/services.sh": {"services": local_ports},
    "deploy/sql/bootstrap.sql": {"roles": sql_roles, "passwords": sql_passwords},
    "deploy/docker/initdb.sh": {"roles": initdb_args},
    "docker-compose.yml": {"postgres-passwords": compose_postgres_env,
                           "postgres-secrets": compose_postgres_secrets,
                           "services": compose_services,
                           "demo-after": compose_depends,
                           "gateway-services": compose_gateway_services,
                           "gateway-after": compose_depends,
                           "secrets": compose_secrets},
    "deploy/k8s/kustomization.yaml": {"resources": k8s_resources, "images": k8s_images},
    "deploy/k8s/networkpolicy.yaml": {"services": k8s_policy},
    "deploy/k8s/secrets.example.yaml": {"databases": k8s_database_secrets},
}


def fill_regions(path, text, regions, svcs):
    out, lines, i = [], text.split("\n"), 0
    seen = set()
    begin = re.compile(r"^(\s*)(#|--) BEGIN services: ([a-z-]+) " + re.escape(MARK) + "$")
    while i < len(lines):
        m = begin.match(lines[i])
        out.append(lines[i])
        i += 1
        if not m:
            continue
        indent, comment, region = m.groups()
        if region not in regions:
            sys.exit(f"{path}: unknown region {region!r}")
        end = f"{indent}{comment} END services: {region}"
        while i < len(lines) and lines[i] != end:
            i += 1
        if i == len(lines):
            sys.exit(f"{path}: region {region!r} has no line {end.strip()!r}")
        for g in regions[region](svcs):
            for part in g.split("\n"):
                out.append(indent + part if part else "")
        seen.add(region)
    missing = set(regions) - seen
    if missing:
        sys.exit(f"{path}: no region {', '.join(sorted(missing))} (a BEGIN line is missing)")
    return "\n".join(out)


def k8s_manifest(s):
    with open(os.path.join(ROOT, "deploy/k8s/service.yaml.in"), encoding="utf-8") as f:
        text = f.read()
    n = s["name"]

    def part(kind, indent):
        p = os.path.join(ROOT, f"deploy/k8s/parts/{n}.{kind}")
        if not os.path.exists(p):
            return ""
        with open(p, encoding="utf-8") as f:
            return "".join(indent + l if l.strip() else l for l in f)

    comment = part("comment", "") or (
        f"# The {n} service: stateless, any number of replicas; migrations run at\n"
        "# start-up under an advisory lock, so replicas starting together are safe.\n")
    text = text.replace("@COMMENT@\n", comment)
    text = text.replace("@ENV@\n", part("env", " " * 12))
    text = text.replace("@MOUNTS@\n", part("mounts", " " * 12))
    text = text.replace("@JWT_ITEMS@\n", part("jwt-items", " " * 14))
    text = text.replace("@VOLUMES@\n", part("volumes", " " * 8))
    text = text.replace("@MEMORY@", s["memory"]).replace("@NAME@", n)
    if re.search(r"@[A-Z]+@", text):
        sys.exit(f"deploy/k8s/service.yaml.in: a placeholder is left in {n}.yaml")
    return text


def select(svcs, tests):
    """The services a TESTS=<tests> run builds and starts: identity, every
    service whose name occurs in <tests> (seals_log: seals), and the ones
    those name in their needs column (one step: what a needed service
    needs for its own tests is not started); every service when <tests>
    is empty."""
    if not tests:
        return [s["name"] for s in svcs]
    named = {s["name"] for s in svcs if s["name"] in tests}
    chosen = {"identity"} | named
    for s in svcs:
        if s["name"] in named:
            chosen.update(s["needs"])
    return [s["name"] for s in svcs if s["name"] in chosen]


def main():
    if sys.argv[1:2] == ["--select"] and len(sys.argv) == 3:
        print("\n".join(select(read_table(), sys.argv[2])))
        return 0
    check = sys.argv[1:] == ["--check"]
    if sys.argv[1:] and not check:
        sys.exit(__doc__)
    svcs = read_table()
    wanted = {}
    for path, regions in REGIONS.items():
        with open(os.path.join(ROOT, path), encoding="utf-8") as f:
            wanted[path] = (f.read(), None)
        wanted[path] = (wanted[path][0], fill_regions(path, wanted[path][0], regions, svcs))
    for s in svcs:
        path = f"deploy/k8s/{s['name']}.yaml"
        full = os.path.join(ROOT, path)
        now = open(full, encoding="utf-8").read() if os.path.exists(full) else None
        wanted[path] = (now, k8s_manifest(s))
    stale = [p for p, (now, want) in wanted.items() if now != want]
    if check:
        for p in stale:
            print(f"{p} is not what deploy/services.py writes: edit {TABLE}, the generator, or for"
                  " a Kubernetes manifest deploy/k8s/service.yaml.in and deploy/k8s/parts/<service>.*"
                  " (never the generated text), then run `make generate`", file=sys.stderr)
        return 1 if stale else 0
    for p in stale:
        with open(os.path.join(ROOT, p), "w", encoding="utf-8") as f:
            f.write(wanted[p][1])
        print(f"wrote {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
