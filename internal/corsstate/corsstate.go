// Package corsstate is the Terraform shape of a CORS policy: the object type
// of the rules attribute, shared by the data source and the provider
// functions, and the mapping from the domain's rules to Terraform values.
package corsstate

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
)

// RuleSchema is the schema of one element of a rules attribute, as every
// data source exposes it. It is the one definition of the rules' shape: the
// object types below derive from it, so the schema, the mapping and the
// functions' parameters cannot drift apart.
func RuleSchema() schema.NestedAttributeObject {
	stringList := func(desc string) schema.ListAttribute {
		return schema.ListAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: desc}
	}
	return schema.NestedAttributeObject{
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Identifier of the rule, if it has one.",
				Computed:            true,
			},
			"allowed": schema.SingleNestedAttribute{
				MarkdownDescription: "What the rule lets through.",
				Computed:            true,
				Attributes: map[string]schema.Attribute{
					"methods": stringList("HTTP methods allowed: `GET`, `PUT`, `POST`, `DELETE`, `HEAD`."),
					"origins": stringList("Origins allowed, such as `https://example.com`; `*` allows any."),
					"headers": stringList("Request headers allowed (`Access-Control-Allow-Headers`); `*` allows any."),
				},
			},
			"expose_headers": stringList("Response headers the browser may expose to scripts (`Access-Control-Expose-Headers`)."),
			"max_age_seconds": schema.NumberAttribute{
				MarkdownDescription: "How long browsers may cache the preflight answer, in seconds, " +
					"exactly as the API stores it (browsers cap it; the documented maximum is 86400). An answer " +
					"outside 0 to 1e9 seconds, with a positive value below 1e-9 or a number written in more than " +
					"64 characters is an error: such a number could cost Terraform minutes of CPU to carry.",
				Computed: true,
			},
		},
	}
}

// The object types of the rules attribute, derived from RuleSchema.
var (
	// RuleObjectType is the element type of the rules list.
	RuleObjectType = NestedObjectType(RuleSchema())
	RuleAttrTypes  = RuleObjectType.AttrTypes
	// AllowedAttrTypes is the type of a rule's allowed object.
	AllowedAttrTypes = mustObjectType(RuleAttrTypes["allowed"]).AttrTypes
)

// NestedObjectType is the object type of a nested attribute object's values,
// so that a mapping builds values of exactly the type its schema declares.
func NestedObjectType(o schema.NestedAttributeObject) types.ObjectType {
	return mustObjectType(o.Type())
}

// mustObjectType panics on a type that is not an object type: only a schema
// written wrongly, found by any test, can get there.
func mustObjectType(t attr.Type) types.ObjectType {
	ot, ok := t.(types.ObjectType)
	if !ok {
		panic(fmt.Sprintf("corsstate: %T is not types.ObjectType", t))
	}
	return ot
}

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
		n, err := cors.ParseNumber(string(*r.MaxAgeSeconds))
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
