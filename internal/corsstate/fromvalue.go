package corsstate

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
)

// RulesFromValue maps the rules attribute (or a value of the same type, such
// as a provider function's argument) back to the domain's rules: the inverse
// of RulesToState. Null becomes nil and an empty list stays empty, at every
// level; a null list gives nil rules. Unknown values, null list elements and
// values of another type are errors naming the offending path (for example
// rules[0].allowed.origins[1]), since there is no rule they could stand for.
func RulesFromValue(ctx context.Context, v types.List) ([]cors.Rule, error) {
	if v.IsUnknown() {
		return nil, unknown("rules")
	}
	if v.IsNull() {
		return nil, nil
	}
	if et := v.ElementType(ctx); et == nil || !et.Equal(RuleObjectType) {
		return nil, fmt.Errorf("rules: element type is %v, want %v", et, RuleObjectType)
	}
	elems := v.Elements()
	rules := make([]cors.Rule, len(elems))
	for i, e := range elems {
		r, err := ruleFromValue(ctx, e, fmt.Sprintf("rules[%d]", i))
		if err != nil {
			return nil, err
		}
		rules[i] = r
	}
	return rules, nil
}

func ruleFromValue(ctx context.Context, v attr.Value, path string) (cors.Rule, error) {
	attrs, err := objectAttrs(ctx, v, path, false)
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
	attrs, err := objectAttrs(ctx, v, path, true)
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

// objectAttrs returns an object's attributes, or nil for null when nullable.
func objectAttrs(ctx context.Context, v attr.Value, path string, nullable bool) (map[string]attr.Value, error) {
	ov, ok := v.(basetypes.ObjectValuable)
	if !ok {
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
	return o.Attributes(), nil
}

func stringsFrom(ctx context.Context, v attr.Value, path string) ([]string, error) {
	lv, ok := v.(basetypes.ListValuable)
	if !ok {
		return nil, wrongType(path, "a list of strings", v)
	}
	l, d := lv.ToListValue(ctx)
	if d.HasError() {
		return nil, fmt.Errorf("%s: %v", path, d)
	}
	if l.IsUnknown() {
		return nil, unknown(path)
	}
	if l.IsNull() {
		return nil, nil
	}
	elems := l.Elements()
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
	if s.IsNull() {
		return nil, nil
	}
	out := s.ValueString()
	return &out, nil
}

func numberFrom(ctx context.Context, v attr.Value, path string) (*json.Number, error) {
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
	if n.IsNull() || f == nil {
		return nil, nil
	}
	s, err := formatNumber(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &s, nil
}

// formatNumber writes f as a JSON number that ParseNumber reads back to the
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
	return fmt.Errorf("%s is %T: want %s", path, v, want)
}
