// Package datasources holds the provider's data sources. Each one is a schema
// plus a Read that goes config -> API client -> state, with the wire-to-state
// mapping in a small function of its own; what they share is internal/tfkit.
package datasources

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/r2tf/terraform-provider-r2/internal/corsstate"
	"github.com/r2tf/terraform-provider-r2/internal/jurisdictions"
	"github.com/r2tf/terraform-provider-r2/internal/tfkit"
)

var _ datasource.DataSourceWithConfigure = (*bucketCORSDataSource)(nil)

// NewBucketCORSDataSource is the factory the provider registers.
func NewBucketCORSDataSource() datasource.DataSource {
	return &bucketCORSDataSource{}
}

type bucketCORSDataSource struct {
	tfkit.DataSourceClient
}

type bucketCORSModel struct {
	ID           types.String `tfsdk:"id"`
	AccountID    types.String `tfsdk:"account_id"`
	BucketName   types.String `tfsdk:"bucket_name"`
	Jurisdiction types.String `tfsdk:"jurisdiction"`
	Rules        types.List   `tfsdk:"rules"`
}

func (d *bucketCORSDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_bucket_cors"
}

func (d *bucketCORSDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the CORS policy of an R2 bucket, rule by rule, exactly as Cloudflare " +
			"stores it. A bucket without a CORS policy reads as `rules = []`, not as an error, so drift " +
			"reviews can test `length(data.r2_bucket_cors.x.rules) == 0`.\n\n" +
			"It reads through the API the provider's `cors_reader` names: the REST API (the default), or R2's S3 API " +
			"(`\"s3\"`), which gives the same state except where XML cannot say what JSON can: an empty list reads as " +
			"null, and a fractional `max_age_seconds` is an error.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<account_id>/<jurisdiction>/<bucket_name>`, with `default` when no jurisdiction is set.",
				Computed:            true,
			},
			"account_id": schema.StringAttribute{
				MarkdownDescription: "Cloudflare account ID that owns the bucket: 32 lowercase hexadecimal characters.",
				Required:            true,
				Validators:          []validator.String{tfkit.ValidAccountID()},
			},
			"bucket_name": schema.StringAttribute{
				MarkdownDescription: "Name of the bucket: 3 to 64 lowercase letters, digits and hyphens, " +
					"starting and ending with a letter or digit.",
				Required:   true,
				Validators: []validator.String{tfkit.ValidBucketName()},
			},
			"jurisdiction": schema.StringAttribute{
				MarkdownDescription: "Jurisdiction the bucket was created in: one of `" +
					strings.Join(jurisdictions.All, "`, `") + "`, sent as the `cf-r2-jurisdiction` header. " +
					"A bucket created in " + jurisdictions.Quote(jurisdictions.Others(), "or") + " is invisible without it. Leave it out for `default`.",
				Optional:   true,
				Validators: []validator.String{tfkit.ValidJurisdiction()},
			},
			"rules": schema.ListNestedAttribute{
				MarkdownDescription: "The policy's rules in the API's order (the first rule that matches a request " +
					"wins). Empty when the bucket has no CORS policy. A field the API leaves out is null.",
				Computed:     true,
				NestedObject: corsstate.RuleSchema(),
			},
		},
	}
}

func (d *bucketCORSDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m bucketCORSModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	account, bucket, jurisdiction := m.AccountID.ValueString(), m.BucketName.ValueString(), m.Jurisdiction.ValueString()

	rules, err := d.CORS.GetBucketCORS(ctx, account, bucket, jurisdiction)
	if err != nil {
		summary, detail := tfkit.ReadCORSErrorDiagnostic(err, account, bucket, jurisdiction)
		resp.Diagnostics.AddError(summary, detail)
		return
	}
	list, err := corsstate.RulesToState(rules)
	if err != nil {
		resp.Diagnostics.AddError(tfkit.UnexpectedPolicyDiagnostic(err, account, bucket, jurisdiction))
		return
	}
	m.Rules = list
	m.ID = types.StringValue(account + "/" + jurisdictions.OrDefault(jurisdiction) + "/" + bucket)
	resp.Diagnostics.Append(tfkit.SetState(ctx, &resp.State, &m)...)
}
