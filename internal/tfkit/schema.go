package tfkit

import "github.com/hashicorp/terraform-plugin-framework/datasource/schema"

// ComputedString is a string attribute a data source sets, as the bucket
// objects of r2_buckets and r2_bucket_cors_policies have them.
func ComputedString(desc string) schema.StringAttribute {
	return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
}
