"""Writes, for each Secret in the manifests given, the podman secret that
`podman kube play` (4.3) reads for secretKeyRef and secret volumes: a JSON
object of base64 values, one file per Secret in OUT_DIR/<name>.json. The
values are this run's, not the example's:
  oa-jwt       jwt.key and jwt.pub from JWT_PRIVATE_KEY_FILE / JWT_PUBLIC_KEY_FILE
  oa-database  <service>: postgresql://<service>:DB_<SERVICE>_PASSWORD@DB_HOST:5432/DB_NAME
  oa-admin     password: FIRST_ADMIN_PASSWORD
  oa-tls       tls.crt and tls.key from TLS_CERT_FILE / TLS_KEY_FILE
usage: kube_secrets.py OUT_DIR MANIFEST..."""
import base64
import json
import os
import sys
from urllib.parse import quote

import yaml


def value(secret, key):
    if secret == "oa-jwt":
        path = {"jwt.key": os.environ["JWT_PRIVATE_KEY_FILE"], "jwt.pub": os.environ["JWT_PUBLIC_KEY_FILE"]}[key]
        with open(path, "rb") as f:
            return f.read()
    if secret == "oa-database":
        pw = quote(os.environ["DB_%s_PASSWORD" % key.upper()], safe="")
        host = os.environ.get("DB_HOST", "postgres")
        name = os.environ.get("DB_NAME", "oa")
        return f"postgresql://{key}:{pw}@{host}:5432/{name}".encode()
    if secret == "oa-admin":
        return os.environ["FIRST_ADMIN_PASSWORD"].encode()
    if secret == "oa-tls":
        path = {"tls.crt": os.environ["TLS_CERT_FILE"], "tls.key": os.environ["TLS_KEY_FILE"]}[key]
        with open(path, "rb") as f:
            return f.read()
    raise SystemExit(f"kube_secrets.py: no test value for secret {secret}")


def main(out, paths):
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for doc in yaml.safe_load_all(f):
                if not doc or doc.get("kind") != "Secret":
                    continue
                name = doc["metadata"]["name"]
                keys = list((doc.get("stringData") or {}).keys()) + list((doc.get("data") or {}).keys())
                data = {k: base64.b64encode(value(name, k)).decode() for k in keys}
                with open(os.path.join(out, name + ".json"), "w", encoding="utf-8") as o:
                    json.dump(data, o)
                print(name)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
