package tfkit

import (
	"os"
	"runtime/debug"
	"sync"
)

// HeapPerBucket is the soft memory limit a sweep through the S3 API reserves
// per bucket it read: the provider's live heap peaks at about 9 KB a bucket
// while the framework encodes the state (make bench, 10,000 buckets).
const HeapPerBucket = 16 << 10

var heapMu sync.Mutex

// ReserveHeap raises the process's soft memory limit to at least bytes,
// unless the user set GOMEMLIMIT. The provider starts with a small limit
// (provider.Serve) that keeps a sweep of a thousand buckets lean; a sweep of
// ten thousand through the S3 API needs several times that, and under the
// small limit the garbage collector then ran for 42% of the provider's CPU,
// a plan of 31 s instead of 12 s. A sweep through the REST API waits on the
// rate limit for minutes at that size, so it keeps the small limit. The
// limit only grows, for the provider process's one plan; tests that serve
// the provider in process have no limit and are left alone.
func ReserveHeap(bytes int64) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	heapMu.Lock()
	defer heapMu.Unlock()
	if debug.SetMemoryLimit(-1) < bytes {
		debug.SetMemoryLimit(bytes)
	}
}
