package datasources_test

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/r2tf/terraform-provider-r2/internal/acctest"
	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
)

const sweepAddr = "data.r2_bucket_cors_policies.test"

func sweepCheck(attr string, want knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(sweepAddr, tfjsonpath.New(attr), want)
}

// sweptNames checks the buckets' order: each "jurisdiction/name".
func sweptNames(names ...string) statecheck.StateCheck {
	checks := make([]knownvalue.Check, len(names))
	for i, n := range names {
		j, name, _ := strings.Cut(n, "/")
		checks[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"jurisdiction": knownvalue.StringExact(j), "name": knownvalue.StringExact(name),
		})
	}
	return sweepCheck("buckets", knownvalue.ListExact(checks))
}

// jurisdictionsListed are the cf-r2-jurisdiction headers of the list calls
// ("" for none), in order.
func jurisdictionsListed(s *fakeapi.Server) []string {
	var out []string
	for _, r := range s.ListRequests() {
		out = append(out, r.Header.Get("cf-r2-jurisdiction"))
	}
	return out
}

func TestBucketCORSPolicies_allJurisdictionsInOrder(t *testing.T) {
	t.Parallel()
	s := acctest.StartFake(t)
	add := func(j, name, rules string) {
		s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: name, Jurisdiction: j, Location: "enam",
			CreationDate: "2024-01-02T03:04:05.678Z", CORSRules: rules})
	}
	add("us", "us-media", `[{"allowed":{"methods":["GET"],"origins":["*"]}}]`)
	add("", "zeta", "")
	add("", "alpha", apiReferenceRules)
	add("eu", "shared", `[{"allowed":{"methods":["PUT"],"origins":["https://eu.example"],"headers":[]},"exposeHeaders":[],"maxAgeSeconds":1.5}]`)
	add("", "shared", `[]`)
	add("fedramp", "gov", "")
	acctest.Run(t, resource.TestStep{
		Config: acctest.ProviderConfig(s) + acctest.BucketCORSPoliciesConfig(),
		ConfigStateChecks: []statecheck.StateCheck{
			sweptNames("default/alpha", "default/shared", "default/zeta", "eu/shared", "fedramp/gov", "us/us-media"),
			sweepCheck("bucket_count", knownvalue.Int64Exact(6)),
			sweepCheck("policy_count", knownvalue.Int64Exact(3)),
			sweepCheck("skipped_jurisdictions", knownvalue.ListExact([]knownvalue.Check{})),
			sweepCheck("id", knownvalue.StringExact(acctest.AccountID)),
			// The same mapping as r2_bucket_cors: every field, null apart from empty, exact numbers.
			statecheck.ExpectKnownValue(sweepAddr, tfjsonpath.New("buckets").AtSliceIndex(0), knownvalue.ObjectExact(map[string]knownvalue.Check{
				"name": knownvalue.StringExact("alpha"), "jurisdiction": knownvalue.StringExact("default"),
				"location": knownvalue.StringExact("enam"), "creation_date": knownvalue.StringExact("2024-01-02T03:04:05.678Z"),
				"has_policy": knownvalue.Bool(true),
				"rules": knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
					"id": knownvalue.StringExact("Allow Local Development"),
					"allowed": knownvalue.ObjectExact(map[string]knownvalue.Check{
						"methods": acctest.StringList("GET"), "origins": acctest.StringList("http://localhost:3000"),
						"headers": acctest.StringList("x-requested-by"),
					}),
					"expose_headers":  acctest.StringList("Content-Encoding"),
					"max_age_seconds": knownvalue.Int64Exact(3600),
				})}),
			})),
			statecheck.ExpectKnownValue(sweepAddr, tfjsonpath.New("buckets").AtSliceIndex(3).AtMapKey("rules"),
				knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
					"id": knownvalue.Null(),
					"allowed": knownvalue.ObjectExact(map[string]knownvalue.Check{
						"methods": acctest.StringList("PUT"), "origins": acctest.StringList("https://eu.example"),
						"headers": knownvalue.ListExact([]knownvalue.Check{}),
					}),
					"expose_headers":  knownvalue.ListExact([]knownvalue.Check{}),
					"max_age_seconds": knownvalue.Float64Exact(1.5),
				})})),
			// No policy (404/10059) and an empty policy both read as rules = [], has_policy = false.
			statecheck.ExpectKnownValue(sweepAddr, tfjsonpath.New("buckets").AtSliceIndex(1), knownvalue.ObjectPartial(map[string]knownvalue.Check{
				"has_policy": knownvalue.Bool(false), "rules": knownvalue.ListExact([]knownvalue.Check{}),
			})),
			statecheck.ExpectKnownValue(sweepAddr, tfjsonpath.New("buckets").AtSliceIndex(2), knownvalue.ObjectPartial(map[string]knownvalue.Check{
				"has_policy": knownvalue.Bool(false), "rules": knownvalue.ListExact([]knownvalue.Check{}),
			})),
		},
	})
	// Each plan and apply step reads once: per read, four lists and six policies, nothing retried.
	if got := jurisdictionsListed(s); len(got) < 4 || strings.Join(got[:4], ",") != ",eu,fedramp,us" {
		t.Errorf("list calls' jurisdiction headers = %q; want none (default), eu, fedramp, us", got)
	}
	if n := s.RequestCount(); n%10 != 0 {
		t.Errorf("requests = %d; want a multiple of 10 (4 lists + 6 reads per sweep)", n)
	}
}

func TestBucketCORSPolicies_subsetAndNameContains(t *testing.T) {
	t.Parallel()
	s := acctest.StartFake(t)
	for _, j := range []string{"", "eu", "fedramp", "us"} {
		for _, name := range []string{"logs-a", "media", "logs-b"} {
			s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: name, Jurisdiction: j, CORSRules: `[]`})
		}
	}
	acctest.Run(t, resource.TestStep{
		Config: acctest.ProviderConfig(s) + acctest.BucketCORSPoliciesConfig(
			acctest.Jurisdictions("us", "eu"), acctest.Args(`name_contains = "logs"`)),
		ConfigStateChecks: []statecheck.StateCheck{
			sweptNames("eu/logs-a", "eu/logs-b", "us/logs-a", "us/logs-b"),
			sweepCheck("jurisdictions", knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("eu"), knownvalue.StringExact("us")})),
		},
	})
	for _, r := range s.ListRequests() {
		if j := r.Header.Get("cf-r2-jurisdiction"); j != "eu" && j != "us" {
			t.Errorf("listed jurisdiction %q; only eu and us were asked for", j)
		}
		if !strings.Contains(r.RawQuery, "name_contains=logs") {
			t.Errorf("list query %q lacks name_contains", r.RawQuery)
		}
	}
}

// More than one page (1000 buckets) in two jurisdictions; requests are the
// pages plus one per bucket, exactly, with nothing retried.
func TestBucketCORSPolicies_paging(t *testing.T) {
	t.Parallel()
	s := acctest.StartFake(t)
	const perJurisdiction = 1003
	for _, j := range []string{"", "eu"} {
		for i := range perJurisdiction {
			s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: fmt.Sprintf("b-%05d", i), Jurisdiction: j})
		}
	}
	s.SetCORS(acctest.AccountID, "eu", "b-01002", `[{"allowed":{"methods":["GET"],"origins":["*"]}}]`)
	acctest.Run(t, resource.TestStep{
		Config: acctest.ProviderConfig(s, acctest.WithProviderArgs("rate_limit = 0")) +
			acctest.BucketCORSPoliciesConfig(acctest.Jurisdictions("default", "eu")),
		ConfigStateChecks: []statecheck.StateCheck{
			sweepCheck("bucket_count", knownvalue.Int64Exact(2*perJurisdiction)),
			sweepCheck("policy_count", knownvalue.Int64Exact(1)),
			statecheck.ExpectKnownValue(sweepAddr, tfjsonpath.New("buckets").AtSliceIndex(2*perJurisdiction-1),
				knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"name": knownvalue.StringExact("b-01002"), "jurisdiction": knownvalue.StringExact("eu"),
					"has_policy": knownvalue.Bool(true),
				})),
		},
	})
	perSweep := 2*2 + 2*perJurisdiction // two pages per jurisdiction, one read per bucket
	if n := s.RequestCount(); n == 0 || n%perSweep != 0 {
		t.Errorf("requests = %d; want a multiple of %d (pages + buckets per sweep, nothing retried)", n, perSweep)
	}
}

// A jurisdiction the account may not use: skipped with a warning when
// jurisdictions is left out, an error when named.
func TestBucketCORSPolicies_jurisdictionNotEntitled(t *testing.T) {
	t.Parallel()
	s := acctest.StartFake(t)
	s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: "media", CORSRules: `[]`})
	s.NotEntitled(acctest.AccountID, "fedramp")
	acctest.Run(t, resource.TestStep{
		Config: acctest.ProviderConfig(s) + acctest.BucketCORSPoliciesConfig(),
		ConfigStateChecks: []statecheck.StateCheck{
			sweptNames("default/media"),
			sweepCheck("skipped_jurisdictions", acctest.StringList("fedramp")),
		},
	}, resource.TestStep{
		Config: acctest.ProviderConfig(s) + acctest.BucketCORSPoliciesConfig(acctest.Jurisdictions("default", "fedramp")),
		ExpectError: acctest.ErrorRegexp("R2 Jurisdiction or Feature Not Available", "HTTP 403", `jurisdiction "fedramp"`,
			"error 10042", "FedRAMP is available by contract only"),
	})
}

// The same refusal in the default jurisdiction means an account without R2:
// an error even when jurisdictions is left out, never an empty review.
func TestBucketCORSPolicies_notEntitledToDefaultIsAnError(t *testing.T) {
	t.Parallel()
	s := acctest.StartFake(t)
	s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: "media", CORSRules: `[]`})
	s.NotEntitled(acctest.AccountID, "default")
	acctest.Run(t, resource.TestStep{
		Config:      acctest.ProviderConfig(s) + acctest.BucketCORSPoliciesConfig(),
		ExpectError: acctest.ErrorRegexp("HTTP 403", `jurisdiction "default"`, "error 10042"),
	})
}

// Buckets that keep failing: one error names every one of them, each of the
// first twenty with the status, codes and hint r2_bucket_cors gives.
func TestBucketCORSPolicies_persistentFailuresNameEveryBucket(t *testing.T) {
	t.Parallel()
	s := acctest.StartFake(t)
	var failing []string
	for i := range 30 {
		name := fmt.Sprintf("bucket-%02d", i)
		s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: name, CORSRules: `[]`})
		if i%5 != 0 { // 24 of 30 fail
			failing = append(failing, name)
			s.InjectFault(fakeapi.Fault{PathContains: "/" + name + "/cors", Status: 503})
		}
	}
	parts := []string{"Cannot Read R2 Bucket CORS Policies", "24 of the 30 buckets", "nothing was written to state"}
	for i, name := range failing[:20] {
		parts = append(parts, fmt.Sprintf("%d. Cannot Read R2 Bucket CORS Policy: bucket %q", i+1, name), "HTTP 503", "error 10001")
	}
	parts = append(parts, "4 more buckets failed")
	for _, name := range failing[20:] {
		parts = append(parts, fmt.Sprintf("%q (default)", name))
	}
	acctest.Run(t, resource.TestStep{
		Config: acctest.ProviderConfig(s, acctest.WithProviderArgs("max_retries = 1")) +
			acctest.BucketCORSPoliciesConfig(acctest.Jurisdictions("default")),
		ExpectError: acctest.ErrorRegexp(parts...),
	})
}

// A bucket deleted between the list and its read is left out, not an error.
func TestBucketCORSPolicies_bucketDeletedDuringTheRead(t *testing.T) {
	t.Parallel()
	s := acctest.StartFake(t)
	for _, name := range []string{"alpha", "gone", "omega"} {
		s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: name, CORSRules: `[]`})
	}
	s.InjectFault(fakeapi.Fault{PathContains: "/gone/cors", Status: 404,
		Body: `{"success":false,"errors":[{"code":10006,"message":"The specified bucket does not exist."}],"messages":[],"result":null}`})
	acctest.Run(t, resource.TestStep{
		Config: acctest.ProviderConfig(s) + acctest.BucketCORSPoliciesConfig(acctest.Jurisdictions("default")),
		ConfigStateChecks: []statecheck.StateCheck{
			sweptNames("default/alpha", "default/omega"),
			sweepCheck("bucket_count", knownvalue.Int64Exact(2)),
		},
	})
}

// A 429 storm (every request refused for a while, then all pass): the
// sweep waits it out; at most one request per read in flight is refused
// at its start, then one probe per Retry-After, not one per read.
func TestBucketCORSPolicies_429Storm(t *testing.T) {
	t.Parallel()
	s := acctest.StartFake(t)
	const buckets, concurrency = 60, 4
	for i := range buckets {
		s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: fmt.Sprintf("b-%02d", i), CORSRules: `[]`})
	}
	// The storm starts with the first read of a policy, after the list.
	var started atomic.Bool
	s.OnRequest(func(r fakeapi.Request) {
		if strings.HasSuffix(r.Path, "/cors") && started.CompareAndSwap(false, true) {
			s.RateLimitFor(1500 * time.Millisecond)
		}
	})
	acctest.Run(t, resource.TestStep{
		Config: acctest.ProviderConfig(s, acctest.WithProviderArgs(fmt.Sprintf("sweep_concurrency = %d", concurrency))) +
			acctest.BucketCORSPoliciesConfig(acctest.Jurisdictions("default")),
		ConfigStateChecks: []statecheck.StateCheck{sweepCheck("bucket_count", knownvalue.Int64Exact(buckets))},
	})
	refused := 0
	for _, r := range s.Requests() {
		if r.Status == 429 {
			refused++
		}
	}
	t.Logf("requests: %d, refused: %d", s.RequestCount(), refused)
	// Storm: the reads in flight (≤ concurrency), then at most a probe per
	// Retry-After (2 s, longer than the storm): concurrency + 1 in all.
	if refused == 0 || refused > concurrency+1 {
		t.Errorf("%d requests refused; want 1 to %d", refused, concurrency+1)
	}
}

func TestBucketCORSPolicies_validationSendsNothing(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		opts []acctest.DataOption
		want []string
	}{
		"unknown jurisdiction": {[]acctest.DataOption{acctest.Jurisdictions("default", "mars")},
			[]string{`jurisdictions contains "mars"; each must be one of "default", "eu", "fedramp", "us".`}},
		"jurisdiction case": {[]acctest.DataOption{acctest.Jurisdictions("EU")},
			[]string{`jurisdictions contains "EU"; jurisdictions are lowercase: "eu".`}},
		"no jurisdiction": {[]acctest.DataOption{acctest.Jurisdictions()}, []string{"jurisdictions", "at least 1"}},
		"bad account":     {[]acctest.DataOption{acctest.Account("NOT-AN-ACCOUNT")}, []string{"account_id", "32 lowercase hexadecimal"}},
		"empty filter":    {[]acctest.DataOption{acctest.Args(`name_contains = ""`)}, []string{"name_contains", "length must be between 1 and 64"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := acctest.StartFake(t)
			acctest.Run(t, resource.TestStep{
				Config:      acctest.ProviderConfig(s) + acctest.BucketCORSPoliciesConfig(tc.opts...),
				PlanOnly:    true,
				ExpectError: acctest.ErrorRegexp(tc.want...),
			})
			if n := s.RequestCount(); n != 0 {
				t.Errorf("bad input must fail before any request; the fake saw %d", n)
			}
		})
	}
}

// Every listed bucket of a jurisdiction answering "does not exist" is not a
// race but a wrong jurisdiction, a proxy or a broken API: the read fails
// naming the jurisdiction and the first buckets, instead of writing an
// empty review that every check passes.
func TestBucketCORSPolicies_everyBucketVanishedIsAnError(t *testing.T) {
	t.Parallel()
	s := acctest.StartFake(t)
	for _, name := range []string{"alpha", "beta", "gamma"} {
		s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: name, Jurisdiction: "eu", CORSRules: `[]`})
	}
	s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: "home", CORSRules: `[]`})
	s.InjectFault(fakeapi.Fault{PathContains: "a/cors", Status: 404,
		Body: `{"success":false,"errors":[{"code":10006,"message":"The specified bucket does not exist."}],"messages":[],"result":null}`})
	acctest.Run(t, resource.TestStep{
		Config: acctest.ProviderConfig(s) + acctest.BucketCORSPoliciesConfig(acctest.Jurisdictions("default", "eu")),
		ExpectError: acctest.ErrorRegexp("R2 Buckets Vanished During the Read", "3 of the 3 buckets listed in",
			`jurisdiction "eu"`, "error 10006", `"alpha", "beta", "gamma"`, "nothing was written to state"),
	})
}

// A policy larger than any R2 can store fails the sweep, naming the bucket
// and its jurisdiction, as it is read.
func TestBucketCORSPolicies_oversizedPolicyIsRefused(t *testing.T) {
	t.Parallel()
	s := acctest.StartFake(t)
	s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: "small", CORSRules: `[]`})
	s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: "huge", Jurisdiction: "eu", CORSRules: `[]`})
	origins := strings.Repeat(`"https://a.example",`, 200<<10/19)
	s.InjectFault(fakeapi.Fault{PathContains: "/huge/cors", Body: `{"success":true,"errors":[],"messages":[],"result":` +
		`{"rules":[{"allowed":{"methods":["GET"],"origins":[` + origins + `"*"]}}]}}`})
	acctest.Run(t, resource.TestStep{
		Config: acctest.ProviderConfig(s) + acctest.BucketCORSPoliciesConfig(),
		ExpectError: acctest.ErrorRegexp("Cannot Read R2 Bucket CORS Policies", `bucket "huge"`, `jurisdiction "eu"`,
			"larger than the 131072 bytes a CORS policy may take", "Retrying will not help"),
	})
}

// A result whose policy sits under another name is an error naming the
// member, not a bucket without a policy.
func TestBucketCORSPolicies_renamedPolicyIsAnError(t *testing.T) {
	t.Parallel()
	s := acctest.StartFake(t)
	s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: "media", CORSRules: `[]`})
	s.InjectFault(fakeapi.Fault{PathContains: "/media/cors", Body: `{"success":true,"errors":[],"messages":[],"result":` +
		`{"corsRules":[{"allowed":{"methods":["PUT"],"origins":["*"]}}]}}`})
	acctest.Run(t, resource.TestStep{
		Config:      acctest.ProviderConfig(s) + acctest.BucketCORSPoliciesConfig(acctest.Jurisdictions("default")),
		ExpectError: acctest.ErrorRegexp(`bucket "media"`, `member "corsRules" of result looks like a renamed "rules"`),
	})
}
