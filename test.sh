#!/usr/bin/env bash
# Runs the ProcessMesh test suite on a fresh machine that has only the .NET SDK: installs what the tests need,
# then runs every test except the long performance sweeps (those live in bench/).
set -euo pipefail
cd "$(dirname "$0")"

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
if [ ${#need[@]} -gt 0 ] && [ "${PROCESSMESH_SKIP_INSTALL:-}" != 1 ]; then
  echo "test.sh: installing ${need[*]} (apt)" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

rm -rf TestResults
dotnet test ProcessMesh.sln -c Release --filter "Category!=Performance" \
  --logger "trx;LogFileName=results.trx" --results-directory TestResults "$@"
