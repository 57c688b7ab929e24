package datasources

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
	"github.com/r2tf/terraform-provider-r2/internal/corsstate"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
	"github.com/r2tf/terraform-provider-r2/internal/tfkit"
)

// setState's direct value must equal what the framework's State.Set builds
// from the model, for every data source.
func TestSetStateMatchesStateSet(t *testing.T) {
	ctx := context.Background()
	rules, err := r2api.DecodeCORS([]byte(`{"success":true,"errors":[],"messages":[],"result":{"rules":[` +
		`{"id":"a","allowed":{"methods":["GET"],"origins":["*"],"headers":[]},"exposeHeaders":["ETag"],"maxAgeSeconds":1.5},` +
		`{"allowed":{"methods":["PUT"],"origins":["https://x.example"]}}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	ruleList, err := corsstate.RulesToState(rules)
	if err != nil {
		t.Fatal(err)
	}
	eu := "eu"
	bucketList, diags := bucketsToState([]r2api.Bucket{{Name: "media", Jurisdiction: &eu}, {Name: "bare"}})
	if diags.HasError() {
		t.Fatal(diags)
	}

	loc := "enam"
	sweptList, _, diags := sweepToState(acct, []sweptBucket{
		{jurisdiction: "default", bucket: r2api.Bucket{Name: "media", Location: &loc}, rules: rules},
		{jurisdiction: "eu", bucket: r2api.Bucket{Name: "bare"}, rules: []cors.Rule{}},
	})
	if diags.HasError() {
		t.Fatal(diags)
	}

	type model any
	cases := []struct {
		name   string
		ds     datasource.DataSource
		models []model
	}{
		{"r2_bucket_cors", NewBucketCORSDataSource(), []model{
			&bucketCORSModel{ID: types.StringValue("x"), AccountID: types.StringValue(acct), BucketName: types.StringValue("media"),
				Jurisdiction: types.StringNull(), Rules: ruleList},
			&bucketCORSModel{ID: types.StringValue("x"), AccountID: types.StringValue(acct), BucketName: types.StringValue("media"),
				Jurisdiction: types.StringValue("eu"), Rules: ruleList},
		}},
		{"r2_buckets", NewBucketsDataSource(), []model{
			&bucketsModel{ID: types.StringValue("x"), AccountID: types.StringValue(acct), Jurisdiction: types.StringNull(),
				NameContains: types.StringNull(), Buckets: bucketList},
			&bucketsModel{ID: types.StringValue("x"), AccountID: types.StringValue(acct), Jurisdiction: types.StringValue("eu"),
				NameContains: types.StringValue("me"), Buckets: bucketList},
		}},
		{"r2_bucket_cors_policies", NewBucketCORSPoliciesDataSource(), []model{
			&corsPoliciesModel{ID: types.StringValue(acct), AccountID: types.StringValue(acct), Jurisdictions: types.SetNull(types.StringType),
				NameContains: types.StringNull(), Buckets: sweptList, BucketCount: types.Int64Value(2), PolicyCount: types.Int64Value(1),
				SkippedJurisdictions: types.ListValueMust(types.StringType, []attr.Value{types.StringValue("fedramp")})},
			&corsPoliciesModel{ID: types.StringValue(acct), AccountID: types.StringValue(acct),
				Jurisdictions: types.SetValueMust(types.StringType, []attr.Value{types.StringValue("eu")}),
				NameContains:  types.StringValue("me"), Buckets: sweptList, BucketCount: types.Int64Value(2), PolicyCount: types.Int64Value(1),
				SkippedJurisdictions: types.ListValueMust(types.StringType, []attr.Value{})},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var sr datasource.SchemaResponse
			tc.ds.Schema(ctx, datasource.SchemaRequest{}, &sr)
			for _, m := range tc.models {
				want := tfsdk.State{Schema: sr.Schema}
				if diags := want.Set(ctx, m); diags.HasError() {
					t.Fatal(diags)
				}
				got := tfsdk.State{Schema: sr.Schema}
				if diags := tfkit.SetState(ctx, &got, m); diags.HasError() {
					t.Fatal(diags)
				}
				if !got.Raw.Equal(want.Raw) {
					t.Errorf("direct value differs from State.Set:\n got %s\nwant %s", got.Raw, want.Raw)
				}
			}
		})
	}
}

func TestBucketsToState(t *testing.T) {
	s := func(v string) *string { return &v }
	list, diags := bucketsToState([]r2api.Bucket{
		{Name: "full", CreationDate: s("2024-01-02T03:04:05.678Z"), Location: s("enam"), Jurisdiction: s("eu"), StorageClass: s("Standard")},
		{Name: "bare"},
		{Name: "empty", Location: s("")},
	})
	if diags.HasError() {
		t.Fatal(diags)
	}
	elems := list.Elements()
	if len(elems) != 3 {
		t.Fatalf("elements = %d", len(elems))
	}
	attrs := func(i int) map[string]attr.Value {
		obj, ok := elems[i].(types.Object)
		if !ok {
			t.Fatalf("element %d is %T", i, elems[i])
		}
		return obj.Attributes()
	}
	if got := attrs(0)["jurisdiction"]; !got.Equal(types.StringValue("eu")) {
		t.Errorf("full.jurisdiction = %s", got)
	}
	for _, k := range []string{"creation_date", "location", "jurisdiction", "storage_class"} {
		if got := attrs(1)[k]; !got.IsNull() {
			t.Errorf("bare.%s = %s, want null", k, got)
		}
	}
	if got := attrs(2)["location"]; !got.Equal(types.StringValue("")) {
		t.Errorf("empty.location = %s, want \"\" (empty is not absent)", got)
	}

	empty, diags := bucketsToState([]r2api.Bucket{})
	if diags.HasError() || empty.IsNull() || len(empty.Elements()) != 0 {
		t.Fatalf("no buckets: %s, %v; want an empty, non-null list", empty, diags)
	}
}
