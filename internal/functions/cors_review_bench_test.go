package functions

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
	"github.com/r2tf/terraform-provider-r2/internal/corsstate"
	"github.com/r2tf/terraform-provider-r2/internal/review"
)

// BenchmarkCORSReview1000 is cors_review over a sweep of 1000 buckets as the
// data source writes them, each with its baseline's text: the arguments in,
// the review, the result out.
func BenchmarkCORSReview1000(b *testing.B) {
	var rules []cors.Rule
	if err := json.Unmarshal([]byte(`[{"id":"app","allowed":{"methods":["GET","HEAD"],"origins":["https://app.example.com","https://www.example.com"],"headers":["content-type","authorization"]},"exposeHeaders":["ETag","Content-Length"],"maxAgeSeconds":3600},{"id":"uploads","allowed":{"methods":["PUT","POST"],"origins":["https://app.example.com"],"headers":["content-type","x-amz-meta-*"]},"maxAgeSeconds":600}]`), &rules); err != nil {
		b.Fatal(err)
	}
	state, err := corsstate.RulesToState(rules)
	if err != nil {
		b.Fatal(err)
	}
	text, _ := review.FormatBaseline(rules)
	ctx := context.Background()
	bucketType := map[string]attr.Type{"name": types.StringType, "jurisdiction": types.StringType, "location": types.StringType,
		"has_policy": types.BoolType, "rules": state.Type(ctx)}
	buckets := make([]attr.Value, 1000)
	approved := map[string]attr.Value{}
	for i := range buckets {
		name := fmt.Sprintf("bucket-%04d", i)
		buckets[i] = types.ObjectValueMust(bucketType, map[string]attr.Value{"name": types.StringValue(name),
			"jurisdiction": types.StringValue("default"), "location": types.StringValue("wnam"), "has_policy": types.BoolValue(true), "rules": state})
		approved["default/"+name] = types.StringValue(text)
	}
	bucketsArg := types.DynamicValue(types.ListValueMust(types.ObjectType{AttrTypes: bucketType}, buckets))
	approvedTypes := map[string]attr.Type{}
	for k := range approved {
		approvedTypes[k] = types.StringType
	}
	opts := types.DynamicValue(types.ObjectValueMust(map[string]attr.Type{"approved": types.ObjectType{AttrTypes: approvedTypes}},
		map[string]attr.Value{"approved": types.ObjectValueMust(approvedTypes, approved)}))
	for b.Loop() {
		resp := run(b, corsReview, bucketsArg, opts)
		if resp.Error != nil {
			b.Fatal(resp.Error)
		}
	}
}
