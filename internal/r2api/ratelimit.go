package r2api

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Cloudflare's API limit (internal/fakeapi/testdata/API.md): 1200 requests
// per five minutes per user; past it, every call of that user answers 429
// for five minutes. One provider process must never trip it on its own.
const (
	DefaultRateLimit = 1200
	RateLimitWindow  = 5 * time.Minute
	logWaitsFrom     = time.Second // waits at least this long are logged at Info
)

// clock is the time the gate reads and sleeps on; tests give it a fake one.
type clock interface {
	Now() time.Time
	// Sleep waits for d or until ctx ends, returning ctx.Err() then.
	Sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// gate is what every request of one client passes before it is sent: the
// client-side model of Cloudflare's rate limit, and the pause every request
// shares after a 429. It is safe for concurrent use.
//
// The limit is a sliding window (at most limit sends in any window), not a
// token bucket: a bucket that holds 1200 tokens and refills 4 a second lets
// 2400 requests through in the first five minutes of a long sweep, which is
// exactly what trips Cloudflare's lockout; a bucket small enough not to
// (600 tokens, 2 a second) would slow every sweep over 600 buckets from the
// first request. The window lets a 1000-bucket sweep run at full speed and
// makes a 5000-bucket sweep wait for the window instead of being locked out.
//
// After a 429 every request waits until the Retry-After has passed; then one
// request goes first (the probe) and the others wait for its answer: another
// 429 starts a new pause, anything else lets them all go. So a storm of 429s
// costs one request per Retry-After, not one per read in flight.
type gate struct {
	clock clock

	mu          sync.Mutex
	limit       int           // 0: no client-side limit
	window      time.Duration // the limit's window
	sends       []time.Time   // ring of the last limit send times (scheduled)
	next        int           // index of the oldest entry once the ring is full
	pausedUntil time.Time     // no request is sent before this (after a 429)
	needProbe   bool          // a 429 was seen and no answer since said the storm is over
	pauses      int           // how many 429s have paused the gate
	probing     bool          // the probe is in flight
	probeDone   chan struct{} // closed when the probe in flight has its answer
	independent bool          // no shared pause (Config.NoSharedPause)
}

func newGate(c clock, limit int, window time.Duration) *gate {
	return &gate{clock: c, limit: max(limit, 0), window: window, probeDone: make(chan struct{})}
}

// book books the earliest send time the limit allows from at on, and
// returns how long after at it is. A booking whose wait is cancelled is not
// given back: counting a request that was never sent only errs on the safe
// side. g.mu is held.
func (g *gate) book(at time.Time) time.Duration {
	if g.limit == 0 {
		return 0
	}
	if len(g.sends) < g.limit {
		g.sends = append(g.sends, at)
		return 0
	}
	var wait time.Duration
	if free := g.sends[g.next].Add(g.window); free.After(at) {
		wait = free.Sub(at)
		at = free
	}
	g.sends[g.next] = at
	g.next = (g.next + 1) % g.limit
	return wait
}

// pause holds every request of the client for d from now: the API said (in
// Retry-After) that it refuses this user's calls until then, so sending any
// request before would be refused too and only prolong the lockout.
func (g *gate) pause(d time.Duration) {
	if g.independent {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if until := g.clock.Now().Add(d); until.After(g.pausedUntil) {
		g.pausedUntil = until
	}
	g.needProbe = true
	g.pauses++
}

// errPausedBeyondBudget is returned by wait when the shared pause after a 429
// ends after the call's budget: the call fails at once, as when its own
// answer asked for too long a wait.
type errPausedBeyondBudget struct {
	pause, left time.Duration
	budget      string // in words: "this read's 1m0s budget"
}

func (e *errPausedBeyondBudget) Error() string {
	if e.pause <= 0 {
		return fmt.Sprintf("the API is rate limiting this user (HTTP 429), and %s ran out while another request "+
			"tested whether the limit had passed", e.budget)
	}
	return fmt.Sprintf("the API is rate limiting this user (HTTP 429) and every request waits another %s (Retry-After), "+
		"more than the %s left of %s", e.pause.Round(time.Second), e.left.Round(time.Second), e.budget)
}

// ticket is a request's pass through the gate; done must be called with it.
// pauses is how many pauses the gate had seen when the ticket was issued.
type ticket struct {
	probe  bool
	pauses int
}

// wait blocks until the request may be sent. The shared pause counts against
// the call's budget (deadline): a lockout longer than the budget fails the
// call at once. The client's own pacing does not: its wait moves the deadline
// on, since the API has not failed. It returns the new deadline.
func (g *gate) wait(ctx context.Context, deadline time.Time, budget string) (ticket, time.Time, error) {
	for {
		g.mu.Lock()
		now := g.clock.Now()
		if pause := g.pausedUntil.Sub(now); pause > 0 {
			g.mu.Unlock()
			if left := deadline.Sub(now); pause > left {
				return ticket{}, deadline, &errPausedBeyondBudget{pause: pause, left: max(left, 0), budget: budget}
			}
			logWait(ctx, "the API answered 429: every request waits out its Retry-After", pause)
			if err := g.clock.Sleep(ctx, pause); err != nil {
				return ticket{}, deadline, err
			}
			continue
		}
		if g.needProbe && g.probing {
			done := g.probeDone
			g.mu.Unlock()
			select {
			case <-ctx.Done():
				return ticket{}, deadline, ctx.Err()
			case <-done:
			}
			// The probe's answer may come after this call's budget: then
			// fail as a pause beyond the budget would, rather than send a
			// request with no time left.
			if now := g.clock.Now(); !now.Before(deadline) {
				return ticket{}, deadline, &errPausedBeyondBudget{left: 0, budget: budget}
			}
			continue
		}
		t := ticket{probe: g.needProbe, pauses: g.pauses}
		g.probing = t.probe
		limitWait := g.book(now)
		g.mu.Unlock()
		if limitWait > 0 {
			logWait(ctx, "the client-side rate limit is reached (rate_limit requests per 5 minutes)", limitWait)
			if err := g.clock.Sleep(ctx, limitWait); err != nil {
				g.done(t, false, true)
				return ticket{}, deadline, err
			}
		}
		return t, deadline.Add(limitWait), nil
	}
}

// done records the outcome of a request that passed the gate. The probe's
// answer ends the storm unless it was a 429 (which pause has recorded) or it
// never came (abandoned), when another request becomes the probe.
func (g *gate) done(t ticket, limited, abandoned bool) {
	if !t.probe {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.probing = false
	// Only an answer to a probe sent after the latest 429 ends the storm: a
	// 429 that arrived while the probe was out (for a request sent before
	// the pause) started a new pause, which needs a probe of its own.
	if !limited && !abandoned && t.pauses == g.pauses {
		g.needProbe = false
	}
	close(g.probeDone)
	g.probeDone = make(chan struct{})
}

func logWait(ctx context.Context, why string, d time.Duration) {
	fields := map[string]any{"reason": why, "wait_ms": d.Milliseconds()}
	if d >= logWaitsFrom {
		tflog.Info(ctx, "Waiting before an R2 API request", fields)
	} else {
		tflog.Debug(ctx, "Waiting before an R2 API request", fields)
	}
}

// RetryBudget bounds the retries of many calls together (a sweep's), so that
// an API that fails every request costs a bounded number of requests, not
// retries × calls. Safe for concurrent use.
type RetryBudget struct {
	left  atomic.Int64
	total int
}

// NewRetryBudget allows n retries in all.
func NewRetryBudget(n int) *RetryBudget {
	b := &RetryBudget{total: n}
	b.left.Store(int64(n))
	return b
}

// Used says how many retries were taken.
func (b *RetryBudget) Used() int { return b.total - int(max(b.left.Load(), 0)) }

func (b *RetryBudget) take() bool { return b.left.Add(-1) >= 0 }

type retryBudgetKey struct{}

// WithRetryBudget makes every call made with the returned context draw its
// retries from b, on top of each call's own max_retries.
func WithRetryBudget(ctx context.Context, b *RetryBudget) context.Context {
	return context.WithValue(ctx, retryBudgetKey{}, b)
}

// takeRetry reports whether the shared budget of ctx, if any, allows one
// more retry, and if not, why.
func takeRetry(ctx context.Context) (bool, string) {
	b, ok := ctx.Value(retryBudgetKey{}).(*RetryBudget)
	if !ok || b.take() {
		return true, ""
	}
	return false, fmt.Sprintf("gave up: the %d retries this sweep allows in all are spent", b.total)
}
