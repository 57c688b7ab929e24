package tfkit

import (
	"math"
	"os"
	"runtime/debug"
	"sync"
)

// The provider process's soft heap limit: small from the start, grown by a
// sweep through the S3 API. A user's GOMEMLIMIT wins over both.

// memoryLimit is the provider process's soft heap limit, unless GOMEMLIMIT
// sets another.
const memoryLimit = 36 << 20

// HeapPerBucket is the soft memory limit a sweep through the S3 API reserves
// per bucket it read: the provider's live heap peaks at about 9 KB a bucket
// while the framework encodes the state (make bench, 10,000 buckets).
const HeapPerBucket = 16 << 10

var (
	heapMu sync.Mutex
	// paused counts the calls running under PauseGC, and gcPercent is the
	// collector's setting to restore when the last of them returns.
	paused    int
	gcPercent int
)

// userLimit says whether the user set the limit (GOMEMLIMIT), which the
// provider then leaves alone.
func userLimit() bool { return os.Getenv("GOMEMLIMIT") != "" }

// SetSoftMemoryLimit makes the garbage collector work harder as the heap
// nears memoryLimit, instead of letting it grow to twice the live heap
// (GOGC=100); provider.Serve calls it. A sweep of 1000 buckets briefly holds
// its state several times over (ours, then the framework's copies and its
// msgpack encoding: BENCHMARKS.md), and with the default the process peaked
// at 86 MB for a live heap under 30. Below the limit nothing changes; above
// it the runtime caps the collector's CPU share, so it never thrashes.
func SetSoftMemoryLimit() {
	if !userLimit() {
		debug.SetMemoryLimit(memoryLimit)
	}
}

// ReserveHeap raises the process's soft memory limit to at least bytes,
// unless the user set GOMEMLIMIT. A sweep of ten thousand buckets through
// the S3 API needs several times memoryLimit, and under it the garbage
// collector ran for 42% of the provider's CPU, a plan of 31 s instead of
// 12 s. A sweep through the REST API waits on the rate limit for minutes at
// that size, so it keeps the small limit. The limit only grows, for the
// provider process's one plan; tests that serve the provider in process
// have no limit and are left alone.
func ReserveHeap(bytes int64) {
	if userLimit() {
		return
	}
	heapMu.Lock()
	defer heapMu.Unlock()
	if debug.SetMemoryLimit(-1) < bytes {
		debug.SetMemoryLimit(bytes)
	}
}

// PauseGC stops the collector's pacing by heap growth (GOGC) until the
// returned function is called, so that only the soft memory limit starts a
// collection; calls may nest and overlap, and the last to resume restores
// the setting. A provider function call builds its arguments several times
// over as short-lived values (cors_review over a sweep of 1000 buckets: about
// 1 MB of arguments, 26 to 60 MB of garbage), and with GOGC=100 the collector
// ran many times while the heap was still small, on the plan's critical
// path. It does nothing without a soft memory limit (tests that serve the
// provider in process) or when the user set GOGC.
func PauseGC() (resume func()) {
	heapMu.Lock()
	defer heapMu.Unlock()
	if os.Getenv("GOGC") != "" || debug.SetMemoryLimit(-1) == math.MaxInt64 {
		return func() {}
	}
	if paused == 0 {
		gcPercent = debug.SetGCPercent(-1)
	}
	paused++
	var once sync.Once
	return func() {
		once.Do(func() {
			heapMu.Lock()
			defer heapMu.Unlock()
			if paused--; paused == 0 {
				debug.SetGCPercent(gcPercent)
			}
		})
	}
}
