package corsstate

import (
	"encoding/json"
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
)

// decode runs the same decoder the client uses, so these tests cover the
// wire -> rule -> state path end to end without a server.
func decode(t *testing.T, body string) types.List {
	t.Helper()
	rules, err := r2api.DecodeCORS([]byte(body))
	if err != nil {
		t.Fatalf("DecodeCORS: %v", err)
	}
	list, err := RulesToState(rules)
	if err != nil {
		t.Fatalf("RulesToState: %v", err)
	}
	return list
}

func strs(ss ...string) types.List {
	elems := make([]attr.Value, len(ss))
	for i, s := range ss {
		elems[i] = types.StringValue(s)
	}
	return types.ListValueMust(types.StringType, elems)
}

func rule(id attr.Value, methods, origins, headers, expose types.List, maxAge attr.Value) attr.Value {
	return types.ObjectValueMust(RuleAttrTypes, map[string]attr.Value{
		"id": id,
		"allowed": types.ObjectValueMust(AllowedAttrTypes, map[string]attr.Value{
			"methods": methods, "origins": origins, "headers": headers,
		}),
		"expose_headers":  expose,
		"max_age_seconds": maxAge,
	})
}

func num(s string) types.Number {
	f, _, err := big.ParseFloat(s, 10, 512, big.ToNearestEven)
	if err != nil {
		panic(err)
	}
	return types.NumberValue(f)
}

func TestRulesToState(t *testing.T) {
	nullList := types.ListNull(types.StringType)
	cases := []struct {
		name string
		body string
		want []attr.Value
	}{
		{
			name: "API reference example",
			body: `{"success":true,"errors":[],"messages":[],"result":{"rules":[{"allowed":{"methods":["GET"],"origins":["http://localhost:3000"],"headers":["x-requested-by"]},"id":"Allow Local Development","exposeHeaders":["Content-Encoding"],"maxAgeSeconds":3600}]}}`,
			want: []attr.Value{rule(types.StringValue("Allow Local Development"), strs("GET"), strs("http://localhost:3000"),
				strs("x-requested-by"), strs("Content-Encoding"), num("3600"))},
		},
		{
			name: "absent optional fields are null",
			body: `{"success":true,"errors":[],"messages":[],"result":{"rules":[{"allowed":{"methods":["GET","HEAD"],"origins":["*"]}}]}}`,
			want: []attr.Value{rule(types.StringNull(), strs("GET", "HEAD"), strs("*"), nullList, nullList, types.NumberNull())},
		},
		{
			name: "explicit nulls are null",
			body: `{"success":true,"errors":[],"messages":[],"result":{"rules":[{"id":null,"allowed":{"methods":["GET"],"origins":["*"],"headers":null},"exposeHeaders":null,"maxAgeSeconds":null}]}}`,
			want: []attr.Value{rule(types.StringNull(), strs("GET"), strs("*"), nullList, nullList, types.NumberNull())},
		},
		{
			name: "empty lists stay empty",
			body: `{"success":true,"errors":[],"messages":[],"result":{"rules":[{"allowed":{"methods":[],"origins":[],"headers":[]},"exposeHeaders":[]}]}}`,
			want: []attr.Value{rule(types.StringNull(), strs(), strs(), strs(), strs(), types.NumberNull())},
		},
		{
			name: "numbers kept exactly",
			body: `{"success":true,"errors":[],"messages":[],"result":{"rules":[{"allowed":{"methods":["GET"],"origins":["*"]},"maxAgeSeconds":1.5},{"allowed":{"methods":["GET"],"origins":["*"]},"maxAgeSeconds":1e3},{"allowed":{"methods":["GET"],"origins":["*"]},"maxAgeSeconds":86400.000000000000000000001}]}}`,
			want: []attr.Value{
				rule(types.StringNull(), strs("GET"), strs("*"), nullList, nullList, num("1.5")),
				rule(types.StringNull(), strs("GET"), strs("*"), nullList, nullList, num("1000")),
				rule(types.StringNull(), strs("GET"), strs("*"), nullList, nullList, num("86400.000000000000000000001")),
			},
		},
		{
			name: "order is the API's",
			body: `{"success":true,"errors":[],"messages":[],"result":{"rules":[{"id":"b","allowed":{"methods":["PUT"],"origins":["https://b.example"]}},{"id":"a","allowed":{"methods":["GET"],"origins":["https://a.example"]}}]}}`,
			want: []attr.Value{
				rule(types.StringValue("b"), strs("PUT"), strs("https://b.example"), nullList, nullList, types.NumberNull()),
				rule(types.StringValue("a"), strs("GET"), strs("https://a.example"), nullList, nullList, types.NumberNull()),
			},
		},
		{
			name: "unknown extra fields are ignored",
			body: `{"success":true,"errors":[],"messages":[],"result":{"rules":[{"allowed":{"methods":["GET"],"origins":["*"],"future":1},"newField":"x"}],"other":true},"result_info":{}}`,
			want: []attr.Value{rule(types.StringNull(), strs("GET"), strs("*"), nullList, nullList, types.NumberNull())},
		},
		{
			name: "member names are exact, not case-folded",
			body: `{"success":true,"errors":[],"messages":[],"result":{"rules":[{"id":"x","allowed":{"methods":["GET"],"origins":["*"]}}]},"Result":null}`,
			want: []attr.Value{rule(types.StringValue("x"), strs("GET"), strs("*"), nullList, nullList, types.NumberNull())},
		},
		{name: "result without rules", body: `{"success":true,"errors":[],"messages":[],"result":{}}`, want: []attr.Value{}},
		{name: "result null", body: `{"success":true,"errors":[],"messages":[],"result":null}`, want: []attr.Value{}},
		{name: "empty rules", body: `{"success":true,"errors":[],"messages":[],"result":{"rules":[]}}`, want: []attr.Value{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := decode(t, tc.body)
			want := types.ListValueMust(RuleObjectType, tc.want)
			if !got.Equal(want) {
				t.Errorf("state mismatch\n got: %s\nwant: %s", got, want)
			}
			if got.IsNull() || got.IsUnknown() {
				t.Errorf("rules must be a known list, got %s", got)
			}
		})
	}
}

func TestDecodeCORSRejects(t *testing.T) {
	const env = `{"success":true,"errors":[],"messages":[],"result":`
	cases := []struct{ name, body, want string }{
		{"not JSON", `<html>oops</html>`, "not valid JSON"},
		{"truncated", env + `{"rules":[{"allowed":`, "not valid JSON"},
		{"not the envelope", `{"rules":[]}`, "not a Cloudflare v4 envelope"},
		{"success false", `{"success":false,"errors":[{"code":10001,"message":"nope"}],"messages":[],"result":null}`, "code 10001: nope"},
		{"rule sans allowed", env + `{"rules":[{"id":"x"}]}}`, `"allowed" is missing`},
		{"sans methods", env + `{"rules":[{"allowed":{"origins":["*"]}}]}}`, `"allowed.methods" is missing`},
		{"sans origins", env + `{"rules":[{"allowed":{"methods":["GET"]}}]}}`, `"allowed.origins" is missing`},
		{"wrong types", env + `{"rules":[{"allowed":{"methods":"GET","origins":["*"]}}]}}`, `"methods"`},
		{"trailing garbage", env + `{}} {}`, "not valid JSON"},
		{"rules not a list", env + `{"rules":{}}}`, `"rules"`},
		{"null origin", env + `{"rules":[{"allowed":{"methods":["GET"],"origins":[null]}}]}}`, `"origins": element 0 is null`},
		{"null method", env + `{"rules":[{"allowed":{"methods":["GET",null],"origins":["*"]}}]}}`, `"methods": element 1 is null`},
		{"null header", env + `{"rules":[{"allowed":{"methods":["GET"],"origins":["*"],"headers":[null]}}]}}`, `"headers": element 0 is null`},
		{"null exposed header", env + `{"rules":[{"allowed":{"methods":["GET"],"origins":["*"]},"exposeHeaders":[null]}]}}`, `"exposeHeaders": element 0 is null`},
		{"invalid UTF-8 origin", env + "{\"rules\":[{\"allowed\":{\"methods\":[\"GET\"],\"origins\":[\"https://\xffexample.com\"]}}]}}", "not valid UTF-8"},
		// A case variant of a member is not ignored: it is refused (r2api's checkRenamed).
		{"only a case-variant of rules", env + `{"Rules":[{"allowed":{"methods":["GET"],"origins":["*"]}}]}}`, `member "Rules" of result looks like a renamed "rules"`},
		{"case variants beside the members", env + `{"rules":[{"id":"x","ID":"y","allowed":{"methods":["GET"],"origins":["*"]}}]}}`, `member "ID" looks like a renamed "id"`},
		{"second rules list", env + `{"rules":[{"allowed":{"methods":["GET"],"origins":["https://a.example"]}}],"rules":[]}}`, `member "rules" appears twice`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rules, err := r2api.DecodeCORS([]byte(tc.body))
			if err == nil {
				t.Fatalf("want an error, got %d rules", len(rules))
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not say %q", err, tc.want)
			}
		})
	}
}

func TestRuleToStateRejectsBadNumber(t *testing.T) {
	n := json.Number("not-a-number")
	_, err := RulesToState([]cors.Rule{{Allowed: &cors.Allowed{Methods: []string{}, Origins: []string{}}, MaxAgeSeconds: &n}})
	if err == nil {
		t.Fatal("want an error for a malformed number")
	}
}
