package datasources

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
	"github.com/r2tf/terraform-provider-r2/internal/jurisdictions"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
	"github.com/r2tf/terraform-provider-r2/internal/tfkit"
)

// acct is the account of the internal tests.
const acct = "0123456789abcdef0123456789abcdef"

// sweepFake is the fake with a few buckets and a client of it, for the
// warnings, which acceptance tests cannot see.
func sweepFake(t *testing.T) (*fakeapi.Server, *corsPoliciesDataSource) {
	t.Helper()
	s := fakeapi.Start()
	t.Cleanup(s.Close)
	s.AddToken("tok")
	for _, name := range []string{"alpha", "gone", "omega"} {
		s.AddBucket(acct, fakeapi.Bucket{Name: name, CORSRules: `[]`})
	}
	c, err := r2api.New(r2api.Config{BaseURL: s.URL(), APIToken: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	return s, &corsPoliciesDataSource{tfkit.DataSourceClient{ProviderData: tfkit.ProviderData{Client: c, CORS: c}}}
}

func only(t *testing.T, diags diag.Diagnostics, sev diag.Severity) diag.Diagnostic {
	t.Helper()
	if len(diags) != 1 || diags[0].Severity() != sev {
		t.Fatalf("diagnostics = %v; want one of severity %s", diags, sev)
	}
	return diags[0]
}

func TestSweep_deletedBucketIsAWarningThatNamesIt(t *testing.T) {
	s, d := sweepFake(t)
	s.InjectFault(fakeapi.Fault{PathContains: "/gone/cors", Status: 404,
		Body: `{"success":false,"errors":[{"code":10006,"message":"The specified bucket does not exist."}],"messages":[],"result":null}`})
	ctx := context.Background()
	swept, _, diags := d.list(ctx, acct, []string{"default"}, true, "")
	if diags.HasError() || len(swept) != 3 {
		t.Fatalf("list: %v, %d buckets", diags, len(swept))
	}
	w := only(t, d.readPolicies(ctx, acct, swept), diag.SeverityWarning)
	if w.Summary() != "R2 Buckets Deleted During the Read" || !strings.Contains(w.Detail(), `"gone" (default)`) {
		t.Errorf("warning = %s: %s", w.Summary(), w.Detail())
	}
	list, withPolicy, diags := sweepToState(acct, swept)
	if diags.HasError() || len(list.Elements()) != 2 || withPolicy != 0 {
		t.Errorf("state: %d buckets, %d with a policy, %v; want the two that remain", len(list.Elements()), withPolicy, diags)
	}
}

func TestSweep_jurisdictionNotEntitledIsSkippedUnlessNamed(t *testing.T) {
	s, d := sweepFake(t)
	s.NotEntitled(acct, "fedramp")
	ctx := context.Background()
	swept, skipped, diags := d.list(ctx, acct, jurisdictions.All, false, "")
	w := only(t, diags, diag.SeverityWarning)
	if w.Summary() != "R2 Jurisdiction Skipped" || !strings.Contains(w.Detail(), `jurisdiction "fedramp"`) ||
		!strings.Contains(w.Detail(), "code 10042") {
		t.Errorf("warning = %s: %s", w.Summary(), w.Detail())
	}
	if len(swept) != 3 || skipped.String() != `["fedramp"]` {
		t.Errorf("swept %d, skipped %s", len(swept), skipped)
	}
	_, _, diags = d.list(ctx, acct, []string{"default", "fedramp"}, true, "")
	if e := only(t, diags, diag.SeverityError); e.Summary() != "R2 Jurisdiction or Feature Not Available" {
		t.Errorf("error = %s: %s", e.Summary(), e.Detail())
	}
}

func TestSweep_cancelledWritesNothing(t *testing.T) {
	s, d := sweepFake(t)
	swept, _, _ := d.list(context.Background(), acct, []string{"default"}, true, "")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	before := s.RequestCount()
	e := only(t, d.readPolicies(ctx, acct, swept), diag.SeverityError)
	if e.Summary() != "R2 CORS Sweep Cancelled" || s.RequestCount() != before {
		t.Errorf("%s; %d requests after the cancel", e.Summary(), s.RequestCount()-before)
	}
}

// Ctrl-C in the middle of a sweep: readPolicies returns only once every read
// has (errgroup's Wait), and that is at once, not after the slow answers.
func TestSweep_cancelStopsReadsInFlight(t *testing.T) {
	s, d := sweepFake(t)
	for i := range 100 {
		s.AddBucket(acct, fakeapi.Bucket{Name: fmt.Sprintf("slow-%03d", i)})
	}
	swept, _, _ := d.list(context.Background(), acct, []string{"default"}, true, "")
	// The answers never come in the test's lifetime: only the cancellation
	// can end the reads (else the test hangs until go test's timeout).
	s.InjectFault(fakeapi.Fault{PathContains: "/cors", Delay: time.Hour})
	listed := s.RequestCount()
	ctx, cancel := context.WithCancel(context.Background())
	// The fake logs a request only once answered: cancel a moment after the
	// first reads went out (they hang for a minute).
	time.AfterFunc(300*time.Millisecond, cancel)
	e := only(t, d.readPolicies(ctx, acct, swept), diag.SeverityError)
	if e.Summary() != "R2 CORS Sweep Cancelled" {
		t.Errorf("returned with %q; want the cancellation", e.Summary())
	}
	if n := s.RequestCount() - listed; n > d.Client.SweepConcurrency() {
		t.Errorf("%d requests; no read may start after the cancel", n)
	}
}

// A race deletes a bucket or two; more than that in one jurisdiction, or
// all of its buckets, is not a race.
func TestSweep_vanishedThreshold(t *testing.T) {
	cases := []struct {
		gone, listed int
		fails        bool
	}{
		{1, 1, true}, {1, 2, false}, {2, 2, true}, {1, 3, false}, {2, 3, true},
		{2, 20, false}, {3, 20, true}, {10, 100, false}, {11, 100, true}, {500, 5000, false}, {501, 5000, true},
	}
	for _, tc := range cases {
		if got := tooManyVanished(tc.gone, tc.listed); got != tc.fails {
			t.Errorf("tooManyVanished(%d, %d) = %t, want %t", tc.gone, tc.listed, got, tc.fails)
		}
	}
}

// The sweep's answers have one bound in all: past it the read fails once,
// naming the bound, rather than holding every policy however many.
func TestSweep_totalBytesAreBounded(t *testing.T) {
	s, d := sweepFake(t)
	for i := range 20 {
		s.AddBucket(acct, fakeapi.Bucket{Name: fmt.Sprintf("big-%02d", i),
			CORSRules: `[{"allowed":{"methods":["GET"],"origins":["` + strings.Repeat("a", 1000) + `"]}}]`})
	}
	ctx := context.Background()
	swept, _, _ := d.list(ctx, acct, []string{"default"}, true, "")
	c, err := r2api.New(r2api.Config{BaseURL: s.URL(), APIToken: "tok", MaxSweepBytes: 10_000})
	if err != nil {
		t.Fatal(err)
	}
	d.Client, d.CORS = c, c
	e := only(t, d.readPolicies(ctx, acct, swept), diag.SeverityError)
	if e.Summary() != "R2 CORS Sweep Too Large" || !strings.Contains(e.Detail(), "more than the 10000 bytes") {
		t.Errorf("error = %s: %s", e.Summary(), e.Detail())
	}
}
