# Sourced by tests/containers/run.sh while the compose stack is up: runs
# deploy/k8s with `podman kube play` as far as podman 4.3 supports it.
#
# What runs: every Deployment of kustomization.yaml's resources (identity's
# replicas; one of each other service, for one PostgreSQL's connections;
# env from secretKeyRef, securityContext with a read-only root, liveness
# probes as health checks), with the images built by this
# run, on a network of their own where the compose stack's PostgreSQL
# stands for the external database (as the manifests expect one), in a new
# database bootstrapped as README says: identity's replicas migrate it
# together and create the first administrator from the oa-admin secret. The
# Secrets are made with this run's values in the form podman reads them
# (podman 4.3 cannot read back a Secret it was given as YAML).
# What podman does not do, and stands in for here: Services (the gateway
# pods get hostAliases for the service names, pointing at the first pod of
# each service), readiness probes (each container's /readyz is asked with
# curl), secret volumes (podman 4.3 crashes on them: a hostPath directory
# with the same files), the Namespace and kustomize's image tags (the
# images are named directly). Every manifest is also validated against the Kubernetes API
# schemas (tests/containers/k8s/validate.mjs).

K8S_DIR=$REPO_DIR/deploy/k8s

kube_validate() {
    local line
    say ""
    say "validating deploy/k8s against the Kubernetes schemas (kubernetes-models)"
    if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
        fail "node and npm are needed to validate deploy/k8s"
        return
    fi
    if [[ ! -d $REPO_DIR/tests/containers/k8s/node_modules/kubernetes-models ]]; then
        (cd "$REPO_DIR/tests/containers/k8s" && npm ci --no-audit --no-fund --loglevel=error) >"$WORK/npm.log" 2>&1 || {
            tail -n 20 "$WORK/npm.log"
            fail "npm ci in tests/containers/k8s failed"
            return
        }
    fi
    while IFS= read -r line; do
        case $line in
            "ok   "*) pass "k8s: ${line#ok   }" ;;
            "FAIL "*) fail "k8s: ${line#FAIL }" ;;
        esac
    done < <(node "$REPO_DIR/tests/containers/k8s/validate.mjs" "$K8S_DIR" 2>&1)
}

# The Deployment files of kustomization.yaml, in its order.
kube_resources() {
    "$SYSPY" - "$K8S_DIR" <<'PY'
import os, sys, yaml
d = sys.argv[1]
k = yaml.safe_load(open(os.path.join(d, "kustomization.yaml")))
for r in k.get("resources", []):
    docs = [x for x in yaml.safe_load_all(open(os.path.join(d, r))) if x]
    if any(x.get("kind") == "Deployment" for x in docs):
        print(r)
PY
}

# Copies a manifest's Deployments with the images of this run and, for
# the gateway, hostAliases standing in for the Services. The containers'
# ports are left out: podman 4.3 would publish each on the host, where the
# replicas' collide (and another stack's may already be). A secret volume
# becomes a hostPath directory holding the same files (mode 0644, as
# Kubernetes writes them): podman 4.3 crashes on secret volumes.
kube_prepare() {
    local src=$1 dst=$2 aliases=${3:-}
    "$SYSPY" - "$src" "$dst" "$OA_VERSION" "$aliases" "$(dirname "$dst")" <<'PY'
import base64, json, os, sys, yaml
src, dst, tag, aliases, work = sys.argv[1:6]
out = []
for doc in yaml.safe_load_all(open(src)):
    if not doc or doc.get("kind") != "Deployment":
        continue
    # One PostgreSQL (100 connections) serves every pod here: identity
    # keeps its replicas (they migrate at once, under the advisory lock),
    # the others run one each.
    if doc["metadata"]["name"] != "identity":
        doc["spec"]["replicas"] = 1
    spec = doc["spec"]["template"]["spec"]
    for c in spec.get("containers", []):
        name = c["image"].split(":")[0]
        c["image"] = f"localhost/{name}:{tag}"
        c.pop("ports", None)
    if aliases:
        spec["hostAliases"] = [{"ip": ip, "hostnames": [h]} for h, ip in (a.split("=") for a in aliases.split())]
    for v in spec.get("volumes", []):
        sec = v.pop("secret", None)
        if sec is None:
            continue
        data = json.load(open(os.path.join(work, sec["secretName"] + ".json")))
        vdir = os.path.join(work, "vol-" + doc["metadata"]["name"] + "-" + v["name"])
        os.makedirs(vdir, exist_ok=True)
        os.chmod(vdir, 0o755)
        items = sec.get("items") or [{"key": k, "path": k} for k in data]
        for it in items:
            path = os.path.join(vdir, it["path"])
            with open(path, "wb") as f:
                f.write(base64.b64decode(data[it["key"]]))
            os.chmod(path, 0o644)
        v["hostPath"] = {"path": vdir, "type": "Directory"}
    out.append(doc)
yaml.safe_dump_all(out, open(dst, "w"))
PY
}

KUBE_FILES=()
KUBE_SECRETS=()
KUBE_NET=""

kube_cleanup() {
    local f s
    for f in "${KUBE_FILES[@]}"; do
        podman kube down "$f" >/dev/null 2>&1
    done
    for s in "${KUBE_SECRETS[@]}"; do
        podman secret rm "$s" >/dev/null 2>&1
    done
    [[ -n $KUBE_NET ]] && podman network rm -f "$KUBE_NET" >/dev/null 2>&1
    KUBE_FILES=()
    KUBE_SECRETS=()
    KUBE_NET=""
}

# Waits until every container of the Deployment's pods answers /readyz.
kube_wait_ready() {
    local dep=$1 path=$2 deadline=$((SECONDS + READY_TIMEOUT)) c ok
    local -a ctrs
    mapfile -t ctrs < <(podman ps -a --format '{{.Names}}' | grep -E "^${dep}-pod-[0-9]+-" || true)
    if ((${#ctrs[@]} == 0)); then
        fail "kube: the Deployment $dep made no container"
        return 1
    fi
    while ((SECONDS < deadline)); do
        ok=0
        for c in "${ctrs[@]}"; do
            podman exec "$c" curl -fsS -o /dev/null --max-time 3 "http://127.0.0.1:8080$path" 2>/dev/null && ok=$((ok + 1))
        done
        if ((ok == ${#ctrs[@]})); then
            pass "kube: Deployment $dep: ${#ctrs[@]} pod(s) answer $path"
            return 0
        fi
        sleep 1
    done
    fail "kube: Deployment $dep: $ok of ${#ctrs[@]} pod(s) answer $path within ${READY_TIMEOUT}s"
    for c in "${ctrs[@]}"; do
        say "---- logs of $c"
        podman logs --tail 30 "$c" 2>&1 | sed 's/^/  | /'
    done
    return 1
}

kube_test() {
    local dir=$WORK/kube f name dep aliases="" ip code s ro user c
    local -a files deployments=()
    say ""
    say "running deploy/k8s with podman kube play"
    mkdir -p "$dir"
    # The compose stack's services are done: their connections go to the pods.
    for name in "${SERVICES[@]}" gateway; do
        podman stop -t 5 "$(cname "$name")" >/dev/null 2>&1
    done
    KUBE_NET=${PROJECT}_kube
    podman network create "$KUBE_NET" >/dev/null || { fail "kube: could not create $KUBE_NET"; return; }
    # The database outside the cluster: the compose stack's, by the name the
    # test secrets use.
    podman network connect --alias oa-db "$KUBE_NET" "$(cname postgres)" ||
        { fail "kube: could not connect PostgreSQL to $KUBE_NET"; return; }
    # A new database, bootstrapped once as README tells an admin to.
    if podman exec "$(cname postgres)" psql -X -q -v ON_ERROR_STOP=1 -U postgres -d postgres \
        -c 'CREATE DATABASE oa_kube' >"$dir/bootstrap.log" 2>&1 &&
        podman exec -i "$(cname postgres)" psql -X -q -v ON_ERROR_STOP=1 -U postgres -d oa_kube \
            -v pw_identity="$DB_IDENTITY_PASSWORD" -v pw_documents="$DB_DOCUMENTS_PASSWORD" \
            -v pw_attendance="$DB_ATTENDANCE_PASSWORD" -v pw_printing="$DB_PRINTING_PASSWORD" \
            -v pw_seals="$DB_SEALS_PASSWORD" -v pw_meetings="$DB_MEETINGS_PASSWORD" \
            -f - <"$REPO_DIR/deploy/sql/bootstrap.sql" >>"$dir/bootstrap.log" 2>&1; then
        pass "kube: a new database oa_kube bootstrapped with deploy/sql/bootstrap.sql"
    else
        tail -n 20 "$dir/bootstrap.log"
        fail "kube: could not bootstrap the database oa_kube"
        return
    fi
    for s in $(DB_HOST=oa-db DB_NAME=oa_kube TLS_CERT_FILE=$WORK/tls/tls.crt TLS_KEY_FILE=$WORK/tls/tls.key "$SYSPY" "$REPO_DIR/tests/containers/kube_secrets.py" "$dir" "$K8S_DIR"/*.yaml); do
        if podman secret create "$s" "$dir/$s.json" >/dev/null; then
            KUBE_SECRETS+=("$s")
        else
            fail "kube: could not create the secret $s"
        fi
    done
    mapfile -t files < <(kube_resources)
    for f in "${files[@]}"; do
        name=${f%.yaml}
        [[ $name == gateway ]] && continue
        kube_prepare "$K8S_DIR/$f" "$dir/$f"
        KUBE_FILES+=("$dir/$f")
        if podman kube play --network "$KUBE_NET" "$dir/$f" >"$dir/play-$name.log" 2>&1; then
            pass "kube: podman kube play $f"
            deployments+=("$name")
        else
            tail -n 20 "$dir/play-$name.log"
            fail "kube: podman kube play $f"
        fi
        # identity migrates first, as in the compose stack.
        if [[ $name == identity ]]; then kube_wait_ready identity /readyz || true; fi
    done
    for dep in "${deployments[@]}"; do
        if [[ $dep != identity ]]; then kube_wait_ready "$dep" /readyz || true; fi
        ip=$(podman inspect -f "{{(index .NetworkSettings.Networks \"$KUBE_NET\").IPAddress}}" "$dep-pod-0-$dep" 2>/dev/null || true)
        [[ -n $ip ]] && aliases+=" $dep=$ip"
        c=$dep-pod-0-$dep
        ro=$(podman inspect -f '{{.HostConfig.ReadonlyRootfs}}' "$c" 2>/dev/null)
        user=$(podman exec "$c" id -u 2>/dev/null || echo "?")
        if [[ $ro == true && $user == 10001 ]]; then
            pass "kube: $dep runs as uid 10001 on a read-only root, as its securityContext says"
        else
            fail "kube: $dep read-only root $ro, uid $user"
        fi
    done
    if [[ " ${files[*]} " == *" gateway.yaml "* ]]; then
        kube_prepare "$K8S_DIR/gateway.yaml" "$dir/gateway.yaml" "$aliases"
        KUBE_FILES+=("$dir/gateway.yaml")
        if podman kube play --network "$KUBE_NET" "$dir/gateway.yaml" >"$dir/play-gateway.log" 2>&1; then
            pass "kube: podman kube play gateway.yaml"
            if kube_wait_ready gateway /healthz; then
                # Through the gateway pod to identity's pods: the first
                # administrator, made from the oa-admin secret, logs in.
                code=$(podman exec gateway-pod-0-gateway curl -s -o /dev/null -w '%{http_code}' --max-time 10 \
                    http://127.0.0.1:8080/api/v1/auth/login -H 'Content-Type: application/json' \
                    -d "{\"username\":\"admin\",\"password\":\"$FIRST_ADMIN_PASSWORD\"}" 2>/dev/null || true)
                [[ $code == 200 ]] && pass "kube: the first administrator from the oa-admin secret logs in through the gateway pod" ||
                    fail "kube: the first administrator's login through the gateway pod answered $code"
                # HTTPS, the Service's only port, with the oa-tls secret's certificate.
                code=$(podman exec gateway-pod-0-gateway curl -s -o /dev/null -w '%{http_code}' --max-time 10 \
                    --cacert /etc/oa/tls/tls.crt https://127.0.0.1:8443/healthz 2>/dev/null || true)
                [[ $code == 200 ]] && pass "kube: the gateway pod answers HTTPS on 8443 with the oa-tls certificate" ||
                    fail "kube: HTTPS in the gateway pod answered $code"
                for dep in "${deployments[@]}"; do
                    code=$(podman exec gateway-pod-0-gateway curl -s -o /dev/null -w '%{http_code}' --max-time 10 \
                        "http://127.0.0.1:8080${PROBE[$dep]:-/api/v1/me}" 2>/dev/null || true)
                    [[ $code == 401 ]] && pass "kube: $dep answers through the gateway pod" ||
                        fail "kube: $dep through the gateway pod answered $code"
                done
            fi
        else
            tail -n 20 "$dir/play-gateway.log"
            fail "kube: podman kube play gateway.yaml"
        fi
    fi
    kube_cleanup
}
