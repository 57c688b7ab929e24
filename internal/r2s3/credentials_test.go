package r2s3_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
	"github.com/r2tf/terraform-provider-r2/internal/r2s3"
)

func TestDeriveS3Credentials(t *testing.T) {
	// SHA-256 of "abc", the FIPS 180-2 test vector.
	got := r2s3.DeriveS3Credentials("abc", "f267e341f3dd4697bd3b9f71dd96247f")
	want := r2s3.Credentials{AccessKeyID: "f267e341f3dd4697bd3b9f71dd96247f",
		SecretAccessKey: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}
	if got != want {
		t.Fatalf("got %#v", got) // %#v shows no secret: that is tested in TestSecretsNeverLogged.
	}
}

type verifierFunc func(ctx context.Context, accountID string) (r2api.VerifiedToken, error)

func (f verifierFunc) VerifyToken(ctx context.Context, accountID string) (r2api.VerifiedToken, error) {
	return f(ctx, accountID)
}

func TestResolveCredentials(t *testing.T) {
	calls := 0
	v := verifierFunc(func(_ context.Context, accountID string) (r2api.VerifiedToken, error) {
		calls++
		if accountID != account {
			t.Errorf("verified for %q", accountID)
		}
		return r2api.VerifiedToken{ID: "tokenid", Status: "active"}, nil
	})
	for _, tc := range []struct {
		name    string
		src     r2s3.CredentialSource
		want    r2s3.Credentials
		err     error
		verifyN int
	}{
		{"explicit wins over the token", r2s3.CredentialSource{AccessKeyID: "k", SecretAccessKey: "s", APIToken: "t"}, r2s3.Credentials{AccessKeyID: "k", SecretAccessKey: "s"}, nil, 0},
		{"derived from the token", r2s3.CredentialSource{APIToken: "abc"}, r2s3.DeriveS3Credentials("abc", "tokenid"), nil, 1},
		{"half explicit", r2s3.CredentialSource{AccessKeyID: "k", APIToken: "t"}, r2s3.Credentials{}, r2s3.ErrIncompleteCredentials, 0},
		{"global key", r2s3.CredentialSource{GlobalKey: true}, r2s3.Credentials{}, r2s3.ErrGlobalKeyCannotDerive, 0},
		{"global key with explicit", r2s3.CredentialSource{GlobalKey: true, AccessKeyID: "k", SecretAccessKey: "s"}, r2s3.Credentials{AccessKeyID: "k", SecretAccessKey: "s"}, nil, 0},
		{"nothing", r2s3.CredentialSource{}, r2s3.Credentials{}, r2s3.ErrNoCredentials, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls = 0
			got, err := r2s3.ResolveCredentials(context.Background(), tc.src, account, v)
			if got != tc.want || !errors.Is(err, tc.err) || calls != tc.verifyN {
				t.Fatalf("got %v, %v after %d verifications", got, err, calls)
			}
		})
	}
	failing := verifierFunc(func(context.Context, string) (r2api.VerifiedToken, error) {
		return r2api.VerifiedToken{}, errors.New("boom")
	})
	if _, err := r2s3.ResolveCredentials(context.Background(), r2s3.CredentialSource{APIToken: "t"}, account, failing); err == nil {
		t.Fatal("a failed verification gave credentials")
	}
}

// From the REST token to an S3 read, end to end: user and account-owned
// tokens verify through the REST client, and the derived pair signs.
func TestDerivedCredentialsReadTheBucket(t *testing.T) {
	s := newFake(t)
	s.AddTokenWith("owned", fakeapi.TokenOptions{OwnedBy: account})
	for _, tok := range []string{token, "owned"} {
		rest, err := r2api.New(r2api.Config{BaseURL: s.URL(), APIToken: tok, MaxRetries: -1, RetryBaseDelay: time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		creds, err := r2s3.ResolveCredentials(context.Background(), r2s3.CredentialSource{APIToken: tok}, account, rest)
		if err != nil {
			t.Fatal(err)
		}
		r := newReader(t, s, func(c *r2s3.Config) { c.Credentials = creds })
		if _, err := r.GetBucketCORS(context.Background(), "", "media"); err != nil {
			t.Fatalf("%s: %v", tok, err)
		}
	}
}
