package functions

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
	"github.com/r2tf/terraform-provider-r2/internal/corsstate"
	"github.com/r2tf/terraform-provider-r2/internal/review"
)

// The objects cors_review returns, attribute by attribute: types and docs
// come from the same lines.
var (
	reviewSummary = []attribute{
		{"buckets", "Number", "buckets reviewed.", types.Int64Type},
		{"policies", "Number", "buckets with at least one rule.", types.Int64Type},
		{"approved", "Number", "buckets whose policy answers like its baseline.", types.Int64Type},
		{"drifted", "Number", "buckets whose policy differs from its baseline.", types.Int64Type},
		{"unapproved", "Number", "buckets with a policy and no baseline.", types.Int64Type},
		{"high", "Number", "unaccepted findings of severity high.", types.Int64Type},
		{"medium", "Number", "unaccepted findings of severity medium.", types.Int64Type},
		{"low", "Number", "unaccepted findings of severity low.", types.Int64Type},
		{"accepted", "Number", "findings an acceptance in force accepts.", types.Int64Type},
		{"expired", "Number", "acceptances past their `until`: they accept nothing.", types.Int64Type},
		{"unused", "Number", "acceptances in force that matched no finding: stale exceptions to remove.", types.Int64Type},
		{"orphaned", "Number", "`approved` keys that match no bucket (a jurisdiction in `skipped_jurisdictions` is not looked for).", types.Int64Type},
		{"skipped_jurisdictions", "List of String", "the `skipped_jurisdictions` option: what the sweep did not cover.", types.ListType{ElemType: types.StringType}},
	}
	reviewBucket = []attribute{
		{"status", "String", "`approved`, `drifted`, `unapproved` or `no_policy`.", types.StringType},
		{"high", "Number", "unaccepted high findings.", types.Int64Type},
		{"medium", "Number", "unaccepted medium findings.", types.Int64Type},
		{"low", "Number", "unaccepted low findings.", types.Int64Type},
		{"accepted", "Number", "accepted findings.", types.Int64Type},
	}
	reviewFinding = []attribute{
		{"bucket", "String", "the bucket's key, `<jurisdiction>/<name>`.", types.StringType},
		{"jurisdiction", "String", "the bucket's jurisdiction.", types.StringType},
		{"name", "String", "the bucket's name.", types.StringType},
		{"rule_index", "Number", "as in `cors_findings`.", types.Int64Type},
		{"rule_id", "String", "as in `cors_findings`.", types.StringType},
		{"code", "String", "as in `cors_findings`.", types.StringType},
		{"severity", "String", "as in `cors_findings`.", types.StringType},
		{"message", "String", "as in `cors_findings`.", types.StringType},
		{"accepted", "Bool", "whether an acceptance in force accepts it.", types.BoolType},
		{"reason", "String", "that acceptance's reason; null when not accepted.", types.StringType},
	}
	reviewDrift = []attribute{
		{"bucket", "String", "the bucket's key.", types.StringType},
		{"message", "String", "a `cors_diff` change's message, or why the bucket is unapproved.", types.StringType},
	}
)

// The object types derived from the tables.
var (
	ReviewSummaryAttrTypes  = attrTypes(reviewSummary)
	ReviewBucketObjectType  = types.ObjectType{AttrTypes: attrTypes(reviewBucket)}
	ReviewFindingObjectType = types.ObjectType{AttrTypes: attrTypes(reviewFinding)}
	ReviewDriftObjectType   = types.ObjectType{AttrTypes: attrTypes(reviewDrift)}
)

var reviewResult = []attribute{
	{"passed", "Bool", "no bucket is `drifted` or `unapproved`, and no unaccepted finding reaches `fail_on`.", types.BoolType},
	{"summary", "Object", "the counts:\n" + indent(attrDocs(reviewSummary)), types.ObjectType{AttrTypes: ReviewSummaryAttrTypes}},
	{"buckets", "Map of Object", "by key, each bucket's:\n" + indent(attrDocs(reviewBucket)), types.MapType{ElemType: ReviewBucketObjectType}},
	{"findings", "List of Object", "every finding of every bucket (accepted ones too), buckets in key order:\n" + indent(attrDocs(reviewFinding)), types.ListType{ElemType: ReviewFindingObjectType}},
	{"drift", "List of Object", "each `cors_diff` change of a `drifted` bucket and one entry per `unapproved` bucket (nothing for the others):\n" + indent(attrDocs(reviewDrift)), types.ListType{ElemType: ReviewDriftObjectType}},
	{"text", "String", fmt.Sprintf("the report for people: a first line with the verdict and the counts, then the problems grouped by bucket, the most severe first, each once, then notes on expired and unused acceptances and orphaned baselines; past %d items it ends with `... and N more`. Made for a `check`'s `error_message`.", review.MaxTextItems), types.StringType},
	{"json", "String", "`passed`, `summary`, `buckets`, `findings` and `drift` as a JSON document, for dashboards.", types.StringType},
	{"sarif", "String", fmt.Sprintf("a SARIF 2.1.0 log for GitHub code scanning (see below); at most %d results.", review.MaxSARIFResults), types.StringType},
	{"baselines", "Map of String", "by key, for every bucket with a policy, its live rules as a baseline file (pretty JSON in the `approved` format): saving each as `<baseline_dir>/<key>.json` approves the live state.", types.MapType{ElemType: types.StringType}},
}

// ReviewResultAttrTypes is the type of the object cors_review returns.
var ReviewResultAttrTypes = attrTypes(reviewResult)

// reviewOptions are cors_review's options; every one is optional.
var reviewOptions = []attribute{
	{"approved", "Map", "key → the approved rules: the JSON text of a baseline file, as `file()` returns it (a list of rules in the data sources' snake_case shape, optional fields left out), or a list of rules already decoded. A mistake names the key and the line: `approved[\"eu/web-assets\"]: line 3: ...`. A bucket's key is `<jurisdiction>/<name>`.", nil},
	{"accept", "List of Object", "accepted risks: `{ bucket, code, reason, rule_index, until }`. `bucket` is a key or `\"*\"` for every bucket; `code` a code of the catalogue (`cors_findings`); `reason` is required; `rule_index` (optional) limits it to one rule; `until` (optional) is a date (valid through that day, UTC) or an RFC 3339 time after which it accepts nothing and is reported as expired.", nil},
	{"now", "String", "the review's time, RFC 3339: required when an acceptance has an `until`. Functions must be pure, so pass `plantimestamp()`.", nil},
	{"fail_on", "String", "`high`, `medium` or `low` (default): the least severity of an unaccepted finding that fails the review. Anything else is an error.", nil},
	{"baseline_dir", "String", "the folder of the baseline files, relative to the repository's root, for the reports' locations (default `approved`): a bucket's baseline is `<baseline_dir>/<jurisdiction>/<name>.json`.", nil},
	{"skipped_jurisdictions", "List of String", "pass `data.r2_bucket_cors_policies.<x>.skipped_jurisdictions`, so that the report says what the sweep did not cover (in `summary` and on `text`'s first line); it does not fail the review.", nil},
}

// Argument positions.
const (
	argBuckets = iota
	argOptions
)

// corsReviewOf is cors_review, the account's review in one call, of the
// provider's version (its SARIF log names it).
func corsReviewOf(version string) providerFunction {
	return providerFunction{name: "cors_review", definition: reviewDefinition,
		run: func(ctx context.Context, args function.ArgumentsData, resp *function.RunResponse) {
			runReview(ctx, args, resp, version)
		}}
}

func reviewDefinition() function.Definition {
	return function.Definition{
		Summary: "Reviews every bucket's CORS policy: findings, drift from approved baselines, accepted risks and reports",
		MarkdownDescription: "Reviews a whole sweep at once: each bucket's findings (`cors_findings`) and whether its policy " +
			"still answers like its approved baseline (`cors_diff`), with accepted risks, a verdict, and reports for people " +
			"(`text`), dashboards (`json`) and GitHub code scanning (`sarif`). Every team gets the same, tested logic, and " +
			"the `check` that prints it stays a few lines.\n\n" +
			"## Statuses\n\n" +
			"Each bucket, by its key `<jurisdiction>/<name>`, is `approved` (a baseline is given and the policy is equal by " +
			"`cors_diff`), `drifted` (a baseline is given and the policy is not equal), `unapproved` (no baseline, and the " +
			"bucket has a policy) or `no_policy` (no baseline and no rules). The review **passes** when no bucket is " +
			"`drifted` or `unapproved` and no unaccepted finding reaches `fail_on`. An expired acceptance accepts nothing " +
			"(its findings count again) and is reported; an unused acceptance and an orphaned baseline are reported and do " +
			"not fail the review by themselves.\n\n" +
			"## Options\n\n" + attrDocs(reviewOptions) + "\nAn option this function does not know is an error naming it, " +
			"so a typo never switches a check off silently.\n\n" +
			"## Result\n\nAn object:\n\n" + attrDocs(reviewResult) + "\n" +
			"## SARIF\n\n" +
			"The log has one rule per finding code, with the catalogue's description and help (and GitHub's " +
			"`security-severity`), and the rules `drift` and `unapproved`. Each unaccepted finding, each drift change and " +
			"each unapproved bucket is a result at the bucket's baseline file (`<baseline_dir>/<key>.json`, which may not " +
			"exist yet, so every result has a stable `partialFingerprints` entry from the bucket, the code and the rule), " +
			"`level` `error` for high findings, drift and unapproved buckets, `warning` for medium, `note` for low. An " +
			"accepted finding is a result with a `suppressions` entry of kind `external` carrying the reason. GitHub keeps " +
			fmt.Sprintf("at most %d results a run: past that the log keeps the most severe and counts the rest in the run's ", review.MaxSARIFResults) +
			"`omittedResults` property.",
		Parameters: []function.Parameter{
			function.DynamicParameter{
				Name: "buckets",
				MarkdownDescription: "The buckets: a list of objects with `name`, `jurisdiction` (absent or null means " +
					"`default`) and `rules` (as the data sources write them, or by hand with optional fields left out), " +
					"normally `data.r2_bucket_cors_policies.<x>.buckets`. Other attributes are ignored; two buckets with " +
					"the same key are an error.",
			},
			function.DynamicParameter{
				Name:                "options",
				MarkdownDescription: "An object of options, each optional (`{}` for none); see Options below.",
			},
		},
		Return: function.ObjectReturn{AttributeTypes: ReviewResultAttrTypes},
	}
}

func runReview(ctx context.Context, args function.ArgumentsData, resp *function.RunResponse, version string) {
	bucketsArg, ferr := dynamicArgument(ctx, args, argBuckets)
	if ferr != nil {
		resp.Error = ferr
		return
	}
	optionsArg, ferr := dynamicArgument(ctx, args, argOptions)
	if ferr != nil {
		resp.Error = ferr
		return
	}
	if isNull(bucketsArg) {
		resp.Error = function.NewArgumentFuncError(argBuckets, "buckets must not be null: pass a list of buckets, [] for none")
		return
	}
	// Known options are checked even when the buckets are not known yet, so
	// a typo fails at the first plan.
	opts, optionsKnown, err := reviewOptionsOf(ctx, optionsArg)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(argOptions, err.Error())
		return
	}
	if !optionsKnown || !fullyKnown(ctx, bucketsArg) {
		resp.Error = resp.Result.Set(ctx, types.ObjectUnknown(ReviewResultAttrTypes))
		return
	}
	buckets, err := reviewBucketsFrom(ctx, bucketsArg.UnderlyingValue())
	if err != nil {
		resp.Error = function.NewArgumentFuncError(argBuckets, err.Error())
		return
	}
	obj, diags, err := reviewOf(buckets, opts, version)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(argBuckets, err.Error())
		return
	}
	setResult(ctx, resp, obj, diags)
}

// reviewOptionsOf reads and checks the options argument; known is false
// while part of it is not known.
func reviewOptionsOf(ctx context.Context, v types.Dynamic) (opts review.Options, known bool, err error) {
	if isNull(v) {
		return opts, true, errors.New("options must not be null: pass an object of options, {} for none")
	}
	if !fullyKnown(ctx, v) {
		return opts, false, nil
	}
	if opts, err = reviewOptionsFrom(ctx, v.UnderlyingValue()); err == nil {
		err = opts.Validate()
	}
	return opts, true, err
}

// reviewOf reviews the buckets and returns cors_review's result; err is the
// review's refusal of the buckets (two with the same key).
func reviewOf(buckets []review.Bucket, opts review.Options, version string) (types.Object, diag.Diagnostics, error) {
	rep, err := review.Run(buckets, opts)
	if err != nil {
		return types.Object{}, nil, err
	}
	rep.ToolVersion = version
	obj, diags := reviewValue(rep)
	return obj, diags, nil
}

// elements returns a list's, tuple's or set's elements; ok is false for
// any other value.
func elements(v attr.Value) (elems []attr.Value, ok bool) {
	switch s := v.(type) {
	case basetypes.DynamicValue:
		return elements(s.UnderlyingValue())
	case basetypes.TupleValue:
		return s.Elements(), true
	case basetypes.ListValue:
		return s.Elements(), true
	case basetypes.SetValue:
		return s.Elements(), true
	}
	return nil, false
}

// members returns an object's or map's attributes; ok is false for any
// other value.
func members(v attr.Value) (map[string]attr.Value, bool) {
	switch s := v.(type) {
	case basetypes.DynamicValue:
		return members(s.UnderlyingValue())
	case basetypes.ObjectValue:
		return s.Attributes(), true
	case basetypes.MapValue:
		return s.Elements(), true
	}
	return nil, false
}

// isNull reports whether v is null or absent.
func isNull(v attr.Value) bool {
	if d, ok := v.(basetypes.DynamicValue); ok {
		return d.IsNull() || d.IsUnderlyingValueNull()
	}
	return v == nil || v.IsNull()
}

// stringOf reads a string; ok is false for another type.
func stringOf(v attr.Value) (string, bool) {
	if d, ok := v.(basetypes.DynamicValue); ok {
		return stringOf(d.UnderlyingValue())
	}
	s, ok := v.(basetypes.StringValue)
	return s.ValueString(), ok
}

func reviewBucketsFrom(ctx context.Context, v attr.Value) ([]review.Bucket, error) {
	elems, ok := elements(v)
	if !ok {
		return nil, fmt.Errorf("buckets is %s: want a list of objects with name, jurisdiction and rules, e.g. data.r2_bucket_cors_policies.all.buckets", corsstate.TypeNoun(v))
	}
	out := make([]review.Bucket, len(elems))
	for i, e := range elems {
		p := fmt.Sprintf("buckets[%d]", i)
		attrs, ok := members(e)
		if !ok || isNull(e) {
			return nil, fmt.Errorf("%s is %s: want an object with name, jurisdiction and rules", p, corsstate.TypeNoun(e))
		}
		name, ok := stringOf(attrs["name"])
		if !ok || isNull(attrs["name"]) {
			return nil, fmt.Errorf("%s.name is required: the bucket's name, a string", p)
		}
		b := review.Bucket{Name: name}
		if j := attrs["jurisdiction"]; !isNull(j) {
			if b.Jurisdiction, ok = stringOf(j); !ok {
				return nil, fmt.Errorf("%s.jurisdiction is %s: want a string, or null for default", p, corsstate.TypeNoun(j))
			}
		}
		rules, ok := attrs["rules"]
		if !ok {
			return nil, fmt.Errorf("%s.rules is required: the bucket's rules, [] for none", p)
		}
		var err error
		if b.Rules, err = corsstate.RulesFromNamedValue(ctx, rules, p+".rules"); err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

// optionNames are the options cors_review knows.
func optionNames() []string {
	names := make([]string, len(reviewOptions))
	for i, o := range reviewOptions {
		names[i] = o.name
	}
	return names
}

func reviewOptionsFrom(ctx context.Context, v attr.Value) (review.Options, error) {
	var o review.Options
	attrs, ok := members(v)
	if !ok {
		return o, fmt.Errorf("options is %s: want an object such as { approved = ..., accept = [...] }, {} for none", corsstate.TypeNoun(v))
	}
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		known := false
		for _, n := range optionNames() {
			known = known || n == k
		}
		if !known {
			return o, fmt.Errorf("options has the unexpected attribute %q: the options are %s", k, strings.Join(optionNames(), ", "))
		}
	}
	str := func(name string) (string, bool, error) {
		v := attrs[name]
		if isNull(v) {
			return "", false, nil
		}
		s, ok := stringOf(v)
		if !ok {
			return "", false, fmt.Errorf("%s is %s: want a string", name, corsstate.TypeNoun(v))
		}
		return s, true, nil
	}
	if s, set, err := str("now"); err != nil {
		return o, err
	} else if set {
		if o.Now, err = review.ParseNow(s); err != nil {
			return o, fmt.Errorf("now: %w", err)
		}
	}
	if s, set, err := str("fail_on"); err != nil {
		return o, err
	} else if set {
		if o.FailOn, err = review.ParseSeverity(s); err != nil {
			return o, fmt.Errorf("fail_on: %w", err)
		}
	}
	if s, set, err := str("baseline_dir"); err != nil {
		return o, err
	} else if set {
		if s == "" {
			return o, fmt.Errorf("baseline_dir is empty: leave it out for %q", review.DefaultBaselineDir)
		}
		o.BaselineDir = s
	}
	if v := attrs["skipped_jurisdictions"]; !isNull(v) {
		elems, ok := elements(v)
		if !ok {
			return o, fmt.Errorf("skipped_jurisdictions is %s: want a list of strings", corsstate.TypeNoun(v))
		}
		for i, e := range elems {
			s, ok := stringOf(e)
			if !ok || isNull(e) {
				return o, fmt.Errorf("skipped_jurisdictions[%d] is %s: want a string", i, corsstate.TypeNoun(e))
			}
			o.SkippedJurisdictions = append(o.SkippedJurisdictions, s)
		}
	}
	var err error
	if o.Approved, err = approvedFrom(ctx, attrs["approved"]); err != nil {
		return o, err
	}
	o.Accept, err = acceptFrom(attrs["accept"])
	return o, err
}

func approvedFrom(ctx context.Context, v attr.Value) (map[string][]cors.Rule, error) {
	if isNull(v) {
		return nil, nil
	}
	attrs, ok := members(v)
	if !ok {
		return nil, fmt.Errorf("approved is %s: want a map from bucket key to the baseline's JSON text (file(...)) or rules", corsstate.TypeNoun(v))
	}
	out := make(map[string][]cors.Rule, len(attrs))
	// Buckets that share a policy share its baseline's text (a platform's
	// buckets often all have one): each text is parsed once. The rules are
	// only read, so the buckets may share them.
	parsed := map[string][]cors.Rule{}
	for k, e := range attrs {
		p := fmt.Sprintf("approved[%q]", k)
		if text, ok := stringOf(e); ok && !isNull(e) {
			rules, seen := parsed[text]
			if !seen {
				var err error
				if rules, err = review.ParseBaseline(text); err != nil {
					return nil, fmt.Errorf("%s: %w", p, err)
				}
				parsed[text] = rules
			}
			out[k] = rules
			continue
		}
		if isNull(e) {
			return nil, fmt.Errorf("%s is null: want the baseline's JSON text or rules, [] for none", p)
		}
		rules, err := corsstate.RulesFromNamedValue(ctx, e, p)
		if err != nil {
			return nil, err
		}
		out[k] = rules
	}
	return out, nil
}

// acceptAttrs are an acceptance's attributes; bucket, code and reason are
// required.
var acceptAttrs = []string{"bucket", "code", "reason", "rule_index", "until"}

func acceptFrom(v attr.Value) ([]review.Acceptance, error) {
	if isNull(v) {
		return nil, nil
	}
	elems, ok := elements(v)
	if !ok {
		return nil, fmt.Errorf("accept is %s: want a list of { bucket, code, reason, rule_index, until }", corsstate.TypeNoun(v))
	}
	out := make([]review.Acceptance, len(elems))
	for i, e := range elems {
		p := fmt.Sprintf("accept[%d]", i)
		attrs, ok := members(e)
		if !ok || isNull(e) {
			return nil, fmt.Errorf("%s is %s: want an object { bucket, code, reason, rule_index, until }", p, corsstate.TypeNoun(e))
		}
		names := make([]string, 0, len(attrs))
		for k := range attrs {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			known := false
			for _, n := range acceptAttrs {
				known = known || n == k
			}
			if !known {
				return nil, fmt.Errorf("%s has the unexpected attribute %q: an acceptance has %s", p, k, strings.Join(acceptAttrs, ", "))
			}
		}
		a := review.Acceptance{RuleIndex: -1}
		for _, f := range []struct {
			name string
			dst  *string
		}{{"bucket", &a.Bucket}, {"code", &a.Code}, {"reason", &a.Reason}} {
			val := attrs[f.name]
			if isNull(val) {
				continue // Validate names what is missing.
			}
			if *f.dst, ok = stringOf(val); !ok {
				return nil, fmt.Errorf("%s.%s is %s: want a string", p, f.name, corsstate.TypeNoun(val))
			}
		}
		if ri := attrs["rule_index"]; !isNull(ri) {
			n, ok := numberOf(ri)
			if !ok || !n.IsInt() || n.Sign() < 0 || n.Cmp(big.NewFloat(cors.MaxRules)) >= 0 {
				return nil, fmt.Errorf("%s.rule_index is %s: want a rule's 0-based index (0 to %d)", p, valueText(ri), cors.MaxRules-1)
			}
			idx, _ := n.Int64()
			a.RuleIndex = int(idx)
		}
		if u := attrs["until"]; !isNull(u) {
			s, ok := stringOf(u)
			if !ok {
				return nil, fmt.Errorf("%s.until is %s: want a date (2026-12-31) or an RFC 3339 time", p, corsstate.TypeNoun(u))
			}
			var err error
			if a.Until, err = review.ParseUntil(s); err != nil {
				return nil, fmt.Errorf("%s.until: %w", p, err)
			}
		}
		out[i] = a
	}
	return out, nil
}

func numberOf(v attr.Value) (*big.Float, bool) {
	switch n := v.(type) {
	case basetypes.DynamicValue:
		return numberOf(n.UnderlyingValue())
	case basetypes.NumberValue:
		return n.ValueBigFloat(), n.ValueBigFloat() != nil
	case basetypes.Int64Value:
		return big.NewFloat(float64(n.ValueInt64())), true
	}
	return nil, false
}

func valueText(v attr.Value) string {
	if n, ok := numberOf(v); ok {
		return n.Text('g', -1)
	}
	return corsstate.TypeNoun(v)
}

// indent makes a Markdown list a nested list.
func indent(s string) string {
	return "  " + strings.ReplaceAll(strings.TrimSuffix(s, "\n"), "\n", "\n  ")
}

// reviewValue maps the report to the result object.
func reviewValue(r *review.Report) (types.Object, diag.Diagnostics) {
	var diags diag.Diagnostics
	obj := func(t map[string]attr.Type, m map[string]attr.Value) attr.Value {
		o, d := types.ObjectValue(t, m)
		diags.Append(d...)
		return o
	}
	n := func(i int) attr.Value { return types.Int64Value(int64(i)) }
	s := r.Summary
	skipped := make([]attr.Value, len(s.SkippedJurisdictions))
	for i, j := range s.SkippedJurisdictions {
		skipped[i] = types.StringValue(j)
	}
	summary := obj(ReviewSummaryAttrTypes, map[string]attr.Value{
		"buckets": n(s.Buckets), "policies": n(s.Policies), "approved": n(s.Approved), "drifted": n(s.Drifted),
		"unapproved": n(s.Unapproved), "high": n(s.High), "medium": n(s.Medium), "low": n(s.Low),
		"accepted": n(s.Accepted), "expired": n(s.Expired), "unused": n(s.Unused), "orphaned": n(s.Orphaned),
		"skipped_jurisdictions": types.ListValueMust(types.StringType, skipped),
	})
	buckets := make(map[string]attr.Value, len(r.Buckets))
	for k, b := range r.Buckets {
		buckets[k] = obj(ReviewBucketObjectType.AttrTypes, map[string]attr.Value{
			"status": types.StringValue(string(b.Status)), "high": n(b.High), "medium": n(b.Medium), "low": n(b.Low), "accepted": n(b.Accepted),
		})
	}
	findings := make([]attr.Value, len(r.Findings))
	for i, f := range r.Findings {
		reason := types.StringNull()
		if f.Accepted {
			reason = types.StringValue(f.Reason)
		}
		findings[i] = obj(ReviewFindingObjectType.AttrTypes, map[string]attr.Value{
			"bucket": types.StringValue(f.Bucket), "jurisdiction": types.StringValue(f.Jurisdiction), "name": types.StringValue(f.Name),
			"rule_index": optIndex(f.RuleIndex), "rule_id": types.StringPointerValue(f.RuleID), "code": types.StringValue(f.Code),
			"severity": types.StringValue(string(f.Severity)), "message": types.StringValue(f.Message),
			"accepted": types.BoolValue(f.Accepted), "reason": reason,
		})
	}
	drift := make([]attr.Value, len(r.Drift))
	for i, d := range r.Drift {
		drift[i] = obj(ReviewDriftObjectType.AttrTypes, map[string]attr.Value{"bucket": types.StringValue(d.Bucket), "message": types.StringValue(d.Message)})
	}
	doc, err := r.JSON()
	if err != nil {
		diags.AddError("Building the JSON report", err.Error())
	}
	log, err := r.SARIF()
	if err != nil {
		diags.AddError("Building the SARIF report", err.Error())
	}
	baselines, err := r.Baselines()
	if err != nil {
		diags.AddError("Building the baselines", err.Error())
	}
	baselineValues := make(map[string]attr.Value, len(baselines))
	for k, b := range baselines {
		baselineValues[k] = types.StringValue(b)
	}
	bucketMap, d := types.MapValue(ReviewBucketObjectType, buckets)
	diags.Append(d...)
	findingList, d := types.ListValue(ReviewFindingObjectType, findings)
	diags.Append(d...)
	driftList, d := types.ListValue(ReviewDriftObjectType, drift)
	diags.Append(d...)
	baselineMap, d := types.MapValue(types.StringType, baselineValues)
	diags.Append(d...)
	if diags.HasError() {
		return types.ObjectNull(ReviewResultAttrTypes), diags
	}
	result, d := types.ObjectValue(ReviewResultAttrTypes, map[string]attr.Value{
		"passed": types.BoolValue(r.Passed), "summary": summary, "buckets": bucketMap, "findings": findingList,
		"drift": driftList, "text": types.StringValue(r.Text()), "json": types.StringValue(doc),
		"sarif": types.StringValue(log), "baselines": baselineMap,
	})
	diags.Append(d...)
	return result, diags
}
