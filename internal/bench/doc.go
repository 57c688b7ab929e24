// Package bench is development tooling, not part of the provider: nothing
// the provider serves imports it, and it is not in the release. It is what
// `make bench` runs (through cmd/bench): it measures `terraform plan` with the
// r2 provider against the in-repo fake API, next to a floor plan with a
// trivial provider (trivial/), and writes the results to BENCHMARKS.md and a
// chart. cmd/profiled-provider is the provider with profiling, for digging
// into a result.
//
// It is a Go module of its own (go.mod here, with the provider's module
// replaced by the repository root), so that its chart libraries (gonum/plot
// and the fonts and PDF writer it brings) stay out of the provider's go.mod,
// which every build of the provider resolves. Go's rule for internal
// packages goes by import path, so it still imports the provider's internal
// packages. make test, make lint and make vet name this module besides ./...
package bench
