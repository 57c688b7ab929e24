package datasources_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/r2tf/terraform-provider-r2/internal/acctest"
	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
)

// What an API that answers wrongly on purpose (or through a proxy that
// rewrites bodies) must not be able to do to a plan: burn CPU, grow without
// bound, retry forever, reach the terminal raw or echo a secret. Each case
// drives the real Terraform CLI against the fake.

// A max age such as 1e-200000 is a valid JSON number that Terraform's wire
// encoding would print digit by digit for minutes.
func TestBucketCORS_hostileMaxAgeIsRefused(t *testing.T) {
	t.Parallel()
	s := fakeWithBucket(t, "", "media", `[{"id":"tiny","allowed":{"methods":["GET"],"origins":["*"]},"maxAgeSeconds":1e-200000}]`)
	acctest.Run(t, resource.TestStep{
		Config: acctest.ProviderConfig(s) + acctest.BucketCORSConfig("media"),
		ExpectError: acctest.ErrorRegexp("Cloudflare answered HTTP 200",
			`Rule 0 (id "tiny") of the API's answer: maxAgeSeconds 1e-200000 is outside the range this provider accepts: 0 to 1e9 seconds`),
	})
}

// Server text is escaped before Terraform prints it: no ESC sequence, no
// hyperlink, no newline that starts a forged "Error:" line.
func TestBucketCORS_hostileTextIsEscaped(t *testing.T) {
	t.Parallel()
	s := fakeWithBucket(t, "", "media", apiReferenceRules)
	s.InjectFault(fakeapi.Fault{Status: 403,
		Message: "Authentication error\x1b[2J\x1b]8;;https://evil.example\x07click here\x1b]8;;\x07\nError: forged"})
	acctest.Run(t, resource.TestStep{
		Config: acctest.ProviderConfig(s) + acctest.BucketCORSConfig("media"),
		ExpectError: acctest.ErrorRegexp(`error 10000: Authentication error\x1b[2J\x1b]8;;https://evil.example\aclick`,
			`here\x1b]8;;\a\nError: forged`),
	})
}

// A wrong CLOUDFLARE_BASE_URL reads as what it is, at once: not as an API
// outage after five attempts. Not parallel: it sets the environment.
func TestBucketCORS_wrongBaseURLFromEnvironment(t *testing.T) {
	acctest.ClearCloudflareEnv(t)
	base := acctest.ClosedLoopbackURL(t)
	t.Setenv("CLOUDFLARE_BASE_URL", base)
	acctest.Run(t, resource.TestStep{
		Config: acctest.ProviderConfig(nil, acctest.WithToken("x")) + acctest.BucketCORSConfig("media"),
		ExpectError: acctest.ErrorRegexp("Nothing is listening at "+base+" (connection refused)", "Retrying will not help",
			"The requests went to "+base+", set by the CLOUDFLARE_BASE_URL environment variable"),
	})
}

// A base URL without /client/v4 gets 7000 from Cloudflare; the diagnostic
// says which base URL was used and where it came from.
func TestBucketCORS_baseURLWithoutAPIPath(t *testing.T) {
	t.Parallel()
	s := fakeWithBucket(t, "", "media", apiReferenceRules)
	base := strings.TrimSuffix(s.URL(), fakeapi.BasePath)
	acctest.Run(t, resource.TestStep{
		Config: acctest.ProviderConfig(s, acctest.WithBaseURL(base)) + acctest.BucketCORSConfig("media"),
		ExpectError: acctest.ErrorRegexp("HTTP 404", "error 7000: No route for that URI",
			"The requests went to "+base+", set by the provider's base_url attribute", "paths start with /client/v4"),
	})
}

// Redirect loops, refused redirects and TLS failures are final: one attempt,
// and no "passing problem".
func TestBucketCORS_permanentFailuresEndTheReadAtOnce(t *testing.T) {
	t.Parallel()
	path := fakeapi.BasePath + "/accounts/" + acctest.AccountID + "/r2/buckets/media/cors"
	cases := []struct {
		name  string
		fault *fakeapi.Fault
		https bool
		want  string
	}{
		{name: "redirect loop", fault: &fakeapi.Fault{Status: 302, Header: map[string]string{"Location": path}},
			want: "stopped after 3 redirects"},
		{name: "redirect to another host", fault: &fakeapi.Fault{Status: 302, Header: map[string]string{"Location": "http://localhost:1" + path}},
			want: "refusing to follow a redirect to http://localhost:1"},
		{name: "https at an http server", https: true, want: "speaks plain http, not https"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := fakeWithBucket(t, "", "media", apiReferenceRules)
			if tc.fault != nil {
				s.InjectFault(*tc.fault)
			}
			base := s.URL()
			if tc.https {
				base = strings.Replace(base, "http://", "https://", 1)
			}
			acctest.Run(t, resource.TestStep{
				Config:      acctest.ProviderConfig(s, acctest.WithBaseURL(base)) + acctest.BucketCORSConfig("media"),
				ExpectError: acctest.ErrorRegexp(tc.want, "Retrying will not help", "The requests went to "+base),
			})
			if tc.https {
				// The hint is the scheme, not the API's path.
				acctest.Run(t, resource.TestStep{
					Config:      acctest.ProviderConfig(s, acctest.WithBaseURL(base)) + acctest.BucketCORSConfig("media"),
					ExpectError: acctest.ErrorRegexp("write it as " + s.URL()),
				})
			}
			if n := s.RequestCount(); tc.fault != nil && n > 4 {
				t.Errorf("the fake saw %d requests; want one attempt (at most 4 requests with its redirects)", n)
			}
		})
	}
}

// A list whose cursor never ends, or whose cursors are huge, stops at the
// bounds derived from R2's limit of 1,000,000 buckets per account.
func TestBuckets_hostilePagingIsBounded(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		cursor   int
		want     *regexp.Regexp
		requests int
	}{
		{name: "endless cursor", cursor: 40, requests: 1001,
			want: acctest.ErrorRegexp("Cloudflare answered HTTP 200", "The API kept returning a next-page cursor after 1001 pages (0 buckets)",
				"R2's limit of 1,000,000 buckets per account", "Retrying will not help")},
		{name: "400 KB cursor", cursor: 400 << 10, requests: 1,
			want: acctest.ErrorRegexp("Cloudflare answered HTTP 200", "next-page cursor of 409600 bytes, more than the 4096 this provider follows")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := acctest.StartFake(t)
			s.InjectFault(fakeapi.Fault{PathContains: "/r2/buckets", EndlessCursor: tc.cursor})
			acctest.Run(t, resource.TestStep{
				Config:      acctest.ProviderConfig(s) + acctest.BucketsConfig(),
				ExpectError: tc.want,
			})
			// Terraform reads the data source once per plan; the fault
			// answers every list request.
			if n := s.RequestCount(); n != tc.requests {
				t.Errorf("the fake saw %d requests, want %d", n, tc.requests)
			}
		})
	}
}
