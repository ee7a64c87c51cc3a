"""Prints one line per image that docker-compose.yml builds:
image<TAB>context<TAB>dockerfile<TAB>target<TAB>NAME=value;NAME=value
("-" for no target or no arguments)
with ${VAR}, ${VAR:-default} and ${VAR-default} taken from the environment
as compose does. Run with the system's python3 (python3-yaml, which
podman-compose needs anyway)."""
import os
import re
import sys

import yaml

VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}|\$\$")


def interpolate(value):
    if not isinstance(value, str):
        return value

    def sub(m):
        if m.group(0) == "$$":
            return "$"
        name, op, default = m.group(1), m.group(2), m.group(3)
        got = os.environ.get(name)
        if op == ":-" and not got:
            return default
        if op == "-" and got is None:
            return default
        return got or ""

    return VAR.sub(sub, value)


def main(path):
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    base = os.path.dirname(os.path.abspath(path))
    for name, svc in (doc.get("services") or {}).items():
        build = svc.get("build")
        if not build:
            continue
        if isinstance(build, str):
            build = {"context": build}
        image = interpolate(svc.get("image") or f"{doc.get('name', 'oa')}_{name}")
        context = os.path.join(base, interpolate(build.get("context", ".")))
        dockerfile = os.path.join(context, interpolate(build.get("dockerfile", "Dockerfile")))
        target = interpolate(build.get("target", "")) or "-"
        args = build.get("args") or {}
        if isinstance(args, list):
            args = dict(a.split("=", 1) for a in args)
        pairs = ";".join(f"{k}={interpolate(str(v))}" for k, v in args.items()) or "-"
        print("\t".join([image, context, dockerfile, target, pairs]))


if __name__ == "__main__":
    main(sys.argv[1])
