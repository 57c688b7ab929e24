package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
)

// The sweep scenarios (issue #11): one r2_bucket_cors_policies data source
// reads a whole account, next to the for_each plans above.
const (
	// SweepEUBuckets is how many buckets each sweep account also has in eu.
	SweepEUBuckets = 5
)

// Targets from issue #11.
const (
	TargetSweepN       = 1000
	TargetSweepWall    = 2500 * time.Millisecond
	TargetSweepSpeedup = 10.0       // ≥ 10 × faster than the for_each floor.
	TargetSweepRSS     = 60_000_000 // Provider peak RSS ≤ 60 MB.
	// The large sweep (issue #18): its peak RSS was 164 MB.
	TargetSweepLargeN   = 5000
	TargetSweepLargeRSS = 100_000_000 // Provider peak RSS ≤ 100 MB.
)

// SweepAccount is the account that holds the buckets of the sweep of size n.
func SweepAccount(n int) string { return fmt.Sprintf("%032x", n) }

// SweepRequests is what a healthy sweep of size n sends: one list page per
// 1000 buckets (at least one) in default, one each in eu, fedramp and us,
// and one read per bucket.
func SweepRequests(n int) int {
	return max(1, (n+999)/1000) + 3 + n + SweepEUBuckets
}

func (h *Harness) addSweepAccounts() {
	sizes := slices.Concat(h.opts.SweepSizes, h.opts.S3Sizes)
	slices.Sort(sizes)
	for _, n := range slices.Compact(sizes) {
		acct := SweepAccount(n)
		h.fake.AddAccount(acct)
		for i := range n {
			h.fake.AddBucket(acct, fakeapi.Bucket{Name: BucketName(i), CORSRules: CORSRules})
		}
		for i := range SweepEUBuckets {
			h.fake.AddBucket(acct, fakeapi.Bucket{Name: fmt.Sprintf("eu-%04d", i), Jurisdiction: "eu", CORSRules: CORSRules})
		}
	}
}

// SweepVariant is how the provider is set for a sweep.
type SweepVariant struct {
	RateLimitOff bool // rate_limit = 0
	// S3 reads the policies through R2's S3 API (cors_reader = "s3", the
	// fake's endpoints, credentials derived from the API token).
	S3 bool
}

func (v SweepVariant) name() string {
	name := fmt.Sprintf("sweep-limit%t", !v.RateLimitOff)
	if v.S3 {
		name += "-s3"
	}
	return name
}

func (h *Harness) sweepConfigDir(n int, v SweepVariant) (string, error) {
	dir := filepath.Join(h.work, fmt.Sprintf("%s-%d", v.name(), n))
	if _, err := os.Stat(dir); err == nil {
		return dir, nil
	}
	extra := ""
	if v.RateLimitOff {
		extra = "\n  rate_limit = 0"
	}
	if v.S3 {
		extra += fmt.Sprintf("\n  cors_reader = \"s3\"\n  s3_endpoint = %q", h.fake.S3EndpointTemplate())
	}
	cfg := fmt.Sprintf(`terraform {
  required_providers {
    r2 = { source = "r2tf/r2" }
  }
}

provider "r2" {
  base_url  = %[1]q
  api_token = %[2]q%[3]s
}

data "r2_bucket_cors_policies" "all" {
  account_id = %[4]q
}
`, h.fake.URL(), Token, extra, SweepAccount(n))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return dir, os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg), 0o600)
}

// PlanSweep plans the sweep of size n and checks that it read every bucket,
// once, with nothing refused or retried.
func (h *Harness) PlanSweep(ctx context.Context, n int, v SweepVariant) (Sample, error) {
	dir, err := h.sweepConfigDir(n, v)
	if err != nil {
		return Sample{}, err
	}
	s, out, err := h.run(ctx, dir, h.ProviderBinary())
	if err != nil {
		return Sample{}, fmt.Errorf("terraform plan (sweep of %d): %w\n%s", n, err, out)
	}
	// Every bucket's policy path once, and the list path (the same URL for
	// every jurisdiction and page).
	if want := SweepRequests(n); s.Requests != want || s.Distinct != n+SweepEUBuckets+1 || s.Refused != 0 {
		return Sample{}, fmt.Errorf("sweep of %d: %d requests (%d distinct paths, %d refused); want %d, each bucket once",
			n, s.Requests, s.Distinct, s.Refused, want)
	}
	return s, nil
}

// Storm is a 429 storm as Cloudflare has them: from the first read of a
// policy on, every request is refused for Window with a Retry-After of the
// seconds left, then all pass.
type Storm struct {
	Name   string
	Window time.Duration
}

// StormSample is one sweep through a storm; Failed when the plan failed
// (a lockout longer than a read's budget fails the sweep, by design).
type StormSample struct {
	Sample
	Failed bool
}

// PlanStorm plans the sweep of size n, rate limit at its default, through
// the storm.
func (h *Harness) PlanStorm(ctx context.Context, n int, st Storm) (StormSample, error) {
	dir, err := h.sweepConfigDir(n, SweepVariant{})
	if err != nil {
		return StormSample{}, err
	}
	var started atomic.Bool
	h.mu.Lock()
	h.onRequest = func(r fakeapi.Request) {
		if strings.HasSuffix(r.Path, "/cors") && started.CompareAndSwap(false, true) {
			h.fake.RateLimitFor(st.Window)
		}
	}
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		h.onRequest = nil
		h.mu.Unlock()
		h.fake.RateLimitFor(0)
	}()
	s, out, err := h.run(ctx, dir, h.ProviderBinary())
	if err != nil && (ctx.Err() != nil || !strings.Contains(out, "429")) {
		return StormSample{}, fmt.Errorf("terraform plan (storm %s): %w\n%s", st.Name, err, out)
	}
	return StormSample{Sample: s, Failed: err != nil}, nil
}

// SweepResult holds the sweeps of one size.
type SweepResult struct {
	N                   int
	Limited, Unlimited  []Sample // rate_limit at its default, and off
	ForEach, ForEachTri time.Duration
}

// StormResult is one storm.
type StormResult struct {
	Storm Storm
	N     int
	StormSample
}

// sweepConcurrency is the provider's default, which the sweeps run with.
var sweepConcurrency = r2api.DefaultSweepConcurrency
