#!/usr/bin/env bash
# Offline checks of the Terraform under infra/ (no credentials, no network, no built jars, nothing deployed):
#   1. terraform fmt -check -recursive infra
#   2. every AWS root under infra/services/: terraform init -backend=false from the local provider mirror
#      (one plugin cache shared by all roots), then terraform validate
#   3. every GCP root: HCL syntax of each .tf file with @cdktf/hcl2json (HashiCorp's parser). The Google provider
#      cannot be installed offline, so the GCP roots are NOT validated against the provider schema here.
#
# Usage: infra/check.sh            (from anywhere; exits non-zero on any failure)
# Environment:
#   TF_PROVIDER_MIRROR  folder of the provider filesystem mirror (default: the first of /opt/tf-plugins,
#                       /usr/share/terraform/plugins, /usr/local/share/terraform/plugins,
#                       ~/.terraform.d/plugins, ~/.local/share/terraform/plugins that holds hashicorp/aws)
#   TF_PLUGIN_CACHE_DIR where providers are unpacked once for all roots (default: ~/.cache/cva-infra/plugins)
#   HCL2JSON_DIR        where @cdktf/hcl2json is installed (default: ~/.cache/cva-infra/hcl2json)
#   INFRA_CHECK_REQUIRE_HCL2JSON=1  fail, instead of skipping, when the GCP syntax check cannot run
set -euo pipefail

infra_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(dirname "$infra_dir")"
HCL2JSON_VERSION=0.21.0

say() { printf 'infra/check: %s\n' "$*"; }
fail() {
  printf 'infra/check: FAILED: %s\n' "$*" >&2
  exit 1
}

command -v terraform >/dev/null 2>&1 ||
  fail "terraform is not on PATH (install Terraform 1.5+: https://developer.hashicorp.com/terraform/install)"

work="$(mktemp -d "${TMPDIR:-/tmp}/cva-infra-check.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# --- Terraform CLI configuration: the local provider mirror only, one plugin cache for every root --------

mirror="${TF_PROVIDER_MIRROR:-}"
if [[ -z "$mirror" ]]; then
  for candidate in /opt/tf-plugins /usr/share/terraform/plugins /usr/local/share/terraform/plugins \
    "$HOME/.terraform.d/plugins" "$HOME/.local/share/terraform/plugins"; do
    if [[ -d "$candidate/registry.terraform.io/hashicorp/aws" ]]; then
      mirror="$candidate"
      break
    fi
  done
fi
plugin_cache="${TF_PLUGIN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cva-infra/plugins}"
mkdir -p "$plugin_cache"
unset TF_PLUGIN_CACHE_DIR
if [[ -n "$mirror" && -d "$mirror/registry.terraform.io/hashicorp/aws" ]]; then
  # A CLI configuration of our own: providers come from the mirror only, never from the network.
  cat >"$work/terraformrc" <<EOF
provider_installation {
  filesystem_mirror {
    path = "$mirror"
  }
}
plugin_cache_dir = "$plugin_cache"
EOF
else
  # No mirror (a developer laptop, a hosted CI runner): the registry, pinned by the committed lock files.
  mirror="none: the Terraform registry, pinned by the lock files"
  printf 'plugin_cache_dir = "%s"\n' "$plugin_cache" >"$work/terraformrc"
fi
export TF_CLI_CONFIG_FILE="$work/terraformrc"
export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1

# The roots: one per service. A root that requires hashicorp/google is a GCP root.
mapfile -t roots < <(find "$infra_dir/services" -mindepth 1 -maxdepth 1 -type d | sort)
[[ ${#roots[@]} -gt 0 ]] || fail "no roots under infra/services"
aws_roots=()
gcp_roots=()
for root in "${roots[@]}"; do
  if grep -qs 'hashicorp/google' "$root"/*.tf; then
    gcp_roots+=("$root")
  else
    aws_roots+=("$root")
  fi
done

# --- 1. formatting ---------------------------------------------------------------------------------------

say "$(terraform version | head -n 1)"
say "[1/3] terraform fmt -check -recursive infra"
if ! (cd "$repo_dir" && terraform fmt -check -recursive -diff -no-color infra); then
  fail "formatting: run 'terraform fmt -recursive infra'"
fi
say "      ok"

# --- 2. AWS roots: init from the local mirror + validate ---------------------------------------------------

say "[2/3] AWS roots: terraform init -backend=false (provider mirror: $mirror), terraform validate"
for root in "${aws_roots[@]}"; do
  name="${root#"$repo_dir"/}"
  lock="$root/.terraform.lock.hcl"
  lock_mode=()
  if [[ -f "$lock" ]]; then
    lock_mode=(-lockfile=readonly) # the committed lock must already match the constraints and the mirror
  fi
  # Plugins and module links go to a throw-away data dir, so nothing is written under infra/ but the lock file.
  export TF_DATA_DIR="$work/data-$(basename "$root")"
  if ! terraform -chdir="$root" init -backend=false -input=false -no-color "${lock_mode[@]}" >"$work/init.log" 2>&1; then
    cat "$work/init.log" >&2
    fail "terraform init in $name"
  fi
  if ! terraform -chdir="$root" validate -no-color >"$work/validate.log" 2>&1; then
    cat "$work/validate.log" >&2
    fail "terraform validate in $name"
  fi
  [[ -f "$lock" ]] || fail "terraform init did not write $name/.terraform.lock.hcl"
  say "      ok  $name"
done

# --- 3. GCP roots: syntax only ------------------------------------------------------------------------------

say "[3/3] GCP roots: HCL syntax of each .tf file (@cdktf/hcl2json $HCL2JSON_VERSION)"
say "      NOTE: the Google provider is not available offline: GCP roots are NOT checked with terraform validate"
gcp_files=()
for root in "${gcp_roots[@]}"; do
  while IFS= read -r f; do gcp_files+=("$f"); done < <(find "$root" -maxdepth 1 -name '*.tf' | sort)
done
# and the modules they call (the ones with Google resources)
while IFS= read -r f; do gcp_files+=("$f"); done < <(grep -ls 'resource "google_' "$infra_dir"/modules/*/*.tf | sort)
[[ ${#gcp_files[@]} -gt 0 ]] || fail "no .tf files in the GCP roots"

# @cdktf/hcl2json is a library (it has no command for npx to run), so it is installed once into a cache
# folder outside the repository and called from node.
hcl2json_dir="${HCL2JSON_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cva-infra/hcl2json}"
hcl2json_ready=false
if command -v node >/dev/null 2>&1; then
  if [[ -f "$hcl2json_dir/node_modules/@cdktf/hcl2json/package.json" ]] &&
    grep -q "\"version\": \"$HCL2JSON_VERSION\"" "$hcl2json_dir/node_modules/@cdktf/hcl2json/package.json"; then
    hcl2json_ready=true
  elif command -v npm >/dev/null 2>&1; then
    mkdir -p "$hcl2json_dir"
    if npm install --prefix "$hcl2json_dir" --no-audit --no-fund --no-save --loglevel=error \
      "@cdktf/hcl2json@$HCL2JSON_VERSION" >"$work/npm.log" 2>&1; then
      hcl2json_ready=true
    else
      cat "$work/npm.log" >&2
    fi
  fi
fi

if [[ "$hcl2json_ready" != true ]]; then
  msg="@cdktf/hcl2json $HCL2JSON_VERSION unavailable (needs node and npm): GCP syntax NOT checked (fmt only)"
  [[ "${INFRA_CHECK_REQUIRE_HCL2JSON:-0}" == 1 ]] && fail "$msg"
  say "      SKIPPED: $msg"
else
  cat >"$work/parse.js" <<'EOF'
const fs = require("fs");
const path = require("path");
const { parse } = require(path.join(process.env.HCL2JSON_DIR, "node_modules/@cdktf/hcl2json"));
(async () => {
  let failed = 0;
  for (const file of process.argv.slice(2)) {
    try {
      const json = await parse(file, fs.readFileSync(file, "utf8"));
      const blocks = Object.entries(json).map(([k, v]) => `${k}:${Object.keys(v).length}`).join(" ");
      console.log(`      ok  ${file}  (${blocks || "empty"})`);
    } catch (e) {
      failed++;
      console.error(`      ERR ${file}: ${String((e && e.message) || e)}`);
    }
  }
  process.exit(failed ? 1 : 0);
})();
EOF
  if ! (cd "$repo_dir" && HCL2JSON_DIR="$hcl2json_dir" node "$work/parse.js" "${gcp_files[@]#"$repo_dir"/}"); then
    fail "HCL syntax of the GCP roots"
  fi
fi

say "all checks passed (${#aws_roots[@]} AWS roots: fmt + init + validate; ${#gcp_roots[@]} GCP roots: fmt + syntax, not provider-validated)"
