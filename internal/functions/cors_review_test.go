package functions

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// corsReview is cors_review of a provider without a version.
var corsReview = corsReviewOf("")

func reviewOptionsValue(attrs map[string]attr.Value) types.Dynamic {
	ctx := context.Background()
	typ := map[string]attr.Type{}
	for k, v := range attrs {
		typ[k] = v.Type(ctx)
	}
	return types.DynamicValue(types.ObjectValueMust(typ, attrs))
}

// Unknown arguments give an unknown result; known options are checked even
// then, so a typo fails at the first plan.
func TestCORSReviewUnknown(t *testing.T) {
	unknownBuckets := types.DynamicUnknown()
	resp := run(t, corsReview, unknownBuckets, reviewOptionsValue(map[string]attr.Value{"fail_on": types.StringValue("high")}))
	if resp.Error != nil || !resp.Result.Value().IsUnknown() {
		t.Errorf("unknown buckets: result %v, error %v; want unknown", resp.Result.Value(), resp.Error)
	}
	resp = run(t, corsReview, unknownBuckets, reviewOptionsValue(map[string]attr.Value{"fail_on": types.StringValue("severe")}))
	if resp.Error == nil || !strings.Contains(resp.Error.Error(), `fail_on: "severe" is not a severity`) {
		t.Errorf("a bad fail_on with unknown buckets: %v", resp.Error)
	}
	resp = run(t, corsReview, types.DynamicValue(types.TupleValueMust(nil, nil)), reviewOptionsValue(map[string]attr.Value{"now": types.StringUnknown()}))
	if resp.Error != nil || !resp.Result.Value().IsUnknown() {
		t.Errorf("unknown now (plantimestamp() at validate): result %v, error %v; want unknown", resp.Result.Value(), resp.Error)
	}
}

// The data sources' bucket objects, as the sweep writes them, review as
// hand-written ones do; other attributes are ignored.
func TestCORSReviewDataSourceShape(t *testing.T) {
	rules := testRules(t).UnderlyingValue()
	bucketType := map[string]attr.Type{"name": types.StringType, "jurisdiction": types.StringType, "location": types.StringType, "rules": rules.Type(t.Context())}
	bucket := types.ObjectValueMust(bucketType, map[string]attr.Value{
		"name": types.StringValue("uploads"), "jurisdiction": types.StringValue("eu"), "location": types.StringValue("weur"), "rules": rules,
	})
	buckets := types.DynamicValue(types.ListValueMust(types.ObjectType{AttrTypes: bucketType}, []attr.Value{bucket}))
	resp := run(t, corsReview, buckets, reviewOptionsValue(map[string]attr.Value{}))
	if resp.Error != nil {
		t.Fatal(resp.Error)
	}
	result := as[types.Object](t, resp.Result.Value()).Attributes()
	statuses := as[types.Map](t, result["buckets"]).Elements()
	status := as[types.Object](t, statuses["eu/uploads"]).Attributes()["status"]
	if !status.Equal(types.StringValue("unapproved")) || !result["passed"].Equal(types.BoolValue(false)) {
		t.Errorf("eu/uploads: %v, passed %v", status, result["passed"])
	}
	if text := as[types.String](t, result["text"]).ValueString(); !strings.HasPrefix(text, "CORS review FAILED: 1 bucket (1 with a policy)") {
		t.Errorf("text: %s", text)
	}
}
