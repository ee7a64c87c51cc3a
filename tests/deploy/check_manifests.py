"""The deployment files say what README's security section promises.

Checked against the services of the repository (services/<name>/) and the
Kubernetes manifests themselves, with no cluster:
  - deploy/k8s/networkpolicy.yaml: every ingress is denied unless allowed;
    the gateway's pods are reached from anywhere on its HTTPS port only;
    every service's pods (exactly the services, no other pod) are reached
    on their container port only, and only from the gateway's pods and the
    namespace's monitoring (oa-role: monitoring); no other policy opens
    anything;
  - the gateway's Service exposes HTTPS only, to the port the policy opens;
  - every service has a Deployment and a Service, and a Compose service;
  - the gateway routes no path to a service's /metrics;
  - the first administrator comes from a secret in Kubernetes and Compose,
    and no database password is written in docker-compose.yml's environment.
Prints "ok ..." or "FAIL ..." per check, then "N passed, N failed".
usage: check_manifests.py [REPO_DIR]"""
import os
import re
import sys

import yaml

REPO = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", ".."))
K8S = os.path.join(REPO, "deploy", "k8s")
passed = 0
failed = 0


def check(cond, what, why=""):
    global passed, failed
    if cond:
        passed += 1
        print(f"ok   {what}")
    else:
        failed += 1
        print(f"FAIL {what}" + (f": {why}" if why else ""))


def load_all(path):
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d]


def services():
    d = os.path.join(REPO, "services")
    return sorted(n for n in os.listdir(d) if any(f.endswith(".c") for f in os.listdir(os.path.join(d, n))))


def selects(selector, labels):
    """Whether a Kubernetes label selector selects a pod with these labels."""
    for k, v in (selector.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    for e in selector.get("matchExpressions") or []:
        k, op, vals = e["key"], e["operator"], e.get("values") or []
        if op == "In" and labels.get(k) not in vals:
            return False
        if op == "NotIn" and labels.get(k) in vals:
            return False
        if op == "Exists" and k not in labels:
            return False
        if op == "DoesNotExist" and k in labels:
            return False
    return True


def locations(conf):
    """(path, body) of every nginx location block, braces matched."""
    out = []
    for m in re.finditer(r"^\s*location\s+(?:[=~^*]+\s+)?(\S+)\s*\{", conf, re.M):
        depth, i = 1, m.end()
        while depth and i < len(conf):
            depth += {"{": 1, "}": -1}.get(conf[i], 0)
            i += 1
        out.append((m.group(1), conf[m.end():i]))
    return out


def ports_of(rule):
    return sorted((p.get("protocol", "TCP"), p.get("port")) for p in rule.get("ports") or [])


def main():
    svcs = services()
    objs = {}
    for f in sorted(os.listdir(K8S)):
        if f.endswith(".yaml") and f not in ("kustomization.yaml", "secrets.example.yaml"):
            for d in load_all(os.path.join(K8S, f)):
                objs.setdefault(d["kind"], []).append(d)
    deps = {d["metadata"]["name"]: d for d in objs.get("Deployment", [])}
    services_k8s = {d["metadata"]["name"]: d for d in objs.get("Service", [])}
    policies = objs.get("NetworkPolicy", [])

    check(sorted(n for n in deps if n != "gateway") == svcs,
          "deploy/k8s has a Deployment for exactly the services of services/",
          f"{sorted(deps)} vs {svcs}")
    for s in svcs + ["gateway"]:
        check(s in services_k8s, f"deploy/k8s has a Service {s}")

    # Every pod the manifests make, with its labels and container ports.
    pods = {}
    for name, d in deps.items():
        t = d["spec"]["template"]
        ports = sorted({p["containerPort"] for c in t["spec"]["containers"] for p in c.get("ports") or []})
        pods[name] = (t["metadata"].get("labels") or {}, ports)
    gw_labels, gw_ports = pods.get("gateway", ({}, []))
    monitoring = {"oa-role": "monitoring"}

    deny = [p for p in policies if p["spec"].get("podSelector") == {}
            and "Ingress" in p["spec"].get("policyTypes", []) and not p["spec"].get("ingress")]
    check(deny, "a NetworkPolicy denies every ingress in the namespace unless another allows it")

    # What the policies allow, pod by pod: (source, protocol, port) triples.
    allowed = {name: set() for name in pods}
    allowed["monitoring-pod"] = set()
    for p in policies:
        sel = p["spec"].get("podSelector", {})
        for rule in p["spec"].get("ingress") or []:
            sources = []
            for fr in rule.get("from") or [{"anywhere": True}]:
                if fr.get("anywhere") or fr.get("ipBlock"):
                    sources.append("anywhere")
                elif "podSelector" in fr and "namespaceSelector" not in fr:
                    hit = [n for n, (lab, _) in pods.items() if selects(fr["podSelector"], lab)]
                    if selects(fr["podSelector"], monitoring):
                        hit.append("monitoring")
                    sources.extend(hit or ["nothing"])
                else:
                    sources.append("other namespaces")
            for name, (labels, _) in pods.items():
                if selects(sel, labels):
                    for src in sources:
                        for proto, port in ports_of(rule) or [("TCP", "any")]:
                            allowed[name].add((src, proto, port))

    gw_https = 8443
    check(gw_https in gw_ports, "the gateway's container listens on 8443 (HTTPS)", f"ports {gw_ports}")
    check(allowed.get("gateway") == {("anywhere", "TCP", gw_https)},
          "the gateway's pods are reached from anywhere on 8443 (HTTPS) only",
          str(sorted(allowed.get("gateway", []), key=str)))
    gsvc = services_k8s.get("gateway", {}).get("spec", {})
    check([p.get("targetPort") for p in gsvc.get("ports", [])] == [gw_https],
          "the gateway's Service exposes HTTPS (8443) only", str(gsvc.get("ports")))
    for s in svcs:
        labels, ports = pods.get(s, ({}, []))
        check(ports == [8080], f"{s}'s container listens on 8080", str(ports))
        want = {("gateway", "TCP", 8080), ("monitoring", "TCP", 8080)}
        check(allowed.get(s) == want,
              f"{s} is reached on 8080 only, from the gateway and monitoring only",
              str(sorted(allowed.get(s, []), key=str)))
        sp = services_k8s.get(s, {}).get("spec", {})
        check(selects({"matchLabels": sp.get("selector", {})}, labels)
              and [p.get("targetPort") for p in sp.get("ports", [])] == [8080],
              f"the Service {s} selects its pods on 8080")
    others = [n for n, (lab, _) in pods.items() if n not in svcs and n != "gateway"]
    check(not others, "no other pod in deploy/k8s", str(others))

    # The gateway never routes /metrics: only /healthz, /api/ (to the
    # services' API paths) and the console are locations of its config.
    tmpl = open(os.path.join(REPO, "deploy", "nginx", "gateway.conf.template"), encoding="utf-8").read()
    locs = [loc for loc, _ in locations(tmpl)]
    check(not [loc for loc in locs if "metrics" in loc], "no location of the gateway names /metrics", str(locs))
    proxied = [loc for loc, body in locations(tmpl) if "proxy_pass" in body]
    check(proxied and all(p.startswith(("/api/", "^/api/")) for p in proxied),
          "the gateway proxies only paths under /api/ to the services", str(proxied))

    # The first administrator's password comes from a secret.
    ident = deps.get("identity", {}).get("spec", {}).get("template", {}).get("spec", {})
    c = (ident.get("containers") or [{}])[0]
    env = {e["name"]: e for e in c.get("env") or []}
    f = (env.get("ADMIN_INITIAL_PASSWORD_FILE") or {}).get("value", "")
    mounts = [m for m in c.get("volumeMounts") or [] if f.startswith(m["mountPath"].rstrip("/") + "/")]
    vols = {v["name"]: v for v in ident.get("volumes") or []}
    check(f and mounts and "secret" in vols.get(mounts[0]["name"], {}),
          "identity's ADMIN_INITIAL_PASSWORD_FILE in Kubernetes is a file of a secret volume", f or "not set")

    compose = load_all(os.path.join(REPO, "docker-compose.yml"))[0]
    cs = compose.get("services", {})
    check(all(s in cs for s in svcs), "docker-compose.yml has every service", str(sorted(cs)))
    leaks = []
    for name, svc in cs.items():
        e = svc.get("environment") or {}
        items = e.items() if isinstance(e, dict) else (x.split("=", 1) + [""] for x in e)
        for k, v, *_ in ((k, v) for k, v in items):
            v = str(v)
            if re.search(r"PASSWORD$", k) or re.search(r"postgres(ql)?://[^@/]*:[^@/]*@", v):
                leaks.append(f"{name}.{k}")
    check(not leaks, "no password is written in docker-compose.yml's environment (secret files only)", str(leaks))
    admin = (cs.get("identity", {}).get("environment") or {}).get("ADMIN_INITIAL_PASSWORD_FILE", "")
    check(admin.startswith("/run/secrets/") and admin.rsplit("/", 1)[1] in
          [x if isinstance(x, str) else x.get("source") for x in cs.get("identity", {}).get("secrets", [])],
          "identity's ADMIN_INITIAL_PASSWORD_FILE in Compose is one of its secrets", admin)

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
