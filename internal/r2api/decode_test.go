package r2api_test

import (
	"context"
	"strings"
	"testing"

	"github.com/r2tf/terraform-provider-r2/internal/fakeapi"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
)

const okEnvelope = `{"success":true,"errors":[],"messages":[],"result":`

// A member that looks like a renamed policy or field is an error naming it,
// never "no policy" or a field left null: a proxy or an API change that
// renamed "rules" would otherwise pass every review as an empty policy.
func TestDecodeCORS_renamedMembersAreErrors(t *testing.T) {
	const rule = `"allowed":{"methods":["GET"],"origins":["*"]}`
	cases := []struct{ name, result, want string }{
		{"Rules", `{"Rules":[{` + rule + `}]}`, `member "Rules" of result looks like a renamed "rules"`},
		{"corsRules", `{"corsRules":[{` + rule + `}]}`, `member "corsRules" of result looks like a renamed "rules"`},
		{"cors_rules beside rules", `{"rules":[],"cors_rules":[{` + rule + `}]}`, `member "cors_rules" of result`},
		{"cors object", `{"cors":{"rules":[]}}`, `member "cors" of result`},
		{"CORSRule", `{"CORSRule":[]}`, `member "CORSRule" of result`},
		{"Allowed", `{"rules":[{"Allowed":{"methods":["GET"],"origins":["*"]},` + rule + `}]}`,
			`rule 0 of the API's answer: member "Allowed" looks like a renamed "allowed"`},
		{"expose_headers", `{"rules":[{` + rule + `,"expose_headers":["ETag"]}]}`,
			`rule 0 of the API's answer: member "expose_headers" looks like a renamed "exposeHeaders"`},
		{"max_age_seconds", `{"rules":[{` + rule + `},{` + rule + `,"max_age_seconds":60}]}`,
			`rule 1 of the API's answer: member "max_age_seconds" looks like a renamed "maxAgeSeconds"`},
		{"S3's AllowedOrigins", `{"rules":[{` + rule + `,"AllowedOrigins":["https://a.example"]}]}`,
			`member "AllowedOrigins" looks like a renamed "allowed.origins"`},
		{"Headers in allowed", `{"rules":[{"allowed":{"methods":["GET"],"origins":["*"],"Headers":["x"]}}]}`,
			`member "allowed.Headers" looks like a renamed "allowed.headers"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rules, err := r2api.DecodeCORS([]byte(okEnvelope + tc.result + `}`))
			if err == nil {
				t.Fatalf("want an error, got %d rules", len(rules))
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not say %q", err, tc.want)
			}
		})
	}
}

// Members that look like nothing the schema names are still ignored.
func TestDecodeCORS_unrelatedMembersAreIgnored(t *testing.T) {
	body := okEnvelope + `{"rules":[{"allowed":{"methods":["GET"],"origins":["*"],"note":"x"},"comment":"y"}],"etag":"z","ruleset_id":"w"}}`
	rules, err := r2api.DecodeCORS([]byte(body))
	if err != nil || len(rules) != 1 {
		t.Fatalf("got %d rules, %v; want the one rule", len(rules), err)
	}
}

// R2, as S3, stores at most 100 rules: an answer with more is refused.
func TestDecodeCORS_moreRulesThanR2StoresIsAnError(t *testing.T) {
	one := `{"allowed":{"methods":["GET"],"origins":["*"]}}`
	ok := okEnvelope + `{"rules":[` + strings.Repeat(one+",", 99) + one + `]}}`
	if rules, err := r2api.DecodeCORS([]byte(ok)); err != nil || len(rules) != 100 {
		t.Fatalf("100 rules: got %d, %v", len(rules), err)
	}
	body := okEnvelope + `{"rules":[` + strings.Repeat(one+",", 100) + one + `]}}`
	_, err := r2api.DecodeCORS([]byte(body))
	if err == nil || !strings.Contains(err.Error(), "101 rules, more than the 100 a CORS policy may hold") {
		t.Fatalf("error = %v; want the rule bound", err)
	}
}

// A policy body larger than any policy R2 can store is refused as it is
// read, once, not retried, with the default client (no MaxBodyBytes set).
func TestGetBucketCORS_policyLargerThanR2StoresIsRefused(t *testing.T) {
	s, c := setup(t)
	origins := strings.Repeat(`"https://a.example",`, r2api.MaxPolicyBytes/19)
	s.InjectFault(fakeapi.Fault{Status: 200, Body: okEnvelope + `{"rules":[{"allowed":{"methods":["GET"],"origins":[` +
		origins + `"*"]}}]}}`})
	_, err := c.GetBucketCORS(context.Background(), account, "media", "eu")
	e := mustAPIError(t, err)
	if !strings.Contains(e.Error(), "larger than the 131072 bytes a CORS policy may take") || e.Attempts != 1 || !e.Permanent {
		t.Fatalf("error = %v (attempts %d, permanent %t); want the policy bound, not retried", e, e.Attempts, e.Permanent)
	}
}
