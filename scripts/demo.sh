#!/usr/bin/env bash
# make demo: build the provider, serve it to Terraform through dev_overrides,
# and read a bucket's CORS policy — from the bundled fake API by default, or
# from the real API when CLOUDFLARE_API_TOKEN, CLOUDFLARE_ACCOUNT_ID and
# R2_DEMO_BUCKET are all set. Nothing is left running or written in the repo.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/r2-demo.XXXXXX")
fake_pid=""
cleanup() {
  if [ -n "$fake_pid" ]; then kill "$fake_pid" 2>/dev/null || true; wait "$fake_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# shellcheck source=scripts/lib.sh
. "$repo/scripts/lib.sh"
find_terraform

echo "==> Building the provider (the first build on a machine takes a minute or two; later ones, seconds)"
use_local_provider "$work" "$repo"

if [ -n "${CLOUDFLARE_API_TOKEN:-}" ] && [ -n "${CLOUDFLARE_ACCOUNT_ID:-}" ] && [ -n "${R2_DEMO_BUCKET:-}" ]; then
  echo "==> Reading the real Cloudflare API (bucket $R2_DEMO_BUCKET)"
  export TF_VAR_account_id=$CLOUDFLARE_ACCOUNT_ID TF_VAR_bucket_name=$R2_DEMO_BUCKET
  [ -n "${R2_DEMO_JURISDICTION:-}" ] && export TF_VAR_jurisdiction=$R2_DEMO_JURISDICTION
else
  echo "==> Starting the fake R2 API on loopback"
  (cd "$repo" && go build -o "$work/bin/fakeapi" ./internal/fakeapi/cmd/fakeapi)
  "$work/bin/fakeapi" -listen 127.0.0.1:0 -seed "$repo/examples/demo/seed.json" \
    -url-file "$work/url" -quiet 2>"$work/fakeapi.log" &
  fake_pid=$!
  for _ in $(seq 1 100); do [ -s "$work/url" ] && break; sleep 0.1; done
  [ -s "$work/url" ] || { echo "demo: the fake API did not start" >&2; cat "$work/fakeapi.log" >&2; exit 1; }
  export CLOUDFLARE_BASE_URL=$(cat "$work/url")
  export CLOUDFLARE_API_TOKEN=demo-token
  unset CLOUDFLARE_API_KEY CLOUDFLARE_EMAIL
  export TF_VAR_account_id=023e105f4ecef8ad9ca31a8372d0c353 TF_VAR_bucket_name=example-bucket
fi

mkdir -p "$work/config"
cp "$repo"/examples/demo/*.tf "$work/config/"
cd "$work/config"
echo "==> terraform init"
"$tf" init -input=false -no-color >"$work/review-init.log" 2>&1 || { cat "$work/review-init.log" >&2; exit 1; }
echo "==> terraform apply (a data source only: nothing is created)"
"$tf" apply -input=false -auto-approve -no-color >"$work/apply.log" 2>&1 || { cat "$work/apply.log" >&2; exit 1; }
grep -E '^(data\.|Apply complete)' "$work/apply.log" || true
echo "==> The bucket's rules, in the order R2 applies them"
"$tf" output -raw rules_summary
echo

# The drift review: every bucket of the account, checked by the functions.
# Against the fake, one bucket lets any origin upload and one caches
# preflights for a day, so two checks warn.
echo
echo "==> Drift review of every bucket (examples/drift-review): terraform plan"
mkdir -p "$work/review"
cp "$repo"/examples/drift-review/*.tf "$work/review/"
cd "$work/review"
if [ -z "${TF_VAR_expected_origins:-}" ]; then
  export TF_VAR_expected_origins='{"example-bucket": ["https://app.example.com"]}'
fi
"$tf" init -input=false -no-color >"$work/review-init.log" 2>&1 || { cat "$work/review-init.log" >&2; exit 1; }
"$tf" plan -input=false -no-color >"$work/review.log" 2>&1 || { cat "$work/review.log" >&2; exit 1; }
# Keep the review itself: the reads, the warnings and the outputs.
awk '/Provider development overrides are in effect/ {skip=1} /^releases\.$/ && skip {skip=0; next}
     /^Note: You didn.t use the -out option/ {exit} !skip' "$work/review.log" | grep -v 'Reading\.\.\.$' || true
