package functions

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// as asserts v's type, failing the test otherwise.
func as[T any](t *testing.T, v any) T {
	t.Helper()
	out, ok := v.(T)
	if !ok {
		t.Fatalf("%v is a %T, want a %T", v, v, out)
	}
	return out
}

func TestCORSFindings(t *testing.T) {
	// testRules: rule 1 lets any origin read, and nothing else is wrong.
	resp := run(t, corsFindings, testRules(t))
	if resp.Error != nil {
		t.Fatal(resp.Error)
	}
	got, ok := resp.Result.Value().(types.List)
	if !ok || len(got.Elements()) != 1 {
		t.Fatalf("result %v, want one finding", resp.Result.Value())
	}
	f := as[types.Object](t, got.Elements()[0]).Attributes()
	want := map[string]attr.Value{
		"code": types.StringValue("any-origin"), "severity": types.StringValue("low"),
		"rule_index": types.Int64Value(1), "rule_id": types.StringNull(),
	}
	for k, v := range want {
		if !f[k].Equal(v) {
			t.Errorf("%s = %v, want %v", k, f[k], v)
		}
	}
	if msg := as[types.String](t, f["message"]).ValueString(); !strings.HasPrefix(msg, "Rule 1 lets any origin read (GET and HEAD)") {
		t.Errorf("message %q", msg)
	}

	if resp := run(t, corsFindings, types.DynamicValue(types.TupleValueMust(nil, nil))); resp.Error != nil || len(as[types.List](t, resp.Result.Value()).Elements()) != 0 {
		t.Errorf("no rules: %v, %v; want an empty list", resp.Result.Value(), resp.Error)
	}
	if resp := run(t, corsFindings, types.DynamicValue(types.TupleValueMust([]attr.Type{types.StringType}, []attr.Value{types.StringUnknown()}))); resp.Error != nil || !resp.Result.Value().IsUnknown() {
		t.Errorf("an unknown inside: %v, %v; want an unknown result", resp.Result.Value(), resp.Error)
	}
	resp = run(t, corsFindings, types.DynamicNull())
	if resp.Error == nil || !strings.Contains(resp.Error.Text, "rules must not be null") || *resp.Error.FunctionArgument != 0 {
		t.Errorf("null rules: %v", resp.Error)
	}
}

func TestCORSDiff(t *testing.T) {
	rules := testRules(t)
	resp := run(t, corsDiff, rules, rules)
	if resp.Error != nil {
		t.Fatal(resp.Error)
	}
	want := types.ObjectValueMust(DiffResultAttrTypes, map[string]attr.Value{
		"equal": types.BoolValue(true), "changes": types.ListValueMust(ChangeObjectType, []attr.Value{}),
	})
	if got := resp.Result.Value(); !got.Equal(want) {
		t.Errorf("diff(x, x) = %v", got)
	}

	// The approved policy without its public-read rule.
	list := as[types.List](t, rules.UnderlyingValue())
	approved := types.DynamicValue(types.TupleValueMust([]attr.Type{list.ElementType(t.Context())}, list.Elements()[:1]))
	resp = run(t, corsDiff, rules, approved)
	if resp.Error != nil {
		t.Fatal(resp.Error)
	}
	obj := as[types.Object](t, resp.Result.Value()).Attributes()
	changes := as[types.List](t, obj["changes"]).Elements()
	if !obj["equal"].Equal(types.BoolValue(false)) || len(changes) != 1 {
		t.Fatalf("diff = %v, want one change", obj)
	}
	c := as[types.Object](t, changes[0]).Attributes()
	wantChange := map[string]attr.Value{
		"kind": types.StringValue("added"), "rule_index": types.Int64Value(1), "approved_index": types.Int64Null(),
		"rule_id": types.StringNull(), "field": types.StringNull(),
		"added": types.ListValueMust(types.StringType, []attr.Value{}), "removed": types.ListValueMust(types.StringType, []attr.Value{}),
	}
	for k, v := range wantChange {
		if !c[k].Equal(v) {
			t.Errorf("%s = %v, want %v", k, c[k], v)
		}
	}

	bad := types.DynamicValue(types.TupleValueMust([]attr.Type{types.StringType}, []attr.Value{types.StringValue("x")}))
	resp = run(t, corsDiff, rules, bad)
	if resp.Error == nil || *resp.Error.FunctionArgument != 1 || !strings.Contains(resp.Error.Text, "approved[0] is a string: want an object") {
		t.Errorf("bad approved: %v", resp.Error)
	}
	if resp := run(t, corsDiff, types.DynamicUnknown(), rules); resp.Error != nil || !resp.Result.Value().IsUnknown() {
		t.Errorf("unknown live: %v, %v; want an unknown result", resp.Result.Value(), resp.Error)
	}
}
