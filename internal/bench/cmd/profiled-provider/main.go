// Command profiled-provider is the r2 provider, served exactly as main.go
// serves it, that also writes profiles of its process to the directory
// named by R2_BENCH_PROFILE_DIR, so that a real `terraform plan` can be
// profiled (bench -profile does this): CPU, allocations, and the heap at
// its largest.
package main

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"time"

	"github.com/r2tf/terraform-provider-r2/internal/provider"
)

func main() {
	dir := os.Getenv("R2_BENCH_PROFILE_DIR")
	stop := func() {}
	if dir != "" {
		stop = startProfiles(dir)
	}
	err := provider.Serve("dev", false)
	stop()
	if err != nil {
		log.Fatal(err.Error())
	}
}

// startProfiles starts the CPU profile and returns the function that stops
// it and writes the allocation profile.
func startProfiles(dir string) func() {
	prefix := filepath.Join(dir, fmt.Sprintf("provider-%d", os.Getpid()))
	cpu, err := os.Create(prefix + ".cpu.pprof")
	if err != nil {
		log.Fatal(err)
	}
	if err := pprof.StartCPUProfile(cpu); err != nil {
		log.Fatal(err)
	}
	done := make(chan struct{})
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		watchHeap(prefix+".heap-peak", done)
	}()
	return func() {
		close(done)
		<-watched
		pprof.StopCPUProfile()
		_ = cpu.Close()
		heap, err := os.Create(prefix + ".allocs.pprof")
		if err != nil {
			return
		}
		runtime.GC()
		_ = pprof.Lookup("allocs").WriteTo(heap, 0)
		_ = heap.Close()
	}
}

// watchHeap writes a heap profile (prefix.pprof) and the runtime's memory
// metrics (prefix.txt) each time the heap reaches a new high, checking every
// 100 ms, so that they describe the heap near its peak.
func watchHeap(prefix string, done <-chan struct{}) {
	sample := []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/free:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
		{Name: "/memory/classes/heap/stacks:bytes"},
		{Name: "/gc/heap/goal:bytes"},
		{Name: "/gc/heap/live:bytes"},
		{Name: "/gc/cycles/total:gc-cycles"},
		{Name: "/sched/goroutines:goroutines"},
	}
	var peak uint64
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
		}
		metrics.Read(sample)
		if v := sample[0].Value.Uint64(); v > peak+peak/10 {
			peak = v
			if f, err := os.Create(prefix + ".pprof"); err == nil {
				_ = pprof.Lookup("heap").WriteTo(f, 0)
				_ = f.Close()
			}
			var b []byte
			for _, m := range sample {
				b = fmt.Appendf(b, "%s %d\n", m.Name, m.Value.Uint64())
			}
			_ = os.WriteFile(prefix+".txt", b, 0o644)
		}
	}
}
