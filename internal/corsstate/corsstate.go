// Package corsstate is the Terraform shape of a CORS policy: the object type
// of the rules attribute, shared by the data source and the provider
// functions, and the mapping from the domain's rules to Terraform values.
package corsstate

import (
	"fmt"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
)

// The object types of the rules attribute; the schema, the functions and the
// mapping share them.
var (
	AllowedAttrTypes = map[string]attr.Type{
		"methods": types.ListType{ElemType: types.StringType},
		"origins": types.ListType{ElemType: types.StringType},
		"headers": types.ListType{ElemType: types.StringType},
	}
	RuleAttrTypes = map[string]attr.Type{
		"id":              types.StringType,
		"allowed":         types.ObjectType{AttrTypes: AllowedAttrTypes},
		"expose_headers":  types.ListType{ElemType: types.StringType},
		"max_age_seconds": types.NumberType,
	}
	// RuleObjectType is the element type of the rules list.
	RuleObjectType = types.ObjectType{AttrTypes: RuleAttrTypes}
)

// RulesToState maps the API's rules, in order, to the rules attribute. A nil
// slice or pointer (the API left the field out) becomes null; an empty list
// stays an empty list.
func RulesToState(rules []cors.Rule) (types.List, error) {
	elems := make([]attr.Value, len(rules))
	for i, r := range rules {
		obj, err := ruleToState(r)
		if err != nil {
			return types.ListNull(RuleObjectType), fmt.Errorf("rule %d: %w", i, err)
		}
		elems[i] = obj
	}
	list, diags := types.ListValue(RuleObjectType, elems)
	if diags.HasError() {
		return types.ListNull(RuleObjectType), fmt.Errorf("building the rules list: %v", diags)
	}
	return list, nil
}

func ruleToState(r cors.Rule) (attr.Value, error) {
	allowed := types.ObjectNull(AllowedAttrTypes)
	if r.Allowed != nil {
		obj, d := types.ObjectValue(AllowedAttrTypes, map[string]attr.Value{
			"methods": stringList(r.Allowed.Methods),
			"origins": stringList(r.Allowed.Origins),
			"headers": stringList(r.Allowed.Headers),
		})
		if d.HasError() {
			return nil, fmt.Errorf("%v", d)
		}
		allowed = obj
	}
	id := types.StringNull()
	if r.ID != nil {
		id = types.StringValue(*r.ID)
	}
	maxAge := types.NumberNull()
	if r.MaxAgeSeconds != nil {
		n, err := ParseNumber(string(*r.MaxAgeSeconds))
		if err != nil {
			return nil, fmt.Errorf("max_age_seconds %q: %w", *r.MaxAgeSeconds, err)
		}
		maxAge = types.NumberValue(n)
	}
	obj, d := types.ObjectValue(RuleAttrTypes, map[string]attr.Value{
		"id":              id,
		"allowed":         allowed,
		"expose_headers":  stringList(r.ExposeHeaders),
		"max_age_seconds": maxAge,
	})
	if d.HasError() {
		return nil, fmt.Errorf("%v", d)
	}
	return obj, nil
}

// stringList keeps null (nil) apart from empty.
func stringList(ss []string) types.List {
	if ss == nil {
		return types.ListNull(types.StringType)
	}
	elems := make([]attr.Value, len(ss))
	for i, s := range ss {
		elems[i] = types.StringValue(s)
	}
	return types.ListValueMust(types.StringType, elems)
}

// ParseNumber reads a JSON number exactly, at the precision Terraform uses.
func ParseNumber(s string) (*big.Float, error) {
	f, _, err := big.ParseFloat(s, 10, 512, big.ToNearestEven)
	return f, err
}
