package functions

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
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
	{"max_age", "Number", "`Access-Control-Max-Age`, in seconds.", types.NumberType},
	{"response_rule_index", "Number", "the 0-based index of the rule that answers the real request the preflight lets through: the first whose origin and method match, as request headers are checked only in the preflight; it may come before `rule_index`. Null when the preflight fails (the browser then sends no real request).", types.Int64Type},
	{"response_rule_id", "String", "that rule's `id`; null when none or it has none.", types.StringType},
	{"expose_headers", "String", "`Access-Control-Expose-Headers` on the real response, from the response rule: browsers read it there, never on a preflight.", types.StringType},
}

// EvaluateResultAttrTypes is the type of the object cors_evaluate returns.
var EvaluateResultAttrTypes = attrTypes(evaluateResult)

// corsEvaluate is cors_evaluate: the full answer to a preflight.
var corsEvaluate = providerFunction{name: "cors_evaluate", definition: evaluateDefinition, run: runEvaluate}

func evaluateDefinition() function.Definition {
	return function.Definition{
		Summary: "Evaluates CORS rules against a browser's preflight request",
		MarkdownDescription: "Returns what R2 would answer to a browser's CORS preflight request, given a bucket's " +
			"CORS rules: whether it is allowed, which rule decided, and the `Access-Control-*` response headers.\n\n" +
			preflightNote +
			"The result is an object:\n\n" + attrDocs(evaluateResult) + "\n" +
			"Each header attribute is null when R2 would not send that header; all are null when nothing matched. " +
			"`allowed`, `rule_index`, `rule_id`, `allow_*` and `max_age` answer the preflight; `expose_headers` is " +
			"what the real response carries (the only place a browser reads it).\n\n" +
			"## Semantics\n\n" + cors.Semantics,
		Parameters: preflightParameters(),
		Return:     function.ObjectReturn{AttributeTypes: EvaluateResultAttrTypes},
	}
}

func runEvaluate(ctx context.Context, args function.ArgumentsData, resp *function.RunResponse) {
	rules, creq, known, ferr := preflight(ctx, args)
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
	maxAge := types.NumberNull()
	if r.MaxAge != nil {
		// The rule's number came from a Terraform number, so it parses; if it
		// somehow does not, "not sent" is the honest answer.
		if f, err := cors.ParseNumber(string(*r.MaxAge)); err == nil {
			maxAge = types.NumberValue(f)
		}
	}
	return types.ObjectValue(EvaluateResultAttrTypes, map[string]attr.Value{
		"allowed":             types.BoolValue(r.Allowed),
		"rule_index":          optIndex(r.RuleIndex),
		"rule_id":             types.StringPointerValue(r.RuleID),
		"allow_origin":        optString(r.AllowOrigin),
		"allow_methods":       optString(r.AllowMethods),
		"allow_headers":       optString(r.AllowHeaders),
		"max_age":             maxAge,
		"response_rule_index": optIndex(r.ResponseRuleIndex),
		"response_rule_id":    types.StringPointerValue(r.ResponseRuleID),
		"expose_headers":      optString(r.ExposeHeaders),
	})
}

func optString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// corsAllows is cors_allows: just the verdict, for conditions.
var corsAllows = providerFunction{name: "cors_allows", definition: allowsDefinition, run: runAllows}

func allowsDefinition() function.Definition {
	return function.Definition{
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

func runAllows(ctx context.Context, args function.ArgumentsData, resp *function.RunResponse) {
	rules, creq, known, ferr := preflight(ctx, args)
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
