package tfkit

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// SetState is how every data source writes its state, as State.Set(ctx, m)
// would: m points to the model, a struct whose fields are the framework's
// values (types.String, types.List, ...) tagged `tfsdk:"name"`. The value is
// built directly from the fields, found by their tags once per model type
// (modelFields), and checked against the schema's type. State.Set reaches
// the same value through reflection over every value of the model and costs
// about twenty times as much per read (BENCHMARKS.md), which a plan of a
// thousand reads, or a sweep's state of a thousand buckets, feels.
// TestSetStateMatchesStateSet (internal/provider) keeps the two equal for
// every registered data source.
func SetState(ctx context.Context, state *tfsdk.State, m any) diag.Diagnostics {
	var diags diag.Diagnostics
	fields, err := modelFields(reflect.TypeOf(m))
	if err == nil && reflect.ValueOf(m).IsNil() {
		err = fmt.Errorf("the model is a nil %T", m)
	}
	if err != nil {
		diags.AddError("Cannot Write State", fmt.Sprintf("%s. This is a bug in the provider; please report it.", err))
		return diags
	}
	objType, ok := state.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		diags.AddError("Cannot Write State", "The schema is not an object. This is a bug in the provider; please report it.")
		return diags
	}
	typ := tftypes.Type(objType)
	model := reflect.ValueOf(m).Elem()
	vals := make(map[string]tftypes.Value, len(fields))
	shared := &internTable{}
	for _, f := range fields {
		v, _ := model.Field(f.index).Interface().(attr.Value) // modelFields checked the type.
		tv, err := terraformValue(ctx, objType.AttributeTypes[f.name], v, shared.child(f.name))
		if err != nil {
			diags.AddError("Cannot Write State", fmt.Sprintf("Attribute %q: %s. This is a bug in the provider; please report it.", f.name, err))
			return diags
		}
		vals[f.name] = tv
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
// Equal values at the same place in the schema share one value too (tbl):
// buckets often have the same policy, and methods, origins and
// jurisdictions repeat from bucket to bucket; tftypes values are never
// changed in place, so sharing is safe, and it halved the state of a
// 5000-bucket sweep.
func terraformValue(ctx context.Context, typ tftypes.Type, v attr.Value, tbl *internTable) (tftypes.Value, error) {
	if v.IsNull() || v.IsUnknown() {
		return v.ToTerraformValue(ctx)
	}
	key, keyed := valueKey(v)
	if keyed {
		if tv, ok := tbl.values[key]; ok {
			return tv, nil
		}
	}
	tv, err := newTerraformValue(ctx, typ, v, tbl)
	if err == nil && keyed {
		if tbl.values == nil {
			tbl.values = map[string]tftypes.Value{}
		}
		tbl.values[key] = tv
	}
	return tv, err
}

func newTerraformValue(ctx context.Context, typ tftypes.Type, v attr.Value, tbl *internTable) (tftypes.Value, error) {
	switch v := v.(type) {
	case basetypes.ListValue:
		lt, ok := typ.(tftypes.List)
		if !ok {
			return tftypes.Value{}, fmt.Errorf("a list where the schema has %s", typ)
		}
		elems := make([]tftypes.Value, len(v.Elements()))
		for i, e := range v.Elements() {
			tv, err := terraformValue(ctx, lt.ElementType, e, tbl.child("[]"))
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
			tv, err := terraformValue(ctx, ot.AttributeTypes[name], a, tbl.child(name))
			if err != nil {
				return tftypes.Value{}, fmt.Errorf("%s: %w", name, err)
			}
			vals[name] = tv
		}
		return checkedValue(typ, vals)
	}
	return v.ToTerraformValue(ctx)
}

// internTable holds the values built at one place in the schema (an
// attribute, or a list's elements), by valueKey, and the tables of the
// places below it.
type internTable struct {
	values   map[string]tftypes.Value
	children map[string]*internTable
}

func (t *internTable) child(name string) *internTable {
	if c, ok := t.children[name]; ok {
		return c
	}
	if t.children == nil {
		t.children = map[string]*internTable{}
	}
	c := &internTable{}
	t.children[name] = c
	return c
}

// maxKeyBytes bounds the values worth sharing: a policy or smaller. The
// key of a larger value (a whole account's list) costs more than sharing
// saves, and nothing else is likely to equal it.
const maxKeyBytes = 4 << 10

// valueKey writes v exactly (attr.Value's String rounds numbers), so that
// equal keys mean equal values of the same place in the schema; keyed is
// false for a value larger than maxKeyBytes or of a kind it does not know.
func valueKey(v attr.Value) (key string, keyed bool) {
	var b []byte
	var write func(v attr.Value) bool
	write = func(v attr.Value) bool {
		if len(b) > maxKeyBytes {
			return false
		}
		switch {
		case v.IsUnknown():
			return false
		case v.IsNull():
			b = append(b, 'n')
			return true
		}
		switch v := v.(type) {
		case basetypes.StringValue:
			b = strconv.AppendQuote(append(b, 's'), v.ValueString())
		case basetypes.BoolValue:
			b = strconv.AppendBool(append(b, 'b'), v.ValueBool())
		case basetypes.NumberValue:
			b = v.ValueBigFloat().Append(append(b, 'f'), 'g', -1)
		case basetypes.Int64Value:
			b = strconv.AppendInt(append(b, 'i'), v.ValueInt64(), 10)
		case basetypes.ListValue:
			b = append(b, '[')
			for _, e := range v.Elements() {
				if !write(e) {
					return false
				}
				b = append(b, ',')
			}
			b = append(b, ']')
		case basetypes.ObjectValue:
			attrs := v.Attributes()
			names := slices.Sorted(maps.Keys(attrs))
			b = append(b, '{')
			for _, name := range names {
				b = append(strconv.AppendQuote(b, name), ':')
				if !write(attrs[name]) {
					return false
				}
				b = append(b, ',')
			}
			b = append(b, '}')
		default:
			return false
		}
		return true
	}
	if !write(v) {
		return "", false
	}
	return string(b), true
}

// checkedValue is tftypes.NewValue with an error instead of a panic.
func checkedValue(typ tftypes.Type, v any) (tftypes.Value, error) {
	if err := tftypes.ValidateValue(typ, v); err != nil {
		return tftypes.Value{}, err
	}
	return tftypes.NewValue(typ, v), nil
}
