package r2s3_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
	"github.com/r2tf/terraform-provider-r2/internal/r2s3"
)

// newReaders is the provider's S3 reader over the fake: credentials from
// src, Verify Token through a REST client of the fake with the token.
func newReaders(t *testing.T, s *fakeapi.Server, src r2s3.CredentialSource, verify r2s3.TokenVerifier) *r2s3.Readers {
	t.Helper()
	if verify == nil {
		verify = newREST(t, s)
	}
	return r2s3.NewReaders(r2s3.ReadersConfig{Source: src, Verifier: verify, CredentialsSource: "api_token",
		EndpointTemplate: s.S3EndpointTemplate(), EndpointSource: "s3_endpoint", UserAgent: ua, Policy: policy})
}

// Derived credentials cost one Verify Token per account, on the first read
// and never before it, however many reads run at once.
func TestReaders_verifyOncePerAccountOnFirstRead(t *testing.T) {
	s := newFake(t)
	const other = "0123456789abcdef0123456789abcdef"
	s.AddBucket(other, fakeapi.Bucket{Name: "media", CORSRules: minimal})
	var verifies atomic.Int64
	rest := newREST(t, s)
	rs := newReaders(t, s, r2s3.CredentialSource{APIToken: token}, verifierFunc(func(ctx context.Context, acct string) (r2api.VerifiedToken, error) {
		verifies.Add(1)
		return rest.VerifyToken(ctx, acct)
	}))
	if n := s.RequestCount(); n != 0 {
		t.Fatalf("%d requests before any read", n)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for range 32 {
		for _, acct := range []string{account, other} {
			wg.Go(func() {
				if _, err := rs.GetBucketCORS(context.Background(), acct, "media", ""); err != nil {
					errs <- err
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := verifies.Load(); n != 2 {
		t.Fatalf("%d verifications for two accounts", n)
	}
	if st := s.S3Stats(); st.Reads != 64 {
		t.Fatalf("S3Stats %+v", st)
	}
	if n := s.RequestCount() - s.S3Stats().Requests; n != 2 {
		t.Fatalf("%d REST requests, want the two verifications", n)
	}
}

// Explicit keys need no verification: no REST request at all.
func TestReaders_explicitKeysSendNoRESTRequest(t *testing.T) {
	s := newFake(t)
	creds := r2s3.DeriveS3Credentials(token, fakeapi.TokenID(token))
	rs := newReaders(t, s, r2s3.CredentialSource{AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey, APIToken: "unused"},
		verifierFunc(func(context.Context, string) (r2api.VerifiedToken, error) {
			t.Error("verified a token with explicit keys")
			return r2api.VerifiedToken{}, errors.New("no")
		}))
	if _, err := rs.GetBucketCORS(context.Background(), account, "media", ""); err != nil {
		t.Fatal(err)
	}
	if n, st := s.RequestCount(), s.S3Stats(); n != 1 || st.Reads != 1 {
		t.Fatalf("%d requests, %+v", n, st)
	}
}

// A failed resolution is kept: later reads get the same error without a
// request. The error says the setup failed and what Verify Token said.
func TestReaders_failureIsCachedPerAccount(t *testing.T) {
	s := newFake(t)
	rest, err := r2api.New(r2api.Config{BaseURL: s.URL(), APIToken: "revoked", MaxRetries: 0})
	if err != nil {
		t.Fatal(err)
	}
	rs := newReaders(t, s, r2s3.CredentialSource{APIToken: "revoked"}, rest)
	_, err1 := rs.GetBucketCORS(context.Background(), account, "media", "")
	n := s.RequestCount()
	_, err2 := rs.GetBucketCORS(context.Background(), account, "media", "eu")
	se, ok := r2s3.AsSetupError(err1)
	if !ok || err1 != err2 || !se.Derived || se.AccountID != account || se.CredentialsSource != "api_token" {
		t.Fatalf("errors %v, %v", err1, err2)
	}
	if apiErr, ok := r2api.AsError(err1); !ok || apiErr.StatusCode != 401 {
		t.Fatalf("want Verify Token's 401 in the chain: %v", err1)
	}
	if s.RequestCount() != n || n != 2 || s.S3Stats().Requests != 0 {
		t.Fatalf("%d requests, then %d", n, s.RequestCount())
	}
	// The global API key has nothing to derive from: an error, nothing sent.
	rs = newReaders(t, s, r2s3.CredentialSource{GlobalKey: true}, rest)
	if _, err := rs.GetBucketCORS(context.Background(), account, "media", ""); !errors.Is(err, r2s3.ErrGlobalKeyCannotDerive) {
		t.Fatalf("global key: %v", err)
	}
}

// A resolution cancelled (Ctrl-C) says nothing of the token: it is not
// kept, and a waiting read returns with its own context.
func TestReaders_cancelledResolutionIsNotKept(t *testing.T) {
	s := newFake(t)
	release := make(chan struct{})
	var calls atomic.Int64
	rest := newREST(t, s)
	rs := newReaders(t, s, r2s3.CredentialSource{APIToken: token}, verifierFunc(func(ctx context.Context, acct string) (r2api.VerifiedToken, error) {
		if calls.Add(1) == 1 {
			select {
			case <-ctx.Done():
				return r2api.VerifiedToken{}, ctx.Err()
			case <-release:
			}
		}
		return rest.VerifyToken(ctx, acct)
	}))
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan error, 1)
	go func() {
		_, err := rs.GetBucketCORS(ctx, account, "media", "")
		first <- err
	}()
	for calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	// A second read with a context of its own that ends first.
	wctx, wcancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer wcancel()
	if _, err := rs.GetBucketCORS(wctx, account, "media", ""); err == nil {
		t.Fatal("the waiting read returned no error")
	} else if e, ok := r2s3.AsError(err); !ok || e.Kind != r2s3.KindCancelled {
		t.Fatalf("waiting read: %v", err)
	}
	cancel()
	if e, ok := r2s3.AsError(<-first); !ok || e.Kind != r2s3.KindCancelled || !errors.Is(e, context.Canceled) {
		t.Fatalf("cancelled read: %v", e)
	}
	close(release)
	if _, err := rs.GetBucketCORS(context.Background(), account, "media", ""); err != nil {
		t.Fatalf("after a cancelled resolution: %v", err)
	}
	if n := calls.Load(); n != 2 {
		t.Fatalf("%d verifications, want the cancelled one and one more", n)
	}
}
