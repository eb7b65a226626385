#!/usr/bin/env node
// Validates every object in rendered Kubernetes manifests against the Kubernetes OpenAPI schema, offline
// (the schemas ship in the kubernetes-models package). Usage: node validate.mjs FILE.yaml... (or YAML on stdin).
// Prints one line per problem and a closing count; exits 1 if any object is invalid or of an unknown kind.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const sources = process.argv.length > 2
  ? process.argv.slice(2).map((file) => ({ name: file, text: readFileSync(file, "utf8") }))
  : [{ name: "stdin", text: readFileSync(0, "utf8") }];

// kubernetes-models keeps one module per API group and version: "apps/v1" -> kubernetes-models/apps/v1.
async function modelFor(apiVersion, kind) {
  if (!/^[a-z0-9.]+(\/v[0-9a-z]+)?$/.test(apiVersion ?? "") || !/^[A-Za-z]+$/.test(kind ?? "")) {
    return undefined;
  }
  try {
    const group = await import(`kubernetes-models/${apiVersion}`);
    return group[kind];
  } catch {
    return undefined;
  }
}

let objects = 0;
const problems = [];
for (const { name, text } of sources) {
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      problems.push(`${name}: YAML: ${doc.errors.map((e) => e.message).join("; ")}`);
      continue;
    }
    const object = doc.toJS();
    if (object == null) {
      continue;
    }
    objects++;
    const where = `${name}: ${object.kind ?? "?"} ${object.metadata?.name ?? "?"}`;
    const Model = await modelFor(object.apiVersion, object.kind);
    if (!Model) {
      problems.push(`${where}: no schema for apiVersion ${object.apiVersion}, kind ${object.kind}`);
      continue;
    }
    try {
      new Model(object).validate();
    } catch (error) {
      const details = error.errors?.map((e) => `${e.instancePath || "/"} ${e.message}${e.params?.additionalProperty ? ` '${e.params.additionalProperty}'` : ""}`);
      problems.push(`${where}: ${details?.join("; ") ?? error.message}`);
    }
  }
}

for (const problem of problems) {
  console.log(problem);
}
console.log(`${objects} objects, ${problems.length} errors`);
process.exit(problems.length === 0 && objects > 0 ? 0 : 1);
