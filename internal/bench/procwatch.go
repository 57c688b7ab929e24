package bench

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// procWatch samples the peak resident set size of every child of a
// Terraform process that runs a given executable.
//
// It reads VmHWM from /proc/<pid>/status: the kernel's high-water mark of
// the process's RSS, which only grows, so the last sample before the
// process exits is its peak up to that moment. Children are found through
// /proc/<terraform>/task/<tid>/children (Terraform is multithreaded and a
// child is listed under the thread that forked it) and matched by
// /proc/<pid>/exe once they have called exec.
type procWatch struct {
	parent   int
	exe      string // The executable to match, symlinks resolved.
	parentEx string // Terraform's own executable: a child not yet exec'd.
	interval time.Duration

	stop chan struct{}
	done chan struct{}

	// Written by loop only, read by finish once loop has returned.
	seen    map[int]bool // Children classified: true when they match.
	peakKiB map[int]int
}

func startProcWatch(parent int, exe string, interval time.Duration) *procWatch {
	if r, err := filepath.EvalSymlinks(exe); err == nil {
		exe = r
	}
	w := &procWatch{
		parent:   parent,
		exe:      exe,
		interval: interval,
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
		seen:     map[int]bool{},
		peakKiB:  map[int]int{},
	}
	w.parentEx, _ = os.Readlink("/proc/" + strconv.Itoa(parent) + "/exe")
	go w.loop()
	return w
}

func (w *procWatch) loop() {
	defer close(w.done)
	t := time.NewTicker(w.interval)
	defer t.Stop()
	for {
		w.sample()
		select {
		case <-w.stop:
			return
		case <-t.C:
		}
	}
}

func (w *procWatch) sample() {
	tasks, _ := filepath.Glob("/proc/" + strconv.Itoa(w.parent) + "/task/*/children")
	for _, f := range tasks {
		for _, s := range strings.Fields(readFile(f)) {
			pid, err := strconv.Atoi(s)
			if err != nil {
				continue
			}
			if _, done := w.seen[pid]; done {
				continue
			}
			exe, err := os.Readlink("/proc/" + s + "/exe")
			if err != nil || exe == w.parentEx {
				continue // Gone, or forked but not exec'd yet: look again.
			}
			w.seen[pid] = exe == w.exe
		}
	}
	for pid, match := range w.seen {
		if !match {
			continue
		}
		if kib := vmHWM(pid); kib > w.peakKiB[pid] {
			w.peakKiB[pid] = kib
		}
	}
}

// vmHWM returns a process's peak RSS in KiB, or 0 when it is gone.
func vmHWM(pid int) int {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kib, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return kib
		}
	}
	return 0
}

// finish stops sampling and returns the largest peak RSS in bytes and how
// many matching processes were seen.
func (w *procWatch) finish() (peakBytes int64, procs int) {
	close(w.stop)
	<-w.done
	for pid, match := range w.seen {
		if match {
			procs++
			peakBytes = max(peakBytes, int64(w.peakKiB[pid])*1024)
		}
	}
	return peakBytes, procs
}
