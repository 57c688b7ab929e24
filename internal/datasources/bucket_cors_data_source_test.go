package datasources_test

import (
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/r2tf/terraform-provider-r2/internal/acctest"
	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
)

const dsAddr = "data.r2_bucket_cors.test"

// apiReferenceRules is the example of Cloudflare's API reference.
const apiReferenceRules = `[{"allowed":{"methods":["GET"],"origins":["http://localhost:3000"],"headers":["x-requested-by"]},"id":"Allow Local Development","exposeHeaders":["Content-Encoding"],"maxAgeSeconds":3600}]`

func rulesCheck(rules ...knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("rules"), knownvalue.ListExact(rules))
}

func fakeWithBucket(t *testing.T, jurisdiction, name, rules string) *fakeapi.Server {
	t.Helper()
	s := acctest.StartFake(t)
	s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: name, Jurisdiction: jurisdiction, CORSRules: rules})
	return s
}

func TestBucketCORS_apiReferenceExample(t *testing.T) {
	t.Parallel()
	s := fakeWithBucket(t, "", "example-bucket", apiReferenceRules)
	acctest.Run(t, resource.TestStep{
		Config: acctest.ProviderConfig(s) + acctest.BucketCORSConfig("example-bucket"),
		ConfigStateChecks: []statecheck.StateCheck{
			rulesCheck(knownvalue.ObjectExact(map[string]knownvalue.Check{
				"id": knownvalue.StringExact("Allow Local Development"),
				"allowed": knownvalue.ObjectExact(map[string]knownvalue.Check{
					"methods": acctest.StringList("GET"),
					"origins": acctest.StringList("http://localhost:3000"),
					"headers": acctest.StringList("x-requested-by"),
				}),
				"expose_headers":  acctest.StringList("Content-Encoding"),
				"max_age_seconds": knownvalue.Int64Exact(3600),
			})),
			statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("id"),
				knownvalue.StringExact(acctest.AccountID+"/default/example-bucket")),
			statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("jurisdiction"), knownvalue.Null()),
		},
	})
	// Every request carried the token and a User-Agent naming us and Terraform.
	for _, r := range s.Requests() {
		if got := r.Header.Get("Authorization"); got != "Bearer "+acctest.Token {
			t.Errorf("Authorization = %q", got)
		}
		ua := r.Header.Get("User-Agent")
		if !strings.HasPrefix(ua, "terraform-provider-r2/test ") || !strings.Contains(ua, "terraform/1.") {
			t.Errorf("User-Agent = %q, want terraform-provider-r2/test ... terraform/<version>", ua)
		}
		if r.Header.Get("cf-r2-jurisdiction") != "" {
			t.Errorf("no jurisdiction set, but the header was sent: %q", r.Header.Get("cf-r2-jurisdiction"))
		}
	}
}

func TestBucketCORS_absentFieldsAreNullEmptyListsStay(t *testing.T) {
	t.Parallel()
	rules := `[{"allowed":{"methods":["GET","HEAD"],"origins":["*"]}},` +
		`{"id":"empty","allowed":{"methods":["PUT"],"origins":["https://app.example.com"],"headers":[]},"exposeHeaders":[],"maxAgeSeconds":1.5}]`
	s := fakeWithBucket(t, "", "assets", rules)
	acctest.Run(t, resource.TestStep{
		Config: acctest.ProviderConfig(s) + acctest.BucketCORSConfig("assets"),
		ConfigStateChecks: []statecheck.StateCheck{
			rulesCheck(
				knownvalue.ObjectExact(map[string]knownvalue.Check{
					"id": knownvalue.Null(),
					"allowed": knownvalue.ObjectExact(map[string]knownvalue.Check{
						"methods": acctest.StringList("GET", "HEAD"),
						"origins": acctest.StringList("*"),
						"headers": knownvalue.Null(),
					}),
					"expose_headers":  knownvalue.Null(),
					"max_age_seconds": knownvalue.Null(),
				}),
				knownvalue.ObjectExact(map[string]knownvalue.Check{
					"id": knownvalue.StringExact("empty"),
					"allowed": knownvalue.ObjectExact(map[string]knownvalue.Check{
						"methods": acctest.StringList("PUT"),
						"origins": acctest.StringList("https://app.example.com"),
						"headers": knownvalue.ListExact([]knownvalue.Check{}),
					}),
					"expose_headers":  knownvalue.ListExact([]knownvalue.Check{}),
					"max_age_seconds": knownvalue.NumberExact(big.NewFloat(1.5)),
				}),
			),
		},
	})
}

func TestBucketCORS_noPolicyIsEmptyList(t *testing.T) {
	t.Parallel()
	s := fakeWithBucket(t, "", "no-policy", "")
	s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: "no-rules-key"})
	s.SetCORSResult(acctest.AccountID, "", "no-rules-key", `{}`)
	acctest.Run(t, resource.TestStep{
		Config: acctest.ProviderConfig(s) + acctest.BucketCORSConfig("no-policy") + `
data "r2_bucket_cors" "no_rules_key" {
  account_id  = "` + acctest.AccountID + `"
  bucket_name = "no-rules-key"
}
output "no_policy_rules" {
  value = length(data.r2_bucket_cors.test.rules)
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			rulesCheck(),
			statecheck.ExpectKnownValue("data.r2_bucket_cors.no_rules_key", tfjsonpath.New("rules"),
				knownvalue.ListExact([]knownvalue.Check{})),
			statecheck.ExpectKnownOutputValue("no_policy_rules", knownvalue.Int64Exact(0)),
		},
	})
}

func TestBucketCORS_jurisdictions(t *testing.T) {
	t.Parallel()
	for _, j := range []string{"default", "eu", "fedramp", "us"} {
		t.Run(j, func(t *testing.T) {
			t.Parallel()
			origin := "https://" + j + ".example.com"
			s := fakeWithBucket(t, j, "media", fmt.Sprintf(`[{"allowed":{"methods":["GET"],"origins":[%q]}}]`, origin))
			acctest.Run(t, resource.TestStep{
				Config: acctest.ProviderConfig(s) + acctest.BucketCORSConfig("media", acctest.Jurisdiction(j)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("rules").AtSliceIndex(0).AtMapKey("allowed").AtMapKey("origins"),
						acctest.StringList(origin)),
					statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("jurisdiction"), knownvalue.StringExact(j)),
					statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("id"),
						knownvalue.StringExact(acctest.AccountID+"/"+j+"/media")),
				},
			})
			for _, r := range s.Requests() {
				if got := r.Header.Get("cf-r2-jurisdiction"); got != j {
					t.Errorf("cf-r2-jurisdiction = %q, want %q", got, j)
				}
			}
		})
	}
}

func TestBucketCORS_euBucketWithoutJurisdictionHints(t *testing.T) {
	t.Parallel()
	s := fakeWithBucket(t, "eu", "eu-only", apiReferenceRules)
	acctest.Run(t, resource.TestStep{
		Config: acctest.ProviderConfig(s) + acctest.BucketCORSConfig("eu-only"),
		ExpectError: acctest.ErrorRegexp("R2 Bucket Not Found", "HTTP 404", acctest.AccountID, `"eu-only"`, `jurisdiction "default"`,
			"error 10006: The specified bucket does not exist.", `jurisdiction = "eu"`),
	})
}

func TestBucketCORS_errors(t *testing.T) {
	t.Parallel()
	otherAccount := "11111111111111111111111111111111"
	cases := []struct {
		name   string
		setup  func(s *fakeapi.Server)
		config func(s *fakeapi.Server) string
		want   *regexp.Regexp
	}{
		{
			name: "unknown account",
			config: func(s *fakeapi.Server) string {
				return acctest.ProviderConfig(s) + acctest.BucketCORSConfig("media", acctest.Account("ffffffffffffffffffffffffffffffff"))
			},
			want: acctest.ErrorRegexp("R2 Account Not Found", "HTTP 404", "error 7003", "ffffffffffffffffffffffffffffffff", "Check account_id"),
		},
		{
			name: "invalid token",
			config: func(s *fakeapi.Server) string {
				return acctest.ProviderConfig(s, acctest.WithToken("revoked-token")) + acctest.BucketCORSConfig("media")
			},
			want: acctest.ErrorRegexp("R2 API Authentication Failed", "HTTP 403", "error 9109: Invalid access token", "Workers R2 Storage Read"),
		},
		{
			name: "token without access to the account",
			setup: func(s *fakeapi.Server) {
				s.AddToken("scoped-token", otherAccount)
			},
			config: func(s *fakeapi.Server) string {
				return acctest.ProviderConfig(s, acctest.WithToken("scoped-token")) + acctest.BucketCORSConfig("media")
			},
			want: acctest.ErrorRegexp("R2 API Authentication Failed", "HTTP 403", "error 10000: Authentication error", "Workers R2 Storage Read"),
		},
		{
			name: "server error persists",
			setup: func(s *fakeapi.Server) {
				s.InjectFault(fakeapi.Fault{PathContains: "/cors", Status: 503, Body: "<html><body>Service Unavailable</body></html>", ContentType: "text/html"})
			},
			want: acctest.ErrorRegexp("Cannot Read R2 Bucket CORS Policy", "HTTP 503", "<html><body>Service Unavailable</body></html>", "Attempts made: 5."),
		},
		{
			name: "bad request with several codes",
			setup: func(s *fakeapi.Server) {
				s.InjectFault(fakeapi.Fault{PathContains: "/cors", Status: 400,
					Body: `{"success":false,"errors":[{"code":10040,"message":"first problem"},{"code":10041,"message":"second problem"}],"messages":[],"result":null}`})
			},
			want: acctest.ErrorRegexp("Cannot Read R2 Bucket CORS Policy", "HTTP 400", "error 10040: first problem", "error 10041: second problem"),
		},
		{
			name: "200 that is not JSON",
			setup: func(s *fakeapi.Server) {
				s.InjectFault(fakeapi.Fault{PathContains: "/cors", Status: 200, Body: "<html>maintenance</html>", ContentType: "text/html"})
			},
			want: acctest.ErrorRegexp("Cannot Read R2 Bucket CORS Policy", "HTTP 200", "not valid JSON", "<html>maintenance</html>"),
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := fakeWithBucket(t, "", "media", apiReferenceRules)
			if tc.setup != nil {
				tc.setup(s)
			}
			config := acctest.ProviderConfig(s) + acctest.BucketCORSConfig("media")
			if tc.config != nil {
				config = tc.config(s)
			}
			acctest.Run(t, resource.TestStep{Config: config, ExpectError: tc.want})
		})
	}
}

func TestBucketCORS_retriesThenSucceeds(t *testing.T) {
	t.Parallel()
	s := fakeWithBucket(t, "", "media", apiReferenceRules)
	s.InjectFault(fakeapi.Fault{PathContains: "/cors", Times: 1, Status: 429, Header: map[string]string{"Retry-After": "0"}})
	s.InjectFault(fakeapi.Fault{PathContains: "/cors", Times: 1, Status: 502})
	acctest.Run(t, resource.TestStep{
		Config: acctest.ProviderConfig(s) + acctest.BucketCORSConfig("media"),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("rules").AtSliceIndex(0).AtMapKey("id"),
				knownvalue.StringExact("Allow Local Development")),
		},
	})
}

// Bad arguments fail at plan time, before any request reaches the API.
func TestBucketCORS_validationSendsNoRequest(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, account, bucket, jurisdiction string
		want                                *regexp.Regexp
	}{
		{"account id too short", "abc123", "media", "", acctest.ErrorRegexp("account_id", "32 lowercase hexadecimal")},
		{"account id uppercase", strings.ToUpper(acctest.AccountID), "media", "", acctest.ErrorRegexp("account_id", "32 lowercase hexadecimal")},
		{"account id empty", "", "media", "", acctest.ErrorRegexp("account_id must be a Cloudflare account ID", "got an empty string.")},
		{"bucket empty", acctest.AccountID, "", "", acctest.ErrorRegexp("bucket_name must be an R2 bucket name", "got an empty string.")},
		{"bucket too short", acctest.AccountID, "ab", "", acctest.ErrorRegexp("bucket_name", "3 to 64 lowercase letters", `got "ab" (2 characters).`)},
		{"bucket too long", acctest.AccountID, strings.Repeat("a", 65), "", acctest.ErrorRegexp("bucket_name", "3 to 64 lowercase letters", "(65 characters)")},
		{"bucket uppercase", acctest.AccountID, "Media", "", acctest.ErrorRegexp("bucket_name", "lowercase letters, digits and hyphens")},
		{"bucket leading hyphen", acctest.AccountID, "-media", "", acctest.ErrorRegexp("bucket_name", "starting and ending with a letter or digit")},
		{"bucket trailing hyphen", acctest.AccountID, "media-", "", acctest.ErrorRegexp("bucket_name", "starting and ending with a letter or digit")},
		{"bucket underscore", acctest.AccountID, "my_bucket", "", acctest.ErrorRegexp("bucket_name", "lowercase letters, digits and hyphens")},
		{"unknown jurisdiction", acctest.AccountID, "media", "mars", acctest.ErrorRegexp(`jurisdiction must be one of "default", "eu", "fedramp", "us"; got "mars".`)},
		{"jurisdiction case", acctest.AccountID, "media", "EU", acctest.ErrorRegexp(`jurisdiction is "EU"; jurisdictions are lowercase: "eu".`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := fakeWithBucket(t, "", "media", apiReferenceRules)
			config := acctest.BucketCORSConfig(tc.bucket, acctest.Account(tc.account), acctest.Jurisdiction(tc.jurisdiction))
			acctest.RunInvalid(t, s, acctest.ProviderConfig(s)+config, tc.want)
		})
	}
}

// A bucket name only known at apply: the read is deferred, then done.
func TestBucketCORS_bucketNameKnownAtApply(t *testing.T) {
	t.Parallel()
	s := fakeWithBucket(t, "", "late-bucket", apiReferenceRules)
	acctest.Run(t, resource.TestStep{
		Config: acctest.ProviderConfig(s) + `
resource "terraform_data" "name" {
  input = "late-bucket"
}
data "r2_bucket_cors" "test" {
  account_id  = "` + acctest.AccountID + `"
  bucket_name = terraform_data.name.output
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("bucket_name"), knownvalue.StringExact("late-bucket")),
			statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("rules").AtSliceIndex(0).AtMapKey("max_age_seconds"),
				knownvalue.Int64Exact(3600)),
		},
	})
}

func TestBucketCORS_globalAPIKey(t *testing.T) {
	t.Parallel()
	s := fakeWithBucket(t, "", "media", apiReferenceRules)
	acctest.Run(t, resource.TestStep{
		Config: acctest.ProviderConfig(s, acctest.WithAPIKey(acctest.APIKey, acctest.Email)) + acctest.BucketCORSConfig("media"),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("rules"), knownvalue.ListSizeExact(1)),
		},
	})
	for _, r := range s.Requests() {
		if r.Header.Get("X-Auth-Key") != acctest.APIKey || r.Header.Get("X-Auth-Email") != acctest.Email {
			t.Errorf("want X-Auth-Key and X-Auth-Email, got %v", r.Header)
		}
		if r.Header.Get("Authorization") != "" {
			t.Errorf("no Authorization header expected with a global key")
		}
	}
}
