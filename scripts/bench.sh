#!/usr/bin/env bash
# make bench: time `terraform plan` with 1, 100 and 1000 r2_bucket_cors data
# sources against the in-repo fake API (20 ms injected latency per request
# by default), next to the floor (a trivial provider, no API), and write
# BENCHMARKS.md and benchmarks/plan-time.png. Offline: the providers are
# local builds served through dev_overrides, the API is a loopback fake.
#
# Arguments are passed to the benchmark (go run ./internal/bench/cmd/bench
# -h lists them), e.g.
#   scripts/bench.sh -latency 50ms -sizes 1,100 -runs 3 -label after
#   make bench BENCH_ARGS="-runs 3 -label after"
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$repo/scripts/lib.sh"
find_terraform

cd "$repo"
# A CLI configuration file that does not exist only makes Terraform warn;
# the benchmark writes its own anyway.
if [ -n "${TF_CLI_CONFIG_FILE:-}" ] && [ ! -e "$TF_CLI_CONFIG_FILE" ]; then unset TF_CLI_CONFIG_FILE; fi
exec go run ./internal/bench/cmd/bench -terraform "$tf" "$@"
