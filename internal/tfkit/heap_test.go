package tfkit

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestReserveHeap(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	old := debug.SetMemoryLimit(36 << 20)
	t.Cleanup(func() { debug.SetMemoryLimit(old) })

	ReserveHeap(10_000 * HeapPerBucket)
	if got := debug.SetMemoryLimit(-1); got != 10_000*HeapPerBucket {
		t.Errorf("limit %d after reserving for 10,000 buckets, want %d", got, 10_000*HeapPerBucket)
	}
	ReserveHeap(100 * HeapPerBucket) // never shrinks
	if got := debug.SetMemoryLimit(-1); got != 10_000*HeapPerBucket {
		t.Errorf("limit %d after a smaller reserve, want it kept at %d", got, 10_000*HeapPerBucket)
	}

	debug.SetMemoryLimit(math.MaxInt64) // no limit: nothing to raise
	ReserveHeap(10_000 * HeapPerBucket)
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("limit %d, want none set", got)
	}
}

func TestReserveHeap_userLimitWins(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "40MiB")
	old := debug.SetMemoryLimit(40 << 20)
	t.Cleanup(func() { debug.SetMemoryLimit(old) })
	ReserveHeap(10_000 * HeapPerBucket)
	if got := debug.SetMemoryLimit(-1); got != 40<<20 {
		t.Errorf("limit %d, want the user's GOMEMLIMIT kept", got)
	}
}
