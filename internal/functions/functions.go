// Package functions holds the provider-defined functions (Terraform 1.8 and
// later). They are thin wrappers over internal/cors (Evaluate, Findings,
// Compare), so a configuration can check, in a check block or a
// precondition, what a bucket's CORS policy lets a browser do, what is risky
// in it, and whether it is still the approved one.
package functions

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
)

// New returns the provider's functions, for provider.Functions.
// version is the provider's, which cors_review's SARIF log names.
func New(version string) []func() function.Function {
	all := []providerFunction{corsEvaluate, corsAllows, corsFindings, corsDiff, corsReviewOf(version)}
	out := make([]func() function.Function, len(all))
	for i, f := range all {
		out[i] = func() function.Function { return f }
	}
	return out
}

// providerFunction is a provider function given by its parts, so that each
// function is a value (its name, definition and run) rather than a type that
// repeats the same three methods.
type providerFunction struct {
	name       string
	definition func() function.Definition
	run        func(ctx context.Context, args function.ArgumentsData, resp *function.RunResponse)
}

var _ function.Function = providerFunction{}

func (f providerFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = f.name
}

func (f providerFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = f.definition()
}

func (f providerFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	f.run(ctx, req.Arguments, resp)
}

// Argument positions, shared by both functions.
const (
	argRules = iota
	argOrigin
	argMethod
	argRequestHeaders
)

// preflightParameters are the four parameters both functions take, so that
// cors_allows(...) is exactly cors_evaluate(...).allowed.
func preflightParameters() []function.Parameter {
	return []function.Parameter{
		rulesParameter("rules", "The bucket's CORS rules, in order, typically `data.r2_bucket_cors.<name>.rules`; "+
			"an empty list allows nothing."),
		function.StringParameter{
			Name: "origin",
			MarkdownDescription: "The request's `Origin` header, as a browser sends it: `scheme://host[:port]` with scheme " +
				"`http` or `https`, lowercase, no path and no default port, an address as browsers write it " +
				"(`http://127.0.0.1`, not `http://127.1`), e.g. `https://app.example.com`; or `null`, which sandboxed " +
				"iframes, `data:` URLs and local files send.",
		},
		function.StringParameter{
			Name: "method",
			MarkdownDescription: "The method the browser asks for (`Access-Control-Request-Method`), as it sends it: " +
				"`GET`, `PUT`, `POST`, `DELETE` and `HEAD` (uppercase) are the methods a rule can allow; any other " +
				"(`PATCH`, `OPTIONS`) is allowed by no rule, so the answer is `false`.",
		},
		function.ListParameter{
			Name:        "request_headers",
			ElementType: types.StringType,
			MarkdownDescription: "The header names the browser asks for (`Access-Control-Request-Headers`), e.g. " +
				"`[\"content-type\"]`; `[]` when none. Names compare case-insensitively.",
		},
	}
}

// dynamicArgument is the dynamic argument at position i as the framework
// holds it. ArgumentsData.Get into a types.Dynamic converts the value to
// Terraform's wire type and back by reflection: for cors_review over a sweep
// of 1000 buckets that was 40% of the call (make bench).
func dynamicArgument(ctx context.Context, args function.ArgumentsData, i int) (types.Dynamic, *function.FuncError) {
	var v attr.Value
	if ferr := args.GetArgument(ctx, i, &v); ferr != nil {
		return types.Dynamic{}, ferr
	}
	d, ok := v.(basetypes.DynamicValue)
	if !ok {
		return types.Dynamic{}, function.NewArgumentFuncError(int64(i),
			fmt.Sprintf("expected a dynamic value, got %T: this is a bug in the provider; please report it", v))
	}
	return d, nil
}

// preflight reads and checks the four arguments. known is false when some
// argument holds an unknown value inside it (Terraform skips the call only
// when a whole argument is unknown); the caller then returns an unknown
// result, as the answer is not known until apply. Known arguments are still
// checked, so a bad origin fails at plan time even then.
func preflight(ctx context.Context, args function.ArgumentsData) (rules []cors.Rule, req cors.Request, known bool, ferr *function.FuncError) {
	var (
		headersList    types.List
		origin, method types.String
	)
	rulesArg, ferr := dynamicArgument(ctx, args, 0)
	if ferr != nil {
		return nil, req, false, ferr
	}
	if ferr = args.GetArgument(ctx, 1, &origin); ferr != nil {
		return nil, req, false, ferr
	}
	if ferr = args.GetArgument(ctx, 2, &method); ferr != nil {
		return nil, req, false, ferr
	}
	if ferr = args.GetArgument(ctx, 3, &headersList); ferr != nil {
		return nil, req, false, ferr
	}
	for i, v := range []attr.Value{rulesArg, origin, method, headersList} {
		if v.IsNull() {
			return nil, req, false, function.NewArgumentFuncError(int64(i), fmt.Sprintf("%s must not be null", paramName(i)))
		}
	}
	known = !origin.IsUnknown() && !method.IsUnknown()
	if !origin.IsUnknown() {
		if err := cors.ValidateRequestOrigin(origin.ValueString()); err != nil {
			return nil, req, false, function.NewArgumentFuncError(argOrigin, err.Error())
		}
	}
	if !method.IsUnknown() {
		if err := cors.ValidateRequestMethod(method.ValueString()); err != nil {
			return nil, req, false, function.NewArgumentFuncError(argMethod, err.Error())
		}
	}
	headers, headersKnown, ferr := requestHeaders(headersList)
	if ferr != nil {
		return nil, req, false, ferr
	}
	rules, rulesKnown, ferr := rulesArgument(ctx, rulesArg, argRules, "rules")
	if ferr != nil || !known || !headersKnown || !rulesKnown {
		return nil, req, false, ferr
	}
	return rules, cors.Request{Origin: origin.ValueString(), Method: method.ValueString(), Headers: headers}, true, nil
}

// requestHeaders checks every known header name; known is false when the
// list or one of its names is unknown.
func requestHeaders(l types.List) (names []string, known bool, ferr *function.FuncError) {
	if l.IsUnknown() {
		return nil, false, nil
	}
	known = true
	elems := l.Elements()
	names = make([]string, len(elems))
	for i, e := range elems {
		s, ok := e.(types.String)
		switch {
		case !ok || s.IsNull():
			return nil, false, function.NewArgumentFuncError(argRequestHeaders, fmt.Sprintf("request_headers[%d] is null: list header names only, e.g. [\"content-type\"]", i))
		case s.IsUnknown():
			known = false
			continue
		}
		if err := cors.ValidateHeader(s.ValueString()); err != nil {
			return nil, false, function.NewArgumentFuncError(argRequestHeaders, fmt.Sprintf("request_headers[%d]: %v", i, err))
		}
		names[i] = s.ValueString()
	}
	return names, known, nil
}

// setResult sets the function's result, or its error when building the
// result failed (a provider bug: the values are built from known types).
func setResult(ctx context.Context, resp *function.RunResponse, v attr.Value, diags diag.Diagnostics) {
	if diags.HasError() {
		resp.Error = function.FuncErrorFromDiags(ctx, diags)
		return
	}
	resp.Error = resp.Result.Set(ctx, v)
}

// attribute is one attribute of an object a function returns: its type and
// its documentation come from the same line.
type attribute struct {
	name, kind, doc string
	typ             attr.Type
}

// attrTypes is the object type's attribute types.
func attrTypes(attrs []attribute) map[string]attr.Type {
	m := make(map[string]attr.Type, len(attrs))
	for _, a := range attrs {
		m[a.name] = a.typ
	}
	return m
}

// attrDocs lists the attributes in Markdown.
func attrDocs(attrs []attribute) string {
	var b strings.Builder
	for _, a := range attrs {
		fmt.Fprintf(&b, "- `%s` (%s): %s\n", a.name, a.kind, a.doc)
	}
	return b.String()
}

// rulesParameter is a parameter that takes CORS rules: the rules attribute
// of r2_bucket_cors (or r2_bucket_cors_policies), or rules written by hand or
// read with jsondecode. It is dynamic because a parameter of the fixed object
// type would make Terraform demand every optional attribute of every rule;
// corsstate.RulesFromValue checks the shape instead, with errors that name
// the path (rules[1].allowed.methods).
func rulesParameter(name, doc string) function.DynamicParameter {
	return function.DynamicParameter{
		Name: name,
		MarkdownDescription: doc + " A list of objects `{id, allowed = {methods, origins, headers}, expose_headers, " +
			"max_age_seconds}`: `allowed`, `allowed.methods` and `allowed.origins` are required, and the optional " +
			"`id`, `allowed.headers`, `expose_headers` and `max_age_seconds` may be left out (they read as null), " +
			"so rules written by hand or read with `jsondecode(file(...))` work as they are. Rules a bucket cannot hold " +
			"(more than 100, or more than 64 KB as S3's XML: R2 follows S3's limits) are refused, so no call runs " +
			"unbounded; `max_age_seconds` takes the data sources' bounds (0 to 1e9).",
	}
}

// fullyKnown reports whether v holds no unknown, at any depth. It walks
// the values rather than converting them to tftypes, which for a sweep of
// a thousand buckets cost more than the review itself.
func fullyKnown(ctx context.Context, v attr.Value) bool {
	if v == nil || v.IsNull() {
		return v == nil || !v.IsUnknown()
	}
	if v.IsUnknown() {
		return false
	}
	all := func(elems []attr.Value) bool {
		for _, e := range elems {
			if !fullyKnown(ctx, e) {
				return false
			}
		}
		return true
	}
	switch x := v.(type) {
	case basetypes.DynamicValue:
		return !x.IsUnderlyingValueUnknown() && (x.IsUnderlyingValueNull() || fullyKnown(ctx, x.UnderlyingValue()))
	case basetypes.ListValue:
		return all(x.Elements())
	case basetypes.SetValue:
		return all(x.Elements())
	case basetypes.TupleValue:
		return all(x.Elements())
	case basetypes.MapValue:
		for _, e := range x.Elements() {
			if !fullyKnown(ctx, e) {
				return false
			}
		}
		return true
	case basetypes.ObjectValue:
		for _, e := range x.Attributes() {
			if !fullyKnown(ctx, e) {
				return false
			}
		}
		return true
	case basetypes.StringValue, basetypes.NumberValue, basetypes.BoolValue, basetypes.Int64Value, basetypes.Float64Value:
		return true
	}
	// Any other type: ask Terraform's encoding.
	tv, err := v.ToTerraformValue(ctx)
	return err == nil && tv.IsFullyKnown()
}

func paramName(i int) string {
	return [...]string{"rules", "origin", "method", "request_headers"}[i]
}

// preflightNote is the shared usage note in both functions' docs.
const preflightNote = "The arguments describe a browser's preflight request: `origin`, `method` and " +
	"`request_headers` are what it sends in `Origin`, `Access-Control-Request-Method` and " +
	"`Access-Control-Request-Headers`. An argument that is not known until apply makes the result " +
	"unknown until apply.\n\n"
