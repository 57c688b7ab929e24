package fakeapi

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

const (
	acct      = ExampleAccountID
	otherAcct = "0123456789abcdef0123456789abcdef"
	token     = "test-token"
)

// newFake starts a fake with one account, an all-accounts token and a
// client that does not share connections with other tests.
func newFake(t *testing.T) (*Server, *http.Client) {
	t.Helper()
	s := Start()
	t.Cleanup(s.Close)
	s.AddAccount(acct)
	s.AddToken(token)
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return s, &http.Client{Transport: tr, Timeout: 20 * time.Second}
}

type answer struct {
	status int
	header http.Header
	body   string
}

// call sends a request with hdr (nil means the bearer token) and reads the
// whole answer.
func call(t *testing.T, c *http.Client, method, url string, hdr map[string]string, body string) answer {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if hdr == nil {
		hdr = map[string]string{"Authorization": "Bearer " + token}
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, url, err)
	}
	return answer{resp.StatusCode, resp.Header, string(b)}
}

func corsURL(s *Server, account, bucket string) string {
	return s.URL() + "/accounts/" + account + "/r2/buckets/" + bucket + "/cors"
}

func listURL(s *Server, account, query string) string {
	u := s.URL() + "/accounts/" + account + "/r2/buckets"
	if query != "" {
		u += "?" + query
	}
	return u
}

type envelope struct {
	Success  bool            `json:"success"`
	Errors   []apiError      `json:"errors"`
	Messages []string        `json:"messages"`
	Result   json.RawMessage `json:"result"`
	Info     *struct {
		Cursor  *string `json:"cursor"`
		PerPage float64 `json:"per_page"`
	} `json:"result_info"`
}

func decode(t *testing.T, a answer) envelope {
	t.Helper()
	var e envelope
	if err := json.Unmarshal([]byte(a.body), &e); err != nil {
		t.Fatalf("body is not JSON: %v: %q", err, a.body)
	}
	return e
}

// wantError checks an error answer: status, single code and message, and
// the exact envelope shape.
func wantError(t *testing.T, a answer, status, code int, message string) {
	t.Helper()
	if a.status != status {
		t.Fatalf("status = %d, want %d; body %s", a.status, status, a.body)
	}
	if ct := a.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	want, _ := json.Marshal(map[string]any{
		"success":  false,
		"errors":   []map[string]any{{"code": code, "message": message}},
		"messages": []string{},
		"result":   nil,
	})
	var got, wantV any
	_ = json.Unmarshal(want, &wantV)
	if err := json.Unmarshal([]byte(a.body), &got); err != nil {
		t.Fatalf("body is not JSON: %q", a.body)
	}
	gb, _ := json.Marshal(got)
	wb, _ := json.Marshal(wantV)
	if string(gb) != string(wb) {
		t.Fatalf("body = %s\nwant %s", a.body, want)
	}
}
