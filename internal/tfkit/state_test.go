package tfkit

import (
	"context"
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// kinds is a schema with an attribute of every kind the data sources use.
var kinds = schema.Schema{Attributes: map[string]schema.Attribute{
	"id":      schema.StringAttribute{Computed: true},
	"absent":  schema.StringAttribute{Optional: true},
	"count":   schema.Int64Attribute{Computed: true},
	"flag":    schema.BoolAttribute{Computed: true},
	"age":     schema.NumberAttribute{Computed: true},
	"names":   schema.ListAttribute{ElementType: types.StringType, Computed: true},
	"regions": schema.SetAttribute{ElementType: types.StringType, Optional: true},
	"items": schema.ListNestedAttribute{Computed: true, NestedObject: schema.NestedAttributeObject{
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{Computed: true},
			"tags": schema.ListAttribute{ElementType: types.StringType, Computed: true},
		},
	}},
	"owner": schema.SingleNestedAttribute{Computed: true, Attributes: map[string]schema.Attribute{
		"name": schema.StringAttribute{Computed: true},
	}},
}}

type kindsModel struct {
	ID      types.String `tfsdk:"id"`
	Absent  types.String `tfsdk:"absent"`
	Count   types.Int64  `tfsdk:"count"`
	Flag    types.Bool   `tfsdk:"flag"`
	Age     types.Number `tfsdk:"age"`
	Names   types.List   `tfsdk:"names"`
	Regions types.Set    `tfsdk:"regions"`
	Items   types.List   `tfsdk:"items"`
	Owner   types.Object `tfsdk:"owner"`
	note    string       // unexported: not an attribute
	Ignored string       `tfsdk:"-"`
}

func TestSetStateMatchesStateSetForEveryKind(t *testing.T) {
	ctx := context.Background()
	itemType := types.ObjectType{AttrTypes: map[string]attr.Type{"name": types.StringType, "tags": types.ListType{ElemType: types.StringType}}}
	item := func(name string, tags ...string) attr.Value {
		elems := make([]attr.Value, len(tags))
		for i, tag := range tags {
			elems[i] = types.StringValue(tag)
		}
		return types.ObjectValueMust(itemType.AttrTypes, map[string]attr.Value{
			"name": types.StringValue(name), "tags": types.ListValueMust(types.StringType, elems)})
	}
	strs := func(ss ...string) []attr.Value {
		out := make([]attr.Value, len(ss))
		for i, s := range ss {
			out[i] = types.StringValue(s)
		}
		return out
	}
	ownerType := map[string]attr.Type{"name": types.StringType}
	models := map[string]kindsModel{
		"every value set, equal values repeated": {
			ID: types.StringValue("x"), Absent: types.StringValue("here"), Count: types.Int64Value(3), Flag: types.BoolValue(true),
			Age:     types.NumberValue(big.NewFloat(1.5)),
			Names:   types.ListValueMust(types.StringType, strs("a", "b", "a")),
			Regions: types.SetValueMust(types.StringType, strs("eu", "us")),
			Items:   types.ListValueMust(itemType, []attr.Value{item("a", "x", "y"), item("b"), item("a", "x", "y")}),
			Owner:   types.ObjectValueMust(ownerType, map[string]attr.Value{"name": types.StringValue("me")}),
			note:    "left out", Ignored: "left out",
		},
		"nulls and empties": {
			ID: types.StringValue(""), Absent: types.StringNull(), Count: types.Int64Null(), Flag: types.BoolNull(), Age: types.NumberNull(),
			Names: types.ListValueMust(types.StringType, nil), Regions: types.SetNull(types.StringType),
			Items: types.ListNull(itemType), Owner: types.ObjectNull(ownerType),
		},
		"unknowns": {
			ID: types.StringUnknown(), Absent: types.StringNull(), Count: types.Int64Unknown(), Flag: types.BoolValue(false),
			Age: types.NumberValue(big.NewFloat(0)), Names: types.ListUnknown(types.StringType), Regions: types.SetUnknown(types.StringType),
			Items: types.ListValueMust(itemType, []attr.Value{types.ObjectNull(itemType.AttrTypes)}), Owner: types.ObjectUnknown(ownerType),
		},
	}
	for name, m := range models {
		t.Run(name, func(t *testing.T) {
			want := tfsdk.State{Schema: kinds}
			if diags := want.Set(ctx, &m); diags.HasError() {
				t.Fatal(diags)
			}
			got := tfsdk.State{Schema: kinds}
			if diags := SetState(ctx, &got, &m); diags.HasError() {
				t.Fatal(diags)
			}
			if !got.Raw.Equal(want.Raw) {
				t.Errorf("SetState differs from State.Set:\n got %s\nwant %s", got.Raw, want.Raw)
			}
		})
	}
}

// A model that does not fit the schema is a diagnostic, not a panic.
func TestSetStateRejectsAWrongShape(t *testing.T) {
	type partial struct {
		ID types.String `tfsdk:"id"`
	}
	type wrongType struct {
		ID types.Int64 `tfsdk:"id"`
	}
	schema := schema.Schema{Attributes: map[string]schema.Attribute{
		"id":    schema.StringAttribute{Computed: true},
		"rules": schema.ListAttribute{ElementType: types.StringType, Computed: true},
	}}
	ctx := context.Background()
	state := tfsdk.State{Schema: schema}
	if diags := SetState(ctx, &state, &partial{ID: types.StringValue("x")}); !diags.HasError() {
		t.Error("want an error for a model missing attributes")
	}
	if diags := SetState(ctx, &state, &wrongType{ID: types.Int64Value(1)}); !diags.HasError() {
		t.Error("want an error for a value of the wrong type")
	}
}

// A model SetState cannot read is a diagnostic naming the mistake, found
// before any value is written.
func TestSetStateRejectsABadModel(t *testing.T) {
	type base struct {
		ID types.String `tfsdk:"id"`
	}
	type untagged struct {
		ID types.String
	}
	type notAValue struct {
		ID string `tfsdk:"id"`
	}
	type pointer struct {
		ID *types.String `tfsdk:"id"`
	}
	type twice struct {
		ID    types.String `tfsdk:"id"`
		Again types.String `tfsdk:"id"`
	}
	type embeds struct {
		base
	}
	ctx := context.Background()
	schema := schema.Schema{Attributes: map[string]schema.Attribute{"id": schema.StringAttribute{Computed: true}}}
	for name, tc := range map[string]struct {
		set  func(*tfsdk.State) []string
		want string
	}{
		"not a struct":   {func(s *tfsdk.State) []string { v := "x"; return errs(SetState(ctx, s, &v)) }, "the model is a *string, not a pointer to a struct"},
		"not a pointer":  {func(s *tfsdk.State) []string { return errs(SetState(ctx, s, base{})) }, "the model is a tfkit.base, not a pointer"},
		"a nil pointer":  {func(s *tfsdk.State) []string { return errs(SetState(ctx, s, (*base)(nil))) }, "the model is a nil *tfkit.base"},
		"nil":            {func(s *tfsdk.State) []string { return errs(SetState(ctx, s, nil)) }, "the model is nil"},
		"untagged field": {func(s *tfsdk.State) []string { return errs(SetState(ctx, s, &untagged{})) }, "no tfsdk tag on ID"},
		"not a value":    {func(s *tfsdk.State) []string { return errs(SetState(ctx, s, &notAValue{})) }, "ID of type string, which is not a value type"},
		"a pointer":      {func(s *tfsdk.State) []string { return errs(SetState(ctx, s, &pointer{})) }, "which is not a value type"},
		"a name twice":   {func(s *tfsdk.State) []string { return errs(SetState(ctx, s, &twice{})) }, `names "id" twice (ID and Again)`},
		"embedded":       {func(s *tfsdk.State) []string { return errs(SetState(ctx, s, &embeds{})) }, "embeds tfkit.base"},
	} {
		t.Run(name, func(t *testing.T) {
			state := tfsdk.State{Schema: schema}
			got := tc.set(&state)
			if len(got) != 1 || !strings.Contains(got[0], tc.want) || !strings.Contains(got[0], "bug in the provider") {
				t.Errorf("errors = %q, want one containing %q", got, tc.want)
			}
			if !state.Raw.IsNull() {
				t.Errorf("state written: %s", state.Raw)
			}
		})
	}
}

// errs are the details of the errors among diags.
func errs(diags diag.Diagnostics) []string {
	var out []string
	for _, d := range diags.Errors() {
		out = append(out, d.Detail())
	}
	return out
}
