package functions

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
	"github.com/r2tf/terraform-provider-r2/internal/corsstate"
)

// finding is one element of what cors_findings returns.
var finding = []attribute{
	{"code", "String", "the finding's code, stable (see the catalogue below).", types.StringType},
	{"severity", "String", "`high`, `medium` or `low`.", types.StringType},
	{"rule_index", "Number", "the 0-based index of the rule at fault; null for a finding about the whole policy (no code of the current catalogue is one; a configuration should allow for it).", types.Int64Type},
	{"rule_id", "String", "that rule's `id`; null when it has none.", types.StringType},
	{"message", "String", "one sentence: what is wrong, in which rule, and what to do.", types.StringType},
}

// FindingObjectType is the element type of cors_findings' result.
var FindingObjectType = types.ObjectType{AttrTypes: attrTypes(finding)}

// change is one element of cors_diff's changes.
var change = []attribute{
	{"kind", "String", "`added` (a live rule the approved policy lacks), `removed`, `changed` (one field of a paired rule) or `moved`.", types.StringType},
	{"rule_index", "Number", "the rule's 0-based index in `live`; null for `removed`.", types.Int64Type},
	{"approved_index", "Number", "its index in `approved`; null for `added`.", types.Int64Type},
	{"rule_id", "String", "the rule's `id`; null when it has none.", types.StringType},
	{"field", "String", "for `changed`: `allowed.origins`, `allowed.methods`, `allowed.headers`, `expose_headers`, `max_age_seconds` or `id`; null otherwise.", types.StringType},
	{"added", "List of String", "the values the live field has and the approved one has not; empty otherwise.", types.ListType{ElemType: types.StringType}},
	{"removed", "List of String", "the values the approved field has and the live one has not; empty otherwise.", types.ListType{ElemType: types.StringType}},
	{"message", "String", "one sentence naming the rule, for a `check` block's `error_message`.", types.StringType},
}

// ChangeObjectType is the element type of cors_diff's changes.
var ChangeObjectType = types.ObjectType{AttrTypes: attrTypes(change)}

// diffResult is the object cors_diff returns.
var diffResult = []attribute{
	{"equal", "Bool", "whether both policies answer every preflight the same way (see below).", types.BoolType},
	{"changes", "List of Object", "the differences, in live rule order, then the removed rules.", types.ListType{ElemType: ChangeObjectType}},
}

// DiffResultAttrTypes is the type of the object cors_diff returns.
var DiffResultAttrTypes = attrTypes(diffResult)

// corsFindings is cors_findings: what is risky or dead in a policy.
var corsFindings = providerFunction{name: "cors_findings", definition: findingsDefinition, run: runFindings}

func findingsDefinition() function.Definition {
	return function.Definition{
		Summary: "Reviews CORS rules: what is risky, and what never applies",
		MarkdownDescription: "Reviews a bucket's CORS rules as R2 applies them and returns one object per finding, in rule " +
			"order; an empty list means nothing to report. Each finding is an object:\n\n" + attrDocs(finding) + "\n" +
			"## Catalogue\n\n" + catalogueTable() + "\n" +
			"Shared-hosting domains (`shared-hosting-origin`), where anyone can get a subdomain, are the Public Suffix " +
			"List's private section (`workers.dev`, `pages.dev`, `r2.dev`, `github.io`, `vercel.app`, `s3.amazonaws.com`, " +
			"and thousands more) and the services the list lacks: " + openSuffixList() + ".\n\n" +
			cors.FindingsDoc,
		Parameters: []function.Parameter{rulesParameter("rules", "The bucket's CORS rules, in order, typically `data.r2_bucket_cors.<name>.rules`.")},
		Return:     function.ListReturn{ElementType: FindingObjectType},
	}
}

func catalogueTable() string {
	var b strings.Builder
	b.WriteString("| code | severity | reports |\n|---|---|---|\n")
	for _, c := range cors.Catalogue {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", c.Code, c.Severity, c.Summary)
	}
	return b.String()
}

func openSuffixList() string {
	q := make([]string, len(cors.OpenSuffixes))
	for i, s := range cors.OpenSuffixes {
		q[i] = "`" + s + "`"
	}
	return strings.Join(q, ", ")
}

func runFindings(ctx context.Context, args function.ArgumentsData, resp *function.RunResponse) {
	arg, ferr := dynamicArgument(ctx, args, 0)
	if ferr != nil {
		resp.Error = ferr
		return
	}
	rules, known, ferr := rulesArgument(ctx, arg, 0, "rules")
	switch {
	case ferr != nil:
		resp.Error = ferr
		return
	case !known:
		resp.Error = resp.Result.Set(ctx, types.ListUnknown(FindingObjectType))
		return
	}
	found := cors.Findings(rules)
	elems := make([]attr.Value, len(found))
	var diags diag.Diagnostics
	for i, f := range found {
		obj, d := types.ObjectValue(FindingObjectType.AttrTypes, map[string]attr.Value{
			"code":       types.StringValue(f.Code),
			"severity":   types.StringValue(string(f.Severity)),
			"rule_index": optIndex(f.RuleIndex),
			"rule_id":    types.StringPointerValue(f.RuleID),
			"message":    types.StringValue(f.Message),
		})
		diags.Append(d...)
		elems[i] = obj
	}
	list, d := types.ListValue(FindingObjectType, elems)
	diags.Append(d...)
	setResult(ctx, resp, list, diags)
}

// corsDiff is cors_diff: is the live policy still the approved one?
var corsDiff = providerFunction{name: "cors_diff", definition: diffDefinition, run: runDiff}

func diffDefinition() function.Definition {
	return function.Definition{
		Summary: "Compares live CORS rules with approved ones",
		MarkdownDescription: "Compares a bucket's live CORS rules with the approved ones, rule by rule, and says whether " +
			"they answer every preflight alike. The result is an object:\n\n" + attrDocs(diffResult) +
			"\nEach change is an object:\n\n" + attrDocs(change) + "\n" + cors.DiffDoc,
		Parameters: []function.Parameter{
			rulesParameter("live", "The rules in force, typically `data.r2_bucket_cors.<name>.rules`."),
			rulesParameter("approved", "The approved rules, e.g. `jsondecode(file(\"approved/<bucket>.json\"))`."),
		},
		Return: function.ObjectReturn{AttributeTypes: DiffResultAttrTypes},
	}
}

func runDiff(ctx context.Context, args function.ArgumentsData, resp *function.RunResponse) {
	liveArg, ferr := dynamicArgument(ctx, args, 0)
	if ferr != nil {
		resp.Error = ferr
		return
	}
	approvedArg, ferr := dynamicArgument(ctx, args, 1)
	if ferr != nil {
		resp.Error = ferr
		return
	}
	live, liveKnown, ferr := rulesArgument(ctx, liveArg, 0, "live")
	if ferr != nil {
		resp.Error = ferr
		return
	}
	approved, approvedKnown, ferr := rulesArgument(ctx, approvedArg, 1, "approved")
	if ferr != nil {
		resp.Error = ferr
		return
	}
	if !liveKnown || !approvedKnown {
		resp.Error = resp.Result.Set(ctx, types.ObjectUnknown(DiffResultAttrTypes))
		return
	}
	obj, diags := diffValue(cors.Compare(live, approved))
	setResult(ctx, resp, obj, diags)
}

func diffValue(d cors.Diff) (types.Object, diag.Diagnostics) {
	var diags diag.Diagnostics
	elems := make([]attr.Value, len(d.Changes))
	for i, c := range d.Changes {
		field := types.StringNull()
		if c.Field != "" {
			field = types.StringValue(c.Field)
		}
		added, dd := types.ListValueFrom(context.Background(), types.StringType, nonNil(c.Added))
		diags.Append(dd...)
		removed, dd := types.ListValueFrom(context.Background(), types.StringType, nonNil(c.Removed))
		diags.Append(dd...)
		obj, dd := types.ObjectValue(ChangeObjectType.AttrTypes, map[string]attr.Value{
			"kind":           types.StringValue(c.Kind),
			"rule_index":     optIndex(c.LiveIndex),
			"approved_index": optIndex(c.ApprovedIndex),
			"rule_id":        types.StringPointerValue(c.RuleID),
			"field":          field,
			"added":          added,
			"removed":        removed,
			"message":        types.StringValue(c.Message),
		})
		diags.Append(dd...)
		elems[i] = obj
	}
	changes, dd := types.ListValue(ChangeObjectType, elems)
	diags.Append(dd...)
	obj, dd := types.ObjectValue(DiffResultAttrTypes, map[string]attr.Value{
		"equal":   types.BoolValue(d.Equal),
		"changes": changes,
	})
	diags.Append(dd...)
	return obj, diags
}

func nonNil(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}

func optIndex(i int) types.Int64 {
	if i < 0 {
		return types.Int64Null()
	}
	return types.Int64Value(int64(i))
}

// rulesArgument reads the rules argument name at position pos; known is
// false when it holds an unknown value (the result is then unknown until
// apply).
func rulesArgument(ctx context.Context, v types.Dynamic, pos int64, name string) (rules []cors.Rule, known bool, ferr *function.FuncError) {
	if v.IsNull() || v.IsUnderlyingValueNull() {
		return nil, false, function.NewArgumentFuncError(pos, name+" must not be null: pass a list of rules, [] for none")
	}
	if !fullyKnown(ctx, v) {
		return nil, false, nil
	}
	rules, err := corsstate.RulesFromNamedValue(ctx, v, name)
	if err == nil {
		err = cors.CheckPolicySize(rules)
		if err != nil {
			err = fmt.Errorf("%s: %w", name, err)
		}
	}
	if err != nil {
		return nil, false, function.NewArgumentFuncError(pos, err.Error())
	}
	return rules, true, nil
}
