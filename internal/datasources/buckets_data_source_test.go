package datasources_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/r2tf/terraform-provider-r2/internal/acctest"
	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
)

const bucketsAddr = "data.r2_buckets.test"

// bucketCheck is one element of buckets; "" means null.
func bucketCheck(name, created, location, jurisdiction, class string) knownvalue.Check {
	str := func(s string) knownvalue.Check {
		if s == "" {
			return knownvalue.Null()
		}
		return knownvalue.StringExact(s)
	}
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"name":          knownvalue.StringExact(name),
		"creation_date": str(created),
		"location":      str(location),
		"jurisdiction":  str(jurisdiction),
		"storage_class": str(class),
	})
}

func bucketNames(names ...string) statecheck.StateCheck {
	checks := make([]knownvalue.Check, len(names))
	for i, n := range names {
		checks[i] = knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact(n)})
	}
	return statecheck.ExpectKnownValue(bucketsAddr, tfjsonpath.New("buckets"), knownvalue.ListExact(checks))
}

func TestBuckets_nameOrderAndFields(t *testing.T) {
	t.Parallel()
	s := acctest.StartFake(t)
	s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: "zeta-logs", Location: "apac", StorageClass: "InfrequentAccess",
		CreationDate: "2023-05-06T07:08:09.010Z"})
	s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: "alpha", Location: "enam", StorageClass: "Standard",
		CreationDate: "2024-01-02T03:04:05.678Z"})
	s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: "media-2", Location: "wnam", StorageClass: "Standard",
		CreationDate: "2025-12-31T23:59:59.999Z", Jurisdiction: "default"})
	s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: "beta-eu", Jurisdiction: "eu"}) // Not listed: other jurisdiction.
	acctest.Run(t, resource.TestStep{
		Config: acctest.ProviderConfig(s) + acctest.BucketsConfig(),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(bucketsAddr, tfjsonpath.New("buckets"), knownvalue.ListExact([]knownvalue.Check{
				bucketCheck("alpha", "2024-01-02T03:04:05.678Z", "enam", "default", "Standard"),
				bucketCheck("media-2", "2025-12-31T23:59:59.999Z", "wnam", "default", "Standard"),
				bucketCheck("zeta-logs", "2023-05-06T07:08:09.010Z", "apac", "default", "InfrequentAccess"),
			})),
			statecheck.ExpectKnownValue(bucketsAddr, tfjsonpath.New("id"), knownvalue.StringExact(acctest.AccountID+"/default")),
			statecheck.ExpectKnownValue(bucketsAddr, tfjsonpath.New("jurisdiction"), knownvalue.Null()),
			statecheck.ExpectKnownValue(bucketsAddr, tfjsonpath.New("name_contains"), knownvalue.Null()),
		},
	})
	reqs := s.ListRequests()
	if len(reqs) == 0 {
		t.Fatal("no List Buckets request seen")
	}
	for _, r := range reqs {
		q, err := url.ParseQuery(r.RawQuery)
		if err != nil || q.Get("per_page") != "1000" || q.Get("order") != "name" || q.Get("direction") != "asc" || q.Has("name_contains") {
			t.Errorf("query = %q, want per_page=1000&order=name&direction=asc", r.RawQuery)
		}
		if h := r.Header.Get("cf-r2-jurisdiction"); h != "" {
			t.Errorf("no jurisdiction set, but cf-r2-jurisdiction = %q", h)
		}
		if r.Header.Get("Authorization") != "Bearer "+acctest.Token {
			t.Errorf("Authorization = %q", r.Header.Get("Authorization"))
		}
	}
}

func TestBuckets_absentFieldsAreNull(t *testing.T) {
	t.Parallel()
	s := acctest.StartFake(t)
	s.InjectFault(fakeapi.Fault{PathContains: "/r2/buckets", Status: 200, Body: `{"success":true,"errors":[],"messages":[],` +
		`"result":{"buckets":[{"name":"bare"},{"name":"empty-location","location":"","jurisdiction":null}]},"result_info":{"per_page":1000}}`})
	acctest.Run(t, resource.TestStep{
		Config: acctest.ProviderConfig(s) + acctest.BucketsConfig(),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(bucketsAddr, tfjsonpath.New("buckets"), knownvalue.ListExact([]knownvalue.Check{
				bucketCheck("bare", "", "", "", ""),
				knownvalue.ObjectExact(map[string]knownvalue.Check{
					"name":          knownvalue.StringExact("empty-location"),
					"creation_date": knownvalue.Null(),
					"location":      knownvalue.StringExact(""), // Empty is not absent.
					"jurisdiction":  knownvalue.Null(),
					"storage_class": knownvalue.Null(),
				}),
			})),
		},
	})
}

func TestBuckets_followsPages(t *testing.T) {
	t.Parallel()
	s := acctest.StartFake(t)
	for i := 2499; i >= 0; i-- {
		s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: fmt.Sprintf("bucket-%04d", i)})
	}
	acctest.Run(t, resource.TestStep{
		Config: acctest.ProviderConfig(s) + acctest.BucketsConfig() + `
output "count" {
  value = length(data.r2_buckets.test.buckets)
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(bucketsAddr, tfjsonpath.New("buckets"), knownvalue.ListSizeExact(2500)),
			statecheck.ExpectKnownValue(bucketsAddr, tfjsonpath.New("buckets").AtSliceIndex(0).AtMapKey("name"),
				knownvalue.StringExact("bucket-0000")),
			statecheck.ExpectKnownValue(bucketsAddr, tfjsonpath.New("buckets").AtSliceIndex(1000).AtMapKey("name"),
				knownvalue.StringExact("bucket-1000")),
			statecheck.ExpectKnownValue(bucketsAddr, tfjsonpath.New("buckets").AtSliceIndex(2499).AtMapKey("name"),
				knownvalue.StringExact("bucket-2499")),
			statecheck.ExpectKnownOutputValue("count", knownvalue.Int64Exact(2500)),
		},
	})
	// Every read takes 3 pages: the first without a cursor, the others with one.
	reqs := s.ListRequests()
	if len(reqs) == 0 || len(reqs)%3 != 0 {
		t.Fatalf("List Buckets requests = %d, want a multiple of 3", len(reqs))
	}
	for i, r := range reqs {
		q, _ := url.ParseQuery(r.RawQuery)
		if hasCursor := q.Get("cursor") != ""; hasCursor != (i%3 != 0) {
			t.Errorf("request %d query = %q: only the first page of a read goes without a cursor", i, r.RawQuery)
		}
	}
}

func TestBuckets_nameContains(t *testing.T) {
	t.Parallel()
	s := acctest.StartFake(t)
	for _, n := range []string{"prod-assets", "dev-assets", "prod-logs", "staging"} {
		s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: n})
	}
	acctest.Run(t, resource.TestStep{
		Config: acctest.ProviderConfig(s) + acctest.BucketsConfig(acctest.Args(`name_contains = "assets"`)),
		ConfigStateChecks: []statecheck.StateCheck{
			bucketNames("dev-assets", "prod-assets"),
			statecheck.ExpectKnownValue(bucketsAddr, tfjsonpath.New("name_contains"), knownvalue.StringExact("assets")),
		},
	})
	for _, r := range s.ListRequests() {
		if q, _ := url.ParseQuery(r.RawQuery); q.Get("name_contains") != "assets" {
			t.Errorf("query = %q, want name_contains=assets", r.RawQuery)
		}
	}
}

func TestBuckets_jurisdictions(t *testing.T) {
	t.Parallel()
	for _, j := range []string{"", "default", "eu", "fedramp", "us"} {
		name := j
		if name == "" {
			name = "omitted"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := acctest.StartFake(t)
			for _, other := range []string{"default", "eu", "fedramp", "us"} {
				s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: other + "-one", Jurisdiction: other})
				s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: other + "-two", Jurisdiction: other})
			}
			want := j
			if want == "" {
				want = "default"
			}
			var args []string
			var jurisdictionCheck knownvalue.Check = knownvalue.Null()
			if j != "" {
				args = append(args, fmt.Sprintf("jurisdiction = %q", j))
				jurisdictionCheck = knownvalue.StringExact(j)
			}
			acctest.Run(t, resource.TestStep{
				Config: acctest.ProviderConfig(s) + acctest.BucketsConfig(acctest.Args(args...)),
				ConfigStateChecks: []statecheck.StateCheck{
					bucketNames(want+"-one", want+"-two"),
					statecheck.ExpectKnownValue(bucketsAddr, tfjsonpath.New("buckets").AtSliceIndex(0).AtMapKey("jurisdiction"),
						knownvalue.StringExact(want)),
					statecheck.ExpectKnownValue(bucketsAddr, tfjsonpath.New("jurisdiction"), jurisdictionCheck),
					statecheck.ExpectKnownValue(bucketsAddr, tfjsonpath.New("id"), knownvalue.StringExact(acctest.AccountID+"/"+want)),
				},
			})
			for _, r := range s.ListRequests() {
				if got := r.Header.Get("cf-r2-jurisdiction"); got != j {
					t.Errorf("cf-r2-jurisdiction = %q, want %q", got, j)
				}
			}
		})
	}
}

func TestBuckets_emptyAccount(t *testing.T) {
	t.Parallel()
	s := acctest.StartFake(t)
	s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: "eu-only", Jurisdiction: "eu"})
	acctest.Run(t, resource.TestStep{
		Config: acctest.ProviderConfig(s) + acctest.BucketsConfig() + `
output "none" {
  value = length(data.r2_buckets.test.buckets) == 0
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(bucketsAddr, tfjsonpath.New("buckets"), knownvalue.ListExact([]knownvalue.Check{})),
			statecheck.ExpectKnownOutputValue("none", knownvalue.Bool(true)),
		},
	})
}

// Bad arguments fail at plan time, before any request reaches the API.
func TestBuckets_validationSendsNoRequest(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, account string
		args          []string
		want          *regexp.Regexp
	}{
		{"account id too short", "abc123", nil, acctest.ErrorRegexp("account_id", "32 lowercase hexadecimal")},
		{"account id uppercase", strings.ToUpper(acctest.AccountID), nil, acctest.ErrorRegexp("account_id", "32 lowercase hexadecimal")},
		{"unknown jurisdiction", acctest.AccountID, []string{`jurisdiction = "mars"`},
			acctest.ErrorRegexp(`jurisdiction must be one of "default", "eu", "fedramp", "us"; got "mars".`)},
		{"jurisdiction case", acctest.AccountID, []string{`jurisdiction = "EU"`}, acctest.ErrorRegexp(`jurisdiction is "EU"; jurisdictions are lowercase: "eu".`)},
		{"empty name_contains", acctest.AccountID, []string{`name_contains = ""`}, acctest.ErrorRegexp("name_contains", "length must be between 1 and 64")},
		{"long name_contains", acctest.AccountID, []string{`name_contains = "` + strings.Repeat("a", 65) + `"`},
			acctest.ErrorRegexp("name_contains", "length must be between 1 and 64")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := acctest.StartFake(t)
			config := acctest.BucketsConfig(acctest.Account(tc.account), acctest.Args(tc.args...))
			acctest.RunInvalid(t, s, acctest.ProviderConfig(s)+config, tc.want)
		})
	}
}

func TestBuckets_errors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		setup  func(s *fakeapi.Server)
		config func(s *fakeapi.Server) string
		want   *regexp.Regexp
	}{
		{
			name: "invalid token",
			config: func(s *fakeapi.Server) string {
				return acctest.ProviderConfig(s, acctest.WithToken("revoked-token")) + acctest.BucketsConfig()
			},
			want: acctest.ErrorRegexp("R2 API Authentication Failed", "HTTP 403", "listing the buckets of", acctest.AccountID,
				"error 9109: Invalid access token", "Workers R2 Storage Read"),
		},
		{
			name:  "token without access to the account",
			setup: func(s *fakeapi.Server) { s.AddToken("scoped-token", "11111111111111111111111111111111") },
			config: func(s *fakeapi.Server) string {
				return acctest.ProviderConfig(s, acctest.WithToken("scoped-token")) + acctest.BucketsConfig(acctest.Jurisdiction("eu"))
			},
			want: acctest.ErrorRegexp("R2 API Authentication Failed", "HTTP 403", `jurisdiction "eu"`, "error 10000: Authentication error"),
		},
		{
			name: "unknown account",
			config: func(s *fakeapi.Server) string {
				return acctest.ProviderConfig(s) + acctest.BucketsConfig(acctest.Account("ffffffffffffffffffffffffffffffff"))
			},
			want: acctest.ErrorRegexp("R2 Account Not Found", "HTTP 404", "error 7003", "Check account_id"),
		},
		{
			name: "server error persists",
			setup: func(s *fakeapi.Server) {
				s.InjectFault(fakeapi.Fault{PathContains: "/r2/buckets", Status: 503, Body: "<html>Service Unavailable</html>", ContentType: "text/html"})
			},
			want: acctest.ErrorRegexp("Cannot List R2 Buckets", "HTTP 503", "<html>Service Unavailable</html>", "Attempts made: 5.", "run the plan again later"),
		},
		{
			name: "failure on the second page",
			setup: func(s *fakeapi.Server) {
				for i := range 1200 {
					s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: fmt.Sprintf("b-%04d", i)})
				}
				var done atomic.Bool
				s.OnRequest(func(r fakeapi.Request) {
					if r.Status == http.StatusOK && done.CompareAndSwap(false, true) {
						s.InjectFault(fakeapi.Fault{PathContains: "/r2/buckets", Status: 400})
					}
				})
			},
			want: acctest.ErrorRegexp("Cannot List R2 Buckets", "HTTP 400", "page 2 of the bucket list (1000 buckets read before it)"),
		},
		{
			name: "200 that is not JSON",
			setup: func(s *fakeapi.Server) {
				s.InjectFault(fakeapi.Fault{PathContains: "/r2/buckets", Status: 200, Body: "<html>maintenance</html>", ContentType: "text/html"})
			},
			want: acctest.ErrorRegexp("Cannot List R2 Buckets", "HTTP 200", "not valid JSON", "<html>maintenance</html>"),
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := acctest.StartFake(t)
			if tc.setup != nil {
				tc.setup(s)
			}
			config := acctest.ProviderConfig(s) + acctest.BucketsConfig()
			if tc.config != nil {
				config = tc.config(s)
			}
			acctest.Run(t, resource.TestStep{Config: config, ExpectError: tc.want})
		})
	}
}

// The use the data source exists for: list buckets in two jurisdictions,
// then read each bucket's CORS policy with for_each.
func TestBuckets_forEachIntoBucketCORS(t *testing.T) {
	t.Parallel()
	s := acctest.StartFake(t)
	s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: "assets", CORSRules: apiReferenceRules})
	s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: "no-policy"})
	s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: "eu-media", Jurisdiction: "eu",
		CORSRules: `[{"allowed":{"methods":["GET","HEAD"],"origins":["https://eu.example.com"]}}]`})
	acctest.Run(t, resource.TestStep{
		Config: acctest.ProviderConfig(s) + fmt.Sprintf(`
data "r2_buckets" "default" {
  account_id = %[1]q
}

data "r2_buckets" "eu" {
  account_id   = %[1]q
  jurisdiction = "eu"
}

data "r2_bucket_cors" "each" {
  for_each = merge(
    { for b in data.r2_buckets.default.buckets : b.name => b },
    { for b in data.r2_buckets.eu.buckets : b.name => b },
  )
  account_id   = %[1]q
  bucket_name  = each.key
  jurisdiction = each.value.jurisdiction
}

output "origins" {
  value = { for name, d in data.r2_bucket_cors.each : name => flatten(d.rules[*].allowed.origins) }
}

output "rule_ids" {
  value = { for name, d in data.r2_bucket_cors.each : name => d.rules[*].id }
}

output "jurisdictions" {
  value = { for name, d in data.r2_bucket_cors.each : name => d.jurisdiction }
}
`, acctest.AccountID),
		// terraform-plugin-testing cannot shim for_each instances into its
		// legacy state, so this step stays a plan (as a drift review is)
		// and its checks read the planned outputs.
		PlanOnly:           true,
		ExpectNonEmptyPlan: true, // The outputs are new.
		ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{
			plancheck.ExpectKnownOutputValue("origins", knownvalue.MapExact(map[string]knownvalue.Check{
				"assets":    acctest.StringList("http://localhost:3000"),
				"no-policy": knownvalue.ListExact([]knownvalue.Check{}),
				"eu-media":  acctest.StringList("https://eu.example.com"),
			})),
			plancheck.ExpectKnownOutputValue("rule_ids", knownvalue.MapExact(map[string]knownvalue.Check{
				"assets":    acctest.StringList("Allow Local Development"),
				"no-policy": knownvalue.ListExact([]knownvalue.Check{}),
				"eu-media":  knownvalue.ListExact([]knownvalue.Check{knownvalue.Null()}),
			})),
			plancheck.ExpectKnownOutputValue("jurisdictions", knownvalue.MapExact(map[string]knownvalue.Check{
				"assets":    knownvalue.StringExact("default"),
				"no-policy": knownvalue.StringExact("default"),
				"eu-media":  knownvalue.StringExact("eu"),
			})),
		}},
	})
	corsReads := map[string]string{}
	for _, r := range s.Requests() {
		if name, ok := strings.CutSuffix(r.Path, "/cors"); ok {
			corsReads[name[strings.LastIndex(name, "/")+1:]] = r.Header.Get("cf-r2-jurisdiction")
		}
	}
	want := map[string]string{"assets": "default", "no-policy": "default", "eu-media": "eu"}
	if fmt.Sprint(corsReads) != fmt.Sprint(want) {
		t.Errorf("CORS reads (bucket: cf-r2-jurisdiction) = %v, want %v", corsReads, want)
	}
}
