package r2api

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

func quotaItem(remaining int, reset time.Duration, q int, window time.Duration) []limitItem {
	return []limitItem{{name: "default", remaining: remaining, reset: reset, quota: q, window: window}}
}

// newQuotaGate is a gate without a sliding window that has seen one answer
// announcing remaining of q left, the window resetting in reset.
func newQuotaGate(c *fakeClock, pct, remaining int, reset time.Duration, q int, window time.Duration) *gate {
	g := newGate(c, 0, time.Minute)
	g.reservePct = pct
	g.observe(quotaItem(remaining, reset, q, window), c.Now())
	return g
}

// Requests in flight count against what is left: with 100 left and a
// reserve of 25, 75 requests go without an answer, the 76th waits for the
// reset, and that wait does not eat the call's budget.
func TestGate_quotaKeepsTheReserveCountingInFlight(t *testing.T) {
	c := newFakeClock()
	g := newQuotaGate(c, 25, 100, 10*time.Second, 100, 10*time.Second)
	far := c.Now().Add(time.Hour)
	var tickets []ticket
	for i := range 75 {
		tk, dl := mustPass(t, g, far)
		if !dl.Equal(far) {
			t.Fatalf("request %d waited", i)
		}
		tickets = append(tickets, tk)
	}
	if len(c.slept) != 0 {
		t.Fatalf("slept %v before the reserve was reached", c.slept)
	}
	// The 76th would wait (a cancelled context shows it: a request that
	// may go is not refused for it).
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := g.wait(ctx, far, "b"); !errors.Is(err, context.Canceled) {
		t.Fatalf("with 75 of 100 in flight and 25 reserved, the 76th went (err %v)", err)
	}
	for _, tk := range tickets {
		g.done(tk, false, false, quotaItem(25, 10*time.Second, 100, 10*time.Second))
	}
	_, dl := mustPass(t, g, far)
	if len(c.slept) != 1 || c.slept[0] != 10*time.Second {
		t.Fatalf("slept %v, want one wait of 10s (for the reset)", c.slept)
	}
	if want := far.Add(10 * time.Second); !dl.Equal(want) {
		t.Errorf("deadline %s, want %s: a wait the client imposes on itself moves it on", dl, want)
	}
}

// An answer's remaining count includes its own request: the answers bring
// the count down, not the in-flight count twice.
func TestGate_quotaAnswersReplaceInFlight(t *testing.T) {
	c := newFakeClock()
	g := newQuotaGate(c, 10, 100, 10*time.Second, 100, 10*time.Second)
	far := c.Now().Add(time.Hour)
	// 200 requests one after another, each answered (the API counts it),
	// while another client spends one a request: 100 - 10 reserved = 90
	// go in this window, by our count and theirs.
	remaining := 100
	sent := 0
	for range 45 {
		tk, _ := mustPass(t, g, far)
		remaining -= 2 // ours and the other client's
		sent++
		g.done(tk, false, false, quotaItem(remaining, 10*time.Second, 100, 10*time.Second))
	}
	if len(c.slept) != 0 || remaining != 10 {
		t.Fatalf("slept %v with %d left", c.slept, remaining)
	}
	mustPass(t, g, far) // 10 left, 10 reserved: waits for the reset
	if len(c.slept) != 1 || c.slept[0] != 10*time.Second {
		t.Fatalf("slept %v, want one wait of 10s", c.slept)
	}
}

// Answers come out of order: within one window the lowest count wins; an
// answer from the window before is ignored; a later window replaces it.
func TestGate_quotaObserveOrdering(t *testing.T) {
	c := newFakeClock()
	g := newQuotaGate(c, 10, 50, 10*time.Second, 100, 10*time.Second)
	q := g.limits["default"]
	g.observe(quotaItem(80, 9*time.Second, 100, 10*time.Second), c.Now()) // same window, crossed
	if q.remaining != 50 {
		t.Errorf("remaining %d after a crossed answer, want 50 (the lowest)", q.remaining)
	}
	c.advance(11 * time.Second)
	g.observe(quotaItem(90, 9*time.Second, 100, 10*time.Second), c.Now()) // the next window
	if q.remaining != 90 {
		t.Errorf("remaining %d in the next window, want 90", q.remaining)
	}
	g.observe(quotaItem(5, 0, 100, 10*time.Second), c.Now()) // a late answer of the window before
	if q.remaining != 90 {
		t.Errorf("remaining %d after a stale answer, want 90", q.remaining)
	}
}

// Every limit announced keeps its reserve; the one that holds the request
// is the one waited for.
func TestGate_quotaSeveralLimits(t *testing.T) {
	c := newFakeClock()
	g := newGate(c, 0, time.Minute)
	g.reservePct = 50
	g.observe([]limitItem{
		{name: "default", remaining: 1000, reset: 200 * time.Second, quota: 1200, window: 300 * time.Second},
		{name: "burst", remaining: 50, reset: 3 * time.Second, quota: 100, window: 10 * time.Second},
	}, c.Now())
	mustPass(t, g, c.Now().Add(time.Hour))
	if len(c.slept) != 1 || c.slept[0] != 3*time.Second {
		t.Fatalf("slept %v, want 3s (the burst limit's reset)", c.slept)
	}
}

// Without the headers nothing changes: the gate is the sliding window alone.
func TestGate_noQuotaHeadersNoWait(t *testing.T) {
	c := newFakeClock()
	g := newGate(c, 0, time.Minute)
	g.reservePct = 90
	for range 1000 {
		tk, _ := mustPass(t, g, c.Now().Add(time.Hour))
		g.done(tk, false, false, nil)
	}
	if len(c.slept) != 0 || len(g.limits) != 0 {
		t.Fatalf("slept %v with limits %v, and no answer announced one", c.slept, g.limits)
	}
}

// With a reserve under 100%, a quota refilled at its reset always lets one
// request go, however small: no wait forever.
func TestGate_quotaAlwaysOneRequestPerWindow(t *testing.T) {
	c := newFakeClock()
	g := newQuotaGate(c, MaxRateLimitReserve, 0, time.Second, 1, time.Second)
	for range 3 {
		tk, _ := mustPass(t, g, c.Now().Add(time.Hour))
		g.done(tk, false, false, quotaItem(0, time.Second, 1, time.Second))
	}
	if len(c.slept) != 3 {
		t.Errorf("slept %v, want one wait of a window per request", c.slept)
	}
}

// The wait is logged at Info once per reset, not per request that waits;
// Ctrl-C ends a wait at once.
func TestGate_quotaWaitLoggedOnceAndCancellable(t *testing.T) {
	c := newFakeClock()
	g := newQuotaGate(c, 25, 20, 30*time.Second, 100, 300*time.Second)
	cancelled, logs := cancelledWithLogs()
	for range 20 {
		if _, _, err := g.wait(cancelled, c.Now().Add(time.Hour), "this read's 1m0s budget"); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	}
	if len(c.slept) != 0 {
		t.Fatalf("a cancelled wait slept %v", c.slept)
	}
	// Logged at Info once, at Debug (not shown: the root logger is at
	// Trace, so count the Info lines) for the others.
	out := logs.String()
	if n := strings.Count(out, `"@level":"info"`); n != 1 {
		t.Fatalf("%d Info lines for 20 requests waiting for one reset, want 1:\n%s", n, out)
	}
	for _, want := range []string{`wait_ms":30000`, `20 of 100 requests left`, `25 reserved`, `rate_limit_reserve 25%`} {
		if !strings.Contains(out, want) {
			t.Errorf("the log does not say %q:\n%s", want, out)
		}
	}
	// The next window's wait is news again.
	logs.Reset()
	mustPass(t, g, c.Now().Add(time.Hour)) // waits 30s, the quota refills
	g.observe(quotaItem(10, 300*time.Second, 100, 300*time.Second), c.Now())
	if _, _, err := g.wait(cancelled, c.Now().Add(time.Hour), "b"); !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	if n := strings.Count(logs.String(), `"@level":"info"`); n != 1 {
		t.Errorf("%d Info lines for the next reset, want 1:\n%s", n, logs.String())
	}
}

// A request that was sent counts against the quota whether or not its
// answer said so (a timeout, a body cut off, an edge error without the
// headers): Cloudflare counted it. With 30 of 100 left and 25 reserved,
// five go, however they end (found by a review of the gate: answers
// without the headers once let 200 through).
func TestGate_quotaCountsAnswersWithoutHeaders(t *testing.T) {
	for _, abandoned := range []bool{false, true} {
		c := newFakeClock()
		g := newQuotaGate(c, 25, 30, 10*time.Second, 100, 10*time.Second)
		cancelled, cancel := context.WithCancel(context.Background())
		cancel()
		sent := 0
		for range 200 {
			tk, _, err := g.wait(cancelled, c.Now().Add(time.Hour), "b")
			if err != nil {
				break
			}
			sent++
			g.done(tk, false, abandoned, nil)
		}
		if sent != 5 {
			t.Errorf("abandoned=%v: %d requests went, want 5 (30 left, 25 reserved)", abandoned, sent)
		}
	}
}

// Answers of one window announce its reset a second apart (t is whole
// seconds): the wait is still logged at Info once, not once per answer.
func TestGate_quotaWaitLoggedOncePerResetAsAnswersArrive(t *testing.T) {
	c := newFakeClock()
	g := newQuotaGate(c, 25, 20, 30*time.Second, 100, 300*time.Second)
	cancelled, logs := cancelledWithLogs()
	for range 6 {
		c.advance(300 * time.Millisecond)
		g.observe(quotaItem(20, 30*time.Second, 100, 300*time.Second), c.Now()) // each announces a later reset
		if _, _, err := g.wait(cancelled, c.Now().Add(time.Hour), "b"); !errors.Is(err, context.Canceled) {
			t.Fatal(err)
		}
	}
	if n := strings.Count(logs.String(), `"@level":"info"`); n != 1 {
		t.Errorf("%d Info lines for one reset, want 1:\n%s", n, logs.String())
	}
}

// The reserve of a large quota is computed without overflow on 32-bit
// builds (goreleaser builds 386 and arm).
func TestQuotaReserveLargeQuota(t *testing.T) {
	q := quota{quota: maxLimitQuota}
	if got, want := q.reserve(25), maxLimitQuota/4; got != want {
		t.Errorf("reserve(25) of %d = %d, want %d", maxLimitQuota, got, want)
	}
}

// cancelledWithLogs is a context already cancelled, so that a wait shows
// itself without sleeping, whose logs (every level) go to the buffer.
func cancelledWithLogs() (context.Context, *bytes.Buffer) {
	logs := &bytes.Buffer{}
	ctx, cancel := context.WithCancel(tflogtest.RootLogger(context.Background(), logs))
	cancel()
	return ctx, logs
}
