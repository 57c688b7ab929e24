package datasources

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
	"github.com/r2tf/terraform-provider-r2/internal/r2s3"
	"github.com/r2tf/terraform-provider-r2/internal/tfkit"
)

// s3SweepFake is sweepFake with the policies read through the fake's S3
// side, the credentials derived from the token as the provider derives
// them (r2s3.Readers over the REST client).
func s3SweepFake(t *testing.T, token string, buckets ...string) (*fakeapi.Server, *corsPoliciesDataSource) {
	t.Helper()
	s := fakeapi.Start()
	t.Cleanup(s.Close)
	s.AddToken("tok")
	for _, name := range buckets {
		s.AddBucket(acct, fakeapi.Bucket{Name: name, CORSRules: `[]`})
	}
	policy := r2api.Policy{MaxRetries: 1, RetryBaseDelay: time.Millisecond, RetryMaxDelay: 4 * time.Millisecond}
	c, err := r2api.New(r2api.Config{BaseURL: s.URL(), APIToken: token, MaxRetries: 1,
		RetryBaseDelay: policy.RetryBaseDelay, RetryMaxDelay: policy.RetryMaxDelay})
	if err != nil {
		t.Fatal(err)
	}
	readers := r2s3.NewReaders(r2s3.ReadersConfig{
		Source: r2s3.CredentialSource{APIToken: token}, Verifier: c, CredentialsSource: "api_token",
		EndpointTemplate: s.S3EndpointTemplate(), EndpointSource: "s3_endpoint", Policy: policy, Concurrency: c.SweepConcurrency(),
	})
	return s, &corsPoliciesDataSource{tfkit.DataSourceClient{ProviderData: tfkit.ProviderData{Client: c, CORS: readers}}}
}

// s3NoSuchBucket makes the fake's S3 side answer 404 NoSuchBucket for the
// default jurisdiction's bucket name: deleted since the list.
func s3NoSuchBucket(s *fakeapi.Server, name string) {
	s.InjectFault(fakeapi.Fault{PathContains: fakeapi.S3BasePath + "/" + acct + "/default/" + name, Status: 404})
}

// The vanished-bucket rule holds for S3's NoSuchBucket as for REST's 10006:
// a bucket or two is a warning naming them, more is an error.
func TestSweepS3_deletedBucketIsAWarningThatNamesIt(t *testing.T) {
	s, d := s3SweepFake(t, "tok", "alpha", "gone", "omega")
	s3NoSuchBucket(s, "gone")
	ctx := context.Background()
	swept, _, diags := d.list(ctx, acct, []string{"default"}, true, "")
	if diags.HasError() || len(swept) != 3 {
		t.Fatalf("list: %v, %d buckets", diags, len(swept))
	}
	w := only(t, d.readPolicies(ctx, acct, swept), diag.SeverityWarning)
	if w.Summary() != "R2 Buckets Deleted During the Read" || !strings.Contains(w.Detail(), `"gone" (default)`) ||
		!strings.Contains(w.Detail(), "S3 error NoSuchBucket") {
		t.Errorf("warning = %s: %s", w.Summary(), w.Detail())
	}
	if st := s.S3Stats(); st.Requests != 3 {
		t.Errorf("S3 requests = %d, want one per bucket", st.Requests)
	}
}

func TestSweepS3_everyBucketVanishedIsAnError(t *testing.T) {
	s, d := s3SweepFake(t, "tok", "alpha", "beta")
	s3NoSuchBucket(s, "")
	ctx := context.Background()
	swept, _, _ := d.list(ctx, acct, []string{"default"}, true, "")
	e := only(t, d.readPolicies(ctx, acct, swept), diag.SeverityError)
	if e.Summary() != "R2 Buckets Vanished During the Read" || !strings.Contains(e.Detail(), "2 of the 2 buckets") ||
		!strings.Contains(e.Detail(), "S3 error NoSuchBucket") || !strings.Contains(e.Detail(), "s3_endpoint") {
		t.Errorf("error = %s: %s", e.Summary(), e.Detail())
	}
}

// Credentials that cannot be derived fail the sweep once, with what Verify
// Token said, after one verification: no read is sent, and no error per
// bucket repeats it.
func TestSweepS3_underivableCredentialsAreOneError(t *testing.T) {
	s, d := s3SweepFake(t, "revoked-token", "alpha", "beta", "gamma")
	ctx := context.Background()
	// The list goes with the same token: list with a good client.
	good, err := r2api.New(r2api.Config{BaseURL: s.URL(), APIToken: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	list := &corsPoliciesDataSource{tfkit.DataSourceClient{ProviderData: tfkit.ProviderData{Client: good, CORS: good}}}
	swept, _, _ := list.list(ctx, acct, []string{"default"}, true, "")
	s.ResetLog()
	e := only(t, d.readPolicies(ctx, acct, swept), diag.SeverityError)
	if e.Summary() != "R2 API Authentication Failed" || !strings.Contains(e.Detail(), "when verifying the API token (api_token)") ||
		!strings.Contains(e.Detail(), "error 1000: Invalid API Token") || !strings.Contains(e.Detail(), `cors_reader = "rest"`) ||
		strings.Count(e.Detail(), "Verify Token") > 3 {
		t.Errorf("error = %s: %s", e.Summary(), e.Detail())
	}
	// The user's endpoint, then the account's: two requests, then none.
	if n, st := s.RequestCount(), s.S3Stats(); n != 2 || st.Requests != 0 {
		t.Errorf("%d requests (%d S3) after the list; want the two Verify Token requests", n, st.Requests)
	}
}

// The sweep's byte budget bounds the S3 reader's answers too.
func TestSweepS3_totalBytesAreBounded(t *testing.T) {
	s, _ := s3SweepFake(t, "tok")
	for i := range 20 {
		s.AddBucket(acct, fakeapi.Bucket{Name: fmt.Sprintf("big-%02d", i),
			CORSRules: `[{"allowed":{"methods":["GET"],"origins":["` + strings.Repeat("a", 1000) + `"]}}]`})
	}
	c, err := r2api.New(r2api.Config{BaseURL: s.URL(), APIToken: "tok", MaxSweepBytes: 10_000, SweepConcurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	readers := r2s3.NewReaders(r2s3.ReadersConfig{Source: r2s3.CredentialSource{APIToken: "tok"}, Verifier: c,
		EndpointTemplate: s.S3EndpointTemplate(), EndpointSource: "s3_endpoint"})
	d := &corsPoliciesDataSource{tfkit.DataSourceClient{ProviderData: tfkit.ProviderData{Client: c, CORS: readers}}}
	ctx := context.Background()
	swept, _, _ := d.list(ctx, acct, []string{"default"}, true, "")
	e := only(t, d.readPolicies(ctx, acct, swept), diag.SeverityError)
	if e.Summary() != "R2 CORS Sweep Too Large" || !strings.Contains(e.Detail(), "more than the 10000 bytes") {
		t.Errorf("error = %s: %s", e.Summary(), e.Detail())
	}
	if st := s.S3Stats(); st.Requests == 0 || st.Requests >= 20 {
		t.Errorf("S3 requests = %d; two at a time, the budget must stop the sweep part way", st.Requests)
	}
}
