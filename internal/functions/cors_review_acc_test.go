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

// The account of the issue in small: the same name in two jurisdictions, a
// public static site whose any-origin read is accepted, a bucket that
// drifted, one without a baseline, one without a policy, and a baseline
// whose bucket is gone.
func reviewFake(t *testing.T) *fakeapi.Server {
	t.Helper()
	s := acctest.StartFake(t)
	s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: "web-assets", CORSRules: `[{"allowed":{"methods":["GET"],"origins":["https://www.example.com"]}}]`})
	s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: "web-assets", Jurisdiction: "eu", CORSRules: `[{"allowed":{"methods":["GET"],"origins":["https://eu.example.com"]}}]`})
	s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: "public-site", CORSRules: `[{"id":"site","allowed":{"methods":["GET","HEAD"],"origins":["*"]}}]`})
	s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: "uploads", CORSRules: `[{"id":"up","allowed":{"methods":["PUT"],"origins":["https://*"]}}]`})
	s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: "new-bucket", CORSRules: `[{"allowed":{"methods":["GET"],"origins":["http://localhost:3000"]}}]`})
	s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: "no-cors"})
	return s
}

const reviewLocals = `
locals {
  approved = {
    "default/web-assets"  = jsonencode([{ allowed = { methods = ["GET"], origins = ["https://www.example.com"] } }])
    "eu/web-assets"       = <<-JSON
      [
        { "allowed": { "methods": ["GET"], "origins": ["https://eu.example.com"] } }
      ]
    JSON
    "default/public-site" = [{ id = "site", allowed = { methods = ["GET", "HEAD"], origins = ["*"] } }]
    "default/uploads"     = [{ id = "up", allowed = { methods = ["PUT"], origins = ["https://app.example.com"] } }]
    "default/gone"        = "[]"
  }
  review = provider::r2::cors_review(data.r2_bucket_cors_policies.test.buckets, {
    approved = local.approved
    accept = [
      { bucket = "default/public-site", code = "any-origin", reason = "a public static site", until = "2026-12-31" },
      { bucket = "*", code = "null-origin", reason = "stale" },
      { bucket = "default/uploads", code = "any-origin-write", reason = "lapsed", rule_index = 0, until = "2026-01-31T00:00:00Z" },
    ]
    now                   = "2026-06-01T12:00:00Z"
    skipped_jurisdictions = data.r2_bucket_cors_policies.test.skipped_jurisdictions
  })
}
output "passed" {
  value = local.review.passed
}
output "summary" {
  value = local.review.summary
}
output "statuses" {
  value = { for k, b in local.review.buckets : k => b.status }
}
output "findings" {
  value = [for f in local.review.findings : "${f.bucket} ${f.code} ${f.accepted} ${coalesce(f.reason, "-")}"]
}
output "drift" {
  value = [for d in local.review.drift : d.bucket]
}
output "first_line" {
  value = split("\n", local.review.text)[0]
}
output "json_passed" {
  value = jsondecode(local.review.json).passed
}
output "sarif_version" {
  value = jsondecode(local.review.sarif).version
}
output "baseline_keys" {
  value = keys(local.review.baselines)
}
`

func TestCORSReview_sweep(t *testing.T) {
	t.Parallel()
	s := reviewFake(t)
	functionsTest(t, resource.TestStep{
		Config: acctest.ProviderConfig(s) + acctest.BucketCORSPoliciesConfig(acctest.Jurisdictions("default", "eu")) + reviewLocals,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("passed", knownvalue.Bool(false)),
			statecheck.ExpectKnownOutputValue("summary", knownvalue.ObjectExact(map[string]knownvalue.Check{
				"buckets": knownvalue.Int64Exact(6), "policies": knownvalue.Int64Exact(5),
				"approved": knownvalue.Int64Exact(3), "drifted": knownvalue.Int64Exact(1), "unapproved": knownvalue.Int64Exact(1),
				"high": knownvalue.Int64Exact(1), "medium": knownvalue.Int64Exact(0), "low": knownvalue.Int64Exact(1),
				"accepted": knownvalue.Int64Exact(1), "expired": knownvalue.Int64Exact(1), "unused": knownvalue.Int64Exact(1),
				"orphaned": knownvalue.Int64Exact(1), "skipped_jurisdictions": knownvalue.ListExact([]knownvalue.Check{}),
			})),
			statecheck.ExpectKnownOutputValue("statuses", knownvalue.MapExact(map[string]knownvalue.Check{
				"default/web-assets": knownvalue.StringExact("approved"), "eu/web-assets": knownvalue.StringExact("approved"),
				"default/public-site": knownvalue.StringExact("approved"), "default/uploads": knownvalue.StringExact("drifted"),
				"default/new-bucket": knownvalue.StringExact("unapproved"), "default/no-cors": knownvalue.StringExact("no_policy"),
			})),
			statecheck.ExpectKnownOutputValue("findings", acctest.StringList(
				"default/new-bucket loopback-origin false -",
				"default/public-site any-origin true a public static site",
				"default/uploads any-origin-write false -",
			)),
			statecheck.ExpectKnownOutputValue("drift", acctest.StringList("default/new-bucket", "default/uploads")),
			statecheck.ExpectKnownOutputValue("first_line", knownvalue.StringExact(
				"CORS review FAILED: 6 buckets (5 with a policy): 3 approved, 1 drifted, 1 unapproved; unaccepted findings: 1 high, 0 medium, 1 low (fail_on = low); 1 accepted; acceptances: 1 expired, 1 unused; 1 baseline without a bucket")),
			statecheck.ExpectKnownOutputValue("json_passed", knownvalue.Bool(false)),
			statecheck.ExpectKnownOutputValue("sarif_version", knownvalue.StringExact("2.1.0")),
			statecheck.ExpectKnownOutputValue("baseline_keys", acctest.StringList(
				"default/new-bucket", "default/public-site", "default/uploads", "default/web-assets", "eu/web-assets")),
		},
	})
}

// Saving review.baselines approves the live state: a second review with
// them passes when there are no findings.
func TestCORSReview_baselinesRoundTrip(t *testing.T) {
	t.Parallel()
	s := acctest.StartFake(t)
	s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: "reads", CORSRules: `[{"id":"r","allowed":{"methods":["GET","HEAD"],"origins":["https://a.example.com"],"headers":["range"]},"exposeHeaders":["ETag"],"maxAgeSeconds":600}]`})
	s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: "eu-reads", Jurisdiction: "eu", CORSRules: `[{"allowed":{"methods":["GET"],"origins":["https://eu.example.com"]}}]`})
	s.AddBucket(acctest.AccountID, fakeapi.Bucket{Name: "none"})
	functionsTest(t, resource.TestStep{
		Config: acctest.ProviderConfig(s) + acctest.BucketCORSPoliciesConfig(acctest.Jurisdictions("default", "eu")) + `
locals {
  first  = provider::r2::cors_review(data.r2_bucket_cors_policies.test.buckets, {})
  second = provider::r2::cors_review(data.r2_bucket_cors_policies.test.buckets, { approved = local.first.baselines })
}
output "first" {
  value = [local.first.passed, local.first.summary.unapproved]
}
output "second" {
  value = [local.second.passed, local.second.summary.approved, local.second.summary.orphaned]
}
`,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownOutputValue("first", knownvalue.ListExact([]knownvalue.Check{knownvalue.Bool(false), knownvalue.Int64Exact(2)})),
			statecheck.ExpectKnownOutputValue("second", knownvalue.ListExact([]knownvalue.Check{knownvalue.Bool(true), knownvalue.Int64Exact(2), knownvalue.Int64Exact(0)})),
		},
	})
}

// Every mistake is an error naming it, at plan time.
func TestCORSReview_errors(t *testing.T) {
	t.Parallel()
	buckets := `[{ name = "web-assets", jurisdiction = "eu", rules = [] }]`
	cases := []struct{ name, call, want string }{
		{"unknown option", `provider::r2::cors_review([], { aproved = {} })`, `options has the unexpected attribute "aproved": the options are approved,`},
		{"baseline line", `provider::r2::cors_review(` + buckets + `, { approved = { "eu/web-assets" = "[\n  {\n    \"allowed\": null, \"maxAgeSeconds\": 1\n  }\n]" } })`,
			`approved\["eu/web-assets"\]: line 3: \[0\] has the member "maxAgeSeconds": write "max_age_seconds"`},
		{"baseline syntax", `provider::r2::cors_review(` + buckets + `, { approved = { "eu/web-assets" = "[\n  {\n  }}\n]" } })`,
			`approved\["eu/web-assets"\]: line 3: invalid character '}'`},
		{"decoded baseline", `provider::r2::cors_review(` + buckets + `, { approved = { "eu/web-assets" = [{ allowed = { methods = "GET", origins = [] } }] } })`,
			`approved\["eu/web-assets"\]\[0\].allowed.methods is a string`},
		{"fail_on", `provider::r2::cors_review([], { fail_on = "critical" })`, `fail_on: "critical" is not a severity: want "high", "medium" or "low"`},
		{"code", `provider::r2::cors_review([], { accept = [{ bucket = "*", code = "any-orign", reason = "x" }] })`, `accept\[0\].code "any-orign" is not a finding code`},
		{"reason", `provider::r2::cors_review([], { accept = [{ bucket = "*", code = "any-origin", reason = "" }] })`, `accept\[0\].reason is required`},
		{"until without now", `provider::r2::cors_review([], { accept = [{ bucket = "*", code = "any-origin", reason = "x", until = "2026-12-31" }] })`,
			`accept\[0\].until is set, so the review needs the time: pass now = plantimestamp\(\)`},
		{"bad until", `provider::r2::cors_review([], { accept = [{ bucket = "*", code = "any-origin", reason = "x", until = "31/12/2026" }] })`,
			`accept\[0\].until: "31/12/2026" is neither a date`},
		{"accept attribute", `provider::r2::cors_review([], { accept = [{ bucket = "*", code = "any-origin", reason = "x", rule = 1 }] })`,
			`accept\[0\] has the unexpected attribute "rule"`},
		{"rule_index", `provider::r2::cors_review([], { accept = [{ bucket = "*", code = "any-origin", reason = "x", rule_index = 1.5 }] })`,
			`accept\[0\].rule_index is 1.5: want a rule's 0-based index`},
		{"duplicate", `provider::r2::cors_review([{ name = "a1", rules = [] }, { name = "a1", jurisdiction = "default", rules = [] }], {})`,
			`buckets\[1\]: default/a1 is listed twice`},
		{"bucket rules", `provider::r2::cors_review([{ name = "a1", rules = [{ allowed = { methods = ["GET"] } }] }], {})`,
			`buckets\[0\].rules\[0\].allowed.origins is required`},
		{"bucket name", `provider::r2::cors_review([{ rules = [] }], {})`, `buckets\[0\].name is required`},
		{"null options", `provider::r2::cors_review([], null)`, `Invalid value for "options" parameter: argument must not be null`},
		{"options not an object", `provider::r2::cors_review([], "low")`, `options is a string: want an object`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			functionsTest(t, resource.TestStep{
				Config:      "output \"review\" {\n  value = " + c.call + "\n}\n",
				ExpectError: regexp.MustCompile(`(?s)` + spaced(c.want)),
			})
		})
	}
}

// spaced lets a wanted message span the line breaks Terraform wraps
// diagnostics at.
func spaced(re string) string {
	return regexp.MustCompile(` +`).ReplaceAllString(re, `\s+`)
}
