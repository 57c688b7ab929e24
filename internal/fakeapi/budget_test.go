package fakeapi

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func newBudget(t *testing.T, b Budget) *budgetState {
	t.Helper()
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	return &budgetState{b: b, stats: BudgetStats{LowestRemaining: b.Quota}}
}

func header(a budgetAnswer, name string) string {
	for _, kv := range a.header {
		if kv[0] == name {
			return kv[1]
		}
	}
	return ""
}

func TestBudget_headersCountBothClients(t *testing.T) {
	st := newBudget(t, Budget{Quota: 100, Window: 10 * time.Second, OtherPerWindow: 50})
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a := st.admit(t0)
	if got := header(a, "Ratelimit"); got != `"default";r=99;t=10` {
		t.Errorf("Ratelimit = %q", got)
	}
	if got := header(a, "Ratelimit-Policy"); got != `"default";q=100;w=10` {
		t.Errorf("Ratelimit-Policy = %q", got)
	}
	// Four seconds on, the other client has spent 20.
	a = st.admit(t0.Add(4 * time.Second))
	if got := header(a, "Ratelimit"); got != `"default";r=78;t=6` {
		t.Errorf("Ratelimit = %q, want 78 left (2 ours, 20 theirs), reset in 6s", got)
	}
	// The next window starts full; the other client spent the rest of its 50.
	a = st.admit(t0.Add(10 * time.Second))
	if got := header(a, "Ratelimit"); got != `"default";r=99;t=10` {
		t.Errorf("Ratelimit = %q in the next window", got)
	}
	s := st.stats
	if s.Windows != 2 || s.Ours != 3 || s.Other != 50 || s.Lockouts != 0 || s.LowestRemaining != 48 {
		t.Errorf("stats %+v", s)
	}
}

// Past the quota every request is refused until the window ends, with a
// Retry-After of the seconds left, whoever spent it.
func TestBudget_lockoutForTheRestOfTheWindow(t *testing.T) {
	st := newBudget(t, Budget{Quota: 10, Window: 5 * time.Second, OtherPerWindow: 10})
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 8 {
		if a := st.admit(t0); a.refused {
			t.Fatalf("request %d refused", i)
		}
	}
	// At 1.5 s the other client wants 3 and finds 2: the user is locked out.
	a := st.admit(t0.Add(1500 * time.Millisecond))
	if !a.refused || header(a, "Retry-After") != "4" || header(a, "Ratelimit") != `"default";r=0;t=4` {
		t.Fatalf("answer %+v; want 429, Retry-After 4, r=0", a)
	}
	a = st.admit(t0.Add(5 * time.Second))
	if a.refused {
		t.Fatal("still refused in the next window")
	}
	s := st.stats
	if s.Lockouts != 1 || s.RefusedOurs != 1 || s.RefusedOther != 8 || s.LowestRemaining != 0 {
		t.Errorf("stats %+v", s)
	}
}

func TestBudget_ourRequestTripsTheLockout(t *testing.T) {
	st := newBudget(t, Budget{Quota: 3, Window: time.Second})
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var refused int
	for range 5 {
		if a := st.admit(t0); a.refused {
			refused++
		}
	}
	if refused != 2 || st.stats.Lockouts != 1 {
		t.Errorf("refused %d, stats %+v; want the 4th and 5th refused, one lockout", refused, st.stats)
	}
}

func TestBudget_noHeaders(t *testing.T) {
	st := newBudget(t, Budget{Quota: 1, Window: time.Second, NoHeaders: true})
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a := st.admit(t0)
	b := st.admit(t0)
	if len(a.header) != 0 || !b.refused || len(b.header) != 1 || header(b, "Retry-After") != "1" {
		t.Errorf("answers %+v, %+v; want no Ratelimit headers, the lockout's Retry-After kept", a, b)
	}
}

func TestBudget_validate(t *testing.T) {
	for _, b := range []Budget{
		{Quota: -1, Window: time.Second},
		{Quota: 1, Window: 0},
		{Quota: 1, Window: 1500 * time.Millisecond},
		{Quota: 1, Window: time.Second, OtherPerWindow: -1},
	} {
		if b.Validate() == nil {
			t.Errorf("%+v is valid", b)
		}
	}
}

// Through the server: the headers on an answer of the API, and the 429.
func TestBudget_server(t *testing.T) {
	s := Start()
	defer s.Close()
	s.AddToken("t")
	s.AddAccount(ExampleAccountID)
	if err := s.SetBudget(Budget{Quota: 1, Window: time.Hour}); err != nil {
		t.Fatal(err)
	}
	get := func() *http.Response {
		req, _ := http.NewRequest("GET", s.URL()+"/accounts/"+ExampleAccountID+"/r2/buckets", nil)
		req.Header.Set("Authorization", "Bearer t")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		_ = res.Body.Close()
		return res
	}
	if res := get(); res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Ratelimit"), `"default";r=0;t=`) {
		t.Errorf("first answer %d, Ratelimit %q", res.StatusCode, res.Header.Get("Ratelimit"))
	}
	if res := get(); res.StatusCode != 429 || res.Header.Get("Retry-After") == "" {
		t.Errorf("second answer %d, Retry-After %q; want the lockout", res.StatusCode, res.Header.Get("Retry-After"))
	}
	if st := s.BudgetStats(); st.Ours != 1 || st.RefusedOurs != 1 || st.Lockouts != 1 {
		t.Errorf("stats %+v", st)
	}
	// The other client's share of the window is counted at its end.
	if err := s.SetBudget(Budget{Quota: 10, Window: time.Hour, OtherPerWindow: 10}); err != nil {
		t.Fatal(err)
	}
	get()
	if st := s.BudgetStatsAtWindowEnd(); st.Other != 9 || st.RefusedOther != 1 || st.Lockouts != 1 {
		t.Errorf("at the window's end: %+v; want the other client locked out after 9", st)
	}
	if st := s.BudgetStats(); st.Lockouts != 0 {
		t.Errorf("now: %+v; the lockout is still to come", st)
	}
}
