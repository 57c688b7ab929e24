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

# The drift review: every bucket of the account, in every jurisdiction, read
# by one r2_bucket_cors_policies (the seed's account may not use fedramp, so
# the sweep skips it with a warning) and reviewed by one cors_review against
# the baselines in examples/drift-review/approved/<jurisdiction>/<name>.json.
# Against the fake, one bucket lets any origin upload and drifted from its
# baseline, one caches preflights for a day and has no baseline, so the check
# warns with the report; the plan still exits 0.
echo
echo "==> CORS review of every bucket (examples/drift-review): terraform plan -out=tfplan"
mkdir -p "$work/review"
cp -R "$repo"/examples/drift-review/. "$work/review/"
cd "$work/review"
"$tf" init -input=false -no-color >"$work/review-init.log" 2>&1 || { cat "$work/review-init.log" >&2; exit 1; }
status=0
"$tf" plan -input=false -no-color -out=tfplan >"$work/review.log" 2>&1 || status=$?
# The report as the check prints it: the verdict and counts, then the
# problems by bucket, most severe first (a long one ends "... and N more").
awk '/^CORS review /{p=1} /^─/{p=0} p' "$work/review.log"
echo "==> terraform plan exited $status (the check only warns)"
[ "$status" -eq 0 ] || { cat "$work/review.log" >&2; exit 1; }

# What CI keeps from the same plan: report.json and cors.sarif (the outputs
# are sensitive, so the plan does not print them).
echo
echo "==> The reports CI keeps: terraform show -json tfplan"
"$tf" show -json tfplan >"$work/plan.json"
if command -v jq >/dev/null; then
  jq -r '.planned_values.outputs.report_json.value' "$work/plan.json" >report.json
  jq -r '.planned_values.outputs.sarif.value' "$work/plan.json" >cors.sarif
  echo "report.json: passed=$(jq '.passed' report.json), $(jq -c '.summary' report.json)"
  echo "cors.sarif:  SARIF $(jq -r '.version' cors.sarif), $(jq '.runs[0].results | length' cors.sarif) results, $(jq '.runs[0].tool.driver.rules | length' cors.sarif) rules"
else
  echo "(jq is not installed: the guide's CI flow extracts them with jq)"
fi

# The same review as a CI gate: enforce = true turns the report into an
# error (the output's precondition), and the plan exits 1.
echo
echo "==> The same review as a CI gate: terraform plan -var enforce=true"
status=0
"$tf" plan -input=false -no-color -var enforce=true >"$work/gate.log" 2>&1 || status=$?
grep -m1 '^Error: ' "$work/gate.log" || true
awk '/^CORS review /{p=1} p && /^$/{exit} p' "$work/gate.log"
echo "(the same report as above, once)"
echo "==> terraform plan -var enforce=true exited $status (1: the review failed)"
# Against the fake the review must fail, and for the review's reason: exit 1
# alone could be a bad token or an API outage. A real account may be clean,
# so there exit 0 is an answer too.
if grep -q '^CORS review FAILED' "$work/gate.log"; then
  [ "$status" -eq 1 ] || exit 1
elif [ -n "$fake_pid" ] || [ "$status" -ne 0 ]; then
  cat "$work/gate.log" >&2
  exit 1
fi
