package functions

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
	"github.com/r2tf/terraform-provider-r2/internal/corsstate"
)

// evaluateResult is the object cors_evaluate returns, attribute by
// attribute: its type (EvaluateResultAttrTypes) and its documentation both
// come from here. Each header attribute is null when R2 would not send that
// header, so a configuration can tell "not sent" from an empty value.
var evaluateResult = []attribute{
	{"allowed", "Bool", "whether a rule matched.", types.BoolType},
	{"rule_index", "Number", "the 0-based index in `rules` of the matching rule; null when none matched.", types.Int64Type},
	{"rule_id", "String", "the matching rule's `id`; null when none matched or the rule has no id.", types.StringType},
	{"allow_origin", "String", "`Access-Control-Allow-Origin`.", types.StringType},
	{"allow_methods", "String", "`Access-Control-Allow-Methods`.", types.StringType},
	{"allow_headers", "String", "`Access-Control-Allow-Headers`.", types.StringType},
	{"expose_headers", "String", "`Access-Control-Expose-Headers`.", types.StringType},
	{"max_age", "Number", "`Access-Control-Max-Age`, in seconds.", types.NumberType},
}

// EvaluateResultAttrTypes is the type of the object cors_evaluate returns.
var EvaluateResultAttrTypes = attrTypes(evaluateResult)

var (
	_ function.Function = corsEvaluate{}
	_ function.Function = corsAllows{}
)

// corsEvaluate is cors_evaluate: the full answer to a preflight.
type corsEvaluate struct{}

func newCORSEvaluate() function.Function { return corsEvaluate{} }

func (corsEvaluate) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "cors_evaluate"
}

func (corsEvaluate) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Evaluates CORS rules against a browser's preflight request",
		MarkdownDescription: "Returns what R2 would answer to a browser's CORS preflight request, given a bucket's " +
			"CORS rules: whether it is allowed, which rule decided, and the `Access-Control-*` response headers.\n\n" +
			preflightNote +
			"The result is an object:\n\n" + attrDocs(evaluateResult) + "\n" +
			"Each header attribute is null when R2 would not send that header; all are null when nothing matched.\n\n" +
			"## Semantics\n\n" + cors.Semantics,
		Parameters: preflightParameters(),
		Return:     function.ObjectReturn{AttributeTypes: EvaluateResultAttrTypes},
	}
}

func (corsEvaluate) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	rules, creq, known, ferr := preflight(ctx, req.Arguments)
	if ferr != nil {
		resp.Error = ferr
		return
	}
	if !known {
		resp.Error = resp.Result.Set(ctx, types.ObjectUnknown(EvaluateResultAttrTypes))
		return
	}
	obj, diags := resultValue(cors.Evaluate(rules, creq))
	setResult(ctx, resp, obj, diags)
}

// resultValue maps a Result to the returned object; empty headers are null.
func resultValue(r cors.Result) (types.Object, diag.Diagnostics) {
	idx := types.Int64Null()
	if r.RuleIndex >= 0 {
		idx = types.Int64Value(int64(r.RuleIndex))
	}
	id := types.StringNull()
	if r.RuleID != nil {
		id = types.StringValue(*r.RuleID)
	}
	maxAge := types.NumberNull()
	if r.MaxAge != nil {
		// The rule's number came from a Terraform number, so it parses; if it
		// somehow does not, "not sent" is the honest answer.
		if f, err := corsstate.ParseNumber(string(*r.MaxAge)); err == nil {
			maxAge = types.NumberValue(f)
		}
	}
	return types.ObjectValue(EvaluateResultAttrTypes, map[string]attr.Value{
		"allowed":        types.BoolValue(r.Allowed),
		"rule_index":     idx,
		"rule_id":        id,
		"allow_origin":   optString(r.AllowOrigin),
		"allow_methods":  optString(r.AllowMethods),
		"allow_headers":  optString(r.AllowHeaders),
		"expose_headers": optString(r.ExposeHeaders),
		"max_age":        maxAge,
	})
}

func optString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// corsAllows is cors_allows: just the verdict, for conditions.
type corsAllows struct{}

func newCORSAllows() function.Function { return corsAllows{} }

func (corsAllows) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "cors_allows"
}

func (corsAllows) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Reports whether CORS rules allow a browser's preflight request",
		MarkdownDescription: "Returns `true` when R2 would allow a browser's CORS preflight request under a " +
			"bucket's CORS rules, `false` otherwise. It is `provider::r2::cors_evaluate(...).allowed`; see " +
			"`cors_evaluate` for the response headers.\n\n" +
			preflightNote +
			"## Semantics\n\n" + cors.Semantics,
		Parameters: preflightParameters(),
		Return:     function.BoolReturn{},
	}
}

func (corsAllows) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	rules, creq, known, ferr := preflight(ctx, req.Arguments)
	if ferr != nil {
		resp.Error = ferr
		return
	}
	if !known {
		resp.Error = resp.Result.Set(ctx, types.BoolUnknown())
		return
	}
	resp.Error = resp.Result.Set(ctx, types.BoolValue(cors.Evaluate(rules, creq).Allowed))
}
