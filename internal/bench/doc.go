// Package bench is development tooling, not part of the provider: nothing
// the provider serves imports it, and it is not in the release. It is what
// `make bench` runs (through cmd/bench): it measures `terraform plan` with the
// r2 provider against the in-repo fake API, next to a floor plan with a
// trivial provider (trivial/), and writes the results to BENCHMARKS.md and a
// chart. cmd/profiled-provider is the provider with profiling, for digging
// into a result.
package bench
