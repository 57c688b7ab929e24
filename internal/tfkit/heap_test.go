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

func TestPauseGC(t *testing.T) {
	t.Setenv("GOGC", "")
	oldLimit := debug.SetMemoryLimit(36 << 20)
	oldPercent := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetMemoryLimit(oldLimit); debug.SetGCPercent(oldPercent) })
	percent := func() int { p := debug.SetGCPercent(-1); debug.SetGCPercent(p); return p }

	first := PauseGC()
	second := PauseGC() // overlapping calls
	if got := percent(); got != -1 {
		t.Fatalf("GOGC %d while paused, want off (-1)", got)
	}
	first()
	first() // resuming twice counts once
	if got := percent(); got != -1 {
		t.Errorf("GOGC %d after one of two calls resumed, want still off", got)
	}
	second()
	if got := percent(); got != 100 {
		t.Errorf("GOGC %d after both resumed, want 100 restored", got)
	}
}

func TestPauseGC_leftAlone(t *testing.T) {
	oldLimit := debug.SetMemoryLimit(math.MaxInt64)
	oldPercent := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetMemoryLimit(oldLimit); debug.SetGCPercent(oldPercent) })
	check := func(why string) {
		t.Helper()
		resume := PauseGC()
		defer resume()
		if p := debug.SetGCPercent(100); p != 100 {
			t.Errorf("%s: GOGC %d while paused, want 100 left alone", why, p)
		}
	}
	check("no soft memory limit: nothing would bound the heap")
	debug.SetMemoryLimit(36 << 20)
	t.Setenv("GOGC", "50")
	debug.SetGCPercent(100)
	check("the user set GOGC")
}
