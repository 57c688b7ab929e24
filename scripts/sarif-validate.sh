#!/usr/bin/env bash
# scripts/sarif-validate.sh [FILE...]: validate SARIF logs with Microsoft's SARIF
# Multitool, with the SARIF and GitHub rules (--rule-kind "Sarif;Gh"), as
# GitHub code scanning would read them. The Multitool exits 0 whatever it
# finds, so this fails on any error line it prints (warnings and notes pass).
# It comes from the npm registry (its Linux binary is self-contained, no
# .NET needed), pinned, installed once into the tool cache outside the
# repository (R2_TOOL_CACHE, default ~/.cache/terraform-provider-r2).
#
# Without FILE (make sarif-validate, in make check) it validates the
# project's own logs, which two tests write: the demo account's SARIF as the
# guide's CI flow writes it (plan, show -json, jq), and a log with an
# accepted (suppressed) finding.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)

if [ "$#" -eq 0 ]; then
  out=$(mktemp -d "${TMPDIR:-/tmp}/r2-sarif.XXXXXX")
  trap 'rm -rf "$out"' EXIT
  cd "$repo"
  # shellcheck source=scripts/lib.sh
  . scripts/lib.sh
  find_terraform # the guide's CI flow runs terraform
  R2_SARIF_OUT="$out/demo.sarif" go test -count=1 -run '^TestDriftReviewGuideCI$' ./internal/provider
  R2_SARIF_OUT="$out/accepted.sarif" go test -count=1 -run '^TestSARIF$' ./internal/review
  for f in demo accepted; do [ -s "$out/$f.sarif" ] || { echo "sarif-validate: no SARIF written to $out/$f.sarif" >&2; exit 1; }; done
  set -- "$out/demo.sarif" "$out/accepted.sarif"
fi

version=5.7.0
cache=${R2_TOOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-r2}
dir="$cache/sarif-multitool-$version"
# The platform's binary itself: the package's bin.js passes the arguments
# through a shell, which would split "Sarif;Gh" at the semicolon.
case "$(uname -s)" in
  Linux) platform=linux ;;
  Darwin) platform=darwin ;;
  *) echo "sarif-validate: no SARIF Multitool binary for $(uname -s)" >&2; exit 1 ;;
esac
tool="$dir/node_modules/@microsoft/sarif-multitool-$platform/Sarif.Multitool"
if [ ! -x "$tool" ]; then
  command -v npm >/dev/null || { echo "sarif-validate: npm is needed to install @microsoft/sarif-multitool" >&2; exit 1; }
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-audit --no-fund --no-save --loglevel=error "@microsoft/sarif-multitool@$version" >&2
  # The binary's postinstall (chmod u+x) may be skipped by npm's script policy.
  chmod u+x "$tool"
fi

status=0
for f in "$@"; do
  out=$("$tool" validate --rule-kind "Sarif;Gh" "$f" 2>&1) || { echo "$out"; echo "sarif-validate: the Multitool failed on $f" >&2; exit 1; }
  echo "$out"
  if grep -qE ': error [A-Z]+[0-9]+:' <<<"$out"; then
    echo "sarif-validate: $f has errors (above)" >&2
    status=1
  elif ! grep -q 'Analysis completed successfully' <<<"$out"; then
    echo "sarif-validate: the Multitool did not finish its analysis of $f" >&2
    status=1
  fi
done
exit "$status"
