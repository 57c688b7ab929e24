package r2api_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/r2tf/terraform-provider-r2/internal/acctest"
	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
)

const (
	account = fakeapi.ExampleAccountID
	token   = "unit-test-token"
	rules   = `[{"allowed":{"methods":["GET"],"origins":["*"]},"id":"r1"}]`
)

func setup(t *testing.T, mutate ...func(*r2api.Config)) (*fakeapi.Server, *r2api.Client) {
	t.Helper()
	s := fakeapi.Start()
	t.Cleanup(s.Close)
	s.AddToken(token)
	s.AddBucket(account, fakeapi.Bucket{Name: "media", CORSRules: rules})
	cfg := r2api.Config{
		BaseURL: s.URL(), APIToken: token, UserAgent: "terraform-provider-r2/unit",
		MaxRetries: -1, RetryBaseDelay: time.Millisecond, RetryMaxDelay: 4 * time.Millisecond,
	}
	for _, m := range mutate {
		m(&cfg)
	}
	c, err := r2api.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

func mustAPIError(t *testing.T, err error) *r2api.Error {
	t.Helper()
	if err == nil {
		t.Fatal("want an error, got none")
	}
	e, ok := r2api.AsError(err)
	if !ok {
		t.Fatalf("want *r2api.Error, got %T: %v", err, err)
	}
	return e
}

func TestGetBucketCORS(t *testing.T) {
	s, c := setup(t)
	got, err := c.GetBucketCORS(context.Background(), account, "media", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || *got[0].ID != "r1" {
		t.Fatalf("rules = %+v", got)
	}
	reqs := s.Requests()
	if len(reqs) != 1 {
		t.Fatalf("requests = %d, want 1", len(reqs))
	}
	r := reqs[0]
	if r.Path != "/client/v4/accounts/"+account+"/r2/buckets/media/cors" || r.Method != http.MethodGet {
		t.Errorf("request = %s %s", r.Method, r.Path)
	}
	if r.Header.Get("User-Agent") != "terraform-provider-r2/unit" {
		t.Errorf("User-Agent = %q", r.Header.Get("User-Agent"))
	}
}

func TestGetBucketCORS_noPolicyIsEmpty(t *testing.T) {
	s, c := setup(t)
	s.AddBucket(account, fakeapi.Bucket{Name: "bare"})
	got, err := c.GetBucketCORS(context.Background(), account, "bare", "")
	if err != nil || got == nil || len(got) != 0 {
		t.Fatalf("got %#v, %v; want an empty non-nil slice", got, err)
	}
}

func TestGetBucketCORS_errorsCarryStatusAndCodes(t *testing.T) {
	_, c := setup(t)
	_, err := c.GetBucketCORS(context.Background(), account, "missing", "eu")
	e := mustAPIError(t, err)
	if e.StatusCode != 404 || !e.HasCode(r2api.CodeBucketNotFound) || e.Attempts != 1 {
		t.Fatalf("error = %+v; want 404/10006 after 1 attempt (4xx is not retried)", e)
	}
}

// An error body naming "errors" twice is shown as sent, not read as either list.
func TestGetBucketCORS_errorBodyWithDuplicateMembersIsShownNotRead(t *testing.T) {
	s, c := setup(t)
	s.InjectFault(fakeapi.Fault{Status: 403, Body: `{"success":false,"errors":[{"code":10000,"message":"Authentication error"}],"errors":[{"code":10059,"message":"x"}]}`})
	_, err := c.GetBucketCORS(context.Background(), account, "media", "")
	e := mustAPIError(t, err)
	if len(e.Errors) != 0 || !strings.Contains(e.Body, `"errors":[{"code":10059`) {
		t.Fatalf("error = %+v; want no entries and the body shown", e)
	}
}

func TestGetBucketCORS_retries(t *testing.T) {
	cases := []struct {
		name  string
		fault fakeapi.Fault
	}{
		{"429 with Retry-After seconds", fakeapi.Fault{Status: 429, Header: map[string]string{"Retry-After": "0"}}},
		{"429 with Retry-After date", fakeapi.Fault{Status: 429, Header: map[string]string{"Retry-After": time.Now().UTC().Format(http.TimeFormat)}}},
		{"500 JSON", fakeapi.Fault{Status: 500}},
		{"502 HTML", fakeapi.Fault{Status: 502, Body: "<html>bad gateway</html>", ContentType: "text/html"}},
		{"503", fakeapi.Fault{Status: 503}},
		{"504", fakeapi.Fault{Status: 504}},
		{"connection reset", fakeapi.Fault{ResetConnection: true}},
		{"body cut short", fakeapi.Fault{TruncateBodyAfter: 10}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, c := setup(t)
			tc.fault.Times = 2
			s.InjectFault(tc.fault)
			got, err := c.GetBucketCORS(context.Background(), account, "media", "")
			if err != nil {
				t.Fatalf("want success after retries, got %v", err)
			}
			if len(got) != 1 {
				t.Fatalf("rules = %+v", got)
			}
			if n := s.RequestCount(); n != 3 {
				t.Errorf("requests = %d, want 3", n)
			}
		})
	}
}

func TestGetBucketCORS_persistentFailureIsBounded(t *testing.T) {
	s, c := setup(t, func(cfg *r2api.Config) { cfg.MaxRetries = 3 })
	s.InjectFault(fakeapi.Fault{Status: 502, Body: "<html>bad gateway</html>", ContentType: "text/html"})
	_, err := c.GetBucketCORS(context.Background(), account, "media", "")
	e := mustAPIError(t, err)
	if e.StatusCode != 502 || e.Attempts != 4 || !strings.Contains(e.Body, "bad gateway") {
		t.Fatalf("error = %+v; want 502 after 4 attempts with the body", e)
	}
}

func TestGetBucketCORS_retryAfterBeyondBudgetFailsAtOnce(t *testing.T) {
	s, c := setup(t, func(cfg *r2api.Config) { cfg.ReadTimeout = 2 * time.Second })
	s.InjectFault(fakeapi.Fault{Status: 429, Header: map[string]string{"Retry-After": "3600"}})
	_, err := c.GetBucketCORS(context.Background(), account, "media", "")
	e := mustAPIError(t, err)
	// At once means without waiting and without another attempt: counted,
	// not timed, so a busy machine cannot make it flaky.
	if e.Attempts != 1 || s.RequestCount() != 1 {
		t.Errorf("%d attempts, %d requests; a Retry-After beyond the budget must fail at once", e.Attempts, s.RequestCount())
	}
	if e.StatusCode != 429 || !strings.Contains(e.Reason, "asked to wait 1h0m0s") {
		t.Fatalf("error = %+v", e)
	}
}

// Retry-After is delay-seconds, a whole number (RFC 9110, 10.2.3), or a
// date. A number too large for a time.Duration is still "too long", never a
// negative wait; a value of another form is no Retry-After at all.
func TestGetBucketCORS_retryAfterOverflowAndBadForms(t *testing.T) {
	cases := []struct {
		value    string
		attempts int
		reason   string
	}{
		{"10000000000", 1, "asked to wait 10000000000s"},
		{"99999999999999999999999999", 1, "asked to wait 99999999999999999999999999s"},
		{"9223372037", 1, "asked to wait 9223372037s"},
		{"3601", 1, "asked to wait 1h0m1s"},
		{"Inf", 5, ""},
		{"0x1p70", 5, ""},
		{"1e10", 5, ""},
		{"1.5", 5, ""},
		{"-1", 5, ""},
	}
	for _, tc := range cases {
		t.Run(tc.value, func(t *testing.T) {
			s, c := setup(t)
			s.InjectFault(fakeapi.Fault{Status: 429, Header: map[string]string{"Retry-After": tc.value}})
			_, err := c.GetBucketCORS(context.Background(), account, "media", "")
			e := mustAPIError(t, err)
			if e.StatusCode != 429 || e.Attempts != tc.attempts || !strings.Contains(e.Reason, tc.reason) {
				t.Fatalf("error = %+v; want %d attempts and a reason saying %q", e, tc.attempts, tc.reason)
			}
			if tc.reason == "" && strings.Contains(e.Reason, "asked to wait") {
				t.Fatalf("a Retry-After of %q is not delay-seconds and must be ignored: %v", tc.value, e)
			}
		})
	}
}

func TestGetBucketCORS_slowAnswerHitsRequestTimeout(t *testing.T) {
	s, c := setup(t, func(cfg *r2api.Config) {
		cfg.RequestTimeout = 50 * time.Millisecond
		cfg.MaxRetries = 1
	})
	s.InjectFault(fakeapi.Fault{Delay: 5 * time.Second})
	_, err := c.GetBucketCORS(context.Background(), account, "media", "")
	e := mustAPIError(t, err)
	if e.Attempts != 2 || !strings.Contains(e.Error(), "request timeout of 50ms") {
		t.Fatalf("error = %v (attempts %d)", e, e.Attempts)
	}
}

func TestGetBucketCORS_cancellationReturnsPromptly(t *testing.T) {
	s, c := setup(t)
	// The answer never comes in the test's lifetime: only the cancellation
	// can end the call (if it did not, the test would hang until go test's
	// timeout, a failure that no machine's load can fake).
	s.InjectFault(fakeapi.Fault{Delay: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err := c.GetBucketCORS(ctx, account, "media", "")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestGetBucketCORS_bodyTooLarge(t *testing.T) {
	s, c := setup(t, func(cfg *r2api.Config) { cfg.MaxBodyBytes = 1024 })
	s.InjectFault(fakeapi.Fault{Status: 200, Body: `{"success":true,"errors":[],"messages":[],"result":{"rules":[],"pad":"` + strings.Repeat("x", 4096) + `"}}`})
	_, err := c.GetBucketCORS(context.Background(), account, "media", "")
	e := mustAPIError(t, err)
	if !strings.Contains(e.Error(), "larger than the 1024 bytes") || e.Attempts != 1 {
		t.Fatalf("error = %v (attempts %d); want a bounded read, not retried", e, e.Attempts)
	}
}

// Parallel reads share a few pooled connections instead of opening one each.
func TestGetBucketCORS_reusesConnections(t *testing.T) {
	s, c := setup(t)
	s.SetLatency(5 * time.Millisecond)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				if _, err := c.GetBucketCORS(context.Background(), account, "media", ""); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if n := s.ConnectionsOpened(); n > 4 {
		t.Errorf("40 reads by 4 workers opened %d connections, want at most 4", n)
	}
}

// Credentials never follow a redirect to another host.
func TestRedirectToOtherHostRefused(t *testing.T) {
	var leaked sync.Map
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked.Store("hit", r.Header.Get("Authorization"))
		w.WriteHeader(200)
	}))
	defer other.Close()
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, strings.Replace(other.URL, "127.0.0.1", "localhost", 1)+r.URL.Path, http.StatusFound)
	}))
	defer redirector.Close()
	c, err := r2api.New(r2api.Config{BaseURL: redirector.URL + "/client/v4", APIToken: token, MaxRetries: 0})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetBucketCORS(context.Background(), account, "media", "")
	if err == nil || !strings.Contains(err.Error(), "refusing to follow a redirect") {
		t.Fatalf("err = %v", err)
	}
	if _, hit := leaked.Load("hit"); hit {
		t.Fatal("the request reached the other host")
	}
}

func TestValidateBaseURL(t *testing.T) {
	for raw, ok := range map[string]bool{
		"https://api.cloudflare.com/client/v4": true,
		"http://127.0.0.1:8787/client/v4":      true,
		"http://[::1]:8787/client/v4":          true,
		"http://localhost:8787":                true,
		"http://api.cloudflare.com/client/v4":  false,
		"http://10.0.0.1/client/v4":            false,
		"ftp://example.com":                    false,
		"api.cloudflare.com":                   false,
		"https://user:pw@api.cloudflare.com":   false,
		"":                                     false,
	} {
		if err := r2api.ValidateBaseURL(raw); (err == nil) != ok {
			t.Errorf("ValidateBaseURL(%q) = %v, want ok=%v", raw, err, ok)
		}
	}
}

// A refused base URL is described without what may be a secret in it.
func TestValidateBaseURLRepeatsNoSecret(t *testing.T) {
	for raw, want := range map[string]string{
		"https://admin:SECRET@api.example.com/client/v4":      "https://api.example.com/client/v4 must not carry credentials",
		"https://SECRET@api.example.com/client/v4?x=SECRET":   "https://api.example.com/client/v4 must not carry credentials",
		"https://api.example.com:port/client/v4?token=SECRET": "is not an absolute URL",
		"http://api.example.com/client/v4?token=SECRET":       "http://api.example.com uses http",
		"ftp://api.example.com/x?token=SECRET":                "ftp://api.example.com must use https",
		"api.example.com/?token=SECRET":                       "is not an absolute URL",
	} {
		err := r2api.ValidateBaseURL(raw)
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "SECRET") {
			t.Errorf("ValidateBaseURL(%q) = %v; want %q and no secret", raw, err, want)
		}
	}
}

// Server text reaches a terminal through Terraform's diagnostics: control
// characters (ESC sequences, an OSC-8 hyperlink, a newline starting a forged
// "Error:" line) are escaped where the error is built.
func TestServerTextIsEscaped(t *testing.T) {
	const hostile = "Authentication error\x1b[2J\x1b]8;;https://evil.example\x07click\x1b]8;;\x07\nError: forged\u202e\u009b"
	const want = `Authentication error\x1b[2J\x1b]8;;https://evil.example\aclick\x1b]8;;\a\nError: forged\u202e\u009b`
	msg, err := json.Marshal(hostile)
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]fakeapi.Fault{
		"error entry":         {Status: 403, Body: `{"success":false,"errors":[{"code":10000,"message":` + string(msg) + `}],"messages":[],"result":null}`},
		"success=false entry": {Status: 200, Body: `{"success":false,"errors":[{"code":10000,"message":` + string(msg) + `}],"messages":[],"result":null}`},
		"body snippet":        {Status: 502, ContentType: "text/html", Body: hostile},
		"undecodable body":    {Status: 200, ContentType: "text/html", Body: hostile},
	} {
		t.Run(name, func(t *testing.T) {
			s, c := setup(t, func(cfg *r2api.Config) { cfg.MaxRetries = 0 })
			s.InjectFault(f)
			_, err := c.GetBucketCORS(context.Background(), account, "media", "")
			e := mustAPIError(t, err)
			text := e.Body
			if len(e.Errors) > 0 {
				text = e.Errors[0].Message
			}
			if !strings.Contains(text, strings.ReplaceAll(want, `\n`, " ")) && !strings.Contains(text, want) {
				t.Errorf("server text = %q\nwant it escaped: %s", text, want)
			}
			for _, r := range e.Error() {
				if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u202e' {
					t.Fatalf("error %q holds control character %U", e, r)
				}
			}
		})
	}
}

// Failures that no retry can mend end the read at the first attempt, and
// say so (Permanent), with the base URL when it is not the default.
func TestPermanentFailuresAreNotRetried(t *testing.T) {
	fake := fakeapi.Start()
	t.Cleanup(fake.Close)
	fake.AddToken(token)
	fake.AddBucket(account, fakeapi.Bucket{Name: "media", CORSRules: rules})
	tlsServer := httptest.NewTLSServer(http.NotFoundHandler()) // A certificate nobody trusts.
	t.Cleanup(tlsServer.Close)
	closed := acctest.ClosedLoopbackURL(t)
	path := "/client/v4/accounts/" + account + "/r2/buckets/media/cors"

	cases := []struct {
		name, base string
		fault      *fakeapi.Fault
		want       string
	}{
		{name: "redirect loop", base: fake.URL(),
			fault: &fakeapi.Fault{Status: 302, Header: map[string]string{"Location": path}}, want: "stopped after 3 redirects"},
		{name: "redirect to another host", base: fake.URL(),
			fault: &fakeapi.Fault{Status: 302, Header: map[string]string{"Location": "http://localhost:1" + path}}, want: "refusing to follow a redirect to http://localhost:1"},
		{name: "redirect to another scheme", base: fake.URL(),
			fault: &fakeapi.Fault{Status: 307, Header: map[string]string{"Location": "https://" + fake.Addr() + path}}, want: "refusing to follow a redirect to https://"},
		{name: "https at an http server", base: "https://" + fake.Addr() + "/client/v4", want: "server gave HTTP response to HTTPS client"},
		{name: "untrusted certificate", base: tlsServer.URL + "/client/v4", want: "certificate"},
		{name: "nothing listening on loopback", base: closed, want: "connection refused"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fake.ClearFaults()
			if tc.fault != nil {
				fake.InjectFault(*tc.fault)
			}
			c, err := r2api.New(r2api.Config{BaseURL: tc.base, BaseURLSource: "CLOUDFLARE_BASE_URL", APIToken: token,
				MaxRetries: 4, RetryBaseDelay: time.Millisecond, RetryMaxDelay: time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.GetBucketCORS(context.Background(), account, "media", "")
			e := mustAPIError(t, err)
			if e.Attempts != 1 || !e.Permanent || !strings.Contains(e.Error(), tc.want) {
				t.Fatalf("error = %v (attempts %d, permanent %v); want one attempt, permanent, saying %q", e, e.Attempts, e.Permanent, tc.want)
			}
			if e.BaseURL != tc.base || e.BaseURLSource != "CLOUDFLARE_BASE_URL" {
				t.Errorf("base URL = %q from %q; want %q from CLOUDFLARE_BASE_URL", e.BaseURL, e.BaseURLSource, tc.base)
			}
		})
	}
}

// The default base URL is not worth naming; a connection refused elsewhere
// than on loopback may pass, so it is retried.
func TestBaseURLOnlyNamedWhenNotTheDefault(t *testing.T) {
	s, c := setup(t)
	s.InjectFault(fakeapi.Fault{Status: 404})
	_, err := c.GetBucketCORS(context.Background(), account, "media", "")
	if e := mustAPIError(t, err); e.BaseURL != s.URL() || e.Permanent {
		t.Fatalf("error = %+v; want the fake's base URL named, not permanent", e)
	}
	c2, err := r2api.New(r2api.Config{APIToken: token})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // Nothing is sent.
	_, err = c2.GetBucketCORS(ctx, account, "media", "")
	if e := mustAPIError(t, err); e.BaseURL != "" {
		t.Fatalf("base URL = %q; the default is not named", e.BaseURL)
	}
}
