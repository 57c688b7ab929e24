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

// The review as the drift-review example runs it: the live rules from the
// data source, the approved ones written by hand (optional fields left out).
func TestCORSFindingsAndDiff_withDataSource(t *testing.T) {
	t.Parallel()
	s := acctest.StartFake(t)
	s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: "uploads",
		CORSRules: `[{"id":"reads","allowed":{"methods":["GET"],"origins":["https://app.example.com"]},"maxAgeSeconds":3600},` +
			`{"id":"uploads","allowed":{"methods":["GET","PUT"],"origins":["https://*"],"headers":["*"]}}]`})
	functionsTest(t, resource.TestStep{
		Config: acctest.ProviderConfig(s) + acctest.BucketCORSConfig("uploads") + `
locals {
  approved = [
    { id = "reads", allowed = { methods = ["GET"], origins = ["https://app.example.com"] }, max_age_seconds = 3600 },
    { id = "uploads", allowed = { methods = ["PUT"], origins = ["https://app.example.com"], headers = ["content-type"] } },
  ]
  findings = provider::r2::cors_findings(data.r2_bucket_cors.test.rules)
  diff     = provider::r2::cors_diff(data.r2_bucket_cors.test.rules, local.approved)
}
output "codes" {
  value = [for f in local.findings : "${f.severity} ${f.code} ${f.rule_id}"]
}
output "first_finding" {
  value = local.findings[0]
}
output "equal" {
  value = local.diff.equal
}
output "changes" {
  value = [for c in local.diff.changes : "${c.kind} ${c.rule_id} ${coalesce(c.field, "-")} +${join(",", c.added)} -${join(",", c.removed)}"]
}
output "self_equal" {
  value = provider::r2::cors_diff(local.approved, local.approved)
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("codes", acctest.StringList("high any-origin-write uploads", "medium any-header-write uploads")),
			statecheck.ExpectKnownOutputValue("first_finding", knownvalue.ObjectExact(map[string]knownvalue.Check{
				"code":       knownvalue.StringExact("any-origin-write"),
				"severity":   knownvalue.StringExact("high"),
				"rule_index": knownvalue.Int64Exact(1),
				"rule_id":    knownvalue.StringExact("uploads"),
				"message": knownvalue.StringRegexp(regexp.MustCompile(
					`^Rule 1 \("uploads"\) lets any origin PUT: origin entry "https://\*" matches https://r2-review.com, a site anyone could register and run\. `)),
			})),
			statecheck.ExpectKnownOutputValue("equal", knownvalue.Bool(false)),
			statecheck.ExpectKnownOutputValue("changes", acctest.StringList(
				"changed uploads allowed.origins +https://* -https://app.example.com",
				"changed uploads allowed.methods +GET -",
				"changed uploads allowed.headers +* -content-type",
			)),
			statecheck.ExpectKnownOutputValue("self_equal", knownvalue.ObjectExact(map[string]knownvalue.Check{
				"equal":   knownvalue.Bool(true),
				"changes": knownvalue.ListExact(nil),
			})),
		},
	})
}

// A baseline read from JSON, as users write it.
func TestCORSDiff_jsonBaseline(t *testing.T) {
	t.Parallel()
	functionsTest(t, resource.TestStep{
		Config: `
locals {
  live     = [{ id = null, allowed = { methods = ["HEAD", "GET"], origins = ["*"], headers = ["Range"] }, expose_headers = null, max_age_seconds = 600 }]
  approved = jsondecode("[{\"allowed\": {\"methods\": [\"GET\", \"HEAD\"], \"origins\": [\"*\"], \"headers\": [\"range\"]}, \"max_age_seconds\": 600}]")
}
output "diff" {
  value = provider::r2::cors_diff(local.live, local.approved)
}
output "findings" {
  value = length(provider::r2::cors_findings(local.approved))
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("diff", knownvalue.ObjectExact(map[string]knownvalue.Check{
				"equal":   knownvalue.Bool(true),
				"changes": knownvalue.ListExact(nil),
			})),
			statecheck.ExpectKnownOutputValue("findings", knownvalue.Int64Exact(1)),
		},
	})
}
