#!/usr/bin/python3
"""The contract test: every answer the API tests received (recorded by
tests/api/harness.c into CONTRACT_LOG, one JSON line each) is checked
against api/openapi.yaml, so the document cannot drift from the services.

For each answer: its path and method are an operation of the document; its
status is one of the operation's responses; its Content-Type is one the
response lists; its body validates against that schema (JSON Schema 2020-12,
as OpenAPI 3.1 uses it).

One check per operation, status and media type seen, and one that every
operation of the document was exercised; the last line is "N passed,
N failed". Statuses any operation may get from the gateway or
the server's state (405 on a known path with another method, 429, 431,
5xx) need no line of their own in each operation.

    check_responses.py SPEC CONTRACT_LOG
"""
import collections
import json
import re
import sys

import yaml
from jsonschema import Draft202012Validator, RefResolver

ANY_OPERATION = {405, 429, 431, 500, 502, 503, 504}
VERBS = ("get", "post", "put", "patch", "delete")


def load(spec_path, log_path):
    with open(spec_path, encoding="utf-8") as f:
        spec = yaml.safe_load(f)
    records = []
    with open(log_path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                records.append(json.loads(line))
    return spec, records


def templates(spec):
    out = []
    for path in spec["paths"]:
        segs = path.strip("/").split("/")
        pattern = "^/" + "/".join("[^/]+" if s.startswith("{") else re.escape(s) for s in segs) + "/?$"
        literal = sum(not s.startswith("{") for s in segs)
        out.append((re.compile(pattern), literal, path))
    # A literal segment beats a parameter (/intro-letters/purge, not /intro-letters/{id}).
    out.sort(key=lambda t: -t[1])
    return out


def find_path(tmpls, path):
    for rx, _, tmpl in tmpls:
        if rx.match(path):
            return tmpl
    return None


def media(ct):
    return (ct or "").split(";")[0].strip().lower()


def main():
    spec_path, log_path = sys.argv[1], sys.argv[2]
    spec, records = load(spec_path, log_path)
    tmpls = templates(spec)
    resolver = RefResolver.from_schema(spec)
    validators = {}

    def validator(schema):
        key = id(schema)
        if key not in validators:
            validators[key] = Draft202012Validator(schema, resolver=resolver)
        return validators[key]

    # (check name) -> list of problems; every record adds its check.
    checks = collections.OrderedDict()
    seen_ops = set()
    for rec in records:
        full = rec["path"].split("?", 1)[0]
        path = full[len("/api/v1"):] or "/"
        method = rec["method"].lower()
        status = int(rec["status"])
        tmpl = find_path(tmpls, path)
        if tmpl is None or method not in spec["paths"][tmpl]:
            # Unknown paths and methods are the gateway's and the router's
            # business (404 route.not_found, 405 with Allow).
            if status in (404, 405) or status in ANY_OPERATION:
                continue
            name = f"{rec['method']} {path} {status}"
            checks.setdefault(name, []).append(f"{rec['test']}: no operation of the document has this path and method")
            continue
        op = spec["paths"][tmpl][method]
        seen_ops.add((method, tmpl))
        responses = op.get("responses", {})
        resp = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX") or responses.get("default")
        name = f"{rec['method']} {tmpl} {status} {media(rec.get('content_type')) or '-'}"
        problems = checks.setdefault(name, [])
        if resp is None:
            if status not in ANY_OPERATION:
                problems.append(f"{rec['test']}: status {status} is not documented")
            continue
        if "$ref" in resp:
            resp = resolver.resolve(resp["$ref"])[1]
        content = resp.get("content")
        body = rec.get("body") or ""
        if not content:
            if body.strip():
                problems.append(f"{rec['test']}: the document says no body, the answer has one")
            continue
        mt = media(rec.get("content_type"))
        if mt not in content:
            # A range (image/*, */*) stands for the types it covers.
            ranges = [f"{mt.split('/')[0]}/*", "*/*"]
            mt = next((r for r in ranges if r in content), mt)
        if mt not in content:
            problems.append(f"{rec['test']}: Content-Type {mt or 'none'} is not one of {sorted(content)}")
            continue
        schema = content[mt].get("schema")
        if not schema or not mt.endswith("json"):
            continue
        try:
            doc = json.loads(body)
        except ValueError:
            problems.append(f"{rec['test']}: the body is not JSON: {body[:80]!r}")
            continue
        errs = sorted(validator(schema).iter_errors(doc), key=lambda e: list(e.absolute_path))
        for e in errs[:3]:
            where = "/".join(str(p) for p in e.absolute_path) or "(body)"
            problems.append(f"{rec['test']}: {where}: {e.message[:300]}")

    passed = failed = 0
    for name, problems in checks.items():
        if problems:
            failed += 1
            uniq = list(dict.fromkeys(problems))
            print(f"FAIL {name}")
            for p in uniq[:5]:
                print(f"       {p}")
            if len(uniq) > 5:
                print(f"       ... {len(uniq) - 5} more")
        else:
            passed += 1
    all_ops = {(m, p) for p, item in spec["paths"].items() for m in item if m in VERBS}
    missing = sorted(all_ops - seen_ops, key=lambda x: (x[1], x[0]))
    print(f"{len(records)} answers checked; {len(seen_ops)} of {len(all_ops)} operations exercised")
    # An operation no test calls is a part of the document nothing holds to
    # the services: a check of its own.
    if missing:
        failed += 1
        print("FAIL every operation is exercised by the API tests; not: "
              + ", ".join(f"{m.upper()} {p}" for m, p in missing))
    else:
        passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
