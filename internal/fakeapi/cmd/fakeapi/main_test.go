package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

const acct = fakeapi.ExampleAccountID

func TestRunServesSeedAndWritesURL(t *testing.T) {
	dir := t.TempDir()
	seed := filepath.Join(dir, "seed.json")
	urlFile := filepath.Join(dir, "url")
	if err := os.WriteFile(seed, []byte(`{"tokens":[{"token":"demo-token","accounts":[]}],
	  "accounts":{"`+acct+`":{"buckets":[{"name":"web","cors_rules":[]}]}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(urlFile, []byte("stale"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-seed", seed, "-url-file", urlFile, "-latency", "1ms"}, &logs)
	}()

	var url string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		b, err := os.ReadFile(urlFile)
		if err == nil && string(b) != "stale" {
			url = string(b)
			break
		}
	}
	if !strings.HasPrefix(url, "http://127.0.0.1:") || !strings.HasSuffix(url, "/client/v4") {
		t.Fatalf("url file holds %q", url)
	}
	req, _ := http.NewRequest("GET", url+"/accounts/"+acct+"/r2/buckets/web/cors", nil)
	req.Header.Set("Authorization", "Bearer demo-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != `{"success":true,"errors":[],"messages":[],"result":{"rules":[]}}` {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop")
	}
	if !strings.Contains(logs.String(), "GET /client/v4/accounts/"+acct+"/r2/buckets/web/cors 200") {
		t.Errorf("no request line in the log:\n%s", logs.String())
	}
	if _, err := os.Stat(urlFile); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("url file left behind: %v", err)
	}
}

func TestRunRefusesBadSetups(t *testing.T) {
	dir := t.TempDir()
	badSeed := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(badSeed, []byte(`{"tokens":[{"tok":"x"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, args := range map[string][]string{
		"all interfaces": {"-listen", "0.0.0.0:0"},
		"empty host":     {"-listen", ":8787"},
		"remote host":    {"-listen", "192.0.2.10:80"},
		"bad seed":       {"-seed", badSeed, "-quiet"},
		"missing seed":   {"-seed", filepath.Join(dir, "nope.json")},
		"stray argument": {"extra"},
		"unknown flag":   {"-port", "1"},
		"window":         {"-quota", "10", "-window", "1500ms"},
		"negative quota": {"-quota", "-1"},
		"negative other": {"-quota", "10", "-other", "-5"},
	} {
		var logs syncBuffer
		if err := run(context.Background(), args, &logs); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// A first try without a seed works: the banner names the token it accepts
// and points to the demo's seed; errors carry one prefix, and -h explains
// the seed file.
func TestRunWithoutSeedAndHelp(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	dir := t.TempDir()
	urlFile := filepath.Join(dir, "url")
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-url-file", urlFile, "-quiet"}, &logs) }()
	var url string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && url == ""; time.Sleep(10 * time.Millisecond) {
		if b, err := os.ReadFile(urlFile); err == nil {
			url = string(b)
		}
	}
	req, _ := http.NewRequest("GET", url+"/accounts/"+acct+"/r2/buckets", nil)
	req.Header.Set("Authorization", "Bearer "+defaultToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("the default token got HTTP %d", resp.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`API token "fake-token" is accepted`, "-seed examples/demo/seed.json", "CLOUDFLARE_BASE_URL=" + url} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("banner lacks %q:\n%s", want, logs.String())
		}
	}

	var help syncBuffer
	if err := run(context.Background(), []string{"-h"}, &help); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v", err)
	}
	if code := exitCode(flag.ErrHelp); code != 0 {
		t.Errorf("-h exits %d, want 0", code)
	}
	if code := exitCode(errors.New("bad flag")); code != 2 {
		t.Errorf("an error exits %d, want 2", code)
	}
	for _, want := range []string{"The seed file (-seed)", `"cors_rules"`, "examples/demo/seed.json", "go run ./internal/fakeapi/cmd/fakeapi",
		`"not_entitled_jurisdictions": ["fedramp"]`, `"maxAgeSeconds"`, "snake_case",
		"-quota", "-other", "-no-ratelimit-headers", `Ratelimit: "default";r=<remaining>`, "locked out"} {
		if !strings.Contains(help.String(), want) {
			t.Errorf("-h lacks %q", want)
		}
	}

	err = run(context.Background(), []string{"-listen", "0.0.0.0:0"}, io.Discard)
	if err == nil || strings.Contains(err.Error(), "fakeapi:") {
		t.Errorf("error = %v; want one without its own fakeapi: prefix (main adds it)", err)
	}
}

// The budget mode a user can run: the headers on every answer, the banner
// says the budget.
func TestRunBudgetMode(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs syncBuffer
	urlFile := filepath.Join(t.TempDir(), "url")
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-url-file", urlFile, "-quiet", "-quota", "1200", "-window", "5s", "-other", "300"}, &logs)
	}()
	var url string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && url == ""; time.Sleep(10 * time.Millisecond) {
		if b, err := os.ReadFile(urlFile); err == nil {
			url = string(b)
		}
	}
	req, _ := http.NewRequest("GET", url+"/accounts/"+acct+"/r2/buckets", nil)
	req.Header.Set("Authorization", "Bearer "+defaultToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Ratelimit-Policy"); got != `"default";q=1200;w=5` {
		t.Errorf("Ratelimit-Policy = %q", got)
	}
	if got := resp.Header.Get("Ratelimit"); !strings.HasPrefix(got, `"default";r=`) {
		t.Errorf("Ratelimit = %q", got)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if want := "1200 requests per 5s; another client spends 300"; !strings.Contains(logs.String(), want) {
		t.Errorf("banner lacks %q:\n%s", want, logs.String())
	}
}
