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
	// DefaultRateLimitReserve is the percent of the user's quota the client
	// leaves to the user's other clients (the dashboard, deploys, other
	// tools) when the API announces it: a quarter, 300 of 1200 requests in
	// five minutes, one a second for the rest of the user's work.
	DefaultRateLimitReserve = 25
	// MaxRateLimitReserve leaves this provider a tenth of each quota.
	MaxRateLimitReserve = 90
	logWaitsFrom        = time.Second // waits at least this long are logged at Info
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

	// The user's quota as the API announces it (Ratelimit headers): the
	// limits by name, the percent of each kept for the user's other
	// clients, the requests passed and not yet answered, and until when
	// the wait last logged at Info lasts. Until the first answer nothing is
	// known of the quota, and the sliding window alone applies: at most
	// sweep_concurrency requests go before the first answer, well within
	// the default reserve (a first request sent alone made every read wait
	// on it, and fail with it when the API hung).
	limits      map[string]*quota
	reservePct  int
	inflight    int
	loggedUntil time.Time
}

// quota is one limit of the user's, as the latest answers announced it.
type quota struct {
	quota, remaining int
	window           time.Duration
	resetAt          time.Time
}

// reserve is how much of the quota stays for other clients: rounded down,
// so that with a reserve under 100% one request can go in every window.
func (q *quota) reserve(pct int) int { return int(int64(q.quota) * int64(pct) / 100) }

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
		if d, q, name := g.quotaWait(now); d > 0 {
			// Our own wait, as the sliding window's: it moves the deadline on.
			// Once per reset: answers move the announced reset by a
			// second or so, so waits until the logged one has passed are
			// the same wait.
			first := !now.Before(g.loggedUntil)
			if first {
				g.loggedUntil = now.Add(d)
			}
			why := fmt.Sprintf("the user's API quota %q is down to the reserve kept for other clients: %d of %d requests "+
				"left in its %s window, %d reserved (rate_limit_reserve %d%%), %d of this provider's in flight; "+
				"requests wait for the window to reset", name, q.remaining, q.quota, q.window, q.reserve(g.reservePct),
				g.reservePct, g.inflight)
			g.mu.Unlock()
			fields := map[string]any{"reason": why, "wait_ms": d.Milliseconds()}
			if first {
				tflog.Info(ctx, "Waiting for the R2 API quota to reset", fields)
			} else {
				tflog.Debug(ctx, "Waiting for the R2 API quota to reset", fields)
			}
			if err := g.clock.Sleep(ctx, d); err != nil {
				return ticket{}, deadline, err
			}
			deadline = deadline.Add(d)
			continue
		}
		t := ticket{probe: g.needProbe, pauses: g.pauses}
		g.probing = t.probe
		g.inflight++
		limitWait := g.book(now)
		g.mu.Unlock()
		if limitWait > 0 {
			logWait(ctx, "the client-side rate limit is reached (rate_limit requests per 5 minutes)", limitWait)
			if err := g.clock.Sleep(ctx, limitWait); err != nil {
				g.finish(t, false, true, nil, false)
				return ticket{}, deadline, err
			}
		}
		return t, deadline.Add(limitWait), nil
	}
}

// quotaWait says how long a request must wait so that every quota the API
// announced keeps its reserve once the requests in flight are counted, and
// which quota holds it; 0 when it may go. A quota whose reset has passed is
// full again. g.mu is held.
func (g *gate) quotaWait(now time.Time) (time.Duration, *quota, string) {
	var wait time.Duration
	var holding *quota
	var name string
	for n, q := range g.limits {
		if !now.Before(q.resetAt) {
			q.remaining = q.quota
			windows := int64(now.Sub(q.resetAt)/q.window) + 1
			q.resetAt = q.resetAt.Add(time.Duration(windows) * q.window)
		}
		if q.remaining-g.inflight-1 >= q.reserve(g.reservePct) {
			continue
		}
		if d := q.resetAt.Sub(now); holding == nil || d < wait {
			wait, holding, name = d, q, n
		}
	}
	return wait, holding, name
}

// observe records the limits an answer announced at now. An answer from an
// earlier window (answers can cross) is ignored; one from the same window
// can only lower what is left, since answers come out of order.
func (g *gate) observe(items []limitItem, now time.Time) {
	for _, it := range items {
		resetAt := now.Add(it.reset)
		q, ok := g.limits[it.name]
		if !ok {
			if len(g.limits) >= maxLimitItems {
				continue
			}
			if g.limits == nil {
				g.limits = map[string]*quota{}
			}
			q = &quota{remaining: it.remaining, resetAt: resetAt}
			g.limits[it.name] = q
		}
		q.quota, q.window = it.quota, it.window
		// t is whole seconds: answers of one window announce resets up to a
		// second apart, windows are a window apart.
		switch half := it.window / 2; {
		case resetAt.After(q.resetAt.Add(half)): // a new window
			q.remaining, q.resetAt = it.remaining, resetAt
		case resetAt.After(q.resetAt.Add(-half)): // the same window
			q.remaining = min(q.remaining, it.remaining)
			if resetAt.After(q.resetAt) {
				q.resetAt = resetAt
			}
		}
	}
}

// done records the outcome of a request that passed the gate, and the
// limits its answer announced. The probe's answer ends the storm unless it
// was a 429 (which pause has recorded) or it never came (abandoned), when
// another request becomes the probe.
func (g *gate) done(t ticket, limited, abandoned bool, items []limitItem) {
	g.finish(t, limited, abandoned, items, true)
}

// finish is done; sent is false for a request whose wait was cancelled.
// A request that was sent counts against every limit its answer did not
// announce (no answer, a body cut off, an edge error without the headers):
// Cloudflare counted it, and the in-flight count no longer does.
func (g *gate) finish(t ticket, limited, abandoned bool, items []limitItem, sent bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	// The answer's remaining count includes this request: it leaves the
	// in-flight count as its answer is recorded, under one lock.
	g.inflight = max(g.inflight-1, 0)
	now := g.clock.Now()
	if sent {
		for name, q := range g.limits {
			if !announces(items, name) && now.Before(q.resetAt) {
				q.remaining = max(q.remaining-1, 0)
			}
		}
	}
	g.observe(items, now)
	if !t.probe {
		return
	}
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

// announces reports whether an answer's items name the limit.
func announces(items []limitItem, name string) bool {
	for _, it := range items {
		if it.name == name {
			return true
		}
	}
	return false
}
