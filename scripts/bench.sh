#!/usr/bin/env bash
# make bench: time `terraform plan` with 1, 100 and 1000 r2_bucket_cors data
# sources against the in-repo fake API (20 ms injected latency per request
# by default), next to the floor (a trivial provider, no API), and write
# BENCHMARKS.md and benchmarks/plan-time.png. Offline: the providers are
# local builds served through dev_overrides, the API is a loopback fake.
#
# Arguments are passed to the benchmark (scripts/bench.sh -h lists them),
# e.g.
#   scripts/bench.sh -latency 50ms -sizes 1,100 -runs 3 -label after
#   make bench BENCH_ARGS="-runs 3 -label after"
#
# The benchmark is a Go module of its own (internal/bench/go.mod), so that
# its chart libraries stay out of the provider's module; it is built there
# and run from the repository root, where relative paths such as -out start.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$repo/scripts/lib.sh"
find_terraform

cd "$repo"
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -C internal/bench -o "$bin/bench" ./cmd/bench
"$bin/bench" -terraform "$tf" "$@"
