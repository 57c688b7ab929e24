package fakeapi

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func faultFake(t *testing.T) (*Server, *http.Client, string) {
	t.Helper()
	s, c := newFake(t)
	s.AddBucket(acct, Bucket{Name: "bkt", CORSRules: `[{"allowed":{"methods":["GET"],"origins":["*"]},"maxAgeSeconds":3600}]`})
	return s, c, corsURL(s, acct, "bkt")
}

func TestFaultStatusRetryAfterAndTimes(t *testing.T) {
	s, c, u := faultFake(t)
	s.InjectFault(Fault{PathContains: "/cors", Times: 2, Status: 429, Header: map[string]string{"Retry-After": "2"}})
	for i := range 2 {
		a := call(t, c, "GET", u, nil, "")
		wantError(t, a, 429, 971, msgRateLimited)
		if a.header.Get("Retry-After") != "2" {
			t.Errorf("request %d: Retry-After = %q", i, a.header.Get("Retry-After"))
		}
	}
	if a := call(t, c, "GET", u, nil, ""); a.status != 200 || a.header.Get("Retry-After") != "" {
		t.Fatalf("third request: %d %v", a.status, a.header)
	}
	if st := []int{s.Requests()[0].Status, s.Requests()[2].Status}; st[0] != 429 || st[1] != 200 {
		t.Errorf("logged statuses %v", st)
	}
}

func TestFaultPathAndClear(t *testing.T) {
	s, c, u := faultFake(t)
	s.InjectFault(Fault{PathContains: "/r2/buckets/other/", Status: 500})
	if a := call(t, c, "GET", u, nil, ""); a.status != 200 {
		t.Fatalf("non-matching fault applied: %d", a.status)
	}
	s.InjectFault(Fault{Status: 503, Body: "<html>upstream</html>", ContentType: "text/html"})
	for range 3 { // Times 0: every request.
		a := call(t, c, "GET", u, nil, "")
		if a.status != 503 || a.body != "<html>upstream</html>" || a.header.Get("Content-Type") != "text/html" {
			t.Fatalf("got %d %q %q", a.status, a.header.Get("Content-Type"), a.body)
		}
	}
	s.ClearFaults()
	if a := call(t, c, "GET", u, nil, ""); a.status != 200 {
		t.Fatalf("after ClearFaults: %d", a.status)
	}
	s.InjectFault(Fault{Status: 500, Times: 1})
	wantError(t, call(t, c, "GET", u, nil, ""), 500, codeInternal, "Internal Server Error")
}

func TestFaultsCombineInOrder(t *testing.T) {
	s, c, u := faultFake(t)
	s.InjectFault(Fault{Delay: 30 * time.Millisecond, Header: map[string]string{"X-Fake": "1"}})
	s.InjectFault(Fault{Status: 429, Times: 1})
	s.InjectFault(Fault{Status: 500}) // Never reached while the 429 decides; then it decides.
	start := time.Now()
	a := call(t, c, "GET", u, nil, "")
	if a.status != 429 || a.header.Get("X-Fake") != "1" || time.Since(start) < 30*time.Millisecond {
		t.Fatalf("first: %d %v after %v", a.status, a.header, time.Since(start))
	}
	if a := call(t, c, "GET", u, nil, ""); a.status != 500 {
		t.Fatalf("second: %d", a.status)
	}
}

func TestFaultDelay(t *testing.T) {
	s, c, u := faultFake(t)
	s.InjectFault(Fault{Delay: 150 * time.Millisecond, Times: 1})
	start := time.Now()
	if a := call(t, c, "GET", u, nil, ""); a.status != 200 {
		t.Fatalf("status %d", a.status)
	}
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Fatalf("answered after %v", d)
	}

	// A client that gives up is not waited for, and the attempt is logged
	// without a status.
	s.InjectFault(Fault{Delay: time.Hour, Times: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", u, nil)
	if _, err := c.Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for s.RequestCount() < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if r := s.Requests(); len(r) != 2 || r[1].Status != 0 {
		t.Fatalf("log %+v", r)
	}
}

func TestSetLatency(t *testing.T) {
	s, c, u := faultFake(t)
	s.SetLatency(80 * time.Millisecond)
	start := time.Now()
	call(t, c, "GET", u, nil, "")
	if d := time.Since(start); d < 80*time.Millisecond {
		t.Fatalf("answered after %v", d)
	}
	s.SetLatency(0)
}

func TestCloseDoesNotHangOnDelayedRequest(t *testing.T) {
	s := Start()
	s.AddToken(token)
	s.InjectFault(Fault{Delay: time.Hour})
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	done := make(chan error, 1)
	go func() {
		req, _ := http.NewRequest("GET", listURL(s, acct, ""), nil)
		resp, err := (&http.Client{Transport: tr}).Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	for s.ConnectionsOpened() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // Let the handler reach its delay.
	closed := make(chan struct{})
	go func() { s.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close hangs")
	}
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("the delayed request got an answer")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("client still waiting")
	}
}

func TestFaultResetConnection(t *testing.T) {
	s, c, u := faultFake(t)
	s.InjectFault(Fault{ResetConnection: true, Times: 1})
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("got an answer: %d", resp.StatusCode)
	}
	if r := s.Requests(); len(r) != 1 || r[0].Status != 0 {
		t.Fatalf("log %+v", r)
	}
	if a := call(t, c, "GET", u, nil, ""); a.status != 200 {
		t.Fatalf("after reset: %d", a.status)
	}
}

func TestFaultTruncateBody(t *testing.T) {
	s, c, u := faultFake(t)
	s.InjectFault(Fault{TruncateBodyAfter: 10, Times: 1})
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	full := call(t, c, "GET", u, nil, "").body // Without the fault.
	if resp.StatusCode != 200 || resp.ContentLength != int64(len(full)) {
		t.Fatalf("status %d, Content-Length %d, want %d", resp.StatusCode, resp.ContentLength, len(full))
	}
	b, err := io.ReadAll(resp.Body)
	if !errors.Is(err, io.ErrUnexpectedEOF) || string(b) != full[:10] {
		t.Fatalf("read %q, err %v", b, err)
	}

	// With a fault status too.
	s.InjectFault(Fault{Status: 502, TruncateBodyAfter: 5, Times: 1})
	resp2, err := c.Do(req.Clone(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	defer resp2.Body.Close()
	b, err = io.ReadAll(resp2.Body)
	if resp2.StatusCode != 502 || len(b) != 5 || err == nil {
		t.Fatalf("got %d %q %v", resp2.StatusCode, b, err)
	}
}

func TestFaultSlowBody(t *testing.T) {
	s, c, u := faultFake(t)
	full := call(t, c, "GET", u, nil, "")
	if full.status != 200 {
		t.Fatal(full.status)
	}
	s.InjectFault(Fault{SlowBody: 20 * time.Millisecond, Times: 1})
	start := time.Now()
	a := call(t, c, "GET", u, nil, "")
	pieces := (len(a.body) + slowPiece - 1) / slowPiece
	if a.body != full.body || time.Since(start) < time.Duration(pieces-1)*20*time.Millisecond {
		t.Fatalf("body %q after %v (%d pieces)", a.body, time.Since(start), pieces)
	}
	if !strings.HasPrefix(a.body, `{"success":true`) {
		t.Fatal(a.body)
	}
	// A client timeout cuts a slow body short.
	s.InjectFault(Fault{SlowBody: time.Hour, Times: 1})
	c2 := &http.Client{Timeout: 200 * time.Millisecond}
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c2.Do(req)
	if err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	if err == nil {
		t.Fatal("slow body read completely")
	}
}

// RateLimitFor refuses every request, whatever its path, with the seconds
// left as Retry-After, then lets them all pass.
func TestRateLimitFor(t *testing.T) {
	s, c, u := faultFake(t)
	s.RateLimitFor(1500 * time.Millisecond)
	for _, url := range []string{u, listURL(s, acct, "")} {
		a := call(t, c, "GET", url, nil, "")
		wantError(t, a, 429, 971, msgRateLimited)
		if ra := a.header.Get("Retry-After"); ra != "2" {
			t.Errorf("Retry-After = %q, want 2 (1.5 s rounded up)", ra)
		}
	}
	time.Sleep(1600 * time.Millisecond)
	if a := call(t, c, "GET", u, nil, ""); a.status != 200 || a.header.Get("Retry-After") != "" {
		t.Fatalf("after the window: %d %v", a.status, a.header)
	}
}

func TestFaultEndlessCursor(t *testing.T) {
	s, c, _ := faultFake(t)
	s.InjectFault(Fault{PathContains: "/r2/buckets", EndlessCursor: 64, Times: 3})
	seen := map[string]bool{}
	for range 3 {
		a := call(t, c, "GET", listURL(s, acct, ""), nil, "")
		e := decode(t, a)
		if a.status != 200 || e.Info.Cursor == nil || len(*e.Info.Cursor) != 64 || seen[*e.Info.Cursor] {
			t.Fatalf("answer %d %s: want a new 64-byte cursor", a.status, a.body)
		}
		seen[*e.Info.Cursor] = true
	}
	if a := decode(t, call(t, c, "GET", listURL(s, acct, ""), nil, "")); a.Info.Cursor != nil {
		t.Fatalf("after the fault's hits the list ends: cursor %q", *a.Info.Cursor)
	}
}
