package r2api

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"testing"
	"time"
)

// fakeClock moves only when slept on: Sleep advances it at once, so a test
// of waits of minutes takes no time, and records every wait.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	slept []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.slept = append(c.slept, d)
	c.mu.Unlock()
	return nil
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func mustPass(t *testing.T, g *gate, deadline time.Time) (ticket, time.Time) {
	t.Helper()
	tk, dl, err := g.wait(context.Background(), deadline, "this read's 1m0s budget")
	if err != nil {
		t.Fatalf("wait: %v", err)
	}
	return tk, dl
}

func TestGate_limitIsASlidingWindow(t *testing.T) {
	c := newFakeClock()
	g := newGate(c, 3, 10*time.Second)
	start := c.Now()
	far := start.Add(time.Hour)
	for i := range 3 {
		if _, dl := mustPass(t, g, far); !dl.Equal(far) {
			t.Fatalf("request %d waited; the first 3 of a window go at once", i)
		}
		c.advance(time.Second) // sends at 0 s, 1 s, 2 s
	}
	if len(c.slept) != 0 {
		t.Fatalf("slept %v before the limit was reached", c.slept)
	}
	// The 4th, at 3 s, may go when the first send leaves the window (10 s),
	// and its wait does not count against the call's budget.
	_, dl := mustPass(t, g, far)
	if got := c.Now().Sub(start); got != 10*time.Second {
		t.Errorf("4th request sent at %s, want 10s", got)
	}
	if want := far.Add(7 * time.Second); !dl.Equal(want) {
		t.Errorf("deadline moved to %s, want %s (on by the 7s wait)", dl, want)
	}
	// The 5th, at once, waits for the second send (1 s) to leave: 11 s.
	mustPass(t, g, far)
	if got := c.Now().Sub(start); got != 11*time.Second {
		t.Errorf("5th request sent at %s, want 11s", got)
	}
}

// Whatever the arrival pattern, no window holds more than limit sends.
func TestGate_neverMoreThanTheLimitInAnyWindow(t *testing.T) {
	const limit, window = 50, 30 * time.Second
	c := newFakeClock()
	g := newGate(c, limit, window)
	rng := rand.New(rand.NewPCG(1, 2))
	var sends []time.Time
	for range 2000 {
		c.advance(time.Duration(rng.IntN(400)) * time.Millisecond)
		mustPass(t, g, c.Now().Add(time.Hour))
		sends = append(sends, c.Now())
	}
	for i := limit; i < len(sends); i++ {
		if d := sends[i].Sub(sends[i-limit]); d < window {
			t.Fatalf("sends %d and %d are %s apart: %d requests within %s", i-limit, i, d, limit+1, window)
		}
	}
}

func TestGate_offNeverWaits(t *testing.T) {
	c := newFakeClock()
	g := newGate(c, 0, time.Minute)
	for range 5000 {
		mustPass(t, g, c.Now().Add(time.Second))
	}
	if len(c.slept) != 0 {
		t.Fatalf("a gate without a limit waited: %v", c.slept)
	}
}

func TestGate_pauseHoldsEveryRequestThenOneProbes(t *testing.T) {
	c := newFakeClock()
	g := newGate(c, 0, time.Minute)
	g.pause(5 * time.Second)
	start := c.Now()

	probe, _ := mustPass(t, g, start.Add(time.Minute))
	if !probe.probe || c.Now().Sub(start) != 5*time.Second {
		t.Fatalf("first request after the pause: probe=%v at %s; want the probe at 5s", probe.probe, c.Now().Sub(start))
	}
	// While the probe is in flight, every other request waits for its answer.
	passed := make(chan ticket, 3)
	for range 3 {
		go func() {
			tk, _, err := g.wait(context.Background(), start.Add(time.Minute), "this read's 1m0s budget")
			if err != nil {
				t.Error(err)
			}
			passed <- tk
		}()
	}
	select {
	case <-passed:
		t.Fatal("a request passed while the probe was in flight")
	case <-time.After(50 * time.Millisecond):
	}
	g.done(probe, false, false, nil) // the probe got an answer that is not a 429
	for range 3 {
		if tk := <-passed; tk.probe {
			t.Error("after a good probe, requests pass as normal ones")
		}
	}
}

func TestGate_probeRefusedStartsANewPause(t *testing.T) {
	c := newFakeClock()
	g := newGate(c, 0, time.Minute)
	g.pause(2 * time.Second)
	start := c.Now()
	probe, _ := mustPass(t, g, start.Add(time.Minute))
	g.pause(3 * time.Second) // the probe's answer: 429 again, Retry-After 3
	g.done(probe, true, false, nil)
	next, _ := mustPass(t, g, start.Add(time.Minute))
	if !next.probe || c.Now().Sub(start) != 5*time.Second {
		t.Errorf("after a refused probe: probe=%v at %s; want a new probe at 5s", next.probe, c.Now().Sub(start))
	}
}

func TestGate_abandonedProbeIsReplaced(t *testing.T) {
	c := newFakeClock()
	g := newGate(c, 0, time.Minute)
	g.pause(time.Second)
	probe, _ := mustPass(t, g, c.Now().Add(time.Minute))
	g.done(probe, false, true, nil)
	if next, _ := mustPass(t, g, c.Now().Add(time.Minute)); !next.probe {
		t.Error("the probe was cancelled before an answer: the next request must probe")
	}
}

func TestGate_pauseBeyondBudgetFailsAtOnce(t *testing.T) {
	c := newFakeClock()
	g := newGate(c, 0, time.Minute)
	g.pause(5 * time.Minute)
	_, _, err := g.wait(context.Background(), c.Now().Add(time.Minute), "this read's 1m0s budget")
	var pe *errPausedBeyondBudget
	if !errors.As(err, &pe) || pe.pause != 5*time.Minute || pe.left != time.Minute {
		t.Fatalf("err = %v; want the pause named against the budget", err)
	}
	if len(c.slept) != 0 {
		t.Errorf("slept %v before failing", c.slept)
	}
}

func TestGate_cancelledWaitReturns(t *testing.T) {
	c := newFakeClock()
	g := newGate(c, 1, time.Minute)
	mustPass(t, g, c.Now().Add(time.Hour))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := g.wait(ctx, c.Now().Add(time.Hour), "this read's 1m0s budget"); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestRetryBudget(t *testing.T) {
	b := NewRetryBudget(2)
	ctx := WithRetryBudget(context.Background(), b)
	for i, want := range []bool{true, true, false, false} {
		if ok, why := takeRetry(ctx); ok != want || (!ok && why == "") {
			t.Errorf("retry %d: allowed=%v (%q), want %v", i+1, ok, why, want)
		}
	}
	if b.Used() != 2 {
		t.Errorf("Used = %d, want 2", b.Used())
	}
	if ok, _ := takeRetry(context.Background()); !ok {
		t.Error("without a shared budget, retries are bounded by max_retries alone")
	}
}
