#!/usr/bin/env bash
# Runs `terraform init` and `terraform validate` on every example directory,
# and on every terraform block of every docs page, against a local build of
# the provider, offline. Examples that follow tfplugindocs' layout have no
# terraform block, so one is added to the copy.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/r2-examples.XXXXXX")
trap 'rm -rf "$work"' EXIT
# shellcheck source=scripts/lib.sh
. "$repo/scripts/lib.sh"
find_terraform
use_local_provider "$work" "$repo"

# Every terraform block on every docs page, as a reader would paste it: each
# block alone, in its own directory (the generated pages show examples/ too,
# so those run twice; the guides and templates are only checked here).
while IFS= read -r page; do
  awk -v dir="$work/pages" -v page="${page#"$repo"/}" '
    /^```terraform[[:space:]]*$/ { n++; inblock = 1; d = dir "/" page "/" n; system("mkdir -p \"" d "\""); next }
    /^```/ && inblock { inblock = 0; next }
    inblock { print > (d "/main.tf") }
  ' "$page"
done < <(find "$repo/docs" -name '*.md' | sort)

failed=0
while IFS= read -r dir; do
  rel=${dir#"$repo"/}
  case $dir in "$work"/pages/*) rel="${dir#"$work"/pages/} (block)" ;; esac
  copy="$work/examples/$(printf '%s' "$rel" | tr ' /()' '____')"
  mkdir -p "$copy"
  cp "$dir"/*.tf "$copy/"
  if ! grep -qs required_providers "$copy"/*.tf; then
    printf 'terraform {\n  required_providers {\n    r2 = { source = "r2tf/r2" }\n  }\n}\n' > "$copy/zz_required_providers.tf"
  fi
  if (cd "$copy" && "$tf" init -input=false -backend=false -no-color >"$copy/init.log" 2>&1 && "$tf" validate -no-color >"$copy/validate.log" 2>&1); then
    echo "ok    $rel"
  else
    echo "FAIL  $rel"; cat "$copy"/init.log "$copy"/validate.log 2>/dev/null | grep -v '^\s*$' | tail -20
    failed=1
  fi
done < <({ find "$repo/examples" -name '*.tf' -exec dirname {} \; ; [ -d "$work/pages" ] && find "$work/pages" -name '*.tf' -exec dirname {} \; ; } | sort -u)
exit $failed
