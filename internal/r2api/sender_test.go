package r2api_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
)

// newSender sends to a fake with short retry delays; the requests below go
// to the REST side's List Buckets, which any sender may call.
func newSender(t *testing.T) (*fakeapi.Server, *r2api.Sender, string) {
	t.Helper()
	s := fakeapi.Start()
	t.Cleanup(s.Close)
	s.AddToken(token)
	s.AddAccount(account)
	p := r2api.Policy{MaxRetries: -1, RetryBaseDelay: time.Millisecond, RetryMaxDelay: 4 * time.Millisecond}
	return s, r2api.NewSender(p), s.URL() + "/accounts/" + account + "/r2/buckets"
}

func send(t *testing.T, ctx context.Context, sn *r2api.Sender, url string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	return sn.Do(req)
}

func TestSender_retriesAsTheClient(t *testing.T) {
	s, sn, url := newSender(t)
	s.InjectFault(fakeapi.Fault{Status: 503, Times: 2})
	ctx, call := sn.StartCall(context.Background(), 0, "")
	res, err := send(t, ctx, sn, url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	o := call.Outcome()
	if res.StatusCode != 200 || o.Status != 200 || o.Attempts != 3 || string(o.Body) != string(body) || o.Err != nil {
		t.Fatalf("status %d, outcome %+v", res.StatusCode, o)
	}
	// Persistent failures stop after max_retries, with the last answer.
	s.InjectFault(fakeapi.Fault{Status: 500})
	ctx, call = sn.StartCall(context.Background(), 0, "")
	res, err = send(t, ctx, sn, url)
	if err != nil || res.StatusCode != 500 || call.Outcome().Attempts != r2api.DefaultMaxRetries+1 {
		t.Fatalf("err %v, outcome %+v", err, call.Outcome())
	}
}

func TestSender_bodyOverTheCallsBoundIsFinal(t *testing.T) {
	_, sn, url := newSender(t)
	ctx, call := sn.StartCall(context.Background(), 16, "a test body may take")
	_, err := send(t, ctx, sn, url)
	o := call.Outcome()
	if !r2api.IsBodyTooLarge(err) || !o.Permanent || o.Attempts != 1 || !strings.Contains(o.Err.Error(), "16 bytes a test body may take") {
		t.Fatalf("err %v, outcome %+v", err, o)
	}
}

// The REST quota's headers do not hold the sender's requests: the S3 API
// does not spend it.
func TestSender_ignoresTheRESTQuota(t *testing.T) {
	s, sn, url := newSender(t)
	s.InjectFault(fakeapi.Fault{Header: map[string]string{
		"Ratelimit": `"default";r=0;t=300`, "Ratelimit-Policy": `"default";q=1200;w=300`,
	}})
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for range 3 {
		ctx, _ := sn.StartCall(ctx, 0, "")
		if _, err := send(t, ctx, sn, url); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("three requests took %s: the sender waited for the REST quota", d)
	}
}

func TestSender_cancellationStopsAtOnce(t *testing.T) {
	s, sn, url := newSender(t)
	s.InjectFault(fakeapi.Fault{Delay: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	ctx, _ = sn.StartCall(ctx, 0, "")
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := send(t, ctx, sn, url)
	if !errors.Is(err, context.Canceled) || time.Since(start) > 5*time.Second {
		t.Fatalf("err %v after %s", err, time.Since(start))
	}
}

func TestConfigPolicy(t *testing.T) {
	hc := &http.Client{}
	cfg := r2api.Config{MaxRetries: 2, RequestTimeout: time.Second, ReadTimeout: 2 * time.Second, RetryBaseDelay: 3,
		RetryMaxDelay: 4, MaxBodyBytes: 5, HTTPClient: hc, APIToken: "not in a policy"}
	want := r2api.Policy{MaxRetries: 2, RequestTimeout: time.Second, ReadTimeout: 2 * time.Second, RetryBaseDelay: 3,
		RetryMaxDelay: 4, MaxBodyBytes: 5, HTTPClient: hc}
	if got := cfg.Policy(); got != want {
		t.Fatalf("Policy() = %+v", got)
	}
}

// The sender logs as the client does: every credential header redacted,
// SigV4's and an S3 session token's included.
func TestSender_logsNoCredential(t *testing.T) {
	_, sn, url := newSender(t)
	var logs bytes.Buffer
	ctx, _ := sn.StartCall(tflogtest.RootLogger(context.Background(), &logs), 0, "")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=KEY/20260101/auto/s3/aws4_request, SignedHeaders=host, Signature=feedface")
	req.Header.Set("X-Amz-Security-Token", "session-secret")
	req.Header.Set("X-Amz-Date", "20260101T000000Z")
	if _, err := sn.Do(req); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"feedface", "session-secret", "KEY/"} {
		if strings.Contains(logs.String(), secret) {
			t.Fatalf("%q logged:\n%s", secret, logs.String())
		}
	}
	if !strings.Contains(logs.String(), `"X-Amz-Date":"20260101T000000Z"`) {
		t.Fatalf("the headers were not logged:\n%s", logs.String())
	}
}
