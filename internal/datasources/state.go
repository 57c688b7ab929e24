package datasources

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// setState is how every data source writes its state: the value is built
// directly from the model's attribute values and checked against the
// schema's type. The framework's State.Set reaches the same value through
// reflection over the model and costs about twenty times as much per read
// (BENCHMARKS.md), which a plan of a thousand reads, or a sweep's state of
// a thousand buckets, feels. TestSetStateMatchesStateSet keeps the two equal
// for every data source.
func setState(ctx context.Context, state *tfsdk.State, attrs map[string]attr.Value) diag.Diagnostics {
	var diags diag.Diagnostics
	objType, ok := state.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		diags.AddError("Cannot Write State", "The schema is not an object. This is a bug in the provider; please report it.")
		return diags
	}
	typ := tftypes.Type(objType)
	vals := make(map[string]tftypes.Value, len(attrs))
	for name, v := range attrs {
		tv, err := terraformValue(ctx, objType.AttributeTypes[name], v)
		if err != nil {
			diags.AddError("Cannot Write State", fmt.Sprintf("Attribute %q: %s. This is a bug in the provider; please report it.", name, err))
			return diags
		}
		vals[name] = tv
	}
	if err := tftypes.ValidateValue(typ, vals); err != nil {
		diags.AddError("Cannot Write State", fmt.Sprintf("%s. This is a bug in the provider; please report it.", err))
		return diags
	}
	state.Raw = tftypes.NewValue(typ, vals)
	return diags
}

// terraformValue is v.ToTerraformValue(ctx), except that every list and
// object in it has typ's type, shared, where ToTerraformValue builds each
// element's type afresh: a sweep of 5000 buckets held some 10,000 copies of
// the rule's type, about a third of its state's memory (BENCHMARKS.md).
func terraformValue(ctx context.Context, typ tftypes.Type, v attr.Value) (tftypes.Value, error) {
	if v.IsNull() || v.IsUnknown() {
		return v.ToTerraformValue(ctx)
	}
	switch v := v.(type) {
	case basetypes.ListValue:
		lt, ok := typ.(tftypes.List)
		if !ok {
			return tftypes.Value{}, fmt.Errorf("a list where the schema has %s", typ)
		}
		elems := make([]tftypes.Value, len(v.Elements()))
		for i, e := range v.Elements() {
			tv, err := terraformValue(ctx, lt.ElementType, e)
			if err != nil {
				return tftypes.Value{}, err
			}
			elems[i] = tv
		}
		return checkedValue(typ, elems)
	case basetypes.ObjectValue:
		ot, ok := typ.(tftypes.Object)
		if !ok {
			return tftypes.Value{}, fmt.Errorf("an object where the schema has %s", typ)
		}
		vals := make(map[string]tftypes.Value, len(v.Attributes()))
		for name, a := range v.Attributes() {
			tv, err := terraformValue(ctx, ot.AttributeTypes[name], a)
			if err != nil {
				return tftypes.Value{}, fmt.Errorf("%s: %w", name, err)
			}
			vals[name] = tv
		}
		return checkedValue(typ, vals)
	}
	return v.ToTerraformValue(ctx)
}

// checkedValue is tftypes.NewValue with an error instead of a panic.
func checkedValue(typ tftypes.Type, v any) (tftypes.Value, error) {
	if err := tftypes.ValidateValue(typ, v); err != nil {
		return tftypes.Value{}, err
	}
	return tftypes.NewValue(typ, v), nil
}
