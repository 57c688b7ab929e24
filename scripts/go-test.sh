#!/usr/bin/env bash
# make test's go test, which gotestsum runs (--raw-command) and reads:
# go test -json with the given flags on every package of each module of
# GO_MODULES (the GNUmakefile's, which make test passes), since ./... does
# not reach into a nested module such as internal/bench. All run, as one
# stream of events; the status is non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
for m in ${GO_MODULES:-$(make -s --no-print-directory print-GO_MODULES)}; do
  go test -C "$m" -json "$@" ./... || status=$?
done
exit "$status"
