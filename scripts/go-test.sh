#!/usr/bin/env bash
# make test's go test, which gotestsum runs (--raw-command) and reads:
# go test -json with the given flags on every package of the provider's
# module, then of the benchmark's. The benchmark is a module of its own
# (internal/bench/go.mod, so that its chart libraries stay out of the
# provider's module), which ./... does not reach into. Both always run, as
# one stream of events; the status is non-zero if either failed.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
go test -json "$@" ./... || status=$?
go test -C internal/bench -json "$@" ./... || status=$?
exit "$status"
