package r2api_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
)

// readAll reads n buckets with workers goroutines, as a sweep does, and
// returns the errors by bucket.
func readAll(c *r2api.Client, ctx context.Context, n, workers int) []error {
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				_, errs[i] = c.GetBucketCORS(ctx, account, fmt.Sprintf("bucket-%03d", i), "")
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return errs
}

func addBuckets(s *fakeapi.Server, n int) {
	for i := range n {
		s.AddBucket(account, fakeapi.Bucket{Name: fmt.Sprintf("bucket-%03d", i), CORSRules: rules})
	}
}

// A storm shorter than the budget: every read waits it out and succeeds,
// and after the first 429s one probe, not every worker, tests the API.
func TestSharedPause_stormIsWaitedOutOnce(t *testing.T) {
	const n, workers = 100, 8
	s, c := setup(t)
	addBuckets(s, n)
	s.RateLimitFor(1200 * time.Millisecond) // Retry-After: 2
	for i, err := range readAll(c, context.Background(), n, workers) {
		if err != nil {
			t.Fatalf("bucket %d: %v", i, err)
		}
	}
	refused := 0
	for _, r := range s.Requests() {
		if r.Status == 429 {
			refused++
		}
	}
	// At most one 429 per worker in flight when the storm began.
	if refused > workers || s.RequestCount() != n+refused {
		t.Errorf("requests = %d with %d refused; want %d reads plus at most %d refused", s.RequestCount(), refused, n, workers)
	}
}

// A lockout longer than any read's budget (Cloudflare's is five minutes):
// once the first 429 is in, every other read fails at once without sending
// anything, instead of each earning its own 429.
func TestSharedPause_lockoutCostsOneRequestPerWorker(t *testing.T) {
	const n, workers = 200, 8
	s, c := setup(t)
	addBuckets(s, n)
	s.RateLimitFor(5 * time.Minute)
	// "At once" is counted, not timed: every read fails and at most one
	// request per worker was sent (waiting out the lockout would send more).
	errs := readAll(c, context.Background(), n, workers)
	for i, err := range errs {
		e := mustAPIError(t, err)
		if e.StatusCode != 429 && !strings.Contains(e.Error(), "rate limiting this user") {
			t.Fatalf("bucket %d: %v; want the lockout named", i, e)
		}
	}
	if got := s.RequestCount(); got > workers {
		t.Errorf("requests = %d for %d reads; want at most one per worker (%d)", got, n, workers)
	}
}

// A shared retry budget bounds what a failing API costs a sweep.
func TestRetryBudget_boundsASweep(t *testing.T) {
	const n, workers, budget = 40, 4, 10
	s, c := setup(t)
	addBuckets(s, n)
	s.InjectFault(fakeapi.Fault{Status: 503})
	b := r2api.NewRetryBudget(budget)
	readAll(c, r2api.WithRetryBudget(context.Background(), b), n, workers)
	if got := s.RequestCount(); got != n+budget {
		t.Errorf("requests = %d, want %d reads + %d retries", got, n, budget)
	}
	if b.Used() != budget {
		t.Errorf("Used = %d, want %d", b.Used(), budget)
	}
}
