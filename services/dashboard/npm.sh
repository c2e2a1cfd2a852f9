#!/usr/bin/env bash
# npm for the Maven build (pom.xml). Without Node.js 20.19+ and npm it skips with a warning, so `./cva`'s first
# build and the local stack still work without Node.js (the dashboard is then not built); on CI (CI=true), where
# .ci/run installs Node.js, it fails instead.
set -euo pipefail
node_ok() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 &&
    node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)'
}
if node_ok; then
  exec npm "$@"
fi
msg="dashboard: Node.js 20.19+ with npm not found ($(node --version 2>/dev/null || echo none)): 'npm $*' skipped, so the dashboard is not built. Install Node.js 20.19+ (see README, Requirements), or pass -Ddashboard.skip=true."
case "${CI:-}" in "" | false | 0) on_ci=false ;; *) on_ci=true ;; esac # as the tests' Tools read CI
if [ "$on_ci" = true ]; then
  echo "$msg" >&2
  exit 1
fi
echo "[WARNING] $msg" >&2
