package functions

import (
	"encoding/json"
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
	"github.com/r2tf/terraform-provider-r2/internal/corsstate"
)

func sp(s string) *string { return &s }

func jn(s string) *json.Number { n := json.Number(s); return &n }

func strList(ss ...string) types.List {
	elems := make([]attr.Value, len(ss))
	for i, s := range ss {
		elems[i] = types.StringValue(s)
	}
	return types.ListValueMust(types.StringType, elems)
}

// testRules is a realistic policy: an app that may upload, then public reads.
// rulesValue is rules as the data sources put them in state.
func rulesValue(t *testing.T, rules []cors.Rule) types.Dynamic {
	t.Helper()
	l, err := corsstate.RulesToState(rules)
	if err != nil {
		t.Fatal(err)
	}
	return types.DynamicValue(l)
}

func testRules(t *testing.T) types.Dynamic {
	t.Helper()
	l, err := corsstate.RulesToState([]cors.Rule{
		{
			ID:            sp("app uploads"),
			Allowed:       &cors.Allowed{Methods: []string{"PUT", "POST"}, Origins: []string{"https://app.example.com"}, Headers: []string{"content-type", "x-amz-*"}},
			ExposeHeaders: []string{"ETag"},
			MaxAgeSeconds: jn("3600"),
		},
		{
			Allowed: &cors.Allowed{Methods: []string{"GET", "HEAD"}, Origins: []string{"*"}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return types.DynamicValue(l)
}

func run(t testing.TB, f function.Function, args ...attr.Value) function.RunResponse {
	t.Helper()
	ctx := t.Context()
	var def function.DefinitionResponse
	f.Definition(ctx, function.DefinitionRequest{}, &def)
	result, ferr := def.Definition.Return.NewResultData(ctx)
	if ferr != nil {
		t.Fatalf("NewResultData: %v", ferr)
	}
	resp := function.RunResponse{Result: result}
	f.Run(ctx, function.RunRequest{Arguments: function.NewArgumentsData(args)}, &resp)
	return resp
}

func result(want map[string]attr.Value) types.Object {
	all := map[string]attr.Value{
		"allowed":        types.BoolValue(false),
		"rule_index":     types.Int64Null(),
		"rule_id":        types.StringNull(),
		"allow_origin":   types.StringNull(),
		"allow_methods":  types.StringNull(),
		"allow_headers":  types.StringNull(),
		"expose_headers": types.StringNull(),
		"max_age":        types.NumberNull(),
	}
	for k, v := range want {
		all[k] = v
	}
	// The real request is answered by the preflight's rule unless a case
	// says otherwise.
	if _, ok := all["response_rule_index"]; !ok {
		all["response_rule_index"], all["response_rule_id"] = all["rule_index"], all["rule_id"]
	}
	return types.ObjectValueMust(EvaluateResultAttrTypes, all)
}

func TestCORSEvaluate(t *testing.T) {
	rules := testRules(t)
	cases := []struct {
		name string
		args []attr.Value
		want attr.Value
	}{
		{
			name: "upload from the app matches the first rule",
			args: []attr.Value{rules, types.StringValue("https://app.example.com"), types.StringValue("PUT"), strList("Content-Type", "X-Amz-Date")},
			want: result(map[string]attr.Value{
				"allowed":        types.BoolValue(true),
				"rule_index":     types.Int64Value(0),
				"rule_id":        types.StringValue("app uploads"),
				"allow_origin":   types.StringValue("https://app.example.com"),
				"allow_methods":  types.StringValue("PUT, POST"),
				"allow_headers":  types.StringValue("content-type, x-amz-date"),
				"expose_headers": types.StringValue("ETag"),
				"max_age":        types.NumberValue(big.NewFloat(3600)),
			}),
		},
		{
			name: "public read matches the second rule, which has no id",
			args: []attr.Value{rules, types.StringValue("https://any.example"), types.StringValue("GET"), strList()},
			want: result(map[string]attr.Value{
				"allowed":       types.BoolValue(true),
				"rule_index":    types.Int64Value(1),
				"allow_origin":  types.StringValue("*"),
				"allow_methods": types.StringValue("GET, HEAD"),
			}),
		},
		{
			// S3 checks request headers only on the preflight: the real GET
			// is answered by the first rule whose origin and method match.
			name: "expose headers come from the rule that answers the real request",
			args: []attr.Value{rulesValue(t, []cors.Rule{
				{ID: sp("plain"), Allowed: &cors.Allowed{Methods: []string{"GET"}, Origins: []string{"https://a.example.com"}}},
				{ID: sp("ranges"), Allowed: &cors.Allowed{Methods: []string{"GET"}, Origins: []string{"https://a.example.com"}, Headers: []string{"range"}},
					ExposeHeaders: []string{"content-range"}},
			}), types.StringValue("https://a.example.com"), types.StringValue("GET"), strList("range")},
			want: result(map[string]attr.Value{
				"allowed":             types.BoolValue(true),
				"rule_index":          types.Int64Value(1),
				"rule_id":             types.StringValue("ranges"),
				"allow_origin":        types.StringValue("https://a.example.com"),
				"allow_methods":       types.StringValue("GET"),
				"allow_headers":       types.StringValue("range"),
				"response_rule_index": types.Int64Value(0),
				"response_rule_id":    types.StringValue("plain"),
			}),
		},
		{
			name: "upload from elsewhere matches nothing",
			args: []attr.Value{rules, types.StringValue("https://evil.example"), types.StringValue("PUT"), strList()},
			want: result(nil),
		},
		{
			name: "empty rules allow nothing",
			args: []attr.Value{types.DynamicValue(types.ListValueMust(corsstate.RuleObjectType, nil)), types.StringValue("https://a.example"), types.StringValue("GET"), strList()},
			want: result(nil),
		},
		{
			name: "an unknown inside the rules gives an unknown result",
			args: []attr.Value{types.DynamicValue(types.ListValueMust(corsstate.RuleObjectType, []attr.Value{types.ObjectUnknown(corsstate.RuleAttrTypes)})),
				types.StringValue("https://a.example"), types.StringValue("GET"), strList()},
			want: types.ObjectUnknown(EvaluateResultAttrTypes),
		},
		{
			name: "an unknown header name gives an unknown result",
			args: []attr.Value{rules, types.StringValue("https://a.example"), types.StringValue("GET"),
				types.ListValueMust(types.StringType, []attr.Value{types.StringUnknown()})},
			want: types.ObjectUnknown(EvaluateResultAttrTypes),
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := run(t, corsEvaluate, tc.args...)
			if resp.Error != nil {
				t.Fatalf("Run error: %v", resp.Error)
			}
			if got := resp.Result.Value(); !got.Equal(tc.want) {
				t.Errorf("result =\n %v\nwant\n %v", got, tc.want)
			}
		})
	}
}

func TestCORSAllows(t *testing.T) {
	rules := testRules(t)
	cases := []struct {
		name   string
		origin string
		method string
		hdrs   types.List
		want   bool
	}{
		{"app upload", "https://app.example.com", "POST", strList("x-amz-meta-owner"), true},
		{"app upload with an unlisted header", "https://app.example.com", "PUT", strList("authorization"), false},
		{"foreign upload", "https://evil.example", "PUT", strList(), false},
		{"foreign read", "https://evil.example", "GET", strList(), true},
		{"foreign delete", "https://evil.example", "DELETE", strList(), false},
		// Questions a browser can ask, answered rather than refused.
		{"a sandboxed iframe's origin", "null", "GET", strList(), true},
		{"a method no rule can allow", "https://app.example.com", "PATCH", strList(), false},
		{"OPTIONS", "https://app.example.com", "OPTIONS", strList(), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := run(t, corsAllows, rules, types.StringValue(tc.origin), types.StringValue(tc.method), tc.hdrs)
			if resp.Error != nil {
				t.Fatalf("Run error: %v", resp.Error)
			}
			if got := resp.Result.Value(); !got.Equal(types.BoolValue(tc.want)) {
				t.Errorf("result = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestArgumentErrors(t *testing.T) {
	rules := testRules(t)
	origin, method, hdrs := types.StringValue("https://a.example"), types.StringValue("GET"), strList()
	cases := []struct {
		name    string
		args    []attr.Value
		wantArg int64
		want    string
	}{
		{"origin with a path", []attr.Value{rules, types.StringValue("https://a.example/"), method, hdrs}, argOrigin, `has a path ("/")`},
		{"origin without a scheme", []attr.Value{rules, types.StringValue("a.example"), method, hdrs}, argOrigin, "no scheme"},
		{"a method no browser sends", []attr.Value{rules, origin, types.StringValue("TRACE"), hdrs}, argMethod, "never sent by a browser"},
		{"an address browsers write otherwise", []attr.Value{rules, types.StringValue("http://127.1"), method, hdrs}, argOrigin, "http://127.0.0.1"},
		{"an IPv6 address browsers write otherwise", []attr.Value{rules, types.StringValue("http://[0::1]:8080"), method, hdrs}, argOrigin, "http://[::1]:8080"},
		{"lowercase method", []attr.Value{rules, origin, types.StringValue("get"), hdrs}, argMethod, `use "GET"`},
		{"bad header name", []attr.Value{rules, origin, method, strList("content type")}, argRequestHeaders, "request_headers[0]"},
		{"null header name", []attr.Value{rules, origin, method, types.ListValueMust(types.StringType, []attr.Value{types.StringNull()})}, argRequestHeaders, "request_headers[0] is null"},
		{"null rule", []attr.Value{types.DynamicValue(types.ListValueMust(corsstate.RuleObjectType, []attr.Value{types.ObjectNull(corsstate.RuleAttrTypes)})), origin, method, hdrs}, argRules, "rules[0] is null"},
		{"null rules", []attr.Value{types.DynamicNull(), origin, method, hdrs}, argRules, "rules must not be null"},
		{"null origin", []attr.Value{rules, types.StringNull(), method, hdrs}, argOrigin, "origin must not be null"},
		{"null method", []attr.Value{rules, origin, types.StringNull(), hdrs}, argMethod, "method must not be null"},
		{"rule with a typo", []attr.Value{types.DynamicValue(types.TupleValueMust([]attr.Type{types.ObjectType{AttrTypes: map[string]attr.Type{"allow": types.StringType}}},
			[]attr.Value{types.ObjectValueMust(map[string]attr.Type{"allow": types.StringType}, map[string]attr.Value{"allow": types.StringValue("x")})})), origin, method, hdrs},
			argRules, `rules[0] has the unexpected attribute "allow"`},
		{"null headers", []attr.Value{rules, origin, method, types.ListNull(types.StringType)}, argRequestHeaders, "request_headers must not be null"},
		{"bad method is reported even when the rules are unknown", []attr.Value{types.DynamicUnknown(), origin, types.StringValue("options"), hdrs}, argMethod, `use "OPTIONS"`},
	}
	for _, f := range []function.Function{corsEvaluate, corsAllows} {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				resp := run(t, f, tc.args...)
				if resp.Error == nil {
					t.Fatalf("no error, result %v", resp.Result.Value())
				}
				if resp.Error.FunctionArgument == nil || *resp.Error.FunctionArgument != tc.wantArg {
					t.Errorf("error on argument %v, want %d: %v", resp.Error.FunctionArgument, tc.wantArg, resp.Error)
				}
				if !strings.Contains(resp.Error.Text, tc.want) {
					t.Errorf("error %q does not contain %q", resp.Error.Text, tc.want)
				}
			})
		}
	}
}

// TestWrongArgumentCount checks that a malformed call errors instead of
// panicking.
func TestWrongArgumentCount(t *testing.T) {
	for _, f := range []function.Function{corsEvaluate, corsAllows} {
		if resp := run(t, f, testRules(t)); resp.Error == nil {
			t.Errorf("%T: no error for one argument", f)
		}
	}
}

// Both functions take the same four parameters, in the order paramName names
// them (TestSchemas in internal/provider checks the rest of the definitions).
func TestPreflightParameters(t *testing.T) {
	for _, f := range []function.Function{corsEvaluate, corsAllows} {
		var resp function.DefinitionResponse
		f.Definition(t.Context(), function.DefinitionRequest{}, &resp)
		params := resp.Definition.Parameters
		if len(params) != 4 {
			t.Fatalf("%d parameters, want 4", len(params))
		}
		for i, p := range params {
			if p.GetName() != paramName(i) {
				t.Errorf("parameter %d is %q, want %q", i, p.GetName(), paramName(i))
			}
		}
	}
}
