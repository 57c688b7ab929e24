package corsstate

import (
	"encoding/json"
	"math/big"
	"reflect"
	stdstrings "strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
)

func fvString(s string) *string { return &s }

func fvNumber(s string) *json.Number { n := json.Number(s); return &n }

func TestRulesFromValueRoundTrip(t *testing.T) {
	ctx := t.Context()
	cases := map[string][]cors.Rule{
		"no rules": {},
		"API reference example": {{
			ID:            fvString("Allow Local Development"),
			Allowed:       &cors.Allowed{Methods: []string{"GET"}, Origins: []string{"http://localhost:3000"}, Headers: []string{"x-requested-by"}},
			ExposeHeaders: []string{"Content-Encoding"},
			MaxAgeSeconds: fvNumber("3600"),
		}},
		"everything null":           {{}},
		"null lists inside allowed": {{Allowed: &cors.Allowed{}}},
		"empty lists everywhere": {{
			ID:            fvString(""),
			Allowed:       &cors.Allowed{Methods: []string{}, Origins: []string{}, Headers: []string{}},
			ExposeHeaders: []string{},
		}},
		"several rules in order, varied numbers": {
			{ID: fvString("a"), Allowed: &cors.Allowed{Methods: []string{"GET", "HEAD"}, Origins: []string{"*"}}, MaxAgeSeconds: fvNumber("0")},
			{ID: fvString("b"), Allowed: &cors.Allowed{Methods: []string{"PUT"}, Origins: []string{"https://*.example.com", "https://x.example"}, Headers: []string{"*"}}, MaxAgeSeconds: fvNumber("1.5")},
			{Allowed: &cors.Allowed{Methods: []string{"DELETE"}, Origins: []string{"https://ü.example"}}, MaxAgeSeconds: fvNumber("0.5")},
			{ID: fvString("big"), MaxAgeSeconds: fvNumber("9.87654321125e+08")},
			{ID: fvString("tiny"), MaxAgeSeconds: fvNumber("1e-07")},
		},
	}
	for name, rules := range cases {
		t.Run(name, func(t *testing.T) {
			list, err := RulesToState(rules)
			if err != nil {
				t.Fatalf("RulesToState: %v", err)
			}
			got, err := RulesFromValue(ctx, list)
			if err != nil {
				t.Fatalf("RulesFromValue: %v", err)
			}
			if !reflect.DeepEqual(got, rules) {
				t.Errorf("round trip =\n %s\nwant\n %s", fvDump(got), fvDump(rules))
			}
		})
	}
}

// TestRulesFromValueNumbers checks that numbers written another way come back
// with the same value, in a canonical spelling.
func TestRulesFromValueNumbers(t *testing.T) {
	for in, want := range map[string]string{"1e3": "1000", "1.50": "1.5", "3600.0": "3600", "-0": "-0", "2.5E-3": "0.0025"} {
		list, err := RulesToState([]cors.Rule{{MaxAgeSeconds: fvNumber(in)}})
		if err != nil {
			t.Fatalf("RulesToState(%s): %v", in, err)
		}
		got, err := RulesFromValue(t.Context(), list)
		if err != nil {
			t.Fatalf("RulesFromValue(%s): %v", in, err)
		}
		if g := string(*got[0].MaxAgeSeconds); g != want {
			t.Errorf("max age %s came back as %s, want %s", in, g, want)
		}
	}
}

func TestRulesFromValueNull(t *testing.T) {
	got, err := RulesFromValue(t.Context(), types.ListNull(RuleObjectType))
	if err != nil || got != nil {
		t.Errorf("RulesFromValue(null) = %v, %v; want nil, nil", got, err)
	}
}

func TestRulesFromValueErrors(t *testing.T) {
	nullList := types.ListNull(types.StringType)
	good := func() map[string]attr.Value {
		return map[string]attr.Value{
			"id":              types.StringValue("r"),
			"allowed":         types.ObjectValueMust(AllowedAttrTypes, map[string]attr.Value{"methods": strs("GET"), "origins": strs("*"), "headers": nullList}),
			"expose_headers":  nullList,
			"max_age_seconds": types.NumberNull(),
		}
	}
	with := func(name string, v attr.Value) types.List {
		attrs := good()
		attrs[name] = v
		return types.ListValueMust(RuleObjectType, []attr.Value{types.ObjectValueMust(RuleAttrTypes, attrs)})
	}
	allowedWith := func(name string, v attr.Value) types.List {
		a := map[string]attr.Value{"methods": strs("GET"), "origins": strs("*"), "headers": nullList}
		a[name] = v
		return with("allowed", types.ObjectValueMust(AllowedAttrTypes, a))
	}
	cases := map[string]struct {
		in   attr.Value
		want string
	}{
		"unknown list":     {types.ListUnknown(RuleObjectType), "rules is unknown"},
		"unknown rule":     {types.ListValueMust(RuleObjectType, []attr.Value{types.ObjectUnknown(RuleAttrTypes)}), "rules[0] is unknown"},
		"null rule":        {types.ListValueMust(RuleObjectType, []attr.Value{types.ObjectNull(RuleAttrTypes)}), "rules[0] is null"},
		"unknown id":       {with("id", types.StringUnknown()), "rules[0].id is unknown"},
		"unknown allowed":  {with("allowed", types.ObjectUnknown(AllowedAttrTypes)), "rules[0].allowed is unknown"},
		"unknown origins":  {allowedWith("origins", types.ListUnknown(types.StringType)), "rules[0].allowed.origins is unknown"},
		"unknown origin":   {allowedWith("origins", types.ListValueMust(types.StringType, []attr.Value{types.StringValue("*"), types.StringUnknown()})), "rules[0].allowed.origins[1] is unknown"},
		"null method":      {allowedWith("methods", types.ListValueMust(types.StringType, []attr.Value{types.StringNull()})), "rules[0].allowed.methods[0] is null"},
		"unknown expose":   {with("expose_headers", types.ListUnknown(types.StringType)), "rules[0].expose_headers is unknown"},
		"unknown max age":  {with("max_age_seconds", types.NumberUnknown()), "rules[0].max_age_seconds is unknown"},
		"infinite max age": {with("max_age_seconds", types.NumberValue(new(big.Float).SetInf(false))), "not a finite number"},
		// The data sources' bounds: -5 was an error only from the API.
		"negative max age":   {with("max_age_seconds", types.NumberValue(big.NewFloat(-5))), "rules[0].max_age_seconds: maxAgeSeconds -5 is outside the range this provider accepts"},
		"huge max age":       {with("max_age_seconds", types.NumberValue(big.NewFloat(1e12))), "outside the range"},
		"wrong element type": {types.ListValueMust(types.StringType, []attr.Value{types.StringValue("x")}), "rules[0] is a string: want an object"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := RulesFromValue(t.Context(), tc.in)
			if err == nil || !stdstrings.Contains(err.Error(), tc.want) {
				t.Errorf("RulesFromValue = %v, %v; want an error containing %q", got, err, tc.want)
			}
		})
	}
}

func fvDump(rules []cors.Rule) string {
	b, _ := json.Marshal(rules)
	return string(b)
}

// FuzzRulesFromValue checks, on any body the client accepts, that reading the
// state back gives the decoded rules: same order, null kept apart from empty,
// numbers of equal value.
func FuzzRulesFromValue(f *testing.F) {
	for _, body := range fakeAnswers(f) {
		f.Add(body)
	}
	f.Add([]byte(`{"success":true,"errors":[],"messages":[],"result":{"rules":[{"allowed":{"methods":[],"origins":[],"headers":[]},"exposeHeaders":[],"maxAgeSeconds":1e3}]}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		rules, err := r2api.DecodeCORS(body)
		if err != nil {
			return
		}
		list, err := RulesToState(rules)
		if err != nil {
			return
		}
		got, err := RulesFromValue(t.Context(), list)
		if err != nil {
			t.Fatalf("RulesFromValue: %v", err)
		}
		if rules == nil {
			rules = []cors.Rule{}
		}
		if len(got) != len(rules) {
			t.Fatalf("got %d rules, want %d", len(got), len(rules))
		}
		for i := range rules {
			w, g := rules[i], got[i]
			if (w.MaxAgeSeconds == nil) != (g.MaxAgeSeconds == nil) {
				t.Fatalf("rule %d: max age %v, want %v", i, g.MaxAgeSeconds, w.MaxAgeSeconds)
			}
			if w.MaxAgeSeconds != nil {
				a, _, errA := big.ParseFloat(string(*w.MaxAgeSeconds), 10, 512, big.ToNearestEven)
				b, _, errB := big.ParseFloat(string(*g.MaxAgeSeconds), 10, 512, big.ToNearestEven)
				if errA != nil || errB != nil || a.Cmp(b) != 0 {
					t.Fatalf("rule %d: max age %s, want %s", i, *g.MaxAgeSeconds, *w.MaxAgeSeconds)
				}
			}
			w.MaxAgeSeconds, g.MaxAgeSeconds = nil, nil
			if !reflect.DeepEqual(g, w) {
				t.Fatalf("rule %d = %s, want %s", i, fvDump([]cors.Rule{g}), fvDump([]cors.Rule{w}))
			}
		}
	})
}

// Hand-written rules (HCL literals, jsondecode of a baseline file) arrive as
// tuples of objects that leave optional attributes out, inside a dynamic
// function argument.
func TestRulesFromValueHandWritten(t *testing.T) {
	str := types.StringValue
	tuple := func(vs ...attr.Value) attr.Value {
		ts := make([]attr.Type, len(vs))
		for i, v := range vs {
			ts[i] = v.Type(t.Context())
		}
		return types.TupleValueMust(ts, vs)
	}
	obj := func(attrs map[string]attr.Value) attr.Value {
		ts := make(map[string]attr.Type, len(attrs))
		for k, v := range attrs {
			ts[k] = v.Type(t.Context())
		}
		return types.ObjectValueMust(ts, attrs)
	}
	allowed := func(extra map[string]attr.Value) attr.Value {
		a := map[string]attr.Value{"methods": tuple(str("GET")), "origins": tuple(str("*"))}
		for k, v := range extra {
			a[k] = v
		}
		return obj(a)
	}
	rule := func(extra map[string]attr.Value) attr.Value {
		r := map[string]attr.Value{"allowed": allowed(nil)}
		for k, v := range extra {
			r[k] = v
		}
		return obj(r)
	}
	dyn := func(v attr.Value) attr.Value { return types.DynamicValue(v) }

	t.Run("optional attributes left out read as null", func(t *testing.T) {
		in := dyn(tuple(
			rule(nil),
			rule(map[string]attr.Value{"id": str("up"), "max_age_seconds": types.NumberValue(big.NewFloat(600)),
				"expose_headers": tuple(), "allowed": allowed(map[string]attr.Value{"headers": tuple(str("content-type"))})}),
		))
		got, err := RulesFromValue(t.Context(), in)
		if err != nil {
			t.Fatal(err)
		}
		want := []cors.Rule{
			{Allowed: &cors.Allowed{Methods: []string{"GET"}, Origins: []string{"*"}}},
			{ID: fvString("up"), Allowed: &cors.Allowed{Methods: []string{"GET"}, Origins: []string{"*"}, Headers: []string{"content-type"}},
				ExposeHeaders: []string{}, MaxAgeSeconds: fvNumber("600")},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %s, want %s", fvDump(got), fvDump(want))
		}
	})
	t.Run("the data sources' list goes through a dynamic argument", func(t *testing.T) {
		rules := []cors.Rule{{ID: fvString("a"), Allowed: &cors.Allowed{Methods: []string{"PUT"}, Origins: []string{"https://a.example"}}, MaxAgeSeconds: fvNumber("1.5")}}
		list, err := RulesToState(rules)
		if err != nil {
			t.Fatal(err)
		}
		got, err := RulesFromValue(t.Context(), dyn(list))
		if err != nil || !reflect.DeepEqual(got, rules) {
			t.Errorf("got %s, %v; want %s", fvDump(got), err, fvDump(rules))
		}
	})
	t.Run("explicit nulls read as null", func(t *testing.T) {
		got, err := RulesFromValue(t.Context(), dyn(tuple(rule(map[string]attr.Value{"id": types.DynamicNull(), "expose_headers": types.DynamicNull()}))))
		if err != nil || got[0].ID != nil || got[0].ExposeHeaders != nil {
			t.Errorf("got %s, %v", fvDump(got), err)
		}
	})
	t.Run("an empty tuple is no rules", func(t *testing.T) {
		got, err := RulesFromValue(t.Context(), dyn(tuple()))
		if err != nil || got == nil || len(got) != 0 {
			t.Errorf("got %#v, %v; want empty", got, err)
		}
	})

	errCases := map[string]struct {
		in   attr.Value
		want string
	}{
		"camelCase name from the API's JSON": {dyn(tuple(rule(map[string]attr.Value{"maxAgeSeconds": types.NumberValue(big.NewFloat(1))}))),
			`rules[0] has the attribute "maxAgeSeconds": write "max_age_seconds"`},
		"typo": {dyn(tuple(rule(nil), rule(map[string]attr.Value{"max_age": types.NumberValue(big.NewFloat(1))}))),
			`rules[1] has the unexpected attribute "max_age": a rule has only "allowed", "expose_headers", "id", "max_age_seconds"`},
		"typo inside allowed": {dyn(tuple(rule(map[string]attr.Value{"allowed": allowed(map[string]attr.Value{"method": tuple(str("GET"))})}))),
			`rules[0].allowed has the unexpected attribute "method"`},
		"allowed left out": {dyn(tuple(obj(map[string]attr.Value{"id": str("x")}))), "rules[0].allowed is required"},
		"origins left out": {dyn(tuple(rule(map[string]attr.Value{"allowed": obj(map[string]attr.Value{"methods": tuple(str("GET"))})}))), "rules[0].allowed.origins is required"},
		"method not a string": {dyn(tuple(rule(nil), rule(map[string]attr.Value{"allowed": obj(map[string]attr.Value{"methods": tuple(types.NumberValue(big.NewFloat(1))), "origins": tuple()})}))),
			"rules[1].allowed.methods[0] is a number: want a string"},
		"max age as a string": {dyn(tuple(rule(map[string]attr.Value{"max_age_seconds": str("600")}))), "rules[0].max_age_seconds is a string: want a number"},
		"origins as a string": {dyn(tuple(rule(map[string]attr.Value{"allowed": obj(map[string]attr.Value{"methods": tuple(), "origins": str("*")})}))),
			"rules[0].allowed.origins is a string: want a list of strings"},
		"rules as an object": {dyn(rule(nil)), "rules is an object: want a list of rule objects"},
		"rules as a set":     {dyn(types.SetValueMust(types.StringType, nil)), "rules is a set"},
		"null rule":          {dyn(tuple(types.DynamicNull())), "rules[0] is null"},
		"unknown inside":     {dyn(tuple(rule(map[string]attr.Value{"id": types.StringUnknown()}))), "rules[0].id is unknown"},
		"unknown dynamic":    {types.DynamicUnknown(), "rules is unknown"},
	}
	for name, tc := range errCases {
		t.Run(name, func(t *testing.T) {
			got, err := RulesFromValue(t.Context(), tc.in)
			if err == nil || !stdstrings.Contains(err.Error(), tc.want) {
				t.Errorf("RulesFromValue = %v, %v; want an error containing %q", got, err, tc.want)
			}
		})
	}
}
