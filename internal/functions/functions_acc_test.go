package functions_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/r2tf/terraform-provider-r2/internal/acctest"
	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
)

// rulesLocal is a policy written in HCL, shaped like r2_bucket_cors.rules.
const rulesLocal = `
locals {
  rules = [
    { id = "app uploads", allowed = { methods = ["PUT", "POST"], origins = ["https://app.example.com"], headers = ["content-type", "x-amz-*"] }, expose_headers = ["ETag"], max_age_seconds = 3600 },
    { id = null, allowed = { methods = ["GET", "HEAD"], origins = ["*"], headers = null }, expose_headers = null, max_age_seconds = null },
  ]
}
`

func functionsTest(t *testing.T, steps ...resource.TestStep) {
	t.Helper()
	acctest.RunCase(t, resource.TestCase{
		TerraformVersionChecks: acctest.FunctionsSupported,
		Steps:                  steps,
	})
}

func TestCORSEvaluate_matchesFirstRule(t *testing.T) {
	t.Parallel()
	functionsTest(t, resource.TestStep{
		Config: rulesLocal + `
output "upload" {
  value = provider::r2::cors_evaluate(local.rules, "https://app.example.com", "PUT", ["Content-Type", "X-Amz-Date"])
}
output "anyone_reads" {
  value = provider::r2::cors_evaluate(local.rules, "https://evil.example", "GET", [])
}
output "nothing" {
  value = provider::r2::cors_evaluate(local.rules, "https://evil.example", "DELETE", [])
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("upload", knownvalue.ObjectExact(map[string]knownvalue.Check{
				"allowed":        knownvalue.Bool(true),
				"rule_index":     knownvalue.Int64Exact(0),
				"rule_id":        knownvalue.StringExact("app uploads"),
				"allow_origin":   knownvalue.StringExact("https://app.example.com"),
				"allow_methods":  knownvalue.StringExact("PUT, POST"),
				"allow_headers":  knownvalue.StringExact("content-type, x-amz-date"),
				"expose_headers": knownvalue.StringExact("ETag"),
				"max_age":        knownvalue.Int64Exact(3600),

				"response_rule_index": knownvalue.Int64Exact(0),
				"response_rule_id":    knownvalue.StringExact("app uploads"),
			})),
			statecheck.ExpectKnownOutputValue("anyone_reads", knownvalue.ObjectExact(map[string]knownvalue.Check{
				"allowed":        knownvalue.Bool(true),
				"rule_index":     knownvalue.Int64Exact(1),
				"rule_id":        knownvalue.Null(),
				"allow_origin":   knownvalue.StringExact("*"),
				"allow_methods":  knownvalue.StringExact("GET, HEAD"),
				"allow_headers":  knownvalue.Null(),
				"expose_headers": knownvalue.Null(),
				"max_age":        knownvalue.Null(),

				"response_rule_index": knownvalue.Int64Exact(1),
				"response_rule_id":    knownvalue.Null(),
			})),
			statecheck.ExpectKnownOutputValue("nothing", knownvalue.ObjectExact(map[string]knownvalue.Check{
				"allowed":        knownvalue.Bool(false),
				"rule_index":     knownvalue.Null(),
				"rule_id":        knownvalue.Null(),
				"allow_origin":   knownvalue.Null(),
				"allow_methods":  knownvalue.Null(),
				"allow_headers":  knownvalue.Null(),
				"expose_headers": knownvalue.Null(),
				"max_age":        knownvalue.Null(),

				"response_rule_index": knownvalue.Null(),
				"response_rule_id":    knownvalue.Null(),
			})),
		},
	})
}

func TestCORSAllows(t *testing.T) {
	t.Parallel()
	functionsTest(t, resource.TestStep{
		Config: rulesLocal + `
output "evil_put" {
  value = provider::r2::cors_allows(local.rules, "https://evil.example", "PUT", [])
}
output "app_put" {
  value = provider::r2::cors_allows(local.rules, "https://app.example.com", "PUT", ["content-type"])
}
output "app_put_unlisted_header" {
  value = provider::r2::cors_allows(local.rules, "https://app.example.com", "PUT", ["x-secret"])
}
output "no_rules" {
  value = provider::r2::cors_allows([], "https://a.example", "GET", [])
}
output "sandboxed_iframe_reads" {
  value = provider::r2::cors_allows(local.rules, "null", "GET", [])
}
output "patch" {
  value = provider::r2::cors_allows(local.rules, "https://app.example.com", "PATCH", [])
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("evil_put", knownvalue.Bool(false)),
			statecheck.ExpectKnownOutputValue("app_put", knownvalue.Bool(true)),
			statecheck.ExpectKnownOutputValue("app_put_unlisted_header", knownvalue.Bool(false)),
			statecheck.ExpectKnownOutputValue("no_rules", knownvalue.Bool(false)),
			statecheck.ExpectKnownOutputValue("sandboxed_iframe_reads", knownvalue.Bool(true)),
			statecheck.ExpectKnownOutputValue("patch", knownvalue.Bool(false)),
		},
	})
}

func TestCORSAllows_badArguments(t *testing.T) {
	t.Parallel()
	expectCallErrors(t, rulesLocal, map[string]callError{
		"origin with a path":        {`provider::r2::cors_allows(local.rules, "https://evil.example/", "GET", [])`, acctest.ErrorRegexp(`Invalid value for "origin" parameter`, "has a path")},
		"lowercase method":          {`provider::r2::cors_allows(local.rules, "https://a.example", "get", [])`, acctest.ErrorRegexp(`Invalid value for "method" parameter`, `use "GET"`)},
		"a method no browser sends": {`provider::r2::cors_evaluate(local.rules, "https://a.example", "TRACE", [])`, acctest.ErrorRegexp(`Invalid value for "method" parameter`, "never sent by a browser")},
		"an address browsers write otherwise": {`provider::r2::cors_allows(local.rules, "http://127.1:8080", "GET", [])`,
			acctest.ErrorRegexp(`Invalid value for "origin" parameter`, "http://127.0.0.1:8080")},
		"origin without host": {`provider::r2::cors_allows(local.rules, "app.example.com", "GET", [])`, acctest.ErrorRegexp(`Invalid value for "origin" parameter`)},
	})
}

// callError is a function call and the error it must fail with.
type callError struct {
	call string
	want *regexp.Regexp
}

// expectCallErrors runs each call as an output after prefix (HCL the calls
// refer to) and expects its error.
func expectCallErrors(t *testing.T, prefix string, cases map[string]callError) {
	t.Helper()
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			functionsTest(t, resource.TestStep{
				Config:      prefix + "output \"x\" {\n  value = " + tc.call + "\n}\n",
				ExpectError: tc.want,
			})
		})
	}
}

// The point of the functions: the rules attribute of r2_bucket_cors goes
// straight in.
func TestCORSAllows_withDataSource(t *testing.T) {
	t.Parallel()
	s := acctest.StartFake(t)
	s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: "uploads",
		CORSRules: `[{"allowed":{"methods":["GET","PUT"],"origins":["https://*.example.com"],"headers":["content-type"]},"maxAgeSeconds":600}]`})
	functionsTest(t, resource.TestStep{
		Config: acctest.ProviderConfig(s) + `
data "r2_bucket_cors" "uploads" {
  account_id  = "` + acctest.AccountID + `"
  bucket_name = "uploads"
}
output "evil_may_put" {
  value = provider::r2::cors_allows(data.r2_bucket_cors.uploads.rules, "https://evil.example", "PUT", [])
}
output "subdomain_may_put" {
  value = provider::r2::cors_allows(data.r2_bucket_cors.uploads.rules, "https://cdn.example.com", "PUT", ["Content-Type"])
}
output "max_age" {
  value = provider::r2::cors_evaluate(data.r2_bucket_cors.uploads.rules, "https://cdn.example.com", "GET", []).max_age
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("evil_may_put", knownvalue.Bool(false)),
			statecheck.ExpectKnownOutputValue("subdomain_may_put", knownvalue.Bool(true)),
			statecheck.ExpectKnownOutputValue("max_age", knownvalue.Int64Exact(600)),
		},
	})
}

// Rules written the way users write them (optional attributes left out, in
// HCL or in a JSON file read with jsondecode) go into every function that
// takes rules; a mistake in them is an error naming its path.
func TestFunctions_handWrittenRules(t *testing.T) {
	t.Parallel()
	functionsTest(t, resource.TestStep{
		Config: `
locals {
  hcl  = [{ allowed = { methods = ["GET"], origins = ["https://app.example.com"] } }]
  json = jsondecode("[{\"id\": \"up\", \"allowed\": {\"methods\": [\"PUT\"], \"origins\": [\"https://app.example.com\"], \"headers\": [\"content-type\"]}, \"max_age_seconds\": 600}]")
}
output "hcl" {
  value = provider::r2::cors_allows(local.hcl, "https://app.example.com", "GET", [])
}
output "json" {
  value = provider::r2::cors_evaluate(local.json, "https://app.example.com", "PUT", ["Content-Type"]).max_age
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("hcl", knownvalue.Bool(true)),
			statecheck.ExpectKnownOutputValue("json", knownvalue.Int64Exact(600)),
		},
	})
}

func TestFunctions_badRules(t *testing.T) {
	t.Parallel()
	allows := func(rules string) string {
		return `provider::r2::cors_allows(` + rules + `, "https://a.example", "GET", [])`
	}
	expectCallErrors(t, "", map[string]callError{
		"method not a string": {allows(`[{ allowed = { methods = ["GET"], origins = ["*"] } }, { allowed = { methods = [1], origins = ["*"] } }]`),
			acctest.ErrorRegexp(`Invalid value for "rules" parameter`, "rules[1].allowed.methods[0] is a number: want a string")},
		"camelCase from the API": {allows(`[{ allowed = { methods = ["GET"], origins = ["*"] }, maxAgeSeconds = 600 }]`),
			acctest.ErrorRegexp(`Invalid value for "rules" parameter`, `rules[0] has the attribute "maxAgeSeconds": write "max_age_seconds"`)},
		"origins left out": {allows(`[{ allowed = { methods = ["GET"] } }]`),
			acctest.ErrorRegexp(`Invalid value for "rules" parameter`, "rules[0].allowed.origins is required")},
		"not a list": {allows(`{ allowed = { methods = ["GET"], origins = ["*"] } }`),
			acctest.ErrorRegexp(`Invalid value for "rules" parameter`, "rules is an object: want a list of rule objects")},
		"findings: not a list": {`provider::r2::cors_findings("*")`,
			acctest.ErrorRegexp(`Invalid value for "rules" parameter`, "rules is a string: want a list of rule objects")},
		"findings: null": {`provider::r2::cors_findings(null)`, acctest.ErrorRegexp(`Invalid value for "rules" parameter`)},
		"diff: a typo in the approved rules": {`provider::r2::cors_diff([], [{ allowed = { methods = ["GET"], origin = ["*"] } }])`,
			acctest.ErrorRegexp(`Invalid value for "approved" parameter`, `approved[0].allowed has the unexpected attribute "origin"`)},
		"diff: a live rule without allowed": {`provider::r2::cors_diff([{ id = "x" }], [])`,
			acctest.ErrorRegexp(`Invalid value for "live" parameter`, "live[0].allowed is required")},
	})
}
