package bench

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
)

// The S3 reader (issue 22): an account too big for the REST API's per-user
// budget, swept with cors_reader = "s3" and S3 credentials derived from the
// API token; next to it, the same account through REST on a scaled clock
// (what the budget forces), and a 1000-bucket account read both ways.
const (
	S3LargeN     = 10000
	S3CompareN   = 1000
	TargetS3Wall = 20 * time.Second
	TargetS3RSS  = 200_000_000 // Provider peak RSS ≤ 200 MB.
	S3VerifyMax  = 2           // Verify Token: the user's endpoint, then the account's.
	S3RESTWindow = 5 * time.Second
)

// SweepPages is how many List Buckets pages a sweep of size n sends: one per
// 1000 buckets (at least one) in default, one each in eu, fedramp and us.
func SweepPages(n int) int { return max(1, (n+999)/1000) + 3 }

// S3Buckets is how many buckets a sweep account of size n holds, and so how
// many S3 reads its sweep sends.
func S3Buckets(n int) int { return n + SweepEUBuckets }

// S3Sample is one sweep through the S3 reader, with the requests counted
// by API: Sample.Requests counts both.
type S3Sample struct {
	Sample
	ListPages, Verify int // REST requests: List Buckets pages and Verify Token
	S3                fakeapi.S3Stats
	S3Distinct        int // distinct S3 paths: buckets read
}

// REST is the REST requests of the sweep.
func (s S3Sample) REST() int { return s.Requests - s.S3.Requests }

// PlanSweepS3 plans the sweep of size n with cors_reader = "s3" and checks
// that its REST requests are the list pages and one or two Verify Token
// calls, and its S3 requests one read per bucket, each bucket once, nothing
// refused.
func (h *Harness) PlanSweepS3(ctx context.Context, n int) (S3Sample, error) {
	dir, err := h.sweepConfigDir(n, SweepVariant{S3: true})
	if err != nil {
		return S3Sample{}, err
	}
	s, out, err := h.run(ctx, dir, h.ProviderBinary())
	if err != nil {
		return S3Sample{}, fmt.Errorf("terraform plan (sweep of %d through S3): %w\n%s", n, err, out)
	}
	x := S3Sample{Sample: s, S3: h.fake.S3Stats()}
	s3Paths := map[string]bool{}
	other := 0
	for _, r := range h.fake.Requests() {
		switch {
		case strings.HasPrefix(r.Path, fakeapi.S3BasePath+"/"):
			s3Paths[r.Path] = true
		case strings.HasSuffix(r.Path, "/r2/buckets"):
			x.ListPages++
		case strings.HasSuffix(r.Path, "/tokens/verify"):
			x.Verify++
		default:
			other++
		}
	}
	x.S3Distinct = len(s3Paths)
	return x, x.check(n, other)
}

// check says what is wrong with the counts of a sweep of n through S3.
func (x S3Sample) check(n, other int) error {
	want := S3Buckets(n)
	var probs []string
	if x.ListPages != SweepPages(n) || x.Verify < 1 || x.Verify > S3VerifyMax || other != 0 || x.REST() != x.ListPages+x.Verify {
		probs = append(probs, fmt.Sprintf("REST: %d requests (%d list pages, %d Verify Token, %d other); want %d list pages and 1 to %d Verify Token",
			x.REST(), x.ListPages, x.Verify, other, SweepPages(n), S3VerifyMax))
	}
	if x.S3.Requests != want || x.S3.Reads != want || x.S3.Denied != 0 || x.S3Distinct != want {
		probs = append(probs, fmt.Sprintf("S3: %d requests (%d reads, %d denied, %d buckets); want %d, each bucket once",
			x.S3.Requests, x.S3.Reads, x.S3.Denied, x.S3Distinct, want))
	}
	if len(probs) == 0 {
		return nil
	}
	return fmt.Errorf("sweep of %d through S3: %s", n, strings.Join(probs, "; "))
}

// RESTScaled is the large account swept through REST under the user's
// budget (1200 requests a window, nobody else spending it) with the window
// scaled down: the provider reads the window from the Ratelimit headers, so
// it waits for a scaled reset as it would for Cloudflare's five minutes.
// Its own sliding window (rate_limit, a fixed five minutes that does not
// scale) is off: the reserve lets fewer through a window than it does
// (MaxInWindow says whether any window-long interval held more).
type RESTScaled struct {
	N      int
	Window time.Duration // the scaled window
	Sample
	Budget fakeapi.BudgetStats
	// PerWindow is the provider's requests in each window of the budget,
	// from the first request on (answer times: the fake counts a request
	// when it answers it).
	PerWindow []int
	// MaxInWindow is the most requests in any Window-long interval, what
	// the client's own sliding window would have counted at this scale.
	MaxInWindow int
}

// RESTScale is how much longer Cloudflare's window is than a scaled one.
func RESTScale(window time.Duration) float64 { return float64(budgetRealWin) / float64(window) }

// Allowance is what the provider lets itself spend of a window's quota:
// the quota less the default reserve (rate_limit_reserve).
func RESTAllowance() int { return BudgetQuota - BudgetQuota*r2api.DefaultRateLimitReserve/100 }

// Held counts the windows in which the provider spent its whole allowance
// and so held the rest of its requests until the reset.
func (r RESTScaled) Held() int {
	n := 0
	for _, c := range r.PerWindow {
		if c >= RESTAllowance() {
			n++
		}
	}
	return n
}

// Waits is how many resets the sweep waited for: every window but the last.
func (r RESTScaled) Waits() int { return max(len(r.PerWindow)-1, 0) }

// Faithful says whether the scaled run waited as the real one would: for
// as many resets as the budget forces (ForcedWaits at the allowance), no
// more. A window too short for one allowance's reads on a busy machine
// would spread the sweep over more windows than Cloudflare's five minutes
// would, and the scaled-back wall would count waits the real sweep has not.
func (r RESTScaled) Faithful() bool {
	return len(r.PerWindow) > 0 && r.Waits() == ForcedWaits(r.Budget.Ours, RESTAllowance())
}

// RealWall is the wall time at Cloudflare's scale: each window the sweep
// waited through lasts five minutes instead of the scaled window; the rest
// (start-up, the last window's reads, the exit) takes what it took.
func (r RESTScaled) RealWall() time.Duration {
	return r.Wall + time.Duration(r.Waits())*(budgetRealWin-r.Window)
}

// Share is the part of the user's budget the sweep took over the windows
// it spanned: its requests over the quota of those windows.
func (r RESTScaled) Share() float64 {
	if len(r.PerWindow) == 0 {
		return 0
	}
	return float64(r.Budget.Ours) / float64(BudgetQuota*len(r.PerWindow))
}

// ForcedWaits is how many resets requests must wait for at most per
// requests a window: they fill ⌈requests / per⌉ windows.
func ForcedWaits(requests, per int) int {
	if requests <= 0 || per <= 0 {
		return 0
	}
	return (requests+per-1)/per - 1
}

// PlanRESTScaled plans the sweep of n through REST (rate_limit = 0, the
// reserve at its default) under the user's budget with the scaled window,
// and checks that it read every bucket once with nothing refused.
func (h *Harness) PlanRESTScaled(ctx context.Context, n int, window time.Duration) (RESTScaled, error) {
	dir, err := h.sweepConfigDir(n, SweepVariant{RateLimitOff: true})
	if err != nil {
		return RESTScaled{}, err
	}
	if err := h.fake.SetBudget(fakeapi.Budget{Quota: BudgetQuota, Window: window}); err != nil {
		return RESTScaled{}, err
	}
	defer func() { _ = h.fake.SetBudget(fakeapi.Budget{}) }()
	s, out, err := h.run(ctx, dir, h.ProviderBinary())
	if err != nil {
		return RESTScaled{}, fmt.Errorf("terraform plan (sweep of %d through REST, %s windows): %w\n%s", n, window, err, out)
	}
	r := RESTScaled{N: n, Window: window, Sample: s, Budget: h.fake.BudgetStats()}
	times := h.answerTimes()
	r.PerWindow, r.MaxInWindow = perWindow(times, window), maxInWindow(times, window)
	if want := SweepRequests(n); s.Requests != want || s.Distinct != S3Buckets(n)+1 || s.Refused != 0 ||
		r.Budget.Ours != want || r.Budget.RefusedOurs != 0 {
		return r, fmt.Errorf("sweep of %d through REST, %s windows: %d requests (%d distinct paths, %d refused, %d counted by the budget); "+
			"want %d, each bucket once", n, window, s.Requests, s.Distinct, s.Refused+r.Budget.RefusedOurs, r.Budget.Ours, want)
	}
	return r, nil
}

// answerTimes are the answer times of the last plan's requests.
func (h *Harness) answerTimes() []time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.times)
}

// perWindow counts the requests in each window of the budget: fixed
// windows, the first starting with the first request, as the fake's.
func perWindow(times []time.Time, window time.Duration) []int {
	if len(times) == 0 || window <= 0 {
		return nil
	}
	start := slices.MinFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	var out []int
	for _, t := range times {
		i := int(t.Sub(start) / window)
		for len(out) <= i {
			out = append(out, 0)
		}
		out[i]++
	}
	return out
}

// maxInWindow is the most requests in any interval of length window.
func maxInWindow(times []time.Time, window time.Duration) int {
	s := slices.SortedFunc(slices.Values(times), func(a, b time.Time) int { return a.Compare(b) })
	best, lo := 0, 0
	for hi, t := range s {
		for t.Sub(s[lo]) >= window {
			lo++
		}
		best = max(best, hi-lo+1)
	}
	return best
}

// S3Result is issue 22's rows: the large account through S3, 1000 buckets
// through S3 and REST interleaved, and the large account through REST on
// the scaled clock.
type S3Result struct {
	N           int
	Large       []S3Sample
	CompareN    int
	CompareS3   []S3Sample
	CompareREST []Sample
	REST        *RESTScaled
}

// CompareRatio is the REST sweep's median over the S3 sweep's at CompareN.
func (r S3Result) CompareRatio() float64 {
	s3 := Median(Walls(s3Samples(r.CompareS3)))
	if s3 == 0 || len(r.CompareREST) == 0 {
		return 0
	}
	return float64(Median(Walls(r.CompareREST))) / float64(s3)
}

func s3Samples(xs []S3Sample) []Sample {
	out := make([]Sample, len(xs))
	for i, x := range xs {
		out[i] = x.Sample
	}
	return out
}
