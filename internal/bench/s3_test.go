package bench

import (
	"strings"
	"testing"
	"time"

	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
)

func TestPerWindowAndMaxInWindow(t *testing.T) {
	start := time.Unix(100, 0)
	at := func(ms int) time.Time { return start.Add(time.Duration(ms) * time.Millisecond) }
	// Three in the first 5 s window, none in the second, two in the third;
	// given out of order, as answers are recorded.
	times := []time.Time{at(4999), at(0), at(10_000), at(3000), at(12_000)}
	got := perWindow(times, 5*time.Second)
	if want := []int{3, 0, 2}; !equalInts(got, want) {
		t.Errorf("perWindow = %v, want %v", got, want)
	}
	if got := maxInWindow(times, 5*time.Second); got != 3 {
		t.Errorf("maxInWindow = %d, want 3 (0, 3000, 4999)", got)
	}
	// 3000 and 4999 and 10000 are not within 5 s of each other: 7 s apart.
	if got := maxInWindow(times, 2*time.Second); got != 2 {
		t.Errorf("maxInWindow(2s) = %d, want 2", got)
	}
	if perWindow(nil, time.Second) != nil || maxInWindow(nil, time.Second) != 0 {
		t.Error("no requests: want no windows")
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestRESTScaledFigures(t *testing.T) {
	x := RESTScaled{N: 10000, Window: 5 * time.Second, Sample: Sample{Wall: 58 * time.Second, Requests: 10018},
		Budget:    fakeapi.BudgetStats{Ours: 10018, LowestRemaining: 300},
		PerWindow: []int{900, 900, 900, 900, 900, 900, 900, 900, 900, 900, 900, 118}, MaxInWindow: 900}
	if RESTAllowance() != 900 {
		t.Fatalf("allowance = %d, want 900 (1200 less the 25%% reserve)", RESTAllowance())
	}
	if x.Waits() != 11 || x.Held() != 11 || !x.Faithful() {
		t.Errorf("waits %d, held %d, faithful %t; want 11, 11, true", x.Waits(), x.Held(), x.Faithful())
	}
	// 58 s, 11 waits of 5 s each lasting 5 min instead: 58 + 11 × 295 s.
	if want := 58*time.Second + 11*295*time.Second; x.RealWall() != want {
		t.Errorf("RealWall = %s, want %s", x.RealWall(), want)
	}
	if got := x.Share(); got < 0.6956 || got > 0.6958 {
		t.Errorf("Share = %f, want 10018 / 14400", got)
	}
	if RESTScale(5*time.Second) != 60 {
		t.Errorf("scale = %f, want 60", RESTScale(5*time.Second))
	}
	// A window that ended before its allowance was spent, made up for in
	// the last: as many waits as the budget forces.
	x.PerWindow = []int{900, 900, 273, 900, 900, 900, 900, 900, 900, 900, 900, 745}
	if x.Held() != 10 || !x.Faithful() {
		t.Errorf("held %d, faithful %t; want 10, true", x.Held(), x.Faithful())
	}
	// One wait more than the budget forces: the machine, not the budget,
	// set the pace.
	x.PerWindow = []int{900, 900, 273, 900, 900, 900, 900, 900, 900, 900, 900, 900, 745 - 627}
	if x.Faithful() {
		t.Error("a sweep with a wait too many counted as faithful")
	}
	if ForcedWaits(10018, 1200) != 8 || ForcedWaits(10018, 900) != 11 || ForcedWaits(900, 900) != 0 || ForcedWaits(0, 900) != 0 {
		t.Error("ForcedWaits: want 8, 11, 0, 0")
	}
}

func TestS3SampleCheck(t *testing.T) {
	good := S3Sample{Sample: Sample{Requests: 13 + 1 + 10005}, ListPages: 13, Verify: 1,
		S3: fakeapi.S3Stats{Requests: 10005, Reads: 10005}, S3Distinct: 10005}
	if err := good.check(10000, 0); err != nil {
		t.Errorf("good sweep: %v", err)
	}
	two := good
	two.Verify, two.Requests = 2, good.Requests+1
	if err := two.check(10000, 0); err != nil {
		t.Errorf("two Verify Token calls (user's, then account's): %v", err)
	}
	for name, tc := range map[string]struct {
		mod   func(*S3Sample)
		other int
		want  string
	}{
		"a bucket read twice": {func(x *S3Sample) { x.S3.Requests++; x.S3.Reads++; x.Requests++ }, 0, "S3: 10006 requests"},
		"a bucket missed":     {func(x *S3Sample) { x.S3Distinct-- }, 0, "10004 buckets"},
		"a denied read":       {func(x *S3Sample) { x.S3.Denied = 1 }, 0, "1 denied"},
		"no verify":           {func(x *S3Sample) { x.Verify, x.Requests = 0, x.Requests-1 }, 0, "0 Verify Token"},
		"three verifies":      {func(x *S3Sample) { x.Verify, x.Requests = 3, x.Requests+2 }, 0, "3 Verify Token"},
		"a REST policy read":  {func(x *S3Sample) { x.Requests++ }, 1, "1 other"},
		"a page short":        {func(x *S3Sample) { x.ListPages, x.Requests = 12, x.Requests-1 }, 0, "12 list pages"},
	} {
		x := good
		tc.mod(&x)
		err := x.check(10000, tc.other)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one saying %q", name, err, tc.want)
		}
	}
}

func s3Result() Result {
	s3 := func(n int, wall time.Duration, rss int64) S3Sample {
		return S3Sample{Sample: Sample{Wall: wall, PeakRSS: rss, Requests: SweepPages(n) + 1 + S3Buckets(n), Conns: 26,
			Startup: 300 * time.Millisecond, Reads: wall / 2, Tail: wall/2 - 300*time.Millisecond},
			ListPages: SweepPages(n), Verify: 1, S3: fakeapi.S3Stats{Requests: S3Buckets(n), Reads: S3Buckets(n)}, S3Distinct: S3Buckets(n)}
	}
	rest := func(wall time.Duration) Sample {
		return Sample{Wall: wall, PeakRSS: 50e6, Requests: SweepRequests(1000), Conns: 24}
	}
	return Result{Date: time.Unix(0, 0), Latency: 20 * time.Millisecond, Parallelism: 10, Runs: 3, BinaryBytes: 41_234_567,
		S3: &S3Result{
			N:        10000,
			Large:    []S3Sample{s3(10000, 9*time.Second, 150e6), s3(10000, 11*time.Second, 160e6), s3(10000, 10*time.Second, 155e6)},
			CompareN: 1000, CompareS3: []S3Sample{s3(1000, time.Second, 50e6), s3(1000, 1200*time.Millisecond, 50e6)},
			CompareREST: []Sample{rest(1500 * time.Millisecond), rest(1500 * time.Millisecond)},
			REST: &RESTScaled{N: 10000, Window: 5 * time.Second, Sample: Sample{Wall: 58 * time.Second, Requests: 10018},
				Budget:    fakeapi.BudgetStats{Ours: 10018, LowestRemaining: 300},
				PerWindow: []int{900, 900, 900, 900, 900, 900, 900, 900, 900, 900, 900, 118}, MaxInWindow: 900},
		}}
}

func TestS3TablesAndTargets(t *testing.T) {
	r := s3Result()
	var b strings.Builder
	r.WriteS3(&b)
	r.WriteRESTScaled(&b)
	got := b.String()
	for _, want := range []string{
		"| 10000 + 5 | S3 | 10.00 s | 9000 ms–11.00 s | 3 | 300 ms | 5000 ms | 4700 ms | 160.0 MB | 14 (13 + 1) | 10005 (10005) | 26 |",
		"| 1000 + 5 | S3 | 1100 ms | 1000 ms–1200 ms | 2 | 300 ms | 550 ms | 250 ms | 50.0 MB | 5 (4 + 1) | 1005 (1005) | 26 |",
		"| 1000 + 5 | REST | 1500 ms | 1500 ms–1500 ms | 2 | 0 ms | 0 ms | 0 ms | 50.0 MB | 1009 (4 + 1005) | 0 | 24 |",
		"1000 + 5 buckets, the two readers' plans interleaved: REST 1500 ms / S3 1100 ms = **1.36×**",
		"the budget's window 5s for Cloudflare's 5m0s (60×)",
		"| 900 × 11, 118 |",
		"| 11 of 12 |",
		"| 10018 / (12 × 1200) = 70% |",
		"| **55 min 3 s** |", // 58 s + 11 × 4 min 55 s
		"| 8 (40 min 0 s); 11 (55 min 0 s) |",
		"The same account through S3 (median above) | 10.00 s |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if strings.Contains(got, "not faithful") {
		t.Errorf("a faithful run flagged:\n%s", got)
	}

	var tb strings.Builder
	r.WriteTargets(&tb)
	for _, want := range []string{
		"| S3 sweep of 10000 buckets: plan ≤ 20.00 s | 10.00 s | PASS |",
		"| S3 sweep provider peak RSS ≤ 200.0 MB (N=10000) | 160.0 MB | PASS |",
		"| S3 sweep REST requests = list pages + Verify Token (1 or 2) | every S3 sweep (N=10000: 13 + 1; N=1000: 4 + 1) | PASS |",
		"| S3 sweep S3 requests = buckets, exactly | every S3 sweep | PASS |",
	} {
		if !strings.Contains(tb.String(), want) {
			t.Errorf("missing %q in:\n%s", want, tb.String())
		}
	}

	// Over the bounds, and a sweep that read a bucket twice.
	r.S3.Large[1].Wall, r.S3.Large[2].Wall = 25*time.Second, 21*time.Second
	r.S3.Large[0].PeakRSS = 201e6
	r.S3.CompareS3[0].S3.Requests++
	r.S3.CompareS3[0].Requests++
	failed := map[string]bool{}
	for _, tg := range r.Targets() {
		if tg.Known && !tg.Pass {
			failed[tg.Name] = true
		}
	}
	for _, name := range []string{
		"S3 sweep of 10000 buckets: plan ≤ 20.00 s", // median 21 s
		"S3 sweep provider peak RSS ≤ 200.0 MB (N=10000)",
		"S3 sweep S3 requests = buckets, exactly",
	} {
		if !failed[name] {
			t.Errorf("%q: want a known failure; failed: %v", name, failed)
		}
	}
	if failed["S3 sweep REST requests = list pages + Verify Token (1 or 2)"] {
		t.Error("the REST requests failed, but they are right")
	}
}

func TestS3TargetsNotMeasuredAtAnotherSize(t *testing.T) {
	r := s3Result()
	r.S3.N = 2000
	for _, tg := range r.s3Targets()[:2] {
		if tg.Known || !strings.Contains(tg.Measured, "at N=2000") {
			t.Errorf("%+v: want not measured, with the figure at N=2000", tg)
		}
	}
	// Without the S3 rows the table keeps its old rows only.
	r.S3 = nil
	for _, tg := range r.Targets() {
		if strings.HasPrefix(tg.Name, "S3 ") {
			t.Errorf("S3 target %q without S3 rows", tg.Name)
		}
	}
}

func TestResultsHaveTheS3SectionsAndTheBinary(t *testing.T) {
	r := s3Result()
	got := r.Results("")
	for _, want := range []string{
		"- Provider binary: 41.2 MB (41234567 bytes;",
		"### The S3 reader: `cors_reader = \"s3\"` (issue 22)",
		"#### The same account through REST, on a scaled clock",
		"with the window scaled from 5m0s to 5s (60×)",
		"| 10000 + 5 | S3 |",
		"**Wall at Cloudflare's scale**",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	r.S3.REST.PerWindow = append(r.S3.REST.PerWindow, 0)
	if !strings.Contains(r.Results(""), "not faithful") {
		t.Error("an unfaithful scaled run is not flagged")
	}
	r.S3, r.BinaryBytes = nil, 0
	if got := r.Results(""); strings.Contains(got, "S3") || strings.Contains(got, "Provider binary") {
		t.Errorf("S3 sections or binary size without them:\n%s", got)
	}
}

func TestRunLengthsAndDurLong(t *testing.T) {
	for _, tc := range []struct {
		in   []int
		want string
	}{{nil, "–"}, {[]int{5}, "5"}, {[]int{900, 900, 118}, "900 × 2, 118"}, {[]int{1, 2, 2, 1}, "1, 2 × 2, 1"}} {
		if got := runLengths(tc.in); got != tc.want {
			t.Errorf("runLengths(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := DurLong(55*time.Minute + 33*time.Second + 400*time.Millisecond); got != "55 min 33 s" {
		t.Errorf("DurLong = %q", got)
	}
	if got := DurLong(12 * time.Second); got != "12.00 s" {
		t.Errorf("DurLong(12s) = %q", got)
	}
}
