package bench

import (
	"fmt"
	"io"
	"time"
)

// Median wall times of a size's sweeps.
func (s SweepResult) LimitedMedian() time.Duration   { return Median(Walls(s.Limited)) }
func (s SweepResult) UnlimitedMedian() time.Duration { return Median(Walls(s.Unlimited)) }

// Median is the sweep's median with the rate limit at its default, or off
// when only that was measured.
func (s SweepResult) Median() time.Duration {
	if len(s.Limited) > 0 {
		return s.LimitedMedian()
	}
	return s.UnlimitedMedian()
}

func (s SweepResult) all() []Sample { return append(append([]Sample{}, s.Limited...), s.Unlimited...) }

// Sweep returns the sweeps of size n, if measured.
func (r Result) Sweep(n int) (SweepResult, bool) {
	for _, s := range r.Sweeps {
		if s.N == n {
			return s, true
		}
	}
	return SweepResult{}, false
}

// forEach is the for_each plan and its floor at n, or zero when not measured.
func (r Result) forEach(n int) (plan, floor time.Duration) {
	if s, ok := r.Size(n); ok {
		return s.R2Median(), r.Floor(s)
	}
	return 0, 0
}

func durOrDash(d time.Duration) string {
	if d == 0 {
		return "–"
	}
	return Dur(d)
}

func ratioOrDash(a, b time.Duration) string {
	if a == 0 || b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f×", float64(a)/float64(b))
}

// WriteSweeps prints the sweep against the for_each plans at each size.
func (r Result) WriteSweeps(w io.Writer) {
	fmt.Fprintln(w, "| Buckets (default + eu) | Sweep plan (median) | Sweep min–max | Sweep, rate limit off | for_each plan | for_each floor | Floor / sweep | Requests (pages + buckets) | Connections | Provider peak RSS |")
	fmt.Fprintln(w, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, s := range r.Sweeps {
		plan, floor := r.forEach(s.N)
		all := s.all()
		fmt.Fprintf(w, "| %d + %d | %s | %s | %s | %s | %s | %s | %s (%d expected) | %s | %s |\n",
			s.N, SweepEUBuckets, durOrDash(s.LimitedMedian()), minMax(Walls(s.Limited)), durOrDash(s.UnlimitedMedian()),
			durOrDash(plan), durOrDash(floor), ratioOrDash(floor, s.LimitedMedian()),
			ints(all, func(x Sample) int { return x.Requests }), SweepRequests(s.N),
			ints(all, func(x Sample) int { return x.Conns }),
			MB(maxRSS(all)))
	}
}

func maxRSS(ss []Sample) int64 {
	var m int64
	for _, s := range ss {
		m = max(m, s.PeakRSS)
	}
	return m
}

// WriteStorms prints each storm.
func (r Result) WriteStorms(w io.Writer) {
	fmt.Fprintln(w, "| Storm (sweep of N buckets) | Requests (refused) | Wall | Outcome |")
	fmt.Fprintln(w, "|---|---:|---:|---|")
	for _, st := range r.Storms {
		outcome := "read every bucket"
		if st.Failed {
			outcome = "failed (HTTP 429)"
		}
		fmt.Fprintf(w, "| %s, N=%d | %d (%d) | %s | %s |\n", st.Storm.Name, st.N, st.Requests, st.Refused, Dur(st.Wall), outcome)
	}
}

// sweepTargets checks the sweep against issue #11's targets.
func (r Result) sweepTargets() []Target {
	s, ok := r.Sweep(TargetSweepN)
	t := func(name string) Target { return Target{Name: name, Measured: "–"} }
	wall := t(fmt.Sprintf("Sweep of %d buckets: plan ≤ %s", TargetSweepN, Dur(TargetSweepWall)))
	speed := t(fmt.Sprintf("Sweep ≥ %.0f× faster than the for_each floor (N=%d)", TargetSweepSpeedup, TargetSweepN))
	reqs := t("Sweep requests = list pages + buckets, exactly")
	conns := t(fmt.Sprintf("Sweep connections ≤ concurrency + 2 = %d", sweepConcurrency+2))
	rss := t(fmt.Sprintf("Sweep provider peak RSS ≤ 60 MB (N=%d)", TargetSweepN))
	large := t(fmt.Sprintf("Sweep provider peak RSS ≤ 100 MB (N=%d)", TargetSweepLargeN))
	if l, ok := r.Sweep(TargetSweepLargeN); ok {
		m := maxRSS(l.all())
		large.Known, large.Measured, large.Pass = true, MB(m), m <= TargetSweepLargeRSS
	}
	if ok {
		wall.Known, wall.Measured, wall.Pass = true, Dur(s.LimitedMedian()), s.LimitedMedian() <= TargetSweepWall
		m := maxRSS(s.all())
		rss.Known, rss.Measured, rss.Pass = true, MB(m), m <= TargetSweepRSS
		if _, floor := r.forEach(TargetSweepN); floor > 0 {
			x := float64(floor) / float64(s.LimitedMedian())
			speed.Known, speed.Measured, speed.Pass = true, fmt.Sprintf("%s / %s = %.1f×", Dur(floor), Dur(s.LimitedMedian()), x), x >= TargetSweepSpeedup
		}
	}
	var all []Sample
	for _, sw := range r.Sweeps {
		all = append(all, sw.all()...)
	}
	if len(all) > 0 {
		reqs.Known, reqs.Pass, reqs.Measured = true, true, "every sweep"
		maxConns := 0
		for _, sw := range r.Sweeps {
			for _, x := range sw.all() {
				if x.Requests != SweepRequests(sw.N) {
					reqs.Pass, reqs.Measured = false, fmt.Sprintf("N=%d: %d, want %d", sw.N, x.Requests, SweepRequests(sw.N))
				}
				maxConns = max(maxConns, x.Conns)
			}
		}
		conns.Known, conns.Measured, conns.Pass = true, fmt.Sprintf("at most %d", maxConns), maxConns <= sweepConcurrency+2
	}
	return []Target{wall, speed, reqs, conns, rss, large}
}
