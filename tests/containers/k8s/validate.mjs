// Checks every Kubernetes object in the manifests of a directory (default
// deploy/k8s) against the Kubernetes API schemas that kubernetes-models
// carries: unknown fields, wrong types and missing required fields are
// errors. Kustomization files are not Kubernetes objects: their resources
// must exist and their images must name images the manifests use.
// Prints "ok ..." or "FAIL ..." per object; exits 1 on any failure.
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseAllDocuments } from "yaml";

const dir = resolve(process.argv[2] ?? "deploy/k8s");
let failed = 0;
let passed = 0;
const ok = (m) => { passed++; console.log(`ok   ${m}`); };
const bad = (m) => { failed++; console.log(`FAIL ${m}`); };

async function modelFor(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : [null, apiVersion];
  const path = group ? `kubernetes-models/${group}/${version}/${kind}` : `kubernetes-models/${version}/${kind}`;
  try {
    const mod = await import(path);
    return mod[kind];
  } catch {
    return null;
  }
}

const images = new Set();
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
const kustomizations = [];
for (const file of files) {
  const docs = parseAllDocuments(readFileSync(join(dir, file), "utf8"));
  for (const [i, doc] of docs.entries()) {
    const where = `${file}#${i + 1}`;
    if (doc.errors.length) { bad(`${where}: YAML: ${doc.errors[0].message}`); continue; }
    const obj = doc.toJS();
    if (obj == null) continue;
    if (obj.kind === "Kustomization") { kustomizations.push([where, obj]); continue; }
    if (!obj.apiVersion || !obj.kind) { bad(`${where}: no apiVersion or kind`); continue; }
    const Model = await modelFor(obj.apiVersion, obj.kind);
    if (!Model) { bad(`${where}: ${obj.apiVersion} ${obj.kind} is not a Kubernetes API type`); continue; }
    const name = `${where} ${obj.kind}/${obj.metadata?.name ?? "?"}`;
    try {
      new Model(obj).validate();
      ok(`${name} matches the ${obj.apiVersion} ${obj.kind} schema`);
    } catch (e) {
      bad(`${name}: ${e.message.split("\n").slice(0, 6).join("; ")}`);
    }
    for (const c of [...(obj.spec?.template?.spec?.containers ?? []), ...(obj.spec?.template?.spec?.initContainers ?? [])]) {
      if (c.image) images.add(c.image.replace(/[:@].*$/, ""));
    }
  }
}
for (const [where, k] of kustomizations) {
  const missing = (k.resources ?? []).filter((r) => !existsSync(join(dir, r)));
  missing.length ? bad(`${where}: resources missing: ${missing.join(", ")}`) : ok(`${where}: every resource exists`);
  const unknown = (k.images ?? []).map((i) => i.name).filter((n) => !images.has(n));
  unknown.length ? bad(`${where}: images not used by any manifest: ${unknown.join(", ")}`) : ok(`${where}: every image is used`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
