package datasources_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/r2tf/terraform-provider-r2/internal/acctest"
	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
)

// The user's shared budget, scaled down (Cloudflare's is 1200 per five
// minutes): another client of the same user spends most of every window.
// The provider reads the window from the headers, so a short one needs no
// setting of its own.
const (
	budgetBuckets = 150
	// rate_limit_reserve for these tests: the other client needs 60% of
	// every window, so the provider leaves it 65%.
	budgetReserve = 65
)

var sharedBudget = fakeapi.Budget{Quota: 200, Window: 10 * time.Second, OtherPerWindow: 120}

// budgetFake serves budgetBuckets buckets under the shared budget, with or
// without the Ratelimit headers.
func budgetFake(t *testing.T, headers bool) *fakeapi.Server {
	t.Helper()
	s := acctest.StartFake(t)
	for i := range budgetBuckets {
		s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: fmt.Sprintf("bucket-%03d", i), CORSRules: apiReferenceRules})
	}
	b := sharedBudget
	b.NoHeaders = !headers
	if err := s.SetBudget(b); err != nil {
		t.Fatal(err)
	}
	return s
}

func budgetProvider(s *fakeapi.Server) string {
	return acctest.ProviderConfig(s, acctest.WithProviderArgs(fmt.Sprintf("rate_limit_reserve = %d", budgetReserve)))
}

// budgetForEachConfig is a for_each of budgetBuckets r2_bucket_cors.
func budgetForEachConfig(s *fakeapi.Server) string {
	return budgetProvider(s) + fmt.Sprintf(`
data "r2_bucket_cors" "each" {
  for_each    = toset([for i in range(%d) : format("bucket-%%03d", i)])
  account_id  = %q
  bucket_name = each.key
}
`, budgetBuckets, acctest.AccountID)
}

// corsReads counts the distinct buckets whose policy the fake served.
func corsReads(s *fakeapi.Server) int {
	read := map[string]bool{}
	for _, r := range s.Requests() {
		if strings.HasSuffix(r.Path, "/cors") && r.Status == 200 {
			read[r.Path] = true
		}
	}
	return len(read)
}

// checkShared checks what a plan did to the user's budget: every bucket
// read, and nobody of the user refused, neither the provider nor the other
// client, up to the end of the last window (the other client spends on).
func checkShared(t *testing.T, s *fakeapi.Server) {
	t.Helper()
	st := s.BudgetStatsAtWindowEnd()
	t.Logf("budget: %+v", st)
	if n := corsReads(s); n != budgetBuckets {
		t.Errorf("%d buckets read, want %d", n, budgetBuckets)
	}
	if st.Lockouts != 0 || st.RefusedOurs != 0 || st.RefusedOther != 0 {
		t.Errorf("the user was locked out %d times: %d of the provider's requests and %d of the other client's refused (HTTP 429)",
			st.Lockouts, st.RefusedOurs, st.RefusedOther)
	}
	if st.Windows < 2 {
		t.Errorf("the plan fit in %d window: the test is not testing the wait for the reset", st.Windows)
	}
}

// checkTripped checks that without the headers the same plan trips the
// lockout: what the test above guards against really happens.
func checkTripped(t *testing.T, s *fakeapi.Server) {
	t.Helper()
	st := s.BudgetStatsAtWindowEnd()
	t.Logf("budget: %+v", st)
	if st.Lockouts == 0 || st.RefusedOurs+st.RefusedOther == 0 {
		t.Errorf("without the headers the user was never locked out (%+v): this scenario cannot fail", st)
	}
}

func TestBudget_sweepKeepsTheReserve(t *testing.T) {
	t.Parallel()
	s := budgetFake(t, true)
	acctest.Run(t, resource.TestStep{Config: budgetProvider(s) + acctest.BucketCORSPoliciesConfig(), PlanOnly: true})
	checkShared(t, s)
}

func TestBudget_forEachKeepsTheReserve(t *testing.T) {
	t.Parallel()
	s := budgetFake(t, true)
	acctest.Run(t, resource.TestStep{Config: budgetForEachConfig(s), PlanOnly: true})
	checkShared(t, s)
}

// Without the headers only the sliding window applies, which counts the
// provider's own requests: the same plans lock the user out (the 429s are
// waited out, so the plans themselves pass).
func TestBudget_sweepWithoutHeadersTripsTheLockout(t *testing.T) {
	t.Parallel()
	s := budgetFake(t, false)
	acctest.Run(t, resource.TestStep{Config: budgetProvider(s) + acctest.BucketCORSPoliciesConfig(), PlanOnly: true})
	checkTripped(t, s)
}

func TestBudget_forEachWithoutHeadersTripsTheLockout(t *testing.T) {
	t.Parallel()
	s := budgetFake(t, false)
	acctest.Run(t, resource.TestStep{Config: budgetForEachConfig(s), PlanOnly: true})
	checkTripped(t, s)
}
