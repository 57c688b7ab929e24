package datasources

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
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
	typ := state.Schema.Type().TerraformType(ctx)
	vals := make(map[string]tftypes.Value, len(attrs))
	for name, v := range attrs {
		tv, err := v.ToTerraformValue(ctx)
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
