package datasources

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/r2tf/terraform-provider-r2/internal/corsstate"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
	"github.com/r2tf/terraform-provider-r2/internal/tfkit"
)

// BenchmarkSetState is the last step of a read, the model written to state:
// r2_bucket_cors with a policy of three rules (a plan of many reads pays it
// per read) and r2_bucket_cors_policies with a sweep of 1000 buckets.
func BenchmarkSetState(b *testing.B) {
	ctx := context.Background()
	rules, err := r2api.DecodeCORS([]byte(`{"success":true,"errors":[],"messages":[],"result":{"rules":[` +
		`{"id":"app","allowed":{"methods":["GET","HEAD"],"origins":["https://app.example.com"],"headers":["content-type"]},` +
		`"exposeHeaders":["ETag"],"maxAgeSeconds":3600},` +
		`{"allowed":{"methods":["PUT","POST"],"origins":["https://upload.example.com"]}},` +
		`{"id":"cdn","allowed":{"methods":["GET"],"origins":["*"],"headers":["*"]},"maxAgeSeconds":86400.5}]}}`))
	if err != nil {
		b.Fatal(err)
	}
	ruleList, err := corsstate.RulesToState(rules)
	if err != nil {
		b.Fatal(err)
	}
	swept := make([]sweptBucket, 1000)
	for i := range swept {
		swept[i] = sweptBucket{jurisdiction: "default", bucket: r2api.Bucket{Name: fmt.Sprintf("bucket-%04d", i)}}
		if i%2 == 0 {
			swept[i].rules = rules
		}
	}
	sweptList, _, diags := sweepToState(acct, swept)
	if diags.HasError() {
		b.Fatal(diags)
	}

	one := bucketCORSModel{ID: types.StringValue("x"), AccountID: types.StringValue(acct), BucketName: types.StringValue("media"),
		Jurisdiction: types.StringNull(), Rules: ruleList}
	sweep := corsPoliciesModel{ID: types.StringValue(acct), AccountID: types.StringValue(acct), Jurisdictions: types.SetNull(types.StringType),
		NameContains: types.StringNull(), Buckets: sweptList, BucketCount: types.Int64Value(1000), PolicyCount: types.Int64Value(500),
		SkippedJurisdictions: types.ListValueMust(types.StringType, []attr.Value{})}
	cases := []struct {
		name  string
		ds    datasource.DataSource
		write func(*tfsdk.State) diag.Diagnostics
	}{
		{"r2_bucket_cors", NewBucketCORSDataSource(), func(s *tfsdk.State) diag.Diagnostics { return tfkit.SetState(ctx, s, &one) }},
		{"r2_bucket_cors_policies/1000", NewBucketCORSPoliciesDataSource(), func(s *tfsdk.State) diag.Diagnostics {
			return tfkit.SetState(ctx, s, &sweep)
		}},
	}
	for _, tc := range cases {
		var sr datasource.SchemaResponse
		tc.ds.Schema(ctx, datasource.SchemaRequest{}, &sr)
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				state := tfsdk.State{Schema: sr.Schema}
				if diags := tc.write(&state); diags.HasError() {
					b.Fatal(diags)
				}
			}
		})
	}
}
