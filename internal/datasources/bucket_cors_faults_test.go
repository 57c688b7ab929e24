package datasources_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/r2tf/terraform-provider-r2/internal/acctest"
	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
)

// The fault matrix: what a plan gives when the API misbehaves. Each case
// drives the real Terraform CLI against the fake; it either yields the
// right state or fails with a message a person can act on.
func TestBucketCORS_faultMatrix(t *testing.T) {
	t.Parallel()
	envelope := func(result string) string {
		return `{"success":true,"errors":[],"messages":[],"result":` + result + `}`
	}
	ok := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("rules").AtSliceIndex(0).AtMapKey("id"),
			knownvalue.StringExact("Allow Local Development")),
	}
	cases := []struct {
		name     string
		faults   []fakeapi.Fault
		provider []string // extra provider arguments
		want     *regexp.Regexp
		checks   []statecheck.StateCheck
	}{
		{name: "429 Retry-After seconds, then success",
			faults: []fakeapi.Fault{{Times: 1, Status: 429, Header: map[string]string{"Retry-After": "1"}}},
			checks: ok},
		{name: "429 Retry-After HTTP date, then success",
			faults: []fakeapi.Fault{{Times: 1, Status: 429, Header: map[string]string{"Retry-After": time.Now().Add(time.Second).UTC().Format(http.TimeFormat)}}},
			checks: ok},
		{name: "429 Retry-After beyond the budget fails at once",
			faults: []fakeapi.Fault{{Status: 429, Header: map[string]string{"Retry-After": "3600"}}},
			want:   acctest.ErrorRegexp("HTTP 429", "error 971", "The API asked to wait 1h0m0s before retrying", "left of this read's 1m0s budget")},
		{name: "429 Retry-After too large for a duration fails at once",
			faults: []fakeapi.Fault{{Status: 429, Header: map[string]string{"Retry-After": "10000000000"}}},
			want:   acctest.ErrorRegexp("HTTP 429", "The API asked to wait 10000000000s before retrying", "left of this read's 1m0s budget")},
		{name: "429 Retry-After not in delay-seconds form is ignored",
			faults: []fakeapi.Fault{{Times: 1, Status: 429, Header: map[string]string{"Retry-After": "0x1p70"}}},
			checks: ok},
		{name: "500 JSON persists",
			faults: []fakeapi.Fault{{Status: 500}},
			want:   acctest.ErrorRegexp("HTTP 500", "error 10001", "Attempts made: 5.", "passing problem")},
		{name: "502 HTML persists",
			faults: []fakeapi.Fault{{Status: 502, ContentType: "text/html", Body: "<html><head><title>502 Bad Gateway</title></head><body>cloudflare</body></html>"}},
			want:   acctest.ErrorRegexp("HTTP 502", "Response body (start): <html><head><title>502 Bad Gateway</title>", "Attempts made: 5.")},
		{name: "503 then 504 then success",
			faults: []fakeapi.Fault{{Times: 1, Status: 503}, {Times: 1, Status: 504, ContentType: "text/html", Body: "<html>timeout</html>"}},
			checks: ok},
		{name: "connection reset persists",
			faults: []fakeapi.Fault{{ResetConnection: true}},
			want:   acctest.ErrorRegexp("Cloudflare gave no usable answer", "No usable answer:", "Attempts made: 5.")},
		{name: "connection reset once, then success",
			faults: []fakeapi.Fault{{Times: 1, ResetConnection: true}},
			checks: ok},
		{name: "server closes mid-body, persists",
			faults: []fakeapi.Fault{{TruncateBodyAfter: 20}},
			want:   acctest.ErrorRegexp("No usable answer: reading the response body", "Attempts made: 5.")},
		{name: "slow answer beyond request_timeout",
			faults:   []fakeapi.Fault{{Delay: 10 * time.Second}},
			provider: []string{`request_timeout = "1s"`, "max_retries = 1"},
			want:     acctest.ErrorRegexp("no complete answer within the request timeout of 1s", "Attempts made: 2.")},
		{name: "200 with success false",
			faults: []fakeapi.Fault{{Status: 200, Body: `{"success":false,"errors":[{"code":10001,"message":"Internal error"}],"messages":[],"result":null}`}},
			want:   acctest.ErrorRegexp("HTTP 200", "error 10001: Internal error", "The API answered success=false")},
		{name: "truncated JSON",
			faults: []fakeapi.Fault{{Status: 200, Body: `{"success":true,"errors":[],"messages":[],"result":{"rules":[{"allowed":`}},
			want:   acctest.ErrorRegexp("HTTP 200", "not valid JSON", `"result":{"rules":[{"allowed":`)},
		{name: "JSON that is not the envelope",
			faults: []fakeapi.Fault{{Status: 200, Body: `{"rules":[]}`}},
			want:   acctest.ErrorRegexp("HTTP 200", "not a Cloudflare v4 envelope")},
		{name: "result null is an empty policy",
			faults: []fakeapi.Fault{{Status: 200, Body: envelope("null")}},
			checks: []statecheck.StateCheck{rulesCheck()}},
		{name: "unknown extra fields are ignored",
			faults: []fakeapi.Fault{{Status: 200, Body: `{"success":true,"errors":[],"messages":[],"result_info":{"x":1},"result":{"rules":[{"id":"Allow Local Development","allowed":{"methods":["GET"],"origins":["*"],"new":true},"future":{"a":1}}],"extra":[1]}}`}},
			checks: ok},
		{name: "wrong content type with a valid envelope",
			faults: []fakeapi.Fault{{Status: 200, ContentType: "text/plain", Body: envelope(`{"rules":[{"id":"Allow Local Development","allowed":{"methods":["GET"],"origins":["*"]}}]}`)}},
			checks: ok},
		{name: "wrong content type with HTML",
			faults: []fakeapi.Fault{{Status: 200, ContentType: "text/html", Body: "<!DOCTYPE html><html>Just a moment...</html>"}},
			want:   acctest.ErrorRegexp("HTTP 200", "not valid JSON", "<!DOCTYPE html><html>Just a moment...</html>")},
		{name: "enormous body is not read whole",
			faults: []fakeapi.Fault{{Status: 200, Body: envelope(`{"rules":[],"pad":"` + strings.Repeat("x", 9<<20) + `"}`)}},
			want:   acctest.ErrorRegexp("larger than the 131072 bytes a CORS policy may take")},
		{name: "rule breaking the schema",
			faults: []fakeapi.Fault{{Status: 200, Body: envelope(`{"rules":[{"id":"x","allowed":{"origins":["*"]}}]}`)}},
			want:   acctest.ErrorRegexp(`Rule 0 (id "x") of the API's answer`, `"allowed.methods" is missing`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := fakeWithBucket(t, "", "media", apiReferenceRules)
			for _, f := range tc.faults {
				f.PathContains = "/cors"
				s.InjectFault(f)
			}
			acctest.Run(t, resource.TestStep{
				Config:            acctest.ProviderConfig(s, acctest.WithProviderArgs(tc.provider...)) + acctest.BucketCORSConfig("media"),
				ExpectError:       tc.want,
				ConfigStateChecks: tc.checks,
			})
		})
	}
}

func TestBucketCORS_connectionRefused(t *testing.T) {
	t.Parallel()
	base := acctest.ClosedLoopbackURL(t)
	acctest.Run(t, resource.TestStep{
		Config: acctest.ProviderConfig(nil, acctest.WithBaseURL(base), acctest.WithToken("x")) +
			acctest.BucketCORSConfig("media"),
		ExpectError: acctest.ErrorRegexp("Nothing is listening at "+base+" (connection refused)", "Retrying will not help",
			"The requests went to "+base+", set by the provider's base_url attribute", "Is the server it names running"),
	})
}
