package provider

import (
	"context"
	"fmt"
	"math/big"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/r2tf/terraform-provider-r2/internal/tfkit"
)

// Every data source (and resource) writes its state with tfkit.SetState,
// which must write what the framework's State.Set writes. The model is
// built from the schema (a struct of the framework's value types, a field
// per attribute, tagged with its name) and filled with values of every
// shape the schema allows: set and repeated (SetState shares equal values),
// null members, empty lists and strings, all null. A new data source is
// covered by its registration line.
func TestSetStateMatchesStateSet(t *testing.T) {
	ctx := context.Background()
	for _, k := range registered(t, &r2Provider{version: "test"}) {
		if k.emptyState == nil {
			continue // a function
		}
		t.Run(k.name, func(t *testing.T) {
			objType, ok := k.emptyState().Schema.Type().(basetypes.ObjectType)
			if !ok {
				t.Fatalf("the schema's type is %T", k.emptyState().Schema.Type())
			}
			var fields []reflect.StructField
			var names []string
			for name, typ := range objType.AttrTypes {
				fields = append(fields, reflect.StructField{Name: fmt.Sprintf("F%d", len(fields)), Type: goType(t, typ),
					Tag: reflect.StructTag(`tfsdk:"` + name + `"`)})
				names = append(names, name)
			}
			modelType := reflect.StructOf(fields)
			for _, shape := range []string{"values", "empties", "nulls"} {
				model := reflect.New(modelType)
				for i, name := range names {
					model.Elem().Field(i).Set(reflect.ValueOf(sample(t, objType.AttrTypes[name], shape, 0)))
				}
				want := k.emptyState()
				if diags := want.Set(ctx, model.Interface()); diags.HasError() {
					t.Fatalf("%s: State.Set: %v", shape, diags)
				}
				got := k.emptyState()
				if diags := tfkit.SetState(ctx, &got, model.Interface()); diags.HasError() {
					t.Fatalf("%s: SetState: %v", shape, diags)
				}
				if !got.Raw.Equal(want.Raw) {
					t.Errorf("%s: SetState differs from State.Set:\n got %s\nwant %s", shape, got.Raw, want.Raw)
				}
			}
		})
	}
}

// goType is the framework's value type of an attribute type.
func goType(t *testing.T, typ attr.Type) reflect.Type {
	t.Helper()
	switch typ.(type) {
	case basetypes.StringType:
		return reflect.TypeFor[types.String]()
	case basetypes.BoolType:
		return reflect.TypeFor[types.Bool]()
	case basetypes.Int64Type:
		return reflect.TypeFor[types.Int64]()
	case basetypes.NumberType:
		return reflect.TypeFor[types.Number]()
	case basetypes.ListType:
		return reflect.TypeFor[types.List]()
	case basetypes.SetType:
		return reflect.TypeFor[types.Set]()
	case basetypes.MapType:
		return reflect.TypeFor[types.Map]()
	case basetypes.ObjectType:
		return reflect.TypeFor[types.Object]()
	}
	t.Fatalf("no value type for %s: add it to goType and sample", typ)
	return nil
}

// sample is a value of typ in a shape: "values" (lists of four elements,
// the first and the last equal, the second object's members null),
// "empties" (empty lists, sets and maps, "" and 0) or "nulls". i varies the
// value among elements.
func sample(t *testing.T, typ attr.Type, shape string, i int) attr.Value {
	t.Helper()
	elems := func(elem attr.Type, n int) []attr.Value {
		if shape == "empties" {
			return []attr.Value{}
		}
		out := make([]attr.Value, n)
		for j := range out {
			out[j] = sample(t, elem, shape, j%3) // 0, 1, 2, 0: the first and the last are equal
		}
		return out
	}
	switch typ := typ.(type) {
	case basetypes.StringType:
		if shape == "nulls" {
			return types.StringNull()
		}
		return types.StringValue(map[string]string{"values": fmt.Sprintf("v%d", i)}[shape])
	case basetypes.BoolType:
		if shape == "nulls" {
			return types.BoolNull()
		}
		return types.BoolValue(i%2 == 0)
	case basetypes.Int64Type:
		if shape == "nulls" {
			return types.Int64Null()
		}
		return types.Int64Value(map[string]int64{"values": int64(i) + 7}[shape])
	case basetypes.NumberType:
		if shape == "nulls" {
			return types.NumberNull()
		}
		return types.NumberValue(big.NewFloat(map[string]float64{"values": float64(i) + 1.5}[shape]))
	case basetypes.ListType:
		if shape == "nulls" {
			return types.ListNull(typ.ElemType)
		}
		return types.ListValueMust(typ.ElemType, elems(typ.ElemType, 4))
	case basetypes.SetType:
		if shape == "nulls" {
			return types.SetNull(typ.ElemType)
		}
		return types.SetValueMust(typ.ElemType, elems(typ.ElemType, 2)) // two distinct elements
	case basetypes.MapType:
		if shape == "nulls" {
			return types.MapNull(typ.ElemType)
		}
		m := map[string]attr.Value{}
		for j, v := range elems(typ.ElemType, 2) {
			m[fmt.Sprintf("k%d", j)] = v
		}
		return types.MapValueMust(typ.ElemType, m)
	case basetypes.ObjectType:
		if shape == "nulls" {
			return types.ObjectNull(typ.AttrTypes)
		}
		members := map[string]attr.Value{}
		for name, at := range typ.AttrTypes {
			memberShape := shape
			if shape == "values" && i == 1 {
				memberShape = "nulls"
			}
			members[name] = sample(t, at, memberShape, i)
		}
		return types.ObjectValueMust(typ.AttrTypes, members)
	}
	t.Fatalf("no sample of %s: add it to goType and sample", typ)
	return nil
}
