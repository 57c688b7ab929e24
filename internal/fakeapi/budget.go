package fakeapi

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// Budget models Cloudflare's per-user API budget (../shared/api/README.md):
// Quota requests per Window, shared by everything the user does. Another
// client of the same user spends OtherPerWindow requests in every window,
// evenly over it. Every answer says what is left in the Ratelimit and
// Ratelimit-Policy headers (unless NoHeaders); once the quota is spent,
// by this client or the other, the user is locked out: every request is
// answered 429 (code 971) with a Retry-After until the window ends.
//
// The windows are fixed, the first starting with the first request after
// SetBudget. A scaled-down window (1200 per 5 s for Cloudflare's 1200 per
// 5 minutes) runs a long scenario in seconds: the provider takes the
// window from the headers.
type Budget struct {
	Quota  int           // requests per window; 0 turns the budget off
	Window time.Duration // a whole number of seconds, as the headers carry it
	// OtherPerWindow is what another client of the user spends per window.
	OtherPerWindow int
	// NoHeaders leaves the Ratelimit headers out, as an older API or a
	// proxy that strips them would: the lockout is the same.
	NoHeaders bool
}

// BudgetName is the name of the fake's one limit in the headers.
const BudgetName = "default"

// Validate says what is wrong with b, if anything.
func (b Budget) Validate() error {
	switch {
	case b.Quota < 0 || b.OtherPerWindow < 0:
		return errors.New("the quota and the other client's spend must not be negative")
	case b.Quota == 0:
		return nil
	case b.Window < time.Second || b.Window%time.Second != 0:
		return fmt.Errorf("the window must be a whole number of seconds, at least 1s (not %s): the headers carry whole seconds", b.Window)
	}
	return nil
}

// BudgetStats is what happened to the budget since SetBudget.
type BudgetStats struct {
	Windows int // windows begun
	// Ours counts this client's requests the budget admitted, Other the
	// other client's; the Refused counts are those answered 429.
	Ours, Other               int
	RefusedOurs, RefusedOther int
	// Lockouts counts the windows in which the quota ran out.
	Lockouts int
	// LowestRemaining is the least the quota held at any moment, 0 in a
	// lockout; the quota itself before the first request.
	LowestRemaining int
}

// SetBudget sets the budget (a zero Quota turns it off) and starts its
// counts afresh.
func (s *Server) SetBudget(b Budget) error {
	if err := b.Validate(); err != nil {
		return err
	}
	st := &s.budget
	st.mu.Lock()
	defer st.mu.Unlock()
	st.b, st.stats, st.start, st.index = b, BudgetStats{LowestRemaining: b.Quota}, time.Time{}, 0
	st.ours, st.other, st.otherWanted, st.locked = 0, 0, 0, false
	return nil
}

// BudgetStats reports the budget's counts up to now.
func (s *Server) BudgetStats() BudgetStats {
	st := &s.budget
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.b.Quota > 0 && !st.start.IsZero() {
		st.advance(time.Now())
	}
	return st.stats
}

// BudgetStatsAtWindowEnd reports the counts as they will stand when the
// current window ends if no other request comes: the other client spends
// the rest of its share, so a lockout it meets after the provider is done
// counts too.
func (s *Server) BudgetStatsAtWindowEnd() BudgetStats {
	st := &s.budget
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.b.Quota == 0 || st.start.IsZero() {
		return st.stats
	}
	st.advance(time.Now())
	end := budgetState{b: st.b, start: st.start, index: st.index, ours: st.ours, other: st.other,
		otherWanted: st.otherWanted, locked: st.locked, stats: st.stats}
	end.spendOther(st.b.OtherPerWindow)
	return end.stats
}

// budgetState is the budget's window; its methods take the time, so that
// tests can give any.
type budgetState struct {
	mu          sync.Mutex
	b           Budget
	start       time.Time // of the first window; zero before the first request
	index       int64     // of the current window
	ours, other int       // admitted in the current window
	otherWanted int       // the other client's attempts in the current window
	locked      bool
	stats       BudgetStats
}

// budgetAnswer is what the budget adds to one answer.
type budgetAnswer struct {
	refused bool
	header  [][2]string
}

// admit counts one request of ours at now.
func (st *budgetState) admit(now time.Time) budgetAnswer {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.b.Quota == 0 {
		return budgetAnswer{}
	}
	if st.start.IsZero() {
		st.start, st.stats.Windows = now, 1
	}
	st.advance(now)
	var a budgetAnswer
	if !st.locked && st.ours+st.other < st.b.Quota {
		st.ours++
		st.stats.Ours++
		st.noteRemaining()
	} else {
		st.lock()
		st.stats.RefusedOurs++
		a.refused = true
	}
	left := st.start.Add(time.Duration(st.index+1) * st.b.Window).Sub(now)
	secs := strconv.FormatInt(int64((left+time.Second-1)/time.Second), 10)
	if a.refused {
		a.header = append(a.header, [2]string{"Retry-After", secs})
	}
	if !st.b.NoHeaders {
		remaining := 0
		if !st.locked {
			remaining = st.b.Quota - st.ours - st.other
		}
		a.header = append(a.header,
			[2]string{"Ratelimit", fmt.Sprintf("%q;r=%d;t=%s", BudgetName, remaining, secs)},
			[2]string{"Ratelimit-Policy", fmt.Sprintf("%q;q=%d;w=%d", BudgetName, st.b.Quota, st.b.Window/time.Second)})
	}
	return a
}

// advance moves the budget to now: the other client's spend so far, and
// any windows that ended (the other client spends the rest of each).
func (st *budgetState) advance(now time.Time) {
	w := st.b.Window
	for now.Sub(st.start) >= time.Duration(st.index+1)*w {
		st.spendOther(st.b.OtherPerWindow)
		st.index++
		st.stats.Windows++
		st.ours, st.other, st.otherWanted, st.locked = 0, 0, 0, false
	}
	into := now.Sub(st.start) - time.Duration(st.index)*w
	st.spendOther(int(int64(st.b.OtherPerWindow) * int64(into) / int64(w)))
}

// spendOther brings the other client's attempts this window to target.
func (st *budgetState) spendOther(target int) {
	n := target - st.otherWanted
	if n <= 0 {
		return
	}
	st.otherWanted = target
	room := 0
	if !st.locked {
		room = min(n, st.b.Quota-st.ours-st.other)
	}
	st.other += room
	st.stats.Other += room
	if room < n {
		st.lock()
		st.stats.RefusedOther += n - room
	}
	st.noteRemaining()
}

func (st *budgetState) lock() {
	if !st.locked {
		st.locked = true
		st.stats.Lockouts++
	}
	st.stats.LowestRemaining = 0
}

func (st *budgetState) noteRemaining() {
	st.stats.LowestRemaining = min(st.stats.LowestRemaining, st.b.Quota-st.ours-st.other)
}
