package corsstate

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
)

// RulesFromValue maps a rules value back to the domain's rules: the inverse
// of RulesToState, and the reader of every function's rules argument.
//
// It takes the shape the data sources put in state (a list of objects with
// every attribute) and the shape users write by hand or read with
// jsondecode (a tuple of objects that leave out optional attributes), so it
// validates that shape itself instead of leaving it to a fixed parameter
// type:
//
//   - rules is a list or tuple of objects; null gives nil rules;
//   - a rule has allowed (required, may be null) and, optionally, id,
//     expose_headers and max_age_seconds; allowed has methods and origins
//     (required, may be null) and, optionally, headers;
//   - a left-out optional attribute reads as null, exactly like an explicit
//     null; an empty list stays an empty list;
//   - any other attribute, a value of another type, a null list element or
//     an unknown value is an error naming its path, e.g.
//     rules[1].allowed.methods[0].
func RulesFromValue(ctx context.Context, v attr.Value) ([]cors.Rule, error) {
	return RulesFromNamedValue(ctx, v, "rules")
}

// RulesFromNamedValue is RulesFromValue for a value whose errors name it
// root (approved[0].allowed rather than rules[0].allowed).
func RulesFromNamedValue(ctx context.Context, v attr.Value, root string) ([]cors.Rule, error) {
	elems, isNull, err := sequence(ctx, v, root, "a list of rule objects")
	if err != nil || isNull {
		return nil, err
	}
	rules := make([]cors.Rule, len(elems))
	for i, e := range elems {
		r, err := ruleFromValue(ctx, e, fmt.Sprintf("%s[%d]", root, i))
		if err != nil {
			return nil, err
		}
		rules[i] = r
	}
	return rules, nil
}

// The attributes of a rule and of its allowed object: required ones must be
// present (they may be null), optional ones may be left out.
var (
	ruleAttrs    = attrSpec{required: []string{"allowed"}, optional: []string{"id", "expose_headers", "max_age_seconds"}}
	allowedAttrs = attrSpec{required: []string{"methods", "origins"}, optional: []string{"headers"}}
)

// wireNames are the API's camelCase names, which a baseline copied from the
// API's JSON would use; the error then says which name to write instead.
var wireNames = map[string]string{"exposeHeaders": "expose_headers", "maxAgeSeconds": "max_age_seconds"}

type attrSpec struct{ required, optional []string }

func (s attrSpec) names() string {
	all := append(append([]string{}, s.required...), s.optional...)
	sort.Strings(all)
	return `"` + strings.Join(all, `", "`) + `"`
}

func ruleFromValue(ctx context.Context, v attr.Value, path string) (cors.Rule, error) {
	attrs, err := object(ctx, v, path, ruleAttrs, false)
	if err != nil {
		return cors.Rule{}, err
	}
	var r cors.Rule
	if r.ID, err = stringFrom(ctx, attrs["id"], path+".id"); err != nil {
		return cors.Rule{}, err
	}
	if r.Allowed, err = allowedFrom(ctx, attrs["allowed"], path+".allowed"); err != nil {
		return cors.Rule{}, err
	}
	if r.ExposeHeaders, err = stringsFrom(ctx, attrs["expose_headers"], path+".expose_headers"); err != nil {
		return cors.Rule{}, err
	}
	if r.MaxAgeSeconds, err = numberFrom(ctx, attrs["max_age_seconds"], path+".max_age_seconds"); err != nil {
		return cors.Rule{}, err
	}
	return r, nil
}

func allowedFrom(ctx context.Context, v attr.Value, path string) (*cors.Allowed, error) {
	attrs, err := object(ctx, v, path, allowedAttrs, true)
	if err != nil || attrs == nil {
		return nil, err
	}
	var a cors.Allowed
	if a.Methods, err = stringsFrom(ctx, attrs["methods"], path+".methods"); err != nil {
		return nil, err
	}
	if a.Origins, err = stringsFrom(ctx, attrs["origins"], path+".origins"); err != nil {
		return nil, err
	}
	if a.Headers, err = stringsFrom(ctx, attrs["headers"], path+".headers"); err != nil {
		return nil, err
	}
	return &a, nil
}

// underlying unwraps a dynamic value (a function argument, or an element of
// one) to the value it holds; a nil result means an absent attribute.
func underlying(ctx context.Context, v attr.Value, path string) (attr.Value, error) {
	dv, ok := v.(basetypes.DynamicValuable)
	if !ok {
		return v, nil
	}
	d, diags := dv.ToDynamicValue(ctx)
	if diags.HasError() {
		return nil, fmt.Errorf("%s: %v", path, diags)
	}
	if d.IsUnknown() || d.IsUnderlyingValueUnknown() {
		return nil, unknown(path)
	}
	if d.IsNull() || d.IsUnderlyingValueNull() {
		return basetypes.NewDynamicNull(), nil
	}
	return d.UnderlyingValue(), nil
}

// sequence returns the elements of a list or tuple, or isNull for null.
func sequence(ctx context.Context, v attr.Value, path, want string) (elems []attr.Value, isNull bool, err error) {
	if v, err = underlying(ctx, v, path); err != nil {
		return nil, false, err
	}
	if v == nil {
		return nil, true, nil // Left out.
	}
	if v.IsUnknown() {
		return nil, false, unknown(path)
	}
	if v.IsNull() {
		return nil, true, nil
	}
	switch s := v.(type) {
	case basetypes.TupleValue:
		return s.Elements(), false, nil
	case basetypes.SetValuable:
		return nil, false, fmt.Errorf("%s is a set: want %s, in order (a set has no order, and the first matching rule wins)", path, want)
	case basetypes.ListValuable:
		l, d := s.ToListValue(ctx)
		if d.HasError() {
			return nil, false, fmt.Errorf("%s: %v", path, d)
		}
		return l.Elements(), false, nil
	}
	return nil, false, wrongType(path, want, v)
}

// object returns an object's attributes after checking their names against
// spec, or nil for null when nullable.
func object(ctx context.Context, v attr.Value, path string, spec attrSpec, nullable bool) (map[string]attr.Value, error) {
	v, err := underlying(ctx, v, path)
	if err != nil {
		return nil, err
	}
	ov, ok := v.(basetypes.ObjectValuable)
	if !ok {
		switch {
		case v != nil && v.IsNull() && nullable:
			return nil, nil
		case v != nil && v.IsNull():
			return nil, fmt.Errorf("%s is null: a rule must be an object", path)
		}
		return nil, wrongType(path, "an object", v)
	}
	o, d := ov.ToObjectValue(ctx)
	if d.HasError() {
		return nil, fmt.Errorf("%s: %v", path, d)
	}
	switch {
	case o.IsUnknown():
		return nil, unknown(path)
	case o.IsNull() && nullable:
		return nil, nil
	case o.IsNull():
		return nil, fmt.Errorf("%s is null: a rule must be an object", path)
	}
	attrs := o.Attributes()
	names := make([]string, 0, len(attrs))
	for name := range attrs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if slices.Contains(spec.required, name) || slices.Contains(spec.optional, name) {
			continue
		}
		if snake, ok := wireNames[name]; ok {
			return nil, fmt.Errorf("%s has the attribute %q: write %q (the API's camelCase names are snake_case here)", path, name, snake)
		}
		return nil, fmt.Errorf("%s has the unexpected attribute %q: a %s has only %s", path, name, specNoun(spec), spec.names())
	}
	for _, name := range spec.required {
		if _, ok := attrs[name]; !ok {
			return nil, fmt.Errorf("%s.%s is required: %s", path, name, requiredHint[name])
		}
	}
	return attrs, nil
}

var requiredHint = map[string]string{
	"allowed": `write allowed = { methods = [...], origins = [...] }`,
	"methods": `list the methods allowed, e.g. methods = ["GET"]`,
	"origins": `list the origins allowed, e.g. origins = ["https://app.example.com"]`,
}

func specNoun(s attrSpec) string {
	if slices.Contains(s.required, "allowed") {
		return "rule"
	}
	return "rule's allowed object"
}

func stringsFrom(ctx context.Context, v attr.Value, path string) ([]string, error) {
	elems, isNull, err := sequence(ctx, v, path, "a list of strings")
	if err != nil || isNull {
		return nil, err
	}
	out := make([]string, len(elems))
	for i, e := range elems {
		p := fmt.Sprintf("%s[%d]", path, i)
		s, err := stringFrom(ctx, e, p)
		if err != nil {
			return nil, err
		}
		if s == nil {
			return nil, fmt.Errorf("%s is null: a list of strings cannot hold null", p)
		}
		out[i] = *s
	}
	return out, nil
}

func stringFrom(ctx context.Context, v attr.Value, path string) (*string, error) {
	v, err := underlying(ctx, v, path)
	if err != nil || v == nil || v.IsNull() {
		return nil, err
	}
	sv, ok := v.(basetypes.StringValuable)
	if !ok {
		return nil, wrongType(path, "a string", v)
	}
	s, d := sv.ToStringValue(ctx)
	if d.HasError() {
		return nil, fmt.Errorf("%s: %v", path, d)
	}
	if s.IsUnknown() {
		return nil, unknown(path)
	}
	out := s.ValueString()
	return &out, nil
}

func numberFrom(ctx context.Context, v attr.Value, path string) (*json.Number, error) {
	v, err := underlying(ctx, v, path)
	if err != nil || v == nil || v.IsNull() {
		return nil, err
	}
	nv, ok := v.(basetypes.NumberValuable)
	if !ok {
		return nil, wrongType(path, "a number", v)
	}
	n, d := nv.ToNumberValue(ctx)
	if d.HasError() {
		return nil, fmt.Errorf("%s: %v", path, d)
	}
	if n.IsUnknown() {
		return nil, unknown(path)
	}
	f := n.ValueBigFloat()
	if f == nil {
		return nil, nil
	}
	s, err := formatNumber(f)
	if err == nil {
		// The same bounds as an answer of the API: a review must not pass
		// a baseline the data sources would refuse to read.
		err = cors.ValidateMaxAge(s)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &s, nil
}

// formatNumber writes f as a JSON number that cors.ParseNumber reads back to the
// same value: integers in full, others in the shortest form that round-trips.
func formatNumber(f *big.Float) (json.Number, error) {
	if f.IsInf() {
		return "", fmt.Errorf("%v is not a finite number", f)
	}
	if f.IsInt() {
		return json.Number(f.Text('f', 0)), nil
	}
	return json.Number(f.Text('g', -1)), nil
}

func unknown(path string) error {
	return fmt.Errorf("%s is unknown: the rules must be fully known to be read (is it computed during apply?)", path)
}

func wrongType(path, want string, v attr.Value) error {
	if v == nil {
		return fmt.Errorf("%s is missing: want %s", path, want)
	}
	return fmt.Errorf("%s is %s: want %s", path, TypeNoun(v), want)
}

// TypeNoun names a value's type as a Terraform user knows it ("a string",
// "a list"), looking inside a dynamic value; "missing" for none.
func TypeNoun(v attr.Value) string {
	switch d := v.(type) {
	case nil:
		return "missing"
	case basetypes.DynamicValue:
		if d.IsNull() || d.IsUnderlyingValueNull() {
			return "null"
		}
		return TypeNoun(d.UnderlyingValue())
	}
	switch v.(type) {
	case basetypes.StringValuable:
		return "a string"
	case basetypes.NumberValuable, basetypes.Int64Valuable, basetypes.Float64Valuable, basetypes.Int32Valuable, basetypes.Float32Valuable:
		return "a number"
	case basetypes.BoolValuable:
		return "a bool"
	case basetypes.ObjectValuable:
		return "an object"
	case basetypes.MapValuable:
		return "a map"
	case basetypes.TupleValue, basetypes.ListValuable:
		return "a list"
	case basetypes.SetValuable:
		return "a set"
	}
	return fmt.Sprintf("a %T", v)
}
